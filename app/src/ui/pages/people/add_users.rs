//! + > User: the add-users panel, for the group it was opened from (the platform group from the
//! homepage). Invite users (R20, R21): Emails, Role(s), INVITE, then one line per address. Its
//! left sidebar leads to Add users > Set up a user and to Invitations.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::ui::kept::kept;
use crate::api::directory::get_group;
use crate::api::invitations::InviteUsers;
use crate::domain::role::Role;
use crate::i18n::{Msg, T};
use crate::ui::components::{invalid, ErrorNotice, FieldMessage, Loaded, RoleChoice};
use crate::ui::group_picker::{ChosenGroup, GroupChoice};
use crate::ui::invite_results::InviteResults;
use crate::ui::navigation::AddUsersPanel;
use crate::ui::use_lang;
use crate::ui::user_details::UserDetailsFields;
use crate::wire::details::UserDetails;
use crate::wire::directory::GroupView;

#[component]
pub fn AddUsersPage() -> impl IntoView {
    let query = use_query_map();
    let group_id = move || query.with(|q| q.get("group").and_then(|g| g.parse::<i64>().ok()));
    let group = Resource::new(group_id, |id| get_group(id, Default::default()));
    view! {
        <AddUsersPanel current="invite" title=T::InviteUsers>
            // R2, R77: opened where one may not add users (a group admin on the homepage), the
            // panel asks where to add them.
            <Loaded resource=group ready={move |group: GroupView| if group.grantable_roles.is_empty() {
                view! { <ChooseWhere group /> }.into_any()
            } else {
                view! { <InviteForm group /> }.into_any()
            }} />
        </AddUsersPanel>
    }
}

/// Where one may not add users: the group-selection modal, open at once, for one group among
/// those one may add to; choosing it opens this panel there.
#[component]
fn ChooseWhere(group: GroupView) -> impl IntoView {
    let lang = use_lang();
    let chosen = RwSignal::new(Vec::<ChosenGroup>::new());
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(id) = chosen.with(|c| c.first().map(|g| g.id)) {
            navigate(&format!("/add-users?group={id}"), Default::default());
        }
    });
    view! {
        <p>{Msg::ChooseWhereToAdd { group: group.name }.render(lang)}</p>
        <GroupChoice chosen error=Signal::derive(|| None) single=true />
    }
}

#[component]
fn InviteForm(group: GroupView) -> impl IntoView {
    let lang = use_lang();
    let invite = ServerAction::<InviteUsers>::new();
    let emails = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Role>::new());
    let details = RwSignal::new(UserDetails::default());
    let error = Signal::derive(move || invite.value().get().and_then(Result::err));
    let group_id = group.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        invite.dispatch(InviteUsers { group: group_id, emails: emails.get_untracked(), roles: chosen.get_untracked(), details: details.get_untracked() });
    };
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    let emails_invalid = invalid(error, "emails");
    let results = move || {
        invite.value().get().and_then(Result::ok).map(|outcomes| view! { <InviteResults outcomes group_id roles=chosen.get_untracked() /> })
    };
    view! {
        <p class="muted">{T::AddingTo.in_lang(lang)}" "<strong>{group.name.clone()}</strong></p>
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="emails">{T::Emails.in_lang(lang)}</label>
                <textarea use:kept id="emails" name="emails" rows="4" aria-describedby="emails-help emails-error" aria-invalid=emails_invalid.clone()
                    prop:value=emails on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
                <p class="field-help" id="emails-help">{T::EmailsHelp.in_lang(lang)}</p>
                <FieldMessage error field="emails" />
            </div>
            <RoleChoice roles=group.grantable_roles.clone() chosen error />
            <UserDetailsFields details error />
            {general}
            <div>
                <button type="submit" class="button button-primary" disabled=move || invite.pending().get()>{T::InviteButton.in_lang(lang)}</button>
            </div>
        </form>
        {results}
    }
}
