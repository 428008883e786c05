//! The platform's own pages: Dashboard > LABELS, SETTINGS, API TOKENS and BILLING, and the
//! development mailbox.

mod api_tokens;
mod billing;
mod labels;
mod mailbox;
mod settings;

pub use api_tokens::ApiTokensPage;
pub use billing::BillingPage;
pub use labels::LabelsPage;
pub use mailbox::MailboxPage;
pub use settings::SettingsPage;
