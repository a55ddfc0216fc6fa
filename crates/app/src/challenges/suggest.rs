//! Suggested partners for a challenge: approved member organisations that
//! could fill the roles still missing, ranked by the matchmaking crate
//! (role fit from their services' offering types or their type, shared
//! focus areas, text similarity through the search index, the same
//! municipality, earlier kimppas together), each with its reasons.

use super::{Viewer, get, may_manage, roles_of};
use crate::{App, AppError, directory::list as split_list, policy::Actor};
use kimppa_domain::{OfferingType, PartnerRole};
use kimppa_matchmaking::{Candidate, Fit, Need, Reason, Weights};
use kimppa_store::entities::{challenge_response, kimppa_member, organisation, service};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Suggestions shown at a time.
pub const LIMIT: usize = 8;

/// A suggested organisation with the parts of its score.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub org: organisation::Model,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The roles an organisation fills, from what it offers and what it is.
pub fn fits(org_type: &str, offerings: &HashSet<String>) -> Vec<(String, Fit)> {
    let mut out = Vec::new();
    for role in PartnerRole::ALL {
        if role.offerings().iter().any(|o| offerings.contains(o.key())) {
            out.push((role.key().to_string(), Fit::Offering));
        } else if role.org_types().iter().any(|t| t.key() == org_type) {
            out.push((role.key().to_string(), Fit::OrgType));
        }
    }
    out
}

/// For the challenge's owners and staff. A fixed number of queries.
pub async fn for_challenge(
    app: &App,
    actor: &Actor,
    v: &Viewer,
    challenge_id: i32,
) -> Result<Vec<Suggestion>, AppError> {
    let c = get(app, v, challenge_id).await?;
    if !may_manage(app, actor, c.org_id).await? {
        return Ok(vec![]);
    }
    let responses = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .all(&app.db)
        .await?;
    let filled: HashSet<String> = responses.iter().filter(|r| r.status == "accepted").map(|r| r.role.clone()).collect();
    let answered: HashSet<i32> = responses.iter().filter_map(|r| r.org_id).collect();
    let need = Need {
        roles: roles_of(&c).into_iter().map(|r| r.key().to_string()).filter(|r| !filled.contains(r)).collect(),
        focus: split_list(&c.focus_areas).into_iter().map(str::to_string).collect(),
        region: organisation::Entity::find_by_id(c.org_id).one(&app.db).await?.map(|o| o.municipality),
    };
    if need.roles.is_empty() {
        return Ok(vec![]);
    }
    let (pool, orgs) = candidates(app, &c.title, &c.description, c.org_id).await?;
    let pool: Vec<Candidate> =
        pool.into_iter().filter(|p| p.id != c.org_id as i64 && !answered.contains(&(p.id as i32))).collect();
    let by_id: HashMap<i64, &organisation::Model> = orgs.values().map(|o| (o.id as i64, o)).collect();
    Ok(kimppa_matchmaking::rank(&need, &pool, &Weights::default(), LIMIT)
        .into_iter()
        .filter_map(|(cand, s)| {
            by_id.get(&cand.id).map(|o| Suggestion { org: (*o).clone(), score: s.total, reasons: s.reasons })
        })
        .collect())
}

/// A suggested expert with the parts of the score.
#[derive(Debug, Clone)]
pub struct ExpertSuggestion {
    pub expert_id: i32,
    pub name: String,
    pub org: String,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Listed experts of approved organisations (other than the challenge's)
/// for the roles still missing: an expert fills the roles their
/// organisation's services fill; their own focus areas and texts (through
/// the search index) count. For the challenge's owners and staff; a fixed
/// number of queries.
pub async fn experts_for_challenge(
    app: &App,
    actor: &Actor,
    v: &Viewer,
    challenge_id: i32,
) -> Result<Vec<ExpertSuggestion>, AppError> {
    let c = get(app, v, challenge_id).await?;
    if !may_manage(app, actor, c.org_id).await? {
        return Ok(vec![]);
    }
    let responses = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .all(&app.db)
        .await?;
    let accepted: HashSet<String> =
        responses.iter().filter(|r| r.status == "accepted").map(|r| r.role.clone()).collect();
    // Experts of organisations that answered already, and those who answered themselves, are not suggested.
    let answered_orgs: HashSet<i32> = responses.iter().filter_map(|r| r.org_id).collect();
    let answered_people: HashSet<i32> = responses.iter().map(|r| r.user_id).collect();
    let need = Need {
        roles: roles_of(&c).into_iter().map(|r| r.key().to_string()).filter(|r| !accepted.contains(r)).collect(),
        focus: split_list(&c.focus_areas).into_iter().map(str::to_string).collect(),
        region: None,
    };
    if need.roles.is_empty() {
        return Ok(vec![]);
    }
    let (orgs_pool, orgs) = candidates(app, &c.title, &c.description, c.org_id).await?;
    let fits_of: HashMap<i64, Vec<(String, Fit)>> = orgs_pool.into_iter().map(|p| (p.id, p.roles)).collect();
    let experts = kimppa_store::entities::expert::Entity::find()
        .filter(kimppa_store::entities::expert::Column::Listed.eq(true))
        .filter(kimppa_store::entities::expert::Column::OrgId.ne(c.org_id))
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|e| {
            orgs.contains_key(&e.org_id) && !answered_orgs.contains(&e.org_id) && !answered_people.contains(&e.user_id)
        })
        .collect::<Vec<_>>();
    let similarity = similarity(app, "expert", &format!("{} {}", c.title, c.description))?;
    let pool: Vec<Candidate> = experts
        .iter()
        .map(|e| Candidate {
            id: e.id as i64,
            org_type: String::new(),
            municipality: None,
            region: None,
            roles: fits_of.get(&(e.org_id as i64)).cloned().unwrap_or_default(),
            focus: split_list(&e.focus_areas).into_iter().map(str::to_string).collect(),
            text: similarity.get(&e.id).copied().unwrap_or(0.0),
            cooperations: 0,
        })
        .collect();
    let names = crate::forum::names(app, experts.iter().map(|e| e.user_id).collect()).await?;
    let by_id: HashMap<i64, &kimppa_store::entities::expert::Model> =
        experts.iter().map(|e| (e.id as i64, e)).collect();
    Ok(kimppa_matchmaking::rank(&need, &pool, &Weights::default(), EXPERT_LIMIT)
        .into_iter()
        .filter_map(|(cand, s)| {
            let e = by_id.get(&cand.id)?;
            Some(ExpertSuggestion {
                expert_id: e.id,
                name: names.get(&e.user_id).cloned().unwrap_or_default(),
                org: orgs.get(&e.org_id).map(|o| o.name.clone()).unwrap_or_default(),
                score: s.total,
                reasons: s.reasons,
            })
        })
        .collect())
}

/// Text similarity of the public documents of `kind` to `text`, 0 to 1:
/// each one's place among the search index's first 50 ("any word" mode).
fn similarity(app: &App, kind: &str, text: &str) -> Result<HashMap<i32, f64>, AppError> {
    let q = kimppa_search::SearchQuery {
        text: text.to_string(),
        lang: "fi".into(),
        filters: vec![("kind".into(), kind.into())],
        visibility: vec!["public".into()],
        offset: 0,
        limit: 50,
        any_word: true,
    };
    let prefix = format!("{kind}:");
    let ranked: Vec<i32> = app
        .search
        .keys(&q)
        .map_err(AppError::internal)?
        .into_iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.parse().ok())
        .collect();
    let n = ranked.len().max(1) as f64;
    Ok(ranked.iter().enumerate().map(|(i, id)| (*id, 1.0 - i as f64 / n)).collect())
}

/// Expert suggestions shown at a time.
pub const EXPERT_LIMIT: usize = 5;

/// Every approved organisation as a candidate (with its role fits, focus
/// areas, the similarity of its texts to `title` and `text` through the
/// search index, and its earlier kimppas with `asker`), and the
/// organisations by id. A fixed number of queries.
pub async fn candidates(
    app: &App,
    title: &str,
    text: &str,
    asker: i32,
) -> Result<(Vec<Candidate>, HashMap<i32, organisation::Model>), AppError> {
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq("approved"))
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let mut offers: HashMap<i32, HashSet<String>> = HashMap::new();
    for o in &orgs {
        offers.insert(o.id, split_list(&o.offering_types).into_iter().map(str::to_string).collect());
    }
    let services: Vec<(i32, String)> = service::Entity::find()
        .select_only()
        .columns([service::Column::OwnerOrgId, service::Column::OfferingType])
        .filter(service::Column::Status.eq("published"))
        .into_tuple()
        .all(&app.db)
        .await?;
    for (org, offering) in services {
        if OfferingType::parse(&offering).is_ok() {
            offers.entry(org).or_default().insert(offering);
        }
    }
    // Earlier kimppas together with the challenge's organisation.
    let memberships = kimppa_member::Entity::find().all(&app.db).await?;
    let ours: HashSet<i32> = memberships.iter().filter(|m| m.org_id == asker).map(|m| m.kimppa_id).collect();
    let mut together: HashMap<i32, u32> = HashMap::new();
    for m in memberships.iter().filter(|m| ours.contains(&m.kimppa_id) && m.org_id != asker) {
        *together.entry(m.org_id).or_default() += 1;
    }
    let similarity = similarity(app, "organisation", &format!("{title} {text}"))?;
    let pool: Vec<Candidate> = orgs
        .iter()
        .map(|o| Candidate {
            id: o.id as i64,
            org_type: o.org_type.clone(),
            municipality: Some(o.municipality.clone()),
            region: Some(o.municipality.clone()),
            roles: fits(&o.org_type, offers.get(&o.id).unwrap_or(&HashSet::new())),
            focus: split_list(&o.focus_areas).into_iter().map(str::to_string).collect(),
            text: similarity.get(&o.id).copied().unwrap_or(0.0),
            cooperations: together.get(&o.id).copied().unwrap_or(0),
        })
        .collect();
    Ok((pool, orgs.into_iter().map(|o| (o.id, o)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_come_from_offerings_then_from_the_organisation_type() {
        let offers: HashSet<String> = ["resource-recovery".to_string(), "logistics".to_string()].into();
        let f = fits("research", &offers);
        assert!(f.contains(&("recycler".into(), Fit::Offering)));
        assert!(f.contains(&("logistics".into(), Fit::Offering)));
        assert!(f.contains(&("research-partner".into(), Fit::OrgType)));
        assert!(!f.iter().any(|(r, _)| r == "funder"));
    }
}
