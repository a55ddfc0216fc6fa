//! JSON twins of the forum: public threads (closed threads are never
//! served here: the API answers as an anonymous visitor).

use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::policy::Principal;
use kimppa_app::{
    AppError,
    forum::{self, ListQuery, ThreadCard},
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct ForumThreadJson {
    pub id: i32,
    pub title: String,
    pub author: String,
    /// Category slug.
    pub category: String,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// Markdown.
    pub body: String,
    pub replies: i32,
    pub pinned: bool,
    pub locked: bool,
    /// The reply the asker marked as the answer.
    pub accepted_reply: Option<i32>,
    pub created_at: String,
    pub last_post_at: String,
}

fn thread_json(c: ThreadCard) -> ForumThreadJson {
    ForumThreadJson {
        id: c.thread.id,
        title: c.thread.title,
        author: c.author,
        category: c.category.map(|k| k.slug).unwrap_or_default(),
        tags: c.tags.into_iter().map(|t| t.slug).collect(),
        body: c.thread.body,
        replies: c.thread.reply_count,
        pinned: c.thread.pinned,
        locked: c.thread.locked,
        accepted_reply: c.thread.accepted_post_id,
        created_at: c.thread.created_at.to_rfc3339(),
        last_post_at: c.thread.last_post_at.to_rfc3339(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ForumThreadList {
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub items: Vec<ForumThreadJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    pub category: String,
    pub tag: String,
    pub page: Option<u64>,
}

/// Public threads, pinned first, then by latest activity.
#[utoipa::path(get, path = "/api/v1/forum/threads",
    params(
        ("category" = Option<String>, Query, description = "Category slug"),
        ("tag" = Option<String>, Query, description = "Tag slug"),
        ("page" = Option<u64>, Query, description = "Page from 1 (20 threads a page)"),
    ),
    responses(
        (status = 200, body = ForumThreadList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn threads(
    State(s): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<ForumThreadList>, WebError> {
    let mut q = ListQuery { page: p.page.unwrap_or(1), ..Default::default() };
    if !p.category.is_empty() {
        let c = forum::categories(&s.app).await?.into_iter().find(|c| c.slug == p.category);
        q.category = Some(c.ok_or(AppError::field("category", "err-unknown-value"))?.id);
    }
    if !p.tag.is_empty() {
        let t = forum::tags(&s.app).await?.into_iter().find(|t| t.slug == p.tag);
        q.tag = Some(t.ok_or(AppError::field("tag", "err-unknown-value"))?.id);
    }
    let l = forum::list(&s.app, &Principal::Anonymous, &q).await?;
    Ok(Json(ForumThreadList {
        total: l.total,
        page: l.page,
        pages: l.pages,
        items: l.threads.into_iter().map(thread_json).collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ForumReplyJson {
    pub id: i32,
    pub author: String,
    /// Markdown; empty when a moderator hid the reply.
    pub body: String,
    pub hidden: bool,
    pub created_at: String,
    /// Files of the reply (none when hidden).
    pub attachments: Vec<ForumAttachmentJson>,
}

/// A file attached to a thread or a reply.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ForumAttachmentJson {
    pub filename: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Where to fetch it (a path on this site).
    pub url: String,
}

fn attachments_json(files: Vec<kimppa_app::records::forum_attachment::Model>) -> Vec<ForumAttachmentJson> {
    files
        .into_iter()
        .map(|a| ForumAttachmentJson {
            url: format!(
                "/fi/forum/threads/{}/attachments/{}/{}",
                a.thread_id,
                a.id,
                url::form_urlencoded::byte_serialize(a.filename.as_bytes()).collect::<String>().replace('+', "%20")
            ),
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
        })
        .collect()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ForumThreadDetail {
    pub thread: ForumThreadJson,
    /// Files of the opening text.
    pub attachments: Vec<ForumAttachmentJson>,
    pub page: u64,
    pub pages: u64,
    pub replies: Vec<ForumReplyJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageParams {
    pub page: Option<u64>,
}

/// A public thread with a page of its replies (50 a page).
#[utoipa::path(get, path = "/api/v1/forum/threads/{id}",
    params(("id" = i32, Path), ("page" = Option<u64>, Query, description = "Page of replies from 1")),
    responses(
        (status = 200, body = ForumThreadDetail),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn thread(
    State(s): State<AppState>,
    Path(id): Path<i32>,
    Query(p): Query<PageParams>,
) -> Result<Json<ForumThreadDetail>, WebError> {
    let card = forum::view(&s.app, &Principal::Anonymous, id).await?.card;
    let rp = forum::replies(&s.app, &Principal::Anonymous, &card.thread, p.page.unwrap_or(1)).await?;
    let post_ids: Vec<i32> = rp.replies.iter().map(|r| r.post.id).collect();
    let mut files = forum::attachments::of(&s.app, id, &post_ids).await?;
    Ok(Json(ForumThreadDetail {
        attachments: attachments_json(files.remove(&None).unwrap_or_default()),
        thread: thread_json(card),
        page: rp.page,
        pages: rp.pages,
        replies: rp
            .replies
            .into_iter()
            .map(|r| ForumReplyJson {
                id: r.post.id,
                author: r.author,
                body: if r.post.hidden { String::new() } else { r.post.body },
                hidden: r.post.hidden,
                created_at: r.post.created_at.to_rfc3339(),
                attachments: if r.post.hidden {
                    vec![]
                } else {
                    attachments_json(files.remove(&Some(r.post.id)).unwrap_or_default())
                },
            })
            .collect(),
    }))
}
