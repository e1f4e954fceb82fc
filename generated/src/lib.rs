//! Matrix API types, generated at build time from the Matrix API description.
//!
//! One module per API (`client_server`, `identity`, ...); inside, one module per operation
//! with its `Request`, `Response` and [`runtime::Metadata`]. Shared schemas are types of the
//! API module. The build script reads `../api-specs`, or the API root named by the
//! `MATRIX_API_SPECS` environment variable.

// `deny`, not `forbid`: the one unsafe cast of `runtime::identifiers` (borrowing a checked
// `&str` as an unsized identifier type) is allowed where it is written.
#![deny(unsafe_code)]

pub mod runtime;

include!(concat!(env!("OUT_DIR"), "/matrix_api.rs"));
