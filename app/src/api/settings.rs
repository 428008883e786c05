//! Platform settings, for platform administrators (Dashboard > SETTINGS): so far the limits on
//! invitation emails (issue 9: a user admin or an instructor could otherwise send invitations to
//! any number of outside addresses).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many invitation emails may leave: per person (platform administrators excepted), an hour
/// and a day; and for the whole platform, an hour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailLimits {
    pub per_person_per_hour: i64,
    pub per_person_per_day: i64,
    pub platform_per_hour: i64,
}

/// The highest any limit may be set to.
pub const EMAIL_LIMIT_MAX: i64 = 1_000_000;

#[server(endpoint = "settings/email_limits")]
pub async fn get_email_limits() -> Result<EmailLimits, AppError> {
    use crate::backend::{principal, settings, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    settings::email_limits(&state()?.db).await
}

#[server(endpoint = "settings/set_email_limits")]
pub async fn set_email_limits(#[server(default)] limits: EmailLimits) -> Result<(), AppError> {
    use crate::backend::{audit::Who, principal, settings, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    settings::set_email_limits(&state()?.db, &Who::of(&principal), limits).await
}
