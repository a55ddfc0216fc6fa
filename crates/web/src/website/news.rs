use super::pick;
use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Query,
};
use askama::Template;
use axum::{extract::Path, response::Response};
use kimppa_app::records::news as news_e;
use kimppa_app::website::news;

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<u64>,
}

/// A news item prepared for a template in one language.
pub struct Item {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub date: String,
    pub iso_date: String,
    pub tags: Vec<String>,
}

pub fn item(p: &Page, n: &news_e::Model) -> Item {
    Item {
        slug: n.slug.clone(),
        title: pick(p.lang, &n.title_fi, &n.title_en).to_string(),
        summary: pick(p.lang, &n.summary_fi, &n.summary_en).to_string(),
        date: p.date(&n.published_at),
        iso_date: n.published_at.format("%Y-%m-%d").to_string(),
        tags: n.tags.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
    }
}

#[derive(Template)]
#[template(path = "website/news_list.html")]
struct ListPage {
    p: Page,
    items: Vec<Item>,
    page: u64,
    pages: u64,
}

pub async fn list(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, WebError> {
    let page = q.page.unwrap_or(1).max(1);
    let (rows, pages) = news::list(ctx.app(), &ctx.principal, page).await?;
    if page > pages {
        return Err(kimppa_app::AppError::NotFound.into());
    }
    let mut p = ctx.page("news-title").await;
    if page > 1 {
        p.title = format!("{} ({} {page})", p.title, p.t("page-number"));
    }
    let items = rows.iter().map(|n| item(&p, n)).collect();
    Ok(crate::html(&ListPage { p, items, page: page.min(pages), pages }))
}

#[derive(Template)]
#[template(path = "website/news_item.html")]
struct ItemPage {
    p: Page,
    item: Item,
    body: String,
    /// (file key, text alternative)
    image: Option<(String, String)>,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let n = news::get(ctx.app(), &ctx.principal, &slug).await?;
    let mut p = ctx.page("news-title").await;
    let it = item(&p, &n);
    p.title = it.title.clone();
    p.description = it.summary.clone();
    p.og_type = "article";
    p.set_json_ld(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": it.title,
        "description": it.summary,
        "datePublished": n.published_at.to_rfc3339(),
        "dateModified": n.updated_at.to_rfc3339(),
        "inLanguage": ctx.lang.code(),
        "url": p.canonical(),
        "publisher": { "@type": "Organization", "name": "Kimppa" },
    }));
    let body = kimppa_app::markdown::render(pick(ctx.lang, &n.body_fi, &n.body_en));
    let image = n.image_key.clone().map(|k| (k, pick(ctx.lang, &n.image_alt_fi, &n.image_alt_en).to_string()));
    Ok(crate::html(&ItemPage { p, item: it, body, image }))
}
