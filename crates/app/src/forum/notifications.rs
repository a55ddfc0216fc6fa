//! The forum's notices: a new thread or reply (or its approval) writes a
//! [`NOTIFY`] change-log row in its own transaction; the job runner tells
//! the people watching the thread, its area or its topics who may see it
//! ([`visibility::sees`]), one notice per person and event, and emails at
//! once those who chose it. Invitations and linked experts are told
//! directly ([`direct`]). The kernel ([`crate::notifications`]) keeps the
//! list, the digest and the settings, and checks the thread's visibility
//! again whenever a notice is read.

use super::{visibility, watching::Target};
use crate::{
    App, AppError, changelog,
    jobs::JobError,
    notifications::{self, EmailMode, Notice, Subject, unsubscribe},
    policy::Principal,
};
use kimppa_domain::UserId;
use kimppa_domain::WatchKind;
use kimppa_store::entities::{forum_participant, forum_post, forum_subscription, forum_thread, forum_thread_tag, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
    sea_query::{Query, SelectStatement},
};
use std::collections::BTreeMap;

/// Change-log kind: a thread or reply to tell its watchers about.
pub const NOTIFY: &str = "forum.notify";
/// The subject kind of the forum's notices.
pub const SUBJECT: &str = "forum.thread";

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

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.jobs.on(NOTIFY, |app, e: Event| async move { fan_out(&app, &e).await.map_err(JobError::from) });
    h.subjects.add(Subject {
        kind: SUBJECT,
        visible: visible_threads,
        digest_fi: "keskustelussa",
        digest_en: "discussions",
    });
}

/// The threads `p` sees, for the kernel's checks of notices.
fn visible_threads(p: &Principal) -> Option<SelectStatement> {
    if crate::policy::is_staff(p) {
        return None;
    }
    Some(
        Query::select()
            .column(forum_thread::Column::Id)
            .from(forum_thread::Entity)
            .cond_where(visibility::condition(p))
            .to_owned(),
    )
}

/// The link of a thread, or of one reply of it (after the language prefix).
pub fn link(thread_id: i32, post_id: Option<i32>) -> String {
    match post_id {
        Some(p) => format!("/forum/threads/{thread_id}/replies/{p}"),
        None => format!("/forum/threads/{thread_id}"),
    }
}

/// A person the app tells something to, with why.
struct Recipient {
    user: user::Model,
    reason: &'static str,
}

/// Fans an event out to the watchers who may see the thread: one
/// notification each (never twice for one event), and an email at once
/// for those who chose it. Idempotent, for the job runner.
pub async fn fan_out(app: &App, e: &Event) -> Result<(), AppError> {
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
                .add(forum_subscription::Column::Kind.eq(WatchKind::Area))
                .add(forum_subscription::Column::TargetId.eq(thread.category_id)),
        )
        .add(
            Condition::all()
                .add(forum_subscription::Column::Kind.eq(WatchKind::Topic))
                .add(forum_subscription::Column::TargetId.is_in(tag_ids)),
        );
    if post.is_some() {
        cond = cond.add(
            Condition::all()
                .add(forum_subscription::Column::Kind.eq(WatchKind::Thread))
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
        let (rank, reason) = match s.kind {
            WatchKind::Thread => (0, "thread"),
            WatchKind::Topic => (1, "topic"),
            WatchKind::Area => (2, "area"),
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
    let users = crate::people::users(&app.db, reasons.keys().copied()).await?;
    let participants = forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.eq(thread.id))
        .all(&app.db)
        .await?;
    let principals = Principal::offline(&app.db, users.clone()).await?;
    let recipients: Vec<Recipient> = users
        .into_iter()
        .filter(|u| principals.get(&UserId(u.id)).is_some_and(|p| visibility::sees(&thread, &participants, p)))
        .filter_map(|u| reasons.get(&u.id).map(|r| Recipient { reason: r, user: u }))
        .collect();
    let modes = notifications::modes_of(&app.db, recipients.iter().map(|r| r.user.id)).await?;
    let actor = crate::people::user_names(app, [e.actor_id]).await?.remove(&e.actor_id).unwrap_or_default();
    let key = unsubscribe::key(&app.db).await?;
    let (event, event_key) = match &post {
        Some(p) => ("reply", format!("reply:{}", p.id)),
        None => ("thread", format!("thread:{}", thread.id)),
    };
    let immediate = |uid: i32| modes.get(&uid).copied().unwrap_or(EmailMode::Digest) == EmailMode::Immediate;
    let notices = recipients
        .iter()
        .map(|r| Notice {
            user_id: r.user.id,
            event,
            event_key: event_key.clone(),
            subject: SUBJECT,
            subject_id: thread.id,
            detail_id: post.as_ref().map(|p| p.id),
            actor_id: Some(e.actor_id),
            reason: r.reason,
            title: thread.title.clone(),
            link: link(thread.id, post.as_ref().map(|p| p.id)),
            emailed: immediate(r.user.id),
        })
        .collect();
    let tx = app.db.begin().await?;
    let told = notifications::tell(&tx, notices).await?;
    for n in told.iter().filter(|n| n.emailed) {
        let Some(r) = recipients.iter().find(|r| r.user.id == n.user_id) else { continue };
        let lang = crate::people::lang(&r.user);
        let watch = match r.reason {
            "thread" => Target::Thread(thread.id),
            "topic" => {
                // The topic the person watches among the thread's topics.
                let t = subs
                    .iter()
                    .find(|s| s.user_id == r.user.id && s.kind == WatchKind::Topic)
                    .map(|s| s.target_id)
                    .unwrap_or_default();
                Target::Topic(t)
            }
            _ => Target::Area(thread.category_id),
        };
        let link = app.url(&format!("/{lang}{}", n.link));
        let excerpt = notifications::excerpt(post.as_ref().map(|p| p.body.as_str()).unwrap_or(&thread.body));
        let stop_this = unsubscribe::link(app, &key, lang, r.user.id, &watch.key());
        let stop_all = unsubscribe::link(app, &key, lang, r.user.id, unsubscribe::ALL_EMAIL);
        let settings = app.url(&format!("/{lang}/notifications/settings"));
        let (subject, body) =
            texts::immediate(lang, event, &actor, &thread.title, &excerpt, &link, &stop_this, &stop_all, &settings);
        crate::email::queue(&tx, &r.user.email, &subject, &body).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Tells named people directly (an invitation, a linked expert): the
/// email was sent by the caller, so the notice counts as emailed.
pub(crate) async fn direct<C: ConnectionTrait>(
    conn: &C,
    user_ids: &[i32],
    thread: &forum_thread::Model,
    event: &'static str,
    actor_id: i32,
) -> Result<(), AppError> {
    let notices = user_ids
        .iter()
        .filter(|&&u| u != actor_id)
        .map(|&u| Notice {
            user_id: u,
            event,
            event_key: format!("{event}:{}", thread.id),
            subject: SUBJECT,
            subject_id: thread.id,
            detail_id: None,
            actor_id: Some(actor_id),
            reason: event,
            title: thread.title.clone(),
            link: link(thread.id, None),
            emailed: true,
        })
        .collect();
    notifications::tell(conn, notices).await?;
    Ok(())
}

/// Email texts (Finnish or English by the recipient's language).
pub mod texts {
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
}
