//! Events of SPEC C11: the cluster's and its members' matchmaking days,
//! pitching and funding days, workshops, trainings, info sessions and the
//! annual arena. An organiser (staff for the cluster's own events, an
//! approved member's admins for theirs) writes an event with registration
//! questions and publishes it; people register up to its capacity and
//! then onto a waiting list that offers freed places in turn
//! ([`registrations`]); calendars and feeds carry the events
//! ([`calendar`]); the day before, participants are reminded, and after
//! the event they are asked for feedback ([`feedback`]); the cluster's
//! counts come from [`metrics`].
//!
//! Who sees an event is decided in [`visibility`].

pub mod calendar;
pub mod documents;
pub mod feedback;
pub mod meetings;
pub mod metrics;
pub mod registrations;
pub mod visibility;

use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use kimppa_domain::{EventKind, EventStatus, EventVisibility, FocusArea, OrgId, QuestionKind};
use kimppa_store::entities::{event, event_question, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// The events' hooks: reminders and feedback requests in the morning
/// round, offers from the waiting list that run out, search documents.
pub fn register(h: &mut crate::hooks::Hooks) {
    registrations::register(h);
    documents::register(h);
    h.daily.push(|app| {
        Box::pin(async move {
            feedback::daily(&app).await?;
            Ok(())
        })
    });
}

pub const PER_PAGE: u64 = 20;
const MAX_TEXT: usize = 20_000;
/// Questions an organiser may ask of everyone registering.
pub const MAX_QUESTIONS: usize = 5;
pub const LANGUAGES: [&str; 4] = ["fi", "en", "sv", "fi-en"];
/// The longest an event may last.
const MAX_DAYS: i64 = 14;

/// A time typed in Finnish local time as `YYYY-MM-DDTHH:MM` (a
/// `datetime-local` field) or `YYYY-MM-DD HH:MM`, as UTC. `None` when it is
/// not a time, or names an hour that does not exist in Finland (the spring
/// change).
pub fn parse_local(input: &str) -> Option<DateTime<Utc>> {
    let t = input.trim().replace(' ', "T");
    let naive = NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    use chrono::Datelike;
    if !(2000..=2200).contains(&naive.year()) {
        return None;
    }
    // Finnish time is UTC+2 or UTC+3: the right one reads back as typed.
    // In the autumn's repeated hour, the earlier (summer) one.
    [3, 2]
        .into_iter()
        .map(|h| DateTime::<Utc>::from_naive_utc_and_offset(naive - Duration::hours(h), Utc))
        .find(|utc| crate::finnish_time(*utc).naive_local() == naive)
}

/// A stored time as a `datetime-local` field shows it (Finnish time).
pub fn local_input(t: DateTime<Utc>) -> String {
    crate::finnish_time(t).format("%Y-%m-%dT%H:%M").to_string()
}

/// The event form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct EventForm {
    /// The organiser: an organisation's slug, or empty for the cluster.
    pub org: String,
    /// The working group it is an event of: a group's id, or empty.
    pub group: String,
    pub kind: String,
    pub title_fi: String,
    pub title_en: String,
    pub description_fi: String,
    pub description_en: String,
    /// Finnish time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    pub municipality: String,
    pub address: String,
    pub online: Option<String>,
    pub online_url: String,
    pub language: String,
    pub focus_areas: Vec<String>,
    pub visibility: String,
    /// Empty: no limit.
    pub capacity: String,
    /// Empty: until the event starts.
    pub registration_deadline: String,
    pub offer_hours: String,
    /// The questions, one entry per row of the form; `q_id` names a stored
    /// question (empty for a new one), so answers stay with their question
    /// when others are removed.
    pub q_id: Vec<String>,
    pub q_label: Vec<String>,
    pub q_kind: Vec<String>,
    /// For a choice: the choices, one per line.
    pub q_choices: Vec<String>,
    /// `yes` when an answer is required.
    pub q_required: Vec<String>,
    /// "publish" publishes at once; anything else saves a draft.
    pub action: String,
}

/// One question row of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionRow {
    /// A stored question's id; empty for a new one.
    pub id: String,
    pub label: String,
    pub kind: String,
    pub choices: String,
    pub required: bool,
}

impl EventForm {
    /// A new form with the defaults a user expects: a morning next month.
    pub fn new_default() -> EventForm {
        EventForm {
            kind: "workshop".into(),
            language: "fi".into(),
            visibility: "public".into(),
            offer_hours: "24".into(),
            ..Default::default()
        }
    }

    /// The form of a stored event.
    pub fn of(e: &event::Model, questions: &[event_question::Model], org_slug: &str) -> EventForm {
        let mut f = EventForm {
            org: org_slug.into(),
            group: e.group_id.map(|g| g.to_string()).unwrap_or_default(),
            kind: e.kind.key().into(),
            title_fi: e.title_fi.clone(),
            title_en: e.title_en.clone(),
            description_fi: e.description_fi.clone(),
            description_en: e.description_en.clone(),
            starts_at: local_input(e.starts_at),
            ends_at: local_input(e.ends_at),
            municipality: e.municipality.clone(),
            address: e.address.clone(),
            online: e.online.then(|| "on".into()),
            online_url: e.online_url.clone(),
            language: e.language.clone(),
            focus_areas: crate::directory::list(&e.focus_areas).into_iter().map(str::to_string).collect(),
            visibility: e.visibility.key().into(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            registration_deadline: e.registration_deadline.map(local_input).unwrap_or_default(),
            offer_hours: e.offer_hours.to_string(),
            ..Default::default()
        };
        for q in questions {
            f.q_id.push(q.id.to_string());
            f.q_label.push(q.label.clone());
            f.q_kind.push(q.kind.key().into());
            f.q_choices.push(q.choices.clone());
            f.q_required.push(if q.required { "yes" } else { "no" }.into());
        }
        f
    }

    /// The question rows as typed (rows without a label are empty).
    pub fn questions(&self) -> Vec<QuestionRow> {
        let n = self.q_label.len().max(self.q_kind.len()).max(self.q_choices.len());
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .map(|i| QuestionRow {
                id: at(&self.q_id, i),
                label: at(&self.q_label, i),
                kind: at(&self.q_kind, i),
                choices: at(&self.q_choices, i),
                required: at(&self.q_required, i) == "yes",
            })
            .collect()
    }
}

/// The organisers the actor may choose: `None` is the cluster itself
/// (staff), then the approved members they are an admin of (staff: every
/// approved member).
pub async fn organiser_choices(
    app: &App,
    actor: &Principal,
) -> Result<Vec<(Option<organisation::Model>, bool)>, AppError> {
    policy::require(actor, Action::StartEvent)?;
    let mut out = Vec::new();
    if policy::allowed(actor, Action::ManageClusterEvents) {
        out.push((None, true));
    }
    let orgs = if policy::is_staff(actor) {
        crate::organisations::approved(app).await?
    } else {
        let ids: Vec<i32> = policy::own_orgs_where(actor, |org| Action::ManageEvents { org })
            .filter(|m| m.approved())
            .map(|m| m.org_id.0)
            .collect();
        crate::organisations::by_ids(app, ids).await?
    };
    out.extend(orgs.into_iter().map(|o| (Some(o), true)));
    Ok(out)
}

/// The groups whose events the actor may organise: (id, name) of those
/// they lead (staff: every group).
pub async fn group_choices(app: &App, actor: &Principal) -> Result<Vec<(i32, String)>, AppError> {
    use kimppa_store::entities::group_member;
    let rows = group_member::Entity::find().all(&app.db).await?;
    let mut by_group: std::collections::BTreeMap<i32, Vec<group_member::Model>> = Default::default();
    for m in rows {
        by_group.entry(m.group_id).or_default().push(m);
    }
    Ok(crate::groups::list(app)
        .await?
        .into_iter()
        .filter(|g| crate::groups::visibility::manages(actor, by_group.get(&g.id).map(Vec::as_slice).unwrap_or(&[])))
        .map(|g| (g.id, g.name_fi))
        .collect())
}

/// May the actor organise this event (edit, publish, cancel, see and
/// change the participants)?
pub fn may_manage(actor: &Principal, e: &event::Model) -> bool {
    match e.org_id {
        Some(org) => policy::allowed(actor, Action::ManageEvents { org: OrgId(org) }),
        None => policy::allowed(actor, Action::ManageClusterEvents),
    }
}

fn require_manage(actor: &Principal, e: &event::Model) -> Result<(), AppError> {
    match e.org_id {
        Some(org) => policy::require(actor, Action::ManageEvents { org: OrgId(org) }),
        None => policy::require(actor, Action::ManageClusterEvents),
    }
}

/// A form that passed its checks.
struct Checked {
    org_id: Option<i32>,
    group_id: Option<i32>,
    kind: EventKind,
    visibility: EventVisibility,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    capacity: Option<i32>,
    deadline: Option<DateTime<Utc>>,
    offer_hours: i32,
    focus: String,
    questions: Vec<CheckedQuestion>,
}

/// A question that passed its checks: (stored id, kind, label, choices, required).
type CheckedQuestion = (Option<i32>, QuestionKind, String, String, bool);

fn required_time(c: &mut Checker, field: &'static str, typed: &str) -> Option<DateTime<Utc>> {
    if typed.trim().is_empty() {
        c.push(field, "err-required");
        return None;
    }
    let t = parse_local(typed);
    if t.is_none() {
        // A well-formed time that does not exist in Finland: the spring change.
        let well_formed = NaiveDateTime::parse_from_str(&typed.trim().replace(' ', "T"), "%Y-%m-%dT%H:%M").is_ok();
        c.push(field, if well_formed { "err-datetime-gap" } else { "err-datetime" });
    }
    t
}

/// Checks the form for a new event (`editing` `None`) or a stored one.
async fn check(
    app: &App,
    actor: &Principal,
    f: &EventForm,
    editing: Option<&event::Model>,
) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    let org_id = match editing {
        Some(e) => Some(e.org_id),
        None => {
            let choices = organiser_choices(app, actor).await?;
            let slug = f.org.trim();
            choices
                .into_iter()
                .find(|(o, _)| o.as_ref().map(|o| o.slug.as_str()).unwrap_or("") == slug)
                .map(|(o, _)| o.map(|o| o.id))
        }
    };
    if org_id.is_none() {
        c.push("org", if f.org.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    // A group's event: a group the actor leads (staff: any group).
    let group_id = match f.group.trim() {
        "" => None,
        g => match g.parse::<i32>() {
            Ok(id) if group_choices(app, actor).await?.iter().any(|(gid, _)| *gid == id) => Some(id),
            _ => {
                c.push("group", "err-unknown-value");
                None
            }
        },
    };
    let kind = EventKind::parse(&f.kind);
    if kind.is_err() {
        c.push("kind", if f.kind.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let title_fi = f.title_fi.trim();
    if title_fi.is_empty() {
        c.push("title_fi", "err-required");
    } else if title_fi.chars().count() > 200 {
        c.push("title_fi", "err-too-long");
    }
    if f.title_en.trim().chars().count() > 200 {
        c.push("title_en", "err-too-long");
    }
    if f.description_fi.trim().is_empty() {
        c.push("description_fi", "err-required");
    } else if f.description_fi.chars().count() > MAX_TEXT {
        c.push("description_fi", "err-too-long");
    }
    if f.description_en.chars().count() > MAX_TEXT {
        c.push("description_en", "err-too-long");
    }
    let starts_at = required_time(&mut c, "starts_at", &f.starts_at);
    let ends_at = required_time(&mut c, "ends_at", &f.ends_at);
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            c.push("ends_at", "err-end-before-start");
        } else if e - s > Duration::days(MAX_DAYS) {
            c.push("ends_at", "err-event-too-long");
        }
    }
    // A new event, or a changed start, must lie ahead.
    if let Some(s) = starts_at
        && s < crate::now()
        && editing.is_none_or(|e| e.starts_at != s)
    {
        c.push("starts_at", "err-datetime-past");
    }
    let online = f.online.is_some();
    let municipality = f.municipality.trim();
    if !municipality.is_empty() {
        let found = crate::materials::reference::municipalities_by_code(app, &[municipality.to_string()]).await?;
        if !found.contains_key(municipality) {
            c.push("municipality", "err-unknown-value");
        }
    } else if !online {
        c.push("municipality", "err-place-or-online");
    }
    if f.address.trim().chars().count() > 200 {
        c.push("address", "err-too-long");
    }
    let url = f.online_url.trim();
    if online && url.is_empty() {
        c.push("online_url", "err-required");
    } else if !url.is_empty() && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500) {
        c.push("online_url", "err-url");
    }
    if !LANGUAGES.contains(&f.language.trim()) {
        c.push("language", if f.language.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let focus = match FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)) {
        Ok(l) => FocusArea::join(&l),
        Err(_) => {
            c.push("focus_areas", "err-unknown-value");
            String::new()
        }
    };
    let visibility = EventVisibility::parse(&f.visibility);
    if visibility.is_err() {
        c.push("visibility", if f.visibility.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let capacity = match f.capacity.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(n) if (1..=100_000).contains(&n) => {
                if let Some(e) = editing
                    && n < e.places_taken
                {
                    c.push("capacity", "err-capacity-below-registered");
                }
                Some(n)
            }
            _ => {
                c.push("capacity", "err-capacity");
                None
            }
        },
    };
    let deadline = match f.registration_deadline.trim() {
        "" => None,
        t => match parse_local(t) {
            Some(d) if starts_at.is_some_and(|s| d > s) => {
                c.push("registration_deadline", "err-deadline-after-start");
                None
            }
            Some(d) => Some(d),
            None => {
                c.push("registration_deadline", "err-datetime");
                None
            }
        },
    };
    let offer_hours = match f.offer_hours.trim() {
        "" => 24,
        t => match t.parse::<i32>() {
            Ok(h) if (1..=168).contains(&h) => h,
            _ => {
                c.push("offer_hours", "err-offer-hours");
                24
            }
        },
    };
    let mut questions = Vec::new();
    for q in f.questions() {
        let label = q.label.trim();
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > 200 {
            c.push("questions", "err-too-long");
            continue;
        }
        let Ok(kind) = QuestionKind::parse(&q.kind) else {
            c.push("questions", "err-unknown-value");
            continue;
        };
        let choices: Vec<&str> = q.choices.lines().map(str::trim).filter(|s| !s.is_empty()).collect();
        if kind == QuestionKind::Choice && choices.len() < 2 {
            c.push("questions", "err-question-choices");
            continue;
        }
        let choices = if kind == QuestionKind::Choice { choices.join("\n") } else { String::new() };
        questions.push((q.id.trim().parse::<i32>().ok(), kind, label.to_string(), choices, q.required));
    }
    if questions.len() > MAX_QUESTIONS {
        c.push("questions", "err-too-many-questions");
    }
    c.finish()?;
    let (Some(org_id), Ok(kind), Ok(visibility), Some(starts_at), Some(ends_at)) =
        (org_id, kind, visibility, starts_at, ends_at)
    else {
        return Err(crate::error::checked());
    };
    Ok(Checked {
        org_id,
        group_id,
        kind,
        visibility,
        starts_at,
        ends_at,
        capacity,
        deadline,
        offer_hours,
        focus,
        questions,
    })
}

fn search_text(f: &EventForm) -> String {
    format!("{} {} {} {}", f.title_fi, f.title_en, f.description_fi, f.description_en).to_lowercase()
}

fn content(f: &EventForm, k: &Checked) -> event::ActiveModel {
    event::ActiveModel {
        group_id: Set(k.group_id),
        kind: Set(k.kind),
        visibility: Set(k.visibility),
        title_fi: Set(f.title_fi.trim().into()),
        title_en: Set(f.title_en.trim().into()),
        description_fi: Set(f.description_fi.trim().into()),
        description_en: Set(f.description_en.trim().into()),
        starts_at: Set(k.starts_at),
        ends_at: Set(k.ends_at),
        municipality: Set(f.municipality.trim().into()),
        address: Set(f.address.trim().into()),
        online: Set(f.online.is_some()),
        online_url: Set(f.online_url.trim().into()),
        language: Set(f.language.trim().into()),
        focus_areas: Set(k.focus.clone()),
        capacity: Set(k.capacity),
        registration_deadline: Set(k.deadline),
        offer_hours: Set(k.offer_hours),
        search_text: Set(search_text(f)),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
}

/// Stores the questions of an event in the form's order. A row naming a
/// stored question updates it, so the answers already given stay with it;
/// stored questions no row names are removed.
async fn save_questions<C: sea_orm::ConnectionTrait>(
    conn: &C,
    event_id: i32,
    questions: &[CheckedQuestion],
) -> Result<(), AppError> {
    let old: Vec<i32> = event_question::Entity::find()
        .filter(event_question::Column::EventId.eq(event_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|q| q.id)
        .collect();
    let mut kept = Vec::new();
    for (i, (id, kind, label, choices, required)) in questions.iter().enumerate() {
        let mut row = event_question::ActiveModel {
            event_id: Set(event_id),
            position: Set(i as i32),
            kind: Set(*kind),
            label: Set(label.clone()),
            choices: Set(choices.clone()),
            required: Set(*required),
            ..Default::default()
        };
        match id.filter(|id| old.contains(id) && !kept.contains(id)) {
            Some(id) => {
                row.id = Set(id);
                row.update(conn).await?;
                kept.push(id);
            }
            None => {
                row.insert(conn).await?;
            }
        }
    }
    let gone: Vec<i32> = old.into_iter().filter(|id| !kept.contains(id)).collect();
    if !gone.is_empty() {
        event_question::Entity::delete_many().filter(event_question::Column::Id.is_in(gone)).exec(conn).await?;
    }
    Ok(())
}

/// Creates an event (a draft, or published at once).
pub async fn create(app: &App, actor: &Principal, f: &EventForm) -> Result<event::Model, AppError> {
    let uid = policy::user_id(actor)?;
    let k = check(app, actor, f, None).await?;
    let publish = f.action == "publish";
    let now = crate::now();
    let mut row = content(f, &k);
    row.org_id = Set(k.org_id);
    row.status = Set(if publish { EventStatus::Published } else { EventStatus::Draft });
    row.places_taken = Set(0);
    row.waiting = Set(0);
    row.cancel_note = Set(String::new());
    row.reminded_at = Set(None);
    row.feedback_asked_at = Set(None);
    row.created_by = Set(uid.0);
    row.created_at = Set(now);
    row.published_at = Set(publish.then_some(now));
    let tx = app.db.begin().await?;
    let e = row.insert(&tx).await?;
    save_questions(&tx, e.id, &k.questions).await?;
    crate::search::touch(&tx, documents::KIND, &[e.id]).await?;
    tx.commit().await?;
    Ok(e)
}

/// Saves an event's changes (and publishes a draft when asked). A raised
/// capacity offers the new places to the waiting list at once.
pub async fn update(app: &App, actor: &Principal, id: i32, f: &EventForm) -> Result<event::Model, AppError> {
    let old = managed(app, actor, id).await?;
    if matches!(old.status, EventStatus::Cancelled | EventStatus::Held) {
        return Err(AppError::Conflict("event-closed"));
    }
    let k = check(app, actor, f, Some(&old)).await?;
    let now = crate::now();
    let mut row = content(f, &k);
    row.id = Set(old.id);
    if f.action == "publish" && old.status == EventStatus::Draft {
        row.status = Set(EventStatus::Published);
        row.published_at = Set(Some(now));
    }
    // A new time or place is told to everyone holding a place, with the
    // calendar file again; a reminder is sent again for a new day.
    let moved = old.starts_at != k.starts_at
        || old.ends_at != k.ends_at
        || old.municipality != f.municipality.trim()
        || old.address != f.address.trim()
        || old.online != f.online.is_some();
    if crate::finnish_time(old.starts_at).date_naive() != crate::finnish_time(k.starts_at).date_naive() {
        row.reminded_at = Set(None);
    }
    let tx = app.db.begin().await?;
    let e = row.update(&tx).await?;
    save_questions(&tx, e.id, &k.questions).await?;
    // An offer never outlasts the start.
    registrations::cap_offers(&tx, &e).await?;
    if moved && e.status == EventStatus::Published {
        registrations::tell_changed(app, &tx, &e).await?;
    }
    registrations::fill_places(app, &tx, &e).await?;
    crate::search::touch(&tx, documents::KIND, &[e.id]).await?;
    tx.commit().await?;
    Ok(event::Entity::find_by_id(id).one(&app.db).await?.unwrap_or(e))
}

/// What an organiser may do to an event's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    Publish,
    /// Back to a draft: only while no one has registered.
    Unpublish,
    Cancel,
    /// Mark held before the morning round does.
    Held,
}

/// Publishes, unpublishes, cancels (telling every participant, with the
/// organiser's note) or marks an event held.
pub async fn set_state(
    app: &App,
    actor: &Principal,
    id: i32,
    change: StateChange,
    note: &str,
) -> Result<event::Model, AppError> {
    let e = managed(app, actor, id).await?;
    let now = crate::now();
    let allowed = match change {
        StateChange::Publish => e.status == EventStatus::Draft && e.starts_at > now,
        StateChange::Unpublish => e.status == EventStatus::Published && e.places_taken == 0 && e.waiting == 0,
        // A draft was never announced: there is nothing to cancel (a
        // cancelled event is shown to everyone who may see it).
        StateChange::Cancel => e.status == EventStatus::Published,
        StateChange::Held => e.status == EventStatus::Published && e.starts_at <= now,
    };
    if !allowed {
        return Err(AppError::Conflict("event-state"));
    }
    if note.chars().count() > 2000 {
        let mut c = Checker::default();
        c.push("note", "err-too-long");
        c.finish()?;
    }
    let mut row = event::ActiveModel {
        id: Set(e.id),
        updated_at: Set(now),
        status: Set(match change {
            StateChange::Publish => EventStatus::Published,
            StateChange::Unpublish => EventStatus::Draft,
            StateChange::Cancel => EventStatus::Cancelled,
            StateChange::Held => EventStatus::Held,
        }),
        ..Default::default()
    };
    if change == StateChange::Publish && e.published_at.is_none() {
        row.published_at = Set(Some(now));
    }
    if change == StateChange::Cancel {
        row.cancel_note = Set(note.trim().to_string());
    }
    let tx = app.db.begin().await?;
    // The change holds only from the state it was decided on (a second
    // click, or a registration racing an unpublish, changes nothing).
    let mut guard = event::Entity::update_many()
        .col_expr(event::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(event::Column::Id.eq(e.id))
        .filter(event::Column::Status.eq(e.status));
    if change == StateChange::Unpublish {
        guard = guard.filter(event::Column::PlacesTaken.eq(0)).filter(event::Column::Waiting.eq(0));
    }
    if guard.exec(&tx).await?.rows_affected != 1 {
        return Err(AppError::Conflict("event-state"));
    }
    let saved = row.update(&tx).await?;
    if change == StateChange::Cancel {
        registrations::tell_cancelled(app, &tx, &saved).await?;
    }
    crate::search::touch(&tx, documents::KIND, &[e.id]).await?;
    tx.commit().await?;
    Ok(saved)
}

/// One event the actor may see ("not found" otherwise).
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<event::Model, AppError> {
    event::Entity::find_by_id(id).filter(visibility::condition(actor)).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// One event the actor organises.
pub async fn managed(app: &App, actor: &Principal, id: i32) -> Result<event::Model, AppError> {
    let e = get(app, actor, id).await?;
    require_manage(actor, &e)?;
    Ok(e)
}

/// The questions of an event, in order.
pub async fn questions(app: &App, event_id: i32) -> Result<Vec<event_question::Model>, AppError> {
    Ok(event_question::Entity::find()
        .filter(event_question::Column::EventId.eq(event_id))
        .order_by_asc(event_question::Column::Position)
        .all(&app.db)
        .await?)
}

/// The list's filters as the query string carries them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// `past` for held and past events; otherwise upcoming ones.
    pub when: Option<String>,
    pub kind: Option<String>,
    pub focus: Option<String>,
    pub q: Option<String>,
    /// `mine`: events the actor organises (drafts included).
    pub org: Option<String>,
    pub page: Option<u64>,
}

impl Filter {
    pub fn past(&self) -> bool {
        self.when.as_deref() == Some("past")
    }
}

/// The page a filter asks for within `total` rows (1-based).
pub fn page_of(f: &Filter, total: u64) -> u64 {
    let last = total.div_ceil(PER_PAGE).max(1);
    f.page.unwrap_or(1).clamp(1, last)
}

fn filtered(actor: &Principal, f: &Filter) -> sea_orm::Select<event::Entity> {
    let now = crate::now();
    let mut q = event::Entity::find().filter(visibility::condition(actor));
    q = if f.past() {
        q.filter(event::Column::EndsAt.lt(now)).filter(event::Column::Status.ne(EventStatus::Draft))
    } else {
        q.filter(event::Column::EndsAt.gte(now)).filter(event::Column::Status.ne(EventStatus::Held))
    };
    // Drafts show only among one's own; the public list shows what is out.
    if f.org.as_deref() == Some("mine") {
        let orgs: Vec<i32> =
            policy::own_orgs_where(actor, |org| Action::ManageEvents { org }).map(|m| m.org_id.0).collect();
        let mut own = Condition::any().add(event::Column::OrgId.is_in(orgs));
        if policy::allowed(actor, Action::ManageClusterEvents) {
            own = own.add(event::Column::OrgId.is_null());
        }
        q = q.filter(own);
    } else {
        q = q.filter(event::Column::Status.ne(EventStatus::Draft));
    }
    if let Some(k) = f.kind.as_deref().and_then(|k| EventKind::parse(k).ok()) {
        q = q.filter(event::Column::Kind.eq(k));
    }
    if let Some(fa) = f.focus.as_deref().and_then(|k| FocusArea::parse(k).ok()) {
        // The stored list is "energy,digital": look for ",key," within ",list,".
        q = q.filter(sea_orm::sea_query::Expr::cust_with_values(
            "(',' || focus_areas || ',') LIKE ?",
            [format!("%,{},%", fa.key())],
        ));
    }
    if let Some(words) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        for w in words.to_lowercase().split_whitespace().take(8) {
            q = q.filter(event::Column::SearchText.contains(w));
        }
    }
    q
}

/// A page of events the actor may see, soonest first (past: latest first),
/// and how many there are.
pub async fn browse(app: &App, actor: &Principal, f: &Filter) -> Result<(Vec<event::Model>, u64), AppError> {
    let total = filtered(actor, f).count(&app.db).await?;
    let page = page_of(f, total);
    let q = filtered(actor, f);
    let q = if f.past() {
        q.order_by_desc(event::Column::StartsAt).order_by_desc(event::Column::Id)
    } else {
        q.order_by_asc(event::Column::StartsAt).order_by_asc(event::Column::Id)
    };
    let rows = q.offset((page - 1) * PER_PAGE).limit(PER_PAGE).all(&app.db).await?;
    Ok((rows, total))
}

/// The next `n` published events the actor may see (the home page).
pub async fn upcoming(app: &App, actor: &Principal, n: u64) -> Result<Vec<event::Model>, AppError> {
    Ok(event::Entity::find()
        .filter(visibility::condition(actor))
        .filter(event::Column::Status.eq(EventStatus::Published))
        .filter(event::Column::EndsAt.gte(crate::now()))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(n)
        .all(&app.db)
        .await?)
}

/// The published, held and cancelled events the actor may see that start
/// between `from` and `to` (the year view and the calendar feeds).
pub async fn between(
    app: &App,
    actor: &Principal,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<event::Model>, AppError> {
    Ok(event::Entity::find()
        .filter(visibility::condition(actor))
        .filter(event::Column::Status.ne(EventStatus::Draft))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(2000)
        .all(&app.db)
        .await?)
}

/// An event's title in a language (Finnish when there is no English one).
pub fn title<'a>(e: &'a event::Model, lang: &str) -> &'a str {
    if lang == "en" && !e.title_en.trim().is_empty() { &e.title_en } else { &e.title_fi }
}

/// An event's description in a language (Finnish when there is no English one).
pub fn description<'a>(e: &'a event::Model, lang: &str) -> &'a str {
    if lang == "en" && !e.description_en.trim().is_empty() { &e.description_en } else { &e.description_fi }
}

/// Names of the organisers of `events`: organisation id → name.
pub async fn organiser_names(
    app: &App,
    events: &[event::Model],
) -> Result<std::collections::HashMap<i32, crate::people::OrgName>, AppError> {
    crate::people::org_names(app, events.iter().filter_map(|e| e.org_id)).await
}

/// May people still register (or join the waiting list)?
pub fn registration_open(e: &event::Model, now: DateTime<Utc>) -> bool {
    e.status == EventStatus::Published && e.starts_at > now && e.registration_deadline.is_none_or(|d| d > now)
}

/// Places left (`None`: no limit).
pub fn places_left(e: &event::Model) -> Option<i32> {
    e.capacity.map(|c| (c - e.places_taken).max(0))
}
