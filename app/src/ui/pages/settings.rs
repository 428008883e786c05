//! Dashboard > SETTINGS, for platform administrators: the limits on invitation emails (issue 9),
//! so that nobody can send invitations to any number of outside addresses.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::settings::{get_email_limits, EmailLimits, SetEmailLimits};
use crate::error::AppError;
use crate::i18n::T;
use crate::ui::components::{ErrorNotice, FieldMessage};
use crate::ui::pages::users::DashboardTabs;
use crate::ui::{t, use_lang};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let limits = Resource::new(|| (), |_| get_email_limits());
    view! {
        <Title text=format!("{} · {}", T::SettingsTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <Transition fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
            {move || Suspend::new(async move {
                match limits.await {
                    Ok(limits) => view! { <EmailLimitsForm limits /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EmailLimitsForm(limits: EmailLimits) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SetEmailLimits>::new();
    let limits = RwSignal::new(limits);
    let error: Signal<Option<AppError>> = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="email-limits-title">
            <h2 id="email-limits-title">{T::EmailLimitsTitle.in_lang(lang)}</h2>
            <p class="muted">{T::EmailLimitsExplained.in_lang(lang)}</p>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SetEmailLimits { limits: limits.get_untracked() });
            }>
                <div class="field-pair">
                    <LimitField id="per_person_per_hour" label=T::PerPersonPerHour limits error get=|l| l.per_person_per_hour set=|l, n| l.per_person_per_hour = n />
                    <LimitField id="per_person_per_day" label=T::PerPersonPerDay limits error get=|l| l.per_person_per_day set=|l, n| l.per_person_per_day = n />
                    <LimitField id="platform_per_hour" label=T::PlatformPerHour limits error get=|l| l.platform_per_hour set=|l, n| l.platform_per_hour = n />
                </div>
                {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{T::SettingsSaved.in_lang(lang)}</p> })}
                <div><button type="submit" class="button button-primary" disabled=move || save.pending().get()>{T::SaveDetails.in_lang(lang)}</button></div>
            </form>
        </section>
    }
}

/// One limit: a whole number, its message below it.
#[component]
fn LimitField(
    id: &'static str,
    label: T,
    limits: RwSignal<EmailLimits>,
    error: Signal<Option<AppError>>,
    get: fn(&EmailLimits) -> i64,
    set: fn(&mut EmailLimits, i64),
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{label.in_lang(lang)}</label>
            <input id=id type="number" min="1" inputmode="numeric" aria-describedby=format!("{id}-error")
                prop:value=move || limits.with(|l| get(l).to_string())
                on:input=move |ev| limits.update(|l| set(l, event_target_value(&ev).trim().parse().unwrap_or(0))) />
            <FieldMessage error field=id />
        </div>
    }
}
