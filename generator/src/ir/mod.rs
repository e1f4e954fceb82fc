//! Stage 4, IR: what the Rust code will contain — modules, operations, named types and
//! fields — with every name final, unique and idiomatic. Emission only prints this.
//!
//! Built in three steps, one module each: `convert` turns every schema an operation uses
//! into entries of a type space (references between them are entry ids, not names);
//! `space` interns entries by shape, so one shape reached by different routes is one type,
//! places each type once all its uses are known (one operation: that operation's module;
//! several: the API module), names it from the spec and breaks recursion with `Box`.

mod convert;

pub use convert::{StructSet, build_structs};
mod space;

use serde_json::Value as Json;

use crate::diagnostic::{Diagnostic, Error, Place};
use crate::model::{Auth, BaseVariable, Method, ParamStyle, Spec};

#[derive(Clone, Debug, PartialEq)]
pub struct Ir {
    pub modules: Vec<ApiModule>,
    /// Every example, with the generated type it must round-trip through.
    pub examples: Vec<ExampleIr>,
    pub warnings: Vec<Diagnostic>,
    /// The timeline unions the API's event fields use, by name.
    pub timeline_unions: Vec<TimelineUnion>,
}

/// An event that is a state event when it has a `state_key` and a message-like one
/// otherwise (a room's timeline): an enum over the two kinds' enums.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimelineUnion {
    /// `AnyTimelineEvent`
    pub name: String,
    /// `AnyStateEvent`
    pub state: String,
    /// `AnyRoomEvent`
    pub message_like: String,
}

/// An event kind (a core event schema) as the IR matches API schemas against it: its enum,
/// and its required and described keys (its ancestors' included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventKindShape {
    /// `AnyStateEvent`
    pub enum_name: String,
    /// `StateEvent`
    pub name: String,
    pub required: std::collections::BTreeSet<String>,
    pub properties: std::collections::BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiModule {
    /// `client_server`
    pub ident: String,
    /// `client-server`
    pub api_name: String,
    /// The Matrix version the spec's `info.version` names (`v1.11`), if it names one.
    pub spec_version: Option<String>,
    /// Types used by several of the API's operations, by name.
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
    /// The headers the spec defines on the success response (`Header` fields, each an
    /// `Option<String>`), but `Content-Type` where the body is binary (its `content_type`).
    pub response_headers: Vec<FieldDef>,
    /// Types used by this operation only, by name.
    pub types: Vec<TypeDef>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RequestBody {
    None,
    /// A JSON object whose properties are the `Body` fields of `Request`.
    Fields,
    /// Any other JSON value (or a named schema), held in the field named here.
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
    /// Any other JSON value (or a named schema), wrapped transparently.
    Whole { ty: RustType, doc: Option<String> },
    Binary {
        content_type: String,
        doc: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The spec's `default`: what an absent optional field means.
    pub default: Option<Json>,
    /// How a path, query or header parameter is written; `None` for body fields.
    pub style: Option<WireStyle>,
}

/// A parameter's OpenAPI `style` and `explode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WireStyle {
    pub style: ParamStyle,
    pub explode: bool,
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

    pub fn doc(&self) -> Option<&str> {
        match self {
            TypeDef::Struct(s) => s.doc.as_deref(),
            TypeDef::StringEnum(e) => e.doc.as_deref(),
            TypeDef::Union(u) => u.doc.as_deref(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RustType {
    Bool,
    I64,
    /// A `type: number` of format `float` or `double`.
    F64,
    /// Any other `type: number`: the runtime's `Number`, an integer or a fraction as written.
    Number,
    String,
    /// `serde_json::Value`
    Json,
    /// `serde_json::Map<String, Value>`
    JsonObject,
    Bytes,
    /// A string of a format the generator maps to a type of its own (`mx-user-id` →
    /// `OwnedUserId`, see `Config::format_type`); holds the spec's format name.
    Formatted(String),
    Vec(Box<RustType>),
    /// `BTreeMap<K, V>`; `key` is `String` or a `Formatted` string.
    Map {
        key: Box<RustType>,
        value: Box<RustType>,
    },
    Tuple(Vec<RustType>),
    Option(Box<RustType>),
    Boxed(Box<RustType>),
    Named {
        scope: Scope,
        name: String,
    },
    /// An event: the `events` module's enum for its kind (`events::AnyRoomEvent`), or a
    /// timeline union of [`Ir::timeline_unions`]; `raw`: kept as its JSON bytes
    /// (`Raw<events::AnyRoomEvent>`), as the items of an event list are.
    Event {
        enum_name: String,
        raw: bool,
    },
}

/// Where a named type lives: the API module or the operation's module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Api,
    Operation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExampleIr {
    /// The API module the example is from (`client_server`).
    pub api: String,
    /// Path below the crate root: `client_server::login::Response`. Examples of error
    /// responses name the runtime's error type ([`ERROR_TYPE_PATH`]), or [`JSON_TYPE_PATH`]
    /// when the response's schema is not a Matrix error.
    pub type_path: String,
    pub value: Json,
    pub place: Place,
    /// The schema the example illustrates, as self-contained JSON Schema (`$ref`s inlined,
    /// recursion cut to `{}`, the draft as `$schema`); `None` where the spec gives none.
    pub schema: Option<Json>,
    /// The HTTP status of the response the example belongs to; `None` for request bodies
    /// and schema examples.
    pub status: Option<u16>,
}

/// The type an error response's example round-trips through: `matrix_api::runtime::MatrixError`.
pub const ERROR_TYPE_PATH: &str = "runtime::MatrixError";
/// The "type" of a non-success response whose schema is not a Matrix error: the JSON value
/// itself (only its schema can be checked).
pub const JSON_TYPE_PATH: &str = "serde_json::Value";

/// What the IR is built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrOptions {
    /// The string formats that have a type of their own (`RustType::Formatted`); strings of
    /// other formats are `String`.
    pub typed_formats: std::collections::BTreeSet<String>,
    /// The event kinds of the spec's core event schemas: an API schema of one of their
    /// shapes is an event (`RustType::Event`). Empty: events are plain structs.
    pub event_kinds: Vec<EventKindShape>,
}

impl Default for IrOptions {
    /// Every format of [`crate::DEFAULT_FORMAT_TYPES`].
    fn default() -> Self {
        IrOptions {
            typed_formats: crate::DEFAULT_FORMAT_TYPES
                .iter()
                .map(|(format, _)| (*format).to_owned())
                .collect(),
            event_kinds: Vec::new(),
        }
    }
}

/// Builds the IR for every API of the model, with the default typed formats.
pub fn build(spec: &Spec) -> Result<Ir, Error> {
    build_with(spec, &IrOptions::default())
}

/// Builds the IR for every API of the model.
pub fn build_with(spec: &Spec, options: &IrOptions) -> Result<Ir, Error> {
    convert::build(spec, options)
}
