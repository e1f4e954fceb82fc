//! Generates Rust request/response types and route metadata from the Matrix API description.
//!
//! The pipeline has one stage per module, each taking the previous stage's output:
//! [`load`] (YAML with positions) → [`resolve`] (`$ref`, `allOf`) → [`model`] (one model for
//! Swagger 2.0 and OpenAPI 3.x) → [`ir`] (Rust names and types) → [`emit`] (formatted code).
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

pub mod diagnostic;
pub mod doc;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod naming;
pub mod resolve;

use std::path::{Path, PathBuf};

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
    client: Gate,
    path_defaults: Vec<(String, String)>,
    /// `format_type` choices, over [`DEFAULT_FORMAT_TYPES`].
    format_types: Vec<(String, String)>,
}

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

/// The result of a generation.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source.
    pub code: String,
    /// Every file read, in the order read: the build script's `rerun-if-changed` list.
    pub files_read: Vec<PathBuf>,
    /// The API folders, also watched: a document added to one must be read.
    pub api_dirs: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    /// The IR the code was printed from (operations, types, examples).
    pub ir: ir::Ir,
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
            client: Gate::Off,
            path_defaults: emit::EmitOptions::default().path_defaults,
            format_types: Vec::new(),
        }
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

    /// Emit the impls that let `runtime::client::Client` send each request. Off by default:
    /// they need the runtime's `client` feature (reqwest).
    pub fn client(&mut self, gate: Gate) -> &mut Self {
        self.client = gate;
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

    /// Treat warnings (duplicate keys, `type: enum`, ...) as errors.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Self {
        self.deny_warnings = deny;
        self
    }

    /// Runs the whole pipeline and returns the code; writes nothing.
    pub fn generate(&self) -> Result<Generated, Error> {
        with_large_stack(|| self.run_pipeline()).map_err(|e| {
            Error::single(Diagnostic::error(
                format!("cannot start the generator's thread: {e}"),
                None,
            ))
        })?
    }

    fn run_pipeline(&self) -> Result<Generated, Error> {
        let sources = load::load(&load::LoadOptions {
            api_root: self.api_root.clone(),
            boundary: self.boundary.clone(),
            apis: self.apis.clone(),
        })?;
        let files_read = sources.files_read.clone();
        let api_dirs = sources.api_dirs.clone();
        let texts = sources.texts();
        let resolved = resolve::resolve(sources)?;
        let spec = model::build(&resolved)?;
        let format_types = self.format_table();
        let ir_options = ir::IrOptions {
            typed_formats: format_types.iter().map(|(f, _)| f.clone()).collect(),
        };
        let ir = ir::build_with(&spec, &ir_options).map_err(|e| e.with_sources(&texts))?;
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
        let code = emit::emit(
            &ir,
            &emit::EmitOptions {
                runtime_path: self.runtime_path.clone(),
                server: self.server.clone(),
                client: self.client.clone(),
                path_defaults: self.path_defaults.clone(),
                format_types,
            },
        )?;
        Ok(Generated {
            code,
            files_read,
            api_dirs,
            warnings: ir.warnings.clone(),
            ir,
        })
    }

    /// Generates and writes `out` (only if its content changes, via a temporary file renamed
    /// into place, so a failed run leaves the old file untouched).
    pub fn write_to(&self, out: &Path) -> Result<Generated, Error> {
        let generated = self.generate()?;
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
    /// warning. Returns the written path.
    pub fn compile(&self, file_name: &str) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Error::single(Diagnostic::error(
                "OUT_DIR is not set: `compile` is meant for build scripts",
                None,
            ))
        })?;
        let out = Path::new(&out_dir).join(file_name);
        // A failed build script always runs again, so only success needs the file list.
        let generated = self.write_to(&out)?;
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
