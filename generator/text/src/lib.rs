//! The text work of matrix-codegen, the code that handles strings a character at a time:
//! spec descriptions converted to rustdoc Markdown ([`doc`]) and Rust source written as text
//! from templates ([`mod@code`], the [`code!`] macro). Pure: no file system, no global state.

pub mod code;
pub mod doc;
#[cfg(test)]
mod print;
