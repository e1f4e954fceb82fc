//! Generates Rust request/response types and route metadata from the Matrix API description.
//!
//! The pipeline has one stage per module, each taking the previous stage's output: `load`
//! (YAML with positions) → `resolve` (`$ref`, `allOf`) → `model` (one model for Swagger 2.0
//! and OpenAPI 3.x) → `ir` (a type space: one type per shape, placed by use, named from the
//! spec) → `emit` (Rust code). The stages are internal; the API is [`Config`],
//! [`Generated`] and the [`diagnostic`]s.
//!
//! From a build script:
//!
//! ```no_run
//! // build.rs
//! let result = matrix_codegen::Config::new("api-specs")
//!     .runtime_path("::matrix_api::runtime")
//!     .compile("matrix_api.rs");
//! if let Err(error) = result {
//!     eprintln!("{}", error.render(false));
//!     std::process::exit(1);
//! }
//! ```

// The stages are public for the project's own stage tests and benchmarks only: hidden from
// the docs and not part of the API, so reworking a stage is not a breaking change. The API is
// `Config`, `Generated`, the diagnostics and `build_script`.
pub mod build_script;
pub mod diagnostic;
#[doc(hidden)]
pub use matrix_codegen_text::doc;
#[doc(hidden)]
pub mod emit;
#[doc(hidden)]
pub mod events;
#[doc(hidden)]
pub mod ir;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod model;
#[doc(hidden)]
pub mod naming;
#[doc(hidden)]
pub mod resolve;

use std::path::{Path, PathBuf};

/// The generator's hash maps and sets: foldhash rather than SipHash. Every stage hashes the
/// spec's names and pointers, and SipHash was a few percent of generation; iteration order is
/// random either way, so nothing emitted depends on it.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
/// The resolved tree's and the model's ordered maps, hashed likewise (the order is the
/// insertion order, whatever the hasher).
pub(crate) type IndexMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::RandomState>;

pub use diagnostic::{Diagnostic, Error, Severity};
pub use emit::Gate;

/// What to generate from, and how. Build it with [`Config::new`] and the setters.
#[derive(Clone, Debug)]
pub struct Config {
    api_root: PathBuf,
    boundary: Option<PathBuf>,
    apis: Vec<String>,
    runtime_path: String,
    deny_warnings: bool,
    server: Gate,
    path_defaults: Vec<(String, String)>,
    spec_version: Option<String>,
    selection: Selection,
    /// `format_type` choices, over [`DEFAULT_FORMAT_TYPES`].
    format_types: Vec<(String, String)>,
    /// [`Config::formatted`]; `None`: formatted by `generate` and `write_to` (with the `format`
    /// feature), not by `compile`.
    formatted: Option<bool>,
    /// [`Config::events`]
    events: Gate,
    /// [`Config::typed_events`]
    typed_events: bool,
    /// [`Config::event_schemas`]; `None`: found beside the API root.
    event_schemas: Option<PathBuf>,
    /// [`Config::example_schemas`]
    example_schemas: bool,
}

/// Whether `generate` and `write_to` format when [`Config::formatted`] was not called: only
/// with the `format` feature, which brings syn and prettyplease.
const FORMAT_BY_DEFAULT: bool = cfg!(feature = "format");

/// The string formats of the spec that get a type of their own by default, and the name of
/// that type in the runtime's `identifiers` module (`{runtime_path}::identifiers::OwnedUserId`).
/// The same table as `matrix_api::runtime::identifiers::FORMATS` (a test keeps them equal).
pub const DEFAULT_FORMAT_TYPES: &[(&str, &str)] = &[
    ("mx-user-id", "OwnedUserId"),
    ("mx-room-id", "OwnedRoomId"),
    ("mx-event-id", "OwnedEventId"),
    ("mx-room-alias", "OwnedRoomAliasId"),
    ("mx-server-name", "OwnedServerName"),
    ("mx-mxc-uri", "OwnedMxcUri"),
    ("mx-unpadded-base64", "OwnedBase64"),
    ("mx-urlsafe-unpadded-base64", "OwnedUrlSafeBase64"),
    ("uri", "OwnedUri"),
    ("email", "OwnedEmail"),
];

/// [`DEFAULT_FORMAT_TYPES`] as full paths below `runtime_path`.
pub fn default_format_types(runtime_path: &str) -> Vec<(String, String)> {
    DEFAULT_FORMAT_TYPES
        .iter()
        .map(|(format, name)| {
            (
                (*format).to_owned(),
                format!("{runtime_path}::identifiers::{name}"),
            )
        })
        .collect()
}

/// Which operations to generate (with the types they reach): those named by any selector;
/// every operation when there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Selection {
    operation_ids: Vec<String>,
    tags: Vec<String>,
    path_prefixes: Vec<String>,
}

impl Selection {
    fn is_everything(&self) -> bool {
        self.operation_ids.is_empty() && self.tags.is_empty() && self.path_prefixes.is_empty()
    }

    fn selects(&self, op: &model::Operation) -> bool {
        self.is_everything()
            || self.operation_ids.contains(&op.operation_id)
            || op.tags.iter().any(|t| self.tags.contains(t))
            || self
                .path_prefixes
                .iter()
                .any(|p| op.path.starts_with(p.as_str()))
    }

    /// Keeps the selected operations; a selector that selects nothing is a warning (a typo, or
    /// an operation this spec version does not have).
    fn apply(&self, spec: &mut model::Spec) {
        if self.is_everything() {
            return;
        }
        let all = || spec.apis.iter().flat_map(|a| &a.operations);
        let mut unused: Vec<String> = Vec::new();
        for id in &self.operation_ids {
            if !all().any(|op| op.operation_id == *id) {
                unused.push(format!("operationId `{id}`"));
            }
        }
        for tag in &self.tags {
            if !all().any(|op| op.tags.contains(tag)) {
                unused.push(format!("tag `{tag}`"));
            }
        }
        for prefix in &self.path_prefixes {
            if !all().any(|op| op.path.starts_with(prefix.as_str())) {
                unused.push(format!("path prefix `{prefix}`"));
            }
        }
        for what in unused {
            spec.warnings.push(Diagnostic::warning(
                format!("the selection names {what}, which no operation of this spec has"),
                None,
            ));
        }
        for api in &mut spec.apis {
            api.operations.retain(|op| self.selects(op));
        }
    }
}

/// The cargo feature of `matrix-api` that selects the operations tagged `tag`: `tag-` and the
/// tag in lowercase, each run of characters other than ASCII letters and digits one `-`, none
/// at either end (`Room participation` → `tag-room-participation`). `None` for a tag without
/// a letter or digit. Tags that differ only in case or punctuation share a feature.
pub fn tag_feature(tag: &str) -> Option<String> {
    let mut feature = String::from("tag");
    for word in tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        feature.push('-');
        feature.push_str(&word.to_ascii_lowercase());
    }
    (feature.len() > "tag".len()).then_some(feature)
}

/// The result of a generation.
#[derive(Debug)]
#[non_exhaustive]
pub struct Generated {
    /// The Rust source, formatted or not as [`Config::formatted`] chose.
    pub code: String,
    /// Every file read, in the order read: the build script's `rerun-if-changed` list.
    pub files_read: Vec<PathBuf>,
    /// The API folders, also watched: a document added to one must be read.
    pub api_dirs: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    /// The IR the code was printed from (operations, types, examples): for the project's
    /// own tests, not part of the API.
    #[doc(hidden)]
    pub ir: ir::Ir,
    /// The events module's IR (with the event examples), when one was generated.
    #[doc(hidden)]
    pub events: Option<events::EventsIr>,
}

impl Config {
    /// `api_root` is the folder holding one sub-folder per API (`client-server`, `identity`,
    /// ...): `api/` of matrix-doc or `data/api/` of matrix-spec.
    pub fn new(api_root: impl Into<PathBuf>) -> Self {
        Config {
            api_root: api_root.into(),
            boundary: None,
            apis: Vec::new(),
            runtime_path: emit::EmitOptions::default().runtime_path,
            deny_warnings: false,
            server: Gate::Off,
            path_defaults: emit::EmitOptions::default().path_defaults,
            spec_version: None,
            selection: Selection::default(),
            format_types: Vec::new(),
            formatted: None,
            events: Gate::Always,
            typed_events: true,
            event_schemas: None,
            example_schemas: false,
        }
    }

    /// Emit the `events` module (typed event contents, kinds and per kind an enum) from the
    /// event schemas (see [`Config::event_schemas`]); on by default, when the spec has them.
    /// `Gate::Feature("events")` puts it behind that feature of the including crate.
    pub fn events(&mut self, gate: Gate) -> &mut Self {
        self.events = gate;
        self
    }

    /// With `false`, the `events` module holds no event types: each kind's enum and each
    /// timeline union the API's fields name is a JSON object, as under `Gate::Feature` with
    /// the feature off, and that is all (no gate). For a build script that knows the feature
    /// is off: the event types are then neither generated nor parsed by rustc. The API's own
    /// code is the same either way. `true` by default; no effect with `Gate::Off`.
    pub fn typed_events(&mut self, typed: bool) -> &mut Self {
        self.typed_events = typed;
        self
    }

    /// Whether the examples in [`Generated`]'s IR carry their schemas, as self-contained JSON
    /// Schema to check them against (the project's own tests do). No generated code needs them
    /// and rendering them was 6% of a selection's build-script run, so `false` by default.
    #[doc(hidden)]
    pub fn example_schemas(&mut self, keep: bool) -> &mut Self {
        self.example_schemas = keep;
        self
    }

    /// The folder of event schemas (`event-schemas/schema` of the spec, with
    /// `core-event-schema/` inside and `../examples/` beside it). By default
    /// `<api root>/../event-schemas/schema`, else `<api root>/event-schemas/schema`, where one
    /// exists; it must lie inside the boundary.
    pub fn event_schemas(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.event_schemas = Some(dir.into());
        self
    }

    /// The Rust type of strings of a spec format, like prost's `extern_path`:
    /// `format_type("mx-user-id", "::ruma_common::OwnedUserId")`. By default each format of
    /// [`DEFAULT_FORMAT_TYPES`] is the runtime's type of it; other formats are `String`, and
    /// `format_type(format, "String")` makes a format plain `String` again. The type must
    /// implement `Display`, `FromStr` (with an error that is `Display`), `Clone`, `Debug`,
    /// `PartialEq`, serde's traits, and `Ord` where it keys a map.
    pub fn format_type(
        &mut self,
        format: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> &mut Self {
        let format = format.into();
        self.format_types.retain(|(f, _)| *f != format);
        self.format_types.push((format, rust_path.into()));
        self
    }

    /// The type of every typed format: the defaults under the runtime path, then the choices
    /// of [`Config::format_type`]; formats chosen to be `String` are left out.
    fn format_table(&self) -> Vec<(String, String)> {
        let mut table = default_format_types(&self.runtime_path);
        for (format, path) in &self.format_types {
            table.retain(|(f, _)| f != format);
            table.push((format.clone(), path.clone()));
        }
        table.retain(|(_, path)| {
            !matches!(
                path.trim(),
                "String" | "::std::string::String" | "std::string::String"
            )
        });
        table
    }

    /// Generate only these operations (by `operationId`), with the types they reach. The
    /// selectors (`operations`, `tags`, `path_prefixes`) add up; without any, everything is
    /// generated. A selector that matches nothing is a warning.
    pub fn operations<I, S>(&mut self, operation_ids: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.selection
            .operation_ids
            .extend(operation_ids.into_iter().map(Into::into));
        self
    }

    /// Generate the operations carrying any of these spec `tags` (`Room participation`, ...).
    pub fn tags<I, S>(&mut self, tags: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.selection.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Generate the operations whose path template (base path included, as `matrix-codegen
    /// list` prints it) starts with any of these prefixes.
    pub fn path_prefixes<I, S>(&mut self, prefixes: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.selection
            .path_prefixes
            .extend(prefixes.into_iter().map(Into::into));
        self
    }

    /// No file outside this folder is read. Defaults to the folder above the API root, which
    /// holds the spec's shared `schemas/` and `event-schemas/`.
    pub fn boundary(&mut self, boundary: impl Into<PathBuf>) -> &mut Self {
        self.boundary = Some(boundary.into());
        self
    }

    /// Generate only these APIs (folder names such as `client-server`); all by default.
    pub fn apis<I, S>(&mut self, apis: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.apis = apis.into_iter().map(Into::into).collect();
        self
    }

    /// Where generated code finds the runtime (`Metadata`, `Authentication`); defaults to
    /// `::matrix_api::runtime`.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime_path = path.into();
        self
    }

    /// Emit each API's server trait and axum router (`Gate::Feature("server")` puts them behind
    /// that feature of the including crate). Off by default: it needs `axum`.
    pub fn server(&mut self, gate: Gate) -> &mut Self {
        self.server = gate;
        self
    }

    /// Does nothing: every `Request` implements the runtime's `OutgoingRequest`, which
    /// `runtime::client::Client` (the runtime's `client` feature) sends. Kept so that
    /// existing build scripts compile.
    #[deprecated(note = "client code is always generated; remove the call")]
    pub fn client(&mut self, _gate: Gate) -> &mut Self {
        self
    }

    /// The default of a base-path variable the spec leaves open, e.g.
    /// `("client_major_version", "r0")`; `client_major_version` defaults to `v3`.
    pub fn path_default(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.path_defaults.retain(|(n, _)| *n != name);
        self.path_defaults.push((name, value.into()));
        self
    }

    /// The version of the spec's site (`https://spec.matrix.org/<version>/`) that docs link
    /// to: `v1.11`, `unstable`, `latest`. By default the version the spec's `info.version`
    /// names, if it names one (`v1.x`), else `latest`.
    pub fn spec_version(&mut self, version: impl Into<String>) -> &mut Self {
        self.spec_version = Some(version.into());
        self
    }

    /// Whether the code is formatted (parsed into a `syn::File` and printed by `prettyplease`)
    /// or written as the token stream prints itself: the same tokens, so the same compiled
    /// code, emitted in about a third of the time, but on long lines. By default
    /// [`Config::generate`] and [`Config::write_to`] (and so the CLI) format, for files people
    /// read and check in, and
    /// [`Config::compile`] does not, since a build script's `OUT_DIR` is read by the compiler
    /// only. `formatted(true)` in a build script makes its output readable (and
    /// byte-identical to `matrix-codegen generate`).
    ///
    /// Formatting needs the `format` feature (on with the default `cli` feature): without it
    /// `generate` and `write_to` default to unformatted, and `formatted(true)` makes them
    /// return an error saying so.
    pub fn formatted(&mut self, formatted: bool) -> &mut Self {
        self.formatted = Some(formatted);
        self
    }

    /// Treat warnings (duplicate keys, `type: enum`, ...) as errors.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Self {
        self.deny_warnings = deny;
        self
    }

    /// Runs the whole pipeline and returns the code (formatted unless
    /// [`Config::formatted`]`(false)` or without the `format` feature); writes nothing.
    pub fn generate(&self) -> Result<Generated, Error> {
        self.generate_formatted(self.formatted.unwrap_or(FORMAT_BY_DEFAULT))
    }

    fn generate_formatted(&self, formatted: bool) -> Result<Generated, Error> {
        on_pipeline_thread(|| self.run_pipeline(formatted))
    }

    fn run_pipeline(&self, formatted: bool) -> Result<Generated, Error> {
        let event_dir = match (&self.events, &self.event_schemas) {
            (Gate::Off, _) => None,
            (_, Some(dir)) => Some(dir.clone()),
            (_, None) => events::discover(&self.api_root),
        };
        let event_sets = event_dir
            .as_deref()
            .map(|dir| events::document_sets(dir, self.typed_events))
            .unwrap_or_default();
        let mut sources = load::load_with_documents(&self.load_options(), &event_sets)?;
        let files_read = sources.files_read.clone();
        let mut api_dirs = sources.api_dirs.clone();
        api_dirs.extend(event_dir.iter().cloned());
        let texts = sources.texts();
        let event_examples = events::take_examples(&mut sources);
        let mut resolved = resolve::resolve(sources)?;
        let event_sources = events::take_sets(&mut resolved.apis, event_examples);
        let event_plan = match &event_sources {
            Some(sets) => Some(events::plan(&resolved, sets)?),
            None => None,
        };
        let roots = event_plan
            .as_ref()
            .map(events::Plan::roots)
            .unwrap_or_default();
        let (mut spec, root_schemas) =
            model::build_with_schemas(&resolved, &roots, self.example_schemas)?;
        self.selection.apply(&mut spec);
        let format_types = self.format_table();
        let ir_options = ir::IrOptions {
            typed_formats: format_types.iter().map(|(f, _)| f.clone()).collect(),
            event_kinds: Vec::new(),
        };
        // The API's event fields are typed by the event kinds; the events' own contents are not.
        let api_ir_options = ir::IrOptions {
            event_kinds: event_plan
                .as_ref()
                .map(events::Plan::kind_shapes)
                .unwrap_or_default(),
            ..ir_options.clone()
        };
        let ir = ir::build_with(&spec, &api_ir_options).map_err(|e| e.with_sources(&texts))?;
        let events = match &event_plan {
            Some(plan) if self.typed_events => Some(events::build(
                &resolved,
                plan,
                &spec,
                &root_schemas,
                &ir_options,
            )?),
            _ => None,
        };
        if self.deny_warnings && !ir.warnings.is_empty() {
            let diagnostics = ir
                .warnings
                .iter()
                .cloned()
                .map(|mut d| {
                    d.severity = Severity::Error;
                    d
                })
                .collect();
            return Err(Error::new(diagnostics).with_sources(&texts));
        }
        // The stages before emit are done with: their memory goes back to the allocator for
        // emit's text, instead of the process growing by as much again.
        let has_event_plan = event_plan.is_some();
        drop(event_plan); // first: it borrows `resolved`
        drop((resolved, spec, root_schemas, event_sources));
        let events_module = match &events {
            Some(events) => Some(emit::EventsModule::Typed(events, &self.events)),
            None if has_event_plan => Some(emit::EventsModule::Json(
                api_ir_options
                    .event_kinds
                    .iter()
                    .map(|kind| kind.enum_name.clone())
                    .collect(),
            )),
            None => None,
        };
        let code = emit::emit_with_events(
            &ir,
            events_module,
            &emit::EmitOptions {
                runtime_path: self.runtime_path.clone(),
                server: self.server.clone(),
                path_defaults: self.path_defaults.clone(),
                spec_version: self.spec_version.clone(),
                format_types,
                formatted,
            },
        )?;
        Ok(Generated {
            code,
            files_read,
            api_dirs,
            warnings: ir.warnings.clone(),
            ir,
            events,
        })
    }

    /// What the load stage reads: the API root, the boundary and the chosen APIs.
    fn load_options(&self) -> load::LoadOptions {
        load::LoadOptions {
            api_root: self.api_root.clone(),
            boundary: self.boundary.clone(),
            apis: self.apis.clone(),
        }
    }

    /// The distinct tags of the chosen APIs' operations, sorted: what [`Config::tags`] can
    /// select (the selectors are not applied). Loads and models the spec, generates nothing.
    pub fn operation_tags(&self) -> Result<Vec<String>, Error> {
        let options = self.load_options();
        let run = || -> Result<Vec<String>, Error> {
            let spec = model::build(&resolve::resolve(load::load(&options)?)?)?;
            let tags: std::collections::BTreeSet<String> = spec
                .apis
                .iter()
                .flat_map(|api| &api.operations)
                .flat_map(|op| op.tags.iter().cloned())
                .collect();
            Ok(tags.into_iter().collect())
        };
        on_pipeline_thread(run)
    }

    /// Generates and writes `out` (only if its content changes, via a temporary file renamed
    /// into place, so a failed run leaves the old file untouched). Formatted unless
    /// [`Config::formatted`]`(false)` or without the `format` feature.
    pub fn write_to(&self, out: &Path) -> Result<Generated, Error> {
        self.write_formatted(out, self.formatted.unwrap_or(FORMAT_BY_DEFAULT))
    }

    fn write_formatted(&self, out: &Path, formatted: bool) -> Result<Generated, Error> {
        let generated = self.generate_formatted(formatted)?;
        write_if_changed(out, &generated.code).map_err(|e| {
            Error::single(Diagnostic::error(
                format!("cannot write {}: {e}", out.display()),
                None,
            ))
        })?;
        Ok(generated)
    }

    /// For build scripts: writes `$OUT_DIR/<file_name>` and prints `cargo:rerun-if-changed` for
    /// every file read and for each API folder (so a new document is picked up; cargo watches a
    /// folder's files, and API folders hold only spec files), and `cargo:warning` for every
    /// warning. Returns the written path. Unformatted unless [`Config::formatted`]`(true)`.
    pub fn compile(&self, file_name: &str) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Error::single(Diagnostic::error(
                "OUT_DIR is not set: `compile` is meant for build scripts",
                None,
            ))
        })?;
        let out = Path::new(&out_dir).join(file_name);
        // A failed build script always runs again, so only success needs the file list.
        let generated = self.write_formatted(&out, self.formatted.unwrap_or(false))?;
        for path in generated.files_read.iter().chain(&generated.api_dirs) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        for warning in &generated.warnings {
            println!("cargo:warning={}", warning.to_string().replace('\n', " "));
        }
        Ok(out)
    }
}

/// Stack for the pipeline's thread. Every stage recurses over the document's nesting, which
/// the YAML budget caps at 200 levels; reserved address space, mostly never touched.
const PIPELINE_STACK_BYTES: usize = 256 << 20;

/// A pipeline run on the large-stack thread of [`with_large_stack`]; a thread that cannot be
/// started is the run's error.
fn on_pipeline_thread<T: Send>(run: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
    with_large_stack(run).map_err(|e| {
        Error::single(Diagnostic::error(
            format!("cannot start the generator's thread: {e}"),
            None,
        ))
    })?
}

/// Runs `f` on a thread with a stack large enough for the deepest document the loader admits,
/// so deep nesting ends in an error message rather than a stack overflow.
pub(crate) fn with_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("matrix-codegen".into())
            .stack_size(PIPELINE_STACK_BYTES)
            .spawn_scoped(scope, f)?;
        match handle.join() {
            Ok(value) => Ok(value),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Writes `content` to `path` unless it already holds exactly that, so an unchanged spec does
/// not make dependent crates rebuild.
pub fn write_if_changed(path: &Path, content: &str) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("out.rs");
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, content)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })?;
    Ok(true)
}

/// Stable sort of `items` by `compare`, as `sort_by` orders them. The standard sort is a
/// large generic function, compiled anew for every element type and comparator; this one
/// sorts indices with a `dyn` comparator, so one copy of it serves every caller and each
/// caller compiles only the small permutation below.
pub(crate) fn sort_stable_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let order = sorted_indices(items.len(), &|a, b| compare(&items[a], &items[b]));
    for (a, b) in swaps_into(order) {
        items.swap(a, b);
    }
}

/// [`sort_stable_by`] on the items' own order (`sort`).
pub(crate) fn sort_stable<T: Ord>(items: &mut [T]) {
    sort_stable_by(items, T::cmp);
}

/// [`sort_stable`], then each item once: a sorted set as a `Vec`.
pub(crate) fn sort_unique<T: Ord>(items: &mut Vec<T>) {
    sort_stable(items);
    items.dedup();
}

/// Whether no two of `items` are equal.
pub(crate) fn all_distinct<T: Ord>(items: &[T]) -> bool {
    let mut distinct: Vec<&T> = items.iter().collect();
    sort_unique(&mut distinct);
    distinct.len() == items.len()
}

fn sorted_indices(len: usize, compare: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Swaps that take a slice to `order` (position `i` receiving the item at `order[i]`),
/// applied first to last.
fn swaps_into(order: Vec<usize>) -> Vec<(usize, usize)> {
    // `position[item]`: where an original item is now; `item_at[p]`: which item is at p.
    let mut position: Vec<usize> = (0..order.len()).collect();
    let mut item_at = position.clone();
    let mut swaps = Vec::new();
    for (target, &item) in order.iter().enumerate() {
        let from = position[item];
        if from != target {
            swaps.push((target, from));
            let displaced = item_at[target];
            item_at[from] = displaced;
            position[displaced] = from;
            item_at[target] = item;
            position[item] = target;
        }
    }
    swaps
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard stable sort, ties included (keys collide often,
        /// and each item remembers its original position).
        #[test]
        fn sort_stable_by_is_sort_by(keys in proptest::collection::vec(0u8..8, 0..64)) {
            let items: Vec<(u8, usize)> = keys.into_iter().zip(0..).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut sorted = items;
            super::sort_stable_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(sorted, expected);
        }

        #[test]
        fn sort_unique_is_a_sorted_set(items in proptest::collection::vec(0u8..8, 0..32)) {
            let set: std::collections::BTreeSet<u8> = items.iter().copied().collect();
            prop_assert_eq!(super::all_distinct(&items), set.len() == items.len());
            let mut unique = items;
            super::sort_unique(&mut unique);
            prop_assert_eq!(unique, set.into_iter().collect::<Vec<_>>());
        }
    }
}
