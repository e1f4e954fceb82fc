//! OpenAPI 3.x: `servers`, `components/securitySchemes`, parameters with a `schema`,
//! `requestBody`, and `content` by media type with `example`/`examples`.

use crate::IndexMap;

use super::builder::{
    Builder, Dialect, DocumentContext, example_value, is_json_media_type, schema_examples,
};
use super::{BaseVariable, Body, BodyKind, Example, ParamLocation, ParamStyle, Schema, SchemaKind};
use crate::load::escape_pointer;
use crate::resolve::RNode;

pub(super) struct OpenApi3;

impl Dialect for OpenApi3 {
    fn base_path(&self, b: &mut Builder<'_>, doc: &RNode) -> (String, Vec<BaseVariable>) {
        servers_base_path(b, doc)
    }

    fn security_schemes<'n>(&self, b: &Builder<'n>, doc: &'n RNode) -> Option<&'n RNode> {
        doc.get("components")
            .map(|c| b.deref(c))
            .and_then(|c| c.get("securitySchemes"))
    }

    /// A parameter without a `schema` allows any value.
    fn parameter_schema(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        _: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Schema {
        b.schema_any(param, pointer)
    }

    fn request_body(
        &self,
        b: &mut Builder<'_>,
        op: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Option<Body> {
        let node = op.get("requestBody")?;
        request_body(b, node, &format!("{pointer}/requestBody"))
    }

    fn response_body(
        &self,
        b: &mut Builder<'_>,
        _: &DocumentContext,
        _: &IndexMap<String, RNode>,
        map: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Option<Body> {
        content(b, map.get("content"), &format!("{pointer}/content"))
    }

    /// `style` and `explode`, with OpenAPI's defaults: `form` for query parameters, `simple`
    /// for path parameters and headers; `explode` is true for `form` and false otherwise.
    fn parameter_style(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        location: ParamLocation,
        pointer: &str,
    ) -> (ParamStyle, bool) {
        let named = param.get("style").and_then(RNode::as_str);
        let style = match named.map(|n| (n, ParamStyle::from_openapi(n))) {
            None => ParamStyle::default_for(location),
            Some((_, Some(style))) => style,
            Some((name, None)) => {
                let default = ParamStyle::default_for(location);
                let at = param.get("style").unwrap_or(param);
                b.warn(
                    format!("unknown parameter style `{name}`; read as the default, `{default:?}`"),
                    at,
                    &format!("{pointer}/style"),
                );
                default
            }
        };
        let explode = param
            .get("explode")
            .and_then(RNode::as_bool)
            .unwrap_or(style == ParamStyle::Form);
        (style, explode)
    }

    /// A header's type is its `schema` (read from the header itself when that is missing).
    fn header_schema(&self, b: &mut Builder<'_>, header: &RNode, pointer: &str) -> Schema {
        match header.get("schema") {
            Some(s) => b.schema(s, &format!("{pointer}/schema")),
            None => b.schema(header, pointer),
        }
    }
}

fn servers_base_path(b: &mut Builder<'_>, doc: &RNode) -> (String, Vec<BaseVariable>) {
    let Some(server) = doc
        .get("servers")
        .and_then(RNode::as_seq)
        .and_then(|s| s.first())
    else {
        return (String::new(), Vec::new());
    };
    let server = b.deref(server);
    let mut url = server
        .get("url")
        .and_then(RNode::as_str)
        .unwrap_or("")
        .to_owned();
    // Substitute server variables by their defaults; the path part is the base path.
    if let Some(vars) = server.get("variables").and_then(RNode::as_map) {
        for (name, var) in vars {
            let default = var
                .get("default")
                .map(|d| b.scalar_text(d))
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), &default);
        }
    }
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]).to_owned(),
        None => url,
    };
    (path.trim_end_matches('/').to_owned(), Vec::new())
}

/// OpenAPI 3 `requestBody`.
fn request_body(b: &mut Builder<'_>, node: &RNode, pointer: &str) -> Option<Body> {
    let node = b.deref(node);
    let map = node.as_map()?;
    let mut body = content(b, map.get("content"), &format!("{pointer}/content"))?;
    body.description = map
        .get("description")
        .and_then(RNode::as_str)
        .map(str::to_owned);
    body.required = map
        .get("required")
        .and_then(RNode::as_bool)
        .unwrap_or(false);
    Some(body)
}

/// OpenAPI 3 `content`: the JSON media type if there is one, else the first.
fn content(b: &mut Builder<'_>, content: Option<&RNode>, pointer: &str) -> Option<Body> {
    let content = b.deref(content?);
    let map = content.as_map()?;
    let (media_type, media) = map
        .iter()
        .find(|(k, _)| is_json_media_type(k))
        .or_else(|| map.iter().next())?;
    let media_pointer = format!("{pointer}/{}", escape_pointer(media_type));
    let media = b.deref(media);
    let schema_node = media.get("schema");
    let schema = schema_node.map(|s| b.schema(s, &format!("{media_pointer}/schema")));
    let mut examples = Vec::new();
    if let Some(example) = media.get("example")
        && let Some(value) = b.spec.to_json(example)
    {
        examples.push(Example {
            name: None,
            value: example_value(value, schema.as_ref()),
            place: b.place(example, &format!("{media_pointer}/example")),
        });
    }
    if let Some(named) = media
        .get("examples")
        .map(|e| b.deref(e))
        .and_then(RNode::as_map)
    {
        for (name, example) in named {
            let example = b.deref(example);
            if let Some(value) = example.get("value").and_then(|v| b.spec.to_json(v)) {
                examples.push(Example {
                    name: Some(name.clone()),
                    value: example_value(value, schema.as_ref()),
                    place: b.place(
                        example,
                        &format!("{media_pointer}/examples/{}", escape_pointer(name)),
                    ),
                });
            }
        }
    }
    let kind = match schema {
        Some(s) if is_json_media_type(media_type) && s.kind != SchemaKind::Binary => {
            BodyKind::Json(Box::new(s))
        }
        Some(s)
            if s.kind != SchemaKind::Binary
                && !media_type.contains('*')
                && media_type.starts_with("text/") =>
        {
            BodyKind::Json(Box::new(s))
        }
        _ => BodyKind::Binary,
    };
    if examples.is_empty()
        && let BodyKind::Json(s) = &kind
    {
        examples = schema_examples(s, b.place(media, &media_pointer));
    }
    Some(Body {
        content_type: media_type.clone(),
        kind,
        description: None,
        required: true,
        schema: schema_node
            .filter(|_| !examples.is_empty())
            .and_then(|s| b.example_schema(s)),
        examples,
    })
}
