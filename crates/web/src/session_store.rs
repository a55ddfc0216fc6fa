//! tower-sessions store on the app's session table ([`kimppa_app::sessions`]),
//! so any node can serve any person. Records are JSON; expired rows are
//! removed by housekeeping.

use async_trait::async_trait;
use kimppa_app::{App, sessions};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

#[derive(Clone)]
pub struct DbSessionStore {
    app: App,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(app: App) -> Self {
        DbSessionStore { app }
    }
}

fn backend(e: kimppa_app::AppError) -> Error {
    Error::Backend(e.chain())
}

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Ids are 128-bit random; on the rare collision, draw again.
        while sessions::exists(&self.app, &record.id.to_string()).await.map_err(backend)? {
            record.id = Id::default();
        }
        self.save(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let stored = sessions::Stored { data, expires_at: to_chrono(record.expiry_date) };
        sessions::save(&self.app, &record.id.to_string(), &stored).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(s) = sessions::load(&self.app, &id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        let data = serde_json::from_str(&s.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(s.expires_at.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessions::delete(&self.app, &id.to_string()).await.map_err(backend)
    }
}
