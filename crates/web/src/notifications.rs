//! The kernel's pages for every capability's notices: the list with the
//! unread count, notification settings, and the signed unsubscribe links
//! of notification email (which work without a login).

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forum::{name, watching::watched_views},
};
use askama::Template;
use axum::{
    Router,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::{
    AppError,
    notifications::{self, EmailMode, Stopped, unsubscribe},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(read))
        .route("/notifications/settings", get(settings).post(save_settings))
        .route("/notifications/unsubscribe", get(unsubscribe).post(resubscribe))
}

/// A notice ready for the template.
pub struct ItemView {
    pub id: i32,
    pub text: String,
    pub href: String,
    pub when: String,
    pub iso: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
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
    let page = q.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let l = notifications::list(ctx.app(), &ctx.principal, page).await?;
    let p = ctx.form_page("notifications-title").await;
    let items = l
        .items
        .into_iter()
        .map(|i| {
            let key = format!("notification-{}", i.n.event);
            let text = p.lang.t_args(&key, &[("actor", i.actor.clone()), ("title", i.n.title.clone())]);
            ItemView {
                id: i.n.id,
                text,
                href: p.href(&i.n.link),
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
    /// One notice's id; empty marks all read.
    pub id: String,
}

/// Marks one notice read and follows its own link, or marks all read.
pub async fn read(ctx: Ctx, Form(f): Form<ReadForm>) -> Result<Response, WebError> {
    let id = f.id.trim().parse::<i32>().ok();
    if let Some(link) = notifications::mark_read(ctx.app(), &ctx.principal, id).await? {
        return Ok(Redirect::to(&ctx.href(&link)).into_response());
    }
    ctx.flash("notifications-marked-read").await;
    Ok(Redirect::to(&ctx.href("/notifications")).into_response())
}

#[derive(Template)]
#[template(path = "notifications/settings.html")]
struct SettingsPage {
    p: Page,
    mode: &'static str,
    watched: Vec<crate::forum::watching::WatchedView>,
    /// Focus areas (key, label, followed): new challenges in them are emailed.
    focus: Vec<(String, String, bool)>,
}

pub async fn settings(ctx: Ctx) -> Result<Response, WebError> {
    settings_page(&ctx, StatusCode::OK).await
}

/// What a person hears of: the email mode (the kernel's), the threads,
/// areas and topics they watch (the forum's) and the focus areas whose new
/// challenges they follow (the challenges').
async fn settings_page(ctx: &Ctx, status: StatusCode) -> Result<Response, WebError> {
    let uid = kimppa_app::policy::user_id(&ctx.principal)?;
    let mode = notifications::email_mode(ctx.app(), uid.0).await?.as_str();
    let p = ctx.form_page("notification-settings-title").await;
    let watched = watched_views(ctx, &p).await?;
    let followed = kimppa_app::challenges::following::followed(ctx.app(), uid.0).await?;
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
    let uid = kimppa_app::policy::user_id(&ctx.principal)?;
    let mode = EmailMode::parse(&f.email_mode).ok_or(AppError::field("email_mode", "err-unknown-value"))?;
    notifications::set_email_mode(ctx.app(), uid.0, mode).await?;
    ctx.flash("notification-settings-saved").await;
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
#[template(path = "notifications/unsubscribed.html")]
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

fn describe(ctx: &Ctx, what: &Stopped) -> String {
    let l = ctx.lang;
    match &what.name {
        None => l.t(what.key),
        Some((fi, en)) => {
            let name = if what.name_is_key { l.t(fi) } else { name(l, fi, en).to_string() };
            l.t_args(what.key, &[("name", name)])
        }
    }
}

/// The link in an email: stops at once, without a login, and offers an undo.
pub async fn unsubscribe(ctx: Ctx, Query(q): Query<SignedParams>) -> Result<Response, WebError> {
    let uid = q.u.parse::<i32>().map_err(|_| AppError::NotFound)?;
    let prev = notifications::email_mode(ctx.app(), uid).await?.as_str().to_string();
    let what = unsubscribe::stop(ctx.app(), uid, &q.s, &q.sig).await?;
    let what = describe(&ctx, &what);
    let p = ctx.form_page("unsubscribed-title").await;
    Ok(crate::html(&UnsubscribedPage { p, what, undone: false, u: q.u, s: q.s, sig: q.sig, prev }))
}

/// The undo button of the unsubscribe page (signed like the link).
pub async fn resubscribe(ctx: Ctx, Form(q): Form<SignedParams>) -> Result<Response, WebError> {
    let uid = q.u.parse::<i32>().map_err(|_| AppError::NotFound)?;
    let what = unsubscribe::undo(ctx.app(), uid, &q.s, &q.sig, EmailMode::parse(&q.prev)).await?;
    let what = describe(&ctx, &what);
    let p = ctx.form_page("resubscribed-title").await;
    Ok(crate::html(&UnsubscribedPage { p, what, undone: true, u: q.u, s: q.s, sig: q.sig, prev: q.prev }))
}
