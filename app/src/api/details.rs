//! A user's details besides groups and roles (R20, R25, R42–R44): default language, deletion
//! date, labels and custom-field values, set when inviting or setting up a user. Labels and
//! custom fields are defined by platform administrators (R43).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::context;
use crate::error::AppError;
use crate::wire::details::LabelsAndFields;
#[cfg(feature = "ssr")]
use crate::domain::capability::AdministerPlatform;
#[cfg(feature = "ssr")]
use crate::domain::custom_field::FieldType;

/// For the forms of those who add users, and for the platform administrators' list; with
/// `session`, for those who may invite from that session (R4: the session's Learners + panel).
/// With `holders`, how many hold each one, for the platform administrators' list (LABELS, R66): a
/// count over every holder, which the forms and filters do not ask for.
#[server(endpoint = "details/choices")]
pub async fn detail_choices(#[server(default)] session: Option<i64>, #[server(default)] holders: bool) -> Result<LabelsAndFields, AppError> {
    use crate::backend::{details, programs};
    use crate::domain::capability::InviteFromSession;
    use crate::domain::policy::Action;
    let principal = context::principal()?;
    let state = context::state()?;
    let allowed = match session {
        None => principal.may(&Action::AddUsersSomewhere),
        Some(session) => programs::session_permit(&state.db, &principal, session, InviteFromSession).await.is_ok(),
    };
    if !allowed {
        return Err(AppError::NotAllowed);
    }
    let may_define = principal.is_platform_admin();
    let choices = details::choices(&state.db, holders && may_define).await?;
    Ok(LabelsAndFields { may_define, ..choices })
}

/// R43: a new label, by a platform administrator.
#[server(endpoint = "details/create_label")]
pub async fn create_label(name: String) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    details::create(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Label, &name, FieldType::Text).await
}

/// R43, R79: a new custom field of a type (`kind`: text, number, date or list; a list's
/// `options` one per line), by a platform administrator.
#[server(endpoint = "details/create_field")]
pub async fn create_custom_field(name: String, #[server(default)] kind: String, #[server(default)] options: String) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    let field_type = FieldType::from_form(&kind, &options).map_err(|msg| AppError::field("kind", msg))?;
    details::create(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Field, &name, field_type).await
}

/// R79: renames a label.
#[server(endpoint = "details/edit_label")]
pub async fn edit_label(id: i64, name: String) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    details::edit(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Label, id, &name, FieldType::Text).await
}

/// R79: renames a custom field, or changes its type if every value held fits the new one.
#[server(endpoint = "details/edit_field")]
pub async fn edit_custom_field(id: i64, name: String, #[server(default)] kind: String, #[server(default)] options: String) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    let field_type = FieldType::from_form(&kind, &options).map_err(|msg| AppError::field("kind", msg))?;
    details::edit(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Field, id, &name, field_type).await
}

/// R79: deletes a label, taken off everyone holding it.
#[server(endpoint = "details/delete_label")]
pub async fn delete_label(id: i64) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    details::delete(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Label, id).await
}

/// R79: deletes a custom field and every value of it.
#[server(endpoint = "details/delete_field")]
pub async fn delete_custom_field(id: i64) -> Result<(), AppError> {
    use crate::backend::details;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    details::delete(&context::state()?.db, &permit, &context::who(&principal), details::Kind::Field, id).await
}
