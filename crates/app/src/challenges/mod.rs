//! Challenges — the problem marketplace of SPEC C6: an organisation
//! publishes a problem with the partner roles it wants (optionally as an
//! innovation competition with a deadline and criteria), organisations and
//! experts respond, the owner shortlists, scores and decides, and the
//! accepted partners form a kimppa.
//!
//! Who sees what is decided in [`visibility`].

pub mod documents;
pub mod following;
pub mod kimppas;
pub mod metrics;
pub mod responses;
pub mod searches;
pub mod suggest;
pub mod visibility;

/// The challenges' hooks: new challenges told to the followers of their
/// focus areas, and the links that stop following one.
pub fn register(h: &mut crate::hooks::Hooks) {
    following::register(h);
    documents::register(h);
    h.subjects.add(crate::notifications::Subject {
        kind: SUBJECT,
        visible: visible_challenges,
        digest_fi: "haasteessa",
        digest_en: "challenges",
    });
}

/// Notices of responses and their decisions are about a challenge.
pub const SUBJECT: &str = "challenge";

/// The challenges `p` sees, for the kernel's checks of notices.
fn visible_challenges(p: &Principal) -> Option<sea_orm::sea_query::SelectStatement> {
    use sea_orm::sea_query::Query;
    if policy::is_staff(p) {
        return None;
    }
    Some(
        Query::select()
            .column(challenge::Column::Id)
            .from(challenge::Entity)
            .cond_where(visibility::condition(p))
            .to_owned(),
    )
}

use crate::{
    App, AppError,
    directory::list as split_list,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, NaiveDate, Utc};
use kimppa_domain::OrgId;
use kimppa_domain::{ChallengeStatus, ChallengeVisibility, FocusArea, PartnerRole};
use kimppa_store::entities::{challenge, challenge_invite, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

pub const PER_PAGE: u64 = 20;
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

/// The challenge form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ChallengeForm {
    /// The owner organisation's slug.
    pub org: String,
    pub title: String,
    pub description: String,
    pub context: String,
    pub roles: Vec<String>,
    pub focus_areas: Vec<String>,
    pub schedule: String,
    pub impact: String,
    pub visibility: String,
    /// "on": an innovation competition.
    pub competition: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: String,
    /// One criterion per line.
    pub criteria: String,
    /// Invited organisations' slugs, separated by commas or spaces.
    pub invited: String,
    /// "publish" publishes at once; anything else saves a draft.
    pub action: String,
}

/// Organisations the actor may publish challenges for: those they administer
/// (staff: every approved organisation).
pub async fn owner_choices(app: &App, actor: &Principal) -> Result<Vec<organisation::Model>, AppError> {
    policy::require(actor, Action::StartChallenge)?;
    if policy::is_staff(actor) {
        return crate::organisations::approved(app).await;
    }
    let ids: Vec<i32> =
        policy::own_orgs_where(actor, |org| Action::ManageChallenges { org }).map(|m| m.org_id.0).collect();
    crate::organisations::by_ids(app, ids).await
}

/// May the actor manage this organisation's challenges (edit, publish,
/// close, decide on responses)? Its admins and staff.
pub fn may_manage(actor: &Principal, org_id: i32) -> bool {
    policy::allowed(actor, Action::ManageChallenges { org: OrgId(org_id) })
}

struct Checked {
    org: organisation::Model,
    roles: Vec<PartnerRole>,
    focus: Vec<FocusArea>,
    visibility: ChallengeVisibility,
    deadline: Option<DateTime<Utc>>,
    invited: Vec<i32>,
}

/// A stored challenge being edited: its organisation stays, and its
/// deadline may stay even when it has passed.
struct Editing {
    org: organisation::Model,
    deadline: Option<DateTime<Utc>>,
}

/// Checks the form (a new challenge, or `editing` one).
async fn check(app: &App, actor: &Principal, f: &ChallengeForm, editing: Option<Editing>) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    let keep_deadline = editing.as_ref().and_then(|e| e.deadline);
    let org = match editing {
        Some(e) => Some(e.org),
        None => owner_choices(app, actor).await?.into_iter().find(|o| o.slug == f.org.trim()),
    };
    check_org_and_title(&mut c, org.is_some(), &f.org, &f.title);
    if f.description.trim().is_empty() {
        c.push("description", "err-required");
    }
    if f.schedule.trim().chars().count() > 200 {
        c.push("schedule", "err-too-long");
    }
    for (field, text) in [("description", &f.description), ("context", &f.context), ("impact", &f.impact)] {
        if text.chars().count() > MAX_TEXT {
            c.push(field, "err-too-long");
        }
    }
    let roles = c.check("roles", PartnerRole::parse_list(f.roles.iter().map(String::as_str))).unwrap_or_default();
    if roles.is_empty() && c.errors.iter().all(|e| e.field != "roles") {
        c.push("roles", "err-required");
    }
    let focus =
        c.check("focus_areas", FocusArea::parse_list(f.focus_areas.iter().map(String::as_str))).unwrap_or_default();
    let visibility = c.check("visibility", ChallengeVisibility::parse(&f.visibility));
    let mut deadline = None;
    if f.competition.is_some() {
        match NaiveDate::parse_from_str(f.deadline.trim(), "%Y-%m-%d") {
            Err(_) if f.deadline.trim().is_empty() => c.push("deadline", "err-required"),
            Err(_) => c.push("deadline", "err-date"),
            Ok(d) => {
                // The end of the day, Finnish time (21:59 UTC in winter, 20:59 in summer).
                let end = d.and_hms_opt(23, 59, 0).unwrap_or_default();
                // The offset of that day (clocks change at 01:00 UTC, never near 23:59).
                let offset = crate::finnish_time(DateTime::<Utc>::from_naive_utc_and_offset(end, Utc))
                    .offset()
                    .local_minus_utc() as i64;
                let at = DateTime::<Utc>::from_naive_utc_and_offset(end - chrono::Duration::seconds(offset), Utc);
                if at < crate::now() && Some(at) != keep_deadline {
                    c.push("deadline", "err-date-past");
                }
                deadline = Some(at);
            }
        }
        if split_lines(&f.criteria).is_empty() {
            c.push("criteria", "err-required");
        }
    }
    let mut invited = Vec::new();
    if visibility == Some(ChallengeVisibility::Invited) {
        // Organisations by name (or address), as people choose them.
        let named = crate::organisations::by_names(app, &f.invited, true).await?;
        if named.is_empty() {
            c.push("invited", "err-required");
        }
        for n in named {
            match n {
                crate::organisations::Named::Found(o) => {
                    if !invited.contains(&o.id) {
                        invited.push(o.id);
                    }
                }
                crate::organisations::Named::Unknown(_) => c.push("invited", "err-org-unknown"),
                crate::organisations::Named::Ambiguous(..) => c.push("invited", "err-org-ambiguous"),
            }
        }
    }
    c.finish()?;
    let (Some(org), Some(visibility)) = (org, visibility) else { return Err(crate::error::checked()) };
    Ok(Checked { org, roles, focus, visibility, deadline, invited })
}

/// The owner organisation (found among the actor's choices, or not) and
/// the title, as the challenge and partner-search forms check them.
pub(crate) fn check_org_and_title(c: &mut Checker, org_found: bool, org_typed: &str, title: &str) {
    if !org_found {
        c.push("org", if org_typed.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let title = title.trim();
    if title.is_empty() {
        c.push("title", "err-required");
    } else if title.chars().count() > MAX_TITLE {
        c.push("title", "err-too-long");
    }
}

/// The columns a checked form sets, on a new or a stored challenge.
fn content(f: &ChallengeForm, k: &Checked) -> challenge::ActiveModel {
    challenge::ActiveModel {
        title: Set(f.title.trim().into()),
        description: Set(f.description.trim().into()),
        context: Set(f.context.trim().into()),
        roles: Set(PartnerRole::join(&k.roles)),
        focus_areas: Set(FocusArea::join(&k.focus)),
        schedule: Set(f.schedule.trim().into()),
        impact: Set(f.impact.trim().into()),
        visibility: Set(k.visibility),
        competition: Set(f.competition.is_some()),
        deadline: Set(k.deadline),
        criteria: Set(if f.competition.is_some() { split_lines(&f.criteria).join("\n") } else { String::new() }),
        ..Default::default()
    }
}

/// Makes `orgs` the challenge's invited organisations.
async fn set_invites<C: sea_orm::ConnectionTrait>(conn: &C, challenge_id: i32, orgs: &[i32]) -> Result<(), AppError> {
    challenge_invite::Entity::delete_many()
        .filter(challenge_invite::Column::ChallengeId.eq(challenge_id))
        .exec(conn)
        .await?;
    for &org_id in orgs {
        challenge_invite::ActiveModel { challenge_id: Set(challenge_id), org_id: Set(org_id), ..Default::default() }
            .insert(conn)
            .await?;
    }
    Ok(())
}

/// The non-empty, trimmed lines of a text.
pub fn split_lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Creates a challenge (a draft, or published at once). Its organisation's
/// admins or staff (on behalf of an organisation).
pub async fn create(app: &App, actor: &Principal, f: &ChallengeForm) -> Result<challenge::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let k = check(app, actor, f, None).await?;
    policy::require(actor, Action::ManageChallenges { org: OrgId(k.org.id) })?;
    let now = crate::now();
    let publish = f.action == "publish";
    let tx = app.db.begin().await?;
    let mut am = content(f, &k);
    am.org_id = Set(k.org.id);
    am.created_by = Set(uid.0);
    am.status = Set(if publish { ChallengeStatus::Published } else { ChallengeStatus::Draft });
    am.featured = Set(false);
    am.created_at = Set(now);
    am.updated_at = Set(now);
    am.published_at = Set(publish.then_some(now));
    let c = am.insert(&tx).await?;
    set_invites(&tx, c.id, &k.invited).await?;
    if publish {
        following::record(&tx, c.id).await?;
    }
    crate::search::touch(&tx, "challenge", &[c.id]).await?;
    crate::changelog::admin_action(
        &tx,
        uid,
        if publish { "challenge.published" } else { "challenge.drafted" },
        format!("challenge:{}", c.id),
        k.org.slug.clone(),
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(c)
}

/// The form filled from a stored challenge (for editing).
/// A challenge and its form as stored, for those who manage it.
pub async fn for_editing(app: &App, actor: &Principal, id: i32) -> Result<(challenge::Model, ChallengeForm), AppError> {
    let c = get(app, actor, id).await?;
    policy::require(actor, Action::ManageChallenges { org: OrgId(c.org_id) })?;
    let form = form_of(app, &c).await?;
    Ok((c, form))
}

pub async fn form_of(app: &App, c: &challenge::Model) -> Result<ChallengeForm, AppError> {
    let invited_ids: Vec<i32> = challenge_invite::Entity::find()
        .filter(challenge_invite::Column::ChallengeId.eq(c.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|i| i.org_id)
        .collect();
    let names = crate::people::org_names(app, invited_ids.iter().copied().chain([c.org_id])).await?;
    Ok(ChallengeForm {
        org: names.get(&c.org_id).map(|o| o.slug.clone()).unwrap_or_default(),
        title: c.title.clone(),
        description: c.description.clone(),
        context: c.context.clone(),
        roles: split_list(&c.roles).into_iter().map(str::to_string).collect(),
        focus_areas: split_list(&c.focus_areas).into_iter().map(str::to_string).collect(),
        schedule: c.schedule.clone(),
        impact: c.impact.clone(),
        visibility: c.visibility.to_string(),
        competition: c.competition.then(|| "on".to_string()),
        deadline: c.deadline.map(|d| crate::finnish_time(d).format("%Y-%m-%d").to_string()).unwrap_or_default(),
        criteria: c.criteria.clone(),
        invited: invited_ids
            .iter()
            .filter_map(|id| names.get(id).map(|o| o.name.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        action: String::new(),
    })
}

/// Saves an edited challenge (its organisation stays); a draft may be
/// published with the same form. Its organisation's admins or staff.
pub async fn update(app: &App, actor: &Principal, id: i32, f: &ChallengeForm) -> Result<challenge::Model, AppError> {
    let uid = crate::policy::user_id(actor)?;
    let c = get(app, actor, id).await?;
    if !may_manage(actor, c.org_id) {
        return Err(AppError::Forbidden);
    }
    let org = organisation::Entity::find_by_id(c.org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let k = check(app, actor, f, Some(Editing { org, deadline: c.deadline })).await?;
    let now = crate::now();
    let publish = f.action == "publish" && c.status == ChallengeStatus::Draft;
    let tx = app.db.begin().await?;
    let mut am = content(f, &k);
    am.id = Set(c.id);
    am.updated_at = Set(now);
    if publish {
        am.status = Set(ChallengeStatus::Published);
        am.published_at = Set(Some(now));
    }
    let saved = am.update(&tx).await?;
    set_invites(&tx, c.id, &k.invited).await?;
    if publish {
        following::record(&tx, c.id).await?;
    }
    crate::search::touch(&tx, "challenge", &[c.id]).await?;
    crate::changelog::admin_action(
        &tx,
        uid,
        if publish { "challenge.published" } else { "challenge.edited" },
        format!("challenge:{}", c.id),
        "",
    )
    .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(saved)
}

/// Publishes a draft, closes a published challenge (no new responses), or
/// features it (staff only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Publish,
    Close,
    Feature(bool),
}

pub async fn change(app: &App, actor: &Principal, id: i32, what: Change) -> Result<(), AppError> {
    let c = get(app, actor, id).await?;
    let uid = crate::policy::user_id(actor)?;
    match what {
        Change::Feature(_) => policy::require(actor, Action::FeatureChallenges)?,
        _ => {
            policy::require(actor, Action::ManageChallenges { org: OrgId(c.org_id) })?;
        }
    }
    let now = crate::now();
    let mut am = challenge::ActiveModel { id: Set(c.id), updated_at: Set(now), ..Default::default() };
    let action = match what {
        Change::Publish if c.status == ChallengeStatus::Draft => {
            am.status = Set(ChallengeStatus::Published);
            am.published_at = Set(Some(now));
            "challenge.published"
        }
        Change::Close if c.status == ChallengeStatus::Published => {
            am.status = Set(ChallengeStatus::Closed);
            "challenge.closed"
        }
        Change::Feature(on) => {
            am.featured = Set(on);
            if on { "challenge.featured" } else { "challenge.unfeatured" }
        }
        _ => return Err(AppError::Conflict("challenge-state")),
    };
    let tx = app.db.begin().await?;
    am.update(&tx).await?;
    if what == Change::Publish {
        following::record(&tx, c.id).await?;
    }
    crate::search::touch(&tx, "challenge", &[c.id]).await?;
    crate::changelog::admin_action(&tx, uid, action, format!("challenge:{}", c.id), "").await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

/// A challenge the viewer may see, or not found.
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<challenge::Model, AppError> {
    challenge::Entity::find_by_id(id).filter(visibility::condition(actor)).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// A challenge as lists show it.
#[derive(Debug, Clone)]
pub struct Card {
    pub c: challenge::Model,
    pub org_name: String,
    pub org_slug: String,
}

#[derive(Debug, Clone)]
pub struct CardList {
    pub items: Vec<Card>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// An organisation's challenges the viewer sees (the visibility module's
/// condition), open ones first then the newest; at most `limit` (one query).
pub async fn of_org(app: &App, actor: &Principal, org_id: i32, limit: u64) -> Result<Vec<challenge::Model>, AppError> {
    Ok(challenge::Entity::find()
        .filter(visibility::condition(actor))
        .filter(challenge::Column::OrgId.eq(org_id))
        .order_by_desc(challenge::Column::Status)
        .order_by_desc(challenge::Column::PublishedAt)
        .order_by_desc(challenge::Column::Id)
        .limit(limit)
        .all(&app.db)
        .await?)
}

/// Published and closed challenges the viewer sees (and, for the people of
/// an organisation, its drafts): featured first, then the newest. Three
/// queries whatever the data size.
pub async fn list(app: &App, actor: &Principal, page: u64) -> Result<CardList, AppError> {
    let select = challenge::Entity::find().filter(visibility::condition(actor));
    let total = select.clone().count(&app.db).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = select
        // "published", then "draft", then "closed".
        .order_by_desc(challenge::Column::Status)
        .order_by_desc(challenge::Column::Featured)
        .order_by_desc(challenge::Column::PublishedAt)
        .order_by_desc(challenge::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&app.db)
        .await?;
    let items = cards(app, rows).await?;
    Ok(CardList { items, total, page, pages })
}

pub async fn cards(app: &App, rows: Vec<challenge::Model>) -> Result<Vec<Card>, AppError> {
    let orgs = crate::people::org_names(app, rows.iter().map(|c| c.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let crate::people::OrgName { name: org_name, slug: org_slug } =
                orgs.get(&c.org_id).cloned().unwrap_or_default();
            Card { c, org_name, org_slug }
        })
        .collect())
}

/// The roles a challenge wants.
pub fn roles_of(c: &challenge::Model) -> Vec<PartnerRole> {
    PartnerRole::parse_list(split_list(&c.roles)).unwrap_or_default()
}

/// Responses are taken while the challenge is published and, for a
/// competition, until its deadline.
pub fn open_for_responses(c: &challenge::Model) -> bool {
    c.status == ChallengeStatus::Published && c.deadline.is_none_or(|d| d > crate::now())
}
