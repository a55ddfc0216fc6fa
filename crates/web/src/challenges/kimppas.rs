//! Kimppas formed from challenges and partner searches: the catalogue,
//! a kimppa's page, its settings and the invited organisations' answers.

use super::*;
use kimppa_app::challenges::kimppas;

/// A kimppa ready for the template.
pub struct KimppaView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub problem: String,
    pub value_proposition: String,
    /// (organisation name, slug, role).
    pub members: Vec<(String, String, String)>,
    /// Invited, not confirmed yet (for the kimppa's own people): (name, slug, role).
    pub pending: Vec<(String, String, String)>,
    pub violations: Vec<String>,
    pub challenge: Option<i32>,
}

fn kimppa_view(p: &Page, k: kimppas::KimppaView) -> KimppaView {
    use kimppa_app::matchmaking::Violation;
    KimppaView {
        id: k.k.id,
        status: p.t(&format!("kimppa-status-{}", k.k.status)),
        problem: kimppa_app::markdown::render(&k.k.problem),
        value_proposition: kimppa_app::markdown::render(&k.k.value_proposition),
        members: k.members.into_iter().map(|m| (m.org.name, m.org.slug, p.t(&format!("role-{}", m.role)))).collect(),
        pending: k.pending.into_iter().map(|m| (m.org.name, m.org.slug, p.t(&format!("role-{}", m.role)))).collect(),
        violations: k
            .violations
            .into_iter()
            .map(|v| match v {
                Violation::TooFew { need, .. } => p.tn("rule-too-few", need),
                Violation::TooMany { max, .. } => p.tn("rule-too-many", max),
                Violation::Smes { need, .. } => p.tn("rule-smes", need),
                Violation::Research { need, .. } => p.tn("rule-research", need),
                Violation::Municipalities { need, .. } => p.tn("rule-municipalities", need),
                Violation::MissingRole(r) => p.t1("rule-role", "name", &p.t(&format!("role-{r}"))),
            })
            .collect(),
        challenge: k.k.challenge_id,
        slug: k.k.slug,
        name: k.k.name,
    }
}

#[derive(Template)]
#[template(path = "challenges/kimppas.html")]
struct CataloguePage {
    p: Page,
    items: Vec<KimppaView>,
}

pub async fn catalogue(ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.page("kimppas-title").await;
    let items = kimppas::catalogue(ctx.app()).await?.into_iter().map(|k| kimppa_view(&p, k)).collect();
    Ok(crate::html(&CataloguePage { p, items }))
}

#[derive(Template)]
#[template(path = "challenges/kimppa.html")]
struct KimppaPage {
    p: Page,
    k: KimppaView,
    manage: bool,
    form: kimppas::SettingsForm,
    errors: FormErrors,
    statuses: Vec<(String, String, bool)>,
    roles: Vec<(String, String, bool)>,
    sets: Vec<SuggestedSet>,
    /// Published services offered in the kimppa's name: (slug, title).
    services: Vec<(String, String)>,
    /// The viewer administers an invited organisation that has not answered.
    invited: bool,
}

/// A suggested addition to a kimppa: organisations (name, slug, roles in words) and points.
pub struct SuggestedSet {
    pub added: Vec<(String, String, String)>,
    pub points: String,
}

async fn kimppa_page(
    ctx: &Ctx,
    slug: &str,
    form: Option<kimppas::SettingsForm>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let k = kimppas::get_by_slug(ctx.app(), &ctx.principal, slug).await?;
    let manage = kimppas::may_manage_kimppa(&ctx.principal, &k);
    let invited = kimppas::may_answer_invitation(&ctx.principal, &k);
    let mut p = if manage || invited { ctx.form_page("kimppas-title").await } else { ctx.page("kimppas-title").await };
    p.title = k.k.name.clone();
    let form = form.unwrap_or_else(|| kimppas::SettingsForm::of(&k.k));
    let statuses = key_options(
        p.lang,
        "kimppa-status-",
        kimppa_domain::KimppaStatus::ALL.iter().map(|s| s.key()),
        std::slice::from_ref(&form.status),
    );
    let roles = key_options(p.lang, "role-", role_keys(), &form.required_roles);
    let sets = if manage { kimppas::suggested_sets(ctx.app(), &k).await? } else { vec![] };
    let sets = sets
        .into_iter()
        .map(|s| {
            let added = s
                .added
                .into_iter()
                .map(|(o, roles)| {
                    let roles = roles.iter().map(|r| p.t(&format!("role-{r}"))).collect::<Vec<_>>().join(", ");
                    (o.name, o.slug, roles)
                })
                .collect();
            SuggestedSet { added, points: format!("{:.0}", s.score) }
        })
        .collect();
    let services = kimppa_app::directory::services::of_kimppa(ctx.app(), k.k.id)
        .await?
        .into_iter()
        .map(|s| (s.slug, crate::directory::service_card_title(p.lang, &s.title_fi, &s.title_en)))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let k = kimppa_view(&p, k);
    Ok((status, crate::html(&KimppaPage { p, k, manage, form, errors, statuses, roles, sets, services, invited }))
        .into_response())
}

pub async fn kimppa(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, WebError> {
    kimppa_page(&ctx, &slug, None, FormErrors::none()).await
}

pub async fn kimppa_settings(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(f): Form<kimppas::SettingsForm>,
) -> Result<Response, WebError> {
    match kimppas::update(ctx.app(), &ctx.principal, &slug, &f).await {
        Ok(k) => {
            ctx.flash("kimppa-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/kimppas/{}", k.slug))).into_response())
        }
        Err(e) => {
            let errors = FormErrors::from_app(&e, ctx.lang).ok_or(WebError(e))?;
            kimppa_page(&ctx, &slug, Some(f), errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MembershipForm {
    /// `accept` or `decline`.
    pub answer: String,
}

/// An invited organisation's admin confirms or declines taking part.
pub async fn kimppa_membership(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(f): Form<MembershipForm>,
) -> Result<Response, WebError> {
    let accept = match f.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("answer", "err-unknown-value").into()),
    };
    let k = kimppas::answer_invitation(ctx.app(), &ctx.principal, &slug, accept).await?;
    ctx.flash(if accept { "kimppa-joined" } else { "kimppa-declined" }).await;
    let to = if accept || k.published { format!("/kimppas/{}", k.slug) } else { "/kimppas".to_string() };
    Ok(Redirect::to(&ctx.href(&to)).into_response())
}
