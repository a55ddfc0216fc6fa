//! Projects and funding (SPEC C10): funding applied for and received per
//! project (a pipeline record) and per organisation, from a funder of the
//! registry or by name, with its programme, instrument, euros, dates and
//! status; the cluster's figures per year (applied and received, by
//! programme and by organisation type); an organisation's own figures
//! beside the anonymised average of similar organisations — never of fewer
//! than five; the funders' open calls ([`calls`]) and the open circular
//! procurements ([`procurements`]).
//!
//! Funding is seen by staff; an organisation's admins see their own
//! organisation's figures (`policy::Action::ViewOrganisationFunding`).

pub mod calls;
pub mod procurements;

use crate::{
    App, AppError, changelog,
    error::Checker,
    organisations::{self, Named},
    policy::{self, Action, Principal},
};
use kimppa_domain::{FundingStatus, OrgId, OrgType, Programme};
use kimppa_store::entities::{funding, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};

pub fn register(h: &mut crate::hooks::Hooks) {
    calls::register(h);
}

/// The smallest group whose figures are shown (privacy: an average over
/// fewer could reveal one organisation's funding).
pub const FLOOR: usize = 5;

/// An empty link, or one that starts `https://` or `http://`.
pub(crate) fn web_link(link: &str) -> bool {
    let l = link.trim();
    l.is_empty() || l.starts_with("https://") || l.starts_with("http://")
}

/// The funding form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FundingForm {
    /// The organisation funded, by name (empty: none).
    pub org: String,
    /// The funder: an organisation's name, or a name of one not in the registry.
    pub funder: String,
    pub programme: String,
    pub instrument: String,
    pub applied_euros: String,
    pub granted_euros: String,
    pub applied_on: String,
    pub decision_on: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
}

fn day(c: &mut Checker, field: &'static str, v: &str) -> Option<String> {
    match v.trim() {
        "" => None,
        d => match crate::materials::parse_day(d) {
            Some(d) => Some(d.to_string()),
            None => {
                c.push(field, "err-date");
                None
            }
        },
    }
}

/// Records funding (staff): for a pipeline record, or — with `record_id`
/// `None` — for an organisation outside any project, when the form must
/// name the organisation.
pub async fn add(
    app: &App,
    actor: &Principal,
    record_id: Option<i32>,
    f: &FundingForm,
) -> Result<funding::Model, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let uid = policy::user_id(actor)?;
    let record = match record_id {
        Some(id) => Some(
            kimppa_store::entities::pipeline_record::Entity::find_by_id(id)
                .one(&app.db)
                .await?
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => None,
    };
    let mut c = Checker::default();
    if record.is_none() && f.org.trim().is_empty() {
        c.push("org", "err-required");
    }
    let pool = organisations::name_pool(app).await?;
    let org = match f.org.trim() {
        "" => None,
        typed => match organisations::name_one(&pool, typed) {
            Named::Found(o) => Some(o.id),
            Named::Unknown(_) => {
                c.push("org", "err-org-unknown");
                None
            }
            Named::Ambiguous(..) => {
                c.push("org", "err-org-ambiguous");
                None
            }
        },
    };
    let (funder_org, funder_name) = match f.funder.trim() {
        "" => {
            c.push("funder", "err-required");
            (None, String::new())
        }
        typed => match organisations::name_one(&pool, typed) {
            Named::Found(o) => (Some(o.id), o.name.clone()),
            _ if typed.chars().count() > 200 => {
                c.push("funder", "err-too-long");
                (None, String::new())
            }
            _ => (None, typed.to_string()),
        },
    };
    let programme = Programme::parse(&f.programme);
    if programme.is_err() {
        c.push("programme", if f.programme.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    if f.instrument.chars().count() > 200 {
        c.push("instrument", "err-too-long");
    }
    let applied = match crate::pipeline::parse_euros(&f.applied_euros) {
        Ok(Some(v)) => v,
        Ok(None) => {
            c.push("applied_euros", "err-required");
            0
        }
        Err(code) => {
            c.push("applied_euros", code);
            0
        }
    };
    let granted = match crate::pipeline::parse_euros(&f.granted_euros) {
        Ok(v) => v,
        Err(code) => {
            c.push("granted_euros", code);
            None
        }
    };
    let status = FundingStatus::parse(&f.status);
    if status.is_err() {
        c.push("status", if f.status.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    if status == Ok(FundingStatus::Granted) && granted.is_none() {
        c.push("granted_euros", "err-funding-granted");
    }
    let applied_on = day(&mut c, "applied_on", &f.applied_on);
    let decision_on = day(&mut c, "decision_on", &f.decision_on);
    let starts_on = day(&mut c, "starts_on", &f.starts_on);
    let ends_on = day(&mut c, "ends_on", &f.ends_on);
    if let (Some(s), Some(e)) = (&starts_on, &ends_on)
        && e < s
    {
        c.push("ends_on", "err-end-before-start");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let row = funding::ActiveModel {
        record_id: Set(record),
        org_id: Set(org),
        funder_org_id: Set(funder_org),
        funder_name: Set(funder_name),
        programme: Set(programme.map_err(|_| crate::error::checked())?),
        instrument: Set(f.instrument.trim().into()),
        applied_euros: Set(applied),
        granted_euros: Set(granted),
        applied_on: Set(applied_on),
        decision_on: Set(decision_on),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        status: Set(status.map_err(|_| crate::error::checked())?),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, "funding.changed", &row.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// A record's funding (staff), newest first, with the funded
/// organisation's name.
pub async fn of_record(
    app: &App,
    actor: &Principal,
    record_id: i32,
) -> Result<Vec<(funding::Model, String)>, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let rows = funding::Entity::find()
        .filter(funding::Column::RecordId.eq(record_id))
        .order_by_desc(funding::Column::Id)
        .all(&app.db)
        .await?;
    with_org_names(app, rows).await
}

/// Funding of organisations outside any project (staff) applied for or
/// decided in `year`, newest first: at most [`ORG_LEVEL_SHOWN`].
pub async fn of_organisations(
    app: &App,
    actor: &Principal,
    year: i32,
) -> Result<Vec<(funding::Model, String)>, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let rows = funding::Entity::find()
        .filter(funding::Column::RecordId.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(funding::Column::AppliedOn.between(from.clone(), to.clone()))
                .add(funding::Column::DecisionOn.between(from, to)),
        )
        .order_by_desc(funding::Column::Id)
        .limit(ORG_LEVEL_SHOWN)
        .all(&app.db)
        .await?;
    with_org_names(app, rows).await
}

/// How many organisation-level fundings the figures page lists.
pub const ORG_LEVEL_SHOWN: u64 = 200;

async fn with_org_names(app: &App, rows: Vec<funding::Model>) -> Result<Vec<(funding::Model, String)>, AppError> {
    let names = crate::people::org_names(app, rows.iter().filter_map(|r| r.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = r.org_id.and_then(|o| names.get(&o)).map(|n| n.name.clone()).unwrap_or_default();
            (r, n)
        })
        .collect())
}

/// Applied and received euros, and how many fundings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    pub applied: i64,
    pub granted: i64,
    pub count: usize,
}

/// The cluster's funding in a year: applied (by the day applied) and
/// received (granted, by the day of the decision), in all, by programme and
/// by the funded organisation's type.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub year: i32,
    pub total: Sums,
    pub by_programme: BTreeMap<String, Sums>,
    pub by_org_type: BTreeMap<String, Sums>,
}

/// The year's figures (staff): two queries.
pub async fn figures(app: &App, actor: &Principal, year: i32) -> Result<Figures, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let in_year = |c: funding::Column| c.between(from.clone(), to.clone());
    let rows = funding::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(in_year(funding::Column::AppliedOn))
                .add(in_year(funding::Column::DecisionOn)),
        )
        .all(&app.db)
        .await?;
    let types: HashMap<i32, OrgType> = crate::batch::chunked(rows.iter().filter_map(|r| r.org_id), |chunk| {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?
    .into_iter()
    .map(|o| (o.id, o.org_type))
    .collect();
    let mut out = Figures { year, ..Default::default() };
    let inside = |d: &Option<String>| d.as_deref().is_some_and(|d| d >= from.as_str() && d <= to.as_str());
    for r in &rows {
        let applied = if inside(&r.applied_on) { r.applied_euros } else { 0 };
        let granted = if r.status == FundingStatus::Granted || r.status == FundingStatus::Ended {
            if inside(&r.decision_on) { r.granted_euros.unwrap_or(0) } else { 0 }
        } else {
            0
        };
        if applied == 0 && granted == 0 {
            continue;
        }
        let t = r.org_id.and_then(|o| types.get(&o)).map(|t| t.key().to_string()).unwrap_or_default();
        for s in [
            &mut out.total,
            out.by_programme.entry(r.programme.key().to_string()).or_default(),
            out.by_org_type.entry(t).or_default(),
        ] {
            s.applied += applied;
            s.granted += granted;
            s.count += 1;
        }
    }
    Ok(out)
}

/// An organisation's own funding beside similar organisations'.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub own: Sums,
    /// Organisations of the same type with funding recorded (the
    /// organisation itself left out), and their average applied and
    /// received euros — `None` when fewer than [`FLOOR`].
    pub peers: Option<(usize, i64, i64)>,
    /// The same among organisations of the same size class.
    pub by_size: Option<(usize, i64, i64)>,
    /// The same among organisations sharing its first focus area.
    pub by_focus: Option<(usize, i64, i64)>,
}

/// The organisation's funding figures, all years, beside the averages of
/// organisations of the same type, size class and focus area (its admins,
/// and staff): each only over at least [`FLOOR`] others. Two queries.
pub async fn comparison(app: &App, actor: &Principal, org_id: i32) -> Result<Comparison, AppError> {
    policy::require(actor, Action::ViewOrganisationFunding { org: OrgId(org_id) })?;
    let org = organisation::Entity::find_by_id(org_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let rows: Vec<(funding::Model, Option<organisation::Model>)> = funding::Entity::find()
        .filter(funding::Column::OrgId.is_not_null())
        .find_also_related(organisation::Entity)
        .all(&app.db)
        .await?;
    let mut per_org: HashMap<i32, (organisation::Model, Sums)> = HashMap::new();
    for (f, o) in rows {
        let Some(o) = o else { continue };
        let s = &mut per_org.entry(o.id).or_insert_with(|| (o.clone(), Sums::default())).1;
        s.applied += f.applied_euros;
        if matches!(f.status, FundingStatus::Granted | FundingStatus::Ended) {
            s.granted += f.granted_euros.unwrap_or(0);
        }
        s.count += 1;
    }
    let own = per_org.remove(&org_id).map(|(_, s)| s).unwrap_or_default();
    let average = |keep: &dyn Fn(&organisation::Model) -> bool| {
        let group: Vec<&Sums> = per_org.values().filter(|(o, _)| keep(o)).map(|(_, s)| s).collect();
        let n = group.len();
        (n >= FLOOR).then(|| {
            let (a, g) = group.iter().fold((0i64, 0i64), |(a, g), s| (a + s.applied, g + s.granted));
            (n, a / n as i64, g / n as i64)
        })
    };
    let focus = crate::directory::list(&org.focus_areas).first().map(|f| f.to_string());
    Ok(Comparison {
        own,
        peers: average(&|o| o.org_type == org.org_type),
        by_size: average(&|o| o.size_class == org.size_class),
        by_focus: match &focus {
            Some(f) => average(&|o| crate::directory::list(&o.focus_areas).contains(&f.as_str())),
            None => None,
        },
    })
}
