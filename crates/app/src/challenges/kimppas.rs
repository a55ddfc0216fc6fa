//! Kimppas: joint groups of organisations around a customer problem, with
//! each member's role, the joint value proposition and a status. A kimppa
//! is formed from a challenge's accepted responses; published kimppas make
//! the public kimppa catalogue. Composition rules (a funding call's
//! demands) are checked with the matchmaking crate.

use super::{get, may_manage};
use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::ChallengeVisibility;
use kimppa_domain::OrgId;
use kimppa_domain::ResponseStatus;
use kimppa_domain::UserId;
use kimppa_domain::{KimppaStatus, PartnerRole, Slug};
use kimppa_matchmaking::{Candidate, Rules, Violation};
use kimppa_store::entities::{challenge_response, kimppa, kimppa_member, organisation};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// Forming a kimppa from a challenge, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct KimppaForm {
    pub name: String,
    pub value_proposition: String,
    /// "on": shown in the public kimppa catalogue.
    pub publish: Option<String>,
    /// The role the challenge's organisation takes itself (the customer
    /// unless it chooses another).
    pub owner_role: String,
}

/// The kimppa formed from a challenge, if any.
pub async fn of_challenge(app: &App, challenge_id: i32) -> Result<Option<kimppa::Model>, AppError> {
    Ok(kimppa::Entity::find().filter(kimppa::Column::ChallengeId.eq(challenge_id)).one(&app.db).await?)
}

/// One kimppa by id (its slug and name for a link).
pub async fn by_id(app: &App, id: i32) -> Result<Option<kimppa::Model>, AppError> {
    Ok(kimppa::Entity::find_by_id(id).one(&app.db).await?)
}

/// Forms a kimppa of the challenge's organisation and the organisations
/// whose responses were accepted, each in the role it offered.
pub async fn form(app: &App, actor: &Principal, challenge_id: i32, f: &KimppaForm) -> Result<kimppa::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let c = get(app, actor, challenge_id).await?;
    if !may_manage(actor, c.org_id) {
        return Err(AppError::Forbidden);
    }
    if of_challenge(app, c.id).await?.is_some() {
        return Err(AppError::Conflict("kimppa-exists"));
    }
    let accepted: Vec<challenge_response::Model> = challenge_response::Entity::find()
        .filter(challenge_response::Column::ChallengeId.eq(c.id))
        .filter(challenge_response::Column::Status.eq(ResponseStatus::Accepted))
        .filter(challenge_response::Column::OrgId.is_not_null())
        .order_by_asc(challenge_response::Column::Id)
        .all(&app.db)
        .await?;
    let mut k = Checker::default();
    let slug = check_form(&mut k, f);
    if accepted.is_empty() {
        k.push("name", "err-kimppa-no-partners");
    }
    let owner_role = match f.owner_role.trim() {
        "" => Some(PartnerRole::Customer),
        r => PartnerRole::parse(r).ok(),
    };
    if owner_role.is_none() {
        k.push("owner_role", "err-unknown-value");
    }
    k.finish()?;
    let owner_role = owner_role.unwrap_or(PartnerRole::Customer);
    // The accepted respondents offered to take part: they are members at once.
    let mut members = vec![(c.org_id, owner_role, true)];
    for r in accepted {
        if let Some(org) = r.org_id
            && members.iter().all(|(o, _, _)| *o != org)
        {
            members.push((org, r.role, true));
        }
    }
    let tx = app.db.begin().await?;
    let kimppa = insert(
        app,
        &tx,
        NewKimppa {
            slug,
            name: f.name.trim(),
            // Only a public challenge's text may travel to a kimppa that can be published.
            problem: if c.visibility == ChallengeVisibility::Public { c.description.clone() } else { String::new() },
            value_proposition: f.value_proposition.trim(),
            publish: f.publish.is_some(),
            challenge_id: Some(c.id),
            required_roles: c.roles.clone(),
            created_by: uid.0,
            members,
        },
        format!("challenge:{}", c.id),
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(kimppa)
}

/// Checks a kimppa's name and value proposition; the slug the name makes.
pub(crate) fn check_form(k: &mut Checker, f: &KimppaForm) -> String {
    let name = f.name.trim();
    if name.is_empty() {
        k.push("name", "err-required");
    } else if name.chars().count() > 200 {
        k.push("name", "err-too-long");
    }
    let slug = Slug::from_name(name).ok();
    if slug.is_none() && !name.is_empty() {
        k.push("name", "err-slug");
    }
    if f.value_proposition.trim().is_empty() {
        k.push("value_proposition", "err-required");
    } else if f.value_proposition.chars().count() > 20_000 {
        k.push("value_proposition", "err-too-long");
    }
    slug.map(|s| s.as_str().to_string()).unwrap_or_default()
}

/// A kimppa about to be stored, with its members' organisations and roles.
pub(crate) struct NewKimppa<'a> {
    pub slug: String,
    pub name: &'a str,
    pub problem: String,
    pub value_proposition: &'a str,
    pub publish: bool,
    pub challenge_id: Option<i32>,
    pub required_roles: String,
    pub created_by: i32,
    /// (organisation, role, confirmed).
    pub members: Vec<(i32, PartnerRole, bool)>,
}

/// Stores a kimppa and its members (the slug made unique), queues it for
/// the search index and writes the audit entry (`from` names its origin).
pub(crate) async fn insert(
    app: &App,
    tx: &sea_orm::DatabaseTransaction,
    n: NewKimppa<'_>,
    from: String,
) -> Result<kimppa::Model, AppError> {
    let base = n.slug;
    let taken = kimppa::Entity::find().filter(kimppa::Column::Slug.starts_with(&base)).all(&app.db).await?;
    let slug = (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") })
        .find(|s| taken.iter().all(|t| &t.slug != s))
        .unwrap_or(base);
    let now = crate::now();
    let kimppa = kimppa::ActiveModel {
        slug: Set(slug),
        name: Set(n.name.into()),
        problem: Set(n.problem),
        value_proposition: Set(n.value_proposition.into()),
        status: Set(KimppaStatus::Forming),
        published: Set(n.publish),
        challenge_id: Set(n.challenge_id),
        created_by: Set(n.created_by),
        min_partners: Set(0),
        max_partners: Set(0),
        min_smes: Set(0),
        min_research: Set(0),
        min_municipalities: Set(0),
        required_roles: Set(n.required_roles),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    for (org_id, role, confirmed) in n.members {
        kimppa_member::ActiveModel {
            kimppa_id: Set(kimppa.id),
            org_id: Set(org_id),
            role: Set(role),
            created_at: Set(now),
            confirmed_at: Set(confirmed.then_some(now)),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    crate::search::touch(tx, "kimppa", &[kimppa.id]).await?;
    crate::changelog::admin_action(tx, UserId(n.created_by), "kimppa.formed", format!("kimppa:{}", kimppa.id), from)
        .await?;
    Ok(kimppa)
}

/// A member as the kimppa page shows it.
#[derive(Debug, Clone)]
pub struct Member {
    pub org: organisation::Model,
    pub role: String,
}

/// Members invited from a partner search's shortlist who have not
/// confirmed yet (or declined: then they are gone).
#[derive(Debug, Clone)]
pub struct Pending {
    pub org: organisation::Model,
    pub role: String,
}

#[derive(Debug, Clone)]
pub struct KimppaView {
    pub k: kimppa::Model,
    /// Confirmed members: the ones shown, counted by the rules and managing it.
    pub members: Vec<Member>,
    /// Invited, not yet confirmed (shown to the kimppa's people only).
    pub pending: Vec<Pending>,
    /// The composition rules the members break (none when they hold).
    pub violations: Vec<Violation>,
}

/// Each kimppa's confirmed and pending members (two queries).
async fn members_of(app: &App, ids: &[i32]) -> Result<HashMap<i32, (Vec<Member>, Vec<Pending>)>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::KimppaId.is_in(ids.to_vec()))
        .order_by_asc(kimppa_member::Column::Id)
        .all(&app.db)
        .await?;
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|m| m.org_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut out: HashMap<i32, (Vec<Member>, Vec<Pending>)> = HashMap::new();
    for m in rows {
        if let Some(o) = orgs.get(&m.org_id) {
            let e = out.entry(m.kimppa_id).or_default();
            if m.confirmed_at.is_some() {
                e.0.push(Member { org: o.clone(), role: m.role.to_string() });
            } else {
                e.1.push(Pending { org: o.clone(), role: m.role.to_string() });
            }
        }
    }
    Ok(out)
}

/// Published kimppas an organisation is a confirmed member of, newest first
/// (one query).
pub async fn of_org(app: &App, org_id: i32) -> Result<Vec<kimppa::Model>, AppError> {
    use sea_orm::sea_query::Query;
    let memberships = Query::select()
        .column(kimppa_member::Column::KimppaId)
        .from(kimppa_member::Entity)
        .and_where(kimppa_member::Column::OrgId.eq(org_id))
        .and_where(kimppa_member::Column::ConfirmedAt.is_not_null())
        .to_owned();
    Ok(kimppa::Entity::find()
        .filter(kimppa::Column::Id.in_subquery(memberships))
        .filter(kimppa::Column::Published.eq(true))
        .order_by_desc(kimppa::Column::CreatedAt)
        .all(&app.db)
        .await?)
}

/// Published kimppas, newest first, with their members (three queries).
pub async fn catalogue(app: &App) -> Result<Vec<KimppaView>, AppError> {
    let rows = kimppa::Entity::find()
        .filter(kimppa::Column::Published.eq(true))
        .order_by_desc(kimppa::Column::CreatedAt)
        .order_by_desc(kimppa::Column::Id)
        .all(&app.db)
        .await?;
    let mut members = members_of(app, &rows.iter().map(|k| k.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|k| {
            let (m, _) = members.remove(&k.id).unwrap_or_default();
            view(k, m, vec![])
        })
        .collect())
}

fn view(k: kimppa::Model, members: Vec<Member>, pending: Vec<Pending>) -> KimppaView {
    let rules = rules_of(&k);
    let candidates: Vec<Candidate> = members.iter().map(|m| candidate(&m.org, &m.role)).collect();
    let violations = kimppa_matchmaking::check(&rules, &candidates.iter().collect::<Vec<_>>());
    KimppaView { k, members, pending, violations }
}

/// The kimppa's composition rules for the matchmaking crate.
pub fn rules_of(k: &kimppa::Model) -> Rules {
    Rules {
        min_partners: k.min_partners.max(0) as usize,
        max_partners: k.max_partners.max(0) as usize,
        min_smes: k.min_smes.max(0) as usize,
        min_research: k.min_research.max(0) as usize,
        min_municipalities: k.min_municipalities.max(0) as usize,
        required_roles: crate::directory::list(&k.required_roles).into_iter().map(str::to_string).collect(),
    }
}

/// A member organisation as a matchmaking candidate (its role in the kimppa fills that role).
pub(crate) fn candidate(o: &organisation::Model, role: &str) -> Candidate {
    Candidate {
        id: o.id as i64,
        org_type: o.org_type.to_string(),
        municipality: Some(o.municipality.clone()).filter(|m| !m.is_empty()),
        region: None,
        roles: vec![(role.to_string(), kimppa_matchmaking::Fit::Declared)],
        focus: vec![],
        text: 0.0,
        cooperations: 0,
    }
}

/// A kimppa by its address: published ones for everyone, others for the
/// people of its member organisations and staff.
pub async fn get_by_slug(app: &App, actor: &Principal, slug: &str) -> Result<KimppaView, AppError> {
    let k =
        kimppa::Entity::find().filter(kimppa::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let (members, pending) = members_of(app, &[k.id]).await?.remove(&k.id).unwrap_or_default();
    let orgs: Vec<i32> = members.iter().map(|m| m.org.id).chain(pending.iter().map(|m| m.org.id)).collect();
    if !super::visibility::sees_kimppa(actor, k.published, &orgs) {
        return Err(AppError::NotFound);
    }
    // Invitations not yet answered are the kimppa's own business.
    let pending = if super::visibility::sees_kimppa_invitations(actor, &orgs) { pending } else { vec![] };
    Ok(view(k, members, pending))
}

/// An invited organisation's admin confirms taking part in a kimppa (it
/// becomes a member) or declines (the invitation is gone). Answers for
/// every organisation the actor administers that was invited.
pub async fn answer_invitation(
    app: &App,
    actor: &Principal,
    slug: &str,
    accept: bool,
) -> Result<kimppa::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let view = get_by_slug(app, actor, slug).await?;
    let orgs: Vec<i32> = view
        .pending
        .iter()
        .map(|m| m.org.id)
        .filter(|&org| policy::allowed(actor, Action::AnswerForOrganisation { org: OrgId(org) }))
        .collect();
    if orgs.is_empty() {
        return Err(AppError::Forbidden);
    }
    let tx = app.db.begin().await?;
    let waiting = Condition::all()
        .add(kimppa_member::Column::KimppaId.eq(view.k.id))
        .add(kimppa_member::Column::OrgId.is_in(orgs))
        .add(kimppa_member::Column::ConfirmedAt.is_null());
    if accept {
        kimppa_member::Entity::update_many()
            .col_expr(kimppa_member::Column::ConfirmedAt, Some(crate::now()).into())
            .filter(waiting)
            .exec(&tx)
            .await?;
    } else {
        kimppa_member::Entity::delete_many().filter(waiting).exec(&tx).await?;
    }
    crate::search::touch(&tx, "kimppa", &[view.k.id]).await?;
    crate::changelog::admin_action(
        &tx,
        uid,
        if accept { "kimppa.joined" } else { "kimppa.declined" },
        format!("kimppa:{}", view.k.id),
        "",
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(view.k)
}

/// A stable key for a broken rule (for the API): `too-few:3`, `missing-role:recycler`, …
pub fn rule_key(v: &Violation) -> String {
    match v {
        Violation::TooFew { need, .. } => format!("too-few:{need}"),
        Violation::TooMany { max, .. } => format!("too-many:{max}"),
        Violation::Smes { need, .. } => format!("smes:{need}"),
        Violation::Research { need, .. } => format!("research:{need}"),
        Violation::Municipalities { need, .. } => format!("municipalities:{need}"),
        Violation::MissingRole(r) => format!("missing-role:{r}"),
    }
}

/// May the actor manage this kimppa (status, rules, publishing)? Admins of
/// its member organisations, and staff.
pub fn may_manage_kimppa(actor: &Principal, view: &KimppaView) -> bool {
    policy::is_staff(actor) || view.members.iter().any(|m| may_manage(actor, m.org.id))
}

/// May the actor answer the kimppa's invitation for one of the invited
/// organisations? Their admins.
pub fn may_answer_invitation(actor: &Principal, view: &KimppaView) -> bool {
    view.pending.iter().any(|m| policy::allowed(actor, Action::AnswerForOrganisation { org: OrgId(m.org.id) }))
}

/// The kimppa's settings as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub status: String,
    pub value_proposition: String,
    /// "on": in the public catalogue.
    pub published: Option<String>,
    pub min_partners: String,
    pub max_partners: String,
    pub min_smes: String,
    pub min_research: String,
    pub min_municipalities: String,
    pub required_roles: Vec<String>,
}

impl SettingsForm {
    pub fn of(k: &kimppa::Model) -> SettingsForm {
        let n = |v: i32| if v > 0 { v.to_string() } else { String::new() };
        SettingsForm {
            status: k.status.to_string(),
            value_proposition: k.value_proposition.clone(),
            published: k.published.then(|| "on".into()),
            min_partners: n(k.min_partners),
            max_partners: n(k.max_partners),
            min_smes: n(k.min_smes),
            min_research: n(k.min_research),
            min_municipalities: n(k.min_municipalities),
            required_roles: crate::directory::list(&k.required_roles).into_iter().map(str::to_string).collect(),
        }
    }
}

/// Saves a kimppa's status, value proposition, publishing and composition rules.
pub async fn update(app: &App, actor: &Principal, slug: &str, f: &SettingsForm) -> Result<kimppa::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let view = get_by_slug(app, actor, slug).await?;
    if !may_manage_kimppa(actor, &view) {
        return Err(AppError::Forbidden);
    }
    let mut c = Checker::default();
    let status = c.check("status", KimppaStatus::parse(&f.status));
    if f.value_proposition.trim().is_empty() {
        c.push("value_proposition", "err-required");
    }
    let mut number = |field: &'static str, s: &str| -> i32 {
        let s = s.trim();
        if s.is_empty() {
            return 0;
        }
        match s.parse::<i32>() {
            Ok(n) if (0..=50).contains(&n) => n,
            _ => {
                c.push(field, "err-rule-number");
                0
            }
        }
    };
    let min_partners = number("min_partners", &f.min_partners);
    let max_partners = number("max_partners", &f.max_partners);
    let min_smes = number("min_smes", &f.min_smes);
    let min_research = number("min_research", &f.min_research);
    let min_municipalities = number("min_municipalities", &f.min_municipalities);
    if max_partners > 0 && max_partners < min_partners {
        c.push("max_partners", "err-rule-max");
    }
    let roles = c.check("required_roles", PartnerRole::parse_list(f.required_roles.iter().map(String::as_str)));
    c.finish()?;
    let (Some(status), Some(roles)) = (status, roles) else { return Err(crate::error::checked()) };
    let tx = app.db.begin().await?;
    let saved = kimppa::ActiveModel {
        id: Set(view.k.id),
        status: Set(status),
        value_proposition: Set(f.value_proposition.trim().into()),
        published: Set(f.published.is_some()),
        min_partners: Set(min_partners),
        max_partners: Set(max_partners),
        min_smes: Set(min_smes),
        min_research: Set(min_research),
        min_municipalities: Set(min_municipalities),
        required_roles: Set(PartnerRole::join(&roles)),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    crate::search::touch(&tx, "kimppa", &[view.k.id]).await?;
    crate::changelog::admin_action(&tx, uid, "kimppa.updated", format!("kimppa:{}", view.k.id), status.key()).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(saved)
}

/// A suggested way to satisfy the kimppa's rules: the organisations to add.
#[derive(Debug, Clone)]
pub struct SetView {
    pub added: Vec<(organisation::Model, Vec<String>)>,
    pub score: f64,
}

/// Up to three sets of organisations that, with the present members,
/// satisfy the composition rules (when they are not met). Each added
/// organisation comes with the roles it can fill. For those who manage the
/// kimppa ([`may_manage_kimppa`], which the caller has asked).
pub async fn suggested_sets(app: &App, view: &KimppaView) -> Result<Vec<SetView>, AppError> {
    if view.violations.is_empty() {
        return Ok(vec![]);
    }
    let asker = view.members.first().map(|m| m.org.id).unwrap_or_default();
    let (pool, orgs) = super::suggest::candidates(app, &format!("{} {}", view.k.name, view.k.problem), asker).await?;
    // Members and those already invited are not suggested as additions.
    let member_ids: Vec<i64> =
        view.members.iter().map(|m| m.org.id as i64).chain(view.pending.iter().map(|m| m.org.id as i64)).collect();
    // The members as they are: their own fits plus the role they hold.
    let fixed: Vec<Candidate> = view
        .members
        .iter()
        .map(|m| {
            let mut c =
                pool.iter().find(|p| p.id == m.org.id as i64).cloned().unwrap_or_else(|| candidate(&m.org, &m.role));
            c.roles.push((m.role.clone(), kimppa_matchmaking::Fit::Declared));
            c
        })
        .collect();
    let others: Vec<Candidate> = pool.into_iter().filter(|p| !member_ids.contains(&p.id)).collect();
    let rules = rules_of(&view.k);
    let need = kimppa_matchmaking::Need {
        roles: rules.required_roles.clone(),
        focus: vec![],
        region: view.members.first().map(|m| m.org.municipality.clone()),
    };
    let sets =
        kimppa_matchmaking::suggest_sets(&rules, &fixed, &others, &need, &kimppa_matchmaking::Weights::default(), 3);
    Ok(sets
        .into_iter()
        .map(|s| SetView {
            added: s
                .added
                .iter()
                .filter_map(|id| {
                    let o = orgs.get(&(*id as i32))?.clone();
                    let roles = s.roles.iter().filter(|(_, who)| who == id).map(|(r, _)| r.clone()).collect();
                    Some((o, roles))
                })
                .collect(),
            score: s.score,
        })
        .collect())
}
