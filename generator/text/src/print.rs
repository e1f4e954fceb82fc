//! Token streams printed as Rust source: the reference [`crate::code`]'s tests compare with
//! (a template's text must be what its `quote!` tokens print). The generator printed its
//! token trees this way before it wrote text itself.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// `tokens` printed: a space between tokens unless a punctuation mark is joined to the next,
/// a line break after each `;` and each `{ ... }`, and inside a non-empty `{ ... }`.
pub(crate) fn printed(tokens: TokenStream) -> String {
    let mut out = String::new();
    print_tokens(&mut out, &mut "", tokens);
    out
}

/// The text that opens and closes a group of `delimiter`.
fn delimiters(delimiter: Delimiter) -> (&'static str, &'static str) {
    match delimiter {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Brace => ("{", "}"),
        Delimiter::Bracket => ("[", "]"),
        Delimiter::None => ("", ""),
    }
}

/// Prints `tokens` onto `out`; `separator` is what goes before the next token: nothing at the
/// start of a stream and after a joint punctuation mark, a line break after the end of an item
/// or statement, else a space.
fn print_tokens(out: &mut String, separator: &mut &'static str, tokens: TokenStream) {
    use std::fmt::Write as _;
    for token in tokens {
        out.push_str(separator);
        *separator = " ";
        match token {
            TokenTree::Group(group) => {
                let (open, close) = delimiters(group.delimiter());
                let brace = group.delimiter() == Delimiter::Brace;
                let stream = group.stream();
                // The group shares its stream; with the group gone, iterating the stream takes
                // its tokens instead of copying them (a copy per level of nesting, else).
                drop(group);
                out.push_str(open);
                if brace && !stream.is_empty() {
                    out.push('\n');
                    print_tokens(out, &mut "", stream);
                    out.push('\n');
                } else {
                    print_tokens(out, &mut "", stream);
                }
                out.push_str(close);
                if brace {
                    *separator = "\n";
                }
            }
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.spacing() == Spacing::Joint {
                    *separator = "";
                } else if punct.as_char() == ';' {
                    *separator = "\n";
                }
            }
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(text: &str) -> TokenStream {
        text.parse().expect("test tokens lex")
    }

    #[test]
    fn line_breaks_follow_statements_and_braces_only() {
        assert_eq!(
            printed(stream(
                "#[doc = \" A.\"] pub struct A { pub b: u8 } impl A { fn f() -> u8 { 1 } }"
            )),
            "# [doc = \" A.\"] pub struct A {\npub b : u8\n}\nimpl A {\n\
             fn f () -> u8 {\n1\n}\n}"
        );
        assert_eq!(
            printed(stream("use a::b; const C: [u8; 2] = [1, 2]; mod m {}")),
            "use a :: b ;\nconst C : [u8 ;\n2] = [1 , 2] ;\nmod m {}"
        );
    }
}
