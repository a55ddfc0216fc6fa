//! The figures an organisation reports about itself per year: turnover,
//! headcount and export euros. Its admins and staff read and write them;
//! everyone else meets them only inside the indicators' sums, and those
//! only over at least five organisations (`Indicator::floor`).

use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use chrono::Datelike;
use kimppa_domain::OrgId;
use kimppa_store::entities::org_figure;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct OwnForm {
    pub year: String,
    pub turnover_euros: String,
    pub headcount: String,
    pub export_euros: String,
}

/// An organisation's figures, newest year first (its admins, staff).
pub async fn list(app: &App, actor: &Principal, org_id: i32) -> Result<Vec<org_figure::Model>, AppError> {
    policy::require(actor, Action::EditOrganisation { org: OrgId(org_id) })?;
    Ok(org_figure::Entity::find()
        .filter(org_figure::Column::OrgId.eq(org_id))
        .order_by_desc(org_figure::Column::Year)
        .all(&app.db)
        .await?)
}

/// Writes a year's figures (its admins, staff); a year written again is
/// replaced, and a year with every field empty is removed.
pub async fn save(app: &App, actor: &Principal, org_id: i32, f: &OwnForm) -> Result<(), AppError> {
    policy::require(actor, Action::EditOrganisation { org: OrgId(org_id) })?;
    let uid = policy::user_id(actor)?;
    let this = crate::materials::today().year();
    let mut c = Checker::default();
    let year = match f.year.trim().parse::<i32>() {
        Ok(y) if (1990..=this).contains(&y) => y,
        _ => {
            c.push("year", "err-year");
            0
        }
    };
    let mut euros = |field: &'static str, v: &str| match crate::pipeline::parse_euros(v) {
        Ok(x) => x,
        Err(code) => {
            c.push(field, code);
            None
        }
    };
    let turnover = euros("turnover_euros", &f.turnover_euros);
    let export = euros("export_euros", &f.export_euros);
    let headcount = match f.headcount.trim() {
        "" => None,
        v => match v.replace(['\u{a0}', ' '], "").parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
            _ => {
                c.push("headcount", "err-headcount");
                None
            }
        },
    };
    c.finish()?;
    let tx = app.db.begin().await?;
    org_figure::Entity::delete_many()
        .filter(org_figure::Column::OrgId.eq(org_id))
        .filter(org_figure::Column::Year.eq(year))
        .exec(&tx)
        .await?;
    if turnover.is_some() || headcount.is_some() || export.is_some() {
        org_figure::ActiveModel {
            org_id: Set(org_id),
            year: Set(year),
            turnover_euros: Set(turnover),
            headcount: Set(headcount),
            export_euros: Set(export),
            updated_by: Set(uid.0),
            updated_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
