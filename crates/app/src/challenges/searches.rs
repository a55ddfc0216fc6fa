//! Partner searches (kimppahaku, SPEC C6): an organisation says what it
//! offers, which roles it needs and what it promises its partners; it
//! browses and shortlists organisations and experts (with suggestions and
//! their reasons), contacts them through the directory's contact flow, can
//! ask the orchestrators for help (a request in their queue), and forms a
//! kimppa from the shortlist.
//!
//! A search is seen and managed only by its organisation's admins and the
//! orchestrators ([`get`] is the one check); others get "not found".

use super::{
    kimppas::{self, KimppaForm, NewKimppa},
    may_manage, owner_choices,
    suggest::{self, Suggestions, Wanted},
};
use crate::{
    App, AppError,
    directory::{
        contact::{self, ContactForm},
        list as split_list,
    },
    email,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, Utc};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{FocusArea, PartnerRole, PlatformRole};
use kimppa_domain::{MembershipStatus, SearchStatus};
use kimppa_store::entities::{
    contact_request, expert, organisation, partner_search, partner_search_entry as entry, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

const MAX_TEXT: usize = 10_000;
/// Organisations and experts a browse shows at a time.
pub const BROWSE_LIMIT: usize = 20;

/// The search form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SearchForm {
    /// The searching organisation's slug.
    pub org: String,
    pub title: String,
    /// The role the organisation fills itself.
    pub offer_role: String,
    pub offer: String,
    pub roles: Vec<String>,
    pub focus_areas: Vec<String>,
    pub value_proposition: String,
}

struct Checked {
    org: organisation::Model,
    offer_role: PartnerRole,
    roles: Vec<PartnerRole>,
    focus: Vec<FocusArea>,
}

async fn check(
    app: &App,
    actor: &Principal,
    f: &SearchForm,
    editing: Option<organisation::Model>,
) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    let org = match editing {
        Some(o) => Some(o),
        None => owner_choices(app, actor).await?.into_iter().find(|o| o.slug == f.org.trim()),
    };
    super::check_org_and_title(&mut c, org.is_some(), &f.org, &f.title);
    let offer_role = if f.offer_role.trim().is_empty() {
        c.push("offer_role", "err-required");
        None
    } else {
        c.check("offer_role", PartnerRole::parse(f.offer_role.trim()))
    };
    for (field, text) in [("offer", &f.offer), ("value_proposition", &f.value_proposition)] {
        if text.trim().is_empty() {
            c.push(field, "err-required");
        } else if text.chars().count() > MAX_TEXT {
            c.push(field, "err-too-long");
        }
    }
    let roles = c.check("roles", PartnerRole::parse_list(f.roles.iter().map(String::as_str))).unwrap_or_default();
    if roles.is_empty() && c.errors.iter().all(|e| e.field != "roles") {
        c.push("roles", "err-required");
    }
    let focus =
        c.check("focus_areas", FocusArea::parse_list(f.focus_areas.iter().map(String::as_str))).unwrap_or_default();
    c.finish()?;
    let (Some(org), Some(offer_role)) = (org, offer_role) else { return Err(crate::error::checked()) };
    Ok(Checked { org, offer_role, roles, focus })
}

fn content(f: &SearchForm, k: &Checked) -> partner_search::ActiveModel {
    partner_search::ActiveModel {
        title: Set(f.title.trim().into()),
        offer_role: Set(k.offer_role),
        offer: Set(f.offer.trim().into()),
        roles: Set(PartnerRole::join(&k.roles)),
        focus_areas: Set(FocusArea::join(&k.focus)),
        value_proposition: Set(f.value_proposition.trim().into()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
}

/// Organisations the actor may start a partner search for: approved members
/// they administer (staff: every approved organisation).
pub async fn start_choices(app: &App, actor: &Principal) -> Result<Vec<organisation::Model>, AppError> {
    policy::require(actor, Action::StartPartnerSearch)?;
    Ok(owner_choices(app, actor)
        .await?
        .into_iter()
        .filter(|o| o.membership_status == MembershipStatus::Approved)
        .collect())
}

/// Starts a partner search for an organisation the actor administers
/// (staff: for any approved organisation).
pub async fn create(app: &App, actor: &Principal, f: &SearchForm) -> Result<partner_search::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let k = check(app, actor, f, None).await?;
    if !may_manage(actor, k.org.id) {
        return Err(AppError::Forbidden);
    }
    if k.org.membership_status != MembershipStatus::Approved {
        return Err(AppError::field("org", "err-search-not-member"));
    }
    let now = crate::now();
    let tx = app.db.begin().await?;
    let mut am = content(f, &k);
    am.org_id = Set(k.org.id);
    am.created_by = Set(uid.0);
    am.status = Set(SearchStatus::Open);
    am.kimppa_id = Set(None);
    am.help_status = Set(String::new());
    am.help_message = Set(String::new());
    am.help_reply = Set(String::new());
    am.created_at = Set(now);
    let s = am.insert(&tx).await?;
    crate::changelog::admin_action(&tx, uid, "partner-search.started", format!("partner-search:{}", s.id), k.org.slug)
        .await?;
    tx.commit().await?;
    Ok(s)
}

/// Saves an edited search (its organisation stays).
pub async fn update(app: &App, actor: &Principal, id: i32, f: &SearchForm) -> Result<partner_search::Model, AppError> {
    let s = get(app, actor, id).await?;
    let org = organisation::Entity::find_by_id(s.org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let k = check(app, actor, f, Some(org)).await?;
    let mut am = content(f, &k);
    am.id = Set(s.id);
    Ok(am.update(&app.db).await?)
}

/// The form filled from a stored search.
pub fn form_of(s: &partner_search::Model, org_slug: &str) -> SearchForm {
    SearchForm {
        org: org_slug.to_string(),
        title: s.title.clone(),
        offer_role: s.offer_role.to_string(),
        offer: s.offer.clone(),
        roles: split_list(&s.roles).into_iter().map(str::to_string).collect(),
        focus_areas: split_list(&s.focus_areas).into_iter().map(str::to_string).collect(),
        value_proposition: s.value_proposition.clone(),
    }
}

/// A search the actor may see and manage: its organisation's admins and
/// staff. Everybody else: not found (anonymous: log in first).
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<partner_search::Model, AppError> {
    if actor.user_id().is_none() {
        return Err(AppError::LoginRequired);
    }
    let s = partner_search::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if !may_manage(actor, s.org_id) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// The roles a search needs.
pub fn roles_of(s: &partner_search::Model) -> Vec<PartnerRole> {
    PartnerRole::parse_list(split_list(&s.roles)).unwrap_or_default()
}

/// A search in a list.
#[derive(Debug, Clone)]
pub struct Card {
    pub s: partner_search::Model,
    pub org_name: String,
    pub shortlisted: usize,
    pub contacted: usize,
}

async fn cards(app: &App, rows: Vec<partner_search::Model>) -> Result<Vec<Card>, AppError> {
    let names = crate::people::org_names(app, rows.iter().map(|s| s.org_id)).await?;
    let counts: Vec<(i32, Option<i32>)> = if rows.is_empty() {
        vec![]
    } else {
        entry::Entity::find()
            .select_only()
            .columns([entry::Column::SearchId, entry::Column::ContactRequestId])
            .filter(entry::Column::SearchId.is_in(rows.iter().map(|s| s.id).collect::<Vec<_>>()))
            .into_tuple()
            .all(&app.db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|s| Card {
            org_name: names.get(&s.org_id).map(|o| o.name.clone()).unwrap_or_default(),
            shortlisted: counts.iter().filter(|(id, _)| *id == s.id).count(),
            contacted: counts.iter().filter(|(id, c)| *id == s.id && c.is_some()).count(),
            s,
        })
        .collect())
}

/// The searches of the organisations the actor administers, newest first
/// (three queries).
pub async fn mine(app: &App, actor: &Principal) -> Result<Vec<Card>, AppError> {
    crate::policy::signed_in(actor)?;
    let orgs: Vec<i32> =
        policy::own_orgs_where(actor, |org| Action::ManageChallenges { org }).map(|m| m.org_id.0).collect();
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    let rows = partner_search::Entity::find()
        .filter(partner_search::Column::OrgId.is_in(orgs))
        .order_by_desc(partner_search::Column::Id)
        .all(&app.db)
        .await?;
    cards(app, rows).await
}

/// The orchestrators' queue: searches whose organisations asked for help,
/// waiting ones first (oldest first), then the handled ones (newest first).
pub async fn help_queue(app: &App, actor: &Principal) -> Result<Vec<Card>, AppError> {
    policy::require(actor, Action::FeatureChallenges)?;
    let mut rows =
        partner_search::Entity::find().filter(partner_search::Column::HelpStatus.ne("")).all(&app.db).await?;
    // Waiting ones oldest first, then the answered ones newest first.
    rows.sort_by_key(|s| {
        let at = s.help_requested_at.map(|t| t.timestamp()).unwrap_or_default();
        (s.help_status != "requested", if s.help_status == "requested" { at } else { -at })
    });
    cards(app, rows).await
}

/// A shortlisted organisation or expert as the search page shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub e: entry::Model,
    pub org: organisation::Model,
    /// The expert's name, for expert entries.
    pub expert: Option<String>,
    /// An expert who has left the catalogue since (their name is not shown).
    pub withdrawn: bool,
    /// When contacted, and the lead's status.
    pub contacted: Option<(DateTime<Utc>, String)>,
}

/// The shortlist, in the order it was made (four queries).
pub async fn entries(app: &App, s: &partner_search::Model) -> Result<Vec<Entry>, AppError> {
    let rows = entry::Entity::find()
        .filter(entry::Column::SearchId.eq(s.id))
        .order_by_asc(entry::Column::Id)
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|e| e.org_id).collect::<Vec<_>>()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let expert_ids: Vec<i32> = rows.iter().filter_map(|e| e.expert_id).collect();
    // Listed experts only: one who left the catalogue is no longer named.
    let experts: HashMap<i32, i32> = if expert_ids.is_empty() {
        HashMap::new()
    } else {
        expert::Entity::find()
            .filter(expert::Column::Id.is_in(expert_ids))
            .filter(expert::Column::Listed.eq(true))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.user_id))
            .collect()
    };
    let names = crate::people::user_names(app, experts.values().copied()).await?;
    let lead_ids: Vec<i32> = rows.iter().filter_map(|e| e.contact_request_id).collect();
    let leads: HashMap<i32, (DateTime<Utc>, String)> = if lead_ids.is_empty() {
        HashMap::new()
    } else {
        contact_request::Entity::find()
            .filter(contact_request::Column::Id.is_in(lead_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|l| (l.id, (l.created_at, l.status.to_string())))
            .collect()
    };
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let org = orgs.get(&e.org_id)?.clone();
            let withdrawn = e.expert_id.is_some_and(|x| !experts.contains_key(&x));
            let expert = e.expert_id.map(|x| experts.get(&x).and_then(|u| names.get(u)).cloned().unwrap_or_default());
            let contacted = e.contact_request_id.and_then(|l| leads.get(&l).cloned());
            Some(Entry { e, org, expert, withdrawn, contacted })
        })
        .collect())
}

/// What the search wants from suggestions: its roles, focus areas and text;
/// the shortlisted organisations and experts are left out.
fn wanted(s: &partner_search::Model, shortlist: &[Entry]) -> Wanted {
    Wanted {
        roles: roles_of(s).into_iter().map(|r| r.key().to_string()).collect(),
        asked: Vec::new(),
        focus: split_list(&s.focus_areas).into_iter().map(str::to_string).collect(),
        region: None,
        text: format!("{}. {}. {}", s.title, s.offer, s.value_proposition),
        asker: s.org_id,
        skip_orgs: shortlist.iter().filter(|e| e.e.expert_id.is_none()).map(|e| e.e.org_id).collect(),
        skip_people: HashSet::new(),
        skip_experts: shortlist.iter().filter_map(|e| e.e.expert_id).collect(),
    }
}

/// Suggested organisations and experts for the roles the search needs,
/// with their reasons (those already shortlisted left out).
pub async fn suggestions(app: &App, s: &partner_search::Model, shortlist: &[Entry]) -> Result<Suggestions, AppError> {
    suggest::suggest(app, wanted(s, shortlist)).await
}

/// An organisation or expert found by browsing, with the needed roles it
/// can fill.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `org:{slug}` or `expert:{id}`, as the shortlist form sends it.
    pub target: String,
    pub name: String,
    /// The organisation (an expert's own).
    pub org_name: String,
    pub org_slug: String,
    pub expert_id: Option<i32>,
    pub roles: Vec<String>,
    pub shortlisted: bool,
}

/// Browses approved organisations and listed experts: those the search
/// index finds for `q` (all when empty), able to fill `role` when given
/// (otherwise any role the search needs). A fixed number of queries.
pub async fn browse(
    app: &App,
    s: &partner_search::Model,
    shortlist: &[Entry],
    q: &str,
    role: Option<PartnerRole>,
) -> Result<Vec<Hit>, AppError> {
    let q = q.trim();
    let (orgs, roles) = suggest::role_fits(app, s.org_id).await?;
    let orgs: HashMap<i32, organisation::Model> = orgs.into_iter().map(|o| (o.id, o)).collect();
    let needed: Vec<String> = match role {
        Some(r) => vec![r.key().to_string()],
        None => roles_of(s).into_iter().map(|r| r.key().to_string()).collect(),
    };
    let fits: HashMap<i32, Vec<String>> = roles
        .into_iter()
        .map(|(id, have)| (id, needed.iter().filter(|r| have.iter().any(|(k, _)| k == *r)).cloned().collect()))
        .collect();
    let approved =
        |id: i32| id != s.org_id && orgs.get(&id).is_some_and(|o| o.membership_status == MembershipStatus::Approved);
    // With a role filter, only those who fill it; otherwise any organisation the words find.
    let keep =
        |id: i32| approved(id) && ((role.is_none() && !q.is_empty()) || fits.get(&id).is_some_and(|f| !f.is_empty()));
    let on_list: HashSet<String> = shortlist.iter().map(|e| e.e.target.clone()).collect();
    let org_ids: Vec<i32> = if q.is_empty() {
        let mut ids: Vec<&organisation::Model> = orgs.values().filter(|o| keep(o.id)).collect();
        ids.sort_by_key(|o| o.name.to_lowercase());
        ids.into_iter().map(|o| o.id).collect()
    } else {
        found(app, "organisation", q)?.into_iter().filter(|id| keep(*id)).collect()
    };
    let mut out: Vec<Hit> = org_ids
        .into_iter()
        .take(BROWSE_LIMIT)
        .filter_map(|id| {
            let o = orgs.get(&id)?;
            let target = format!("org:{}", o.slug);
            Some(Hit {
                shortlisted: on_list.contains(&format!("org:{}", o.id)),
                target,
                name: o.name.clone(),
                org_name: o.name.clone(),
                org_slug: o.slug.clone(),
                expert_id: None,
                roles: fits.get(&id).cloned().unwrap_or_default(),
            })
        })
        .collect();
    let experts: Vec<expert::Model> =
        expert::Entity::find().filter(expert::Column::Listed.eq(true)).all(&app.db).await?;
    let expert_ids: Vec<i32> =
        if q.is_empty() { experts.iter().map(|e| e.id).collect() } else { found(app, "expert", q)? };
    let by_id: HashMap<i32, &expert::Model> = experts.iter().map(|e| (e.id, e)).collect();
    let chosen: Vec<&expert::Model> = expert_ids
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .filter(|e| keep(e.org_id))
        .take(BROWSE_LIMIT)
        .collect();
    let names = crate::people::user_names(app, chosen.iter().map(|e| e.user_id)).await?;
    for e in chosen {
        let Some(o) = orgs.get(&e.org_id) else { continue };
        out.push(Hit {
            target: format!("expert:{}", e.id),
            name: names.get(&e.user_id).cloned().unwrap_or_default(),
            org_name: o.name.clone(),
            org_slug: o.slug.clone(),
            expert_id: Some(e.id),
            roles: fits.get(&e.org_id).cloned().unwrap_or_default(),
            shortlisted: on_list.contains(&format!("expert:{}", e.id)),
        });
    }
    Ok(out)
}

/// Ids of the public documents of `kind` the search index finds for `q`,
/// best first.
fn found(app: &App, kind: &str, q: &str) -> Result<Vec<i32>, AppError> {
    let query = kimppa_search::SearchQuery {
        text: q.to_string(),
        lang: "fi".into(),
        filters: vec![("kind".into(), kind.into())],
        visibility: vec!["public".into()],
        offset: 0,
        limit: 100,
        any_word: false,
    };
    let prefix = format!("{kind}:");
    Ok(app
        .search
        .keys(&query)
        .map_err(AppError::internal)?
        .into_iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.parse().ok())
        .collect())
}

/// Adds an organisation (`org:{slug}`) or an expert (`expert:{id}`) to the
/// shortlist in a role. Adding one already there changes nothing.
pub async fn add(app: &App, actor: &Principal, id: i32, target: &str, role: &str) -> Result<entry::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let s = get(app, actor, id).await?;
    if s.status != SearchStatus::Open {
        return Err(AppError::Conflict("search-state"));
    }
    let mut c = Checker::default();
    let role = if role.trim().is_empty() {
        c.push("role", "err-required");
        None
    } else {
        c.check("role", PartnerRole::parse(role.trim()))
    };
    let (org_id, expert_id) = match target.split_once(':') {
        Some(("org", slug)) => {
            let o = organisation::Entity::find()
                .filter(organisation::Column::Slug.eq(slug.trim()))
                .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                .one(&app.db)
                .await?;
            (o.map(|o| o.id), None)
        }
        Some(("expert", eid)) => {
            let e = match eid.trim().parse::<i32>() {
                Ok(eid) => expert::Entity::find_by_id(eid).filter(expert::Column::Listed.eq(true)).one(&app.db).await?,
                Err(_) => None,
            };
            let approved = match &e {
                Some(e) => organisation::Entity::find_by_id(e.org_id)
                    .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
                    .one(&app.db)
                    .await?
                    .is_some(),
                None => false,
            };
            (e.as_ref().filter(|_| approved).map(|e| e.org_id), e.map(|e| e.id))
        }
        _ => (None, None),
    };
    if org_id.is_none() {
        c.push("target", "err-unknown-value");
    } else if org_id == Some(s.org_id) {
        c.push("target", "err-search-own");
    }
    c.finish()?;
    let (Some(org_id), Some(role)) = (org_id, role) else { return Err(crate::error::checked()) };
    let key = match expert_id {
        Some(e) => format!("expert:{e}"),
        None => format!("org:{org_id}"),
    };
    if let Some(e) = entry::Entity::find()
        .filter(entry::Column::SearchId.eq(s.id))
        .filter(entry::Column::Target.eq(&key))
        .one(&app.db)
        .await?
    {
        return Ok(e);
    }
    Ok(entry::ActiveModel {
        search_id: Set(s.id),
        target: Set(key),
        org_id: Set(org_id),
        expert_id: Set(expert_id),
        role: Set(role),
        added_by: Set(uid.0),
        contact_request_id: Set(None),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?)
}

/// One shortlist entry of a search the actor manages, with the search.
pub async fn entry_of(
    app: &App,
    actor: &Principal,
    id: i32,
    entry_id: i32,
) -> Result<(partner_search::Model, Entry), AppError> {
    let s = get(app, actor, id).await?;
    let e = entries(app, &s).await?.into_iter().find(|e| e.e.id == entry_id).ok_or(AppError::NotFound)?;
    Ok((s, e))
}

/// Takes an entry off the shortlist.
pub async fn remove(app: &App, actor: &Principal, id: i32, entry_id: i32) -> Result<(), AppError> {
    let s = get(app, actor, id).await?;
    entry::Entity::delete_many()
        .filter(entry::Column::SearchId.eq(s.id))
        .filter(entry::Column::Id.eq(entry_id))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Contacts a shortlisted organisation (an expert through their
/// organisation, as the directory does) with the directory's contact flow:
/// the same limits, emails, lead and webhooks. The entry remembers the lead.
pub async fn contact(
    app: &App,
    actor: &Principal,
    id: i32,
    entry_id: i32,
    form: &ContactForm,
) -> Result<contact_request::Model, AppError> {
    let (s, e) = entry_of(app, actor, id, entry_id).await?;
    crate::policy::signed_in(actor)?;
    // Sent on behalf of the searching organisation when the sender is one of its people.
    let from_org = actor.membership(OrgId(s.org_id)).map(|m| m.slug.clone()).unwrap_or_default();
    let form = ContactForm { from_org, ..form.clone() };
    let lead = contact::send(app, actor, &contact::Target::Organisation(e.org.slug.clone()), &form, None).await?;
    entry::ActiveModel { id: Set(e.e.id), contact_request_id: Set(Some(lead.id)), ..Default::default() }
        .update(&app.db)
        .await?;
    Ok(lead)
}

/// Asks the orchestrators for help with the search: the request lands in
/// their queue and each of them is emailed.
pub async fn ask_help(app: &App, actor: &Principal, id: i32, message: &str) -> Result<(), AppError> {
    let s = get(app, actor, id).await?;
    let uid = crate::policy::user_id(actor)?;
    let mut c = Checker::default();
    let message = c.check("help_message", kimppa_domain::required_text(message, MAX_TEXT));
    if s.help_status == "requested" {
        c.push("help_message", "err-help-waiting");
    }
    c.finish()?;
    let message = message.unwrap_or_default();
    let org = crate::people::org_name(app, s.org_id).await?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    partner_search::ActiveModel {
        id: Set(s.id),
        help_status: Set("requested".into()),
        help_message: Set(message.clone()),
        help_reply: Set(String::new()),
        help_requested_at: Set(Some(now)),
        help_requested_by: Set(Some(uid.0)),
        help_handled_by: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    let staff: Vec<(String, String)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Email, user::Column::Locale])
        .filter(user::Column::PlatformRole.eq(PlatformRole::Orchestrator))
        .into_tuple()
        .all(&tx)
        .await?;
    for (to, lang) in staff {
        let link = app.url(&format!("/{lang}/partner-searches/{}", s.id));
        let (subject, body) = texts::help_asked(&lang, &org, &s.title, &message, &link);
        email::queue(&tx, &to, &subject, &body).await?;
    }
    crate::changelog::admin_action(&tx, uid, "partner-search.help-asked", format!("partner-search:{}", s.id), "")
        .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// An orchestrator answers a help request (after shortlisting suggestions,
/// for example); the person who asked is emailed the answer.
pub async fn answer_help(app: &App, actor: &Principal, id: i32, reply: &str) -> Result<(), AppError> {
    policy::require(actor, Action::FeatureChallenges)?;
    let uid = crate::policy::user_id(actor)?;
    let s = get(app, actor, id).await?;
    let mut c = Checker::default();
    let reply = c.check("help_reply", kimppa_domain::required_text(reply, MAX_TEXT));
    if s.help_status != "requested" {
        c.push("help_reply", "err-help-not-asked");
    }
    c.finish()?;
    let reply = reply.unwrap_or_default();
    let tx = app.db.begin().await?;
    partner_search::ActiveModel {
        id: Set(s.id),
        help_status: Set("handled".into()),
        help_reply: Set(reply.clone()),
        help_handled_by: Set(Some(uid.0)),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    // The person who asked, while they still manage the search; otherwise the organisation's admins.
    let asker = match s.help_requested_by {
        Some(id) => user::Entity::find_by_id(id).one(&tx).await?,
        None => None,
    };
    let still_admin = match &asker {
        Some(u) => policy::allowed(
            &Principal::resolve(app, UserId(u.id), false).await?,
            Action::AnswerForOrganisation { org: OrgId(s.org_id) },
        ),
        None => false,
    };
    let recipients = match asker {
        Some(u) if still_admin => vec![(u.email, u.locale)],
        _ => crate::directory::services::admin_emails(&tx, s.org_id).await?,
    };
    for (to, lang) in recipients {
        let link = app.url(&format!("/{lang}/partner-searches/{}", s.id));
        let (subject, body) = texts::help_answered(&lang, &s.title, &reply, &link);
        email::queue(&tx, &to, &subject, &body).await?;
    }
    crate::changelog::admin_action(&tx, uid, "partner-search.help-answered", format!("partner-search:{}", s.id), "")
        .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// Forming a kimppa from the shortlist, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FromShortlist {
    pub name: String,
    pub value_proposition: String,
    /// "on": shown in the public kimppa catalogue.
    pub publish: Option<String>,
    pub problem: String,
    /// Chosen shortlist entries' ids.
    pub members: Vec<String>,
}

/// Forms a kimppa of the searching organisation (in the role it offers)
/// and the chosen shortlisted organisations (an expert's organisation for
/// an expert), each in its shortlisted role. Once per search.
pub async fn form_kimppa(
    app: &App,
    actor: &Principal,
    id: i32,
    f: &FromShortlist,
) -> Result<kimppa_store::entities::kimppa::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let s = get(app, actor, id).await?;
    if s.kimppa_id.is_some() {
        return Err(AppError::Conflict("kimppa-exists"));
    }
    let shortlist = entries(app, &s).await?;
    let mut k = Checker::default();
    let kf = KimppaForm {
        name: f.name.clone(),
        value_proposition: f.value_proposition.clone(),
        publish: f.publish.clone(),
        owner_role: String::new(),
    };
    let slug = kimppas::check_form(&mut k, &kf);
    if f.problem.chars().count() > MAX_TEXT {
        k.push("problem", "err-too-long");
    }
    let chosen: Vec<&Entry> =
        shortlist.iter().filter(|e| f.members.iter().any(|m| m.trim() == e.e.id.to_string())).collect();
    if chosen.is_empty() {
        k.push("members", "err-kimppa-choose-members");
    }
    k.finish()?;
    // The searcher is a member at once; the chosen ones are invited and confirm first.
    let mut members = vec![(s.org_id, s.offer_role, true)];
    for e in chosen {
        if members.iter().all(|(o, _, _)| *o != e.e.org_id) {
            members.push((e.e.org_id, e.e.role, false));
        }
    }
    let invited: Vec<(i32, PartnerRole)> = members.iter().filter(|m| !m.2).map(|m| (m.0, m.1)).collect();
    let tx = app.db.begin().await?;
    // Once per search, also when the form is sent twice at once.
    let taken = partner_search::Entity::update_many()
        .col_expr(partner_search::Column::Status, sea_orm::sea_query::Expr::value(SearchStatus::Formed))
        .col_expr(partner_search::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(partner_search::Column::Id.eq(s.id))
        .filter(partner_search::Column::KimppaId.is_null())
        .exec(&tx)
        .await?;
    if taken.rows_affected == 0 {
        return Err(AppError::Conflict("kimppa-exists"));
    }
    let made = kimppas::insert(
        app,
        &tx,
        NewKimppa {
            slug,
            name: f.name.trim(),
            problem: f.problem.trim().to_string(),
            value_proposition: f.value_proposition.trim(),
            publish: f.publish.is_some(),
            challenge_id: None,
            required_roles: s.roles.clone(),
            created_by: uid.0,
            members,
        },
        format!("partner-search:{}", s.id),
    )
    .await?;
    partner_search::ActiveModel { id: Set(s.id), kimppa_id: Set(Some(made.id)), ..Default::default() }
        .update(&tx)
        .await?;
    let from = crate::people::org_name(app, s.org_id).await?;
    for (org_id, _) in invited {
        for (to, lang) in crate::directory::services::admin_emails(&tx, org_id).await? {
            let link = app.url(&format!("/{lang}/kimppas/{}", made.slug));
            let (subject, body) = texts::kimppa_invitation(&lang, &from, &made.name, &link);
            email::queue(&tx, &to, &subject, &body).await?;
        }
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(made)
}

/// Closes an open search (nothing more is shortlisted) or opens it again.
pub async fn set_open(app: &App, actor: &Principal, id: i32, open: bool) -> Result<(), AppError> {
    let s = get(app, actor, id).await?;
    let status = match (s.status, open) {
        (SearchStatus::Open, false) => SearchStatus::Closed,
        (SearchStatus::Closed, true) => SearchStatus::Open,
        _ => return Err(AppError::Conflict("search-state")),
    };
    partner_search::ActiveModel {
        id: Set(s.id),
        status: Set(status),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&app.db)
    .await?;
    Ok(())
}

mod texts {
    pub fn kimppa_invitation(lang: &str, from: &str, kimppa: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("{from} invites you to the kimppa {kimppa}"),
                format!(
                    "{from} formed the kimppa \"{kimppa}\" on Kimppa and invites your organisation to it.\n\nRead it and confirm or decline:\n{link}\n"
                ),
            )
        } else {
            (
                format!("{from} kutsuu teidät kimppaan {kimppa}"),
                format!(
                    "{from} muodosti Kimppassa kimpan \"{kimppa}\" ja kutsuu organisaationne mukaan.\n\nLue ja vahvista tai kieltäydy:\n{link}\n"
                ),
            )
        }
    }

    pub fn help_asked(lang: &str, org: &str, title: &str, message: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("{org} asks for help with a partner search"),
                format!(
                    "{org} asks the orchestrators for help with its partner search \"{title}\":\n\n{message}\n\nThe search and its shortlist:\n{link}\n"
                ),
            )
        } else {
            (
                format!("{org} pyytää apua kimppahakuun"),
                format!(
                    "{org} pyytää orkestroijilta apua kimppahakuunsa \"{title}\":\n\n{message}\n\nHaku ja sen lyhytlista:\n{link}\n"
                ),
            )
        }
    }

    pub fn help_answered(lang: &str, title: &str, reply: &str, link: &str) -> (String, String) {
        if lang == "en" {
            (
                format!("The orchestrators answered: {title}"),
                format!(
                    "The orchestrators answered your request for help with the partner search \"{title}\":\n\n{reply}\n\nYour search:\n{link}\n"
                ),
            )
        } else {
            (
                format!("Orkestroijat vastasivat: {title}"),
                format!(
                    "Orkestroijat vastasivat avunpyyntöösi kimppahaussa \"{title}\":\n\n{reply}\n\nHakusi:\n{link}\n"
                ),
            )
        }
    }
}
