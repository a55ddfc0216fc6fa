//! Keeping the forum in order: moderators lock, pin, move and hide; readers
//! report; writers edit with the earlier text kept; the asker marks the
//! accepted answer. Every moderator action is in the audit log.

use super::get;
use crate::{
    App, AppError, changelog,
    policy::{self, Action, Principal},
    search,
};
use kimppa_domain::UserId;
use kimppa_store::entities::{forum_category, forum_post, forum_report, forum_revision, forum_thread};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// What a moderator does to a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadAction {
    Lock(bool),
    Pin(bool),
    Move(String),
}

/// The moderation form as posted: `action` is lock, unlock, pin, unpin or
/// move (with `category`, the area's slug).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ModerateForm {
    pub action: String,
    pub category: String,
}

impl ThreadAction {
    fn parse(form: &ModerateForm) -> Result<Self, AppError> {
        Ok(match form.action.as_str() {
            "lock" => Self::Lock(true),
            "unlock" => Self::Lock(false),
            "pin" => Self::Pin(true),
            "unpin" => Self::Pin(false),
            "move" => Self::Move(form.category.clone()),
            _ => return Err(AppError::field("action", "err-unknown-value")),
        })
    }
}

/// Applies a moderator's action to a thread. Permission is checked before
/// the form is read, so a reader without the right is refused whatever the
/// form says.
pub async fn moderate(app: &App, actor: &Principal, thread_id: i32, form: &ModerateForm) -> Result<(), AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let what = ThreadAction::parse(form)?;
    let uid = crate::policy::user_id(actor)?;
    let thread = get(app, actor, thread_id).await?;
    let mut am = forum_thread::ActiveModel { id: Set(thread.id), ..Default::default() };
    let (action, details) = match &what {
        ThreadAction::Lock(on) => {
            am.locked = Set(*on);
            (if *on { "forum.thread.locked" } else { "forum.thread.unlocked" }, String::new())
        }
        ThreadAction::Pin(on) => {
            am.pinned = Set(*on);
            (if *on { "forum.thread.pinned" } else { "forum.thread.unpinned" }, String::new())
        }
        ThreadAction::Move(slug) => {
            let c = forum_category::Entity::find()
                .filter(forum_category::Column::Slug.eq(slug.as_str()))
                .one(&app.db)
                .await?
                .ok_or(AppError::field("category", "err-unknown-value"))?;
            am.category_id = Set(c.id);
            ("forum.thread.moved", c.slug)
        }
    };
    let tx = app.db.begin().await?;
    am.update(&tx).await?;
    changelog::admin_action(&tx, uid, action, format!("thread:{}", thread.id), details).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Hides a reply (its text is then shown only to staff) or shows it again.
pub async fn hide_post(app: &App, actor: &Principal, post_id: i32, hidden: bool) -> Result<i32, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let uid = crate::policy::user_id(actor)?;
    let post = forum_post::Entity::find_by_id(post_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    forum_post::ActiveModel { id: Set(post.id), hidden: Set(hidden), ..Default::default() }.update(&tx).await?;
    let action = if hidden { "forum.post.hidden" } else { "forum.post.shown" };
    changelog::admin_action(&tx, uid, action, format!("post:{}", post.id), format!("thread:{}", post.thread_id))
        .await?;
    search::touch(&tx, "thread", &[post.thread_id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(post.thread_id)
}

/// A reader reports a thread (no `post_id`) or a reply to the moderators.
pub async fn report(
    app: &App,
    actor: &Principal,
    thread_id: i32,
    post_id: Option<i32>,
    reason: &str,
) -> Result<(), AppError> {
    policy::require(actor, Action::PostInForum)?;
    let uid = crate::policy::user_id(actor)?;
    let thread = get(app, actor, thread_id).await?;
    if let Some(p) = post_id {
        forum_post::Entity::find_by_id(p)
            .filter(forum_post::Column::ThreadId.eq(thread.id))
            .one(&app.db)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "err-required"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::field("reason", "err-too-long"));
    }
    forum_report::ActiveModel {
        thread_id: Set(thread.id),
        post_id: Set(post_id),
        reporter_id: Set(uid.0),
        reason: Set(reason.to_string()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok(())
}

/// An open report as the moderation queue shows it.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub report: forum_report::Model,
    pub reporter: String,
    pub thread_title: String,
    /// The reported text (the reply's, or the thread's opening).
    pub text: String,
}

/// Open reports, oldest first (a fixed number of queries).
pub async fn open_reports(app: &App, actor: &Principal) -> Result<Vec<ReportRow>, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let reports = forum_report::Entity::find()
        .filter(forum_report::Column::ResolvedAt.is_null())
        .order_by_asc(forum_report::Column::Id)
        .all(&app.db)
        .await?;
    let reporters = crate::people::user_names(app, reports.iter().map(|r| r.reporter_id)).await?;
    let threads: std::collections::HashMap<i32, forum_thread::Model> = forum_thread::Entity::find()
        .filter(forum_thread::Column::Id.is_in(reports.iter().map(|r| r.thread_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let posts: std::collections::HashMap<i32, forum_post::Model> = forum_post::Entity::find()
        .filter(forum_post::Column::Id.is_in(reports.iter().filter_map(|r| r.post_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(reports
        .into_iter()
        .map(|r| {
            let thread = threads.get(&r.thread_id);
            let text = match r.post_id {
                Some(p) => posts.get(&p).map(|p| p.body.clone()).unwrap_or_default(),
                None => thread.map(|t| t.body.clone()).unwrap_or_default(),
            };
            ReportRow {
                reporter: reporters.get(&r.reporter_id).cloned().unwrap_or_default(),
                thread_title: thread.map(|t| t.title.clone()).unwrap_or_default(),
                text,
                report: r,
            }
        })
        .collect())
}

pub async fn open_report_count(app: &App) -> Result<u64, AppError> {
    Ok(forum_report::Entity::find().filter(forum_report::Column::ResolvedAt.is_null()).count(&app.db).await?)
}

/// Marks a report handled.
pub async fn resolve(app: &App, actor: &Principal, report_id: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let uid = crate::policy::user_id(actor)?;
    let r = forum_report::Entity::find_by_id(report_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if r.resolved_at.is_some() {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    forum_report::ActiveModel {
        id: Set(r.id),
        resolved_at: Set(Some(crate::now())),
        resolved_by: Set(Some(uid.0)),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    changelog::admin_action(&tx, uid, "forum.report.resolved", format!("thread:{}", r.thread_id), r.reason.clone())
        .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Edits a thread's title and opening (no `post_id`) or a reply; the text
/// before the edit is kept as a revision.
pub async fn edit(
    app: &App,
    actor: &Principal,
    thread_id: i32,
    post_id: Option<i32>,
    title: Option<&str>,
    body: &str,
) -> Result<(), AppError> {
    let uid = crate::policy::user_id(actor)?;
    let thread = get(app, actor, thread_id).await?;
    let body = body.trim();
    let mut c = crate::error::Checker::default();
    super::check_body(&mut c, "body", body);
    let now = crate::now();
    let tx = app.db.begin().await?;
    match post_id {
        None => {
            policy::require(actor, Action::EditForumText { author: UserId(thread.author_id) })?;
            let title = title.unwrap_or(&thread.title).trim();
            super::check_title(&mut c, title);
            c.finish()?;
            revision(&tx, &thread, None, &thread.title, &thread.body, uid.0).await?;
            forum_thread::ActiveModel {
                id: Set(thread.id),
                title: Set(title.to_string()),
                body: Set(body.to_string()),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&tx)
            .await?;
        }
        Some(p) => {
            let post = forum_post::Entity::find_by_id(p)
                .filter(forum_post::Column::ThreadId.eq(thread.id))
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?;
            policy::require(actor, Action::EditForumText { author: UserId(post.author_id) })?;
            c.finish()?;
            revision(&tx, &thread, Some(post.id), "", &post.body, uid.0).await?;
            forum_post::ActiveModel {
                id: Set(post.id),
                body: Set(body.to_string()),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&tx)
            .await?;
        }
    }
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    Ok(())
}

async fn revision<C: sea_orm::ConnectionTrait>(
    conn: &C,
    thread: &forum_thread::Model,
    post_id: Option<i32>,
    title: &str,
    body: &str,
    by: i32,
) -> Result<(), AppError> {
    forum_revision::ActiveModel {
        thread_id: Set(thread.id),
        post_id: Set(post_id),
        title: Set(title.to_string()),
        body: Set(body.to_string()),
        edited_by: Set(by),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Earlier texts of a thread and its replies, newest first, with the
/// editor's name: for moderators.
pub async fn history(
    app: &App,
    actor: &Principal,
    thread_id: i32,
) -> Result<(forum_thread::Model, Vec<(forum_revision::Model, String)>), AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let thread = forum_thread::Entity::find_by_id(thread_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let revs = forum_revision::Entity::find()
        .filter(forum_revision::Column::ThreadId.eq(thread.id))
        .order_by_desc(forum_revision::Column::Id)
        .all(&app.db)
        .await?;
    let editors = crate::people::user_names(app, revs.iter().map(|r| r.edited_by)).await?;
    Ok((
        thread,
        revs.into_iter().map(|r| (r.clone(), editors.get(&r.edited_by).cloned().unwrap_or_default())).collect(),
    ))
}

/// The asker (or staff) marks a reply as the accepted answer, or clears it.
pub async fn accept(app: &App, actor: &Principal, thread_id: i32, post_id: Option<i32>) -> Result<(), AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    if let Some(p) = post_id {
        forum_post::Entity::find_by_id(p)
            .filter(forum_post::Column::ThreadId.eq(thread.id))
            .filter(forum_post::Column::Hidden.eq(false))
            .one(&app.db)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    forum_thread::ActiveModel { id: Set(thread.id), accepted_post_id: Set(post_id), ..Default::default() }
        .update(&app.db)
        .await?;
    Ok(())
}

/// A first post waiting for approval, as the queue shows it.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub thread_id: i32,
    /// The reply; none when the thread itself waits.
    pub post_id: Option<i32>,
    pub thread_title: String,
    pub author: String,
    pub text: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Threads and replies waiting for approval, oldest first (four queries).
pub async fn pending(app: &App, actor: &Principal) -> Result<Vec<PendingRow>, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let threads = forum_thread::Entity::find()
        .filter(forum_thread::Column::Pending.eq(true))
        .order_by_asc(forum_thread::Column::Id)
        .all(&app.db)
        .await?;
    let posts = forum_post::Entity::find()
        .filter(forum_post::Column::Pending.eq(true))
        .order_by_asc(forum_post::Column::Id)
        .all(&app.db)
        .await?;
    let titles: std::collections::HashMap<i32, String> = forum_thread::Entity::find()
        .select_only()
        .columns([forum_thread::Column::Id, forum_thread::Column::Title])
        .filter(forum_thread::Column::Id.is_in(posts.iter().map(|p| p.thread_id).collect::<Vec<_>>()))
        .into_tuple()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let authors =
        crate::people::user_names(app, threads.iter().map(|t| t.author_id).chain(posts.iter().map(|p| p.author_id)))
            .await?;
    let mut rows: Vec<PendingRow> = threads
        .into_iter()
        .map(|t| PendingRow {
            thread_id: t.id,
            post_id: None,
            author: authors.get(&t.author_id).cloned().unwrap_or_default(),
            thread_title: t.title,
            text: t.body,
            created_at: t.created_at,
        })
        .chain(posts.into_iter().map(|p| PendingRow {
            thread_id: p.thread_id,
            post_id: Some(p.id),
            thread_title: titles.get(&p.thread_id).cloned().unwrap_or_default(),
            author: authors.get(&p.author_id).cloned().unwrap_or_default(),
            text: p.body,
            created_at: p.created_at,
        }))
        .collect();
    rows.sort_by_key(|r| r.created_at);
    Ok(rows)
}

/// Approves a waiting thread or reply (it becomes visible and its
/// watchers are told) or, with `approve = false`, deletes it. Audited.
/// A moderator's decision on a first post waiting for approval, as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PendingDecision {
    pub thread: String,
    /// Empty for the thread's opening.
    pub post: String,
    /// `approve` or `reject`.
    pub decision: String,
}

/// Approves or rejects a waiting post (or thread). Returns whether it was approved.
pub async fn decide_pending(app: &App, actor: &Principal, d: &PendingDecision) -> Result<bool, AppError> {
    policy::require(actor, Action::ModerateForum)?;
    let uid = crate::policy::user_id(actor)?;
    let thread_id = d.thread.trim().parse::<i32>().map_err(|_| AppError::NotFound)?;
    let post_id = match d.post.trim() {
        "" => None,
        p => Some(p.parse::<i32>().map_err(|_| AppError::NotFound)?),
    };
    let approve = match d.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::field("decision", "err-unknown-value")),
    };
    let thread = forum_thread::Entity::find_by_id(thread_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    match post_id {
        Some(pid) => {
            let post = forum_post::Entity::find_by_id(pid)
                .filter(forum_post::Column::ThreadId.eq(thread.id))
                .filter(forum_post::Column::Pending.eq(true))
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?;
            if approve {
                forum_post::ActiveModel { id: Set(post.id), pending: Set(false), ..Default::default() }
                    .update(&tx)
                    .await?;
                super::recount(&tx, thread.id, now).await?;
                super::notifications::record(
                    &tx,
                    &super::notifications::Event {
                        thread_id: thread.id,
                        post_id: Some(post.id),
                        actor_id: post.author_id,
                    },
                )
                .await?;
            } else {
                super::attachments::delete_of_post(&tx, post.id).await?;
                forum_post::Entity::delete_by_id(post.id).exec(&tx).await?;
            }
        }
        None => {
            if !thread.pending {
                return Err(AppError::NotFound);
            }
            if approve {
                forum_thread::ActiveModel { id: Set(thread.id), pending: Set(false), ..Default::default() }
                    .update(&tx)
                    .await?;
                super::notifications::record(
                    &tx,
                    &super::notifications::Event { thread_id: thread.id, post_id: None, actor_id: thread.author_id },
                )
                .await?;
            } else {
                forum_thread::Entity::delete_by_id(thread.id).exec(&tx).await?;
            }
        }
    }
    let action = if approve { "forum.post.approved" } else { "forum.post.rejected" };
    let target = match post_id {
        Some(p) => format!("post:{p}"),
        None => format!("thread:{}", thread.id),
    };
    changelog::admin_action(&tx, uid, action, target, format!("thread:{}", thread.id)).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(approve)
}

/// How many posts wait for approval (for the admin menu).
pub async fn pending_count(app: &App) -> Result<u64, AppError> {
    let t = forum_thread::Entity::find().filter(forum_thread::Column::Pending.eq(true)).count(&app.db).await?;
    let p = forum_post::Entity::find().filter(forum_post::Column::Pending.eq(true)).count(&app.db).await?;
    Ok(t + p)
}
