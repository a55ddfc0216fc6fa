//! Regional coordinators: orchestrators name them per region; they search
//! and export every listing of their region (closed ones too, with their
//! outcomes) and record synergy workshops, whose report pages show the
//! listings created there and the matches found for them.

use super::{Filter, parse_day, reference};
use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::ListingStatus;
use kimppa_domain::Region;
use kimppa_store::entities::{listing, listing_match, regional_coordinator, symbiosis, user, workshop};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// Allows the region's coordinators and staff.
pub fn require_coordinator(actor: &Principal, region: &str) -> Result<(), AppError> {
    policy::require(actor, Action::CoordinateRegion { region })
}

/// The regions the actor may coordinate (staff: every region).
pub fn coordinated(actor: &Principal) -> Result<Vec<String>, AppError> {
    policy::require(actor, Action::CoordinateAnyRegion)?;
    Ok(super::visibility::coordinated(actor))
}

/// The region a coordinator's page shows: the one asked for when they
/// coordinate it, else their first; the regions they may choose from.
pub fn chosen_region(actor: &Principal, asked: Option<&str>) -> Result<(String, Vec<String>), AppError> {
    let mine = coordinated(actor)?;
    let region = asked.filter(|r| mine.iter().any(|m| m == r)).or(mine.first().map(String::as_str));
    match region {
        Some(r) => Ok((r.to_string(), mine)),
        None => Err(AppError::Forbidden),
    }
}

/// A region's listings for its coordinator: every status but drafts by
/// default (`status` filters), the filters of the public list otherwise.
pub async fn region_listings(
    app: &App,
    actor: &Principal,
    region: &str,
    f: &Filter,
) -> Result<Vec<listing::Model>, AppError> {
    require_coordinator(actor, region)?;
    let mut f = f.clone();
    f.region = Some(region.to_string());
    if f.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        f.status = Some("all".into());
    }
    Ok(super::filtered(app, actor, &f)
        .await?
        .filter(listing::Column::Status.ne(ListingStatus::Draft))
        .order_by_desc(listing::Column::UpdatedAt)
        .all(&app.db)
        .await?)
}

/// The region's listings as CSV (UTF-8 with a byte-order mark, `;` or `,`
/// separated, as the directory's export), one row per listing with its outcome.
pub async fn export_csv(
    app: &App,
    actor: &Principal,
    region: &str,
    f: &Filter,
    lang: &str,
    delimiter: u8,
) -> Result<Vec<u8>, AppError> {
    let rows = region_listings(app, actor, region, f).await?;
    let mut orgs: Vec<i32> = rows.iter().map(|l| l.org_id).collect();
    orgs.extend(rows.iter().filter_map(|l| l.deal_org_id));
    let names = crate::people::org_names(app, orgs).await?;
    let mut codes: Vec<String> = rows.iter().map(|l| l.class_code.clone()).collect();
    codes.dedup();
    let classes = reference::Classes::load_codes(app, &codes).await?;
    let places =
        reference::municipalities_by_code(app, &rows.iter().map(|l| l.municipality.clone()).collect::<Vec<_>>())
            .await?;
    let symbioses: HashMap<i32, symbiosis::Model> = if rows.is_empty() {
        HashMap::new()
    } else {
        symbiosis::Entity::find()
            .filter(symbiosis::Column::ListingId.is_in(rows.iter().map(|l| l.id).collect::<Vec<_>>()))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|s| (s.listing_id, s))
            .collect()
    };
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "id",
        "status",
        "kind",
        "organisation",
        "title",
        "class_code",
        "class",
        "hazardous",
        "quantity",
        "unit",
        "frequency",
        "tonnes_per_month",
        "municipality",
        "region",
        "available_from",
        "available_to",
        "published_at",
        "closed_at",
        "outcome",
        "reason",
        "deal_organisation",
        "deal_tonnes_per_year",
        "deal_from",
        "co2e_tonnes_per_year",
    ];
    w.write_record(header).map_err(AppError::internal)?;
    let name = |id: i32| names.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    for l in &rows {
        let place = places.get(&l.municipality).map(|m| m.name_fi.clone()).unwrap_or_default();
        let record = vec![
            l.id.to_string(),
            l.status.to_string(),
            l.kind.to_string(),
            name(l.org_id),
            l.title.clone(),
            l.class_code.clone(),
            classes.get(&l.class_code).map(|c| reference::title(c, lang)).unwrap_or_default(),
            if l.hazardous { "1".into() } else { "0".into() },
            l.quantity.map(super::number).unwrap_or_default(),
            l.unit.clone(),
            l.frequency.clone(),
            super::monthly_tonnes(l).map(super::number).unwrap_or_default(),
            place,
            l.region.clone(),
            l.available_from.clone(),
            l.available_to.clone().unwrap_or_default(),
            l.published_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            l.closed_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            l.outcome.clone(),
            l.outcome_reason.clone(),
            l.deal_org_id.map(name).unwrap_or_default(),
            l.deal_tonnes_per_year.map(super::number).unwrap_or_default(),
            l.deal_from.clone().unwrap_or_default(),
            symbioses.get(&l.id).map(|s| super::number(s.co2e_tonnes)).unwrap_or_default(),
        ];
        w.write_record(record).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

// ---------------------------------------------------------------------------
// Coordinators

/// (coordinator row, person's name, email), by region.
pub async fn coordinators(
    app: &App,
    actor: &Principal,
) -> Result<Vec<(regional_coordinator::Model, String, String)>, AppError> {
    policy::require(actor, Action::ManageMaterials)?;
    let rows =
        regional_coordinator::Entity::find().order_by_asc(regional_coordinator::Column::Region).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|r| r.user_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (n, e) = users.get(&r.user_id).map(|u| (u.name.clone(), u.email.clone())).unwrap_or_default();
            (r, n, e)
        })
        .collect())
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CoordinatorForm {
    pub email: String,
    pub region: String,
}

/// Names a person (by their account's email) coordinator of a region.
pub async fn add_coordinator(app: &App, actor: &Principal, f: &CoordinatorForm) -> Result<(), AppError> {
    policy::require(actor, Action::ManageMaterials)?;
    let uid = crate::policy::user_id(actor)?;
    let mut c = Checker::default();
    let email = f.email.trim().to_lowercase();
    let person = user::Entity::find().filter(user::Column::Email.eq(email.clone())).one(&app.db).await?;
    if person.is_none() {
        c.push("email", if email.is_empty() { "err-required" } else { "err-no-such-account" });
    }
    let region = c.check("region", Region::parse(f.region.trim()));
    c.finish()?;
    let (Some(person), Some(region)) = (person, region) else { return Err(crate::error::checked()) };
    let exists = regional_coordinator::Entity::find()
        .filter(regional_coordinator::Column::UserId.eq(person.id))
        .filter(regional_coordinator::Column::Region.eq(region.key()))
        .one(&app.db)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    regional_coordinator::ActiveModel {
        user_id: Set(person.id),
        region: Set(region.key().into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::changelog::admin_action(&tx, uid, "materials.coordinator.add", person.email, region.key()).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_coordinator(app: &App, actor: &Principal, id: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManageMaterials)?;
    let uid = crate::policy::user_id(actor)?;
    let r = regional_coordinator::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    regional_coordinator::Entity::delete_by_id(id).exec(&tx).await?;
    crate::changelog::admin_action(&tx, uid, "materials.coordinator.remove", r.user_id.to_string(), r.region).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Workshops

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct WorkshopForm {
    pub title: String,
    pub held_on: String,
    pub municipality: String,
    /// One organisation per line.
    pub participants: String,
    pub notes: String,
}

/// Records a workshop in a coordinated region (the municipality's).
pub async fn create_workshop(app: &App, actor: &Principal, f: &WorkshopForm) -> Result<workshop::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let mut c = Checker::default();
    let title = f.title.trim();
    if title.is_empty() {
        c.push("title", "err-required");
    } else if title.chars().count() > 200 {
        c.push("title", "err-too-long");
    }
    let day = parse_day(&f.held_on);
    if day.is_none() {
        c.push("held_on", if f.held_on.trim().is_empty() { "err-required" } else { "err-date" });
    }
    let place = reference::municipalities_by_code(app, &[f.municipality.trim().to_string()]).await?;
    let place = place.get(f.municipality.trim()).cloned();
    if place.is_none() {
        c.push("municipality", if f.municipality.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    for (field, text) in [("participants", &f.participants), ("notes", &f.notes)] {
        if text.chars().count() > 20_000 {
            c.push(field, "err-too-long");
        }
    }
    c.finish()?;
    let (Some(day), Some(place)) = (day, place) else { return Err(crate::error::checked()) };
    require_coordinator(actor, &place.region)?;
    let now = crate::now();
    Ok(workshop::ActiveModel {
        title: Set(title.into()),
        held_on: Set(day.format("%Y-%m-%d").to_string()),
        region: Set(place.region.clone()),
        municipality: Set(place.code.clone()),
        participants: Set(f.participants.trim().into()),
        notes: Set(f.notes.trim().into()),
        created_by: Set(uid.0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await?)
}

/// Every workshop, newest first.
pub async fn workshops(app: &App) -> Result<Vec<workshop::Model>, AppError> {
    Ok(workshop::Entity::find().order_by_desc(workshop::Column::HeldOn).all(&app.db).await?)
}

/// A workshop's report: the listings created there that `s` may see, the
/// matches found for them (pairs, best first), and the symbioses they led to.
pub struct Report {
    pub w: workshop::Model,
    pub listings: Vec<listing::Model>,
    /// (listing, counter-listing, score)
    pub matches: Vec<(i32, listing::Model, f64)>,
    pub symbioses: Vec<symbiosis::Model>,
    pub org_names: HashMap<i32, crate::people::OrgName>,
    /// Every listing created there (seen or not) and every match for them.
    pub listing_count: usize,
    pub match_count: usize,
}

pub async fn report(app: &App, actor: &Principal, id: i32) -> Result<Report, AppError> {
    let w = workshop::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let all = listing::Entity::find()
        .filter(listing::Column::WorkshopId.eq(w.id))
        .filter(listing::Column::Status.ne(ListingStatus::Draft))
        .order_by_asc(listing::Column::Id)
        .all(&app.db)
        .await?;
    let ids: Vec<i32> = all.iter().map(|l| l.id).collect();
    let rows = if ids.is_empty() {
        vec![]
    } else {
        listing_match::Entity::find()
            .filter(listing_match::Column::ListingId.is_in(ids.clone()))
            .order_by_desc(listing_match::Column::Score)
            .all(&app.db)
            .await?
    };
    // A pair of two workshop listings counts once.
    let rows: Vec<listing_match::Model> =
        rows.into_iter().filter(|m| !(ids.contains(&m.other_id) && m.other_id < m.listing_id)).collect();
    let others: HashMap<i32, listing::Model> = if rows.is_empty() {
        HashMap::new()
    } else {
        listing::Entity::find()
            .filter(listing::Column::Id.is_in(rows.iter().map(|m| m.other_id).collect::<Vec<_>>()))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect()
    };
    let symbioses = if ids.is_empty() {
        vec![]
    } else {
        symbiosis::Entity::find().filter(symbiosis::Column::ListingId.is_in(ids)).all(&app.db).await?
    };
    let listing_count = all.len();
    let match_count = rows.len();
    let seen: Vec<listing::Model> = all.into_iter().filter(|l| super::visibility::sees(actor, l)).collect();
    // The deals of listings the viewer may not see stay unnamed.
    let symbioses: Vec<symbiosis::Model> =
        symbioses.into_iter().filter(|x| seen.iter().any(|l| l.id == x.listing_id)).collect();
    let matches: Vec<(i32, listing::Model, f64)> = rows
        .into_iter()
        .filter(|m| seen.iter().any(|l| l.id == m.listing_id))
        .filter_map(|m| {
            let o = others.get(&m.other_id)?;
            super::visibility::sees(actor, o).then(|| (m.listing_id, o.clone(), m.score))
        })
        .collect();
    let mut org_ids: Vec<i32> = seen.iter().map(|l| l.org_id).collect();
    org_ids.extend(matches.iter().map(|(_, o, _)| o.org_id));
    org_ids.extend(symbioses.iter().flat_map(|actor| [actor.provider_org_id, actor.receiver_org_id]));
    let org_names = crate::people::org_names(app, org_ids).await?;
    Ok(Report { w, listings: seen, matches, symbioses, org_names, listing_count, match_count })
}
