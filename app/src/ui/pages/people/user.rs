//! A user's page (Dashboard > USERS, then a name): who they are, their memberships (direct or
//! propagated, R11), their session enrollments, and every email sent to them with its delivery
//! status (R41), failed ones with Resend. Those who may (R54) change the user's language,
//! deletion date, labels and values here, and set the password of a user without email (R40).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::users::{get_user, ResendEmail, SendNewCredentials, SetUserActive, SetUserDetails, SetUserPassword};
use crate::domain::account::UserStatus;
use crate::i18n::{Msg, T};
use crate::ui::components::{successes, Card, DataTable, ErrorNotice, Loaded, NewPasswordField, TimesIn};
use crate::ui::use_lang;
use crate::ui::user_details::UserDetailsFields;
use crate::wire::details::UserDetails;
use crate::wire::users::UserProfile;

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or_default());
    let resend = ServerAction::<ResendEmail>::new();
    let save = ServerAction::<SetUserDetails>::new();
    let saved = successes(save.value());
    let activate = ServerAction::<SetUserActive>::new();
    let user = Resource::new(move || (id(), resend.version().get(), saved.get(), activate.version().get()), |(id, _, _, _)| get_user(id));
    view! {
        <Loaded resource=user ready=move |user| view! { <UserView user resend save activate /> } />
    }
}

#[component]
fn UserView(user: UserProfile, resend: ServerAction<ResendEmail>, save: ServerAction<SetUserDetails>, activate: ServerAction<SetUserActive>) -> impl IntoView {
    let lang = use_lang();
    let name = format!("{} {}", user.first_name, user.last_name);
    let status = match user.status {
        UserStatus::Active => T::StatusActive,
        UserStatus::FirstLoginPending => T::StatusFirstLoginPending,
        UserStatus::Deactivated => T::StatusDeactivated,
    };
    let date_locked = !user.may_manage_access;
    let change_details = user.may_manage.then(|| view! { <ChangeDetails user_id=user.id details=user.details.clone() save date_locked /> });
    let deactivated = user.status == UserStatus::Deactivated;
    let password = (user.may_manage_access && !deactivated).then(|| match user.has_email {
        true => view! { <NewCredentials user_id=user.id /> }.into_any(),
        false => view! { <SetPassword user_id=user.id /> }.into_any(),
    });
    let access = user.may_manage_access.then(|| view! { <AccountAccess user_id=user.id deactivated activate /> });
    view! {
        <Title text=name.clone() />
        <header class="page-header">
            <h1>{name}</h1>
            <span class="status" class:status-active=user.status == UserStatus::Active>{status.in_lang(lang)}</span>
        </header>
        <dl class="facts">
            <dt>{if user.has_email { T::Email } else { T::Username }.in_lang(lang)}</dt>
            <dd>{user.login.clone()}</dd>
            <dt>{T::CreatedOn.in_lang(lang)}</dt>
            <dd>{user.created_on.clone()}</dd>
            <dt>{T::ActivatedOn.in_lang(lang)}</dt>
            <dd>{user.activated_on.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{T::DefaultLanguage.in_lang(lang)}</dt>
            <dd>{user.details.language.map(|l| if l == crate::i18n::Lang::Fr { "Français" } else { "English" }).unwrap_or(T::PlatformLanguage.in_lang(lang))}</dd>
            <dt>{T::DeletionDate.in_lang(lang)}</dt>
            <dd>{user.details.deletion_date.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{T::Labels.in_lang(lang)}</dt>
            <dd>{if user.labels.is_empty() { "—".to_string() } else { user.labels.join(", ") }}</dd>
            {user.values.into_iter().map(|(field, value)| view! { <dt>{field}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
        <Card id="memberships" title=T::GroupsAndRoles.in_lang(lang)>
            {if user.memberships.is_empty() {
                view! { <p class="muted">{T::NoMemberships.in_lang(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {user.memberships.into_iter().map(|m| view! {
                            <li class="inline-facts">
                                // The spaces between the items keep the text readable as one line.
                                <a href=format!("/groups/{}", m.group_id)>{m.group}</a>" "
                                <span>{format!("· {}", m.role.label().in_lang(lang))}</span>" "
                                <span class="muted small">{match m.from {
                                    Some(from) => format!("({} {from})", T::PropagatedFrom.in_lang(lang)),
                                    None => format!("({})", T::Direct.in_lang(lang)),
                                }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Card>
        <Card id="enrollments" title=T::Enrollments.in_lang(lang)>
            {if user.enrollments.is_empty() {
                view! { <p class="muted">{T::NoEnrollments.in_lang(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {user.enrollments.into_iter().map(|(id, session, program)| view! {
                            <li class="inline-facts"><a href=format!("/sessions/{id}")>{session}</a>" "<span class="muted">{format!("· {program}")}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Card>
        <Card id="emails" title=T::EmailsSent.in_lang(lang)>
            {move || resend.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            {(user.emails_held && user.has_email).then(|| view! { <p class="notice" role="note">{T::EmailsHeld.in_lang(lang)}</p> })}
            {if user.emails.is_empty() {
                view! { <p class="muted">{if user.has_email { T::NoEmails } else { T::NeverEmailed }.in_lang(lang)}</p> }.into_any()
            } else {
                view! {
                    <DataTable class="table-wrapping" headers=&[T::Subject, T::Queued, T::Delivery, T::Actions] unseen=&[T::Actions]>
                        {user.emails.into_iter().map(|email| {
                            let id = email.id;
                            let is_failed = email.status == "failed";
                            let resendable = email.resendable;
                            view! {
                                <tr>
                                    <td data-label=T::Subject.in_lang(lang)>{email.subject}</td>
                                    <td data-label=T::Queued.in_lang(lang)>{email.queued_at}</td>
                                    <td data-label=T::Delivery.in_lang(lang)>
                                        <span class="status" class:status-active=email.status == "sent" class:status-expired=is_failed>
                                            {Msg::Delivery { status: email.status.clone(), attempts: email.attempts }.render(lang)}
                                        </span>
                                        {email.sent_at.map(|at| view! { " " <span class="muted small">{at}</span> })}
                                        {email.error.map(|e| view! { <p class="muted small">{e}</p> })}
                                    </td>
                                    <td data-label=T::Actions.in_lang(lang)>
                                        {resendable.then(|| view! {
                                            <button type="button" class="button" disabled=move || resend.pending().get()
                                                on:click=move |_| { resend.dispatch(ResendEmail { id }); }>{T::ResendEmail.in_lang(lang)}</button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                    <TimesIn zone=user.time_zone.clone() />
                }.into_any()
            }}
            {user.has_email.then(|| view! {
                <details class="help-details">
                    <summary>{T::NotReceived.in_lang(lang)}</summary>
                    <ul>
                        <li>{T::NotReceivedSpam.in_lang(lang)}</li>
                        <li>{T::NotReceivedAddress.in_lang(lang)}</li>
                        <li>{T::NotReceivedStatus.in_lang(lang)}</li>
                        <li>{T::NotReceivedResend.in_lang(lang)}</li>
                    </ul>
                </details>
            })}
        </Card>
        {(!user.may_manage).then(|| view! { <p class="muted">{T::NotYoursToManage.in_lang(lang)}</p> })}
        {change_details}
        {password}
        {access}
    }
}

/// R93: deactivate the account (asked to confirm), or reactivate it.
#[component]
fn AccountAccess(user_id: i64, deactivated: bool, activate: ServerAction<SetUserActive>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Card id="account" title=T::AccountAccessTitle.in_lang(lang)>
            <p class="muted">{if deactivated { T::ReactivateExplained } else { T::DeactivateExplained }.in_lang(lang)}</p>
            {move || activate.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            <button type="button" class="button" class:button-danger-text=!deactivated disabled=move || activate.pending().get()
                on:click=move |_| {
                    if deactivated || window().confirm_with_message(T::ConfirmDeactivate.in_lang(lang)).unwrap_or(false) {
                        activate.dispatch(SetUserActive { user: user_id, active: deactivated });
                    }
                }>
                {if deactivated { T::ReactivateAccount } else { T::DeactivateAccount }.in_lang(lang)}
            </button>
        </Card>
    }
}

/// The user's language, deletion date (R42), labels and values (R43), as the add-user panels
/// take them; SAVE replaces all four.
#[component]
fn ChangeDetails(user_id: i64, details: UserDetails, save: ServerAction<SetUserDetails>, date_locked: bool) -> impl IntoView {
    let lang = use_lang();
    let details = RwSignal::new(details);
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <Card id="details" title=T::ChangeDetailsTitle.in_lang(lang)>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SetUserDetails { user: user_id, details: details.get_untracked() });
            }>
                <UserDetailsFields details error date_locked />
                {general}
                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{T::DetailsSaved.in_lang(lang)}</p> })}
                <div><button type="submit" class="button button-primary" disabled=move || save.pending().get()>{T::SaveDetails.in_lang(lang)}</button></div>
            </form>
        </Card>
    }
}

/// R40: the administrator sets (or resets) the password of a user without email.
#[component]
fn SetPassword(user_id: i64) -> impl IntoView {
    let lang = use_lang();
    let set = ServerAction::<SetUserPassword>::new();
    let password = RwSignal::new(String::new());
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <Card id="set-password" title=T::SetPasswordTitle.in_lang(lang)>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                set.dispatch(SetUserPassword { user: user_id, password: password.get_untracked() });
            }>
                <NewPasswordField value=password error field="password" />
                {general}
                {move || matches!(set.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{T::PasswordSet.in_lang(lang)}</p> })}
                <div><button type="submit" class="button button-primary" disabled=move || set.pending().get()>{T::SetPassword.in_lang(lang)}</button></div>
            </form>
        </Card>
    }
}

/// R58: new one-time credentials by email, for a user who lost theirs or never got the first.
#[component]
fn NewCredentials(user_id: i64) -> impl IntoView {
    let lang = use_lang();
    let send = ServerAction::<SendNewCredentials>::new();
    view! {
        <Card id="credentials" title=T::SetPasswordTitle.in_lang(lang)>
            <p class="muted">{T::NewCredentialsExplained.in_lang(lang)}</p>
            {move || match send.value().get() {
                Some(Ok(())) => Some(view! { <p class="notice" role="status">{T::NewCredentialsSent.in_lang(lang)}</p> }.into_any()),
                Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
                None => None,
            }}
            <button type="button" class="button" disabled=move || send.pending().get() on:click=move |_| { send.dispatch(SendNewCredentials { user: user_id }); }>
                {T::SendNewCredentials.in_lang(lang)}
            </button>
        </Card>
    }
}
