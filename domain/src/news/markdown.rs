//! A post's body as HTML (SPEC §5: the body is plain text or a small Markdown subset). CommonMark
//! is parsed by pulldown-cmark (no extensions: no tables, footnotes or heading attributes) and
//! written out by its HTML writer, which escapes every text and attribute, after these changes:
//!
//! - raw HTML, block or inline, is shown as text, never interpreted (`<script>` stays visible);
//! - links keep their target only for `http:`, `https:` and `mailto:` (and e-mail autolinks);
//!   any other target (`javascript:`, `data:`, relative paths) leaves the link text alone;
//! - images are never embedded (a guardian's device would fetch them unasked): an image with an
//!   allowed target becomes a link to it, labelled with its description, otherwise the
//!   description remains as text.
//!
//! What remains: paragraphs, headings, emphasis, lists, block quotes, rules, code and links.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The HTML of a body: safe to insert into a page as it is.
pub fn render(body: &str) -> String {
    let mut kept_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(body, Options::empty()).filter_map(|event| match event {
        // Raw HTML is text. A block of it becomes a paragraph, so it stays a block.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = allowed_target(link_type, &dest_url);
            kept_links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            // Inside a link (`[![logo](…)](…)`) an image is its description: no link in a link.
            let keep = allowed_target(link_type, &dest_url) && !kept_links.contains(&true);
            kept_links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => kept_links
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        // Not produced without their extensions; dropped should one ever come through.
        Event::InlineMath(text) | Event::DisplayMath(text) => Some(Event::Code(text)),
        Event::FootnoteReference(_) | Event::TaskListMarker(_) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(body.len() + body.len() / 4);
    html::push_html(&mut out, events);
    out
}

/// Whether a link may point where it does: `http://`, `https://` or `mailto:` (any case), with no
/// space or control character anywhere (browsers drop those inside a scheme, so `java\tscript:`
/// would be a script), or an e-mail autolink, which the writer prefixes with `mailto:`. The target
/// is checked as the parser decoded it, so entities (`jav&#x61;script:`) are already resolved.
fn allowed_target(link_type: LinkType, target: &CowStr<'_>) -> bool {
    if target.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    if link_type == LinkType::Email {
        return !target.contains(':');
    }
    let lower = target.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only these elements, no `on…=` attribute, and no target but http(s) and mailto. Text is
    /// escaped by the writer, so every `<` left in the output opens one of its tags.
    fn assert_safe(html: &str) {
        const TAGS: [&str; 18] = [
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "em",
            "strong",
            "ul",
            "ol",
            "li",
            "a",
            "code",
            "pre",
            "blockquote",
            "hr",
            "br",
        ];
        let lower = html.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(open) = rest.find('<') {
            let tag = &rest[open + 1..];
            let end = tag.find('>').unwrap_or(tag.len());
            let inside = &tag[..end];
            let name: String = inside
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert!(TAGS.contains(&name.as_str()), "<{inside}> in {html}");
            assert!(!inside.contains(" on"), "an event attribute in {html}");
            if let Some(href) = inside.split("href=\"").nth(1) {
                assert!(
                    ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|s| href.starts_with(s)),
                    "<{inside}> in {html}"
                );
            }
            assert!(!inside.contains("src="), "<{inside}> in {html}");
            rest = &tag[end..];
        }
    }

    #[test]
    fn plain_text_is_paragraphs_and_the_subset_renders() {
        assert_eq!(
            render("Beste ouders,\n\nVrijdag is er geen school."),
            "<p>Beste ouders,</p>\n<p>Vrijdag is er geen school.</p>\n"
        );
        let html = render(
            "# Sint\n\n*Vrijdag* komt **de Sint**.\n\n- schoen\n- wortel\n\n1. een\n\n`code`\n\n\
             [Programma](https://school.example.nl/sint.pdf \"PDF\")",
        );
        for part in [
            "<h1>Sint</h1>",
            "<em>Vrijdag</em>",
            "<strong>de Sint</strong>",
            "<ul>\n<li>schoen</li>",
            "<ol>\n<li>een</li>",
            "<code>code</code>",
            "<a href=\"https://school.example.nl/sint.pdf\" title=\"PDF\">Programma</a>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert_safe(&html);
    }

    #[test]
    fn raw_html_is_shown_as_text_never_interpreted() {
        for body in [
            "<script>alert(1)</script>",
            "Hallo <script>alert(1)</script> daar",
            "<img src=x onerror=alert(1)>",
            "tekst <img src=x onerror=alert(1)> tekst",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"javascript:alert(1)\">klik</a>",
            "<svg onload=alert(1)>",
            "<style>body{display:none}</style>",
            "<!-- <script>alert(1)</script> -->",
        ] {
            let html = render(body);
            assert_safe(&html);
            assert!(html.contains("&lt;"), "{body} shown as text: {html}");
        }
        assert_eq!(
            render("<img src=x onerror=alert(1)>"),
            "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"
        );
    }

    #[test]
    fn links_keep_only_http_https_and_mailto_targets() {
        for body in [
            "[klik](javascript:alert(1))",
            "[klik](JavaScript:alert(1))",
            "[klik](jav&#x61;script:alert(1))",
            "[klik](javascript&colon;alert(1))",
            "[klik](<java\tscript:alert(1)>)",
            "[klik]( javascript:alert(1) )",
            "<javascript:alert(1)>",
            "[klik](data:text/html;base64,PHNjcmlwdD4=)",
            "[klik](vbscript:msgbox)",
            "[klik](/relatief/pad)",
            "[klik](//evil.example/x)",
            "[klik][ref]\n\n[ref]: javascript:alert(1)",
        ] {
            let html = render(body);
            assert_safe(&html);
            assert!(!html.contains("<a "), "{body}: {html}");
            assert!(html.contains("klik") || body.starts_with('<'), "{html}");
        }
        for (body, href) in [
            (
                "[site](https://school.example.nl)",
                "https://school.example.nl",
            ),
            (
                "[site](HTTP://school.example.nl)",
                "HTTP://school.example.nl",
            ),
            (
                "[mail](mailto:info@school.example.nl)",
                "mailto:info@school.example.nl",
            ),
            (
                "<https://school.example.nl/a>",
                "https://school.example.nl/a",
            ),
            ("<info@school.example.nl>", "mailto:info@school.example.nl"),
        ] {
            let html = render(body);
            assert_safe(&html);
            assert!(
                html.contains(&format!("<a href=\"{href}\"")),
                "{body}: {html}"
            );
        }
    }

    #[test]
    fn link_targets_and_titles_cannot_break_out_of_their_attribute() {
        let html = render("[x](https://a.example/\"onmouseover=\"alert(1) \"t\\\"itle\")");
        assert_safe(&html);
        let html = render("[x](<https://a.example/\" onmouseover=\"alert(1)>)");
        assert_safe(&html);
        assert!(!html.contains("\" onmouseover"), "{html}");
    }

    #[test]
    fn images_become_links_or_their_description() {
        assert_eq!(
            render("![Rooster](https://school.example.nl/rooster.png)"),
            "<p><a href=\"https://school.example.nl/rooster.png\">Rooster</a></p>\n"
        );
        for body in [
            "![Rooster](javascript:alert(1))",
            "![Rooster](data:image/png;base64,iVBORw0KGgo=)",
            "![Rooster](rooster.png)",
        ] {
            let html = render(body);
            assert_safe(&html);
            assert_eq!(html, "<p>Rooster</p>\n", "{body}");
        }
        // An image inside a link: one link, no image.
        let html = render("[![logo](https://a.example/l.png)](https://school.example.nl)");
        assert_safe(&html);
        assert_eq!(
            html,
            "<p><a href=\"https://school.example.nl\">logo</a></p>\n"
        );
    }

    #[test]
    fn code_is_escaped_too() {
        let html = render("```html\n<script>alert(1)</script>\n```\n\n`<b>`");
        assert_safe(&html);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<code>&lt;b&gt;</code>"), "{html}");
    }
}
