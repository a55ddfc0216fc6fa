//! The expert forum: categories, tags, threads and replies, and closed
//! threads that only their participants (and staff) can see.
//!
//! Who sees a thread is decided in one place, [`visibility`]: every list,
//! count, single read, feed and search document goes through it.

pub mod areas;
pub mod attachments;
pub mod documents;
pub mod experts;
pub mod moderation;
pub mod notifications;
pub mod participants;
pub mod visibility;
pub mod watching;

/// The forum's hooks: telling watchers, and the links that stop watching.
pub fn register(h: &mut crate::hooks::Hooks) {
    notifications::register(h);
    watching::register(h);
    documents::register(h);
}

use crate::{
    App, AppError, changelog,
    error::Checker,
    policy::{self, Action, Principal},
    search,
};
use chrono::{DateTime, Utc};
use kimppa_domain::UserId;
use kimppa_store::entities::{
    forum_category, forum_participant, forum_post, forum_tag, forum_thread, forum_thread_tag, organisation,
};
pub use participants::{invite, set_closed};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::HashMap;

/// Threads per list page.
pub const THREADS_PER_PAGE: u64 = 20;
/// Replies per thread page.
pub const REPLIES_PER_PAGE: u64 = 50;
const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 20_000;

pub async fn categories(app: &App) -> Result<Vec<forum_category::Model>, AppError> {
    Ok(forum_category::Entity::find()
        .order_by_asc(forum_category::Column::Position)
        .order_by_asc(forum_category::Column::Id)
        .all(&app.db)
        .await?)
}

pub async fn tags(app: &App) -> Result<Vec<forum_tag::Model>, AppError> {
    Ok(forum_tag::Entity::find().order_by_asc(forum_tag::Column::Slug).all(&app.db).await?)
}

/// Visible threads per category id (one query).
pub async fn counts_by_category(app: &App, actor: &Principal) -> Result<HashMap<i32, u64>, AppError> {
    let rows: Vec<(i32, i64)> = forum_thread::Entity::find()
        .select_only()
        .column(forum_thread::Column::CategoryId)
        .column_as(forum_thread::Column::Id.count(), "n")
        .filter(visibility::condition(actor))
        .group_by(forum_thread::Column::CategoryId)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().map(|(c, n)| (c, n as u64)).collect())
}

/// Which threads a list shows.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub category: Option<i32>,
    pub tag: Option<i32>,
    /// 1-based.
    pub page: u64,
}

/// A thread as lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThreadCard {
    pub thread: forum_thread::Model,
    pub author: String,
    pub category: Option<forum_category::Model>,
    pub tags: Vec<forum_tag::Model>,
}

#[derive(Debug, Clone)]
pub struct ThreadList {
    pub threads: Vec<ThreadCard>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// A page of visible threads, pinned first, then the latest activity
/// first. A fixed number of queries whatever the data size.
pub async fn list(app: &App, actor: &Principal, q: &ListQuery) -> Result<ThreadList, AppError> {
    let mut select = forum_thread::Entity::find().filter(visibility::condition(actor));
    if let Some(c) = q.category {
        select = select.filter(forum_thread::Column::CategoryId.eq(c));
    }
    if let Some(t) = q.tag {
        select = select.filter(
            forum_thread::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(forum_thread_tag::Column::ThreadId)
                    .from(forum_thread_tag::Entity)
                    .and_where(forum_thread_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    let total = select.clone().count(&app.db).await?;
    let pages = total.div_ceil(THREADS_PER_PAGE).max(1);
    let page = q.page.clamp(1, pages);
    let rows = select
        .order_by_desc(forum_thread::Column::Pinned)
        .order_by_desc(forum_thread::Column::LastPostAt)
        .order_by_desc(forum_thread::Column::Id)
        .offset((page - 1) * THREADS_PER_PAGE)
        .limit(THREADS_PER_PAGE)
        .all(&app.db)
        .await?;
    let threads = cards(app, rows).await?;
    Ok(ThreadList { threads, total, page, pages })
}

/// Authors, categories and tags of some threads: three queries.
async fn cards(app: &App, rows: Vec<forum_thread::Model>) -> Result<Vec<ThreadCard>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|t| t.id).collect();
    let authors = crate::people::user_names(app, rows.iter().map(|t| t.author_id)).await?;
    let cats: HashMap<i32, forum_category::Model> = categories(app).await?.into_iter().map(|c| (c.id, c)).collect();
    let mut tags = tags_of(app, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|t| ThreadCard {
            author: authors.get(&t.author_id).cloned().unwrap_or_default(),
            category: cats.get(&t.category_id).cloned(),
            tags: tags.remove(&t.id).unwrap_or_default(),
            thread: t,
        })
        .collect())
}

async fn tags_of(app: &App, thread_ids: &[i32]) -> Result<HashMap<i32, Vec<forum_tag::Model>>, AppError> {
    if thread_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let links = forum_thread_tag::Entity::find()
        .filter(forum_thread_tag::Column::ThreadId.is_in(thread_ids.to_vec()))
        .all(&app.db)
        .await?;
    let all: HashMap<i32, forum_tag::Model> = tags(app).await?.into_iter().map(|t| (t.id, t)).collect();
    let mut out: HashMap<i32, Vec<forum_tag::Model>> = HashMap::new();
    for l in links {
        if let Some(t) = all.get(&l.tag_id) {
            out.entry(l.thread_id).or_default().push(t.clone());
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.slug.cmp(&b.slug));
    }
    Ok(out)
}

/// A visible thread with what its page shows above the replies.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub card: ThreadCard,
    /// Who was invited: (label, is an organisation).
    pub participants: Vec<(String, bool)>,
    /// The asker may close, open and invite.
    pub manage: bool,
}

/// A thread the viewer may see, or not found (a closed thread is not
/// admitted to exist for outsiders).
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<forum_thread::Model, AppError> {
    forum_thread::Entity::find_by_id(id)
        .filter(visibility::condition(actor))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn view(app: &App, actor: &Principal, id: i32) -> Result<ThreadView, AppError> {
    let thread = get(app, actor, id).await?;
    let manage = may_manage(actor, &thread);
    let participants = if thread.closed || manage { participant_labels(app, id).await? } else { vec![] };
    let card = cards(app, vec![thread]).await?.pop().ok_or(AppError::NotFound)?;
    Ok(ThreadView { card, participants, manage })
}

fn may_manage(actor: &Principal, t: &forum_thread::Model) -> bool {
    policy::decide(actor, Action::ManageForumThread { author: UserId(t.author_id) }).allowed()
}

async fn participant_labels(app: &App, thread_id: i32) -> Result<Vec<(String, bool)>, AppError> {
    let rows = forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.eq(thread_id))
        .order_by_asc(forum_participant::Column::Id)
        .all(&app.db)
        .await?;
    let users = crate::people::user_names(app, rows.iter().filter_map(|p| p.user_id)).await?;
    let org_ids: Vec<i32> = rows.iter().filter_map(|p| p.org_id).collect();
    let orgs: HashMap<i32, String> = if org_ids.is_empty() {
        HashMap::new()
    } else {
        organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::Id, organisation::Column::Name])
            .filter(organisation::Column::Id.is_in(org_ids))
            .into_tuple::<(i32, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .filter_map(|p| match (p.user_id, p.org_id) {
            (Some(u), _) => users.get(&u).map(|n| (n.clone(), false)),
            (_, Some(o)) => orgs.get(&o).map(|n| (n.clone(), true)),
            _ => None,
        })
        .collect())
}

/// A reply with its author's name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reply {
    pub post: forum_post::Model,
    pub author: String,
}

#[derive(Debug, Clone)]
pub struct ReplyPage {
    pub replies: Vec<Reply>,
    pub page: u64,
    pub pages: u64,
}

/// A page of the replies of a thread the viewer may see (two queries).
pub async fn replies(
    app: &App,
    actor: &Principal,
    thread: &forum_thread::Model,
    page: u64,
) -> Result<ReplyPage, AppError> {
    let total = thread.reply_count.max(0) as u64;
    let pages = total.div_ceil(REPLIES_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let posts = forum_post::Entity::find()
        .filter(forum_post::Column::ThreadId.eq(thread.id))
        .filter(visibility::replies_condition(actor))
        .order_by_asc(forum_post::Column::Id)
        .offset((page - 1) * REPLIES_PER_PAGE)
        .limit(REPLIES_PER_PAGE)
        .all(&app.db)
        .await?;
    let authors = crate::people::user_names(app, posts.iter().map(|p| p.author_id)).await?;
    let replies = posts
        .into_iter()
        .map(|post| Reply { author: authors.get(&post.author_id).cloned().unwrap_or_default(), post })
        .collect();
    Ok(ReplyPage { replies, page, pages })
}

/// The page of the thread on which a reply the viewer sees stands (for
/// links to one reply).
pub async fn page_of_reply(
    app: &App,
    actor: &Principal,
    thread: &forum_thread::Model,
    post_id: i32,
) -> Result<u64, AppError> {
    let post = forum_post::Entity::find_by_id(post_id)
        .filter(forum_post::Column::ThreadId.eq(thread.id))
        .filter(visibility::replies_condition(actor))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = forum_post::Entity::find()
        .filter(forum_post::Column::ThreadId.eq(thread.id))
        .filter(forum_post::Column::Pending.eq(false))
        .filter(forum_post::Column::Id.lt(post.id))
        .count(&app.db)
        .await?;
    Ok(before / REPLIES_PER_PAGE + 1)
}

/// A reply of a thread (any reply, hidden ones too).
pub async fn reply_of(app: &App, thread: &forum_thread::Model, post_id: i32) -> Result<forum_post::Model, AppError> {
    forum_post::Entity::find_by_id(post_id)
        .filter(forum_post::Column::ThreadId.eq(thread.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The new-thread form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ThreadForm {
    pub category: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    /// "on": only invited participants will see the thread.
    pub closed: Option<String>,
}

pub(crate) fn check_title(c: &mut Checker, title: &str) {
    if title.is_empty() {
        c.push("title", "err-required");
    } else if title.chars().count() > MAX_TITLE {
        c.push("title", "err-too-long");
    }
}

/// Posts (threads and replies) a person may write in ten minutes, and in a day.
pub const POSTS_PER_10_MIN: u64 = 10;
pub const POSTS_PER_DAY: u64 = 100;

/// Refuses a post over the per-person limits.
async fn within_limits(app: &App, uid: i32, field: &'static str) -> Result<(), AppError> {
    let now = crate::now();
    for (window, limit) in
        [(chrono::Duration::minutes(10), POSTS_PER_10_MIN), (chrono::Duration::days(1), POSTS_PER_DAY)]
    {
        let since = now - window;
        let threads = forum_thread::Entity::find()
            .filter(forum_thread::Column::AuthorId.eq(uid))
            .filter(forum_thread::Column::CreatedAt.gt(since))
            .count(&app.db)
            .await?;
        let posts = forum_post::Entity::find()
            .filter(forum_post::Column::AuthorId.eq(uid))
            .filter(forum_post::Column::CreatedAt.gt(since))
            .count(&app.db)
            .await?;
        if threads + posts >= limit {
            return Err(AppError::field(field, "err-forum-rate"));
        }
    }
    Ok(())
}

pub(crate) fn check_body(c: &mut Checker, field: &'static str, body: &str) {
    if body.trim().is_empty() {
        c.push(field, "err-required");
    } else if body.chars().count() > MAX_BODY {
        c.push(field, "err-too-long");
    }
}

pub async fn create(app: &App, actor: &Principal, f: &ThreadForm) -> Result<forum_thread::Model, AppError> {
    create_with(app, actor, f, None).await
}

/// Starts a thread, with a file attached to its opening text.
pub async fn create_with(
    app: &App,
    actor: &Principal,
    f: &ThreadForm,
    upload: Option<attachments::Upload>,
) -> Result<forum_thread::Model, AppError> {
    policy::require(actor, Action::PostInForum)?;
    let uid = crate::policy::user_id(actor)?;
    let mut c = Checker::default();
    let category =
        forum_category::Entity::find().filter(forum_category::Column::Slug.eq(f.category.trim())).one(&app.db).await?;
    if category.is_none() {
        c.push("category", if f.category.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let title = f.title.trim();
    check_title(&mut c, title);
    check_body(&mut c, "body", &f.body);
    let all_tags = tags(app).await?;
    let chosen: Vec<&forum_tag::Model> = all_tags.iter().filter(|t| f.tags.contains(&t.slug)).collect();
    if chosen.len() != f.tags.iter().filter(|t| !t.is_empty()).count() {
        c.push("tags", "err-unknown-value");
    }
    c.finish()?;
    within_limits(app, uid.0, "body").await?;
    let category = category.ok_or(AppError::NotFound)?;
    let pending = needs_approval(app, actor, uid.0).await?;
    let file = attachments::store(app, "attachment", upload).await?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let thread = forum_thread::ActiveModel {
        pending: Set(pending),
        category_id: Set(category.id),
        author_id: Set(uid.0),
        title: Set(title.to_string()),
        body: Set(f.body.trim().to_string()),
        closed: Set(f.closed.is_some()),
        locked: Set(false),
        pinned: Set(false),
        reply_count: Set(0),
        last_post_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for t in chosen {
        forum_thread_tag::ActiveModel { thread_id: Set(thread.id), tag_id: Set(t.id), ..Default::default() }
            .insert(&tx)
            .await?;
    }
    if thread.closed {
        changelog::admin_action(&tx, uid, "forum.thread.closed", format!("thread:{}", thread.id), "created closed")
            .await?;
    }
    if let Some(file) = file {
        attachments::attach(&tx, thread.id, None, uid.0, file).await?;
    }
    // The asker follows the answers to their question.
    watching::subscribe(&tx, uid.0, watching::Target::Thread(thread.id)).await?;
    notifications::record(&tx, &notifications::Event { thread_id: thread.id, post_id: None, actor_id: uid.0 }).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(thread)
}

/// A person's first post waits for approval when the setting asks for it
/// (staff never wait): none of their threads or replies is approved yet.
async fn needs_approval(app: &App, actor: &Principal, uid: i32) -> Result<bool, AppError> {
    if !app.config.forum.first_post_approval || policy::allowed(actor, Action::SkipForumApproval) {
        return Ok(false);
    }
    let threads = forum_thread::Entity::find()
        .filter(forum_thread::Column::AuthorId.eq(uid))
        .filter(forum_thread::Column::Pending.eq(false))
        .count(&app.db)
        .await?;
    if threads > 0 {
        return Ok(false);
    }
    let posts = forum_post::Entity::find()
        .filter(forum_post::Column::AuthorId.eq(uid))
        .filter(forum_post::Column::Pending.eq(false))
        .count(&app.db)
        .await?;
    Ok(posts == 0)
}

pub async fn reply(app: &App, actor: &Principal, thread_id: i32, body: &str) -> Result<forum_post::Model, AppError> {
    reply_with(app, actor, thread_id, body, None).await
}

/// Replies with a file attached.
pub async fn reply_with(
    app: &App,
    actor: &Principal,
    thread_id: i32,
    body: &str,
    upload: Option<attachments::Upload>,
) -> Result<forum_post::Model, AppError> {
    policy::require(actor, Action::PostInForum)?;
    let uid = crate::policy::user_id(actor)?;
    let thread = get(app, actor, thread_id).await?;
    if thread.locked {
        return Err(AppError::field("body", "err-forum-locked"));
    }
    let mut c = Checker::default();
    check_body(&mut c, "body", body);
    c.finish()?;
    within_limits(app, uid.0, "body").await?;
    let pending = needs_approval(app, actor, uid.0).await?;
    let file = attachments::store(app, "attachment", upload).await?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let post = forum_post::ActiveModel {
        pending: Set(pending),
        thread_id: Set(thread.id),
        author_id: Set(uid.0),
        body: Set(body.trim().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    if let Some(file) = file {
        attachments::attach(&tx, thread.id, Some(post.id), uid.0, file).await?;
    }
    if !pending {
        recount(&tx, thread.id, now).await?;
        notifications::record(
            &tx,
            &notifications::Event { thread_id: thread.id, post_id: Some(post.id), actor_id: uid.0 },
        )
        .await?;
    }
    // Who replies follows the thread.
    watching::subscribe(&tx, uid.0, watching::Target::Thread(thread.id)).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(post)
}

/// Sets a thread's reply count (replies waiting for approval do not count;
/// hidden ones do, so paging stays stable) and its last activity.
pub(crate) async fn recount<C: sea_orm::ConnectionTrait>(
    conn: &C,
    thread_id: i32,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let count = forum_post::Entity::find()
        .filter(forum_post::Column::ThreadId.eq(thread_id))
        .filter(forum_post::Column::Pending.eq(false))
        .count(conn)
        .await?;
    forum_thread::ActiveModel {
        id: Set(thread_id),
        reply_count: Set(count as i32),
        last_post_at: Set(at),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// The latest public threads of a category for its feed (never closed ones).
pub async fn feed(app: &App, category_id: i32) -> Result<Vec<ThreadCard>, AppError> {
    let rows = forum_thread::Entity::find()
        .filter(visibility::condition(&Principal::Anonymous))
        .filter(forum_thread::Column::CategoryId.eq(category_id))
        .order_by_desc(forum_thread::Column::CreatedAt)
        .limit(30)
        .all(&app.db)
        .await?;
    cards(app, rows).await
}

/// When the thread was last written to, for feeds and lists.
pub fn last_activity(t: &forum_thread::Model) -> DateTime<Utc> {
    t.last_post_at.max(t.updated_at)
}
