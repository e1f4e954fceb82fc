//! Spec descriptions → rustdoc Markdown.
//!
//! The Swagger 2.0 spec writes reStructuredText (``code``, `text <url>`_, |link|_, `::` literal
//! blocks); the OpenAPI 3.1 spec writes Markdown. Both must come out as rustdoc that renders
//! and raises no rustdoc warnings: no accidental doctests, intra-doc links or HTML tags.

/// Converts one description to rustdoc Markdown.
pub fn to_markdown(text: &str) -> String {
    let text = expand_shortcodes(text);
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
            out.push(inline(trimmed));
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
                out.push(format!("{}{}", " ".repeat(indent), inline(trimmed)));
                i += 1;
                continue;
            }
        }
        let mut converted = inline(line);
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
fn inline(line: &str) -> String {
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
                    out.push_str(&rst_link(&content));
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
        // Markdown links pass through.
        if chars[i] == '['
            && let Some(close) = find_seq(&chars, i + 1, "](")
            && let Some(end) = find_seq(&chars, close + 2, ")")
        {
            let text: String = chars[i + 1..close].iter().collect();
            let url: String = chars[close + 2..end].iter().collect();
            out.push('[');
            out.push_str(&inline(&text));
            out.push_str("](");
            out.push_str(&url);
            out.push(')');
            i = end + 1;
            continue;
        }
        // Bare URLs become autolinks (rustdoc warns about bare ones).
        if starts_with_at(&chars, i, "https://") || starts_with_at(&chars, i, "http://") {
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

fn rst_link(content: &str) -> String {
    match content.rsplit_once('<') {
        Some((text, url)) if url.ends_with('>') => {
            let url = &url[..url.len() - 1];
            let text = text.trim();
            if text.is_empty() {
                format!("<{url}>")
            } else {
                format!("[{}]({url})", inline(text))
            }
        }
        _ => inline(content),
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

fn starts_with_at(chars: &[char], i: usize, pattern: &str) -> bool {
    (i..)
        .zip(pattern.chars())
        .all(|(j, p)| chars.get(j) == Some(&p))
}

fn find_seq(chars: &[char], from: usize, pattern: &str) -> Option<usize> {
    (from..chars.len()).find(|&j| starts_with_at(chars, j, pattern))
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
}
