//! + > User, Add users > Create users in batch (R35–R37): download the template, choose what to
//! do with every row (invite or set up) and the defaults for empty cells, upload the file, read
//! the preview (counts per outcome and each problem at its line and column), IMPORT; then the
//! progress bar, which goes on when the page is left and comes back, and the results with the
//! rejected rows to download.

use leptos::prelude::*;

use crate::ui::kept::kept;
use crate::api::batch::{import_progress, latest_import, preview_import, start_import, upload_import_file, FILE_FIELD};
use crate::domain::batch::{Defaults, Mode};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Lang, Msg, T};
use crate::ui::components::{DataTable, ErrorNotice, FieldMessage, RoleChoice};
use crate::ui::group_picker::{common_roles, ChosenGroup, GroupChoice};
use crate::ui::navigation::AddUsersPanel;
use crate::ui::use_lang;
use crate::wire::batch::{rejected_rows_path, ImportPreview, ImportState, ImportStatus, RowOutcome, Uploaded, PROBLEMS_SHOWN, TEMPLATE_PATH};

/// How often the progress bar asks where the import stands.
const POLL_MS: u64 = 1000;

#[component]
pub fn ImportUsersPage() -> impl IntoView {
    // The import under way (or just ended): shown instead of the form, and polled.
    let status = RwSignal::new(None::<ImportStatus>);
    // Coming back to the page (browser only): an import still running is shown again; one that
    // has ended is summed up above the form.
    let last = RwSignal::new(None::<ImportStatus>);
    Effect::new(move || {
        leptos::task::spawn_local(async move {
            // After an await the page may be gone: `try_set` then does nothing.
            if let Ok(Some(latest)) = latest_import().await {
                if matches!(latest.state, ImportState::Queued | ImportState::Running) {
                    status.try_set(Some(latest));
                } else {
                    last.try_set(Some(latest));
                }
            }
        });
    });
    view! {
        <AddUsersPanel current="import" title=T::CreateUsersInBatch>
            {move || match status.get() {
                Some(current) => view! { <ImportProgress current status /> }.into_any(),
                None => view! {
                    {move || last.get().map(|ended| view! { <LastImport ended /> })}
                    <ImportForm status />
                }.into_any(),
            }}
        </AddUsersPanel>
    }
}

/// The template, the choices for the whole file, the file, its preview and IMPORT.
#[component]
fn ImportForm(status: RwSignal<Option<ImportStatus>>) -> impl IntoView {
    let lang = use_lang();
    let mode = RwSignal::new(Mode::Invite);
    let groups = RwSignal::new(Vec::<ChosenGroup>::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let language = RwSignal::new(None::<Lang>);
    let add_existing = RwSignal::new(false);
    let offered = Memo::new(move |_| groups.with(|g| common_roles(g)));
    Effect::new(move || {
        let offered = offered.get();
        roles.update(|r| r.retain(|role| offered.contains(role)));
    });
    let defaults = move || Defaults { groups: groups.with(|g| g.iter().map(|g| g.id).collect()), roles: roles.get(), language: language.get() };

    let file_input = NodeRef::<leptos::html::Input>::new();
    let uploaded = RwSignal::new(None::<Uploaded>);
    let uploading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let preview = RwSignal::new(None::<ImportPreview>);
    let checking = RwSignal::new(false);
    let starting = RwSignal::new(false);

    // The preview follows the file and every choice: nothing is written until IMPORT. Only the
    // answer to the latest choice is shown, whatever order the answers come back in.
    let asked = StoredValue::new(0u64);
    Effect::new(move || {
        let (Some(file), mode, defaults) = (uploaded.get(), mode.get(), defaults()) else { return };
        checking.set(true);
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        leptos::task::spawn_local(async move {
            let answer = preview_import(file.job, mode, defaults).await;
            if asked.try_get_value() != Some(this) {
                return;
            }
            match answer {
                Ok(checked) => {
                    error.try_set(None);
                    preview.try_set(Some(checked));
                }
                Err(failed) => {
                    preview.try_set(None);
                    error.try_set(Some(failed));
                }
            }
            checking.try_set(false);
        });
    });
    let upload = move |_| {
        let Some(file) = file_input.get().and_then(|input| input.files()).and_then(|files| files.get(0)) else { return };
        let Ok(form) = web_sys::FormData::new() else { return };
        if form.append_with_blob_and_filename(FILE_FIELD, &file, &file.name()).is_err() {
            return;
        }
        uploading.set(true);
        preview.set(None);
        leptos::task::spawn_local(async move {
            match upload_import_file(form.into()).await {
                Ok(done) => {
                    error.try_set(None);
                    uploaded.try_set(Some(done));
                }
                Err(failed) => {
                    uploaded.try_set(None);
                    error.try_set(Some(failed));
                }
            }
            uploading.try_set(false);
        });
    };
    let import = move |_| {
        let Some(file) = uploaded.get_untracked() else { return };
        starting.set(true);
        let (mode, defaults, add_existing) = (mode.get_untracked(), defaults(), add_existing.get_untracked());
        leptos::task::spawn_local(async move {
            let started = match start_import(file.job, mode, defaults, add_existing).await {
                Ok(()) => import_progress(file.job).await,
                Err(failed) => Err(failed),
            };
            match started {
                Ok(current) => {
                    status.try_set(Some(current));
                }
                Err(failed) => {
                    error.try_set(Some(failed));
                }
            }
            starting.try_set(false);
        });
    };
    let error_signal = Signal::derive(move || error.get());
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });

    view! {
        <p>{T::ImportIntro.in_lang(lang)}</p>
        <p class="muted">{T::ImportLimits.in_lang(lang)}</p>
        <p><a class="button" href=TEMPLATE_PATH download="">{T::DownloadTemplate.in_lang(lang)}</a></p>
        <form class="form" novalidate on:submit=|ev| ev.prevent_default()>
            <fieldset class="field mode-choice">
                <legend>{T::ImportMode.in_lang(lang)}</legend>
                <label class="checkbox">
                    <input use:kept type="radio" name="mode" value="invite" prop:checked=move || mode.get() == Mode::Invite on:change=move |_| mode.set(Mode::Invite) />
                    {T::ModeInvite.in_lang(lang)}
                </label>
                <label class="checkbox">
                    <input use:kept type="radio" name="mode" value="set_up" prop:checked=move || mode.get() == Mode::SetUp on:change=move |_| mode.set(Mode::SetUp) />
                    {T::ModeSetUp.in_lang(lang)}
                </label>
            </fieldset>
            <p class="field-help">{T::ImportDefaults.in_lang(lang)}</p>
            <GroupChoice chosen=groups error=error_signal />
            {move || {
                let offered = offered.get();
                (!offered.is_empty()).then(|| view! { <RoleChoice roles=offered chosen=roles error=error_signal /> })
            }}
            <div class="field">
                <label for="import-language">{T::DefaultLanguage.in_lang(lang)}</label>
                <select use:kept id="import-language" on:change=move |ev| language.set(Lang::parse(&event_target_value(&ev)))>
                    <option value="" selected=move || language.get().is_none()>{T::PlatformLanguage.in_lang(lang)}</option>
                    <option value="en" selected=move || language.get() == Some(Lang::En)>"English"</option>
                    <option value="fr" selected=move || language.get() == Some(Lang::Fr)>"Français"</option>
                </select>
            </div>
            <div class="field">
                <label for="import-file">{T::CsvFile.in_lang(lang)}</label>
                <input use:kept id="import-file" type="file" accept=".csv,text/csv" node_ref=file_input aria-describedby="file-error" on:change=upload />
                <FieldMessage error=error_signal field="file" />
            </div>
            {move || (uploading.get() || checking.get()).then(|| view! { <p class="muted" role="status">{T::CheckingFile.in_lang(lang)}</p> })}
            {general}
            {move || preview.get().map(|checked| view! { <PreviewReport checked mode=mode.get() add_existing /> })}
            <div>
                <button type="button" class="button button-primary" on:click=import
                    disabled=move || preview.with(|p| p.as_ref().is_none_or(|p| importable(p) == 0)) || starting.get() || checking.get()>
                    {T::ImportButton.in_lang(lang)}
                </button>
            </div>
        </form>
    }
}

/// How many rows an import would write.
fn importable(preview: &ImportPreview) -> u64 {
    preview.counts.iter().filter(|(o, _)| matches!(o, RowOutcome::New | RowOutcome::AlreadyInvited | RowOutcome::ActiveAccount)).map(|(_, n)| n).sum()
}

/// What a count of rows of this outcome means, in this mode.
fn outcome_label(outcome: RowOutcome, mode: Mode, done: bool) -> T {
    match (outcome, mode, done) {
        (RowOutcome::New, Mode::Invite, false) => T::WillBeInvited,
        (RowOutcome::New, Mode::Invite, true) => T::WereInvited,
        (RowOutcome::New, Mode::SetUp, false) => T::WillBeSetUp,
        (RowOutcome::New, Mode::SetUp, true) => T::WereSetUp,
        (RowOutcome::AlreadyInvited, Mode::Invite, _) => T::RowsAlreadyInvited,
        (RowOutcome::AlreadyInvited, Mode::SetUp, _) => T::RowsPendingInvitation,
        (RowOutcome::ActiveAccount, _, _) => T::RowsActiveAccount,
        (RowOutcome::Repeated, _, _) => T::RowsRepeated,
        (RowOutcome::Invalid, _, _) => T::RowsInvalid,
    }
}

#[component]
fn Counts(counts: Vec<(RowOutcome, u64)>, mode: Mode, done: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <dl class="counts">
            {counts.into_iter().map(|(outcome, n)| view! {
                <div class=format!("count count-{outcome:?}").to_lowercase()>
                    <dt>{outcome_label(outcome, mode, done).in_lang(lang)}</dt>
                    <dd>{n}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn PreviewReport(checked: ImportPreview, mode: Mode, add_existing: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let active = checked.counts.iter().any(|(o, _)| *o == RowOutcome::ActiveAccount);
    let unknown = (!checked.unknown_columns.is_empty()).then(|| {
        let names = checked.unknown_columns.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join(", ");
        view! { <p class="notice">{Msg::UnknownColumns { names }.render(lang)}</p> }
    });
    let more = (checked.problems.len() >= PROBLEMS_SHOWN).then(|| view! { <p class="muted">{T::MoreProblems.in_lang(lang)}</p> });
    let problems = (!checked.problems.is_empty()).then(|| view! {
        <h3>{T::ProblemsTitle.in_lang(lang)}</h3>
        <DataTable class="table-wrapping problems" headers=&[T::Line, T::Column, T::Problem]>
            {checked.problems.iter().map(|p| view! { <tr><td data-label=T::Line.in_lang(lang)>{p.line}</td><td data-label=T::Column.in_lang(lang)>{p.column.clone()}</td><td data-label=T::Problem.in_lang(lang)>{p.msg.render(lang)}</td></tr> }).collect_view()}
        </DataTable>
        {more}
    });
    view! {
        <section class="card preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{Msg::RowsInFile { rows: checked.rows }.render(lang)}</h2>
            <Counts counts=checked.counts.clone() mode done=false />
            {unknown}
            {active.then(|| view! {
                <label class="checkbox">
                    <input use:kept type="checkbox" prop:checked=add_existing on:change=move |ev| add_existing.set(event_target_checked(&ev)) />
                    {T::AddExistingAccounts.in_lang(lang)}
                </label>
            })}
            {problems}
        </section>
    }
}

/// The rows an ended import did not import, if any (the rejected-rows file holds them).
fn rejected_count(status: &ImportStatus) -> u64 {
    status.counts.iter().filter(|(o, _)| matches!(o, RowOutcome::Repeated | RowOutcome::Invalid) || (status.mode == Mode::SetUp && *o == RowOutcome::AlreadyInvited)).map(|(_, n)| n).sum()
}

/// The person's last import, ended, summed up above the form when they come back.
#[component]
fn LastImport(ended: ImportStatus) -> impl IntoView {
    let lang = use_lang();
    let heading = if ended.state == ImportState::Failed { T::ImportFailed } else { T::LastImport };
    view! {
        <section class="card last-import" aria-labelledby="last-import-title">
            <h2 id="last-import-title">{heading.in_lang(lang)}</h2>
            <p class="muted">{ended.file_name.clone()}" · "{Msg::RowsDone { done: ended.done, total: ended.total }.render(lang)}</p>
            <Counts counts=ended.counts.clone() mode=ended.mode done=true />
            {(rejected_count(&ended) > 0).then(|| view! { <a class="button" href=rejected_rows_path(ended.job) download="">{T::DownloadRejected.in_lang(lang)}</a> })}
        </section>
    }
}

/// The progress bar while the import runs (polled), then its results.
#[component]
fn ImportProgress(current: ImportStatus, status: RwSignal<Option<ImportStatus>>) -> impl IntoView {
    let lang = use_lang();
    let running = matches!(current.state, ImportState::Queued | ImportState::Running);
    if running {
        let job = current.job;
        set_timeout(
            move || {
                leptos::task::spawn_local(async move {
                    if let Ok(next) = import_progress(job).await {
                        // Only while this import is still the one shown (and the page is).
                        if status.try_with_untracked(|s| s.as_ref().is_some_and(|s| s.job == job)) == Some(true) {
                            status.try_set(Some(next));
                        }
                    }
                });
            },
            std::time::Duration::from_millis(POLL_MS),
        );
    }
    let rejected = rejected_count(&current);
    let heading = match current.state {
        ImportState::Uploaded | ImportState::Queued => T::ImportQueued,
        ImportState::Running => T::ImportRunning,
        ImportState::Done => T::ImportDone,
        ImportState::Failed => T::ImportFailed,
    };
    let pace = match (current.state, current.seconds_left) {
        (ImportState::Running, Some(seconds)) => Some(Msg::ImportPace { per_second: current.per_second, seconds }.render(lang)),
        _ => None,
    };
    let where_to = if current.mode == Mode::Invite { ("/invitations", T::SeeInvitations) } else { ("/dashboard/users", T::SeeUsers) };
    view! {
        <section class="card import-status" aria-labelledby="import-title">
            <h2 id="import-title">{heading.in_lang(lang)}</h2>
            <p class="muted">{current.file_name.clone()}</p>
            <progress max=current.total.max(1) value=current.done aria-labelledby="import-title"></progress>
            <p role="status">{Msg::RowsDone { done: current.done, total: current.total }.render(lang)}{pace.map(|p| format!(" · {p}"))}</p>
            <Counts counts=current.counts.clone() mode=current.mode done=!running />
            {(current.accounts_added > 0).then(|| view! { <p>{Msg::AccountsAdded { count: current.accounts_added }.render(lang)}</p> })}
            {(!running).then(|| view! {
                <div class="actions">
                    {(rejected > 0).then(|| view! { <a class="button" href=rejected_rows_path(current.job) download="">{T::DownloadRejected.in_lang(lang)}</a> })}
                    <a class="button" href=where_to.0>{where_to.1.in_lang(lang)}</a>
                    <button type="button" class="button" on:click=move |_| status.set(None)>{T::ImportAnother.in_lang(lang)}</button>
                </div>
            })}
        </section>
    }
}
