//! The event schemas beside the API (`event-schemas/schema/`): typed event contents, the event
//! kinds of the core schemas, and per kind an enum over the event types of that kind.
//!
//! Everything is read from the schemas' own structure, by these rules:
//! - a schema whose `type` property has a single-valued `enum` describes that event type;
//! - the core schema its `allOf` refers to (one of `core-event-schema/`, with `type` and
//!   `content` properties) is its kind; a schema beside the event schemas with `type` and
//!   `content` properties that names no event type and refers to no core schema is a kind as
//!   well (the stripped state form, kept there before v1.2);
//! - files named `TYPE$VARIANT` (`TYPE#VARIANT` in releases before r0.5) describing the same
//!   event type as `TYPE` are variants of its content, told apart by the content property that
//!   is a plain string in `TYPE` and a single-valued `enum` in every variant (the
//!   discriminator);
//! - examples (`event-schemas/examples/`) belong to the schema of their file name, or of the
//!   part before a `$` (`#`).
//!
//! The schemas go through the same load, resolve and model stages as the API, and the contents
//! through the same type space.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::HashMap;
use crate::diagnostic::{Diagnostic, Error, Place};
use crate::ir::{FieldDef, IrOptions, TypeDef};
use crate::load::{FileId, Node, SourceSet, place};
use crate::model::{Schema, SchemaKind, Spec};
use crate::naming::{unique, upper_camel};
use crate::resolve::{RNode, ResolvedApi, ResolvedSpec};

/// Names of the document sets the loader reads beside the API folders: each holds a `/`, so
/// no API folder can be called that.
pub const SCHEMA_SET: &str = "event-schemas/schema";
pub const CORE_SET: &str = "event-schemas/schema/core-event-schema";
pub const EXAMPLE_SET: &str = "event-schemas/examples";

/// The folder of event schemas for an API root: `<api root>/../event-schemas/schema` (the
/// layout of both Matrix spec repositories) or `<api root>/event-schemas/schema` (a spec
/// folder that holds everything), whichever exists first.
pub fn discover(api_root: &Path) -> Option<PathBuf> {
    let beside = api_root
        .parent()
        .map(|p| p.join("event-schemas").join("schema"));
    let inside = api_root.join("event-schemas").join("schema");
    beside.into_iter().chain([inside]).find(|dir| dir.is_dir())
}

/// The three document sets of a schema folder: the event schemas, the core schemas
/// (`core-event-schema/`), and the examples (`../examples/`), each sorted by name. A file
/// counts whatever its extension (the older spec writes none); hidden files do not. Without
/// `typed` events ([`crate::Config::typed_events`]) only the core schemas are listed: the
/// kinds' names and shapes come from them, and that is all the module then needs.
pub fn document_sets(schema_dir: &Path, typed: bool) -> Vec<(String, Vec<PathBuf>)> {
    let core = (
        CORE_SET.to_owned(),
        files_in(&schema_dir.join("core-event-schema")),
    );
    if !typed {
        return vec![(SCHEMA_SET.to_owned(), Vec::new()), core];
    }
    let examples = schema_dir
        .parent()
        .map(|p| p.join("examples"))
        .unwrap_or_default();
    vec![
        (SCHEMA_SET.to_owned(), files_in(schema_dir)),
        core,
        (EXAMPLE_SET.to_owned(), files_in(&examples)),
    ]
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.ends_with(".md"))
        })
        .collect();
    crate::sort_stable(&mut files);
    files
}

/// What the emitter prints: the `events` module.
#[derive(Clone, Debug, PartialEq)]
pub struct EventsIr {
    pub kinds: Vec<KindIr>,
    pub contents: Vec<ContentIr>,
    /// The named types the contents and kinds use.
    pub types: Vec<TypeDef>,
    pub examples: Vec<EventExample>,
}

/// An event kind (a core schema): a struct generic over the content, and an enum over the
/// event types it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct KindIr {
    /// `StateEvent`
    pub name: String,
    /// `AnyStateEvent`
    pub enum_name: String,
    /// The enum's fallback variant, which keeps an unknown type's whole JSON.
    pub fallback: String,
    pub doc: Option<String>,
    /// Every field but `content` (the generic parameter).
    pub fields: Vec<FieldDef>,
    /// `(variant name, content index)`, by event type.
    pub members: Vec<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContentIr {
    /// `m.room.message`
    pub event_type: String,
    /// `RoomMessageEventContent`
    pub name: String,
    /// The kind the schema declares (index into [`EventsIr::kinds`]).
    pub kind: usize,
    pub doc: Option<String>,
    pub body: ContentBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ContentBody {
    Struct(Vec<FieldDef>),
    /// An enum keyed by the discriminator's value.
    Variants {
        /// The discriminating key of the content (`msgtype`).
        discriminator: String,
        variants: Vec<VariantIr>,
        /// The variant that keeps an unknown discriminator value's whole JSON.
        fallback: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantIr {
    /// The discriminator's value (`m.text`).
    pub value: String,
    /// The enum variant (`Text`).
    pub variant: String,
    /// The struct (`TextMessageEventContent`).
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<FieldDef>,
}

/// An example of `event-schemas/examples/`, with the enum it must parse into.
#[derive(Clone, Debug, PartialEq)]
pub struct EventExample {
    /// The file name (`m.room.message$m.text.yaml`).
    pub name: String,
    pub value: Json,
    pub place: Place,
    /// `(kind index, schema as self-contained JSON Schema)` of the schema it belongs to;
    /// `None`: no event schema has its name.
    pub schema: Option<(usize, Json)>,
}

/// One event schema, as found.
struct Found<'a> {
    file: FileId,
    node: &'a RNode,
    stem: String,
    event_type: String,
    kind: usize,
    content: Option<&'a RNode>,
}

struct Kind<'a> {
    file: FileId,
    node: &'a RNode,
    name: String,
    required: BTreeSet<String>,
    properties: BTreeSet<String>,
    /// Kinds this one extends through `allOf`, transitively (each once).
    ancestors: Vec<usize>,
}

/// The event sets taken out of the resolved spec (they are not APIs), and the examples.
pub struct EventSources {
    pub schemas: Vec<(FileId, RNode)>,
    pub core: Vec<(FileId, RNode)>,
    pub examples: Vec<FileId>,
}

/// Takes the example set out of the loaded sources (examples are data, not schemas: they are
/// not resolved) and returns its documents.
pub fn take_examples(sources: &mut SourceSet) -> Vec<FileId> {
    match sources.apis.iter().position(|a| a.name == EXAMPLE_SET) {
        Some(i) => sources.apis.remove(i).documents,
        None => Vec::new(),
    }
}

/// Takes the event schema sets out of the resolved APIs; `None` without event schemas or
/// core schemas.
pub fn take_sets(apis: &mut Vec<ResolvedApi>, examples: Vec<FileId>) -> Option<EventSources> {
    let mut take = |name: &str| {
        apis.iter()
            .position(|a| a.name == name)
            .map(|i| apis.remove(i).documents)
    };
    let schemas = take(SCHEMA_SET)?;
    // Without core schemas there are no kinds to type events by: a folder that only holds
    // schemas the API refers to.
    let core = take(CORE_SET).filter(|core| !core.is_empty())?;
    Some(EventSources {
        schemas,
        core,
        examples,
    })
}

/// The event schemas understood, before their contents are typed.
pub struct Plan<'a> {
    kinds: Vec<Kind<'a>>,
    found: Vec<Found<'a>>,
    /// Event types in order, each with its base schema (index into `found`, if any) and its
    /// variants.
    groups: Vec<(String, Group)>,
    examples: Vec<FileId>,
}

#[derive(Default)]
struct Group {
    base: Option<usize>,
    variants: Vec<(String, usize)>,
}

/// A file stem's event type and variant: `m.room.message$m.text` → (`m.room.message`,
/// `m.text`). Releases before r0.5 wrote the separator `#`; neither is part of an event type.
fn split_variant(stem: &str) -> (&str, Option<&str>) {
    match stem.split_once(['$', '#']) {
        Some((event_type, variant)) => (event_type, Some(variant)),
        None => (stem, None),
    }
}

fn stem_of(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    for ext in [".yaml", ".yml", ".json"] {
        if let Some(stem) = file.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    file.to_owned()
}

fn properties<'a>(
    resolved: &'a ResolvedSpec,
    node: &'a RNode,
) -> Option<&'a crate::IndexMap<String, RNode>> {
    node.get("properties")
        .map(|p| resolved.deref(p))
        .and_then(RNode::as_map)
}

fn strings(resolved: &ResolvedSpec, node: Option<&RNode>) -> Vec<String> {
    node.map(|n| resolved.deref(n))
        .and_then(RNode::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|v| resolved.deref(v).as_str().map(str::to_owned))
        .collect()
}

/// The files a document's `allOf` refers to, as the loader found them.
fn all_of_refs(sources: &SourceSet, file: FileId) -> Vec<FileId> {
    let root: &Node = &sources.files[file].root;
    root.get("allOf")
        .and_then(|a| match &a.value {
            crate::load::Value::Seq(items) => Some(items),
            _ => None,
        })
        .into_iter()
        .flatten()
        .filter_map(|item| item.ref_target())
        .filter_map(|target| sources.ref_file(file, sources.split_ref(file, target).0))
        .collect()
}

/// Reads the event schemas' structure (event types, kinds, variants); errors name the schema.
pub fn plan<'a>(resolved: &'a ResolvedSpec, sets: &'a EventSources) -> Result<Plan<'a>, Error> {
    let sources = &resolved.sources;
    let mut diagnostics = Vec::new();
    let core_files: Vec<FileId> = sets.core.iter().map(|(file, _)| *file).collect();
    // Releases before v1.2 kept the stripped state form (`stripped_state.yaml`) beside the
    // event schemas: a schema there with `type` and `content` properties whose `type` names
    // no event type and whose `allOf` refers to no core schema is a form of event as well.
    // (The loop below keeps only those with both properties.)
    let forms_beside = sets.schemas.iter().filter(|(file, node)| {
        properties(resolved, node)
            .and_then(|props| props.get("type"))
            .is_some_and(|t| strings(resolved, resolved.deref(t).get("enum")).is_empty())
            && !all_of_refs(sources, *file)
                .iter()
                .any(|f| core_files.contains(f))
    });
    let mut kinds: Vec<Kind> = Vec::new();
    for (file, node) in sets.core.iter().chain(forms_beside) {
        let Some(props) = properties(resolved, node) else {
            continue;
        };
        if !(props.contains_key("type") && props.contains_key("content")) {
            continue;
        }
        let title =
            own_text(sources, *file, "title").unwrap_or_else(|| stem_of(resolved.file_name(*file)));
        kinds.push(Kind {
            file: *file,
            node,
            name: upper_camel(&title),
            required: strings(resolved, node.get("required"))
                .into_iter()
                .collect(),
            properties: props.keys().cloned().collect(),
            ancestors: Vec::new(),
        });
    }
    // Kinds that share a title (the older spec calls both `room_event` and `sync_room_event`
    // "Room Event") are named from their files.
    let names: Vec<String> = kinds.iter().map(|k| k.name.clone()).collect();
    for kind in &mut kinds {
        if names.iter().filter(|n| **n == kind.name).count() > 1 {
            kind.name = upper_camel(&stem_of(resolved.file_name(kind.file)));
        }
    }
    let kind_of_file: HashMap<FileId, usize> =
        kinds.iter().enumerate().map(|(i, k)| (k.file, i)).collect();
    for (i, kind) in kinds.iter_mut().enumerate() {
        let mut stack = all_of_refs(sources, kind.file);
        let mut seen = Vec::new();
        while let Some(f) = stack.pop() {
            if let Some(&k) = kind_of_file.get(&f)
                && k != i
                && !seen.contains(&k)
            {
                seen.push(k);
                stack.extend(all_of_refs(sources, f));
            }
        }
        kind.ancestors = seen;
    }

    let mut found: Vec<Found> = Vec::new();
    for (file, node) in &sets.schemas {
        let at = |pointer: &str, n: &RNode| resolved.place(n, pointer);
        let Some(props) = properties(resolved, node) else {
            continue;
        };
        let stem = stem_of(resolved.file_name(*file));
        let type_prop = props.get("type").map(|t| resolved.deref(t));
        let values = strings(resolved, type_prop.and_then(|t| t.get("enum")));
        let kind = all_of_refs(sources, *file)
            .into_iter()
            .find_map(|f| kind_of_file.get(&f).copied());
        let Some(kind) = kind else {
            if values.is_empty() {
                // Not an event (a shared definition kept among the events).
                continue;
            }
            diagnostics.push(Diagnostic::error(
                format!(
                    "the event schema of `{}` names no event kind: its `allOf` refers to none \
                     of the core event schemas (with `type` and `content` properties)",
                    values.join("`, `")
                ),
                Some(at("", node)),
            ));
            continue;
        };
        // Where the schema does not list its type, its file name says it.
        let event_types = if values.is_empty() {
            vec![split_variant(&stem).0.to_owned()]
        } else {
            values
        };
        for event_type in event_types {
            found.push(Found {
                file: *file,
                node,
                stem: stem.clone(),
                event_type,
                kind,
                content: props.get("content"),
            });
        }
    }

    let mut by_type: crate::IndexMap<String, Group> = crate::IndexMap::default();
    for (i, f) in found.iter().enumerate() {
        let group = by_type.entry(f.event_type.clone()).or_default();
        match split_variant(&f.stem).1 {
            Some(variant) => group.variants.push((variant.to_owned(), i)),
            None if group.base.is_none() => group.base = Some(i),
            None => diagnostics.push(Diagnostic::error(
                format!("two event schemas describe `{}`", f.event_type),
                Some(resolved.place(f.node, "")),
            )),
        }
    }
    let mut groups: Vec<(String, Group)> = by_type.into_iter().collect();
    crate::sort_stable_by(&mut groups, |a, b| a.0.cmp(&b.0));
    if diagnostics.is_empty() {
        Ok(Plan {
            kinds,
            found,
            groups,
            examples: sets.examples.clone(),
        })
    } else {
        Err(Error::new(diagnostics).with_sources(&sources.texts()))
    }
}

impl<'a> Plan<'a> {
    /// The schemas to convert, in the order [`build`] expects them: each event schema's
    /// content, then each kind.
    pub fn roots(&self) -> Vec<(&'a RNode, &'static str)> {
        let mut roots: Vec<(&RNode, &str)> = Vec::new();
        for f in &self.found {
            roots.push((f.content.unwrap_or(f.node), "/properties/content"));
        }
        for k in &self.kinds {
            roots.push((k.node, ""));
        }
        roots
    }

    /// The kinds as the API's IR matches schemas against them: each kind's enum name (as
    /// [`build`] names it) and its keys, its ancestors' included.
    pub fn kind_shapes(&self) -> Vec<crate::ir::EventKindShape> {
        let names = kind_names(&self.kinds, &mut BTreeSet::new());
        self.kinds
            .iter()
            .zip(names)
            .map(|(kind, (name, enum_name))| {
                let lineage =
                    || std::iter::once(kind).chain(kind.ancestors.iter().map(|&a| &self.kinds[a]));
                crate::ir::EventKindShape {
                    enum_name,
                    name,
                    required: lineage().flat_map(|k| k.required.iter().cloned()).collect(),
                    properties: lineage()
                        .flat_map(|k| k.properties.iter().cloned())
                        .collect(),
                }
            })
            .collect()
    }
}

/// Each kind's struct and enum names, unique among `taken` (which they join).
fn kind_names(kinds: &[Kind], taken: &mut BTreeSet<String>) -> Vec<(String, String)> {
    let mut take = |base: &str| {
        let name = unique(base, None, &|n| taken.contains(n));
        taken.insert(name.clone());
        name
    };
    kinds
        .iter()
        .map(|k| {
            let name = take(&k.name);
            let enum_name = take(&format!("Any{name}"));
            (name, enum_name)
        })
        .collect()
}

/// Content type name of an event type: `m.room.message` → `RoomMessageEventContent`.
pub fn content_name(event_type: &str) -> String {
    let rest = event_type.strip_prefix("m.").unwrap_or(event_type);
    format!("{}EventContent", upper_camel(rest))
}

/// Enum variant of a discriminator value or event type: `m.text` → `Text`.
fn variant_name(value: &str) -> String {
    upper_camel(value.strip_prefix("m.").unwrap_or(value))
}

/// The discriminator of a base content and its variants: a property that is a plain string in
/// the base and a single-valued `enum` in every variant, with each variant's value.
fn discriminator(
    base: Option<&Schema>,
    variants: &[&Schema],
    follow: &dyn Fn(&Schema) -> Schema,
) -> Option<(String, Vec<String>)> {
    let object = |s: &Schema| match follow(s).kind {
        SchemaKind::Object(o) => Some(o),
        _ => None,
    };
    let variant_objects: Vec<_> = variants.iter().map(|s| object(s)).collect::<Option<_>>()?;
    let first = variant_objects.first()?;
    let base_object = base.and_then(object);
    'keys: for key in first.properties.keys() {
        if let Some(base) = &base_object {
            match base.properties.get(key).map(|p| follow(&p.schema).kind) {
                Some(SchemaKind::String { values }) if values.is_empty() => {}
                _ => continue 'keys,
            }
        }
        let mut values = Vec::new();
        for v in &variant_objects {
            match v.properties.get(key).map(|p| follow(&p.schema).kind) {
                Some(SchemaKind::String { values: one }) if one.len() == 1 => {
                    values.push(one[0].clone())
                }
                _ => continue 'keys,
            }
        }
        if crate::all_distinct(&values) {
            return Some((key.clone(), values));
        }
    }
    None
}

/// Types the contents and kinds, and assigns every name.
pub fn build(
    resolved: &ResolvedSpec,
    plan: &Plan<'_>,
    spec: &Spec,
    root_schemas: &[Schema],
    options: &IrOptions,
) -> Result<EventsIr, Error> {
    let follow = |s: &Schema| -> Schema {
        let mut s = s.clone();
        let mut steps = 0;
        while let SchemaKind::Ref(t) = s.kind {
            match spec.schemas.get(t).and_then(Option::as_ref) {
                Some(target) => s = target.clone(),
                None => break,
            }
            steps += 1;
            if steps > spec.schemas.len() {
                break;
            }
        }
        s
    };
    let content_schema = |i: usize| &root_schemas[i];
    let kind_schema = |k: usize| &root_schemas[plan.found.len() + k];

    let mut taken: BTreeSet<String> = BTreeSet::new();
    let take = |base: &str, qualifier: Option<&str>, taken: &mut BTreeSet<String>| {
        let name = unique(base, qualifier, &|n| taken.contains(n));
        taken.insert(name.clone());
        name
    };
    let kind_names = kind_names(&plan.kinds, &mut taken);

    // Contents: a struct each, or an enum over the variants.
    struct Pending {
        event_type: String,
        name: String,
        kind: usize,
        doc: Option<String>,
        /// Root indices of the fields to type: the content's own, or each variant's.
        roots: Vec<usize>,
        /// Discriminator, fallback variant, and per variant (value, variant, struct, doc).
        #[allow(clippy::type_complexity)]
        variants: Option<(
            String,
            String,
            Vec<(String, String, String, Option<String>)>,
        )>,
    }
    let mut pending = Vec::new();
    let mut diagnostics = Vec::new();
    // (event type, discriminator value) → the variant's schema; event type → discriminator.
    let mut variant_schemas_by_value: HashMap<(String, String), usize> = HashMap::default();
    let mut discriminators: HashMap<String, String> = HashMap::default();
    for (event_type, group) in &plan.groups {
        let name = take(&content_name(event_type), None, &mut taken);
        let head = group.base.or(group.variants.first().map(|(_, i)| *i));
        let Some(head) = head else { continue };
        let kind = plan.found[head].kind;
        let doc = own_text(&resolved.sources, plan.found[head].file, "description");
        if group.variants.is_empty() {
            pending.push(Pending {
                event_type: event_type.clone(),
                name,
                kind,
                doc,
                roots: vec![head],
                variants: None,
            });
            continue;
        }
        let variant_schemas: Vec<&Schema> = group
            .variants
            .iter()
            .map(|(_, i)| content_schema(*i))
            .collect();
        let base = group.base.map(content_schema);
        let Some((key, values)) = discriminator(base, &variant_schemas, &follow) else {
            let (_, first) = &group.variants[0];
            diagnostics.push(Diagnostic::error(
                format!(
                    "the variants of `{event_type}` have no discriminator: no content property \
                     is a plain string in `{event_type}` and a single-valued `enum` in every \
                     variant"
                ),
                Some(resolved.place(plan.found[*first].node, "/properties/content")),
            ));
            continue;
        };
        let mut variant_idents = BTreeSet::new();
        let mut variants = Vec::new();
        for ((_, i), value) in group.variants.iter().zip(&values) {
            variant_schemas_by_value.insert((event_type.clone(), value.clone()), *i);
            discriminators.insert(event_type.clone(), key.clone());
            let found = &plan.found[*i];
            let struct_base = match own_text(&resolved.sources, found.file, "title") {
                Some(title) => format!("{}EventContent", upper_camel(&title)),
                None => format!(
                    "{}{}EventContent",
                    name.trim_end_matches("EventContent"),
                    variant_name(value)
                ),
            };
            let struct_name = take(
                &struct_base,
                Some(name.trim_end_matches("EventContent")),
                &mut taken,
            );
            let variant = unique(&variant_name(value), None, &|n| variant_idents.contains(n));
            variant_idents.insert(variant.clone());
            let doc = own_text(&resolved.sources, found.file, "description");
            variants.push((value.clone(), variant, struct_name, doc));
        }
        let fallback = unique("Unknown", None, &|n| variant_idents.contains(n));
        pending.push(Pending {
            event_type: event_type.clone(),
            name,
            kind,
            doc,
            roots: group.variants.iter().map(|(_, i)| *i).collect(),
            variants: Some((key, fallback, variants)),
        });
    }
    if !diagnostics.is_empty() {
        return Err(Error::new(diagnostics).with_sources(&resolved.sources.texts()));
    }

    // Type every field list in one space: contents (or variants), then kinds.
    let mut roots: Vec<(String, &Schema)> = Vec::new();
    for p in &pending {
        match &p.variants {
            None => roots.push((p.name.clone(), content_schema(p.roots[0]))),
            Some((_, _, variants)) => {
                for (v, root) in variants.iter().zip(&p.roots) {
                    roots.push((v.2.clone(), content_schema(*root)));
                }
            }
        }
    }
    let kind_objects: Vec<Schema> = (0..plan.kinds.len())
        .map(|k| {
            let mut schema = follow(kind_schema(k));
            if let SchemaKind::Object(o) = &mut schema.kind {
                o.properties.shift_remove("content");
            }
            schema
        })
        .collect();
    for (k, schema) in kind_objects.iter().enumerate() {
        roots.push((kind_names[k].0.clone(), schema));
    }
    let reserved: Vec<String> = taken.iter().cloned().collect();
    let set = crate::ir::build_structs(spec, &roots, &reserved, options);
    let mut fields = set.fields.into_iter();

    let mut contents = Vec::new();
    for p in pending {
        let body = match p.variants {
            None => ContentBody::Struct(fields.next().unwrap_or_default()),
            Some((discriminator, fallback, variants)) => ContentBody::Variants {
                discriminator,
                fallback,
                variants: variants
                    .into_iter()
                    .map(|(value, variant, name, doc)| VariantIr {
                        value,
                        variant,
                        name,
                        doc,
                        fields: fields.next().unwrap_or_default(),
                    })
                    .collect(),
            },
        };
        contents.push(ContentIr {
            event_type: p.event_type,
            name: p.name,
            kind: p.kind,
            doc: p.doc,
            body,
        });
    }

    // Which event types each kind's enum holds: those declaring it, and for a kind no event
    // declares (a form: sync, stripped) those of every kind that has all its required keys,
    // unless a more specific such form extends it.
    let mut declared = vec![false; plan.kinds.len()];
    for content in &contents {
        declared[content.kind] = true;
    }
    let fits = |form: usize, kind: usize| {
        let (f, k) = (&plan.kinds[form], &plan.kinds[kind]);
        !declared[form] && f.required.is_subset(&k.properties)
    };
    let mut kinds = Vec::new();
    for (k, kind) in plan.kinds.iter().enumerate() {
        let mut members = Vec::new();
        let mut used = BTreeSet::new();
        for (c, content) in contents.iter().enumerate() {
            let d = content.kind;
            let holds = d == k
                || (fits(k, d)
                    && !(0..plan.kinds.len()).any(|other| {
                        other != k && fits(other, d) && plan.kinds[other].ancestors.contains(&k)
                    }));
            if holds {
                let base = content.name.trim_end_matches("EventContent");
                let variant = unique(base, None, &|n| used.contains(n));
                used.insert(variant.clone());
                members.push((variant, c));
            }
        }
        let fallback = unique("Unknown", None, &|n| used.contains(n));
        kinds.push(KindIr {
            name: kind_names[k].0.clone(),
            enum_name: kind_names[k].1.clone(),
            fallback,
            doc: own_text(&resolved.sources, kind.file, "description"),
            fields: fields.next().unwrap_or_default(),
            members,
        });
    }

    let examples = examples(resolved, plan, &|event_type, content| {
        let key = discriminators.get(event_type)?;
        let value = content.get(key)?.as_str()?;
        let found = variant_schemas_by_value.get(&(event_type.to_owned(), value.to_owned()))?;
        Some(resolved.schema_json(plan.found[*found].node))
    });
    Ok(EventsIr {
        kinds,
        contents,
        types: set.types,
        examples,
    })
}

/// A text key (`title`, `description`) a document writes itself, at its top or in one of its
/// `allOf` members that is not a reference (what it adds to the schemas it extends), not one
/// it inherits.
fn own_text(sources: &SourceSet, file: FileId, key: &str) -> Option<String> {
    let root = &sources.files[file].root;
    let members = match root.get("allOf").map(|a| &a.value) {
        Some(crate::load::Value::Seq(items)) => items.iter().collect(),
        _ => Vec::new(),
    };
    std::iter::once(root)
        .chain(members.into_iter().filter(|m| m.ref_target().is_none()))
        .find_map(|n| n.get(key).and_then(Node::as_str))
        .map(str::to_owned)
}

/// Every example, its `$ref`s merged (the example's own keys over those of what it refers
/// to), with the schema it belongs to; for an event type with variants, that schema and the
/// one of the variant its content's discriminator names (`variant_schema`), both.
fn examples(
    resolved: &ResolvedSpec,
    plan: &Plan<'_>,
    variant_schema: &dyn Fn(&str, &Json) -> Option<Json>,
) -> Vec<EventExample> {
    let sources = &resolved.sources;
    let by_stem: HashMap<&str, &Found> = plan.found.iter().map(|f| (f.stem.as_str(), f)).collect();
    let mut out = Vec::new();
    for &file in &plan.examples {
        let name = sources.files[file].name.to_string();
        let stem = stem_of(&name);
        let root = &sources.files[file].root;
        let value = merged_json(sources, file, root, 0);
        let schema = by_stem
            .get(stem.as_str())
            .or_else(|| by_stem.get(split_variant(&stem).0))
            .map(|f| {
                let own = resolved.schema_json(f.node);
                let content = value.get("content").cloned().unwrap_or_default();
                let schema = match variant_schema(&f.event_type, &content) {
                    Some(variant) if variant != own => {
                        serde_json::json!({ "allOf": [own, variant] })
                    }
                    _ => own,
                };
                (f.kind, schema)
            });
        out.push(EventExample {
            name: name.rsplit('/').next().unwrap_or(&name).to_owned(),
            value,
            place: place(&sources.files[file].name, root.loc, ""),
            schema,
        });
    }
    out
}

/// How many `$ref`s deep an example may refer.
const EXAMPLE_REF_DEPTH: usize = 16;

fn merged_json(sources: &SourceSet, file: FileId, node: &Node, depth: usize) -> Json {
    match &node.value {
        crate::load::Value::Map(map) => {
            let mut out = serde_json::Map::new();
            if let Some(target) = node.ref_target()
                && depth < EXAMPLE_REF_DEPTH
            {
                let (file_part, pointer) = sources.split_ref(file, target);
                let target_file = if file_part.is_empty() {
                    Some(file)
                } else {
                    sources.ref_file(file, file_part)
                };
                if let Some(t) = target_file
                    && let Some(target_node) = sources.files[t].root.pointer(pointer)
                    && let Json::Object(base) = merged_json(sources, t, target_node, depth + 1)
                {
                    out = base;
                }
            }
            for (key, value) in &map.entries {
                if key != "$ref" {
                    out.insert(key.clone(), merged_json(sources, file, value, depth));
                }
            }
            Json::Object(out)
        }
        crate::load::Value::Seq(items) => Json::Array(
            items
                .iter()
                .map(|i| merged_json(sources, file, i, depth))
                .collect(),
        ),
        _ => node.to_json(),
    }
}
