//! Materials marketplace pages (SPEC C7): listings of side streams offered
//! and wanted and of services for materials, their matches with the
//! reasons, feedback and closing with an outcome; the cluster's realised
//! symbioses; regional coordinators' searches, exports and workshops; the
//! RSS feed; and under `/admin` the emission factors, coordinators, the
//! EWC import and the matching-quality report.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormWithFile, Query},
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
use kimppa_app::policy::Principal;
use kimppa_app::records::{listing, material_class, municipality, workshop};
use kimppa_app::{
    AppError,
    materials::{
        self, Filter, ListingForm,
        matching::{self, StoredReason},
        outcomes::{self, CloseForm, FactorForm},
        reference,
        regions::{self, CoordinatorForm, WorkshopForm},
    },
};
use kimppa_domain::Region;
use kimppa_domain::{ListingStatus, ListingVisibility};
use std::collections::HashMap;

mod admin;
pub(crate) mod api;
mod coordinators;
mod listings;

use admin::*;
use coordinators::*;
use listings::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/materials", get(list))
        .route("/materials/feed.xml", get(feed))
        .route("/materials/mine", get(mine))
        .route("/materials/new", get(new_form).post(create))
        .route("/materials/region", get(region))
        .route("/materials/region/export.csv", get(export))
        .route("/materials/workshops", get(workshops))
        .route("/materials/workshops/new", get(workshop_form).post(workshop_create))
        .route("/materials/workshops/{id}", get(workshop_report))
        .route("/materials/matches/{mid}/feedback", post(feedback))
        .route("/materials/factors", get(factors))
        .route("/materials/deals/{id}", get(deal).post(deal_decide))
        .route("/materials/{id}", get(detail))
        .route("/materials/{id}/edit", get(edit_form).post(edit))
        .route("/materials/{id}/state", post(state))
        .route("/materials/{id}/close", get(close_form).post(close))
        .route("/materials/{id}/attachment", get(attachment))
}

/// Under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/materials", get(admin))
        .route("/materials/factors", post(factor_save))
        .route("/materials/factors/{id}/delete", post(factor_delete))
        .route("/materials/coordinators", post(coordinator_add))
        .route("/materials/coordinators/{id}/remove", post(coordinator_remove))
        .route("/materials/classes", post(classes_import))
}

// ---------------------------------------------------------------------------
// Views

/// The labels of the marketplace's form fields, for the error summaries.
fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "org" => "field-listing-org",
        "kind" => "field-listing-kind",
        "title" => "field-listing-title",
        "class_code" => "field-listing-class",
        "description" => "field-listing-description",
        "quantity" => "field-listing-quantity",
        "unit" => "field-listing-unit",
        "frequency" => "field-listing-frequency",
        "unit_tonnes" => "field-listing-unit-tonnes",
        "municipality" => "field-listing-municipality",
        "max_km" => "field-listing-max-km",
        "available_from" => "field-listing-from",
        "available_to" => "field-listing-to",
        "accepts" => "field-listing-accepts",
        "delivery" => "field-listing-delivery",
        "price_kind" => "field-listing-price-kind",
        "price" => "field-listing-price",
        "visibility" => "field-listing-visibility",
        "notify_threshold" => "field-listing-threshold",
        "expires_on" => "field-listing-expires",
        "contact" => "field-listing-contact",
        "workshop" => "field-listing-workshop",
        "attachment" => "field-listing-attachment",
        "outcome" => "field-outcome",
        "deal_org" => "field-deal-org",
        "tonnes_per_year" => "field-deal-tonnes",
        "deal_from" => "field-deal-from",
        "reason" => "field-no-deal-reason",
        "note" => "field-close-note",
        "held_on" => "field-workshop-day",
        "participants" => "field-workshop-participants",
        "notes" => "field-workshop-notes",
        "class_pattern" => "field-factor-class",
        "kg_co2e_per_tonne" => "field-factor-kg",
        "source" => "field-factor-source",
        "year" => "field-factor-year",
        "email" => "field-coordinator-email",
        "region" => "field-region",
        "file" => "classes-file",
        _ => return None,
    })
}

/// The field errors of `e` with the marketplace's labels.
fn errors_of(e: &AppError, ctx: &Ctx) -> Option<FormErrors> {
    FormErrors::from_app_labelled(e, ctx.lang, label_of)
}

/// A figure with spaces between thousands in Finnish and commas in English.
pub fn figure(p: &Page, x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x + 0.0);
    let (int, frac) = s.split_once('.').map(|(i, f)| (i.to_string(), Some(f.to_string()))).unwrap_or((s.clone(), None));
    let (sign, digits) = int.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int.as_str()));
    let sep = if p.code() == "fi" { '\u{a0}' } else { ',' };
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let point = if p.code() == "fi" { "," } else { "." };
    match frac {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A stored quantity as the reader writes numbers ("12,5" in Finnish).
fn amount(p: &Page, x: f64) -> String {
    let n = materials::number(x);
    if p.code() == "fi" { n.replace('.', ",") } else { n }
}

/// A listing in a list, ready for the template.
pub struct CardView {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub kind_key: String,
    pub class: String,
    pub hazardous: bool,
    pub org: String,
    pub org_slug: String,
    pub place: String,
    pub quantity: String,
    pub status: String,
    pub status_key: String,
    pub outcome: String,
    pub members_only: bool,
    /// "3 osumaa", on the owner's own list.
    pub matches: Option<String>,
}

/// What the views need besides the listings: organisation names, class
/// titles and municipality names (three queries for any number of rows).
pub struct Names {
    orgs: HashMap<i32, kimppa_app::people::OrgName>,
    classes: HashMap<String, material_class::Model>,
    places: HashMap<String, municipality::Model>,
}

impl Names {
    pub async fn load(app: &kimppa_app::App, rows: &[&listing::Model]) -> Result<Names, AppError> {
        let mut orgs: Vec<i32> = rows.iter().map(|l| l.org_id).collect();
        orgs.extend(rows.iter().filter_map(|l| l.deal_org_id));
        let codes: Vec<String> = rows.iter().map(|l| l.class_code.clone()).collect();
        let places: Vec<String> = rows.iter().map(|l| l.municipality.clone()).collect();
        Ok(Names {
            orgs: kimppa_app::people::org_names(app, orgs).await?,
            classes: reference::Classes::load_codes(app, &codes).await?,
            places: reference::municipalities_by_code(app, &places).await?,
        })
    }

    fn org(&self, id: i32) -> (String, String) {
        self.orgs.get(&id).map(|o| (o.name.clone(), o.slug.clone())).unwrap_or_default()
    }

    fn class(&self, p: &Page, code: &str) -> String {
        reference::label(code, self.classes.get(code), p.code())
    }

    fn place(&self, code: &str) -> String {
        self.places.get(code).map(|m| m.name_fi.clone()).unwrap_or_else(|| code.to_string())
    }

    fn point(&self, code: &str) -> Option<kimppa_app::sidestreams::Point> {
        self.places.get(code).map(reference::point)
    }
}

pub fn quantity(p: &Page, l: &listing::Model) -> String {
    match l.quantity {
        Some(q) => format!(
            "{} {} {}",
            amount(p, q),
            p.t(&format!("unit-{}", l.unit)),
            p.t(&format!("frequency-{}", l.frequency))
        ),
        None => p.t("quantity-unknown"),
    }
}

pub fn card(p: &Page, n: &Names, l: &listing::Model) -> CardView {
    let (org, org_slug) = n.org(l.org_id);
    CardView {
        id: l.id,
        title: l.title.clone(),
        kind: p.t(&format!("listing-kind-{}", l.kind)),
        kind_key: l.kind.to_string(),
        class: n.class(p, &l.class_code),
        hazardous: l.hazardous,
        org,
        org_slug,
        place: format!("{}, {}", n.place(&l.municipality), p.t(&format!("region-{}", l.region))),
        quantity: quantity(p, l),
        status: p.t(&format!("listing-status-{}", l.status)),
        status_key: l.status.to_string(),
        outcome: match l.outcome.as_str() {
            "deal" => p.t("outcome-deal"),
            "no-deal" => format!("{}: {}", p.t("outcome-no-deal"), p.t(&format!("reason-{}", l.outcome_reason))),
            _ => String::new(),
        },
        members_only: l.visibility == ListingVisibility::Members,
        matches: None,
    }
}

/// A reason of a match score in words, with its points.
/// A reason of a match as the listing's owner reads it; the quantity is the
/// share of the owner's own volume (`kind`: the owner's listing) the other covers.
pub fn reason_text(p: &Page, r: &StoredReason, kind: &str) -> String {
    let pct = format!("{:.0}", r.value * 100.0);
    let what = match r.part.as_str() {
        "class" => p.t(&format!("match-class-{}", r.fit)),
        "quantity" => p.t1(&format!("match-quantity-{kind}"), "amount", &pct),
        "distance" => p.t1("match-distance", "amount", &format!("{:.0}", r.value)),
        "window" => p.t1("match-window", "amount", &pct),
        _ => p.t1("match-text", "amount", &pct),
    };
    format!("{what} (+{:.0})", r.points)
}

fn kind_options(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    key_options(p.lang, "listing-kind-", materials::KINDS, &[chosen.to_string()])
}

fn region_options(p: &Page, chosen: &str, only: Option<&[String]>) -> Vec<(String, String, bool)> {
    Region::ALL
        .iter()
        .map(|r| r.key())
        .filter(|k| *k != "whole-finland" && *k != "international")
        .filter(|k| only.is_none_or(|o| o.iter().any(|x| x == k)))
        .map(|k| (k.to_string(), p.t(&format!("region-{k}")), k == chosen))
        .collect()
}

fn place_options(places: &[municipality::Model], chosen: &str) -> Vec<(String, String, bool)> {
    places.iter().map(|m| (m.code.clone(), m.name_fi.clone(), m.code == chosen)).collect()
}

/// Class options grouped by chapter (entries and project classes), for a
/// select with option groups; `filter` also offers chapters and
/// sub-chapters (for searching).
pub struct ClassGroup {
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

fn class_groups(p: &Page, classes: &[material_class::Model], chosen: &str, filter: bool) -> Vec<ClassGroup> {
    let mut groups: Vec<ClassGroup> = Vec::new();
    let mut project = ClassGroup { label: p.t("class-project-group"), options: vec![] };
    for c in classes {
        let label = reference::label(&c.code, Some(c), p.code());
        let sel = c.code == chosen;
        match c.level.as_str() {
            "chapter" => {
                groups.push(ClassGroup { label: label.clone(), options: vec![] });
                if filter && let Some(g) = groups.last_mut() {
                    g.options.push((c.code.clone(), format!("{} {}", c.code, p.t("class-whole-chapter")), sel));
                }
            }
            "sub" if filter => {
                if let Some(g) = groups.last_mut() {
                    g.options.push((c.code.clone(), label, sel));
                }
            }
            "entry" => {
                if let Some(g) = groups.last_mut() {
                    g.options.push((c.code.clone(), label, sel));
                }
            }
            "project" => project.options.push((c.code.clone(), label, sel)),
            _ => {}
        }
    }
    groups.retain(|g| !g.options.is_empty());
    groups.insert(0, project);
    groups
}

// ---------------------------------------------------------------------------
// The list, the feed and the impact figures

pub struct ImpactView {
    pub count: usize,
    pub tonnes: String,
    pub co2e: String,
    /// Tonnes of the CO2e from illustrative factors (empty when none).
    pub illustrative: String,
    /// Deals waiting for the other side (shown to staff only).
    pub unconfirmed: usize,
}

fn impact_view(p: &Page, i: &outcomes::Impact) -> ImpactView {
    ImpactView {
        count: i.count,
        tonnes: figure(p, i.tonnes_per_year, 0),
        co2e: figure(p, i.co2e_tonnes, 0),
        illustrative: if i.illustrative_co2e > 0.0 { figure(p, i.illustrative_co2e, 0) } else { String::new() },
        unconfirmed: i.unconfirmed,
    }
}

#[derive(Template)]
#[template(path = "materials/list.html")]
struct ListPage {
    p: Page,
    items: Vec<CardView>,
    total: u64,
    f: FilterView,
    kinds: Vec<(String, String, bool)>,
    classes: Vec<ClassGroup>,
    regions: Vec<(String, String, bool)>,
    places: Vec<(String, String, bool)>,
    impact: ImpactView,
    signed_in: bool,
    coordinator: bool,
    prev: Option<String>,
    next: Option<String>,
    feed: String,
}

/// The filter as typed, for re-showing.
#[derive(Default)]
pub struct FilterView {
    pub q: String,
    pub km: String,
}

fn filter_pairs(f: &Filter) -> Vec<(&'static str, String)> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        ("q", s(&f.q)),
        ("kind", s(&f.kind)),
        ("class", s(&f.class)),
        ("region", s(&f.region)),
        ("municipality", s(&f.municipality)),
        ("near", s(&f.near)),
        ("km", s(&f.km)),
        ("status", s(&f.status)),
    ]
}

fn query_of(f: &Filter, page: Option<u64>) -> String {
    let mut pairs = filter_pairs(f);
    if let Some(n) = page.filter(|n| *n > 1) {
        pairs.push(("page", n.to_string()));
    }
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::query_string(&refs)
}
