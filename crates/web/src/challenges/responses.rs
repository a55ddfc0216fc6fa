//! A challenge's responses: the page with the decision, scores and the
//! private conversation, and the response's file.

use super::*;
use kimppa_app::challenges::responses;

/// A message of a response's conversation, ready for the template.
pub struct MessageView {
    pub author: String,
    pub when: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "challenges/response.html")]
struct ResponsePage {
    p: Page,
    challenge_id: i32,
    challenge_title: String,
    from: String,
    author: String,
    role: String,
    status: String,
    decided: bool,
    decision_message: String,
    proposal: String,
    /// The attached file's name, if any.
    attachment: Option<String>,
    manage: bool,
    /// (index, criterion, the score given as text or empty).
    criteria: Vec<(usize, String, String)>,
    score_values: Vec<String>,
    messages: Vec<MessageView>,
    rid: i32,
    derrors: FormErrors,
    /// The decision message as typed (after an error).
    decision_typed: String,
    message_body: String,
    merrors: FormErrors,
}

/// What the decision form shows again after bad input.
#[derive(Default)]
struct DecisionTyped {
    message: String,
    scores: Option<Vec<String>>,
}

async fn response_page(
    ctx: &Ctx,
    id: i32,
    rid: i32,
    (derrors, typed): (FormErrors, DecisionTyped),
    message_body: String,
    merrors: FormErrors,
) -> Result<Response, WebError> {
    let (c, r) = responses::get_one(ctx.app(), &ctx.principal, id, rid).await?;
    let manage = challenges::may_manage(&ctx.principal, c.org_id);
    let mut p = ctx.form_page("challenge-response-title").await;
    p.title = format!("{} – {}", r.from, c.title);
    let messages = responses::messages(ctx.app(), r.r.id)
        .await?
        .into_iter()
        .map(|m| MessageView {
            when: p.datetime(&m.m.created_at),
            html: kimppa_app::markdown::render(&m.m.body),
            author: m.author,
        })
        .collect();
    let criteria = challenges::split_lines(&c.criteria)
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let score = match &typed.scores {
                Some(typed) => typed.get(i).cloned().unwrap_or_default(),
                None => r.scores.get(i).copied().flatten().map(|n| n.to_string()).unwrap_or_default(),
            };
            (i, name, score)
        })
        .collect();
    let status =
        if derrors.is_empty() && merrors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ResponsePage {
        challenge_id: c.id,
        challenge_title: c.title,
        role: p.t(&format!("role-{}", r.r.role)),
        status: p.t(&format!("response-status-{}", r.r.status)),
        decided: r.r.decided_at.is_some(),
        decision_message: r.r.decision_message.clone(),
        proposal: kimppa_app::markdown::render(&r.r.proposal),
        attachment: r.r.attachment_name.clone(),
        from: r.from,
        author: r.author,
        manage,
        criteria,
        score_values: (0..=5).map(|n: u8| n.to_string()).collect(),
        messages,
        rid: r.r.id,
        derrors,
        decision_typed: typed.message,
        message_body,
        merrors,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn response(ctx: Ctx, Path((id, rid)): Path<(i32, i32)>) -> Result<Response, WebError> {
    response_page(&ctx, id, rid, (FormErrors::none(), DecisionTyped::default()), String::new(), FormErrors::none())
        .await
}

pub async fn decide(
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    match responses::decide(ctx.app(), &ctx.principal, id, rid, &f).await {
        Ok(()) => {
            ctx.flash("challenge-decision-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/challenges/{id}/responses/{rid}"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            let typed = DecisionTyped { message: f.message, scores: Some(f.scores) };
            response_page(&ctx, id, rid, (errors, typed), String::new(), FormErrors::none()).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub body: String,
}

pub async fn message(
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    Form(f): Form<MessageForm>,
) -> Result<Response, WebError> {
    match responses::post_message(ctx.app(), &ctx.principal, id, rid, &f.body).await {
        Ok(()) => {
            ctx.flash("challenge-message-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/challenges/{id}/responses/{rid}#messages"))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            response_page(&ctx, id, rid, (FormErrors::none(), DecisionTyped::default()), f.body, errors).await
        }
    }
}

/// A response's file, for those who may read the response.
pub async fn response_attachment(ctx: Ctx, Path((id, rid)): Path<(i32, i32)>) -> Result<Response, WebError> {
    let (name, kind, bytes) = responses::attachment(ctx.app(), &ctx.principal, id, rid).await?;
    Ok(crate::forum::file_response(&name, &kind, bytes))
}
