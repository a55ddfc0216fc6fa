//! JSON twins of the public indicators, the situational picture and the
//! realised symbioses.

use crate::{AppState, errors::WebError, i18n::Lang};
use axum::{
    Json,
    extract::{Query, State},
};
use kimppa_app::impact::{self, park};
use kimppa_app::policy::Principal;
use serde::Serialize;

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct YearParams {
    /// The year (default: this year).
    pub year: Option<i32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MonthJson {
    /// YYYY-MM.
    pub month: String,
    pub value: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IndicatorJson {
    pub id: String,
    pub name_fi: String,
    pub name_en: String,
    pub definition_fi: String,
    pub definition_en: String,
    /// count, euros, tonnes, co2e, percent, nps or average.
    pub unit: String,
    /// production-consumption, waste-management, secondary-materials,
    /// competitiveness-innovation, global-sustainability or cluster.
    pub dimension: String,
    /// `false`: the platform does not record it yet (no figures).
    pub recorded: bool,
    /// The year's figure (the frozen one when the year is frozen); null
    /// when not recorded or under its privacy floor.
    pub value: Option<f64>,
    pub frozen: bool,
    /// The live figure when the year is frozen and it differs.
    pub live: Option<f64>,
    pub previous: Option<f64>,
    pub target: Option<f64>,
    /// The year's months up to this one.
    pub months: Vec<MonthJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IndicatorsJson {
    pub year: i32,
    pub indicators: Vec<IndicatorJson>,
}

fn year_of(y: Option<i32>) -> i32 {
    use chrono::Datelike;
    let this = kimppa_app::materials::today().year();
    y.filter(|y| (2000..=this).contains(y)).unwrap_or(this)
}

async fn indicators_of(s: &AppState, year: i32) -> Result<Vec<IndicatorJson>, WebError> {
    let (rows, _) = impact::year(&s.app, &Principal::Anonymous, year).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let i = r.indicator;
            IndicatorJson {
                id: i.id.into(),
                name_fi: Lang::Fi.t(&format!("indicator-{}", i.id)),
                name_en: Lang::En.t(&format!("indicator-{}", i.id)),
                definition_fi: Lang::Fi.t(&format!("indicator-{}-def", i.id)),
                definition_en: Lang::En.t(&format!("indicator-{}-def", i.id)),
                unit: i.unit.key().into(),
                dimension: i.dimension.key().into(),
                recorded: i.recorded,
                value: r.value,
                frozen: r.frozen,
                live: r.live.flatten(),
                previous: r.previous,
                target: r.target,
                months: r.trend.into_iter().map(|(month, value)| MonthJson { month, value }).collect(),
            }
        })
        .collect())
}

/// The public indicators of a year: their figures counted from the records
/// anyone may see, the previous year's, the target and the months.
#[utoipa::path(get, path = "/api/v1/indicators", params(YearParams),
    responses((status = 200, body = IndicatorsJson)))]
pub async fn indicators(
    State(s): State<AppState>,
    Query(q): Query<YearParams>,
) -> Result<Json<IndicatorsJson>, WebError> {
    let year = year_of(q.year);
    Ok(Json(IndicatorsJson { year, indicators: indicators_of(&s, year).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CountJson {
    pub key: String,
    pub count: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SymbiosesTotalJson {
    pub count: usize,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SituationJson {
    pub year: i32,
    /// The orchestrators' text (Markdown), empty when none.
    pub text_fi: String,
    pub text_en: String,
    /// The cluster's approved members, in all, by type and by focus area.
    pub actors: u64,
    pub actors_by_type: Vec<CountJson>,
    pub actors_by_focus: Vec<CountJson>,
    pub symbioses: SymbiosesTotalJson,
    pub indicators: Vec<IndicatorJson>,
}

/// The situational picture of a year.
#[utoipa::path(get, path = "/api/v1/situation", params(YearParams),
    responses((status = 200, body = SituationJson)))]
pub async fn situation(
    State(s): State<AppState>,
    Query(q): Query<YearParams>,
) -> Result<Json<SituationJson>, WebError> {
    let year = year_of(q.year);
    let x = impact::situation(&s.app, year).await?;
    let count = |v: Vec<(String, u64)>| v.into_iter().map(|(key, count)| CountJson { key, count }).collect();
    Ok(Json(SituationJson {
        year,
        text_fi: x.text.as_ref().map(|t| t.body_fi.clone()).unwrap_or_default(),
        text_en: x.text.as_ref().map(|t| t.body_en.clone()).unwrap_or_default(),
        actors: x.actors,
        actors_by_type: count(x.by_type),
        actors_by_focus: count(x.by_focus),
        symbioses: SymbiosesTotalJson {
            count: x.symbioses.count,
            tonnes_per_year: x.symbioses.tonnes_per_year,
            co2e_tonnes: x.symbioses.co2e_tonnes,
        },
        indicators: indicators_of(&s, year).await?,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PartyJson {
    /// Null when the organisation is not a public member of the directory.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub municipality: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SymbiosisJson {
    pub id: i32,
    pub from: PartyJson,
    pub to: PartyJson,
    /// The material class (an EWC code such as `17 09 04`, or a project key).
    pub class_code: String,
    /// Its EWC chapter (`17`).
    pub chapter: String,
    pub class_fi: String,
    pub class_en: String,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
    /// YYYY-MM-DD.
    pub started_on: String,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SymbiosisParams {
    /// An EWC chapter (`17`) or class code.
    pub material: Option<String>,
    /// A municipality at either end.
    pub municipality: Option<String>,
    /// The year the flow started.
    pub year: Option<i32>,
}

/// The realised symbioses confirmed by both sides, newest first (at most 2,000).
#[utoipa::path(get, path = "/api/v1/symbioses", params(SymbiosisParams),
    responses((status = 200, body = Vec<SymbiosisJson>)))]
pub async fn symbioses(
    State(s): State<AppState>,
    Query(q): Query<SymbiosisParams>,
) -> Result<Json<Vec<SymbiosisJson>>, WebError> {
    let f = park::FlowFilter {
        material: q.material.unwrap_or_default(),
        municipality: q.municipality.unwrap_or_default(),
        year: q.year,
    };
    let party = |p: park::Party| PartyJson { name: p.name, slug: p.slug, municipality: p.municipality };
    Ok(Json(
        park::flows(&s.app, &f)
            .await?
            .into_iter()
            .map(|x| SymbiosisJson {
                id: x.id,
                from: party(x.from),
                to: party(x.to),
                class_code: x.class_code,
                chapter: x.chapter,
                class_fi: x.class_fi,
                class_en: x.class_en,
                tonnes_per_year: x.tonnes_per_year,
                co2e_tonnes: x.co2e_tonnes,
                started_on: x.started_on,
            })
            .collect(),
    ))
}
