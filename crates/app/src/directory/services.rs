//! Services of member organisations: create, edit, publish and archive;
//! joint services whose co-providers each confirm (a kimppa's service has its
//! members as co-providers); who may see which
//! service ([`get_visible`] is the one place that decides).

use super::{catalogue::ProviderRef, list};
use crate::{
    App, AppError, email,
    error::{Checker, checked},
    now,
    policy::{self, Action, Principal},
};
use kimppa_domain::OrgId;
use kimppa_domain::{
    FocusArea, Language, MembershipStatus, OfferingType, PriceKind, Region, ServiceStatus, Slug, optional_text,
    required_text,
};
use kimppa_store::entities::{kimppa, kimppa_member, org_member, organisation, service, service_provider, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

/// The service form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ServiceForm {
    pub title_fi: String,
    pub title_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub offering_type: String,
    pub focus_areas: Vec<String>,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub price_kind: String,
    pub price_eur: String,
    pub price_note_fi: String,
    pub price_note_en: String,
    /// User id of the contact person, as typed.
    pub contact_user_id: String,
    pub status: String,
    /// Slugs of the co-providing organisations.
    pub co_providers: Vec<String>,
    /// Slug of the kimppa in whose name the service is offered (empty: none).
    pub kimppa: String,
    /// "1" when the form offered the kimppa choice; otherwise (an import,
    /// say) an empty `kimppa` leaves the service's kimppa as it is.
    pub kimppa_shown: String,
}

impl ServiceForm {
    pub fn from_model(s: &service::Model, co_providers: Vec<String>) -> ServiceForm {
        let owned = |v: &str| list(v).into_iter().map(str::to_string).collect();
        ServiceForm {
            title_fi: s.title_fi.clone(),
            title_en: s.title_en.clone(),
            description_fi: s.description_fi.clone(),
            description_en: s.description_en.clone(),
            offering_type: s.offering_type.to_string(),
            focus_areas: owned(&s.focus_areas),
            regions: owned(&s.regions),
            languages: owned(&s.languages),
            price_kind: s.price_kind.to_string(),
            price_eur: s.price_eur.map(|p| p.to_string()).unwrap_or_default(),
            price_note_fi: s.price_note_fi.clone(),
            price_note_en: s.price_note_en.clone(),
            contact_user_id: s.contact_user_id.map(|i| i.to_string()).unwrap_or_default(),
            status: s.status.to_string(),
            co_providers,
            kimppa: String::new(),
            kimppa_shown: String::new(),
        }
    }
}

/// A checked service form.
#[derive(Debug, Clone)]
pub struct ServiceData {
    pub title_fi: String,
    pub title_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub offering_type: OfferingType,
    pub focus_areas: Vec<FocusArea>,
    pub regions: Vec<Region>,
    pub languages: Vec<Language>,
    pub price_kind: PriceKind,
    pub price_eur: Option<i32>,
    pub price_note_fi: String,
    pub price_note_en: String,
    pub contact_user_id: Option<i32>,
    pub status: ServiceStatus,
    pub co_providers: Vec<String>,
    pub kimppa: Option<String>,
    /// No kimppa named and none offered: the stored one stays.
    pub keep_kimppa: bool,
    /// Set when the kimppa is resolved.
    pub kimppa_id: Option<i32>,
}

impl ServiceData {
    pub fn search_text(&self) -> String {
        super::search_text(&[
            &self.title_fi,
            &self.title_en,
            &self.description_fi,
            &self.description_en,
            &self.price_note_fi,
            &self.price_note_en,
        ])
    }
}

fn non_empty<T>(c: &mut Checker, field: &'static str, v: Option<Vec<T>>) -> Vec<T> {
    let v = v.unwrap_or_default();
    if v.is_empty() && !c.errors.iter().any(|e| e.field == field) {
        c.push(field, "err-choose-one");
    }
    v
}

/// Checks every field and reports all problems at once.
pub fn parse_form(f: &ServiceForm) -> Result<ServiceData, AppError> {
    let mut c = Checker::default();
    let title_fi = c.check("title_fi", required_text(&f.title_fi, 160));
    let title_en = c.check("title_en", optional_text(&f.title_en, 160));
    let description_fi = c.check("description_fi", required_text(&f.description_fi, 8000));
    let description_en = c.check("description_en", optional_text(&f.description_en, 8000));
    let offering_type = c.check("offering_type", OfferingType::parse(&f.offering_type));
    let focus_areas = c.check("focus_areas", FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)));
    let regions = c.check("regions", Region::parse_list(f.regions.iter().map(String::as_str)));
    let regions = non_empty(&mut c, "regions", regions);
    let languages = c.check("languages", Language::parse_list(f.languages.iter().map(String::as_str)));
    let languages = non_empty(&mut c, "languages", languages);
    let price_kind = c.check("price_kind", PriceKind::parse(&f.price_kind));
    let price_eur = {
        let t: String = f.price_eur.chars().filter(|ch| !ch.is_whitespace()).collect();
        if t.is_empty() {
            None
        } else {
            match t.parse::<i32>() {
                Ok(p) if (0..=10_000_000).contains(&p) => Some(p),
                _ => {
                    c.push("price_eur", "err-price");
                    None
                }
            }
        }
    };
    let price_note_fi = c.check("price_note_fi", optional_text(&f.price_note_fi, 300));
    let price_note_en = c.check("price_note_en", optional_text(&f.price_note_en, 300));
    let contact_user_id = match f.contact_user_id.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                c.push("contact_user_id", "err-unknown-value");
                None
            }
        },
    };
    let status = if f.status.trim().is_empty() {
        Some(ServiceStatus::Draft)
    } else {
        c.check("status", ServiceStatus::parse(&f.status))
    };
    let mut co_providers: Vec<String> = Vec::new();
    for s in &f.co_providers {
        let s = s.trim();
        if !s.is_empty() && !co_providers.iter().any(|x| x == s) {
            co_providers.push(s.to_string());
        }
    }
    if co_providers.len() > 10 {
        c.push("co_providers", "err-too-many");
    }
    c.finish()?;
    Ok(ServiceData {
        title_fi: title_fi.ok_or_else(checked)?,
        title_en: title_en.flatten().unwrap_or_default(),
        description_fi: description_fi.ok_or_else(checked)?,
        description_en: description_en.flatten().unwrap_or_default(),
        offering_type: offering_type.ok_or_else(checked)?,
        focus_areas: focus_areas.unwrap_or_default(),
        regions,
        languages,
        price_kind: price_kind.ok_or_else(checked)?,
        price_eur,
        price_note_fi: price_note_fi.flatten().unwrap_or_default(),
        price_note_en: price_note_en.flatten().unwrap_or_default(),
        contact_user_id,
        status: status.ok_or_else(checked)?,
        co_providers,
        kimppa: Some(f.kimppa.trim().to_string()).filter(|k| !k.is_empty()),
        keep_kimppa: f.kimppa.trim().is_empty() && f.kimppa_shown != "1",
        kimppa_id: None,
    })
}

/// A service as its page shows it.
#[derive(Debug, Clone)]
pub struct ServiceView {
    pub service: service::Model,
    pub owner: organisation::Model,
    /// Co-providers who confirmed.
    pub co_providers: Vec<ProviderRef>,
    /// Co-providers still asked to confirm (shown to those who manage it).
    pub pending: Vec<ProviderRef>,
    pub contact: Option<(String, Option<String>)>,
    /// May the actor manage the service (why not, when not)?
    pub manage: policy::Decision,
    pub can_manage: bool,
    /// The actor administers a co-provider that has not confirmed yet.
    pub can_confirm_as: Option<ProviderRef>,
    /// The actor belongs to the owner (and so does not contact it).
    pub own: bool,
    /// The kimppa in whose name it is offered: (slug, name), when published.
    pub kimppa: Option<(String, String)>,
}

/// A service's page, when `actor` may see it (see [`super::visibility`]).
pub async fn get_visible(app: &App, actor: &Principal, slug: &str) -> Result<ServiceView, AppError> {
    let s =
        service::Entity::find().filter(service::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let owner = organisation::Entity::find_by_id(s.owner_org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let providers = service_provider::Entity::find()
        .filter(service_provider::Column::ServiceId.eq(s.id))
        .order_by_asc(service_provider::Column::Id)
        .all(&app.db)
        .await?;
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(providers.iter().map(|p| p.org_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    let manage = policy::decide(actor, Action::ManageServices { org: OrgId(owner.id) });
    let can_manage = manage.allowed();
    let provider_ref = |o: &organisation::Model| ProviderRef { slug: o.slug.clone(), name: o.name.clone() };
    let mut co_providers = vec![];
    let mut pending = vec![];
    let mut can_confirm_as = None;
    for p in &providers {
        let Some(o) = orgs.iter().find(|o| o.id == p.org_id) else { continue };
        if p.confirmed_at.is_some() {
            if o.membership_status == MembershipStatus::Approved {
                co_providers.push(provider_ref(o));
            }
        } else {
            pending.push(provider_ref(o));
            if policy::allowed(actor, Action::AnswerForOrganisation { org: OrgId(o.id) }) {
                can_confirm_as = Some(provider_ref(o));
            }
        }
    }
    let asked: Vec<i32> = providers.iter().filter(|p| p.confirmed_at.is_none()).map(|p| p.org_id).collect();
    if !super::visibility::sees(actor, &s, owner.membership_status, &asked) {
        return Err(AppError::NotFound);
    }
    let contact = match s.contact_user_id {
        Some(id) => user::Entity::find_by_id(id).one(&app.db).await?.map(|u| (u.name, u.title)),
        None => None,
    };
    // In a kimppa's name once every co-provider has confirmed.
    let all_confirmed = pending.is_empty();
    if !can_manage {
        pending.clear();
    }
    let own = policy::allowed(actor, Action::ActForOrganisation { org: OrgId(owner.id) });
    let kimppa = match s.kimppa_id.filter(|_| all_confirmed) {
        Some(id) => kimppa::Entity::find_by_id(id)
            .filter(kimppa::Column::Published.eq(true))
            .one(&app.db)
            .await?
            .map(|k| (k.slug, k.name)),
        None => None,
    };
    Ok(ServiceView {
        service: s,
        owner,
        co_providers,
        pending,
        contact,
        manage,
        can_manage,
        can_confirm_as,
        own,
        kimppa,
    })
}

async fn unique_slug<C: ConnectionTrait>(conn: &C, title: &str) -> Result<String, AppError> {
    let base = Slug::from_name(title).map(|s| s.to_string()).unwrap_or_else(|_| "palvelu".into());
    for n in 1..1000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        if service::Entity::find().filter(service::Column::Slug.eq(&candidate)).one(conn).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict("slug"))
}

/// People of an organisation who can be named as contact persons: (id, name).
pub async fn contact_choices(app: &App, org_id: i32) -> Result<Vec<(i32, String)>, AppError> {
    let ms = org_member::Entity::find().filter(org_member::Column::OrgId.eq(org_id)).all(&app.db).await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ms.iter().map(|m| m.user_id).collect::<Vec<_>>()))
        .order_by_asc(user::Column::Name)
        .all(&app.db)
        .await?;
    Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Co-provider slugs resolved to approved organisations other than the owner.
async fn resolve_co_providers<C: ConnectionTrait>(
    conn: &C,
    owner_id: i32,
    slugs: &[String],
) -> Result<Vec<organisation::Model>, AppError> {
    if slugs.is_empty() {
        return Ok(vec![]);
    }
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Slug.is_in(slugs.to_vec()))
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .filter(organisation::Column::Id.ne(owner_id))
        .all(conn)
        .await?;
    if orgs.len() != slugs.len() {
        return Err(AppError::field("co_providers", "err-co-provider"));
    }
    Ok(orgs)
}

/// A service offered in a kimppa's name: the owner must be one of its
/// members, and the other (approved) members become co-providers, each
/// asked to confirm as any co-provider is.
async fn resolve_kimppa<C: ConnectionTrait>(conn: &C, owner_id: i32, d: &mut ServiceData) -> Result<(), AppError> {
    let Some(slug) = &d.kimppa else {
        d.kimppa_id = None;
        return Ok(());
    };
    let k = kimppa::Entity::find().filter(kimppa::Column::Slug.eq(slug)).one(conn).await?;
    let members = match &k {
        Some(k) => {
            kimppa_member::Entity::find()
                .filter(kimppa_member::Column::KimppaId.eq(k.id))
                .filter(kimppa_member::Column::ConfirmedAt.is_not_null())
                .all(conn)
                .await?
        }
        None => vec![],
    };
    let (Some(k), true) = (k, members.iter().any(|m| m.org_id == owner_id)) else {
        return Err(AppError::field("kimppa", "err-kimppa-not-member"));
    };
    let others: Vec<i32> = members.iter().map(|m| m.org_id).filter(|o| *o != owner_id).collect();
    let slugs: Vec<String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(others))
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| o.slug)
        .collect();
    for s in slugs {
        if !d.co_providers.contains(&s) {
            d.co_providers.push(s);
        }
    }
    d.kimppa_id = Some(k.id);
    Ok(())
}

/// The kimppas an organisation belongs to: (id, slug, name), for the service form.
pub async fn kimppa_choices(app: &App, org_id: i32) -> Result<Vec<(i32, String, String)>, AppError> {
    let ids: Vec<i32> = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::OrgId.eq(org_id))
        .filter(kimppa_member::Column::ConfirmedAt.is_not_null())
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| m.kimppa_id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(kimppa::Entity::find()
        .filter(kimppa::Column::Id.is_in(ids))
        .order_by_asc(kimppa::Column::Name)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|k| (k.id, k.slug, k.name))
        .collect())
}

/// The published services offered in a kimppa's name by an approved
/// member, once every co-provider has confirmed (three queries).
pub async fn of_kimppa(app: &App, kimppa_id: i32) -> Result<Vec<service::Model>, AppError> {
    let rows = service::Entity::find()
        .filter(service::Column::KimppaId.eq(kimppa_id))
        .filter(service::Column::Status.eq(ServiceStatus::Published))
        .order_by_asc(service::Column::TitleFi)
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(rows);
    }
    let waiting: Vec<i32> = service_provider::Entity::find()
        .filter(service_provider::Column::ServiceId.is_in(rows.iter().map(|s| s.id).collect::<Vec<_>>()))
        .filter(service_provider::Column::ConfirmedAt.is_null())
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| p.service_id)
        .collect();
    let approved: Vec<i32> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|s| s.owner_org_id).collect::<Vec<_>>()))
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok(rows.into_iter().filter(|s| !waiting.contains(&s.id) && approved.contains(&s.owner_org_id)).collect())
}

async fn check_contact<C: ConnectionTrait>(conn: &C, org_id: i32, contact: Option<i32>) -> Result<(), AppError> {
    let Some(uid) = contact else { return Ok(()) };
    let member = org_member::Entity::find()
        .filter(org_member::Column::OrgId.eq(org_id))
        .filter(org_member::Column::UserId.eq(uid))
        .one(conn)
        .await?;
    if member.is_none() {
        return Err(AppError::field("contact_user_id", "err-unknown-value"));
    }
    Ok(())
}

/// The admins of an organisation: (email, locale). One query each.
pub(crate) async fn admin_emails<C: ConnectionTrait>(conn: &C, org_id: i32) -> Result<Vec<(String, String)>, AppError> {
    Ok(crate::people::org_admins(conn, org_id).await?.into_iter().map(|u| (u.email, u.locale)).collect())
}

/// Adds and removes co-providers to match `wanted`; newly asked ones get
/// an email to their admins.
pub(crate) async fn sync_co_providers<C: ConnectionTrait>(
    app: &App,
    conn: &C,
    s: &service::Model,
    owner: &organisation::Model,
    wanted: &[organisation::Model],
) -> Result<(), AppError> {
    let existing =
        service_provider::Entity::find().filter(service_provider::Column::ServiceId.eq(s.id)).all(conn).await?;
    for p in &existing {
        if !wanted.iter().any(|o| o.id == p.org_id) {
            service_provider::Entity::delete_by_id(p.id).exec(conn).await?;
        }
    }
    for o in wanted {
        if existing.iter().any(|p| p.org_id == o.id) {
            continue;
        }
        service_provider::ActiveModel {
            service_id: Set(s.id),
            org_id: Set(o.id),
            confirmed_at: Set(None),
            confirmed_by: Set(None),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (to, lang) in admin_emails(conn, o.id).await? {
            let link = app.url(&format!("/{lang}/organisations/{}/services", o.slug));
            let (subject, body) = texts::co_provider_asked(&lang, &owner.name, &s.title_fi, &link);
            email::queue(conn, &to, &subject, &body).await?;
        }
    }
    Ok(())
}

fn fill(am: &mut service::ActiveModel, d: &ServiceData) {
    am.search_text = Set(d.search_text());
    am.title_fi = Set(d.title_fi.clone());
    am.title_en = Set(d.title_en.clone());
    am.description_fi = Set(d.description_fi.clone());
    am.description_en = Set(d.description_en.clone());
    am.offering_type = Set(d.offering_type);
    am.focus_areas = Set(FocusArea::join(&d.focus_areas));
    am.regions = Set(Region::join(&d.regions));
    am.languages = Set(Language::join(&d.languages));
    am.price_kind = Set(d.price_kind);
    am.price_eur = Set(d.price_eur);
    am.price_note_fi = Set(d.price_note_fi.clone());
    am.price_note_en = Set(d.price_note_en.clone());
    am.contact_user_id = Set(d.contact_user_id);
    am.status = Set(d.status);
    if !d.keep_kimppa {
        am.kimppa_id = Set(d.kimppa_id);
    }
    am.updated_at = Set(now());
}

/// Inserts a new service or updates `target`; the first publication sets
/// `published_at`.
pub(crate) async fn write<C: ConnectionTrait>(
    conn: &C,
    owner: &organisation::Model,
    target: Option<service::Model>,
    d: &ServiceData,
) -> Result<service::Model, AppError> {
    let published = d.status == ServiceStatus::Published;
    match target {
        Some(t) => {
            let first_publish = published && t.published_at.is_none();
            let mut am = t.into_active_model();
            fill(&mut am, d);
            if first_publish {
                am.published_at = Set(Some(now()));
            }
            Ok(am.update(conn).await?)
        }
        None => {
            let slug = unique_slug(conn, &d.title_fi).await?;
            let mut am = service::ActiveModel {
                slug: Set(slug),
                owner_org_id: Set(owner.id),
                created_at: Set(now()),
                published_at: Set(published.then(now)),
                ..Default::default()
            };
            fill(&mut am, d);
            Ok(am.insert(conn).await?)
        }
    }
}

/// Creates a service of the organisation `org_slug`.
pub async fn create(
    app: &App,
    actor: &Principal,
    org_slug: &str,
    form: &ServiceForm,
) -> Result<service::Model, AppError> {
    let owner = crate::organisations::get_visible(app, actor, org_slug).await?;
    policy::require(actor, Action::ManageServices { org: OrgId(owner.id) })?;
    let mut d = parse_form(form)?;
    let tx = app.db.begin().await?;
    resolve_kimppa(&tx, owner.id, &mut d).await?;
    let wanted = resolve_co_providers(&tx, owner.id, &d.co_providers).await?;
    check_contact(&tx, owner.id, d.contact_user_id).await?;
    let s = write(&tx, &owner, None, &d).await?;
    sync_co_providers(app, &tx, &s, &owner, &wanted).await?;
    crate::changelog::record(&tx, "service.created", &serde_json::json!({ "service_id": s.id })).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(s)
}

/// Updates a service (publishing, archiving and co-providers included).
pub async fn update(app: &App, actor: &Principal, slug: &str, form: &ServiceForm) -> Result<service::Model, AppError> {
    let view = get_visible(app, actor, slug).await?;
    view.manage.into_result()?;
    let mut d = parse_form(form)?;
    let tx = app.db.begin().await?;
    resolve_kimppa(&tx, view.owner.id, &mut d).await?;
    let wanted = resolve_co_providers(&tx, view.owner.id, &d.co_providers).await?;
    check_contact(&tx, view.owner.id, d.contact_user_id).await?;
    let s = write(&tx, &view.owner, Some(view.service.clone()), &d).await?;
    sync_co_providers(app, &tx, &s, &view.owner, &wanted).await?;
    crate::changelog::record(&tx, "service.updated", &serde_json::json!({ "service_id": s.id })).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(s)
}

/// A co-provider's admin confirms (or declines) offering the service jointly.
pub async fn answer_co_provision(app: &App, actor: &Principal, slug: &str, accept: bool) -> Result<(), AppError> {
    let view = get_visible(app, actor, slug).await?;
    policy::signed_in(actor)?;
    let as_org = view.can_confirm_as.ok_or(AppError::Forbidden)?;
    let org = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(&as_org.slug))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = service_provider::Entity::find()
        .filter(service_provider::Column::ServiceId.eq(view.service.id))
        .filter(service_provider::Column::OrgId.eq(org.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    if accept {
        let mut am = row.into_active_model();
        am.confirmed_at = Set(Some(now()));
        am.confirmed_by = Set(actor.user_id().map(i32::from));
        am.update(&tx).await?;
    } else {
        service_provider::Entity::delete_by_id(row.id).exec(&tx).await?;
    }
    for (to, lang) in admin_emails(&tx, view.owner.id).await? {
        let (subject, body) = texts::co_provider_answered(&lang, &org.name, &view.service.title_fi, accept);
        email::queue(&tx, &to, &subject, &body).await?;
    }
    crate::changelog::record(
        &tx,
        "service.co_provider",
        &serde_json::json!({ "service_id": view.service.id, "org_id": org.id, "accepted": accept }),
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Services shown on an organisation's profile to `actor`: its own published
/// ones and the published ones it co-provides after confirming; with
/// `manage`, also its drafts and archived ones. Only what `actor` may see
/// (see [`super::visibility`]). Two queries.
pub async fn of_org(app: &App, actor: &Principal, org_id: i32, manage: bool) -> Result<Vec<service::Model>, AppError> {
    let co: Vec<i32> = service_provider::Entity::find()
        .filter(service_provider::Column::OrgId.eq(org_id))
        .filter(service_provider::Column::ConfirmedAt.is_not_null())
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| p.service_id)
        .collect();
    let mut cond = sea_orm::Condition::any().add(service::Column::OwnerOrgId.eq(org_id));
    if !co.is_empty() {
        cond = cond.add(
            sea_orm::Condition::all()
                .add(service::Column::Id.is_in(co))
                .add(service::Column::Status.eq(ServiceStatus::Published)),
        );
    }
    let mut q = service::Entity::find().filter(cond).filter(super::visibility::condition(actor));
    if !manage {
        q = q.filter(service::Column::Status.eq(ServiceStatus::Published));
    }
    let mut rows = q.all(&app.db).await?;
    rows.sort_by_key(|s| super::sort_key(&s.title_fi));
    Ok(rows)
}

/// Services where the organisation is asked to confirm co-provision.
pub async fn pending_for_org(app: &App, org_id: i32) -> Result<Vec<(service::Model, String)>, AppError> {
    let rows = service_provider::Entity::find()
        .filter(service_provider::Column::OrgId.eq(org_id))
        .filter(service_provider::Column::ConfirmedAt.is_null())
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let services = service::Entity::find()
        .filter(service::Column::Id.is_in(rows.iter().map(|r| r.service_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    let owners = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(services.iter().map(|s| s.owner_org_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    Ok(services
        .into_iter()
        .map(|s| {
            let owner = owners.iter().find(|o| o.id == s.owner_org_id).map(|o| o.name.clone()).unwrap_or_default();
            (s, owner)
        })
        .collect())
}

/// Slugs of a service's co-providers (confirmed or not), for the form.
pub async fn co_provider_slugs(app: &App, service_id: i32) -> Result<Vec<String>, AppError> {
    let rows = service_provider::Entity::find()
        .filter(service_provider::Column::ServiceId.eq(service_id))
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|r| r.org_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| o.slug)
        .collect())
}

/// Approved organisations other than `except`: (slug, name), for choosing co-providers.
pub async fn partner_choices(app: &App, except: i32) -> Result<Vec<(String, String)>, AppError> {
    let mut rows: Vec<(String, String)> = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .filter(organisation::Column::Id.ne(except))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.slug, o.name))
        .collect();
    rows.sort_by_key(|(_, n)| super::sort_key(n));
    Ok(rows)
}

mod texts {
    pub fn co_provider_asked(lang: &str, owner: &str, title: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("{owner} asks you to co-provide a service on Kimppa"),
                format!(
                    "{owner} named your organisation as a co-provider of the service \"{title}\".\nThe service shows on your profile only after you confirm. Confirm or decline here:\n{link}\n"
                ),
            )
        } else {
            (
                format!("{owner} pyytää teitä palvelun yhteistarjoajaksi Kimppassa"),
                format!(
                    "{owner} nimesi organisaationne palvelun \"{title}\" yhteistarjoajaksi.\nPalvelu näkyy profiilissanne vasta, kun vahvistatte sen. Vahvista tai kieltäydy täällä:\n{link}\n"
                ),
            )
        }
    }

    pub fn co_provider_answered(lang: &str, org: &str, title: &str, accepted: bool) -> (String, String) {
        match (lang == "en", accepted) {
            (true, true) => (
                format!("{org} confirmed the joint service"),
                format!("{org} confirmed that it co-provides the service \"{title}\".\n"),
            ),
            (true, false) => (
                format!("{org} declined the joint service"),
                format!("{org} declined to co-provide the service \"{title}\".\n"),
            ),
            (false, true) => (
                format!("{org} vahvisti yhteisen palvelun"),
                format!("{org} vahvisti tarjoavansa palvelua \"{title}\" yhdessä kanssanne.\n"),
            ),
            (false, false) => (
                format!("{org} kieltäytyi yhteisestä palvelusta"),
                format!("{org} kieltäytyi palvelun \"{title}\" yhteistarjoajuudesta.\n"),
            ),
        }
    }
}
