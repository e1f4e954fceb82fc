//! Schemas → entries of the type space, and operations → their requests and responses.
//!
//! Every schema that becomes a named type (an object with properties, a string enum, a
//! `oneOf`) is an entry; a `$ref` target is converted once and is one entry however often it
//! is used. Nothing here decides where a type lives or what it is finally called: the space
//! does that once every use is known.

use std::rc::Rc;

use super::space::{
    self, Def, Entry, EntryId, NameHint, Rank, RawField, RawOperation, RawResponse, Ty,
};
use super::{
    ExampleIr, FieldDef, FieldSource, Ir, IrOptions, OperationIr, RequestBody, ResponseIr,
    StructDef,
};
use crate::diagnostic::{Diagnostic, Error};
use crate::model::{
    Additional, Api, Body, BodyKind, ObjectSchema, Operation, ParamLocation, Parameter, Schema,
    SchemaKind, Spec, Status,
};
use crate::naming::{Acronyms, field_ident, singular, snake_case, unique, unraw, upper_camel};
use crate::resolve::TargetId;
use crate::{HashMap, HashSet};

pub(super) fn build(spec: &Spec, options: &IrOptions) -> Result<Ir, Error> {
    let mut modules = Vec::new();
    let mut examples = Vec::new();
    let mut module_names: HashMap<String, String> = HashMap::default();
    let mut timeline_unions = Vec::new();
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
        let mut module = ApiBuilder::new(spec, api, options).build(
            ident,
            &acronyms,
            &mut examples,
            &mut timeline_unions,
        );
        module.spec_version = api.spec_version.clone();
        modules.push(module);
    }
    Ok(Ir {
        modules,
        examples,
        warnings: spec.warnings.clone(),
        timeline_unions: {
            crate::sort_unique(&mut timeline_unions);
            timeline_unions
        },
    })
}

/// Operation module names: `operationId` in snake case; where two operationIds differ only in
/// case (`queryUserByID`, `queryUserById`), each also takes what tells its path apart (the
/// literal segments the others lack, else its method), so neither name depends on which
/// comes first. Ids whose paths say nothing more keep every capital as a word break.
fn operation_idents(api: &Api, acronyms: &Acronyms) -> Vec<String> {
    let base: Vec<String> = api
        .operations
        .iter()
        .map(|op| acronyms.snake_case(&op.operation_id))
        .collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, name) in base.iter().enumerate() {
        by_name.entry(name).or_default().push(i);
    }
    let mut idents = base.clone();
    for group in by_name.values().filter(|g| g.len() > 1) {
        let segments: Vec<Vec<String>> = group
            .iter()
            .map(|i| {
                api.operations[*i]
                    .path
                    .split('/')
                    .filter(|s| !s.is_empty() && !s.starts_with('{'))
                    .map(snake_case)
                    .collect()
            })
            .collect();
        let by_path = |k: usize| -> String {
            // Segments every member shares (the base path) say nothing.
            let own: Vec<&str> = segments[k]
                .iter()
                .filter(|s| !segments.iter().all(|other| other.contains(s)))
                .map(String::as_str)
                .collect();
            format!("{}_{}", base[group[k]], own.join("_"))
        };
        let by_method = |k: usize| {
            format!(
                "{}_{}",
                base[group[k]],
                snake_case(api.operations[group[k]].method.as_str())
            )
        };
        let by_capitals = |k: usize| {
            let id = &api.operations[group[k]].operation_id;
            let mut split = String::new();
            for c in id.chars() {
                if c.is_uppercase() && !split.is_empty() {
                    split.push('_');
                }
                split.extend(c.to_lowercase());
            }
            snake_case(&split)
        };
        let rules: [&dyn Fn(usize) -> String; 3] = [&by_path, &by_method, &by_capitals];
        for (level, rule) in rules.iter().enumerate() {
            let names: Vec<String> = (0..group.len()).map(rule).collect();
            if crate::all_distinct(&names) || level + 1 == rules.len() {
                for (member, name) in group.iter().zip(names) {
                    idents[*member] = name;
                }
                break;
            }
        }
    }
    idents
        .into_iter()
        .map(crate::naming::escape_keyword)
        .collect()
}

struct ApiBuilder<'a> {
    spec: &'a Spec,
    api: &'a Api,
    options: &'a IrOptions,
    entries: Vec<Entry>,
    /// `$ref` targets already converted, and what they became.
    converted: HashMap<TargetId, Ty>,
    /// Targets being converted, with their reserved entry: a reference back to one is
    /// recursion.
    in_progress: Vec<(TargetId, Option<EntryId>)>,
    /// Shared object schemas by title, for schemas that name one only by its title.
    titled: HashMap<String, Vec<TargetId>>,
    /// The timeline unions event fields became (repeats included; `build` drops them).
    timeline_unions: Vec<super::TimelineUnion>,
}

/// What a type is being built for: a name to derive from, the enclosing type's name, and
/// the qualifiers that tell it apart if another shape wants the same name.
#[derive(Clone)]
struct Hint {
    name: String,
    parent: String,
    context: Rc<[String]>,
}

impl Hint {
    fn child(&self, name: String, parent: String) -> Hint {
        Hint {
            name,
            parent,
            context: Rc::clone(&self.context),
        }
    }
}

impl<'a> ApiBuilder<'a> {
    fn new(spec: &'a Spec, api: &'a Api, options: &'a IrOptions) -> Self {
        ApiBuilder {
            spec,
            api,
            options,
            entries: Vec::new(),
            converted: HashMap::default(),
            in_progress: Vec::new(),
            titled: titled_objects(spec),
            timeline_unions: Vec::new(),
        }
    }

    fn build(
        mut self,
        api_ident: String,
        acronyms: &Acronyms,
        examples: &mut Vec<ExampleIr>,
        timeline_unions: &mut Vec<super::TimelineUnion>,
    ) -> super::ApiModule {
        let idents = operation_idents(self.api, acronyms);
        let mut operations = Vec::new();
        for (op, ident) in self.api.operations.iter().zip(idents) {
            operations.push(self.operation(op, ident, &api_ident, examples));
        }
        timeline_unions.append(&mut self.timeline_unions);
        space::finish(
            api_ident,
            self.api.name.clone(),
            self.entries,
            operations,
            examples,
        )
    }

    fn operation(
        &mut self,
        op: &Operation,
        ident: String,
        api_ident: &str,
        examples: &mut Vec<ExampleIr>,
    ) -> RawOperation {
        let module_path = format!("{api_ident}::{}", unraw(&ident));
        let root = Hint {
            name: String::new(),
            parent: String::new(),
            context: Rc::from(vec![upper_camel(unraw(&ident))]),
        };

        let mut request_fields: Vec<RawField> = Vec::new();
        let mut used: HashMap<String, ()> = HashMap::default();
        for param in &op.parameters {
            let source = match param.location {
                ParamLocation::Path => FieldSource::Path,
                ParamLocation::Query => FieldSource::Query,
                ParamLocation::Header => FieldSource::Header,
            };
            let hint = root.child(upper_camel(&param.name), String::new());
            let ty = self.rust_type(&param.schema, &hint);
            let mut field_name = field_ident(&param.name);
            if used.contains_key(&field_name) {
                field_name = format!(
                    "{}_{}",
                    unraw(&field_name),
                    snake_case(source_suffix(source))
                );
            }
            used.insert(field_name.clone(), ());
            request_fields.push(RawField {
                field: FieldDef {
                    ident: field_name,
                    wire: param.name.clone(),
                    ty: super::RustType::Json,
                    optional: !param.required,
                    nullable: false,
                    doc: parameter_doc(param),
                    source,
                    flatten: false,
                    deprecated: param.deprecated,
                    default: None,
                    style: Some(super::WireStyle {
                        style: param.style,
                        explode: param.explode,
                    }),
                },
                ty,
                default: param.schema.default.clone(),
            });
        }

        let request_body = match &op.body {
            None => RequestBody::None,
            Some(body) => match &body.kind {
                BodyKind::Binary => {
                    let field = unique("body", None, &|n| used.contains_key(n));
                    request_fields.push(whole_field(
                        &field,
                        Ty::Bytes,
                        false,
                        body.description.clone(),
                    ));
                    RequestBody::Binary {
                        field,
                        content_type: body.content_type.clone(),
                    }
                }
                BodyKind::Json(schema) => {
                    for example in &body.examples {
                        examples.push(ExampleIr {
                            api: api_ident.to_owned(),
                            type_path: format!("{module_path}::RequestBody"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                            schema: body.schema.clone(),
                            status: None,
                        });
                    }
                    match self.fields_object(schema, true) {
                        Some(object) => {
                            let hint = root.child("RequestBody".into(), String::new());
                            for mut field in self.fields(&object, &hint) {
                                if used.contains_key(&field.field.ident) {
                                    field.field.ident =
                                        format!("{}_body", unraw(&field.field.ident));
                                }
                                used.insert(field.field.ident.clone(), ());
                                request_fields.push(field);
                            }
                            RequestBody::Fields
                        }
                        None => {
                            // A named schema (or any other value) is the body as a whole.
                            let ty =
                                self.rust_type(schema, &root.child("Body".into(), String::new()));
                            let field = unique("body", None, &|n| used.contains_key(n));
                            let doc = body
                                .description
                                .clone()
                                .or_else(|| schema.description.clone());
                            request_fields.push(whole_field(&field, ty, schema.nullable, doc));
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
            None => RawResponse::Fields {
                doc: None,
                fields: Vec::new(),
            },
            Some(r) => match r.body.as_ref().map(|b| (&b.kind, b)) {
                None => {
                    // Examples without a schema still say what the response should hold.
                    for example in &r.unschematized_examples {
                        examples.push(ExampleIr {
                            api: api_ident.to_owned(),
                            type_path: format!("{module_path}::Response"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                            schema: None,
                            status: status_code(r.status),
                        });
                    }
                    RawResponse::Fields {
                        doc: r.description.clone(),
                        fields: Vec::new(),
                    }
                }
                Some((BodyKind::Binary, body)) => RawResponse::Binary {
                    content_type: body.content_type.clone(),
                    doc: r.description.clone(),
                },
                Some((BodyKind::Json(schema), body)) => {
                    for example in &body.examples {
                        examples.push(ExampleIr {
                            api: api_ident.to_owned(),
                            type_path: format!("{module_path}::Response"),
                            value: example.value.clone(),
                            place: example.place.clone(),
                            schema: body.schema.clone(),
                            status: status_code(r.status),
                        });
                    }
                    match self.fields_object(schema, false) {
                        Some(object) => RawResponse::Fields {
                            doc: r.description.clone(),
                            fields: self
                                .fields(&object, &root.child("Response".into(), String::new())),
                        },
                        None => RawResponse::Whole {
                            // `Response` is the wrapper; a named body type is `ResponseBody`.
                            ty: self.rust_type(
                                schema,
                                &root.child("ResponseBody".into(), String::new()),
                            ),
                            doc: r.description.clone(),
                        },
                    }
                }
            },
        };

        // The other responses' examples: errors round-trip through the runtime's error type.
        for r in op
            .responses
            .iter()
            .filter(|r| !success.is_some_and(|s| std::ptr::eq(*r, s)))
        {
            let (schema, body_examples) = match &r.body {
                Some(
                    body @ Body {
                        kind: BodyKind::Json(schema),
                        ..
                    },
                ) => (Some(schema), &body.examples),
                Some(_) => continue,
                None => (None, &r.unschematized_examples),
            };
            let type_path = match schema {
                Some(schema) if !self.is_matrix_error(schema) => super::JSON_TYPE_PATH,
                _ => super::ERROR_TYPE_PATH,
            };
            for example in body_examples {
                examples.push(ExampleIr {
                    api: api_ident.to_owned(),
                    type_path: type_path.to_owned(),
                    value: example.value.clone(),
                    place: example.place.clone(),
                    schema: r.body.as_ref().and_then(|b| b.schema.clone()),
                    status: status_code(r.status),
                });
            }
        }

        let response_headers = response_headers(success, &response);
        let rate_limited = op.responses.iter().any(|r| r.status == Status::Code(429));
        let success_status = match success.map(|r| r.status) {
            Some(Status::Code(code)) => code,
            _ => 200,
        };
        RawOperation {
            ir: OperationIr {
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
                request_fields: Vec::new(),
                request_body,
                response_headers,
                response: ResponseIr::Fields(StructDef {
                    name: "Response".into(),
                    doc: None,
                    fields: Vec::new(),
                }),
                types: Vec::new(),
            },
            request_fields,
            response,
        }
    }

    /// A body that is a `$ref` to an object schema with properties is that schema's type: the
    /// spec names the concept, and every operation that uses it shares one type (a filter read
    /// by one operation can be given to another).
    fn named_struct(&self, schema: &Schema) -> Option<TargetId> {
        let SchemaKind::Ref(target) = schema.kind else {
            return None;
        };
        match &self.follow(schema).kind {
            SchemaKind::Object(o) if !o.properties.is_empty() => Some(target),
            _ => None,
        }
    }

    /// The object whose properties become the fields of `Request`/`Response`, unless the body
    /// is a named schema (held whole, as its own type) or not an object.
    fn fields_object(&self, schema: &Schema, for_request: bool) -> Option<ObjectSchema> {
        match self.named_struct(schema) {
            Some(_) => None,
            None => self.object_of(schema, for_request),
        }
    }

    /// The object a body schema describes (following links), when its properties can become
    /// the fields of `Request`/`Response`. A response object without properties becomes a
    /// struct that keeps whatever keys arrive; a request body without properties stays a map.
    fn object_of(&self, schema: &Schema, for_request: bool) -> Option<ObjectSchema> {
        let schema = self.follow(schema);
        match &schema.kind {
            SchemaKind::Object(o)
                if !o.properties.is_empty()
                    || matches!(o.additional, Additional::Forbidden)
                    || (!for_request && matches!(o.additional, Additional::Unspecified)) =>
            {
                Some(o.clone())
            }
            _ => None,
        }
    }

    /// Whether a response schema is a Matrix error (`errcode`, or the `flows` of
    /// user-interactive authentication), which the runtime's `MatrixError` reads.
    fn is_matrix_error(&self, schema: &Schema) -> bool {
        match &self.follow(schema).kind {
            SchemaKind::Object(o) => {
                o.properties.contains_key("errcode") || o.properties.contains_key("flows")
            }
            _ => false,
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

    /// The fields of a struct for `object`. An object that does not forbid further keys gets
    /// a flattened `extra` map holding them, so nothing a peer sends is lost.
    fn fields(&mut self, object: &ObjectSchema, hint: &Hint) -> Vec<RawField> {
        let mut fields = Vec::new();
        let mut used: HashMap<String, ()> = HashMap::default();
        for (wire, prop) in &object.properties {
            let mut ident = field_ident(wire);
            if used.contains_key(&ident) {
                ident = unique(unraw(&ident), None, &|n| used.contains_key(n));
            }
            used.insert(ident.clone(), ());
            let field_hint = hint.child(upper_camel(wire), hint.name.clone());
            let ty = self.rust_type(&prop.schema, &field_hint);
            let description = prop
                .schema
                .description
                .clone()
                .or_else(|| self.follow(&prop.schema).description.clone());
            // The notes of a referenced schema are its type's (or belong to every use).
            let mut doc = with_version_notes(
                description,
                prop.schema.added_in.as_ref(),
                &prop.schema.changed_in,
            );
            let notes = [
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
            fields.push(RawField {
                field: FieldDef {
                    ident,
                    wire: wire.clone(),
                    ty: super::RustType::Json,
                    optional: !prop.required,
                    nullable: prop.required && prop.schema.nullable,
                    doc,
                    source: FieldSource::Body,
                    flatten: false,
                    deprecated: prop.schema.deprecated,
                    default: None,
                    style: None,
                },
                ty,
                default: prop.schema.default.clone(),
            });
        }
        let extra = match &object.additional {
            Additional::Schema(value) => {
                let h = hint.child(
                    value
                        .title
                        .as_deref()
                        .map_or_else(|| singular(&hint.name), upper_camel),
                    hint.name.clone(),
                );
                Some(Ty::Map {
                    key: Box::new(self.key_type(object)),
                    value: Box::new(nullable(self.rust_type(value, &h), value)),
                })
            }
            Additional::Any | Additional::Unspecified => Some(Ty::JsonObject),
            Additional::Forbidden => None,
        };
        if let Some(ty) = extra {
            let ident = unique("extra", None, &|n| used.contains_key(n));
            fields.push(RawField {
                field: FieldDef {
                    ident,
                    wire: String::new(),
                    ty: super::RustType::Json,
                    optional: false,
                    nullable: false,
                    doc: Some("Keys the spec does not name, with their values.".into()),
                    source: FieldSource::Body,
                    flatten: true,
                    deprecated: false,
                    default: None,
                    style: None,
                },
                ty,
                default: None,
            });
        }
        fields
    }

    /// A string of `format`: its own type where the format is typed, else `String`.
    fn string_type(&self, format: Option<&str>) -> Ty {
        match format {
            Some(format) if self.options.typed_formats.contains(format) => {
                Ty::Formatted(format.to_owned())
            }
            _ => Ty::String,
        }
    }

    /// The key of a map: a string of the `x-pattern-format` its pattern names.
    fn key_type(&self, object: &ObjectSchema) -> Ty {
        self.string_type(object.key_format.as_deref())
    }

    fn add(&mut self, entry: Entry) -> Ty {
        self.entries.push(entry);
        Ty::Entry(self.entries.len() - 1)
    }

    /// The name hint of an inline schema: its title, else the name its place suggests.
    fn inline_name(schema: &Schema, hint: &Hint) -> NameHint {
        let (base, rank) = match schema.title.as_deref() {
            Some(title) => (upper_camel(title), Rank::Title),
            None => (hint.name.clone(), Rank::Context),
        };
        // A titled schema held by a property is told apart by that property first
        // (`banner: {title: ImageInfo}` → `BannerImageInfo`).
        let mut qualifiers = vec![hint.name.clone(), hint.parent.clone()];
        qualifiers.extend(hint.context.iter().cloned());
        qualifiers.push(upper_camel(file_stem(&schema.place.file)));
        NameHint {
            base,
            rank,
            qualifiers,
            place: schema.place.clone(),
        }
    }

    /// The type for a schema. Named types become entries.
    fn rust_type(&mut self, schema: &Schema, hint: &Hint) -> Ty {
        if let Some(enum_name) = self.event_enum(schema) {
            return Ty::Event(enum_name);
        }
        match &schema.kind {
            SchemaKind::Ref(t) => self.shared_type(*t),
            SchemaKind::Any | SchemaKind::Null | SchemaKind::Enum(_) => Ty::Json,
            SchemaKind::Boolean => Ty::Bool,
            SchemaKind::Integer => Ty::I64,
            // JSON Schema's `number` holds integers too; only a float format makes it an `f64`.
            SchemaKind::Number => match schema.format.as_deref() {
                Some("float" | "double") => Ty::F64,
                _ => Ty::Number,
            },
            SchemaKind::Binary => Ty::Bytes,
            SchemaKind::String { values } if values.is_empty() => {
                self.string_type(schema.format.as_deref())
            }
            SchemaKind::String { values } => {
                let entry = Entry {
                    def: Def::Enum(values.clone()),
                    doc: type_doc(schema),
                    name: Self::inline_name(schema, hint),
                    example: None,
                };
                self.add(entry)
            }
            SchemaKind::Array(items) => {
                let item_hint = hint.child(
                    items
                        .title
                        .as_deref()
                        .map_or_else(|| singular(&hint.name), upper_camel),
                    hint.parent.clone(),
                );
                let item = match self.rust_type(items, &item_hint) {
                    // A list of events keeps each as its bytes, parsed when asked.
                    Ty::Event(enum_name) => Ty::RawEvent(enum_name),
                    item => item,
                };
                Ty::Vec(Box::new(nullable(item, items)))
            }
            SchemaKind::Tuple(items) => {
                let tys = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let h =
                            hint.child(format!("{}Item{}", hint.name, i + 1), hint.parent.clone());
                        nullable(self.rust_type(item, &h), item)
                    })
                    .collect();
                Ty::Tuple(tys)
            }
            SchemaKind::Object(object) => {
                if let Some(target) = self.named_by_title(schema) {
                    return self.shared_type(target);
                }
                if object.properties.is_empty() {
                    return match &object.additional {
                        Additional::Schema(value) => {
                            // A map's values are named after the map (`one_time_keys` →
                            // `OneTimeKey`), at every level of nesting.
                            let h = hint.child(
                                value
                                    .title
                                    .as_deref()
                                    .map_or_else(|| singular(&hint.name), upper_camel),
                                hint.parent.clone(),
                            );
                            Ty::Map {
                                key: Box::new(self.key_type(object)),
                                value: Box::new(nullable(self.rust_type(value, &h), value)),
                            }
                        }
                        _ => Ty::JsonObject,
                    };
                }
                let name = Self::inline_name(schema, hint);
                let struct_hint = hint.child(name.base.clone(), hint.parent.clone());
                let fields = self.fields(object, &struct_hint);
                let entry = Entry {
                    def: Def::Struct(fields),
                    doc: type_doc(schema),
                    name,
                    example: schema
                        .example
                        .clone()
                        .map(|e| (e, schema.place.clone(), schema.example_schema.clone())),
                };
                self.add(entry)
            }
            SchemaKind::OneOf(members) => {
                let name = Self::inline_name(schema, hint);
                match self.union(members, &hint.child(name.base.clone(), hint.parent.clone())) {
                    Def::Alias(ty) => ty,
                    def => {
                        let entry = Entry {
                            def,
                            doc: type_doc(schema),
                            name,
                            example: None,
                        };
                        self.add(entry)
                    }
                }
            }
        }
    }

    /// The `events` enum for a schema that is an event, by its shape (see
    /// [`event_enum_for`]).
    fn event_enum(&mut self, schema: &Schema) -> Option<String> {
        if self.options.event_kinds.is_empty() {
            return None;
        }
        let SchemaKind::Object(object) = &self.follow(schema).kind else {
            return None;
        };
        let is_kind = |key: &str, want: fn(&SchemaKind) -> bool| {
            object
                .properties
                .get(key)
                .is_some_and(|p| want(&self.follow(&p.schema).kind))
        };
        if !is_kind("type", |k| matches!(k, SchemaKind::String { .. }))
            || !is_kind("content", |k| matches!(k, SchemaKind::Object(_)))
        {
            return None;
        }
        let (enum_name, union) = event_enum_for(object, &self.options.event_kinds)?;
        // Each once in the end: `build` sorts them and drops repeats.
        self.timeline_unions.extend(union);
        Some(enum_name)
    }

    /// A `oneOf`'s definition; one whose members are all one type is that type.
    fn union(&mut self, members: &[Schema], hint: &Hint) -> Def {
        let mut variants: Vec<(Option<String>, Ty)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_hint = hint.child(
                member
                    .title
                    .as_deref()
                    .map_or_else(|| format!("{}Variant{}", hint.name, i + 1), upper_camel),
                hint.name.clone(),
            );
            let ty = match self.rust_type(member, &member_hint) {
                // An event beside other shapes is kept as its bytes: the enum stays small.
                Ty::Event(enum_name) => Ty::RawEvent(enum_name),
                ty => ty,
            };
            if !variants.iter().any(|(_, t)| *t == ty) {
                variants.push((member.title.clone(), ty));
            }
        }
        if variants.len() == 1 {
            return Def::Alias(variants.remove(0).1);
        }
        Def::Union(variants)
    }

    /// The type for a schema reached by `$ref`: one entry per target, converted once.
    fn shared_type(&mut self, target: TargetId) -> Ty {
        if let Some((_, reserved)) = self.in_progress.iter().find(|(t, _)| *t == target) {
            // Recursion: the reserved entry (a list of itself without a named type between
            // is any JSON value).
            return reserved.map_or(Ty::Json, Ty::Entry);
        }
        if let Some(ty) = self.converted.get(&target) {
            return ty.clone();
        }
        let Some(schema) = self.spec.schemas.get(target).and_then(Option::as_ref) else {
            return Ty::Json;
        };
        let origin = self
            .spec
            .schema_origins
            .get(target)
            .and_then(Option::as_ref);
        let (base, rank) = match (&schema.title, origin) {
            (Some(title), _) => (upper_camel(title), Rank::SharedTitle),
            (None, Some(origin)) => (upper_camel(&origin.stem), Rank::Reference),
            (None, None) => ("Schema".to_owned(), Rank::Context),
        };
        // Qualifiers from where the schema is defined: its file, the folder holding that.
        let mut qualifiers = Vec::new();
        if let Some(origin) = origin {
            qualifiers.push(upper_camel(&origin.stem));
            let mut dirs = origin.file.rsplit('/').skip(1);
            if let Some(dir) = dirs.next() {
                qualifiers.push(upper_camel(dir));
            }
        }
        let hint = Hint {
            name: base.clone(),
            parent: String::new(),
            context: Rc::from(qualifiers.clone()),
        };
        let name = NameHint {
            base,
            rank,
            qualifiers,
            place: schema.place.clone(),
        };
        let is_named = match &schema.kind {
            SchemaKind::Object(o) => !o.properties.is_empty(),
            SchemaKind::String { values } => !values.is_empty(),
            SchemaKind::OneOf(_) => true,
            _ => false,
        };
        let ty = if is_named {
            let id = self.entries.len();
            self.entries.push(Entry {
                def: Def::Pending,
                doc: type_doc(schema),
                name,
                example: None,
            });
            self.in_progress.push((target, Some(id)));
            let (def, example) = match &schema.kind {
                SchemaKind::Object(object) => (
                    Def::Struct(self.fields(object, &hint)),
                    schema
                        .example
                        .clone()
                        .map(|e| (e, schema.place.clone(), schema.example_schema.clone())),
                ),
                SchemaKind::String { values } => (Def::Enum(values.clone()), None),
                SchemaKind::OneOf(members) => (self.union(members, &hint), None),
                _ => (Def::Alias(Ty::Json), None),
            };
            self.in_progress.pop();
            self.entries[id].def = def;
            self.entries[id].example = example;
            Ty::Entry(id)
        } else {
            self.in_progress.push((target, None));
            let ty = self.rust_type(schema, &hint);
            self.in_progress.pop();
            ty
        };
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
}

/// A request field holding the whole body.
/// The kind of an object with `type` and `content` properties: of the kinds whose required
/// keys it requires and which describe every key it requires, the one requiring most (the
/// most specific: state before room before basic). A room-event shape that describes
/// `state_key` without requiring it holds state and message-like events alike: a timeline
/// union of its kind and the state kind that requires `state_key` besides.
fn event_enum_for(
    object: &ObjectSchema,
    kinds: &[super::EventKindShape],
) -> Option<(String, Option<super::TimelineUnion>)> {
    const STATE_KEY: &str = "state_key";
    let required: HashSet<&str> = object
        .properties
        .iter()
        .filter(|(_, p)| p.required)
        .map(|(k, _)| k.as_str())
        // What makes it an event, even where the schema leaves them optional.
        .chain(["type", "content"])
        .collect();
    let fits = |kind: &super::EventKindShape| {
        kind.required.iter().all(|k| required.contains(k.as_str()))
            && required.iter().all(|k| kind.properties.contains(*k))
    };
    let kind = kinds.iter().filter(|k| fits(k)).fold(
        None::<&super::EventKindShape>,
        |best, k| match best {
            Some(b) if b.required.len() >= k.required.len() => Some(b),
            _ => Some(k),
        },
    )?;
    let undecided = !kind.required.contains(STATE_KEY) && object.properties.contains_key(STATE_KEY);
    let state = kinds.iter().find(|s| {
        s.required.contains(STATE_KEY)
            && s.required.len() == kind.required.len() + 1
            && kind.required.is_subset(&s.required)
    });
    match state {
        Some(state) if undecided => {
            // `RoomEvent` → `AnyTimelineEvent`, `SyncRoomEvent` → `AnySyncTimelineEvent`.
            let base = if kind.name.contains("Room") {
                kind.name.replacen("Room", "Timeline", 1)
            } else {
                format!("{}OrState", kind.name)
            };
            let union = super::TimelineUnion {
                name: format!("Any{base}"),
                state: state.enum_name.clone(),
                message_like: kind.enum_name.clone(),
            };
            Some((union.name.clone(), Some(union)))
        }
        _ => Some((kind.enum_name.clone(), None)),
    }
}

fn whole_field(ident: &str, ty: Ty, nullable: bool, doc: Option<String>) -> RawField {
    RawField {
        field: FieldDef {
            ident: ident.to_owned(),
            wire: "body".into(),
            ty: super::RustType::Json,
            optional: false,
            nullable,
            doc,
            source: FieldSource::Body,
            flatten: false,
            deprecated: false,
            default: None,
            style: None,
        },
        ty,
        default: None,
    }
}

/// `Option<T>` for a schema that allows `null` where no field carries the option (list items,
/// map values, tuple members); `Value` already holds `null`.
fn nullable(ty: Ty, schema: &Schema) -> Ty {
    if schema.nullable && ty != Ty::Json {
        Ty::Option(Box::new(ty))
    } else {
        ty
    }
}

/// Shared object schemas (with properties) by title.
fn titled_objects(spec: &Spec) -> HashMap<String, Vec<TargetId>> {
    let mut titled: HashMap<String, Vec<TargetId>> = HashMap::default();
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

fn file_stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split('.').next().unwrap_or(name)
}

/// The success response's headers as `Option<String>` fields (header values are text; the
/// spec's header schemas are strings). A binary body's `Content-Type` is its `content_type`;
/// a name a body field already has gets `_header`.
fn response_headers(
    success: Option<&crate::model::Response>,
    response: &RawResponse,
) -> Vec<FieldDef> {
    let Some(success) = success else {
        return Vec::new();
    };
    let mut used: Vec<String> = match response {
        RawResponse::Fields { fields, .. } => {
            fields.iter().map(|f| f.field.ident.clone()).collect()
        }
        RawResponse::Whole { .. } => vec!["body".into()],
        RawResponse::Binary { .. } => vec!["body".into(), "content_type".into()],
    };
    used.extend(["extra_headers".to_owned(), "extra".to_owned()]);
    let mut headers = Vec::new();
    for header in &success.headers {
        if matches!(response, RawResponse::Binary { .. })
            && header.name.eq_ignore_ascii_case("content-type")
        {
            continue;
        }
        let mut name = field_ident(&header.name);
        if used.contains(&name) {
            name = format!("{}_header", unraw(&name));
        }
        used.push(name.clone());
        headers.push(FieldDef {
            ident: name,
            wire: header.name.clone(),
            ty: super::RustType::String,
            optional: true,
            nullable: false,
            doc: parameter_doc(header),
            source: FieldSource::Header,
            flatten: false,
            deprecated: header.deprecated,
            default: None,
            style: None,
        });
    }
    headers
}

fn source_suffix(source: FieldSource) -> &'static str {
    match source {
        FieldSource::Path => "path",
        FieldSource::Query => "query",
        FieldSource::Header => "header",
        FieldSource::Body => "body",
    }
}

/// A named type's doc: the schema's description and its version notes.
fn type_doc(schema: &Schema) -> Option<String> {
    with_version_notes(
        schema.description.clone(),
        schema.added_in.as_ref(),
        &schema.changed_in,
    )
}

/// `doc` followed by "Added in Matrix `v`." and one "Changed in Matrix `v`: ..." per change,
/// each a paragraph of its own, as on operations.
/// A parameter's (or header's) doc: its description, else its schema's, with the version
/// notes of either.
fn parameter_doc(param: &Parameter) -> Option<String> {
    with_version_notes(
        param
            .description
            .clone()
            .or_else(|| param.schema.description.clone()),
        param.added_in.as_ref().or(param.schema.added_in.as_ref()),
        if param.changed_in.is_empty() {
            &param.schema.changed_in
        } else {
            &param.changed_in
        },
    )
}

fn with_version_notes(
    doc: Option<String>,
    added_in: Option<&String>,
    changed_in: &[(String, String)],
) -> Option<String> {
    let notes =
        added_in
            .map(|v| format!("Added in Matrix `{v}`."))
            .into_iter()
            .chain(changed_in.iter().map(|(version, change)| {
                format!("Changed in Matrix `{version}`: {}", change.trim())
            }));
    let mut doc = doc;
    for note in notes {
        doc = Some(match doc {
            Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
            _ => note,
        });
    }
    doc
}

/// A response's status as a number, when it is one (`2xx` and `default` are not).
fn status_code(status: Status) -> Option<u16> {
    match status {
        Status::Code(code) => Some(code),
        _ => None,
    }
}

/// Field lists built outside any operation (the event schemas' contents and kinds), with
/// every type they reach, each named once in one module.
#[derive(Clone, Debug, PartialEq)]
pub struct StructSet {
    /// The named types the fields use, by name.
    pub types: Vec<super::TypeDef>,
    /// Per root, in order: the fields of the object its schema describes (none when it is
    /// not an object).
    pub fields: Vec<Vec<FieldDef>>,
}

/// The fields of each root schema (`(name, schema)`: the name the caller gives the struct,
/// which qualifies the names of the types inside it), typed in one type space as the API's
/// are, every type in one module where `reserved` names are taken.
pub fn build_structs(
    spec: &Spec,
    roots: &[(String, &Schema)],
    reserved: &[String],
    options: &IrOptions,
) -> StructSet {
    let api = Api {
        name: String::new(),
        operations: Vec::new(),
        spec_version: None,
    };
    let mut builder = ApiBuilder::new(spec, &api, options);
    let mut operations = Vec::new();
    for (name, schema) in roots {
        let hint = Hint {
            name: name.clone(),
            parent: String::new(),
            context: Rc::from(vec![name.clone()]),
        };
        // Every object has fields: its properties, and a map of the keys it leaves open
        // (an object that is only a map, `m.direct`, is that map).
        let request_fields = match &builder.follow(schema).kind {
            SchemaKind::Object(object) => {
                let object = object.clone();
                builder.fields(&object, &hint)
            }
            _ => Vec::new(),
        };
        operations.push(RawOperation {
            ir: bare_operation(name),
            request_fields,
            response: RawResponse::Fields {
                doc: None,
                fields: Vec::new(),
            },
        });
    }
    let module = space::finish_with(
        String::new(),
        String::new(),
        builder.entries,
        operations,
        &mut Vec::new(),
        &space::Placement::Shared { reserved },
    );
    StructSet {
        types: module.types,
        fields: module
            .operations
            .into_iter()
            .map(|op| op.request_fields)
            .collect(),
    }
}

/// An operation that only carries fields to the type space.
fn bare_operation(name: &str) -> OperationIr {
    OperationIr {
        ident: name.to_owned(),
        operation_id: name.to_owned(),
        method: crate::model::Method::Get,
        path: String::new(),
        base_variables: Vec::new(),
        summary: None,
        description: None,
        auth: crate::model::Auth::None,
        rate_limited: false,
        success_status: 200,
        deprecated: false,
        added_in: None,
        changed_in: Vec::new(),
        request_fields: Vec::new(),
        request_body: RequestBody::Fields,
        response: ResponseIr::Fields(StructDef {
            name: String::new(),
            doc: None,
            fields: Vec::new(),
        }),
        response_headers: Vec::new(),
        types: Vec::new(),
    }
}
