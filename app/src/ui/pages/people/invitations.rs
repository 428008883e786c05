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
use crate::i18n::{Lang, Msg, T};
use crate::ui::components::{DataTable, EmptyState, ErrorNotice, Loaded, SortBy, TimesIn};
use crate::ui::navigation::{encode_query_value, AddUsersPanel};
use crate::ui::rows_html::{clicked, RowsHtml};
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

/// The table of a page of invitations. Its rows are HTML (`invitation_rows`); one listener on
/// the table answers their buttons and ticks.
#[component]
fn InvitationTable(
    rows: Vec<InvitationRow>,
    cancel: ServerAction<CancelInvitation>,
    resend: ServerAction<ResendInvitation>,
    ticked: RwSignal<Vec<(i64, String)>>,
    sort: Vec<SortBy>,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast;
    let lang = use_lang();
    let rows_html = invitation_rows(&rows, lang);
    let emails: Vec<(i64, String)> = rows.into_iter().map(|row| (row.id, row.email)).collect();
    let table = NodeRef::<leptos::html::Div>::new();
    // The ticks follow `ticked`. The first time (the page just hydrated), the other way round:
    // rows ticked before the code had loaded are kept (R96).
    let on_page = emails.clone();
    Effect::new(move |hydrated: Option<()>| {
        let chosen = ticked.get();
        let Some(table) = table.get() else { return };
        let Ok(boxes) = table.query_selector_all("input[data-id]") else { return };
        let boxes: Vec<web_sys::HtmlInputElement> = (0..boxes.length()).filter_map(|i| boxes.item(i)?.dyn_into().ok()).collect();
        if hydrated.is_none() {
            let early: Vec<i64> = boxes.iter().filter(|b| b.checked()).filter_map(ticked_id).collect();
            if !early.is_empty() {
                ticked.set(on_page.iter().filter(|(id, _)| early.contains(id)).cloned().collect());
                return;
            }
        }
        for b in &boxes {
            b.set_checked(ticked_id(b).is_some_and(|id| chosen.iter().any(|(i, _)| *i == id)));
        }
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, key)) = clicked(&ev) else { return };
        let Ok(id) = key.parse::<i64>() else { return };
        match action.as_str() {
            "cancel" => {
                if window().confirm_with_message(T::ConfirmCancelInvitation.in_lang(lang)).unwrap_or(false) {
                    cancel.dispatch(CancelInvitation { id });
                }
            }
            "resend" => {
                resend.dispatch(ResendInvitation { id });
            }
            _ => {}
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(id) = ticked_id(&input) else { return };
        let on = input.checked();
        ticked.update(|t| {
            t.retain(|(i, _)| *i != id);
            if on {
                t.extend(emails_of(&emails, id));
            }
        });
    };
    view! {
        <div node_ref=table on:click=on_click on:change=on_change>
            <DataTable class="table-wrapping table-invitations" headers=&[T::Email, T::GroupsAndRoles, T::Invited, T::Expiry, T::Delivery, T::Actions] unseen=&[T::Actions] sort rows_html />
        </div>
    }
}

/// The invitation a row's tick stands for (`RowsHtml::checkbox`).
fn ticked_id(input: &web_sys::HtmlInputElement) -> Option<i64> {
    input.get_attribute("data-id")?.parse().ok()
}

/// The address of the invitation `id` of the page, as the ticked list holds it.
fn emails_of(emails: &[(i64, String)], id: i64) -> Option<(i64, String)> {
    emails.iter().find(|(i, _)| *i == id).cloned()
}

/// The table's rows, written as HTML (`RowsHtml`): each row's tick before its address (one
/// column fewer beside the panel), its grants and what registration would drop (R24, R72), who
/// invited and when, the expiry, the last email's delivery and when it was sent, and the Cancel
/// and Resend buttons.
fn invitation_rows(rows: &[InvitationRow], lang: Lang) -> String {
    let listed = |grants: &[(String, Role)]| grants.iter().map(|(g, r)| format!("{g} · {}", r.label().in_lang(lang))).collect::<Vec<_>>().join(", ");
    let mut html = RowsHtml::new(rows.len(), 1_100, lang);
    for row in rows {
        html.markup("<tr>").cell("cell-email", T::Email).markup("<div class=\"ticked-email\">");
        html.checkbox(row.id, &format!("{} — {}", T::Select.in_lang(lang), row.email));
        html.markup("<span>").login(&row.email).markup("</span></div></td>");
        html.cell("", T::GroupsAndRoles).text(&listed(&row.grants));
        if !row.lapsed.is_empty() {
            let lapsed = listed(&row.lapsed);
            let text = if row.grants.is_empty() { Msg::NothingLeftToGrant { lapsed } } else { Msg::GrantsLapsed { lapsed } };
            html.markup("<p class=\"grant-lapsed small\">").text(&text.render(lang)).markup("</p>");
        }
        html.markup("</td>").cell("", T::Invited).text(&row.invited_by).markup("<br><span class=\"muted small\">").day_of(&row.invited_at).markup("</span></td>");
        html.cell("", T::Expiry).day_of(&row.expires_at);
        if row.is_expired {
            html.markup(" <span class=\"status status-expired\">").text(T::Expired.in_lang(lang)).markup("</span>");
        }
        html.markup("</td>");
        // The delivery of the last email sent, its error in the tooltip, and when it was sent
        // (as "Invited by" shows who, then when).
        html.markup("<td data-label=\"").text(T::Delivery.in_lang(lang)).markup("\" title=\"").text(row.delivery_error.as_deref().unwrap_or_default()).markup("\">");
        html.text(&Msg::Delivery { status: row.delivery.clone(), attempts: 0 }.render(lang));
        if let Some(stamp) = &row.last_sent_at {
            html.markup("<br><span class=\"muted small\">").day_of(stamp).markup("</span>");
        }
        html.markup("</td>").cell("", T::Actions).markup("<div class=\"row-actions\">");
        html.button("icon-button icon-danger", "cancel", &row.id.to_string(), &format!("{} — {}", T::CancelInvitation.in_lang(lang), row.email), "close");
        html.button("icon-button", "resend", &row.id.to_string(), &format!("{} — {}", T::ResendInvitation.in_lang(lang), row.email), "resend");
        html.markup("</div></td></tr>");
    }
    html.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r38_rows_show_each_invitations_cells_and_escape_what_people_typed() {
        let row = InvitationRow {
            id: 41,
            email: "eve\"<x>@example.com".into(),
            grants: vec![("R&D <lab>".into(), Role::Learner)],
            lapsed: vec![("Paris".into(), Role::Admin)],
            invited_by: "O'Neil & co".into(),
            invited_at: "2026-11-02 09:30".into(),
            last_sent_at: Some("2026-11-03 10:00".into()),
            expires_at: "2026-11-09 09:30".into(),
            is_expired: true,
            delivery: "failed".into(),
            delivery_error: Some("550 <no such user>".into()),
        };
        let html = invitation_rows(&[row], Lang::En);
        assert!(!html.contains("<x>") && !html.contains("<lab>") && !html.contains("<no such"), "{html}");
        assert!(html.starts_with("<tr><td class=\"cell-email\" data-label=\"Email\"><div class=\"ticked-email\"><input type=\"checkbox\" data-id=\"41\" aria-label=\"Select — eve&quot;&lt;x&gt;@example.com\"><span>eve&quot;&lt;x&gt;@<wbr>example.com</span>"), "{html}");
        assert!(html.contains("R&amp;D &lt;lab&gt; · Learner<p class=\"grant-lapsed small\">"), "{html}");
        assert!(html.contains("O&#39;Neil &amp; co<br><span class=\"muted small\"><time class=\"nowrap\" datetime=\"2026-11-02\" title=\"2026-11-02 09:30\">2026-11-02</time>"), "{html}");
        assert!(html.contains("<span class=\"status status-expired\">expired</span>"), "{html}");
        assert!(html.contains("title=\"550 &lt;no such user&gt;\">Failed<br>"), "{html}");
        assert!(html.contains("<button type=\"button\" class=\"icon-button icon-danger\" data-action=\"cancel\" data-key=\"41\" aria-label=\"Cancel invitation — eve&quot;&lt;x&gt;@example.com\""), "{html}");
        assert!(html.contains("data-action=\"resend\" data-key=\"41\""), "{html}");
        assert!(html.ends_with("</svg></button></div></td></tr>"), "{html}");
    }
}
