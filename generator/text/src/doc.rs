//! Spec descriptions → rustdoc Markdown.
//!
//! The Swagger 2.0 spec writes reStructuredText (``code``, `text <url>`_, |link|_, `::` literal
//! blocks); the OpenAPI 3.1 spec writes Markdown. Both must come out as rustdoc that renders
//! and raises no rustdoc warnings: no accidental doctests, intra-doc links or HTML tags.

/// The spec's site, where the descriptions' own links point.
pub const SITE: &str = "https://spec.matrix.org/";

/// Where the links of one API's descriptions lead: the spec's site at one version, and the
/// page the API is published on (`client-server-api`), which in-page anchors refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// `https://spec.matrix.org/latest/`
    base: String,
    page: Option<&'static str>,
}

impl Default for Links {
    fn default() -> Self {
        Links::new("latest", "")
    }
}

/// The page of the spec's site that publishes an API (by its folder name), if it is one of
/// Matrix's five.
pub fn api_page(api: &str) -> Option<&'static str> {
    const PAGES: [(&str, &str); 5] = [
        ("client-server", "client-server-api"),
        ("server-server", "server-server-api"),
        ("application-service", "application-service-api"),
        ("identity", "identity-service-api"),
        ("push-gateway", "push-gateway-api"),
    ];
    PAGES
        .iter()
        .find(|(name, _)| {
            api == *name || api.strip_prefix(name).is_some_and(|r| r.starts_with('-'))
        })
        .map(|(_, page)| *page)
}

/// The anchor the spec's site gives an endpoint: method and path, lowercase, with everything
/// but letters, digits, `_` and `-` removed (`GET /_matrix/client/v3/account/whoami` →
/// `get_matrixclientv3accountwhoami`). `path` has its base-path variables filled in.
pub fn endpoint_anchor(method: &str, path: &str) -> String {
    method
        .chars()
        .chain(path.chars())
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Links {
    /// Links into version `version` of the spec (`latest`, `v1.11`, `unstable`) from the
    /// descriptions of API `api` (its folder name).
    pub fn new(version: &str, api: &str) -> Self {
        let version = version.trim().trim_matches('/');
        let version = if version.is_empty() || version.contains(char::is_whitespace) {
            "latest"
        } else {
            version
        };
        Links {
            base: format!("{SITE}{version}/"),
            page: api_page(api),
        }
    }

    /// `https://spec.matrix.org/latest/client-server-api/`, when the API has a page.
    pub fn page_url(&self) -> Option<String> {
        self.page.map(|page| format!("{}{page}/", self.base))
    }

    /// The section of the API's page that documents an endpoint.
    pub fn endpoint(&self, method: &str, path: &str) -> Option<String> {
        self.page_url()
            .map(|page| format!("{page}#{}", endpoint_anchor(method, path)))
    }

    /// Where a link of a description leads: absolute URLs as they are; site-relative paths
    /// (`/appendices#user-identifiers`), paths relative to the API's page (`../#versions`,
    /// matrix-doc's `../appendices.html#server-name`) and paths that start with a page of the
    /// site, on the spec's site; in-page anchors (`#filtering`) on the API's page. `None` for
    /// anything else (and for targets with unexpanded `%VARIABLES%`): no link is better than
    /// a broken one.
    pub fn resolve(&self, target: &str) -> Option<String> {
        let target = target.trim();
        let target = target
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(target);
        if target.is_empty() || target.contains(char::is_whitespace) || has_variable(target) {
            return None;
        }
        if has_scheme(target) {
            return Some(target.to_owned());
        }
        if let Some(rest) = target.strip_prefix("//") {
            return Some(format!("https://{rest}"));
        }
        if target.starts_with('#') {
            return self.page_url().map(|page| format!("{page}{target}"));
        }
        if let Some(rest) = target.strip_prefix('/') {
            return Some(format!("{}{}", self.base, site_path(rest)));
        }
        if target.starts_with("./") || target.starts_with("../") {
            // Relative to the API's page, which is one level below the version's root.
            let mut rest = target;
            let mut depth = usize::from(self.page.is_some());
            loop {
                if let Some(r) = rest.strip_prefix("./") {
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("../") {
                    depth = depth.checked_sub(1)?;
                    rest = r;
                } else {
                    break;
                }
            }
            let page = match (depth, self.page) {
                (0, _) => String::new(),
                (_, Some(page)) => format!("{page}/"),
                (_, None) => return None,
            };
            return Some(format!("{}{page}{}", self.base, site_path(rest)));
        }
        let first = target
            .split(['/', '#', '?'])
            .next()
            .unwrap_or_default()
            .trim_end_matches(".html");
        if SITE_SECTIONS.contains(&first) || old_page(first).is_some() {
            return Some(format!("{}{}", self.base, site_path(target)));
        }
        None
    }
}

/// First path segments of the spec's site (today's and, by [`old_page`], matrix-doc's).
const SITE_SECTIONS: [&str; 10] = [
    "client-server-api",
    "server-server-api",
    "application-service-api",
    "identity-service-api",
    "push-gateway-api",
    "appendices",
    "rooms",
    "olm-megolm",
    "proposals",
    "changelog",
];

/// Today's page for a page of matrix-doc's site (`client_server/r0.6.1.html`).
fn old_page(segment: &str) -> Option<&'static str> {
    Some(match segment {
        "client_server" => "client-server-api",
        "server_server" => "server-server-api",
        "application_service" => "application-service-api",
        "identity_service" => "identity-service-api",
        "push_gateway" => "push-gateway-api",
        _ => return None,
    })
}

/// A path below the version's root in today's layout: matrix-doc's pages (`appendices.html`,
/// `client_server/r0.6.1.html`) become today's folders, and a page is written with its
/// trailing slash (`appendices#x` → `appendices/#x`).
fn site_path(path: &str) -> String {
    let (path, fragment) = match path.find(['#', '?']) {
        Some(at) => path.split_at(at),
        None => (path, ""),
    };
    let first = path.split('/').next().unwrap_or_default();
    let path = if let Some(page) = old_page(first.trim_end_matches(".html")) {
        // Old pages were versioned files; today's page has every version's content.
        format!("{page}/")
    } else if let Some(stem) = path.strip_suffix(".html") {
        match stem.strip_suffix("index") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.to_owned(),
            _ => format!("{stem}/"),
        }
    } else if !path.is_empty()
        && !path.ends_with('/')
        && !path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
    {
        format!("{path}/")
    } else {
        path.to_owned()
    };
    format!("{path}{fragment}")
}

/// `https:`, `mailto:`, `mxc:`: a URL scheme before any `/`, `#` or `?`.
fn has_scheme(target: &str) -> bool {
    match target.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// An unexpanded template variable of matrix-doc (`%CLIENT_MAJOR_VERSION%`).
fn has_variable(target: &str) -> bool {
    let parts: Vec<&str> = target.split('%').collect();
    // The parts between two `%`s.
    parts.len() > 2
        && parts[1..parts.len() - 1].iter().any(|name| {
            name.len() >= 2 && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        })
}

/// Converts one description to rustdoc Markdown, with links into the latest spec.
pub fn to_markdown(text: &str) -> String {
    to_markdown_with(text, &Links::default())
}

/// Converts one description to rustdoc Markdown; `links` says where its relative links lead.
pub fn to_markdown_with(text: &str, links: &Links) -> String {
    let text = join_split_links(&expand_shortcodes(text));
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    // Indentation of the text of the list item being continued, if any.
    let mut list_indent: Option<usize> = None;
    let mut i = 0;
    let mut literal_next = false;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let trimmed = line.trim_start();
        // Fenced code blocks pass through; a fence without a language is not Rust.
        if let Some(lang) = trimmed.strip_prefix("```") {
            let indent = &line[..line.len() - trimmed.len()];
            let lang = lang.trim();
            let lang = if lang.is_empty() || lang == "rust" {
                "text"
            } else {
                lang
            };
            out.push(format!("```{lang}"));
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                out.push(lines[i].strip_prefix(indent).unwrap_or(lines[i]).to_owned());
                i += 1;
            }
            out.push("```".into());
            i += 1;
            continue;
        }
        // RST directives (`.. code:: json`, `.. NOTE::`): a code block follows.
        if let Some(directive) = trimmed.strip_prefix(".. ") {
            if directive.contains("::") {
                literal_next = true;
                if let Some((name, _)) = directive.split_once("::") {
                    let name = name.trim();
                    if !name.eq_ignore_ascii_case("code")
                        && !name.eq_ignore_ascii_case("code-block")
                    {
                        out.push(format!("**{}:**", name.trim()));
                        // Admonitions hold prose, not code.
                        literal_next = false;
                    }
                }
                i += 1;
                continue;
            }
            // Comments and link targets (`.. _name: url`) are not shown.
            i += 1;
            continue;
        }
        let indented_list =
            (line.starts_with("    ") || line.starts_with('\t')) && is_list_item(trimmed);
        if indented_list && !literal_next {
            // Markdown would read an indented list as a code block (a doctest, for rustdoc).
            out.push(inline(trimmed, links));
            i += 1;
            continue;
        }
        // An indented block after a blank line (or after `::`) is literal text.
        let indented = line.starts_with("    ") || line.starts_with('\t');
        let after_blank = out.last().is_none_or(|l| l.is_empty());
        if indented && (literal_next || after_blank) {
            let block_start = i;
            while i < lines.len()
                && (lines[i].trim().is_empty()
                    || lines[i].starts_with("    ")
                    || lines[i].starts_with('\t'))
            {
                i += 1;
            }
            let mut block: Vec<&str> = lines[block_start..i].to_vec();
            while block.last().is_some_and(|l| l.trim().is_empty()) {
                block.pop();
            }
            let indent = block
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            if !after_blank {
                out.push(String::new());
            }
            out.push("```text".into());
            for l in block {
                out.push(l.get(indent..).unwrap_or("").trim_end().to_owned());
            }
            out.push("```".into());
            out.push(String::new());
            literal_next = false;
            continue;
        }
        if trimmed.is_empty() {
            list_indent = None;
        } else if let Some(marker) = list_marker_width(trimmed) {
            list_indent = Some(line.len() - trimmed.len() + marker);
        } else if let Some(indent) = list_indent {
            // A lazy continuation of a list item: indent it under the item's text.
            let own = line.len() - trimmed.len();
            if own < indent {
                out.push(format!("{}{}", " ".repeat(indent), inline(trimmed, links)));
                i += 1;
                continue;
            }
        }
        let mut converted = inline(line, links);
        if converted.ends_with("::") {
            // `Example::` introduces a literal block and reads as `Example:`.
            converted.pop();
            literal_next = true;
        } else if !line.trim().is_empty() {
            literal_next = false;
        }
        out.push(converted);
        i += 1;
    }
    // Runs of blank lines (outside code blocks) mean no more than one.
    let mut collapsed: Vec<String> = Vec::with_capacity(out.len());
    let mut in_fence = false;
    for line in out {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        let blank = line.trim().is_empty();
        if !in_fence
            && blank
            && collapsed
                .last()
                .is_none_or(|l: &String| l.trim().is_empty())
        {
            continue;
        }
        collapsed.push(if blank && !in_fence {
            String::new()
        } else {
            line
        });
    }
    while collapsed.last().is_some_and(String::is_empty) {
        collapsed.pop();
    }
    collapsed.join("\n")
}

/// Hugo shortcodes of the matrix-spec site: boxes become labelled paragraphs, version notes
/// become text, anything else is dropped.
fn expand_shortcodes(text: &str) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let close = match rest[start..].find("}}") {
            Some(c) => start + c + 2,
            None => break,
        };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..close - 2]
            .trim_matches(|c: char| c == '%' || c == '<' || c == '>' || c.is_whitespace());
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let version = args
            .split('"')
            .nth(1)
            .map(str::to_owned)
            .unwrap_or_default();
        match name {
            "boxes/note" => out.push_str("\n\n**Note:** "),
            "boxes/warning" => out.push_str("\n\n**Warning:** "),
            "boxes/rationale" => out.push_str("\n\n**Rationale:** "),
            n if n.starts_with('/') => out.push_str("\n\n"),
            "added-in" => out.push_str(&format!("**Added in `{version}`:**")),
            "changed-in" => out.push_str(&format!("**Changed in `{version}`:**")),
            _ => {}
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    // A box opened on its own line leaves its label before an empty line; join them.
    out.replace("** \n", "** ")
}

/// Width of a list marker with its space (`* `, `- `, `1. `), if `trimmed` starts with one.
fn list_marker_width(trimmed: &str) -> Option<usize> {
    if is_list_item(trimmed) {
        return Some(2);
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && trimmed[digits..].starts_with(". ")).then_some(digits + 2)
}

fn is_list_item(trimmed: &str) -> bool {
    trimmed.starts_with("* ") || trimmed.starts_with("- ") || trimmed.starts_with("+ ")
}

/// Converts inline markup of one line, escaping what rustdoc would misread outside code spans.
fn inline(line: &str, links: &Links) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // ``code`` (RST) and `code` (Markdown) both become a Markdown code span.
        if chars[i] == '`' {
            let double = chars.get(i + 1) == Some(&'`');
            let open = if double { 2 } else { 1 };
            let start = i + open;
            let close = find_seq(&chars, start, if double { "``" } else { "`" });
            if let Some(end) = close {
                let content: String = chars[start..end].iter().collect();
                let after = end + open;
                // RST hyperlink: `text <url>`_
                if !double && chars.get(after) == Some(&'_') {
                    out.push_str(&rst_link(&content, links));
                    i = after + 1;
                    if chars.get(i) == Some(&'_') {
                        i += 1;
                    }
                    continue;
                }
                out.push_str(&code_span(&content));
                i = after;
                continue;
            }
        }
        // RST substitution reference used as a link: |/register/email/requestToken|_
        if chars[i] == '|'
            && let Some(end) = find_seq(&chars, i + 1, "|")
        {
            let content: String = chars[i + 1..end].iter().collect();
            if !content.is_empty() && !content.contains(' ') {
                out.push_str(&code_span(&content));
                i = end + 1;
                if chars.get(i) == Some(&'_') {
                    i += 1;
                }
                continue;
            }
        }
        // Markdown links keep their text; their target is made absolute (or dropped).
        if chars[i] == '['
            && let Some(close) = find_seq(&chars, i + 1, "](")
            && let Some(end) = find_seq(&chars, close + 2, ")")
        {
            let text: String = chars[i + 1..close].iter().collect();
            let target: String = chars[close + 2..end].iter().collect();
            out.push_str(&link(&inline(&text, links), &target, links));
            i = end + 1;
            continue;
        }
        // Bare URLs become autolinks (rustdoc warns about bare ones).
        if chars[i] == 'h'
            && (starts_with_at(&chars, i, "https://") || starts_with_at(&chars, i, "http://"))
        {
            let mut end = i;
            while end < chars.len()
                && !chars[end].is_whitespace()
                && !matches!(chars[end], '>' | ')' | '"' | '\'' | '`')
            {
                end += 1;
            }
            while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':') {
                end -= 1;
            }
            let url: String = chars[i..end].iter().collect();
            let wrapped = i > 0 && chars[i - 1] == '<';
            if wrapped {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i = end;
            continue;
        }
        match chars[i] {
            '<' if looks_like_autolink(&chars, i) => out.push('<'),
            '<' => out.push_str("&lt;"),
            '>' if out.ends_with(|c: char| !c.is_whitespace()) && autolink_open(&out) => {
                out.push('>')
            }
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn code_span(content: &str) -> String {
    if content.contains('`') {
        format!("`` {content} ``")
    } else {
        format!("`{content}`")
    }
}

fn rst_link(content: &str, links: &Links) -> String {
    match content.rsplit_once('<') {
        Some((text, url)) if url.ends_with('>') => {
            let url = &url[..url.len() - 1];
            let text = text.trim();
            if text.is_empty() {
                match links.resolve(url) {
                    Some(url) => format!("<{url}>"),
                    None => code_span(url),
                }
            } else {
                link(&inline(text, links), url, links)
            }
        }
        _ => inline(content, links),
    }
}

/// A Markdown link to `target` made absolute by `links`, or only its (converted) text where
/// the target cannot be. A title after the target (`(url "title")`) is kept.
fn link(text: &str, target: &str, links: &Links) -> String {
    let target = target.trim();
    let (url, title) = match target.split_once(char::is_whitespace) {
        Some((url, title)) if !url.starts_with('<') => (url, Some(title.trim())),
        _ => (target, None),
    };
    match (links.resolve(url), title) {
        (Some(url), Some(title)) => format!("[{text}]({url} {title})"),
        (Some(url), None) => format!("[{text}]({url})"),
        (None, _) => text.to_owned(),
    }
}

/// Joins the lines of Markdown links whose text breaks across lines (`[the\nspec](/x)`), so
/// that the line-by-line conversion sees the whole link. Code blocks are left alone.
fn join_split_links(text: &str) -> String {
    if !text.contains("](") {
        return text.to_owned();
    }
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        if !in_fence
            && !fence
            && !line.trim().is_empty()
            && let Some(last) = out.last_mut()
            && open_link_text(last)
            && line.find("](").is_some_and(|at| !line[..at].contains('['))
        {
            last.push(' ');
            last.push_str(line.trim_start());
            continue;
        }
        if fence {
            in_fence = !in_fence;
        }
        out.push(line.to_owned());
    }
    out.join("\n")
}

/// Whether `line` ends inside the text of a link: a `[` after the last `]`, not at the end.
fn open_link_text(line: &str) -> bool {
    match line.rfind('[') {
        Some(open) => {
            !line.trim_end().ends_with('[')
                && !line[open..].contains(']')
                && !line.trim_start().starts_with("```")
        }
        None => false,
    }
}

fn looks_like_autolink(chars: &[char], i: usize) -> bool {
    starts_with_at(chars, i + 1, "https://") || starts_with_at(chars, i + 1, "http://")
}

fn autolink_open(out: &str) -> bool {
    match (out.rfind('<'), out.rfind('>')) {
        (Some(open), close) => close.is_none_or(|c| c < open) && out[open..].starts_with("<http"),
        _ => false,
    }
}

// Called for every character of every description, so written as plain loops: a build script
// runs this code unoptimised unless its workspace's profile says otherwise (cargo's default
// for build-dependencies), where iterator adapters cost many times a loop.
fn starts_with_at(chars: &[char], i: usize, pattern: &str) -> bool {
    let mut rest = chars.get(i..).unwrap_or_default().iter();
    for p in pattern.chars() {
        if rest.next() != Some(&p) {
            return false;
        }
    }
    true
}

fn find_seq(chars: &[char], from: usize, pattern: &str) -> Option<usize> {
    let first = pattern.chars().next()?;
    let mut j = from;
    while j < chars.len() {
        if chars[j] == first && starts_with_at(chars, j, pattern) {
            return Some(j);
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rst_code_becomes_markdown() {
        assert_eq!(
            to_markdown("Use ``/validate/email/submitToken`` here."),
            "Use `/validate/email/submitToken` here."
        );
        assert_eq!(
            to_markdown("See |/register/email/requestToken|_."),
            "See `/register/email/requestToken`."
        );
    }

    #[test]
    fn links_and_escapes() {
        assert_eq!(
            to_markdown("the `Matrix spec <https://spec.matrix.org>`_ says"),
            "the [Matrix spec](https://spec.matrix.org) says"
        );
        assert_eq!(
            to_markdown("go to https://example.org/x."),
            "go to <https://example.org/x>."
        );
        assert_eq!(
            to_markdown("a <room_id> and [0]"),
            "a &lt;room_id&gt; and \\[0\\]"
        );
        assert_eq!(
            to_markdown("keep `<b>` and [text](https://x.y)"),
            "keep `<b>` and [text](https://x.y)"
        );
    }

    #[test]
    fn literal_blocks_are_not_doctests() {
        let md = to_markdown("Example::\n\n    {\"a\": 1}\n\nafter");
        assert_eq!(md, "Example:\n\n```text\n{\"a\": 1}\n```\n\nafter");
        let md = to_markdown("```\nlet x = 1;\n```");
        assert_eq!(md, "```text\nlet x = 1;\n```");
        let md = to_markdown("```json\n{}\n```");
        assert_eq!(md, "```json\n{}\n```");
    }

    #[test]
    fn hugo_shortcodes() {
        let md =
            to_markdown("Text.\n\n{{% boxes/note %}}\nBe careful.\n{{% /boxes/note %}}\n\nMore.");
        assert_eq!(md, "Text.\n\n**Note:** Be careful.\n\nMore.");
        let md = to_markdown("{{% added-in v=\"1.1\" %}} New thing.");
        assert_eq!(md, "**Added in `1.1`:** New thing.");
    }

    #[test]
    fn lazy_list_continuations_are_indented() {
        assert_eq!(
            to_markdown("* one\ncontinued\n* two"),
            "* one\n  continued\n* two"
        );
        assert_eq!(to_markdown("1. one\ncontinued"), "1. one\n   continued");
    }

    #[test]
    fn list_items_stay_lists() {
        assert_eq!(
            to_markdown("Items:\n\n    * one\n    * two"),
            "Items:\n\n* one\n* two"
        );
    }

    fn client_server() -> Links {
        Links::new("latest", "client-server")
    }

    #[test]
    fn site_relative_links_are_rebased() {
        let links = client_server();
        assert_eq!(
            to_markdown_with("[filtering](/client-server-api/#filtering)", &links),
            "[filtering](https://spec.matrix.org/latest/client-server-api/#filtering)"
        );
        assert_eq!(
            to_markdown_with("see [ids](/appendices#user-identifiers).", &links),
            "see [ids](https://spec.matrix.org/latest/appendices/#user-identifiers)."
        );
        assert_eq!(
            to_markdown_with("[rooms](/rooms)", &Links::new("v1.11", "server-server")),
            "[rooms](https://spec.matrix.org/v1.11/rooms/)"
        );
        // A page of the site named without the leading slash.
        assert_eq!(
            to_markdown_with("[x](client-server-api/#get_x)", &links),
            "[x](https://spec.matrix.org/latest/client-server-api/#get_x)"
        );
    }

    #[test]
    fn anchors_point_into_the_apis_page() {
        assert_eq!(
            to_markdown_with("the [join rules](#mroomjoin_rules)", &client_server()),
            "the [join rules](https://spec.matrix.org/latest/client-server-api/#mroomjoin_rules)"
        );
        assert_eq!(
            to_markdown_with(
                "The `PDUs <#pdus>`_ of",
                &Links::new("latest", "server-server")
            ),
            "The [PDUs](https://spec.matrix.org/latest/server-server-api/#pdus) of"
        );
        // No page to point into: only the text stays.
        assert_eq!(
            to_markdown_with("[x](#y)", &Links::new("latest", "custom")),
            "x"
        );
    }

    #[test]
    fn page_relative_and_old_layout_links() {
        let links = client_server();
        assert_eq!(
            to_markdown_with("[versions](../#specification-versions)", &links),
            "[versions](https://spec.matrix.org/latest/#specification-versions)"
        );
        assert_eq!(
            to_markdown_with(
                "`names <../appendices.html#server-name>`_",
                &Links::new("latest", "server-server")
            ),
            "[names](https://spec.matrix.org/latest/appendices/#server-name)"
        );
        assert_eq!(
            to_markdown_with("[c](../client_server/r0.6.1.html#login)", &links),
            "[c](https://spec.matrix.org/latest/client-server-api/#login)"
        );
        // One level above the version's root does not exist.
        assert_eq!(to_markdown_with("[x](../../y)", &links), "x");
    }

    #[test]
    fn unknown_and_templated_links_keep_only_their_text() {
        let links = client_server();
        assert_eq!(to_markdown_with("[x](other.md)", &links), "x");
        assert_eq!(
            to_markdown_with(
                "`the endpoint <../client_server/%CLIENT_RELEASE_LABEL%.html#x>`_",
                &links
            ),
            "the endpoint"
        );
        assert_eq!(
            to_markdown_with("[y](#post-matrix-client-%CLIENT_MAJOR_VERSION%-x)", &links),
            "y"
        );
        // Absolute links are kept as they are, with a title.
        assert_eq!(
            to_markdown_with("[a](https://a.example/b \"t\") [m](mailto:a@b.c)", &links),
            "[a](https://a.example/b \"t\") [m](mailto:a@b.c)"
        );
    }

    #[test]
    fn links_split_across_lines_are_joined() {
        assert_eq!(
            to_markdown_with(
                "If allowed by the [restrictions for serving\ncontent](/client-server-api/#serving), fine.\nNext.",
                &client_server()
            ),
            "If allowed by the [restrictions for serving content](https://spec.matrix.org/latest/client-server-api/#serving), fine.\nNext."
        );
        // Code blocks are left alone.
        let md = to_markdown_with("```json\n[1,\n](2)\n```", &client_server());
        assert_eq!(md, "```json\n[1,\n](2)\n```");
    }

    #[test]
    fn endpoint_anchors_follow_the_site() {
        assert_eq!(
            endpoint_anchor("GET", "/_matrix/client/v3/account/whoami"),
            "get_matrixclientv3accountwhoami"
        );
        assert_eq!(
            endpoint_anchor("POST", "/_matrix/client/v3/rooms/{roomId}/read_markers"),
            "post_matrixclientv3roomsroomidread_markers"
        );
        assert_eq!(
            endpoint_anchor("GET", "/.well-known/matrix/client"),
            "getwell-knownmatrixclient"
        );
        assert_eq!(
            Links::new("v1.11", "identity").endpoint("GET", "/_matrix/identity/v2"),
            Some("https://spec.matrix.org/v1.11/identity-service-api/#get_matrixidentityv2".into())
        );
        assert_eq!(api_page("client-server-v3"), Some("client-server-api"));
        assert_eq!(api_page("push-gateway"), Some("push-gateway-api"));
        assert_eq!(api_page("clients"), None);
    }
}
