//! Partner search pages (kimppahaku): start a search, browse and
//! shortlist organisations and experts with suggestions, contact them,
//! ask the orchestrators for help, and form a kimppa from the shortlist;
//! the orchestrators' queue of help requests under `/admin`.

use crate::{
    AppState,
    challenges::{expert_views, role_keys, suggestion_views},
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
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
use kimppa_app::records::partner_search;
use kimppa_app::{
    challenges::searches::{self, FromShortlist, SearchForm},
    directory::contact::ContactForm,
    matchmaking::Part,
};
use kimppa_domain::SearchStatus;
use kimppa_domain::{FocusArea, PartnerRole};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partner-searches", get(list))
        .route("/partner-searches/new", get(new_form).post(create))
        .route("/partner-searches/{id}", get(detail))
        .route("/partner-searches/{id}/edit", get(edit_form).post(edit))
        .route("/partner-searches/{id}/state", post(state))
        .route("/partner-searches/{id}/shortlist", post(add))
        .route("/partner-searches/{id}/shortlist/{eid}/remove", post(remove))
        .route("/partner-searches/{id}/shortlist/{eid}/contact", get(contact_form).post(contact))
        .route("/partner-searches/{id}/help", post(help))
        .route("/partner-searches/{id}/help/answer", post(answer))
        .route("/partner-searches/{id}/kimppa", post(form_kimppa))
}

/// Under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/partner-searches", get(queue))
}

/// A search in a list, ready for the template.
pub struct CardView {
    pub id: i32,
    pub title: String,
    pub org: String,
    pub status: String,
    pub help: String,
    pub help_message: String,
    pub asked: String,
    pub shortlisted: usize,
    pub contacted: usize,
}

fn card(p: &Page, c: searches::Card) -> CardView {
    CardView {
        id: c.s.id,
        status: p.t(&format!("search-status-{}", c.s.status)),
        help: if c.s.help_status.is_empty() { String::new() } else { p.t(&format!("search-help-{}", c.s.help_status)) },
        asked: c.s.help_requested_at.map(|t| p.datetime(&t)).unwrap_or_default(),
        help_message: c.s.help_message,
        title: c.s.title,
        org: c.org_name,
        shortlisted: c.shortlisted,
        contacted: c.contacted,
    }
}

#[derive(Template)]
#[template(path = "challenges/searches/list.html")]
struct ListPage {
    p: Page,
    items: Vec<CardView>,
    may_start: bool,
    staff: bool,
}

pub async fn list(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    let rows = searches::mine(ctx.app(), &ctx.principal).await?;
    let may_start = kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::StartPartnerSearch);
    let p = ctx.page("searches-title").await;
    let items = rows.into_iter().map(|c| card(&p, c)).collect();
    Ok(crate::html(&ListPage { p, items, may_start, staff: kimppa_app::policy::is_staff(&ctx.principal) }))
}

#[derive(Template)]
#[template(path = "challenges/searches/queue.html")]
struct QueuePage {
    p: Page,
    items: Vec<CardView>,
}

/// Requests for the orchestrators' help, waiting ones first.
pub async fn queue(ctx: Ctx) -> Result<Response, WebError> {
    let rows = searches::help_queue(ctx.app(), &ctx.principal).await?;
    let p = ctx.page("search-queue-title").await;
    let items = rows.into_iter().map(|c| card(&p, c)).collect();
    Ok(crate::html(&QueuePage { p, items }))
}

#[derive(Template)]
#[template(path = "challenges/searches/new.html")]
struct FormPage {
    p: Page,
    action: String,
    editing: bool,
    form: SearchForm,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    offer_roles: Vec<(String, String, bool)>,
    roles: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
}

async fn form_page(
    ctx: &Ctx,
    form: SearchForm,
    errors: FormErrors,
    editing: Option<&partner_search::Model>,
) -> Result<Response, WebError> {
    let orgs = match editing {
        Some(s) => {
            let names = kimppa_app::people::org_names(ctx.app(), vec![s.org_id]).await?;
            names.into_values().map(|o| (o.slug, o.name, true)).collect()
        }
        None => {
            // Approved member organisations search for partners.
            let choices = searches::start_choices(ctx.app(), &ctx.principal).await?;
            let only = choices.len() == 1;
            choices
                .into_iter()
                .map(|o| {
                    let sel = only || o.slug == form.org;
                    (o.slug, o.name, sel)
                })
                .collect()
        }
    };
    let mut p = ctx.form_page(if editing.is_some() { "search-edit-title" } else { "search-new-title" }).await;
    let action = match editing {
        Some(s) => {
            p.title = format!("{}: {}", p.title, s.title);
            ctx.href(&format!("/partner-searches/{}/edit", s.id))
        }
        None => ctx.href("/partner-searches/new"),
    };
    let offer_roles = key_options(p.lang, "role-", role_keys(), std::slice::from_ref(&form.offer_role));
    let roles = key_options(p.lang, "role-", role_keys(), &form.roles);
    let focus = key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|f| f.key()), &form.focus_areas);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage { p, action, editing: editing.is_some(), form, errors, orgs, offer_roles, roles, focus };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    form_page(&ctx, SearchForm::default(), FormErrors::none(), None).await
}

pub async fn create(ctx: Ctx, Form(form): Form<SearchForm>) -> Result<Response, WebError> {
    match searches::create(ctx.app(), &ctx.principal, &form).await {
        Ok(s) => {
            ctx.flash("search-started").await;
            Ok(Redirect::to(&ctx.href(&format!("/partner-searches/{}", s.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            form_page(&ctx, form, errors, None).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let s = searches::get(ctx.app(), &ctx.principal, id).await?;
    form_page(&ctx, searches::form_of(&s, ""), FormErrors::none(), Some(&s)).await
}

pub async fn edit(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<SearchForm>) -> Result<Response, WebError> {
    match searches::update(ctx.app(), &ctx.principal, id, &form).await {
        Ok(s) => {
            ctx.flash("search-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/partner-searches/{}", s.id))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let s = searches::get(ctx.app(), &ctx.principal, id).await?;
            form_page(&ctx, form, errors, Some(&s)).await
        }
    }
}

/// A shortlist row.
pub struct EntryView {
    pub id: i32,
    pub name: String,
    pub href: String,
    pub org: String,
    pub expert: bool,
    pub role: String,
    pub contacted: String,
    pub lead: String,
    /// An expert who left the catalogue: not named, not contacted.
    pub withdrawn: bool,
}

/// A suggestion or browse hit with the shortlist form's values.
pub struct AddView {
    pub target: String,
    pub name: String,
    pub href: String,
    pub org: String,
    pub expert: bool,
    /// Needed roles it fills (key, label, chosen): the first is chosen.
    pub roles: Vec<(String, String, bool)>,
    pub points: String,
    pub reasons: Vec<String>,
    pub shortlisted: bool,
}

#[derive(Template)]
#[template(path = "challenges/searches/detail.html")]
struct DetailPage {
    p: Page,
    s: partner_search::Model,
    org: String,
    status: String,
    offer_role: String,
    offer: String,
    value: String,
    needed: Vec<String>,
    focus: Vec<String>,
    staff: bool,
    shortlist: Vec<EntryView>,
    suggestions: Vec<AddView>,
    browse: Option<Vec<AddView>>,
    q: String,
    browse_roles: Vec<(String, String, bool)>,
    kimppa: Option<(String, String)>,
    // The typed forms.
    kform: FromShortlist,
    kerrors: FormErrors,
    help_message: String,
    herrors: FormErrors,
    help_reply: String,
    aerrors: FormErrors,
    add_errors: FormErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BrowseParams {
    pub q: Option<String>,
    pub role: Option<String>,
}

#[derive(Default)]
struct Typed {
    kform: Option<FromShortlist>,
    kerrors: FormErrors,
    help_message: String,
    herrors: FormErrors,
    help_reply: String,
    aerrors: FormErrors,
    add_errors: FormErrors,
}

/// The role options for adding a candidate: the needed roles it fills
/// first (the first chosen), then the other needed roles.
fn add_roles(p: &Page, needed: &[String], fills: &[String]) -> Vec<(String, String, bool)> {
    let first = fills.first().or(needed.first()).cloned().unwrap_or_default();
    fills
        .iter()
        .chain(needed.iter().filter(|r| !fills.contains(r)))
        .map(|r| (r.clone(), p.t(&format!("role-{r}")), *r == first))
        .collect()
}

fn org_href(p: &Page, slug: &str) -> String {
    p.href(&format!("/organisations/{slug}"))
}

async fn detail_page(ctx: &Ctx, id: i32, params: BrowseParams, typed: Typed) -> Result<Response, WebError> {
    let app = ctx.app();
    let s = searches::get(app, &ctx.principal, id).await?;
    let mut p = ctx.form_page("searches-title").await;
    p.title = s.title.clone();
    let entries = searches::entries(app, &s).await?;
    let needed: Vec<String> = searches::roles_of(&s).iter().map(|r| r.key().to_string()).collect();
    let open = s.status == SearchStatus::Open;
    let found = if open { searches::suggestions(app, &s, &entries).await? } else { Default::default() };
    // The roles each suggestion fills, from its reasons, for the shortlist form.
    let org_fills: Vec<Vec<String>> = found.orgs.iter().map(|x| roles_in(&x.reasons)).collect();
    let expert_fills: Vec<Vec<String>> = found.experts.iter().map(|x| roles_in(&x.reasons)).collect();
    let mut suggestions: Vec<AddView> = Vec::new();
    for (fills, v) in org_fills.iter().zip(suggestion_views(&p, found.orgs)) {
        suggestions.push(AddView {
            target: format!("org:{}", v.slug),
            href: org_href(&p, &v.slug),
            org: v.name.clone(),
            name: v.name,
            expert: false,
            roles: add_roles(&p, &needed, fills),
            points: v.points,
            reasons: v.reasons,
            shortlisted: false,
        });
    }
    for (fills, v) in expert_fills.iter().zip(expert_views(&p, found.experts)) {
        suggestions.push(AddView {
            target: format!("expert:{}", v.id),
            href: p.href(&format!("/experts/{}", v.id)),
            name: v.name,
            org: v.org,
            expert: true,
            roles: add_roles(&p, &needed, fills),
            points: v.points,
            reasons: v.reasons,
            shortlisted: false,
        });
    }
    let q = params.q.clone().unwrap_or_default();
    let role = params.role.as_deref().filter(|r| !r.is_empty()).and_then(|r| PartnerRole::parse(r).ok());
    let browse = if open && (params.q.is_some() || role.is_some()) {
        let hits = searches::browse(app, &s, &entries, &q, role).await?;
        Some(
            hits.into_iter()
                .map(|h| AddView {
                    href: match h.expert_id {
                        Some(e) => p.href(&format!("/experts/{e}")),
                        None => org_href(&p, &h.org_slug),
                    },
                    roles: add_roles(&p, &needed, &h.roles),
                    target: h.target,
                    name: h.name,
                    org: h.org_name,
                    expert: h.expert_id.is_some(),
                    points: String::new(),
                    reasons: vec![],
                    shortlisted: h.shortlisted,
                })
                .collect(),
        )
    } else {
        None
    };
    let browse_roles =
        key_options(p.lang, "role-", role_keys(), &[role.map(|r| r.key().to_string()).unwrap_or_default()]);
    let shortlist: Vec<EntryView> = entries
        .iter()
        .map(|e| EntryView {
            id: e.e.id,
            name: if e.withdrawn {
                p.t("search-expert-withdrawn")
            } else {
                e.expert.clone().unwrap_or_else(|| e.org.name.clone())
            },
            withdrawn: e.withdrawn,
            href: match e.e.expert_id {
                Some(x) => p.href(&format!("/experts/{x}")),
                None => org_href(&p, &e.org.slug),
            },
            org: e.org.name.clone(),
            expert: e.e.expert_id.is_some(),
            role: p.t(&format!("role-{}", e.e.role)),
            contacted: e.contacted.as_ref().map(|(t, _)| p.date(t)).unwrap_or_default(),
            lead: e.contacted.as_ref().map(|(_, st)| p.t(&format!("lead-{st}"))).unwrap_or_default(),
        })
        .collect();
    let kimppa = match s.kimppa_id {
        Some(kid) => kimppa_app::challenges::kimppas::by_id(app, kid).await?.map(|k| (k.slug, k.name)),
        None => None,
    };
    let kform = typed.kform.unwrap_or_else(|| FromShortlist {
        value_proposition: s.value_proposition.clone(),
        // The contacted ones are chosen to begin with.
        members: entries.iter().filter(|e| e.contacted.is_some()).map(|e| e.e.id.to_string()).collect(),
        ..Default::default()
    });
    let org = kimppa_app::people::org_name(app, s.org_id).await?;
    let status = if [&typed.kerrors, &typed.herrors, &typed.aerrors, &typed.add_errors].iter().all(|e| e.is_empty()) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DetailPage {
        status: p.t(&format!("search-status-{}", s.status)),
        offer_role: p.t(&format!("role-{}", s.offer_role)),
        offer: kimppa_app::markdown::render(&s.offer),
        value: kimppa_app::markdown::render(&s.value_proposition),
        needed: needed.iter().map(|r| p.t(&format!("role-{r}"))).collect(),
        focus: kimppa_app::directory::list(&s.focus_areas).into_iter().map(|f| p.t(&format!("focus-{f}"))).collect(),
        staff: kimppa_app::policy::is_staff(&ctx.principal),
        shortlist,
        suggestions,
        browse,
        q,
        browse_roles,
        kimppa,
        kform,
        kerrors: typed.kerrors,
        help_message: typed.help_message,
        herrors: typed.herrors,
        help_reply: typed.help_reply,
        aerrors: typed.aerrors,
        add_errors: typed.add_errors,
        org,
        s,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

/// The roles a suggestion's reasons name, best first.
fn roles_in(reasons: &[kimppa_app::matchmaking::Reason]) -> Vec<String> {
    reasons
        .iter()
        .filter_map(|r| match &r.part {
            Part::Role { role, .. } => Some(role.clone()),
            _ => None,
        })
        .collect()
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<BrowseParams>) -> Result<Response, WebError> {
    detail_page(&ctx, id, q, Typed::default()).await
}

fn back(ctx: &Ctx, id: i32) -> Response {
    Redirect::to(&ctx.href(&format!("/partner-searches/{id}"))).into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    /// `close` or `reopen`.
    pub action: String,
}

pub async fn state(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<StateForm>) -> Result<Response, WebError> {
    let open = f.action == "reopen";
    searches::set_open(ctx.app(), &ctx.principal, id, open).await?;
    ctx.flash(if open { "search-reopened" } else { "search-closed" }).await;
    Ok(back(&ctx, id))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AddForm {
    pub target: String,
    pub role: String,
}

pub async fn add(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<AddForm>) -> Result<Response, WebError> {
    match searches::add(ctx.app(), &ctx.principal, id, &f.target, &f.role).await {
        Ok(_) => {
            ctx.flash("search-shortlisted").await;
            Ok(back(&ctx, id))
        }
        Err(e) => {
            let add_errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            detail_page(&ctx, id, BrowseParams::default(), Typed { add_errors, ..Default::default() }).await
        }
    }
}

pub async fn remove(ctx: Ctx, Path((id, eid)): Path<(i32, i32)>) -> Result<Response, WebError> {
    searches::remove(ctx.app(), &ctx.principal, id, eid).await?;
    ctx.flash("search-removed").await;
    Ok(back(&ctx, id))
}

#[derive(Template)]
#[template(path = "challenges/searches/contact.html")]
struct ContactPage {
    p: Page,
    action: String,
    back: String,
    to: String,
    form: ContactForm,
    errors: FormErrors,
}

async fn contact_page(
    ctx: &Ctx,
    id: i32,
    eid: i32,
    form: Option<ContactForm>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let (s, e) = searches::entry_of(ctx.app(), &ctx.principal, id, eid).await?;
    let mut p = ctx.form_page("search-contact-title").await;
    let to = match &e.expert {
        Some(name) => format!("{name} ({})", e.org.name),
        None => e.org.name.clone(),
    };
    p.title = format!("{}: {to}", p.title);
    let form = form.unwrap_or_else(|| {
        // A first draft from the search: the role wanted and the value proposition.
        let role = p.t(&format!("role-{}", e.e.role));
        let intro = p.t1("search-contact-prefill", "name", &s.title);
        ContactForm {
            message: format!("{intro}\n\n{}: {role}\n\n{}", p.t("search-contact-role"), s.value_proposition),
            ..Default::default()
        }
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ContactPage {
        action: ctx.href(&format!("/partner-searches/{id}/shortlist/{eid}/contact")),
        back: ctx.href(&format!("/partner-searches/{id}")),
        to,
        form,
        errors,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn contact_form(ctx: Ctx, Path((id, eid)): Path<(i32, i32)>) -> Result<Response, WebError> {
    contact_page(&ctx, id, eid, None, FormErrors::none()).await
}

pub async fn contact(
    ctx: Ctx,
    Path((id, eid)): Path<(i32, i32)>,
    Form(f): Form<ContactForm>,
) -> Result<Response, WebError> {
    match searches::contact(ctx.app(), &ctx.principal, id, eid, &f).await {
        Ok(_) => {
            ctx.flash("contact-sent").await;
            Ok(back(&ctx, id))
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            contact_page(&ctx, id, eid, Some(f), errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HelpForm {
    pub help_message: String,
    pub help_reply: String,
}

pub async fn help(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<HelpForm>) -> Result<Response, WebError> {
    match searches::ask_help(ctx.app(), &ctx.principal, id, &f.help_message).await {
        Ok(()) => {
            ctx.flash("search-help-sent").await;
            Ok(back(&ctx, id))
        }
        Err(e) => {
            let herrors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let typed = Typed { help_message: f.help_message, herrors, ..Default::default() };
            detail_page(&ctx, id, BrowseParams::default(), typed).await
        }
    }
}

pub async fn answer(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<HelpForm>) -> Result<Response, WebError> {
    match searches::answer_help(ctx.app(), &ctx.principal, id, &f.help_reply).await {
        Ok(()) => {
            ctx.flash("search-help-answered").await;
            Ok(Redirect::to(&ctx.href("/admin/partner-searches")).into_response())
        }
        Err(e) => {
            let aerrors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let typed = Typed { help_reply: f.help_reply, aerrors, ..Default::default() };
            detail_page(&ctx, id, BrowseParams::default(), typed).await
        }
    }
}

pub async fn form_kimppa(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<FromShortlist>) -> Result<Response, WebError> {
    match searches::form_kimppa(ctx.app(), &ctx.principal, id, &f).await {
        Ok(k) => {
            ctx.flash("kimppa-formed").await;
            Ok(Redirect::to(&ctx.href(&format!("/kimppas/{}", k.slug))).into_response())
        }
        Err(e) => {
            let kerrors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            detail_page(&ctx, id, BrowseParams::default(), Typed { kform: Some(f), kerrors, ..Default::default() })
                .await
        }
    }
}
