//! The impact part of the demo: the orchestrators' targets for this year,
//! the editorial text of this year's situational picture, and last year's
//! figures frozen for the annual report (after the rollup has counted the
//! demo's records).

use crate::{App, AppError, impact};
use chrono::Datelike;
use kimppa_domain::UserId;
use kimppa_store::entities::{indicator_target, situation_text};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

const TARGETS: &[(&str, f64)] = &[
    ("members", 30.0),
    ("events", 24.0),
    ("event-participants", 600.0),
    ("challenges", 12.0),
    ("kimppas", 8.0),
    ("projects", 10.0),
    ("symbioses", 10.0),
    ("symbiosis-tonnes", 5_000.0),
    ("brokered-contacts", 60.0),
    ("nps", 40.0),
    ("circular-procurements", 30.0),
    ("funding-granted", 1_500_000.0),
];

const TEXT_FI: &str = "Klusterin painopisteinä ovat olleet rakennusten purkumateriaalien kierto ja teollisuuden \
sivuvirrat. Luvut lasketaan alustan kirjauksista: jäsenet, tapahtumat, haasteet, kimpat, hankkeet ja toteutuneet \
symbioosit. Vertailu edelliseen vuoteen ja tavoitteisiin on taulukoissa alla.";

const TEXT_EN: &str = "The cluster has focused on the circulation of materials from demolished buildings and on \
industrial side streams. The figures are counted from the platform's records: members, events, challenges, \
kimppas, projects and realised symbioses. The tables below compare them with the previous year and the targets.";

/// Spreads the demo's organisations, their approvals and people over the
/// last two years (they were all written today), so the indicators of
/// the cluster's growth have a history to show.
async fn spread_history(app: &App) -> Result<(), AppError> {
    use kimppa_store::entities::{membership_event, organisation, user};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, sea_query::Expr};
    let now = crate::now();
    let orgs = organisation::Entity::find().order_by_asc(organisation::Column::Id).all(&app.db).await?;
    let n = orgs.len().max(1) as i64;
    for (i, o) in orgs.iter().enumerate() {
        // The first ones joined two years ago, the newest a week ago.
        let at = now - chrono::Duration::days(7 + (n - i as i64) * 720 / n);
        organisation::Entity::update_many()
            .col_expr(organisation::Column::CreatedAt, Expr::value(at))
            .filter(organisation::Column::Id.eq(o.id))
            .exec(&app.db)
            .await?;
        membership_event::Entity::update_many()
            .col_expr(membership_event::Column::At, Expr::value(at + chrono::Duration::days(3)))
            .filter(membership_event::Column::OrgId.eq(o.id))
            .exec(&app.db)
            .await?;
    }
    let people = user::Entity::find().order_by_asc(user::Column::Id).all(&app.db).await?;
    let m = people.len().max(1) as i64;
    for (i, u) in people.iter().enumerate() {
        let at = now - chrono::Duration::days(5 + (m - i as i64) * 700 / m);
        user::Entity::update_many()
            .col_expr(user::Column::CreatedAt, Expr::value(at))
            .filter(user::Column::Id.eq(u.id))
            .exec(&app.db)
            .await?;
    }
    Ok(())
}

pub async fn load(app: &App, orchestrator: i32) -> Result<(), AppError> {
    spread_history(app).await?;
    let year = crate::materials::today().year();
    let now = crate::now();
    for (id, value) in TARGETS {
        indicator_target::ActiveModel {
            indicator: Set((*id).into()),
            year: Set(year),
            value: Set(*value),
            set_by: Set(orchestrator),
            set_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
    }
    situation_text::Entity::insert(situation_text::ActiveModel {
        year: Set(year),
        body_fi: Set(TEXT_FI.into()),
        body_en: Set(TEXT_EN.into()),
        updated_by: Set(orchestrator),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&app.db)
    .await?;
    impact::freeze_as(app, UserId(orchestrator), year - 1).await?;
    Ok(())
}
