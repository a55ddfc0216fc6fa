//! Questions and answers, grouped by topic and kept by the orchestrators;
//! the questions people send are [`super::questions`].

use super::PUBLISHED;
use crate::{App, AppError, now};
use kimppa_store::entities::faq_item;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

pub const TOPICS: [&str; 6] = ["membership", "platform", "services", "materials", "funding", "privacy"];

/// Published answers grouped by topic, in topic order.
pub async fn grouped(app: &App) -> Result<Vec<(&'static str, Vec<faq_item::Model>)>, AppError> {
    let items = faq_item::Entity::find()
        .filter(faq_item::Column::Status.eq(PUBLISHED))
        .order_by_asc(faq_item::Column::Sort)
        .order_by_asc(faq_item::Column::Id)
        .all(&app.db)
        .await?;
    Ok(TOPICS
        .iter()
        .map(|t| (*t, items.iter().filter(|i| i.topic == *t).cloned().collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect())
}

pub(crate) async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    topic: &str,
    sort: i32,
    [question_fi, question_en, answer_fi, answer_en]: [String; 4],
) -> Result<(), AppError> {
    faq_item::ActiveModel {
        topic: Set(topic.into()),
        status: Set(PUBLISHED),
        question_fi: Set(question_fi),
        question_en: Set(question_en),
        answer_fi: Set(answer_fi),
        answer_en: Set(answer_en),
        sort: Set(sort),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
