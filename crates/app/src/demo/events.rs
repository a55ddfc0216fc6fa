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
use std::collections::{BTreeMap, HashMap};

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
        let mut placed_people = Vec::new();
        for k in 0..take {
            let (uid, org) = members[(i * 7 + k) % members.len()];
            let registered = k < placed;
            let attended = (held && registered && status == EventStatus::Held).then_some(k % 6 != 5);
            let at = e.published_at.unwrap_or(t) + Duration::hours(k as i64 + 1);
            if registered {
                placed_people.push((uid, org));
            }
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
        if d.kind == EventKind::Matchmaking && status != EventStatus::Cancelled {
            meetings(conn, &e, &placed_people, held).await?;
        }
    }
    Ok(n)
}

/// What demo participants offer and seek at a matchmaking day.
const PROFILES: [(&str, &str); 6] = [
    ("Purettuja ovia, ikkunoita ja kantavia puurakenteita", "Ostajia ja välivarastointia"),
    ("Betonimursketta ja tiilimursketta", "Tierakentajia ja maanrakentajia"),
    ("Kuljetuksia ja paluukuormia", "Säännöllisiä sivuvirtoja kuljetettavaksi"),
    ("Laboratoriotestausta kierrätysmateriaaleille", "Yrityksiä, joiden materiaalit tarvitsevat testausta"),
    ("Materiaalipassit ja purkukartoitusten data", "Rakennuttajia ja purkajia"),
    ("Rahoitusta kiertotalouden kasvuyrityksille", "Skaalautuvia kiertotalousratkaisuja"),
];

/// A matchmaking day's meetings: the organiser's setup, the participants'
/// profiles, accepted requests placed by the scheduler, and — once held —
/// both sides' ratings.
async fn meetings<C: ConnectionTrait>(
    conn: &C,
    e: &event::Model,
    people: &[(i32, i32)],
    held: bool,
) -> Result<(), AppError> {
    use kimppa_domain::{MeetingOutcome, MeetingStatus};
    use kimppa_meetings as engine;
    use kimppa_store::entities::{meeting_profile, meeting_request, meeting_setup};
    let t = now();
    let start = crate::finnish_time(e.starts_at);
    let setup = meeting_setup::ActiveModel {
        event_id: Set(e.id),
        slot_minutes: Set(20),
        sessions: Set(format!(
            "{}-{}\n{}-{}",
            start.format("%H:%M"),
            (start + Duration::hours(2)).format("%H:%M"),
            (start + Duration::hours(3)).format("%H:%M"),
            (start + Duration::hours(5)).format("%H:%M")
        )),
        tables: Set(8),
        table_names: Set(String::new()),
        online: Set(false),
        cap: Set(6),
        scheduled_at: Set(Some(t)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    for (k, (uid, org)) in people.iter().enumerate() {
        let (offers, seeks) = PROFILES[k % PROFILES.len()];
        meeting_profile::ActiveModel {
            event_id: Set(e.id),
            user_id: Set(*uid),
            org_id: Set(Some(*org)),
            offers: Set(offers.into()),
            seeks: Set(seeks.into()),
            focus_areas: Set("construction,reuse-materials".into()),
            updated_at: Set(t),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    // Each asks two others; the scheduler places what fits.
    let n = people.len();
    let mut requests: Vec<meeting_request::Model> = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    for k in 0..n {
        for step in [1, 4] {
            let j = (k + step) % n;
            if j == k || !pairs.insert((k.min(j), k.max(j))) {
                continue;
            }
            requests.push(
                meeting_request::ActiveModel {
                    event_id: Set(e.id),
                    from_user: Set(people[k].0),
                    to_user: Set(people[j].0),
                    note: Set(String::new()),
                    status: Set(MeetingStatus::Accepted),
                    slot: Set(None),
                    table_no: Set(None),
                    locked: Set(false),
                    unplaced: Set(String::new()),
                    outcome_from: Set(None),
                    outcome_to: Set(None),
                    created_at: Set(t),
                    answered_at: Set(Some(t)),
                    ..Default::default()
                }
                .insert(conn)
                .await?,
            );
        }
    }
    let slots = crate::events::meetings::slots(e, &setup);
    let index: BTreeMap<i32, u32> = people.iter().enumerate().map(|(k, (u, _))| (*u, k as u32)).collect();
    let problem = engine::Problem {
        slots: slots.len() as u32,
        session_of_slot: slots.iter().map(|s| s.session).collect(),
        tables: 8,
        cap_per_person: Some(6),
        unavailable: vec![],
        requests: requests
            .iter()
            .map(|r| engine::Request {
                id: r.id as u64,
                a: index[&r.from_user],
                b: index[&r.to_user],
                lock: engine::Lock::None,
            })
            .collect(),
    };
    let result = engine::schedule(&problem);
    let outcomes = [
        MeetingOutcome::FollowUp,
        MeetingOutcome::NoInterest,
        MeetingOutcome::Cooperation,
        MeetingOutcome::FollowUp,
        MeetingOutcome::Deal,
    ];
    for (k, p) in result.placed.iter().enumerate() {
        let Some(r) = requests.iter().find(|r| r.id as u64 == p.request) else { continue };
        let mut row: meeting_request::ActiveModel = r.clone().into();
        row.slot = Set(Some(p.slot as i32));
        row.table_no = Set(Some(p.table as i32));
        if held {
            row.outcome_from = Set(Some(outcomes[k % outcomes.len()]));
            row.outcome_to = Set(Some(outcomes[(k + 1) % outcomes.len()]));
        }
        row.update(conn).await?;
    }
    Ok(())
}
