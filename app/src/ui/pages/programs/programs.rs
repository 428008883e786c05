//! Programs and their sessions: the list, and the forms to create them (R53).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::programs::{list_programs, CreateProgram, CreateSession};
use crate::error::AppError;
use crate::i18n::{date_range, T};
use crate::ui::components::{successes, Card, ErrorNotice, Loaded, TextField};
use crate::ui::use_lang;
use crate::wire::programs::{ProgramList, ProgramRow};

#[component]
pub fn ProgramsPage() -> impl IntoView {
    let lang = use_lang();
    let create_program = ServerAction::<CreateProgram>::new();
    let create_session = ServerAction::<CreateSession>::new();
    let (programs_made, sessions_made) = (successes(create_program.value()), successes(create_session.value()));
    let data = Resource::new(move || (programs_made.get(), sessions_made.get()), |_| list_programs());
    // Which program's new-session form was sent last (kept here: the list below is rebuilt).
    let sent_for = RwSignal::new(None);
    view! {
        <Title text=T::Programs.in_lang(lang) />
        <header class="page-header"><h1>{T::Programs.in_lang(lang)}</h1></header>
        <Loaded resource=data ready=move |data| view! { <ProgramList data create_program create_session sent_for /> } />
    }
}

#[component]
fn ProgramList(
    data: ProgramList,
    create_program: ServerAction<CreateProgram>,
    create_session: ServerAction<CreateSession>,
    sent_for: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let program_error = Signal::derive(move || create_program.value().get().and_then(Result::err));
    let programs = if data.programs.is_empty() {
        view! { <p class="notice">{T::NoPrograms.in_lang(lang)}</p> }.into_any()
    } else {
        data.programs
            .into_iter()
            .map(|program| view! { <ProgramCard program may_create=data.may_create groups=data.session_groups.clone() create_session sent_for /> })
            .collect_view()
            .into_any()
    };
    let new_program = data.may_create.then(|| view! {
        <Card id="new-program" title=T::NewProgram.in_lang(lang)>
            <ActionForm action=create_program attr:class="form">
                <TextField id="program-name" name="name" field="name" label=T::ProgramName maxlength=120 error=program_error
                    button=view! { <button type="submit" class="button button-primary" disabled=move || create_program.pending().get()>{T::CreateProgram.in_lang(lang)}</button> }.into_any() />
            </ActionForm>
        </Card>
    });
    view! { {programs} {new_program} }
}

#[component]
fn ProgramCard(
    program: ProgramRow,
    may_create: bool,
    groups: Vec<(i64, String)>,
    create_session: ServerAction<CreateSession>,
    /// The program whose new-session form was sent last: its messages show there only.
    sent_for: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let title_id = format!("program-{}", program.id);
    let labelled_by = title_id.clone();
    // Errors of the new-session form belong to the program it was sent for.
    let program_id = program.id;
    let error = Signal::derive(move || if sent_for.get() == Some(program_id) { create_session.value().get().and_then(Result::err) } else { None });
    let field = move |name: &'static str| format!("{name}-{program_id}");
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=title_id>{program.name.clone()}</h2>
            {if program.sessions.is_empty() {
                view! { <p class="muted">{T::NoSessions.in_lang(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {program.sessions.into_iter().map(|s| view! {
                            <li>
                                <A href=format!("/sessions/{}", s.id)>{s.name}</A>
                                <span class="muted small">{s.group_name}</span>
                                <span class="muted small">{date_range(s.starts_on.as_deref(), s.ends_on.as_deref())}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {may_create.then(|| view! {
                <ActionForm action=create_session attr:class="form inline-form">
                    <h3>{T::NewSession.in_lang(lang)}</h3>
                    <input type="hidden" name="program" value=program_id />
                    <TextField id=field("session-name") name="name" field="name" label=T::SessionName maxlength=120 error />
                    <div class="field">
                        <label for=field("session-group")>{T::SessionGroup.in_lang(lang)}</label>
                        <select id=field("session-group") name="group">
                            {groups.into_iter().map(|(id, path)| view! { <option value=id>{path}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="input-row">
                        <TextField id=field("starts-on") name="starts_on" field="starts_on" kind="date" label=T::StartsOn error />
                        <TextField id=field("ends-on") name="ends_on" field="ends_on" kind="date" label=T::EndsOn error />
                    </div>
                    {move || error.get().filter(|e: &AppError| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
                    <div>
                        <button type="submit" class="button button-primary" disabled=move || create_session.pending().get()
                            on:click=move |_| sent_for.set(Some(program_id))>{T::CreateSession.in_lang(lang)}</button>
                    </div>
                </ActionForm>
            })}
        </section>
    }
}
