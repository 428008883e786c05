//! A group's page (the homepage is the platform group's page): where it sits, whether it is
//! public, its members with their roles (direct or propagated), its subgroups — and, for those
//! the policy allows, the forms that change them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::directory::get_group;
use crate::api::groups::{AddMember, CreateSubgroup, MoveGroup, RemoveMembership, RenameGroup, SetGroupVisibility};
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Lang, Msg, T};
use crate::ui::components::{invalid, successes, Card, DataTable, EmptyState, ErrorNotice, FieldMessage, Icon, KeysetPagination, Loaded, RoleChoice, TextField};
use crate::ui::navigation::{page_in_url, page_query};
use crate::ui::rows_html::{clicked, RowsHtml};
use crate::wire::groups::{MemberRow, MEMBERS_PER_PAGE};
use crate::wire::users::{UsersAt, USERS_COUNTED};
use crate::ui::layout::TreeChanged;
use crate::ui::use_lang;
use crate::wire::directory::GroupView;

/// Every change a group page can make; the page reloads its data after each that worked (after
/// a refusal, the form keeps what was typed beside its message).
#[derive(Clone, Copy)]
struct GroupActions {
    create: ServerAction<CreateSubgroup>,
    rename: ServerAction<RenameGroup>,
    visibility: ServerAction<SetGroupVisibility>,
    move_group: ServerAction<MoveGroup>,
    add: ServerAction<AddMember>,
    remove: ServerAction<RemoveMembership>,
    successes: [ReadSignal<u32>; 6],
}

impl GroupActions {
    fn new() -> GroupActions {
        let (create, rename, visibility) = (ServerAction::<CreateSubgroup>::new(), ServerAction::<RenameGroup>::new(), ServerAction::<SetGroupVisibility>::new());
        let (move_group, add, remove) = (ServerAction::<MoveGroup>::new(), ServerAction::<AddMember>::new(), ServerAction::<RemoveMembership>::new());
        let successes = [
            successes(create.value()),
            successes(rename.value()),
            successes(visibility.value()),
            successes(move_group.value()),
            successes(add.value()),
            successes(remove.value()),
        ];
        let actions = GroupActions { create, rename, visibility, move_group, add, remove, successes };
        // Changes to the tree also change the sidebar.
        if let Some(TreeChanged(tree_changed)) = use_context::<TreeChanged>() {
            Effect::new(move |_| {
                let succeeded = [
                    actions.create.value().with(|v| matches!(v, Some(Ok(_)))),
                    actions.rename.value().with(|v| matches!(v, Some(Ok(_)))),
                    actions.visibility.value().with(|v| matches!(v, Some(Ok(_)))),
                    actions.move_group.value().with(|v| matches!(v, Some(Ok(_)))),
                ];
                if succeeded.contains(&true) {
                    tree_changed.update(|n| *n += 1);
                }
            });
        }
        actions
    }

    /// Forgets the outcome of every action (another group is shown now).
    fn clear(&self) {
        self.create.value().set(None);
        self.rename.value().set(None);
        self.visibility.value().set(None);
        self.move_group.value().set(None);
        self.add.value().set(None);
        self.remove.value().set(None);
    }

    fn version(&self) -> u32 {
        self.successes.iter().map(|s| s.get()).sum()
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let actions = GroupActions::new();
    let query = use_query_map();
    let page = Memo::new(move |_| query.with(page_in_url));
    let group = Resource::new(move || (actions.version(), page.get().1), |(_, at)| get_group(None, at));
    view! { <GroupContent group actions page /> }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let actions = GroupActions::new();
    let query = use_query_map();
    let page = Memo::new(move |_| query.with(page_in_url));
    let group = Resource::new(move || (id(), actions.version(), page.get().1), |(id, _, at)| async move {
        match id {
            Some(id) => get_group(Some(id), at).await,
            None => Err(AppError::NotFound),
        }
    });
    // Another group: fresh forms, no message left from the previous one. (Within one group the
    // page is updated in place, so what is typed survives a refusal.)
    Effect::new(move |previous: Option<Option<i64>>| {
        let current = id();
        if previous.is_some_and(|p| p != current) {
            actions.clear();
        }
        current
    });
    view! { <GroupContent group actions page /> }
}

/// The number of the page of members shown, and where it starts (R84).
type MembersPage = Memo<(u32, UsersAt)>;

#[component]
fn GroupContent(group: Resource<Result<GroupView, AppError>>, actions: GroupActions, page: MembersPage) -> impl IntoView {
    view! {
        <Loaded resource=group ready=move |group| view! { <GroupDetails group actions page=page.get_untracked().0 /> } />
    }
}

/// The error of an action's last run, if it failed.
fn last_error<A, T>(action: ServerAction<A>) -> Signal<Option<AppError>>
where
    A: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

#[component]
fn GroupDetails(group: GroupView, actions: GroupActions, page: u32) -> impl IntoView {
    let lang = use_lang();
    let (badge, icon) = if group.is_public { (T::PublicGroup, "globe") } else { (T::PrivateGroup, "lock") };
    let settings = (group.may_manage && !group.is_platform_group).then(|| view! { <GroupSettings group=group.clone() actions /> });
    view! {
        <Title text=group.name.clone() />
        <article class="group-page">
            <nav class="breadcrumb" aria-label=T::Breadcrumb.in_lang(lang)>
                <ol>
                    {group.ancestors.clone().into_iter().enumerate().map(|(i, (id, name))| {
                        // The first ancestor is the platform group, whose page is the homepage.
                        let href = if i == 0 { "/".to_string() } else { format!("/groups/{id}") };
                        view! { <li><a href=href>{name}</a></li> }
                    }).collect_view()}
                    <li aria-current="page">{group.name.clone()}</li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>{group.name.clone()}</h1>
                <span class="badge" class:badge-public=group.is_public><Icon name=icon />{badge.in_lang(lang)}</span>
            </header>
            {group.is_platform_group.then(|| view! {
                <p class="muted">{T::PlatformGroup.in_lang(lang)}" — "{T::PlatformGroupAlwaysPrivate.in_lang(lang)}</p>
            })}
            {view! { <Members group=group.clone() actions page /> }.into_any()}
            {view! { <Subgroups group=group.clone() actions /> }.into_any()}
            {settings.map(IntoAny::into_any)}
        </article>
    }
}

#[component]
fn Members(group: GroupView, actions: GroupActions, page: u32) -> impl IntoView {
    let lang = use_lang();
    let group_id = group.id;
    let removable_roles = group.removable_roles.clone();
    let rows = group.members.clone().map(|members| {
        if members.is_empty() {
            let next = (!group.grantable_roles.is_empty()).then(|| (T::NoMembersNext, format!("/add-users?group={group_id}"), T::AddUsers));
            return view! { <EmptyState text=T::NoMembers next /> }.into_any();
        }
        // The rows are HTML (`member_rows`); one listener answers their remove buttons.
        let on_click = move |ev: leptos::ev::MouseEvent| {
            let Some(key) = clicked(&ev).filter(|(action, _)| action == "remove").map(|(_, key)| key) else { return };
            let Some((user, role)) = key.split_once(':').and_then(|(user, role)| Some((user.parse().ok()?, Role::parse(role)?))) else { return };
            actions.remove.dispatch(RemoveMembership { group: group_id, user, role });
        };
        view! {
            <div on:click=on_click>
                <DataTable headers=&[T::Name, T::EmailOrUsername, T::Roles] rows_html=member_rows(&members, &removable_roles, lang) />
            </div>
        }.into_any()
    });
    // Pages of members (R84), at this group's own address.
    let base = if group.is_platform_group { "/".to_string() } else { format!("/groups/{}", group.id) };
    let href = move |page: u32, at: UsersAt| {
        let query = page_query(page, at);
        if query.is_empty() { base.clone() } else { format!("{base}?{}", query.join("&")) }
    };
    let pagination = (group.members_previous.is_some() || group.members_next.is_some()).then(|| {
        view! { <KeysetPagination page total=group.member_count per_page=MEMBERS_PER_PAGE previous=group.members_previous next=group.members_next href /> }
    });
    let remove_error = move || last_error(actions.remove).get().map(|error| view! { <ErrorNotice error /> });
    let add_form = (!group.grantable_roles.is_empty()).then(|| view! { <AddMemberForm group_id roles=group.grantable_roles.clone() actions /> });
    view! {
        <Card id="members" title=T::Members.in_lang(lang)>
            <p class="muted">
                {match group.member_count {
                    Some(count) => Msg::MembersCount { count },
                    None => Msg::MembersCountMore { count: USERS_COUNTED },
                }.render(lang)}
            </p>
            {rows}
            {pagination}
            {remove_error}
            {add_form}
        </Card>
    }
}

/// The members' rows, written as HTML (`RowsHtml`): name, login, and each role held — direct, or
/// propagated from the group below it came from (R11) — with its remove button where the viewer
/// may remove it (`key`: the user and the role).
fn member_rows(members: &[MemberRow], removable: &[Role], lang: Lang) -> String {
    let mut html = RowsHtml::new(members.len(), 700, lang);
    for member in members {
        html.markup("<tr>").cell("", T::Name).text(&member.name).markup("</td>");
        html.cell("cell-login", T::EmailOrUsername).login(&member.login).markup("</td>");
        html.cell("", T::Roles).markup("<ul class=\"role-list\">");
        for held in &member.roles {
            let role = held.role.label().in_lang(lang);
            html.markup("<li class=\"role-chip\"><span>").text(role).markup("</span> <span class=\"muted small\">");
            match &held.propagated_from {
                Some((from_id, from_name)) => html.text(T::PropagatedFrom.in_lang(lang)).markup(" <a href=\"/groups/").text(&from_id.to_string()).markup("\">").text(from_name).markup("</a>"),
                None => html.text(T::Direct.in_lang(lang)),
            };
            html.markup("</span>");
            if removable.contains(&held.role) {
                let label = format!("{} {role} — {}", T::Remove.in_lang(lang), member.name);
                html.button("chip-remove", "remove", &format!("{}:{}", member.user_id, held.role.as_str()), &label, "close");
            }
            html.markup("</li>");
        }
        html.markup("</ul></td></tr>");
    }
    html.finish()
}

#[component]
fn AddMemberForm(group_id: GroupId, roles: Vec<Role>, actions: GroupActions) -> impl IntoView {
    let lang = use_lang();
    let login = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Role>::new());
    let error = last_error(actions.add);
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.add.value().get() {
            login.set(String::new());
            chosen.set(Vec::new());
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        actions.add.dispatch(AddMember { group: group_id, login: login.get_untracked(), roles: chosen.get_untracked() });
    };
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <form class="form inline-form" on:submit=submit>
            <h3>{T::AddExistingUser.in_lang(lang)}</h3>
            <TextField id="member-login" field="login" label=T::EmailOrUsername value=login error />
            <RoleChoice roles=roles chosen error />
            {general}
            <div>
                <button type="submit" class="button button-primary" disabled=move || actions.add.pending().get()>{T::AddToGroup.in_lang(lang)}</button>
            </div>
        </form>
    }
}

#[component]
fn Subgroups(group: GroupView, actions: GroupActions) -> impl IntoView {
    let lang = use_lang();
    let error = last_error(actions.create);
    let name_invalid = invalid(error, "name");
    let name_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(input)) = (actions.create.value().get(), name_input.get()) {
            input.set_value("");
        }
    });
    let list = if group.subgroups.is_empty() {
        view! { <p class="muted">{T::NoSubgroups.in_lang(lang)}</p> }.into_any()
    } else {
        view! {
            <ul class="link-list">
                {group.subgroups.clone().into_iter().map(|(id, name, is_public)| view! {
                    <li>
                        <a href=format!("/groups/{id}")>{name}</a>
                        <span class="muted small">{if is_public { T::PublicGroup } else { T::PrivateGroup }.in_lang(lang)}</span>
                    </li>
                }).collect_view()}
            </ul>
        }.into_any()
    };
    let create_form = group.may_manage.then(|| view! {
        <ActionForm action=actions.create attr:class="form inline-form">
            <h3>{T::NewSubgroup.in_lang(lang)}</h3>
            <input type="hidden" name="parent" value=group.id />
            <div class="field">
                <label for="subgroup-name">{T::SubgroupName.in_lang(lang)}</label>
                <input id="subgroup-name" name="name" type="text" maxlength="100" autocomplete="off" aria-describedby="subgroup-name-error" aria-invalid=name_invalid.clone() node_ref=name_input />
                <FieldMessage error field="name" id="subgroup-name-error" />
            </div>
            <label class="checkbox"><input type="checkbox" name="public" value="on" />{T::MakeItPublic.in_lang(lang)}</label>
            {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
            <div>
                <button type="submit" class="button button-primary" disabled=move || actions.create.pending().get()>{T::CreateSubgroup.in_lang(lang)}</button>
            </div>
        </ActionForm>
    });
    view! {
        <Card id="subgroups" title=T::Subgroups.in_lang(lang)>
            {list}
            {create_form}
        </Card>
    }
}

#[component]
fn GroupSettings(group: GroupView, actions: GroupActions) -> impl IntoView {
    let lang = use_lang();
    let rename_error = last_error(actions.rename);
    let move_error = last_error(actions.move_group);
    let (rename_invalid, parent_invalid) = (invalid(rename_error, "name"), invalid(move_error, "new_parent"));
    let visibility_error = last_error(actions.visibility);
    let group_id = group.id;
    let make_public = !group.is_public;
    let general = |error: Signal<Option<AppError>>| move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <Card id="settings" title=T::GroupSettings.in_lang(lang)>
            <ActionForm action=actions.rename attr:class="form inline-form">
                <input type="hidden" name="group" value=group_id />
                <div class="field">
                    <label for="group-name">{T::GroupName.in_lang(lang)}</label>
                    <div class="input-row">
                        <input id="group-name" name="name" type="text" maxlength="100" value=group.name.clone() aria-describedby="group-name-error" aria-invalid=rename_invalid.clone() />
                        <button type="submit" class="button" disabled=move || actions.rename.pending().get()>{T::Rename.in_lang(lang)}</button>
                    </div>
                    <FieldMessage error=rename_error field="name" id="group-name-error" />
                </div>
                {general(rename_error)}
            </ActionForm>
            <div class="form inline-form">
                <p class="muted">{if group.is_public { T::PublicExplained } else { T::PrivateExplained }.in_lang(lang)}</p>
                <div>
                    <button type="button" class="button" disabled=move || actions.visibility.pending().get()
                        on:click=move |_| { actions.visibility.dispatch(SetGroupVisibility { group: group_id, public: make_public }); }>
                        {if make_public { T::MakePublic } else { T::MakePrivate }.in_lang(lang)}
                    </button>
                </div>
                <FieldMessage error=visibility_error field="visibility" />
                {general(visibility_error)}
            </div>
            {(!group.move_targets.is_empty()).then(|| view! {
                <ActionForm action=actions.move_group attr:class="form inline-form">
                    <input type="hidden" name="group" value=group_id />
                    <div class="field">
                        <label for="new-parent">{T::MoveUnder.in_lang(lang)}</label>
                        <div class="input-row">
                            <select id="new-parent" name="new_parent" aria-describedby="new_parent-error" aria-invalid=parent_invalid.clone()>
                                <option value="" disabled selected>{T::ChooseAGroup.in_lang(lang)}</option>
                                {group.move_targets.iter().map(|(id, path)| view! { <option value=*id>{path.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button" disabled=move || actions.move_group.pending().get()>{T::Move.in_lang(lang)}</button>
                        </div>
                        <FieldMessage error=move_error field="new_parent" />
                    </div>
                    {general(move_error)}
                </ActionForm>
            })}
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::groups::RoleHeld;

    #[test]
    fn r11_member_rows_say_where_a_role_comes_from_offer_removal_only_where_allowed_and_escape_names() {
        let member = MemberRow {
            user_id: 9,
            name: "<b>Eve</b> & co".into(),
            login: "eve@example.com".into(),
            roles: vec![
                RoleHeld { role: Role::Learner, propagated_from: Some((4, "Paris <office>".into())) },
                RoleHeld { role: Role::Admin, propagated_from: None },
            ],
        };
        let html = member_rows(&[member], &[Role::Learner], Lang::En);
        assert!(!html.contains("<b>") && !html.contains("<office>"), "{html}");
        assert!(html.starts_with("<tr><td data-label=\"Name\">&lt;b&gt;Eve&lt;/b&gt; &amp; co</td><td class=\"cell-login\" data-label=\"Email or username\">eve@<wbr>example.com</td>"), "{html}");
        assert!(html.contains("<span>Learner</span> <span class=\"muted small\">from <a href=\"/groups/4\">Paris &lt;office&gt;</a></span><button type=\"button\" class=\"chip-remove\" data-action=\"remove\" data-key=\"9:learner\" aria-label=\"Remove Learner — &lt;b&gt;Eve&lt;/b&gt; &amp; co\""), "{html}");
        assert!(html.contains("<span>Admin</span> <span class=\"muted small\">direct</span></li>"), "{html}");
        assert_eq!(html.matches("<button").count(), 1, "{html}");
    }
}
