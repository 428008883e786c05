//! Dashboard > BILLING, for the platform's owner (R45): how many accounts are billed and active,
//! and when each became billable and why, the latest first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::billing::get_billing;
use crate::domain::billing::BillingReason;
use crate::i18n::{Msg, T};
use crate::ui::components::{DataTable, Loaded, Login, Pagination, TimesIn};
use crate::ui::navigation::DashboardTabs;
use crate::ui::use_lang;
use crate::wire::billing::BillingHistory;

#[component]
pub fn BillingPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let billing = Resource::new(page, get_billing);
    view! {
        <Title text=format!("{} · {}", T::BillingTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <Loaded resource=billing ready=|billing| view! { <BillingTable billing /> } />
    }
}

#[component]
fn BillingTable(billing: BillingHistory) -> impl IntoView {
    let lang = use_lang();
    if billing.rows.is_empty() {
        return view! { <p class="notice">{T::NobodyBilled.in_lang(lang)}</p> }.into_any();
    }
    let reason = move |r: BillingReason| match r {
        BillingReason::SetUp => T::BilledSetUp,
        BillingReason::CredentialsSent => T::BilledCredentialsSent,
        BillingReason::InvitationAccepted => T::BilledInvitationAccepted,
    }
    .in_lang(lang);
    view! {
        <p class="billing-count">{Msg::BilledCount { active: billing.active, billed: billing.billed }.render(lang)}</p>
        <DataTable class="table-billing" headers=&[T::Name, T::EmailOrUsername, T::BillableSince, T::BilledBecause]>
            {billing.rows.into_iter().map(|row| view! {
                <tr>
                    <td data-label=T::Name.in_lang(lang)>{match (row.user_id, row.deleted_on) {
                        (Some(id), _) => view! { <a href=format!("/users/{id}")>{row.name}</a> }.into_any(),
                        (None, deleted) => view! {
                            <span class="muted">{T::DeletedAccount.in_lang(lang)}</span>
                            {deleted.map(|d| view! { " " <span class="muted small">{d}</span> })}
                        }.into_any(),
                    }}</td>
                    <td class="cell-login" data-label=T::EmailOrUsername.in_lang(lang)><Login login=row.login /></td>
                    <td data-label=T::BillableSince.in_lang(lang)>{row.billed_at}</td>
                    <td data-label=T::BilledBecause.in_lang(lang)>{reason(row.reason)}</td>
                </tr>
            }).collect_view()}
        </DataTable>
        <TimesIn zone=billing.time_zone />
        <Pagination
            page=billing.page
            pages=Some(billing.pages)
            previous=(billing.page > 1).then(|| format!("/dashboard/billing?page={}", billing.page - 1))
            next=(billing.page < billing.pages).then(|| format!("/dashboard/billing?page={}", billing.page + 1))
        />
    }
    .into_any()
}
