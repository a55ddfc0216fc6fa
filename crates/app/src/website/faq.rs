//! Questions and answers, grouped by topic and moderated by orchestrators;
//! anyone may send a question, which is stored for the orchestrators.

use super::PUBLISHED;
use crate::{
    App, AppError, now,
    policy::{self, Action, Principal},
};
use kimppa_domain::required_text;
use kimppa_store::entities::{faq_item, faq_question};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

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

/// Stores a question from anyone (throttled per client address).
pub async fn ask(app: &App, actor: &Principal, question: &str, lang: &str, client: &str) -> Result<(), AppError> {
    let q = required_text(question, 2000).map_err(|e| AppError::field("question", e.code()))?;
    let key = format!("faq:{client}");
    if crate::accounts::throttle_hit(app, &key).await? {
        return Err(AppError::RateLimited);
    }
    faq_question::ActiveModel {
        question: Set(q),
        lang: Set(lang.into()),
        user_id: Set(actor.user_id().map(i32::from)),
        created_at: Set(now()),
        handled_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok(())
}

/// Questions sent by visitors, newest first (orchestrators).
pub async fn questions(app: &App, actor: &Principal) -> Result<Vec<faq_question::Model>, AppError> {
    policy::require(actor, Action::ManageContent)?;
    Ok(faq_question::Entity::find().order_by_desc(faq_question::Column::Id).limit(200).all(&app.db).await?)
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
