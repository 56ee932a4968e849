use hrc_tests::fixtures::{insert_recommendations, FakeRecommendation};
use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

const KEY: &str = "A/HRC/43/37:70";
const UPDATE: &str = "mutation($key: String!, $v: Int!, $input: UpdateRecommendationInput!) {
    updateRecommendation(key: $key, expectedVersion: $v, input: $input) { key version priority cluster text(lang: ZH) } }";

async fn update(app: &TestApp, token: Option<&str>, version: i64, input: Value) -> Value {
    app.post(&json!({ "query": UPDATE, "variables": { "key": KEY, "v": version, "input": input } }), token).await.1
}

async fn audit(app: &TestApp, key: &str) -> Vec<hrc_db::audit::Record> {
    let (url, key) = (app.database.url.clone(), key.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::audit::Record::of(&mut conn, "Recommendation", &key).unwrap()
    })
    .await
    .unwrap()
}

async fn only_the_secretariat_may_change_a_recommendation(app: TestApp) {
    let body = update(&app, None, 1, json!({ "priority": true })).await;
    assert_eq!(first_code(&body), "UNAUTHENTICATED");
    let partner = app.token("partner-system", &["partner"], None);
    let body = update(&app, Some(&partner), 1, json!({ "priority": true })).await;
    assert_eq!(first_code(&body), "FORBIDDEN");
    let data = app.query(&format!(r#"{{ recommendation(key: "{KEY}") {{ version priority }} }}"#)).await;
    assert_eq!(data["recommendation"], json!({ "version": 1, "priority": false }), "nothing was written");
    assert!(audit(&app, KEY).await.is_empty());
}

async fn an_update_based_on_a_stale_version_is_a_conflict(app: TestApp) {
    let token = app.token("officer-1", &["secretariat"], None);
    let body = update(&app, Some(&token), 1, json!({ "priority": true, "cluster": "Implementation Fund" })).await;
    assert_eq!(body["data"]["updateRecommendation"]["version"], 2, "{body}");
    assert_eq!(body["data"]["updateRecommendation"]["cluster"], "Implementation Fund");
    // Someone who read version 1 and writes now loses, and learns why.
    let body = update(&app, Some(&token), 1, json!({ "priority": false })).await;
    assert_eq!(first_code(&body), "CONFLICT");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("version 2"));
    let data = app.query(&format!(r#"{{ recommendation(key: "{KEY}") {{ version priority cluster }} }}"#)).await;
    assert_eq!(data["recommendation"], json!({ "version": 2, "priority": true, "cluster": "Implementation Fund" }));
    let records = audit(&app, KEY).await;
    assert_eq!(records.len(), 1);
    assert_eq!((records[0].actor.as_str(), records[0].action.as_str()), ("officer-1", "recommendation.update"));
    assert!(records[0].detail.contains("Implementation Fund"));
}

async fn of_two_concurrent_updates_from_one_version_exactly_one_lands(app: TestApp) {
    let token = app.token("officer-2", &["secretariat"], None);
    let (a, b) = tokio::join!(
        update(&app, Some(&token), 1, json!({ "cluster": "A" })),
        update(&app, Some(&token), 1, json!({ "cluster": "B" })),
    );
    let landed: Vec<&Value> = [&a, &b].into_iter().filter(|r| r.get("errors").is_none()).collect();
    let refused: Vec<&Value> = [&a, &b].into_iter().filter(|r| r.get("errors").is_some()).collect();
    assert_eq!((landed.len(), refused.len()), (1, 1), "{a} {b}");
    assert_eq!(first_code(refused[0]), "CONFLICT");
    let winner = landed[0]["data"]["updateRecommendation"]["cluster"].clone();
    let data = app.query(&format!(r#"{{ recommendation(key: "{KEY}") {{ version cluster }} }}"#)).await;
    assert_eq!(data["recommendation"], json!({ "version": 2, "cluster": winner }));
    assert_eq!(audit(&app, KEY).await.len(), 1);
}

async fn every_invalid_field_is_named_at_once(app: TestApp) {
    let token = app.token("officer-3", &["secretariat"], None);
    let body = update(&app, Some(&token), 0, json!({ "textZh": "  ", "cluster": "x".repeat(201) })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["input.textZh", "input.cluster", "expectedVersion"]);
    let body = update(&app, Some(&token), 1, json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input");
    // The seeded text is Chinese only: clearing it would leave none.
    let body = update(&app, Some(&token), 1, json!({ "textZh": null })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let data = app.query(&format!(r#"{{ recommendation(key: "{KEY}") {{ version }} }}"#)).await;
    assert_eq!(data["recommendation"]["version"], 1);
}

const ADD: &str = "mutation($key: String!, $input: ImplementationReportInput!) {
    addImplementationReport(recommendationKey: $key, input: $input) { status reportedOn sourceKind } }";

async fn implementation_reports_are_appended_by_the_secretariat_or_the_states_focal_point(app: TestApp) {
    let url = app.database.url.clone();
    let mut item = FakeRecommendation::numbered("NPL", 1);
    item.history.clear();
    insert_recommendations(&url, &[item]);
    let key = app
        .query(r#"{ recommendations(filter: { country: "NPL" }) { edges { node { key updatedAt } } } }"#)
        .await["recommendations"]["edges"][0]["node"]
        .clone();
    let rec_key = key["key"].as_str().unwrap().to_owned();
    let report = |status: &str, date: &str| json!({ "status": status, "reportedOn": date, "sourceKind": "STATE", "evidence": "Law adopted" });

    let nepal = app.token("focal-npl", &["state_focal_point"], Some("NPL"));
    let (_, body) = app
        .post(
            &json!({ "query": ADD, "variables": { "key": rec_key, "input": report("IN_PROGRESS", "2024-05-01") } }),
            Some(&nepal),
        )
        .await;
    assert_eq!(body["data"]["addImplementationReport"]["status"], "IN_PROGRESS", "{body}");

    let fiji = app.token("focal-fji", &["state_focal_point"], Some("FJI"));
    let (_, body) = app.post(&json!({ "query": ADD, "variables": { "key": rec_key, "input": report("FULLY_IMPLEMENTED", "2024-06-01") } }), Some(&fiji)).await;
    assert_eq!(first_code(&body), "FORBIDDEN", "another State's focal point");

    let officer = app.token("officer-4", &["secretariat"], None);
    let (_, body) = app.post(&json!({ "query": ADD, "variables": { "key": rec_key, "input": report("FULLY_IMPLEMENTED", "2025-01-15") } }), Some(&officer)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, body) = app.post(&json!({ "query": ADD, "variables": { "key": rec_key, "input": report("FULLY_IMPLEMENTED", "2999-01-01") } }), Some(&officer)).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.reportedOn");
    let (_, body) = app.post(&json!({ "query": ADD, "variables": { "key": "no-such-key", "input": report("IN_PROGRESS", "2024-05-01") } }), Some(&officer)).await;
    assert_eq!(first_code(&body), "NOT_FOUND");

    let data = app
        .query(&format!(r#"{{ recommendation(key: "{rec_key}") {{ currentImplementationStatus updatedAt implementationHistory {{ status reportedOn }} }} }}"#))
        .await;
    let rec = &data["recommendation"];
    assert_eq!(rec["currentImplementationStatus"], "FULLY_IMPLEMENTED");
    assert_eq!(rec["implementationHistory"].as_array().unwrap().len(), 2);
    assert_ne!(
        rec["updatedAt"], key["updatedAt"],
        "a new report moves updatedAt, so partners syncing with updatedSince see it"
    );
    let actors: Vec<String> = audit(&app, &rec_key).await.into_iter().map(|r| r.actor).collect();
    assert_eq!(actors, ["focal-npl", "officer-4"]);
}

/// The current status is the latest report's by date (then by id), whatever order the reports arrive in: a report
/// filed late about an earlier date joins the history without moving the status, and the list's filter and the
/// counts read the same status as the field.
async fn a_report_filed_late_about_an_earlier_date_does_not_move_the_current_status(app: TestApp) {
    let mut item = FakeRecommendation::numbered("NPL", 1);
    item.history.clear();
    insert_recommendations(&app.database.url, &[item]);
    let key = app.query(r#"{ recommendations(filter: { country: "NPL" }) { nodes { key } } }"#).await
        ["recommendations"]["nodes"][0]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let officer = app.token("officer-5", &["secretariat"], None);
    let add = |status: &str, date: &str| json!({ "query": ADD, "variables": { "key": key, "input": { "status": status, "reportedOn": date, "sourceKind": "STATE" } } });
    let state = || async {
        let data = app
            .query(&format!(
                r#"{{ recommendation(key: "{key}") {{ currentImplementationStatus implementationHistory {{ status }} }}
                   inProgress: recommendations(filter: {{ country: "NPL", implementationStatus: IN_PROGRESS }}) {{ totalCount }}
                   full: recommendations(filter: {{ country: "NPL", implementationStatus: FULLY_IMPLEMENTED }}) {{ totalCount }}
                   counts: recommendationCounts(groupBy: [IMPLEMENTATION_STATUS], filter: {{ country: "NPL" }}) {{ values {{ key }} count }} }}"#
            ))
            .await;
        let counts: Vec<(Value, i64)> = data["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["values"][0]["key"].clone(), c["count"].as_i64().unwrap()))
            .collect();
        (
            data["recommendation"]["currentImplementationStatus"].clone(),
            data["recommendation"]["implementationHistory"].as_array().unwrap().len(),
            data["inProgress"]["totalCount"].as_i64().unwrap(),
            data["full"]["totalCount"].as_i64().unwrap(),
            counts,
        )
    };
    let (status, reports, _, _, counts) = state().await;
    assert_eq!((status, reports), (Value::Null, 0));
    assert_eq!(counts, vec![(Value::Null, 1)], "no report: counted under null");

    let (_, body) = app.post(&add("FULLY_IMPLEMENTED", "2025-01-15"), Some(&officer)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, body) = app.post(&add("IN_PROGRESS", "2024-05-01"), Some(&officer)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (status, reports, in_progress, full, counts) = state().await;
    assert_eq!(status, "FULLY_IMPLEMENTED", "the 2025 report is still the latest");
    assert_eq!((reports, in_progress, full), (2, 0, 1));
    assert_eq!(counts, vec![(json!("FULLY_IMPLEMENTED"), 1)]);

    // Two reports of one date: the one filed last is the latest.
    let (_, body) = app.post(&add("IN_PROGRESS", "2025-01-15"), Some(&officer)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (status, reports, in_progress, full, counts) = state().await;
    assert_eq!(status, "IN_PROGRESS");
    assert_eq!((reports, in_progress, full), (3, 1, 0));
    assert_eq!(counts, vec![(json!("IN_PROGRESS"), 1)]);
}

on_both_backends!(
    only_the_secretariat_may_change_a_recommendation,
    an_update_based_on_a_stale_version_is_a_conflict,
    of_two_concurrent_updates_from_one_version_exactly_one_lands,
    every_invalid_field_is_named_at_once,
    implementation_reports_are_appended_by_the_secretariat_or_the_states_focal_point,
    a_report_filed_late_about_an_earlier_date_does_not_move_the_current_status,
);

/// The largest `expectedVersion` there is (found by fuzzing: `expected + 1` overflowed) is a stale version like any
/// other, on every write path that bumps one.
async fn the_largest_expected_version_is_a_conflict_not_a_crash(app: TestApp) {
    let staff = app.token("max-version", &["secretariat", "reprisals_officer"], None);
    let case = hrc_tests::fixtures::reprisal_case(&app, "NPL").await;
    let signal = hrc_tests::fixtures::report_signal(&app, "NPL", "2025-01-01", "OTHER", "LOW").await;
    for query in [
        r#"mutation { updateRecommendation(key: "A/HRC/43/37:70", expectedVersion: 2147483647, input: { priority: true }) { key } }"#.to_owned(),
        format!(r#"mutation {{ moveEarlyWarningSignal(id: "{}", expectedVersion: 2147483647, to: UNDER_VERIFICATION, reason: "x") {{ key }} }}"#, signal["id"].as_str().unwrap()),
        format!(r#"mutation {{ publishReprisalCase(id: "{}", expectedVersion: 2147483647) {{ key }} }}"#, case["id"].as_str().unwrap()),
    ] {
        let (_, body) = app.post(&json!({ "query": query }), Some(&staff)).await;
        assert_eq!(first_code(&body), "CONFLICT", "{query}: {body}");
    }
}

on_both_backends!(the_largest_expected_version_is_a_conflict_not_a_crash);
