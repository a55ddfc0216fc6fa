//! Pages of the directory and services marketplace: the catalogues of
//! organisations, services and experts, service pages and editing, expert
//! profiles, the contact flow and inbox, and the directory's admin pages.

mod admin;
pub(crate) mod api;
mod catalogue;
mod contact;
mod experts;
mod services;

use crate::AppState;
use axum::{
    Router,
    routing::{get, post},
};

pub use catalogue::{query_string, service_card_title};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(catalogue::organisations))
        .route("/services", get(catalogue::services))
        .route("/experts", get(catalogue::experts))
        .route("/services/{slug}", get(services::show))
        .route("/services/{slug}/edit", get(services::edit_form).post(services::update))
        .route("/services/{slug}/co-provision", post(services::co_provision))
        .route("/services/{slug}/contact", get(contact::service_form).post(contact::service_send))
        .route("/organisations/{slug}/contact", get(contact::org_form).post(contact::org_send))
        .route("/organisations/{slug}/services", get(services::manage))
        .route("/organisations/{slug}/services/new", get(services::new_form).post(services::create))
        .route("/organisations/{slug}/leads", get(contact::org_leads))
        .route("/experts/{id}", get(experts::show))
        .route("/account/expert", get(experts::own_form).post(experts::save))
        .route("/inbox", get(contact::inbox))
        .route("/inbox/{id}", get(contact::thread))
        .route("/inbox/{id}/reply", post(contact::reply))
        .route("/inbox/{id}/status", post(contact::status))
        .route("/inbox/{id}/report", post(contact::report))
        .route("/inbox/{id}/attachment", get(contact::attachment))
}

pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/leads", get(admin::leads))
        .route("/directory", get(admin::directory).post(admin::import))
        .route("/directory/export/{file}", get(admin::export))
        .route("/webhooks", get(admin::webhooks).post(admin::create_webhook))
        .route("/webhooks/{id}/active", post(admin::toggle_webhook))
}
