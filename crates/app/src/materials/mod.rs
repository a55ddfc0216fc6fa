//! The side-stream materials marketplace of SPEC C7: organisations list
//! materials they offer or want and services for materials; publishing or
//! changing a listing finds its counter-listings ([`matching`], scored by
//! the pure `kimppa-sidestreams` engine) and tells both parties of good
//! matches; closing a listing records what happened, and a deal becomes a
//! realised symbiosis with its impact ([`outcomes`]). Regional coordinators
//! search and export their region's listings and record workshops
//! ([`regions`]).
//!
//! Who sees a listing is decided in [`visibility`].

pub mod documents;
pub mod matching;
pub mod outcomes;
pub mod pool;
pub mod reference;
pub mod regions;
pub mod visibility;

/// The marketplace's hooks: matching on publish, and the morning round of
/// reminders and expiry.
pub fn register(h: &mut crate::hooks::Hooks) {
    matching::register(h);
    documents::register(h);
    outcomes::register(h);
    h.daily.push(|app| {
        Box::pin(async move {
            daily(&app).await?;
            Ok(())
        })
    });
}

use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::{Duration, NaiveDate};
use kimppa_domain::ListingStatus;
use kimppa_domain::OrgId;
use kimppa_domain::{ListingKind, ListingVisibility};
use kimppa_sidestreams as engine;
use kimppa_store::entities::{listing, org_member, organisation, user, workshop};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};

pub const PER_PAGE: u64 = 20;
const MAX_TEXT: usize = 20_000;
/// How long a listing stays published unless its owner says otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest a listing may be published at a time.
const MAX_DAYS: i64 = 366;

pub const KINDS: [&str; 3] = ["offer", "want", "service"];
pub const UNITS: [&str; 4] = ["t", "kg", "m3", "pcs"];
pub const FREQUENCIES: [&str; 3] = ["once", "month", "year"];
pub const DELIVERY: [&str; 3] = ["pickup", "delivery", "by-agreement"];
pub const PRICE_KINDS: [&str; 3] = ["free", "fixed", "negotiable"];
pub const VISIBILITIES: [&str; 2] = ["public", "members"];

/// The distance a listing reaches when its owner does not say: long
/// enough for the north, where the nearest counterpart of a material is
/// often 150–250 km away (Oulu–Rovaniemi, Oulu–Kajaani).
pub const DEFAULT_MAX_KM: i32 = 250;

/// The listing form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListingForm {
    /// The owner organisation's slug.
    pub org: String,
    pub kind: String,
    pub class_code: String,
    /// Other acceptable classes: chapters, sub-chapters, codes or project
    /// classes, separated by commas.
    pub accepts: String,
    pub accepts_hazardous: Option<String>,
    pub title: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub frequency: String,
    /// Tonnes per m³ or piece.
    pub unit_tonnes: String,
    pub municipality: String,
    pub max_km: String,
    pub available_from: String,
    pub available_to: String,
    pub delivery: Vec<String>,
    pub price_kind: String,
    pub price: String,
    pub visibility: String,
    pub notify_threshold: String,
    pub expires_on: String,
    /// A contact person's user id (a member of the organisation).
    pub contact: String,
    /// A workshop's id, when the listing was made at one.
    pub workshop: String,
    /// "publish" publishes at once; anything else saves a draft.
    pub action: String,
}

impl ListingForm {
    /// A new form with the defaults a user expects.
    pub fn new_default() -> ListingForm {
        let today = crate::finnish_time(crate::now()).date_naive();
        ListingForm {
            kind: "offer".into(),
            unit: "t".into(),
            frequency: "month".into(),
            max_km: DEFAULT_MAX_KM.to_string(),
            available_from: today.format("%Y-%m-%d").to_string(),
            price_kind: "negotiable".into(),
            visibility: "public".into(),
            notify_threshold: "50".into(),
            expires_on: (today + Duration::days(DEFAULT_DAYS)).format("%Y-%m-%d").to_string(),
            ..Default::default()
        }
    }

    /// The form of a stored listing.
    pub fn of(l: &listing::Model, org_slug: &str) -> ListingForm {
        ListingForm {
            org: org_slug.into(),
            kind: l.kind.to_string(),
            class_code: l.class_code.clone(),
            accepts: l.accepts.clone(),
            accepts_hazardous: l.accepts_hazardous.then(|| "on".into()),
            title: l.title.clone(),
            description: l.description.clone(),
            quantity: l.quantity.map(number).unwrap_or_default(),
            unit: l.unit.clone(),
            frequency: l.frequency.clone(),
            unit_tonnes: l.unit_tonnes.map(number).unwrap_or_default(),
            municipality: l.municipality.clone(),
            max_km: l.max_km.to_string(),
            available_from: l.available_from.clone(),
            available_to: l.available_to.clone().unwrap_or_default(),
            delivery: crate::directory::list(&l.delivery).into_iter().map(str::to_string).collect(),
            price_kind: l.price_kind.clone(),
            price: l.price.clone(),
            visibility: l.visibility.to_string(),
            notify_threshold: l.notify_threshold.to_string(),
            expires_on: l.expires_on.clone(),
            contact: l.contact_user_id.map(|u| u.to_string()).unwrap_or_default(),
            workshop: l.workshop_id.map(|w| w.to_string()).unwrap_or_default(),
            action: String::new(),
        }
    }
}

/// A number as a person would type it back ("12.5", "3").
pub fn number(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "1 234,5" or "1234.5" → 1234.5; `None` when not a number.
pub fn parse_number(input: &str) -> Option<f64> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    cleaned.replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A day typed as YYYY-MM-DD (four-digit years from 1900 on only, so
/// stored days compare as text on both databases).
pub fn parse_day(input: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    let t = input.trim();
    if t.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().filter(|d| (1900..=9999).contains(&d.year()))
}

/// Today, Finnish time.
pub fn today() -> NaiveDate {
    crate::finnish_time(crate::now()).date_naive()
}

/// The organisations the actor may list for: those they belong to that are
/// approved members (staff: every approved organisation).
pub async fn owner_choices(app: &App, actor: &Principal) -> Result<Vec<organisation::Model>, AppError> {
    policy::require(actor, Action::StartListing)?;
    if policy::is_staff(actor) {
        return crate::organisations::approved(app).await;
    }
    let ids: Vec<i32> = policy::own_orgs_where(actor, |org| Action::ManageListings { org })
        .filter(|m| m.approved())
        .map(|m| m.org_id.0)
        .collect();
    crate::organisations::by_ids(app, ids).await
}

/// Organisations a deal can be made with: (id, name, slug) of every
/// approved member, by name.
pub async fn partner_choices(app: &App) -> Result<Vec<(i32, String, String)>, AppError> {
    Ok(crate::organisations::approved(app).await?.into_iter().map(|o| (o.id, o.name, o.slug)).collect())
}

/// May the actor manage this organisation's listings? Its people and staff.
pub fn may_manage(actor: &Principal, org_id: i32) -> bool {
    policy::allowed(actor, Action::ManageListings { org: OrgId(org_id) })
}

/// The people of an organisation, for the contact-person choice: (id, name).
pub async fn people_of(app: &App, org_id: i32) -> Result<Vec<(i32, String)>, AppError> {
    let ids: Vec<i32> = org_member::Entity::find()
        .filter(org_member::Column::OrgId.eq(org_id))
        .select_only()
        .column(org_member::Column::UserId)
        .into_tuple()
        .all(&app.db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut people: Vec<(i32, String)> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(people)
}

/// Workshops a listing may be tied to: those held in the last 60 days or
/// coming, newest first.
/// One workshop.
pub async fn workshop(app: &App, id: i32) -> Result<Option<workshop::Model>, AppError> {
    Ok(workshop::Entity::find_by_id(id).one(&app.db).await?)
}

pub async fn workshop_choices(app: &App) -> Result<Vec<workshop::Model>, AppError> {
    let since = (today() - Duration::days(60)).format("%Y-%m-%d").to_string();
    Ok(workshop::Entity::find()
        .filter(workshop::Column::HeldOn.gte(since))
        .order_by_desc(workshop::Column::HeldOn)
        .all(&app.db)
        .await?)
}

/// A form that passed its checks, as columns.
struct Checked {
    org: organisation::Model,
    kind: ListingKind,
    visibility: ListingVisibility,
    class_code: String,
    hazardous: bool,
    accepts: String,
    quantity: Option<f64>,
    unit_tonnes: Option<f64>,
    region: String,
    max_km: i32,
    available_to: Option<String>,
    delivery: String,
    notify_threshold: i32,
    expires_on: String,
    contact: Option<i32>,
    workshop: Option<i32>,
}

/// An optional positive number below `max`, as typed ("12,5" or "12.5").
fn optional_positive(c: &mut Checker, field: &'static str, typed: &str, max: f64) -> Option<f64> {
    if typed.trim().is_empty() {
        return None;
    }
    let x = parse_number(typed).filter(|x| *x > 0.0 && *x < max);
    if x.is_none() {
        c.push(field, "err-positive-number");
    }
    x
}

fn one_of(c: &mut Checker, field: &'static str, value: &str, allowed: &[&str]) {
    if value.trim().is_empty() {
        c.push(field, "err-required");
    } else if !allowed.contains(&value.trim()) {
        c.push(field, "err-unknown-value");
    }
}

/// Checks the form for a new listing (`editing` `None`) or a stored one.
async fn check(
    app: &App,
    actor: &Principal,
    f: &ListingForm,
    editing: Option<&listing::Model>,
) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    let org = match editing {
        Some(l) => organisation::Entity::find_by_id(l.org_id).one(&app.db).await?,
        None => owner_choices(app, actor).await?.into_iter().find(|o| o.slug == f.org.trim()),
    };
    crate::challenges::check_org_and_title(&mut c, org.is_some(), &f.org, &f.title);
    one_of(&mut c, "kind", &f.kind, &KINDS);
    if f.description.trim().is_empty() {
        c.push("description", "err-required");
    } else if f.description.chars().count() > MAX_TEXT {
        c.push("description", "err-too-long");
    }
    let refs = reference::Classes::load_codes(app, &class_codes_of(f)).await?;
    let mut hazardous = false;
    // "16 06 01*", "160601" and "16 06 01" are the same code.
    let class_code = reference::normalise_code(&f.class_code);
    match refs.get(&class_code) {
        None if class_code.is_empty() => c.push("class_code", "err-required"),
        Some(k) if k.level == "entry" || k.level == "project" => hazardous = k.hazardous,
        _ => c.push("class_code", "err-material-class"),
    }
    let mut accepts = Vec::new();
    for p in f.accepts.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let key = reference::normalise_code(p);
        if refs.contains_key(&key) {
            if !accepts.contains(&key) {
                accepts.push(key);
            }
        } else {
            c.push("accepts", "err-material-pattern");
            break;
        }
    }
    let quantity = optional_positive(&mut c, "quantity", &f.quantity, 1e9);
    one_of(&mut c, "unit", &f.unit, &UNITS);
    one_of(&mut c, "frequency", &f.frequency, &FREQUENCIES);
    let unit_tonnes = optional_positive(&mut c, "unit_tonnes", &f.unit_tonnes, 1e6);
    let places = reference::municipalities_by_code(app, &[f.municipality.trim().to_string()]).await?;
    let region = match places.get(f.municipality.trim()) {
        Some(m) => m.region.clone(),
        None => {
            c.push("municipality", if f.municipality.trim().is_empty() { "err-required" } else { "err-unknown-value" });
            String::new()
        }
    };
    let max_km = match f.max_km.trim().parse::<i32>() {
        Ok(k) if (1..=3000).contains(&k) => k,
        _ if f.max_km.trim().is_empty() => DEFAULT_MAX_KM,
        _ => {
            c.push("max_km", "err-km");
            0
        }
    };
    let from = parse_day(&f.available_from);
    if from.is_none() {
        c.push("available_from", if f.available_from.trim().is_empty() { "err-required" } else { "err-date" });
    }
    let available_to = match f.available_to.trim() {
        "" => None,
        t => match parse_day(t) {
            Some(d) if from.is_none_or(|fr| d >= fr) => Some(d.format("%Y-%m-%d").to_string()),
            Some(_) => {
                c.push("available_to", "err-date-before-start");
                None
            }
            None => {
                c.push("available_to", "err-date");
                None
            }
        },
    };
    let mut delivery = Vec::new();
    for d in &f.delivery {
        if DELIVERY.contains(&d.as_str()) {
            if !delivery.contains(&d.as_str()) {
                delivery.push(d.as_str());
            }
        } else {
            c.push("delivery", "err-unknown-value");
        }
    }
    one_of(&mut c, "price_kind", &f.price_kind, &PRICE_KINDS);
    if f.price_kind == "fixed" && f.price.trim().is_empty() {
        c.push("price", "err-required");
    } else if f.price.trim().chars().count() > 100 {
        c.push("price", "err-too-long");
    }
    one_of(&mut c, "visibility", &f.visibility, &VISIBILITIES);
    let notify_threshold = match f.notify_threshold.trim().parse::<i32>() {
        Ok(t) if (0..=100).contains(&t) => t,
        _ if f.notify_threshold.trim().is_empty() => 50,
        _ => {
            c.push("notify_threshold", "err-threshold");
            0
        }
    };
    let today = today();
    let expires_on = match f.expires_on.trim() {
        "" => (today + Duration::days(DEFAULT_DAYS)).format("%Y-%m-%d").to_string(),
        t => match parse_day(t) {
            Some(d) if d < today => {
                c.push("expires_on", "err-date-past");
                String::new()
            }
            Some(d) if d > today + Duration::days(MAX_DAYS) => {
                c.push("expires_on", "err-expiry-too-far");
                String::new()
            }
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => {
                c.push("expires_on", "err-date");
                String::new()
            }
        },
    };
    let mut contact = None;
    if let (Some(o), Ok(uid)) = (&org, f.contact.trim().parse::<i32>()) {
        if people_of(app, o.id).await?.iter().any(|(id, _)| *id == uid) {
            contact = Some(uid);
        } else {
            c.push("contact", "err-unknown-value");
        }
    } else if !f.contact.trim().is_empty() {
        c.push("contact", "err-unknown-value");
    }
    let workshop = match f.workshop.trim() {
        "" => None,
        w => match w.parse::<i32>() {
            Ok(id) if workshop::Entity::find_by_id(id).one(&app.db).await?.is_some() => Some(id),
            _ => {
                c.push("workshop", "err-unknown-value");
                None
            }
        },
    };
    c.finish()?;
    let org = org.ok_or_else(crate::error::checked)?;
    let kind = ListingKind::parse(&f.kind).map_err(|_| crate::error::checked())?;
    let visibility = ListingVisibility::parse(&f.visibility).map_err(|_| crate::error::checked())?;
    Ok(Checked {
        org,
        kind,
        visibility,
        class_code,
        hazardous,
        accepts: accepts.join(", "),
        quantity,
        unit_tonnes,
        region,
        max_km,
        available_to,
        delivery: delivery.join(","),
        notify_threshold,
        expires_on,
        contact,
        workshop,
    })
}

/// The class codes a form names (its class and the accepted patterns).
fn class_codes_of(f: &ListingForm) -> Vec<String> {
    std::iter::once(f.class_code.trim().to_string())
        .chain(f.accepts.split([',', ';', '\n']).map(reference::normalise_code))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The columns a checked form sets.
fn content(f: &ListingForm, k: &Checked) -> listing::ActiveModel {
    listing::ActiveModel {
        contact_user_id: Set(k.contact),
        kind: Set(k.kind),
        class_code: Set(k.class_code.clone()),
        hazardous: Set(k.hazardous),
        accepts: Set(k.accepts.clone()),
        accepts_hazardous: Set(f.accepts_hazardous.is_some()),
        title: Set(f.title.trim().into()),
        description: Set(f.description.trim().into()),
        search_text: Set(search_text(&f.title, &f.description)),
        quantity: Set(k.quantity),
        unit: Set(f.unit.trim().into()),
        frequency: Set(f.frequency.trim().into()),
        unit_tonnes: Set(k.unit_tonnes),
        municipality: Set(f.municipality.trim().into()),
        region: Set(k.region.clone()),
        max_km: Set(k.max_km),
        available_from: Set(parse_day(&f.available_from).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()),
        available_to: Set(k.available_to.clone()),
        delivery: Set(k.delivery.clone()),
        price_kind: Set(f.price_kind.trim().into()),
        price: Set(f.price.trim().into()),
        visibility: Set(k.visibility),
        notify_threshold: Set(k.notify_threshold),
        expires_on: Set(k.expires_on.clone()),
        workshop_id: Set(k.workshop),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
}

/// Creates a listing (a draft, or published at once), with an optional
/// analysis report.
pub async fn create(
    app: &App,
    actor: &Principal,
    f: &ListingForm,
    file: Option<crate::forum::attachments::Upload>,
) -> Result<listing::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let k = check(app, actor, f, None).await?;
    if !may_manage(actor, k.org.id) {
        return Err(AppError::Forbidden);
    }
    let file = crate::forum::attachments::store(app, "attachment", file).await?;
    let publish = f.action == "publish";
    let now = crate::now();
    let mut row = content(f, &k);
    row.org_id = Set(k.org.id);
    row.created_by = Set(uid.0);
    row.status = Set(if publish { ListingStatus::Published } else { ListingStatus::Draft });
    row.published_at = Set(publish.then_some(now));
    row.created_at = Set(now);
    row.reminded_at = Set(None);
    row.attachment_key = Set(file.as_ref().map(|f| f.key.clone()));
    row.attachment_name = Set(file.as_ref().map(|f| f.name.clone()));
    row.attachment_type = Set(file.as_ref().map(|f| f.content_type.to_string()));
    row.outcome = Set(String::new());
    row.outcome_reason = Set(String::new());
    row.outcome_note = Set(String::new());
    row.deal_org_id = Set(None);
    row.deal_tonnes_per_year = Set(None);
    row.deal_from = Set(None);
    row.closed_at = Set(None);
    let tx = app.db.begin().await?;
    let l = row.insert(&tx).await?;
    if publish {
        matching::record(&tx, l.id).await?;
    }
    crate::search::touch(&tx, "listing", &[l.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(l)
}

/// Saves changes to a listing; a published listing is matched again. A
/// new file replaces the old one; none keeps it.
pub async fn update(
    app: &App,
    actor: &Principal,
    id: i32,
    f: &ListingForm,
    file: Option<crate::forum::attachments::Upload>,
) -> Result<listing::Model, AppError> {
    let old = managed(app, actor, id).await?;
    if old.status == ListingStatus::Closed {
        return Err(AppError::Conflict("listing-closed"));
    }
    let k = check(app, actor, f, Some(&old)).await?;
    let file = crate::forum::attachments::store(app, "attachment", file).await?;
    let mut row = content(f, &k);
    row.id = Set(old.id);
    let publish = f.action == "publish" || old.status == ListingStatus::Published;
    if publish {
        row.status = Set(ListingStatus::Published);
        if old.published_at.is_none() {
            row.published_at = Set(Some(crate::now()));
        }
        if old.expires_on != k.expires_on {
            row.reminded_at = Set(None);
        }
    }
    if let Some(file) = &file {
        row.attachment_key = Set(Some(file.key.clone()));
        row.attachment_name = Set(Some(file.name.clone()));
        row.attachment_type = Set(Some(file.content_type.to_string()));
    }
    let tx = app.db.begin().await?;
    let l = row.update(&tx).await?;
    if publish {
        matching::record(&tx, l.id).await?;
    }
    crate::search::touch(&tx, "listing", &[l.id]).await?;
    tx.commit().await?;
    if let (Some(_), Some(key)) = (&file, old.attachment_key) {
        app.files.delete(&key).await;
    }
    app.jobs_wake.notify_one();
    Ok(l)
}

/// Publishes a draft or an expired listing again (`publish`), or takes a
/// published one back to a draft.
pub async fn set_published(app: &App, actor: &Principal, id: i32, publish: bool) -> Result<listing::Model, AppError> {
    let l = managed(app, actor, id).await?;
    if l.status == ListingStatus::Closed {
        return Err(AppError::Conflict("listing-closed"));
    }
    let mut row: listing::ActiveModel = l.clone().into();
    let now = crate::now();
    if publish {
        let today = today();
        if parse_day(&l.expires_on).is_none_or(|d| d < today) {
            row.expires_on = Set((today + Duration::days(DEFAULT_DAYS)).format("%Y-%m-%d").to_string());
        }
        row.status = Set(ListingStatus::Published);
        row.reminded_at = Set(None);
        if l.published_at.is_none() {
            row.published_at = Set(Some(now));
        }
    } else {
        row.status = Set(ListingStatus::Draft);
    }
    row.updated_at = Set(now);
    let tx = app.db.begin().await?;
    let l = row.update(&tx).await?;
    matching::record(&tx, l.id).await?;
    crate::search::touch(&tx, "listing", &[l.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(l)
}

/// A listing the actor may manage; anyone else: not found (or log in).
pub async fn managed(app: &App, actor: &Principal, id: i32) -> Result<listing::Model, AppError> {
    if actor.user_id().is_none() {
        return Err(AppError::LoginRequired);
    }
    let l = listing::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if !may_manage(actor, l.org_id) {
        return Err(AppError::NotFound);
    }
    Ok(l)
}

/// A listing the viewer may see.
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<listing::Model, AppError> {
    listing::Entity::find_by_id(id).filter(visibility::condition(actor)).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// The filters of the listing lists, the feed and the JSON API.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Words in the title or description.
    pub q: Option<String>,
    pub kind: Option<String>,
    /// An EWC chapter, sub-chapter or code, or a project class.
    pub class: Option<String>,
    pub region: Option<String>,
    pub municipality: Option<String>,
    /// With `km`: listings within that distance of this municipality.
    pub near: Option<String>,
    pub km: Option<String>,
    /// Coordinators' searches: `published` (default), `closed`, `expired`, `draft` or `all`.
    pub status: Option<String>,
    pub org: Option<i32>,
    pub page: Option<u64>,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The query a filter makes, with visibility applied. Municipalities within
/// reach are chosen from the reference table (one query).
pub async fn filtered(app: &App, actor: &Principal, f: &Filter) -> Result<sea_orm::Select<listing::Entity>, AppError> {
    let mut q = listing::Entity::find().filter(visibility::condition(actor));
    match some(&f.status).map(|s| (s, ListingStatus::parse(s))) {
        Some(("all", _)) => {}
        Some((_, Ok(st))) => q = q.filter(listing::Column::Status.eq(st)),
        _ => q = q.filter(listing::Column::Status.eq(ListingStatus::Published)),
    }
    if let Some(k) = some(&f.kind).and_then(|k| ListingKind::parse(k).ok()) {
        q = q.filter(listing::Column::Kind.eq(k));
    }
    if let Some(c) = some(&f.class) {
        let c = reference::normalise_code(c);
        q = q.filter(
            Condition::any()
                .add(listing::Column::ClassCode.eq(c.clone()))
                .add(listing::Column::ClassCode.starts_with(format!("{c} "))),
        );
    }
    if let Some(r) = some(&f.region) {
        q = q.filter(listing::Column::Region.eq(r));
    }
    if let Some(m) = some(&f.municipality) {
        q = q.filter(listing::Column::Municipality.eq(m));
    }
    if let Some(near) = some(&f.near) {
        // Without a (sensible) distance: 50 km; at most 3,000.
        let km = some(&f.km).and_then(|k| k.parse::<f64>().ok()).filter(|k| k.is_finite() && *k > 0.0).unwrap_or(50.0);
        let codes = reference::within(app, near, km.min(3000.0)).await?;
        q = q.filter(listing::Column::Municipality.is_in(codes));
    }
    if let Some(org) = f.org {
        q = q.filter(listing::Column::OrgId.eq(org));
    }
    if let Some(words) = some(&f.q) {
        // Lower-cased in Rust on both sides: the databases' own lower() differ on ä and ö.
        for w in words.split_whitespace().take(5) {
            let w = w.to_lowercase().replace(['%', '_', '\\'], "");
            if !w.is_empty() {
                q = q.filter(listing::Column::SearchText.contains(w));
            }
        }
    }
    Ok(q)
}

/// The page asked for, within the pages there are.
pub fn page_of(f: &Filter, total: u64) -> u64 {
    f.page.unwrap_or(1).clamp(1, total.div_ceil(PER_PAGE).max(1))
}

/// A page of listings, newest first, and the number of all that match.
pub async fn browse(app: &App, actor: &Principal, f: &Filter) -> Result<(Vec<listing::Model>, u64), AppError> {
    let q = filtered(app, actor, f).await?;
    let total = q.clone().count(&app.db).await?;
    let page = page_of(f, total);
    let rows = q
        .order_by_desc(listing::Column::PublishedAt)
        .order_by_desc(listing::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&app.db)
        .await?;
    Ok((rows, total))
}

/// The listings of the actor's organisations, every status, newest first.
pub async fn mine(app: &App, actor: &Principal) -> Result<Vec<listing::Model>, AppError> {
    policy::signed_in(actor)?;
    let orgs = actor.org_ids();
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    Ok(listing::Entity::find()
        .filter(listing::Column::OrgId.is_in(orgs))
        .order_by_desc(listing::Column::UpdatedAt)
        .all(&app.db)
        .await?)
}

/// A listing's attachment for those who may see the listing.
pub async fn attachment(app: &App, actor: &Principal, id: i32) -> Result<(String, String, bytes::Bytes), AppError> {
    let l = get(app, actor, id).await?;
    let (Some(key), Some(name), Some(kind)) = (l.attachment_key, l.attachment_name, l.attachment_type) else {
        return Err(AppError::NotFound);
    };
    let bytes = app.files.get_attachment(&key).await?.ok_or(AppError::NotFound)?;
    Ok((name, kind, bytes))
}

/// The lower-cased text the word filter reads.
pub fn search_text(title: &str, description: &str) -> String {
    format!("{} {}", title.trim(), description.trim()).to_lowercase()
}

/// Tonnes a month of a listing, when its quantity can be told in tonnes.
pub fn monthly_tonnes(l: &listing::Model) -> Option<f64> {
    let q = l.quantity?;
    let tonnes = match l.unit.as_str() {
        "t" => q,
        "kg" => q / 1000.0,
        _ => q * l.unit_tonnes?,
    };
    Some(match l.frequency.as_str() {
        // A one-off lot is compared with steady streams as a year's supply.
        "year" | "once" => tonnes / 12.0,
        _ => tonnes,
    })
}

/// The engine's view of a listing; `None` when its class or place is
/// unknown.
pub fn engine_listing(l: &listing::Model, at: Option<engine::Point>) -> Option<engine::Listing> {
    let class = reference::class_of(&l.class_code)?;
    let accepts = crate::directory::list(&l.accepts).into_iter().filter_map(reference::pattern_of).collect();
    let day = |s: &str| parse_day(s).map(|d| (d - NaiveDate::default()).num_days() as i32);
    let text = format!("{} {}", l.title, l.description).to_lowercase();
    let words = engine::word_ids(text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3));
    Some(engine::Listing {
        id: l.id as u64,
        kind: match l.kind {
            ListingKind::Offer => engine::Kind::Offer,
            ListingKind::Want => engine::Kind::Want,
            ListingKind::Service => engine::Kind::Service,
        },
        class,
        hazardous: l.hazardous,
        accepts,
        accepts_hazardous: l.accepts_hazardous,
        monthly_tonnes: monthly_tonnes(l),
        at: at?,
        max_km: l.max_km as f64,
        from_day: day(&l.available_from)?,
        to_day: l.available_to.as_deref().and_then(day),
        words,
    })
}

/// Days before expiry when the contact person is reminded.
pub const REMINDER_DAYS: i64 = 7;

/// The daily round (run with the morning digest): reminds contact persons
/// of listings expiring within [`REMINDER_DAYS`] (once per expiry date) and
/// marks listings past their date expired. Returns (reminded, expired).
pub async fn daily(app: &App) -> Result<(usize, usize), AppError> {
    let today = today();
    let soon = (today + Duration::days(REMINDER_DAYS)).format("%Y-%m-%d").to_string();
    let today_s = today.format("%Y-%m-%d").to_string();
    let due = listing::Entity::find()
        .filter(listing::Column::Status.eq(ListingStatus::Published))
        .filter(listing::Column::ExpiresOn.lte(soon))
        .all(&app.db)
        .await?;
    let (expired, remind): (Vec<_>, Vec<_>) = due.into_iter().partition(|l| l.expires_on < today_s);
    let remind: Vec<listing::Model> = remind.into_iter().filter(|l| l.reminded_at.is_none()).collect();
    let people: Vec<i32> = remind.iter().map(|l| l.contact_user_id.unwrap_or(l.created_by)).collect();
    let users: std::collections::HashMap<i32, user::Model> = if people.is_empty() {
        Default::default()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(people))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    // Someone who has left the organisation is not reminded.
    let members: std::collections::HashSet<(i32, i32)> = if users.is_empty() {
        Default::default()
    } else {
        org_member::Entity::find()
            .filter(org_member::Column::UserId.is_in(users.keys().copied().collect::<Vec<_>>()))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|m| (m.org_id, m.user_id))
            .collect()
    };
    let tx = app.db.begin().await?;
    let now = crate::now();
    for l in &remind {
        let taken = listing::Entity::update_many()
            .col_expr(listing::Column::RemindedAt, Some(now).into())
            .filter(listing::Column::Id.eq(l.id))
            .filter(listing::Column::RemindedAt.is_null())
            .exec(&tx)
            .await?;
        let Some(u) = users.get(&l.contact_user_id.unwrap_or(l.created_by)) else { continue };
        if taken.rows_affected == 0 || !members.contains(&(l.org_id, u.id)) {
            continue;
        }
        let lang = crate::people::lang(u);
        let link = app.url(&format!("/{lang}/materials/{}", l.id));
        let (subject, body) = if lang == "en" {
            (
                format!("Your listing expires on {}: {}", l.expires_on, l.title),
                format!(
                    "Your listing \"{}\" on Kimppa expires on {}.\n\nExtend it, or close it and tell what happened (a deal or why not):\n{link}\n",
                    l.title, l.expires_on
                ),
            )
        } else {
            (
                format!("Ilmoituksesi vanhenee {}: {}", l.expires_on, l.title),
                format!(
                    "Kimpan ilmoituksesi \"{}\" vanhenee {}.\n\nJatka sen voimassaoloa tai sulje se ja kerro, mitä tapahtui (syntyikö kauppa vai miksi ei):\n{link}\n",
                    l.title, l.expires_on
                ),
            )
        };
        crate::email::queue(&tx, &u.email, &subject, &body).await?;
    }
    for l in &expired {
        listing::Entity::update_many()
            .col_expr(listing::Column::Status, Expr::value(ListingStatus::Expired))
            .col_expr(listing::Column::UpdatedAt, Expr::value(now))
            .filter(listing::Column::Id.eq(l.id))
            .filter(listing::Column::Status.eq(ListingStatus::Published))
            .exec(&tx)
            .await?;
        matching::record(&tx, l.id).await?;
    }
    if !expired.is_empty() {
        crate::search::touch(&tx, "listing", &expired.iter().map(|l| l.id).collect::<Vec<_>>()).await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok((remind.len(), expired.len()))
}
