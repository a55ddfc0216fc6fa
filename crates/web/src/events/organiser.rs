//! The organiser's pages: the event form, publishing and cancelling, the
//! participants with the record of changes, the CSV export, the check-in
//! list for the door, the email to participants; and the cluster's counts.

use super::*;

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    p: Page,
    action: String,
    editing: bool,
    draft: bool,
    form: EventForm,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    groups: Vec<(String, String, bool)>,
    kinds: Vec<(String, String, bool)>,
    places: Vec<(String, String, bool)>,
    languages: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    visibilities: Vec<(String, String, bool)>,
    questions: Vec<QuestionRowView>,
    online: bool,
}

pub struct QuestionRowView {
    pub n: usize,
    pub id: String,
    pub label: String,
    pub kinds: Vec<(String, String, bool)>,
    pub choices: String,
    pub required: bool,
}

async fn form_page(
    ctx: &Ctx,
    form: EventForm,
    errors: FormErrors,
    editing: Option<&event::Model>,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let orgs: Vec<(String, String, bool)> = match editing {
        Some(e) => {
            let names = Names::load(app, std::slice::from_ref(e)).await?;
            let p = ctx.page("events-title").await;
            let (name, slug) = names.organiser(&p, e);
            vec![(slug, name, true)]
        }
        None => {
            let choices = events::organiser_choices(app, &ctx.principal).await?;
            let only = choices.len() == 1;
            choices
                .into_iter()
                .map(|(o, _)| match o {
                    Some(o) => {
                        let sel = only || o.slug == form.org;
                        (o.slug, o.name, sel)
                    }
                    None => (String::new(), ctx.lang.t("event-organiser-cluster"), only || form.org.is_empty()),
                })
                .collect()
        }
    };
    let places = kimppa_app::materials::reference::municipalities(app).await?;
    let groups = events::group_choices(app, &ctx.principal)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name, id.to_string() == form.group))
        .collect();
    let mut p = ctx.form_page(if editing.is_some() { "event-edit-title" } else { "event-new-title" }).await;
    let action = match editing {
        Some(e) => {
            p.title = format!("{}: {}", p.title, events::title(e, p.code()));
            ctx.href(&format!("/events/{}/edit", e.id))
        }
        None => ctx.href("/events/new"),
    };
    let one = |v: &str| vec![v.to_string()];
    let mut rows = form.questions();
    let blanks =
        events::MAX_QUESTIONS.saturating_sub(rows.len()).min(2).max(usize::from(rows.len() < events::MAX_QUESTIONS));
    rows.extend(std::iter::repeat_n(Default::default(), blanks));
    let questions = rows
        .into_iter()
        .enumerate()
        .map(|(i, q): (usize, kimppa_app::events::QuestionRow)| QuestionRowView {
            n: i + 1,
            id: q.id.clone(),
            kinds: question_kinds(&p, if q.kind.is_empty() { "text" } else { &q.kind }),
            label: q.label,
            choices: q.choices,
            required: q.required,
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = FormPage {
        kinds: kind_options(&p, &form.kind),
        places: places.iter().map(|m| (m.code.clone(), m.name_fi.clone(), m.code == form.municipality)).collect(),
        languages: key_options(p.lang, "event-language-", events::LANGUAGES, &one(&form.language)),
        focus: focus_options(&p, &form.focus_areas),
        groups,
        visibilities: key_options(p.lang, "event-visibility-", ["public", "members"], &one(&form.visibility)),
        online: form.online.is_some(),
        draft: editing.is_none_or(|e| e.status == EventStatus::Draft),
        editing: editing.is_some(),
        questions,
        action,
        form,
        errors,
        orgs,
        p,
    };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    form_page(&ctx, EventForm::new_default(), FormErrors::none(), None).await
}

pub async fn create(ctx: Ctx, Form(form): Form<EventForm>) -> Result<Response, WebError> {
    match events::create(ctx.app(), &ctx.principal, &form).await {
        Ok(e) => {
            ctx.flash(if e.status == EventStatus::Published { "event-published" } else { "event-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{}", e.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, form, errors, None).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::managed(app, &ctx.principal, id).await?;
    let questions = events::questions(app, e.id).await?;
    let slug = match e.org_id {
        Some(o) => kimppa_app::people::org_names(app, [o]).await?.remove(&o).unwrap_or_default().slug,
        None => String::new(),
    };
    form_page(&ctx, EventForm::of(&e, &questions, &slug), FormErrors::none(), Some(&e)).await
}

pub async fn edit(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<EventForm>) -> Result<Response, WebError> {
    match events::update(ctx.app(), &ctx.principal, id, &form).await {
        Ok(_) => {
            ctx.flash("event-changes-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let old = events::managed(ctx.app(), &ctx.principal, id).await?;
            form_page(&ctx, form, errors, Some(&old)).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    /// `publish`, `unpublish`, `cancel` or `held`.
    pub action: String,
    pub note: String,
}

pub async fn state(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<StateForm>) -> Result<Response, WebError> {
    events::managed(ctx.app(), &ctx.principal, id).await?;
    let change = match f.action.as_str() {
        "publish" => StateChange::Publish,
        "unpublish" => StateChange::Unpublish,
        "cancel" => StateChange::Cancel,
        "held" => StateChange::Held,
        _ => return Err(WebError(AppError::NotFound)),
    };
    events::set_state(ctx.app(), &ctx.principal, id, change, &f.note).await?;
    ctx.flash(&format!("event-state-{}", f.action)).await;
    Ok(Redirect::to(&ctx.href(&format!("/events/{id}"))).into_response())
}

// ---------------------------------------------------------------------------
// Participants

pub struct ParticipantView {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub org: String,
    pub status: String,
    pub status_key: String,
    pub registered: String,
    pub answers: Vec<(String, String)>,
    pub attended: String,
    pub offered_until: String,
}

fn participant_views(
    p: &Page,
    people: &[registrations::Participant],
    questions: &[event_question_model::Model],
) -> Vec<ParticipantView> {
    people
        .iter()
        .map(|x| {
            let r = &x.registration;
            let answers = registrations::answers_of(r);
            ParticipantView {
                id: r.id,
                name: x.name.clone(),
                email: x.email.clone(),
                org: x.org.clone(),
                status: p.t(&format!("registration-status-{}", r.status.key())),
                status_key: r.status.key().to_string(),
                registered: p.datetime(&r.created_at),
                answers: questions
                    .iter()
                    .filter_map(|q| answers.get(&q.id).map(|a| (q.label.clone(), answer_label(p, q, a))))
                    .collect(),
                attended: match r.attended {
                    Some(true) => p.t("attended-yes"),
                    Some(false) => p.t("attended-no"),
                    None => String::new(),
                },
                offered_until: r.offered_until.map(|t| p.datetime(&t)).unwrap_or_default(),
            }
        })
        .collect()
}

use kimppa_app::records::event_question as event_question_model;

fn answer_label(p: &Page, q: &event_question_model::Model, a: &str) -> String {
    if q.kind == QuestionKind::YesNo { p.t(&format!("answer-{a}")) } else { a.to_string() }
}

#[derive(Template)]
#[template(path = "events/participants.html")]
struct ParticipantsPage {
    p: Page,
    e: event::Model,
    title: String,
    people: Vec<ParticipantView>,
    changes: Vec<(String, String, String, String)>,
    places: String,
}

pub async fn participants(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::managed(app, &ctx.principal, id).await?;
    let people = registrations::participants(app, &ctx.principal, id).await?;
    let questions = events::questions(app, id).await?;
    let changes = registrations::changes(app, &ctx.principal, id).await?;
    let mut p = ctx.form_page("event-participants-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let people = participant_views(&p, &people, &questions);
    let changes = changes
        .into_iter()
        .map(|(c, whose, by)| {
            let by = if by.is_empty() { p.t("change-by-platform") } else { by };
            (p.datetime(&c.at), whose, p.t(&format!("change-reason-{}", c.reason)), by)
        })
        .collect();
    let places = match e.capacity {
        Some(cap) => p.t1("event-places-taken", "count", &format!("{} / {cap}", e.places_taken)),
        None => p.t1("event-places-taken", "count", &e.places_taken.to_string()),
    };
    Ok(crate::html(&ParticipantsPage { p, e, title, people, changes, places }))
}

pub async fn participants_csv(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let csv = registrations::export_csv(ctx.app(), &ctx.principal, id, ctx.lang.code()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"event-{id}-participants.csv\"")),
        ],
        csv,
    )
        .into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    /// `admit`, `cancel`, `attended` or `no-show`.
    pub action: String,
    /// The check-in list's search, kept when returning there.
    pub q: String,
    /// `checkin` to return to the check-in list.
    pub back: String,
}

fn change_of(action: &str) -> Result<OrganiserChange, WebError> {
    Ok(match action {
        "admit" => OrganiserChange::Admit,
        "cancel" => OrganiserChange::Cancel,
        "attended" => OrganiserChange::Attended,
        "no-show" => OrganiserChange::NoShow,
        _ => return Err(WebError(AppError::NotFound)),
    })
}

pub async fn participant_change(
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    Form(f): Form<ChangeForm>,
) -> Result<Response, WebError> {
    events::managed(ctx.app(), &ctx.principal, id).await?;
    registrations::organiser_change(ctx.app(), &ctx.principal, id, rid, change_of(&f.action)?).await?;
    ctx.flash("registration-changed").await;
    Ok(Redirect::to(&format!("{}#r-{rid}", ctx.href(&format!("/events/{id}/participants")))).into_response())
}

// ---------------------------------------------------------------------------
// Check-in at the door

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CheckinQuery {
    pub q: String,
}

#[derive(Template)]
#[template(path = "events/checkin.html")]
struct CheckinPage {
    p: Page,
    e: event::Model,
    title: String,
    when: String,
    q: String,
    people: Vec<ParticipantView>,
    arrived: usize,
    total: usize,
}

pub async fn checkin(ctx: Ctx, Path(id): Path<i32>, Query(q): Query<CheckinQuery>) -> Result<Response, WebError> {
    let app = ctx.app();
    let e = events::managed(app, &ctx.principal, id).await?;
    let people = registrations::participants(app, &ctx.principal, id).await?;
    let here: Vec<registrations::Participant> =
        people.into_iter().filter(|x| x.registration.status == RegistrationStatus::Registered).collect();
    let arrived = here.iter().filter(|x| x.registration.attended == Some(true)).count();
    let total = here.len();
    let needle = q.q.trim().to_lowercase();
    let shown: Vec<registrations::Participant> = here
        .into_iter()
        .filter(|x| {
            needle.is_empty()
                || x.name.to_lowercase().contains(&needle)
                || x.org.to_lowercase().contains(&needle)
                || x.email.to_lowercase().contains(&needle)
        })
        .collect();
    let mut p = ctx.form_page("event-checkin-title").await;
    let title = events::title(&e, p.code()).to_string();
    p.title = format!("{}: {title}", p.title);
    let people = participant_views(&p, &shown, &[]);
    let view = CheckinPage { when: when(&p, &e), q: q.q.trim().to_string(), people, arrived, total, title, e, p };
    Ok(crate::html(&view))
}

pub async fn checkin_mark(
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    Form(f): Form<ChangeForm>,
) -> Result<Response, WebError> {
    events::managed(ctx.app(), &ctx.principal, id).await?;
    let change = change_of(&f.action)?;
    if !matches!(change, OrganiserChange::Attended | OrganiserChange::NoShow) {
        return Err(WebError(AppError::NotFound));
    }
    registrations::organiser_change(ctx.app(), &ctx.principal, id, rid, change).await?;
    let back = crate::query_string(&[("q", f.q.trim())]);
    Ok(Redirect::to(&format!("{}{back}#r-{rid}", ctx.href(&format!("/events/{id}/checkin")))).into_response())
}

// ---------------------------------------------------------------------------
// Email to participants

#[derive(Template)]
#[template(path = "events/email.html")]
struct EmailPage {
    p: Page,
    e: event::Model,
    form: EmailForm,
    errors: FormErrors,
    audiences: Vec<(String, String, bool)>,
}

async fn email_page(ctx: &Ctx, id: i32, form: EmailForm, errors: FormErrors) -> Result<Response, WebError> {
    let e = events::managed(ctx.app(), &ctx.principal, id).await?;
    let mut p = ctx.form_page("event-email-title").await;
    p.title = format!("{}: {}", p.title, events::title(&e, p.code()));
    let audiences = key_options(p.lang, "audience-", registrations::AUDIENCES, std::slice::from_ref(&form.audience));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&EmailPage { p, e, form, errors, audiences })).into_response())
}

pub async fn email_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    email_page(&ctx, id, EmailForm { audience: "registered".into(), ..Default::default() }, FormErrors::none()).await
}

pub async fn email_send(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<EmailForm>) -> Result<Response, WebError> {
    match registrations::email_participants(ctx.app(), &ctx.principal, id, &f).await {
        Ok(_) => {
            ctx.flash("event-email-sent").await;
            Ok(Redirect::to(&ctx.href(&format!("/events/{id}/participants"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            email_page(&ctx, id, f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// The cluster's counts

#[derive(Template)]
#[template(path = "events/admin.html")]
struct CountsPage {
    p: Page,
    c: kimppa_app::events::metrics::Counts,
    months: Vec<String>,
    rows: Vec<(String, Vec<u32>, u32)>,
    per_event: String,
    average: String,
    prev: String,
    next: String,
}

pub async fn admin_counts(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    use chrono::Datelike;
    let this = kimppa_app::finnish_time(kimppa_app::now()).year();
    let y = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or(this);
    let c = kimppa_app::events::metrics::year(ctx.app(), &ctx.principal, y).await?;
    let mut p = ctx.page("event-counts-title").await;
    p.title = format!("{} {y}", p.title);
    let rows =
        c.held.iter().map(|(k, m)| (p.t(&format!("event-kind-{}", k.key())), m.to_vec(), m.iter().sum())).collect();
    let view = CountsPage {
        months: (1..=12).map(|m| p.t(&format!("month-short-{m}"))).collect(),
        per_event: c.per_event.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into()),
        average: c.feedback.average.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into()),
        prev: format!("{}?year={}", p.href("/admin/events"), y - 1),
        next: format!("{}?year={}", p.href("/admin/events"), y + 1),
        rows,
        c,
        p,
    };
    Ok(crate::html(&view))
}
