//! The regional coordinators' pages: the region's listings and their
//! export, workshops and their reports.

use super::*;

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
    let (region, mine) = regions::chosen_region(&ctx.principal, f.region.as_deref())?;
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
