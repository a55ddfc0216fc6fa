//! The public URLs of the site, built from the same visibility rules as
//! the pages themselves.

use crate::{App, AppError, policy::Principal};
use kimppa_domain::{MembershipStatus, ServiceStatus};
use kimppa_store::entities::{expert, glossary_term, organisation, service};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Paths (without language prefix) of every public page; each exists in
/// Finnish and English.
pub async fn public_paths(app: &App) -> Result<Vec<String>, AppError> {
    let anon = Principal::Anonymous;
    let mut paths: Vec<String> = [
        "/",
        "/organisations",
        "/services",
        "/experts",
        "/news",
        "/glossary",
        "/faq",
        "/clusters",
        "/events",
        "/events/year",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in super::pages::visible(&anon).all(&app.db).await? {
        paths.push(format!("/pages/{}", p.slug));
    }
    for n in super::news::visible(&anon).all(&app.db).await? {
        paths.push(format!("/news/{}", n.slug));
    }
    for t in glossary_term::Entity::find().all(&app.db).await? {
        paths.push(format!("/glossary/{}", t.slug));
    }
    for o in organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .all(&app.db)
        .await?
    {
        paths.push(format!("/organisations/{}", o.slug));
    }
    // Published services and listed experts of approved organisations.
    let approved = crate::directory::catalogue::approved_orgs(app).await?;
    for s in service::Entity::find().filter(service::Column::Status.eq(ServiceStatus::Published)).all(&app.db).await? {
        if approved.contains_key(&s.owner_org_id) {
            paths.push(format!("/services/{}", s.slug));
        }
    }
    for e in expert::Entity::find().filter(expert::Column::Listed.eq(true)).all(&app.db).await? {
        if approved.contains_key(&e.org_id) {
            paths.push(format!("/experts/{}", e.id));
        }
    }
    // Events a visitor sees (drafts and members-only events are not).
    for e in kimppa_store::entities::event::Entity::find()
        .filter(crate::events::visibility::condition(&anon))
        .all(&app.db)
        .await?
    {
        paths.push(format!("/events/{}", e.id));
    }
    for g in kimppa_store::entities::group::Entity::find().all(&app.db).await? {
        paths.push(format!("/groups/{}", g.slug));
    }
    Ok(paths)
}
