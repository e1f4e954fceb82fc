//! Rust source written as text, a token at a time, from `quote!`-style templates
//! ([`code!`](crate::code!)).
//!
//! The generator used to build `proc_macro2` token trees and print them: every identifier and
//! literal an allocation, every group a shared vector, every interpolated stream copied token
//! by token into the next. Here a template appends its tokens' text to a `String` as it goes,
//! and an interpolated piece is one copy of its text.
//!
//! The text has a space between tokens (none inside a multi-character punctuation mark such as
//! `::` or `=>`), and a line break after each `;` and each `{ ... }` and inside a non-empty
//! `{ ... }`: a file is not one line of megabytes, a compiler message about it points somewhere
//! useful, and clippy's layout lints see nothing odd (`} if` on one line looks like a missing
//! `else`). Whitespace is all that differs from other printings of the same tokens, so the
//! compiled code is the same; the tests check each template against its `quote!` tokens as the
//! generator printed them before. Formatted output parses the text (`syn`) and prints it again
//! (prettyplease).

use std::fmt::Write as _;

/// A piece of Rust source: whole tokens and groups (balanced once each [`Code::open`] has
/// its [`Code::close`]), and what goes before the next token appended to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Code {
    text: String,
    /// What goes before the next token: nothing at the start and after an opening delimiter,
    /// a line break after a `;` or a `}`, else a space.
    separator: &'static str,
    /// A `{` was written and nothing inside it yet: a line break comes before the next token,
    /// and the `}` follows it directly if none does.
    brace_pending: bool,
}

impl Code {
    /// No tokens.
    pub fn new() -> Self {
        Code::default()
    }

    /// Code whose text starts with `prelude` (a header comment, say) as it is, with room for
    /// `capacity` more bytes; the first token follows the prelude directly. Not
    /// [`Code::is_empty`].
    pub fn after(prelude: &str, capacity: usize) -> Self {
        let mut text = String::with_capacity(prelude.len() + capacity);
        text.push_str(prelude);
        Code {
            text,
            ..Code::default()
        }
    }

    /// Whether there is no token.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, ending after the last token.
    pub fn into_string(self) -> String {
        self.text
    }

    /// What comes before a token: the pending line break inside a `{`, else the separator.
    fn before_token(&mut self) {
        if std::mem::take(&mut self.brace_pending) {
            self.text.push('\n');
        } else {
            self.text.push_str(self.separator);
        }
    }

    /// One token as written in Rust: an identifier, a literal, a lifetime or a punctuation mark
    /// (a multi-character one such as `::` or `->` whole).
    pub fn token(&mut self, text: &str) {
        self.before_token();
        self.text.push_str(text);
        self.separator = if text == ";" { "\n" } else { " " };
    }

    /// A punctuation character; `joint` when it is part of a multi-character mark with the
    /// next one (nothing between them).
    fn punct(&mut self, ch: char, joint: bool) {
        self.token(ch.encode_utf8(&mut [0; 4]));
        if joint {
            self.separator = "";
        }
    }

    /// A string literal holding `value`, escaped as `proc_macro2::Literal::string` escapes it.
    pub fn string_literal(&mut self, value: &str) {
        self.before_token();
        self.text.reserve(value.len() + 2);
        self.text.push('"');
        let mut chars = value.chars();
        while let Some(ch) = chars.next() {
            match ch {
                // `\0` before an octal digit would read as an octal escape to clippy.
                '\0' if chars
                    .as_str()
                    .starts_with(|next: char| ('0'..='7').contains(&next)) =>
                {
                    self.text.push_str("\\x00")
                }
                '\'' => self.text.push('\''),
                // The common case, without `escape_debug`'s iterator.
                ' '..='~' if ch != '"' && ch != '\\' => self.text.push(ch),
                _ => self.text.extend(ch.escape_debug()),
            }
        }
        self.text.push('"');
        self.separator = " ";
    }

    /// An integer literal without a suffix (`200`), as code of its own.
    pub fn unsuffixed(value: u64) -> Code {
        let mut code = Code::new();
        let _ = write!(code.text, "{value}");
        code.separator = " ";
        code
    }

    /// Opens a group: `delimiter` is `(`, `[` or `{`.
    pub fn open(&mut self, delimiter: char) {
        self.before_token();
        self.text.push(delimiter);
        self.separator = "";
        self.brace_pending = delimiter == '{';
    }

    /// Closes the group [`Code::open`] opened: `delimiter` is `)`, `]` or `}`.
    pub fn close(&mut self, delimiter: char) {
        if delimiter == '}' {
            if !std::mem::take(&mut self.brace_pending) {
                self.text.push('\n');
            }
            self.text.push('}');
            self.separator = "\n";
        } else {
            self.text.push(delimiter);
            self.separator = " ";
        }
    }

    /// Appends `code`'s tokens, as if they had been written here.
    pub fn append(&mut self, code: &Code) {
        if code.text.is_empty() {
            return;
        }
        self.before_token();
        self.text.push_str(&code.text);
        self.separator = code.separator;
    }

    /// `text` lexed as Rust tokens (a path such as `crate::runtime` from a user's setting),
    /// spaced as a template's tokens.
    pub fn lex(text: &str) -> Result<Code, proc_macro2::LexError> {
        let mut code = Code::new();
        code.stream(text.parse()?);
        Ok(code)
    }

    fn stream(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, Spacing, TokenTree};
        for token in tokens {
            match token {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ('(', ')'),
                        Delimiter::Brace => ('{', '}'),
                        Delimiter::Bracket => ('[', ']'),
                        // Only a macro's expansion makes invisible groups; text has none.
                        Delimiter::None => {
                            self.stream(group.stream());
                            continue;
                        }
                    };
                    self.open(open);
                    self.stream(group.stream());
                    self.close(close);
                }
                TokenTree::Punct(punct) => {
                    self.punct(punct.as_char(), punct.spacing() == Spacing::Joint)
                }
                TokenTree::Ident(ident) => self.token(&ident.to_string()),
                TokenTree::Literal(literal) => self.token(&literal.to_string()),
            }
        }
    }
}

/// A Rust identifier, raw (`r#type`) or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident(String);

impl Ident {
    /// The identifier `name`, which must be one (the generator's names are; tests check it).
    pub fn new(name: &str) -> Self {
        debug_assert!(is_identifier(name), "`{name}` is not an identifier");
        Ident(name.to_owned())
    }

    /// The raw identifier `r#name`.
    pub fn new_raw(name: &str) -> Self {
        debug_assert!(is_identifier(name), "`{name}` is not an identifier");
        Ident(format!("r#{name}"))
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `name` is an identifier or keyword: ASCII (the generator's names are) letters, digits
/// and `_`, not starting with a digit, not `_` alone.
fn is_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && name != "_"
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value a template interpolates (`#value`), written as `quote`'s `ToTokens` writes it:
/// code as it is, a string as a string literal, a number as a suffixed literal, `None` as
/// nothing.
pub trait ToCode {
    fn write_to(&self, code: &mut Code);
}

impl ToCode for Code {
    fn write_to(&self, code: &mut Code) {
        code.append(self);
    }
}

impl ToCode for Ident {
    fn write_to(&self, code: &mut Code) {
        code.token(&self.0);
    }
}

impl ToCode for str {
    fn write_to(&self, code: &mut Code) {
        code.string_literal(self);
    }
}

impl ToCode for String {
    fn write_to(&self, code: &mut Code) {
        code.string_literal(self);
    }
}

impl ToCode for bool {
    fn write_to(&self, code: &mut Code) {
        code.token(if *self { "true" } else { "false" });
    }
}

impl<T: ToCode + ?Sized> ToCode for &T {
    fn write_to(&self, code: &mut Code) {
        (**self).write_to(code);
    }
}

impl<T: ToCode> ToCode for Option<T> {
    fn write_to(&self, code: &mut Code) {
        if let Some(value) = self {
            value.write_to(code);
        }
    }
}

macro_rules! suffixed_numbers {
    ($($ty:ident)*) => {$(
        impl ToCode for $ty {
            fn write_to(&self, code: &mut Code) {
                code.before_token();
                let start = code.text.len();
                let _ = write!(code.text, concat!("{}", stringify!($ty)), self);
                // A negative number is two tokens, `-` and the literal.
                if code.text[start..].starts_with('-') {
                    code.text.insert(start + 1, ' ');
                }
                code.separator = " ";
            }
        }
    )*};
}

suffixed_numbers!(u8 u16 u32 u64 usize i8 i16 i32 i64 isize f32 f64);

/// What [`code!`](crate::code!)'s expansion calls; not an API.
#[doc(hidden)]
pub mod __private {
    /// An iterator repeats by itself (taken by value)...
    pub trait RepeatByValue: Iterator + Sized {
        fn code_iter(self) -> Self {
            self
        }
    }

    impl<I: Iterator> RepeatByValue for I {}

    /// ... a vector or slice by its items (borrowed), so a template can repeat it and keep it.
    pub trait RepeatByRef {
        type Item;
        fn code_iter(&self) -> std::slice::Iter<'_, Self::Item>;
    }

    impl<T> RepeatByRef for [T] {
        type Item = T;
        fn code_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }

    impl<T> RepeatByRef for Vec<T> {
        type Item = T;
        fn code_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }
}

/// Rust code from a template in `quote!`'s syntax: `#value` interpolates anything [`ToCode`],
/// `#(...)*` and `#(...),*` repeat their contents once per item of the iterators (or
/// vectors) they interpolate, in step, until the first runs out; a value repeated unchanged is
/// interpolated as `std::iter::repeat(&value)` (unlike `quote!`, which tells the two apart by
/// type). Doc comments are written as `#[doc = r" ..."]` attributes, as `quote!` writes them.
///
/// ```
/// use matrix_codegen_text::code;
/// use matrix_codegen_text::code::Ident;
/// let name = Ident::new("Pair");
/// let fields = vec![Ident::new("a"), Ident::new("b")];
/// let code = code! { pub struct #name { #(pub #fields: u8,)* } };
/// assert_eq!(code.as_str(), "pub struct Pair {\npub a : u8 , pub b : u8 ,\n}");
/// ```
#[macro_export]
macro_rules! code {
    () => { $crate::code::Code::new() };
    ($($template:tt)+) => {{
        let mut code = $crate::code::Code::new();
        $crate::code_into!(code; $($template)+);
        code
    }};
}

/// Appends a [`code!`](crate::code!) template's tokens to the `Code` variable `$code`.
#[macro_export]
macro_rules! code_into {
    ($code:ident; $($template:tt)*) => {
        // Each token is written knowing the three before it and the three after (`@` pads
        // the ends), so `#`, its value and a repetition's parts are told apart without a
        // recursion per token.
        $crate::__code_windows!($code;
            (@ @ @ @ @ @ $($template)*)
            (@ @ @ @ @ $($template)* @)
            (@ @ @ @ $($template)* @ @)
            (@ @ @ $($template)* @ @ @)
            (@ @ $($template)* @ @ @ @)
            (@ $($template)* @ @ @ @ @)
            ($($template)* @ @ @ @ @ @)
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __code_windows {
    ($code:ident; ($($b3:tt)*) ($($b2:tt)*) ($($b1:tt)*) ($($t:tt)*) ($($a1:tt)*) ($($a2:tt)*) ($($a3:tt)*)) => {
        $( $crate::__code_token!($code; $b3 $b2 $b1 $t $a1 $a2 $a3); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __code_token {
    // Padding.
    ($code:ident; $b3:tt $b2:tt $b1:tt @ $a1:tt $a2:tt $a3:tt) => {};
    // A repetition, written at its `#`.
    ($code:ident; $b3:tt $b2:tt $b1:tt # ( $($inner:tt)* ) * $a3:tt) => {
        $crate::__code_repeat!($code; () $($inner)*);
    };
    ($code:ident; $b3:tt $b2:tt $b1:tt # ( $($inner:tt)* ) $sep:tt *) => {
        $crate::__code_repeat!($code; ($sep) $($inner)*);
    };
    // An interpolated value, written at its `#`.
    ($code:ident; $b3:tt $b2:tt $b1:tt # $value:ident $a2:tt $a3:tt) => {
        $crate::code::ToCode::write_to(&$value, &mut $code);
    };
    // The rest of those, written already.
    ($code:ident; $b3:tt $b2:tt # $value:ident $a1:tt $a2:tt $a3:tt) => {};
    ($code:ident; $b3:tt $b2:tt # ( $($inner:tt)* ) * $a2:tt $a3:tt) => {};
    ($code:ident; $b3:tt $b2:tt # ( $($inner:tt)* ) $sep:tt * $a3:tt) => {};
    ($code:ident; $b3:tt # ( $($inner:tt)* ) * $a1:tt $a2:tt $a3:tt) => {};
    ($code:ident; $b3:tt # ( $($inner:tt)* ) $sep:tt * $a2:tt $a3:tt) => {};
    ($code:ident; # ( $($inner:tt)* ) $sep:tt * $a1:tt $a2:tt $a3:tt) => {};
    // Groups.
    ($code:ident; $b3:tt $b2:tt $b1:tt ( $($inner:tt)* ) $a1:tt $a2:tt $a3:tt) => {
        $code.open('(');
        $crate::code_into!($code; $($inner)*);
        $code.close(')');
    };
    ($code:ident; $b3:tt $b2:tt $b1:tt [ $($inner:tt)* ] $a1:tt $a2:tt $a3:tt) => {
        $code.open('[');
        $crate::code_into!($code; $($inner)*);
        $code.close(']');
    };
    ($code:ident; $b3:tt $b2:tt $b1:tt { $($inner:tt)* } $a1:tt $a2:tt $a3:tt) => {
        $code.open('{');
        $crate::code_into!($code; $($inner)*);
        $code.close('}');
    };
    // Any other token, as written.
    ($code:ident; $b3:tt $b2:tt $b1:tt $token:tt $a1:tt $a2:tt $a3:tt) => {
        $code.token(stringify!($token));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __code_repeat {
    ($code:ident; () $($inner:tt)*) => {{
        $crate::__code_values!(iter; $($inner)*);
        loop {
            $crate::__code_values!(next; $($inner)*);
            $crate::code_into!($code; $($inner)*);
        }
    }};
    ($code:ident; ($sep:tt) $($inner:tt)*) => {{
        $crate::__code_values!(iter; $($inner)*);
        let mut first = true;
        loop {
            $crate::__code_values!(next; $($inner)*);
            if !first {
                $code.token(stringify!($sep));
            }
            first = false;
            $crate::code_into!($code; $($inner)*);
        }
    }};
}

/// For each `#value` in a repetition's template: `iter` makes it an iterator, `next` takes its
/// next item (and ends the loop when there is none).
#[doc(hidden)]
#[macro_export]
macro_rules! __code_values {
    ($mode:ident; $($inner:tt)*) => {
        $crate::__code_value_windows!($mode; (@ $($inner)*) ($($inner)* @));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __code_value_windows {
    ($mode:ident; ($($before:tt)*) ($($t:tt)*)) => {
        $( $crate::__code_value!($mode; $before $t); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __code_value {
    (iter; # $value:ident) => {
        #[allow(unused_mut)]
        let mut $value = {
            #[allow(unused_imports)]
            use $crate::code::__private::{RepeatByRef as _, RepeatByValue as _};
            $value.code_iter()
        };
    };
    (next; # $value:ident) => {
        let $value = match $value.next() {
            Some(value) => value,
            None => break,
        };
    };
    ($mode:ident; $before:tt ( $($inner:tt)* )) => { $crate::__code_values!($mode; $($inner)*); };
    ($mode:ident; $before:tt [ $($inner:tt)* ]) => { $crate::__code_values!($mode; $($inner)*); };
    ($mode:ident; $before:tt { $($inner:tt)* }) => { $crate::__code_values!($mode; $($inner)*); };
    ($mode:ident; $before:tt $t:tt) => {};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::printed;
    use quote::quote;

    /// Each template written as text is the same template printed from `quote!`'s tokens.
    macro_rules! same_as_quote {
        ($($template:tt)*) => {
            assert_eq!(code!($($template)*).as_str(), printed(quote!($($template)*)));
        };
    }

    #[test]
    fn templates_print_as_quoted_tokens_print() {
        let name = Ident::new("Pair");
        let raw = Ident::new_raw("type");
        let quoted_name = quote::format_ident!("Pair");
        let quoted_raw = proc_macro2::Ident::new_raw("type", proc_macro2::Span::call_site());
        let text = "a \"quote\", a \\ and a ' and \u{0}1 and \u{0}x, \n\t é ✓ \u{7f} \u{200b}";
        let number = 404u16;
        let negative = -12i64;
        let float = 1.5f64;
        let none: Option<Ident> = None;
        same_as_quote! {
            /// A doc comment.
            #[derive(Clone, Debug)]
            pub struct Pair<'de> { a: &'de str, b: Vec<::std::string::String>, }
            impl<'de> Pair<'de> {
                fn f(&self) -> Result<(), ()> { let x = [1u8; 2]; if x.len() >= 2 && true { return Ok(()); } Err(()) }
                const C: i64 = -1;
            }
            fn g() {}
            match x { Some(_) => {}, None => (), }
            a::<b>(); c..=d; e |= f; g => h -> i; #[doc = "x"] j!{} k! [] l!()
        };
        assert_eq!(
            code! { struct #name; #raw; #text #number #negative #float #none x }.as_str(),
            printed(quote! { struct #quoted_name; #quoted_raw; #text #number #negative #float x })
        );
    }

    #[test]
    fn repetitions_zip_their_values_and_vectors_stay_usable() {
        let names = vec![Ident::new("a"), Ident::new("b"), Ident::new("c")];
        let types = ["u8", "u16"].map(Ident::new);
        let docs = vec!["one".to_owned(), "two".to_owned()];
        let empty: Vec<Code> = Vec::new();
        let code = code! {
            struct S { #(#[doc = #docs] #names: #types,)* }
            fn f(#(#names),*) {}
            fn g(#(#empty),*) {}
            #(#empty)*
        };
        let quoted_names: Vec<_> = ["a", "b", "c"].map(|n| quote::format_ident!("{n}")).into();
        let quoted_types = ["u8", "u16"].map(|n| quote::format_ident!("{n}"));
        assert_eq!(
            code.as_str(),
            printed(quote! {
                struct S { #(#[doc = #docs] #quoted_names: #quoted_types,)* }
                fn f(#(#quoted_names),*) {}
                fn g() {}
            })
        );
        assert_eq!(names.len(), 3, "a vector is repeated by reference");
        let iter = names.iter().rev();
        assert_eq!(code! { #(#iter),* }.as_str(), "c , b , a");
    }

    #[test]
    fn pieces_append_as_the_tokens_would() {
        let empty = Code::new();
        let statement = code! { let a = 1; };
        let block = code! { if a { b } };
        let code = code! { fn f() { #empty #statement #block #empty c } [#empty] };
        assert_eq!(
            code.as_str(),
            printed(quote! { fn f() { let a = 1; if a { b } c } [] })
        );
    }

    proptest::proptest! {
        /// Any string (descriptions carry any Unicode, control characters included) and any
        /// number is written as `quote!` writes it.
        #[test]
        fn literals_are_written_as_quote_writes_them(
            text in "\\PC*|[\\x00-\\x7f]*|.*",
            integer: i64,
            unsigned: u16,
            float in -1e300f64..1e300,
        ) {
            let written = code! { #text #integer #unsigned #float };
            proptest::prop_assert_eq!(
                written.as_str(),
                printed(quote! { #text #integer #unsigned #float })
            );
        }
    }

    #[test]
    fn lexed_text_is_spaced_as_printed_tokens() {
        for text in [
            "crate::runtime",
            "::a::b::C<d::E<F>>",
            "a::B<'static, [u8; 2]>",
        ] {
            let tokens: proc_macro2::TokenStream = text.parse().expect("lexes");
            assert_eq!(Code::lex(text).expect("lexes").as_str(), printed(tokens));
        }
        assert!(Code::lex("a \"").is_err());
    }

    #[test]
    fn module_braces_opened_and_closed_around_pieces() {
        let mut code = Code::after("// header\n", 0);
        code.append(&code! { #[doc = " A module."] pub mod api });
        code.open('{');
        code.close('}');
        code.append(&code! { pub mod b });
        code.open('{');
        code.append(&code! { pub struct A; });
        code.close('}');
        code.append(&code! { struct After; });
        assert_eq!(
            code.as_str(),
            format!(
                "// header\n{}",
                printed(
                    quote! { #[doc = " A module."] pub mod api {} pub mod b { pub struct A; } struct After; }
                )
            )
        );
    }
}
