//! The platform's own pages: Dashboard > LABELS, SETTINGS and BILLING, and the development
//! mailbox.

mod billing;
mod labels;
mod mailbox;
mod settings;

pub use billing::BillingPage;
pub use labels::LabelsPage;
pub use mailbox::MailboxPage;
pub use settings::SettingsPage;
