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
    let year = kimppa_app::materials::today().year();
    impact::year(app, &who, year).await?;
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
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        let wall = started.elapsed().as_secs_f64();
        all.sort_by(f64::total_cmp);
        println!(
            "{view:<9} {concurrency} callers, {} answers: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {:.0} answers/s",
            all.len(),
            pct(&all, 0.5),
            pct(&all, 0.95),
            pct(&all, 0.99),
            all.len() as f64 / wall
        );
    }
    Ok(())
}
