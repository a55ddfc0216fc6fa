//! Orchestrators' editors: pages with revision history and restore,
//! and the analytics page with CSV export.

use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{
    policy::{self, Action},
    website::{analytics, pages},
};

#[derive(Template)]
#[template(path = "website/admin_pages.html")]
struct PagesPage {
    p: Page,
    pages: Vec<pages::PageView>,
}

pub async fn pages(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::ManageContent)?;
    let list = pages::list(ctx.app(), &ctx.principal).await?;
    Ok(crate::html(&PagesPage { p: ctx.page("admin-pages-title").await, pages: list }))
}

#[derive(Template)]
#[template(path = "website/admin_page_form.html")]
struct PageFormPage {
    p: Page,
    form: pages::PageForm,
    errors: FormErrors,
    slug: Option<String>,
}

async fn form_page(ctx: &Ctx, form: pages::PageForm, errors: FormErrors, slug: Option<String>) -> PageFormPage {
    let p = ctx.form_page(if slug.is_some() { "admin-page-edit" } else { "admin-page-new" }).await;
    PageFormPage { p, form, errors, slug }
}

pub async fn new_page(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::ManageContent)?;
    let form = pages::PageForm { status: "draft".into(), ..Default::default() };
    Ok(crate::html(&form_page(&ctx, form, FormErrors::none(), None).await))
}

pub async fn create_page(ctx: Ctx, Form(form): Form<pages::PageForm>) -> Result<Response, WebError> {
    match pages::save(ctx.app(), &ctx.principal, None, &form).await {
        Ok(page) => {
            ctx.flash("page-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/admin/pages/{}/edit", page.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&form_page(&ctx, form, errors, None).await))
                .into_response())
        }
    }
}

pub async fn edit_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::ManageContent)?;
    let v = pages::get(ctx.app(), &ctx.principal, &slug).await?;
    Ok(crate::html(&form_page(&ctx, pages::PageForm::from_view(&v), FormErrors::none(), Some(slug)).await))
}

pub async fn update_page(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<pages::PageForm>,
) -> Result<Response, WebError> {
    match pages::save(ctx.app(), &ctx.principal, Some(&slug), &form).await {
        Ok(page) => {
            ctx.flash("page-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/admin/pages/{}/edit", page.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&form_page(&ctx, form, errors, Some(slug)).await))
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "website/admin_page_history.html")]
struct HistoryPage {
    p: Page,
    view: pages::PageView,
    rows: Vec<pages::RevisionRow>,
}

pub async fn history(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let (view, rows) = pages::history(ctx.app(), &ctx.principal, &slug).await?;
    let mut p = ctx.form_page("admin-page-history").await;
    p.title = format!("{}: {}", p.title, super::pick(ctx.lang, &view.rev.title_fi, &view.rev.title_en));
    Ok(crate::html(&HistoryPage { p, view, rows }))
}

pub async fn restore(ctx: Ctx, Path((slug, revision)): Path<(String, i32)>) -> Result<Response, WebError> {
    pages::restore(ctx.app(), &ctx.principal, &slug, revision).await?;
    ctx.flash("page-restored").await;
    Ok(Redirect::to(&ctx.href(&format!("/admin/pages/{slug}/history"))).into_response())
}

#[derive(Template)]
#[template(path = "website/admin_analytics.html")]
struct AnalyticsPage {
    p: Page,
    r: analytics::Report,
    chart: String,
}

const DAYS: i64 = 30;

pub async fn analytics(ctx: Ctx) -> Result<Response, WebError> {
    ctx.app().analytics.flush(ctx.app()).await?;
    let r = analytics::report(ctx.app(), &ctx.principal, DAYS).await?;
    let p = ctx.page("admin-analytics-title").await;
    let chart = chart(&p, &r);
    Ok(crate::html(&AnalyticsPage { p, r, chart }))
}

/// A bar chart of views and unique visitors per day as inline SVG; the
/// table under it is the text alternative.
fn chart(p: &Page, r: &analytics::Report) -> String {
    let (w, h, pad) = (720.0_f64, 220.0_f64, 30.0_f64);
    let max = r.days.iter().map(|d| d.1.max(d.2)).max().unwrap_or(0).max(1) as f64;
    let n = r.days.len().max(1) as f64;
    let slot = (w - pad) / n;
    let mut bars = String::new();
    for (i, (day, views, uniques)) in r.days.iter().enumerate() {
        let x = pad + i as f64 * slot;
        let hv = (*views as f64 / max) * (h - pad);
        let hu = (*uniques as f64 / max) * (h - pad);
        bars.push_str(&format!(
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hv:.1}\"><title>{day}: {views}</title></rect>",
            h - pad - hv,
            slot * 0.45
        ));
        bars.push_str(&format!(
            "<rect class=\"bar2\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hu:.1}\"><title>{day}: {uniques}</title></rect>",
            x + slot * 0.45,
            h - pad - hu,
            slot * 0.45
        ));
        if i % 7 == 0 {
            bars.push_str(&format!("<text x=\"{x:.1}\" y=\"{:.1}\">{}</text>", h - 10.0, &day[5..]));
        }
    }
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">{}</title><text x=\"0\" y=\"12\">{}</text>{bars}</svg>",
        p.t("analytics-chart-title"),
        max as i64
    )
}

pub async fn analytics_csv(ctx: Ctx) -> Result<Response, WebError> {
    ctx.app().analytics.flush(ctx.app()).await?;
    let r = analytics::report(ctx.app(), &ctx.principal, 366).await?;
    let mut csv = String::from("day,views,unique_visitors\n");
    for (day, views, uniques) in &r.days {
        csv.push_str(&format!("{day},{views},{uniques}\n"));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"kimppa-analytics.csv\""),
        ],
        csv,
    )
        .into_response())
}
