//! Each capability's visibility module answers the same question twice: as
//! a query condition (`condition`, for lists, counts and searches) and in
//! memory (`sees`, for one record already loaded, notifications and
//! digests). These tests generate many principals and records with every
//! combination of status, visibility, membership, role, approval, second
//! factor and region, and check on both databases that the rows the
//! condition selects are exactly the rows `sees` lets through.

use crate::common::TestApp;
use kimppa_app::policy::Principal;
use kimppa_app::principal::{Membership, Person};
use kimppa_domain::OrgId;
use kimppa_domain::UserId;
use kimppa_domain::{
    ChallengeStatus, ChallengeVisibility, ListingKind, ListingStatus, ListingVisibility, MembershipStatus,
    OfferingType, OrgRole, PartnerRole, PlatformRole, PriceKind, ResponseStatus, ServiceStatus,
};
use kimppa_store::{
    entities::{
        challenge, challenge_invite, challenge_response, forum_category, forum_participant, forum_post, forum_thread,
        listing, organisation, service, service_provider, user,
    },
    sea_orm::{ActiveModelTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect},
    testing::Backend,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A small deterministic generator (xorshift64*): the same records and
/// principals on every run and on both databases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    /// True about once in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    /// A random subset of `xs`, each kept about once in `n`.
    fn some<T: Clone>(&mut self, xs: &[T], n: usize) -> Vec<T> {
        xs.iter().filter(|_| self.one_in(n)).cloned().collect()
    }
}

const REGIONS: [&str; 3] = ["pohjois-pohjanmaa", "uusimaa", "lappi"];
const PRINCIPALS: usize = 80;
const RECORDS: usize = 60;

/// People and organisations in the database, and principals made from them.
struct World {
    t: TestApp,
    users: Vec<user::Model>,
    orgs: Vec<organisation::Model>,
    principals: Vec<Principal>,
    rng: Rng,
}

async fn world(b: Backend, seed: u64) -> World {
    let t = TestApp::new(b).await;
    let mut users = vec![];
    for i in 0..8 {
        users.push(t.user(&format!("henkilo{i}@kimppa.test"), PlatformRole::Person).await.0);
    }
    let statuses = ["approved", "approved", "approved", "pending", "rejected", "none"];
    let mut orgs = vec![];
    for (i, status) in statuses.iter().enumerate() {
        orgs.push(t.org(&users[i], &format!("Organisaatio {i} Oy"), status).await);
    }
    let mut rng = Rng(seed);
    let mut principals = vec![Principal::Anonymous];
    while principals.len() < PRINCIPALS {
        let u = rng.pick(&users);
        let memberships = rng
            .some(&orgs, 3)
            .into_iter()
            .map(|o| Membership {
                org_id: OrgId(o.id),
                slug: o.slug.clone(),
                name: o.name.clone(),
                role: if rng.one_in(2) { OrgRole::Admin } else { OrgRole::Member },
                status: o.membership_status,
            })
            .collect();
        let role =
            rng.pick(&[PlatformRole::Person, PlatformRole::Person, PlatformRole::Orchestrator, PlatformRole::Operator]);
        let totp_enabled = rng.one_in(2);
        principals.push(Principal::Person(Person {
            id: UserId(u.id),
            name: u.name.clone(),
            email: u.email.clone(),
            role,
            totp_enabled,
            second_factor_passed: totp_enabled && rng.one_in(2),
            memberships,
            regions: rng.some(&REGIONS.map(String::from), 4),
        }));
    }
    // The principals cover the cases the rules tell apart; otherwise
    // agreement would prove little.
    let count = |f: &dyn Fn(&Principal) -> bool| principals.iter().filter(|p| f(p)).count();
    let covered = [
        ("staff", count(&|p| kimppa_app::policy::is_staff(p))),
        (
            "staff without the second factor",
            count(&|p| kimppa_app::policy::has_staff_role(p) && !kimppa_app::policy::is_staff(p)),
        ),
        ("people in no organisation", count(&|p| p.user_id().is_some() && p.memberships().is_empty())),
        ("admins", count(&|p| p.memberships().iter().any(|m| m.role == OrgRole::Admin))),
        ("members", count(&|p| p.memberships().iter().any(|m| m.role == OrgRole::Member))),
        ("people of approved organisations", count(&|p| p.in_approved_org())),
        ("people of unapproved organisations only", count(&|p| !p.memberships().is_empty() && !p.in_approved_org())),
        ("coordinators", count(&|p| !p.regions().is_empty())),
    ];
    for (what, n) in covered {
        assert!(n >= 3, "too few {what} among the generated principals: {n}");
    }
    World { t, users, orgs, principals, rng }
}

/// The ids a condition selects.
async fn selected<E>(t: &TestApp, condition: Condition) -> BTreeSet<i32>
where
    E: EntityTrait,
    <E::PrimaryKey as kimppa_store::sea_orm::PrimaryKeyTrait>::ValueType: Into<i32>,
{
    let pk = <E::PrimaryKey as kimppa_store::sea_orm::Iterable>::iter()
        .next()
        .map(kimppa_store::sea_orm::PrimaryKeyToColumn::into_column)
        .expect("a primary key");
    E::find()
        .select_only()
        .column(pk)
        .filter(condition)
        .into_tuple::<i32>()
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Fails with every principal and record on which the two answers differ.
fn agree(what: &str, mismatches: Vec<String>, checked: usize) {
    assert!(checked > 0, "{what}: nothing was compared");
    assert!(mismatches.is_empty(), "{what}: condition and sees disagree:\n{}", mismatches.join("\n"));
}

fn describe(p: &Principal) -> String {
    match p {
        Principal::Anonymous => "a visitor".into(),
        Principal::Person(u) => format!(
            "person {} ({:?}, totp {}, passed {}, orgs {:?}, regions {:?})",
            u.id,
            u.role,
            u.totp_enabled,
            u.second_factor_passed,
            u.memberships.iter().map(|m| (m.org_id, m.role, m.status)).collect::<Vec<_>>(),
            u.regions
        ),
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

async fn materials_agree(b: Backend) {
    let World { t, users, orgs, principals, mut rng } = world(b, 0x5eed_0001).await;
    let mut rows = vec![];
    for i in 0..RECORDS {
        let org = rng.pick(&orgs);
        let m = listing::Model {
            id: 0,
            org_id: org.id,
            created_by: rng.pick(&users).id,
            contact_user_id: None,
            kind: rng.pick(&[ListingKind::Offer, ListingKind::Want]),
            class_code: "17 01 01".into(),
            hazardous: false,
            accepts: String::new(),
            accepts_hazardous: false,
            title: format!("Erä {i}"),
            description: String::new(),
            search_text: String::new(),
            quantity: None,
            unit: "t".into(),
            frequency: "once".into(),
            unit_tonnes: None,
            municipality: "564".into(),
            region: rng.pick(&REGIONS).to_string(),
            max_km: 0,
            available_from: "2026-01-01".into(),
            available_to: None,
            delivery: "pickup".into(),
            price_kind: "free".into(),
            price: String::new(),
            visibility: rng.pick(ListingVisibility::ALL),
            notify_threshold: 0,
            status: rng.pick(ListingStatus::ALL),
            expires_on: "2027-01-01".into(),
            reminded_at: None,
            workshop_id: None,
            attachment_key: None,
            attachment_name: None,
            attachment_type: None,
            outcome: String::new(),
            outcome_reason: String::new(),
            outcome_note: String::new(),
            deal_org_id: None,
            deal_tonnes_per_year: None,
            deal_from: None,
            closed_at: None,
            created_at: now(),
            updated_at: now(),
            published_at: None,
        };
        let mut am = m.into_active_model();
        am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
        rows.push(am.insert(&t.app.db).await.unwrap());
    }
    let mut mismatches = vec![];
    for p in &principals {
        let sql = selected::<listing::Entity>(&t, kimppa_app::materials::visibility::condition(p)).await;
        for l in &rows {
            let sees = kimppa_app::materials::visibility::sees(p, l);
            if sees != sql.contains(&l.id) {
                mismatches.push(format!(
                    "{}: listing {} ({:?}, {:?}, org {}, {}) sees {sees}",
                    describe(p),
                    l.id,
                    l.status,
                    l.visibility,
                    l.org_id,
                    l.region
                ));
            }
        }
    }
    agree("materials", mismatches, principals.len() * rows.len());
}

async fn forum_agree(b: Backend) {
    let World { t, users, orgs, principals, mut rng } = world(b, 0x5eed_0002).await;
    let category = match forum_category::Entity::find().one(&t.app.db).await.unwrap() {
        Some(c) => c,
        None => forum_category::ActiveModel {
            slug: kimppa_store::sea_orm::Set("yleinen".into()),
            name_fi: kimppa_store::sea_orm::Set("Yleinen".into()),
            name_en: kimppa_store::sea_orm::Set("General".into()),
            description_fi: kimppa_store::sea_orm::Set(String::new()),
            description_en: kimppa_store::sea_orm::Set(String::new()),
            position: kimppa_store::sea_orm::Set(1),
            created_at: kimppa_store::sea_orm::Set(now()),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap(),
    };
    let mut rows = vec![];
    let mut replies = vec![];
    for i in 0..RECORDS {
        let author = rng.pick(&users);
        let mut am = forum_thread::Model {
            id: 0,
            category_id: category.id,
            author_id: author.id,
            title: format!("Ketju {i}"),
            body: "Teksti".into(),
            closed: rng.one_in(2),
            locked: false,
            pinned: false,
            reply_count: 0,
            last_post_at: now(),
            created_at: now(),
            updated_at: now(),
            accepted_post_id: None,
            pending: rng.one_in(4),
            group_id: None,
        }
        .into_active_model();
        am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
        let thread = am.insert(&t.app.db).await.unwrap();
        let mut participants = vec![];
        for _ in 0..rng.below(3) {
            let (user_id, org_id) =
                if rng.one_in(2) { (Some(rng.pick(&users).id), None) } else { (None, Some(rng.pick(&orgs).id)) };
            let mut am = forum_participant::Model {
                id: 0,
                thread_id: thread.id,
                user_id,
                org_id,
                invited_by: author.id,
                created_at: now(),
            }
            .into_active_model();
            am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
            participants.push(am.insert(&t.app.db).await.unwrap());
        }
        for _ in 0..rng.below(3) {
            let mut am = forum_post::Model {
                id: 0,
                thread_id: thread.id,
                author_id: rng.pick(&users).id,
                body: "Vastaus".into(),
                hidden: rng.one_in(4),
                pending: rng.one_in(3),
                created_at: now(),
                updated_at: now(),
            }
            .into_active_model();
            am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
            replies.push(am.insert(&t.app.db).await.unwrap());
        }
        rows.push((thread, participants));
    }
    let mut mismatches = vec![];
    for p in &principals {
        let sql = selected::<forum_thread::Entity>(&t, kimppa_app::forum::visibility::condition(p)).await;
        for (thread, participants) in &rows {
            let sees = kimppa_app::forum::visibility::sees(thread, participants, p);
            if sees != sql.contains(&thread.id) {
                mismatches.push(format!(
                    "{}: thread {} (closed {}, pending {}, author {}, invited {:?}) sees {sees}",
                    describe(p),
                    thread.id,
                    thread.closed,
                    thread.pending,
                    thread.author_id,
                    participants.iter().map(|x| (x.user_id, x.org_id)).collect::<Vec<_>>()
                ));
            }
        }
    }
    for p in &principals {
        let sql = selected::<forum_post::Entity>(&t, kimppa_app::forum::visibility::replies_condition(p)).await;
        for r in &replies {
            let sees = kimppa_app::forum::visibility::sees_reply(p, r);
            if sees != sql.contains(&r.id) {
                mismatches.push(format!(
                    "{}: reply {} (pending {}, author {}) sees {sees}",
                    describe(p),
                    r.id,
                    r.pending,
                    r.author_id
                ));
            }
        }
    }
    agree("forum", mismatches, principals.len() * (rows.len() + replies.len()));
}

async fn challenges_agree(b: Backend) {
    let World { t, users, orgs, principals, mut rng } = world(b, 0x5eed_0003).await;
    let mut rows = vec![];
    for i in 0..RECORDS {
        let org = rng.pick(&orgs);
        let mut am = challenge::Model {
            id: 0,
            org_id: org.id,
            created_by: rng.pick(&users).id,
            title: format!("Haaste {i}"),
            description: "Kuvaus".into(),
            context: String::new(),
            roles: String::new(),
            focus_areas: String::new(),
            schedule: String::new(),
            impact: String::new(),
            visibility: rng.pick(ChallengeVisibility::ALL),
            competition: false,
            deadline: None,
            criteria: String::new(),
            status: rng.pick(ChallengeStatus::ALL),
            featured: false,
            created_at: now(),
            updated_at: now(),
            published_at: None,
            notified_at: None,
        }
        .into_active_model();
        am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
        let c = am.insert(&t.app.db).await.unwrap();
        let invited: HashSet<i32> = rng.some(&orgs, 3).into_iter().map(|o| o.id).collect();
        for org in &invited {
            challenge_invite::ActiveModel {
                challenge_id: kimppa_store::sea_orm::Set(c.id),
                org_id: kimppa_store::sea_orm::Set(*org),
                ..Default::default()
            }
            .insert(&t.app.db)
            .await
            .unwrap();
        }
        let mut responses = vec![];
        for _ in 0..rng.below(3) {
            let mut am = challenge_response::Model {
                id: 0,
                challenge_id: c.id,
                user_id: rng.pick(&users).id,
                org_id: if rng.one_in(2) { Some(rng.pick(&orgs).id) } else { None },
                role: PartnerRole::Recycler,
                proposal: "Ehdotus".into(),
                status: rng.pick(ResponseStatus::ALL),
                decision_message: String::new(),
                scores: "[]".into(),
                created_at: now(),
                decided_at: None,
                attachment_key: None,
                attachment_name: None,
                attachment_type: None,
            }
            .into_active_model();
            am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
            responses.push(am.insert(&t.app.db).await.unwrap());
        }
        rows.push((c, invited, responses));
    }
    let mut mismatches = vec![];
    let mut checked = 0;
    for p in &principals {
        let sql = selected::<challenge::Entity>(&t, kimppa_app::challenges::visibility::condition(p)).await;
        for (c, invited, responses) in &rows {
            checked += 1;
            let sees = kimppa_app::challenges::visibility::sees(p, c, invited);
            if sees != sql.contains(&c.id) {
                mismatches.push(format!(
                    "{}: challenge {} ({:?}, {:?}, org {}, invited {invited:?}) sees {sees}",
                    describe(p),
                    c.id,
                    c.status,
                    c.visibility,
                    c.org_id
                ));
            }
            let readable = selected::<challenge_response::Entity>(
                &t,
                Condition::all()
                    .add(kimppa_store::sea_orm::ColumnTrait::eq(&challenge_response::Column::ChallengeId, c.id))
                    .add(kimppa_app::challenges::visibility::responses_condition(p, c)),
            )
            .await;
            for r in responses {
                checked += 1;
                let sees = kimppa_app::challenges::visibility::sees_response(p, c, r);
                if sees != readable.contains(&r.id) {
                    mismatches.push(format!(
                        "{}: response {} (by {}, org {:?}) of challenge {} (org {}) sees {sees}",
                        describe(p),
                        r.id,
                        r.user_id,
                        r.org_id,
                        c.id,
                        c.org_id
                    ));
                }
            }
        }
    }
    agree("challenges", mismatches, checked);
}

async fn services_agree(b: Backend) {
    let World { t, users, orgs, principals, mut rng } = world(b, 0x5eed_0004).await;
    let status_of: HashMap<i32, MembershipStatus> = orgs.iter().map(|o| (o.id, o.membership_status)).collect();
    let mut rows = vec![];
    for i in 0..RECORDS {
        let owner = rng.pick(&orgs);
        let mut am = service::Model {
            id: 0,
            slug: format!("palvelu-{i}"),
            owner_org_id: owner.id,
            status: rng.pick(ServiceStatus::ALL),
            title_fi: format!("Palvelu {i}"),
            title_en: String::new(),
            description_fi: "Kuvaus".into(),
            description_en: String::new(),
            offering_type: OfferingType::ResourceRecovery,
            focus_areas: String::new(),
            regions: String::new(),
            languages: "fi".into(),
            price_kind: PriceKind::Free,
            price_eur: None,
            price_note_fi: String::new(),
            price_note_en: String::new(),
            contact_user_id: None,
            search_text: String::new(),
            created_at: now(),
            updated_at: now(),
            published_at: None,
            kimppa_id: None,
        }
        .into_active_model();
        am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
        let s = am.insert(&t.app.db).await.unwrap();
        let mut asked = vec![];
        for o in rng.some(&orgs, 3).into_iter().filter(|o| o.id != owner.id) {
            let confirmed = rng.one_in(2);
            service_provider::ActiveModel {
                service_id: kimppa_store::sea_orm::Set(s.id),
                org_id: kimppa_store::sea_orm::Set(o.id),
                confirmed_at: kimppa_store::sea_orm::Set(confirmed.then(now)),
                confirmed_by: kimppa_store::sea_orm::Set(confirmed.then_some(users[0].id)),
                created_at: kimppa_store::sea_orm::Set(now()),
                ..Default::default()
            }
            .insert(&t.app.db)
            .await
            .unwrap();
            if !confirmed {
                asked.push(o.id);
            }
        }
        rows.push((s, asked));
    }
    let mut mismatches = vec![];
    for p in &principals {
        let sql = selected::<service::Entity>(&t, kimppa_app::directory::visibility::condition(p)).await;
        for (s, asked) in &rows {
            let sees = kimppa_app::directory::visibility::sees(p, s, status_of[&s.owner_org_id], asked);
            if sees != sql.contains(&s.id) {
                mismatches.push(format!(
                    "{}: service {} ({:?}, owner {} {:?}, asked {asked:?}) sees {sees}",
                    describe(p),
                    s.id,
                    s.status,
                    s.owner_org_id,
                    status_of[&s.owner_org_id]
                ));
            }
        }
    }
    agree("services", mismatches, principals.len() * rows.len());
}

async fn events_agree(b: Backend) {
    use kimppa_domain::{EventKind, EventStatus, EventVisibility};
    use kimppa_store::entities::event;
    let World { t, users, orgs, principals, mut rng } = world(b, 0x5eed_0006).await;
    let mut rows = vec![];
    for i in 0..RECORDS {
        let m = event::Model {
            id: 0,
            kind: rng.pick(EventKind::ALL),
            status: rng.pick(EventStatus::ALL),
            visibility: rng.pick(EventVisibility::ALL),
            title_fi: format!("Tapahtuma {i}"),
            title_en: String::new(),
            description_fi: String::new(),
            description_en: String::new(),
            // A third are the cluster's own.
            org_id: (!rng.one_in(3)).then(|| rng.pick(&orgs).id),
            starts_at: now(),
            ends_at: now(),
            municipality: "564".into(),
            address: String::new(),
            online: false,
            online_url: String::new(),
            language: "fi".into(),
            focus_areas: String::new(),
            capacity: None,
            registration_deadline: None,
            offer_hours: 24,
            places_taken: 0,
            waiting: 0,
            search_text: String::new(),
            cancel_note: String::new(),
            reminded_at: None,
            feedback_asked_at: None,
            created_by: rng.pick(&users).id,
            created_at: now(),
            updated_at: now(),
            published_at: None,
            group_id: None,
        };
        let mut am = m.into_active_model();
        am.id = kimppa_store::sea_orm::ActiveValue::NotSet;
        rows.push(am.insert(&t.app.db).await.unwrap());
    }
    // Registrations of the people, in every state.
    use kimppa_domain::RegistrationStatus;
    use kimppa_store::entities::event_registration;
    let mut held = std::collections::BTreeSet::new();
    for e in &rows {
        for u in &users {
            if !rng.one_in(4) {
                continue;
            }
            let status = rng.pick(RegistrationStatus::ALL);
            event_registration::ActiveModel {
                event_id: kimppa_store::sea_orm::Set(e.id),
                user_id: kimppa_store::sea_orm::Set(u.id),
                org_id: kimppa_store::sea_orm::Set(None),
                status: kimppa_store::sea_orm::Set(status),
                answers: kimppa_store::sea_orm::Set("{}".into()),
                offered_until: kimppa_store::sea_orm::Set(None),
                attended: kimppa_store::sea_orm::Set(None),
                checked_in_at: kimppa_store::sea_orm::Set(None),
                created_at: kimppa_store::sea_orm::Set(now()),
                updated_at: kimppa_store::sea_orm::Set(now()),
                ..Default::default()
            }
            .insert(&t.app.db)
            .await
            .unwrap();
            if kimppa_app::events::registrations::active(status) {
                held.insert((e.id, u.id));
            }
        }
    }
    assert!(!held.is_empty());
    let mut mismatches = vec![];
    for p in &principals {
        let sql = selected::<event::Entity>(&t, kimppa_app::events::visibility::condition(p)).await;
        for e in &rows {
            let registered = p.user_id().is_some_and(|u| held.contains(&(e.id, u.0)));
            let sees = kimppa_app::events::visibility::sees(p, e, registered);
            if sees != sql.contains(&e.id) {
                mismatches.push(format!(
                    "{}: event {} ({:?}, {:?}, org {:?}) sees {sees}",
                    describe(p),
                    e.id,
                    e.status,
                    e.visibility,
                    e.org_id
                ));
            }
        }
    }
    agree("events", mismatches, principals.len() * rows.len());
}

crate::both_backends!(materials_agree, forum_agree, challenges_agree, services_agree, events_agree);
