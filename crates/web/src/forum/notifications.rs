//! Watching (threads, areas, topics), the notification list, notification
//! settings, and the signed unsubscribe links of notification email.

use super::name;
use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::{
    AppError,
    forum::{
        self, Viewer,
        notify::{self, EmailMode, Target, Unsubscribe},
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forum/threads/{id}/watch", post(watch_thread))
        .route("/forum/categories/{slug}/watch", post(watch_area))
        .route("/forum/tags/{slug}/watch", post(watch_topic))
        .route("/notifications", get(list))
        .route("/notifications/read", post(read))
        .route("/notifications/settings", get(settings).post(save_settings))
        .route("/notifications/focus", post(save_focus))
        .route("/notifications/unwatch", post(unwatch))
        .route("/notifications/unsubscribe", get(unsubscribe).post(resubscribe))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WatchForm {
    /// `true` to watch, anything else to stop.
    pub on: String,
}

async fn set_watch(ctx: &Ctx, target: Target, on: bool) -> Result<(), WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    if on {
        let v = Viewer::of(ctx.app(), &ctx.actor).await?;
        notify::watch(ctx.app(), &ctx.actor, &v, target).await?;
        ctx.flash("watch-started").await;
    } else {
        notify::unwatch(ctx.app(), uid, target).await?;
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

/// A notification ready for the template.
pub struct ItemView {
    pub id: i32,
    pub text: String,
    pub href: String,
    pub when: String,
    pub iso: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "forum/notifications.html")]
struct ListPage {
    p: Page,
    items: Vec<ItemView>,
    unread: u64,
    page: u64,
    pages: u64,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageParam {
    pub page: Option<String>,
}

pub async fn list(ctx: Ctx, Query(q): Query<PageParam>) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    let v = Viewer::of(ctx.app(), &ctx.actor).await?;
    let page = q.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let l = notify::list(ctx.app(), &v, uid, page).await?;
    let p = ctx.form_page("notifications-title").await;
    let items = l
        .items
        .into_iter()
        .map(|i| {
            let key = match i.n.event.as_str() {
                "reply" => "notification-reply",
                "thread" => "notification-thread",
                "expert" => "notification-expert",
                _ => "notification-invite",
            };
            let text = p.lang.t_args(key, &[("actor", i.actor.clone()), ("title", i.thread_title.clone())]);
            let href = match i.n.post_id {
                Some(post) => p.href(&format!("/forum/threads/{}/replies/{post}", i.n.thread_id)),
                None => p.href(&format!("/forum/threads/{}", i.n.thread_id)),
            };
            ItemView {
                id: i.n.id,
                text,
                href,
                when: p.datetime(&i.n.created_at),
                iso: i.n.created_at.to_rfc3339(),
                unread: i.n.read_at.is_none(),
            }
        })
        .collect();
    Ok(crate::html(&ListPage { p, items, unread: l.unread, page: l.page, pages: l.pages }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReadForm {
    /// One notification's id; empty marks all read.
    pub id: String,
    /// Where to go next: `open` follows the notification's link.
    pub href: String,
}

pub async fn read(ctx: Ctx, Form(f): Form<ReadForm>) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    let id = f.id.trim().parse::<i32>().ok();
    notify::mark_read(ctx.app(), uid, id).await?;
    // Only links inside the forum are followed (no open redirect).
    let prefix = ctx.href("/forum/threads/");
    if id.is_some() && f.href.starts_with(&prefix) && !f.href.contains("//") {
        return Ok(Redirect::to(&f.href).into_response());
    }
    ctx.flash("notifications-marked-read").await;
    Ok(Redirect::to(&ctx.href("/notifications")).into_response())
}

/// A subscription as the settings page lists it.
pub struct WatchedView {
    pub kind_label: String,
    pub label: String,
    pub href: String,
    pub key: String,
}

#[derive(Template)]
#[template(path = "forum/notification_settings.html")]
struct SettingsPage {
    p: Page,
    mode: &'static str,
    watched: Vec<WatchedView>,
    /// Focus areas (key, label, followed): new challenges in them are emailed.
    focus: Vec<(String, String, bool)>,
}

pub async fn settings(ctx: Ctx) -> Result<Response, WebError> {
    settings_page(&ctx, StatusCode::OK).await
}

async fn settings_page(ctx: &Ctx, status: StatusCode) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    let v = Viewer::of(ctx.app(), &ctx.actor).await?;
    let mode = notify::email_mode(ctx.app(), uid).await?.as_str();
    let areas = forum::categories(ctx.app()).await?;
    let topics = forum::tags(ctx.app()).await?;
    let p = ctx.form_page("notification-settings-title").await;
    let watched = notify::watched(ctx.app(), &v, uid)
        .await?
        .into_iter()
        .map(|w| {
            let (kind_label, label, href) = match w.target {
                Target::Thread(id) => (p.t("watch-kind-thread"), w.label, p.href(&format!("/forum/threads/{id}"))),
                Target::Area(id) => {
                    let l = areas
                        .iter()
                        .find(|c| c.id == id)
                        .map(|c| name(p.lang, &c.name_fi, &c.name_en).to_string())
                        .unwrap_or(w.label);
                    (p.t("watch-kind-area"), l, p.href(&format!("/forum/categories/{}", w.slug.unwrap_or_default())))
                }
                Target::Topic(id) => {
                    let l = topics
                        .iter()
                        .find(|t| t.id == id)
                        .map(|t| name(p.lang, &t.name_fi, &t.name_en).to_string())
                        .unwrap_or(w.label);
                    (p.t("watch-kind-topic"), l, p.href(&format!("/forum/tags/{}", w.slug.unwrap_or_default())))
                }
            };
            WatchedView { kind_label, label, href, key: w.target.key() }
        })
        .collect();
    let followed = kimppa_app::challenges::notify::followed(ctx.app(), uid).await?;
    let focus = kimppa_domain::FocusArea::ALL
        .iter()
        .map(|a| (a.key().to_string(), p.t(&format!("focus-{}", a.key())), followed.contains(a)))
        .collect();
    Ok((status, crate::html(&SettingsPage { p, mode, watched, focus })).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub email_mode: String,
}

pub async fn save_settings(ctx: Ctx, Form(f): Form<SettingsForm>) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    let mode = EmailMode::parse(&f.email_mode).ok_or(AppError::field("email_mode", "err-unknown-value"))?;
    notify::set_email_mode(ctx.app(), uid, mode).await?;
    ctx.flash("notification-settings-saved").await;
    Ok(Redirect::to(&ctx.href("/notifications/settings")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FocusForm {
    pub focus_areas: Vec<String>,
}

/// Saves the focus areas whose new challenges the person hears of.
pub async fn save_focus(ctx: Ctx, Form(f): Form<FocusForm>) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    kimppa_app::challenges::notify::set_followed(ctx.app(), uid, &f.focus_areas).await?;
    ctx.flash("notification-settings-saved").await;
    Ok(Redirect::to(&ctx.href("/notifications/settings")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UnwatchForm {
    /// `thread:5`, `area:2` or `topic:3`.
    pub target: String,
}

pub async fn unwatch(ctx: Ctx, Form(f): Form<UnwatchForm>) -> Result<Response, WebError> {
    let uid = ctx.actor.user_id().ok_or(AppError::LoginRequired)?;
    let target = Target::parse(&f.target).ok_or(AppError::NotFound)?;
    notify::unwatch(ctx.app(), uid, target).await?;
    ctx.flash("watch-stopped").await;
    Ok(Redirect::to(&ctx.href("/notifications/settings")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SignedParams {
    pub u: String,
    pub s: String,
    pub sig: String,
    /// The email mode before "all email" was stopped (for the undo).
    pub prev: String,
}

#[derive(Template)]
#[template(path = "forum/unsubscribed.html")]
struct UnsubscribedPage {
    p: Page,
    /// What was stopped, in words.
    what: String,
    undone: bool,
    u: String,
    s: String,
    sig: String,
    prev: String,
}

async fn describe(ctx: &Ctx, what: Unsubscribe) -> Result<String, WebError> {
    let l = ctx.lang;
    Ok(match what {
        Unsubscribe::AllEmail => l.t("unsubscribed-email"),
        Unsubscribe::Focus(a) => l.t_args("unsubscribed-focus", &[("name", l.t(&format!("focus-{}", a.key())))]),
        Unsubscribe::Watch(Target::Thread(_)) => l.t("unsubscribed-thread"),
        Unsubscribe::Watch(Target::Area(id)) => {
            let c = forum::categories(ctx.app()).await?.into_iter().find(|c| c.id == id);
            l.t_args(
                "unsubscribed-area",
                &[("name", c.map(|c| name(l, &c.name_fi, &c.name_en).to_string()).unwrap_or_default())],
            )
        }
        Unsubscribe::Watch(Target::Topic(id)) => {
            let t = forum::tags(ctx.app()).await?.into_iter().find(|t| t.id == id);
            l.t_args(
                "unsubscribed-topic",
                &[("name", t.map(|t| name(l, &t.name_fi, &t.name_en).to_string()).unwrap_or_default())],
            )
        }
    })
}

/// The link in an email: stops at once, without a login, and offers an undo.
pub async fn unsubscribe(ctx: Ctx, Query(q): Query<SignedParams>) -> Result<Response, WebError> {
    let uid = q.u.parse::<i32>().map_err(|_| AppError::NotFound)?;
    let prev = notify::email_mode(ctx.app(), uid).await?.as_str().to_string();
    let what = notify::unsubscribe(ctx.app(), uid, &q.s, &q.sig).await?;
    let what = describe(&ctx, what).await?;
    let p = ctx.form_page("unsubscribed-title").await;
    Ok(crate::html(&UnsubscribedPage { p, what, undone: false, u: q.u, s: q.s, sig: q.sig, prev }))
}

/// The undo button of the unsubscribe page (signed like the link).
pub async fn resubscribe(ctx: Ctx, Form(q): Form<SignedParams>) -> Result<Response, WebError> {
    let uid = q.u.parse::<i32>().map_err(|_| AppError::NotFound)?;
    let what = notify::resubscribe(ctx.app(), uid, &q.s, &q.sig, EmailMode::parse(&q.prev)).await?;
    let what = describe(&ctx, what).await?;
    let p = ctx.form_page("resubscribed-title").await;
    Ok(crate::html(&UnsubscribedPage { p, what, undone: true, u: q.u, s: q.s, sig: q.sig, prev: q.prev }))
}
