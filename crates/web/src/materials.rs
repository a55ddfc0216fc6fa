//! Materials marketplace pages (SPEC C7): listings of side streams offered
//! and wanted and of services for materials, their matches with the
//! reasons, feedback and closing with an outcome; the cluster's realised
//! symbioses; regional coordinators' searches, exports and workshops; the
//! RSS feed; and under `/admin` the emission factors, coordinators, the
//! EWC import and the matching-quality report.

use crate::{
    AppState,
    challenges::options,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormWithFile, Query},
    forms::FormErrors,
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
pub fn reason_text(p: &Page, r: &StoredReason) -> String {
    let pct = format!("{:.0}", r.value * 100.0);
    let what = match r.part.as_str() {
        "class" => p.t(&format!("match-class-{}", r.fit)),
        "quantity" => p.t1("match-quantity", "amount", &pct),
        "distance" => p.t1("match-distance", "amount", &format!("{:.0}", r.value)),
        "window" => p.t1("match-window", "amount", &pct),
        _ => p.t1("match-text", "amount", &pct),
    };
    format!("{what} (+{:.0})", r.points)
}

fn kind_options(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    options(p, "listing-kind-", materials::KINDS, &[chosen.to_string()])
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
}

fn impact_view(p: &Page, i: &outcomes::Impact) -> ImpactView {
    ImpactView { count: i.count, tonnes: figure(p, i.tonnes_per_year, 0), co2e: figure(p, i.co2e_tonnes, 0) }
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

pub async fn list(ctx: Ctx, Query(mut f): Query<Filter>) -> Result<Response, WebError> {
    let app = ctx.app();
    // The public list shows published listings; coordinators use their region's page.
    f.status = None;
    f.org = None;
    let (rows, total) = materials::browse(app, &ctx.principal, &f).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(app, &refs).await?;
    let all_classes = reference::Classes::all(app).await?;
    let places = reference::municipalities(app).await?;
    let impact = outcomes::impact(app, None).await?;
    let p = ctx.page("materials-title").await;
    // With a municipality to measure from, each listing shows its distance.
    let centre = f.near.as_deref().and_then(|n| places.iter().find(|m| m.code == n)).map(reference::point);
    let items = rows
        .iter()
        .map(|l| {
            let mut c = card(&p, &names, l);
            if let (Some(a), Some(b)) = (centre, names.point(&l.municipality)) {
                c.place = format!(
                    "{} · {}",
                    c.place,
                    p.t1("listing-km-away", "amount", &format!("{:.0}", kimppa_app::sidestreams::haversine_km(a, b)))
                );
            }
            c
        })
        .collect();
    let page = materials::page_of(&f, total);
    let prev = (page > 1).then(|| format!("{}{}", p.href("/materials"), query_of(&f, Some(page - 1))));
    let next = (page * materials::PER_PAGE < total)
        .then(|| format!("{}{}", p.href("/materials"), query_of(&f, Some(page + 1))));
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let page_view = ListPage {
        kinds: kind_options(&p, &s(&f.kind)),
        classes: class_groups(&p, &all_classes, &s(&f.class), true),
        regions: region_options(&p, &s(&f.region), None),
        places: place_options(&places, &s(&f.near)),
        impact: impact_view(&p, &impact),
        signed_in: !ctx.principal.is_anonymous(),
        coordinator: kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::CoordinateAnyRegion),
        feed: format!("{}{}", p.href("/materials/feed.xml"), query_of(&f, None)),
        f: FilterView { q: s(&f.q), km: s(&f.km) },
        items,
        total,
        prev,
        next,
        p,
    };
    Ok(crate::html(&page_view))
}

/// The newest published listings as RSS, with the list's filters
/// (public listings only: a feed reader is anonymous).
pub async fn feed(State(s): State<AppState>, ctx: Ctx, Query(mut f): Query<Filter>) -> Result<Response, WebError> {
    f.status = None;
    f.page = None;
    let (rows, _) = materials::browse(&s.app, &Principal::Anonymous, &f).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(&s.app, &refs).await?;
    let p = ctx.page("materials-title").await;
    let items: Vec<rss::Item> = rows
        .iter()
        .map(|l| {
            let link = s.app.url(&p.href(&format!("/materials/{}", l.id)));
            let c = card(&p, &names, l);
            rss::ItemBuilder::default()
                .title(Some(format!("{}: {}", c.kind, l.title)))
                .link(Some(link.clone()))
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                .description(Some(format!("{} — {} — {} — {}", c.class, c.quantity, c.place, c.org)))
                .pub_date(l.published_at.map(|t| t.to_rfc2822()))
                .categories(vec![rss::CategoryBuilder::default().name(c.kind.clone()).build()])
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa — {}", p.t("materials-title")))
        .link(s.app.url(&p.href("/materials")))
        .description(p.t("materials-intro"))
        .language(Some(p.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}

#[derive(Template)]
#[template(path = "materials/mine.html")]
struct MinePage {
    p: Page,
    items: Vec<CardView>,
    may_list: bool,
}

pub async fn mine(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let rows = materials::mine(app, &ctx.principal).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(app, &refs).await?;
    let may_list = kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::StartListing);
    let counts = matching::counts(app, &rows.iter().map(|l| l.id).collect::<Vec<_>>()).await?;
    let p = ctx.page("materials-mine-title").await;
    let items = rows
        .iter()
        .map(|l| {
            let mut c = card(&p, &names, l);
            let n = counts.get(&l.id).copied().unwrap_or(0);
            c.matches = Some(p.t1("listing-match-count", "count", &n.to_string()));
            c
        })
        .collect();
    Ok(crate::html(&MinePage { p, items, may_list }))
}

// ---------------------------------------------------------------------------
// The listing form

#[derive(Template)]
#[template(path = "materials/form.html")]
struct FormPage {
    p: Page,
    action: String,
    editing: bool,
    published: bool,
    form: ListingForm,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    kinds: Vec<(String, String, bool)>,
    classes: Vec<ClassGroup>,
    units: Vec<(String, String, bool)>,
    frequencies: Vec<(String, String, bool)>,
    places: Vec<(String, String, bool)>,
    delivery: Vec<(String, String, bool)>,
    prices: Vec<(String, String, bool)>,
    visibilities: Vec<(String, String, bool)>,
    people: Vec<(String, String, bool)>,
    workshops: Vec<(String, String, bool)>,
    accepts_hazardous: bool,
    attachment: String,
}

async fn form_page(
    ctx: &Ctx,
    form: ListingForm,
    errors: FormErrors,
    editing: Option<&listing::Model>,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let (orgs, org_id) = match editing {
        Some(l) => {
            let names = kimppa_app::people::org_names(app, vec![l.org_id]).await?;
            (names.into_values().map(|o| (o.slug, o.name, true)).collect::<Vec<_>>(), Some(l.org_id))
        }
        None => {
            let choices = materials::owner_choices(app, &ctx.principal).await?;
            let only = choices.len() == 1;
            let chosen = choices.iter().find(|o| only || o.slug == form.org).map(|o| o.id);
            (
                choices
                    .into_iter()
                    .map(|o| {
                        let sel = only || o.slug == form.org;
                        (o.slug, o.name, sel)
                    })
                    .collect(),
                chosen,
            )
        }
    };
    let people = match org_id {
        Some(id) => materials::people_of(app, id).await?,
        None => vec![],
    };
    let classes = reference::Classes::all(app).await?;
    let places = reference::municipalities(app).await?;
    let mut workshops = materials::workshop_choices(app).await?;
    // An older workshop a listing was made at stays a choice when editing it.
    if let Some(w) = editing.and_then(|l| l.workshop_id).filter(|w| !workshops.iter().any(|x| x.id == *w))
        && let Some(old) = materials::workshop(app, w).await?
    {
        workshops.push(old);
    }
    let mut p = ctx.form_page(if editing.is_some() { "listing-edit-title" } else { "listing-new-title" }).await;
    let action = match editing {
        Some(l) => {
            p.title = format!("{}: {}", p.title, l.title);
            ctx.href(&format!("/materials/{}/edit", l.id))
        }
        None => ctx.href("/materials/new"),
    };
    let one = |v: &str| vec![v.to_string()];
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage {
        kinds: kind_options(&p, &form.kind),
        classes: class_groups(&p, &classes, &form.class_code, false),
        units: options(&p, "unit-", materials::UNITS, &one(&form.unit)),
        frequencies: options(&p, "frequency-", materials::FREQUENCIES, &one(&form.frequency)),
        places: place_options(&places, &form.municipality),
        delivery: options(&p, "delivery-", materials::DELIVERY, &form.delivery),
        prices: options(&p, "price-", materials::PRICE_KINDS, &one(&form.price_kind)),
        visibilities: options(&p, "listing-visibility-", materials::VISIBILITIES, &one(&form.visibility)),
        people: people.into_iter().map(|(id, n)| (id.to_string(), n, id.to_string() == form.contact)).collect(),
        workshops: workshops
            .into_iter()
            .map(|w| (w.id.to_string(), format!("{} ({})", w.title, w.held_on), w.id.to_string() == form.workshop))
            .collect(),
        accepts_hazardous: form.accepts_hazardous.is_some(),
        attachment: editing.and_then(|l| l.attachment_name.clone()).unwrap_or_default(),
        published: editing.is_some_and(|l| l.status == ListingStatus::Published),
        editing: editing.is_some(),
        action,
        form,
        errors,
        orgs,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    form_page(&ctx, ListingForm::new_default(), FormErrors::none(), None).await
}

pub async fn create(ctx: Ctx, FormWithFile(form, file): FormWithFile<ListingForm>) -> Result<Response, WebError> {
    match materials::create(ctx.app(), &ctx.principal, &form, file).await {
        Ok(l) => {
            ctx.flash(if l.status == ListingStatus::Published { "listing-published" } else { "listing-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{}", l.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, form, errors, None).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
    let slug = kimppa_app::people::org_names(ctx.app(), [l.org_id]).await?.remove(&l.org_id).unwrap_or_default().slug;
    form_page(&ctx, ListingForm::of(&l, &slug), FormErrors::none(), Some(&l)).await
}

pub async fn edit(
    ctx: Ctx,
    Path(id): Path<i32>,
    FormWithFile(form, file): FormWithFile<ListingForm>,
) -> Result<Response, WebError> {
    match materials::update(ctx.app(), &ctx.principal, id, &form, file).await {
        Ok(l) => {
            let published_now = form.action == "publish" && l.published_at.is_some_and(|t| t >= l.updated_at);
            ctx.flash(if published_now { "listing-published" } else { "listing-changes-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{}", l.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
            form_page(&ctx, form, errors, Some(&l)).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    /// `publish` or `unpublish`.
    pub action: String,
}

pub async fn state(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<StateForm>) -> Result<Response, WebError> {
    let publish = f.action == "publish";
    materials::set_published(ctx.app(), &ctx.principal, id, publish).await?;
    ctx.flash(if publish { "listing-published" } else { "listing-unpublished" }).await;
    Ok(Redirect::to(&ctx.href(&format!("/materials/{id}"))).into_response())
}

// ---------------------------------------------------------------------------
// A listing and its matches

pub struct MatchView {
    pub id: i32,
    pub other_id: i32,
    pub title: String,
    pub kind: String,
    pub org: String,
    pub class: String,
    pub place: String,
    pub km: String,
    pub quantity: String,
    pub points: String,
    pub reasons: Vec<String>,
    pub feedback: String,
    pub feedback_label: String,
}

#[derive(Template)]
#[template(path = "materials/detail.html")]
struct DetailPage {
    p: Page,
    l: listing::Model,
    c: CardView,
    description: String,
    delivery: String,
    price: String,
    window: String,
    accepts: String,
    contact: String,
    manage: bool,
    matches: Vec<MatchView>,
    symbiosis: Option<(String, String, String, String, String)>,
    workshop: Option<(i32, String)>,
    feedback: Vec<(String, String)>,
    max_km: i32,
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let l = materials::get(app, &ctx.principal, id).await?;
    let manage = materials::may_manage(&ctx.principal, l.org_id);
    let found = if manage { matching::of_listing(app, &ctx.principal, &l).await? } else { vec![] };
    let mut rows: Vec<&listing::Model> = vec![&l];
    rows.extend(found.iter().map(|f| &f.other));
    let names = Names::load(app, &rows).await?;
    let accepted = reference::Classes::load_codes(
        app,
        &kimppa_app::directory::list(&l.accepts).into_iter().map(str::to_string).collect::<Vec<_>>(),
    )
    .await?;
    let contact_id = l.contact_user_id.unwrap_or(l.created_by);
    let contact = materials::people_of(app, l.org_id)
        .await?
        .into_iter()
        .find(|(id, _)| *id == contact_id)
        .map(|(_, n)| n)
        .unwrap_or_default();
    let symbiosis = match outcomes::symbiosis_of(app, l.id).await? {
        Some(s) => {
            let pn = kimppa_app::people::org_names(app, vec![s.provider_org_id, s.receiver_org_id]).await?;
            let n = |id: i32| pn.get(&id).map(|o| o.name.clone()).unwrap_or_default();
            Some((n(s.provider_org_id), n(s.receiver_org_id), s.tonnes_per_year, s.co2e_tonnes, s.started_on.clone()))
        }
        None => None,
    };
    let workshop = match l.workshop_id {
        Some(w) => materials::workshop(app, w).await?.map(|w| (w.id, w.title)),
        None => None,
    };
    // Only the owners get forms here (a visitor's page starts no session).
    let mut p = if manage { ctx.form_page("materials-title").await } else { ctx.page("materials-title").await };
    p.title = l.title.clone();
    let here = names.point(&l.municipality);
    let matches = found
        .iter()
        .map(|f| {
            let o = &f.other;
            let km = match (here, names.point(&o.municipality)) {
                (Some(a), Some(b)) => format!("{:.0}", kimppa_app::sidestreams::haversine_km(a, b)),
                _ => String::new(),
            };
            MatchView {
                id: f.m.id,
                other_id: o.id,
                title: o.title.clone(),
                kind: p.t(&format!("listing-kind-{}", o.kind)),
                org: names.org(o.org_id).0,
                class: names.class(&p, &o.class_code),
                place: names.place(&o.municipality),
                km,
                quantity: quantity(&p, o),
                points: format!("{:.0}", f.m.score),
                reasons: f.reasons.iter().filter(|r| r.points >= 0.5).map(|r| reason_text(&p, r)).collect(),
                feedback: f.m.feedback.clone(),
                feedback_label: if f.m.feedback.is_empty() {
                    String::new()
                } else {
                    p.t(&format!("feedback-{}", f.m.feedback))
                },
            }
        })
        .collect();
    let c = card(&p, &names, &l);
    let symbiosis = symbiosis.map(|(a, b, t, co2, since)| (a, b, figure(&p, t, 0), figure(&p, co2, 1), since));
    let page = DetailPage {
        description: kimppa_app::markdown::render(&l.description),
        delivery: p.labels("delivery", &l.delivery),
        price: match l.price_kind.as_str() {
            "fixed" => l.price.clone(),
            k => {
                let base = p.t(&format!("price-{k}"));
                if l.price.is_empty() { base } else { format!("{base} ({})", l.price) }
            }
        },
        window: match &l.available_to {
            Some(to) => format!("{} – {}", p.day(&l.available_from), p.day(to)),
            None => format!("{} –", p.day(&l.available_from)),
        },
        accepts: kimppa_app::directory::list(&l.accepts)
            .into_iter()
            .map(|c| reference::label(c, accepted.get(c), p.code()))
            .collect::<Vec<_>>()
            .join("; "),
        feedback: matching::FEEDBACK.iter().map(|f| (f.to_string(), p.t(&format!("feedback-{f}")))).collect(),
        max_km: l.max_km,
        contact,
        manage,
        matches,
        symbiosis,
        workshop,
        c,
        l,
        p,
    };
    Ok(crate::html(&page))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    pub feedback: String,
}

pub async fn feedback(ctx: Ctx, Path(mid): Path<i32>, Form(f): Form<FeedbackForm>) -> Result<Response, WebError> {
    let m = matching::feedback(ctx.app(), &ctx.principal, mid, &f.feedback).await?;
    ctx.flash("feedback-saved").await;
    Ok(Redirect::to(&ctx.href(&format!("/materials/{}#match-{}", m.listing_id, m.id))).into_response())
}

pub async fn attachment(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (name, kind, bytes) = materials::attachment(ctx.app(), &ctx.principal, id).await?;
    Ok(crate::forum::file_response(&name, &kind, bytes))
}

// ---------------------------------------------------------------------------
// Closing

#[derive(Template)]
#[template(path = "materials/close.html")]
struct ClosePage {
    p: Page,
    l: listing::Model,
    form: CloseForm,
    errors: FormErrors,
    partners: Vec<(String, String, bool)>,
    reasons: Vec<(String, String, bool)>,
}

async fn close_page(ctx: &Ctx, l: listing::Model, form: CloseForm, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    // The matched organisations first, then every approved member.
    let matched: Vec<i32> =
        matching::of_listing(app, &ctx.principal, &l).await?.iter().map(|f| f.other.org_id).collect();
    let orgs = materials::partner_choices(app).await?;
    let mut partners: Vec<(String, String, bool)> = Vec::new();
    let names = kimppa_app::people::org_names(app, matched.clone()).await?;
    for id in &matched {
        if let Some(o) = names.get(id)
            && !partners.iter().any(|(s, _, _)| *s == o.slug)
        {
            partners.push((o.slug.clone(), o.name.clone(), o.slug == form.deal_org));
        }
    }
    for (id, n, slug) in orgs {
        if id != l.org_id && !partners.iter().any(|(s, _, _)| *s == slug) {
            partners.push((slug.clone(), n, slug == form.deal_org));
        }
    }
    let mut p = ctx.form_page("listing-close-title").await;
    p.title = format!("{}: {}", p.title, l.title);
    let reasons = options(&p, "reason-", outcomes::REASONS, std::slice::from_ref(&form.reason));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&ClosePage { p, l, form, errors, partners, reasons })).into_response())
}

pub async fn close_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
    let form = CloseForm {
        deal_from: materials::today().format("%Y-%m-%d").to_string(),
        tonnes_per_year: materials::monthly_tonnes(&l).map(|t| materials::number(t * 12.0)).unwrap_or_default(),
        ..Default::default()
    };
    close_page(&ctx, l, form, FormErrors::none()).await
}

pub async fn close(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<CloseForm>) -> Result<Response, WebError> {
    match outcomes::close(ctx.app(), &ctx.principal, id, &form).await {
        Ok(_) => {
            ctx.flash("listing-closed").await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
            close_page(&ctx, l, form, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// Regional coordinators

#[derive(Template)]
#[template(path = "materials/region.html")]
struct RegionPage {
    p: Page,
    region_name: String,
    regions: Vec<(String, String, bool)>,
    statuses: Vec<(String, String, bool)>,
    kinds: Vec<(String, String, bool)>,
    q: String,
    items: Vec<CardView>,
    export: String,
    months: Vec<outcomes::Month>,
}

pub async fn region(ctx: Ctx, Query(f): Query<Filter>) -> Result<Response, WebError> {
    let app = ctx.app();
    let mine = regions::coordinated(&ctx.principal)?;
    let region = match f.region.clone().filter(|r| mine.contains(r)).or_else(|| mine.first().cloned()) {
        Some(r) => r,
        None => return Err(AppError::Forbidden.into()),
    };
    let rows = regions::region_listings(app, &ctx.principal, &region, &f).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(app, &refs).await?;
    let (months, _) = outcomes::quality(app, &ctx.principal, Some(&region)).await?;
    let p = ctx.page("region-title").await;
    let mut ef = f.clone();
    ef.region = Some(region.clone());
    let status = f.status.clone().unwrap_or_default();
    let page = RegionPage {
        region_name: p.t(&format!("region-{region}")),
        regions: region_options(&p, &region, Some(&mine)),
        statuses: std::iter::once(("all".to_string(), p.t("listing-status-all"), status == "all" || status.is_empty()))
            .chain(
                ["published", "closed", "expired"]
                    .iter()
                    .map(|s| (s.to_string(), p.t(&format!("listing-status-{s}")), status == *s)),
            )
            .collect(),
        kinds: kind_options(&p, f.kind.as_deref().unwrap_or_default()),
        q: f.q.clone().unwrap_or_default(),
        items: rows.iter().map(|l| card(&p, &names, l)).collect(),
        export: format!("{}{}", p.href("/materials/region/export.csv"), query_of(&ef, None)),
        months,
        p,
    };
    Ok(crate::html(&page))
}

pub async fn export(
    ctx: Ctx,
    Query(f): Query<Filter>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, WebError> {
    let region = f.region.clone().unwrap_or_default();
    // Semicolons for spreadsheets set to Finnish, `sep=comma` for commas.
    let delimiter = if raw.is_some_and(|q| q.split('&').any(|p| p == "sep=comma")) { b',' } else { b';' };
    let csv = regions::export_csv(ctx.app(), &ctx.principal, &region, &f, ctx.lang.code(), delimiter).await?;
    let name = format!("kimppa-listings-{region}-{}.csv", materials::today().format("%Y-%m-%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        csv,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Workshops

#[derive(Template)]
#[template(path = "materials/workshops.html")]
struct WorkshopsPage {
    p: Page,
    items: Vec<(i32, String, String, String)>,
    may_record: bool,
}

pub async fn workshops(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let rows = regions::workshops(app).await?;
    let may_record = kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::CoordinateAnyRegion);
    let p = ctx.page("workshops-title").await;
    let items =
        rows.into_iter().map(|w| (w.id, w.title, p.day(&w.held_on), p.t(&format!("region-{}", w.region)))).collect();
    Ok(crate::html(&WorkshopsPage { p, items, may_record }))
}

#[derive(Template)]
#[template(path = "materials/workshop_new.html")]
struct WorkshopFormPage {
    p: Page,
    form: WorkshopForm,
    errors: FormErrors,
    places: Vec<(String, String, bool)>,
}

async fn workshop_page(ctx: &Ctx, form: WorkshopForm, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let mine = regions::coordinated(&ctx.principal)?;
    let places: Vec<municipality::Model> =
        reference::municipalities(app).await?.into_iter().filter(|m| mine.contains(&m.region)).collect();
    let p = ctx.form_page("workshop-new-title").await;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let places = place_options(&places, &form.municipality);
    Ok((status, crate::html(&WorkshopFormPage { p, form, errors, places })).into_response())
}

pub async fn workshop_form(ctx: Ctx) -> Result<Response, WebError> {
    let form = WorkshopForm { held_on: materials::today().format("%Y-%m-%d").to_string(), ..Default::default() };
    workshop_page(&ctx, form, FormErrors::none()).await
}

pub async fn workshop_create(ctx: Ctx, Form(form): Form<WorkshopForm>) -> Result<Response, WebError> {
    match regions::create_workshop(ctx.app(), &ctx.principal, &form).await {
        Ok(w) => {
            ctx.flash("workshop-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/workshops/{}", w.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            workshop_page(&ctx, form, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "materials/workshop.html")]
struct WorkshopPage {
    p: Page,
    w: workshop::Model,
    place: String,
    region: String,
    participants: Vec<String>,
    notes: String,
    listings: Vec<CardView>,
    /// (listing title, its id, counter-listing title, its id, organisation, points)
    matches: Vec<(String, i32, String, i32, String, String)>,
    /// (provider, receiver, tonnes a year, CO2e)
    symbioses: Vec<(String, String, String, String)>,
    listing_count: usize,
    match_count: usize,
    tonnes: String,
    co2e: String,
}

pub async fn workshop_report(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let r = regions::report(app, &ctx.principal, id).await?;
    let mut rows: Vec<&listing::Model> = r.listings.iter().collect();
    rows.extend(r.matches.iter().map(|(_, o, _)| o));
    let names = Names::load(app, &rows).await?;
    let place = reference::municipalities_by_code(app, std::slice::from_ref(&r.w.municipality))
        .await?
        .remove(&r.w.municipality)
        .map(|m| m.name_fi)
        .unwrap_or_default();
    let mut p = ctx.page("workshops-title").await;
    p.title = r.w.title.clone();
    let title_of = |id: i32| r.listings.iter().find(|l| l.id == id).map(|l| l.title.clone()).unwrap_or_default();
    let org = |id: i32| r.org_names.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    let page = WorkshopPage {
        region: p.t(&format!("region-{}", r.w.region)),
        participants: r.w.participants.lines().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        notes: kimppa_app::markdown::render(&r.w.notes),
        listings: r.listings.iter().map(|l| card(&p, &names, l)).collect(),
        matches: r
            .matches
            .iter()
            .map(|(lid, o, s)| (title_of(*lid), *lid, o.title.clone(), o.id, org(o.org_id), format!("{s:.0}")))
            .collect(),
        symbioses: r
            .symbioses
            .iter()
            .map(|s| {
                (
                    org(s.provider_org_id),
                    org(s.receiver_org_id),
                    figure(&p, s.tonnes_per_year, 0),
                    figure(&p, s.co2e_tonnes, 1),
                )
            })
            .collect(),
        tonnes: figure(&p, r.symbioses.iter().map(|s| s.diverted_tonnes).sum::<f64>(), 0),
        co2e: figure(&p, r.symbioses.iter().map(|s| s.co2e_tonnes).sum::<f64>(), 1),
        listing_count: r.listing_count,
        match_count: r.match_count,
        place,
        w: r.w,
        p,
    };
    Ok(crate::html(&page))
}

// ---------------------------------------------------------------------------
// Admin: quality report, emission factors, coordinators, EWC import

#[derive(Template)]
#[template(path = "materials/admin.html")]
struct AdminPage {
    p: Page,
    months: Vec<outcomes::Month>,
    reasons: Vec<(String, usize)>,
    impact: ImpactView,
    factors: Vec<(i32, String, String, String, String, String)>,
    fform: FactorForm,
    ferrors: FormErrors,
    coordinators: Vec<(i32, String, String, String)>,
    cform: CoordinatorForm,
    cerrors: FormErrors,
    regions: Vec<(String, String, bool)>,
    ierrors: FormErrors,
    class_count: usize,
}

#[derive(Default)]
struct AdminTyped {
    fform: FactorForm,
    ferrors: FormErrors,
    cform: CoordinatorForm,
    cerrors: FormErrors,
    ierrors: FormErrors,
}

async fn admin_page(ctx: &Ctx, t: AdminTyped) -> Result<Response, WebError> {
    let app = ctx.app();
    let (months, reasons) = outcomes::quality(app, &ctx.principal, None).await?;
    let factors = outcomes::factors(app).await?;
    let classes =
        reference::Classes::load_codes(app, &factors.iter().map(|f| f.class_pattern.clone()).collect::<Vec<_>>())
            .await?;
    let coordinators = regions::coordinators(app, &ctx.principal).await?;
    let impact = outcomes::impact(app, None).await?;
    let class_count = reference::Classes::all(app).await?.len();
    let p = ctx.form_page("materials-admin-title").await;
    let failed = !(t.ferrors.is_empty() && t.cerrors.is_empty() && t.ierrors.is_empty());
    let page = AdminPage {
        months,
        reasons: reasons.into_iter().map(|(k, n)| (p.t(&format!("reason-{k}")), n)).collect(),
        impact: impact_view(&p, &impact),
        factors: factors
            .iter()
            .map(|f| {
                (
                    f.id,
                    reference::label(&f.class_pattern, classes.get(&f.class_pattern), p.code()),
                    materials::number(f.kg_co2e_per_tonne),
                    f.source.clone(),
                    f.year.to_string(),
                    f.note.clone(),
                )
            })
            .collect(),
        coordinators: coordinators
            .into_iter()
            .map(|(r, n, e)| (r.id, n, e, p.t(&format!("region-{}", r.region))))
            .collect(),
        regions: region_options(&p, &t.cform.region, None),
        fform: t.fform,
        ferrors: t.ferrors,
        cform: t.cform,
        cerrors: t.cerrors,
        ierrors: t.ierrors,
        class_count,
        p,
    };
    let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn admin(ctx: Ctx) -> Result<Response, WebError> {
    admin_page(&ctx, AdminTyped::default()).await
}

pub async fn factor_save(ctx: Ctx, Form(f): Form<FactorForm>) -> Result<Response, WebError> {
    match outcomes::save_factor(ctx.app(), &ctx.principal, &f).await {
        Ok(_) => {
            ctx.flash("factor-saved").await;
            Ok(Redirect::to(&ctx.href("/admin/materials#factors")).into_response())
        }
        Err(e) => {
            let ferrors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            admin_page(&ctx, AdminTyped { fform: f, ferrors, ..Default::default() }).await
        }
    }
}

pub async fn factor_delete(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    outcomes::delete_factor(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("factor-deleted").await;
    Ok(Redirect::to(&ctx.href("/admin/materials#factors")).into_response())
}

pub async fn coordinator_add(ctx: Ctx, Form(f): Form<CoordinatorForm>) -> Result<Response, WebError> {
    match regions::add_coordinator(ctx.app(), &ctx.principal, &f).await {
        Ok(()) => {
            ctx.flash("coordinator-added").await;
            Ok(Redirect::to(&ctx.href("/admin/materials#coordinators")).into_response())
        }
        Err(e) => {
            let cerrors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            admin_page(&ctx, AdminTyped { cform: f, cerrors, ..Default::default() }).await
        }
    }
}

pub async fn coordinator_remove(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    regions::remove_coordinator(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("coordinator-removed").await;
    Ok(Redirect::to(&ctx.href("/admin/materials#coordinators")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

pub async fn classes_import(ctx: Ctx, FormWithFile(_, file): FormWithFile<NoFields>) -> Result<Response, WebError> {
    let data = file.map(|f| f.bytes).unwrap_or_default();
    match reference::import_ewc(ctx.app(), &ctx.principal, &data).await {
        Ok(n) => {
            ctx.flash("classes-imported").await;
            tracing::info!(rows = n, "EWC classes imported");
            Ok(Redirect::to(&ctx.href("/admin/materials#classes")).into_response())
        }
        Err(e) => {
            let ierrors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            admin_page(&ctx, AdminTyped { ierrors, ..Default::default() }).await
        }
    }
}
