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
use kimppa_app::accounts::{self, Registration};

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    p: Page,
    form: Registration,
    errors: FormErrors,
}

pub async fn form(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&RegisterPage {
        p: ctx.form_page("register-title").await,
        form: Registration::default(),
        errors: FormErrors::none(),
    }))
}

pub async fn submit(ctx: Ctx, Form(mut form): Form<Registration>) -> Result<Response, WebError> {
    match accounts::register(ctx.app(), &form, ctx.lang.code()).await {
        Ok(()) => Ok(Redirect::to(&ctx.href("/register/done")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            form.password.clear();
            let page = RegisterPage { p: ctx.form_page("register-title").await, form, errors };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub p: Page,
    pub message: String,
    pub link: Option<(String, String)>,
}

pub async fn done(ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.page("register-done-title").await;
    let message = p.t("register-done-text");
    Ok(crate::html(&MessagePage { message, link: Some((p.href("/login"), p.t("nav-login"))), p }))
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn verify(ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, WebError> {
    match accounts::verify_email(ctx.app(), &q.token).await {
        Ok(_) => {
            let p = ctx.page("verify-ok-title").await;
            let message = p.t("verify-ok-text");
            Ok(crate::html(&MessagePage { message, link: Some((p.href("/login"), p.t("nav-login"))), p }))
        }
        Err(kimppa_app::AppError::TokenInvalid) => {
            let p = ctx.page("verify-bad-title").await;
            let message = p.t("verify-bad-text");
            let page = MessagePage { message, link: Some((p.href("/password/forgot"), p.t("forgot-title"))), p };
            Ok((StatusCode::GONE, crate::html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
