//! The directory's JSON twins: organisations, services and experts, with
//! the same filters, counts and paging as the catalogue pages.

use crate::{AppState, errors::WebError, extract::Query};
use axum::{
    Json,
    extract::{Path, State},
};
use kimppa_app::records::{expert, organisation, service};
use kimppa_app::{
    directory::{
        self,
        catalogue::{self, CatalogueQuery, Kind, Listing},
        experts, services,
    },
    organisations,
    policy::Principal,
};

fn split(v: &str) -> Vec<String> {
    directory::list(v).into_iter().map(str::to_string).collect()
}

/// A carbon-footprint figure of an organisation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CarbonJson {
    /// Tonnes CO2e per year.
    pub tonnes: f64,
    pub year: i32,
    pub method: String,
}

/// A member organisation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrganisationJson {
    pub slug: String,
    pub name: String,
    pub business_id: Option<String>,
    pub country: String,
    pub org_type: String,
    pub size_class: String,
    pub municipality: String,
    pub focus_areas: Vec<String>,
    pub offering_types: Vec<String>,
    pub description_fi: String,
    pub description_en: String,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub membership_tier: Option<String>,
    pub carbon: Option<CarbonJson>,
    /// On the single-organisation answer: its published services (own and co-provided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<ServiceRefJson>>,
    /// On the single-organisation answer: its listed experts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts: Option<Vec<ExpertRefJson>>,
}

impl From<organisation::Model> for OrganisationJson {
    fn from(o: organisation::Model) -> Self {
        let carbon = match (o.carbon_kg, o.carbon_year) {
            (Some(kg), Some(year)) => Some(CarbonJson {
                tonnes: kg as f64 / 1000.0,
                year,
                method: o.carbon_method.clone().unwrap_or_default(),
            }),
            _ => None,
        };
        OrganisationJson {
            focus_areas: split(&o.focus_areas),
            offering_types: split(&o.offering_types),
            logo_url: o.logo_key.map(|k| format!("/media/{k}")),
            slug: o.slug,
            name: o.name,
            business_id: o.business_id,
            country: o.country,
            org_type: o.org_type.to_string(),
            size_class: o.size_class.to_string(),
            municipality: o.municipality,
            description_fi: o.description_fi,
            description_en: o.description_en,
            website: o.website,
            membership_tier: o.membership_tier.map(|t| t.key().to_string()),
            carbon,
            services: None,
            experts: None,
        }
    }
}

/// A filter value and how many results choosing it gives.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FacetValueJson {
    pub value: String,
    pub count: usize,
    pub selected: bool,
}

/// Counts per value of one filter.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FacetJson {
    /// The query parameter: focus, offering, org_type, municipality, region or language.
    pub param: String,
    pub values: Vec<FacetValueJson>,
}

fn facets(l: &Listing) -> Vec<FacetJson> {
    l.facets
        .iter()
        .map(|f| FacetJson {
            param: f.dim.param().into(),
            values: f
                .values
                .iter()
                .map(|v| FacetValueJson { value: v.key.clone(), count: v.count, selected: v.selected })
                .collect(),
        })
        .collect()
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationJson>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub facets: Vec<FacetJson>,
}

/// Member organisations of the cluster, filtered, counted and paged (20 a page).
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    params(
        ("q" = Option<String>, Query, description = "Words that must all appear in the name, municipality or description"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
        ("offering" = Option<String>, Query, description = "Offering type key"),
        ("org_type" = Option<String>, Query, description = "sme, anchor, customer, municipality, research, funder or network"),
        ("municipality" = Option<String>, Query, description = "Municipality name"),
        ("sort" = Option<String>, Query, description = "name (default) or newest"),
        ("page" = Option<usize>, Query, description = "Page from 1"),
    ),
    responses(
        (status = 200, body = OrganisationList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(s): State<AppState>,
    Query(q): Query<CatalogueQuery>,
) -> Result<Json<OrganisationList>, WebError> {
    q.check(Kind::Organisations)?;
    let (l, rows) = catalogue::organisations(&s.app, &q).await?;
    Ok(Json(OrganisationList {
        facets: facets(&l),
        items: rows.into_iter().map(OrganisationJson::from).collect(),
        total: l.total,
        page: l.page,
        pages: l.pages,
    }))
}

/// A service in lists and on organisations.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceRefJson {
    pub slug: String,
    pub title_fi: String,
    pub title_en: String,
    pub offering_type: String,
}

/// An expert on an organisation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExpertRefJson {
    pub id: i32,
    pub name: String,
    pub tags: Vec<String>,
}

/// One member organisation with its services and experts.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{slug}",
    params(("slug" = String, Path, description = "The organisation's URL name")),
    responses(
        (status = 200, body = OrganisationJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn get(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<OrganisationJson>, WebError> {
    // The API is anonymous for now: it sees what the public sees.
    let org = organisations::get_visible(&s.app, &Principal::Anonymous, &slug).await?;
    let svcs = services::of_org(&s.app, &Principal::Anonymous, org.id, false).await?;
    let exps = experts::of_org(&s.app, &org).await?;
    let mut json = OrganisationJson::from(org);
    json.services = Some(
        svcs.into_iter()
            .map(|s| ServiceRefJson {
                slug: s.slug,
                title_fi: s.title_fi,
                title_en: s.title_en,
                offering_type: s.offering_type.to_string(),
            })
            .collect(),
    );
    json.experts =
        Some(exps.into_iter().map(|(e, name, _)| ExpertRefJson { id: e.id, name, tags: split(&e.tags) }).collect());
    Ok(Json(json))
}

/// A provider of a service.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProviderJson {
    pub slug: String,
    pub name: String,
}

/// A published service.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceJson {
    pub slug: String,
    /// published or archived (archived services are not listed).
    pub status: String,
    pub title_fi: String,
    pub title_en: String,
    pub description_fi: String,
    pub description_en: String,
    pub offering_type: String,
    pub focus_areas: Vec<String>,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub price_kind: String,
    /// Indicative price in euros, VAT excluded.
    pub price_eur: Option<i32>,
    pub price_note_fi: String,
    pub price_note_en: String,
    /// The owner first, then the co-providers who confirmed.
    pub providers: Vec<ProviderJson>,
    pub published_at: Option<String>,
}

fn service_json(s: service::Model, providers: Vec<ProviderJson>) -> ServiceJson {
    ServiceJson {
        focus_areas: split(&s.focus_areas),
        regions: split(&s.regions),
        languages: split(&s.languages),
        published_at: s.published_at.map(|t| t.to_rfc3339()),
        slug: s.slug,
        status: s.status.to_string(),
        title_fi: s.title_fi,
        title_en: s.title_en,
        description_fi: s.description_fi,
        description_en: s.description_en,
        offering_type: s.offering_type.to_string(),
        price_kind: s.price_kind.to_string(),
        price_eur: s.price_eur,
        price_note_fi: s.price_note_fi,
        price_note_en: s.price_note_en,
        providers,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceJson>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub facets: Vec<FacetJson>,
}

/// Published services, filtered, counted and paged (20 a page).
#[utoipa::path(
    get,
    path = "/api/v1/services",
    params(
        ("q" = Option<String>, Query, description = "Words that must all appear in the title, description or price note"),
        ("offering" = Option<String>, Query, description = "Offering type key"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
        ("org_type" = Option<String>, Query, description = "Type of a providing organisation"),
        ("region" = Option<String>, Query, description = "Region served (services for the whole of Finland match every Finnish region)"),
        ("language" = Option<String>, Query, description = "Language of service: fi, sv, en, se, de, et or ru"),
        ("sort" = Option<String>, Query, description = "name (default; by the Finnish title) or newest"),
        ("page" = Option<usize>, Query, description = "Page from 1"),
    ),
    responses(
        (status = 200, body = ServiceList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn services_list(
    State(s): State<AppState>,
    Query(q): Query<CatalogueQuery>,
) -> Result<Json<ServiceList>, WebError> {
    q.check(Kind::Services)?;
    let (l, cards) = catalogue::services(&s.app, &q, "fi").await?;
    Ok(Json(ServiceList {
        facets: facets(&l),
        items: cards
            .into_iter()
            .map(|c| {
                let providers = c.providers.into_iter().map(|p| ProviderJson { slug: p.slug, name: p.name }).collect();
                service_json(c.service, providers)
            })
            .collect(),
        total: l.total,
        page: l.page,
        pages: l.pages,
    }))
}

/// One service (published or archived).
#[utoipa::path(
    get,
    path = "/api/v1/services/{slug}",
    params(("slug" = String, Path, description = "The service's URL name")),
    responses(
        (status = 200, body = ServiceJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn service_get(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Json<ServiceJson>, WebError> {
    let v = services::get_visible(&s.app, &Principal::Anonymous, &slug).await?;
    let providers = std::iter::once(ProviderJson { slug: v.owner.slug.clone(), name: v.owner.name.clone() })
        .chain(v.co_providers.into_iter().map(|p| ProviderJson { slug: p.slug, name: p.name }))
        .collect();
    Ok(Json(service_json(v.service, providers)))
}

/// A listed expert.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExpertJson {
    pub id: i32,
    pub name: String,
    pub title: Option<String>,
    pub organisation: ProviderJson,
    pub tags: Vec<String>,
    pub languages: Vec<String>,
    pub focus_areas: Vec<String>,
    pub bio_fi: String,
    pub bio_en: String,
}

fn expert_json(c: catalogue::ExpertCard) -> ExpertJson {
    let e: expert::Model = c.expert;
    ExpertJson {
        id: e.id,
        name: c.name,
        title: c.title,
        organisation: ProviderJson { slug: c.org.slug, name: c.org.name },
        tags: split(&e.tags),
        languages: split(&e.languages),
        focus_areas: split(&e.focus_areas),
        bio_fi: e.bio_fi,
        bio_en: e.bio_en,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExpertList {
    pub items: Vec<ExpertJson>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub facets: Vec<FacetJson>,
}

/// Experts who chose to be listed, filtered, counted and paged (20 a page).
#[utoipa::path(
    get,
    path = "/api/v1/experts",
    params(
        ("q" = Option<String>, Query, description = "Words that must all appear in the name, title, tags or bio"),
        ("focus" = Option<String>, Query, description = "Focus area key"),
        ("language" = Option<String>, Query, description = "Language the expert works in"),
        ("org_type" = Option<String>, Query, description = "Type of the expert's organisation"),
        ("municipality" = Option<String>, Query, description = "Municipality of the expert's organisation"),
        ("sort" = Option<String>, Query, description = "name (default) or newest"),
        ("page" = Option<usize>, Query, description = "Page from 1"),
    ),
    responses(
        (status = 200, body = ExpertList),
        (status = 422, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn experts_list(
    State(s): State<AppState>,
    Query(q): Query<CatalogueQuery>,
) -> Result<Json<ExpertList>, WebError> {
    q.check(Kind::Experts)?;
    let (l, cards) = catalogue::experts(&s.app, &q).await?;
    Ok(Json(ExpertList {
        facets: facets(&l),
        items: cards.into_iter().map(expert_json).collect(),
        total: l.total,
        page: l.page,
        pages: l.pages,
    }))
}

/// One listed expert.
#[utoipa::path(
    get,
    path = "/api/v1/experts/{id}",
    params(("id" = i32, Path, description = "The expert's number")),
    responses(
        (status = 200, body = ExpertJson),
        (status = 404, body = crate::errors::Problem, content_type = "application/problem+json")
    )
)]
pub async fn expert_get(State(s): State<AppState>, Path(id): Path<i32>) -> Result<Json<ExpertJson>, WebError> {
    Ok(Json(expert_json(experts::get_visible(&s.app, &Principal::Anonymous, id).await?)))
}
