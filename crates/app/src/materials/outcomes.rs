//! What became of listings: closing asks whether a deal was made (with
//! whom, how much, from when) or why not; a deal is a realised symbiosis
//! whose impact — tonnes kept from disposal and CO2e avoided — is estimated
//! with the emission factor of the material class (the most specific one in
//! the table the orchestrators keep). A deal names the other organisation,
//! whose admins confirm or dispute it: only confirmed deals count in public
//! figures (staff see the others too), and the figures say how much of
//! their CO2e rests on illustrative starter factors. The matching-quality
//! report counts matches, feedback and outcomes per month.

use super::{number, parse_day, parse_number, reference};
use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::{ListingKind, ListingStatus, OrgId};
use kimppa_store::entities::{emission_factor, listing, listing_match, organisation, symbiosis};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
    TryIntoModel,
};
use std::collections::BTreeMap;

pub const REASONS: [&str; 5] = ["price", "quality", "distance", "regulation", "other"];

/// The closing form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CloseForm {
    /// `deal` or `no-deal`.
    pub outcome: String,
    /// The other party's slug.
    pub deal_org: String,
    pub tonnes_per_year: String,
    /// YYYY-MM-DD.
    pub deal_from: String,
    pub reason: String,
    pub note: String,
}

/// The most specific factor for a class: its code, then its sub-chapter,
/// then its chapter (a project class: itself).
pub fn factor_for<'a>(code: &str, factors: &'a [emission_factor::Model]) -> Option<&'a emission_factor::Model> {
    let mut keys = vec![code.to_string()];
    if code.len() == 8 && code.as_bytes()[0].is_ascii_digit() {
        keys.push(code[..5].to_string());
        keys.push(code[..2].to_string());
    }
    keys.iter().find_map(|k| factors.iter().find(|f| &f.class_pattern == k))
}

/// Closes a listing with its outcome; a deal creates the symbiosis record.
pub async fn close(app: &App, actor: &Principal, id: i32, f: &CloseForm) -> Result<listing::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let l = super::managed(app, actor, id).await?;
    if l.status == ListingStatus::Closed {
        return Err(AppError::Conflict("listing-closed"));
    }
    let mut c = Checker::default();
    let mut deal = None;
    let note = f.note.trim().to_string();
    match f.outcome.as_str() {
        "deal" => {
            let partner = organisation::Entity::find()
                .filter(organisation::Column::Slug.eq(f.deal_org.trim()))
                .one(&app.db)
                .await?
                .filter(|o| o.id != l.org_id);
            if partner.is_none() {
                c.push("deal_org", if f.deal_org.trim().is_empty() { "err-required" } else { "err-unknown-value" });
            }
            let tonnes = parse_number(&f.tonnes_per_year).filter(|t| *t > 0.0 && *t < 1e9);
            if tonnes.is_none() {
                c.push(
                    "tonnes_per_year",
                    if f.tonnes_per_year.trim().is_empty() { "err-required" } else { "err-positive-number" },
                );
            }
            let from = parse_day(&f.deal_from);
            if from.is_none() {
                c.push("deal_from", if f.deal_from.trim().is_empty() { "err-required" } else { "err-date" });
            }
            if let (Some(p), Some(t), Some(d)) = (partner, tonnes, from) {
                deal = Some((p, t, d.format("%Y-%m-%d").to_string()));
            }
        }
        "no-deal" => {
            if !REASONS.contains(&f.reason.as_str()) {
                c.push("reason", if f.reason.is_empty() { "err-required" } else { "err-unknown-value" });
            }
        }
        "" => c.push("outcome", "err-required"),
        _ => c.push("outcome", "err-unknown-value"),
    }
    if note.chars().count() > 2000 {
        c.push("note", "err-too-long");
    }
    c.finish()?;
    let factors = emission_factor::Entity::find().all(&app.db).await?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let mut a: listing::ActiveModel = l.clone().into();
    a.status = Set(ListingStatus::Closed);
    a.closed_at = Set(Some(now));
    a.updated_at = Set(now);
    a.outcome = Set(f.outcome.clone());
    a.outcome_note = Set(note);
    match &deal {
        Some((p, t, d)) => {
            a.deal_org_id = Set(Some(p.id));
            a.deal_tonnes_per_year = Set(Some(*t));
            a.deal_from = Set(Some(d.clone()));
            a.outcome_reason = Set(String::new());
        }
        None => a.outcome_reason = Set(f.reason.clone()),
    }
    let closed = a.update(&tx).await?;
    if let Some((p, tonnes, from)) = deal {
        // The material moves from the offering side to the other.
        let (provider, receiver) = if l.kind == ListingKind::Offer { (l.org_id, p.id) } else { (p.id, l.org_id) };
        let factor = factor_for(&l.class_code, &factors);
        symbiosis::ActiveModel {
            listing_id: Set(l.id),
            provider_org_id: Set(provider),
            receiver_org_id: Set(receiver),
            class_code: Set(l.class_code.clone()),
            tonnes_per_year: Set(tonnes),
            started_on: Set(from),
            diverted_tonnes: Set(tonnes),
            co2e_tonnes: Set(factor.map(|f| tonnes * f.kg_co2e_per_tonne / 1000.0).unwrap_or(0.0)),
            factor_id: Set(factor.map(|f| f.id)),
            created_by: Set(uid.0),
            created_at: Set(now),
            confirmation: Set(PENDING.into()),
            decided_by: Set(None),
            decided_at: Set(None),
            dispute_note: Set(String::new()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        ask_to_confirm(app, &tx, &sym_of(&tx, l.id).await?, &l, p.id, uid.0).await?;
    }
    super::matching::record(&tx, l.id).await?;
    crate::search::touch(&tx, "listing", &[l.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(closed)
}

/// A deal waits for the other organisation's answer.
pub const PENDING: &str = "pending";
pub const CONFIRMED: &str = "confirmed";
pub const DISPUTED: &str = "disputed";
/// Notices of deals to confirm or of their answers.
pub const SUBJECT: &str = "materials.deal";

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.subjects.add(crate::notifications::Subject {
        kind: SUBJECT,
        visible: visible_deals,
        digest_fi: "kauppaa",
        digest_en: "deals",
    });
}

/// The deals `p` takes part in (either side), for the kernel's checks of notices.
fn visible_deals(p: &Principal) -> Option<sea_orm::sea_query::SelectStatement> {
    use sea_orm::sea_query::Query;
    if policy::is_staff(p) {
        return None;
    }
    let orgs = p.org_ids();
    Some(
        Query::select()
            .column(symbiosis::Column::Id)
            .from(symbiosis::Entity)
            .cond_where(
                sea_orm::Condition::any()
                    .add(symbiosis::Column::ProviderOrgId.is_in(orgs.clone()))
                    .add(symbiosis::Column::ReceiverOrgId.is_in(orgs)),
            )
            .to_owned(),
    )
}

async fn sym_of<C: ConnectionTrait>(conn: &C, listing_id: i32) -> Result<symbiosis::Model, AppError> {
    symbiosis::Entity::find()
        .filter(symbiosis::Column::ListingId.eq(listing_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The organisation that did not record the deal: the one asked to confirm it.
pub fn other_party(s: &symbiosis::Model, listing: &listing::Model) -> i32 {
    if s.provider_org_id == listing.org_id { s.receiver_org_id } else { s.provider_org_id }
}

/// Tells the other organisation's admins (a notice and an email) that a
/// deal waits for their confirmation.
async fn ask_to_confirm<C: ConnectionTrait>(
    app: &App,
    conn: &C,
    s: &symbiosis::Model,
    l: &listing::Model,
    other: i32,
    actor: i32,
) -> Result<(), AppError> {
    let admins = crate::people::org_admins(conn, other).await?;
    let link = format!("/materials/deals/{}", s.id);
    let notices = admins
        .iter()
        .map(|u| crate::notifications::Notice {
            user_id: u.id,
            event: "deal-confirm",
            event_key: format!("deal-confirm:{}", s.id),
            subject: SUBJECT,
            subject_id: s.id,
            detail_id: None,
            actor_id: Some(actor),
            reason: "org-admin",
            title: l.title.clone(),
            link: link.clone(),
            emailed: true,
        })
        .collect();
    crate::notifications::tell(conn, notices).await?;
    for u in &admins {
        let lang = crate::people::lang(u);
        let url = app.url(&format!("/{lang}{link}"));
        crate::email::queue(
            conn,
            &u.email,
            &format!("Vahvistakaa kauppa: {} / Please confirm a deal", l.title),
            &format!(
                "Toinen organisaatio kirjasi Kimppaan kaupan kanssanne ilmoituksesta \"{t}\" ({tonnes} t/v). \
                 Se lasketaan klusterin julkisiin lukuihin vasta, kun vahvistatte sen:\n{url}\n\n\
                 Another organisation recorded a deal with you on the listing \"{t}\" ({tonnes} t/year). \
                 It counts in the cluster's public figures only once you confirm it:\n{url}\n",
                t = l.title,
                tonnes = super::number(s.tonnes_per_year),
            ),
        )
        .await?;
    }
    Ok(())
}

/// A deal as its page shows it.
#[derive(Debug, Clone)]
pub struct Deal {
    pub s: symbiosis::Model,
    pub listing: listing::Model,
    /// The organisation asked to confirm.
    pub other: i32,
    /// The viewer may confirm or dispute it (an admin of the other side, or staff).
    pub may_decide: bool,
}

/// A deal the viewer takes part in (either side) or staff; others get "not found".
pub async fn deal(app: &App, actor: &Principal, id: i32) -> Result<Deal, AppError> {
    let s = symbiosis::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let l = listing::Entity::find_by_id(s.listing_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let involved = actor.in_org(OrgId(s.provider_org_id)) || actor.in_org(OrgId(s.receiver_org_id));
    if !(involved || policy::is_staff(actor)) {
        return Err(if actor.user_id().is_none() { AppError::LoginRequired } else { AppError::NotFound });
    }
    let other = other_party(&s, &l);
    let may_decide = policy::allowed(actor, Action::ConfirmDeal { org: OrgId(other) });
    Ok(Deal { s, listing: l, other, may_decide })
}

/// The other side's answer: confirmed, or disputed with a note. The
/// recorder's admins are told; an answer can be changed (a dispute
/// settled later is confirmed).
pub async fn decide(app: &App, actor: &Principal, id: i32, confirm: bool, note: &str) -> Result<Deal, AppError> {
    let d = deal(app, actor, id).await?;
    policy::require(actor, Action::ConfirmDeal { org: OrgId(d.other) })?;
    let uid = crate::policy::user_id(actor)?;
    let note = note.trim();
    if !confirm && note.is_empty() {
        return Err(AppError::field("dispute_note", "err-required"));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::field("dispute_note", "err-too-long"));
    }
    let now = crate::now();
    let tx = app.db.begin().await?;
    let mut a: symbiosis::ActiveModel = d.s.clone().into();
    a.confirmation = Set(if confirm { CONFIRMED } else { DISPUTED }.into());
    a.decided_by = Set(Some(uid.0));
    a.decided_at = Set(Some(now));
    a.dispute_note = Set(if confirm { String::new() } else { note.to_string() });
    let s = a.update(&tx).await?;
    let recorders = crate::people::org_admins(&tx, d.listing.org_id).await?;
    let event = if confirm { "deal-confirmed" } else { "deal-disputed" };
    let notices = recorders
        .iter()
        .map(|u| crate::notifications::Notice {
            user_id: u.id,
            event,
            event_key: format!("{event}:{}:{}", s.id, now.timestamp()),
            subject: SUBJECT,
            subject_id: s.id,
            detail_id: None,
            actor_id: Some(uid.0),
            reason: "org-admin",
            title: d.listing.title.clone(),
            link: format!("/materials/deals/{}", s.id),
            emailed: false,
        })
        .collect();
    crate::notifications::tell(&tx, notices).await?;
    crate::changelog::admin_action(&tx, uid, "materials.deal.decide", s.id.to_string(), s.confirmation.clone()).await?;
    tx.commit().await?;
    Ok(Deal { s, ..d })
}

/// Deals waiting for the answer of an organisation `actor` administers.
pub async fn waiting_for(app: &App, actor: &Principal) -> Result<Vec<Deal>, AppError> {
    let mine: Vec<i32> = actor
        .org_ids()
        .into_iter()
        .filter(|o| policy::allowed(actor, Action::ConfirmDeal { org: *o }))
        .map(|o| o.0)
        .collect();
    if mine.is_empty() {
        return Ok(vec![]);
    }
    let rows = symbiosis::Entity::find()
        .filter(symbiosis::Column::Confirmation.eq(PENDING))
        .filter(
            sea_orm::Condition::any()
                .add(symbiosis::Column::ProviderOrgId.is_in(mine.clone()))
                .add(symbiosis::Column::ReceiverOrgId.is_in(mine.clone())),
        )
        .order_by_asc(symbiosis::Column::Id)
        .all(&app.db)
        .await?;
    let listings: std::collections::HashMap<i32, listing::Model> = listing::Entity::find()
        .filter(listing::Column::Id.is_in(rows.iter().map(|s| s.listing_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|s| {
            let l = listings.get(&s.listing_id)?.clone();
            let other = other_party(&s, &l);
            mine.contains(&other).then_some(Deal { s, listing: l, other, may_decide: true })
        })
        .collect())
}

/// The symbiosis of a closed listing, if it ended in a deal.
pub async fn symbiosis_of(app: &App, listing_id: i32) -> Result<Option<symbiosis::Model>, AppError> {
    Ok(symbiosis::Entity::find().filter(symbiosis::Column::ListingId.eq(listing_id)).one(&app.db).await?)
}

/// The totals of the cluster's realised symbioses (confirmed by both sides).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub count: usize,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
    /// The part of `co2e_tonnes` estimated with illustrative starter factors.
    pub illustrative_co2e: f64,
    /// Deals still waiting for the other side (not in the totals; for staff).
    pub unconfirmed: usize,
}

/// The totals of every confirmed symbiosis, or with `org` of those the
/// organisation takes part in, and how many deals wait for confirmation:
/// three aggregate queries, whatever their number.
pub async fn impact(app: &App, org: Option<i32>) -> Result<Impact, AppError> {
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let party = |o: i32| {
        sea_orm::Condition::any()
            .add(symbiosis::Column::ProviderOrgId.eq(o))
            .add(symbiosis::Column::ReceiverOrgId.eq(o))
    };
    let mut q = symbiosis::Entity::find()
        .select_only()
        .column_as(symbiosis::Column::Id.count(), "n")
        .column_as(symbiosis::Column::DivertedTonnes.sum(), "tonnes")
        .column_as(symbiosis::Column::Co2eTonnes.sum(), "co2e")
        .filter(symbiosis::Column::Confirmation.eq(CONFIRMED));
    let mut illustrative = symbiosis::Entity::find()
        .select_only()
        .column_as(symbiosis::Column::Co2eTonnes.sum(), "co2e")
        .join(JoinType::InnerJoin, symbiosis::Relation::Factor.def())
        .filter(symbiosis::Column::Confirmation.eq(CONFIRMED))
        .filter(emission_factor::Column::Illustrative.eq(true));
    let mut waiting = symbiosis::Entity::find().filter(symbiosis::Column::Confirmation.eq(PENDING));
    if let Some(o) = org {
        q = q.filter(party(o));
        illustrative = illustrative.filter(party(o));
        waiting = waiting.filter(party(o));
    }
    let (n, tonnes, co2e): (i64, Option<f64>, Option<f64>) =
        q.into_tuple().one(&app.db).await?.unwrap_or((0, None, None));
    let shown: Option<Option<f64>> = illustrative.into_tuple().one(&app.db).await?;
    let unconfirmed = sea_orm::PaginatorTrait::count(waiting, &app.db).await?;
    Ok(Impact {
        count: n.max(0) as usize,
        // `+ 0.0`: an empty sum is never shown as a negative zero.
        tonnes_per_year: tonnes.unwrap_or(0.0) + 0.0,
        co2e_tonnes: co2e.unwrap_or(0.0) + 0.0,
        illustrative_co2e: shown.flatten().unwrap_or(0.0) + 0.0,
        unconfirmed: unconfirmed as usize,
    })
}

// ---------------------------------------------------------------------------
// Emission factors

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FactorForm {
    pub class_pattern: String,
    pub kg_co2e_per_tonne: String,
    pub source: String,
    pub year: String,
    pub note: String,
    /// "on": an illustrative starter value, not a sourced factor.
    pub illustrative: Option<String>,
}

impl FactorForm {
    pub fn of(f: &emission_factor::Model) -> FactorForm {
        FactorForm {
            class_pattern: f.class_pattern.clone(),
            kg_co2e_per_tonne: number(f.kg_co2e_per_tonne),
            source: f.source.clone(),
            year: f.year.to_string(),
            note: f.note.clone(),
            illustrative: f.illustrative.then(|| "on".into()),
        }
    }
}

/// The emission factors, by class.
pub async fn factors(app: &App) -> Result<Vec<emission_factor::Model>, AppError> {
    Ok(emission_factor::Entity::find().order_by_asc(emission_factor::Column::ClassPattern).all(&app.db).await?)
}

/// Adds a factor, or replaces the factor of the same class (orchestrators).
/// Symbioses keep the figures they were recorded with.
pub async fn save_factor(app: &App, actor: &Principal, f: &FactorForm) -> Result<emission_factor::Model, AppError> {
    policy::require(actor, Action::ManageMaterials)?;
    let uid = crate::policy::user_id(actor)?;
    let mut c = Checker::default();
    let pattern = reference::normalise_code(&f.class_pattern);
    let known = reference::Classes::load_codes(app, std::slice::from_ref(&pattern)).await?;
    if pattern.is_empty() {
        c.push("class_pattern", "err-required");
    } else if !known.contains_key(&pattern) {
        c.push("class_pattern", "err-material-pattern");
    }
    let kg = parse_number(&f.kg_co2e_per_tonne).filter(|k| (-100_000.0..=100_000.0).contains(k));
    if kg.is_none() {
        c.push("kg_co2e_per_tonne", if f.kg_co2e_per_tonne.trim().is_empty() { "err-required" } else { "err-number" });
    }
    if f.source.trim().is_empty() {
        c.push("source", "err-required");
    } else if f.source.trim().chars().count() > 250 {
        c.push("source", "err-too-long");
    }
    let year = f.year.trim().parse::<i32>().ok().filter(|y| (1990..=2100).contains(y));
    if year.is_none() {
        c.push("year", if f.year.trim().is_empty() { "err-required" } else { "err-year" });
    }
    if f.note.chars().count() > 2000 {
        c.push("note", "err-too-long");
    }
    c.finish()?;
    let (Some(kg), Some(year)) = (kg, year) else { return Err(crate::error::checked()) };
    let tx = app.db.begin().await?;
    let old = emission_factor::Entity::find()
        .filter(emission_factor::Column::ClassPattern.eq(pattern.clone()))
        .one(&tx)
        .await?;
    let mut a = match old {
        Some(o) => o.into(),
        None => emission_factor::ActiveModel { class_pattern: Set(pattern.clone()), ..Default::default() },
    };
    a.kg_co2e_per_tonne = Set(kg);
    a.source = Set(f.source.trim().into());
    a.year = Set(year);
    a.note = Set(f.note.trim().into());
    a.illustrative = Set(f.illustrative.is_some());
    a.updated_by = Set(Some(uid.0));
    a.updated_at = Set(crate::now());
    let saved = a.save(&tx).await?.try_into_model()?;
    crate::changelog::admin_action(&tx, uid, "materials.factor.save", pattern, format!("{kg} kg CO2e/t")).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Removes a factor (orchestrators).
pub async fn delete_factor(app: &App, actor: &Principal, id: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManageMaterials)?;
    let uid = crate::policy::user_id(actor)?;
    let f = emission_factor::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    emission_factor::Entity::delete_by_id(id).exec(&tx).await?;
    crate::changelog::admin_action(&tx, uid, "materials.factor.delete", f.class_pattern, "").await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts factors that are not in the table yet (the demo's starter set,
/// marked illustrative).
pub async fn add_missing_factors<C: ConnectionTrait>(
    conn: &C,
    rows: &[(String, f64, String, i32, String)],
) -> Result<(), AppError> {
    let have: Vec<String> =
        emission_factor::Entity::find().all(conn).await?.into_iter().map(|f| f.class_pattern).collect();
    for (pattern, kg, source, year, note) in rows {
        if have.contains(pattern) {
            continue;
        }
        emission_factor::ActiveModel {
            class_pattern: Set(pattern.clone()),
            kg_co2e_per_tonne: Set(*kg),
            source: Set(source.clone()),
            year: Set(*year),
            note: Set(note.clone()),
            illustrative: Set(true),
            updated_by: Set(None),
            updated_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Matching quality

/// One month of the matching-quality report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Month {
    /// "2026-11"
    pub month: String,
    /// Match rows found (each side counts).
    pub matches: usize,
    pub notified: usize,
    pub relevant: usize,
    pub not_relevant: usize,
    pub contacted: usize,
    pub published: usize,
    pub deals: usize,
    pub no_deals: usize,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
}

impl Month {
    /// [`Month::precision`] as shown: "80 %", or a dash.
    pub fn precision_text(&self) -> String {
        self.precision().map(|x| format!("{x} %")).unwrap_or_else(|| "–".into())
    }

    pub fn tonnes_text(&self) -> String {
        format!("{:.0}", self.tonnes_per_year)
    }

    pub fn co2e_text(&self) -> String {
        format!("{:.1}", self.co2e_tonnes)
    }

    /// Share of the matches given feedback that were relevant or led to
    /// contact, percent; `None` without feedback.
    pub fn precision(&self) -> Option<u32> {
        let rated = self.relevant + self.not_relevant + self.contacted;
        (rated > 0).then(|| (((self.relevant + self.contacted) * 100) as f64 / rated as f64).round() as u32)
    }
}

/// The report, newest month first, and the reasons of listings closed
/// without a deal (reason → count). `region` limits it to a region's
/// listings (coordinators); `None` is every region (orchestrators).
pub async fn quality(
    app: &App,
    actor: &Principal,
    region: Option<&str>,
) -> Result<(Vec<Month>, BTreeMap<String, usize>), AppError> {
    match region {
        None => policy::require(actor, Action::ManageMaterials)?,
        Some(r) => super::regions::require_coordinator(actor, r)?,
    }
    let mut lq = listing::Entity::find().filter(listing::Column::Status.ne(ListingStatus::Draft));
    if let Some(r) = region {
        lq = lq.filter(listing::Column::Region.eq(r));
    }
    let listings = lq.all(&app.db).await?;
    let ids: Vec<i32> = listings.iter().map(|l| l.id).collect();
    let mut mq = listing_match::Entity::find();
    let mut sq = symbiosis::Entity::find();
    if region.is_some() {
        mq = mq.filter(listing_match::Column::ListingId.is_in(ids.clone()));
        sq = sq.filter(symbiosis::Column::ListingId.is_in(ids));
    }
    let matches = mq.all(&app.db).await?;
    let symbioses = sq.all(&app.db).await?;
    let month_of = |t: &chrono::DateTime<chrono::Utc>| crate::finnish_time(*t).format("%Y-%m").to_string();
    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    fn at(months: &mut BTreeMap<String, Month>, m: String) -> &mut Month {
        months.entry(m.clone()).or_insert_with(|| Month { month: m, ..Default::default() })
    }
    for m in &matches {
        let x = at(&mut months, month_of(&m.created_at));
        x.matches += 1;
        x.notified += m.notified_at.is_some() as usize;
        match m.feedback.as_str() {
            "relevant" => x.relevant += 1,
            "not-relevant" => x.not_relevant += 1,
            "contacted" => x.contacted += 1,
            _ => {}
        }
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for l in &listings {
        if let Some(p) = &l.published_at {
            at(&mut months, month_of(p)).published += 1;
        }
        if let Some(c) = &l.closed_at {
            let x = at(&mut months, month_of(c));
            if l.outcome == "deal" {
                x.deals += 1;
            } else {
                x.no_deals += 1;
                *reasons.entry(l.outcome_reason.clone()).or_default() += 1;
            }
        }
    }
    for s in &symbioses {
        let x = at(&mut months, month_of(&s.created_at));
        x.tonnes_per_year += s.diverted_tonnes;
        x.co2e_tonnes += s.co2e_tonnes;
    }
    Ok((months.into_values().rev().collect(), reasons))
}
