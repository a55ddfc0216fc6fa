//! The versioned JSON API under `/api/v1`, documented by OpenAPI at
//! `/api/v1/openapi.json`. Built from the same use cases as the pages; each
//! capability's JSON handlers sit beside its HTML ones (`<capability>/api.rs`),
//! and this module routes and documents them.

use crate::funding::api as funding;
use crate::impact::api as impact;
use crate::{
    challenges::api as challenges, directory::api as organisations, events::api as events, forum::api as forum,
    groups::api as groups, materials::api as materials, pipeline::api as innovations, website::api as website,
};

use crate::AppState;
use axum::{Json, Router, routing::get};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kimppa API", version = "1.0.0", description = "Open data of the circular economy cluster."),
    paths(
        organisations::list,
        organisations::get,
        organisations::services_list,
        organisations::service_get,
        organisations::experts_list,
        organisations::expert_get,
        forum::threads,
        forum::thread,
        challenges::list,
        challenges::get,
        challenges::kimppa_list,
        challenges::kimppa_get,
        materials::list,
        materials::get,
        events::list,
        events::get,
        events::mine,
        groups::list,
        groups::get,
        innovations::list,
        innovations::get,
        funding::calls_list,
        funding::call_get,
        funding::procurements_list,
        impact::indicators,
        impact::situation,
        impact::symbioses,
        crate::search::api,
        crate::search::suggest,
        website::pages,
        website::page,
        website::news,
        website::news_item,
        website::glossary,
        website::term,
        website::faq,
        website::clusters
    ),
    components(schemas(
        organisations::OrganisationJson,
        organisations::OrganisationList,
        organisations::CarbonJson,
        organisations::FacetJson,
        organisations::FacetValueJson,
        organisations::ServiceRefJson,
        organisations::ExpertRefJson,
        organisations::ProviderJson,
        organisations::ServiceJson,
        organisations::ServiceList,
        organisations::ExpertJson,
        organisations::ExpertList,
        forum::ForumThreadJson,
        forum::ForumThreadList,
        forum::ForumReplyJson,
        forum::ForumAttachmentJson,
        forum::ForumThreadDetail,
        challenges::ChallengeJson,
        challenges::ChallengeList,
        challenges::KimppaJson,
        challenges::KimppaMemberJson,
        materials::ListingJson,
        materials::ListingList,
        events::EventJson,
        events::EventList,
        events::RegistrationJson,
        groups::GroupJson,
        groups::GroupOrgJson,
        innovations::InnovationJson,
        innovations::InnovationOrgJson,
        innovations::InnovationList,
        funding::CallJson,
        funding::ProcurementJson,
        impact::MonthJson,
        impact::IndicatorJson,
        impact::IndicatorsJson,
        impact::CountJson,
        impact::SymbiosesTotalJson,
        impact::SituationJson,
        impact::PartyJson,
        impact::SymbiosisJson,
        crate::search::SearchJson,
        crate::search::SearchHitJson,
        crate::search::SearchFacetJson,
        crate::search::SuggestionJson,
        website::PageJson,
        website::NewsJson,
        website::NewsList,
        website::TermJson,
        website::FaqJson,
        website::ClusterJson,
        crate::errors::Problem,
        crate::errors::FieldProblem
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/organisations", get(organisations::list))
        .route("/organisations/{slug}", get(organisations::get))
        .route("/services", get(organisations::services_list))
        .route("/services/{slug}", get(organisations::service_get))
        .route("/experts", get(organisations::experts_list))
        .route("/experts/{id}", get(organisations::expert_get))
        .route("/forum/threads", get(forum::threads))
        .route("/forum/threads/{id}", get(forum::thread))
        .route("/challenges", get(challenges::list))
        .route("/challenges/{id}", get(challenges::get))
        .route("/kimppas", get(challenges::kimppa_list))
        .route("/kimppas/{slug}", get(challenges::kimppa_get))
        .route("/listings", get(materials::list))
        .route("/listings/{id}", get(materials::get))
        .route("/events", get(events::list))
        .route("/events/{id}", get(events::get))
        .route("/me/registrations", get(events::mine))
        .route("/groups", get(groups::list))
        .route("/groups/{slug}", get(groups::get))
        .route("/innovations", get(innovations::list))
        .route("/innovations/{id}", get(innovations::get))
        .route("/calls", get(funding::calls_list))
        .route("/calls/{id}", get(funding::call_get))
        .route("/procurements", get(funding::procurements_list))
        .route("/indicators", get(impact::indicators))
        .route("/situation", get(impact::situation))
        .route("/symbioses", get(impact::symbioses))
        .route("/search", get(crate::search::api))
        .route("/search/suggest", get(crate::search::suggest))
        .route("/pages", get(website::pages))
        .route("/pages/{slug}", get(website::page))
        .route("/news", get(website::news))
        .route("/news/{slug}", get(website::news_item))
        .route("/glossary", get(website::glossary))
        .route("/glossary/{slug}", get(website::term))
        .route("/faq", get(website::faq))
        .route("/clusters", get(website::clusters))
        .fallback(crate::home::not_found)
}
