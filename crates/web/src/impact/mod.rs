//! Impact pages (SPEC C13): the orchestrators' dashboard of every
//! indicator for a year, an indicator's page (its chart and table by
//! month, quarter or year, its target, its CSV, the records it counted),
//! and the public situational picture of the region.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormWithFile, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Datelike;
use kimppa_app::impact::{self, Dimension, Indicator, Kind, Period, Row, TargetForm, TextForm, Unit};
use kimppa_app::{AppError, policy};

pub(crate) mod api;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/impact", get(dashboard))
        .route("/impact/export.csv", get(dashboard_csv))
        .route("/impact/rollup", post(recompute))
        .route("/impact/freeze", post(freeze))
        .route("/impact/text", get(text_form).post(text_save))
        .route("/impact/official", get(official_form).post(official_import))
        .route("/impact/surveys", get(surveys_page).post(survey_create))
        .route("/impact/surveys/{id}", get(survey_results))
        .route("/impact/surveys/{id}/send", post(survey_send))
        .route("/survey/{token}", get(survey_form).post(survey_answer))
        .route("/impact/label", get(label_page))
        .route("/impact/label/documents", post(label_document_add))
        .route("/impact/label/documents/{id}", get(label_document))
        .route("/impact/label/pack.zip", get(label_pack))
        .route("/impact/indicators/{id}", get(indicator))
        .route("/impact/indicators/{id}/export.csv", get(indicator_csv))
        .route("/impact/indicators/{id}/target", post(target))
        .route("/situation", get(situation))
        .route("/park", get(park))
        .route("/situation/{year}/report", get(annual_report))
}

/// A number as the page writes it: grouped thousands, a decimal comma in
/// Finnish.
pub fn number(p: &Page, v: f64, decimals: usize) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map(|(a, b)| (a.to_string(), Some(b.to_string()))).unwrap_or((s, None));
    let sep = if p.code() == "en" { ',' } else { '\u{a0}' };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 { "−" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}{}{f}", if p.code() == "en" { '.' } else { ',' }),
        None => format!("{sign}{grouped}"),
    }
}

/// A figure with its unit.
pub fn figure(p: &Page, unit: Unit, v: f64) -> String {
    match unit {
        Unit::Count => number(p, v, 0),
        Unit::Euros if p.code() == "en" => format!("€{}", number(p, v, 0)),
        Unit::Euros => format!("{}\u{a0}€", number(p, v, 0)),
        Unit::Tonnes => format!("{}\u{a0}t", number(p, v, 1)),
        Unit::Co2e => format!("{}\u{a0}t\u{a0}CO₂e", number(p, v, 1)),
        Unit::Percent => format!("{}\u{a0}%", number(p, v, 0)),
        Unit::Nps if v > 0.0 => format!("+{}", number(p, v, 0)),
        Unit::Nps => number(p, v, 0),
        Unit::Average => number(p, v, 1),
    }
}

/// A figure, or why there is none.
fn shown(p: &Page, ind: &Indicator, v: Option<f64>) -> String {
    match v {
        Some(v) => figure(p, ind.unit, v),
        None if !ind.recorded => p.t("impact-not-recorded"),
        None => p.t("impact-no-figure"),
    }
}

pub fn name(p: &Page, ind: &Indicator) -> String {
    p.t(&format!("indicator-{}", ind.id))
}

fn definition(p: &Page, ind: &Indicator) -> String {
    p.t(&format!("indicator-{}-def", ind.id))
}

/// The change from `prev` to `now`, as "+12 %" (none when not comparable).
fn change(p: &Page, ind: &Indicator, now: Option<f64>, prev: Option<f64>) -> String {
    match (now, prev) {
        (Some(a), Some(b)) if matches!(ind.unit, Unit::Percent | Unit::Nps) => {
            let d = a - b;
            format!("{}{} {}", if d > 0.0 { "+" } else { "" }, number(p, d, 0), p.t("impact-points"))
        }
        (Some(a), Some(b)) if b != 0.0 => {
            let pct = (a - b) / b.abs() * 100.0;
            format!("{}{}\u{a0}%", if pct > 0.0 { "+" } else { "" }, number(p, pct, 0))
        }
        _ => String::new(),
    }
}

fn this_year() -> i32 {
    kimppa_app::materials::today().year()
}

fn year_or_this(y: Option<i32>) -> i32 {
    let this = this_year();
    y.filter(|y| (2000..=this).contains(y)).unwrap_or(this)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

// ---------------------------------------------------------------------------
// Dashboard

pub struct RowView {
    pub id: &'static str,
    pub name: String,
    pub href: String,
    pub value: String,
    pub live: String,
    pub frozen: bool,
    pub previous: String,
    pub change: String,
    pub target: String,
    pub reached: String,
    pub spark: String,
    pub recorded: bool,
}

fn row_view(p: &Page, r: &Row) -> RowView {
    let ind = r.indicator;
    RowView {
        id: ind.id,
        name: name(p, ind),
        href: p.href(&format!("/impact/indicators/{}", ind.id)),
        value: shown(p, ind, r.value),
        live: r.live.map(|l| shown(p, ind, l)).unwrap_or_default(),
        frozen: r.frozen,
        previous: shown(p, ind, r.previous),
        change: change(p, ind, r.value, r.previous),
        target: r.target.map(|t| figure(p, ind.unit, t)).unwrap_or_default(),
        reached: match (r.value, r.target) {
            (Some(v), Some(t)) if t > 0.0 && ind.kind != Kind::Ratio => {
                format!("{}\u{a0}%", number(p, v / t * 100.0, 0))
            }
            _ => String::new(),
        },
        spark: crate::charts::spark(&r.trend.iter().map(|t| t.1).collect::<Vec<_>>()),
        recorded: ind.recorded,
    }
}

/// Rows grouped by dimension: (dimension's name, rows).
fn grouped(p: &Page, rows: &[Row]) -> Vec<(String, Vec<RowView>)> {
    Dimension::ALL
        .iter()
        .map(|d| {
            (
                p.t(&format!("dimension-{}", d.key())),
                rows.iter().filter(|r| r.indicator.dimension == *d).map(|r| row_view(p, r)).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rs)| !rs.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "impact/dashboard.html")]
struct DashboardPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    groups: Vec<(String, Vec<RowView>)>,
    computed: String,
    frozen: bool,
}

pub async fn dashboard(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let year = year_or_this(q.year);
    let (rows, m) = impact::year(ctx.app(), &ctx.principal, year).await?;
    let p = ctx.page("impact-dashboard-title").await;
    let view = DashboardPage {
        year,
        years: (year.min(this_year()) - 4..=this_year()).rev().collect(),
        groups: grouped(&p, &rows),
        computed: m.computed_at().map(|t| p.datetime(&t)).unwrap_or_default(),
        frozen: rows.iter().any(|r| r.frozen),
        p,
    };
    Ok(crate::html(&view))
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Plain numbers for a CSV cell: a decimal comma in Finnish, no grouping.
fn cell(p: &Page, v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(v) => {
            let s = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") };
            if p.code() == "fi" { s.replace('.', ",") } else { s }
        }
    }
}

pub async fn dashboard_csv(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let year = year_or_this(q.year);
    let (rows, _) = impact::year(ctx.app(), &ctx.principal, year).await?;
    let p = ctx.page("impact-dashboard-title").await;
    let mut table = vec![
        [
            "indicator",
            "impact-name",
            "impact-unit",
            "impact-dimension",
            "impact-value",
            "impact-frozen",
            "impact-live",
            "impact-previous",
            "impact-target",
        ]
        .iter()
        .map(|k| if *k == "indicator" { "id".to_string() } else { p.t(k) })
        .collect::<Vec<_>>(),
    ];
    for r in &rows {
        let mut line = vec![
            r.indicator.id.to_string(),
            name(&p, r.indicator),
            p.t(&format!("unit-{}", r.indicator.unit.key())),
            p.t(&format!("dimension-{}", r.indicator.dimension.key())),
            if r.indicator.recorded { cell(&p, r.value) } else { p.t("impact-not-recorded") },
            p.t(if r.frozen { "yes" } else { "no" }),
            r.live.map(|l| cell(&p, l)).unwrap_or_default(),
            cell(&p, r.previous),
            cell(&p, r.target),
        ];
        line.extend(r.trend.iter().map(|t| cell(&p, t.1)));
        table.push(line);
    }
    if let Some(first) = rows.first() {
        table[0].extend(first.trend.iter().map(|t| t.0.clone()));
    }
    let body = kimppa_app::impact::csv(&table)?;
    Ok(csv_response(&format!("kimppa-indicators-{year}.csv"), body))
}

pub async fn recompute(ctx: Ctx, Form(q): Form<YearQuery>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    impact::rollup::run(ctx.app()).await?;
    ctx.flash("impact-recomputed").await;
    Ok(Redirect::to(&format!("{}?year={}", ctx.href("/impact"), year_or_this(q.year))).into_response())
}

pub async fn freeze(ctx: Ctx, Form(q): Form<YearQuery>) -> Result<Response, WebError> {
    let year = year_or_this(q.year);
    impact::freeze(ctx.app(), &ctx.principal, year).await?;
    ctx.flash("impact-freeze-done").await;
    Ok(Redirect::to(&format!("{}?year={year}", ctx.href("/impact"))).into_response())
}

// ---------------------------------------------------------------------------
// An indicator

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IndicatorQuery {
    /// `month`, `quarter` or `year`.
    pub by: String,
    pub year: Option<i32>,
    /// The period whose records are listed (`2026`, `2026-Q2`, `2026-05`).
    pub period: String,
}

/// The periods a chart shows: a year's months or quarters, or five years.
fn periods(by: &str, year: i32) -> Vec<Period> {
    match by {
        "month" => (1..=12).map(|m| Period::Month(year, m)).collect(),
        "quarter" => (1..=4).map(|q| Period::Quarter(year, q)).collect(),
        _ => (year - 4..=year).map(Period::Year).collect(),
    }
}

fn period_label(p: &Page, period: &Period) -> String {
    match period {
        Period::Month(y, m) => format!("{m}/{y}"),
        Period::Quarter(y, q) => format!("Q{q}/{y}"),
        Period::Year(y) => {
            let _ = p;
            y.to_string()
        }
    }
}

pub struct RecordView {
    pub day: String,
    pub title: String,
    pub href: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "impact/indicator.html")]
struct IndicatorPage {
    p: Page,
    id: &'static str,
    name: String,
    definition: String,
    unit: String,
    kind: String,
    dimension: String,
    recorded: bool,
    public: bool,
    by: String,
    year: i32,
    years: Vec<i32>,
    chart: String,
    /// (period key, label, value, target)
    table: Vec<(String, String, String, String)>,
    period: String,
    period_label: String,
    records: Vec<RecordView>,
    records_total: usize,
    unlisted: bool,
    target: TargetForm,
    errors: FormErrors,
    query: String,
}

fn indicator_of(id: &str) -> Result<&'static Indicator, WebError> {
    impact::indicators::get(id).ok_or(WebError(AppError::NotFound))
}

pub async fn indicator(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<IndicatorQuery>,
) -> Result<Response, WebError> {
    let ind = indicator_of(&id)?;
    indicator_page(&ctx, ind, q, TargetForm::default(), FormErrors::none()).await
}

const RECORDS_SHOWN: usize = 100;

async fn indicator_page(
    ctx: &Ctx,
    ind: &'static Indicator,
    q: IndicatorQuery,
    target: TargetForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let year = year_or_this(q.year);
    let by = match q.by.as_str() {
        "month" | "quarter" => q.by.clone(),
        _ => "year".to_string(),
    };
    let ps = periods(&by, year);
    let series = impact::series(ctx.app(), &ctx.principal, ind, &ps).await?;
    let period = Period::parse(&q.period);
    let (mut records, records_total) = match period {
        Some(per) => impact::records(ctx.app(), &ctx.principal, ind, per, RECORDS_SHOWN).await?,
        None => (vec![], 0),
    };
    // Anonymous answers, visits and organisations' own figures are counted,
    // never listed one by one.
    let unlisted = records.iter().all(|r| r.item.is_none()) && records_total > 0;
    if unlisted {
        records.clear();
    }
    let mut p = if errors.is_empty() {
        ctx.page("impact-dashboard-title").await
    } else {
        ctx.form_page("impact-dashboard-title").await
    };
    p.title = name(&p, ind);
    let labels: Vec<String> = series.iter().map(|s| period_label(&p, &s.0)).collect();
    let values: Vec<Option<f64>> = series.iter().map(|s| s.1).collect();
    let year_target = series.iter().rev().find_map(|s| s.2).filter(|_| by == "year");
    let fmt = |v: f64| figure(&p, ind.unit, v);
    let last = series.iter().rev().find(|s| s.1.is_some());
    let summary = match last {
        Some((per, Some(v), _)) => p.lang.t_args(
            "impact-chart-summary",
            &[("name", format!("{} {}", period_label(&p, per), fmt(*v))), ("count", series.len().to_string())],
        ),
        _ => shown(&p, ind, None),
    };
    let target_label = p.t("impact-target");
    let chart = crate::charts::bars(&crate::charts::Bars {
        id: "indicator-chart",
        title: &name(&p, ind),
        summary: &summary,
        labels: &labels,
        values: &values,
        target: year_target.map(|t| (t, target_label.as_str())),
        fmt: &fmt,
    });
    let table = series
        .iter()
        .map(|(per, v, t)| (per.key(), period_label(&p, per), shown(&p, ind, *v), t.map(fmt).unwrap_or_default()))
        .collect();
    let view = IndicatorPage {
        id: ind.id,
        name: name(&p, ind),
        definition: definition(&p, ind),
        unit: p.t(&format!("unit-{}", ind.unit.key())),
        kind: p.t(&format!(
            "impact-kind-{}",
            match ind.kind {
                Kind::Flow => "flow",
                Kind::Stock => "stock",
                Kind::Ratio => "ratio",
            }
        )),
        dimension: p.t(&format!("dimension-{}", ind.dimension.key())),
        recorded: ind.recorded,
        public: ind.public,
        by: by.clone(),
        year,
        years: (this_year() - 4..=this_year()).rev().collect(),
        chart,
        table,
        period: period.map(|x| x.key()).unwrap_or_default(),
        period_label: period.map(|x| period_label(&p, &x)).unwrap_or_default(),
        records: records
            .into_iter()
            .map(|r| RecordView {
                day: p.day(&r.day.to_string()),
                title: r.item.as_ref().map(|i| i.title.clone()).unwrap_or_default(),
                href: r.item.as_ref().filter(|i| !i.path.is_empty()).map(|i| p.href(&i.path)).unwrap_or_default(),
                value: if ind.unit == Unit::Count || ind.kind == Kind::Ratio { String::new() } else { fmt(r.num) },
            })
            .collect(),
        records_total,
        unlisted,
        target: if target.year.is_empty() {
            // The year's target as it stands, to change or remove.
            let now = impact::targets(ctx.app(), year).await?.get(ind.id).copied();
            TargetForm { year: year.to_string(), value: now.map(|v| cell(&p, Some(v))).unwrap_or_default() }
        } else {
            target
        },
        errors,
        query: format!("by={by}&year={year}"),
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn indicator_csv(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<IndicatorQuery>,
) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let ind = indicator_of(&id)?;
    let year = year_or_this(q.year);
    let series = impact::series(ctx.app(), &ctx.principal, ind, &periods(&q.by, year)).await?;
    let p = ctx.page("impact-dashboard-title").await;
    let mut table = vec![vec![p.t("impact-period"), name(&p, ind), p.t("impact-target")]];
    for (per, v, t) in series {
        table.push(vec![per.key(), cell(&p, v), cell(&p, t)]);
    }
    Ok(csv_response(&format!("kimppa-{}-{year}.csv", ind.id), kimppa_app::impact::csv(&table)?))
}

pub async fn target(ctx: Ctx, Path(id): Path<String>, Form(f): Form<TargetForm>) -> Result<Response, WebError> {
    let ind = indicator_of(&id)?;
    match impact::set_target(ctx.app(), &ctx.principal, ind, &f).await {
        Ok(()) => {
            ctx.flash("impact-target-saved").await;
            Ok(Redirect::to(&format!("{}?year={}", ctx.href(&format!("/impact/indicators/{id}")), f.year.trim()))
                .into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "year" => Some("impact-target-year"),
                "value" => Some("impact-target"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            indicator_page(&ctx, ind, IndicatorQuery::default(), f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// The situational picture's text

#[derive(Template)]
#[template(path = "impact/text.html")]
struct TextPage {
    p: Page,
    year: i32,
    form: TextForm,
    errors: FormErrors,
}

pub async fn text_form(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let year = year_or_this(q.year);
    let t = impact::situation_text(ctx.app(), year).await?;
    let form = t.map(|t| TextForm { body_fi: t.body_fi, body_en: t.body_en }).unwrap_or_default();
    let p = ctx.form_page("impact-text-title").await;
    Ok(crate::html(&TextPage { p, year, form, errors: FormErrors::none() }))
}

pub async fn text_save(ctx: Ctx, Query(q): Query<YearQuery>, Form(f): Form<TextForm>) -> Result<Response, WebError> {
    let year = year_or_this(q.year);
    match impact::set_situation_text(ctx.app(), &ctx.principal, year, &f).await {
        Ok(()) => {
            ctx.flash("impact-text-saved").await;
            Ok(Redirect::to(&format!("{}?year={year}", ctx.href("/situation"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "body_fi" => Some("impact-text-fi"),
                "body_en" => Some("impact-text-en"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            let p = ctx.form_page("impact-text-title").await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&TextPage { p, year, form: f, errors })).into_response())
        }
    }
}

// ---------------------------------------------------------------------------
// The situational picture

/// The year's editorial text as HTML, in the page's language (Finnish
/// when there is no English).
fn editorial(p: &Page, s: &impact::Situation) -> String {
    s.text
        .as_ref()
        .map(|t| {
            kimppa_app::markdown::render(if p.code() == "en" && !t.body_en.is_empty() {
                &t.body_en
            } else {
                &t.body_fi
            })
        })
        .unwrap_or_default()
}

/// Realised symbioses: how many, tonnes and CO2e as the page writes them.
fn symbioses(p: &Page, s: &impact::Situation) -> (usize, String, String) {
    (
        s.symbioses.count,
        figure(p, Unit::Tonnes, s.symbioses.tonnes_per_year),
        figure(p, Unit::Co2e, s.symbioses.co2e_tonnes),
    )
}

#[derive(Template)]
#[template(path = "impact/situation.html")]
struct SituationPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    text: String,
    may_edit: bool,
    actors_by_type: Vec<(String, u64)>,
    actors_by_focus: Vec<(String, u64)>,
    actors: u64,
    groups: Vec<(String, Vec<RowView>)>,
    symbioses: (usize, String, String),
    official: Vec<OfficialRow>,
}

pub async fn situation(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    let app = ctx.app();
    let year = year_or_this(q.year);
    // The public figures, whoever reads.
    let (rows, _) = impact::year(app, &kimppa_app::policy::Principal::Anonymous, year).await?;
    let s = impact::situation(app, year).await?;
    let official = impact::official::list(app, &[year - 1, year]).await?;
    let p = ctx.page("situation-title").await;
    let text = editorial(&p, &s);
    let view = SituationPage {
        year,
        years: (this_year() - 4..=this_year()).rev().collect(),
        text,
        may_edit: policy::allowed(&ctx.principal, policy::Action::ManageImpact),
        actors: s.actors,
        actors_by_type: s.by_type.iter().map(|(k, n)| (p.label("org-type", k), *n)).collect(),
        actors_by_focus: s.by_focus.iter().map(|(k, n)| (p.label("focus", k), *n)).collect(),
        groups: grouped(&p, &rows.into_iter().filter(|r| r.indicator.recorded).collect::<Vec<_>>()),
        symbioses: symbioses(&p, &s),
        official: official_rows(&p, &official),
        p,
    };
    Ok(crate::html(&view))
}

// ---------------------------------------------------------------------------
// The virtual circular park

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ParkQuery {
    pub material: String,
    pub municipality: String,
    pub year: String,
}

pub struct FlowRow {
    pub from: (String, String),
    pub to: (String, String),
    pub from_town: String,
    pub to_town: String,
    pub material: String,
    pub tonnes: String,
    pub co2e: String,
    pub started: String,
}

#[derive(Template)]
#[template(path = "impact/park.html")]
struct ParkPage {
    p: Page,
    q: ParkQuery,
    chart: String,
    rows: Vec<FlowRow>,
    /// (chapter, title, colour class) of the legend.
    legend: Vec<(String, String, usize)>,
    /// (value, label) of the filters.
    materials: Vec<(String, String)>,
    towns: Vec<String>,
    years: Vec<i32>,
    total: String,
}

pub async fn park(ctx: Ctx, Query(q): Query<ParkQuery>) -> Result<Response, WebError> {
    use kimppa_app::impact::park;
    let app = ctx.app();
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (2000..=this_year()).contains(y));
    let f = park::FlowFilter {
        material: q.material.trim().to_string(),
        municipality: q.municipality.trim().to_string(),
        year,
    };
    let flows = park::flows(app, &f).await?;
    // The filters offer what the park holds, whatever is chosen now.
    let every = if f.material.is_empty() && f.municipality.is_empty() && f.year.is_none() {
        flows.clone()
    } else {
        park::flows(app, &park::FlowFilter::default()).await?
    };
    let all = park::diagram(app, &every).await?;
    let d = park::diagram(app, &flows).await?;
    let names = park::names(app, &every).await?;
    let p = ctx.page("park-title").await;
    let en = p.code() == "en";
    let colour = |ch: &str| all.chapters.iter().position(|c| c.0 == ch).unwrap_or(0);
    let title_of = |ch: &str| {
        all.chapters.iter().find(|c| c.0 == ch).map(|c| if en { c.2.clone() } else { c.1.clone() }).unwrap_or(ch.into())
    };
    let t = |v: f64| figure(&p, Unit::Tonnes, v);
    let links: Vec<(usize, usize, usize, f64, String)> = d
        .links
        .iter()
        .map(|(a, b, ch, tonnes, n)| {
            let label = format!(
                "{} → {}: {} · {} ({})",
                d.from[*a].0,
                d.to[*b].0,
                title_of(ch),
                t(*tonnes),
                p.tn("park-symbioses", *n as u64)
            );
            (*a, *b, colour(ch), *tonnes, label)
        })
        .collect();
    let total: f64 = flows.iter().map(|f| f.tonnes_per_year).sum();
    let summary = p.lang.t_args(
        "park-summary",
        &[("count", flows.len().to_string()), ("name", t(total)), ("org", d.from.len().to_string())],
    );
    let chart = if flows.is_empty() {
        String::new()
    } else {
        crate::charts::flows(&crate::charts::Flows {
            id: "park-chart",
            title: &p.t("park-title"),
            summary: &summary,
            from: &d.from,
            to: &d.to,
            links: &links,
            fmt: &t,
        })
    };
    let party = |x: &park::Party| match (&x.name, &x.slug) {
        (Some(n), Some(s)) => (n.clone(), p.href(&format!("/organisations/{s}"))),
        _ => (p.t("park-unlisted"), String::new()),
    };
    let town = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let mut towns: Vec<String> =
        every.iter().flat_map(|x| [town(&x.from.municipality), town(&x.to.municipality)]).collect();
    towns.sort();
    towns.dedup();
    towns.retain(|x| !x.is_empty());
    let mut years: Vec<i32> = every.iter().filter_map(|x| x.started_on.get(..4)?.parse().ok()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let view = ParkPage {
        chart,
        rows: flows
            .iter()
            .map(|x| FlowRow {
                from: party(&x.from),
                to: party(&x.to),
                from_town: town(&x.from.municipality),
                to_town: town(&x.to.municipality),
                material: format!("{} {}", x.class_code, if en { &x.class_en } else { &x.class_fi }),
                tonnes: t(x.tonnes_per_year),
                co2e: figure(&p, Unit::Co2e, x.co2e_tonnes),
                started: p.day(&x.started_on),
            })
            .collect(),
        legend: d
            .chapters
            .iter()
            .map(|c| (c.0.clone(), if en { c.2.clone() } else { c.1.clone() }, colour(&c.0) % 8))
            .collect(),
        materials: all
            .chapters
            .iter()
            .map(|c| (c.0.clone(), format!("{} {}", c.0, if en { &c.2 } else { &c.1 })))
            .collect(),
        towns,
        years,
        total: t(total),
        q,
        p,
    };
    Ok(crate::html(&view))
}

// ---------------------------------------------------------------------------
// The annual report

/// A report's row: the indicator's name, the year's figure, the previous
/// year's, the target.
type ReportLine = (String, String, String, String);

#[derive(Template)]
#[template(path = "impact/report.html")]
struct ReportPage {
    p: Page,
    year: i32,
    frozen: String,
    text: String,
    groups: Vec<(String, Vec<ReportLine>)>,
    actors: u64,
    symbioses: (usize, String, String),
}

pub async fn annual_report(ctx: Ctx, Path(year): Path<i32>) -> Result<Response, WebError> {
    if !(2000..=this_year()).contains(&year) {
        return Err(WebError(AppError::NotFound));
    }
    let app = ctx.app();
    let r = impact::report(app, year).await?;
    let s = impact::situation(app, year).await?;
    let mut p = ctx.page("report-title").await;
    p.title = format!("{} {year}", p.t("report-title"));
    let text = editorial(&p, &s);
    let groups = Dimension::ALL
        .iter()
        .map(|d| {
            let rows = r
                .rows
                .iter()
                .filter(|x| x.0.dimension == *d)
                .map(|(ind, v, prev, target)| {
                    (
                        name(&p, ind),
                        shown(&p, ind, *v),
                        shown(&p, ind, *prev),
                        target.map(|t| figure(&p, ind.unit, t)).unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>();
            (p.t(&format!("dimension-{}", d.key())), rows)
        })
        .filter(|g| !g.1.is_empty())
        .collect();
    let view = ReportPage {
        year,
        frozen: r.frozen_at.map(|t| p.date(&t)).unwrap_or_default(),
        text,
        groups,
        actors: s.actors,
        symbioses: symbioses(&p, &s),
        p,
    };
    Ok(crate::html(&view))
}

// ---------------------------------------------------------------------------
// Official regional figures

#[derive(Template)]
#[template(path = "impact/official.html")]
struct OfficialPage {
    p: Page,
    report: Option<kimppa_app::directory::csv_io::ImportReport>,
    dry_run: bool,
    errors: FormErrors,
    official: Vec<OfficialRow>,
}

pub struct OfficialRow {
    pub dimension: String,
    pub name: String,
    pub region: String,
    pub year: i32,
    pub value: String,
    pub source: String,
}

fn official_rows(p: &Page, list: &[kimppa_app::records::official_figure::Model]) -> Vec<OfficialRow> {
    list.iter()
        .map(|o| OfficialRow {
            dimension: p.t(&format!("dimension-{}", o.dimension)),
            name: if p.code() == "en" { o.name_en.clone() } else { o.name_fi.clone() },
            region: o.region.clone(),
            year: o.year,
            value: format!("{} {}", number(p, o.value, if o.value.fract() == 0.0 { 0 } else { 1 }), o.unit),
            source: o.source.clone(),
        })
        .collect()
}

async fn official_page(
    ctx: &Ctx,
    report: Option<kimppa_app::directory::csv_io::ImportReport>,
    dry_run: bool,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let years: Vec<i32> = (this_year() - 10..=this_year()).collect();
    let list = impact::official::list(ctx.app(), &years).await?;
    let p = ctx.form_page("official-title").await;
    let failed = !errors.is_empty() || report.as_ref().is_some_and(|r| !r.errors.is_empty());
    let view = OfficialPage { official: official_rows(&p, &list), p, report, dry_run, errors };
    let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn official_form(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    official_page(&ctx, None, true, FormErrors::none()).await
}

/// CSV import (multipart: `dry_run`, `file`).
pub async fn official_import(ctx: Ctx, mut multipart: axum::extract::Multipart) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageImpact)?;
    let (mut dry_run, mut bytes) = (false, bytes::Bytes::new());
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("file", "err-form"))? {
        match field.name().unwrap_or("") {
            "dry_run" => dry_run = !field.text().await.unwrap_or_default().is_empty(),
            "file" => bytes = field.bytes().await.map_err(|_| AppError::field("file", "err-file-too-large"))?,
            _ => {}
        }
    }
    if bytes.is_empty() {
        let errors =
            FormErrors::from_app(&AppError::field("file", "err-file-empty"), ctx.lang).unwrap_or_else(FormErrors::none);
        return official_page(&ctx, None, dry_run, errors).await;
    }
    let report = impact::official::import(ctx.app(), &ctx.principal, &bytes, dry_run).await?;
    official_page(&ctx, Some(report), dry_run, FormErrors::none()).await
}

// ---------------------------------------------------------------------------
// Label evidence

use kimppa_app::impact::label::{self, DocumentForm};

pub struct LabelItem {
    pub name: String,
    pub status: &'static str,
    pub status_label: String,
    pub figure: String,
    pub evidence: String,
}

fn label_items(p: &Page, items: &[label::Item]) -> Vec<LabelItem> {
    items
        .iter()
        .map(|i| LabelItem {
            name: p.t(&format!("label-item-{}", i.key)),
            status: i.status.key(),
            status_label: p.t(&format!("label-status-{}", i.status.key())),
            figure: match (i.key, i.status, i.figure) {
                (_, label::Status::NotRecorded, _) => String::new(),
                ("strategy" | "plan", _, (y, _)) => p.t1("label-dated", "name", &y.to_string()),
                (_, _, (n, 0)) => number(p, n as f64, 0),
                (_, _, (n, of)) => format!("{} / {}", number(p, n as f64, 0), number(p, of as f64, 0)),
            },
            evidence: p.href(&i.evidence),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "impact/label.html")]
struct LabelPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    items: Vec<LabelItem>,
    /// "9 / 14"
    met: String,
    /// (id, kind, title, version, date, file name)
    documents: Vec<(i32, String, String, String, String, String)>,
    kinds: Vec<(String, String, bool)>,
    form: DocumentForm,
    errors: FormErrors,
}

async fn label_view(
    ctx: &Ctx,
    year: Option<i32>,
    form: DocumentForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let year = year_or_this(year);
    let items = label::checklist(ctx.app(), &ctx.principal, year).await?;
    let docs = label::documents(ctx.app(), &ctx.principal).await?;
    let p = if errors.is_empty() { ctx.page("label-title").await } else { ctx.form_page("label-title").await };
    let view = LabelPage {
        year,
        years: (this_year() - 4..=this_year()).rev().collect(),
        met: format!("{} / {}", items.iter().filter(|i| i.status == label::Status::Met).count(), items.len()),
        items: label_items(&p, &items),
        documents: docs
            .iter()
            .map(|d| {
                (
                    d.id,
                    p.t(&format!("label-kind-{}", d.kind)),
                    d.title.clone(),
                    d.version.clone(),
                    p.day(&d.dated_on),
                    d.file_name.clone(),
                )
            })
            .collect(),
        kinds: crate::forms::key_options(
            p.lang,
            "label-kind-",
            label::KINDS.iter().copied(),
            std::slice::from_ref(&form.kind),
        ),
        form,
        errors,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn label_page(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    label_view(&ctx, q.year, DocumentForm::default(), FormErrors::none()).await
}

pub async fn label_document_add(
    ctx: Ctx,
    FormWithFile(f, file): FormWithFile<DocumentForm>,
) -> Result<Response, WebError> {
    match label::add_document(ctx.app(), &ctx.principal, &f, file).await {
        Ok(_) => {
            ctx.flash("label-document-added").await;
            Ok(Redirect::to(&format!("{}#documents", ctx.href("/impact/label"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "kind" => Some("label-document-kind"),
                "title" => Some("label-document-title"),
                "version" => Some("label-document-version"),
                "dated_on" => Some("label-document-date"),
                "attachment" => Some("label-document-file"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            label_view(&ctx, None, f, errors).await
        }
    }
}

pub async fn label_document(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (d, bytes) = label::document(ctx.app(), &ctx.principal, id).await?;
    Ok(crate::forum::file_response(&d.file_name, &d.content_type, bytes))
}

pub async fn label_pack(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    let year = year_or_this(q.year);
    let items = label::checklist(ctx.app(), &ctx.principal, year).await?;
    let (rows, _) = impact::year(ctx.app(), &ctx.principal, year).await?;
    let p = ctx.page("label-title").await;
    let mut list = vec![vec![p.t("label-item"), p.t("label-status"), p.t("label-figure"), p.t("label-evidence")]];
    for i in label_items(&p, &items) {
        list.push(vec![
            i.name,
            i.status_label,
            i.figure,
            format!("{}{}", ctx.app().config.base_url.trim_end_matches('/'), i.evidence),
        ]);
    }
    let mut figures = vec![vec![
        "id".to_string(),
        p.t("impact-name"),
        p.t("impact-unit"),
        year.to_string(),
        (year - 1).to_string(),
        p.t("impact-target"),
        p.t("impact-frozen"),
    ]];
    for r in &rows {
        figures.push(vec![
            r.indicator.id.to_string(),
            name(&p, r.indicator),
            p.t(&format!("unit-{}", r.indicator.unit.key())),
            if r.indicator.recorded { cell(&p, r.value) } else { p.t("impact-not-recorded") },
            cell(&p, r.previous),
            cell(&p, r.target),
            p.t(if r.frozen { "yes" } else { "no" }),
        ]);
    }
    let body = label::pack(ctx.app(), &ctx.principal, &impact::csv(&list)?, &impact::csv(&figures)?).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"kimppa-label-evidence-{year}.zip\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Member surveys

use kimppa_app::impact::surveys::{self, AnswerForm, SurveyForm};

#[derive(Template)]
#[template(path = "impact/surveys.html")]
struct SurveysPage {
    p: Page,
    /// (id, title, sent)
    surveys: Vec<(i32, String, String)>,
    form: SurveyForm,
    errors: FormErrors,
}

async fn surveys_view(ctx: &Ctx, form: SurveyForm, errors: FormErrors) -> Result<Response, WebError> {
    let list = surveys::list(ctx.app(), &ctx.principal).await?;
    let p = if errors.is_empty() { ctx.page("surveys-title").await } else { ctx.form_page("surveys-title").await };
    let view = SurveysPage {
        surveys: list
            .iter()
            .map(|x| (x.id, x.title.clone(), x.sent_at.map(|t| p.date(&t)).unwrap_or_else(|| p.t("survey-not-sent"))))
            .collect(),
        form,
        errors,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn surveys_page(ctx: Ctx) -> Result<Response, WebError> {
    surveys_view(&ctx, SurveyForm::default(), FormErrors::none()).await
}

pub async fn survey_create(ctx: Ctx, Form(f): Form<SurveyForm>) -> Result<Response, WebError> {
    match surveys::create(ctx.app(), &ctx.principal, &f).await {
        Ok(s) => {
            ctx.flash("survey-created").await;
            Ok(Redirect::to(&ctx.href(&format!("/impact/surveys/{}", s.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "title" => Some("survey-field-title"),
                "questions" => Some("survey-field-questions"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            surveys_view(&ctx, f, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "impact/survey.html")]
struct SurveyPage {
    p: Page,
    id: i32,
    sent: String,
    invited: u64,
    answered: u64,
    rate: String,
    nps: String,
    comments: Vec<(String, Vec<String>)>,
}

pub async fn survey_results(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (s, r) = surveys::results(ctx.app(), &ctx.principal, id).await?;
    let mut p = ctx.page("surveys-title").await;
    p.title = s.title.clone();
    let view = SurveyPage {
        id,
        sent: s.sent_at.map(|t| p.date(&t)).unwrap_or_default(),
        invited: r.invited,
        answered: r.answered,
        rate: if r.invited == 0 {
            String::new()
        } else {
            format!("{}\u{a0}%", number(&p, r.answered as f64 * 100.0 / r.invited as f64, 0))
        },
        nps: r.nps.map(|v| figure(&p, Unit::Nps, v as f64)).unwrap_or_else(|| p.t("survey-nps-floor")),
        comments: r.comments,
        p,
    };
    Ok(crate::html(&view))
}

pub async fn survey_send(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let n = surveys::send(ctx.app(), &ctx.principal, id).await?;
    ctx.flash(if n == 0 { "survey-sent-none" } else { "survey-sent" }).await;
    Ok(Redirect::to(&ctx.href(&format!("/impact/surveys/{id}"))).into_response())
}

#[derive(Template)]
#[template(path = "impact/survey_answer.html")]
struct AnswerPage {
    p: Page,
    title: String,
    questions: Vec<(usize, String, String)>,
    scores: Vec<(String, bool)>,
    errors: FormErrors,
    token: String,
}

async fn answer_view(ctx: &Ctx, token: &str, form: AnswerForm, errors: FormErrors) -> Result<Response, WebError> {
    let (s, _) = surveys::open(ctx.app(), token).await?;
    // A form page: a visitor without a session gets one for the form's token.
    let mut p = ctx.form_page("survey-answer-title").await;
    p.title = s.title.clone();
    let view = AnswerPage {
        title: s.title.clone(),
        questions: surveys::questions(&s)
            .into_iter()
            .enumerate()
            .map(|(i, q)| (i, q, form.answer.get(i).cloned().unwrap_or_default()))
            .collect(),
        scores: (0..=10).map(|v| (v.to_string(), form.score.trim() == v.to_string())).collect(),
        errors,
        token: token.to_string(),
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn survey_form(ctx: Ctx, Path(token): Path<String>) -> Result<Response, WebError> {
    answer_view(&ctx, &token, AnswerForm::default(), FormErrors::none()).await
}

/// The answer (every open question's field is sent, empty or not, so
/// the answers keep the questions' order).
pub async fn survey_answer(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    match surveys::answer(ctx.app(), &token, &f).await {
        Ok(()) => {
            let p = ctx.page("survey-thanks-title").await;
            Ok(crate::html(&ThanksPage { p }))
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "score" => Some("survey-score"),
                "answer" => Some("survey-open"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            answer_view(&ctx, &token, f, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "impact/survey_thanks.html")]
struct ThanksPage {
    p: Page,
}
