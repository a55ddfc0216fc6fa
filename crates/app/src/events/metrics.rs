//! The cluster's event counts for a year (staff): events held by kind and
//! month, registrations, attendance and no-shows, feedback, and the
//! activities of each member organisation (events its people attended).

use crate::{
    App, AppError,
    policy::{self, Action, Principal},
};
use chrono::Datelike;
use kimppa_domain::{EventKind, EventStatus, RegistrationStatus};
use kimppa_store::entities::{event, event_feedback, event_registration};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// One year's counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub year: i32,
    /// Held events: kind → events per month (index 0 = January).
    pub held: BTreeMap<EventKind, [u32; 12]>,
    pub events_held: u32,
    pub cancelled: u32,
    /// Places held at held events.
    pub registrations: u32,
    pub attended: u32,
    pub no_shows: u32,
    /// Attendance not marked.
    pub unmarked: u32,
    /// Participants per held event (attended where marked, else registered).
    pub per_event: Option<f64>,
    pub feedback: super::feedback::Results,
    /// Member organisations' activities: (name, events its people attended,
    /// groups it takes part in).
    pub per_org: Vec<(String, u32, u32)>,
    /// One-to-one meetings placed at held events, and what the sides rated
    /// came of them.
    pub meetings: u32,
    pub outcomes: BTreeMap<kimppa_domain::MeetingOutcome, u32>,
}

/// The counts of a calendar year (Finnish time).
pub async fn year(app: &App, actor: &Principal, year: i32) -> Result<Counts, AppError> {
    policy::require(actor, Action::ManageClusterEvents)?;
    let start = crate::finnish_year_start;
    let events = event::Entity::find()
        .filter(event::Column::StartsAt.gte(start(year)))
        .filter(event::Column::StartsAt.lt(start(year + 1)))
        .filter(event::Column::Status.is_in([EventStatus::Held, EventStatus::Cancelled]))
        .all(&app.db)
        .await?;
    let mut c = Counts { year, ..Default::default() };
    let held: Vec<&event::Model> = events.iter().filter(|e| e.status == EventStatus::Held).collect();
    c.cancelled = events.len() as u32 - held.len() as u32;
    c.events_held = held.len() as u32;
    for e in &held {
        let month = crate::finnish_time(e.starts_at).month0() as usize;
        c.held.entry(e.kind).or_insert([0; 12])[month] += 1;
    }
    let ids: Vec<i32> = held.iter().map(|e| e.id).collect();
    let regs: Vec<(i32, Option<i32>, Option<bool>)> = crate::batch::chunked(ids.clone(), |chunk| {
        event_registration::Entity::find()
            .select_only()
            .columns([
                event_registration::Column::EventId,
                event_registration::Column::OrgId,
                event_registration::Column::Attended,
            ])
            .filter(event_registration::Column::EventId.is_in(chunk))
            .filter(event_registration::Column::Status.eq(RegistrationStatus::Registered))
            .into_tuple()
            .all(&app.db)
    })
    .await?;
    let mut per_org: BTreeMap<i32, std::collections::BTreeSet<i32>> = BTreeMap::new();
    let mut participants = 0u32;
    for (event_id, org, attended) in &regs {
        c.registrations += 1;
        match attended {
            Some(true) => c.attended += 1,
            Some(false) => c.no_shows += 1,
            None => c.unmarked += 1,
        }
        if *attended != Some(false) {
            participants += 1;
            if let Some(o) = org {
                per_org.entry(*o).or_default().insert(*event_id);
            }
        }
    }
    if c.events_held > 0 {
        c.per_event = Some(participants as f64 / c.events_held as f64);
    }
    (c.meetings, c.outcomes) = super::meetings::held_counts(app, &ids).await?;
    let feedback = crate::batch::chunked(ids, |chunk| {
        event_feedback::Entity::find().filter(event_feedback::Column::EventId.is_in(chunk)).all(&app.db)
    })
    .await?;
    c.feedback = super::feedback::summarise(&feedback);
    c.feedback.comments.clear();
    // Groups each organisation takes part in (as an organisation).
    let in_groups: Vec<(Option<i32>, i32)> = kimppa_store::entities::group_member::Entity::find()
        .filter(kimppa_store::entities::group_member::Column::Status.eq(kimppa_domain::GroupMemberStatus::Active))
        .filter(kimppa_store::entities::group_member::Column::OrgId.is_not_null())
        .select_only()
        .columns([
            kimppa_store::entities::group_member::Column::OrgId,
            kimppa_store::entities::group_member::Column::GroupId,
        ])
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut groups_of: BTreeMap<i32, std::collections::BTreeSet<i32>> = BTreeMap::new();
    for (o, g) in in_groups {
        if let Some(o) = o {
            groups_of.entry(o).or_default().insert(g);
        }
    }
    let orgs: std::collections::BTreeSet<i32> = per_org.keys().chain(groups_of.keys()).copied().collect();
    let names = crate::people::org_names(app, orgs.iter().copied()).await?;
    c.per_org = orgs
        .into_iter()
        .map(|o| {
            (
                names.get(&o).map(|n| n.name.clone()).unwrap_or_default(),
                per_org.get(&o).map(|e| e.len() as u32).unwrap_or(0),
                groups_of.get(&o).map(|g| g.len() as u32).unwrap_or(0),
            )
        })
        .collect();
    c.per_org.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
    Ok(c)
}
