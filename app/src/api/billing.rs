//! Billing for the platform's owner (R45): how many accounts are billed and active, and when
//! each became billable.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::billing::BillingHistory;

#[server(endpoint = "billing")]
pub async fn get_billing(page: u32) -> Result<BillingHistory, AppError> {
    use crate::domain::capability::SeeBilling;
    let principal = crate::api::context::principal()?;
    let permit = principal.require(SeeBilling)?;
    let state = crate::api::context::state()?;
    crate::backend::billing::page(&state.db, &permit, page).await
}
