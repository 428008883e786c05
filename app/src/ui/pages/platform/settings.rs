//! Dashboard > SETTINGS, for platform administrators: the platform's name, default language,
//! time zone and invitation lifetime; the limits on invitation emails (issue 9), so that nobody
//! can send invitations to any number of outside addresses.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::kept::kept;
use crate::api::settings::{get_email_limits, get_platform_settings, SetEmailLimits, SetPlatformSettings};
use crate::error::AppError;
use crate::i18n::{Lang, T};
use crate::ui::components::{invalid, Card, ErrorNotice, FieldMessage, Loaded};
use crate::ui::layout::TreeChanged;
use crate::ui::navigation::DashboardTabs;
use crate::ui::use_lang;
use crate::wire::settings::{EmailLimits, LIFETIME_DAYS, PlatformSettingsView};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let limits = Resource::new(|| (), |_| get_email_limits());
    let platform = Resource::new(|| (), |_| get_platform_settings());
    view! {
        <Title text=format!("{} · {}", T::SettingsTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <Loaded resource=platform ready=move |view| view! { <PlatformForm view /> } />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match limits.await {
                    Ok(limits) => view! { <EmailLimitsForm limits /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Name, default language, time zone (typed, with the list of zones offered), invitation
/// lifetime. Saved, the top bar shows the new name at once.
#[component]
fn PlatformForm(view: PlatformSettingsView) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SetPlatformSettings>::new();
    let settings = RwSignal::new(view.settings);
    let error: Signal<Option<AppError>> = Signal::derive(move || save.value().get().and_then(Result::err));
    let tree_changed = use_context::<TreeChanged>();
    Effect::new(move || {
        if let (Some(Ok(())), Some(TreeChanged(changed))) = (save.value().get(), tree_changed) {
            changed.update(|n| *n += 1);
        }
    });
    let language_option = move |code: Lang, label: &'static str| {
        view! { <option value=code.code() selected=move || settings.with(|s| s.default_language == code)>{label}</option> }
    };
    let (name_invalid, zone_invalid, days_invalid) =
        (invalid(error, "name"), invalid(error, "time_zone"), invalid(error, "invitation_lifetime_days"));
    view! {
        <Card id="platform" title=T::PlatformSettingsTitle.in_lang(lang)>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SetPlatformSettings { settings: settings.get_untracked() });
            }>
                <div class="field">
                    <label for="name">{T::PlatformName.in_lang(lang)}</label>
                    <input use:kept id="name" type="text" maxlength="100" aria-describedby="name-help name-error" aria-invalid=name_invalid.clone()
                        prop:value=move || settings.with(|s| s.name.clone())
                        on:input=move |ev| settings.update(|s| s.name = event_target_value(&ev)) />
                    <p class="field-help" id="name-help">{T::PlatformNameHelp.in_lang(lang)}</p>
                    <FieldMessage error field="name" />
                </div>
                <div class="field">
                    <label for="default_language">{T::PlatformLanguageField.in_lang(lang)}</label>
                    <select use:kept id="default_language" aria-describedby="default_language-help"
                        on:change=move |ev| settings.update(|s| s.default_language = Lang::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {language_option(Lang::En, "English")}
                        {language_option(Lang::Fr, "Français")}
                    </select>
                    <p class="field-help" id="default_language-help">{T::PlatformLanguageHelp.in_lang(lang)}</p>
                </div>
                <div class="field">
                    <label for="time_zone">{T::TimeZone.in_lang(lang)}</label>
                    <input use:kept id="time_zone" type="text" list="time-zones" autocomplete="off" spellcheck="false" aria-describedby="time_zone-help time_zone-error" aria-invalid=zone_invalid.clone()
                        prop:value=move || settings.with(|s| s.time_zone.clone())
                        on:input=move |ev| settings.update(|s| s.time_zone = event_target_value(&ev)) />
                    <datalist id="time-zones">
                        {view.time_zones.into_iter().map(|zone| view! { <option value=zone /> }).collect_view()}
                    </datalist>
                    <p class="field-help" id="time_zone-help">{T::TimeZoneHelp.in_lang(lang)}</p>
                    <FieldMessage error field="time_zone" />
                </div>
                <div class="field">
                    <label for="invitation_lifetime_days">{T::InvitationLifetime.in_lang(lang)}</label>
                    <input use:kept id="invitation_lifetime_days" type="number" min=*LIFETIME_DAYS.start() max=*LIFETIME_DAYS.end() inputmode="numeric"
                        aria-describedby="invitation_lifetime_days-help invitation_lifetime_days-error" aria-invalid=days_invalid.clone()
                        prop:value=move || settings.with(|s| s.invitation_lifetime_days.to_string())
                        on:input=move |ev| settings.update(|s| s.invitation_lifetime_days = event_target_value(&ev).trim().parse().unwrap_or(0)) />
                    <p class="field-help" id="invitation_lifetime_days-help">{T::InvitationLifetimeHelp.in_lang(lang)}</p>
                    <FieldMessage error field="invitation_lifetime_days" />
                </div>
                <SaveFooter error saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(())))) pending=save.pending() />
            </form>
        </Card>
    }
}

#[component]
fn EmailLimitsForm(limits: EmailLimits) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SetEmailLimits>::new();
    let limits = RwSignal::new(limits);
    let error: Signal<Option<AppError>> = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <Card id="email-limits" title=T::EmailLimitsTitle.in_lang(lang)>
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
                <SaveFooter error saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(())))) pending=save.pending() />
            </form>
        </Card>
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
    let marked = invalid(error, id);
    view! {
        <div class="field">
            <label for=id>{label.in_lang(lang)}</label>
            <input use:kept id=id type="number" min="1" inputmode="numeric" aria-describedby=format!("{id}-error") aria-invalid=marked.clone()
                prop:value=move || limits.with(|l| get(l).to_string())
                on:input=move |ev| limits.update(|l| set(l, event_target_value(&ev).trim().parse().unwrap_or(0))) />
            <FieldMessage error field=id />
        </div>
    }
}

/// The end of a settings form: a refusal no field owns, "Settings saved.", and Save.
#[component]
fn SaveFooter(error: Signal<Option<AppError>>, saved: Signal<bool>, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
        {move || saved.get().then(|| view! { <p class="notice" role="status">{T::SettingsSaved.in_lang(lang)}</p> })}
        <div><button type="submit" class="button button-primary" disabled=move || pending.get()>{T::SaveDetails.in_lang(lang)}</button></div>
    }
}
