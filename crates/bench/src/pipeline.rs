//! The development pipeline at size: generated records (50,000 by default,
//! with two or three participants each) in a fresh database; the board and
//! the table answered for an orchestrator by as many concurrent callers as
//! asked (percentiles of each answer's time, and answers per second), and
//! the duplicate finder over every record (its time on the machine's
//! cores).

use crate::corpus::Rng;
use kimppa_app::{App, pipeline, policy::Principal};
use kimppa_domain::{OrgType, PipelineKind, PipelineRole, PlatformRole, SizeClass};
use kimppa_store::entities::{organisation, pipeline_participant, pipeline_record};
use sea_orm::{EntityTrait, Set};
use std::time::Instant;

const WORDS: [&str; 24] = [
    "purkupuun",
    "liimapuu",
    "biokaasu",
    "tuhkatie",
    "kuonamurske",
    "muovigranulaatti",
    "kuitueriste",
    "kierrätys",
    "materiaalipassi",
    "paluukuorma",
    "rakennusosa",
    "kipsilevy",
    "lietteen",
    "ravinteet",
    "akkujen",
    "biohiili",
    "pilotti",
    "investointi",
    "konsepti",
    "selvitys",
    "laitos",
    "palvelu",
    "alusta",
    "hanke",
];

pub(crate) fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Fills the database with `count` records (and 500 organisations).
async fn generate(app: &App, count: usize, seed: u64) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed);
    let now = kimppa_app::now();
    let orgs: Vec<organisation::ActiveModel> = (0..500)
        .map(|i| organisation::ActiveModel {
            slug: Set(format!("putki-{i}")),
            name: Set(format!("Putki {i} Oy")),
            org_type: Set(OrgType::ALL[i % 4]),
            size_class: Set(SizeClass::Small),
            country: Set("FI".into()),
            business_id: Set(None),
            municipality: Set(String::new()),
            focus_areas: Set(String::new()),
            description_fi: Set(String::new()),
            description_en: Set(String::new()),
            website: Set(None),
            logo_key: Set(None),
            membership_tier: Set(None),
            created_by: Set(None),
            offering_types: Set(String::new()),
            carbon_kg: Set(None),
            carbon_year: Set(None),
            carbon_method: Set(None),
            search_text: Set(format!("putki {i} oy")),
            membership_status: Set(kimppa_domain::MembershipStatus::Approved),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in orgs.chunks(200) {
        organisation::Entity::insert_many(chunk.to_vec()).exec(&app.db).await?;
    }
    let org_ids: Vec<i32> = organisation::Entity::find().all(&app.db).await?.into_iter().map(|o| o.id).collect();
    let stages = pipeline::stages(&app.db).await?;
    let mut made = 0;
    while made < count {
        let n = (count - made).min(1000);
        let rows: Vec<pipeline_record::ActiveModel> = (0..n)
            .map(|k| {
                let i = made + k;
                let title = format!("{} {} {}", WORDS[rng.below(WORDS.len())], WORDS[rng.below(WORDS.len())], i);
                pipeline_record::ActiveModel {
                    search_text: Set(title.to_lowercase()),
                    title: Set(title),
                    kind: Set(PipelineKind::ALL[i % PipelineKind::ALL.len()]),
                    stage_id: Set(stages[rng.below(stages.len())].id),
                    euros: Set(Some((rng.below(2_000) as i64) * 1000)),
                    size_class: Set(String::new()),
                    industry: Set(String::new()),
                    focus_areas: Set("construction".into()),
                    owner_id: Set(None),
                    source: Set(String::new()),
                    people: Set(String::new()),
                    description: Set(String::new()),
                    next_action: Set(String::new()),
                    closed_reason: Set(String::new()),
                    published: Set(false),
                    public_fields: Set(String::new()),
                    merged_into: Set(None),
                    created_by: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now - chrono::Duration::seconds(i as i64)),
                    ..Default::default()
                }
            })
            .collect();
        pipeline_record::Entity::insert_many(rows).exec(&app.db).await?;
        made += n;
    }
    let ids: Vec<i32> = pipeline_record::Entity::find().all(&app.db).await?.into_iter().map(|r| r.id).collect();
    for chunk in ids.chunks(1000) {
        let mut parts = Vec::new();
        for id in chunk {
            let k = 2 + rng.below(2);
            for j in 0..k {
                parts.push(pipeline_participant::ActiveModel {
                    record_id: Set(*id),
                    org_id: Set(org_ids[(rng.below(org_ids.len()) + j) % org_ids.len()]),
                    role: Set(PipelineRole::ALL[j % PipelineRole::ALL.len()]),
                    ..Default::default()
                });
            }
        }
        parts.dedup_by(|a, b| a.record_id == b.record_id && a.org_id == b.org_id && a.role == b.role);
        pipeline_participant::Entity::insert_many(parts).exec(&app.db).await?;
    }
    Ok(())
}

/// An orchestrator who passed the second factor (made once per address).
pub(crate) async fn staff_named(app: &App, address: &str) -> anyhow::Result<Principal> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let known = kimppa_store::entities::user::Entity::find()
        .filter(kimppa_store::entities::user::Column::Email.eq(address))
        .one(&app.db)
        .await?;
    if let Some(u) = known {
        return Ok(Principal::resolve(app, kimppa_domain::UserId(u.id), true).await?);
    }
    let email = kimppa_domain::Email::parse(address).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let hash = kimppa_app::accounts::hash_password("pipeline-bench").await?;
    let u = kimppa_app::accounts::create_verified_user(
        &app.db,
        &email,
        "Orkestroija",
        &hash,
        PlatformRole::Orchestrator,
        Some(&kimppa_app::accounts::totp::new_secret()),
    )
    .await?;
    Ok(Principal::resolve(app, kimppa_domain::UserId(u.id), true).await?)
}

/// Times `requests` answers of one view by `concurrency` callers at once.
async fn load(
    app: &App,
    who: &Principal,
    view: &'static str,
    concurrency: usize,
    requests: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..concurrency {
        let app = app.clone();
        let who = who.clone();
        let n = requests / concurrency + usize::from(c < requests % concurrency);
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(n);
            for i in 0..n {
                let f = pipeline::Filter {
                    sort: Some(["title", "-euros", "-updated"][i % 3].into()),
                    page: Some(1 + (i % 5) as u64),
                    ..Default::default()
                };
                let t = Instant::now();
                match view {
                    "board" => {
                        pipeline::board(&app, &who, &f).await?;
                    }
                    _ => {
                        pipeline::table(&app, &who, &f).await?;
                    }
                }
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, kimppa_app::AppError>(times)
        }));
    }
    print_load(&format!("{view:<6}"), concurrency, tasks, started, "").await
}

/// Collects the callers' answer times and prints their percentiles and
/// the answers per second since `started`.
pub(crate) async fn print_load(
    view: &str,
    concurrency: usize,
    tasks: Vec<tokio::task::JoinHandle<Result<Vec<f64>, kimppa_app::AppError>>>,
    started: Instant,
    note: &str,
) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let wall = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    println!(
        "{view} {concurrency} callers, {} answers: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {:.0} answers/s{note}",
        all.len(),
        pct(&all, 0.5),
        pct(&all, 0.95),
        pct(&all, 0.99),
        all.len() as f64 / wall
    );
    Ok(())
}

pub async fn run(app: &App, count: usize, concurrency: usize, requests: usize, seed: u64) -> anyhow::Result<()> {
    let t = Instant::now();
    generate(app, count, seed).await?;
    println!("pipeline: {count} records generated in {:.1} s", t.elapsed().as_secs_f64());
    let who = staff_named(app, "orkestroija@putki.example.fi").await?;
    // Warm the connections and the database's cache once.
    pipeline::board(app, &who, &pipeline::Filter::default()).await?;
    load(app, &who, "board", concurrency, requests).await?;
    load(app, &who, "table", concurrency, requests).await?;
    let mut times = Vec::new();
    let mut pairs = 0;
    for _ in 0..3 {
        let t = Instant::now();
        pairs = pipeline::duplicates(app, &who).await?.len();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "duplicates over {count} records: median {:.2} s (of 3), {pairs} pairs shown (at most {})",
        times[1],
        pipeline::DUPLICATES
    );
    Ok(())
}
