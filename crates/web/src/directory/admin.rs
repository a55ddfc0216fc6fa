use super::contact::LeadsPage;
use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::{Multipart, Path},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::records::{webhook_delivery, webhook_endpoint};
use kimppa_app::{
    AppError,
    directory::{
        contact,
        csv_io::{self, ImportReport, Table},
        webhooks::{self, EndpointForm},
    },
    policy::{self, Action},
};

/// Every lead and the brokered-contact counts of all organisations.
pub async fn leads(ctx: Ctx) -> Result<Response, WebError> {
    let kpis = contact::kpis(ctx.app(), &ctx.principal, None).await?;
    let leads = contact::all_leads(ctx.app(), &ctx.principal, 200).await?;
    let p = ctx.page("admin-leads-title").await;
    Ok(crate::html(&LeadsPage { p, kpis, leads, all: true }))
}

#[derive(Template)]
#[template(path = "directory/admin_directory.html")]
struct DirectoryPage {
    p: Page,
    report: Option<ImportReport>,
    table: String,
    dry_run: bool,
    errors: FormErrors,
}

pub async fn directory(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::ManageDirectory)?;
    let p = ctx.form_page("admin-directory-title").await;
    let page =
        DirectoryPage { p, report: None, table: "organisations".into(), dry_run: true, errors: FormErrors::none() };
    Ok(crate::html(&page))
}

/// CSV import (multipart: `table`, `dry_run`, `file`).
pub async fn import(ctx: Ctx, mut multipart: Multipart) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::ManageDirectory)?;
    let mut table = String::new();
    let mut dry_run = false;
    let mut bytes = bytes::Bytes::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("file", "err-form"))? {
        match field.name().unwrap_or("") {
            "table" => table = field.text().await.map_err(|_| AppError::field("table", "err-form"))?,
            "dry_run" => dry_run = !field.text().await.unwrap_or_default().is_empty(),
            "file" => bytes = field.bytes().await.map_err(|_| AppError::field("file", "err-file-too-large"))?,
            _ => {}
        }
    }
    let p = ctx.form_page("admin-directory-title").await;
    let fail = |code: &'static str, field: &'static str| {
        FormErrors::from_app(&AppError::field(field, code), ctx.lang).unwrap_or_else(FormErrors::none)
    };
    let Some(t) = Table::parse(&table) else {
        let page = DirectoryPage { p, report: None, table, dry_run, errors: fail("err-choose-one", "table") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response());
    };
    if bytes.is_empty() {
        let page = DirectoryPage { p, report: None, table, dry_run, errors: fail("err-file-empty", "file") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response());
    }
    let report = csv_io::import(ctx.app(), &ctx.principal, t, &bytes, dry_run).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = DirectoryPage { p, report: Some(report), table, dry_run, errors: FormErrors::none() };
    Ok((status, crate::html(&page)).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    sep: String,
}

/// `organisations.csv` or `services.csv`; `?sep=comma` for commas.
pub async fn export(
    ctx: Ctx,
    Path(file): Path<String>,
    crate::extract::Query(q): crate::extract::Query<ExportQuery>,
) -> Result<Response, WebError> {
    let table = file.strip_suffix(".csv").and_then(Table::parse).ok_or(AppError::NotFound)?;
    let delimiter = if q.sep == "comma" { b',' } else { b';' };
    let body = csv_io::export(ctx.app(), &ctx.principal, table, delimiter).await?;
    let name = format!("kimppa-{}-{}.csv", table.key(), kimppa_app::now().format("%Y-%m-%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "directory/admin_webhooks.html")]
struct WebhooksPage {
    p: Page,
    endpoints: Vec<webhook_endpoint::Model>,
    deliveries: Vec<webhook_delivery::Model>,
    form: EndpointForm,
    errors: FormErrors,
}

async fn webhooks_page(ctx: &Ctx, form: EndpointForm, errors: FormErrors) -> Result<Response, WebError> {
    let (endpoints, deliveries) = webhooks::overview(ctx.app(), &ctx.principal, 100).await?;
    let p = ctx.form_page("admin-webhooks-title").await;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&WebhooksPage { p, endpoints, deliveries, form, errors })).into_response())
}

pub async fn webhooks(ctx: Ctx) -> Result<Response, WebError> {
    webhooks_page(&ctx, EndpointForm::default(), FormErrors::none()).await
}

pub async fn create_webhook(ctx: Ctx, Form(form): Form<EndpointForm>) -> Result<Response, WebError> {
    match webhooks::create(ctx.app(), &ctx.principal, &form).await {
        Ok(_) => {
            ctx.flash("webhook-created").await;
            Ok(Redirect::to(&ctx.href("/admin/webhooks")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            webhooks_page(&ctx, form, errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub async fn toggle_webhook(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ActiveForm>) -> Result<Response, WebError> {
    webhooks::set_active(ctx.app(), &ctx.principal, id, f.active == "true").await?;
    ctx.flash("webhook-saved").await;
    Ok(Redirect::to(&ctx.href("/admin/webhooks")).into_response())
}
