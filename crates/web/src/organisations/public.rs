use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Query,
};
use askama::Template;
use axum::{extract::Path, response::Response};
use kimppa_app::{
    membership,
    organisations::{self, ListFilter},
    policy::{self, Action},
};
use kimppa_domain::{FocusArea, OrgType};
use kimppa_store::entities::organisation;

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListPage {
    p: Page,
    orgs: Vec<organisation::Model>,
    filter: ListFilter,
    types: super::Options,
    focuses: super::Options,
}

pub async fn list(ctx: Ctx, Query(filter): Query<ListFilter>) -> Result<Response, WebError> {
    let orgs = organisations::list_public(ctx.app(), &filter).await?;
    let types =
        super::options(OrgType::ALL, OrgType::key, "org-type", ctx.lang, std::slice::from_ref(&filter.org_type));
    let focuses =
        super::options(FocusArea::ALL, FocusArea::key, "focus", ctx.lang, std::slice::from_ref(&filter.focus));
    Ok(crate::html(&ListPage { p: ctx.page("orgs-title").await, orgs, filter, types, focuses }))
}

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowPage {
    p: Page,
    org: organisation::Model,
    description: String,
    can_edit: bool,
    can_see_people: bool,
    can_apply: bool,
    history: Vec<membership::HistoryRow>,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    let (org, role) = organisations::get_visible(ctx.app(), &ctx.actor, &slug).await?;
    let can_edit = policy::decide(&ctx.actor, Action::EditOrganisation { my_role: role }).allowed();
    let can_see_people = policy::decide(&ctx.actor, Action::ViewOrganisationMembers { my_role: role }).allowed();
    let can_apply = policy::decide(&ctx.actor, Action::ApplyForMembership { my_role: role }).allowed()
        && (org.membership_status == "none" || org.membership_status == "rejected");
    // Membership history is for the organisation's people and staff only.
    let history = if can_see_people { membership::history(ctx.app(), org.id).await? } else { vec![] };
    let prefer_en = ctx.lang == crate::i18n::Lang::En && !org.description_en.is_empty();
    let text = if prefer_en || org.description_fi.is_empty() { &org.description_en } else { &org.description_fi };
    let description = kimppa_markdown::render(text);
    let mut p = ctx.page("org-title").await;
    p.title = org.name.clone();
    Ok(crate::html(&ShowPage { p, org, description, can_edit, can_see_people, can_apply, history }))
}
