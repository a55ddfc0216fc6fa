//! One-to-one meetings at a matchmaking event. The organiser turns them on
//! with sessions, a slot length, tables and a cap per person; each
//! participant (a person holding a place) writes a short profile, browses
//! the others with suggestions and their reasons (`kimppa-matchmaking`),
//! and asks for meetings; the other side accepts or declines. An accepted
//! meeting takes the first slot both are free with a free table, never
//! double-booking a person or a table; before the event the organiser runs
//! the scheduler (`kimppa-meetings`), which keeps what they locked and
//! says why a meeting found no place. Afterwards both sides rate each
//! meeting.

use crate::{
    App, AppError, changelog,
    error::Checker,
    policy::{self, Principal},
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use kimppa_domain::{EventStatus, FocusArea, MeetingOutcome, MeetingStatus, RegistrationStatus};
use kimppa_store::entities::{event, event_registration, meeting_profile, meeting_request, meeting_setup, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};

/// A suggestion's reasons, as the pages show them.
pub use kimppa_matchmaking::{Part, Reason};

/// Slot lengths an organiser may choose, in minutes.
pub const SLOT_MINUTES: [i32; 3] = [15, 20, 30];

// ---------------------------------------------------------------------------
// The organiser's setup

/// The setup form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SetupForm {
    pub slot_minutes: String,
    /// One session per line: "09:00-11:00".
    pub sessions: String,
    pub tables: String,
    pub table_names: String,
    pub online: Option<String>,
    /// Empty or 0: no cap.
    pub cap: String,
}

impl SetupForm {
    pub fn of(s: &meeting_setup::Model) -> SetupForm {
        SetupForm {
            slot_minutes: s.slot_minutes.to_string(),
            sessions: s.sessions.clone(),
            tables: s.tables.to_string(),
            table_names: s.table_names.clone(),
            online: s.online.then(|| "on".into()),
            cap: if s.cap > 0 { s.cap.to_string() } else { String::new() },
        }
    }

    /// A first setup for an event: its hours as one session.
    pub fn for_event(e: &event::Model) -> SetupForm {
        let s = crate::finnish_time(e.starts_at);
        let t = crate::finnish_time(e.ends_at);
        let end = if s.date_naive() == t.date_naive() { t.format("%H:%M").to_string() } else { "23:59".into() };
        SetupForm {
            slot_minutes: "20".into(),
            sessions: format!("{}-{end}", s.format("%H:%M")),
            tables: "10".into(),
            ..Default::default()
        }
    }
}

/// One time slot of the event's meetings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub index: u32,
    pub session: u32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

fn parse_hm(s: &str) -> Option<NaiveTime> {
    let s = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&s, "%H:%M").ok()
}

/// The sessions of a setup on the event's first day, as UTC times:
/// `Err(code)` when a line does not read as "HH:MM-HH:MM", the sessions
/// overlap, or one lies outside the event.
/// A session's start and end.
type Span = (DateTime<Utc>, DateTime<Utc>);

fn sessions_of(e: &event::Model, text: &str) -> Result<Vec<Span>, &'static str> {
    let day = crate::finnish_time(e.starts_at).date_naive();
    let mut out: Vec<Span> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (a, b) = line.split_once(['-', '–']).ok_or("err-session-format")?;
        let (Some(a), Some(b)) = (parse_hm(a), parse_hm(b)) else {
            return Err("err-session-format");
        };
        let at = |t: NaiveTime| super::parse_local(&day.and_time(t).format("%Y-%m-%dT%H:%M").to_string());
        let (Some(start), Some(end)) = (at(a), at(b)) else {
            return Err("err-session-format");
        };
        if end <= start {
            return Err("err-session-format");
        }
        if start < e.starts_at || end > e.ends_at {
            return Err("err-session-outside-event");
        }
        if out.last().is_some_and(|(_, prev_end)| start < *prev_end) {
            return Err("err-sessions-overlap");
        }
        out.push((start, end));
    }
    if out.is_empty() {
        return Err("err-required");
    }
    Ok(out)
}

/// The slots of a setup, in time order.
pub fn slots(e: &event::Model, s: &meeting_setup::Model) -> Vec<Slot> {
    let Ok(sessions) = sessions_of(e, &s.sessions) else { return vec![] };
    let len = Duration::minutes(s.slot_minutes.max(5) as i64);
    let mut out = Vec::new();
    for (k, (start, end)) in sessions.into_iter().enumerate() {
        let mut t = start;
        while t + len <= end && out.len() < 500 {
            out.push(Slot { index: out.len() as u32, session: k as u32, starts_at: t, ends_at: t + len });
            t += len;
        }
    }
    out
}

/// The setup of an event's meetings, if they are on.
pub async fn setup(app: &App, event_id: i32) -> Result<Option<meeting_setup::Model>, AppError> {
    Ok(meeting_setup::Entity::find().filter(meeting_setup::Column::EventId.eq(event_id)).one(&app.db).await?)
}

/// Turns meetings on (or changes their setup). A setup whose slots no
/// longer hold every placed meeting is refused.
pub async fn save_setup(
    app: &App,
    actor: &Principal,
    event_id: i32,
    f: &SetupForm,
) -> Result<meeting_setup::Model, AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let mut c = Checker::default();
    let slot_minutes = match f.slot_minutes.trim().parse::<i32>() {
        Ok(m) if SLOT_MINUTES.contains(&m) => m,
        _ => {
            c.push("slot_minutes", "err-unknown-value");
            20
        }
    };
    if let Err(code) = sessions_of(&e, &f.sessions) {
        c.push("sessions", code);
    }
    let tables = match f.tables.trim().parse::<i32>() {
        Ok(t) if (1..=500).contains(&t) => t,
        _ => {
            c.push("tables", "err-tables");
            1
        }
    };
    let cap = match f.cap.trim() {
        "" => 0,
        t => match t.parse::<i32>() {
            Ok(n) if (0..=50).contains(&n) => n,
            _ => {
                c.push("cap", "err-meeting-cap");
                0
            }
        },
    };
    if f.table_names.chars().count() > 5000 {
        c.push("table_names", "err-too-long");
    }
    c.finish()?;
    let now = crate::now();
    let old = setup(app, e.id).await?;
    let mut row = meeting_setup::ActiveModel {
        event_id: Set(e.id),
        slot_minutes: Set(slot_minutes),
        sessions: Set(f.sessions.trim().to_string()),
        tables: Set(tables),
        table_names: Set(f.table_names.trim().to_string()),
        online: Set(f.online.is_some()),
        cap: Set(cap),
        updated_at: Set(now),
        ..Default::default()
    };
    // Meetings already placed must still fit.
    let probe = meeting_setup::Model {
        id: 0,
        event_id: e.id,
        slot_minutes,
        sessions: f.sessions.trim().to_string(),
        tables,
        table_names: String::new(),
        online: false,
        cap,
        scheduled_at: None,
        created_at: now,
        updated_at: now,
    };
    let n_slots = slots(&e, &probe).len() as i32;
    let placed = meeting_request::Entity::find()
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
        .filter(meeting_request::Column::Slot.is_not_null())
        .all(&app.db)
        .await?;
    if placed.iter().any(|m| m.slot.unwrap_or(0) >= n_slots || m.table_no.unwrap_or(0) >= tables) {
        let mut c = Checker::default();
        c.push("sessions", "err-slot-outside-setup");
        c.finish()?;
    }
    let tx = app.db.begin().await?;
    let saved = match old {
        Some(o) => {
            row.id = Set(o.id);
            row.update(&tx).await?
        }
        None => {
            row.created_at = Set(now);
            row.scheduled_at = Set(None);
            row.insert(&tx).await?
        }
    };
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"meetings": e.id})).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The name of a table (its own, or "Table 3").
pub fn table_name(s: &meeting_setup::Model, index: i32, lang: &str) -> String {
    s.table_names
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .nth(index.max(0) as usize)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let word = match (s.online, lang) {
                (true, "en") => "Room",
                (true, _) => "Huone",
                (false, "en") => "Table",
                (false, _) => "Pöytä",
            };
            format!("{word} {}", index + 1)
        })
}

// ---------------------------------------------------------------------------
// Who takes part

/// The event, its setup and the actor's place: meetings are for people
/// holding a place at a published event with meetings on.
async fn participant_context(
    app: &App,
    actor: &Principal,
    event_id: i32,
) -> Result<(event::Model, meeting_setup::Model, i32), AppError> {
    let uid = policy::user_id(actor)?;
    let e = super::get(app, actor, event_id).await?;
    let s = setup(app, e.id).await?.ok_or(AppError::NotFound)?;
    let placed =
        super::registrations::own(app, actor, e.id).await?.is_some_and(|r| r.status == RegistrationStatus::Registered);
    if !placed && !super::may_manage(actor, &e) {
        return Err(AppError::Forbidden);
    }
    Ok((e, s, uid.0))
}

/// People holding a place at the event: user id → organisation id.
async fn holders<C: ConnectionTrait>(conn: &C, event_id: i32) -> Result<BTreeMap<i32, Option<i32>>, AppError> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Registered))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.org_id))
        .collect())
}

/// The profile form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub offers: String,
    pub seeks: String,
    pub focus_areas: Vec<String>,
}

/// Saves the actor's profile for the event.
pub async fn save_profile(app: &App, actor: &Principal, event_id: i32, f: &ProfileForm) -> Result<(), AppError> {
    let (e, _, uid) = participant_context(app, actor, event_id).await?;
    let mut c = Checker::default();
    if f.offers.trim().is_empty() && f.seeks.trim().is_empty() {
        c.push("offers", "err-profile-empty");
    }
    for (field, v) in [("offers", &f.offers), ("seeks", &f.seeks)] {
        if v.chars().count() > 2000 {
            c.push(field, "err-too-long");
        }
    }
    let focus = match FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)) {
        Ok(l) => FocusArea::join(&l),
        Err(_) => {
            c.push("focus_areas", "err-unknown-value");
            String::new()
        }
    };
    c.finish()?;
    let org = holders(&app.db, e.id).await?.get(&uid).copied().flatten();
    let old = meeting_profile::Entity::find()
        .filter(meeting_profile::Column::EventId.eq(e.id))
        .filter(meeting_profile::Column::UserId.eq(uid))
        .one(&app.db)
        .await?;
    let mut row = meeting_profile::ActiveModel {
        event_id: Set(e.id),
        user_id: Set(uid),
        org_id: Set(org),
        offers: Set(f.offers.trim().to_string()),
        seeks: Set(f.seeks.trim().to_string()),
        focus_areas: Set(focus),
        updated_at: Set(crate::now()),
        ..Default::default()
    };
    let tx = app.db.begin().await?;
    match old {
        Some(o) => {
            row.id = Set(o.id);
            row.update(&tx).await?;
        }
        None => {
            row.insert(&tx).await?;
        }
    }
    changelog::personal(&tx, &[uid]).await?;
    tx.commit().await?;
    Ok(())
}

/// Another participant as the browsing list shows them.
#[derive(Debug, Clone)]
pub struct Person {
    pub user_id: i32,
    pub name: String,
    pub org: String,
    pub profile: Option<meeting_profile::Model>,
    /// The suggestion's points and its reasons.
    pub score: f64,
    pub reasons: Vec<kimppa_matchmaking::Reason>,
    /// A request between the two, either way.
    pub request: Option<meeting_request::Model>,
}

/// What one's own page of an event's meetings shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub event: event::Model,
    pub setup: meeting_setup::Model,
    pub slots: Vec<Slot>,
    pub me: i32,
    pub profile: Option<meeting_profile::Model>,
    /// Other participants, best suggestions first.
    pub people: Vec<Person>,
}

/// Lowercased words of four letters or more.
fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 4).map(str::to_lowercase).collect()
}

/// How much of what `seeks` names `offers` has (and the other way), 0 to 1,
/// by shared words and shared beginnings of five letters (Finnish inflects).
fn text_fit(seeks: &str, offers: &str) -> f64 {
    let stem = |w: &String| w.chars().take(5).collect::<String>();
    let a: BTreeSet<String> = words(seeks).iter().map(stem).collect();
    let b: BTreeSet<String> = words(offers).iter().map(stem).collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / a.len().min(b.len()) as f64
}

/// The actor's view of the event's meetings: their profile and the other
/// participants with suggestions (a filter by focus area and words).
pub async fn overview(
    app: &App,
    actor: &Principal,
    event_id: i32,
    focus: Option<&str>,
    q: Option<&str>,
) -> Result<Overview, AppError> {
    let (e, s, me) = participant_context(app, actor, event_id).await?;
    let people = holders(&app.db, e.id).await?;
    let profiles: BTreeMap<i32, meeting_profile::Model> = meeting_profile::Entity::find()
        .filter(meeting_profile::Column::EventId.eq(e.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let requests = meeting_request::Entity::find()
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(
            Condition::any().add(meeting_request::Column::FromUser.eq(me)).add(meeting_request::Column::ToUser.eq(me)),
        )
        .all(&app.db)
        .await?;
    let names = crate::people::user_names(app, people.keys().copied()).await?;
    let orgs = crate::people::org_names(app, people.values().filter_map(|o| *o)).await?;
    let mine = profiles.get(&me).cloned();
    let need = kimppa_matchmaking::Need {
        roles: vec![],
        focus: mine
            .as_ref()
            .map(|p| crate::directory::list(&p.focus_areas).into_iter().map(str::to_string).collect())
            .unwrap_or_default(),
        region: None,
    };
    let weights = kimppa_matchmaking::Weights { role: 0.0, focus: 40.0, text: 60.0, region: 0.0, cooperation: 0.0 };
    let needle = q.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let mut list: Vec<Person> = people
        .iter()
        .filter(|(uid, _)| **uid != me)
        .filter_map(|(uid, org)| {
            let profile = profiles.get(uid).cloned();
            let their_focus: Vec<String> = profile
                .as_ref()
                .map(|p| crate::directory::list(&p.focus_areas).into_iter().map(str::to_string).collect())
                .unwrap_or_default();
            if let Some(f) = focus.filter(|f| !f.is_empty())
                && !their_focus.iter().any(|x| x == f)
            {
                return None;
            }
            let name = names.get(uid).cloned().unwrap_or_default();
            let org_name = org.and_then(|o| orgs.get(&o)).map(|o| o.name.clone()).unwrap_or_default();
            if let Some(n) = &needle {
                let hay = format!(
                    "{name} {org_name} {} {}",
                    profile.as_ref().map(|p| p.offers.as_str()).unwrap_or(""),
                    profile.as_ref().map(|p| p.seeks.as_str()).unwrap_or("")
                )
                .to_lowercase();
                if !hay.contains(n.as_str()) {
                    return None;
                }
            }
            let text = match (&mine, &profile) {
                (Some(m), Some(p)) => text_fit(&m.seeks, &p.offers).max(text_fit(&p.seeks, &m.offers)),
                _ => 0.0,
            };
            let candidate = kimppa_matchmaking::Candidate {
                id: *uid as i64,
                org_type: String::new(),
                municipality: None,
                region: None,
                roles: vec![],
                focus: their_focus,
                text,
                cooperations: 0,
            };
            let score = kimppa_matchmaking::score(&need, &candidate, &weights);
            let request = requests.iter().find(|r| r.from_user == *uid || r.to_user == *uid).cloned();
            Some(Person {
                user_id: *uid,
                name,
                org: org_name,
                profile,
                score: score.total,
                reasons: score.reasons,
                request,
            })
        })
        .collect();
    list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)).then(a.user_id.cmp(&b.user_id)));
    let slots = slots(&e, &s);
    Ok(Overview { event: e, setup: s, slots, me, profile: mine, people: list })
}

// ---------------------------------------------------------------------------
// Requests and answers

/// Asks `to` for a meeting, with a note.
pub async fn request(
    app: &App,
    actor: &Principal,
    event_id: i32,
    to: i32,
    note: &str,
) -> Result<meeting_request::Model, AppError> {
    let (e, _, me) = participant_context(app, actor, event_id).await?;
    if e.status != EventStatus::Published || e.starts_at <= crate::now() {
        return Err(AppError::Conflict("meetings-closed"));
    }
    let people = holders(&app.db, e.id).await?;
    if to == me || !people.contains_key(&to) || !people.contains_key(&me) {
        return Err(AppError::NotFound);
    }
    let mut c = Checker::default();
    if note.chars().count() > 1000 {
        c.push("note", "err-too-long");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let between = meeting_request::Entity::find()
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(meeting_request::Column::FromUser.eq(me))
                        .add(meeting_request::Column::ToUser.eq(to)),
                )
                .add(
                    Condition::all()
                        .add(meeting_request::Column::FromUser.eq(to))
                        .add(meeting_request::Column::ToUser.eq(me)),
                ),
        )
        .all(&tx)
        .await?;
    if between.iter().any(|r| matches!(r.status, MeetingStatus::Pending | MeetingStatus::Accepted)) {
        return Err(AppError::Conflict("meeting-exists"));
    }
    let row = meeting_request::ActiveModel {
        event_id: Set(e.id),
        from_user: Set(me),
        to_user: Set(to),
        note: Set(note.trim().to_string()),
        status: Set(MeetingStatus::Pending),
        slot: Set(None),
        table_no: Set(None),
        locked: Set(false),
        unplaced: Set(String::new()),
        outcome_from: Set(None),
        outcome_to: Set(None),
        created_at: Set(crate::now()),
        answered_at: Set(None),
        ..Default::default()
    };
    // A declined or withdrawn request from me to them is asked again.
    let saved = match between.iter().find(|r| r.from_user == me) {
        Some(old) => {
            let mut row = row;
            row.id = Set(old.id);
            row.update(&tx).await?
        }
        None => row.insert(&tx).await?,
    };
    if let Some(u) = user::Entity::find_by_id(to).one(&tx).await? {
        let lang = crate::people::lang(&u);
        let from = crate::people::user_names(app, [me]).await?.remove(&me).unwrap_or_default();
        let link = app.url(&format!("/{lang}/events/{}/meetings", e.id));
        let title = super::title(&e, lang);
        let (subject, body) = if lang == "en" {
            (
                format!("{from} asks to meet you at {title}"),
                format!(
                    "{from} asks for a one-to-one meeting at {title}.\n\n{}\n\nAccept or decline:\n{link}\n",
                    note.trim()
                ),
            )
        } else {
            (
                format!("{from} pyytää tapaamista: {title}"),
                format!(
                    "{from} pyytää kahdenkeskistä tapaamista tapahtumassa {title}.\n\n{}\n\nHyväksy tai hylkää:\n{link}\n",
                    note.trim()
                ),
            )
        };
        crate::email::queue(&tx, &u.email, &subject, &body).await?;
    }
    changelog::personal(&tx, &[me, to]).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Who is busy in which slot, and which tables are taken, among the
/// placed meetings of an event.
struct Board {
    people: BTreeSet<(i32, i32)>,
    tables: BTreeSet<(i32, i32)>,
    count: BTreeMap<i32, i32>,
}

fn board(placed: &[meeting_request::Model]) -> Board {
    let mut b = Board { people: BTreeSet::new(), tables: BTreeSet::new(), count: BTreeMap::new() };
    for m in placed {
        if let (Some(s), Some(t)) = (m.slot, m.table_no) {
            b.people.insert((m.from_user, s));
            b.people.insert((m.to_user, s));
            b.tables.insert((s, t));
        }
        if m.status == MeetingStatus::Accepted {
            *b.count.entry(m.from_user).or_default() += 1;
            *b.count.entry(m.to_user).or_default() += 1;
        }
    }
    b
}

/// Accepts or declines a request made to the actor. An accepted meeting
/// takes the first slot both are free in, with a free table.
pub async fn answer(
    app: &App,
    actor: &Principal,
    event_id: i32,
    request_id: i32,
    accept: bool,
) -> Result<meeting_request::Model, AppError> {
    let (e, s, me) = participant_context(app, actor, event_id).await?;
    let tx = app.db.begin().await?;
    let r = meeting_request::Entity::find_by_id(request_id)
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::ToUser.eq(me))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status != MeetingStatus::Pending {
        return Err(AppError::Conflict("meeting-answered"));
    }
    let mut row: meeting_request::ActiveModel = r.clone().into();
    row.answered_at = Set(Some(crate::now()));
    if accept {
        row.status = Set(MeetingStatus::Accepted);
        let accepted = meeting_request::Entity::find()
            .filter(meeting_request::Column::EventId.eq(e.id))
            .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
            .all(&tx)
            .await?;
        let b = board(&accepted);
        let at_cap = |u: i32| s.cap > 0 && b.count.get(&u).copied().unwrap_or(0) >= s.cap;
        if at_cap(r.from_user) || at_cap(r.to_user) {
            row.unplaced = Set("cap".into());
        } else {
            let free = slots(&e, &s).into_iter().map(|sl| sl.index as i32).find_map(|sl| {
                if b.people.contains(&(r.from_user, sl)) || b.people.contains(&(r.to_user, sl)) {
                    return None;
                }
                (0..s.tables).find(|t| !b.tables.contains(&(sl, *t))).map(|t| (sl, t))
            });
            match free {
                Some((sl, t)) => {
                    row.slot = Set(Some(sl));
                    row.table_no = Set(Some(t));
                    row.unplaced = Set(String::new());
                }
                None => row.unplaced = Set("no-common-slot".into()),
            }
        }
    } else {
        row.status = Set(MeetingStatus::Declined);
    }
    let saved = row.update(&tx).await?;
    if let Some(u) = user::Entity::find_by_id(r.from_user).one(&tx).await? {
        let lang = crate::people::lang(&u);
        let who = crate::people::user_names(app, [me]).await?.remove(&me).unwrap_or_default();
        let link = app.url(&format!("/{lang}/events/{}/meetings", e.id));
        let title = super::title(&e, lang);
        let (subject, body) = match (accept, lang) {
            (true, "en") => (
                format!("{who} accepted your meeting: {title}"),
                format!("{who} accepted your request to meet at {title}. Your agenda:\n{link}\n"),
            ),
            (true, _) => (
                format!("{who} hyväksyi tapaamisen: {title}"),
                format!("{who} hyväksyi tapaamispyyntösi tapahtumassa {title}. Oma aikataulusi:\n{link}\n"),
            ),
            (false, "en") => (
                format!("No meeting with {who}: {title}"),
                format!("{who} declined your request to meet at {title}.\n{link}\n"),
            ),
            (false, _) => (
                format!("Ei tapaamista: {who}, {title}"),
                format!("{who} ei hyväksynyt tapaamispyyntöäsi tapahtumassa {title}.\n{link}\n"),
            ),
        };
        crate::email::queue(&tx, &u.email, &subject, &body).await?;
    }
    changelog::personal(&tx, &[r.from_user, r.to_user]).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Rates what came of a meeting the actor had (after it started).
pub async fn rate(app: &App, actor: &Principal, event_id: i32, request_id: i32, outcome: &str) -> Result<(), AppError> {
    let (e, s, me) = participant_context(app, actor, event_id).await?;
    let outcome = MeetingOutcome::parse(outcome).map_err(|_| {
        let mut c = Checker::default();
        c.push("outcome", "err-unknown-value");
        c.finish().err().unwrap_or(AppError::NotFound)
    })?;
    let r = meeting_request::Entity::find_by_id(request_id)
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
        .one(&app.db)
        .await?
        .filter(|r| r.from_user == me || r.to_user == me)
        .ok_or(AppError::NotFound)?;
    let starts = r.slot.and_then(|sl| slots(&e, &s).get(sl as usize).map(|x| x.starts_at)).unwrap_or(e.starts_at);
    if starts > crate::now() {
        return Err(AppError::Conflict("meeting-not-held"));
    }
    let mut row: meeting_request::ActiveModel = r.clone().into();
    if r.from_user == me {
        row.outcome_from = Set(Some(outcome));
    } else {
        row.outcome_to = Set(Some(outcome));
    }
    let tx = app.db.begin().await?;
    row.update(&tx).await?;
    changelog::personal(&tx, &[me]).await?;
    tx.commit().await?;
    Ok(())
}

/// A meeting as an agenda or the organiser's grid shows it.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub request: meeting_request::Model,
    pub slot: Option<Slot>,
    pub table: String,
    /// (name, organisation) of the two sides.
    pub from: (String, String),
    pub to: (String, String),
}

async fn meetings_of(
    app: &App,
    e: &event::Model,
    s: &meeting_setup::Model,
    only: Option<i32>,
    lang: &str,
) -> Result<Vec<Meeting>, AppError> {
    let mut q = meeting_request::Entity::find()
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted));
    if let Some(u) = only {
        q = q.filter(
            Condition::any().add(meeting_request::Column::FromUser.eq(u)).add(meeting_request::Column::ToUser.eq(u)),
        );
    }
    let rows =
        q.order_by_asc(meeting_request::Column::Slot).order_by_asc(meeting_request::Column::Id).all(&app.db).await?;
    let ids: BTreeSet<i32> = rows.iter().flat_map(|r| [r.from_user, r.to_user]).collect();
    let names = crate::people::user_names(app, ids.iter().copied()).await?;
    let people = holders(&app.db, e.id).await?;
    let orgs = crate::people::org_names(app, people.values().filter_map(|o| *o)).await?;
    let who = |u: i32| {
        (
            names.get(&u).cloned().unwrap_or_default(),
            people.get(&u).copied().flatten().and_then(|o| orgs.get(&o)).map(|o| o.name.clone()).unwrap_or_default(),
        )
    };
    let all = slots(e, s);
    Ok(rows
        .into_iter()
        .map(|r| Meeting {
            slot: r.slot.and_then(|sl| all.get(sl as usize).cloned()),
            table: r.table_no.map(|t| table_name(s, t, lang)).unwrap_or_default(),
            from: who(r.from_user),
            to: who(r.to_user),
            request: r,
        })
        .collect())
}

/// The actor's agenda: their accepted meetings in time order.
pub async fn agenda(
    app: &App,
    actor: &Principal,
    event_id: i32,
    lang: &str,
) -> Result<(event::Model, Vec<Meeting>), AppError> {
    let (e, s, me) = participant_context(app, actor, event_id).await?;
    let mut list = meetings_of(app, &e, &s, Some(me), lang).await?;
    list.sort_by_key(|m| (m.slot.as_ref().map(|x| x.index).unwrap_or(u32::MAX), m.request.id));
    Ok((e, list))
}

/// The agenda as iCalendar: one entry per placed meeting.
pub async fn agenda_ics(app: &App, actor: &Principal, event_id: i32, lang: &str) -> Result<String, AppError> {
    let (e, list) = agenda(app, actor, event_id, lang).await?;
    let me = policy::user_id(actor)?.0;
    let items: Vec<super::calendar::Item> = list
        .iter()
        .filter_map(|m| {
            let slot = m.slot.as_ref()?;
            let other = if m.request.from_user == me { &m.to } else { &m.from };
            let with = if lang == "en" { "Meeting" } else { "Tapaaminen" };
            Some(super::calendar::Item {
                id: 1_000_000 + m.request.id,
                title: format!("{with}: {} ({})", other.0, other.1),
                description: format!("{} — {}", super::title(&e, lang), m.table),
                location: m.table.clone(),
                url: app.url(&format!("/{lang}/events/{}/meetings/agenda", e.id)),
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                updated_at: e.updated_at,
                cancelled: false,
            })
        })
        .collect();
    Ok(super::calendar::ics(&app.config.base_url, super::title(&e, lang), &items))
}

/// The organiser's grid: every accepted meeting, and the slots.
pub async fn grid(
    app: &App,
    actor: &Principal,
    event_id: i32,
    lang: &str,
) -> Result<(event::Model, meeting_setup::Model, Vec<Slot>, Vec<Meeting>), AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let s = setup(app, e.id).await?.ok_or(AppError::NotFound)?;
    let list = meetings_of(app, &e, &s, None, lang).await?;
    let all = slots(&e, &s);
    Ok((e, s, all, list))
}

/// Locks a placed meeting where it is (the scheduler keeps it), or frees it.
pub async fn lock(app: &App, actor: &Principal, event_id: i32, request_id: i32, locked: bool) -> Result<(), AppError> {
    let e = super::managed(app, actor, event_id).await?;
    let r = meeting_request::Entity::find_by_id(request_id)
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if locked && r.slot.is_none() {
        return Err(AppError::Conflict("meeting-not-placed"));
    }
    let mut row: meeting_request::ActiveModel = r.into();
    row.locked = Set(locked);
    let tx = app.db.begin().await?;
    row.update(&tx).await?;
    changelog::record(&tx, changelog::ADMIN_ACTION, &serde_json::json!({"meeting": request_id})).await?;
    tx.commit().await?;
    Ok(())
}

/// What a scheduler run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub placed: usize,
    pub unplaced: usize,
    pub upper_bound: u32,
}

/// Runs the scheduler over every accepted meeting: locked ones stay, the
/// rest are placed as well as they can be; each left out gets its reason.
pub async fn run_scheduler(app: &App, actor: &Principal, event_id: i32) -> Result<Run, AppError> {
    use kimppa_meetings as engine;
    let e = super::managed(app, actor, event_id).await?;
    let s = setup(app, e.id).await?.ok_or(AppError::NotFound)?;
    let all = slots(&e, &s);
    let tx = app.db.begin().await?;
    let accepted = meeting_request::Entity::find()
        .filter(meeting_request::Column::EventId.eq(e.id))
        .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
        .order_by_asc(meeting_request::Column::Id)
        .all(&tx)
        .await?;
    let mut person: BTreeMap<i32, u32> = BTreeMap::new();
    for r in &accepted {
        for u in [r.from_user, r.to_user] {
            let n = person.len() as u32;
            person.entry(u).or_insert(n);
        }
    }
    let problem = engine::Problem {
        slots: all.len() as u32,
        session_of_slot: all.iter().map(|x| x.session).collect(),
        tables: s.tables.max(0) as u32,
        cap_per_person: (s.cap > 0).then_some(s.cap as u32),
        unavailable: vec![],
        requests: accepted
            .iter()
            .map(|r| engine::Request {
                id: r.id as u64,
                a: person[&r.from_user],
                b: person[&r.to_user],
                lock: match (r.locked, r.slot, r.table_no) {
                    (true, Some(sl), Some(t)) if sl >= 0 && t >= 0 => engine::Lock::SlotTable(sl as u32, t as u32),
                    _ => engine::Lock::None,
                },
            })
            .collect(),
    };
    let result = engine::schedule(&problem);
    let placed: BTreeMap<u64, (u32, u32)> = result.placed.iter().map(|p| (p.request, (p.slot, p.table))).collect();
    let reasons: BTreeMap<u64, &engine::Unplaced> = result.unplaced.iter().map(|(id, r)| (*id, r)).collect();
    for r in &accepted {
        let mut row: meeting_request::ActiveModel = r.clone().into();
        match placed.get(&(r.id as u64)) {
            Some((sl, t)) => {
                row.slot = Set(Some(*sl as i32));
                row.table_no = Set(Some(*t as i32));
                row.unplaced = Set(String::new());
            }
            None => {
                row.slot = Set(None);
                row.table_no = Set(None);
                row.locked = Set(false);
                row.unplaced = Set(reason_key(reasons.get(&(r.id as u64)).copied()).into());
            }
        }
        row.update(&tx).await?;
    }
    let mut srow: meeting_setup::ActiveModel = s.clone().into();
    srow.scheduled_at = Set(Some(crate::now()));
    srow.update(&tx).await?;
    changelog::personal(&tx, &person.keys().copied().collect::<Vec<_>>()).await?;
    tx.commit().await?;
    Ok(Run { placed: result.placed.len(), unplaced: result.unplaced.len(), upper_bound: engine::upper_bound(&problem) })
}

/// The stored key of why a meeting found no place.
fn reason_key(r: Option<&kimppa_meetings::Unplaced>) -> &'static str {
    use kimppa_meetings::Unplaced::*;
    match r {
        Some(InvalidLock) => "invalid-lock",
        Some(LockClash { .. }) => "lock-clash",
        Some(SamePerson) => "same-person",
        Some(Cap { .. }) => "cap",
        Some(NoCommonSlot) | None => "no-common-slot",
        Some(NoTable) => "no-table",
        Some(Duplicate { .. }) => "duplicate",
    }
}

/// Reasons a meeting may be left without a place, as stored.
pub const UNPLACED: [&str; 7] =
    ["invalid-lock", "lock-clash", "same-person", "cap", "no-common-slot", "no-table", "duplicate"];

/// Meetings held at an event's past slots and the outcomes rated, for the
/// cluster's counts: (meetings, outcome → ratings).
pub async fn held_counts(app: &App, event_ids: &[i32]) -> Result<(u32, BTreeMap<MeetingOutcome, u32>), AppError> {
    let rows = crate::batch::chunked(event_ids.iter().copied(), |chunk| {
        meeting_request::Entity::find()
            .filter(meeting_request::Column::EventId.is_in(chunk))
            .filter(meeting_request::Column::Status.eq(MeetingStatus::Accepted))
            .filter(meeting_request::Column::Slot.is_not_null())
            .all(&app.db)
    })
    .await?;
    let mut outcomes = BTreeMap::new();
    for r in &rows {
        for o in [r.outcome_from, r.outcome_to].into_iter().flatten() {
            *outcomes.entry(o).or_default() += 1;
        }
    }
    Ok((rows.len() as u32, outcomes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_fit_sees_inflected_words() {
        assert!(super::text_fit("Etsimme betonimursketta tierakenteisiin", "Toimitamme betonimursketta") > 0.4);
        assert_eq!(super::text_fit("puuta", ""), 0.0);
    }
}
