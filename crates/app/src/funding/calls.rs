//! Funders' open calls: funder, programme, title, deadline, link, focus
//! areas, the organisation types that may apply and the partner rules
//! (partners, countries, SMEs, research organisations, municipalities).
//! Publishing a call tells the followers of its focus areas by email (once,
//! through the job runner); the morning round reminds them a week before
//! the deadline (once); the deadlines are an iCalendar feed. A call's
//! partner rules are checked against a kimppa with the kimppas' own
//! composition rules, with complementary partners suggested.

use crate::{
    App, AppError,
    challenges::kimppas,
    changelog, email,
    error::Checker,
    jobs::JobError,
    notifications::{self, EmailMode, unsubscribe},
    policy::{self, Action, Principal},
};
use kimppa_domain::{FocusArea, OrgType, Programme};
use kimppa_store::entities::funding_call;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

/// Change-log kind: tell the followers of a new call's focus areas.
pub const NOTIFY: &str = "call.notify";
/// Days before the deadline the followers are reminded.
pub const REMIND_DAYS: i64 = 7;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Event {
    call_id: i32,
}

pub(super) fn register(h: &mut crate::hooks::Hooks) {
    h.jobs.on(
        NOTIFY,
        |app, e: Event| async move { tell(&app, e.call_id, false).await.map(|_| ()).map_err(JobError::from) },
    );
    h.daily.push(|app| Box::pin(async move { remind(&app).await.map(|_| ()).map_err(JobError::from) }));
}

/// The call form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub funder: String,
    pub programme: String,
    pub title: String,
    pub description: String,
    pub deadline: String,
    pub link: String,
    pub focus_areas: Vec<String>,
    pub org_types: Vec<String>,
    pub min_partners: String,
    pub min_countries: String,
    pub min_smes: String,
    pub min_research: String,
    pub min_municipalities: String,
}

fn count(c: &mut Checker, field: &'static str, v: &str) -> i32 {
    match v.trim() {
        "" => 0,
        t => match t.parse::<i32>() {
            Ok(n) if (0..=50).contains(&n) => n,
            _ => {
                c.push(field, "err-count");
                0
            }
        },
    }
}

/// Publishes a call (staff); its followers are told by the job runner.
pub async fn create(app: &App, actor: &Principal, f: &CallForm) -> Result<funding_call::Model, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    for (field, v, max) in [("funder", &f.funder, 200), ("title", &f.title, 200), ("link", &f.link, 500)] {
        if v.trim().is_empty() {
            c.push(field, "err-required");
        } else if v.chars().count() > max {
            c.push(field, "err-too-long");
        }
    }
    if !super::web_link(&f.link) {
        c.push("link", "err-url");
    }
    if f.description.chars().count() > 20_000 {
        c.push("description", "err-too-long");
    }
    let programme = Programme::parse(&f.programme);
    if programme.is_err() {
        c.push("programme", if f.programme.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let deadline = match crate::materials::parse_day(&f.deadline) {
        Some(d) if d >= crate::materials::today() => Some(d.to_string()),
        Some(_) => {
            c.push("deadline", "err-call-past");
            None
        }
        None => {
            c.push("deadline", if f.deadline.trim().is_empty() { "err-required" } else { "err-date" });
            None
        }
    };
    let focus = match FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)) {
        Ok(l) => FocusArea::join(&l),
        Err(_) => {
            c.push("focus_areas", "err-unknown-value");
            String::new()
        }
    };
    let types = match OrgType::parse_list(f.org_types.iter().map(String::as_str)) {
        Ok(l) => OrgType::join(&l),
        Err(_) => {
            c.push("org_types", "err-unknown-value");
            String::new()
        }
    };
    let min_partners = count(&mut c, "min_partners", &f.min_partners);
    let min_countries = count(&mut c, "min_countries", &f.min_countries);
    let min_smes = count(&mut c, "min_smes", &f.min_smes);
    let min_research = count(&mut c, "min_research", &f.min_research);
    let min_municipalities = count(&mut c, "min_municipalities", &f.min_municipalities);
    c.finish()?;
    let tx = app.db.begin().await?;
    let row = funding_call::ActiveModel {
        funder: Set(f.funder.trim().into()),
        programme: Set(programme.map_err(|_| crate::error::checked())?),
        title: Set(f.title.trim().into()),
        description: Set(f.description.trim().into()),
        deadline: Set(deadline.ok_or_else(crate::error::checked)?),
        link: Set(f.link.trim().into()),
        focus_areas: Set(focus),
        org_types: Set(types),
        min_partners: Set(min_partners),
        min_countries: Set(min_countries),
        min_smes: Set(min_smes),
        min_research: Set(min_research),
        min_municipalities: Set(min_municipalities),
        published: Set(true),
        announced_at: Set(None),
        reminded_at: Set(None),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, NOTIFY, &Event { call_id: row.id }).await?;
    tx.commit().await?;
    Ok(row)
}

/// The open calls (published, deadline today or later), the nearest
/// deadline first; at most 200.
pub async fn open(app: &App) -> Result<Vec<funding_call::Model>, AppError> {
    Ok(funding_call::Entity::find()
        .filter(funding_call::Column::Published.eq(true))
        .filter(funding_call::Column::Deadline.gte(crate::materials::today().to_string()))
        .order_by_asc(funding_call::Column::Deadline)
        .order_by_asc(funding_call::Column::Id)
        .limit(200)
        .all(&app.db)
        .await?)
}

/// A published call (also one whose deadline has passed).
pub async fn get(app: &App, id: i32) -> Result<funding_call::Model, AppError> {
    funding_call::Entity::find_by_id(id)
        .filter(funding_call::Column::Published.eq(true))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The open calls' deadlines as an iCalendar feed: each an all-day entry
/// on its last day.
pub async fn ics(app: &App, lang: &str) -> Result<String, AppError> {
    let calls = open(app).await?;
    let host = app.config.base_url.trim_end_matches('/').rsplit("//").next().unwrap_or("kimppa").to_string();
    let host = host.split('/').next().unwrap_or("kimppa");
    let name = if lang == "en" { "Funding calls' deadlines" } else { "Rahoitushakujen määräajat" };
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kimppa//Calls//FI\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
    );
    out.push_str(&crate::events::calendar::line("X-WR-CALNAME", &crate::events::calendar::escape(name)));
    let stamp = crate::now().format("%Y%m%dT%H%M%SZ").to_string();
    for c in &calls {
        let Some(day) = crate::materials::parse_day(&c.deadline) else { continue };
        let next = day.succ_opt().unwrap_or(day);
        let url = app.url(&format!("/{lang}/calls/{}", c.id));
        let summary =
            if lang == "en" { format!("Deadline: {}", c.title) } else { format!("Määräaika: {}", c.title) };
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&crate::events::calendar::line("UID", &format!("call-{}@{host}", c.id)));
        out.push_str(&crate::events::calendar::line("DTSTAMP", &stamp));
        out.push_str(&crate::events::calendar::line("DTSTART;VALUE=DATE", &day.format("%Y%m%d").to_string()));
        out.push_str(&crate::events::calendar::line("DTEND;VALUE=DATE", &next.format("%Y%m%d").to_string()));
        out.push_str(&crate::events::calendar::line("SUMMARY", &crate::events::calendar::escape(&summary)));
        out.push_str(&crate::events::calendar::line(
            "DESCRIPTION",
            &crate::events::calendar::escape(&format!("{} · {}\n\n{}", c.funder, c.programme.key(), url)),
        ));
        out.push_str(&crate::events::calendar::line("URL", &url));
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    Ok(out)
}

/// Emails the followers of a call's focus areas: of a new call (`remind`
/// false, once: `announced_at`) or a week before its deadline (`remind`
/// true, once: `reminded_at`). Returns how many were emailed.
async fn tell(app: &App, id: i32, remind: bool) -> Result<usize, AppError> {
    let Some(call) = funding_call::Entity::find_by_id(id).one(&app.db).await? else { return Ok(0) };
    let done = if remind { call.reminded_at.is_some() } else { call.announced_at.is_some() };
    if !call.published || done {
        return Ok(0);
    }
    let (area_of, users) = crate::challenges::following::followers(app, &call.focus_areas).await?;
    let modes = notifications::modes_of(&app.db, users.iter().map(|u| u.id)).await?;
    let key = unsubscribe::key(&app.db).await?;
    let tx = app.db.begin().await?;
    // Taken by this run (another node may be on it): nobody is told twice.
    let column = if remind { funding_call::Column::RemindedAt } else { funding_call::Column::AnnouncedAt };
    let taken = funding_call::Entity::update_many()
        .col_expr(column, Some(crate::now()).into())
        .filter(funding_call::Column::Id.eq(call.id))
        .filter(column.is_null())
        .exec(&tx)
        .await?;
    if taken.rows_affected == 0 {
        return Ok(0);
    }
    let mut sent = 0;
    for u in &users {
        if modes.get(&u.id) == Some(&EmailMode::Off) {
            continue;
        }
        let lang = crate::people::lang(u);
        let Some(area) = area_of.get(&u.id).and_then(|a| FocusArea::parse(a).ok()) else { continue };
        let link = app.url(&format!("/{lang}/calls/{}", call.id));
        let stop = unsubscribe::link(app, &key, lang, u.id, &crate::challenges::following::focus_key(area));
        let (subject, body) = texts(lang, &call, remind, &link, &stop);
        email::queue(&tx, &u.email, &subject, &body).await?;
        sent += 1;
    }
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(sent)
}

/// The morning round's reminders: calls whose deadline is within
/// [`REMIND_DAYS`] days and whose followers were not reminded yet.
pub async fn remind(app: &App) -> Result<usize, AppError> {
    let today = crate::materials::today();
    let until = today + chrono::Duration::days(REMIND_DAYS);
    let due: Vec<i32> = funding_call::Entity::find()
        .select_only()
        .column(funding_call::Column::Id)
        .filter(funding_call::Column::Published.eq(true))
        .filter(funding_call::Column::RemindedAt.is_null())
        .filter(funding_call::Column::Deadline.between(today.to_string(), until.to_string()))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut sent = 0;
    for id in due {
        sent += tell(app, id, true).await?;
    }
    Ok(sent)
}

fn texts(lang: &str, c: &funding_call::Model, remind: bool, link: &str, stop: &str) -> (String, String) {
    let day = crate::materials::parse_day(&c.deadline)
        .map(|d| if lang == "en" { d.format("%-d %B %Y").to_string() } else { d.format("%-d.%-m.%Y").to_string() })
        .unwrap_or_else(|| c.deadline.clone());
    match (lang, remind) {
        ("en", false) => (
            format!("New funding call: {}", c.title),
            format!(
                "{} opened a call in a focus area you follow on Kimppa:\n\n{}\n\nDeadline: {day}\n\n{link}\n\nStop following this focus area:\n{stop}\n",
                c.funder, c.title
            ),
        ),
        ("en", true) => (
            format!("Deadline on {day}: {}", c.title),
            format!(
                "The call {} of {} closes on {day}.\n\n{link}\n\nStop following this focus area:\n{stop}\n",
                c.title, c.funder
            ),
        ),
        (_, false) => (
            format!("Uusi rahoitushaku: {}", c.title),
            format!(
                "{} avasi Kimppassa haun painopistealueelta, jota seuraat:\n\n{}\n\nMääräaika: {day}\n\n{link}\n\nLopeta tämän painopistealueen seuraaminen:\n{stop}\n",
                c.funder, c.title
            ),
        ),
        (_, true) => (
            format!("Määräaika {day}: {}", c.title),
            format!(
                "Rahoittajan {} haku {} päättyy {day}.\n\n{link}\n\nLopeta tämän painopistealueen seuraaminen:\n{stop}\n",
                c.funder, c.title
            ),
        ),
    }
}

/// A call's partner rules checked against a kimppa.
#[derive(Debug, Clone)]
pub struct Check {
    pub kimppa: kimppas::KimppaView,
    pub violations: Vec<kimppa_matchmaking::Violation>,
    /// Countries the members come from, and how many the call asks for.
    pub countries: (usize, usize),
    /// Organisation types that may not apply, among the members (their names).
    pub ineligible: Vec<String>,
    pub suggestions: Vec<kimppas::SetView>,
}

/// Checks a kimppa (one the actor may see) against the call's rules, and
/// suggests partners that would complete it.
pub async fn check(app: &App, actor: &Principal, call_id: i32, kimppa_slug: &str) -> Result<Check, AppError> {
    policy::signed_in(actor)?;
    let call = get(app, call_id).await?;
    let mut view = kimppas::get_by_slug(app, actor, kimppa_slug).await?;
    view.k.min_partners = call.min_partners;
    view.k.max_partners = 0;
    view.k.min_smes = call.min_smes;
    view.k.min_research = call.min_research;
    view.k.min_municipalities = call.min_municipalities;
    // The call's rules, not the roles the kimppa itself is after.
    view.k.required_roles = String::new();
    let rules = kimppas::rules_of(&view.k);
    let members: Vec<kimppa_matchmaking::Candidate> =
        view.members.iter().map(|m| kimppas::candidate(&m.org, &m.role)).collect();
    let refs: Vec<&kimppa_matchmaking::Candidate> = members.iter().collect();
    let violations = kimppa_matchmaking::check(&rules, &refs);
    let countries = crate::batch::distinct(view.members.iter().map(|m| m.org.country.clone())).len();
    let allowed: Vec<&str> = crate::directory::list(&call.org_types);
    let ineligible = view
        .members
        .iter()
        .filter(|m| !allowed.is_empty() && !allowed.contains(&m.org.org_type.key()))
        .map(|m| m.org.name.clone())
        .collect();
    view.violations = violations.clone();
    let suggestions = kimppas::suggested_sets(app, &view).await?;
    Ok(Check {
        kimppa: view,
        violations,
        countries: (countries, call.min_countries.max(0) as usize),
        ineligible,
        suggestions,
    })
}
