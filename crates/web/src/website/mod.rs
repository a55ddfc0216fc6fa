//! Pages of the public website and knowledge base: CMS pages, news and
//! feeds, glossary, FAQ, other clusters, search, the sitemap; and the
//! orchestrators' editors and analytics.

mod admin;
pub(crate) mod api;
mod content_admin;
mod feeds;
mod knowledge;
mod news;
pub use news::{Item as NewsItem, item as news_item};
mod pages;
mod questions;
pub mod track;

use crate::AppState;
use axum::{
    Router,
    routing::{get, post},
};

/// Routes under `/{lang}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pages/{slug}", get(pages::show))
        .route("/news", get(news::list))
        .route("/news/rss.xml", get(feeds::rss))
        .route("/news/atom.xml", get(feeds::atom))
        .route("/news/{slug}", get(news::show))
        .route("/glossary", get(knowledge::glossary))
        .route("/glossary/{slug}", get(knowledge::term))
        .route("/faq", get(knowledge::faq).post(knowledge::ask))
        .route("/clusters", get(knowledge::clusters))
        .route("/search", get(knowledge::search))
}

/// Routes under `/{lang}/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/pages", get(admin::pages))
        .route("/pages/new", get(admin::new_page).post(admin::create_page))
        .route("/pages/{slug}/edit", get(admin::edit_page).post(admin::update_page))
        .route("/pages/{slug}/history", get(admin::history))
        .route("/pages/{slug}/restore/{revision}", post(admin::restore))
        .route("/content/{kind}", get(content_admin::list))
        .route("/content/{kind}/new", get(content_admin::new_form).post(content_admin::create))
        .route("/content/{kind}/{key}/edit", get(content_admin::edit_form).post(content_admin::update))
        .route("/content/news/{slug}/image", post(content_admin::news_image))
        .route("/questions", get(questions::queue))
        .route("/questions/{id}", get(questions::show))
        .route("/questions/{id}/take", post(questions::take))
        .route("/questions/{id}/answer", post(questions::answer))
        .route("/questions/{id}/publish", post(questions::publish))
        .route("/questions/{id}/close", post(questions::close))
        .route("/analytics", get(admin::analytics))
        .route("/analytics.csv", get(admin::analytics_csv))
}

/// Site-wide routes.
pub fn site_routes() -> Router<AppState> {
    Router::new().route("/sitemap.xml", get(feeds::sitemap))
}

/// The text in the page's language.
pub fn pick<'a>(lang: crate::i18n::Lang, fi: &'a str, en: &'a str) -> &'a str {
    if lang == crate::i18n::Lang::En && !en.is_empty() { en } else { fi }
}
