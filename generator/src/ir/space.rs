//! The type space of one API: entries (one per schema occurrence that becomes a named type)
//! referring to each other by id, interned by shape, placed by use and named from the spec.
//!
//! Interning is partition refinement (Moore's algorithm): entries start grouped by their own
//! shape with references abstracted, and groups split until every member refers to the same
//! groups. The result is the coarsest grouping in which equal shapes — recursive ones
//! included — are one type, whatever route reached them. Docs and names are not part of a
//! shape, so a copy of a schema with other wording is still the same type.

use std::hash::{Hash, Hasher};

use serde_json::Value as Json;

use super::{
    ApiModule, ExampleIr, FieldDef, OperationIr, ResponseIr, RustType, Scope, StringEnumDef,
    StructDef, TypeDef, UnionDef,
};
use crate::diagnostic::Place;
use crate::naming::{unique, unraw, upper_camel};
use crate::{HashMap, HashSet};

pub(super) type EntryId = usize;

/// A type as the converter sees it: named types are entry ids until the space is finished.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Ty {
    Bool,
    I64,
    F64,
    Number,
    String,
    Json,
    JsonObject,
    Bytes,
    /// A string of a typed format (`RustType::Formatted`).
    Formatted(String),
    Vec(Box<Ty>),
    /// `key` is `String` or `Formatted`.
    Map {
        key: Box<Ty>,
        value: Box<Ty>,
    },
    Tuple(Vec<Ty>),
    Option(Box<Ty>),
    Entry(EntryId),
    /// An event, as its kind's (or timeline union's) enum.
    Event(String),
    /// An event kept as its JSON bytes (an item of an event list).
    RawEvent(String),
}

impl Ty {
    /// The same type with every entry replaced by `f(entry)`.
    fn map_entries(&self, f: &impl Fn(EntryId) -> Ty) -> Ty {
        match self {
            Ty::Entry(id) => f(*id),
            Ty::Vec(inner) => Ty::Vec(Box::new(inner.map_entries(f))),
            Ty::Map { key, value } => Ty::Map {
                key: key.clone(),
                value: Box::new(value.map_entries(f)),
            },
            Ty::Option(inner) => Ty::Option(Box::new(inner.map_entries(f))),
            Ty::Tuple(items) => Ty::Tuple(items.iter().map(|i| i.map_entries(f)).collect()),
            other => other.clone(),
        }
    }

    /// Entries this type refers to; `direct` ones are held by value (not behind a `Vec` or
    /// map), so a cycle of them needs a `Box`.
    fn entries(&self, direct: bool, out: &mut Vec<(EntryId, bool)>) {
        match self {
            Ty::Entry(id) => out.push((*id, direct)),
            Ty::Vec(inner) | Ty::Map { value: inner, .. } => inner.entries(false, out),
            Ty::Option(inner) => inner.entries(direct, out),
            Ty::Tuple(items) => items.iter().for_each(|i| i.entries(direct, out)),
            _ => {}
        }
    }
}

/// A field under construction: the final `FieldDef` but for its type.
#[derive(Clone, Debug)]
pub(super) struct RawField {
    /// Everything but `ty`, which is filled in when the space is finished.
    pub field: FieldDef,
    pub ty: Ty,
    /// The spec's `default`, part of the shape.
    pub default: Option<Json>,
}

#[derive(Clone, Debug)]
pub(super) enum Def {
    /// Reserved for a schema being converted (recursion refers to it meanwhile).
    Pending,
    Struct(Vec<RawField>),
    Enum(Vec<String>),
    /// Members with the title that names their variant, if any.
    Union(Vec<(Option<String>, Ty)>),
    /// Turned out not to be a named type (a `oneOf` whose members are one type).
    Alias(Ty),
}

/// Where a name comes from, best first: the `title` of a shared schema (a `$ref` target), the
/// `title` of an inline one (often inherited from what it extends), a `$ref` target's file or
/// pointer, the property (or parameter) that holds the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Rank {
    SharedTitle,
    Title,
    Reference,
    Context,
}

#[derive(Clone, Debug)]
pub(super) struct NameHint {
    pub base: String,
    pub rank: Rank,
    /// Prefixes that tell this schema apart when another shape wants the same name, most
    /// natural first: the enclosing type, the operation, the defining file.
    pub qualifiers: Vec<String>,
    /// Where the schema is written: the last resort for a distinct name, and a stable order.
    pub place: Place,
}

#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub def: Def,
    pub doc: Option<String>,
    pub name: NameHint,
    /// The schema's own `example`, checked against the type it became.
    pub example: Option<(Json, Place, Option<Json>)>,
}

/// An operation whose field types are still entries.
pub(super) struct RawOperation {
    /// Complete but for `request_fields`, `response` and `types`.
    pub ir: OperationIr,
    pub request_fields: Vec<RawField>,
    pub response: RawResponse,
}

pub(super) enum RawResponse {
    Fields {
        doc: Option<String>,
        fields: Vec<RawField>,
    },
    Whole {
        ty: Ty,
        doc: Option<String>,
    },
    Binary {
        content_type: String,
        doc: Option<String>,
    },
}

/// Names the std prelude and the generated code use unqualified, or that readers would take
/// for a well-known type (`Value`, `Map`): a generated type never takes them.
const RESERVED_NAMES: &[&str] = &[
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
    "Value",
    "Map",
    "BTreeMap",
    "Number",
];

/// Names every operation module already holds.
const OPERATION_NAMES: &[&str] = &["Request", "RequestBody", "Response"];

/// The shape of an entry, with references as group ids: what interning compares.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Shape {
    Struct(Vec<FieldShape>),
    Enum(Vec<String>),
    Union(Vec<Ty>),
    /// Never equal to another entry (pending or alias entries are not types).
    Unique(EntryId),
}

#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct FieldShape {
    wire: String,
    ty: Ty,
    optional: bool,
    nullable: bool,
    flatten: bool,
    default: Option<String>,
}

fn shape(id: EntryId, def: &Def, group: &[usize]) -> Shape {
    let remap = |ty: &Ty| ty.map_entries(&|e| Ty::Entry(group[e]));
    match def {
        Def::Struct(fields) => {
            let mut fields: Vec<FieldShape> = fields
                .iter()
                .map(|f| FieldShape {
                    wire: f.field.wire.clone(),
                    ty: remap(&f.ty),
                    optional: f.field.optional,
                    nullable: f.field.nullable,
                    flatten: f.field.flatten,
                    default: f.default.as_ref().map(Json::to_string),
                })
                .collect();
            crate::sort_stable(&mut fields);
            Shape::Struct(fields)
        }
        Def::Enum(values) => {
            let mut values = values.clone();
            crate::sort_unique(&mut values);
            Shape::Enum(values)
        }
        Def::Union(members) => {
            let mut members: Vec<Ty> = members.iter().map(|(_, t)| remap(t)).collect();
            crate::sort_unique(&mut members);
            Shape::Union(members)
        }
        Def::Pending | Def::Alias(_) => Shape::Unique(id),
    }
}

/// Groups entries of equal shape (partition refinement to a fixed point).
fn intern(entries: &[Entry]) -> Vec<usize> {
    let mut group = vec![0usize; entries.len()];
    let mut count = 1;
    loop {
        let mut ids: HashMap<(usize, Shape), usize> = HashMap::default();
        let next: Vec<usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let key = (group[i], shape(i, &e.def, &group));
                let fresh = ids.len();
                *ids.entry(key).or_insert(fresh)
            })
            .collect();
        group = next;
        if ids.len() == count {
            return group;
        }
        count = ids.len();
    }
}

/// Replaces references to alias entries by what they stand for.
fn resolve_aliases(entries: &mut [Entry]) {
    let aliases: Vec<Option<Ty>> = entries
        .iter()
        .map(|e| match &e.def {
            Def::Alias(ty) => Some(ty.clone()),
            _ => None,
        })
        .collect();
    if aliases.iter().all(Option::is_none) {
        return;
    }
    // An alias of an alias resolves in as many rounds as the chain is long.
    let resolve = |ty: &Ty| -> Ty {
        let mut ty = ty.clone();
        for _ in 0..=aliases.len().min(64) {
            let next = ty.map_entries(&|e| aliases[e].clone().unwrap_or(Ty::Entry(e)));
            if next == ty {
                break;
            }
            ty = next;
        }
        ty
    };
    for entry in entries.iter_mut() {
        match &mut entry.def {
            Def::Struct(fields) => fields.iter_mut().for_each(|f| f.ty = resolve(&f.ty)),
            Def::Union(members) => members.iter_mut().for_each(|(_, t)| *t = resolve(t)),
            Def::Alias(ty) => *ty = resolve(ty),
            Def::Enum(_) | Def::Pending => {}
        }
    }
    // An alias chain that never reaches a type (`a: oneOf [b]`, `b: oneOf [a]`) is any value.
    let looping: Vec<usize> = (0..entries.len())
        .filter(|i| match &entries[*i].def {
            Def::Alias(Ty::Entry(e)) => matches!(entries[*e].def, Def::Alias(_)),
            _ => false,
        })
        .collect();
    for i in looping {
        entries[i].def = Def::Alias(Ty::Json);
    }
}

fn def_types(def: &Def) -> Vec<&Ty> {
    match def {
        Def::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
        Def::Union(members) => members.iter().map(|(_, t)| t).collect(),
        Def::Alias(ty) => vec![ty],
        Def::Enum(_) | Def::Pending => Vec::new(),
    }
}

/// Where a type lives once every use is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Home {
    Api,
    Operation(usize),
}

/// A module's place in a list of all modules: the API's first, then the operations'.
fn home_index(home: Home) -> usize {
    match home {
        Home::Api => 0,
        Home::Operation(index) => index + 1,
    }
}

/// Finishes the space: interns, places, names, and writes the module.
pub(super) fn finish(
    api_ident: String,
    api_name: String,
    entries: Vec<Entry>,
    operations: Vec<RawOperation>,
    examples: &mut Vec<ExampleIr>,
) -> ApiModule {
    finish_with(
        api_ident,
        api_name,
        entries,
        operations,
        examples,
        &Placement::ByUse,
    )
}

/// Where the space puts the types it names.
pub(super) enum Placement<'a> {
    /// A type only one operation uses lives in that operation's module.
    ByUse,
    /// Every type lives in the API module (which has no operation modules), where these names
    /// are taken already.
    Shared { reserved: &'a [String] },
}

pub(super) fn finish_with(
    api_ident: String,
    api_name: String,
    mut entries: Vec<Entry>,
    operations: Vec<RawOperation>,
    examples: &mut Vec<ExampleIr>,
    placement: &Placement<'_>,
) -> ApiModule {
    resolve_aliases(&mut entries);
    // Request and response fields may name aliases too.
    let alias_of = |ty: &Ty| -> Ty {
        ty.map_entries(&|e| match &entries[e].def {
            Def::Alias(t) => t.clone(),
            _ => Ty::Entry(e),
        })
    };
    let operations: Vec<RawOperation> = operations
        .into_iter()
        .map(|mut op| {
            op.request_fields
                .iter_mut()
                .for_each(|f| f.ty = alias_of(&f.ty));
            match &mut op.response {
                RawResponse::Fields { fields, .. } => {
                    fields.iter_mut().for_each(|f| f.ty = alias_of(&f.ty))
                }
                RawResponse::Whole { ty, .. } => *ty = alias_of(ty),
                RawResponse::Binary { .. } => {}
            }
            op
        })
        .collect();

    let group = intern(&entries);
    let group_count = group.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<EntryId>> = vec![Vec::new(); group_count];
    for (entry, g) in group.iter().enumerate() {
        members[*g].push(entry);
    }
    // The entry whose name a group takes: the best-ranked name, then the smallest.
    let representative: Vec<EntryId> = members
        .iter()
        .map(|m| {
            m.iter()
                .copied()
                .min_by(|a, b| {
                    let (ha, hb) = (&entries[*a].name, &entries[*b].name);
                    (ha.rank, &ha.base, place_key(&ha.place)).cmp(&(
                        hb.rank,
                        &hb.base,
                        place_key(&hb.place),
                    ))
                })
                .unwrap_or(0)
        })
        .collect();

    // Uses: the operations from whose request or response each group is reachable.
    let edges: Vec<Vec<(usize, bool)>> = (0..group_count)
        .map(|g| {
            let mut out = Vec::new();
            for ty in def_types(&entries[representative[g]].def) {
                ty.entries(true, &mut out);
            }
            let mut seen = HashSet::default();
            out.into_iter()
                .map(|(e, direct)| (group[e], direct))
                .filter(|edge| seen.insert(*edge))
                .collect()
        })
        .collect();
    // Each group's operations, ascending: operations are walked in index order.
    let mut used_by: Vec<Vec<usize>> = vec![Vec::new(); group_count];
    for (index, op) in operations.iter().enumerate() {
        let mut stack: Vec<usize> = Vec::new();
        for ty in operation_types(op) {
            let mut out = Vec::new();
            ty.entries(true, &mut out);
            stack.extend(out.into_iter().map(|(e, _)| group[e]));
        }
        while let Some(g) = stack.pop() {
            if used_by[g].last() != Some(&index) {
                used_by[g].push(index);
                stack.extend(edges[g].iter().map(|(to, _)| *to));
            }
        }
    }
    let home: Vec<Option<Home>> = used_by
        .iter()
        .map(|ops| match (ops.len(), placement) {
            (0, _) => None,
            (_, Placement::Shared { .. }) => Some(Home::Api),
            (1, Placement::ByUse) => ops.first().map(|op| Home::Operation(*op)),
            _ => Some(Home::Api),
        })
        .collect();

    // Names, per module.
    // The groups of each module: index 0 the API's, 1 + i operation i's.
    let mut by_home: Vec<Vec<usize>> = vec![Vec::new(); operations.len() + 1];
    for (g, h) in home.iter().enumerate() {
        if let (Some(h), false) = (h, matches!(entries[representative[g]].def, Def::Alias(_))) {
            by_home[home_index(*h)].push(g);
        }
    }
    let mut names: Vec<String> = vec![String::new(); group_count];
    for (index, groups) in by_home.iter().enumerate().filter(|(_, g)| !g.is_empty()) {
        let mut reserved: HashSet<&str> = RESERVED_NAMES.iter().copied().collect();
        if index > 0 {
            reserved.extend(OPERATION_NAMES);
        }
        if let Placement::Shared { reserved: taken } = placement {
            reserved.extend(taken.iter().map(String::as_str));
        }
        let hints: Vec<NameHint> = groups
            .iter()
            .map(|g| group_hint(&entries, &members[*g], representative[*g]))
            .collect();
        let hints: Vec<&NameHint> = hints.iter().collect();
        for (g, name) in groups.iter().zip(assign_names(&hints, &reserved)) {
            names[*g] = name;
        }
    }

    let boxed = back_edges(&edges, &home, &names);
    let writer = Writer {
        group: &group,
        home: &home,
        names: &names,
        boxed: &boxed,
    };

    // Definitions, each once, in the module of its home, by name.
    let mut api_types: Vec<TypeDef> = Vec::new();
    let mut op_types: Vec<Vec<TypeDef>> = vec![Vec::new(); operations.len()];
    for (index, groups) in by_home.iter().enumerate() {
        for g in groups {
            let entry = &entries[representative[*g]];
            let Some(def) = writer.type_def(*g, entry) else {
                continue;
            };
            match index {
                0 => api_types.push(def),
                op => op_types[op - 1].push(def),
            }
        }
    }
    crate::sort_stable_by(&mut api_types, |a, b| a.name().cmp(b.name()));
    op_types
        .iter_mut()
        .for_each(|types| crate::sort_stable_by(types, |a, b| a.name().cmp(b.name())));

    // Schema examples, each under the type its schema became.
    let mut type_examples: Vec<ExampleIr> = Vec::new();
    for (id, entry) in entries.iter().enumerate() {
        let (Some((value, place, schema)), Some(h)) = (&entry.example, home[group[id]]) else {
            continue;
        };
        let type_path = match h {
            Home::Api => format!("{api_ident}::{}", names[group[id]]),
            Home::Operation(op) => format!(
                "{api_ident}::{}::{}",
                unraw(&operations[op].ir.ident),
                names[group[id]]
            ),
        };
        if !type_examples
            .iter()
            .any(|e| e.type_path == type_path && e.value == *value)
        {
            type_examples.push(ExampleIr {
                api: api_ident.clone(),
                type_path,
                value: value.clone(),
                place: place.clone(),
                schema: schema.clone(),
                status: None,
            });
        }
    }
    examples.extend(type_examples);

    let operations = operations
        .into_iter()
        .zip(op_types)
        .map(|(raw, types)| {
            let mut op = raw.ir;
            op.request_fields = raw
                .request_fields
                .iter()
                .map(|f| writer.field(f, None))
                .collect();
            op.response = match raw.response {
                RawResponse::Fields { doc, fields } => ResponseIr::Fields(StructDef {
                    name: "Response".into(),
                    doc,
                    fields: fields.iter().map(|f| writer.field(f, None)).collect(),
                }),
                RawResponse::Whole { ty, doc } => ResponseIr::Whole {
                    ty: writer.rust(&ty, None, false),
                    doc,
                },
                RawResponse::Binary { content_type, doc } => {
                    ResponseIr::Binary { content_type, doc }
                }
            };
            op.types = types;
            op
        })
        .collect();
    ApiModule {
        ident: api_ident,
        api_name,
        spec_version: None,
        types: api_types,
        operations,
    }
}

/// A group's name hint: its representative's, qualified only by what is true of every use
/// (a `Point` held by both `start` and `end` is not a `StartPoint`).
fn group_hint(entries: &[Entry], members: &[EntryId], representative: EntryId) -> NameHint {
    let mut hint = entries[representative].name.clone();
    hint.qualifiers.retain(|q| {
        members
            .iter()
            .all(|m| entries[*m].name.qualifiers.contains(q))
    });
    hint
}

fn operation_types(op: &RawOperation) -> Vec<&Ty> {
    let mut types: Vec<&Ty> = op.request_fields.iter().map(|f| &f.ty).collect();
    match &op.response {
        RawResponse::Fields { fields, .. } => types.extend(fields.iter().map(|f| &f.ty)),
        RawResponse::Whole { ty, .. } => types.push(ty),
        RawResponse::Binary { .. } => {}
    }
    types
}

fn place_key(place: &Place) -> (&str, &str) {
    (&place.file, &place.pointer)
}

/// Final names for the types of one module. Each starts from its hint; where several shapes
/// want one name, a strictly better-ranked one keeps it and the others (all of them, on a
/// tie) take their next qualified form. No counter: every name says where its type comes
/// from, and the outcome does not depend on the order of files or paths.
fn assign_names(hints: &[&NameHint], reserved: &HashSet<&str>) -> Vec<String> {
    let candidates: Vec<Vec<String>> = hints.iter().map(|h| candidates(h)).collect();
    let mut level = vec![0usize; hints.len()];
    let name_at = |i: usize, level: &[usize]| -> String {
        let list = &candidates[i];
        list[level[i].min(list.len() - 1)].clone()
    };
    // Every round moves at least one type one step down its list, which is finite.
    let rounds = candidates.iter().map(Vec::len).sum::<usize>() + 1;
    for _ in 0..rounds {
        // Each name's claimants; which group advances first does not matter.
        let mut groups: HashMap<String, Vec<usize>> = HashMap::default();
        for i in 0..hints.len() {
            groups.entry(name_at(i, &level)).or_default().push(i);
        }
        let mut advance: Vec<usize> = Vec::new();
        for (name, group) in &groups {
            if reserved.contains(name.as_str()) {
                advance.extend(group);
                continue;
            }
            if group.len() < 2 {
                continue;
            }
            let best = group.iter().map(|i| hints[*i].rank).min();
            let winners: Vec<usize> = group
                .iter()
                .copied()
                .filter(|i| Some(hints[*i].rank) == best)
                .collect();
            if winners.len() == 1 {
                advance.extend(group.iter().filter(|i| **i != winners[0]));
            } else {
                advance.extend(group);
            }
        }
        let mut moved = false;
        for i in advance {
            if level[i] + 1 < candidates[i].len() {
                level[i] += 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let mut names: Vec<String> = (0..hints.len()).map(|i| name_at(i, &level)).collect();
    // Only types written at one place with one base name can still share a name here; tell
    // them apart by a digest of their place, which does not move when others are added.
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    crate::sort_stable(&mut sorted);
    let shared: Vec<bool> = names
        .iter()
        .map(|name| {
            let first = sorted.partition_point(|n| *n < name.as_str());
            sorted.get(first + 1) == Some(&name.as_str())
        })
        .collect();
    for (i, name) in names.iter_mut().enumerate() {
        if shared[i] || reserved.contains(name.as_str()) {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            hints[i].place.pointer.hash(&mut hasher);
            hints[i].place.file.hash(&mut hasher);
            *name = format!("{name}X{:08x}", hasher.finish() as u32);
        }
    }
    names
}

/// The names a type may take, in order of preference.
fn candidates(hint: &NameHint) -> Vec<String> {
    let mut list = vec![hint.base.clone()];
    for qualifier in &hint.qualifiers {
        if qualifier.is_empty() || hint.base.starts_with(qualifier.as_str()) {
            continue;
        }
        let name = format!("{qualifier}{}", hint.base);
        if !list.contains(&name) {
            list.push(name);
        }
    }
    let located = upper_camel(&place_words(&hint.place));
    let name = if located.ends_with(&hint.base) {
        located
    } else {
        format!("{located}{}", hint.base)
    };
    if !list.contains(&name) {
        list.push(name);
    }
    list
}

/// The file and the pointer's meaningful segments, as words (`room_filter state`).
fn place_words(place: &Place) -> String {
    const STRUCTURE: &[&str] = &[
        "paths",
        "properties",
        "items",
        "schema",
        "schemas",
        "responses",
        "content",
        "application~1json",
        "application/json",
        "parameters",
        "requestBody",
        "additionalProperties",
        "patternProperties",
        "components",
        "definitions",
        "oneOf",
        "anyOf",
        "allOf",
        "get",
        "put",
        "post",
        "delete",
    ];
    let stem = place
        .file
        .rsplit('/')
        .next()
        .unwrap_or(&place.file)
        .split('.')
        .next()
        .unwrap_or_default();
    let mut words = vec![stem.to_owned()];
    for segment in place.pointer.split('/') {
        if segment.is_empty()
            || STRUCTURE.contains(&segment)
            || segment.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        words.push(segment.replace("~1", " ").replace("~0", " "));
    }
    words.join(" ")
}

/// The references to box: edges that close a cycle of by-value containment, found by a
/// depth-first walk in name order (so the same type is boxed on every run).
fn back_edges(
    edges: &[Vec<(usize, bool)>],
    home: &[Option<Home>],
    names: &[String],
) -> HashSet<(usize, usize)> {
    let mut order: Vec<usize> = (0..edges.len()).filter(|g| home[*g].is_some()).collect();
    crate::sort_stable_by(&mut order, |a, b| {
        (home[*a], &names[*a]).cmp(&(home[*b], &names[*b]))
    });
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut boxed = HashSet::default();
    for start in order {
        if mark[start] != Mark::New {
            continue;
        }
        // An explicit stack: (group, next edge index).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Open;
        while let Some((g, i)) = stack.last().copied() {
            let direct: Vec<usize> = edges[g]
                .iter()
                .filter(|(_, d)| *d)
                .map(|(to, _)| *to)
                .collect();
            if i >= direct.len() {
                mark[g] = Mark::Done;
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let to = direct[i];
            match mark[to] {
                Mark::Open => {
                    boxed.insert((g, to));
                }
                Mark::New => {
                    mark[to] = Mark::Open;
                    stack.push((to, 0));
                }
                Mark::Done => {}
            }
        }
    }
    boxed
}

/// Writes finished IR from entries once names and homes are known.
struct Writer<'a> {
    group: &'a [usize],
    home: &'a [Option<Home>],
    names: &'a [String],
    boxed: &'a HashSet<(usize, usize)>,
}

impl Writer<'_> {
    /// `from`: the group whose definition holds this type; `direct`: held by value there.
    fn rust(&self, ty: &Ty, from: Option<usize>, direct: bool) -> RustType {
        match ty {
            Ty::Bool => RustType::Bool,
            Ty::I64 => RustType::I64,
            Ty::F64 => RustType::F64,
            Ty::Number => RustType::Number,
            Ty::String => RustType::String,
            Ty::Json => RustType::Json,
            Ty::JsonObject => RustType::JsonObject,
            Ty::Bytes => RustType::Bytes,
            Ty::Formatted(format) => RustType::Formatted(format.clone()),
            Ty::Event(enum_name) => RustType::Event {
                enum_name: enum_name.clone(),
                raw: false,
            },
            Ty::RawEvent(enum_name) => RustType::Event {
                enum_name: enum_name.clone(),
                raw: true,
            },
            Ty::Vec(inner) => RustType::Vec(Box::new(self.rust(inner, from, false))),
            Ty::Map { key, value } => RustType::Map {
                key: Box::new(self.rust(key, from, false)),
                value: Box::new(self.rust(value, from, false)),
            },
            Ty::Option(inner) => RustType::Option(Box::new(self.rust(inner, from, direct))),
            Ty::Tuple(items) => {
                RustType::Tuple(items.iter().map(|i| self.rust(i, from, direct)).collect())
            }
            Ty::Entry(id) => {
                let g = self.group[*id];
                if self.home[g].is_none() || self.names[g].is_empty() {
                    // Not a type after all (an alias that loops): any JSON value.
                    return RustType::Json;
                }
                let scope = match self.home[g] {
                    Some(Home::Operation(_)) => Scope::Operation,
                    _ => Scope::Api,
                };
                let named = RustType::Named {
                    scope,
                    name: self.names[g].clone(),
                };
                match from {
                    Some(f) if direct && self.boxed.contains(&(f, g)) => {
                        RustType::Boxed(Box::new(named))
                    }
                    _ => named,
                }
            }
        }
    }

    fn field(&self, raw: &RawField, from: Option<usize>) -> FieldDef {
        let mut field = raw.field.clone();
        field.ty = self.rust(&raw.ty, from, true);
        field.default.clone_from(&raw.default);
        field
    }

    fn type_def(&self, g: usize, entry: &Entry) -> Option<TypeDef> {
        let name = self.names[g].clone();
        let doc = entry.doc.clone();
        Some(match &entry.def {
            Def::Struct(fields) => TypeDef::Struct(StructDef {
                name,
                doc,
                fields: fields.iter().map(|f| self.field(f, Some(g))).collect(),
            }),
            Def::Enum(values) => string_enum(&name, doc, values),
            Def::Union(members) => {
                let mut variants: Vec<(String, RustType)> = Vec::new();
                for (title, ty) in members {
                    let ty = self.rust(ty, Some(g), true);
                    // Members that are one Rust type cannot be told apart when reading.
                    if variants.iter().any(|(_, t)| *t == ty) {
                        continue;
                    }
                    let mut variant = title
                        .as_deref()
                        .map_or_else(|| variant_name(&ty), upper_camel);
                    if variants.iter().any(|(v, _)| *v == variant) {
                        variant = unique(&variant, None, &|n| variants.iter().any(|(v, _)| v == n));
                    }
                    variants.push((variant, ty));
                }
                order_union_variants(&mut variants);
                TypeDef::Union(UnionDef {
                    name,
                    doc,
                    variants,
                })
            }
            Def::Pending | Def::Alias(_) => return None,
        })
    }
}

pub(super) fn string_enum(name: &str, doc: Option<String>, values: &[String]) -> TypeDef {
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
    // Spelled so that no value's variant can be it: `upper_camel` never starts with `_`.
    let fallback = "_Unknown".to_owned();
    TypeDef::StringEnum(StringEnumDef {
        name: name.to_owned(),
        doc,
        variants,
        fallback,
    })
}

fn variant_name(ty: &RustType) -> String {
    match ty {
        RustType::Named { name, .. } => name.clone(),
        RustType::Bool => "Bool".into(),
        RustType::I64 => "Integer".into(),
        RustType::F64 | RustType::Number => "Number".into(),
        RustType::String => "String".into(),
        // `mx-user-id` → `UserId`.
        RustType::Formatted(format) => upper_camel(format.strip_prefix("mx-").unwrap_or(format)),
        RustType::Vec(_) | RustType::Tuple(_) => "List".into(),
        RustType::Map { .. } | RustType::JsonObject => "Object".into(),
        RustType::Boxed(inner) | RustType::Option(inner) => variant_name(inner),
        RustType::Json => "Value".into(),
        RustType::Bytes => "Bytes".into(),
        RustType::Event { .. } => "Event".into(),
    }
}

/// Untagged variants are tried in order; a variant that accepts more must come after one that
/// accepts less (an integer before a float, a struct before a free-form object or any value).
fn order_union_variants(variants: &mut [(String, RustType)]) {
    fn rank(ty: &RustType) -> u8 {
        match ty {
            RustType::Named { .. } | RustType::Boxed(_) | RustType::Event { .. } => 0,
            RustType::Tuple(_) => 1,
            RustType::Vec(_) => 2,
            RustType::Bool => 3,
            RustType::I64 => 4,
            RustType::F64 | RustType::Number => 5,
            // A checked string accepts less than any string.
            RustType::Formatted(_) => 6,
            RustType::String => 7,
            RustType::Bytes => 8,
            RustType::Map { .. } => 9,
            RustType::JsonObject => 10,
            RustType::Option(inner) => rank(inner),
            RustType::Json => 11,
        }
    }
    crate::sort_stable_by(variants, |(_, a), (_, b)| rank(a).cmp(&rank(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Loc;

    fn place(pointer: &str) -> Place {
        Place {
            file: "api/a.yaml".into(),
            loc: Loc { line: 1, column: 1 },
            pointer: pointer.into(),
        }
    }

    fn entry(def: Def, base: &str, rank: Rank, qualifiers: &[&str], pointer: &str) -> Entry {
        Entry {
            def,
            doc: None,
            name: NameHint {
                base: base.into(),
                rank,
                qualifiers: qualifiers.iter().map(|q| (*q).to_owned()).collect(),
                place: place(pointer),
            },
            example: None,
        }
    }

    fn field(wire: &str, ty: Ty) -> RawField {
        RawField {
            field: FieldDef {
                ident: wire.into(),
                wire: wire.into(),
                ty: RustType::Json,
                optional: true,
                nullable: false,
                doc: None,
                source: super::super::FieldSource::Body,
                flatten: false,
                deprecated: false,
                default: None,
                style: None,
            },
            ty,
            default: None,
        }
    }

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
    fn enum_fallback_never_collides_with_a_value() {
        let TypeDef::StringEnum(e) =
            string_enum("Kind", None, &["other".into(), "_unknown".into()])
        else {
            panic!("not an enum");
        };
        assert_eq!(e.fallback, "_Unknown");
        assert_eq!(e.variants[1], ("Unknown".to_owned(), "_unknown".to_owned()));
    }

    #[test]
    fn equal_shapes_are_one_group_recursive_ones_too() {
        // 0 and 2: structs {next: Option<self-like>}; 1 and 3: enums with the values in
        // another order; 4: a different enum.
        let entries = vec![
            entry(
                Def::Struct(vec![field("next", Ty::Option(Box::new(Ty::Entry(2))))]),
                "Node",
                Rank::Title,
                &[],
                "/a",
            ),
            entry(
                Def::Enum(vec!["a".into(), "b".into()]),
                "Kind",
                Rank::Context,
                &[],
                "/b",
            ),
            entry(
                Def::Struct(vec![field("next", Ty::Option(Box::new(Ty::Entry(0))))]),
                "Node",
                Rank::Title,
                &[],
                "/c",
            ),
            entry(
                Def::Enum(vec!["b".into(), "a".into()]),
                "Kind",
                Rank::Context,
                &[],
                "/d",
            ),
            entry(
                Def::Enum(vec!["c".into()]),
                "Kind",
                Rank::Context,
                &[],
                "/e",
            ),
        ];
        let group = intern(&entries);
        assert_eq!(group[0], group[2]);
        assert_eq!(group[1], group[3]);
        assert_ne!(group[1], group[4]);
        assert_ne!(group[0], group[1]);
    }

    #[test]
    fn conflicting_names_are_qualified_by_origin_not_numbered() {
        let a = entry(Def::Pending, "Kind", Rank::Context, &["PushRule"], "/a");
        let b = entry(Def::Pending, "Kind", Rank::Context, &["Filter"], "/b");
        let c = entry(Def::Pending, "Kind", Rank::SharedTitle, &["Room"], "/c");
        let reserved = HashSet::default();
        // A title outranks property names: it keeps the plain name.
        let names = assign_names(&[&a.name, &b.name, &c.name], &reserved);
        assert_eq!(names, ["PushRuleKind", "FilterKind", "Kind"]);
        // Order of input does not matter.
        let names = assign_names(&[&c.name, &b.name, &a.name], &reserved);
        assert_eq!(names, ["Kind", "FilterKind", "PushRuleKind"]);
        // A tie: both are qualified.
        let names = assign_names(&[&a.name, &b.name], &reserved);
        assert_eq!(names, ["PushRuleKind", "FilterKind"]);
    }

    #[test]
    fn reserved_names_are_qualified() {
        let a = entry(Def::Pending, "Value", Rank::Context, &["Condition"], "/a");
        let reserved: HashSet<&str> = RESERVED_NAMES.iter().copied().collect();
        assert_eq!(assign_names(&[&a.name], &reserved), ["ConditionValue"]);
    }

    #[test]
    fn cycles_are_boxed_once() {
        // 0 holds 1 by value, 1 holds 0 by value: one of the two edges is boxed.
        let edges = vec![vec![(1, true)], vec![(0, true)], vec![(0, false)]];
        let home = vec![Some(Home::Api); 3];
        let names = vec!["A".to_owned(), "B".to_owned(), "C".to_owned()];
        let boxed = back_edges(&edges, &home, &names);
        assert_eq!(boxed.into_iter().collect::<Vec<_>>(), [(1, 0)]);
    }
}
