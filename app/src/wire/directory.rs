//! Wire types: The shell (top bar, group tree), a group page, the development mailbox. What crosses
//! between `api::directory` and the screens.

use serde::{Deserialize, Serialize};

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::wire::groups::MemberRow;

/// The cookie in which the browser says which time zone it is in (R86): set by the page once
/// hydrated, read by the server for the next pages.
pub const ZONE_COOKIE: &str = "roster_tz";

/// What every signed-in page shows around its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellData {
    pub platform_name: String,
    pub platform_group_id: GroupId,
    pub viewer_name: String,
    pub viewer_login: String,
    /// The sidebar's groups, depth first, with their depth (all of them, or on a large platform
    /// the way to the current group).
    pub tree: Vec<TreeItem>,
    /// Whether to show + > User (the server checks again on use).
    pub may_add_users: bool,
    /// Whether to show Dashboard > USERS: platform administrators (the server checks again).
    pub may_see_dashboard: bool,
    /// Emails are kept in the development mailbox, not sent: a banner says so.
    pub development_mail: bool,
    /// Whether to show the development mailbox (the owner, when it is on).
    pub may_see_mailbox: bool,
    /// Whether to show Dashboard > BILLING: the owner (R45).
    pub may_see_billing: bool,
    /// Dashboard > SETTINGS: platform administrators.
    pub may_see_settings: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeItem {
    pub id: GroupId,
    pub name: String,
    pub depth: usize,
    pub is_public: bool,
    /// Subgroups left out of a large sidebar (shown on the way to them).
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: GroupId,
    pub name: String,
    pub is_public: bool,
    pub is_platform_group: bool,
    /// From the platform group down to this group's parent.
    pub ancestors: Vec<(GroupId, String)>,
    pub subgroups: Vec<(GroupId, String, bool)>,
    /// Counted up to `USERS_COUNTED` (`None`: more than that).
    pub member_count: Option<u64>,
    /// Rename, make public/private, move, create subgroups (R52).
    pub may_manage: bool,
    /// The roles this person may grant here (R1–R3, R6); empty if none.
    pub grantable_roles: Vec<Role>,
    /// The roles this person may take away here (R52: an admin role only from strictly above).
    pub removable_roles: Vec<Role>,
    /// A page of members in name order (R84), for those who manage the group or its people;
    /// `None` for others.
    pub members: Option<Vec<MemberRow>>,
    /// Where the previous and the next pages of members start, if there are such pages.
    pub members_previous: Option<crate::wire::users::UsersAt>,
    pub members_next: Option<crate::wire::users::UsersAt>,
    /// Where this group may move: groups the person manages, outside its subtree (path names).
    pub move_targets: Vec<(GroupId, String)>,
}

/// An email of the development mailbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailboxEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub status: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub queued_at: String,
}
