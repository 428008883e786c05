//! A user's details besides groups and roles (R20, R25, R42–R44): default language, deletion
//! date, labels and custom-field values, set when inviting or setting up a user. Labels and
//! custom fields are defined by platform administrators (R43).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;

/// The optional part of the invite and set-up forms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserDetails {
    /// The platform's when `None` (R44).
    pub language: Option<Lang>,
    /// `YYYY-MM-DD` (R42).
    pub deletion_date: Option<String>,
    pub labels: Vec<i64>,
    /// Empty values are not stored.
    pub values: Vec<FieldValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldValue {
    pub field: i64,
    pub value: String,
}

/// The labels and custom fields defined on the platform, as (id, name), by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelsAndFields {
    pub labels: Vec<(i64, String)>,
    pub fields: Vec<(i64, String)>,
    /// Whether this person may define more (platform administrators, R43).
    pub may_define: bool,
}

/// For the forms of those who add users, and for the platform administrators' list; with
/// `session`, for those who may invite from that session (R4: the session's Learners + panel).
#[server(endpoint = "details/choices")]
pub async fn detail_choices(#[server(default)] session: Option<i64>) -> Result<LabelsAndFields, AppError> {
    use crate::backend::{details, principal, programs, state};
    use crate::domain::policy::Action;
    let principal = principal::current()?;
    let state = state()?;
    let allowed = match session {
        None => principal.may_add_users_somewhere(),
        Some(session) => programs::session_ref(&state.db, session).await.is_ok_and(|s| principal.may(&Action::InviteFromSession(s))),
    };
    if !allowed {
        return Err(AppError::NotAllowed);
    }
    let mut choices = details::choices(&state.db).await?;
    choices.may_define = principal.is_platform_admin();
    Ok(choices)
}

/// R43: a new label, by a platform administrator.
#[server(endpoint = "details/create_label")]
pub async fn create_label(name: String) -> Result<(), AppError> {
    use crate::backend::{audit::Who, details, principal, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    details::create(&state()?.db, &Who::of(&principal), details::Kind::Label, &name).await
}

/// R43: a new custom field, by a platform administrator.
#[server(endpoint = "details/create_field")]
pub async fn create_custom_field(name: String) -> Result<(), AppError> {
    use crate::backend::{audit::Who, details, principal, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    details::create(&state()?.db, &Who::of(&principal), details::Kind::Field, &name).await
}
