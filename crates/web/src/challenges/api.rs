//! JSON twins of the challenges and the kimppa catalogue. The API answers
//! as an anonymous visitor: public challenges only (never drafts,
//! members-only or invited-only ones, never responses) and published kimppas.

use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::challenges::{self, kimppas};
use kimppa_app::policy::Principal;
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChallengeJson {
    pub id: i32,
    pub title: String,
    /// The owner organisation's name and directory address.
    pub organisation: String,
    pub organisation_slug: String,
    /// Markdown.
    pub description: String,
    /// Markdown.
    pub context: String,
    /// Wanted partner roles (keys).
    pub roles: Vec<String>,
    pub focus_areas: Vec<String>,
    pub schedule: String,
    pub impact: String,
    /// `published` or `closed`.
    pub status: String,
    pub competition: bool,
    pub deadline: Option<String>,
    pub criteria: Vec<String>,
    pub featured: bool,
    pub published_at: Option<String>,
}

fn challenge_json(c: challenges::Card) -> ChallengeJson {
    ChallengeJson {
        id: c.c.id,
        organisation: c.org_name,
        organisation_slug: c.org_slug,
        roles: challenges::roles_of(&c.c).iter().map(|r| r.key().to_string()).collect(),
        focus_areas: kimppa_app::directory::list(&c.c.focus_areas).into_iter().map(str::to_string).collect(),
        criteria: challenges::split_lines(&c.c.criteria),
        deadline: c.c.deadline.map(|d| d.to_rfc3339()),
        published_at: c.c.published_at.map(|d| d.to_rfc3339()),
        title: c.c.title,
        description: c.c.description,
        context: c.c.context,
        schedule: c.c.schedule,
        impact: c.c.impact,
        status: c.c.status.to_string(),
        competition: c.c.competition,
        featured: c.c.featured,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChallengeList {
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub items: Vec<ChallengeJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    pub page: Option<u64>,
}

/// Public challenges, featured first, then the newest (20 a page).
#[utoipa::path(get, path = "/api/v1/challenges",
    params(("page" = Option<u64>, Query, description = "Page from 1")),
    responses(
        (status = 200, body = ChallengeList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(s): State<AppState>, Query(p): Query<ListParams>) -> Result<Json<ChallengeList>, WebError> {
    let l = challenges::list(&s.app, &Principal::Anonymous, p.page.unwrap_or(1)).await?;
    Ok(Json(ChallengeList {
        total: l.total,
        page: l.page,
        pages: l.pages,
        items: l.items.into_iter().map(challenge_json).collect(),
    }))
}

/// One public challenge.
#[utoipa::path(get, path = "/api/v1/challenges/{id}",
    params(("id" = i32, Path)),
    responses(
        (status = 200, body = ChallengeJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<ChallengeJson>, WebError> {
    let c = challenges::get(&s.app, &Principal::Anonymous, id).await?;
    let card = challenges::cards(&s.app, vec![c]).await?.pop().ok_or(kimppa_app::AppError::NotFound)?;
    Ok(Json(challenge_json(card)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KimppaMemberJson {
    pub organisation: String,
    pub organisation_slug: String,
    /// Partner role key.
    pub role: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KimppaJson {
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub problem: String,
    /// Markdown.
    pub value_proposition: String,
    /// `forming`, `active`, `delivered` or `dissolved`.
    pub status: String,
    pub challenge: Option<i32>,
    pub members: Vec<KimppaMemberJson>,
    /// The composition rules the members do not yet satisfy: `too-few:N`, `too-many:N`,
    /// `smes:N`, `research:N`, `municipalities:N`, `missing-role:ROLE`.
    pub unmet_rules: Vec<String>,
    /// Directory addresses of the services offered in the kimppa's name
    /// (in the single kimppa's answer; empty in the catalogue).
    pub services: Vec<String>,
}

fn kimppa_json(k: kimppas::KimppaView) -> KimppaJson {
    KimppaJson {
        unmet_rules: k.violations.iter().map(kimppas::rule_key).collect(),
        members: k
            .members
            .into_iter()
            .map(|m| KimppaMemberJson { organisation: m.org.name, organisation_slug: m.org.slug, role: m.role })
            .collect(),
        slug: k.k.slug,
        name: k.k.name,
        problem: k.k.problem,
        value_proposition: k.k.value_proposition,
        status: k.k.status.to_string(),
        challenge: k.k.challenge_id,
        services: vec![],
    }
}

/// The kimppa catalogue: published kimppas, newest first.
#[utoipa::path(get, path = "/api/v1/kimppas", responses((status = 200, body = Vec<KimppaJson>)))]
pub async fn kimppa_list(State(s): State<AppState>) -> Result<Json<Vec<KimppaJson>>, WebError> {
    Ok(Json(kimppas::catalogue(&s.app).await?.into_iter().map(kimppa_json).collect()))
}

/// One published kimppa.
#[utoipa::path(get, path = "/api/v1/kimppas/{slug}",
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = KimppaJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn kimppa_get(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<KimppaJson>, WebError> {
    let view = kimppas::get_by_slug(&s.app, &Principal::Anonymous, &slug).await?;
    let services = kimppa_app::directory::services::of_kimppa(&s.app, view.k.id).await?;
    let mut k = kimppa_json(view);
    k.services = services.into_iter().map(|s| s.slug).collect();
    Ok(Json(k))
}
