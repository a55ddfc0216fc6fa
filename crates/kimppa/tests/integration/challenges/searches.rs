//! Partner searches (kimppahaku): who sees a search; suggestions with
//! reasons; browsing; the shortlist; contacts through the contact flow;
//! the orchestrators' help queue; a kimppa formed from the shortlist; the
//! figures; and a bounded number of queries on the search page.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::{MembershipStatus, MembershipTier, OrgType, SizeClass};
use kimppa_domain::{OrgRole, PlatformRole};
use kimppa_store::{
    entities::{contact_request, expert, kimppa, kimppa_member, organisation, partner_search, partner_search_entry},
    sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
    },
};

const TITLE: &str = "Kumppanit lämpöpumppujen kierrätykseen";

async fn set_org(t: &TestApp, o: &organisation::Model, org_type: &str, offering: &str, focus: &str) {
    let mut am = o.clone().into_active_model();
    am.org_type = Set(kimppa_domain::OrgType::parse(org_type).expect("an organisation type"));
    am.offering_types = Set(offering.into());
    am.focus_areas = Set(focus.into());
    am.update(&t.app.db).await.unwrap();
}

async fn start(c: &mut Client, org: &str) -> i32 {
    c.get("/fi/partner-searches/new").await;
    let r = c
        .post(
            "/fi/partner-searches/new",
            &[
                ("org", org),
                ("title", TITLE),
                ("offer_role", "technology-provider"),
                ("offer", "Kunnostamme käytettyjä lämpöpumppuja ja myymme ne palveluna."),
                ("roles", "recycler"),
                ("roles", "research-partner"),
                ("focus_areas", "energy"),
                ("value_proposition", "Uusi materiaalivirta kierrättäjälle ja pilottikohde tutkimukselle."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The browser shows the new search (and its message).
    assert_eq!(c.follow(&r).await.status, StatusCode::OK);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn a_search_becomes_a_kimppa(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (sme, _) = t.user("yrittaja@pieni.test", PlatformRole::Person).await;
    let (colleague, _) = t.user("kollega@pieni.test", PlatformRole::Person).await;
    let (rec, _) = t.user("kierratys@kierto.test", PlatformRole::Person).await;
    let (lab, _) = t.user("tutkija@labra.test", PlatformRole::Person).await;
    let (stranger, _) = t.user("muu@eijasen.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let pieni = t.org(&sme, "Pieni Oy", "approved").await;
    t.add_to_org(&pieni, &sme, &colleague, OrgRole::Member).await;
    let kierto = t.org(&rec, "Kierto Oy", "approved").await;
    set_org(&t, &kierto, "sme", "resource-recovery", "energy").await;
    // A recycler is suggested on evidence: a published service of the role.
    kimppa_app::directory::services::create(
        &t.app,
        &t.principal(&rec).await,
        &kierto.slug,
        &kimppa_app::directory::services::ServiceForm {
            title_fi: "Lämpöpumppujen kierrätys".into(),
            description_fi: "Kierrätämme lämpöpumppujen metallit ja kylmäaineet.".into(),
            offering_type: "resource-recovery".into(),
            regions: vec!["pohjois-pohjanmaa".into()],
            languages: vec!["fi".into()],
            price_kind: "quote".into(),
            status: "published".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let labra = t.org(&lab, "Lämpölabra", "approved").await;
    set_org(&t, &labra, "research", "", "energy").await;
    let outsider = t.org(&stranger, "Ei Jäsen Kierrätys Oy", "none").await;
    set_org(&t, &outsider, "sme", "resource-recovery", "energy").await;
    let lab_expert = expert::ActiveModel {
        user_id: Set(lab.id),
        org_id: Set(labra.id),
        listed: Set(true),
        tags: Set("lca".into()),
        languages: Set("fi".into()),
        focus_areas: Set("energy".into()),
        bio_fi: Set("Lämpöpumppujen elinkaariarviointi.".into()),
        bio_en: Set(String::new()),
        search_text: Set("lämpöpumppu elinkaari".into()),
        created_at: Set(kimppa_app::now()),
        updated_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();

    // Only admins of approved organisations (and staff) may start a search; the form keeps what was typed.
    let mut anon = t.client();
    assert_ne!(anon.get("/fi/partner-searches/new").await.status, StatusCode::OK);
    let mut mc = t.login(&colleague, None).await;
    assert_eq!(mc.get("/fi/partner-searches/new").await.status, StatusCode::FORBIDDEN);
    let mut xs = t.login(&stranger, None).await;
    assert_eq!(xs.get("/fi/partner-searches/new").await.status, StatusCode::FORBIDDEN, "not an approved member");
    let r = xs
        .post(
            "/fi/partner-searches/new",
            &[
                ("org", outsider.slug.as_str()),
                ("title", TITLE),
                ("offer_role", "recycler"),
                ("offer", "Tarjous"),
                ("roles", "recycler"),
                ("value_proposition", "Lupaus"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut sc = t.login(&sme, None).await;
    sc.get("/fi/partner-searches/new").await;
    let r = sc.post("/fi/partner-searches/new", &[("org", &pieni.slug), ("title", TITLE), ("roles", "wizard")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("value=\"{TITLE}\"")), "the title stays");
    assert!(r.body.contains("f-offer_role-error") && r.body.contains("f-offer-error"), "{}", r.body);
    assert_eq!(partner_search::Entity::find().count(&t.app.db).await.unwrap(), 0);
    let id = start(&mut sc, &pieni.slug).await;
    let page_url = format!("/fi/partner-searches/{id}");

    // Who sees the search: its organisation's admins and the orchestrators.
    let mut rc = t.login(&rec, None).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    assert_eq!(mc.get(&page_url).await.status, StatusCode::NOT_FOUND, "a member who is not an admin");
    assert_eq!(rc.get(&page_url).await.status, StatusCode::NOT_FOUND, "another organisation");
    assert_ne!(anon.get(&page_url).await.status, StatusCode::OK);
    assert!(!rc.get("/fi/partner-searches").await.body.contains(TITLE));
    assert!(sc.get("/fi/partner-searches").await.body.contains(TITLE));
    for path in [format!("{page_url}/edit"), format!("{page_url}/shortlist/1/contact")] {
        assert_eq!(rc.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    rc.get("/fi/challenges").await;
    let r = rc
        .post(&format!("{page_url}/shortlist"), &[("target", &format!("org:{}", kierto.slug)), ("role", "recycler")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Suggestions with reasons: the recycler by what it offers, the research organisation by its type, the
    // expert through their organisation; never the non-member.
    let page = sc.get(&page_url).await;
    assert_eq!(page.status, StatusCode::OK);
    let suggestions = page.body.split("Ehdotetut kumppanit").nth(1).unwrap_or_default();
    assert!(suggestions.contains("Kierto Oy</a> — pisteet"), "{suggestions}");
    assert!(suggestions.contains("Kierrättäjä (palvelutarjonnan perusteella)"), "{suggestions}");
    assert!(suggestions.contains("Lämpölabra</a> — pisteet"), "{suggestions}");
    assert!(suggestions.contains("Tutkimuskumppani (organisaatiotyypin perusteella)"), "{suggestions}");
    assert!(suggestions.contains("yhteiset painopistealueet: Energia"), "{suggestions}");
    assert!(suggestions.contains(&format!("value=\"expert:{}\"", lab_expert.id)), "{suggestions}");
    assert!(!page.body.contains("Ei Jäsen Kierrätys Oy"));

    // Browsing: by words, and by role.
    let found = sc.get(&format!("{page_url}?q=Kierto&role=")).await.body;
    let found = found.split("id=\"browse\"").nth(1).unwrap_or_default();
    assert!(found.contains("Kierto Oy") && !found.contains("Lämpölabra</a>"), "{found}");
    let found = sc.get(&format!("{page_url}?q=&role=research-partner")).await.body;
    let found = found.split("id=\"browse\"").nth(1).unwrap_or_default();
    assert!(found.contains("Lämpölabra</a>") && !found.contains("Kierto Oy</a>"), "{found}");
    assert!(!found.contains("Ei Jäsen"), "{found}");

    // The shortlist: an organisation and an expert; not one's own, nor a non-member; twice is once.
    let add = |target: String, role: &'static str| (target, role);
    for (target, role) in [
        add(format!("org:{}", kierto.slug), "recycler"),
        add(format!("expert:{}", lab_expert.id), "research-partner"),
        add(format!("org:{}", kierto.slug), "recycler"),
    ] {
        let r = sc.post(&format!("{page_url}/shortlist"), &[("target", &target), ("role", role)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{target}: {}", r.body);
    }
    let r = sc
        .post(&format!("{page_url}/shortlist"), &[("target", &format!("org:{}", pieni.slug)), ("role", "recycler")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Oma organisaatio ei voi olla"));
    let r = sc
        .post(&format!("{page_url}/shortlist"), &[("target", &format!("org:{}", outsider.slug)), ("role", "recycler")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let entries = partner_search_entry::Entity::find()
        .order_by_asc(partner_search_entry::Column::Id)
        .all(&t.app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].org_id, labra.id, "an expert's entry names their organisation");
    let page = sc.get(&page_url).await.body;
    let suggestions = page.split("Ehdotetut kumppanit").nth(1).unwrap_or_default();
    assert!(!suggestions.contains("Kierto Oy</a> — pisteet"), "the shortlisted are not suggested again");

    // Contacts through the directory's contact flow: a draft from the search, the limits, the emails, the lead.
    let contact_url = format!("{page_url}/shortlist/{}/contact", entries[0].id);
    let form = sc.get(&contact_url).await.body;
    assert!(form.contains(TITLE) && form.contains("Kierrättäjä"), "the message is drafted from the search");
    let r = sc.post(&contact_url, &[("message", "Hei")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(">Hei</textarea>"), "what was typed stays");
    let message = "Hei! Etsimme kierrättäjää lämpöpumppujen kierrätykseen. Olisitteko kiinnostuneita?";
    for e in &entries {
        let r = sc.post(&format!("{page_url}/shortlist/{}/contact", e.id), &[("message", message)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let leads = contact_request::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(leads.len(), 2);
    assert!(leads.iter().all(|l| l.from_org_id == Some(pieni.id) && l.from_user_id == sme.id));
    assert_eq!(leads.iter().map(|l| l.to_org_id).collect::<Vec<_>>(), vec![kierto.id, labra.id]);
    assert!(t.last_email_to("kierratys@kierto.test").await.subject.starts_with("Uusi yhteydenotto"));
    assert!(t.last_email_to("tutkija@labra.test").await.subject.starts_with("Uusi yhteydenotto"));
    let page = sc.get(&page_url).await.body;
    assert_eq!(page.matches("Yhteydenotto lähetetty").count(), 2, "{page}");

    // Asking the orchestrators for help: a request in their queue, each of them emailed; answered by email.
    let r = sc.post(&format!("{page_url}/help"), &[("help_message", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = sc.post(&format!("{page_url}/help"), &[("help_message", "Tarvitsemme rahoittajan.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = sc.post(&format!("{page_url}/help"), &[("help_message", "Vielä kerran?")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("odottaa vielä vastausta") && r.body.contains(">Vielä kerran?</textarea>"));
    let asked = t.last_email_to("orch@kimppa.test").await;
    assert!(asked.subject.contains("Pieni Oy") && asked.body_text.contains("Tarvitsemme rahoittajan."));
    assert_eq!(sc.get("/fi/admin/partner-searches").await.status, StatusCode::FORBIDDEN);
    let queue = staff.get("/fi/admin/partner-searches").await;
    assert!(queue.body.contains(TITLE) && queue.body.contains("Tarvitsemme rahoittajan."), "{}", queue.body);
    assert_eq!(staff.get(&page_url).await.status, StatusCode::OK);
    let r = sc.post(&format!("{page_url}/help/answer"), &[("help_reply", "Minä vastaan itse")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only orchestrators answer");
    let r = staff.post(&format!("{page_url}/help/answer"), &[("help_reply", "Kysykää Kiertorahastoa.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let answered = t.last_email_to("yrittaja@pieni.test").await;
    assert!(answered.subject.starts_with("Orkestroijat vastasivat") && answered.body_text.contains("Kiertorahastoa"));
    assert!(sc.get(&page_url).await.body.contains("Kysykää Kiertorahastoa."));

    // A kimppa from the shortlist: the searcher in its own role, the chosen ones in their shortlisted roles.
    let r = sc
        .post(&format!("{page_url}/kimppa"), &[("name", "Lämpöpumppukimppa"), ("value_proposition", "Yhdessä.")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Valitse lyhytlistalta ainakin yksi jäsen.") && r.body.contains("value=\"Lämpöpumppukimppa\"")
    );
    let (e1, e2) = (entries[0].id.to_string(), entries[1].id.to_string());
    let r = sc
        .post(
            &format!("{page_url}/kimppa"),
            &[
                ("members", e1.as_str()),
                ("members", e2.as_str()),
                ("name", "Lämpöpumppukimppa"),
                ("problem", "Käytetyt lämpöpumput päätyvät jätteeksi."),
                ("value_proposition", "Yhdessä kierrätämme ja tutkimme."),
                ("publish", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/fi/kimppas/lampopumppukimppa");
    let k = kimppa::Entity::find().one(&t.app.db).await.unwrap().unwrap();
    let want = |confirmed: bool| {
        let mut w = vec![
            (pieni.id, "technology-provider".to_string(), true),
            (kierto.id, "recycler".to_string(), confirmed),
            (labra.id, "research-partner".to_string(), confirmed),
        ];
        w.sort();
        w
    };
    assert_eq!(kimppa_members(&t, k.id).await, want(false), "the chosen are invited, not members yet");
    assert!(
        t.last_email_to("kierratys@kierto.test").await.subject.contains("kutsuu teidät kimppaan Lämpöpumppukimppa")
    );
    assert!(anon.get("/fi/kimppas").await.body.contains("Lämpöpumppukimppa"), "published in the catalogue");
    let public = anon.get("/fi/kimppas/lampopumppukimppa").await.body;
    assert!(
        public.contains("Pieni Oy") && !public.contains("Kierto Oy"),
        "the invited are not shown before they confirm"
    );
    let own = sc.get("/fi/kimppas/lampopumppukimppa").await.body;
    assert!(own.contains("Kutsuttu, ei vielä vahvistanut"));
    let sets = own.split("Ehdotetut täydennykset").nth(1).unwrap_or_default();
    assert!(!sets.contains("Kierto Oy") && !sets.contains("Lämpölabra"), "the invited are not suggested again: {sets}");
    // The invited confirm on the kimppa's page; someone else cannot answer for them.
    let mut xk = t.login(&stranger, None).await;
    xk.get("/fi/kimppas").await;
    let r = xk.post("/fi/kimppas/lampopumppukimppa/membership", &[("answer", "accept")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the invited organisations' admins answer");
    let mut lc = t.login(&lab, None).await;
    for c in [&mut rc, &mut lc] {
        let page = c.get("/fi/kimppas/lampopumppukimppa").await.body;
        assert!(page.contains("Organisaatiosi on kutsuttu tähän kimppaan"), "{page}");
        let r = c.post("/fi/kimppas/lampopumppukimppa/membership", &[("answer", "accept")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(kimppa_members(&t, k.id).await, want(true), "both confirmed");
    let public = anon.get("/fi/kimppas/lampopumppukimppa").await.body;
    assert!(public.contains("Kierto Oy") && public.contains("Lämpölabra"));
    let s = partner_search::Entity::find_by_id(id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!((s.status.key(), s.kimppa_id), ("formed", Some(k.id)));
    let r = sc
        .post(
            &format!("{page_url}/kimppa"),
            &[("members", e1.as_str()), ("name", "Toinen"), ("value_proposition", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "once per search");
    let outsider_target = format!("org:{}", outsider.slug);
    let r =
        sc.post(&format!("{page_url}/shortlist"), &[("target", outsider_target.as_str()), ("role", "recycler")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a formed search takes no more candidates");

    // A joint service in the kimppa's name: its other members become co-providers, each confirming.
    let service = [
        ("title_fi", "Lämpöpumppujen kierrätyspalvelu"),
        ("description_fi", "Noudamme, kunnostamme tai kierrätämme käytetyt lämpöpumput."),
        ("offering_type", "resource-recovery"),
        ("regions", "pohjois-pohjanmaa"),
        ("languages", "fi"),
        ("price_kind", "quote"),
        ("status", "published"),
        ("kimppa", "lampopumppukimppa"),
    ];
    let mut xc = t.login(&stranger, None).await;
    xc.get(&format!("/fi/organisations/{}/services/new", outsider.slug)).await;
    let r = xc.post(&format!("/fi/organisations/{}/services/new", outsider.slug), &service).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "only a member names the kimppa");
    assert!(r.body.contains("Valitse kimppa, jonka jäsen organisaatiosi on."));
    let form = sc.get(&format!("/fi/organisations/{}/services/new", pieni.slug)).await.body;
    assert!(form.contains("<option value=\"lampopumppukimppa\">Lämpöpumppukimppa</option>"), "{form}");
    let r = sc.post(&format!("/fi/organisations/{}/services/new", pieni.slug), &service).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let service_url = r.location();
    let svc = kimppa_store::entities::service::Entity::find()
        .filter(kimppa_store::entities::service::Column::KimppaId.eq(k.id))
        .one(&t.app.db)
        .await
        .unwrap()
        .expect("the service names the kimppa");
    let mut asked: Vec<i32> = kimppa_store::entities::service_provider::Entity::find()
        .filter(kimppa_store::entities::service_provider::Column::ServiceId.eq(svc.id))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.org_id)
        .collect();
    asked.sort();
    let mut others = vec![kierto.id, labra.id];
    others.sort();
    assert_eq!(asked, others, "the other members are asked to co-provide");
    // In the kimppa's name once every other member has confirmed co-providing.
    let shown = anon.get(&service_url).await.body;
    assert!(!shown.contains("Palvelua tarjoaa kimppa"));
    assert!(!anon.get("/fi/kimppas/lampopumppukimppa").await.body.contains("Kimpan palvelut"));
    for c in [&mut rc, &mut lc] {
        let r = c.post(&format!("/fi/services/{}/co-provision", svc.slug), &[("answer", "accept")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let shown = anon.get(&service_url).await.body;
    assert!(shown.contains("Palvelua tarjoaa kimppa") && shown.contains("/fi/kimppas/lampopumppukimppa"));
    let kpage = anon.get("/fi/kimppas/lampopumppukimppa").await.body;
    assert!(kpage.contains("Kimpan palvelut") && kpage.contains(&format!("/fi/services/{}", svc.slug)));
    let json = anon.get_json("/api/v1/kimppas/lampopumppukimppa").await.json();
    assert_eq!(json["services"], serde_json::json!([svc.slug]));
    assert_eq!(json["members"].as_array().map(Vec::len), Some(3));
    let edit = sc.get(&format!("/fi/services/{}/edit", svc.slug)).await.body;
    assert!(edit.contains("<option value=\"lampopumppukimppa\" selected>"), "the edit form keeps the kimppa");
    // A write that does not offer the choice (an import) leaves the kimppa; the form's "none" removes it.
    let mut form =
        kimppa_app::directory::services::ServiceForm::from_model(&svc, vec![kierto.slug.clone(), labra.slug.clone()]);
    form.title_fi = "Lämpöpumppujen kierrätys".into();
    let sme_actor = t.principal(&sme).await;
    let saved = kimppa_app::directory::services::update(&t.app, &sme_actor, &svc.slug, &form).await.unwrap();
    assert_eq!(saved.kimppa_id, Some(k.id));
    form.kimppa_shown = "1".into();
    let saved = kimppa_app::directory::services::update(&t.app, &sme_actor, &svc.slug, &form).await.unwrap();
    assert_eq!(saved.kimppa_id, None);

    // The figures count the search and the request for help.
    let months = kimppa_app::challenges::metrics::by_month(&t.app, &t.elevated(&orch).await).await.unwrap();
    let totals = months.iter().fold((0, 0, 0), |a, m| (a.0 + m.searches, a.1 + m.help_requests, a.2 + m.kimppas));
    assert_eq!(totals, (1, 1, 1));
    let figures = staff.get("/fi/admin/challenges").await.body;
    assert!(figures.contains("Kimppahaut") && figures.contains("Avunpyynnöt"));
}

/// A kimppa's member rows: (organisation, role, confirmed), sorted.
async fn kimppa_members(t: &TestApp, kimppa_id: i32) -> Vec<(i32, String, bool)> {
    let mut m: Vec<(i32, String, bool)> = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::KimppaId.eq(kimppa_id))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org_id, m.role.to_string(), m.confirmed_at.is_some()))
        .collect();
    m.sort();
    m
}

/// `n` approved recyclers with a listed expert each.
async fn recyclers(t: &TestApp, from: usize, n: usize) {
    let now = kimppa_app::now();
    for i in from..from + n {
        let (u, _) = t.user(&format!("kierrattaja{i}@massa.test"), PlatformRole::Person).await;
        let o = organisation::ActiveModel {
            slug: Set(format!("kierto-{i}")),
            name: Set(format!("Kierto {i} Oy")),
            business_id: Set(None),
            country: Set("FI".into()),
            org_type: Set(OrgType::Sme),
            size_class: Set(SizeClass::Small),
            municipality: Set("Oulu".into()),
            focus_areas: Set("energy".into()),
            offering_types: Set("resource-recovery".into()),
            description_fi: Set(String::new()),
            description_en: Set(String::new()),
            membership_status: Set(MembershipStatus::Approved),
            membership_tier: Set(Some(MembershipTier::Member)),
            search_text: Set(format!("kierto {i} oy")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
        expert::ActiveModel {
            user_id: Set(u.id),
            org_id: Set(o.id),
            listed: Set(true),
            tags: Set("lca".into()),
            languages: Set("fi".into()),
            focus_areas: Set("energy".into()),
            bio_fi: Set(String::new()),
            bio_en: Set(String::new()),
            search_text: Set(format!("kierto {i}")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
    }
    kimppa_app::search::touch_all(&t.app.db, "organisation").await.unwrap();
}

async fn the_search_page_does_a_bounded_number_of_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (sme, _) = t.user("yrittaja@pieni.test", PlatformRole::Person).await;
    let pieni = t.org(&sme, "Pieni Oy", "approved").await;
    let mut sc = t.login(&sme, None).await;
    let id = start(&mut sc, &pieni.slug).await;
    let (router, n) = crate::common::counted(&t);
    let cookie = sc.cookie.clone();
    let pages = [
        format!("/fi/partner-searches/{id}"),
        format!("/fi/partner-searches/{id}?q=kierto&role="),
        format!("/fi/partner-searches/{id}?q=&role=recycler"),
        "/fi/partner-searches".to_string(),
    ];
    let measure = || {
        let router = router.clone();
        let n = n.clone();
        let cookie = cookie.clone();
        let pages = pages.clone();
        async move {
            let mut counts = vec![];
            for p in &pages {
                let mut c = Client { router: router.clone(), cookie: cookie.clone(), csrf: None };
                let before = n.load(std::sync::atomic::Ordering::SeqCst);
                let r = c.get(p).await;
                assert_eq!(r.status, StatusCode::OK, "{p}");
                counts.push(n.load(std::sync::atomic::Ordering::SeqCst) - before);
            }
            counts
        }
    };
    let shortlist = |from: usize, to: usize| {
        let t = &t;
        async move {
            let experts = expert::Entity::find().all(&t.app.db).await.unwrap();
            for e in experts.iter().skip(from).take(to - from) {
                kimppa_app::challenges::searches::add(
                    &t.app,
                    &t.principal(&t.find_user("yrittaja@pieni.test").await.unwrap()).await,
                    id,
                    &format!("expert:{}", e.id),
                    "recycler",
                )
                .await
                .unwrap();
            }
        }
    };
    recyclers(&t, 0, 5).await;
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    shortlist(0, 2).await;
    let small = measure().await;
    recyclers(&t, 5, 45).await;
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    shortlist(2, 30).await;
    assert_eq!(partner_search_entry::Entity::find().count(&t.app.db).await.unwrap(), 30);
    let large = measure().await;
    eprintln!("queries per page: {small:?}");
    assert_eq!(small, large, "queries per page with 5 and 50 organisations, 2 and 30 shortlisted ({pages:?})");
    assert!(small.iter().all(|c| (3..=40).contains(c)), "the counter sees every query: {small:?}");
}

both_backends!(a_search_becomes_a_kimppa, the_search_page_does_a_bounded_number_of_queries);
