//! Challenges: who sees public, members-only, invited-only and draft
//! challenges and whose responses; a competition scored, decided (every
//! respondent told) and turned into a kimppa; suggestions with reasons.

mod searches;

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::OrgType;
use kimppa_domain::{OrgRole, PlatformRole};
use kimppa_store::{
    entities::{audit_entry, challenge, kimppa_member, organisation},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set},
};

async fn publish(c: &mut Client, org: &str, title: &str, visibility: &str, invited: &str, action: &str) -> i32 {
    c.get("/fi/challenges/new").await;
    let r = c
        .post(
            "/fi/challenges/new",
            &[
                ("org", org),
                ("title", title),
                ("description", "Purkukohteista vapautuu kipsilevyä, jolle etsitään kierrättäjää."),
                ("roles", "recycler"),
                ("roles", "research-partner"),
                ("focus_areas", "construction"),
                ("visibility", visibility),
                ("invited", invited),
                ("action", action),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn who_sees_what(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@ankkuri.test", PlatformRole::Person).await;
    let (member, _) = t.user("jasen@jasen.test", PlatformRole::Person).await;
    let (nonmember, _) = t.user("ulko@eijasen.test", PlatformRole::Person).await;
    let (invited, _) = t.user("kutsuttu@kutsuttu.test", PlatformRole::Person).await;
    let (lonely, _) = t.user("yksin@kimppa.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let anchor = t.org(&owner, "Ankkuri Oyj", "approved").await;
    let m_org = t.org(&member, "Jäsen Oy", "approved").await;
    let n_org = t.org(&nonmember, "Ei Jäsen Oy", "none").await;
    let i_org = t.org(&invited, "Kutsuttu Oy", "none").await;
    let mut oc = t.login(&owner, None).await;
    let public = publish(&mut oc, &anchor.slug, "Julkinen kipsihaaste", "public", "", "publish").await;
    let members = publish(&mut oc, &anchor.slug, "Jäsenten kipsihaaste", "members", "", "publish").await;
    let only_invited =
        publish(&mut oc, &anchor.slug, "Kutsuttujen kipsihaaste", "invited", &i_org.slug, "publish").await;
    let draft = publish(&mut oc, &anchor.slug, "Luonnoskipsihaaste", "public", "", "draft").await;

    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let mut anon = t.client();
    let mut mc = t.login(&member, None).await;
    let mut nc = t.login(&nonmember, None).await;
    let mut ic = t.login(&invited, None).await;
    let mut lc = t.login(&lonely, None).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    let cases: [(&str, &mut Client, [bool; 4]); 7] = [
        ("anonymous", &mut anon, [true, false, false, false]),
        ("person without organisation", &mut lc, [true, false, false, false]),
        ("non-member organisation", &mut nc, [true, false, false, false]),
        ("member organisation", &mut mc, [true, true, false, false]),
        ("invited organisation", &mut ic, [true, false, true, false]),
        ("owner", &mut oc, [true, true, true, true]),
        ("orchestrator", &mut staff, [true, true, true, true]),
    ];
    for (who, c, sees) in cases {
        let list = c.get("/fi/challenges").await;
        for (i, (id, title)) in [
            (public, "Julkinen kipsihaaste"),
            (members, "Jäsenten kipsihaaste"),
            (only_invited, "Kutsuttujen kipsihaaste"),
            (draft, "Luonnoskipsihaaste"),
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(list.body.contains(title), sees[i], "{who}: list, {title}");
            let page = c.get(&format!("/fi/challenges/{id}")).await;
            assert_eq!(page.status == StatusCode::OK, sees[i], "{who}: page of {title}: {}", page.status);
            assert!(page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND);
        }
        let count =
            list.body.split("Haasteita: ").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect::<String>();
        assert_eq!(count, sees.iter().filter(|s| **s).count().to_string(), "{who}: count");
    }

    // Responses are private to the owner, the respondent and staff.
    mc.get(&format!("/fi/challenges/{public}")).await;
    let r = mc
        .post(
            &format!("/fi/challenges/{public}/respond"),
            &[("as_org", &m_org.slug), ("role", "recycler"), ("proposal", "Otamme kipsin vastaan Oulussa.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let m_resp = r.location();
    nc.get(&format!("/fi/challenges/{public}")).await;
    let r = nc
        .post(
            &format!("/fi/challenges/{public}/respond"),
            &[("as_org", &n_org.slug), ("role", "research-partner"), ("proposal", "Tutkimme kipsin laadun.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let n_resp = r.location();
    // Twice is refused beside the field; answering one's own challenge too.
    let again = nc
        .post(
            &format!("/fi/challenges/{public}/respond"),
            &[("as_org", &n_org.slug), ("role", "recycler"), ("proposal", "Uudestaan")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Olette jo vastanneet"));
    assert!(!oc.get(&format!("/fi/challenges/{public}")).await.body.contains("Vastaa haasteeseen"));
    t.run_jobs().await;
    assert_eq!(
        t.emails_to("omistaja@ankkuri.test")
            .await
            .iter()
            .filter(|e| e.subject.contains("Julkinen kipsihaaste"))
            .count(),
        2
    );
    for (who, c, own, other) in [
        ("member", &mut mc, true, false),
        ("non-member", &mut nc, false, true),
        ("owner", &mut oc, true, true),
        ("orchestrator", &mut staff, true, true),
        ("anonymous", &mut anon, false, false),
        ("person without organisation", &mut lc, false, false),
    ] {
        let m = c.get(&m_resp).await.status;
        let n = c.get(&n_resp).await.status;
        assert_eq!((m == StatusCode::OK, n == StatusCode::OK), (own, other), "{who}: {m} {n}");
        let page = c.get(&format!("/fi/challenges/{public}")).await.body;
        assert_eq!(page.contains(">Jäsen Oy</a>"), own, "{who}: the member's response in the table");
    }
    // A kimppa from a members-only challenge never publishes the challenge's text.
    mc.get(&format!("/fi/challenges/{members}")).await;
    let r = mc
        .post(
            &format!("/fi/challenges/{members}/respond"),
            &[("as_org", &m_org.slug), ("role", "recycler"), ("proposal", "Mukana.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rid = r.location().rsplit('/').next().unwrap().to_string();
    oc.get(&r.location()).await;
    let r = oc
        .post(
            &format!("/fi/challenges/{members}/responses/{rid}/decision"),
            &[("decision", "accept"), ("message", "Tervetuloa")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = oc
        .post(
            &format!("/fi/challenges/{members}/kimppa"),
            &[("name", "Jäsenkimppa"), ("value_proposition", "Yhdessä."), ("publish", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let k = anon.get("/fi/kimppas/jasenkimppa").await;
    assert_eq!(k.status, StatusCode::OK);
    assert!(k.body.contains("Yhdessä.") && !k.body.contains("Purkukohteista vapautuu"), "{}", k.body);

    // The owner edits the draft and publishes it from the form; no one else may.
    let form = oc.get(&format!("/fi/challenges/{draft}/edit")).await;
    assert!(form.body.contains("value=\"Luonnoskipsihaaste\"") && form.body.contains("value=\"publish\""));
    assert_eq!(mc.get(&format!("/fi/challenges/{draft}/edit")).await.status, StatusCode::NOT_FOUND);
    let bad = oc
        .post(
            &format!("/fi/challenges/{draft}/edit"),
            &[("org", &anchor.slug), ("title", ""), ("visibility", "public")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#f-title\""));
    let r = oc
        .post(
            &format!("/fi/challenges/{draft}/edit"),
            &[
                ("org", &anchor.slug),
                ("title", "Julkaistu luonnoshaaste"),
                ("description", "Nyt valmis."),
                ("roles", "logistics"),
                ("visibility", "public"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now_public = anon.get(&format!("/fi/challenges/{draft}")).await;
    assert!(now_public.status == StatusCode::OK && now_public.body.contains("Julkaistu luonnoshaaste"));
    assert!(now_public.body.contains("Logistiikka"));
    // New and changed challenges and kimppas reach the search index through the change log.
    let fresh = publish(&mut oc, &anchor.slug, "Tuore sivuvirtahaaste", "public", "", "publish").await;
    t.run_jobs().await;
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let found = anon.get("/fi/search?q=sivuvirtahaaste").await.body;
    assert!(found.contains(&format!("/fi/challenges/{fresh}")), "a new challenge is found");
    assert!(anon.get("/fi/search?q=luonnoshaaste").await.body.contains("Julkaistu luonnoshaaste"));
    assert!(anon.get("/fi/search?q=jasenkimppa").await.body.contains("Jäsenkimppa"));
    // A draft cannot be answered by an outsider who guesses its number.
    let hidden = publish(&mut oc, &anchor.slug, "Toinen luonnos", "public", "", "draft").await;
    let r = mc.post(&format!("/fi/challenges/{hidden}/respond"), &[("role", "recycler"), ("proposal", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn a_competition_becomes_a_kimppa(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@ankkuri.test", PlatformRole::Person).await;
    let (colleague, _) = t.user("kollega@ankkuri.test", PlatformRole::Person).await;
    let (r1, _) = t.user("kierratys@kierto.test", PlatformRole::Person).await;
    let (r2, _) = t.user("tutkija@tutkimus.test", PlatformRole::Person).await;
    let (lab, _) = t.user("labra@labra.test", PlatformRole::Person).await;
    let anchor = t.org(&owner, "Ankkuri Oyj", "approved").await;
    t.add_to_org(&anchor, &owner, &colleague, OrgRole::Member).await;
    let kierto = t.org(&r1, "Kierto Oy", "approved").await;
    let tutkimus = t.org(&r2, "Tutkimus Oy", "approved").await;
    let labra = t.org(&lab, "Kipsilabra", "approved").await;
    let mut am = labra.clone().into_active_model();
    am.org_type = Set(OrgType::Research);
    am.focus_areas = Set("construction".into());
    am.update(&t.app.db).await.unwrap();
    let lab_expert = kimppa_store::entities::expert::ActiveModel {
        user_id: Set(lab.id),
        org_id: Set(labra.id),
        listed: Set(true),
        tags: Set("kipsi,laboratorio".into()),
        languages: Set("fi".into()),
        focus_areas: Set("construction".into()),
        bio_fi: Set("Analysoin kipsin laatua.".into()),
        bio_en: Set(String::new()),
        search_text: Set("kipsi laboratorio".into()),
        created_at: Set(kimppa_app::now()),
        updated_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let mut oc = t.login(&owner, None).await;

    // Bad input comes back with the errors beside the fields.
    oc.get("/fi/challenges/new").await;
    let bad = oc
        .post(
            "/fi/challenges/new",
            &[
                ("org", &anchor.slug),
                ("title", "Kilpailu"),
                ("visibility", "public"),
                ("competition", "on"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["description", "roles", "deadline", "criteria"] {
        assert!(bad.body.contains(&format!("href=\"#f-{field}\"")), "{field}");
    }
    assert!(bad.body.contains("value=\"Kilpailu\""));
    // A member who is not an admin cannot publish for the organisation.
    let mut cc = t.login(&colleague, None).await;
    assert_eq!(cc.get("/fi/challenges/new").await.status, StatusCode::FORBIDDEN);
    let deadline = (kimppa_app::now() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    let r = oc
        .post(
            "/fi/challenges/new",
            &[
                ("org", &anchor.slug),
                ("title", "Kipsikilpailu"),
                ("description", "Kipsijätteelle uusi elämä."),
                ("roles", "recycler"),
                ("roles", "research-partner"),
                ("focus_areas", "construction"),
                ("visibility", "public"),
                ("competition", "on"),
                ("deadline", &deadline),
                ("criteria", "Kierrätysaste\nKustannukset\n"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();

    let mut c1 = t.login(&r1, None).await;
    let mut c2 = t.login(&r2, None).await;
    let mut rids = vec![];
    for (c, org, role) in [(&mut c1, &kierto, "recycler"), (&mut c2, &tutkimus, "research-partner")] {
        c.get(&format!("/fi/challenges/{id}")).await;
        let fields = [("as_org", org.slug.as_str()), ("role", role), ("proposal", "Ehdotuksemme")];
        let r = if role == "recycler" {
            // A file that is not what it claims is refused, and what was typed stays.
            let bad = c
                .post_multipart(
                    &format!("/fi/challenges/{id}/respond"),
                    &fields,
                    "attachment",
                    "x.pdf",
                    b"MZ not a pdf",
                )
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
            assert!(bad.body.contains("f-attachment-error") && bad.body.contains(">Ehdotuksemme</textarea>"));
            c.post_multipart(
                &format!("/fi/challenges/{id}/respond"),
                &fields,
                "attachment",
                "laskelma.pdf",
                b"%PDF-1.4 kierratyslaskelma",
            )
            .await
        } else {
            c.post(&format!("/fi/challenges/{id}/respond"), &fields).await
        };
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        rids.push(r.location().rsplit('/').next().unwrap().parse::<i32>().unwrap());
    }
    // The attachment is read by the owner and the respondent, not by the other respondent or a visitor.
    let file_url = format!("/fi/challenges/{id}/responses/{}/attachment", rids[0]);
    assert!(c1.get(&format!("/fi/challenges/{id}/responses/{}", rids[0])).await.body.contains("laskelma.pdf"));
    for (who, c, ok) in [("owner", &mut oc, true), ("respondent", &mut c1, true), ("other respondent", &mut c2, false)]
    {
        let r = c.get(&file_url).await;
        if ok {
            assert_eq!(r.status, StatusCode::OK, "{who}");
            assert_eq!(r.header("content-type"), "application/pdf");
            assert_eq!(r.header("x-content-type-options"), "nosniff");
            assert!(r.header("content-disposition").starts_with("attachment;"));
            assert_eq!(r.body, "%PDF-1.4 kierratyslaskelma");
        } else {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        }
    }
    assert_eq!(t.client().get(&file_url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c2.get(&format!("/fi/challenges/{id}/responses/{}/attachment", rids[1])).await.status,
        StatusCode::NOT_FOUND,
        "no file"
    );
    // The owner scores and decides; a decline needs a message; scores are 0–5.
    let base = format!("/fi/challenges/{id}/responses");
    oc.get(&format!("{base}/{}", rids[0])).await;
    let r = oc
        .post(&format!("{base}/{}/decision", rids[0]), &[("decision", "score"), ("scores", "9"), ("scores", "4")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Pisteet ovat 0–5."));
    let r = oc
        .post(
            &format!("{base}/{}/decision", rids[0]),
            &[("decision", "accept"), ("scores", "5"), ("scores", "4"), ("message", "Tervetuloa kimppaan!")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = oc
        .post(&format!("{base}/{}/decision", rids[1]), &[("decision", "decline"), ("scores", "2"), ("scores", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Kirjoita vastaajalle lyhyt perustelu."));
    let r = oc
        .post(
            &format!("{base}/{}/decision", rids[1]),
            &[("decision", "decline"), ("scores", "2"), ("scores", ""), ("message", "Tutkimus on jo tehty.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    let told1 = t.last_email_to("kierratys@kierto.test").await;
    assert!(told1.subject.starts_with("Vastauksenne hyväksyttiin") && told1.body_text.contains("Tervetuloa kimppaan!"));
    let told2 = t.last_email_to("tutkija@tutkimus.test").await;
    assert!(
        told2.subject.starts_with("Vastauksenne ei tällä kertaa edennyt")
            && told2.body_text.contains("Tutkimus on jo tehty.")
    );
    let table = oc.get(&format!("/fi/challenges/{id}")).await.body;
    assert!(table.contains("<td>9</td>") && table.contains("<td>2</td>"), "totals of the scores");

    // The private conversation: the other respondent cannot read it.
    let r = oc.post(&format!("{base}/{}/messages", rids[1]), &[("body", "Voisitteko kertoa lisää?")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(c2.get(&format!("{base}/{}", rids[1])).await.body.contains("Voisitteko kertoa lisää?"));
    assert_eq!(c1.get(&format!("{base}/{}", rids[1])).await.status, StatusCode::NOT_FOUND);

    // Suggestions for the role still missing, with reasons that add up.
    let page = oc.get(&format!("/fi/challenges/{id}")).await.body;
    let suggestions = page.split("Ehdotetut kumppanit").nth(1).unwrap_or_default();
    assert!(suggestions.contains("Kipsilabra"), "{suggestions}");
    assert!(suggestions.contains("Tutkimuskumppani (organisaatiotyypin perusteella) +22"), "{suggestions}");
    assert!(suggestions.contains("yhteiset painopistealueet: Rakentaminen +10"));
    assert!(!suggestions.contains("Kierto Oy</a>"), "those who answered are not suggested");
    let experts = page.split("Ehdotetut asiantuntijat").nth(1).unwrap_or_default();
    assert!(experts.contains(&format!("/fi/experts/{}", lab_expert.id)), "{experts}");
    assert!(
        experts.contains("Kipsilabra — pisteet")
            && experts.contains("Tutkimuskumppani (organisaatiotyypin perusteella) +22")
    );
    assert!(!c1.get(&format!("/fi/challenges/{id}")).await.body.contains("Ehdotetut kumppanit"), "only for the owner");

    // A kimppa of the owner and the accepted respondent.
    let r = oc.post(&format!("/fi/challenges/{id}/kimppa"), &[("name", ""), ("value_proposition", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = oc
        .post(
            &format!("/fi/challenges/{id}/kimppa"),
            &[("name", "Kipsikimppa"), ("value_proposition", "Kipsi kiertoon yhdessä."), ("publish", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/fi/kimppas/kipsikimppa");
    let members: Vec<(i32, String)> = kimppa_member::Entity::find()
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org_id, m.role.to_string()))
        .collect();
    assert_eq!(members, vec![(anchor.id, "customer".into()), (kierto.id, "recycler".into())]);
    let mut anon = t.client();
    assert!(anon.get("/fi/kimppas").await.body.contains("Kipsikimppa"));
    let k = anon.get("/fi/kimppas/kipsikimppa").await;
    assert!(
        k.body.contains("Kierto Oy") && k.body.contains("Rooli puuttuu: Tutkimuskumppani."),
        "the rules name the missing role"
    );
    assert_eq!(
        oc.post(&format!("/fi/challenges/{id}/kimppa"), &[("name", "Toinen"), ("value_proposition", "x")]).await.status,
        StatusCode::CONFLICT
    );

    // The figures for the cluster's reporting: one published (impact not stated), two
    // responses, one partner brokered, one kimppa; for orchestrators only.
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    let figures = staff.get("/fi/admin/challenges").await;
    assert_eq!(figures.status, StatusCode::OK);
    let month = kimppa_app::finnish_time(kimppa_app::now()).format("%Y-%m").to_string();
    assert!(
        figures.body.contains(&format!(
            "<th scope=\"row\">{month}</th><td>1</td><td>0</td><td>2</td><td>1</td><td>0</td><td>1</td>"
        )),
        "{}",
        figures.body
    );
    assert_eq!(oc.get("/fi/admin/challenges").await.status, StatusCode::FORBIDDEN);

    // After the deadline no one can respond.
    let mut am = challenge::Entity::find_by_id(id).one(&t.app.db).await.unwrap().unwrap().into_active_model();
    am.deadline = Set(Some(kimppa_app::now() - chrono::Duration::hours(1)));
    am.update(&t.app.db).await.unwrap();
    let mut lc = t.login(&lab, None).await;
    lc.get(&format!("/fi/challenges/{id}")).await;
    let late = lc
        .post(
            &format!("/fi/challenges/{id}/respond"),
            &[("as_org", &labra.slug), ("role", "research-partner"), ("proposal", "Myöhässä")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("Haaste ei enää ota vastauksia."));
    let actions: Vec<String> = audit_entry::Entity::find()
        .filter(audit_entry::Column::Target.starts_with("response:"))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, vec!["challenge.response.accepted", "challenge.response.declined"]);
    assert!(
        organisation::Entity::find()
            .filter(organisation::Column::Id.eq(labra.id))
            .one(&t.app.db)
            .await
            .unwrap()
            .is_some()
    );
}

/// "New challenge" emails to each of the people of the focus test, in order.
async fn told(t: &TestApp) -> Vec<usize> {
    let mut out = vec![];
    for who in [
        "kollega@ankkuri.test",
        "jasen@jasen.test",
        "ulko@eijasen.test",
        "kutsuttu@kutsuttu.test",
        "hiljainen@jasen.test",
        "muualla@jasen.test",
        "omistaja@ankkuri.test",
    ] {
        out.push(t.emails_to(who).await.into_iter().filter(|e| e.subject.starts_with("Uusi haaste")).count());
    }
    out
}

async fn focus_followers_hear_of_new_challenges(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (owner, _) = t.user("omistaja@ankkuri.test", PlatformRole::Person).await;
    let (colleague, _) = t.user("kollega@ankkuri.test", PlatformRole::Person).await;
    let (member, _) = t.user("jasen@jasen.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulko@eijasen.test", PlatformRole::Person).await;
    let (invited, _) = t.user("kutsuttu@kutsuttu.test", PlatformRole::Person).await;
    let (quiet, _) = t.user("hiljainen@jasen.test", PlatformRole::Person).await;
    let (elsewhere, _) = t.user("muualla@jasen.test", PlatformRole::Person).await;
    let anchor = t.org(&owner, "Ankkuri Oyj", "approved").await;
    t.add_to_org(&anchor, &owner, &colleague, OrgRole::Member).await;
    let m_org = t.org(&member, "Jäsen Oy", "approved").await;
    t.add_to_org(&m_org, &member, &quiet, OrgRole::Member).await;
    t.org(&outsider, "Ei Jäsen Oy", "none").await;
    let i_org = t.org(&invited, "Kutsuttu Oy", "none").await;
    // Following from the settings page; one of them has turned all notification email off, one follows another area.
    for (u, areas, off) in [
        (&colleague, vec!["construction"], false),
        (&member, vec!["construction", "energy"], false),
        (&outsider, vec!["construction"], false),
        (&invited, vec!["construction"], false),
        (&quiet, vec!["construction"], true),
        (&elsewhere, vec!["textiles"], false),
    ] {
        let mut c = t.login(u, None).await;
        let page = c.get("/fi/notifications/settings").await;
        assert!(page.body.contains("Seuraamasi painopistealueet"));
        let fields: Vec<(&str, &str)> = areas.iter().map(|a| ("focus_areas", *a)).collect();
        let r = c.post("/fi/notifications/focus", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        if off {
            let r = c.post("/fi/notifications/settings", &[("email_mode", "off")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
        }
        let page = c.get("/fi/notifications/settings").await.body;
        let a = areas[0];
        assert!(page.contains(&format!("id=\"follow-{a}\" name=\"focus_areas\" value=\"{a}\" checked")), "{page}");
    }
    let mut oc = t.login(&owner, None).await;
    let before = told(&t).await;
    publish(&mut oc, &anchor.slug, "Jäsenten kipsihaaste", "members", "", "publish").await;
    t.run_jobs().await;
    t.run_jobs().await;
    let after_members = told(&t).await;
    assert_eq!(
        after_members.iter().zip(&before).map(|(a, b)| a - b).collect::<Vec<_>>(),
        vec![0, 1, 0, 0, 0, 0, 0],
        "members-only: only the follower of an approved member organisation (not the owner's own people, not email-off)"
    );
    publish(&mut oc, &anchor.slug, "Kutsuttujen kipsihaaste", "invited", &i_org.slug, "publish").await;
    let draft = publish(&mut oc, &anchor.slug, "Luonnoskipsihaaste", "public", "", "draft").await;
    t.run_jobs().await;
    let after_invited = told(&t).await;
    assert_eq!(
        after_invited.iter().zip(&after_members).map(|(a, b)| a - b).collect::<Vec<_>>(),
        vec![0, 0, 0, 1, 0, 0, 0],
        "invited-only: only the invited organisation's follower; a draft tells nobody"
    );
    // Publishing the draft tells every follower of the area who may see it, once.
    let r = oc.post(&format!("/fi/challenges/{draft}/state"), &[("action", "publish")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    t.run_jobs().await;
    let after_public = told(&t).await;
    assert_eq!(
        after_public.iter().zip(&after_invited).map(|(a, b)| a - b).collect::<Vec<_>>(),
        vec![0, 1, 1, 1, 0, 0, 0]
    );
    let mail = t.last_email_to("ulko@eijasen.test").await;
    assert!(mail.subject.contains("Luonnoskipsihaaste") && mail.body_text.contains(&format!("/fi/challenges/{draft}")));
    // The signed link stops following the area, without logging in; the undo follows it again.
    let link = crate::common::link_after(&mail.body_text, "/fi/notifications/unsubscribe").unwrap();
    let mut anon = t.client();
    let page = anon.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Et enää saa sähköpostia uusista haasteista painopistealueelta Rakentaminen"));
    let u = t.find_user("ulko@eijasen.test").await.unwrap();
    assert!(kimppa_app::challenges::following::followed(&t.app, u.id).await.unwrap().is_empty());
    let forged = link.replace("sig=", "sig=0");
    assert_eq!(t.client().get(&forged).await.status, StatusCode::NOT_FOUND);
    let query = link.split('?').nth(1).unwrap().to_string();
    let fields: Vec<(String, String)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.replace("%3A", ":"))))
        .collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = anon.post("/fi/notifications/unsubscribe", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        kimppa_app::challenges::following::followed(&t.app, u.id).await.unwrap(),
        vec![kimppa_domain::FocusArea::Construction]
    );
}

both_backends!(who_sees_what, a_competition_becomes_a_kimppa, focus_followers_hear_of_new_challenges);
