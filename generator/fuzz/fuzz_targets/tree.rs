//! A small spec tree from arbitrary bytes: the input is split at NUL bytes, and the pieces
//! become, in order, the files below (two API documents, schemas they can `$ref` by these
//! names, an extension-less file, a Git symlink stand-in's target folder and a file outside
//! the API root). Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const FILES: &[&str] = &[
    "api/cs/doc.yaml",
    "api/cs/defs/a.yaml",
    "api/cs/defs/b.yaml",
    "api/cs/other.yaml",
    "schemas/c.yaml",
    "api/cs/defs/d",
    "api/identity/doc.yaml",
    "event-schemas/e.yaml",
];

fuzz_target!(|data: &[u8]| {
    let root = common::scratch();
    for (piece, name) in data.split(|b| *b == 0).zip(FILES) {
        common::write(&root, name, piece);
    }
    // `$ref: defs/events/e.yaml` reaches `event-schemas/` through a stand-in, as in matrix-doc.
    common::write(&root, "api/cs/defs/events", b"../../../event-schemas");
    common::generate(&root);
});
