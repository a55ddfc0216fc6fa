//! People following focus areas hear of new challenges in them: publishing
//! a challenge writes a [`NOTIFY`] change-log row in the same transaction;
//! the job runner emails each follower who may see the challenge (the
//! in-memory twin of the visibility rule, [`visibility::sees`]) unless they turned
//! notification email off. A challenge remembers when its followers were
//! told, in the transaction that queues the emails, so nobody is told twice.

use super::visibility;
use crate::{
    App, AppError, changelog, email,
    jobs::JobError,
    notifications::{self, EmailMode, Stop, Stopped, unsubscribe},
    policy::Principal,
};
use kimppa_domain::ChallengeStatus;
use kimppa_domain::FocusArea;
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_store::entities::{challenge, challenge_invite, focus_watch, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
    sea_query::OnConflict,
};
use std::collections::{HashMap, HashSet};

/// Change-log kind: tell the followers of a challenge's focus areas.
pub const NOTIFY: &str = "challenge.notify";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub challenge_id: i32,
}

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.jobs.on(NOTIFY, |app, e: Event| async move { fan_out(&app, e.challenge_id).await.map_err(JobError::from) });
    h.stops.add(Stop {
        prefix: "focus",
        stop: |app, uid, key| {
            Box::pin(async move {
                let area = focus_of(&key)?;
                unfollow(&app, uid, area).await?;
                Ok(stopped(area))
            })
        },
        undo: |app, uid, key| {
            Box::pin(async move {
                let area = focus_of(&key)?;
                follow(&app, uid, area).await?;
                Ok(stopped(area))
            })
        },
    });
}

/// The unsubscribe key of a focus area: `focus:energy`.
pub fn focus_key(area: FocusArea) -> String {
    format!("focus:{}", area.key())
}

fn focus_of(key: &str) -> Result<FocusArea, AppError> {
    key.strip_prefix("focus:").and_then(|k| FocusArea::parse(k).ok()).ok_or(AppError::NotFound)
}

fn stopped(area: FocusArea) -> Stopped {
    Stopped::keyed("unsubscribed-focus", format!("focus-{}", area.key()))
}

/// Records the event in the publisher's transaction.
pub(crate) async fn record<C: ConnectionTrait>(conn: &C, challenge_id: i32) -> Result<(), sea_orm::DbErr> {
    changelog::record(conn, NOTIFY, &Event { challenge_id }).await.map(|_| ())
}

/// The focus areas a person follows.
pub async fn followed(app: &App, uid: i32) -> Result<Vec<FocusArea>, AppError> {
    Ok(focus_watch::Entity::find()
        .filter(focus_watch::Column::UserId.eq(uid))
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|w| FocusArea::parse(&w.focus_area).ok())
        .collect())
}

/// Follows one focus area (again: no change).
pub async fn follow(app: &App, uid: i32, area: FocusArea) -> Result<(), AppError> {
    focus_watch::Entity::insert(focus_watch::ActiveModel {
        user_id: Set(uid),
        focus_area: Set(area.key().into()),
        created_at: Set(crate::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([focus_watch::Column::UserId, focus_watch::Column::FocusArea]).do_nothing().to_owned(),
    )
    .exec_without_returning(&app.db)
    .await?;
    Ok(())
}

/// Stops following one focus area.
pub async fn unfollow(app: &App, uid: i32, area: FocusArea) -> Result<(), AppError> {
    focus_watch::Entity::delete_many()
        .filter(focus_watch::Column::UserId.eq(uid))
        .filter(focus_watch::Column::FocusArea.eq(area.key()))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Makes `areas` (keys as typed) the focus areas the person follows.
pub async fn set_followed(app: &App, uid: i32, areas: &[String]) -> Result<(), AppError> {
    let areas = FocusArea::parse_list(areas.iter().map(String::as_str))
        .map_err(|_| AppError::field("focus_areas", "err-unknown-value"))?;
    let tx = app.db.begin().await?;
    focus_watch::Entity::delete_many().filter(focus_watch::Column::UserId.eq(uid)).exec(&tx).await?;
    for a in areas {
        focus_watch::ActiveModel {
            user_id: Set(uid),
            focus_area: Set(a.key().into()),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The people following any of the focus areas (stored as a list), each
/// once with the first of the areas they follow: two queries.
pub async fn followers(app: &App, focus_areas: &str) -> Result<(HashMap<i32, String>, Vec<user::Model>), AppError> {
    let areas: Vec<String> = crate::directory::list(focus_areas).into_iter().map(str::to_string).collect();
    let watches = if areas.is_empty() {
        vec![]
    } else {
        focus_watch::Entity::find().filter(focus_watch::Column::FocusArea.is_in(areas.clone())).all(&app.db).await?
    };
    let mut area_of: HashMap<i32, String> = HashMap::new();
    for a in &areas {
        for w in watches.iter().filter(|w| &w.focus_area == a) {
            area_of.entry(w.user_id).or_insert_with(|| a.clone());
        }
    }
    let users: Vec<user::Model> = crate::people::users(&app.db, area_of.keys().copied()).await?;
    Ok((area_of, users))
}

/// Emails the followers of the challenge's focus areas who may see it
/// (the job of [`NOTIFY`]).
pub async fn fan_out(app: &App, id: i32) -> Result<(), AppError> {
    let Some(c) = challenge::Entity::find_by_id(id).one(&app.db).await? else { return Ok(()) };
    if c.status != ChallengeStatus::Published || c.notified_at.is_some() {
        return Ok(());
    }
    let (area_of, users) = followers(app, &c.focus_areas).await?;
    if users.is_empty() {
        // Nobody follows these areas: nothing to tell.
        return Ok(());
    }
    let principals = Principal::offline(&app.db, users.clone()).await?;
    let invited: HashSet<i32> = challenge_invite::Entity::find()
        .filter(challenge_invite::Column::ChallengeId.eq(c.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|i| i.org_id)
        .collect();
    let modes = notifications::modes_of(&app.db, users.iter().map(|u| u.id)).await?;
    let org_name = crate::people::org_name(app, c.org_id).await?;
    let key = unsubscribe::key(&app.db).await?;
    let tx = app.db.begin().await?;
    // Taken by this run (another node may be on it): nobody is told twice.
    let taken = challenge::Entity::update_many()
        .col_expr(challenge::Column::NotifiedAt, Some(crate::now()).into())
        .filter(challenge::Column::Id.eq(c.id))
        .filter(challenge::Column::NotifiedAt.is_null())
        .exec(&tx)
        .await?;
    if taken.rows_affected == 0 {
        return Ok(());
    }
    for u in &users {
        let Some(p) = principals.get(&UserId(u.id)) else { continue };
        // The challenge's own people know of it; those who turned email off are not emailed.
        if crate::policy::allowed(p, crate::policy::Action::ActForOrganisation { org: OrgId(c.org_id) })
            || u.id == c.created_by
            || !visibility::sees(p, &c, &invited)
            || modes.get(&u.id) == Some(&EmailMode::Off)
        {
            continue;
        }
        let Some(area) = area_of.get(&u.id).and_then(|a| FocusArea::parse(a).ok()) else { continue };
        let lang = crate::people::lang(u);
        let link = app.url(&format!("/{lang}/challenges/{}", c.id));
        let stop = unsubscribe::link(app, &key, lang, u.id, &focus_key(area));
        let settings = app.url(&format!("/{lang}/notifications/settings"));
        let (subject, body) =
            texts::new_challenge(lang, &c.title, &org_name, &excerpt(&c.description), &link, &stop, &settings);
        email::queue(&tx, &u.email, &subject, &body).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(400).collect();
    if t.len() < s.len() { format!("{}…", t.trim_end()) } else { t }
}

mod texts {
    pub fn new_challenge(
        lang: &str,
        title: &str,
        org: &str,
        text: &str,
        link: &str,
        stop: &str,
        settings: &str,
    ) -> (String, String) {
        if lang == "en" {
            (
                format!("New challenge: {title}"),
                format!(
                    "{org} published a challenge in a focus area you follow on Kimppa:\n\n{title}\n\n{text}\n\nRead it and respond:\n{link}\n\nStop following this focus area:\n{stop}\n\nYour notification settings:\n{settings}\n"
                ),
            )
        } else {
            (
                format!("Uusi haaste: {title}"),
                format!(
                    "{org} julkaisi Kimppassa haasteen painopistealueelta, jota seuraat:\n\n{title}\n\n{text}\n\nLue ja vastaa:\n{link}\n\nLopeta tämän painopistealueen seuraaminen:\n{stop}\n\nIlmoitusasetuksesi:\n{settings}\n"
                ),
            )
        }
    }
}
