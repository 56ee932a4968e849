use diesel::prelude::*;
use hrc_db::schema::recommendations;
use hrc_tests::fixtures::{insert_recommendations, FakeRecommendation};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $order: ListOrder) {
    recommendations(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: { fictional: true }) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { key updatedAt } }
    }
}";

async fn page(app: &TestApp, variables: Value) -> Value {
    let (_, body) = app.post(&json!({ "query": PAGE, "variables": variables }), None).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["recommendations"].clone()
}

fn keys(page: &Value) -> Vec<String> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["key"].as_str().unwrap().to_owned()).collect()
}

/// Twelve fixtures whose `updated_at` runs against their creation order, with ties in threes.
async fn fixtures(app: &TestApp) -> Vec<i64> {
    let ids = insert_recommendations(
        &app.database.url,
        &(0..12).map(|n| FakeRecommendation::numbered("NPL", n)).collect::<Vec<_>>(),
    );
    let url = app.database.url.clone();
    let moved = ids.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        for (i, id) in moved.iter().enumerate() {
            let at = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
                - chrono::Duration::days((i / 3) as i64);
            diesel::update(recommendations::table.find(id))
                .set(recommendations::updated_at.eq(at))
                .execute(&mut conn)
                .unwrap();
        }
    })
    .await
    .unwrap();
    ids
}

async fn lists_page_both_ways_in_any_order_without_gaps_or_repeats(app: TestApp) {
    fixtures(&app).await;
    for order in [
        json!({ "field": "ID", "direction": "ASC" }),
        json!({ "field": "ID", "direction": "DESC" }),
        json!({ "field": "UPDATED_AT", "direction": "ASC" }),
        json!({ "field": "UPDATED_AT", "direction": "DESC" }),
    ] {
        let all = page(&app, json!({ "first": 100, "order": order })).await;
        let expected = keys(&all);
        assert_eq!(expected.len(), 12);
        // The order holds: by the field, ties by creation order (which the keys' numbers follow here).
        let stamps: Vec<&str> =
            all["edges"].as_array().unwrap().iter().map(|e| e["node"]["updatedAt"].as_str().unwrap()).collect();
        if order["field"] == "UPDATED_AT" {
            let mut sorted = stamps.clone();
            sorted.sort();
            if order["direction"] == "DESC" {
                sorted.reverse();
            }
            assert_eq!(stamps, sorted, "{order}");
        }

        // Forwards in pages of 5.
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let p = page(&app, json!({ "first": 5, "after": after, "order": order })).await;
            seen.extend(keys(&p));
            if p["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = p["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, expected, "forwards, {order}");

        // Backwards in pages of 5.
        let mut seen = Vec::new();
        let mut before = Value::Null;
        loop {
            let p = page(&app, json!({ "last": 5, "before": before, "order": order })).await;
            let mut chunk = keys(&p);
            chunk.extend(seen);
            seen = chunk;
            if p["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = p["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(seen, expected, "backwards, {order}");
    }
}

async fn a_cursor_only_works_in_the_order_it_came_from(app: TestApp) {
    fixtures(&app).await;
    let p = page(&app, json!({ "first": 2, "order": { "field": "UPDATED_AT" } })).await;
    let cursor = p["pageInfo"]["endCursor"].as_str().unwrap();
    let (_, body) = app
        .post(&json!({ "query": PAGE, "variables": { "first": 2, "after": cursor, "order": { "field": "ID" } } }), None)
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
    let (_, body) = app.post(&json!({ "query": PAGE, "variables": { "first": 2, "after": "bm9wZQ" } }), None).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
}

on_both_backends!(
    lists_page_both_ways_in_any_order_without_gaps_or_repeats,
    a_cursor_only_works_in_the_order_it_came_from,
);
