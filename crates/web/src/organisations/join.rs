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
use kimppa_app::records::{agreement_version, organisation};
use kimppa_app::{
    AppError, membership, organisations,
    policy::{self, Action},
};
use kimppa_domain::MembershipStatus;
use kimppa_domain::OrgId;

#[derive(Template)]
#[template(path = "organisations/join.html")]
struct JoinPage {
    p: Page,
    org: organisation::Model,
    agreement: agreement_version::Model,
    title: String,
    body: String,
    errors: FormErrors,
}

async fn join_page(ctx: &Ctx, slug: &str, errors: FormErrors) -> Result<JoinPage, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, slug).await?;
    policy::require(&ctx.principal, Action::ApplyForMembership { org: OrgId(org.id) })?;
    if org.membership_status == MembershipStatus::Pending || org.membership_status == MembershipStatus::Approved {
        return Err(AppError::Conflict("already-applied").into());
    }
    let agreement = membership::current_agreement(ctx.app()).await?.ok_or(AppError::NotFound)?;
    let (title, body) = match ctx.lang {
        crate::i18n::Lang::Fi => (agreement.title_fi.clone(), kimppa_app::markdown::render(&agreement.body_fi)),
        crate::i18n::Lang::En => (agreement.title_en.clone(), kimppa_app::markdown::render(&agreement.body_en)),
    };
    Ok(JoinPage { p: ctx.form_page("join-title").await, org, agreement, title, body, errors })
}

pub async fn form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    Ok(crate::html(&join_page(&ctx, &slug, FormErrors::none()).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    version_id: i32,
    #[serde(default)]
    accept: Option<String>,
}

pub async fn submit(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<JoinForm>) -> Result<Response, WebError> {
    match membership::apply(ctx.app(), &ctx.principal, &slug, f.version_id, f.accept.is_some()).await {
        Ok(()) => {
            ctx.flash("join-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{slug}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&join_page(&ctx, &slug, errors).await?)).into_response())
        }
    }
}
