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
use kimppa_app::records::organisation;
use kimppa_app::{
    organisations::{self, MemberRow},
    policy::{self, Action},
};
use kimppa_domain::OrgId;

#[derive(Template)]
#[template(path = "organisations/people.html")]
struct PeoplePage {
    p: Page,
    org: organisation::Model,
    people: Vec<MemberRow>,
    can_invite: bool,
    invite: InviteForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn people_page(ctx: &Ctx, slug: &str, invite: InviteForm, errors: FormErrors) -> Result<PeoplePage, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, slug).await?;
    let people = organisations::members(ctx.app(), &ctx.principal, &org).await?;
    let can_invite = policy::decide(&ctx.principal, Action::InviteToOrganisation { org: OrgId(org.id) }).allowed();
    let mut p = ctx.form_page("people-title").await;
    p.title = format!("{} – {}", p.title, org.name);
    Ok(PeoplePage { p, org, people, can_invite, invite, errors })
}

pub async fn list(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let invite = InviteForm { role: "member".into(), ..Default::default() };
    Ok(crate::html(&people_page(&ctx, &slug, invite, FormErrors::none()).await?))
}

pub async fn invite(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<InviteForm>) -> Result<Response, WebError> {
    match organisations::invite(ctx.app(), &ctx.principal, &slug, &f.email, &f.role, ctx.lang.code()).await {
        Ok(()) => {
            ctx.flash("invite-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{slug}/people"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&people_page(&ctx, &slug, f, errors).await?))
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "organisations/invitation.html")]
struct InvitationPage {
    p: Page,
    org_name: String,
    token: String,
    logged_in: bool,
}

pub async fn invitation(ctx: Ctx, Path(token): Path<String>) -> Result<Response, WebError> {
    let (_, org) = organisations::invitations_find(ctx.app(), &token).await?;
    let page = InvitationPage {
        p: ctx.form_page("invitation-title").await,
        org_name: org.name,
        token,
        logged_in: !ctx.principal.is_anonymous(),
    };
    Ok(crate::html(&page))
}

pub async fn accept(ctx: Ctx, Path(token): Path<String>) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    let org = organisations::accept_invitation(ctx.app(), &ctx.principal, &token).await?;
    ctx.flash("invitation-accepted").await;
    Ok(Redirect::to(&ctx.href(&format!("/organisations/{}", org.slug))).into_response())
}
