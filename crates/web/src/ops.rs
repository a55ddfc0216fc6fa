//! Operations endpoints and static assets: `/healthz`, `/readyz`,
//! `/metrics`, `/static/…`, uploaded logos under `/media/…`.

use crate::AppState;
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

const STYLE: &str = include_str!("../static/style.css");
const SEARCH_JS: &str = include_str!("../static/search.js");
const FAVICON_ICO: &[u8] = include_bytes!("../static/favicon.ico");
const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/static/style.css", get(style))
        .route("/static/search.js", get(search_js))
        .route("/media/{*key}", get(media))
        .route("/robots.txt", get(robots))
        .route("/favicon.ico", get(favicon_ico))
        .route("/static/favicon.svg", get(favicon_svg))
}

/// Crawlers may read everything public; the sitemap lists it.
async fn robots(State(s): State<AppState>) -> String {
    format!(
        "User-agent: *\nDisallow: /fi/admin\nDisallow: /en/admin\nDisallow: /api/\nSitemap: {}/sitemap.xml\n",
        s.app.config.base_url.trim_end_matches('/')
    )
}

/// Ready when the database answers.
async fn readyz(State(s): State<AppState>) -> Response {
    if s.app.ready().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render()).into_response()
}

async fn search_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        SEARCH_JS,
    )
        .into_response()
}

async fn favicon_ico() -> Response {
    ([(header::CONTENT_TYPE, "image/x-icon"), (header::CACHE_CONTROL, "public, max-age=86400")], FAVICON_ICO)
        .into_response()
}

async fn favicon_svg() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], FAVICON_SVG)
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE)
        .into_response()
}

/// Serves an uploaded file with its checked type; never sniffed as HTML.
async fn media(State(s): State<AppState>, Path(key): Path<String>) -> Result<Response, crate::errors::WebError> {
    let bytes = s.app.files.get(&key).await?.ok_or(kimppa_app::AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, kimppa_app::files::ImageKind::content_type_of(&key)),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"),
        ],
        bytes,
    )
        .into_response())
}
