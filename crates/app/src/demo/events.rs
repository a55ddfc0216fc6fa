//! The events part of the demo: a year of the cluster's activities — held
//! events with their attendance and feedback, a cancelled one, and coming
//! ones, among them a full matchmaking day with a waiting list — dated
//! from the day the demo is loaded.

use super::directory::People;
use crate::{AppError, now};
use chrono::{Duration, NaiveTime};
use kimppa_domain::{EventKind, EventStatus, EventVisibility, MembershipStatus, QuestionKind, RegistrationStatus};
use kimppa_store::entities::{event, event_feedback, event_question, event_registration, organisation};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Deserialize;
use std::collections::HashMap;

const DATA: &str = include_str!("events.json");

#[derive(Deserialize)]
struct Data {
    events: Vec<EventData>,
    comments: Vec<String>,
}

#[derive(Deserialize)]
struct EventData {
    /// An organisation's slug; empty: the cluster.
    org: String,
    kind: EventKind,
    /// Days from today (Finnish time); negative: held.
    days: i64,
    hour: u32,
    hours: i64,
    municipality: String,
    address: String,
    online: bool,
    capacity: Option<i32>,
    visibility: EventVisibility,
    /// People registered (beyond the capacity: the waiting list).
    participants: usize,
    /// The organiser's note when the event was cancelled.
    #[serde(default)]
    cancelled: Option<String>,
    title_fi: String,
    title_en: String,
    description_fi: String,
    description_en: String,
    /// (label, kind, choices one per line, required)
    #[serde(default)]
    questions: Vec<(String, QuestionKind, String, bool)>,
}

/// Loads the events; returns how many.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    people: &People,
    orgs: &HashMap<String, organisation::Model>,
    orchestrator: i32,
) -> Result<usize, AppError> {
    let data: Data = serde_json::from_str(DATA).map_err(AppError::internal)?;
    // People of approved members, in a stable order, with their organisation.
    let mut members: Vec<(i32, i32)> = people
        .iter()
        .filter_map(|(email, (uid, _, _, org))| {
            let o = orgs.get(org)?;
            (o.membership_status == MembershipStatus::Approved).then(|| (email.clone(), *uid, o.id))
        })
        .map(|(email, uid, org)| (email, (uid, org)))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    members.sort_by_key(|(uid, _)| *uid);
    let today = crate::finnish_time(now()).date_naive();
    let t = now();
    let mut n = 0;
    for (i, d) in data.events.iter().enumerate() {
        let local =
            (today + Duration::days(d.days)).and_time(NaiveTime::from_hms_opt(d.hour, 0, 0).unwrap_or_default());
        let starts_at = crate::events::parse_local(&local.format("%Y-%m-%dT%H:%M").to_string())
            .ok_or_else(|| AppError::fail(format!("demo event {i}: no such Finnish time")))?;
        let ends_at = starts_at + Duration::hours(d.hours);
        let held = d.days < 0;
        let status = match (&d.cancelled, held) {
            (Some(_), _) => EventStatus::Cancelled,
            (None, true) => EventStatus::Held,
            (None, false) => EventStatus::Published,
        };
        let org_id = match d.org.as_str() {
            "" => None,
            slug => Some(orgs.get(slug).ok_or_else(|| AppError::fail(format!("demo event names {slug}")))?.id),
        };
        let take = d.participants.min(members.len());
        let placed = d.capacity.map_or(take, |c| take.min(c as usize));
        let e = event::ActiveModel {
            kind: Set(d.kind),
            status: Set(status),
            visibility: Set(d.visibility),
            title_fi: Set(d.title_fi.clone()),
            title_en: Set(d.title_en.clone()),
            description_fi: Set(d.description_fi.clone()),
            description_en: Set(d.description_en.clone()),
            org_id: Set(org_id),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            municipality: Set(d.municipality.clone()),
            address: Set(d.address.clone()),
            online: Set(d.online),
            online_url: Set(if d.online { format!("https://meet.example.fi/kimppa-{}", i + 1) } else { String::new() }),
            language: Set("fi".into()),
            focus_areas: Set("construction,reuse-materials".into()),
            capacity: Set(d.capacity),
            registration_deadline: Set(None),
            offer_hours: Set(24),
            places_taken: Set(placed as i32),
            waiting: Set((take - placed) as i32),
            search_text: Set(
                format!("{} {} {} {}", d.title_fi, d.title_en, d.description_fi, d.description_en).to_lowercase()
            ),
            cancel_note: Set(d.cancelled.clone().unwrap_or_default()),
            reminded_at: Set(held.then_some(starts_at - Duration::days(1))),
            feedback_asked_at: Set(held.then_some(ends_at)),
            created_by: Set(orchestrator),
            created_at: Set(starts_at - Duration::days(41)),
            updated_at: Set(t),
            published_at: Set(Some(starts_at - Duration::days(40))),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        n += 1;
        for (pos, (label, kind, choices, required)) in d.questions.iter().enumerate() {
            event_question::ActiveModel {
                event_id: Set(e.id),
                position: Set(pos as i32),
                kind: Set(*kind),
                label: Set(label.clone()),
                choices: Set(choices.clone()),
                required: Set(*required),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        // A different slice of the members at each event.
        for k in 0..take {
            let (uid, org) = members[(i * 7 + k) % members.len()];
            let registered = k < placed;
            let attended = (held && registered && status == EventStatus::Held).then_some(k % 6 != 5);
            let at = e.published_at.unwrap_or(t) + Duration::hours(k as i64 + 1);
            event_registration::ActiveModel {
                event_id: Set(e.id),
                user_id: Set(uid),
                org_id: Set(Some(org)),
                status: Set(if registered { RegistrationStatus::Registered } else { RegistrationStatus::Waiting }),
                answers: Set("{}".into()),
                offered_until: Set(None),
                attended: Set(attended),
                checked_in_at: Set(attended.filter(|a| *a).map(|_| starts_at)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            if attended == Some(true) && k % 2 == 0 {
                event_feedback::ActiveModel {
                    event_id: Set(e.id),
                    user_id: Set(uid),
                    score: Set([9, 10, 8, 7, 9, 6, 10][(i + k) % 7]),
                    comment: Set(if k % 4 == 0 {
                        data.comments[(i + k) % data.comments.len()].clone()
                    } else {
                        String::new()
                    }),
                    created_at: Set(ends_at + Duration::hours(20)),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
            }
        }
    }
    Ok(n)
}
