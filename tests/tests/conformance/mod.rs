//! What the two conformance tables (`examples.rs`, `event_examples.rs`) share: judging a value
//! by its own JSON Schema, with the Matrix identifier formats checked by the runtime's types.

use matrix_api::runtime::identifiers::{
    Base64, Email, EventId, MxcUri, RoomAliasId, RoomId, ServerName, Uri, UrlSafeBase64, UserId,
};

/// A string format's name and its check.
pub type FormatCheck = (&'static str, fn(&str) -> bool);

/// The string formats the runtime has types for, checked by those types.
pub fn format_checks() -> [FormatCheck; 10] {
    [
        ("mx-user-id", |s| UserId::parse(s).is_ok()),
        ("mx-room-id", |s| RoomId::parse(s).is_ok()),
        ("mx-event-id", |s| EventId::parse(s).is_ok()),
        ("mx-room-alias", |s| RoomAliasId::parse(s).is_ok()),
        ("mx-server-name", |s| ServerName::parse(s).is_ok()),
        ("mx-mxc-uri", |s| MxcUri::parse(s).is_ok()),
        ("mx-unpadded-base64", |s| Base64::parse(s).is_ok()),
        ("mx-urlsafe-unpadded-base64", |s| {
            UrlSafeBase64::parse(s).is_ok()
        }),
        ("uri", |s| Uri::parse(s).is_ok()),
        ("email", |s| Email::parse(s).is_ok()),
    ]
}

/// Why `value` breaks `schema`, if it does: the validator's first reason. `Err` when the
/// schema itself cannot be compiled.
pub fn violation(schema: &str, value: &serde_json::Value) -> Result<Option<String>, String> {
    let schema: serde_json::Value =
        serde_json::from_str(schema).map_err(|e| format!("schema is not JSON: {e}"))?;
    let mut options = jsonschema::options().should_validate_formats(true);
    for (format, check) in format_checks() {
        options = options.with_format(format, check);
    }
    let validator = options
        .build(&schema)
        .map_err(|e| format!("schema does not compile: {e}"))?;
    let Some(error) = validator.iter_errors(value).next() else {
        return Ok(None);
    };
    let at = error.instance_path().to_string();
    let at = if at.is_empty() { "/".to_owned() } else { at };
    Ok(Some(match error.kind() {
        jsonschema::error::ValidationErrorKind::Format { format }
            if format_checks().iter().any(|(f, _)| f == format) =>
        {
            format!("malformed {format} value {} at {at}", error.instance())
        }
        _ => format!("{error} (at {at})"),
    }))
}
