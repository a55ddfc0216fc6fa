//! One editor for news, glossary terms, FAQ answers and other clusters:
//! `/admin/content/{kind}`, `…/new`, `…/{key}/edit`. Each kind declares
//! its fields; the use cases in `kimppa_app::website::editing` check them.

use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
    i18n::Lang,
};
use askama::Template;
use axum::{
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{
    AppError,
    website::{clusters, editing, editing::Fields, faq},
};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    News,
    Glossary,
    Faq,
    Clusters,
}

impl Kind {
    fn parse(s: &str) -> Result<Kind, WebError> {
        Ok(match s {
            "news" => Kind::News,
            "glossary" => Kind::Glossary,
            "faq" => Kind::Faq,
            "clusters" => Kind::Clusters,
            _ => return Err(AppError::NotFound.into()),
        })
    }

    fn key(self) -> &'static str {
        match self {
            Kind::News => "news",
            Kind::Glossary => "glossary",
            Kind::Faq => "faq",
            Kind::Clusters => "clusters",
        }
    }
}

/// One field of the form.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    /// text, textarea or select
    pub kind: &'static str,
    pub value: String,
    pub lang: &'static str,
    pub options: Vec<(String, String, bool)>,
}

fn fields(kind: Kind, lang: Lang, v: &Fields) -> Vec<Field> {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let text = |name: &'static str, label: &str, hint: &str| Field {
        name,
        label: lang.t(label),
        hint: if hint.is_empty() { String::new() } else { lang.t(hint) },
        kind: "text",
        value: val(name),
        lang: "",
        options: vec![],
    };
    let area = |name: &'static str, label: &str, l: &'static str| Field {
        name,
        label: lang.t(label),
        hint: String::new(),
        kind: "textarea",
        value: val(name),
        lang: l,
        options: vec![],
    };
    let select = |name: &'static str, label: &str, keys: &[&str], prefix: &str| Field {
        name,
        label: lang.t(label),
        hint: String::new(),
        kind: "select",
        value: val(name),
        lang: "",
        options: keys.iter().map(|k| (k.to_string(), lang.t(&format!("{prefix}-{k}")), val(name) == *k)).collect(),
    };
    let status = || select("status", "field-status", &["draft", "published"], "page-status");
    match kind {
        Kind::News => vec![
            text("slug", "field-slug", "slug-hint"),
            text("title_fi", "field-title-fi", ""),
            text("title_en", "field-title-en", ""),
            area("summary_fi", "field-summary-fi", "fi"),
            area("summary_en", "field-summary-en", "en"),
            area("body_fi", "field-body-fi", "fi"),
            area("body_en", "field-body-en", "en"),
            text("tags", "field-tags", "tags-hint"),
            text("published_at", "field-published-at", "date-hint"),
            status(),
        ],
        Kind::Glossary => vec![
            text("slug", "field-slug", "slug-hint"),
            text("term_fi", "field-term-fi", ""),
            text("term_en", "field-term-en", ""),
            area("definition_fi", "field-definition-fi", "fi"),
            area("definition_en", "field-definition-en", "en"),
            text("related", "field-related", "related-hint"),
            text("source", "glossary-source", ""),
        ],
        Kind::Faq => vec![
            select("topic", "field-topic", &faq::TOPICS, "faq-topic"),
            area("question_fi", "field-question-fi", "fi"),
            area("question_en", "field-question-en", "en"),
            area("answer_fi", "field-answer-fi", "fi"),
            area("answer_en", "field-answer-en", "en"),
            text("sort", "field-nav-order", ""),
            status(),
        ],
        Kind::Clusters => vec![
            text("slug", "field-slug", "slug-hint"),
            text("name", "field-org-name", ""),
            text("country", "field-country", "country-hint"),
            text("region", "field-region", ""),
            select("relation", "field-relation", &clusters::RELATIONS, "relation"),
            text("focus_fi", "field-focus-fi", ""),
            text("focus_en", "field-focus-en", ""),
            area("description_fi", "field-description-fi", "fi"),
            area("description_en", "field-description-en", "en"),
            text("url", "field-website", ""),
        ],
    }
}

#[derive(Template)]
#[template(path = "website/admin_content_list.html")]
struct ListPage {
    p: Page,
    kind: &'static str,
    /// (title, detail, edit href)
    rows: Vec<(String, String, String)>,
}

pub async fn list(ctx: Ctx, Path(kind): Path<String>) -> Result<Response, WebError> {
    let kind = Kind::parse(&kind)?;
    let l = ctx.lang;
    let edit = |key: &str| ctx.href(&format!("/admin/content/{}/{key}/edit", kind.key()));
    let rows = match kind {
        Kind::News => editing::all_news(ctx.app(), &ctx.principal)
            .await?
            .into_iter()
            .map(|n| {
                (
                    super::pick(l, &n.title_fi, &n.title_en).to_string(),
                    format!("{} · {}", n.published_at.format("%Y-%m-%d"), l.t(&format!("page-status-{}", n.status))),
                    edit(&n.slug),
                )
            })
            .collect(),
        Kind::Glossary => editing::all_terms(ctx.app(), &ctx.principal)
            .await?
            .into_iter()
            .map(|t| (t.term_fi.clone(), t.term_en.clone(), edit(&t.slug)))
            .collect(),
        Kind::Faq => editing::all_faq(ctx.app(), &ctx.principal)
            .await?
            .into_iter()
            .map(|i| {
                (
                    super::pick(l, &i.question_fi, &i.question_en).to_string(),
                    format!(
                        "{} · {}",
                        l.t(&format!("faq-topic-{}", i.topic)),
                        l.t(&format!("page-status-{}", i.status))
                    ),
                    edit(&i.id.to_string()),
                )
            })
            .collect(),
        Kind::Clusters => {
            kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::ManageContent)?;
            clusters::list(ctx.app(), &Default::default())
                .await?
                .into_iter()
                .map(|k| {
                    (
                        k.name.clone(),
                        format!("{} · {}", k.country, l.t(&format!("relation-{}", k.relation))),
                        edit(&k.slug),
                    )
                })
                .collect()
        }
    };
    let p = ctx.page(&format!("admin-content-{}", kind.key())).await;
    Ok(crate::html(&ListPage { p, kind: kind.key(), rows }))
}

#[derive(Template)]
#[template(path = "website/admin_content_form.html")]
struct FormPage {
    p: Page,
    action: String,
    fields: Vec<Field>,
    errors: FormErrors,
    view_href: Option<String>,
    /// News only: (upload action, current image key, alt fi, alt en).
    image: Option<(String, Option<String>, String, String)>,
}

async fn form_page(ctx: &Ctx, kind: Kind, key: Option<&str>, values: &Fields, errors: FormErrors) -> FormPage {
    let mut p = ctx.form_page(&format!("admin-content-{}", kind.key())).await;
    p.title = format!("{}: {}", p.title, p.t(if key.is_some() { "edit" } else { "new-item" }));
    let action = match key {
        Some(k) => ctx.href(&format!("/admin/content/{}/{k}/edit", kind.key())),
        None => ctx.href(&format!("/admin/content/{}/new", kind.key())),
    };
    let view_href = match (kind, key) {
        (Kind::News, Some(k)) => Some(ctx.href(&format!("/news/{k}"))),
        (Kind::Glossary, Some(k)) => Some(ctx.href(&format!("/glossary/{k}"))),
        _ => None,
    };
    let image = match (kind, key) {
        (Kind::News, Some(k)) => {
            let current = match editing::news_image(ctx.app(), &ctx.principal, k).await {
                Ok(key) => key,
                Err(e) => {
                    tracing::warn!(error = %e.chain(), "the news item's image could not be read");
                    None
                }
            };
            Some((
                ctx.href(&format!("/admin/content/news/{k}/image")),
                current,
                values.get("image_alt_fi").cloned().unwrap_or_default(),
                values.get("image_alt_en").cloned().unwrap_or_default(),
            ))
        }
        _ => None,
    };
    FormPage { fields: fields(kind, ctx.lang, values), p, action, errors, view_href, image }
}

async fn load(ctx: &Ctx, kind: Kind, key: &str) -> Result<Fields, WebError> {
    Ok(editing::stored_fields(ctx.app(), &ctx.principal, kind.key(), key).await?)
}

pub async fn new_form(ctx: Ctx, Path(kind): Path<String>) -> Result<Response, WebError> {
    let kind = Kind::parse(&kind)?;
    kimppa_app::policy::require(&ctx.principal, kimppa_app::policy::Action::ManageContent)?;
    let defaults = Fields::from([
        ("status".to_string(), "draft".to_string()),
        ("published_at".to_string(), kimppa_app::now().format("%Y-%m-%d").to_string()),
        ("country".to_string(), "FI".to_string()),
    ]);
    Ok(crate::html(&form_page(&ctx, kind, None, &defaults, FormErrors::none()).await))
}

pub async fn edit_form(ctx: Ctx, Path((kind, key)): Path<(String, String)>) -> Result<Response, WebError> {
    let kind = Kind::parse(&kind)?;
    let values = load(&ctx, kind, &key).await?;
    Ok(crate::html(&form_page(&ctx, kind, Some(&key), &values, FormErrors::none()).await))
}

async fn save(ctx: &Ctx, kind: Kind, key: Option<&str>, f: &Fields) -> Result<String, AppError> {
    let (app, actor) = (ctx.app(), &ctx.principal);
    match kind {
        Kind::News => editing::save_news(app, actor, key, f).await,
        Kind::Glossary => editing::save_term(app, actor, key, f).await,
        Kind::Faq => {
            let id = match key {
                Some(k) => Some(k.parse::<i32>().map_err(|_| AppError::NotFound)?),
                None => None,
            };
            editing::save_faq(app, actor, id, f).await.map(|id| id.to_string())
        }
        Kind::Clusters => editing::save_cluster(app, actor, key, f).await,
    }
}

async fn submit(ctx: Ctx, kind: Kind, key: Option<String>, f: Fields) -> Result<Response, WebError> {
    match save(&ctx, kind, key.as_deref(), &f).await {
        Ok(new_key) => {
            ctx.flash("content-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/admin/content/{}/{new_key}/edit", kind.key()))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let page = form_page(&ctx, kind, key.as_deref(), &f, errors).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

pub async fn create(ctx: Ctx, Path(kind): Path<String>, Form(f): Form<Fields>) -> Result<Response, WebError> {
    let kind = Kind::parse(&kind)?;
    submit(ctx, kind, None, f).await
}

pub async fn update(
    ctx: Ctx,
    Path((kind, key)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    let kind = Kind::parse(&kind)?;
    submit(ctx, kind, Some(key), f).await
}

/// News image upload (multipart; the CSRF layer has checked the `csrf` part).
pub async fn news_image(
    ctx: Ctx,
    Path(slug): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let mut values = load(&ctx, Kind::News, &slug).await?;
    let mut bytes = bytes::Bytes::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("image", "err-form"))? {
        match field.name().unwrap_or("") {
            "image" => bytes = field.bytes().await.map_err(|_| AppError::field("image", "err-file-too-large"))?,
            name @ ("image_alt_fi" | "image_alt_en") => {
                let name = name.to_string();
                let text = field.text().await.map_err(|_| AppError::field("image", "err-form"))?;
                values.insert(name, text);
            }
            _ => {}
        }
    }
    let alt = |k: &str| values.get(k).cloned().unwrap_or_default();
    match editing::set_news_image(ctx.app(), &ctx.principal, &slug, bytes, &alt("image_alt_fi"), &alt("image_alt_en"))
        .await
    {
        Ok(()) => {
            ctx.flash("content-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/admin/content/news/{slug}/edit"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let page = form_page(&ctx, Kind::News, Some(&slug), &values, errors).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}
