//! Generates the crate's API modules from `../api-specs`, or the API root named by
//! `MATRIX_API_SPECS`. What the features and the `MATRIX_API_*` variables select is
//! [`matrix_codegen::build_script`]'s: the APIs (`all-apis`, a default feature, or the API
//! features `client-server`, `server-server`, `application-service`, `identity`,
//! `push-gateway`), the server code (`server`), the typed `events` module (`events`, a
//! default one) and the operations (`tag-*` features, `MATRIX_API_OPERATIONS`,
//! `MATRIX_API_TAGS`, `MATRIX_API_PATH_PREFIXES`). The logic lives in the library, compiled
//! once as a dependency: this file is compiled again with every cold build of the crate.

fn main() {
    let api_root = concat!(env!("CARGO_MANIFEST_DIR"), "/../api-specs");
    let script = matrix_codegen::build_script::BuildScript::new(api_root, "MATRIX_API");
    if let Err(error) = script.run() {
        eprintln!("{}", error.render(false));
        std::process::exit(1);
    }
}
