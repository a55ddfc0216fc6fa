use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::{Multipart, Path},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{
    AppError,
    organisations::{self, OrgForm},
    policy::{self, Action},
};
use kimppa_domain::OrgId;
use kimppa_domain::{FocusArea, OrgType, SizeClass};

#[derive(Template)]
#[template(path = "organisations/form.html")]
struct FormPage {
    p: Page,
    form: OrgForm,
    errors: FormErrors,
    /// `None` when creating.
    slug: Option<String>,
    logo_key: Option<String>,
    types: crate::forms::Options,
    sizes: crate::forms::Options,
    focuses: crate::forms::Options,
    offerings: crate::forms::Options,
    /// The profile as it would look, when the preview button was used.
    preview: Option<Preview>,
}

/// A checked form shown as the profile would show it.
struct Preview {
    name: String,
    org_type: String,
    municipality: String,
    description: String,
    focus_areas: String,
    offering_types: String,
    carbon: Option<(String, i32, String)>,
}

fn preview_of(form: &OrgForm, lang: crate::i18n::Lang) -> Result<Preview, AppError> {
    let d = organisations::parse_form(form)?;
    let text = if lang == crate::i18n::Lang::En && !d.description_en.is_empty() {
        &d.description_en
    } else {
        &d.description_fi
    };
    Ok(Preview {
        description: kimppa_app::markdown::render(text),
        org_type: d.org_type.key().into(),
        focus_areas: FocusArea::join(&d.focus_areas),
        offering_types: kimppa_domain::OfferingType::join(&d.offering_types),
        carbon: d.carbon.map(|c| (kimppa_app::directory::format_tonnes(c.kg), c.year, c.method)),
        name: d.name,
        municipality: d.municipality,
    })
}

async fn form_page(
    ctx: &Ctx,
    form: OrgForm,
    errors: FormErrors,
    slug: Option<String>,
    logo_key: Option<String>,
) -> FormPage {
    let l = ctx.lang;
    FormPage {
        p: ctx.form_page(if slug.is_some() { "org-edit-title" } else { "org-new-title" }).await,
        types: crate::forms::options(OrgType::ALL, OrgType::key, "org-type", l, std::slice::from_ref(&form.org_type)),
        sizes: crate::forms::options(SizeClass::ALL, SizeClass::key, "size", l, std::slice::from_ref(&form.size_class)),
        focuses: crate::forms::options(FocusArea::ALL, FocusArea::key, "focus", l, &form.focus_areas),
        offerings: crate::forms::options(
            kimppa_domain::OfferingType::ALL,
            kimppa_domain::OfferingType::key,
            "offering",
            l,
            &form.offering_types,
        ),
        preview: None,
        form,
        errors,
        slug,
        logo_key,
    }
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, Action::CreateOrganisation)?;
    let form = OrgForm { country: "FI".into(), ..Default::default() };
    Ok(crate::html(&form_page(&ctx, form, FormErrors::none(), None, None).await))
}

/// Handles the preview button: the checked form with the profile as it
/// would look, or the form's errors. Nothing is saved.
async fn preview(
    ctx: &Ctx,
    form: OrgForm,
    slug: Option<String>,
    logo_key: Option<String>,
) -> Result<Response, WebError> {
    match preview_of(&form, ctx.lang) {
        Ok(pv) => {
            let mut page = form_page(ctx, form, FormErrors::none(), slug, logo_key).await;
            page.preview = Some(pv);
            Ok(crate::html(&page))
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let page = form_page(ctx, form, errors, slug, logo_key).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

pub async fn create(ctx: Ctx, Form(form): Form<OrgForm>) -> Result<Response, WebError> {
    if !form.preview.is_empty() {
        policy::require(&ctx.principal, Action::CreateOrganisation)?;
        return preview(&ctx, form, None, None).await;
    }
    match organisations::create(ctx.app(), &ctx.principal, &form).await {
        Ok(org) => {
            ctx.flash("org-created").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{}", org.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&form_page(&ctx, form, errors, None, None).await))
                .into_response())
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
    policy::require(&ctx.principal, Action::EditOrganisation { org: OrgId(org.id) })?;
    let form = OrgForm::from_model(&org);
    Ok(crate::html(&form_page(&ctx, form, FormErrors::none(), Some(org.slug), org.logo_key).await))
}

pub async fn update(ctx: Ctx, Path(slug): Path<String>, Form(form): Form<OrgForm>) -> Result<Response, WebError> {
    if !form.preview.is_empty() {
        let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
        policy::require(&ctx.principal, Action::EditOrganisation { org: OrgId(org.id) })?;
        return preview(&ctx, form, Some(org.slug), org.logo_key).await;
    }
    match organisations::update(ctx.app(), &ctx.principal, &slug, &form).await {
        Ok(org) => {
            ctx.flash("org-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{}", org.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
            let page = form_page(&ctx, form, errors, Some(org.slug), org.logo_key).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

/// Logo upload (multipart). The CSRF layer has checked the `csrf` part.
pub async fn logo(ctx: Ctx, Path(slug): Path<String>, mut multipart: Multipart) -> Result<Response, WebError> {
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("logo", "err-form"))? {
        if field.name() == Some("logo") {
            bytes = Some(field.bytes().await.map_err(|_| AppError::field("logo", "err-file-too-large"))?);
        }
    }
    let bytes = bytes.unwrap_or_default();
    match organisations::set_logo(ctx.app(), &ctx.principal, &slug, bytes).await {
        Ok(()) => {
            ctx.flash("logo-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/organisations/{slug}/edit"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
            let page = form_page(&ctx, OrgForm::from_model(&org), errors, Some(org.slug), org.logo_key).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}
