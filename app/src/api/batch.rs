//! Creating users in batch (R35–R37): the file uploaded and kept, its preview, IMPORT, and the
//! import's progress. The template and the rejected-rows file are downloads (server/downloads).

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::api::context;
#[cfg(feature = "ssr")]
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::batch::{Defaults, Mode};
use crate::error::AppError;
use crate::wire::batch::{ImportPreview, ImportStatus, Uploaded};

/// The multipart field that carries the file.
pub const FILE_FIELD: &str = "file";

/// Keeps an uploaded CSV file (at most 50 MB; refused at once if it is not UTF-8 or empty) for
/// its preview and import.
#[server(endpoint = "import/upload", input = MultipartFormData)]
pub async fn upload_import_file(data: MultipartData) -> Result<Uploaded, AppError> {
    use crate::backend::batch::{file::MAX_BYTES, job};
    use crate::i18n::Msg;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let mut form = data.into_inner().ok_or(AppError::BadRequest)?;
    let too_large = || AppError::field("file", Msg::FileTooLarge { max_mb: MAX_BYTES / (1024 * 1024) });
    while let Some(mut field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        let state = context::state()?;
        let job = job::upload(&state.db, &permit, &context::who(&principal), &file_name, &bytes).await?;
        return Ok(Uploaded { job, file_name, bytes: bytes.len() as u64 });
    }
    Err(AppError::field("file", Msg::Required))
}

/// What importing the uploaded file with these choices would do (R36); nothing is written.
#[server(endpoint = "import/preview")]
pub async fn preview_import(job: i64, mode: Mode, #[server(default)] defaults: Defaults) -> Result<ImportPreview, AppError> {
    use crate::backend::batch::job as import;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    import::preview(&state.db, &permit, &context::who(&principal), job, mode, &defaults).await
}

/// IMPORT: the file is imported in the background, row by row within the rights of the person
/// importing (R1–R6, R36, R37).
#[server(endpoint = "import/start")]
pub async fn start_import(job: i64, mode: Mode, #[server(default)] defaults: Defaults, #[server(default)] add_existing: bool) -> Result<(), AppError> {
    use crate::backend::batch::job as import;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    import::start(&state.db, &permit, &context::who(&principal), job, mode, &defaults, add_existing).await
}

/// Where one of the caller's imports stands (R37).
#[server(endpoint = "import/progress")]
pub async fn import_progress(job: i64) -> Result<ImportStatus, AppError> {
    use crate::backend::batch::job as import;
    let principal = context::principal()?;
    principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    import::status(&state.db, &principal, job).await
}

/// The caller's latest import, shown again when they come back to the panel.
#[server(endpoint = "import/latest")]
pub async fn latest_import() -> Result<Option<ImportStatus>, AppError> {
    use crate::backend::batch::job as import;
    let principal = context::principal()?;
    principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    import::latest(&state.db, &principal).await
}
