//! Abuse limits beyond depth and complexity: document length, aliases, a time limit per request, and no
//! introspection or suggestions for the anonymous public where the settings say so (production's default).

use hrc_tests::{first_code, test_settings, Backend, TestApp, TestDatabase};
use serde_json::json;

async fn app_with(change: impl FnOnce(&mut hrc_schema::Limits)) -> TestApp {
    let database = TestDatabase::create(Backend::Sqlite).expect("SQLite");
    let mut settings = test_settings(&database);
    change(&mut settings.limits);
    TestApp::spawn_with(settings, database).await
}

#[tokio::test]
async fn too_many_aliases_are_refused_before_anything_runs() {
    let app = app_with(|l| l.aliases = 30).await;
    let fields = |n: usize| (0..n).map(|i| format!("a{i}: countries {{ isoCode }}")).collect::<Vec<_>>().join(" ");
    let data = app.query(&format!("{{ {} }}", fields(30))).await;
    assert_eq!(data.as_object().unwrap().len(), 30);
    let (_, code, body) = app.query_error(&format!("{{ {} }}", fields(31))).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("31 aliases; the limit is 30"), "{body}");
    // Aliases inside fragments count too.
    let (_, code, _) = app.query_error(&format!("query {{ ...F }} fragment F on Query {{ {} }}", fields(31))).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn an_overlong_document_is_refused() {
    let app = app_with(|l| l.document_bytes = 1_000).await;
    let padded = format!("{{ countries {{ isoCode }} }} #{}", "x".repeat(1_000));
    let (_, code, body) = app.query_error(&padded).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("the limit is 1000"), "{body}");
    app.query("{ countries { isoCode } }").await;
}

#[tokio::test]
async fn a_request_that_runs_out_of_time_is_stopped_with_timeout() {
    let app = app_with(|l| l.timeout = std::time::Duration::from_millis(1)).await;
    // 5,000 fictional recommendations make the aggregates below take tens of milliseconds, far beyond the limit.
    hrc_tests::fixtures::load_demo(&app, 5_000, 1).await;
    let slow = "{ a: recommendationCounts(groupBy: [THEME, IMPLEMENTATION_STATUS]) { count } \
                b: recommendationCounts(groupBy: [COUNTRY, RESPONSE]) { count } \
                c: recommendations(first: 100, filter: { search: \"institution\" }) { totalCount } }";
    let (status, code, body) = app.query_error(slow).await;
    assert_eq!(code, "TIMEOUT", "{body}");
    assert_eq!(status, 200);
    assert!(body["data"].is_null(), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("longer than 1 ms"));
    // A document that needs nothing from the database answers.
    let data = app.query("{ __typename }").await;
    assert_eq!(data["__typename"], "Query");
}

#[tokio::test]
async fn the_anonymous_public_may_be_denied_introspection_and_suggestions() {
    let app = app_with(|l| l.anonymous_introspection = false).await;
    for query in [
        "{ __schema { types { name } } }",
        r#"{ __type(name: "Country") { name } }"#,
        "query { ... on Query { __schema { queryType { name } } } }",
    ] {
        let (_, body) = app.post(&json!({ "query": query }), None).await;
        assert_eq!(first_code(&body), "UNAUTHENTICATED", "introspection is off for the anonymous public: {body}");
        assert!(body["data"].is_null(), "{body}");
    }
    let (_, body) = app.post(&json!({ "query": "{ countrie { isoCode } }" }), None).await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert!(!body.to_string().contains("Did you mean"), "no suggestions: {body}");
    // A signed-in caller keeps both.
    let token = app.token("partner-system", &["partner"], None);
    let data = app.query_as("{ __schema { queryType { name } } }", Some(&token)).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    let (_, body) = app.post(&json!({ "query": "{ countrie { isoCode } }" }), Some(&token)).await;
    assert!(body.to_string().contains("Did you mean"), "{body}");
    // The data itself is as public as ever.
    app.query(r#"{ country(isoCode: "NPL") { isoCode } }"#).await;
}

#[tokio::test]
async fn each_caller_has_a_budget_of_points_and_is_refused_beyond_it() {
    let app = app_with(|l| {
        l.rate_points = 100;
        l.rate_window = std::time::Duration::from_secs(600);
    })
    .await;
    let send = |token: Option<String>| {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ rateLimit { limit cost remaining resetAt } regionalGroups { code } }" }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    // The query costs its complexity; requests fit while the budget lasts, the next one does not.
    let mut remaining = Vec::new();
    let refused = loop {
        let response = send(None).await.unwrap();
        if response.status() == 429 {
            break response;
        }
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        let (limit, left, cost, reset) = (
            header("x-ratelimit-limit"),
            header("x-ratelimit-remaining"),
            header("x-ratelimit-cost"),
            header("x-ratelimit-reset"),
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["data"]["rateLimit"]["remaining"].to_string(), left, "{body}");
        assert_eq!(body["data"]["rateLimit"]["cost"].to_string(), cost, "{body}");
        assert_eq!(limit, "100");
        let reset_at = chrono::DateTime::parse_from_rfc3339(body["data"]["rateLimit"]["resetAt"].as_str().unwrap());
        assert_eq!(reset_at.unwrap().timestamp().to_string(), reset, "the reset header is resetAt in Unix seconds");
        assert_eq!(body["data"]["rateLimit"]["limit"], 100);
        remaining.push(body["data"]["rateLimit"]["remaining"].as_i64().unwrap());
        assert!(remaining.len() <= 100, "never refused");
    };
    let cost = 100 - remaining[0];
    assert!(cost > 1, "the cost is the query's complexity: {cost}");
    assert_eq!(remaining.len() as i64, 100 / cost, "{remaining:?}");
    assert!(remaining.windows(2).all(|w| w[0] - w[1] == cost), "{remaining:?}");
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "Retry-After within the window: {wait}");
    assert_eq!(refused.headers()["x-ratelimit-remaining"].to_str().unwrap(), remaining.last().unwrap().to_string());
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(first_code(&body), "RATE_LIMITED", "{body}");
    assert!(body["data"].is_null(), "nothing ran: {body}");
    // A forged forwarding header does not make a new caller.
    let forged = app
        .client
        .post(app.url("/graphql"))
        .header("X-Forwarded-For", "203.0.113.9")
        .header("Forwarded", "for=203.0.113.9")
        .json(&json!({ "query": "{ rateLimit { limit cost remaining resetAt } regionalGroups { code } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 429, "the budget follows the connection, not a header");
    // Another caller (a token's subject) has its own budget.
    let token = app.token("partner-system", &["partner"], None);
    let response = send(Some(token)).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_list_costs_its_page_size_times_its_items() {
    let app = app_with(|_| {}).await;
    // 100 mandates with 5 visits each: within the default limit (10,000), and the cost says so.
    let data = app
        .query("{ rateLimit { cost } mandates(first: 100) { edges { node { key visits(first: 5) { key } } } } }")
        .await;
    let cost = data["rateLimit"]["cost"].as_i64().unwrap();
    assert!(cost > 500 && cost < 10_000, "{cost}");
    // With 100 visits each, the same document would cost about twenty times more: refused before it runs.
    let (_, code, body) =
        app.query_error("{ mandates(first: 100) { edges { node { key visits(first: 100) { key } } } } }").await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    // The default page counts when no size is given.
    let small = app.query("{ rateLimit { cost } mandates { edges { node { key } } } }").await;
    let big = app.query("{ rateLimit { cost } mandates(first: 100) { edges { node { key } } } }").await;
    assert!(big["rateLimit"]["cost"].as_i64().unwrap() > 4 * small["rateLimit"]["cost"].as_i64().unwrap());
}

/// Every request is checked, the same one again included: charged the same each time, and refused each time it
/// is over a limit.
async fn the_same_request_is_checked_and_charged_alike_each_time(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let mut settings = test_settings(&database);
    settings.limits.complexity = 60;
    settings.limits.aliases = 2;
    settings.limits.anonymous_introspection = false;
    settings.limits.rate_points = 10_000;
    settings.limits.rate_window = std::time::Duration::from_secs(600);
    let app = TestApp::spawn_with(settings, database).await;
    let token = app.token("partner-system", &["partner"], None);
    let page = |n: i64| {
        json!({
            "query": "query Page($n: Int) { rateLimit { cost remaining } mandates(first: $n) { nodes { key } } }",
            "variables": { "n": n },
            "operationName": "Page",
        })
    };

    // Three times the same request: charged the same each time, and answered the same.
    let mut seen = Vec::new();
    for _ in 0..3 {
        let (status, body) = app.post(&page(3), Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        seen.push(body["data"].clone());
    }
    let cost = seen[0]["rateLimit"]["cost"].as_i64().unwrap();
    assert!(cost > 1 && cost < 60, "{cost}");
    for pair in seen.windows(2) {
        assert_eq!(pair[1]["rateLimit"]["cost"], cost, "{seen:?}");
        let spent =
            pair[0]["rateLimit"]["remaining"].as_i64().unwrap() - pair[1]["rateLimit"]["remaining"].as_i64().unwrap();
        assert_eq!(spent, cost, "each time is charged: {seen:?}");
        assert_eq!(pair[0]["mandates"], pair[1]["mandates"]);
    }
    assert_eq!(seen[0]["mandates"]["nodes"].as_array().unwrap().len(), 3);

    // The variables are part of the request: the same document asking for 100 is too complex, every time.
    for _ in 0..2 {
        let (_, body) = app.post(&page(100), Some(&token)).await;
        assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX", "{body}");
        assert!(body.get("data").is_none(), "{body}");
    }
    // So is a document over a limit of our own (aliases), every time.
    for _ in 0..2 {
        let (_, body) =
            app.post(&json!({ "query": "{ a: regionalGroups { code } b: regionalGroups { code } c: regionalGroups { code } }" }), Some(&token)).await;
        assert_eq!(first_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    }

    // What passed for a signed-in caller is checked again for the anonymous public, whose schema differs: the
    // introspection a partner may run twice stays refused to the public.
    let introspection = json!({ "query": "{ __schema { queryType { name } } }" });
    for _ in 0..2 {
        let (_, body) = app.post(&introspection, Some(&token)).await;
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query", "{body}");
    }
    for _ in 0..2 {
        let (_, body) = app.post(&introspection, None).await;
        assert_eq!(first_code(&body), "UNAUTHENTICATED", "{body}");
    }
    // The public's own request, charged to the public's own budget each time.
    for round in 0..2 {
        let (_, body) = app.post(&page(3), None).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["rateLimit"]["remaining"], 10_000 - cost * (round + 1), "{body}");
    }
}

#[tokio::test]
async fn the_same_request_is_checked_and_charged_alike_each_time_sqlite() {
    the_same_request_is_checked_and_charged_alike_each_time(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_same_request_is_checked_and_charged_alike_each_time_postgres() {
    the_same_request_is_checked_and_charged_alike_each_time(Backend::Postgres).await;
}

/// On PostgreSQL the pool's connections carry a `statement_timeout` a second past the request's time limit: a
/// request stopped with `TIMEOUT` does not leave its statement running on the connection it held.
#[tokio::test]
async fn a_statement_outliving_the_request_limit_is_cancelled_by_postgres() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    let mut settings = test_settings(&database);
    settings.limits.timeout = std::time::Duration::from_millis(200);
    let app = TestApp::spawn_with(settings, database).await;
    let started = std::time::Instant::now();
    let outcome = app
        .db
        .run(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT pg_sleep(5)").execute(c).map_err(hrc_db::DbError::from)
        })
        .await;
    let took = started.elapsed();
    let error = outcome.expect_err("the statement is cancelled");
    assert!(error.to_string().contains("statement timeout"), "{error}");
    assert!(took >= std::time::Duration::from_millis(1_100) && took < std::time::Duration::from_secs(3), "{took:?}");
    // The connection is fine afterwards.
    let data = app.query("{ regionalGroups { code } }").await;
    assert_eq!(data["regionalGroups"].as_array().unwrap().len(), 5);
}

/// On PostgreSQL the pool's connections run without JIT compilation, whatever the server's default: it cost a
/// count over a million recommendations a quarter of its time.
#[tokio::test]
async fn postgres_connections_run_without_jit() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    let app = TestApp::spawn_with(test_settings(&database), database).await;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        jit: String,
    }
    let shown = app
        .db
        .run(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SHOW jit").get_result::<Setting>(c).map_err(hrc_db::DbError::from)
        })
        .await
        .expect("SHOW jit runs");
    assert_eq!(shown.jit, "off");
}
