//! The pipeline part of the demo: the orchestrators' ideas, innovations,
//! development projects and funding applications across every stage, with
//! participants from the registry, tasks, their history, a few published
//! on the list of innovations and projects, and two records of the same
//! thing entered twice.

use crate::{AppError, now};
use kimppa_domain::{EuroClass, FundingStatus, PipelineKind, PipelineRole, Programme};
use kimppa_store::entities::{
    funding, funding_call, organisation, pipeline_change, pipeline_participant, pipeline_record, pipeline_stage,
    pipeline_task, procurement,
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
    (
        "Purkubetonin murskeen laatuluokitus",
        Inno,
        "preparation",
        Some(140_000),
        "23",
        "construction",
        &[("pohjoisrakenne", L), ("pohjoisen-materiaalitestaus", R)],
        "Näytteenottosuunnitelma",
        false,
    ),
    (
        "Kipsilevyjen takaisinotto työmailta",
        Dev,
        "in-progress",
        Some(260_000),
        "43",
        "construction,reuse-materials",
        &[("purkutaito", L), ("paluukuorma-logistiikka", P), ("pohjoisrakenne", C)],
        "Toisen työmaan käynnistys",
        true,
    ),
    (
        "Kalanperkeistä rehuraaka-ainetta",
        Idea,
        "idea",
        None,
        "10",
        "food-bio",
        &[("sivuvirtapaja", L), ("pohjolan-ruokatukku", P)],
        "Näytteet rehuanalyysiin",
        false,
    ),
    (
        "Leipäjätteen panimokokeilu",
        Idea,
        "concept",
        Some(25_000),
        "11",
        "food-bio",
        &[("pohjolan-ruokatukku", L), ("sivuvirtapaja", P)],
        "Panimon tapaaminen",
        false,
    ),
    (
        "Kaivosalueen vesien metallien talteenotto",
        Fund,
        "funding-applied",
        Some(1_800_000),
        "39",
        "metals-mining,water",
        &[("kuusivaaran-kaivos", L), ("pohjoisen-kiertotalouden-tutkimuskeskus", R), ("oulun-seudun-kasvusaatio", F)],
        "Rahoittajan kysymyksiin vastaus",
        false,
    ),
    (
        "Energiatehokas kuivauslinja puusivuvirroille",
        Inv,
        "concept",
        Some(700_000),
        "16",
        "forest-bio,energy",
        &[("lautalaari", L), ("kiertoraha-ventures", F)],
        "Laitetoimittajien tarjoukset",
        false,
    ),
    (
        "Sähköautojen akkujen toinen elämä",
        Inno,
        "idea",
        None,
        "27",
        "energy,metals-mining",
        &[("kaamosvoima", L), ("pohjolan-teknillinen-yliopisto", R)],
        "Akkujen kuntotestaus",
        false,
    ),
    (
        "Kuntien kalusteiden kiertopalvelu",
        Dev,
        "implemented",
        Some(80_000),
        "31",
        "reuse-materials",
        &[("kiertoneuvo", L), ("oulun-kaupunki", C)],
        "",
        true,
    ),
    (
        "Muovipakkausten palautusjärjestelmä tukkukaupalle",
        Dev,
        "preparation",
        Some(190_000),
        "46",
        "plastics",
        &[("pohjolan-ruokatukku", L), ("pohjolan-muovimylly", P)],
        "Pilottimyymälöiden valinta",
        false,
    ),
    (
        "Hiilijalanjälkilaskuri rakennusosille",
        Inno,
        "in-progress",
        Some(110_000),
        "62",
        "digital,construction",
        &[("kiertodata", L), ("materiaalipassi", P), ("perameren-amk", R)],
        "Laskurin testikäyttäjät",
        false,
    ),
    (
        "Lietteen ravinteiden kierrätys pelloille",
        Fund,
        "closed",
        Some(420_000),
        "37",
        "water,food-bio",
        &[("limingan-kunta", L), ("lantavoima", P)],
        "",
        false,
    ),
    (
        "Tekstiilien lajittelulinja",
        Inv,
        "funding-applied",
        Some(950_000),
        "38",
        "textiles",
        &[("kuitukehto", L), ("vihrea-siltalaina", F)],
        "Investointituen päätös",
        false,
    ),
    (
        "Sahanpurun pelletöinti paikallisesti",
        Idea,
        "concept",
        None,
        "16",
        "forest-bio,energy",
        &[("lautalaari", L), ("kaamosvoima", C)],
        "Kannattavuuslaskelma",
        false,
    ),
    (
        "Rakennustyömaiden jätevirtojen seuranta",
        Inno,
        "preparation",
        Some(75_000),
        "63",
        "digital,construction",
        &[("kiertodata", L), ("pohjoisrakenne", C)],
        "Anturien pilottiasennus",
        false,
    ),
    (
        "Teräskuonasta tienrakennusmateriaalia",
        Dev,
        "in-progress",
        Some(520_000),
        "42",
        "metals-mining,construction",
        &[("perameren-teras", L), ("tuhkatie", P), ("raahen-kaupunki", C)],
        "Koerakenteen mittaukset",
        true,
    ),
    (
        "Kahvinporojen kasvualusta",
        Idea,
        "idea",
        None,
        "01",
        "food-bio",
        &[("sivuvirtapaja", L)],
        "Kasvatuskokeen suunnittelu",
        false,
    ),
    (
        "Kiertotalouden opintojakso yrityksille",
        Dev,
        "implemented",
        Some(40_000),
        "85",
        "reuse-materials",
        &[("perameren-amk", L), ("kiertoneuvo", P)],
        "",
        false,
    ),
    (
        "Meijerin pakkausmuovien kierrätys",
        Inno,
        "concept",
        Some(60_000),
        "22",
        "plastics,food-bio",
        &[("rantalakeuden-meijeri", L), ("pohjolan-muovimylly", P)],
        "Muovilaatujen selvitys",
        false,
    ),
    (
        "Biohiilen koetuotanto metsätähteistä",
        Inno,
        "preparation",
        Some(330_000),
        "20",
        "forest-bio,energy",
        &[("kaamosvoima", L), ("pohjoisen-kiertotalouden-tutkimuskeskus", R)],
        "Koeajon aikataulu",
        false,
    ),
    (
        "Vanhojen ikkunoiden kunnostus ja myynti",
        Dev,
        "in-progress",
        Some(70_000),
        "43",
        "construction,reuse-materials",
        &[("purkutaito", L), ("kotikortteli-asunnot", C)],
        "Hinnoittelumalli",
        true,
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
        // Funding of the projects under way or applied for.
        if let (Some(e), true) = (euros, ["funding-applied", "in-progress", "implemented"].contains(at)) {
            let (programme, funder) = [
                (Programme::Erdf, "Pohjois-Pohjanmaan liitto"),
                (Programme::BusinessFinland, "Business Finland"),
                (Programme::Jtf, "Pohjois-Pohjanmaan ELY-keskus"),
                (Programme::HorizonEurope, "Euroopan komissio"),
            ][i % 4];
            let granted = *at != "funding-applied";
            let lead = parts.iter().find(|(_, r)| *r == L).and_then(|(slug, _)| orgs.get(*slug)).map(|o| o.id);
            let applied_on = (created.date_naive() + chrono::Duration::days(5)).to_string();
            funding::ActiveModel {
                record_id: Set(Some(r.id)),
                org_id: Set(lead),
                funder_org_id: Set(None),
                funder_name: Set(funder.into()),
                programme: Set(programme),
                instrument: Set(String::new()),
                applied_euros: Set(e * 6 / 10),
                granted_euros: Set(granted.then_some(e / 2)),
                applied_on: Set(Some(applied_on)),
                decision_on: Set(granted.then(|| (created.date_naive() + chrono::Duration::days(60)).to_string())),
                starts_on: Set(None),
                ends_on: Set(None),
                status: Set(if granted { FundingStatus::Granted } else { FundingStatus::Applied }),
                created_by: Set(orchestrator),
                created_at: Set(created),
                updated_at: Set(created),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    let today = crate::materials::today();
    for (funder, programme, title, days, focus, partners, countries, smes) in CALLS {
        funding_call::ActiveModel {
            funder: Set(funder.to_string()),
            programme: Set(*programme),
            title: Set(title.to_string()),
            description: Set(format!("{title}. Hakuaika päättyy määräaikana; katso ehdot rahoittajan sivulta.")),
            deadline: Set((today + chrono::Duration::days(*days)).to_string()),
            link: Set(match programme {
                Programme::Erdf => "https://www.pohjois-pohjanmaa.fi/",
                Programme::HorizonEurope => "https://ec.europa.eu/info/funding-tenders/",
                Programme::Jtf => "https://www.ely-keskus.fi/",
                _ => "https://www.businessfinland.fi/",
            }
            .into()),
            focus_areas: Set(focus.to_string()),
            org_types: Set(String::new()),
            min_partners: Set(*partners),
            min_countries: Set(*countries),
            min_smes: Set(*smes),
            min_research: Set(0),
            min_municipalities: Set(0),
            published: Set(true),
            // The demo's calls are not announced to anyone.
            announced_at: Set(Some(t)),
            reminded_at: Set(None),
            created_by: Set(orchestrator),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    for (buyer, title, cpv, days, criteria) in PROCUREMENTS {
        procurement::ActiveModel {
            buyer_org_id: Set(orgs.get(*buyer).map(|o| o.id)),
            buyer_name: Set(orgs.get(*buyer).map(|o| o.name.clone()).unwrap_or_else(|| buyer.to_string())),
            title: Set(title.to_string()),
            cpv: Set(cpv.to_string()),
            deadline: Set((today + chrono::Duration::days(*days)).to_string()),
            link: Set("https://www.hankintailmoitukset.fi/".into()),
            circular: Set(!criteria.is_empty()),
            criteria: Set(criteria.to_string()),
            published_on: Set(today.to_string()),
            created_by: Set(orchestrator),
            created_at: Set(t),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(RECORDS.len())
}

/// (funder, programme, title, days to the deadline, focus, partners, countries, SMEs)
type CallData = (&'static str, Programme, &'static str, i64, &'static str, i32, i32, i32);

const CALLS: &[CallData] = &[
    (
        "Business Finland",
        Programme::BusinessFinland,
        "Kiertotalouden veturiyritysten ekosysteemit",
        45,
        "reuse-materials,construction",
        4,
        1,
        2,
    ),
    (
        "Pohjois-Pohjanmaan liitto",
        Programme::Erdf,
        "Vähähiilisyyden ja kiertotalouden kehittämishankkeet",
        20,
        "energy,reuse-materials",
        2,
        1,
        1,
    ),
    (
        "Euroopan komissio",
        Programme::HorizonEurope,
        "Circular solutions for construction materials",
        90,
        "construction",
        5,
        3,
        1,
    ),
    (
        "Pohjois-Pohjanmaan ELY-keskus",
        Programme::Jtf,
        "Oikeudenmukaisen siirtymän investointiavustus",
        60,
        "energy,forest-bio",
        1,
        1,
        0,
    ),
];

/// (buyer, title, CPV, days to the deadline, circular criteria)
const PROCUREMENTS: &[(&str, &str, &str, i64, &str)] = &[
    (
        "oulun-kaupunki",
        "Koulurakennuksen purku ja purkumateriaalien hyödyntäminen",
        "45111100-9",
        30,
        "Purkumateriaalien hyödyntämisaste vähintään 70 %, materiaalikartoitus ennen purkua",
    ),
    (
        "oulun-kaupunki",
        "Toimistokalusteiden hankinta",
        "39130000-2",
        21,
        "Kunnostetut kalusteet sallittu, varaosien saatavuus 10 vuotta",
    ),
    ("iin-kunta", "Katujen kunnossapito 2027–2029", "90610000-6", 40, ""),
    ("raahen-kaupunki", "Ruokapalvelujen elintarvikkeet", "15000000-8", 35, "Hävikin seuranta ja ylijäämäruoan jakelu"),
    ("limingan-kunta", "Tietotekniikkalaitteiden leasing", "30213000-5", 25, ""),
];
