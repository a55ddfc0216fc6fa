//! Pipeline pages (SPEC C9): the orchestrators' board (columns by stage,
//! kind or size class, moving with buttons — no script needed) and table
//! (sorting, filters, saved views, CSV export), a record's page with its
//! participants, tasks, links and history, the form (also started from a
//! lead, challenge, kimppa or partner search), one's tasks, the stages'
//! list; and the public list of published innovations and projects.

use crate::{
    AppState,
    ctx::{Ctx, Page},
    errors::WebError,
    extract::{Form, FormPairs, ListQuery, Query},
    forms::{FormErrors, key_options},
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kimppa_app::pipeline::{self, Access, Filter, RecordForm, Row, StageForm, TaskForm, industry};
use kimppa_app::records::pipeline_stage;
use kimppa_app::{AppError, policy};
use kimppa_domain::{EuroClass, FieldKind, FocusArea, PipelineKind, PipelineRole};

pub(crate) mod api;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pipeline", get(board))
        .route("/pipeline/table", get(table))
        .route("/pipeline/export.csv", get(export))
        .route("/pipeline/views", post(save_view))
        .route("/pipeline/views/{id}/delete", post(delete_view))
        .route("/pipeline/tasks", get(my_tasks))
        .route("/pipeline/stages", get(stages_page).post(stage_add))
        .route("/pipeline/stages/{key}", post(stage_change))
        .route("/pipeline/new", get(new_form).post(create))
        .route("/pipeline/join", post(join))
        .route("/pipeline/duplicates", get(duplicates))
        .route("/pipeline/import", get(import_form).post(import))
        .route("/pipeline/fields", get(fields_page).post(field_add))
        .route("/pipeline/fields/{key}/delete", post(field_remove))
        .route("/pipeline/merge", get(merge_preview).post(merge))
        .route("/pipeline/{id}", get(detail))
        .route("/pipeline/{id}/edit", get(edit_form).post(edit))
        .route("/pipeline/{id}/stage", post(move_stage))
        .route("/pipeline/{id}/tasks", post(task_add))
        .route("/pipeline/{id}/tasks/{tid}", post(task_set))
        .route("/pipeline/{id}/link", post(link))
        .route("/innovations", get(public_list))
        .route("/innovations/{id}", get(public_detail))
}

fn label_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "field-pipeline-title",
        "kind" => "field-pipeline-kind",
        "stage" => "field-pipeline-stage",
        "euros" => "field-pipeline-euros",
        "size_class" => "field-pipeline-size",
        "industry" => "field-pipeline-industry",
        "focus_areas" => "field-focus",
        "owner" => "field-pipeline-owner",
        "source" => "field-pipeline-source",
        "people" => "field-pipeline-people",
        "description" => "field-pipeline-description",
        "next_action" => "field-pipeline-next-action",
        "closed_reason" => "field-pipeline-closed-reason",
        "participant" => "field-pipeline-participant",
        "participant_role" => "field-pipeline-participant-role",
        "public_fields" => "field-pipeline-public-fields",
        "task_title" => "field-task-title",
        "due_on" => "field-task-due",
        "assignee" => "field-task-assignee",
        "view_name" => "field-view-name",
        "key" => "field-stage-key",
        "name_fi" => "field-stage-name-fi",
        "name_en" => "field-stage-name-en",
        "choices" => "field-field-choices",
        _ => return None,
    })
}

fn errors_of(e: &AppError, ctx: &Ctx) -> Option<FormErrors> {
    FormErrors::from_app_labelled(e, ctx.lang, label_of)
}

/// A record as a card or a table row shows it.
pub struct Card {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub stage: String,
    pub stage_key: String,
    pub euros: String,
    pub size: String,
    pub participants: String,
    pub owner: String,
    pub next_action: String,
    pub updated: String,
    /// Stage keys before and after (for the move buttons): (key, name).
    pub prev: Option<(String, String)>,
    pub next: Option<(String, String)>,
}

/// "120 000 €" in Finnish, "€120,000" in English.
pub fn euros(p: &Page, v: Option<i64>) -> String {
    v.map(|v| crate::impact::figure(p, kimppa_app::impact::Unit::Euros, v as f64)).unwrap_or_default()
}

pub(crate) fn card(p: &Page, r: &Row, all: &[pipeline_stage::Model]) -> Card {
    let open: Vec<&pipeline_stage::Model> = all.iter().filter(|s| !s.closing).collect();
    let at = open.iter().position(|s| s.id == r.stage.id);
    let named = |s: &pipeline_stage::Model| (s.key.clone(), pipeline::stage_name(s, p.code()).to_string());
    Card {
        id: r.record.id,
        title: r.record.title.clone(),
        kind: p.label("pipeline-kind", r.record.kind.key()),
        stage: pipeline::stage_name(&r.stage, p.code()).to_string(),
        stage_key: r.stage.key.clone(),
        euros: euros(p, r.record.euros),
        size: if r.record.size_class.is_empty() { String::new() } else { p.label("euro-class", &r.record.size_class) },
        participants: r
            .participants
            .iter()
            .map(|(x, n, _)| format!("{n} ({})", p.label("pipeline-role", x.role.key())))
            .collect::<Vec<_>>()
            .join(", "),
        owner: r.owner.clone(),
        next_action: r.record.next_action.clone(),
        updated: p.date(&r.record.updated_at),
        prev: at.and_then(|i| i.checked_sub(1)).map(|i| named(open[i])),
        next: at.and_then(|i| open.get(i + 1)).map(|s| named(s)),
    }
}

/// The filter form's choices and values, shared by the board and the table.
pub struct FilterView {
    pub q: String,
    pub org: String,
    pub stages: Vec<(String, String, bool)>,
    pub kinds: Vec<(String, String, bool)>,
    pub sizes: Vec<(String, String, bool)>,
    pub focus: Vec<(String, String, bool)>,
    pub industries: Vec<(String, String, bool)>,
    pub owners: Vec<(String, String, bool)>,
    /// The filter as a query string, and as its pairs (for hidden fields).
    pub query: String,
    pub pairs: Vec<(String, String)>,
    pub any: bool,
    pub org_choices: Vec<String>,
    /// The own choice fields as filters: (key, name, options (value `key:choice`, label, chosen)).
    pub custom: Vec<(String, String, crate::forms::Options)>,
}

async fn filter_view(ctx: &Ctx, p: &Page, f: &Filter) -> Result<FilterView, WebError> {
    let app = ctx.app();
    let all = pipeline::stages(&app.db).await?;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let chosen = |o: &Option<String>| vec![v(o)];
    let owners = pipeline::owner_choices(app).await?;
    Ok(FilterView {
        q: v(&f.q),
        org: v(&f.org),
        stages: all
            .iter()
            .map(|s| (s.key.clone(), pipeline::stage_name(s, p.code()).to_string(), f.stage.as_deref() == Some(&s.key)))
            .collect(),
        kinds: key_options(p.lang, "pipeline-kind-", PipelineKind::ALL.iter().map(|k| k.key()), &chosen(&f.kind)),
        sizes: key_options(p.lang, "euro-class-", EuroClass::ALL.iter().map(|k| k.key()), &chosen(&f.size)),
        focus: key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|k| k.key()), &chosen(&f.focus)),
        industries: industry::all()
            .iter()
            .map(|i| {
                let indent = if i.is_section() { "" } else { "\u{a0}\u{a0}" };
                (
                    i.code.to_string(),
                    format!("{indent}{} {}", i.code, i.name(p.code())),
                    f.industry.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(i.code)),
                )
            })
            .collect(),
        owners: owners
            .into_iter()
            .map(|(id, name)| (id.to_string(), name, f.owner.as_deref() == Some(&id.to_string())))
            .collect(),
        query: f.query(),
        pairs: url::form_urlencoded::parse(f.query().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        org_choices: kimppa_app::organisations::name_choices(app).await?,
        custom: pipeline::fields(&app.db)
            .await?
            .iter()
            .filter(|x| matches!(x.kind, FieldKind::Choice | FieldKind::Multi))
            .map(|x| {
                let opts = pipeline::choices(x)
                    .into_iter()
                    .map(|c| {
                        let v = format!("{}:{c}", x.key);
                        let chosen = f.cf.contains(&v);
                        (v, c, chosen)
                    })
                    .collect();
                (x.key.clone(), pipeline::field_name(x, p.code()).to_string(), opts)
            })
            .collect(),
        any: !f.cf.is_empty()
            || [&f.q, &f.org, &f.stage, &f.kind, &f.size, &f.focus, &f.industry, &f.owner]
                .iter()
                .any(|x| x.as_deref().is_some_and(|s| !s.trim().is_empty())),
    })
}

async fn saved_views(ctx: &Ctx) -> Result<Vec<(i32, String, String)>, WebError> {
    Ok(pipeline::views(ctx.app(), &ctx.principal)
        .await?
        .into_iter()
        .map(|v| {
            let path = if v.page == "board" { "/pipeline" } else { "/pipeline/table" };
            let href = if v.query.is_empty() { ctx.href(path) } else { format!("{}?{}", ctx.href(path), v.query) };
            (v.id, v.name, href)
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Board

pub struct ColumnView {
    pub key: String,
    pub name: String,
    pub total: u64,
    pub cards: Vec<Card>,
    /// The table with this column's filter (for the cards not shown).
    pub more_href: String,
}

#[derive(Template)]
#[template(path = "pipeline/board.html")]
struct BoardPage {
    p: Page,
    columns: Vec<ColumnView>,
    filter: FilterView,
    bys: Vec<(String, String, bool)>,
    views: Vec<(i32, String, String)>,
    errors: FormErrors,
    /// Move buttons are shown when grouped by stage.
    movable: bool,
}

pub async fn board(ctx: Ctx, ListQuery(f): ListQuery<Filter>) -> Result<Response, WebError> {
    board_page(&ctx, f, FormErrors::none()).await
}

async fn board_page(ctx: &Ctx, f: Filter, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let cols = pipeline::board(app, &ctx.principal, &f).await?;
    let all = pipeline::stages(&app.db).await?;
    let p = ctx.form_page("pipeline-title").await;
    let own = pipeline::fields(&app.db).await?;
    let choice_keys: Vec<String> =
        own.iter().filter(|x| x.kind == FieldKind::Choice).map(|x| format!("cf-{}", x.key)).collect();
    let by =
        f.by.clone()
            .filter(|b| ["kind", "size"].contains(&b.as_str()) || choice_keys.contains(b))
            .unwrap_or_else(|| "stage".into());
    let columns = cols
        .iter()
        .map(|c| {
            let name = match (&c.stage, by.as_str()) {
                (Some(s), _) => pipeline::stage_name(s, p.code()).to_string(),
                (None, "kind") => p.label("pipeline-kind", &c.key),
                (None, b) if b.starts_with("cf-") && c.key.is_empty() => p.t("pipeline-value-none"),
                (None, b) if b.starts_with("cf-") => c.key.clone(),
                (None, _) if c.key.is_empty() => p.t("euro-class-none"),
                (None, _) => p.label("euro-class", &c.key),
            };
            let mut g = f.clone();
            match by.as_str() {
                b if b.starts_with("cf-") => g.cf.push(format!("{}:{}", &b[3..], c.key)),
                "kind" => g.kind = Some(c.key.clone()),
                "size" => g.size = Some(c.key.clone()),
                _ => g.stage = Some(c.key.clone()),
            }
            g.by = None;
            ColumnView {
                key: c.key.clone(),
                name,
                total: c.total,
                cards: c.rows.iter().map(|r| card(&p, r, &all)).collect(),
                more_href: format!("{}?{}", p.href("/pipeline/table"), g.query()),
            }
        })
        .collect();
    let filter = filter_view(ctx, &p, &f).await?;
    let bys =
        ["stage", "kind", "size"].iter().map(|k| (k.to_string(), p.t(&format!("pipeline-by-{k}")), by == *k)).collect();
    let views = saved_views(ctx).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let movable = by == "stage";
    Ok((status, crate::html(&BoardPage { p, columns, filter, bys, views, errors, movable })).into_response())
}

// ---------------------------------------------------------------------------
// Table

pub struct SortLink {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none` (aria-sort).
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "pipeline/table.html")]
struct TablePage {
    p: Page,
    rows: Vec<Card>,
    total: u64,
    page: u64,
    pages: u64,
    filter: FilterView,
    heads: Vec<SortLink>,
    views: Vec<(i32, String, String)>,
    errors: FormErrors,
    prev_href: String,
    next_href: String,
    export_href: String,
}

pub async fn table(ctx: Ctx, ListQuery(f): ListQuery<Filter>) -> Result<Response, WebError> {
    table_page(&ctx, f, FormErrors::none()).await
}

async fn table_page(ctx: &Ctx, f: Filter, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let (rows, total, page) = pipeline::table(app, &ctx.principal, &f).await?;
    let all = pipeline::stages(&app.db).await?;
    let p = ctx.form_page("pipeline-table-title").await;
    let current = f.sort.clone().unwrap_or_else(|| "-updated".into());
    let heads = [
        ("title", "field-pipeline-title"),
        ("kind", "field-pipeline-kind"),
        ("stage", "field-pipeline-stage"),
        ("euros", "field-pipeline-euros"),
        ("updated", "pipeline-updated"),
    ]
    .iter()
    .map(|(k, label)| {
        let state = if current == *k {
            "ascending"
        } else if current == format!("-{k}") {
            "descending"
        } else {
            "none"
        };
        let mut g = f.clone();
        g.sort = Some(if state == "ascending" { format!("-{k}") } else { k.to_string() });
        SortLink { label: p.t(label), href: format!("{}?{}", p.href("/pipeline/table"), g.query()), state }
    })
    .collect();
    let pages = total.div_ceil(pipeline::PER_PAGE).max(1);
    let at = |n: u64| {
        let mut g = f.clone();
        g.page = None;
        format!("{}?{}&page={n}", p.href("/pipeline/table"), g.query())
    };
    let view = TablePage {
        rows: rows.iter().map(|r| card(&p, r, &all)).collect(),
        total,
        page,
        pages,
        filter: filter_view(ctx, &p, &f).await?,
        heads,
        views: saved_views(ctx).await?,
        errors,
        prev_href: if page > 1 { at(page - 1) } else { String::new() },
        next_href: if page < pages { at(page + 1) } else { String::new() },
        export_href: format!("{}?{}", p.href("/pipeline/export.csv"), f.query()),
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn export(ctx: Ctx, ListQuery(f): ListQuery<Filter>) -> Result<Response, WebError> {
    let body = pipeline::export(ctx.app(), &ctx.principal, &f, ctx.lang.code()).await?;
    let name = format!("kimppa-pipeline-{}.csv", kimppa_app::now().format("%Y-%m-%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ViewForm {
    pub view_name: String,
    /// `board` or `table`.
    pub view_page: String,
    #[serde(flatten)]
    pub filter: Filter,
}

pub async fn save_view(ctx: Ctx, Form(f): Form<ViewForm>) -> Result<Response, WebError> {
    let board = f.view_page == "board";
    match pipeline::save_view(ctx.app(), &ctx.principal, &f.view_name, &f.view_page, &f.filter).await {
        Ok(()) => {
            ctx.flash("pipeline-view-saved").await;
            let path = if board { "/pipeline" } else { "/pipeline/table" };
            Ok(Redirect::to(&format!("{}?{}", ctx.href(path), f.filter.query())).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            if board { board_page(&ctx, f.filter, errors).await } else { table_page(&ctx, f.filter, errors).await }
        }
    }
}

pub async fn delete_view(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    pipeline::delete_view(ctx.app(), &ctx.principal, id).await?;
    ctx.flash("pipeline-view-deleted").await;
    Ok(Redirect::to(&ctx.href("/pipeline/table")).into_response())
}

// ---------------------------------------------------------------------------
// A record

pub struct HistoryView {
    pub when: String,
    pub who: String,
    pub what: String,
    pub before: String,
    pub after: String,
}

pub struct TaskView {
    pub id: i32,
    pub title: String,
    pub due: String,
    pub overdue: bool,
    pub assignee: String,
    pub done: bool,
}

#[derive(Template)]
#[template(path = "pipeline/detail.html")]
struct DetailPage {
    p: Page,
    c: Card,
    edit: bool,
    description: String,
    industry: String,
    focus: String,
    source: String,
    people: String,
    closed_reason: String,
    published: bool,
    public_fields: String,
    participants: Vec<(String, String, String)>,
    /// The own fields' values: (name, value).
    values: Vec<(String, String)>,
    links: Vec<(String, String, String)>,
    history: Vec<HistoryView>,
    tasks: Vec<TaskView>,
    stages: Vec<(String, String, bool)>,
    owners: Vec<(String, String, bool)>,
    task: TaskForm,
    errors: FormErrors,
    failed: &'static str,
    reason: String,
    fundings: Vec<crate::funding::FundingRow>,
    funding: kimppa_app::funding::FundingForm,
    programmes: Vec<(String, String, bool)>,
    funding_statuses: Vec<(String, String, bool)>,
    org_choices: Vec<String>,
    funding_action: String,
}

/// The record's page again with the funding form's errors.
pub async fn detail_with_funding(
    ctx: &Ctx,
    id: i32,
    f: kimppa_app::funding::FundingForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    detail_page(ctx, id, TaskForm::default(), String::new(), f, "funding", errors).await
}

fn shown_value(p: &Page, field: &str, v: &str, stages: &[pipeline_stage::Model]) -> String {
    if v.is_empty() {
        return "—".into();
    }
    match field {
        "stage" | "created" => stages
            .iter()
            .find(|s| s.key == v)
            .map(|s| pipeline::stage_name(s, p.code()).to_string())
            .unwrap_or(v.into()),
        "kind" => p.label("pipeline-kind", v),
        "size_class" => p.label("euro-class", v),
        "focus_areas" => p.labels("focus", v),
        "industry" => industry::label(v, p.code()),
        "published" => p.t(if v == "true" { "yes" } else { "no" }),
        "public_fields" => p.labels("pipeline-public", v),
        "description" if v.chars().count() > 200 => format!("{}…", v.chars().take(200).collect::<String>()),
        _ => v.to_string(),
    }
}

fn link_href(p: &Page, kind: &str, key: &str) -> String {
    match kind {
        "lead" => p.href(&format!("/inbox/{key}")),
        "challenge" => p.href(&format!("/challenges/{key}")),
        "kimppa" => p.href(&format!("/kimppas/{key}")),
        _ => p.href(&format!("/partner-searches/{key}")),
    }
}

async fn detail_page(
    ctx: &Ctx,
    id: i32,
    task: TaskForm,
    reason: String,
    funding_form: kimppa_app::funding::FundingForm,
    failed: &'static str,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let d = match pipeline::detail(app, &ctx.principal, id).await {
        Ok(Ok(d)) => d,
        Ok(Err(into)) => return Ok(Redirect::to(&ctx.href(&format!("/pipeline/{into}"))).into_response()),
        // A published record's public page is everyone's.
        Err(AppError::NotFound | AppError::LoginRequired) if pipeline::public_get(app, id).await.is_ok() => {
            return Ok(Redirect::to(&ctx.href(&format!("/innovations/{id}"))).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let all = pipeline::stages(&app.db).await?;
    let mut p = ctx.form_page("pipeline-title").await;
    p.title = d.row.record.title.clone();
    let edit = d.access == Access::Edit;
    let r = &d.row.record;
    let today = kimppa_app::materials::today().to_string();
    let owners = if edit { pipeline::owner_choices(app).await? } else { vec![] };
    let own = pipeline::fields(&app.db).await?;
    let fundings = if edit { kimppa_app::funding::of_record(app, &ctx.principal, id).await? } else { vec![] };
    let org_choices = if edit { kimppa_app::organisations::name_choices(app).await? } else { vec![] };
    let view = DetailPage {
        fundings: fundings.iter().map(|(x, org)| crate::funding::row(&p, x, org)).collect(),
        programmes: crate::funding::programmes(&p, &funding_form.programme),
        funding_statuses: crate::funding::statuses(&p, &funding_form.status),
        funding: funding_form,
        funding_action: format!("{}/funding", p.href(&format!("/pipeline/{id}"))),
        org_choices,
        c: card(&p, &d.row, &all),
        edit,
        description: kimppa_app::markdown::render(&r.description),
        industry: industry::label(&r.industry, p.code()),
        focus: p.labels("focus", &r.focus_areas),
        source: r.source.clone(),
        people: r.people.clone(),
        closed_reason: r.closed_reason.clone(),
        published: r.published,
        public_fields: p.labels("pipeline-public", &r.public_fields),
        participants: d
            .row
            .participants
            .iter()
            .map(|(x, n, s)| (n.clone(), s.clone(), p.label("pipeline-role", x.role.key())))
            .collect(),
        values: d.row.values.iter().map(|(x, v)| (pipeline::field_name(x, p.code()).to_string(), v.clone())).collect(),
        links: d
            .links
            .iter()
            .map(|(k, _, title, key)| (p.label("pipeline-link", k), link_href(&p, k, key), title.clone()))
            .collect(),
        history: d
            .history
            .iter()
            .map(|(h, who)| HistoryView {
                when: p.datetime(&h.at),
                who: who.clone(),
                what: match h.field.strip_prefix("cf:") {
                    Some(key) => own
                        .iter()
                        .find(|x| x.key == key)
                        .map(|x| pipeline::field_name(x, p.code()).to_string())
                        .unwrap_or_else(|| key.to_string()),
                    None => p.label("pipeline-change", &h.field.replace('_', "-")),
                },
                before: shown_value(&p, &h.field, &h.before, &all),
                after: match h.field.as_str() {
                    // `lead:6` reads as "Yhteydenotto: <its title>".
                    "linked" => pipeline::parse_from(&h.after)
                        .map(|(k, id)| {
                            let title = d.links.iter().find(|l| l.0 == k && l.1 == id).map(|l| l.2.as_str());
                            format!("{}: {}", p.label("pipeline-link", k), title.unwrap_or(&format!("#{id}")))
                        })
                        .unwrap_or_else(|| h.after.clone()),
                    _ => shown_value(&p, &h.field, &h.after, &all),
                },
            })
            .collect(),
        tasks: d
            .tasks
            .iter()
            .map(|(t, who)| TaskView {
                id: t.id,
                title: t.title.clone(),
                due: t.due_on.as_deref().map(|d| p.day(d)).unwrap_or_default(),
                overdue: !t.done && t.due_on.as_deref().is_some_and(|d| d < today.as_str()),
                assignee: who.clone(),
                done: t.done,
            })
            .collect(),
        stages: all
            .iter()
            .map(|s| (s.key.clone(), pipeline::stage_name(s, p.code()).to_string(), s.id == r.stage_id))
            .collect(),
        owners: owners
            .into_iter()
            .map(|(uid, name)| (uid.to_string(), name, task.assignee == uid.to_string()))
            .collect(),
        task,
        errors,
        failed,
        reason,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    detail_page(&ctx, id, TaskForm::default(), String::new(), Default::default(), "", FormErrors::none()).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub stage: String,
    pub closed_reason: String,
    /// `board` to go back to the board (with its query in `back_query`).
    pub back: String,
    pub back_query: String,
}

pub async fn move_stage(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<MoveForm>) -> Result<Response, WebError> {
    match pipeline::move_to(ctx.app(), &ctx.principal, id, &f.stage, &f.closed_reason).await {
        Ok(()) => {
            ctx.flash("pipeline-moved").await;
            let to = if f.back == "board" {
                let q = f.back_query.trim_start_matches('?');
                let q = if q.contains(['#', '/']) { "" } else { q };
                format!("{}?{q}#record-{id}", ctx.href("/pipeline"))
            } else {
                ctx.href(&format!("/pipeline/{id}"))
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, id, TaskForm::default(), f.closed_reason, Default::default(), "stage", errors).await
        }
    }
}

pub async fn task_add(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<TaskForm>) -> Result<Response, WebError> {
    match pipeline::add_task(ctx.app(), &ctx.principal, id, &f).await {
        Ok(_) => {
            ctx.flash("pipeline-task-added").await;
            Ok(Redirect::to(&format!("{}#tasks-title", ctx.href(&format!("/pipeline/{id}")))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            detail_page(&ctx, id, f, String::new(), Default::default(), "task", errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TaskSet {
    /// `done` or `open`.
    pub set: String,
    /// `tasks` to go back to one's tasks.
    pub back: String,
}

pub async fn task_set(
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    Form(f): Form<TaskSet>,
) -> Result<Response, WebError> {
    pipeline::set_task_done(ctx.app(), &ctx.principal, id, tid, f.set == "done").await?;
    ctx.flash("pipeline-task-changed").await;
    let to = if f.back == "tasks" {
        ctx.href("/pipeline/tasks")
    } else {
        format!("{}#tasks-title", ctx.href(&format!("/pipeline/{id}")))
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub from: String,
}

pub async fn link(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<LinkForm>) -> Result<Response, WebError> {
    pipeline::link(ctx.app(), &ctx.principal, id, &f.from).await?;
    ctx.flash("pipeline-linked").await;
    Ok(Redirect::to(&ctx.href(&format!("/pipeline/{id}"))).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub from: String,
    pub record: i32,
}

/// Joins a lead, challenge, kimppa or partner search to an existing record.
pub async fn join(ctx: Ctx, Form(f): Form<JoinForm>) -> Result<Response, WebError> {
    pipeline::link(ctx.app(), &ctx.principal, f.record, &f.from).await?;
    ctx.flash("pipeline-linked").await;
    Ok(Redirect::to(&ctx.href(&format!("/pipeline/{}", f.record))).into_response())
}

// ---------------------------------------------------------------------------
// The form

/// A participant row of the form: its index, the name typed, the role options.
type ParticipantRow = (usize, String, crate::forms::Options);

#[derive(Template)]
#[template(path = "pipeline/form.html")]
struct FormPage {
    p: Page,
    form: RecordForm,
    action: String,
    kinds: Vec<(String, String, bool)>,
    stages: Vec<(String, String, bool)>,
    sizes: Vec<(String, String, bool)>,
    industries: Vec<(String, String, bool)>,
    focus: Vec<(String, String, bool)>,
    owners: Vec<(String, String, bool)>,
    /// Rows of participants: (index, name typed, role options).
    participants: Vec<ParticipantRow>,
    org_choices: Vec<String>,
    public_fields: Vec<(String, String, bool)>,
    /// Records to join instead (from a lead, challenge, kimppa or search).
    join: Vec<(i32, String)>,
    custom: Vec<CustomInput>,
    errors: FormErrors,
}

/// An own field on the form.
pub struct CustomInput {
    /// The error slot (`cf-1` …) and the input's name (`cf-<key>`).
    pub slot: String,
    pub name: String,
    pub label: String,
    /// `text`, `number`, `euros`, `date`, `choice`, `multi`, `organisation`.
    pub kind: String,
    pub value: String,
    pub options: Vec<(String, bool)>,
}

fn custom_inputs(p: &Page, own: &[kimppa_app::records::pipeline_field::Model], form: &RecordForm) -> Vec<CustomInput> {
    own.iter()
        .enumerate()
        .map(|(i, x)| {
            let typed = form.custom.get(&x.key).cloned().unwrap_or_default();
            CustomInput {
                slot: pipeline::CUSTOM_SLOTS[i.min(pipeline::CUSTOM_SLOTS.len() - 1)].to_string(),
                name: format!("cf-{}", x.key),
                label: pipeline::field_name(x, p.code()).to_string(),
                kind: x.kind.key().to_string(),
                value: typed.first().cloned().unwrap_or_default(),
                options: pipeline::choices(x)
                    .into_iter()
                    .map(|c| {
                        let chosen = typed.contains(&c);
                        (c, chosen)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The own fields' values of a submitted form (`cf-<key>` inputs).
fn with_custom(mut f: RecordForm, pairs: Vec<(String, String)>) -> RecordForm {
    for (k, v) in pairs {
        if let Some(key) = k.strip_prefix("cf-") {
            f.custom.entry(key.to_string()).or_default().push(v);
        }
    }
    f
}

async fn form_page(
    ctx: &Ctx,
    editing: Option<i32>,
    form: RecordForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let mut p = ctx.form_page(if editing.is_some() { "pipeline-edit-title" } else { "pipeline-new-title" }).await;
    if let Some(id) = editing {
        p.title = format!("{} #{id}", p.title);
    }
    let all = pipeline::stages(&app.db).await?;
    let owners = pipeline::owner_choices(app).await?;
    let mut participants: Vec<ParticipantRow> = form
        .participant
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(i, n)| (n.clone(), form.participant_role.get(i).cloned().unwrap_or_default()))
        .chain(std::iter::repeat_n((String::new(), String::new()), 3))
        .enumerate()
        .map(|(i, (n, role))| {
            (i, n, key_options(p.lang, "pipeline-role-", PipelineRole::ALL.iter().map(|r| r.key()), &[role]))
        })
        .collect();
    participants.truncate(40);
    let own = pipeline::fields(&app.db).await?;
    let custom = custom_inputs(&p, &own, &form);
    let join = if editing.is_none() && !form.from.is_empty() {
        pipeline::join_choices(app, &ctx.principal).await?
    } else {
        vec![]
    };
    let view = FormPage {
        action: match editing {
            Some(id) => p.href(&format!("/pipeline/{id}/edit")),
            None => p.href("/pipeline/new"),
        },
        kinds: key_options(
            p.lang,
            "pipeline-kind-",
            PipelineKind::ALL.iter().map(|k| k.key()),
            std::slice::from_ref(&form.kind),
        ),
        stages: all
            .iter()
            .map(|s| (s.key.clone(), pipeline::stage_name(s, p.code()).to_string(), s.key == form.stage))
            .collect(),
        sizes: key_options(
            p.lang,
            "euro-class-",
            EuroClass::ALL.iter().map(|k| k.key()),
            std::slice::from_ref(&form.size_class),
        ),
        industries: industry::all()
            .iter()
            .map(|i| {
                let indent = if i.is_section() { "" } else { "\u{a0}\u{a0}" };
                (i.code.to_string(), format!("{indent}{} {}", i.code, i.name(p.code())), form.industry == i.code)
            })
            .collect(),
        focus: key_options(p.lang, "focus-", FocusArea::ALL.iter().map(|k| k.key()), &form.focus_areas),
        owners: owners.into_iter().map(|(id, n)| (id.to_string(), n, form.owner == id.to_string())).collect(),
        participants,
        org_choices: kimppa_app::organisations::name_choices(app).await?,
        public_fields: key_options(p.lang, "pipeline-public-", pipeline::PUBLIC_FIELDS, &form.public_fields),
        join,
        custom,
        form,
        errors,
        p,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&view)).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    pub from: String,
}

pub async fn new_form(ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let form = match pipeline::prefill(ctx.app(), &ctx.principal, &q.from).await? {
        // The source reads as words ("Haaste", "Challenge"), not as a key.
        Some(f) => RecordForm { source: ctx.lang.t(&format!("pipeline-link-{}", f.source)), ..f },
        None => RecordForm {
            stage: "idea".into(),
            owner: ctx.principal.user_id().map(|u| u.0.to_string()).unwrap_or_default(),
            ..Default::default()
        },
    };
    form_page(&ctx, None, form, FormErrors::none()).await
}

pub async fn create(ctx: Ctx, FormPairs(f, pairs): FormPairs<RecordForm>) -> Result<Response, WebError> {
    let f = with_custom(f, pairs);
    match pipeline::create(ctx.app(), &ctx.principal, &f).await {
        Ok(r) => {
            ctx.flash("pipeline-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/pipeline/{}", r.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, None, f, errors).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let d = match pipeline::detail(ctx.app(), &ctx.principal, id).await? {
        Ok(d) => d,
        Err(into) => return Ok(Redirect::to(&ctx.href(&format!("/pipeline/{into}/edit"))).into_response()),
    };
    let parts: Vec<_> = d.row.participants.iter().map(|(x, n, _)| (x.clone(), n.clone())).collect();
    let mut form = RecordForm::of(&d.row.record, &d.row.stage.key, &parts);
    for (x, v) in &d.row.values {
        let values =
            if x.kind == FieldKind::Multi { v.split(", ").map(str::to_string).collect() } else { vec![v.clone()] };
        form.custom.insert(x.key.clone(), values);
    }
    form_page(&ctx, Some(id), form, FormErrors::none()).await
}

pub async fn edit(
    ctx: Ctx,
    Path(id): Path<i32>,
    FormPairs(f, pairs): FormPairs<RecordForm>,
) -> Result<Response, WebError> {
    let f = with_custom(f, pairs);
    match pipeline::update(ctx.app(), &ctx.principal, id, &f).await {
        Ok(_) => {
            ctx.flash("pipeline-saved").await;
            Ok(Redirect::to(&ctx.href(&format!("/pipeline/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, Some(id), f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// The orchestrators' own fields

#[derive(Template)]
#[template(path = "pipeline/fields.html")]
struct FieldsPage {
    p: Page,
    /// (key, name, kind's label, options)
    fields: Vec<(String, String, String, String)>,
    kinds: Vec<(String, String, bool)>,
    form: pipeline::FieldForm,
    errors: FormErrors,
}

async fn fields_view(ctx: &Ctx, form: pipeline::FieldForm, errors: FormErrors) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let own = pipeline::fields(&ctx.app().db).await?;
    let p = ctx.form_page("pipeline-fields-title").await;
    let fields = own
        .iter()
        .map(|x| {
            (
                x.key.clone(),
                pipeline::field_name(x, p.code()).to_string(),
                p.label("field-kind", x.kind.key()),
                pipeline::choices(x).join(", "),
            )
        })
        .collect();
    let kinds =
        key_options(p.lang, "field-kind-", FieldKind::ALL.iter().map(|k| k.key()), std::slice::from_ref(&form.kind));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&FieldsPage { p, fields, kinds, form, errors })).into_response())
}

pub async fn fields_page(ctx: Ctx) -> Result<Response, WebError> {
    fields_view(&ctx, pipeline::FieldForm::default(), FormErrors::none()).await
}

pub async fn field_add(ctx: Ctx, Form(f): Form<pipeline::FieldForm>) -> Result<Response, WebError> {
    match pipeline::add_field(ctx.app(), &ctx.principal, &f).await {
        Ok(_) => {
            ctx.flash("pipeline-fields-saved").await;
            Ok(Redirect::to(&ctx.href("/pipeline/fields")).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            fields_view(&ctx, f, errors).await
        }
    }
}

pub async fn field_remove(ctx: Ctx, Path(key): Path<String>) -> Result<Response, WebError> {
    pipeline::remove_field(ctx.app(), &ctx.principal, &key).await?;
    ctx.flash("pipeline-fields-saved").await;
    Ok(Redirect::to(&ctx.href("/pipeline/fields")).into_response())
}

// ---------------------------------------------------------------------------
// CSV import

#[derive(Template)]
#[template(path = "pipeline/import.html")]
struct ImportPage {
    p: Page,
    report: Option<kimppa_app::directory::csv_io::ImportReport>,
    key: String,
    dry_run: bool,
    errors: FormErrors,
}

pub async fn import_form(ctx: Ctx) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let p = ctx.form_page("pipeline-import-title").await;
    Ok(crate::html(&ImportPage { p, report: None, key: "id".into(), dry_run: true, errors: FormErrors::none() }))
}

/// CSV import (multipart: `key`, `dry_run`, `file`).
pub async fn import(ctx: Ctx, mut multipart: axum::extract::Multipart) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let (mut key, mut dry_run, mut bytes) = (String::new(), false, bytes::Bytes::new());
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("file", "err-form"))? {
        match field.name().unwrap_or("") {
            "key" => key = field.text().await.map_err(|_| AppError::field("key", "err-form"))?,
            "dry_run" => dry_run = !field.text().await.unwrap_or_default().is_empty(),
            "file" => bytes = field.bytes().await.map_err(|_| AppError::field("file", "err-file-too-large"))?,
            _ => {}
        }
    }
    let p = ctx.form_page("pipeline-import-title").await;
    if bytes.is_empty() {
        let errors =
            FormErrors::from_app(&AppError::field("file", "err-file-empty"), ctx.lang).unwrap_or_else(FormErrors::none);
        let page = ImportPage { p, report: None, key, dry_run, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::html(&page)).into_response());
    }
    let report = pipeline::import(ctx.app(), &ctx.principal, &bytes, &key, dry_run).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ImportPage { p, report: Some(report), key, dry_run, errors: FormErrors::none() };
    Ok((status, crate::html(&page)).into_response())
}

// ---------------------------------------------------------------------------
// Duplicates and merging

pub struct PairView {
    pub a: Card,
    pub b: Card,
    pub title: String,
    pub shared: String,
}

#[derive(Template)]
#[template(path = "pipeline/duplicates.html")]
struct DuplicatesPage {
    p: Page,
    pairs: Vec<PairView>,
}

pub async fn duplicates(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let found = pipeline::duplicates(app, &ctx.principal).await?;
    let all = pipeline::stages(&app.db).await?;
    let p = ctx.page("pipeline-duplicates-title").await;
    let pairs = found
        .iter()
        .map(|d| PairView {
            a: card(&p, &d.a, &all),
            b: card(&p, &d.b, &all),
            title: format!("{:.0}", d.title * 100.0),
            shared: d.shared_orgs.join(", "),
        })
        .collect();
    Ok(crate::html(&DuplicatesPage { p, pairs }))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MergeQuery {
    pub keep: i32,
    pub gone: i32,
}

#[derive(Template)]
#[template(path = "pipeline/merge.html")]
struct MergePage {
    p: Page,
    keep: Card,
    gone: Card,
    result: Card,
    description: String,
    participants: Vec<(String, String, String)>,
    tasks: u64,
    links: u64,
    history: u64,
    swap_href: String,
}

pub async fn merge_preview(ctx: Ctx, Query(q): Query<MergeQuery>) -> Result<Response, WebError> {
    let app = ctx.app();
    let m = match pipeline::merge_preview(app, &ctx.principal, q.keep, q.gone).await {
        Err(AppError::Invalid(_)) => return Err(AppError::NotFound.into()),
        other => other?,
    };
    let all = pipeline::stages(&app.db).await?;
    let p = ctx.form_page("pipeline-merge-title").await;
    let mut result_row = m.keep.clone();
    result_row.record = m.result.clone();
    let view = MergePage {
        keep: card(&p, &m.keep, &all),
        gone: card(&p, &m.gone, &all),
        result: card(&p, &result_row, &all),
        description: kimppa_app::markdown::render(&m.result.description),
        participants: m
            .participants
            .iter()
            .map(|(n, s, r)| (n.clone(), s.clone(), p.label("pipeline-role", r.key())))
            .collect(),
        tasks: m.tasks,
        links: m.links,
        history: m.history,
        swap_href: format!("{}?keep={}&gone={}", p.href("/pipeline/merge"), q.gone, q.keep),
        p,
    };
    Ok(crate::html(&view))
}

pub async fn merge(ctx: Ctx, Form(f): Form<MergeQuery>) -> Result<Response, WebError> {
    match pipeline::merge(ctx.app(), &ctx.principal, f.keep, f.gone).await {
        Err(AppError::Invalid(_)) => Err(AppError::NotFound.into()),
        Err(e) => Err(e.into()),
        Ok(()) => {
            ctx.flash("pipeline-merged").await;
            Ok(Redirect::to(&ctx.href(&format!("/pipeline/{}", f.keep))).into_response())
        }
    }
}

// ---------------------------------------------------------------------------
// Tasks and stages

#[derive(Template)]
#[template(path = "pipeline/tasks.html")]
struct TasksPage {
    p: Page,
    tasks: Vec<(TaskView, i32, String)>,
}

pub async fn my_tasks(ctx: Ctx) -> Result<Response, WebError> {
    let rows = pipeline::my_tasks(ctx.app(), &ctx.principal).await?;
    let p = ctx.form_page("pipeline-tasks-title").await;
    let today = kimppa_app::materials::today().to_string();
    let tasks = rows
        .into_iter()
        .map(|(t, title)| {
            (
                TaskView {
                    id: t.id,
                    title: t.title.clone(),
                    due: t.due_on.as_deref().map(|d| p.day(d)).unwrap_or_default(),
                    overdue: t.due_on.as_deref().is_some_and(|d| d < today.as_str()),
                    assignee: String::new(),
                    done: t.done,
                },
                t.record_id,
                title,
            )
        })
        .collect();
    Ok(crate::html(&TasksPage { p, tasks }))
}

#[derive(Template)]
#[template(path = "pipeline/stages.html")]
struct StagesPage {
    p: Page,
    stages: Vec<(String, String, String, bool, usize)>,
    form: StageForm,
    errors: FormErrors,
}

async fn stages_view(ctx: &Ctx, form: StageForm, errors: FormErrors) -> Result<Response, WebError> {
    policy::require(&ctx.principal, policy::Action::ManagePipeline)?;
    let all = pipeline::stages(&ctx.app().db).await?;
    let p = ctx.form_page("pipeline-stages-title").await;
    let n = all.len();
    let stages = all.into_iter().map(|s| (s.key, s.name_fi, s.name_en, s.closing, n)).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&StagesPage { p, stages, form, errors })).into_response())
}

pub async fn stages_page(ctx: Ctx) -> Result<Response, WebError> {
    stages_view(&ctx, StageForm::default(), FormErrors::none()).await
}

pub async fn stage_add(ctx: Ctx, Form(f): Form<StageForm>) -> Result<Response, WebError> {
    match pipeline::add_stage(ctx.app(), &ctx.principal, &f).await {
        Ok(_) => {
            ctx.flash("pipeline-stages-saved").await;
            Ok(Redirect::to(&ctx.href("/pipeline/stages")).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            stages_view(&ctx, f, errors).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StageChange {
    /// `up`, `down`, `rename` or `remove`.
    pub op: String,
    #[serde(flatten)]
    pub form: StageForm,
}

pub async fn stage_change(ctx: Ctx, Path(key): Path<String>, Form(f): Form<StageChange>) -> Result<Response, WebError> {
    let app = ctx.app();
    let done = match f.op.as_str() {
        "up" => pipeline::change_stage(app, &ctx.principal, &key, &f.form, -1).await,
        "down" => pipeline::change_stage(app, &ctx.principal, &key, &f.form, 1).await,
        "remove" => pipeline::remove_stage(app, &ctx.principal, &key).await,
        _ => pipeline::change_stage(app, &ctx.principal, &key, &f.form, 0).await,
    };
    match done {
        Ok(()) => {
            ctx.flash("pipeline-stages-saved").await;
            Ok(Redirect::to(&ctx.href("/pipeline/stages")).into_response())
        }
        Err(AppError::Conflict(k)) => {
            let errors = FormErrors::one("key", ctx.lang.t(k));
            stages_view(&ctx, StageForm::default(), errors).await
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            stages_view(&ctx, StageForm::default(), errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// Published records

pub struct PublicView {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub stage: String,
    pub description: String,
    pub participants: Vec<(String, String, String)>,
    pub focus: String,
    pub industry: String,
}

fn public_view(p: &Page, r: &pipeline::Public) -> PublicView {
    PublicView {
        id: r.id,
        title: r.title.clone(),
        kind: r.kind.map(|k| p.label("pipeline-kind", k.key())).unwrap_or_default(),
        stage: r.stage.as_ref().map(|s| pipeline::stage_name(s, p.code()).to_string()).unwrap_or_default(),
        description: r.description.as_deref().map(kimppa_app::markdown::render).unwrap_or_default(),
        participants: r
            .participants
            .iter()
            .map(|(n, s, role)| (n.clone(), s.clone(), p.label("pipeline-role", role.key())))
            .collect(),
        focus: r.focus_areas.as_deref().map(|f| p.labels("focus", f)).unwrap_or_default(),
        industry: r.industry.as_deref().map(|i| industry::label(i, p.code())).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "pipeline/public_list.html")]
struct PublicListPage {
    p: Page,
    items: Vec<PublicView>,
    total: u64,
    page: u64,
    pages: u64,
    may_manage: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<u64>,
}

pub async fn public_list(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, WebError> {
    let (rows, total, page) = pipeline::public_list(ctx.app(), None, q.page.unwrap_or(1)).await?;
    let p = ctx.page("innovations-title").await;
    let items = rows.iter().map(|r| public_view(&p, r)).collect();
    let pages = total.div_ceil(pipeline::PER_PAGE).max(1);
    let may_manage = policy::allowed(&ctx.principal, policy::Action::ManagePipeline);
    Ok(crate::html(&PublicListPage { p, items, total, page, pages, may_manage }))
}

#[derive(Template)]
#[template(path = "pipeline/public_detail.html")]
struct PublicDetailPage {
    p: Page,
    r: PublicView,
    may_manage: bool,
}

pub async fn public_detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let r = pipeline::public_get(ctx.app(), id).await?;
    let mut p = ctx.page("innovations-title").await;
    p.title = r.title.clone();
    let may_manage = policy::allowed(&ctx.principal, policy::Action::ManagePipeline);
    let r = public_view(&p, &r);
    Ok(crate::html(&PublicDetailPage { p, r, may_manage }))
}
