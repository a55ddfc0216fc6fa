//! What each indicator counts: its records as points (a day, a numerator,
//! a denominator, whether anyone may see it, and the record itself for the
//! drill-down). One query per indicator (two where a figure joins two
//! tables), whatever the number of records; `range` narrows to a span of
//! days (Finnish time) for the drill-down.

use super::indicators::Indicator;
use crate::{App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kimppa_domain::{
    ChallengeStatus, ChallengeVisibility, ContentStatus, EventStatus, EventVisibility, FundingStatus, ListingStatus,
    ListingVisibility, MembershipStatus, PipelineKind, RegistrationStatus,
};
use kimppa_store::entities::{
    analytics_count, analytics_visitor, challenge, contact_request, event, event_feedback, event_registration,
    forum_thread, forum_thread_expert, funding, group, kimppa, listing, membership_event, news, org_figure,
    organisation, partner_search_entry, pipeline_record, procurement, survey_answer, symbiosis, user,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, sea_query::SimpleExpr};
use std::collections::HashMap;

/// A record counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub title: String,
    /// Its page, without the language prefix (`/events/12`); empty when it
    /// has none.
    pub path: String,
}

/// One record's share of a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Its day, Finnish time.
    pub day: NaiveDate,
    pub num: f64,
    pub den: f64,
    /// Counted in the public figure too.
    pub public: bool,
    /// `None` where a figure counts no record one could open (visits), or
    /// must not name one (feedback is anonymous).
    pub item: Option<Item>,
}

/// Days from `.0` to `.1`, both included.
pub type Range = Option<(NaiveDate, NaiveDate)>;

fn day_of(t: DateTime<Utc>) -> NaiveDate {
    crate::finnish_time(t).date_naive()
}

/// The instants bounding a range of Finnish days, a day wider on each side
/// (the caller keeps the points whose day falls inside).
fn instants(range: Range) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    range.map(|(a, b)| {
        let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (at(a) - chrono::Duration::days(1), at(b) + chrono::Duration::days(2))
    })
}

fn between_ts<C: ColumnTrait>(col: C, range: Range) -> Option<SimpleExpr> {
    instants(range).map(|(a, b)| col.between(a, b))
}

fn between_day<C: ColumnTrait>(col: C, range: Range) -> Option<SimpleExpr> {
    range.map(|(a, b)| col.between(a.to_string(), b.to_string()))
}

fn item(title: impl Into<String>, path: impl Into<String>) -> Option<Item> {
    Some(Item { title: title.into(), path: path.into() })
}

fn point(day: NaiveDate, public: bool, item: Option<Item>) -> Point {
    Point { day, num: 1.0, den: 1.0, public, item }
}

fn parse(day: &str) -> Option<NaiveDate> {
    crate::materials::parse_day(day)
}

/// The points of `ind` (all of them, or those whose day is in `range`).
pub async fn points(app: &App, ind: &Indicator, range: Range) -> Result<Vec<Point>, AppError> {
    let db = &app.db;
    let mut out: Vec<Point> = match ind.id {
        "organisations" => organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::CreatedAt, organisation::Column::Name, organisation::Column::Slug])
            .apply_if(between_ts(organisation::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(DateTime<Utc>, String, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(at, name, slug)| point(day_of(at), true, item(name, format!("/organisations/{slug}"))))
            .collect(),
        "members" | "partners" => {
            // An organisation counts from its first approval under the tier.
            let tier = if ind.id == "members" { "member" } else { "partner" };
            let rows = membership_event::Entity::find()
                .select_only()
                .columns([membership_event::Column::OrgId, membership_event::Column::At])
                .filter(membership_event::Column::Kind.eq("approved"))
                .filter(membership_event::Column::Tier.eq(tier))
                .into_tuple::<(i32, DateTime<Utc>)>()
                .all(db)
                .await?;
            let mut first: HashMap<i32, DateTime<Utc>> = HashMap::new();
            for (org, at) in rows {
                first.entry(org).and_modify(|t| *t = (*t).min(at)).or_insert(at);
            }
            let names = crate::people::org_names(app, first.keys().copied()).await?;
            first
                .into_iter()
                .map(|(org, at)| {
                    let n = names.get(&org);
                    point(
                        day_of(at),
                        true,
                        n.map(|n| Item { title: n.name.clone(), path: format!("/organisations/{}", n.slug) }),
                    )
                })
                .collect()
        }
        "users" => user::Entity::find()
            .select_only()
            .columns([user::Column::CreatedAt])
            .apply_if(between_ts(user::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<DateTime<Utc>>()
            .all(db)
            .await?
            .into_iter()
            // People are counted, never listed.
            .map(|at| point(day_of(at), true, None))
            .collect(),
        "carbon-footprints" => organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::Name, organisation::Column::Slug])
            .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
            .filter(organisation::Column::CarbonKg.is_not_null())
            .into_tuple::<(String, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(name, slug)| point(crate::materials::today(), true, item(name, format!("/organisations/{slug}"))))
            .collect(),
        "visitors" => analytics_visitor::Entity::find()
            .select_only()
            .columns([analytics_visitor::Column::Day])
            .apply_if(between_day(analytics_visitor::Column::Day, range), QueryFilter::filter)
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .fold(HashMap::<String, f64>::new(), |mut m, d| {
                *m.entry(d).or_default() += 1.0;
                m
            })
            .into_iter()
            .filter_map(|(d, n)| parse(&d).map(|day| Point { day, num: n, den: 1.0, public: true, item: None }))
            .collect(),
        "page-views" | "searches" => {
            let kind =
                if ind.id == "page-views" { crate::website::analytics::VIEW } else { crate::website::analytics::QUERY };
            // Summed here: a sum of BIGINT is NUMERIC on PostgreSQL.
            analytics_count::Entity::find()
                .select_only()
                .columns([analytics_count::Column::Day, analytics_count::Column::Count])
                .filter(analytics_count::Column::Kind.eq(kind))
                .apply_if(between_day(analytics_count::Column::Day, range), QueryFilter::filter)
                .into_tuple::<(String, i64)>()
                .all(db)
                .await?
                .into_iter()
                .fold(HashMap::<String, f64>::new(), |mut m, (d, n)| {
                    *m.entry(d).or_default() += n as f64;
                    m
                })
                .into_iter()
                .filter_map(|(d, n)| parse(&d).map(|day| Point { day, num: n, den: 1.0, public: true, item: None }))
                .collect()
        }
        "events" | "event-participants" | "participants-per-event" => {
            // Events held: published or marked held, started by now.
            let held_q = || {
                event::Entity::find()
                    .filter(event::Column::Status.is_in([EventStatus::Published, EventStatus::Held]))
                    .filter(event::Column::StartsAt.lte(crate::now()))
                    .apply_if(between_ts(event::Column::StartsAt, range), QueryFilter::filter)
            };
            let held = held_q()
                .select_only()
                .columns([
                    event::Column::Id,
                    event::Column::StartsAt,
                    event::Column::Visibility,
                    event::Column::TitleFi,
                ])
                .into_tuple::<(i32, DateTime<Utc>, EventVisibility, String)>()
                .all(db)
                .await?;
            if ind.id == "events" {
                held.into_iter()
                    .map(|(id, at, vis, title)| {
                        point(day_of(at), vis == EventVisibility::Public, item(title, format!("/events/{id}")))
                    })
                    .collect()
            } else {
                // A participant: a registration that holds a place, unless
                // attendance was taken and they were not there.
                // The same events as a subquery: one statement however many.
                let ids = held_q().select_only().column(event::Column::Id).into_query();
                let regs: Vec<(i32, Option<bool>)> = event_registration::Entity::find()
                    .select_only()
                    .columns([event_registration::Column::EventId, event_registration::Column::Attended])
                    .filter(event_registration::Column::EventId.in_subquery(ids))
                    .filter(event_registration::Column::Status.eq(RegistrationStatus::Registered))
                    .into_tuple::<(i32, Option<bool>)>()
                    .all(db)
                    .await?;
                let mut per: HashMap<i32, f64> = HashMap::new();
                for (e, attended) in regs {
                    if attended != Some(false) {
                        *per.entry(e).or_default() += 1.0;
                    }
                }
                held.into_iter()
                    .map(|(id, at, vis, title)| Point {
                        day: day_of(at),
                        num: per.get(&id).copied().unwrap_or(0.0),
                        den: 1.0,
                        public: vis == EventVisibility::Public,
                        item: item(title, format!("/events/{id}")),
                    })
                    .collect()
            }
        }
        "nps" => {
            // Event feedback and member surveys: promoters count +1,
            // detractors −1, over every answer.
            let nps = |score: i32| {
                if score >= 9 {
                    1.0
                } else if score <= 6 {
                    -1.0
                } else {
                    0.0
                }
            };
            let mut out: Vec<Point> = event_feedback::Entity::find()
                .select_only()
                .columns([event_feedback::Column::Score, event_feedback::Column::CreatedAt])
                .apply_if(between_ts(event_feedback::Column::CreatedAt, range), QueryFilter::filter)
                .into_tuple::<(i32, DateTime<Utc>)>()
                .all(db)
                .await?
                .into_iter()
                .map(|(score, at)| Point { day: day_of(at), num: nps(score), den: 1.0, public: true, item: None })
                .collect();
            out.extend(
                survey_answer::Entity::find()
                    .select_only()
                    .columns([survey_answer::Column::Score, survey_answer::Column::AnsweredOn])
                    .apply_if(between_day(survey_answer::Column::AnsweredOn, range), QueryFilter::filter)
                    .into_tuple::<(i32, String)>()
                    .all(db)
                    .await?
                    .into_iter()
                    .filter_map(|(score, d)| {
                        parse(&d).map(|day| Point { day, num: nps(score), den: 1.0, public: true, item: None })
                    }),
            );
            out
        }
        "challenges" => challenge::Entity::find()
            .select_only()
            .columns([challenge::Column::Id, challenge::Column::Title, challenge::Column::Visibility])
            .column(challenge::Column::PublishedAt)
            .filter(challenge::Column::Status.ne(ChallengeStatus::Draft))
            .filter(challenge::Column::PublishedAt.is_not_null())
            .apply_if(between_ts(challenge::Column::PublishedAt, range), QueryFilter::filter)
            .into_tuple::<(i32, String, ChallengeVisibility, Option<DateTime<Utc>>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, title, vis, at)| {
                at.map(|at| {
                    point(day_of(at), vis == ChallengeVisibility::Public, item(title, format!("/challenges/{id}")))
                })
            })
            .collect(),
        "kimppas" => kimppa::Entity::find()
            .select_only()
            .columns([kimppa::Column::Slug, kimppa::Column::Name, kimppa::Column::CreatedAt])
            .column(kimppa::Column::Published)
            .apply_if(between_ts(kimppa::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(String, String, DateTime<Utc>, bool)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(slug, name, at, published)| point(day_of(at), published, item(name, format!("/kimppas/{slug}"))))
            .collect(),
        "projects" => pipeline_record::Entity::find()
            .select_only()
            .columns([pipeline_record::Column::Id, pipeline_record::Column::Title, pipeline_record::Column::CreatedAt])
            .column(pipeline_record::Column::Published)
            .filter(pipeline_record::Column::MergedInto.is_null())
            .filter(pipeline_record::Column::Kind.eq(PipelineKind::DevelopmentProject))
            .apply_if(between_ts(pipeline_record::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(i32, String, DateTime<Utc>, bool)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, title, at, published)| point(day_of(at), published, item(title, format!("/pipeline/{id}"))))
            .collect(),
        "funding-applied" | "funding-granted" => {
            let applied = ind.id == "funding-applied";
            let day_col = if applied { funding::Column::AppliedOn } else { funding::Column::DecisionOn };
            let mut q = funding::Entity::find().filter(day_col.is_not_null());
            if !applied {
                q = q.filter(funding::Column::Status.is_in([FundingStatus::Granted, FundingStatus::Ended]));
            }
            q.apply_if(between_day(day_col, range), QueryFilter::filter)
                .all(db)
                .await?
                .into_iter()
                .filter_map(|f| {
                    let day = parse(if applied { f.applied_on.as_deref()? } else { f.decision_on.as_deref()? })?;
                    let euros = if applied { f.applied_euros } else { f.granted_euros.unwrap_or(0) };
                    let path = f.record_id.map(|r| format!("/pipeline/{r}")).unwrap_or_default();
                    Some(Point {
                        day,
                        num: euros as f64,
                        den: 1.0,
                        public: false,
                        item: item(format!("{} · {}", f.funder_name, f.programme.key()), path),
                    })
                })
                .collect()
        }
        "procurements" | "circular-procurements" => procurement::Entity::find()
            .select_only()
            .columns([procurement::Column::PublishedOn, procurement::Column::Title, procurement::Column::Circular])
            .apply_if(between_day(procurement::Column::PublishedOn, range), QueryFilter::filter)
            .into_tuple::<(String, String, bool)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(d, title, circular)| {
                let num = if ind.id == "procurements" || circular { 1.0 } else { 0.0 };
                parse(&d).map(|day| Point { day, num, den: 1.0, public: true, item: item(title, "/procurements") })
            })
            .collect(),
        "symbioses" | "symbiosis-tonnes" | "symbiosis-co2e" => symbiosis::Entity::find()
            .filter(symbiosis::Column::Confirmation.eq(crate::materials::outcomes::CONFIRMED))
            .apply_if(between_day(symbiosis::Column::StartedOn, range), QueryFilter::filter)
            .all(db)
            .await?
            .into_iter()
            .map(|s| {
                let num = match ind.id {
                    "symbioses" => 1.0,
                    "symbiosis-tonnes" => s.diverted_tonnes,
                    _ => s.co2e_tonnes,
                };
                let day = parse(&s.started_on).unwrap_or_else(|| day_of(s.created_at));
                Point {
                    day,
                    num,
                    den: 1.0,
                    public: true,
                    item: item(format!("{} · {}", s.class_code, s.started_on), format!("/materials/{}", s.listing_id)),
                }
            })
            .collect(),
        "listings" => listing::Entity::find()
            .select_only()
            .columns([listing::Column::Id, listing::Column::Title, listing::Column::Visibility])
            .column(listing::Column::PublishedAt)
            .filter(listing::Column::Status.ne(ListingStatus::Draft))
            .filter(listing::Column::PublishedAt.is_not_null())
            .apply_if(between_ts(listing::Column::PublishedAt, range), QueryFilter::filter)
            .into_tuple::<(i32, String, ListingVisibility, Option<DateTime<Utc>>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, title, vis, at)| {
                at.map(|at| {
                    point(day_of(at), vis == ListingVisibility::Public, item(title, format!("/materials/{id}")))
                })
            })
            .collect(),
        "brokered-contacts" => contact_request::Entity::find()
            .select_only()
            .columns([contact_request::Column::Id, contact_request::Column::CreatedAt])
            .filter(contact_request::Column::AbuseReportedAt.is_null())
            .apply_if(between_ts(contact_request::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(i32, DateTime<Utc>)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, at)| point(day_of(at), true, item(format!("#{id}"), format!("/inbox/{id}"))))
            .collect(),
        "brokered-experts" => {
            // Experts linked to forum threads, and experts proposed in
            // partner searches (those count for staff only).
            let linked = forum_thread_expert::Entity::find()
                .select_only()
                .columns([forum_thread_expert::Column::ThreadId, forum_thread_expert::Column::CreatedAt])
                .apply_if(between_ts(forum_thread_expert::Column::CreatedAt, range), QueryFilter::filter)
                .into_tuple::<(i32, DateTime<Utc>)>()
                .all(db)
                .await?;
            // The threads linked, as a subquery: one statement however many.
            let linked_threads = forum_thread_expert::Entity::find()
                .select_only()
                .column(forum_thread_expert::Column::ThreadId)
                .apply_if(between_ts(forum_thread_expert::Column::CreatedAt, range), QueryFilter::filter)
                .into_query();
            let open: HashMap<i32, (String, bool)> = forum_thread::Entity::find()
                .select_only()
                .columns([forum_thread::Column::Id, forum_thread::Column::Title, forum_thread::Column::Closed])
                .filter(forum_thread::Column::Id.in_subquery(linked_threads))
                .into_tuple::<(i32, String, bool)>()
                .all(db)
                .await?
                .into_iter()
                .map(|(id, title, closed)| (id, (title, closed)))
                .collect();
            let proposed = partner_search_entry::Entity::find()
                .select_only()
                .columns([partner_search_entry::Column::SearchId, partner_search_entry::Column::CreatedAt])
                .filter(partner_search_entry::Column::ExpertId.is_not_null())
                .apply_if(between_ts(partner_search_entry::Column::CreatedAt, range), QueryFilter::filter)
                .into_tuple::<(i32, DateTime<Utc>)>()
                .all(db)
                .await?;
            linked
                .into_iter()
                .map(|(t, at)| {
                    let (title, closed) = open.get(&t).cloned().unwrap_or_default();
                    point(day_of(at), !closed, item(title, format!("/forum/threads/{t}")))
                })
                .chain(
                    proposed.into_iter().map(|(s, at)| {
                        point(day_of(at), false, item(format!("#{s}"), format!("/partner-searches/{s}")))
                    }),
                )
                .collect()
        }
        "working-groups" => group::Entity::find()
            .select_only()
            .columns([group::Column::Slug, group::Column::NameFi, group::Column::CreatedAt])
            .apply_if(between_ts(group::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(String, String, DateTime<Utc>)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(slug, name, at)| point(day_of(at), true, item(name, format!("/groups/{slug}"))))
            .collect(),
        "news" => news::Entity::find()
            .select_only()
            .columns([news::Column::Slug, news::Column::TitleFi, news::Column::PublishedAt])
            .filter(news::Column::Status.eq(ContentStatus::Published))
            .filter(news::Column::PublishedAt.lte(crate::now()))
            .apply_if(between_ts(news::Column::PublishedAt, range), QueryFilter::filter)
            .into_tuple::<(String, String, DateTime<Utc>)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(slug, title, at)| point(day_of(at), true, item(title, format!("/news/{slug}"))))
            .collect(),
        "forum-threads" => forum_thread::Entity::find()
            .select_only()
            .columns([forum_thread::Column::Id, forum_thread::Column::Title, forum_thread::Column::CreatedAt])
            .columns([forum_thread::Column::Closed])
            .column(forum_thread::Column::GroupId)
            .filter(forum_thread::Column::Pending.eq(false))
            .apply_if(between_ts(forum_thread::Column::CreatedAt, range), QueryFilter::filter)
            .into_tuple::<(i32, String, DateTime<Utc>, bool, Option<i32>)>()
            .all(db)
            .await?
            .into_iter()
            // A closed thread, or one of a group's, counts in the staff figure only.
            .map(|(id, title, at, closed, grp)| {
                point(day_of(at), !closed && grp.is_none(), item(title, format!("/forum/threads/{id}")))
            })
            .collect(),
        "member-turnover" | "member-headcount" | "member-export" => {
            // A year's figure counts on the year's last day.
            let rows = org_figure::Entity::find()
                .apply_if(range.map(|(a, b)| (a.year(), b.year())), |q, (a, b)| {
                    q.filter(org_figure::Column::Year.between(a, b))
                })
                .all(db)
                .await?;
            rows.into_iter()
                .filter_map(|r| {
                    let v = match ind.id {
                        "member-turnover" => r.turnover_euros.map(|x| x as f64),
                        "member-headcount" => r.headcount.map(f64::from),
                        _ => r.export_euros.map(|x| x as f64),
                    }?;
                    let day = NaiveDate::from_ymd_opt(r.year, 12, 31)?;
                    // Organisations' own figures are never listed one by one.
                    Some(Point { day, num: v, den: 1.0, public: true, item: None })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    if let Some((a, b)) = range {
        out.retain(|p| p.day >= a && p.day <= b);
    }
    Ok(out)
}
