//! The `events` module: event contents (structs, or enums over a discriminator's variants),
//! the kinds of the core schemas as structs generic over the content, and per kind an enum
//! keyed by `type`. Structs go through the emitter's own struct and field printing; the enums'
//! serde impls, keyed by a JSON value, are written here.

use matrix_codegen_text::code;
use matrix_codegen_text::code::Code;

use super::{Emitter, Gate, ident, is_required, value_or_return};
use crate::events::{ContentBody, ContentIr, EventsIr, KindIr};
use crate::ir::{
    FieldDef, FieldSource, OperationIr, RequestBody, RustType, Scope, StructDef, TimelineUnion,
};
use crate::naming::unraw;

/// The path parameter that names an event type (`/send/{eventType}/{txnId}`).
const EVENT_TYPE_PARAMETER: &str = "eventType";

impl Emitter {
    /// For an operation whose path names the event type and whose body is an open object
    /// (sending a message, setting state): `Request::with_content`, which takes any event
    /// content and fills in the event type from it and the body from its JSON.
    pub(super) fn event_constructor(&self, op: &OperationIr) -> Code {
        let runtime = &self.runtime;
        let RequestBody::Whole(body) = &op.request_body else {
            return Code::new();
        };
        let fields = &op.request_fields;
        let is_event_type = |f: &&crate::ir::FieldDef| {
            f.source == FieldSource::Path && f.wire == EVENT_TYPE_PARAMETER
        };
        let open_body = fields
            .iter()
            .any(|f| f.ident == *body && f.ty == RustType::JsonObject && is_required(f));
        let Some(event_type) = fields.iter().find(is_event_type) else {
            return Code::new();
        };
        if !open_body || event_type.ty != RustType::String || !is_required(event_type) {
            return Code::new();
        }
        let required: Vec<_> = fields.iter().filter(|f| is_required(f)).collect();
        let params = required
            .iter()
            .filter(|f| f.ident != event_type.ident && f.ident != *body)
            .map(|f| {
                let name = ident(&f.ident);
                let ty = self.rust_type(&f.ty, Scope::Operation);
                code! { #name: #ty }
            });
        let args = required.iter().map(|f| {
            if f.ident == event_type.ident {
                code! { <C as #runtime::events::EventContent>::EVENT_TYPE.to_owned() }
            } else if f.ident == *body {
                code! { body }
            } else {
                let name = ident(&f.ident);
                code! { #name }
            }
        });
        code! {
            impl Request {
                /// A `Request` that sends `content`: the event type is the content's
                /// (`EventContent::EVENT_TYPE`), the body its JSON. Fails when the content
                /// does not serialize to a JSON object.
                pub fn with_content<C: #runtime::events::EventContent + ::serde::Serialize>(
                    #(#params,)*
                    content: &C,
                ) -> Result<Self, ::serde_json::Error> {
                    let body = match ::serde_json::to_value(content) {
                        Ok(::serde_json::Value::Object(body)) => body,
                        Ok(_) => return Err(<::serde_json::Error as ::serde::ser::Error>::custom(
                            "an event's content must be a JSON object",
                        )),
                        Err(error) => return Err(error),
                    };
                    Ok(Self::new(#(#args),*))
                }
            }
        }
    }

    /// The `events` module, appended to `out` an item at a time; behind a feature, also its
    /// stand-in for when the feature is off, where every enum an API field names is a JSON
    /// object (so the API compiles either way).
    pub(super) fn events_module(
        &self,
        events: &EventsIr,
        unions: &[TimelineUnion],
        gate: &Gate,
        out: &mut Code,
    ) {
        let (cfg, stand_in) = match gate {
            Gate::Off => return,
            Gate::Always => (Code::new(), Code::new()),
            Gate::Feature(feature) => {
                let doc = format!(
                    " The events the API's fields hold, as JSON objects (the `{feature}` \
                     feature, which types them, is off)."
                );
                (
                    code! { #[cfg(feature = #feature)] },
                    super::events_stand_in(
                        events.kinds.iter().map(|k| k.enum_name.as_str()),
                        unions,
                        code! { #[cfg(not(feature = #feature))] },
                        &doc,
                    ),
                )
            }
        };
        let doc = format!(
            " Typed events, from the spec's event schemas: {} event types, {} kinds.",
            events.contents.len(),
            events.kinds.len()
        );
        out.append(&code! {
            #cfg
            #[doc = #doc]
            #[allow(deprecated)]
            // Early returns as `match`es, as in the API modules (`value_or_return`).
            #[allow(clippy::question_mark)]
            pub mod events
        });
        out.open('{');
        for def in &events.types {
            out.append(&self.type_def(def, Scope::Api));
        }
        for content in &events.contents {
            out.append(&self.event_content(content, events));
        }
        for kind in &events.kinds {
            out.append(&self.event_kind(kind, events));
        }
        for union in unions {
            out.append(&self.timeline_union(union));
        }
        out.close('}');
        out.append(&stand_in);
    }

    /// An enum over a state kind's and a message-like kind's enums, told apart by whether
    /// the event has a `state_key`.
    fn timeline_union(&self, union: &TimelineUnion) -> Code {
        let name = ident(&union.name);
        let state = ident(&union.state);
        let message_like = ident(&union.message_like);
        let doc = format!(
            " An event of a room's timeline: a state event (`{}`) when it has a `state_key`, a \
             message-like one (`{}`) otherwise.",
            union.state, union.message_like
        );
        let read_object = read_json_object();
        code! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                /// An event with a `state_key`.
                State(#state),
                /// An event without a `state_key`.
                MessageLike(#message_like),
            }
            impl #name {
                /// The event's `type`.
                pub fn event_type(&self) -> &str {
                    match self {
                        Self::State(event) => event.event_type(),
                        Self::MessageLike(event) => event.event_type(),
                    }
                }
                /// Whether the event's type, or its content's variant, is one the spec does
                /// not describe (kept as JSON).
                pub fn is_unknown(&self) -> bool {
                    match self {
                        Self::State(event) => event.is_unknown(),
                        Self::MessageLike(event) => event.is_unknown(),
                    }
                }
            }
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        Self::State(event) => event.serialize(serializer),
                        Self::MessageLike(event) => event.serialize(serializer),
                    }
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    use ::serde::de::Error as _;
                    let json = #read_object;
                    let is_state = json.contains_key("state_key");
                    let json = ::serde_json::Value::Object(json);
                    if is_state {
                        ::serde_json::from_value(json).map(Self::State).map_err(D::Error::custom)
                    } else {
                        ::serde_json::from_value(json).map(Self::MessageLike).map_err(D::Error::custom)
                    }
                }
            }
        }
    }

    fn event_content(&self, content: &ContentIr, events: &EventsIr) -> Code {
        let runtime = &self.runtime;
        let name = ident(&content.name);
        let event_type = &content.event_type;
        let kind = &events.kinds[content.kind].name;
        let (definition, is_unknown) = match &content.body {
            ContentBody::Struct(fields) => (
                self.struct_def(
                    &StructDef {
                        name: content.name.clone(),
                        doc: content.doc.clone(),
                        fields: fields.clone(),
                    },
                    Scope::Api,
                ),
                code! { false },
            ),
            ContentBody::Variants {
                discriminator,
                variants,
                fallback,
            } => {
                let structs = variants.iter().map(|v| {
                    self.struct_def(
                        &StructDef {
                            name: v.name.clone(),
                            doc: v.doc.clone(),
                            fields: v.fields.clone(),
                        },
                        Scope::Api,
                    )
                });
                let doc = self.doc_attr(content.doc.as_deref());
                let fallback = ident(fallback);
                let discriminator_fn = ident(&crate::naming::field_ident(discriminator));
                let variant_idents: Vec<_> = variants.iter().map(|v| ident(&v.variant)).collect();
                let struct_idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
                let values: Vec<&String> = variants.iter().map(|v| &v.value).collect();
                let variant_docs = variants
                    .iter()
                    .map(|v| format!(" `{discriminator}: {}`", v.value));
                let fallback_doc = format!(
                    " A `{discriminator}` the spec does not describe: the content's whole JSON."
                );
                let read_object = read_json_object();
                (
                    code! {
                        #(#structs)*
                        #doc
                        #[derive(Clone, Debug, PartialEq)]
                        #[non_exhaustive]
                        pub enum #name {
                            #(#[doc = #variant_docs] #variant_idents(#struct_idents),)*
                            #[doc = #fallback_doc]
                            #fallback(::serde_json::Map<String, ::serde_json::Value>),
                        }
                        impl #name {
                            /// The discriminator's value.
                            pub fn #discriminator_fn(&self) -> Option<&str> {
                                match self {
                                    #(Self::#variant_idents(_) => Some(#values),)*
                                    Self::#fallback(json) => json.get(#discriminator).and_then(|v| v.as_str()),
                                }
                            }
                        }
                        impl ::serde::Serialize for #name {
                            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                                match self {
                                    #(Self::#variant_idents(content) => content.serialize(serializer),)*
                                    Self::#fallback(json) => json.serialize(serializer),
                                }
                            }
                        }
                        impl<'de> ::serde::Deserialize<'de> for #name {
                            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                                use ::serde::de::Error as _;
                                let json = #read_object;
                                let value = json.get(#discriminator).and_then(|v| v.as_str()).map(str::to_owned);
                                match value.as_deref() {
                                    #(Some(#values) => ::serde_json::from_value(::serde_json::Value::Object(json))
                                        .map(Self::#variant_idents)
                                        .map_err(D::Error::custom),)*
                                    _ => Ok(Self::#fallback(json)),
                                }
                            }
                        }
                    },
                    code! { matches!(self, Self::#fallback(_)) },
                )
            }
        };
        code! {
            #definition
            impl #runtime::events::EventContent for #name {
                const EVENT_TYPE: &'static str = #event_type;
                const KIND: &'static str = #kind;
                fn is_unknown(&self) -> bool {
                    #is_unknown
                }
            }
        }
    }

    /// A field of a generic kind struct (`RoomEvent<C>`): these few structs keep serde's
    /// derive (the written-out impls of `serde.rs` take no generics), so the field carries
    /// its serde attributes.
    fn kind_field(&self, field: &FieldDef) -> Code {
        let tokens = self.field(field, Scope::Api);
        let attr = if field.flatten {
            code! { #[serde(flatten)] }
        } else {
            let rename = (unraw(&field.ident) != field.wire).then(|| {
                let wire = &field.wire;
                code! { rename = #wire, }
            });
            if field.optional {
                code! { #[serde(#rename skip_serializing_if = "Option::is_none")] }
            } else if field.nullable {
                code! { #[serde(#rename default)] }
            } else if rename.is_some() {
                code! { #[serde(#rename)] }
            } else {
                Code::new()
            }
        };
        code! { #attr #tokens }
    }

    fn event_kind(&self, kind: &KindIr, events: &EventsIr) -> Code {
        let runtime = &self.runtime;
        let name = ident(&kind.name);
        let enum_name = ident(&kind.enum_name);
        let fallback = ident(&kind.fallback);
        let doc = self.doc_attr(kind.doc.as_deref());
        let fields = kind.fields.iter().map(|f| self.kind_field(f));
        let variants: Vec<_> = kind.members.iter().map(|(v, _)| ident(v)).collect();
        let contents: Vec<_> = kind
            .members
            .iter()
            .map(|(_, c)| ident(&events.contents[*c].name))
            .collect();
        let type_docs = kind
            .members
            .iter()
            .map(|(_, c)| format!(" `{}`", events.contents[*c].event_type));
        let types: Vec<&String> = kind
            .members
            .iter()
            .map(|(_, c)| &events.contents[*c].event_type)
            .collect();
        let enum_doc = format!(
            " Any event of kind `{}`, by its `type`; a type the spec does not describe keeps its \
             whole JSON in `{}`.",
            kind.name, kind.fallback
        );
        let read_object = read_json_object();
        // What each variant repeats (a repetition's values are iterators).
        let name_each = std::iter::repeat(&name);
        let runtime_each = std::iter::repeat(&runtime);
        code! {
            #doc
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[non_exhaustive]
            pub struct #name<C> {
                /// The event's content, typed by its `type`.
                pub content: C,
                #(#fields)*
            }
            #[doc = #enum_doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #enum_name {
                #(#[doc = #type_docs] #variants(#name_each<#contents>),)*
                /// An event type the spec does not describe: the event's whole JSON.
                #fallback(::serde_json::Map<String, ::serde_json::Value>),
            }
            impl #enum_name {
                /// The event's `type`.
                pub fn event_type(&self) -> &str {
                    match self {
                        #(Self::#variants(_) => #types,)*
                        Self::#fallback(json) => json.get("type").and_then(|v| v.as_str()).unwrap_or_default(),
                    }
                }
                /// Whether the event's type, or its content's variant, is one the spec does
                /// not describe (kept as JSON).
                pub fn is_unknown(&self) -> bool {
                    match self {
                        #(Self::#variants(event) => #runtime_each::events::EventContent::is_unknown(&event.content),)*
                        Self::#fallback(_) => true,
                    }
                }
            }
            impl ::serde::Serialize for #enum_name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(Self::#variants(event) => event.serialize(serializer),)*
                        Self::#fallback(json) => json.serialize(serializer),
                    }
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #enum_name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    use ::serde::de::Error as _;
                    let json = #read_object;
                    let event_type = json.get("type").and_then(|v| v.as_str()).map(str::to_owned);
                    match event_type.as_deref() {
                        #(Some(#types) => ::serde_json::from_value(::serde_json::Value::Object(json))
                            .map(Self::#variants)
                            .map_err(D::Error::custom),)*
                        _ => Ok(Self::#fallback(json)),
                    }
                }
            }
        }
    }
}

/// A `Deserialize` impl's reading of its input as a JSON object, returning its error.
fn read_json_object() -> Code {
    value_or_return(
        code! { ::serde_json::Map::<String, ::serde_json::Value>::deserialize(deserializer) },
    )
}
