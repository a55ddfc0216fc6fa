//! Who may see which thread — the one place. A thread that is not closed
//! (and not a first post waiting for approval, seen by its author and
//! staff only) is public; a closed thread is seen by its author, the people invited to
//! it, every member of an organisation invited to it, and staff who passed
//! the second factor. Lists, counts, single reads, replies, feeds, the API
//! and search documents all use [`condition`] or [`search_tokens`].

use crate::{App, AppError, policy::Actor};
use kimppa_store::entities::{forum_participant, forum_thread};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

/// The asker, as far as thread visibility is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i32>,
    pub org_ids: Vec<i32>,
    pub staff: bool,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }

    /// One query (the asker's memberships) for a logged-in actor.
    pub async fn of(app: &App, actor: &Actor) -> Result<Viewer, AppError> {
        let Some(uid) = actor.user_id() else { return Ok(Viewer::anonymous()) };
        let org_ids = crate::organisations::memberships_of(app, uid).await?.into_iter().map(|(o, _)| o.id).collect();
        Ok(Viewer { user_id: Some(uid), org_ids, staff: actor.is_elevated() })
    }
}

/// The SQL condition on `forum_threads` for what `v` may see.
pub fn condition(v: &Viewer) -> Condition {
    if v.staff {
        return Condition::all();
    }
    let mut any = Condition::any()
        .add(Condition::all().add(forum_thread::Column::Closed.eq(false)).add(forum_thread::Column::Pending.eq(false)));
    if let Some(uid) = v.user_id {
        let mut invited = Condition::any().add(forum_participant::Column::UserId.eq(uid));
        if !v.org_ids.is_empty() {
            invited = invited.add(forum_participant::Column::OrgId.is_in(v.org_ids.clone()));
        }
        any = any.add(forum_thread::Column::AuthorId.eq(uid)).add(
            Condition::all().add(forum_thread::Column::Pending.eq(false)).add(
                forum_thread::Column::Id.in_subquery(
                    Query::select()
                        .column(forum_participant::Column::ThreadId)
                        .from(forum_participant::Entity)
                        .cond_where(invited)
                        .to_owned(),
                ),
            ),
        );
    }
    any
}

/// The rule of [`condition`] for one thread already in memory, with its
/// participants (notifications and digests decide per recipient).
pub fn sees(t: &forum_thread::Model, participants: &[forum_participant::Model], v: &Viewer) -> bool {
    if v.staff {
        return true;
    }
    if !t.closed && !t.pending {
        return true;
    }
    let Some(uid) = v.user_id else { return false };
    if t.author_id == uid {
        return true;
    }
    if t.pending {
        return false;
    }
    participants.iter().any(|p| p.user_id == Some(uid) || p.org_id.is_some_and(|o| v.org_ids.contains(&o)))
}

/// The search index's visibility tokens of a thread, given its
/// participants (see [`crate::search::visibility`] for the asker's side).
pub fn search_tokens<'a>(
    t: &forum_thread::Model,
    participants: impl IntoIterator<Item = &'a forum_participant::Model>,
) -> Vec<String> {
    if !t.closed && !t.pending {
        return vec!["public".into()];
    }
    let mut tokens = vec!["staff".to_string(), format!("user:{}", t.author_id)];
    if t.pending {
        return tokens;
    }
    for p in participants {
        match (p.user_id, p.org_id) {
            (Some(u), _) => tokens.push(format!("user:{u}")),
            (_, Some(o)) => tokens.push(format!("org:{o}")),
            _ => {}
        }
    }
    tokens.sort();
    tokens.dedup();
    tokens
}
