//! Token streams printed as Rust source, without `syn` or a formatter.
//!
//! The text is what `TokenStream`'s `Display` prints (a space between tokens unless a
//! punctuation mark is joined to the next), except that a line break follows each `;` and each
//! `{ ... }`: a file is not one line of megabytes, a compiler message about it points somewhere
//! useful, and clippy's layout lints see nothing odd (`} if` on one line looks like a missing
//! `else`). A line break is whitespace like the space, so the tokens (and the compiled code)
//! are the same.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Prints tokens given in pieces (an item at a time, and the braces of a module around them)
/// as the whole stream would print: whoever emits the code never holds all of it as tokens.
#[derive(Debug)]
pub struct Printer {
    out: String,
    /// What goes before the next token at the current level (see [`print_tokens`]).
    separator: &'static str,
    /// A brace is open and nothing is printed inside it yet: `{}` if nothing comes, else a
    /// line break after the `{`.
    brace_pending: bool,
}

impl Printer {
    /// A printer whose text starts with `prelude` (a header comment, say), as given.
    pub fn new(prelude: &str) -> Self {
        let mut out = String::with_capacity(1 << 20);
        out.push_str(prelude);
        Printer {
            out,
            separator: "",
            brace_pending: false,
        }
    }

    /// Prints `tokens` after what came before, at the current level.
    pub fn tokens(&mut self, tokens: TokenStream) {
        if self.brace_pending && !tokens.is_empty() {
            self.out.push('\n');
            self.brace_pending = false;
        }
        print_tokens(&mut self.out, &mut self.separator, tokens);
    }

    /// Opens a `{ ... }` group: what follows is inside it until [`Printer::close_brace`].
    pub fn open_brace(&mut self) {
        if self.brace_pending {
            self.out.push('\n');
        }
        self.out.push_str(self.separator);
        self.out.push('{');
        self.separator = "";
        self.brace_pending = true;
    }

    /// Closes the group [`Printer::open_brace`] opened (`{}` if nothing was printed in it).
    pub fn close_brace(&mut self) {
        if !std::mem::take(&mut self.brace_pending) {
            self.out.push('\n');
        }
        self.out.push('}');
        self.separator = "\n";
    }

    /// The text, ending in a line break.
    pub fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }
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
    use proc_macro2::Group;

    fn stream(text: &str) -> TokenStream {
        text.parse().expect("test tokens lex")
    }

    /// The whole stream printed at once.
    fn printed_whole(tokens: TokenStream) -> String {
        let mut printer = Printer::new("// header\n");
        printer.tokens(tokens);
        printer.finish()
    }

    /// `head { items } pub struct After;`, given in pieces.
    fn printed_in_pieces(head: &str, items: &[&str]) -> String {
        let mut printer = Printer::new("// header\n");
        printer.tokens(stream(head));
        printer.open_brace();
        for item in items {
            printer.tokens(stream(item));
        }
        printer.close_brace();
        printer.tokens(stream("pub struct After;"));
        printer.finish()
    }

    #[test]
    fn line_breaks_follow_statements_and_braces_only() {
        assert_eq!(
            printed_whole(stream(
                "#[doc = \" A.\"] pub struct A { pub b: u8 } impl A { fn f() -> u8 { 1 } }"
            )),
            "// header\n# [doc = \" A.\"] pub struct A {\npub b : u8\n}\nimpl A {\n\
             fn f () -> u8 {\n1\n}\n}\n"
        );
        assert_eq!(
            printed_whole(stream("use a::b; const C: [u8; 2] = [1, 2];")),
            "// header\nuse a :: b ;\nconst C : [u8 ;\n2] = [1 , 2] ;\n"
        );
    }

    #[test]
    fn a_module_printed_in_pieces_is_the_module_printed_whole() {
        let head = "#[doc = \" A module.\"] pub mod api";
        let cases: [&[&str]; 4] = [
            &[],
            &["", ""],
            &["pub struct A { pub b: u8 }"],
            &[
                "pub type A = u8;",
                "",
                "impl A { fn f() -> u8 { 1 } } pub mod inner {}",
                "pub use x::Y;",
            ],
        ];
        for items in cases {
            let body: TokenStream = items.iter().map(|item| stream(item)).collect();
            let mut whole = stream(head);
            whole.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
            whole.extend(stream("pub struct After;"));
            assert_eq!(
                printed_in_pieces(head, items),
                printed_whole(whole),
                "{items:?}"
            );
        }
    }
}
