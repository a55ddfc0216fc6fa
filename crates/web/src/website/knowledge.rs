use super::pick;
use crate::{
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, Query},
    forms::FormErrors,
};
use askama::Template;
use axum::{
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use kimppa_app::records::{cluster, glossary_term};
use kimppa_app::{
    AppError,
    website::{clusters, faq, glossary, questions},
};

pub struct Term {
    pub slug: String,
    pub term: String,
    pub other: String,
    pub definition: String,
    pub initial: String,
}

fn term_view(p: &Page, t: &glossary_term::Model) -> Term {
    let (term, other) = match p.lang {
        crate::i18n::Lang::En => (t.term_en.clone(), t.term_fi.clone()),
        crate::i18n::Lang::Fi => (t.term_fi.clone(), t.term_en.clone()),
    };
    Term {
        slug: t.slug.clone(),
        initial: glossary::initial(&term),
        definition: pick(p.lang, &t.definition_fi, &t.definition_en).to_string(),
        term,
        other,
    }
}

#[derive(Template)]
#[template(path = "website/glossary.html")]
struct GlossaryPage {
    p: Page,
    /// (initial, terms)
    groups: Vec<(String, Vec<Term>)>,
}

pub async fn glossary(ctx: Ctx) -> Result<Response, WebError> {
    let rows = glossary::list(ctx.app(), ctx.lang.code()).await?;
    let mut p = ctx.page("glossary-title").await;
    p.description = p.t("glossary-intro");
    let mut groups: Vec<(String, Vec<Term>)> = vec![];
    for t in rows.iter().map(|t| term_view(&p, t)) {
        match groups.last_mut() {
            Some((i, list)) if *i == t.initial => list.push(t),
            _ => groups.push((t.initial.clone(), vec![t])),
        }
    }
    p.set_json_ld(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "name": p.title,
        "url": p.canonical(),
    }));
    Ok(crate::html(&GlossaryPage { p, groups }))
}

#[derive(Template)]
#[template(path = "website/term.html")]
struct TermPage {
    p: Page,
    term: Term,
    related: Vec<Term>,
    source: String,
}

async fn term_page(ctx: &Ctx, slug: &str) -> Result<TermPage, WebError> {
    let (t, related) = glossary::get(ctx.app(), slug).await?;
    let mut p = ctx.page("glossary-title").await;
    let tv = term_view(&p, &t);
    p.title = tv.term.clone();
    p.description = tv.definition.chars().take(155).collect();
    p.set_json_ld(serde_json::json!({
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "name": tv.term,
        "alternateName": tv.other,
        "description": tv.definition,
        "url": p.canonical(),
        "inDefinedTermSet": p.canonical().rsplit_once('/').map(|(b, _)| b).unwrap_or_default(),
    }));
    let related = related.iter().map(|r| term_view(&p, r)).collect();
    Ok(TermPage { p, term: tv, related, source: t.source })
}

pub async fn term(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    Ok(crate::html(&term_page(&ctx, &slug).await?))
}

pub struct Qa {
    pub id: i32,
    pub question: String,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "website/faq.html")]
struct FaqPage {
    p: Page,
    topics: Vec<(String, Vec<Qa>)>,
    form: AskForm,
    /// The signed-in asker's address, where the answer goes.
    account_email: Option<String>,
    errors: FormErrors,
}

async fn faq_page(ctx: &Ctx, form: AskForm, errors: FormErrors) -> Result<FaqPage, WebError> {
    let groups = faq::grouped(ctx.app()).await?;
    let mut p = ctx.form_page("faq-title").await;
    p.description = p.t("faq-intro");
    let topics = groups
        .into_iter()
        .map(|(topic, items)| {
            let qas = items
                .iter()
                .map(|i| Qa {
                    id: i.id,
                    question: pick(p.lang, &i.question_fi, &i.question_en).to_string(),
                    answer: kimppa_app::markdown::render(pick(p.lang, &i.answer_fi, &i.answer_en)),
                })
                .collect();
            (p.t(&format!("faq-topic-{topic}")), qas)
        })
        .collect();
    let account_email = ctx.principal.person().map(|u| u.email.clone());
    Ok(FaqPage { p, topics, form, account_email, errors })
}

pub async fn faq(ctx: Ctx) -> Result<Response, WebError> {
    Ok(crate::html(&faq_page(&ctx, AskForm::default(), FormErrors::none()).await?))
}

#[derive(serde::Deserialize, Default)]
pub struct AskForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    consent: Option<String>,
}

pub async fn ask(ctx: Ctx, Form(f): Form<AskForm>) -> Result<Response, WebError> {
    let asked =
        questions::AskForm { question: f.question.clone(), email: f.email.clone(), consent: f.consent.is_some() };
    match questions::ask(ctx.app(), &ctx.principal, &asked, ctx.lang.code(), &ctx.client).await {
        Ok(()) => {
            ctx.flash("faq-asked").await;
            Ok(Redirect::to(&ctx.href("/faq")).into_response())
        }
        Err(e) => {
            let (status, errors) = match &e {
                AppError::RateLimited => (
                    StatusCode::TOO_MANY_REQUESTS,
                    FormErrors::one("question", ctx.lang.t("error-rate-limited-detail")),
                ),
                other => (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_app(other, ctx.lang).ok_or(WebError(e))?),
            };
            Ok((status, crate::html(&faq_page(&ctx, f, errors).await?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "website/clusters.html")]
struct ClustersPage {
    p: Page,
    clusters: Vec<cluster::Model>,
    relations: Vec<(String, String, bool)>,
    countries: Vec<(String, bool)>,
}

pub async fn clusters(ctx: Ctx, Query(f): Query<clusters::ClusterFilter>) -> Result<Response, WebError> {
    let list = clusters::list(ctx.app(), &f).await?;
    let countries = clusters::countries(ctx.app())
        .await?
        .into_iter()
        .map(|c| {
            let sel = c.eq_ignore_ascii_case(f.country.trim());
            (c, sel)
        })
        .collect();
    let relations = clusters::RELATIONS
        .iter()
        .map(|r| (r.to_string(), ctx.lang.t(&format!("relation-{r}")), f.relation == *r))
        .collect();
    let mut p = ctx.page("clusters-title").await;
    p.description = p.t("clusters-intro");
    Ok(crate::html(&ClustersPage { p, clusters: list, relations, countries }))
}

/// The site search (see `crate::search`).
pub async fn search(ctx: Ctx, Query(q): Query<kimppa_app::search::SearchParams>) -> Result<Response, WebError> {
    crate::search::page(ctx, q).await
}
