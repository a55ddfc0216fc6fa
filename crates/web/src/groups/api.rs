//! JSON twins of the group pages: what a group's public page shows (never
//! its private space).

use crate::{AppState, errors::WebError};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::groups;
use kimppa_app::records::group;
use kimppa_domain::GroupMemberStatus;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupJson {
    pub slug: String,
    /// working-group, mini-cluster, steering or advisory.
    pub kind: String,
    pub name_fi: String,
    pub name_en: String,
    /// Markdown.
    pub description_fi: String,
    pub description_en: String,
    pub focus_areas: Vec<String>,
    /// request (the leads accept) or invitation.
    pub joining: String,
    /// A mini-cluster's phase: initiate, analyse, targets, pilot or export; empty otherwise.
    pub phase: String,
    /// The member organisations, when the group shows them: (name, slug, role).
    pub organisations: Vec<GroupOrgJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupOrgJson {
    pub name: String,
    pub slug: String,
    /// lead, member, expert or facilitator.
    pub role: String,
}

async fn to_json(app: &kimppa_app::App, g: group::Model) -> Result<GroupJson, WebError> {
    let organisations = if g.show_members {
        let rows = groups::memberships(&app.db, g.id).await?;
        let active: Vec<_> =
            rows.into_iter().filter(|m| m.status == GroupMemberStatus::Active && m.user_id.is_none()).collect();
        groups::named(app, &active)
            .await?
            .into_iter()
            .map(|m| GroupOrgJson { name: m.name, slug: m.org_slug, role: m.row.role.key().into() })
            .collect()
    } else {
        vec![]
    };
    Ok(GroupJson {
        focus_areas: kimppa_app::directory::list(&g.focus_areas).into_iter().map(str::to_string).collect(),
        kind: g.kind.key().into(),
        slug: g.slug,
        name_fi: g.name_fi,
        name_en: g.name_en,
        description_fi: g.description_fi,
        description_en: g.description_en,
        joining: g.joining,
        phase: g.phase,
        organisations,
    })
}

/// Every group of the cluster.
#[utoipa::path(get, path = "/api/v1/groups", responses((status = 200, body = Vec<GroupJson>)))]
pub async fn list(State(s): State<AppState>) -> Result<Json<Vec<GroupJson>>, WebError> {
    let mut out = Vec::new();
    for g in groups::list(&s.app).await? {
        out.push(to_json(&s.app, g).await?);
    }
    Ok(Json(out))
}

/// One group's public information.
#[utoipa::path(get, path = "/api/v1/groups/{slug}",
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = GroupJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn get(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<GroupJson>, WebError> {
    let g = groups::get(&s.app, &slug).await?;
    Ok(Json(to_json(&s.app, g).await?))
}
