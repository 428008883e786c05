//! Invitations (R20–R24, R38): inviting, registering from the link, whether grants still stand,
//! and managing them. One file per feature; the services keep their names
//! (`invitations::invite`, `invitations::accept`…).

mod accept;
mod grants;
mod invite;
mod manage;

pub use accept::{accept, language_of_link, pending_address, Registered, Registration};
pub use invite::{invite, Inviting};
pub(crate) use invite::{invite_many, Batch, Invitee};
pub use manage::{cancel, list, resend, RESEND_INTERVAL_MS};
pub(crate) use manage::require_manage;
