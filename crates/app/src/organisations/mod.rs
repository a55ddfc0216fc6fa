//! The shared organisation registry: create and edit organisations, their
//! people, invitations and logos. Visibility is applied in [`visible`].

mod invitations;
pub use invitations::{accept_invitation, find_open as invitations_find, invite};

use crate::{
    App, AppError,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use kimppa_domain::OrgId;
use kimppa_domain::{
    BusinessId, FocusArea, MembershipStatus, OfferingType, OrgRole, OrgType, SizeClass, Slug, optional_text,
    required_text,
};
use kimppa_store::entities::{org_member, organisation, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Select, Set,
    TransactionTrait,
};

/// What the organisation form sends; every field as typed, so a refused
/// form can be shown again unchanged.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct OrgForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub business_id: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub size_class: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub focus_areas: Vec<String>,
    #[serde(default)]
    pub description_fi: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub offering_types: Vec<String>,
    /// Tonnes CO2e per year as typed ("1 234,5" is fine).
    #[serde(default)]
    pub carbon_tonnes: String,
    #[serde(default)]
    pub carbon_year: String,
    #[serde(default)]
    pub carbon_method: String,
    /// Set by the form's preview button: check and show, do not save.
    #[serde(default, skip_serializing)]
    pub preview: String,
}

impl OrgForm {
    pub fn from_model(o: &organisation::Model) -> OrgForm {
        OrgForm {
            name: o.name.clone(),
            business_id: o.business_id.clone().unwrap_or_default(),
            country: o.country.clone(),
            org_type: o.org_type.to_string(),
            size_class: o.size_class.to_string(),
            municipality: o.municipality.clone(),
            focus_areas: o.focus_areas.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            description_fi: o.description_fi.clone(),
            description_en: o.description_en.clone(),
            website: o.website.clone().unwrap_or_default(),
            offering_types: o.offering_types.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            carbon_tonnes: o.carbon_kg.map(crate::directory::format_tonnes).unwrap_or_default(),
            carbon_year: o.carbon_year.map(|y| y.to_string()).unwrap_or_default(),
            carbon_method: o.carbon_method.clone().unwrap_or_default(),
            preview: String::new(),
        }
    }
}

/// A checked organisation form.
#[derive(Debug, Clone)]
pub struct OrgData {
    pub name: String,
    pub business_id: Option<BusinessId>,
    pub country: String,
    pub org_type: OrgType,
    pub size_class: SizeClass,
    pub municipality: String,
    pub focus_areas: Vec<FocusArea>,
    pub description_fi: String,
    pub description_en: String,
    pub website: Option<String>,
    pub offering_types: Vec<OfferingType>,
    pub carbon: Option<Carbon>,
}

/// A carbon-footprint figure: kilograms CO2e per year, the year it is for
/// and how it was calculated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carbon {
    pub kg: i64,
    pub year: i32,
    pub method: String,
}

impl OrgData {
    /// The lowercased text the catalogue's text filter matches.
    pub fn search_text(&self) -> String {
        crate::directory::search_text(&[&self.name, &self.municipality, &self.description_fi, &self.description_en])
    }
}

/// Checks the optional carbon-footprint fields: all three or none.
fn parse_carbon(c: &mut Checker, f: &OrgForm) -> Option<Carbon> {
    let (t, y, m) = (f.carbon_tonnes.trim(), f.carbon_year.trim(), f.carbon_method.trim());
    if t.is_empty() && y.is_empty() && m.is_empty() {
        return None;
    }
    let kg = match crate::directory::parse_tonnes(t) {
        Some(kg) => Some(kg),
        None => {
            c.push("carbon_tonnes", if t.is_empty() { "err-required" } else { "err-tonnes" });
            None
        }
    };
    let this_year = chrono::Datelike::year(&crate::now());
    let year = match y.parse::<i32>() {
        Ok(y) if (1990..=this_year).contains(&y) => Some(y),
        _ => {
            c.push("carbon_year", if y.is_empty() { "err-required" } else { "err-year" });
            None
        }
    };
    let method = c.check("carbon_method", required_text(m, 200));
    Some(Carbon { kg: kg?, year: year?, method: method? })
}

/// Checks every field and reports all problems at once.
pub fn parse_form(f: &OrgForm) -> Result<OrgData, AppError> {
    let mut c = Checker::default();
    let name = c.check("name", required_text(&f.name, 160));
    let country = {
        let cc = f.country.trim().to_uppercase();
        let cc = if cc.is_empty() { "FI".to_string() } else { cc };
        if cc.len() == 2 && cc.chars().all(|ch| ch.is_ascii_uppercase()) {
            Some(cc)
        } else {
            c.push("country", "err-country");
            None
        }
    };
    let business_id = if f.business_id.trim().is_empty() {
        if country.as_deref() == Some("FI") {
            c.push("business_id", "err-business-id-required");
        }
        None
    } else {
        c.check("business_id", BusinessId::parse(&f.business_id))
    };
    let org_type = c.check("org_type", OrgType::parse(&f.org_type).map_err(|_| kimppa_domain::DomainError::Required));
    let size_class =
        c.check("size_class", SizeClass::parse(&f.size_class).map_err(|_| kimppa_domain::DomainError::Required));
    let municipality = c.check("municipality", required_text(&f.municipality, 80));
    let focus_areas = c.check("focus_areas", FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)));
    let description_fi = c.check("description_fi", optional_text(&f.description_fi, 5000));
    let description_en = c.check("description_en", optional_text(&f.description_en, 5000));
    let offering_types =
        c.check("offering_types", OfferingType::parse_list(f.offering_types.iter().map(String::as_str)));
    let carbon = parse_carbon(&mut c, f);
    let website = match optional_text(&f.website, 300) {
        Ok(Some(w)) => {
            let w = if w.contains("://") { w } else { format!("https://{w}") };
            match url::Url::parse(&w) {
                Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => Some(Some(w)),
                _ => {
                    c.push("website", "err-url");
                    None
                }
            }
        }
        Ok(None) => Some(None),
        Err(e) => {
            c.push("website", e.code());
            None
        }
    };
    c.finish()?;
    Ok(OrgData {
        name: name.unwrap_or_default(),
        business_id,
        country: country.unwrap_or_default(),
        org_type: org_type.ok_or_else(crate::error::checked)?,
        size_class: size_class.ok_or_else(crate::error::checked)?,
        municipality: municipality.unwrap_or_default(),
        focus_areas: focus_areas.unwrap_or_default(),
        description_fi: description_fi.flatten().unwrap_or_default(),
        description_en: description_en.flatten().unwrap_or_default(),
        website: website.flatten(),
        offering_types: offering_types.unwrap_or_default(),
        carbon,
    })
}

/// Organisations `actor` may see. Public: approved members. Members of an
/// organisation see their own; elevated staff see all.
pub fn visible(actor: &Principal) -> Select<organisation::Entity> {
    let q = organisation::Entity::find();
    if crate::policy::is_staff(actor) {
        return q;
    }
    let mut cond = Condition::any().add(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved));
    let mine = actor.org_ids();
    if !mine.is_empty() {
        cond = cond.add(organisation::Column::Id.is_in(mine));
    }
    q.filter(cond)
}

/// Filters of the public list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub focus: String,
}

impl ListFilter {
    /// Refuses unknown filter values (the API answers them with 422;
    /// the HTML list simply ignores them).
    pub fn check(&self) -> Result<(), AppError> {
        let mut c = Checker::default();
        if !self.org_type.is_empty() {
            c.check("org_type", OrgType::parse(&self.org_type));
        }
        if !self.focus.is_empty() {
            c.check("focus", FocusArea::parse(&self.focus));
        }
        c.finish()
    }
}

/// Approved member organisations, by name, filtered. One query.
/// How many approved members there are, and the `n` most recently
/// updated of them (for the home page): two small queries.
pub async fn newest_public(app: &App, n: u64) -> Result<(u64, Vec<organisation::Model>), AppError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let approved =
        organisation::Entity::find().filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved));
    let count = approved.clone().count(&app.db).await?;
    let newest = approved
        .order_by_desc(organisation::Column::UpdatedAt)
        .order_by_asc(organisation::Column::Id)
        .limit(n)
        .all(&app.db)
        .await?;
    Ok((count, newest))
}

pub async fn list_public(app: &App, f: &ListFilter) -> Result<Vec<organisation::Model>, AppError> {
    let mut q = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .order_by_asc(organisation::Column::Name);
    if let Ok(t) = OrgType::parse(&f.org_type) {
        q = q.filter(organisation::Column::OrgType.eq(t.key()));
    }
    let rows = q.all(&app.db).await?;
    let needle = f.q.trim().to_lowercase();
    let focus = FocusArea::parse(&f.focus).ok();
    Ok(rows
        .into_iter()
        .filter(|o| {
            needle.is_empty()
                || o.name.to_lowercase().contains(&needle)
                || o.municipality.to_lowercase().contains(&needle)
                || o.description_fi.to_lowercase().contains(&needle)
                || o.description_en.to_lowercase().contains(&needle)
        })
        .filter(|o| focus.is_none_or(|fa| o.focus_areas.split(',').any(|k| k == fa.key())))
        .collect())
}

/// Every approved member organisation, by name.
pub async fn approved(app: &App) -> Result<Vec<organisation::Model>, AppError> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .order_by_asc(organisation::Column::Name)
        .all(&app.db)
        .await?)
}

/// Organisations by id, by name (missing ids are left out).
pub async fn by_ids(app: &App, ids: impl IntoIterator<Item = i32>) -> Result<Vec<organisation::Model>, AppError> {
    let mut orgs = crate::batch::chunked(ids, |chunk| {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?;
    orgs.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(orgs)
}

/// An organisation the actor may see.
pub async fn get_visible(app: &App, actor: &Principal, slug: &str) -> Result<organisation::Model, AppError> {
    let org = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = org.membership_status == MembershipStatus::Approved;
    if !public && !policy::allowed(actor, Action::ViewUnlistedOrganisation { org: OrgId(org.id) }) {
        return Err(AppError::NotFound);
    }
    Ok(org)
}

pub(crate) async fn unique_slug<C: sea_orm::ConnectionTrait>(conn: &C, name: &str) -> Result<String, AppError> {
    let base = Slug::from_name(name).map(|s| s.to_string()).unwrap_or_else(|_| "organisaatio".into());
    for n in 1..1000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let taken =
            organisation::Entity::find().filter(organisation::Column::Slug.eq(&candidate)).one(conn).await?.is_some();
        if !taken {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict("slug"))
}

async fn business_id_taken<C: sea_orm::ConnectionTrait>(
    conn: &C,
    id: &Option<BusinessId>,
    except: Option<i32>,
) -> Result<bool, AppError> {
    let Some(id) = id else { return Ok(false) };
    let mut q = organisation::Entity::find().filter(organisation::Column::BusinessId.eq(id.as_str()));
    if let Some(e) = except {
        q = q.filter(organisation::Column::Id.ne(e));
    }
    Ok(q.one(conn).await?.is_some())
}

/// Creates an organisation; the creator becomes its admin.
pub async fn create(app: &App, actor: &Principal, form: &OrgForm) -> Result<organisation::Model, AppError> {
    policy::require(actor, Action::CreateOrganisation)?;
    let user_id = crate::policy::user_id(actor)?;
    let d = parse_form(form)?;
    let tx = app.db.begin().await?;
    if business_id_taken(&tx, &d.business_id, None).await? {
        return Err(AppError::field("business_id", "err-business-id-taken"));
    }
    let slug = unique_slug(&tx, &d.name).await?;
    let org = insert_org(&tx, &slug, &d, Some(user_id.0), MembershipStatus::None, None).await?;
    add_member(&tx, org.id, user_id.0, OrgRole::Admin).await?;
    crate::changelog::record(&tx, "organisation.created", &serde_json::json!({ "org_id": org.id })).await?;
    tx.commit().await?;
    Ok(org)
}

pub(crate) async fn insert_org<C: sea_orm::ConnectionTrait>(
    conn: &C,
    slug: &str,
    d: &OrgData,
    created_by: Option<i32>,
    status: MembershipStatus,
    tier: Option<kimppa_domain::MembershipTier>,
) -> Result<organisation::Model, AppError> {
    Ok(organisation::ActiveModel {
        slug: Set(slug.into()),
        name: Set(d.name.clone()),
        business_id: Set(d.business_id.as_ref().map(|b| b.to_string())),
        country: Set(d.country.clone()),
        org_type: Set(d.org_type),
        size_class: Set(d.size_class),
        municipality: Set(d.municipality.clone()),
        focus_areas: Set(FocusArea::join(&d.focus_areas)),
        description_fi: Set(d.description_fi.clone()),
        description_en: Set(d.description_en.clone()),
        website: Set(d.website.clone()),
        logo_key: Set(None),
        membership_status: Set(status),
        membership_tier: Set(tier),
        created_by: Set(created_by),
        offering_types: Set(OfferingType::join(&d.offering_types)),
        carbon_kg: Set(d.carbon.as_ref().map(|c| c.kg)),
        carbon_year: Set(d.carbon.as_ref().map(|c| c.year)),
        carbon_method: Set(d.carbon.as_ref().map(|c| c.method.clone())),
        search_text: Set(d.search_text()),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

pub(crate) async fn add_member<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org_id: i32,
    user_id: i32,
    role: OrgRole,
) -> Result<(), AppError> {
    let existing = org_member::Entity::find()
        .filter(org_member::Column::OrgId.eq(org_id))
        .filter(org_member::Column::UserId.eq(user_id))
        .one(conn)
        .await?;
    match existing {
        Some(m) if m.role == OrgRole::Admin || role == OrgRole::Member => {}
        Some(m) => {
            let mut am = m.into_active_model();
            am.role = Set(role);
            am.update(conn).await?;
        }
        None => {
            org_member::ActiveModel {
                org_id: Set(org_id),
                user_id: Set(user_id),
                role: Set(role),
                created_at: Set(now()),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    crate::changelog::personal(conn, &[user_id]).await?;
    Ok(())
}

/// Updates an organisation (its admins, or elevated staff).
pub async fn update(app: &App, actor: &Principal, slug: &str, form: &OrgForm) -> Result<organisation::Model, AppError> {
    let org = get_visible(app, actor, slug).await?;
    policy::require(actor, Action::EditOrganisation { org: OrgId(org.id) })?;
    let audited = policy::by_staff_power(actor, Action::EditOrganisation { org: OrgId(org.id) });
    let d = parse_form(form)?;
    let tx = app.db.begin().await?;
    if business_id_taken(&tx, &d.business_id, Some(org.id)).await? {
        return Err(AppError::field("business_id", "err-business-id-taken"));
    }
    let org_id = org.id;
    let mut am = org.into_active_model();
    am.search_text = Set(d.search_text());
    am.offering_types = Set(OfferingType::join(&d.offering_types));
    am.carbon_kg = Set(d.carbon.as_ref().map(|c| c.kg));
    am.carbon_year = Set(d.carbon.as_ref().map(|c| c.year));
    am.carbon_method = Set(d.carbon.as_ref().map(|c| c.method.clone()));
    am.name = Set(d.name);
    am.business_id = Set(d.business_id.map(|b| b.to_string()));
    am.country = Set(d.country);
    am.org_type = Set(d.org_type);
    am.size_class = Set(d.size_class);
    am.municipality = Set(d.municipality);
    am.focus_areas = Set(FocusArea::join(&d.focus_areas));
    am.description_fi = Set(d.description_fi);
    am.description_en = Set(d.description_en);
    am.website = Set(d.website);
    am.updated_at = Set(now());
    let org = am.update(&tx).await?;
    crate::changelog::record(&tx, "organisation.updated", &serde_json::json!({ "org_id": org_id })).await?;
    if audited {
        crate::changelog::admin_action(&tx, policy::user_id(actor)?, "organisation.edit", &org.slug, "").await?;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(org)
}

/// Replaces the logo after checking type and size.
pub async fn set_logo(app: &App, actor: &Principal, slug: &str, bytes: bytes::Bytes) -> Result<(), AppError> {
    let org = get_visible(app, actor, slug).await?;
    policy::require(actor, Action::EditOrganisation { org: OrgId(org.id) })?;
    let key = app.files.put_logo(org.id, bytes).await?;
    let old = org.logo_key.clone();
    let mut am = org.into_active_model();
    am.logo_key = Set(Some(key));
    am.updated_at = Set(now());
    am.update(&app.db).await?;
    if let Some(old) = old {
        app.files.delete(&old).await;
    }
    Ok(())
}

/// A person in an organisation, for the members page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MemberRow {
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub role: OrgRole,
}

/// People of an organisation (visible to its members and staff). Two queries.
pub async fn members(app: &App, actor: &Principal, org: &organisation::Model) -> Result<Vec<MemberRow>, AppError> {
    policy::require(actor, Action::ViewOrganisationMembers { org: OrgId(org.id) })?;
    let ms = org_member::Entity::find().filter(org_member::Column::OrgId.eq(org.id)).all(&app.db).await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ms.iter().map(|m| m.user_id).collect::<Vec<_>>()))
        .order_by_asc(user::Column::Name)
        .all(&app.db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| MemberRow {
            role: ms.iter().find(|m| m.user_id == u.id).map(|m| m.role).unwrap_or(OrgRole::Member),
            user_id: u.id,
            name: u.name,
            email: u.email,
        })
        .collect())
}

/// How a typed organisation was found, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    Found(Box<organisation::Model>),
    /// Nothing matches the words.
    Unknown(String),
    /// Several names contain the words (up to five of them).
    Ambiguous(String, Vec<String>),
}

/// Organisations as people type them: by name ("Lautalaari Oy", any case),
/// by a unique part of a name ("lautalaari"), or by the directory's address
/// ("lautalaari"). Several may be given separated by commas, semicolons or
/// lines (`many`); a line of addresses separated by spaces is read as
/// addresses, as before names were accepted. Among every organisation that
/// is not rejected (one query).
pub async fn by_names(app: &App, typed: &str, many: bool) -> Result<Vec<Named>, AppError> {
    let pool = name_pool(app).await?;
    let parts: Vec<&str> = if many {
        typed.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect()
    } else {
        vec![typed.trim()].into_iter().filter(|s| !s.is_empty()).collect()
    };
    let mut out = Vec::new();
    for part in parts {
        let named = name_one(&pool, part);
        // "purkutaito lautalaari": addresses separated by spaces.
        if many && !matches!(named, Named::Found(_)) && part.contains(' ') {
            let slugs: Vec<Option<&organisation::Model>> =
                part.split_whitespace().map(|w| pool.iter().find(|o| o.slug == w.to_lowercase())).collect();
            if slugs.iter().all(Option::is_some) {
                out.extend(slugs.into_iter().flatten().map(|o| Named::Found(Box::new(o.clone()))));
                continue;
            }
        }
        out.push(named);
    }
    Ok(out)
}

/// Every organisation that may be chosen by name (not rejected), for
/// [`name_one`] over many typed names with one query.
pub async fn name_pool(app: &App) -> Result<Vec<organisation::Model>, AppError> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.ne(MembershipStatus::Rejected))
        .all(&app.db)
        .await?)
}

/// One organisation as typed, among `pool` ([`by_names`] tells how).
pub fn name_one(pool: &[organisation::Model], typed: &str) -> Named {
    let t = typed.trim().to_lowercase();
    if let Some(o) = pool.iter().find(|o| o.slug == t || o.name.to_lowercase() == t) {
        return Named::Found(Box::new(o.clone()));
    }
    let containing: Vec<&organisation::Model> =
        pool.iter().filter(|o| t.chars().count() >= 3 && o.name.to_lowercase().contains(&t)).collect();
    match containing.as_slice() {
        [one] => Named::Found(Box::new((*one).clone())),
        [] => Named::Unknown(typed.trim().to_string()),
        many => Named::Ambiguous(typed.trim().to_string(), many.iter().take(5).map(|o| o.name.clone()).collect()),
    }
}

/// Names of the organisations people may choose from a list (approved
/// members and partners), for a `<datalist>` that suggests them as one
/// types — no script needed.
pub async fn name_choices(app: &App) -> Result<Vec<String>, AppError> {
    Ok(approved(app).await?.into_iter().map(|o| o.name).collect())
}
