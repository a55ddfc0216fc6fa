//! Funding pages (SPEC C10): a record's funding (on its pipeline page), the
//! cluster's funding figures for a year, the funders' open calls (list,
//! page with the partner-rule check against a kimppa, the staff's form,
//! the deadlines' iCalendar feed) and the open procurements (list with
//! filters, feed, the staff's form).

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::{FormErrors, key_options},
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::funding::{self, FundingForm, calls, procurements};
use kimppa_app::records::{funding_call, procurement};
use kimppa_app::{AppError, policy};
use kimppa_domain::{FocusArea, FundingStatus, OrgType, Programme};

pub(crate) mod api;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pipeline/{id}/funding", post(funding_add))
        .route("/pipeline/funding", get(figures).post(org_funding_add))
        .route("/calls", get(calls_list))
        .route("/calls/new", get(call_form).post(call_create))
        .route("/calls/deadlines.ics", get(calls_ics))
        .route("/calls/{id}", get(call_page))
        .route("/procurements", get(procurements_list))
        .route("/procurements/new", get(procurement_form).post(procurement_create))
        .route("/procurements/feed.rss", get(procurements_rss))
}

fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "org" => "field-funding-org",
        "funder" => "field-funding-funder",
        "programme" => "field-funding-programme",
        "instrument" => "field-funding-instrument",
        "applied_euros" => "field-funding-applied",
        "granted_euros" => "field-funding-granted",
        "applied_on" => "field-funding-applied-on",
        "decision_on" => "field-funding-decision-on",
        "starts_on" => "field-funding-starts",
        "ends_on" => "field-funding-ends",
        "status" => "field-funding-status",
        "title" => "field-call-title",
        "description" => "field-call-description",
        "deadline" => "field-call-deadline",
        "link" => "field-call-link",
        "focus_areas" => "field-focus",
        "org_types" => "field-call-org-types",
        "min_partners" => "field-call-min-partners",
        "min_countries" => "field-call-min-countries",
        "min_smes" => "field-call-min-smes",
        "min_research" => "field-call-min-research",
        "min_municipalities" => "field-call-min-municipalities",
        "buyer" => "field-procurement-buyer",
        "cpv" => "field-procurement-cpv",
        "criteria" => "field-procurement-criteria",
        _ => return None,
    })
}

fn errors_of(e: &AppError, ctx: &Ctx) -> Option<FormErrors> {
    FormErrors::from_app_labelled(e, ctx.lang, label_of)
}

/// Options of the funding programmes.
pub fn programmes(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    key_options(p.lang, "programme-", Programme::ALL.iter().map(|k| k.key()), &[chosen.to_string()])
}

/// Options of the funding states.
pub fn statuses(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    key_options(p.lang, "funding-status-", FundingStatus::ALL.iter().map(|k| k.key()), &[chosen.to_string()])
}

// ---------------------------------------------------------------------------
// A record's funding

/// A funding as a table row shows it.
pub struct FundingRow {
    pub funder: String,
    pub org: String,
    pub programme: String,
    pub instrument: String,
    pub applied: String,
    pub granted: String,
    pub status: String,
    pub period: String,
}

pub fn row(p: &Page, x: &kimppa_app::records::funding::Model, org: &str) -> FundingRow {
    let eur = |v| crate::pipeline::euros(p, v);
    FundingRow {
        funder: x.funder_name.clone(),
        org: org.to_string(),
        programme: p.label("programme", x.programme.key()),
        instrument: x.instrument.clone(),
        applied: eur(Some(x.applied_euros)),
        granted: eur(x.granted_euros),
        status: p.label("funding-status", x.status.key()),
        period: match (&x.starts_on, &x.ends_on) {
            (Some(a), Some(b)) => format!("{} – {}", p.day(a), p.day(b)),
            (Some(a), None) => format!("{} –", p.day(a)),
            _ => String::new(),
        },
    }
}

pub async fn funding_add(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<FundingForm>) -> Result<Response, WebError> {
    match funding::add(ctx.app(), &ctx.principal, Some(id), &f).await {
        Ok(_) => {
            ctx.flash("funding-added").await;
            Ok(Redirect::to(&format!("{}#funding-title", ctx.href(&format!("/pipeline/{id}")))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            crate::pipeline::detail_with_funding(&ctx, id, f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// Figures

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// A row of the figures: group, applied, received, count.
type FigureRow = (String, String, String, usize);

#[derive(Template)]
#[template(path = "funding/figures.html")]
struct FiguresPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    total: (String, String, usize),
    /// (caption, rows: group, applied, received, count)
    tables: Vec<(String, Vec<FigureRow>)>,
    procurements: (u64, u64, String),
    /// Funding of organisations outside any project.
    fundings: Vec<FundingRow>,
    funding: FundingForm,
    programmes: Vec<(String, String, bool)>,
    funding_statuses: Vec<(String, String, bool)>,
    org_choices: Vec<String>,
    funding_action: String,
    errors: FormErrors,
}

pub async fn figures(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    figures_page(&ctx, q.year, FundingForm::default(), FormErrors::none()).await
}

/// Funding for an organisation outside any project.
pub async fn org_funding_add(ctx: Ctx, Form(f): Form<FundingForm>) -> Result<Response, WebError> {
    match funding::add(ctx.app(), &ctx.principal, None, &f).await {
        Ok(row) => {
            use chrono::Datelike;
            ctx.flash("funding-added").await;
            let year = row
                .applied_on
                .as_deref()
                .or(row.decision_on.as_deref())
                .and_then(kimppa_app::materials::parse_day)
                .map(|d| d.year())
                .unwrap_or_else(|| kimppa_app::materials::today().year());
            Ok(Redirect::to(&format!("{}?year={year}#org-funding-title", ctx.href("/pipeline/funding")))
                .into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let mut r = figures_page(&ctx, None, f, errors).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

async fn figures_page(
    ctx: &Ctx,
    year: Option<i32>,
    form: FundingForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    use chrono::Datelike;
    let this = kimppa_app::materials::today().year();
    let year = year.filter(|y| (2000..=this + 1).contains(y)).unwrap_or(this);
    let f = funding::figures(ctx.app(), &ctx.principal, year).await?;
    let (all, circular) = procurements::share(ctx.app(), year).await?;
    let org_level = funding::of_organisations(ctx.app(), &ctx.principal, year).await?;
    let org_choices = kimppa_app::organisations::name_choices(ctx.app()).await?;
    let p = if errors.is_empty() {
        ctx.page("funding-figures-title").await
    } else {
        ctx.form_page("funding-figures-title").await
    };
    let eur = |v: i64| crate::pipeline::euros(&p, Some(v));
    let view = FiguresPage {
        year,
        years: (this - 4..=this).rev().collect(),
        total: (eur(f.total.applied), eur(f.total.granted), f.total.count),
        tables: vec![
            (
                p.t("funding-by-programme"),
                f.by_programme
                    .iter()
                    .map(|(k, s)| (p.label("programme", k), eur(s.applied), eur(s.granted), s.count))
                    .collect(),
            ),
            (
                p.t("funding-by-org-type"),
                f.by_org_type
                    .iter()
                    .map(|(k, s)| {
                        let label = if k.is_empty() { p.t("funding-no-org") } else { p.label("org-type", k) };
                        (label, eur(s.applied), eur(s.granted), s.count)
                    })
                    .collect(),
            ),
        ],
        procurements: (
            all,
            circular,
            if all == 0 { String::new() } else { format!("{:.0}", circular as f64 * 100.0 / all as f64) },
        ),
        fundings: org_level.iter().map(|(x, org)| row(&p, x, org)).collect(),
        programmes: programmes(&p, &form.programme),
        funding_statuses: statuses(&p, &form.status),
        funding: form,
        org_choices,
        funding_action: p.href("/pipeline/funding"),
        errors,
        p,
    };
    Ok(crate::html(&view))
}

// ---------------------------------------------------------------------------
// Calls

pub struct CallView {
    pub id: i32,
    pub title: String,
    pub funder: String,
    pub programme: String,
    pub deadline: String,
    pub focus: String,
    pub link: String,
}

fn call_view(p: &Page, c: &funding_call::Model) -> CallView {
    CallView {
        id: c.id,
        title: c.title.clone(),
        funder: c.funder.clone(),
        programme: p.label("programme", c.programme.key()),
        deadline: p.day(&c.deadline),
        focus: p.labels("focus", &c.focus_areas),
        link: c.link.clone(),
    }
}

#[derive(Template)]
#[template(path = "funding/calls.html")]
struct CallsPage {
    p: Page,
    calls: Vec<CallView>,
    may_manage: bool,
}

pub async fn calls_list(ctx: Ctx) -> Result<Response, WebError> {
    let rows = calls::open(ctx.app()).await?;
    let p = ctx.page("calls-title").await;
    let calls = rows.iter().map(|c| call_view(&p, c)).collect();
    let may_manage = policy::allowed(&ctx.principal, policy::Action::ManageFunding);
    Ok(crate::html(&CallsPage { p, calls, may_manage }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CheckQuery {
    pub kimppa: String,
}

#[derive(Template)]
#[template(path = "funding/call.html")]
struct CallPage {
    p: Page,
    c: CallView,
    description: String,
    org_types: String,
    rules: Vec<(String, i32)>,
    kimppas: Vec<(String, String, bool)>,
    check: Option<CheckView>,
}

pub struct CheckView {
    pub name: String,
    pub problems: Vec<String>,
    pub suggestions: Vec<Vec<(String, String, String)>>,
}

pub async fn call_page(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<CheckQuery>) -> Result<Response, WebError> {
    let app = ctx.app();
    let c = calls::get(app, id).await?;
    let mut p = ctx.page("calls-title").await;
    p.title = c.title.clone();
    // The kimppas the person can check: those of their organisations, or
    // every published one for staff.
    let mine: Vec<(String, String)> = if ctx.principal.is_anonymous() {
        vec![]
    } else {
        kimppa_app::challenges::kimppas::catalogue(app)
            .await?
            .into_iter()
            .filter(|k| {
                policy::is_staff(&ctx.principal)
                    || k.members.iter().any(|m| ctx.principal.in_org(kimppa_domain::OrgId(m.org.id)))
            })
            .map(|k| (k.k.slug.clone(), k.k.name.clone()))
            .collect()
    };
    let check = if q.kimppa.is_empty() {
        None
    } else {
        let r = calls::check(app, &ctx.principal, id, &q.kimppa).await?;
        let mut problems: Vec<String> = r
            .violations
            .iter()
            .map(|v| {
                use kimppa_app::matchmaking::Violation;
                match v {
                    Violation::TooFew { need, .. } => p.tn("rule-too-few", *need),
                    Violation::TooMany { max, .. } => p.tn("rule-too-many", *max),
                    Violation::Smes { need, .. } => p.tn("rule-smes", *need),
                    Violation::Research { need, .. } => p.tn("rule-research", *need),
                    Violation::Municipalities { need, .. } => p.tn("rule-municipalities", *need),
                    Violation::MissingRole(r) => p.t1("rule-role", "name", &p.t(&format!("role-{r}"))),
                }
            })
            .collect();
        if r.countries.0 < r.countries.1 {
            problems.push(p.tn("rule-countries", r.countries.1));
        }
        for name in &r.ineligible {
            problems.push(p.t1("rule-ineligible", "name", name));
        }
        Some(CheckView {
            name: r.kimppa.k.name.clone(),
            problems,
            suggestions: r
                .suggestions
                .iter()
                .map(|s| {
                    s.added
                        .iter()
                        .map(|(o, roles)| {
                            let roles = roles.iter().map(|x| p.t(&format!("role-{x}"))).collect::<Vec<_>>().join(", ");
                            (o.name.clone(), o.slug.clone(), roles)
                        })
                        .collect()
                })
                .collect(),
        })
    };
    let view = CallPage {
        description: kimppa_app::markdown::render(&c.description),
        org_types: p.labels("org-type", &c.org_types),
        rules: [
            ("field-call-min-partners", c.min_partners),
            ("field-call-min-countries", c.min_countries),
            ("field-call-min-smes", c.min_smes),
            ("field-call-min-research", c.min_research),
            ("field-call-min-municipalities", c.min_municipalities),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (p.t(k), *n))
        .collect(),
        kimppas: mine.into_iter().map(|(s, n)| (s.clone(), n, s == q.kimppa)).collect(),
        c: call_view(&p, &c),
        check,
        p,
    };
    Ok(crate::html(&view))
}

#[derive(Template)]
#[template(path = "funding/call_form.html")]
struct CallFormPage {
    p: Page,
    form: calls::CallForm,
    programmes: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    org_types: Vec<(String, String, bool)>,
    errors: FormErrors,
}

async fn call_form_page(ctx: &Ctx, form: calls::CallForm, errors: FormErrors) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageFunding)?;
    let p = ctx.form_page("call-new-title").await;
    let view = CallFormPage {
        programmes: programmes(&p, &form.programme),
        focus: key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|k| k.key()), &form.focus_areas),
        org_types: key_options(p.lang, "org-type-", OrgType::ALL.iter().map(|k| k.key()), &form.org_types),
        form,
        errors,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn call_form(ctx: Ctx) -> Result<Response, WebError> {
    call_form_page(&ctx, calls::CallForm::default(), FormErrors::none()).await
}

pub async fn call_create(ctx: Ctx, Form(f): Form<calls::CallForm>) -> Result<Response, WebError> {
    match calls::create(ctx.app(), &ctx.principal, &f).await {
        Ok(c) => {
            ctx.flash("call-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/calls/{}", c.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            call_form_page(&ctx, f, errors).await
        }
    }
}

pub async fn calls_ics(State(s): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let body = calls::ics(&s.app, ctx.lang.code()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, "inline; filename=\"kimppa-calls.ics\"".to_string()),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Procurements

pub struct ProcurementView {
    pub title: String,
    pub buyer: String,
    pub buyer_slug: String,
    pub cpv: String,
    pub deadline: String,
    pub link: String,
    pub circular: bool,
    pub criteria: String,
}

async fn procurement_views(
    app: &kimppa_app::App,
    p: &Page,
    rows: &[procurement::Model],
) -> Result<Vec<ProcurementView>, WebError> {
    let names = kimppa_app::people::org_names(app, rows.iter().filter_map(|r| r.buyer_org_id)).await?;
    Ok(rows
        .iter()
        .map(|r| ProcurementView {
            title: r.title.clone(),
            buyer: r.buyer_name.clone(),
            buyer_slug: r.buyer_org_id.and_then(|o| names.get(&o)).map(|n| n.slug.clone()).unwrap_or_default(),
            cpv: r.cpv.clone(),
            deadline: p.day(&r.deadline),
            link: r.link.clone(),
            circular: r.circular,
            criteria: r.criteria.clone(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "funding/procurements.html")]
struct ProcurementsPage {
    p: Page,
    items: Vec<ProcurementView>,
    q: String,
    cpv: String,
    circular: bool,
    closed: bool,
    may_manage: bool,
}

pub async fn procurements_list(ctx: Ctx, Query(f): Query<procurements::Filter>) -> Result<Response, WebError> {
    let rows = procurements::list(ctx.app(), &f).await?;
    let p = ctx.page("procurements-title").await;
    let items = procurement_views(ctx.app(), &p, &rows).await?;
    let may_manage = policy::allowed(&ctx.principal, policy::Action::ManageFunding);
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    Ok(crate::html(&ProcurementsPage {
        items,
        q: v(&f.q),
        cpv: v(&f.cpv),
        circular: f.circular.as_deref().is_some_and(|c| !c.is_empty()),
        closed: f.closed.as_deref().is_some_and(|c| !c.is_empty()),
        may_manage,
        p,
    }))
}

pub async fn procurements_rss(State(s): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let rows = procurements::newest(&s.app).await?;
    let p = ctx.page("procurements-title").await;
    let items: Vec<rss::Item> = rows
        .iter()
        .map(|r| {
            let mut text =
                format!("{} · CPV {} · {} {}", r.buyer_name, r.cpv, p.t("field-call-deadline"), p.day(&r.deadline));
            if r.circular {
                text.push_str(&format!(" · {}: {}", p.t("procurement-circular"), r.criteria));
            }
            rss::ItemBuilder::default()
                .title(Some(r.title.clone()))
                .link(Some(r.link.clone()))
                .guid(Some(rss::GuidBuilder::default().value(format!("procurement-{}", r.id)).permalink(false).build()))
                .description(Some(text))
                .pub_date(Some(r.created_at.to_rfc2822()))
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa — {}", p.t("procurements-title")))
        .link(s.app.url(&p.href("/procurements")))
        .description(p.t("procurements-intro"))
        .language(Some(p.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}

#[derive(Template)]
#[template(path = "funding/procurement_form.html")]
struct ProcurementFormPage {
    p: Page,
    form: procurements::ProcurementForm,
    org_choices: Vec<String>,
    errors: FormErrors,
}

async fn procurement_form_page(
    ctx: &Ctx,
    form: procurements::ProcurementForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageFunding)?;
    let p = ctx.form_page("procurement-new-title").await;
    let org_choices = kimppa_app::organisations::name_choices(ctx.app()).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&ProcurementFormPage { p, form, org_choices, errors })).into_response())
}

pub async fn procurement_form(ctx: Ctx) -> Result<Response, WebError> {
    procurement_form_page(&ctx, procurements::ProcurementForm::default(), FormErrors::none()).await
}

pub async fn procurement_create(ctx: Ctx, Form(f): Form<procurements::ProcurementForm>) -> Result<Response, WebError> {
    match procurements::create(ctx.app(), &ctx.principal, &f).await {
        Ok(_) => {
            ctx.flash("procurement-saved").await;
            Ok(Redirect::to(&ctx.href("/procurements")).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            procurement_form_page(&ctx, f, errors).await
        }
    }
}
