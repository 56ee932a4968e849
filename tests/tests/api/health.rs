use hrc_tests::{on_both_backends, StatusCode, TestApp};
use serde_json::Value;

async fn readiness_reports_the_database_it_checked(app: TestApp) {
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.backend.name());
}

async fn graphiql_is_served_to_a_browser(app: TestApp) {
    let page = app.client.get(app.url("/graphql")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"), "not a GraphiQL page: {}", &html[..html.len().min(200)]);
}

async fn a_query_can_be_sent_with_get(app: TestApp) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "query($c: String!) { country(isoCode: $c) { isoCode } }"), ("variables", r#"{"c":"npl"}"#)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["country"]["isoCode"], "NPL", "{body}");
}

on_both_backends!(
    readiness_reports_the_database_it_checked,
    graphiql_is_served_to_a_browser,
    a_query_can_be_sent_with_get
);
