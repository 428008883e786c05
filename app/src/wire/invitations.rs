//! Wire types: Inviting, registering, the Invitations list (R20–R24, R38). What crosses between
//! `api::invitations` and the screens.

use serde::{Deserialize, Serialize};

use crate::domain::invitation::InviteResult;
use crate::domain::role::Role;
use crate::wire::sort::{Sort, SortColumn};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    /// The address as typed.
    pub address: String,
    pub result: InviteResult,
}

/// What the registration page shows (R22): the invited address and the platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForm {
    pub email: String,
    pub platform_name: String,
}

/// A row of the Invitations list (R38).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    /// (group name, role): the grants that stand.
    pub grants: Vec<(String, Role)>,
    /// The grants whose maker has since lost the right to make them: dropped at registration
    /// (R24, R72). With no grant standing, the link will not work.
    pub lapsed: Vec<(String, Role)>,
    pub invited_by: String,
    /// `YYYY-MM-DD HH:MM`, in the viewer's time zone (R86).
    pub invited_at: String,
    pub last_sent_at: Option<String>,
    pub expires_at: String,
    pub is_expired: bool,
    /// The delivery status of the latest email (R41): queued, sending, sent, failed.
    pub delivery: String,
    pub delivery_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    pub rows: Vec<InvitationRow>,
    /// The cursor of the next page, if any.
    pub next: Option<String>,
    /// The time zone its dates and times are in (R86): the viewer's.
    pub time_zone: String,
}

pub const INVITATIONS_PER_PAGE: usize = 25;

/// The order of the Invitations list (R87).
pub type InvitationsSort = Sort<InvitationsColumn>;

/// The columns the Invitations list sorts by; equal values by invitation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationsColumn {
    /// When it was made (or renewed, R73): by default, the latest first.
    #[default]
    Invited,
    Email,
    /// Expired ones and those about to expire first.
    Expiry,
}

impl SortColumn for InvitationsColumn {
    const ALL: &'static [InvitationsColumn] = &[InvitationsColumn::Invited, InvitationsColumn::Email, InvitationsColumn::Expiry];

    fn code(self) -> &'static str {
        match self {
            InvitationsColumn::Invited => "invited",
            InvitationsColumn::Email => "email",
            InvitationsColumn::Expiry => "expiry",
        }
    }

    fn first_descending(self) -> bool {
        self == InvitationsColumn::Invited
    }
}

/// The longest search worth running (a name or an address).
pub const SEARCH_MAX: usize = 200;
