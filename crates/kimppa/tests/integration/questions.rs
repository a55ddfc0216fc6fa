//! Questions asked on the FAQ page, answered in the platform: a visitor
//! asks with an address (and consent to keep it), an orchestrator takes,
//! answers (the asker is emailed) and publishes it as an FAQ entry that
//! search finds; the address is forgotten when the question is finished;
//! only staff see the queue.

use crate::common::TestApp;
use axum::http::StatusCode;
use kimppa_app::website::questions;
use kimppa_domain::{PlatformRole, QuestionStatus};
use kimppa_store::entities::{faq_item, faq_question};
use sea_orm::{EntityTrait, QueryOrder};

async fn newest(t: &TestApp) -> faq_question::Model {
    faq_question::Entity::find().order_by_desc(faq_question::Column::Id).one(&t.app.db).await.unwrap().unwrap()
}

async fn a_visitor_asks_an_orchestrator_answers_and_publishes(b: kimppa_store::testing::Backend) {
    let t = TestApp::new(b).await;
    let question = "Miten kipsilevyjätteen voi kierrättää työmaalla? Soittakaa 040 123 4567";
    let mut anon = t.client();
    anon.get("/fi/faq").await;
    // An address without consent is refused; what was typed stays.
    let r = anon.post("/fi/faq", &[("question", question), ("email", "kysyja@example.org")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Anna suostumus rastittamalla ruutu"), "{}", r.body);
    assert!(r.body.contains("kysyja@example.org") && r.body.contains("kipsilevyjätteen"));
    let r = anon.post("/fi/faq", &[("question", question), ("email", "ei osoite"), ("consent", "yes")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Anna sähköpostiosoite muodossa"), "{}", r.body);
    let r = anon.post("/fi/faq", &[("question", question), ("email", "Kysyja@Example.org"), ("consent", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let asked = newest(&t).await;
    assert_eq!((asked.status, asked.email.as_str()), (QuestionStatus::New, "kysyja@example.org"));
    assert!(asked.consent_at.is_some());
    let id = asked.id;

    // Only staff see and work the queue.
    let (person, _) = t.user("henkilo@kimppa.test", PlatformRole::Person).await;
    let mut pc = t.login(&person, None).await;
    assert_eq!(pc.get("/fi/admin/questions").await.status, StatusCode::FORBIDDEN);
    assert_eq!(pc.get(&format!("/fi/admin/questions/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        pc.post(&format!("/fi/admin/questions/{id}/answer"), &[("answer", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    let (orch, secret) = t.user("orkestroija@kimppa.test", PlatformRole::Orchestrator).await;
    let mut oc = t.login(&orch, secret.as_deref()).await;
    let list = oc.get("/fi/admin/questions").await;
    assert!(list.body.contains("kipsilevyjätteen") && list.body.contains("Uusi (1)"), "{}", list.body);

    assert_eq!(oc.post(&format!("/fi/admin/questions/{id}/take"), &[]).await.status, StatusCode::SEE_OTHER);
    let taken = newest(&t).await;
    assert_eq!((taken.status, taken.taken_by), (QuestionStatus::Answering, Some(orch.id)));
    // An empty answer is refused beside the field.
    let r = oc.post(&format!("/fi/admin/questions/{id}/answer"), &[("answer", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("f-answer-error"));
    let answer = "Kipsilevyjäte lajitellaan omaan lavaansa; Kipsikierto Oy noutaa sen.";
    let r = oc.post(&format!("/fi/admin/questions/{id}/answer"), &[("answer", answer)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mail = t.last_email_to("kysyja@example.org").await;
    assert_eq!(mail.subject, "Vastaus kysymykseesi");
    assert!(mail.body_text.contains(answer) && mail.body_text.contains("kipsilevyjätteen"), "{}", mail.body_text);
    assert_eq!(newest(&t).await.status, QuestionStatus::Answered);

    // The draft of the FAQ entry names no one: the phone number is gone.
    let page = oc.get(&format!("/fi/admin/questions/{id}")).await.body;
    let draft = page.split("name=\"question_fi\"").nth(1).unwrap_or_default().split('>').next().unwrap_or_default();
    assert!(draft.contains("Soittakaa […]") && !draft.contains("040"), "{draft}");
    // A topic must be chosen; what was typed stays.
    let mut form = vec![
        ("topic", ""),
        ("question_fi", "Miten kipsilevyjätteen voi kierrättää työmaalla?"),
        ("answer_fi", answer),
        ("question_en", "How is plasterboard waste recycled on site?"),
        ("answer_en", "Plasterboard waste goes to its own pallet."),
    ];
    let r = oc.post(&format!("/fi/admin/questions/{id}/publish"), &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("How is plasterboard waste recycled on site?"));
    form[0] = ("topic", "materials");
    let r = oc.post(&format!("/fi/admin/questions/{id}/publish"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = newest(&t).await;
    assert_eq!(done.status, QuestionStatus::Published);
    assert!(done.email.is_empty(), "the address is forgotten");
    let item = faq_item::Entity::find_by_id(done.faq_item_id.unwrap()).one(&t.app.db).await.unwrap().unwrap();
    assert_eq!(item.topic, "materials");
    assert!(r.location().ends_with(&format!("/fi/faq#faq-{}", item.id)));
    // Published: on the FAQ page and found by search, by anyone.
    assert!(anon.get("/en/faq").await.body.contains("How is plasterboard waste recycled on site?"));
    kimppa_app::search::sync::catch_up(&t.app).await.unwrap();
    let found = anon.get("/fi/search?q=kipsilevyjäte+työmaalla").await.body;
    assert!(found.contains(&format!("/fi/faq#faq-{}", item.id)), "{found}");
    // A finished question takes no more changes.
    let again = oc.post(&format!("/fi/admin/questions/{id}/take"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // A signed-in person asks without an address: the answer goes to the account.
    pc.get("/fi/faq").await;
    let r = pc.post("/fi/faq", &[("question", "Saako jäsenyydestä laskun?")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = newest(&t).await;
    assert_eq!((second.user_id, second.email.as_str()), (Some(person.id), ""));
    let p = oc.post(&format!("/fi/admin/questions/{}/answer", second.id), &[("answer", "Saa, vuosittain.")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(t.last_email_to("henkilo@kimppa.test").await.body_text.contains("Saa, vuosittain."));
    assert_eq!(oc.post(&format!("/fi/admin/questions/{}/close", second.id), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(newest(&t).await.status, QuestionStatus::Closed);

    // The queue's figures.
    let q = questions::queue(&t.app, &t.elevated(&orch).await, None).await.unwrap();
    assert_eq!((q.figures.asked, q.figures.answered, q.figures.published, q.figures.closed), (2, 2, 1, 1));
    assert!(q.figures.median_hours_to_answer.is_some());
    let closed = questions::queue(&t.app, &t.elevated(&orch).await, Some(QuestionStatus::Closed)).await.unwrap();
    assert_eq!(closed.items.iter().map(|i| i.q.id).collect::<Vec<_>>(), vec![second.id]);
    let page = oc.get("/fi/admin/questions?status=published").await.body;
    assert!(page.contains("Julkaistu (1)") && page.contains("kipsilevyjätteen"), "{page}");
}

both_backends!(a_visitor_asks_an_orchestrator_answers_and_publishes);
