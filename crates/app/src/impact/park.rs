//! The virtual circular park's data: the realised symbioses (confirmed by
//! both sides) as flows of material between organisations, with their
//! material class and municipalities. An organisation is named only when it
//! is an approved member (its profile is public); otherwise the flow shows
//! "an organisation outside the directory".

use crate::{App, AppError, materials::reference};
use kimppa_domain::MembershipStatus;
use kimppa_store::entities::{organisation, symbiosis};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// One end of a flow.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Party {
    /// `None` when the organisation is not a public member.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub municipality: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Flow {
    pub id: i32,
    pub from: Party,
    pub to: Party,
    /// The class code as stored (`17 09 04`), and its chapter (`17`).
    pub class_code: String,
    pub chapter: String,
    pub class_fi: String,
    pub class_en: String,
    pub tonnes_per_year: f64,
    pub co2e_tonnes: f64,
    /// YYYY-MM-DD.
    pub started_on: String,
}

/// What a visitor narrows the park to.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FlowFilter {
    /// A material chapter (`17`) or class code.
    pub material: String,
    /// A municipality at either end.
    pub municipality: String,
    /// The year the flow started.
    pub year: Option<i32>,
}

/// Flows at most a page and the API list.
pub const MAX_FLOWS: u64 = 2_000;

/// The realised symbioses as flows (public), newest first, narrowed by
/// `f`: three queries (symbioses, their organisations, the material
/// classes from memory).
pub async fn flows(app: &App, f: &FlowFilter) -> Result<Vec<Flow>, AppError> {
    use sea_orm::QuerySelect;
    let mut q = symbiosis::Entity::find()
        .filter(symbiosis::Column::Confirmation.eq(crate::materials::outcomes::CONFIRMED))
        .order_by_desc(symbiosis::Column::StartedOn)
        .limit(MAX_FLOWS);
    if let Some(y) = f.year {
        q = q.filter(symbiosis::Column::StartedOn.between(format!("{y}-01-01"), format!("{y}-12-31")));
    }
    let material = reference::normalise_code(&f.material);
    if !material.is_empty() {
        q = q.filter(symbiosis::Column::ClassCode.starts_with(&material));
    }
    let rows = q.all(&app.db).await?;
    let ids: Vec<i32> =
        crate::batch::distinct(rows.iter().flat_map(|s| [s.provider_org_id, s.receiver_org_id]).collect::<Vec<i32>>());
    let orgs: HashMap<i32, organisation::Model> = crate::batch::chunked(ids, |chunk| {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?
    .into_iter()
    .map(|o| (o.id, o))
    .collect();
    let codes: Vec<String> = crate::batch::distinct(
        rows.iter().flat_map(|s| [s.class_code.clone(), chapter(&s.class_code)]).collect::<Vec<_>>(),
    );
    let classes = reference::Classes::load_codes(app, &codes).await?;
    let party = |id: i32| {
        let o = orgs.get(&id);
        let public = o.filter(|o| o.membership_status == MembershipStatus::Approved);
        Party {
            name: public.map(|o| o.name.clone()),
            slug: public.map(|o| o.slug.clone()),
            municipality: o.map(|o| o.municipality.clone()).unwrap_or_default(),
        }
    };
    let town = f.municipality.trim().to_lowercase();
    Ok(rows
        .into_iter()
        .map(|s| {
            let ch = chapter(&s.class_code);
            let c = classes.get(&s.class_code).or_else(|| classes.get(&ch));
            Flow {
                id: s.id,
                from: party(s.provider_org_id),
                to: party(s.receiver_org_id),
                class_fi: c.map(|c| reference::title(c, "fi")).unwrap_or_else(|| s.class_code.clone()),
                class_en: c.map(|c| reference::title(c, "en")).unwrap_or_else(|| s.class_code.clone()),
                chapter: ch,
                class_code: s.class_code,
                tonnes_per_year: s.diverted_tonnes,
                co2e_tonnes: s.co2e_tonnes,
                started_on: s.started_on,
            }
        })
        .filter(|fl| {
            town.is_empty() || fl.from.municipality.to_lowercase() == town || fl.to.municipality.to_lowercase() == town
        })
        .collect())
}

/// The chapter of a class code: `17 09 04` → `17`; a project key stays.
pub fn chapter(code: &str) -> String {
    match code.split_once(' ') {
        Some((c, _)) if c.chars().all(|x| x.is_ascii_digit()) => c.to_string(),
        _ => code.to_string(),
    }
}
