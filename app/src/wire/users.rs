//! Wire types: Setting up users, Dashboard > USERS and the user page (R25–R28, R39–R41). What
//! crosses between `api::users` and the screens.

use serde::{Deserialize, Serialize};

use crate::domain::account::UserStatus;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::wire::details::UserDetails;
use crate::wire::sort::{Sort, SortColumn};

/// The Set up a user form, as typed. Empty lists and absent options leave no key in the
/// URL-encoded request, hence `default`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// A user without email (R40): `username` instead of `email`.
    pub without_email: bool,
    pub username: String,
    /// The administrator's password for the user; ignored with `send_credentials`.
    pub password: String,
    /// "Send this new user credentials by email (login and password)" (R27).
    pub send_credentials: bool,
    pub groups: Vec<GroupId>,
    /// Applied in every group of `groups`.
    pub roles: Vec<Role>,
    /// Default language, deletion date, labels, custom-field values.
    pub details: UserDetails,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUpDone {
    pub user_id: i64,
    pub name: String,
    /// The email or username the user logs in with.
    pub login: String,
    pub credentials_sent: bool,
}

/// The groups of the group-selection modal. A platform may have 10,000 groups but only a few
/// distinct sets of grantable roles, so each group names its set by index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoices {
    pub role_sets: Vec<Vec<Role>>,
    /// Parents before their children.
    pub groups: Vec<AddableGroup>,
}

/// A group where this person may add users; `role_set` indexes `GroupChoices::role_sets`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddableGroup {
    pub id: GroupId,
    pub parent: Option<GroupId>,
    pub name: String,
    pub role_set: usize,
}

/// What Dashboard > USERS shows (R39): a search on name, email or username; users of any of
/// `groups`; holding `role` (in those groups, if any); with `status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFilter {
    pub search: String,
    pub groups: Vec<GroupId>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub label: Option<i64>,
    pub sort: UsersSort,
}

/// The order of Dashboard > USERS (R87).
pub type UsersSort = Sort<UsersColumn>;

/// The columns Dashboard > USERS sorts by. Ties are broken by name, then by account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsersColumn {
    #[default]
    Name,
    Status,
    CreatedOn,
    ActivatedOn,
}

impl SortColumn for UsersColumn {
    const ALL: &'static [UsersColumn] = &[UsersColumn::Name, UsersColumn::Status, UsersColumn::CreatedOn, UsersColumn::ActivatedOn];

    fn code(self) -> &'static str {
        match self {
            UsersColumn::Name => "name",
            UsersColumn::Status => "status",
            UsersColumn::CreatedOn => "created",
            UsersColumn::ActivatedOn => "activated",
        }
    }

    fn first_descending(self) -> bool {
        matches!(self, UsersColumn::CreatedOn | UsersColumn::ActivatedOn)
    }
}

/// A user's direct roles in one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroupRoles {
    pub group_id: GroupId,
    pub group: String,
    pub roles: Vec<Role>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    /// The email, or the username of a user without email.
    pub login: String,
    pub status: UserStatus,
    /// Direct memberships (the user page shows the propagated ones too).
    pub groups: Vec<UserGroupRoles>,
    pub labels: Vec<String>,
    /// `YYYY-MM-DD`, in the viewer's time zone (R86).
    pub created_on: String,
    pub activated_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    pub rows: Vec<UserRow>,
    /// How many users the filter keeps, counted up to `USERS_COUNTED` (`None`: more than that).
    pub total: Option<u64>,
    /// Where the previous and the next pages start, if there are such pages.
    pub previous: Option<UsersAt>,
    pub next: Option<UsersAt>,
    /// The names of the filter's groups, for its chips.
    pub filter_groups: Vec<(GroupId, String)>,
    /// The platform's labels (id and name, by name), for the filter.
    pub labels: Vec<(i64, String)>,
    /// The time zone its dates and times are in (R86): the viewer's.
    pub time_zone: String,
}

/// Where a page of USERS starts, in its order (R84, R87): right after a user, right before one,
/// or at the beginning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersAt {
    pub after: Option<i64>,
    pub before: Option<i64>,
}

/// Users are counted up to this many; past it the list says "more than".
pub const USERS_COUNTED: u64 = 1_000;

pub const USERS_PER_PAGE: u32 = 25;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMembership {
    pub group_id: GroupId,
    pub group: String,
    pub role: Role,
    /// The group a propagated learner membership came from (R11); `None` when direct.
    pub from: Option<String>,
}

/// An email sent (or being sent) to a user, with its delivery status (R41).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub queued_at: String,
    pub sent_at: Option<String>,
    /// queued, sending, sent or failed.
    pub status: String,
    pub attempts: i64,
    /// The SMTP server's reason, for a retried or failed email.
    pub error: Option<String>,
    /// Failed, and its link or password would still work: Resend is offered (R41, R64).
    pub resendable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub login: String,
    pub has_email: bool,
    pub status: UserStatus,
    pub created_on: String,
    pub activated_on: Option<String>,
    pub memberships: Vec<UserMembership>,
    pub labels: Vec<String>,
    /// (custom field, value)
    pub values: Vec<(String, String)>,
    /// Language, deletion date, labels and values as the form that changes them holds them.
    pub details: UserDetails,
    /// (session id, session, program)
    pub enrollments: Vec<(i64, String, String)>,
    pub emails: Vec<SentEmail>,
    /// Whether this person may change the user's language, labels and values (R54).
    pub may_manage: bool,
    /// Whether this person may also change the user's deletion date, set the password of a user
    /// without email (R40) or send a user with email new credentials (R58) (R54).
    pub may_manage_access: bool,
    /// No SMTP server and no development mailbox: emails wait in the outbox.
    pub emails_held: bool,
    /// The time zone its dates and times are in (R86): the viewer's.
    pub time_zone: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r87_an_order_reads_back_from_its_code_and_a_click_turns_it_round() {
        for &column in UsersColumn::ALL {
            for descending in [false, true] {
                let sort = UsersSort { column, descending };
                assert_eq!(UsersSort::parse(&sort.code()), Some(sort));
            }
        }
        assert_eq!(UsersSort::parse("-created"), Some(UsersSort { column: UsersColumn::CreatedOn, descending: true }));
        assert_eq!(UsersSort::parse("shoe size"), None);
        let by_name = UsersSort::default();
        assert_eq!(by_name.clicked(UsersColumn::Name), UsersSort { column: UsersColumn::Name, descending: true });
        assert_eq!(by_name.clicked(UsersColumn::CreatedOn), UsersSort { column: UsersColumn::CreatedOn, descending: true }, "the latest first");
        assert_eq!(by_name.clicked(UsersColumn::Status), UsersSort { column: UsersColumn::Status, descending: false });
    }
}
