//! Closed threads: closing and opening (logged), and inviting people or
//! whole organisations (who are told by email).

use super::get;
use crate::{
    App, AppError, changelog,
    policy::{self, Action, Principal},
    search,
};
use kimppa_domain::Email;
use kimppa_domain::UserId;
use kimppa_store::entities::{forum_participant, forum_thread, org_member, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

/// Closes a thread to its participants, or opens it to everyone; logged.
pub async fn set_closed(app: &App, actor: &Principal, thread_id: i32, closed: bool) -> Result<(), AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    let uid = crate::policy::user_id(actor)?;
    if thread.closed == closed {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    forum_thread::ActiveModel {
        id: Set(thread.id),
        closed: Set(closed),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    let action = if closed { "forum.thread.closed" } else { "forum.thread.opened" };
    changelog::admin_action(&tx, uid, action, format!("thread:{}", thread.id), thread.title.clone()).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Invites a registered person (by email) or a whole organisation (by its
/// address in the directory, e.g. `purkutaito`) to a thread; the invited
/// are told by email.
pub async fn invite(app: &App, actor: &Principal, thread_id: i32, who: &str) -> Result<String, AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    let uid = crate::policy::user_id(actor)?;
    let who = who.trim();
    if who.is_empty() {
        return Err(AppError::field("who", "err-required"));
    }
    let (user_id, org_id, label, recipients) = if who.contains('@') {
        let email = Email::parse(who).map_err(|_| AppError::field("who", "err-email"))?;
        let u = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&app.db)
            .await?
            .ok_or(AppError::field("who", "err-forum-unknown-invitee"))?;
        (Some(u.id), None, u.name.clone(), vec![u.email])
    } else {
        // An organisation by its name (or address), as people choose it.
        let o = match crate::organisations::by_names(app, who, false).await?.pop() {
            Some(crate::organisations::Named::Found(o)) => *o,
            Some(crate::organisations::Named::Ambiguous(..)) => {
                return Err(AppError::field("who", "err-org-ambiguous"));
            }
            _ => return Err(AppError::field("who", "err-forum-unknown-invitee")),
        };
        let members: Vec<String> =
            crate::people::org_people(&app.db, o.id).await?.into_iter().map(|u| u.email).collect();
        (None, Some(o.id), o.name.clone(), members)
    };
    let already = forum_participant::Entity::find()
        .filter(forum_participant::Column::ThreadId.eq(thread.id))
        .filter(match (user_id, org_id) {
            (Some(u), _) => forum_participant::Column::UserId.eq(u),
            (_, o) => forum_participant::Column::OrgId.eq(o.unwrap_or_default()),
        })
        .one(&app.db)
        .await?;
    if already.is_some() {
        return Ok(label);
    }
    let inviter = crate::people::user_names(app, vec![uid.0]).await?.remove(&uid.0).unwrap_or_default();
    let link = app.url(&format!("/fi/forum/threads/{}", thread.id));
    let tx = app.db.begin().await?;
    forum_participant::ActiveModel {
        thread_id: Set(thread.id),
        user_id: Set(user_id),
        org_id: Set(org_id),
        invited_by: Set(uid.0),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let subject = format!("Kutsu keskusteluun: {} / Invitation to a discussion", thread.title);
    let body = format!(
        "{inviter} kutsui sinut keskusteluun \"{title}\" Kimppa-foorumilla:\n{link}\n\n\
         {inviter} invited you to the discussion \"{title}\" on the Kimppa forum:\n{link}\n",
        title = thread.title
    );
    for to in recipients {
        crate::email::queue(&tx, &to, &subject, &body).await?;
    }
    let told: Vec<i32> = match (user_id, org_id) {
        (Some(u), _) => vec![u],
        (_, Some(o)) => org_member::Entity::find()
            .filter(org_member::Column::OrgId.eq(o))
            .all(&tx)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect(),
        _ => vec![],
    };
    super::notifications::direct(&tx, &told, &thread, "invite", uid.0).await?;
    search::touch(&tx, "thread", &[thread.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(label)
}
