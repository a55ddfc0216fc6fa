//! Search documents of the directory: organisations (approved members),
//! published services with their providers, and listed experts.

use crate::{
    App, AppError, directory,
    search::documents::{Places, Which, doc, facets, fetch, plain},
};
use kimppa_domain::{MembershipStatus, ServiceStatus};
use kimppa_search::Doc;
use kimppa_store::entities::{expert, organisation, service, service_provider, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add("organisation", |app, which| Box::pin(async move { organisations(&app, &which).await }));
    h.documents.add("service", |app, which| Box::pin(async move { services(&app, &which).await }));
    h.documents.add("expert", |app, which| Box::pin(async move { experts(&app, &which).await }));
}

async fn organisations(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = organisation::Entity::find().filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved));
    let rows = fetch(app, q, organisation::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let places = Places::load(app).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let mut d = doc(
                "organisation",
                o.id,
                format!("/organisations/{}", o.slug),
                (&o.name, &o.name),
                (
                    format!("{} {}", plain(&o.description_fi), places.words(&o.municipality)),
                    format!("{} {}", plain(&o.description_en), places.words(&o.municipality)),
                ),
            );
            d.facets = facets(
                &[("org_type", o.org_type.key()), ("municipality", &o.municipality)],
                &[("focus", &o.focus_areas), ("offering", &o.offering_types)],
            );
            d
        })
        .collect())
}

async fn services(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = service::Entity::find().filter(service::Column::Status.eq(ServiceStatus::Published));
    let rows = fetch(app, q, service::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = directory::catalogue::approved_orgs(app).await?;
    let places = Places::load(app).await?;
    let mut co: HashMap<i32, Vec<i32>> = HashMap::new();
    let confirmed = service_provider::Entity::find().filter(service_provider::Column::ConfirmedAt.is_not_null());
    let providers = fetch(app, confirmed, service_provider::Column::ServiceId, which).await?;
    for p in providers {
        co.entry(p.service_id).or_default().push(p.org_id);
    }
    Ok(rows
        .into_iter()
        .filter_map(|s| {
            let (_, owner_name, owner_type, municipality) = orgs.get(&s.owner_org_id)?;
            let mut names = vec![owner_name.clone()];
            let mut types = vec![owner_type.clone()];
            for id in co.get(&s.id).into_iter().flatten() {
                if let Some((_, n, t, _)) = orgs.get(id) {
                    names.push(n.clone());
                    types.push(t.clone());
                }
            }
            let providers = format!("{} {}", names.join(", "), places.words(municipality));
            let mut d = doc(
                "service",
                s.id,
                format!("/services/{}", s.slug),
                (&s.title_fi, &s.title_en),
                (
                    format!("{} {} {}", plain(&s.description_fi), s.price_note_fi, providers),
                    format!("{} {} {}", plain(&s.description_en), s.price_note_en, providers),
                ),
            );
            d.facets = facets(
                &[("offering", s.offering_type.key()), ("municipality", municipality)],
                &[("focus", &s.focus_areas), ("org_type", &types.join(","))],
            );
            Some(d)
        })
        .collect())
}

async fn experts(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let listed =
        fetch(app, expert::Entity::find().filter(expert::Column::Listed.eq(true)), expert::Column::Id, which).await?;
    if listed.is_empty() {
        return Ok(vec![]);
    }
    let people: HashMap<i32, user::Model> =
        crate::people::users(&app.db, listed.iter().map(|e| e.user_id)).await?.into_iter().map(|u| (u.id, u)).collect();
    let rows: Vec<(expert::Model, Option<user::Model>)> = listed
        .into_iter()
        .map(|e| {
            let u = people.get(&e.user_id).cloned();
            (e, u)
        })
        .collect();
    let orgs = directory::catalogue::approved_orgs(app).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, u)| {
            let u = u?;
            let (_, org_name, org_type, municipality) = orgs.get(&e.org_id)?;
            let tags = directory::list(&e.tags).join(", ");
            let title = u.title.clone().unwrap_or_default();
            let mut d = doc(
                "expert",
                e.id,
                format!("/experts/{}", e.id),
                (&u.name, &u.name),
                (
                    format!("{title} {tags} {org_name} {}", plain(&e.bio_fi)),
                    format!("{title} {tags} {org_name} {}", plain(&e.bio_en)),
                ),
            );
            d.facets = facets(&[("org_type", org_type), ("municipality", municipality)], &[("focus", &e.focus_areas)]);
            Some(d)
        })
        .collect())
}
