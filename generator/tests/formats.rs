//! Typed values on the real spec: every property and parameter today's matrix-spec gives an
//! `mx-*` format is of that format's type in the IR, and the seed corpus (which names no
//! formats) has none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use matrix_codegen::ir::{FieldDef, Ir, ResponseIr, RustType, TypeDef};
use matrix_codegen::load::{self, LoadOptions};
use matrix_codegen::model::{self, Additional, BodyKind, Schema, SchemaKind, Spec};
use matrix_codegen::{Config, resolve};

fn corpus(path: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(path);
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipped: {} is absent", root.display());
        None
    }
}

fn model_of(root: &Path) -> Spec {
    let sources = load::load(&LoadOptions {
        api_root: root.to_owned(),
        boundary: None,
        apis: Vec::new(),
    })
    .expect("loads");
    model::build(&resolve::resolve(sources).expect("resolves")).expect("models")
}

fn is_mx(format: &str) -> bool {
    format.starts_with("mx-")
}

/// Counts, per format, the properties and map keys with an `mx-*` format below `schema`.
fn count_schema(schema: &Schema, properties: &mut BTreeMap<String, usize>) {
    match &schema.kind {
        SchemaKind::Array(items) => count_schema(items, properties),
        SchemaKind::Tuple(items) | SchemaKind::OneOf(items) => {
            items.iter().for_each(|i| count_schema(i, properties))
        }
        SchemaKind::Object(object) => {
            for property in object.properties.values() {
                if let Some(format) = property.schema.format.as_deref().filter(|f| is_mx(f))
                    && matches!(&property.schema.kind, SchemaKind::String { values } if values.is_empty())
                {
                    *properties.entry(format.to_owned()).or_default() += 1;
                }
                count_schema(&property.schema, properties);
            }
            if let Additional::Schema(value) = &object.additional {
                if let Some(format) = object.key_format.as_deref().filter(|f| is_mx(f)) {
                    *properties.entry(format!("{format} (map key)")).or_default() += 1;
                }
                count_schema(value, properties);
            }
        }
        _ => {}
    }
}

/// Per format: typed properties (shared schemas counted once) and parameters of the model.
fn model_counts(spec: &Spec) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut properties = BTreeMap::new();
    let mut parameters = BTreeMap::new();
    for schema in spec.schemas.iter().flatten() {
        count_schema(schema, &mut properties);
    }
    for op in spec.apis.iter().flat_map(|a| &a.operations) {
        for param in &op.parameters {
            if let Some(format) = param.schema.format.as_deref().filter(|f| is_mx(f)) {
                *parameters.entry(format.to_owned()).or_default() += 1;
            }
            count_schema(&param.schema, &mut properties);
        }
        let bodies = op
            .body
            .iter()
            .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
        for body in bodies {
            if let BodyKind::Json(schema) = &body.kind {
                count_schema(schema, &mut properties);
            }
        }
    }
    (properties, parameters)
}

/// Formats of every `Formatted` in `ty` (map keys included).
fn formats_in(ty: &RustType, out: &mut Vec<String>) {
    match ty {
        RustType::Formatted(format) => out.push(format.clone()),
        RustType::Vec(inner) | RustType::Option(inner) | RustType::Boxed(inner) => {
            formats_in(inner, out)
        }
        RustType::Map { key, value } => {
            formats_in(key, out);
            formats_in(value, out);
        }
        RustType::Tuple(items) => items.iter().for_each(|i| formats_in(i, out)),
        _ => {}
    }
}

/// Every field of the IR, with the types of union variants as fields without a name.
fn ir_types(ir: &Ir) -> Vec<RustType> {
    let mut types = Vec::new();
    let mut fields = |fields: &[FieldDef]| types.extend(fields.iter().map(|f| f.ty.clone()));
    let mut unions = Vec::new();
    for module in &ir.modules {
        let defs = module
            .types
            .iter()
            .chain(module.operations.iter().flat_map(|o| &o.types));
        for def in defs {
            match def {
                TypeDef::Struct(s) => fields(&s.fields),
                TypeDef::Union(u) => unions.extend(u.variants.iter().map(|(_, t)| t.clone())),
                TypeDef::StringEnum(_) => {}
            }
        }
        for op in &module.operations {
            fields(&op.request_fields);
            match &op.response {
                ResponseIr::Fields(s) => fields(&s.fields),
                ResponseIr::Whole { ty, .. } => unions.push(ty.clone()),
                ResponseIr::Binary { .. } => {}
            }
        }
    }
    types.extend(unions);
    types
}

#[test]
fn every_mx_format_of_todays_spec_is_typed() {
    let Some(root) = corpus("matrix-spec-d0ba2aa/data/api") else {
        return;
    };
    let spec = model_of(&root);
    let (properties, parameters) = model_counts(&spec);
    let ir = Config::new(&root).generate().expect("generates").ir;

    // Parameters: exact, each one's field by wire name.
    let mut typed_parameters: BTreeMap<String, usize> = BTreeMap::new();
    for (api, module) in spec.apis.iter().zip(&ir.modules) {
        for (op, op_ir) in api.operations.iter().zip(&module.operations) {
            assert_eq!(op.operation_id, op_ir.operation_id);
            for param in &op.parameters {
                let Some(format) = param.schema.format.as_deref().filter(|f| is_mx(f)) else {
                    continue;
                };
                let field = op_ir
                    .request_fields
                    .iter()
                    .find(|f| {
                        f.wire == param.name && f.source != matrix_codegen::ir::FieldSource::Body
                    })
                    .unwrap_or_else(|| {
                        panic!("{}: no field for `{}`", op.operation_id, param.name)
                    });
                let mut found = Vec::new();
                formats_in(&field.ty, &mut found);
                assert_eq!(
                    found,
                    [format],
                    "{} parameter `{}` is {:?}",
                    op.operation_id,
                    param.name,
                    field.ty
                );
                *typed_parameters.entry(format.to_owned()).or_default() += 1;
            }
        }
    }
    assert_eq!(typed_parameters, parameters);

    // Properties: every format the model names appears typed in the IR, no other does.
    let mut ir_formats: BTreeMap<String, usize> = BTreeMap::new();
    for ty in ir_types(&ir) {
        let mut found = Vec::new();
        formats_in(&ty, &mut found);
        for format in found {
            *ir_formats.entry(format).or_default() += 1;
        }
    }
    for format in properties.keys() {
        let format = format.trim_end_matches(" (map key)");
        assert!(ir_formats.contains_key(format), "{format} is never typed");
    }
    eprintln!("mx-* properties and map keys in the model, per format: {properties:?}");
    eprintln!("mx-* parameters in the model (each typed in the IR): {parameters:?}");
    eprintln!("typed values in the IR (fields, variants, map keys), per format: {ir_formats:?}");
    assert!(properties.values().sum::<usize>() > 100, "{properties:?}");
}

#[test]
fn the_seed_corpus_has_no_typed_values() {
    let Some(root) = corpus("matrix-doc-3148184/api") else {
        return;
    };
    let ir = Config::new(&root).generate().expect("generates").ir;
    for ty in ir_types(&ir) {
        let mut found = Vec::new();
        formats_in(&ty, &mut found);
        assert!(found.is_empty(), "{ty:?}");
    }
}
