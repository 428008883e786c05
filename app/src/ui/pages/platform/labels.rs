//! Dashboard > LABELS: the labels and custom fields that can be given to users when they are
//! invited or set up (R43). Platform administrators define them, rename them, delete them (the
//! confirmation says how many hold it), and give each custom field a type — text, a number, a
//! date, or one of a list (R79).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::kept::kept;
use crate::api::details::{detail_choices, CreateCustomField, CreateLabel, DeleteCustomField, DeleteLabel, EditCustomField, EditLabel};
use crate::domain::custom_field::FieldType;
use crate::error::AppError;
use crate::i18n::{Msg, T};
use crate::ui::components::{invalid, successes, Card, ErrorNotice, FieldMessage, Loaded, TextField};
use crate::ui::navigation::DashboardTabs;
use crate::ui::use_lang;
use crate::wire::details::{FieldChoice, LabelChoice};

/// The page's changes; any of them done, the lists are read again.
#[derive(Clone, Copy)]
struct Actions {
    create_label: ServerAction<CreateLabel>,
    create_field: ServerAction<CreateCustomField>,
    edit_label: ServerAction<EditLabel>,
    edit_field: ServerAction<EditCustomField>,
    delete_label: ServerAction<DeleteLabel>,
    delete_field: ServerAction<DeleteCustomField>,
}

impl Actions {
    /// The last deletion's refusal, if any (shown above the lists).
    fn delete_error(&self) -> Option<AppError> {
        self.delete_label.value().get().and_then(Result::err).or_else(|| self.delete_field.value().get().and_then(Result::err))
    }
}

#[component]
pub fn LabelsPage() -> impl IntoView {
    let lang = use_lang();
    let actions = Actions {
        create_label: ServerAction::new(),
        create_field: ServerAction::new(),
        edit_label: ServerAction::new(),
        edit_field: ServerAction::new(),
        delete_label: ServerAction::new(),
        delete_field: ServerAction::new(),
    };
    // Read again after each change that worked, and only then: a refused form keeps what was typed.
    let done = [
        successes(actions.create_label.value()),
        successes(actions.create_field.value()),
        successes(actions.edit_label.value()),
        successes(actions.edit_field.value()),
        successes(actions.delete_label.value()),
        successes(actions.delete_field.value()),
    ];
    let choices = Resource::new(move || done.map(|d| d.get()), |_| detail_choices(None, true));
    view! {
        <Title text=format!("{} · {}", T::LabelsTab.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <p class="muted">{T::LabelsExplained.in_lang(lang)}</p>
        {move || actions.delete_error().map(|error| view! { <ErrorNotice error /> })}
        <Loaded resource=choices ready=move |choices| view! {
                        <div class="two-cards">
                            <LabelsCard labels=choices.labels may_define=choices.may_define actions />
                            <FieldsCard fields=choices.fields may_define=choices.may_define actions />
                        </div>
                    } />
    }
}

/// Asks before deleting, naming how many hold it (R79).
fn confirm_delete(name: &str, holders: i64, lang: crate::i18n::Lang) -> bool {
    window().confirm_with_message(&Msg::ConfirmDeleteLabel { name: name.to_string(), holders }.render(lang)).unwrap_or(false)
}

#[component]
fn LabelsCard(labels: Vec<LabelChoice>, may_define: bool, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let editing = RwSignal::new(None::<i64>);
    let new_name = RwSignal::new(String::new());
    let create_error = Signal::derive(move || actions.create_label.value().get().and_then(Result::err));
    let rows = labels
        .into_iter()
        .map(|LabelChoice { id, name, holders }| {
            let shown = name.clone();
            let renamed = RwSignal::new(name.clone());
            let edit_error = Signal::derive(move || actions.edit_label.value().get().and_then(Result::err));
            view! {
                <li class="detail-row">
                    <Show when=move || editing.get() == Some(id) fallback=move || view! {
                        <span class="detail-name">{shown.clone()}</span>
                        {may_define.then(|| view! { <span class="muted small">{Msg::HeldBy { count: holders }.render(lang)}</span> })}
                    }>
                        <form class="input-row" novalidate on:submit=move |ev| {
                            ev.prevent_default();
                            actions.edit_label.dispatch(EditLabel { id, name: renamed.get_untracked() });
                        }>
                            <label class="visually-hidden" for=format!("label-{id}-name")>{T::Name.in_lang(lang)}</label>
                            <input use:kept id=format!("label-{id}-name") aria-describedby=format!("label-{id}-name-error") aria-invalid=invalid(edit_error, "name") prop:value=renamed on:input=move |ev| renamed.set(event_target_value(&ev)) />
                            <button type="submit" class="button button-primary">{T::SaveDetails.in_lang(lang)}</button>
                            <button type="button" class="button" on:click=move |_| editing.set(None)>{T::Cancel.in_lang(lang)}</button>
                        </form>
                        <FieldMessage error=edit_error field="name" id=format!("label-{id}-name-error") />
                    </Show>
                    {may_define.then(|| view! {
                        <RowActions editing id edit=T::Rename name=name.clone() holders
                            delete=Callback::new(move |()| { actions.delete_label.dispatch(DeleteLabel { id }); }) />
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Card id="label" title=T::LabelsSection.in_lang(lang)>
            <ul class="detail-list">{rows}</ul>
            {may_define.then(|| view! {
                <form class="inline-form" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    actions.create_label.dispatch(CreateLabel { name: new_name.get_untracked() });
                }>
                    <TextField id="new-label" field="name" label=T::AddLabel value=new_name error=create_error
                        button=view! { <button type="submit" class="button">{T::Add.in_lang(lang)}</button> }.into_any() />
                </form>
            })}
        </Card>
    }
}

#[component]
fn FieldsCard(fields: Vec<FieldChoice>, may_define: bool, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let editing = RwSignal::new(None::<i64>);
    let rows = fields
        .into_iter()
        .map(|FieldChoice { id, name, field_type, holders }| {
            let shown = (name.clone(), type_text(&field_type, lang));
            let draft = Draft::of(&name, &field_type);
            let edit_error = Signal::derive(move || actions.edit_field.value().get().and_then(Result::err));
            view! {
                <li class="detail-row">
                    <Show when=move || editing.get() == Some(id) fallback={
                        let shown = shown.clone();
                        move || view! {
                            <span class="detail-name">{shown.0.clone()}</span>
                            <span class="badge">{shown.1.clone()}</span>
                            {may_define.then(|| view! { <span class="muted small">{Msg::HeldBy { count: holders }.render(lang)}</span> })}
                        }
                    }>
                        <form class="form detail-editor" novalidate on:submit=move |ev| {
                            ev.prevent_default();
                            actions.edit_field.dispatch(EditCustomField { id, name: draft.name.get_untracked(), kind: draft.kind.get_untracked(), options: draft.options.get_untracked() });
                        }>
                            <FieldEditor draft id=format!("field-{id}") error=edit_error />
                            <div class="input-row">
                                <button type="submit" class="button button-primary">{T::SaveDetails.in_lang(lang)}</button>
                                <button type="button" class="button" on:click=move |_| editing.set(None)>{T::Cancel.in_lang(lang)}</button>
                            </div>
                        </form>
                    </Show>
                    {may_define.then(|| view! {
                        <RowActions editing id edit=T::Edit name=name.clone() holders
                            delete=Callback::new(move |()| { actions.delete_field.dispatch(DeleteCustomField { id }); }) />
                    })}
                </li>
            }
        })
        .collect_view();
    let draft = Draft::of("", &FieldType::Text);
    let create_error = Signal::derive(move || actions.create_field.value().get().and_then(Result::err));
    view! {
        <Card id="field" title=T::CustomFields.in_lang(lang)>
            <ul class="detail-list">{rows}</ul>
            {may_define.then(|| view! {
                <form class="inline-form form" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    actions.create_field.dispatch(CreateCustomField { name: draft.name.get_untracked(), kind: draft.kind.get_untracked(), options: draft.options.get_untracked() });
                }>
                    <h3>{T::AddCustomField.in_lang(lang)}</h3>
                    <FieldEditor draft id="new-field".to_string() error=create_error />
                    <div><button type="submit" class="button">{T::Add.in_lang(lang)}</button></div>
                </form>
            })}
        </Card>
    }
}

/// Rename (or Edit) and Delete at the end of a row, hidden while the row is edited; Delete asks
/// first, naming how many hold it.
#[component]
fn RowActions(editing: RwSignal<Option<i64>>, id: i64, edit: T, name: String, holders: i64, delete: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let (edit_label, delete_label) = (format!("{} — {name}", edit.in_lang(lang)), format!("{} — {name}", T::Delete.in_lang(lang)));
    view! {
        <Show when=move || editing.get() != Some(id)>
            <span class="row-actions">
                <button type="button" class="button button-quiet" aria-label=edit_label.clone() on:click=move |_| editing.set(Some(id))>{edit.in_lang(lang)}</button>
                <button type="button" class="button button-quiet button-danger-text" aria-label=delete_label.clone() on:click={
                    let name = name.clone();
                    move |_| if confirm_delete(&name, holders, lang) { delete.run(()); }
                }>{T::Delete.in_lang(lang)}</button>
            </span>
        </Show>
    }
}

/// A custom field as the form holds it.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    options: RwSignal<String>,
}

impl Draft {
    fn of(name: &str, field_type: &FieldType) -> Draft {
        Draft {
            name: RwSignal::new(name.to_string()),
            kind: RwSignal::new(field_type.kind().to_string()),
            options: RwSignal::new(field_type.stored_options().unwrap_or_default()),
        }
    }
}

/// Name, type, and a list's choices (one per line).
#[component]
fn FieldEditor(draft: Draft, id: String, error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    let kinds = [("text", T::FieldText), ("number", T::FieldNumber), ("date", T::FieldDate), ("list", T::FieldList)];
    let (name_id, kind_id, options_id) = (format!("{id}-name"), format!("{id}-kind"), format!("{id}-options"));
    let error_of = |input: &str| format!("{input}-error");
    let (kind_error, options_error) = (error_of(&kind_id), error_of(&options_id));
    let options_described = options_error.clone();
    view! {
        <div class="field-pair">
            <TextField id=name_id field="name" label=T::Name value=draft.name error />
            <div class="field">
                <label for=kind_id.clone()>{T::FieldType.in_lang(lang)}</label>
                <select use:kept id=kind_id aria-describedby=kind_error.clone() aria-invalid=invalid(error, "kind") on:change=move |ev| draft.kind.set(event_target_value(&ev))>
                    {kinds.into_iter().map(|(kind, label)| view! {
                        <option value=kind selected=move || draft.kind.get() == kind>{label.in_lang(lang)}</option>
                    }).collect_view()}
                </select>
                <FieldMessage error field="kind" id=kind_error />
            </div>
        </div>
        <Show when=move || draft.kind.get() == "list">
            <div class="field">
                <label for=options_id.clone()>{T::ListChoices.in_lang(lang)}</label>
                <textarea use:kept id=options_id.clone() rows="4" aria-describedby=options_described.clone() aria-invalid=invalid(error, "options") prop:value=draft.options on:input=move |ev| draft.options.set(event_target_value(&ev))></textarea>
            </div>
        </Show>
        <FieldMessage error field="options" id=options_error />
    }
}

/// "Number", "One of: Small, Large"…
fn type_text(field_type: &FieldType, lang: crate::i18n::Lang) -> String {
    match field_type {
        FieldType::Text => T::FieldText.in_lang(lang).to_string(),
        FieldType::Number => T::FieldNumber.in_lang(lang).to_string(),
        FieldType::Date => T::FieldDate.in_lang(lang).to_string(),
        FieldType::List(options) => Msg::OneOf { options: options.join(", ") }.render(lang),
    }
}
