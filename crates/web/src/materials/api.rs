//! JSON twins of the materials marketplace. The API answers as an
//! anonymous visitor: published public listings only, with the same filters
//! as the list page and the feed; never matches, feedback or outcomes.

use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::materials::{self, Filter, reference};
use kimppa_app::policy::Principal;
use kimppa_app::records::listing;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingJson {
    pub id: i32,
    /// `offer`, `want` or `service`.
    pub kind: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub organisation: String,
    pub organisation_slug: String,
    /// EWC code ("10 01 03") or project class key.
    pub class_code: String,
    pub class_title_fi: String,
    pub class_title_en: String,
    pub hazardous: bool,
    /// Other acceptable classes (chapters, sub-chapters, codes or project classes).
    pub accepts: Vec<String>,
    pub quantity: Option<f64>,
    /// `t`, `kg`, `m3` or `pcs`.
    pub unit: String,
    /// `once`, `month` or `year`.
    pub frequency: String,
    /// The quantity in tonnes a month, when it can be told.
    pub tonnes_per_month: Option<f64>,
    /// Statistics Finland's municipality code, its name and region.
    pub municipality: String,
    pub municipality_name: String,
    pub region: String,
    pub max_km: i32,
    pub available_from: String,
    pub available_to: Option<String>,
    pub delivery: Vec<String>,
    /// `free`, `fixed` or `negotiable`.
    pub price_kind: String,
    pub price: String,
    pub expires_on: String,
    pub published_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingList {
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub items: Vec<ListingJson>,
}

async fn to_json(app: &kimppa_app::App, rows: Vec<listing::Model>) -> Result<Vec<ListingJson>, WebError> {
    let names = kimppa_app::people::org_names(app, rows.iter().map(|l| l.org_id)).await?;
    let classes =
        reference::Classes::load_codes(app, &rows.iter().map(|l| l.class_code.clone()).collect::<Vec<_>>()).await?;
    let places =
        reference::municipalities_by_code(app, &rows.iter().map(|l| l.municipality.clone()).collect::<Vec<_>>())
            .await?;
    let list = |s: &str| kimppa_app::directory::list(s).into_iter().map(str::to_string).collect::<Vec<_>>();
    Ok(rows
        .into_iter()
        .map(|l| {
            let kimppa_app::people::OrgName { name: org, slug } = names.get(&l.org_id).cloned().unwrap_or_default();
            let class = classes.get(&l.class_code);
            ListingJson {
                id: l.id,
                tonnes_per_month: materials::monthly_tonnes(&l),
                class_title_fi: class.map(|c| c.title_fi.clone()).unwrap_or_default(),
                class_title_en: class.map(|c| c.title_en.clone()).unwrap_or_default(),
                municipality_name: places.get(&l.municipality).map(|m| m.name_fi.clone()).unwrap_or_default(),
                accepts: list(&l.accepts),
                delivery: list(&l.delivery),
                published_at: l.published_at.map(|t| t.to_rfc3339()),
                organisation: org,
                organisation_slug: slug,
                kind: l.kind.to_string(),
                title: l.title,
                description: l.description,
                class_code: l.class_code,
                hazardous: l.hazardous,
                quantity: l.quantity,
                unit: l.unit,
                frequency: l.frequency,
                municipality: l.municipality,
                region: l.region,
                max_km: l.max_km,
                available_from: l.available_from,
                available_to: l.available_to,
                price_kind: l.price_kind,
                price: l.price,
                expires_on: l.expires_on,
            }
        })
        .collect())
}

/// Published public listings, newest first (20 a page), with the filters of
/// the list page.
#[utoipa::path(get, path = "/api/v1/listings",
    params(
        ("q" = Option<String>, Query, description = "Words in the title or description"),
        ("kind" = Option<String>, Query, description = "offer, want or service"),
        ("class" = Option<String>, Query, description = "EWC chapter, sub-chapter or code, or a project class"),
        ("region" = Option<String>, Query, description = "Region key"),
        ("municipality" = Option<String>, Query, description = "Municipality code"),
        ("near" = Option<String>, Query, description = "Municipality code; with km, listings within that distance"),
        ("km" = Option<String>, Query, description = "Kilometres from `near`"),
        ("page" = Option<u64>, Query, description = "Page from 1")
    ),
    responses(
        (status = 200, body = ListingList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(s): State<AppState>, Query(mut f): Query<Filter>) -> Result<Json<ListingList>, WebError> {
    f.status = None;
    f.org = None;
    let (rows, total) = materials::browse(&s.app, &Principal::Anonymous, &f).await?;
    let page = materials::page_of(&f, total);
    Ok(Json(ListingList {
        total,
        page,
        pages: total.div_ceil(materials::PER_PAGE),
        items: to_json(&s.app, rows).await?,
    }))
}

/// One published public listing.
#[utoipa::path(get, path = "/api/v1/listings/{id}",
    params(("id" = i32, Path)),
    responses(
        (status = 200, body = ListingJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<ListingJson>, WebError> {
    let l = materials::get(&s.app, &Principal::Anonymous, id).await?;
    to_json(&s.app, vec![l]).await?.pop().map(Json).ok_or_else(|| kimppa_app::AppError::NotFound.into())
}
