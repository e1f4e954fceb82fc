//! The command-line front end: generate, check and list from a spec folder.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use matrix_codegen::{Config, Error, Generated};

/// Generates Rust types and route metadata from the Matrix API description.
///
/// SPEC is an API root: a folder with one sub-folder per API (`client-server`, `identity`,
/// ...), such as `api/` of matrix-doc or `data/api/` of matrix-spec.
#[derive(Parser)]
#[command(name = "matrix-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the generated Rust file, formatted (a build script writes the same tokens
    /// unformatted, unless its `Config` asks for `formatted(true)`).
    Generate {
        #[command(flatten)]
        spec: SpecArgs,
        /// The file to write; it is only touched when its content changes.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Validate the spec: report every error and warning with file:line:column.
    Check {
        #[command(flatten)]
        spec: SpecArgs,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// List the operations: API, operationId, method, path and Rust module path.
    List {
        #[command(flatten)]
        spec: SpecArgs,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// List the operations' tags, one a line: the `matrix-api` cargo feature that selects
    /// them and the tag (`tag-room-participation<TAB>Room participation`).
    Tags {
        #[command(flatten)]
        spec: SpecArgs,
    },
}

#[derive(Args)]
struct SpecArgs {
    /// The API root folder.
    #[arg(long)]
    spec: PathBuf,
    /// No file outside this folder is read [default: the folder above SPEC].
    #[arg(long)]
    root: Option<PathBuf>,
    /// Only these APIs (folder names, comma-separated), e.g. `client-server,identity`.
    #[arg(long, value_delimiter = ',')]
    api: Vec<String>,
    /// Path of the runtime module in generated code.
    #[arg(long, default_value = "::matrix_api::runtime")]
    runtime_path: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

impl SpecArgs {
    fn config(&self) -> Config {
        let mut config = Config::new(&self.spec);
        config
            .apis(self.api.iter().cloned())
            .runtime_path(self.runtime_path.clone());
        if let Some(root) = &self.root {
            config.boundary(root);
        }
        config
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    let result = match &cli.command {
        Command::Generate { spec, out } => spec
            .config()
            .write_to(out)
            .map(|g| report_warnings(&g, color)),
        Command::Check {
            spec,
            deny_warnings,
        } => {
            let mut config = spec.config();
            config.deny_warnings(*deny_warnings);
            config.generate().map(|g| {
                report_warnings(&g, color);
                let operations: usize = g.ir.modules.iter().map(|m| m.operations.len()).sum();
                eprintln!(
                    "ok: {} APIs, {operations} operations, {} files",
                    g.ir.modules.len(),
                    g.files_read.len()
                );
            })
        }
        Command::List { spec, format } => spec.config().generate().map(|g| list(&g, *format)),
        Command::Tags { spec } => spec.config().operation_tags().map(|tags| list_tags(&tags)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            print_error(&error, color);
            ExitCode::FAILURE
        }
    }
}

fn report_warnings(generated: &Generated, color: bool) {
    if !generated.warnings.is_empty() {
        eprint!("{}", Error::new(generated.warnings.clone()).render(color));
    }
}

fn print_error(error: &Error, color: bool) {
    eprint!("{}", error.render(color));
    let count = error.errors().count();
    eprintln!(
        "error: generation failed with {count} error{}",
        if count == 1 { "" } else { "s" }
    );
}

/// Prints one line per operation. A reader that stops early (`| head`) ends the listing
/// quietly: a closed pipe is not an error of ours.
fn list(generated: &Generated, format: ListFormat) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for module in &generated.ir.modules {
        for op in &module.operations {
            let module_path = format!("{}::{}", module.ident, op.ident.trim_start_matches("r#"));
            let written = match format {
                ListFormat::Text => writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    module.api_name, op.operation_id, op.method, op.path, module_path
                ),
                ListFormat::Json => writeln!(
                    out,
                    "{}",
                    serde_json::json!({
                        "api": module.api_name,
                        "operationId": op.operation_id,
                        "method": op.method.as_str(),
                        "path": op.path,
                        "module": module_path,
                    })
                ),
            };
            if written.is_err() {
                return;
            }
        }
    }
}

/// Prints each tag with its feature; a tag without one (no letter or digit) has `-`.
fn list_tags(tags: &[String]) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for tag in tags {
        let feature = matrix_codegen::tag_feature(tag).unwrap_or_else(|| "-".to_owned());
        if writeln!(out, "{feature}\t{tag}").is_err() {
            return;
        }
    }
}
