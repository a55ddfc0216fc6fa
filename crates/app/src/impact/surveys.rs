//! Member surveys: orchestrators write one (the 0–10 "would you recommend
//! the cluster" and open questions) and send it to the admins of the
//! approved members; each answers once through a link of their own without
//! signing in. The link's token is kept only hashed; an answer is stored
//! apart from its invitation (with the day, not the time), so results show
//! the NPS (over at least five answers), the response rate and the
//! comments — never who answered. Answers feed the `nps` indicator with
//! the events' feedback.

use crate::{
    App, AppError, email,
    error::Checker,
    policy::{self, Action, Principal},
};
use kimppa_domain::MembershipStatus;
use kimppa_store::entities::{org_member, organisation, survey, survey_answer, survey_invite, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
    Set, TransactionTrait,
};

/// Answers a survey's NPS is shown over, at least.
pub const FLOOR: usize = 5;

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    pub title: String,
    /// One open question a line.
    pub questions: String,
}

pub fn questions(s: &survey::Model) -> Vec<String> {
    s.questions.lines().map(str::trim).filter(|q| !q.is_empty()).map(str::to_string).collect()
}

/// Writes a survey (staff); it is sent separately.
pub async fn create(app: &App, actor: &Principal, f: &SurveyForm) -> Result<survey::Model, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let uid = policy::user_id(actor)?;
    let mut c = Checker::default();
    if f.title.trim().is_empty() {
        c.push("title", "err-required");
    } else if f.title.chars().count() > 200 {
        c.push("title", "err-too-long");
    }
    let qs: Vec<&str> = f.questions.lines().map(str::trim).filter(|q| !q.is_empty()).collect();
    if qs.len() > 10 || qs.iter().any(|q| q.chars().count() > 300) {
        c.push("questions", "err-survey-questions");
    }
    c.finish()?;
    Ok(survey::ActiveModel {
        title: Set(f.title.trim().into()),
        questions: Set(qs.join("\n")),
        sent_at: Set(None),
        created_by: Set(uid.0),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?)
}

/// Every survey, newest first (staff).
pub async fn list(app: &App, actor: &Principal) -> Result<Vec<survey::Model>, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    Ok(survey::Entity::find().order_by_desc(survey::Column::Id).all(&app.db).await?)
}

/// Sends the survey to the admins of every approved member, each their own
/// link (staff); a survey is sent once. Returns how many were emailed.
pub async fn send(app: &App, actor: &Principal, id: i32) -> Result<usize, AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let s = survey::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let admins: Vec<(i32, i32)> = org_member::Entity::find()
        .select_only()
        .columns([org_member::Column::OrgId, org_member::Column::UserId])
        .join(sea_orm::JoinType::InnerJoin, org_member::Relation::Organisation.def())
        .filter(org_member::Column::Role.eq(kimppa_domain::OrgRole::Admin))
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .into_tuple()
        .all(&app.db)
        .await?;
    let people = crate::batch::chunked(admins.iter().map(|a| a.1), |chunk| {
        user::Entity::find().filter(user::Column::Id.is_in(chunk)).all(&app.db)
    })
    .await?;
    let tx = app.db.begin().await?;
    // Taken by this run: nobody gets two links.
    let taken = survey::Entity::update_many()
        .col_expr(survey::Column::SentAt, Some(crate::now()).into())
        .filter(survey::Column::Id.eq(s.id))
        .filter(survey::Column::SentAt.is_null())
        .exec(&tx)
        .await?;
    if taken.rows_affected == 0 {
        return Err(AppError::Conflict("survey-sent"));
    }
    let mut sent = 0;
    for (org, uid) in admins {
        let Some(u) = people.iter().find(|p| p.id == uid) else { continue };
        let token = crate::tokens::new_token();
        survey_invite::ActiveModel {
            survey_id: Set(s.id),
            user_id: Set(uid),
            org_id: Set(org),
            token_hash: Set(crate::tokens::hash(&token)),
            sent_at: Set(crate::now()),
            answered_at: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let lang = crate::people::lang(u);
        let link = app.url(&format!("/{lang}/survey/{token}"));
        let (subject, body) = if lang == "en" {
            (
                format!("Survey: {}", s.title),
                format!(
                    "Hello,\n\nthe cluster asks its members how it is doing: would you recommend it, and what should it do better? Answering takes two minutes, needs no signing in, and nobody sees who answered what.\n\n{link}\n\nThe link is yours and works once.\n"
                ),
            )
        } else {
            (
                format!("Kysely: {}", s.title),
                format!(
                    "Hei,\n\nklusteri kysyy jäseniltään, miten se onnistuu: suosittelisitko sitä, ja mitä sen pitäisi tehdä paremmin? Vastaaminen vie pari minuuttia eikä vaadi kirjautumista, eikä kukaan näe, kuka vastasi mitä.\n\n{link}\n\nLinkki on henkilökohtainen ja toimii kerran.\n"
                ),
            )
        };
        email::queue(&tx, &u.email, &subject, &body).await?;
        sent += 1;
    }
    crate::changelog::admin_action(&tx, policy::user_id(actor)?, "survey.send", s.id.to_string(), sent.to_string())
        .await?;
    tx.commit().await?;
    app.jobs_wake.notify_one();
    Ok(sent)
}

/// The survey a link opens, while it has not been answered.
pub async fn open(app: &App, token: &str) -> Result<(survey::Model, survey_invite::Model), AppError> {
    let inv = survey_invite::Entity::find()
        .filter(survey_invite::Column::TokenHash.eq(crate::tokens::hash(token.trim())))
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.answered_at.is_some() {
        return Err(AppError::TokenInvalid);
    }
    let s = survey::Entity::find_by_id(inv.survey_id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    Ok((s, inv))
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub score: String,
    /// The open answers, in the questions' order.
    pub answer: Vec<String>,
}

/// Answers through a link: once. The answer row carries nothing of the
/// invitation.
pub async fn answer(app: &App, token: &str, f: &AnswerForm) -> Result<(), AppError> {
    let (s, inv) = open(app, token).await?;
    let mut c = Checker::default();
    let score = match f.score.trim().parse::<i32>() {
        Ok(v) if (0..=10).contains(&v) => v,
        _ => {
            c.push("score", if f.score.trim().is_empty() { "err-required" } else { "err-score-ten" });
            0
        }
    };
    let n = questions(&s).len();
    let answers: Vec<String> =
        (0..n).map(|i| f.answer.get(i).map(|a| a.trim().to_string()).unwrap_or_default()).collect();
    if answers.iter().any(|a| a.chars().count() > 4000) {
        c.push("answer", "err-too-long");
    }
    c.finish()?;
    let tx = app.db.begin().await?;
    let used = survey_invite::Entity::update_many()
        .col_expr(survey_invite::Column::AnsweredAt, Some(crate::now()).into())
        .filter(survey_invite::Column::Id.eq(inv.id))
        .filter(survey_invite::Column::AnsweredAt.is_null())
        .exec(&tx)
        .await?;
    if used.rows_affected == 0 {
        return Err(AppError::TokenInvalid);
    }
    survey_answer::ActiveModel {
        survey_id: Set(s.id),
        score: Set(score),
        answers: Set(serde_json::to_string(&answers).map_err(AppError::internal)?),
        answered_on: Set(crate::materials::today().to_string()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A survey's results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub invited: u64,
    pub answered: u64,
    /// Over at least [`FLOOR`] answers.
    pub nps: Option<i64>,
    /// Each open question with its non-empty answers, in alphabetical
    /// order (not the order they came in).
    pub comments: Vec<(String, Vec<String>)>,
}

/// The results (staff): three queries.
pub async fn results(app: &App, actor: &Principal, id: i32) -> Result<(survey::Model, Results), AppError> {
    policy::require(actor, Action::ManageImpact)?;
    let s = survey::Entity::find_by_id(id).one(&app.db).await?.ok_or(AppError::NotFound)?;
    let invited = survey_invite::Entity::find().filter(survey_invite::Column::SurveyId.eq(id)).count(&app.db).await?;
    let answers = survey_answer::Entity::find().filter(survey_answer::Column::SurveyId.eq(id)).all(&app.db).await?;
    let n = answers.len();
    let nps = (n >= FLOOR).then(|| {
        let promoters = answers.iter().filter(|a| a.score >= 9).count() as f64;
        let detractors = answers.iter().filter(|a| a.score <= 6).count() as f64;
        ((promoters - detractors) / n as f64 * 100.0).round() as i64
    });
    let qs = questions(&s);
    let mut comments: Vec<(String, Vec<String>)> = qs.iter().map(|q| (q.clone(), Vec::new())).collect();
    for a in &answers {
        let list: Vec<String> = serde_json::from_str(&a.answers).unwrap_or_default();
        for (i, text) in list.into_iter().enumerate() {
            if let Some(slot) = comments.get_mut(i)
                && !text.is_empty()
            {
                slot.1.push(text);
            }
        }
    }
    for c in &mut comments {
        c.1.sort();
    }
    Ok((s, Results { invited, answered: n as u64, nps, comments }))
}
