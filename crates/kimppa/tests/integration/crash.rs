//! Durability: the real binary is killed with SIGKILL while people
//! register. Every registration that was answered survives, and the
//! verification emails queued before the crash are sent over SMTP after
//! the restart.

use kimppa_store::{
    entities::{email, user},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
    testing::{Backend, fresh_database_url},
};
use std::{
    collections::HashSet,
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    process::{Child, Command},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(db_url: &str, port: u16, smtp_port: u16, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kimppa"))
        .arg("serve")
        .current_dir(dir)
        .env("KIMPPA_DATABASE_URL", db_url)
        .env("KIMPPA_LISTEN", format!("127.0.0.1:{port}"))
        .env("KIMPPA_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("KIMPPA_EMAIL__SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("KIMPPA_DEMO_ON_EMPTY", "false")
        .env("KIMPPA_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start kimppa")
}

async fn wait_ready(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on {port} did not become ready");
}

/// Registers `email`; true when the server answered with the redirect
/// that follows a committed registration.
async fn register(port: u16, email: &str) -> bool {
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let Ok(page) = client.get(format!("{base}/fi/register")).send().await else { return false };
    let Ok(body) = page.text().await else { return false };
    let marker = "name=\"csrf\" value=\"";
    let Some(start) = body.find(marker).map(|i| i + marker.len()) else { return false };
    let token = &body[start..start + body[start..].find('"').unwrap()];
    let form = [("csrf", token), ("name", "Kaatuja Testinen"), ("email", email), ("password", "kestävä salasana 123")];
    match client.post(format!("{base}/fi/register")).form(&form).send().await {
        Ok(r) => r.status() == reqwest::StatusCode::SEE_OTHER,
        Err(_) => false,
    }
}

/// A minimal SMTP server that records the recipients of accepted mail.
async fn smtp_sink(listener: TcpListener, received: Arc<Mutex<Vec<String>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let received = received.clone();
        tokio::spawn(async move {
            let (r, mut w) = stream.into_split();
            let mut lines = BufReader::new(r).lines();
            let _ = w.write_all(b"220 sink ESMTP\r\n").await;
            let mut rcpt = vec![];
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                if in_data {
                    if line == "." {
                        in_data = false;
                        received.lock().unwrap().append(&mut rcpt);
                        let _ = w.write_all(b"250 queued\r\n").await;
                    }
                    continue;
                }
                let upper = line.to_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    b"250-sink\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("RCPT TO:") {
                    rcpt.push(line[8..].trim().trim_matches(|c| c == '<' || c == '>').to_lowercase());
                    b"250 ok\r\n"
                } else if upper.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if upper.starts_with("QUIT") {
                    let _ = w.write_all(b"221 bye\r\n").await;
                    return;
                } else {
                    b"250 ok\r\n"
                };
                let _ = w.write_all(reply).await;
            }
        });
    }
}

async fn crash_and_recover(backend: Backend) {
    let database = fresh_database_url(backend).await.expect("database for the backend");
    let db_url = database.url.clone();
    let dir = std::env::temp_dir().join(format!("kimppa-crash-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let (port, smtp_port) = (free_port(), free_port());

    // First run: SMTP is down, so emails stay queued; registrations run
    // concurrently until the process is killed.
    let mut server = start(&db_url, port, smtp_port, &dir);
    wait_ready(port).await;
    let committed = Arc::new(Mutex::new(HashSet::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = vec![];
    for w in 0..6 {
        let (committed, stop) = (committed.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let email = format!("kaatuja{w}x{n}@kimppa.test");
                if register(port, &email).await {
                    committed.lock().unwrap().insert(email);
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.start_kill().expect("SIGKILL");
    server.wait().await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let committed: HashSet<String> = committed.lock().unwrap().clone();
    assert!(committed.len() >= 3, "only {} registrations before the kill", committed.len());

    // Every answered registration is in the database with a queued email.
    let db = kimppa_store::connect(&db_url).await.unwrap();
    for e in &committed {
        assert!(
            user::Entity::find().filter(user::Column::Email.eq(e)).one(&db).await.unwrap().is_some(),
            "user {e} lost"
        );
        let mails = email::Entity::find().filter(email::Column::ToAddr.eq(e)).all(&db).await.unwrap();
        assert_eq!(mails.len(), 1, "verification email for {e}");
        assert_eq!(mails[0].status, "queued", "SMTP was down, so {e}'s email is still queued");
    }

    // Restart with SMTP up: the queued emails are delivered.
    let received = Arc::new(Mutex::new(vec![]));
    let listener = TcpListener::bind(("127.0.0.1", smtp_port)).await.unwrap();
    let sink = tokio::spawn(smtp_sink(listener, received.clone()));
    let mut server = start(&db_url, port, smtp_port, &dir);
    wait_ready(port).await;
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let got: HashSet<String> = received.lock().unwrap().iter().cloned().collect();
        if committed.iter().all(|e| got.contains(e)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not delivered after restart: {:?}",
            committed.difference(&got).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // …and marked sent.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for e in &committed {
        let m = email::Entity::find().filter(email::Column::ToAddr.eq(e)).one(&db).await.unwrap().unwrap();
        assert_eq!(m.status, "sent", "{e}");
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    sink.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{nanos}", std::process::id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_committed_data_sqlite() {
    crash_and_recover(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(no_postgres, ignore = "KIMPPA_TEST_POSTGRES_URL is not set: PostgreSQL variant not run")]
async fn sigkill_loses_no_committed_data_postgres() {
    crash_and_recover(Backend::Postgres).await;
}
