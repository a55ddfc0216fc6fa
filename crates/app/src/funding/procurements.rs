//! Open procurements: the buyer (a municipality or organisation of the
//! registry, or a name), title, CPV code, deadline, link, and whether — and
//! which — circular-economy criteria it carries. Listed publicly with
//! filters and a feed; the share of procurements with circular criteria is
//! counted per year.

use crate::{
    App, AppError, changelog,
    error::Checker,
    organisations::{self, Named},
    policy::{self, Action, Principal},
};
use kimppa_store::entities::procurement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// The procurement form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ProcurementForm {
    /// The buyer: an organisation's name, or the name of one not in the registry.
    pub buyer: String,
    pub title: String,
    pub cpv: String,
    pub deadline: String,
    pub link: String,
    pub circular: Option<String>,
    pub criteria: String,
}

/// A CPV code as typed: eight digits with or without the check digit
/// (`45000000-7`, `45000000`).
pub fn parse_cpv(typed: &str) -> Option<String> {
    let t = typed.trim();
    let (main, check) = match t.split_once('-') {
        Some((m, c)) => (m, Some(c)),
        None => (t, None),
    };
    let ok_main = main.len() == 8 && main.chars().all(|c| c.is_ascii_digit());
    let ok_check = check.is_none_or(|c| c.len() == 1 && c.chars().all(|x| x.is_ascii_digit()));
    (ok_main && ok_check).then(|| t.to_string())
}

/// Records an open procurement (staff).
pub async fn create(app: &App, actor: &Principal, f: &ProcurementForm) -> Result<procurement::Model, AppError> {
    policy::require(actor, Action::ManageFunding)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    let (buyer_org, buyer_name) = match f.buyer.trim() {
        "" => {
            c.push("buyer", "err-required");
            (None, String::new())
        }
        typed => match organisations::by_names(app, typed, false).await?.into_iter().next() {
            Some(Named::Found(o)) => (Some(o.id), o.name.clone()),
            _ if typed.chars().count() > 200 => {
                c.push("buyer", "err-too-long");
                (None, String::new())
            }
            _ => (None, typed.to_string()),
        },
    };
    for (field, v, max) in [("title", &f.title, 300), ("link", &f.link, 500)] {
        if v.trim().is_empty() {
            c.push(field, "err-required");
        } else if v.chars().count() > max {
            c.push(field, "err-too-long");
        }
    }
    if !super::web_link(&f.link) {
        c.push("link", "err-url");
    }
    let cpv = parse_cpv(&f.cpv);
    if cpv.is_none() {
        c.push("cpv", if f.cpv.trim().is_empty() { "err-required" } else { "err-cpv" });
    }
    let deadline = crate::materials::parse_day(&f.deadline).map(|d| d.to_string());
    if deadline.is_none() {
        c.push("deadline", if f.deadline.trim().is_empty() { "err-required" } else { "err-date" });
    }
    if f.circular.is_some() && f.criteria.trim().is_empty() {
        c.push("criteria", "err-procurement-criteria");
    }
    if f.criteria.chars().count() > 4000 {
        c.push("criteria", "err-too-long");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let row = procurement::ActiveModel {
        buyer_org_id: Set(buyer_org),
        buyer_name: Set(buyer_name),
        title: Set(f.title.trim().into()),
        cpv: Set(cpv.ok_or_else(crate::error::checked)?),
        deadline: Set(deadline.ok_or_else(crate::error::checked)?),
        link: Set(f.link.trim().into()),
        circular: Set(f.circular.is_some()),
        criteria: Set(if f.circular.is_some() { f.criteria.trim().into() } else { String::new() }),
        published_on: Set(crate::materials::today().to_string()),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    changelog::record(&tx, "procurement.changed", &row.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Filters of the public list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// `1`: only those with circular criteria.
    pub circular: Option<String>,
    /// A CPV code's beginning (`45` finds construction work).
    pub cpv: Option<String>,
    /// Words of the title or the buyer.
    pub q: Option<String>,
    /// `1`: also those whose deadline has passed.
    pub closed: Option<String>,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The procurements the filter finds, the nearest deadline first (open
/// ones only unless asked), at most 200.
pub async fn list(app: &App, f: &Filter) -> Result<Vec<procurement::Model>, AppError> {
    let mut q = procurement::Entity::find();
    if some(&f.closed).is_none() {
        q = q.filter(procurement::Column::Deadline.gte(crate::materials::today().to_string()));
    }
    if some(&f.circular).is_some() {
        q = q.filter(procurement::Column::Circular.eq(true));
    }
    if let Some(c) = some(&f.cpv) {
        let c: String = c.chars().filter(|x| x.is_ascii_digit()).take(8).collect();
        q = q.filter(procurement::Column::Cpv.starts_with(c));
    }
    if let Some(words) = some(&f.q) {
        for w in words.split_whitespace().take(5) {
            let w = w.replace(['%', '_', '\\'], "");
            if !w.is_empty() {
                // Both spellings: the databases' own case rules differ on ä and ö.
                let cap: String = w.chars().take(1).flat_map(char::to_uppercase).chain(w.chars().skip(1)).collect();
                q = q.filter(
                    Condition::any()
                        .add(procurement::Column::Title.contains(w.to_lowercase()))
                        .add(procurement::Column::Title.contains(cap.clone()))
                        .add(procurement::Column::BuyerName.contains(cap)),
                );
            }
        }
    }
    Ok(q.order_by_asc(procurement::Column::Deadline)
        .order_by_desc(procurement::Column::Id)
        .limit(200)
        .all(&app.db)
        .await?)
}

/// The newest procurements for the feed: the 50 published last.
pub async fn newest(app: &App) -> Result<Vec<procurement::Model>, AppError> {
    Ok(procurement::Entity::find()
        .order_by_desc(procurement::Column::PublishedOn)
        .order_by_desc(procurement::Column::Id)
        .limit(50)
        .all(&app.db)
        .await?)
}

/// One procurement.
pub async fn get(app: &App, id: i32) -> Result<procurement::Model, AppError> {
    procurement::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)
}

/// Procurements published in a year, and how many of them carry circular
/// criteria (two counts).
pub async fn share(app: &App, year: i32) -> Result<(u64, u64), AppError> {
    let in_year = procurement::Column::PublishedOn.between(format!("{year}-01-01"), format!("{year}-12-31"));
    let all = procurement::Entity::find().filter(in_year.clone()).count(&app.db).await?;
    let circular = procurement::Entity::find()
        .filter(in_year)
        .filter(procurement::Column::Circular.eq(true))
        .count(&app.db)
        .await?;
    Ok((all, circular))
}
