//! An organisation's own yearly figures (turnover, headcount, exports):
//! its admins and staff keep them; the cluster's indicators use them only
//! in sums over at least five organisations.

use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Datelike;
use kimppa_app::impact::own::{self, OwnForm};
use kimppa_app::organisations;
use kimppa_app::records::organisation;

#[derive(Template)]
#[template(path = "organisations/figures.html")]
struct FiguresPage {
    p: Page,
    org: organisation::Model,
    /// (year, turnover, headcount, exports)
    rows: Vec<(i32, String, String, String)>,
    form: OwnForm,
    errors: FormErrors,
}

async fn page(ctx: &Ctx, slug: &str, form: OwnForm, errors: FormErrors) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, slug).await?;
    let rows = own::list(ctx.app(), &ctx.principal, org.id).await?;
    let mut p =
        if errors.is_empty() { ctx.page("own-figures-title").await } else { ctx.form_page("own-figures-title").await };
    p.title = format!("{} — {}", p.t("own-figures-title"), org.name);
    let eur = |v: Option<i64>| crate::pipeline::euros(&p, v);
    let view = FiguresPage {
        rows: rows
            .iter()
            .map(|r| {
                (
                    r.year,
                    eur(r.turnover_euros),
                    r.headcount.map(|h| h.to_string()).unwrap_or_default(),
                    eur(r.export_euros),
                )
            })
            .collect(),
        form: OwnForm {
            year: if form.year.is_empty() {
                (kimppa_app::materials::today().year() - 1).to_string()
            } else {
                form.year.clone()
            },
            ..form
        },
        errors,
        org,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    page(&ctx, &slug, OwnForm::default(), FormErrors::none()).await
}

pub async fn save(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<OwnForm>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
    match own::save(ctx.app(), &ctx.principal, org.id, &f).await {
        Ok(()) => {
            ctx.flash("own-figures-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{slug}/figures"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, |f| match f {
                "year" => Some("own-figures-year"),
                "turnover_euros" => Some("own-figures-turnover"),
                "headcount" => Some("own-figures-headcount"),
                "export_euros" => Some("own-figures-export"),
                _ => None,
            })
            .ok_or(WebError(e))?;
            page(&ctx, &slug, f, errors).await
        }
    }
}
