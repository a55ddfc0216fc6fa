//! `kimppa-bench`: fills a database with a large, seeded dataset, and
//! compares the search index with SQLite FTS5 and PostgreSQL full-text
//! search on the same documents and a judged Finnish query set; measures
//! the materials marketplace's matching on generated listings and the
//! meeting scheduler on a generated matchmaking day.

mod corpus;
mod impact;
mod meetings;
mod pipeline;
mod sidestreams;

use anyhow::Context;
use clap::{Parser, Subcommand};
use corpus::{JUDGED, Rng};
use kimppa_app::{App, config::Config};
use kimppa_domain::{
    ContentStatus, MembershipStatus, MembershipTier, PlatformRole, PriceKind, ServiceStatus, SizeClass,
};
use kimppa_store::entities::{
    expert, faq_item, forum_category, forum_participant, forum_post, forum_thread, glossary_term, news, organisation,
    page, page_revision, service, user,
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "kimppa-bench", about = "Kimppa's benchmark harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty database (migrated first) with the generated dataset.
    Generate {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// large: 10,000 organisations, 50,000 services, 20,000 experts,
        /// 2,000 pages/news/terms/answers; small: a hundredth of that.
        #[arg(long, default_value = "large")]
        scale: String,
    },
    /// Search latency and precision@10 on the judged queries: the tantivy
    /// index against the database's own full-text search.
    Search {
        #[arg(long)]
        database_url: String,
        /// Folder for the index built for the comparison.
        #[arg(long, default_value = "bench-search-index")]
        index: String,
        /// Timed repetitions of each query.
        #[arg(long, default_value_t = 30)]
        repeat: usize,
    },
    /// The hand-judged set (`crates/bench/data/search-judged.json`) loaded
    /// into a new database through the product's import and forms: hit@10,
    /// MRR and precision at 10 of the product's search and of the
    /// database's full-text search on the same documents (SQLite FTS5 with
    /// the words and with each word cut to its first five letters, or
    /// PostgreSQL's `finnish` configuration).
    Judged {
        /// A SQLite file (replaced) or a PostgreSQL server, where a database
        /// `kimppa_bench_judged` is made anew.
        #[arg(long)]
        database_url: String,
    },
    /// The materials marketplace's matching on generated listings: a new
    /// listing's matches against all counter-listings (percentiles), a full
    /// re-match, and the naive all-pairs baseline on a sample.
    Sidestreams {
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Offers, and as many wants.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// New listings timed one by one.
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        /// Offers ranked by scoring every want, for the baseline.
        #[arg(long, default_value_t = 500)]
        sample: usize,
    },
    /// The meeting scheduler of a matchmaking day on a generated event: the
    /// scheduler against the input-order baseline (times over the repeats,
    /// meetings placed against the upper bound, idle gaps).
    Meetings {
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, default_value_t = 1_000)]
        participants: u32,
        /// Accepted meeting requests (distinct pairs).
        #[arg(long, default_value_t = 5_000)]
        requests: usize,
        /// Usable slots of the day, in four sessions.
        #[arg(long, default_value_t = 24)]
        slots: u32,
        #[arg(long, default_value_t = 80)]
        tables: u32,
        /// Meetings per person at most; 0 for no cap.
        #[arg(long, default_value_t = 12)]
        cap: u32,
        /// Timed runs of each scheduler.
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
    /// The materials marketplace's matching job in the running system: the
    /// time to match listings of the generated dataset from the database.
    MatchingJobs {
        #[arg(long)]
        database_url: String,
        /// Offers matched one after the other.
        #[arg(long, default_value_t = 50)]
        count: usize,
    },
    /// Make sure the dataset has a member who can sign in: a verified
    /// person with the password given, in an approved organisation (for the
    /// signed-in load runs). Prints the email address.
    Member {
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        password: String,
    },
    /// The development pipeline at size: generated records in a fresh
    /// database (the SQLite file replaced, or a PostgreSQL database
    /// `kimppa_bench_judged` made anew); the board and the table answered
    /// by concurrent callers (percentiles), and the duplicate finder.
    Pipeline {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 50_000)]
        count: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Answers of each view timed in all.
        #[arg(long, default_value_t = 800)]
        requests: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Impact on an existing dataset (e.g. the large one): the rollup of
    /// every indicator, then the dashboard of this year and one indicator's
    /// months answered by concurrent callers (percentiles).
    Impact {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        #[arg(long, default_value_t = 800)]
        requests: usize,
    },
    /// Print URLs for the load test (one per line) from the database.
    Urls {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate { database_url, seed, scale } => generate(&database_url, seed, &scale).await,
        Command::Search { database_url, index, repeat } => compare(&database_url, &index, repeat).await,
        Command::Urls { database_url, seed } => urls(&database_url, seed).await,
        Command::Member { database_url, password } => member(&database_url, &password).await,
        Command::Judged { database_url } => judged(&database_url).await,
        Command::MatchingJobs { database_url, count } => {
            let app = App::start(config(&database_url, "memory")).await?;
            sidestreams::jobs(&app, count).await
        }
        Command::Pipeline { database_url, count, concurrency, requests, seed } => {
            let app = App::start(config(&fresh_database(&database_url).await?, "memory")).await?;
            pipeline::run(&app, count, concurrency, requests, seed).await
        }
        Command::Impact { database_url, concurrency, requests } => {
            let app = App::start(config(&database_url, "memory")).await?;
            impact::run(&app, concurrency, requests).await
        }
        Command::Meetings { seed, participants, requests, slots, tables, cap, repeat } => {
            meetings::run(seed, participants, requests, slots, tables, cap, repeat);
            Ok(())
        }
        Command::Sidestreams { seed, count, queries, sample } => {
            sidestreams::run(seed, count, queries, sample);
            Ok(())
        }
    }
}

fn config(database_url: &str, search_path: &str) -> Config {
    Config {
        database_url: database_url.into(),
        demo_on_empty: false,
        search_path: search_path.into(),
        files: kimppa_app::config::FilesConfig::memory(),
        ..Config::default()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Two or three sentences in each language about two common concepts.
fn text(rng: &mut Rng) -> (String, String, String) {
    let common = corpus::common();
    let a = *rng.pick(&common);
    let b = *rng.pick(&common);
    let mut fi = vec![];
    for _ in 0..2 + rng.below(2) {
        let s = rng.pick(corpus::SENTENCES_FI);
        let (fa, fb) = (*rng.pick(a.fi), *rng.pick(b.fi));
        fi.push(s.replace("{a}", fa).replace("{b}", fb));
    }
    let en = rng.pick(corpus::SENTENCES_EN).replace("{a}", a.en).replace("{b}", b.en);
    (fi.join(" "), en, a.fi[0].to_string())
}

async fn generate(database_url: &str, seed: u64, scale: &str) -> anyhow::Result<()> {
    let div = if scale == "small" { 100 } else { 1 };
    let (n_orgs, n_services, n_experts, n_content) = (10_000 / div, 50_000 / div, 20_000 / div, 2_000 / div);
    let app = App::start(config(database_url, "memory")).await?;
    if organisation::Entity::find().one(&app.db).await?.is_some() {
        // A dataset from before the forum or the materials marketplace
        // existed gets the missing part.
        let mut added = false;
        if forum_thread::Entity::find().one(&app.db).await?.is_none() {
            generate_forum(&app, &mut Rng::new(seed ^ 0xF0), div).await?;
            kimppa_app::search::touch_all(&app.db, "thread").await?;
            added = true;
        }
        if kimppa_store::entities::listing::Entity::find().one(&app.db).await?.is_none() {
            sidestreams::generate(&app, seed, 100_000 / div).await?;
            added = true;
        }
        if !added {
            println!("the dataset is already generated");
        }
        return Ok(());
    }
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let now = kimppa_app::now();
    let focus = [
        "construction",
        "food-bio",
        "reuse-materials",
        "digital",
        "energy",
        "water",
        "textiles",
        "plastics",
        "metals-mining",
        "forest-bio",
    ];
    let offering = [
        "circular-supplies",
        "resource-recovery",
        "life-extension",
        "product-as-service",
        "sharing-platform",
        "consulting",
        "testing-piloting",
        "logistics",
        "digital",
        "financing",
        "research-education",
    ];
    let types = ["sme", "sme", "sme", "anchor", "customer", "municipality", "research", "funder", "network"];
    let regions = ["pohjois-pohjanmaa", "kainuu", "lappi", "keski-pohjanmaa", "whole-finland", "international"];

    // Organisations.
    let mut rows = vec![];
    for i in 0..n_orgs {
        let name = format!("{}{} {} Oy", rng.pick(corpus::NAME_PARTS), rng.pick(corpus::NAME_ENDS), i + 1);
        let (fi, en, _) = text(&mut rng);
        let municipality = rng.pick(corpus::MUNICIPALITIES).to_string();
        rows.push(organisation::ActiveModel {
            slug: sea_orm::Set(format!("yritys-{}", i + 1)),
            search_text: sea_orm::Set(kimppa_app::directory::search_text(&[&name, &municipality, &fi, &en])),
            name: sea_orm::Set(name),
            business_id: sea_orm::Set(None),
            country: sea_orm::Set("FI".into()),
            org_type: sea_orm::Set(kimppa_domain::OrgType::parse(rng.pick::<&str>(&types))?),
            size_class: sea_orm::Set(SizeClass::Small),
            municipality: sea_orm::Set(municipality),
            focus_areas: sea_orm::Set(format!("{},{}", rng.pick(&focus), rng.pick(&focus))),
            offering_types: sea_orm::Set(rng.pick(&offering).to_string()),
            description_fi: sea_orm::Set(fi),
            description_en: sea_orm::Set(en),
            membership_status: sea_orm::Set(MembershipStatus::Approved),
            membership_tier: sea_orm::Set(Some(MembershipTier::Member)),
            created_at: sea_orm::Set(now - chrono::Duration::minutes(i as i64)),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        });
    }
    insert_all(&app, rows).await?;
    eprintln!("organisations: {n_orgs} ({:.1} s)", started.elapsed().as_secs_f64());
    let first_org: i32 = organisation::Entity::find().one(&app.db).await?.map(|o| o.id).unwrap_or(1);

    // Needles: each rare concept in a few services, in varying forms.
    let mut planted: std::collections::HashMap<usize, Vec<&str>> = std::collections::HashMap::new();
    for key in corpus::NEEDLES {
        let c = corpus::concept(key).context("needle")?;
        for _ in 0..corpus::NEEDLE_DOCS {
            planted.entry(rng.below(n_services)).or_default().push(*rng.pick(c.fi));
        }
    }
    let common = corpus::common();

    // Services.
    let mut rows = vec![];
    for i in 0..n_services {
        let c = *rng.pick(&common);
        let (word_fi, word_en) = rng.pick(corpus::SERVICE_WORDS);
        let form = *rng.pick(c.fi);
        let title_fi = format!("{} {}", capitalise(form), word_fi);
        let title_en = format!("{} {}", capitalise(c.en), word_en);
        let (fi, en, _) = text(&mut rng);
        let extra = *rng.pick(c.fi);
        let mut fi = format!("{fi} {extra}");
        for needle in planted.get(&i).into_iter().flatten() {
            fi.push_str(&format!(" Erikoisosaamistamme on {needle}."));
        }
        rows.push(service::ActiveModel {
            slug: sea_orm::Set(format!("palvelu-{}", i + 1)),
            owner_org_id: sea_orm::Set(first_org + rng.below(n_orgs) as i32),
            status: sea_orm::Set(ServiceStatus::Published),
            search_text: sea_orm::Set(kimppa_app::directory::search_text(&[&title_fi, &title_en, &fi, &en])),
            title_fi: sea_orm::Set(title_fi),
            title_en: sea_orm::Set(title_en),
            description_fi: sea_orm::Set(fi),
            description_en: sea_orm::Set(en),
            offering_type: sea_orm::Set(kimppa_domain::OfferingType::parse(rng.pick::<&str>(&offering))?),
            focus_areas: sea_orm::Set(rng.pick(&focus).to_string()),
            regions: sea_orm::Set(format!("{},{}", rng.pick(&regions), rng.pick(&regions))),
            languages: sea_orm::Set(if rng.below(3) == 0 { "fi,en".into() } else { "fi".into() }),
            price_kind: sea_orm::Set(PriceKind::Quote),
            price_note_fi: sea_orm::Set(String::new()),
            price_note_en: sea_orm::Set(String::new()),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            published_at: sea_orm::Set(Some(now - chrono::Duration::minutes(i as i64))),
            ..Default::default()
        });
    }
    insert_all(&app, rows).await?;
    eprintln!("services: {n_services} ({:.1} s)", started.elapsed().as_secs_f64());

    // Experts (people first).
    let mut people = vec![];
    for i in 0..n_experts {
        let name = format!("{} {}", rng.pick(corpus::FIRST_NAMES), rng.pick(corpus::LAST_NAMES));
        people.push(user::ActiveModel {
            email: sea_orm::Set(format!("asiantuntija{}@bench.example.fi", i + 1)),
            name: sea_orm::Set(name),
            title: sea_orm::Set(Some("Asiantuntija".into())),
            password_hash: sea_orm::Set("!".into()),
            platform_role: sea_orm::Set(PlatformRole::Person),
            locale: sea_orm::Set("fi".into()),
            created_at: sea_orm::Set(now),
            ..Default::default()
        });
    }
    insert_all(&app, people).await?;
    let first_user: i32 = user::Entity::find().one(&app.db).await?.map(|u| u.id).unwrap_or(1);
    let mut rows = vec![];
    for i in 0..n_experts {
        let a = *rng.pick(&common);
        let b = *rng.pick(&common);
        let (fi, en, _) = text(&mut rng);
        let tags = format!("{},{}", a.key, b.key);
        rows.push(expert::ActiveModel {
            user_id: sea_orm::Set(first_user + i as i32),
            org_id: sea_orm::Set(first_org + rng.below(n_orgs) as i32),
            listed: sea_orm::Set(true),
            search_text: sea_orm::Set(kimppa_app::directory::search_text(&[&tags, &fi, &en])),
            tags: sea_orm::Set(tags),
            languages: sea_orm::Set("fi,en".into()),
            focus_areas: sea_orm::Set(rng.pick(&focus).to_string()),
            bio_fi: sea_orm::Set(fi),
            bio_en: sea_orm::Set(en),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        });
    }
    insert_all(&app, rows).await?;
    eprintln!("experts: {n_experts} ({:.1} s)", started.elapsed().as_secs_f64());

    // Pages, news, terms and answers: a quarter each.
    let quarter = n_content / 4;
    let tx = app.db.begin().await?;
    for i in 0..quarter {
        let (fi, en, word) = text(&mut rng);
        let p = page::Entity::insert(page::ActiveModel {
            slug: sea_orm::Set(format!("sivu-{}", i + 1)),
            status: sea_orm::Set(ContentStatus::Published),
            in_nav: sea_orm::Set(false),
            nav_order: sea_orm::Set(0),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        })
        .exec(&tx)
        .await?;
        page_revision::Entity::insert(page_revision::ActiveModel {
            page_id: sea_orm::Set(p.last_insert_id),
            title_fi: sea_orm::Set(format!("Opas: {}", word)),
            title_en: sea_orm::Set(format!("Guide {}", i + 1)),
            summary_fi: sea_orm::Set(String::new()),
            summary_en: sea_orm::Set(String::new()),
            body_fi: sea_orm::Set(fi),
            body_en: sea_orm::Set(en),
            author_id: sea_orm::Set(None),
            note: sea_orm::Set(None),
            created_at: sea_orm::Set(now),
            ..Default::default()
        })
        .exec(&tx)
        .await?;
    }
    tx.commit().await?;
    let mut news_rows = vec![];
    let mut term_rows = vec![];
    let mut faq_rows = vec![];
    for i in 0..quarter {
        let (fi, en, word) = text(&mut rng);
        news_rows.push(news::ActiveModel {
            slug: sea_orm::Set(format!("uutinen-{}", i + 1)),
            status: sea_orm::Set(ContentStatus::Published),
            title_fi: sea_orm::Set(format!("Uutta: {}", word)),
            title_en: sea_orm::Set(format!("News {}", i + 1)),
            summary_fi: sea_orm::Set(fi.clone()),
            summary_en: sea_orm::Set(en.clone()),
            body_fi: sea_orm::Set(fi),
            body_en: sea_orm::Set(en),
            tags: sea_orm::Set(String::new()),
            image_key: sea_orm::Set(None),
            image_alt_fi: sea_orm::Set(String::new()),
            image_alt_en: sea_orm::Set(String::new()),
            published_at: sea_orm::Set(now - chrono::Duration::hours(i as i64)),
            author_id: sea_orm::Set(None),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        });
        let (fi, en, word) = text(&mut rng);
        term_rows.push(glossary_term::ActiveModel {
            slug: sea_orm::Set(format!("termi-{}", i + 1)),
            term_fi: sea_orm::Set(format!("{word} {}", i + 1)),
            term_en: sea_orm::Set(format!("term {}", i + 1)),
            definition_fi: sea_orm::Set(fi),
            definition_en: sea_orm::Set(en),
            related: sea_orm::Set(String::new()),
            source: sea_orm::Set(String::new()),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        });
        let (fi, en, word) = text(&mut rng);
        faq_rows.push(faq_item::ActiveModel {
            topic: sea_orm::Set("platform".into()),
            status: sea_orm::Set(ContentStatus::Published),
            question_fi: sea_orm::Set(format!("Miten {word} hoidetaan?")),
            question_en: sea_orm::Set(format!("Question {}", i + 1)),
            answer_fi: sea_orm::Set(fi),
            answer_en: sea_orm::Set(en),
            sort: sea_orm::Set(i as i32),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            ..Default::default()
        });
    }
    insert_all(&app, news_rows).await?;
    insert_all(&app, term_rows).await?;
    insert_all(&app, faq_rows).await?;
    generate_forum(&app, &mut rng, div).await?;
    sidestreams::generate(&app, seed, 100_000 / div).await?;
    // The index of a running node picks the new rows up from here.
    for kind in kimppa_app::search::documents::kinds(&app) {
        kimppa_app::search::touch_all(&app.db, kind).await?;
    }
    println!(
        "generated {n_orgs} organisations, {n_services} services, {n_experts} experts, {} pages/news/terms/answers in {:.1} s",
        quarter * 4,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The forum: 6 areas, 20,000 threads (one in twenty closed, with an
/// invited person) and 200,000 replies by the generated people; one thread
/// has 500 replies (the long thread of the load mix).
async fn generate_forum(app: &App, rng: &mut Rng, div: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let (n_threads, n_replies) = (20_000 / div, 200_000 / div);
    let now = kimppa_app::now();
    let people: Vec<i32> =
        user::Entity::find().select_only().column(user::Column::Id).into_tuple().all(&app.db).await?;
    anyhow::ensure!(!people.is_empty(), "no people to write the forum");
    let areas = [
        ("materiaalit", "Materiaalit ja sivuvirrat", "Materials and side streams"),
        ("saantely", "Sääntely ja luvat", "Regulation and permits"),
        ("rahoitus", "Rahoitus ja hankkeet", "Funding and projects"),
        ("rakentaminen", "Rakentaminen ja purku", "Construction and demolition"),
        ("tutkimus", "Tutkimus ja pilotointi", "Research and piloting"),
        ("klusteri", "Klusterin yhteiset asiat", "The cluster's own matters"),
    ];
    let mut area_ids = vec![];
    for (i, (slug, fi, en)) in areas.iter().enumerate() {
        let c = forum_category::ActiveModel {
            slug: sea_orm::Set(slug.to_string()),
            name_fi: sea_orm::Set(fi.to_string()),
            name_en: sea_orm::Set(en.to_string()),
            description_fi: sea_orm::Set(String::new()),
            description_en: sea_orm::Set(String::new()),
            position: sea_orm::Set(i as i32),
            created_at: sea_orm::Set(now),
            ..Default::default()
        };
        area_ids.push(forum_category::Entity::insert(c).exec(&app.db).await?.last_insert_id);
    }
    // Reply counts: 500 for the first thread, the rest spread at random.
    let mut counts = vec![0usize; n_threads];
    counts[0] = 500.min(n_replies);
    for _ in counts[0]..n_replies {
        counts[rng.below(n_threads)] += 1;
    }
    let mut threads = vec![];
    for (i, &replies) in counts.iter().enumerate() {
        let (fi, _, word) = text(rng);
        let at = now - chrono::Duration::minutes((n_threads - i) as i64 * 7);
        threads.push(forum_thread::ActiveModel {
            category_id: sea_orm::Set(*rng.pick(&area_ids)),
            author_id: sea_orm::Set(*rng.pick(&people)),
            title: sea_orm::Set(format!("{} – kokemuksia? ({})", capitalise(&word), i + 1)),
            body: sea_orm::Set(fi),
            closed: sea_orm::Set(i > 0 && i.is_multiple_of(20)),
            locked: sea_orm::Set(false),
            pinned: sea_orm::Set(false),
            reply_count: sea_orm::Set(replies as i32),
            last_post_at: sea_orm::Set(at + chrono::Duration::minutes(replies as i64)),
            created_at: sea_orm::Set(at),
            updated_at: sea_orm::Set(at),
            ..Default::default()
        });
    }
    insert_all(app, threads).await?;
    let first_thread: i32 = forum_thread::Entity::find()
        .select_only()
        .column(forum_thread::Column::Id)
        .order_by_asc(forum_thread::Column::Id)
        .into_tuple()
        .one(&app.db)
        .await?
        .unwrap_or(1);
    let mut participants = vec![];
    for i in (20..n_threads).step_by(20) {
        participants.push(forum_participant::ActiveModel {
            thread_id: sea_orm::Set(first_thread + i as i32),
            user_id: sea_orm::Set(Some(*rng.pick(&people))),
            org_id: sea_orm::Set(None),
            invited_by: sea_orm::Set(people[0]),
            created_at: sea_orm::Set(now),
            ..Default::default()
        });
    }
    insert_all(app, participants).await?;
    let mut posts = vec![];
    for (i, &replies) in counts.iter().enumerate() {
        for r in 0..replies {
            let (fi, _, _) = text(rng);
            let at = now - chrono::Duration::minutes((n_threads - i) as i64 * 7) + chrono::Duration::minutes(r as i64);
            posts.push(forum_post::ActiveModel {
                thread_id: sea_orm::Set(first_thread + i as i32),
                author_id: sea_orm::Set(*rng.pick(&people)),
                body: sea_orm::Set(fi),
                created_at: sea_orm::Set(at),
                updated_at: sea_orm::Set(at),
                ..Default::default()
            });
        }
        if posts.len() >= 20_000 {
            insert_all(app, std::mem::take(&mut posts)).await?;
        }
    }
    insert_all(app, posts).await?;
    eprintln!("forum: {n_threads} threads, {n_replies} replies ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// Inserts rows in chunks of 500, in one transaction.
async fn insert_all<A>(app: &App, rows: Vec<A>) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    let tx = app.db.begin().await?;
    for chunk in rows.chunks(500) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec()).exec_without_returning(&tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Percentile of sorted microseconds.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Engine {
    name: &'static str,
    latencies_us: Vec<f64>,
    precision: Vec<f64>,
}

impl Engine {
    fn report(&mut self) -> (f64, f64, f64) {
        self.latencies_us.sort_by(|a, b| a.total_cmp(b));
        let p10 = self.precision.iter().sum::<f64>() / self.precision.len().max(1) as f64;
        (pct(&self.latencies_us, 0.5) / 1000.0, pct(&self.latencies_us, 0.99) / 1000.0, p10)
    }
}

async fn compare(database_url: &str, index: &str, repeat: usize) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(index);
    let app = App::start(config(database_url, index)).await?;
    let t = Instant::now();
    let docs = kimppa_app::search::sync::rebuild(&app, |_, _| {}).await?;
    eprintln!("tantivy index: {docs} documents in {:.1} s", t.elapsed().as_secs_f64());
    // The same documents for the database's full-text search.
    let mut all = vec![];
    for kind in kimppa_app::search::documents::kinds(&app) {
        all.extend(kimppa_app::search::documents::load(&app, kind, &kimppa_app::search::documents::Which::All).await?);
    }
    let text_of: std::collections::HashMap<String, String> = all
        .iter()
        .map(|d| (d.key.clone(), format!("{} {} {} {}", d.title_fi, d.body_fi, d.title_en, d.body_en).to_lowercase()))
        .collect();
    let backend = app.db.get_database_backend();
    let t = Instant::now();
    build_fts(&app, backend, &all).await?;
    eprintln!("{} full-text index: {:.1} s", backend_name(backend), t.elapsed().as_secs_f64());

    let mut tantivy = Engine { name: "tantivy (kimppa-search)", latencies_us: vec![], precision: vec![] };
    let mut fts = Engine { name: backend_name(backend), latencies_us: vec![], precision: vec![] };
    let mut page = Engine { name: "tantivy, whole result page", latencies_us: vec![], precision: vec![] };
    println!("\nquery                      | relevant | tantivy P@10 | {} P@10", backend_name(backend));
    for j in JUDGED {
        let total_relevant = text_of.values().filter(|t| corpus::relevant(t, j)).count();
        let q = kimppa_search::SearchQuery {
            text: j.query.into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 10,
            ..Default::default()
        };
        // The same answer as the database queries give: the first ten keys.
        let mut keys = vec![];
        for _ in 0..repeat {
            let t = Instant::now();
            let r = app.search.keys(&q).map_err(|e| anyhow::anyhow!("{e}"))?;
            tantivy.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
            keys = r.into_iter().map(|(k, _)| k).collect();
        }
        let p_t = precision(&keys, &text_of, j, total_relevant);
        tantivy.precision.push(p_t);
        // What the search page shows: total, five facet dimensions and a
        // highlighted snippet per hit, besides the ranking.
        for _ in 0..repeat {
            let t = Instant::now();
            let r = app.search.search(&q).map_err(|e| anyhow::anyhow!("{e}"))?;
            page.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
            page.precision.push(precision(
                &r.hits.into_iter().map(|h| h.key).collect::<Vec<_>>(),
                &text_of,
                j,
                total_relevant,
            ));
        }
        let mut keys = vec![];
        for _ in 0..repeat {
            let t = Instant::now();
            keys = fts_query(&app, backend, j.query).await?;
            fts.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        let p_f = precision(&keys, &text_of, j, total_relevant);
        fts.precision.push(p_f);
        println!("{:<26} | {:>8} | {:>12.2} | {:>8.2}", j.query, total_relevant, p_t, p_f);
    }
    println!("\nengine                     | p50 ms | p99 ms | mean P@10");
    let (t50, t99, tp) = tantivy.report();
    let (f50, f99, fp) = fts.report();
    let (w50, w99, _) = page.report();
    println!("{:<26} | {t50:>6.3} | {t99:>6.3} | {tp:.2}", tantivy.name);
    println!("{:<26} | {f50:>6.3} | {f99:>6.3} | {fp:.2}", fts.name);
    println!("speed-up at p50 (first ten keys, both): {:.1}x", f50 / t50.max(1e-9));
    println!("{:<26} | {w50:>6.3} | {w99:>6.3} | (with total, facets, snippets)", page.name);

    // Latency only: the common words of the corpus, each in an inflected
    // form, which match thousands of documents (what most people type).
    let mut tantivy = Engine { name: "tantivy (kimppa-search)", latencies_us: vec![], precision: vec![] };
    let mut fts = Engine { name: backend_name(backend), latencies_us: vec![], precision: vec![] };
    for key in corpus::COMMON {
        let c = corpus::concept(key).context("common concept")?;
        let text = c.fi.get(2).or(c.fi.first()).copied().unwrap_or(key);
        let q = kimppa_search::SearchQuery {
            text: text.into(),
            lang: "fi".into(),
            visibility: vec!["public".into()],
            limit: 10,
            ..Default::default()
        };
        for _ in 0..repeat {
            let t = Instant::now();
            app.search.keys(&q).map_err(|e| anyhow::anyhow!("{e}"))?;
            tantivy.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
            let t = Instant::now();
            fts_query(&app, backend, text).await?;
            fts.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    println!("\ncommon words ({} queries, first ten keys) | p50 ms | p99 ms", corpus::COMMON.len());
    let (t50, t99, _) = tantivy.report();
    let (f50, f99, _) = fts.report();
    println!("{:<26} | {t50:>6.3} | {t99:>6.3}", tantivy.name);
    println!("{:<26} | {f50:>6.3} | {f99:>6.3}", fts.name);
    println!("speed-up at p50 (common words): {:.1}x", f50 / t50.max(1e-9));
    Ok(())
}

/// Precision at 10, out of the relevant documents that exist (a query with
/// three relevant documents scores 1.0 when it returns those three).
fn precision(
    keys: &[String],
    text_of: &std::collections::HashMap<String, String>,
    j: &corpus::Judged,
    total_relevant: usize,
) -> f64 {
    let good = keys.iter().take(10).filter(|k| text_of.get(*k).is_some_and(|t| corpus::relevant(t, j))).count();
    good as f64 / total_relevant.clamp(1, 10) as f64
}

fn backend_name(b: DatabaseBackend) -> &'static str {
    match b {
        DatabaseBackend::Postgres => "PostgreSQL FTS (finnish)",
        _ => "SQLite FTS5 (unicode61)",
    }
}

async fn build_fts(app: &App, backend: DatabaseBackend, docs: &[kimppa_search::Doc]) -> anyhow::Result<()> {
    let db = &app.db;
    match backend {
        DatabaseBackend::Postgres => {
            db.execute_unprepared("DROP TABLE IF EXISTS bench_fts").await?;
            db.execute_unprepared("CREATE TABLE bench_fts (key text primary key, title text, body text, doc tsvector)")
                .await?;
        }
        _ => {
            db.execute_unprepared("DROP TABLE IF EXISTS bench_fts").await?;
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE bench_fts USING fts5(key UNINDEXED, title, body, tokenize='unicode61')",
            )
            .await?;
        }
    }
    let tx = db.begin().await?;
    for d in docs {
        let (sql, values): (&str, Vec<sea_orm::Value>) = (
            if backend == DatabaseBackend::Postgres {
                "INSERT INTO bench_fts (key, title, body) VALUES ($1, $2, $3)"
            } else {
                "INSERT INTO bench_fts (key, title, body) VALUES (?, ?, ?)"
            },
            vec![
                d.key.clone().into(),
                format!("{} {}", d.title_fi, d.title_en).into(),
                format!("{} {}", d.body_fi, d.body_en).into(),
            ],
        );
        tx.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    }
    tx.commit().await?;
    if backend == DatabaseBackend::Postgres {
        db.execute_unprepared(
            "UPDATE bench_fts SET doc = setweight(to_tsvector('finnish', title), 'A') || to_tsvector('finnish', body)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX bench_fts_doc ON bench_fts USING GIN (doc)").await?;
        db.execute_unprepared("ANALYZE bench_fts").await?;
    }
    Ok(())
}

async fn fts_query(app: &App, backend: DatabaseBackend, q: &str) -> anyhow::Result<Vec<String>> {
    let rows = if backend == DatabaseBackend::Postgres {
        app.db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT key FROM bench_fts WHERE doc @@ plainto_tsquery('finnish', $1) \
                 ORDER BY ts_rank(doc, plainto_tsquery('finnish', $1)) DESC LIMIT 10",
                [q.into()],
            ))
            .await?
    } else {
        // Every word as a quoted string: what a developer would write for user input.
        let expr = q.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', ""))).collect::<Vec<_>>().join(" ");
        app.db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT key FROM bench_fts WHERE bench_fts MATCH ? ORDER BY bm25(bench_fts) LIMIT 10",
                [expr.into()],
            ))
            .await?
    };
    rows.iter().map(|r| r.try_get::<String>("", "key").context("key")).collect()
}

/// A new, empty database for the judged set: the SQLite file replaced, or
/// on PostgreSQL the database `kimppa_bench_judged` made anew.
async fn fresh_database(url: &str) -> anyhow::Result<String> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let file = rest.split('?').next().unwrap_or(rest);
        let _ = std::fs::remove_file(file);
        return Ok(if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") });
    }
    let admin = sea_orm::Database::connect(url).await?;
    admin.execute_unprepared("DROP DATABASE IF EXISTS kimppa_bench_judged").await?;
    admin.execute_unprepared("CREATE DATABASE kimppa_bench_judged").await?;
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    Ok(if query.is_empty() {
        format!("{server}/kimppa_bench_judged")
    } else {
        format!("{server}/kimppa_bench_judged?{query}")
    })
}

async fn judged(url: &str) -> anyhow::Result<()> {
    use kimppa_bench::judged;
    let set = judged::parse()?;
    let app = App::start(config(&fresh_database(url).await?, "memory")).await?;
    let email = kimppa_domain::Email::parse("orkestroija@judged.example.fi").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let hash = kimppa_app::accounts::hash_password("judged-set-password").await?;
    let u = kimppa_app::accounts::create_verified_user(
        &app.db,
        &email,
        "Arvioija",
        &hash,
        PlatformRole::Orchestrator,
        Some(&kimppa_app::accounts::totp::new_secret()),
    )
    .await?;
    let staff = kimppa_app::policy::Principal::resolve(&app, kimppa_domain::UserId(u.id), true).await?;
    let paths = judged::load(&app, &staff, &set).await?;
    // The documents as the product indexes them, for the databases' search.
    let mut docs = vec![];
    for kind in ["organisation", "service", "listing"] {
        docs.extend(kimppa_app::search::documents::load(&app, kind, &kimppa_app::search::documents::Which::All).await?);
    }
    let id_of: std::collections::HashMap<String, String> =
        docs.iter().filter_map(|d| paths.get(&d.path).map(|id| (d.key.clone(), id.clone()))).collect();
    let backend = app.db.get_database_backend();
    build_fts(&app, backend, &docs).await?;

    // Per engine: its name, the ids it found for each query, milliseconds per query.
    type Run<'a> = (&'a str, Vec<Vec<String>>, Vec<f64>);
    let mut engines: Vec<Run> = vec![];
    let mut found = vec![];
    let mut took = vec![];
    for j in &set.queries {
        let t = Instant::now();
        found.push(judged::product(&app, &paths, &j.q).await?);
        took.push(t.elapsed().as_secs_f64() * 1e3);
    }
    engines.push(("Kimppa search (product)", found, took));
    let variants: &[(&str, Baseline)] = if backend == DatabaseBackend::Postgres {
        &[("PostgreSQL FTS (finnish), any word", Baseline::Postgres)]
    } else {
        &[("SQLite FTS5, any word", Baseline::Words), ("SQLite FTS5, any word cut to 5 letters", Baseline::Prefixes)]
    };
    for (name, baseline) in variants {
        let mut found = vec![];
        let mut took = vec![];
        for j in &set.queries {
            let t = Instant::now();
            let keys = baseline_query(&app, *baseline, &j.q).await?;
            took.push(t.elapsed().as_secs_f64() * 1e3);
            found.push(keys.into_iter().map(|k| id_of.get(&k).cloned().unwrap_or(k)).collect());
        }
        engines.push((name, found, took));
    }
    println!(
        "
judged set ({} queries over {} documents, {})",
        set.queries.len(),
        set.documents.len(),
        backend_name(backend)
    );
    println!("{:<40} | hit@10 |   MRR | P@10 | p50 ms", "engine");
    for (name, found, mut took) in engines {
        let m = judged::measure(&set, &found);
        took.sort_by(f64::total_cmp);
        println!("{name:<40} | {:>6.3} | {:>5.3} | {:>4.2} | {:>6.2}", m.hit, m.mrr, m.p10, pct(&took, 0.5));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Baseline {
    /// FTS5: any of the words as typed, ranked by BM25.
    Words,
    /// FTS5: any of the words cut to their first five letters, as prefixes.
    Prefixes,
    /// PostgreSQL: any of the words in the `finnish` configuration, by rank.
    Postgres,
}

async fn baseline_query(app: &App, baseline: Baseline, q: &str) -> anyhow::Result<Vec<String>> {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let backend = app.db.get_database_backend();
    let (sql, expr) = match baseline {
        Baseline::Postgres => (
            "SELECT key FROM bench_fts WHERE doc @@ to_tsquery('finnish', $1) \
             ORDER BY ts_rank(doc, to_tsquery('finnish', $1)) DESC LIMIT 10",
            words.join(" | "),
        ),
        Baseline::Words | Baseline::Prefixes => {
            let prefix = matches!(baseline, Baseline::Prefixes);
            let terms: Vec<String> = words
                .iter()
                .map(|w| {
                    if prefix { format!("\"{}\"*", w.chars().take(5).collect::<String>()) } else { format!("\"{w}\"") }
                })
                .collect();
            ("SELECT key FROM bench_fts WHERE bench_fts MATCH ? ORDER BY bm25(bench_fts) LIMIT 10", terms.join(" OR "))
        }
    };
    let rows = app.db.query_all_raw(Statement::from_sql_and_values(backend, sql, [expr.into()])).await?;
    rows.iter().map(|r| r.try_get::<String>("", "key").context("key")).collect()
}

/// URLs of the load mix: catalogue pages with and without filters, profile
/// and service pages, and searches.
const MEMBER_EMAIL: &str = "jasen@bench.example.fi";

async fn member(database_url: &str, password: &str) -> anyhow::Result<()> {
    use kimppa_store::entities::org_member;
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = App::start(config(database_url, "memory")).await?;
    let hash = kimppa_app::accounts::hash_password(password).await?;
    let u = match user::Entity::find().filter(user::Column::Email.eq(MEMBER_EMAIL)).one(&app.db).await? {
        Some(u) => {
            let mut am: user::ActiveModel = u.into();
            am.password_hash = sea_orm::Set(hash);
            sea_orm::ActiveModelTrait::update(am, &app.db).await?
        }
        None => {
            let email = kimppa_domain::Email::parse(MEMBER_EMAIL).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            kimppa_app::accounts::create_verified_user(
                &app.db,
                &email,
                "Jäsen Mittari",
                &hash,
                PlatformRole::Person,
                None,
            )
            .await?
        }
    };
    let org = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .one(&app.db)
        .await?
        .context("no approved organisation: generate the dataset first")?;
    let member = org_member::Entity::find()
        .filter(org_member::Column::OrgId.eq(org.id))
        .filter(org_member::Column::UserId.eq(u.id))
        .one(&app.db)
        .await?;
    if member.is_none() {
        sea_orm::ActiveModelTrait::insert(
            org_member::ActiveModel {
                org_id: sea_orm::Set(org.id),
                user_id: sea_orm::Set(u.id),
                role: sea_orm::Set(kimppa_domain::OrgRole::Member),
                created_at: sea_orm::Set(kimppa_app::now()),
                ..Default::default()
            },
            &app.db,
        )
        .await?;
    }
    println!("{MEMBER_EMAIL}");
    Ok(())
}

async fn urls(database_url: &str, seed: u64) -> anyhow::Result<()> {
    let app = App::start(config(database_url, "memory")).await?;
    let orgs = organisation::Entity::find().all(&app.db).await?.len().max(1);
    let services = service::Entity::find().all(&app.db).await?.len().max(1);
    let mut rng = Rng::new(seed);
    let catalogue = [
        "/fi/services",
        "/fi/services?offering=consulting",
        "/fi/services?region=kainuu&language=en",
        "/fi/organisations",
        "/fi/organisations?municipality=Oulu&org_type=sme",
        "/fi/experts?focus=energy",
    ];
    let long_thread: Option<(i32, i32)> = forum_thread::Entity::find()
        .select_only()
        .columns([forum_thread::Column::Id, forum_thread::Column::ReplyCount])
        .order_by_desc(forum_thread::Column::ReplyCount)
        .into_tuple()
        .one(&app.db)
        .await?;
    let threads = forum_thread::Entity::find().count(&app.db).await? as usize;
    let first_thread = long_thread.map(|t| t.0).unwrap_or(1);
    // The forum: the front page, area lists, the long thread (first and
    // last page of replies) and other public threads.
    if let Some((id, replies)) = long_thread {
        let last = (replies.max(1) as u64).div_ceil(kimppa_app::forum::REPLIES_PER_PAGE);
        for url in [
            "/fi/forum".to_string(),
            "/fi/forum/categories/materiaalit".into(),
            "/fi/forum/categories/rahoitus?page=3".into(),
            format!("/fi/forum/threads/{id}"),
            format!("/fi/forum/threads/{id}?page={last}"),
        ] {
            println!("{url}");
        }
        for _ in 0..20 {
            if threads < 2 {
                break;
            }
            let i = 1 + rng.below(threads - 1);
            if !i.is_multiple_of(20) {
                println!("/fi/forum/threads/{}", first_thread + i as i32);
            }
        }
    }
    for _ in 0..200 {
        let url = match rng.below(4) {
            0 => rng.pick(&catalogue).to_string(),
            1 => format!("/fi/organisations/yritys-{}", 1 + rng.below(orgs)),
            2 => format!("/fi/services/palvelu-{}", 1 + rng.below(services)),
            _ => format!("/fi/search?q={}", urlencode(rng.pick(JUDGED).query)),
        };
        println!("{url}");
    }
    Ok(())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
