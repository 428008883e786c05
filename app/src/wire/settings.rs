//! Wire types: Platform settings (R71, R76). What crosses between `api::settings` and the screens.

use serde::{Deserialize, Serialize};

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
