//! Consumer-side integration tests live in `tests/`.
