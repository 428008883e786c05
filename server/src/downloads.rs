//! Files to download by a link (GET): the import template (R35) and an import's rejected rows
//! (R36). Each asks who is asking first, as a server function does.

use app::api::context::AppState;
use app::backend::batch::{job, template};
use app::backend::Principal;
use app::domain::capability::AddUsersSomewhere;
use app::error::AppError;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header;

use crate::middleware::app_error_response;

/// The template, in the language of the person asking, with the platform's custom fields.
pub async fn import_template(State(state): State<AppState>, principal: Option<Extension<Principal>>) -> Response {
    let Some(Extension(principal)) = principal else { return app_error_response(&AppError::NotSignedIn) };
    let permit = match principal.require(AddUsersSomewhere) {
        Ok(permit) => permit,
        Err(error) => return app_error_response(&error),
    };
    match template::for_person(&state.db, &permit).await {
        Ok(text) => csv(&template::file_name(principal.lang), text),
        Err(error) => app_error_response(&error),
    }
}

/// The rows an import of the caller's did not import, with why.
pub async fn rejected_rows(State(state): State<AppState>, principal: Option<Extension<Principal>>, Path(id): Path<i64>) -> Response {
    let Some(Extension(principal)) = principal else { return app_error_response(&AppError::NotSignedIn) };
    if let Err(error) = principal.require(AddUsersSomewhere) {
        return app_error_response(&error);
    }
    match job::rejected_rows(&state.db, &principal, principal.lang, id).await {
        Ok(text) => csv(&job::rejected_file_name(principal.lang, id), text),
        Err(error) => app_error_response(&error),
    }
}

fn csv(file_name: &str, text: String) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".to_string())], text).into_response()
}
