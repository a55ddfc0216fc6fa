//! Working groups and mini-clusters of SPEC C11: the cluster's theme groups
//! (construction, food systems and bio-cycles, reuse and material cycles,
//! digital solutions), mini-clusters following the development cycle
//! *initiate and define → analyse → choose targets → plan and pilot →
//! export concept* with their separate actions ("quick wins"), and the
//! steering and advisory groups. Organisations and people are members with
//! roles; people join by a request the leads accept, or by invitation. A
//! group's private space holds its discussion (the forum's closed threads,
//! open to the group's members), its documents and its events.
//!
//! Who is in a group and who leads it is decided in [`visibility`].

pub mod documents;
pub mod visibility;

use crate::{
    App, AppError, changelog,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::{
    ActionStatus, ClusterPhase, EventStatus, FocusArea, GroupKind, GroupMemberStatus, GroupRole, Slug,
};
use kimppa_store::entities::{
    event, forum_participant, forum_thread, group, group_action, group_document, group_member, group_phase, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::BTreeMap;

pub fn register(h: &mut crate::hooks::Hooks) {
    documents::register(h);
}

/// The forum area of the groups' discussions (made when first needed).
pub const FORUM_AREA: &str = "ryhmat";

// ---------------------------------------------------------------------------
// Groups

/// The group form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct GroupForm {
    pub slug: String,
    pub kind: String,
    pub name_fi: String,
    pub name_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub focus_areas: Vec<String>,
    /// `request` or `invitation`.
    pub joining: String,
    pub show_members: Option<String>,
}

impl GroupForm {
    pub fn of(g: &group::Model) -> GroupForm {
        GroupForm {
            slug: g.slug.clone(),
            kind: g.kind.key().into(),
            name_fi: g.name_fi.clone(),
            name_en: g.name_en.clone(),
            description_fi: g.description_fi.clone(),
            description_en: g.description_en.clone(),
            focus_areas: crate::directory::list(&g.focus_areas).into_iter().map(str::to_string).collect(),
            joining: g.joining.clone(),
            show_members: g.show_members.then(|| "on".into()),
        }
    }
}

pub const JOINING: [&str; 2] = ["request", "invitation"];

fn check(f: &GroupForm, editing: Option<&group::Model>) -> Result<(GroupKind, String, String), AppError> {
    let mut c = Checker::default();
    let slug = match editing {
        Some(g) => Some(g.slug.clone()),
        None => c.check("slug", Slug::parse(f.slug.trim())).map(|s| s.to_string()),
    };
    let kind = GroupKind::parse(&f.kind);
    if kind.is_err() {
        c.push("kind", if f.kind.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    if f.name_fi.trim().is_empty() {
        c.push("name_fi", "err-required");
    } else if f.name_fi.chars().count() > 200 {
        c.push("name_fi", "err-too-long");
    }
    if f.name_en.chars().count() > 200 {
        c.push("name_en", "err-too-long");
    }
    if f.description_fi.trim().is_empty() {
        c.push("description_fi", "err-required");
    }
    for (field, v) in [("description_fi", &f.description_fi), ("description_en", &f.description_en)] {
        if v.chars().count() > 20_000 {
            c.push(field, "err-too-long");
        }
    }
    if !JOINING.contains(&f.joining.trim()) {
        c.push("joining", if f.joining.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let focus = match FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)) {
        Ok(l) => FocusArea::join(&l),
        Err(_) => {
            c.push("focus_areas", "err-unknown-value");
            String::new()
        }
    };
    c.finish()?;
    match (kind, slug) {
        (Ok(k), Some(s)) => Ok((k, s, focus)),
        _ => Err(crate::error::checked()),
    }
}

fn content(f: &GroupForm, kind: GroupKind, focus: String) -> group::ActiveModel {
    group::ActiveModel {
        kind: Set(kind),
        name_fi: Set(f.name_fi.trim().into()),
        name_en: Set(f.name_en.trim().into()),
        description_fi: Set(f.description_fi.trim().into()),
        description_en: Set(f.description_en.trim().into()),
        focus_areas: Set(focus),
        joining: Set(f.joining.trim().into()),
        show_members: Set(f.show_members.is_some()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
}

/// Founds a group (staff); its founder's organisation is not a member
/// until added.
pub async fn create(app: &App, actor: &Principal, f: &GroupForm) -> Result<group::Model, AppError> {
    policy::require(actor, Action::ManageGroups)?;
    let uid = policy::user_id(actor)?;
    let (kind, slug, focus) = check(f, None)?;
    if group::Entity::find().filter(group::Column::Slug.eq(&slug)).one(&app.db).await?.is_some() {
        let mut c = Checker::default();
        c.push("slug", "err-slug-taken");
        c.finish()?;
    }
    let mut row = content(f, kind, focus);
    row.slug = Set(slug);
    row.phase = Set(if kind == GroupKind::MiniCluster { ClusterPhase::Initiate.key().into() } else { String::new() });
    row.created_by = Set(uid.0);
    row.created_at = Set(crate::now());
    let tx = app.db.begin().await?;
    let g = row.insert(&tx).await?;
    crate::search::touch(&tx, documents::KIND, &[g.id]).await?;
    tx.commit().await?;
    Ok(g)
}

/// Saves a group's changes (its leads, or staff).
pub async fn update(app: &App, actor: &Principal, slug: &str, f: &GroupForm) -> Result<group::Model, AppError> {
    let (g, _) = managed(app, actor, slug).await?;
    let (kind, _, focus) = check(f, Some(&g))?;
    let mut row = content(f, kind, focus);
    row.id = Set(g.id);
    if kind == GroupKind::MiniCluster && g.phase.is_empty() {
        row.phase = Set(ClusterPhase::Initiate.key().into());
    }
    let tx = app.db.begin().await?;
    let saved = row.update(&tx).await?;
    crate::search::touch(&tx, documents::KIND, &[g.id]).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Every group, by kind and name (groups are public).
pub async fn list(app: &App) -> Result<Vec<group::Model>, AppError> {
    let mut all = group::Entity::find().order_by_asc(group::Column::NameFi).all(&app.db).await?;
    all.sort_by_key(|g| GroupKind::ALL.iter().position(|k| *k == g.kind));
    Ok(all)
}

/// A group by its address.
pub async fn get(app: &App, slug: &str) -> Result<group::Model, AppError> {
    group::Entity::find().filter(group::Column::Slug.eq(slug)).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// A group by its id.
pub async fn by_id(app: &App, id: i32) -> Result<Option<group::Model>, AppError> {
    Ok(group::Entity::find_by_id(id).one(&app.db).await?)
}

/// Every membership row of a group (active, requested and invited).
pub async fn memberships<C: ConnectionTrait>(conn: &C, group_id: i32) -> Result<Vec<group_member::Model>, AppError> {
    Ok(group_member::Entity::find()
        .filter(group_member::Column::GroupId.eq(group_id))
        .order_by_asc(group_member::Column::Id)
        .all(conn)
        .await?)
}

/// A group the actor manages, with its memberships.
pub async fn managed(
    app: &App,
    actor: &Principal,
    slug: &str,
) -> Result<(group::Model, Vec<group_member::Model>), AppError> {
    policy::signed_in(actor)?;
    let g = get(app, slug).await?;
    let members = memberships(&app.db, g.id).await?;
    if !visibility::manages(actor, &members) {
        return Err(AppError::Forbidden);
    }
    Ok((g, members))
}

/// A group whose private space the actor sees, with its memberships.
pub async fn space(
    app: &App,
    actor: &Principal,
    slug: &str,
) -> Result<(group::Model, Vec<group_member::Model>), AppError> {
    policy::signed_in(actor)?;
    let g = get(app, slug).await?;
    let members = memberships(&app.db, g.id).await?;
    if !visibility::sees_space(actor, &members) {
        return Err(AppError::Forbidden);
    }
    Ok((g, members))
}

/// A group's name in a language (Finnish when there is no English one).
pub fn name<'a>(g: &'a group::Model, lang: &str) -> &'a str {
    if lang == "en" && !g.name_en.trim().is_empty() { &g.name_en } else { &g.name_fi }
}

/// A group's description in a language.
pub fn description<'a>(g: &'a group::Model, lang: &str) -> &'a str {
    if lang == "en" && !g.description_en.trim().is_empty() { &g.description_en } else { &g.description_fi }
}

/// A member as pages show them.
#[derive(Debug, Clone)]
pub struct Member {
    pub row: group_member::Model,
    /// The person's or the organisation's name.
    pub name: String,
    /// The organisation's address, for a link.
    pub org_slug: String,
    pub is_org: bool,
}

/// Names the memberships of a group.
pub async fn named(app: &App, rows: &[group_member::Model]) -> Result<Vec<Member>, AppError> {
    let people = crate::people::user_names(app, rows.iter().filter_map(|m| m.user_id)).await?;
    let orgs = crate::people::org_names(app, rows.iter().filter_map(|m| m.org_id)).await?;
    let mut out: Vec<Member> = rows
        .iter()
        .map(|m| {
            let org = m.org_id.and_then(|o| orgs.get(&o));
            Member {
                name: match (m.user_id, org) {
                    (Some(u), _) => people.get(&u).cloned().unwrap_or_default(),
                    (None, Some(o)) => o.name.clone(),
                    _ => String::new(),
                },
                org_slug: org.map(|o| o.slug.clone()).unwrap_or_default(),
                is_org: m.user_id.is_none(),
                row: m.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        GroupRole::ALL
            .iter()
            .position(|r| *r == a.row.role)
            .cmp(&GroupRole::ALL.iter().position(|r| *r == b.row.role))
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}

/// The groups an organisation is an active member of and shows (its
/// profile lists them).
pub async fn of_organisation(app: &App, org_id: i32) -> Result<Vec<group::Model>, AppError> {
    let ids: Vec<i32> = group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::Status.eq(GroupMemberStatus::Active))
        .select_only()
        .column(group_member::Column::GroupId)
        .into_tuple()
        .all(&app.db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(group::Entity::find()
        .filter(group::Column::Id.is_in(ids))
        .filter(group::Column::ShowMembers.eq(true))
        .order_by_asc(group::Column::NameFi)
        .all(&app.db)
        .await?)
}

// ---------------------------------------------------------------------------
// Joining, invitations, leads' decisions

/// The form of a request to join or of an invitation.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct JoinForm {
    /// Joining as an organisation: its slug (the actor is its admin); empty:
    /// as oneself.
    pub org: String,
    pub message: String,
}

/// Asks to join a group that takes requests; the leads are emailed.
pub async fn request_join(
    app: &App,
    actor: &Principal,
    slug: &str,
    f: &JoinForm,
) -> Result<group_member::Model, AppError> {
    policy::require(actor, Action::JoinGroup)?;
    let uid = policy::user_id(actor)?;
    let g = get(app, slug).await?;
    if g.joining != "request" {
        return Err(AppError::Conflict("group-by-invitation"));
    }
    let mut c = Checker::default();
    let org = match f.org.trim() {
        "" => None,
        s => match policy::acting_for(actor, s).filter(|m| m.role == kimppa_domain::OrgRole::Admin) {
            Some(m) => Some(m.org_id.0),
            None => {
                c.push("org", "err-unknown-value");
                None
            }
        },
    };
    if f.message.chars().count() > 2000 {
        c.push("message", "err-too-long");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let members = memberships(&tx, g.id).await?;
    if org.is_none() && visibility::is_member(actor, &members) {
        return Err(AppError::Conflict("group-member-exists"));
    }
    let exists = members.iter().any(|m| match org {
        Some(o) => m.org_id == Some(o) && m.user_id.is_none(),
        None => m.user_id == Some(uid.0),
    });
    if exists {
        return Err(AppError::Conflict("group-member-exists"));
    }
    let row = group_member::ActiveModel {
        group_id: Set(g.id),
        user_id: Set(if org.is_some() { None } else { Some(uid.0) }),
        org_id: Set(org),
        role: Set(GroupRole::Member),
        status: Set(GroupMemberStatus::Requested),
        message: Set(f.message.trim().to_string()),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        decided_by: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for lead in leads(&tx, &members).await? {
        let lang = crate::people::lang(&lead);
        let link = app.url(&format!("/{lang}/groups/{}/members", g.slug));
        let (subject, body) = if lang == "en" {
            (
                format!("A request to join {}", name(&g, lang)),
                format!("Someone asks to join {}.\n\nAccept or decline the request:\n{link}\n", name(&g, lang)),
            )
        } else {
            (
                format!("Liittymispyyntö: {}", name(&g, lang)),
                format!(
                    "Ryhmään {} on tullut liittymispyyntö.\n\nHyväksy tai hylkää pyyntö:\n{link}\n",
                    name(&g, lang)
                ),
            )
        };
        crate::email::queue(&tx, &lead.email, &subject, &body).await?;
    }
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(row)
}

/// The people who lead a group (named leads and facilitators, and the
/// admins of lead organisations).
async fn leads<C: ConnectionTrait>(conn: &C, members: &[group_member::Model]) -> Result<Vec<user::Model>, AppError> {
    let mut ids: Vec<i32> = Vec::new();
    for m in members
        .iter()
        .filter(|m| m.status == GroupMemberStatus::Active && matches!(m.role, GroupRole::Lead | GroupRole::Facilitator))
    {
        if let Some(u) = m.user_id {
            ids.push(u);
        } else if let Some(o) = m.org_id {
            ids.extend(crate::people::org_admins(conn, o).await?.into_iter().map(|u| u.id));
        }
    }
    ids.sort_unstable();
    ids.dedup();
    crate::people::users(conn, ids).await
}

/// An invitation as the leads write it: a person's email address or an
/// organisation's address, and a role.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct InviteForm {
    /// An email address or an organisation's slug.
    pub who: String,
    pub role: String,
    pub message: String,
}

/// Invites a person or an organisation (leads, staff); the invitee accepts
/// on the group's page.
pub async fn invite(app: &App, actor: &Principal, slug: &str, f: &InviteForm) -> Result<group_member::Model, AppError> {
    let (g, members) = managed(app, actor, slug).await?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    let role = GroupRole::parse(&f.role);
    if role.is_err() {
        c.push("role", "err-unknown-value");
    }
    let who = f.who.trim();
    let (person, org) = if who.contains('@') {
        let u = user::Entity::find().filter(user::Column::Email.eq(who.to_lowercase())).one(&app.db).await?;
        if u.is_none() {
            c.push("who", "err-no-such-person");
        }
        (u, None)
    } else {
        let o = kimppa_store::entities::organisation::Entity::find()
            .filter(kimppa_store::entities::organisation::Column::Slug.eq(who))
            .one(&app.db)
            .await?;
        if o.is_none() {
            c.push("who", if who.is_empty() { "err-required" } else { "err-no-such-person" });
        }
        (None, o)
    };
    if f.message.chars().count() > 2000 {
        c.push("message", "err-too-long");
    }
    c.finish()?;
    let role = role.map_err(|_| crate::error::checked())?;
    if members.iter().any(|m| {
        (person.is_some() && m.user_id == person.as_ref().map(|u| u.id))
            || (org.is_some() && m.user_id.is_none() && m.org_id == org.as_ref().map(|o| o.id))
    }) {
        return Err(AppError::Conflict("group-member-exists"));
    }
    let tx = app.db.begin().await?;
    let row = group_member::ActiveModel {
        group_id: Set(g.id),
        user_id: Set(person.as_ref().map(|u| u.id)),
        org_id: Set(org.as_ref().map(|o| o.id)),
        role: Set(role),
        status: Set(GroupMemberStatus::Invited),
        message: Set(f.message.trim().to_string()),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        decided_by: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let told = match (&person, &org) {
        (Some(u), _) => vec![u.clone()],
        (None, Some(o)) => crate::people::org_admins(&tx, o.id).await?,
        _ => vec![],
    };
    for u in told {
        let lang = crate::people::lang(&u);
        let link = app.url(&format!("/{lang}/groups/{}", g.slug));
        let (subject, body) = if lang == "en" {
            (
                format!("You are invited to {}", name(&g, lang)),
                format!(
                    "You are invited to {}.\n\n{}\n\nAccept or decline on the group's page:\n{link}\n",
                    name(&g, lang),
                    f.message.trim()
                ),
            )
        } else {
            (
                format!("Kutsu ryhmään {}", name(&g, lang)),
                format!(
                    "Sinut on kutsuttu ryhmään {}.\n\n{}\n\nHyväksy tai hylkää kutsu ryhmän sivulla:\n{link}\n",
                    name(&g, lang),
                    f.message.trim()
                ),
            )
        };
        crate::email::queue(&tx, &u.email, &subject, &body).await?;
    }
    changelog::personal(&tx, &person.iter().map(|u| u.id).collect::<Vec<_>>()).await?;
    tx.commit().await?;
    Ok(row)
}

/// The invitations waiting for the actor (themselves, or an organisation
/// they are an admin of).
pub fn invitations_for<'a>(actor: &Principal, members: &'a [group_member::Model]) -> Vec<&'a group_member::Model> {
    members
        .iter()
        .filter(|m| m.status == GroupMemberStatus::Invited)
        .filter(|m| match (m.user_id, m.org_id) {
            (Some(u), _) => actor.user_id().is_some_and(|me| me.0 == u),
            (None, Some(o)) => actor.role_in(kimppa_domain::OrgId(o)) == Some(kimppa_domain::OrgRole::Admin),
            _ => false,
        })
        .collect()
}

/// Accepts or declines an invitation made to the actor.
pub async fn answer_invitation(
    app: &App,
    actor: &Principal,
    slug: &str,
    member_id: i32,
    accept: bool,
) -> Result<(), AppError> {
    policy::require(actor, Action::JoinGroup)?;
    let uid = policy::user_id(actor)?;
    let g = get(app, slug).await?;
    let members = memberships(&app.db, g.id).await?;
    let m =
        invitations_for(actor, &members).into_iter().find(|m| m.id == member_id).cloned().ok_or(AppError::NotFound)?;
    decide(app, &g, &m, accept, uid.0, GroupMemberStatus::Invited).await
}

/// What a lead does to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadChange {
    Accept,
    Decline,
    Remove,
    Role(GroupRole),
}

/// A lead's decision on a request, a removal or a change of role.
pub async fn lead_change(
    app: &App,
    actor: &Principal,
    slug: &str,
    member_id: i32,
    change: LeadChange,
) -> Result<(), AppError> {
    let (g, members) = managed(app, actor, slug).await?;
    let uid = policy::user_id(actor)?;
    let m = members.iter().find(|m| m.id == member_id).cloned().ok_or(AppError::NotFound)?;
    match change {
        LeadChange::Accept | LeadChange::Decline => {
            if m.status != GroupMemberStatus::Requested {
                return Err(AppError::Conflict("group-member-state"));
            }
            decide(app, &g, &m, change == LeadChange::Accept, uid.0, GroupMemberStatus::Requested).await
        }
        LeadChange::Remove => {
            let tx = app.db.begin().await?;
            group_member::Entity::delete_by_id(m.id).exec(&tx).await?;
            sync_discussion(&tx, g.id).await?;
            changelog::personal(&tx, &m.user_id.into_iter().collect::<Vec<_>>()).await?;
            tx.commit().await?;
            Ok(())
        }
        LeadChange::Role(role) => {
            let mut row: group_member::ActiveModel = m.into();
            row.role = Set(role);
            let tx = app.db.begin().await?;
            row.update(&tx).await?;
            changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"group": g.id})).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// Makes a request or an invitation active (or removes it), in one
/// transaction with the discussion's participants.
async fn decide(
    app: &App,
    g: &group::Model,
    m: &group_member::Model,
    accept: bool,
    by: i32,
    from: GroupMemberStatus,
) -> Result<(), AppError> {
    let tx = app.db.begin().await?;
    let changed = if accept {
        group_member::Entity::update_many()
            .col_expr(group_member::Column::Status, sea_orm::sea_query::Expr::value(GroupMemberStatus::Active.key()))
            .col_expr(group_member::Column::DecidedBy, sea_orm::sea_query::Expr::value(by))
            .col_expr(group_member::Column::DecidedAt, sea_orm::sea_query::Expr::value(crate::now()))
            .filter(group_member::Column::Id.eq(m.id))
            .filter(group_member::Column::Status.eq(from))
            .exec(&tx)
            .await?
            .rows_affected
    } else {
        group_member::Entity::delete_many()
            .filter(group_member::Column::Id.eq(m.id))
            .filter(group_member::Column::Status.eq(from))
            .exec(&tx)
            .await?
            .rows_affected
    };
    if changed != 1 {
        return Err(AppError::Conflict("group-member-state"));
    }
    sync_discussion(&tx, g.id).await?;
    let mut told: Vec<i32> = m.user_id.into_iter().collect();
    told.push(m.created_by);
    changelog::personal(&tx, &told).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes every thread of the group's discussion open to exactly its active
/// members (people named, and member organisations).
async fn sync_discussion<C: ConnectionTrait>(conn: &C, group_id: i32) -> Result<(), AppError> {
    let threads: Vec<forum_thread::Model> =
        forum_thread::Entity::find().filter(forum_thread::Column::GroupId.eq(group_id)).all(conn).await?;
    if threads.is_empty() {
        return Ok(());
    }
    let members: Vec<group_member::Model> =
        memberships(conn, group_id).await?.into_iter().filter(|m| m.status == GroupMemberStatus::Active).collect();
    let ids: Vec<i32> = threads.iter().map(|t| t.id).collect();
    forum_participant::Entity::delete_many()
        .filter(forum_participant::Column::ThreadId.is_in(ids.clone()))
        .exec(conn)
        .await?;
    let now = crate::now();
    let rows: Vec<forum_participant::ActiveModel> = threads
        .iter()
        .flat_map(|t| {
            members.iter().map(move |m| forum_participant::ActiveModel {
                thread_id: Set(t.id),
                user_id: Set(m.user_id),
                org_id: Set(if m.user_id.is_some() { None } else { m.org_id }),
                invited_by: Set(t.author_id),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    // At most 1,000 rows (5,000 parameters) a statement.
    for chunk in rows.chunks(1000) {
        forum_participant::Entity::insert_many(chunk.to_vec()).exec(conn).await?;
    }
    // The threads' search documents carry their readers.
    crate::search::touch(conn, "thread", &ids).await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The private space: discussion, documents, events

/// The form of a new discussion in the group's space.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ThreadForm {
    pub title: String,
    pub body: String,
}

/// Starts a discussion in the group's space: a closed forum thread open to
/// the group's members.
pub async fn start_discussion(
    app: &App,
    actor: &Principal,
    slug: &str,
    f: &ThreadForm,
) -> Result<forum_thread::Model, AppError> {
    let (g, members) = space(app, actor, slug).await?;
    if !visibility::is_member(actor, &members) && !policy::is_staff(actor) {
        return Err(AppError::Forbidden);
    }
    ensure_forum_area(app).await?;
    let thread = crate::forum::create(
        app,
        actor,
        &crate::forum::ThreadForm {
            category: FORUM_AREA.into(),
            title: f.title.clone(),
            body: f.body.clone(),
            tags: vec![],
            closed: Some("on".into()),
        },
    )
    .await?;
    let tx = app.db.begin().await?;
    forum_thread::Entity::update_many()
        .col_expr(forum_thread::Column::GroupId, sea_orm::sea_query::Expr::value(g.id))
        .filter(forum_thread::Column::Id.eq(thread.id))
        .exec(&tx)
        .await?;
    sync_discussion(&tx, g.id).await?;
    tx.commit().await?;
    Ok(thread)
}

/// The forum area the groups' discussions live in.
async fn ensure_forum_area(app: &App) -> Result<(), AppError> {
    use kimppa_store::entities::forum_category;
    if forum_category::Entity::find().filter(forum_category::Column::Slug.eq(FORUM_AREA)).one(&app.db).await?.is_some()
    {
        return Ok(());
    }
    let inserted = forum_category::ActiveModel {
        slug: Set(FORUM_AREA.into()),
        name_fi: Set("Työryhmät".into()),
        name_en: Set("Working groups".into()),
        description_fi: Set("Ryhmien omat keskustelut; näkyvät vain ryhmien jäsenille.".into()),
        description_en: Set("The groups' own discussions, seen by each group's members only.".into()),
        position: Set(99),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await;
    // Made by a simultaneous request: fine.
    if inserted.is_err()
        && forum_category::Entity::find()
            .filter(forum_category::Column::Slug.eq(FORUM_AREA))
            .one(&app.db)
            .await?
            .is_none()
    {
        return Err(AppError::fail("the groups' forum area could not be made"));
    }
    Ok(())
}

/// The group's discussions the actor sees, newest activity first.
pub async fn discussions(app: &App, actor: &Principal, group_id: i32) -> Result<Vec<forum_thread::Model>, AppError> {
    Ok(forum_thread::Entity::find()
        .filter(forum_thread::Column::GroupId.eq(group_id))
        .filter(crate::forum::visibility::condition(actor))
        .order_by_desc(forum_thread::Column::LastPostAt)
        .limit(50)
        .all(&app.db)
        .await?)
}

/// The form of a document upload.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DocumentForm {
    #[serde(rename = "doc_title")]
    pub title: String,
}

/// Adds a file to the group's space (PDF or an image, checked by content).
pub async fn add_document(
    app: &App,
    actor: &Principal,
    slug: &str,
    f: &DocumentForm,
    file: Option<crate::forum::attachments::Upload>,
) -> Result<group_document::Model, AppError> {
    let (g, _) = space(app, actor, slug).await?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    if f.title.trim().is_empty() {
        c.push("doc_title", "err-required");
    } else if f.title.chars().count() > 200 {
        c.push("doc_title", "err-too-long");
    }
    if file.as_ref().is_none_or(|u| u.bytes.is_empty()) {
        c.push("attachment", "err-required");
    }
    c.finish()?;
    let stored = crate::forum::attachments::store(app, "attachment", file).await?.ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    let d = group_document::ActiveModel {
        group_id: Set(g.id),
        title: Set(f.title.trim().into()),
        file_key: Set(stored.key.clone()),
        file_name: Set(stored.name.clone()),
        content_type: Set(stored.content_type.into()),
        size: Set(stored.size as i32),
        uploaded_by: Set(uid.0),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"group-document": d.id})).await?;
    tx.commit().await?;
    Ok(d)
}

/// The group's documents, newest first.
pub async fn documents_of(app: &App, group_id: i32) -> Result<Vec<group_document::Model>, AppError> {
    Ok(group_document::Entity::find()
        .filter(group_document::Column::GroupId.eq(group_id))
        .order_by_desc(group_document::Column::Id)
        .all(&app.db)
        .await?)
}

/// A document and its bytes, for those who see the space.
pub async fn document(
    app: &App,
    actor: &Principal,
    slug: &str,
    id: i32,
) -> Result<(group_document::Model, bytes::Bytes), AppError> {
    let (g, _) = space(app, actor, slug).await?;
    let d = group_document::Entity::find_by_id(id)
        .filter(group_document::Column::GroupId.eq(g.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = app.files.get_attachment(&d.file_key).await?.ok_or(AppError::NotFound)?;
    Ok((d, bytes))
}

/// The group's events the actor may see (published, held and cancelled;
/// drafts for their organisers), soonest last.
pub async fn events_of(app: &App, actor: &Principal, group_id: i32) -> Result<Vec<event::Model>, AppError> {
    Ok(event::Entity::find()
        .filter(event::Column::GroupId.eq(group_id))
        .filter(crate::events::visibility::condition(actor))
        .filter(event::Column::Status.ne(EventStatus::Draft))
        .order_by_desc(event::Column::StartsAt)
        .limit(50)
        .all(&app.db)
        .await?)
}

// ---------------------------------------------------------------------------
// A mini-cluster's phases and actions

/// The phase form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PhaseForm {
    pub phase: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notes: String,
    /// "on": this is now the group's current phase.
    pub current: Option<String>,
}

/// Records a phase's dates and notes (leads, staff).
pub async fn save_phase(app: &App, actor: &Principal, slug: &str, f: &PhaseForm) -> Result<(), AppError> {
    let (g, _) = managed(app, actor, slug).await?;
    if g.kind != GroupKind::MiniCluster {
        return Err(AppError::NotFound);
    }
    let mut c = Checker::default();
    let phase = ClusterPhase::parse(&f.phase);
    if phase.is_err() {
        c.push("phase", "err-unknown-value");
    }
    let starts = crate::materials::parse_day(&f.starts_on);
    if starts.is_none() {
        c.push("starts_on", if f.starts_on.trim().is_empty() { "err-required" } else { "err-date" });
    }
    let ends = match f.ends_on.trim() {
        "" => None,
        t => match crate::materials::parse_day(t) {
            Some(d) if starts.is_none_or(|s| d >= s) => Some(d),
            Some(_) => {
                c.push("ends_on", "err-date-before-start");
                None
            }
            None => {
                c.push("ends_on", "err-date");
                None
            }
        },
    };
    if f.notes.chars().count() > 20_000 {
        c.push("notes", "err-too-long");
    }
    c.finish()?;
    let (Ok(phase), Some(starts)) = (phase, starts) else { return Err(crate::error::checked()) };
    let tx = app.db.begin().await?;
    let old = group_phase::Entity::find()
        .filter(group_phase::Column::GroupId.eq(g.id))
        .filter(group_phase::Column::Phase.eq(phase))
        .one(&tx)
        .await?;
    let mut row = group_phase::ActiveModel {
        group_id: Set(g.id),
        phase: Set(phase),
        starts_on: Set(starts.format("%Y-%m-%d").to_string()),
        ends_on: Set(ends.map(|d| d.format("%Y-%m-%d").to_string())),
        notes: Set(f.notes.trim().to_string()),
        updated_at: Set(crate::now()),
        ..Default::default()
    };
    match old {
        Some(o) => {
            row.id = Set(o.id);
            row.update(&tx).await?;
        }
        None => {
            row.insert(&tx).await?;
        }
    }
    if f.current.is_some() {
        let mut grow: group::ActiveModel = g.clone().into();
        grow.phase = Set(phase.key().into());
        grow.updated_at = Set(crate::now());
        grow.update(&tx).await?;
    }
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"group": g.id})).await?;
    tx.commit().await?;
    Ok(())
}

/// A mini-cluster's phases in the cycle's order.
pub async fn phases(app: &App, group_id: i32) -> Result<Vec<group_phase::Model>, AppError> {
    let mut rows = group_phase::Entity::find().filter(group_phase::Column::GroupId.eq(group_id)).all(&app.db).await?;
    rows.sort_by_key(|p| ClusterPhase::ALL.iter().position(|x| *x == p.phase));
    Ok(rows)
}

/// The action form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ActionForm {
    #[serde(rename = "action_title")]
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
}

/// Adds an action ("quick win") to a group (leads, staff).
pub async fn add_action(
    app: &App,
    actor: &Principal,
    slug: &str,
    f: &ActionForm,
) -> Result<group_action::Model, AppError> {
    let (g, _) = managed(app, actor, slug).await?;
    let mut c = Checker::default();
    if f.title.trim().is_empty() {
        c.push("action_title", "err-required");
    } else if f.title.chars().count() > 200 {
        c.push("action_title", "err-too-long");
    }
    if f.owner.chars().count() > 200 {
        c.push("owner", "err-too-long");
    }
    let due = match f.due_on.trim() {
        "" => None,
        t => {
            let d = crate::materials::parse_day(t);
            if d.is_none() {
                c.push("due_on", "err-date");
            }
            d
        }
    };
    c.finish()?;
    let now = crate::now();
    let tx = app.db.begin().await?;
    let a = group_action::ActiveModel {
        group_id: Set(g.id),
        title: Set(f.title.trim().into()),
        owner: Set(f.owner.trim().into()),
        status: Set(ActionStatus::Planned),
        due_on: Set(due.map(|d| d.format("%Y-%m-%d").to_string())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"group": g.id})).await?;
    tx.commit().await?;
    Ok(a)
}

/// Moves an action to another state (leads, staff).
pub async fn set_action(app: &App, actor: &Principal, slug: &str, id: i32, status: &str) -> Result<(), AppError> {
    let (g, _) = managed(app, actor, slug).await?;
    let status = ActionStatus::parse(status).map_err(|_| AppError::NotFound)?;
    let a = group_action::Entity::find_by_id(id)
        .filter(group_action::Column::GroupId.eq(g.id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut row: group_action::ActiveModel = a.into();
    row.status = Set(status);
    row.updated_at = Set(crate::now());
    let tx = app.db.begin().await?;
    row.update(&tx).await?;
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"group": g.id})).await?;
    tx.commit().await?;
    Ok(())
}

/// A group's actions, open ones first.
pub async fn actions(app: &App, group_id: i32) -> Result<Vec<group_action::Model>, AppError> {
    let mut rows = group_action::Entity::find()
        .filter(group_action::Column::GroupId.eq(group_id))
        .order_by_asc(group_action::Column::Id)
        .all(&app.db)
        .await?;
    rows.sort_by_key(|a| a.status == ActionStatus::Done);
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Counts

/// One group's figures for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    pub group: group::Model,
    /// Active memberships: organisations and people named.
    pub organisations: u32,
    pub people: u32,
    /// Discussions started, events held and documents added in the year.
    pub discussions: u32,
    pub events: u32,
    pub documents: u32,
}

/// Every group's figures for a calendar year (staff).
pub async fn counts(app: &App, actor: &Principal, year: i32) -> Result<Vec<GroupCounts>, AppError> {
    use chrono::{Datelike, Utc};
    policy::require(actor, Action::ManageGroups)?;
    let start = crate::finnish_year_start;
    let (from, to) = (start(year), start(year + 1));
    let groups = list(app).await?;
    let members = group_member::Entity::find()
        .filter(group_member::Column::Status.eq(GroupMemberStatus::Active))
        .all(&app.db)
        .await?;
    let threads: Vec<(Option<i32>, chrono::DateTime<Utc>)> = forum_thread::Entity::find()
        .filter(forum_thread::Column::GroupId.is_not_null())
        .filter(forum_thread::Column::CreatedAt.gte(from))
        .filter(forum_thread::Column::CreatedAt.lt(to))
        .select_only()
        .columns([forum_thread::Column::GroupId, forum_thread::Column::CreatedAt])
        .into_tuple()
        .all(&app.db)
        .await?;
    let events: Vec<Option<i32>> = event::Entity::find()
        .filter(event::Column::GroupId.is_not_null())
        .filter(event::Column::Status.eq(EventStatus::Held))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .select_only()
        .column(event::Column::GroupId)
        .into_tuple()
        .all(&app.db)
        .await?;
    let docs: Vec<(i32, chrono::DateTime<Utc>)> = group_document::Entity::find()
        .select_only()
        .columns([group_document::Column::GroupId, group_document::Column::CreatedAt])
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut by: BTreeMap<i32, (u32, u32, u32, u32, u32)> = BTreeMap::new();
    for m in &members {
        let e = by.entry(m.group_id).or_default();
        if m.user_id.is_some() { e.1 += 1 } else { e.0 += 1 }
    }
    for (g, _) in &threads {
        if let Some(g) = g {
            by.entry(*g).or_default().2 += 1;
        }
    }
    for g in events.into_iter().flatten() {
        by.entry(g).or_default().3 += 1;
    }
    for (g, at) in docs {
        if crate::finnish_time(at).year() == year {
            by.entry(g).or_default().4 += 1;
        }
    }
    Ok(groups
        .into_iter()
        .map(|g| {
            let (organisations, people, discussions, events, documents) = by.get(&g.id).copied().unwrap_or_default();
            GroupCounts { group: g, organisations, people, discussions, events, documents }
        })
        .collect())
}

/// Adds a membership directly (the demo, and staff seeding a group).
pub(crate) async fn add_member<C: ConnectionTrait>(
    conn: &C,
    group_id: i32,
    user_id: Option<i32>,
    org_id: Option<i32>,
    role: GroupRole,
    by: i32,
) -> Result<(), AppError> {
    group_member::ActiveModel {
        group_id: Set(group_id),
        user_id: Set(user_id),
        org_id: Set(org_id),
        role: Set(role),
        status: Set(GroupMemberStatus::Active),
        message: Set(String::new()),
        created_by: Set(by),
        created_at: Set(crate::now()),
        decided_by: Set(Some(by)),
        decided_at: Set(Some(crate::now())),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
