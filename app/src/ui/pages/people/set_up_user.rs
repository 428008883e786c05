//! + > User, Add users > Set up a user (R25–R28, R40): First name, Last name, Email (or a
//! username for a user without email), Password or "Send this new user credentials by email",
//! Group(s) through the group-selection modal, Role(s), default language, deletion date, labels,
//! custom-field values, and SET UP USER. Opened from a group page, that group is chosen already.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::ui::kept::kept;
use crate::ui::navigation::{encode_query_value, AddUsersPanel};

use crate::api::directory::get_group;
use crate::api::users::SetUpUser;
use crate::domain::password;
use crate::domain::role::Role;
use crate::i18n::{Msg, T};
use crate::ui::components::{ErrorNotice, FieldMessage, RoleChoice, TextField};
use crate::ui::group_picker::{common_roles, ChosenGroup, GroupChoice};
use crate::ui::use_lang;
use crate::ui::user_details::UserDetailsFields;
use crate::wire::details::UserDetails;
use crate::wire::users::{NewUser, SetUpDone};

#[component]
pub fn SetUpUserPage() -> impl IntoView {
    let query = use_query_map();
    let group_param = query.with_untracked(|q| q.get("group"));
    let group_id = group_param.as_deref().and_then(|g| g.parse::<i64>().ok());
    // Opened from a group page: that group is in the Group(s) section already.
    let preset = Resource::new(move || group_id, |id| async move {
        match id {
            Some(id) => get_group(Some(id), Default::default()).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <AddUsersPanel current="set-up" title=T::SetUpAUser>
            <Transition fallback=|| view! { <p class="muted">{T::Loading.in_lang(use_lang())}</p> }>
                {move || Suspend::new(async move {
                    match preset.await {
                        Ok(group) => {
                            let chosen = group.filter(|g| !g.grantable_roles.is_empty()).map(|g| ChosenGroup {
                                id: g.id,
                                path: g.ancestors.iter().map(|(_, n)| n.as_str()).chain([g.name.as_str()]).collect::<Vec<_>>().join(" › "),
                                name: g.name,
                                roles: g.grantable_roles,
                            });
                            view! { <SetUpForm preset=chosen /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </AddUsersPanel>
    }
}

#[component]
fn SetUpForm(preset: Option<ChosenGroup>) -> impl IntoView {
    let lang = use_lang();
    let set_up = ServerAction::<SetUpUser>::new();
    let (first_name, last_name, email, username, password) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (without_email, send_credentials) = (RwSignal::new(false), RwSignal::new(false));
    let details = RwSignal::new(UserDetails::default());
    let groups = RwSignal::new(preset.clone().into_iter().collect::<Vec<_>>());
    let roles = RwSignal::new(Vec::<Role>::new());
    let preset = StoredValue::new(preset);
    let offered = Memo::new(move |_| groups.with(|g| common_roles(g)));
    // Roles no longer offered by every chosen group leave the choice.
    Effect::new(move || {
        let offered = offered.get();
        roles.update(|r| r.retain(|role| offered.contains(role)));
    });
    let error = Signal::derive(move || set_up.value().get().and_then(Result::err));
    let done = move || set_up.value().get().and_then(Result::ok);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = NewUser {
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            email: email.get_untracked(),
            without_email: without_email.get_untracked(),
            username: username.get_untracked(),
            password: password.get_untracked(),
            send_credentials: send_credentials.get_untracked(),
            groups: groups.with_untracked(|g| g.iter().map(|g| g.id).collect()),
            roles: roles.get_untracked(),
            details: details.get_untracked(),
        };
        set_up.dispatch(SetUpUser { form });
    };
    let start_over = move |_| {
        for field in [first_name, last_name, email, username, password] {
            field.set(String::new());
        }
        without_email.set(false);
        send_credentials.set(false);
        details.set(UserDetails::default());
        groups.set(preset.get_value().into_iter().collect());
        roles.set(Vec::new());
        set_up.value().set(None);
    };
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    let pending_link = move || match error.get().and_then(|e| e.for_field("email").cloned()) {
        Some(Msg::PendingInvitation { email }) => Some(view! {
            <a href=format!("/invitations?search={}", encode_query_value(&email))>{T::SeeTheInvitation.in_lang(lang)}</a>
        }),
        _ => None,
    };
    view! {
        {move || match done() {
            Some(done) => view! { <SetUpResult done start_over /> }.into_any(),
            None => view! {
                <form class="form form-narrow" on:submit=submit novalidate>
                    <div class="field-pair">
                        <TextField id="first_name" label=T::FirstName value=first_name error />
                        <TextField id="last_name" label=T::LastName value=last_name error />
                    </div>
                    {move || if without_email.get() {
                        view! { <TextField id="username" label=T::Username value=username help=T::UsernameHelp.in_lang(lang).to_string() error /> }.into_any()
                    } else {
                        view! { <TextField id="email" kind="email" label=T::Email value=email error>{pending_link}</TextField> }.into_any()
                    }}
                    <label class="checkbox">
                        <input use:kept type="checkbox" prop:checked=without_email
                            on:change=move |ev| { let on = event_target_checked(&ev); without_email.set(on); if on { send_credentials.set(false); } } />
                        {T::NoEmailAddress.in_lang(lang)}
                    </label>
                    <TextField id="password" kind="password" label=T::Password autocomplete="new-password" value=password disabled=send_credentials error
                        help=Signal::derive(move || if send_credentials.get() { T::PasswordWillBeSent.in_lang(lang).to_string() } else { password::rules().render(lang) }) />
                    <GroupChoice chosen=groups error />
                    {move || {
                        let offered = offered.get();
                        if offered.is_empty() {
                            view! {
                                <fieldset class="field">
                                    <legend>{T::Roles.in_lang(lang)}</legend>
                                    <p class="field-help">{T::ChooseGroupsFirst.in_lang(lang)}</p>
                                    <FieldMessage error field="roles" />
                                </fieldset>
                            }.into_any()
                        } else {
                            view! { <RoleChoice roles=offered chosen=roles error /> }.into_any()
                        }
                    }}
                    <UserDetailsFields details error />
                    <div class="field">
                        <label class="checkbox">
                            <input use:kept type="checkbox" prop:checked=send_credentials disabled=without_email aria-describedby="send_credentials-error"
                                on:change=move |ev| send_credentials.set(event_target_checked(&ev)) />
                            {T::SendCredentials.in_lang(lang)}
                        </label>
                        <FieldMessage error field="send_credentials" />
                    </div>
                    {general}
                    <div>
                        <button type="submit" class="button button-primary" disabled=move || set_up.pending().get()>{T::SetUpUserButton.in_lang(lang)}</button>
                    </div>
                </form>
            }.into_any(),
        }}
    }
}

#[component]
fn SetUpResult(done: SetUpDone, start_over: impl Fn(leptos::ev::MouseEvent) + Copy + 'static) -> impl IntoView {
    let lang = use_lang();
    let how = if done.credentials_sent { T::CredentialsSentNote } else { T::PasswordGivenNote };
    view! {
        <section class="card results" aria-labelledby="results-title">
            <h2 id="results-title">{Msg::UserSetUp { name: done.name.clone() }.render(lang)}</h2>
            <p>{Msg::LogsInAs { login: done.login.clone() }.render(lang)}" "{how.in_lang(lang)}</p>
            <button type="button" class="button" on:click=start_over>{T::SetUpAnother.in_lang(lang)}</button>
        </section>
    }
}
