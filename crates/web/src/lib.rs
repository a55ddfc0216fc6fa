//! The HTTP layer: one axum router for HTML pages (`/fi/…`, `/en/…`), the
//! JSON API (`/api/v1`), feeds and operations endpoints. Handlers are thin:
//! they parse input, call a use case in `kimppa-app`, and render.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod challenges;
pub mod charts;
pub mod ctx;
pub mod directory;
pub mod errors;
pub mod events;
pub mod extract;
pub mod forms;
pub mod forum;
pub mod funding;
pub mod groups;
pub mod home;
pub mod i18n;
pub mod impact;
pub mod materials;
pub mod middleware;
pub mod notifications;
pub mod ops;
pub mod organisations;
pub mod overview;
pub mod page;
pub mod pipeline;
pub mod search;
pub mod session_store;
pub mod templates;
pub mod website;

use askama::Template;
use axum::{
    Router,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use kimppa_app::App;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::OnceLock;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: PrometheusHandle,
}

static METRICS: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide Prometheus recorder (installed once).
pub fn metrics_handle() -> PrometheusHandle {
    METRICS
        .get_or_init(|| {
            let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Renders a template to a string; a template error becomes a plain 500.
pub fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        "<!doctype html><title>Error</title><p>Internal error</p>".into()
    })
}

/// Renders a template as an HTML response.
pub fn html<T: Template>(t: &T) -> Response {
    Html(render(t)).into_response()
}

/// A URL query string (with `?`) of the non-empty pairs; empty when none.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        if !v.trim().is_empty() {
            s.append_pair(k, v.trim());
            any = true;
        }
    }
    if any { format!("?{}", s.finish()) } else { String::new() }
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let state = AppState { app: app.clone(), metrics: metrics_handle() };
    let sessions = SessionManagerLayer::new(session_store::DbSessionStore::new(app.clone()))
        .with_name("kimppa_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(app.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(14)));
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/my", get(overview::my))
        .merge(accounts::routes())
        .merge(organisations::routes())
        .merge(directory::routes())
        .merge(forum::routes())
        .merge(challenges::routes())
        .merge(materials::routes())
        .merge(events::routes())
        .merge(groups::routes())
        .merge(pipeline::routes())
        .merge(funding::routes())
        .merge(impact::routes())
        .merge(notifications::routes())
        .merge(website::routes())
        .nest(
            "/admin",
            admin::routes()
                .merge(website::admin_routes())
                .merge(directory::admin_routes())
                .merge(forum::moderation::admin_routes())
                .merge(challenges::admin_routes())
                .merge(materials::admin_routes())
                .merge(events::admin_routes())
                .merge(groups::admin_routes()),
        );
    Router::new()
        .route("/", get(home::root_redirect))
        // `nest` matches `/fi` but not `/fi/`, the canonical home URL.
        .route("/fi/", get(home::home))
        .route("/en/", get(home::home))
        .nest("/fi", pages.clone())
        .nest("/en", pages)
        .nest("/api/v1", api::routes())
        .merge(ops::routes())
        .merge(website::site_routes())
        .fallback(home::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::signed_in_pages))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(state.clone(), errors::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::page_cache))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::track_metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), website::track::count_views))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(4 * 1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(30),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Every method and path the router answers (`HEAD` left out: it follows
/// `GET`), read from the router itself so that a new route cannot escape
/// the authorization matrix. Read from the router's debug form, which
/// names each route's path and the methods it allows.
pub fn route_table(router: &Router) -> Vec<(String, String)> {
    let text = format!("{router:?}");
    // The routes proper; the fallback router after them reuses the ids.
    let text = text.split(", fallback_router:").next().unwrap_or_default();
    let mut methods: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    let mut paths: Vec<(&str, String)> = vec![];
    let mut rest = text;
    while let Some(i) = rest.find("RouteId(") {
        rest = &rest[i + "RouteId(".len()..];
        let Some(end) = rest.find(')') else { break };
        let id = &rest[..end];
        let after = &rest[end + 1..];
        if let Some(body) = after.strip_prefix(": MethodRouter(MethodRouter {") {
            let allow = body
                .find("allow_header: Bytes(b\"")
                .map(|a| &body[a + "allow_header: Bytes(b\"".len()..])
                .and_then(|a| a.find('"').map(|e| &a[..e]))
                .unwrap_or("");
            methods
                .insert(id, allow.split(',').filter(|m| !m.is_empty() && *m != "HEAD").map(str::to_string).collect());
        } else if let Some(p) = after.strip_prefix(": \"")
            && let Some(e) = p.find('"')
        {
            paths.push((id, p[..e].to_string()));
        }
    }
    let mut table: Vec<(String, String)> = paths
        .into_iter()
        .filter(|(_, p)| !p.contains("__private__"))
        .flat_map(|(id, p)| methods.get(id).cloned().unwrap_or_default().into_iter().map(move |m| (m, p.clone())))
        .collect();
    table.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    table.dedup();
    table
}

/// Serves until `shutdown` resolves; runs the job runner and housekeeping
/// alongside.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    if let Err(e) = kimppa_app::notifications::digest::ensure_scheduled(&app).await {
        tracing::warn!(error = %e.chain(), "could not schedule the notification digest");
    }
    if let Err(e) = kimppa_app::impact::rollup::ensure_scheduled(&app).await {
        tracing::warn!(error = %e.chain(), "could not schedule the indicators' rollup");
    }
    let jobs = tokio::spawn(kimppa_app::jobs::run(app.clone(), rx.clone()));
    let search = tokio::spawn(kimppa_app::search::sync::run(app.clone(), rx.clone()));
    let house = tokio::spawn(housekeeping(app.clone(), rx));
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    // The background tasks stop at this signal; one that ended early
    // (every receiver gone) needs none.
    let _ = tx.send(true);
    for (name, task) in [("jobs", jobs), ("search", search), ("housekeeping", house)] {
        if let Err(e) = task.await {
            tracing::error!(error = %e, task = name, "a background task ended abnormally");
        }
    }
    result
}

async fn housekeeping(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick: u64 = 0;
    loop {
        // Visitor counts are written in batches every few seconds.
        if let Err(e) = app.analytics.flush(&app).await {
            tracing::warn!(error = %e.chain(), "could not write visitor counts");
        }
        if tick.is_multiple_of(720)
            && let Err(e) = kimppa_app::sessions::delete_expired(&app).await
        {
            tracing::warn!(error = %e.chain(), "could not delete expired sessions");
        }
        tick += 1;
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = stop.changed() => {
                if let Err(e) = app.analytics.flush(&app).await {
                    tracing::warn!(error = %e.chain(), "visitor counts of the last seconds were not written");
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::{get, post};

    #[test]
    fn the_route_table_is_read_from_the_router() {
        async fn h() {}
        let inner = axum::Router::<()>::new().route("/x/{id}", get(h).post(h));
        let router = axum::Router::<()>::new()
            .route("/a", get(h))
            .route("/b", post(h))
            .nest("/n", inner)
            .fallback(h)
            .layer(axum::middleware::from_fn(|r: axum::extract::Request, n: axum::middleware::Next| n.run(r)));
        let table = super::route_table(&router);
        let pairs: Vec<(&str, &str)> = table.iter().map(|(m, p)| (m.as_str(), p.as_str())).collect();
        assert_eq!(pairs, vec![("GET", "/a"), ("POST", "/b"), ("GET", "/n/x/{id}"), ("POST", "/n/x/{id}")]);
    }
}
