//! The ways between screens that several pages share: the Dashboard's tabs, the add-users
//! panel (its sidebar, title and close button), and query strings.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use crate::i18n::T;
use crate::ui::components::Icon;
use crate::ui::use_lang;

/// `aria-current="page"` for a link to `href` while that page, or one under it, is shown. Links
/// are plain `<a>`s (the router follows them in the page): `<A>` cost ~3% of a page's server time
/// (docs/performance.md, stop 22), and marked a link to the same page in another order or at
/// another page (the tables' headers, Previous/Next) as the current page too.
pub fn current_page(href: &'static str) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static {
    let location = use_location();
    move || location.pathname.with(|path| is_under(path, href).then_some("page"))
}

/// `path` is the page `href` leads to, or one under it.
fn is_under(path: &str, href: &str) -> bool {
    path.strip_prefix(href).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// USERS, LABELS (the labels and custom fields, R43) and, for the owner, BILLING (R45).
#[component]
pub fn DashboardTabs() -> impl IntoView {
    let lang = use_lang();
    let shell = use_context::<crate::ui::layout::Shell>();
    // Read inside a Transition, as the layout reads it: the server and the browser then render the
    // tab alike (a resource read outside one broke hydration when it resolved in between).
    let owner_and_admin_tabs = move || {
        Suspend::new(async move {
            let data = match shell {
                Some(shell) => shell.0.await.ok(),
                None => None,
            };
            let (billing, settings) = data.map(|d| (d.may_see_billing, d.may_see_settings)).unwrap_or_default();
            view! {
                {billing.then(|| view! { <a href="/dashboard/billing" class="tab" aria-current=current_page("/dashboard/billing")>{T::BillingTab.in_lang(lang)}</a> })}
                {settings.then(|| view! {
                    <a href="/dashboard/settings" class="tab" aria-current=current_page("/dashboard/settings")>{T::SettingsTab.in_lang(lang)}</a>
                    <a href="/dashboard/api-tokens" class="tab" aria-current=current_page("/dashboard/api-tokens")>{T::ApiTokensTab.in_lang(lang)}</a>
                })}
            }
        })
    };
    view! {
        <nav class="tabs" aria-label=T::DashboardSections.in_lang(lang)>
            <a href="/dashboard/users" class="tab" aria-current=current_page("/dashboard/users")>{T::UsersTab.in_lang(lang)}</a>
            <a href="/dashboard/labels" class="tab" aria-current=current_page("/dashboard/labels")>{T::LabelsTab.in_lang(lang)}</a>
            <Transition fallback=|| ()>{owner_and_admin_tabs}</Transition>
        </nav>
    }
}

/// The add-users panel (+ > User) around one of its screens: the sidebar, the screen's title,
/// and the close button back to the group page it was opened from (`?group=`), or the homepage.
#[component]
pub fn AddUsersPanel(current: &'static str, title: T, children: Children) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // Followed: the invite screen may move to another group without leaving the route (R77).
    let back = move || match query.with(|q| q.get("group").and_then(|g| g.parse::<i64>().ok())) {
        Some(id) => format!("/groups/{id}"),
        None => "/".to_string(),
    };
    // R91: the link that opened this screen was the last one's, now gone: whoever came by keyboard
    // goes on from this screen's title, not from the top of the page.
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            if document().active_element().is_none_or(|focused| focused.tag_name() == "BODY") {
                let _ = heading.focus();
            }
        }
    });
    view! {
        <Title text=title.in_lang(lang) />
        <section class="panel" aria-labelledby="panel-title">
            <PanelNav current group=query.with_untracked(|q| q.get("group")) />
            <div class="panel-body">
                <header class="page-header">
                    <h1 id="panel-title" tabindex="-1" node_ref=heading>{title.in_lang(lang)}</h1>
                    <a class="icon-button" href=back aria-label=T::Close.in_lang(lang)><Icon name="close" /></a>
                </header>
                {children()}
            </div>
        </section>
    }
}

/// The panel's left sidebar: Invite users, Add users > Set up a user / Create users in batch,
/// Invitations.
#[component]
fn PanelNav(current: &'static str, group: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let suffix = group.map(|g| format!("?group={g}")).unwrap_or_default();
    let current_if = move |name: &str| (current == name).then_some("page");
    view! {
        <nav class="panel-nav" aria-label=T::AddUsersSections.in_lang(lang)>
            <ul>
                <li><a href=format!("/add-users{suffix}") aria-current=current_if("invite")>{T::InviteUsers.in_lang(lang)}</a></li>
                <li>
                    <span class="panel-nav-section">{T::AddUsers.in_lang(lang)}</span>
                    <ul>
                        <li><a href=format!("/set-up-user{suffix}") aria-current=current_if("set-up")>{T::SetUpAUser.in_lang(lang)}</a></li>
                        <li><a href=format!("/import-users{suffix}") aria-current=current_if("import")>{T::CreateUsersInBatch.in_lang(lang)}</a></li>
                    </ul>
                </li>
                <li><a href=format!("/invitations{suffix}") aria-current=current_if("invitations")>{T::Invitations.in_lang(lang)}</a></li>
            </ul>
        </nav>
    }
}

/// A page of a list in name order, as its URL says (R84): its number (for show) and where it
/// starts (`after` or `before` a user).
pub fn page_in_url(query: &leptos_router::params::ParamsMap) -> (u32, crate::wire::users::UsersAt) {
    let page = query.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1);
    let cursor = |key: &str| query.get(key).and_then(|id| id.parse::<i64>().ok());
    (page, crate::wire::users::UsersAt { after: cursor("after"), before: cursor("before") })
}

/// The query string of such a page (empty for the first): `page=…&after=…` or `before=…`.
pub fn page_query(page: u32, at: crate::wire::users::UsersAt) -> Vec<String> {
    let mut query = Vec::new();
    if page > 1 {
        query.push(format!("page={page}"));
    }
    if let Some(after) = at.after {
        query.push(format!("after={after}"));
    }
    if let Some(before) = at.before {
        query.push(format!("before={before}"));
    }
    query
}

/// Percent-encodes a value for a query string (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_current_on_its_page_and_the_pages_under_it_only() {
        assert!(is_under("/dashboard/users", "/dashboard/users"));
        assert!(is_under("/programs/3", "/programs"));
        assert!(!is_under("/programs-archive", "/programs"));
        assert!(!is_under("/dashboard/labels", "/dashboard/users"));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
