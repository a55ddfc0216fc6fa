//! The impact part of the demo: the orchestrators' targets for this year,
//! the editorial text of this year's situational picture, last month's
//! member survey with its answers, the strategy and implementation plan
//! for the label's evidence, and last year's figures frozen for the
//! annual report (after the rollup has counted the demo's records).

use crate::{App, AppError, impact};
use chrono::Datelike;
use kimppa_domain::UserId;
use kimppa_store::entities::{indicator_target, situation_text};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

const TARGETS: &[(&str, f64)] = &[
    ("members", 30.0),
    ("events", 24.0),
    ("event-participants", 600.0),
    ("challenges", 12.0),
    ("kimppas", 8.0),
    ("projects", 10.0),
    ("symbioses", 10.0),
    ("symbiosis-tonnes", 5_000.0),
    ("brokered-contacts", 60.0),
    ("nps", 40.0),
    ("circular-procurements", 30.0),
    ("funding-granted", 1_500_000.0),
];

const TEXT_FI: &str = "Klusterin painopisteinä ovat olleet rakennusten purkumateriaalien kierto ja teollisuuden \
sivuvirrat. Luvut lasketaan alustan kirjauksista: jäsenet, tapahtumat, haasteet, kimpat, hankkeet ja toteutuneet \
symbioosit. Vertailu edelliseen vuoteen ja tavoitteisiin on taulukoissa alla.";

const TEXT_EN: &str = "The cluster has focused on the circulation of materials from demolished buildings and on \
industrial side streams. The figures are counted from the platform's records: members, events, challenges, \
kimppas, projects and realised symbioses. The tables below compare them with the previous year and the targets.";

/// Spreads the demo's organisations, their approvals and people over the
/// last two years (they were all written today), so the indicators of
/// the cluster's growth have a history to show.
async fn spread_history(app: &App) -> Result<(), AppError> {
    use kimppa_store::entities::{membership_event, organisation, user};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, sea_query::Expr};
    let now = crate::now();
    let orgs = organisation::Entity::find().order_by_asc(organisation::Column::Id).all(&app.db).await?;
    let n = orgs.len().max(1) as i64;
    for (i, o) in orgs.iter().enumerate() {
        // The first ones joined two years ago, the newest a week ago.
        let at = now - chrono::Duration::days(7 + (n - i as i64) * 720 / n);
        organisation::Entity::update_many()
            .col_expr(organisation::Column::CreatedAt, Expr::value(at))
            .filter(organisation::Column::Id.eq(o.id))
            .exec(&app.db)
            .await?;
        membership_event::Entity::update_many()
            .col_expr(membership_event::Column::At, Expr::value(at + chrono::Duration::days(3)))
            .filter(membership_event::Column::OrgId.eq(o.id))
            .exec(&app.db)
            .await?;
    }
    let people = user::Entity::find().order_by_asc(user::Column::Id).all(&app.db).await?;
    let m = people.len().max(1) as i64;
    for (i, u) in people.iter().enumerate() {
        let at = now - chrono::Duration::days(5 + (m - i as i64) * 700 / m);
        user::Entity::update_many()
            .col_expr(user::Column::CreatedAt, Expr::value(at))
            .filter(user::Column::Id.eq(u.id))
            .exec(&app.db)
            .await?;
    }
    Ok(())
}

pub async fn load(app: &App, orchestrator: i32) -> Result<(), AppError> {
    spread_history(app).await?;
    let year = crate::materials::today().year();
    let now = crate::now();
    for (id, value) in TARGETS {
        indicator_target::ActiveModel {
            indicator: Set((*id).into()),
            year: Set(year),
            value: Set(*value),
            set_by: Set(orchestrator),
            set_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
    }
    situation_text::Entity::insert(situation_text::ActiveModel {
        year: Set(year),
        body_fi: Set(TEXT_FI.into()),
        body_en: Set(TEXT_EN.into()),
        updated_by: Set(orchestrator),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&app.db)
    .await?;
    survey(app, orchestrator).await?;
    documents(app, orchestrator).await?;
    impact::freeze_as(app, UserId(orchestrator), year - 1).await?;
    Ok(())
}

/// Last month's member survey: sent to the approved members' admins, and
/// answered by most of them (answers apart from the invitations, as the
/// survey itself keeps them).
async fn survey(app: &App, orchestrator: i32) -> Result<(), AppError> {
    use kimppa_domain::{MembershipStatus, OrgRole};
    use kimppa_store::entities::{org_member, organisation, survey, survey_answer, survey_invite};
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect, RelationTrait};
    let sent = crate::now() - chrono::Duration::days(30);
    let s = survey::ActiveModel {
        title: Set("Jäsenkysely 2026".into()),
        questions: Set(
            "Mikä klusterin toiminnassa on ollut hyödyllisintä?\nMitä klusterin pitäisi tehdä toisin?".into()
        ),
        sent_at: Set(Some(sent)),
        created_by: Set(orchestrator),
        created_at: Set(sent),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    let admins: Vec<(i32, i32)> = org_member::Entity::find()
        .select_only()
        .columns([org_member::Column::OrgId, org_member::Column::UserId])
        .join(sea_orm::JoinType::InnerJoin, org_member::Relation::Organisation.def())
        .filter(org_member::Column::Role.eq(OrgRole::Admin))
        .filter(organisation::Column::MembershipStatus.eq(MembershipStatus::Approved))
        .into_tuple()
        .all(&app.db)
        .await?;
    const SCORES: [i32; 8] = [9, 10, 8, 7, 9, 6, 10, 9];
    const USEFUL: [&str; 4] = [
        "Matchmaking-päivä, jossa löysimme kumppanin purkupuulle.",
        "Materiaalipörssi: tuhkalle löytyi vastaanottaja läheltä.",
        "Rahoitushakujen kokoaminen yhteen paikkaan.",
        "",
    ];
    const BETTER: [&str; 4] = [
        "Enemmän yritysvierailuja jäsenten luona.",
        "",
        "Tapahtumia myös Kemi–Tornio-alueella.",
        "Selkeämpi yhteenveto siitä, mitä hankkeissa on tapahtumassa.",
    ];
    for (i, (org, user)) in admins.iter().enumerate() {
        let answered = i % 5 != 4;
        survey_invite::ActiveModel {
            survey_id: Set(s.id),
            user_id: Set(*user),
            org_id: Set(*org),
            token_hash: Set(crate::tokens::hash(&crate::tokens::new_token())),
            sent_at: Set(sent),
            answered_at: Set(answered.then_some(sent + chrono::Duration::days(2))),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        if answered {
            let answers = [USEFUL[i % 4], BETTER[i % 4]].map(str::to_string);
            survey_answer::ActiveModel {
                survey_id: Set(s.id),
                score: Set(SCORES[i % SCORES.len()]),
                answers: Set(serde_json::to_string(&answers).map_err(AppError::internal)?),
                answered_on: Set(crate::finnish_time(sent + chrono::Duration::days(2)).date_naive().to_string()),
                ..Default::default()
            }
            .insert(&app.db)
            .await?;
        }
    }
    Ok(())
}

/// A one-page PDF saying what it stands for (the demo's strategy and plan).
fn demo_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// The strategy and the implementation plan, uploaded for the label's
/// evidence (placeholders that say they are the demo's).
async fn documents(app: &App, orchestrator: i32) -> Result<(), AppError> {
    use kimppa_store::entities::label_document;
    let year = crate::materials::today().year();
    for (kind, title, version, dated, text) in [
        (
            "strategy",
            "Klusterin strategia 2025-2030",
            "1.2",
            format!("{}-02-14", year - 1),
            "Kimppa demo: cluster strategy 2025-2030",
        ),
        ("plan", "Toimeenpanosuunnitelma", "2026.1", format!("{year}-01-20"), "Kimppa demo: implementation plan"),
    ] {
        let bytes = demo_pdf(text);
        let size = bytes.len() as i32;
        let key = app.files.put_attachment("attachment", bytes::Bytes::from(bytes)).await?;
        label_document::ActiveModel {
            kind: Set(kind.into()),
            title: Set(title.into()),
            version: Set(version.into()),
            dated_on: Set(dated),
            file_key: Set(key),
            file_name: Set(format!("{kind}.pdf")),
            content_type: Set("application/pdf".into()),
            size: Set(size),
            uploaded_by: Set(orchestrator),
            uploaded_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
    }
    Ok(())
}
