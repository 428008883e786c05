//! Dashboard > USERS (R39): the users one sees (everyone for platform administrators, their
//! groups and below for group administrators and user admins), with their groups and roles,
//! status and dates; searched by the start of a name or email, filtered by groups, role and
//! status, sorted by a column (R87), a page at a time (R84). The filter, the order and the page
//! live in the URL, so they survive a reload and a link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::ui::kept::kept;
use crate::api::users::list_users;
use crate::domain::account::UserStatus;
use crate::domain::role::Role;
use crate::i18n::{Lang, Msg, T};
use crate::ui::components::{DataTable, EmptyState, ErrorNotice, KeysetPagination, SortBy, TimesIn};
use crate::ui::group_picker::{ChosenGroup, GroupChoice};
use crate::ui::navigation::{encode_query_value, page_in_url, page_query, DashboardTabs};
use crate::ui::rows_html::RowsHtml;
use crate::ui::{t, use_lang};
use crate::wire::users::{UserFilter, UserList, UserRow, UsersAt, UsersColumn, UsersSort, USERS_COUNTED, USERS_PER_PAGE};

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| UserFilter {
            search: q.get("q").unwrap_or_default(),
            groups: q.get("groups").map(|g| g.split(',').filter_map(|id| id.parse().ok()).collect()).unwrap_or_default(),
            role: q.get("role").and_then(|r| Role::parse(&r)),
            status: q.get("status").and_then(|s| UserStatus::parse(&s)),
            label: q.get("label").and_then(|l| l.parse().ok()),
            sort: q.get("sort").and_then(|s| UsersSort::parse(&s)).unwrap_or_default(),
        })
    });
    // The page's number is for show; where it starts is the user it comes after or before (R84).
    let at = Memo::new(move |_| query.with(page_in_url));
    let users = Resource::new(move || (filter.get(), at.get().1), |(filter, at)| list_users(filter, at));

    // Search reads the form's fields as they are (even changed before the page finished
    // loading) and navigates to the new URL; without JavaScript the form is a plain GET.
    let start = filter.get_untracked();
    let (search_input, role_select, status_select, label_select, sort_select) = (
        NodeRef::<leptos::html::Input>::new(),
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Select>::new(),
    );
    let groups = RwSignal::new(Vec::<ChosenGroup>::new());
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let select = |node: NodeRef<leptos::html::Select>| node.get_untracked().map(|s| s.value()).unwrap_or_default();
        let filter = UserFilter {
            search: search_input.get_untracked().map(|i| i.value()).unwrap_or_default(),
            groups: groups.with_untracked(|g| g.iter().map(|g| g.id).collect()),
            role: Role::parse(&select(role_select)),
            status: UserStatus::parse(&select(status_select)),
            label: select(label_select).parse().ok(),
            // The order's field follows the URL (the headers change it): a new search keeps it.
            sort: UsersSort::parse(&select(sort_select)).unwrap_or_default(),
        };
        navigate(&users_href(&filter, 1, UsersAt::default()), Default::default());
    };
    view! {
        <Title text=format!("{} · {}", T::UsersTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header">
            <h1>{T::Dashboard.in_lang(lang)}</h1>
        </header>
        <DashboardTabs />
        <form method="get" action="/dashboard/users" class="filters" role="search" on:submit=apply>
            <div class="field">
                <label for="user-search">{T::SearchUsers.in_lang(lang)}</label>
                <input id="user-search" type="search" name="q" value=start.search node_ref=search_input aria-describedby="user-search-help" />
                <p class="field-help" id="user-search-help">{T::SearchUsersHelp.in_lang(lang)}</p>
            </div>
            <div class="field">
                <label for="user-role">{T::Role.in_lang(lang)}</label>
                <select id="user-role" name="role" node_ref=role_select>
                    <option value="" selected=start.role.is_none()>{T::AnyRole.in_lang(lang)}</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=start.role == Some(r)>{r.label().in_lang(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="user-status">{T::Status.in_lang(lang)}</label>
                <select id="user-status" name="status" node_ref=status_select>
                    <option value="" selected=start.status.is_none()>{T::AnyStatus.in_lang(lang)}</option>
                    {UserStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=start.status == Some(s)>{status_label(s).in_lang(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            // R87: on phones, where the table's headers are not shown, the order is chosen here.
            <div class="field field-phone-only">
                <label for="user-sort">{T::SortBy.in_lang(lang)}</label>
                <select use:kept id="user-sort" name="sort" node_ref=sort_select prop:value=move || filter.get().sort.code()>
                    {ORDERS.into_iter().map(|(column, descending, label)| {
                        let sort = UsersSort { column, descending };
                        view! { <option value=sort.code() selected=start.sort == sort>{label.in_lang(lang)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| ()>
                // The platform's labels come with the page's users (one server function).
                {move || Suspend::new(async move {
                    let labels = users.await.map(|u| u.labels).unwrap_or_default();
                    // Drawn again with each page: the filter's label is the one now in the URL.
                    let chosen = filter.get_untracked().label;
                    (!labels.is_empty()).then(|| view! {
                        <div class="field">
                            <label for="user-label">{T::Labels.in_lang(lang)}</label>
                            <select id="user-label" name="label" node_ref=label_select>
                                <option value="" selected=chosen.is_none()>{T::AnyLabel.in_lang(lang)}</option>
                                {labels.into_iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=chosen == Some(id)>{name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    })
                })}
            </Transition>
            <div class="filters-groups"><GroupChoice chosen=groups error=Signal::derive(|| None) /></div>
            <div class="filters-apply"><button type="submit" class="button">{T::Search.in_lang(lang)}</button></div>
        </form>
        <Transition fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(users) => {
                        // Filter chips for groups that came in the URL.
                        if groups.with_untracked(Vec::is_empty) && !users.filter_groups.is_empty() {
                            groups.set(users.filter_groups.iter().map(|(id, name)| ChosenGroup { id: *id, name: name.clone(), path: name.clone(), roles: vec![] }).collect());
                        }
                        view! { <UserTable users filter=filter.get_untracked() page=at.get_untracked().0 /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The orders USERS offers (R87), as the phone's field names them.
const ORDERS: [(UsersColumn, bool, T); 8] = [
    (UsersColumn::Name, false, T::SortNameUp),
    (UsersColumn::Name, true, T::SortNameDown),
    (UsersColumn::Status, false, T::SortStatusUp),
    (UsersColumn::Status, true, T::SortStatusDown),
    (UsersColumn::CreatedOn, true, T::SortCreatedDown),
    (UsersColumn::CreatedOn, false, T::SortCreatedUp),
    (UsersColumn::ActivatedOn, true, T::SortActivatedDown),
    (UsersColumn::ActivatedOn, false, T::SortActivatedUp),
];

fn status_label(status: UserStatus) -> T {
    match status {
        UserStatus::Active => T::StatusActive,
        UserStatus::FirstLoginPending => T::StatusFirstLoginPending,
        UserStatus::Deactivated => T::StatusDeactivated,
    }
}

#[component]
fn UserTable(users: UserList, filter: UserFilter, page: u32) -> impl IntoView {
    let lang = use_lang();
    if users.rows.is_empty() {
        return if (UserFilter { sort: UsersSort::default(), ..filter.clone() }) == UserFilter::default() {
            view! { <EmptyState text=T::NoUsersYet next=Some((T::NoUsersYetNext, "/add-users".to_string(), T::AddUsers)) /> }.into_any()
        } else {
            view! { <EmptyState text=T::NoUsersMatch next=Some((T::NoUsersMatchNext, "/dashboard/users".to_string(), T::ClearSearch)) /> }.into_any()
        };
    }
    // R87: each sortable header leads to the first page in its order, the filter kept.
    let sort: Vec<SortBy> = [(T::Name, UsersColumn::Name), (T::Status, UsersColumn::Status), (T::CreatedOn, UsersColumn::CreatedOn), (T::ActivatedOn, UsersColumn::ActivatedOn)]
        .into_iter()
        .map(|(header, column)| SortBy {
            header,
            href: users_href(&UserFilter { sort: filter.sort.clicked(column), ..filter.clone() }, 1, UsersAt::default()),
            now: filter.sort.of(column),
        })
        .collect();
    view! {
        <p class="muted">
            {match users.total {
                Some(count) => Msg::UsersCount { count },
                None => Msg::UsersCountMore { count: USERS_COUNTED },
            }.render(lang)}
        </p>
        <DataTable class="table-users" headers=&[T::Name, T::EmailOrUsername, T::GroupsAndRoles, T::Status, T::CreatedOn, T::ActivatedOn] sort rows_html=user_rows(&users.rows, lang) />
        <TimesIn zone=users.time_zone />
        <KeysetPagination page total=users.total per_page=USERS_PER_PAGE previous=users.previous next=users.next href=move |page, at| users_href(&filter, page, at) />
    }
    .into_any()
}

/// The table's rows, written as HTML (`RowsHtml`): text and links to each user's page.
fn user_rows(rows: &[UserRow], lang: Lang) -> String {
    let mut html = RowsHtml::new(rows.len(), 700, lang);
    for user in rows {
        html.markup("<tr>").cell("", T::Name);
        html.markup("<a href=\"/users/").text(&user.id.to_string()).markup("\">").text(&format!("{} {}", user.first_name, user.last_name)).markup("</a>");
        if !user.labels.is_empty() {
            html.markup("<span class=\"user-labels\">");
            for label in &user.labels {
                html.markup("<span class=\"badge\">").text(label).markup("</span>");
            }
            html.markup("</span>");
        }
        html.markup("</td>").cell("cell-login", T::EmailOrUsername).login(&user.login).markup("</td>");
        html.cell("cell-groups", T::GroupsAndRoles);
        for membership in &user.groups {
            let roles = membership.roles.iter().map(|r| r.label().in_lang(lang)).collect::<Vec<_>>().join(", ");
            html.markup("<span class=\"group-roles\">").text(&membership.group).markup(": ").text(&roles).markup("</span>");
        }
        html.markup("</td>").cell("", T::Status);
        html.markup(if user.status == UserStatus::Active { "<span class=\"status status-active\">" } else { "<span class=\"status\">" });
        html.text(status_label(user.status).in_lang(lang)).markup("</span></td>");
        html.cell("", T::CreatedOn).day(&user.created_on).markup("</td>").cell("", T::ActivatedOn);
        if let Some(day) = &user.activated_on {
            html.day(day);
        }
        html.markup("</td></tr>");
    }
    html.finish()
}

/// The URL of a page of USERS with this filter: its number (for show) and where it starts.
fn users_href(filter: &UserFilter, page: u32, at: UsersAt) -> String {
    let mut query = page_query(page, at);
    if !filter.search.is_empty() {
        query.push(format!("q={}", encode_query_value(&filter.search)));
    }
    if !filter.groups.is_empty() {
        query.push(format!("groups={}", filter.groups.iter().map(i64::to_string).collect::<Vec<_>>().join(",")));
    }
    if let Some(role) = filter.role {
        query.push(format!("role={}", role.as_str()));
    }
    if let Some(status) = filter.status {
        query.push(format!("status={}", status.code()));
    }
    if let Some(label) = filter.label {
        query.push(format!("label={label}"));
    }
    if filter.sort != UsersSort::default() {
        query.push(format!("sort={}", filter.sort.code()));
    }
    if query.is_empty() { "/dashboard/users".to_string() } else { format!("/dashboard/users?{}", query.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_lives_in_the_url() {
        let sort = UsersSort { column: UsersColumn::CreatedOn, descending: true };
        let filter = UserFilter { search: "ada l".into(), groups: vec![3, 4], role: Some(Role::Coach), status: Some(UserStatus::FirstLoginPending), label: Some(7), sort };
        let at = UsersAt { after: Some(12), before: None };
        assert_eq!(users_href(&filter, 2, at), "/dashboard/users?page=2&after=12&q=ada%20l&groups=3,4&role=coach&status=first_login_pending&label=7&sort=-created");
        assert_eq!(users_href(&UserFilter::default(), 1, UsersAt::default()), "/dashboard/users");
    }

    #[test]
    fn r39_rows_show_each_users_cells_and_escape_what_people_typed() {
        use crate::wire::users::UserGroupRoles;
        let row = UserRow {
            id: 7,
            first_name: "<b>Eve</b>".into(),
            last_name: "O'Neil & co".into(),
            login: "eve\"x@example.com".into(),
            status: UserStatus::Active,
            groups: vec![UserGroupRoles { group_id: 2, group: "R&D <lab>".into(), roles: vec![Role::Learner, Role::Admin] }],
            labels: vec!["<img src=x onerror=alert(1)>".into()],
            created_on: "2026-11-02".into(),
            activated_on: None,
        };
        let html = user_rows(&[row], Lang::En);
        assert!(!html.contains("<b>") && !html.contains("<img"), "{html}");
        assert!(html.starts_with("<tr><td data-label=\"Name\"><a href=\"/users/7\">&lt;b&gt;Eve&lt;/b&gt; O&#39;Neil &amp; co</a>"), "{html}");
        assert!(html.contains("<span class=\"badge\">&lt;img src=x onerror=alert(1)&gt;</span>"), "{html}");
        assert!(html.contains("eve&quot;x@<wbr>example.com</td>"), "{html}");
        assert!(html.contains("<span class=\"group-roles\">R&amp;D &lt;lab&gt;: Learner, Admin</span>"), "{html}");
        assert!(html.contains("<span class=\"status status-active\">Active</span>"), "{html}");
        assert!(html.ends_with("<time datetime=\"2026-11-02\">2026-11-02</time></td><td data-label=\"Activated\"></td></tr>"), "{html}");
    }
}
