//! Official regional figures (municipal waste, recycling rates, circular
//! material use …) imported by orchestrators as CSV with their source and
//! year, one of the monitoring framework's dimensions each. Pages show them
//! as such, apart from what the platform counts; nothing mixes the two.

use super::Dimension;
use crate::{
    App, AppError,
    directory::csv_io::{ImportReport, RowError, read_columns},
    policy::{self, Action, Principal},
};
use kimppa_store::entities::official_figure;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

/// The file's columns (the first row names them, in any order).
pub const COLUMNS: [&str; 8] = ["dimension", "name_fi", "name_en", "region", "year", "value", "unit", "source"];

/// The official figures of `years` (public), by dimension and name.
pub async fn list(app: &App, years: &[i32]) -> Result<Vec<official_figure::Model>, AppError> {
    Ok(official_figure::Entity::find()
        .filter(official_figure::Column::Year.is_in(years.to_vec()))
        .order_by_asc(official_figure::Column::Dimension)
        .order_by_asc(official_figure::Column::NameFi)
        .order_by_asc(official_figure::Column::Region)
        .order_by_desc(official_figure::Column::Year)
        .all(&app.db)
        .await?)
}

/// Checks a file and, unless `dry_run` or any row is refused, writes it in
/// one transaction (staff). A figure of the same dimension, name, region
/// and year is replaced.
pub async fn import(app: &App, actor: &Principal, bytes: &[u8], dry_run: bool) -> Result<ImportReport, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    let rows = match read_columns(bytes, &COLUMNS) {
        Ok(r) => r,
        Err(e) => return Ok(ImportReport { errors: vec![e], ..Default::default() }),
    };
    let mut report = ImportReport { rows: rows.len(), ..Default::default() };
    let mut good = Vec::new();
    let this = crate::materials::today();
    for (line, r) in &rows {
        let get = |k: &str| r.get(k).map(String::as_str).unwrap_or("").trim().to_string();
        let mut err = |column: &str, code: &str| {
            report.errors.push(RowError { line: *line, column: column.into(), code: code.into() })
        };
        let dimension = Dimension::parse(&get("dimension")).filter(|d| *d != Dimension::Cluster);
        if dimension.is_none() {
            err("dimension", "err-official-dimension");
        }
        for (k, max) in [("name_fi", 200), ("region", 100), ("unit", 32), ("source", 300)] {
            let v = get(k);
            if v.is_empty() {
                err(k, "err-required");
            } else if v.chars().count() > max {
                err(k, "err-too-long");
            }
        }
        if get("name_en").chars().count() > 200 {
            err("name_en", "err-too-long");
        }
        use chrono::Datelike;
        let year = get("year").parse::<i32>().ok().filter(|y| (1990..=this.year()).contains(y));
        if year.is_none() {
            err("year", "err-year");
        }
        let value = crate::materials::parse_number(&get("value"));
        if value.is_none() {
            err("value", "err-official-value");
        }
        if let (Some(d), Some(y), Some(v)) = (dimension, year, value) {
            good.push((d, get("name_fi"), get("name_en"), get("region"), y, v, get("unit"), get("source")));
        }
    }
    if !report.errors.is_empty() || dry_run {
        return Ok(report);
    }
    let tx = app.db.begin().await?;
    for (d, name_fi, name_en, region, year, value, unit, source) in good {
        let gone = official_figure::Entity::delete_many()
            .filter(official_figure::Column::Dimension.eq(d.key()))
            .filter(official_figure::Column::NameFi.eq(name_fi.clone()))
            .filter(official_figure::Column::Region.eq(region.clone()))
            .filter(official_figure::Column::Year.eq(year))
            .exec(&tx)
            .await?;
        if gone.rows_affected > 0 {
            report.updated += 1;
        } else {
            report.created += 1;
        }
        official_figure::ActiveModel {
            dimension: Set(d.key().into()),
            name_en: Set(if name_en.is_empty() { name_fi.clone() } else { name_en }),
            name_fi: Set(name_fi),
            region: Set(region),
            year: Set(year),
            value: Set(value),
            unit: Set(unit),
            source: Set(source),
            imported_by: Set(uid.0),
            imported_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    crate::changelog::admin_action(&tx, uid, "impact.official", format!("{} rows", report.rows), "").await?;
    tx.commit().await?;
    report.written = true;
    Ok(report)
}
