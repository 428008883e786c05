//! What an INVITE did, one line per address (R21), with "Add to this group instead" for an
//! address that already has an active account: shown by + > User and by a session's Learners +.

use leptos::prelude::*;

use crate::api::groups::AddMember;
use crate::domain::invitation::InviteResult;
use crate::domain::role::Role;
use crate::i18n::T;
use crate::ui::components::{Card, ErrorNotice};
use crate::ui::use_lang;
use crate::wire::invitations::InviteOutcome;

/// One line per address of the list, as the server answered it.
#[component]
pub fn InviteResults(outcomes: Vec<InviteOutcome>, group_id: i64, roles: Vec<Role>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Card id="results" title=T::InviteResults.in_lang(lang) class="results">
            <ul class="result-list">
                {outcomes.into_iter().map(|outcome| {
                    let (class, text) = match &outcome.result {
                        InviteResult::Invited => ("ok", T::OutcomeInvited),
                        InviteResult::AlreadyInvited => ("ok", T::OutcomeAlreadyInvited),
                        InviteResult::ActiveAccount { .. } => ("warn", T::OutcomeActiveAccount),
                        InviteResult::Invalid => ("bad", T::OutcomeInvalid),
                        InviteResult::Repeated => ("warn", T::OutcomeRepeated),
                    };
                    let offer = match outcome.result {
                        InviteResult::ActiveAccount { may_add_here: true, .. } => Some(view! { <AddInstead login=outcome.address.clone() group_id roles=roles.clone() /> }),
                        _ => None,
                    };
                    view! {
                        <li class=format!("result result-{class}")>
                            <span class="result-address">{outcome.address}</span>
                            <span>{text.in_lang(lang)}</span>
                            {offer}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Card>
    }
}

/// R21: for an address that already has an active account, add that user to the group instead.
#[component]
fn AddInstead(login: String, group_id: i64, roles: Vec<Role>) -> impl IntoView {
    let lang = use_lang();
    let add = ServerAction::<AddMember>::new();
    view! {
        {move || match add.value().get() {
            Some(Ok(())) => view! { <span class="result-done">{T::AddedToGroup.in_lang(lang)}</span> }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
            None => {
                let (login, roles) = (login.clone(), roles.clone());
                view! {
                    <button type="button" class="button" disabled=move || add.pending().get()
                        on:click=move |_| { add.dispatch(AddMember { group: group_id, login: login.clone(), roles: roles.clone() }); }>
                        {T::AddToThisGroupInstead.in_lang(lang)}
                    </button>
                }.into_any()
            }
        }}
    }
}
