//! The directory and services marketplace: catalogue filters against a
//! naive filter, joint services, the contact flow with emails, leads and
//! signed webhooks, query counts, CSV import/export and expert privacy.

use crate::common::TestApp;
use axum::http::StatusCode;
use kimppa_app::{
    directory::{
        catalogue::{self, CatalogueQuery, Dim},
        contact::{self, ContactForm, Target},
        experts::{self, ExpertForm},
        services::{self, ServiceForm},
        sort_key, webhooks,
    },
    organisations::{self, OrgForm},
};
use kimppa_domain::{FocusArea, Language, OfferingType, OrgRole, OrgType, PlatformRole, Region};
use kimppa_domain::{LeadStatus, MembershipStatus};
use kimppa_domain::{MembershipTier, PriceKind, ServiceStatus, SizeClass};
use kimppa_store::entities::{contact_request, org_member, organisation, service, webhook_delivery};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// A small deterministic generator (xorshift), so failures repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn some<T: Copy>(&mut self, v: &[T], max: usize) -> Vec<T> {
        let n = self.below(max + 1);
        (0..n).map(|_| *self.pick(v)).collect()
    }
}

const WORDS: &[&str] = &["kierrätys", "muovi", "betoni", "Äänekoski", "puu", "data_x", "100%", "sivuvirta"];
const MUNICIPALITIES: &[&str] = &["Oulu", "Kempele", "Raahe", "Ii"];

fn keys<T: Copy>(v: &[T], key: fn(T) -> &'static str) -> Vec<String> {
    v.iter().map(|x| key(*x).to_string()).collect()
}

/// What the naive filter knows of a generated service.
struct NaiveService {
    id: i32,
    title: String,
    text: String,
    published: bool,
    offering: String,
    focus: Vec<String>,
    regions: Vec<Region>,
    languages: Vec<String>,
    org_types: Vec<String>,
    newest: chrono::DateTime<chrono::Utc>,
}

impl NaiveService {
    fn value_matches(&self, d: Dim, v: &str) -> bool {
        match d {
            Dim::Offering => self.offering == v,
            Dim::Focus => self.focus.iter().any(|f| f == v),
            Dim::OrgType => self.org_types.iter().any(|t| t == v),
            Dim::Region => Region::parse(v).is_ok_and(|r| {
                self.regions.contains(&r)
                    || (r != Region::International && self.regions.contains(&Region::WholeFinland))
            }),
            Dim::Language => self.languages.iter().any(|l| l == v),
            Dim::Municipality => false,
        }
    }
}

async fn filters_combine_like_a_naive_filter(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let mut rng = Rng(0x5eed_2026_1123);
    // Organisations: approved ones of varied types and one still pending.
    let types = [OrgType::Sme, OrgType::Anchor, OrgType::Research, OrgType::Municipality];
    let mut orgs = vec![];
    for i in 0..6 {
        let (admin, _) = t.user(&format!("admin{i}@suodatin.test"), PlatformRole::Person).await;
        let status = if i == 5 { "pending" } else { "approved" };
        let org = t.org(&admin, &format!("Suodatin {i} Oy"), status).await;
        let form = OrgForm {
            name: format!("Suodatin {i} {} Oy", rng.pick(WORDS)),
            country: "SE".into(),
            org_type: types[i % types.len()].key().into(),
            size_class: "small".into(),
            municipality: MUNICIPALITIES[i % MUNICIPALITIES.len()].into(),
            focus_areas: keys(&rng.some(FocusArea::ALL, 3), FocusArea::key),
            offering_types: keys(&rng.some(OfferingType::ALL, 2), OfferingType::key),
            description_fi: format!("Kuvaus {}", rng.pick(WORDS)),
            ..Default::default()
        };
        let org = organisations::update(&t.app, &t.principal(&admin).await, &org.slug, &form).await.unwrap();
        orgs.push((org, admin));
    }
    let type_of: HashMap<i32, String> = orgs.iter().map(|(o, _)| (o.id, o.org_type.to_string())).collect();
    let approved: HashSet<i32> =
        orgs.iter().filter(|(o, _)| o.membership_status == MembershipStatus::Approved).map(|(o, _)| o.id).collect();

    // Services with random values; some joint, some co-providers confirmed.
    let mut naive = vec![];
    for i in 0..90 {
        let (owner, admin) = &orgs[rng.below(orgs.len())];
        let status = *rng.pick(&["published", "published", "published", "draft", "archived"]);
        let mut regions = rng.some(Region::ALL, 3);
        if regions.is_empty() {
            regions.push(Region::PohjoisPohjanmaa);
        }
        let mut languages = rng.some(Language::ALL, 2);
        if languages.is_empty() {
            languages.push(Language::Fi);
        }
        let title = format!("{} {} {i}", rng.pick(WORDS), rng.pick(WORDS));
        let description = format!("Palvelu {}", rng.pick(WORDS));
        let co: Vec<&(organisation::Model, kimppa_store::entities::user::Model)> = if rng.below(5) == 0 {
            orgs.iter().filter(|(o, _)| o.id != owner.id && approved.contains(&o.id)).take(1 + rng.below(2)).collect()
        } else {
            vec![]
        };
        let form = ServiceForm {
            title_fi: title.clone(),
            description_fi: description.clone(),
            offering_type: rng.pick(OfferingType::ALL).key().into(),
            focus_areas: keys(&rng.some(FocusArea::ALL, 3), FocusArea::key),
            regions: keys(&regions, Region::key),
            languages: keys(&languages, Language::key),
            price_kind: "quote".into(),
            status: status.into(),
            co_providers: co.iter().map(|(o, _)| o.slug.clone()).collect(),
            ..Default::default()
        };
        let s = services::create(&t.app, &t.principal(admin).await, &owner.slug, &form).await.unwrap();
        let mut org_types = vec![type_of[&owner.id].clone()];
        for (o, a) in &co {
            if rng.below(2) == 0 {
                services::answer_co_provision(&t.app, &t.principal(a).await, &s.slug, true).await.unwrap();
                org_types.push(type_of[&o.id].clone());
            }
        }
        let s = service::Entity::find_by_id(s.id).one(&t.app.db).await.unwrap().unwrap();
        naive.push(NaiveService {
            id: s.id,
            text: format!("{title} {description}").to_lowercase(),
            title,
            published: status == "published" && approved.contains(&owner.id),
            offering: form.offering_type.clone(),
            focus: form.focus_areas.clone(),
            regions: Region::parse_list(form.regions.iter().map(String::as_str)).unwrap(),
            languages: form.languages.clone(),
            org_types,
            newest: s.published_at.unwrap_or(s.created_at),
        });
    }

    let dims = [Dim::Offering, Dim::Focus, Dim::OrgType, Dim::Region, Dim::Language];
    let values = |d: Dim| -> Vec<String> {
        match d {
            Dim::Offering => keys(OfferingType::ALL, OfferingType::key),
            Dim::Focus => keys(FocusArea::ALL, FocusArea::key),
            Dim::OrgType => keys(OrgType::ALL, OrgType::key),
            Dim::Region => keys(Region::ALL, Region::key),
            Dim::Language => keys(Language::ALL, Language::key),
            Dim::Municipality => vec![],
        }
    };
    for round in 0..150 {
        let mut q = CatalogueQuery::default();
        for d in dims {
            if rng.below(3) == 0 {
                let vs = values(d);
                let v = rng.pick(&vs).clone();
                q.set(d, &v);
            }
        }
        if rng.below(4) == 0 {
            q.q = rng.pick(WORDS).to_uppercase();
        }
        if rng.below(2) == 0 {
            q.sort = "newest".into();
        }
        q.page = (1 + rng.below(3)).to_string();
        let chosen: Vec<(Dim, String)> =
            dims.iter().filter(|d| !q.get(**d).is_empty()).map(|d| (*d, q.get(*d).to_string())).collect();
        let word = q.q.to_lowercase();
        let base: Vec<&NaiveService> =
            naive.iter().filter(|s| s.published && (word.is_empty() || s.text.contains(&word))).collect();
        let matches = |s: &NaiveService, skip: Option<Dim>| {
            chosen.iter().all(|(d, v)| Some(*d) == skip || s.value_matches(*d, v))
        };
        let mut expected: Vec<&NaiveService> = base.iter().copied().filter(|s| matches(s, None)).collect();
        if q.sort == "newest" {
            expected.sort_by(|a, b| {
                b.newest.cmp(&a.newest).then(sort_key(&a.title).cmp(&sort_key(&b.title))).then(a.id.cmp(&b.id))
            });
        } else {
            expected.sort_by(|a, b| sort_key(&a.title).cmp(&sort_key(&b.title)).then(a.id.cmp(&b.id)));
        }
        let pages = expected.len().div_ceil(catalogue::PAGE_SIZE).max(1);
        let page = q.page().min(pages);
        let expected_ids: Vec<i32> =
            expected.iter().skip((page - 1) * catalogue::PAGE_SIZE).take(catalogue::PAGE_SIZE).map(|s| s.id).collect();

        let (listing, cards) = catalogue::services(&t.app, &q, "fi").await.unwrap();
        assert_eq!(listing.total, expected.len(), "round {round}: total for {q:?}");
        assert_eq!(listing.ids, expected_ids, "round {round}: page for {q:?}");
        assert_eq!(cards.iter().map(|c| c.service.id).collect::<Vec<_>>(), expected_ids);
        for f in &listing.facets {
            for v in &f.values {
                let want = base.iter().filter(|s| matches(s, Some(f.dim)) && s.value_matches(f.dim, &v.key)).count();
                assert_eq!(v.count, want, "round {round}: count of {}={} for {q:?}", f.dim.param(), v.key);
            }
        }
    }

    // The organisation catalogue: municipality and the rest, against the same idea.
    let all_orgs = organisation::Entity::find().all(&t.app.db).await.unwrap();
    for round in 0..60 {
        let mut q = CatalogueQuery::default();
        if rng.below(2) == 0 {
            q.municipality = rng.pick(MUNICIPALITIES).to_string();
        }
        if rng.below(2) == 0 {
            q.org_type = rng.pick(&types).key().into();
        }
        if rng.below(3) == 0 {
            q.focus = rng.pick(FocusArea::ALL).key().into();
        }
        if rng.below(3) == 0 {
            q.offering = rng.pick(OfferingType::ALL).key().into();
        }
        let expected: HashSet<i32> = all_orgs
            .iter()
            .filter(|o| o.membership_status == MembershipStatus::Approved)
            .filter(|o| q.municipality.is_empty() || o.municipality == q.municipality)
            .filter(|o| q.org_type.is_empty() || o.org_type.key() == q.org_type)
            .filter(|o| q.focus.is_empty() || o.focus_areas.split(',').any(|f| f == q.focus))
            .filter(|o| q.offering.is_empty() || o.offering_types.split(',').any(|f| f == q.offering))
            .map(|o| o.id)
            .collect();
        let (listing, _) = catalogue::organisations(&t.app, &q).await.unwrap();
        assert_eq!(listing.ids.iter().copied().collect::<HashSet<_>>(), expected, "round {round}: {q:?}");
    }

    // The HTML page and the API agree with the use case.
    let q = CatalogueQuery { offering: naive[0].offering.clone(), ..Default::default() };
    let (listing, _) = catalogue::services(&t.app, &q, "fi").await.unwrap();
    let mut c = t.client();
    let api = c.get_json(&format!("/api/v1/services?offering={}", q.offering)).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["total"].as_u64().unwrap() as usize, listing.total);
    let page = c.get(&format!("/fi/services?offering={}", q.offering)).await;
    assert!(page.body.contains(&format!("Tuloksia: {}", listing.total)), "{}", page.body);
    assert_eq!(c.get_json("/api/v1/services?region=mars").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get("/fi/services?region=mars&page=x").await.status, StatusCode::OK, "pages ignore bad values");
}

fn service_form(title: &str, co: &[&str]) -> ServiceForm {
    ServiceForm {
        title_fi: title.into(),
        title_en: format!("{title} (en)"),
        description_fi: "Teemme purkukartoituksia ja materiaalipasseja.".into(),
        offering_type: "resource-recovery".into(),
        focus_areas: vec!["construction".into()],
        regions: vec!["pohjois-pohjanmaa".into()],
        languages: vec!["fi".into(), "en".into()],
        price_kind: "fixed".into(),
        price_eur: "1 900".into(),
        status: "published".into(),
        co_providers: co.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

async fn joint_service_shows_after_each_co_provider_confirms(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (a, _) = t.user("a@yhteis.test", PlatformRole::Person).await;
    let (bb, _) = t.user("b@yhteis.test", PlatformRole::Person).await;
    let (c, _) = t.user("c@yhteis.test", PlatformRole::Person).await;
    let org_a = t.org(&a, "Aaltoa Oy", "approved").await;
    let org_b = t.org(&bb, "Beeta Oy", "approved").await;
    let org_c = t.org(&c, "Ceeta Oy", "approved").await;
    let s = services::create(
        &t.app,
        &t.principal(&a).await,
        &org_a.slug,
        &service_form("Yhteispalvelu", &[&org_b.slug, &org_c.slug]),
    )
    .await
    .unwrap();
    assert_eq!(s.price_eur, Some(1900));
    // Each co-provider's admin is asked by email.
    assert!(t.last_email_to("b@yhteis.test").await.body_text.contains("/fi/organisations/beeta-oy/services"));
    assert!(t.last_email_to("c@yhteis.test").await.body_text.contains("Yhteispalvelu"));
    let mut anon = t.client();
    let shows = |body: &str| body.contains(&format!("/fi/services/{}", s.slug));
    assert!(shows(&anon.get("/fi/organisations/aaltoa-oy").await.body));
    assert!(!shows(&anon.get("/fi/organisations/beeta-oy").await.body), "B has not confirmed");
    assert!(!shows(&anon.get("/fi/organisations/ceeta-oy").await.body), "C has not confirmed");
    let page = anon.get(&format!("/fi/services/{}", s.slug)).await;
    assert!(!page.body.contains("Beeta Oy"), "unconfirmed co-providers are not named");
    let api = anon.get_json(&format!("/api/v1/services/{}", s.slug)).await.json();
    assert_eq!(api["providers"].as_array().unwrap().len(), 1);

    // B confirms on its services page, C declines on the service page.
    let mut cb = t.login(&bb, None).await;
    let manage = cb.get("/fi/organisations/beeta-oy/services").await;
    assert!(manage.body.contains("Yhteispalvelu"), "the request is listed");
    let r = cb.post(&format!("/fi/services/{}/co-provision", s.slug), &[("answer", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(shows(&anon.get("/fi/organisations/beeta-oy").await.body));
    assert!(!shows(&anon.get("/fi/organisations/ceeta-oy").await.body));
    let mut cc = t.login(&c, None).await;
    let r = cc.post(&format!("/fi/services/{}/co-provision", s.slug), &[("answer", "decline")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!shows(&anon.get("/fi/organisations/ceeta-oy").await.body));
    let page = anon.get(&format!("/fi/services/{}", s.slug)).await;
    assert!(page.body.contains("Beeta Oy") && !page.body.contains("Ceeta Oy"));
    let api = anon.get_json(&format!("/api/v1/services/{}", s.slug)).await.json();
    assert_eq!(api["providers"][1]["slug"], "beeta-oy");
    // The owner was told both answers; the catalogue counts the joint service for both types.
    assert_eq!(t.emails_to("a@yhteis.test").await.len(), 2);
    // A confirmation cannot be given twice or by someone else.
    let r = cb.post(&format!("/fi/services/{}/co-provision", s.slug), &[("answer", "accept")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Drafts are seen by the owner's admins only; archived ones stay reachable with a notice.
    let mut draft = service_form("Luonnos", &[]);
    draft.status = "draft".into();
    let d = services::create(&t.app, &t.principal(&a).await, &org_a.slug, &draft).await.unwrap();
    assert_eq!(anon.get(&format!("/fi/services/{}", d.slug)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(cb.get(&format!("/fi/services/{}", d.slug)).await.status, StatusCode::NOT_FOUND);
    let mut ca = t.login(&a, None).await;
    assert_eq!(ca.get(&format!("/fi/services/{}", d.slug)).await.status, StatusCode::OK);
    let contact_link = format!("/fi/services/{}/contact", s.slug);
    assert!(!ca.get(&format!("/fi/services/{}", s.slug)).await.body.contains(&contact_link), "no contact to oneself");
    assert!(anon.get(&format!("/fi/services/{}", s.slug)).await.body.contains(&contact_link));
    let r = ca
        .post(
            &format!("/fi/services/{}/edit", s.slug),
            &[
                ("title_fi", "Yhteispalvelu"),
                ("description_fi", "Kuvaus"),
                ("offering_type", "resource-recovery"),
                ("regions", "pohjois-pohjanmaa"),
                ("languages", "fi"),
                ("price_kind", "quote"),
                ("status", "archived"),
                ("co_providers", "beeta-oy"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = anon.get(&format!("/fi/services/{}", s.slug)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("arkistoitu"));
    assert!(!shows(&anon.get("/fi/services").await.body), "archived services are not listed");
    // A bad form comes back with the typed values and errors beside the fields.
    let r = ca
        .post(
            &format!("/fi/organisations/{}/services/new", org_a.slug),
            &[("title_fi", "Keskeneräinen"), ("price_eur", "paljon"), ("co_providers", "ei-ole")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"Keskeneräinen\"") && r.body.contains("value=\"paljon\""));
    assert!(r.body.contains("f-price_eur-error") && r.body.contains("f-regions-error"));
    let _ = org_c;
}

/// A webhook receiver: verifies signatures with `secret`, fails the first
/// request, and records what it saw.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(bool, serde_json::Value, String)>>>,
}

async fn receiver(secret: String, r: Receiver) -> String {
    use axum::{body::Bytes, http::HeaderMap, routing::post};
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let (secret, r) = (secret.clone(), r.clone());
            async move {
                let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let ok = webhooks::verify(
                    &secret,
                    &h("x-kimppa-timestamp"),
                    &h("x-kimppa-signature"),
                    &body,
                    chrono::Utc::now().timestamp(),
                );
                let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let mut seen = r.seen.lock().unwrap();
                seen.push((ok, json, h("x-kimppa-delivery")));
                if !ok {
                    StatusCode::UNAUTHORIZED
                } else if seen.iter().filter(|(ok, _, _)| *ok).count() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

async fn contact_flow_records_a_lead_and_delivers_a_signed_webhook(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (provider, _) = t.user("myyja@tarjoaja.test", PlatformRole::Person).await;
    let (buyer, _) = t.user("ostaja@asiakas.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("muu@sivullinen.test", PlatformRole::Person).await;
    let (op, op_secret) = t.user("op@kimppa.test", PlatformRole::Operator).await;
    let org = t.org(&provider, "Tarjoaja Oy", "approved").await;
    let buyer_org = t.org(&buyer, "Asiakas Oy", "approved").await;
    let s = services::create(&t.app, &t.principal(&provider).await, &org.slug, &service_form("Purkukartoitus", &[]))
        .await
        .unwrap();

    // Two endpoints: one the receiver trusts, one with a secret it does not know.
    let rec = Receiver::default();
    let mut cop = t.login(&op, op_secret.as_deref()).await;
    // Register with a placeholder URL first to learn the secret, then point the receiver at it.
    let good = webhooks::create(
        &t.app,
        &t.elevated(&op).await,
        &webhooks::EndpointForm { url: "http://127.0.0.1:9/x".into(), description: "CRM".into() },
    )
    .await
    .unwrap();
    let url = receiver(good.secret.clone(), rec.clone()).await;
    let mut am: kimppa_store::entities::webhook_endpoint::ActiveModel = good.clone().into();
    am.url = Set(url.clone());
    am.update(&t.app.db).await.unwrap();
    let r = cop.post("/fi/admin/webhooks", &[("url", url.as_str()), ("description", "Väärä avain")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let admin_page = cop.get("/fi/admin/webhooks").await;
    assert!(admin_page.body.contains(&good.secret), "operators see the secret to configure the receiver");

    // The buyer sends a need with a PDF attachment on behalf of their organisation.
    let mut cb = t.login(&buyer, None).await;
    assert_eq!(cb.get(&format!("/fi/services/{}/contact", s.slug)).await.status, StatusCode::OK);
    let message = "Tarvitsemme purkukartoituksen kahdelle rivitalolle Kaakkurissa keväällä.";
    let r = cb
        .post_multipart(
            &format!("/fi/services/{}/contact", s.slug),
            &[("message", message), ("from_org", buyer_org.slug.as_str()), ("homepage", "")],
            "attachment",
            "piirustus ä.pdf",
            b"%PDF-1.4 test",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let leads = contact_request::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(leads.len(), 1, "one lead");
    let lead = &leads[0];
    assert_eq!(r.location(), format!("/fi/inbox/{}", lead.id));
    assert_eq!((lead.status.key(), lead.from_org_id), ("new", Some(buyer_org.id)));
    // Two emails: the provider's and the sender's copy.
    let to_provider = t.emails_to("myyja@tarjoaja.test").await;
    let to_buyer = t.emails_to("ostaja@asiakas.test").await;
    let contact_emails: Vec<_> =
        to_provider.iter().chain(to_buyer.iter()).filter(|e| e.body_text.contains(message)).collect();
    assert_eq!(contact_emails.len(), 2);
    assert!(to_provider.iter().any(|e| e.subject.contains("Purkukartoitus") && e.body_text.contains("Asiakas Oy")));

    // First delivery: the receiver fails, the wrong-secret endpoint refuses.
    t.run_jobs().await;
    let deliveries = webhook_delivery::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(deliveries.len(), 2);
    let good_delivery = deliveries.iter().find(|d| d.endpoint_id == good.id).unwrap();
    assert_eq!(
        (good_delivery.status.as_str(), good_delivery.attempts, good_delivery.response_code),
        ("pending", 1, Some(500))
    );
    let bad_delivery = deliveries.iter().find(|d| d.endpoint_id != good.id).unwrap();
    assert_eq!(bad_delivery.response_code, Some(401), "a bad signature is rejected by the receiver");
    // The retry comes after the backoff.
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    t.run_jobs().await;
    let good_delivery = webhook_delivery::Entity::find_by_id(good_delivery.id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!((good_delivery.status.as_str(), good_delivery.attempts), ("delivered", 2));
    let seen = rec.seen.lock().unwrap().clone();
    let valid: Vec<_> = seen.iter().filter(|(ok, _, _)| *ok).collect();
    assert_eq!(valid.len(), 2, "failed once, then delivered");
    assert!(seen.iter().any(|(ok, _, _)| !ok), "the other endpoint's signature did not verify");
    assert_eq!(valid[0].2, valid[1].2, "the retry carries the same delivery id");
    let payload = &valid[1].1;
    assert_eq!(payload["event"], "lead.created");
    assert_eq!(payload["lead"]["id"], lead.id);
    assert_eq!(payload["service"]["slug"], s.slug);
    assert_eq!(payload["sender"]["organisation"]["slug"], buyer_org.slug);
    let log = cop.get("/fi/admin/webhooks").await;
    assert!(log.body.contains("Toimitettu") && log.body.contains("401"));

    // The provider answers in the inbox; the buyer is told.
    let mut cp = t.login(&provider, None).await;
    let inbox = cp.get("/fi/inbox").await;
    assert!(inbox.body.contains("Purkukartoitus") && inbox.body.contains("Asiakas Oy"));
    let file = cp.get(&format!("/fi/inbox/{}/attachment", lead.id)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert!(file.header("content-disposition").starts_with("attachment;"));
    let mut co = t.login(&outsider, None).await;
    assert_eq!(co.get(&format!("/fi/inbox/{}", lead.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(co.get(&format!("/fi/inbox/{}/attachment", lead.id)).await.status, StatusCode::NOT_FOUND);
    let r =
        cp.post(&format!("/fi/inbox/{}/reply", lead.id), &[("body", "Kiitos, teemme tarjouksen viikolla 49.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(t.last_email_to("ostaja@asiakas.test").await.body_text.contains("viikolla 49"));
    let r = cp.post(&format!("/fi/inbox/{}/status", lead.id), &[("status", "negotiation")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lead_now = contact_request::Entity::find_by_id(lead.id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!(lead_now.status, LeadStatus::Negotiation);
    assert!(lead_now.answered_at.is_some());
    // The buyer sees the answer in their sent requests.
    let thread = cb.get(&format!("/fi/inbox/{}", lead.id)).await;
    assert!(thread.body.contains("viikolla 49"));

    // Counts for the organisation's admin and the orchestrators.
    let kpi = cp.get(&format!("/fi/organisations/{}/leads", org.slug)).await;
    assert_eq!(kpi.status, StatusCode::OK);
    assert!(kpi.body.contains("Purkukartoitus") && kpi.body.contains(&kimppa_app::now().format("%Y-%m").to_string()));
    assert_eq!(cb.get(&format!("/fi/organisations/{}/leads", org.slug)).await.status, StatusCode::FORBIDDEN);

    // Bad input: spam trap, own organisation, too short; nothing is stored.
    let form = |m: &str, trap: &str| ContactForm { message: m.into(), homepage: trap.into(), ..Default::default() };
    let target = Target::Service(s.slug.clone());
    let buyer_actor = t.principal(&buyer).await;
    assert!(contact::send(&t.app, &buyer_actor, &target, &form(message, "http://spam"), None).await.is_err());
    assert!(contact::send(&t.app, &buyer_actor, &target, &form("liian lyhyt", ""), None).await.is_err());
    assert!(contact::send(&t.app, &t.principal(&provider).await, &target, &form(message, ""), None).await.is_err());
    let r = cb
        .post_multipart(
            &format!("/fi/services/{}/contact", s.slug),
            &[("message", "lyhyt")],
            "attachment",
            "x.exe",
            b"MZ\x90\x00",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(">lyhyt</textarea>"), "the typed message comes back");
    assert_eq!(contact_request::Entity::find().count(&t.app.db).await.unwrap(), 1);
    // A double submit returns the same lead; a flood is refused.
    let again = contact::send(&t.app, &buyer_actor, &target, &form(message, ""), None).await.unwrap();
    assert_eq!(again.id, lead.id);
    for i in 0..4 {
        contact::send(&t.app, &buyer_actor, &target, &form(&format!("{message} Kysymys numero {i}."), ""), None)
            .await
            .unwrap();
    }
    let err = contact::send(&t.app, &buyer_actor, &target, &form(&format!("{message} Vielä yksi."), ""), None).await;
    assert!(matches!(err, Err(kimppa_app::AppError::RateLimited)), "{err:?}");

    // The receiver reports abuse: the sender can no longer write.
    let r = cp.post(&format!("/fi/inbox/{}/report", lead.id), &[("reason", "Mainos, ei oikea tarve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = cb.post(&format!("/fi/inbox/{}/reply", lead.id), &[("body", "Hei vielä!")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Adds `n` approved organisations, each with a published service and a listed expert.
async fn bulk(t: &TestApp, from: usize, n: usize) {
    use kimppa_store::entities::{expert, user};
    let now = kimppa_app::now();
    let orgs: Vec<organisation::ActiveModel> = (from..from + n)
        .map(|i| organisation::ActiveModel {
            slug: Set(format!("massa-{i}")),
            name: Set(format!("Massa {i} Oy")),
            business_id: Set(None),
            country: Set("FI".into()),
            org_type: Set(if i % 2 == 0 { OrgType::Sme } else { OrgType::Research }),
            size_class: Set(SizeClass::Small),
            municipality: Set(MUNICIPALITIES[i % 4].into()),
            focus_areas: Set("energy,water".into()),
            offering_types: Set("consulting".into()),
            description_fi: Set(String::new()),
            description_en: Set(String::new()),
            membership_status: Set(MembershipStatus::Approved),
            membership_tier: Set(Some(MembershipTier::Member)),
            search_text: Set(format!("massa {i} oy")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in orgs.chunks(200) {
        organisation::Entity::insert_many(chunk.to_vec()).exec(&t.app.db).await.unwrap();
    }
    let ids: Vec<(i32, String)> = organisation::Entity::find()
        .filter(organisation::Column::Slug.starts_with("massa-"))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.slug.trim_start_matches("massa-").parse::<usize>().is_ok_and(|i| i >= from))
        .map(|o| (o.id, o.slug))
        .collect();
    let services: Vec<service::ActiveModel> = ids
        .iter()
        .map(|(id, slug)| service::ActiveModel {
            slug: Set(format!("{slug}-palvelu")),
            owner_org_id: Set(*id),
            status: Set(ServiceStatus::Published),
            title_fi: Set(format!("Palvelu {slug}")),
            title_en: Set(String::new()),
            description_fi: Set("Kuvaus".into()),
            description_en: Set(String::new()),
            offering_type: Set(OfferingType::Consulting),
            focus_areas: Set("energy".into()),
            regions: Set("whole-finland".into()),
            languages: Set("fi".into()),
            price_kind: Set(PriceKind::Quote),
            price_note_fi: Set(String::new()),
            price_note_en: Set(String::new()),
            search_text: Set(format!("palvelu {slug}")),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(Some(now)),
            ..Default::default()
        })
        .collect();
    for chunk in services.chunks(200) {
        service::Entity::insert_many(chunk.to_vec()).exec(&t.app.db).await.unwrap();
    }
    let users: Vec<user::ActiveModel> = ids
        .iter()
        .map(|(_, slug)| user::ActiveModel {
            email: Set(format!("asiantuntija@{slug}.test")),
            name: Set(format!("Asiantuntija {slug}")),
            password_hash: Set("x".into()),
            platform_role: Set(PlatformRole::Person),
            locale: Set("fi".into()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in users.chunks(200) {
        user::Entity::insert_many(chunk.to_vec()).exec(&t.app.db).await.unwrap();
    }
    let mut experts = vec![];
    for (id, slug) in &ids {
        let u = user::Entity::find()
            .filter(user::Column::Email.eq(format!("asiantuntija@{slug}.test")))
            .one(&t.app.db)
            .await
            .unwrap()
            .unwrap();
        experts.push(expert::ActiveModel {
            user_id: Set(u.id),
            org_id: Set(*id),
            listed: Set(true),
            tags: Set("lca".into()),
            languages: Set("fi".into()),
            focus_areas: Set("energy".into()),
            bio_fi: Set(String::new()),
            bio_en: Set(String::new()),
            search_text: Set(format!("asiantuntija {slug} lca")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    for chunk in experts.chunks(200) {
        expert::Entity::insert_many(chunk.to_vec()).exec(&t.app.db).await.unwrap();
    }
    // What a real write does: name the change in the change log.
    kimppa_app::search::touch_all(&t.app.db, "organisation").await.unwrap();
}

async fn catalogue_pages_do_a_bounded_number_of_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let pages = [
        "/fi/organisations",
        "/fi/organisations?org_type=sme&municipality=Oulu&sort=newest&page=2",
        "/fi/services",
        "/fi/services?region=kainuu&q=palvelu",
        "/fi/experts?language=fi",
        "/fi/organisations/massa-1",
        "/fi/services/massa-1-palvelu",
        "/api/v1/services?offering=consulting",
        "/api/v1/organisations?focus=energy",
    ];
    let (router, n) = crate::common::counted(&t);
    let measure = || {
        let router = router.clone();
        let n = n.clone();
        async move {
            let mut counts = vec![];
            for p in pages {
                let mut c = crate::common::Client { router: router.clone(), cookie: None, csrf: None };
                let before = n.load(std::sync::atomic::Ordering::SeqCst);
                let r = c.get(p).await;
                assert_eq!(r.status, StatusCode::OK, "{p}");
                counts.push(n.load(std::sync::atomic::Ordering::SeqCst) - before);
            }
            counts
        }
    };
    bulk(&t, 0, 10).await;
    let small = measure().await;
    bulk(&t, 10, 990).await;
    assert_eq!(organisation::Entity::find().count(&t.app.db).await.unwrap(), 1000);
    let large = measure().await;
    assert_eq!(small, large, "queries per page at 10 and at 1,000 organisations ({pages:?})");
    eprintln!("queries per page: {small:?}");
    // An organisation's page also lists its challenges, kimppas and innovations.
    assert!(small.iter().all(|c| (2..=15).contains(c)), "the counter sees every query: {small:?}");
}

async fn csv_import_with_a_bad_row_writes_nothing(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut c = t.login(&orch, secret.as_deref()).await;
    c.get("/fi/admin/directory").await;
    let before = organisation::Entity::find().count(&t.app.db).await.unwrap();
    let file = "\u{feff}name;business_id;org_type;size_class;municipality;focus_areas;membership_tier\n\
                Ensimmäinen Oy;0112038-9;sme;small;Oulu;\"energy,water\";member\n\
                Toinen Oy;1234567-8;sme;small;Oulu;energy;\n\
                Kolmas Oy;2345678-0;anchor;large;Raahe;metals-mining;partner\n";
    let r = c
        .post_multipart("/fi/admin/directory", &[("table", "organisations")], "file", "jasenet.csv", file.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("<td>3</td><td>business_id</td>"), "line and column named: {}", r.body);
    assert_eq!(organisation::Entity::find().count(&t.app.db).await.unwrap(), before, "nothing written");

    // Fixed, first as a dry run, then for real.
    let fixed = file.replace("1234567-8", "1572860-0");
    let r = c
        .post_multipart(
            "/fi/admin/directory",
            &[("table", "organisations"), ("dry_run", "1")],
            "file",
            "j.csv",
            fixed.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(organisation::Entity::find().count(&t.app.db).await.unwrap(), before);
    let r =
        c.post_multipart("/fi/admin/directory", &[("table", "organisations")], "file", "j.csv", fixed.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(organisation::Entity::find().count(&t.app.db).await.unwrap(), before + 3);
    let first = t.find_org("ensimmainen-oy").await;
    assert_eq!((first.membership_status.key(), first.focus_areas.as_str()), ("approved", "energy,water"));

    // Services with commas; an unknown owner is reported by line.
    let services = "owner,title_fi,description_fi,offering_type,regions,languages,price_kind,status\n\
                    ensimmainen-oy,Energiakatselmus,Katselmoimme kiinteistöt.,consulting,\"pohjois-pohjanmaa,kainuu\",fi,quote,published\n\
                    ei-ole,Toinen,Kuvaus,consulting,lappi,fi,quote,published\n";
    let r =
        c.post_multipart("/fi/admin/directory", &[("table", "services")], "file", "s.csv", services.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<td>3</td><td>owner</td>"));
    assert_eq!(service::Entity::find().count(&t.app.db).await.unwrap(), 0);
    let ok = services.lines().take(2).collect::<Vec<_>>().join("\n");
    let r = c.post_multipart("/fi/admin/directory", &[("table", "services")], "file", "s.csv", ok.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Export: BOM, semicolons by default, commas on request; round-trips.
    let e = c.get("/fi/admin/directory/export/services.csv").await;
    assert_eq!(e.status, StatusCode::OK);
    assert!(e.body.starts_with('\u{feff}'));
    assert!(e.body.contains("energiakatselmus;ensimmainen-oy;;published;Energiakatselmus"), "{}", e.body);
    let e = c.get("/fi/admin/directory/export/organisations.csv?sep=comma").await;
    assert!(e.body.contains("\"energy,water\""));
    let r = c
        .post_multipart("/fi/admin/directory", &[("table", "organisations")], "file", "o.csv", e.body.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::OK, "the export imports back: {}", r.body);
    assert_eq!(
        organisation::Entity::find().count(&t.app.db).await.unwrap(),
        before + 3,
        "by slug: updated, not duplicated"
    );
    // Export is for staff only.
    let (p, _) = t.user("p@kimppa.test", PlatformRole::Person).await;
    assert_eq!(
        t.login(&p, None).await.get("/fi/admin/directory/export/services.csv").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn experts_are_private_until_they_choose_to_be_listed(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@osaajat.test", PlatformRole::Person).await;
    let (person, _) = t.user("tutkija@osaajat.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Osaajat Oy", "approved").await;
    t.add_to_org(&org, &admin, &person, OrgRole::Member).await;
    let mut c = t.login(&person, None).await;
    let form = c.get("/fi/account/expert").await;
    assert!(form.body.contains("osaajat-oy") && !form.body.contains("name=\"listed\" value=\"on\" checked"));
    // Saved without ticking the box: nothing is public.
    let r = c
        .post(
            "/fi/account/expert",
            &[
                ("org", "osaajat-oy"),
                ("tags", "LCA, Purkukartoitus"),
                ("languages", "fi"),
                ("bio_fi", "Tutkin elinkaaria."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (e, _) = experts::own(&t.app, &t.principal(&person).await).await.unwrap().unwrap();
    assert!(!e.listed);
    assert_eq!(e.tags, "lca,purkukartoitus");
    let mut anon = t.client();
    assert!(!anon.get("/fi/experts").await.body.contains("Testi Henkilö"));
    assert_eq!(anon.get(&format!("/fi/experts/{}", e.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anon.get_json(&format!("/api/v1/experts/{}", e.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anon.get_json("/api/v1/experts").await.json()["total"], 0);
    assert!(!anon.get("/fi/organisations/osaajat-oy").await.body.contains("/fi/experts/"));
    assert_eq!(c.get(&format!("/fi/experts/{}", e.id)).await.status, StatusCode::OK, "the person sees their own");
    // Listed: public everywhere, and the text filter finds the tag.
    let r = c
        .post(
            "/fi/account/expert",
            &[
                ("listed", "on"),
                ("org", "osaajat-oy"),
                ("tags", "LCA, Purkukartoitus"),
                ("languages", "fi"),
                ("languages", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = anon.get("/fi/experts?q=purkukartoitus&language=en").await;
    assert!(list.body.contains(&format!("/fi/experts/{}", e.id)), "{}", list.body);
    assert_eq!(anon.get_json("/api/v1/experts?language=en").await.json()["total"], 1);
    assert!(anon.get("/fi/organisations/osaajat-oy").await.body.contains(&format!("/fi/experts/{}", e.id)));
    // A name change reaches the text filter.
    let r = c.post("/fi/account/profile", &[("name", "Sanna Sivuvirta"), ("title", "Tutkija")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(anon.get("/fi/experts?q=sivuvirta").await.body.contains("Sanna Sivuvirta"));
    // Listing under an organisation one does not belong to is refused.
    let (other, _) = t.user("toinen@muu.test", PlatformRole::Person).await;
    let _other_org = t.org(&other, "Muu Oy", "approved").await;
    let bad = ExpertForm { org: "muu-oy".into(), tags: "x".into(), languages: vec!["fi".into()], ..Default::default() };
    assert!(experts::save(&t.app, &t.principal(&person).await, &bad).await.is_err());
    let m = org_member::Entity::find().filter(org_member::Column::UserId.eq(person.id)).count(&t.app.db).await.unwrap();
    assert_eq!(m, 1);
}

async fn profile_edit_previews_and_shows_directory_fields(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (admin, _) = t.user("admin@profiili.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Profiili Oy", "approved").await;
    let mut c = t.login(&admin, None).await;
    let fields = |preview: bool| {
        let mut f = vec![
            ("name", "Profiili Oy"),
            ("country", "SE"),
            ("org_type", "sme"),
            ("size_class", "small"),
            ("municipality", "Oulu"),
            ("focus_areas", "energy"),
            ("offering_types", "consulting"),
            ("offering_types", "digital"),
            ("description_fi", "Uusi **kuvaus**."),
            ("carbon_tonnes", "1 234,5"),
            ("carbon_year", "2025"),
            ("carbon_method", "GHG Protocol, scopet 1–2"),
        ];
        if preview {
            f.push(("preview", "1"));
        }
        f
    };
    let r = c.post(&format!("/fi/organisations/{}/edit", org.slug), &fields(true)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<strong>kuvaus</strong>") && r.body.contains("1234,5 t CO₂e"), "{}", r.body);
    assert_eq!(t.find_org(&org.slug).await.offering_types, "", "a preview saves nothing");
    let r = c.post(&format!("/fi/organisations/{}/edit", org.slug), &fields(false)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let saved = t.find_org(&org.slug).await;
    assert_eq!(
        (saved.offering_types.as_str(), saved.carbon_kg, saved.carbon_year),
        ("consulting,digital", Some(1_234_500), Some(2025))
    );
    let page = t.client().get(&format!("/fi/organisations/{}", org.slug)).await;
    assert!(page.body.contains("Konsultointi") && page.body.contains("1234,5 t CO₂e vuodessa (2025)"));
    // Half a carbon figure is refused next to the fields.
    let mut half = fields(false);
    half.retain(|(k, _)| *k != "carbon_year");
    let r = c.post(&format!("/fi/organisations/{}/edit", org.slug), &half).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("f-carbon_year-error"));
}

both_backends!(
    filters_combine_like_a_naive_filter,
    joint_service_shows_after_each_co_provider_confirms,
    contact_flow_records_a_lead_and_delivers_a_signed_webhook,
    catalogue_pages_do_a_bounded_number_of_queries,
    csv_import_with_a_bad_row_writes_nothing,
    experts_are_private_until_they_choose_to_be_listed,
    profile_edit_previews_and_shows_directory_fields,
);
