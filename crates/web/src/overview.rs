//! `/my`: the signed-in person's organisations — what each has in the
//! platform and what waits for it (see `kimppa_app::overview`).

use crate::{ctx::Ctx, errors::WebError};
use askama::Template;
use axum::response::{IntoResponse, Response};
use kimppa_app::{AppError, overview};

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    p: crate::ctx::Page,
    orgs: Vec<overview::OrgOverview>,
    per_list: usize,
    /// Pipeline records the person's organisations take part in (their
    /// admins read them): id, title, stage, the organisations and roles.
    pipeline: Vec<(i32, String, String, String)>,
    /// Each organisation the person administers: its name, its own funding
    /// (applied, received) and the comparison line.
    funding: Vec<(String, String, String, String)>,
}

pub async fn my(ctx: Ctx) -> Result<Response, WebError> {
    if ctx.principal.user_id().is_none() {
        return Err(WebError(AppError::LoginRequired));
    }
    let orgs = overview::overview(ctx.app(), &ctx.principal).await?;
    let rows = kimppa_app::pipeline::of_my_organisations(ctx.app(), &ctx.principal).await?;
    let p = ctx.page("my-title").await;
    let mut funding = Vec::new();
    for m in ctx.principal.memberships().iter().filter(|m| m.role == kimppa_domain::OrgRole::Admin) {
        let c = kimppa_app::funding::comparison(ctx.app(), &ctx.principal, m.org_id.0).await?;
        let eur = |v: i64| crate::pipeline::euros(&p, Some(v));
        let line = |key: &str, v: Option<(usize, i64, i64)>| match v {
            Some((n, a, g)) => {
                p.t1(key, "name", &format!("{} · {} / {}", p.tn("my-funding-peer-count", n), eur(a), eur(g)))
            }
            None => format!("{}: {}", p.t(&format!("{key}-label")), p.t("my-funding-too-few")),
        };
        let peers = [
            line("my-funding-peers", c.peers),
            line("my-funding-peers-size", c.by_size),
            line("my-funding-peers-focus", c.by_focus),
        ]
        .join(" — ");
        funding.push((m.name.clone(), eur(c.own.applied), eur(c.own.granted), peers));
    }
    let pipeline = rows
        .iter()
        .map(|r| {
            let c = crate::pipeline::card(&p, r, &[]);
            (c.id, c.title, c.stage, c.participants)
        })
        .collect();
    Ok(crate::html(&MyPage { p, orgs, per_list: overview::PER_LIST, pipeline, funding }).into_response())
}
