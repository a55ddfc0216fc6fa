//! Cross-cutting layers: security headers, CSRF, request metrics, the
//! page memory for anonymous visitors.

use crate::{AppState, ctx::SESSION_CSRF};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use kimppa_app::AppError;
use tower_sessions::Session;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Security headers on every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    // A handler may set a stricter policy (uploaded files are sandboxed).
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    r
}

/// Largest form body read for the CSRF check.
const MAX_FORM: usize = 4 * 1024 * 1024;

/// CSRF protection for every state-changing request to the HTML site:
/// the `Origin` (when sent) must be this site, and the body must carry the
/// session's token in the `csrf` field (urlencoded or multipart).
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !unsafe_method || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let forbidden = || crate::errors::WebError(AppError::Forbidden).into_response();
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        let base_host = url::Url::parse(&state.app.config.base_url).ok().and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        });
        if origin_host != host && Some(origin_host.to_string()) != base_host {
            tracing::info!(origin, host, "cross-origin form refused");
            return forbidden();
        }
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return forbidden();
    };
    let expected: Option<String> = match session.get(SESSION_CSRF).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "the session could not be read for the form check");
            None
        }
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_FORM).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).unwrap_or("");
    let ok = match &expected {
        None => false,
        Some(token) if content_type.starts_with("multipart/form-data") => multipart_has(&bytes, token),
        Some(token) => url::form_urlencoded::parse(&bytes).any(|(k, v)| k == "csrf" && v == token.as_str()),
    };
    if !ok {
        return crate::errors::WebError(AppError::FormExpired).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// True when a multipart body has a `csrf` part whose value is `token`.
fn multipart_has(body: &[u8], token: &str) -> bool {
    let needle = format!("name=\"csrf\"\r\n\r\n{token}\r\n");
    body.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Counts requests and their durations for `/metrics`.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().to_string();
    let route = route_label(req.uri().path());
    let r = next.run(req).await;
    let status = r.status().as_u16().to_string();
    metrics::counter!("kimppa_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("kimppa_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    r
}

/// A low-cardinality label: the first two segments after the language.
fn route_label(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).take(3).collect();
    match segs.as_slice() {
        ["fi" | "en", rest @ ..] => format!("/{}", rest.iter().take(1).copied().collect::<Vec<_>>().join("/")),
        [first, ..] => format!("/{first}"),
        [] => "/".into(),
    }
}

/// Public pages served from this node's page memory (after the language
/// prefix), besides the home page and the materials marketplace's list.
/// Everything else is always rendered.
const REMEMBERED_PAGES: &[&str] =
    &["/organisations", "/services", "/experts", "/pages/", "/news", "/glossary", "/clusters", "/faq", "/forum"];

/// Serves public pages to visitors without a session from this node's
/// memory ([`kimppa_app::pagecache`]) and forgets them after every write
/// through this node. Sits outside the session layer, so a remembered page
/// costs no database work; inside the view counter and metrics, so those
/// still see every request.
pub async fn page_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = state.app.pages.clone();
    if !cache.enabled() {
        return next.run(req).await;
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.run(req).await;
        if response.status().as_u16() < 400 {
            cache.invalidate();
        }
        return response;
    }
    if req.method() != Method::GET || !rememberable(&req) {
        return next.run(req).await;
    }
    let key = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
    let Some(generation) = cache.refresh(&state.app).await else {
        return next.run(req).await;
    };
    if let Some(page) = cache.get(&key) {
        return serve(&page);
    }
    let response = next.run(req).await;
    remember(&cache, generation, key, response).await
}

/// A remembered page as a response.
fn serve(page: &kimppa_app::pagecache::CachedPage) -> Response {
    let mut r = Response::new(Body::from(page.body.clone()));
    for (k, v) in &page.headers {
        if let (Ok(k), Ok(v)) = (header::HeaderName::try_from(k.as_str()), HeaderValue::try_from(v.as_str())) {
            r.headers_mut().append(k, v);
        }
    }
    r.headers_mut().insert("x-kimppa-cache", HeaderValue::from_static("hit"));
    r
}

/// Remembers a rendered page under `key` when it is a whole HTML page that
/// sets no cookie and asks not to be kept by no one; passes it on.
async fn remember(
    cache: &kimppa_app::pagecache::PageCache,
    generation: u64,
    key: String,
    response: Response,
) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    let small =
        axum::body::HttpBody::size_hint(response.body()).exact().is_some_and(|n| n as usize <= cache.max_page_bytes());
    if response.status() != StatusCode::OK
        || !html
        || !small
        || response.headers().contains_key(header::SET_COOKIE)
        || response.headers().contains_key(header::CACHE_CONTROL)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, cache.max_page_bytes()).await {
        Ok(b) => b,
        Err(e) => return crate::errors::WebError(AppError::internal(format!("page body: {e}"))).into_response(),
    };
    let headers = parts
        .headers
        .iter()
        .filter(|(k, _)| *k != header::CONTENT_LENGTH && *k != header::DATE)
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    cache.put(generation, key, kimppa_app::pagecache::CachedPage { headers, body: bytes.clone() });
    let mut r = Response::from_parts(parts, Body::from(bytes));
    r.headers_mut().insert("x-kimppa-cache", HeaderValue::from_static("miss"));
    r
}

/// Serves the same public pages to signed-in people from this node's
/// memory, each person's own rendering of them: the key names the person,
/// whether they passed the second factor and their session's form token
/// (which the page carries), so no one is ever served another's page.
/// Kept true like the visitors' pages (the change log, and every write
/// through this node), with [`kimppa_app::changelog::PERSONAL`] rows for
/// what one person alone sees. A page with a one-time message is always
/// rendered, and the session still slides ([`crate::ctx::slide`]). Sits
/// inside the session layer, so a remembered page costs the session's one
/// read.
pub async fn signed_in_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = state.app.pages.clone();
    if !cache.enabled() || req.method() != Method::GET || !public_page(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
    let Some(key) = signed_in_key(&session, &path).await else {
        return next.run(req).await;
    };
    if let Err(e) = crate::ctx::slide(&session).await {
        return crate::errors::WebError(e).into_response();
    }
    let Some(generation) = cache.refresh(&state.app).await else {
        return next.run(req).await;
    };
    if let Some(page) = cache.get(&key) {
        return serve(&page);
    }
    let response = next.run(req).await;
    // The handler changed what the key is made of (a message, a new form
    // token): the page is not that key's.
    if signed_in_key(&session, &path).await.as_ref() != Some(&key) {
        return response;
    }
    remember(&cache, generation, key, response).await
}

/// The memory key of a signed-in person's page, or `None` when the page is
/// not to be remembered: no one signed in, no form token yet, or a
/// one-time message to show.
async fn signed_in_key(session: &Session, path: &str) -> Option<String> {
    use crate::ctx::{SESSION_2FA, SESSION_CSRF, SESSION_FLASH, SESSION_USER};
    let user: i32 = session.get(SESSION_USER).await.ok()??;
    let csrf: String = session.get(SESSION_CSRF).await.ok()??;
    if session.get::<String>(SESSION_FLASH).await.ok()?.is_some() {
        return None;
    }
    let second_factor: bool = session.get(SESSION_2FA).await.ok()?.unwrap_or(false);
    Some(format!("signed-in {user} {second_factor} {csrf} {path}"))
}

/// One of the public pages remembered (see [`REMEMBERED_PAGES`]).
fn public_page(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/fi").or_else(|| path.strip_prefix("/en")) else {
        return false;
    };
    rest == "/" || rest == "/materials" || REMEMBERED_PAGES.iter().any(|p| rest.starts_with(p))
}

/// A GET of a public page by a visitor who has no session cookie.
fn rememberable(req: &Request) -> bool {
    let public = public_page(req.uri().path());
    let has_session = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains("kimppa_session="));
    public && !has_session
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_labels_are_coarse() {
        assert_eq!(super::route_label("/fi/organisations/acme"), "/organisations");
        assert_eq!(super::route_label("/api/v1/organisations"), "/api");
        assert_eq!(super::route_label("/"), "/");
    }

    #[test]
    fn multipart_token_is_found_only_as_the_csrf_field() {
        let body = b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nTOKEN\r\n--x--";
        assert!(super::multipart_has(body, "TOKEN"));
        assert!(!super::multipart_has(body, "OTHER"));
    }
}
