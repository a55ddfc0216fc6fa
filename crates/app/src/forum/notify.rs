//! Watching threads, areas and topics; the in-app notification list; and
//! notification email, sent at once or as a daily digest as each person
//! chooses, with unsubscribe links that work without a login.
//!
//! A new thread or reply writes a [`NOTIFY`] change-log row in its own
//! transaction; the job runner fans it out to the watchers who may see
//! the thread ([`visibility::sees`]). Lists, counts and digests check the
//! thread's visibility again when they are read, so a thread closed later
//! disappears from them too.

use super::visibility::{self, Viewer};
use crate::{App, AppError, changelog, policy::Actor, tokens};
use chrono::{DateTime, Duration, Utc};
use kimppa_store::entities::{
    forum_category, forum_participant, forum_post, forum_subscription, forum_tag, forum_thread, forum_thread_tag,
    notification, notification_pref, org_member, user,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, TryInsertResult, sea_query::Query,
};
use std::collections::{BTreeMap, HashMap};

/// Change-log kind: a thread or reply to tell its watchers about.
pub const NOTIFY: &str = "forum.notify";
/// Change-log kind: the daily digest, scheduled for the next morning.
pub const DIGEST: &str = "forum.digest";
/// Notifications per page of the list.
pub const PER_PAGE: u64 = 30;
/// The digest goes out at this hour, Finnish time.
pub const DIGEST_HOUR: u32 = 7;
pub(crate) const SIGNING_KEY: &str = "unsubscribe";

/// What can be watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Thread(i32),
    Area(i32),
    Topic(i32),
}

impl Target {
    pub fn kind(self) -> &'static str {
        match self {
            Target::Thread(_) => "thread",
            Target::Area(_) => "area",
            Target::Topic(_) => "topic",
        }
    }

    pub fn id(self) -> i32 {
        match self {
            Target::Thread(i) | Target::Area(i) | Target::Topic(i) => i,
        }
    }

    pub fn new(kind: &str, id: i32) -> Option<Target> {
        match kind {
            "thread" => Some(Target::Thread(id)),
            "area" => Some(Target::Area(id)),
            "topic" => Some(Target::Topic(id)),
            _ => None,
        }
    }

    /// `thread:5`, the form used in signed links.
    pub fn key(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }

    pub fn parse(s: &str) -> Option<Target> {
        let (k, i) = s.split_once(':')?;
        Target::new(k, i.parse().ok()?)
    }
}

/// How a person wants notification email.
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

// ---------------------------------------------------------------------------
// Watching

/// Starts watching (idempotent). A thread must be one the person sees; an
/// area or topic must exist.
pub async fn watch(app: &App, actor: &Actor, v: &Viewer, target: Target) -> Result<(), AppError> {
    let uid = actor.user_id().ok_or(AppError::LoginRequired)?;
    match target {
        Target::Thread(id) => {
            super::get(app, v, id).await?;
        }
        Target::Area(id) => {
            forum_category::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
        }
        Target::Topic(id) => {
            forum_tag::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
        }
    }
    subscribe(&app.db, uid, target).await?;
    Ok(())
}

/// Inserts a subscription unless it is there (any connection or transaction).
pub(crate) async fn subscribe<C: ConnectionTrait>(conn: &C, uid: i32, target: Target) -> Result<(), sea_orm::DbErr> {
    let row = forum_subscription::ActiveModel {
        user_id: Set(uid),
        kind: Set(target.kind().into()),
        target_id: Set(target.id()),
        created_at: Set(crate::now()),
        ..Default::default()
    };
    forum_subscription::Entity::insert(row)
        .on_conflict_do_nothing_on([
            forum_subscription::Column::UserId,
            forum_subscription::Column::Kind,
            forum_subscription::Column::TargetId,
        ])
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn unwatch(app: &App, uid: i32, target: Target) -> Result<(), AppError> {
    forum_subscription::Entity::delete_many()
        .filter(forum_subscription::Column::UserId.eq(uid))
        .filter(forum_subscription::Column::Kind.eq(target.kind()))
        .filter(forum_subscription::Column::TargetId.eq(target.id()))
        .exec(&app.db)
        .await?;
    Ok(())
}

pub async fn is_watching(app: &App, uid: i32, target: Target) -> Result<bool, AppError> {
    Ok(forum_subscription::Entity::find()
        .filter(forum_subscription::Column::UserId.eq(uid))
        .filter(forum_subscription::Column::Kind.eq(target.kind()))
        .filter(forum_subscription::Column::TargetId.eq(target.id()))
        .count(&app.db)
        .await?
        > 0)
}

/// A subscription as the settings page shows it.
#[derive(Debug, Clone)]
pub struct Watched {
    pub target: Target,
    /// Title of the thread, or slug of the area or topic (the page names it).
    pub label: String,
    pub slug: Option<String>,
}

/// What a person watches (threads they no longer see are left out). Four queries.
pub async fn watched(app: &App, v: &Viewer, uid: i32) -> Result<Vec<Watched>, AppError> {
    let subs = forum_subscription::Entity::find()
        .filter(forum_subscription::Column::UserId.eq(uid))
        .order_by_asc(forum_subscription::Column::Id)
        .all(&app.db)
        .await?;
    let ids = |k: &str| subs.iter().filter(|s| s.kind == k).map(|s| s.target_id).collect::<Vec<_>>();
    let threads: HashMap<i32, String> = forum_thread::Entity::find()
        .select_only()
        .columns([forum_thread::Column::Id, forum_thread::Column::Title])
        .filter(forum_thread::Column::Id.is_in(ids("thread")))
        .filter(visibility::condition(v))
        .into_tuple()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let areas: HashMap<i32, String> = super::categories(app).await?.into_iter().map(|c| (c.id, c.slug)).collect();
    let topics: HashMap<i32, String> = super::tags(app).await?.into_iter().map(|t| (t.id, t.slug)).collect();
    Ok(subs
        .into_iter()
        .filter_map(|s| {
            let target = Target::new(&s.kind, s.target_id)?;
            let (label, slug) = match target {
                Target::Thread(id) => (threads.get(&id)?.clone(), None),
                Target::Area(id) => (areas.get(&id)?.clone(), areas.get(&id).cloned()),
                Target::Topic(id) => (topics.get(&id)?.clone(), topics.get(&id).cloned()),
            };
            Some(Watched { target, label, slug })
        })
        .collect())
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

// ---------------------------------------------------------------------------
// Signed unsubscribe links

/// What a signed link stops: one subscription, following a focus area (new
/// challenges), or all notification email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    Watch(Target),
    Focus(kimppa_domain::FocusArea),
    AllEmail,
}

impl Unsubscribe {
    fn key(self) -> String {
        match self {
            Unsubscribe::Watch(t) => t.key(),
            Unsubscribe::Focus(a) => format!("focus:{}", a.key()),
            Unsubscribe::AllEmail => "email".into(),
        }
    }

    pub fn parse(s: &str) -> Option<Unsubscribe> {
        if s == "email" {
            Some(Unsubscribe::AllEmail)
        } else if let Some(area) = s.strip_prefix("focus:") {
            kimppa_domain::FocusArea::parse(area).ok().map(Unsubscribe::Focus)
        } else {
            Target::parse(s).map(Unsubscribe::Watch)
        }
    }
}

fn unsubscribe_message(uid: i32, what: Unsubscribe) -> String {
    format!("unsubscribe:{uid}:{}", what.key())
}

/// The absolute link that stops `what` for person `uid`, without a login.
pub fn unsubscribe_link(app: &App, key: &[u8], lang: &str, uid: i32, what: Unsubscribe) -> String {
    let sig = tokens::sign(key, &unsubscribe_message(uid, what));
    app.url(&format!("/{lang}/notifications/unsubscribe?u={uid}&s={}&sig={sig}", what.key()))
}

/// Checks a signed link and carries it out; idempotent. Returns what was
/// stopped. A wrong signature is refused as not found.
pub async fn unsubscribe(app: &App, uid: i32, what: &str, sig: &str) -> Result<Unsubscribe, AppError> {
    let what = Unsubscribe::parse(what).ok_or(AppError::NotFound)?;
    let key = tokens::signing_key(&app.db, SIGNING_KEY).await?;
    if !tokens::verify(&key, &unsubscribe_message(uid, what), sig) {
        return Err(AppError::NotFound);
    }
    match what {
        Unsubscribe::Watch(t) => unwatch(app, uid, t).await?,
        Unsubscribe::Focus(a) => crate::challenges::notify::unfollow(app, uid, a).await?,
        Unsubscribe::AllEmail => set_email_mode(app, uid, EmailMode::Off).await?,
    }
    Ok(what)
}

/// Undoes a signed unsubscribe (the page offers it next to the notice);
/// "all email" returns to `previous` (immediate or the digest; the digest
/// when unknown).
pub async fn resubscribe(
    app: &App,
    uid: i32,
    what: &str,
    sig: &str,
    previous: Option<EmailMode>,
) -> Result<Unsubscribe, AppError> {
    let what = Unsubscribe::parse(what).ok_or(AppError::NotFound)?;
    let key = tokens::signing_key(&app.db, SIGNING_KEY).await?;
    if !tokens::verify(&key, &unsubscribe_message(uid, what), sig) {
        return Err(AppError::NotFound);
    }
    match what {
        Unsubscribe::Watch(t) => subscribe(&app.db, uid, t).await?,
        Unsubscribe::Focus(a) => crate::challenges::notify::follow(app, uid, a).await?,
        Unsubscribe::AllEmail => {
            let back = previous.filter(|m| *m != EmailMode::Off).unwrap_or(EmailMode::Digest);
            set_email_mode(app, uid, back).await?
        }
    }
    Ok(what)
}

// ---------------------------------------------------------------------------
// Events

/// The payload of a [`NOTIFY`] row.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub thread_id: i32,
    /// The reply; none for a new thread.
    pub post_id: Option<i32>,
    pub actor_id: i32,
}

/// Records an event in the writer's transaction; the job runner tells the
/// watchers.
pub(crate) async fn record<C: ConnectionTrait>(conn: &C, e: &Event) -> Result<(), sea_orm::DbErr> {
    changelog::record(conn, NOTIFY, e).await.map(|_| ())
}

/// A person the app tells something to, with what the job needs of them.
struct Recipient {
    user: user::Model,
    reason: &'static str,
}

/// The viewer a person is when away from the screen: their organisations,
/// and staff powers when they hold a staff role with a second factor.
async fn offline_viewers<C: ConnectionTrait>(
    conn: &C,
    users: &[user::Model],
) -> Result<HashMap<i32, Viewer>, sea_orm::DbErr> {
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let mut orgs: HashMap<i32, Vec<i32>> = HashMap::new();
    if !ids.is_empty() {
        for m in org_member::Entity::find().filter(org_member::Column::UserId.is_in(ids)).all(conn).await? {
            orgs.entry(m.user_id).or_default().push(m.org_id);
        }
    }
    Ok(users
        .iter()
        .map(|u| {
            let staff = u.platform_role != "person" && u.totp_enabled_at.is_some();
            (u.id, Viewer { user_id: Some(u.id), org_ids: orgs.remove(&u.id).unwrap_or_default(), staff })
        })
        .collect())
}

/// Fans an event out to the watchers who may see the thread: one
/// notification each (never twice for one event), and an email at once
/// for those who chose it. Idempotent, for the job runner.
pub async fn fan_out(app: &App, e: &Event) -> Result<(), String> {
    fan_out_inner(app, e).await.map_err(|e| e.to_string())
}

async fn fan_out_inner(app: &App, e: &Event) -> Result<(), AppError> {
    let Some(thread) = forum_thread::Entity::find_by_id(e.thread_id).one(&app.db).await? else { return Ok(()) };
    let post = match e.post_id {
        Some(p) => match forum_post::Entity::find_by_id(p).one(&app.db).await? {
            Some(p) => Some(p),
            None => return Ok(()),
        },
        None => None,
    };
    // Waiting for approval: the approval records the event again.
    if thread.pending || post.as_ref().is_some_and(|p| p.pending || p.hidden) {
        return Ok(());
    }
    let tag_ids: Vec<i32> = forum_thread_tag::Entity::find()
        .select_only()
        .column(forum_thread_tag::Column::TagId)
        .filter(forum_thread_tag::Column::ThreadId.eq(thread.id))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut cond = Condition::any()
        .add(
            Condition::all()
                .add(forum_subscription::Column::Kind.eq("area"))
                .add(forum_subscription::Column::TargetId.eq(thread.category_id)),
        )
        .add(
            Condition::all()
                .add(forum_subscription::Column::Kind.eq("topic"))
                .add(forum_subscription::Column::TargetId.is_in(tag_ids)),
        );
    if post.is_some() {
        cond = cond.add(
            Condition::all()
                .add(forum_subscription::Column::Kind.eq("thread"))
                .add(forum_subscription::Column::TargetId.eq(thread.id)),
        );
    }
    let subs = forum_subscription::Entity::find().filter(cond).all(&app.db).await?;
    // The most specific reason wins: thread, then topic, then area.
    let mut reasons: BTreeMap<i32, &'static str> = BTreeMap::new();
    for s in &subs {
        if s.user_id == e.actor_id {
            continue;
        }
        let (rank, reason) = match s.kind.as_str() {
            "thread" => (0, "thread"),
            "topic" => (1, "topic"),
            _ => (2, "area"),
        };
        let entry = reasons.entry(s.user_id).or_insert(reason);
        let current = match *entry {
            "thread" => 0,
            "topic" => 1,
            _ => 2,
        };
        if rank < current {
            *entry = reason;
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(reasons.keys().copied().collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    let participants = forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.eq(thread.id))
        .all(&app.db)
        .await?;
    let viewers = offline_viewers(&app.db, &users).await?;
    let recipients: Vec<Recipient> = users
        .into_iter()
        .filter(|u| viewers.get(&u.id).is_some_and(|v| visibility::sees(&thread, &participants, v)))
        .filter_map(|u| reasons.get(&u.id).map(|r| Recipient { reason: r, user: u }))
        .collect();
    let modes = modes_of(&app.db, &recipients.iter().map(|r| r.user.id).collect::<Vec<_>>()).await?;
    let actor = super::names(app, vec![e.actor_id]).await?.remove(&e.actor_id).unwrap_or_default();
    let key = tokens::signing_key(&app.db, SIGNING_KEY).await?;
    let (event, event_key) = match &post {
        Some(p) => ("reply", format!("reply:{}", p.id)),
        None => ("thread", format!("thread:{}", thread.id)),
    };
    let now = crate::now();
    let tx = app.db.begin().await?;
    for r in &recipients {
        let immediate = modes.get(&r.user.id).copied().unwrap_or(EmailMode::Digest) == EmailMode::Immediate;
        let row = notification::ActiveModel {
            user_id: Set(r.user.id),
            event: Set(event.into()),
            event_key: Set(event_key.clone()),
            thread_id: Set(thread.id),
            post_id: Set(post.as_ref().map(|p| p.id)),
            actor_id: Set(Some(e.actor_id)),
            reason: Set(r.reason.into()),
            created_at: Set(now),
            read_at: Set(None),
            emailed_at: Set(immediate.then_some(now)),
            ..Default::default()
        };
        let inserted = notification::Entity::insert(row)
            .on_conflict_do_nothing_on([notification::Column::UserId, notification::Column::EventKey])
            .exec_without_returning(&tx)
            .await?;
        if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) || !immediate {
            continue;
        }
        let lang = if r.user.locale == "en" { "en" } else { "fi" };
        let watch = match r.reason {
            "thread" => Target::Thread(thread.id),
            "topic" => {
                // The topic the person watches among the thread's topics.
                let t = subs
                    .iter()
                    .find(|s| s.user_id == r.user.id && s.kind == "topic")
                    .map(|s| s.target_id)
                    .unwrap_or_default();
                Target::Topic(t)
            }
            _ => Target::Area(thread.category_id),
        };
        let link = match &post {
            Some(p) => app.url(&format!("/{lang}/forum/threads/{}/replies/{}", thread.id, p.id)),
            None => app.url(&format!("/{lang}/forum/threads/{}", thread.id)),
        };
        let excerpt = excerpt(post.as_ref().map(|p| p.body.as_str()).unwrap_or(&thread.body));
        let stop_this = unsubscribe_link(app, &key, lang, r.user.id, Unsubscribe::Watch(watch));
        let stop_all = unsubscribe_link(app, &key, lang, r.user.id, Unsubscribe::AllEmail);
        let settings = app.url(&format!("/{lang}/notifications/settings"));
        let (subject, body) =
            texts::immediate(lang, event, &actor, &thread.title, &excerpt, &link, &stop_this, &stop_all, &settings);
        crate::email::queue(&tx, &r.user.email, &subject, &body).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

pub(crate) async fn modes_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> Result<HashMap<i32, EmailMode>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(notification_pref::Entity::find()
        .filter(notification_pref::Column::UserId.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|p| EmailMode::parse(&p.email_mode).map(|m| (p.user_id, m)))
        .collect())
}

/// The first 300 characters of a text, on one line.
fn excerpt(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 300 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(300).collect::<String>())
    }
}

/// Tells named people directly (an invitation, a linked expert): the
/// email was sent by the caller, so the notification counts as emailed.
pub(crate) async fn direct<C: ConnectionTrait>(
    conn: &C,
    user_ids: &[i32],
    thread_id: i32,
    event: &str,
    actor_id: i32,
) -> Result<(), sea_orm::DbErr> {
    let now = crate::now();
    for &u in user_ids {
        if u == actor_id {
            continue;
        }
        let row = notification::ActiveModel {
            user_id: Set(u),
            event: Set(event.into()),
            event_key: Set(format!("{event}:{thread_id}")),
            thread_id: Set(thread_id),
            post_id: Set(None),
            actor_id: Set(Some(actor_id)),
            reason: Set(event.into()),
            created_at: Set(now),
            read_at: Set(None),
            emailed_at: Set(Some(now)),
            ..Default::default()
        };
        notification::Entity::insert(row)
            .on_conflict_do_nothing_on([notification::Column::UserId, notification::Column::EventKey])
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The list

/// A notification as the list shows it.
#[derive(Debug, Clone)]
pub struct Item {
    pub n: notification::Model,
    pub thread_title: String,
    pub actor: String,
}

#[derive(Debug, Clone)]
pub struct ItemPage {
    pub items: Vec<Item>,
    pub unread: u64,
    pub page: u64,
    pub pages: u64,
}

/// Notifications of threads the viewer still sees.
fn mine(v: &Viewer, uid: i32) -> sea_orm::Select<notification::Entity> {
    notification::Entity::find().filter(notification::Column::UserId.eq(uid)).filter(
        notification::Column::ThreadId.in_subquery(
            Query::select()
                .column(forum_thread::Column::Id)
                .from(forum_thread::Entity)
                .cond_where(visibility::condition(v))
                .to_owned(),
        ),
    )
}

/// Unread notifications (one query), for the header.
pub async fn unread(app: &App, v: &Viewer, uid: i32) -> Result<u64, AppError> {
    Ok(mine(v, uid).filter(notification::Column::ReadAt.is_null()).count(&app.db).await?)
}

/// A page of notifications, newest first (five queries).
pub async fn list(app: &App, v: &Viewer, uid: i32, page: u64) -> Result<ItemPage, AppError> {
    let total = mine(v, uid).count(&app.db).await?;
    let unread = unread(app, v, uid).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = mine(v, uid)
        .order_by_desc(notification::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&app.db)
        .await?;
    let titles: HashMap<i32, String> = forum_thread::Entity::find()
        .select_only()
        .columns([forum_thread::Column::Id, forum_thread::Column::Title])
        .filter(forum_thread::Column::Id.is_in(rows.iter().map(|n| n.thread_id).collect::<Vec<_>>()))
        .into_tuple()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let actors = super::names(app, rows.iter().filter_map(|n| n.actor_id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|n| Item {
            thread_title: titles.get(&n.thread_id).cloned().unwrap_or_default(),
            actor: n.actor_id.and_then(|a| actors.get(&a).cloned()).unwrap_or_default(),
            n,
        })
        .collect();
    Ok(ItemPage { items, unread, page, pages })
}

/// Marks one notification (or, with `None`, all) of the person read.
pub async fn mark_read(app: &App, uid: i32, id: Option<i32>) -> Result<(), AppError> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Some(crate::now()).into())
        .filter(notification::Column::UserId.eq(uid))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    q.exec(&app.db).await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The daily digest

/// The next digest time after `now`: 07:00 Finnish time.
pub fn next_digest_at(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = crate::finnish_time(now);
    let offset = *local.offset();
    let today = local.date_naive();
    for day in [today, today.succ_opt().unwrap_or(today)] {
        let at = day.and_hms_opt(DIGEST_HOUR, 0, 0).unwrap_or_default();
        let utc =
            DateTime::<Utc>::from_naive_utc_and_offset(at - Duration::seconds(offset.local_minus_utc() as i64), Utc);
        if utc > now {
            return utc;
        }
    }
    now + Duration::days(1)
}

/// Makes sure one digest is scheduled (at start-up). Two nodes starting at
/// once may both schedule one; the digest is idempotent, and the next run
/// schedules only when none is waiting.
pub async fn ensure_digest_scheduled(app: &App) -> Result<(), AppError> {
    schedule_next(&app.db).await?;
    Ok(())
}

async fn schedule_next<C: ConnectionTrait>(conn: &C) -> Result<(), sea_orm::DbErr> {
    use kimppa_store::entities::change_log;
    let waiting = change_log::Entity::find()
        .filter(change_log::Column::Kind.eq(DIGEST))
        .filter(change_log::Column::ProcessedAt.is_null())
        .filter(change_log::Column::FailedAt.is_null())
        .filter(change_log::Column::NextAttemptAt.gt(crate::now()))
        .count(conn)
        .await?;
    if waiting == 0 {
        changelog::record_at(conn, DIGEST, &serde_json::json!({}), next_digest_at(crate::now())).await?;
    }
    Ok(())
}

/// The digest job: sends the digest, then schedules the next one.
pub async fn digest_job(app: &App) -> Result<(), String> {
    send_digests(app, crate::now()).await.map_err(|e| e.to_string())?;
    schedule_next(&app.db).await.map_err(|e| e.to_string())
}

/// Sends one email per person who chose the digest, listing the threads
/// of their notifications not yet emailed (made before `cutoff`) that they
/// still see. Each person's email and the marking of their notifications
/// are one transaction, so a rerun sends nothing twice. Returns the number
/// of emails.
pub async fn send_digests(app: &App, cutoff: DateTime<Utc>) -> Result<usize, AppError> {
    let pending = notification::Entity::find()
        .filter(notification::Column::EmailedAt.is_null())
        .filter(notification::Column::CreatedAt.lte(cutoff))
        .order_by_asc(notification::Column::Id)
        .all(&app.db)
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut by_user: BTreeMap<i32, Vec<notification::Model>> = BTreeMap::new();
    for n in pending {
        by_user.entry(n.user_id).or_default().push(n);
    }
    let ids: Vec<i32> = by_user.keys().copied().collect();
    let users = user::Entity::find().filter(user::Column::Id.is_in(ids.clone())).all(&app.db).await?;
    let modes = modes_of(&app.db, &ids).await?;
    let viewers = offline_viewers(&app.db, &users).await?;
    let thread_ids: Vec<i32> = by_user.values().flatten().map(|n| n.thread_id).collect();
    let threads: HashMap<i32, forum_thread::Model> = forum_thread::Entity::find()
        .filter(forum_thread::Column::Id.is_in(thread_ids.clone()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut participants: HashMap<i32, Vec<forum_participant::Model>> = HashMap::new();
    for p in forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.is_in(thread_ids))
        .all(&app.db)
        .await?
    {
        participants.entry(p.thread_id).or_default().push(p);
    }
    let key = tokens::signing_key(&app.db, SIGNING_KEY).await?;
    let now = crate::now();
    let mut sent = 0;
    for u in users {
        let Some(items) = by_user.remove(&u.id) else { continue };
        let mode = modes.get(&u.id).copied().unwrap_or(EmailMode::Digest);
        let viewer = viewers.get(&u.id).cloned().unwrap_or_default();
        // Per thread, in the order of the first notification: new replies and what else happened.
        let mut lines: Vec<(i32, u32, u32)> = Vec::new(); // (thread, replies, other events)
        for n in &items {
            let Some(t) = threads.get(&n.thread_id) else { continue };
            let empty = Vec::new();
            if !visibility::sees(t, participants.get(&t.id).unwrap_or(&empty), &viewer) {
                continue;
            }
            let i = match lines.iter().position(|l| l.0 == t.id) {
                Some(i) => i,
                None => {
                    lines.push((t.id, 0, 0));
                    lines.len() - 1
                }
            };
            if n.event == "reply" {
                lines[i].1 += 1;
            } else {
                lines[i].2 += 1;
            }
        }
        let ids: Vec<i32> = items.iter().map(|n| n.id).collect();
        let tx = app.db.begin().await?;
        if mode == EmailMode::Digest && !lines.is_empty() {
            let lang = if u.locale == "en" { "en" } else { "fi" };
            let entries: Vec<texts::DigestLine> = lines
                .iter()
                .filter_map(|(id, replies, other)| {
                    threads.get(id).map(|t| texts::DigestLine {
                        title: t.title.clone(),
                        replies: *replies,
                        new_thread: *other > 0,
                        link: app.url(&format!("/{lang}/forum/threads/{id}")),
                    })
                })
                .collect();
            let stop = unsubscribe_link(app, &key, lang, u.id, Unsubscribe::AllEmail);
            let settings = app.url(&format!("/{lang}/notifications/settings"));
            let list = app.url(&format!("/{lang}/notifications"));
            let (subject, body) = texts::digest(lang, &u.name, &entries, &list, &stop, &settings);
            crate::email::queue(&tx, &u.email, &subject, &body).await?;
            sent += 1;
        }
        // Everything looked at is done with: sent, not seen any more, or not wanted by email.
        notification::Entity::update_many()
            .col_expr(notification::Column::EmailedAt, Some(now).into())
            .filter(notification::Column::Id.is_in(ids))
            .filter(notification::Column::EmailedAt.is_null())
            .exec(&tx)
            .await?;
        tx.commit().await?;
    }
    app.jobs_wake.notify_one();
    Ok(sent)
}

/// Email texts (Finnish or English by the recipient's language).
pub mod texts {
    pub struct DigestLine {
        pub title: String,
        pub replies: u32,
        pub new_thread: bool,
        pub link: String,
    }

    #[allow(clippy::too_many_arguments)]
    pub fn immediate(
        lang: &str,
        event: &str,
        actor: &str,
        title: &str,
        excerpt: &str,
        link: &str,
        stop_this: &str,
        stop_all: &str,
        settings: &str,
    ) -> (String, String) {
        if lang == "en" {
            let (subject, what) = if event == "reply" {
                (format!("New reply: {title}"), format!("{actor} replied in \"{title}\""))
            } else {
                (format!("New discussion: {title}"), format!("{actor} started the discussion \"{title}\""))
            };
            (
                subject,
                format!(
                    "{what} on the Kimppa forum:\n\n{excerpt}\n\nRead and reply: {link}\n\n--\nStop watching this: {stop_this}\nStop all forum email: {stop_all}\nNotification settings: {settings}\n"
                ),
            )
        } else {
            let (subject, what) = if event == "reply" {
                (format!("Uusi vastaus: {title}"), format!("{actor} vastasi keskusteluun \"{title}\""))
            } else {
                (format!("Uusi keskustelu: {title}"), format!("{actor} aloitti keskustelun \"{title}\""))
            };
            (
                subject,
                format!(
                    "{what} Kimppa-foorumilla:\n\n{excerpt}\n\nLue ja vastaa: {link}\n\n--\nLopeta tämän seuraaminen: {stop_this}\nLopeta kaikki foorumin sähköpostit: {stop_all}\nIlmoitusasetukset: {settings}\n"
                ),
            )
        }
    }

    pub fn digest(
        lang: &str,
        name: &str,
        lines: &[DigestLine],
        list: &str,
        stop: &str,
        settings: &str,
    ) -> (String, String) {
        let mut body = String::new();
        if lang == "en" {
            body.push_str(&format!("Hello {name},\n\nnew on the Kimppa forum in discussions you follow:\n\n"));
            for l in lines {
                let what = match (l.new_thread, l.replies) {
                    (true, 0) => "new discussion".to_string(),
                    (true, n) => format!("new discussion, {n} {}", if n == 1 { "reply" } else { "replies" }),
                    (false, n) => format!("{n} new {}", if n == 1 { "reply" } else { "replies" }),
                };
                body.push_str(&format!("- {} ({what})\n  {}\n", l.title, l.link));
            }
            body.push_str(&format!(
                "\nAll notifications: {list}\n\n--\nStop the daily digest and all forum email: {stop}\nNotification settings: {settings}\n"
            ));
            (format!("Kimppa forum: {} discussions with news", lines.len()), body)
        } else {
            body.push_str(&format!("Hei {name},\n\nuutta seuraamissasi Kimppa-foorumin keskusteluissa:\n\n"));
            for l in lines {
                let what = match (l.new_thread, l.replies) {
                    (true, 0) => "uusi keskustelu".to_string(),
                    (true, n) => format!("uusi keskustelu, {n} {}", if n == 1 { "vastaus" } else { "vastausta" }),
                    (false, n) => format!("{n} {}", if n == 1 { "uusi vastaus" } else { "uutta vastausta" }),
                };
                body.push_str(&format!("- {} ({what})\n  {}\n", l.title, l.link));
            }
            body.push_str(&format!(
                "\nKaikki ilmoitukset: {list}\n\n--\nLopeta päivittäinen kooste ja kaikki foorumin sähköpostit: {stop}\nIlmoitusasetukset: {settings}\n"
            ));
            (format!("Kimppa-foorumi: uutta {} keskustelussa", lines.len()), body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn targets_and_unsubscribe_scopes_round_trip() {
        for t in [Target::Thread(5), Target::Area(2), Target::Topic(9)] {
            assert_eq!(Target::parse(&t.key()), Some(t));
            assert_eq!(Unsubscribe::parse(&t.key()), Some(Unsubscribe::Watch(t)));
        }
        assert_eq!(Unsubscribe::parse("email"), Some(Unsubscribe::AllEmail));
        assert_eq!(Unsubscribe::parse("thread:x"), None);
        assert_eq!(Unsubscribe::parse("user:1"), None);
    }

    #[test]
    fn the_digest_goes_out_at_seven_finnish_time() {
        // Winter (UTC+2): 07:00 local is 05:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 11, 28, 4, 0, 0).unwrap();
        assert_eq!(next_digest_at(before), Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap());
        let after = Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap();
        assert_eq!(next_digest_at(after), Utc.with_ymd_and_hms(2026, 11, 29, 5, 0, 0).unwrap());
        // Summer (UTC+3): 04:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(next_digest_at(summer), Utc.with_ymd_and_hms(2026, 7, 2, 4, 0, 0).unwrap());
    }

    #[test]
    fn digest_text_names_every_thread_with_its_link() {
        let lines = vec![
            texts::DigestLine { title: "A".into(), replies: 2, new_thread: false, link: "http://x/1".into() },
            texts::DigestLine { title: "B".into(), replies: 0, new_thread: true, link: "http://x/2".into() },
        ];
        let (subject, body) = texts::digest("fi", "Anna", &lines, "http://x/n", "http://x/stop", "http://x/s");
        assert!(subject.contains('2'));
        assert!(body.contains("- A (2 uutta vastausta)\n  http://x/1"));
        assert!(body.contains("- B (uusi keskustelu)\n  http://x/2"));
        assert!(body.contains("http://x/stop"));
        let (_, en) = texts::digest("en", "Anna", &lines, "http://x/n", "http://x/stop", "http://x/s");
        assert!(en.contains("- A (2 new replies)"));
    }
}
