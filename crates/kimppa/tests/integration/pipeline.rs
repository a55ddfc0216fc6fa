//! The development pipeline (SPEC C9) end to end: an orchestrator records
//! an idea with participants chosen by name (bad input kept beside its
//! errors), moves it on the board without a script, closes it only with a
//! reason, and every change is in its history; who sees a record (staff,
//! a participating organisation's admins read-only, nobody else until it
//! is published, and then only its public fields); a lead becomes a record
//! in one step and another joins it; tasks; the CSV export read back with a
//! real CSV parser; saved views; and the board and table answering in the
//! same number of queries at 10 and 5,000 records.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_app::pipeline::{self, RecordForm};
use kimppa_domain::{OrgRole, PipelineKind, PipelineRole, PlatformRole};
use kimppa_store::{
    entities::{pipeline_change, pipeline_link, pipeline_participant, pipeline_record, pipeline_task},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set},
};

async fn changes(t: &TestApp, id: i32) -> Vec<(String, String, String)> {
    pipeline_change::Entity::find()
        .filter(pipeline_change::Column::RecordId.eq(id))
        .order_by_asc(pipeline_change::Column::Id)
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.field, c.before, c.after))
        .collect()
}

async fn stages_history_and_visibility(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@lautalaari.test", PlatformRole::Person).await;
    let (member, _) = t.user("jasen@lautalaari.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("admin@muu.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Lautalaari Oy", "approved").await;
    t.add_to_org(&org, &admin, &member, OrgRole::Member).await;
    let _muu = t.org(&outsider, "Muu Oy", "approved").await;
    let mut oc = t.login(&orch, secret.as_deref()).await;

    // Bad input: every error beside its field, what was typed kept.
    oc.get("/fi/pipeline/new").await;
    let bad = oc
        .post(
            "/fi/pipeline/new",
            &[
                ("title", "Purkupuun jatkojalostus"),
                ("kind", "idea"),
                ("stage", "idea"),
                ("euros", "paljon"),
                ("industry", "04"),
                ("participant", "Tuntematon Oy"),
                ("participant_role", "lead"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Purkupuun jatkojalostus") && bad.body.contains("Tuntematon Oy"), "typed values kept");
    assert!(bad.body.contains("Kirjoita summa kokonaisina euroina"), "euros refused");
    assert!(bad.body.contains("Valitse toimiala TOL 2008"), "industry refused");
    assert!(bad.body.contains("Organisaatiota ei löytynyt"), "unknown organisation refused");
    assert_eq!(pipeline_record::Entity::find().all(&t.app.db).await.unwrap().len(), 0, "nothing written");

    // A good record: the organisation chosen by its name.
    let r = oc
        .post(
            "/fi/pipeline/new",
            &[
                ("title", "Purkupuun jatkojalostus"),
                ("kind", "innovation"),
                ("stage", "idea"),
                ("euros", "120 000 €"),
                ("industry", "16"),
                ("focus_areas", "construction"),
                ("owner", &orch.id.to_string()),
                ("description", "Purkupuusta liimapuuta; **salainen** laskelma."),
                ("participant", "lautalaari oy"),
                ("participant_role", "lead"),
                ("participant", ""),
                ("participant_role", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = pipeline_record::Entity::find().one(&t.app.db).await.unwrap().unwrap();
    assert_eq!(rec.euros, Some(120_000));
    assert_eq!(rec.size_class, "medium", "the size class from the euros");
    assert_eq!(rec.industry, "16");
    let parts = pipeline_participant::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!((parts[0].org_id, parts[0].role), (org.id, PipelineRole::Lead));

    // Moved on the board with a button (no script): back to the board.
    let board = oc.get("/fi/pipeline").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("Purkupuun jatkojalostus") && board.body.contains("Konsepti →"), "{}", board.body);
    let moved = oc
        .post(&format!("/fi/pipeline/{}/stage", rec.id), &[("stage", "concept"), ("back", "board"), ("back_query", "")])
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(
        moved.location().starts_with("/fi/pipeline?") && moved.location().ends_with(&format!("#record-{}", rec.id))
    );
    // Closing needs a reason.
    let no_reason = oc.post(&format!("/fi/pipeline/{}/stage", rec.id), &[("stage", "closed")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Kerro, miksi kirjaus suljetaan"));
    // An edit: title and participants, each in the history.
    let edited = oc
        .post(
            &format!("/fi/pipeline/{}/edit", rec.id),
            &[
                ("title", "Purkupuusta liimapuuta"),
                ("kind", "innovation"),
                ("stage", "concept"),
                ("euros", "120000"),
                ("industry", "16"),
                ("focus_areas", "construction"),
                ("owner", &orch.id.to_string()),
                ("description", "Purkupuusta liimapuuta; **salainen** laskelma."),
                ("participant", "Lautalaari Oy"),
                ("participant_role", "lead"),
                ("participant", "Muu Oy"),
                ("participant_role", "customer"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let h = changes(&t, rec.id).await;
    let fields: Vec<&str> = h.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(fields, ["created", "stage", "title", "participants"], "{h:?}");
    assert_eq!((h[1].1.as_str(), h[1].2.as_str()), ("idea", "concept"));
    assert_eq!(h[2].1, "Purkupuun jatkojalostus");
    assert!(h[3].2.contains("Muu Oy (customer)") && !h[3].1.contains("Muu Oy"), "{:?}", h[3]);
    let page = oc.get(&format!("/fi/pipeline/{}", rec.id)).await.body;
    assert!(page.contains("Muutoshistoria") && page.contains("Purkupuun jatkojalostus"), "history shown");
    // A saved edit with nothing changed writes no history.
    let n = changes(&t, rec.id).await.len();
    let again = pipeline::RecordForm {
        title: "Purkupuusta liimapuuta".into(),
        kind: "innovation".into(),
        stage: "concept".into(),
        euros: "120000".into(),
        industry: "16".into(),
        focus_areas: vec!["construction".into()],
        owner: orch.id.to_string(),
        description: "Purkupuusta liimapuuta; **salainen** laskelma.".into(),
        participant: vec!["Muu Oy".into(), "Lautalaari Oy".into()],
        participant_role: vec!["customer".into(), "lead".into()],
        ..Default::default()
    };
    let staff = t.elevated(&orch).await;
    pipeline::update(&t.app, &staff, rec.id, &again).await.unwrap();
    assert_eq!(changes(&t, rec.id).await.len(), n, "no change, no history");

    // Who sees it: the participant's admin read-only; nobody else.
    let mut ac = t.login(&admin, None).await;
    let mut mc = t.login(&member, None).await;
    let seen = ac.get(&format!("/fi/pipeline/{}", rec.id)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("organisaatiosi osallistuu") && !seen.body.contains("Lisää tehtävä"), "read-only");
    assert_eq!(ac.get("/fi/pipeline").await.status, StatusCode::FORBIDDEN, "not the board");
    assert!(ac.get("/fi/my").await.body.contains("Purkupuusta liimapuuta"), "on the organisation's overview");
    assert!(!mc.get("/fi/my").await.body.contains("Purkupuusta liimapuuta"), "not for its members");
    let r = ac.post(&format!("/fi/pipeline/{}/stage", rec.id), &[("stage", "idea")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no moving");
    assert_eq!(mc.get(&format!("/fi/pipeline/{}", rec.id)).await.status, StatusCode::NOT_FOUND, "members do not");
    let mut xc = t.login(&outsider, None).await;
    // The outsider's organisation became a participant, but its admin is
    // the outsider: they see it; a third person does not.
    assert_eq!(xc.get(&format!("/fi/pipeline/{}", rec.id)).await.status, StatusCode::OK);
    let (third, _) = t.user("kolmas@kimppa.test", PlatformRole::Person).await;
    let mut tc = t.login(&third, None).await;
    assert_eq!(tc.get(&format!("/fi/pipeline/{}", rec.id)).await.status, StatusCode::NOT_FOUND);
    let visitor = t.client().get(&format!("/fi/pipeline/{}", rec.id)).await;
    assert!(visitor.location().starts_with("/fi/login"), "a visitor is asked to sign in");
    assert!(!t.client().get("/fi/innovations").await.body.contains("Purkupuusta liimapuuta"), "not published");

    // Published with the participants public, not the description.
    let mut public = again.clone();
    public.published = Some("on".into());
    public.public_fields = vec!["participants".into(), "stage".into()];
    pipeline::update(&t.app, &staff, rec.id, &public).await.unwrap();
    let list = t.client().get("/fi/innovations").await.body;
    assert!(list.contains("Purkupuusta liimapuuta") && list.contains("Lautalaari Oy"), "{list}");
    let one = t.client().get(&format!("/fi/innovations/{}", rec.id)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.body.contains("Konsepti"), "the stage is public");
    assert!(!one.body.contains("salainen") && !one.body.contains("120"), "nothing not marked public");
    let r = tc.get(&format!("/fi/pipeline/{}", rec.id)).await;
    assert_eq!(r.location(), format!("/fi/innovations/{}", rec.id), "the public page for others");
    assert!(
        t.client().get(&format!("/fi/organisations/{}", org.slug)).await.body.contains("Purkupuusta liimapuuta"),
        "on the organisation's page"
    );
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let found = t.client().get("/fi/search?q=liimapuuta").await.body;
    assert!(found.contains(&format!("/fi/innovations/{}", rec.id)), "in site search");
    let api = t.client().get_json("/api/v1/innovations").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["total"], 1);
    let item = &v["items"][0];
    assert_eq!(item["title"], "Purkupuusta liimapuuta");
    assert_eq!(item["stage"], "concept");
    assert!(item["description"].is_null() && item["kind"].is_null(), "only the public fields: {item}");
    assert_eq!(item["participants"][0]["slug"], org.slug.as_str());
    let one = t.client().get_json(&format!("/api/v1/innovations/{}", rec.id)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(t.client().get_json("/api/v1/innovations/999999").await.status, StatusCode::NOT_FOUND);

    // Closed with a reason: kept in the history, and told to the webhooks.
    kimppa_store::entities::webhook_endpoint::ActiveModel {
        url: Set("http://127.0.0.1:9/hook".into()),
        secret: Set("salaisuus".into()),
        description: Set("CRM".into()),
        active: Set(true),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    pipeline::move_to(&t.app, &staff, rec.id, "closed", "Rahoitus ei järjestynyt").await.unwrap();
    let hooks = kimppa_store::entities::webhook_delivery::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(hooks.len(), 1, "one delivery for the stage change");
    assert_eq!(hooks[0].event, "pipeline.stage_changed");
    let body: serde_json::Value = serde_json::from_str(&hooks[0].payload).unwrap();
    assert_eq!(
        (body["record"].as_i64(), body["from"].as_str(), body["to"].as_str()),
        (Some(rec.id as i64), Some("concept"), Some("closed"))
    );
    let h = changes(&t, rec.id).await;
    assert!(h.iter().any(|(f, _, a)| f == "closed_reason" && a == "Rahoitus ei järjestynyt"));
    let closed = pipeline_record::Entity::find_by_id(rec.id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!(closed.closed_reason, "Rahoitus ei järjestynyt");

    // The stages are the orchestrators' list: a new one, in its place; one
    // with records cannot be removed.
    let r = oc
        .post(
            "/fi/pipeline/stages",
            &[("key", "pilot"), ("name_fi", "Pilotti"), ("name_en", "Pilot"), ("after", "in-progress")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let keys: Vec<String> = pipeline::stages(&t.app.db).await.unwrap().into_iter().map(|s| s.key).collect();
    assert_eq!(
        keys,
        ["idea", "concept", "preparation", "funding-applied", "in-progress", "pilot", "implemented", "closed"]
    );
    let r = oc.post("/fi/pipeline/stages/closed", &[("op", "remove")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "in use");
    let r = oc.post("/fi/pipeline/stages/pilot", &[("op", "remove")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(pipeline::stages(&t.app.db).await.unwrap().len(), 7);
}

async fn leads_become_records_with_tasks_views_and_export(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@palvelu.test", PlatformRole::Person).await;
    let (asker, _) = t.user("kysyja@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Palvelu Oy", "approved").await;
    let admin_p = t.principal(&admin).await;
    let svc = kimppa_app::directory::services::create(
        &t.app,
        &admin_p,
        &org.slug,
        &kimppa_app::directory::services::ServiceForm {
            title_fi: "Purkukartoitus".into(),
            description_fi: "Kartoitamme purkukohteen materiaalit.".into(),
            offering_type: "consulting".into(),
            regions: vec!["pohjois-pohjanmaa".into()],
            languages: vec!["fi".into()],
            price_kind: "quote".into(),
            status: "published".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let send = |msg: &'static str| {
        let t = &t;
        let asker = &asker;
        let slug = svc.slug.clone();
        async move {
            kimppa_app::directory::contact::send(
                &t.app,
                &t.principal(asker).await,
                &kimppa_app::directory::contact::Target::Service(slug),
                &kimppa_app::directory::contact::ContactForm { message: msg.into(), ..Default::default() },
                None,
            )
            .await
            .unwrap()
        }
    };
    let lead = send("Tarvitsemme purkukartoituksen koululle keväällä.\nLisätietoja puhelimitse.").await;
    let second = send("Toinen kysymys samasta koulusta.").await;
    let mut oc = t.login(&orch, secret.as_deref()).await;

    // The lead's row offers the step; the form starts filled in.
    let leads = oc.get("/fi/admin/leads").await.body;
    assert!(leads.contains(&format!("/fi/pipeline/new?from=lead:{}", lead.id)), "{leads}");
    let form = oc.get(&format!("/fi/pipeline/new?from=lead:{}", lead.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Tarvitsemme purkukartoituksen koululle keväällä.\""), "title from the lead");
    assert!(form.body.contains("value=\"Palvelu Oy\""), "the receiving organisation as a participant");
    assert!(form.body.contains("value=\"Yhteydenotto\""), "the source in words, not as a key");
    let r = oc
        .post(
            "/fi/pipeline/new",
            &[
                ("from", &format!("lead:{}", lead.id)),
                ("title", "Koulun purkukartoitus"),
                ("kind", "idea"),
                ("stage", "idea"),
                ("participant", "Palvelu Oy"),
                ("participant_role", "lead"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = pipeline_record::Entity::find().one(&t.app.db).await.unwrap().unwrap();
    // The second lead joins the same record from its own form.
    let r = oc
        .post("/fi/pipeline/join", &[("from", &format!("lead:{}", second.id)), ("record", &rec.id.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let links = pipeline_link::Entity::find().all(&t.app.db).await.unwrap();
    assert_eq!(
        links.iter().map(|l| (l.kind.as_str(), l.target_id)).collect::<Vec<_>>(),
        [("lead", lead.id), ("lead", second.id)]
    );
    let page = oc.get(&format!("/fi/pipeline/{}", rec.id)).await.body;
    assert!(page.contains(&format!("/fi/inbox/{}", lead.id)) && page.contains("Toinen kysymys"), "links shown");
    assert!(!page.contains(&format!("lead:{}", second.id)), "the history names the link in words");
    assert!(page.contains("Yhteydenotto: Toinen kysymys"), "the history names the linked lead");
    // A link to nothing is refused.
    let r = oc.post("/fi/pipeline/join", &[("from", "lead:999999"), ("record", &rec.id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Tasks: a bad day refused, then one due today on the orchestrator.
    let bad = oc
        .post(&format!("/fi/pipeline/{}/tasks", rec.id), &[("task_title", "Soita rehtorille"), ("due_on", "huomenna")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Soita rehtorille"), "typed kept");
    let today = kimppa_app::materials::today().to_string();
    let r = oc
        .post(
            &format!("/fi/pipeline/{}/tasks", rec.id),
            &[("task_title", "Soita rehtorille"), ("due_on", &today), ("assignee", &orch.id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Reminded on the due day, once.
    assert_eq!(pipeline::remind_tasks(&t.app).await.unwrap(), 1);
    assert_eq!(pipeline::remind_tasks(&t.app).await.unwrap(), 0);
    t.run_jobs().await;
    assert!(t.emails_to(&orch.email).await.iter().any(|m| m.subject == "Tänään: Soita rehtorille"));
    let mine = oc.get("/fi/pipeline/tasks").await.body;
    assert!(mine.contains("Soita rehtorille") && mine.contains("Koulun purkukartoitus"), "{mine}");
    let task = pipeline_task::Entity::find().one(&t.app.db).await.unwrap().unwrap();
    let r = oc.post(&format!("/fi/pipeline/{}/tasks/{}", rec.id, task.id), &[("set", "done"), ("back", "tasks")]).await;
    assert_eq!(r.location(), "/fi/pipeline/tasks");
    assert!(!oc.get("/fi/pipeline/tasks").await.body.contains("Soita rehtorille"), "done tasks leave the list");
    assert!(changes(&t, rec.id).await.iter().any(|(f, _, a)| f == "task_done" && a == "Soita rehtorille"));

    // A second record in another stage, then the table filtered and exported.
    let staff = t.elevated(&orch).await;
    pipeline::create(
        &t.app,
        &staff,
        &RecordForm {
            title: "Biokaasulaitoksen rahoitushakemus; \"vaihe 2\"".into(),
            kind: "funding-application".into(),
            stage: "funding-applied".into(),
            euros: "=1+1".into(),
            ..Default::default()
        },
    )
    .await
    .expect_err("a formula is not euros");
    pipeline::create(
        &t.app,
        &staff,
        &RecordForm {
            title: "Biokaasulaitoksen rahoitushakemus; \"vaihe 2\"".into(),
            kind: "funding-application".into(),
            stage: "funding-applied".into(),
            euros: "2 500 000".into(),
            people: "=HYPERLINK(\"x\")".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let table = oc.get("/fi/pipeline/table?stage=funding-applied").await.body;
    assert!(table.contains("Biokaasulaitoksen") && !table.contains("Koulun purkukartoitus"), "filtered by stage");
    let table = oc.get("/fi/pipeline/table?sort=-euros").await.body;
    let (a, b) = (table.find("Biokaasulaitoksen").unwrap(), table.find("Koulun purkukartoitus").unwrap());
    assert!(a < b, "sorted by euros, most first");
    let csv = oc.get("/fi/pipeline/export.csv?kind=funding-application").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let body = csv.body.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let mut rd = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    let head: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&head[..4], ["id", "title", "kind", "stage"]);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the view's filter applies");
    assert_eq!(&rows[0][1], "Biokaasulaitoksen rahoitushakemus; \"vaihe 2\"", "quoting survives");
    assert_eq!(&rows[0][3], "Rahoitusta haettu");
    assert_eq!(&rows[0][4], "2500000");
    assert_eq!(&rows[0][5], "major");
    assert_eq!(&rows[0][11], "'=HYPERLINK(\"x\")", "no formula runs in a spreadsheet");

    // Saved views: one's own, reopened with their filters.
    let r = oc.post("/fi/pipeline/views", &[("view_name", ""), ("view_page", "table"), ("stage", "idea")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a view needs a name");
    let r = oc
        .post(
            "/fi/pipeline/views",
            &[("view_name", "Ideat"), ("view_page", "table"), ("stage", "idea"), ("sort", "title")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let table = oc.get("/fi/pipeline/table").await.body;
    assert!(table.contains(">Ideat</a>") && table.contains("/fi/pipeline/table?stage=idea&#38;sort=title"), "{table}");
    let (orch2, secret2) = t.user("orch2@kimppa.test", PlatformRole::Orchestrator).await;
    let mut o2 = t.login(&orch2, secret2.as_deref()).await;
    assert!(!o2.get("/fi/pipeline/table").await.body.contains(">Ideat</a>"), "views are per person");
}

/// Inserts `n` records (with a participant each) straight into the store.
async fn bulk(t: &TestApp, n: usize, org_id: i32, created_by: i32) {
    let stages = pipeline::stages(&t.app.db).await.unwrap();
    let now = kimppa_app::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|i| pipeline_record::ActiveModel {
            title: Set(format!("Kirjaus {i}")),
            kind: Set(PipelineKind::ALL[i % PipelineKind::ALL.len()]),
            stage_id: Set(stages[i % stages.len()].id),
            euros: Set(Some((*i as i64) * 1000)),
            size_class: Set(String::new()),
            industry: Set(String::new()),
            focus_areas: Set("energy".into()),
            owner_id: Set(None),
            source: Set(String::new()),
            people: Set(String::new()),
            description: Set(String::new()),
            search_text: Set(format!("kirjaus {i}")),
            next_action: Set(String::new()),
            closed_reason: Set(String::new()),
            published: Set(false),
            public_fields: Set(String::new()),
            merged_into: Set(None),
            created_by: Set(created_by),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        pipeline_record::Entity::insert_many(rows).exec(&t.app.db).await.unwrap();
    }
    let ids: Vec<i32> =
        pipeline_record::Entity::find().all(&t.app.db).await.unwrap().into_iter().map(|r| r.id).collect();
    let have: std::collections::HashSet<i32> =
        pipeline_participant::Entity::find().all(&t.app.db).await.unwrap().into_iter().map(|p| p.record_id).collect();
    let missing: Vec<i32> = ids.into_iter().filter(|i| !have.contains(i)).collect();
    for chunk in missing.chunks(500) {
        pipeline_participant::Entity::insert_many(chunk.iter().map(|id| pipeline_participant::ActiveModel {
            record_id: Set(*id),
            org_id: Set(org_id),
            role: Set(PipelineRole::Partner),
            ..Default::default()
        }))
        .exec(&t.app.db)
        .await
        .unwrap();
    }
}

async fn board_and_table_queries_do_not_grow(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@iso.test", PlatformRole::Person).await;
    let org = t.org(&admin, "Iso Oy", "approved").await;
    let oc = t.login(&orch, secret.as_deref()).await;
    bulk(&t, 10, org.id, orch.id).await;
    let (router, n) = crate::common::counted(&t);
    let measure = |path: &'static str| {
        let router = router.clone();
        let n = n.clone();
        let cookie = oc.cookie.clone();
        async move {
            let mut cl = Client { router, cookie, csrf: None };
            cl.get(path).await;
            let before = n.load(std::sync::atomic::Ordering::SeqCst);
            let r = cl.get(path).await;
            assert_eq!(r.status, StatusCode::OK);
            (n.load(std::sync::atomic::Ordering::SeqCst) - before, r.body)
        }
    };
    let (board_small, _) = measure("/fi/pipeline").await;
    let (table_small, _) = measure("/fi/pipeline/table?sort=title").await;
    let (kind_small, _) = measure("/fi/pipeline?by=kind").await;
    bulk(&t, 5000, org.id, orch.id).await;
    let (board_large, board) = measure("/fi/pipeline").await;
    let (table_large, table) = measure("/fi/pipeline/table?sort=title").await;
    let (kind_large, _) = measure("/fi/pipeline?by=kind").await;
    assert_eq!(board_small, board_large, "the board's queries at 10 and 5,010 records");
    assert_eq!(table_small, table_large, "the table's queries at 10 and 5,010 records");
    assert_eq!(kind_small, kind_large, "the board by kind");
    assert!(board.contains("Näytä kaikki"), "columns beyond their cards point to the table");
    assert!(table.contains("5 010 kirjausta") || table.contains("5010 kirjausta"), "the count of all");
    assert!(table.contains("rel=\"next\""), "paged");
    // The admin of the participating organisation sees them among their
    // organisation's records (at most 50), not on the board.
    let principal = t.principal(&admin).await;
    assert_eq!(pipeline::of_my_organisations(&t.app, &principal).await.unwrap().len(), 50);
}

async fn duplicates_are_found_and_merged_without_losing_relations(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@laari.test", PlatformRole::Person).await;
    let (admin2, _) = t.user("admin@purku.test", PlatformRole::Person).await;
    let (admin3, _) = t.user("admin@yo.test", PlatformRole::Person).await;
    t.org(&admin, "Lautalaari Oy", "approved").await;
    t.org(&admin2, "Purkutaito Oy", "approved").await;
    t.org(&admin3, "Pohjolan yliopisto", "approved").await;
    let staff = t.elevated(&orch).await;
    let make = |title: &str, stage: &str, parts: &[(&str, &str)], next: &str| RecordForm {
        title: title.into(),
        kind: "innovation".into(),
        stage: stage.into(),
        next_action: next.into(),
        participant: parts.iter().map(|(n, _)| n.to_string()).collect(),
        participant_role: parts.iter().map(|(_, r)| r.to_string()).collect(),
        ..Default::default()
    };
    let a = pipeline::create(
        &t.app,
        &staff,
        &make(
            "Purkupuusta liimapuuta",
            "concept",
            &[("Lautalaari Oy", "lead"), ("Pohjolan yliopisto", "research")],
            "",
        ),
    )
    .await
    .unwrap();
    let mut bf =
        make("Purkupuun liimapuukonsepti", "idea", &[("Lautalaari Oy", "lead"), ("Purkutaito Oy", "partner")], "Soita");
    bf.euros = "90 000".into();
    let b_ = pipeline::create(&t.app, &staff, &bf).await.unwrap();
    let other = pipeline::create(&t.app, &staff, &make("Biokaasu herasta", "idea", &[("Lautalaari Oy", "lead")], ""))
        .await
        .unwrap();
    for (rid, title) in [(a.id, "Tarjouspyyntö"), (b_.id, "Lujuustestit"), (b_.id, "Rahoitushaku")] {
        pipeline::add_task(&t.app, &staff, rid, &pipeline::TaskForm { task_title: title.into(), ..Default::default() })
            .await
            .unwrap();
    }
    let count = |rid: i32| {
        let db = t.app.db.clone();
        async move {
            (
                pipeline_participant::Entity::find()
                    .filter(pipeline_participant::Column::RecordId.eq(rid))
                    .all(&db)
                    .await
                    .unwrap()
                    .len(),
                pipeline_task::Entity::find()
                    .filter(pipeline_task::Column::RecordId.eq(rid))
                    .all(&db)
                    .await
                    .unwrap()
                    .len(),
                pipeline_change::Entity::find()
                    .filter(pipeline_change::Column::RecordId.eq(rid))
                    .all(&db)
                    .await
                    .unwrap()
                    .len(),
            )
        }
    };
    let (ca, cb) = (count(a.id).await, count(b_.id).await);

    // The finder names the pair and why; not the unrelated record.
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let page = oc.get("/fi/pipeline/duplicates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Purkupuusta liimapuuta") && page.body.contains("Purkupuun liimapuukonsepti"));
    assert!(page.body.contains("Otsikoista yhteistä 100 %"), "{}", page.body);
    assert!(page.body.contains("Samat organisaatiot: Lautalaari Oy"));
    assert!(!page.body.contains("Biokaasu herasta"), "unrelated records are no duplicates");
    // The preview: the result before it is done.
    let prev = oc.get(&format!("/fi/pipeline/merge?keep={}&gone={}", a.id, b_.id)).await;
    assert_eq!(prev.status, StatusCode::OK);
    for want in
        ["Purkutaito Oy (Kumppani)", "Pohjolan yliopisto (Tutkimus)", "90\u{a0}000\u{a0}€", "2 tehtävää", "Soita"]
    {
        assert!(prev.body.contains(want), "{want} in the preview");
    }
    assert_eq!(oc.get(&format!("/fi/pipeline/merge?keep={}&gone={}", a.id, a.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(changes(&t, a.id).await.len(), ca.2, "a preview writes nothing");
    // Merged: nothing lost.
    let r = oc.post("/fi/pipeline/merge", &[("keep", &a.id.to_string()), ("gone", &b_.id.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/fi/pipeline/{}", a.id));
    let after = count(a.id).await;
    assert_eq!(after.0, 3, "Lautalaari once, the university and Purkutaito");
    assert_eq!(after.1, ca.1 + cb.1, "every task");
    assert_eq!(after.2, ca.2 + cb.2 + 1, "both histories and the merge");
    assert_eq!(count(b_.id).await, (0, 0, 0));
    let kept = pipeline_record::Entity::find_by_id(a.id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!((kept.euros, kept.next_action.as_str()), (Some(90_000), "Soita"), "empty fields filled");
    assert_eq!(kept.stage_id, a.stage_id, "the kept record's own values stay");
    let gone = pipeline_record::Entity::find_by_id(b_.id).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!(gone.merged_into, Some(a.id));
    assert_eq!(oc.get(&format!("/fi/pipeline/{}", b_.id)).await.location(), format!("/fi/pipeline/{}", a.id));
    let board = oc.get("/fi/pipeline").await.body;
    assert!(!board.contains("Purkupuun liimapuukonsepti") && board.contains("Purkupuusta liimapuuta"));
    assert!(!oc.get("/fi/pipeline/duplicates").await.body.contains("Purkupuun liimapuukonsepti"));
    let r = oc.post("/fi/pipeline/merge", &[("keep", &other.id.to_string()), ("gone", &b_.id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a merged record is merged once");
    t.run_jobs().await;
    let audit = oc.get("/fi/admin/audit").await.body;
    assert!(audit.contains("pipeline.merge"), "the audit log has the merge");
}

async fn csv_round_trip_with_a_bad_row_writing_nothing(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@laari.test", PlatformRole::Person).await;
    t.org(&admin, "Lautalaari Oy", "approved").await;
    let staff = t.elevated(&orch).await;
    let rec = pipeline::create(
        &t.app,
        &staff,
        &RecordForm {
            title: "Purkupuusta liimapuuta".into(),
            kind: "innovation".into(),
            stage: "idea".into(),
            euros: "100000".into(),
            participant: vec!["Lautalaari Oy".into()],
            participant_role: vec!["lead".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let csv = oc.get("/fi/pipeline/export.csv").await.body;
    assert!(csv.contains("Lautalaari Oy (lead)"));
    // Edited in a spreadsheet: the stage by its Finnish name, more euros, and a new row.
    let edited = csv.replace(";Idea;", ";Konsepti;").replace(";100000;", ";150000;").trim_end().to_string()
        + "\r\n;Biokaasu herasta;idea;Valmistelu;;;35;energy;Lautalaari Oy (partner);;;;;;kyllä;;\r\n";
    let records = || async { pipeline_record::Entity::find().all(&t.app.db).await.unwrap() };

    // A dry run checks and writes nothing.
    let r = oc
        .post_multipart(
            "/fi/pipeline/import",
            &[("key", "id"), ("dry_run", "1")],
            "file",
            "putki.csv",
            edited.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("mitään ei tallennettu"), "{}", r.body);
    assert_eq!(records().await.len(), 1);
    // A bad row: nothing written, the line and column named.
    let bad = edited.clone() + ";Kolmas;idea;Ei tällaista vaihetta;;;;;;;;;;;;;\r\n";
    let r = oc.post_multipart("/fi/pipeline/import", &[("key", "id")], "file", "putki.csv", bad.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<td>4</td><td>stage</td>"), "{}", r.body);
    assert_eq!(records().await.len(), 1, "a bad row writes nothing");
    assert_eq!(records().await[0].euros, Some(100_000), "nor updates");
    let unknown_org = edited.replace("Lautalaari Oy (partner)", "Tuntematon Oy (partner)");
    let r =
        oc.post_multipart("/fi/pipeline/import", &[("key", "id")], "file", "putki.csv", unknown_org.as_bytes()).await;
    assert!(r.body.contains("<td>3</td><td>participants</td>"), "{}", r.body);
    // The good file: the record updated by its id, the new one added.
    let r = oc.post_multipart("/fi/pipeline/import", &[("key", "id")], "file", "putki.csv", edited.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let all = records().await;
    assert_eq!(all.len(), 2);
    let first = all.iter().find(|r| r.id == rec.id).unwrap();
    assert_eq!(first.euros, Some(150_000));
    let stages = pipeline::stages(&t.app.db).await.unwrap();
    assert_eq!(stages.iter().find(|s| s.id == first.stage_id).unwrap().key, "concept");
    let h = changes(&t, rec.id).await;
    assert!(h.iter().any(|(f, b, a)| f == "euros" && b == "100000" && a == "150000"), "{h:?}");
    let new = all.iter().find(|r| r.title == "Biokaasu herasta").unwrap();
    assert!(new.published && new.industry == "35");
    let parts = pipeline_participant::Entity::find()
        .filter(pipeline_participant::Column::RecordId.eq(new.id))
        .all(&t.app.db)
        .await
        .unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].role, PipelineRole::Partner);
    // The same file again by title: updates both, adds none.
    let r = oc.post_multipart("/fi/pipeline/import", &[("key", "title")], "file", "putki.csv", edited.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(records().await.len(), 2, "matched by title");
}

async fn own_fields_are_filtered_grouped_and_exported(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (admin, _) = t.user("admin@laari.test", PlatformRole::Person).await;
    t.org(&admin, "Lautalaari Oy", "approved").await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    oc.get("/fi/pipeline/fields").await;
    let bad = oc.post("/fi/pipeline/fields", &[("key", "ohjelma"), ("name_fi", "Ohjelma"), ("kind", "choice")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a choice needs options");
    let bad = oc.post("/fi/pipeline/fields", &[("key", "title"), ("name_fi", "Otsikko"), ("kind", "text")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a built-in column's name is taken");
    for (key, name, kind, choices) in [
        ("ohjelma", "Ohjelma", "choice", "EAKR\nJTF\nHorizon Europe"),
        ("teemat", "Teemat", "multi", "rakentaminen\nenergia\nvesi"),
        ("rahoittaja", "Rahoittaja", "organisation", ""),
        ("hiili", "Hiilivähenemä (t)", "number", ""),
    ] {
        let r = oc
            .post("/fi/pipeline/fields", &[("key", key), ("name_fi", name), ("kind", kind), ("choices", choices)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let form = oc.get("/fi/pipeline/new").await.body;
    assert!(form.contains("name=\"cf-ohjelma\"") && form.contains("name=\"cf-teemat\""), "the form has them");
    let base = |title: &'static str| vec![("title", title), ("kind", "development-project"), ("stage", "preparation")];
    let mut fields = base("Tuhkatie");
    fields.extend([
        ("cf-ohjelma", "JTF"),
        ("cf-teemat", "rakentaminen"),
        ("cf-teemat", "energia"),
        ("cf-hiili", "paljon"),
    ]);
    let bad = oc.post("/fi/pipeline/new", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Kirjoita luku") && bad.body.contains("href=\"#f-cf-4\""), "the error beside the field");
    assert!(bad.body.contains("value=\"JTF\" selected"), "typed values kept");
    fields.pop();
    fields.extend([("cf-hiili", "12,5"), ("cf-rahoittaja", "Lautalaari Oy")]);
    assert_eq!(oc.post("/fi/pipeline/new", &fields).await.status, StatusCode::SEE_OTHER);
    let mut other = base("Vesihanke");
    other.extend([("cf-ohjelma", "EAKR"), ("cf-teemat", "vesi")]);
    assert_eq!(oc.post("/fi/pipeline/new", &other).await.status, StatusCode::SEE_OTHER);
    let rec = pipeline_record::Entity::find()
        .filter(pipeline_record::Column::Title.eq("Tuhkatie"))
        .one(&t.app.db)
        .await
        .unwrap()
        .unwrap();
    let page = oc.get(&format!("/fi/pipeline/{}", rec.id)).await.body;
    assert!(page.contains("<dt>Teemat</dt><dd>rakentaminen, energia</dd>"), "{page}");
    assert!(
        page.contains("<dt>Rahoittaja</dt><dd>Lautalaari Oy</dd>")
            && page.contains("<dt>Hiilivähenemä (t)</dt><dd>12.5</dd>")
    );

    // Filtered by a choice and by one of a multiple choice.
    let table = oc.get("/fi/pipeline/table?cf=ohjelma:JTF").await.body;
    assert!(table.contains("Tuhkatie") && !table.contains("Vesihanke"));
    let table = oc.get("/fi/pipeline/table?cf=teemat:vesi").await.body;
    assert!(!table.contains("Tuhkatie") && table.contains("Vesihanke"));
    let table = oc.get("/fi/pipeline/table?cf=teemat:energia&cf=ohjelma:JTF").await.body;
    assert!(table.contains("Tuhkatie") && !table.contains("Vesihanke"), "several at once");
    // The board grouped by the choice field.
    let board = oc.get("/fi/pipeline?by=cf-ohjelma").await.body;
    assert!(board.contains("Horizon Europe") && board.contains("Ei arvoa"), "a column per option and one for none");
    // Exported as columns of their own.
    let csv = oc.get("/fi/pipeline/export.csv?cf=ohjelma:JTF").await.body;
    let body = csv.strip_prefix('\u{feff}').unwrap();
    let mut rd = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    let head: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    let at = |k: &str| head.iter().position(|h| h == k).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][at("ohjelma")], "JTF");
    assert_eq!(&rows[0][at("teemat")], "rakentaminen, energia");
    assert_eq!(&rows[0][at("rahoittaja")], "Lautalaari Oy");
    // Imported back with a changed value: kept in the history.
    let edited = csv.replace(";JTF;", ";Horizon Europe;");
    let r = oc.post_multipart("/fi/pipeline/import", &[("key", "id")], "file", "putki.csv", edited.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let table = oc.get("/fi/pipeline/table?cf=ohjelma:Horizon%20Europe").await.body;
    assert!(table.contains("Tuhkatie"));
    assert!(changes(&t, rec.id).await.iter().any(|(f, b, a)| f == "cf:ohjelma" && b == "JTF" && a == "Horizon Europe"));
    let bad = edited.replace(";Horizon Europe;", ";Interreg;");
    let r = oc.post_multipart("/fi/pipeline/import", &[("key", "id")], "file", "putki.csv", bad.as_bytes()).await;
    assert!(r.body.contains("<td>2</td><td>ohjelma</td>"), "{}", r.body);
    // Removing a field removes its values.
    assert_eq!(oc.post("/fi/pipeline/fields/ohjelma/delete", &[]).await.status, StatusCode::SEE_OTHER);
    assert!(!oc.get(&format!("/fi/pipeline/{}", rec.id)).await.body.contains("<dt>Ohjelma</dt>"));
}

both_backends!(
    own_fields_are_filtered_grouped_and_exported,
    csv_round_trip_with_a_bad_row_writing_nothing,
    duplicates_are_found_and_merged_without_losing_relations,
    stages_history_and_visibility,
    leads_become_records_with_tasks_views_and_export,
    board_and_table_queries_do_not_grow
);
