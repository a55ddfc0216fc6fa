//! The expert forum: a closed thread reached every way there is, as an
//! outsider, an invited person, a member of an invited organisation, the
//! owner and an orchestrator; opening and closing logged; a long thread
//! paged with a bounded number of queries.

use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use kimppa_domain::{OrgRole, PlatformRole};
use kimppa_store::{
    entities::{audit_entry, forum_category, forum_post, forum_tag, forum_thread},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set},
};
use std::sync::atomic::Ordering;

pub(crate) async fn category_and_tag(t: &TestApp) -> (forum_category::Model, forum_tag::Model) {
    let c = forum_category::ActiveModel {
        slug: Set("materiaalit".into()),
        name_fi: Set("Materiaalit".into()),
        name_en: Set("Materials".into()),
        description_fi: Set("Sivuvirrat ja materiaalit".into()),
        description_en: Set("Side streams and materials".into()),
        position: Set(1),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let g = forum_tag::ActiveModel {
        slug: Set("innovaatio".into()),
        name_fi: Set("innovaatio".into()),
        name_en: Set("innovation".into()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    (c, g)
}

struct Seen {
    list: bool,
    category: bool,
    tag: bool,
    thread: bool,
    replies_page: bool,
    search: bool,
    category_count: String,
}

async fn look(c: &mut Client, id: i32, title: &str) -> Seen {
    let list = c.get("/fi/forum").await;
    assert_eq!(list.status, StatusCode::OK);
    let count = list
        .body
        .split("Keskusteluja: ")
        .nth(1)
        .map(|s| s.chars().take_while(|c| c.is_ascii_digit()).collect())
        .unwrap_or_default();
    let thread = c.get(&format!("/fi/forum/threads/{id}")).await;
    assert!(matches!(thread.status, StatusCode::OK | StatusCode::NOT_FOUND), "{}", thread.status);
    let replies = c.get(&format!("/fi/forum/threads/{id}?page=1")).await;
    let search = c.get("/fi/search?q=sivuvirtahanke").await;
    Seen {
        list: list.body.contains(title),
        category: c.get("/fi/forum/categories/materiaalit").await.body.contains(title),
        tag: c.get("/fi/forum/tags/innovaatio").await.body.contains(title),
        thread: thread.status == StatusCode::OK && thread.body.contains(title),
        replies_page: replies.status == StatusCode::OK && replies.body.contains("Toimitamme 300 tonnia"),
        search: search.body.contains(title),
        category_count: count,
    }
}

async fn closed_threads_are_seen_only_by_participants(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let (cat, _) = category_and_tag(&t).await;
    let (owner, _) = t.user("omistaja@kimppa.test", PlatformRole::Person).await;
    let (invited, _) = t.user("kutsuttu@kimppa.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulkopuolinen@kimppa.test", PlatformRole::Person).await;
    let (org_admin, _) = t.user("admin@kumppani.test", PlatformRole::Person).await;
    let (org_member, _) = t.user("jasen@kumppani.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let partner = t.org(&org_admin, "Kumppani Oy", "approved").await;
    t.add_to_org(&partner, &org_admin, &org_member, OrgRole::Member).await;

    let mut oc = t.login(&owner, None).await;
    oc.get("/fi/forum/new").await;
    // Bad input keeps what was typed, with the errors beside the fields.
    let bad = oc.post("/fi/forum/new", &[("category", "ei-ole"), ("title", "Otsikko jää"), ("body", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"Otsikko jää\"") && bad.body.contains("href=\"#f-body\""));
    assert!(bad.body.contains("href=\"#f-category\""));
    let title = "Salainen sivuvirtahanke";
    let r = oc
        .post(
            "/fi/forum/new",
            &[
                ("category", "materiaalit"),
                ("title", title),
                ("body", "Meillä on **uusi** sivuvirta, josta emme vielä kerro julkisesti."),
                ("tags", "innovaatio"),
                ("closed", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let open = oc
        .post(
            "/fi/forum/new",
            &[("category", "materiaalit"), ("title", "Avoin kysymys sivuvirroista"), ("body", "Kuka ottaa tuhkaa?")],
        )
        .await;
    assert_eq!(open.status, StatusCode::SEE_OTHER);
    let page = oc.follow(&r).await;
    assert!(page.body.contains("suljettu keskustelu"), "the owner is told it is closed");
    // Invite a person and a whole organisation; an unknown invitee is an error beside the field.
    let unknown = oc.post(&format!("/fi/forum/threads/{id}/invite"), &[("who", "ei-ketaan@missaan.test")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("value=\"ei-ketaan@missaan.test\""));
    for who in ["kutsuttu@kimppa.test", partner.slug.as_str()] {
        let r = oc.post(&format!("/fi/forum/threads/{id}/invite"), &[("who", who)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}: {}", r.body);
    }
    t.run_jobs().await;
    assert!(t.last_email_to("kutsuttu@kimppa.test").await.body_text.contains(&format!("/fi/forum/threads/{id}")));
    assert!(t.last_email_to("jasen@kumppani.test").await.body_text.contains(title));
    assert!(t.emails_to("ulkopuolinen@kimppa.test").await.is_empty());
    let mut ic = t.login(&invited, None).await;
    ic.get(&format!("/fi/forum/threads/{id}")).await;
    let r = ic.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Toimitamme 300 tonnia vuodessa.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();

    let mut anon = t.client();
    let mut out = t.login(&outsider, None).await;
    let mut member = t.login(&org_member, None).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    for (who, c, sees) in [
        ("anonymous", &mut anon, false),
        ("outsider", &mut out, false),
        ("invited", &mut ic, true),
        ("member of the invited organisation", &mut member, true),
        ("owner", &mut oc, true),
        ("orchestrator", &mut staff, true),
    ] {
        let s = look(c, id, title).await;
        assert_eq!(
            (s.list, s.category, s.tag, s.thread, s.replies_page, s.search),
            (sees, sees, sees, sees, sees, sees),
            "{who}"
        );
        assert_eq!(s.category_count, if sees { "2" } else { "1" }, "{who}: counts");
        if who == "outsider" {
            let r = c.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Pääsenkö?")]).await;
            assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::SEE_OTHER), "{who} cannot reply");
            assert_eq!(forum_post::Entity::find().all(&t.app.db).await.unwrap().len(), 1);
        }
    }
    // Only the owner and staff manage; an invited person does not.
    let r = ic.post(&format!("/fi/forum/threads/{id}/closed"), &[("closed", "false")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Feeds, the API and suggestions are anonymous: never the closed thread.
    let feed = anon.get(&format!("/fi/forum/categories/{}/rss.xml", cat.slug)).await;
    assert!(feed.body.contains("Avoin kysymys sivuvirroista") && !feed.body.contains(title));
    let api = anon.get_json("/api/v1/forum/threads").await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(anon.get_json(&format!("/api/v1/forum/threads/{id}")).await.status, StatusCode::NOT_FOUND);
    let suggest = anon.get_json("/api/v1/search/suggest?q=salainen").await;
    assert!(!suggest.body.contains(title));
    let search_api = anon.get_json("/api/v1/search?q=sivuvirtahanke").await.json();
    assert_eq!(search_api["total"], 0);

    // The owner opens it to everyone; the change is logged and seen everywhere.
    let r = oc.post(&format!("/fi/forum/threads/{id}/closed"), &[("closed", "false")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let s = look(&mut anon, id, title).await;
    assert!(s.list && s.thread && s.search && s.replies_page);
    assert_eq!(
        anon.get_json(&format!("/api/v1/forum/threads/{id}")).await.json()["replies"][0]["body"],
        "Toimitamme 300 tonnia vuodessa."
    );
    let log: Vec<String> = audit_entry::Entity::find()
        .filter(audit_entry::Column::Target.eq(format!("thread:{id}")))
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log, vec!["forum.thread.closed", "forum.thread.opened"]);
    // An orchestrator may close it again.
    let r = staff.post(&format!("/fi/forum/threads/{id}/closed"), &[("closed", "true")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.get(&format!("/fi/forum/threads/{id}")).await.status, StatusCode::NOT_FOUND);
}

/// A thread written straight to the database (bulk data for the counts).
async fn insert_thread(t: &TestApp, category: i32, author: i32, title: &str, closed: bool) -> forum_thread::Model {
    let now = kimppa_app::now();
    forum_thread::ActiveModel {
        category_id: Set(category),
        author_id: Set(author),
        title: Set(title.into()),
        body: Set("Teksti".into()),
        closed: Set(closed),
        locked: Set(false),
        pinned: Set(false),
        reply_count: Set(0),
        last_post_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap()
}

async fn a_long_thread_is_paged_with_a_bounded_number_of_queries(b: kimppa_store::testing::Backend) {
    let t = TestApp::with_config(b, |c| c.page_cache.max_mib = 0).await;
    let (cat, _) = category_and_tag(&t).await;
    let (u, _) = t.user("kirjoittaja@kimppa.test", PlatformRole::Person).await;
    let now = kimppa_app::now();
    let thread = insert_thread(&t, cat.id, u.id, "Pitkä keskustelu", false).await;
    let add = |from: usize, n: usize| {
        let db = t.app.db.clone();
        async move {
            let rows: Vec<forum_post::ActiveModel> = (from..from + n)
                .map(|i| forum_post::ActiveModel {
                    thread_id: Set(thread.id),
                    author_id: Set(u.id),
                    body: Set(format!("Vastaus numero {i}")),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .collect();
            for chunk in rows.chunks(100) {
                forum_post::Entity::insert_many(chunk.to_vec()).exec(&db).await.unwrap();
            }
            let mut am: forum_thread::ActiveModel =
                forum_thread::Entity::find_by_id(thread.id).one(&db).await.unwrap().unwrap().into();
            am.reply_count = Set((from + n) as i32);
            am.update(&db).await.unwrap();
        }
    };
    let (router, n) = crate::common::counted(&t);
    let logged = t.login(&u, None).await;
    // Signed in, and the rows are written straight to the database (not
    // through the change log): the page memory is off, so every request
    // is rendered.
    let mut c = Client { router, cookie: logged.cookie.clone(), csrf: None };
    let path = format!("/fi/forum/threads/{}", thread.id);
    let mut measure = async |p: &str| {
        let before = n.load(Ordering::SeqCst);
        let r = c.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        (n.load(Ordering::SeqCst) - before, r.body)
    };
    add(0, 5).await;
    let (small, _) = measure(&path).await;
    add(5, 495).await;
    let (large, body) = measure(&path).await;
    assert_eq!(small, large, "queries for a thread of 5 and of 500 replies");
    // The owner's view also suggests experts (with their organisations'
    // services) and organisations to invite by name: a fixed number more.
    assert!((3..=24).contains(&small), "{small}");
    assert_eq!(body.matches("class=\"forum-reply\"").count(), 50);
    assert!(body.contains("Vastaus numero 0") && !body.contains("Vastaus numero 50<"));
    assert!(body.contains("Sivu 1 / 10"));
    let (_, last) = measure(&format!("{path}?page=10")).await;
    assert_eq!(last.matches("class=\"forum-reply\"").count(), 50);
    assert!(last.contains("Vastaus numero 499"));
    // The list with many threads is bounded too.
    let (list_small, _) = measure("/fi/forum").await;
    for i in 0..40 {
        insert_thread(&t, cat.id, u.id, &format!("Ketju {i}"), i % 3 == 0).await;
    }
    let (list_large, _) = measure("/fi/forum").await;
    assert_eq!(list_small, list_large, "queries of the forum front page");
    let (cat_q, cat_body) = measure("/fi/forum/categories/materiaalit?page=2").await;
    assert!((3..=20).contains(&cat_q));
    assert!(cat_body.contains("Sivu 2 / 3"), "41 visible threads to the author, 20 a page");
}

both_backends!(closed_threads_are_seen_only_by_participants, a_long_thread_is_paged_with_a_bounded_number_of_queries);

async fn moderators_readers_and_writers_keep_the_forum_in_order(b: kimppa_store::testing::Backend) {
    use kimppa_app::forum::{self, ThreadForm};
    let t = TestApp::new(b).await;
    let (_, _) = category_and_tag(&t).await;
    forum_category::ActiveModel {
        slug: Set("rahoitus".into()),
        name_fi: Set("Rahoitus".into()),
        name_en: Set("Funding".into()),
        description_fi: Set(String::new()),
        description_en: Set(String::new()),
        position: Set(2),
        created_at: Set(kimppa_app::now()),
        ..Default::default()
    }
    .insert(&t.app.db)
    .await
    .unwrap();
    let (author, _) = t.user("kysyja@kimppa.test", PlatformRole::Person).await;
    let (replier, _) = t.user("vastaaja@kimppa.test", PlatformRole::Person).await;
    let (reader, _) = t.user("lukija@kimppa.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let a = t.principal(&author).await;
    let r = t.principal(&replier).await;
    let thread = forum::create(
        &t.app,
        &a,
        &ThreadForm {
            category: "materiaalit".into(),
            title: "Kuka ottaa kipsijätettä".into(),
            body: "Alkuperäinen kysymys kipsistä.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = thread.id;
    let good = forum::reply(&t.app, &r, id, "Me otamme kipsiä vastaan Oulussa.").await.unwrap();
    let rude = forum::reply(&t.app, &r, id, "Asiaton kommentti, jota ei pitäisi näkyä.").await.unwrap();

    // A reader reports the rude reply; an empty reason is shown again with the error.
    let mut lc = t.login(&reader, None).await;
    assert_eq!(lc.get(&format!("/fi/forum/threads/{id}/report?post={}", rude.id)).await.status, StatusCode::OK);
    let bad =
        lc.post(&format!("/fi/forum/threads/{id}/report"), &[("post", &rude.id.to_string()), ("reason", " ")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#f-reason\""));
    let ok = lc
        .post(&format!("/fi/forum/threads/{id}/report"), &[("post", &rude.id.to_string()), ("reason", "Loukkaava")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(lc.get("/fi/admin/forum").await.status, StatusCode::FORBIDDEN, "readers have no queue");

    // The orchestrator sees the report, hides the reply and resolves the report.
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let queue = oc.get("/fi/admin/forum").await;
    assert!(queue.body.contains("Loukkaava") && queue.body.contains("Asiaton kommentti"));
    let report_id = kimppa_store::entities::forum_report::Entity::find().one(&t.app.db).await.unwrap().unwrap().id;
    let r1 = oc.post(&format!("/fi/forum/threads/{id}/replies/{}/hidden", rude.id), &[("hidden", "true")]).await;
    assert_eq!(r1.status, StatusCode::SEE_OTHER);
    assert_eq!(
        oc.post(&format!("/fi/admin/forum/reports/{report_id}/resolve"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(oc.get("/fi/admin/forum").await.body.contains("Ei käsittelemättömiä"));
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let mut anon = t.client();
    let page = anon.get(&format!("/fi/forum/threads/{id}")).await;
    assert!(!page.body.contains("Asiaton kommentti") && page.body.contains("piilottanut"));
    assert!(page.body.contains("Me otamme kipsiä"));
    assert!(oc.get(&format!("/fi/forum/threads/{id}")).await.body.contains("Asiaton kommentti"), "staff still see it");
    let api = anon.get_json(&format!("/api/v1/forum/threads/{id}")).await.json();
    assert_eq!((api["replies"][1]["hidden"].as_bool(), api["replies"][1]["body"].as_str()), (Some(true), Some("")));
    assert_eq!(anon.get_json("/api/v1/search?q=asiaton").await.json()["total"], 0);

    // Locked: no replies (the form comes back with the reason); unlocked again.
    assert_eq!(
        oc.post(&format!("/fi/forum/threads/{id}/moderate"), &[("action", "lock")]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut rc = t.login(&replier, None).await;
    rc.get(&format!("/fi/forum/threads/{id}")).await;
    let locked = rc.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Vielä yksi")]).await;
    assert_eq!(locked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(locked.body.contains("lukittu"));
    assert_eq!(
        oc.post(&format!("/fi/forum/threads/{id}/moderate"), &[("action", "unlock")]).await.status,
        StatusCode::SEE_OTHER
    );
    // Pin and move; a person cannot.
    assert_eq!(
        oc.post(&format!("/fi/forum/threads/{id}/moderate"), &[("action", "pin")]).await.status,
        StatusCode::SEE_OTHER
    );
    let moved =
        oc.post(&format!("/fi/forum/threads/{id}/moderate"), &[("action", "move"), ("category", "rahoitus")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        rc.post(&format!("/fi/forum/threads/{id}/moderate"), &[("action", "lock")]).await.status,
        StatusCode::FORBIDDEN
    );
    let now = forum_thread::Entity::find_by_id(id).one(&t.app.db).await.unwrap().unwrap();
    assert!(now.pinned && !now.locked);
    assert!(anon.get("/fi/forum/categories/rahoitus").await.body.contains("Kuka ottaa kipsijätettä"));

    // Edits keep the earlier text for moderators; only the writer (or staff) edits.
    let mut ac = t.login(&author, None).await;
    ac.get(&format!("/fi/forum/threads/{id}/edit")).await;
    let empty = ac.post(&format!("/fi/forum/threads/{id}/edit"), &[("title", "Uusi otsikko"), ("body", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("value=\"Uusi otsikko\""));
    let edited = ac
        .post(
            &format!("/fi/forum/threads/{id}/edit"),
            &[("title", "Kuka ottaa kipsiä"), ("body", "Tarkennettu kysymys.")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    assert_eq!(ac.get(&format!("/fi/forum/threads/{id}/edit?post={}", good.id)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(ac.get(&format!("/fi/forum/threads/{id}/history")).await.status, StatusCode::FORBIDDEN);
    rc.get(&format!("/fi/forum/threads/{id}/edit?post={}", good.id)).await;
    let own = rc
        .post(
            &format!("/fi/forum/threads/{id}/edit"),
            &[("post", &good.id.to_string()), ("body", "Otamme kipsiä Oulussa ja Kempeleessä.")],
        )
        .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    let history = oc.get(&format!("/fi/forum/threads/{id}/history")).await;
    assert!(
        history.body.contains("Alkuperäinen kysymys kipsistä.")
            && history.body.contains("Me otamme kipsiä vastaan Oulussa.")
    );
    let page = anon.get(&format!("/fi/forum/threads/{id}")).await;
    assert!(page.body.contains("Tarkennettu kysymys.") && page.body.contains("Kempeleessä"));

    // The asker marks the accepted answer; others cannot.
    assert_eq!(
        rc.post(&format!("/fi/forum/threads/{id}/accept"), &[("post", &good.id.to_string())]).await.status,
        StatusCode::FORBIDDEN
    );
    let acc = ac.post(&format!("/fi/forum/threads/{id}/accept"), &[("post", &good.id.to_string())]).await;
    assert_eq!(acc.status, StatusCode::SEE_OTHER);
    assert!(anon.get(&format!("/fi/forum/threads/{id}")).await.body.contains("hyväksytty vastaus"));
    assert_eq!(anon.get_json(&format!("/api/v1/forum/threads/{id}")).await.json()["thread"]["accepted_reply"], good.id);

    // Moderator actions are in the audit log.
    t.run_jobs().await;
    let actions: Vec<String> =
        audit_entry::Entity::find().all(&t.app.db).await.unwrap().into_iter().map(|e| e.action).collect();
    for a in [
        "forum.post.hidden",
        "forum.report.resolved",
        "forum.thread.locked",
        "forum.thread.pinned",
        "forum.thread.moved",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }

    // Posting is limited per person: after ten posts in ten minutes, the next is refused.
    for i in 0..(kimppa_app::forum::POSTS_PER_10_MIN - 2) {
        forum::reply(&t.app, &r, id, &format!("Lisähuomio {i}")).await.unwrap();
    }
    let over = rc.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Vielä yksi huomio")]).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.body.contains("Vielä yksi huomio") && over.body.contains("Odota hetki"));
}

both_backends!(moderators_readers_and_writers_keep_the_forum_in_order);

async fn experts_are_suggested_linked_and_told(b: kimppa_store::testing::Backend) {
    use kimppa_store::entities::expert;
    let t = TestApp::new(b).await;
    category_and_tag(&t).await;
    let (author, _) = t.user("kysyja@kimppa.test", PlatformRole::Person).await;
    let (gypsum, _) = t.user("kipsi@asiantuntija.test", PlatformRole::Person).await;
    let (biogas, _) = t.user("biokaasu@asiantuntija.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulkopuolinen@kimppa.test", PlatformRole::Person).await;
    let org = t.org(&gypsum, "Asiantuntijat Oy", "approved").await;
    t.add_to_org(&org, &gypsum, &biogas, OrgRole::Member).await;
    let now = kimppa_app::now();
    let mut ids = vec![];
    for (u, tags, bio) in [
        (&gypsum, "kipsijäte,purkumateriaalit", "Kipsijätteen kierrätys ja purkumateriaalien uusiokäyttö."),
        (&biogas, "biokaasu,lietteet", "Biokaasulaitosten prosessit ja lietteiden käsittely."),
    ] {
        let e = expert::ActiveModel {
            user_id: Set(u.id),
            org_id: Set(org.id),
            listed: Set(true),
            tags: Set(tags.into()),
            languages: Set("fi".into()),
            focus_areas: Set("construction".into()),
            bio_fi: Set(bio.into()),
            bio_en: Set(String::new()),
            search_text: Set(bio.to_lowercase()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&t.app.db)
        .await
        .unwrap();
        ids.push(e.id);
    }
    kimppa_app::search::touch_all(&t.app.db, "expert").await.unwrap();
    let mut ac = t.login(&author, None).await;
    ac.get("/fi/forum/new").await;
    let r = ac
        .post(
            "/fi/forum/new",
            &[
                ("category", "materiaalit"),
                ("title", "Kuka ottaa kipsijätettä vastaan"),
                ("body", "Purkukohteesta tulee kipsilevyä, noin 20 tonnia."),
                ("closed", "on"),
            ],
        )
        .await;
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();

    // The asker sees suggestions with the reason; the gypsum expert first, not the biogas one.
    let page = ac.get(&format!("/fi/forum/threads/{id}")).await;
    let suggestions = page.body.split("Ehdotetut asiantuntijat").nth(1).unwrap_or_default().to_string();
    assert!(suggestions.contains(&format!("/fi/experts/{}", ids[0])), "{suggestions}");
    assert!(suggestions.contains("osaamisalueet: kipsijäte"), "the matching tag is the reason");
    assert!(!suggestions.contains(&format!("/fi/experts/{}\"", ids[1])));
    // An unknown expert is an error beside the field; an outsider cannot link.
    let bad = ac.post(&format!("/fi/forum/threads/{id}/experts"), &[("expert", "ei@ketaan.test")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#f-expert\"") && bad.body.contains("value=\"ei@ketaan.test\""));
    let mut oc = t.login(&outsider, None).await;
    oc.get("/fi/forum").await;
    let r = oc.post(&format!("/fi/forum/threads/{id}/experts"), &[("expert", &ids[0].to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Linking by email: the expert is told and, the thread being closed, may now read it.
    let mut gc = t.login(&gypsum, None).await;
    assert_eq!(gc.get(&format!("/fi/forum/threads/{id}")).await.status, StatusCode::NOT_FOUND);
    let r = ac.post(&format!("/fi/forum/threads/{id}/experts"), &[("expert", "kipsi@asiantuntija.test")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    t.run_jobs().await;
    assert!(t.last_email_to("kipsi@asiantuntija.test").await.body_text.contains(&format!("/fi/forum/threads/{id}")));
    let seen = gc.get(&format!("/fi/forum/threads/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.split("id=\"experts\"").nth(1).unwrap_or_default().contains(&format!("/fi/experts/{}", ids[0])));
    assert!(!seen.body.contains("Ehdotetut asiantuntijat"), "suggestions are for the asker and staff");
    // Removing takes the expert off the list.
    let r = ac.post(&format!("/fi/forum/threads/{id}/experts/{}/remove", ids[0]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(ac.get(&format!("/fi/forum/threads/{id}")).await.body.contains("ei ole vielä liitetty asiantuntijoita"));
}

both_backends!(experts_are_suggested_linked_and_told);

async fn orchestrators_manage_areas_and_topics(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    category_and_tag(&t).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let (person, _) = t.user("henkilo@kimppa.test", PlatformRole::Person).await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    assert_eq!(oc.get("/fi/admin/forum/areas").await.status, StatusCode::OK);
    oc.get("/fi/admin/forum/areas/new").await;
    let bad = oc
        .post("/fi/admin/forum/areas/new", &[("slug", "Huono Osoite"), ("name_fi", "Kiertotalous"), ("position", "x")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"Huono Osoite\"") && bad.body.contains("href=\"#f-name_en\""));
    assert!(bad.body.contains("href=\"#f-position\""));
    let taken =
        oc.post("/fi/admin/forum/areas/new", &[("slug", "materiaalit"), ("name_fi", "A"), ("name_en", "A")]).await;
    assert!(taken.body.contains("href=\"#f-slug\""));
    let ok = oc
        .post(
            "/fi/admin/forum/areas/new",
            &[
                ("slug", "energia"),
                ("name_fi", "Energia"),
                ("name_en", "Energy"),
                ("description_fi", "Hukkalämpö ja uusiutuva energia"),
                ("position", "5"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    oc.get("/fi/admin/forum/areas/energia").await;
    let edited = oc
        .post(
            "/fi/admin/forum/areas/energia",
            &[("slug", "energia"), ("name_fi", "Energia ja lämpö"), ("name_en", "Energy")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    let topic =
        oc.post("/fi/admin/forum/topics/new", &[("slug", "vety"), ("name_fi", "vety"), ("name_en", "hydrogen")]).await;
    assert_eq!(topic.status, StatusCode::SEE_OTHER);
    let front = t.client().get("/fi/forum").await;
    assert!(front.body.contains("Energia ja lämpö") && front.body.contains("/fi/forum/tags/vety"));
    // A person cannot.
    let mut pc = t.login(&person, None).await;
    assert_eq!(pc.get("/fi/admin/forum/areas").await.status, StatusCode::FORBIDDEN);
    let r = pc.post("/fi/admin/forum/topics/new", &[("slug", "x"), ("name_fi", "x"), ("name_en", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(forum_tag::Entity::find().all(&t.app.db).await.unwrap().len(), 2);
}

both_backends!(orchestrators_manage_areas_and_topics);

/// Unread notifications as the header shows them ("Ilmoitukset 3 lukematonta").
fn unread_in(body: &str) -> u64 {
    body.split("class=\"count-badge\">")
        .nth(1)
        .map(|s| s.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap_or(0))
        .unwrap_or(0)
}

async fn notifications_digests_and_files_follow_visibility(b: kimppa_store::testing::Backend) {
    use kimppa_app::{
        forum::watching::{self, Target},
        notifications::{self, EmailMode},
    };
    use kimppa_store::entities::notice;
    let t = TestApp::new(b).await;
    let (cat, tag) = category_and_tag(&t).await;
    let (owner, _) = t.user("omistaja@kimppa.test", PlatformRole::Person).await;
    let (invited, _) = t.user("kutsuttu@kimppa.test", PlatformRole::Person).await;
    let (outsider, _) = t.user("ulkopuolinen@kimppa.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut oc = t.login(&owner, None).await;
    let mut ic = t.login(&invited, None).await;
    let mut out = t.login(&outsider, None).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    let mut anon = t.client();
    // The outsider and the orchestrator watch the area, the invited person the topic.
    for (c, path) in [
        (&mut out, format!("/fi/forum/categories/{}", cat.slug)),
        (&mut staff, format!("/fi/forum/categories/{}", cat.slug)),
        (&mut ic, format!("/fi/forum/tags/{}", tag.slug)),
    ] {
        let page = c.get(&path).await;
        assert!(page.body.contains("Seuraa"), "a watch button for the signed-in");
        let r = c.post(&format!("{path}/watch"), &[("on", "true")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
        assert!(c.follow(&r).await.body.contains("Seuraat tätä."));
    }
    assert!(!anon.get(&format!("/fi/forum/categories/{}", cat.slug)).await.body.contains("/watch\""));

    // A closed thread with a PDF, then a reply with an image from the invited person.
    oc.get("/fi/forum/new").await;
    let title = "Suljettu liitekeskustelu";
    let r = oc
        .post_multipart(
            "/fi/forum/new",
            &[
                ("category", "materiaalit"),
                ("title", title),
                ("body", "Analyysi liitteenä."),
                ("tags", "innovaatio"),
                ("closed", "on"),
            ],
            "attachment",
            "analyysi.pdf",
            b"%PDF-1.4 analyysi",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    // A file that is not a PDF or an image is refused beside the field; the text is kept.
    oc.get("/fi/forum/new").await;
    let bad = oc
        .post_multipart(
            "/fi/forum/new",
            &[("category", "materiaalit"), ("title", "Skripti"), ("body", "Tässä tiedosto")],
            "attachment",
            "x.html",
            b"<script>alert(1)</script>",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#f-attachment\"") && bad.body.contains("value=\"Skripti\""));
    let r = oc.post(&format!("/fi/forum/threads/{id}/invite"), &[("who", "kutsuttu@kimppa.test")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    ic.get(&format!("/fi/forum/threads/{id}")).await;
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"pixels"].concat();
    let r = ic
        .post_multipart(
            &format!("/fi/forum/threads/{id}/reply"),
            &[("body", "Kuva kasasta.")],
            "attachment",
            "kasa.png",
            &png,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    t.run_jobs().await;
    let page = ic.get(&format!("/fi/forum/threads/{id}")).await;
    let pdf = crate::common::link_after(&page.body, "analyysi.pdf\"").unwrap();
    let pdf = pdf.trim_start_matches("href=\"").trim_end_matches('"').to_string();
    let img = crate::common::link_after(&page.body, "kasa.png\"").unwrap();
    let img = img.trim_start_matches("src=\"").trim_end_matches('"').to_string();
    assert!(page.body.contains("<img src=\"") && pdf.contains("/attachments/"), "{pdf} {img}");
    let got = ic.get(&pdf).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.header("content-disposition").starts_with("attachment;"));
    assert!(got.header("content-security-policy").contains("sandbox"));
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    let got = ic.get(&img).await;
    assert_eq!((got.status, got.header("content-type").as_str()), (StatusCode::OK, "image/png"));
    assert!(got.header("content-disposition").starts_with("inline;"));
    for (who, c, sees) in [
        ("anonymous", &mut anon, false),
        ("outsider", &mut out, false),
        ("owner", &mut oc, true),
        ("orchestrator", &mut staff, true),
    ] {
        for file in [&pdf, &img] {
            let s = c.get(file).await.status;
            assert_eq!(s == StatusCode::OK, sees, "{who}: {file} {s}");
        }
    }

    // Notifications: never to those who may not see the thread.
    let events = |uid: i32| {
        let db = t.app.db.clone();
        async move {
            notice::Entity::find()
                .filter(notice::Column::UserId.eq(uid))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|n| format!("{}:{}", n.event, n.reason))
                .collect::<Vec<_>>()
        }
    };
    assert!(events(outsider.id).await.is_empty(), "outsider");
    assert_eq!(events(orch.id).await, vec!["thread:area", "reply:area"]);
    assert_eq!(events(owner.id).await, vec!["reply:thread"], "the asker follows their thread");
    // The thread was told after the invitation (jobs ran then), so the invited
    // person, watching its topic, hears of it; never of their own reply.
    assert_eq!(events(invited.id).await, vec!["invite:invite", "thread:topic"]);
    let list = oc.get("/fi/notifications").await;
    assert!(list.body.contains(title) && unread_in(&list.body) == 1, "{}", list.body);
    assert_eq!(unread_in(&out.get("/fi/notifications").await.body), 0);
    assert!(!out.get("/fi/notifications").await.body.contains(title));

    // A public thread does reach the outsider watching the area (so the above is not vacuous).
    let r = oc
        .post(
            "/fi/forum/new",
            &[("category", "materiaalit"), ("title", "Julkinen tuhkakysymys"), ("body", "Kuka ottaa tuhkaa?")],
        )
        .await;
    let public: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    t.run_jobs().await;
    assert_eq!(events(outsider.id).await, vec!["thread:area"]);
    // The JSON twin lists a public reply's file with its address.
    oc.get(&format!("/fi/forum/threads/{public}")).await;
    let r = oc
        .post_multipart(
            &format!("/fi/forum/threads/{public}/reply"),
            &[("body", "Raportti")],
            "attachment",
            "tuhka.pdf",
            b"%PDF-1.4 x",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let json = anon.get_json(&format!("/api/v1/forum/threads/{public}")).await.json();
    let file = &json["replies"][0]["attachments"][0];
    assert_eq!(
        (file["filename"].as_str(), file["content_type"].as_str()),
        (Some("tuhka.pdf"), Some("application/pdf"))
    );
    assert_eq!(anon.get(file["url"].as_str().unwrap()).await.status, StatusCode::OK);
    t.run_jobs().await;
    let listing = out.get("/fi/notifications").await;
    assert!(listing.body.contains("Julkinen tuhkakysymys") && unread_in(&listing.body) == 2);

    // The daily digest: one email per person with their threads; nothing for the outsider's hidden ones.
    let sent = notifications::digest::send(&t.app, kimppa_app::now()).await.unwrap();
    t.run_jobs().await;
    let orch_mail = t.last_email_to("orch@kimppa.test").await;
    assert!(orch_mail.subject.contains("uutta 2 keskustelussa"), "{}", orch_mail.subject);
    assert!(
        orch_mail.body_text.contains(&format!("- {title} (uusi keskustelu, 1 vastaus)")),
        "{}",
        orch_mail.body_text
    );
    assert!(orch_mail.body_text.contains("- Julkinen tuhkakysymys (uusi keskustelu, 1 vastaus)"));
    let owner_mail = t.last_email_to("omistaja@kimppa.test").await;
    assert!(owner_mail.body_text.contains(&format!("- {title} (1 uusi vastaus)")), "{}", owner_mail.body_text);
    let out_mails = t.emails_to("ulkopuolinen@kimppa.test").await;
    assert_eq!(out_mails.len(), 1);
    assert!(out_mails[0].body_text.contains("Julkinen tuhkakysymys") && !out_mails[0].body_text.contains(title));
    assert!(t.last_email_to("kutsuttu@kimppa.test").await.body_text.contains(&format!("- {title} (uusi keskustelu)")));
    assert_eq!(sent, 4, "orchestrator, owner, invited person and outsider: one each");
    assert_eq!(notifications::digest::send(&t.app, kimppa_app::now()).await.unwrap(), 0, "nothing is sent twice");

    // Closing the public thread later takes it out of the outsider's list too.
    let r = oc.post(&format!("/fi/forum/threads/{public}/closed"), &[("closed", "true")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let listing = out.get("/fi/notifications").await;
    assert!(!listing.body.contains("Julkinen tuhkakysymys") && unread_in(&listing.body) == 0);

    // Unsubscribe from the digest without a login; a changed signature is refused.
    let stop = crate::common::link_after(&out_mails[0].body_text, "s=email").unwrap();
    assert!(stop.starts_with("/fi/notifications/unsubscribe?"), "{stop}");
    let forged = stop.replace(&format!("u={}", outsider.id), &format!("u={}", owner.id));
    assert_eq!(anon.get(&forged).await.status, StatusCode::NOT_FOUND);
    let done = anon.get(&stop).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Et saa enää foorumin sähköposteja"));
    assert!(done.body.contains("name=\"prev\" value=\"digest\""), "the undo returns to the mode before");
    assert_eq!(notifications::email_mode(&t.app, outsider.id).await.unwrap(), EmailMode::Off);
    let undo = anon
        .post(
            "/fi/notifications/unsubscribe",
            &[("u", &outsider.id.to_string()), ("s", "email"), ("sig", stop.rsplit("sig=").next().unwrap())],
        )
        .await;
    assert_eq!(undo.status, StatusCode::OK, "{}", undo.body);
    assert_eq!(notifications::email_mode(&t.app, outsider.id).await.unwrap(), EmailMode::Digest);

    // Immediate email: the invited person chooses it; the owner's reply arrives at once.
    let settings = ic.get("/fi/notifications/settings").await;
    assert!(settings.body.contains("value=\"digest\" checked"));
    let r = ic.post("/fi/notifications/settings", &[("email_mode", "immediate")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ic.post("/fi/notifications/settings", &[("email_mode", "hourly")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Quoting the invited person's reply puts it in the reply form.
    let page = oc.get(&format!("/fi/forum/threads/{id}")).await;
    let reply_id: i32 = page.body.split("id=\"reply-").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    let quoted = oc.get(&format!("/fi/forum/threads/{id}?quote={reply_id}")).await;
    let form = quoted
        .body
        .split("id=\"f-body\"")
        .nth(1)
        .unwrap_or_default()
        .split("</textarea>")
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(form.contains("Kuva kasasta."), "quote in the form: {form}");
    let r =
        oc.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "> Kuva kasasta.\n\nKiitos, hyvä kuva!")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.run_jobs().await;
    let mail = t.last_email_to("kutsuttu@kimppa.test").await;
    assert!(mail.subject.starts_with("Uusi vastaus: "), "{}", mail.subject);
    assert!(
        mail.body_text.contains("Kiitos, hyvä kuva!")
            && mail.body_text.contains(&format!("/fi/forum/threads/{id}/replies/"))
    );
    let link = crate::common::link_after(&mail.body_text, "/replies/").unwrap();
    let to = ic.get(&link).await;
    assert_eq!(to.status, StatusCode::SEE_OTHER);
    assert!(to.location().ends_with(&format!("?page=1#reply-{}", link.rsplit('/').next().unwrap())));
    assert_eq!(out.get(&link).await.status, StatusCode::NOT_FOUND, "a reply link of a closed thread");
    // The invited person watches the thread since replying; the link in the email stops it.
    assert!(watching::is_watching(&t.app, invited.id, Target::Thread(id)).await.unwrap());
    let stop_thread = crate::common::link_after(&mail.body_text, &format!("s=thread:{id}")).unwrap();
    assert_eq!(anon.get(&stop_thread).await.status, StatusCode::OK);
    assert!(!watching::is_watching(&t.app, invited.id, Target::Thread(id)).await.unwrap());
    // Marking read.
    let before = unread_in(&ic.get("/fi/notifications").await.body);
    assert!(before >= 1);
    ic.post("/fi/notifications/read", &[]).await;
    assert_eq!(unread_in(&ic.get("/fi/notifications").await.body), 0);
}

async fn first_posts_wait_for_approval(b: kimppa_store::testing::Backend) {
    let t = TestApp::with_config(b, |c| c.forum.first_post_approval = true).await;
    let (cat, _) = category_and_tag(&t).await;
    let (newbie, _) = t.user("uusi@kimppa.test", PlatformRole::Person).await;
    let (watcher, _) = t.user("seuraaja@kimppa.test", PlatformRole::Person).await;
    let (orch, secret) = t.user("orch@kimppa.test", PlatformRole::Orchestrator).await;
    let mut nc = t.login(&newbie, None).await;
    let mut wc = t.login(&watcher, None).await;
    let mut staff = t.login(&orch, secret.as_deref()).await;
    let mut anon = t.client();
    wc.get(&format!("/fi/forum/categories/{}", cat.slug)).await;
    wc.post(&format!("/fi/forum/categories/{}/watch", cat.slug), &[("on", "true")]).await;

    nc.get("/fi/forum/new").await;
    let r = nc
        .post(
            "/fi/forum/new",
            &[("category", "materiaalit"), ("title", "Ensimmäinen kysymykseni"), ("body", "Hei kaikki")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id: i32 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let own = nc.follow(&r).await;
    assert!(own.body.contains("odottaa moderaattorin hyväksyntää"), "the author is told");
    t.run_jobs().await;
    assert_eq!(anon.get(&format!("/fi/forum/threads/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(!wc.get("/fi/forum").await.body.contains("Ensimmäinen kysymykseni"));
    assert_eq!(unread_in(&wc.get("/fi/notifications").await.body), 0, "not told before approval");
    let queue = staff.get("/fi/admin/forum").await;
    assert!(queue.body.contains("Ensimmäinen kysymykseni"), "{}", queue.body);
    let r = staff
        .post("/fi/admin/forum/pending", &[("thread", &id.to_string()), ("post", ""), ("decision", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    t.run_jobs().await;
    assert_eq!(anon.get(&format!("/fi/forum/threads/{id}")).await.status, StatusCode::OK);
    assert_eq!(unread_in(&wc.get("/fi/notifications").await.body), 1, "told after approval");
    // Approved once, the next post goes straight out.
    nc.get(&format!("/fi/forum/threads/{id}")).await;
    let r = nc.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Lisätieto heti näkyviin")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(anon.get(&format!("/fi/forum/threads/{id}")).await.body.contains("Lisätieto heti näkyviin"));
    // Another newcomer's first reply waits, seen by its author only, and a rejection removes it.
    let (second, _) = t.user("toinen@kimppa.test", PlatformRole::Person).await;
    let mut sc = t.login(&second, None).await;
    sc.get(&format!("/fi/forum/threads/{id}")).await;
    let r = sc.post(&format!("/fi/forum/threads/{id}/reply"), &[("body", "Mainos: osta halvalla")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mine = sc.follow(&r).await;
    assert!(mine.body.contains("Mainos: osta halvalla") && mine.body.contains("Odottaa hyväksyntää"));
    assert!(!anon.get(&format!("/fi/forum/threads/{id}")).await.body.contains("Mainos: osta halvalla"));
    assert!(!nc.get(&format!("/fi/forum/threads/{id}")).await.body.contains("Mainos: osta halvalla"));
    let post =
        forum_post::Entity::find().filter(forum_post::Column::Pending.eq(true)).one(&t.app.db).await.unwrap().unwrap();
    staff.get("/fi/admin/forum").await;
    let r = staff
        .post(
            "/fi/admin/forum/pending",
            &[("thread", &id.to_string()), ("post", &post.id.to_string()), ("decision", "reject")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(forum_post::Entity::find_by_id(post.id).one(&t.app.db).await.unwrap().is_none());
    let audit: Vec<String> =
        audit_entry::Entity::find().all(&t.app.db).await.unwrap().into_iter().map(|e| e.action).collect();
    t.run_jobs().await;
    let audit2: Vec<String> =
        audit_entry::Entity::find().all(&t.app.db).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(audit.len() <= audit2.len());
    assert!(audit2.contains(&"forum.post.approved".to_string()) && audit2.contains(&"forum.post.rejected".to_string()));
    // A person may not decide.
    assert_eq!(
        nc.post("/fi/admin/forum/pending", &[("thread", &id.to_string()), ("post", ""), ("decision", "approve")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

both_backends!(notifications_digests_and_files_follow_visibility, first_posts_wait_for_approval);
