//! Telling people of what concerns them, for every capability: in-app
//! notices with the unread count in the header, notification email at once
//! or as a daily digest as each person chooses ([`EmailMode`]), and signed
//! links that stop a kind of email without a login ([`unsubscribe`]).
//!
//! A capability tells people with [`tell`] (in its job, after deciding who
//! may see the subject) and registers, when the app starts, its subject
//! kinds with the condition that says who still sees a subject
//! ([`Subjects`]): the list, the unread count and the digest check it again
//! whenever they are read, so a subject closed later disappears from them.

pub mod digest;
pub mod unsubscribe;

use crate::{App, AppError, policy::Principal};
use kimppa_store::entities::{notice, notification_pref};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, TryInsertResult, sea_query::SelectStatement,
};
use std::collections::HashMap;

pub use unsubscribe::{Stop, Stopped, Stops};

/// Notices per page of the list.
pub const PER_PAGE: u64 = 30;

/// How a person wants notification email. No choice made: the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailMode {
    Immediate,
    Digest,
    Off,
}

impl EmailMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailMode::Immediate => "immediate",
            EmailMode::Digest => "digest",
            EmailMode::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<EmailMode> {
        match s {
            "immediate" => Some(EmailMode::Immediate),
            "digest" => Some(EmailMode::Digest),
            "off" => Some(EmailMode::Off),
            _ => None,
        }
    }
}

pub async fn email_mode(app: &App, uid: i32) -> Result<EmailMode, AppError> {
    Ok(notification_pref::Entity::find_by_id(uid)
        .one(&app.db)
        .await?
        .and_then(|p| EmailMode::parse(&p.email_mode))
        .unwrap_or(EmailMode::Digest))
}

pub async fn set_email_mode(app: &App, uid: i32, mode: EmailMode) -> Result<(), AppError> {
    let row = notification_pref::ActiveModel {
        user_id: Set(uid),
        email_mode: Set(mode.as_str().into()),
        updated_at: Set(crate::now()),
    };
    notification_pref::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(notification_pref::Column::UserId)
                .update_columns([notification_pref::Column::EmailMode, notification_pref::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(&app.db)
        .await?;
    Ok(())
}

/// The email modes of people who chose one (the others: the digest).
pub async fn modes_of<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, EmailMode>, AppError> {
    let rows = crate::batch::chunked(ids, |chunk| {
        notification_pref::Entity::find().filter(notification_pref::Column::UserId.is_in(chunk)).all(conn)
    })
    .await?;
    Ok(rows.into_iter().filter_map(|p| EmailMode::parse(&p.email_mode).map(|m| (p.user_id, m))).collect())
}

// ---------------------------------------------------------------------------
// Subjects

/// The ids of a kind's subjects the principal still sees, as a subquery;
/// `None` when the principal sees every one of them.
pub type Visible = fn(&Principal) -> Option<SelectStatement>;

/// A kind of subject notices are about.
#[derive(Clone, Copy)]
pub struct Subject {
    /// `forum.thread` …
    pub kind: &'static str,
    pub visible: Visible,
    /// How the digest counts them: "2 keskustelussa" / "2 discussions".
    pub digest_fi: &'static str,
    pub digest_en: &'static str,
}

/// The subject kinds of every capability, registered when the app starts.
#[derive(Default)]
pub struct Subjects(Vec<Subject>);

impl Subjects {
    pub fn add(&mut self, s: Subject) {
        self.0.push(s);
    }

    pub fn get(&self, kind: &str) -> Option<&Subject> {
        self.0.iter().find(|s| s.kind == kind)
    }

    /// The notices `p` may still read: those whose subject `p` sees. A
    /// notice of an unknown kind is shown to nobody.
    pub fn condition(&self, p: &Principal) -> Condition {
        let mut any = Condition::any();
        for s in &self.0 {
            let mine = Condition::all().add(notice::Column::Subject.eq(s.kind));
            any = any.add(match (s.visible)(p) {
                None => mine,
                Some(ids) => mine.add(notice::Column::SubjectId.in_subquery(ids)),
            });
        }
        any
    }
}

// ---------------------------------------------------------------------------
// Telling

/// One person to tell of one event.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i32,
    /// What happened: `reply`, `thread` … (the list words it).
    pub event: &'static str,
    /// The same key never tells the same person twice.
    pub event_key: String,
    pub subject: &'static str,
    pub subject_id: i32,
    pub detail_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// Why the person is told.
    pub reason: &'static str,
    pub title: String,
    /// The path after the language prefix.
    pub link: String,
    /// An email already carried it (sent at once by the caller).
    pub emailed: bool,
}

/// Records notices (in the caller's transaction). Returns the ones that
/// were new: a notice already given for its event key is not given again.
pub async fn tell<C: ConnectionTrait>(conn: &C, notices: Vec<Notice>) -> Result<Vec<Notice>, AppError> {
    let now = crate::now();
    let mut new = vec![];
    for n in notices {
        let row = notice::ActiveModel {
            user_id: Set(n.user_id),
            event: Set(n.event.into()),
            event_key: Set(n.event_key.clone()),
            subject: Set(n.subject.into()),
            subject_id: Set(n.subject_id),
            detail_id: Set(n.detail_id),
            actor_id: Set(n.actor_id),
            reason: Set(n.reason.into()),
            title: Set(n.title.clone()),
            link: Set(n.link.clone()),
            created_at: Set(now),
            read_at: Set(None),
            emailed_at: Set(n.emailed.then_some(now)),
            ..Default::default()
        };
        let inserted = notice::Entity::insert(row)
            .on_conflict_do_nothing_on([notice::Column::UserId, notice::Column::EventKey])
            .exec_without_returning(conn)
            .await?;
        if matches!(inserted, TryInsertResult::Inserted(k) if k > 0) {
            new.push(n);
        }
    }
    let told: Vec<i32> = new.iter().map(|n| n.user_id).collect();
    crate::changelog::personal(conn, &told).await?;
    Ok(new)
}

/// Marks notices as carried by an email (the caller sent one at once).
pub async fn mark_emailed<C: ConnectionTrait>(conn: &C, ids: Vec<i32>) -> Result<(), AppError> {
    for chunk in crate::batch::distinct(ids).chunks(crate::batch::CHUNK) {
        notice::Entity::update_many()
            .col_expr(notice::Column::EmailedAt, Some(crate::now()).into())
            .filter(notice::Column::Id.is_in(chunk.to_vec()))
            .filter(notice::Column::EmailedAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The list

/// A notice as the list shows it.
#[derive(Debug, Clone)]
pub struct Item {
    pub n: notice::Model,
    /// Who did it.
    pub actor: String,
}

#[derive(Debug, Clone)]
pub struct ItemPage {
    pub items: Vec<Item>,
    pub unread: u64,
    pub page: u64,
    pub pages: u64,
}

/// The person's notices whose subjects they still see.
fn mine(app: &App, actor: &Principal) -> Result<sea_orm::Select<notice::Entity>, AppError> {
    let uid = crate::policy::user_id(actor)?;
    Ok(notice::Entity::find().filter(notice::Column::UserId.eq(uid)).filter(app.hooks.subjects.condition(actor)))
}

/// Unread notices, for the header: from this node's memory until the next
/// change (every notice told or read writes to the change log), otherwise
/// one query.
pub async fn unread(app: &App, actor: &Principal) -> Result<u64, AppError> {
    let person = crate::policy::signed_in(actor)?;
    let (uid, second_factor) = (person.id, person.second_factor_passed);
    let memory = &app.pages;
    let generation = if memory.enabled() { memory.refresh(app).await } else { None };
    if generation.is_some()
        && let Some(n) = memory.unread(uid.0, second_factor)
    {
        return Ok(n);
    }
    let n = mine(app, actor)?.filter(notice::Column::ReadAt.is_null()).count(&app.db).await?;
    if let Some(g) = generation {
        memory.remember_unread(g, uid.0, second_factor, n);
    }
    Ok(n)
}

/// A page of notices, newest first (four queries).
pub async fn list(app: &App, actor: &Principal, page: u64) -> Result<ItemPage, AppError> {
    let total = mine(app, actor)?.count(&app.db).await?;
    let unread = unread(app, actor).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = mine(app, actor)?
        .order_by_desc(notice::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&app.db)
        .await?;
    let actors = crate::people::user_names(app, rows.iter().filter_map(|n| n.actor_id)).await?;
    let items = rows
        .into_iter()
        .map(|n| Item { actor: n.actor_id.and_then(|a| actors.get(&a).cloned()).unwrap_or_default(), n })
        .collect();
    Ok(ItemPage { items, unread, page, pages })
}

/// Marks one notice (or, with `None`, all) of the person read. Returns the
/// link of the one notice, to follow it.
pub async fn mark_read(app: &App, actor: &Principal, id: Option<i32>) -> Result<Option<String>, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let mut q = notice::Entity::update_many()
        .col_expr(notice::Column::ReadAt, Some(crate::now()).into())
        .filter(notice::Column::UserId.eq(uid))
        .filter(notice::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notice::Column::Id.eq(id));
    }
    let tx = app.db.begin().await?;
    if q.exec(&tx).await?.rows_affected > 0 {
        crate::changelog::personal(&tx, &[uid.0]).await?;
    }
    tx.commit().await?;
    let Some(id) = id else { return Ok(None) };
    Ok(mine(app, actor)?
        .filter(notice::Column::Id.eq(id))
        .select_only()
        .column(notice::Column::Link)
        .into_tuple()
        .one(&app.db)
        .await?)
}

/// The first 300 characters of a text, on one line (for emails).
pub fn excerpt(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 300 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(300).collect::<String>())
    }
}

/// The kernel's own job: the digest.
pub fn register(jobs: &mut crate::jobs::Handlers) {
    digest::register(jobs);
}
