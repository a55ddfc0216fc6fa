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
use kimppa_app::records::{organisation, service};
use kimppa_app::{
    AppError,
    directory::services::{self, ServiceForm, ServiceView},
    organisations,
    policy::{self, Action},
};
use kimppa_domain::OrgId;
use kimppa_domain::{FocusArea, Language, OfferingType, PriceKind, Region, ServiceStatus};

#[derive(Template)]
#[template(path = "directory/service.html")]
struct ShowPage {
    p: Page,
    v: ServiceView,
    title: String,
    description: String,
    price_note: String,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let v = services::get_visible(ctx.app(), &ctx.principal, &slug).await?;
    let en = ctx.lang == Lang::En;
    let s = &v.service;
    let title = super::service_card_title(ctx.lang, &s.title_fi, &s.title_en);
    let text = if en && !s.description_en.is_empty() { &s.description_en } else { &s.description_fi };
    let description = kimppa_app::markdown::render(text);
    let price_note = if en && !s.price_note_en.is_empty() { s.price_note_en.clone() } else { s.price_note_fi.clone() };
    let mut p = ctx.page("service-title").await;
    p.title = title.clone();
    p.description = text.chars().take(160).collect();
    if s.status == ServiceStatus::Published {
        let providers: Vec<serde_json::Value> = std::iter::once(&v.owner.name)
            .chain(v.co_providers.iter().map(|c| &c.name))
            .map(|n| serde_json::json!({ "@type": "Organization", "name": n }))
            .collect();
        p.set_json_ld(serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Service",
            "name": title,
            "description": p.description,
            "provider": providers,
            "serviceType": ctx.lang.t(&format!("offering-{}", s.offering_type)),
            "url": p.canonical(),
        }));
    }
    Ok(crate::html(&ShowPage { p, v, title, description, price_note }))
}

#[derive(Template)]
#[template(path = "directory/service_form.html")]
struct FormPage {
    p: Page,
    org: organisation::Model,
    form: ServiceForm,
    errors: FormErrors,
    /// `None` when creating.
    slug: Option<String>,
    offerings: Options,
    focuses: Options,
    regions: Options,
    languages: Options,
    prices: Options,
    statuses: Options,
    contacts: Options,
    partners: Options,
    /// The organisation's kimppas, in whose name the service may be offered.
    kimppas: Options,
}

async fn form_page(
    ctx: &Ctx,
    org: organisation::Model,
    form: ServiceForm,
    errors: FormErrors,
    slug: Option<String>,
) -> Result<FormPage, WebError> {
    let l = ctx.lang;
    let contacts = services::contact_choices(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let id = id.to_string();
            let sel = form.contact_user_id == id;
            (id, name, sel)
        })
        .collect();
    let partners = services::partner_choices(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|(slug, name)| {
            let sel = form.co_providers.contains(&slug);
            (slug, name, sel)
        })
        .collect();
    let kimppas = services::kimppa_choices(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|(_, slug, name)| {
            let sel = form.kimppa == slug;
            (slug, name, sel)
        })
        .collect();
    let status = if form.status.is_empty() { "draft".to_string() } else { form.status.clone() };
    Ok(FormPage {
        kimppas,
        p: ctx.form_page(if slug.is_some() { "service-edit-title" } else { "service-new-title" }).await,
        offerings: options(
            OfferingType::ALL,
            OfferingType::key,
            "offering",
            l,
            std::slice::from_ref(&form.offering_type),
        ),
        focuses: options(FocusArea::ALL, FocusArea::key, "focus", l, &form.focus_areas),
        regions: options(Region::ALL, Region::key, "region", l, &form.regions),
        languages: options(Language::ALL, Language::key, "lang", l, &form.languages),
        prices: options(PriceKind::ALL, PriceKind::key, "price", l, std::slice::from_ref(&form.price_kind)),
        statuses: options(ServiceStatus::ALL, ServiceStatus::key, "service-status", l, std::slice::from_ref(&status)),
        contacts,
        partners,
        org,
        form,
        errors,
        slug,
    })
}

pub async fn new_form(ctx: Ctx, Path(org_slug): Path<String>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &org_slug).await?;
    policy::require(&ctx.principal, Action::ManageServices { org: OrgId(org.id) })?;
    let form = ServiceForm {
        languages: vec!["fi".into()],
        regions: vec!["pohjois-pohjanmaa".into()],
        status: "draft".into(),
        ..Default::default()
    };
    Ok(crate::html(&form_page(&ctx, org, form, FormErrors::none(), None).await?))
}

pub async fn create(
    ctx: Ctx,
    Path(org_slug): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, WebError> {
    match services::create(ctx.app(), &ctx.principal, &org_slug, &form).await {
        Ok(s) => {
            ctx.flash("service-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/services/{}", s.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let org = organisations::get_visible(ctx.app(), &ctx.principal, &org_slug).await?;
            let page = form_page(&ctx, org, form, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

async fn managed(ctx: &Ctx, slug: &str) -> Result<ServiceView, WebError> {
    let v = services::get_visible(ctx.app(), &ctx.principal, slug).await?;
    v.manage.into_result()?;
    Ok(v)
}

pub async fn edit_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let v = managed(&ctx, &slug).await?;
    let co = services::co_provider_slugs(ctx.app(), v.service.id).await?;
    let mut form = ServiceForm::from_model(&v.service, co);
    if let Some(kid) = v.service.kimppa_id {
        let choices = services::kimppa_choices(ctx.app(), v.owner.id).await?;
        form.kimppa = choices.into_iter().find(|(id, _, _)| *id == kid).map(|(_, slug, _)| slug).unwrap_or_default();
    }
    Ok(crate::html(&form_page(&ctx, v.owner, form, FormErrors::none(), Some(v.service.slug)).await?))
}

pub async fn update(ctx: Ctx, Path(slug): Path<String>, Form(form): Form<ServiceForm>) -> Result<Response, WebError> {
    match services::update(ctx.app(), &ctx.principal, &slug, &form).await {
        Ok(s) => {
            ctx.flash("service-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/services/{}", s.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let v = managed(&ctx, &slug).await?;
            let page = form_page(&ctx, v.owner, form, errors, Some(v.service.slug)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn co_provision(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<AnswerForm>) -> Result<Response, WebError> {
    let accept = match f.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("answer", "err-unknown-value").into()),
    };
    services::answer_co_provision(ctx.app(), &ctx.principal, &slug, accept).await?;
    ctx.flash(if accept { "co-provision-accepted" } else { "co-provision-declined" }).await;
    Ok(Redirect::to(&ctx.href(&format!("/services/{slug}"))).into_response())
}

#[derive(Template)]
#[template(path = "directory/manage.html")]
struct ManagePage {
    p: Page,
    org: organisation::Model,
    services: Vec<(service::Model, String)>,
    pending: Vec<(service::Model, String, String)>,
    can_see_leads: bool,
}

/// The organisation's services, drafts included, and the requests to co-provide.
pub async fn manage(ctx: Ctx, Path(org_slug): Path<String>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &org_slug).await?;
    policy::require(&ctx.principal, Action::ManageServices { org: OrgId(org.id) })?;
    let lang = ctx.lang;
    let services = services::of_org(ctx.app(), &ctx.principal, org.id, true)
        .await?
        .into_iter()
        .map(|s| {
            let t = super::service_card_title(lang, &s.title_fi, &s.title_en);
            (s, t)
        })
        .collect();
    let pending = services::pending_for_org(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|(s, owner)| {
            let t = super::service_card_title(lang, &s.title_fi, &s.title_en);
            (s, t, owner)
        })
        .collect();
    let can_see_leads = policy::decide(&ctx.principal, Action::ViewOrganisationLeads { org: OrgId(org.id) }).allowed();
    let mut p = ctx.form_page("services-manage-title").await;
    p.title = format!("{} – {}", p.title, org.name);
    Ok(crate::html(&ManagePage { p, org, services, pending, can_see_leads }))
}
