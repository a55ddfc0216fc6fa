//! Reference data of the marketplace: material classes (EWC chapters,
//! sub-chapters and entries, and the project's classes) and municipality
//! centres. Both ship with the platform (`crates/store/data/`); the EWC list
//! can be completed from a CSV file.

use crate::{App, AppError, policy};
use kimppa_sidestreams::{self as engine, Class, Code, Pattern};
use kimppa_store::entities::{material_class, municipality};
use sea_orm::{EntityTrait, QueryOrder, Set, TransactionTrait, sea_query::OnConflict};
use std::collections::HashMap;

/// A class code as stored: EWC codes as "17 09 04" (without the asterisk),
/// chapters "17", sub-chapters "17 09"; project keys lower-case.
pub fn normalise_code(input: &str) -> String {
    let t = input.trim();
    match Pattern::parse_ewc(t) {
        Ok(Pattern::Ewc { chapter, sub: None, .. }) => format!("{chapter:02}"),
        Ok(Pattern::Ewc { chapter, sub: Some(s), entry: None }) => format!("{chapter:02} {s:02}"),
        Ok(Pattern::Ewc { chapter, sub: Some(s), entry: Some(e) }) => format!("{chapter:02} {s:02} {e:02}"),
        _ => t.to_lowercase(),
    }
}

/// The engine's class of a stored code.
pub fn class_of(code: &str) -> Option<Class> {
    match Code::parse(code) {
        Ok((c, _)) => Some(Class::Ewc(c)),
        Err(_) if !code.is_empty() && !code.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(Class::Project(code.to_string()))
        }
        Err(_) => None,
    }
}

/// The engine's pattern of a stored accepted class.
pub fn pattern_of(code: &str) -> Option<Pattern> {
    match Pattern::parse_ewc(code) {
        Ok(p) => Some(p),
        Err(_) if !code.is_empty() && !code.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(Pattern::Project(code.to_string()))
        }
        Err(_) => None,
    }
}

/// The reference data as this node keeps it: read once, and again only
/// after a change (see [`crate::pagecache`]; importing classes writes to
/// the change log).
pub struct Reference {
    /// Every class, in code order.
    pub classes: Vec<material_class::Model>,
    class_index: HashMap<String, usize>,
    /// Every municipality, by Finnish name.
    pub municipalities: Vec<municipality::Model>,
    municipality_index: HashMap<String, usize>,
}

/// The reference data, from this node's memory (two queries when it was
/// not remembered).
pub async fn reference(app: &App) -> Result<std::sync::Arc<Reference>, AppError> {
    app.pages
        .derived(app, "materials.reference", || async {
            let classes =
                material_class::Entity::find().order_by_asc(material_class::Column::Code).all(&app.db).await?;
            let municipalities =
                municipality::Entity::find().order_by_asc(municipality::Column::NameFi).all(&app.db).await?;
            Ok(Reference {
                class_index: classes.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect(),
                municipality_index: municipalities.iter().enumerate().map(|(i, m)| (m.code.clone(), i)).collect(),
                classes,
                municipalities,
            })
        })
        .await
}

/// Material classes by code.
pub struct Classes;

impl Classes {
    /// Every class, in code order.
    pub async fn all(app: &App) -> Result<Vec<material_class::Model>, AppError> {
        Ok(reference(app).await?.classes.clone())
    }

    /// The classes with these codes, by code.
    pub async fn load_codes(app: &App, codes: &[String]) -> Result<HashMap<String, material_class::Model>, AppError> {
        let r = reference(app).await?;
        Ok(codes
            .iter()
            .map(|c| normalise_code(c))
            .filter_map(|c| r.class_index.get(&c).map(|&i| (c, r.classes[i].clone())))
            .collect())
    }
}

/// A class's title in `lang`.
pub fn title(c: &material_class::Model, lang: &str) -> String {
    if lang == "en" { c.title_en.clone() } else { c.title_fi.clone() }
}

/// "17 09 04* Mixed construction waste" — the code, its asterisk and title.
pub fn label(code: &str, c: Option<&material_class::Model>, lang: &str) -> String {
    match c {
        Some(c) if c.level == "project" => title(c, lang),
        Some(c) => format!("{}{} {}", c.code, if c.hazardous { "*" } else { "" }, title(c, lang)),
        None => code.to_string(),
    }
}

/// Municipalities, by name.
pub async fn municipalities(app: &App) -> Result<Vec<municipality::Model>, AppError> {
    Ok(reference(app).await?.municipalities.clone())
}

/// The municipalities with these codes, by code.
pub async fn municipalities_by_code(
    app: &App,
    codes: &[String],
) -> Result<HashMap<String, municipality::Model>, AppError> {
    let r = reference(app).await?;
    Ok(codes
        .iter()
        .filter_map(|c| r.municipality_index.get(c).map(|&i| (c.clone(), r.municipalities[i].clone())))
        .collect())
}

pub fn point(m: &municipality::Model) -> engine::Point {
    engine::Point { lat: m.lat, lon: m.lon }
}

/// Codes of the municipalities whose centres lie within `km` of `near`'s.
pub async fn within(app: &App, near: &str, km: f64) -> Result<Vec<String>, AppError> {
    let all = municipalities(app).await?;
    let Some(centre) = all.iter().find(|m| m.code == near).map(point) else { return Ok(vec![]) };
    Ok(all.iter().filter(|m| engine::haversine_km(centre, point(m)) <= km).map(|m| m.code.clone()).collect())
}

/// Adds or renames EWC classes from CSV (`code,hazardous,title_en,title_fi`,
/// the format of the shipped list): the whole file or nothing. Returns how
/// many rows were read.
pub async fn import_ewc(app: &App, actor: &policy::Principal, data: &[u8]) -> Result<usize, AppError> {
    policy::require(actor, policy::Action::ManageMaterials)?;
    let mut rows = Vec::new();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|_| AppError::field("file", "err-csv-broken"))?;
        let code = r.get(0).unwrap_or_default().trim();
        let hazardous = r.get(1).unwrap_or_default().trim();
        let (en, fi) = (r.get(2).unwrap_or_default().trim(), r.get(3).unwrap_or_default().trim());
        let hazard_mark = code.ends_with('*');
        let level = match Pattern::parse_ewc(code) {
            Ok(Pattern::Ewc { sub: None, .. }) => "chapter",
            Ok(Pattern::Ewc { entry: None, .. }) => "sub",
            Ok(_) => "entry",
            Err(_) => {
                tracing::info!(line = i + 2, "EWC import: bad code");
                return Err(AppError::field("file", "err-csv-broken"));
            }
        };
        if en.is_empty() || fi.is_empty() || !matches!(hazardous, "0" | "1" | "") {
            return Err(AppError::field("file", "err-csv-broken"));
        }
        rows.push(material_class::ActiveModel {
            code: Set(normalise_code(code)),
            level: Set(level.into()),
            hazardous: Set(hazardous == "1" || hazard_mark),
            title_fi: Set(fi.chars().take(250).collect()),
            title_en: Set(en.chars().take(250).collect()),
            ..Default::default()
        });
    }
    if rows.is_empty() {
        return Err(AppError::field("file", "err-csv-broken"));
    }
    // A code given twice: the last row wins (one upsert may not touch a row twice).
    let mut by_code: std::collections::BTreeMap<String, material_class::ActiveModel> = Default::default();
    for r in rows {
        if let sea_orm::ActiveValue::Set(code) = &r.code {
            by_code.insert(code.clone(), r);
        }
    }
    let rows: Vec<material_class::ActiveModel> = by_code.into_values().collect();
    let n = rows.len();
    let tx = app.db.begin().await?;
    for chunk in rows.chunks(200) {
        material_class::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(material_class::Column::Code)
                    .update_columns([
                        material_class::Column::Level,
                        material_class::Column::Hazardous,
                        material_class::Column::TitleFi,
                        material_class::Column::TitleEn,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&tx)
            .await?;
    }
    if let Some(uid) = actor.user_id() {
        crate::changelog::admin_action(&tx, uid, "materials.classes.import", "material_classes", format!("{n} rows"))
            .await?;
    }
    tx.commit().await?;
    Ok(n)
}
