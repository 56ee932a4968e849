//! Read scale-out: with `DATABASE_READ_URL`, public reads (anonymous GraphQL queries, the REST endpoints, exports)
//! go to the replica, while writes and signed-in callers' reads stay on the primary. A second database stands in for
//! the replica here, holding fictional recommendations that the primary does not, so that every answer shows which
//! database gave it. (`bench/replica.py` runs a real streaming replica.)

use hrc_tests::fixtures::{insert_recommendations, FakeRecommendation};
use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use serde_json::{json, Value};

const FICTIONAL_COUNT: &str = "{ recommendations(filter: { fictional: true }) { totalCount } }";

async fn public_reads_go_to_the_replica_and_the_rest_to_the_primary(app: TestApp) {
    let backend = app.backend;
    drop(app);
    let replica = TestDatabase::create(backend).expect("the backend is configured");
    // The replica's schema and reference data, as streaming replication would give them, plus three recommendations
    // of its own.
    hrc_api::startup::prepare_database(&test_settings(&replica), true).expect("the replica is prepared");
    let only_on_replica: Vec<_> = (0..3).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&replica.url, &only_on_replica);

    let primary = TestDatabase::create(backend).expect("the backend is configured");
    let mut settings = test_settings(&primary);
    settings.database_read_url = Some(replica.url.clone());
    let app = TestApp::spawn_with(settings, primary).await;
    insert_recommendations(&app.database.url, &[FakeRecommendation::numbered("NPL", 7)]);
    let officer = app.token("officer", &["secretariat"], None);

    // Public reads: the replica's three.
    let data = app.query(FICTIONAL_COUNT).await;
    assert_eq!(data["recommendations"]["totalCount"], 3, "an anonymous query reads the replica");
    let rest: Value = app
        .client
        .get(app.url("/api/v1/countries/NPL/recommendations?fictional=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["page"]["totalCount"], 3, "REST reads the replica: {rest}");
    let export = app.client.get(app.url("/api/v1/export/recommendations?fictional=true")).send().await.unwrap();
    assert_eq!(export.status(), 200);
    assert_eq!(export.text().await.unwrap().lines().count(), 3, "an export reads the replica");

    // A signed-in caller reads the primary (restricted data, and its own writes at once).
    let data = app.query_as(FICTIONAL_COUNT, Some(&officer)).await;
    assert_eq!(data["recommendations"]["totalCount"], 1, "a signed-in caller reads the primary");

    // A write goes to the primary: the recommendation it names is there alone, and the caller reads it back.
    let key = app.query_as("{ recommendations(filter: { fictional: true }) { nodes { key } } }", Some(&officer)).await
        ["recommendations"]["nodes"][0]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .post(
            &json!({
                "query": "mutation($key: String!) { addImplementationReport(recommendationKey: $key, input: { status: IN_PROGRESS, reportedOn: \"2025-03-01\", sourceKind: STATE, evidence: \"FICTIONAL\" }) { status } }",
                "variables": { "key": key },
            }),
            Some(&officer),
        )
        .await;
    assert_eq!(body["data"]["addImplementationReport"]["status"], "IN_PROGRESS", "{body}");
    let read_back = format!(r#"{{ recommendation(key: "{key}") {{ currentImplementationStatus }} }}"#);
    let data = app.query_as(&read_back, Some(&officer)).await;
    assert_eq!(data["recommendation"]["currentImplementationStatus"], "IN_PROGRESS");
    // The public does not see it until the replica has it (here: never; a real replica within moments).
    let data = app.query(&read_back).await;
    assert_eq!(data["recommendation"], Value::Null, "{data}");

    // Readiness checks both databases; the metrics show the replica's pool and count its statements.
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"hrc_db_pool_max_connections{pool="public_read"}"#), "{metrics}");
}

on_both_backends!(public_reads_go_to_the_replica_and_the_rest_to_the_primary);
