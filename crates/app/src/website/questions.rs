//! Questions from the FAQ page, answered in the platform. Anyone may ask;
//! a visitor who wants an answer gives an address and agrees to its being
//! kept (a signed-in person's answer goes to their account's address). The
//! orchestrators work a queue: new → being answered → answered (the asker
//! is emailed the answer) → published as an FAQ entry (edited and
//! anonymised), or closed. The address is forgotten when the question is
//! published or closed. The queue's figures (asked, answered, time to
//! answer, published) come from the questions' own timestamps.

use crate::{
    App, AppError, changelog, email,
    error::Checker,
    now,
    policy::{self, Action, Principal},
};
use chrono::{DateTime, Utc};
use kimppa_domain::{ContentStatus, Email, QuestionStatus, UserId, required_text};
use kimppa_store::entities::{faq_item, faq_question, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

/// What the question form sends.
#[derive(Debug, Clone, Default)]
pub struct AskForm {
    pub question: String,
    /// A visitor's address for the answer (empty: no personal answer).
    pub email: String,
    /// The visitor agrees to the address being kept until the question is
    /// answered and closed.
    pub consent: bool,
}

/// Stores a question from anyone (throttled per client address).
pub async fn ask(app: &App, actor: &Principal, f: &AskForm, lang: &str, client: &str) -> Result<(), AppError> {
    let mut c = Checker::default();
    let question = c.check("question", required_text(&f.question, 2000));
    let signed_in = actor.user_id().is_some();
    let address = if signed_in || f.email.trim().is_empty() {
        String::new()
    } else {
        c.check("email", Email::parse(f.email.trim())).map(|e| e.to_string()).unwrap_or_default()
    };
    if !address.is_empty() && !f.consent {
        c.push("consent", "err-consent-required");
    }
    c.finish()?;
    if crate::accounts::throttle_hit(app, &format!("faq:{client}")).await? {
        return Err(AppError::RateLimited);
    }
    let asked = now();
    faq_question::ActiveModel {
        question: Set(question.unwrap_or_default()),
        lang: Set(if lang == "en" { "en" } else { "fi" }.into()),
        user_id: Set(actor.user_id().map(i32::from)),
        email: Set(address.clone()),
        consent_at: Set((!address.is_empty()).then_some(asked)),
        status: Set(QuestionStatus::New),
        answer: Set(String::new()),
        created_at: Set(asked),
        handled_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok(())
}

/// A question in the queue with who asked and where an answer goes.
#[derive(Debug, Clone)]
pub struct Queued {
    pub q: faq_question::Model,
    /// The signed-in asker's name, if any.
    pub asker: Option<String>,
    /// Where the answer is emailed (`None`: nowhere, publish it instead).
    pub reply_to: Option<String>,
    /// Who is answering it, or answered it.
    pub handler: Option<String>,
}

/// The queue's figures over every question kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub asked: usize,
    pub answered: usize,
    pub published: usize,
    pub closed: usize,
    /// Median hours from asking to answering, over the answered ones.
    pub median_hours_to_answer: Option<f64>,
}

pub struct Queue {
    pub items: Vec<Queued>,
    /// Questions per state, in the states' order.
    pub counts: Vec<(QuestionStatus, usize)>,
    pub figures: Figures,
}

/// The most questions one page of the queue shows.
const PAGE: u64 = 200;

async fn queued(app: &App, rows: Vec<faq_question::Model>) -> Result<Vec<Queued>, AppError> {
    let mut ids: Vec<i32> = vec![];
    for q in &rows {
        ids.extend([q.user_id, q.taken_by, q.answered_by].into_iter().flatten());
    }
    let people: std::collections::HashMap<i32, user::Model> =
        crate::people::users(&app.db, ids).await?.into_iter().map(|u| (u.id, u)).collect();
    Ok(rows
        .into_iter()
        .map(|q| {
            let account = q.user_id.and_then(|id| people.get(&id));
            let reply_to = match account {
                Some(u) => Some(u.email.clone()),
                None => (!q.email.is_empty()).then(|| q.email.clone()),
            };
            let handler = q.answered_by.or(q.taken_by).and_then(|id| people.get(&id)).map(|u| u.name.clone());
            Queued { asker: account.map(|u| u.name.clone()), reply_to, handler, q }
        })
        .collect())
}

/// The queue (staff): the questions in `status` (every state when
/// `None`), newest first, with the counts per state and the figures.
pub async fn queue(app: &App, actor: &Principal, status: Option<QuestionStatus>) -> Result<Queue, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut q = faq_question::Entity::find().order_by_desc(faq_question::Column::Id).limit(PAGE);
    if let Some(s) = status {
        q = q.filter(faq_question::Column::Status.eq(s));
    }
    let items = queued(app, q.all(&app.db).await?).await?;
    let times: Vec<Times> = faq_question::Entity::find()
        .select_only()
        .column(faq_question::Column::Status)
        .column(faq_question::Column::CreatedAt)
        .column(faq_question::Column::AnsweredAt)
        .into_tuple()
        .all(&app.db)
        .await?;
    let counts = QuestionStatus::ALL.iter().map(|s| (*s, times.iter().filter(|(t, _, _)| t == s).count())).collect();
    Ok(Queue { items, counts, figures: figures(&times) })
}

/// A question's state, when it was asked and when answered.
type Times = (QuestionStatus, DateTime<Utc>, Option<DateTime<Utc>>);

fn figures(times: &[Times]) -> Figures {
    let mut hours: Vec<f64> = times
        .iter()
        .filter_map(|(_, asked, answered)| answered.map(|a| (a - *asked).num_seconds().max(0) as f64 / 3600.0))
        .collect();
    hours.sort_by(f64::total_cmp);
    let median = match hours.len() {
        0 => None,
        n if n % 2 == 1 => Some(hours[n / 2]),
        n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
    };
    let is = |s: QuestionStatus| times.iter().filter(|(t, _, _)| *t == s).count();
    Figures {
        asked: times.len(),
        answered: hours.len(),
        published: is(QuestionStatus::Published),
        closed: is(QuestionStatus::Closed),
        median_hours_to_answer: median,
    }
}

/// One question of the queue (staff).
pub async fn get(app: &App, actor: &Principal, id: i32) -> Result<Queued, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let q = faq_question::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    queued(app, vec![q]).await?.pop().ok_or(AppError::NotFound)
}

async fn open(app: &App, actor: &Principal, id: i32) -> Result<(faq_question::Model, UserId), AppError> {
    policy::require(actor, Action::ManageContent)?;
    let me = policy::user_id(actor)?;
    let q = faq_question::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    if matches!(q.status, QuestionStatus::Published | QuestionStatus::Closed) {
        return Err(AppError::Conflict("question-finished"));
    }
    Ok((q, me))
}

/// Takes a new question to answer: others see who is answering it.
pub async fn take(app: &App, actor: &Principal, id: i32) -> Result<(), AppError> {
    let (q, me) = open(app, actor, id).await?;
    let mut am = q.into_active_model();
    am.status = Set(QuestionStatus::Answering);
    am.taken_by = Set(Some(me.0));
    am.taken_at = Set(Some(now()));
    am.update(&app.db).await?;
    changelog::admin_action(&app.db, me, "question.take", &id.to_string(), "").await?;
    Ok(())
}

/// Answers a question: the answer is kept and emailed to the asker when
/// there is an address (in the language the question was asked in).
pub async fn answer(app: &App, actor: &Principal, id: i32, text: &str) -> Result<(), AppError> {
    policy::require(actor, Action::ManageContent)?;
    let answer = required_text(text, 8000).map_err(|e| AppError::field("answer", e.code()))?;
    let (q, me) = open(app, actor, id).await?;
    let reply_to = queued(app, vec![q.clone()]).await?.pop().and_then(|x| x.reply_to);
    let tx = app.db.begin().await?;
    if let Some(to) = &reply_to {
        let (subject, body) = texts(&q.lang, &q.question, &answer, &app.url(&format!("/{}/faq", q.lang)));
        email::queue(&tx, to, &subject, &body).await?;
    }
    let mut am = q.into_active_model();
    am.status = Set(QuestionStatus::Answered);
    am.answer = Set(answer);
    am.answered_at = Set(Some(now()));
    am.answered_by = Set(Some(me.0));
    am.update(&tx).await?;
    changelog::admin_action(&tx, me, "question.answer", &id.to_string(), "").await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(())
}

fn texts(lang: &str, question: &str, answer: &str, faq: &str) -> (String, String) {
    if lang == "en" {
        (
            "Answer to your question".into(),
            format!("You asked:\n\n{question}\n\nOur answer:\n\n{answer}\n\nMore questions and answers: {faq}\n"),
        )
    } else {
        (
            "Vastaus kysymykseesi".into(),
            format!("Kysyit:\n\n{question}\n\nVastauksemme:\n\n{answer}\n\nLisää kysymyksiä ja vastauksia: {faq}\n"),
        )
    }
}

/// An FAQ entry made from a question: edited, in both languages.
#[derive(Debug, Clone, Default)]
pub struct PublishForm {
    pub topic: String,
    pub question_fi: String,
    pub question_en: String,
    pub answer_fi: String,
    pub answer_en: String,
}

/// A draft of the FAQ entry for a question: its text and answer with
/// addresses and phone numbers taken out, in the question's language.
pub fn draft(q: &faq_question::Model) -> PublishForm {
    let (question, answer) = (anonymised(&q.question), anonymised(&q.answer));
    if q.lang == "en" {
        PublishForm { question_en: question, answer_en: answer, ..Default::default() }
    } else {
        PublishForm { question_fi: question, answer_fi: answer, ..Default::default() }
    }
}

/// The text without email addresses and phone numbers (a run of number
/// groups with six digits or more, "040 123 4567" as well as "+358401234567").
pub fn anonymised(text: &str) -> String {
    let numeric = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || "+-()/.,".contains(c));
    let digits = |w: &str| w.chars().filter(char::is_ascii_digit).count();
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<&str> = vec![];
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w.contains('@') && w.contains('.') {
            out.push("[…]");
            i += 1;
            continue;
        }
        let mut end = i;
        while end < words.len() && numeric(words[end]) {
            end += 1;
        }
        if end > i && words[i..end].iter().map(|w| digits(w)).sum::<usize>() >= 6 {
            out.push("[…]");
            i = end;
        } else {
            out.push(w);
            i += 1;
        }
    }
    out.join(" ")
}

/// Publishes a question as an FAQ entry in one step (it is found by
/// search at once) and forgets the asker's address.
pub async fn publish(app: &App, actor: &Principal, id: i32, f: &PublishForm) -> Result<i32, AppError> {
    policy::require(actor, Action::ManageContent)?;
    let mut c = Checker::default();
    if !super::faq::TOPICS.contains(&f.topic.as_str()) {
        c.push("topic", "err-unknown-value");
    }
    let question_fi = c.check("question_fi", required_text(&f.question_fi, 500));
    let answer_fi = c.check("answer_fi", required_text(&f.answer_fi, 8000));
    let question_en = kimppa_domain::optional_text(&f.question_en, 500).unwrap_or_default().unwrap_or_default();
    let answer_en = kimppa_domain::optional_text(&f.answer_en, 8000).unwrap_or_default().unwrap_or_default();
    c.finish()?;
    let (q, me) = open(app, actor, id).await?;
    let tx = app.db.begin().await?;
    let same_topic = faq_item::Entity::find().filter(faq_item::Column::Topic.eq(&f.topic)).count(&tx).await?;
    let item = faq_item::ActiveModel {
        topic: Set(f.topic.clone()),
        status: Set(ContentStatus::Published),
        question_fi: Set(question_fi.unwrap_or_default()),
        question_en: Set(question_en),
        answer_fi: Set(answer_fi.unwrap_or_default()),
        answer_en: Set(answer_en),
        sort: Set(i32::try_from(same_topic).unwrap_or(i32::MAX)),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let mut am = q.into_active_model();
    am.status = Set(QuestionStatus::Published);
    am.faq_item_id = Set(Some(item.id));
    am.email = Set(String::new());
    am.handled_at = Set(Some(now()));
    am.update(&tx).await?;
    changelog::admin_action(&tx, me, "question.publish", &id.to_string(), "").await?;
    crate::search::touch(&tx, "faq", &[item.id]).await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(item.id)
}

/// Closes a question without publishing it and forgets the address.
pub async fn close(app: &App, actor: &Principal, id: i32) -> Result<(), AppError> {
    let (q, me) = open(app, actor, id).await?;
    let mut am = q.into_active_model();
    am.status = Set(QuestionStatus::Closed);
    am.email = Set(String::new());
    am.handled_at = Set(Some(now()));
    am.update(&app.db).await?;
    changelog::admin_action(&app.db, me, "question.close", &id.to_string(), "").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_phone_numbers_are_taken_out() {
        assert_eq!(
            anonymised("Soita 040-1234567 tai kirjoita maija@example.fi, kiitos"),
            "Soita […] tai kirjoita […] kiitos"
        );
        assert_eq!(anonymised("Soittakaa 040 123 4567 tai +358 40 123"), "Soittakaa […] tai […]");
        assert_eq!(anonymised("Vuonna 2026 kierrätettiin 12 t"), "Vuonna 2026 kierrätettiin 12 t");
    }

    #[test]
    fn figures_count_states_and_the_median_time_to_answer() {
        let at = |h: i64| DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap_or_default();
        let times = [
            (QuestionStatus::Published, at(0), Some(at(2))),
            (QuestionStatus::Answered, at(0), Some(at(4))),
            (QuestionStatus::Closed, at(0), Some(at(10))),
            (QuestionStatus::New, at(5), None),
        ];
        let f = figures(&times);
        assert_eq!((f.asked, f.answered, f.published, f.closed), (4, 3, 1, 1));
        assert_eq!(f.median_hours_to_answer, Some(4.0));
        assert_eq!(figures(&[]).median_hours_to_answer, None);
    }
}
