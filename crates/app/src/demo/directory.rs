//! The directory part of the demo: profile figures, services (some joint),
//! listed experts, and contact requests with answers spread over recent
//! months so that the lead counts have something to show.

use crate::{
    AppError,
    directory::services::{self, ServiceForm},
    now,
};
use chrono::Duration;
use kimppa_domain::{FocusArea, Language};
use kimppa_store::entities::{contact_reply, contact_request, expert, organisation, service_provider};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Deserialize;
use std::collections::HashMap;

const DATA: &str = include_str!("directory.json");

#[derive(Deserialize)]
pub(super) struct Data {
    pub profiles: Vec<Profile>,
    services: Vec<Service>,
    experts: Vec<Expert>,
    contacts: Vec<Contact>,
}

#[derive(Deserialize)]
pub(super) struct Profile {
    pub org: String,
    pub offering_types: Vec<String>,
    pub carbon: Option<Carbon>,
}

#[derive(Deserialize)]
pub(super) struct Carbon {
    pub tonnes: f64,
    pub year: i32,
    pub method_fi: String,
}

#[derive(Deserialize)]
struct Service {
    slug: String,
    owner: String,
    co_providers: Vec<String>,
    title_fi: String,
    title_en: String,
    description_fi: String,
    description_en: String,
    offering_type: String,
    focus_areas: Vec<String>,
    regions: Vec<String>,
    languages: Vec<String>,
    price_kind: String,
    price_eur: Option<i32>,
    price_note_fi: String,
    price_note_en: String,
    contact: String,
    status: String,
}

#[derive(Deserialize)]
struct Expert {
    email: String,
    org: String,
    tags: Vec<String>,
    languages: Vec<String>,
    focus_areas: Vec<String>,
    bio_fi: String,
    bio_en: String,
}

#[derive(Deserialize)]
struct Contact {
    from: String,
    org: String,
    service: Option<String>,
    message: String,
    status: kimppa_domain::LeadStatus,
    replies: Vec<Reply>,
}

#[derive(Deserialize)]
struct Reply {
    from: String,
    body: String,
}

pub(super) fn data() -> Result<Data, AppError> {
    serde_json::from_str(DATA).map_err(AppError::internal)
}

/// People by email: (id, name, title, organisation slug).
pub(super) type People = HashMap<String, (i32, String, String, String)>;

/// Loads services, experts and contacts once organisations and people exist.
pub(super) async fn load<C: ConnectionTrait>(
    conn: &C,
    data: &Data,
    orgs: &HashMap<String, organisation::Model>,
    people: &People,
) -> Result<(usize, usize), AppError> {
    let org = |slug: &str| orgs.get(slug).ok_or_else(|| AppError::fail(format!("demo: unknown org {slug}")));
    let person = |email: &str| people.get(email).ok_or_else(|| AppError::fail(format!("demo: unknown person {email}")));
    let mut service_ids: HashMap<String, i32> = HashMap::new();
    let joint_total = data.services.iter().filter(|s| !s.co_providers.is_empty()).count();
    let mut joint_seen = 0;
    for (i, s) in data.services.iter().enumerate() {
        let owner = org(&s.owner)?;
        let form = ServiceForm {
            title_fi: s.title_fi.clone(),
            title_en: s.title_en.clone(),
            description_fi: s.description_fi.clone(),
            description_en: s.description_en.clone(),
            offering_type: s.offering_type.clone(),
            focus_areas: s.focus_areas.clone(),
            regions: s.regions.clone(),
            languages: s.languages.clone(),
            price_kind: s.price_kind.clone(),
            price_eur: s.price_eur.map(|p| p.to_string()).unwrap_or_default(),
            price_note_fi: s.price_note_fi.clone(),
            price_note_en: s.price_note_en.clone(),
            contact_user_id: person(&s.contact)?.0.to_string(),
            status: s.status.clone(),
            co_providers: vec![],
            kimppa: String::new(),
            kimppa_shown: String::new(),
        };
        let d =
            services::parse_form(&form).map_err(|e| AppError::fail(format!("demo service {}: {e:?}", s.title_fi)))?;
        let row = services::write(conn, owner, None, &d).await?;
        // Spread publication over the last months so "newest" means something.
        let at = now() - Duration::days(3 * i as i64 + 1);
        let mut am: kimppa_store::entities::service::ActiveModel = row.clone().into();
        am.slug = Set(s.slug.clone());
        am.created_at = Set(at);
        am.updated_at = Set(at);
        if row.published_at.is_some() {
            am.published_at = Set(Some(at));
        }
        am.update(conn).await?;
        if !s.co_providers.is_empty() {
            joint_seen += 1;
        }
        for (k, cp) in s.co_providers.iter().enumerate() {
            // The last joint service waits for its last co-provider to confirm.
            let pending = joint_seen == joint_total && k + 1 == s.co_providers.len();
            service_provider::ActiveModel {
                service_id: Set(row.id),
                org_id: Set(org(cp)?.id),
                confirmed_at: Set((!pending).then_some(at)),
                confirmed_by: Set(None),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        service_ids.insert(s.slug.clone(), row.id);
    }
    for e in &data.experts {
        let (uid, name, title, _) = person(&e.email)?;
        let languages = Language::parse_list(e.languages.iter().map(String::as_str)).map_err(AppError::internal)?;
        let focus = FocusArea::parse_list(e.focus_areas.iter().map(String::as_str)).map_err(AppError::internal)?;
        let tags: Vec<String> = e.tags.iter().map(|t| t.trim().to_lowercase()).collect();
        expert::ActiveModel {
            user_id: Set(*uid),
            org_id: Set(org(&e.org)?.id),
            listed: Set(true),
            tags: Set(tags.join(",")),
            languages: Set(Language::join(&languages)),
            focus_areas: Set(FocusArea::join(&focus)),
            search_text: Set(crate::directory::search_text(&[name, title, &tags.join(" "), &e.bio_fi, &e.bio_en])),
            bio_fi: Set(e.bio_fi.clone()),
            bio_en: Set(e.bio_en.clone()),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    for (i, c) in data.contacts.iter().enumerate() {
        let (from, _, _, from_org) = person(&c.from)?;
        let at = now() - Duration::days(40 * i as i64 + 2);
        let service_id = match &c.service {
            Some(s) => Some(*service_ids.get(s).ok_or_else(|| AppError::fail(format!("demo: unknown service {s}")))?),
            None => None,
        };
        let answered = !c.replies.is_empty();
        let lead = contact_request::ActiveModel {
            from_user_id: Set(*from),
            from_org_id: Set(orgs.get(from_org).map(|o| o.id)),
            to_org_id: Set(org(&c.org)?.id),
            service_id: Set(service_id),
            message: Set(c.message.clone()),
            attachment_key: Set(None),
            attachment_name: Set(None),
            status: Set(c.status),
            answered_at: Set(answered.then_some(at + Duration::hours(5))),
            abuse_reported_at: Set(None),
            abuse_reason: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (k, r) in c.replies.iter().enumerate() {
            contact_reply::ActiveModel {
                request_id: Set(lead.id),
                user_id: Set(person(&r.from)?.0),
                body: Set(r.body.clone()),
                created_at: Set(at + Duration::hours(5 * (k as i64 + 1))),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    Ok((data.services.len(), data.experts.len()))
}
