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

/// A form that may carry one file in its `attachment` field: read from
/// `multipart/form-data` (or, without a file, `application/x-www-form-urlencoded`).
/// The other fields are read as [`Form`] reads them.
pub struct FormWithFile<T>(pub T, pub Option<kimppa_app::forum::attachments::Upload>);

impl<S, T> FromRequest<S> for FormWithFile<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("multipart/form-data"));
        if !multipart {
            let Form(t) = Form::<T>::from_request(req, state).await?;
            return Ok(FormWithFile(t, None));
        }
        let bad = || WebError(AppError::field("form", "err-form"));
        let mut mp = axum::extract::Multipart::from_request(req, state).await.map_err(|_| bad())?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut file = None;
        while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
            let name = field.name().unwrap_or("").to_string();
            if name == "attachment" {
                let file_name = field.file_name().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| WebError(AppError::field("attachment", "err-attachment-too-large")))?;
                if !bytes.is_empty() {
                    file = Some(kimppa_app::forum::attachments::Upload { name: file_name, bytes });
                }
                continue;
            }
            let value = field.text().await.map_err(|_| bad())?;
            pairs.push((name, value));
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        serde_html_form::from_str::<T>(&encoded).map(|t| FormWithFile(t, file)).map_err(|e| {
            tracing::debug!(error = %e, "form rejected");
            bad()
        })
    }
}

/// Query string read like a form: repeated keys become lists (filters that
/// may be given several times); malformed queries are refused with a 422.
pub struct ListQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ListQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_html_form::from_str::<T>(q).map(ListQuery).map_err(|_| WebError(AppError::field("query", "err-form")))
    }
}

/// A form body as its type and as its raw pairs (for fields whose names
/// are data, such as the pipeline's own fields `cf-<key>`).
pub struct FormPairs<T>(pub T, pub Vec<(String, String)>);

impl<S, T> FromRequest<S> for FormPairs<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError(AppError::field("form", "err-form")))?;
        let t = serde_html_form::from_bytes::<T>(&bytes).map_err(|e| {
            tracing::debug!(error = %e, "form rejected");
            WebError(AppError::field("form", "err-form"))
        })?;
        let pairs = url::form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        Ok(FormPairs(t, pairs))
    }
}
