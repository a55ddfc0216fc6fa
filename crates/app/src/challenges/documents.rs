//! Search documents of challenges and kimppas.

use crate::{
    App, AppError,
    search::documents::{PUBLIC, Which, doc, facets, fetch, plain},
};
use kimppa_domain::ChallengeStatus;
use kimppa_domain::ChallengeVisibility;
use kimppa_search::Doc;
use kimppa_store::entities::{challenge, challenge_invite, kimppa, kimppa_member};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.documents.add("challenge", |app, which| Box::pin(async move { challenges(&app, &which).await }));
    h.documents.add("kimppa", |app, which| Box::pin(async move { kimppas(&app, &which).await }));
}

/// Published and closed challenges (never drafts), with the visibility
/// tokens of [`crate::challenges::visibility`]: `public`; members only:
/// `member`, the owner organisation and staff; invited only: the invited
/// organisations, the owner organisation and staff.
async fn challenges(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = challenge::Entity::find().filter(challenge::Column::Status.ne(ChallengeStatus::Draft));
    let rows = fetch(app, q, challenge::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let mut invited: HashMap<i32, Vec<i32>> = HashMap::new();
    for i in fetch(app, challenge_invite::Entity::find(), challenge_invite::Column::ChallengeId, which).await? {
        invited.entry(i.challenge_id).or_default().push(i.org_id);
    }
    let orgs = crate::people::org_names(app, rows.iter().map(|c| c.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let org = orgs.get(&c.org_id).map(|o| o.name.clone()).unwrap_or_default();
            let body = format!("{} {} {} {}", plain(&c.description), plain(&c.context), c.impact, org);
            let mut d =
                doc("challenge", c.id, format!("/challenges/{}", c.id), (&c.title, &c.title), (body, String::new()));
            d.facets = facets(&[], &[("focus", &c.focus_areas)]);
            d.visibility = match c.visibility {
                ChallengeVisibility::Public => vec![PUBLIC.into()],
                ChallengeVisibility::Members => vec!["staff".into(), format!("org:{}", c.org_id), "member".into()],
                ChallengeVisibility::Invited => {
                    let mut t = vec!["staff".to_string(), format!("org:{}", c.org_id)];
                    t.extend(invited.remove(&c.id).unwrap_or_default().into_iter().map(|o| format!("org:{o}")));
                    t
                }
            };
            d
        })
        .collect())
}

/// Published kimppas, with their members' names.
async fn kimppas(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = kimppa::Entity::find().filter(kimppa::Column::Published.eq(true));
    let rows = fetch(app, q, kimppa::Column::Id, which).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let confirmed = kimppa_member::Entity::find().filter(kimppa_member::Column::ConfirmedAt.is_not_null());
    let members =
        fetch(app, confirmed, kimppa_member::Column::KimppaId, &Which::Ids(rows.iter().map(|k| k.id).collect()))
            .await?;
    let names = crate::people::org_names(app, members.iter().map(|m| m.org_id)).await?;
    let mut who: HashMap<i32, Vec<String>> = HashMap::new();
    for m in members {
        if let Some(o) = names.get(&m.org_id) {
            who.entry(m.kimppa_id).or_default().push(o.name.clone());
        }
    }
    Ok(rows
        .into_iter()
        .map(|k| {
            let body = format!(
                "{} {} {}",
                plain(&k.problem),
                plain(&k.value_proposition),
                who.remove(&k.id).unwrap_or_default().join(", ")
            );
            doc("kimppa", k.id, format!("/kimppas/{}", k.slug), (&k.name, &k.name), (body, String::new()))
        })
        .collect())
}
