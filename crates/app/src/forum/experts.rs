//! Directory experts on forum threads: linked by the asker or an
//! orchestrator, and suggested by the search index from the thread's text,
//! with the expertise tags that matched as the reason. A linked expert is
//! told by email and, on a closed thread, becomes a participant.

use super::get;
use crate::{
    App, AppError, directory,
    policy::{self, Action, Principal},
    search,
};
use kimppa_domain::UserId;
use kimppa_store::entities::{expert, forum_participant, forum_thread, forum_thread_expert, organisation, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// An expert as the thread shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertRef {
    pub expert_id: i32,
    pub name: String,
    pub org: String,
    /// Expertise tags that also appear in the thread (for suggestions).
    pub reasons: Vec<String>,
}

/// Which listed experts [`refs`] reads.
enum Listed<'a> {
    All,
    Ids(&'a [i32]),
}

/// Listed experts of approved organisations — every one, or those among
/// `ids` in that order (two queries).
async fn refs(app: &App, which: Listed<'_>) -> Result<Vec<(ExpertRef, expert::Model)>, AppError> {
    let mut q = expert::Entity::find().find_also_related(user::Entity).filter(expert::Column::Listed.eq(true));
    let ids: Vec<i32> = match which {
        Listed::All => vec![],
        Listed::Ids([]) => return Ok(vec![]),
        Listed::Ids(ids) => {
            q = q.filter(expert::Column::Id.is_in(ids.to_vec()));
            ids.to_vec()
        }
    };
    let rows = q.order_by_asc(expert::Column::Id).all(&app.db).await?;
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|(e, _)| e.org_id).collect::<Vec<_>>()))
        .filter(organisation::Column::MembershipStatus.eq(kimppa_domain::MembershipStatus::Approved))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let found: Vec<(ExpertRef, expert::Model)> = rows
        .into_iter()
        .filter_map(|(e, u)| {
            let o = orgs.get(&e.org_id)?;
            let r = ExpertRef { expert_id: e.id, name: u?.name, org: o.name.clone(), reasons: vec![] };
            Some((r, e))
        })
        .collect();
    if ids.is_empty() {
        return Ok(found);
    }
    let mut by_id: HashMap<i32, (ExpertRef, expert::Model)> = found.into_iter().map(|x| (x.1.id, x)).collect();
    Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
}

/// Experts linked to a thread the viewer sees.
pub async fn linked(app: &App, thread: &forum_thread::Model) -> Result<Vec<ExpertRef>, AppError> {
    let ids: Vec<i32> = forum_thread_expert::Entity::find()
        .filter(forum_thread_expert::Column::ThreadId.eq(thread.id))
        .order_by_asc(forum_thread_expert::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|l| l.expert_id)
        .collect();
    Ok(refs(app, Listed::Ids(&ids)).await?.into_iter().map(|(r, _)| r).collect())
}

/// How many suggestions are offered at most.
const SUGGESTIONS: usize = 5;
/// A suggestion scores at least this share of the best one.
const MIN_SHARE: f64 = 0.6;

/// Experts whose tags and bio are like the thread, best first, not yet
/// linked; for the asker and staff.
pub async fn suggest(app: &App, actor: &Principal, thread_id: i32) -> Result<Vec<ExpertRef>, AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    let already: Vec<i32> = forum_thread_expert::Entity::find()
        .filter(forum_thread_expert::Column::ThreadId.eq(thread.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|l| l.expert_id)
        .collect();
    for_text(app, &format!("{} {}", thread.title, thread.body), thread.author_id, &already).await
}

/// Experts whose expertise fits `text`, best first, leaving out `author`
/// and the experts `already` linked: the search index's resemblance of
/// their tags and bio, together with what sets each apart among the
/// listed experts (the thread's rarer words in their tags and bio); only
/// those near the best are offered. A fixed number of queries.
pub async fn for_text(app: &App, text: &str, author: i32, already: &[i32]) -> Result<Vec<ExpertRef>, AppError> {
    let q = kimppa_search::SearchQuery {
        text: text.to_string(),
        lang: "fi".into(),
        filters: vec![("kind".into(), "expert".into())],
        visibility: vec!["public".into()],
        offset: 0,
        limit: 200,
        any_word: true,
    };
    let found: HashMap<i32, f64> = app
        .search
        .keys(&q)
        .map_err(AppError::internal)?
        .into_iter()
        .filter_map(|(k, score)| Some((k.strip_prefix("expert:")?.parse().ok()?, score as f64)))
        .collect();
    let top = found.values().copied().fold(0.0, f64::max);
    let pool: Vec<(ExpertRef, expert::Model)> = refs(app, Listed::All)
        .await?
        .into_iter()
        .filter(|(_, e)| e.user_id != author && !already.contains(&e.id))
        .collect();
    // An expert's own words, and what their organisation offers.
    let mut offers: HashMap<i32, String> = HashMap::new();
    for s in kimppa_store::entities::service::Entity::find()
        .filter(kimppa_store::entities::service::Column::Status.eq(kimppa_domain::ServiceStatus::Published))
        .filter(
            kimppa_store::entities::service::Column::OwnerOrgId
                .is_in(pool.iter().map(|(_, e)| e.org_id).collect::<Vec<_>>()),
        )
        .all(&app.db)
        .await?
    {
        let t = offers.entry(s.owner_org_id).or_default();
        t.push_str(&format!(" {} {}", s.title_fi, s.description_fi));
    }
    let docs: Vec<(i64, String)> = pool
        .iter()
        .map(|(_, e)| {
            let org = offers.get(&e.org_id).map(String::as_str).unwrap_or_default();
            (e.id as i64, format!("{} {} {} {org}", e.tags, e.bio_fi, e.bio_en))
        })
        .collect();
    let apart = kimppa_matchmaking::distinguishing(text, &docs);
    let mut scored: Vec<(f64, ExpertRef, expert::Model)> = pool
        .into_iter()
        .map(|(r, e)| {
            let index = if top > 0.0 { found.get(&e.id).copied().unwrap_or(0.0) / top } else { 0.0 };
            ((index + apart.get(&(e.id as i64)).copied().unwrap_or(0.0)) / 2.0, r, e)
        })
        .filter(|(s, _, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.id.cmp(&b.2.id)));
    // Only those near the best: a few that fit rather than five.
    let best = scored.first().map(|(s, _, _)| *s).unwrap_or(0.0);
    let lowered = text.to_lowercase();
    Ok(scored
        .into_iter()
        .filter(|(s, _, _)| *s >= best * MIN_SHARE)
        .take(SUGGESTIONS)
        .map(|(_, mut r, e)| {
            r.reasons =
                directory::list(&e.tags).into_iter().filter(|t| stem_in(&lowered, t)).map(str::to_string).collect();
            r
        })
        .collect())
}

/// A tag "appears" in the text when the text has a word starting with the
/// tag's first five letters (Finnish inflects the ending).
fn stem_in(text: &str, tag: &str) -> bool {
    let tag = tag.to_lowercase();
    let head: String = tag.chars().take(5).collect();
    !head.is_empty() && text.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with(&head) || w.contains(&tag))
}

/// Links an expert to a thread; the expert is told, and on a closed thread
/// also invited.
pub async fn link(app: &App, actor: &Principal, thread_id: i32, expert_id: i32) -> Result<(), AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    let uid = crate::policy::user_id(actor)?;
    let (_, e) =
        refs(app, Listed::Ids(&[expert_id])).await?.pop().ok_or(AppError::field("expert", "err-unknown-value"))?;
    let exists = forum_thread_expert::Entity::find()
        .filter(forum_thread_expert::Column::ThreadId.eq(thread.id))
        .filter(forum_thread_expert::Column::ExpertId.eq(e.id))
        .one(&app.db)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let person = user::Entity::find_by_id(e.user_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    forum_thread_expert::ActiveModel {
        thread_id: Set(thread.id),
        expert_id: Set(e.id),
        linked_by: Set(uid.0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    if thread.closed {
        forum_participant::ActiveModel {
            thread_id: Set(thread.id),
            user_id: Set(Some(e.user_id)),
            org_id: Set(None),
            invited_by: Set(uid.0),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        search::touch(&tx, "thread", &[thread.id]).await?;
    }
    let link = app.url(&format!("/fi/forum/threads/{}", thread.id));
    super::notifications::direct(&tx, &[e.user_id], &thread, "expert", uid.0).await?;
    super::watching::subscribe(&tx, e.user_id, super::watching::Target::Thread(thread.id)).await?;
    crate::email::queue(
        &tx,
        &person.email,
        &format!("Asiantuntemustasi kaivataan: {} / Your expertise is asked for", thread.title),
        &format!(
            "Sinut on liitetty asiantuntijaksi keskusteluun \"{title}\" Kimppa-foorumilla:\n{link}\n\n\
             You have been linked as an expert to the discussion \"{title}\" on the Kimppa forum:\n{link}\n",
            title = thread.title
        ),
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// The expert profile of the person with this email, if they have one.
pub async fn by_email(app: &App, email: &str) -> Result<Option<i32>, AppError> {
    let Some(u) = user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(&app.db).await?
    else {
        return Ok(None);
    };
    Ok(expert::Entity::find().filter(expert::Column::UserId.eq(u.id)).one(&app.db).await?.map(|e| e.id))
}

/// Removes an expert from a thread (a participant stays invited).
pub async fn unlink(app: &App, actor: &Principal, thread_id: i32, expert_id: i32) -> Result<(), AppError> {
    let thread = get(app, actor, thread_id).await?;
    policy::require(actor, Action::ManageForumThread { author: UserId(thread.author_id) })?;
    forum_thread_expert::Entity::delete_many()
        .filter(forum_thread_expert::Column::ThreadId.eq(thread.id))
        .filter(forum_thread_expert::Column::ExpertId.eq(expert_id))
        .exec(&app.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_match_inflected_words() {
        let text = "kuka ottaa kipsijätettä ja purkumateriaaleja vastaan?";
        assert!(super::stem_in(text, "kipsijäte"));
        assert!(super::stem_in(text, "purkumateriaalit"));
        assert!(!super::stem_in(text, "biokaasu"));
    }
}
