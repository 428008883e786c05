//! Whom one sees (R62): pure functions of the actor and the group tree, like the policy's
//! `decide`. Lists, pickers and user pages ask them; anyone outside one's sight is answered as if
//! they did not exist.

use super::group_tree::{GroupId, GroupTree};
use super::policy::{is_platform_admin, Action, Actor, decide};
use super::role::Role;

/// The groups whose whole subtree this actor oversees: where they hold a role that manages
/// something (admin, user admin, coach); the platform group for a platform administrator.
pub fn overseen_groups(tree: &GroupTree, actor: &Actor) -> Vec<GroupId> {
    if is_platform_admin(tree, actor) {
        return tree.root().into_iter().collect();
    }
    actor.memberships.iter().filter(|(_, r)| matches!(r, Role::Admin | Role::UserAdmin | Role::Coach)).map(|(g, _)| *g).collect()
}

/// The users one sees in Dashboard > USERS, on user pages and when adding an existing user to a
/// group: `None` for a platform administrator (everyone); else the members of the groups where
/// one may add users (R2, R3: one's groups and below).
pub fn user_scope(tree: &GroupTree, actor: &Actor) -> Option<Vec<GroupId>> {
    (!is_platform_admin(tree, actor)).then(|| {
        let mut groups = overseen_subtrees(tree, actor);
        // Wherever any role may be granted, the learner role may (R2, R3).
        groups.retain(|&g| decide(tree, actor, &Action::AddUsers(&[(g, Role::Learner)])).allowed);
        groups
    })
}

/// The invitations one may manage (R38, R84), as the groups of their grants: `None` for a
/// platform administrator (all of them); else the groups where one may grant any role, and
/// those where only the learner role. An invitation is one's to manage when each of its grants
/// is in the first, or is a learner grant in the second.
pub fn invitation_scope(tree: &GroupTree, actor: &Actor) -> Option<(Vec<GroupId>, Vec<GroupId>)> {
    (!is_platform_admin(tree, actor)).then(|| {
        let grants = |g: GroupId, role: Role| decide(tree, actor, &Action::AddUsers(&[(g, role)])).allowed;
        let (mut any_role, mut learners) = (Vec::new(), Vec::new());
        for g in overseen_subtrees(tree, actor) {
            if grants(g, Role::Admin) {
                any_role.push(g);
            } else if grants(g, Role::Learner) {
                learners.push(g);
            }
        }
        (any_role, learners)
    })
}

/// The users one may pick as instructors or learners of a session: `None` for a platform
/// administrator (everyone); else the members of the groups where one is admin, user admin or
/// coach, and below.
pub fn session_scope(tree: &GroupTree, actor: &Actor) -> Option<Vec<GroupId>> {
    (!is_platform_admin(tree, actor)).then(|| overseen_subtrees(tree, actor))
}

/// Every group at or below an overseen one, once each, in id order.
pub fn overseen_subtrees(tree: &GroupTree, actor: &Actor) -> Vec<GroupId> {
    let mut groups: Vec<GroupId> = overseen_groups(tree, actor).into_iter().flat_map(|top| tree.subtree(top)).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::sample::*;

    /// The actor, by role held on A; whom they see as users and as session picks
    /// (`*`: everyone).
    const TABLE: &[(&str, &str, &str)] = &[
        //  role on A       users       session picks
        ("owner", "*", "*"),
        ("platform_admin", "*", "*"),
        ("admin", "A B", "A B"),
        ("user_admin", "A B", "A B"),
        ("coach", "", "A B"),
        ("author", "", ""),
        ("learner", "", ""),
    ];

    fn shown(scope: Option<Vec<GroupId>>) -> String {
        let name = |g: GroupId| ["?", "P", "T", "A", "B", "U"][g as usize];
        match scope {
            None => "*".into(),
            Some(groups) => groups.into_iter().map(name).collect::<Vec<_>>().join(" "),
        }
    }

    #[test]
    fn r62_who_sees_whom_the_table() {
        let tree = tree();
        let mut failures = Vec::new();
        for &(kind, users, picks) in TABLE {
            let (is_owner, memberships) = match kind {
                "owner" => (true, vec![]),
                "platform_admin" => (false, vec![(P, Role::Admin)]),
                role => (false, vec![(A, Role::parse(role).expect("a role"))]),
            };
            let actor = Actor { is_owner, memberships: &memberships, instructs: &[] };
            let got = (shown(user_scope(&tree, &actor)), shown(session_scope(&tree, &actor)));
            if got != (users.to_string(), picks.to_string()) {
                failures.push(format!("{kind}: expected users [{users}] picks [{picks}], got users [{}] picks [{}]", got.0, got.1));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The scope says of each single grant what the policy says of managing it, for every
    /// actor of the table and one with roles in two branches.
    #[test]
    fn r84_the_invitation_scope_is_the_policy_on_each_grant() {
        let tree = tree();
        let mut actors: Vec<(bool, Vec<(GroupId, Role)>)> = vec![(true, vec![]), (false, vec![(P, Role::Admin)])];
        actors.extend(Role::ALL.into_iter().map(|r| (false, vec![(A, r)])));
        actors.push((false, vec![(A, Role::UserAdmin), (B, Role::Admin), (U, Role::Coach)]));
        for (is_owner, memberships) in &actors {
            let actor = Actor { is_owner: *is_owner, memberships, instructs: &[] };
            let scope = invitation_scope(&tree, &actor);
            for g in [P, T, A, B, U] {
                for role in Role::ALL {
                    let in_scope = match &scope {
                        None => true,
                        Some((any_role, learners)) => any_role.contains(&g) || (role == Role::Learner && learners.contains(&g)),
                    };
                    let allowed = decide(&tree, &actor, &Action::ManageInvitation(&[(g, role)])).allowed;
                    assert_eq!(in_scope, allowed, "{memberships:?} managing ({g}, {role:?})");
                }
            }
        }
    }

    #[test]
    fn r62_roles_in_two_branches_add_up_and_overlaps_count_once() {
        let tree = tree();
        let memberships = [(A, Role::UserAdmin), (B, Role::Admin), (U, Role::Coach)];
        let actor = Actor { is_owner: false, memberships: &memberships, instructs: &[] };
        assert_eq!(shown(user_scope(&tree, &actor)), "A B");
        assert_eq!(shown(session_scope(&tree, &actor)), "A B U");
    }
}
