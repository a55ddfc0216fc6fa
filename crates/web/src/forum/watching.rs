//! Watching threads, areas and topics, and stopping it from the
//! notification settings.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
};
use axum::{
    Router,
    extract::Path,
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use kimppa_app::{
    AppError,
    forum::{
        self,
        watching::{self, Target},
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forum/threads/{id}/watch", post(watch_thread))
        .route("/forum/categories/{slug}/watch", post(watch_area))
        .route("/forum/tags/{slug}/watch", post(watch_topic))
        .route("/notifications/unwatch", post(unwatch))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WatchForm {
    /// `true` to watch, anything else to stop.
    pub on: String,
}

async fn set_watch(ctx: &Ctx, target: Target, on: bool) -> Result<(), WebError> {
    let uid = kimppa_app::policy::user_id(&ctx.principal)?;
    if on {
        watching::watch(ctx.app(), &ctx.principal, target).await?;
        ctx.flash("watch-started").await;
    } else {
        watching::unwatch(ctx.app(), uid.0, target).await?;
        ctx.flash("watch-stopped").await;
    }
    Ok(())
}

pub async fn watch_thread(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<WatchForm>) -> Result<Response, WebError> {
    set_watch(&ctx, Target::Thread(id), f.on == "true").await?;
    Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}#watch"))).into_response())
}

pub async fn watch_area(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<WatchForm>) -> Result<Response, WebError> {
    let c = forum::categories(ctx.app()).await?.into_iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?;
    set_watch(&ctx, Target::Area(c.id), f.on == "true").await?;
    Ok(Redirect::to(&ctx.href(&format!("/forum/categories/{slug}#watch"))).into_response())
}

pub async fn watch_topic(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<WatchForm>) -> Result<Response, WebError> {
    let t = forum::tags(ctx.app()).await?.into_iter().find(|t| t.slug == slug).ok_or(AppError::NotFound)?;
    set_watch(&ctx, Target::Topic(t.id), f.on == "true").await?;
    Ok(Redirect::to(&ctx.href(&format!("/forum/tags/{slug}#watch"))).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UnwatchForm {
    /// `thread:5`, `area:2` or `topic:3`.
    pub target: String,
}

pub async fn unwatch(ctx: Ctx, Form(f): Form<UnwatchForm>) -> Result<Response, WebError> {
    let uid = kimppa_app::policy::user_id(&ctx.principal)?;
    let target = Target::parse(&f.target).ok_or(AppError::NotFound)?;
    watching::unwatch(ctx.app(), uid.0, target).await?;
    ctx.flash("watch-stopped").await;
    Ok(Redirect::to(&ctx.href("/notifications/settings")).into_response())
}

/// A subscription as the settings page lists it.
pub struct WatchedView {
    pub kind_label: String,
    pub label: String,
    pub href: String,
    pub key: String,
}

/// What the person watches, for the notification settings.
pub async fn watched_views(ctx: &Ctx, p: &Page) -> Result<Vec<WatchedView>, WebError> {
    let areas = forum::categories(ctx.app()).await?;
    let topics = forum::tags(ctx.app()).await?;
    Ok(watching::watched(ctx.app(), &ctx.principal)
        .await?
        .into_iter()
        .map(|w| {
            let (kind_label, label, href) = match w.target {
                Target::Thread(id) => (p.t("watch-kind-thread"), w.label, p.href(&format!("/forum/threads/{id}"))),
                Target::Area(id) => {
                    let l = areas
                        .iter()
                        .find(|c| c.id == id)
                        .map(|c| super::name(p.lang, &c.name_fi, &c.name_en).to_string())
                        .unwrap_or(w.label);
                    (p.t("watch-kind-area"), l, p.href(&format!("/forum/categories/{}", w.slug.unwrap_or_default())))
                }
                Target::Topic(id) => {
                    let l = topics
                        .iter()
                        .find(|t| t.id == id)
                        .map(|t| super::name(p.lang, &t.name_fi, &t.name_en).to_string())
                        .unwrap_or(w.label);
                    (p.t("watch-kind-topic"), l, p.href(&format!("/forum/tags/{}", w.slug.unwrap_or_default())))
                }
            };
            WatchedView { kind_label, label, href, key: w.target.key() }
        })
        .collect())
}
