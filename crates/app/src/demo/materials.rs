//! The materials part of the demo: 49 listings across classes and
//! municipalities of Northern Ostrobothnia and beyond (some made at a
//! synergy workshop in Raahe), a regional coordinator, a documented starter
//! set of emission factors, and — once the listings are matched — feedback
//! on matches and closed listings, four of them realised symbioses.

use super::directory::People;
use crate::{
    App, AppError,
    materials::{matching, outcomes, reference},
    now,
    policy::Principal,
};
use chrono::Duration;
use kimppa_domain::ListingStatus;
use kimppa_domain::UserId;
use kimppa_store::entities::{listing, listing_match, organisation, regional_coordinator, workshop};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use std::collections::HashMap;

const DATA: &str = include_str!("materials.json");

#[derive(Deserialize)]
struct Data {
    listings: Vec<ListingData>,
    workshop: WorkshopData,
    coordinator: CoordinatorData,
    closes: Vec<CloseData>,
    feedback: Vec<FeedbackData>,
    /// (class pattern, kg CO2e per tonne, source, year, note)
    factors: Vec<(String, f64, String, i32, String)>,
}

#[derive(Deserialize)]
struct ListingData {
    org: String,
    /// The local part of the person's email; empty: the organisation's first person.
    by: String,
    kind: kimppa_domain::ListingKind,
    class_code: String,
    title: String,
    description: String,
    quantity: Option<f64>,
    unit: String,
    frequency: String,
    municipality: String,
    max_km: i32,
    accepts: String,
    accepts_hazardous: bool,
    days_ago: i64,
    workshop: bool,
    price_kind: String,
    price: String,
    delivery: String,
    visibility: kimppa_domain::ListingVisibility,
}

#[derive(Deserialize)]
struct WorkshopData {
    title: String,
    days_ago: i64,
    municipality: String,
    participants: String,
    notes: String,
}

#[derive(Deserialize)]
struct CoordinatorData {
    email: String,
    region: String,
}

#[derive(Deserialize)]
struct CloseData {
    title: String,
    outcome: String,
    #[serde(default)]
    deal_org: String,
    #[serde(default)]
    tonnes: f64,
    #[serde(default)]
    reason: String,
    note: String,
    /// Whether the other organisation has confirmed the deal (the default).
    #[serde(default = "yes")]
    confirmed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct FeedbackData {
    title: String,
    value: String,
}

fn data() -> Result<Data, AppError> {
    serde_json::from_str(DATA).map_err(|e| AppError::fail(format!("demo materials data: {e}")))
}

/// Inserts the listings (published), the workshop, the coordinator and the
/// emission factors in the demo's transaction; returns how many listings.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    people: &People,
    orgs: &HashMap<String, organisation::Model>,
) -> Result<usize, AppError> {
    let d = data()?;
    let now = now();
    let today = crate::materials::today();
    outcomes::add_missing_factors(conn, &d.factors).await?;
    let places: HashMap<String, String> = kimppa_store::entities::municipality::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.code, m.region))
        .collect();
    let region_of = |code: &str| places.get(code).cloned().unwrap_or_default();
    let coordinator = people.get(&d.coordinator.email).ok_or_else(|| AppError::fail("demo coordinator unknown"))?;
    regional_coordinator::ActiveModel {
        user_id: Set(coordinator.0),
        region: Set(d.coordinator.region.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let w = &d.workshop;
    let held = today - Duration::days(w.days_ago);
    let ws = workshop::ActiveModel {
        title: Set(w.title.clone()),
        held_on: Set(held.format("%Y-%m-%d").to_string()),
        region: Set(region_of(&w.municipality)),
        municipality: Set(w.municipality.clone()),
        participants: Set(w.participants.clone()),
        notes: Set(w.notes.clone()),
        created_by: Set(coordinator.0),
        created_at: Set(now - Duration::days(w.days_ago)),
        updated_at: Set(now - Duration::days(w.days_ago)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    for l in &d.listings {
        let org = orgs.get(&l.org).ok_or_else(|| AppError::fail(format!("demo listing org {}", l.org)))?;
        // (email, user id) of the organisation's people.
        let mut by: Vec<(&str, i32)> =
            people.iter().filter(|(_, p)| p.3 == l.org).map(|(e, p)| (e.as_str(), p.0)).collect();
        by.sort_unstable();
        let person = by
            .iter()
            .find(|(e, _)| !l.by.is_empty() && e.starts_with(&format!("{}@", l.by)))
            .or(by.first())
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::fail(format!("demo listing {} has nobody", l.title)))?;
        let days = if l.workshop { w.days_ago } else { l.days_ago };
        let at = now - Duration::days(days);
        let from = today - Duration::days(days);
        let code = reference::normalise_code(&l.class_code);
        let hazardous = kimppa_sidestreams::Code::parse(&code).is_ok()
            && kimppa_store::entities::material_class::Entity::find()
                .filter(kimppa_store::entities::material_class::Column::Code.eq(code.clone()))
                .one(conn)
                .await?
                .is_some_and(|c| c.hazardous);
        listing::ActiveModel {
            org_id: Set(org.id),
            created_by: Set(person),
            contact_user_id: Set(Some(person)),
            kind: Set(l.kind),
            class_code: Set(code),
            hazardous: Set(hazardous),
            accepts: Set(l.accepts.clone()),
            accepts_hazardous: Set(l.accepts_hazardous),
            title: Set(l.title.clone()),
            description: Set(l.description.clone()),
            search_text: Set(crate::materials::search_text(&l.title, &l.description)),
            quantity: Set(l.quantity),
            unit: Set(l.unit.clone()),
            frequency: Set(l.frequency.clone()),
            unit_tonnes: Set(None),
            municipality: Set(l.municipality.clone()),
            region: Set(region_of(&l.municipality)),
            max_km: Set(l.max_km),
            available_from: Set(from.format("%Y-%m-%d").to_string()),
            available_to: Set(None),
            delivery: Set(l.delivery.clone()),
            price_kind: Set(l.price_kind.clone()),
            price: Set(l.price.clone()),
            visibility: Set(l.visibility),
            notify_threshold: Set(50),
            status: Set(ListingStatus::Published),
            expires_on: Set((from + Duration::days(crate::materials::DEFAULT_DAYS + 30))
                .format("%Y-%m-%d")
                .to_string()),
            reminded_at: Set(None),
            workshop_id: Set(l.workshop.then_some(ws.id)),
            attachment_key: Set(None),
            attachment_name: Set(None),
            attachment_type: Set(None),
            outcome: Set(String::new()),
            outcome_reason: Set(String::new()),
            outcome_note: Set(String::new()),
            deal_org_id: Set(None),
            deal_tonnes_per_year: Set(None),
            deal_from: Set(None),
            closed_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            published_at: Set(Some(at)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(d.listings.len())
}

/// After the demo is committed: matches every listing (without emailing
/// anyone), gives feedback on some matches and closes some listings.
pub(super) async fn finish(app: &App) -> Result<(), AppError> {
    let d = data()?;
    let all = listing::Entity::find().order_by_asc(listing::Column::Id).all(&app.db).await?;
    for l in &all {
        matching::run_quietly(app, l.id).await?;
    }
    let by_title = |t: &str| all.iter().find(|l| l.title == t);
    for f in &d.feedback {
        let Some(l) = by_title(&f.title) else { continue };
        let top = listing_match::Entity::find()
            .filter(listing_match::Column::ListingId.eq(l.id))
            .order_by_desc(listing_match::Column::Score)
            .one(&app.db)
            .await?;
        if let Some(m) = top {
            matching::feedback(app, &as_person(app, l.created_by).await?, m.id, &f.value).await?;
        }
    }
    for c in &d.closes {
        let Some(l) = by_title(&c.title) else { continue };
        let form = outcomes::CloseForm {
            outcome: c.outcome.clone(),
            deal_org: c.deal_org.clone(),
            tonnes_per_year: c.tonnes.to_string(),
            deal_from: (crate::materials::today() - Duration::days(14)).format("%Y-%m-%d").to_string(),
            reason: c.reason.clone(),
            note: c.note.clone(),
        };
        outcomes::close(app, &as_person(app, l.created_by).await?, l.id, &form).await?;
        // The other side's admin confirms, unless the demo keeps it waiting.
        if let (true, Some(s)) = (c.confirmed, outcomes::symbiosis_of(app, l.id).await?) {
            let other = outcomes::other_party(&s, l);
            if let Some(admin) = crate::people::org_admins(&app.db, other).await?.first() {
                outcomes::decide(app, &as_person(app, admin.id).await?, s.id, true, "").await?;
            }
        }
    }
    Ok(())
}

async fn as_person(app: &App, id: i32) -> Result<Principal, AppError> {
    Principal::resolve(app, UserId(id), false).await
}
