//! Evidence for a cluster quality label (EUCLES / ECEI-style, and the
//! regional criteria): a checklist computed from records — each item met,
//! not met or not recorded, with its figure and where the evidence is —
//! the documents the platform cannot produce (strategy, implementation
//! plan, evaluations) uploaded with version and date, and one download
//! for the auditor (a ZIP with the checklist, the year's figures and the
//! documents). Staff only (`policy::Action::ManageImpact`).

use super::Scope;
use crate::{
    App, AppError,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::{MembershipStatus, OrgType, PlatformRole};
use kimppa_store::entities::{agreement_acceptance, label_document, organisation, page, service, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::HashSet;

/// The kinds of documents.
pub const KINDS: [&str; 4] = ["strategy", "plan", "evaluation", "other"];

/// How an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    NotMet,
    /// The platform holds nothing to tell (a document not uploaded).
    NotRecorded,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not-met",
            Status::NotRecorded => "not-recorded",
        }
    }
}

/// One item of the checklist: its key (`label-item-<key>` names it), its
/// status, the figure behind it (as numbers the page writes out) and the
/// page where the evidence is (without the language prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: &'static str,
    pub status: Status,
    /// (count, of) — e.g. 18 of 20 members with an agreement; `of` 0
    /// when the figure is a plain count.
    pub figure: (u64, u64),
    pub evidence: String,
}

fn item(key: &'static str, met: bool, figure: (u64, u64), evidence: &str) -> Item {
    Item { key, status: if met { Status::Met } else { Status::NotMet }, figure, evidence: evidence.into() }
}

/// The checklist of `year` (staff): a fixed number of queries.
pub async fn checklist(app: &App, actor: &Principal, year: i32) -> Result<Vec<Item>, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let db = &app.db;
    let staff =
        user::Entity::find().filter(user::Column::PlatformRole.eq(PlatformRole::Orchestrator)).count(db).await?;
    let members: Vec<(i32, OrgType)> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::OrgType])
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .into_tuple()
        .all(db)
        .await?;
    let agreed: HashSet<i32> = agreement_acceptance::Entity::find()
        .select_only()
        .column(agreement_acceptance::Column::OrgId)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let n = members.len() as u64;
    let with_agreement = members.iter().filter(|(id, _)| agreed.contains(id)).count() as u64;
    let smes = members.iter().filter(|(_, t)| *t == OrgType::Sme).count() as u64;
    let types: HashSet<OrgType> = members.iter().map(|m| m.1).collect();
    let companies = types.contains(&OrgType::Sme) || types.contains(&OrgType::Anchor);
    let research = types.contains(&OrgType::Research);
    let public = types.contains(&OrgType::Municipality);
    let services = service::Entity::find().count(db).await?;
    let statement = page::Entity::find().filter(page::Column::Slug.eq("accessibility")).count(db).await? > 0;
    // The year's figures as staff count them.
    let (rows, _) = super::year(app, actor, year).await?;
    let fig = |id: &str| rows.iter().find(|r| r.indicator.id == id).and_then(|r| r.value).unwrap_or(0.0) as u64;
    let nps_answers = {
        let t = super::months(app, Scope::Staff, &format!("{year}-01"), &format!("{year}-12")).await?;
        t.den("nps")
    };
    let docs = documents(app, actor).await?;
    let dated = |kind: &str| {
        docs.iter()
            .filter(|d| d.kind == kind)
            .max_by(|a, b| a.dated_on.cmp(&b.dated_on))
            .map(|d| d.dated_on.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or(0))
    };
    let document = |key: &'static str, kind: &str, fresh_years: i32| match dated(kind) {
        None => Item { key, status: Status::NotRecorded, figure: (0, 0), evidence: "/impact/label#documents".into() },
        Some(y) => item(key, year - y < fresh_years, (y as u64, 0), "/impact/label#documents"),
    };
    let events = fig("events");
    let participants = fig("event-participants");
    Ok(vec![
        item("leader", staff > 0, (staff, 0), "/admin/users"),
        item("agreements", n > 0 && with_agreement == n, (with_agreement, n), "/admin/agreements"),
        item("smes", n > 0 && smes * 2 > n, (smes, n), "/organisations"),
        item(
            "triple-helix",
            companies && research && public,
            (u64::from(companies) + u64::from(research) + u64::from(public), 3),
            "/situation",
        ),
        document("strategy", "strategy", 5),
        document("plan", "plan", 3),
        item("activities", events >= 2, (events, 0), "/impact/indicators/events"),
        item("participation", n > 0 && participants >= n, (participants, n), "/impact/indicators/event-participants"),
        item("groups", fig("working-groups") > 0, (fig("working-groups"), 0), "/groups"),
        item("services", services > 0, (services, 0), "/services"),
        item(
            "communication",
            fig("news") > 0 && fig("forum-threads") > 0 && events > 0,
            (fig("news") + fig("forum-threads") + events, 0),
            "/news",
        ),
        item(
            "dialogue",
            fig("challenges") + fig("brokered-contacts") > 0,
            (fig("challenges") + fig("brokered-contacts"), 0),
            "/challenges",
        ),
        item("website", statement, (u64::from(statement), 0), "/pages/accessibility"),
        match (nps_answers as u64, dated("evaluation")) {
            (0, None) => Item {
                key: "evaluation",
                status: Status::NotRecorded,
                figure: (0, 0),
                evidence: "/impact/indicators/nps".into(),
            },
            (answers, doc) => item(
                "evaluation",
                answers >= 5 || doc.is_some_and(|y| y == year),
                (answers, 0),
                "/impact/indicators/nps",
            ),
        },
    ])
}

/// The uploaded documents, newest first (staff).
pub async fn documents(app: &App, actor: &Principal) -> Result<Vec<label_document::Model>, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    Ok(label_document::Entity::find()
        .order_by_desc(label_document::Column::DatedOn)
        .order_by_desc(label_document::Column::Id)
        .all(&app.db)
        .await?)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DocumentForm {
    pub kind: String,
    pub title: String,
    pub version: String,
    pub dated_on: String,
}

/// Uploads a document (staff): a PDF or an image, checked by content.
pub async fn add_document(
    app: &App,
    actor: &Principal,
    f: &DocumentForm,
    file: Option<crate::forum::attachments::Upload>,
) -> Result<label_document::Model, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    if !KINDS.contains(&f.kind.as_str()) {
        c.push("kind", if f.kind.is_empty() { "err-required" } else { "err-unknown-value" });
    }
    for (field, v, max) in [("title", &f.title, 200), ("version", &f.version, 32)] {
        if v.trim().is_empty() {
            c.push(field, "err-required");
        } else if v.chars().count() > max {
            c.push(field, "err-too-long");
        }
    }
    let day = crate::materials::parse_day(&f.dated_on).filter(|d| *d <= crate::materials::today());
    if day.is_none() {
        c.push("dated_on", "err-date");
    }
    if file.as_ref().is_none_or(|u| u.bytes.is_empty()) {
        c.push("attachment", "err-required");
    }
    c.finish()?;
    let stored = crate::forum::attachments::store(app, "attachment", file).await?.ok_or(AppError::NotFound)?;
    let tx = app.db.begin().await?;
    let d = label_document::ActiveModel {
        kind: Set(f.kind.clone()),
        title: Set(f.title.trim().into()),
        version: Set(f.version.trim().into()),
        dated_on: Set(day.map(|d| d.to_string()).unwrap_or_default()),
        file_key: Set(stored.key.clone()),
        file_name: Set(stored.name.clone()),
        content_type: Set(stored.content_type.into()),
        size: Set(stored.size as i32),
        uploaded_by: Set(uid.0),
        uploaded_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::changelog::admin_action(&tx, uid, "label.document", d.id.to_string(), d.title.clone()).await?;
    tx.commit().await?;
    Ok(d)
}

/// A document and its bytes (staff).
pub async fn document(
    app: &App,
    actor: &Principal,
    id: i32,
) -> Result<(label_document::Model, bytes::Bytes), AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let d = label_document::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let bytes = app.files.get_attachment(&d.file_key).await?.ok_or(AppError::NotFound)?;
    Ok((d, bytes))
}

/// The auditor's evidence pack: a ZIP holding `checklist.csv` and
/// `indicators.csv` (as the caller wrote them, in the reader's language)
/// and every document under `documents/`.
pub async fn pack(
    app: &App,
    actor: &Principal,
    checklist_csv: &str,
    indicators_csv: &str,
) -> Result<Vec<u8>, AppError> {
    use std::io::Write;
    let docs = documents(app, actor).await?;
    let fail = |e: zip::result::ZipError| AppError::context("could not write the evidence pack", e);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [("checklist.csv", checklist_csv), ("indicators.csv", indicators_csv)] {
        w.start_file(name, opts).map_err(fail)?;
        w.write_all(body.as_bytes()).map_err(|e| AppError::context("could not write the evidence pack", e))?;
    }
    let mut names = HashSet::new();
    for d in docs {
        let bytes = app.files.get_attachment(&d.file_key).await?.ok_or(AppError::NotFound)?;
        let mut name = format!("documents/{}-{}-{}", d.dated_on, d.kind, d.file_name);
        if !names.insert(name.clone()) {
            name = format!("documents/{}-{}-{}-{}", d.dated_on, d.kind, d.id, d.file_name);
        }
        w.start_file(name, opts).map_err(fail)?;
        w.write_all(&bytes).map_err(|e| AppError::context("could not write the evidence pack", e))?;
    }
    Ok(w.finish().map_err(fail)?.into_inner())
}
