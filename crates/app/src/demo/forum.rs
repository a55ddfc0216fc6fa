//! The forum part of the demo: categories, tags, public threads with
//! replies, and closed threads with invited people and organisations.

use super::directory::People;
use crate::{AppError, now};
use chrono::Duration;
use kimppa_store::entities::{
    forum_category, forum_participant, forum_post, forum_tag, forum_thread, forum_thread_tag, notice, organisation,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Deserialize;
use std::collections::HashMap;

const DATA: &str = include_str!("forum.json");

#[derive(Deserialize)]
struct Data {
    categories: Vec<Category>,
    tags: Vec<Tag>,
    threads: Vec<Thread>,
}

#[derive(Deserialize)]
struct Category {
    slug: String,
    name_fi: String,
    name_en: String,
    description_fi: String,
    description_en: String,
    position: i32,
}

#[derive(Deserialize)]
struct Tag {
    slug: String,
    name_fi: String,
    name_en: String,
}

#[derive(Deserialize)]
struct Thread {
    category: String,
    author: String,
    title: String,
    body: String,
    tags: Vec<String>,
    days_ago: i64,
    closed: bool,
    pinned: bool,
    participants: Vec<Participant>,
    replies: Vec<ReplyData>,
}

#[derive(Deserialize)]
struct Participant {
    user: Option<String>,
    org: Option<String>,
}

#[derive(Deserialize)]
struct ReplyData {
    author: String,
    body: String,
    days_ago: i64,
}

/// Loads the forum; returns the number of threads.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    people: &People,
    orgs: &HashMap<String, organisation::Model>,
    orchestrator: (&str, i32),
) -> Result<usize, AppError> {
    let data: Data = serde_json::from_str(DATA).map_err(AppError::internal)?;
    let person = |email: &str| -> Result<i32, AppError> {
        if email == orchestrator.0 {
            return Ok(orchestrator.1);
        }
        people.get(email).map(|p| p.0).ok_or_else(|| AppError::fail(format!("demo forum: unknown person {email}")))
    };
    let created = now() - Duration::days(200);
    let mut categories = HashMap::new();
    for c in &data.categories {
        let m = forum_category::ActiveModel {
            slug: Set(c.slug.clone()),
            name_fi: Set(c.name_fi.clone()),
            name_en: Set(c.name_en.clone()),
            description_fi: Set(c.description_fi.clone()),
            description_en: Set(c.description_en.clone()),
            position: Set(c.position),
            created_at: Set(created),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        categories.insert(c.slug.clone(), m.id);
    }
    let mut tags = HashMap::new();
    for t in &data.tags {
        let m = forum_tag::ActiveModel {
            slug: Set(t.slug.clone()),
            name_fi: Set(t.name_fi.clone()),
            name_en: Set(t.name_en.clone()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        tags.insert(t.slug.clone(), m.id);
    }
    for t in &data.threads {
        let category = *categories
            .get(&t.category)
            .ok_or_else(|| AppError::fail(format!("demo forum: unknown category {}", t.category)))?;
        let author = person(&t.author)?;
        let at = now() - Duration::days(t.days_ago) - Duration::minutes(37);
        let last = t.replies.iter().map(|r| now() - Duration::days(r.days_ago)).max().unwrap_or(at).max(at);
        let thread = forum_thread::ActiveModel {
            category_id: Set(category),
            author_id: Set(author),
            title: Set(t.title.clone()),
            body: Set(t.body.clone()),
            closed: Set(t.closed),
            locked: Set(false),
            pinned: Set(t.pinned),
            reply_count: Set(t.replies.len() as i32),
            last_post_at: Set(last),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for slug in &t.tags {
            let tag = *tags.get(slug).ok_or_else(|| AppError::fail(format!("demo forum: unknown tag {slug}")))?;
            forum_thread_tag::ActiveModel { thread_id: Set(thread.id), tag_id: Set(tag), ..Default::default() }
                .insert(conn)
                .await?;
        }
        for p in &t.participants {
            let (user_id, org_id) = match (&p.user, &p.org) {
                (Some(u), _) => (Some(person(u)?), None),
                (_, Some(o)) => (
                    None,
                    Some(
                        orgs.get(o).ok_or_else(|| AppError::fail(format!("demo forum: unknown organisation {o}")))?.id,
                    ),
                ),
                _ => continue,
            };
            forum_participant::ActiveModel {
                thread_id: Set(thread.id),
                user_id: Set(user_id),
                org_id: Set(org_id),
                invited_by: Set(author),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        // The asker and everyone who replies watch the thread; each reply
        // told the earlier watchers (read when older than a week).
        let mut watchers = vec![author];
        for (i, r) in t.replies.iter().enumerate() {
            let when = (now() - Duration::days(r.days_ago) + Duration::minutes(i as i64 * 11)).max(at);
            let replier = person(&r.author)?;
            let post = forum_post::ActiveModel {
                thread_id: Set(thread.id),
                author_id: Set(replier),
                body: Set(r.body.clone()),
                created_at: Set(when),
                updated_at: Set(when),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            for &w in watchers.iter().filter(|&&w| w != replier) {
                notice::ActiveModel {
                    user_id: Set(w),
                    event: Set("reply".into()),
                    event_key: Set(format!("reply:{}", post.id)),
                    subject: Set(crate::forum::notifications::SUBJECT.into()),
                    subject_id: Set(thread.id),
                    detail_id: Set(Some(post.id)),
                    actor_id: Set(Some(replier)),
                    reason: Set("thread".into()),
                    title: Set(thread.title.clone()),
                    link: Set(crate::forum::notifications::link(thread.id, Some(post.id))),
                    created_at: Set(when),
                    read_at: Set((r.days_ago > 7).then_some(when)),
                    emailed_at: Set(Some(when)),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
            }
            if !watchers.contains(&replier) {
                watchers.push(replier);
            }
        }
        for w in watchers {
            crate::forum::watching::subscribe(conn, w, crate::forum::watching::Target::Thread(thread.id)).await?;
        }
    }
    Ok(data.threads.len())
}
