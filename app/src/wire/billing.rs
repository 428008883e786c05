//! Wire types: Dashboard > BILLING (R45, R70). What crosses between `api::billing` and the screens.

use serde::{Deserialize, Serialize};

use crate::domain::billing::BillingReason;

pub const BILLING_PER_PAGE: u32 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingHistory {
    /// Billed accounts not deleted: what the platform pays for.
    pub active: i64,
    /// Every account ever billed, deleted ones included.
    pub billed: i64,
    pub rows: Vec<BillingRow>,
    pub page: u32,
    pub pages: u32,
    /// The time zone its dates and times are in (R86): the viewer's.
    pub time_zone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingRow {
    /// `None` once the account is deleted (R42).
    pub user_id: Option<i64>,
    pub name: String,
    pub login: String,
    pub reason: BillingReason,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub billed_at: String,
    pub deleted_on: Option<String>,
}
