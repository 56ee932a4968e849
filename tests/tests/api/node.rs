use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

async fn every_object_is_found_again_by_its_global_id(app: TestApp) {
    let data = app
        .query(
            r#"{
                regionalGroups { id }
                country(isoCode: "BDI") { id }
                sessions { id }
                sdgGoals { id targets { id } }
                resolution(symbol: "A/HRC/RES/45/31") { id }
                report(symbol: "A/HRC/43/37") { id }
            }"#,
        )
        .await;
    let ids = [
        data["regionalGroups"][0]["id"].clone(),
        data["country"]["id"].clone(),
        data["sessions"][0]["id"].clone(),
        data["sdgGoals"][15]["id"].clone(),
        data["sdgGoals"][15]["targets"][9]["id"].clone(),
        data["resolution"]["id"].clone(),
        data["report"]["id"].clone(),
    ];
    let ids = Value::Array(ids.to_vec());
    let (_, body) = app
        .post(
            &json!({
                "query": "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Country { isoCode } ... on SdgTarget { code } ... on Resolution { symbol } } }",
                "variables": { "ids": ids },
            }),
            None,
        )
        .await;
    let nodes = body["data"]["nodes"].as_array().unwrap_or_else(|| panic!("{body}"));
    let types: Vec<&str> = nodes.iter().map(|n| n["__typename"].as_str().unwrap()).collect();
    assert_eq!(types, ["RegionalGroup", "Country", "Session", "SdgGoal", "SdgTarget", "Resolution", "Report"]);
    for (node, id) in nodes.iter().zip(ids.as_array().unwrap()) {
        assert_eq!(&node["id"], id);
    }
    assert_eq!(nodes[1]["isoCode"], "BDI");
    assert_eq!(nodes[4]["code"], "16.10");
    assert_eq!(nodes[5]["symbol"], "A/HRC/RES/45/31");
}

async fn ids_of_missing_objects_give_null_and_foreign_ids_are_refused(app: TestApp) {
    let missing = URL_SAFE_NO_PAD.encode("Country:ZZZ");
    let data = app.query(&format!(r#"{{ node(id: "{missing}") {{ id }} nodes(ids: ["{missing}"]) {{ id }} }}"#)).await;
    assert!(data["node"].is_null());
    assert_eq!(data["nodes"], json!([null]));

    for (id, case) in [("not-an-id", "garbage"), (URL_SAFE_NO_PAD.encode("Planet:Mars").as_str(), "unknown type")] {
        let (_, code, body) = app.query_error(&format!(r#"{{ node(id: "{id}") {{ id }} }}"#)).await;
        assert_eq!(code, "BAD_USER_INPUT", "{case}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id");
    }
    let many: Vec<String> = (0..101).map(|_| missing.clone()).collect();
    let (_, body) = app
        .post(
            &json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": many } }),
            None,
        )
        .await;
    assert_eq!(hrc_tests::first_code(&body), "BAD_USER_INPUT");
}

async fn updated_since_returns_only_records_changed_since(app: TestApp) {
    let data = app
        .query(r#"{ resolution(symbol: "A/HRC/RES/45/31") { createdAt updatedAt } resolutions { totalCount } }"#)
        .await;
    let updated = data["resolution"]["updatedAt"].as_str().unwrap().to_owned();
    assert!(data["resolution"]["createdAt"].as_str().unwrap() <= updated.as_str());
    let all = data["resolutions"]["totalCount"].as_i64().unwrap();
    let since = app.query(&format!(r#"{{ resolutions(updatedSince: "{updated}") {{ totalCount }} }}"#)).await;
    // The seed loads everything in one transaction with one timestamp: all of it changed at that instant.
    assert_eq!(since["resolutions"]["totalCount"].as_i64().unwrap(), all);
    let future =
        app.query(r#"{ resolutions(updatedSince: "2999-01-01T00:00:00Z") { totalCount edges { cursor } } }"#).await;
    assert_eq!(future["resolutions"]["totalCount"], 0);
    assert_eq!(future["resolutions"]["edges"], json!([]));
    let (_, code, _) = app.query_error(r#"{ resolutions(updatedSince: "yesterday") { totalCount } }"#).await;
    assert!(code == "BAD_USER_INPUT" || code == "GRAPHQL_VALIDATION_FAILED", "{code}");
}

async fn the_language_served_is_named_in_content_language(app: TestApp) {
    for (asked, served) in [("zh-CN", "zh"), ("fr-FR", "en"), ("en", "en")] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("accept-language", asked)
            .json(&json!({ "query": "{ viewer { subject } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-language"], served, "asked {asked}");
    }
}

on_both_backends!(
    every_object_is_found_again_by_its_global_id,
    ids_of_missing_objects_give_null_and_foreign_ids_are_refused,
    updated_since_returns_only_records_changed_since,
    the_language_served_is_named_in_content_language,
);
