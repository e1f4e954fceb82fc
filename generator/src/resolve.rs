//! Stage 2, resolve: turns every `$ref` into a link to a resolved target and merges `allOf`.
//!
//! A `$ref` without siblings stays a link ([`RValue::Ref`]) so recursive schemas stay finite;
//! the model decides what a link means. A `$ref` with sibling keys, and every `allOf`, need the
//! target's content now: those are merged here, and a cycle through them is an error. A chain
//! of bare links that never reaches content (`a → b → a`) is an error too.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::IndexMap;

use crate::HashMap;
use crate::diagnostic::{Diagnostic, Diagnostics, Error, Loc, Place};
use crate::load::{FileId, Node, SourceSet, Value, escape_pointer, is_example_key, place};

pub type TargetId = usize;

/// A resolved value. `file` and `loc` say where it was written (merged values keep the place
/// of the construct that produced them).
#[derive(Clone, Debug, PartialEq)]
pub struct RNode {
    pub value: RValue,
    pub file: FileId,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Seq(Vec<RNode>),
    Map(IndexMap<String, RNode>),
    /// A link to a target in [`ResolvedSpec::targets`], with sibling keys that only annotate
    /// it (`description`, `x-addedInMatrixVersion`, ...): the target stays one shared schema.
    Ref(TargetId, Option<Box<IndexMap<String, RNode>>>),
}

impl RNode {
    pub fn as_map(&self) -> Option<&IndexMap<String, RNode>> {
        match &self.value {
            RValue::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            RValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[RNode]> {
        match &self.value {
            RValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            RValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&RNode> {
        self.as_map().and_then(|m| m.get(key))
    }

    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            RValue::Null => "null",
            RValue::Bool(_) => "a boolean",
            RValue::Number(_) => "a number",
            RValue::String(_) => "a string",
            RValue::Seq(_) => "a list",
            RValue::Map(_) => "a mapping",
            RValue::Ref(..) => "a reference",
        }
    }
}

/// Where a `$ref` points: a file and a JSON pointer into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub file: FileId,
    pub pointer: String,
    /// The resolved content, possibly itself a link (an alias).
    pub node: RNode,
    /// The `$ref` through which this target was first reached.
    pub referrer: Place,
    /// The target whose content holds that `$ref` (`None`: an API document).
    pub parent: Option<TargetId>,
    /// Reached from an example value: data, where sibling keys simply override.
    pub in_example: bool,
}

/// Stage output: the sources plus, per API, its documents resolved.
#[derive(Debug)]
pub struct ResolvedSpec {
    pub sources: SourceSet,
    pub targets: Vec<Target>,
    pub apis: Vec<ResolvedApi>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct ResolvedApi {
    pub name: String,
    pub documents: Vec<(FileId, RNode)>,
}

impl ResolvedSpec {
    /// Follows links until content is reached. Alias cycles were rejected during resolution.
    pub fn deref<'a>(&'a self, mut node: &'a RNode) -> &'a RNode {
        let mut steps = 0;
        while let RValue::Ref(t, _) = node.value {
            node = &self.targets[t].node;
            steps += 1;
            if steps > self.targets.len() {
                break;
            }
        }
        node
    }

    /// The chain of `$ref`s by which a target was first reached, outermost first.
    pub fn ref_chain(&self, target: TargetId) -> Vec<Place> {
        let mut chain = Vec::new();
        let mut current = Some(target);
        while let Some(t) = current {
            if chain.len() > self.targets.len() {
                break;
            }
            chain.push(self.targets[t].referrer.clone());
            current = self.targets[t].parent;
        }
        chain.reverse();
        chain
    }

    pub fn file_name(&self, file: FileId) -> &Arc<str> {
        &self.sources.files[file].name
    }

    pub fn place(&self, node: &RNode, pointer: &str) -> Place {
        place(self.file_name(node.file), node.loc, pointer)
    }

    /// JSON of a resolved value, following links (used for examples). `None` on a cycle.
    pub fn to_json(&self, node: &RNode) -> Option<serde_json::Value> {
        self.to_json_depth(node, 0)
    }

    fn to_json_depth(&self, node: &RNode, depth: usize) -> Option<serde_json::Value> {
        if depth > 256 {
            return None;
        }
        Some(match &node.value {
            RValue::Null => serde_json::Value::Null,
            RValue::Bool(b) => serde_json::Value::Bool(*b),
            RValue::Number(n) => serde_json::Value::Number(n.clone()),
            RValue::String(s) => serde_json::Value::String(s.clone()),
            RValue::Seq(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(|i| self.to_json_depth(i, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            RValue::Map(m) => crate::load::json_object(
                m.iter()
                    .map(|(k, v)| Some((k.clone(), self.to_json_depth(v, depth + 1)?)))
                    .collect::<Option<_>>()?,
            ),
            RValue::Ref(t, _) => self.to_json_depth(&self.targets[*t].node, depth + 1)?,
        })
    }
}

/// How deep [`ResolvedSpec::schema_json`] renders before it cuts a schema to `{}`.
const SCHEMA_JSON_DEPTH: usize = 48;

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];
/// Keywords that only annotate a schema: left out of its rendering to keep it small.
const ANNOTATION_KEYWORDS: &[&str] = &["description", "title", "example", "examples", "$comment"];

impl ResolvedSpec {
    /// A schema as self-contained JSON: `$ref`s inlined, annotations (`description`, `title`,
    /// `example`, `x-*`) left out. A reference back into a schema being rendered (recursion),
    /// or nesting deeper than a fixed limit, becomes `{}`, which allows anything.
    pub fn schema_json(&self, node: &RNode) -> serde_json::Value {
        self.schema_json_in(node, &mut Vec::new(), 0)
    }

    fn schema_json_in(
        &self,
        node: &RNode,
        stack: &mut Vec<TargetId>,
        depth: usize,
    ) -> serde_json::Value {
        use serde_json::Value;
        if depth > SCHEMA_JSON_DEPTH {
            return Value::Object(serde_json::Map::new());
        }
        match &node.value {
            RValue::Ref(target, _) => {
                if stack.contains(target) {
                    return Value::Object(serde_json::Map::new());
                }
                stack.push(*target);
                let json = self.schema_json_in(&self.targets[*target].node, stack, depth + 1);
                stack.pop();
                json
            }
            RValue::Map(map) => {
                let mut out = serde_json::Map::new();
                for (key, value) in map {
                    if ANNOTATION_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-") {
                        continue;
                    }
                    // Draft 3's `required: true` on a property (the older Matrix spec writes
                    // it) is lifted into the object's `required` list below.
                    if key == "required" && matches!(self.deref(value).value, RValue::Bool(_)) {
                        continue;
                    }
                    let json = if SCHEMA_KEYWORDS.contains(&key.as_str())
                        || SCHEMA_LIST_KEYWORDS.contains(&key.as_str())
                    {
                        // Draft-4 `items` may also be a list of schemas.
                        match &self.deref(value).value {
                            RValue::Seq(items) => Value::Array(
                                items
                                    .iter()
                                    .map(|i| self.schema_json_in(i, stack, depth + 1))
                                    .collect(),
                            ),
                            _ => self.schema_json_in(value, stack, depth + 1),
                        }
                    } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str()) {
                        match &self.deref(value).value {
                            RValue::Map(schemas) => crate::load::json_object(
                                schemas
                                    .iter()
                                    .map(|(name, s)| {
                                        (name.clone(), self.schema_json_in(s, stack, depth + 1))
                                    })
                                    .collect(),
                            ),
                            _ => self.schema_json_in(value, stack, depth + 1),
                        }
                    } else {
                        // Data (`enum`, `required`, `type`, `default`, ...).
                        match self.to_json(value) {
                            Some(json) => json,
                            None => continue,
                        }
                    };
                    out.insert(key.clone(), json);
                }
                let lifted: Vec<Value> = map
                    .get("properties")
                    .and_then(|p| self.deref(p).as_map())
                    .into_iter()
                    .flatten()
                    .filter(|(_, p)| {
                        self.deref(p).get("required").and_then(RNode::as_bool) == Some(true)
                    })
                    .map(|(name, _)| Value::String(name.clone()))
                    .collect();
                if !lifted.is_empty() {
                    let required = out
                        .entry("required")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(names) = required {
                        for name in lifted {
                            if !names.contains(&name) {
                                names.push(name);
                            }
                        }
                    }
                }
                Value::Object(out)
            }
            // `true`/`false` schemas, or something that is not a schema: kept as written.
            _ => self
                .to_json(node)
                .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
        }
    }
}

enum Slot {
    Pending,
    InProgress,
    Done,
    Failed,
}

struct Resolver<'a> {
    set: &'a SourceSet,
    targets: Vec<Target>,
    slots: Vec<Slot>,
    index: HashMap<(FileId, String, bool), TargetId>,
    pending: Vec<TargetId>,
    diagnostics: Diagnostics,
    /// The target being resolved (whose content new `$ref`s are found in).
    current: Option<TargetId>,
    /// Targets whose content is being resolved, innermost last, with the `$ref` that asked.
    forcing: Vec<(TargetId, Option<Place>)>,
}

/// Resolves every API document of `sources`.
pub fn resolve(sources: SourceSet) -> Result<ResolvedSpec, Error> {
    let texts = sources.texts();
    let mut resolver = Resolver {
        set: &sources,
        targets: Vec::new(),
        slots: Vec::new(),
        index: HashMap::default(),
        pending: Vec::new(),
        diagnostics: Diagnostics::default(),
        current: None,
        forcing: Vec::new(),
    };
    let mut apis = Vec::new();
    for api in &sources.apis {
        let mut documents = Vec::new();
        for &file in &api.documents {
            resolver.current = None;
            let root = &sources.files[file].root;
            let node = resolver.resolve_node(root, file, &mut String::new());
            documents.push((file, node));
        }
        apis.push(ResolvedApi {
            name: api.name.clone(),
            documents,
        });
    }
    // Targets found along the way; resolving one can find more.
    while let Some(t) = resolver.pending.pop() {
        resolver.force(t, None);
    }
    resolver.check_alias_cycles();
    let Resolver {
        targets,
        diagnostics,
        ..
    } = resolver;
    let warnings = match diagnostics.finish(()) {
        Ok(((), warnings)) => warnings,
        Err(e) => return Err(e.with_sources(&texts)),
    };
    let mut all_warnings = sources.warnings.clone();
    all_warnings.extend(warnings);
    Ok(ResolvedSpec {
        sources,
        targets,
        apis,
        warnings: all_warnings,
    })
}

/// Keys that give a schema its shape; a schema with none of them only annotates.
const SHAPE_KEYS: &[&str] = &[
    "type",
    "properties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "enum",
    "additionalProperties",
    "patternProperties",
    "const",
];

fn is_shape_key(key: &str) -> bool {
    SHAPE_KEYS.contains(&key) || key == "required"
}

impl Resolver<'_> {
    fn file_name(&self, file: FileId) -> &Arc<str> {
        &self.set.files[file].name
    }

    fn chain(&self) -> Vec<Place> {
        let mut chain = Vec::new();
        let mut current = self.current;
        while let Some(t) = current {
            if chain.len() > self.targets.len() {
                break;
            }
            chain.push(self.targets[t].referrer.clone());
            current = self.targets[t].parent;
        }
        chain.reverse();
        chain
    }

    fn error(&mut self, message: String, file: FileId, loc: Loc, pointer: &str) {
        let d = Diagnostic::error(message, Some(place(self.file_name(file), loc, pointer)))
            .with_chain(&self.chain());
        self.diagnostics.push(d);
    }

    /// Whether the loader found the file `reference` names (its fragment is checked later).
    fn can_follow(&self, reference: &str, file: FileId) -> bool {
        let (file_part, fragment) = self.set.split_ref(file, reference);
        let target = if file_part.is_empty() {
            Some(file)
        } else {
            self.set.ref_file(file, file_part)
        };
        target.is_some_and(|t| self.set.files[t].root.pointer(fragment).is_some())
    }

    /// Registers the target of `reference` (written in `file`) and returns its id.
    fn intern(
        &mut self,
        reference: &str,
        in_example: bool,
        file: FileId,
        loc: Loc,
        pointer: &str,
    ) -> Option<TargetId> {
        let (file_part, fragment) = self.set.split_ref(file, reference);
        let target_file = if file_part.is_empty() {
            file
        } else {
            // The loader reported references it could not follow.
            self.set.ref_file(file, file_part)?
        };
        let target_pointer = fragment.to_owned();
        if !target_pointer.is_empty() && !target_pointer.starts_with('/') {
            self.error(
                format!(
                    "`$ref: {reference}`: the fragment must be a JSON pointer starting with `/`"
                ),
                file,
                loc,
                pointer,
            );
            return None;
        }
        if self.set.files[target_file]
            .root
            .pointer(&target_pointer)
            .is_none()
        {
            self.error(
                format!(
                    "`$ref: {reference}`: {} has nothing at `#{target_pointer}`",
                    self.file_name(target_file)
                ),
                file,
                loc,
                pointer,
            );
            return None;
        }
        let key = (target_file, target_pointer, in_example);
        if let Some(&t) = self.index.get(&key) {
            return Some(t);
        }
        let id = self.targets.len();
        self.targets.push(Target {
            file: key.0,
            pointer: key.1.clone(),
            node: RNode {
                value: RValue::Null,
                file: key.0,
                loc: Loc::default(),
            },
            referrer: place(self.file_name(file), loc, pointer),
            parent: self.current,
            in_example,
        });
        self.slots.push(Slot::Pending);
        self.index.insert(key, id);
        self.pending.push(id);
        Some(id)
    }

    /// Resolves a target now if it is not yet. `via` is the `$ref` that needs its content.
    fn force(&mut self, t: TargetId, via: Option<Place>) -> bool {
        match self.slots[t] {
            Slot::Done => return true,
            Slot::Failed => return false,
            Slot::InProgress => {
                // The `$ref`s that needed content since `t` was entered form the cycle.
                let start = self.forcing.iter().position(|(f, _)| *f == t).unwrap_or(0);
                let closing = via.unwrap_or_else(|| self.targets[t].referrer.clone());
                let mut d = Diagnostic::error(
                    "`$ref` cycle: this schema includes itself through `allOf` or a `$ref` with sibling keys",
                    Some(closing),
                );
                for (_, step) in self.forcing[start + 1..].iter() {
                    if let Some(step) = step {
                        d = d.with_related("part of the cycle", step.clone());
                    }
                }
                self.diagnostics.push(d.with_chain(&self.chain()));
                self.slots[t] = Slot::Failed;
                return false;
            }
            Slot::Pending => {}
        }
        self.slots[t] = Slot::InProgress;
        self.forcing.push((t, via));
        let saved = self.current.replace(t);
        let file = self.targets[t].file;
        let mut pointer = self.targets[t].pointer.clone();
        let ok = match self.set.files[file].root.pointer(&pointer) {
            Some(node) => {
                let before = self.diagnostics.items.len();
                let in_example = self.targets[t].in_example;
                let resolved = self.resolve_in(node, None, in_example, file, &mut pointer);
                self.targets[t].node = resolved;
                !self.diagnostics.items[before..]
                    .iter()
                    .any(Diagnostic::is_error)
            }
            None => false,
        };
        self.current = saved;
        self.forcing.pop();
        if matches!(self.slots[t], Slot::InProgress) {
            self.slots[t] = if ok { Slot::Done } else { Slot::Failed };
        }
        matches!(self.slots[t], Slot::Done)
    }

    /// The content behind a link, resolved now: needed to merge it.
    fn content(&mut self, node: RNode) -> Option<RNode> {
        let mut node = node;
        let mut seen: Vec<(TargetId, Place)> = Vec::new();
        while let RValue::Ref(t, _) = node.value {
            let via = place(self.file_name(node.file), node.loc, "");
            if let Some(start) = seen.iter().position(|(s, _)| *s == t) {
                let mut d = Diagnostic::error(
                    "`$ref` cycle: these references only point at each other",
                    Some(via),
                );
                for (_, step) in &seen[start..] {
                    d = d.with_related("part of the cycle", step.clone());
                }
                self.diagnostics.push(d.with_chain(&self.chain()));
                return None;
            }
            seen.push((t, via.clone()));
            if !self.force(t, Some(via)) {
                return None;
            }
            let annotations = match node.value {
                RValue::Ref(_, annotations) => annotations,
                _ => None,
            };
            node = self.targets[t].node.clone();
            if let (Some(annotations), RValue::Map(map)) = (annotations, &mut node.value) {
                map.extend(*annotations);
            }
        }
        Some(node)
    }

    fn resolve_node(&mut self, node: &Node, file: FileId, pointer: &mut String) -> RNode {
        self.resolve_in(node, None, false, file, pointer)
    }

    fn resolve_in(
        &mut self,
        node: &Node,
        parent_key: Option<&str>,
        in_example: bool,
        file: FileId,
        pointer: &mut String,
    ) -> RNode {
        let value = match &node.value {
            Value::Null => RValue::Null,
            Value::Bool(b) => RValue::Bool(*b),
            Value::Number(n) => RValue::Number(n.clone()),
            Value::String(s) => RValue::String(s.clone()),
            Value::Seq(items) => RValue::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let len = pointer.len();
                        let _ = write!(pointer, "/{i}");
                        let r = self.resolve_in(item, None, in_example, file, pointer);
                        pointer.truncate(len);
                        r
                    })
                    .collect(),
            ),
            Value::Map(m) => {
                if let Some(reference) = node.ref_target() {
                    let followable = !in_example || self.can_follow(reference, file);
                    if followable {
                        return self.resolve_reference(node, reference, in_example, file, pointer);
                    }
                }
                let mut entries =
                    IndexMap::with_capacity_and_hasher(m.entries.len(), Default::default());
                for (key, child) in &m.entries {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{}", escape_pointer(key));
                    let child_in_example = in_example || is_example_key(parent_key, key);
                    entries.insert(
                        key.clone(),
                        self.resolve_in(child, Some(key), child_in_example, file, pointer),
                    );
                    pointer.truncate(len);
                }
                if in_example {
                    // Example values are data: `allOf` there is just a key.
                    return RNode {
                        value: RValue::Map(entries),
                        file,
                        loc: node.loc,
                    };
                }
                if let Some(all_of) = entries.shift_remove("allOf") {
                    return self.merge_all_of(all_of, entries, file, node.loc, pointer);
                }
                RValue::Map(entries)
            }
        };
        RNode {
            value,
            file,
            loc: node.loc,
        }
    }

    fn resolve_reference(
        &mut self,
        node: &Node,
        reference: &str,
        in_example: bool,
        file: FileId,
        pointer: &mut String,
    ) -> RNode {
        let loc = node.get("$ref").map_or(node.loc, |r| r.loc);
        let broken = RNode {
            value: RValue::Null,
            file,
            loc,
        };
        let Some(t) = self.intern(reference, in_example, file, loc, pointer) else {
            return broken;
        };
        let link = RNode {
            value: RValue::Ref(t, None),
            file,
            loc,
        };
        let Some(map) = node.as_map().filter(|m| m.entries.len() > 1) else {
            return link;
        };
        let only_annotations = !map
            .entries
            .keys()
            .any(|k| SHAPE_KEYS.contains(&k.as_str()) || k == "required");
        if only_annotations && !in_example {
            // Only annotations beside the `$ref`: keep the link, carry the annotations.
            let mut annotations = IndexMap::default();
            for (key, child) in map.entries.iter().filter(|(k, _)| *k != "$ref") {
                let len = pointer.len();
                let _ = write!(pointer, "/{}", escape_pointer(key));
                annotations.insert(key.clone(), self.resolve_node(child, file, pointer));
                pointer.truncate(len);
            }
            return RNode {
                value: RValue::Ref(t, Some(Box::new(annotations))),
                file,
                loc,
            };
        }
        // Sibling keys override (or, for `properties`/`required`, extend) the target.
        let Some(base) = self.content(link) else {
            return broken;
        };
        let RValue::Map(mut merged) = base.value else {
            self.error(
                format!(
                    "`$ref: {reference}` has sibling keys but its target is {}, not a mapping",
                    base.kind_name()
                ),
                file,
                loc,
                pointer,
            );
            return broken;
        };
        for (key, child) in &map.entries {
            if key == "$ref" {
                continue;
            }
            let len = pointer.len();
            let _ = write!(pointer, "/{}", escape_pointer(key));
            let value = self.resolve_in(child, Some(key), in_example, file, pointer);
            pointer.truncate(len);
            if in_example || key == "type" {
                // Data, or a sibling `type`: the sibling replaces the target's.
                merged.insert(key.clone(), value);
            } else {
                self.merge_key(&mut merged, key, value, pointer, true);
            }
        }
        if in_example {
            return RNode {
                value: RValue::Map(merged),
                file,
                loc: node.loc,
            };
        }
        if let Some(all_of) = merged.shift_remove("allOf") {
            return self.merge_all_of(all_of, merged, file, node.loc, pointer);
        }
        RNode {
            value: RValue::Map(merged),
            file,
            loc: node.loc,
        }
    }

    /// Merges `allOf` members into one schema; `outer` (the keys beside `allOf`) wins for
    /// annotations and extends properties.
    fn merge_all_of(
        &mut self,
        all_of: RNode,
        outer: IndexMap<String, RNode>,
        file: FileId,
        loc: Loc,
        pointer: &str,
    ) -> RNode {
        if let Some(link) = self.single_reference(&all_of, &outer, file, loc) {
            return link;
        }
        let mut merged: IndexMap<String, RNode> = IndexMap::default();
        let members = match all_of.value {
            RValue::Seq(items) => items,
            _ => {
                self.error(
                    format!("`allOf` must be a list, found {}", all_of.kind_name()),
                    all_of.file,
                    all_of.loc,
                    pointer,
                );
                Vec::new()
            }
        };
        // A title written in the `allOf` itself names the result (`allOf: [$ref base,
        // {title: Derived, ...}]` is a `Derived`); a referenced member's title only fills in.
        let own_title = members
            .iter()
            .filter(|m| matches!(m.value, RValue::Map(_)))
            .find_map(|m| m.get("title"))
            .cloned();
        for (i, member) in members.into_iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            let Some(content) = self.content(member) else {
                continue;
            };
            match content.value {
                RValue::Map(entries) => {
                    for (key, value) in entries {
                        self.merge_key(&mut merged, &key, value, &member_pointer, false);
                    }
                }
                other => {
                    let kind = RNode {
                        value: other,
                        file: content.file,
                        loc: content.loc,
                    }
                    .kind_name();
                    self.error(
                        format!("an `allOf` member must be a schema object, found {kind}"),
                        content.file,
                        content.loc,
                        &member_pointer,
                    );
                }
            }
        }
        if let Some(title) = own_title {
            merged.insert("title".into(), title);
        }
        for (key, value) in outer {
            self.merge_key(&mut merged, &key, value, pointer, true);
        }
        complete_example(&mut merged);
        RNode {
            value: RValue::Map(merged),
            file,
            loc,
        }
    }

    /// `allOf: [$ref X]` whose other members and sibling keys only annotate (a description,
    /// an `x-addedInMatrixVersion`, a `type` the target has anyway) is X itself, annotated
    /// where it is used: the spec's way of describing a use of a shared schema. It stays a
    /// link, so X keeps its identity instead of becoming a copy.
    fn single_reference(
        &mut self,
        all_of: &RNode,
        outer: &IndexMap<String, RNode>,
        file: FileId,
        loc: Loc,
    ) -> Option<RNode> {
        let RValue::Seq(members) = &all_of.value else {
            return None;
        };
        let mut target = None;
        let mut annotations: IndexMap<String, RNode> = IndexMap::default();
        for member in members {
            let extra = match &member.value {
                RValue::Ref(t, extra) => {
                    if target.replace(*t).is_some() {
                        return None;
                    }
                    extra.as_deref()
                }
                RValue::Map(map) => Some(map),
                _ => return None,
            };
            for (key, value) in extra.into_iter().flatten() {
                if is_shape_key(key) {
                    return None;
                }
                // Later members only fill gaps, as in a merge.
                annotations
                    .entry(key.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        let target = target?;
        for (key, value) in outer {
            if key == "type" {
                if !self.target_has_type(target, value) {
                    return None;
                }
                continue;
            }
            if is_shape_key(key) {
                return None;
            }
            annotations.insert(key.clone(), value.clone());
        }
        let annotations = (!annotations.is_empty()).then(|| Box::new(annotations));
        Some(RNode {
            value: RValue::Ref(target, annotations),
            file,
            loc,
        })
    }

    /// Whether a `type` written beside `allOf: [$ref target]` says only what the target says.
    fn target_has_type(&mut self, target: TargetId, ty: &RNode) -> bool {
        let link = RNode {
            value: RValue::Ref(target, None),
            file: ty.file,
            loc: ty.loc,
        };
        let Some(content) = self.content(link) else {
            return false;
        };
        match (content.get("type"), ty.as_str()) {
            // A target whose own `type` is malformed is the target's defect, reported where
            // the model reads it; the annotation beside the `$ref` does not add a second one.
            (Some(own), _) => {
                own.value == ty.value || !matches!(own.value, RValue::String(_) | RValue::Seq(_))
            }
            // An object schema that does not say `type: object`.
            (None, Some("object")) => {
                content.get("properties").is_some() || content.get("additionalProperties").is_some()
            }
            _ => false,
        }
    }

    /// Merges one schema keyword into `into`. `overrides` says whether annotations in the new
    /// value replace existing ones (outer keys) or only fill gaps (later `allOf` members).
    fn merge_key(
        &mut self,
        into: &mut IndexMap<String, RNode>,
        key: &str,
        value: RNode,
        pointer: &str,
        overrides: bool,
    ) {
        let Some(existing) = into.get_mut(key) else {
            into.insert(key.to_owned(), value);
            return;
        };
        match key {
            "properties" => {
                let (RValue::Map(have), RValue::Map(new)) = (&mut existing.value, value.value)
                else {
                    return;
                };
                let mut have = std::mem::take(have);
                for (name, schema) in new {
                    let prop_pointer = format!("{pointer}/properties/{}", escape_pointer(&name));
                    match have.get_index_of(&name) {
                        None => {
                            have.insert(name, schema);
                        }
                        Some(index) => {
                            // Merge in place: the property keeps its position.
                            let placeholder = RNode {
                                value: RValue::Null,
                                file: schema.file,
                                loc: schema.loc,
                            };
                            let old = std::mem::replace(&mut have[index], placeholder);
                            have[index] = self.merge_property(old, schema, &prop_pointer);
                        }
                    }
                }
                existing.value = RValue::Map(have);
            }
            "required" => {
                let (RValue::Seq(have), RValue::Seq(new)) = (&mut existing.value, value.value)
                else {
                    return;
                };
                for item in new {
                    if !have.iter().any(|h| h.value == item.value) {
                        have.push(item);
                    }
                }
            }
            "type" => {
                if existing.value != value.value {
                    let d = Diagnostic::error(
                        format!(
                            "`allOf` members disagree on `type`: {} here, {} there",
                            describe(&value),
                            describe(existing)
                        ),
                        Some(place(self.file_name(value.file), value.loc, pointer)),
                    )
                    .with_related(
                        "the other `type`",
                        place(self.file_name(existing.file), existing.loc, ""),
                    )
                    .with_chain(&self.chain());
                    self.diagnostics.push(d);
                }
            }
            "example" => {
                // Partial examples of the parts combine into an example of the whole.
                if let (RValue::Map(have), RValue::Map(new)) = (&mut existing.value, &value.value) {
                    for (k, v) in new {
                        if overrides || !have.contains_key(k) {
                            have.insert(k.clone(), v.clone());
                        }
                    }
                } else if overrides {
                    *existing = value;
                }
            }
            _ => {
                if overrides {
                    *existing = value;
                }
            }
        }
    }

    /// Two definitions of one property in an `allOf`: one that only annotates keeps the
    /// other's type; two shapes must agree on `type`.
    fn merge_property(&mut self, old: RNode, new: RNode, pointer: &str) -> RNode {
        let new_shapes = shapes(&new);
        let old_shapes = shapes(&old);
        match (old.value, new.value) {
            (RValue::Map(mut old_map), RValue::Map(new_map)) if !new_shapes || !old_shapes => {
                // Annotations (description, x-addedInMatrixVersion, ...) land on the shape.
                if new_shapes {
                    let mut base = new_map;
                    for (k, v) in old_map {
                        base.entry(k).or_insert(v);
                    }
                    RNode {
                        value: RValue::Map(base),
                        file: new.file,
                        loc: new.loc,
                    }
                } else {
                    for (k, v) in new_map {
                        old_map.insert(k, v);
                    }
                    RNode {
                        value: RValue::Map(old_map),
                        file: old.file,
                        loc: old.loc,
                    }
                }
            }
            (RValue::Map(mut old_map), RValue::Map(new_map)) => {
                for (k, v) in new_map {
                    self.merge_key(&mut old_map, &k, v, pointer, true);
                }
                RNode {
                    value: RValue::Map(old_map),
                    file: old.file,
                    loc: old.loc,
                }
            }
            (_, new_value) => RNode {
                value: new_value,
                file: new.file,
                loc: new.loc,
            },
        }
    }

    fn check_alias_cycles(&mut self) {
        let mut reported = vec![false; self.targets.len()];
        for start in 0..self.targets.len() {
            let mut path = vec![start];
            let mut t = start;
            while let RValue::Ref(next, _) = self.targets[t].node.value {
                if let Some(pos) = path.iter().position(|p| *p == next) {
                    let cycle = &path[pos..];
                    if !cycle.iter().any(|c| reported[*c]) {
                        for &c in cycle {
                            reported[c] = true;
                        }
                        // Each member's own `$ref` points at the next member.
                        let ref_place = |c: TargetId| {
                            let node = &self.targets[c].node;
                            place(
                                self.file_name(node.file),
                                node.loc,
                                &self.targets[c].pointer,
                            )
                        };
                        let mut d = Diagnostic::error(
                            "`$ref` cycle: these references only point at each other",
                            Some(ref_place(cycle[0])),
                        );
                        for &c in &cycle[1..] {
                            d = d.with_related("part of the cycle", ref_place(c));
                        }
                        self.diagnostics.push(d);
                    }
                    break;
                }
                path.push(next);
                t = next;
            }
        }
    }
}

/// A merged schema's example comes from its parts; a required property that no part's example
/// shows is filled in from the property's own `example`, so the example fits the whole.
fn complete_example(schema: &mut IndexMap<String, RNode>) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(RNode::as_seq)
        .map(|r| {
            r.iter()
                .filter_map(RNode::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let fills: Vec<(String, RNode)> = {
        let (Some(example), Some(properties)) = (schema.get("example"), schema.get("properties"))
        else {
            return;
        };
        let Some(example) = example.as_map() else {
            return;
        };
        required
            .iter()
            .filter(|name| !example.contains_key(*name))
            .filter_map(|name| {
                let property_example = properties.get(name)?.get("example")?;
                Some((name.clone(), property_example.clone()))
            })
            .collect()
    };
    if let Some(RValue::Map(example)) = schema.get_mut("example").map(|e| &mut e.value) {
        example.extend(fills);
    }
}

fn shapes(node: &RNode) -> bool {
    match &node.value {
        RValue::Map(m) => SHAPE_KEYS.iter().any(|k| m.contains_key(*k)),
        _ => true,
    }
}

fn describe(node: &RNode) -> String {
    match &node.value {
        RValue::String(s) => format!("`{s}`"),
        RValue::Seq(items) => format!(
            "[{}]",
            items
                .iter()
                .filter_map(RNode::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => node.kind_name().to_owned(),
    }
}
