//! Suggested partners for a challenge: approved member organisations that
//! could fill the roles still missing, ranked by the matchmaking crate
//! (role fit from their services' offering types, their marketplace
//! listings or their type; shared focus areas; the similarity of their
//! texts to what the need says about the role, through the search index;
//! the same municipality; earlier kimppas together), each with its reasons.

use super::{get, may_manage, roles_of};
use crate::{App, AppError, directory::list as split_list, policy::Principal};
use kimppa_domain::{ListingKind, ListingStatus, ListingVisibility, ServiceStatus};
use kimppa_domain::{MembershipStatus, ResponseStatus};
use kimppa_domain::{OfferingType, OrgType, PartnerRole};
use kimppa_matchmaking::{Candidate, Fit, Need, Reason, Score, Weights};
use kimppa_store::entities::{challenge_response, kimppa_member, listing, organisation, service};
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

/// Whether an offering of an organisation of `org_type` shows that it
/// fills `role`: the role's offering types, except that a pilot site of an
/// anchor company, a municipality or a customer is a place to test, not a
/// research partner (research needs a research organisation, research
/// and education, or a company whose business is testing), and that
/// repairing or refurbishing products (life extension) is not technology:
/// it makes a technology provider only as a declaration (see [`fits`]).
fn offering_fills(role: PartnerRole, offering: &str, org_type: &str) -> bool {
    role.offerings().iter().any(|o| o.key() == offering)
        && !(role == PartnerRole::ResearchPartner
            && offering == OfferingType::TestingPiloting.key()
            && !matches!(org_type, "sme" | "research"))
        && !only_declares(role, offering)
}

/// An offering that shows a role only as much as a profile's word would.
fn only_declares(role: PartnerRole, offering: &str) -> bool {
    role == PartnerRole::TechnologyProvider && offering == OfferingType::LifeExtension.key()
}

/// The roles an organisation fills: from its published services (an
/// offering), what it is (its type), or only the offering types its
/// profile declares (or a service that shows the role no better). A
/// network (a cluster or an association) is the orchestrator of
/// partnerships, not a partner: it fills none.
pub fn fits(org_type: &str, services: &HashSet<String>, declared: &HashSet<String>) -> Vec<(String, Fit)> {
    let mut out = Vec::new();
    if org_type == OrgType::Network.key() {
        return out;
    }
    for role in PartnerRole::ALL {
        let key = role.key().to_string();
        if services.iter().any(|o| offering_fills(*role, o, org_type)) {
            out.push((key, Fit::Offering));
        } else if role.org_types().iter().any(|t| t.key() == org_type) {
            out.push((key, Fit::OrgType));
        } else if declared.iter().any(|o| offering_fills(*role, o, org_type))
            || declared.iter().chain(services).any(|o| only_declares(*role, o))
        {
            out.push((key, Fit::Declared));
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
    /// Every role the need asks for, filled or not (the text's words about
    /// the others are left out when looking for one); empty: `roles`.
    pub asked: Vec<String>,
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
        asked: roles_of(&c).into_iter().map(|r| r.key().to_string()).collect(),
        focus: split_list(&c.focus_areas).into_iter().map(str::to_string).collect(),
        region: None,
        text: format!("{}. {}", c.title, c.description),
        asker: c.org_id,
        // Organisations that answered already (and their experts), and people who answered themselves.
        skip_orgs: responses.iter().filter_map(|r| r.org_id).collect(),
        skip_people: responses.iter().map(|r| r.user_id).collect(),
        skip_experts: HashSet::new(),
    };
    suggest(app, wanted).await
}

/// Points of each part of an organisation's or expert's score: the role it
/// fills and how well what it does for that role fits the need weigh most.
pub const WEIGHTS: Weights = Weights { role: 25.0, focus: 10.0, text: 55.0, region: 5.0, cooperation: 5.0 };

/// A suggestion is shown only when what it does resembles the need at
/// least this much (0 to 1; an expert against the best document of the
/// index, an organisation against the best candidate of the role) …
pub const MIN_TEXT: f64 = 0.2;
/// … and at least this share of the best resemblance among those that fill
/// the role: a few that fit rather than five with confident points …
pub const MIN_SHARE: f64 = 0.8;
/// … and at least this share of the best score.
pub const MIN_TOTAL_SHARE: f64 = 0.9;
/// The share of its resemblance left to a candidate that names what the
/// need does not fit: a logistics company or a recycler whose texts name
/// only other materials than the need's; a funder whose stated sums
/// ("2 000–20 000 euron apurahoja") do not hold the sum the need names.
pub const OFF_TARGET: f64 = 0.6;

/// Approved organisations (other than the asker's and those left out) and
/// listed experts of approved organisations that could fill the wanted
/// roles, best first for each role and taken in turn across the roles, with
/// their reasons. An organisation's fit for a role is judged by its
/// published services and listings of that role (their texts against what
/// the need says about the role, through the search index), or by what it
/// is; an expert fills the roles their organisation fills, and their own
/// texts count. Only suggestions that resemble the need and come near the
/// best are shown. A fixed number of queries.
pub async fn suggest(app: &App, mut w: Wanted) -> Result<Suggestions, AppError> {
    if w.roles.is_empty() {
        return Ok(Suggestions::default());
    }
    let asked = if w.asked.is_empty() { w.roles.clone() } else { w.asked.clone() };
    let (pools, orgs) = candidates_per_role(app, &w.text, w.asker, &w.roles, &asked).await?;
    if w.region.is_none() {
        w.region = orgs.get(&w.asker).map(|o| o.municipality.clone());
    }
    w.skip_orgs.insert(w.asker);
    let need_of = |role: &str| Need { roles: vec![role.to_string()], focus: w.focus.clone(), region: w.region.clone() };
    let mut per_role: Vec<Vec<Suggestion>> = Vec::new();
    for (role, pool) in &pools {
        let pool: Vec<Candidate> = pool.iter().filter(|p| !w.skip_orgs.contains(&(p.id as i32))).cloned().collect();
        let ranked = confident(kimppa_matchmaking::rank(&need_of(role), &pool, &WEIGHTS, LIMIT));
        per_role.push(
            ranked
                .into_iter()
                .filter_map(|(cand, s)| {
                    orgs.get(&(cand.id as i32)).map(|o| Suggestion {
                        org: o.clone(),
                        score: s.total,
                        reasons: s.reasons,
                    })
                })
                .collect(),
        );
    }
    let org_suggestions = interleave(per_role, |s| s.org.id, LIMIT);
    let fits_of: HashMap<i64, Vec<(String, Fit)>> = pools
        .iter()
        .flat_map(|(_, pool)| pool.iter().flat_map(|p| p.roles.iter().map(move |r| (p.id, r.clone()))))
        .fold(HashMap::new(), |mut m, (id, r)| {
            m.entry(id).or_insert_with(Vec::new).push(r);
            m
        });
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
    let mut per_role: Vec<Vec<ExpertSuggestion>> = Vec::new();
    for role in &w.roles {
        let need = Need { region: None, ..need_of(role) };
        let ranked = confident(kimppa_matchmaking::rank(&need, &expert_pool, &WEIGHTS, EXPERT_LIMIT));
        per_role.push(
            ranked
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
                .collect(),
        );
    }
    let expert_suggestions = interleave(per_role, |e| e.expert_id, EXPERT_LIMIT);
    Ok(Suggestions { orgs: org_suggestions, experts: expert_suggestions })
}

/// The ranked candidates worth showing: when some resemble the need at
/// least [`MIN_TEXT`], those that come within [`MIN_SHARE`] of the best
/// resemblance; when none does (a small registry, a need in few words),
/// every one that fills the role — of these, those within
/// [`MIN_TOTAL_SHARE`] of the best score.
fn confident(ranked: Vec<(&Candidate, Score)>) -> Vec<(&Candidate, Score)> {
    let best = ranked.iter().map(|(c, _)| c.text).fold(0.0, f64::max);
    let floor = if best >= MIN_TEXT { best * MIN_SHARE } else { 0.0 };
    let best_total = ranked.iter().map(|(_, s)| s.total).fold(0.0, f64::max);
    ranked.into_iter().filter(|(c, s)| c.text >= floor && s.total >= best_total * MIN_TOTAL_SHARE).collect()
}

/// The lists taken in turn (the first of each, then the second …), each
/// item once, at most `limit`.
fn interleave<T, K: PartialEq>(lists: Vec<Vec<T>>, key: impl Fn(&T) -> K, limit: usize) -> Vec<T> {
    let mut iters: Vec<std::vec::IntoIter<T>> = lists.into_iter().map(|l| l.into_iter()).collect();
    let mut out: Vec<T> = Vec::new();
    loop {
        let mut any = false;
        for it in iters.iter_mut() {
            if let Some(x) = it.next() {
                any = true;
                if out.len() < limit && !out.iter().any(|o| key(o) == key(&x)) {
                    out.push(x);
                }
            }
        }
        if !any || out.len() >= limit {
            return out;
        }
    }
}

/// Text similarity of the public documents of `kind` to `text`, 0 to 1:
/// each one's search score against the best (the search index's first 200,
/// "any word" mode).
fn similarity(app: &App, kind: &str, text: &str) -> Result<HashMap<i32, f64>, AppError> {
    let q = kimppa_search::SearchQuery {
        text: text.to_string(),
        lang: "fi".into(),
        filters: vec![("kind".into(), kind.into())],
        visibility: vec!["public".into()],
        offset: 0,
        limit: 200,
        any_word: true,
    };
    let prefix = format!("{kind}:");
    let ranked: Vec<(i32, f64)> = app
        .search
        .keys(&q)
        .map_err(AppError::internal)?
        .into_iter()
        .filter_map(|(k, score)| Some((k.strip_prefix(&prefix)?.parse().ok()?, score as f64)))
        .collect();
    let best = ranked.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    if best <= 0.0 {
        return Ok(HashMap::new());
    }
    Ok(ranked.into_iter().map(|(id, s)| (id, (s / best).clamp(0.0, 1.0))).collect())
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
    let (mut pools, orgs) = candidates_per_role(app, text, asker, &[], &[]).await?;
    Ok((pools.pop().map(|(_, p)| p).unwrap_or_default(), orgs))
}

/// The candidates for each of `roles` (for none: one pool for any role,
/// under the key ""): every approved organisation that fills the role, its
/// text similarity being that of its services of the role when it has
/// such services (an organisation that fills the role by what it is: its
/// own texts). A fixed number of queries.
pub async fn candidates_per_role(
    app: &App,
    text: &str,
    asker: i32,
    roles: &[String],
    asked: &[String],
) -> Result<(Vec<(String, Vec<Candidate>)>, HashMap<i32, organisation::Model>), AppError> {
    let fits = role_fits_with_services(app, asker).await?;
    // Earlier kimppas together with the challenge's organisation.
    let memberships =
        kimppa_member::Entity::find().filter(kimppa_member::Column::ConfirmedAt.is_not_null()).all(&app.db).await?;
    let ours: HashSet<i32> = memberships.iter().filter(|m| m.org_id == asker).map(|m| m.kimppa_id).collect();
    let mut together: HashMap<i32, u32> = HashMap::new();
    for m in memberships.iter().filter(|m| ours.contains(&m.kimppa_id) && m.org_id != asker) {
        *together.entry(m.org_id).or_default() += 1;
    }
    let base = |o: &organisation::Model, text: f64| Candidate {
        id: o.id as i64,
        org_type: o.org_type.to_string(),
        municipality: Some(o.municipality.clone()),
        region: Some(o.municipality.clone()),
        roles: fits.roles.get(&o.id).cloned().unwrap_or_default(),
        focus: split_list(&o.focus_areas).into_iter().map(str::to_string).collect(),
        text,
        cooperations: together.get(&o.id).copied().unwrap_or(0),
    };
    let mut pools = Vec::new();
    if roles.is_empty() {
        let org_text = similarity(app, "organisation", text)?;
        let pool = fits.orgs.iter().map(|o| base(o, org_text.get(&o.id).copied().unwrap_or(0.0))).collect();
        pools.push((String::new(), pool));
    }
    for role in roles {
        // The need's words about this role, and its context.
        let need = kimppa_matchmaking::need::for_role(text, role, asked);
        // Suggested on evidence: a published service or listing of the
        // role, or what the organisation is; a profile's word alone is not
        // enough.
        let fit_of = |o: &organisation::Model| {
            let fit = fits.roles.get(&o.id)?.iter().find(|(r, _)| r == role)?.1;
            (fit != Fit::Declared).then_some(fit)
        };
        // What sets each candidate of the role apart, in the texts that show
        // the role: its services and listings of the role, or its own
        // description (a customer: both).
        let docs: Vec<(i64, String)> = fits
            .orgs
            .iter()
            .filter(|o| o.id != asker)
            .filter_map(|o| {
                let fit = fit_of(o)?;
                let of_role = || {
                    fits.of_role(o.id, role)
                        .iter()
                        .filter_map(|id| fits.texts.get(id).map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let text = match fit {
                    // A customer is known by what it does and what it asks for.
                    Fit::Offering if role == PartnerRole::Customer.key() => {
                        format!("{} {} {}", o.description_fi, o.description_en, of_role())
                    }
                    Fit::Offering => of_role(),
                    Fit::OrgType | Fit::Declared => format!("{} {}", o.description_fi, o.description_en),
                };
                Some((o.id as i64, text))
            })
            .collect();
        let candidates: Vec<(&organisation::Model, Fit)> =
            fits.orgs.iter().filter(|o| o.id != asker).filter_map(|o| Some((o, fit_of(o)?))).collect();
        let mut found: Vec<(&organisation::Model, f64)> = candidates.iter().map(|(o, _)| (*o, 0.0)).collect();
        // The role's own words weigh more: given twice to the search index.
        let query = [need.own.as_str(), need.own.as_str(), need.context.as_str()].join(". ");
        let org_text = similarity(app, "organisation", &query)?;
        let mut service_text = similarity(app, "service", &query)?;
        // Public material listings, under their ids negated (see [`role_fits_with_services`]).
        service_text.extend(similarity(app, "listing", &query)?.into_iter().map(|(id, v)| (-id, v)));
        for ((o, fit), (_, f)) in candidates.iter().zip(found.iter_mut()) {
            let own = org_text.get(&o.id).copied().unwrap_or(0.0);
            // Its services of the role, against the need; its own texts count less.
            let services =
                fits.of_role(o.id, role).iter().filter_map(|id| service_text.get(id).copied()).fold(0.0, f64::max);
            *f = if *fit == Fit::Offering { services.max(own * 0.8) } else { own };
        }
        let apart = kimppa_matchmaking::distinguishing_weighted(
            &[(&need.own, kimppa_matchmaking::need::OWN_WEIGHT), (&need.context, 1.0)],
            &docs,
        );
        // The search index's resemblance against the best candidate's (not
        // the asker's own texts, which always resemble its need most), and
        // what sets each apart among the role's candidates.
        let handles_material = [PartnerRole::Logistics, PartnerRole::Recycler].iter().any(|r| r.key() == role);
        let whole = format!("{}. {}", need.own, need.context);
        let need_materials = kimppa_matchmaking::need::materials(&whole);
        let materials: HashMap<i32, Vec<&str>> = if handles_material {
            docs.iter().map(|(id, text)| (*id as i32, kimppa_matchmaking::need::materials(text))).collect()
        } else {
            HashMap::new()
        };
        let funds = role == PartnerRole::Funder.key();
        let need_sums = kimppa_matchmaking::need::euros(&whole);
        let sums: HashMap<i32, Vec<(f64, f64)>> = if funds {
            docs.iter().map(|(id, text)| (*id as i32, kimppa_matchmaking::need::euros(text))).collect()
        } else {
            HashMap::new()
        };
        let best = found.iter().map(|(_, f)| *f).fold(0.0, f64::max);
        let pool = found
            .iter()
            .map(|(o, f)| {
                let found = if best > 0.0 { f / best } else { 0.0 };
                let apart = apart.get(&(o.id as i64)).copied().unwrap_or(0.0);
                let mut text = (found + apart) / 2.0;
                // A logistics company or recycler for other materials, a
                // funder whose sums do not hold the sum asked for: a weaker fit.
                let off_materials = handles_material
                    && materials
                        .get(&o.id)
                        .is_some_and(|m| kimppa_matchmaking::need::other_materials(&need_materials, m));
                let off_sum =
                    funds && sums.get(&o.id).is_some_and(|r| kimppa_matchmaking::need::sum_outside(&need_sums, r));
                if off_materials || off_sum {
                    text *= OFF_TARGET;
                }
                base(o, text)
            })
            .collect();
        pools.push((role.clone(), pool));
    }
    Ok((pools, fits.orgs.into_iter().map(|o| (o.id, o)).collect()))
}

/// Approved organisations (and the asker, whatever its standing), the roles
/// each fills, and which of their published services fill which role.
pub struct RoleFits {
    pub orgs: Vec<organisation::Model>,
    pub roles: HashMap<i32, Vec<(String, Fit)>>,
    /// The published services (and public listings, under their ids
    /// negated) that show each (organisation, role).
    pub services: HashMap<(i32, String), Vec<i32>>,
    /// Each published service's title and description (both languages).
    pub texts: HashMap<i32, String>,
}

impl RoleFits {
    /// The services and listings that show `org` in `role`.
    pub fn of_role(&self, org: i32, role: &str) -> &[i32] {
        self.services.get(&(org, role.to_string())).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The roles each approved organisation (and the asker, whatever its
/// standing) fills, from what it offers — its published services, then its
/// declared offering types — and what it is (two queries).
pub async fn role_fits(
    app: &App,
    asker: i32,
) -> Result<(Vec<organisation::Model>, HashMap<i32, Vec<(String, Fit)>>), AppError> {
    let f = role_fits_with_services(app, asker).await?;
    Ok((f.orgs, f.roles))
}

/// [`role_fits`] with the services behind each fit — and the public
/// material offers and wants, which show suppliers, buyers and small
/// processors (three queries).
pub async fn role_fits_with_services(app: &App, asker: i32) -> Result<RoleFits, AppError> {
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                .add(organisation::Column::Id.eq(asker)),
        )
        .all(&app.db)
        .await?;
    let types: HashMap<i32, String> = orgs.iter().map(|o| (o.id, o.org_type.key().to_string())).collect();
    type Row = (i32, i32, String, String, String, String, String);
    let services: Vec<Row> = service::Entity::find()
        .select_only()
        .columns([
            service::Column::Id,
            service::Column::OwnerOrgId,
            service::Column::OfferingType,
            service::Column::TitleFi,
            service::Column::DescriptionFi,
            service::Column::TitleEn,
            service::Column::DescriptionEn,
        ])
        .filter(service::Column::Status.eq(ServiceStatus::Published))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut offered: HashMap<i32, HashSet<String>> = HashMap::new();
    let mut by_role: HashMap<(i32, String), Vec<i32>> = HashMap::new();
    let mut show =
        |org: i32, role: PartnerRole, id: i32| by_role.entry((org, role.key().to_string())).or_default().push(id);
    let mut texts: HashMap<i32, String> = HashMap::new();
    for (id, org, offering, title_fi, description_fi, title_en, description_en) in services {
        texts.insert(id, format!("{title_fi} {description_fi} {title_en} {description_en}"));
        let Some(t) = types.get(&org) else { continue };
        if OfferingType::parse(&offering).is_err() {
            continue;
        }
        for role in PartnerRole::ALL {
            if offering_fills(*role, &offering, t) {
                show(org, *role, id);
            }
        }
        // A small company that sells circular supplies makes them from
        // someone's side stream: it processes (recycles) that stream.
        if offering == OfferingType::CircularSupplies.key() && t == OrgType::Sme.key() {
            show(org, PartnerRole::Recycler, id);
        }
        offered.entry(org).or_default().insert(offering);
    }
    // A published offer of a side stream in the materials marketplace shows
    // a material supplier as a service does; a public want of a buyer (an
    // anchor company, a municipality, a customer) shows what it would buy,
    // and a small company asking for a side stream processes it (both kept
    // under the listing's id negated, beside the services).
    let listings: Vec<(i32, i32, ListingKind, String, String)> = listing::Entity::find()
        .select_only()
        .columns([
            listing::Column::Id,
            listing::Column::OrgId,
            listing::Column::Kind,
            listing::Column::Title,
            listing::Column::Description,
        ])
        .filter(listing::Column::Status.eq(ListingStatus::Published))
        .filter(listing::Column::Kind.is_in([ListingKind::Offer, ListingKind::Want]))
        .filter(listing::Column::Visibility.eq(ListingVisibility::Public))
        .into_tuple()
        .all(&app.db)
        .await?;
    for (id, org, kind, title, description) in listings {
        let Some(t) = types.get(&org) else { continue };
        texts.insert(-id, format!("{title} {description}"));
        if kind == ListingKind::Offer {
            show(org, PartnerRole::MaterialSupplier, -id);
            offered.entry(org).or_default().insert(OfferingType::CircularSupplies.key().to_string());
        } else if t == OrgType::Sme.key() {
            show(org, PartnerRole::Recycler, -id);
        } else if PartnerRole::Customer.org_types().iter().any(|c| c.key() == t) {
            show(org, PartnerRole::Customer, -id);
        }
    }
    let none = HashSet::new();
    let mut roles: HashMap<i32, Vec<(String, Fit)>> = orgs
        .iter()
        .map(|o| {
            let declared: HashSet<String> = split_list(&o.offering_types).into_iter().map(str::to_string).collect();
            (o.id, fits(o.org_type.key(), offered.get(&o.id).unwrap_or(&none), &declared))
        })
        .collect();
    // What its services and listings show, whatever its offering types say
    // (a network fills no role).
    let networks: HashSet<i32> = orgs.iter().filter(|o| o.org_type == OrgType::Network).map(|o| o.id).collect();
    for (org, role) in by_role.keys().filter(|(org, _)| !networks.contains(org)) {
        let f = roles.entry(*org).or_default();
        match f.iter_mut().find(|(r, _)| r == role) {
            Some(fit) => fit.1 = Fit::Offering,
            None => f.push((role.clone(), Fit::Offering)),
        }
    }
    Ok(RoleFits { orgs, roles, services: by_role, texts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairing_shows_a_technology_provider_only_as_a_declaration() {
        let repairs: HashSet<String> = ["life-extension".to_string()].into();
        assert!(fits("sme", &repairs, &HashSet::new()).contains(&("technology-provider".into(), Fit::Declared)));
        let platform: HashSet<String> = ["life-extension".to_string(), "product-as-service".to_string()].into();
        assert!(fits("sme", &platform, &HashSet::new()).contains(&("technology-provider".into(), Fit::Offering)));
    }

    #[test]
    fn roles_come_from_offerings_then_from_the_organisation_type() {
        let offers: HashSet<String> = ["resource-recovery".to_string(), "logistics".to_string()].into();
        let f = fits("research", &offers, &HashSet::new());
        assert!(f.contains(&("recycler".into(), Fit::Offering)));
        assert!(f.contains(&("logistics".into(), Fit::Offering)));
        assert!(f.contains(&("research-partner".into(), Fit::OrgType)));
        assert!(!f.iter().any(|(r, _)| r == "funder"));
    }
}
