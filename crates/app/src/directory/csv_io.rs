//! CSV import and export of organisations and services for orchestrators.
//!
//! Files are UTF-8, with or without a byte-order mark, separated by
//! semicolons (what Finnish Excel writes) or commas — the header line
//! decides. Lists inside a cell (focus areas, regions …) are separated by
//! commas. An import checks every row first; when any row is invalid the
//! report names each row and field and nothing is written.

use super::services::{self, ServiceForm};
use crate::{
    App, AppError, FieldError,
    organisations::{self, OrgForm},
    policy::{self, Action, Principal},
};
use kimppa_domain::{MembershipStatus, MembershipTier};
use kimppa_store::entities::{organisation, service, service_provider};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// What is imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Organisations,
    Services,
}

impl Table {
    pub fn parse(s: &str) -> Option<Table> {
        match s {
            "organisations" => Some(Table::Organisations),
            "services" => Some(Table::Services),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Table::Organisations => "organisations",
            Table::Services => "services",
        }
    }

    /// The columns, in file order. `slug` identifies a row to update.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Organisations => &[
                "slug",
                "name",
                "business_id",
                "country",
                "org_type",
                "size_class",
                "municipality",
                "focus_areas",
                "offering_types",
                "website",
                "membership_tier",
                "description_fi",
                "description_en",
            ],
            Table::Services => &[
                "slug",
                "owner",
                "co_providers",
                "status",
                "title_fi",
                "title_en",
                "offering_type",
                "focus_areas",
                "regions",
                "languages",
                "price_kind",
                "price_eur",
                "price_note_fi",
                "price_note_en",
                "description_fi",
                "description_en",
            ],
        }
    }
}

/// One refused cell: the line in the file (the header is line 1), the
/// column and a translation key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub code: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
    /// False for a dry run and whenever any row was refused.
    pub written: bool,
}

fn split(cell: &str) -> Vec<String> {
    cell.split([',', '|']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Reads the file into (line, column → value) rows; a broken file is one error.
/// A data line: its number in the file and its cells by column.
pub(crate) type Row = (usize, HashMap<String, String>);

fn read(bytes: &[u8], table: Table) -> Result<Vec<Row>, RowError> {
    read_columns(bytes, table.columns())
}

/// Reads a CSV file (UTF-8, a byte-order mark allowed, `;` or `,` as the
/// header shows) whose columns are among `columns` into rows by column.
pub(crate) fn read_columns(bytes: &[u8], columns: &[&str]) -> Result<Vec<Row>, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| RowError {
        line: 1,
        column: String::new(),
        code: "err-csv-encoding".into(),
    })?;
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| RowError { line: 1, column: String::new(), code: "err-csv-broken".into() })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    for h in &headers {
        if !columns.contains(&h.as_str()) {
            return Err(RowError { line: 1, column: h.clone(), code: "err-csv-unknown-column".into() });
        }
    }
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|_| RowError { line, column: String::new(), code: "err-csv-broken".into() })?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let map = headers.iter().cloned().zip(rec.iter().map(|c| c.trim().to_string())).collect();
        rows.push((line, map));
    }
    if rows.len() > 20_000 {
        return Err(RowError { line: 1, column: String::new(), code: "err-csv-too-many-rows".into() });
    }
    Ok(rows)
}

fn field_errors(line: usize, e: AppError, out: &mut Vec<RowError>) {
    match e {
        AppError::Invalid(list) => out.extend(list.into_iter().map(|FieldError { field, code }| RowError {
            line,
            column: field.to_string(),
            code: code.to_string(),
        })),
        _ => out.push(RowError { line, column: String::new(), code: "err-csv-broken".into() }),
    }
}

/// Checks a file and, unless `dry_run` or any row is refused, writes it in
/// one transaction.
pub async fn import(
    app: &App,
    actor: &Principal,
    table: Table,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    policy::require(actor, Action::ManageDirectory)?;
    let rows = match read(bytes, table) {
        Ok(r) => r,
        Err(e) => return Ok(ImportReport { errors: vec![e], ..Default::default() }),
    };
    let mut report = ImportReport { rows: rows.len(), ..Default::default() };
    match table {
        Table::Organisations => import_orgs(app, actor, rows, dry_run, &mut report).await?,
        Table::Services => import_services(app, actor, rows, dry_run, &mut report).await?,
    }
    Ok(report)
}

fn get<'a>(row: &'a HashMap<String, String>, k: &str) -> &'a str {
    row.get(k).map(String::as_str).unwrap_or("")
}

async fn import_orgs(
    app: &App,
    actor: &Principal,
    rows: Vec<Row>,
    dry_run: bool,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let existing = organisation::Entity::find().all(&app.db).await?;
    let by_slug: HashMap<&str, &organisation::Model> = existing.iter().map(|o| (o.slug.as_str(), o)).collect();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut plan = Vec::new();
    for (line, row) in &rows {
        let form = OrgForm {
            name: get(row, "name").into(),
            business_id: get(row, "business_id").into(),
            country: get(row, "country").into(),
            org_type: get(row, "org_type").into(),
            size_class: get(row, "size_class").into(),
            municipality: get(row, "municipality").into(),
            focus_areas: split(get(row, "focus_areas")),
            offering_types: split(get(row, "offering_types")),
            website: get(row, "website").into(),
            description_fi: get(row, "description_fi").into(),
            description_en: get(row, "description_en").into(),
            ..Default::default()
        };
        let target = match get(row, "slug") {
            "" => None,
            s => match by_slug.get(s) {
                Some(o) => Some(*o),
                None => {
                    report.errors.push(RowError {
                        line: *line,
                        column: "slug".into(),
                        code: "err-unknown-value".into(),
                    });
                    continue;
                }
            },
        };
        let tier = match get(row, "membership_tier") {
            "" => None,
            t => match MembershipTier::parse(t) {
                Ok(t) => Some(t),
                Err(_) => {
                    report.errors.push(RowError {
                        line: *line,
                        column: "membership_tier".into(),
                        code: "err-unknown-value".into(),
                    });
                    None
                }
            },
        };
        match organisations::parse_form(&form) {
            Ok(d) => {
                if let Some(b) = &d.business_id {
                    let b = b.to_string();
                    let taken = existing
                        .iter()
                        .any(|o| o.business_id.as_deref() == Some(&b) && Some(o.id) != target.map(|t| t.id));
                    if taken || seen_ids.contains_key(&b) {
                        report.errors.push(RowError {
                            line: *line,
                            column: "business_id".into(),
                            code: "err-business-id-taken".into(),
                        });
                    }
                    seen_ids.insert(b, *line);
                }
                plan.push((d, target.map(|t| t.id), tier));
            }
            Err(e) => field_errors(*line, e, &mut report.errors),
        }
    }
    if !report.errors.is_empty() || dry_run {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    for (d, target, tier) in plan {
        let status = if tier.is_some() { MembershipStatus::Approved } else { MembershipStatus::None };
        match target {
            Some(id) => {
                let o = organisation::Entity::find_by_id(id).one(&tx).await?.ok_or(AppError::NotFound)?;
                let mut am = o.into_active_model();
                am.name = Set(d.name.clone());
                am.business_id = Set(d.business_id.as_ref().map(|b| b.to_string()));
                am.country = Set(d.country.clone());
                am.org_type = Set(d.org_type);
                am.size_class = Set(d.size_class);
                am.municipality = Set(d.municipality.clone());
                am.focus_areas = Set(kimppa_domain::FocusArea::join(&d.focus_areas));
                am.offering_types = Set(kimppa_domain::OfferingType::join(&d.offering_types));
                am.website = Set(d.website.clone());
                am.description_fi = Set(d.description_fi.clone());
                am.description_en = Set(d.description_en.clone());
                am.search_text = Set(d.search_text());
                if let Some(t) = tier {
                    am.membership_status = Set(status);
                    am.membership_tier = Set(Some(t));
                }
                am.updated_at = Set(crate::now());
                am.update(&tx).await?;
                report.updated += 1;
            }
            None => {
                let slug = organisations::unique_slug(&tx, &d.name).await?;
                organisations::insert_org(&tx, &slug, &d, actor.user_id().map(i32::from), status, tier).await?;
                report.created += 1;
            }
        }
    }
    finish(app, actor, tx, Table::Organisations, report).await
}

async fn import_services(
    app: &App,
    actor: &Principal,
    rows: Vec<Row>,
    dry_run: bool,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let orgs = organisation::Entity::find().all(&app.db).await?;
    let org_by_slug: HashMap<&str, &organisation::Model> = orgs.iter().map(|o| (o.slug.as_str(), o)).collect();
    let existing = service::Entity::find().all(&app.db).await?;
    let by_slug: HashMap<&str, &service::Model> = existing.iter().map(|s| (s.slug.as_str(), s)).collect();
    let mut plan = Vec::new();
    for (line, row) in &rows {
        let form = ServiceForm {
            title_fi: get(row, "title_fi").into(),
            title_en: get(row, "title_en").into(),
            description_fi: get(row, "description_fi").into(),
            description_en: get(row, "description_en").into(),
            offering_type: get(row, "offering_type").into(),
            focus_areas: split(get(row, "focus_areas")),
            regions: split(get(row, "regions")),
            languages: split(get(row, "languages")),
            price_kind: get(row, "price_kind").into(),
            price_eur: get(row, "price_eur").into(),
            price_note_fi: get(row, "price_note_fi").into(),
            price_note_en: get(row, "price_note_en").into(),
            status: get(row, "status").into(),
            co_providers: split(get(row, "co_providers")),
            contact_user_id: String::new(),
            kimppa: String::new(),
            kimppa_shown: String::new(),
        };
        let mut ok = true;
        let owner = match org_by_slug.get(get(row, "owner")) {
            Some(o) => Some(*o),
            None => {
                report.errors.push(RowError { line: *line, column: "owner".into(), code: "err-unknown-value".into() });
                ok = false;
                None
            }
        };
        for cp in &form.co_providers {
            let fine = org_by_slug.get(cp.as_str()).is_some_and(|o| {
                o.membership_status == MembershipStatus::Approved && Some(o.id) != owner.map(|w| w.id)
            });
            if !fine {
                report.errors.push(RowError {
                    line: *line,
                    column: "co_providers".into(),
                    code: "err-co-provider".into(),
                });
                ok = false;
            }
        }
        let target = match get(row, "slug") {
            "" => None,
            s => match by_slug.get(s) {
                Some(x) => Some(*x),
                None => {
                    report.errors.push(RowError {
                        line: *line,
                        column: "slug".into(),
                        code: "err-unknown-value".into(),
                    });
                    ok = false;
                    None
                }
            },
        };
        match services::parse_form(&form) {
            Ok(d) if ok => {
                if let Some(o) = owner {
                    plan.push((d, o.clone(), target.cloned()));
                }
            }
            Ok(_) => {}
            Err(e) => field_errors(*line, e, &mut report.errors),
        }
    }
    if !report.errors.is_empty() || dry_run {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    for (d, owner, target) in plan {
        let wanted: Vec<organisation::Model> =
            orgs.iter().filter(|o| d.co_providers.contains(&o.slug)).cloned().collect();
        let created = target.is_none();
        let s = services::write(&tx, &owner, target, &d).await?;
        services::sync_co_providers(app, &tx, &s, &owner, &wanted).await?;
        if created {
            report.created += 1;
        } else {
            report.updated += 1;
        }
    }
    finish(app, actor, tx, Table::Services, report).await
}

/// Audits the import, names the change for the search index and commits.
async fn finish(
    app: &App,
    actor: &Principal,
    tx: sea_orm::DatabaseTransaction,
    table: Table,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    let details = format!("created {}, updated {}", report.created, report.updated);
    crate::changelog::admin_action(&tx, actor.user_id().unwrap_or_default(), "directory.import", table.key(), details)
        .await?;
    let kind = match table {
        Table::Organisations => "organisation",
        Table::Services => "service",
    };
    crate::search::touch_all(&tx, kind).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    report.written = true;
    Ok(())
}

/// The table as CSV: UTF-8 with a byte-order mark, `;` or `,` separated.
pub async fn export(app: &App, actor: &Principal, table: Table, delimiter: u8) -> Result<Vec<u8>, AppError> {
    policy::require(actor, Action::ManageDirectory)?;
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(b"\xEF\xBB\xBF".to_vec());
    let e = AppError::internal;
    w.write_record(table.columns()).map_err(e)?;
    let orgs = organisation::Entity::find().order_by_asc(organisation::Column::Slug).all(&app.db).await?;
    match table {
        Table::Organisations => {
            for o in &orgs {
                w.write_record([
                    o.slug.as_str(),
                    &o.name,
                    o.business_id.as_deref().unwrap_or(""),
                    &o.country,
                    o.org_type.key(),
                    o.size_class.key(),
                    &o.municipality,
                    &o.focus_areas,
                    &o.offering_types,
                    o.website.as_deref().unwrap_or(""),
                    if o.membership_status == MembershipStatus::Approved {
                        o.membership_tier.map(|t| t.key()).unwrap_or("")
                    } else {
                        ""
                    },
                    &o.description_fi,
                    &o.description_en,
                ])
                .map_err(e)?;
            }
        }
        Table::Services => {
            let slug_of: HashMap<i32, &str> = orgs.iter().map(|o| (o.id, o.slug.as_str())).collect();
            let providers = service_provider::Entity::find().all(&app.db).await?;
            for s in service::Entity::find().order_by_asc(service::Column::Slug).all(&app.db).await? {
                let co: Vec<&str> = providers
                    .iter()
                    .filter(|p| p.service_id == s.id)
                    .filter_map(|p| slug_of.get(&p.org_id).copied())
                    .collect();
                w.write_record([
                    s.slug.as_str(),
                    slug_of.get(&s.owner_org_id).copied().unwrap_or(""),
                    &co.join(","),
                    s.status.key(),
                    &s.title_fi,
                    &s.title_en,
                    s.offering_type.key(),
                    &s.focus_areas,
                    &s.regions,
                    &s.languages,
                    s.price_kind.key(),
                    &s.price_eur.map(|p| p.to_string()).unwrap_or_default(),
                    &s.price_note_fi,
                    &s.price_note_en,
                    &s.description_fi,
                    &s.description_en,
                ])
                .map_err(e)?;
            }
        }
    }
    w.into_inner().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolons_with_bom_and_commas_without() {
        let semi = "\u{feff}slug;name;focus_areas\n;Testi Oy;\"energy,water\"\n".as_bytes();
        let rows = read(semi, Table::Organisations).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(get(&rows[0].1, "name"), "Testi Oy");
        assert_eq!(split(get(&rows[0].1, "focus_areas")), vec!["energy", "water"]);
        let comma = b"name,municipality\n\"Testi, Oy\",Oulu\n\n";
        let rows = read(comma, Table::Organisations).unwrap();
        assert_eq!((rows[0].0, get(&rows[0].1, "name")), (2, "Testi, Oy"));
    }

    #[test]
    fn unknown_columns_and_broken_files_are_refused() {
        assert_eq!(read(b"name;colour\nA;red\n", Table::Organisations).unwrap_err().column, "colour");
        assert_eq!(read(b"name;municipality\nA;B;C\n", Table::Organisations).unwrap_err().line, 2);
        assert_eq!(read(&[0xff, 0xfe, 0x00], Table::Services).unwrap_err().code, "err-csv-encoding");
    }
}
