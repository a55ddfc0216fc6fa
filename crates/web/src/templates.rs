//! Templates shared by all capabilities.

use crate::page::Page;
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub p: Page,
    pub detail: String,
    pub status: u16,
}
