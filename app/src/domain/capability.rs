//! What a permit allows (issue 11): one type per capability, each the owned form of one policy
//! question and naming its target. A service that takes a `Permit<ManageGroup>` acts on the group
//! the check was made for, and no other; only `Principal::require` makes a permit, after the
//! policy (`policy::decide`) said yes. A permit's target cannot change once granted.

use super::group_tree::GroupId;
use super::policy::{Action, Handling, Person, SessionRef};
use super::role::Role;

/// A question the policy answers, with its target.
pub trait Capability {
    fn action(&self) -> Action<'_>;
}

/// Create a subgroup under this group, rename it, make it public or private, move it, or move a
/// group under it (R52).
#[derive(Clone, Copy, Debug)]
pub struct ManageGroup(pub GroupId);

/// Add users to this group with these roles — invite, set up, add an existing user (R1–R3, R6).
/// With no role chosen yet, the least right here (adding learners) is asked, and the service
/// answers "choose a role".
#[derive(Clone, Debug)]
pub struct AddToGroup {
    group: GroupId,
    roles: Vec<Role>,
    asked: Vec<(GroupId, Role)>,
}

impl AddToGroup {
    pub fn new(group: GroupId, roles: &[Role]) -> AddToGroup {
        let asked = if roles.is_empty() { vec![(group, Role::Learner)] } else { roles.iter().map(|&role| (group, role)).collect() };
        AddToGroup { group, roles: roles.to_vec(), asked }
    }
    pub fn group(&self) -> GroupId {
        self.group
    }
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }
}

/// Add users somewhere (R1–R3): Dashboard > USERS, user pages, the Invitations list, the set-up
/// form. What is done to a user or an invitation is then asked of the policy on its own
/// (`ManageUser`, `ManageInvitation`, `AddToGroup` per group), by the holder of this permit.
#[derive(Clone, Copy, Debug)]
pub struct AddUsersSomewhere;

/// Cancel or resend this invitation (R3, R38), by its grants as they stand.
#[derive(Clone, Debug)]
pub struct ManageInvitation {
    pub id: i64,
    pub grants: Vec<(GroupId, Role)>,
}

/// Manage this person's account (R54): details, or access.
#[derive(Clone, Debug)]
pub struct ManageUser {
    pub user: i64,
    pub is_owner: bool,
    /// The (group, role) pairs the person holds directly.
    pub direct: Vec<(GroupId, Role)>,
    pub handling: Handling,
}

/// Take this role away from members of this group (R52).
#[derive(Clone, Copy, Debug)]
pub struct RemoveRole(pub GroupId, pub Role);

/// Invite learners from inside this session, or pick existing users as its learners (R4, R30).
#[derive(Clone, Copy, Debug)]
pub struct InviteFromSession(pub SessionRef);

/// Create sessions in this group (R53).
#[derive(Clone, Copy, Debug)]
pub struct ManageSessions(pub GroupId);

/// Manage this session: its instructors and its groups (R53, by the session's group).
#[derive(Clone, Copy, Debug)]
pub struct ManageSession(pub SessionRef);

/// Create programs (R53): whoever may create sessions somewhere.
#[derive(Clone, Copy, Debug)]
pub struct ManageSessionsSomewhere;

/// Define labels and custom fields (R43), change the platform's settings (R76).
#[derive(Clone, Copy, Debug)]
pub struct AdministerPlatform;

/// See who is billed (R45).
#[derive(Clone, Copy, Debug)]
pub struct SeeBilling;

impl Capability for ManageGroup {
    fn action(&self) -> Action<'_> {
        Action::ManageGroup(self.0)
    }
}
impl Capability for AddToGroup {
    fn action(&self) -> Action<'_> {
        Action::AddUsers(&self.asked)
    }
}
impl Capability for AddUsersSomewhere {
    fn action(&self) -> Action<'_> {
        Action::AddUsersSomewhere
    }
}
impl Capability for ManageInvitation {
    fn action(&self) -> Action<'_> {
        Action::ManageInvitation(&self.grants)
    }
}
impl Capability for ManageUser {
    fn action(&self) -> Action<'_> {
        Action::ManageUser(Person { is_owner: self.is_owner, direct: &self.direct }, self.handling)
    }
}
impl Capability for RemoveRole {
    fn action(&self) -> Action<'_> {
        Action::RemoveRole(self.0, self.1)
    }
}
impl Capability for InviteFromSession {
    fn action(&self) -> Action<'_> {
        Action::InviteFromSession(self.0)
    }
}
impl Capability for ManageSessions {
    fn action(&self) -> Action<'_> {
        Action::ManageSessions(self.0)
    }
}
impl Capability for ManageSession {
    fn action(&self) -> Action<'_> {
        Action::ManageSessions(self.0.group)
    }
}
impl Capability for ManageSessionsSomewhere {
    fn action(&self) -> Action<'_> {
        Action::ManageSessionsSomewhere
    }
}
impl Capability for AdministerPlatform {
    fn action(&self) -> Action<'_> {
        Action::AdministerPlatform
    }
}
impl Capability for SeeBilling {
    fn action(&self) -> Action<'_> {
        Action::SeeBilling
    }
}
