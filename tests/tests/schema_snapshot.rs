//! The committed SDLs are the schemas the code builds, so every change to the API's shape shows in review:
//! `schema/schema.graphql` (the public schema) and `schema/complaint-schema.graphql` (the schema served to
//! complaint-procedure staff and the Council's Bureau). After an intended change:
//! `HRC_UPDATE_SNAPSHOTS=1 cargo test -p hrc-tests --test schema_snapshot`.

use std::path::PathBuf;

/// `file` (relative to the workspace) holds `actual`; with `HRC_UPDATE_SNAPSHOTS=1`, it is written instead.
fn matches_committed(file: &str, actual: String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    if std::env::var("HRC_UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == actual,
        "{file} differs from what the code builds; if the change is intended, run \
         HRC_UPDATE_SNAPSHOTS=1 cargo test -p hrc-tests --test schema_snapshot and commit the file"
    );
}

#[test]
fn the_committed_sdl_matches_the_schema() {
    matches_committed("schema/schema.graphql", hrc_schema::sdl());
}

#[test]
fn the_committed_complaint_sdl_matches_the_complaint_schema() {
    matches_committed("schema/complaint-schema.graphql", hrc_schema::complaint_sdl());
}

#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    described(&hrc_schema::sdl());
    described(&hrc_schema::complaint_sdl());
}

fn described(sdl: &str) {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut missing = Vec::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        // Built-in scalars need no words, and async-graphql names and describes connections itself (their fields
        // are checked below).
        let generated = name.ends_with("Connection") || matches!(name, "Boolean" | "Float" | "ID" | "Int" | "String");
        if ty.description.is_none() && !generated {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(o) => {
                for field in &o.fields {
                    let f = &field.node;
                    if f.description.is_none() {
                        missing.push(format!("{name}.{}", f.name.node));
                    }
                    for arg in &f.arguments {
                        if arg.node.description.is_none() {
                            missing.push(format!("{name}.{}({})", f.name.node, arg.node.name.node));
                        }
                    }
                }
            }
            TypeKind::Interface(i) => {
                for field in &i.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::InputObject(i) => {
                for field in &i.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(e) => {
                for value in &e.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "{} schema elements have no description: {missing:#?}", missing.len());
}

/// The committed OpenAPI document is the one the code generates (`hrc-api export-openapi`), so partners' generated
/// clients and the review see every change to the REST surface. After an intended change:
/// `HRC_UPDATE_SNAPSHOTS=1 cargo test -p hrc-tests --test schema_snapshot`.
#[test]
fn the_committed_openapi_document_matches_the_code() {
    matches_committed("openapi/openapi.json", hrc_api::rest::openapi_json());
    let committed = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json"));
    let committed = committed.unwrap_or_default();
    let document: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/mandates",
        "/api/v1/mandates/{id}",
        "/api/v1/countries/{isoCode}/recommendations",
        "/api/v1/recommendations/{id}",
        "/api/v1/visits",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path} is described");
    }
}
