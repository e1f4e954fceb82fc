//! The format-independent part of the model stage: schemas, operations, parameters,
//! responses and security requirements. Where Swagger 2.0 and OpenAPI 3.x differ, the builder
//! asks the document's [`Dialect`].

use crate::IndexMap;

use super::openapi3::OpenApi3;
use super::swagger2::Swagger2;
use super::{
    Additional, Auth, BaseVariable, Body, BodyKind, Example, Method, ObjectSchema, Operation,
    ParamLocation, ParamStyle, Parameter, Property, Response, Schema, SchemaKind, Status,
    template_variables,
};
use crate::diagnostic::{Diagnostic, Diagnostics, Place};
use crate::load::escape_pointer;
use crate::resolve::{RNode, RValue, ResolvedSpec, TargetId};
use crate::{HashMap, HashSet};
use serde_json::Value as Json;

/// What differs between Swagger 2.0 and OpenAPI 3.x. The builder calls these where a format
/// puts a fact in a place of its own; everything else it reads itself.
pub(super) trait Dialect: Sync {
    /// The path every operation's path is appended to, and its variables.
    fn base_path(&self, b: &mut Builder<'_>, doc: &RNode) -> (String, Vec<BaseVariable>);

    /// The mapping of security schemes the document declares, if any.
    fn security_schemes<'n>(&self, b: &Builder<'n>, doc: &'n RNode) -> Option<&'n RNode>;

    /// The media types the document's operations accept and give (Swagger's `consumes` and
    /// `produces`; OpenAPI 3 states them per body).
    fn media_types(&self, _doc: &RNode) -> (Vec<String>, Vec<String>) {
        (Vec::new(), Vec::new())
    }

    /// The schema of a path, query or header parameter (`map` is the parameter).
    fn parameter_schema(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        map: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Schema;

    /// The request body an operation declares outside its parameters (`requestBody`).
    fn request_body(
        &self,
        b: &mut Builder<'_>,
        op: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Option<Body>;

    /// A response's body (`schema` and `examples`, or `content`).
    fn response_body(
        &self,
        b: &mut Builder<'_>,
        context: &DocumentContext,
        op: &IndexMap<String, RNode>,
        response: &IndexMap<String, RNode>,
        pointer: &str,
    ) -> Option<Body>;

    /// How a path, query or header parameter is written: its style and `explode`.
    fn parameter_style(
        &self,
        b: &mut Builder<'_>,
        param: &RNode,
        location: ParamLocation,
        pointer: &str,
    ) -> (ParamStyle, bool);

    /// The schema of a response header (`header` is the header object).
    fn header_schema(&self, b: &mut Builder<'_>, header: &RNode, pointer: &str) -> Schema;
}

/// The dialect a document is written in, from its version marker, or `None` without one.
/// The version itself is checked by [`Builder::document`].
fn dialect_of(doc: &RNode) -> Option<&'static dyn Dialect> {
    if doc.get("swagger").is_some() {
        Some(&Swagger2)
    } else if doc.get("openapi").is_some() {
        Some(&OpenApi3)
    } else {
        None
    }
}

pub(super) struct Builder<'a> {
    pub(super) spec: &'a ResolvedSpec,
    pub(super) schemas: Vec<Option<Schema>>,
    queued: Vec<bool>,
    pub(super) queue: Vec<TargetId>,
    pub(super) diagnostics: Diagnostics,
    /// `$ref`s followed to reach the node being converted, for messages.
    pub(super) chain: Vec<Place>,
    /// The JSON Schema draft of the document being read (Swagger 2.0: draft 4, OpenAPI 3.1:
    /// 2020-12), named as `$schema` in the schemas examples keep.
    draft: Option<&'static str>,
    /// Whether examples keep their schemas ([`Builder::example_schema`]).
    example_schemas: bool,
}

/// Document-wide settings an operation inherits.
pub(super) struct DocumentContext {
    dialect: &'static dyn Dialect,
    base_path: String,
    base_variables: Vec<BaseVariable>,
    security_schemes: HashMap<String, SecurityScheme>,
    /// Schemes any document of the API declares, for documents that forget to.
    api_security_schemes: HashMap<String, SecurityScheme>,
    default_security: Option<Auth>,
    pub(super) consumes: Vec<String>,
    pub(super) produces: Vec<String>,
}

#[derive(Clone, Debug)]
pub(super) enum SecurityScheme {
    AccessToken,
    Other,
}

impl<'a> Builder<'a> {
    pub(super) fn new(spec: &'a ResolvedSpec, example_schemas: bool) -> Self {
        Builder {
            spec,
            schemas: vec![None; spec.targets.len()],
            queued: vec![false; spec.targets.len()],
            queue: Vec::new(),
            diagnostics: Diagnostics::default(),
            chain: Vec::new(),
            draft: None,
            example_schemas,
        }
    }

    /// The schema `node` as self-contained JSON, for checking examples against: `$ref`s
    /// inlined, recursion cut (see [`ResolvedSpec::schema_json`]), the draft as `$schema`.
    /// `None` unless examples keep their schemas.
    pub(super) fn example_schema(&self, node: &RNode) -> Option<Json> {
        if !self.example_schemas {
            return None;
        }
        let mut json = self.spec.schema_json(node);
        if let (Some(draft), Json::Object(map)) = (self.draft, &mut json) {
            map.insert("$schema".to_owned(), Json::String(draft.to_owned()));
        }
        Some(json)
    }

    pub(super) fn place(&self, node: &RNode, pointer: &str) -> Place {
        self.spec.place(node, pointer)
    }

    fn error(&mut self, message: impl Into<String>, node: &RNode, pointer: &str) {
        let d = Diagnostic::error(message, Some(self.place(node, pointer))).with_chain(&self.chain);
        self.diagnostics.push(d);
    }

    pub(super) fn warn(&mut self, message: impl Into<String>, node: &RNode, pointer: &str) {
        let d =
            Diagnostic::warning(message, Some(self.place(node, pointer))).with_chain(&self.chain);
        self.diagnostics.push(d);
    }

    pub(super) fn deref<'n>(&self, node: &'n RNode) -> &'n RNode
    where
        'a: 'n,
    {
        self.spec.deref(node)
    }

    pub(super) fn security_schemes(&self, doc: &RNode) -> HashMap<String, SecurityScheme> {
        let dialect = dialect_of(doc).unwrap_or(&OpenApi3);
        let schemes_node = dialect.security_schemes(self, doc);
        let mut schemes = HashMap::default();
        if let Some(map) = schemes_node.map(|n| self.deref(n)).and_then(RNode::as_map) {
            for (name, scheme) in map {
                schemes.insert(name.clone(), classify_scheme(self.deref(scheme)));
            }
        }
        schemes
    }

    pub(super) fn document(
        &mut self,
        file: usize,
        doc: &RNode,
        api_schemes: &HashMap<String, SecurityScheme>,
        operations: &mut Vec<(Operation, String)>,
    ) {
        let dialect: &'static dyn Dialect = if doc.get("swagger").is_some() {
            match doc.get("swagger").map(|v| self.scalar_text(v)).as_deref() {
                Some("2.0") => {
                    self.draft = Some("http://json-schema.org/draft-04/schema#");
                    &Swagger2
                }
                other => {
                    let found = other.unwrap_or_default().to_owned();
                    let node = doc.get("swagger").unwrap_or(doc);
                    self.error(
                        format!("unsupported `swagger` version `{found}`; expected `2.0`"),
                        node,
                        "/swagger",
                    );
                    return;
                }
            }
        } else if let Some(v) = doc.get("openapi") {
            let version = self.scalar_text(v);
            if version.starts_with("3.") {
                self.draft = Some("https://json-schema.org/draft/2020-12/schema");
                &OpenApi3
            } else {
                self.error(
                    format!("unsupported `openapi` version `{version}`; expected 3.x"),
                    v,
                    "/openapi",
                );
                return;
            }
        } else {
            let name = self.spec.file_name(file).clone();
            let d = Diagnostic::error(
                format!(
                    "{name} is in the API folder but has neither `swagger: \"2.0\"` nor `openapi: 3.x`"
                ),
                Some(self.place(doc, "")),
            );
            self.diagnostics.push(d);
            return;
        };
        let context = self.document_context(dialect, doc, api_schemes);
        let Some(paths) = doc.get("paths") else {
            return;
        };
        let Some(paths) = self.deref(paths).as_map() else {
            self.warn(
                format!(
                    "`paths` must be a mapping, found {}; no operations are read from this document",
                    self.deref(paths).kind_name()
                ),
                paths,
                "/paths",
            );
            return;
        };
        for (raw_path, item) in paths {
            let pointer = format!("/paths/{}", escape_pointer(raw_path));
            // Some specs split one path over files or pad a key with spaces.
            let path = raw_path.trim();
            let item = self.deref(item);
            let Some(item_map) = item.as_map() else {
                self.warn(
                    format!(
                        "a path item must be a mapping, found {}; the path `{path}` is left out",
                        item.kind_name()
                    ),
                    item,
                    &pointer,
                );
                continue;
            };
            let shared_params = item_map.get("parameters");
            for (method_name, method) in Method::ALL {
                let Some(op) = item_map.get(method_name) else {
                    continue;
                };
                let op_pointer = format!("{pointer}/{method_name}");
                if let Some(operation) =
                    self.operation(&context, path, method, op, shared_params, &op_pointer)
                {
                    operations.push((operation, path.to_owned()));
                }
            }
        }
    }

    /// `x-addedInMatrixVersion` and `x-changedInMatrixVersion` (version → what changed) of
    /// an operation, parameter or schema.
    pub(super) fn version_notes(
        &self,
        map: &IndexMap<String, RNode>,
    ) -> (Option<String>, Vec<(String, String)>) {
        let added_in = map
            .get("x-addedInMatrixVersion")
            .map(|v| self.scalar_text(v))
            .filter(|v| !v.trim().is_empty());
        let changed_in = map
            .get("x-changedInMatrixVersion")
            .and_then(RNode::as_map)
            .map(|changes| {
                changes
                    .iter()
                    .map(|(version, note)| (version.clone(), self.scalar_text(note)))
                    .collect()
            })
            .unwrap_or_default();
        (added_in, changed_in)
    }

    pub(super) fn scalar_text(&self, node: &RNode) -> String {
        match &node.value {
            RValue::String(s) => s.clone(),
            RValue::Number(n) => n.to_string(),
            RValue::Bool(b) => b.to_string(),
            _ => String::new(),
        }
    }

    fn document_context(
        &mut self,
        dialect: &'static dyn Dialect,
        doc: &RNode,
        api_schemes: &HashMap<String, SecurityScheme>,
    ) -> DocumentContext {
        let (base_path, base_variables) = dialect.base_path(self, doc);
        let security_schemes = self.security_schemes(doc);
        let (consumes, produces) = dialect.media_types(doc);
        let mut context = DocumentContext {
            dialect,
            base_path,
            base_variables,
            security_schemes,
            api_security_schemes: api_schemes.clone(),
            default_security: None,
            consumes,
            produces,
        };
        if let Some(security) = doc.get("security") {
            context.default_security = Some(self.security(&context, security, "/security"));
        }
        context
    }

    fn security(&mut self, context: &DocumentContext, node: &RNode, pointer: &str) -> Auth {
        let node = self.deref(node);
        let Some(requirements) = node.as_seq() else {
            let fallback = context.default_security.clone().unwrap_or(Auth::None);
            self.warn(
                format!(
                    "`security` must be a list of requirements, found {}; using the document's default ({})",
                    node.kind_name(),
                    auth_text(&fallback)
                ),
                node,
                pointer,
            );
            return fallback;
        };
        let mut anonymous = requirements.is_empty();
        let mut token = false;
        let mut other = None;
        for requirement in requirements {
            let Some(map) = self.deref(requirement).as_map() else {
                continue;
            };
            if map.is_empty() {
                anonymous = true;
            }
            for name in map.keys() {
                let scheme = match context.security_schemes.get(name) {
                    Some(scheme) => Some(scheme),
                    None => {
                        let shared = context.api_security_schemes.get(name);
                        let message = match shared {
                            Some(_) => format!(
                                "security scheme `{name}` is not declared in this document; using the API's declaration"
                            ),
                            None => format!("unknown security scheme `{name}`"),
                        };
                        self.warn(message, requirement, pointer);
                        shared
                    }
                };
                match scheme {
                    Some(SecurityScheme::AccessToken) => token = true,
                    Some(SecurityScheme::Other) | None => other = Some(name.clone()),
                }
            }
        }
        match (token, anonymous, other) {
            (true, true, _) => Auth::OptionalAccessToken,
            (true, false, _) => Auth::AccessToken,
            (false, _, Some(name)) => Auth::Other(name),
            (false, _, None) => Auth::None,
        }
    }

    fn operation(
        &mut self,
        context: &DocumentContext,
        path: &str,
        method: Method,
        op: &RNode,
        shared_params: Option<&RNode>,
        pointer: &str,
    ) -> Option<Operation> {
        let op = self.deref(op);
        let Some(op_map) = op.as_map() else {
            self.warn(
                format!(
                    "an operation must be a mapping, found {}; {method} {path} is left out",
                    op.kind_name()
                ),
                op,
                pointer,
            );
            return None;
        };
        let operation_id = match op_map.get("operationId").and_then(RNode::as_str) {
            Some(id) => id.to_owned(),
            None => {
                let id = synthesized_operation_id(method, path);
                self.warn(
                    format!("{method} {path} has no `operationId`; calling it `{id}`"),
                    op,
                    pointer,
                );
                id
            }
        };
        let text = |key: &str| op_map.get(key).and_then(RNode::as_str).map(str::to_owned);
        let auth = match op_map.get("security") {
            Some(security) => self.security(context, security, &format!("{pointer}/security")),
            None => context.default_security.clone().unwrap_or(Auth::None),
        };

        let mut parameters: Vec<Parameter> = Vec::new();
        let mut body = None;
        let param_lists = [
            (
                shared_params,
                format!(
                    "{}/parameters",
                    pointer.rsplit_once('/').map_or("", |p| p.0)
                ),
            ),
            (op_map.get("parameters"), format!("{pointer}/parameters")),
        ];
        for (list, list_pointer) in param_lists {
            let Some(list) = list.map(|l| self.deref(l)) else {
                continue;
            };
            let Some(items) = list.as_seq() else {
                self.warn(
                    format!(
                        "`parameters` must be a list, found {}; these parameters are left out",
                        list.kind_name()
                    ),
                    list,
                    &list_pointer,
                );
                continue;
            };
            for (i, param) in items.iter().enumerate() {
                let param_pointer = format!("{list_pointer}/{i}");
                match self.parameter(context, param, &param_pointer) {
                    Some(ParameterOrBody::Parameter(p)) => {
                        let p = *p;
                        // An operation's parameter overrides a path-level one of the same name.
                        parameters.retain(|q| !(q.name == p.name && q.location == p.location));
                        parameters.push(p);
                    }
                    Some(ParameterOrBody::Body(b)) => body = Some(b),
                    None => {}
                }
            }
        }
        if let Some(request_body) = context.dialect.request_body(self, op_map, pointer) {
            body = Some(request_body);
        }

        let full_path = format!("{}{}", context.base_path, path);
        self.check_path_parameters(
            &full_path,
            &context.base_variables,
            &mut parameters,
            op,
            pointer,
        );

        let mut responses = Vec::new();
        if let Some(list) = op_map.get("responses").map(|r| self.deref(r)) {
            match list.as_map() {
                Some(map) => {
                    for (status, response) in map {
                        let response_pointer =
                            format!("{pointer}/responses/{}", escape_pointer(status));
                        let Some(status) = parse_status(status) else {
                            self.warn(
                                format!(
                                    "`{status}` is not a response status; this response is left out"
                                ),
                                response,
                                &response_pointer,
                            );
                            continue;
                        };
                        if let Some(r) =
                            self.response(context, op_map, status, response, &response_pointer)
                        {
                            responses.push(r);
                        }
                    }
                }
                None => self.warn(
                    format!(
                        "`responses` must be a mapping, found {}; read as no responses",
                        list.kind_name()
                    ),
                    list,
                    &format!("{pointer}/responses"),
                ),
            }
        }
        crate::sort_stable_by(&mut responses, |a, b| a.status.cmp(&b.status));

        let (added_in, changed_in) = self.version_notes(op_map);
        Some(Operation {
            operation_id,
            method,
            path: full_path,
            base_variables: context.base_variables.clone(),
            summary: text("summary"),
            description: text("description"),
            deprecated: op_map
                .get("deprecated")
                .and_then(RNode::as_bool)
                .unwrap_or(false),
            auth,
            parameters,
            body,
            responses,
            added_in,
            changed_in,
            tags: op_map
                .get("tags")
                .and_then(RNode::as_seq)
                .map(|tags| {
                    tags.iter()
                        .filter_map(RNode::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            place: self.place(op, pointer),
        })
    }

    /// Repairs disagreements between the path template and the declared path parameters: a
    /// template variable nobody declares becomes a required string parameter, and a declared
    /// path parameter the template lacks becomes a query parameter (what the spec meant).
    fn check_path_parameters(
        &mut self,
        path: &str,
        base_variables: &[BaseVariable],
        parameters: &mut Vec<Parameter>,
        op: &RNode,
        pointer: &str,
    ) {
        let in_template = template_variables(path);
        for p in parameters
            .iter_mut()
            .filter(|p| p.location == ParamLocation::Path)
        {
            if !in_template.contains(&p.name) {
                let d = Diagnostic::warning(
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; read as a query parameter, which is what such a parameter usually means",
                        p.name
                    ),
                    Some(p.place.clone()),
                )
                .with_chain(&self.chain);
                self.diagnostics.push(d);
                p.location = ParamLocation::Query;
                if p.style == ParamStyle::Simple {
                    // `simple` is not a query style; `form` writes one value the same way.
                    p.style = ParamStyle::Form;
                }
            }
        }
        // A query parameter of the same name may already exist: the path's one was a slip.
        let mut seen = HashSet::default();
        parameters.retain(|p| seen.insert((p.name.clone(), p.location)));
        for name in &in_template {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.name == name)
                || base_variables.iter().any(|v| &v.name == name);
            if !declared {
                self.warn(
                    format!(
                        "the path `{path}` names `{{{name}}}` but no path parameter `{name}` is declared; read as a required string parameter"
                    ),
                    op,
                    pointer,
                );
                let mut schema = self.schema_any(op, pointer);
                schema.kind = SchemaKind::String { values: Vec::new() };
                parameters.push(Parameter {
                    name: name.clone(),
                    location: ParamLocation::Path,
                    required: true,
                    description: None,
                    schema,
                    deprecated: false,
                    added_in: None,
                    changed_in: Vec::new(),
                    style: ParamStyle::Simple,
                    explode: false,
                    place: self.place(op, pointer),
                });
            }
        }
    }

    fn parameter(
        &mut self,
        context: &DocumentContext,
        node: &RNode,
        pointer: &str,
    ) -> Option<ParameterOrBody> {
        let param = self.deref(node);
        let Some(map) = param.as_map() else {
            self.warn(
                format!(
                    "a parameter must be a mapping, found {}; it is left out",
                    param.kind_name()
                ),
                param,
                pointer,
            );
            return None;
        };
        let Some(name) = map.get("name").and_then(RNode::as_str) else {
            self.warn("a parameter needs a `name`; it is left out", param, pointer);
            return None;
        };
        let description = map
            .get("description")
            .and_then(RNode::as_str)
            .map(str::to_owned);
        let required = map
            .get("required")
            .and_then(RNode::as_bool)
            .unwrap_or(false);
        let location = match map.get("in").and_then(RNode::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("body") => {
                let schema_node = map.get("schema")?;
                let schema = self.schema(schema_node, &format!("{pointer}/schema"));
                let examples = schema_examples(&schema, self.place(param, pointer));
                let kind = if schema.kind == SchemaKind::Binary {
                    BodyKind::Binary
                } else {
                    BodyKind::Json(Box::new(schema))
                };
                let content_type = context
                    .consumes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "application/json".to_owned());
                let schema = if examples.is_empty() {
                    None
                } else {
                    self.example_schema(schema_node)
                };
                return Some(ParameterOrBody::Body(Body {
                    content_type,
                    kind,
                    description,
                    required,
                    examples,
                    schema,
                }));
            }
            Some("cookie") => {
                self.warn(
                    format!("cookie parameter `{name}` is not supported and is ignored"),
                    param,
                    pointer,
                );
                return None;
            }
            other => {
                self.warn(
                    format!(
                        "parameter `{name}` has unsupported location `in: {}`; it is left out",
                        other.unwrap_or("(missing)")
                    ),
                    param,
                    pointer,
                );
                return None;
            }
        };
        let schema = match map.get("schema") {
            Some(schema) => self.schema(schema, &format!("{pointer}/schema")),
            None => context.dialect.parameter_schema(self, param, map, pointer),
        };
        let (style, explode) = context
            .dialect
            .parameter_style(self, param, location, pointer);
        let (added_in, changed_in) = self.version_notes(map);
        Some(ParameterOrBody::Parameter(Box::new(Parameter {
            name: name.to_owned(),
            location,
            // Path parameters are always required.
            required: required || location == ParamLocation::Path,
            description,
            schema,
            deprecated: map
                .get("deprecated")
                .and_then(RNode::as_bool)
                .unwrap_or(false),
            added_in,
            changed_in,
            style,
            explode,
            place: self.place(param, pointer),
        })))
    }

    pub(super) fn schema_any(&self, node: &RNode, pointer: &str) -> Schema {
        Schema {
            kind: SchemaKind::Any,
            title: None,
            description: None,
            nullable: false,
            format: None,
            default: None,
            example: None,
            example_schema: None,
            deprecated: false,
            added_in: None,
            changed_in: Vec::new(),
            place: self.place(node, pointer),
        }
    }

    fn response(
        &mut self,
        context: &DocumentContext,
        op: &IndexMap<String, RNode>,
        status: Status,
        node: &RNode,
        pointer: &str,
    ) -> Option<Response> {
        let node = self.deref(node);
        let Some(map) = node.as_map() else {
            self.warn(
                format!(
                    "a response must be a mapping, found {}; it is left out",
                    node.kind_name()
                ),
                node,
                pointer,
            );
            return None;
        };
        let description = map
            .get("description")
            .and_then(RNode::as_str)
            .map(str::to_owned);
        let body = context
            .dialect
            .response_body(self, context, op, map, pointer);
        let mut headers = Vec::new();
        if let Some(list) = map
            .get("headers")
            .map(|h| self.deref(h))
            .and_then(RNode::as_map)
        {
            for (name, header) in list {
                let header_pointer = format!("{pointer}/headers/{}", escape_pointer(name));
                let header = self.deref(header);
                let schema = context.dialect.header_schema(self, header, &header_pointer);
                headers.push(Parameter {
                    name: name.clone(),
                    location: ParamLocation::Header,
                    required: header
                        .get("required")
                        .and_then(RNode::as_bool)
                        .unwrap_or(false),
                    description: header
                        .get("description")
                        .and_then(RNode::as_str)
                        .map(str::to_owned),
                    schema,
                    deprecated: false,
                    added_in: None,
                    changed_in: Vec::new(),
                    // Headers are always `simple` (OpenAPI) or comma-separated (Swagger).
                    style: ParamStyle::Simple,
                    explode: false,
                    place: self.place(header, &header_pointer),
                });
            }
        }
        let mut unschematized_examples = Vec::new();
        if body.is_none()
            && let Some(by_type) = map.get("examples").and_then(RNode::as_map)
        {
            for (media_type, example) in by_type.iter().filter(|(m, _)| is_json_media_type(m)) {
                if let Some(value) = self.spec.to_json(example) {
                    unschematized_examples.push(Example {
                        name: None,
                        value: example_value(value, None),
                        place: self.place(
                            example,
                            &format!("{pointer}/examples/{}", escape_pointer(media_type)),
                        ),
                    });
                }
            }
        }
        Some(Response {
            status,
            description,
            body,
            headers,
            unschematized_examples,
        })
    }

    /// Makes an API's operationIds unique, whatever order its files and paths are read in.
    ///
    /// An operationId used twice goes to the operation first by (path, method); the others are
    /// named after their method and path, each with a warning naming both places.
    ///
    /// Two operations with the same method and route (see [`super::route`]) are both kept,
    /// without a diagnostic: the Matrix spec does this on purpose (`POST /rooms/{roomId}/invite`
    /// is `inviteBy3PID` and `inviteUser`, `GET /events` is `getEvents` and `peekEvents`).
    /// They come out next to each other in operationId order, and the server router tries them
    /// in that order ([`super::same_route_groups`]). `operations` holds each operation with its
    /// path as the document writes it (without the base path).
    pub(super) fn unique_operations(
        &mut self,
        api: &str,
        mut operations: Vec<(Operation, String)>,
    ) -> Vec<Operation> {
        // By path and method; operationId and place decide between operations that share both.
        crate::sort_stable_by(&mut operations, |(a, _), (b, _)| {
            (&a.path, a.method, &a.operation_id, &a.place).cmp(&(
                &b.path,
                b.method,
                &b.operation_id,
                &b.place,
            ))
        });
        let mut taken: HashSet<String> = operations
            .iter()
            .map(|(o, _)| o.operation_id.clone())
            .collect();
        let mut first_use: HashMap<String, (Method, String, Place)> = HashMap::default();
        let mut out = Vec::with_capacity(operations.len());
        for (mut op, relative) in operations {
            match first_use.get(&op.operation_id) {
                None => {
                    first_use.insert(
                        op.operation_id.clone(),
                        (op.method, op.path.clone(), op.place.clone()),
                    );
                }
                Some((method, path, place)) => {
                    let base = synthesized_operation_id(op.method, &relative);
                    let mut id = base.clone();
                    let mut n = 2;
                    while taken.contains(&id) {
                        id = format!("{base}{n}");
                        n += 1;
                    }
                    let d = Diagnostic::warning(
                        format!(
                            "operationId `{}` is used twice in the {api} API (also by {method} {path}); this one, {} {}, is called `{id}`",
                            op.operation_id, op.method, op.path
                        ),
                        Some(op.place.clone()),
                    )
                    .with_related("first used here", place.clone());
                    self.diagnostics.push(d);
                    taken.insert(id.clone());
                    op.operation_id = id;
                }
            }
            out.push(op);
        }
        out
    }

    /// Converts a schema object. `$ref`s stay links; their targets are converted once.
    pub fn schema(&mut self, node: &RNode, pointer: &str) -> Schema {
        if let RValue::Ref(t, annotations) = &node.value {
            let t = *t;
            // Aliases (a target that is only a link) collapse to the final target.
            let mut target = t;
            let mut steps = 0;
            while let RValue::Ref(next, _) = self.spec.targets[target].node.value {
                target = next;
                steps += 1;
                if steps > self.spec.targets.len() {
                    break;
                }
            }
            if !self.queued[target] {
                self.queued[target] = true;
                self.queue.push(target);
            }
            let mut schema = self.schema_any(node, pointer);
            schema.kind = SchemaKind::Ref(target);
            if let Some(annotations) = annotations {
                let text = |key: &str| {
                    annotations
                        .get(key)
                        .and_then(RNode::as_str)
                        .map(str::to_owned)
                };
                schema.description = text("description");
                schema.title = text("title");
                schema.nullable = annotations
                    .get("nullable")
                    .and_then(RNode::as_bool)
                    .unwrap_or(false);
                schema.deprecated = annotations
                    .get("deprecated")
                    .and_then(RNode::as_bool)
                    .unwrap_or(false);
                schema.example = annotations
                    .get("example")
                    .and_then(|e| self.spec.to_json(e))
                    .map(|e| example_value(e, Some(&schema)));
                if schema.example.is_some() {
                    schema.example_schema = self.example_schema(node);
                }
                (schema.added_in, schema.changed_in) = self.version_notes(annotations);
            }
            return schema;
        }
        let mut schema = self.schema_any(node, pointer);
        let map = match &node.value {
            RValue::Map(m) => m,
            // `true`/`{}` allow anything; `false` nothing (we keep `Any` and let serde reject).
            RValue::Bool(_) => return schema,
            _ => {
                self.warn(
                    format!(
                        "a schema must be a mapping, found {}; read as any JSON value",
                        node.kind_name()
                    ),
                    node,
                    pointer,
                );
                return schema;
            }
        };
        let text = |key: &str| map.get(key).and_then(RNode::as_str).map(str::to_owned);
        schema.title = text("title");
        schema.description = text("description");
        schema.format = text("format");
        schema.default = map.get("default").and_then(|d| self.spec.to_json(d));
        schema.example = map.get("example").and_then(|e| self.spec.to_json(e));
        if schema.example.is_some() {
            schema.example_schema = self.example_schema(node);
        }
        schema.deprecated = map
            .get("deprecated")
            .and_then(RNode::as_bool)
            .unwrap_or(false);
        schema.nullable = map
            .get("nullable")
            .and_then(RNode::as_bool)
            .unwrap_or(false);
        (schema.added_in, schema.changed_in) = self.version_notes(map);

        // `type` may be a list (3.1): `null` in it makes the schema nullable.
        let mut type_schemas = Vec::new();
        let mut types: Vec<String> = match map.get("type").map(|t| &t.value) {
            Some(RValue::String(t)) => vec![t.clone()],
            Some(RValue::Seq(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let item_pointer = format!("{pointer}/type/{i}");
                    if matches!(item.value, RValue::Map(_) | RValue::Ref(..)) {
                        // JSON Schema draft 3: a schema in a `type` list is one more choice.
                        type_schemas.push(self.schema(item, &item_pointer));
                    } else if item.as_str().is_none() {
                        self.warn(
                            format!(
                                "`type` lists hold type names or schemas, found {}; it is ignored",
                                item.kind_name()
                            ),
                            item,
                            &item_pointer,
                        );
                    }
                }
                if let Some(first) = type_schemas.first() {
                    let place = first.place.clone();
                    let d = Diagnostic::warning(
                        "a `type` list holding schemas (JSON Schema draft 3) is read as `oneOf` of the named types and the schemas",
                        Some(place),
                    )
                    .with_chain(&self.chain);
                    self.diagnostics.push(d);
                }
                items
                    .iter()
                    .filter_map(RNode::as_str)
                    .map(str::to_owned)
                    .collect()
            }
            Some(_) => {
                let t_node = map.get("type").unwrap_or(node);
                self.warn(
                    format!(
                        "`type` must be a string or a list of strings, found {}; it is ignored",
                        t_node.kind_name()
                    ),
                    t_node,
                    &format!("{pointer}/type"),
                );
                Vec::new()
            }
            None => Vec::new(),
        };
        if types.iter().any(|t| t == "null") && types.len() + type_schemas.len() > 1 {
            schema.nullable = true;
            types.retain(|t| t != "null");
        }
        if !type_schemas.is_empty() {
            let mut variants: Vec<Schema> = types
                .iter()
                .map(|t| {
                    let mut member = self.schema_any(node, pointer);
                    member.kind = self.primitive_kind(t, map, node, pointer);
                    member
                })
                .collect();
            for member in type_schemas {
                if member.kind == SchemaKind::Null {
                    schema.nullable = true;
                } else {
                    variants.push(member);
                }
            }
            schema.kind = match variants.len() {
                0 => SchemaKind::Null,
                1 => variants.remove(0).kind,
                _ => SchemaKind::OneOf(variants),
            };
            return schema;
        }

        for key in ["oneOf", "anyOf"] {
            if let Some(members) = map.get(key) {
                let Some(items) = members.as_seq() else {
                    self.warn(
                        format!(
                            "`{key}` must be a list, found {}; it is ignored",
                            members.kind_name()
                        ),
                        members,
                        &format!("{pointer}/{key}"),
                    );
                    continue;
                };
                let mut variants = Vec::new();
                for (i, member) in items.iter().enumerate() {
                    let member_schema = self.schema(member, &format!("{pointer}/{key}/{i}"));
                    if member_schema.kind == SchemaKind::Null {
                        schema.nullable = true;
                    } else {
                        variants.push(member_schema);
                    }
                }
                schema.kind = match variants.len() {
                    0 => SchemaKind::Null,
                    1 => {
                        let only = variants.remove(0);
                        schema.description = schema.description.or(only.description);
                        schema.title = schema.title.or(only.title);
                        only.kind
                    }
                    _ => SchemaKind::OneOf(variants),
                };
                return schema;
            }
        }

        if let Some(values) = map.get("enum") {
            match values.as_seq() {
                Some(items) => {
                    let strings: Option<Vec<String>> = items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect();
                    let is_string_type =
                        types.is_empty() || types.iter().all(|t| t == "string" || t == "enum");
                    schema.kind = match strings {
                        Some(values) if is_string_type => SchemaKind::String { values },
                        _ => SchemaKind::Enum(
                            items.iter().filter_map(|i| self.spec.to_json(i)).collect(),
                        ),
                    };
                    return schema;
                }
                None => self.warn(
                    format!(
                        "`enum` must be a list, found {}; it is ignored",
                        values.kind_name()
                    ),
                    values,
                    &format!("{pointer}/enum"),
                ),
            }
        }
        if types.len() > 1 {
            // `[string, integer, boolean]`: one of several primitive types.
            let variants = types
                .iter()
                .map(|t| {
                    let mut member = self.schema_any(node, pointer);
                    member.kind = self.primitive_kind(t, map, node, pointer);
                    member
                })
                .collect();
            schema.kind = SchemaKind::OneOf(variants);
            return schema;
        }
        let ty = types.first().map(String::as_str);
        schema.kind = match ty {
            Some(t) => self.primitive_kind(t, map, node, pointer),
            None if map.contains_key("properties")
                || map.contains_key("additionalProperties")
                || map.contains_key("patternProperties") =>
            {
                self.primitive_kind("object", map, node, pointer)
            }
            None if map.contains_key("items") => self.primitive_kind("array", map, node, pointer),
            None => SchemaKind::Any,
        };
        if let Some(example) = schema.example.take() {
            schema.example = Some(example_value(example, Some(&schema)));
        }
        schema
    }

    fn primitive_kind(
        &mut self,
        ty: &str,
        map: &IndexMap<String, RNode>,
        node: &RNode,
        pointer: &str,
    ) -> SchemaKind {
        match ty {
            "string" => {
                let format = map.get("format").and_then(RNode::as_str);
                if format == Some("binary") {
                    SchemaKind::Binary
                } else {
                    SchemaKind::String { values: Vec::new() }
                }
            }
            "file" => SchemaKind::Binary,
            "integer" => SchemaKind::Integer,
            "number" => SchemaKind::Number,
            "boolean" => SchemaKind::Boolean,
            "null" => SchemaKind::Null,
            "array" => match map.get("items").or_else(|| map.get("prefixItems")) {
                Some(items) => match &items.value {
                    RValue::Seq(list) => SchemaKind::Tuple(
                        list.iter()
                            .enumerate()
                            .map(|(i, item)| self.schema(item, &format!("{pointer}/items/{i}")))
                            .collect(),
                    ),
                    _ => {
                        SchemaKind::Array(Box::new(self.schema(items, &format!("{pointer}/items"))))
                    }
                },
                None => SchemaKind::Array(Box::new(self.schema_any(node, pointer))),
            },
            "object" => SchemaKind::Object(self.object(map, node, pointer)),
            "enum" => {
                // A Matrix dialect slip for `type: string` with an `enum`.
                self.warn(
                    "`type: enum` is not a JSON Schema type; read as `string`",
                    node,
                    pointer,
                );
                SchemaKind::String { values: Vec::new() }
            }
            other => {
                // Point at the `type` value itself, not at the schema.
                let at = map.get("type").unwrap_or(node);
                self.warn(
                    format!("unknown schema type `{other}`; read as any JSON value"),
                    at,
                    &format!("{pointer}/type"),
                );
                SchemaKind::Any
            }
        }
    }

    fn object(
        &mut self,
        map: &IndexMap<String, RNode>,
        node: &RNode,
        pointer: &str,
    ) -> ObjectSchema {
        let mut required: HashSet<String> = map
            .get("required")
            .and_then(RNode::as_seq)
            .map(|items| {
                items
                    .iter()
                    .filter_map(RNode::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut object = ObjectSchema::default();
        if let Some(props) = map.get("properties") {
            let props = self.deref(props);
            match props.as_map() {
                Some(props) => {
                    for (name, prop) in props {
                        let prop_pointer = format!("{pointer}/properties/{}", escape_pointer(name));
                        // Draft-3 style `required: true` on the property itself.
                        if self.deref(prop).get("required").and_then(RNode::as_bool) == Some(true) {
                            required.insert(name.clone());
                        }
                        let schema = self.schema(prop, &prop_pointer);
                        object.properties.insert(
                            name.clone(),
                            Property {
                                schema,
                                required: false,
                            },
                        );
                    }
                }
                None if props.as_seq().is_some_and(<[RNode]>::is_empty) => {
                    self.warn("`properties: []` read as no properties", props, pointer)
                }
                None => self.warn(
                    format!(
                        "`properties` must be a mapping, found {}; read as no properties",
                        props.kind_name()
                    ),
                    props,
                    &format!("{pointer}/properties"),
                ),
            }
        }
        for (name, prop) in object.properties.iter_mut() {
            prop.required = required.contains(name);
        }
        object.additional = match map.get("additionalProperties").map(|a| (a, &a.value)) {
            None => Additional::Unspecified,
            Some((_, RValue::Bool(false))) => Additional::Forbidden,
            Some((_, RValue::Bool(true))) => Additional::Any,
            Some((a, RValue::Map(m))) if m.is_empty() => {
                let _ = a;
                Additional::Any
            }
            Some((a, _)) => Additional::Schema(Box::new(
                self.schema(a, &format!("{pointer}/additionalProperties")),
            )),
        };
        if let Some(patterns) = map.get("patternProperties").and_then(RNode::as_map) {
            // Keys are only constrained by pattern: a map of the (first) pattern's schema.
            if let Some((pattern, schema)) = patterns.iter().next() {
                let s = self.schema(
                    schema,
                    &format!("{pointer}/patternProperties/{}", escape_pointer(pattern)),
                );
                // `additionalProperties: false` beside patterns forbids only the keys no
                // pattern matches (JSON Schema): still a map of the pattern's schema.
                if matches!(
                    object.additional,
                    Additional::Unspecified | Additional::Any | Additional::Forbidden
                ) {
                    object.additional = Additional::Schema(Box::new(s));
                    // matrix-spec names the keys' format inside the pattern's schema.
                    object.key_format = self
                        .deref(schema)
                        .get("x-pattern-format")
                        .and_then(RNode::as_str)
                        .map(str::to_owned);
                }
            }
        }
        let _ = node;
        object
    }
}

enum ParameterOrBody {
    Parameter(Box<Parameter>),
    Body(Body),
}

fn classify_scheme(scheme: &RNode) -> SecurityScheme {
    let ty = scheme.get("type").and_then(RNode::as_str);
    let name = scheme.get("name").and_then(RNode::as_str);
    let http_scheme = scheme.get("scheme").and_then(RNode::as_str);
    match (ty, name, http_scheme) {
        (Some("apiKey"), Some("access_token"), _) => SecurityScheme::AccessToken,
        (Some("http"), _, Some(s)) if s.eq_ignore_ascii_case("bearer") => {
            SecurityScheme::AccessToken
        }
        _ => SecurityScheme::Other,
    }
}

/// A path template with its parameter names left out: `/rooms/{roomId}` → `/rooms/{}`. Two
/// operations with the same method and route are one endpoint on the wire.
pub fn route(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' if in_name => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// `GET /matrix/server` → `getMatrixServer`: an id for an operation the spec left unnamed.
fn synthesized_operation_id(method: Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for segment in path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
    {
        let mut chars = segment.chars().filter(|c| c.is_alphanumeric());
        if let Some(first) = chars.next() {
            id.extend(first.to_uppercase());
            id.extend(chars);
        }
    }
    id
}

pub(super) fn parse_status(key: &str) -> Option<Status> {
    if key == "default" {
        return Some(Status::Default);
    }
    if let Ok(code) = key.parse::<u16>() {
        return (100..600).contains(&code).then_some(Status::Code(code));
    }
    let bytes = key.as_bytes();
    if bytes.len() == 3 && bytes[0].is_ascii_digit() && key[1..].eq_ignore_ascii_case("xx") {
        return Some(Status::Range(bytes[0] - b'0'));
    }
    None
}

pub(super) fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// An example as the spec means it. The oldest releases (r0.1, r0.2) wrote JSON examples as
/// JSON text (`application/json: |- {"room_id": ...}`): a string example whose schema cannot
/// be a string (an object, a list, a reference to a definition) or that has no schema, and
/// whose text is a JSON object or array, is that object or array.
pub(super) fn example_value(value: Json, schema: Option<&Schema>) -> Json {
    let could_be_text = schema.is_some_and(|s| {
        !matches!(
            s.kind,
            SchemaKind::Object(_)
                | SchemaKind::Array(_)
                | SchemaKind::Tuple(_)
                | SchemaKind::Ref(_)
        )
    });
    match &value {
        Json::String(text) if !could_be_text => match serde_json::from_str::<Json>(text) {
            Ok(parsed @ (Json::Object(_) | Json::Array(_))) => parsed,
            _ => value,
        },
        _ => value,
    }
}

/// A schema's own `example`, when the body gives none.
pub(super) fn schema_examples(schema: &Schema, place: Place) -> Vec<Example> {
    schema
        .example
        .iter()
        .map(|value| Example {
            name: None,
            value: value.clone(),
            place: place.clone(),
        })
        .collect()
}

/// What a security requirement was read as, for messages.
fn auth_text(auth: &Auth) -> String {
    match auth {
        Auth::None => "no authentication".to_owned(),
        Auth::AccessToken => "an access token".to_owned(),
        Auth::OptionalAccessToken => "an optional access token".to_owned(),
        Auth::Other(name) => format!("scheme `{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(parse_status("200"), Some(Status::Code(200)));
        assert_eq!(parse_status("2xx"), Some(Status::Range(2)));
        assert_eq!(parse_status("4XX"), Some(Status::Range(4)));
        assert_eq!(parse_status("default"), Some(Status::Default));
        assert_eq!(parse_status("abc"), None);
        assert_eq!(parse_status("999"), None);
    }

    #[test]
    fn media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/problem+json"));
        assert!(!is_json_media_type("image/png"));
    }
}
