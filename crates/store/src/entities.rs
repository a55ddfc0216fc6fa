//! One module per table. Columns hold plain values; the app layer turns
//! them into domain types.

pub mod agreement_acceptance;
pub mod agreement_version;
pub mod analytics_count;
pub mod analytics_salt;
pub mod analytics_visitor;
pub mod audit_entry;
pub mod change_log;
pub mod cluster;
pub mod contact_reply;
pub mod contact_request;
pub mod email;
pub mod email_token;
pub mod expert;
pub mod faq_item;
pub mod faq_question;
pub mod glossary_term;
pub mod invitation;
pub mod login_failure;
pub mod membership_event;
pub mod news;
pub mod org_member;
pub mod organisation;
pub mod page;
pub mod page_revision;
pub mod service;
pub mod service_provider;
pub mod session;
pub mod user;
pub mod webhook_delivery;
pub mod webhook_endpoint;
