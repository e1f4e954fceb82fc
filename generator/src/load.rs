//! Stage 1, load: reads the API documents and, transitively, every file a `$ref` names,
//! into [`Node`] trees that keep line:column for every value.
//!
//! This is the only stage that touches the file system. It enforces the spec boundary (no
//! file outside it is ever opened) and records every file read, for `rerun-if-changed`.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::HashMap;
use crate::diagnostic::{Diagnostic, Diagnostics, Error, Loc, Place, SourceTexts};

/// The trees themselves are `matrix-codegen-yaml`'s, a crate of its own so that a build
/// profile can optimise the parser apart from the generator (its `Cargo.toml` says why).
pub use matrix_codegen_yaml::{Entries, Mapping, Node, Value, json_object};

/// Parses one YAML (or JSON) text. Pure: no file system access.
pub fn parse_yaml(name: &Arc<str>, text: &str) -> Result<(Node, Vec<Diagnostic>), Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(Box::new(Diagnostic::error(
            "the file is empty",
            Some(place(name, Loc::new(1, 1), "")),
        )));
    }
    let node = matrix_codegen_yaml::parse(text).map_err(|e| {
        Box::new(Diagnostic::error(
            format!("invalid YAML: {}", e.message),
            Some(place(name, e.loc, "")),
        ))
    })?;
    let mut warnings = Vec::new();
    collect_duplicate_keys(name, &node, &mut Vec::new(), &mut warnings);
    Ok((node, warnings))
}

/// A step of the way from the root to a node: a mapping key or a sequence index.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of `path`. Written out only where it is needed (a warning, a `$ref`): the
/// scans visit every node of every file.
fn pointer_of(path: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in path {
        let _ = match step {
            Step::Key(key) => write!(pointer, "/{}", escape_pointer(key)),
            Step::Index(i) => write!(pointer, "/{i}"),
        };
    }
    pointer
}

fn collect_duplicate_keys<'a>(
    name: &Arc<str>,
    node: &'a Node,
    path: &mut Vec<Step<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    match &node.value {
        Value::Map(m) => {
            for (key, loc) in &m.duplicate_keys {
                path.push(Step::Key(key));
                out.push(Diagnostic::warning(
                    format!("duplicate key `{key}`; the last value is used"),
                    Some(place(name, *loc, &pointer_of(path))),
                ));
                path.pop();
            }
            for (key, child) in &m.entries {
                if matches!(child.value, Value::Map(_) | Value::Seq(_)) {
                    path.push(Step::Key(key));
                    collect_duplicate_keys(name, child, path, out);
                    path.pop();
                }
            }
        }
        Value::Seq(items) => {
            for (i, child) in items.iter().enumerate() {
                if matches!(child.value, Value::Map(_) | Value::Seq(_)) {
                    path.push(Step::Index(i));
                    collect_duplicate_keys(name, child, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// A JSON pointer token for `token` (RFC 6901: `~` as `~0`, `/` as `~1`); borrowed when
/// nothing needs escaping, as for nearly every key of the spec.
pub fn escape_pointer(token: &str) -> std::borrow::Cow<'_, str> {
    // Two single-character searches: each is a memchr, where a set of two walks the chars.
    if token.contains('~') || token.contains('/') {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

pub(crate) fn place(file: &Arc<str>, loc: Loc, pointer: &str) -> Place {
    Place {
        file: file.clone(),
        loc,
        pointer: pointer.to_owned(),
    }
}

pub type FileId = usize;

/// Every file the spec consists of, parsed, plus which of them are API documents.
#[derive(Debug)]
pub struct SourceSet {
    /// No file outside this folder is read.
    pub boundary: PathBuf,
    pub files: Vec<SourceFile>,
    pub apis: Vec<ApiSource>,
    /// Every file opened, including ones that only stand in for a symbolic link.
    pub files_read: Vec<PathBuf>,
    /// The API folders whose listing decided which documents were read.
    pub api_dirs: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    by_path: HashMap<PathBuf, FileId>,
    /// `(referring file, file part of a $ref)` → the file it names, as the loader found it.
    ref_files: HashMap<(FileId, String), FileId>,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Canonical path on disk.
    pub path: PathBuf,
    /// Path relative to the boundary, with `/` separators: what messages show.
    pub name: Arc<str>,
    pub text: Arc<str>,
    pub root: Node,
}

/// One API (a folder of the API root, e.g. `client-server`) and its documents.
#[derive(Clone, Debug)]
pub struct ApiSource {
    pub name: String,
    pub documents: Vec<FileId>,
}

impl SourceSet {
    pub fn file_id(&self, canonical: &Path) -> Option<FileId> {
        self.by_path.get(canonical).copied()
    }

    pub fn texts(&self) -> SourceTexts {
        // Inserted one by one: collecting would compile a sort of its own for this one map.
        let mut texts = SourceTexts::new();
        for file in &self.files {
            texts.insert(file.name.clone(), file.text.clone());
        }
        texts
    }

    /// The file a `$ref`'s file part names, seen from `from`. The loader has read every such
    /// file, so `None` means the reference was already reported as broken.
    pub fn ref_file(&self, from: FileId, file_part: &str) -> Option<FileId> {
        self.ref_files.get(&(from, file_part.to_owned())).copied()
    }

    /// A `$ref`'s file part and fragment, seen from `from`: split at the first `#`, unless
    /// the loader read the whole reference as a file name (a `#` in a file's name, written
    /// unescaped, as releases r0.3 and r0.4 do).
    pub fn split_ref<'r>(&self, from: FileId, reference: &'r str) -> (&'r str, &'r str) {
        match reference.split_once('#') {
            // Only a fragment that is no JSON pointer can be part of a name: the map is looked
            // up for those alone.
            Some((_, fragment))
                if !fragment.is_empty()
                    && !fragment.starts_with('/')
                    && self.ref_files.contains_key(&(from, reference.to_owned())) =>
            {
                (reference, "")
            }
            Some(split) => split,
            None => (reference, ""),
        }
    }
}

/// What to load.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The API root: a folder with one sub-folder per API.
    pub api_root: PathBuf,
    /// The boundary; defaults to the folder above the API root.
    pub boundary: Option<PathBuf>,
    /// API folder names to load; empty means all.
    pub apis: Vec<String>,
}

/// Loads the API documents under `api_root` and every file they reference, transitively.
pub fn load(options: &LoadOptions) -> Result<SourceSet, Error> {
    load_with_documents(options, &[])
}

/// [`load`], plus named sets of documents listed by path (any file name: the event schemas
/// of the older spec have no extension), loaded like API documents and appended to
/// [`SourceSet::apis`] after the API folders, in the order given.
pub fn load_with_documents(
    options: &LoadOptions,
    document_sets: &[(String, Vec<PathBuf>)],
) -> Result<SourceSet, Error> {
    let api_root = std::fs::canonicalize(&options.api_root).map_err(|e| {
        Error::single(Diagnostic::error(
            format!(
                "cannot open the API root {}: {e}",
                options.api_root.display()
            ),
            None,
        ))
    })?;
    let boundary = match &options.boundary {
        Some(b) => std::fs::canonicalize(b).map_err(|e| {
            Error::single(Diagnostic::error(
                format!("cannot open the spec boundary {}: {e}", b.display()),
                None,
            ))
        })?,
        None => api_root.parent().unwrap_or(&api_root).to_path_buf(),
    };
    if !api_root.starts_with(&boundary) {
        return Err(Error::single(Diagnostic::error(
            format!(
                "the API root {} is outside the spec boundary {}",
                api_root.display(),
                boundary.display()
            ),
            None,
        )));
    }

    let mut loader = Loader {
        set: SourceSet {
            boundary,
            files: Vec::new(),
            apis: Vec::new(),
            files_read: Vec::new(),
            api_dirs: Vec::new(),
            warnings: Vec::new(),
            by_path: HashMap::default(),
            ref_files: HashMap::default(),
        },
        diagnostics: Diagnostics::default(),
        queue: Vec::new(),
    };

    for (api_name, documents) in discover_apis(&api_root, &options.apis)? {
        let mut ids = Vec::new();
        for path in documents {
            if let Some(id) = loader.load_file(&path, None) {
                ids.push(id);
            }
        }
        loader.set.api_dirs.push(api_root.join(&api_name));
        loader.set.apis.push(ApiSource {
            name: api_name,
            documents: ids,
        });
    }
    if loader.set.apis.is_empty() {
        let wanted = if options.apis.is_empty() {
            String::new()
        } else {
            format!(" named {}", options.apis.join(", "))
        };
        return Err(Error::single(Diagnostic::error(
            format!(
                "no API folder{wanted} with YAML documents under {}",
                api_root.display()
            ),
            None,
        )));
    }
    for (name, documents) in document_sets {
        let ids = documents
            .iter()
            .filter_map(|path| loader.load_file(path, None))
            .collect();
        loader.set.apis.push(ApiSource {
            name: name.clone(),
            documents: ids,
        });
    }
    loader.follow_references();

    let Loader {
        mut set,
        diagnostics,
        ..
    } = loader;
    let texts = set.texts();
    match diagnostics.finish(()) {
        Ok(((), warnings)) => {
            set.warnings.extend(warnings);
            Ok(set)
        }
        Err(e) => Err(e.with_sources(&texts)),
    }
}

/// API folders (sorted) and their top-level documents (sorted): the order never depends on
/// how the file system lists a directory.
fn discover_apis(api_root: &Path, wanted: &[String]) -> Result<Vec<(String, Vec<PathBuf>)>, Error> {
    let io_error = |e: std::io::Error, path: &Path| {
        Error::single(Diagnostic::error(
            format!("cannot list {}: {e}", path.display()),
            None,
        ))
    };
    let mut apis = Vec::new();
    let entries = std::fs::read_dir(api_root).map_err(|e| io_error(e, api_root))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    crate::sort_stable(&mut dirs);
    for dir in dirs {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !wanted.is_empty() && !wanted.contains(&name) {
            continue;
        }
        let mut documents: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| io_error(e, &dir))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_spec_file_name(p))
            .collect();
        crate::sort_stable(&mut documents);
        if !documents.is_empty() {
            apis.push((name, documents));
        }
    }
    if let Some(missing) = wanted.iter().find(|w| !apis.iter().any(|(n, _)| n == *w)) {
        return Err(Error::single(Diagnostic::error(
            format!(
                "no API folder `{missing}` under {} (expected one of: {})",
                api_root.display(),
                list_dirs(api_root).join(", ")
            ),
            None,
        )));
    }
    Ok(apis)
}

/// The names of the folders under `root`, sorted (none if it cannot be listed): the APIs
/// an API root holds.
pub(crate) fn list_dirs(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    crate::sort_stable(&mut names);
    names
}

fn is_spec_file_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

struct Loader {
    set: SourceSet,
    diagnostics: Diagnostics,
    /// Files loaded whose references are not yet followed.
    queue: Vec<FileId>,
}

impl Loader {
    /// Reads and parses one file once; `referrer` is where a `$ref` asked for it.
    fn load_file(&mut self, path: &Path, referrer: Option<&Place>) -> Option<FileId> {
        // A resolved `$ref` is already canonical: a file loaded before is found without
        // asking the file system again.
        if let Some(id) = self.set.by_path.get(path) {
            return Some(*id);
        }
        let canonical = match std::fs::canonicalize(path) {
            Ok(p) => p,
            Err(e) => {
                self.diagnostics.push(Diagnostic::error(
                    format!("cannot open {}: {e}", path.display()),
                    referrer.cloned(),
                ));
                return None;
            }
        };
        if let Some(id) = self.set.by_path.get(&canonical) {
            return Some(*id);
        }
        if !canonical.starts_with(&self.set.boundary) {
            // An API document (or its folder) linked from outside the boundary.
            self.diagnostics.push(Diagnostic::error(
                format!(
                    "{} leads outside the spec boundary {}; refused",
                    path.display(),
                    self.set.boundary.display()
                ),
                referrer.cloned(),
            ));
            return None;
        }
        let name: Arc<str> = relative_name(&canonical, &self.set.boundary).into();
        self.set.files_read.push(canonical.clone());
        let bytes = match std::fs::read(&canonical) {
            Ok(b) => b,
            Err(e) => {
                self.diagnostics.push(Diagnostic::error(
                    format!("cannot read {name}: {e}"),
                    referrer.cloned(),
                ));
                return None;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let prefix = String::from_utf8_lossy(valid);
                let line = prefix.matches('\n').count() as u32 + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
                let mut d = Diagnostic::error(
                    format!(
                        "the file is not UTF-8 (invalid byte at offset {})",
                        valid.len()
                    ),
                    Some(place(&name, Loc::new(line, column), "")),
                );
                if let Some(r) = referrer {
                    d = d.with_related("referenced from", r.clone());
                }
                self.diagnostics.push(d);
                return None;
            }
        };
        let text: Arc<str> = text.into();
        match parse_yaml(&name, &text) {
            Ok((root, warnings)) => {
                self.set.warnings.extend(warnings);
                let id = self.set.files.len();
                self.set.files.push(SourceFile {
                    path: canonical.clone(),
                    name,
                    text,
                    root,
                });
                self.set.by_path.insert(canonical, id);
                self.queue.push(id);
                Some(id)
            }
            Err(d) => {
                let mut d = *d;
                if let Some(r) = referrer {
                    d = d.with_related("referenced from", r.clone());
                }
                self.diagnostics.push(d);
                None
            }
        }
    }

    fn follow_references(&mut self) {
        // Each distinct (folder, file part) is resolved once: resolving walks the path with a
        // system call per component, and the same few files are referenced thousands of times.
        let mut resolved_paths: HashMap<(PathBuf, String), Result<PathBuf, String>> =
            HashMap::default();
        while let Some(id) = self.queue.pop() {
            let mut refs = Vec::new();
            collect_refs(
                &self.set.files[id].root,
                None,
                false,
                &mut Vec::new(),
                &mut refs,
            );
            let dir = self.set.files[id]
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let name = self.set.files[id].name.clone();
            for found in refs {
                let reference = found.target;
                let (mut file_part, fragment) =
                    reference.split_once('#').unwrap_or((&reference, ""));
                if file_part.is_empty() {
                    continue;
                }
                let at = place(&name, found.loc, &found.pointer);
                let mut resolve = |file_part: &str| {
                    resolved_paths
                        .entry((dir.clone(), file_part.to_owned()))
                        .or_insert_with(|| {
                            let mut stand_ins = Vec::new();
                            let resolved = resolve_ref_path(
                                &dir,
                                file_part,
                                &self.set.boundary,
                                &mut stand_ins,
                            );
                            for s in stand_ins {
                                if !self.set.files_read.contains(&s) {
                                    self.set.files_read.push(s);
                                }
                            }
                            resolved
                        })
                        .clone()
                };
                let mut resolved = resolve(file_part);
                // Releases r0.3 and r0.4 name files with a `#` (`m.room.message#m.text`) and
                // refer to them unescaped: a fragment that is no JSON pointer, after a file
                // part that is no file, is part of the file's name if that names a file.
                if resolved.is_err()
                    && !fragment.is_empty()
                    && !fragment.starts_with('/')
                    && let Ok(path) = resolve(&reference)
                {
                    self.set.warnings.push(Diagnostic::warning(
                        format!(
                            "`$ref: {reference}`: read as the file `{reference}`, whose name \
                             holds a `#` (which a reference reads as the start of a fragment)"
                        ),
                        Some(at.clone()),
                    ));
                    file_part = &reference;
                    resolved = Ok(path);
                }
                match resolved {
                    Ok(path) => {
                        if let Some(target) = self.load_file(&path, Some(&at)) {
                            self.set
                                .ref_files
                                .insert((id, file_part.to_owned()), target);
                        }
                    }
                    // Example values are documentation: a reference there that leads nowhere
                    // stays literal text.
                    Err(message) if found.in_example => {
                        self.set.warnings.push(Diagnostic::warning(
                            format!(
                                "`$ref: {reference}` in an example: {message}; kept as written"
                            ),
                            Some(at),
                        ))
                    }
                    Err(message) => self.diagnostics.push(Diagnostic::error(
                        format!("`$ref: {reference}`: {message}"),
                        Some(at),
                    )),
                }
            }
        }
    }
}

/// A `$ref` found while loading: target, position, JSON pointer, and whether it sits inside an
/// example value (where a reference that cannot be followed is kept as literal text).
struct FoundRef {
    target: String,
    loc: Loc,
    pointer: String,
    in_example: bool,
}

/// Whether `key`, a key of a mapping reached through `parent_key`, holds an example value.
pub fn is_example_key(parent_key: Option<&str>, key: &str) -> bool {
    let names_properties = matches!(
        parent_key,
        Some("properties" | "patternProperties" | "definitions" | "schemas")
    );
    !names_properties && matches!(key, "example" | "examples" | "x-example")
}

/// Every `$ref` under `node`. The way down is kept as steps and written out as a pointer only
/// where a reference is found (as for duplicate keys): formatting a pointer for every node was
/// about 4% of a selection's build-script run.
fn collect_refs<'n>(
    node: &'n Node,
    parent_key: Option<&str>,
    in_example: bool,
    steps: &mut Vec<Step<'n>>,
    out: &mut Vec<FoundRef>,
) {
    match &node.value {
        Value::Map(m) => {
            if let Some(target) = m.entries.get("$ref")
                && let Some(s) = target.as_str()
            {
                out.push(FoundRef {
                    target: s.to_owned(),
                    loc: target.loc,
                    pointer: pointer_of(steps),
                    in_example,
                });
            }
            for (key, child) in &m.entries {
                steps.push(Step::Key(key));
                let child_in_example = in_example || is_example_key(parent_key, key);
                collect_refs(child, Some(key), child_in_example, steps, out);
                steps.pop();
            }
        }
        Value::Seq(items) => {
            for (i, child) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                collect_refs(child, None, in_example, steps, out);
                steps.pop();
            }
        }
        _ => {}
    }
}

/// Path of `path` relative to `boundary`, `/`-separated.
fn relative_name(path: &Path, boundary: &Path) -> String {
    let rel = path.strip_prefix(boundary).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Resolves the file part of a `$ref` against the referring file's folder, following real
/// symbolic links and the stand-in files Git writes for them where links are not supported
/// (a small file whose whole content is a relative path to a folder). The result must lie
/// inside `boundary`. Stand-in files read are appended to `stand_ins`.
pub fn resolve_ref_path(
    from_dir: &Path,
    reference: &str,
    boundary: &Path,
    stand_ins: &mut Vec<PathBuf>,
) -> Result<PathBuf, String> {
    if reference.contains("://") {
        return Err("remote references are not supported; the spec must be local files".into());
    }
    let rel = Path::new(reference);
    if rel.is_absolute() || reference.starts_with('/') || reference.starts_with('\\') {
        return Err("absolute paths are refused: a reference must stay inside the spec".into());
    }
    let outside = || {
        format!(
            "the target is outside the spec boundary {} (set a wider boundary with `--root`)",
            boundary.display()
        )
    };
    let components: Vec<Component> = rel.components().collect();
    let mut current = from_dir.to_path_buf();
    for (i, component) in components.iter().enumerate() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !current.pop() || !current.starts_with(boundary) {
                    return Err(outside());
                }
            }
            Component::Normal(part) => {
                let next = current.join(part);
                let meta = std::fs::metadata(&next)
                    .map_err(|_| format!("no such file: {}", relative_name(&next, boundary)))?;
                let is_last = i + 1 == components.len();
                current = if meta.is_file() && !is_last {
                    let target = read_stand_in(&next).ok_or_else(|| {
                        format!("{} is a file, not a folder", relative_name(&next, boundary))
                    })?;
                    stand_ins.push(next.clone());
                    let dir = current.join(target);
                    let dir = std::fs::canonicalize(&dir)
                        .map_err(|_| format!("broken link {}", relative_name(&next, boundary)))?;
                    if !dir.is_dir() {
                        return Err(format!(
                            "{} is not a folder",
                            relative_name(&next, boundary)
                        ));
                    }
                    dir
                } else {
                    std::fs::canonicalize(&next).map_err(|e| e.to_string())?
                };
                if !current.starts_with(boundary) {
                    return Err(outside());
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err("absolute paths are refused".into());
            }
        }
    }
    if !current.is_file() {
        return Err(format!(
            "{} is not a file",
            relative_name(&current, boundary)
        ));
    }
    Ok(current)
}

/// The target of a Git symlink stand-in, if `path` is one.
fn read_stand_in(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 1024 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let target = text.trim_end_matches(['\n', '\r']);
    let valid = !target.is_empty()
        && !target.contains('\n')
        && !target.contains(':')
        && !Path::new(target).is_absolute();
    valid.then(|| PathBuf::from(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_warn_and_keep_last() {
        let name: Arc<str> = "t.yaml".into();
        let (node, warnings) = parse_yaml(&name, "a: 1\nb: 2\na: 3\n").expect("parses");
        assert_eq!(node.get("a").map(Node::to_json), Some(serde_json::json!(3)));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].place.as_ref().map(|p| p.loc.line), Some(3));
    }

    #[test]
    fn a_nested_duplicate_key_is_pointed_at_through_escapes_and_indices() {
        let name: Arc<str> = "t.yaml".into();
        let text = "paths:\n  /rooms/{id}:\n    - x: 1\n    - a~b:\n        k: 1\n        k: 2\n";
        let (node, warnings) = parse_yaml(&name, text).expect("parses");
        assert_eq!(warnings.len(), 1);
        let place = warnings[0].place.as_ref().expect("a place");
        assert_eq!(place.pointer, "/paths/~1rooms~1{id}/1/a~0b/k");
        assert_eq!(place.loc.line, 6);
        assert_eq!(
            node.pointer("/paths/~1rooms~1{id}/1/a~0b/k")
                .map(Node::to_json),
            Some(serde_json::json!(2))
        );
        assert_eq!(escape_pointer("plain"), "plain");
        assert_eq!(escape_pointer("~/"), "~0~1");
    }

    #[test]
    fn errors_carry_positions() {
        let name: Arc<str> = "bad.yaml".into();
        let d = parse_yaml(&name, "a: [1, 2\nb: c\n").expect_err("invalid");
        assert!(d.message.starts_with("invalid YAML"), "{d}");
        assert!(d.place.is_some());
        let d = parse_yaml(&name, "  \n").expect_err("empty");
        assert_eq!(d.message, "the file is empty");
    }
}
