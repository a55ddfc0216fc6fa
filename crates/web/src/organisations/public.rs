use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
};
use askama::Template;
use axum::{extract::Path, response::Response};
use kimppa_app::records::{expert, organisation, service};
use kimppa_app::{
    directory::{experts, services},
    membership, organisations,
    policy::{self, Action},
};
use kimppa_domain::MembershipStatus;
use kimppa_domain::OrgId;

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowPage {
    p: Page,
    org: organisation::Model,
    description: String,
    can_edit: bool,
    can_see_people: bool,
    can_apply: bool,
    can_manage_services: bool,
    can_contact: bool,
    history: Vec<membership::HistoryRow>,
    services: Vec<(service::Model, String)>,
    experts: Vec<(expert::Model, String, Option<String>)>,
    /// Groups it is a member of that show their members: (slug, name).
    groups: Vec<(String, String)>,
    carbon: Option<String>,
    /// Published listings of the materials marketplace the viewer may see:
    /// (id, title, kind), and how many there are.
    listings: Vec<(i32, String, String)>,
    listing_count: u64,
    /// Realised symbioses: (count, tonnes a year, t CO2e a year).
    symbioses: Option<(usize, String, String)>,
    /// Its challenges the viewer sees: (id, title, status label).
    challenges: Vec<(i32, String, String)>,
    /// Published kimppas it is a member of: (slug, name).
    kimppas: Vec<(String, String)>,
    /// Published innovations and projects it takes part in (id, title).
    innovations: Vec<(i32, String)>,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let org = organisations::get_visible(ctx.app(), &ctx.principal, &slug).await?;
    let can_edit = policy::decide(&ctx.principal, Action::EditOrganisation { org: OrgId(org.id) }).allowed();
    let can_see_people =
        policy::decide(&ctx.principal, Action::ViewOrganisationMembers { org: OrgId(org.id) }).allowed();
    let can_apply = policy::decide(&ctx.principal, Action::ApplyForMembership { org: OrgId(org.id) }).allowed()
        && (org.membership_status == MembershipStatus::None || org.membership_status == MembershipStatus::Rejected);
    // Membership history is for the organisation's people and staff only.
    let history = if can_see_people { membership::history(ctx.app(), org.id).await? } else { vec![] };
    let prefer_en = ctx.lang == crate::i18n::Lang::En && !org.description_en.is_empty();
    let text = if prefer_en || org.description_fi.is_empty() { &org.description_en } else { &org.description_fi };
    let description = kimppa_app::markdown::render(text);
    let can_manage_services = policy::decide(&ctx.principal, Action::ManageServices { org: OrgId(org.id) }).allowed();
    let public = org.membership_status == MembershipStatus::Approved;
    let can_contact = public && !policy::allowed(&ctx.principal, Action::ActForOrganisation { org: OrgId(org.id) });
    let lang = ctx.lang;
    let services = services::of_org(ctx.app(), &ctx.principal, org.id, false)
        .await?
        .into_iter()
        .map(|s| {
            let t = crate::directory::service_card_title(lang, &s.title_fi, &s.title_en);
            (s, t)
        })
        .collect();
    let experts = if public || can_see_people { experts::of_org(ctx.app(), &org).await? } else { vec![] };
    let groups: Vec<(String, String)> = kimppa_app::groups::of_organisation(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|g| (g.slug.clone(), kimppa_app::groups::name(&g, ctx.lang.code()).to_string()))
        .collect();
    let carbon = org.carbon_kg.map(kimppa_app::directory::format_tonnes);
    let filter = kimppa_app::materials::Filter { org: Some(org.id), ..Default::default() };
    let (rows, listing_count) = kimppa_app::materials::browse(ctx.app(), &ctx.principal, &filter).await?;
    let impact = kimppa_app::materials::outcomes::impact(ctx.app(), Some(org.id)).await?;
    let own_challenges = kimppa_app::challenges::of_org(ctx.app(), &ctx.principal, org.id, 10).await?;
    let kimppas: Vec<(String, String)> = kimppa_app::challenges::kimppas::of_org(ctx.app(), org.id)
        .await?
        .into_iter()
        .map(|k| (k.slug, k.name))
        .collect();
    let innovations = kimppa_app::pipeline::published_of_org(ctx.app(), org.id, 10).await?;
    let symbioses = (impact.count > 0)
        .then(|| (impact.count, format!("{:.0}", impact.tonnes_per_year), format!("{:.0}", impact.co2e_tonnes)));
    let mut p = ctx.page("org-title").await;
    let listings = rows.into_iter().map(|l| (l.id, l.title, p.t(&format!("listing-kind-{}", l.kind)))).collect();
    let challenges =
        own_challenges.into_iter().map(|c| (c.id, c.title, p.label("challenge-status", c.status.key()))).collect();
    p.title = org.name.clone();
    p.description = text.chars().take(160).collect();
    if public {
        p.set_json_ld(serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": org.name,
            "url": p.canonical(),
            "sameAs": org.website,
            "taxID": org.business_id,
            "address": { "@type": "PostalAddress", "addressLocality": org.municipality, "addressCountry": org.country },
        }));
    }
    Ok(crate::html(&ShowPage {
        p,
        org,
        description,
        can_edit,
        can_see_people,
        can_apply,
        can_manage_services,
        can_contact,
        history,
        services,
        listings,
        listing_count,
        symbioses,
        challenges,
        kimppas,
        innovations,
        experts,
        groups,
        carbon,
    }))
}
