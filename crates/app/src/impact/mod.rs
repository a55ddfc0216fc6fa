//! Impact (SPEC C13): the one place where the cluster's figures are
//! computed, explained and shown.
//!
//! Every indicator is defined once ([`indicators`]) and computed from
//! records ([`sources`]); a rollup job ([`rollup`]) keeps each indicator's
//! monthly figures (what staff see, and what anyone may see) in
//! `indicator_months`, hourly and on demand, so pages read a handful of
//! rows whatever the number of records. Quarters and years are made of
//! months. A year's figures can be frozen into a snapshot that later edits
//! of records do not change; pages show the frozen figure and say when the
//! live one differs. Targets per indicator and year are the orchestrators'.
//!
//! Staff (`policy::Action::ManageImpact`) see every indicator's staff
//! figure and the records counted; anyone sees the public indicators'
//! public figures (the situational picture, the API).

pub mod indicators;
pub mod label;
pub mod official;
pub mod own;
pub mod park;
pub mod rollup;
pub mod sources;
pub mod surveys;

pub use indicators::{Dimension, INDICATORS, Indicator, Kind, Unit};

use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::{Datelike, NaiveDate};
use kimppa_store::entities::{indicator_month, indicator_snapshot, indicator_target, situation_text};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::{BTreeMap, HashMap};

pub fn register(h: &mut crate::hooks::Hooks) {
    rollup::register(&mut h.jobs);
}

/// Whose figure: staff's (every record the definition counts) or the
/// public one (the records anyone may see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Staff,
    Public,
}

impl Scope {
    /// Staff's figures for staff, the public ones for everyone else.
    pub fn of(actor: &Principal) -> Scope {
        if policy::allowed(actor, Action::ManageImpact) { Scope::Staff } else { Scope::Public }
    }
}

/// A span of months: a month, a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

impl Period {
    /// `2026`, `2026-Q2`, `2026-05`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((y, q)) = s.split_once("-Q") {
            let (y, q) = (y.parse().ok()?, q.parse().ok()?);
            return ((1900..=9999).contains(&y) && (1..=4).contains(&q)).then_some(Period::Quarter(y, q));
        }
        if let Some((y, m)) = s.split_once('-') {
            let (y, m) = (y.parse().ok()?, m.parse().ok()?);
            return ((1900..=9999).contains(&y) && (1..=12).contains(&m)).then_some(Period::Month(y, m));
        }
        let y = s.parse().ok()?;
        (1900..=9999).contains(&y).then_some(Period::Year(y))
    }

    pub fn key(&self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}-{m:02}"),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Year(y) => y.to_string(),
        }
    }

    /// Its months, `YYYY-MM`.
    pub fn months(&self) -> Vec<String> {
        let (y, from, to) = match *self {
            Period::Month(y, m) => (y, m, m),
            Period::Quarter(y, q) => (y, q * 3 - 2, q * 3),
            Period::Year(y) => (y, 1, 12),
        };
        (from..=to).map(|m| format!("{y}-{m:02}")).collect()
    }

    /// Its first and last day.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let months = self.months();
        let first = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").unwrap_or_default();
        let last = months.last().map(|m| first(m)).unwrap_or_default();
        let end = last.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(last);
        (first(&months[0]), end)
    }

    /// The period before, of the same length.
    pub fn previous(&self) -> Period {
        match *self {
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Year(y) => Period::Year(y - 1),
        }
    }

    pub fn year(&self) -> i32 {
        match *self {
            Period::Month(y, _) | Period::Quarter(y, _) | Period::Year(y) => y,
        }
    }
}

/// The month of a day, `YYYY-MM`.
pub fn month_of(d: NaiveDate) -> String {
    format!("{}-{:02}", d.year(), d.month())
}

/// This month, Finnish time.
pub fn this_month() -> String {
    month_of(crate::materials::today())
}

/// Monthly rows of indicators: indicator → month → (num, den).
#[derive(Debug, Clone, Default)]
pub struct Months {
    rows: HashMap<String, BTreeMap<String, (f64, f64)>>,
    computed: Option<chrono::DateTime<chrono::Utc>>,
}

impl Months {
    /// The figure of `ind` over `months` (from the rows read): a flow's
    /// sum, a stock's value at the last month that has begun, a ratio's
    /// quotient; `None` when it is not recorded, or under its floor.
    pub fn value(&self, ind: &Indicator, months: &[String]) -> Option<f64> {
        if !ind.recorded {
            return None;
        }
        let empty = BTreeMap::new();
        let rows = self.rows.get(ind.id).unwrap_or(&empty);
        let now = this_month();
        match ind.kind {
            Kind::Flow => {
                let (n, d) = months.iter().filter_map(|m| rows.get(m)).fold((0.0, 0.0), |a, r| (a.0 + r.0, a.1 + r.1));
                // A sum of what organisations report is shown only over enough of them.
                if ind.floor > 0 && d < ind.floor as f64 {
                    return None;
                }
                Some(n + 0.0)
            }
            Kind::Stock => {
                let last = months.iter().rev().find(|m| **m <= now)?;
                match rows.range(..=last.clone()).next_back() {
                    Some((_, r)) => Some(r.0),
                    // Before the first record: none yet, unless the state
                    // was only ever recorded from a later month on.
                    None if ind.current_only => None,
                    None => Some(0.0),
                }
            }
            Kind::Ratio => {
                let (n, d) = months.iter().filter_map(|m| rows.get(m)).fold((0.0, 0.0), |a, r| (a.0 + r.0, a.1 + r.1));
                if d < ind.floor.max(1) as f64 {
                    return None;
                }
                let q = n / d;
                Some(
                    match ind.unit {
                        Unit::Percent | Unit::Nps => (q * 100.0).round(),
                        _ => (q * 10.0).round() / 10.0,
                    } + 0.0,
                )
            }
        }
    }

    /// The sum of an indicator's denominators over the months read (a
    /// ratio's how many: answers, events).
    pub fn den(&self, id: &str) -> f64 {
        self.rows.get(id).map(|m| m.values().map(|r| r.1).sum()).unwrap_or(0.0)
    }

    /// When the figures were last computed.
    pub fn computed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.computed
    }
}

/// Reads the monthly rows of the given months (staff's or public figures):
/// two queries, reading only the four columns the figures need.
pub async fn months(app: &App, scope: Scope, from: &str, to: &str) -> Result<Months, AppError> {
    read_months(app, scope, None, from, to).await
}

/// Every indicator's months as the last rollup wrote them: indicator →
/// month → (staff's numerator and denominator, the public ones).
#[derive(Debug, Default)]
struct Table {
    rows: HashMap<String, BTreeMap<String, [f64; 4]>>,
    computed: Option<chrono::DateTime<chrono::Utc>>,
}

/// The table, from this node's memory until the next change (the rollup
/// writes to the change log): two queries when it was not remembered.
async fn table(app: &App) -> Result<std::sync::Arc<Table>, AppError> {
    use sea_orm::QuerySelect;
    app.pages
        .derived(app, "impact.months", || async {
            let rows: Vec<(String, String, f64, f64, f64, f64)> = indicator_month::Entity::find()
                .select_only()
                .columns([indicator_month::Column::Indicator, indicator_month::Column::Month])
                .columns([
                    indicator_month::Column::NumAll,
                    indicator_month::Column::DenAll,
                    indicator_month::Column::NumPublic,
                    indicator_month::Column::DenPublic,
                ])
                .into_tuple()
                .all(&app.db)
                .await?;
            // The newest row is the last run's.
            let computed: Option<chrono::DateTime<chrono::Utc>> = indicator_month::Entity::find()
                .select_only()
                .column(indicator_month::Column::ComputedAt)
                .order_by_desc(indicator_month::Column::Id)
                .limit(1)
                .into_tuple()
                .one(&app.db)
                .await?;
            let mut t = Table { computed, ..Default::default() };
            for (ind, month, a, b, c, d) in rows {
                t.rows.entry(ind).or_default().insert(month, [a, b, c, d]);
            }
            Ok(t)
        })
        .await
}

async fn read_months(app: &App, scope: Scope, id: Option<&str>, from: &str, to: &str) -> Result<Months, AppError> {
    let t = table(app).await?;
    let mut out = Months { computed: t.computed, ..Default::default() };
    if from > to {
        return Ok(out);
    }
    for (ind, months) in t.rows.iter().filter(|(k, _)| id.is_none_or(|id| id == k.as_str())) {
        let picked: BTreeMap<String, (f64, f64)> = months
            .range(from.to_string()..=to.to_string())
            .map(|(m, r)| (m.clone(), if scope == Scope::Staff { (r[0], r[1]) } else { (r[2], r[3]) }))
            .collect();
        out.rows.insert(ind.clone(), picked);
    }
    Ok(out)
}

/// One indicator's figures for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub indicator: &'static Indicator,
    /// The year's figure: the frozen one when the year is frozen.
    pub value: Option<f64>,
    /// The live figure, when the year is frozen and it differs.
    pub live: Option<Option<f64>>,
    pub frozen: bool,
    pub previous: Option<f64>,
    pub target: Option<f64>,
    /// The year's months, January to December (none after this month).
    pub trend: Vec<(String, Option<f64>)>,
}

/// The figures of a year for a dashboard: every indicator (staff) or every
/// public one (others) with the previous year, the target, the frozen
/// figure and the months. Four queries, whatever the number of records.
pub async fn year(app: &App, actor: &Principal, year: i32) -> Result<(Vec<Row>, Months), AppError> {
    let scope = Scope::of(actor);
    let m = months(app, scope, &format!("{}-01", year - 1), &format!("{year}-12")).await?;
    let targets = targets(app, year).await?;
    let frozen = snapshots(app, year).await?;
    let this = Period::Year(year);
    let now = this_month();
    let rows = INDICATORS
        .iter()
        .filter(|i| scope == Scope::Staff || i.public)
        .map(|ind| {
            let live = m.value(ind, &this.months());
            let snap = frozen.get(ind.id).map(|s| if scope == Scope::Staff { s.value_all } else { s.value_public });
            let (value, differs) = match snap {
                Some(v) => (v, (live != v).then_some(live)),
                None => (live, None),
            };
            Row {
                indicator: ind,
                value,
                live: differs,
                frozen: snap.is_some(),
                previous: m.value(ind, &this.previous().months()),
                target: targets.get(ind.id).copied(),
                trend: this
                    .months()
                    .into_iter()
                    .filter(|mo| *mo <= now)
                    .map(|mo| {
                        let v = m.value(ind, std::slice::from_ref(&mo));
                        (mo, v)
                    })
                    .collect(),
            }
        })
        .collect();
    Ok((rows, m))
}

/// One indicator's figures per period over `years` (most recent last),
/// by month, quarter or year, with the targets: two queries.
pub async fn series(
    app: &App,
    actor: &Principal,
    ind: &'static Indicator,
    periods: &[Period],
) -> Result<Vec<(Period, Option<f64>, Option<f64>)>, AppError> {
    let scope = Scope::of(actor);
    if scope == Scope::Public && !ind.public {
        return Err(AppError::NotFound);
    }
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else { return Ok(vec![]) };
    let from = first.months().first().cloned().unwrap_or_default();
    let to = last.months().last().cloned().unwrap_or_default();
    // A stock reads its value before the first period too.
    let from = if ind.kind == Kind::Stock { "0000-00".to_string() } else { from };
    let m = read_months(app, scope, Some(ind.id), &from, &to).await?;
    let targets: HashMap<i32, f64> = indicator_target::Entity::find()
        .filter(indicator_target::Column::Indicator.eq(ind.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| (t.year, t.value))
        .collect();
    Ok(periods
        .iter()
        .map(|p| {
            let target = match p {
                Period::Year(y) => targets.get(y).copied(),
                _ => None,
            };
            (*p, m.value(ind, &p.months()), target)
        })
        .collect())
}

/// The records an indicator counted in a period (staff), at most `limit`,
/// newest first, and how many there were in all.
pub async fn records(
    app: &App,
    actor: &Principal,
    ind: &'static Indicator,
    period: Period,
    limit: usize,
) -> Result<(Vec<sources::Point>, usize), AppError> {
    policy::require(actor, Action::ManageImpact)?;
    if !ind.recorded {
        return Ok((vec![], 0));
    }
    let mut pts = sources::points(app, ind, Some(period.days())).await?;
    pts.sort_by_key(|p| std::cmp::Reverse(p.day));
    let total = pts.len();
    pts.truncate(limit);
    Ok((pts, total))
}

/// The targets of a year: indicator → value.
pub async fn targets(app: &App, year: i32) -> Result<HashMap<String, f64>, AppError> {
    Ok(indicator_target::Entity::find()
        .filter(indicator_target::Column::Year.eq(year))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| (t.indicator, t.value))
        .collect())
}

/// The frozen figures of a year: indicator → snapshot.
pub async fn snapshots(app: &App, year: i32) -> Result<HashMap<String, indicator_snapshot::Model>, AppError> {
    Ok(indicator_snapshot::Entity::find()
        .filter(indicator_snapshot::Column::Year.eq(year))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|s| (s.indicator.clone(), s))
        .collect())
}

/// The target form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TargetForm {
    pub year: String,
    /// Empty: remove the year's target.
    pub value: String,
}

/// Sets or removes an indicator's target for a year (staff).
pub async fn set_target(app: &App, actor: &Principal, ind: &Indicator, f: &TargetForm) -> Result<(), AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    let year = match f.year.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            c.push("year", "err-target-year");
            0
        }
    };
    let value = match f.value.trim() {
        "" => None,
        v => match crate::materials::parse_number(v) {
            Some(x) if x >= -100.0 && ind.recorded => Some(x),
            _ => {
                c.push("value", "err-target-value");
                None
            }
        },
    };
    c.finish()?;
    let tx = app.db.begin().await?;
    indicator_target::Entity::delete_many()
        .filter(indicator_target::Column::Indicator.eq(ind.id))
        .filter(indicator_target::Column::Year.eq(year))
        .exec(&tx)
        .await?;
    if let Some(v) = value {
        indicator_target::ActiveModel {
            indicator: Set(ind.id.into()),
            year: Set(year),
            value: Set(v),
            set_by: Set(uid.0),
            set_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    crate::changelog::admin_action(&tx, uid, "impact.target", format!("{} {year}", ind.id), f.value.trim()).await?;
    tx.commit().await?;
    Ok(())
}

/// Freezes a year's figures (staff): computes every indicator afresh and
/// keeps the year's figures of those not frozen yet; frozen ones stay.
/// Returns how many were frozen now.
pub async fn freeze(app: &App, actor: &Principal, year: i32) -> Result<usize, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    if year > crate::materials::today().year() || year < 2000 {
        return Err(AppError::field("year", "err-year"));
    }
    freeze_as(app, uid, year).await
}

/// Freezes a year's figures in the name of `uid` (the checks are the
/// caller's).
pub(crate) async fn freeze_as(app: &App, uid: kimppa_domain::UserId, year: i32) -> Result<usize, AppError> {
    rollup::run(app).await?;
    let p = Period::Year(year);
    let (from, to) = (format!("{}-01", year - 1), format!("{year}-12"));
    let all = months(app, Scope::Staff, &from, &to).await?;
    let public = months(app, Scope::Public, &from, &to).await?;
    let done = snapshots(app, year).await?;
    let now = crate::now();
    let fresh: Vec<indicator_snapshot::ActiveModel> = INDICATORS
        .iter()
        .filter(|i| i.recorded && !done.contains_key(i.id))
        .map(|i| indicator_snapshot::ActiveModel {
            indicator: Set(i.id.into()),
            year: Set(year),
            value_all: Set(all.value(i, &p.months())),
            value_public: Set(if i.public { public.value(i, &p.months()) } else { None }),
            frozen_by: Set(uid.0),
            frozen_at: Set(now),
            ..Default::default()
        })
        .collect();
    let n = fresh.len();
    let tx = app.db.begin().await?;
    if n > 0 {
        indicator_snapshot::Entity::insert_many(fresh)
            .on_conflict_do_nothing_on([indicator_snapshot::Column::Indicator, indicator_snapshot::Column::Year])
            .exec(&tx)
            .await?;
    }
    crate::changelog::admin_action(&tx, uid, "impact.freeze", year.to_string(), n.to_string()).await?;
    tx.commit().await?;
    Ok(n)
}

/// A year's editorial text of the situational picture.
pub async fn situation_text(app: &App, year: i32) -> Result<Option<situation_text::Model>, AppError> {
    Ok(situation_text::Entity::find().filter(situation_text::Column::Year.eq(year)).one(&app.db).await?)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TextForm {
    pub body_fi: String,
    pub body_en: String,
}

/// Writes a year's editorial text (staff).
pub async fn set_situation_text(app: &App, actor: &Principal, year: i32, f: &TextForm) -> Result<(), AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    for (field, v) in [("body_fi", &f.body_fi), ("body_en", &f.body_en)] {
        if v.chars().count() > 20_000 {
            c.push(field, "err-too-long");
        }
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    situation_text::Entity::delete_many().filter(situation_text::Column::Year.eq(year)).exec(&tx).await?;
    situation_text::ActiveModel {
        year: Set(year),
        body_fi: Set(f.body_fi.trim().into()),
        body_en: Set(f.body_en.trim().into()),
        updated_by: Set(uid.0),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::changelog::admin_action(&tx, uid, "impact.text", year.to_string(), "").await?;
    tx.commit().await?;
    Ok(())
}

/// The live part of the public situational picture of a year.
#[derive(Debug, Clone, Default)]
pub struct Situation {
    pub text: Option<situation_text::Model>,
    /// The cluster's approved members, in all, by type and by focus area
    /// (most first).
    pub actors: u64,
    pub by_type: Vec<(String, u64)>,
    pub by_focus: Vec<(String, u64)>,
    /// Realised symbioses confirmed by both sides, in all.
    pub symbioses: crate::materials::outcomes::Impact,
}

/// The situational picture's live figures (public): three queries and the
/// symbioses' totals.
pub async fn situation(app: &App, year: i32) -> Result<Situation, AppError> {
    use kimppa_domain::MembershipStatus;
    use kimppa_store::entities::organisation;
    use sea_orm::QuerySelect;
    let orgs: Vec<(kimppa_domain::OrgType, String)> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::OrgType, organisation::Column::FocusAreas])
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_focus: BTreeMap<String, u64> = BTreeMap::new();
    for (t, focus) in &orgs {
        *by_type.entry(t.key().to_string()).or_default() += 1;
        for f in crate::directory::list(focus) {
            *by_focus.entry(f.to_string()).or_default() += 1;
        }
    }
    let most = |m: BTreeMap<String, u64>| {
        let mut v: Vec<(String, u64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    Ok(Situation {
        text: situation_text(app, year).await?,
        actors: orgs.len() as u64,
        by_type: most(by_type),
        by_focus: most(by_focus),
        symbioses: crate::materials::outcomes::impact(app, None).await?,
    })
}

/// A table as a spreadsheet reads it: a byte-order mark, semicolons, and
/// no cell a spreadsheet would run as a formula.
pub fn csv(rows: &[Vec<String>]) -> Result<String, AppError> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| crate::events::registrations::csv_safe(c)))
            .map_err(|e| AppError::context("could not write the CSV", e))?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::context("could not finish the CSV", e.into_error()))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// An indicator in the report: its figure, the previous year's, the target.
pub type ReportRow = (&'static Indicator, Option<f64>, Option<f64>, Option<f64>);

/// The annual report's figures: the public indicators of a year as frozen,
/// the previous year's as frozen (live when that year was never frozen),
/// and the targets. `frozen_at` is `None` while the year is not frozen; the
/// figures are then the live ones.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub year: i32,
    pub frozen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rows: Vec<ReportRow>,
}

/// The annual report of a year (public): five queries.
pub async fn report(app: &App, year: i32) -> Result<Report, AppError> {
    let now = snapshots(app, year).await?;
    let before = snapshots(app, year - 1).await?;
    let (live, _) = self::year(app, &Principal::Anonymous, year).await?;
    let targets = targets(app, year).await?;
    let frozen_at = now.values().map(|s| s.frozen_at).max();
    let rows = live
        .into_iter()
        .filter(|r| r.indicator.recorded)
        .map(|r| {
            let id = r.indicator.id;
            let value = match now.get(id) {
                Some(s) => s.value_public,
                None if frozen_at.is_some() => None,
                None => r.value,
            };
            let previous = match before.get(id) {
                Some(s) => s.value_public,
                None => r.previous,
            };
            (r.indicator, value, previous, targets.get(id).copied())
        })
        .collect();
    Ok(Report { year, frozen_at, rows })
}
