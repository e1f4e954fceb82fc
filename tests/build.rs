//! Lists every example of the spec `matrix-api` is built from, with the generated type it
//! must round-trip through, as a table the `examples` test includes.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS");
    let api_root = match std::env::var_os("MATRIX_API_SPECS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-specs"),
    };
    let generated = match matrix_codegen::Config::new(&api_root).generate() {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{}", error.render(false));
            std::process::exit(1);
        }
    };
    for path in &generated.files_read {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let mut table = String::from("&[\n");
    for example in &generated.ir.examples {
        let json = example.value.to_string();
        let _ = writeln!(
            table,
            "    Example {{ type_path: {:?}, place: {:?}, json: {:?}, round_trip: round_trip::<matrix_api::{}> }},",
            example.type_path,
            example.place.to_string(),
            json,
            example.type_path
        );
    }
    table.push_str("]\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("examples.rs");
    if let Err(error) = matrix_codegen::write_if_changed(&out, &table) {
        eprintln!("cannot write {}: {error}", out.display());
        std::process::exit(1);
    }
}
