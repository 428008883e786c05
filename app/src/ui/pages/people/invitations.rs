//! + > User, left sidebar Invitations (R38): pending and expired invitations one may manage,
//! with their grants, inviter, dates and email delivery status; Cancel invitation (red cross,
//! confirmed) and Resend invitation (circling arrow); search by email; sorted by a column (R87,
//! in the URL); keyset pages.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::ui::kept::kept;
use crate::api::invitations::{list_invitations, resend_invitation, CancelInvitation, ResendInvitation};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Msg, T};
use crate::ui::components::{DataTable, EmptyState, ErrorNotice, Icon, Loaded, Login, SortBy, TimesIn};
use crate::ui::navigation::{encode_query_value, AddUsersPanel};
use crate::ui::use_lang;
use crate::wire::invitations::{InvitationList, InvitationRow, InvitationsColumn, InvitationsSort};

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // `?search=` comes from links such as the set-up form's "See the invitation" (R28).
    let search = RwSignal::new(query.with_untracked(|q| q.get("search")).unwrap_or_default());
    let sort = Memo::new(move |_| query.with(|q| q.get("sort").and_then(|s| InvitationsSort::parse(&s)).unwrap_or_default()));
    // Where the page starts, in the order it was read in: another order starts at the beginning.
    let after = RwSignal::new(None::<(InvitationsSort, String)>);
    let cancel = ServerAction::<CancelInvitation>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let page = Resource::new(
        move || {
            let sort = sort.get();
            (search.get(), sort, after.get().filter(|(read_in, _)| *read_in == sort).map(|(_, cursor)| cursor), cancel.version().get(), resend.version().get())
        },
        |(search, sort, after, _, _)| list_invitations(search, sort, after),
    );
    // The outcome of the latest cancel or resend.
    let outcome = RwSignal::new(None::<Result<T, AppError>>);
    Effect::new(move || {
        if let Some(result) = cancel.value().get() {
            outcome.set(Some(result.map(|()| T::InvitationCancelled)));
        }
    });
    Effect::new(move || {
        if let Some(result) = resend.value().get() {
            outcome.set(Some(result.map(|()| T::InvitationResent)));
        }
    });
    // R88: the invitations ticked on this page (in the order ticked); another page, search or
    // order, or a row cancelled or resent by its own button, unticks them. Resent one after the
    // other, with progress.
    let ticked = RwSignal::new(Vec::<(i64, String)>::new());
    Effect::new(move |_| {
        search.track();
        sort.track();
        after.track();
        cancel.version().track();
        resend.version().track();
        ticked.set(Vec::new());
    });
    let resending = RwSignal::new(None::<Resending>);
    let resend_ticked = Callback::new(move |()| {
        let chosen = ticked.get_untracked();
        if chosen.is_empty() || resending.with_untracked(|r| r.as_ref().is_some_and(|r| r.running)) {
            return;
        }
        outcome.set(None);
        resending.set(Some(Resending { total: chosen.len(), running: true, ..Default::default() }));
        leptos::task::spawn_local(async move {
            for (id, email) in chosen {
                // Stopped, or the page left (its signals gone).
                if resending.try_with_untracked(|r| r.as_ref().is_some_and(|r| r.stop)).unwrap_or(true) {
                    break;
                }
                let result = resend_invitation(id).await;
                // What concerns this invitation alone (sent under a minute ago, gone, not one's
                // to resend) skips it; anything else (an email limit, the network) stops the rest.
                let stops = matches!(&result, Err(e) if !matches!(e, AppError::TooManyAttempts { .. } | AppError::NotFound | AppError::NotAllowed));
                resending.update(|r| {
                    if let Some(r) = r {
                        r.done += 1;
                        match result {
                            Ok(()) => r.resent += 1,
                            Err(error) => r.refused.push((email, error)),
                        }
                    }
                });
                if stops {
                    break;
                }
            }
            resending.update(|r| {
                if let Some(r) = r {
                    r.running = false;
                }
            });
            ticked.set(Vec::new());
            page.refetch();
        });
    });
    let navigate = use_navigate();
    let notice = move || {
        outcome.get().map(|result| match result {
            Ok(text) => view! { <p class="notice" role="status">{text.in_lang(lang)}</p> }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })
    };
    view! {
        <AddUsersPanel current="invitations" title=T::Invitations>
            <form class="search-form" role="search" on:submit=move |ev| ev.prevent_default()>
                <label for="invitation-search" class="visually-hidden">{T::SearchInvitations.in_lang(lang)}</label>
                <input use:kept id="invitation-search" type="search" placeholder=T::SearchInvitations.in_lang(lang) prop:value=search
                    aria-describedby="invitation-search-help"
                    on:input=move |ev| { after.set(None); search.set(event_target_value(&ev)); } />
                <p class="field-help" id="invitation-search-help">{T::SearchInvitationsHelp.in_lang(lang)}</p>
                // R87: on phones, where the table's headers are not shown, the order is chosen here.
                <div class="field field-phone-only">
                    <label for="invitation-sort">{T::SortBy.in_lang(lang)}</label>
                    <select use:kept id="invitation-sort" prop:value=move || sort.get().code()
                        on:change=move |ev| {
                            let chosen = InvitationsSort::parse(&event_target_value(&ev)).unwrap_or_default();
                            navigate(&invitations_href(&search.get_untracked(), chosen), Default::default());
                        }>
                        {ORDERS.into_iter().map(|(column, descending, label)| {
                            let order = InvitationsSort { column, descending };
                            view! { <option value=order.code() selected=move || sort.get() == order>{label.in_lang(lang)}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </form>
            {notice}
            <ResendingStatus resending />
            <Loaded resource=page ready={move |page: InvitationList| if page.rows.is_empty() {
                if search.with_untracked(|s| s.trim().is_empty()) {
                    view! { <EmptyState text=T::NoInvitations next=Some((T::NoInvitationsNext, "/add-users".to_string(), T::InviteUsers)) /> }.into_any()
                } else {
                    view! { <EmptyState text=T::NoInvitationsMatch /> }.into_any()
                }
            } else {
                view! {
                    <ResendTicked on_page=page.rows.iter().map(|r| (r.id, r.email.clone())).collect() ticked resending start=resend_ticked />
                    <InvitationTable rows=page.rows cancel resend ticked sort=sorting(search.get_untracked(), sort.get_untracked()) />
                    <TimesIn zone=page.time_zone />
                    {page.next.map(|next| view! {
                        <nav class="pagination" aria-label=T::Pagination.in_lang(lang)>
                            <button type="button" class="button" on:click=move |_| after.set(Some((sort.get_untracked(), next.clone())))>{T::MoreInvitations.in_lang(lang)}</button>
                        </nav>
                    })}
                }.into_any()
            }} />
        </AddUsersPanel>
    }
}

#[component]
fn InvitationTable(
    rows: Vec<InvitationRow>,
    cancel: ServerAction<CancelInvitation>,
    resend: ServerAction<ResendInvitation>,
    ticked: RwSignal<Vec<(i64, String)>>,
    sort: Vec<SortBy>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <DataTable class="table-wrapping table-invitations" headers=&[T::Email, T::GroupsAndRoles, T::Invited, T::Expiry, T::Delivery, T::Actions] unseen=&[T::Actions] sort>
            {rows.into_iter().map(|row| {
                let id = row.id;
                let listed = |grants: &[(String, Role)]| grants.iter().map(|(g, r)| format!("{g} · {}", r.label().in_lang(lang))).collect::<Vec<_>>().join(", ");
                let grants = listed(&row.grants);
                // R24, R72: what registration would drop, and a link left with nothing.
                let lapsed = (!row.lapsed.is_empty()).then(|| {
                    let text = if row.grants.is_empty() { Msg::NothingLeftToGrant { lapsed: listed(&row.lapsed) } } else { Msg::GrantsLapsed { lapsed: listed(&row.lapsed) } };
                    view! { <p class="grant-lapsed small">{text.render(lang)}</p> }
                });
                let cancel_label = format!("{} — {}", T::CancelInvitation.in_lang(lang), row.email);
                let resend_label = format!("{} — {}", T::ResendInvitation.in_lang(lang), row.email);
                let select_label = format!("{} — {}", T::Select.in_lang(lang), row.email);
                let email = row.email.clone();
                view! {
                    <tr>
                        // The row's tick (R88) before its address: one column fewer beside the panel.
                        <td class="cell-email" data-label=T::Email.in_lang(lang)><div class="ticked-email">
                            <input use:kept type="checkbox" aria-label=select_label prop:checked=move || ticked.with(|t| t.iter().any(|(i, _)| *i == id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ticked.update(|t| {
                                        t.retain(|(i, _)| *i != id);
                                        if on {
                                            t.push((id, email.clone()));
                                        }
                                    });
                                } />
                            <span><Login login=row.email.clone() /></span>
                        </div></td>
                        <td data-label=T::GroupsAndRoles.in_lang(lang)>{grants}{lapsed}</td>
                        <td data-label=T::Invited.in_lang(lang)>{row.invited_by.clone()}<br /><span class="muted small"><Day stamp=row.invited_at.clone() /></span></td>
                        <td data-label=T::Expiry.in_lang(lang)><Day stamp=row.expires_at.clone() />{row.is_expired.then(|| view! { " " <span class="status status-expired">{T::Expired.in_lang(lang)}</span> })}</td>
                        <td data-label=T::Delivery.in_lang(lang) title=row.delivery_error.clone().unwrap_or_default()>
                            // The delivery of the last email sent, and when it was sent (as "Invited by" shows who, then when).
                            {Msg::Delivery { status: row.delivery.clone(), attempts: 0 }.render(lang)}
                            {row.last_sent_at.clone().map(|stamp| view! { <br /><span class="muted small"><Day stamp /></span> })}
                        </td>
                        <td data-label=T::Actions.in_lang(lang)><div class="row-actions">
                            <button type="button" class="icon-button icon-danger" aria-label=cancel_label.clone() title=cancel_label
                                on:click=move |_| {
                                    if window().confirm_with_message(T::ConfirmCancelInvitation.in_lang(lang)).unwrap_or(false) {
                                        cancel.dispatch(CancelInvitation { id });
                                    }
                                }>
                                <Icon name="close" />
                            </button>
                            <button type="button" class="icon-button" aria-label=resend_label.clone() title=resend_label
                                on:click=move |_| { resend.dispatch(ResendInvitation { id }); }>
                                <Icon name="resend" />
                            </button>
                        </div></td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}

/// R88: resending the ticked invitations, one after the other.
#[derive(Clone, Debug, Default)]
struct Resending {
    total: usize,
    done: usize,
    resent: usize,
    /// Those not resent, and why.
    refused: Vec<(String, AppError)>,
    running: bool,
    /// Asked to stop after the one being resent.
    stop: bool,
}

/// Above the list: tick every row of the page, and resend those ticked (R88).
#[component]
fn ResendTicked(on_page: Vec<(i64, String)>, ticked: RwSignal<Vec<(i64, String)>>, resending: RwSignal<Option<Resending>>, start: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let count = on_page.len();
    let running = move || resending.with(|r| r.as_ref().is_some_and(|r| r.running));
    view! {
        <div class="bulk-bar">
            <label class="check">
                <input use:kept type="checkbox" disabled=running prop:checked=move || ticked.with(|t| t.len() == count)
                    on:change=move |ev| ticked.set(if event_target_checked(&ev) { on_page.clone() } else { Vec::new() }) />
                {T::SelectAllOnPage.in_lang(lang)}
            </label>
            <button type="button" class="button" disabled=move || running() || ticked.with(Vec::is_empty) on:click=move |_| start.run(())>
                {move || Msg::ResendSelected { count: ticked.with(Vec::len) }.render(lang)}
            </button>
        </div>
    }
}

/// How the resending goes (R88): a progress bar and Stop while it runs, then what was resent
/// and, for each one not, why. Read out as it changes.
#[component]
fn ResendingStatus(resending: RwSignal<Option<Resending>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div role="status" class="bulk-status">
            {move || resending.get().map(|r| if r.running {
                view! {
                    <div class="bulk-progress">
                        <progress max=r.total.to_string() value=r.done.to_string()></progress>
                        <span>{Msg::ResendingProgress { done: r.done, total: r.total }.render(lang)}</span>
                        <button type="button" class="button" disabled=r.stop
                            on:click=move |_| resending.update(|r| if let Some(r) = r { r.stop = true; })>{T::StopResending.in_lang(lang)}</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="notice">
                        <p>{Msg::ResentSummary { resent: r.resent, total: r.total }.render(lang)}</p>
                        {(!r.refused.is_empty()).then(|| view! {
                            <ul class="bulk-refused">
                                {r.refused.into_iter().map(|(email, error)| view! { <li><strong>{email}</strong>" — "{error.render(lang)}</li> }).collect_view()}
                            </ul>
                        })}
                    </div>
                }.into_any()
            })}
        </div>
    }
}

/// R87: the headers that sort the list, each leading to its first page in that order (the search
/// kept).
fn sorting(search: String, now: InvitationsSort) -> Vec<SortBy> {
    [(T::Email, InvitationsColumn::Email), (T::Invited, InvitationsColumn::Invited), (T::Expiry, InvitationsColumn::Expiry)]
        .into_iter()
        .map(|(header, column)| SortBy { header, href: invitations_href(&search, now.clicked(column)), now: now.of(column) })
        .collect()
}

/// The list's first page in `sort`, searched for `search`.
fn invitations_href(search: &str, sort: InvitationsSort) -> String {
    let mut query = Vec::new();
    if sort != InvitationsSort::default() {
        query.push(format!("sort={}", sort.code()));
    }
    if !search.trim().is_empty() {
        query.push(format!("search={}", encode_query_value(search)));
    }
    if query.is_empty() { "/invitations".to_string() } else { format!("/invitations?{}", query.join("&")) }
}

/// The orders the list offers (R87), as the phone's field names them.
const ORDERS: [(InvitationsColumn, bool, T); 6] = [
    (InvitationsColumn::Invited, true, T::SortInvitedDown),
    (InvitationsColumn::Invited, false, T::SortInvitedUp),
    (InvitationsColumn::Email, false, T::SortEmailUp),
    (InvitationsColumn::Email, true, T::SortEmailDown),
    (InvitationsColumn::Expiry, false, T::SortExpiryUp),
    (InvitationsColumn::Expiry, true, T::SortExpiryDown),
];

/// A `YYYY-MM-DD HH:MM` instant (in the viewer's time zone, which the list names) shown as its
/// day, the time in the tooltip: the table stays readable beside the panel's sidebar.
#[component]
fn Day(stamp: String) -> impl IntoView {
    let day = stamp.split(' ').next().unwrap_or_default().to_string();
    let shown = day.clone();
    view! { <time class="nowrap" datetime=day title=stamp>{shown}</time> }
}
