//! JSON twins of the event pages. The list and one event answer as an
//! anonymous visitor (published public events, never the online link);
//! `/api/v1/me/registrations` answers the signed-in person with their own
//! registrations, the online links of the events they hold a place at
//! included.

use crate::{AppState, ctx::Ctx, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::events::{self, Filter, registrations};
use kimppa_app::policy::Principal;
use kimppa_app::records::event;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventJson {
    pub id: i32,
    /// matchmaking, pitching, workshop, best-practice, training,
    /// info-session, coordinators-day, arena, group-meeting or other.
    pub kind: String,
    /// published, cancelled or held.
    pub status: String,
    pub title_fi: String,
    pub title_en: String,
    /// Markdown.
    pub description_fi: String,
    pub description_en: String,
    /// The organising organisation; empty for the cluster's own events.
    pub organiser: String,
    pub organiser_slug: String,
    /// RFC 3339 in Finnish time.
    pub starts_at: String,
    pub ends_at: String,
    /// Statistics Finland's municipality code (empty: online only).
    pub municipality: String,
    pub address: String,
    pub online: bool,
    /// fi, en, sv or fi-en.
    pub language: String,
    pub focus_areas: Vec<String>,
    /// `null`: no limit.
    pub capacity: Option<i32>,
    pub places_left: Option<i32>,
    pub waiting: i32,
    pub registration_deadline: Option<String>,
    pub registration_open: bool,
    /// The page of the event (Finnish).
    pub url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventList {
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub items: Vec<EventJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RegistrationJson {
    /// registered, offered or waiting.
    pub status: String,
    pub registered_at: String,
    /// Until when an offered place is kept for the person.
    pub offered_until: Option<String>,
    /// The online link, for a person holding a place at an online event.
    pub online_url: Option<String>,
    pub event: EventJson,
}

async fn to_json(app: &kimppa_app::App, rows: Vec<event::Model>) -> Result<Vec<EventJson>, WebError> {
    let names = events::organiser_names(app, &rows).await?;
    let now = kimppa_app::now();
    let t = |x: chrono::DateTime<chrono::Utc>| kimppa_app::finnish_time(x).to_rfc3339();
    Ok(rows
        .into_iter()
        .map(|e| {
            let org = e.org_id.and_then(|o| names.get(&o)).cloned().unwrap_or_default();
            EventJson {
                id: e.id,
                kind: e.kind.key().into(),
                status: e.status.key().into(),
                places_left: events::places_left(&e),
                registration_open: events::registration_open(&e, now),
                starts_at: t(e.starts_at),
                ends_at: t(e.ends_at),
                registration_deadline: e.registration_deadline.map(t),
                focus_areas: kimppa_app::directory::list(&e.focus_areas).into_iter().map(str::to_string).collect(),
                url: app.url(&format!("/fi/events/{}", e.id)),
                organiser: org.name,
                organiser_slug: org.slug,
                title_fi: e.title_fi,
                title_en: e.title_en,
                description_fi: e.description_fi,
                description_en: e.description_en,
                municipality: e.municipality,
                address: e.address,
                online: e.online,
                language: e.language,
                capacity: e.capacity,
                waiting: e.waiting,
            }
        })
        .collect())
}

/// Published public events, soonest first (20 a page); `when=past` for
/// held and past ones, latest first.
#[utoipa::path(get, path = "/api/v1/events",
    params(
        ("when" = Option<String>, Query, description = "`past` for past events; upcoming otherwise"),
        ("kind" = Option<String>, Query, description = "Event kind key"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
        ("q" = Option<String>, Query, description = "Words in the title or description"),
        ("page" = Option<u64>, Query, description = "Page from 1")
    ),
    responses(
        (status = 200, body = EventList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(s): State<AppState>, Query(mut f): Query<Filter>) -> Result<Json<EventList>, WebError> {
    f.org = None;
    let (rows, total) = events::browse(&s.app, &Principal::Anonymous, &f).await?;
    let page = events::page_of(&f, total);
    Ok(Json(EventList { total, page, pages: total.div_ceil(events::PER_PAGE), items: to_json(&s.app, rows).await? }))
}

/// One published public event.
#[utoipa::path(get, path = "/api/v1/events/{id}",
    params(("id" = i32, Path)),
    responses(
        (status = 200, body = EventJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<EventJson>, WebError> {
    let e = events::get(&s.app, &Principal::Anonymous, id).await?;
    if e.status == kimppa_domain::EventStatus::Draft {
        return Err(kimppa_app::AppError::NotFound.into());
    }
    to_json(&s.app, vec![e]).await?.pop().map(Json).ok_or_else(|| kimppa_app::AppError::NotFound.into())
}

/// The signed-in person's registrations in force (a place, an offered
/// place or the waiting list), soonest event first.
#[utoipa::path(get, path = "/api/v1/me/registrations",
    responses(
        (status = 200, body = Vec<RegistrationJson>),
        (status = 401, body = crate::errors::Problem, content_type = "application/problem+json")
    ))]
pub async fn mine(ctx: Ctx) -> Result<Json<Vec<RegistrationJson>>, WebError> {
    let app = ctx.app();
    let rows = registrations::mine(app, &ctx.principal).await?;
    let (regs, evs): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let links: Vec<Option<String>> = regs
        .iter()
        .zip(&evs)
        .map(|(r, e)| {
            (kimppa_app::events::visibility::shows_online_link(&ctx.principal, e, Some(r.status)) && e.online)
                .then(|| e.online_url.clone())
        })
        .collect();
    let t = |x: chrono::DateTime<chrono::Utc>| kimppa_app::finnish_time(x).to_rfc3339();
    Ok(Json(
        regs.into_iter()
            .zip(links)
            .zip(to_json(app, evs).await?)
            .map(|((r, online_url), event)| RegistrationJson {
                status: r.status.key().into(),
                registered_at: t(r.created_at),
                offered_until: r.offered_until.map(t),
                online_url,
                event,
            })
            .collect(),
    ))
}
