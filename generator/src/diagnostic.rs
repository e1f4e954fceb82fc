//! Errors and warnings with a place in the spec: file, line:column, JSON pointer and the
//! chain of `$ref`s that led there. Every stage reports through these types; rendering
//! (rustc-style, with the source line) is done by `annotate-snippets`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

pub use matrix_codegen_yaml::Loc;

/// A place in the spec: a file (relative to the spec boundary), a position and a JSON pointer.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub file: Arc<str>,
    pub loc: Loc,
    pub pointer: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.loc.line, self.loc.column)?;
        if !self.pointer.is_empty() {
            write!(f, " (#{})", self.pointer)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding. `ref_chain` lists the `$ref`s followed to reach `place`, outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub place: Option<Place>,
    pub ref_chain: Vec<Place>,
    /// Further places worth showing (e.g. the other side of a conflict).
    pub related: Vec<(String, Place)>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, place: Option<Place>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            place,
            ref_chain: Vec::new(),
            related: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>, place: Option<Place>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, place)
        }
    }

    pub fn with_chain(mut self, chain: &[Place]) -> Self {
        self.ref_chain = chain.to_vec();
        self
    }

    pub fn with_related(mut self, label: impl Into<String>, place: Place) -> Self {
        self.related.push((label.into(), place));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// One line per fact, no source excerpt: what a log or a test wants.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.place {
            Some(place) => write!(f, "{level}: {place}: {}", self.message)?,
            None => write!(f, "{level}: {}", self.message)?,
        }
        for (label, place) in &self.related {
            write!(f, "\n  note: {label}: {place}")?;
        }
        for step in &self.ref_chain {
            write!(f, "\n  via $ref at {step}")?;
        }
        Ok(())
    }
}

/// Source texts by file name, kept so diagnostics can be rendered with their lines.
pub type SourceTexts = BTreeMap<Arc<str>, Arc<str>>;

/// What a failed generation returns: every error found (and the warnings seen before it).
#[derive(Clone, Debug)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
    sources: SourceTexts,
}

impl Error {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Error {
            diagnostics,
            sources: SourceTexts::new(),
        }
    }

    pub fn single(diagnostic: Diagnostic) -> Self {
        Error::new(vec![diagnostic])
    }

    pub(crate) fn with_sources(mut self, sources: &SourceTexts) -> Self {
        let wanted: Vec<Arc<str>> = self
            .diagnostics
            .iter()
            .flat_map(|d| {
                d.place
                    .iter()
                    .chain(d.ref_chain.iter())
                    .chain(d.related.iter().map(|(_, p)| p))
            })
            .map(|p| p.file.clone())
            .collect();
        for file in wanted {
            if let Some(text) = sources.get(&file) {
                self.sources.insert(file, text.clone());
            }
        }
        self
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// rustc-style report with source excerpts; `color` adds ANSI styling.
    pub fn render(&self, color: bool) -> String {
        render_all(&self.diagnostics, &self.sources, color)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in self.errors() {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Renders diagnostics rustc-style; a diagnostic whose file text is unknown is printed plainly.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceTexts, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = level.primary_title(d.message.as_str());
        let mut elements = Vec::new();
        if let Some(place) = &d.place {
            elements.push(snippet_or_origin(place, "here", sources));
        }
        for (label, place) in &d.related {
            elements.push(snippet_or_origin(place, label, sources));
        }
        for step in &d.ref_chain {
            elements.push(annotate_snippets::Element::from(
                Level::NOTE.message(format!("reached through `$ref` at {step}")),
            ));
        }
        if let Some(place) = &d.place
            && !place.pointer.is_empty()
        {
            elements.push(
                Level::NOTE
                    .message(format!("JSON pointer: #{}", place.pointer))
                    .into(),
            );
        }
        if !elements.is_empty() {
            let g = group.elements(elements);
            out.push_str(&renderer.render(&[g]));
        } else {
            group = group.id("");
            out.push_str(&renderer.render(&[annotate_snippets::Group::with_title(group)]));
        }
        out.push('\n');
    }
    out
}

fn snippet_or_origin<'a>(
    place: &'a Place,
    label: &'a str,
    sources: &'a SourceTexts,
) -> annotate_snippets::Element<'a> {
    let Some(text) = sources.get(&place.file) else {
        return annotate_snippets::Origin::path(place.file.as_ref())
            .line(place.loc.line as usize)
            .char_column(place.loc.column as usize)
            .into();
    };
    // Show just the line in question; annotate-snippets counts from `line_start`.
    let line_index = place.loc.line.saturating_sub(1) as usize;
    let line = text.lines().nth(line_index).unwrap_or("");
    let start = line
        .char_indices()
        .nth(place.loc.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .find(|c: char| c.is_whitespace() || c == ',' || c == '}')
        .map_or(line.len(), |n| start + n)
        .max((start + 1).min(line.len()));
    Snippet::source(line)
        .line_start(line_index + 1)
        .path(place.file.as_ref())
        .annotation(AnnotationKind::Primary.span(start..end).label(label))
        .into()
}

/// Collects diagnostics across a stage so independent errors are reported together.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a diagnostic unless the same one (message and place) is already there: a shared
    /// schema reached twice is reported once.
    pub fn push(&mut self, d: Diagnostic) {
        let duplicate = self.items.iter().any(|e| {
            e.message == d.message
                && e.place.as_ref().map(|p| (&p.file, p.loc))
                    == d.place.as_ref().map(|p| (&p.file, p.loc))
        });
        if !duplicate {
            self.items.push(d);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Ends a stage: errors become `Err`, warnings are handed on.
    pub fn finish<T>(self, value: T) -> Result<(T, Vec<Diagnostic>), Error> {
        if self.has_errors() {
            Err(Error::new(self.items))
        } else {
            Ok((value, self.items))
        }
    }
}
