//! Markdown to safe HTML. Raw HTML in the input is never trusted: the
//! rendered output passes through ammonia's allow-list, links get
//! `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options);
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_basic_markdown() {
        let h = render("# Otsikko\n\n*kimppa* and **more**\n\n- a\n- b");
        assert!(h.contains("<h1>Otsikko</h1>"), "{h}");
        assert!(h.contains("<em>kimppa</em>"));
        assert!(h.contains("<li>a</li>"));
    }

    #[test]
    fn strips_scripts_and_event_handlers() {
        let h = render("<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
        assert!(h.contains(">x</a>"), "the link text stays: {h}");
        assert!(!h.contains("href=\"javascript"), "{h}");
    }

    #[test]
    fn raw_html_and_attributes_render_inert() {
        let cases = [
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div onclick=\"alert(1)\" style=\"position:fixed\">x</div>",
            "<a href=\"javascript:alert(1)\">raw link</a>",
            "<svg><script>alert(1)</script></svg>",
            "<form action=\"https://evil.example\"><input name=q></form>",
            "[data](data:text/html;base64,PHNjcmlwdD4=)",
            "<img src=x onerror=alert(1) onload=alert(2)>",
            "<scr<script>ipt>alert(1)</script>",
        ];
        for md in cases {
            let h = render(md);
            for bad in [
                "<iframe",
                "onclick",
                "style=",
                "javascript:",
                "<svg",
                "<script",
                "<form",
                "<input",
                "data:text",
                "onerror",
                "onload",
            ] {
                assert!(!h.contains(bad), "{md:?} rendered {h:?} with {bad}");
            }
        }
    }

    #[test]
    fn links_get_safe_rel() {
        let h = render("[site](https://example.org)");
        assert!(h.contains("rel=\"noopener noreferrer nofollow\""), "{h}");
    }
}
