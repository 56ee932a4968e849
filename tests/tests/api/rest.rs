//! REST for partner systems, `/api/v1/…`: the same records, IDs, filters and cursors as GraphQL, problem details
//! naming what is wrong, ETags with `304`, and the OpenAPI document served as committed.

use hrc_tests::{on_both_backends, TestApp};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

async fn with_demo(app: &TestApp) {
    hrc_tests::fixtures::load_demo(app, 1_000, 5).await;
}

/// GETs a REST path; the status, the headers and the JSON body (`Null` when there is none).
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (StatusCode, header::HeaderMap, Value) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("a JSON body") };
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json", "{path}: {body}");
        assert_eq!(body["status"], status.as_u16(), "{body}");
        assert!(body["code"].as_str().is_some_and(|c| !c.is_empty()), "{body}");
        assert!(body["detail"].as_str().is_some_and(|c| !c.is_empty()), "{body}");
    }
    (status, headers, body)
}

async fn ok(app: &TestApp, path: &str) -> Value {
    let (status, _, body) = get(app, path, &[]).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// Every page of a REST list, following `nextCursor`: the IDs in order, and the total the first page gave.
async fn all_pages(app: &TestApp, path: &str) -> (Vec<String>, i64) {
    let separator = if path.contains('?') { '&' } else { '?' };
    let first = ok(app, path).await;
    let total = first["page"]["totalCount"].as_i64().unwrap();
    let mut ids = Vec::new();
    let mut page = first;
    loop {
        ids.extend(page["data"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page["page"]["nextCursor"].as_str() {
            Some(cursor) => page = ok(app, &format!("{path}{separator}after={cursor}")).await,
            None => {
                assert_eq!(page["page"]["hasNextPage"], false);
                break;
            }
        }
    }
    (ids, total)
}

/// The IDs GraphQL lists for the same request.
async fn graphql_ids(app: &TestApp, list: &str, args: &str) -> Vec<String> {
    let data = app.query(&format!("{{ {list}({args}) {{ nodes {{ id }} }} }}")).await;
    data[list]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect()
}

async fn rest_lists_give_graphqls_records_ids_filters_and_cursors(app: TestApp) {
    with_demo(&app).await;

    // Visits: filtered, paged by 7, in both orders.
    let (ids, total) = all_pages(&app, "/api/v1/visits?first=7&status=COMPLETED").await;
    let graphql = graphql_ids(&app, "visits", "first: 100, filter: { status: COMPLETED }").await;
    assert!(total > 7, "several pages: {total}");
    assert_eq!(ids.len() as i64, total);
    assert_eq!(ids, graphql, "the same visits, IDs and order as GraphQL");
    let (newest_first, _) = all_pages(&app, "/api/v1/visits?first=50&sort=-id&status=COMPLETED").await;
    assert_eq!(newest_first, graphql.iter().rev().cloned().collect::<Vec<_>>());

    // Mandates, with a filter.
    let (mandates, total) = all_pages(&app, "/api/v1/mandates?first=2&scope=THEMATIC").await;
    assert_eq!(mandates, graphql_ids(&app, "mandates", "first: 100, scope: THEMATIC").await);
    assert_eq!(mandates.len() as i64, total);
    assert!(total >= 3);

    // A State's recommendations, with a filter, any case of ISO code.
    let data = app
        .query("{ recommendations(first: 1, filter: { fictional: true, response: SUPPORTED }) { nodes { country { isoCode } response } } }")
        .await;
    let iso = data["recommendations"]["nodes"][0]["country"]["isoCode"].as_str().unwrap().to_owned();
    let response = data["recommendations"]["nodes"][0]["response"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/countries/{}/recommendations?first=5&response={response}", iso.to_lowercase());
    let (recommendations, total) = all_pages(&app, &path).await;
    let filter = format!(r#"first: 100, filter: {{ country: "{iso}", response: {response} }}"#);
    assert_eq!(recommendations, graphql_ids(&app, "recommendations", &filter).await);
    assert_eq!(recommendations.len() as i64, total);
    assert!(total >= 1);

    // updatedSince: nothing has changed since a minute from now; everything since 2000.
    let later = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let none = ok(&app, &format!("/api/v1/visits?updatedSince={}", later.replace('+', "%2B"))).await;
    assert_eq!(none["page"]["totalCount"], 0, "{none}");
    let since = ok(&app, "/api/v1/visits?updatedSince=2000-01-01T00:00:00Z").await;
    assert_eq!(since["page"]["totalCount"], ok(&app, "/api/v1/visits").await["page"]["totalCount"]);

    // One record by its GraphQL ID: the same fields as GraphQL gives.
    let id = &recommendations[0];
    let record = ok(&app, &format!("/api/v1/recommendations/{id}")).await;
    let query = format!(
        r#"{{ node(id: "{id}") {{ ... on Recommendation {{ id key text country {{ isoCode }} response
            themes {{ key }} sdgTargets {{ code }} currentImplementationStatus implementationHistory {{ status reportedOn }} }} }} }}"#
    );
    let node = app.query(&query).await["node"].clone();
    for field in ["id", "key", "text", "response", "currentImplementationStatus"] {
        assert_eq!(record[field], node[field], "{field}");
    }
    assert_eq!(record["country"]["isoCode"], node["country"]["isoCode"]);
    let keys = |list: &Value, field: &str| -> Vec<Value> {
        list.as_array().unwrap().iter().map(|t| t[field].clone()).collect()
    };
    assert_eq!(keys(&record["themes"], "key"), keys(&node["themes"], "key"));
    assert_eq!(keys(&record["sdgTargets"], "code"), keys(&node["sdgTargets"], "code"));
    assert_eq!(keys(&record["implementationHistory"], "status"), keys(&node["implementationHistory"], "status"));
    assert_eq!(record["fictional"], true);
    let mandate = ok(&app, &format!("/api/v1/mandates/{}", mandates[0])).await;
    assert_eq!(mandate["id"], mandates[0].as_str());
    assert!(mandate["holders"].is_array() && mandate["name"].is_string(), "{mandate}");
}

async fn bad_rest_requests_are_refused_naming_what_is_wrong(app: TestApp) {
    let cases: &[(&str, StatusCode, &str, Option<&str>)] = &[
        ("/api/v1/mandates?first=abc", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("first")),
        ("/api/v1/mandates?first=0", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("first")),
        ("/api/v1/mandates?first=101", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("first")),
        ("/api/v1/mandates?frist=5", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("frist")),
        ("/api/v1/mandates?first=5&first=6", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("first")),
        ("/api/v1/mandates?scope=thematic", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("scope")),
        ("/api/v1/mandates?country=XXX", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("country")),
        ("/api/v1/mandates?after=!!", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("after")),
        ("/api/v1/visits?updatedSince=yesterday", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("updatedSince")),
        ("/api/v1/visits?year=twenty", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("year")),
        ("/api/v1/visits?mandate=no-such-mandate", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("mandate")),
        ("/api/v1/countries/NPL/recommendations?theme=nope", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("theme")),
        (
            "/api/v1/countries/NPL/recommendations?madeFrom=2020-13-01",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            Some("madeFrom"),
        ),
        ("/api/v1/countries/XXX/recommendations", StatusCode::NOT_FOUND, "NOT_FOUND", None),
        ("/api/v1/mandates/not-an-id", StatusCode::BAD_REQUEST, "BAD_USER_INPUT", Some("id")),
        ("/api/v1/mandates/TWFuZGF0ZTpub3Bl", StatusCode::NOT_FOUND, "NOT_FOUND", None),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND, "NOT_FOUND", None),
    ];
    for (path, status, code, field) in cases {
        let (actual, _, body) = get(&app, path, &[]).await;
        assert_eq!(actual, *status, "{path}: {body}");
        assert_eq!(body["code"], *code, "{path}: {body}");
        assert_eq!(body["field"].as_str(), *field, "{path}: {body}");
        assert!(body["requestId"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    }
    // Read-only: other methods are 405 with Allow; HEAD is GET without the body.
    for method in [reqwest::Method::POST, reqwest::Method::DELETE, reqwest::Method::TRACE] {
        let response = app.client.request(method.clone(), app.url("/api/v1/mandates")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(response.headers()[header::ALLOW], "GET, HEAD");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "METHOD_NOT_ALLOWED");
    }
    let head = app.client.head(app.url("/api/v1/visits")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.headers().contains_key(header::ETAG));
    assert!(head.text().await.unwrap().is_empty());

    // A recommendation's ID on the mandates' path names no mandate.
    let recommendation = app.query("{ recommendations(first: 1) { nodes { id } } }").await["recommendations"]["nodes"]
        [0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, body) = get(&app, &format!("/api/v1/mandates/{recommendation}"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // A token must verify; a good one reads public data only, the same as anonymous.
    let (status, headers, body) = get(&app, "/api/v1/mandates", &[("authorization", "Bearer not-a-token")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "UNAUTHENTICATED");
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let staff = app.token("officer-1", &["secretariat", "reprisals_officer"], None);
    let bearer = format!("Bearer {staff}");
    let (status, _, as_staff) = get(&app, "/api/v1/mandates", &[("authorization", &bearer)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(as_staff, ok(&app, "/api/v1/mandates").await);
}

async fn a_repeated_rest_request_is_answered_304_until_the_data_changes(app: TestApp) {
    let path = "/api/v1/mandates?first=10";
    let (status, headers, body) = get(&app, path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert!(headers.contains_key("x-ratelimit-remaining"));

    let (status, headers, empty) = get(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(empty, Value::Null, "a 304 has no body");
    assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);
    let (status, _, _) = get(&app, path, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(status, StatusCode::OK);

    // A change to a listed mandate changes the ETag.
    let token = app.token("officer-1", &["secretariat"], None);
    let (_, changed) = app
        .post(
            &json!({ "query": "mutation { updateMandate(key: \"sr-racism\", expectedVersion: 1, input: { termEndsOn: \"2028-06-30\" }) { version } }" }),
            Some(&token),
        )
        .await;
    assert_eq!(changed["data"]["updateMandate"]["version"], 2, "{changed}");
    let (status, headers, after) = get(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::OK, "the data changed");
    assert_ne!(headers[header::ETAG].to_str().unwrap(), etag);
    assert_ne!(after, body);
}

async fn the_openapi_document_is_served_as_committed_with_its_reference_page(app: TestApp) {
    let (status, headers, served) = get(&app, "/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    let committed: Value =
        serde_json::from_str(include_str!("../../../openapi/openapi.json")).expect("the committed document parses");
    assert_eq!(served, committed);
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Council Mechanisms API: REST for partner systems"), "the page embeds the document");
}

on_both_backends!(
    rest_lists_give_graphqls_records_ids_filters_and_cursors,
    bad_rest_requests_are_refused_naming_what_is_wrong,
    a_repeated_rest_request_is_answered_304_until_the_data_changes,
    the_openapi_document_is_served_as_committed_with_its_reference_page,
);
