//! Watching threads, areas and topics: a person told of new threads and
//! replies there ([`super::notifications`]); stopped from the settings page
//! or by a signed link in an email.

use crate::{
    App, AppError,
    notifications::{Stop, Stopped},
    policy::Principal,
};
use kimppa_store::entities::{forum_category, forum_subscription, forum_tag, forum_thread};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;

use super::visibility;
use kimppa_domain::WatchKind;

/// What can be watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Thread(i32),
    Area(i32),
    Topic(i32),
}

impl Target {
    pub fn kind(self) -> WatchKind {
        match self {
            Target::Thread(_) => WatchKind::Thread,
            Target::Area(_) => WatchKind::Area,
            Target::Topic(_) => WatchKind::Topic,
        }
    }

    pub fn id(self) -> i32 {
        match self {
            Target::Thread(i) | Target::Area(i) | Target::Topic(i) => i,
        }
    }

    pub fn new(kind: WatchKind, id: i32) -> Target {
        match kind {
            WatchKind::Thread => Target::Thread(id),
            WatchKind::Area => Target::Area(id),
            WatchKind::Topic => Target::Topic(id),
        }
    }

    /// `thread:5`, the form used in signed links.
    pub fn key(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }

    pub fn parse(s: &str) -> Option<Target> {
        let (k, i) = s.split_once(':')?;
        Some(Target::new(WatchKind::parse(k).ok()?, i.parse().ok()?))
    }
}

// ---------------------------------------------------------------------------
// Watching

/// Starts watching (idempotent). A thread must be one the person sees; an
/// area or topic must exist.
pub async fn watch(app: &App, actor: &Principal, target: Target) -> Result<(), AppError> {
    let uid = crate::policy::user_id(actor)?;
    match target {
        Target::Thread(id) => {
            super::get(app, actor, id).await?;
        }
        Target::Area(id) => {
            forum_category::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
        }
        Target::Topic(id) => {
            forum_tag::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
        }
    }
    subscribe(&app.db, uid.0, target).await?;
    crate::changelog::personal(&app.db, &[uid.0]).await?;
    Ok(())
}

/// Inserts a subscription unless it is there (any connection or transaction).
pub(crate) async fn subscribe<C: ConnectionTrait>(conn: &C, uid: i32, target: Target) -> Result<(), sea_orm::DbErr> {
    let row = forum_subscription::ActiveModel {
        user_id: Set(uid),
        kind: Set(target.kind()),
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
    crate::changelog::personal(&app.db, &[uid]).await?;
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
pub async fn watched(app: &App, actor: &Principal) -> Result<Vec<Watched>, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let subs = forum_subscription::Entity::find()
        .filter(forum_subscription::Column::UserId.eq(uid))
        .order_by_asc(forum_subscription::Column::Id)
        .all(&app.db)
        .await?;
    let ids = |k: WatchKind| subs.iter().filter(|s| s.kind == k).map(|s| s.target_id).collect::<Vec<_>>();
    let threads: HashMap<i32, String> = forum_thread::Entity::find()
        .select_only()
        .columns([forum_thread::Column::Id, forum_thread::Column::Title])
        .filter(forum_thread::Column::Id.is_in(ids(WatchKind::Thread)))
        .filter(visibility::condition(actor))
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
            let target = Target::new(s.kind, s.target_id);
            let (label, slug) = match target {
                Target::Thread(id) => (threads.get(&id)?.clone(), None),
                Target::Area(id) => (areas.get(&id)?.clone(), areas.get(&id).cloned()),
                Target::Topic(id) => (topics.get(&id)?.clone(), topics.get(&id).cloned()),
            };
            Some(Watched { target, label, slug })
        })
        .collect())
}

/// The unsubscribe links of watching: `thread:5`, `area:2`, `topic:3`.
pub(super) fn register(h: &mut crate::hooks::Hooks) {
    for prefix in ["thread", "area", "topic"] {
        h.stops.add(Stop {
            prefix,
            stop: |app, uid, key| {
                Box::pin(async move {
                    let target = Target::parse(&key).ok_or(AppError::NotFound)?;
                    unwatch(&app, uid, target).await?;
                    stopped(&app, target).await
                })
            },
            undo: |app, uid, key| {
                Box::pin(async move {
                    let target = Target::parse(&key).ok_or(AppError::NotFound)?;
                    subscribe(&app.db, uid, target).await?;
                    stopped(&app, target).await
                })
            },
        });
    }
}

/// What the unsubscribe page says was stopped.
async fn stopped(app: &App, target: Target) -> Result<Stopped, AppError> {
    Ok(match target {
        Target::Thread(_) => Stopped::plain("unsubscribed-thread"),
        Target::Area(id) => {
            let c = super::categories(app).await?.into_iter().find(|c| c.id == id);
            let (fi, en) = c.map(|c| (c.name_fi, c.name_en)).unwrap_or_default();
            Stopped::named("unsubscribed-area", fi, en)
        }
        Target::Topic(id) => {
            let t = super::tags(app).await?.into_iter().find(|t| t.id == id);
            let (fi, en) = t.map(|t| (t.name_fi, t.name_en)).unwrap_or_default();
            Stopped::named("unsubscribed-topic", fi, en)
        }
    })
}
