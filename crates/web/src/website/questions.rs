//! The orchestrators' queue of questions asked on the FAQ page: states with
//! their counts and the queue's figures, and per question taking it,
//! answering (emailed to the asker), publishing it as an FAQ entry and
//! closing it.

use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::Form,
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::{
    AppError,
    website::{
        faq,
        questions::{self, Figures, PublishForm, Queued},
    },
};
use kimppa_domain::QuestionStatus;

#[derive(serde::Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
}

/// A state's tab: key, label, count, chosen.
type Tab = (String, String, usize, bool);

#[derive(Template)]
#[template(path = "website/admin_questions.html")]
struct QueuePage {
    p: Page,
    tabs: Vec<Tab>,
    all: usize,
    all_chosen: bool,
    items: Vec<Queued>,
    figures: Figures,
    median: String,
}

pub async fn queue(ctx: Ctx, Query(q): Query<QueueQuery>) -> Result<Response, WebError> {
    let status = QuestionStatus::parse(&q.status).ok();
    let queue = questions::queue(ctx.app(), &ctx.principal, status).await?;
    let p = ctx.page("admin-questions-title").await;
    let tabs = queue
        .counts
        .iter()
        .map(|(s, n)| (s.key().to_string(), p.t(&format!("question-status-{}", s.key())), *n, status == Some(*s)))
        .collect();
    let median = queue
        .figures
        .median_hours_to_answer
        .map(|h| if h < 48.0 { format!("{h:.1} h") } else { format!("{:.1} d", h / 24.0) })
        .unwrap_or_else(|| "–".into());
    Ok(crate::html(&QueuePage {
        all: queue.figures.asked,
        all_chosen: status.is_none(),
        tabs,
        items: queue.items,
        figures: queue.figures,
        median,
        p,
    }))
}

#[derive(Template)]
#[template(path = "website/admin_question.html")]
struct QuestionPage {
    p: Page,
    item: Queued,
    status: String,
    answer: String,
    publish: PublishForm,
    topics: Vec<(String, String, bool)>,
    errors: FormErrors,
    finished: bool,
}

async fn question_page(
    ctx: &Ctx,
    id: i32,
    answer: Option<String>,
    publish: Option<PublishForm>,
    errors: FormErrors,
) -> Result<QuestionPage, WebError> {
    let item = questions::get(ctx.app(), &ctx.principal, id).await?;
    let mut p = ctx.form_page("admin-question-title").await;
    p.title = format!("{} #{id}", p.title);
    let publish = publish.unwrap_or_else(|| questions::draft(&item.q));
    let topics =
        faq::TOPICS.iter().map(|t| (t.to_string(), p.t(&format!("faq-topic-{t}")), publish.topic == *t)).collect();
    let status = p.t(&format!("question-status-{}", item.q.status.key()));
    let finished = matches!(item.q.status, QuestionStatus::Published | QuestionStatus::Closed);
    Ok(QuestionPage {
        answer: answer.unwrap_or_else(|| item.q.answer.clone()),
        publish,
        topics,
        status,
        finished,
        item,
        errors,
        p,
    })
}

pub async fn show(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    Ok(crate::html(&question_page(&ctx, id, None, None, FormErrors::none()).await?))
}

fn back(ctx: &Ctx, id: i32) -> Response {
    Redirect::to(&ctx.href(&format!("/admin/questions/{id}"))).into_response()
}

pub async fn take(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    questions::take(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("question-taken").await;
    Ok(back(&ctx, id))
}

#[derive(serde::Deserialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<AnswerForm>) -> Result<Response, WebError> {
    match questions::answer(ctx.app(), &ctx.principal, id, &f.answer).await {
        Ok(()) => {
            ctx.flash("question-answered").await;
            Ok(back(&ctx, id))
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let page = question_page(&ctx, id, Some(f.answer), None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct PublishFields {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    question_fi: String,
    #[serde(default)]
    question_en: String,
    #[serde(default)]
    answer_fi: String,
    #[serde(default)]
    answer_en: String,
}

pub async fn publish(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<PublishFields>) -> Result<Response, WebError> {
    let form = PublishForm {
        topic: f.topic,
        question_fi: f.question_fi,
        question_en: f.question_en,
        answer_fi: f.answer_fi,
        answer_en: f.answer_en,
    };
    match questions::publish(ctx.app(), &ctx.principal, id, &form).await {
        Ok(item) => {
            ctx.flash("question-published").await;
            Ok(Redirect::to(&ctx.href(&format!("/faq#faq-{item}"))).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let page = question_page(&ctx, id, None, Some(form), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

pub async fn close(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    questions::close(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("question-closed").await;
    Ok(Redirect::to(&ctx.href("/admin/questions")).into_response())
}
