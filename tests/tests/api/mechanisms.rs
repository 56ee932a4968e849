use std::collections::HashSet;
use std::path::PathBuf;

use hrc_tests::{on_both_backends, TestApp};
use serde_json::json;

/// Rows in one of the seed files, the data's source of truth.
fn seeded(file: &str) -> usize {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../db/seed").join(file);
    csv::Reader::from_path(path).unwrap().records().count()
}

async fn every_seeded_mechanism_is_listed_with_its_source(app: TestApp) {
    let data = app.query("{ mechanisms(first: 100) { totalCount edges { node { key kind name source establishedBy { symbol } } } } }").await;
    let edges = data["mechanisms"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), seeded("mechanisms.csv"));
    assert_eq!(data["mechanisms"]["totalCount"].as_u64().unwrap() as usize, edges.len());
    let kinds: HashSet<&str> = edges.iter().map(|e| e["node"]["kind"].as_str().unwrap()).collect();
    for kind in [
        "UNIVERSAL_PERIODIC_REVIEW",
        "SPECIAL_PROCEDURES",
        "COMPLAINT_PROCEDURE",
        "ADVISORY_COMMITTEE",
        "FORUM",
        "INVESTIGATIVE_BODY",
    ] {
        assert!(kinds.contains(kind), "no {kind}");
    }
    assert!(edges.iter().all(|e| !e["node"]["source"].as_str().unwrap().is_empty()));
    let upr = edges.iter().find(|e| e["node"]["key"] == "upr").unwrap();
    assert_eq!(upr["node"]["establishedBy"]["symbol"], "A/RES/60/251");
}

async fn only_south_sudans_commission_has_a_prevention_dimension(app: TestApp) {
    let data = app
        .query(
            "{ bodies: mechanisms(kind: INVESTIGATIVE_BODY) { totalCount edges { node { key preventionDimension country { isoCode } } } }
               prevention: mechanisms(kind: INVESTIGATIVE_BODY, preventionDimension: true) { edges { node { key country { isoCode } } } } }",
        )
        .await;
    assert_eq!(data["bodies"]["totalCount"], 2);
    let prevention = data["prevention"]["edges"].as_array().unwrap();
    assert_eq!(prevention.len(), 1);
    assert_eq!(prevention[0]["node"]["country"]["isoCode"], "SSD");
    let burundi =
        data["bodies"]["edges"].as_array().unwrap().iter().find(|e| e["node"]["country"]["isoCode"] == "BDI").unwrap();
    assert_eq!(burundi["node"]["preventionDimension"], false);
}

async fn the_complaint_procedure_has_its_two_working_groups(app: TestApp) {
    let data = app
        .query(r#"{ mechanism(key: "complaint-procedure") { name(lang: ZH) description children { key parent { key } } } }"#)
        .await;
    let mechanism = &data["mechanism"];
    assert_eq!(mechanism["name"], "申诉程序");
    assert!(mechanism["description"].as_str().unwrap().contains("11 situations concerning 8 countries"));
    let children: Vec<&str> =
        mechanism["children"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
    assert_eq!(children, ["complaint-wg-communications", "complaint-wg-situations"]);
    assert!(mechanism["children"].as_array().unwrap().iter().all(|c| c["parent"]["key"] == "complaint-procedure"));
}

async fn mandates_are_listed_and_filtered(app: TestApp) {
    let data = app
        .query("{ mandates(first: 100) { totalCount edges { node { key scope form status mechanism { key } establishedBy { symbol } name(lang: ZH) } } } }")
        .await;
    let edges = data["mandates"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), seeded("mandates.csv"));
    assert!(edges.iter().all(|e| e["node"]["mechanism"]["key"] == "special-procedures"));
    let truth = edges.iter().find(|e| e["node"]["key"] == "sr-truth-justice").unwrap();
    assert_eq!(truth["node"]["establishedBy"]["symbol"], "A/HRC/RES/18/7");
    assert_eq!(truth["node"]["name"], "寻求真相、正义、赔偿和保证不再发生问题特别报告员");

    let thematic = app.query("{ mandates(scope: THEMATIC, status: ACTIVE) { totalCount } country: mandates(scope: COUNTRY) { totalCount } }").await;
    assert_eq!(thematic["mandates"]["totalCount"].as_u64().unwrap() as usize, edges.len());
    assert_eq!(thematic["country"]["totalCount"], 0);
    // A known country with no mandate is an empty answer; a country we do not know is an error.
    let burundi = app.query(r#"{ mandates(country: "bdi") { totalCount edges { cursor } } }"#).await;
    assert_eq!(burundi["mandates"]["totalCount"], 0);
    assert_eq!(burundi["mandates"]["edges"], json!([]));
    let (_, code, body) = app.query_error(r#"{ mandates(country: "ZZZ") { totalCount } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "country");
}

async fn mechanisms_page_backwards_to_the_same_list(app: TestApp) {
    let all = app.query("{ mechanisms(first: 100) { edges { node { key } } } }").await;
    let forward: Vec<String> = all["mechanisms"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["key"].as_str().unwrap().to_owned())
        .collect();
    let mut backward = Vec::new();
    let mut args = "last: 2".to_owned();
    loop {
        let page = app
            .query(&format!(
                "{{ mechanisms({args}) {{ edges {{ node {{ key }} }} pageInfo {{ hasPreviousPage startCursor }} }} }}"
            ))
            .await;
        let keys: Vec<String> = page["mechanisms"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["key"].as_str().unwrap().to_owned())
            .collect();
        backward.splice(0..0, keys);
        if page["mechanisms"]["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        args = format!("last: 2, before: {}", page["mechanisms"]["pageInfo"]["startCursor"]);
    }
    assert_eq!(backward, forward);
}

async fn mechanisms_and_mandates_are_nodes(app: TestApp) {
    let data = app.query(r#"{ mechanism(key: "upr") { id } mandate(key: "wg-business") { id } }"#).await;
    let (m, d) = (data["mechanism"]["id"].as_str().unwrap(), data["mandate"]["id"].as_str().unwrap());
    let nodes = app
        .query(&format!(r#"{{ nodes(ids: ["{m}", "{d}"]) {{ __typename ... on Mechanism {{ key }} ... on Mandate {{ key form }} }} }}"#))
        .await;
    assert_eq!(
        nodes["nodes"],
        json!([{ "__typename": "Mechanism", "key": "upr" }, { "__typename": "Mandate", "key": "wg-business", "form": "WORKING_GROUP" }])
    );
}

on_both_backends!(
    every_seeded_mechanism_is_listed_with_its_source,
    only_south_sudans_commission_has_a_prevention_dimension,
    the_complaint_procedure_has_its_two_working_groups,
    mandates_are_listed_and_filtered,
    mechanisms_page_backwards_to_the_same_list,
    mechanisms_and_mandates_are_nodes,
);
