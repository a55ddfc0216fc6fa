//! Outgoing webhooks: operators register endpoints; every event is stored
//! as one delivery per active endpoint and posted by the job runner, which
//! retries failures with backoff. Each request carries
//!
//! - `X-Kimppa-Event`: the event name (`lead.created`),
//! - `X-Kimppa-Delivery`: the delivery id (receivers use it to drop repeats),
//! - `X-Kimppa-Timestamp`: Unix seconds when it was signed,
//! - `X-Kimppa-Signature`: `sha256=` + hex HMAC-SHA256 with the endpoint's
//!   secret over `"{timestamp}.{body}"`.
//!
//! Receivers recompute the signature ([`verify`]) and refuse old timestamps.

use crate::{
    App, AppError,
    jobs::{Attempt, JobError},
    now,
    policy::{self, Action, Principal},
};
use hmac::{Hmac, Mac};
use kimppa_store::entities::{webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use sha2::Sha256;
use std::sync::OnceLock;

/// Change-log kind of a pending delivery.
pub const DELIVER: &str = "webhook.deliver";
pub const STATUS_PENDING: &str = "pending";
pub const STATUS_DELIVERED: &str = "delivered";
pub const STATUS_FAILED: &str = "failed";
/// Receivers should refuse signatures older than this.
pub const TOLERANCE_SECONDS: i64 = 300;

/// `sha256=<hex>` over `"{timestamp}.{body}"`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this does not fail; if it ever
    // did, an empty signature is refused by every receiver.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// What a receiver does: checks the signature in constant time and that
/// the timestamp is recent.
pub fn verify(secret: &str, timestamp: &str, signature: &str, body: &[u8], now_unix: i64) -> bool {
    let Ok(ts) = timestamp.trim().parse::<i64>() else { return false };
    if (now_unix - ts).abs() > TOLERANCE_SECONDS {
        return false;
    }
    let Some(hex_sig) = signature.trim().strip_prefix("sha256=") else { return false };
    let Ok(sig) = hex::decode(hex_sig) else { return false };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// Stores one delivery per active endpoint and queues it; call inside the
/// transaction of the change the event describes.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, event: &str, payload: &serde_json::Value) -> Result<(), AppError> {
    let endpoints =
        webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::Active.eq(true)).all(conn).await?;
    let body = serde_json::to_string(payload).map_err(AppError::internal)?;
    for e in endpoints {
        let d = webhook_delivery::ActiveModel {
            endpoint_id: Set(e.id),
            event: Set(event.into()),
            payload: Set(body.clone()),
            status: Set(STATUS_PENDING.into()),
            attempts: Set(0),
            response_code: Set(None),
            last_error: Set(None),
            created_at: Set(now()),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        crate::changelog::record(conn, DELIVER, &serde_json::json!({ "delivery_id": d.id })).await?;
    }
    Ok(())
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Kimppa-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

#[derive(serde::Deserialize)]
struct DeliveryQueued {
    delivery_id: i32,
}

pub(super) fn register(jobs: &mut crate::jobs::Handlers) {
    jobs.on_attempt(
        DELIVER,
        |app, p: DeliveryQueued, attempt| async move { deliver(&app, p.delivery_id, attempt).await },
    );
}

/// The job handler: posts one delivery. Idempotent: a delivered one is
/// not sent again. An error makes the job runner retry with backoff; the
/// delivery is marked failed with the runner's last attempt.
pub async fn deliver(app: &App, delivery_id: i32, attempt: Attempt) -> Result<(), JobError> {
    let Some(d) = webhook_delivery::Entity::find_by_id(delivery_id).one(&app.db).await? else {
        return Ok(());
    };
    if d.status != STATUS_PENDING {
        return Ok(());
    }
    let endpoint = webhook_endpoint::Entity::find_by_id(d.endpoint_id).one(&app.db).await?;
    let Some(endpoint) = endpoint.filter(|e| e.active) else {
        let mut am = d.into_active_model();
        am.status = Set(STATUS_FAILED.into());
        am.last_error = Set(Some("endpoint removed or disabled".into()));
        am.update(&app.db).await?;
        return Ok(());
    };
    let ts = now().timestamp();
    let signature = sign(&endpoint.secret, ts, d.payload.as_bytes());
    let result = client()
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("x-kimppa-event", &d.event)
        .header("x-kimppa-delivery", d.id.to_string())
        .header("x-kimppa-timestamp", ts.to_string())
        .header("x-kimppa-signature", signature)
        .body(d.payload.clone())
        .send()
        .await;
    let attempts = d.attempts + 1;
    let last = attempt.is_last();
    let mut am = d.into_active_model();
    am.attempts = Set(attempts);
    let outcome = match result {
        Ok(r) if r.status().is_success() => {
            am.status = Set(STATUS_DELIVERED.into());
            am.response_code = Set(Some(r.status().as_u16() as i32));
            am.last_error = Set(None);
            am.delivered_at = Set(Some(now()));
            Ok(())
        }
        Ok(r) => {
            am.response_code = Set(Some(r.status().as_u16() as i32));
            Err(format!("receiver answered {}", r.status()))
        }
        Err(e) => {
            am.response_code = Set(None);
            Err(format!("request failed: {e}"))
        }
    };
    if let Err(e) = &outcome {
        am.last_error = Set(Some(e.clone()));
        if last {
            am.status = Set(STATUS_FAILED.into());
        }
    }
    am.update(&app.db).await?;
    outcome.map_err(JobError::Delivery)
}

/// The endpoint form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct EndpointForm {
    pub url: String,
    pub description: String,
}

/// Registers an endpoint with a new random secret.
pub async fn create(app: &App, actor: &Principal, f: &EndpointForm) -> Result<webhook_endpoint::Model, AppError> {
    policy::require(actor, Action::ManageWebhooks)?;
    let mut c = crate::error::Checker::default();
    let url = match url::Url::parse(f.url.trim()) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() && f.url.len() <= 500 => {
            Some(u.to_string())
        }
        _ => {
            c.push("url", "err-url");
            None
        }
    };
    let description = c.check("description", kimppa_domain::optional_text(&f.description, 200));
    c.finish()?;
    let e = webhook_endpoint::ActiveModel {
        url: Set(url.ok_or_else(crate::error::checked)?),
        secret: Set(crate::tokens::new_token()),
        description: Set(description.flatten().unwrap_or_default()),
        active: Set(true),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    crate::changelog::admin_action(&app.db, actor.user_id().unwrap_or_default(), "webhook.create", &e.url, "").await?;
    app.jobs_wake.notify_one();
    Ok(e)
}

/// Turns an endpoint on or off.
pub async fn set_active(app: &App, actor: &Principal, id: i32, active: bool) -> Result<(), AppError> {
    policy::require(actor, Action::ManageWebhooks)?;
    let e = webhook_endpoint::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let url = e.url.clone();
    let mut am = e.into_active_model();
    am.active = Set(active);
    am.update(&app.db).await?;
    let action = if active { "webhook.enable" } else { "webhook.disable" };
    crate::changelog::admin_action(&app.db, actor.user_id().unwrap_or_default(), action, &url, "").await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Endpoints and the latest `recent` deliveries. Two queries.
pub async fn overview(
    app: &App,
    actor: &Principal,
    recent: u64,
) -> Result<(Vec<webhook_endpoint::Model>, Vec<webhook_delivery::Model>), AppError> {
    policy::require(actor, Action::ManageWebhooks)?;
    let endpoints = webhook_endpoint::Entity::find().order_by_asc(webhook_endpoint::Column::Id).all(&app.db).await?;
    let deliveries =
        webhook_delivery::Entity::find().order_by_desc(webhook_delivery::Column::Id).limit(recent).all(&app.db).await?;
    Ok((endpoints, deliveries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let body = br#"{"event":"lead.created"}"#;
        let sig = sign("s3cret", 1_700_000_000, body);
        assert!(sig.starts_with("sha256="));
        assert!(verify("s3cret", "1700000000", &sig, body, 1_700_000_010));
        assert!(!verify("other", "1700000000", &sig, body, 1_700_000_010), "wrong secret");
        assert!(!verify("s3cret", "1700000001", &sig, body, 1_700_000_010), "timestamp is signed");
        assert!(!verify("s3cret", "1700000000", &sig, b"{}", 1_700_000_010), "body is signed");
        assert!(!verify("s3cret", "1700000000", &sig, body, 1_700_001_000), "too old");
        assert!(!verify("s3cret", "x", "sha256=zz", body, 0));
    }
}
