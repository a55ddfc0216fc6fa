//! Front page and the language redirect of `/`.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    i18n::Lang,
};
use askama::Template;
use axum::{
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::organisations;

/// `/` → `/fi/` or `/en/` by `Accept-Language`.
pub async fn root_redirect(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    let mut r = Redirect::to(&format!("/{}/", lang.code())).into_response();
    r.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept-language"));
    r
}

pub async fn not_found(_s: State<AppState>) -> WebError {
    WebError(kimppa_app::AppError::NotFound)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    p: Page,
    member_count: u64,
    newest: Vec<kimppa_app::records::organisation::Model>,
    news: Vec<crate::website::NewsItem>,
    events: Vec<crate::events::CardView>,
}

pub async fn home(ctx: Ctx) -> Result<Response, WebError> {
    let (member_count, orgs) = organisations::newest_public(ctx.app(), 6).await?;
    let mut p = ctx.page("home-title").await;
    p.set_json_ld(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Kimppa",
        "url": p.canonical(),
        "description": p.t("site-description"),
        "member": orgs.iter().map(|o| serde_json::json!({"@type": "Organization", "name": o.name})).collect::<Vec<_>>(),
    }));
    let news = kimppa_app::website::news::latest(ctx.app(), 3)
        .await?
        .iter()
        .map(|n| crate::website::news_item(&p, n))
        .collect();
    let upcoming = kimppa_app::events::upcoming(ctx.app(), &ctx.principal, 3).await?;
    let names = crate::events::Names::load(ctx.app(), &upcoming).await?;
    let events = upcoming.iter().map(|e| crate::events::card(&p, &names, e)).collect();
    Ok(crate::html(&HomePage { p, member_count, newest: orgs, news, events }))
}
