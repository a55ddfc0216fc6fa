//! The marketplace's listings: the public list and its feed, one's own,
//! the form, the page with its matches, closing with the outcome.

use super::*;

pub async fn list(ctx: Ctx, Query(mut f): Query<Filter>) -> Result<Response, WebError> {
    let app = ctx.app();
    // The public list shows published listings; coordinators use their region's page.
    f.status = None;
    f.org = None;
    let (rows, total) = materials::browse(app, &ctx.principal, &f).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(app, &refs).await?;
    let all_classes = reference::Classes::all(app).await?;
    let places = reference::municipalities(app).await?;
    let impact = outcomes::impact(app, None).await?;
    let p = ctx.page("materials-title").await;
    // With a municipality to measure from, each listing shows its distance.
    let centre = f.near.as_deref().and_then(|n| places.iter().find(|m| m.code == n)).map(reference::point);
    let items = rows
        .iter()
        .map(|l| {
            let mut c = card(&p, &names, l);
            if let (Some(a), Some(b)) = (centre, names.point(&l.municipality)) {
                c.place = format!(
                    "{} · {}",
                    c.place,
                    p.t1("listing-km-away", "amount", &format!("{:.0}", kimppa_app::sidestreams::haversine_km(a, b)))
                );
            }
            c
        })
        .collect();
    let page = materials::page_of(&f, total);
    let prev = (page > 1).then(|| format!("{}{}", p.href("/materials"), query_of(&f, Some(page - 1))));
    let next = (page * materials::PER_PAGE < total)
        .then(|| format!("{}{}", p.href("/materials"), query_of(&f, Some(page + 1))));
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let page_view = ListPage {
        kinds: kind_options(&p, &s(&f.kind)),
        classes: class_groups(&p, &all_classes, &s(&f.class), true),
        regions: region_options(&p, &s(&f.region), None),
        places: place_options(&places, &s(&f.near)),
        impact: impact_view(&p, &impact),
        signed_in: !ctx.principal.is_anonymous(),
        coordinator: kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::CoordinateAnyRegion),
        feed: format!("{}{}", p.href("/materials/feed.xml"), query_of(&f, None)),
        f: FilterView { q: s(&f.q), km: s(&f.km) },
        items,
        total,
        prev,
        next,
        p,
    };
    Ok(crate::html(&page_view))
}

/// The newest published listings as RSS, with the list's filters
/// (public listings only: a feed reader is anonymous).
pub async fn feed(State(s): State<AppState>, ctx: Ctx, Query(mut f): Query<Filter>) -> Result<Response, WebError> {
    f.status = None;
    f.page = None;
    let (rows, _) = materials::browse(&s.app, &Principal::Anonymous, &f).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(&s.app, &refs).await?;
    let p = ctx.page("materials-title").await;
    let items: Vec<rss::Item> = rows
        .iter()
        .map(|l| {
            let link = s.app.url(&p.href(&format!("/materials/{}", l.id)));
            let c = card(&p, &names, l);
            rss::ItemBuilder::default()
                .title(Some(format!("{}: {}", c.kind, l.title)))
                .link(Some(link.clone()))
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                .description(Some(format!("{} — {} — {} — {}", c.class, c.quantity, c.place, c.org)))
                .pub_date(l.published_at.map(|t| t.to_rfc2822()))
                .categories(vec![rss::CategoryBuilder::default().name(c.kind.clone()).build()])
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa — {}", p.t("materials-title")))
        .link(s.app.url(&p.href("/materials")))
        .description(p.t("materials-intro"))
        .language(Some(p.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}

#[derive(Template)]
#[template(path = "materials/mine.html")]
struct MinePage {
    p: Page,
    items: Vec<CardView>,
    may_list: bool,
}

pub async fn mine(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let rows = materials::mine(app, &ctx.principal).await?;
    let refs: Vec<&listing::Model> = rows.iter().collect();
    let names = Names::load(app, &refs).await?;
    let may_list = kimppa_app::policy::allowed(&ctx.principal, kimppa_app::policy::Action::StartListing);
    let counts = matching::counts(app, &rows.iter().map(|l| l.id).collect::<Vec<_>>()).await?;
    let p = ctx.page("materials-mine-title").await;
    let items = rows
        .iter()
        .map(|l| {
            let mut c = card(&p, &names, l);
            let n = counts.get(&l.id).copied().unwrap_or(0);
            c.matches = Some(p.t1("listing-match-count", "count", &n.to_string()));
            c
        })
        .collect();
    Ok(crate::html(&MinePage { p, items, may_list }))
}

// ---------------------------------------------------------------------------
// The listing form

#[derive(Template)]
#[template(path = "materials/form.html")]
struct FormPage {
    p: Page,
    action: String,
    editing: bool,
    published: bool,
    form: ListingForm,
    errors: FormErrors,
    orgs: Vec<(String, String, bool)>,
    kinds: Vec<(String, String, bool)>,
    classes: Vec<ClassGroup>,
    units: Vec<(String, String, bool)>,
    frequencies: Vec<(String, String, bool)>,
    places: Vec<(String, String, bool)>,
    delivery: Vec<(String, String, bool)>,
    prices: Vec<(String, String, bool)>,
    visibilities: Vec<(String, String, bool)>,
    people: Vec<(String, String, bool)>,
    workshops: Vec<(String, String, bool)>,
    accepts_hazardous: bool,
    attachment: String,
}

async fn form_page(
    ctx: &Ctx,
    form: ListingForm,
    errors: FormErrors,
    editing: Option<&listing::Model>,
) -> Result<Response, WebError> {
    let app = ctx.app();
    let (orgs, org_id) = match editing {
        Some(l) => {
            let names = kimppa_app::people::org_names(app, vec![l.org_id]).await?;
            (names.into_values().map(|o| (o.slug, o.name, true)).collect::<Vec<_>>(), Some(l.org_id))
        }
        None => {
            let choices = materials::owner_choices(app, &ctx.principal).await?;
            let only = choices.len() == 1;
            let chosen = choices.iter().find(|o| only || o.slug == form.org).map(|o| o.id);
            (
                choices
                    .into_iter()
                    .map(|o| {
                        let sel = only || o.slug == form.org;
                        (o.slug, o.name, sel)
                    })
                    .collect(),
                chosen,
            )
        }
    };
    let people = match org_id {
        Some(id) => materials::people_of(app, id).await?,
        None => vec![],
    };
    let classes = reference::Classes::all(app).await?;
    let places = reference::municipalities(app).await?;
    let mut workshops = materials::workshop_choices(app).await?;
    // An older workshop a listing was made at stays a choice when editing it.
    if let Some(w) = editing.and_then(|l| l.workshop_id).filter(|w| !workshops.iter().any(|x| x.id == *w))
        && let Some(old) = materials::workshop(app, w).await?
    {
        workshops.push(old);
    }
    let mut p = ctx.form_page(if editing.is_some() { "listing-edit-title" } else { "listing-new-title" }).await;
    let action = match editing {
        Some(l) => {
            p.title = format!("{}: {}", p.title, l.title);
            ctx.href(&format!("/materials/{}/edit", l.id))
        }
        None => ctx.href("/materials/new"),
    };
    let one = |v: &str| vec![v.to_string()];
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage {
        kinds: kind_options(&p, &form.kind),
        classes: class_groups(&p, &classes, &form.class_code, false),
        units: key_options(p.lang, "unit-", materials::UNITS, &one(&form.unit)),
        frequencies: key_options(p.lang, "frequency-", materials::FREQUENCIES, &one(&form.frequency)),
        places: place_options(&places, &form.municipality),
        delivery: key_options(p.lang, "delivery-", materials::DELIVERY, &form.delivery),
        prices: key_options(p.lang, "price-", materials::PRICE_KINDS, &one(&form.price_kind)),
        visibilities: key_options(p.lang, "listing-visibility-", materials::VISIBILITIES, &one(&form.visibility)),
        people: people.into_iter().map(|(id, n)| (id.to_string(), n, id.to_string() == form.contact)).collect(),
        workshops: workshops
            .into_iter()
            .map(|w| (w.id.to_string(), format!("{} ({})", w.title, w.held_on), w.id.to_string() == form.workshop))
            .collect(),
        accepts_hazardous: form.accepts_hazardous.is_some(),
        attachment: editing.and_then(|l| l.attachment_name.clone()).unwrap_or_default(),
        published: editing.is_some_and(|l| l.status == ListingStatus::Published),
        editing: editing.is_some(),
        action,
        form,
        errors,
        orgs,
        p,
    };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn new_form(ctx: Ctx) -> Result<Response, WebError> {
    kimppa_app::policy::signed_in(&ctx.principal)?;
    form_page(&ctx, ListingForm::new_default(), FormErrors::none(), None).await
}

pub async fn create(ctx: Ctx, FormWithFile(form, file): FormWithFile<ListingForm>) -> Result<Response, WebError> {
    match materials::create(ctx.app(), &ctx.principal, &form, file).await {
        Ok(l) => {
            ctx.flash(if l.status == ListingStatus::Published { "listing-published" } else { "listing-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{}", l.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            form_page(&ctx, form, errors, None).await
        }
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
    let slug = kimppa_app::people::org_names(ctx.app(), [l.org_id]).await?.remove(&l.org_id).unwrap_or_default().slug;
    form_page(&ctx, ListingForm::of(&l, &slug), FormErrors::none(), Some(&l)).await
}

pub async fn edit(
    ctx: Ctx,
    Path(id): Path<i32>,
    FormWithFile(form, file): FormWithFile<ListingForm>,
) -> Result<Response, WebError> {
    match materials::update(ctx.app(), &ctx.principal, id, &form, file).await {
        Ok(l) => {
            let published_now = form.action == "publish" && l.published_at.is_some_and(|t| t >= l.updated_at);
            ctx.flash(if published_now { "listing-published" } else { "listing-changes-saved" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{}", l.id))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
            form_page(&ctx, form, errors, Some(&l)).await
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    /// `publish` or `unpublish`.
    pub action: String,
}

pub async fn state(ctx: Ctx, Path(id): Path<i32>, Form(f): Form<StateForm>) -> Result<Response, WebError> {
    let publish = f.action == "publish";
    materials::set_published(ctx.app(), &ctx.principal, id, publish).await?;
    ctx.flash(if publish { "listing-published" } else { "listing-unpublished" }).await;
    Ok(Redirect::to(&ctx.href(&format!("/materials/{id}"))).into_response())
}

// ---------------------------------------------------------------------------
// A listing and its matches

pub struct MatchView {
    pub id: i32,
    pub other_id: i32,
    pub title: String,
    pub kind: String,
    pub org: String,
    pub class: String,
    pub place: String,
    pub km: String,
    pub quantity: String,
    pub points: String,
    pub reasons: Vec<String>,
    pub feedback: String,
    pub feedback_label: String,
}

#[derive(Template)]
#[template(path = "materials/detail.html")]
struct DetailPage {
    p: Page,
    l: listing::Model,
    c: CardView,
    description: String,
    delivery: String,
    price: String,
    window: String,
    accepts: String,
    contact: String,
    manage: bool,
    matches: Vec<MatchView>,
    symbiosis: Option<(String, String, String, String, String)>,
    workshop: Option<(i32, String)>,
    feedback: Vec<(String, String)>,
    max_km: i32,
    /// Counter-listings of the same class beyond reach: how many, the nearest km.
    beyond: (usize, String),
    /// A deal not confirmed (yet): its id and state, for its parties.
    deal_state: Option<(i32, String)>,
}

pub async fn detail(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let app = ctx.app();
    let l = materials::get(app, &ctx.principal, id).await?;
    let manage = materials::may_manage(&ctx.principal, l.org_id);
    let found = if manage { matching::of_listing(app, &ctx.principal, &l).await? } else { vec![] };
    let beyond = if manage && l.status == kimppa_domain::ListingStatus::Published {
        let (n, km) = matching::beyond(app, &ctx.principal, &l).await?;
        (n, km.map(|k| format!("{k:.0}")).unwrap_or_default())
    } else {
        (0, String::new())
    };
    let mut rows: Vec<&listing::Model> = vec![&l];
    rows.extend(found.iter().map(|f| &f.other));
    let names = Names::load(app, &rows).await?;
    let accepted = reference::Classes::load_codes(
        app,
        &kimppa_app::directory::list(&l.accepts).into_iter().map(str::to_string).collect::<Vec<_>>(),
    )
    .await?;
    let contact_id = l.contact_user_id.unwrap_or(l.created_by);
    let contact = materials::people_of(app, l.org_id)
        .await?
        .into_iter()
        .find(|(id, _)| *id == contact_id)
        .map(|(_, n)| n)
        .unwrap_or_default();
    // A deal counts publicly once the other side confirmed it; the two
    // parties and staff see it, with its state, before that.
    let involved = |s: &kimppa_app::records::symbiosis::Model| {
        ctx.principal.in_org(kimppa_domain::OrgId(s.provider_org_id))
            || ctx.principal.in_org(kimppa_domain::OrgId(s.receiver_org_id))
            || kimppa_app::policy::is_staff(&ctx.principal)
    };
    let deal =
        outcomes::symbiosis_of(app, l.id).await?.filter(|s| s.confirmation == outcomes::CONFIRMED || involved(s));
    let deal_state = deal.as_ref().map(|s| (s.id, s.confirmation.clone())).filter(|(_, c)| c != outcomes::CONFIRMED);
    let symbiosis = match deal {
        Some(s) => {
            let pn = kimppa_app::people::org_names(app, vec![s.provider_org_id, s.receiver_org_id]).await?;
            let n = |id: i32| pn.get(&id).map(|o| o.name.clone()).unwrap_or_default();
            Some((n(s.provider_org_id), n(s.receiver_org_id), s.tonnes_per_year, s.co2e_tonnes, s.started_on.clone()))
        }
        None => None,
    };
    let workshop = match l.workshop_id {
        Some(w) => materials::workshop(app, w).await?.map(|w| (w.id, w.title)),
        None => None,
    };
    // Only the owners get forms here (a visitor's page starts no session).
    let mut p = if manage { ctx.form_page("materials-title").await } else { ctx.page("materials-title").await };
    p.title = l.title.clone();
    let here = names.point(&l.municipality);
    let matches = found
        .iter()
        .map(|f| {
            let o = &f.other;
            let km = match (here, names.point(&o.municipality)) {
                (Some(a), Some(b)) => format!("{:.0}", kimppa_app::sidestreams::haversine_km(a, b)),
                _ => String::new(),
            };
            MatchView {
                id: f.m.id,
                other_id: o.id,
                title: o.title.clone(),
                kind: p.t(&format!("listing-kind-{}", o.kind)),
                org: names.org(o.org_id).0,
                class: names.class(&p, &o.class_code),
                place: names.place(&o.municipality),
                km,
                quantity: quantity(&p, o),
                points: format!("{:.0}", f.m.score),
                reasons: f
                    .reasons
                    .iter()
                    .filter(|r| r.points >= 0.5)
                    .map(|r| reason_text(&p, r, l.kind.key()))
                    .collect(),
                feedback: f.m.feedback.clone(),
                feedback_label: if f.m.feedback.is_empty() {
                    String::new()
                } else {
                    p.t(&format!("feedback-{}", f.m.feedback))
                },
            }
        })
        .collect();
    let c = card(&p, &names, &l);
    let symbiosis = symbiosis.map(|(a, b, t, co2, since)| (a, b, figure(&p, t, 0), figure(&p, co2, 1), since));
    let page = DetailPage {
        deal_state,
        beyond,
        description: kimppa_app::markdown::render(&l.description),
        delivery: p.labels("delivery", &l.delivery),
        price: match l.price_kind.as_str() {
            "fixed" => l.price.clone(),
            k => {
                let base = p.t(&format!("price-{k}"));
                if l.price.is_empty() { base } else { format!("{base} ({})", l.price) }
            }
        },
        window: match &l.available_to {
            Some(to) => format!("{} – {}", p.day(&l.available_from), p.day(to)),
            None => format!("{} –", p.day(&l.available_from)),
        },
        accepts: kimppa_app::directory::list(&l.accepts)
            .into_iter()
            .map(|c| reference::label(c, accepted.get(c), p.code()))
            .collect::<Vec<_>>()
            .join("; "),
        feedback: matching::FEEDBACK.iter().map(|f| (f.to_string(), p.t(&format!("feedback-{f}")))).collect(),
        max_km: l.max_km,
        contact,
        manage,
        matches,
        symbiosis,
        workshop,
        c,
        l,
        p,
    };
    Ok(crate::html(&page))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    pub feedback: String,
}

pub async fn feedback(ctx: Ctx, Path(mid): Path<i32>, Form(f): Form<FeedbackForm>) -> Result<Response, WebError> {
    let m = matching::feedback(ctx.app(), &ctx.principal, mid, &f.feedback).await?;
    ctx.flash("feedback-saved").await;
    Ok(Redirect::to(&ctx.href(&format!("/materials/{}#match-{}", m.listing_id, m.id))).into_response())
}

pub async fn attachment(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let (name, kind, bytes) = materials::attachment(ctx.app(), &ctx.principal, id).await?;
    Ok(crate::forum::file_response(&name, &kind, bytes))
}

// ---------------------------------------------------------------------------
// Closing

#[derive(Template)]
#[template(path = "materials/close.html")]
struct ClosePage {
    p: Page,
    l: listing::Model,
    form: CloseForm,
    errors: FormErrors,
    partners: Vec<(String, String, bool)>,
    reasons: Vec<(String, String, bool)>,
}

async fn close_page(ctx: &Ctx, l: listing::Model, form: CloseForm, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    // The matched organisations first, then every approved member.
    let matched: Vec<i32> =
        matching::of_listing(app, &ctx.principal, &l).await?.iter().map(|f| f.other.org_id).collect();
    let orgs = materials::partner_choices(app).await?;
    let mut partners: Vec<(String, String, bool)> = Vec::new();
    let names = kimppa_app::people::org_names(app, matched.clone()).await?;
    for id in &matched {
        if let Some(o) = names.get(id)
            && !partners.iter().any(|(s, _, _)| *s == o.slug)
        {
            partners.push((o.slug.clone(), o.name.clone(), o.slug == form.deal_org));
        }
    }
    for (id, n, slug) in orgs {
        if id != l.org_id && !partners.iter().any(|(s, _, _)| *s == slug) {
            partners.push((slug.clone(), n, slug == form.deal_org));
        }
    }
    let mut p = ctx.form_page("listing-close-title").await;
    p.title = format!("{}: {}", p.title, l.title);
    let reasons = key_options(p.lang, "reason-", outcomes::REASONS, std::slice::from_ref(&form.reason));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&ClosePage { p, l, form, errors, partners, reasons })).into_response())
}

pub async fn close_form(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
    let form = CloseForm {
        deal_from: materials::today().format("%Y-%m-%d").to_string(),
        tonnes_per_year: materials::monthly_tonnes(&l).map(|t| materials::number(t * 12.0)).unwrap_or_default(),
        ..Default::default()
    };
    close_page(&ctx, l, form, FormErrors::none()).await
}

pub async fn close(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<CloseForm>) -> Result<Response, WebError> {
    match outcomes::close(ctx.app(), &ctx.principal, id, &form).await {
        Ok(_) => {
            ctx.flash("listing-closed").await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            let l = materials::managed(ctx.app(), &ctx.principal, id).await?;
            close_page(&ctx, l, form, errors).await
        }
    }
}

// ---------------------------------------------------------------------------
// A deal and its confirmation by the other organisation

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DecideForm {
    /// `confirm` or `dispute`.
    pub decision: String,
    pub dispute_note: String,
}

#[derive(Template)]
#[template(path = "materials/deal.html")]
struct DealPage {
    p: Page,
    d: outcomes::Deal,
    provider: String,
    receiver: String,
    recorder: String,
    tonnes: String,
    co2e: String,
    status: String,
    form: DecideForm,
    errors: FormErrors,
}

async fn deal_page(ctx: &Ctx, id: i32, form: DecideForm, errors: FormErrors) -> Result<Response, WebError> {
    let app = ctx.app();
    let d = outcomes::deal(app, &ctx.principal, id).await?;
    let names =
        kimppa_app::people::org_names(app, vec![d.s.provider_org_id, d.s.receiver_org_id, d.listing.org_id]).await?;
    let n = |id: i32| names.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    let mut p = if d.may_decide { ctx.form_page("deal-title").await } else { ctx.page("deal-title").await };
    p.title = format!("{}: {}", p.t("deal-title"), d.listing.title);
    let page = DealPage {
        provider: n(d.s.provider_org_id),
        receiver: n(d.s.receiver_org_id),
        recorder: n(d.listing.org_id),
        tonnes: figure(&p, d.s.tonnes_per_year, 0),
        co2e: figure(&p, d.s.co2e_tonnes, 1),
        status: p.t(&format!("deal-status-{}", d.s.confirmation)),
        d,
        form,
        errors,
        p,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, crate::html(&page)).into_response())
}

pub async fn deal(ctx: Ctx, Path(id): Path<i32>) -> Result<Response, WebError> {
    deal_page(&ctx, id, DecideForm::default(), FormErrors::none()).await
}

pub async fn deal_decide(ctx: Ctx, Path(id): Path<i32>, Form(form): Form<DecideForm>) -> Result<Response, WebError> {
    // Only the other side answers; the recorder is refused before anything is read from the form.
    if !outcomes::deal(ctx.app(), &ctx.principal, id).await?.may_decide {
        return Err(WebError(AppError::Forbidden));
    }
    let confirm = match form.decision.as_str() {
        "confirm" => true,
        "dispute" => false,
        _ => {
            let e = AppError::field("decision", "err-required");
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            return deal_page(&ctx, id, form, errors).await;
        }
    };
    match outcomes::decide(ctx.app(), &ctx.principal, id, confirm, &form.dispute_note).await {
        Ok(_) => {
            ctx.flash(if confirm { "deal-confirmed" } else { "deal-disputed" }).await;
            Ok(Redirect::to(&ctx.href(&format!("/materials/deals/{id}"))).into_response())
        }
        Err(e) => {
            let errors = errors_of(&e, &ctx).ok_or(WebError(e))?;
            deal_page(&ctx, id, form, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "materials/factors.html")]
struct FactorsPage {
    p: Page,
    /// (class, kg CO2e per tonne, source, year, illustrative)
    factors: Vec<(String, String, String, String, bool)>,
}

/// The emission factors behind the CO2e figures, for everyone.
pub async fn factors(ctx: Ctx) -> Result<Response, WebError> {
    let app = ctx.app();
    let rows = outcomes::factors(app).await?;
    let mut p = ctx.page("factors-public-title").await;
    p.title = p.t("factors-public-title");
    let classes =
        reference::Classes::load_codes(app, &rows.iter().map(|f| f.class_pattern.clone()).collect::<Vec<_>>()).await?;
    let factors = rows
        .iter()
        .map(|f| {
            (
                reference::label(&f.class_pattern, classes.get(&f.class_pattern), p.code()),
                figure(&p, f.kg_co2e_per_tonne, 0),
                f.source.clone(),
                f.year.to_string(),
                f.illustrative,
            )
        })
        .collect();
    Ok(crate::html(&FactorsPage { p, factors }).into_response())
}
