//! The access table, proved: every root field is classified, and every (role, path) pair is allowed or refused
//! exactly as DESIGN.md's table says. A new root field without a row here and in `schema/src/access.rs` fails.

use std::collections::BTreeSet;

use hrc_tests::{on_both_backends, TestApp};
use serde_json::json;

/// The callers: the anonymous public, and a token for each role (State-scoped ones for Nepal).
const CALLERS: &[Option<&str>] = &[
    None,
    Some("partner"),
    Some("state_focal_point"),
    Some("fund_committee"),
    Some("fund_secretariat"),
    Some("secretariat"),
    Some("reprisals_officer"),
    Some("complaint_wg"),
    Some("complaint_secretariat"),
    Some("council_bureau"),
    Some("admin"),
];

/// Who may use each path, as DESIGN.md's table says (written out here, apart from the code's table), with a probe
/// document: one that the guard lets through or refuses, and that writes nothing when let through (it names a
/// record that does not exist, or asks only for reads).
const EXPECTED: &[(&str, &[&str], &str)] = &[
    ("Query.node", PUBLIC, r#"{ node(id: "bm9uZQ") { id } }"#),
    ("Query.nodes", PUBLIC, "{ nodes(ids: []) { id } }"),
    ("Query.viewer", PUBLIC, "{ viewer { subject } }"),
    ("Query.regionalGroups", PUBLIC, "{ regionalGroups { code } }"),
    ("Query.countries", PUBLIC, "{ countries { isoCode } }"),
    ("Query.country", PUBLIC, r#"{ country(isoCode: "NPL") { isoCode } }"#),
    ("Query.sessions", PUBLIC, "{ sessions { number } }"),
    ("Query.sdgGoals", PUBLIC, "{ sdgGoals { number } }"),
    ("Query.resolutions", PUBLIC, "{ resolutions(first: 1) { totalCount } }"),
    ("Query.resolution", PUBLIC, r#"{ resolution(symbol: "A/HRC/RES/45/31") { key } }"#),
    ("Query.reports", PUBLIC, "{ reports(first: 1) { totalCount } }"),
    ("Query.report", PUBLIC, r#"{ report(symbol: "A/HRC/43/37") { symbol } }"#),
    ("Query.mechanisms", PUBLIC, "{ mechanisms(first: 1) { totalCount } }"),
    ("Query.mechanism", PUBLIC, r#"{ mechanism(key: "upr") { key } }"#),
    ("Query.mandates", PUBLIC, "{ mandates(first: 1) { totalCount } }"),
    ("Query.mandate", PUBLIC, r#"{ mandate(key: "sr-racism") { key } }"#),
    ("Query.recommendations", PUBLIC, "{ recommendations(first: 1) { totalCount } }"),
    ("Query.recommendation", PUBLIC, r#"{ recommendation(key: "A/HRC/43/37:70") { key } }"#),
    ("Query.recommendationCounts", PUBLIC, "{ recommendationCounts(groupBy: [RESPONSE]) { count } }"),
    ("Query.visits", PUBLIC, "{ visits(first: 1) { totalCount } }"),
    ("Query.visitCounts", PUBLIC, "{ visitCounts(groupBy: [YEAR]) { count } }"),
    ("Query.thesaurusTerms", PUBLIC, "{ thesaurusTerms(first: 1) { totalCount } }"),
    ("Query.thesaurusTerm", PUBLIC, r#"{ thesaurusTerm(key: "prevention") { key } }"#),
    ("Query.communications", PUBLIC, "{ communications(first: 1) { totalCount } }"),
    ("Query.communication", PUBLIC, r#"{ communication(key: "none") { key } }"#),
    ("Query.countrySituations", PUBLIC, "{ countrySituations(first: 1) { totalCount } }"),
    ("Query.countrySituation", PUBLIC, r#"{ countrySituation(key: "BDI") { key } }"#),
    ("Query.nationalMechanisms", PUBLIC, "{ nationalMechanisms(first: 1) { totalCount } }"),
    ("Query.nationalMechanism", PUBLIC, r#"{ nationalMechanism(key: "none") { key } }"#),
    ("Query.knowledgeHub", PUBLIC, "{ knowledgeHub(first: 1) { totalCount } }"),
    ("Query.knowledgeItem", PUBLIC, r#"{ knowledgeItem(key: "none") { key } }"#),
    (
        "Mutation.createRecommendation",
        SECRETARIAT,
        r#"mutation { createRecommendation(input: { key: "P:1", sourceKind: REPORT, addressee: OTHER, mechanism: "none", textEn: "x", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateRecommendation",
        SECRETARIAT,
        r#"mutation { updateRecommendation(key: "none", expectedVersion: 1, input: { priority: true }) { key } }"#,
    ),
    (
        "Mutation.addImplementationReport",
        &["state_focal_point", "secretariat"],
        r#"mutation { addImplementationReport(recommendationKey: "none", input: { status: IN_PROGRESS, reportedOn: "2020-01-01", sourceKind: STATE }) { status } }"#,
    ),
    (
        "Mutation.updateMechanism",
        SECRETARIAT,
        r#"mutation { updateMechanism(key: "none", expectedVersion: 1, input: { preventionDimension: true }) { key } }"#,
    ),
    (
        "Mutation.createMandate",
        SECRETARIAT,
        r#"mutation { createMandate(input: { key: "probe", scope: COUNTRY, form: WORKING_GROUP, country: "ZZZ", nameEn: "x", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateMandate",
        SECRETARIAT,
        r#"mutation { updateMandate(key: "none", expectedVersion: 1, input: { status: DISCONTINUED }) { key } }"#,
    ),
    (
        "Mutation.renewMandate",
        SECRETARIAT,
        r#"mutation { renewMandate(key: "none", expectedVersion: 1, resolution: "none", renewedUntil: "2030-01-01") { key } }"#,
    ),
    (
        "Mutation.addMandateHolder",
        SECRETARIAT,
        r#"mutation { addMandateHolder(input: { mandate: "none", name: "x", role: SPECIAL_RAPPORTEUR, startsOn: "2020-01-01", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateMandateHolder",
        SECRETARIAT,
        r#"mutation { updateMandateHolder(key: "none", expectedVersion: 1, input: { name: "x" }) { key } }"#,
    ),
    (
        "Mutation.recordStandingInvitation",
        SECRETARIAT,
        r#"mutation { recordStandingInvitation(country: "ZZZ", source: "probe") { extendedOn } }"#,
    ),
    ("Mutation.withdrawStandingInvitation", SECRETARIAT, r#"mutation { withdrawStandingInvitation(country: "ZZZ") }"#),
    (
        "Mutation.createVisit",
        SECRETARIAT,
        r#"mutation { createVisit(input: { mandate: "none", country: "NPL", status: REQUESTED, requestedOn: "2020-01-01", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateVisit",
        SECRETARIAT,
        r#"mutation { updateVisit(key: "none", expectedVersion: 1, input: { status: DECLINED }) { key } }"#,
    ),
];

/// Marks a path everyone may use.
const PUBLIC: &[&str] = &["*"];
const SECRETARIAT: &[&str] = &["secretariat"];

/// The root fields of the schema, as `Type.field`.
fn schema_root_fields() -> BTreeSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(hrc_schema::sdl()).expect("the SDL parses");
    let mut paths = BTreeSet::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        let name = ty.node.name.node.as_str();
        if let (TypeKind::Object(o), "Query" | "Mutation") = (&ty.node.kind, name) {
            paths.extend(o.fields.iter().map(|f| format!("{name}.{}", f.node.name.node)));
        }
    }
    paths
}

#[test]
fn every_root_field_is_in_the_access_table_and_in_this_test() {
    let schema = schema_root_fields();
    let table: BTreeSet<String> = hrc_schema::access::RULES.iter().map(|r| r.path.to_owned()).collect();
    let tested: BTreeSet<String> = EXPECTED.iter().map(|(p, _, _)| (*p).to_owned()).collect();
    assert_eq!(
        schema.difference(&table).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "root fields missing from schema/src/access.rs"
    );
    assert_eq!(
        table.difference(&schema).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "access rules for fields that do not exist"
    );
    assert_eq!(
        schema.difference(&tested).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "root fields missing from this test's table"
    );
    assert_eq!(tested.len(), EXPECTED.len(), "a path is listed twice in this test");
}

async fn every_role_is_allowed_or_refused_each_path_as_the_design_says(app: TestApp) {
    let tokens: Vec<(Option<&str>, Option<String>)> =
        CALLERS.iter().map(|role| (*role, role.map(|r| app.token(&format!("probe-{r}"), &[r], Some("NPL"))))).collect();
    let mut pairs = 0;
    for (path, allowed, probe) in EXPECTED {
        for (role, token) in &tokens {
            let (_, body) = app.post(&json!({ "query": probe }), token.as_deref()).await;
            let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or("");
            let refused = matches!(code, "UNAUTHENTICATED" | "FORBIDDEN");
            let expected = allowed.contains(&"*") || role.is_some_and(|r| allowed.contains(&r));
            assert_eq!(!refused, expected, "{path} for {}: {body}", role.unwrap_or("anonymous"));
            if !expected {
                let wanted = if role.is_none() { "UNAUTHENTICATED" } else { "FORBIDDEN" };
                assert_eq!(code, wanted, "{path} for {}", role.unwrap_or("anonymous"));
                assert!(
                    body["data"].is_null() || body["data"].as_object().is_some_and(|d| d.values().all(|v| v.is_null()))
                );
            }
            pairs += 1;
        }
    }
    assert_eq!(pairs, EXPECTED.len() * CALLERS.len());
    eprintln!("{}: {pairs} (role, path) pairs checked", app.backend.name());
    // The probes wrote nothing.
    let data = app.query("{ mandates { totalCount } visits { totalCount } recommendations(filter: { fictional: false }) { totalCount } }").await;
    assert_eq!(data["mandates"]["totalCount"], 4);
    assert_eq!(data["visits"]["totalCount"], 0);
}

on_both_backends!(every_role_is_allowed_or_refused_each_path_as_the_design_says);

#[test]
fn every_node_type_is_in_the_access_table() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(hrc_schema::sdl()).expect("the SDL parses");
    let mut nodes = BTreeSet::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        if let TypeKind::Object(o) = &ty.node.kind {
            if o.implements.iter().any(|i| i.node.as_str() == "Node") {
                nodes.insert(ty.node.name.node.to_string());
            }
        }
    }
    let table: BTreeSet<String> = hrc_schema::access::NODE_TYPES.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(nodes, table, "every Node type needs a row in access::NODE_TYPES, and only those");
}
