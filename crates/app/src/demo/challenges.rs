//! The challenges part of the demo: five challenges (a competition, a
//! members-only and an invited-only one among them) with responses in every
//! state, three kimppas (all published) with composition rules, and two
//! partner searches with shortlists (one waiting for the orchestrators'
//! help, one answered).

use super::directory::People;
use crate::{AppError, now};
use chrono::Duration;
use kimppa_domain::{ChallengeStatus, ChallengeVisibility, KimppaStatus, PartnerRole, ResponseStatus, SearchStatus};
use kimppa_store::entities::{
    challenge, challenge_invite, challenge_response, kimppa, kimppa_member, organisation, partner_search,
    partner_search_entry,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Deserialize;
use std::collections::HashMap;

const DATA: &str = include_str!("challenges.json");

#[derive(Deserialize)]
struct Data {
    challenges: Vec<ChallengeData>,
    kimppas: Vec<KimppaData>,
    searches: Vec<SearchData>,
}

#[derive(Deserialize)]
struct SearchData {
    org: String,
    by: String,
    title: String,
    offer_role: PartnerRole,
    offer: String,
    roles: String,
    focus: String,
    value: String,
    days_ago: i64,
    /// Empty, `requested` or `handled`.
    help: String,
    help_message: String,
    help_reply: String,
    /// (organisation, role).
    shortlist: Vec<(String, PartnerRole)>,
}

#[derive(Deserialize)]
struct ChallengeData {
    org: String,
    by: String,
    title: String,
    description: String,
    context: String,
    roles: String,
    focus: String,
    schedule: String,
    impact: String,
    visibility: ChallengeVisibility,
    #[serde(default)]
    invited: String,
    competition: bool,
    deadline_days: i64,
    criteria: String,
    featured: bool,
    days_ago: i64,
    responses: Vec<ResponseData>,
}

#[derive(Deserialize)]
struct ResponseData {
    by: String,
    org: String,
    role: PartnerRole,
    proposal: String,
    status: ResponseStatus,
    scores: Vec<u8>,
    message: String,
}

#[derive(Deserialize)]
struct KimppaData {
    name: String,
    challenge: usize,
    value: String,
    status: KimppaStatus,
    members: Vec<(String, PartnerRole)>,
    /// min partners, max partners, min SMEs, min research, min municipalities, required roles.
    rules: (i32, i32, i32, i32, i32, String),
}

/// Loads the challenges, kimppas and partner searches; returns
/// (challenges, kimppas).
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    people: &People,
    orgs: &HashMap<String, organisation::Model>,
    orchestrator: i32,
) -> Result<(usize, usize), AppError> {
    let data: Data = serde_json::from_str(DATA).map_err(AppError::internal)?;
    let person = |email: &str| -> Result<i32, AppError> {
        people.get(email).map(|p| p.0).ok_or_else(|| AppError::fail(format!("demo challenges: unknown person {email}")))
    };
    let org = |slug: &str| -> Result<&organisation::Model, AppError> {
        orgs.get(slug).ok_or_else(|| AppError::fail(format!("demo challenges: unknown organisation {slug}")))
    };
    let mut ids = Vec::new();
    for c in &data.challenges {
        let at = now() - Duration::days(c.days_ago);
        let row = challenge::ActiveModel {
            org_id: Set(org(&c.org)?.id),
            created_by: Set(person(&c.by)?),
            title: Set(c.title.clone()),
            description: Set(c.description.clone()),
            context: Set(c.context.clone()),
            roles: Set(c.roles.clone()),
            focus_areas: Set(c.focus.clone()),
            schedule: Set(c.schedule.clone()),
            impact: Set(c.impact.clone()),
            visibility: Set(c.visibility),
            competition: Set(c.competition),
            deadline: Set(c.competition.then(|| now() + Duration::days(c.deadline_days))),
            criteria: Set(c.criteria.clone()),
            status: Set(ChallengeStatus::Published),
            featured: Set(c.featured),
            created_at: Set(at),
            updated_at: Set(at),
            published_at: Set(Some(at)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for slug in crate::directory::list(&c.invited) {
            challenge_invite::ActiveModel {
                challenge_id: Set(row.id),
                org_id: Set(org(slug)?.id),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        for (i, r) in c.responses.iter().enumerate() {
            let when = at + Duration::hours(6 + 20 * i as i64);
            let decided = matches!(r.status, ResponseStatus::Accepted | ResponseStatus::Declined);
            let mut scores: Vec<Option<u8>> = r.scores.iter().map(|s| Some(*s)).collect();
            scores.resize(crate::challenges::split_lines(&c.criteria).len(), None);
            challenge_response::ActiveModel {
                challenge_id: Set(row.id),
                user_id: Set(person(&r.by)?),
                org_id: Set(Some(org(&r.org)?.id)),
                role: Set(r.role),
                proposal: Set(r.proposal.clone()),
                status: Set(r.status),
                decision_message: Set(r.message.clone()),
                scores: Set(serde_json::to_string(&scores).map_err(AppError::internal)?),
                created_at: Set(when),
                decided_at: Set(decided.then_some(when + Duration::days(2))),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        ids.push(row.id);
    }
    for k in &data.kimppas {
        let challenge_id = *ids.get(k.challenge).ok_or_else(|| AppError::fail("demo kimppa: no such challenge"))?;
        let source = &data.challenges[k.challenge];
        let at = now() - Duration::days(source.days_ago) + Duration::days(3);
        let slug = kimppa_domain::Slug::from_name(&k.name).map_err(AppError::internal)?;
        let (min_p, max_p, smes, research, places, roles) = k.rules.clone();
        let row = kimppa::ActiveModel {
            slug: Set(slug.as_str().to_string()),
            name: Set(k.name.clone()),
            problem: Set(source.description.clone()),
            value_proposition: Set(k.value.clone()),
            status: Set(k.status),
            published: Set(true),
            challenge_id: Set(Some(challenge_id)),
            created_by: Set(person(&source.by)?),
            min_partners: Set(min_p),
            max_partners: Set(max_p),
            min_smes: Set(smes),
            min_research: Set(research),
            min_municipalities: Set(places),
            required_roles: Set(roles),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (slug, role) in &k.members {
            kimppa_member::ActiveModel {
                kimppa_id: Set(row.id),
                org_id: Set(org(slug)?.id),
                role: Set(*role),
                created_at: Set(at),
                confirmed_at: Set(Some(at)),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    for s in &data.searches {
        let at = now() - Duration::days(s.days_ago);
        let by = person(&s.by)?;
        let asked = (!s.help.is_empty()).then(|| at + Duration::days(2));
        let row = partner_search::ActiveModel {
            org_id: Set(org(&s.org)?.id),
            created_by: Set(by),
            title: Set(s.title.clone()),
            offer_role: Set(s.offer_role),
            offer: Set(s.offer.clone()),
            roles: Set(s.roles.clone()),
            focus_areas: Set(s.focus.clone()),
            value_proposition: Set(s.value.clone()),
            status: Set(SearchStatus::Open),
            kimppa_id: Set(None),
            help_status: Set(s.help.clone()),
            help_message: Set(s.help_message.clone()),
            help_reply: Set(s.help_reply.clone()),
            help_requested_at: Set(asked),
            help_handled_by: Set((s.help == "handled").then_some(orchestrator)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (slug, role) in &s.shortlist {
            let o = org(slug)?;
            partner_search_entry::ActiveModel {
                search_id: Set(row.id),
                target: Set(format!("org:{}", o.id)),
                org_id: Set(o.id),
                expert_id: Set(None),
                role: Set(*role),
                added_by: Set(if s.help == "handled" { orchestrator } else { by }),
                contact_request_id: Set(None),
                created_at: Set(at + Duration::days(1)),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    Ok((data.challenges.len(), data.kimppas.len()))
}
