//! The permission policy: the one place that answers "may this actor do this, here?"
//! (PRODUCT.md R1–R7, R45; docs/rules.md R52–R54). Server functions ask it first, on every call;
//! the UI asks the same question only to show or hide controls. Every answer names its rule.

use serde::{Deserialize, Serialize};

use super::group_tree::{GroupId, GroupTree};
use super::role::Role;

pub type SessionId = i64;

/// What the policy needs to know about who is asking.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub is_owner: bool,
    /// Every (group, role) the actor holds, direct or propagated.
    pub memberships: &'a [(GroupId, Role)],
    /// The program sessions the actor is an instructor of.
    pub instructs: &'a [SessionId],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionRef {
    pub id: SessionId,
    pub group: GroupId,
}

#[derive(Clone, Copy, Debug)]
pub enum Action<'a> {
    /// Invite or set up users with these (group, role) grants (R1–R3, R6).
    AddUsers(&'a [(GroupId, Role)]),
    /// Cancel or resend an invitation that grants these (R3, R38): whoever could have made it.
    ManageInvitation(&'a [(GroupId, Role)]),
    /// Invite learners from inside a program session (R4).
    InviteFromSession(SessionRef),
    /// Take this role away from someone in this group (R52): whoever may grant it there; an
    /// admin role only from strictly above (a peer admin never demotes a peer).
    RemoveRole(GroupId, Role),
    /// Manage another person's account (R54): their details, or their access (password,
    /// credentials, deletion date).
    ManageUser(Person<'a>, Handling),
    /// Create a subgroup under, rename, make public or private, move, or manage the members of
    /// this group (R52).
    ManageGroup(GroupId),
    /// Create programs and sessions in this group, assign their instructors and groups (R53).
    ManageSessions(GroupId),
    /// See who is billed and since when (R45).
    SeeBilling,
    /// Add users somewhere (R1–R3): Dashboard > USERS, the user pages, the Invitations list and
    /// the set-up form, whose every grant is then asked as `AddUsers`.
    AddUsersSomewhere,
    /// Create programs, and sessions somewhere (R53).
    ManageSessionsSomewhere,
    /// Define labels and custom fields (R43), change the platform's settings (R76).
    AdministerPlatform,
}

/// The person an action is done to, as R54 needs them.
#[derive(Clone, Copy, Debug)]
pub struct Person<'a> {
    pub is_owner: bool,
    /// The (group, role) pairs the person holds directly (not the propagated learners).
    pub direct: &'a [(GroupId, Role)],
}

/// What is done to a person's account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handling {
    /// Language, labels, custom-field values.
    Details,
    /// Password, new credentials, deletion date: what can take the account away from them.
    Access,
}

/// The rule that decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// A platform administrator may do it anywhere.
    R1,
    /// A group administrator may do it in their groups and below.
    R2,
    /// A user_admin may add learners only, in their groups and below.
    R3,
    /// A session instructor who is a coach or admin of the session's group (or above) may
    /// invite from that session.
    R4,
    /// Nobody else may.
    R5,
    /// Roles on the platform group are granted by platform administrators only.
    R6,
    /// Billing is the owner's.
    R45,
    /// Groups are managed by their administrators (and those above), the platform group by
    /// platform administrators only.
    R52,
    /// Programs and sessions are managed by the admins and coaches of their group (or above).
    R53,
    /// A person's account is managed by whoever may grant every role they hold directly; their
    /// access, if they are an admin, only from strictly above; the owner's by the owner alone.
    R54,
    /// Nothing was asked: an empty list of grants or groups is refused.
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    pub rule: Rule,
}

impl Decision {
    const fn allow(rule: Rule) -> Decision {
        Decision { allowed: true, rule }
    }
    const fn deny(rule: Rule) -> Decision {
        Decision { allowed: false, rule }
    }
}

/// Answers one question. Cost: a walk up the tree per group involved (depth × memberships).
pub fn decide(tree: &GroupTree, actor: &Actor, action: &Action) -> Decision {
    let platform_admin = is_platform_admin(tree, actor);
    match *action {
        Action::AddUsers(grants) | Action::ManageInvitation(grants) => {
            if grants.is_empty() {
                return Decision::deny(Rule::Empty);
            }
            let mut strongest = Rule::R1;
            for &(group, role) in grants {
                let decision = grant(tree, actor, platform_admin, group, role);
                if !decision.allowed {
                    return decision;
                }
                // R1 if the actor is a platform admin; else R2 unless some grant needed R3.
                if decision.rule == Rule::R3 || strongest == Rule::R1 {
                    strongest = decision.rule;
                }
            }
            Decision::allow(strongest)
        }
        Action::InviteFromSession(session) => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else if actor.instructs.contains(&session.id) && holds_at_or_above(tree, actor, session.group, &[Role::Coach, Role::Admin]) {
                Decision::allow(Rule::R4)
            } else {
                Decision::deny(Rule::R4)
            }
        }
        Action::ManageUser(person, handling) => manage_user(tree, actor, platform_admin, person, handling),
        Action::RemoveRole(group, role) => {
            let decision = grant(tree, actor, platform_admin, group, role);
            let peer = role == Role::Admin && !platform_admin && !tree.parent(group).is_some_and(|parent| holds_at_or_above(tree, actor, parent, &[Role::Admin]));
            if decision.allowed && peer { Decision::deny(Rule::R52) } else { decision }
        }
        Action::ManageGroup(group) => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else if tree.parent(group).is_some() && holds_at_or_above(tree, actor, group, &[Role::Admin]) {
                Decision::allow(Rule::R52)
            } else {
                Decision::deny(Rule::R52)
            }
        }
        Action::ManageSessions(group) => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else if tree.get(group).is_some() && holds_at_or_above(tree, actor, group, &[Role::Admin, Role::Coach]) {
                Decision::allow(Rule::R53)
            } else {
                Decision::deny(Rule::R53)
            }
        }
        Action::SeeBilling => {
            if actor.is_owner {
                Decision::allow(Rule::R45)
            } else {
                Decision::deny(Rule::R45)
            }
        }
        Action::AddUsersSomewhere => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else if holds_anywhere(actor, &[Role::Admin]) {
                Decision::allow(Rule::R2)
            } else if holds_anywhere(actor, &[Role::UserAdmin]) {
                Decision::allow(Rule::R3)
            } else {
                Decision::deny(Rule::R5)
            }
        }
        Action::ManageSessionsSomewhere => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else if holds_anywhere(actor, &[Role::Admin, Role::Coach]) {
                Decision::allow(Rule::R53)
            } else {
                Decision::deny(Rule::R53)
            }
        }
        Action::AdministerPlatform => {
            if platform_admin {
                Decision::allow(Rule::R1)
            } else {
                Decision::deny(Rule::R5)
            }
        }
    }
}

/// Whether the actor holds one of `roles` in some group.
fn holds_anywhere(actor: &Actor, roles: &[Role]) -> bool {
    actor.memberships.iter().any(|(_, r)| roles.contains(r))
}

/// R54: who may manage whom. The owner's account is the owner's alone (and `server
/// reset-password`'s). Platform administrators manage everyone else. Anyone else needs the right
/// to grant every role the person holds directly, where they hold it — so a user admin manages
/// learners only, and nobody manages an account without a direct group but a platform
/// administrator; and to take over or end an admin's access (password, credentials, deletion
/// date), an admin role strictly above each group the person administers, never a peer's.
fn manage_user(tree: &GroupTree, actor: &Actor, platform_admin: bool, person: Person, handling: Handling) -> Decision {
    if person.is_owner {
        return if actor.is_owner { Decision::allow(Rule::R1) } else { Decision::deny(Rule::R54) };
    }
    if platform_admin {
        return Decision::allow(Rule::R1);
    }
    if person.direct.is_empty() || !person.direct.iter().all(|&(group, role)| grant(tree, actor, false, group, role).allowed) {
        return Decision::deny(Rule::R54);
    }
    let peer_admin = |&(group, role): &(GroupId, Role)| {
        role == Role::Admin && !tree.parent(group).is_some_and(|parent| holds_at_or_above(tree, actor, parent, &[Role::Admin]))
    };
    if handling == Handling::Access && person.direct.iter().any(peer_admin) {
        return Decision::deny(Rule::R54);
    }
    Decision::allow(Rule::R54)
}

/// One (group, role) grant of an invitation or a set-up.
fn grant(tree: &GroupTree, actor: &Actor, platform_admin: bool, group: GroupId, role: Role) -> Decision {
    if tree.get(group).is_none() {
        return Decision::deny(Rule::R5);
    }
    if platform_admin {
        return Decision::allow(Rule::R1);
    }
    if tree.parent(group).is_none() {
        return Decision::deny(Rule::R6);
    }
    if holds_at_or_above(tree, actor, group, &[Role::Admin]) {
        return Decision::allow(Rule::R2);
    }
    if holds_at_or_above(tree, actor, group, &[Role::UserAdmin]) {
        return if role == Role::Learner { Decision::allow(Rule::R3) } else { Decision::deny(Rule::R3) };
    }
    Decision::deny(Rule::R5)
}

/// The owner, or an admin of the platform group.
pub fn is_platform_admin(tree: &GroupTree, actor: &Actor) -> bool {
    actor.is_owner || tree.root().is_some_and(|root| actor.memberships.contains(&(root, Role::Admin)))
}

/// Whether the actor holds one of `roles` on `group` or on a group above it (rights flow down).
fn holds_at_or_above(tree: &GroupTree, actor: &Actor, group: GroupId, roles: &[Role]) -> bool {
    tree.ancestors_and_self(group).any(|g| actor.memberships.iter().any(|&(mg, r)| mg == g && roles.contains(&r)))
}

/// The tree of the policy's tables (and of `visibility`'s), seen from an actor whose roles are
/// held on A.
#[cfg(test)]
pub(crate) mod sample {
    use crate::domain::group_tree::{GroupId, GroupNode, GroupTree};

    // P platform (private)
    // ├── T "top" (private)        ← "above" the actor's group
    // │   └── A (private)          ← the actor's group ("same")
    // │       └── B (public)       ← "below"
    // └── U (public)               ← "unrelated"
    pub const P: GroupId = 1;
    pub const T: GroupId = 2;
    pub const A: GroupId = 3;
    pub const B: GroupId = 4;
    pub const U: GroupId = 5;

    pub fn tree() -> GroupTree {
        let node = |id, parent, is_public| GroupNode { id, parent_id: parent, name: format!("g{id}"), is_public };
        GroupTree::new([node(P, None, false), node(T, Some(P), false), node(A, Some(T), false), node(B, Some(A), true), node(U, Some(P), true)])
    }
}

#[cfg(test)]
mod tests {
    use super::sample::*;
    use super::*;

    const SESSION: SessionId = 77;

    /// The actors of the table: a role held on A, the owner, a platform admin, and session
    /// instructors (of a session whose group is the target) with and without coach/admin.
    fn actor(kind: &str) -> (bool, Vec<(GroupId, Role)>, Vec<SessionId>) {
        let on_a = |r| vec![(A, r)];
        match kind {
            "learner" => (false, on_a(Role::Learner), vec![]),
            "author" => (false, on_a(Role::Author), vec![]),
            "coach" => (false, on_a(Role::Coach), vec![]),
            "user_admin" => (false, on_a(Role::UserAdmin), vec![]),
            "admin" => (false, on_a(Role::Admin), vec![]),
            "owner" => (true, vec![], vec![]),
            "platform_admin" => (false, vec![(P, Role::Admin)], vec![]),
            "instructor" => (false, on_a(Role::Learner), vec![SESSION]),
            "instructor_coach" => (false, on_a(Role::Coach), vec![SESSION]),
            "instructor_admin" => (false, on_a(Role::Admin), vec![SESSION]),
            other => panic!("unknown actor {other}"),
        }
    }

    fn action<'a>(name: &str, target: GroupId, grants: &'a mut Vec<(GroupId, Role)>) -> Action<'a> {
        match name {
            "add_learner" => {
                *grants = vec![(target, Role::Learner)];
                Action::AddUsers(grants)
            }
            "add_admin" => {
                *grants = vec![(target, Role::Admin)];
                Action::AddUsers(grants)
            }
            "manage_invitation" => {
                *grants = vec![(target, Role::Learner)];
                Action::ManageInvitation(grants)
            }
            "invite_from_session" => Action::InviteFromSession(SessionRef { id: SESSION, group: target }),
            "manage_learner" => {
                *grants = vec![(target, Role::Learner)];
                Action::ManageUser(Person { is_owner: false, direct: grants }, Handling::Details)
            }
            "manage_admin_details" => {
                *grants = vec![(target, Role::Admin)];
                Action::ManageUser(Person { is_owner: false, direct: grants }, Handling::Details)
            }
            "manage_admin_access" => {
                *grants = vec![(target, Role::Admin)];
                Action::ManageUser(Person { is_owner: false, direct: grants }, Handling::Access)
            }
            "manage_group" => Action::ManageGroup(target),
            "manage_sessions" => Action::ManageSessions(target),
            "see_billing" => Action::SeeBilling,
            "add_users_somewhere" => Action::AddUsersSomewhere,
            "manage_sessions_somewhere" => Action::ManageSessionsSomewhere,
            "administer_platform" => Action::AdministerPlatform,
            other => panic!("unknown action {other}"),
        }
    }

    /// actor × action → the decision for each target relation, in the order
    /// same (A), above (T), below (B), unrelated (U), platform group (P).
    /// `R2` = allowed by R2; `-R5` = refused by R5.
    const TABLE: &[(&str, &str, [&str; 5])] = &[
        //  actor               action                  same    above   below   unrel.  platform
        ("learner", "add_learner", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("learner", "add_admin", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("learner", "manage_invitation", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("learner", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("learner", "manage_learner", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("learner", "manage_admin_details", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("learner", "manage_admin_access", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("learner", "manage_group", ["-R52", "-R52", "-R52", "-R52", "-R52"]),
        ("learner", "manage_sessions", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("learner", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        ("author", "add_learner", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("author", "add_admin", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("author", "manage_invitation", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("author", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("author", "manage_learner", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("author", "manage_admin_details", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("author", "manage_admin_access", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("author", "manage_group", ["-R52", "-R52", "-R52", "-R52", "-R52"]),
        ("author", "manage_sessions", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("author", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        ("coach", "add_learner", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("coach", "add_admin", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("coach", "manage_invitation", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("coach", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("coach", "manage_learner", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("coach", "manage_admin_details", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("coach", "manage_admin_access", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("coach", "manage_group", ["-R52", "-R52", "-R52", "-R52", "-R52"]),
        ("coach", "manage_sessions", ["R53", "-R53", "R53", "-R53", "-R53"]),
        ("coach", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        ("user_admin", "add_learner", ["R3", "-R5", "R3", "-R5", "-R6"]),
        ("user_admin", "add_admin", ["-R3", "-R5", "-R3", "-R5", "-R6"]),
        ("user_admin", "manage_invitation", ["R3", "-R5", "R3", "-R5", "-R6"]),
        ("user_admin", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("user_admin", "manage_learner", ["R54", "-R54", "R54", "-R54", "-R54"]),
        ("user_admin", "manage_admin_details", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("user_admin", "manage_admin_access", ["-R54", "-R54", "-R54", "-R54", "-R54"]),
        ("user_admin", "manage_group", ["-R52", "-R52", "-R52", "-R52", "-R52"]),
        ("user_admin", "manage_sessions", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("user_admin", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        ("admin", "add_learner", ["R2", "-R5", "R2", "-R5", "-R6"]),
        ("admin", "add_admin", ["R2", "-R5", "R2", "-R5", "-R6"]),
        ("admin", "manage_invitation", ["R2", "-R5", "R2", "-R5", "-R6"]),
        ("admin", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("admin", "manage_learner", ["R54", "-R54", "R54", "-R54", "-R54"]),
        ("admin", "manage_admin_details", ["R54", "-R54", "R54", "-R54", "-R54"]),
        ("admin", "manage_admin_access", ["-R54", "-R54", "R54", "-R54", "-R54"]),
        ("admin", "manage_group", ["R52", "-R52", "R52", "-R52", "-R52"]),
        ("admin", "manage_sessions", ["R53", "-R53", "R53", "-R53", "-R53"]),
        ("admin", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        ("owner", "add_learner", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "add_admin", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_invitation", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "invite_from_session", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_learner", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_admin_details", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_admin_access", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_group", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_sessions", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "see_billing", ["R45", "R45", "R45", "R45", "R45"]),
        ("platform_admin", "add_learner", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "add_admin", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_invitation", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "invite_from_session", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_learner", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_admin_details", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_admin_access", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_group", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_sessions", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "see_billing", ["-R45", "-R45", "-R45", "-R45", "-R45"]),
        // Session instructors (the session lives in the target group).
        ("instructor", "invite_from_session", ["-R4", "-R4", "-R4", "-R4", "-R4"]),
        ("instructor", "add_learner", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("instructor", "manage_sessions", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("instructor_coach", "invite_from_session", ["R4", "-R4", "R4", "-R4", "-R4"]),
        ("instructor_coach", "add_learner", ["-R5", "-R5", "-R5", "-R5", "-R6"]),
        ("instructor_coach", "manage_sessions", ["R53", "-R53", "R53", "-R53", "-R53"]),
        ("instructor_admin", "invite_from_session", ["R4", "-R4", "R4", "-R4", "-R4"]),
        ("instructor_admin", "add_learner", ["R2", "-R5", "R2", "-R5", "-R6"]),
        ("instructor_admin", "manage_sessions", ["R53", "-R53", "R53", "-R53", "-R53"]),
        // Questions without a target group: the same answer in every column.
        ("learner", "add_users_somewhere", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("learner", "manage_sessions_somewhere", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("learner", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("author", "add_users_somewhere", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("author", "manage_sessions_somewhere", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("author", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("coach", "add_users_somewhere", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("coach", "manage_sessions_somewhere", ["R53", "R53", "R53", "R53", "R53"]),
        ("coach", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("user_admin", "add_users_somewhere", ["R3", "R3", "R3", "R3", "R3"]),
        ("user_admin", "manage_sessions_somewhere", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("user_admin", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("admin", "add_users_somewhere", ["R2", "R2", "R2", "R2", "R2"]),
        ("admin", "manage_sessions_somewhere", ["R53", "R53", "R53", "R53", "R53"]),
        ("admin", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("owner", "add_users_somewhere", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "manage_sessions_somewhere", ["R1", "R1", "R1", "R1", "R1"]),
        ("owner", "administer_platform", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "add_users_somewhere", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "manage_sessions_somewhere", ["R1", "R1", "R1", "R1", "R1"]),
        ("platform_admin", "administer_platform", ["R1", "R1", "R1", "R1", "R1"]),
        ("instructor", "add_users_somewhere", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
        ("instructor", "manage_sessions_somewhere", ["-R53", "-R53", "-R53", "-R53", "-R53"]),
        ("instructor", "administer_platform", ["-R5", "-R5", "-R5", "-R5", "-R5"]),
    ];

    fn rule_name(rule: Rule) -> String {
        format!("{rule:?}")
    }

    #[test]
    fn r1_to_r6_r45_r52_to_r54_the_policy_table() {
        let tree = tree();
        let relations = [("same", A), ("above", T), ("below", B), ("unrelated", U), ("platform_group", P)];
        let mut failures = Vec::new();
        let mut checked = 0;
        for &(actor_kind, action_name, expected) in TABLE {
            let (is_owner, memberships, instructs) = actor(actor_kind);
            let who = Actor { is_owner, memberships: &memberships, instructs: &instructs };
            for ((relation, target), expected) in relations.iter().zip(expected) {
                let mut grants = Vec::new();
                let decision = decide(&tree, &who, &action(action_name, *target, &mut grants));
                let got = format!("{}{}", if decision.allowed { "" } else { "-" }, rule_name(decision.rule));
                checked += 1;
                if got != expected {
                    let case = format!("{}_{actor_kind}_{action_name}_{relation}", expected.trim_start_matches('-').to_lowercase());
                    failures.push(format!("{case}: expected {expected}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "{} of {checked} cases differ:\n{}", failures.len(), failures.join("\n"));
        assert_eq!(checked, TABLE.len() * 5);
    }

    #[test]
    fn r1_r2_r3_every_grant_must_be_allowed_and_the_weakest_rule_is_reported() {
        let tree = tree();
        let memberships = [(A, Role::UserAdmin), (B, Role::Admin)];
        let actor = Actor { is_owner: false, memberships: &memberships, instructs: &[] };
        let mixed = [(B, Role::Admin), (A, Role::Learner)];
        assert_eq!(decide(&tree, &actor, &Action::AddUsers(&mixed)), Decision::allow(Rule::R3));
        let one_bad = [(B, Role::Learner), (U, Role::Learner)];
        assert_eq!(decide(&tree, &actor, &Action::AddUsers(&one_bad)), Decision::deny(Rule::R5));
        assert_eq!(decide(&tree, &actor, &Action::AddUsers(&[])), Decision::deny(Rule::Empty));
        let unknown_group = [(999, Role::Learner)];
        let owner = Actor { is_owner: true, memberships: &[], instructs: &[] };
        assert_eq!(decide(&tree, &owner, &Action::AddUsers(&unknown_group)), Decision::deny(Rule::R5));
    }

    #[test]
    fn r54_managing_a_person_needs_the_right_to_grant_every_role_they_hold_directly() {
        let tree = tree();
        let user_admin = [(A, Role::UserAdmin)];
        let actor = Actor { is_owner: false, memberships: &user_admin, instructs: &[] };
        let manage = |direct: &[(GroupId, Role)], handling| decide(&tree, &actor, &Action::ManageUser(Person { is_owner: false, direct }, handling));
        assert_eq!(manage(&[(B, Role::Learner)], Handling::Access), Decision::allow(Rule::R54));
        assert_eq!(manage(&[(B, Role::Learner), (A, Role::Coach)], Handling::Details), Decision::deny(Rule::R54), "a coach is not a learner");
        assert_eq!(manage(&[(B, Role::Learner), (U, Role::Learner)], Handling::Details), Decision::deny(Rule::R54), "a group outside the actor's");
        assert_eq!(manage(&[], Handling::Details), Decision::deny(Rule::R54), "no direct group: platform administrators only");
        let platform_admin = [(P, Role::Admin)];
        let platform_admin = Actor { is_owner: false, memberships: &platform_admin, instructs: &[] };
        assert!(decide(&tree, &platform_admin, &Action::ManageUser(Person { is_owner: false, direct: &[] }, Handling::Access)).allowed);
    }

    #[test]
    fn r54_an_admins_access_is_managed_only_from_strictly_above() {
        let tree = tree();
        let admin_of_t = [(T, Role::Admin)];
        let above = Actor { is_owner: false, memberships: &admin_of_t, instructs: &[] };
        let admin_of_a = [(A, Role::Admin)];
        let peer = Actor { is_owner: false, memberships: &admin_of_a, instructs: &[] };
        let target = Action::ManageUser(Person { is_owner: false, direct: &[(A, Role::Admin), (B, Role::Learner)] }, Handling::Access);
        assert_eq!(decide(&tree, &above, &target), Decision::allow(Rule::R54));
        assert_eq!(decide(&tree, &peer, &target), Decision::deny(Rule::R54), "a peer admin of the same group");
        let details = Action::ManageUser(Person { is_owner: false, direct: &[(A, Role::Admin)] }, Handling::Details);
        assert_eq!(decide(&tree, &peer, &details), Decision::allow(Rule::R54), "a peer's language or labels");
    }

    #[test]
    fn r52_a_role_is_removed_by_whoever_may_grant_it_an_admin_role_only_from_strictly_above() {
        let tree = tree();
        let admin_of_a = [(A, Role::Admin)];
        let peer = Actor { is_owner: false, memberships: &admin_of_a, instructs: &[] };
        assert_eq!(decide(&tree, &peer, &Action::RemoveRole(A, Role::Learner)), Decision::allow(Rule::R2));
        assert_eq!(decide(&tree, &peer, &Action::RemoveRole(A, Role::Admin)), Decision::deny(Rule::R52), "a peer admin of A");
        assert_eq!(decide(&tree, &peer, &Action::RemoveRole(B, Role::Admin)), Decision::allow(Rule::R2), "an admin of B, below");
        let user_admin = [(A, Role::UserAdmin)];
        let user_admin = Actor { is_owner: false, memberships: &user_admin, instructs: &[] };
        assert_eq!(decide(&tree, &user_admin, &Action::RemoveRole(B, Role::Coach)), Decision::deny(Rule::R3));
    }

    #[test]
    fn r54_the_owners_account_is_the_owners_alone() {
        let tree = tree();
        let owner = Person { is_owner: true, direct: &[(A, Role::Learner)] };
        let platform_admin = [(P, Role::Admin)];
        let platform_admin = Actor { is_owner: false, memberships: &platform_admin, instructs: &[] };
        for handling in [Handling::Details, Handling::Access] {
            assert_eq!(decide(&tree, &platform_admin, &Action::ManageUser(owner, handling)), Decision::deny(Rule::R54));
            let the_owner = Actor { is_owner: true, memberships: &[], instructs: &[] };
            assert!(decide(&tree, &the_owner, &Action::ManageUser(owner, handling)).allowed);
        }
    }

    #[test]
    fn r4_an_instructor_invites_only_from_their_own_sessions() {
        let tree = tree();
        let memberships = [(A, Role::Coach)];
        let actor = Actor { is_owner: false, memberships: &memberships, instructs: &[SESSION] };
        assert!(decide(&tree, &actor, &Action::InviteFromSession(SessionRef { id: SESSION, group: B })).allowed);
        assert!(!decide(&tree, &actor, &Action::InviteFromSession(SessionRef { id: SESSION + 1, group: B })).allowed);
    }
}
