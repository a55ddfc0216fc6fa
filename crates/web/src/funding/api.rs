//! JSON twins of the open funding calls and procurements.

use crate::{AppState, errors::WebError};
use axum::{
    Json,
    extract::{Path, Query, State},
};
use kimppa_app::funding::{calls, procurements};
use kimppa_app::records::{funding_call, procurement};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CallJson {
    pub id: i32,
    pub funder: String,
    /// erdf, jtf, business-finland, horizon-europe, life, interreg, ely or other.
    pub programme: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// The last day, YYYY-MM-DD.
    pub deadline: String,
    pub link: String,
    pub focus_areas: Vec<String>,
    /// Organisation types that may apply (empty: any).
    pub org_types: Vec<String>,
    pub min_partners: i32,
    pub min_countries: i32,
    pub min_smes: i32,
    pub min_research: i32,
    pub min_municipalities: i32,
}

fn list(s: &str) -> Vec<String> {
    kimppa_app::directory::list(s).into_iter().map(str::to_string).collect()
}

fn call_json(c: funding_call::Model) -> CallJson {
    CallJson {
        id: c.id,
        programme: c.programme.key().into(),
        focus_areas: list(&c.focus_areas),
        org_types: list(&c.org_types),
        funder: c.funder,
        title: c.title,
        description: c.description,
        deadline: c.deadline,
        link: c.link,
        min_partners: c.min_partners,
        min_countries: c.min_countries,
        min_smes: c.min_smes,
        min_research: c.min_research,
        min_municipalities: c.min_municipalities,
    }
}

/// The open funding calls, the nearest deadline first.
#[utoipa::path(get, path = "/api/v1/calls", responses((status = 200, body = Vec<CallJson>)))]
pub async fn calls_list(State(s): State<AppState>) -> Result<Json<Vec<CallJson>>, WebError> {
    Ok(Json(calls::open(&s.app).await?.into_iter().map(call_json).collect()))
}

/// One published funding call.
#[utoipa::path(get, path = "/api/v1/calls/{id}",
    params(("id" = i32, Path)),
    responses(
        (status = 200, body = CallJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn call_get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<CallJson>, WebError> {
    Ok(Json(call_json(calls::get(&s.app, id).await?)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcurementJson {
    pub id: i32,
    pub buyer: String,
    /// The buyer's address in the directory, when it is there.
    pub buyer_slug: Option<String>,
    pub title: String,
    pub cpv: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub link: String,
    pub circular: bool,
    pub criteria: String,
    /// YYYY-MM-DD.
    pub published_on: String,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ProcurementParams {
    /// `1`: only those with circular-economy criteria.
    pub circular: Option<String>,
    /// A CPV code's beginning.
    pub cpv: Option<String>,
    /// Words of the title or the buyer.
    pub q: Option<String>,
    /// `1`: closed ones too.
    pub closed: Option<String>,
}

/// The open procurements (the nearest deadline first, at most 200).
#[utoipa::path(get, path = "/api/v1/procurements", params(ProcurementParams),
    responses((status = 200, body = Vec<ProcurementJson>)))]
pub async fn procurements_list(
    State(s): State<AppState>,
    Query(q): Query<ProcurementParams>,
) -> Result<Json<Vec<ProcurementJson>>, WebError> {
    let f = procurements::Filter { circular: q.circular, cpv: q.cpv, q: q.q, closed: q.closed };
    let rows: Vec<procurement::Model> = procurements::list(&s.app, &f).await?;
    let names = kimppa_app::people::org_names(&s.app, rows.iter().filter_map(|r| r.buyer_org_id)).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ProcurementJson {
                buyer_slug: r.buyer_org_id.and_then(|o| names.get(&o)).map(|n| n.slug.clone()),
                id: r.id,
                buyer: r.buyer_name,
                title: r.title,
                cpv: r.cpv,
                deadline: r.deadline,
                link: r.link,
                circular: r.circular,
                criteria: r.criteria,
                published_on: r.published_on,
            })
            .collect(),
    ))
}
