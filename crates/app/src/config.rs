//! Configuration: defaults that need nothing, then an optional
//! `kimppa.toml`, then `KIMPPA_*` environment variables. Unknown keys and
//! broken values fail at start with a message naming the setting.

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/kimppa.db?mode=rwc";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Public base URL used in links inside emails.
    pub base_url: String,
    /// Set cookies with `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Load the demo data when the default database is empty.
    pub demo_on_empty: bool,
    pub files: FilesConfig,
    pub email: EmailConfig,
    /// Folder of this node's search index; `memory` keeps it in memory.
    pub search_path: String,
    /// This node's memory of public pages for anonymous visitors.
    pub page_cache: PageCacheConfig,
    pub forum: ForumConfig,
}

/// Settings of the expert forum.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForumConfig {
    /// A person's first thread or reply waits for a moderator's approval
    /// (seen only by its author and staff until then).
    pub first_post_approval: bool,
}

/// See [`crate::pagecache`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageCacheConfig {
    /// Memory for remembered pages in MiB; 0 turns it off.
    pub max_mib: u32,
    /// How long, in milliseconds, a look at the change log is trusted: a
    /// change made on another node shows to anonymous visitors of this node
    /// within this time (writes through this node show at once).
    pub freshness_ms: u64,
}

impl Default for PageCacheConfig {
    fn default() -> Self {
        PageCacheConfig { max_mib: 32, freshness_ms: 250 }
    }
}

/// Where uploaded files go. `backend` picks the store; the S3 settings
/// are read only for `s3`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    pub backend: FilesBackend,
    /// Folder for `local`.
    pub path: String,
    pub bucket: Option<String>,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Plain-HTTP endpoints (for local S3-compatible servers).
    pub allow_http: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FilesBackend {
    /// Files in a local folder.
    Local,
    /// Files in memory (tests).
    Memory,
    /// S3-compatible object storage.
    S3,
}

impl FilesConfig {
    pub fn memory() -> FilesConfig {
        FilesConfig { backend: FilesBackend::Memory, ..FilesConfig::default() }
    }
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            backend: FilesBackend::Local,
            path: "data/files".into(),
            bucket: None,
            endpoint: None,
            region: default_region(),
            access_key_id: None,
            secret_access_key: None,
            allow_http: false,
        }
    }
}

fn default_region() -> String {
    "us-east-1".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// Sender address of all mail.
    pub from: String,
    /// `smtp://user:pass@host:port`, `smtps://…`; empty keeps mail in the
    /// database outbox, readable at the admin outbox page.
    pub smtp_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: DEFAULT_DATABASE_URL.into(),
            base_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            demo_on_empty: true,
            files: FilesConfig::default(),
            email: EmailConfig { from: "Kimppa <noreply@kimppa.example.org>".into(), smtp_url: None },
            search_path: "data/search".into(),
            page_cache: PageCacheConfig::default(),
            forum: ForumConfig::default(),
        }
    }
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Loads defaults ← `kimppa.toml` (or the file named by
    /// `KIMPPA_CONFIG`) ← `KIMPPA_*` variables (nested keys with `__`,
    /// e.g. `KIMPPA_EMAIL__SMTP_URL`).
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("KIMPPA_CONFIG").ok();
        if let Some(f) = &file
            && !std::path::Path::new(f).exists()
        {
            return Err(ConfigError(format!("KIMPPA_CONFIG names `{f}`, which does not exist")));
        }
        let file = file.unwrap_or_else(|| "kimppa.toml".into());
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::file(file)).merge(
                Env::prefixed("KIMPPA_")
                    .ignore(&["CONFIG", "TEST_POSTGRES_URL", "LOG", "LOG_FORMAT", "ADMIN_PASSWORD", "BIN"])
                    .split("__"),
            ),
        )
    }

    pub fn from_figment(f: Figment) -> Result<Config, ConfigError> {
        let c: Config = f.extract().map_err(|e| ConfigError(e.to_string()))?;
        c.check()?;
        Ok(c)
    }

    /// A warning when links in emails (built on `base_url`) will not reach
    /// this server: `base_url` names this machine (localhost or an IP
    /// address) but not the address served. A domain name is taken to be a
    /// proxy in front and is not second-guessed.
    pub fn base_url_warning(&self) -> Option<String> {
        let url = url::Url::parse(&self.base_url).ok()?;
        let host = url.host_str()?.trim_matches(['[', ']']);
        let local = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok();
        if !local {
            return None;
        }
        let port = url.port_or_known_default()?;
        let same_host = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => ip == self.listen.ip() || self.listen.ip().is_unspecified(),
            Err(_) => self.listen.ip().is_loopback() || self.listen.ip().is_unspecified(),
        };
        (port != self.listen.port() || !same_host).then(|| {
            format!(
                "base_url {} does not match the address served ({}): links in emails will not reach this server; set KIMPPA_BASE_URL",
                self.base_url, self.listen
            )
        })
    }

    /// True when the database is the zero-setup default.
    pub fn uses_default_database(&self) -> bool {
        self.database_url == DEFAULT_DATABASE_URL
    }

    fn check(&self) -> Result<(), ConfigError> {
        let db = &self.database_url;
        if !(db.starts_with("sqlite:") || db.starts_with("postgres://") || db.starts_with("postgresql://")) {
            return Err(ConfigError(format!(
                "database_url must start with sqlite:// or postgres:// (got `{}`)",
                kimppa_store::redact(db)
            )));
        }
        url::Url::parse(&self.base_url)
            .map_err(|e| ConfigError(format!("base_url `{}` is not a URL: {e}", self.base_url)))?;
        if let Some(smtp) = &self.email.smtp_url
            && !(smtp.is_empty() || smtp.starts_with("smtp://") || smtp.starts_with("smtps://"))
        {
            return Err(ConfigError("email.smtp_url must start with smtp:// or smtps://".into()));
        }
        if self.files.backend == FilesBackend::S3 && self.files.bucket.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError("files.bucket is required when files.backend = \"s3\"".into()));
        }
        if self.email.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError(format!("email.from `{}` is not a valid address", self.email.from)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_base_url_that_does_not_match_the_address_served_is_warned_of() {
        let mut c = Config::default();
        assert_eq!(c.base_url_warning(), None, "the defaults agree");
        c.listen = "127.0.0.1:18080".parse().unwrap();
        assert!(c.base_url_warning().is_some_and(|w| w.contains("127.0.0.1:18080")));
        c.base_url = "http://localhost:18080".into();
        assert_eq!(c.base_url_warning(), None);
        c.base_url = "https://kimppa.example.fi".into();
        assert_eq!(c.base_url_warning(), None, "a proxy in front is not second-guessed");
        c.listen = "0.0.0.0:8080".parse().unwrap();
        c.base_url = "http://10.0.0.5:8080".into();
        assert_eq!(c.base_url_warning(), None, "listening on every address");
    }

    use super::*;

    fn from_toml(s: &str) -> Result<Config, ConfigError> {
        Config::from_figment(Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(s)))
    }

    #[test]
    fn defaults_need_nothing() {
        let c = from_toml("").unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.uses_default_database());
    }

    #[test]
    fn unknown_keys_and_bad_values_fail_clearly() {
        let e = from_toml("lissen = '1'").unwrap_err().to_string();
        assert!(e.contains("lissen"), "{e}");
        let e = from_toml("listen = 'not an address'").unwrap_err().to_string();
        assert!(e.contains("listen"), "{e}");
        let e = from_toml("database_url = 'mysql://x'").unwrap_err().to_string();
        assert!(e.contains("database_url"), "{e}");
        let e = from_toml("[email]\nfrom = 'x'\nsmtp_url = 'http://x'").unwrap_err().to_string();
        assert!(e.contains("smtp"), "{e}");
    }

    #[test]
    fn s3_storage_is_configurable() {
        let c = from_toml("[files]\nbackend = 's3'\nbucket = 'kimppa'\nendpoint = 'http://127.0.0.1:9000'").unwrap();
        assert_eq!(c.files.backend, FilesBackend::S3);
        assert_eq!(c.files.bucket.as_deref(), Some("kimppa"));
        let e = from_toml("[files]\nbackend = 's3'").unwrap_err().to_string();
        assert!(e.contains("files.bucket"), "{e}");
        let e = from_toml("[files]\nbackend = 'ftp'").unwrap_err().to_string();
        assert!(e.contains("ftp"), "{e}");
    }
}
