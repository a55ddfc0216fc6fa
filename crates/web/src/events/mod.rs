//! Event pages (SPEC C11): the list of upcoming and past events, an event's
//! page with registration (waiting list, offered places, cancelling), its
//! `.ics`, the organiser's form, participants, check-in list, CSV export
//! and email, the feedback survey, one's own events with the personal
//! calendar address, the year view, the RSS and iCalendar feeds, and the
//! cluster's counts under `/admin/events`.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::{FormErrors, key_options},
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::records::{event, event_registration};
use kimppa_app::{
    AppError,
    events::{
        self, EventForm, Filter, StateChange, calendar,
        feedback::{self, FeedbackForm},
        registrations::{self, EmailForm, OrganiserChange, RegisterForm},
    },
    policy::Principal,
};
use kimppa_domain::{EventKind, EventStatus, FocusArea, QuestionKind, RegistrationStatus};

pub(crate) mod api;
mod meetings;
mod organiser;

use organiser::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/feed.xml", get(feed))
        .route("/events/calendar.ics", get(public_calendar))
        .route("/events/year", get(year))
        .route("/events/mine", get(mine))
        .route("/events/mine/calendar-key", post(reset_key))
        .route("/events/personal/{secret}", get(personal_calendar))
        .route("/events/new", get(new_form).post(create))
        .route("/events/{id}", get(detail))
        .route("/events/{id}/event.ics", get(event_ics))
        .route("/events/{id}/edit", get(edit_form).post(edit))
        .route("/events/{id}/state", post(state))
        .route("/events/{id}/register", post(register))
        .route("/events/{id}/cancel-registration", post(cancel_registration))
        .route("/events/{id}/accept", post(accept))
        .route("/events/{id}/feedback", get(feedback_form).post(feedback_save))
        .route("/events/{id}/participants", get(participants))
        .route("/events/{id}/participants.csv", get(participants_csv))
        .route("/events/{id}/participants/{rid}", post(participant_change))
        .route("/events/{id}/checkin", get(checkin))
        .route("/events/{id}/checkin/{rid}", post(checkin_mark))
        .route("/events/{id}/email", get(email_form).post(email_send))
        .merge(meetings::routes())
}

/// Under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/events", get(admin_counts))
}

fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "org" => "field-event-org",
        "group" => "field-event-group",
        "kind" => "field-event-kind",
        "title_fi" => "field-event-title-fi",
        "title_en" => "field-event-title-en",
        "description_fi" => "field-event-description-fi",
        "description_en" => "field-event-description-en",
        "starts_at" => "field-event-starts",
        "ends_at" => "field-event-ends",
        "municipality" => "field-event-municipality",
        "address" => "field-event-address",
        "online_url" => "field-event-online-url",
        "language" => "field-event-language",
        "focus_areas" => "field-focus",
        "visibility" => "field-event-visibility",
        "capacity" => "field-event-capacity",
        "registration_deadline" => "field-event-deadline",
        "offer_hours" => "field-event-offer-hours",
        "questions" => "event-questions-legend",
        "answer" => "event-answers",
        "score" => "field-feedback-score",
        "comment" => "field-feedback-comment",
        "audience" => "field-email-audience",
        "subject" => "field-email-subject",
        "body" => "field-email-body",
        "note" => "field-cancel-note",
        "slot_minutes" => "field-slot-minutes",
        "sessions" => "field-sessions",
        "tables" => "field-tables",
        "table_names" => "field-table-names",
        "cap" => "field-meeting-cap",
        "offers" => "field-meeting-offers",
        "seeks" => "field-meeting-seeks",
        "outcome" => "field-meeting-outcome",
        _ => return None,
    })
}

fn errors_of(e: &AppError, ctx: &Ctx) -> Option<FormErrors> {
    FormErrors::from_app_labelled(e, ctx.lang, label_of)
}

/// An event as lists show it.
pub struct CardView {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub when: String,
    /// `YYYY-MM-DDTHH:MM` for `<time datetime>`.
    pub iso: String,
    pub place: String,
    pub organiser: String,
    pub status: String,
    pub cancelled: bool,
    pub draft: bool,
    pub places: String,
}

pub(crate) struct Names {
    orgs: std::collections::HashMap<i32, kimppa_app::people::OrgName>,
    places: std::collections::HashMap<String, String>,
}

impl Names {
    pub(crate) async fn load(app: &kimppa_app::App, rows: &[event::Model]) -> Result<Names, AppError> {
        let orgs = events::organiser_names(app, rows).await?;
        let places = kimppa_app::materials::reference::municipalities(app)
            .await?
            .iter()
            .map(|m| (m.code.clone(), m.name_fi.clone()))
            .collect();
        Ok(Names { orgs, places })
    }

    fn organiser(&self, p: &Page, e: &event::Model) -> (String, String) {
        match e.org_id.and_then(|o| self.orgs.get(&o)) {
            Some(o) => (o.name.clone(), o.slug.clone()),
            None => (p.t("event-organiser-cluster"), String::new()),
        }
    }

    fn place(&self, p: &Page, e: &event::Model) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(m) = self.places.get(&e.municipality) {
            parts.push(m.clone());
        }
        if e.online {
            parts.push(p.t("event-online"));
        }
        parts.join(" · ")
    }
}

/// "15.1.2027 klo 9.00–12.00" in the page's language.
pub fn when(p: &Page, e: &event::Model) -> String {
    kimppa_app::events::registrations::texts::when(e, p.code())
}

fn status_label(p: &Page, e: &event::Model) -> String {
    p.t(&format!("event-status-{}", e.status.key()))
}

fn places_label(p: &Page, e: &event::Model) -> String {
    match events::places_left(e) {
        _ if e.status != EventStatus::Published => String::new(),
        None => p.t("event-places-unlimited"),
        Some(0) => p.t1("event-full-waiting", "count", &e.waiting.to_string()),
        Some(n) => p.tn("event-places-left", n),
    }
}

pub(crate) fn card(p: &Page, names: &Names, e: &event::Model) -> CardView {
    CardView {
        id: e.id,
        title: events::title(e, p.code()).to_string(),
        kind: p.t(&format!("event-kind-{}", e.kind.key())),
        when: when(p, e),
        iso: kimppa_app::events::local_input(e.starts_at),
        place: names.place(p, e),
        organiser: names.organiser(p, e).0,
        status: status_label(p, e),
        cancelled: e.status == EventStatus::Cancelled,
        draft: e.status == EventStatus::Draft,
        places: places_label(p, e),
    }
}

fn kind_options(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    key_options(p.lang, "event-kind-", EventKind::ALL.iter().map(|k| k.key()), &[chosen.to_string()])
}

fn focus_options(p: &Page, chosen: &[String]) -> Vec<(String, String, bool)> {
    key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|k| k.key()), chosen)
}

fn query_of(f: &Filter, page: Option<u64>) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = page.map(|n| n.to_string()).unwrap_or_default();
    crate::query_string(&[
        ("when", &s(&f.when)),
        ("kind", &s(&f.kind)),
        ("focus", &s(&f.focus)),
        ("q", &s(&f.q)),
        ("org", &s(&f.org)),
        ("page", &page),
    ])
}

// ---------------------------------------------------------------------------
// The list, the feeds and the year view

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    p: Page,
    items: Vec<CardView>,
    total: u64,
    past: bool,
    mine: bool,
    q: String,
    kinds: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    may_organise: bool,
    signed_in: bool,
    upcoming_href: String,
    past_href: String,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn list(ctx: Ctx, Query(f): Query<Filter>) -> Result<Response, WebError> {
    let app = ctx.app();
    let (rows, total) = events::browse(app, &ctx.principal, &f).await?;
    let names = Names::load(app, &rows).await?;
    let p = ctx.page("events-title").await;
    let items = rows.iter().map(|e| card(&p, &names, e)).collect();
    let page = events::page_of(&f, total);
    let prev = (page > 1).then(|| format!("{}{}", p.href("/events"), query_of(&f, Some(page - 1))));
    let next =
        (page * events::PER_PAGE < total).then(|| format!("{}{}", p.href("/events"), query_of(&f, Some(page + 1))));
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let view = ListPage {
        kinds: kind_options(&p, &s(&f.kind)),
        focus: focus_options(&p, &[s(&f.focus)]),
        may_organise: kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::StartEvent),
        signed_in: !ctx.principal.is_anonymous(),
        upcoming_href: format!(
            "{}{}",
            p.href("/events"),
            query_of(&Filter { when: None, page: None, ..f.clone() }, None)
        ),
        past_href: format!(
            "{}{}",
            p.href("/events"),
            query_of(&Filter { when: Some("past".into()), page: None, ..f.clone() }, None)
        ),
        past: f.past(),
        mine: f.org.as_deref() == Some("mine"),
        q: s(&f.q),
        items,
        total,
        prev,
        next,
        p,
    };
    Ok(crate::html(&view))
}

/// Upcoming public events as RSS (a feed reader is anonymous).
pub async fn feed(State(s): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let (rows, _) = events::browse(&s.app, &Principal::Anonymous, &Filter::default()).await?;
    let names = Names::load(&s.app, &rows).await?;
    let p = ctx.page("events-title").await;
    let items: Vec<rss::Item> = rows
        .iter()
        .map(|e| {
            let link = s.app.url(&p.href(&format!("/events/{}", e.id)));
            let c = card(&p, &names, e);
            rss::ItemBuilder::default()
                .title(Some(format!("{}: {}", c.when, c.title)))
                .link(Some(link.clone()))
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                .description(Some(
                    [c.kind.clone(), c.place.clone(), c.organiser.clone()]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect::<Vec<_>>()
                        .join(" — "),
                ))
                .pub_date(e.published_at.map(|t| t.to_rfc2822()))
                .categories(vec![rss::CategoryBuilder::default().name(c.kind).build()])
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa — {}", p.t("events-title")))
        .link(s.app.url(&p.href("/events")))
        .description(p.t("events-intro"))
        .language(Some(p.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}

fn ics_response(body: String, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response()
}

/// Public events from a year ago on, as an iCalendar feed (anonymous).
pub async fn public_calendar(State(s): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let now = kimppa_app::now();
    let rows = events::between(
        &s.app,
        &Principal::Anonymous,
        now - chrono::Duration::days(365),
        now + chrono::Duration::days(3 * 365),
    )
    .await?;
    let lang = ctx.lang.code();
    let items: Vec<calendar::Item> = rows.iter().map(|e| calendar::Item::of(&s.app, e, lang, false)).collect();
    let name = if lang == "en" { "Kimppa events" } else { "Kimppa-tapahtumat" };
    Ok(ics_response(calendar::ics(&s.app.config.base_url, name, &items), "kimppa-events.ics"))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
    /// `ics` for the year as a calendar file.
    pub format: Option<String>,
}

pub struct MonthView {
    pub name: String,
    pub items: Vec<CardView>,
}

#[derive(Template)]
#[template(path = "events/year.html")]
struct YearPage {
    p: Page,
    months: Vec<MonthView>,
    prev: String,
    next: String,
    ics: String,
}

/// The year view ("vuosikello"): the cluster's activities month by month.
pub async fn year(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    use chrono::Datelike;
    let app = ctx.app();
    let this = kimppa_app::finnish_time(kimppa_app::now()).year();
    let y = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or(this);
    let start = kimppa_app::finnish_year_start;
    let rows = events::between(app, &ctx.principal, start(y), start(y + 1)).await?;
    if q.format.as_deref() == Some("ics") {
        let items: Vec<calendar::Item> =
            rows.iter().map(|e| calendar::Item::of(app, e, ctx.lang.code(), false)).collect();
        let name = format!("Kimppa {y}");
        return Ok(ics_response(calendar::ics(&app.config.base_url, &name, &items), &format!("kimppa-{y}.ics")));
    }
    let names = Names::load(app, &rows).await?;
    let mut p = ctx.page("events-year-title").await;
    p.title = format!("{} {y}", p.title);
    let mut months: Vec<MonthView> =
        (1..=12).map(|m| MonthView { name: p.t(&format!("month-{m}")), items: vec![] }).collect();
    for e in &rows {
        let m = kimppa_app::finnish_time(e.starts_at).month0() as usize;
        months[m].items.push(card(&p, &names, e));
    }
    let view = YearPage {
        prev: format!("{}?year={}", p.href("/events/year"), y - 1),
        next: format!("{}?year={}", p.href("/events/year"), y + 1),
        ics: format!("{}?year={y}&format=ics", p.href("/events/year")),
        months,
        p,
    };
    Ok(crate::html(&view))
}

// ---------------------------------------------------------------------------
// One's own events and the personal calendar

#[derive(Template)]
#[template(path = "events/mine.html")]
struct MinePage {
    p: Page,
    /// Coming events first; the past ones apart.
    items: Vec<(CardView, String)>,
    past: Vec<(CardView, String)>,
    feed: String,
}

pub async fn mine(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let rows = registrations::mine(app, &ctx.principal).await?;
    let key = calendar::key(app, &ctx.principal).await?;
    let evs: Vec<event::Model> = rows.iter().map(|(_, e)| e.clone()).collect();
    let names = Names::load(app, &evs).await?;
    let p = ctx.form_page("events-mine-title").await;
    let now = kimppa_app::now();
    let view = |(r, e): &(event_registration::Model, event::Model)| {
        let status = if e.status == EventStatus::Cancelled {
            status_label(&p, e)
        } else {
            p.t(&format!("registration-status-{}", r.status.key()))
        };
        (card(&p, &names, e), status)
    };
    let items = rows.iter().filter(|(_, e)| e.ends_at >= now).map(view).collect();
    let mut past: Vec<(CardView, String)> = rows.iter().filter(|(_, e)| e.ends_at < now).map(view).collect();
    past.reverse();
    let feed = app.url(&format!("/{}/events/personal/{key}", p.code()));
    Ok(crate::html(&MinePage { p, items, past, feed }))
}

pub async fn reset_key(ctx: Ctx) -> Result<Response, WebError> {
    calendar::reset_key(ctx.app(), &ctx.principal).await?;
    ctx.flash("calendar-key-reset").await;
    Ok(Redirect::to(&ctx.href("/events/mine")).into_response())
}

pub async fn personal_calendar(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let secret = secret.trim_end_matches(".ics");
    let body = registrations::personal_calendar(&s.app, secret, ctx.lang.code()).await?;
    let mut r = ics_response(body, "kimppa-my-events.ics");
    // The address is a secret: no shared cache keeps what it answers.
    r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    Ok(r)
}

// ---------------------------------------------------------------------------
// An event's page

pub struct QuestionView {
    pub label: String,
    pub kind: String,
    pub choices: Vec<String>,
    pub required: bool,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "events/detail.html")]
struct DetailPage {
    p: Page,
    e: event::Model,
    c: CardView,
    title: String,
    description: String,
    organiser: (String, String),
    address: String,
    language: String,
    focus: String,
    deadline: String,
    manage: bool,
    /// The registration form is shown: open, and no registration in force.
    show_form: bool,
    /// Registering now joins the waiting list.
    full: bool,
    /// The actor's registration is in force.
    active: bool,
    own: Option<event_registration::Model>,
    own_status: String,
    offered_until: String,
    online_link: String,
    questions: Vec<QuestionView>,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    may_give_feedback: bool,
    results: Option<feedback::Results>,
    /// One-to-one meetings are on at this event.
    meetings_on: bool,
    /// The actor holds a place at the event.
    holds_place: bool,
    /// The group it is an event of: (slug, name).
    group: Option<(String, String)>,
}

async fn detail_page(
    ctx: &Ctx,
    id: i32,
    typed: Option<&RegisterForm>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::get(app, &ctx.principal, id).await?;
    let own = registrations::own(app, &ctx.principal, e.id).await?;
    let manage = events::may_manage(&ctx.principal, &e);
    let questions = events::questions(app, e.id).await?;
    let names = Names::load(app, std::slice::from_ref(&e)).await?;
    let mut p = ctx.page("events-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = title.clone();
    let c = card(&p, &names, &e);
    let own_status = own.as_ref().map(|r| p.t(&format!("registration-status-{}", r.status.key()))).unwrap_or_default();
    let shows_link =
        kimppa_app::events::visibility::shows_online_link(&ctx.principal, &e, own.as_ref().map(|r| r.status));
    let online_link = if shows_link && e.online { e.online_url.clone() } else { String::new() };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": title,
        "startDate": kimppa_app::finnish_time(e.starts_at).to_rfc3339(),
        "endDate": kimppa_app::finnish_time(e.ends_at).to_rfc3339(),
        "eventStatus": if e.status == EventStatus::Cancelled { "https://schema.org/EventCancelled" } else { "https://schema.org/EventScheduled" },
        "eventAttendanceMode": match (e.online, e.municipality.is_empty()) {
            (true, true) => "https://schema.org/OnlineEventAttendanceMode",
            (true, false) => "https://schema.org/MixedEventAttendanceMode",
            _ => "https://schema.org/OfflineEventAttendanceMode",
        },
        "description": kimppa_app::search::documents::plain(events::description(&e, p.code())).chars().take(300).collect::<String>(),
        "url": app.url(&p.href(&format!("/events/{}", e.id))),
        "organizer": { "@type": "Organization", "name": names.organiser(&p, &e).0 },
        "inLanguage": e.language,
    });
    let mut locations = vec![];
    if !e.municipality.is_empty() {
        locations.push(serde_json::json!({"@type": "Place", "name": c.place, "address": e.address}));
    }
    if e.online {
        locations.push(
            serde_json::json!({"@type": "VirtualLocation", "url": app.url(&p.href(&format!("/events/{}", e.id)))}),
        );
    }
    ld["location"] = serde_json::Value::Array(locations);
    if e.visibility.key() == "public" && e.status != EventStatus::Draft {
        p.set_json_ld(ld);
    }
    let typed_answers = typed.map(|f| f.answer.clone()).unwrap_or_default();
    let questions = questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            label: q.label.clone(),
            kind: q.kind.key().to_string(),
            choices: q.choices.lines().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            required: q.required,
            answer: typed_answers.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let typed_org = typed.map(|f| f.org.clone()).unwrap_or_default();
    let orgs = kimppa_app::policy::acting_choices(&ctx.principal)
        .map(|m| (m.slug.clone(), m.name.clone(), m.slug == typed_org))
        .collect();
    let may_give_feedback = feedback::may_answer(&e, own.as_ref());
    let active = own.as_ref().is_some_and(|r| registrations::active(r.status));
    let meetings_on = kimppa_app::events::meetings::setup(app, e.id).await?.is_some();
    let holds_place = own.as_ref().is_some_and(|r| r.status == RegistrationStatus::Registered);
    let group = match e.group_id {
        Some(g) => kimppa_app::groups::by_id(app, g)
            .await?
            .map(|g| (g.slug.clone(), kimppa_app::groups::name(&g, ctx.lang.code()).to_string())),
        None => None,
    };
    let results = if manage && e.status == EventStatus::Held {
        Some(feedback::results(app, &ctx.principal, e.id).await?)
    } else {
        None
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = DetailPage {
        description: kimppa_app::markdown::render(events::description(&e, p.code())),
        organiser: names.organiser(&p, &e),
        address: e.address.clone(),
        language: p.t(&format!("event-language-{}", e.language)),
        focus: p.labels("focus", &e.focus_areas),
        deadline: e.registration_deadline.map(|d| p.datetime(&d)).unwrap_or_default(),
        show_form: events::registration_open(&e, kimppa_app::now()) && !active,
        full: events::places_left(&e) == Some(0),
        active,
        offered_until: own.as_ref().and_then(|r| r.offered_until).map(|t| p.datetime(&t)).unwrap_or_default(),
        own_status,
        own,
        online_link,
        questions,
        errors,
        orgs,
        may_give_feedback,
        results,
        meetings_on,
        holds_place,
        group,
        manage,
        title,
        c,
        e,
        p,
    };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    detail_page(&ctx, id, None, FormErrors::none()).await
}

/// The event's calendar file (the online link only for those registered).
pub async fn event_ics(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::get(app, &ctx.principal, id).await?;
    let own = registrations::own(app, &ctx.principal, e.id).await?;
    let link = kimppa_app::events::visibility::shows_online_link(&ctx.principal, &e, own.map(|r| r.status));
    let item = calendar::Item::of(app, &e, ctx.lang.code(), link);
    Ok(ics_response(calendar::ics(&app.config.base_url, &item.title.clone(), &[item]), &format!("event-{}.ics", e.id)))
}

pub async fn register(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<RegisterForm>) -> Result<Response, WebError> {
    match registrations::register_for(ctx.app(), &ctx.principal, id, &f).await {
        Ok(r) => {
            ctx.flash(if r.status == RegistrationStatus::Registered { "event-registered" } else { "event-waiting" })
                .await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
        }
        // Registration closed meanwhile, or already registered (another tab):
        // the event's page says so, showing the state as it now is.
        Err(AppError::Conflict(code @ ("registration-closed" | "already-registered"))) => {
            ctx.flash(&format!("event-conflict-{code}")).await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, id, Some(&f), errors).await
        }
    }
}

pub async fn cancel_registration(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    registrations::cancel_own(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("event-registration-cancelled").await;
    Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
}

pub async fn accept(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    registrations::accept_offer(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("event-registered").await;
    Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
}

// ---------------------------------------------------------------------------
// Feedback

#[derive(Template)]
#[template(path = "events/feedback.html")]
struct FeedbackPage {
    p: Page,
    e: event::Model,
    title: String,
    form: FeedbackForm,
    errors: FormErrors,
    scores: Vec<String>,
}

async fn feedback_page(ctx: &Ctx, id: i32, form: FeedbackForm, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::get(app, &ctx.principal, id).await?;
    if !feedback::may_answer(&e, registrations::own(app, &ctx.principal, e.id).await?.as_ref()) {
        kimppa_app::policy::signed_in(&ctx.principal)?;
        return Err(WebError(AppError::Forbidden));
    }
    let mut form = form;
    if errors.is_empty()
        && let Some(old) = feedback::own(app, &ctx.principal, e.id).await?
    {
        form = FeedbackForm { score: old.score.to_string(), comment: old.comment };
    }
    let mut p = ctx.form_page("event-feedback-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        crate::html(&FeedbackPage { p, e, title, form, errors, scores: (0..=10).map(|s| s.to_string()).collect() }),
    )
        .into_response())
}

pub async fn feedback_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    feedback_page(&ctx, id, FeedbackForm::default(), FormErrors::none()).await
}

pub async fn feedback_save(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<FeedbackForm>) -> Result<Response, WebError> {
    match feedback::answer(ctx.app(), &ctx.principal, id, &f).await {
        Ok(()) => {
            ctx.flash("event-feedback-thanks").await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            feedback_page(&ctx, id, f, errors).await
        }
    }
}

/// The question kinds for the organiser's form.
fn question_kinds(p: &Page, chosen: &str) -> Vec<(String, String, bool)> {
    key_options(p.lang, "question-kind-", QuestionKind::ALL.iter().map(|k| k.key()), &[chosen.to_string()])
}
