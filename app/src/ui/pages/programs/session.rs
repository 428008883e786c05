//! A program session: its group, dates, instructors, the groups it is assigned to (R31) and its
//! enrolled learners (R30).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::ui::kept::kept;
use crate::api::invitations::InviteFromSession;
use crate::api::programs::{get_session, AddInstructor, AddSessionLearner, AssignSessionGroup};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{date_range, T};
use crate::ui::components::{invalid, successes, Card, ErrorNotice, FieldMessage, Loaded, TextField};
use crate::ui::invite_results::InviteResults;
use crate::ui::use_lang;
use crate::ui::user_details::UserDetailsFields;
use crate::wire::details::UserDetails;
use crate::wire::programs::{PersonRow, SessionView};

#[component]
pub fn SessionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let add_instructor = ServerAction::<AddInstructor>::new();
    let assign = ServerAction::<AssignSessionGroup>::new();
    let add_learner = ServerAction::<AddSessionLearner>::new();
    // Outside the refetched part: adding a learner reloads the session, and the panel stays open.
    let learners_open = RwSignal::new(false);
    let changed = (successes(add_instructor.value()), successes(assign.value()), successes(add_learner.value()));
    let session = Resource::new(move || (id(), changed.0.get(), changed.1.get(), changed.2.get()), |(id, _, _, _)| async move {
        match id {
            Some(id) => get_session(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Loaded resource=session ready=move |session| view! { <SessionDetails session add_instructor assign add_learner learners_open /> } />
    }
}

fn people(list: Vec<PersonRow>, empty: T) -> AnyView {
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="muted">{empty.in_lang(lang)}</p> }.into_any();
    }
    view! {
        <ul class="link-list">
            {list.into_iter().map(|p| view! { <li>{p.name}<span class="muted small">{p.login}</span></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn SessionDetails(session: SessionView, add_instructor: ServerAction<AddInstructor>, assign: ServerAction<AssignSessionGroup>, add_learner: ServerAction<AddSessionLearner>, learners_open: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let instructor_error = Signal::derive(move || add_instructor.value().get().and_then(Result::err));
    let assign_error = Signal::derive(move || assign.value().get().and_then(Result::err));
    let id = session.id;
    let manage_instructors = session.may_manage.then(|| view! {
        <ActionForm action=add_instructor attr:class="form inline-form">
            <input type="hidden" name="session" value=id />
            <TextField id="instructor-login" name="login" field="login" label=T::EmailOrUsername error=instructor_error
                button=view! { <button type="submit" class="button" disabled=move || add_instructor.pending().get()>{T::AddInstructor.in_lang(lang)}</button> }.into_any() />
            {move || instructor_error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
        </ActionForm>
    });
    let assign_form = session.may_manage.then(|| view! {
        <ActionForm action=assign attr:class="form inline-form">
            <input type="hidden" name="session" value=id />
            <div class="field">
                <label for="assign-group">{T::AssignToGroup.in_lang(lang)}</label>
                <div class="input-row">
                    <select id="assign-group" name="group">
                        {session.assignable_groups.clone().into_iter().map(|(id, path)| view! { <option value=id>{path}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button" disabled=move || assign.pending().get()>{T::AssignToGroup.in_lang(lang)}</button>
                </div>
            </div>
            {move || assign_error.get().map(|error| view! { <ErrorNotice error /> })}
        </ActionForm>
    });
    let assigned = if session.assigned_groups.is_empty() {
        view! { <p class="muted">{T::NoAssignedGroups.in_lang(lang)}</p> }.into_any()
    } else {
        view! {
            <ul class="link-list">
                {session.assigned_groups.clone().into_iter().map(|(id, name)| view! { <li><A href=format!("/groups/{id}")>{name}</A></li> }).collect_view()}
            </ul>
        }.into_any()
    };
    let learners = session.learners.clone().map(|list| people(list, T::NoLearners));
    view! {
        <Title text=session.name.clone() />
        <nav class="breadcrumb" aria-label=T::Breadcrumb.in_lang(lang)>
            <ol><li><A href="/programs">{T::Programs.in_lang(lang)}</A></li><li>{session.program_name.clone()}</li></ol>
        </nav>
        <header class="page-header">
            <h1>{session.name.clone()}</h1>
        </header>
        <dl class="facts">
            <dt>{T::Program.in_lang(lang)}</dt><dd>{session.program_name.clone()}</dd>
            <dt>{T::SessionGroup.in_lang(lang)}</dt><dd><A href=format!("/groups/{}", session.group.0)>{session.group.1.clone()}</A></dd>
            <dt>{T::Dates.in_lang(lang)}</dt><dd>{date_range(session.starts_on.as_deref(), session.ends_on.as_deref())}</dd>
        </dl>
        <section class="card" aria-labelledby="learners-title">
            <h2 id="learners-title">{T::Learners.in_lang(lang)}" · "{session.learner_count}</h2>
            {learners}
            {session.may_invite.then(|| view! { <SessionInvite session=id group=session.group.0 add_learner open=learners_open /> })}
        </section>
        <Card id="instructors" title=T::Instructors.in_lang(lang)>
            {people(session.instructors.clone(), T::NoInstructors)}
            {manage_instructors}
        </Card>
        <Card id="assigned" title=T::AssignedGroups.in_lang(lang)>
            <p class="muted">{T::AssignedGroupsExplained.in_lang(lang)}</p>
            {assigned}
            {assign_form}
        </Card>
    }
}

/// Learners + (R4, R30): invite by email from the session, or pick an existing user.
#[component]
fn SessionInvite(session: i64, group: i64, add_learner: ServerAction<AddSessionLearner>, open: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let invite = ServerAction::<InviteFromSession>::new();
    let emails = RwSignal::new(String::new());
    let details = RwSignal::new(UserDetails::default());
    let error = Signal::derive(move || invite.value().get().and_then(Result::err));
    let emails_invalid = invalid(error, "emails");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invite.dispatch(InviteFromSession { session, emails: emails.get_untracked(), details: details.get_untracked() });
    };
    view! {
        <button type="button" class="button" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {T::LearnersPlus.in_lang(lang)}
        </button>
        <Show when=move || open.get()>
            <form class="form inline-form" on:submit=submit novalidate>
                <h3>{T::InviteLearners.in_lang(lang)}</h3>
                <p class="muted">{T::SessionInviteExplained.in_lang(lang)}</p>
                <div class="field">
                    <label for="session-emails">{T::Emails.in_lang(lang)}</label>
                    <textarea use:kept id="session-emails" rows="3" aria-describedby="emails-error" aria-invalid=emails_invalid.clone()
                        prop:value=emails on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
                    <FieldMessage error field="emails" />
                </div>
                <UserDetailsFields details error session=session />
                {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
                <div>
                    <button type="submit" class="button button-primary" disabled=move || invite.pending().get()>{T::InviteButton.in_lang(lang)}</button>
                </div>
            </form>
            {move || invite.value().get().and_then(Result::ok).map(|outcomes| view! {
                <InviteResults outcomes group_id=group roles=vec![Role::Learner] />
            })}
            <PickLearner session add_learner />
        </Show>
    }
}

/// R30's "or pick existing users": by email or username.
#[component]
fn PickLearner(session: i64, add_learner: ServerAction<AddSessionLearner>) -> impl IntoView {
    let lang = use_lang();
    let login = RwSignal::new(String::new());
    let error = Signal::derive(move || add_learner.value().get().and_then(Result::err));
    view! {
        <form class="form inline-form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            add_learner.dispatch(AddSessionLearner { session, login: login.get_untracked() });
        }>
            <h3>{T::PickExistingUser.in_lang(lang)}</h3>
            <TextField id="session-learner" field="login" label=T::EmailOrUsername value=login error
                button=view! { <button type="submit" class="button" disabled=move || add_learner.pending().get()>{T::AddToSession.in_lang(lang)}</button> }.into_any() />
            {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
            {move || matches!(add_learner.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{T::LearnerAdded.in_lang(lang)}</p> })}
        </form>
    }
}
