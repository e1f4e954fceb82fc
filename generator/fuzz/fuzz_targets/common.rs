//! Shared by the fuzz targets: a scratch spec tree per process, and the checks every run
//! must pass.

use std::path::{Path, PathBuf};

/// A folder of this process's own, emptied for every input. It lives in the (git-ignored)
/// `target/` folder, so the many processes `cargo fuzz tmin` starts leave nothing elsewhere.
pub fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/scratch")
        .join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Writes `bytes` to `root/relative`, creating folders.
pub fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, bytes).expect("write");
}

/// Runs load → resolve → model → IR → emit on the API root `root/api`. A panic is the crash
/// libFuzzer reports; a failure must be errors with real positions.
pub fn generate(root: &Path) {
    let result = matrix_codegen::Config::new(root.join("api")).generate();
    if let Err(error) = result {
        assert!(
            error.errors().next().is_some(),
            "a failure without an error: {error:?}"
        );
        for d in &error.diagnostics {
            let places = d
                .place
                .iter()
                .chain(&d.ref_chain)
                .chain(d.related.iter().map(|(_, p)| p));
            for p in places {
                assert!(
                    p.loc.line >= 1 && p.loc.column >= 1,
                    "a place without a position: {d}"
                );
            }
        }
    }
}
