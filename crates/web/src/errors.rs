//! One mapping from domain errors to responses. Handlers return
//! [`WebError`]; the `render_errors` middleware turns it into an HTML page
//! (in the language of the URL) or `application/problem+json` by `Accept`.

use crate::{AppState, i18n::Lang};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use kimppa_app::AppError;

#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError(e)
    }
}

/// Marks a response as an error for [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Translation key of the title; also the problem type.
    pub key: &'static str,
    pub login_redirect: bool,
    pub second_factor_redirect: bool,
    pub detail: Vec<(String, String)>,
}

pub fn status_and_key(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "error-invalid"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
        AppError::LoginRequired => (StatusCode::UNAUTHORIZED, "error-login-required"),
        AppError::SecondFactorRequired => (StatusCode::FORBIDDEN, "error-second-factor"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "error-conflict"),
        AppError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "error-rate-limited"),
        AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "error-bad-credentials"),
        AppError::EmailNotVerified => (StatusCode::FORBIDDEN, "error-not-verified"),
        AppError::TokenInvalid => (StatusCode::GONE, "error-token-invalid"),
        AppError::FormExpired => (StatusCode::UNPROCESSABLE_ENTITY, "error-form-expired"),
        AppError::Db(_) | AppError::Internal { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, key) = status_and_key(&self.0);
        if status.is_server_error() {
            tracing::error!(error = %self.0.chain(), "request failed");
        }
        let detail = match &self.0 {
            AppError::Invalid(errs) => errs.iter().map(|e| (e.field.to_string(), e.code.to_string())).collect(),
            AppError::Conflict(c) => vec![("conflict".into(), c.to_string())],
            _ => vec![],
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorInfo {
            status,
            key,
            login_redirect: matches!(self.0, AppError::LoginRequired),
            second_factor_redirect: matches!(self.0, AppError::SecondFactorRequired),
            detail,
        });
        r
    }
}

pub fn wants_json(headers: &HeaderMap, path: &str) -> bool {
    path.starts_with("/api/")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") || a.contains("application/problem+json"))
}

/// Renders error responses (and bare 404/405s) for people or programs.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let path_q = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let json = wants_json(req.headers(), &path);
    let lang = Lang::from_path(&path).unwrap_or_default();
    let response = next.run(req).await;
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(i) => i.clone(),
        None if response.status() == StatusCode::NOT_FOUND
            && response.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            ErrorInfo {
                status: StatusCode::NOT_FOUND,
                key: "error-not-found",
                login_redirect: false,
                second_factor_redirect: false,
                detail: vec![],
            }
        }
        None if response.status() == StatusCode::METHOD_NOT_ALLOWED => ErrorInfo {
            status: StatusCode::METHOD_NOT_ALLOWED,
            key: "error-method",
            login_redirect: false,
            second_factor_redirect: false,
            detail: vec![],
        },
        None => return response,
    };
    if json {
        let body = Problem {
            kind: format!("https://kimppa.example.org/problems/{}", info.key.trim_start_matches("error-")),
            title: Lang::En.t(info.key),
            status: info.status.as_u16(),
            detail: Lang::En.t(&format!("{}-detail", info.key)),
            errors: info
                .detail
                .iter()
                .map(|(f, c)| FieldProblem { field: f.to_string(), code: c.to_string(), message: Lang::En.t(c) })
                .collect(),
        };
        let body = serde_json::to_string(&body).unwrap_or_default();
        return (info.status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
    }
    if info.login_redirect {
        let next = url::form_urlencoded::byte_serialize(path_q.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/{}/login?next={next}", lang.code())).into_response();
    }
    if info.second_factor_redirect {
        return Redirect::to(&format!("/{}/account/security", lang.code())).into_response();
    }
    let page = crate::templates::ErrorPage {
        p: crate::page::Page::bare(lang, lang.t(info.key), &state.app.config.base_url, &path_q),
        detail: lang.t(&format!("{}-detail", info.key)),
        status: info.status.as_u16(),
    };
    (info.status, Html(crate::render(&page))).into_response()
}

/// An error, as RFC 9457 `application/problem+json`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields whose values were refused (a 422); empty otherwise.
    pub errors: Vec<FieldProblem>,
}

/// One refused field of a request.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    /// The error's key, stable across languages (e.g. `err-required`).
    pub code: String,
    /// The error in English.
    pub message: String,
}
