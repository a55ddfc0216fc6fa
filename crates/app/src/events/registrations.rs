//! Registrations: up to the capacity, then a waiting list. A place freed
//! (a cancellation, a raised capacity, an offer that ran out) is offered
//! to the first on the waiting list until a time limit; an offer not taken
//! passes to the next. Every change — by the person, the organiser or the
//! platform — is recorded. The organiser sees, exports and emails the
//! participants and marks attendance at the door.
//!
//! Places are counted on the event row (`places_taken`, `waiting`) in the
//! transaction of every change, and a place is taken with one conditional
//! `UPDATE`, so two people registering at once never overfill an event on
//! either database.

use super::{calendar, may_manage, registration_open};
use crate::{
    App, AppError, changelog,
    error::Checker,
    jobs::JobError,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, Duration, Utc};
use kimppa_domain::{EventStatus, QuestionKind, RegistrationStatus, UserId};
use kimppa_store::entities::{event, event_question, event_registration, event_registration_change, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};
use std::collections::BTreeMap;

/// Why a registration changed, as the record of changes names it.
pub const REASONS: [&str; 10] = [
    "registered",
    "waiting",
    "cancelled",
    "declined",
    "offered",
    "accepted",
    "offer-expired",
    "organiser",
    "attended",
    "no-show",
];

/// Change-log kind of an offer's deadline: the job passes the place on.
pub const OFFER_DEADLINE: &str = "events.offer_deadline";

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct OfferDeadline {
    registration_id: i32,
}

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.jobs.on(OFFER_DEADLINE, |app, p: OfferDeadline| async move { offer_deadline(&app, p.registration_id).await });
}

/// The registration form: the organisation one takes part for, and one
/// answer per question, in the questions' order.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    /// An organisation's slug, or empty.
    pub org: String,
    pub answer: Vec<String>,
}

/// Does a status hold a place?
fn holds_place(s: RegistrationStatus) -> bool {
    matches!(s, RegistrationStatus::Registered | RegistrationStatus::Offered)
}

/// Is a registration still in force (a place, an offer or a waiting-list spot)?
pub fn active(s: RegistrationStatus) -> bool {
    matches!(s, RegistrationStatus::Registered | RegistrationStatus::Offered | RegistrationStatus::Waiting)
}

/// The actor's own registration to an event, if any.
pub async fn own(app: &App, actor: &Principal, event_id: i32) -> Result<Option<event_registration::Model>, AppError> {
    let Some(uid) = actor.user_id() else { return Ok(None) };
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::UserId.eq(uid.0))
        .one(&app.db)
        .await?)
}

/// Checks the answers against the questions; returns them as stored.
fn check_answers(c: &mut Checker, questions: &[event_question::Model], answers: &[String]) -> String {
    let mut out = BTreeMap::new();
    for (i, q) in questions.iter().enumerate() {
        let a = answers.get(i).map(|s| s.trim()).unwrap_or("");
        if a.is_empty() {
            if q.required {
                c.push("answer", "err-answer-required");
            }
            continue;
        }
        let ok = match q.kind {
            QuestionKind::Text => a.chars().count() <= 1000,
            QuestionKind::YesNo => a == "yes" || a == "no",
            QuestionKind::Choice => q.choices.lines().any(|l| l.trim() == a),
        };
        if !ok {
            c.push("answer", "err-answer-invalid");
            continue;
        }
        out.insert(q.id.to_string(), a.to_string());
    }
    serde_json::to_string(&out).unwrap_or_else(|_| "{}".into())
}

/// The answers of a registration, by question id.
pub fn answers_of(r: &event_registration::Model) -> BTreeMap<i32, String> {
    serde_json::from_str::<BTreeMap<String, String>>(&r.answers)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| k.parse().ok().map(|k| (k, v)))
        .collect()
}

async fn log<C: ConnectionTrait>(
    conn: &C,
    r: &event_registration::Model,
    from: Option<RegistrationStatus>,
    reason: &str,
    by: Option<i32>,
) -> Result<(), AppError> {
    event_registration_change::ActiveModel {
        registration_id: Set(r.id),
        event_id: Set(r.event_id),
        from_status: Set(from.map(|s| s.key().to_string()).unwrap_or_default()),
        to_status: Set(r.status.key().to_string()),
        reason: Set(reason.into()),
        by_user: Set(by),
        at: Set(crate::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Takes one place if the event has one left: one conditional update.
async fn take_place<C: ConnectionTrait>(conn: &C, event_id: i32) -> Result<bool, AppError> {
    use sea_orm::sea_query::ExprTrait;
    let r = event::Entity::update_many()
        .col_expr(event::Column::PlacesTaken, Expr::col(event::Column::PlacesTaken).add(1))
        .filter(event::Column::Id.eq(event_id))
        .filter(
            sea_orm::Condition::any()
                .add(event::Column::Capacity.is_null())
                .add(Expr::col(event::Column::PlacesTaken).lt(Expr::col(event::Column::Capacity))),
        )
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Adds to the event's counters (places held, people waiting).
async fn count<C: ConnectionTrait>(conn: &C, event_id: i32, places: i32, waiting: i32) -> Result<(), AppError> {
    use sea_orm::sea_query::ExprTrait;
    if places == 0 && waiting == 0 {
        return Ok(());
    }
    event::Entity::update_many()
        .col_expr(event::Column::PlacesTaken, Expr::col(event::Column::PlacesTaken).add(places))
        .col_expr(event::Column::Waiting, Expr::col(event::Column::Waiting).add(waiting))
        .filter(event::Column::Id.eq(event_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Registers the actor: a place when one is left, otherwise the waiting
/// list. A cancelled or expired registration may register again (at the
/// end of the waiting list).
pub async fn register_for(
    app: &App,
    actor: &Principal,
    event_id: i32,
    f: &RegisterForm,
) -> Result<event_registration::Model, AppError> {
    policy::require(actor, Action::RegisterForEvent)?;
    let uid = policy::user_id(actor)?;
    let e = super::get(app, actor, event_id).await?;
    let now = crate::now();
    if !registration_open(&e, now) {
        return Err(AppError::Conflict("registration-closed"));
    }
    let questions = super::questions(app, e.id).await?;
    let mut c = Checker::default();
    let answers = check_answers(&mut c, &questions, &f.answer);
    let org_id = match f.org.trim() {
        "" => None,
        slug => match policy::acting_for(actor, slug) {
            Some(m) => Some(m.org_id.0),
            None => {
                c.push("org", "err-unknown-value");
                None
            }
        },
    };
    c.finish()?;
    let tx = app.db.begin().await?;
    let old = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(e.id))
        .filter(event_registration::Column::UserId.eq(uid.0))
        .one(&tx)
        .await?;
    if old.as_ref().is_some_and(|r| active(r.status)) {
        return Err(AppError::Conflict("already-registered"));
    }
    let placed = take_place(&tx, e.id).await?;
    let status = if placed { RegistrationStatus::Registered } else { RegistrationStatus::Waiting };
    if !placed {
        count(&tx, e.id, 0, 1).await?;
    }
    let row = event_registration::ActiveModel {
        event_id: Set(e.id),
        user_id: Set(uid.0),
        org_id: Set(org_id),
        status: Set(status),
        answers: Set(answers),
        offered_until: Set(None),
        attended: Set(None),
        checked_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let (r, from) = match old {
        Some(o) => {
            // Only a cancelled or expired registration is taken up again,
            // whatever a simultaneous request did meanwhile.
            let reused = event_registration::Entity::update_many()
                .col_expr(event_registration::Column::Status, Expr::value(status.key()))
                .filter(event_registration::Column::Id.eq(o.id))
                .filter(
                    event_registration::Column::Status
                        .is_in([RegistrationStatus::Cancelled, RegistrationStatus::Expired]),
                )
                .exec(&tx)
                .await?;
            if reused.rows_affected != 1 {
                return Err(AppError::Conflict("already-registered"));
            }
            let mut row = row;
            row.id = Set(o.id);
            (row.update(&tx).await?, Some(o.status))
        }
        None => match row.insert(&tx).await {
            Ok(r) => (r, None),
            // Registered twice at once: the other request's row stands.
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                return Err(AppError::Conflict("already-registered"));
            }
            Err(e) => return Err(e.into()),
        },
    };
    log(&tx, &r, from, status.key(), Some(uid.0)).await?;
    // The operators' webhooks hear of it: the event and the place, not who
    // (least data; the organiser's page has the participants).
    crate::directory::webhooks::enqueue(
        &tx,
        "registration.created",
        &serde_json::json!({
            "event_id": e.id,
            "event_title": e.title_fi,
            "registration_id": r.id,
            "status": status.key(),
            "places_taken": e.places_taken + i32::from(placed),
            "capacity": e.capacity,
        }),
    )
    .await?;
    let person = user::Entity::find_by_id(uid.0).one(&tx).await?.ok_or(AppError::NotFound)?;
    tell(app, &tx, &e, &person, if placed { Message::Confirmed } else { Message::Waiting }).await?;
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(r)
}

/// Cancels the actor's own registration (or declines an offered place);
/// a freed place goes to the waiting list.
pub async fn cancel_own(app: &App, actor: &Principal, event_id: i32) -> Result<(), AppError> {
    let uid = policy::user_id(actor)?;
    let e = super::get(app, actor, event_id).await?;
    let r = own(app, actor, e.id).await?.filter(|r| active(r.status)).ok_or(AppError::NotFound)?;
    if e.starts_at <= crate::now() || e.status != EventStatus::Published {
        return Err(AppError::Conflict("registration-closed"));
    }
    let reason = if r.status == RegistrationStatus::Offered { "declined" } else { "cancelled" };
    let tx = app.db.begin().await?;
    set_status(&tx, &r, RegistrationStatus::Cancelled, reason, Some(uid.0)).await?;
    fill_places(app, &tx, &e).await?;
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the place offered to the actor, while the offer holds.
pub async fn accept_offer(app: &App, actor: &Principal, event_id: i32) -> Result<(), AppError> {
    let uid = policy::user_id(actor)?;
    let e = super::get(app, actor, event_id).await?;
    let r = own(app, actor, e.id)
        .await?
        .filter(|r| r.status == RegistrationStatus::Offered)
        .ok_or(AppError::Conflict("offer-gone"))?;
    let now = crate::now();
    if r.offered_until.is_none_or(|t| t <= now) || e.status != EventStatus::Published || e.starts_at <= now {
        return Err(AppError::Conflict("offer-gone"));
    }
    let tx = app.db.begin().await?;
    set_status(&tx, &r, RegistrationStatus::Registered, "accepted", Some(uid.0)).await?;
    let person = user::Entity::find_by_id(uid.0).one(&tx).await?.ok_or(AppError::NotFound)?;
    tell(app, &tx, &e, &person, Message::Confirmed).await?;
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a registration to `to`, keeping the event's counters and the
/// record of the change. The move is one conditional update from the
/// status `r` was read with: when another request or job moved it first,
/// nothing changes and the answer is a conflict, so no counter is ever
/// adjusted twice.
async fn set_status<C: ConnectionTrait>(
    conn: &C,
    r: &event_registration::Model,
    to: RegistrationStatus,
    reason: &str,
    by: Option<i32>,
) -> Result<event_registration::Model, AppError> {
    let from = r.status;
    let mut update = event_registration::Entity::update_many()
        .col_expr(event_registration::Column::Status, Expr::value(to.key()))
        .col_expr(event_registration::Column::UpdatedAt, Expr::value(crate::now()))
        .filter(event_registration::Column::Id.eq(r.id))
        .filter(event_registration::Column::Status.eq(from));
    if to != RegistrationStatus::Offered {
        update = update.col_expr(event_registration::Column::OfferedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    }
    if update.exec(conn).await?.rows_affected != 1 {
        return Err(AppError::Conflict("registration-state"));
    }
    let places = holds_place(to) as i32 - holds_place(from) as i32;
    let waiting = (to == RegistrationStatus::Waiting) as i32 - (from == RegistrationStatus::Waiting) as i32;
    count(conn, r.event_id, places, waiting).await?;
    let saved = event_registration::Entity::find_by_id(r.id).one(conn).await?.ok_or(AppError::NotFound)?;
    log(conn, &saved, Some(from), reason, by).await?;
    Ok(saved)
}

/// Offers the event's free places to the waiting list, first come first
/// served, each until the event's time limit (never past the start).
pub(crate) async fn fill_places<C: ConnectionTrait>(app: &App, conn: &C, e: &event::Model) -> Result<(), AppError> {
    let now = crate::now();
    let Some(e) = event::Entity::find_by_id(e.id).one(conn).await? else { return Ok(()) };
    if e.status != EventStatus::Published || e.starts_at <= now {
        return Ok(());
    }
    let free = match e.capacity {
        Some(c) => (c - e.places_taken).max(0) as u64,
        None => e.waiting.max(0) as u64,
    };
    if free == 0 || e.waiting == 0 {
        return Ok(());
    }
    let next = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(e.id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Waiting))
        .order_by_asc(event_registration::Column::CreatedAt)
        .order_by_asc(event_registration::Column::Id)
        .limit(free)
        .all(conn)
        .await?;
    let until = (now + Duration::hours(e.offer_hours as i64)).min(e.starts_at);
    let people: BTreeMap<i32, user::Model> =
        crate::people::users(conn, next.iter().map(|r| r.user_id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    for r in next {
        let mut offered = set_status(conn, &r, RegistrationStatus::Offered, "offered", None).await?;
        let mut row: event_registration::ActiveModel = offered.clone().into();
        row.offered_until = Set(Some(until));
        offered = row.update(conn).await?;
        changelog::record_at(conn, OFFER_DEADLINE, &OfferDeadline { registration_id: offered.id }, until).await?;
        if let Some(u) = people.get(&offered.user_id) {
            tell(app, conn, &e, u, Message::Offered(until)).await?;
        }
        changelog::personal(conn, &[offered.user_id]).await?;
    }
    Ok(())
}

/// The job at an offer's deadline: an offer not taken expires and the
/// place goes to the next. Idempotent: a taken or declined offer is left.
async fn offer_deadline(app: &App, registration_id: i32) -> Result<(), JobError> {
    let tx = app.db.begin().await?;
    let Some(r) = event_registration::Entity::find_by_id(registration_id).one(&tx).await? else {
        return Ok(());
    };
    if r.status != RegistrationStatus::Offered || r.offered_until.is_some_and(|t| t > crate::now()) {
        return Ok(());
    }
    match set_status(&tx, &r, RegistrationStatus::Expired, "offer-expired", None).await {
        Ok(_) => {}
        // Taken, declined or expired by someone else meanwhile: nothing to do.
        Err(AppError::Conflict(_)) => return Ok(()),
        Err(e) => return Err(JobError::from(e)),
    }
    if let Some(e) = event::Entity::find_by_id(r.event_id).one(&tx).await? {
        tell_ended(app, &tx, &e, r.user_id, true).await.map_err(JobError::from)?;
        fill_places(app, &tx, &e).await.map_err(JobError::from)?;
    }
    changelog::personal(&tx, &[r.user_id]).await?;
    tx.commit().await?;
    Ok(())
}

/// Runs the offer deadlines that are due now (the job runner does this on
/// its own; tests and the morning round call it to be sure).
pub async fn expire_offers(app: &App) -> Result<usize, AppError> {
    let due: Vec<i32> = event_registration::Entity::find()
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Offered))
        .filter(event_registration::Column::OfferedUntil.lte(crate::now()))
        .select_only()
        .column(event_registration::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut passed = 0;
    for id in &due {
        match offer_deadline(app, *id).await {
            Ok(()) => passed += 1,
            Err(e) => tracing::error!(registration = id, error = %e, "an offer that ran out was not passed on"),
        }
    }
    Ok(passed)
}

/// A participant as the organiser sees them.
#[derive(Debug, Clone)]
pub struct Participant {
    pub registration: event_registration::Model,
    pub name: String,
    pub email: String,
    pub org: String,
}

/// Every registration of an event the actor organises, places first, then
/// the waiting list in its order, then the cancelled.
pub async fn participants(app: &App, actor: &Principal, event_id: i32) -> Result<Vec<Participant>, AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let rows = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(e.id))
        .order_by_asc(event_registration::Column::CreatedAt)
        .order_by_asc(event_registration::Column::Id)
        .all(&app.db)
        .await?;
    let people: BTreeMap<i32, user::Model> =
        crate::people::users(&app.db, rows.iter().map(|r| r.user_id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    let orgs = crate::people::org_names(app, rows.iter().filter_map(|r| r.org_id)).await?;
    let rank = |s: RegistrationStatus| match s {
        RegistrationStatus::Registered => 0,
        RegistrationStatus::Offered => 1,
        RegistrationStatus::Waiting => 2,
        RegistrationStatus::Cancelled | RegistrationStatus::Expired => 3,
    };
    let mut out: Vec<Participant> = rows
        .into_iter()
        .map(|r| {
            let u = people.get(&r.user_id);
            Participant {
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                org: r.org_id.and_then(|o| orgs.get(&o)).map(|o| o.name.clone()).unwrap_or_default(),
                registration: r,
            }
        })
        .collect();
    out.sort_by_key(|p| rank(p.registration.status));
    Ok(out)
}

/// The record of every change to an event's registrations, newest first:
/// (change, the person registered, who changed it).
pub async fn changes(
    app: &App,
    actor: &Principal,
    event_id: i32,
) -> Result<Vec<(event_registration_change::Model, String, String)>, AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let rows = event_registration_change::Entity::find()
        .filter(event_registration_change::Column::EventId.eq(e.id))
        .order_by_desc(event_registration_change::Column::Id)
        .limit(500)
        .all(&app.db)
        .await?;
    let regs: BTreeMap<i32, i32> = crate::batch::chunked(rows.iter().map(|c| c.registration_id), |chunk| {
        event_registration::Entity::find()
            .select_only()
            .columns([event_registration::Column::Id, event_registration::Column::UserId])
            .filter(event_registration::Column::Id.is_in(chunk))
            .into_tuple::<(i32, i32)>()
            .all(&app.db)
    })
    .await?
    .into_iter()
    .collect();
    let names =
        crate::people::user_names(app, regs.values().copied().chain(rows.iter().filter_map(|c| c.by_user))).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let whose = regs.get(&c.registration_id).and_then(|u| names.get(u)).cloned().unwrap_or_default();
            let by = c.by_user.and_then(|u| names.get(&u)).cloned().unwrap_or_default();
            (c, whose, by)
        })
        .collect())
}

/// What an organiser may do to one registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganiserChange {
    /// Give a place (from the waiting list or an offer; beyond the capacity
    /// if the organiser so decides).
    Admit,
    /// Cancel the registration; a freed place goes to the waiting list.
    Cancel,
    Attended,
    NoShow,
}

/// An organiser's change to a registration, recorded with their name.
pub async fn organiser_change(
    app: &App,
    actor: &Principal,
    event_id: i32,
    registration_id: i32,
    change: OrganiserChange,
) -> Result<event_registration::Model, AppError> {
    let uid = policy::user_id(actor)?;
    let e = super::managed(app, actor, event_id).await?;
    let tx = app.db.begin().await?;
    let r = event_registration::Entity::find_by_id(registration_id)
        .filter(event_registration::Column::EventId.eq(e.id))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let saved = match change {
        OrganiserChange::Admit => {
            if !matches!(r.status, RegistrationStatus::Waiting | RegistrationStatus::Offered)
                || e.status != EventStatus::Published
                || e.starts_at <= crate::now()
            {
                return Err(AppError::Conflict("registration-state"));
            }
            let saved = set_status(&tx, &r, RegistrationStatus::Registered, "organiser", Some(uid.0)).await?;
            if let Some(u) = user::Entity::find_by_id(r.user_id).one(&tx).await? {
                tell(app, &tx, &e, &u, Message::Confirmed).await?;
            }
            saved
        }
        OrganiserChange::Cancel => {
            if !active(r.status) {
                return Err(AppError::Conflict("registration-state"));
            }
            let saved = set_status(&tx, &r, RegistrationStatus::Cancelled, "organiser", Some(uid.0)).await?;
            tell_ended(app, &tx, &e, r.user_id, false).await?;
            fill_places(app, &tx, &e).await?;
            saved
        }
        OrganiserChange::Attended | OrganiserChange::NoShow => {
            if r.status != RegistrationStatus::Registered {
                return Err(AppError::Conflict("registration-state"));
            }
            let came = change == OrganiserChange::Attended;
            let mut row: event_registration::ActiveModel = r.clone().into();
            row.attended = Set(Some(came));
            row.checked_in_at = Set(came.then(crate::now));
            row.updated_at = Set(crate::now());
            let saved = row.update(&tx).await?;
            log(&tx, &saved, Some(r.status), if came { "attended" } else { "no-show" }, Some(uid.0)).await?;
            saved
        }
    };
    changelog::personal(&tx, &[r.user_id]).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The participants as CSV for a spreadsheet: one row per registration,
/// one column per question.
pub async fn export_csv(app: &App, actor: &Principal, event_id: i32, lang: &str) -> Result<String, AppError> {
    let people = participants(app, actor, event_id).await?;
    let questions = super::questions(app, event_id).await?;
    let fi = lang != "en";
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = if fi {
        ["Nimi", "Sähköposti", "Organisaatio", "Tila", "Läsnä", "Ilmoittautunut"]
    } else {
        ["Name", "Email", "Organisation", "Status", "Attended", "Registered at"]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(questions.iter().map(|q| csv_safe(&q.label)));
    let fail = |e: csv::Error| AppError::context("could not write the participants' CSV", e);
    w.write_record(&header).map_err(fail)?;
    for p in &people {
        let r = &p.registration;
        let answers = answers_of(r);
        let attended = match r.attended {
            Some(true) => {
                if fi {
                    "kyllä"
                } else {
                    "yes"
                }
            }
            Some(false) => {
                if fi {
                    "ei"
                } else {
                    "no"
                }
            }
            None => "",
        };
        let mut row = vec![
            csv_safe(&p.name),
            csv_safe(&p.email),
            csv_safe(&p.org),
            r.status.key().to_string(),
            attended.to_string(),
            crate::finnish_time(r.created_at).format("%Y-%m-%d %H:%M").to_string(),
        ];
        row.extend(questions.iter().map(|q| csv_safe(answers.get(&q.id).map(String::as_str).unwrap_or(""))));
        w.write_record(&row).map_err(fail)?;
    }
    let bytes =
        w.into_inner().map_err(|e| AppError::context("could not finish the participants' CSV", e.into_error()))?;
    // A byte-order mark, so spreadsheets read the file as UTF-8.
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// A cell a spreadsheet will not run as a formula.
pub(crate) fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

/// Who an organiser's email goes to.
pub const AUDIENCES: [&str; 3] = ["registered", "waiting", "attended"];

/// The organiser's email to participants.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub audience: String,
    pub subject: String,
    pub body: String,
}

/// Emails the chosen participants; returns how many.
pub async fn email_participants(app: &App, actor: &Principal, event_id: i32, f: &EmailForm) -> Result<usize, AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let mut c = Checker::default();
    if !AUDIENCES.contains(&f.audience.as_str()) {
        c.push("audience", "err-required");
    }
    if f.subject.trim().is_empty() {
        c.push("subject", "err-required");
    } else if f.subject.chars().count() > 200 {
        c.push("subject", "err-too-long");
    }
    if f.body.trim().is_empty() {
        c.push("body", "err-required");
    } else if f.body.chars().count() > 10_000 {
        c.push("body", "err-too-long");
    }
    c.finish()?;
    let people = participants(app, actor, e.id).await?;
    let to: Vec<&Participant> = people
        .iter()
        .filter(|p| match f.audience.as_str() {
            "registered" => holds_place(p.registration.status),
            "waiting" => p.registration.status == RegistrationStatus::Waiting,
            _ => p.registration.attended == Some(true),
        })
        .collect();
    let tx = app.db.begin().await?;
    for p in &to {
        crate::email::queue(&tx, &p.email, f.subject.trim(), f.body.trim()).await?;
    }
    tx.commit().await?;
    Ok(to.len())
}

/// The actor's registrations in force with their events, soonest first
/// (events they may no longer see are left out).
pub async fn mine(app: &App, actor: &Principal) -> Result<Vec<(event_registration::Model, event::Model)>, AppError> {
    let uid = policy::user_id(actor)?;
    mine_of(app, actor, uid).await
}

async fn mine_of(
    app: &App,
    actor: &Principal,
    uid: UserId,
) -> Result<Vec<(event_registration::Model, event::Model)>, AppError> {
    let regs = event_registration::Entity::find()
        .filter(event_registration::Column::UserId.eq(uid.0))
        .filter(event_registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Offered,
            RegistrationStatus::Waiting,
        ]))
        .order_by_desc(event_registration::Column::Id)
        .limit(500)
        .all(&app.db)
        .await?;
    let events: BTreeMap<i32, event::Model> = crate::batch::chunked(regs.iter().map(|r| r.event_id), |chunk| {
        event::Entity::find()
            .filter(event::Column::Id.is_in(chunk))
            .filter(super::visibility::condition(actor))
            .all(&app.db)
    })
    .await?
    .into_iter()
    .map(|e| (e.id, e))
    .collect();
    let mut out: Vec<(event_registration::Model, event::Model)> =
        regs.into_iter().filter_map(|r| events.get(&r.event_id).cloned().map(|e| (r, e))).collect();
    out.sort_by_key(|(_, e)| (e.starts_at, e.id));
    Ok(out)
}

/// The personal calendar: the events the holder of a calendar key holds a
/// place at, as iCalendar (with their online links).
pub async fn personal_calendar(app: &App, secret: &str, lang: &str) -> Result<String, AppError> {
    let uid = calendar::holder(app, secret).await?.ok_or(AppError::NotFound)?;
    let u = user::Entity::find_by_id(uid.0).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let actor = Principal::offline(&app.db, vec![u]).await?.remove(&uid).unwrap_or(Principal::Anonymous);
    let rows = mine_of(app, &actor, uid).await?;
    let items: Vec<calendar::Item> = rows
        .iter()
        .filter(|(r, _)| r.status == RegistrationStatus::Registered)
        .map(|(_, e)| calendar::Item::of(app, e, lang, true))
        .collect();
    Ok(calendar::ics(&app.config.base_url, if lang == "en" { "My events" } else { "Omat tapahtumat" }, &items))
}

/// What a person is told of their registration.
enum Message {
    Confirmed,
    Waiting,
    Offered(DateTime<Utc>),
}

async fn tell<C: ConnectionTrait>(
    app: &App,
    conn: &C,
    e: &event::Model,
    u: &user::Model,
    m: Message,
) -> Result<(), AppError> {
    let lang = crate::people::lang(u);
    let title = super::title(e, lang);
    let link = app.url(&format!("/{lang}/events/{}", e.id));
    let when = texts::when(e, lang);
    match m {
        Message::Confirmed => {
            let (subject, body) = texts::confirmed(lang, title, &when, &link);
            let ics = calendar::ics(&app.config.base_url, title, &[calendar::Item::of(app, e, lang, true)]);
            crate::email::queue_with(
                conn,
                &u.email,
                &subject,
                &body,
                Some(("event.ics", "text/calendar; charset=utf-8; method=PUBLISH", &ics)),
            )
            .await?;
        }
        Message::Waiting => {
            let (subject, body) = texts::waiting(lang, title, &when, &link);
            crate::email::queue(conn, &u.email, &subject, &body).await?;
        }
        Message::Offered(until) => {
            let until = crate::finnish_time(until).format("%d.%m.%Y %H:%M").to_string();
            let (subject, body) = texts::offered(lang, title, &when, &until, &link);
            crate::email::queue(conn, &u.email, &subject, &body).await?;
        }
    }
    Ok(())
}

/// The people holding a place at an event, with their registrations.
pub(super) async fn holders<C: ConnectionTrait>(
    conn: &C,
    event_id: i32,
) -> Result<Vec<(user::Model, event_registration::Model)>, AppError> {
    let regs = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Registered))
        .all(conn)
        .await?;
    let people: BTreeMap<i32, user::Model> =
        crate::people::users(conn, regs.iter().map(|r| r.user_id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    Ok(regs.into_iter().filter_map(|r| people.get(&r.user_id).cloned().map(|u| (u, r))).collect())
}

/// Tells a person their registration ended without their doing: the
/// organiser cancelled it, or an offered place ran out.
async fn tell_ended<C: ConnectionTrait>(
    app: &App,
    conn: &C,
    e: &event::Model,
    user_id: i32,
    offer_expired: bool,
) -> Result<(), AppError> {
    if let Some(u) = user::Entity::find_by_id(user_id).one(conn).await? {
        let lang = crate::people::lang(&u);
        let (subject, body) =
            texts::ended(lang, super::title(e, lang), offer_expired, &app.url(&format!("/{lang}/events/{}", e.id)));
        crate::email::queue(conn, &u.email, &subject, &body).await?;
    }
    Ok(())
}

/// Shortens the open offers of an event whose start moved earlier: an
/// offer never outlasts the start.
pub(super) async fn cap_offers<C: ConnectionTrait>(conn: &C, e: &event::Model) -> Result<(), AppError> {
    event_registration::Entity::update_many()
        .col_expr(event_registration::Column::OfferedUntil, Expr::value(e.starts_at))
        .filter(event_registration::Column::EventId.eq(e.id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Offered))
        .filter(event_registration::Column::OfferedUntil.gt(e.starts_at))
        .exec(conn)
        .await?;
    Ok(())
}

/// Tells everyone holding a place of a new time or place, with the
/// calendar file again (calendars replace the entry: same UID, newer
/// SEQUENCE).
pub(super) async fn tell_changed<C: ConnectionTrait>(app: &App, conn: &C, e: &event::Model) -> Result<(), AppError> {
    let people: Vec<user::Model> = holders(conn, e.id).await?.into_iter().map(|(u, _)| u).collect();
    for u in &people {
        let lang = crate::people::lang(u);
        let title = super::title(e, lang);
        let (subject, body) =
            texts::changed(lang, title, &texts::when(e, lang), &app.url(&format!("/{lang}/events/{}", e.id)));
        let ics = calendar::ics(&app.config.base_url, title, &[calendar::Item::of(app, e, lang, true)]);
        crate::email::queue_with(
            conn,
            &u.email,
            &subject,
            &body,
            Some(("event.ics", "text/calendar; charset=utf-8; method=PUBLISH", &ics)),
        )
        .await?;
    }
    changelog::personal(conn, &people.iter().map(|u| u.id).collect::<Vec<_>>()).await?;
    Ok(())
}

/// Tells everyone holding a place or waiting that the event is cancelled.
pub(super) async fn tell_cancelled<C: ConnectionTrait>(app: &App, conn: &C, e: &event::Model) -> Result<(), AppError> {
    let regs = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(e.id))
        .filter(event_registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Offered,
            RegistrationStatus::Waiting,
        ]))
        .all(conn)
        .await?;
    let people = crate::people::users(conn, regs.iter().map(|r| r.user_id).collect::<Vec<_>>()).await?;
    for u in &people {
        let lang = crate::people::lang(u);
        let (subject, body) = texts::cancelled(
            lang,
            super::title(e, lang),
            &texts::when(e, lang),
            &e.cancel_note,
            &app.url(&format!("/{lang}/events/{}", e.id)),
        );
        crate::email::queue(conn, &u.email, &subject, &body).await?;
    }
    changelog::personal(conn, &people.iter().map(|u| u.id).collect::<Vec<_>>()).await?;
    Ok(())
}

/// Is the actor allowed to see the participants (the organisers)?
pub fn may_see_participants(actor: &Principal, e: &event::Model) -> bool {
    may_manage(actor, e)
}

pub mod texts {
    use kimppa_store::entities::event;

    /// "15.1.2027 klo 9.00–12.00" / "15 Jan 2027 9:00–12:00" (Finnish time).
    pub fn when(e: &event::Model, lang: &str) -> String {
        let s = crate::finnish_time(e.starts_at);
        let t = crate::finnish_time(e.ends_at);
        let same_day = s.date_naive() == t.date_naive();
        if lang == "en" {
            if same_day {
                format!("{} {}–{} (Finnish time)", s.format("%-d %b %Y"), s.format("%H:%M"), t.format("%H:%M"))
            } else {
                format!("{} – {} (Finnish time)", s.format("%-d %b %Y %H:%M"), t.format("%-d %b %Y %H:%M"))
            }
        } else if same_day {
            format!("{} klo {}–{}", s.format("%-d.%-m.%Y"), s.format("%-H.%M"), t.format("%-H.%M"))
        } else {
            format!(
                "{} klo {} – {} klo {}",
                s.format("%-d.%-m.%Y"),
                s.format("%-H.%M"),
                t.format("%-d.%-m.%Y"),
                t.format("%-H.%M")
            )
        }
    }

    pub fn confirmed(lang: &str, title: &str, when: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("You are registered: {title}"),
                format!(
                    "You are registered for {title}, {when}.\n\nThe event's calendar file is attached. Details, and cancelling if you cannot come:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Ilmoittautuminen vahvistettu: {title}"),
                format!(
                    "Olet ilmoittautunut tapahtumaan {title}, {when}.\n\nTapahtuman kalenteritiedosto on liitteenä. Tiedot ja peruminen, jos et pääse:\n{link}\n"
                ),
            )
        }
    }

    pub fn waiting(lang: &str, title: &str, when: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("On the waiting list: {title}"),
                format!(
                    "{title}, {when}, is full, so you are on its waiting list. If a place is freed, we email you and keep it for you for a while.\n\n{link}\n"
                ),
            )
        } else {
            (
                format!("Jonossa: {title}"),
                format!(
                    "Tapahtuma {title}, {when}, on täynnä, joten olet sen jonossa. Jos paikka vapautuu, saat sähköpostin ja paikka pidetään sinulle hetken.\n\n{link}\n"
                ),
            )
        }
    }

    pub fn offered(lang: &str, title: &str, when: &str, until: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("A place is free for you: {title}"),
                format!(
                    "A place at {title}, {when}, was freed and is kept for you until {until} (Finnish time). Take it or leave it here:\n{link}\n\nIf you do nothing, it goes to the next person waiting.\n"
                ),
            )
        } else {
            (
                format!("Sinulle vapautui paikka: {title}"),
                format!(
                    "Tapahtumasta {title}, {when}, vapautui paikka, joka pidetään sinulle {until} asti. Ota se vastaan tai luovu siitä täällä:\n{link}\n\nJos et tee mitään, paikka siirtyy jonossa seuraavalle.\n"
                ),
            )
        }
    }

    pub fn changed(lang: &str, title: &str, when: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("Changed: {title}"),
                format!(
                    "The time or place of {title} has changed. It is now {when}.\n\nThe updated calendar file is attached. Details, and cancelling if you cannot come:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Muuttunut: {title}"),
                format!(
                    "Tapahtuman {title} aika tai paikka on muuttunut. Uusi aika: {when}.\n\nPäivitetty kalenteritiedosto on liitteenä. Tiedot ja peruminen, jos et pääse:\n{link}\n"
                ),
            )
        }
    }

    pub fn ended(lang: &str, title: &str, offer_expired: bool, link: &str) -> (String, String) {
        match (lang, offer_expired) {
            ("en", true) => (
                format!("The offered place ran out: {title}"),
                format!(
                    "The place offered to you at {title} was not taken in time and went to the next person waiting.\n{link}\n"
                ),
            ),
            ("en", false) => (
                format!("Your registration was cancelled: {title}"),
                format!("The organiser cancelled your registration to {title}.\n{link}\n"),
            ),
            (_, true) => (
                format!("Tarjottu paikka raukesi: {title}"),
                format!(
                    "Sinulle tarjottua paikkaa tapahtumassa {title} ei otettu vastaan ajoissa, ja se siirtyi jonossa seuraavalle.\n{link}\n"
                ),
            ),
            (_, false) => (
                format!("Ilmoittautumisesi peruttiin: {title}"),
                format!("Järjestäjä perui ilmoittautumisesi tapahtumaan {title}.\n{link}\n"),
            ),
        }
    }

    pub fn cancelled(lang: &str, title: &str, when: &str, note: &str, link: &str) -> (String, String) {
        let note = if note.trim().is_empty() { String::new() } else { format!("\n\n{}", note.trim()) };
        if lang == "en" {
            (format!("Cancelled: {title}"), format!("{title}, {when}, has been cancelled.{note}\n\n{link}\n"))
        } else {
            (format!("Peruttu: {title}"), format!("Tapahtuma {title}, {when}, on peruttu.{note}\n\n{link}\n"))
        }
    }

    pub fn reminder(lang: &str, title: &str, when: &str, place: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("Tomorrow: {title}"),
                format!(
                    "A reminder: {title} is tomorrow, {when}.\n{place}\n\nDetails, and cancelling if you cannot come after all:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Huomenna: {title}"),
                format!(
                    "Muistutus: {title} on huomenna, {when}.\n{place}\n\nTiedot ja peruminen, jos et pääsekään:\n{link}\n"
                ),
            )
        }
    }

    pub fn feedback(lang: &str, title: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("How was it? {title}"),
                format!(
                    "Thank you for taking part in {title}. Two questions, one minute: would you recommend the event, and what should we do better?\n{link}\n"
                ),
            )
        } else {
            (
                format!("Millainen tapahtuma oli? {title}"),
                format!(
                    "Kiitos osallistumisesta tapahtumaan {title}. Kaksi kysymystä, minuutti aikaa: suosittelisitko tapahtumaa, ja mitä tekisimme paremmin?\n{link}\n"
                ),
            )
        }
    }
}
