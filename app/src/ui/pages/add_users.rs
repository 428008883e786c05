//! + > User: the add-users panel. Its left sidebar holds the ways to add people (Invite users,
//! Add users > Set up a user) and the Invitations list; their forms arrive with their issues.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::T;
use crate::ui::components::Icon;
use crate::ui::use_lang;

#[component]
pub fn AddUsersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let back = move || match query.with(|q| q.get("group")) {
        Some(id) => format!("/groups/{id}"),
        None => "/".to_string(),
    };
    view! {
        <Title text=T::AddUsers.in_lang(lang) />
        <section class="panel" aria-labelledby="panel-title">
            <nav class="panel-nav" aria-label=T::AddUsersSections.in_lang(lang)>
                <ul>
                    <li><a href="" aria-current="page">{T::InviteUsers.in_lang(lang)}</a></li>
                    <li>
                        <span class="panel-nav-section">{T::AddUsers.in_lang(lang)}</span>
                        <ul><li><span class="panel-nav-soon">{T::SetUpAUser.in_lang(lang)}</span></li></ul>
                    </li>
                    <li><span class="panel-nav-soon">{T::Invitations.in_lang(lang)}</span></li>
                </ul>
            </nav>
            <div class="panel-body">
                <header class="page-header">
                    <h1 id="panel-title">{T::InviteUsers.in_lang(lang)}</h1>
                    <a class="icon-button" href=back aria-label=T::Close.in_lang(lang)><Icon name="close" /></a>
                </header>
                <p class="notice">{T::AddUsersComingSoon.in_lang(lang)}</p>
            </div>
        </section>
    }
}
