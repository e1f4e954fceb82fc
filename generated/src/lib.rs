//! Matrix API types, generated at build time from the Matrix API description.
//!
//! One module per API (`client_server`, `identity`, ...); inside, one module per operation
//! with its `Request`, `Response` and [`runtime::Metadata`]. Shared schemas are types of the
//! API module. The build script reads `../api-specs`, or the API root named by the
//! `MATRIX_API_SPECS` environment variable.

#![forbid(unsafe_code)]

/// The hand-written runtime the generated code calls (the `matrix-api-runtime` crate).
pub use matrix_api_runtime as runtime;

include!(concat!(env!("OUT_DIR"), "/matrix_api.rs"));
