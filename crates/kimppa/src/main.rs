//! `kimppa`: the one binary of the platform.

use anyhow::Context;
use clap::{Parser, Subcommand};
use kimppa_app::{App, config::Config};
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    name = "kimppa",
    version,
    about = "Kimppa – the circular economy cluster platform.",
    long_about = "Kimppa – the circular economy cluster platform.\n\nConfiguration comes from defaults, an optional kimppa.toml (or the file named by KIMPPA_CONFIG) and KIMPPA_* environment variables. With no configuration the platform uses a SQLite database and files under ./data/ and listens on 127.0.0.1:8080."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server and background jobs. Migrates the database first;
    /// on the default, empty database it also loads the demo data.
    Serve {
        /// Address to listen on (overrides KIMPPA_LISTEN and the file).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a verified account with the orchestrator or operator role.
    /// It must turn on two-step verification at first login before using
    /// its powers.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// orchestrator or operator
        #[arg(long, default_value = "operator")]
        role: String,
        /// Read the password from this environment variable (at least 12 characters).
        #[arg(long, default_value = "KIMPPA_ADMIN_PASSWORD")]
        password_env: String,
    },
    /// Load the demo dataset (an Oulu-region cluster) into an empty database.
    Demo,
    /// Rebuild this node's search index from the database (stop the server
    /// on this node first; other nodes keep their own index).
    Reindex,
    /// Write a consistent snapshot of the database. SQLite: `VACUUM INTO`
    /// the given file. PostgreSQL: prints the pg_dump command to use.
    Backup {
        /// Target file for the SQLite snapshot (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logs();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KIMPPA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("KIMPPA_LOG_FORMAT").is_ok_and(|v| v == "json");
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        b.json().init();
    } else {
        b.init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load()?;
    match cli.command {
        Command::Serve { listen } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            serve(config).await
        }
        Command::Migrate => {
            App::start(config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin { email, name, role, password_env } => {
            let app = App::start(config).await?;
            let password = std::env::var(&password_env)
                .with_context(|| format!("set the password in the environment variable {password_env}"))?;
            let u = kimppa_app::accounts::create_admin(&app, &email, &name, &role, &password).await.map_err(explain)?;
            println!(
                "created {} ({}) as {}; turn on two-step verification at first login",
                u.name, u.email, u.platform_role
            );
            Ok(())
        }
        Command::Demo => {
            let app = App::start(config).await?;
            let loaded = kimppa_app::demo::load(&app).await.map_err(|e| match e {
                kimppa_app::AppError::Conflict(_) => {
                    anyhow::anyhow!("the database is not empty; the demo data goes only into an empty database")
                }
                other => other.into(),
            })?;
            println!(
                "demo data loaded: {} organisations, {} people, {} services, {} experts, {} forum threads, {} challenges, {} kimppas, {} material listings, {} events, {} groups, {} pipeline records",
                loaded.organisations,
                loaded.people,
                loaded.services,
                loaded.experts,
                loaded.threads,
                loaded.challenges,
                loaded.kimppas,
                loaded.listings,
                loaded.events,
                loaded.groups,
                loaded.pipeline
            );
            Ok(())
        }
        Command::Reindex => {
            let app = App::start(config).await?;
            let kinds = kimppa_app::search::documents::kinds(&app);
            let mut done = 0;
            let started = std::time::Instant::now();
            let total = kimppa_app::search::sync::rebuild(&app, |kind, n| {
                done += 1;
                let bar: String = (0..kinds.len()).map(|i| if i < done { '#' } else { '.' }).collect();
                eprintln!("[{bar}] {done}/{} {kind}: {n} documents", kinds.len());
            })
            .await?;
            println!("search index rebuilt: {total} documents in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Backup { to } => {
            let app = App::start(config).await?;
            let message = kimppa_app::backup::snapshot(&app, &to).await?;
            println!("{message}");
            Ok(())
        }
    }
}

/// Turns field errors into English sentences for the terminal.
fn explain(e: kimppa_app::AppError) -> anyhow::Error {
    match e {
        kimppa_app::AppError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, kimppa_web::i18n::Lang::En.t(f.code)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        kimppa_app::AppError::Conflict("email-taken") => anyhow::anyhow!("an account with this email exists already"),
        other => other.into(),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    if let Some(w) = config.base_url_warning() {
        tracing::warn!("{w}");
    }
    let demo = config.demo_on_empty && config.uses_default_database();
    let app = App::start(config).await?;
    if demo && kimppa_app::demo::is_empty(&app).await? {
        let loaded = kimppa_app::demo::load(&app).await?;
        tracing::info!(
            organisations = loaded.organisations,
            people = loaded.people,
            services = loaded.services,
            experts = loaded.experts,
            threads = loaded.threads,
            challenges = loaded.challenges,
            kimppas = loaded.kimppas,
            listings = loaded.listings,
            events = loaded.events,
            groups = loaded.groups,
            pipeline = loaded.pipeline,
            "demo data loaded into the empty default database"
        );
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!("Kimppa serving at http://{listen}");
    kimppa_web::serve(app, listener, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
