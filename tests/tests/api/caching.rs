//! Caching for dashboards: public GET answers with ETag, `304` and `Cache-Control`; the in-process cache of public
//! responses, emptied by a change; persisted queries by hash; the allow-list.

use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

const QUERY: &str = "{ mandates(first: 5) { totalCount nodes { key termEndsOn } } }";

async fn get(
    app: &TestApp,
    params: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> (StatusCode, header::HeaderMap, Value) {
    let mut request = app.client.get(app.url("/graphql")).query(params);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    (status, headers, body)
}

fn hash(text: &str) -> String {
    hrc_api::caching::sha256_hex(text)
}

async fn a_repeated_public_get_is_answered_from_the_cache_and_304_with_its_etag(app: TestApp) {
    let app = TestApp::spawn_cached(app.backend).await;
    let (status, headers, first) = get(&app, &[("query", QUERY)], &[]).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(first.get("errors").is_none(), "{first}");
    assert_eq!(headers["x-cache"], "miss");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert_eq!(headers[header::VARY], "Accept-Language, Authorization", "a cache keeps one answer per language");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    let (status, headers, second) = get(&app, &[("query", QUERY)], &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-cache"], "hit", "the second time comes from the cache");
    assert_eq!(second, first);
    assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);

    let (status, headers, body) = get(&app, &[("query", QUERY)], &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(body, Value::Null);
    assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);

    // Another language is another entry.
    let (_, headers, _) = get(&app, &[("query", QUERY)], &[("accept-language", "zh")]).await;
    assert_eq!(headers["x-cache"], "miss");

    // A caller's own answer is never cached nor marked public.
    let token = app.token("officer-1", &["secretariat"], None);
    let bearer = format!("Bearer {token}");
    for _ in 0..2 {
        let (status, headers, body) = get(&app, &[("query", QUERY)], &[("authorization", &bearer)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!headers.contains_key("x-cache"));
        assert!(!headers.contains_key(header::ETAG));
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(headers[header::VARY], "Accept-Language, Authorization");
    }
    // The same over POST, which no HTTP cache keeps: no Vary, and no Cache-Control for the public's answer.
    let posted = app.client.post(app.url("/graphql")).json(&json!({ "query": QUERY })).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    assert_eq!(posted.headers()["x-cache"], "hit", "found by content, whichever method asked first");
    assert!(!posted.headers().contains_key(header::VARY), "{:?}", posted.headers());
    assert!(!posted.headers().contains_key(header::CACHE_CONTROL), "{:?}", posted.headers());
    assert_eq!(posted.json::<Value>().await.unwrap(), first, "the GET's answer");
    // An answer with errors is not kept.
    for _ in 0..2 {
        let (_, headers, body) = get(&app, &[("query", r#"{ country(isoCode: "1") { name } }"#)], &[]).await;
        assert!(body.get("errors").is_some());
        assert!(!headers.contains_key("x-cache"), "{headers:?}");
    }
}

/// Moves a mandate's term end (to 2029-06-30) as the secretariat: a change every cached `QUERY` answer shows.
async fn change_a_mandate(app: &TestApp) {
    let token = app.token("officer-1", &["secretariat"], None);
    let (_, changed) = app
        .post(
            &json!({ "query": "mutation { updateMandate(key: \"sr-racism\", expectedVersion: 1, input: { termEndsOn: \"2029-06-30\" }) { version } }" }),
            Some(&token),
        )
        .await;
    assert_eq!(changed["data"]["updateMandate"]["version"], 2, "{changed}");
}

async fn a_change_empties_the_cache_at_once(app: TestApp) {
    let app = TestApp::spawn_cached(app.backend).await;
    let (_, _, before) = get(&app, &[("query", QUERY)], &[]).await;
    // Hits enough for the workers' own copies of the answer to be made and served.
    for _ in 0..4 {
        let (_, headers, body) = get(&app, &[("query", QUERY)], &[]).await;
        assert_eq!(headers["x-cache"], "hit");
        assert_eq!(body, before);
    }
    change_a_mandate(&app).await;
    let (_, headers, after) = get(&app, &[("query", QUERY)], &[]).await;
    assert_eq!(headers["x-cache"], "miss", "the change emptied the cache");
    assert_ne!(after, before);
    assert!(after.to_string().contains("2029-06-30"), "{after}");
    // No worker serves its copy from before the change, and the new answer is kept in its place.
    for _ in 0..4 {
        let (_, headers, body) = get(&app, &[("query", QUERY)], &[]).await;
        assert_eq!(headers["x-cache"], "hit");
        assert_eq!(body, after);
    }
}

async fn an_answer_is_kept_no_longer_than_its_time(app: TestApp) {
    let database = TestDatabase::create(app.backend).expect("the backend is configured");
    let mut settings = test_settings(&database);
    settings.caching = Default::default();
    settings.caching.response_cache_seconds = 1;
    let app = TestApp::spawn_with(settings, database).await;
    let (_, headers, first) = get(&app, &[("query", QUERY)], &[]).await;
    assert_eq!(headers["x-cache"], "miss");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=1");
    for _ in 0..4 {
        let (_, headers, body) = get(&app, &[("query", QUERY)], &[]).await;
        assert_eq!(headers["x-cache"], "hit");
        assert_eq!(body, first);
    }
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let (_, headers, again) = get(&app, &[("query", QUERY)], &[]).await;
    assert_eq!(headers["x-cache"], "miss", "a second on, neither the cache nor a worker's copy serves the answer");
    assert_eq!(again, first);
}

async fn persisted_queries_run_by_their_hash(app: TestApp) {
    let app = TestApp::spawn_cached(app.backend).await;
    let sha = hash(QUERY);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha } }).to_string();
    // Unknown hash: the client is told to send the document.
    let (status, _, body) = get(&app, &[("extensions", &extensions)], &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // The document with its hash registers it; then the hash alone runs it, over GET, cached.
    let (_, registered) = app
        .post(&json!({ "query": QUERY, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha } } }), None)
        .await;
    assert!(registered.get("errors").is_none(), "{registered}");
    let (status, headers, body) = get(&app, &[("extensions", &extensions)], &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], registered["data"], "{body}");
    assert!(headers.contains_key(header::ETAG));
    // A hash that is not the document's, a malformed extension: refused.
    let wrong =
        json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha } } });
    let (_, body) = app.post(&wrong, None).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}");
    let malformed =
        json!({ "query": QUERY, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "abc" } } });
    let (_, body) = app.post(&malformed, None).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}");
    // A mutation by GET is refused even by hash.
    let mutation = "mutation { __typename }";
    let _ = app
        .post(&json!({ "query": mutation, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash(mutation) } } }), None)
        .await;
    let by_hash = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash(mutation) } }).to_string();
    let (status, _, _) = get(&app, &[("extensions", &by_hash)], &[]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

async fn a_cached_answer_is_charged_to_the_callers_budget(app: TestApp) {
    let database = TestDatabase::create(app.backend).unwrap();
    let mut settings = test_settings(&database);
    settings.caching = Default::default();
    settings.limits.rate_points = 60;
    let app = TestApp::spawn_with(settings, database).await;
    let (_, headers, _) = get(&app, &[("query", QUERY)], &[]).await;
    let cost: u64 = headers["x-ratelimit-cost"].to_str().unwrap().parse().unwrap();
    assert!(cost > 1, "{cost}");
    let mut hits = 0;
    loop {
        let (status, headers, body) = get(&app, &[("query", QUERY)], &[]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body}");
            assert!(headers.contains_key(header::RETRY_AFTER));
            break;
        }
        assert_eq!(headers["x-cache"], "hit");
        assert_eq!(headers["x-ratelimit-cost"].to_str().unwrap(), cost.to_string());
        hits += 1;
        assert!(hits < 60, "hits are charged");
    }
    assert_eq!(hits as u64, 60 / cost - 1, "the budget buys as many hits as runs");
}

async fn in_allow_list_mode_only_registered_documents_run(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let registered = "query Dashboard { mandates(first: 2) { totalCount } }\n";
    std::fs::write(dir.path().join("dashboard.graphql"), registered).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a document").unwrap();
    let database = TestDatabase::create(app.backend).unwrap();
    let mut settings = test_settings(&database);
    settings.caching.persisted_queries = Some(dir.path().to_path_buf());
    settings.caching.persisted_only = true;
    let app = TestApp::spawn_with(settings, database).await;

    let by_hash = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash(registered) } }).to_string();
    let (status, _, body) = get(&app, &[("extensions", &by_hash)], &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["mandates"]["totalCount"], 4, "{body}");
    let (_, by_text) = app.post(&json!({ "query": registered }), None).await;
    assert_eq!(by_text["data"], body["data"], "the registered text runs too");

    let other = "{ mandates(first: 3) { totalCount } }";
    let token = app.token("officer-1", &["secretariat"], None);
    for caller in [None, Some(token.as_str())] {
        let (_, body) = app.post(&json!({ "query": other }), caller).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_ALLOWED", "{body}");
        let register =
            json!({ "query": other, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash(other) } } });
        let (_, body) = app.post(&register, caller).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_ALLOWED",
            "a client cannot register one: {body}"
        );
    }
}

/// A `GET` is found again by its URL before its parameters are read; the same query sent another way (a `POST`,
/// or its parameters in another order) finds the same answer by its content. A hit by URL counts under its
/// operation name and as one lookup, keeps each language apart, and leaves a browser's GraphiQL page alone.
async fn a_get_is_found_by_its_url_and_shares_its_answer_with_the_same_query_sent_otherwise(app: TestApp) {
    let app = TestApp::spawn_cached(app.backend).await;
    let before = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let named = "query Dash($n: Int!) { mandates(first: $n) { totalCount nodes { key termEndsOn } } }";
    let (_, posted) =
        app.post(&json!({ "query": named, "operationName": "Dash", "variables": { "n": 3 } }), None).await;
    assert!(posted.get("errors").is_none(), "{posted}");
    let params = [("query", named), ("operationName", "Dash"), ("variables", r#"{"n":3}"#)];
    let (status, headers, by_get) = get(&app, &params, &[]).await;
    assert_eq!(status, StatusCode::OK, "{by_get}");
    assert_eq!(headers["x-cache"], "hit", "the POST's answer, found by content");
    assert_eq!(by_get, posted);
    let (_, headers, again) = get(&app, &params, &[]).await;
    assert_eq!(headers["x-cache"], "hit", "found by its URL");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert_eq!(headers["content-language"], "en");
    assert_eq!(again, posted);
    let reordered = [("variables", r#"{"n":3}"#), ("operationName", "Dash"), ("query", named)];
    let (_, headers, other_order) = get(&app, &reordered, &[]).await;
    assert_eq!(headers["x-cache"], "hit", "another URL, the same content");
    assert_eq!(other_order, posted);
    // Other variables are another answer, whatever URL carried the first.
    let (_, headers, four) =
        get(&app, &[("query", named), ("operationName", "Dash"), ("variables", r#"{"n":4}"#)], &[]).await;
    assert_eq!(headers["x-cache"], "miss");
    assert_eq!(four["data"]["mandates"]["nodes"].as_array().map(Vec::len), Some(4), "{four}");
    // The same URL in Chinese is another entry, and says so.
    let (_, headers, _) = get(&app, &params, &[("accept-language", "zh")]).await;
    assert_eq!(headers["x-cache"], "miss");
    let (_, headers, _) = get(&app, &params, &[("accept-language", "zh")]).await;
    assert_eq!(headers["x-cache"], "hit");
    assert_eq!(headers["content-language"], "zh");
    // A signed-in caller with the very URL runs it, and a bad token is refused, not served the public answer.
    let token = app.token("officer-1", &["secretariat"], None);
    let (status, headers, _) = get(&app, &params, &[("authorization", &format!("Bearer {token}"))]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!headers.contains_key("x-cache"));
    let (status, _, refused) = get(&app, &params, &[("authorization", "Bearer not-a-token")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused}");
    // A persisted query's URL, cached, still opens GraphiQL in a browser.
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash(QUERY) } }).to_string();
    let _ = app
        .post(
            &json!({ "query": QUERY, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash(QUERY) } } }),
            None,
        )
        .await;
    for _ in 0..2 {
        let (status, _, body) = get(&app, &[("extensions", &extensions)], &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["data"]["mandates"].is_object(), "{body}");
    }
    let page = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", &extensions)])
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    // Requests named Dash, each counted once whichever way it was answered: the POST, four anonymous GETs in
    // English, two in Chinese and the signed-in one. The one refused for its token never ran.
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let sample = |text: &str, prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let grown = |prefix: &str| sample(&text, prefix) - sample(&before, prefix);
    assert_eq!(grown("hrc_graphql_operation_duration_seconds_count{operation=\"Dash\"}"), 8.0, "{text}");
    // One lookup per anonymous request, a miss by URL then a hit by content counting once. Missed: the POST, n=4,
    // the first in Chinese, the persisted document's registration. Found: the first GET (by content), the second
    // (by URL), the reordered one (by content), the second in Chinese, and both persisted GETs (by content, then URL).
    assert_eq!(grown("hrc_response_cache_requests_total{result=\"hit\"}"), 6.0, "{text}");
    assert_eq!(grown("hrc_response_cache_requests_total{result=\"miss\"}"), 4.0, "{text}");
}

on_both_backends!(
    a_get_is_found_by_its_url_and_shares_its_answer_with_the_same_query_sent_otherwise,
    a_repeated_public_get_is_answered_from_the_cache_and_304_with_its_etag,
    a_change_empties_the_cache_at_once,
    an_answer_is_kept_no_longer_than_its_time,
    persisted_queries_run_by_their_hash,
    a_cached_answer_is_charged_to_the_callers_budget,
    in_allow_list_mode_only_registered_documents_run,
);

/// On PostgreSQL a change made on one node empties the other nodes' caches, through the database's notifications;
/// the node that made it emptied its own at once, and keeps what it cached after (its own change, heard back, is
/// skipped).
#[tokio::test]
async fn a_change_on_one_node_empties_the_other_nodes_cache() {
    let Some(database) = TestDatabase::create(hrc_db::Backend::Postgres) else { return };
    let mut settings = test_settings(&database);
    settings.caching = Default::default();
    let first = TestApp::spawn_with(settings.clone(), database).await;
    let second = hrc_api::Application::build(&settings).expect("the second node starts");
    let second_url = format!("http://127.0.0.1:{}/graphql", second.port());
    tokio::spawn(second.run_until_stopped());
    let on_second = || async {
        let response = first.client.get(&second_url).query(&[("query", QUERY)]).send().await.unwrap();
        let cache = response.headers().get("x-cache").map(|v| v.to_str().unwrap().to_owned());
        (cache, response.text().await.unwrap())
    };
    assert_eq!(on_second().await.0.as_deref(), Some("miss"));
    assert_eq!(on_second().await.0.as_deref(), Some("hit"));
    change_a_mandate(&first).await;
    // The first node: emptied at once, then cached again, and its own notification does not empty it.
    let (_, headers, _) = get(&first, &[("query", QUERY)], &[]).await;
    assert_eq!(headers["x-cache"], "miss");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (_, headers, body) = get(&first, &[("query", QUERY)], &[]).await;
    assert_eq!(headers["x-cache"], "hit", "{body}");
    // The second node hears of the change and serves the new data.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (cache, body) = on_second().await;
        if body.contains("2029-06-30") {
            assert_eq!(cache.as_deref(), Some("miss"), "the new answer was computed, not cached: {body}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the second node still serves the old answer: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
