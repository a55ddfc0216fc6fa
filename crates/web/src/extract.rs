//! Extractors whose rejections become clear errors instead of plain text.

use axum::extract::{FromRequest, Request};
use kimppa_app::AppError;

use crate::errors::WebError;

/// `application/x-www-form-urlencoded` body (repeated keys become lists); a malformed body is a 422
/// with a translated message, never a panic.
pub struct Form<T>(pub T);

impl<S, T> FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError(AppError::field("form", "err-form")))?;
        // serde_html_form understands repeated keys (checkbox lists).
        serde_html_form::from_bytes::<T>(&bytes).map(Form).map_err(|e| {
            tracing::debug!(error = %e, "form rejected");
            WebError(AppError::field("form", "err-form"))
        })
    }
}

/// Query string; malformed queries are refused with a 422.
pub struct Query<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(_) => Err(WebError(AppError::field("query", "err-form"))),
        }
    }
}
