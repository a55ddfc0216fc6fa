//! The demo dataset: a fictional Oulu-region cluster with organisations of
//! every type, people, memberships, the commitment agreement and staff
//! accounts, the website content, and a year of events, and the working groups. Nothing in it is real personal data.

mod challenges;
mod content;
mod directory;
mod events;
mod forum;
mod groups;
mod impact;
mod materials;
mod pipeline;

use crate::{
    App, AppError, accounts, membership,
    organisations::{self, OrgForm},
};
use kimppa_domain::{Email, MembershipStatus, MembershipTier, OrgRole, PlatformRole};
use kimppa_store::entities::user;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use serde::Deserialize;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "kimppa-demo-2026";
pub const ORCHESTRATOR_EMAIL: &str = "orkestroija@kimppa.example.fi";
pub const ORCHESTRATOR_TOTP: &str = "KIMPPADEMOORKESTROIJAQRSTUVWXYZ2";
pub const OPERATOR_EMAIL: &str = "operaattori@kimppa.example.fi";
pub const OPERATOR_TOTP: &str = "KIMPPADEMOOPERAATTORIABCDEFGHIJ3";

const DATA: &str = include_str!("oulu.json");
const AGREEMENT_FI: &str = include_str!("agreement_fi.md");
const AGREEMENT_EN: &str = include_str!("agreement_en.md");

#[derive(Deserialize)]
struct Data {
    organisations: Vec<Org>,
    people: Vec<Person>,
}

#[derive(Deserialize)]
struct Org {
    slug: String,
    name: String,
    business_id: Option<String>,
    country: String,
    org_type: String,
    size_class: String,
    municipality: String,
    focus_areas: Vec<String>,
    description_fi: String,
    description_en: String,
    website: String,
    membership: String,
}

#[derive(Deserialize)]
struct Person {
    name: String,
    email: String,
    title: String,
    organisation: String,
    role: String,
}

/// Counts of what was loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    pub organisations: usize,
    pub people: usize,
    pub services: usize,
    pub experts: usize,
    pub threads: usize,
    pub challenges: usize,
    pub kimppas: usize,
    pub listings: usize,
    pub events: usize,
    pub groups: usize,
    pub pipeline: usize,
}

/// True when the database has no users yet.
pub async fn is_empty(app: &App) -> Result<bool, AppError> {
    Ok(user::Entity::find().count(&app.db).await? == 0)
}

/// Loads the dataset into an empty database, in one transaction.
pub async fn load(app: &App) -> Result<Loaded, AppError> {
    if !is_empty(app).await? {
        return Err(AppError::Conflict("database-not-empty"));
    }
    let data: Data = serde_json::from_str(DATA).map_err(AppError::internal)?;
    let hash = accounts::hash_password(DEMO_PASSWORD).await?;
    let tx = app.db.begin().await?;
    let orchestrator = accounts::create_verified_user(
        &tx,
        &Email::parse(ORCHESTRATOR_EMAIL).map_err(AppError::internal)?,
        "Olli Orkestroija",
        &hash,
        PlatformRole::Orchestrator,
        Some(ORCHESTRATOR_TOTP),
    )
    .await?;
    accounts::create_verified_user(
        &tx,
        &Email::parse(OPERATOR_EMAIL).map_err(AppError::internal)?,
        "Outi Operaattori",
        &hash,
        PlatformRole::Operator,
        Some(OPERATOR_TOTP),
    )
    .await?;
    let agreement = membership::insert_agreement(
        &tx,
        1,
        [
            "Kiertotalousklusterin sitoumus".into(),
            "Commitment to the circular economy cluster".into(),
            AGREEMENT_FI.into(),
            AGREEMENT_EN.into(),
        ],
        Some(orchestrator.id),
    )
    .await?;
    let dir = directory::data()?;
    let mut org_ids = std::collections::HashMap::new();
    let mut orgs = std::collections::HashMap::new();
    for o in &data.organisations {
        let profile = dir.profiles.iter().find(|p| p.org == o.slug);
        let carbon = profile.and_then(|p| p.carbon.as_ref());
        let form = OrgForm {
            offering_types: profile.map(|p| p.offering_types.clone()).unwrap_or_default(),
            carbon_tonnes: carbon.map(|c| c.tonnes.to_string()).unwrap_or_default(),
            carbon_year: carbon.map(|c| c.year.to_string()).unwrap_or_default(),
            carbon_method: carbon.map(|c| c.method_fi.clone()).unwrap_or_default(),
            name: o.name.clone(),
            business_id: o.business_id.clone().unwrap_or_default(),
            country: o.country.clone(),
            org_type: o.org_type.clone(),
            size_class: o.size_class.clone(),
            municipality: o.municipality.clone(),
            focus_areas: o.focus_areas.clone(),
            description_fi: o.description_fi.clone(),
            description_en: o.description_en.clone(),
            website: o.website.clone(),
            ..Default::default()
        };
        let d = organisations::parse_form(&form).map_err(|e| AppError::fail(format!("demo org {}: {e:?}", o.slug)))?;
        let (status, tier) = match o.membership.as_str() {
            "member" | "partner" => {
                (MembershipStatus::Approved, Some(MembershipTier::parse(&o.membership).map_err(AppError::internal)?))
            }
            "pending" => (MembershipStatus::Pending, None),
            _ => (MembershipStatus::None, None),
        };
        let org = organisations::insert_org(&tx, &o.slug, &d, None, status, tier).await?;
        org_ids.insert(o.slug.clone(), (org.id, status, tier));
        orgs.insert(o.slug.clone(), org);
    }
    let mut people = 0;
    let mut by_email = directory::People::new();
    for p in &data.people {
        let email = Email::parse(&p.email).map_err(AppError::internal)?;
        let u = accounts::create_verified_user(&tx, &email, &p.name, &hash, PlatformRole::Person, None).await?;
        people += 1;
        set_title(&tx, u.id, &p.title).await?;
        by_email.insert(p.email.clone(), (u.id, p.name.clone(), p.title.clone(), p.organisation.clone()));
        let Some(&(org_id, status, tier)) = org_ids.get(&p.organisation) else {
            return Err(AppError::fail(format!("demo person {} names unknown organisation", p.email)));
        };
        let role = OrgRole::parse(&p.role).map_err(AppError::internal)?;
        organisations::add_member(&tx, org_id, u.id, role).await?;
        // The first admin of each organisation accepted the agreement.
        if role == OrgRole::Admin && status != MembershipStatus::None {
            let already = kimppa_store::entities::agreement_acceptance::Entity::find()
                .filter(kimppa_store::entities::agreement_acceptance::Column::OrgId.eq(org_id))
                .count(&tx)
                .await?;
            if already == 0 {
                membership::record_acceptance(&tx, org_id, u.id, agreement.id).await?;
                membership::record_event(&tx, org_id, "applied", None, None, Some(u.id)).await?;
                if status == MembershipStatus::Approved {
                    membership::record_event(
                        &tx,
                        org_id,
                        "approved",
                        tier.map(|t| t.key()),
                        None,
                        Some(orchestrator.id),
                    )
                    .await?;
                }
            }
        }
    }
    content::load(&tx, Some(orchestrator.id)).await?;
    let (services, experts) = directory::load(&tx, &dir, &orgs, &by_email).await?;
    let threads = forum::load(&tx, &by_email, &orgs, (ORCHESTRATOR_EMAIL, orchestrator.id)).await?;
    let (challenges, kimppas) = challenges::load(&tx, &by_email, &orgs, orchestrator.id).await?;
    let listings = materials::load(&tx, &by_email, &orgs).await?;
    let events = events::load(&tx, &by_email, &orgs, orchestrator.id).await?;
    let groups = groups::load(&tx, &by_email, &orgs, orchestrator.id).await?;
    let pipeline = pipeline::load(&tx, &orgs, orchestrator.id).await?;
    for kind in crate::search::documents::kinds(app) {
        crate::search::touch_all(&tx, kind).await?;
    }
    tx.commit().await?;
    materials::finish(app).await?;
    impact::load(app, orchestrator.id).await?;
    Ok(Loaded {
        organisations: data.organisations.len(),
        people,
        services,
        experts,
        threads,
        challenges,
        kimppas,
        listings,
        events,
        groups,
        pipeline,
    })
}

async fn set_title<C: sea_orm::ConnectionTrait>(conn: &C, user_id: i32, title: &str) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(user::Column::Title, Some(title.to_string()).into())
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}
