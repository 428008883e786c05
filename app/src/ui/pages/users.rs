//! Dashboard > USERS: everyone on the platform, searchable by name or email, a page at a time.
//! The search and the page live in the URL (`?q=…&page=…`), so they survive a reload and a link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;

use crate::api::directory::{list_users, UserPage};
use crate::i18n::{Msg, T};
use crate::ui::components::ErrorNotice;
use crate::ui::{t, use_lang};

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let users = Resource::new(move || (search(), page()), |(search, page)| list_users(search, page));
    let navigate = use_navigate();
    let search_input = NodeRef::<leptos::html::Input>::new();
    view! {
        <Title text=format!("{} · {}", T::UsersTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header">
            <h1>{T::Dashboard.in_lang(lang)}</h1>
        </header>
        <nav class="tabs" aria-label=T::DashboardSections.in_lang(lang)>
            <A href="/dashboard/users" attr:class="tab">{T::UsersTab.in_lang(lang)}</A>
        </nav>
        // A plain GET form (it works without JavaScript); with it, the search is a client-side navigation.
        <form method="get" action="/dashboard/users" class="search-form" role="search" on:submit=move |ev| {
            ev.prevent_default();
            let term = search_input.get().map(|input| input.value()).unwrap_or_default();
            navigate(&format!("/dashboard/users?q={}", encode_query_value(&term)), Default::default());
        }>
            <label for="user-search" class="visually-hidden">{T::SearchUsers.in_lang(lang)}</label>
            <input id="user-search" type="search" name="q" prop:value=search placeholder=T::SearchUsers.in_lang(lang) node_ref=search_input />
            <button type="submit" class="button">{T::Search.in_lang(lang)}</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(users) => view! { <UserTable users search=search() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserTable(users: UserPage, search: String) -> impl IntoView {
    let lang = use_lang();
    let link = move |page: u32| {
        let mut href = format!("/dashboard/users?page={page}");
        if !search.is_empty() {
            href.push_str("&q=");
            href.push_str(&encode_query_value(&search));
        }
        href
    };
    if users.rows.is_empty() {
        return view! { <p class="notice">{T::NoUsersMatch.in_lang(lang)}</p> }.into_any();
    }
    let (prev, next) = ((users.page > 1).then(|| link(users.page - 1)), (users.page < users.pages).then(|| link(users.page + 1)));
    view! {
        <p class="muted">{Msg::UsersCount { count: users.total }.render(lang)}</p>
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{T::Name.in_lang(lang)}</th>
                        <th scope="col">{T::EmailOrUsername.in_lang(lang)}</th>
                        <th scope="col">{T::Status.in_lang(lang)}</th>
                        <th scope="col">{T::CreatedOn.in_lang(lang)}</th>
                    </tr>
                </thead>
                <tbody>
                    {users.rows.into_iter().map(|user| view! {
                        <tr>
                            <td>{format!("{} {}", user.first_name, user.last_name)}</td>
                            <td class="cell-login">{user.login}</td>
                            <td>
                                <span class="status" class:status-active=user.is_active>
                                    {if user.is_active { T::StatusActive } else { T::StatusInvited }.in_lang(lang)}
                                </span>
                            </td>
                            <td><time datetime=user.created_on.clone()>{user.created_on.clone()}</time></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pagination" aria-label=T::Pagination.in_lang(lang)>
            {match prev {
                Some(href) => view! { <A href=href attr:class="button" attr:rel="prev">{T::Previous.in_lang(lang)}</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">{T::Previous.in_lang(lang)}</span> }.into_any(),
            }}
            <span>{Msg::PageOf { page: users.page, pages: users.pages }.render(lang)}</span>
            {match next {
                Some(href) => view! { <A href=href attr:class="button" attr:rel="next">{T::Next.in_lang(lang)}</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">{T::Next.in_lang(lang)}</span> }.into_any(),
            }}
        </nav>
    }
    .into_any()
}

/// Percent-encodes a value for a query string (everything but unreserved characters).
fn encode_query_value(value: &str) -> String {
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
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::encode_query_value("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
