use super::register::MessagePage;
use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::records::user;
use kimppa_app::{AppError, accounts, policy};

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    p: Page,
    email: String,
    errors: FormErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot_form(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&ForgotPage {
        p: ctx.form_page("forgot-title").await,
        email: String::new(),
        errors: FormErrors::none(),
    }))
}

pub async fn forgot_submit(ctx: Ctx, Form(f): Form<EmailForm>) -> Result<Response, WebError> {
    match accounts::request_password_reset(ctx.app(), &f.email, ctx.lang.code(), &ctx.client).await {
        Ok(()) => {
            let p = ctx.page("forgot-title").await;
            let message = p.t("forgot-sent");
            Ok(crate::html(&MessagePage { message, link: None, p }))
        }
        Err(e) => {
            let (status, errors) = match &e {
                AppError::RateLimited => {
                    (StatusCode::TOO_MANY_REQUESTS, FormErrors::one("email", ctx.lang.t("login-throttled")))
                }
                other => (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_app(other, ctx.lang).ok_or(WebError(e))?),
            };
            let page = ForgotPage { p: ctx.form_page("forgot-title").await, email: f.email, errors };
            Ok((status, crate::html(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    p: Page,
    token: String,
    errors: FormErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, WebError> {
    Ok(crate::html(&ResetPage { p: ctx.form_page("reset-title").await, token: q.token, errors: FormErrors::none() }))
}

pub async fn reset_submit(ctx: Ctx, Form(f): Form<ResetForm>) -> Result<Response, WebError> {
    match accounts::reset_password(ctx.app(), &f.token, &f.password).await {
        Ok(()) => {
            ctx.flash("reset-done").await;
            Ok(Redirect::to(&ctx.href("/login")).into_response())
        }
        Err(e) => {
            let errors = match &e {
                AppError::TokenInvalid => FormErrors::one("password", ctx.lang.t("verify-bad-text")),
                other => FormErrors::from_app(other, ctx.lang).ok_or(WebError(e))?,
            };
            let page = ResetPage { p: ctx.form_page("reset-title").await, token: f.token, errors };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    p: Page,
    user: user::Model,
    profile: accounts::ProfileForm,
    orgs: Vec<kimppa_app::policy::Membership>,
    errors: FormErrors,
}

async fn account_page(ctx: &Ctx, errors: FormErrors) -> Result<AccountPage, WebError> {
    let u = accounts::own_account(ctx.app(), &ctx.principal).await?;
    let profile = accounts::ProfileForm { name: u.name.clone(), title: u.title.clone().unwrap_or_default() };
    account_page_with(ctx, profile, errors).await
}

async fn account_page_with(
    ctx: &Ctx,
    profile: accounts::ProfileForm,
    errors: FormErrors,
) -> Result<AccountPage, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageOwnAccount)?;
    let user = accounts::own_account(ctx.app(), &ctx.principal).await?;
    let orgs = ctx.principal.memberships().to_vec();
    Ok(AccountPage { p: ctx.form_page("account-title").await, user, profile, orgs, errors })
}

pub async fn account(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&account_page(&ctx, FormErrors::none()).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change(ctx: Ctx, Form(f): Form<ChangeForm>) -> Result<Response, WebError> {
    let user_id = kimppa_app::policy::user_id(&ctx.principal)?;
    match accounts::change_password(ctx.app(), user_id.0, &f.current_password, &f.new_password).await {
        Ok(()) => {
            ctx.flash("password-changed").await;
            Ok(Redirect::to(&ctx.href("/account")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&account_page(&ctx, errors).await?)).into_response())
        }
    }
}

pub async fn profile(ctx: Ctx, Form(f): Form<accounts::ProfileForm>) -> Result<Response, WebError> {
    let user_id = kimppa_app::policy::user_id(&ctx.principal)?;
    match accounts::update_profile(ctx.app(), user_id.0, &f).await {
        Ok(_) => {
            ctx.flash("profile-saved").await;
            Ok(Redirect::to(&ctx.href("/account")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&account_page_with(&ctx, f, errors).await?))
                .into_response())
        }
    }
}
