//! The groups part of the demo: the cluster's four working groups
//! (construction, food systems and bio-cycles, reuse and material cycles,
//! digital solutions), its steering group, and a mini-cluster of
//! demolition materials in its analysis phase with its first quick wins.

use super::directory::People;
use crate::{AppError, now};
use kimppa_domain::{ActionStatus, ClusterPhase, GroupKind, GroupRole};
use kimppa_store::entities::{group, group_action, group_phase, organisation};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use std::collections::HashMap;

/// (slug, kind, name fi, name en, description fi, description en, focus,
/// joining, lead organisation, member organisations)
type GroupData = (
    &'static str,
    GroupKind,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const GROUPS: &[GroupData] = &[
    (
        "rakentaminen",
        GroupKind::WorkingGroup,
        "Rakentamisen työryhmä",
        "Construction working group",
        "Purkumateriaalien uudelleenkäyttö, kierrätysmateriaalit rakentamisessa ja kuntien hankinnat. Ryhmä kokoontuu kuukausittain.",
        "Reuse of demolition materials, recycled materials in construction and municipal procurement. The group meets monthly.",
        "construction,reuse-materials",
        "request",
        "pohjoisrakenne",
        &["purkutaito", "lautalaari", "tuhkatie", "materiaalipassi", "oulun-kaupunki"],
    ),
    (
        "ruokajarjestelmat",
        GroupKind::WorkingGroup,
        "Ruokajärjestelmien ja biokiertojen työryhmä",
        "Food systems and bio-cycles working group",
        "Elintarviketeollisuuden sivuvirrat, ravinteiden kierto ja biokaasu.",
        "Side streams of the food industry, nutrient recycling and biogas.",
        "food-bio",
        "request",
        "rantalakeuden-meijeri",
        &["lantavoima", "pohjolan-ruokatukku", "sivuvirtapaja", "limingan-kunta"],
    ),
    (
        "uudelleenkaytto",
        GroupKind::WorkingGroup,
        "Uudelleenkäytön ja materiaalikiertojen työryhmä",
        "Reuse and material cycles working group",
        "Korjaaminen, jakaminen, muovien ja metallien kierto sekä teollisuuden sivuvirrat.",
        "Repair, sharing, the cycles of plastics and metals, and industrial side streams.",
        "reuse-materials,plastics,metals-mining",
        "request",
        "korjausverstas-kaarna",
        &["pohjolan-muovimylly", "perameren-teras", "kuonakivi", "konejako-pohjoinen"],
    ),
    (
        "digitaaliset-ratkaisut",
        GroupKind::WorkingGroup,
        "Digitaalisten ratkaisujen työryhmä",
        "Digital solutions working group",
        "Materiaalipassit, sivuvirtojen data ja jäljitettävyys.",
        "Material passports, side-stream data and traceability.",
        "digital",
        "request",
        "kiertodata",
        &["materiaalipassi", "pohjolan-teknillinen-yliopisto", "paluukuorma-logistiikka"],
    ),
    (
        "ohjausryhma",
        GroupKind::Steering,
        "Klusterin ohjausryhmä",
        "The cluster's steering group",
        "Ohjausryhmä linjaa klusterin toiminnan painopisteet ja seuraa tavoitteita.",
        "The steering group sets the cluster's priorities and follows its targets.",
        "",
        "invitation",
        "perameren-kiertotalousklusteri",
        &["oulun-kaupunki", "pohjoisen-kiertotalouden-tutkimuskeskus", "oulun-seudun-kasvusaatio"],
    ),
    (
        "purkumateriaalit",
        GroupKind::MiniCluster,
        "Purkumateriaalien miniklusteri",
        "Demolition materials mini-cluster",
        "Viisi yritystä ja kaupunki kehittävät yhteistä mallia purkumateriaalien uudelleenkäyttöön: kartoitus, välivarastointi ja myynti.",
        "Five companies and the city develop a joint model for reusing demolition materials: audits, interim storage and sales.",
        "construction,reuse-materials",
        "invitation",
        "purkutaito",
        &["lautalaari", "materiaalipassi", "pohjoisen-materiaalitestaus", "paluukuorma-logistiikka", "oulun-kaupunki"],
    ),
];

/// Loads the groups; returns how many.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    people: &People,
    orgs: &HashMap<String, organisation::Model>,
    orchestrator: i32,
) -> Result<usize, AppError> {
    let t = now();
    for (slug, kind, name_fi, name_en, desc_fi, desc_en, focus, joining, lead, members) in GROUPS {
        let g = group::ActiveModel {
            slug: Set(slug.to_string()),
            kind: Set(*kind),
            name_fi: Set(name_fi.to_string()),
            name_en: Set(name_en.to_string()),
            description_fi: Set(desc_fi.to_string()),
            description_en: Set(desc_en.to_string()),
            focus_areas: Set(focus.to_string()),
            joining: Set(joining.to_string()),
            show_members: Set(true),
            phase: Set(if *kind == GroupKind::MiniCluster {
                ClusterPhase::Analyse.key().into()
            } else {
                String::new()
            }),
            created_by: Set(orchestrator),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        let org = |s: &str| orgs.get(s).map(|o| o.id).ok_or_else(|| AppError::fail(format!("demo group names {s}")));
        crate::groups::add_member(conn, g.id, None, Some(org(lead)?), GroupRole::Lead, orchestrator).await?;
        for m in *members {
            crate::groups::add_member(conn, g.id, None, Some(org(m)?), GroupRole::Member, orchestrator).await?;
        }
        // The cluster's own facilitator in every group.
        if let Some((uid, ..)) = people.get("laura.lamsa@perameren-kiertotalousklusteri.example.fi") {
            crate::groups::add_member(conn, g.id, Some(*uid), None, GroupRole::Facilitator, orchestrator).await?;
        }
        if *kind == GroupKind::MiniCluster {
            let today = crate::finnish_time(t).date_naive();
            let day = |d: i64| (today - chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
            for (phase, starts, ends, notes) in [
                (
                    ClusterPhase::Initiate,
                    day(120),
                    Some(day(60)),
                    "Rajattiin kohteeksi kaupungin purkukohteet 2027–2028. Mukaan kuusi organisaatiota.",
                ),
                (
                    ClusterPhase::Analyse,
                    day(59),
                    None,
                    "Kartoitetaan kolmen purkukohteen materiaalit ja uudelleenkäytön esteet.",
                ),
            ] {
                group_phase::ActiveModel {
                    group_id: Set(g.id),
                    phase: Set(phase),
                    starts_on: Set(starts),
                    ends_on: Set(ends),
                    notes: Set(notes.into()),
                    updated_at: Set(t),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
            }
            for (title, owner, status) in [
                ("Yhteinen purkukartoituslomake", "Purkutaito Oy", ActionStatus::Done),
                ("Välivarastoinnin kokeilu kaupungin varikolla", "Oulun kaupunki", ActionStatus::Doing),
                ("Ovien ja ikkunoiden testausohje", "Pohjoisen Materiaalitestaus Oy", ActionStatus::Planned),
            ] {
                group_action::ActiveModel {
                    group_id: Set(g.id),
                    title: Set(title.into()),
                    owner: Set(owner.into()),
                    status: Set(status),
                    due_on: Set(None),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
            }
        }
    }
    Ok(GROUPS.len())
}
