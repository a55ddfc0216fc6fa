use super::pick;
use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
};
use askama::Template;
use axum::{extract::Path, response::Response};
use kimppa_app::website::pages;
use kimppa_domain::ContentStatus;

#[derive(Template)]
#[template(path = "website/page.html")]
struct PageView {
    p: Page,
    body: String,
    draft: bool,
    slug: String,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let v = pages::get(ctx.app(), &ctx.principal, &slug).await?;
    let mut p = ctx.page("site-description").await;
    p.title = pick(ctx.lang, &v.rev.title_fi, &v.rev.title_en).to_string();
    p.description = pick(ctx.lang, &v.rev.summary_fi, &v.rev.summary_en).to_string();
    p.set_json_ld(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": p.title,
        "description": p.description,
        "inLanguage": ctx.lang.code(),
        "dateModified": v.rev.created_at.to_rfc3339(),
        "url": p.canonical(),
    }));
    let body = kimppa_app::markdown::render(pick(ctx.lang, &v.rev.body_fi, &v.rev.body_en));
    Ok(crate::html(&PageView { p, body, draft: v.page.status != ContentStatus::Published, slug: v.page.slug }))
}
