//! Stage 4, IR: what the Rust code will contain — modules, operations, named types and
//! fields — with every name final, unique and idiomatic. Emission only prints this.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use crate::diagnostic::{Diagnostic, Error, Place};
use crate::model::{
    Additional, Api, Auth, BaseVariable, BodyKind, Method, ObjectSchema, Operation, ParamLocation,
    Schema, SchemaKind, Spec, Status,
};
use crate::naming::{Acronyms, field_ident, snake_case, unique, unraw, upper_camel};
use crate::resolve::TargetId;

#[derive(Clone, Debug, PartialEq)]
pub struct Ir {
    pub modules: Vec<ApiModule>,
    /// Every example, with the generated type it must round-trip through.
    pub examples: Vec<ExampleIr>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiModule {
    /// `client_server`
    pub ident: String,
    /// `client-server`
    pub api_name: String,
    /// Types shared by the API's operations (schemas reached by `$ref`).
    pub types: Vec<TypeDef>,
    pub operations: Vec<OperationIr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OperationIr {
    pub ident: String,
    pub operation_id: String,
    pub method: Method,
    pub path: String,
    pub base_variables: Vec<BaseVariable>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub auth: Auth,
    pub rate_limited: bool,
    /// The status of a successful response (the first 2xx the spec lists; 200 otherwise).
    pub success_status: u16,
    pub deprecated: bool,
    pub added_in: Option<String>,
    /// `x-changedInMatrixVersion`: (version, what changed).
    pub changed_in: Vec<(String, String)>,
    /// Every field of `Request`: parameters first, then the body.
    pub request_fields: Vec<FieldDef>,
    pub request_body: RequestBody,
    pub response: ResponseIr,
    /// Types used only by this operation.
    pub types: Vec<TypeDef>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RequestBody {
    None,
    /// A JSON object whose properties are the `Body` fields of `Request`.
    Fields,
    /// Any other JSON value, held in the field named here.
    Whole(String),
    /// Raw bytes of the given content type, in the field named here.
    Binary {
        field: String,
        content_type: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum ResponseIr {
    /// A JSON object: the struct's fields (possibly none).
    Fields(StructDef),
    /// Any other JSON value, wrapped transparently.
    Whole { ty: RustType, doc: Option<String> },
    Binary {
        content_type: String,
        doc: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldSource {
    Path,
    Query,
    Header,
    Body,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    pub ident: String,
    /// The name on the wire (JSON key, query parameter, header).
    pub wire: String,
    pub ty: RustType,
    /// Not required: `Option<T>`, omitted when `None`.
    pub optional: bool,
    /// Required but may be `null`: `Option<T>`, always written.
    pub nullable: bool,
    pub doc: Option<String>,
    pub source: FieldSource,
    /// Holds the object's undescribed keys (`#[serde(flatten)]`).
    pub flatten: bool,
    pub deprecated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<FieldDef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringEnumDef {
    pub name: String,
    pub doc: Option<String>,
    /// (variant, wire value)
    pub variants: Vec<(String, String)>,
    /// The variant that keeps values the spec does not list.
    pub fallback: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionDef {
    pub name: String,
    pub doc: Option<String>,
    /// Tried in this order when deserializing.
    pub variants: Vec<(String, RustType)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeDef {
    Struct(StructDef),
    StringEnum(StringEnumDef),
    Union(UnionDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::StringEnum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
        }
    }

    /// Names of operation-local types this type uses.
    fn local_references(&self, out: &mut Vec<String>) {
        let types: Vec<&RustType> = match self {
            TypeDef::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeDef::StringEnum(_) => Vec::new(),
            TypeDef::Union(u) => u.variants.iter().map(|(_, t)| t).collect(),
        };
        for ty in types {
            ty.local_references(out);
        }
    }

    /// Points references to the named operation-local types at the API module.
    fn rescope(&mut self, names: &std::collections::BTreeSet<String>) {
        match self {
            TypeDef::Struct(s) => s.fields.iter_mut().for_each(|f| f.ty.rescope(names)),
            TypeDef::StringEnum(_) => {}
            TypeDef::Union(u) => u.variants.iter_mut().for_each(|(_, t)| t.rescope(names)),
        }
    }

    /// The shape, names of the type itself and docs left out: equal shapes can share a type.
    fn signature(&self) -> String {
        match self {
            TypeDef::Struct(s) => {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}:{}:{:?}:{}:{}:{}",
                            f.ident, f.wire, f.ty, f.optional, f.nullable, f.flatten
                        )
                    })
                    .collect();
                format!("struct{{{}}}", fields.join(","))
            }
            TypeDef::StringEnum(e) => format!("enum{:?}", e.variants),
            TypeDef::Union(u) => format!("union{:?}", u.variants),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RustType {
    Bool,
    I64,
    F64,
    String,
    /// `serde_json::Value`
    Json,
    /// `serde_json::Map<String, Value>`
    JsonObject,
    Bytes,
    Vec(Box<RustType>),
    /// `BTreeMap<String, T>`
    Map(Box<RustType>),
    Tuple(Vec<RustType>),
    Option(Box<RustType>),
    Boxed(Box<RustType>),
    Named {
        scope: Scope,
        name: String,
    },
}

impl RustType {
    fn local_references(&self, out: &mut Vec<String>) {
        match self {
            RustType::Named {
                scope: Scope::Operation,
                name,
            } => out.push(name.clone()),
            RustType::Vec(inner)
            | RustType::Map(inner)
            | RustType::Option(inner)
            | RustType::Boxed(inner) => inner.local_references(out),
            RustType::Tuple(items) => items.iter().for_each(|i| i.local_references(out)),
            _ => {}
        }
    }

    fn rescope(&mut self, names: &std::collections::BTreeSet<String>) {
        match self {
            RustType::Named { scope, name }
                if *scope == Scope::Operation && names.contains(name) =>
            {
                *scope = Scope::Api;
            }
            RustType::Vec(inner)
            | RustType::Map(inner)
            | RustType::Option(inner)
            | RustType::Boxed(inner) => inner.rescope(names),
            RustType::Tuple(items) => items.iter_mut().for_each(|i| i.rescope(names)),
            _ => {}
        }
    }
}

/// Where a named type lives: the API module or the operation's module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Api,
    Operation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExampleIr {
    /// Path below the crate root: `client_server::login::Response`.
    pub type_path: String,
    pub value: Json,
    pub place: Place,
}

/// Builds the IR for every API of the model.
pub fn build(spec: &Spec) -> Result<Ir, Error> {
    let mut modules = Vec::new();
    let mut examples = Vec::new();
    let mut module_names: BTreeMap<String, String> = BTreeMap::new();
    let acronyms = Acronyms::from_identifiers(
        spec.apis
            .iter()
            .flat_map(|a| a.operations.iter().map(|o| o.operation_id.as_str())),
    );
    for api in &spec.apis {
        let ident = crate::naming::escape_keyword(snake_case(&api.name));
        if let Some(other) = module_names.insert(ident.clone(), api.name.clone()) {
            return Err(Error::single(Diagnostic::error(
                format!(
                    "the APIs `{other}` and `{}` both become module `{ident}`",
                    api.name
                ),
                None,
            )));
        }
        modules.push(ApiBuilder::new(spec, api).build(&acronyms, &mut examples)?);
    }
    Ok(Ir {
        modules,
        examples,
        warnings: spec.warnings.clone(),
    })
}

/// Names and types of one scope (the API module or an operation module).
#[derive(Default)]
struct TypeScope {
    types: Vec<TypeDef>,
    /// name → index in `types` (or reserved for a type being built).
    names: HashMap<String, Option<usize>>,
}

/// Names of the std prelude that generated code uses unqualified: a type must not shadow them.
const PRELUDE_NAMES: &[&str] = &[
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Extend",
    "FromIterator",
    "Unpin",
    "Self",
    "Debug",
    "Hash",
];

impl TypeScope {
    fn new() -> Self {
        let mut scope = TypeScope::default();
        for name in PRELUDE_NAMES {
            scope.names.insert((*name).to_owned(), None);
        }
        scope
    }

    fn taken(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Adds a type under its name or a free variant of it; an equal type of that name is reused.
    fn add(&mut self, def: TypeDef, prefix: Option<&str>) -> String {
        let base = def.name().to_owned();
        let signature = def.signature();
        let mut candidate = base.clone();
        let mut n = 1;
        loop {
            match self.names.get(&candidate) {
                None => break,
                Some(Some(i)) if self.types[*i].signature() == signature => return candidate,
                _ => {}
            }
            candidate = if n == 1 {
                match prefix {
                    Some(p) if !p.is_empty() && !base.starts_with(p) => format!("{p}{base}"),
                    _ => {
                        n += 1;
                        format!("{base}{n}")
                    }
                }
            } else {
                format!("{base}{n}")
            };
            n += 1;
        }
        let def = rename(def, &candidate);
        self.names.insert(candidate.clone(), Some(self.types.len()));
        self.types.push(def);
        candidate
    }

    fn reserve(&mut self, base: &str, prefix: Option<&str>) -> String {
        let name = unique(base, prefix, &|n| self.taken(n));
        self.names.insert(name.clone(), None);
        name
    }

    fn fill(&mut self, name: &str, def: TypeDef) {
        self.names.insert(name.to_owned(), Some(self.types.len()));
        self.types.push(rename(def, name));
    }
}

fn rename(def: TypeDef, name: &str) -> TypeDef {
    match def {
        TypeDef::Struct(mut s) => {
            s.name = name.to_owned();
            TypeDef::Struct(s)
        }
        TypeDef::StringEnum(mut e) => {
            e.name = name.to_owned();
            TypeDef::StringEnum(e)
        }
        TypeDef::Union(mut u) => {
            u.name = name.to_owned();
            TypeDef::Union(u)
        }
    }
}

struct ApiBuilder<'a> {
    spec: &'a Spec,
    api: &'a Api,
    shared: TypeScope,
    /// Shared schema targets already converted, and what they became.
    converted: HashMap<TargetId, RustType>,
    /// Targets being converted: a reference back to one is recursion.
    in_progress: Vec<(TargetId, String)>,
    /// Shared object schemas by title, for schemas that name one only by its title.
    titled: HashMap<String, Vec<TargetId>>,
    /// Operation-local types of the operation being built.
    local: TypeScope,
    scope: Scope,
    /// `client_server` and, while an operation is built, `client_server::login`.
    api_path: String,
    operation_path: String,
    /// Schema `example`s of the named object types built so far.
    type_examples: Vec<ExampleIr>,
}

/// What a type is being built for: a name to derive from and the enclosing type's name.
#[derive(Clone)]
struct Hint {
    name: String,
    parent: String,
}

impl<'a> ApiBuilder<'a> {
    fn new(spec: &'a Spec, api: &'a Api) -> Self {
        ApiBuilder {
            spec,
            api,
            shared: TypeScope::new(),
            converted: HashMap::new(),
            in_progress: Vec::new(),
            titled: titled_objects(spec),
            local: TypeScope::new(),
            scope: Scope::Api,
            api_path: snake_case(&api.name),
            operation_path: String::new(),
            type_examples: Vec::new(),
        }
    }

    /// Records a schema's own example as one of the named type it became.
    fn record_type_example(&mut self, schema: &Schema, scope: Scope, name: &str) {
        let Some(value) = &schema.example else {
            return;
        };
        let module = match scope {
            Scope::Api => &self.api_path,
            Scope::Operation => &self.operation_path,
        };
        let type_path = format!("{module}::{name}");
        if !self
            .type_examples
            .iter()
            .any(|e| e.type_path == type_path && e.value == *value)
        {
            self.type_examples.push(ExampleIr {
                type_path,
                value: value.clone(),
                place: schema.place.clone(),
            });
        }
    }

    fn build(
        mut self,
        acronyms: &Acronyms,
        examples: &mut Vec<ExampleIr>,
    ) -> Result<ApiModule, Error> {
        let api_ident = crate::naming::escape_keyword(snake_case(&self.api.name));
        let mut operations = Vec::new();
        let mut op_names: HashMap<String, &str> = HashMap::new();
        for op in &self.api.operations {
            let mut ident = acronyms.snake_case(&op.operation_id);
            if op_names.contains_key(&ident) {
                // `queryUserByID` and `queryUserById`: the later one (in path order) is numbered.
                ident = unique(&ident, None, &|n| op_names.contains_key(n));
            }
            op_names.insert(ident.clone(), &op.operation_id);
            let ident = crate::naming::escape_keyword(ident);
            operations.push(self.operation(op, ident, &api_ident, examples));
        }
        examples.append(&mut self.type_examples);
        let mut module = ApiModule {
            ident: api_ident,
            api_name: self.api.name.clone(),
            types: self.shared.types,
            operations,
        };
        hoist_repeated_types(&mut module, examples);
        Ok(module)
    }

    fn operation(
        &mut self,
        op: &Operation,
        ident: String,
        api_ident: &str,
        examples: &mut Vec<ExampleIr>,
    ) -> OperationIr {
        self.local = TypeScope::new();
        // `Request` and `Response` are taken in every operation module.
        self.local.names.insert("Request".into(), None);
        self.local.names.insert("RequestBody".into(), None);
        self.local.names.insert("Response".into(), None);
        self.scope = Scope::Operation;
        let module_path = format!("{api_ident}::{}", unraw(&ident));
        self.operation_path = module_path.clone();

        let mut request_fields = Vec::new();
        let mut used: HashMap<String, ()> = HashMap::new();
        for param in &op.parameters {
            let source = match param.location {
                ParamLocation::Path => FieldSource::Path,
                ParamLocation::Query => FieldSource::Query,
                ParamLocation::Header => FieldSource::Header,
            };
            let hint = Hint {
                name: upper_camel(&param.name),
                parent: String::new(),
            };
            let ty = self.rust_type(&param.schema, &hint, false);
            let mut field_name = field_ident(&param.name);
            if used.contains_key(&field_name) {
                field_name = format!(
                    "{}_{}",
                    unraw(&field_name),
                    snake_case(source_suffix(source))
                );
            }
            used.insert(field_name.clone(), ());
            request_fields.push(FieldDef {
                ident: field_name,
                wire: param.name.clone(),
                ty,
                optional: !param.required,
                nullable: false,
                doc: param
                    .description
                    .clone()
                    .or_else(|| param.schema.description.clone()),
                source,
                flatten: false,
                deprecated: param.deprecated,
            });
        }

        let request_body = match &op.body {
            None => RequestBody::None,
            Some(body) => match &body.kind {
                BodyKind::Binary => {
                    let field = unique("body", None, &|n| used.contains_key(n));
                    request_fields.push(FieldDef {
                        ident: field.clone(),
                        wire: "body".into(),
                        ty: RustType::Bytes,
                        optional: false,
                        nullable: false,
                        doc: body.description.clone(),
                        source: FieldSource::Body,
                        flatten: false,
                        deprecated: false,
                    });
                    RequestBody::Binary {
                        field,
                        content_type: body.content_type.clone(),
                    }
                }
                BodyKind::Json(schema) => {
                    let hint = Hint {
                        name: "RequestBody".into(),
                        parent: String::new(),
                    };
                    for example in &body.examples {
                        examples.push(ExampleIr {
                            type_path: format!("{module_path}::RequestBody"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                        });
                    }
                    match self.object_of(schema, true) {
                        Some((object, _)) => {
                            let fields = self.body_fields(schema, &object, &hint, false);
                            for mut field in fields {
                                if used.contains_key(&field.ident) {
                                    field.ident = format!("{}_body", unraw(&field.ident));
                                }
                                used.insert(field.ident.clone(), ());
                                request_fields.push(field);
                            }
                            RequestBody::Fields
                        }
                        None => {
                            let body_hint = Hint {
                                name: "Body".into(),
                                parent: String::new(),
                            };
                            let ty = self.rust_type(schema, &body_hint, false);
                            let field = unique("body", None, &|n| used.contains_key(n));
                            request_fields.push(FieldDef {
                                ident: field.clone(),
                                wire: "body".into(),
                                ty,
                                optional: false,
                                nullable: schema.nullable,
                                doc: body
                                    .description
                                    .clone()
                                    .or_else(|| schema.description.clone()),
                                source: FieldSource::Body,
                                flatten: false,
                                deprecated: false,
                            });
                            RequestBody::Whole(field)
                        }
                    }
                }
            },
        };

        let success = op
            .responses
            .iter()
            .find(|r| matches!(r.status, Status::Code(200..=299) | Status::Range(2)));
        let response = match success {
            None => ResponseIr::Fields(StructDef {
                name: "Response".into(),
                doc: None,
                fields: Vec::new(),
            }),
            Some(r) => match r.body.as_ref().map(|b| (&b.kind, b)) {
                None => {
                    // Examples without a schema still say what the response should hold.
                    for example in &r.unschematized_examples {
                        examples.push(ExampleIr {
                            type_path: format!("{module_path}::Response"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                        });
                    }
                    ResponseIr::Fields(StructDef {
                        name: "Response".into(),
                        doc: r.description.clone(),
                        fields: Vec::new(),
                    })
                }
                Some((BodyKind::Binary, body)) => ResponseIr::Binary {
                    content_type: body.content_type.clone(),
                    doc: r.description.clone(),
                },
                Some((BodyKind::Json(schema), body)) => {
                    for example in &body.examples {
                        examples.push(ExampleIr {
                            type_path: format!("{module_path}::Response"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                        });
                    }
                    let hint = Hint {
                        name: "Response".into(),
                        parent: String::new(),
                    };
                    match self.object_of(schema, false) {
                        Some((object, _)) => ResponseIr::Fields(StructDef {
                            name: "Response".into(),
                            doc: r.description.clone(),
                            fields: self.body_fields(schema, &object, &hint, true),
                        }),
                        None => ResponseIr::Whole {
                            // `Response` is the wrapper; a named body type is `ResponseBody`.
                            ty: self.rust_type(
                                schema,
                                &Hint {
                                    name: "ResponseBody".into(),
                                    parent: String::new(),
                                },
                                false,
                            ),
                            doc: r.description.clone(),
                        },
                    }
                }
            },
        };

        let rate_limited = op.responses.iter().any(|r| r.status == Status::Code(429));
        let success_status = match success.map(|r| r.status) {
            Some(Status::Code(code)) => code,
            _ => 200,
        };
        self.scope = Scope::Api;
        OperationIr {
            success_status,
            ident,
            operation_id: op.operation_id.clone(),
            method: op.method,
            path: op.path.clone(),
            base_variables: op.base_variables.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            auth: op.auth.clone(),
            rate_limited,
            deprecated: op.deprecated,
            added_in: op.added_in.clone(),
            changed_in: op.changed_in.clone(),
            request_fields,
            request_body,
            response,
            types: std::mem::take(&mut self.local.types),
        }
    }

    /// The object a body schema describes (following links), when its properties can become
    /// the fields of `Request`/`Response`. A response object without properties becomes a
    /// struct that keeps whatever keys arrive; a request body without properties stays a map.
    fn object_of(
        &self,
        schema: &Schema,
        for_request: bool,
    ) -> Option<(ObjectSchema, Option<String>)> {
        let schema = self.follow(schema);
        match &schema.kind {
            SchemaKind::Object(o)
                if !o.properties.is_empty()
                    || matches!(o.additional, Additional::Forbidden)
                    || (!for_request && matches!(o.additional, Additional::Unspecified)) =>
            {
                Some((o.clone(), schema.description.clone()))
            }
            _ => None,
        }
    }

    fn follow<'s>(&'s self, schema: &'s Schema) -> &'s Schema {
        let mut schema = schema;
        let mut steps = 0;
        while let SchemaKind::Ref(t) = schema.kind {
            match self.spec.schemas.get(t).and_then(Option::as_ref) {
                Some(target) => schema = target,
                None => break,
            }
            steps += 1;
            if steps > self.spec.schemas.len() {
                break;
            }
        }
        schema
    }

    /// The fields of a request or response body. A body that is a shared schema (`$ref`) builds
    /// its nested types in the API module, where that schema's other uses find them.
    fn body_fields(
        &mut self,
        schema: &Schema,
        object: &ObjectSchema,
        hint: &Hint,
        keep_unknown: bool,
    ) -> Vec<FieldDef> {
        let SchemaKind::Ref(target) = schema.kind else {
            return self.fields(object, hint, keep_unknown);
        };
        // The shared struct exists (or is built now): the body has exactly its fields.
        if let RustType::Named {
            scope: Scope::Api,
            name,
        } = self.shared_type(target, true, false)
            && let Some(TypeDef::Struct(shared)) =
                self.shared.types.iter().find(|t| t.name() == name)
        {
            let mut fields = shared.fields.clone();
            if !keep_unknown && matches!(object.additional, Additional::Unspecified) {
                fields.retain(|f| !f.flatten);
            }
            return fields;
        }
        let saved = self.scope;
        self.scope = Scope::Api;
        let fields = self.fields(object, hint, keep_unknown);
        self.scope = saved;
        fields
    }

    /// The fields of a struct for `object`. `keep_unknown`: an object that does not forbid
    /// further keys gets a flattened `extra` map holding them, so nothing a peer sends is lost
    /// (request bodies, built by the caller, do not).
    fn fields(&mut self, object: &ObjectSchema, hint: &Hint, keep_unknown: bool) -> Vec<FieldDef> {
        let mut fields = Vec::new();
        let mut used: HashMap<String, ()> = HashMap::new();
        for (wire, prop) in &object.properties {
            let mut ident = field_ident(wire);
            if used.contains_key(&ident) {
                ident = unique(unraw(&ident), None, &|n| used.contains_key(n));
            }
            used.insert(ident.clone(), ());
            let field_hint = Hint {
                name: prop
                    .schema
                    .title
                    .as_deref()
                    .map_or_else(|| upper_camel(wire), upper_camel),
                parent: hint.name.clone(),
            };
            let ty = self.rust_type(&prop.schema, &field_hint, false);
            let mut doc = prop
                .schema
                .description
                .clone()
                .or_else(|| self.follow(&prop.schema).description.clone());
            let notes = [
                prop.schema
                    .added_in
                    .as_ref()
                    .map(|v| format!("Added in Matrix `{v}`.")),
                // Unless the description already says it.
                prop.schema
                    .default
                    .as_ref()
                    .filter(|_| {
                        !doc.as_deref()
                            .is_some_and(|d| d.to_lowercase().contains("default"))
                    })
                    .map(|d| format!("Defaults to `{d}`.")),
            ];
            for note in notes.into_iter().flatten() {
                doc = Some(match doc {
                    Some(text) => format!("{}\n\n{note}", text.trim_end()),
                    None => note,
                });
            }
            let deprecated = prop.schema.deprecated;
            fields.push(FieldDef {
                ident,
                wire: wire.clone(),
                ty,
                optional: !prop.required,
                nullable: prop.required && prop.schema.nullable,
                doc,
                source: FieldSource::Body,
                flatten: false,
                deprecated,
            });
        }
        let extra = match &object.additional {
            Additional::Schema(s) => {
                let h = Hint {
                    name: format!("{}Value", hint.name),
                    parent: hint.name.clone(),
                };
                Some(RustType::Map(Box::new(nullable(
                    self.rust_type(s, &h, true),
                    s,
                ))))
            }
            Additional::Any => Some(RustType::JsonObject),
            Additional::Unspecified if keep_unknown => Some(RustType::JsonObject),
            Additional::Unspecified | Additional::Forbidden => None,
        };
        if let Some(ty) = extra {
            let ident = unique("extra", None, &|n| used.contains_key(n));
            fields.push(FieldDef {
                ident,
                wire: String::new(),
                ty,
                optional: false,
                nullable: false,
                doc: Some("Keys the spec does not name, with their values.".into()),
                source: FieldSource::Body,
                flatten: true,
                deprecated: false,
            });
        }
        fields
    }

    fn current_scope(&mut self) -> &mut TypeScope {
        match self.scope {
            Scope::Api => &mut self.shared,
            Scope::Operation => &mut self.local,
        }
    }

    /// The Rust type for a schema. `indirect` is true under a `Vec`/map, where recursion needs
    /// no `Box`.
    fn rust_type(&mut self, schema: &Schema, hint: &Hint, indirect: bool) -> RustType {
        let ty = match &schema.kind {
            SchemaKind::Ref(t) => return self.shared_type(*t, indirect, schema.nullable),
            SchemaKind::Any | SchemaKind::Null | SchemaKind::Enum(_) => RustType::Json,
            SchemaKind::Boolean => RustType::Bool,
            SchemaKind::Integer => RustType::I64,
            SchemaKind::Number => RustType::F64,
            SchemaKind::Binary => RustType::Bytes,
            SchemaKind::String { values } if values.is_empty() => RustType::String,
            SchemaKind::String { values } => {
                let name = schema
                    .title
                    .as_deref()
                    .map_or_else(|| hint.name.clone(), upper_camel);
                let def = string_enum(&name, schema.description.clone(), values);
                let parent = hint.parent.clone();
                let scope = self.scope;
                let name = self.current_scope().add(def, Some(&parent));
                RustType::Named { scope, name }
            }
            SchemaKind::Array(items) => {
                let item_hint = Hint {
                    name: items
                        .title
                        .as_deref()
                        .map_or_else(|| hint.name.clone(), upper_camel),
                    parent: hint.parent.clone(),
                };
                let item = nullable(self.rust_type(items, &item_hint, true), items);
                RustType::Vec(Box::new(item))
            }
            SchemaKind::Tuple(items) => {
                let tys = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let h = Hint {
                            name: format!("{}{}", hint.name, i),
                            parent: hint.parent.clone(),
                        };
                        nullable(self.rust_type(item, &h, indirect), item)
                    })
                    .collect();
                RustType::Tuple(tys)
            }
            SchemaKind::Object(object) => {
                if let Some(target) = self.named_by_title(schema) {
                    return self.shared_type(target, indirect, schema.nullable);
                }
                if object.properties.is_empty() {
                    match &object.additional {
                        Additional::Schema(value) => {
                            let h = Hint {
                                name: value
                                    .title
                                    .as_deref()
                                    .map_or_else(|| format!("{}Value", hint.name), upper_camel),
                                parent: hint.parent.clone(),
                            };
                            RustType::Map(Box::new(nullable(
                                self.rust_type(value, &h, true),
                                value,
                            )))
                        }
                        _ => RustType::JsonObject,
                    }
                } else {
                    let name = schema
                        .title
                        .as_deref()
                        .map_or_else(|| hint.name.clone(), upper_camel);
                    let struct_hint = Hint {
                        name: name.clone(),
                        parent: hint.parent.clone(),
                    };
                    let fields = self.fields(object, &struct_hint, true);
                    let def = TypeDef::Struct(StructDef {
                        name,
                        doc: schema.description.clone(),
                        fields,
                    });
                    let parent = hint.parent.clone();
                    let scope = self.scope;
                    let name = self.current_scope().add(def, Some(&parent));
                    self.record_type_example(schema, scope, &name);
                    RustType::Named { scope, name }
                }
            }
            SchemaKind::OneOf(members) => {
                let name = schema
                    .title
                    .as_deref()
                    .map_or_else(|| hint.name.clone(), upper_camel);
                let mut variants: Vec<(String, RustType)> = Vec::new();
                for (i, member) in members.iter().enumerate() {
                    let member_hint = Hint {
                        name: member
                            .title
                            .as_deref()
                            .map_or_else(|| format!("{name}Variant{}", i + 1), upper_camel),
                        parent: name.clone(),
                    };
                    let ty = self.rust_type(member, &member_hint, indirect);
                    let mut variant = variant_name(member, &ty);
                    if variants.iter().any(|(v, _)| *v == variant) {
                        variant = unique(&variant, None, &|n| variants.iter().any(|(v, _)| v == n));
                    }
                    variants.push((variant, ty));
                }
                // Members with the same Rust type (strings told apart only by `pattern` or
                // `format`) cannot be told apart when reading: the first would shadow the rest.
                let mut distinct: Vec<(String, RustType)> = Vec::new();
                for (variant, ty) in variants {
                    if !distinct.iter().any(|(_, t)| *t == ty) {
                        distinct.push((variant, ty));
                    }
                }
                let mut variants = distinct;
                if variants.len() == 1 {
                    return variants.remove(0).1;
                }
                order_union_variants(&mut variants);
                let def = TypeDef::Union(UnionDef {
                    name,
                    doc: schema.description.clone(),
                    variants,
                });
                let parent = hint.parent.clone();
                let scope = self.scope;
                let name = self.current_scope().add(def, Some(&parent));
                RustType::Named { scope, name }
            }
        };
        let _ = indirect;
        ty
    }

    /// The type for a schema reached by `$ref`: a named type of the API module when it is an
    /// object, enum or union; the plain type otherwise.
    fn shared_type(&mut self, target: TargetId, indirect: bool, nullable: bool) -> RustType {
        let _ = nullable;
        if let Some((_, name)) = self.in_progress.iter().find(|(t, _)| *t == target) {
            let named = RustType::Named {
                scope: Scope::Api,
                name: name.clone(),
            };
            return if indirect {
                named
            } else {
                RustType::Boxed(Box::new(named))
            };
        }
        if let Some(ty) = self.converted.get(&target) {
            return ty.clone();
        }
        let Some(schema) = self.spec.schemas.get(target).and_then(Option::as_ref) else {
            return RustType::Json;
        };
        let origin = self
            .spec
            .schema_origins
            .get(target)
            .and_then(Option::as_ref);
        let base = schema
            .title
            .as_deref()
            .map(upper_camel)
            .or_else(|| origin.map(|o| upper_camel(&o.stem)))
            .unwrap_or_else(|| "Schema".into());
        let is_named = match &schema.kind {
            SchemaKind::Object(o) => !o.properties.is_empty(),
            SchemaKind::String { values } => !values.is_empty(),
            SchemaKind::OneOf(_) => true,
            _ => false,
        };
        let saved_scope = self.scope;
        self.scope = Scope::Api;
        let ty = if is_named {
            let name = self.shared.reserve(&base, None);
            self.in_progress.push((target, name.clone()));
            let hint = Hint {
                name: name.clone(),
                parent: String::new(),
            };
            // Build the definition with the reserved name, then store it under that name.
            let def = match &schema.kind {
                SchemaKind::Object(object) => TypeDef::Struct(StructDef {
                    name: name.clone(),
                    doc: schema.description.clone(),
                    fields: self.fields(object, &hint, true),
                }),
                _ => {
                    // Enums and unions: build inline, then move the definition to the name.
                    let mut s = schema.clone();
                    s.title = None;
                    let inner = self.rust_type(
                        &s,
                        &Hint {
                            name: format!("{name}Inner"),
                            parent: String::new(),
                        },
                        indirect,
                    );
                    let def = match inner {
                        RustType::Named {
                            name: inner_name, ..
                        } => self.take_shared(&inner_name),
                        _ => None,
                    };
                    match def {
                        Some(d) => d,
                        None => {
                            self.in_progress.pop();
                            self.scope = saved_scope;
                            return RustType::Json;
                        }
                    }
                }
            };
            self.in_progress.pop();
            self.shared.fill(&name, def);
            if matches!(schema.kind, SchemaKind::Object(_)) {
                self.record_type_example(schema, Scope::Api, &name);
            }
            RustType::Named {
                scope: Scope::Api,
                name,
            }
        } else {
            let hint = Hint {
                name: base,
                parent: String::new(),
            };
            self.rust_type(schema, &hint, indirect)
        };
        self.scope = saved_scope;
        self.converted.insert(target, ty.clone());
        ty
    }

    /// An object with no properties of its own whose title is that of a shared object schema
    /// means that schema (`redacted_because: {type: object, title: ClientEvent}`): the spec's
    /// way of writing recursion without a `$ref`. Ambiguous titles prefer a schema being built.
    fn named_by_title(&self, schema: &Schema) -> Option<TargetId> {
        let SchemaKind::Object(object) = &schema.kind else {
            return None;
        };
        if !object.properties.is_empty() || !matches!(object.additional, Additional::Unspecified) {
            return None;
        }
        let candidates = self.titled.get(schema.title.as_deref()?)?;
        match candidates.as_slice() {
            [only] => Some(*only),
            many => many
                .iter()
                .copied()
                .find(|t| self.in_progress.iter().any(|(p, _)| p == t)),
        }
    }

    /// Removes a just-built shared type so it can be stored under another name.
    fn take_shared(&mut self, name: &str) -> Option<TypeDef> {
        let Some(Some(index)) = self.shared.names.get(name).copied() else {
            return None;
        };
        if index + 1 != self.shared.types.len() {
            // It was an existing equal type; copy it.
            return Some(self.shared.types[index].clone());
        }
        self.shared.names.remove(name);
        self.shared.types.pop()
    }
}

/// `Option<T>` for a schema that allows `null` where no field carries the option (list items,
/// map values, tuple members); `Value` already holds `null`.
fn nullable(ty: RustType, schema: &Schema) -> RustType {
    if schema.nullable && ty != RustType::Json {
        RustType::Option(Box::new(ty))
    } else {
        ty
    }
}

/// Types defined identically in several operations (the spec repeats an inline schema in several
/// files) move to the API module, so they are compiled once. A type moves only with the
/// operation-local types it uses, and only where the API module has no other type of its name.
fn hoist_repeated_types(module: &mut ApiModule, examples: &mut [ExampleIr]) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for op in &module.operations {
        for def in &op.types {
            *seen
                .entry((def.name().to_owned(), def.signature()))
                .or_default() += 1;
        }
    }
    let api_names: BTreeMap<&str, String> = module
        .types
        .iter()
        .map(|t| (t.name(), t.signature()))
        .collect();
    // Only names every operation uses for one and the same shape: references are rewritten by
    // name, so a name with a second shape anywhere must stay local everywhere.
    let mut shapes_per_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in seen.keys() {
        *shapes_per_name.entry(name.as_str()).or_default() += 1;
    }
    let mut hoisted: BTreeSet<(String, String)> = seen
        .iter()
        .filter(|((name, _), count)| **count > 1 && shapes_per_name.get(name.as_str()) == Some(&1))
        .map(|(key, _)| key.clone())
        .filter(|(name, _)| !api_names.contains_key(name.as_str()))
        .collect();
    // Drop candidates that use a local type which stays behind, until nothing changes.
    loop {
        let names: BTreeSet<&str> = hoisted.iter().map(|(n, _)| n.as_str()).collect();
        let mut keep = BTreeSet::new();
        for op in &module.operations {
            for def in &op.types {
                let key = (def.name().to_owned(), def.signature());
                if !hoisted.contains(&key) {
                    continue;
                }
                let mut local = Vec::new();
                def.local_references(&mut local);
                if local.iter().all(|n| names.contains(n.as_str())) {
                    keep.insert(key);
                }
            }
        }
        // A name hoisted with two different shapes cannot live in one module.
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        for (name, _) in &keep {
            *by_name.entry(name.clone()).or_default() += 1;
        }
        keep.retain(|(name, _)| by_name.get(name) == Some(&1));
        if keep == hoisted {
            break;
        }
        hoisted = keep;
    }
    if hoisted.is_empty() {
        return;
    }
    let names: BTreeSet<String> = hoisted.iter().map(|(n, _)| n.clone()).collect();
    let mut moved: BTreeSet<String> = BTreeSet::new();
    for op in &mut module.operations {
        let mut staying = Vec::new();
        for mut def in std::mem::take(&mut op.types) {
            if names.contains(def.name()) {
                def.rescope(&names);
                if moved.insert(def.name().to_owned()) {
                    module.types.push(def);
                }
            } else {
                def.rescope(&names);
                staying.push(def);
            }
        }
        op.types = staying;
        for field in &mut op.request_fields {
            field.ty.rescope(&names);
        }
        match &mut op.response {
            ResponseIr::Fields(def) => {
                for field in &mut def.fields {
                    field.ty.rescope(&names);
                }
            }
            ResponseIr::Whole { ty, .. } => ty.rescope(&names),
            ResponseIr::Binary { .. } => {}
        }
    }
    // Examples of moved types now name them in the API module.
    let prefix = format!("{}::", module.ident);
    for example in examples.iter_mut() {
        let Some(rest) = example.type_path.strip_prefix(&prefix) else {
            continue;
        };
        if let Some((_, name)) = rest.split_once("::")
            && !name.contains("::")
            && names.contains(name)
            && name != "Request"
            && name != "Response"
            && name != "RequestBody"
        {
            example.type_path = format!("{prefix}{name}");
        }
    }
}

/// Shared object schemas (with properties) by title.
fn titled_objects(spec: &Spec) -> HashMap<String, Vec<TargetId>> {
    let mut titled: HashMap<String, Vec<TargetId>> = HashMap::new();
    for (target, schema) in spec.schemas.iter().enumerate() {
        if let Some(Schema {
            title: Some(title),
            kind: SchemaKind::Object(object),
            ..
        }) = schema
            && !object.properties.is_empty()
        {
            titled.entry(title.clone()).or_default().push(target);
        }
    }
    titled
}

fn source_suffix(source: FieldSource) -> &'static str {
    match source {
        FieldSource::Path => "path",
        FieldSource::Query => "query",
        FieldSource::Header => "header",
        FieldSource::Body => "body",
    }
}

fn string_enum(name: &str, doc: Option<String>, values: &[String]) -> TypeDef {
    let mut variants: Vec<(String, String)> = Vec::new();
    for value in values {
        if variants.iter().any(|(_, w)| w == value) {
            continue;
        }
        let mut variant = upper_camel(value);
        if variants.iter().any(|(v, _)| *v == variant) {
            variant = unique(&variant, None, &|n| variants.iter().any(|(v, _)| v == n));
        }
        variants.push((variant, value.clone()));
    }
    let fallback = ["Other", "Custom", "Unknown"]
        .into_iter()
        .find(|f| !variants.iter().any(|(v, _)| v == f))
        .map_or_else(
            || unique("Other", None, &|n| variants.iter().any(|(v, _)| v == n)),
            str::to_owned,
        );
    TypeDef::StringEnum(StringEnumDef {
        name: name.to_owned(),
        doc,
        variants,
        fallback,
    })
}

fn variant_name(member: &Schema, ty: &RustType) -> String {
    if let Some(title) = &member.title {
        return upper_camel(title);
    }
    match ty {
        RustType::Named { name, .. } => name.clone(),
        RustType::Bool => "Bool".into(),
        RustType::I64 => "Integer".into(),
        RustType::F64 => "Number".into(),
        RustType::String => "String".into(),
        RustType::Vec(_) | RustType::Tuple(_) => "List".into(),
        RustType::Map(_) | RustType::JsonObject => "Object".into(),
        RustType::Boxed(inner) | RustType::Option(inner) => variant_name(member, inner),
        RustType::Json => "Value".into(),
        RustType::Bytes => "Bytes".into(),
    }
}

/// Untagged variants are tried in order; a variant that accepts more must come after one that
/// accepts less (an integer before a float, a struct before a free-form object or any value).
fn order_union_variants(variants: &mut [(String, RustType)]) {
    fn rank(ty: &RustType) -> u8 {
        match ty {
            RustType::Named { .. } | RustType::Boxed(_) => 0,
            RustType::Tuple(_) => 1,
            RustType::Vec(_) => 2,
            RustType::Bool => 3,
            RustType::I64 => 4,
            RustType::F64 => 5,
            RustType::String => 6,
            RustType::Bytes => 7,
            RustType::Map(_) => 8,
            RustType::JsonObject => 9,
            RustType::Option(inner) => rank(inner),
            RustType::Json => 10,
        }
    }
    variants.sort_by_key(|(_, ty)| rank(ty));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_order_prevents_shadowing() {
        let mut v = vec![
            ("Value".to_owned(), RustType::Json),
            ("Number".to_owned(), RustType::F64),
            ("Integer".to_owned(), RustType::I64),
            (
                "Event".to_owned(),
                RustType::Named {
                    scope: Scope::Api,
                    name: "Event".into(),
                },
            ),
        ];
        order_union_variants(&mut v);
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Event", "Integer", "Number", "Value"]);
    }

    #[test]
    fn enum_fallback_avoids_collisions() {
        let TypeDef::StringEnum(e) = string_enum("Kind", None, &["other".into(), "user".into()])
        else {
            panic!("not an enum");
        };
        assert_eq!(e.fallback, "Custom");
        assert_eq!(e.variants[0], ("Other".to_owned(), "other".to_owned()));
    }

    #[test]
    fn scope_reuses_equal_types_and_renames_different_ones() {
        let mut scope = TypeScope::new();
        let a = string_enum("Kind", None, &["a".into()]);
        let b = string_enum("Kind", None, &["b".into()]);
        assert_eq!(scope.add(a.clone(), Some("Room")), "Kind");
        assert_eq!(scope.add(a, Some("Room")), "Kind");
        assert_eq!(scope.add(b, Some("Room")), "RoomKind");
        assert_eq!(scope.types.len(), 2);
    }
}
