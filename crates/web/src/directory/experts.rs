use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::{FormErrors, Options, options},
    i18n::Lang,
};
use askama::Template;
use axum::{
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::directory::{
    catalogue::ExpertCard,
    experts::{self, ExpertForm},
};
use kimppa_domain::UserId;
use kimppa_domain::{FocusArea, Language};

#[derive(Template)]
#[template(path = "directory/expert.html")]
struct ShowPage {
    p: Page,
    e: ExpertCard,
    bio: String,
    tags: Vec<String>,
    own: bool,
}

pub async fn show(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let e = experts::get_visible(ctx.app(), &ctx.principal, id).await?;
    let own = ctx.principal.user_id() == Some(UserId(e.expert.user_id));
    let text = if ctx.lang == Lang::En && !e.expert.bio_en.is_empty() { &e.expert.bio_en } else { &e.expert.bio_fi };
    let bio = kimppa_app::markdown::render(text);
    let tags = kimppa_app::directory::list(&e.expert.tags).into_iter().map(str::to_string).collect();
    let mut p = ctx.page("expert-title").await;
    p.title = e.name.clone();
    if e.expert.listed {
        p.set_json_ld(serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Person",
            "name": e.name,
            "jobTitle": e.title,
            "worksFor": { "@type": "Organization", "name": e.org.name },
            "knowsAbout": tags,
        }));
    }
    Ok(crate::html(&ShowPage { p, e, bio, tags, own }))
}

#[derive(Template)]
#[template(path = "directory/expert_form.html")]
struct FormPage {
    p: Page,
    form: ExpertForm,
    errors: FormErrors,
    orgs: Options,
    languages: Options,
    focuses: Options,
    profile_id: Option<i32>,
}

async fn form_page(
    ctx: &Ctx,
    form: ExpertForm,
    errors: FormErrors,
    profile_id: Option<i32>,
) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    let orgs = experts::org_choices(&ctx.principal)
        .into_iter()
        .map(|(slug, name)| {
            let sel = form.org == slug;
            (slug, name, sel)
        })
        .collect();
    let l = ctx.lang;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage {
        p: ctx.form_page("expert-form-title").await,
        languages: options(Language::ALL, Language::key, "lang", l, &form.languages),
        focuses: options(FocusArea::ALL, FocusArea::key, "focus", l, &form.focus_areas),
        orgs,
        form,
        errors,
        profile_id,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn own_form(ctx: Ctx) -> Result<Response, WebError> {
    let (form, id) = match experts::own(ctx.app(), &ctx.principal).await? {
        Some((e, slug)) => (ExpertForm::from_model(&e, slug), Some(e.id)),
        None => {
            let org = experts::org_choices(&ctx.principal).into_iter().next().map(|(s, _)| s);
            (ExpertForm { org: org.unwrap_or_default(), languages: vec!["fi".into()], ..Default::default() }, None)
        }
    };
    form_page(&ctx, form, FormErrors::none(), id).await
}

pub async fn save(ctx: Ctx, Form(form): Form<ExpertForm>) -> Result<Response, WebError> {
    match experts::save(ctx.app(), &ctx.principal, &form).await {
        Ok(e) => {
            ctx.flash(if e.listed { "expert-listed" } else { "expert-saved-unlisted" }).await;
            Ok(Redirect::to(&ctx.href("/account/expert")).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let id = experts::own(ctx.app(), &ctx.principal).await?.map(|(e, _)| e.id);
            form_page(&ctx, form, errors, id).await
        }
    }
}
