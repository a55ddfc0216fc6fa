//! One-to-one meetings at an event: the participant's page (profile,
//! requests, the others with suggestions), the agenda and its `.ics`, and
//! the organiser's setup, grid and scheduler run.

use super::*;
use kimppa_app::events::meetings::{self, ProfileForm, SetupForm};
use kimppa_domain::{MeetingOutcome, MeetingStatus};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/meetings", get(page))
        .route("/events/{id}/meetings/profile", post(profile))
        .route("/events/{id}/meetings/request", post(request))
        .route("/events/{id}/meetings/requests/{mid}", post(change))
        .route("/events/{id}/meetings/agenda", get(agenda))
        .route("/events/{id}/meetings/setup", get(setup_form).post(setup_save))
        .route("/events/{id}/meetings/grid", get(grid))
        .route("/events/{id}/meetings/schedule", post(schedule))
}

fn slot_label(p: &Page, s: &meetings::Slot) -> String {
    let a = kimppa_app::finnish_time(s.starts_at);
    let b = kimppa_app::finnish_time(s.ends_at);
    if p.code() == "en" {
        format!("{}–{}", a.format("%H:%M"), b.format("%H:%M"))
    } else {
        format!("{}–{}", a.format("%-H.%M"), b.format("%-H.%M"))
    }
}

fn reason_text(p: &Page, r: &meetings::Reason) -> String {
    use meetings::Part;
    match &r.part {
        Part::Focus { shared } => p.t1(
            "meeting-reason-focus",
            "name",
            &shared.iter().map(|f| p.t(&format!("focus-{f}"))).collect::<Vec<_>>().join(", "),
        ),
        Part::Text { .. } => p.t("meeting-reason-text"),
        _ => String::new(),
    }
}

pub struct PersonView {
    pub user_id: i32,
    pub name: String,
    pub org: String,
    pub offers: String,
    pub seeks: String,
    pub focus: String,
    pub reasons: Vec<String>,
    /// "" (no request), or the request's state as the actor sees it.
    pub state: String,
    /// A request made to the actor, waiting for their answer.
    pub incoming: Option<(i32, String)>,
}

#[derive(Template)]
#[template(path = "events/meetings.html")]
struct MeetingsPage {
    p: Page,
    e: event::Model,
    title: String,
    manage: bool,
    participant: bool,
    profile: ProfileForm,
    focus: Vec<(String, String, bool)>,
    filter_focus: Vec<(String, String, bool)>,
    q: String,
    people: Vec<PersonView>,
    errors: FormErrors,
    open: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PeopleQuery {
    pub focus: String,
    pub q: String,
}

async fn meetings_page(
    ctx: &Ctx,
    id: i32,
    q: PeopleQuery,
    typed: Option<ProfileForm>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let o = meetings::overview(app, &ctx.principal, id, Some(&q.focus), Some(&q.q)).await?;
    let manage = events::may_manage(&ctx.principal, &o.event);
    let participant =
        registrations::own(app, &ctx.principal, id).await?.is_some_and(|r| r.status == RegistrationStatus::Registered);
    let mut p = ctx.form_page("meetings-title").await;
    let title = events::title(&o.event, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let profile = typed.unwrap_or_else(|| match &o.profile {
        Some(m) => ProfileForm {
            offers: m.offers.clone(),
            seeks: m.seeks.clone(),
            focus_areas: kimppa_app::directory::list(&m.focus_areas).into_iter().map(str::to_string).collect(),
        },
        None => ProfileForm::default(),
    });
    let people = o
        .people
        .iter()
        .map(|x| {
            let (state, incoming) = match &x.request {
                None => (String::new(), None),
                Some(r) if r.status == MeetingStatus::Pending && r.to_user == o.me => {
                    (p.t("meeting-state-incoming"), Some((r.id, r.note.clone())))
                }
                Some(r) => (p.t(&format!("meeting-state-{}", r.status.key())), None),
            };
            PersonView {
                user_id: x.user_id,
                name: x.name.clone(),
                org: x.org.clone(),
                offers: x.profile.as_ref().map(|m| m.offers.clone()).unwrap_or_default(),
                seeks: x.profile.as_ref().map(|m| m.seeks.clone()).unwrap_or_default(),
                focus: x.profile.as_ref().map(|m| p.labels("focus", &m.focus_areas)).unwrap_or_default(),
                reasons: x.reasons.iter().map(|r| reason_text(&p, r)).filter(|s| !s.is_empty()).collect(),
                state,
                incoming,
            }
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = MeetingsPage {
        focus: focus_options(&p, &profile.focus_areas),
        filter_focus: focus_options(&p, std::slice::from_ref(&q.focus)),
        open: o.event.status == EventStatus::Published && o.event.starts_at > kimppa_app::now(),
        q: q.q,
        e: o.event,
        title,
        manage,
        participant,
        profile,
        people,
        errors,
        p,
    };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn page(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<PeopleQuery>) -> Result<Response, WebError> {
    meetings_page(&ctx, id, q, None, FormErrors::none()).await
}

pub async fn profile(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<ProfileForm>) -> Result<Response, WebError> {
    match meetings::save_profile(ctx.app(), &ctx.principal, id, &f).await {
        Ok(()) => {
            ctx.flash("meeting-profile-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}/meetings"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, label_of).ok_or(WebError(e))?;
            meetings_page(&ctx, id, PeopleQuery::default(), Some(f), errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub to: String,
    pub note: String,
}

pub async fn request(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<RequestForm>) -> Result<Response, WebError> {
    // An unreadable person is nobody: the use case answers "not found" after its checks.
    let to: i32 = f.to.trim().parse().unwrap_or(0);
    meetings::request(ctx.app(), &ctx.principal, id, to, &f.note).await?;
    ctx.flash("meeting-requested").await;
    Ok(Redirect::to(&format!("{}#p-{to}", ctx.href(&format!("/events/{id}/meetings")))).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeMeetingForm {
    /// `accept`, `decline`, `lock`, `unlock` or `rate`.
    pub action: String,
    pub outcome: String,
}

pub async fn change(
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    Form(f): Form<ChangeMeetingForm>,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let (flash, back) = match f.action.as_str() {
        "accept" | "decline" => {
            meetings::answer(app, &ctx.principal, id, mid, f.action == "accept").await?;
            (if f.action == "accept" { "meeting-accepted" } else { "meeting-declined" }, "/meetings")
        }
        "lock" | "unlock" => {
            meetings::lock(app, &ctx.principal, id, mid, f.action == "lock").await?;
            ("meeting-lock-changed", "/meetings/grid")
        }
        "rate" => {
            meetings::rate(app, &ctx.principal, id, mid, &f.outcome).await?;
            ("meeting-rated", "/meetings/agenda")
        }
        _ => return Err(WebError(AppError::NotFound)),
    };
    ctx.flash(flash).await;
    Ok(Redirect::to(&ctx.href(&format!("/events/{id}{back}"))).into_response())
}

pub struct AgendaRow {
    pub id: i32,
    pub time: String,
    pub table: String,
    pub with: String,
    pub org: String,
    pub unplaced: String,
    pub outcome: String,
    pub may_rate: bool,
}

#[derive(Template)]
#[template(path = "events/agenda.html")]
struct AgendaPage {
    p: Page,
    e: event::Model,
    title: String,
    when: String,
    rows: Vec<AgendaRow>,
    outcomes: Vec<(String, String)>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AgendaQuery {
    pub format: String,
}

pub async fn agenda(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<AgendaQuery>) -> Result<Response, WebError> {
    let app = ctx.app();
    if q.format == "ics" {
        let body = meetings::agenda_ics(app, &ctx.principal, id, ctx.lang.code()).await?;
        return Ok(ics_response(body, &format!("event-{id}-meetings.ics")));
    }
    let (e, list) = meetings::agenda(app, &ctx.principal, id, ctx.lang.code()).await?;
    let me = ctx.principal.user_id().map(|u| u.0).unwrap_or_default();
    let mut p = ctx.page("meetings-agenda-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let now = kimppa_app::now();
    let rows = list
        .iter()
        .map(|m| {
            let mine_from = m.request.from_user == me;
            let (with, org) = if mine_from { m.to.clone() } else { m.from.clone() };
            let outcome = if mine_from { m.request.outcome_from } else { m.request.outcome_to };
            AgendaRow {
                id: m.request.id,
                time: m.slot.as_ref().map(|s| slot_label(&p, s)).unwrap_or_default(),
                table: m.table.clone(),
                with,
                org,
                unplaced: if m.request.unplaced.is_empty() {
                    String::new()
                } else {
                    p.t(&format!("unplaced-{}", m.request.unplaced))
                },
                outcome: outcome.map(|o| p.t(&format!("meeting-outcome-{}", o.key()))).unwrap_or_default(),
                may_rate: m.slot.as_ref().is_some_and(|s| s.starts_at <= now),
            }
        })
        .collect();
    let outcomes = MeetingOutcome::ALL
        .iter()
        .map(|o| (o.key().to_string(), p.t(&format!("meeting-outcome-{}", o.key()))))
        .collect();
    Ok(crate::html(&AgendaPage { when: when(&p, &e), title, rows, outcomes, e, p }))
}

#[derive(Template)]
#[template(path = "events/meetings_setup.html")]
struct SetupPage {
    p: Page,
    e: event::Model,
    title: String,
    form: SetupForm,
    errors: FormErrors,
    lengths: Vec<(String, String, bool)>,
    online: bool,
}

async fn setup_page(ctx: &Ctx, id: i32, form: Option<SetupForm>, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::managed(app, &ctx.principal, id).await?;
    let form = match form {
        Some(f) => f,
        None => match meetings::setup(app, e.id).await? {
            Some(s) => SetupForm::of(&s),
            None => SetupForm::for_event(&e),
        },
    };
    let mut p = ctx.form_page("meetings-setup-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let lengths = meetings::SLOT_MINUTES
        .iter()
        .map(|m| (m.to_string(), p.t1("meeting-minutes", "count", &m.to_string()), m.to_string() == form.slot_minutes))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&SetupPage { online: form.online.is_some(), e, title, form, errors, lengths, p }))
        .into_response())
}

pub async fn setup_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    setup_page(&ctx, id, None, FormErrors::none()).await
}

pub async fn setup_save(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<SetupForm>) -> Result<Response, WebError> {
    match meetings::save_setup(ctx.app(), &ctx.principal, id, &f).await {
        Ok(_) => {
            ctx.flash("meetings-setup-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}/meetings/grid"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app_labelled(&e, ctx.lang, label_of).ok_or(WebError(e))?;
            setup_page(&ctx, id, Some(f), errors).await
        }
    }
}

pub struct GridRow {
    pub time: String,
    /// One cell per table: (meeting id, "A – B", locked).
    pub cells: Vec<Option<(i32, String, bool)>>,
}

#[derive(Template)]
#[template(path = "events/meetings_grid.html")]
struct GridPage {
    p: Page,
    e: event::Model,
    title: String,
    tables: Vec<String>,
    rows: Vec<GridRow>,
    unplaced: Vec<(String, String)>,
    scheduled: String,
    total: usize,
}

pub async fn grid(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (e, s, slots, list) = meetings::grid(ctx.app(), &ctx.principal, id, ctx.lang.code()).await?;
    let mut p = ctx.form_page("meetings-grid-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let tables: Vec<String> = (0..s.tables).map(|t| meetings::table_name(&s, t, p.code())).collect();
    let mut rows: Vec<GridRow> =
        slots.iter().map(|sl| GridRow { time: slot_label(&p, sl), cells: vec![None; tables.len()] }).collect();
    let mut unplaced = Vec::new();
    for m in &list {
        let who =
            |(name, org): &(String, String)| if org.is_empty() { name.clone() } else { format!("{name} ({org})") };
        let pair = format!("{} – {}", who(&m.from), who(&m.to));
        match (m.request.slot, m.request.table_no) {
            (Some(sl), Some(t)) if (sl as usize) < rows.len() && (t as usize) < tables.len() => {
                rows[sl as usize].cells[t as usize] = Some((m.request.id, pair, m.request.locked));
            }
            _ => unplaced.push((
                pair,
                p.t(&format!(
                    "unplaced-{}",
                    if m.request.unplaced.is_empty() { "no-common-slot" } else { &m.request.unplaced }
                )),
            )),
        }
    }
    let view = GridPage {
        scheduled: s.scheduled_at.map(|t| p.datetime(&t)).unwrap_or_default(),
        total: list.len(),
        title,
        tables,
        rows,
        unplaced,
        e,
        p,
    };
    Ok(crate::html(&view))
}

pub async fn schedule(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    meetings::run_scheduler(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("meetings-scheduled").await;
    Ok(Redirect::to(&ctx.href(&format!("/events/{id}/meetings/grid"))).into_response())
}
