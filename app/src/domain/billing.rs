//! What made an account billable (R26), as stored.

use serde::{Deserialize, Serialize};

/// What made an account billable (R26).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingReason {
    /// Set up with no email asked for (or without email, R40).
    SetUp,
    /// Its credentials email was sent (R27).
    CredentialsSent,
    /// It registered through its invitation (R22).
    InvitationAccepted,
}

impl BillingReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingReason::SetUp => "set_up",
            BillingReason::CredentialsSent => "credentials_sent",
            BillingReason::InvitationAccepted => "invitation_accepted",
        }
    }

    /// The stored reason; an unknown one reads as set-up (the column is written only by `bill`).
    pub fn parse(text: &str) -> BillingReason {
        match text {
            "credentials_sent" => BillingReason::CredentialsSent,
            "invitation_accepted" => BillingReason::InvitationAccepted,
            _ => BillingReason::SetUp,
        }
    }
}
