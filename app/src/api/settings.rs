//! Platform settings, for platform administrators (Dashboard > SETTINGS): the platform's name,
//! default language, time zone and invitation lifetime; the limits on invitation emails (issue 9:
//! a user admin or an instructor could otherwise send invitations to any number of outside
//! addresses). Each change is audited.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::context;
#[cfg(feature = "ssr")]
use crate::domain::capability::AdministerPlatform;
use crate::error::AppError;
use crate::wire::settings::{EmailLimits, PlatformSettings, PlatformSettingsView};

#[server(endpoint = "settings/platform")]
pub async fn get_platform_settings() -> Result<PlatformSettingsView, AppError> {
    use crate::backend::settings;
    let principal = context::principal()?;
    principal.require(AdministerPlatform)?;
    let settings = settings::platform_settings(&context::state()?.db.pool).await?;
    Ok(PlatformSettingsView { settings, time_zones: chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name().to_string()).collect() })
}

#[server(endpoint = "settings/set_platform")]
pub async fn set_platform_settings(#[server(default)] settings: PlatformSettings) -> Result<(), AppError> {
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    crate::backend::settings::set_platform_settings(&context::state()?.db, &permit, &context::who(&principal), settings).await
}

#[server(endpoint = "settings/email_limits")]
pub async fn get_email_limits() -> Result<EmailLimits, AppError> {
    use crate::backend::settings;
    let principal = context::principal()?;
    principal.require(AdministerPlatform)?;
    settings::email_limits(&context::state()?.db).await
}

#[server(endpoint = "settings/set_email_limits")]
pub async fn set_email_limits(#[server(default)] limits: EmailLimits) -> Result<(), AppError> {
    use crate::backend::settings;
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    settings::set_email_limits(&context::state()?.db, &permit, &context::who(&principal), limits).await
}
