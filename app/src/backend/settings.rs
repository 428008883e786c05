//! Platform settings — name, default language, time zone, invitation lifetime; the limits on
//! invitation emails (issue 9), read by every invite — changed by platform administrators, each
//! change audited.

use super::audit::{self, Who};
use super::db::Db;
use super::principal::{Permit, Principal};
use crate::domain::capability::AdministerPlatform;
use super::rate_limit::{self, Limit, Taken};

use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::settings::{EMAIL_LIMIT_MAX, EmailLimits, LIFETIME_DAYS, PlatformSettings};

/// The longest platform name.
pub const PLATFORM_NAME_MAX: usize = 100;

pub async fn platform_settings<'e>(executor: impl sqlx::Executor<'e, Database = sqlx::Any>) -> Result<PlatformSettings, AppError> {
    let (name, language, time_zone, invitation_lifetime_days): (String, String, String, i64) =
        sqlx::query_as("SELECT name, default_language, time_zone, invitation_lifetime_days FROM platform WHERE id = 1").fetch_one(executor).await?;
    Ok(PlatformSettings { name, default_language: Lang::parse(&language).unwrap_or_default(), time_zone, invitation_lifetime_days })
}

/// Checks every field (all messages at once), then saves and audits what changed, from what to
/// what. A new lifetime applies to invitations sent (or resent) from now on; a new time zone to
/// the deletion dates still to come (R68).
pub async fn set_platform_settings(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, new: PlatformSettings) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let name = crate::domain::names::tidy(&new.name, PLATFORM_NAME_MAX).unwrap_or_else(|msg| {
        errors.push(FieldError { field: "name".into(), msg });
        String::new()
    });
    let time_zone = new.time_zone.trim();
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldError { field: "time_zone".into(), msg: Msg::UnknownTimeZone });
    }
    if !LIFETIME_DAYS.contains(&new.invitation_lifetime_days) {
        errors.push(FieldError { field: "invitation_lifetime_days".into(), msg: Msg::NumberBetween { min: *LIFETIME_DAYS.start(), max: *LIFETIME_DAYS.end() } });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let new = PlatformSettings { name, time_zone: time_zone.to_string(), ..new };
    let mut tx = db.begin().await?;
    let old = platform_settings(&mut *tx).await?;
    sqlx::query("UPDATE platform SET name = $1, default_language = $2, time_zone = $3, invitation_lifetime_days = $4 WHERE id = 1")
        .bind(&new.name)
        .bind(new.default_language.code())
        .bind(&new.time_zone)
        .bind(new.invitation_lifetime_days)
        .execute(&mut *tx)
        .await?;
    let mut changed = serde_json::Map::new();
    let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
        if from != to {
            changed.insert(field.to_string(), serde_json::json!({ "from": from, "to": to }));
        }
    };
    note("name", old.name.into(), new.name.clone().into());
    note("default_language", old.default_language.code().into(), new.default_language.code().into());
    note("time_zone", old.time_zone.into(), new.time_zone.clone().into());
    note("invitation_lifetime_days", old.invitation_lifetime_days.into(), new.invitation_lifetime_days.into());
    if !changed.is_empty() {
        audit::record(&mut tx, who, "platform_settings_changed", "platform", 1, &changed).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn email_limits(db: &Db) -> Result<EmailLimits, AppError> {
    let (per_person_per_hour, per_person_per_day, platform_per_hour): (i64, i64, i64) = sqlx::query_as(
        "SELECT invitation_emails_per_hour, invitation_emails_per_day, platform_invitation_emails_per_hour FROM platform WHERE id = 1",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(EmailLimits { per_person_per_hour, per_person_per_day, platform_per_hour })
}

pub async fn set_email_limits(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, limits: EmailLimits) -> Result<(), AppError> {
    let fields = [
        ("per_person_per_hour", limits.per_person_per_hour),
        ("per_person_per_day", limits.per_person_per_day),
        ("platform_per_hour", limits.platform_per_hour),
    ];
    let errors: Vec<FieldError> = fields
        .iter()
        .filter(|(_, value)| !(1..=EMAIL_LIMIT_MAX).contains(value))
        .map(|(field, _)| FieldError { field: field.to_string(), msg: Msg::NumberBetween { min: 1, max: EMAIL_LIMIT_MAX } })
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE platform SET invitation_emails_per_hour = $1, invitation_emails_per_day = $2, platform_invitation_emails_per_hour = $3 WHERE id = 1")
        .bind(limits.per_person_per_hour)
        .bind(limits.per_person_per_day)
        .bind(limits.platform_per_hour)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, who, "email_limits_set", "platform", 1, &limits).await?;
    tx.commit().await?;
    Ok(())
}

/// Counts `emails` invitation (or credentials) emails against the sender's hourly and daily
/// limits (platform administrators excepted: they set them) and the platform's hourly one, before
/// any is queued. Over a limit, nothing is counted and the sender is told, at `field`, which
/// limit and for how long.
pub async fn take_invitation_emails(db: &Db, principal: &Principal, emails: i64, field: &str) -> Result<(), AppError> {
    if emails == 0 {
        return Ok(());
    }
    let limits = email_limits(db).await?;
    let mut keys = vec![("emails:platform:hour".to_string(), Limit { max_hits: limits.platform_per_hour, window_secs: 3600 }, true)];
    if !principal.is_platform_admin() {
        keys.push((format!("emails:person:{}:hour", principal.user_id), Limit { max_hits: limits.per_person_per_hour, window_secs: 3600 }, false));
        keys.push((format!("emails:person:{}:day", principal.user_id), Limit { max_hits: limits.per_person_per_day, window_secs: 86_400 }, false));
    }
    for (i, (key, limit, platform)) in keys.iter().enumerate() {
        if let Taken::Refused { retry_after_secs, .. } = rate_limit::take_n(db, key, emails, *limit).await? {
            for (taken, _, _) in &keys[..=i] {
                rate_limit::give_back_n(db, taken, emails).await?;
            }
            let minutes = retry_after_secs.div_ceil(60);
            let msg = if *platform {
                Msg::PlatformEmailLimitReached { max: limit.max_hits, minutes }
            } else {
                Msg::EmailLimitReached { max: limit.max_hits, per_day: limit.window_secs > 3600, minutes }
            };
            return Err(AppError::field(field, msg));
        }
    }
    Ok(())
}

/// Runs `work`, which sends `emails` invitation (or credentials) emails, within the limits: counted
/// first, given back if the work fails.
pub async fn sending_invitation_emails<T>(db: &Db, principal: &Principal, emails: i64, field: &str, work: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    take_invitation_emails(db, principal, emails, field).await?;
    let done = work.await;
    if done.is_err() {
        give_back_invitation_emails(db, principal, emails).await?;
    }
    done
}

/// Gives back the part of `take_invitation_emails` that was not sent (addresses already invited,
/// invalid, or with an account).
pub async fn give_back_invitation_emails(db: &Db, principal: &Principal, emails: i64) -> Result<(), AppError> {
    if emails <= 0 {
        return Ok(());
    }
    rate_limit::give_back_n(db, "emails:platform:hour", emails).await?;
    if !principal.is_platform_admin() {
        rate_limit::give_back_n(db, &format!("emails:person:{}:hour", principal.user_id), emails).await?;
        rate_limit::give_back_n(db, &format!("emails:person:{}:day", principal.user_id), emails).await?;
    }
    Ok(())
}
