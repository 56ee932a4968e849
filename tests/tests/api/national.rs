use hrc_tests::{on_both_backends, TestApp};
use serde_json::json;

async fn with_demo(app: &TestApp) {
    hrc_tests::fixtures::load_demo(app, 3_000, 11).await;
}

async fn total(app: &TestApp, query: &str, field: &str) -> i64 {
    app.query(query).await[field]["totalCount"].as_i64().unwrap()
}

async fn the_knowledge_hub_holds_the_real_resources_and_is_searchable(app: TestApp) {
    let data = app
        .query(r#"{ knowledgeHub(first: 10, filter: { theme: "national-mechanisms" }) { totalCount edges { node { key kind title zh: title(lang: ZH) report { symbol } sharedOn themes { key } fictional source } } } }"#)
        .await;
    let hub = &data["knowledgeHub"];
    assert_eq!(hub["totalCount"], 2, "the two resources the seed resolutions name");
    assert_eq!(hub["edges"][0]["node"]["key"], "A/HRC/34/24");
    assert_eq!(hub["edges"][0]["node"]["report"]["symbol"], "A/HRC/34/24");
    assert_eq!(hub["edges"][1]["node"]["sharedOn"], "2021-12-03");
    assert!(hub["edges"][1]["node"]["zh"].as_str().unwrap().starts_with("关于国家执行"));
    assert!(hub["edges"].as_array().unwrap().iter().all(|e| e["node"]["fictional"] == false));
    let search = |q: &str| format!(r#"{{ knowledgeHub(filter: {{ search: "{q}" }}) {{ totalCount }} }}"#);
    assert_eq!(total(&app, &search("REGIONAL consultations"), "knowledgeHub").await, 1);
    assert_eq!(total(&app, &search("良好做法"), "knowledgeHub").await, 1);
    assert_eq!(total(&app, &search("no such words anywhere"), "knowledgeHub").await, 0);
    for (filter, field) in [
        (r#"{ theme: "nothing" }"#, "filter.theme"),
        (r#"{ country: "ZZZ" }"#, "filter.country"),
        (r#"{ search: " " }"#, "filter.search"),
    ] {
        let (_, code, body) = app.query_error(&format!("{{ knowledgeHub(filter: {filter}) {{ totalCount }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{filter}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

async fn national_mechanisms_show_participants_plans_and_clusters(app: TestApp) {
    assert_eq!(total(&app, "{ nationalMechanisms { totalCount } }", "nationalMechanisms").await, 0, "none is invented");
    with_demo(&app).await;
    let all = total(&app, "{ nationalMechanisms { totalCount } }", "nationalMechanisms").await;
    assert!(all >= 30, "{all}");
    let mut by_group = 0;
    for group in ["AFRICAN", "ASIA_PACIFIC", "EASTERN_EUROPEAN", "LATIN_AMERICAN_CARIBBEAN", "WESTERN_EUROPEAN_OTHERS"]
    {
        by_group += total(
            &app,
            &format!("{{ nationalMechanisms(regionalGroup: {group}) {{ totalCount }} }}"),
            "nationalMechanisms",
        )
        .await;
    }
    assert_eq!(by_group, all);
    let data = app
        .query("{ nationalMechanisms(first: 5) { edges { node { key name kind fictional country { isoCode nationalMechanisms { key } }
                 participants { name kind role } actionPlans { title startsOn endsOn }
                 clusters { name theme { key } lead recommendationCount recommendations(first: 3) { country { isoCode } fictional } } } } } }")
        .await;
    for edge in data["nationalMechanisms"]["edges"].as_array().unwrap() {
        let node = &edge["node"];
        assert_eq!(node["fictional"], true);
        assert!(node["name"].as_str().unwrap().starts_with("[FICTIONAL DEMO DATA]"));
        assert_eq!(node["country"]["nationalMechanisms"], json!([{ "key": node["key"] }]));
        assert!(node["participants"].as_array().unwrap().len() >= 3);
        assert_eq!(node["actionPlans"].as_array().unwrap().len(), 1);
        let clusters = node["clusters"].as_array().unwrap();
        assert_eq!(clusters.len(), 4);
        let iso = &node["country"]["isoCode"];
        for cluster in clusters {
            assert!(cluster["theme"]["key"].is_string());
            for r in cluster["recommendations"].as_array().unwrap() {
                assert_eq!(&r["country"]["isoCode"], iso, "a mechanism clusters its own country's recommendations");
            }
        }
        let held: i64 = clusters.iter().map(|c| c["recommendationCount"].as_i64().unwrap()).sum();
        let country_recs = total(
            &app,
            &format!(r#"{{ recommendations(filter: {{ country: {iso}, fictional: true }}) {{ totalCount }} }}"#),
            "recommendations",
        )
        .await;
        assert_eq!(held, country_recs, "every demo recommendation of the country is in exactly one cluster");
    }
    // The hub: three demo entries per mechanism, found by region and country.
    let demo = total(&app, "{ knowledgeHub(filter: { fictional: true }) { totalCount } }", "knowledgeHub").await;
    assert_eq!(demo, 3 * all);
    let key = data["nationalMechanisms"]["edges"][0]["node"]["key"].as_str().unwrap();
    let iso = data["nationalMechanisms"]["edges"][0]["node"]["country"]["isoCode"].as_str().unwrap();
    let data = app
        .query(&format!(r#"{{ knowledgeHub(filter: {{ country: "{iso}" }}) {{ edges {{ node {{ nationalMechanism {{ key }} regionalGroup {{ code }} themes {{ key }} }} }} }} }}"#))
        .await;
    let edges = data["knowledgeHub"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 3);
    assert!(edges.iter().all(|e| e["node"]["nationalMechanism"]["key"] == key));
    let group = edges[0]["node"]["regionalGroup"]["code"].as_str().unwrap();
    let in_group = total(
        &app,
        &format!("{{ knowledgeHub(filter: {{ regionalGroup: {group}, fictional: true }}) {{ totalCount }} }}"),
        "knowledgeHub",
    )
    .await;
    assert!(in_group >= 3 && in_group < demo);
    let (_, code, _) = app.query_error(r#"{ nationalMechanisms(country: "ZZZ") { totalCount } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

on_both_backends!(
    the_knowledge_hub_holds_the_real_resources_and_is_searchable,
    national_mechanisms_show_participants_plans_and_clusters,
);
