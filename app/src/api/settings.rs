//! Platform settings, for platform administrators (Dashboard > SETTINGS): the platform's name,
//! default language, time zone and invitation lifetime; the limits on invitation emails (issue 9:
//! a user admin or an instructor could otherwise send invitations to any number of outside
//! addresses). Each change is audited.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;

/// The platform's own settings (R22, R44, R68).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlatformSettings {
    /// In the top bar, the emails' subjects and texts.
    pub name: String,
    /// The language of those who chose none, and of the emails to them.
    pub default_language: Lang,
    /// An IANA name (Europe/Paris): when a day starts, for deletion dates (R68).
    pub time_zone: String,
    /// How long an invitation's link works (R22), from 1 to 30 days.
    pub invitation_lifetime_days: i64,
}

/// The settings page's first card: the settings and the time zones to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSettingsView {
    pub settings: PlatformSettings,
    pub time_zones: Vec<String>,
}

/// The bounds of the invitation lifetime, in days.
pub const LIFETIME_DAYS: std::ops::RangeInclusive<i64> = 1..=30;

#[server(endpoint = "settings/platform")]
pub async fn get_platform_settings() -> Result<PlatformSettingsView, AppError> {
    use crate::backend::{principal, settings, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    let settings = settings::platform_settings(&state()?.db.pool).await?;
    Ok(PlatformSettingsView { settings, time_zones: chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name().to_string()).collect() })
}

#[server(endpoint = "settings/set_platform")]
pub async fn set_platform_settings(#[server(default)] settings: PlatformSettings) -> Result<(), AppError> {
    use crate::backend::{audit::Who, principal, state};
    let principal = principal::current()?;
    if !principal.is_platform_admin() {
        return Err(AppError::NotAllowed);
    }
    crate::backend::settings::set_platform_settings(&state()?.db, &Who::of(&principal), settings).await
}

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
