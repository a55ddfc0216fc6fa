//! RSS 2.0 and Atom feeds of the news, and `sitemap.xml`.

use super::pick;
use crate::{AppState, errors::WebError, i18n::Lang};
use axum::{
    extract::{OriginalUri, State},
    http::header,
    response::{IntoResponse, Response},
};

const FEED_SIZE: u64 = 20;

fn lang_of(uri: &OriginalUri) -> Lang {
    Lang::from_path(uri.0.path()).unwrap_or_default()
}

pub async fn rss(State(s): State<AppState>, uri: OriginalUri) -> Result<Response, WebError> {
    let lang = lang_of(&uri);
    let base = s.app.config.base_url.trim_end_matches('/').to_string();
    let items: Vec<rss::Item> = kimppa_app::website::news::latest(&s.app, FEED_SIZE)
        .await?
        .into_iter()
        .map(|n| {
            let link = format!("{base}/{}/news/{}", lang.code(), n.slug);
            rss::ItemBuilder::default()
                .title(Some(pick(lang, &n.title_fi, &n.title_en).to_string()))
                .link(Some(link.clone()))
                .description(Some(pick(lang, &n.summary_fi, &n.summary_en).to_string()))
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                .pub_date(Some(n.published_at.to_rfc2822()))
                .categories(
                    n.tags
                        .split(',')
                        .filter(|t| !t.is_empty())
                        .map(|t| rss::CategoryBuilder::default().name(t.to_string()).build())
                        .collect::<Vec<_>>(),
                )
                .build()
        })
        .collect();
    let channel = rss::ChannelBuilder::default()
        .title(format!("Kimppa – {}", lang.t("news-title")))
        .link(format!("{base}/{}/news", lang.code()))
        .description(lang.t("site-description"))
        .language(Some(lang.code().to_string()))
        .items(items)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], channel.to_string()).into_response())
}

pub async fn atom(State(s): State<AppState>, uri: OriginalUri) -> Result<Response, WebError> {
    use atom_syndication::{EntryBuilder, FeedBuilder, LinkBuilder, Text};
    let lang = lang_of(&uri);
    let base = s.app.config.base_url.trim_end_matches('/').to_string();
    let news = kimppa_app::website::news::latest(&s.app, FEED_SIZE).await?;
    let updated = news.iter().map(|n| n.updated_at).max().unwrap_or_else(kimppa_app::now);
    let entries: Vec<atom_syndication::Entry> = news
        .into_iter()
        .map(|n| {
            let link = format!("{base}/{}/news/{}", lang.code(), n.slug);
            EntryBuilder::default()
                .title(Text::plain(pick(lang, &n.title_fi, &n.title_en)))
                .id(link.clone())
                .updated(n.updated_at.fixed_offset())
                .published(Some(n.published_at.fixed_offset()))
                .summary(Some(Text::plain(pick(lang, &n.summary_fi, &n.summary_en))))
                .links(vec![LinkBuilder::default().href(link).rel("alternate").build()])
                .build()
        })
        .collect();
    let self_link = format!("{base}/{}/news/atom.xml", lang.code());
    let feed = FeedBuilder::default()
        .title(Text::plain(format!("Kimppa – {}", lang.t("news-title"))))
        .id(self_link.clone())
        .updated(updated.fixed_offset())
        .lang(Some(lang.code().to_string()))
        .links(vec![
            LinkBuilder::default().href(self_link).rel("self").build(),
            LinkBuilder::default().href(format!("{base}/{}/news", lang.code())).rel("alternate").build(),
        ])
        .authors(vec![atom_syndication::PersonBuilder::default().name("Kimppa").build()])
        .entries(entries)
        .build();
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], feed.to_string()).into_response())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// Every public page in both languages, with `hreflang` alternates.
pub async fn sitemap(State(s): State<AppState>) -> Result<Response, WebError> {
    let base = s.app.config.base_url.trim_end_matches('/').to_string();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for path in kimppa_app::website::sitemap::public_paths(&s.app).await? {
        for lang in Lang::ALL {
            out.push_str(&format!("<url><loc>{}</loc>", xml_escape(&format!("{base}/{}{path}", lang.code()))));
            for alt in Lang::ALL {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    alt.code(),
                    xml_escape(&format!("{base}/{}{path}", alt.code()))
                ));
            }
            out.push_str("</url>\n");
        }
    }
    out.push_str("</urlset>\n");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], out).into_response())
}
