//! Files on threads and replies: PDF or PNG/JPEG/WebP images, recognised by
//! their content (not their name), at most 3 MiB, one per post. They are
//! read through the thread's visibility, so a closed thread's files are as
//! hidden as the thread; images are shown inline, other files downloaded,
//! and nothing is served as active content.

use super::get;
use crate::{App, AppError, files::ImageKind, policy::Principal};
use bytes::Bytes;
use kimppa_store::entities::{forum_attachment, forum_post};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

/// A file as the form sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Bytes,
}

/// A checked file in the store, not yet tied to a post.
#[derive(Debug, Clone)]
pub struct Stored {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) content_type: &'static str,
    pub(crate) size: i64,
}

/// Checks and stores an upload (errors name `field`); `None` for an empty
/// file field.
pub async fn store(app: &App, field: &'static str, upload: Option<Upload>) -> Result<Option<Stored>, AppError> {
    let Some(u) = upload.filter(|u| !u.bytes.is_empty() || !u.name.is_empty()) else { return Ok(None) };
    let size = u.bytes.len() as i64;
    let key = app.files.put_attachment(field, u.bytes).await?;
    Ok(Some(Stored { content_type: ImageKind::content_type_of(&key), name: clean_name(&u.name, &key), key, size }))
}

/// A file name safe to show and to send back: the last path part, no
/// control characters, at most 120 characters; the stored type's extension
/// when it had none.
fn clean_name(name: &str, key: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut n: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    let ext = key.rsplit('.').next().unwrap_or("bin");
    if n.trim().is_empty() {
        n = format!("liite.{ext}");
    } else if !(n.to_lowercase().ends_with(&format!(".{ext}")) || ext == "jpg" && n.to_lowercase().ends_with(".jpeg")) {
        n = format!("{n}.{ext}");
    }
    n
}

/// Ties a stored file to a thread (and reply) in the writer's transaction.
pub(crate) async fn attach<C: ConnectionTrait>(
    conn: &C,
    thread_id: i32,
    post_id: Option<i32>,
    uploader_id: i32,
    s: Stored,
) -> Result<(), sea_orm::DbErr> {
    forum_attachment::ActiveModel {
        thread_id: Set(thread_id),
        post_id: Set(post_id),
        uploader_id: Set(uploader_id),
        file_key: Set(s.key),
        filename: Set(s.name),
        content_type: Set(s.content_type.into()),
        size: Set(s.size),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// True for files shown inline as images.
pub fn is_image(a: &forum_attachment::Model) -> bool {
    a.content_type.starts_with("image/")
}

/// The files of a thread's opening text (key `None`) and of the given
/// replies, in one query.
pub async fn of(
    app: &App,
    thread_id: i32,
    post_ids: &[i32],
) -> Result<HashMap<Option<i32>, Vec<forum_attachment::Model>>, AppError> {
    let mut which = Condition::any().add(forum_attachment::Column::PostId.is_null());
    if !post_ids.is_empty() {
        which = which.add(forum_attachment::Column::PostId.is_in(post_ids.to_vec()));
    }
    let rows = forum_attachment::Entity::find()
        .filter(forum_attachment::Column::ThreadId.eq(thread_id))
        .filter(which)
        .order_by_asc(forum_attachment::Column::Id)
        .all(&app.db)
        .await?;
    let mut out: HashMap<Option<i32>, Vec<forum_attachment::Model>> = HashMap::new();
    for a in rows {
        out.entry(a.post_id).or_default().push(a);
    }
    Ok(out)
}

/// A file and its bytes, when the viewer sees the thread and the reply it
/// belongs to (a hidden reply's file: staff; a waiting one: its author and
/// staff). Anything else is not found.
pub async fn read(
    app: &App,
    actor: &Principal,
    thread_id: i32,
    id: i32,
) -> Result<(forum_attachment::Model, Bytes), AppError> {
    let thread = get(app, actor, thread_id).await?;
    let a = forum_attachment::Entity::find_by_id(id)
        .filter(forum_attachment::Column::ThreadId.eq(thread.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(pid) = a.post_id {
        let post = forum_post::Entity::find_by_id(pid).one(&app.db).await?.ok_or(AppError::NotFound)?;
        if !super::visibility::sees_reply_files(actor, &post) {
            return Err(AppError::NotFound);
        }
    }
    let bytes = app.files.get_attachment(&a.file_key).await?.ok_or(AppError::NotFound)?;
    Ok((a, bytes))
}

/// Removes the files of a reply that is deleted (rows now, files after).
pub(crate) async fn delete_of_post<C: ConnectionTrait>(conn: &C, post_id: i32) -> Result<(), sea_orm::DbErr> {
    forum_attachment::Entity::delete_many().filter(forum_attachment::Column::PostId.eq(post_id)).exec(conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(super::clean_name("../../etc/passwd", "a/x.pdf"), "passwd.pdf");
        assert_eq!(super::clean_name("C:\\docs\\raportti.PDF", "a/x.pdf"), "raportti.PDF");
        assert_eq!(super::clean_name("kuva.jpeg", "a/x.jpg"), "kuva.jpeg");
        assert_eq!(super::clean_name("", "a/x.png"), "liite.png");
        assert_eq!(super::clean_name("a\"b\u{0}.png", "a/x.png"), "ab.png");
    }
}
