//! Before and after an event: the reminder the day before, and after it a
//! two-question survey (0–10 "would you recommend", a comment) whose
//! results the organisers see and the cluster's counts use.

use super::registrations::texts;
use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Principal},
};
use chrono::Duration;
use kimppa_domain::{EventStatus, RegistrationStatus};
use kimppa_store::entities::{event, event_feedback, event_registration};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

/// The survey's form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    pub score: String,
    pub comment: String,
}

/// May the holder of registration `own` answer the survey: they held a
/// place at a held event and were not marked absent.
pub fn may_answer(e: &event::Model, own: Option<&event_registration::Model>) -> bool {
    e.status == EventStatus::Held
        && own.is_some_and(|r| r.status == RegistrationStatus::Registered && r.attended != Some(false))
}

/// The actor's answer, if given.
pub async fn own(app: &App, actor: &Principal, event_id: i32) -> Result<Option<event_feedback::Model>, AppError> {
    let Some(uid) = actor.user_id() else { return Ok(None) };
    Ok(event_feedback::Entity::find()
        .filter(event_feedback::Column::EventId.eq(event_id))
        .filter(event_feedback::Column::UserId.eq(uid.0))
        .one(&app.db)
        .await?)
}

/// Saves the actor's answer (a second answer replaces the first).
pub async fn answer(app: &App, actor: &Principal, event_id: i32, f: &FeedbackForm) -> Result<(), AppError> {
    let uid = policy::user_id(actor)?;
    let e = super::get(app, actor, event_id).await?;
    if !may_answer(&e, super::registrations::own(app, actor, e.id).await?.as_ref()) {
        return Err(AppError::Forbidden);
    }
    let mut c = Checker::default();
    let score = match f.score.trim().parse::<i32>() {
        Ok(s) if (0..=10).contains(&s) => s,
        _ => {
            c.push("score", if f.score.trim().is_empty() { "err-required" } else { "err-score-ten" });
            0
        }
    };
    if f.comment.chars().count() > 4000 {
        c.push("comment", "err-too-long");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    event_feedback::Entity::delete_many()
        .filter(event_feedback::Column::EventId.eq(e.id))
        .filter(event_feedback::Column::UserId.eq(uid.0))
        .exec(&tx)
        .await?;
    event_feedback::ActiveModel {
        event_id: Set(e.id),
        user_id: Set(uid.0),
        score: Set(score),
        comment: Set(f.comment.trim().to_string()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(())
}

/// The survey's results for the organisers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub answers: u64,
    /// Mean of the 0–10 answers.
    pub average: Option<f64>,
    /// Net promoter score: % of 9–10 minus % of 0–6.
    pub nps: Option<i64>,
    pub comments: Vec<String>,
}

pub async fn results(app: &App, actor: &Principal, event_id: i32) -> Result<Results, AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let rows = event_feedback::Entity::find()
        .filter(event_feedback::Column::EventId.eq(e.id))
        .order_by_asc(event_feedback::Column::Id)
        .all(&app.db)
        .await?;
    Ok(summarise(&rows))
}

pub fn summarise(rows: &[event_feedback::Model]) -> Results {
    let n = rows.len() as i64;
    if n == 0 {
        return Results::default();
    }
    let sum: i64 = rows.iter().map(|r| r.score as i64).sum();
    let promoters = rows.iter().filter(|r| r.score >= 9).count() as i64;
    let detractors = rows.iter().filter(|r| r.score <= 6).count() as i64;
    Results {
        answers: n as u64,
        average: Some(sum as f64 / n as f64),
        nps: Some(((promoters - detractors) * 100) / n),
        comments: rows.iter().filter(|r| !r.comment.is_empty()).map(|r| r.comment.clone()).collect(),
    }
}

/// The morning round: reminds participants of tomorrow's events (Finnish
/// dates), marks ended events held and asks their participants for
/// feedback, and passes on offers that ran out. Each event is handled once
/// (its `reminded_at` and `feedback_asked_at`).
pub async fn daily(app: &App) -> Result<(), AppError> {
    let now = crate::now();
    // Each offer and event on its own: one that fails is logged and left
    // for the next round, and the rest (and the other capabilities' morning
    // work) go on.
    if let Err(err) = super::registrations::expire_offers(app).await {
        tracing::error!(error = %err.chain(), "offers that ran out were not all passed on");
    }
    let today = crate::finnish_time(now).date_naive();
    let tomorrow = today + Duration::days(1);
    let soon = event::Entity::find()
        .filter(event::Column::Status.eq(EventStatus::Published))
        .filter(event::Column::RemindedAt.is_null())
        .filter(event::Column::StartsAt.gt(now))
        .filter(event::Column::StartsAt.lt(now + Duration::hours(60)))
        .all(&app.db)
        .await?;
    for e in soon.into_iter().filter(|e| crate::finnish_time(e.starts_at).date_naive() == tomorrow) {
        let done: Result<(), AppError> = async {
            let tx = app.db.begin().await?;
            let places =
                crate::materials::reference::municipalities_by_code(app, std::slice::from_ref(&e.municipality)).await?;
            for (u, _) in super::registrations::holders(&tx, e.id).await? {
                let lang = crate::people::lang(&u);
                let mut place = e.address.clone();
                if let Some(m) = places.get(&e.municipality) {
                    place =
                        [place, m.name_fi.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
                }
                if e.online {
                    place = format!(
                        "{place}{}{}",
                        if place.is_empty() { "" } else { " / " },
                        if lang == "en" {
                            "Online: the link is on the event's page."
                        } else {
                            "Etänä: linkki on tapahtuman sivulla."
                        }
                    );
                }
                let (subject, body) = texts::reminder(
                    lang,
                    super::title(&e, lang),
                    &texts::when(&e, lang),
                    &place,
                    &app.url(&format!("/{lang}/events/{}", e.id)),
                );
                crate::email::queue(&tx, &u.email, &subject, &body).await?;
            }
            let row = event::ActiveModel { id: Set(e.id), reminded_at: Set(Some(now)), ..Default::default() };
            row.update(&tx).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(err) = done {
            tracing::error!(event = e.id, error = %err.chain(), "the reminders of an event were not sent");
        }
    }
    let ended = event::Entity::find()
        .filter(event::Column::Status.is_in([EventStatus::Published, EventStatus::Held]))
        .filter(event::Column::FeedbackAskedAt.is_null())
        .filter(event::Column::EndsAt.lte(now))
        .all(&app.db)
        .await?;
    for e in ended {
        let done: Result<(), AppError> = async {
            let tx = app.db.begin().await?;
            for (u, r) in super::registrations::holders(&tx, e.id).await? {
                if r.attended == Some(false) {
                    continue;
                }
                let lang = crate::people::lang(&u);
                let (subject, body) = texts::feedback(
                    lang,
                    super::title(&e, lang),
                    &app.url(&format!("/{lang}/events/{}/feedback", e.id)),
                );
                crate::email::queue(&tx, &u.email, &subject, &body).await?;
            }
            let row = event::ActiveModel {
                id: Set(e.id),
                status: Set(EventStatus::Held),
                feedback_asked_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            };
            row.update(&tx).await?;
            crate::search::touch(&tx, super::documents::KIND, &[e.id]).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(err) = done {
            tracing::error!(event = e.id, error = %err.chain(), "a held event's feedback requests were not sent");
        }
    }
    Ok(())
}

/// How many answered the survey of an event.
pub async fn answer_count(app: &App, event_id: i32) -> Result<u64, AppError> {
    Ok(event_feedback::Entity::find().filter(event_feedback::Column::EventId.eq(event_id)).count(&app.db).await?)
}
