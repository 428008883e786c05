//! A group's page (the homepage is the platform group's page): where it sits, whether it is
//! public, its members and subgroups.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::directory::{get_group, GroupView};
use crate::i18n::{Msg, T};
use crate::ui::components::{ErrorNotice, Icon};
use crate::ui::{t, use_lang};

#[component]
pub fn HomePage() -> impl IntoView {
    let group = Resource::new(|| (), |_| get_group(None));
    view! { <GroupContent group /> }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let group = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_group(Some(id)).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! { <GroupContent group /> }
}

#[component]
fn GroupContent(group: Resource<Result<GroupView, crate::error::AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
            {move || Suspend::new(async move {
                match group.await {
                    Ok(group) => view! { <GroupDetails group /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupDetails(group: GroupView) -> impl IntoView {
    let lang = use_lang();
    let (badge, icon) = if group.is_public { (T::PublicGroup, "globe") } else { (T::PrivateGroup, "lock") };
    view! {
        <Title text=group.name.clone() />
        <article class="group-page">
            <nav class="breadcrumb" aria-label=T::Breadcrumb.in_lang(lang)>
                <ol>
                    {group.ancestors.into_iter().enumerate().map(|(i, (id, name))| {
                        // The first ancestor is the platform group, whose page is the homepage.
                        let href = if i == 0 { "/".to_string() } else { format!("/groups/{id}") };
                        view! { <li><A href=href>{name}</A></li> }
                    }).collect_view()}
                    <li aria-current="page">{group.name.clone()}</li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>{group.name.clone()}</h1>
                <span class="badge" class:badge-public=group.is_public><Icon name=icon />{badge.in_lang(lang)}</span>
            </header>
            {group.is_platform_group.then(|| view! {
                <p class="muted">{T::PlatformGroup.in_lang(lang)}" — "{T::PlatformGroupAlwaysPrivate.in_lang(lang)}</p>
            })}
            <section class="card" aria-labelledby="members-title">
                <h2 id="members-title">{T::Members.in_lang(lang)}</h2>
                <p>{Msg::MembersCount { count: group.member_count }.render(lang)}</p>
            </section>
            <section class="card" aria-labelledby="subgroups-title">
                <h2 id="subgroups-title">{T::Subgroups.in_lang(lang)}</h2>
                {if group.subgroups.is_empty() {
                    view! { <p class="muted">{T::NoSubgroups.in_lang(lang)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="link-list">
                            {group.subgroups.into_iter().map(|(id, name, is_public)| view! {
                                <li>
                                    <A href=format!("/groups/{id}")>{name}</A>
                                    <span class="muted small">{if is_public { T::PublicGroup } else { T::PrivateGroup }.in_lang(lang)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </article>
    }
}
