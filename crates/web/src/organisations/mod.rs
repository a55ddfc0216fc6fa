//! Pages of the organisation registry: the public member list and pages,
//! creating and editing organisations, logos, people and invitations,
//! and joining the cluster.

mod edit;
mod figures;
mod join;
mod people;
mod public;

use crate::AppState;
use axum::{
    Router,
    routing::{get, post},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations/new", get(edit::new_form).post(edit::create))
        .route("/organisations/{slug}", get(public::show))
        .route("/organisations/{slug}/edit", get(edit::edit_form).post(edit::update))
        .route("/organisations/{slug}/logo", post(edit::logo))
        .route("/organisations/{slug}/people", get(people::list).post(people::invite))
        .route("/organisations/{slug}/figures", get(figures::show).post(figures::save))
        .route("/organisations/{slug}/join", get(join::form).post(join::submit))
        .route("/invitations/{token}", get(people::invitation).post(people::accept))
}
