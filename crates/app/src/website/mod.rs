//! The public website and knowledge base (SPEC C1, C4 glossary and FAQ):
//! pages with revisions, news, glossary, FAQ, other clusters, the sitemap
//! and cookie-free analytics.

pub mod analytics;
pub mod clusters;
pub mod documents;
pub mod editing;
pub mod faq;
pub mod glossary;
pub mod news;
pub mod pages;
pub mod questions;
pub mod sitemap;

/// The website's hooks: its search documents.
pub fn register(h: &mut crate::hooks::Hooks) {
    documents::register(h);
}

pub const DRAFT: kimppa_domain::ContentStatus = kimppa_domain::ContentStatus::Draft;
pub const PUBLISHED: kimppa_domain::ContentStatus = kimppa_domain::ContentStatus::Published;
