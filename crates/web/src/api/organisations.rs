use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::{
    organisations::{self, ListFilter},
    policy::Actor,
};
use kimppa_store::entities::organisation;

/// A member organisation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrganisationJson {
    pub slug: String,
    pub name: String,
    pub business_id: Option<String>,
    pub country: String,
    pub org_type: String,
    pub size_class: String,
    pub municipality: String,
    pub focus_areas: Vec<String>,
    pub description_fi: String,
    pub description_en: String,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub membership_tier: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationJson>,
    pub total: usize,
}

impl From<organisation::Model> for OrganisationJson {
    fn from(o: organisation::Model) -> Self {
        OrganisationJson {
            focus_areas: o.focus_areas.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            logo_url: o.logo_key.map(|k| format!("/media/{k}")),
            slug: o.slug,
            name: o.name,
            business_id: o.business_id,
            country: o.country,
            org_type: o.org_type,
            size_class: o.size_class,
            municipality: o.municipality,
            description_fi: o.description_fi,
            description_en: o.description_en,
            website: o.website,
            membership_tier: o.membership_tier,
        }
    }
}

/// Member organisations of the cluster.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    params(
        ("q" = Option<String>, Query, description = "Free text in name, municipality or description"),
        ("org_type" = Option<String>, Query, description = "sme, anchor, customer, municipality, research, funder or network"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
    ),
    responses(
        (status = 200, body = OrganisationList),
        (status = 422, body = super::Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(s): State<AppState>, Query(f): Query<ListFilter>) -> Result<Json<OrganisationList>, WebError> {
    f.check()?;
    let items: Vec<OrganisationJson> =
        organisations::list_public(&s.app, &f).await?.into_iter().map(OrganisationJson::from).collect();
    Ok(Json(OrganisationList { total: items.len(), items }))
}

/// One member organisation.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{slug}",
    params(("slug" = String, Path, description = "The organisation's URL name")),
    responses(
        (status = 200, body = OrganisationJson),
        (status = 404, body = super::Problem, content_type = "application/problem+json")
    )
)]
pub async fn get(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<OrganisationJson>, WebError> {
    // The API is anonymous for now: it sees what the public sees.
    let (org, _) = organisations::get_visible(&s.app, &Actor::Anonymous, &slug).await?;
    Ok(Json(org.into()))
}
