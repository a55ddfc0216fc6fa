//! Working groups and mini-clusters end to end: staff found a group and
//! invite its lead organisation; a person asks to join and the lead
//! accepts; the group's discussion is a closed forum thread seen by its
//! members only (and no longer by someone removed); documents are checked
//! by content and kept in the space; a mini-cluster's phases and quick
//! wins; the public page, the organisation profile, search, the JSON API
//! and the staff's counts.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_app::groups::{self, GroupForm, InviteForm};
use kimppa_domain::{GroupMemberStatus, OrgRole, PlatformRole};
use kimppa_store::{
    entities::{forum_thread, group_member},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};

fn form(slug: &str, kind: &str, joining: &str) -> GroupForm {
    GroupForm {
        slug: slug.into(),
        kind: kind.into(),
        name_fi: format!("Ryhmä {slug}"),
        name_en: String::new(),
        description_fi: "Purkumateriaalien uudelleenkäyttö ja kiertotalous rakentamisessa.".into(),
        focus_areas: vec!["construction".into()],
        joining: joining.into(),
        show_members: Some("on".into()),
        ..Default::default()
    }
}

async fn row_of(t: &TestApp, group_id: i32, user: Option<i32>, org: Option<i32>) -> group_member::Model {
    group_member::Entity::find()
        .filter(group_member::Column::GroupId.eq(group_id))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|m| (user.is_some() && m.user_id == user) || (user.is_none() && m.org_id == org && m.user_id.is_none()))
        .expect("a membership")
}

async fn a_member_joins_and_discusses_in_the_groups_space(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (lead_admin, _) = t.user("vetaja@rakenne.test", PlatformRole::Person).await;
    let lead_org = t.org(&lead_admin, "Rakenne Oy", "approved").await;
    let (colleague, _) = t.user("kollega@rakenne.test", PlatformRole::Person).await;
    t.add_to_org(&lead_org, &lead_admin, &colleague, OrgRole::Member).await;
    let (joiner, _) = t.user("liittyja@purku.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulko@muu.test", PlatformRole::Person).await;
    let staff = t.elevated(&orch).await;

    // Staff found the group (bad input first) and invite the lead organisation.
    let mut staff_c = t.login(&orch, secret.as_deref()).await;
    staff_c.get("/fi/groups/new").await;
    let bad = staff_c
        .post(
            "/fi/groups/new",
            &[("slug", "Ei Kelpaa!"), ("kind", "working-group"), ("name_fi", "Rakentaminen"), ("joining", "request")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Rakentaminen"), "typed values kept");
    let g = groups::create(&t.app, &staff, &form("rakentaminen", "working-group", "request")).await.unwrap();
    groups::invite(
        &t.app,
        &staff,
        &g.slug,
        &InviteForm { who: lead_org.slug.clone(), role: "lead".into(), message: "Tervetuloa vetäjäksi".into() },
    )
    .await
    .unwrap();
    assert!(t.last_email_to(&lead_admin.email).await.subject.contains("Kutsu ryhmään"));
    let inv = row_of(&t, g.id, None, Some(lead_org.id)).await;
    let mut lead_c = t.login(&lead_admin, None).await;
    let page = lead_c.get("/fi/groups/rakentaminen").await;
    assert!(page.body.contains("Hyväksy kutsu"), "{}", page.body);
    let r = lead_c.post(&format!("/fi/groups/rakentaminen/invitations/{}", inv.id), &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(row_of(&t, g.id, None, Some(lead_org.id)).await.status, GroupMemberStatus::Active);

    // A person asks to join; the lead is told and accepts.
    let mut joiner_c = t.login(&joiner, None).await;
    joiner_c.get("/fi/groups/rakentaminen").await;
    let r = joiner_c.post("/fi/groups/rakentaminen/join", &[("message", "Purkukartoittaja, haluan mukaan.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.last_email_to(&lead_admin.email).await.subject.starts_with("Liittymispyyntö"));
    assert!(joiner_c.get("/fi/groups/rakentaminen").await.body.contains("odottaa vetäjien hyväksyntää"));
    assert_eq!(joiner_c.get("/fi/groups/rakentaminen/members").await.status, StatusCode::FORBIDDEN, "not a lead");
    let req = row_of(&t, g.id, Some(joiner.id), None).await;
    let members = lead_c.get("/fi/groups/rakentaminen/members").await;
    assert!(members.body.contains("Purkukartoittaja, haluan mukaan."));
    let r = lead_c.post(&format!("/fi/groups/rakentaminen/members/{}", req.id), &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The joiner starts a discussion: a closed thread of the group's space.
    let space = joiner_c.get("/fi/groups/rakentaminen").await;
    assert!(space.body.contains("Ryhmän oma tila"));
    let r = joiner_c.post("/fi/groups/rakentaminen/discussions", &[("title", ""), ("body", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = joiner_c
        .post(
            "/fi/groups/rakentaminen/discussions",
            &[("title", "Ovien varastointi"), ("body", "Kenellä on tilaa syksyllä?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let thread = forum_thread::Entity::find()
        .filter(forum_thread::Column::GroupId.eq(g.id))
        .one(&t.app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(thread.closed);
    let path = format!("/fi/forum/threads/{}", thread.id);
    // Members (a person of the lead organisation too) see it; others do not.
    let mut colleague_c = t.login(&colleague, None).await;
    assert_eq!(colleague_c.get(&path).await.status, StatusCode::OK);
    let r = colleague_c.post(&format!("{path}/reply"), &[("body", "Meillä on hallitilaa.")]).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let mut outsider_c = t.login(&outsider, None).await;
    assert_eq!(outsider_c.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.client().get(&path).await.status, StatusCode::NOT_FOUND);
    assert!(!outsider_c.get("/fi/groups/rakentaminen").await.body.contains("Ovien varastointi"));
    assert_eq!(
        outsider_c.post("/fi/groups/rakentaminen/discussions", &[("title", "x"), ("body", "y")]).await.status,
        StatusCode::FORBIDDEN
    );
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    assert!(!outsider_c.get("/fi/search?q=varastointi").await.body.contains("Ovien varastointi"));
    assert!(joiner_c.get("/fi/search?q=varastointi").await.body.contains("Ovien varastointi"));

    // Removed from the group, the joiner sees no other discussion of it (the
    // forum's rule keeps a thread with its author).
    let r = lead_c.post(&format!("/fi/groups/rakentaminen/members/{}", req.id), &[("action", "remove")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    colleague_c.get("/fi/groups/rakentaminen").await;
    let r = colleague_c
        .post("/fi/groups/rakentaminen/discussions", &[("title", "Syksyn tapaaminen"), ("body", "Ehdotuksia ajaksi?")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let second = r.location();
    assert_eq!(joiner_c.get(&second).await.status, StatusCode::NOT_FOUND);
    assert!(!joiner_c.get("/fi/groups/rakentaminen").await.body.contains("Syksyn tapaaminen"));
    assert_eq!(colleague_c.get(&second).await.status, StatusCode::OK);

    // The public page lists the member organisations; the profile its groups.
    let public = t.client().get("/fi/groups/rakentaminen").await;
    assert!(public.body.contains("Rakenne Oy") && !public.body.contains("Ovien varastointi"));
    assert!(
        t.client().get(&format!("/fi/organisations/{}", lead_org.slug)).await.body.contains("/fi/groups/rakentaminen")
    );
    let api = t.client().get_json("/api/v1/groups/rakentaminen").await.json();
    assert_eq!(api["organisations"][0]["slug"], lead_org.slug.as_str());
    assert_eq!(api["organisations"][0]["role"], "lead");
    assert!(t.client().get("/fi/search?q=purkumateriaalien").await.body.contains("Ryhmä rakentaminen"));

    // A group's event shows in its space and names the group.
    let day = kimppa_app::finnish_time(kimppa_app::now() + chrono::Duration::days(20)).format("%Y-%m-%d").to_string();
    let e = kimppa_app::events::create(
        &t.app,
        &t.principal(&lead_admin).await,
        &kimppa_app::events::EventForm {
            org: lead_org.slug.clone(),
            group: g.id.to_string(),
            kind: "group-meeting".into(),
            title_fi: "Työryhmän kokous".into(),
            description_fi: "Asialista tulee myöhemmin.".into(),
            starts_at: format!("{day}T13:00"),
            ends_at: format!("{day}T15:00"),
            municipality: "564".into(),
            language: "fi".into(),
            visibility: "members".into(),
            action: "publish".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(e.group_id, Some(g.id));
    assert!(colleague_c.get("/fi/groups/rakentaminen").await.body.contains("Työryhmän kokous"));
    assert!(colleague_c.get(&format!("/fi/events/{}", e.id)).await.body.contains("/fi/groups/rakentaminen"));
    // Only a group one leads: the colleague is a member, not a lead.
    let err = kimppa_app::events::create(
        &t.app,
        &t.principal(&outsider).await,
        &kimppa_app::events::EventForm { group: g.id.to_string(), ..Default::default() },
    )
    .await;
    assert!(err.is_err());

    // Counts are for staff.
    let year = kimppa_app::finnish_time(kimppa_app::now()).format("%Y").to_string().parse::<i32>().unwrap();
    let counts = groups::counts(&t.app, &staff, year).await.unwrap();
    assert_eq!((counts[0].organisations, counts[0].people, counts[0].discussions), (1, 0, 2));
    assert!(groups::counts(&t.app, &t.principal(&lead_admin).await, year).await.is_err());
    assert_eq!(staff_c.get("/fi/admin/groups").await.status, StatusCode::OK);
}

async fn a_mini_clusters_space_documents_phases_and_actions(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, _) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (lead, _) = t.user("vetaja@mini.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulko@mini.test", PlatformRole::Person).await;
    let staff = t.elevated(&orch).await;
    let g = groups::create(&t.app, &staff, &form("purkumateriaalit", "mini-cluster", "invitation")).await.unwrap();
    assert_eq!(g.phase, "initiate");
    groups::invite(
        &t.app,
        &staff,
        &g.slug,
        &InviteForm { who: lead.email.clone(), role: "lead".into(), ..Default::default() },
    )
    .await
    .unwrap();
    let inv = row_of(&t, g.id, Some(lead.id), None).await;
    groups::answer_invitation(&t.app, &t.principal(&lead).await, &g.slug, inv.id, true).await.unwrap();
    let mut c = t.login(&lead, None).await;
    // By invitation only: no request form for others.
    let mut o = t.login(&outsider, None).await;
    let page = o.get("/fi/groups/purkumateriaalit").await;
    assert!(page.body.contains("vetäjien kutsusta") && !page.body.contains("Pyydä liittymistä"));
    assert_eq!(o.post("/fi/groups/purkumateriaalit/join", &[("message", "")]).await.status, StatusCode::CONFLICT);

    // A phase: bad dates refused beside the fields, then recorded as current.
    c.get("/fi/groups/purkumateriaalit").await;
    let r = c
        .post(
            "/fi/groups/purkumateriaalit/phases",
            &[("phase", "analyse"), ("starts_on", "2026-10-01"), ("ends_on", "2026-09-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(
            "/fi/groups/purkumateriaalit/phases",
            &[("phase", "analyse"), ("starts_on", "2026-10-01"), ("notes", "Kolme purkukohdetta"), ("current", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(groups::get(&t.app, &g.slug).await.unwrap().phase, "analyse");
    // A quick win, moved to done.
    let r = c
        .post(
            "/fi/groups/purkumateriaalit/actions",
            &[("action_title", "Yhteinen kartoituslomake"), ("owner", "Purkutaito Oy")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let a = groups::actions(&t.app, g.id).await.unwrap().remove(0);
    c.post(&format!("/fi/groups/purkumateriaalit/actions/{}", a.id), &[("status", "done")]).await;
    assert_eq!(groups::actions(&t.app, g.id).await.unwrap()[0].status, kimppa_domain::ActionStatus::Done);
    assert_eq!(
        o.post(&format!("/fi/groups/purkumateriaalit/actions/{}", a.id), &[("status", "planned")]).await.status,
        StatusCode::FORBIDDEN
    );

    // Documents: checked by content, kept in the space.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = c
        .post_multipart(
            "/fi/groups/purkumateriaalit/documents",
            &[("doc_title", "Kartoitus")],
            "attachment",
            "kartoitus.exe",
            b"MZ not a pdf",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = c
        .post_multipart(
            "/fi/groups/purkumateriaalit/documents",
            &[("doc_title", "Kartoitus")],
            "attachment",
            "kartoitus.pdf",
            &pdf,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = groups::documents_of(&t.app, g.id).await.unwrap().remove(0);
    let got = c.get(&format!("/fi/groups/purkumateriaalit/documents/{}", d.id)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.header("content-type"), "application/pdf");
    assert_eq!(o.get(&format!("/fi/groups/purkumateriaalit/documents/{}", d.id)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        Client { router: t.router.clone(), cookie: None, csrf: None }
            .get(&format!("/fi/groups/purkumateriaalit/documents/{}", d.id))
            .await
            .status
            .as_u16()
            / 100,
        3,
        "a visitor is sent to log in"
    );

    // The space shows the phases and actions; the public page the phase only.
    let space = c.get("/fi/groups/purkumateriaalit").await;
    assert!(
        space.body.contains("Kolme purkukohdetta")
            && space.body.contains("Yhteinen kartoituslomake")
            && space.body.contains("Kartoitus")
    );
    let public = o.get("/fi/groups/purkumateriaalit").await;
    assert!(
        public.body.contains("Analyysi")
            && !public.body.contains("Yhteinen kartoituslomake")
            && !public.body.contains("Kolme purkukohdetta")
    );
}

both_backends!(a_member_joins_and_discusses_in_the_groups_space, a_mini_clusters_space_documents_phases_and_actions);
