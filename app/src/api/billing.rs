//! Billing for the platform's owner (R45): how many accounts are billed and active, and when
//! each became billable.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const BILLING_PER_PAGE: u32 = 50;

/// What made an account billable (R26).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingReason {
    /// Set up with no email asked for (or without email, R40).
    SetUp,
    /// Its credentials email was sent (R27).
    CredentialsSent,
    /// It registered through its invitation (R22).
    InvitationAccepted,
}

impl BillingReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingReason::SetUp => "set_up",
            BillingReason::CredentialsSent => "credentials_sent",
            BillingReason::InvitationAccepted => "invitation_accepted",
        }
    }

    /// The stored reason; an unknown one reads as set-up (the column is written only by `bill`).
    pub fn parse(text: &str) -> BillingReason {
        match text {
            "credentials_sent" => BillingReason::CredentialsSent,
            "invitation_accepted" => BillingReason::InvitationAccepted,
            _ => BillingReason::SetUp,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPage {
    /// Billed accounts not deleted: what the platform pays for.
    pub active: i64,
    /// Every account ever billed, deleted ones included.
    pub billed: i64,
    pub rows: Vec<BillingRow>,
    pub page: u32,
    pub pages: u32,
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

#[server(endpoint = "billing")]
pub async fn get_billing(page: u32) -> Result<BillingPage, AppError> {
    use crate::domain::policy::Action;
    let principal = crate::backend::principal::current()?;
    principal.require(&Action::SeeBilling)?;
    let state = crate::backend::state()?;
    crate::backend::billing::page(&state.db, page).await
}
