//! Search documents built from the database. Each kind has one function
//! that loads the rows that may be public and turns them into documents;
//! adding a kind means adding one function here and naming it in [`KINDS`].
//! A row that is not public is simply not returned, so it is removed from
//! (or never put into) the index.

use crate::{App, AppError, directory, policy::Actor, website};
use kimppa_domain::{MembershipStatus, ServiceStatus};
use kimppa_search::Doc;
use kimppa_store::entities::{
    challenge, challenge_invite, expert, faq_item, forum_participant, forum_post, forum_thread, glossary_term, kimppa,
    kimppa_member, listing, organisation, service, service_provider, user,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Every kind of document, in the order a rebuild loads them.
pub const KINDS: [&str; 11] =
    ["organisation", "service", "expert", "page", "news", "term", "faq", "thread", "challenge", "kimppa", "listing"];

const PUBLIC: &str = "public";

/// Which rows of a kind to load: all, or some ids.
#[derive(Debug, Clone)]
pub enum Which {
    All,
    Ids(Vec<i32>),
}

fn facets(pairs: &[(&str, &str)], lists: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(d, v)| (d.to_string(), v.to_string())).collect();
    for (dim, stored) in lists {
        out.extend(directory::list(stored).into_iter().map(|v| (dim.to_string(), v.to_string())));
    }
    out
}

fn doc(kind: &str, id: i32, path: String, titles: (&str, &str), bodies: (String, String)) -> Doc {
    Doc {
        key: format!("{kind}:{id}"),
        kind: kind.into(),
        path,
        title_fi: titles.0.into(),
        title_en: titles.1.into(),
        body_fi: bodies.0,
        body_en: bodies.1,
        facets: vec![],
        visibility: vec![PUBLIC.into()],
    }
}

/// Markdown to plain text for indexing and snippets.
fn plain(markdown: &str) -> String {
    markdown.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']')).collect()
}

fn filter_ids<E: EntityTrait>(q: sea_orm::Select<E>, col: impl ColumnTrait, which: &Which) -> sea_orm::Select<E> {
    match which {
        Which::All => q,
        Which::Ids(ids) => q.filter(col.is_in(ids.clone())),
    }
}

/// Public documents of `kind` among `which`.
pub async fn load(app: &App, kind: &str, which: &Which) -> Result<Vec<Doc>, AppError> {
    match kind {
        "organisation" => organisations(app, which).await,
        "service" => services(app, which).await,
        "expert" => experts(app, which).await,
        "page" => pages(app, which).await,
        "news" => news(app, which).await,
        "term" => terms(app, which).await,
        "faq" => faqs(app, which).await,
        "thread" => threads(app, which).await,
        "challenge" => challenges(app, which).await,
        "kimppa" => kimppas(app, which).await,
        "listing" => listings(app, which).await,
        _ => Ok(vec![]),
    }
}

async fn organisations(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = organisation::Entity::find()
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved.key()));
    let rows = filter_ids(q, organisation::Column::Id, which).all(&app.db).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let mut d = doc(
                "organisation",
                o.id,
                format!("/organisations/{}", o.slug),
                (&o.name, &o.name),
                (format!("{} {}", plain(&o.description_fi), o.municipality), plain(&o.description_en)),
            );
            d.facets = facets(
                &[("org_type", &o.org_type), ("municipality", &o.municipality)],
                &[("focus", &o.focus_areas), ("offering", &o.offering_types)],
            );
            d
        })
        .collect())
}

async fn services(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = service::Entity::find().filter(service::Column::Status.eq(ServiceStatus::Published.key()));
    let rows = filter_ids(q, service::Column::Id, which).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = directory::catalogue::approved_orgs(app).await?;
    let mut co: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut providers = service_provider::Entity::find().filter(service_provider::Column::ConfirmedAt.is_not_null());
    if let Which::Ids(ids) = which {
        providers = providers.filter(service_provider::Column::ServiceId.is_in(ids.clone()));
    }
    let providers = providers.all(&app.db).await?;
    for p in providers {
        co.entry(p.service_id).or_default().push(p.org_id);
    }
    Ok(rows
        .into_iter()
        .filter_map(|s| {
            let (_, owner_name, owner_type, municipality) = orgs.get(&s.owner_org_id)?;
            let mut names = vec![owner_name.clone()];
            let mut types = vec![owner_type.clone()];
            for id in co.get(&s.id).into_iter().flatten() {
                if let Some((_, n, t, _)) = orgs.get(id) {
                    names.push(n.clone());
                    types.push(t.clone());
                }
            }
            let providers = names.join(", ");
            let mut d = doc(
                "service",
                s.id,
                format!("/services/{}", s.slug),
                (&s.title_fi, &s.title_en),
                (
                    format!("{} {} {}", plain(&s.description_fi), s.price_note_fi, providers),
                    format!("{} {} {}", plain(&s.description_en), s.price_note_en, providers),
                ),
            );
            d.facets = facets(
                &[("offering", &s.offering_type), ("municipality", municipality)],
                &[("focus", &s.focus_areas), ("org_type", &types.join(","))],
            );
            Some(d)
        })
        .collect())
}

async fn experts(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = expert::Entity::find().find_also_related(user::Entity).filter(expert::Column::Listed.eq(true));
    let rows = match which {
        Which::All => q.all(&app.db).await?,
        Which::Ids(ids) => q.filter(expert::Column::Id.is_in(ids.clone())).all(&app.db).await?,
    };
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = directory::catalogue::approved_orgs(app).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, u)| {
            let u = u?;
            let (_, org_name, org_type, municipality) = orgs.get(&e.org_id)?;
            let tags = directory::list(&e.tags).join(", ");
            let title = u.title.clone().unwrap_or_default();
            let mut d = doc(
                "expert",
                e.id,
                format!("/experts/{}", e.id),
                (&u.name, &u.name),
                (
                    format!("{title} {tags} {org_name} {}", plain(&e.bio_fi)),
                    format!("{title} {tags} {org_name} {}", plain(&e.bio_en)),
                ),
            );
            d.facets = facets(&[("org_type", org_type), ("municipality", municipality)], &[("focus", &e.focus_areas)]);
            Some(d)
        })
        .collect())
}

async fn pages(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let views = website::pages::list(app, &Actor::Anonymous).await?;
    Ok(views
        .into_iter()
        .filter(|v| match which {
            Which::All => true,
            Which::Ids(ids) => ids.contains(&v.page.id),
        })
        .map(|v| {
            doc(
                "page",
                v.page.id,
                format!("/pages/{}", v.page.slug),
                (&v.rev.title_fi, &v.rev.title_en),
                (
                    format!("{} {}", v.rev.summary_fi, plain(&v.rev.body_fi)),
                    format!("{} {}", v.rev.summary_en, plain(&v.rev.body_en)),
                ),
            )
        })
        .collect())
}

async fn news(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = website::news::visible(&Actor::Anonymous);
    let rows = filter_ids(q, kimppa_store::entities::news::Column::Id, which).all(&app.db).await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            doc(
                "news",
                n.id,
                format!("/news/{}", n.slug),
                (&n.title_fi, &n.title_en),
                (format!("{} {}", n.summary_fi, plain(&n.body_fi)), format!("{} {}", n.summary_en, plain(&n.body_en))),
            )
        })
        .collect())
}

async fn terms(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = filter_ids(glossary_term::Entity::find(), glossary_term::Column::Id, which).all(&app.db).await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            doc(
                "term",
                t.id,
                format!("/glossary/{}", t.slug),
                (&t.term_fi, &t.term_en),
                (plain(&t.definition_fi), plain(&t.definition_en)),
            )
        })
        .collect())
}

async fn faqs(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = faq_item::Entity::find().filter(faq_item::Column::Status.eq(website::PUBLISHED));
    let rows = filter_ids(q, faq_item::Column::Id, which).all(&app.db).await?;
    Ok(rows
        .into_iter()
        .map(|i| {
            doc(
                "faq",
                i.id,
                format!("/faq#faq-{}", i.id),
                (&i.question_fi, &i.question_en),
                (plain(&i.answer_fi), plain(&i.answer_en)),
            )
        })
        .collect())
}

/// Longest text of a thread's replies that is indexed.
const THREAD_TEXT: usize = 20_000;

/// Forum threads with their replies' text. Closed threads are indexed with
/// the tokens of those who may see them ([`crate::forum::visibility`]).
async fn threads(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let rows = filter_ids(forum_thread::Entity::find(), forum_thread::Column::Id, which).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = rows.iter().map(|t| t.id).collect();
    let mut posts = forum_post::Entity::find();
    let mut participants = forum_participant::Entity::find();
    if let Which::Ids(_) = which {
        posts = posts.filter(forum_post::Column::ThreadId.is_in(ids.clone()));
        participants = participants.filter(forum_participant::Column::ThreadId.is_in(ids.clone()));
    }
    let mut text: HashMap<i32, String> = HashMap::new();
    // Hidden replies and replies waiting for approval never reach the index.
    for p in posts
        .filter(forum_post::Column::Hidden.eq(false))
        .filter(forum_post::Column::Pending.eq(false))
        .all(&app.db)
        .await?
    {
        let t = text.entry(p.thread_id).or_default();
        if t.len() < THREAD_TEXT {
            t.push(' ');
            t.push_str(&plain(&p.body));
        }
    }
    let mut invited: HashMap<i32, Vec<forum_participant::Model>> = HashMap::new();
    for p in participants.all(&app.db).await? {
        invited.entry(p.thread_id).or_default().push(p);
    }
    Ok(rows
        .into_iter()
        .map(|t| {
            let body = format!("{} {}", plain(&t.body), text.remove(&t.id).unwrap_or_default());
            let mut d =
                doc("thread", t.id, format!("/forum/threads/{}", t.id), (&t.title, &t.title), (body, String::new()));
            d.visibility = crate::forum::visibility::search_tokens(&t, invited.get(&t.id).into_iter().flatten());
            d
        })
        .collect())
}

/// Published and closed challenges (never drafts), with the visibility
/// tokens of [`crate::challenges::visibility`]: `public`; members only:
/// `member`, the owner organisation and staff; invited only: the invited
/// organisations, the owner organisation and staff.
async fn challenges(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = challenge::Entity::find().filter(challenge::Column::Status.ne("draft"));
    let rows = filter_ids(q, challenge::Column::Id, which).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let mut invites = challenge_invite::Entity::find();
    if let Which::Ids(ids) = which {
        invites = invites.filter(challenge_invite::Column::ChallengeId.is_in(ids.clone()));
    }
    let mut invited: HashMap<i32, Vec<i32>> = HashMap::new();
    for i in invites.all(&app.db).await? {
        invited.entry(i.challenge_id).or_default().push(i.org_id);
    }
    let orgs = crate::challenges::org_names(app, rows.iter().map(|c| c.org_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let org = orgs.get(&c.org_id).map(|(n, _)| n.clone()).unwrap_or_default();
            let body = format!("{} {} {} {}", plain(&c.description), plain(&c.context), c.impact, org);
            let mut d =
                doc("challenge", c.id, format!("/challenges/{}", c.id), (&c.title, &c.title), (body, String::new()));
            d.facets = facets(&[], &[("focus", &c.focus_areas)]);
            d.visibility = match c.visibility.as_str() {
                "public" => vec![PUBLIC.into()],
                other => {
                    let mut t = vec!["staff".to_string(), format!("org:{}", c.org_id)];
                    if other == "members" {
                        t.push("member".into());
                    } else {
                        t.extend(invited.remove(&c.id).unwrap_or_default().into_iter().map(|o| format!("org:{o}")));
                    }
                    t
                }
            };
            d
        })
        .collect())
}

/// Published kimppas, with their members' names.
async fn kimppas(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = kimppa::Entity::find().filter(kimppa::Column::Published.eq(true));
    let rows = filter_ids(q, kimppa::Column::Id, which).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let members = kimppa_member::Entity::find()
        .filter(kimppa_member::Column::KimppaId.is_in(rows.iter().map(|k| k.id).collect::<Vec<_>>()))
        .filter(kimppa_member::Column::ConfirmedAt.is_not_null())
        .all(&app.db)
        .await?;
    let names = crate::challenges::org_names(app, members.iter().map(|m| m.org_id).collect()).await?;
    let mut who: HashMap<i32, Vec<String>> = HashMap::new();
    for m in members {
        if let Some((n, _)) = names.get(&m.org_id) {
            who.entry(m.kimppa_id).or_default().push(n.clone());
        }
    }
    Ok(rows
        .into_iter()
        .map(|k| {
            let body = format!(
                "{} {} {}",
                plain(&k.problem),
                plain(&k.value_proposition),
                who.remove(&k.id).unwrap_or_default().join(", ")
            );
            doc("kimppa", k.id, format!("/kimppas/{}", k.slug), (&k.name, &k.name), (body, String::new()))
        })
        .collect())
}

/// Published material listings, with the visibility tokens of
/// [`crate::materials::visibility`]: `public`; members only: `member`, the
/// owner organisation and staff. Closed, expired and draft listings are
/// not searched (coordinators find them in their region's list).
async fn listings(app: &App, which: &Which) -> Result<Vec<Doc>, AppError> {
    let q = listing::Entity::find().filter(listing::Column::Status.eq("published"));
    let rows = filter_ids(q, listing::Column::Id, which).all(&app.db).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let orgs = crate::challenges::org_names(app, rows.iter().map(|l| l.org_id).collect()).await?;
    let classes = crate::materials::reference::Classes::load_codes(
        app,
        &rows.iter().map(|l| l.class_code.clone()).collect::<Vec<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let org = orgs.get(&l.org_id).map(|(n, _)| n.clone()).unwrap_or_default();
            let class = classes.get(&l.class_code);
            let body_fi = format!(
                "{} {} {} {}",
                plain(&l.description),
                crate::materials::reference::label(&l.class_code, class, "fi"),
                l.class_code,
                org
            );
            let body_en =
                format!("{} {}", plain(&l.description), crate::materials::reference::label(&l.class_code, class, "en"));
            let mut d = doc("listing", l.id, format!("/materials/{}", l.id), (&l.title, &l.title), (body_fi, body_en));
            d.visibility = if l.visibility == "public" {
                vec![PUBLIC.into()]
            } else {
                vec!["staff".into(), format!("org:{}", l.org_id), "member".into()]
            };
            d
        })
        .collect())
}
