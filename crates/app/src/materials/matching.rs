//! Matching on publish: publishing or changing a listing writes a
//! [`MATCH`] change-log row in the same transaction; the job runner scores
//! the listing against the open counter-listings with the engine's index
//! (class buckets read nearest first, no full cross product), keeps the
//! best [`LIMIT`] as match rows for both sides, and emails each side's
//! contact person of new matches scoring at least the threshold they chose.
//! The owners mark matches relevant, not relevant or contacted.

use super::{engine_listing, reference, visibility};
use crate::{App, AppError, changelog, email, notifications, policy::Principal};
use kimppa_domain::OrgId;
use kimppa_domain::{ListingStatus, MembershipStatus};
use kimppa_sidestreams::{self as engine, ClassFit, Part};
use kimppa_store::entities::{listing, listing_match, org_member, organisation, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Change-log kind: match a listing.
pub const MATCH: &str = "listing.match";
/// Matches kept per listing.
pub const LIMIT: usize = 20;
pub const FEEDBACK: [&str; 3] = ["relevant", "not-relevant", "contacted"];

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub listing_id: i32,
}

/// Records the event in the writer's transaction.
pub(crate) async fn record<C: ConnectionTrait>(conn: &C, listing_id: i32) -> Result<(), sea_orm::DbErr> {
    changelog::record(conn, MATCH, &Event { listing_id }).await.map(|_| ())
}

/// One part of a stored score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredReason {
    /// `class`, `quantity`, `distance`, `window` or `text`.
    pub part: String,
    /// For `class`: `same-code`, `same-sub-chapter`, `same-chapter` or `declared`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fit: String,
    /// Kilometres for `distance`; a share 0–1 for the others.
    pub value: f64,
    pub points: f64,
}

pub fn stored(score: &engine::Score) -> Vec<StoredReason> {
    score
        .reasons
        .iter()
        .map(|r| {
            let (part, fit, value) = match &r.part {
                Part::Class(f) => (
                    "class",
                    match f {
                        ClassFit::SameCode => "same-code",
                        ClassFit::SameSubChapter => "same-sub-chapter",
                        ClassFit::SameChapter => "same-chapter",
                        ClassFit::Declared => "declared",
                    },
                    1.0,
                ),
                Part::Quantity { overlap } => ("quantity", "", *overlap),
                Part::Distance { km } => ("distance", "", *km),
                Part::Window { overlap } => ("window", "", *overlap),
                Part::Text { similarity } => ("text", "", *similarity),
            };
            StoredReason { part: part.into(), fit: fit.into(), value, points: r.points }
        })
        .collect()
}

pub fn reasons_of(m: &listing_match::Model) -> Vec<StoredReason> {
    serde_json::from_str(&m.reasons).unwrap_or_default()
}

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.jobs.on(MATCH, |app, e: Event| async move {
        run(&app, e.listing_id).await?;
        Ok(())
    });
}

/// Matches one listing and tells the parties; returns how many matches it
/// has now.
pub async fn run(app: &App, id: i32) -> Result<usize, AppError> {
    run_with(app, id, true).await
}

/// Matches one listing without emailing anyone (loading demo data).
pub async fn run_quietly(app: &App, id: i32) -> Result<usize, AppError> {
    run_with(app, id, false).await
}

async fn run_with(app: &App, id: i32, tell: bool) -> Result<usize, AppError> {
    let Some(l) = listing::Entity::find_by_id(id).one(&app.db).await? else { return Ok(0) };
    let mine = Condition::any().add(listing_match::Column::ListingId.eq(id)).add(listing_match::Column::OtherId.eq(id));
    if l.status != ListingStatus::Published {
        // A listing taken down or closed keeps its matches as history (the
        // quality report counts them); pages show only counter-listings the
        // viewer may see, and nobody is told of them again.
        return Ok(0);
    }
    let places = super::pool::places(app).await?;
    let Some(me) = engine_listing(&l, places.get(&l.municipality).copied()) else { return Ok(0) };
    // The counter-listings this listing's organisation may see (members-only
    // ones only when it is an approved member), from this node's pool.
    let approved = organisation::Entity::find_by_id(l.org_id)
        .one(&app.db)
        .await?
        .is_some_and(|o| o.membership_status == MembershipStatus::Approved);
    let owner = Principal::member_of(OrgId(l.org_id), approved);
    let weights = engine::Weights::default();
    let existing_ids: Vec<(i32, i32)> = listing_match::Entity::find()
        .select_only()
        .columns([listing_match::Column::ListingId, listing_match::Column::OtherId])
        .filter(mine.clone())
        .into_tuple()
        .all(&app.db)
        .await?;
    // Each counter-listing already paired, as it is now (none when it is
    // no longer open), to tell a pair that fell out of this listing's best
    // from one that no longer matches at all.
    let (found, paired) = app
        .materials_pool
        .with(app, |pool| {
            let found = pool.matches(&me, l.org_id, &owner, &weights, LIMIT);
            // The counter-listings found and those paired before, as they are now.
            let paired: HashMap<i32, engine::Listing> = existing_ids
                .iter()
                .map(|(a, b)| if *a == id { *b } else { *a })
                .chain(found.iter().map(|(o, _)| *o as i32))
                .filter_map(|o| pool.get(o as u64).map(|x| (o, x.clone())))
                .collect();
            (found, paired)
        })
        .await?;
    let found_ids: Vec<i32> = found.iter().map(|(o, _)| *o as i32).collect();
    let pool: Vec<listing::Model> = if found_ids.is_empty() {
        vec![]
    } else {
        listing::Entity::find().filter(listing::Column::Id.is_in(found_ids)).all(&app.db).await?
    };
    let by_id: HashMap<i32, &listing::Model> = pool.iter().map(|o| (o.id, o)).collect();
    let now = crate::now();
    let tx = app.db.begin().await?;
    let existing: HashMap<(i32, i32), listing_match::Model> = listing_match::Entity::find()
        .filter(mine)
        .all(&tx)
        .await?
        .into_iter()
        .map(|m| ((m.listing_id, m.other_id), m))
        .collect();
    let mut kept: HashSet<(i32, i32)> = HashSet::new();
    let mut fresh: Vec<listing_match::Model> = Vec::new();
    for (other, score) in &found {
        let other = *other as i32;
        // Each side's row is scored from that side (how much of its own
        // volume the other covers).
        let theirs = paired.get(&other).and_then(|o| engine::score(o, &me, &weights));
        for pair in [(id, other), (other, id)] {
            // The other side sees it only within its own reach.
            let Some(score) = (if pair.0 == id { Some(score) } else { theirs.as_ref() }) else { continue };
            let reasons = serde_json::to_string(&stored(score)).map_err(AppError::internal)?;
            kept.insert(pair);
            let row = match existing.get(&pair) {
                Some(m) => {
                    let mut a: listing_match::ActiveModel = m.clone().into();
                    a.score = Set(score.total);
                    a.reasons = Set(reasons.clone());
                    a.updated_at = Set(now);
                    a.update(&tx).await?
                }
                None => {
                    listing_match::ActiveModel {
                        listing_id: Set(pair.0),
                        other_id: Set(pair.1),
                        score: Set(score.total),
                        reasons: Set(reasons.clone()),
                        feedback: Set(String::new()),
                        feedback_at: Set(None),
                        feedback_by: Set(None),
                        notified_at: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&tx)
                    .await?
                }
            };
            if row.notified_at.is_none() {
                fresh.push(row);
            }
        }
    }
    // Open pairs that no longer match at all go, unless someone gave
    // feedback on them; a pair that still matches but fell out of this
    // listing's best keeps its rows (the other side may still count it among
    // its own best) with the new score.
    let mut stale: Vec<i32> = Vec::new();
    for m in existing.values().filter(|m| !kept.contains(&(m.listing_id, m.other_id))) {
        let other = if m.listing_id == id { m.other_id } else { m.listing_id };
        // A counter-listing no longer open (closed, expired, a draft again)
        // keeps its pair as history.
        let Some(o) = paired.get(&other) else { continue };
        let rescored =
            if m.listing_id == id { engine::score(&me, o, &weights) } else { engine::score(o, &me, &weights) };
        match rescored {
            Some(score) => {
                let mut a: listing_match::ActiveModel = m.clone().into();
                a.score = Set(score.total);
                a.reasons = Set(serde_json::to_string(&stored(&score)).map_err(AppError::internal)?);
                a.updated_at = Set(now);
                a.update(&tx).await?;
            }
            None if m.feedback.is_empty() => stale.push(m.id),
            None => {}
        }
    }
    if !stale.is_empty() {
        listing_match::Entity::delete_many().filter(listing_match::Column::Id.is_in(stale)).exec(&tx).await?;
    }
    let mut listings: HashMap<i32, &listing::Model> = by_id;
    listings.insert(l.id, &l);
    if tell {
        let reference = reference::reference(app).await?;
        let place_names: HashMap<&str, &str> =
            reference.municipalities.iter().map(|m| (m.code.as_str(), m.name_fi.as_str())).collect();
        notify(app, &tx, &fresh, &listings, &place_names).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(found.len())
}

/// Emails each listing's contact person of its new matches that reach the
/// threshold they chose and whose counter-listing they may see; marks them
/// told (in the caller's transaction, with the emails).
async fn notify<C: ConnectionTrait>(
    app: &App,
    conn: &C,
    fresh: &[listing_match::Model],
    listings: &HashMap<i32, &listing::Model>,
    place_names: &HashMap<&str, &str>,
) -> Result<(), AppError> {
    let mut per_listing: HashMap<i32, Vec<&listing_match::Model>> = HashMap::new();
    for m in fresh {
        let (Some(own), Some(_)) = (listings.get(&m.listing_id), listings.get(&m.other_id)) else { continue };
        if m.score >= own.notify_threshold as f64 {
            per_listing.entry(m.listing_id).or_default().push(m);
        }
    }
    if per_listing.is_empty() {
        return Ok(());
    }
    // Only the listings of the pairs told about.
    let involved: HashSet<i32> = per_listing.values().flatten().flat_map(|m| [m.listing_id, m.other_id]).collect();
    let listings: HashMap<i32, &listing::Model> =
        listings.iter().filter(|(id, _)| involved.contains(id)).map(|(id, l)| (*id, *l)).collect();
    let org_ids: Vec<i32> = listings.values().map(|l| l.org_id).collect();
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let recipients: Vec<i32> = per_listing
        .keys()
        .filter_map(|id| listings.get(id))
        .map(|l| l.contact_user_id.unwrap_or(l.created_by))
        .collect();
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(recipients.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let modes = notifications::modes_of(conn, recipients.iter().copied()).await?;
    // Someone who has left the organisation is told nothing of its listings.
    let still_in: HashSet<(i32, i32)> = org_member::Entity::find()
        .filter(org_member::Column::UserId.is_in(recipients.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.org_id, m.user_id))
        .collect();
    let now = crate::now();
    for (lid, mut ms) in per_listing {
        let Some(own) = listings.get(&lid) else { continue };
        let seer = Principal::member_of(
            OrgId(own.org_id),
            orgs.get(&own.org_id).is_some_and(|o| o.membership_status == MembershipStatus::Approved),
        );
        ms.retain(|m| listings.get(&m.other_id).is_some_and(|o| visibility::sees(&seer, o)));
        if ms.is_empty() {
            continue;
        }
        ms.sort_by(|a, b| b.score.total_cmp(&a.score));
        let to = own.contact_user_id.unwrap_or(own.created_by);
        let ids: Vec<i32> = ms.iter().map(|m| m.id).collect();
        listing_match::Entity::update_many()
            .col_expr(listing_match::Column::NotifiedAt, Some(now).into())
            .filter(listing_match::Column::Id.is_in(ids))
            .exec(conn)
            .await?;
        let Some(u) = users.get(&to) else { continue };
        if !still_in.contains(&(own.org_id, u.id)) || modes.get(&u.id) == Some(&notifications::EmailMode::Off) {
            continue;
        }
        let lang = crate::people::lang(u);
        let lines: Vec<String> = ms
            .iter()
            .filter_map(|m| {
                let o = listings.get(&m.other_id)?;
                let org = orgs.get(&o.org_id).map(|o| o.name.as_str()).unwrap_or_default();
                let place = place_names.get(o.municipality.as_str()).copied().unwrap_or_default();
                Some(format!("- {} ({org}, {place}): {:.0}/100", o.title, m.score))
            })
            .collect();
        let link = app.url(&format!("/{lang}/materials/{}", own.id));
        let (subject, body) = texts::new_matches(lang, &own.title, &lines.join("\n"), &link);
        email::queue(conn, &u.email, &subject, &body).await?;
    }
    Ok(())
}

/// Counter-listings of the same code or sub-chapter that `actor` may see
/// but that lie beyond the distance either side set: how many, and the
/// nearest in km (one bounded query). Shown with the matches, so a listing
/// far from its counterparts hears of them.
pub async fn beyond(app: &App, actor: &Principal, l: &listing::Model) -> Result<(usize, Option<f64>), AppError> {
    /// Counter-listings read at most.
    const READ: u64 = 500;
    let places = super::pool::places(app).await?;
    let Some(me) = engine_listing(l, places.get(&l.municipality).copied()) else { return Ok((0, None)) };
    let near = match &me.class {
        engine::Class::Ewc(c) => listing::Column::ClassCode.starts_with(c.sub_chapter()),
        engine::Class::Project(k) => listing::Column::ClassCode.eq(k.as_str()),
    };
    let others: Vec<listing::Model> = listing::Entity::find()
        .filter(visibility::condition(actor))
        .filter(listing::Column::Status.eq(ListingStatus::Published))
        .filter(listing::Column::OrgId.ne(l.org_id))
        .filter(near)
        .order_by_desc(listing::Column::Id)
        .limit(READ)
        .all(&app.db)
        .await?;
    let engine_others: Vec<engine::Listing> =
        others.iter().filter_map(|o| engine_listing(o, places.get(&o.municipality).copied())).collect();
    Ok(engine::beyond_reach(&me, &engine_others))
}

/// A match as its listing's owner sees it.
#[derive(Debug, Clone)]
pub struct Found {
    pub m: listing_match::Model,
    pub other: listing::Model,
    pub reasons: Vec<StoredReason>,
}

/// The matches of a listing whose counter-listings `s` may see, best first
/// (three queries whatever their number).
pub async fn of_listing(app: &App, actor: &Principal, l: &listing::Model) -> Result<Vec<Found>, AppError> {
    let rows = listing_match::Entity::find()
        .filter(listing_match::Column::ListingId.eq(l.id))
        .order_by_desc(listing_match::Column::Score)
        .order_by_asc(listing_match::Column::Id)
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let others: HashMap<i32, listing::Model> = listing::Entity::find()
        .filter(listing::Column::Id.is_in(rows.iter().map(|m| m.other_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    // The owners see the counter-listings their organisation may see.
    let org = organisation::Entity::find_by_id(l.org_id).one(&app.db).await?;
    let owner =
        Principal::member_of(OrgId(l.org_id), org.is_some_and(|o| o.membership_status == MembershipStatus::Approved));
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let other = others.get(&m.other_id)?.clone();
            (visibility::sees(&owner, &other) || visibility::sees(actor, &other)).then(|| Found {
                reasons: reasons_of(&m),
                m,
                other,
            })
        })
        .collect())
}

/// How many matches each of these listings has (one query).
pub async fn counts(app: &App, ids: &[i32]) -> Result<HashMap<i32, i64>, AppError> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i64)> = listing_match::Entity::find()
        .select_only()
        .column(listing_match::Column::ListingId)
        .column_as(listing_match::Column::Id.count(), "n")
        .filter(listing_match::Column::ListingId.is_in(ids.to_vec()))
        .group_by(listing_match::Column::ListingId)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The owner's feedback on a match.
pub async fn feedback(
    app: &App,
    actor: &Principal,
    match_id: i32,
    value: &str,
) -> Result<listing_match::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let m = listing_match::Entity::find_by_id(match_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    super::managed(app, actor, m.listing_id).await?;
    if !FEEDBACK.contains(&value) {
        return Err(AppError::field("feedback", "err-unknown-value"));
    }
    let mut a: listing_match::ActiveModel = m.into();
    a.feedback = Set(value.into());
    a.feedback_at = Set(Some(crate::now()));
    a.feedback_by = Set(Some(uid.0));
    Ok(a.update(&app.db).await?)
}

mod texts {
    pub fn new_matches(lang: &str, title: &str, lines: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("New matches for your listing: {title}"),
                format!(
                    "Kimppa found new counter-listings for your listing \"{title}\":\n\n{lines}\n\nSee why they match, mark them relevant or not, and contact them:\n{link}\n\nYou are told of matches scoring at least the threshold set on the listing.\n"
                ),
            )
        } else {
            (
                format!("Uusia osumia ilmoituksellesi: {title}"),
                format!(
                    "Kimppa löysi ilmoituksellesi \"{title}\" uusia vastinilmoituksia:\n\n{lines}\n\nKatso miksi ne sopivat, merkitse ne osuviksi tai ei, ja ota yhteyttä:\n{link}\n\nSinulle kerrotaan osumista, joiden pisteet ovat vähintään ilmoitukseen asettamasi raja.\n"
                ),
            )
        }
    }
}
