//! Counts page views for the cookie-free analytics. Runs after the
//! response is made and only touches an in-memory batch.

use crate::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{Method, header},
    middleware::Next,
    response::Response,
};
use kimppa_app::website::analytics::View;

pub async fn count_views(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let countable = req.method() == Method::GET
        && (req.uri().path().starts_with("/fi/") || req.uri().path().starts_with("/en/"))
        && !req.uri().path().contains("/admin");
    if !countable {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let h = req.headers();
    let ua = h.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let dnt = h.get("dnt").is_some_and(|v| v == "1") || h.get("sec-gpc").is_some_and(|v| v == "1");
    let own_host = url::Url::parse(&s.app.config.base_url).ok().and_then(|u| u.host_str().map(str::to_string));
    let referrer = h
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .filter(|host| Some(host) != own_host.as_ref());
    let client = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into());
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    if response.status().is_success() && is_html {
        s.app.analytics.view(View {
            path: &path,
            client: &client,
            user_agent: &ua,
            referrer_host: referrer.as_deref(),
            do_not_track: dnt,
        });
    }
    response
}
