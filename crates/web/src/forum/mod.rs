//! The expert forum pages: categories, thread lists (per category and per
//! tag), a thread with paged replies, new threads, replies, closing and
//! inviting; an RSS feed per category.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormWithFile},
    forms::FormErrors,
    i18n::Lang,
};
use askama::Template;
use axum::{
    Router,
    extract::{OriginalUri, Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::records::{forum_category, forum_tag};
use kimppa_app::{
    AppError,
    forum::{self, ListQuery, ThreadCard, ThreadForm},
};
use kimppa_domain::UserId;

pub(crate) mod api;
pub mod moderation;
pub mod watching;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(moderation::routes())
        .merge(watching::routes())
        .route("/forum/threads/{id}/replies/{post}", get(reply_link))
        .route("/forum/threads/{id}/attachments/{file}/{name}", get(attachment))
        .route("/forum", get(index))
        .route("/forum/new", get(new_form).post(create))
        .route("/forum/categories/{slug}", get(category))
        .route("/forum/categories/{slug}/rss.xml", get(rss))
        .route("/forum/tags/{slug}", get(tag))
        .route("/forum/threads/{id}", get(thread))
        .route("/forum/threads/{id}/reply", post(reply))
        .route("/forum/threads/{id}/closed", post(set_closed))
        .route("/forum/threads/{id}/invite", post(invite))
        .route("/forum/threads/{id}/experts", post(link_expert))
        .route("/forum/threads/{id}/experts/{expert}/remove", post(unlink_expert))
}

pub(crate) fn name<'a>(lang: Lang, fi: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En && !en.is_empty() { en } else { fi }
}

/// A thread in a list, ready for the template.
pub struct Card {
    pub id: i32,
    pub title: String,
    pub author: String,
    pub category: String,
    pub category_slug: String,
    pub tags: Vec<(String, String)>,
    pub replies: i32,
    pub last: String,
    pub last_iso: String,
    pub closed: bool,
    pub pinned: bool,
    pub locked: bool,
    /// Waiting for a moderator's approval.
    pub pending: bool,
}

fn card(p: &Page, c: ThreadCard) -> Card {
    let last = forum::last_activity(&c.thread);
    Card {
        id: c.thread.id,
        title: c.thread.title,
        author: c.author,
        category: c.category.as_ref().map(|k| name(p.lang, &k.name_fi, &k.name_en).to_string()).unwrap_or_default(),
        category_slug: c.category.map(|k| k.slug).unwrap_or_default(),
        tags: c.tags.into_iter().map(|t| (t.slug.clone(), name(p.lang, &t.name_fi, &t.name_en).to_string())).collect(),
        replies: c.thread.reply_count,
        last: p.datetime(&last),
        last_iso: last.to_rfc3339(),
        closed: c.thread.closed,
        pinned: c.thread.pinned,
        locked: c.thread.locked,
        pending: c.thread.pending,
    }
}

#[derive(Template)]
#[template(path = "forum/index.html")]
struct IndexPage {
    p: Page,
    categories: Vec<(String, String, String, u64)>,
    tags: Vec<(String, String)>,
    latest: Vec<Card>,
    logged_in: bool,
}

pub async fn index(ctx: Ctx) -> Result<Response, WebError> {
    let counts = forum::counts_by_category(ctx.app(), &ctx.principal).await?;
    let p = ctx.page("forum-title").await;
    let categories = forum::categories(ctx.app())
        .await?
        .into_iter()
        .map(|c| {
            let n = counts.get(&c.id).copied().unwrap_or(0);
            (
                c.slug.clone(),
                name(p.lang, &c.name_fi, &c.name_en).to_string(),
                name(p.lang, &c.description_fi, &c.description_en).to_string(),
                n,
            )
        })
        .collect();
    let tags = forum::tags(ctx.app()).await?.into_iter().map(|t| tag_pair(p.lang, t)).collect();
    let latest = forum::list(ctx.app(), &ctx.principal, &ListQuery { page: 1, ..Default::default() }).await?;
    let latest = latest.threads.into_iter().take(10).map(|c| card(&p, c)).collect();
    Ok(crate::html(&IndexPage { p, categories, tags, latest, logged_in: !ctx.principal.is_anonymous() }))
}

fn tag_pair(lang: Lang, t: forum_tag::Model) -> (String, String) {
    let n = name(lang, &t.name_fi, &t.name_en).to_string();
    (t.slug, n)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageParam {
    pub page: Option<String>,
    /// A reply's id (or `thread`) to quote in the reply form.
    pub quote: Option<String>,
}

impl PageParam {
    pub fn number(&self) -> u64 {
        self.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1)
    }
}

#[derive(Template)]
#[template(path = "forum/list.html")]
struct ListPage {
    p: Page,
    heading: String,
    intro: String,
    feed: Option<String>,
    threads: Vec<Card>,
    base: String,
    page: u64,
    pages: u64,
    total: u64,
    new_href: String,
    /// For a signed-in reader: the watch form's action and whether they watch.
    watch: Option<(String, bool)>,
}

/// A list page of threads (an area or a topic).
struct ListSpec {
    q: ListQuery,
    heading: String,
    intro: String,
    base: String,
    feed: Option<String>,
    new_href: String,
    target: forum::watching::Target,
}

async fn list_page(ctx: &Ctx, spec: ListSpec) -> Result<Response, WebError> {
    let ListSpec { q, heading, intro, base, feed, new_href, target } = spec;
    let l = forum::list(ctx.app(), &ctx.principal, &q).await?;
    let watch = match ctx.principal.user_id() {
        Some(uid) => Some((format!("{base}/watch"), forum::watching::is_watching(ctx.app(), uid.0, target).await?)),
        None => None,
    };
    let mut p = if watch.is_some() { ctx.form_page("forum-title").await } else { ctx.page("forum-title").await };
    p.title = heading.clone();
    let threads = l.threads.into_iter().map(|c| card(&p, c)).collect();
    Ok(crate::html(&ListPage {
        p,
        heading,
        intro,
        feed,
        threads,
        base,
        page: l.page,
        pages: l.pages,
        total: l.total,
        new_href,
        watch,
    }))
}

async fn find_category(ctx: &Ctx, slug: &str) -> Result<forum_category::Model, WebError> {
    Ok(forum::categories(ctx.app()).await?.into_iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?)
}

pub async fn category(ctx: Ctx, Path(slug): Path<String>, Query(pq): Query<PageParam>) -> Result<Response, WebError> {
    let c = find_category(&ctx, &slug).await?;
    let base = ctx.href(&format!("/forum/categories/{}", c.slug));
    list_page(
        &ctx,
        ListSpec {
            q: ListQuery { category: Some(c.id), page: pq.number(), ..Default::default() },
            heading: name(ctx.lang, &c.name_fi, &c.name_en).to_string(),
            intro: name(ctx.lang, &c.description_fi, &c.description_en).to_string(),
            base: base.clone(),
            feed: Some(format!("{base}/rss.xml")),
            new_href: ctx.href(&format!("/forum/new?category={}", c.slug)),
            target: forum::watching::Target::Area(c.id),
        },
    )
    .await
}

pub async fn tag(ctx: Ctx, Path(slug): Path<String>, Query(pq): Query<PageParam>) -> Result<Response, WebError> {
    let t = forum::tags(ctx.app()).await?.into_iter().find(|t| t.slug == slug).ok_or(AppError::NotFound)?;
    let label = name(ctx.lang, &t.name_fi, &t.name_en).to_string();
    list_page(
        &ctx,
        ListSpec {
            q: ListQuery { tag: Some(t.id), page: pq.number(), ..Default::default() },
            heading: ctx.lang.t_args("forum-tag-heading", &[("name", label)]),
            intro: String::new(),
            base: ctx.href(&format!("/forum/tags/{}", t.slug)),
            feed: None,
            new_href: ctx.href("/forum/new"),
            target: forum::watching::Target::Topic(t.id),
        },
    )
    .await
}

/// A reply as the thread page shows it.
pub struct ReplyView {
    pub id: i32,
    pub author: String,
    pub when: String,
    pub iso: String,
    pub html: String,
    pub hidden: bool,
    /// Waiting for approval (seen by its author and staff only).
    pub pending: bool,
    /// The reader wrote it (and may edit it).
    pub own: bool,
    pub accepted: bool,
    pub files: Vec<FileView>,
}

/// An attached file as the thread page shows it.
pub struct FileView {
    pub href: String,
    pub name: String,
    pub image: bool,
    pub size: String,
}

fn file_views(p: &Page, files: Vec<kimppa_app::records::forum_attachment::Model>) -> Vec<FileView> {
    files
        .into_iter()
        .map(|a| FileView {
            href: p.href(&format!(
                "/forum/threads/{}/attachments/{}/{}",
                a.thread_id,
                a.id,
                urlencoding_path(&a.filename)
            )),
            image: forum::attachments::is_image(&a),
            size: if a.size >= 1024 * 1024 {
                format!("{:.1} MiB", a.size as f64 / (1024.0 * 1024.0))
            } else {
                format!("{} KiB", (a.size + 1023) / 1024)
            },
            name: a.filename,
        })
        .collect()
}

/// A file name as one URL path segment.
fn urlencoding_path(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20")
}

/// The reply form's text with a quoted reply (or the opening text) above it.
fn quoted(author: &str, body: &str) -> String {
    let mut out = format!("> **{author}:**\n");
    for line in body.lines().take(40) {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

#[derive(Template)]
#[template(path = "forum/thread.html")]
struct ThreadPage {
    p: Page,
    t: Card,
    body: String,
    participants: Vec<(String, bool)>,
    manage: bool,
    moderator: bool,
    own_thread: bool,
    categories: Vec<(String, String, bool)>,
    experts: Vec<forum::experts::ExpertRef>,
    suggestions: Vec<forum::experts::ExpertRef>,
    expert_errors: FormErrors,
    expert_value: String,
    replies: Vec<ReplyView>,
    page: u64,
    pages: u64,
    logged_in: bool,
    reply_body: String,
    errors: FormErrors,
    invite_who: String,
    invite_errors: FormErrors,
    /// Organisation names the invite field suggests (for those who manage it).
    org_names: Vec<String>,
    files: Vec<FileView>,
    /// The signed-in reader watches the thread.
    watching: bool,
}

/// What the thread page's forms show again after bad input.
#[derive(Default)]
struct Typed {
    quote: Option<String>,
    reply: String,
    reply_errors: FormErrors,
    invite: String,
    invite_errors: FormErrors,
    expert: String,
    expert_errors: FormErrors,
}

async fn thread_page(ctx: &Ctx, id: i32, page: u64, typed: Typed) -> Result<Response, WebError> {
    let Typed {
        quote,
        reply: mut reply_body,
        reply_errors: errors,
        invite: invite_who,
        invite_errors,
        expert,
        expert_errors,
    } = typed;
    let view = forum::view(ctx.app(), &ctx.principal, id).await?;
    let rp = forum::replies(ctx.app(), &ctx.principal, &view.card.thread, page).await?;
    let post_ids: Vec<i32> = rp.replies.iter().map(|r| r.post.id).collect();
    let mut files = forum::attachments::of(ctx.app(), id, &post_ids).await?;
    let logged_in = !ctx.principal.is_anonymous();
    let mut p = if logged_in { ctx.form_page("forum-title").await } else { ctx.page("forum-title").await };
    p.title = view.card.thread.title.clone();
    let body = kimppa_app::markdown::render(&view.card.thread.body);
    let uid = ctx.principal.user_id();
    let moderator = kimppa_app::policy::decide(&ctx.principal, kimppa_app::policy::Action::ModerateForum).allowed();
    let own_thread = uid == Some(UserId(view.card.thread.author_id));
    let accepted = view.card.thread.accepted_post_id;
    // Quoting: a reply on this page (not a hidden one), or the opening text.
    if logged_in && reply_body.is_empty() {
        match quote.as_deref() {
            Some("thread") => reply_body = quoted(&view.card.author, &view.card.thread.body),
            Some(q) => {
                if let Some(r) = rp.replies.iter().find(|r| Some(r.post.id) == q.parse().ok() && !r.post.hidden) {
                    reply_body = quoted(&r.author, &r.post.body);
                }
            }
            None => {}
        }
    }
    let replies = rp
        .replies
        .into_iter()
        .map(|r| {
            let shown = !r.post.hidden || moderator;
            ReplyView {
                id: r.post.id,
                when: p.datetime(&r.post.created_at),
                iso: r.post.created_at.to_rfc3339(),
                // A hidden reply's text and files reach only moderators.
                html: if shown { kimppa_app::markdown::render(&r.post.body) } else { String::new() },
                files: if shown { file_views(&p, files.remove(&Some(r.post.id)).unwrap_or_default()) } else { vec![] },
                author: r.author,
                hidden: r.post.hidden,
                pending: r.post.pending,
                own: uid == Some(UserId(r.post.author_id)),
                accepted: accepted == Some(r.post.id),
            }
        })
        .collect();
    let thread_files = file_views(&p, files.remove(&None).unwrap_or_default());
    let watching = match uid {
        Some(u) => forum::watching::is_watching(ctx.app(), u.0, forum::watching::Target::Thread(id)).await?,
        None => false,
    };
    let experts = forum::experts::linked(ctx.app(), &view.card.thread).await?;
    let suggestions = if view.manage { forum::experts::suggest(ctx.app(), &ctx.principal, id).await? } else { vec![] };
    let org_names = if view.manage { kimppa_app::organisations::name_choices(ctx.app()).await? } else { vec![] };
    let categories = if moderator {
        moderation::move_choices(ctx, &view.card.category.as_ref().map(|c| c.slug.clone()).unwrap_or_default()).await?
    } else {
        vec![]
    };
    let status = if errors.is_empty() && invite_errors.is_empty() && expert_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let t = card(&p, view.card);
    let page = ThreadPage {
        p,
        t,
        body,
        participants: view.participants,
        manage: view.manage,
        moderator,
        own_thread,
        categories,
        experts,
        suggestions,
        expert_errors,
        expert_value: expert,
        replies,
        page: rp.page,
        pages: rp.pages,
        logged_in,
        reply_body,
        errors,
        invite_who,
        invite_errors,
        org_names,
        files: thread_files,
        watching,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn thread(ctx: Ctx, Path(id): Path<i32>, Query(pq): Query<PageParam>) -> Result<Response, WebError> {
    thread_page(&ctx, id, pq.number(), Typed { quote: pq.quote.clone(), ..Default::default() }).await
}

/// A link to one reply: the thread page it stands on, at the reply.
pub async fn reply_link(ctx: Ctx, Path((id, post)): Path<(i32, i32)>) -> Result<Response, WebError> {
    let t = forum::get(ctx.app(), &ctx.principal, id).await?;
    let page = forum::page_of_reply(ctx.app(), &ctx.principal, &t, post).await?;
    Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}?page={page}#reply-{post}"))).into_response())
}

/// An attached file, through the thread's visibility. Images are shown
/// inline, other files downloaded; neither can run as a page.
pub async fn attachment(ctx: Ctx, Path((id, file, _name)): Path<(i32, i32, String)>) -> Result<Response, WebError> {
    let (a, bytes) = forum::attachments::read(ctx.app(), &ctx.principal, id, file).await?;
    Ok(file_response(&a.filename, &a.content_type, bytes))
}

/// An uploaded file as served back: images inline, anything else as a
/// download; never sniffed, never active content.
pub fn file_response(filename: &str, content_type: &str, bytes: bytes::Bytes) -> Response {
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let kind = if content_type.starts_with("image/") { "inline" } else { "attachment" };
    let disposition = format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}", urlencoding_path(filename));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    pub body: String,
}

pub async fn reply(
    ctx: Ctx,
    Path(id): Path<i32>,
    FormWithFile(f, file): FormWithFile<ReplyForm>,
) -> Result<Response, WebError> {
    match forum::reply_with(ctx.app(), &ctx.principal, id, &f.body, file).await {
        Ok(post) => {
            let t = forum::get(ctx.app(), &ctx.principal, id).await?;
            let page = forum::page_of_reply(ctx.app(), &ctx.principal, &t, post.id).await?;
            ctx.flash(if post.pending { "forum-awaiting-approval" } else { "forum-reply-sent" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}?page={page}#reply-{}", post.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, u64::MAX, Typed { reply: f.body, reply_errors: errors, ..Default::default() }).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ClosedForm {
    pub closed: String,
}

pub async fn set_closed(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ClosedForm>) -> Result<Response, WebError> {
    let closed = f.closed == "true";
    forum::set_closed(ctx.app(), &ctx.principal, id, closed).await?;
    ctx.flash(if closed { "forum-closed-done" } else { "forum-opened-done" }).await;
    Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}"))).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub who: String,
}

pub async fn invite(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<InviteForm>) -> Result<Response, WebError> {
    match forum::invite(ctx.app(), &ctx.principal, id, &f.who).await {
        Ok(_) => {
            ctx.flash("forum-invited").await;
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}#participants"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, 1, Typed { invite: f.who, invite_errors: errors, ..Default::default() }).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExpertForm {
    /// An expert profile number, or the expert's email address.
    pub expert: String,
}

pub async fn link_expert(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ExpertForm>) -> Result<Response, WebError> {
    let who = f.expert.trim();
    let expert_id = match who.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) if who.contains('@') => forum::experts::by_email(ctx.app(), who).await?,
        Err(_) => None,
    };
    let result = match expert_id {
        Some(e) => forum::experts::link(ctx.app(), &ctx.principal, id, e).await,
        None => {
            forum::get(ctx.app(), &ctx.principal, id).await?;
            Err(AppError::field("expert", if who.is_empty() { "err-required" } else { "err-unknown-value" }))
        }
    };
    match result {
        Ok(()) => {
            ctx.flash("forum-expert-linked").await;
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}#experts"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, 1, Typed { expert: f.expert, expert_errors: errors, ..Default::default() }).await
        }
    }
}

pub async fn unlink_expert(ctx: Ctx, Path((id, expert)): Path<(i32, i32)>) -> Result<Response, WebError> {
    forum::experts::unlink(ctx.app(), &ctx.principal, id, expert).await?;
    ctx.flash("forum-expert-unlinked").await;
    Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{id}#experts"))).into_response())
}

#[derive(Template)]
#[template(path = "forum/new.html")]
struct NewPage {
    p: Page,
    form: ThreadForm,
    errors: FormErrors,
    categories: Vec<(String, String, bool)>,
    tags: Vec<(String, String, bool)>,
}

async fn new_page(ctx: &Ctx, form: ThreadForm, errors: FormErrors) -> Result<Response, WebError> {
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::PostInForum)?;
    let l = ctx.lang;
    let categories = forum::categories(ctx.app())
        .await?
        .into_iter()
        .map(|c| {
            let sel = c.slug == form.category;
            (c.slug.clone(), name(l, &c.name_fi, &c.name_en).to_string(), sel)
        })
        .collect();
    let tags = forum::tags(ctx.app())
        .await?
        .into_iter()
        .map(|t| {
            let sel = form.tags.contains(&t.slug);
            (t.slug.clone(), name(l, &t.name_fi, &t.name_en).to_string(), sel)
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = NewPage { p: ctx.form_page("forum-new-title").await, form, errors, categories, tags };
    Ok((status, crate::html(&page)).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewParams {
    pub category: String,
}

pub async fn new_form(ctx: Ctx, Query(q): Query<NewParams>) -> Result<Response, WebError> {
    new_page(&ctx, ThreadForm { category: q.category, ..Default::default() }, FormErrors::none()).await
}

pub async fn create(ctx: Ctx, FormWithFile(form, file): FormWithFile<ThreadForm>) -> Result<Response, WebError> {
    match forum::create_with(ctx.app(), &ctx.principal, &form, file).await {
        Ok(t) => {
            ctx.flash(if t.pending {
                "forum-awaiting-approval"
            } else if t.closed {
                "forum-created-closed"
            } else {
                "forum-created"
            })
            .await;
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{}", t.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            new_page(&ctx, form, errors).await
        }
    }
}

/// RSS 2.0 of a category's latest public threads (closed threads never
/// appear: a feed reader is anonymous).
pub async fn rss(State(s): State<AppState>, uri: OriginalUri, Path(slug): Path<String>) -> Result<Response, WebError> {
    let lang = Lang::from_path(uri.0.path()).unwrap_or_default();
    let c = forum::categories(&s.app).await?.into_iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?;
    let base = s.app.config.base_url.trim_end_matches('/').to_string();
    let items: Vec<rss::Item> = forum::feed(&s.app, c.id)
        .await?
        .into_iter()
        .map(|t| {
            let link = format!("{base}/{}/forum/threads/{}", lang.code(), t.thread.id);
            let summary: String = t.thread.body.chars().take(300).collect();
            rss::ItemBuilder::default()
                .title(Some(t.thread.title.clone()))
                .link(Some(link.clone()))
                .description(Some(summary))
                .author(None)
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                .pub_date(Some(t.thread.created_at.to_rfc2822()))
                .categories(
                    t.tags
                        .iter()
                        .map(|g| rss::CategoryBuilder::default().name(name(lang, &g.name_fi, &g.name_en)).build())
                        .collect::<Vec<_>>(),
                )
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa – {} – {}", lang.t("forum-title"), name(lang, &c.name_fi, &c.name_en)))
        .link(format!("{base}/{}/forum/categories/{}", lang.code(), c.slug))
        .description(name(lang, &c.description_fi, &c.description_en).to_string())
        .language(Some(lang.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}
