//! Dashboard > LABELS: the labels and custom fields that can be given to users when they are
//! invited or set up; platform administrators define them (R43).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::details::{detail_choices, CreateCustomField, CreateLabel};
use crate::error::AppError;
use crate::i18n::T;
use crate::ui::components::ErrorNotice;
use crate::ui::pages::users::DashboardTabs;
use crate::ui::{t, use_lang};

#[component]
pub fn LabelsPage() -> impl IntoView {
    let lang = use_lang();
    let create_label = ServerAction::<CreateLabel>::new();
    let create_field = ServerAction::<CreateCustomField>::new();
    let choices = Resource::new(move || (create_label.version().get(), create_field.version().get()), |_| detail_choices(None));
    view! {
        <Title text=format!("{} · {}", T::LabelsTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <p class="muted">{T::LabelsExplained.in_lang(lang)}</p>
        <Transition fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(choices) => view! {
                        <div class="two-cards">
                            <NamedList title=T::LabelsSection items=choices.labels add=T::AddLabel may_define=choices.may_define
                                create=Callback::new(move |name| { create_label.dispatch(CreateLabel { name }); })
                                error=Signal::derive(move || create_label.value().get().and_then(Result::err)) id="label" />
                            <NamedList title=T::CustomFields items=choices.fields add=T::AddCustomField may_define=choices.may_define
                                create=Callback::new(move |name| { create_field.dispatch(CreateCustomField { name }); })
                                error=Signal::derive(move || create_field.value().get().and_then(Result::err)) id="field" />
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A card with the names defined so far and a form to add one.
#[component]
fn NamedList(title: T, items: Vec<(i64, String)>, add: T, may_define: bool, create: Callback<String>, error: Signal<Option<AppError>>, id: &'static str) -> impl IntoView {
    let lang = use_lang();
    let name = RwSignal::new(String::new());
    let input_id = format!("new-{id}");
    view! {
        <section class="card" aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{title.in_lang(lang)}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{T::NoneYet.in_lang(lang)}</p> }.into_any()
            } else {
                view! { <ul class="role-list">{items.into_iter().map(|(_, n)| view! { <li class="role-chip">{n}</li> }).collect_view()}</ul> }.into_any()
            }}
            {may_define.then(|| view! {
            <form class="inline-form" novalidate on:submit=move |ev| { ev.prevent_default(); create.run(name.get_untracked()); }>
                <div class="field">
                    <label for=input_id.clone()>{add.in_lang(lang)}</label>
                    <div class="input-row">
                        <input id=input_id autocomplete="off" aria-describedby=format!("{id}-name-error") prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                        <button type="submit" class="button">{T::Add.in_lang(lang)}</button>
                    </div>
                    <p class="field-error" id=format!("{id}-name-error") role="alert">
                        {move || error.get().and_then(|e| e.for_field("name").map(|m| m.render(lang)))}
                    </p>
                </div>
                {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
            </form>
            })}
        </section>
    }
}
