//! Pages edited by orchestrators: every save is a revision (author, time),
//! any revision can be restored, and only published pages are public.

use super::{DRAFT, PUBLISHED};
use crate::{
    App, AppError, changelog,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use kimppa_domain::ContentStatus;
use kimppa_domain::{DomainError, Slug, required_text};
use kimppa_store::entities::{page, page_revision, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Select, Set,
    TransactionTrait,
};

/// A page with its current (newest) revision.
#[derive(Debug, Clone)]
pub struct PageView {
    pub page: page::Model,
    pub rev: page_revision::Model,
}

/// Pages the actor may see: published ones, and every page for staff.
pub fn visible(actor: &Principal) -> Select<page::Entity> {
    let q = page::Entity::find();
    if policy::decide(actor, Action::ManageContent).allowed() {
        q
    } else {
        q.filter(page::Column::Status.eq(PUBLISHED))
    }
}

/// The newest revision of each page. One query.
async fn with_revisions(app: &App, pages: Vec<page::Model>) -> Result<Vec<PageView>, AppError> {
    let ids: Vec<i32> = pages.iter().map(|p| p.id).collect();
    let revs = page_revision::Entity::find()
        .filter(page_revision::Column::PageId.is_in(ids))
        .order_by_desc(page_revision::Column::Id)
        .all(&app.db)
        .await?;
    Ok(pages
        .into_iter()
        .filter_map(|page| {
            let rev = revs.iter().find(|r| r.page_id == page.id)?.clone();
            Some(PageView { page, rev })
        })
        .collect())
}

/// A page by slug, if the actor may see it.
pub async fn get(app: &App, actor: &Principal, slug: &str) -> Result<PageView, AppError> {
    let p = visible(actor).filter(page::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)?;
    with_revisions(app, vec![p]).await?.pop().ok_or(AppError::NotFound)
}

/// The menu as (slug, Finnish title, English title), in order, for every
/// page frame: from this node's memory until the next change; otherwise two
/// light queries (titles of the latest revisions only).
pub async fn menu(app: &App) -> Result<std::sync::Arc<Vec<(String, String, String)>>, AppError> {
    app.pages.derived(app, "website.menu", || read_menu(app)).await
}

async fn read_menu(app: &App) -> Result<Vec<(String, String, String)>, AppError> {
    let pages: Vec<(i32, String)> = page::Entity::find()
        .select_only()
        .columns([page::Column::Id, page::Column::Slug])
        .filter(page::Column::Status.eq(PUBLISHED))
        .filter(page::Column::InNav.eq(true))
        .order_by_asc(page::Column::NavOrder)
        .into_tuple()
        .all(&app.db)
        .await?;
    if pages.is_empty() {
        return Ok(vec![]);
    }
    let revs: Vec<(i32, String, String)> = page_revision::Entity::find()
        .select_only()
        .columns([page_revision::Column::PageId, page_revision::Column::TitleFi, page_revision::Column::TitleEn])
        .filter(page_revision::Column::PageId.is_in(pages.iter().map(|(id, _)| *id).collect::<Vec<_>>()))
        .order_by_desc(page_revision::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(pages
        .into_iter()
        .filter_map(|(id, slug)| {
            let (_, fi, en) = revs.iter().find(|r| r.0 == id)?.clone();
            Some((slug, fi, en))
        })
        .collect())
}

/// Every page the actor may see, by slug.
pub async fn list(app: &App, actor: &Principal) -> Result<Vec<PageView>, AppError> {
    let pages =
        visible(actor).order_by_asc(page::Column::NavOrder).order_by_asc(page::Column::Slug).all(&app.db).await?;
    with_revisions(app, pages).await
}

/// What the page editor sends.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct PageForm {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub title_fi: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub summary_fi: String,
    #[serde(default)]
    pub summary_en: String,
    #[serde(default)]
    pub body_fi: String,
    #[serde(default)]
    pub body_en: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub in_nav: Option<String>,
    #[serde(default)]
    pub nav_order: String,
    #[serde(default)]
    pub note: String,
}

impl PageForm {
    pub fn from_view(v: &PageView) -> PageForm {
        PageForm {
            slug: v.page.slug.clone(),
            title_fi: v.rev.title_fi.clone(),
            title_en: v.rev.title_en.clone(),
            summary_fi: v.rev.summary_fi.clone(),
            summary_en: v.rev.summary_en.clone(),
            body_fi: v.rev.body_fi.clone(),
            body_en: v.rev.body_en.clone(),
            status: v.page.status.to_string(),
            in_nav: v.page.in_nav.then(|| "on".into()),
            nav_order: v.page.nav_order.to_string(),
            note: String::new(),
        }
    }
}

struct Checked {
    slug: String,
    texts: [String; 6],
    status: ContentStatus,
    in_nav: bool,
    nav_order: i32,
    note: Option<String>,
}

fn check(f: &PageForm) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    let slug =
        c.check("slug", if f.slug.trim().is_empty() { Err(DomainError::Required) } else { Slug::parse(f.slug.trim()) });
    let mut texts: [String; 6] = Default::default();
    for (i, (field, value, max)) in [
        ("title_fi", &f.title_fi, 200),
        ("title_en", &f.title_en, 200),
        ("summary_fi", &f.summary_fi, 300),
        ("summary_en", &f.summary_en, 300),
        ("body_fi", &f.body_fi, 100_000),
        ("body_en", &f.body_en, 100_000),
    ]
    .into_iter()
    .enumerate()
    {
        texts[i] = c.check(field, required_text(value, max)).unwrap_or_default();
    }
    let status = match f.status.as_str() {
        "" => DRAFT,
        s => ContentStatus::parse(s).unwrap_or_else(|_| {
            c.push("status", "err-unknown-value");
            DRAFT
        }),
    };
    let nav_order = if f.nav_order.trim().is_empty() {
        0
    } else {
        match f.nav_order.trim().parse::<i32>() {
            Ok(n) if (0..=1000).contains(&n) => n,
            _ => {
                c.push("nav_order", "err-number");
                0
            }
        }
    };
    c.finish()?;
    Ok(Checked {
        slug: slug.map(|s| s.to_string()).unwrap_or_default(),
        texts,
        status,
        in_nav: f.in_nav.is_some(),
        nav_order,
        note: kimppa_domain::optional_text(&f.note, 300).ok().flatten(),
    })
}

async fn insert_revision<C: sea_orm::ConnectionTrait>(
    conn: &C,
    page_id: i32,
    [title_fi, title_en, summary_fi, summary_en, body_fi, body_en]: [String; 6],
    author: Option<i32>,
    note: Option<String>,
) -> Result<page_revision::Model, AppError> {
    Ok(page_revision::ActiveModel {
        page_id: Set(page_id),
        title_fi: Set(title_fi),
        title_en: Set(title_en),
        summary_fi: Set(summary_fi),
        summary_en: Set(summary_en),
        body_fi: Set(body_fi),
        body_en: Set(body_en),
        author_id: Set(author),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Creates a page (`existing` = None) or saves a new revision of one.
pub async fn save(app: &App, actor: &Principal, existing: Option<&str>, f: &PageForm) -> Result<page::Model, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let d = check(f)?;
    let tx = app.db.begin().await?;
    let clash = page::Entity::find().filter(page::Column::Slug.eq(&d.slug)).one(&tx).await?;
    let page = match existing {
        None => {
            if clash.is_some() {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            page::ActiveModel {
                slug: Set(d.slug.clone()),
                status: Set(d.status),
                in_nav: Set(d.in_nav),
                nav_order: Set(d.nav_order),
                created_at: Set(now()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
        Some(slug) => {
            let p =
                page::Entity::find().filter(page::Column::Slug.eq(slug)).one(&tx).await?.ok_or(AppError::NotFound)?;
            if clash.as_ref().is_some_and(|c| c.id != p.id) {
                return Err(AppError::field("slug", "err-slug-taken"));
            }
            let mut am = p.into_active_model();
            am.slug = Set(d.slug.clone());
            am.status = Set(d.status);
            am.in_nav = Set(d.in_nav);
            am.nav_order = Set(d.nav_order);
            am.updated_at = Set(now());
            am.update(&tx).await?
        }
    };
    insert_revision(&tx, page.id, d.texts, actor.user_id().map(i32::from), d.note).await?;
    changelog::record(&tx, "page.saved", &serde_json::json!({ "page_id": page.id, "status": page.status })).await?;
    changelog::admin_action(&tx, actor.user_id().unwrap_or_default(), "page.save", &page.slug, page.status.key())
        .await?;
    crate::search::touch_all(&tx, "page").await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(page)
}

/// A revision with its author's name, for the history list.
#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub rev: page_revision::Model,
    pub author: Option<String>,
}

/// The history of a page, newest first. Two queries.
pub async fn history(app: &App, actor: &Principal, slug: &str) -> Result<(PageView, Vec<RevisionRow>), AppError> {
    policy::require(actor, Action::ManageContent)?;
    let view = get(app, actor, slug).await?;
    let revs = page_revision::Entity::find()
        .filter(page_revision::Column::PageId.eq(view.page.id))
        .order_by_desc(page_revision::Column::Id)
        .all(&app.db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(revs.iter().filter_map(|r| r.author_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?;
    let rows = revs
        .into_iter()
        .map(|rev| RevisionRow {
            author: rev.author_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone()),
            rev,
        })
        .collect();
    Ok((view, rows))
}

/// Restores an earlier revision by saving its text as the newest one.
pub async fn restore(app: &App, actor: &Principal, slug: &str, revision_id: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManageContent)?;
    let view = get(app, actor, slug).await?;
    let old = page_revision::Entity::find_by_id(revision_id)
        .filter(page_revision::Column::PageId.eq(view.page.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    insert_revision(
        &tx,
        view.page.id,
        [old.title_fi, old.title_en, old.summary_fi, old.summary_en, old.body_fi, old.body_en],
        actor.user_id().map(i32::from),
        Some(format!("#{}", old.id)),
    )
    .await?;
    changelog::admin_action(&tx, actor.user_id().unwrap_or_default(), "page.restore", slug, format!("#{}", old.id))
        .await?;
    crate::search::touch_all(&tx, "page").await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Inserts a published page directly (demo data).
pub(crate) async fn insert_published<C: sea_orm::ConnectionTrait>(
    conn: &C,
    slug: &str,
    in_nav: bool,
    nav_order: i32,
    texts: [String; 6],
    author: Option<i32>,
) -> Result<(), AppError> {
    let p = page::ActiveModel {
        slug: Set(slug.into()),
        status: Set(PUBLISHED),
        in_nav: Set(in_nav),
        nav_order: Set(nav_order),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    insert_revision(conn, p.id, texts, author, None).await?;
    Ok(())
}
