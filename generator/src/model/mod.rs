//! Stage 3, model: one normalized description of the API, whichever format it came in.
//!
//! Swagger 2.0 (with the Matrix dialect: `in: body`, response `schema` and `examples`,
//! integer status keys, `basePath` with `%VARIABLES%`, `type: file`) and OpenAPI 3.x
//! (`requestBody`, `content`, `servers`, `type: [X, "null"]`) both end up as [`Spec`].
//!
//! This module holds the model's types, the contract between this stage and the next, and
//! [`build`]. `builder` converts what both formats share (schemas, operations, parameters,
//! security requirements); what differs between them is behind the `Dialect` trait, with
//! one implementation per format: `swagger2` and `openapi3`.

mod builder;
mod openapi3;
mod swagger2;

use std::fmt;

use crate::IndexMap;
use serde_json::Value as Json;

use crate::diagnostic::{Diagnostic, Error, Place};
use crate::resolve::{ResolvedSpec, TargetId};

use builder::Builder;

#[derive(Debug)]
pub struct Spec {
    pub apis: Vec<Api>,
    /// Schemas reached by `$ref`, by target; `None` for targets never used as a schema.
    pub schemas: Vec<Option<Schema>>,
    /// A name for each schema target, from its file and pointer (`sid`, `auth_data`).
    pub schema_origins: Vec<Option<SchemaOrigin>>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaOrigin {
    /// The file's stem or the pointer's last segment: the fallback type name.
    pub stem: String,
    /// File path (relative to the boundary) and pointer, for ordering and disambiguation.
    pub file: String,
    pub pointer: String,
}

#[derive(Debug)]
pub struct Api {
    /// The API folder name (`client-server`).
    pub name: String,
    pub operations: Vec<Operation>,
    /// The Matrix version the documents' `info.version` names (`v1.11`), if one does.
    pub spec_version: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
}

impl Method {
    pub const ALL: [(&'static str, Method); 7] = [
        ("get", Method::Get),
        ("put", Method::Put),
        ("post", Method::Post),
        ("delete", Method::Delete),
        ("options", Method::Options),
        ("head", Method::Head),
        ("patch", Method::Patch),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub operation_id: String,
    pub method: Method,
    /// Base path and path joined; `%VAR%` of a Swagger base path becomes `{var}`.
    pub path: String,
    /// Variables of the base path (`client_major_version`), in order.
    pub base_variables: Vec<BaseVariable>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub auth: Auth,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub added_in: Option<String>,
    pub changed_in: Vec<(String, String)>,
    /// The spec's `tags` (groups of operations: `Room participation`, `Session management`).
    pub tags: Vec<String>,
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseVariable {
    pub name: String,
    /// What the spec's own tooling substitutes, when the spec says.
    pub default: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    AccessToken,
    /// `security` lists both "no auth" (`{}`) and an access token.
    OptionalAccessToken,
    /// A scheme other than an access token (server signatures, appservice tokens).
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub description: Option<String>,
    pub schema: Schema,
    pub deprecated: bool,
    /// `x-addedInMatrixVersion` of the parameter itself.
    pub added_in: Option<String>,
    /// `x-changedInMatrixVersion` of the parameter itself: (version, what changed).
    pub changed_in: Vec<(String, String)>,
    /// How the value is written (OpenAPI's `style`; Swagger 2.0's `collectionFormat`).
    pub style: ParamStyle,
    /// Whether each array item or object member becomes a parameter of its own.
    pub explode: bool,
    /// Where the parameter (or response header) is declared.
    pub place: Place,
}

/// OpenAPI's parameter serialization styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamStyle {
    /// `a=1,2` (`a=1&a=2` exploded): query and cookie parameters.
    Form,
    /// `1,2`: path parameters and headers.
    Simple,
    /// `.1.2` in a path.
    Label,
    /// `;a=1,2` in a path.
    Matrix,
    /// `a=1%202` in a query.
    SpaceDelimited,
    /// `a=1|2` in a query.
    PipeDelimited,
    /// `a[x]=1&a[y]=2` in a query.
    DeepObject,
}

impl ParamStyle {
    /// OpenAPI's default for a location: `form` for query (and cookie), `simple` elsewhere.
    pub fn default_for(location: ParamLocation) -> Self {
        match location {
            ParamLocation::Query => ParamStyle::Form,
            ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple,
        }
    }

    /// The style an OpenAPI `style` value names.
    pub fn from_openapi(name: &str) -> Option<Self> {
        Some(match name {
            "form" => ParamStyle::Form,
            "simple" => ParamStyle::Simple,
            "label" => ParamStyle::Label,
            "matrix" => ParamStyle::Matrix,
            "spaceDelimited" => ParamStyle::SpaceDelimited,
            "pipeDelimited" => ParamStyle::PipeDelimited,
            "deepObject" => ParamStyle::DeepObject,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Body {
    pub content_type: String,
    pub kind: BodyKind,
    pub description: Option<String>,
    pub required: bool,
    pub examples: Vec<Example>,
    /// The body's schema as self-contained JSON Schema, to check `examples` against; only
    /// kept when there are examples.
    pub schema: Option<Json>,
}

#[derive(Clone, Debug)]
pub enum BodyKind {
    Json(Box<Schema>),
    /// Raw bytes (uploads, downloads, `type: file`).
    Binary,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Code(u16),
    /// `2xx` → `Range(2)`.
    Range(u8),
    Default,
}

#[derive(Clone, Debug)]
pub struct Response {
    pub status: Status,
    pub description: Option<String>,
    pub body: Option<Body>,
    pub headers: Vec<Parameter>,
    /// JSON examples of a response that has no schema (a spec slip worth reporting).
    pub unschematized_examples: Vec<Example>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub name: Option<String>,
    pub value: Json,
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub kind: SchemaKind,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `null` is an allowed value (`type: [X, "null"]`, `nullable: true`).
    pub nullable: bool,
    pub format: Option<String>,
    pub default: Option<Json>,
    pub example: Option<Json>,
    /// The schema as self-contained JSON Schema, to check `example` against; only kept when
    /// there is an example.
    pub example_schema: Option<Json>,
    pub deprecated: bool,
    /// `x-addedInMatrixVersion`
    pub added_in: Option<String>,
    /// `x-changedInMatrixVersion`: (version, what changed).
    pub changed_in: Vec<(String, String)>,
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SchemaKind {
    /// Another schema, by target (shared definitions, recursion).
    Ref(TargetId),
    /// No constraint: any JSON value.
    Any,
    Null,
    Boolean,
    Integer,
    Number,
    /// A string; `values` lists the allowed values of a string enum.
    String {
        values: Vec<String>,
    },
    Array(Box<Schema>),
    /// Draft-4 `items: [A, B]` and OpenAPI 3.1 `prefixItems`.
    Tuple(Vec<Schema>),
    Object(ObjectSchema),
    /// `oneOf`/`anyOf` (and type arrays with several non-null types): one of these.
    OneOf(Vec<Schema>),
    Binary,
    /// An enum of non-string values (integers, booleans): kept as its JSON values.
    Enum(Vec<Json>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectSchema {
    pub properties: IndexMap<String, Property>,
    pub additional: Additional,
    /// The format of the keys of an `Additional::Schema` map: the `x-pattern-format` of the
    /// `patternProperties` pattern it was read from (`mx-user-id` for a map keyed by user IDs).
    pub key_format: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub schema: Schema,
    pub required: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Additional {
    /// No `additionalProperties`: extra keys are allowed but not described.
    #[default]
    Unspecified,
    /// `additionalProperties: false`.
    Forbidden,
    /// `additionalProperties: true` or `{}`.
    Any,
    /// `additionalProperties`/`patternProperties` with a schema: a map of these.
    Schema(Box<Schema>),
}

impl Schema {
    pub fn is_free_form_object(&self) -> bool {
        matches!(&self.kind, SchemaKind::Object(o) if o.properties.is_empty() && !matches!(o.additional, Additional::Schema(_)))
    }
}

/// Builds the model from the resolved spec.
pub fn build(resolved: &ResolvedSpec) -> Result<Spec, Error> {
    build_with_schemas(resolved, &[], true).map(|(spec, _)| spec)
}

/// [`build`], plus the schemas at `roots` (a resolved node and its JSON pointer, e.g. the
/// event schemas): converted like the API's, their `$ref` targets in [`Spec::schemas`].
/// Without `example_schemas`, examples have no schema to be checked against
/// ([`Body::schema`], [`Schema::example_schema`] are `None`).
pub fn build_with_schemas(
    resolved: &ResolvedSpec,
    roots: &[(&crate::resolve::RNode, &str)],
    example_schemas: bool,
) -> Result<(Spec, Vec<Schema>), Error> {
    let mut builder = Builder::new(resolved, example_schemas);
    let mut apis = Vec::new();
    for api in &resolved.apis {
        let mut operations = Vec::new();
        // Documents of one API share security schemes; some use one they do not declare.
        let mut api_schemes = crate::HashMap::default();
        for (_, document) in &api.documents {
            api_schemes.extend(builder.security_schemes(document));
        }
        for (file, document) in &api.documents {
            builder.chain.clear();
            builder.document(*file, document, &api_schemes, &mut operations);
        }
        let mut operations = builder.unique_operations(&api.name, operations);
        crate::sort_stable_by(&mut operations, |a, b| {
            (a.path.as_str(), a.method, a.operation_id.as_str()).cmp(&(
                b.path.as_str(),
                b.method,
                b.operation_id.as_str(),
            ))
        });
        let spec_version = api
            .documents
            .iter()
            .find_map(|(_, document)| matrix_version(document));
        apis.push(Api {
            name: api.name.clone(),
            operations,
            spec_version,
        });
    }
    let root_schemas: Vec<Schema> = roots
        .iter()
        .map(|(node, pointer)| {
            builder.chain.clear();
            builder.schema(node, pointer)
        })
        .collect();
    // Schemas behind `$ref`s found above; converting one may find more.
    while let Some(t) = builder.queue.pop() {
        builder.chain = resolved.ref_chain(t);
        let target = &resolved.targets[t];
        let schema = builder.schema(&target.node, &target.pointer);
        builder.schemas[t] = Some(schema);
    }
    let schema_origins = resolved
        .targets
        .iter()
        .enumerate()
        .map(|(t, target)| {
            builder.schemas[t].as_ref()?;
            let file = resolved.file_name(target.file).to_string();
            let stem = match target.pointer.rsplit('/').next().filter(|s| !s.is_empty()) {
                Some(last) => last.replace("~1", "/").replace("~0", "~"),
                None => file_stem(&file),
            };
            Some(SchemaOrigin {
                stem,
                file,
                pointer: target.pointer.clone(),
            })
        })
        .collect();
    let Builder {
        schemas,
        diagnostics,
        ..
    } = builder;
    let texts = resolved.sources.texts();
    let (spec, warnings) = diagnostics
        .finish(Spec {
            apis,
            schemas,
            schema_origins,
            warnings: Vec::new(),
        })
        .map_err(|e| e.with_sources(&texts))?;
    let mut all = resolved.warnings.clone();
    all.extend(warnings);
    Ok((
        Spec {
            warnings: all,
            ..spec
        },
        root_schemas,
    ))
}

/// `info.version` of a document when it names a Matrix version (`v1.11`); the released
/// documents say `1.0.0` there, which is the document's own version, not the spec's.
fn matrix_version(document: &crate::resolve::RNode) -> Option<String> {
    let version = document.get("info")?.get("version")?.as_str()?.trim();
    let (major, minor) = version.strip_prefix('v')?.split_once('.')?;
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (numeric(major) && numeric(minor)).then(|| version.to_owned())
}

fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    match name.rsplit_once('.') {
        Some((stem, "yaml" | "yml" | "json")) => stem.to_owned(),
        _ => name.to_owned(),
    }
}

pub use builder::route;

/// The operations that share a method and [`route`] with another, as groups of two or more:
/// each group in operationId order, the groups by route and method. The Matrix spec has such
/// pairs on purpose (`POST /rooms/{roomId}/invite`: `inviteBy3PID` and `inviteUser`; `GET
/// /events`: `getEvents` and `peekEvents`); the model keeps both, the generated router tries
/// them in this order.
pub fn same_route_groups(operations: &[Operation]) -> Vec<Vec<&Operation>> {
    let mut by_route: Vec<((String, Method), &Operation)> = operations
        .iter()
        .map(|op| ((route(&op.path), op.method), op))
        .collect();
    crate::sort_stable_by(&mut by_route, |a, b| a.0.cmp(&b.0));
    by_route
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|group| group.len() > 1)
        .map(|group| {
            let mut group: Vec<&Operation> = group.iter().map(|(_, op)| *op).collect();
            crate::sort_stable_by(&mut group, |a, b| a.operation_id.cmp(&b.operation_id));
            group
        })
        .collect()
}

/// Names in `{...}` of a path template, in order.
pub fn template_variables(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        names.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template() {
        assert_eq!(
            template_variables("/_matrix/client/{v}/rooms/{roomId}/state/{eventType}/{stateKey}"),
            ["v", "roomId", "eventType", "stateKey"]
        );
    }

    #[test]
    fn parameter_styles() {
        assert_eq!(
            ParamStyle::default_for(ParamLocation::Query),
            ParamStyle::Form
        );
        assert_eq!(
            ParamStyle::default_for(ParamLocation::Path),
            ParamStyle::Simple
        );
        assert_eq!(
            ParamStyle::default_for(ParamLocation::Header),
            ParamStyle::Simple
        );
        for (name, style) in [
            ("form", ParamStyle::Form),
            ("simple", ParamStyle::Simple),
            ("label", ParamStyle::Label),
            ("matrix", ParamStyle::Matrix),
            ("spaceDelimited", ParamStyle::SpaceDelimited),
            ("pipeDelimited", ParamStyle::PipeDelimited),
            ("deepObject", ParamStyle::DeepObject),
        ] {
            assert_eq!(ParamStyle::from_openapi(name), Some(style));
        }
        assert_eq!(ParamStyle::from_openapi("sideways"), None);
    }
}
