//! The three catalogues — organisations, services, experts — with filters,
//! counts per filter value, sorting and paging.
//!
//! Each node keeps slim candidates per catalogue (id, sort key, date,
//! interned filter values and the lowercased `search_text`) until the change
//! log moves; a listing filters, counts and orders them in memory, and one
//! more query loads the full rows of the page shown. So a listing does a
//! fixed number of queries whatever the data size.

use super::{list, sort_key, words};
use crate::{App, AppError, error::Checker};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use kimppa_domain::{FocusArea, Language, MembershipStatus, OfferingType, OrgType, Region, ServiceStatus};
use kimppa_store::entities::{expert, organisation, service, service_provider, user};
use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Rows per catalogue page.
pub const PAGE_SIZE: usize = 20;

/// A filter dimension of the catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Focus,
    Offering,
    OrgType,
    Municipality,
    Region,
    Language,
}

impl Dim {
    pub const ALL: [Dim; 6] = [Dim::Focus, Dim::Offering, Dim::OrgType, Dim::Municipality, Dim::Region, Dim::Language];

    /// The query parameter (and form field) of the dimension.
    pub fn param(self) -> &'static str {
        match self {
            Dim::Focus => "focus",
            Dim::Offering => "offering",
            Dim::OrgType => "org_type",
            Dim::Municipality => "municipality",
            Dim::Region => "region",
            Dim::Language => "language",
        }
    }

    /// Translation-key prefix of the values (`focus-energy`, …); the
    /// municipality values are names and are shown as they are.
    pub fn label_prefix(self) -> Option<&'static str> {
        match self {
            Dim::Focus => Some("focus"),
            Dim::Offering => Some("offering"),
            Dim::OrgType => Some("org-type"),
            Dim::Municipality => None,
            Dim::Region => Some("region"),
            Dim::Language => Some("lang"),
        }
    }

    /// Every known value, in display order (`None` for municipalities,
    /// whose values come from the data).
    fn known(self) -> Option<Vec<&'static str>> {
        Some(match self {
            Dim::Focus => FocusArea::ALL.iter().map(|v| v.key()).collect(),
            Dim::Offering => OfferingType::ALL.iter().map(|v| v.key()).collect(),
            Dim::OrgType => OrgType::ALL.iter().map(|v| v.key()).collect(),
            Dim::Region => Region::ALL.iter().map(|v| v.key()).collect(),
            Dim::Language => Language::ALL.iter().map(|v| v.key()).collect(),
            Dim::Municipality => return None,
        })
    }
}

/// Which catalogue; decides the dimensions offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Organisations,
    Services,
    Experts,
}

impl Kind {
    pub fn dims(self) -> &'static [Dim] {
        match self {
            Kind::Organisations => &[Dim::Focus, Dim::Offering, Dim::OrgType, Dim::Municipality],
            Kind::Services => &[Dim::Offering, Dim::Focus, Dim::OrgType, Dim::Region, Dim::Language],
            Kind::Experts => &[Dim::Focus, Dim::Language, Dim::OrgType, Dim::Municipality],
        }
    }
}

/// The query of a catalogue page, as it arrives in the URL. Every field is
/// kept as typed so links can rebuild it; unknown values are ignored by the
/// pages and refused by the API ([`CatalogueQuery::check`]).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CatalogueQuery {
    pub q: String,
    pub focus: String,
    pub offering: String,
    pub org_type: String,
    pub municipality: String,
    pub region: String,
    pub language: String,
    /// `name` (default) or `newest`.
    pub sort: String,
    pub page: String,
}

impl CatalogueQuery {
    pub fn get(&self, d: Dim) -> &str {
        match d {
            Dim::Focus => &self.focus,
            Dim::Offering => &self.offering,
            Dim::OrgType => &self.org_type,
            Dim::Municipality => &self.municipality,
            Dim::Region => &self.region,
            Dim::Language => &self.language,
        }
    }

    pub fn set(&mut self, d: Dim, v: &str) {
        let slot = match d {
            Dim::Focus => &mut self.focus,
            Dim::Offering => &mut self.offering,
            Dim::OrgType => &mut self.org_type,
            Dim::Municipality => &mut self.municipality,
            Dim::Region => &mut self.region,
            Dim::Language => &mut self.language,
        };
        *slot = v.to_string();
    }

    /// The selected value of a dimension when it is a known one.
    pub fn selected(&self, d: Dim) -> Option<String> {
        let v = self.get(d).trim();
        if v.is_empty() || v.chars().count() > 80 {
            return None;
        }
        match d.known() {
            Some(known) => known.contains(&v).then(|| v.to_string()),
            None => Some(v.to_string()),
        }
    }

    pub fn newest_first(&self) -> bool {
        self.sort == "newest"
    }

    /// The page asked for, from 1.
    pub fn page(&self) -> usize {
        self.page.trim().parse::<usize>().ok().filter(|p| *p >= 1).unwrap_or(1)
    }

    /// Strict check for the API: unknown values are errors.
    pub fn check(&self, kind: Kind) -> Result<(), AppError> {
        let mut c = Checker::default();
        for d in Dim::ALL {
            let v = self.get(d).trim();
            if v.is_empty() {
                continue;
            }
            if !kind.dims().contains(&d) || self.selected(d).is_none() {
                c.push(d.param(), "err-unknown-value");
            }
        }
        if !matches!(self.sort.as_str(), "" | "name" | "newest") {
            c.push("sort", "err-unknown-value");
        }
        if !self.page.trim().is_empty() && self.page.trim().parse::<usize>().map(|p| p == 0).unwrap_or(true) {
            c.push("page", "err-unknown-value");
        }
        c.finish()
    }

    /// The same query without paging and with one dimension changed; for
    /// the filter links.
    pub fn with(&self, d: Dim, v: &str) -> CatalogueQuery {
        let mut q = self.clone();
        q.set(d, v);
        q.page.clear();
        q
    }
}

/// Filter values (enum keys, municipality names) are few however many
/// candidates there are: each is kept once for the process and candidates
/// hold its number, which keeps the catalogue memory small.
#[derive(Default)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

static VALUES: std::sync::LazyLock<std::sync::RwLock<Interner>> = std::sync::LazyLock::new(Default::default);

fn intern(v: &str) -> u32 {
    if let Some(id) = value_id(v) {
        return id;
    }
    let mut i = VALUES.write().unwrap_or_else(|p| p.into_inner());
    if let Some(id) = i.ids.get(v) {
        return *id;
    }
    let id = i.names.len() as u32;
    let name: Arc<str> = Arc::from(v);
    i.names.push(name.clone());
    i.ids.insert(name, id);
    id
}

/// The number of a value, if any candidate ever had it.
fn value_id(v: &str) -> Option<u32> {
    VALUES.read().unwrap_or_else(|p| p.into_inner()).ids.get(v).copied()
}

/// One candidate for a listing: its id, what it is ordered by, and its
/// values per dimension.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i32,
    pub name: String,
    pub newest: Option<DateTime<Utc>>,
    values: Vec<(Dim, u32)>,
}

impl Doc {
    pub fn new(id: i32, name: &str, newest: Option<DateTime<Utc>>) -> Doc {
        Doc { id, name: sort_key(name), newest, values: Vec::new() }
    }

    pub fn set(&mut self, d: Dim, values: impl IntoIterator<Item = impl AsRef<str>>) {
        for v in values {
            let v = (d, intern(v.as_ref()));
            if !self.values.contains(&v) {
                self.values.push(v);
            }
        }
        self.values.shrink_to_fit();
    }

    fn has(&self, d: Dim, id: Option<u32>) -> bool {
        id.is_some_and(|id| self.values.contains(&(d, id)))
    }
}

/// A filter value with the number of results it would give.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FacetValue {
    pub key: String,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Facet {
    pub dim: Dim,
    pub values: Vec<FacetValue>,
}

/// A page of results: ids in order, the total, and the counts per filter value.
#[derive(Debug, Clone)]
pub struct Listing {
    pub ids: Vec<i32>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub facets: Vec<Facet>,
}

/// Filters, counts, orders and pages candidates. A filter value's count is
/// the number of results when that value is chosen and every other chosen
/// filter stays, so the counts never promise what the page cannot give.
pub fn select<'a>(
    docs: impl IntoIterator<Item = &'a Doc>,
    q: &CatalogueQuery,
    dims: &[Dim],
    page_size: usize,
) -> Listing {
    let mut docs: Vec<&Doc> = docs.into_iter().collect();
    // A chosen value no candidate ever had matches nothing.
    let chosen: Vec<(Dim, Option<u32>)> =
        dims.iter().filter_map(|d| q.selected(*d).map(|v| (*d, value_id(&v)))).collect();
    let matches_except = |doc: &Doc, skip: Option<Dim>| chosen.iter().all(|(d, v)| Some(*d) == skip || doc.has(*d, *v));
    let facets = dims
        .iter()
        .map(|&dim| {
            let mut by_id: HashMap<u32, usize> = HashMap::new();
            for doc in docs.iter().filter(|doc| matches_except(doc, Some(dim))) {
                for (d, v) in &doc.values {
                    if *d == dim {
                        *by_id.entry(*v).or_default() += 1;
                    }
                }
            }
            let counts: HashMap<String, usize> = {
                let names = &VALUES.read().unwrap_or_else(|p| p.into_inner()).names;
                by_id.into_iter().filter_map(|(id, n)| Some((names.get(id as usize)?.to_string(), n))).collect()
            };
            let selected = q.selected(dim);
            let keys: Vec<String> = match dim.known() {
                Some(known) => known.into_iter().map(str::to_string).collect(),
                None => {
                    let mut k: Vec<String> = counts.keys().cloned().collect();
                    if let Some(s) = &selected
                        && !k.contains(s)
                    {
                        k.push(s.clone());
                    }
                    k.sort_by_key(|s| sort_key(s));
                    k
                }
            };
            let values = keys
                .into_iter()
                .map(|key| FacetValue {
                    count: counts.get(key.as_str()).copied().unwrap_or(0),
                    selected: selected.as_deref() == Some(key.as_str()),
                    key,
                })
                .collect();
            Facet { dim, values }
        })
        .collect();
    docs.retain(|doc| matches_except(doc, None));
    if q.newest_first() {
        docs.sort_by(|a, b| b.newest.cmp(&a.newest).then_with(|| a.name.cmp(&b.name)).then(a.id.cmp(&b.id)));
    } else {
        docs.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let total = docs.len();
    let pages = total.div_ceil(page_size).max(1);
    let page = q.page().min(pages);
    let ids = docs.iter().skip((page - 1) * page_size).take(page_size).map(|d| d.id).collect();
    Listing { ids, total, page, pages, facets }
}

/// Puts rows into the order of `ids`.
fn in_order<T>(ids: &[i32], rows: Vec<T>, id: impl Fn(&T) -> i32) -> Vec<T> {
    let mut by_id: HashMap<i32, T> = rows.into_iter().map(|r| (id(&r), r)).collect();
    ids.iter().filter_map(|i| by_id.remove(i)).collect()
}

/// A provider of a service as shown in lists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderRef {
    pub slug: String,
    pub name: String,
}

/// A service in a list: the row and its providers (owner first, then the
/// co-providers who confirmed).
#[derive(Debug, Clone)]
pub struct ServiceCard {
    pub service: service::Model,
    pub providers: Vec<ProviderRef>,
}

/// Slim facts of the approved organisations, keyed by id. One query.
pub(crate) async fn approved_orgs(app: &App) -> Result<HashMap<i32, (String, String, String, String)>, AppError> {
    let rows: Vec<(i32, String, String, String, String)> = organisation::Entity::find()
        .select_only()
        .columns([
            organisation::Column::Id,
            organisation::Column::Slug,
            organisation::Column::Name,
            organisation::Column::OrgType,
            organisation::Column::Municipality,
        ])
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().map(|(id, slug, name, t, m)| (id, (slug, name, t, m))).collect())
}

/// Confirmed co-providers of every service: service id → organisation ids. One query.
async fn confirmed_co_providers(app: &App) -> Result<HashMap<i32, Vec<i32>>, AppError> {
    let rows: Vec<(i32, i32)> = service_provider::Entity::find()
        .select_only()
        .columns([service_provider::Column::ServiceId, service_provider::Column::OrgId])
        .filter(service_provider::Column::ConfirmedAt.is_not_null())
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for (s, o) in rows {
        out.entry(s).or_default().push(o);
    }
    Ok(out)
}

/// A listed expert with the person's name and organisation.
#[derive(Debug, Clone)]
pub struct ExpertCard {
    pub expert: expert::Model,
    pub name: String,
    pub title: Option<String>,
    pub org: ProviderRef,
}

/// Approved organisations' slim facts: id → (slug, name, type, municipality).
pub type OrgFacts = HashMap<i32, (String, String, String, String)>;

/// Candidates of one catalogue with their lowercased search text.
type Candidates = Vec<(Doc, Box<str>)>;

/// This node's memory of the catalogues: the candidates of each catalogue
/// and the listings already computed, valid while the change log stays
/// where it was (every write that a catalogue shows writes a change-log
/// row, so a newer row means "look again"). Shared by all requests.
#[derive(Clone, Default)]
pub struct CatalogueCache(Arc<Mutex<Snapshot>>);

#[derive(Default)]
struct Snapshot {
    version: i64,
    orgs: Option<Arc<OrgFacts>>,
    co: Option<Arc<HashMap<i32, Vec<i32>>>>,
    candidates: HashMap<(Kind, bool), Arc<Candidates>>,
    listings: HashMap<String, Listing>,
}

/// Listings remembered per version; the memory is emptied when it fills.
const REMEMBERED_LISTINGS: usize = 512;

impl CatalogueCache {
    fn with<R>(&self, version: i64, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if s.version != version {
            *s = Snapshot { version, ..Default::default() };
        }
        f(&mut s)
    }
}

async fn cached_orgs(app: &App, v: i64) -> Result<Arc<OrgFacts>, AppError> {
    if let Some(o) = app.catalogue.with(v, |s| s.orgs.clone()) {
        return Ok(o);
    }
    let o = Arc::new(approved_orgs(app).await?);
    app.catalogue.with(v, |s| s.orgs = Some(o.clone()));
    Ok(o)
}

async fn cached_co(app: &App, v: i64) -> Result<Arc<HashMap<i32, Vec<i32>>>, AppError> {
    if let Some(c) = app.catalogue.with(v, |s| s.co.clone()) {
        return Ok(c);
    }
    let c = Arc::new(confirmed_co_providers(app).await?);
    app.catalogue.with(v, |s| s.co = Some(c.clone()));
    Ok(c)
}

async fn load_candidates(app: &App, v: i64, kind: Kind, en: bool) -> Result<Arc<Candidates>, AppError> {
    if let Some(c) = app.catalogue.with(v, |s| s.candidates.get(&(kind, en)).cloned()) {
        return Ok(c);
    }
    let orgs = cached_orgs(app, v).await?;
    let docs: Candidates = match kind {
        Kind::Organisations => {
            type Row = (i32, String, String, String, String, String, DateTime<Utc>, String);
            let mut rows = organisation::Entity::find()
                .select_only()
                .columns([
                    organisation::Column::Id,
                    organisation::Column::Name,
                    organisation::Column::OrgType,
                    organisation::Column::Municipality,
                    organisation::Column::FocusAreas,
                    organisation::Column::OfferingTypes,
                    organisation::Column::CreatedAt,
                    organisation::Column::SearchText,
                ])
                .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                .into_tuple::<Row>()
                .stream(&app.db)
                .await?;
            let mut docs = Vec::new();
            while let Some((id, name, org_type, municipality, focus, offering, created, text)) = rows.try_next().await?
            {
                let mut d = Doc::new(id, &name, Some(created));
                d.set(Dim::OrgType, [org_type]);
                d.set(Dim::Municipality, [municipality]);
                d.set(Dim::Focus, list(&focus));
                d.set(Dim::Offering, list(&offering));
                docs.push((d, text.into_boxed_str()));
            }
            docs.shrink_to_fit();
            docs
        }
        Kind::Services => {
            let co = cached_co(app, v).await?;
            type Row = (i32, i32, String, String, String, String, String, String, Option<DateTime<Utc>>, String);
            // Streamed: the rows of a large catalogue are never all in memory
            // at once, only the slim candidates made of them.
            let mut rows = service::Entity::find()
                .select_only()
                .columns([
                    service::Column::Id,
                    service::Column::OwnerOrgId,
                    service::Column::TitleFi,
                    service::Column::TitleEn,
                    service::Column::OfferingType,
                    service::Column::FocusAreas,
                    service::Column::Regions,
                    service::Column::Languages,
                    service::Column::PublishedAt,
                    service::Column::SearchText,
                ])
                .filter(service::Column::Status.eq(ServiceStatus::Published))
                .into_tuple::<Row>()
                .stream(&app.db)
                .await?;
            let mut docs = Vec::new();
            while let Some((id, owner, title_fi, title_en, offering, focus, regions, languages, published, text)) =
                rows.try_next().await?
            {
                let Some((_, _, owner_type, _)) = orgs.get(&owner) else { continue };
                let title = if en && !title_en.is_empty() { title_en } else { title_fi };
                let mut d = Doc::new(id, &title, published);
                d.set(Dim::Offering, [offering]);
                d.set(Dim::Focus, list(&focus));
                d.set(Dim::OrgType, [owner_type.clone()]);
                for other in co.get(&id).into_iter().flatten() {
                    if let Some((_, _, t, _)) = orgs.get(other) {
                        d.set(Dim::OrgType, [t.clone()]);
                    }
                }
                let served = Region::parse_list(list(&regions)).unwrap_or_default();
                d.set(Dim::Region, Region::ALL.iter().filter(|r| Region::covers(&served, **r)).map(|r| r.key()));
                d.set(Dim::Language, list(&languages));
                docs.push((d, text.into_boxed_str()));
            }
            docs.shrink_to_fit();
            docs
        }
        Kind::Experts => {
            type Row = (i32, i32, String, String, String, DateTime<Utc>, String);
            let mut rows = expert::Entity::find()
                .select_only()
                .columns([
                    expert::Column::Id,
                    expert::Column::OrgId,
                    expert::Column::Languages,
                    expert::Column::FocusAreas,
                ])
                .column(user::Column::Name)
                .column(expert::Column::CreatedAt)
                .column(expert::Column::SearchText)
                .join(JoinType::InnerJoin, expert::Relation::User.def())
                .filter(expert::Column::Listed.eq(true))
                .into_tuple::<Row>()
                .stream(&app.db)
                .await?;
            let mut docs = Vec::new();
            while let Some((id, org_id, languages, focus, name, created, text)) = rows.try_next().await? {
                let Some((_, _, org_type, municipality)) = orgs.get(&org_id) else { continue };
                let mut d = Doc::new(id, &name, Some(created));
                d.set(Dim::Focus, list(&focus));
                d.set(Dim::Language, list(&languages));
                d.set(Dim::OrgType, [org_type.clone()]);
                d.set(Dim::Municipality, [municipality.clone()]);
                docs.push((d, text.into_boxed_str()));
            }
            docs.shrink_to_fit();
            docs
        }
    };
    let docs = Arc::new(docs);
    app.catalogue.with(v, |s| s.candidates.insert((kind, en), docs.clone()));
    Ok(docs)
}

/// The listing of a catalogue for a query, from memory when possible.
async fn listing(app: &App, kind: Kind, en: bool, q: &CatalogueQuery) -> Result<(Listing, i64), AppError> {
    let v = crate::changelog::last_id(&app.db).await?;
    let key = format!("{kind:?}|{en}|{q:?}");
    if let Some(l) = app.catalogue.with(v, |s| s.listings.get(&key).cloned()) {
        return Ok((l, v));
    }
    let candidates = load_candidates(app, v, kind, en).await?;
    let needles = words(&q.q);
    let docs = candidates.iter().filter(|(_, text)| needles.iter().all(|w| text.contains(w.as_str()))).map(|(d, _)| d);
    let l = select(docs, q, kind.dims(), PAGE_SIZE);
    app.catalogue.with(v, |s| {
        if s.listings.len() >= REMEMBERED_LISTINGS {
            s.listings.clear();
        }
        s.listings.insert(key, l.clone());
    });
    Ok((l, v))
}

/// Public organisations (approved members): the version check, and the
/// page's rows (candidates come from memory or one more query).
pub async fn organisations(app: &App, q: &CatalogueQuery) -> Result<(Listing, Vec<organisation::Model>), AppError> {
    let (listing, _) = listing(app, Kind::Organisations, false, q).await?;
    let page = if listing.ids.is_empty() {
        vec![]
    } else {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(listing.ids.clone())).all(&app.db).await?
    };
    let page = in_order(&listing.ids, page, |o| o.id);
    Ok((listing, page))
}

/// Published services of approved organisations.
pub async fn services(app: &App, q: &CatalogueQuery, lang: &str) -> Result<(Listing, Vec<ServiceCard>), AppError> {
    let (listing, v) = listing(app, Kind::Services, lang == "en", q).await?;
    let orgs = cached_orgs(app, v).await?;
    let co = cached_co(app, v).await?;
    let rows = if listing.ids.is_empty() {
        vec![]
    } else {
        service::Entity::find().filter(service::Column::Id.is_in(listing.ids.clone())).all(&app.db).await?
    };
    let cards = in_order(&listing.ids, rows, |s| s.id)
        .into_iter()
        .map(|s| {
            let providers = std::iter::once(s.owner_org_id)
                .chain(co.get(&s.id).into_iter().flatten().copied())
                .filter_map(|id| {
                    orgs.get(&id).map(|(slug, name, _, _)| ProviderRef { slug: slug.clone(), name: name.clone() })
                })
                .collect();
            ServiceCard { service: s, providers }
        })
        .collect();
    Ok((listing, cards))
}

/// Listed experts of approved organisations.
pub async fn experts(app: &App, q: &CatalogueQuery) -> Result<(Listing, Vec<ExpertCard>), AppError> {
    let (listing, v) = listing(app, Kind::Experts, false, q).await?;
    let orgs = cached_orgs(app, v).await?;
    let cards = expert_cards(app, &orgs, &listing.ids).await?;
    Ok((listing, cards))
}

/// Full rows of the given experts, in that order. One query.
pub(crate) async fn expert_cards(
    app: &App,
    orgs: &HashMap<i32, (String, String, String, String)>,
    ids: &[i32],
) -> Result<Vec<ExpertCard>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = expert::Entity::find()
        .find_also_related(user::Entity)
        .filter(expert::Column::Id.is_in(ids.to_vec()))
        .all(&app.db)
        .await?;
    let rows = in_order(ids, rows, |(e, _)| e.id);
    Ok(rows
        .into_iter()
        .filter_map(|(e, u)| {
            let u = u?;
            let (slug, org_name, _, _) = orgs.get(&e.org_id)?;
            Some(ExpertCard {
                org: ProviderRef { slug: slug.clone(), name: org_name.clone() },
                name: u.name,
                title: u.title,
                expert: e,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i32, name: &str, focus: &[&str], t: &str) -> Doc {
        let mut d = Doc::new(id, name, None);
        d.set(Dim::Focus, focus.iter().copied());
        d.set(Dim::OrgType, [t]);
        d
    }

    #[test]
    fn counts_keep_the_other_filters() {
        let docs = vec![
            doc(1, "A", &["energy"], "sme"),
            doc(2, "B", &["energy", "water"], "research"),
            doc(3, "C", &["water"], "sme"),
        ];
        let q = CatalogueQuery { focus: "energy".into(), ..Default::default() };
        let l = select(&docs, &q, &[Dim::Focus, Dim::OrgType], 10);
        assert_eq!(l.ids, vec![1, 2]);
        let count = |d: usize, k: &str| l.facets[d].values.iter().find(|v| v.key == k).unwrap().count;
        // Focus counts ignore the focus filter, org-type counts keep it.
        assert_eq!(count(0, "water"), 2);
        assert_eq!(count(1, "sme"), 1);
        assert_eq!(count(1, "research"), 1);
    }

    #[test]
    fn unknown_values_are_ignored_by_pages_and_refused_by_the_api() {
        let q = CatalogueQuery { focus: "nope".into(), page: "0".into(), ..Default::default() };
        assert_eq!(q.selected(Dim::Focus), None);
        assert_eq!(q.page(), 1);
        assert!(q.check(Kind::Services).is_err());
        let q = CatalogueQuery { municipality: "Oulu".into(), ..Default::default() };
        assert!(q.check(Kind::Services).is_err(), "services have no municipality filter");
        assert!(q.check(Kind::Organisations).is_ok());
    }

    #[test]
    fn pages_past_the_end_show_the_last() {
        let docs: Vec<Doc> = (1..=45).map(|i| doc(i, &format!("{i:03}"), &[], "sme")).collect();
        let q = CatalogueQuery { page: "9".into(), ..Default::default() };
        let l = select(&docs, &q, &[Dim::Focus], 20);
        assert_eq!((l.page, l.pages, l.total, l.ids.len()), (3, 3, 45, 5));
    }
}
