//! Who may see which thread — the one place. A thread that is not closed
//! (and not a first post waiting for approval, seen by its author and
//! staff only) is public; a closed thread is seen by its author, the people invited to
//! it, every member of an organisation invited to it, and staff who passed
//! the second factor. Lists, counts, single reads, replies, feeds, the API
//! and search documents all use [`condition`] or [`search_tokens`].

use crate::policy::{self, Principal};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_store::entities::{forum_participant, forum_post, forum_thread};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

/// The SQL condition on `forum_threads` for what `p` may see.
pub fn condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let mut any = Condition::any()
        .add(Condition::all().add(forum_thread::Column::Closed.eq(false)).add(forum_thread::Column::Pending.eq(false)));
    if let Some(uid) = p.user_id() {
        let mut invited = Condition::any().add(forum_participant::Column::UserId.eq(uid));
        if !p.memberships().is_empty() {
            invited = invited.add(forum_participant::Column::OrgId.is_in(p.org_ids()));
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
pub fn sees(t: &forum_thread::Model, participants: &[forum_participant::Model], p: &Principal) -> bool {
    if policy::is_staff(p) {
        return true;
    }
    if !t.closed && !t.pending {
        return true;
    }
    let Some(uid) = p.user_id() else { return false };
    if UserId(t.author_id) == uid {
        return true;
    }
    if t.pending {
        return false;
    }
    participants.iter().any(|x| x.user_id == Some(uid.0) || x.org_id.is_some_and(|o| p.in_org(OrgId(o))))
}

/// Of the replies of a thread `p` sees, those `p` sees: a reply waiting
/// for approval is seen only by its author and staff.
pub fn replies_condition(p: &Principal) -> Condition {
    if policy::is_staff(p) {
        return Condition::all();
    }
    let mut c = Condition::any().add(forum_post::Column::Pending.eq(false));
    if let Some(uid) = p.user_id() {
        c = c.add(forum_post::Column::AuthorId.eq(uid));
    }
    c
}

/// The in-memory twin of [`replies_condition`].
pub fn sees_reply(p: &Principal, post: &forum_post::Model) -> bool {
    policy::is_staff(p) || !post.pending || p.user_id() == Some(UserId(post.author_id))
}

/// Whether `p` may open the files of a reply: one they see, and of a
/// hidden reply (whose text is shown only to staff) staff alone.
pub fn sees_reply_files(p: &Principal, post: &forum_post::Model) -> bool {
    sees_reply(p, post) && (!post.hidden || policy::is_staff(p))
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
