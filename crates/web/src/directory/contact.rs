use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::{Multipart, Path},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{
    AppError,
    directory::contact::{self, Attachment, ContactForm, InboxRow, KpiRow, Target, Thread},
    organisations,
};
use kimppa_domain::LeadStatus;

#[derive(Template)]
#[template(path = "directory/contact.html")]
struct ContactPage {
    p: Page,
    action: String,
    to_org: String,
    back: String,
    form: ContactForm,
    orgs: Vec<(String, String, bool)>,
    errors: FormErrors,
}

async fn contact_page(ctx: &Ctx, target: &Target, form: ContactForm, errors: FormErrors) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    let (org, svc) = contact::resolve(ctx.app(), &ctx.principal, target).await?;
    let (action, back, about) = match (&svc, target) {
        (Some(s), _) => (
            ctx.href(&format!("/services/{}/contact", s.slug)),
            ctx.href(&format!("/services/{}", s.slug)),
            super::service_card_title(ctx.lang, &s.title_fi, &s.title_en),
        ),
        _ => (
            ctx.href(&format!("/organisations/{}/contact", org.slug)),
            ctx.href(&format!("/organisations/{}", org.slug)),
            org.name.clone(),
        ),
    };
    let orgs = kimppa_app::policy::acting_choices(&ctx.principal)
        .map(|m| (m.slug.clone(), m.name.clone(), form.from_org == m.slug))
        .collect();
    let mut p = ctx.form_page("contact-title").await;
    p.title = format!("{} – {}", p.title, about);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ContactPage { p, action, to_org: org.name, back, form, orgs, errors };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn service_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    contact_page(&ctx, &Target::Service(slug), ContactForm::default(), FormErrors::none()).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContactQuery {
    /// A materials listing of the organisation the message is about.
    pub listing: Option<i32>,
}

pub async fn org_form(
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::extract::Query(q): crate::extract::Query<ContactQuery>,
) -> Result<Response, WebError> {
    let mut form = ContactForm::default();
    // About a listing the sender may see: the message starts with its title and address.
    // A listing the sender does not see starts no message.
    let listing = match q.listing {
        Some(id) => match kimppa_app::materials::get(ctx.app(), &ctx.principal, id).await {
            Ok(l) => Some(l),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    if let Some(l) = listing {
        let link = ctx.app().url(&ctx.href(&format!("/materials/{}", l.id)));
        form.message = format!("{}\n{link}\n\n", ctx.lang.t_args("listing-contact-message", &[("name", l.title)]));
    }
    contact_page(&ctx, &Target::Organisation(slug), form, FormErrors::none()).await
}

/// Reads the multipart contact form; the CSRF layer has checked the token.
async fn read_form(mut multipart: Multipart) -> Result<(ContactForm, Option<Attachment>), AppError> {
    let mut form = ContactForm::default();
    let mut attachment = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("attachment", "err-form"))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "attachment" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::field("attachment", "err-attachment-too-large"))?;
            if !bytes.is_empty() {
                attachment = Some(Attachment { name: file_name, bytes });
            }
            continue;
        }
        let text = field.text().await.map_err(|_| AppError::field("message", "err-form"))?;
        match name.as_str() {
            "message" => form.message = text,
            "from_org" => form.from_org = text,
            "homepage" => form.homepage = text,
            _ => {}
        }
    }
    Ok((form, attachment))
}

async fn send(ctx: Ctx, target: Target, multipart: Multipart) -> Result<Response, WebError> {
    let (form, attachment) = match read_form(multipart).await {
        Ok(x) => x,
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            return contact_page(&ctx, &target, ContactForm::default(), errors).await;
        }
    };
    match contact::send(ctx.app(), &ctx.principal, &target, &form, attachment).await {
        Ok(lead) => {
            ctx.flash("contact-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/inbox/{}", lead.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            contact_page(&ctx, &target, form, errors).await
        }
    }
}

pub async fn service_send(ctx: Ctx, Path(slug): Path<String>, multipart: Multipart) -> Result<Response, WebError> {
    send(ctx, Target::Service(slug), multipart).await
}

pub async fn org_send(ctx: Ctx, Path(slug): Path<String>, multipart: Multipart) -> Result<Response, WebError> {
    send(ctx, Target::Organisation(slug), multipart).await
}

#[derive(Template)]
#[template(path = "directory/inbox.html")]
struct InboxPage {
    p: Page,
    received: Vec<InboxRow>,
    sent: Vec<InboxRow>,
}

pub async fn inbox(ctx: Ctx) -> Result<Response, WebError> {
    let inbox = contact::inbox(ctx.app(), &ctx.principal).await?;
    let p = ctx.page("inbox-title").await;
    Ok(crate::html(&InboxPage { p, received: inbox.received, sent: inbox.sent }))
}

#[derive(Template)]
#[template(path = "directory/thread.html")]
struct ThreadPage {
    p: Page,
    t: Thread,
    statuses: Vec<(String, String, bool)>,
    body: String,
    reason: String,
    errors: FormErrors,
}

async fn thread_page(
    ctx: &Ctx,
    id: i32,
    body: String,
    reason: String,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let t = contact::thread(ctx.app(), &ctx.principal, id).await?;
    let statuses = LeadStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), ctx.lang.t(&format!("lead-{}", s.key())), t.request.status == *s))
        .collect();
    let mut p = ctx.form_page("thread-title").await;
    p.title = format!("{} – {}", p.title, t.about);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&ThreadPage { p, t, statuses, body, reason, errors })).into_response())
}

pub async fn thread(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    thread_page(&ctx, id, String::new(), String::new(), FormErrors::none()).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

pub async fn reply(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<TextForm>) -> Result<Response, WebError> {
    match contact::reply(ctx.app(), &ctx.principal, id, &f.body).await {
        Ok(()) => {
            ctx.flash("reply-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/inbox/{id}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, f.body, String::new(), errors).await
        }
    }
}

pub async fn status(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<TextForm>) -> Result<Response, WebError> {
    match contact::set_status(ctx.app(), &ctx.principal, id, &f.status).await {
        Ok(()) => {
            ctx.flash("lead-status-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/inbox/{id}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, String::new(), String::new(), errors).await
        }
    }
}

pub async fn report(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<TextForm>) -> Result<Response, WebError> {
    match contact::report_abuse(ctx.app(), &ctx.principal, id, &f.reason).await {
        Ok(()) => {
            ctx.flash("abuse-reported").await;
            Ok(Redirect::to(&ctx.href(&format!("/inbox/{id}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            thread_page(&ctx, id, String::new(), f.reason, errors).await
        }
    }
}

/// The attachment, always downloaded (never shown inline as a page).
pub async fn attachment(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (bytes, name, content_type) = contact::attachment(ctx.app(), &ctx.principal, id).await?;
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let encoded = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "directory/leads.html")]
pub(super) struct LeadsPage {
    pub p: Page,
    pub kpis: Vec<KpiRow>,
    pub leads: Vec<InboxRow>,
    pub all: bool,
}

/// Brokered contacts of one organisation, per month and service.
pub async fn org_leads(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
    let kpis = contact::kpis(ctx.app(), &ctx.principal, Some(&org)).await?;
    let mut p = ctx.page("leads-title").await;
    p.title = format!("{} – {}", p.title, org.name);
    Ok(crate::html(&LeadsPage { p, kpis, leads: vec![], all: false }))
}
