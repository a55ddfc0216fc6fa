//! The pipeline part of the demo: the orchestrators' ideas, innovations,
//! development projects and funding applications across every stage, with
//! participants from the registry, tasks, their history, a few published
//! on the list of innovations and projects, and two records of the same
//! thing entered twice.

use crate::{AppError, now};
use kimppa_domain::{EuroClass, PipelineKind, PipelineRole};
use kimppa_store::entities::{
    organisation, pipeline_change, pipeline_participant, pipeline_record, pipeline_stage, pipeline_task,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use std::collections::HashMap;

use PipelineKind::{
    DevelopmentProject as Dev, FundingApplication as Fund, Idea, Innovation as Inno, Investment as Inv,
};
use PipelineRole::{Customer as C, Funder as F, Lead as L, Partner as P, Research as R};

/// (title, kind, stage, euros, industry, focus, participants, next action, published)
type RecordData = (
    &'static str,
    PipelineKind,
    &'static str,
    Option<i64>,
    &'static str,
    &'static str,
    &'static [(&'static str, PipelineRole)],
    &'static str,
    bool,
);

const RECORDS: &[RecordData] = &[
    (
        "Purkupuusta liimapuuta",
        Inno,
        "concept",
        Some(180_000),
        "16",
        "construction,reuse-materials",
        &[("lautalaari", L), ("purkutaito", P), ("pohjolan-teknillinen-yliopisto", R)],
        "Lujuustestien tarjouspyyntö",
        true,
    ),
    (
        "Purkupuun liimapuukonsepti",
        Idea,
        "idea",
        None,
        "16",
        "construction",
        &[("lautalaari", L), ("purkutaito", P)],
        "Yhdistä liimapuuhankkeeseen",
        false,
    ),
    (
        "Rakennusosatorin laajennus Kempeleeseen",
        Dev,
        "preparation",
        Some(240_000),
        "47",
        "construction,reuse-materials",
        &[("purkutaito", L), ("oulun-kaupunki", C)],
        "Tilavaraus ja kunnan lausunto",
        true,
    ),
    (
        "Tuhkarakentamisen pilottitie",
        Dev,
        "in-progress",
        Some(650_000),
        "42",
        "construction,energy",
        &[("tuhkatie", L), ("kaamosvoima", P), ("iin-kunta", C), ("pohjoisen-materiaalitestaus", R)],
        "Seurantamittaukset syyskuussa",
        true,
    ),
    (
        "Kuonamurskeen CE-merkintä",
        Inno,
        "funding-applied",
        Some(95_000),
        "23",
        "construction,metals-mining",
        &[("kuonakivi", L), ("perameren-teras", P), ("pohjoisen-materiaalitestaus", R)],
        "Odotetaan rahoituspäätöstä",
        false,
    ),
    (
        "Rikastushiekan geopolymeeribetoni",
        Fund,
        "funding-applied",
        Some(1_200_000),
        "23",
        "metals-mining,construction",
        &[
            ("rikastehiekka", L),
            ("kuusivaaran-kaivos", P),
            ("pohjolan-teknillinen-yliopisto", R),
            ("oulun-seudun-kasvusaatio", F),
        ],
        "Täydennyspyyntöön vastaus",
        false,
    ),
    (
        "Maatalousmuovien keräysreitit",
        Dev,
        "implemented",
        Some(120_000),
        "38",
        "plastics",
        &[("pohjolan-muovimylly", L), ("paluukuorma-logistiikka", P), ("limingan-kunta", C)],
        "",
        true,
    ),
    (
        "Kierrätetyn PE-granulaatin tuotelinja",
        Inv,
        "preparation",
        Some(2_400_000),
        "22",
        "plastics",
        &[("pohjolan-muovimylly", L), ("vihrea-siltalaina", F)],
        "Investointilaskelma rahoittajalle",
        false,
    ),
    (
        "Meijerin heran biokaasu",
        Fund,
        "funding-applied",
        Some(850_000),
        "35",
        "food-bio,energy",
        &[("rantalakeuden-meijeri", L), ("lantavoima", P), ("oulun-seudun-kasvusaatio", F)],
        "Päätös odotettavissa joulukuussa",
        false,
    ),
    (
        "Lantakaasun liikennepolttoaine",
        Dev,
        "concept",
        Some(400_000),
        "35",
        "energy,food-bio",
        &[("lantavoima", L), ("paluukuorma-logistiikka", C)],
        "Jakeluasemien kartoitus",
        false,
    ),
    (
        "Kartonkitehtaan kuitusavi maanrakennukseen",
        Inno,
        "idea",
        None,
        "17",
        "forest-bio,construction",
        &[("oulujoen-kartonki", L), ("pohjoisrakenne", C)],
        "Näytteet laboratorioon",
        false,
    ),
    (
        "Kuitueriste kierrätystekstiilistä",
        Inno,
        "concept",
        Some(150_000),
        "13",
        "textiles,construction",
        &[("kuitukehto", L), ("perameren-amk", R)],
        "Paloturvallisuustestit",
        true,
    ),
    (
        "Työvaatteiden kiertomalli kunnille",
        Dev,
        "in-progress",
        Some(210_000),
        "96",
        "textiles",
        &[("kuitukehto", P), ("oulun-kaupunki", C), ("raahen-kaupunki", C)],
        "Toisen keräyskierroksen raportti",
        false,
    ),
    (
        "Jätevirta-analytiikka kiinteistöille",
        Inno,
        "preparation",
        Some(90_000),
        "63",
        "digital",
        &[("kiertodata", L), ("kotikortteli-asunnot", C)],
        "Pilottikohteiden valinta",
        false,
    ),
    (
        "Rakennusten materiaalipassi kuntien hankintoihin",
        Dev,
        "concept",
        Some(300_000),
        "71",
        "digital,construction",
        &[("materiaalipassi", L), ("oulun-kaupunki", C), ("pohjoisrakenne", P)],
        "Hankintakriteerien luonnos",
        true,
    ),
    (
        "Sivuvirtakartoitus elintarvikeyrityksille",
        Dev,
        "implemented",
        Some(60_000),
        "74",
        "food-bio",
        &[("sivuvirtapaja", L), ("pohjolan-ruokatukku", C), ("rantalakeuden-meijeri", C)],
        "",
        false,
    ),
    (
        "Paluukuormien yhteiskäyttö",
        Idea,
        "idea",
        None,
        "49",
        "reuse-materials",
        &[("paluukuorma-logistiikka", L)],
        "Kumppanihaku klusterissa",
        false,
    ),
    (
        "Teräskuonan hiilidioksidin sidonta",
        Fund,
        "preparation",
        Some(3_100_000),
        "24",
        "metals-mining",
        &[("perameren-teras", L), ("pohjoisen-kiertotalouden-tutkimuskeskus", R), ("kiertoraha-ventures", F)],
        "Konsortiosopimus allekirjoituksiin",
        false,
    ),
    (
        "Kiertotalouden neuvontapalvelu pk-yrityksille",
        Dev,
        "closed",
        Some(45_000),
        "70",
        "reuse-materials",
        &[("kiertoneuvo", L)],
        "",
        false,
    ),
    (
        "Tuhkan välivarastointi talvikaudella",
        Idea,
        "concept",
        None,
        "38",
        "energy,construction",
        &[("tuhkatie", L), ("kaamosvoima", P)],
        "Ympäristöluvan esiselvitys",
        false,
    ),
];

/// Loads the records; returns how many.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    orgs: &HashMap<String, organisation::Model>,
    orchestrator: i32,
) -> Result<usize, AppError> {
    let stages = pipeline_stage::Entity::find().order_by_asc(pipeline_stage::Column::Position).all(conn).await?;
    let stage =
        |key: &str| stages.iter().find(|s| s.key == key).ok_or_else(|| AppError::fail(format!("no stage {key}")));
    let t = now();
    for (i, (title, kind, at, euros, industry, focus, parts, next, published)) in RECORDS.iter().enumerate() {
        let s = stage(at)?;
        let created = t - chrono::Duration::days(20 * (RECORDS.len() - i) as i64);
        let r = pipeline_record::ActiveModel {
            title: Set(title.to_string()),
            kind: Set(*kind),
            stage_id: Set(s.id),
            euros: Set(*euros),
            size_class: Set(euros.map(|e| EuroClass::of(e).key().to_string()).unwrap_or_default()),
            industry: Set(industry.to_string()),
            focus_areas: Set(focus.to_string()),
            owner_id: Set(Some(orchestrator)),
            source: Set(if i % 3 == 0 { "tapahtuma".into() } else { "yhteydenotto".into() }),
            people: Set(String::new()),
            description: Set(format!("{title}. Klusterin orkestroijat seuraavat tätä kirjausta.")),
            search_text: Set(title.to_lowercase()),
            next_action: Set(next.to_string()),
            closed_reason: Set(if s.closing {
                "Yritys päätti jatkaa omana palvelunaan.".into()
            } else {
                String::new()
            }),
            published: Set(*published),
            public_fields: Set(if *published {
                "kind,stage,description,participants,focus".into()
            } else {
                String::new()
            }),
            merged_into: Set(None),
            created_by: Set(orchestrator),
            created_at: Set(created),
            updated_at: Set(created + chrono::Duration::days(10)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (slug, role) in parts.iter() {
            let Some(o) = orgs.get(*slug) else { continue };
            pipeline_participant::ActiveModel {
                record_id: Set(r.id),
                org_id: Set(o.id),
                role: Set(*role),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        // History: created in the first stage, moved along to where it is.
        let path: Vec<&pipeline_stage::Model> =
            stages.iter().filter(|x| x.position <= s.position && (!x.closing || x.id == s.id)).collect();
        let mut before = String::new();
        for (j, x) in path.iter().enumerate().take(if s.closing { 2 } else { path.len() }) {
            let x = if s.closing && j == 1 { s } else { *x };
            pipeline_change::ActiveModel {
                record_id: Set(r.id),
                user_id: Set(Some(orchestrator)),
                at: Set(created + chrono::Duration::days(j as i64 * 2)),
                field: Set(if j == 0 { "created".into() } else { "stage".into() }),
                before: Set(before.clone()),
                after: Set(x.key.clone()),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            before = x.key.clone();
        }
        if !next.is_empty() {
            pipeline_task::ActiveModel {
                record_id: Set(r.id),
                title: Set(next.to_string()),
                due_on: Set(Some((crate::materials::today() + chrono::Duration::days(i as i64 % 9 - 2)).to_string())),
                assignee_id: Set(Some(orchestrator)),
                done: Set(false),
                reminded_on: Set(None),
                created_by: Set(orchestrator),
                created_at: Set(created),
                updated_at: Set(created),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(RECORDS.len())
}
