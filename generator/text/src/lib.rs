//! The text work of matrix-codegen, the code that handles strings a character at a time:
//! spec descriptions converted to rustdoc Markdown ([`doc`]) and token streams printed as Rust
//! source ([`print`]). Pure: no file system, no global state.

pub mod code;
pub mod doc;
pub mod print;
