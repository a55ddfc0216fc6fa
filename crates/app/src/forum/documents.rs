//! Search documents of the forum: threads with their replies' text.

use crate::{
    App, AppError,
    search::documents::{Which, doc, fetch, plain},
};
use kimppa_search::Doc;
use kimppa_store::entities::{forum_participant, forum_post, forum_thread};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add("thread", |app, which| Box::pin(async move { threads(&app, &which).await }));
}

/// Longest text of a thread's replies that is indexed.
const THREAD_TEXT: usize = 20_000;

/// Forum threads with their replies' text. Closed threads are indexed with
/// the tokens of those who may see them ([`crate::forum::visibility`]).
async fn threads(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = fetch(app, forum_thread::Entity::find(), forum_thread::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    // Hidden replies and replies waiting for approval never reach the index.
    let shown = forum_post::Entity::find()
        .filter(forum_post::Column::Hidden.eq(false))
        .filter(forum_post::Column::Pending.eq(false));
    let mut text: HashMap<i32, String> = HashMap::new();
    for p in fetch(app, shown, forum_post::Column::ThreadId, which).await? {
        let t = text.entry(p.thread_id).or_default();
        if t.len() < THREAD_TEXT {
            t.push(' ');
            t.push_str(&plain(&p.body));
        }
    }
    let mut invited: HashMap<i32, Vec<forum_participant::Model>> = HashMap::new();
    for p in fetch(app, forum_participant::Entity::find(), forum_participant::Column::ThreadId, which).await? {
        invited.entry(p.thread_id).or_default().push(p);
    }
    Ok(rows
        .into_iter()
        .map(|t| {
            let body = format!("{} {}", plain(&t.body), text.remove(&t.id).unwrap_or_default());
            let mut d =
                doc("thread", t.id, format!("/forum/threads/{}", t.id), (&t.title, &t.title), (body, String::new()));
            d.visibility = crate::forum::visibility::search_tokens(&t, invited.get(&t.id).into_iter().flatten());
            d
        })
        .collect())
}
