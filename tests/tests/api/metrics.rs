//! Observability: `/metrics` counts requests by route pattern, GraphQL latency by operation name, errors by code,
//! DataLoader batch sizes, pool connections and statements; it takes a bearer token when one is set, and production
//! serves it only then.

use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use reqwest::StatusCode;
use serde_json::json;

/// The value of the first sample whose line starts with `prefix` (a metric name with its labels).
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines().find(|l| l.starts_with(prefix)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    response.text().await.unwrap()
}

async fn metrics_count_requests_operations_errors_batches_and_pools(app: TestApp) {
    let before = scrape(&app).await;
    let named = json!({
        "query": "query MandatesDashboard { mandates(first: 5) { nodes { key holders { name } mechanism { key } \
                  visits(first: 2) { key } } } }",
        "operationName": "MandatesDashboard",
    });
    for _ in 0..3 {
        let (status, body) = app.post(&named, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    }
    let (_, broken) = app.post(&json!({ "query": "{ mandates(" }), None).await;
    assert_eq!(broken["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
    let (_, unknown) = app.post(&json!({ "query": "{ nothingHere }" }), None).await;
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    let rest = app.client.get(app.url("/api/v1/mandates/TWFuZGF0ZTpub3QtYS1tYW5kYXRl")).send().await.unwrap();
    assert_eq!(rest.status(), StatusCode::NOT_FOUND);
    for _ in 0..2 {
        let (status, body) = app.post(&json!({ "query": "{ __typename }" }), None).await;
        assert_eq!((status, &body["data"]["__typename"]), (StatusCode::OK, &json!("Query")), "{body}");
    }
    // A method of the client's own making is counted, but not under its own name.
    let frob = reqwest::Method::from_bytes(b"FROB").unwrap();
    let odd = app.client.request(frob, app.url("/graphql")).send().await.unwrap();
    assert_eq!(odd.status(), StatusCode::METHOD_NOT_ALLOWED);

    let text = scrape(&app).await;
    let grown = |prefix: &str| sample(&text, prefix).unwrap_or(0.0) - sample(&before, prefix).unwrap_or(0.0);
    assert_eq!(
        grown("hrc_graphql_operation_duration_seconds_count{operation=\"MandatesDashboard\"}"),
        3.0,
        "three requests under their operation name:\n{text}"
    );
    assert_eq!(
        grown("hrc_graphql_operation_duration_seconds_count{operation=\"anonymous\"}"),
        4.0,
        "unnamed requests under `anonymous`: the two that ran and the two refused:\n{text}"
    );
    assert_eq!(grown("hrc_http_requests_total{method=\"OTHER\",route=\"/graphql\",status=\"405\"}"), 1.0, "{text}");
    assert!(!text.contains("FROB"), "a method outside HTTP's own is no label:\n{text}");
    assert_eq!(grown("hrc_graphql_errors_total{code=\"GRAPHQL_PARSE_FAILED\"}"), 1.0, "{text}");
    assert_eq!(grown("hrc_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}"), 1.0, "{text}");
    assert!(grown("hrc_graphql_errors_total{code=\"NOT_FOUND\"}") >= 1.0, "REST refusals count too:\n{text}");
    assert!(grown("hrc_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"}") >= 5.0, "{text}");
    assert_eq!(
        grown("hrc_http_requests_total{method=\"GET\",route=\"/api/v1/mandates/{id}\",status=\"404\"}"),
        1.0,
        "routes are patterns:\n{text}"
    );
    assert!(!text.contains("TWFuZGF0ZTpub3QtYS1tYW5kYXRl"), "no path, ID or query text in the metrics");
    assert!(!text.contains("nothingHere"));
    assert!(sample(&text, "hrc_http_request_duration_seconds_count{route=\"/graphql\"}").unwrap_or(0.0) >= 5.0);
    assert!(sample(&text, "hrc_dataloader_batch_size_count{loader=").unwrap_or(0.0) >= 1.0, "{text}");
    assert!(grown("hrc_db_statements_total") >= 3.0, "the dashboard's visits, one statement each time:\n{text}");
    assert!(sample(&text, "hrc_db_statements_kept_total").is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "hrc_db_pool_connections{pool=\"public\",state=\"idle\"}").is_some(), "{text}");
    assert!(sample(&text, "hrc_db_pool_connections{pool=\"confidential\",state=\"in_use\"}").is_some(), "{text}");
    assert_eq!(sample(&text, "hrc_db_pool_max_connections{pool=\"public\"}"), Some(4.0), "the test pool's size");
    assert!(text.contains("hrc_response_cache_requests_total{result=\"miss\"}"), "{text}");
    assert!(text.trim_end().ends_with("# EOF"), "OpenMetrics ends with # EOF");
}

async fn the_metrics_take_their_token_and_production_serves_them_only_with_one(app: TestApp) {
    let database = TestDatabase::create(app.backend).expect("the backend is configured");
    let mut settings = test_settings(&database);
    settings.observability.metrics_token = Some("a-scraper-token-of-some-length".into());
    let guarded = TestApp::spawn_with(settings, database).await;
    let metrics = guarded.url("/metrics");
    let none = guarded.client.get(&metrics).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("www-authenticate"));
    let wrong = guarded.client.get(&metrics).bearer_auth("a-scraper-token-of-some-lengtX").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = guarded.client.get(&metrics).bearer_auth("a-scraper-token-of-some-length").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    assert!(right.text().await.unwrap().contains("hrc_http_requests_total"));

    // The server under test runs in development without a token: open.
    assert_eq!(app.client.get(app.url("/metrics")).send().await.unwrap().status(), StatusCode::OK);
    let access = |token: Option<&str>, production: bool| {
        hrc_api::startup::MetricsAccess::decide(token.map(str::to_owned), production)
    };
    assert_eq!(access(None, true), hrc_api::startup::MetricsAccess::Off, "production without a token: off");
    assert_eq!(access(None, false), hrc_api::startup::MetricsAccess::Open);
    assert_eq!(access(Some("t"), true), hrc_api::startup::MetricsAccess::Token("t".into()));
}

on_both_backends!(
    metrics_count_requests_operations_errors_batches_and_pools,
    the_metrics_take_their_token_and_production_serves_them_only_with_one,
);
