//! Suggested partners for a challenge: approved member organisations that
//! could fill the roles still missing, ranked by the matchmaking crate
//! (role fit from their services' offering types or their type, shared
//! focus areas, text similarity through the search index, the same
//! municipality, earlier kimppas together), each with its reasons.

use super::{get, may_manage, roles_of};
use crate::{App, AppError, directory::list as split_list, policy::Principal};
use kimppa_domain::ServiceStatus;
use kimppa_domain::{MembershipStatus, ResponseStatus};
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

/// What suggestions are asked for: the roles still missing, focus areas,
/// the asker's municipality and text, and who is left out (the asker's
/// organisation always).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub roles: Vec<String>,
    pub focus: Vec<String>,
    pub region: Option<String>,
    /// The problem or offer the candidates' texts are compared with.
    pub text: String,
    /// The asking organisation (left out; earlier kimppas with it count).
    pub asker: i32,
    /// Organisations left out, with their experts.
    pub skip_orgs: HashSet<i32>,
    /// People left out as experts.
    pub skip_people: HashSet<i32>,
    /// Experts left out (already chosen).
    pub skip_experts: HashSet<i32>,
}

/// Suggested organisations and experts.
#[derive(Debug, Clone, Default)]
pub struct Suggestions {
    pub orgs: Vec<Suggestion>,
    pub experts: Vec<ExpertSuggestion>,
}

/// For the challenge's owners and staff (nothing for others). A fixed
/// number of queries.
pub async fn for_challenge(app: &App, actor: &Principal, challenge_id: i32) -> Result<Suggestions, AppError> {
    let c = get(app, actor, challenge_id).await?;
    if !may_manage(actor, c.org_id) {
        return Ok(Suggestions::default());
    }
    let responses = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .all(&app.db)
        .await?;
    let filled: HashSet<PartnerRole> =
        responses.iter().filter(|r| r.status == ResponseStatus::Accepted).map(|r| r.role).collect();
    let wanted = Wanted {
        roles: roles_of(&c).into_iter().filter(|r| !filled.contains(r)).map(|r| r.key().to_string()).collect(),
        focus: split_list(&c.focus_areas).into_iter().map(str::to_string).collect(),
        region: None,
        text: format!("{} {}", c.title, c.description),
        asker: c.org_id,
        // Organisations that answered already (and their experts), and people who answered themselves.
        skip_orgs: responses.iter().filter_map(|r| r.org_id).collect(),
        skip_people: responses.iter().map(|r| r.user_id).collect(),
        skip_experts: HashSet::new(),
    };
    suggest(app, wanted).await
}

/// Approved organisations (other than the asker's and those left out) and
/// listed experts of approved organisations that could fill the wanted
/// roles, ranked by the matchmaking crate with their reasons. An expert
/// fills the roles their organisation's services fill; their own focus
/// areas and texts (through the search index) count. A fixed number of
/// queries.
pub async fn suggest(app: &App, mut w: Wanted) -> Result<Suggestions, AppError> {
    if w.roles.is_empty() {
        return Ok(Suggestions::default());
    }
    let (pool, orgs) = candidates(app, &w.text, w.asker).await?;
    if w.region.is_none() {
        w.region = orgs.get(&w.asker).map(|o| o.municipality.clone());
    }
    w.skip_orgs.insert(w.asker);
    let need = Need { roles: w.roles.clone(), focus: w.focus.clone(), region: w.region.clone() };
    let fits_of: HashMap<i64, Vec<(String, Fit)>> = pool.iter().map(|p| (p.id, p.roles.clone())).collect();
    let pool: Vec<Candidate> = pool.into_iter().filter(|p| !w.skip_orgs.contains(&(p.id as i32))).collect();
    let org_suggestions = kimppa_matchmaking::rank(&need, &pool, &Weights::default(), LIMIT)
        .into_iter()
        .filter_map(|(cand, s)| {
            orgs.get(&(cand.id as i32)).map(|o| Suggestion { org: o.clone(), score: s.total, reasons: s.reasons })
        })
        .collect();
    let experts = kimppa_store::entities::expert::Entity::find()
        .filter(kimppa_store::entities::expert::Column::Listed.eq(true))
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|e| {
            orgs.get(&e.org_id).is_some_and(|o| o.membership_status == MembershipStatus::Approved)
                && !w.skip_orgs.contains(&e.org_id)
                && !w.skip_people.contains(&e.user_id)
                && !w.skip_experts.contains(&e.id)
        })
        .collect::<Vec<_>>();
    let similarity = similarity(app, "expert", &w.text)?;
    let expert_pool: Vec<Candidate> = experts
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
    let names = crate::people::user_names(app, experts.iter().map(|e| e.user_id)).await?;
    let by_id: HashMap<i64, &kimppa_store::entities::expert::Model> =
        experts.iter().map(|e| (e.id as i64, e)).collect();
    let expert_need = Need { region: None, ..need };
    let expert_suggestions = kimppa_matchmaking::rank(&expert_need, &expert_pool, &Weights::default(), EXPERT_LIMIT)
        .into_iter()
        .filter_map(|(cand, s)| {
            let e = by_id.get(&cand.id)?;
            Some(ExpertSuggestion {
                expert_id: e.id,
                name: names.get(&e.user_id).cloned().unwrap_or_default(),
                org: orgs.get(&e.org_id).map(|o| o.name.clone()).unwrap_or_default(),
                org_id: e.org_id,
                score: s.total,
                reasons: s.reasons,
            })
        })
        .collect();
    Ok(Suggestions { orgs: org_suggestions, experts: expert_suggestions })
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

/// A suggested expert with the parts of the score.
#[derive(Debug, Clone)]
pub struct ExpertSuggestion {
    pub expert_id: i32,
    pub name: String,
    pub org: String,
    pub org_id: i32,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Expert suggestions shown at a time.
pub const EXPERT_LIMIT: usize = 5;

/// Every approved organisation as a candidate (with its role fits, focus
/// areas, the similarity of its texts to `text` through the search index,
/// and its earlier kimppas with `asker`), and the organisations by id (the
/// asker's too, whatever its standing). A fixed number of queries.
pub async fn candidates(
    app: &App,
    text: &str,
    asker: i32,
) -> Result<(Vec<Candidate>, HashMap<i32, organisation::Model>), AppError> {
    let (orgs, roles) = role_fits(app, asker).await?;
    // Earlier kimppas together with the challenge's organisation.
    let memberships =
        kimppa_member::Entity::find().filter(kimppa_member::Column::ConfirmedAt.is_not_null()).all(&app.db).await?;
    let ours: HashSet<i32> = memberships.iter().filter(|m| m.org_id == asker).map(|m| m.kimppa_id).collect();
    let mut together: HashMap<i32, u32> = HashMap::new();
    for m in memberships.iter().filter(|m| ours.contains(&m.kimppa_id) && m.org_id != asker) {
        *together.entry(m.org_id).or_default() += 1;
    }
    let similarity = similarity(app, "organisation", text)?;
    let pool: Vec<Candidate> = orgs
        .iter()
        .map(|o| Candidate {
            id: o.id as i64,
            org_type: o.org_type.to_string(),
            municipality: Some(o.municipality.clone()),
            region: Some(o.municipality.clone()),
            roles: roles.get(&o.id).cloned().unwrap_or_default(),
            focus: split_list(&o.focus_areas).into_iter().map(str::to_string).collect(),
            text: similarity.get(&o.id).copied().unwrap_or(0.0),
            cooperations: together.get(&o.id).copied().unwrap_or(0),
        })
        .collect();
    Ok((pool, orgs.into_iter().map(|o| (o.id, o)).collect()))
}

/// The roles each approved organisation (and the asker, whatever its
/// standing) fills, from what it offers — its declared offering types and
/// published services — and what it is (two queries).
pub async fn role_fits(
    app: &App,
    asker: i32,
) -> Result<(Vec<organisation::Model>, HashMap<i32, Vec<(String, Fit)>>), AppError> {
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                .add(organisation::Column::Id.eq(asker)),
        )
        .all(&app.db)
        .await?;
    let mut offers: HashMap<i32, HashSet<String>> = HashMap::new();
    for o in &orgs {
        offers.insert(o.id, split_list(&o.offering_types).into_iter().map(str::to_string).collect());
    }
    let services: Vec<(i32, String)> = service::Entity::find()
        .select_only()
        .columns([service::Column::OwnerOrgId, service::Column::OfferingType])
        .filter(service::Column::Status.eq(ServiceStatus::Published))
        .into_tuple()
        .all(&app.db)
        .await?;
    for (org, offering) in services {
        if OfferingType::parse(&offering).is_ok() {
            offers.entry(org).or_default().insert(offering);
        }
    }
    let roles =
        orgs.iter().map(|o| (o.id, fits(o.org_type.key(), offers.get(&o.id).unwrap_or(&HashSet::new())))).collect();
    Ok((orgs, roles))
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
