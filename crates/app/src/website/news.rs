//! News articles: published ones are public, listed newest first with
//! paging and in the RSS and Atom feeds.

use super::PUBLISHED;
use crate::{
    App, AppError, now,
    policy::{self, Action, Principal},
};
use kimppa_store::entities::news;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select, Set};

pub const PER_PAGE: u64 = 10;

/// News the actor may see: published and due, or everything for staff.
pub fn visible(actor: &Principal) -> Select<news::Entity> {
    let q = news::Entity::find();
    if policy::decide(actor, Action::ManageContent).allowed() {
        q
    } else {
        q.filter(news::Column::Status.eq(PUBLISHED)).filter(news::Column::PublishedAt.lte(now()))
    }
}

/// One page of news (1-based) and the number of pages. Two queries.
pub async fn list(app: &App, actor: &Principal, page: u64) -> Result<(Vec<news::Model>, u64), AppError> {
    let paginator = visible(actor)
        .order_by_desc(news::Column::PublishedAt)
        .order_by_desc(news::Column::Id)
        .paginate(&app.db, PER_PAGE);
    let pages = paginator.num_pages().await?.max(1);
    let items = paginator.fetch_page(page.clamp(1, pages) - 1).await?;
    Ok((items, pages))
}

/// The newest public items (feeds, home page).
pub async fn latest(app: &App, n: u64) -> Result<Vec<news::Model>, AppError> {
    use sea_orm::QuerySelect;
    Ok(visible(&Principal::Anonymous)
        .order_by_desc(news::Column::PublishedAt)
        .order_by_desc(news::Column::Id)
        .limit(n)
        .all(&app.db)
        .await?)
}

pub async fn get(app: &App, actor: &Principal, slug: &str) -> Result<news::Model, AppError> {
    visible(actor).filter(news::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// Inserts an article (demo data and tests).
#[allow(clippy::too_many_arguments)]
pub async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    slug: &str,
    status: kimppa_domain::ContentStatus,
    published_at: chrono::DateTime<chrono::Utc>,
    tags: &[String],
    [title_fi, title_en, summary_fi, summary_en, body_fi, body_en]: [String; 6],
    author: Option<i32>,
) -> Result<news::Model, AppError> {
    Ok(news::ActiveModel {
        slug: Set(slug.into()),
        status: Set(status),
        title_fi: Set(title_fi),
        title_en: Set(title_en),
        summary_fi: Set(summary_fi),
        summary_en: Set(summary_en),
        body_fi: Set(body_fi),
        body_en: Set(body_en),
        tags: Set(tags.join(",")),
        image_key: Set(None),
        image_alt_fi: Set(String::new()),
        image_alt_en: Set(String::new()),
        published_at: Set(published_at),
        author_id: Set(author),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}
