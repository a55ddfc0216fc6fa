//! TOTP second factor setup.

use crate::{
    ctx::{Ctx, Page, SESSION_2FA},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{AppError, accounts};

const SETUP_SECRET: &str = "totp_setup_secret";

#[derive(Template)]
#[template(path = "accounts/security.html")]
struct SecurityPage {
    p: Page,
    enabled: bool,
    elevated_role: bool,
    secret: String,
    otpauth: String,
    errors: FormErrors,
}

async fn security_page(ctx: &Ctx, errors: FormErrors) -> Result<SecurityPage, WebError> {
    let user = accounts::own_account(ctx.app(), &ctx.principal).await?;
    let enabled = user.totp_enabled_at.is_some();
    let secret = if enabled {
        String::new()
    } else {
        match ctx.session.get::<String>(SETUP_SECRET).await.map_err(AppError::internal)? {
            Some(s) => s,
            None => {
                let s = accounts::totp::new_secret();
                ctx.session.insert(SETUP_SECRET, &s).await.map_err(AppError::internal)?;
                s
            }
        }
    };
    let otpauth = if enabled { String::new() } else { accounts::totp::otpauth_url(&secret, &user.email)? };
    Ok(SecurityPage {
        p: ctx.form_page("security-title").await,
        enabled,
        elevated_role: kimppa_app::policy::has_staff_role(&ctx.principal),
        secret,
        otpauth,
        errors,
    })
}

pub async fn page(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&security_page(&ctx, FormErrors::none()).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

pub async fn enable(ctx: Ctx, Form(f): Form<CodeForm>) -> Result<Response, WebError> {
    let user_id = kimppa_app::policy::user_id(&ctx.principal)?;
    let Some(secret) = ctx.session.get::<String>(SETUP_SECRET).await.map_err(AppError::internal)? else {
        return Ok(Redirect::to(&ctx.href("/account/security")).into_response());
    };
    match accounts::totp::enable(ctx.app(), user_id.0, &secret, &f.code).await {
        Ok(()) => {
            ctx.session.remove::<String>(SETUP_SECRET).await.map_err(AppError::internal)?;
            ctx.session.insert(SESSION_2FA, true).await.map_err(AppError::internal)?;
            ctx.flash("totp-enabled").await;
            Ok(Redirect::to(&ctx.href("/account/security")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&security_page(&ctx, errors).await?)).into_response())
        }
    }
}

pub async fn disable(ctx: Ctx, Form(f): Form<CodeForm>) -> Result<Response, WebError> {
    let user = accounts::own_account(ctx.app(), &ctx.principal).await?;
    if !accounts::verify_password(&f.password, &user.password_hash).await {
        let errors = FormErrors::one("password", ctx.lang.t("err-password-wrong"));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&security_page(&ctx, errors).await?)).into_response());
    }
    accounts::totp::disable(ctx.app(), user.id).await?;
    ctx.session.insert(SESSION_2FA, false).await.map_err(AppError::internal)?;
    ctx.flash("totp-disabled").await;
    Ok(Redirect::to(&ctx.href("/account/security")).into_response())
}
