//! What surrounds every signed-in page: the top bar (platform, Dashboard, the + menu, the account
//! menu), the group tree in the left sidebar, and the page itself.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use super::components::{ErrorNotice, Icon};
use super::navigation::current_page;
use super::{t, use_lang};

use crate::api::auth::Logout;
use crate::api::directory::get_shell;
use crate::i18n::T;
use crate::wire::directory::ShellData;

/// Bumped by pages that change the group tree, so that the sidebar shows the change.
#[derive(Clone, Copy)]
pub struct TreeChanged(pub RwSignal<u32>);

/// The top bar's and sidebar's data, for pages that show or hide a part by it.
#[derive(Clone, Copy)]
pub struct Shell(pub Resource<Result<ShellData, crate::error::AppError>>);

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let tree_changed = RwSignal::new(0u32);
    provide_context(TreeChanged(tree_changed));
    // On a large platform the sidebar follows the group shown, hence the current group in the key.
    let current = current_group_id();
    let shell = Resource::new(move || (tree_changed.get(), current.get()), |(_, current)| get_shell(current));
    provide_context(Shell(shell));
    // The page (Outlet) stays outside the suspended parts: refreshing the sidebar does not
    // rebuild the page and lose what is typed in it.
    view! {
        <a class="skip-link" href="#content">{t(T::SkipToContent)}</a>
        <Transition fallback=|| view! { <header class="topbar" /> }>
            {move || Suspend::new(async move {
                match shell.await {
                    Ok(data) => view! { <TopBar data /> }.into_any(),
                    Err(error) => view! { <header class="topbar" /><ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <div class="frame">
            <Transition fallback=|| view! { <nav class="sidebar" /> }>
                {move || Suspend::new(async move { shell.await.ok().map(|data| view! { <Sidebar data /> }) })}
            </Transition>
            <main id="content" class="content"><Outlet /></main>
        </div>
    }
}

/// The group whose page is shown, if any (`/groups/:id`); the homepage is the platform group.
fn current_group_id() -> Memo<Option<i64>> {
    let location = use_location();
    Memo::new(move |_| location.pathname.with(|p| p.strip_prefix("/groups/").and_then(|id| id.parse().ok())))
}

#[component]
fn TopBar(data: ShellData) -> impl IntoView {
    // The shell's data does not change under the bar (a change renders a new bar): what it shows
    // is decided once, without `<Show>`'s reactive node.
    let lang = use_lang();
    let platform_group = data.platform_group_id;
    let current_group = current_group_id();
    let add_user_href = move || format!("/add-users?group={}", current_group.get().unwrap_or(platform_group));
    let add_menu_open = RwSignal::new(false);
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <header class="topbar">
            <a href="/" class="brand">{data.platform_name.clone()}</a>
            <nav class="topnav" aria-label=T::MainNavigation.in_lang(lang)>
                {data.may_see_dashboard.then(|| view! { <a href="/dashboard/users" class="topnav-link" aria-current=current_page("/dashboard/users")>{T::Dashboard.in_lang(lang)}</a> })}
                <a href="/programs" class="topnav-link" aria-current=current_page("/programs")>{T::Programs.in_lang(lang)}</a>
                {data.may_see_mailbox.then(|| view! { <a href="/mailbox" class="topnav-link" aria-current=current_page("/mailbox")>{T::Mailbox.in_lang(lang)}</a> })}
            </nav>
            <div class="topbar-actions">
                {data.may_add_users.then(|| view! {
                    <div class="menu" on:keydown=move |ev| if ev.key() == "Escape" { add_menu_open.set(false) }>
                        <button
                            type="button"
                            class="icon-button add-button"
                            aria-label=T::Add.in_lang(lang)
                            aria-haspopup="true"
                            aria-expanded=move || add_menu_open.get().to_string()
                            aria-controls="add-menu"
                            on:click=move |_| add_menu_open.update(|open| *open = !*open)
                        >
                            <Icon name="plus" />
                        </button>
                        <ul id="add-menu" class="menu-list" hidden=move || !add_menu_open.get()>
                            <li>
                                <a href=add_user_href on:click=move |_| add_menu_open.set(false)>{T::User.in_lang(lang)}</a>
                            </li>
                        </ul>
                    </div>
                })}
                <div class="account">
                    <a href="/account" class="account-name" title=data.viewer_login.clone() aria-current=current_page("/account")>{data.viewer_name.clone()}</a>
                    <button type="button" class="button button-quiet" on:click=move |_| { logout.dispatch(Logout {}); } disabled=move || logout.pending().get()>
                        {T::LogOut.in_lang(lang)}
                    </button>
                </div>
            </div>
        </header>
        {data.development_mail.then(|| view! { <p class="dev-mail-banner" role="note">{T::DevelopmentMailBanner.in_lang(lang)}</p> })}
        {move || logout.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
    }
}

#[component]
fn Sidebar(data: ShellData) -> impl IntoView {
    let lang = use_lang();
    let platform_group = data.platform_group_id;
    let location = use_location();
    view! {
        <nav class="sidebar" aria-label=T::GroupTree.in_lang(lang)>
            <h2 class="sidebar-title">{T::Groups.in_lang(lang)}</h2>
            <ul class="tree">
                {data
                    .tree
                    .into_iter()
                    .map(|item| {
                        let href = if item.id == platform_group { "/".to_string() } else { format!("/groups/{}", item.id) };
                        // The link of the page shown is marked with aria-current="page". A plain
                        // `<a>` (the router follows it in the page): `<A>` per group was ~3% of a
                        // signed-in page's server time.
                        let current = {
                            let href = href.clone();
                            move || location.pathname.with(|path| (*path == href).then_some("page"))
                        };
                        view! {
                            <li class="tree-item" data-depth=item.depth.min(12) data-more=item.has_more.then_some("")>
                                <a href=href aria-current=current>{item.name}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
