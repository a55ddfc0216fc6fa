//! The public website and knowledge base (SPEC C1, C4 glossary and FAQ):
//! pages with revisions, news, glossary, FAQ, other clusters, the sitemap
//! and cookie-free analytics.

pub mod analytics;
pub mod clusters;
pub mod editing;
pub mod faq;
pub mod glossary;
pub mod news;
pub mod pages;
pub mod sitemap;

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";
