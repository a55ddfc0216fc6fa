//! The challenge path in figures, per month (Finnish time), for the
//! cluster's impact reporting (SPEC C13): challenges published, responses,
//! partners and experts brokered (accepted responses of organisations and
//! of persons), kimppas formed, partner searches started and requests for
//! the orchestrators' help, and how many challenges stated their
//! potential impact.

use crate::{
    App, AppError,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, Utc};
use kimppa_domain::ResponseStatus;
use kimppa_store::entities::{challenge, challenge_response, kimppa, partner_search};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// One month's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub published: u32,
    pub with_impact: u32,
    pub responses: u32,
    pub partners: u32,
    pub experts: u32,
    pub kimppas: u32,
    /// Partner searches started, and those that asked the orchestrators for help.
    pub searches: u32,
    pub help_requests: u32,
}

fn month(t: DateTime<Utc>) -> String {
    crate::finnish_time(t).format("%Y-%m").to_string()
}

/// Every month with something to count, newest first (four queries, a
/// column or two each).
pub async fn by_month(app: &App, actor: &Principal) -> Result<Vec<Month>, AppError> {
    policy::require(actor, Action::FeatureChallenges)?;
    let mut out: BTreeMap<String, Month> = BTreeMap::new();
    fn at(out: &mut BTreeMap<String, Month>, t: DateTime<Utc>) -> &mut Month {
        let m = month(t);
        out.entry(m.clone()).or_insert_with(|| Month { month: m, ..Default::default() })
    }
    let published: Vec<(Option<DateTime<Utc>>, String)> = challenge::Entity::find()
        .select_only()
        .columns([challenge::Column::PublishedAt, challenge::Column::Impact])
        .filter(challenge::Column::PublishedAt.is_not_null())
        .into_tuple()
        .all(&app.db)
        .await?;
    for (t, impact) in published {
        if let Some(t) = t {
            let m = at(&mut out, t);
            m.published += 1;
            m.with_impact += u32::from(!impact.trim().is_empty());
        }
    }
    /// When, status, organisation, when decided.
    type ResponseRow = (DateTime<Utc>, ResponseStatus, Option<i32>, Option<DateTime<Utc>>);
    let responses: Vec<ResponseRow> = challenge_response::Entity::find()
        .select_only()
        .columns([
            challenge_response::Column::CreatedAt,
            challenge_response::Column::Status,
            challenge_response::Column::OrgId,
            challenge_response::Column::DecidedAt,
        ])
        .into_tuple()
        .all(&app.db)
        .await?;
    for (created, status, org, decided) in responses {
        at(&mut out, created).responses += 1;
        if status == ResponseStatus::Accepted {
            let m = at(&mut out, decided.unwrap_or(created));
            if org.is_some() {
                m.partners += 1;
            } else {
                m.experts += 1;
            }
        }
    }
    let kimppas: Vec<DateTime<Utc>> =
        kimppa::Entity::find().select_only().column(kimppa::Column::CreatedAt).into_tuple().all(&app.db).await?;
    for t in kimppas {
        at(&mut out, t).kimppas += 1;
    }
    let searches: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = partner_search::Entity::find()
        .select_only()
        .columns([partner_search::Column::CreatedAt, partner_search::Column::HelpRequestedAt])
        .into_tuple()
        .all(&app.db)
        .await?;
    for (created, help) in searches {
        at(&mut out, created).searches += 1;
        if let Some(t) = help {
            at(&mut out, t).help_requests += 1;
        }
    }
    Ok(out.into_values().rev().collect())
}
