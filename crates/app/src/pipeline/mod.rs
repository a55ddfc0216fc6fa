//! The development pipeline of SPEC C9: the orchestrators follow ideas,
//! innovations, development projects and funding applications from first
//! contact to implementation. A record has a stage from the list the
//! orchestrators keep, any number of participating organisations of the
//! shared registry each with a role, an owner, a size in euros and a size
//! class, an industry (TOL 2008), focus areas, tasks, links to the leads,
//! challenges, kimppas and partner searches it grew from, and the history
//! of every change. Views: a board grouped by stage, kind or size class
//! (moving works without JavaScript) and a table with sorting and filters,
//! both saved per person and exported as CSV; published records are listed
//! publicly with the fields marked public.
//!
//! Who sees a record is decided in [`visibility`].

pub mod documents;
pub mod industry;
pub mod visibility;

pub fn register(h: &mut crate::hooks::Hooks) {
    documents::register(h);
    h.daily
        .push(|app| Box::pin(async move { remind_tasks(&app).await.map(|_| ()).map_err(crate::jobs::JobError::from) }));
}

use crate::{
    App, AppError, changelog,
    error::Checker,
    organisations::{self, Named},
    policy::{self, Action, Principal},
};
use kimppa_domain::{EuroClass, FieldKind, FocusArea, PipelineKind, PipelineRole};
use kimppa_store::entities::{
    challenge, contact_request, kimppa, partner_search, pipeline_change, pipeline_field, pipeline_link,
    pipeline_participant, pipeline_record, pipeline_stage, pipeline_task, pipeline_value, pipeline_view, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};
pub use visibility::Access;

/// The webhook event of a record's stage change (also its start).
pub const STAGE_CHANGED: &str = "pipeline.stage_changed";
/// Cards shown per board column; the rest are counted and found in the table.
pub const PER_COLUMN: u64 = 50;
/// Rows per table page.
pub const PER_PAGE: u64 = 50;
/// The fields a published record may show beside its title.
pub const PUBLIC_FIELDS: [&str; 6] = ["kind", "stage", "description", "participants", "focus", "industry"];
/// The fields a record's history names (besides those of the form).
pub const CHANGE_FIELDS: [&str; 22] = [
    "created",
    "title",
    "kind",
    "stage",
    "euros",
    "size_class",
    "industry",
    "focus_areas",
    "owner",
    "source",
    "people",
    "description",
    "next_action",
    "closed_reason",
    "published",
    "public_fields",
    "participants",
    "linked",
    "task",
    "task_done",
    "task_reopened",
    "merged",
];
/// What a record can be linked to.
pub const LINK_KINDS: [&str; 4] = ["lead", "challenge", "kimppa", "search"];

// ---------------------------------------------------------------------------
// Stages

/// The stages in order.
pub async fn stages<C: ConnectionTrait>(conn: &C) -> Result<Vec<pipeline_stage::Model>, AppError> {
    Ok(pipeline_stage::Entity::find().order_by_asc(pipeline_stage::Column::Position).all(conn).await?)
}

/// A stage's name in the reader's language.
pub fn stage_name<'a>(s: &'a pipeline_stage::Model, lang: &str) -> &'a str {
    in_lang(&s.name_fi, &s.name_en, lang)
}

/// The English name for English readers when there is one, else the Finnish.
fn in_lang<'a>(fi: &'a str, en: &'a str, lang: &str) -> &'a str {
    if lang == "en" && !en.is_empty() { en } else { fi }
}

/// A stage's or own field's names: the Finnish one required, both at most 80 characters.
fn check_names(c: &mut Checker, fi: &str, en: &str) {
    if fi.trim().is_empty() {
        c.push("name_fi", "err-required");
    }
    if fi.chars().count() > 80 || en.chars().count() > 80 {
        c.push("name_fi", "err-too-long");
    }
}

/// The stage form (adding or renaming a stage).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct StageForm {
    pub key: String,
    pub name_fi: String,
    pub name_en: String,
    pub closing: Option<String>,
    /// Where to place it: after the stage with this key (empty: last).
    pub after: String,
}

/// Adds a stage to the list (staff).
pub async fn add_stage(app: &App, actor: &Principal, f: &StageForm) -> Result<pipeline_stage::Model, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let mut c = Checker::default();
    let key = c.check("key", kimppa_domain::Slug::parse(f.key.trim())).map(|s| s.to_string());
    check_names(&mut c, &f.name_fi, &f.name_en);
    let all = stages(&app.db).await?;
    if let Some(k) = &key
        && all.iter().any(|s| &s.key == k)
    {
        c.push("key", "err-slug-taken");
    }
    c.finish()?;
    let key = key.ok_or_else(crate::error::checked)?;
    let at = all.iter().position(|s| s.key == f.after.trim()).map(|i| i + 1).unwrap_or(all.len());
    let tx = app.db.begin().await?;
    // Renumber from the place on (the list is short: bounded by what the
    // orchestrators keep).
    for (i, s) in all.iter().enumerate().skip(at) {
        pipeline_stage::ActiveModel { id: Set(s.id), position: Set(i as i32 + 2), ..Default::default() }
            .update(&tx)
            .await?;
    }
    let row = pipeline_stage::ActiveModel {
        key: Set(key),
        name_fi: Set(f.name_fi.trim().into()),
        name_en: Set(f.name_en.trim().into()),
        position: Set(at as i32 + 1),
        closing: Set(f.closing.is_some()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, "pipeline.stages", &row.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Renames a stage, or moves it one place up or down (staff).
pub async fn change_stage(app: &App, actor: &Principal, key: &str, f: &StageForm, shift: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = stages(&app.db).await?;
    let i = all.iter().position(|s| s.key == key).ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    if shift != 0 {
        let j = i as i32 + shift.signum();
        if j >= 0 && (j as usize) < all.len() {
            let (a, b) = (&all[i], &all[j as usize]);
            pipeline_stage::ActiveModel { id: Set(a.id), position: Set(b.position), ..Default::default() }
                .update(&tx)
                .await?;
            pipeline_stage::ActiveModel { id: Set(b.id), position: Set(a.position), ..Default::default() }
                .update(&tx)
                .await?;
        }
    } else {
        let mut c = Checker::default();
        check_names(&mut c, &f.name_fi, &f.name_en);
        c.finish()?;
        pipeline_stage::ActiveModel {
            id: Set(all[i].id),
            name_fi: Set(f.name_fi.trim().into()),
            name_en: Set(f.name_en.trim().into()),
            closing: Set(f.closing.is_some()),
            ..Default::default()
        }
        .update(&tx)
        .await?;
    }
    changelog::record(&tx, "pipeline.stages", &all[i].id).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a stage no record is in (staff); one with records is refused.
pub async fn remove_stage(app: &App, actor: &Principal, key: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = stages(&app.db).await?;
    let s = all.iter().find(|s| s.key == key).ok_or(AppError::NotFound)?;
    let used = pipeline_record::Entity::find().filter(pipeline_record::Column::StageId.eq(s.id)).count(&app.db).await?;
    if used > 0 || all.len() <= 1 {
        return Err(AppError::Conflict("pipeline-stage-in-use"));
    }
    let tx = app.db.begin().await?;
    pipeline_stage::Entity::delete_by_id(s.id).exec(&tx).await?;
    changelog::record(&tx, "pipeline.stages", &s.id).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The record form

/// The record form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub title: String,
    pub kind: String,
    /// A stage key.
    pub stage: String,
    pub euros: String,
    pub size_class: String,
    pub industry: String,
    pub focus_areas: Vec<String>,
    /// The owner's user id (an orchestrator), or empty.
    pub owner: String,
    pub source: String,
    pub people: String,
    pub description: String,
    pub next_action: String,
    pub closed_reason: String,
    /// Participants: organisations by name (or address), each with a role.
    pub participant: Vec<String>,
    pub participant_role: Vec<String>,
    pub published: Option<String>,
    pub public_fields: Vec<String>,
    /// What the record starts from: `lead:12`, `challenge:3`, `kimppa:5`, `search:2`.
    pub from: String,
    /// The orchestrators' own fields by key, as typed (several for a
    /// multiple choice); the web layer reads them from the `cf-<key>` inputs.
    #[serde(skip)]
    pub custom: BTreeMap<String, Vec<String>>,
}

impl RecordForm {
    pub fn of(r: &pipeline_record::Model, stage: &str, parts: &[(pipeline_participant::Model, String)]) -> RecordForm {
        RecordForm {
            title: r.title.clone(),
            kind: r.kind.key().into(),
            stage: stage.into(),
            euros: r.euros.map(|e| e.to_string()).unwrap_or_default(),
            size_class: r.size_class.clone(),
            industry: r.industry.clone(),
            focus_areas: crate::directory::list(&r.focus_areas).into_iter().map(str::to_string).collect(),
            owner: r.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            source: r.source.clone(),
            people: r.people.clone(),
            description: r.description.clone(),
            next_action: r.next_action.clone(),
            closed_reason: r.closed_reason.clone(),
            participant: parts.iter().map(|(_, n)| n.clone()).collect(),
            participant_role: parts.iter().map(|(p, _)| p.role.key().to_string()).collect(),
            published: r.published.then(|| "on".into()),
            public_fields: crate::directory::list(&r.public_fields).into_iter().map(str::to_string).collect(),
            from: String::new(),
            custom: BTreeMap::new(),
        }
    }
}

/// A record's form, checked.
struct Checked {
    kind: PipelineKind,
    stage: pipeline_stage::Model,
    euros: Option<i64>,
    size_class: String,
    industry: String,
    focus: String,
    owner: Option<i32>,
    participants: Vec<(i32, PipelineRole)>,
    public_fields: String,
    /// The own fields' values as stored: (field id, value), the empty left out.
    custom: Vec<(i32, String)>,
}

/// Euros as people type them: "120 000", "120000 €", "1,5 M€" is refused
/// (whole euros only); `None` when empty; the error is a translation key.
pub fn parse_euros(input: &str) -> Result<Option<i64>, &'static str> {
    let t: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '€').collect();
    if t.is_empty() {
        return Ok(None);
    }
    let t = t.strip_suffix(",00").or_else(|| t.strip_suffix(".00")).unwrap_or(&t);
    match t.parse::<i64>() {
        Ok(v) if (0..=100_000_000_000).contains(&v) => Ok(Some(v)),
        _ => Err("err-pipeline-euros"),
    }
}

/// The people who may own records: staff roles (orchestrators, operators).
pub async fn owner_choices(app: &App) -> Result<Vec<(i32, String)>, AppError> {
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name])
        .filter(user::Column::PlatformRole.ne(kimppa_domain::PlatformRole::Person))
        .order_by_asc(user::Column::Name)
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// What checking a record form looks up: the stages, the people who may
/// own records, the organisations that may be chosen (three queries, once
/// for a whole import).
pub(crate) struct Lookups {
    stages: Vec<pipeline_stage::Model>,
    owners: Vec<(i32, String)>,
    pool: Vec<kimppa_store::entities::organisation::Model>,
    fields: Vec<pipeline_field::Model>,
}

async fn lookups(app: &App) -> Result<Lookups, AppError> {
    Ok(Lookups {
        stages: stages(&app.db).await?,
        owners: owner_choices(app).await?,
        pool: organisations::name_pool(app).await?,
        fields: fields(&app.db).await?,
    })
}

async fn check(app: &App, f: &RecordForm) -> Result<Checked, AppError> {
    check_with(&lookups(app).await?, f)
}

fn check_with(l: &Lookups, f: &RecordForm) -> Result<Checked, AppError> {
    let mut c = Checker::default();
    if f.title.trim().is_empty() {
        c.push("title", "err-required");
    } else if f.title.chars().count() > 200 {
        c.push("title", "err-too-long");
    }
    let kind = PipelineKind::parse(&f.kind);
    if kind.is_err() {
        c.push("kind", if f.kind.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let stage = l.stages.iter().find(|s| s.key == f.stage.trim()).cloned();
    if stage.is_none() {
        c.push("stage", if f.stage.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let euros = match parse_euros(&f.euros) {
        Ok(v) => v,
        Err(code) => {
            c.push("euros", code);
            None
        }
    };
    let size_class = match (f.size_class.trim(), euros) {
        ("", Some(e)) => EuroClass::of(e).key().to_string(),
        ("", None) => String::new(),
        (k, _) => match EuroClass::parse(k) {
            Ok(v) => v.key().to_string(),
            Err(_) => {
                c.push("size_class", "err-unknown-value");
                String::new()
            }
        },
    };
    let industry = match f.industry.trim() {
        "" => String::new(),
        code => match industry::get(code) {
            Some(i) => i.code.to_string(),
            None => {
                c.push("industry", "err-pipeline-industry");
                String::new()
            }
        },
    };
    let focus = match FocusArea::parse_list(f.focus_areas.iter().map(String::as_str)) {
        Ok(l) => FocusArea::join(&l),
        Err(_) => {
            c.push("focus_areas", "err-unknown-value");
            String::new()
        }
    };
    let owner = match f.owner.trim() {
        "" => None,
        o => match o.parse::<i32>().ok().filter(|id| l.owners.iter().any(|(u, _)| u == id)) {
            Some(id) => Some(id),
            None => {
                c.push("owner", "err-unknown-value");
                None
            }
        },
    };
    for (field, v, max) in [
        ("source", &f.source, 200),
        ("people", &f.people, 2000),
        ("description", &f.description, 20_000),
        ("next_action", &f.next_action, 200),
        ("closed_reason", &f.closed_reason, 2000),
    ] {
        if v.chars().count() > max {
            c.push(field, "err-too-long");
        }
    }
    if stage.as_ref().is_some_and(|s| s.closing) && f.closed_reason.trim().is_empty() {
        c.push("closed_reason", "err-pipeline-reason");
    }
    // Participants: one query for every name typed.
    let mut participants: Vec<(i32, PipelineRole)> = Vec::new();
    let typed: Vec<(usize, &str)> =
        f.participant.iter().enumerate().map(|(i, n)| (i, n.trim())).filter(|(_, n)| !n.is_empty()).collect();
    if !typed.is_empty() {
        let pool = &l.pool;
        for (i, name) in typed {
            let role = f.participant_role.get(i).map(String::as_str).unwrap_or("");
            let role = match PipelineRole::parse(role) {
                Ok(r) => r,
                Err(_) => {
                    c.push("participant_role", "err-required");
                    continue;
                }
            };
            match organisations::name_one(pool, name) {
                Named::Found(o) => {
                    if !participants.contains(&(o.id, role)) {
                        participants.push((o.id, role));
                    }
                }
                Named::Unknown(_) => c.push("participant", "err-org-unknown"),
                Named::Ambiguous(..) => c.push("participant", "err-org-ambiguous"),
            }
        }
    }
    let mut custom = Vec::new();
    for (i, field) in l.fields.iter().enumerate() {
        let slot = CUSTOM_SLOTS[i.min(CUSTOM_SLOTS.len() - 1)];
        let typed: Vec<&str> = f
            .custom
            .get(&field.key)
            .map(|v| v.iter().map(|x| x.trim()).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default();
        if typed.is_empty() {
            continue;
        }
        match custom_value(l, field, &typed) {
            Ok(v) => custom.push((field.id, v)),
            Err(code) => c.push(slot, code),
        }
    }
    let public: Vec<&str> =
        f.public_fields.iter().map(|s| s.trim()).filter(|s| PUBLIC_FIELDS.contains(s)).collect::<Vec<_>>();
    if f.public_fields.iter().any(|s| !s.trim().is_empty() && !PUBLIC_FIELDS.contains(&s.trim())) {
        c.push("public_fields", "err-unknown-value");
    }
    c.finish()?;
    Ok(Checked {
        kind: kind.map_err(|_| crate::error::checked())?,
        stage: stage.ok_or_else(crate::error::checked)?,
        euros,
        size_class,
        industry,
        focus,
        owner,
        participants,
        public_fields: public.join(","),
        custom,
    })
}

/// A typed value of an own field as stored, or why not (a translation key).
fn custom_value(l: &Lookups, field: &pipeline_field::Model, typed: &[&str]) -> Result<String, &'static str> {
    let one = typed[0];
    let options = choices(field);
    match field.kind {
        FieldKind::Text => {
            if one.chars().count() > 2000 {
                Err("err-too-long")
            } else {
                Ok(one.to_string())
            }
        }
        FieldKind::Number => crate::materials::parse_number(one)
            .filter(|x| x.abs() < 1e15)
            .map(crate::materials::number)
            .ok_or("err-pipeline-number"),
        FieldKind::Euros => match parse_euros(one) {
            Ok(Some(v)) => Ok(v.to_string()),
            _ => Err("err-pipeline-euros"),
        },
        FieldKind::Date => crate::materials::parse_day(one).map(|d| d.to_string()).ok_or("err-date"),
        FieldKind::Choice => {
            options.iter().find(|o| o.as_str() == one).map(|o| o.to_string()).ok_or("err-unknown-value")
        }
        FieldKind::Multi => {
            let mut out: Vec<&str> = Vec::new();
            for t in typed {
                let o = options.iter().find(|o| o.as_str() == *t).ok_or("err-unknown-value")?;
                if !out.contains(&o.as_str()) {
                    out.push(o);
                }
            }
            Ok(out.join(", "))
        }
        FieldKind::Organisation => match organisations::name_one(&l.pool, one) {
            Named::Found(o) => Ok(o.id.to_string()),
            Named::Unknown(_) => Err("err-org-unknown"),
            Named::Ambiguous(..) => Err("err-org-ambiguous"),
        },
    }
}

/// A choice field's options.
pub fn choices(field: &pipeline_field::Model) -> Vec<String> {
    field.choices.lines().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.replace(',', " ")).collect()
}

/// Error slots of the own fields, by their place in the list (a form
/// field's name must outlive the request).
pub const CUSTOM_SLOTS: [&str; 24] = [
    "cf-1", "cf-2", "cf-3", "cf-4", "cf-5", "cf-6", "cf-7", "cf-8", "cf-9", "cf-10", "cf-11", "cf-12", "cf-13",
    "cf-14", "cf-15", "cf-16", "cf-17", "cf-18", "cf-19", "cf-20", "cf-21", "cf-22", "cf-23", "cf-24",
];

/// The own fields in order.
pub async fn fields<C: ConnectionTrait>(conn: &C) -> Result<Vec<pipeline_field::Model>, AppError> {
    Ok(pipeline_field::Entity::find().order_by_asc(pipeline_field::Column::Position).all(conn).await?)
}

/// A field's name in the reader's language.
pub fn field_name<'a>(f: &'a pipeline_field::Model, lang: &str) -> &'a str {
    in_lang(&f.name_fi, &f.name_en, lang)
}

/// The own-field form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FieldForm {
    pub key: String,
    pub name_fi: String,
    pub name_en: String,
    pub kind: String,
    /// One option per line.
    pub choices: String,
}

/// Adds an own field (staff).
pub async fn add_field(app: &App, actor: &Principal, f: &FieldForm) -> Result<pipeline_field::Model, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = fields(&app.db).await?;
    let mut c = Checker::default();
    let key = c.check("key", kimppa_domain::Slug::parse(f.key.trim())).map(|s| s.to_string());
    if key.as_ref().is_some_and(|k| all.iter().any(|x| &x.key == k) || IMPORT_COLUMNS.contains(&k.as_str())) {
        c.push("key", "err-slug-taken");
    }
    check_names(&mut c, &f.name_fi, &f.name_en);
    let kind = FieldKind::parse(&f.kind);
    if kind.is_err() {
        c.push("kind", if f.kind.trim().is_empty() { "err-required" } else { "err-unknown-value" });
    }
    let options: Vec<&str> = f.choices.lines().map(str::trim).filter(|s| !s.is_empty()).collect();
    if matches!(kind, Ok(FieldKind::Choice | FieldKind::Multi)) && options.is_empty() {
        c.push("choices", "err-pipeline-choices");
    }
    if f.choices.chars().count() > 4000 {
        c.push("choices", "err-too-long");
    }
    if all.len() >= CUSTOM_SLOTS.len() {
        c.push("key", "err-pipeline-too-many-fields");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let row = pipeline_field::ActiveModel {
        key: Set(key.ok_or_else(crate::error::checked)?),
        name_fi: Set(f.name_fi.trim().into()),
        name_en: Set(f.name_en.trim().into()),
        kind: Set(kind.map_err(|_| crate::error::checked())?),
        choices: Set(options.join("\n")),
        position: Set(all.iter().map(|x| x.position).max().unwrap_or(0) + 1),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, "pipeline.fields", &row.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Removes an own field and its values (staff).
pub async fn remove_field(app: &App, actor: &Principal, key: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let f = pipeline_field::Entity::find()
        .filter(pipeline_field::Column::Key.eq(key))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    pipeline_value::Entity::delete_many().filter(pipeline_value::Column::FieldId.eq(f.id)).exec(&tx).await?;
    pipeline_field::Entity::delete_by_id(f.id).exec(&tx).await?;
    changelog::record(&tx, "pipeline.fields", &f.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a record's own-field values (replacing those it had).
async fn write_values<C: ConnectionTrait>(conn: &C, id: i32, values: &[(i32, String)]) -> Result<(), AppError> {
    pipeline_value::Entity::delete_many().filter(pipeline_value::Column::RecordId.eq(id)).exec(conn).await?;
    if !values.is_empty() {
        pipeline_value::Entity::insert_many(values.iter().map(|(field, v)| pipeline_value::ActiveModel {
            record_id: Set(id),
            field_id: Set(*field),
            value: Set(v.clone()),
            ..Default::default()
        }))
        .exec(conn)
        .await?;
    }
    Ok(())
}

fn search_text(f: &RecordForm) -> String {
    format!("{} {} {}", f.title.trim(), f.description.trim(), f.people.trim()).to_lowercase()
}

fn content(f: &RecordForm, c: &Checked) -> pipeline_record::ActiveModel {
    pipeline_record::ActiveModel {
        title: Set(f.title.trim().into()),
        kind: Set(c.kind),
        stage_id: Set(c.stage.id),
        euros: Set(c.euros),
        size_class: Set(c.size_class.clone()),
        industry: Set(c.industry.clone()),
        focus_areas: Set(c.focus.clone()),
        owner_id: Set(c.owner),
        source: Set(f.source.trim().into()),
        people: Set(f.people.trim().into()),
        description: Set(f.description.trim().into()),
        search_text: Set(search_text(f)),
        next_action: Set(f.next_action.trim().into()),
        closed_reason: Set(if c.stage.closing { f.closed_reason.trim().into() } else { String::new() }),
        published: Set(f.published.is_some()),
        public_fields: Set(c.public_fields.clone()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
}

async fn note<C: ConnectionTrait>(
    conn: &C,
    record_id: i32,
    who: Option<i32>,
    field: &str,
    before: impl Into<String>,
    after: impl Into<String>,
) -> Result<(), AppError> {
    pipeline_change::ActiveModel {
        record_id: Set(record_id),
        user_id: Set(who),
        at: Set(crate::now()),
        field: Set(field.into()),
        before: Set(before.into()),
        after: Set(after.into()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// `lead:12` → (`lead`, 12).
pub fn parse_from(from: &str) -> Option<(&'static str, i32)> {
    let (k, id) = from.trim().split_once(':')?;
    let kind = LINK_KINDS.iter().find(|x| **x == k)?;
    id.parse().ok().filter(|i| *i > 0).map(|i| (*kind, i))
}

/// Does what a link names exist? (Staff see every one of them.)
async fn link_target_exists<C: ConnectionTrait>(conn: &C, kind: &str, id: i32) -> Result<bool, AppError> {
    Ok(match kind {
        "lead" => contact_request::Entity::find_by_id(id).count(conn).await? > 0,
        "challenge" => challenge::Entity::find_by_id(id).count(conn).await? > 0,
        "kimppa" => kimppa::Entity::find_by_id(id).count(conn).await? > 0,
        "search" => partner_search::Entity::find_by_id(id).count(conn).await? > 0,
        _ => false,
    })
}

async fn write_participants<C: ConnectionTrait>(
    conn: &C,
    id: i32,
    parts: &[(i32, PipelineRole)],
) -> Result<(), AppError> {
    pipeline_participant::Entity::delete_many()
        .filter(pipeline_participant::Column::RecordId.eq(id))
        .exec(conn)
        .await?;
    if !parts.is_empty() {
        pipeline_participant::Entity::insert_many(parts.iter().map(|(org, role)| pipeline_participant::ActiveModel {
            record_id: Set(id),
            org_id: Set(*org),
            role: Set(*role),
            ..Default::default()
        }))
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// Participants as history shows them: `Lautalaari Oy (lead), …`.
async fn participants_text<C: ConnectionTrait>(conn: &C, parts: &[(i32, PipelineRole)]) -> Result<String, AppError> {
    let names = crate::people::org_names_in(conn, parts.iter().map(|(o, _)| *o)).await?;
    Ok(parts
        .iter()
        .map(|(o, r)| format!("{} ({})", names.get(o).map(|n| n.name.as_str()).unwrap_or("?"), r.key()))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Writes a new record on `conn`: the row, its participants, its history's
/// first entry and the stage change in the change log.
async fn insert_in<C: ConnectionTrait>(
    conn: &C,
    uid: i32,
    f: &RecordForm,
    c: &Checked,
) -> Result<pipeline_record::Model, AppError> {
    let mut row = content(f, c);
    row.merged_into = Set(None);
    row.created_by = Set(uid);
    row.created_at = Set(crate::now());
    let r = row.insert(conn).await?;
    write_participants(conn, r.id, &c.participants).await?;
    write_values(conn, r.id, &c.custom).await?;
    note(conn, r.id, Some(uid), "created", "", c.stage.key.clone()).await?;
    crate::search::touch(conn, documents::KIND, &[r.id]).await?;
    stage_changed(conn, &r, "", &c.stage.key).await?;
    Ok(r)
}

/// Starts a record (staff); with `from`, linked to the lead, challenge,
/// kimppa or partner search it grew from.
pub async fn create(app: &App, actor: &Principal, f: &RecordForm) -> Result<pipeline_record::Model, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let c = check(app, f).await?;
    let link = match f.from.trim() {
        "" => None,
        from => Some(parse_from(from).ok_or(AppError::NotFound)?),
    };
    let tx = app.db.begin().await?;
    let r = insert_in(&tx, uid.0, f, &c).await?;
    if let Some((kind, target)) = link {
        if !link_target_exists(&tx, kind, target).await? {
            return Err(AppError::NotFound);
        }
        add_link(&tx, r.id, uid.0, kind, target).await?;
    }
    tx.commit().await?;
    Ok(r)
}

async fn add_link<C: ConnectionTrait>(conn: &C, id: i32, who: i32, kind: &str, target: i32) -> Result<(), AppError> {
    let exists = pipeline_link::Entity::find()
        .filter(pipeline_link::Column::RecordId.eq(id))
        .filter(pipeline_link::Column::Kind.eq(kind))
        .filter(pipeline_link::Column::TargetId.eq(target))
        .count(conn)
        .await?;
    if exists == 0 {
        pipeline_link::ActiveModel {
            record_id: Set(id),
            kind: Set(kind.into()),
            target_id: Set(target),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        note(conn, id, Some(who), "linked", "", format!("{kind}:{target}")).await?;
    }
    Ok(())
}

/// Links an existing record to a lead, challenge, kimppa or partner search
/// (`from` as in [`RecordForm::from`]) (staff).
pub async fn link(app: &App, actor: &Principal, id: i32, from: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let (kind, target) = parse_from(from).ok_or(AppError::NotFound)?;
    let r = live(app, id).await?;
    let tx = app.db.begin().await?;
    if !link_target_exists(&tx, kind, target).await? {
        return Err(AppError::NotFound);
    }
    add_link(&tx, r.id, uid.0, kind, target).await?;
    touch(&tx, r.id).await?;
    tx.commit().await?;
    Ok(())
}

async fn touch<C: ConnectionTrait>(conn: &C, id: i32) -> Result<(), AppError> {
    pipeline_record::ActiveModel { id: Set(id), updated_at: Set(crate::now()), ..Default::default() }
        .update(conn)
        .await?;
    Ok(())
}

/// A record that was not merged away.
async fn live(app: &App, id: i32) -> Result<pipeline_record::Model, AppError> {
    pipeline_record::Entity::find_by_id(id)
        .filter(pipeline_record::Column::MergedInto.is_null())
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The payload of a stage change's webhook.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StageChange {
    pub record: i32,
    pub title: String,
    /// The stage's key before (empty for a new record) and after.
    pub from: String,
    pub to: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Tells the webhooks of a stage change (signed deliveries through the
/// directory's webhook mechanism), in the change's transaction.
async fn stage_changed<C: ConnectionTrait>(
    conn: &C,
    r: &pipeline_record::Model,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    let payload =
        StageChange { record: r.id, title: r.title.clone(), from: from.into(), to: to.into(), at: crate::now() };
    crate::directory::webhooks::enqueue(
        conn,
        STAGE_CHANGED,
        &serde_json::to_value(&payload).map_err(AppError::internal)?,
    )
    .await
}

/// Saves a record's changes on `conn`; every changed field is kept in its
/// history with what it was and what it became.
async fn update_in<C: ConnectionTrait>(
    conn: &C,
    l: &Lookups,
    uid: i32,
    old: &pipeline_record::Model,
    f: &RecordForm,
    c: &Checked,
) -> Result<pipeline_record::Model, AppError> {
    let id = old.id;
    let old_stage = l.stages.iter().find(|s| s.id == old.stage_id).map(|s| s.key.clone()).unwrap_or_default();
    let old_parts: Vec<(i32, PipelineRole)> = pipeline_participant::Entity::find()
        .filter(pipeline_participant::Column::RecordId.eq(id))
        .order_by_asc(pipeline_participant::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.org_id, p.role))
        .collect();
    let mut row = content(f, c);
    row.id = Set(id);
    let saved = row.update(conn).await?;
    crate::search::touch(conn, documents::KIND, &[id]).await?;
    let who = Some(uid);
    let show = |v: Option<i64>| v.map(|e| e.to_string()).unwrap_or_default();
    let owner = |o: Option<i32>| {
        o.map(|o| l.owners.iter().find(|(u, _)| *u == o).map(|(_, n)| n.clone()).unwrap_or_else(|| format!("#{o}")))
            .unwrap_or_default()
    };
    let changes: [(&str, String, String); 15] = [
        ("title", old.title.clone(), saved.title.clone()),
        ("kind", old.kind.key().into(), saved.kind.key().into()),
        ("stage", old_stage.clone(), c.stage.key.clone()),
        ("euros", show(old.euros), show(saved.euros)),
        ("size_class", old.size_class.clone(), saved.size_class.clone()),
        ("industry", old.industry.clone(), saved.industry.clone()),
        ("focus_areas", old.focus_areas.clone(), saved.focus_areas.clone()),
        ("owner", owner(old.owner_id), owner(c.owner)),
        ("source", old.source.clone(), saved.source.clone()),
        ("people", old.people.clone(), saved.people.clone()),
        ("description", old.description.clone(), saved.description.clone()),
        ("next_action", old.next_action.clone(), saved.next_action.clone()),
        ("closed_reason", old.closed_reason.clone(), saved.closed_reason.clone()),
        ("published", old.published.to_string(), saved.published.to_string()),
        ("public_fields", old.public_fields.clone(), saved.public_fields.clone()),
    ];
    for (field, before, after) in changes {
        if before != after {
            note(conn, id, who, field, before, after).await?;
        }
    }
    let mut new_sorted = c.participants.clone();
    new_sorted.sort();
    let mut old_sorted = old_parts.clone();
    old_sorted.sort();
    if new_sorted != old_sorted {
        write_participants(conn, id, &c.participants).await?;
        let (b, a) = (participants_text(conn, &old_parts).await?, participants_text(conn, &c.participants).await?);
        note(conn, id, who, "participants", b, a).await?;
    }
    let old_values: Vec<(i32, String)> = pipeline_value::Entity::find()
        .filter(pipeline_value::Column::RecordId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| (v.field_id, v.value))
        .collect();
    let mut changed = false;
    for field in &l.fields {
        let get = |list: &[(i32, String)]| {
            list.iter().find(|(f, _)| *f == field.id).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        let (before, after) = (get(&old_values), get(&c.custom));
        if before != after {
            changed = true;
            note(conn, id, who, &format!("cf:{}", field.key), before, after).await?;
        }
    }
    if changed {
        write_values(conn, id, &c.custom).await?;
    }
    if old_stage != c.stage.key {
        stage_changed(conn, &saved, &old_stage, &c.stage.key).await?;
    }
    Ok(saved)
}

/// Saves a record's changes (staff); every changed field is kept in its
/// history with what it was and what it became.
pub async fn update(app: &App, actor: &Principal, id: i32, f: &RecordForm) -> Result<pipeline_record::Model, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let old = live(app, id).await?;
    let l = lookups(app).await?;
    let c = check_with(&l, f)?;
    let tx = app.db.begin().await?;
    let saved = update_in(&tx, &l, uid.0, &old, f, &c).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Moves a record to another stage (staff): a closing stage needs a reason.
pub async fn move_to(app: &App, actor: &Principal, id: i32, stage: &str, reason: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let r = live(app, id).await?;
    let all = stages(&app.db).await?;
    let to = all.iter().find(|s| s.key == stage.trim()).ok_or_else(|| AppError::field("stage", "err-unknown-value"))?;
    if to.id == r.stage_id {
        return Ok(());
    }
    if to.closing && reason.trim().is_empty() {
        return Err(AppError::field("closed_reason", "err-pipeline-reason"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::field("closed_reason", "err-too-long"));
    }
    let from = all.iter().find(|s| s.id == r.stage_id).map(|s| s.key.clone()).unwrap_or_default();
    let tx = app.db.begin().await?;
    pipeline_record::ActiveModel {
        id: Set(id),
        stage_id: Set(to.id),
        closed_reason: Set(if to.closing { reason.trim().into() } else { String::new() }),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    note(&tx, id, Some(uid.0), "stage", from.clone(), to.key.clone()).await?;
    crate::search::touch(&tx, documents::KIND, &[id]).await?;
    if to.closing {
        note(&tx, id, Some(uid.0), "closed_reason", r.closed_reason.clone(), reason.trim()).await?;
    }
    stage_changed(&tx, &r, &from, &to.key).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading records

/// A record with what its views show: its stage, participants with names,
/// owner's name.
#[derive(Debug, Clone)]
pub struct Row {
    pub record: pipeline_record::Model,
    pub stage: pipeline_stage::Model,
    /// Participant, organisation's name and address.
    pub participants: Vec<(pipeline_participant::Model, String, String)>,
    pub owner: String,
    /// The own fields' values, as shown (an organisation by its name).
    pub values: Vec<(pipeline_field::Model, String)>,
}

/// Rows of `records`: three queries whatever their number (participants,
/// their names, owners' names).
async fn rows(
    app: &App,
    all: &[pipeline_stage::Model],
    records: Vec<pipeline_record::Model>,
) -> Result<Vec<Row>, AppError> {
    if records.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = records.iter().map(|r| r.id).collect();
    let parts: Vec<pipeline_participant::Model> = crate::batch::chunked(ids.clone(), |chunk| {
        pipeline_participant::Entity::find()
            .filter(pipeline_participant::Column::RecordId.is_in(chunk))
            .order_by_asc(pipeline_participant::Column::Id)
            .all(&app.db)
    })
    .await?;
    let own = fields(&app.db).await?;
    let values: Vec<pipeline_value::Model> = if own.is_empty() {
        vec![]
    } else {
        crate::batch::chunked(ids, |chunk| {
            pipeline_value::Entity::find().filter(pipeline_value::Column::RecordId.is_in(chunk)).all(&app.db)
        })
        .await?
    };
    let org_valued: Vec<i32> = own.iter().filter(|f| f.kind == FieldKind::Organisation).map(|f| f.id).collect();
    let value_orgs =
        values.iter().filter(|v| org_valued.contains(&v.field_id)).filter_map(|v| v.value.parse::<i32>().ok());
    let names = crate::people::org_names(app, parts.iter().map(|p| p.org_id).chain(value_orgs)).await?;
    let owners = crate::people::user_names(app, records.iter().filter_map(|r| r.owner_id)).await?;
    let mut by_record: HashMap<i32, Vec<(pipeline_participant::Model, String, String)>> = HashMap::new();
    for p in parts {
        let (n, s) = names.get(&p.org_id).map(|n| (n.name.clone(), n.slug.clone())).unwrap_or_default();
        by_record.entry(p.record_id).or_default().push((p, n, s));
    }
    let mut values_of: HashMap<i32, Vec<(pipeline_field::Model, String)>> = HashMap::new();
    for v in values {
        let Some(f) = own.iter().find(|f| f.id == v.field_id) else { continue };
        let shown = if f.kind == FieldKind::Organisation {
            v.value.parse::<i32>().ok().and_then(|o| names.get(&o)).map(|n| n.name.clone()).unwrap_or(v.value)
        } else {
            v.value
        };
        values_of.entry(v.record_id).or_default().push((f.clone(), shown));
    }
    for list in values_of.values_mut() {
        list.sort_by_key(|(f, _)| f.position);
    }
    Ok(records
        .into_iter()
        .map(|r| Row {
            stage: all.iter().find(|s| s.id == r.stage_id).cloned().unwrap_or_else(|| pipeline_stage::Model {
                id: r.stage_id,
                key: String::new(),
                name_fi: "?".into(),
                name_en: "?".into(),
                position: 0,
                closing: false,
            }),
            participants: by_record.remove(&r.id).unwrap_or_default(),
            owner: r.owner_id.and_then(|o| owners.get(&o).cloned()).unwrap_or_default(),
            values: values_of.remove(&r.id).unwrap_or_default(),
            record: r,
        })
        .collect())
}

/// Filters of the board and the table, as in the address.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Filter {
    pub q: Option<String>,
    pub stage: Option<String>,
    pub kind: Option<String>,
    pub size: Option<String>,
    pub focus: Option<String>,
    pub industry: Option<String>,
    /// An organisation by name or address.
    pub org: Option<String>,
    /// An owner's user id.
    pub owner: Option<String>,
    /// The board's grouping: `stage` (default), `kind` or `size`.
    pub by: Option<String>,
    /// The orchestrators' own fields: `key:value` each (a choice, or one of
    /// a multiple choice).
    pub cf: Vec<String>,
    /// The table's order: `updated` (default), `title`, `stage`, `kind`, `euros`, `created`,
    /// each with `-` before for descending.
    pub sort: Option<String>,
    pub page: Option<u64>,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Filter {
    /// The filter as a query string (without page), for saved views and links.
    pub fn query(&self) -> String {
        let mut f = self.clone();
        f.page = None;
        serde_html_form::to_string(&f).unwrap_or_default()
    }
}

/// The records the filter finds among those `actor` sees whole (not the
/// merged-away ones). An organisation typed by name: one query.
async fn filtered(
    app: &App,
    actor: &Principal,
    f: &Filter,
    all: &[pipeline_stage::Model],
) -> Result<sea_orm::Select<pipeline_record::Entity>, AppError> {
    let mut q = pipeline_record::Entity::find()
        .filter(visibility::condition(actor))
        .filter(pipeline_record::Column::MergedInto.is_null());
    if let Some(s) = some(&f.stage) {
        let id = all.iter().find(|x| x.key == s).map(|x| x.id).unwrap_or(-1);
        q = q.filter(pipeline_record::Column::StageId.eq(id));
    }
    if let Some(k) = some(&f.kind) {
        match PipelineKind::parse(k) {
            Ok(k) => q = q.filter(pipeline_record::Column::Kind.eq(k)),
            Err(_) => q = q.filter(pipeline_record::Column::Id.eq(-1)),
        }
    }
    if let Some(s) = some(&f.size) {
        q = q.filter(pipeline_record::Column::SizeClass.eq(s));
    }
    if let Some(fa) = some(&f.focus) {
        q = q.filter(
            Condition::any()
                .add(pipeline_record::Column::FocusAreas.eq(fa))
                .add(pipeline_record::Column::FocusAreas.starts_with(format!("{fa},")))
                .add(pipeline_record::Column::FocusAreas.ends_with(format!(",{fa}")))
                .add(pipeline_record::Column::FocusAreas.contains(format!(",{fa},"))),
        );
    }
    if let Some(i) = some(&f.industry) {
        match industry::get(i) {
            // A section finds its divisions too.
            Some(ind) if ind.is_section() => {
                let codes: Vec<&str> =
                    industry::all().iter().filter(|x| x.section == ind.code).map(|x| x.code).collect();
                q = q.filter(pipeline_record::Column::Industry.is_in(codes));
            }
            Some(ind) => q = q.filter(pipeline_record::Column::Industry.eq(ind.code)),
            None => q = q.filter(pipeline_record::Column::Id.eq(-1)),
        }
    }
    if let Some(o) = some(&f.owner) {
        q = q.filter(pipeline_record::Column::OwnerId.eq(o.parse::<i32>().unwrap_or(-1)));
    }
    if let Some(o) = some(&f.org) {
        let org = match organisations::by_names(app, o, false).await?.into_iter().next() {
            Some(Named::Found(org)) => org.id,
            _ => -1,
        };
        q = q.filter(
            pipeline_record::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                pipeline_participant::Entity::find()
                    .select_only()
                    .column(pipeline_participant::Column::RecordId)
                    .filter(pipeline_participant::Column::OrgId.eq(org)),
            )),
        );
    }
    if let Some(words) = some(&f.q) {
        for w in words.split_whitespace().take(5) {
            let w = w.to_lowercase().replace(['%', '_', '\\'], "");
            if !w.is_empty() {
                q = q.filter(pipeline_record::Column::SearchText.contains(w));
            }
        }
    }
    let wanted: Vec<(&str, &str)> =
        f.cf.iter().filter_map(|x| x.split_once(':')).filter(|(_, v)| !v.trim().is_empty()).take(10).collect();
    if !wanted.is_empty() {
        let own = fields(&app.db).await?;
        for (key, value) in wanted {
            let Some(field) = own.iter().find(|x| x.key == key) else {
                q = q.filter(pipeline_record::Column::Id.eq(-1));
                continue;
            };
            let v = value.trim().to_string();
            let matches = if field.kind == FieldKind::Multi {
                Condition::any()
                    .add(pipeline_value::Column::Value.eq(v.clone()))
                    .add(pipeline_value::Column::Value.starts_with(format!("{v}, ")))
                    .add(pipeline_value::Column::Value.ends_with(format!(", {v}")))
                    .add(pipeline_value::Column::Value.contains(format!(", {v}, ")))
            } else {
                Condition::all().add(pipeline_value::Column::Value.eq(v))
            };
            q = q.filter(
                pipeline_record::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                    pipeline_value::Entity::find()
                        .select_only()
                        .column(pipeline_value::Column::RecordId)
                        .filter(pipeline_value::Column::FieldId.eq(field.id))
                        .filter(matches),
                )),
            );
        }
    }
    Ok(q)
}

/// A board column: its key and label, the cards shown and how many there are.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    /// A stage's name; for other groupings the web layer names the key.
    pub stage: Option<pipeline_stage::Model>,
    pub rows: Vec<Row>,
    pub total: u64,
}

/// The board (staff): one column per stage (or kind, or size class), the
/// newest-changed [`PER_COLUMN`] cards of each. Queries: the stages, one per
/// column for its cards and one for its count, and [`rows`]' three —
/// bounded by the number of columns, not of records.
pub async fn board(app: &App, actor: &Principal, f: &Filter) -> Result<Vec<Column>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = stages(&app.db).await?;
    let base = filtered(app, actor, f, &all).await?;
    let by = some(&f.by).unwrap_or("stage");
    let groups: Vec<(String, Option<pipeline_stage::Model>, Condition)> = match by {
        "kind" => PipelineKind::ALL
            .iter()
            .map(|k| (k.key().to_string(), None, Condition::all().add(pipeline_record::Column::Kind.eq(*k))))
            .collect(),
        "size" => EuroClass::ALL
            .iter()
            .map(|k| k.key().to_string())
            .chain([String::new()])
            .map(|k| (k.clone(), None, Condition::all().add(pipeline_record::Column::SizeClass.eq(k))))
            .collect(),
        by if by.starts_with("cf-") => {
            let own = fields(&app.db).await?;
            let field = own
                .into_iter()
                .find(|x| by == format!("cf-{}", x.key) && x.kind == FieldKind::Choice)
                .ok_or_else(|| AppError::field("by", "err-unknown-value"))?;
            let with = |cond: Condition| {
                sea_orm::QueryTrait::into_query(
                    pipeline_value::Entity::find()
                        .select_only()
                        .column(pipeline_value::Column::RecordId)
                        .filter(pipeline_value::Column::FieldId.eq(field.id))
                        .filter(cond),
                )
            };
            choices(&field)
                .into_iter()
                .map(|c| {
                    let cond = Condition::all().add(
                        pipeline_record::Column::Id
                            .in_subquery(with(Condition::all().add(pipeline_value::Column::Value.eq(c.clone())))),
                    );
                    (c, None, cond)
                })
                .chain([(
                    String::new(),
                    None,
                    Condition::all().add(pipeline_record::Column::Id.not_in_subquery(with(Condition::all()))),
                )])
                .collect()
        }
        _ => all
            .iter()
            .map(|s| (s.key.clone(), Some(s.clone()), Condition::all().add(pipeline_record::Column::StageId.eq(s.id))))
            .collect(),
    };
    let mut out = Vec::new();
    let mut shown = Vec::new();
    // By stage, every column's count in one grouped query; other groupings
    // count per column.
    let per_stage: Option<HashMap<i32, i64>> = if by == "stage" {
        let counts: Vec<(i32, i64)> = base
            .clone()
            .select_only()
            .column(pipeline_record::Column::StageId)
            .column_as(pipeline_record::Column::Id.count(), "n")
            .group_by(pipeline_record::Column::StageId)
            .into_tuple()
            .all(&app.db)
            .await?;
        Some(counts.into_iter().collect())
    } else {
        None
    };
    for (key, stage, cond) in groups {
        let q = base.clone().filter(cond);
        let total = match (&per_stage, &stage) {
            (Some(counts), Some(st)) => counts.get(&st.id).copied().unwrap_or(0) as u64,
            _ => q.clone().count(&app.db).await?,
        };
        let recs = if total == 0 {
            vec![]
        } else {
            q.order_by_desc(pipeline_record::Column::UpdatedAt)
                .order_by_desc(pipeline_record::Column::Id)
                .limit(PER_COLUMN)
                .all(&app.db)
                .await?
        };
        shown.extend(recs.iter().map(|r| r.id));
        out.push((key, stage, recs, total));
    }
    let flat: Vec<pipeline_record::Model> = out.iter().flat_map(|(_, _, r, _)| r.clone()).collect();
    let mut made: HashMap<i32, Row> = rows(app, &all, flat).await?.into_iter().map(|r| (r.record.id, r)).collect();
    Ok(out
        .into_iter()
        .map(|(key, stage, recs, total)| Column {
            key,
            stage,
            rows: recs.iter().filter_map(|r| made.remove(&r.id)).collect(),
            total,
        })
        .collect())
}

/// A page of the table (staff, or an admin of a participant for their
/// organisations' records), sorted, and the number of all that match.
pub async fn table(app: &App, actor: &Principal, f: &Filter) -> Result<(Vec<Row>, u64, u64), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = stages(&app.db).await?;
    let q = filtered(app, actor, f, &all).await?;
    let total = q.clone().count(&app.db).await?;
    let page = f.page.unwrap_or(1).clamp(1, total.div_ceil(PER_PAGE).max(1));
    let recs = sorted(q, f).offset((page - 1) * PER_PAGE).limit(PER_PAGE).all(&app.db).await?;
    Ok((rows(app, &all, recs).await?, total, page))
}

fn sorted(q: sea_orm::Select<pipeline_record::Entity>, f: &Filter) -> sea_orm::Select<pipeline_record::Entity> {
    use pipeline_record::Column as C;
    let s = some(&f.sort).unwrap_or("-updated");
    let (desc, key) = match s.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, s),
    };
    let col = match key {
        "title" => C::Title,
        "stage" => C::StageId,
        "kind" => C::Kind,
        "euros" => C::Euros,
        "created" => C::CreatedAt,
        _ => C::UpdatedAt,
    };
    // Records without a value last, either way, on both databases.
    let order = if desc { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    q.order_by_with_nulls(col, order, sea_orm::sea_query::NullOrdering::Last).order_by_desc(C::Id)
}

/// Every record of the view, for the CSV export (staff): in pages of
/// 1,000 so memory stays bounded by the export, not the database.
pub async fn export(app: &App, actor: &Principal, f: &Filter, lang: &str) -> Result<Vec<u8>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let all = stages(&app.db).await?;
    let q = filtered(app, actor, f, &all).await?;
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    let e = AppError::internal;
    let own = fields(&app.db).await?;
    w.write_record(IMPORT_COLUMNS.iter().copied().chain(own.iter().map(|f| f.key.as_str()))).map_err(e)?;
    let mut pages = sorted(q, f).paginate(&app.db, 1000);
    while let Some(recs) = pages.fetch_and_next().await? {
        for r in rows(app, &all, recs).await? {
            let parts =
                r.participants.iter().map(|(p, n, _)| format!("{n} ({})", p.role.key())).collect::<Vec<_>>().join(", ");
            let cells = [
                r.record.id.to_string(),
                r.record.title.clone(),
                r.record.kind.key().into(),
                stage_name(&r.stage, lang).into(),
                r.record.euros.map(|e| e.to_string()).unwrap_or_default(),
                r.record.size_class.clone(),
                r.record.industry.clone(),
                r.record.focus_areas.clone(),
                parts,
                r.owner.clone(),
                r.record.source.clone(),
                r.record.people.clone(),
                r.record.next_action.clone(),
                r.record.closed_reason.clone(),
                r.record.published.to_string(),
                r.record.created_at.to_rfc3339(),
                r.record.updated_at.to_rfc3339(),
            ];
            let extra = own
                .iter()
                .map(|f| r.values.iter().find(|(x, _)| x.id == f.id).map(|(_, v)| v.clone()).unwrap_or_default());
            let all_cells: Vec<String> = cells.into_iter().chain(extra).collect();
            w.write_record(all_cells.iter().map(|c| crate::events::registrations::csv_safe(c))).map_err(e)?;
        }
    }
    w.into_inner().map_err(|x| AppError::context("could not finish the pipeline's CSV", x.into_error()))
}

/// One record with everything its page shows.
#[derive(Debug, Clone)]
pub struct Detail {
    pub row: Row,
    pub access: Access,
    pub history: Vec<(pipeline_change::Model, String)>,
    pub tasks: Vec<(pipeline_task::Model, String)>,
    /// Link kind, target id, the target's title, and its address's key
    /// (a kimppa's slug, otherwise the id).
    pub links: Vec<(String, i32, String, String)>,
}

/// A record as `actor` may see it whole (staff; an admin of a participant
/// read-only); `NotFound` otherwise (a published record's public page is
/// [`public_get`]). A merged record answers with the one it went into.
pub async fn detail(app: &App, actor: &Principal, id: i32) -> Result<Result<Detail, i32>, AppError> {
    let r = pipeline_record::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let parts =
        pipeline_participant::Entity::find().filter(pipeline_participant::Column::RecordId.eq(id)).all(&app.db).await?;
    let access = visibility::access(actor, &r, &parts);
    if access < Access::Read {
        if policy::has_staff_role(actor) {
            // An orchestrator who has not passed the second factor is sent to it.
            policy::require(actor, Action::ManagePipeline)?;
        }
        return Err(if actor.is_anonymous() && !r.published { AppError::LoginRequired } else { AppError::NotFound });
    }
    if let Some(into) = r.merged_into {
        return Ok(Err(into));
    }
    let all = stages(&app.db).await?;
    let row = rows(app, &all, vec![r]).await?.remove(0);
    let history = pipeline_change::Entity::find()
        .filter(pipeline_change::Column::RecordId.eq(id))
        .order_by_desc(pipeline_change::Column::At)
        .order_by_desc(pipeline_change::Column::Id)
        .limit(200)
        .all(&app.db)
        .await?;
    let tasks = pipeline_task::Entity::find()
        .filter(pipeline_task::Column::RecordId.eq(id))
        .order_by_asc(pipeline_task::Column::Done)
        .order_by_asc(pipeline_task::Column::DueOn)
        .order_by_asc(pipeline_task::Column::Id)
        .all(&app.db)
        .await?;
    let people = crate::people::user_names(
        app,
        history.iter().filter_map(|h| h.user_id).chain(tasks.iter().filter_map(|t| t.assignee_id)),
    )
    .await?;
    let links = pipeline_link::Entity::find()
        .filter(pipeline_link::Column::RecordId.eq(id))
        .order_by_asc(pipeline_link::Column::Id)
        .all(&app.db)
        .await?;
    let titles = link_titles(app, &links).await?;
    Ok(Ok(Detail {
        history: history
            .into_iter()
            .map(|h| {
                let who = h.user_id.and_then(|u| people.get(&u).cloned()).unwrap_or_default();
                (h, who)
            })
            .collect(),
        tasks: tasks
            .into_iter()
            .map(|t| {
                let who = t.assignee_id.and_then(|u| people.get(&u).cloned()).unwrap_or_default();
                (t, who)
            })
            .collect(),
        links: links
            .iter()
            .map(|l| {
                let (title, key) = titles
                    .get(&(l.kind.clone(), l.target_id))
                    .cloned()
                    .unwrap_or_else(|| (String::new(), l.target_id.to_string()));
                (l.kind.clone(), l.target_id, title, key)
            })
            .collect(),
        row,
        access,
    }))
}

/// Titles of linked leads, challenges, kimppas and searches: one query per
/// kind present.
async fn link_titles(
    app: &App,
    links: &[pipeline_link::Model],
) -> Result<HashMap<(String, i32), (String, String)>, AppError> {
    let of = |k: &str| links.iter().filter(|l| l.kind == k).map(|l| l.target_id).collect::<Vec<_>>();
    let mut out = HashMap::new();
    let leads = of("lead");
    if !leads.is_empty() {
        for r in contact_request::Entity::find().filter(contact_request::Column::Id.is_in(leads)).all(&app.db).await? {
            out.insert(("lead".into(), r.id), (lead_title(&r.message), r.id.to_string()));
        }
    }
    let ch = of("challenge");
    if !ch.is_empty() {
        for r in challenge::Entity::find().filter(challenge::Column::Id.is_in(ch)).all(&app.db).await? {
            out.insert(("challenge".into(), r.id), (r.title, r.id.to_string()));
        }
    }
    let k = of("kimppa");
    if !k.is_empty() {
        for r in kimppa::Entity::find().filter(kimppa::Column::Id.is_in(k)).all(&app.db).await? {
            out.insert(("kimppa".into(), r.id), (r.name, r.slug));
        }
    }
    let s = of("search");
    if !s.is_empty() {
        for r in partner_search::Entity::find().filter(partner_search::Column::Id.is_in(s)).all(&app.db).await? {
            out.insert(("search".into(), r.id), (r.title, r.id.to_string()));
        }
    }
    Ok(out)
}

/// A lead's title: the first line of its message, at most 80 characters.
pub fn lead_title(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let mut t: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        t.push('…');
    }
    t
}

/// What a new record from a lead, challenge, kimppa or partner search
/// starts with (staff): its title, the organisations involved and the
/// source. `None` when `from` names nothing.
pub async fn prefill(app: &App, actor: &Principal, from: &str) -> Result<Option<RecordForm>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let Some((kind, id)) = parse_from(from) else { return Ok(None) };
    let mut f = RecordForm { from: format!("{kind}:{id}"), stage: "idea".into(), ..Default::default() };
    let mut orgs: Vec<(i32, PipelineRole)> = Vec::new();
    match kind {
        "lead" => {
            let Some(r) = contact_request::Entity::find_by_id(id).one(&app.db).await? else { return Ok(None) };
            f.title = lead_title(&r.message);
            f.kind = PipelineKind::Idea.key().into();
            f.description = r.message.clone();
            f.source = "lead".into();
            f.people =
                crate::people::user_names(app, [r.from_user_id]).await?.remove(&r.from_user_id).unwrap_or_default();
            if let Some(o) = r.from_org_id {
                orgs.push((o, PipelineRole::Customer));
            }
            orgs.push((r.to_org_id, PipelineRole::Lead));
        }
        "challenge" => {
            let Some(c) = challenge::Entity::find_by_id(id).one(&app.db).await? else { return Ok(None) };
            f.title = c.title.clone();
            f.kind = PipelineKind::Innovation.key().into();
            f.description = c.description.clone();
            f.focus_areas = crate::directory::list(&c.focus_areas).into_iter().map(str::to_string).collect();
            f.source = "challenge".into();
            orgs.push((c.org_id, PipelineRole::Customer));
        }
        "kimppa" => {
            let Some(k) = kimppa::Entity::find_by_id(id).one(&app.db).await? else { return Ok(None) };
            f.title = k.name.clone();
            f.kind = PipelineKind::DevelopmentProject.key().into();
            f.description = format!("{}\n\n{}", k.problem.trim(), k.value_proposition.trim()).trim().to_string();
            f.source = "kimppa".into();
            let members = kimppa_store::entities::kimppa_member::Entity::find()
                .filter(kimppa_store::entities::kimppa_member::Column::KimppaId.eq(id))
                .all(&app.db)
                .await?;
            for m in members {
                orgs.push((m.org_id, PipelineRole::Partner));
            }
        }
        _ => {
            let Some(s) = partner_search::Entity::find_by_id(id).one(&app.db).await? else { return Ok(None) };
            f.title = s.title.clone();
            f.kind = PipelineKind::Idea.key().into();
            f.description = format!("{}\n\n{}", s.offer.trim(), s.value_proposition.trim()).trim().to_string();
            f.focus_areas = crate::directory::list(&s.focus_areas).into_iter().map(str::to_string).collect();
            f.source = "search".into();
            orgs.push((s.org_id, PipelineRole::Lead));
        }
    }
    let names = crate::people::org_names(app, orgs.iter().map(|(o, _)| *o)).await?;
    for (o, role) in orgs {
        if let Some(n) = names.get(&o) {
            f.participant.push(n.name.clone());
            f.participant_role.push(role.key().into());
        }
    }
    if let Some(u) = actor.user_id() {
        f.owner = u.0.to_string();
    }
    Ok(Some(f))
}

/// The records linked to a lead, challenge, kimppa or search (staff), for
/// their pages: id and title.
pub async fn linked_to(app: &App, actor: &Principal, kind: &str, id: i32) -> Result<Vec<(i32, String)>, AppError> {
    if !policy::allowed(actor, Action::ManagePipeline) {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = pipeline_link::Entity::find()
        .select_only()
        .column(pipeline_link::Column::RecordId)
        .filter(pipeline_link::Column::Kind.eq(kind))
        .filter(pipeline_link::Column::TargetId.eq(id))
        .into_tuple()
        .all(&app.db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(pipeline_record::Entity::find()
        .select_only()
        .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
        .filter(pipeline_record::Column::Id.is_in(ids))
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// Open records to join from a lead (staff): the 200 changed last.
pub async fn join_choices(app: &App, actor: &Principal) -> Result<Vec<(i32, String)>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    Ok(pipeline_record::Entity::find()
        .select_only()
        .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
        .filter(pipeline_record::Column::MergedInto.is_null())
        .order_by_desc(pipeline_record::Column::UpdatedAt)
        .limit(200)
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// The records the actor's organisations take part in (their admins see
/// them read-only), changed last first, at most 50.
pub async fn of_my_organisations(app: &App, actor: &Principal) -> Result<Vec<Row>, AppError> {
    let recs = pipeline_record::Entity::find()
        .filter(visibility::condition(&strip_staff(actor)))
        .filter(pipeline_record::Column::MergedInto.is_null())
        .order_by_desc(pipeline_record::Column::UpdatedAt)
        .limit(50)
        .all(&app.db)
        .await?;
    if recs.is_empty() {
        return Ok(vec![]);
    }
    let all = stages(&app.db).await?;
    rows(app, &all, recs).await
}

/// The principal as a person without staff powers (what their own
/// organisations give them).
fn strip_staff(p: &Principal) -> Principal {
    match p {
        Principal::Person(u) => {
            Principal::Person(crate::principal::Person { role: kimppa_domain::PlatformRole::Person, ..u.clone() })
        }
        Principal::Anonymous => Principal::Anonymous,
    }
}

// ---------------------------------------------------------------------------
// Tasks

/// The task form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TaskForm {
    pub task_title: String,
    pub due_on: String,
    /// The assignee's user id (an orchestrator), or empty.
    pub assignee: String,
}

/// Adds a task to a record (staff).
pub async fn add_task(app: &App, actor: &Principal, id: i32, f: &TaskForm) -> Result<pipeline_task::Model, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let r = live(app, id).await?;
    let mut c = Checker::default();
    if f.task_title.trim().is_empty() {
        c.push("task_title", "err-required");
    } else if f.task_title.chars().count() > 200 {
        c.push("task_title", "err-too-long");
    }
    let due = match f.due_on.trim() {
        "" => None,
        d => match crate::materials::parse_day(d) {
            Some(d) => Some(d.to_string()),
            None => {
                c.push("due_on", "err-date");
                None
            }
        },
    };
    let assignee = match f.assignee.trim() {
        "" => None,
        a => {
            let owners = owner_choices(app).await?;
            match a.parse::<i32>().ok().filter(|id| owners.iter().any(|(u, _)| u == id)) {
                Some(id) => Some(id),
                None => {
                    c.push("assignee", "err-unknown-value");
                    None
                }
            }
        }
    };
    c.finish()?;
    let tx = app.db.begin().await?;
    let t = pipeline_task::ActiveModel {
        record_id: Set(r.id),
        title: Set(f.task_title.trim().into()),
        due_on: Set(due),
        assignee_id: Set(assignee),
        done: Set(false),
        reminded_on: Set(None),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    note(&tx, r.id, Some(uid.0), "task", "", t.title.clone()).await?;
    touch(&tx, r.id).await?;
    tx.commit().await?;
    Ok(t)
}

/// Marks a task done or open again (staff).
pub async fn set_task_done(app: &App, actor: &Principal, id: i32, task: i32, done: bool) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let t = pipeline_task::Entity::find_by_id(task)
        .filter(pipeline_task::Column::RecordId.eq(id))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if t.done == done {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    pipeline_task::ActiveModel { id: Set(t.id), done: Set(done), updated_at: Set(crate::now()), ..Default::default() }
        .update(&tx)
        .await?;
    note(&tx, id, Some(uid.0), if done { "task_done" } else { "task_reopened" }, "", t.title.clone()).await?;
    tx.commit().await?;
    Ok(())
}

/// The actor's open tasks (assigned to them), by due day, with the
/// record's title: at most 200.
pub async fn my_tasks(app: &App, actor: &Principal) -> Result<Vec<(pipeline_task::Model, String)>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let tasks = pipeline_task::Entity::find()
        .filter(pipeline_task::Column::AssigneeId.eq(uid.0))
        .filter(pipeline_task::Column::Done.eq(false))
        .order_by_asc(pipeline_task::Column::DueOn)
        .order_by_asc(pipeline_task::Column::Id)
        .limit(200)
        .all(&app.db)
        .await?;
    let titles: HashMap<i32, String> = crate::batch::chunked(tasks.iter().map(|t| t.record_id), |chunk| {
        pipeline_record::Entity::find()
            .select_only()
            .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
            .filter(pipeline_record::Column::Id.is_in(chunk))
            .into_tuple::<(i32, String)>()
            .all(&app.db)
    })
    .await?
    .into_iter()
    .collect();
    Ok(tasks
        .into_iter()
        .map(|t| {
            let title = titles.get(&t.record_id).cloned().unwrap_or_default();
            (t, title)
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Saved views

/// The actor's saved views.
pub async fn views(app: &App, actor: &Principal) -> Result<Vec<pipeline_view::Model>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    Ok(pipeline_view::Entity::find()
        .filter(pipeline_view::Column::UserId.eq(uid.0))
        .order_by_asc(pipeline_view::Column::Name)
        .all(&app.db)
        .await?)
}

/// Saves the current view under a name (replacing one of the same name).
pub async fn save_view(app: &App, actor: &Principal, name: &str, page: &str, f: &Filter) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::field("view_name", "err-required"));
    }
    if name.chars().count() > 80 {
        return Err(AppError::field("view_name", "err-too-long"));
    }
    let page = if page == "board" { "board" } else { "table" };
    let tx = app.db.begin().await?;
    pipeline_view::Entity::delete_many()
        .filter(pipeline_view::Column::UserId.eq(uid.0))
        .filter(pipeline_view::Column::Name.eq(name))
        .exec(&tx)
        .await?;
    pipeline_view::ActiveModel {
        user_id: Set(uid.0),
        name: Set(name.into()),
        page: Set(page.into()),
        query: Set(f.query()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of the actor's saved views.
pub async fn delete_view(app: &App, actor: &Principal, id: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let tx = app.db.begin().await?;
    let gone = pipeline_view::Entity::delete_many()
        .filter(pipeline_view::Column::Id.eq(id))
        .filter(pipeline_view::Column::UserId.eq(uid.0))
        .exec(&tx)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    changelog::personal(&tx, &[uid.0]).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Published records

/// A published record as everyone sees it: only the fields marked public.
#[derive(Debug, Clone)]
pub struct Public {
    pub id: i32,
    pub title: String,
    pub kind: Option<PipelineKind>,
    pub stage: Option<pipeline_stage::Model>,
    pub description: Option<String>,
    /// Organisation's name, address and role.
    pub participants: Vec<(String, String, PipelineRole)>,
    pub focus_areas: Option<String>,
    pub industry: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn public_of(r: Row) -> Public {
    let shown: Vec<&str> = crate::directory::list(&r.record.public_fields);
    let has = |k: &str| shown.contains(&k);
    Public {
        id: r.record.id,
        title: r.record.title.clone(),
        kind: has("kind").then_some(r.record.kind),
        stage: has("stage").then(|| r.stage.clone()),
        description: has("description").then(|| r.record.description.clone()),
        participants: if has("participants") {
            r.participants.iter().map(|(p, n, s)| (n.clone(), s.clone(), p.role)).collect()
        } else {
            vec![]
        },
        focus_areas: has("focus").then(|| r.record.focus_areas.clone()),
        industry: has("industry").then(|| r.record.industry.clone()),
        updated_at: r.record.updated_at,
    }
}

/// A page of the published records, changed last first, and their number;
/// `org` keeps those an organisation takes part in (and shows so).
pub async fn public_list(app: &App, org: Option<i32>, page: u64) -> Result<(Vec<Public>, u64, u64), AppError> {
    let mut q = pipeline_record::Entity::find().filter(visibility::published());
    if let Some(o) = org {
        q = q.filter(pipeline_record::Column::PublicFields.contains("participants")).filter(
            pipeline_record::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                pipeline_participant::Entity::find()
                    .select_only()
                    .column(pipeline_participant::Column::RecordId)
                    .filter(pipeline_participant::Column::OrgId.eq(o)),
            )),
        );
    }
    let total = q.clone().count(&app.db).await?;
    let page = page.clamp(1, total.div_ceil(PER_PAGE).max(1));
    let recs = q
        .order_by_desc(pipeline_record::Column::UpdatedAt)
        .order_by_desc(pipeline_record::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&app.db)
        .await?;
    let all = stages(&app.db).await?;
    Ok((rows(app, &all, recs).await?.into_iter().map(public_of).collect(), total, page))
}

/// The published records an organisation takes part in (where the
/// participants are public), changed last first: id and title, one query.
pub async fn published_of_org(app: &App, org_id: i32, limit: u64) -> Result<Vec<(i32, String)>, AppError> {
    Ok(pipeline_record::Entity::find()
        .select_only()
        .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
        .filter(visibility::published())
        .filter(pipeline_record::Column::PublicFields.contains("participants"))
        .filter(
            pipeline_record::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                pipeline_participant::Entity::find()
                    .select_only()
                    .column(pipeline_participant::Column::RecordId)
                    .filter(pipeline_participant::Column::OrgId.eq(org_id)),
            )),
        )
        .order_by_desc(pipeline_record::Column::UpdatedAt)
        .limit(limit)
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// One published record's public fields.
pub async fn public_get(app: &App, id: i32) -> Result<Public, AppError> {
    let r = pipeline_record::Entity::find_by_id(id)
        .filter(visibility::published())
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = stages(&app.db).await?;
    Ok(public_of(rows(app, &all, vec![r]).await?.remove(0)))
}

// ---------------------------------------------------------------------------
// Duplicates and merging

/// A likely duplicate pair with its reasons: both records, how much their
/// titles share, and the organisations both have.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub a: Row,
    pub b: Row,
    pub title: f64,
    pub shared_orgs: Vec<String>,
}

/// Pairs shown by the finder at most.
pub const DUPLICATES: usize = 100;

/// Likely duplicates among the live records (staff): two queries for every
/// record's title and participants, then [`rows`] for the pairs shown.
pub async fn duplicates(app: &App, actor: &Principal) -> Result<Vec<Duplicate>, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let titles: Vec<(i32, String)> = pipeline_record::Entity::find()
        .select_only()
        .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
        .filter(pipeline_record::Column::MergedInto.is_null())
        .into_tuple()
        .all(&app.db)
        .await?;
    let parts: Vec<(i32, i32)> = pipeline_participant::Entity::find()
        .select_only()
        .columns([pipeline_participant::Column::RecordId, pipeline_participant::Column::OrgId])
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut orgs: HashMap<i32, Vec<i64>> = HashMap::new();
    for (r, o) in parts {
        let list = orgs.entry(r).or_default();
        if !list.contains(&(o as i64)) {
            list.push(o as i64);
        }
    }
    let entries: Vec<kimppa_matchmaking::duplicates::Entry> = titles
        .into_iter()
        .map(|(id, title)| kimppa_matchmaking::duplicates::Entry {
            id: id as i64,
            title,
            orgs: orgs.remove(&id).unwrap_or_default(),
        })
        .collect();
    let pairs = kimppa_matchmaking::duplicates::find(&entries, DUPLICATES);
    if pairs.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = crate::batch::distinct(pairs.iter().flat_map(|p| [p.a as i32, p.b as i32]));
    let recs: Vec<pipeline_record::Model> = crate::batch::chunked(ids, |chunk| {
        pipeline_record::Entity::find().filter(pipeline_record::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?;
    let all = stages(&app.db).await?;
    let made: HashMap<i32, Row> = rows(app, &all, recs).await?.into_iter().map(|r| (r.record.id, r)).collect();
    Ok(pairs
        .into_iter()
        .filter_map(|p| {
            let (a, b) = (made.get(&(p.a as i32))?.clone(), made.get(&(p.b as i32))?.clone());
            let shared_orgs = a
                .participants
                .iter()
                .filter(|(x, _, _)| p.shared_orgs.contains(&(x.org_id as i64)))
                .map(|(_, n, _)| n.clone())
                .collect::<std::collections::BTreeSet<String>>()
                .into_iter()
                .collect();
            Some(Duplicate { a, b, title: p.title, shared_orgs })
        })
        .collect())
}

/// What merging `gone` into `keep` gives: `keep`'s fields, each empty one
/// filled from `gone`, the participants of both, and how many tasks,
/// links and history entries move.
#[derive(Debug, Clone)]
pub struct MergePreview {
    pub keep: Row,
    pub gone: Row,
    pub result: pipeline_record::Model,
    /// Organisation's name, address and role: every participant of both.
    pub participants: Vec<(String, String, PipelineRole)>,
    pub tasks: u64,
    pub links: u64,
    pub history: u64,
}

fn filled(keep: &pipeline_record::Model, gone: &pipeline_record::Model) -> pipeline_record::Model {
    let or = |a: &String, b: &String| if a.trim().is_empty() { b.clone() } else { a.clone() };
    let mut focus: Vec<&str> = crate::directory::list(&keep.focus_areas);
    for f in crate::directory::list(&gone.focus_areas) {
        if !focus.contains(&f) {
            focus.push(f);
        }
    }
    let mut r = keep.clone();
    r.euros = keep.euros.or(gone.euros);
    r.size_class = or(&keep.size_class, &gone.size_class);
    r.industry = or(&keep.industry, &gone.industry);
    r.focus_areas = focus.join(",");
    r.owner_id = keep.owner_id.or(gone.owner_id);
    r.source = or(&keep.source, &gone.source);
    r.people = or(&keep.people, &gone.people);
    r.description = or(&keep.description, &gone.description);
    r.next_action = or(&keep.next_action, &gone.next_action);
    r.published = keep.published || gone.published;
    r.public_fields = or(&keep.public_fields, &gone.public_fields);
    r.search_text = format!("{} {} {}", r.title, r.description, r.people).to_lowercase();
    r
}

async fn pair(app: &App, keep: i32, gone: i32) -> Result<(Row, Row), AppError> {
    if keep == gone {
        return Err(AppError::field("gone", "err-pipeline-merge-same"));
    }
    let (k, g) = (live(app, keep).await?, live(app, gone).await?);
    let all = stages(&app.db).await?;
    let mut r = rows(app, &all, vec![k, g]).await?;
    let g = r.pop().ok_or_else(crate::error::checked)?;
    let k = r.pop().ok_or_else(crate::error::checked)?;
    Ok((k, g))
}

/// The result of merging `gone` into `keep`, before it is done (staff).
pub async fn merge_preview(app: &App, actor: &Principal, keep: i32, gone: i32) -> Result<MergePreview, AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let (k, g) = pair(app, keep, gone).await?;
    let mut participants: Vec<(String, String, PipelineRole)> = Vec::new();
    for (p, n, s) in k.participants.iter().chain(g.participants.iter()) {
        if !participants.iter().any(|(_, s2, r)| s2 == s && *r == p.role) {
            participants.push((n.clone(), s.clone(), p.role));
        }
    }
    let count_tasks = pipeline_task::Entity::find().filter(pipeline_task::Column::RecordId.eq(gone)).count(&app.db);
    let tasks = count_tasks.await?;
    let links = pipeline_link::Entity::find().filter(pipeline_link::Column::RecordId.eq(gone)).count(&app.db).await?;
    let history =
        pipeline_change::Entity::find().filter(pipeline_change::Column::RecordId.eq(gone)).count(&app.db).await?;
    Ok(MergePreview { result: filled(&k.record, &g.record), keep: k, gone: g, participants, tasks, links, history })
}

/// Merges `gone` into `keep` (staff): `keep` takes `gone`'s participants,
/// tasks, links and history and fills its empty fields from it; `gone`
/// stays, marked merged, so its address leads to `keep`; both histories
/// and the audit log record the merge. One transaction.
pub async fn merge(app: &App, actor: &Principal, keep: i32, gone: i32) -> Result<(), AppError> {
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let (k, g) = pair(app, keep, gone).await?;
    let result = filled(&k.record, &g.record);
    let tx = app.db.begin().await?;
    // Participants: those `keep` lacks move; the rest go with `gone`.
    for (p, _, _) in &g.participants {
        if k.participants.iter().any(|(x, _, _)| x.org_id == p.org_id && x.role == p.role) {
            pipeline_participant::Entity::delete_by_id(p.id).exec(&tx).await?;
        } else {
            pipeline_participant::ActiveModel { id: Set(p.id), record_id: Set(keep), ..Default::default() }
                .update(&tx)
                .await?;
        }
    }
    pipeline_task::Entity::update_many()
        .col_expr(pipeline_task::Column::RecordId, sea_orm::sea_query::Expr::value(keep))
        .filter(pipeline_task::Column::RecordId.eq(gone))
        .exec(&tx)
        .await?;
    // Links: the same target linked to both stays once.
    let kept_links: Vec<(String, i32)> = pipeline_link::Entity::find()
        .filter(pipeline_link::Column::RecordId.eq(keep))
        .all(&tx)
        .await?
        .into_iter()
        .map(|l| (l.kind, l.target_id))
        .collect();
    for l in pipeline_link::Entity::find().filter(pipeline_link::Column::RecordId.eq(gone)).all(&tx).await? {
        if kept_links.contains(&(l.kind.clone(), l.target_id)) {
            pipeline_link::Entity::delete_by_id(l.id).exec(&tx).await?;
        } else {
            pipeline_link::ActiveModel { id: Set(l.id), record_id: Set(keep), ..Default::default() }
                .update(&tx)
                .await?;
        }
    }
    pipeline_change::Entity::update_many()
        .col_expr(pipeline_change::Column::RecordId, sea_orm::sea_query::Expr::value(keep))
        .filter(pipeline_change::Column::RecordId.eq(gone))
        .exec(&tx)
        .await?;
    let mut row: pipeline_record::ActiveModel = result.clone().into();
    row.updated_at = Set(crate::now());
    for c in [
        pipeline_record::Column::Euros,
        pipeline_record::Column::SizeClass,
        pipeline_record::Column::Industry,
        pipeline_record::Column::FocusAreas,
        pipeline_record::Column::OwnerId,
        pipeline_record::Column::Source,
        pipeline_record::Column::People,
        pipeline_record::Column::Description,
        pipeline_record::Column::NextAction,
        pipeline_record::Column::Published,
        pipeline_record::Column::PublicFields,
        pipeline_record::Column::SearchText,
    ] {
        sea_orm::ActiveModelTrait::reset(&mut row, c);
    }
    row.update(&tx).await?;
    pipeline_record::ActiveModel {
        id: Set(gone),
        merged_into: Set(Some(keep)),
        published: Set(false),
        updated_at: Set(crate::now()),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    crate::search::touch(&tx, documents::KIND, &[keep, gone]).await?;
    let what = format!("#{gone} {}", g.record.title);
    note(&tx, keep, Some(uid.0), "merged", what.clone(), format!("#{keep} {}", k.record.title)).await?;
    changelog::admin_action(&tx, uid, "pipeline.merge", format!("pipeline:{keep}"), what).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// CSV import

/// The columns an import reads (those of the export; `created_at` and
/// `updated_at` are read and left alone).
pub const IMPORT_COLUMNS: [&str; 17] = [
    "id",
    "title",
    "kind",
    "stage",
    "euros",
    "size_class",
    "industry",
    "focus_areas",
    "participants",
    "owner",
    "source",
    "people",
    "next_action",
    "closed_reason",
    "published",
    "created_at",
    "updated_at",
];

/// The column of the file a form field came from.
fn column_of<'a>(l: &'a Lookups, field: &'a str) -> &'a str {
    match field {
        "participant" | "participant_role" => "participants",
        slot if slot.starts_with("cf-") => CUSTOM_SLOTS
            .iter()
            .position(|s| *s == slot)
            .and_then(|i| l.fields.get(i))
            .map(|f| f.key.as_str())
            .unwrap_or(slot),
        other => other,
    }
}

/// A row of the file as a record form, with the cells it could not read.
fn form_of_row(
    l: &Lookups,
    cells: &HashMap<String, String>,
    line: usize,
) -> (RecordForm, Vec<crate::directory::csv_io::RowError>) {
    use crate::directory::csv_io::RowError;
    let get = |k: &str| cells.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors = Vec::new();
    let err = |column: &str, code: &str| RowError { line, column: column.into(), code: code.into() };
    let stage_cell = get("stage");
    let stage = l
        .stages
        .iter()
        .find(|s| {
            s.key == stage_cell
                || s.name_fi.eq_ignore_ascii_case(&stage_cell)
                || s.name_en.eq_ignore_ascii_case(&stage_cell)
        })
        .map(|s| s.key.clone())
        .unwrap_or(stage_cell);
    let owner_cell = get("owner");
    let owner = if owner_cell.is_empty() {
        String::new()
    } else {
        match l.owners.iter().find(|(id, n)| n.eq_ignore_ascii_case(&owner_cell) || id.to_string() == owner_cell) {
            Some((id, _)) => id.to_string(),
            None => {
                errors.push(err("owner", "err-unknown-value"));
                String::new()
            }
        }
    };
    // "Lautalaari Oy (lead), Purkutaito Oy (partner)"
    let mut participant = Vec::new();
    let mut participant_role = Vec::new();
    for piece in get("participants").split(')') {
        let piece = piece.trim().trim_start_matches([',', ';']).trim();
        if piece.is_empty() {
            continue;
        }
        match piece.rsplit_once('(') {
            Some((name, role)) => {
                participant.push(name.trim().to_string());
                participant_role.push(role.trim().to_string());
            }
            None => {
                participant.push(piece.to_string());
                participant_role.push(String::new());
            }
        }
    }
    let published = match get("published").to_lowercase().as_str() {
        "" | "false" | "no" | "ei" | "0" => None,
        "true" | "yes" | "kyllä" | "1" | "x" => Some("on".to_string()),
        _ => {
            errors.push(err("published", "err-unknown-value"));
            None
        }
    };
    let f = RecordForm {
        title: get("title"),
        kind: get("kind"),
        stage,
        euros: get("euros"),
        size_class: get("size_class"),
        industry: get("industry"),
        focus_areas: get("focus_areas")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        owner,
        source: get("source"),
        people: get("people"),
        next_action: get("next_action"),
        closed_reason: get("closed_reason"),
        participant,
        participant_role,
        published,
        custom: l
            .fields
            .iter()
            .map(|field| {
                let cell = get(&field.key);
                let values: Vec<String> = if field.kind == FieldKind::Multi {
                    cell.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
                } else {
                    vec![cell]
                };
                (field.key.clone(), values)
            })
            .collect(),
        ..Default::default()
    };
    (f, errors)
}

/// Imports records from CSV (staff): the export's columns, a Finnish
/// spreadsheet's file as it is (byte-order mark, semicolons). A row whose
/// key — `id`, or `title` — names a record updates it, otherwise it is
/// added. Every row is checked first; one bad row writes nothing and each
/// error names its line and column; a dry run only checks. One transaction.
pub async fn import(
    app: &App,
    actor: &Principal,
    bytes: &[u8],
    key: &str,
    dry_run: bool,
) -> Result<crate::directory::csv_io::ImportReport, AppError> {
    use crate::directory::csv_io::{ImportReport, RowError};
    policy::require(actor, Action::ManagePipeline)?;
    let uid = policy::user_id(actor)?;
    let by_title = key == "title";
    let l = lookups(app).await?;
    let columns: Vec<&str> = IMPORT_COLUMNS.iter().copied().chain(l.fields.iter().map(|f| f.key.as_str())).collect();
    let rows = match crate::directory::csv_io::read_columns(bytes, &columns) {
        Ok(r) => r,
        Err(e) => return Ok(ImportReport { errors: vec![e], ..Default::default() }),
    };
    let mut report = ImportReport { rows: rows.len(), ..Default::default() };
    // The records the keys name: one query (by title: every live title).
    let existing: Vec<pipeline_record::Model> = if by_title {
        pipeline_record::Entity::find().filter(pipeline_record::Column::MergedInto.is_null()).all(&app.db).await?
    } else {
        let ids: Vec<i32> = rows.iter().filter_map(|(_, c)| c.get("id").and_then(|v| v.trim().parse().ok())).collect();
        crate::batch::chunked(ids, |chunk| {
            pipeline_record::Entity::find()
                .filter(pipeline_record::Column::Id.is_in(chunk))
                .filter(pipeline_record::Column::MergedInto.is_null())
                .all(&app.db)
        })
        .await?
    };
    let mut planned: Vec<(Option<pipeline_record::Model>, RecordForm, Checked)> = Vec::new();
    for (line, cells) in &rows {
        let (f, mut errs) = form_of_row(&l, cells, *line);
        let target = if by_title {
            let t = f.title.trim().to_lowercase();
            existing.iter().find(|r| r.title.to_lowercase() == t).cloned()
        } else {
            match cells.get("id").map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => None,
                Some(v) => match v.parse::<i32>().ok().and_then(|id| existing.iter().find(|r| r.id == id)) {
                    Some(r) => Some(r.clone()),
                    None => {
                        errs.push(RowError { line: *line, column: "id".into(), code: "err-pipeline-no-record".into() });
                        None
                    }
                },
            }
        };
        match check_with(&l, &f) {
            Ok(c) if errs.is_empty() => planned.push((target, f, c)),
            Ok(_) => {}
            Err(AppError::Invalid(list)) => errs.extend(list.into_iter().map(|e| RowError {
                line: *line,
                column: column_of(&l, e.field).to_string(),
                code: e.code.to_string(),
            })),
            Err(e) => return Err(e),
        }
        report.errors.extend(errs);
    }
    report.created = planned.iter().filter(|(t, _, _)| t.is_none()).count();
    report.updated = planned.len() - report.created;
    if !report.errors.is_empty() || dry_run {
        return Ok(report);
    }
    let tx = app.db.begin().await?;
    for (target, f, c) in &planned {
        match target {
            Some(old) => {
                update_in(&tx, &l, uid.0, old, f, c).await?;
            }
            None => {
                insert_in(&tx, uid.0, f, c).await?;
            }
        }
    }
    tx.commit().await?;
    report.written = true;
    Ok(report)
}

// ---------------------------------------------------------------------------
// Task reminders

/// The morning round's reminders: each open task due today with an
/// assignee is emailed to them once (`reminded_on`). Returns how many.
pub async fn remind_tasks(app: &App) -> Result<usize, AppError> {
    let today = crate::materials::today().to_string();
    let due = pipeline_task::Entity::find()
        .filter(pipeline_task::Column::DueOn.eq(today.clone()))
        .filter(pipeline_task::Column::Done.eq(false))
        .filter(pipeline_task::Column::AssigneeId.is_not_null())
        .filter(pipeline_task::Column::RemindedOn.is_null())
        .all(&app.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let users: HashMap<i32, user::Model> = crate::people::users(&app.db, due.iter().filter_map(|t| t.assignee_id))
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let titles: HashMap<i32, String> = crate::batch::chunked(due.iter().map(|t| t.record_id), |chunk| {
        pipeline_record::Entity::find()
            .select_only()
            .columns([pipeline_record::Column::Id, pipeline_record::Column::Title])
            .filter(pipeline_record::Column::Id.is_in(chunk))
            .into_tuple::<(i32, String)>()
            .all(&app.db)
    })
    .await?
    .into_iter()
    .collect();
    let mut sent = 0;
    for t in due {
        let Some(u) = t.assignee_id.and_then(|a| users.get(&a)) else { continue };
        let tx = app.db.begin().await?;
        // Taken by this run (another node may be on it): one email a task.
        let taken = pipeline_task::Entity::update_many()
            .col_expr(pipeline_task::Column::RemindedOn, Some(today.clone()).into())
            .filter(pipeline_task::Column::Id.eq(t.id))
            .filter(pipeline_task::Column::RemindedOn.is_null())
            .exec(&tx)
            .await?;
        if taken.rows_affected == 0 {
            continue;
        }
        let lang = crate::people::lang(u);
        let record = titles.get(&t.record_id).cloned().unwrap_or_default();
        let link = app.url(&format!("/{lang}/pipeline/{}", t.record_id));
        let (subject, body) = if lang == "en" {
            (
                format!("Due today: {}", t.title),
                format!("A task of the record {record} is due today:\n\n{}\n\n{link}\n", t.title),
            )
        } else {
            (
                format!("Tänään: {}", t.title),
                format!("Kirjauksen {record} tehtävän määräpäivä on tänään:\n\n{}\n\n{link}\n", t.title),
            )
        };
        crate::email::queue(&tx, &u.email, &subject, &body).await?;
        tx.commit().await?;
        sent += 1;
    }
    app.jobs_wake.notify_one();
    Ok(sent)
}
