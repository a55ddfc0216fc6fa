//! Visitor analytics without cookies or third parties.
//!
//! Requests are counted in memory and written in batches, so counting
//! never slows a page. A unique visitor is `sha256(daily salt ‖
//! sha256(address ‖ user agent))`; the salt is random per day, kept in the
//! database only for today and yesterday, so hashes of different days
//! cannot be linked. No address or user agent is ever written anywhere.
//! Requests with `DNT: 1` or `Sec-GPC: 1` are counted as views only.
//! Automated traffic is left out and counted apart by why ([`AUTOMATED`]):
//! requests without a user agent, user agents of known robots and tools
//! (crawlers, HTTP libraries, load generators, headless browsers), and a
//! client's views beyond [`BURST`] a minute.

use crate::{
    App, AppError,
    policy::{self, Action, Principal},
};
use kimppa_store::entities::{analytics_count, analytics_salt, analytics_visitor};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, OnConflict},
};
use sha2::{Digest, Sha256};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

pub const VIEW: &str = "view";
pub const REFERRER: &str = "referrer";
pub const EVENT: &str = "event";
/// A search query (normalised text).
pub const QUERY: &str = "query";
/// A search query that found nothing: the demand signal.
pub const QUERY_ZERO: &str = "query-zero";
/// Requests left out as automated, keyed by why: `no-agent`, `robot`, `burst`.
pub const AUTOMATED: &str = "automated";
/// Views a minute one client may make before the rest of the minute counts as a burst.
pub const BURST: u32 = 60;

/// Parts of user agents of robots and tools, lower-case.
const ROBOTS: [&str; 24] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "curl/",
    "wget",
    "python-",
    "go-http-client",
    "wrk",
    "oha/",
    "headless",
    "lighthouse",
    "axios",
    "httpie",
    "java/",
    "libwww",
    "apache-httpclient",
    "okhttp",
    "node-fetch",
    "postman",
    "scrapy",
    "phantomjs",
    "reqwest",
    "k6/",
];

/// Why a view is left out as automated, if it is.
pub fn automated(user_agent: &str) -> Option<&'static str> {
    let ua = user_agent.trim().to_lowercase();
    if ua.is_empty() {
        return Some("no-agent");
    }
    ROBOTS.iter().any(|r| ua.contains(r)).then_some("robot")
}

#[derive(Default)]
struct Buffer {
    counts: HashMap<(String, &'static str, String), i64>,
    /// (day, unsalted hash); salted before it is written.
    visitors: HashSet<(String, [u8; 32])>,
    /// Views per client in the current minute (the minute, the counts).
    minute: (i64, HashMap<[u8; 32], u32>),
}

/// The in-memory batch of one node.
#[derive(Clone, Default)]
pub struct Analytics {
    buffer: Arc<Mutex<Buffer>>,
}

fn today() -> String {
    crate::now().format("%Y-%m-%d").to_string()
}

/// One page view as seen by the web layer.
pub struct View<'a> {
    pub path: &'a str,
    pub client: &'a str,
    pub user_agent: &'a str,
    pub referrer_host: Option<&'a str>,
    /// `DNT: 1` or `Sec-GPC: 1`: count the view, not the visitor.
    pub do_not_track: bool,
}

impl Analytics {
    fn with<R>(&self, f: impl FnOnce(&mut Buffer) -> R) -> R {
        let mut guard = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    pub fn view(&self, v: View<'_>) {
        let day = today();
        if let Some(why) = automated(v.user_agent) {
            self.with(|b| *b.counts.entry((day, AUTOMATED, why.to_string())).or_default() += 1);
            return;
        }
        let pre: [u8; 32] = Sha256::new()
            .chain_update(v.client.as_bytes())
            .chain_update([0u8])
            .chain_update(v.user_agent.as_bytes())
            .finalize()
            .into();
        let minute = crate::now().timestamp() / 60;
        self.with(|b| {
            if b.minute.0 != minute {
                b.minute = (minute, HashMap::new());
            }
            let n = b.minute.1.entry(pre).or_default();
            *n += 1;
            if *n > BURST {
                *b.counts.entry((day, AUTOMATED, "burst".to_string())).or_default() += 1;
                return;
            }
            *b.counts.entry((day.clone(), VIEW, v.path.chars().take(200).collect())).or_default() += 1;
            if let Some(host) = v.referrer_host {
                *b.counts.entry((day.clone(), REFERRER, host.chars().take(100).collect())).or_default() += 1;
            }
            if !v.do_not_track {
                b.visitors.insert((day, pre));
            }
        });
    }

    /// Counts a search: the normalised text, and again as a zero-result
    /// query when nothing was found. No identity is kept.
    pub fn search(&self, normalised: &str, results: usize) {
        if normalised.is_empty() {
            return;
        }
        let day = today();
        self.with(|b| {
            *b.counts.entry((day.clone(), QUERY, normalised.to_string())).or_default() += 1;
            if results == 0 {
                *b.counts.entry((day, QUERY_ZERO, normalised.to_string())).or_default() += 1;
            }
        });
    }

    /// Counts an event such as `search` or `registration`.
    pub fn event(&self, kind: &str) {
        let day = today();
        self.with(|b| *b.counts.entry((day, EVENT, kind.to_string())).or_default() += 1);
    }

    /// Writes the batch to the database (the burst counts of the current
    /// minute stay in memory).
    pub async fn flush(&self, app: &App) -> Result<(), AppError> {
        let buf = self.with(|b| Buffer {
            counts: std::mem::take(&mut b.counts),
            visitors: std::mem::take(&mut b.visitors),
            minute: b.minute.clone(),
        });
        if buf.counts.is_empty() && buf.visitors.is_empty() {
            return Ok(());
        }
        for ((day, kind, key), n) in buf.counts {
            analytics_count::Entity::insert(analytics_count::ActiveModel {
                day: Set(day),
                kind: Set(kind.into()),
                key: Set(key),
                count: Set(n),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    analytics_count::Column::Day,
                    analytics_count::Column::Kind,
                    analytics_count::Column::Key,
                ])
                .value(analytics_count::Column::Count, Expr::cust("analytics_counts.count + excluded.count"))
                .to_owned(),
            )
            .exec(&app.db)
            .await?;
        }
        let mut salts: HashMap<String, String> = HashMap::new();
        for (day, pre) in buf.visitors {
            if !salts.contains_key(&day) {
                salts.insert(day.clone(), salt_for(&app.db, &day).await?);
            }
            let hash = hex::encode(Sha256::new().chain_update(salts[&day].as_bytes()).chain_update(pre).finalize());
            analytics_visitor::Entity::insert(analytics_visitor::ActiveModel {
                day: Set(day),
                hash: Set(hash),
                ..Default::default()
            })
            .on_conflict_do_nothing_on([analytics_visitor::Column::Day, analytics_visitor::Column::Hash])
            .exec(&app.db)
            .await?;
        }
        // Yesterday's salt is kept for requests counted around midnight;
        // older ones are forgotten, so old hashes cannot be recomputed.
        let keep_from = (crate::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        analytics_salt::Entity::delete_many().filter(analytics_salt::Column::Day.lt(keep_from)).exec(&app.db).await?;
        Ok(())
    }
}

async fn salt_for<C: ConnectionTrait>(db: &C, day: &str) -> Result<String, AppError> {
    analytics_salt::Entity::insert(analytics_salt::ActiveModel {
        day: Set(day.into()),
        salt: Set(crate::tokens::new_token()),
    })
    .on_conflict_do_nothing_on([analytics_salt::Column::Day])
    .exec(db)
    .await?;
    Ok(analytics_salt::Entity::find_by_id(day.to_string()).one(db).await?.map(|s| s.salt).unwrap_or_default())
}

/// Figures for the orchestrators' analytics page.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// (day, views, unique visitors), oldest first.
    pub days: Vec<(String, i64, i64)>,
    pub top_paths: Vec<(String, i64)>,
    pub referrers: Vec<(String, i64)>,
    pub events: Vec<(String, i64)>,
    /// Most frequent search queries, and those that found nothing.
    pub top_queries: Vec<(String, i64)>,
    pub zero_queries: Vec<(String, i64)>,
    /// Requests left out as automated, by why (`no-agent`, `robot`, `burst`).
    pub automated: Vec<(String, i64)>,
}

/// The last `days` days. A fixed number of queries.
pub async fn report(app: &App, actor: &Principal, days: i64) -> Result<Report, AppError> {
    policy::require(actor, Action::ViewAnalytics)?;
    let from = (crate::now() - chrono::Duration::days(days - 1)).format("%Y-%m-%d").to_string();
    let rows = analytics_count::Entity::find()
        .filter(analytics_count::Column::Day.gte(&from))
        .order_by_asc(analytics_count::Column::Day)
        .all(&app.db)
        .await?;
    let visitors =
        analytics_visitor::Entity::find().filter(analytics_visitor::Column::Day.gte(&from)).all(&app.db).await?;
    let mut r = Report::default();
    let mut day_list: Vec<String> = (0..days)
        .map(|i| (crate::now() - chrono::Duration::days(days - 1 - i)).format("%Y-%m-%d").to_string())
        .collect();
    day_list.dedup();
    for d in day_list {
        let views = rows.iter().filter(|c| c.day == d && c.kind == VIEW).map(|c| c.count).sum();
        let uniques = visitors.iter().filter(|v| v.day == d).count() as i64;
        r.days.push((d, views, uniques));
    }
    let sum_by = |kind: &str| {
        let mut m: HashMap<String, i64> = HashMap::new();
        for c in rows.iter().filter(|c| c.kind == kind) {
            *m.entry(c.key.clone()).or_default() += c.count;
        }
        let mut v: Vec<(String, i64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(20);
        v
    };
    r.top_paths = sum_by(VIEW);
    r.referrers = sum_by(REFERRER);
    r.events = sum_by(EVENT);
    r.top_queries = sum_by(QUERY);
    r.zero_queries = sum_by(QUERY_ZERO);
    r.automated = sum_by(AUTOMATED);
    Ok(r)
}

/// Total unique visitors stored (tests, KPIs).
pub async fn visitor_rows(app: &App) -> Result<u64, AppError> {
    Ok(analytics_visitor::Entity::find().count(&app.db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn do_not_track_counts_the_view_but_not_the_visitor() {
        let a = Analytics::default();
        let v = |dnt| View {
            path: "/fi/",
            client: "10.0.0.1",
            user_agent: "UA",
            referrer_host: Some("example.org"),
            do_not_track: dnt,
        };
        a.view(v(false));
        a.view(v(false));
        a.view(v(true));
        a.event("search");
        a.with(|b| {
            assert_eq!(b.counts[&(today(), VIEW, "/fi/".to_string())], 3);
            assert_eq!(b.counts[&(today(), REFERRER, "example.org".to_string())], 3);
            assert_eq!(b.visitors.len(), 1, "the same visitor once; DNT not counted");
        });
    }

    #[test]
    fn automated_traffic_is_left_out_and_counted_apart() {
        let a = Analytics::default();
        let v = |ua: &'static str, client: &'static str| View {
            path: "/fi/",
            client,
            user_agent: ua,
            referrer_host: None,
            do_not_track: false,
        };
        a.view(v("", "10.0.0.1"));
        a.view(v("Googlebot/2.1 (+http://www.google.com/bot.html)", "10.0.0.2"));
        a.view(v("wrk", "10.0.0.3"));
        a.view(v("Mozilla/5.0 HeadlessChrome/120.0", "10.0.0.4"));
        let browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";
        for _ in 0..(BURST + 40) {
            a.view(v(browser, "10.0.0.5"));
        }
        a.view(v(browser, "10.0.0.6"));
        a.with(|b| {
            assert_eq!(b.counts[&(today(), AUTOMATED, "no-agent".to_string())], 1);
            assert_eq!(b.counts[&(today(), AUTOMATED, "robot".to_string())], 3);
            assert_eq!(b.counts[&(today(), AUTOMATED, "burst".to_string())], 40, "views beyond the burst limit");
            assert_eq!(b.counts[&(today(), VIEW, "/fi/".to_string())], BURST as i64 + 1, "people's views");
            assert_eq!(b.visitors.len(), 2, "two people");
        });
    }
}
