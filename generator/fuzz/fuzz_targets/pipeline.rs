//! Arbitrary bytes as the one API document of a spec (`api/cs/doc.yaml`), through the whole
//! pipeline: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let root = common::scratch();
    common::write(&root, "api/cs/doc.yaml", data);
    common::generate(&root);
});
