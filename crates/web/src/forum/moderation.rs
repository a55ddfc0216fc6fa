//! Forum care pages: moderator actions on threads and replies, reports and
//! their queue, editing with history, and the accepted answer.

use super::name;
use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::forum::{
    self,
    areas::{self, AreaForm},
    moderation::{self, ModerateForm},
};
use kimppa_domain::UserId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forum/threads/{id}/moderate", post(moderate))
        .route("/forum/threads/{id}/replies/{post}/hidden", post(hide))
        .route("/forum/threads/{id}/report", get(report_form).post(report))
        .route("/forum/threads/{id}/edit", get(edit_form).post(edit))
        .route("/forum/threads/{id}/history", get(history))
        .route("/forum/threads/{id}/accept", post(accept))
}

pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/forum", get(queue))
        .route("/forum/reports/{id}/resolve", post(resolve))
        .route("/forum/pending", post(decide_pending))
        .route("/forum/areas", get(areas))
        .route("/forum/{kind}/new", get(new_area_form).post(create_area))
        .route("/forum/{kind}/{slug}", get(edit_area_form).post(update_area))
}

fn back(ctx: &Ctx, id: i32) -> Response {
    Redirect::to(&ctx.href(&format!("/forum/threads/{id}"))).into_response()
}

pub async fn moderate(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ModerateForm>) -> Result<Response, WebError> {
    moderation::moderate(ctx.app(), &ctx.principal, id, &f).await?;
    ctx.flash("forum-moderated").await;
    Ok(back(&ctx, id))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HiddenForm {
    pub hidden: String,
}

pub async fn hide(
    ctx: Ctx,
    Path((id, post)): Path<(i32, i32)>,
    Form(f): Form<HiddenForm>,
) -> Result<Response, WebError> {
    let thread = moderation::hide_post(ctx.app(), &ctx.principal, post, f.hidden == "true").await?;
    if thread != id {
        return Err(kimppa_app::AppError::NotFound.into());
    }
    ctx.flash("forum-moderated").await;
    Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}#reply-{post}"))).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PostParam {
    pub post: Option<i32>,
}

#[derive(Template)]
#[template(path = "forum/report.html")]
struct ReportPage {
    p: Page,
    id: i32,
    post: Option<i32>,
    thread_title: String,
    reason: String,
    errors: FormErrors,
}

async fn report_page(
    ctx: &Ctx,
    id: i32,
    post: Option<i32>,
    reason: String,
    errors: FormErrors,
) -> Result<Response, WebError> {
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::PostInForum)?;
    let thread = forum::get(ctx.app(), &ctx.principal, id).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ReportPage {
        p: ctx.form_page("forum-report-title").await,
        id,
        post,
        thread_title: thread.title,
        reason,
        errors,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn report_form(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<PostParam>) -> Result<Response, WebError> {
    report_page(&ctx, id, q.post, String::new(), FormErrors::none()).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub post: Option<i32>,
    pub reason: String,
}

pub async fn report(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ReportForm>) -> Result<Response, WebError> {
    match moderation::report(ctx.app(), &ctx.principal, id, f.post, &f.reason).await {
        Ok(()) => {
            ctx.flash("forum-reported").await;
            Ok(back(&ctx, id))
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            report_page(&ctx, id, f.post, f.reason, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "forum/edit.html")]
struct EditPage {
    p: Page,
    id: i32,
    post: Option<i32>,
    title: String,
    body: String,
    errors: FormErrors,
}

async fn edit_page(
    ctx: &Ctx,
    id: i32,
    post: Option<i32>,
    typed: Option<(String, String)>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let thread = forum::get(ctx.app(), &ctx.principal, id).await?;
    kimppa_app::policy::signed_in(&ctx.principal)?;
    let (author, title, body) = match post {
        None => (thread.author_id, thread.title.clone(), thread.body.clone()),
        Some(p) => {
            let r = forum::reply_of(ctx.app(), &thread, p).await?;
            (r.author_id, String::new(), r.body)
        }
    };
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::EditForumText { author: UserId(author) })?;
    let (title, body) = typed.unwrap_or((title, body));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = EditPage { p: ctx.form_page("forum-edit-title").await, id, post, title, body, errors };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<PostParam>) -> Result<Response, WebError> {
    edit_page(&ctx, id, q.post, None, FormErrors::none()).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EditForm {
    pub post: Option<i32>,
    pub title: String,
    pub body: String,
}

pub async fn edit(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<EditForm>) -> Result<Response, WebError> {
    let title = f.post.is_none().then_some(f.title.as_str());
    match moderation::edit(ctx.app(), &ctx.principal, id, f.post, title, &f.body).await {
        Ok(()) => {
            ctx.flash("forum-edited").await;
            let anchor = f.post.map(|p| format!("#reply-{p}")).unwrap_or_default();
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}{anchor}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            edit_page(&ctx, id, f.post, Some((f.title, f.body)), errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "forum/history.html")]
struct HistoryPage {
    p: Page,
    id: i32,
    title: String,
    /// (what: thread or reply id, editor, when, iso, title, body as Markdown source)
    revisions: Vec<(Option<i32>, String, String, String, String, String)>,
}

pub async fn history(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (thread, revs) = moderation::history(ctx.app(), &ctx.principal, id).await?;
    let p = ctx.page("forum-history-title").await;
    let revisions = revs
        .into_iter()
        .map(|(r, editor)| (r.post_id, editor, p.datetime(&r.created_at), r.created_at.to_rfc3339(), r.title, r.body))
        .collect();
    Ok(crate::html(&HistoryPage { p, id, title: thread.title, revisions }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    pub post: Option<i32>,
}

pub async fn accept(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<AcceptForm>) -> Result<Response, WebError> {
    moderation::accept(ctx.app(), &ctx.principal, id, f.post).await?;
    ctx.flash(if f.post.is_some() { "forum-accepted" } else { "forum-accept-cleared" }).await;
    Ok(back(&ctx, id))
}

/// An open report as the queue shows it.
struct QueueRow {
    id: i32,
    thread: i32,
    post: Option<i32>,
    title: String,
    reporter: String,
    when: String,
    reason: String,
    text: String,
}

#[derive(Template)]
#[template(path = "forum/queue.html")]
struct QueuePage {
    p: Page,
    pending: Vec<PendingView>,
    reports: Vec<QueueRow>,
}

pub async fn queue(ctx: Ctx) -> Result<Response, WebError> {
    let rows = moderation::open_reports(ctx.app(), &ctx.principal).await?;
    let p = ctx.form_page("forum-queue-title").await;
    let reports = rows
        .into_iter()
        .map(|r| QueueRow {
            id: r.report.id,
            thread: r.report.thread_id,
            post: r.report.post_id,
            title: r.thread_title,
            reporter: r.reporter,
            when: p.datetime(&r.report.created_at),
            reason: r.report.reason,
            text: r.text.chars().take(400).collect(),
        })
        .collect();
    let pending = moderation::pending(ctx.app(), &ctx.principal)
        .await?
        .into_iter()
        .map(|r| PendingView {
            thread: r.thread_id,
            post: r.post_id.map(|p| p.to_string()).unwrap_or_default(),
            title: r.thread_title,
            author: r.author,
            when: p.datetime(&r.created_at),
            html: kimppa_app::markdown::render(&r.text),
        })
        .collect();
    Ok(crate::html(&QueuePage { p, pending, reports }))
}

/// A first post waiting for approval, for the queue.
pub struct PendingView {
    pub thread: i32,
    /// The reply's id, empty for a thread.
    pub post: String,
    pub title: String,
    pub author: String,
    pub when: String,
    pub html: String,
}

pub async fn decide_pending(ctx: Ctx, Form(f): Form<moderation::PendingDecision>) -> Result<Response, WebError> {
    let approve = moderation::decide_pending(ctx.app(), &ctx.principal, &f).await?;
    ctx.flash(if approve { "forum-approved" } else { "forum-rejected" }).await;
    Ok(Redirect::to(&ctx.href("/admin/forum")).into_response())
}

pub async fn resolve(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    moderation::resolve(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("forum-report-resolved").await;
    Ok(Redirect::to(&ctx.href("/admin/forum")).into_response())
}

/// Category choices for the move form: (slug, name, is the current one).
pub async fn move_choices(ctx: &Ctx, current: &str) -> Result<Vec<(String, String, bool)>, WebError> {
    Ok(forum::categories(ctx.app())
        .await?
        .into_iter()
        .map(|c| {
            let sel = c.slug == current;
            (c.slug.clone(), name(ctx.lang, &c.name_fi, &c.name_en).to_string(), sel)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "forum/areas.html")]
struct AreasPage {
    p: Page,
    /// (slug, name, position) of areas; (slug, name) of topics.
    areas: Vec<(String, String, i32)>,
    topics: Vec<(String, String)>,
}

/// Areas and topics, with links to edit and to add.
pub async fn areas(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::ModerateForum)?;
    let p = ctx.page("forum-areas-title").await;
    let areas = forum::categories(ctx.app())
        .await?
        .into_iter()
        .map(|c| (c.slug.clone(), name(p.lang, &c.name_fi, &c.name_en).to_string(), c.position))
        .collect();
    let topics = forum::tags(ctx.app())
        .await?
        .into_iter()
        .map(|t| (t.slug.clone(), name(p.lang, &t.name_fi, &t.name_en).to_string()))
        .collect();
    Ok(crate::html(&AreasPage { p, areas, topics }))
}

#[derive(Template)]
#[template(path = "forum/area_form.html")]
struct AreaFormPage {
    p: Page,
    /// `areas` or `topics`.
    kind: &'static str,
    /// The address the form posts to.
    action: String,
    form: AreaForm,
    errors: FormErrors,
}

async fn area_form_page(
    ctx: &Ctx,
    kind: &'static str,
    existing: Option<&str>,
    form: AreaForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::ModerateForum)?;
    let action = match existing {
        Some(s) => ctx.href(&format!("/admin/forum/{kind}/{s}")),
        None => ctx.href(&format!("/admin/forum/{kind}/new")),
    };
    let title = if kind == "areas" { "forum-area-form-title" } else { "forum-topic-form-title" };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AreaFormPage { p: ctx.form_page(title).await, kind, action, form, errors };
    Ok((status, crate::html(&page)).into_response())
}

fn kind_of(kind: &str) -> Result<&'static str, WebError> {
    match kind {
        "areas" => Ok("areas"),
        "topics" => Ok("topics"),
        _ => Err(kimppa_app::AppError::NotFound.into()),
    }
}

pub async fn new_area_form(ctx: Ctx, Path(kind): Path<String>) -> Result<Response, WebError> {
    area_form_page(&ctx, kind_of(&kind)?, None, AreaForm::default(), FormErrors::none()).await
}

pub async fn edit_area_form(ctx: Ctx, Path((kind, slug)): Path<(String, String)>) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    let form = if kind == "areas" {
        forum::categories(ctx.app()).await?.iter().find(|c| c.slug == slug).map(AreaForm::from_area)
    } else {
        forum::tags(ctx.app()).await?.iter().find(|t| t.slug == slug).map(AreaForm::from_topic)
    };
    area_form_page(&ctx, kind, Some(&slug), form.ok_or(kimppa_app::AppError::NotFound)?, FormErrors::none()).await
}

async fn save_area(
    ctx: Ctx,
    kind: &'static str,
    existing: Option<String>,
    form: AreaForm,
) -> Result<Response, WebError> {
    let saved = if kind == "areas" {
        areas::save_area(ctx.app(), &ctx.principal, existing.as_deref(), &form).await.map(|_| ())
    } else {
        areas::save_topic(ctx.app(), &ctx.principal, existing.as_deref(), &form).await.map(|_| ())
    };
    match saved {
        Ok(()) => {
            ctx.flash("forum-area-saved").await;
            Ok(Redirect::to(&ctx.href("/admin/forum/areas")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            area_form_page(&ctx, kind, existing.as_deref(), form, errors).await
        }
    }
}

pub async fn create_area(ctx: Ctx, Path(kind): Path<String>, Form(form): Form<AreaForm>) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    save_area(ctx, kind, None, form).await
}

pub async fn update_area(
    ctx: Ctx,
    Path((kind, slug)): Path<(String, String)>,
    Form(form): Form<AreaForm>,
) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    save_area(ctx, kind, Some(slug), form).await
}
