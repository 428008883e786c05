//! What became of one address of an invite (R21).

use serde::{Deserialize, Serialize};

/// What became of one address of the Emails field (R21).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteResult {
    /// A new invitation, its email queued.
    Invited,
    /// A pending invitation existed: it gained the new groups and roles.
    AlreadyInvited,
    /// "The following user already has an active account"; `may_add_here` offers to add that
    /// user to the group instead.
    ActiveAccount { user_id: i64, may_add_here: bool },
    Invalid,
    /// The same address earlier in the list.
    Repeated,
}
