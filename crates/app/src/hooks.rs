//! What the kernel knows of the capabilities. Each capability registers,
//! once when the app starts, the change-log kinds its jobs handle, the
//! subjects of its notices, the prefixes its unsubscribe links stop and
//! its share of the morning round. The kernel calls them through these
//! tables and imports no capability; [`crate::App`] assembles them.

use crate::{App, jobs, notifications, search};
use futures::future::BoxFuture;

/// Work of the morning round (before the digest).
pub type Daily = fn(App) -> BoxFuture<'static, Result<(), jobs::JobError>>;

#[derive(Default)]
pub struct Hooks {
    pub jobs: jobs::Handlers,
    pub subjects: notifications::Subjects,
    pub stops: notifications::Stops,
    pub daily: Vec<Daily>,
    pub documents: search::documents::Kinds,
}
