use hrc_tests::fixtures::{insert_recommendations, FakeRecommendation};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

fn fixtures(app: &TestApp) {
    let items: Vec<FakeRecommendation> = (0..12).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&app.database.url, &items);
    let mut other = FakeRecommendation::numbered("BDI", 1);
    other.history.clear();
    other.terms.clear();
    insert_recommendations(&app.database.url, &[other]);
}

async fn recommendations_are_counted_by_status_per_regional_group(app: TestApp) {
    fixtures(&app);
    let data = app
        .query(
            "{ recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS]) { count values { dimension key label zh: label(lang: ZH) } } }",
        )
        .await;
    let buckets: Vec<(Value, Value, i64)> = data["recommendationCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["values"][0]["key"].clone(), b["values"][1]["key"].clone(), b["count"].as_i64().unwrap()))
        .collect();
    let seeded = app.query("{ recommendations(filter: { fictional: false }) { totalCount } }").await["recommendations"]
        ["totalCount"]
        .as_i64()
        .unwrap();
    assert_eq!(
        buckets,
        vec![
            // The seed report's recommendations are addressed to the Council: no State, no group, no report yet.
            (Value::Null, Value::Null, seeded),
            (json!("ASIA_PACIFIC"), json!("FULLY_IMPLEMENTED"), 6),
            (json!("ASIA_PACIFIC"), json!("IN_PROGRESS"), 6),
            (json!("AFRICAN"), Value::Null, 1),
        ]
    );
    let asia = &data["recommendationCounts"][1]["values"][0];
    assert_eq!(asia["dimension"], "REGIONAL_GROUP");
    assert_eq!(asia["label"], "Asia-Pacific States");
    assert_eq!(asia["zh"], "亚洲及太平洋国家组");
}

async fn labels_are_read_only_when_a_label_is_selected(app: TestApp) {
    // The counts are read from the database each time, as the first time they are asked for.
    let app = TestApp::spawn_without_count_cache(app.backend).await;
    fixtures(&app);
    const KEYS: &str =
        "{ recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS]) { count values { key } } }";
    // The label asked for through a fragment, as a client's generated code would.
    const LABELS: &str =
        "{ recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS]) { count values { key ...V } } } \
                          fragment V on DimensionValue { label }";
    app.statements_of(KEYS).await;
    let (keys, plain) = app.statements_of(KEYS).await;
    let (labelled, data) = app.statements_of(LABELS).await;
    assert_eq!(labelled, keys + 1, "the regional groups' names are one statement, and only when asked for");
    let asia =
        plain["recommendationCounts"].as_array().unwrap().iter().position(|b| b["values"][0]["key"] == "ASIA_PACIFIC");
    let asia = asia.unwrap_or_else(|| panic!("no Asia-Pacific bucket in {plain}"));
    assert_eq!(plain["recommendationCounts"][asia]["values"][0].get("label"), None, "{plain}");
    assert_eq!(data["recommendationCounts"][asia]["values"][0]["label"], "Asia-Pacific States", "{data}");
    assert_eq!(data["recommendationCounts"][asia]["count"], plain["recommendationCounts"][asia]["count"]);
}

async fn counts_and_lists_agree_under_every_filter(app: TestApp) {
    fixtures(&app);
    for filter in [
        "{}",
        r#"{ country: "NPL" }"#,
        r#"{ recommendingCountry: "FJI", mechanism: "upr", uprCycle: 3 }"#,
        "{ response: NOTED }",
        "{ sdgGoal: 16 }",
        r#"{ sdgTarget: "16.a" }"#,
        "{ implementationStatus: IN_PROGRESS }",
        r#"{ search: "National" }"#,
        r#"{ theme: "prevention" }"#,
        "{ regionalGroup: ASIA_PACIFIC }",
        r#"{ madeFrom: "2019-02-01", madeTo: "2019-06-30" }"#,
        r#"{ affectedPersons: "children", country: "NPL" }"#,
        r#"{ search: "%" }"#,
        r#"{ search: "执行基金" }"#,
        "{ fictional: false }",
        r#"{ report: "A/HRC/43/37" }"#,
        r#"{ updatedSince: "2000-01-01T00:00:00Z" }"#,
        r#"{ updatedSince: "2999-01-01T00:00:00Z" }"#,
    ] {
        let data = app
            .query(&format!(
                "{{ recommendations(filter: {filter}) {{ totalCount }} recommendationCounts(groupBy: [RESPONSE], filter: {filter}) {{ count }} }}"
            ))
            .await;
        let total = data["recommendations"]["totalCount"].as_i64().unwrap();
        let summed: i64 =
            data["recommendationCounts"].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(summed, total, "filter {filter}");
    }
}

/// (key, count) of each bucket of a one-dimension count.
async fn buckets(app: &TestApp, query: &str) -> Vec<(Value, i64)> {
    let data = app.query(query).await;
    data["recommendationCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["values"][0]["key"].clone(), b["count"].as_i64().unwrap()))
        .collect()
}

async fn many_valued_dimensions_count_each_recommendation_once_per_value(app: TestApp) {
    fixtures(&app);
    // Every fixture has targets 16.10 and 16.a: both of goal 16, so each counts once there, not twice.
    let goals = buckets(
        &app,
        "{ recommendationCounts(groupBy: [SDG_GOAL], filter: { fictional: true }) { count values { key } } }",
    )
    .await;
    assert_eq!(goals, vec![(json!("16"), 13)]);
    let data = app
        .query(r#"{ recommendationCounts(groupBy: [SDG_GOAL], filter: { fictional: true }) { values { label zh: label(lang: ZH) } } }"#)
        .await;
    assert_eq!(data["recommendationCounts"][0]["values"][0]["label"], "Promote peaceful and inclusive societies for sustainable development, provide access to justice for all and build effective, accountable and inclusive institutions at all levels");
    let themes = buckets(
        &app,
        "{ recommendationCounts(groupBy: [THEME], filter: { fictional: true }) { count values { key } } }",
    )
    .await;
    assert_eq!(themes, vec![(json!("national-human-rights-institutions"), 12), (Value::Null, 1)]);
    let affected =
        buckets(&app, "{ recommendationCounts(groupBy: [AFFECTED_PERSONS]) { count values { key } } }").await;
    let seeded = app.query("{ recommendations(filter: { fictional: false }) { totalCount } }").await["recommendations"]
        ["totalCount"]
        .as_i64()
        .unwrap();
    // Seeded: para 71 (a) names victims and para 75 (b) children; fixtures 0, 4 and 8 name children.
    assert_eq!(affected, vec![(Value::Null, seeded - 2 + 10), (json!("children"), 4), (json!("victims"), 1)]);
    // Theme by response: the seeded paragraphs all carry the prevention theme and no response.
    let data = app
        .query(r#"{ recommendationCounts(groupBy: [THEME, RESPONSE], filter: { theme: "prevention" }) { count values { key label } } }"#)
        .await;
    assert_eq!(data["recommendationCounts"][0]["count"], seeded);
    assert_eq!(data["recommendationCounts"][0]["values"][0]["label"], "Prevention of human rights violations");
}

async fn counting_needs_one_or_two_different_dimensions(app: TestApp) {
    for group_by in ["[]", "[RESPONSE, COUNTRY, MECHANISM]", "[COUNTRY, COUNTRY]"] {
        let (_, code, body) =
            app.query_error(&format!("{{ recommendationCounts(groupBy: {group_by}) {{ count }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{group_by}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "groupBy");
    }
    let (_, code, _) =
        app.query_error(r#"{ recommendationCounts(groupBy: [COUNTRY], filter: { country: "ZZZ" }) { count } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

/// The filter that selects one value of a single-valued dimension.
fn filter_of(dimension: &str, key: &str) -> String {
    match dimension {
        "REGIONAL_GROUP" => format!("regionalGroup: {key}"),
        "IMPLEMENTATION_STATUS" => format!("implementationStatus: {key}"),
        "RESPONSE" => format!("response: {key}"),
        "COUNTRY" => format!("country: {key:?}"),
        "MECHANISM" => format!("mechanism: {key:?}"),
        "UPR_CYCLE" => format!("uprCycle: {key}"),
        other => panic!("no filter for {other}"),
    }
}

/// Every bucket of a count by two single-valued dimensions holds what the list filtered by its two values holds, and
/// the buckets add up to the whole, over varied demo data and under a filter.
async fn counts_by_two_single_valued_dimensions_match_the_filtered_lists(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 400, 9).await;
    for (first, second, filter) in [
        ("REGIONAL_GROUP", "IMPLEMENTATION_STATUS", "fictional: true"),
        ("IMPLEMENTATION_STATUS", "REGIONAL_GROUP", "response: SUPPORTED"),
        ("COUNTRY", "RESPONSE", "fictional: true"),
        ("MECHANISM", "UPR_CYCLE", "fictional: true"),
        ("REGIONAL_GROUP", "COUNTRY", "implementationStatus: IN_PROGRESS"),
    ] {
        let data = app
            .query(&format!(
                "{{ recommendations(filter: {{ {filter} }}) {{ totalCount }}
                   recommendationCounts(groupBy: [{first}, {second}], filter: {{ {filter} }}) {{ count values {{ key }} }} }}"
            ))
            .await;
        let buckets = data["recommendationCounts"].as_array().unwrap();
        let summed: i64 = buckets.iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(summed, data["recommendations"]["totalCount"].as_i64().unwrap(), "{first}, {second}, {filter}");
        let keyed: Vec<&Value> =
            buckets.iter().filter(|b| b["values"][0]["key"].is_string() && b["values"][1]["key"].is_string()).collect();
        assert!(keyed.len() >= 2, "{first}, {second}: {data}");
        for bucket in keyed.iter().take(12) {
            let (a, b) = (bucket["values"][0]["key"].as_str().unwrap(), bucket["values"][1]["key"].as_str().unwrap());
            let listed = app
                .query(&format!(
                    "{{ recommendations(filter: {{ {filter}, {}, {} }}) {{ totalCount }} }}",
                    filter_of(first, a),
                    filter_of(second, b)
                ))
                .await["recommendations"]["totalCount"]
                .as_i64()
                .unwrap();
            assert_eq!(bucket["count"].as_i64().unwrap(), listed, "{first} {a}, {second} {b}, {filter}");
        }
    }
}

on_both_backends!(
    counts_by_two_single_valued_dimensions_match_the_filtered_lists,
    recommendations_are_counted_by_status_per_regional_group,
    labels_are_read_only_when_a_label_is_selected,
    counts_and_lists_agree_under_every_filter,
    counting_needs_one_or_two_different_dimensions,
    many_valued_dimensions_count_each_recommendation_once_per_value,
);
