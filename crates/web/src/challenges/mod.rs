//! Challenge pages (the problem marketplace), responses with their private
//! conversations ([`responses`]), forming a kimppa and the kimppa catalogue
//! ([`kimppas`]), and partner searches ([`searches`]).

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
use kimppa_app::matchmaking::{Fit, Part};
use kimppa_app::{
    AppError,
    challenges::{
        self, ChallengeForm, Change,
        kimppas::KimppaForm,
        responses::{DecisionForm, ResponseForm},
        suggest,
    },
};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{ChallengeStatus, ResponseStatus};
use kimppa_domain::{ChallengeVisibility, FocusArea, PartnerRole};

pub(crate) mod api;
mod kimppas;
mod responses;
pub mod searches;

use kimppas::*;
use responses::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/challenges", get(list))
        .route("/notifications/focus", post(save_focus))
        .route("/challenges/new", get(new_form).post(create))
        .route("/challenges/{id}", get(detail))
        .route("/challenges/{id}/edit", get(edit_form).post(edit))
        .route("/challenges/{id}/state", post(state))
        .route("/challenges/{id}/respond", post(respond))
        .route("/challenges/{id}/kimppa", post(form_kimppa))
        .route("/challenges/{id}/responses/{rid}", get(response))
        .route("/challenges/{id}/responses/{rid}/decision", post(decide))
        .route("/challenges/{id}/responses/{rid}/messages", post(message))
        .route("/challenges/{id}/responses/{rid}/attachment", get(response_attachment))
        .route("/kimppas", get(catalogue))
        .route("/kimppas/{slug}", get(kimppa))
        .route("/kimppas/{slug}/settings", post(kimppa_settings))
        .route("/kimppas/{slug}/membership", post(kimppa_membership))
        .merge(searches::routes())
}

/// Under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/challenges", get(figures)).merge(searches::admin_routes())
}

#[derive(Template)]
#[template(path = "challenges/figures.html")]
struct FiguresPage {
    p: Page,
    months: Vec<challenges::metrics::Month>,
}

/// The challenge path in figures per month, for orchestrators.
pub async fn figures(ctx: Ctx) -> Result<Response, WebError> {
    let months = challenges::metrics::by_month(ctx.app(), &ctx.principal).await?;
    let p = ctx.page("challenge-figures-title").await;
    Ok(crate::html(&FiguresPage { p, months }))
}

pub(crate) fn role_keys() -> impl Iterator<Item = &'static str> {
    PartnerRole::ALL.iter().map(|r| r.key())
}

/// A challenge in a list, ready for the template.
pub struct CardView {
    pub id: i32,
    pub title: String,
    pub org: String,
    pub roles: Vec<String>,
    pub status: String,
    pub status_key: String,
    pub visibility: String,
    pub competition: bool,
    pub featured: bool,
    pub deadline: String,
}

fn card(p: &Page, c: challenges::Card) -> CardView {
    CardView {
        id: c.c.id,
        roles: challenges::roles_of(&c.c).iter().map(|r| p.t(&format!("role-{}", r.key()))).collect(),
        status: p.t(&format!("challenge-status-{}", c.c.status)),
        status_key: c.c.status.to_string(),
        visibility: p.t(&format!("visibility-{}", c.c.visibility)),
        competition: c.c.competition,
        featured: c.c.featured,
        deadline: c.c.deadline.map(|d| p.date(&d)).unwrap_or_default(),
        title: c.c.title,
        org: c.org_name,
    }
}

#[derive(Template)]
#[template(path = "challenges/list.html")]
struct ListPage {
    p: Page,
    items: Vec<CardView>,
    total: u64,
    page: u64,
    pages: u64,
    logged_in: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageParam {
    pub page: Option<String>,
}

pub async fn list(ctx: Ctx, Query(q): Query<PageParam>) -> Result<Response, WebError> {
    let page = q.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let l = challenges::list(ctx.app(), &ctx.principal, page).await?;
    let p = ctx.page("challenges-title").await;
    let items = l.items.into_iter().map(|c| card(&p, c)).collect();
    Ok(crate::html(&ListPage {
        p,
        items,
        total: l.total,
        page: l.page,
        pages: l.pages,
        logged_in: !ctx.principal.is_anonymous(),
    }))
}

#[derive(Template)]
#[template(path = "challenges/new.html")]
struct NewPage {
    p: Page,
    /// Where the form goes: new, or the challenge's edit address.
    action: String,
    /// Editing a draft (it may be published from the form).
    draft: bool,
    form: ChallengeForm,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    roles: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    visibilities: Vec<(String, String, bool)>,
    /// Organisation names the invited field suggests.
    org_names: Vec<String>,
}

async fn new_page(ctx: &Ctx, form: ChallengeForm, errors: FormErrors) -> Result<Response, WebError> {
    form_page(ctx, form, errors, None).await
}

/// The challenge form: new (`editing` none) or editing (the challenge).
async fn form_page(
    ctx: &Ctx,
    mut form: ChallengeForm,
    errors: FormErrors,
    editing: Option<&kimppa_app::records::challenge::Model>,
) -> Result<Response, WebError> {
    let choices = match editing {
        // The organisation of a challenge stays.
        Some(c) => kimppa_app::organisations::by_ids(ctx.app(), [c.org_id]).await?,
        None => challenges::owner_choices(ctx.app(), &ctx.principal).await?,
    };
    if let (Some(_), Some(o)) = (editing, choices.first()) {
        form.org = o.slug.clone();
    }
    let editing = editing.map(|c| (c.id, c.status == ChallengeStatus::Draft));
    let mut p = ctx.form_page(if editing.is_some() { "challenge-edit-title" } else { "challenge-new-title" }).await;
    let (action, draft) = match editing {
        Some((id, draft)) => {
            p.title = format!("{}: {}", p.title, form.title);
            (ctx.href(&format!("/challenges/{id}/edit")), draft)
        }
        None => (ctx.href("/challenges/new"), true),
    };
    let chosen_org = if form.org.is_empty() && choices.len() == 1 { choices[0].slug.clone() } else { form.org.clone() };
    let orgs = choices
        .into_iter()
        .map(|o| {
            let sel = o.slug == chosen_org;
            (o.slug, o.name, sel)
        })
        .collect();
    let roles = key_options(p.lang, "role-", role_keys(), &form.roles);
    let focus = key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|f| f.key()), &form.focus_areas);
    let vis = if form.visibility.is_empty() { "public".to_string() } else { form.visibility.clone() };
    let visibilities = key_options(p.lang, "visibility-", ChallengeVisibility::ALL.iter().map(|v| v.key()), &[vis]);
    let org_names = kimppa_app::organisations::name_choices(ctx.app()).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&NewPage { p, action, draft, form, errors, orgs, roles, focus, visibilities, org_names }))
        .into_response())
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (c, form) = challenges::for_editing(ctx.app(), &ctx.principal, id).await?;
    form_page(&ctx, form, FormErrors::none(), Some(&c)).await
}

pub async fn edit(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<ChallengeForm>) -> Result<Response, WebError> {
    match challenges::update(ctx.app(), &ctx.principal, id, &form).await {
        Ok(c) => {
            ctx.flash(if form.action == "publish" { "challenge-published" } else { "challenge-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/challenges/{}", c.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let c = challenges::get(ctx.app(), &ctx.principal, id).await?;
            form_page(&ctx, form, errors, Some(&c)).await
        }
    }
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    new_page(&ctx, ChallengeForm::default(), FormErrors::none()).await
}

pub async fn create(ctx: Ctx, Form(form): Form<ChallengeForm>) -> Result<Response, WebError> {
    match challenges::create(ctx.app(), &ctx.principal, &form).await {
        Ok(c) => {
            ctx.flash(if c.status == ChallengeStatus::Published { "challenge-published" } else { "challenge-drafted" })
                .await;
            Ok(Redirect::to(&ctx.href(&format!("/challenges/{}", c.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            new_page(&ctx, form, errors).await
        }
    }
}

/// A response in the owner's table.
pub struct ResponseRow {
    pub id: i32,
    pub from: String,
    pub role: String,
    pub status: String,
    pub total: u32,
    pub own: bool,
}

/// A suggested expert with the reasons in words.
pub struct ExpertView {
    pub id: i32,
    pub name: String,
    pub org: String,
    pub points: String,
    pub reasons: Vec<String>,
}

/// A suggested partner with its reasons in words.
pub struct SuggestionView {
    pub name: String,
    pub slug: String,
    pub points: String,
    pub reasons: Vec<String>,
}

pub fn reason_text(p: &Page, part: &Part, points: f64) -> String {
    let what = match part {
        Part::Role { role, fit } => {
            let how = match fit {
                Fit::Offering => p.t("reason-fit-offering"),
                Fit::Declared => p.t("reason-fit-declared"),
                Fit::OrgType => p.t("reason-fit-org-type"),
            };
            format!("{} ({how})", p.t(&format!("role-{role}")))
        }
        Part::Focus { shared } => format!(
            "{}: {}",
            p.t("reason-focus"),
            shared.iter().map(|f| p.t(&format!("focus-{f}"))).collect::<Vec<_>>().join(", ")
        ),
        Part::Text { .. } => p.t("reason-text"),
        Part::Region { region } => format!("{}: {region}", p.t("reason-region")),
        Part::Cooperation { times } => p.tn("reason-cooperation", times),
    };
    format!("{what} +{points:.0}")
}

/// Suggested organisations with their reasons in words.
pub fn suggestion_views(p: &Page, found: Vec<suggest::Suggestion>) -> Vec<SuggestionView> {
    found
        .into_iter()
        .map(|s| SuggestionView {
            points: format!("{:.0}", s.score),
            reasons: s.reasons.iter().map(|r| reason_text(p, &r.part, r.points)).collect(),
            name: s.org.name,
            slug: s.org.slug,
        })
        .collect()
}

/// Suggested experts with their reasons in words.
pub fn expert_views(p: &Page, found: Vec<suggest::ExpertSuggestion>) -> Vec<ExpertView> {
    found
        .into_iter()
        .map(|s| ExpertView {
            id: s.expert_id,
            points: format!("{:.0}", s.score),
            reasons: s.reasons.iter().map(|r| reason_text(p, &r.part, r.points)).collect(),
            name: s.name,
            org: s.org,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "challenges/detail.html")]
struct DetailPage {
    p: Page,
    c: CardView,
    description: String,
    context: String,
    schedule: String,
    impact: String,
    criteria: Vec<String>,
    focus: Vec<String>,
    manage: bool,
    staff: bool,
    open: bool,
    logged_in: bool,
    responses: Vec<ResponseRow>,
    suggestions: Vec<SuggestionView>,
    /// Suggested experts with their reasons.
    expert_suggestions: Vec<ExpertView>,
    kimppa: Option<(String, String)>,
    accepted: usize,
    // The response form.
    form: ResponseForm,
    errors: FormErrors,
    as_orgs: Vec<(String, String, bool)>,
    roles: Vec<(String, String, bool)>,
    // The kimppa form.
    /// Roles the challenge's organisation may take in the kimppa.
    owner_roles: Vec<(String, String, bool)>,
    kform: KimppaForm,
    kerrors: FormErrors,
}

#[derive(Default)]
struct Typed {
    form: ResponseForm,
    errors: FormErrors,
    kform: KimppaForm,
    kerrors: FormErrors,
}

async fn detail_page(ctx: &Ctx, id: i32, typed: Typed) -> Result<Response, WebError> {
    let c = challenges::get(ctx.app(), &ctx.principal, id).await?;
    let manage = challenges::may_manage(&ctx.principal, c.org_id);
    let logged_in = !ctx.principal.is_anonymous();
    let p = if logged_in { ctx.form_page("challenges-title").await } else { ctx.page("challenges-title").await };
    let mut p = p;
    p.title = c.title.clone();
    let rows = challenges::responses::list(ctx.app(), &ctx.principal, &c).await?;
    let accepted = rows.iter().filter(|r| r.r.status == ResponseStatus::Accepted && r.r.org_id.is_some()).count();
    let responses = rows
        .into_iter()
        .map(|r| ResponseRow {
            id: r.r.id,
            role: p.t(&format!("role-{}", r.r.role)),
            status: p.t(&format!("response-status-{}", r.r.status)),
            total: challenges::responses::total(&r.scores),
            own: ctx.principal.user_id() == Some(UserId(r.r.user_id)),
            from: r.from,
        })
        .collect();
    let found = if manage {
        suggest::for_challenge(ctx.app(), &ctx.principal, id).await?
    } else {
        suggest::Suggestions::default()
    };
    let suggestions = suggestion_views(&p, found.orgs);
    let expert_suggestions = expert_views(&p, found.experts);
    // An unpublished kimppa is named only to those who manage the challenge.
    let kimppa = challenges::kimppas::of_challenge(ctx.app(), c.id)
        .await?
        .filter(|k| k.published || manage)
        .map(|k| (k.slug, k.name));
    // A fresh form responds for the person's organisation (the first they
    // may act for); what was chosen stays when the form comes back.
    let fresh = typed.errors.is_empty() && typed.form.as_org.is_empty() && typed.form.proposal.is_empty();
    let choices: Vec<_> =
        kimppa_app::policy::acting_choices(&ctx.principal).filter(|m| m.org_id != OrgId(c.org_id)).collect();
    let default_org = if fresh { choices.first().map(|m| m.slug.clone()) } else { None };
    let as_orgs = choices
        .iter()
        .map(|m| {
            let chosen = m.slug == typed.form.as_org || default_org.as_deref() == Some(m.slug.as_str());
            (m.slug.clone(), m.name.clone(), chosen)
        })
        .collect();
    let wanted: Vec<String> = challenges::roles_of(&c).iter().map(|r| r.key().to_string()).collect();
    let chosen = if typed.form.role.is_empty() { vec![] } else { vec![typed.form.role.clone()] };
    let others: Vec<String> = role_keys().filter(|k| !wanted.iter().any(|w| w == k)).map(str::to_string).collect();
    let roles = key_options(p.lang, "role-", wanted.iter().chain(others.iter()), &chosen);
    let focus = kimppa_app::directory::list(&c.focus_areas).into_iter().map(|f| p.t(&format!("focus-{f}"))).collect();
    let status = if typed.errors.is_empty() && typed.kerrors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let org_name = kimppa_app::people::org_name(ctx.app(), c.org_id).await?;
    let page = DetailPage {
        description: kimppa_app::markdown::render(&c.description),
        context: kimppa_app::markdown::render(&c.context),
        schedule: c.schedule.clone(),
        impact: c.impact.clone(),
        criteria: challenges::split_lines(&c.criteria),
        focus,
        open: challenges::open_for_responses(&c),
        c: card(&p, challenges::Card { org_name, org_slug: String::new(), c }),
        manage,
        staff: kimppa_app::policy::is_staff(&ctx.principal),
        logged_in,
        responses,
        suggestions,
        expert_suggestions,
        kimppa,
        accepted,
        form: typed.form,
        errors: typed.errors,
        as_orgs,
        roles,
        owner_roles: key_options(
            p.lang,
            "role-",
            role_keys(),
            &[if typed.kform.owner_role.is_empty() { "customer".to_string() } else { typed.kform.owner_role.clone() }],
        ),
        kform: typed.kform,
        kerrors: typed.kerrors,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    detail_page(&ctx, id, Typed::default()).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    /// `publish`, `close`, `feature` or `unfeature`.
    pub action: String,
}

pub async fn state(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<StateForm>) -> Result<Response, WebError> {
    let (what, flash) = match f.action.as_str() {
        "publish" => (Change::Publish, "challenge-published"),
        "close" => (Change::Close, "challenge-closed"),
        "feature" => (Change::Feature(true), "challenge-featured"),
        "unfeature" => (Change::Feature(false), "challenge-unfeatured"),
        _ => return Err(AppError::field("action", "err-unknown-value").into()),
    };
    challenges::change(ctx.app(), &ctx.principal, id, what).await?;
    ctx.flash(flash).await;
    Ok(Redirect::to(&ctx.href(&format!("/challenges/{id}"))).into_response())
}

pub async fn respond(
    ctx: Ctx,
    Path(id): Path<i32>,
    FormWithFile(f, file): FormWithFile<ResponseForm>,
) -> Result<Response, WebError> {
    match challenges::responses::respond(ctx.app(), &ctx.principal, id, &f, file).await {
        Ok(r) => {
            ctx.flash("challenge-responded").await;
            Ok(Redirect::to(&ctx.href(&format!("/challenges/{id}/responses/{}", r.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            detail_page(&ctx, id, Typed { form: f, errors, ..Default::default() }).await
        }
    }
}

pub async fn form_kimppa(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<KimppaForm>) -> Result<Response, WebError> {
    match challenges::kimppas::form(ctx.app(), &ctx.principal, id, &f).await {
        Ok(k) => {
            ctx.flash("kimppa-formed").await;
            Ok(Redirect::to(&ctx.href(&format!("/kimppas/{}", k.slug))).into_response())
        }
        Err(e) => {
            let kerrors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            detail_page(&ctx, id, Typed { kform: f, kerrors, ..Default::default() }).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FocusForm {
    pub focus_areas: Vec<String>,
}

/// Saves the focus areas whose new challenges the person hears of.
pub async fn save_focus(ctx: Ctx, Form(f): Form<FocusForm>) -> Result<Response, WebError> {
    let uid = kimppa_app::policy::user_id(&ctx.principal)?;
    kimppa_app::challenges::following::set_followed(ctx.app(), uid.0, &f.focus_areas).await?;
    ctx.flash("notification-settings-saved").await;
    Ok(Redirect::to(&ctx.href("/notifications/settings")).into_response())
}
