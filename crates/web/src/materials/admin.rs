//! The marketplace's admin page: quality report, emission factors,
//! coordinators, the EWC import.

use super::*;

#[derive(Template)]
#[template(path = "materials/admin.html")]
struct AdminPage {
    p: Page,
    months: Vec<outcomes::Month>,
    reasons: Vec<(String, usize)>,
    impact: ImpactView,
    factors: Vec<(i32, String, String, String, String, String, bool)>,
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
                    f.illustrative,
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
