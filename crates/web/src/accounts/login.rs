use crate::{
    ctx::{Ctx, Page, SESSION_2FA, SESSION_PENDING_2FA, SESSION_USER},
    errors::WebError,
    extract::{Form, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{AppError, accounts};

#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    p: Page,
    email: String,
    next: String,
    errors: FormErrors,
}

pub async fn form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    let next = q.next.unwrap_or_default();
    Ok(crate::html(&LoginPage {
        p: ctx.form_page("login-title").await,
        email: String::new(),
        next,
        errors: FormErrors::none(),
    }))
}

/// Starts a fresh session id for the logged-in user (no fixation).
async fn establish(ctx: &Ctx, user_id: i32, second_factor: bool) -> Result<(), WebError> {
    let s = &ctx.session;
    s.cycle_id().await.map_err(AppError::internal)?;
    s.remove::<i32>(SESSION_PENDING_2FA).await.map_err(AppError::internal)?;
    s.insert(SESSION_USER, user_id).await.map_err(AppError::internal)?;
    s.insert(SESSION_2FA, second_factor).await.map_err(AppError::internal)?;
    Ok(())
}

pub async fn submit(ctx: Ctx, Form(f): Form<LoginForm>) -> Result<Response, WebError> {
    let next = crate::accounts::safe_next(f.next.as_deref(), ctx.lang);
    match accounts::login(ctx.app(), &f.email, &f.password, &ctx.client).await {
        Ok(accounts::LoginStep::Done(u)) => {
            establish(&ctx, u.id, false).await?;
            Ok(Redirect::to(&next).into_response())
        }
        Ok(accounts::LoginStep::NeedsTotp(u)) => {
            ctx.session.insert(SESSION_PENDING_2FA, u.id).await.map_err(AppError::internal)?;
            let q = url::form_urlencoded::Serializer::new(String::new()).append_pair("next", &next).finish();
            Ok(Redirect::to(&format!("{}?{q}", ctx.href("/login/totp"))).into_response())
        }
        Err(e) => {
            let (status, key) = match e {
                AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "login-bad"),
                AppError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
                AppError::EmailNotVerified => (StatusCode::FORBIDDEN, "login-unverified"),
                other => return Err(other.into()),
            };
            let errors = FormErrors::one("email", ctx.lang.t(key));
            let page = LoginPage {
                p: ctx.form_page("login-title").await,
                email: f.email,
                next: f.next.unwrap_or_default(),
                errors,
            };
            Ok((status, crate::html(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/login_totp.html")]
struct TotpPage {
    p: Page,
    next: String,
    errors: FormErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn totp_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    if ctx.session.get::<i32>(SESSION_PENDING_2FA).await.map_err(AppError::internal)?.is_none() {
        return Ok(Redirect::to(&ctx.href("/login")).into_response());
    }
    Ok(crate::html(&TotpPage {
        p: ctx.form_page("totp-login-title").await,
        next: q.next.unwrap_or_default(),
        errors: FormErrors::none(),
    }))
}

pub async fn totp_submit(ctx: Ctx, Form(f): Form<TotpForm>) -> Result<Response, WebError> {
    let Some(pending) = ctx.session.get::<i32>(SESSION_PENDING_2FA).await.map_err(AppError::internal)? else {
        return Ok(Redirect::to(&ctx.href("/login")).into_response());
    };
    match accounts::login_totp(ctx.app(), pending, &f.code).await {
        Ok(u) => {
            establish(&ctx, u.id, true).await?;
            Ok(Redirect::to(&crate::accounts::safe_next(f.next.as_deref(), ctx.lang)).into_response())
        }
        Err(e) => {
            let status = if matches!(e, AppError::RateLimited) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = match &e {
                AppError::RateLimited => FormErrors::one("code", ctx.lang.t("login-throttled")),
                other => FormErrors::from_app(other, ctx.lang).ok_or(WebError(e))?,
            };
            let page =
                TotpPage { p: ctx.form_page("totp-login-title").await, next: f.next.unwrap_or_default(), errors };
            Ok((status, crate::html(&page)).into_response())
        }
    }
}

pub async fn logout(ctx: Ctx) -> Result<Response, WebError> {
    ctx.session.flush().await.map_err(AppError::internal)?;
    Ok(Redirect::to(&ctx.href("/")).into_response())
}
