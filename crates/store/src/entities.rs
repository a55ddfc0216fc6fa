//! One module per table. Columns hold plain values; the app layer turns
//! them into domain types.

pub mod agreement_acceptance;
pub mod agreement_version;
pub mod audit_entry;
pub mod change_log;
pub mod email;
pub mod email_token;
pub mod invitation;
pub mod login_failure;
pub mod membership_event;
pub mod org_member;
pub mod organisation;
pub mod session;
pub mod user;
