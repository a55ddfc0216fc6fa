use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Query,
    i18n::Lang,
};
use askama::Template;
use axum::response::Response;
use kimppa_app::directory::catalogue::{self, CatalogueQuery, Dim, ExpertCard, Kind, Listing, ServiceCard};
use kimppa_app::records::organisation;

/// The query as a URL query string (empty fields left out), with `?`.
pub fn query_string(q: &CatalogueQuery) -> String {
    crate::query_string(&[
        ("q", &q.q),
        ("focus", &q.focus),
        ("offering", &q.offering),
        ("org_type", &q.org_type),
        ("municipality", &q.municipality),
        ("region", &q.region),
        ("language", &q.language),
        ("sort", &q.sort),
        ("page", &q.page),
    ])
}

/// A service's title in the page's language (Finnish when there is no English one).
pub fn service_card_title(lang: Lang, fi: &str, en: &str) -> String {
    if lang == Lang::En && !en.is_empty() { en.to_string() } else { fi.to_string() }
}

pub struct FacetOption {
    pub key: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

pub struct FacetView {
    pub param: &'static str,
    pub label: String,
    pub options: Vec<FacetOption>,
}

/// A chosen filter with the link that removes it.
pub struct Chip {
    pub label: String,
    pub remove: String,
}

pub struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

pub struct OrgCard {
    pub org: organisation::Model,
}

pub struct ServiceItem {
    pub slug: String,
    pub title: String,
    pub offering_type: String,
    pub summary: String,
    pub providers: Vec<(String, String)>,
    pub price_kind: String,
}

pub struct ExpertItem {
    pub id: i32,
    pub name: String,
    pub title: Option<String>,
    pub org_slug: String,
    pub org_name: String,
    pub tags: Vec<String>,
    pub languages: String,
}

#[derive(Template)]
#[template(path = "directory/catalogue.html")]
struct CataloguePage {
    p: Page,
    kind: &'static str,
    intro: String,
    q: CatalogueQuery,
    facets: Vec<FacetView>,
    chips: Vec<Chip>,
    total: usize,
    page: usize,
    pages: usize,
    page_links: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
    orgs: Vec<OrgCard>,
    services: Vec<ServiceItem>,
    experts: Vec<ExpertItem>,
}

fn facet_label(lang: Lang, d: Dim, key: &str) -> String {
    match d.label_prefix() {
        Some(prefix) => lang.t(&format!("{prefix}-{key}")),
        None => key.to_string(),
    }
}

fn dim_label(lang: Lang, d: Dim) -> String {
    lang.t(&format!("filter-{}", d.param().replace('_', "-")))
}

/// Plain text of the first paragraph of Markdown, shortened.
fn summary(markdown: &str, max: usize) -> String {
    let first = markdown.split("\n\n").next().unwrap_or("");
    let text: String = first.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`')).collect();
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max).collect();
        match cut.rfind(' ') {
            Some(i) => format!("{}…", &cut[..i]),
            None => format!("{cut}…"),
        }
    }
}

async fn render(
    ctx: &Ctx,
    kind: Kind,
    q: CatalogueQuery,
    listing: Listing,
    orgs: Vec<OrgCard>,
    services: Vec<ServiceItem>,
    experts: Vec<ExpertItem>,
) -> Result<Response, WebError> {
    let (path, title, intro) = match kind {
        Kind::Organisations => ("/organisations", "orgs-title", "orgs-intro"),
        Kind::Services => ("/services", "services-title", "services-intro"),
        Kind::Experts => ("/experts", "experts-title", "experts-intro"),
    };
    let lang = ctx.lang;
    let base = ctx.href(path);
    let facets = listing
        .facets
        .iter()
        .map(|f| FacetView {
            param: f.dim.param(),
            label: dim_label(lang, f.dim),
            options: f
                .values
                .iter()
                .map(|v| FacetOption {
                    label: facet_label(lang, f.dim, &v.key),
                    key: v.key.clone(),
                    count: v.count,
                    selected: v.selected,
                })
                .collect(),
        })
        .collect();
    let mut chips = vec![];
    if !q.q.trim().is_empty() {
        let mut without = q.clone();
        without.q.clear();
        without.page.clear();
        chips
            .push(Chip { label: format!("“{}”", q.q.trim()), remove: format!("{base}{}", query_string(&without)) });
    }
    for d in kind.dims() {
        if let Some(v) = q.selected(*d) {
            chips.push(Chip {
                label: format!("{}: {}", dim_label(lang, *d), facet_label(lang, *d, &v)),
                remove: format!("{base}{}", query_string(&q.with(*d, ""))),
            });
        }
    }
    let page_href = |n: usize| {
        let mut x = q.clone();
        x.page = if n > 1 { n.to_string() } else { String::new() };
        format!("{base}{}", query_string(&x))
    };
    let lo = listing.page.saturating_sub(3).max(1);
    let hi = (listing.page + 3).min(listing.pages);
    let page_links =
        (lo..=hi).map(|n| PageLink { number: n, href: page_href(n), current: n == listing.page }).collect();
    let prev = (listing.page > 1).then(|| page_href(listing.page - 1));
    let next = (listing.page < listing.pages).then(|| page_href(listing.page + 1));
    let mut p = ctx.page(title).await;
    if listing.page > 1 {
        p.title = format!("{} – {} {}", p.title, lang.t("page-number"), listing.page);
    }
    let page = CataloguePage {
        p,
        kind: match kind {
            Kind::Organisations => "organisations",
            Kind::Services => "services",
            Kind::Experts => "experts",
        },
        intro: lang.t(intro),
        q,
        facets,
        chips,
        total: listing.total,
        page: listing.page,
        pages: listing.pages,
        page_links,
        prev,
        next,
        orgs,
        services,
        experts,
    };
    Ok(crate::html(&page))
}

pub async fn organisations(ctx: Ctx, Query(q): Query<CatalogueQuery>) -> Result<Response, WebError> {
    let (listing, rows) = catalogue::organisations(ctx.app(), &q).await?;
    let orgs = rows.into_iter().map(|org| OrgCard { org }).collect();
    render(&ctx, Kind::Organisations, q, listing, orgs, vec![], vec![]).await
}

pub fn service_item(lang: Lang, c: ServiceCard) -> ServiceItem {
    let s = c.service;
    let description =
        if lang == Lang::En && !s.description_en.is_empty() { &s.description_en } else { &s.description_fi };
    ServiceItem {
        title: service_card_title(lang, &s.title_fi, &s.title_en),
        summary: summary(description, 220),
        providers: c.providers.into_iter().map(|p| (p.slug, p.name)).collect(),
        slug: s.slug,
        offering_type: s.offering_type.to_string(),
        price_kind: s.price_kind.to_string(),
    }
}

pub async fn services(ctx: Ctx, Query(q): Query<CatalogueQuery>) -> Result<Response, WebError> {
    let (listing, cards) = catalogue::services(ctx.app(), &q, ctx.lang.code()).await?;
    let items = cards.into_iter().map(|c| service_item(ctx.lang, c)).collect();
    render(&ctx, Kind::Services, q, listing, vec![], items, vec![]).await
}

pub fn expert_item(c: ExpertCard) -> ExpertItem {
    ExpertItem {
        id: c.expert.id,
        name: c.name,
        title: c.title,
        org_slug: c.org.slug,
        org_name: c.org.name,
        tags: kimppa_app::directory::list(&c.expert.tags).into_iter().map(str::to_string).collect(),
        languages: c.expert.languages,
    }
}

pub async fn experts(ctx: Ctx, Query(q): Query<CatalogueQuery>) -> Result<Response, WebError> {
    let (listing, cards) = catalogue::experts(ctx.app(), &q).await?;
    let items = cards.into_iter().map(expert_item).collect();
    render(&ctx, Kind::Experts, q, listing, vec![], vec![], items).await
}
