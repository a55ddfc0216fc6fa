//! JSON twins of the public list of innovations and projects: a published
//! pipeline record's public fields only (never the rest of the record).

use crate::{AppState, errors::WebError};
use axum::{
    Json,
    extract::{Path, Query, State},
};
use kimppa_app::pipeline;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct InnovationJson {
    pub id: i32,
    pub title: String,
    /// idea, innovation, development-project, funding-application or investment; absent when not public.
    pub kind: Option<String>,
    /// The stage's key, absent when not public.
    pub stage: Option<String>,
    /// Markdown, absent when not public.
    pub description: Option<String>,
    /// The participating organisations, when public.
    pub participants: Vec<InnovationOrgJson>,
    pub focus_areas: Option<Vec<String>>,
    /// A TOL 2008 section or division code, when public.
    pub industry: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InnovationOrgJson {
    pub name: String,
    pub slug: String,
    /// lead, partner, customer, research or funder.
    pub role: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InnovationList {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<InnovationJson>,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PageParams {
    /// From 1 (pages of 50).
    pub page: Option<u64>,
}

fn to_json(r: pipeline::Public) -> InnovationJson {
    InnovationJson {
        id: r.id,
        title: r.title,
        kind: r.kind.map(|k| k.key().to_string()),
        stage: r.stage.map(|s| s.key),
        description: r.description,
        participants: r
            .participants
            .into_iter()
            .map(|(name, slug, role)| InnovationOrgJson { name, slug, role: role.key().into() })
            .collect(),
        focus_areas: r.focus_areas.map(|f| kimppa_app::directory::list(&f).into_iter().map(str::to_string).collect()),
        industry: r.industry.filter(|i| !i.is_empty()),
        updated_at: r.updated_at,
    }
}

/// The published innovations and projects, changed last first.
#[utoipa::path(get, path = "/api/v1/innovations", params(PageParams),
    responses((status = 200, body = InnovationList)))]
pub async fn list(State(s): State<AppState>, Query(q): Query<PageParams>) -> Result<Json<InnovationList>, WebError> {
    let (rows, total, page) = pipeline::public_list(&s.app, None, q.page.unwrap_or(1)).await?;
    Ok(Json(InnovationList {
        total,
        page,
        per_page: pipeline::PER_PAGE,
        items: rows.into_iter().map(to_json).collect(),
    }))
}

/// One published innovation or project.
#[utoipa::path(get, path = "/api/v1/innovations/{id}",
    params(("id" = i32, Path)),
    responses(
        (status = 200, body = InnovationJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<InnovationJson>, WebError> {
    Ok(Json(to_json(pipeline::public_get(&s.app, id).await?)))
}
