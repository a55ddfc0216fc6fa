//! "My organisation": everything a signed-in person's organisations have in
//! the platform and what waits for them — their challenges and the new
//! responses, their responses to others' challenges, their listings with
//! matches and the deals to confirm, their partner searches, kimppas
//! (invitations to confirm), the contacts they received — in a fixed number
//! of queries whatever the data size, each list the most recent
//! [`PER_LIST`]. Only the person's own organisations are read; what only
//! an organisation's admins may see (searches, contacts, deals to confirm)
//! is asked of `policy`.

use crate::{
    App, AppError,
    materials::{matching, outcomes},
    policy::{self, Action, Principal},
};
use kimppa_domain::{ChallengeStatus, LeadStatus, ListingStatus, OrgId, ResponseStatus, SearchStatus};
use kimppa_store::entities::{
    challenge, challenge_response, contact_request, kimppa, kimppa_member, listing, organisation, partner_search,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Items of each kind shown per organisation at most (the full lists are a link away).
pub const PER_LIST: usize = 10;
/// Rows read per kind at most, across the person's organisations.
const READ: u64 = 200;

/// One challenge of the organisation with its responses.
#[derive(Debug, Clone)]
pub struct OwnChallenge {
    pub c: challenge::Model,
    pub responses: usize,
    /// Submitted responses nobody has decided on yet.
    pub undecided: usize,
}

/// One of the organisation's responses to another organisation's challenge.
#[derive(Debug, Clone)]
pub struct OwnResponse {
    pub r: challenge_response::Model,
    pub challenge_title: String,
}

/// One of the organisation's kimppas.
#[derive(Debug, Clone)]
pub struct OwnKimppa {
    pub k: kimppa::Model,
    pub member: kimppa_member::Model,
}

/// An organisation's part of the overview.
#[derive(Debug, Clone)]
pub struct OrgOverview {
    pub org: organisation::Model,
    /// The person administers it.
    pub admin: bool,
    pub challenges: Vec<OwnChallenge>,
    pub responses: Vec<OwnResponse>,
    /// Open and draft listings with their match counts.
    pub listings: Vec<(listing::Model, i64)>,
    /// Deals another organisation recorded with this one, to confirm (admins).
    pub deals: Vec<outcomes::Deal>,
    /// Partner searches (admins).
    pub searches: Vec<partner_search::Model>,
    pub kimppas: Vec<OwnKimppa>,
    /// Contacts received and not answered yet (admins).
    pub leads: Vec<contact_request::Model>,
}

impl OrgOverview {
    /// How many things wait for the organisation: undecided responses, deals
    /// to confirm, kimppa invitations to confirm, unanswered contacts.
    pub fn waiting(&self) -> usize {
        self.challenges.iter().map(|c| c.undecided).sum::<usize>()
            + self.deals.len()
            + self.kimppas.iter().filter(|k| k.member.confirmed_at.is_none()).count()
            + self.leads.len()
    }
}

fn cap<T>(mut v: Vec<T>) -> Vec<T> {
    v.truncate(PER_LIST);
    v
}

/// The overview of every organisation `actor` belongs to (none for others).
pub async fn overview(app: &App, actor: &Principal) -> Result<Vec<OrgOverview>, AppError> {
    let ids: Vec<i32> = actor.org_ids().into_iter().map(|o| o.0).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let admin_of: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|o| policy::allowed(actor, Action::ViewOrganisationLeads { org: OrgId(*o) }))
        .collect();
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.clone()))
        .order_by_asc(organisation::Column::Name)
        .all(&app.db)
        .await?;
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::OrgId.is_in(ids.clone()))
        .filter(challenge::Column::Status.ne(ChallengeStatus::Closed))
        .order_by_desc(challenge::Column::UpdatedAt)
        .limit(READ)
        .all(&app.db)
        .await?;
    let response_states: Vec<(i32, ResponseStatus)> = if challenges.is_empty() {
        vec![]
    } else {
        challenge_response::Entity::find()
            .select_only()
            .columns([challenge_response::Column::ChallengeId, challenge_response::Column::Status])
            .filter(challenge_response::Column::ChallengeId.is_in(challenges.iter().map(|c| c.id).collect::<Vec<_>>()))
            .into_tuple()
            .all(&app.db)
            .await?
    };
    let own_responses = challenge_response::Entity::find()
        .filter(challenge_response::Column::OrgId.is_in(ids.clone()))
        .order_by_desc(challenge_response::Column::CreatedAt)
        .limit(READ)
        .all(&app.db)
        .await?;
    let titles: HashMap<i32, String> = if own_responses.is_empty() {
        HashMap::new()
    } else {
        challenge::Entity::find()
            .select_only()
            .columns([challenge::Column::Id, challenge::Column::Title])
            .filter(challenge::Column::Id.is_in(own_responses.iter().map(|r| r.challenge_id).collect::<Vec<_>>()))
            .into_tuple::<(i32, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect()
    };
    let listings = listing::Entity::find()
        .filter(listing::Column::OrgId.is_in(ids.clone()))
        .filter(listing::Column::Status.is_in([ListingStatus::Published, ListingStatus::Draft]))
        .order_by_desc(listing::Column::UpdatedAt)
        .limit(READ)
        .all(&app.db)
        .await?;
    let match_counts = matching::counts(app, &listings.iter().map(|l| l.id).collect::<Vec<_>>()).await?;
    let deals = outcomes::waiting_for(app, actor).await?;
    let searches = if admin_of.is_empty() {
        vec![]
    } else {
        partner_search::Entity::find()
            .filter(partner_search::Column::OrgId.is_in(admin_of.clone()))
            .filter(partner_search::Column::Status.eq(SearchStatus::Open))
            .order_by_desc(partner_search::Column::UpdatedAt)
            .limit(READ)
            .all(&app.db)
            .await?
    };
    let memberships = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::OrgId.is_in(ids.clone()))
        .order_by_desc(kimppa_member::Column::CreatedAt)
        .limit(READ)
        .all(&app.db)
        .await?;
    let kimppas: HashMap<i32, kimppa::Model> = if memberships.is_empty() {
        HashMap::new()
    } else {
        kimppa::Entity::find()
            .filter(kimppa::Column::Id.is_in(memberships.iter().map(|m| m.kimppa_id).collect::<Vec<_>>()))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|k| (k.id, k))
            .collect()
    };
    let leads = if admin_of.is_empty() {
        vec![]
    } else {
        contact_request::Entity::find()
            .filter(contact_request::Column::ToOrgId.is_in(admin_of.clone()))
            .filter(contact_request::Column::Status.eq(LeadStatus::New))
            .order_by_desc(contact_request::Column::CreatedAt)
            .limit(READ)
            .all(&app.db)
            .await?
    };
    let mut states: HashMap<i32, (usize, usize)> = HashMap::new();
    for (c, s) in response_states {
        let e = states.entry(c).or_default();
        e.0 += 1;
        if s == ResponseStatus::Submitted {
            e.1 += 1;
        }
    }
    Ok(orgs
        .into_iter()
        .map(|org| {
            let id = org.id;
            OrgOverview {
                admin: admin_of.contains(&id),
                challenges: cap(challenges
                    .iter()
                    .filter(|c| c.org_id == id)
                    .map(|c| {
                        let (responses, undecided) = states.get(&c.id).copied().unwrap_or_default();
                        OwnChallenge { c: c.clone(), responses, undecided }
                    })
                    .collect()),
                responses: cap(own_responses
                    .iter()
                    .filter(|r| r.org_id == Some(id))
                    .map(|r| OwnResponse {
                        r: r.clone(),
                        challenge_title: titles.get(&r.challenge_id).cloned().unwrap_or_default(),
                    })
                    .collect()),
                listings: cap(listings
                    .iter()
                    .filter(|l| l.org_id == id)
                    .map(|l| (l.clone(), match_counts.get(&l.id).copied().unwrap_or(0)))
                    .collect()),
                deals: cap(deals.iter().filter(|d| d.other == id).cloned().collect()),
                searches: cap(searches.iter().filter(|s| s.org_id == id).cloned().collect()),
                kimppas: cap(memberships
                    .iter()
                    .filter(|m| m.org_id == id)
                    .filter_map(|m| Some(OwnKimppa { k: kimppas.get(&m.kimppa_id)?.clone(), member: m.clone() }))
                    .collect()),
                leads: cap(leads.iter().filter(|l| l.to_org_id == id).cloned().collect()),
                org,
            }
        })
        .collect())
}
