//! Group pages (SPEC C11): the list of working groups, mini-clusters and
//! the cluster's steering and advisory groups; a group's public page and,
//! for its members, its private space (discussion, documents, events,
//! actions, a mini-cluster's phases); joining by request or invitation; the
//! leads' page of members; the founding form; counts under `/admin/groups`.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormWithFile, Query},
    forms::{FormErrors, key_options},
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::groups::{
    self, ActionForm, DocumentForm, GroupForm, InviteForm, JoinForm, LeadChange, PhaseForm, ThreadForm, visibility,
};
use kimppa_app::records::group;
use kimppa_app::{AppError, policy};
use kimppa_domain::{ActionStatus, ClusterPhase, FocusArea, GroupKind, GroupMemberStatus, GroupRole};

pub(crate) mod api;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list))
        .route("/groups/new", get(new_form).post(create))
        .route("/groups/{slug}", get(detail))
        .route("/groups/{slug}/edit", get(edit_form).post(edit))
        .route("/groups/{slug}/join", post(join))
        .route("/groups/{slug}/invitations/{mid}", post(invitation))
        .route("/groups/{slug}/members", get(members))
        .route("/groups/{slug}/members/{mid}", post(member_change))
        .route("/groups/{slug}/invite", post(invite))
        .route("/groups/{slug}/discussions", post(discussion))
        .route("/groups/{slug}/documents", post(document_add))
        .route("/groups/{slug}/documents/{did}", get(document))
        .route("/groups/{slug}/phases", post(phase))
        .route("/groups/{slug}/actions", post(action_add))
        .route("/groups/{slug}/actions/{aid}", post(action_set))
}

/// Under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/groups", get(admin_counts))
}

fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "slug" => "field-group-slug",
        "kind" => "field-group-kind",
        "name_fi" => "field-group-name-fi",
        "name_en" => "field-group-name-en",
        "description_fi" => "field-group-description-fi",
        "description_en" => "field-group-description-en",
        "focus_areas" => "field-focus",
        "joining" => "field-group-joining",
        "org" => "field-group-join-as",
        "message" => "field-group-message",
        "who" => "field-group-who",
        "role" => "field-group-role",
        "title" => "field-group-title",
        "doc_title" => "field-group-document-title",
        "action_title" => "field-action-title",
        "body" => "field-group-body",
        "attachment" => "field-group-file",
        "phase" => "field-group-phase",
        "starts_on" => "field-phase-starts",
        "ends_on" => "field-phase-ends",
        "notes" => "field-phase-notes",
        "owner" => "field-action-owner",
        "due_on" => "field-action-due",
        _ => return None,
    })
}

fn errors_of(e: &AppError, ctx: &Ctx) -> Option<FormErrors> {
    FormErrors::from_app_labelled(e, ctx.lang, label_of)
}

pub struct GroupCard {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub phase: String,
    pub focus: String,
}

fn card(p: &Page, g: &group::Model) -> GroupCard {
    GroupCard {
        slug: g.slug.clone(),
        name: groups::name(g, p.code()).to_string(),
        kind: p.t(&format!("group-kind-{}", g.kind.key())),
        phase: if g.phase.is_empty() { String::new() } else { p.t(&format!("phase-{}", g.phase)) },
        focus: p.labels("focus", &g.focus_areas),
    }
}

#[derive(Template)]
#[template(path = "groups/list.html")]
struct ListPage {
    p: Page,
    items: Vec<GroupCard>,
    may_found: bool,
}

pub async fn list(ctx: Ctx) -> Result<Response, WebError> {
    let rows = groups::list(ctx.app()).await?;
    let p = ctx.page("groups-title").await;
    let items = rows.iter().map(|g| card(&p, g)).collect();
    let may_found = policy::allowed(&ctx.principal, policy::Action::ManageGroups);
    Ok(crate::html(&ListPage { p, items, may_found }))
}

// ---------------------------------------------------------------------------
// A group's page and space

pub struct MemberView {
    pub id: i32,
    pub name: String,
    pub org_slug: String,
    pub role: String,
    pub role_key: String,
    pub status: String,
    pub status_key: String,
    pub message: String,
}

fn member_views(p: &Page, rows: Vec<groups::Member>) -> Vec<MemberView> {
    rows.into_iter()
        .map(|m| MemberView {
            id: m.row.id,
            name: m.name,
            org_slug: m.org_slug,
            role: p.t(&format!("group-role-{}", m.row.role.key())),
            role_key: m.row.role.key().into(),
            status: p.t(&format!("group-member-{}", m.row.status.key())),
            status_key: m.row.status.key().into(),
            message: m.row.message,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "groups/detail.html")]
struct DetailPage {
    p: Page,
    g: group::Model,
    c: GroupCard,
    description: String,
    /// Shown on the public page: member organisations (when the group shows them).
    public_members: Vec<MemberView>,
    member: bool,
    space: bool,
    manage: bool,
    signed_in: bool,
    requested: bool,
    invitations: Vec<(i32, String)>,
    join_orgs: Vec<(String, String, bool)>,
    join: JoinForm,
    people: Vec<MemberView>,
    discussions: Vec<(i32, String, String)>,
    thread: ThreadForm,
    documents: Vec<(i32, String, String)>,
    doc: DocumentForm,
    events: Vec<crate::events::CardView>,
    phases: Vec<(String, String, String, bool)>,
    phase_keys: Vec<(String, String, bool)>,
    actions: Vec<(i32, String, String, String, String, String)>,
    statuses: Vec<(String, String)>,
    errors: FormErrors,
    /// Which form the errors belong to.
    failed: String,
}

#[derive(Default)]
struct Typed {
    join: Option<JoinForm>,
    thread: Option<ThreadForm>,
    doc: Option<DocumentForm>,
    failed: &'static str,
}

async fn detail_page(ctx: &Ctx, slug: &str, typed: Typed, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let g = groups::get(app, slug).await?;
    let rows = groups::memberships(&app.db, g.id).await?;
    let actor = &ctx.principal;
    let member = visibility::is_member(actor, &rows);
    let space = visibility::sees_space(actor, &rows);
    let manage = visibility::manages(actor, &rows);
    let me = actor.user_id().map(|u| u.0);
    let requested = rows.iter().any(|m| m.status == GroupMemberStatus::Requested && m.created_by == me.unwrap_or(-1));
    let invitations: Vec<(i32, String)> = {
        let inv = groups::invitations_for(actor, &rows);
        let named = groups::named(app, &inv.into_iter().cloned().collect::<Vec<_>>()).await?;
        named.into_iter().map(|m| (m.row.id, m.name)).collect()
    };
    let mut p = ctx.form_page("groups-title").await;
    let name = groups::name(&g, p.code()).to_string();
    p.title = name;
    let all = groups::named(app, &rows).await?;
    let public_members = member_views(
        &p,
        all.iter()
            .filter(|m| m.row.status == GroupMemberStatus::Active && (m.is_org || space) && (g.show_members || space))
            .cloned()
            .collect(),
    );
    let (people, discussions, documents, events, phases, actions) = if space {
        let threads = groups::discussions(app, actor, g.id).await?;
        let docs = groups::documents_of(app, g.id).await?;
        let evs = groups::events_of(app, actor, g.id).await?;
        let names = crate::events::Names::load(app, &evs).await?;
        let ph = if g.kind == GroupKind::MiniCluster { groups::phases(app, g.id).await? } else { vec![] };
        let acts = groups::actions(app, g.id).await?;
        (
            member_views(&p, all.iter().filter(|m| m.row.status == GroupMemberStatus::Active).cloned().collect()),
            threads.iter().map(|t| (t.id, t.title.clone(), p.datetime(&t.last_post_at))).collect(),
            docs.iter()
                .map(|d| (d.id, d.title.clone(), format!("{} · {}", d.file_name, p.date(&d.created_at))))
                .collect(),
            evs.iter().map(|e| crate::events::card(&p, &names, e)).collect(),
            ClusterPhase::ALL
                .iter()
                .filter(|_| g.kind == GroupKind::MiniCluster)
                .map(|k| {
                    let row = ph.iter().find(|r| r.phase == *k);
                    let dates = row
                        .map(|r| match &r.ends_on {
                            Some(e) => format!("{} – {}", p.day(&r.starts_on), p.day(e)),
                            None => format!("{} –", p.day(&r.starts_on)),
                        })
                        .unwrap_or_default();
                    (
                        p.t(&format!("phase-{}", k.key())),
                        dates,
                        row.map(|r| kimppa_app::markdown::render(&r.notes)).unwrap_or_default(),
                        g.phase == k.key(),
                    )
                })
                .collect(),
            acts.iter()
                .map(|a| {
                    (
                        a.id,
                        a.title.clone(),
                        a.owner.clone(),
                        a.due_on.as_deref().map(|d| p.day(d)).unwrap_or_default(),
                        p.t(&format!("action-status-{}", a.status.key())),
                        a.status.key().to_string(),
                    )
                })
                .collect(),
        )
    } else {
        Default::default()
    };
    let join_orgs = policy::acting_choices(actor)
        .filter(|m| m.role == kimppa_domain::OrgRole::Admin)
        .map(|m| (m.slug.clone(), m.name.clone(), typed.join.as_ref().is_some_and(|j| j.org == m.slug)))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = DetailPage {
        c: card(&p, &g),
        description: kimppa_app::markdown::render(groups::description(&g, p.code())),
        signed_in: !actor.is_anonymous(),
        join: typed.join.unwrap_or_default(),
        thread: typed.thread.unwrap_or_default(),
        doc: typed.doc.unwrap_or_default(),
        failed: typed.failed.to_string(),
        phase_keys: key_options(
            p.lang,
            "phase-",
            ClusterPhase::ALL.iter().map(|k| k.key()),
            std::slice::from_ref(&g.phase),
        ),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (s.key().to_string(), p.t(&format!("action-status-{}", s.key()))))
            .collect(),
        public_members,
        member,
        space,
        manage,
        requested,
        invitations,
        join_orgs,
        people,
        discussions,
        documents,
        events,
        phases,
        actions,
        errors,
        g,
        p,
    };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn detail(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    detail_page(&ctx, &slug, Typed::default(), FormErrors::none()).await
}

fn back(ctx: &Ctx, slug: &str, anchor: &str) -> Response {
    Redirect::to(&format!("{}#{anchor}", ctx.href(&format!("/groups/{slug}")))).into_response()
}

pub async fn join(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<JoinForm>) -> Result<Response, WebError> {
    match groups::request_join(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(_) => {
            ctx.flash("group-join-requested").await;
            Ok(back(&ctx, &slug, "join-title"))
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, &slug, Typed { join: Some(f), failed: "join", ..Default::default() }, errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActionChoice {
    pub action: String,
    pub role: String,
    pub status: String,
}

pub async fn invitation(
    ctx: Ctx,
    Path((slug, mid)): Path<(String, i32)>,
    Form(f): Form<ActionChoice>,
) -> Result<Response, WebError> {
    let accept = f.action == "accept";
    groups::answer_invitation(ctx.app(), &ctx.principal, &slug, mid, accept).await?;
    ctx.flash(if accept { "group-invitation-accepted" } else { "group-invitation-declined" }).await;
    Ok(back(&ctx, &slug, "space-title"))
}

pub async fn discussion(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<ThreadForm>) -> Result<Response, WebError> {
    match groups::start_discussion(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(t) => {
            ctx.flash("group-discussion-started").await;
            Ok(Redirect::to(&ctx.href(&format!("/forum/threads/{}", t.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, &slug, Typed { thread: Some(f), failed: "thread", ..Default::default() }, errors).await
        }
    }
}

pub async fn document_add(
    ctx: Ctx,
    Path(slug): Path<String>,
    FormWithFile(f, file): FormWithFile<DocumentForm>,
) -> Result<Response, WebError> {
    match groups::add_document(ctx.app(), &ctx.principal, &slug, &f, file).await {
        Ok(_) => {
            ctx.flash("group-document-added").await;
            Ok(back(&ctx, &slug, "documents-title"))
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, &slug, Typed { doc: Some(f), failed: "doc", ..Default::default() }, errors).await
        }
    }
}

pub async fn document(ctx: Ctx, Path((slug, did)): Path<(String, i32)>) -> Result<Response, WebError> {
    let (d, bytes) = groups::document(ctx.app(), &ctx.principal, &slug, did).await?;
    Ok(crate::forum::file_response(&d.file_name, &d.content_type, bytes))
}

pub async fn phase(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<PhaseForm>) -> Result<Response, WebError> {
    match groups::save_phase(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(()) => {
            ctx.flash("group-phase-saved").await;
            Ok(back(&ctx, &slug, "phases-title"))
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, &slug, Typed { failed: "phase", ..Default::default() }, errors).await
        }
    }
}

pub async fn action_add(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<ActionForm>) -> Result<Response, WebError> {
    match groups::add_action(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(_) => {
            ctx.flash("group-action-added").await;
            Ok(back(&ctx, &slug, "actions-title"))
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, &slug, Typed { failed: "action", ..Default::default() }, errors).await
        }
    }
}

pub async fn action_set(
    ctx: Ctx,
    Path((slug, aid)): Path<(String, i32)>,
    Form(f): Form<ActionChoice>,
) -> Result<Response, WebError> {
    groups::set_action(ctx.app(), &ctx.principal, &slug, aid, &f.status).await?;
    ctx.flash("group-action-changed").await;
    Ok(back(&ctx, &slug, "actions-title"))
}

// ---------------------------------------------------------------------------
// Members (leads)

#[derive(Template)]
#[template(path = "groups/members.html")]
struct MembersPage {
    p: Page,
    g: group::Model,
    name: String,
    rows: Vec<MemberView>,
    roles: Vec<(String, String, bool)>,
    form: InviteForm,
    errors: FormErrors,
}

async fn members_page(ctx: &Ctx, slug: &str, form: InviteForm, errors: FormErrors) -> Result<Response, WebError> {
    let (g, rows) = groups::managed(ctx.app(), &ctx.principal, slug).await?;
    let named = groups::named(ctx.app(), &rows).await?;
    let mut p = ctx.form_page("group-members-title").await;
    let name = groups::name(&g, p.code()).to_string();
    p.title = format!("{}: {name}", p.title);
    let role = if form.role.is_empty() { "member".to_string() } else { form.role.clone() };
    let roles = key_options(p.lang, "group-role-", GroupRole::ALL.iter().map(|r| r.key()), &[role]);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&MembersPage { rows: member_views(&p, named), roles, form, errors, name, g, p }))
        .into_response())
}

pub async fn members(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    members_page(&ctx, &slug, InviteForm::default(), FormErrors::none()).await
}

pub async fn member_change(
    ctx: Ctx,
    Path((slug, mid)): Path<(String, i32)>,
    Form(f): Form<ActionChoice>,
) -> Result<Response, WebError> {
    groups::managed(ctx.app(), &ctx.principal, &slug).await?;
    let change = match f.action.as_str() {
        "accept" => LeadChange::Accept,
        "decline" => LeadChange::Decline,
        "remove" => LeadChange::Remove,
        "role" => LeadChange::Role(GroupRole::parse(&f.role).map_err(|_| WebError(AppError::NotFound))?),
        _ => return Err(WebError(AppError::NotFound)),
    };
    groups::lead_change(ctx.app(), &ctx.principal, &slug, mid, change).await?;
    ctx.flash("group-member-changed").await;
    Ok(Redirect::to(&ctx.href(&format!("/groups/{slug}/members"))).into_response())
}

pub async fn invite(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<InviteForm>) -> Result<Response, WebError> {
    match groups::invite(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(_) => {
            ctx.flash("group-invited").await;
            Ok(Redirect::to(&ctx.href(&format!("/groups/{slug}/members"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            members_page(&ctx, &slug, f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// Founding and editing

#[derive(Template)]
#[template(path = "groups/form.html")]
struct FormPage {
    p: Page,
    action: String,
    editing: bool,
    form: GroupForm,
    errors: FormErrors,
    kinds: Vec<(String, String, bool)>,
    joining: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    show_members: bool,
}

async fn form_page(
    ctx: &Ctx,
    form: GroupForm,
    errors: FormErrors,
    editing: Option<&group::Model>,
) -> Result<Response, WebError> {
    let mut p = ctx.form_page(if editing.is_some() { "group-edit-title" } else { "group-new-title" }).await;
    let action = match editing {
        Some(g) => {
            p.title = format!("{}: {}", p.title, groups::name(g, p.code()));
            ctx.href(&format!("/groups/{}/edit", g.slug))
        }
        None => ctx.href("/groups/new"),
    };
    let one = |v: &str| vec![v.to_string()];
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = FormPage {
        kinds: key_options(p.lang, "group-kind-", GroupKind::ALL.iter().map(|k| k.key()), &one(&form.kind)),
        joining: key_options(p.lang, "group-joining-", groups::JOINING, &one(&form.joining)),
        focus: key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|k| k.key()), &form.focus_areas),
        show_members: form.show_members.is_some(),
        editing: editing.is_some(),
        action,
        form,
        errors,
        p,
    };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManageGroups)?;
    let form = GroupForm {
        kind: "working-group".into(),
        joining: "request".into(),
        show_members: Some("on".into()),
        ..Default::default()
    };
    form_page(&ctx, form, FormErrors::none(), None).await
}

pub async fn create(ctx: Ctx, Form(f): Form<GroupForm>) -> Result<Response, WebError> {
    match groups::create(ctx.app(), &ctx.principal, &f).await {
        Ok(g) => {
            ctx.flash("group-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/groups/{}", g.slug))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, f, errors, None).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let (g, _) = groups::managed(ctx.app(), &ctx.principal, &slug).await?;
    form_page(&ctx, GroupForm::of(&g), FormErrors::none(), Some(&g)).await
}

pub async fn edit(ctx: Ctx, Path(slug): Path<String>, Form(f): Form<GroupForm>) -> Result<Response, WebError> {
    match groups::update(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(_) => {
            ctx.flash("group-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/groups/{slug}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let (g, _) = groups::managed(ctx.app(), &ctx.principal, &slug).await?;
            form_page(&ctx, f, errors, Some(&g)).await
        }
    }
}

// ---------------------------------------------------------------------------
// Counts

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

#[derive(Template)]
#[template(path = "groups/admin.html")]
struct CountsPage {
    p: Page,
    rows: Vec<(String, String, groups::GroupCounts)>,
    prev: String,
    next: String,
}

pub async fn admin_counts(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    use chrono::Datelike;
    let this = kimppa_app::finnish_time(kimppa_app::now()).year();
    let y = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or(this);
    let counts = groups::counts(ctx.app(), &ctx.principal, y).await?;
    let mut p = ctx.page("group-counts-title").await;
    p.title = format!("{} {y}", p.title);
    let rows = counts
        .into_iter()
        .map(|c| (groups::name(&c.group, p.code()).to_string(), p.t(&format!("group-kind-{}", c.group.kind.key())), c))
        .collect();
    Ok(crate::html(&CountsPage {
        prev: format!("{}?year={}", p.href("/admin/groups"), y - 1),
        next: format!("{}?year={}", p.href("/admin/groups"), y + 1),
        rows,
        p,
    }))
}
