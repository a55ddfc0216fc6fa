//! Orchestrators' editors for news, glossary terms, FAQ answers and the
//! clusters directory. Each save checks every field and reports all
//! problems at once; every save is recorded in the audit log.

use super::DRAFT;
use crate::{
    App, AppError, changelog,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use kimppa_domain::ContentStatus;
use kimppa_domain::{Slug, optional_text, required_text};
use kimppa_store::entities::{cluster, faq_item, glossary_term, news};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use std::collections::BTreeMap;

/// A form as field name → value (what the browser sent).
pub type Fields = BTreeMap<String, String>;

fn get<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

fn status(c: &mut Checker, f: &Fields) -> ContentStatus {
    match get(f, "status") {
        "" => DRAFT,
        s => ContentStatus::parse(s).unwrap_or_else(|_| {
            c.push("status", "err-unknown-value");
            DRAFT
        }),
    }
}

fn text(c: &mut Checker, f: &Fields, field: &'static str, max: usize) -> String {
    c.check(field, required_text(get(f, field), max)).unwrap_or_default()
}

fn slug(c: &mut Checker, f: &Fields) -> String {
    let raw = get(f, "slug").trim();
    let parsed = if raw.is_empty() { Err(kimppa_domain::DomainError::Required) } else { Slug::parse(raw) };
    c.check("slug", parsed).map(|s| s.to_string()).unwrap_or_default()
}

fn list(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

async fn audit(app: &App, actor: &Principal, action: &str, target: &str) -> Result<(), AppError> {
    changelog::admin_action(&app.db, actor.user_id().unwrap_or_default(), action, target, "").await?;
    let kind = match action.split('.').next() {
        Some("news") => Some("news"),
        Some("glossary") => Some("term"),
        Some("faq") => Some("faq"),
        _ => None,
    };
    if let Some(kind) = kind {
        crate::search::touch_all(&app.db, kind).await?;
    }
    app.jobs_wake.notify_one();
    Ok(())
}

// ---- news ----

pub const NEWS_TAGS: [&str; 6] = ["events", "members", "materials", "funding", "platform", "kimppa"];

/// The stored fields of one item of the content the orchestrators edit:
/// a news item, a term or a cluster by slug, an answer by id.
pub async fn stored_fields(app: &App, actor: &Principal, kind: &str, key: &str) -> Result<Fields, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let found = match kind {
        "news" => news::Entity::find().filter(news::Column::Slug.eq(key)).one(&app.db).await?.map(|n| news_fields(&n)),
        "glossary" => glossary_term::Entity::find()
            .filter(glossary_term::Column::Slug.eq(key))
            .one(&app.db)
            .await?
            .map(|t| term_fields(&t)),
        "faq" => match key.parse::<i32>() {
            Ok(id) => faq_item::Entity::find_by_id(id).one(&app.db).await?.map(|i| faq_fields(&i)),
            Err(_) => None,
        },
        "clusters" => cluster::Entity::find()
            .filter(cluster::Column::Slug.eq(key))
            .one(&app.db)
            .await?
            .map(|k| cluster_fields(&k)),
        _ => None,
    };
    found.ok_or(AppError::NotFound)
}

/// The image of a news item being edited (its file key), if any.
pub async fn news_image(app: &App, actor: &Principal, slug: &str) -> Result<Option<String>, AppError> {
    policy::require(actor, Action::ManageContent)?;
    Ok(news::Entity::find().filter(news::Column::Slug.eq(slug)).one(&app.db).await?.and_then(|n| n.image_key))
}

pub fn news_fields(n: &news::Model) -> Fields {
    Fields::from([
        ("slug".into(), n.slug.clone()),
        ("title_fi".into(), n.title_fi.clone()),
        ("title_en".into(), n.title_en.clone()),
        ("summary_fi".into(), n.summary_fi.clone()),
        ("summary_en".into(), n.summary_en.clone()),
        ("body_fi".into(), n.body_fi.clone()),
        ("body_en".into(), n.body_en.clone()),
        ("tags".into(), n.tags.clone()),
        ("status".into(), n.status.to_string()),
        ("published_at".into(), n.published_at.format("%Y-%m-%d").to_string()),
        ("image_alt_fi".into(), n.image_alt_fi.clone()),
        ("image_alt_en".into(), n.image_alt_en.clone()),
    ])
}

/// Sets the image of an article with its text alternative in both
/// languages (both required: the image carries content).
pub async fn set_news_image(
    app: &App,
    actor: &Principal,
    slug: &str,
    bytes: bytes::Bytes,
    alt_fi: &str,
    alt_en: &str,
) -> Result<(), AppError> {
    policy::require(actor, Action::ManageContent)?;
    let n = news::Entity::find().filter(news::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let mut c = Checker::default();
    let alt_fi = c.check("image_alt_fi", required_text(alt_fi, 300));
    let alt_en = c.check("image_alt_en", required_text(alt_en, 300));
    c.finish()?;
    let key = app.files.put_image(crate::files::Folder::News, "image", n.id, bytes).await?;
    let old = n.image_key.clone();
    let mut am = n.into_active_model();
    am.image_key = Set(Some(key));
    am.image_alt_fi = Set(alt_fi.unwrap_or_default());
    am.image_alt_en = Set(alt_en.unwrap_or_default());
    am.updated_at = Set(now());
    am.update(&app.db).await?;
    if let Some(old) = old {
        app.files.delete(&old).await;
    }
    audit(app, actor, "news.image", slug).await
}

pub async fn all_news(app: &App, actor: &Principal) -> Result<Vec<news::Model>, AppError> {
    policy::require(actor, Action::ManageContent)?;
    Ok(news::Entity::find().order_by_desc(news::Column::PublishedAt).all(&app.db).await?)
}

pub async fn save_news(app: &App, actor: &Principal, existing: Option<&str>, f: &Fields) -> Result<String, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut c = Checker::default();
    let slug = slug(&mut c, f);
    let texts = [
        text(&mut c, f, "title_fi", 200),
        text(&mut c, f, "title_en", 200),
        text(&mut c, f, "summary_fi", 500),
        text(&mut c, f, "summary_en", 500),
        text(&mut c, f, "body_fi", 100_000),
        text(&mut c, f, "body_en", 100_000),
    ];
    let tags = list(get(f, "tags"));
    if tags.iter().any(|t| !NEWS_TAGS.contains(&t.as_str())) {
        c.push("tags", "err-unknown-value");
    }
    let published_at = match chrono::NaiveDate::parse_from_str(get(f, "published_at").trim(), "%Y-%m-%d") {
        Ok(d) => d.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
        Err(_) => {
            c.push("published_at", "err-date");
            now()
        }
    };
    let status = status(&mut c, f);
    c.finish()?;
    let clash = news::Entity::find().filter(news::Column::Slug.eq(&slug)).one(&app.db).await?;
    match existing {
        None => {
            if clash.is_some() {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            super::news::insert(&app.db, &slug, status, published_at, &tags, texts, actor.user_id().map(i32::from))
                .await?;
        }
        Some(old) => {
            let n = news::Entity::find()
                .filter(news::Column::Slug.eq(old))
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?;
            if clash.is_some_and(|c| c.id != n.id) {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            let [title_fi, title_en, summary_fi, summary_en, body_fi, body_en] = texts;
            let mut am = n.into_active_model();
            am.slug = Set(slug.clone());
            am.title_fi = Set(title_fi);
            am.title_en = Set(title_en);
            am.summary_fi = Set(summary_fi);
            am.summary_en = Set(summary_en);
            am.body_fi = Set(body_fi);
            am.body_en = Set(body_en);
            am.tags = Set(tags.join(","));
            am.status = Set(status);
            am.published_at = Set(published_at);
            am.updated_at = Set(now());
            am.update(&app.db).await?;
        }
    }
    audit(app, actor, "news.save", &slug).await?;
    Ok(slug)
}

// ---- glossary ----

pub fn term_fields(t: &glossary_term::Model) -> Fields {
    Fields::from([
        ("slug".into(), t.slug.clone()),
        ("term_fi".into(), t.term_fi.clone()),
        ("term_en".into(), t.term_en.clone()),
        ("definition_fi".into(), t.definition_fi.clone()),
        ("definition_en".into(), t.definition_en.clone()),
        ("related".into(), t.related.clone()),
        ("source".into(), t.source.clone()),
    ])
}

pub async fn all_terms(app: &App, actor: &Principal) -> Result<Vec<glossary_term::Model>, AppError> {
    policy::require(actor, Action::ManageContent)?;
    super::glossary::list(app, "fi").await
}

pub async fn save_term(app: &App, actor: &Principal, existing: Option<&str>, f: &Fields) -> Result<String, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut c = Checker::default();
    let slug = slug(&mut c, f);
    let texts = [
        text(&mut c, f, "term_fi", 200),
        text(&mut c, f, "term_en", 200),
        text(&mut c, f, "definition_fi", 5000),
        text(&mut c, f, "definition_en", 5000),
    ];
    let source = c.check("source", optional_text(get(f, "source"), 300)).flatten().unwrap_or_default();
    let related = list(get(f, "related"));
    let known: Vec<String> = glossary_term::Entity::find()
        .filter(glossary_term::Column::Slug.is_in(related.clone()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    if related.iter().any(|r| !known.contains(r)) {
        c.push("related", "err-related-unknown");
    }
    c.finish()?;
    let clash = glossary_term::Entity::find().filter(glossary_term::Column::Slug.eq(&slug)).one(&app.db).await?;
    let [term_fi, term_en, definition_fi, definition_en] = texts;
    match existing {
        None => {
            if clash.is_some() {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            super::glossary::insert(&app.db, &slug, [term_fi, term_en, definition_fi, definition_en, source], &related)
                .await?;
        }
        Some(old) => {
            let t = glossary_term::Entity::find()
                .filter(glossary_term::Column::Slug.eq(old))
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?;
            if clash.is_some_and(|c| c.id != t.id) {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            let mut am = t.into_active_model();
            am.slug = Set(slug.clone());
            am.term_fi = Set(term_fi);
            am.term_en = Set(term_en);
            am.definition_fi = Set(definition_fi);
            am.definition_en = Set(definition_en);
            am.related = Set(related.join(","));
            am.source = Set(source);
            am.updated_at = Set(now());
            am.update(&app.db).await?;
        }
    }
    audit(app, actor, "glossary.save", &slug).await?;
    Ok(slug)
}

// ---- FAQ ----

pub fn faq_fields(i: &faq_item::Model) -> Fields {
    Fields::from([
        ("topic".into(), i.topic.clone()),
        ("question_fi".into(), i.question_fi.clone()),
        ("question_en".into(), i.question_en.clone()),
        ("answer_fi".into(), i.answer_fi.clone()),
        ("answer_en".into(), i.answer_en.clone()),
        ("status".into(), i.status.to_string()),
        ("sort".into(), i.sort.to_string()),
    ])
}

pub async fn all_faq(app: &App, actor: &Principal) -> Result<Vec<faq_item::Model>, AppError> {
    policy::require(actor, Action::ManageContent)?;
    Ok(faq_item::Entity::find()
        .order_by_asc(faq_item::Column::Topic)
        .order_by_asc(faq_item::Column::Sort)
        .all(&app.db)
        .await?)
}

pub async fn save_faq(app: &App, actor: &Principal, existing: Option<i32>, f: &Fields) -> Result<i32, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut c = Checker::default();
    let topic = get(f, "topic");
    if !super::faq::TOPICS.contains(&topic) {
        c.push("topic", "err-unknown-value");
    }
    let texts = [
        text(&mut c, f, "question_fi", 1000),
        text(&mut c, f, "question_en", 1000),
        text(&mut c, f, "answer_fi", 20_000),
        text(&mut c, f, "answer_en", 20_000),
    ];
    let sort = get(f, "sort").trim().parse::<i32>().unwrap_or(0);
    let status = status(&mut c, f);
    c.finish()?;
    let [question_fi, question_en, answer_fi, answer_en] = texts;
    let am = match existing {
        Some(id) => {
            let i = faq_item::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
            let mut am = i.into_active_model();
            am.updated_at = Set(now());
            am
        }
        None => faq_item::ActiveModel { created_at: Set(now()), updated_at: Set(now()), ..Default::default() },
    };
    let mut am = am;
    am.topic = Set(topic.into());
    am.status = Set(status);
    am.question_fi = Set(question_fi);
    am.question_en = Set(question_en);
    am.answer_fi = Set(answer_fi);
    am.answer_en = Set(answer_en);
    am.sort = Set(sort);
    let saved = am.save(&app.db).await?;
    let id = saved.id.try_as_ref().copied().ok_or_else(|| AppError::internal("saved FAQ item has no id"))?;
    audit(app, actor, "faq.save", &format!("#{id}")).await?;
    Ok(id)
}

// ---- clusters ----

pub fn cluster_fields(k: &cluster::Model) -> Fields {
    Fields::from([
        ("slug".into(), k.slug.clone()),
        ("name".into(), k.name.clone()),
        ("country".into(), k.country.clone()),
        ("region".into(), k.region.clone()),
        ("relation".into(), k.relation.clone()),
        ("focus_fi".into(), k.focus_fi.clone()),
        ("focus_en".into(), k.focus_en.clone()),
        ("description_fi".into(), k.description_fi.clone()),
        ("description_en".into(), k.description_en.clone()),
        ("url".into(), k.url.clone()),
    ])
}

pub async fn save_cluster(
    app: &App,
    actor: &Principal,
    existing: Option<&str>,
    f: &Fields,
) -> Result<String, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut c = Checker::default();
    let slug = slug(&mut c, f);
    let name = text(&mut c, f, "name", 200);
    let country = get(f, "country").trim().to_uppercase();
    if country.len() != 2 || !country.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.push("country", "err-country");
    }
    let region = text(&mut c, f, "region", 120);
    let relation = get(f, "relation");
    if !super::clusters::RELATIONS.contains(&relation) {
        c.push("relation", "err-unknown-value");
    }
    let focus_fi = text(&mut c, f, "focus_fi", 200);
    let focus_en = text(&mut c, f, "focus_en", 200);
    let description_fi = text(&mut c, f, "description_fi", 5000);
    let description_en = text(&mut c, f, "description_en", 5000);
    let url = get(f, "url").trim().to_string();
    if !url::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()) {
        c.push("url", "err-url");
    }
    c.finish()?;
    let clash = cluster::Entity::find().filter(cluster::Column::Slug.eq(&slug)).one(&app.db).await?;
    let texts = [name, country, region, relation.to_string(), focus_fi, focus_en, description_fi, description_en, url];
    match existing {
        None => {
            if clash.is_some() {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            super::clusters::insert(&app.db, &slug, texts).await?;
        }
        Some(old) => {
            let k = cluster::Entity::find()
                .filter(cluster::Column::Slug.eq(old))
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?;
            if clash.is_some_and(|c| c.id != k.id) {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            let [name, country, region, relation, focus_fi, focus_en, description_fi, description_en, url] = texts;
            let mut am = k.into_active_model();
            am.slug = Set(slug.clone());
            am.name = Set(name);
            am.country = Set(country);
            am.region = Set(region);
            am.relation = Set(relation);
            am.focus_fi = Set(focus_fi);
            am.focus_en = Set(focus_en);
            am.description_fi = Set(description_fi);
            am.description_en = Set(description_en);
            am.url = Set(url);
            am.update(&app.db).await?;
        }
    }
    audit(app, actor, "cluster.save", &slug).await?;
    Ok(slug)
}
