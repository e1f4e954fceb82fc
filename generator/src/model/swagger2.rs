//! Swagger 2.0, with the Matrix dialect: `basePath` with `%VARIABLES%`, `securityDefinitions`,
//! `consumes`/`produces`, `in: body` parameters, non-body parameters typed on the parameter
//! itself, response `schema` and `examples` by media type.

use crate::IndexMap;

use super::builder::{
    Builder, Dialect, DocumentContext, example_value, is_json_media_type, schema_examples,
};
use super::{BaseVariable, Body, BodyKind, Example, ParamLocation, ParamStyle, Schema, SchemaKind};
use crate::load::escape_pointer;
use crate::resolve::RNode;

pub(super) struct Swagger2;

impl Dialect for Swagger2 {
    fn base_path(&self, _: &mut Builder<'_>, doc: &RNode) -> (String, Vec<BaseVariable>) {
        let raw = doc.get("basePath").and_then(RNode::as_str).unwrap_or("");
        swagger_base_path(raw)
    }

    fn security_schemes<'n>(&self, _: &Builder<'n>, doc: &'n RNode) -> Option<&'n RNode> {
        doc.get("securityDefinitions")
    }

    fn media_types(&self, doc: &RNode) -> (Vec<String>, Vec<String>) {
        let strings = |node: Option<&RNode>| -> Vec<String> {
            node.and_then(RNode::as_seq)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(RNode::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        (strings(doc.get("consumes")), strings(doc.get("produces")))
    }

    /// A non-body parameter's type is described on the parameter itself.
    fn parameter_schema(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        _: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Schema {
        b.schema(param, pointer)
    }

    /// Swagger 2.0 has no `requestBody`: the body is an `in: body` parameter.
    fn request_body(
        &self,
        _: &mut Builder<'_>,
        _: &IndexMap<String, RNode>,
        _: &str,
    ) -> Option<Body> {
        None
    }

    fn response_body(
        &self,
        b: &mut Builder<'_>,
        context: &DocumentContext,
        op: &IndexMap<String, RNode>,
        map: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Option<Body> {
        let schema_node = map.get("schema")?;
        let schema = b.schema(schema_node, &format!("{pointer}/schema"));
        let mut examples = Vec::new();
        if let Some(by_type) = map.get("examples").and_then(RNode::as_map) {
            for (media_type, example) in by_type {
                if !is_json_media_type(media_type) {
                    continue;
                }
                if let Some(value) = b.spec.to_json(example) {
                    examples.push(Example {
                        name: None,
                        value: example_value(value, Some(&schema)),
                        place: b.place(
                            example,
                            &format!("{pointer}/examples/{}", escape_pointer(media_type)),
                        ),
                    });
                }
            }
        }
        if examples.is_empty() {
            examples = schema_examples(&schema, b.place(schema_node, pointer));
        }
        let produces = op
            .get("produces")
            .and_then(RNode::as_seq)
            .and_then(|p| p.first())
            .and_then(RNode::as_str)
            .map(str::to_owned)
            .or_else(|| context.produces.first().cloned())
            .unwrap_or_else(|| "application/json".to_owned());
        let binary = schema.kind == SchemaKind::Binary;
        Some(Body {
            content_type: if binary {
                produces
            } else {
                "application/json".to_owned()
            },
            kind: if binary {
                BodyKind::Binary
            } else {
                BodyKind::Json(Box::new(schema))
            },
            description: None,
            required: true,
            schema: if examples.is_empty() {
                None
            } else {
                b.example_schema(schema_node)
            },
            examples,
        })
    }

    /// From `collectionFormat` (default `csv`, but `multi` for query lists: see
    /// `collection_format_style`): `csv` → comma-separated (`form` in a query,
    /// `simple` in a path or header, where `form` is not defined), `multi` → `form` exploded,
    /// `ssv` → `spaceDelimited`, `pipes` → `pipeDelimited`; `tsv`, which OpenAPI has no style
    /// for, is read as `csv` with a warning.
    fn parameter_style(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        location: ParamLocation,
        pointer: &str,
    ) -> (ParamStyle, bool) {
        let format = param.get("collectionFormat");
        match collection_format_style(format.and_then(RNode::as_str), location) {
            Ok(style) => style,
            Err(name) => {
                let at = format.unwrap_or(param);
                b.warn(
                    format!("`collectionFormat: {name}` has no OpenAPI style; read as `csv`"),
                    at,
                    &format!("{pointer}/collectionFormat"),
                );
                collection_format_style(Some("csv"), location).unwrap_or((ParamStyle::Form, false))
            }
        }
    }

    /// A header object describes its type itself, like a non-body parameter.
    fn header_schema(&self, b: &mut Builder<'_>, header: &RNode, pointer: &str) -> Schema {
        match header.get("schema") {
            Some(s) => b.schema(s, &format!("{pointer}/schema")),
            None => b.schema(header, pointer),
        }
    }
}

/// The style and `explode` of a Swagger 2.0 `collectionFormat`, or the name of one with no
/// OpenAPI equivalent (`tsv`, or a word Swagger does not define).
fn collection_format_style(
    format: Option<&str>,
    location: ParamLocation,
) -> Result<(ParamStyle, bool), &str> {
    match format {
        // Swagger's default is `csv`, but the Matrix spec never wrote `collectionFormat` and
        // meant a repeated key for query lists (`server_name=a&server_name=b`), which is what
        // homeservers read: the default query list is `multi`, as OpenAPI's form default is.
        None if location == ParamLocation::Query => Ok((ParamStyle::Form, true)),
        None | Some("csv") => Ok((ParamStyle::default_for(location), false)),
        Some("multi") => Ok((ParamStyle::Form, true)),
        Some("ssv") => Ok((ParamStyle::SpaceDelimited, false)),
        Some("pipes") => Ok((ParamStyle::PipeDelimited, false)),
        Some(other) => Err(other),
    }
}

/// `/_matrix/client/%CLIENT_MAJOR_VERSION%` → `/_matrix/client/{client_major_version}`.
fn swagger_base_path(raw: &str) -> (String, Vec<BaseVariable>) {
    let mut out = String::new();
    let mut variables = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find('%') {
        let Some(len) = rest[start + 1..].find('%') else {
            break;
        };
        let name = rest[start + 1..start + 1 + len].to_ascii_lowercase();
        out.push_str(&rest[..start]);
        out.push('{');
        out.push_str(&name);
        out.push('}');
        variables.push(BaseVariable {
            name,
            default: None,
        });
        rest = &rest[start + 2 + len..];
    }
    out.push_str(rest);
    (out.trim_end_matches('/').to_owned(), variables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_variables() {
        let (path, vars) = swagger_base_path("/_matrix/client/%CLIENT_MAJOR_VERSION%");
        assert_eq!(path, "/_matrix/client/{client_major_version}");
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].name, "client_major_version");
        assert_eq!(
            swagger_base_path("/_matrix/identity/api/v1/").0,
            "/_matrix/identity/api/v1"
        );
    }

    #[test]
    fn collection_formats() {
        use ParamLocation::{Header, Path, Query};
        let style = collection_format_style;
        // No `collectionFormat` on a query list: a repeated key, as Matrix servers read it.
        assert_eq!(style(None, Query), Ok((ParamStyle::Form, true)));
        assert_eq!(style(Some("csv"), Query), Ok((ParamStyle::Form, false)));
        assert_eq!(style(None, Path), Ok((ParamStyle::Simple, false)));
        assert_eq!(style(Some("csv"), Header), Ok((ParamStyle::Simple, false)));
        assert_eq!(style(Some("multi"), Query), Ok((ParamStyle::Form, true)));
        assert_eq!(
            style(Some("ssv"), Query),
            Ok((ParamStyle::SpaceDelimited, false))
        );
        assert_eq!(
            style(Some("pipes"), Query),
            Ok((ParamStyle::PipeDelimited, false))
        );
        assert_eq!(style(Some("tsv"), Query), Err("tsv"));
    }
}
