//! Impact at size: on a generated dataset, the rollup of every indicator
//! (its time), then the orchestrators' dashboard for a year and one
//! indicator's series answered by as many concurrent callers as asked
//! (percentiles of each answer's time, and answers per second).

use crate::pipeline::{pct, staff_named};
use chrono::Datelike;
use kimppa_app::{App, impact};
use std::time::Instant;

pub async fn run(app: &App, concurrency: usize, requests: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let rows = impact::rollup::run(app).await?;
    println!("impact: rollup of every indicator in {:.2} s ({rows} monthly rows)", t.elapsed().as_secs_f64());
    let who = staff_named(app, "orkestroija@vaikutus.example.fi").await?;
    load(app, &who, concurrency, requests, "").await?;
    // The generated records share a few months; a cluster with ten years
    // of records has a row for every indicator and month. The pages read
    // only rows, so these are what they meet then.
    fill_ten_years(app).await?;
    load(app, &who, concurrency, requests, " (every indicator, 120 months)").await
}

async fn fill_ten_years(app: &App) -> anyhow::Result<()> {
    use kimppa_store::entities::indicator_month;
    use sea_orm::{EntityTrait, Set};
    indicator_month::Entity::delete_many().exec(&app.db).await?;
    let year = kimppa_app::materials::today().year();
    let now = kimppa_app::now();
    let mut rows = Vec::new();
    for (i, ind) in impact::INDICATORS.iter().enumerate() {
        for y in year - 9..=year {
            for m in 1..=12 {
                let v = ((i * 7 + m as usize * 3 + y as usize) % 50) as f64;
                rows.push(indicator_month::ActiveModel {
                    indicator: Set(ind.id.into()),
                    month: Set(format!("{y}-{m:02}")),
                    num_all: Set(v),
                    den_all: Set(10.0),
                    num_public: Set(v / 2.0),
                    den_public: Set(10.0),
                    computed_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    let n = rows.len();
    for chunk in rows.chunks(500) {
        indicator_month::Entity::insert_many(chunk.to_vec()).exec(&app.db).await?;
    }
    // As the rollup does: the node forgets what it remembered.
    kimppa_app::changelog::record(&app.db, impact::rollup::ROLLED_UP, &serde_json::json!({})).await?;
    app.pages.invalidate();
    println!("impact: {n} monthly rows (every indicator, ten years)");
    Ok(())
}

async fn load(
    app: &App,
    who: &kimppa_app::policy::Principal,
    concurrency: usize,
    requests: usize,
    note: &str,
) -> anyhow::Result<()> {
    let year = kimppa_app::materials::today().year();
    // Right after a change a node reads the figures afresh: one caller.
    let mut cold = Vec::new();
    for _ in 0..20 {
        app.pages.invalidate();
        let t = Instant::now();
        impact::year(app, who, year).await?;
        cold.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    cold.sort_by(f64::total_cmp);
    println!(
        "dashboard after a change (read afresh), one caller: p50 {:.1} ms, max {:.1} ms{note}",
        pct(&cold, 0.5),
        pct(&cold, 1.0)
    );
    for view in ["dashboard", "series"] {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..concurrency {
            let app = app.clone();
            let who = who.clone();
            let n = requests / concurrency + usize::from(c < requests % concurrency);
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::with_capacity(n);
                let ind = impact::indicators::get("events").expect("the events indicator");
                let months: Vec<impact::Period> = (1..=12).map(|m| impact::Period::Month(year, m)).collect();
                for _ in 0..n {
                    let t = Instant::now();
                    if view == "dashboard" {
                        impact::year(&app, &who, year).await?;
                    } else {
                        impact::series(&app, &who, ind, &months).await?;
                    }
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                Ok::<_, kimppa_app::AppError>(times)
            }));
        }
        crate::pipeline::print_load(&format!("{view:<9}"), concurrency, tasks, started, note).await?;
    }
    Ok(())
}
