//! The optional part of the invite and set-up forms (R20, R25): default language, deletion date
//! (R42), labels and custom-field values (R43), as the article lists them.

use leptos::prelude::*;

use crate::ui::kept::kept;
use crate::api::details::detail_choices;
use crate::domain::custom_field::FieldType;
use crate::error::AppError;
use crate::i18n::{Lang, T};
use crate::ui::components::{invalid, FieldMessage};
use crate::ui::use_lang;
use crate::wire::details::{FieldChoice, FieldValue, LabelChoice, LabelsAndFields, UserDetails};

#[component]
pub fn UserDetailsFields(
    details: RwSignal<UserDetails>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The deletion date is shown, not changed: only an admin above this person may (R54).
    #[prop(optional)]
    date_locked: bool,
    /// Invited from this program session (R4): its inviters see the labels and fields too.
    #[prop(optional)]
    session: Option<i64>,
) -> impl IntoView {
    let lang = use_lang();
    let choices = Resource::new(move || session, |session| detail_choices(session, false));
    let date_invalid = invalid(error, "deletion_date");
    view! {
        <div class="field-pair">
            <div class="field">
                <label for="language">{T::DefaultLanguage.in_lang(lang)}</label>
                <select use:kept id="language" on:change=move |ev| details.update(|d| d.language = Lang::parse(&event_target_value(&ev)))>
                    <option value="" selected=move || details.with(|d| d.language.is_none())>{T::PlatformLanguage.in_lang(lang)}</option>
                    <option value="en" selected=move || details.with(|d| d.language == Some(Lang::En))>"English"</option>
                    <option value="fr" selected=move || details.with(|d| d.language == Some(Lang::Fr))>"Français"</option>
                </select>
            </div>
            <div class="field">
                <label for="deletion_date">{T::DeletionDate.in_lang(lang)}</label>
                <input use:kept id="deletion_date" type="date" aria-describedby="deletion_date-help deletion_date-error" disabled=date_locked
                    aria-invalid=date_invalid.clone()
                    prop:value=move || details.with(|d| d.deletion_date.clone().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); details.update(|d| d.deletion_date = (!v.is_empty()).then_some(v)); } />
                <p class="field-help" id="deletion_date-help">{if date_locked { T::DeletionDateLocked } else { T::DeletionDateHelp }.in_lang(lang)}</p>
                <FieldMessage error field="deletion_date" />
            </div>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                choices.await.ok().map(|choices| view! { <LabelsAndValues choices details error /> })
            })}
        </Transition>
    }
}

#[component]
fn LabelsAndValues(choices: LabelsAndFields, details: RwSignal<UserDetails>, error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    let labels = (!choices.labels.is_empty()).then(|| view! {
        <fieldset class="field">
            <legend>{T::LabelsSection.in_lang(lang)}</legend>
            <div class="checkbox-row">
                {choices.labels.into_iter().map(|LabelChoice { id, name, .. }| view! {
                    <label class="checkbox">
                        <input use:kept type="checkbox" prop:checked=move || details.with(|d| d.labels.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                details.update(|d| { d.labels.retain(|l| *l != id); if on { d.labels.push(id); } });
                            } />
                        {name}
                    </label>
                }).collect_view()}
            </div>
            <FieldMessage error field="labels" />
        </fieldset>
    });
    let fields = (!choices.fields.is_empty()).then(|| view! {
        <fieldset class="field">
            <legend>{T::CustomFields.in_lang(lang)}</legend>
            <div class="field-pair">
                {choices.fields.into_iter().map(|field| view! { <ValueInput field details error /> }).collect_view()}
            </div>
            <FieldMessage error field="values" />
        </fieldset>
    });
    view! { {labels} {fields} }
}

/// One custom field's input, by its type (R79): a text, a number, a date, or a choice from its
/// list; its message below it.
#[component]
fn ValueInput(field: FieldChoice, details: RwSignal<UserDetails>, error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    let id = field.id;
    let input_id = format!("custom-field-{id}");
    let message = format!("value-{id}");
    let value = move || details.with(|d| d.values.iter().find(|v| v.field == id).map(|v| v.value.clone()).unwrap_or_default());
    let set = move |value: String| {
        details.update(|d| {
            d.values.retain(|v| v.field != id);
            d.values.push(FieldValue { field: id, value });
        })
    };
    let described = format!("{message}-error");
    let marked = invalid(error, &message);
    let input = match field.field_type {
        FieldType::List(options) => view! {
            <select use:kept id=input_id.clone() aria-describedby=described aria-invalid=marked.clone() on:change=move |ev| set(event_target_value(&ev))>
                <option value="" selected=move || value().is_empty()>{T::NoValue.in_lang(lang)}</option>
                {options.into_iter().map(|option| {
                    let shown = option.clone();
                    let this = option.clone();
                    view! { <option value=option selected=move || value() == this>{shown}</option> }
                }).collect_view()}
            </select>
        }.into_any(),
        FieldType::Date => view! {
            <input use:kept id=input_id.clone() type="date" aria-describedby=described aria-invalid=marked.clone() prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }.into_any(),
        // Text, so that what is typed reaches the server's check (a number input drops it).
        FieldType::Number => view! {
            <input use:kept id=input_id.clone() inputmode="decimal" autocomplete="off" aria-describedby=described aria-invalid=marked.clone() prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }.into_any(),
        FieldType::Text => view! {
            <input use:kept id=input_id.clone() autocomplete="off" aria-describedby=described aria-invalid=marked.clone() prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }.into_any(),
    };
    view! {
        <div class="field">
            <label for=input_id>{field.name}</label>
            {input}
            <FieldMessage error field=message />
        </div>
    }
}
