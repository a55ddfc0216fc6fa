//! The admin area for orchestrators and operators: membership queue,
//! users and roles, agreement versions, email outbox, audit log. Every
//! use case checks the policy; these handlers only render.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::records::{agreement_version, email, user};
use kimppa_app::{admin, membership};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/memberships", get(memberships))
        .route("/memberships/{org_id}", post(decide))
        .route("/users", get(users))
        .route("/users/{user_id}/role", post(set_role))
        .route("/agreements", get(agreements).post(publish))
        .route("/outbox", get(outbox))
        .route("/audit", get(audit))
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    p: Page,
    d: admin::Dashboard,
}

async fn dashboard(ctx: Ctx) -> Result<Response, WebError> {
    let d = admin::dashboard(ctx.app(), &ctx.principal).await?;
    Ok(crate::html(&DashboardPage { p: ctx.page("admin-title").await, d }))
}

#[derive(Template)]
#[template(path = "admin/memberships.html")]
struct MembershipsPage {
    p: Page,
    queue: Vec<membership::PendingApplication>,
    errors: FormErrors,
}

async fn memberships_page(ctx: &Ctx, errors: FormErrors) -> Result<MembershipsPage, WebError> {
    let queue = membership::queue(ctx.app(), &ctx.principal).await?;
    Ok(MembershipsPage { p: ctx.form_page("admin-memberships-title").await, queue, errors })
}

async fn memberships(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&memberships_page(&ctx, FormErrors::none()).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
}

async fn decide(ctx: Ctx, Path(org_id): Path<i32>, Form(f): Form<DecideForm>) -> Result<Response, WebError> {
    let approve = f.decision == "approve";
    match membership::decide(ctx.app(), &ctx.principal, org_id, approve, &f.tier, &f.reason).await {
        Ok(_) => {
            ctx.flash(if approve { "membership-approved" } else { "membership-rejected" }).await;
            Ok(Redirect::to(&ctx.href("/admin/memberships")).into_response())
        }
        Err(e) => {
            let mut errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            // Errors belong to the row of this organisation.
            if let Some(m) = errors.get("reason").or(errors.get("tier")).map(str::to_string) {
                errors = FormErrors::one(&format!("reason-{org_id}"), m);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&memberships_page(&ctx, errors).await?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    p: Page,
    users: Vec<user::Model>,
    q: String,
    roles: Vec<(String, String)>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn users(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, WebError> {
    let users = admin::users(ctx.app(), &ctx.principal, &q.q).await?;
    let roles = kimppa_domain::PlatformRole::ALL
        .iter()
        .map(|r| (r.key().to_string(), ctx.lang.t(&format!("role-{}", r.key()))))
        .collect();
    Ok(crate::html(&UsersPage { p: ctx.form_page("admin-users-title").await, users, q: q.q, roles }))
}

#[derive(Debug, Default, serde::Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn set_role(ctx: Ctx, Path(user_id): Path<i32>, Form(f): Form<RoleForm>) -> Result<Response, WebError> {
    admin::set_role(ctx.app(), &ctx.principal, user_id, &f.role).await?;
    ctx.flash("role-saved").await;
    Ok(Redirect::to(&ctx.href("/admin/users")).into_response())
}

#[derive(Template)]
#[template(path = "admin/agreements.html")]
struct AgreementsPage {
    p: Page,
    versions: Vec<agreement_version::Model>,
    form: membership::AgreementForm,
    errors: FormErrors,
}

async fn agreements(ctx: Ctx) -> Result<Response, WebError> {
    let versions = membership::list_agreements(ctx.app(), &ctx.principal).await?;
    let form = versions
        .first()
        .map(|v| membership::AgreementForm {
            title_fi: v.title_fi.clone(),
            title_en: v.title_en.clone(),
            body_fi: v.body_fi.clone(),
            body_en: v.body_en.clone(),
        })
        .unwrap_or_default();
    Ok(crate::html(&AgreementsPage {
        p: ctx.form_page("admin-agreements-title").await,
        versions,
        form,
        errors: FormErrors::none(),
    }))
}

async fn publish(ctx: Ctx, Form(form): Form<membership::AgreementForm>) -> Result<Response, WebError> {
    match membership::publish_agreement(ctx.app(), &ctx.principal, &form).await {
        Ok(_) => {
            ctx.flash("agreement-published").await;
            Ok(Redirect::to(&ctx.href("/admin/agreements")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let versions = membership::list_agreements(ctx.app(), &ctx.principal).await?;
            let page = AgreementsPage { p: ctx.form_page("admin-agreements-title").await, versions, form, errors };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    p: Page,
    emails: Vec<email::Model>,
    smtp: bool,
}

async fn outbox(ctx: Ctx) -> Result<Response, WebError> {
    let emails = admin::outbox(ctx.app(), &ctx.principal).await?;
    Ok(crate::html(&OutboxPage { p: ctx.page("admin-outbox-title").await, emails, smtp: ctx.app().mailer.is_smtp() }))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    p: Page,
    rows: Vec<admin::AuditRow>,
}

async fn audit(ctx: Ctx) -> Result<Response, WebError> {
    let rows = admin::audit_log(ctx.app(), &ctx.principal).await?;
    Ok(crate::html(&AuditPage { p: ctx.page("admin-audit-title").await, rows }))
}
