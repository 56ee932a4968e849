//! The counts of recommendations in memory (`recommendationCounts`, a list's `totalCount` and `countUpTo`): counted
//! again they cost no statement, they are the counts the database gives, a mutation's change is counted at once, and
//! on PostgreSQL a change announced by another node is heard.

use diesel::prelude::*;
use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use serde_json::{json, Value};

/// Counts of every kind, and a page that shows none of them.
const COUNTS: &str = "{
  byGroup: recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS]) { values { key label } count }
  byResponse: recommendationCounts(groupBy: [RESPONSE], filter: { uprCycle: 3 }) { values { key } count }
  recommendations(first: 5, filter: { uprCycle: 3 }) { totalCount countUpTo(limit: 10) { count exact } nodes { key } }
}";

async fn counts_cost_no_statement_once_counted_and_agree_with_the_database(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 200, 7).await;
    let (first, data) = app.statements_of(COUNTS).await;
    let (warm, again) = app.statements_of(COUNTS).await;
    assert_eq!(data, again, "the same answer twice");
    assert!(data["byGroup"].as_array().is_some_and(|b| b.len() > 3), "{data}");
    assert!(data["recommendations"]["totalCount"].as_i64().is_some_and(|n| n > 10), "{data}");
    assert_eq!(data["recommendations"]["countUpTo"], json!({ "count": 10, "exact": false }), "{data}");
    // A server that keeps no counts (`HRC_COUNT_CACHE_SECONDS=0`), over the same demo data.
    let database = TestDatabase::create(app.backend).expect("the backend is configured");
    let mut settings = test_settings(&database);
    settings.limits.count_cache = std::time::Duration::ZERO;
    let plain = TestApp::spawn_with(settings, database).await;
    hrc_tests::fixtures::load_demo(&plain, 200, 7).await;
    let (plain_first, plain_data) = plain.statements_of(COUNTS).await;
    let (plain_again, _) = plain.statements_of(COUNTS).await;
    assert_eq!(data, plain_data, "the counts kept are those the database gives");
    eprintln!(
        "{}: {first} statements, then {warm}; {plain_first} and {plain_again} without the cache",
        app.backend.name()
    );
    // Once counted, only the page is read.
    assert_eq!(warm, 1, "the page alone");
    assert_eq!(plain_again, plain_first, "without the cache every count is read each time");
    assert!(plain_again >= 5, "two bucket counts, the labels, the total, the bounded count and the page");
}

/// Counts by implementation status, and the number of recommendations with one status, as maps.
async fn by_status(app: &TestApp, token: Option<&str>, status: &str) -> (std::collections::HashMap<String, i64>, i64) {
    let query = format!(
        "{{ recommendationCounts(groupBy: [IMPLEMENTATION_STATUS]) {{ values {{ key }} count }}
            recommendations(first: 1, filter: {{ implementationStatus: {status} }}) {{ totalCount }} }}"
    );
    let data = app.query_as(&query, token).await;
    let buckets = data["recommendationCounts"].as_array().unwrap_or_else(|| panic!("no counts in {data}"));
    let map = buckets
        .iter()
        .map(|b| (b["values"][0]["key"].as_str().unwrap_or("none").to_owned(), b["count"].as_i64().unwrap()))
        .collect();
    (map, data["recommendations"]["totalCount"].as_i64().unwrap())
}

async fn a_mutation_s_change_is_counted_at_once(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 60, 3).await;
    let data = app.query("{ recommendations(first: 1, orderBy: { field: ID, direction: DESC }) { nodes { key currentImplementationStatus } } }").await;
    let node = &data["recommendations"]["nodes"][0];
    let key = node["key"].as_str().unwrap().to_owned();
    let before = node["currentImplementationStatus"].as_str().unwrap_or("none").to_owned();
    let status = if before == "FULLY_IMPLEMENTED" { "IN_PROGRESS" } else { "FULLY_IMPLEMENTED" };
    let (counts, total) = by_status(&app, None, status).await;
    // Counted once, then served from memory.
    let statements = app.db.statements_executed();
    assert_eq!(by_status(&app, None, status).await, (counts.clone(), total));
    assert_eq!(app.db.statements_executed() - statements, 1, "the page alone: the counts are served from memory");
    let token = app.token("officer-9", &["secretariat"], None);
    let report = json!({
        "query": "mutation($key: String!, $status: ImplementationStatus!, $on: Date!) {
            addImplementationReport(recommendationKey: $key,
              input: { status: $status, reportedOn: $on, sourceKind: STATE }) { status } }",
        "variables": { "key": key, "status": status, "on": chrono::Utc::now().date_naive().to_string() },
    });
    let (_, body) = app.post(&report, Some(&token)).await;
    assert!(body.get("errors").is_none(), "{body}");
    // Counted anew at once, for the anonymous public and for the caller who changed it.
    for token in [None, Some(token.as_str())] {
        let (after, after_total) = by_status(&app, token, status).await;
        let of = |map: &std::collections::HashMap<String, i64>, key: &str| map.get(key).copied().unwrap_or(0);
        assert_eq!(of(&after, status), of(&counts, status) + 1, "{counts:?} then {after:?}");
        assert_eq!(of(&after, &before), of(&counts, &before) - 1, "{counts:?} then {after:?}");
        assert_eq!(after_total, total + 1);
    }
}

on_both_backends!(
    counts_cost_no_statement_once_counted_and_agree_with_the_database,
    a_mutation_s_change_is_counted_at_once,
);

/// On PostgreSQL a change announced on the events channel (by another node, or by `hrc-api import`) empties the
/// counts: a change made behind the server's back is counted late until it is announced, and then at once.
#[tokio::test]
async fn an_announced_change_empties_the_counts() {
    let Some(app) = TestApp::spawn(hrc_db::Backend::Postgres).await else { return };
    hrc_tests::fixtures::load_demo(&app, 40, 5).await;
    const TOTAL: &str = "{ recommendations(first: 1, filter: { response: NOTED }) { totalCount } }";
    let total = |data: Value| data["recommendations"]["totalCount"].as_i64().unwrap();
    let noted = total(app.query(TOTAL).await);
    let changed = app
        .db
        .run(|c| {
            use hrc_db::schema::recommendations;
            let id: i64 = recommendations::table
                .filter(recommendations::response.ne("NOTED").or(recommendations::response.is_null()))
                .select(recommendations::id)
                .first(c)?;
            Ok(diesel::update(recommendations::table.find(id)).set(recommendations::response.eq("NOTED")).execute(c)?)
        })
        .await
        .unwrap();
    assert_eq!(changed, 1);
    // Unannounced, the change waits for the count's time to live.
    assert_eq!(total(app.query(TOTAL).await), noted, "the count kept is served");
    app.announce_change().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = total(app.query(TOTAL).await);
        if now == noted + 1 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the announced change was not heard: {now}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
