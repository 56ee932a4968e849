use hrc_tests::{on_both_backends, TestApp};

async fn with_demo(app: &TestApp) {
    hrc_tests::fixtures::load_demo(app, 2_500, 5).await;
}

async fn count(app: &TestApp, filter: &str) -> i64 {
    app.query(&format!("{{ communications(filter: {filter}) {{ totalCount }} }}")).await["communications"]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn communications_are_filtered_by_mandate_country_kind_year_reply_and_jointness(app: TestApp) {
    assert_eq!(count(&app, "{}").await, 0, "the seeds hold no communications, and none is invented");
    with_demo(&app).await;
    let all = count(&app, "{}").await;
    assert_eq!(all, 100, "one for every 25 demo recommendations");
    assert_eq!(count(&app, "{ fictional: true }").await, all);
    let joint = count(&app, "{ joint: true }").await;
    assert!(joint > 0 && joint < all, "{joint} of {all} joint");
    assert_eq!(joint + count(&app, "{ joint: false }").await, all);
    let replied = count(&app, "{ replied: true }").await;
    assert_eq!(replied + count(&app, "{ replied: false }").await, all);
    let mut by_kind = 0;
    for kind in ["ALLEGATION_LETTER", "URGENT_APPEAL", "OTHER_LETTER"] {
        by_kind += count(&app, &format!("{{ kind: {kind} }}")).await;
    }
    assert_eq!(by_kind, all);
    // A joint communication counts under each of its mandates.
    let mut by_mandate = 0;
    for key in ["sr-racism", "sr-freedom-of-religion", "sr-truth-justice", "wg-business"] {
        by_mandate += count(&app, &format!(r#"{{ mandate: "{key}" }}"#)).await;
    }
    assert!(by_mandate > all, "{by_mandate} mandate links for {all} communications");

    let data = app
        .query("{ communications(first: 100, filter: { joint: true, replied: true }) { edges { node { key joint mandates { key } sentOn replyReceivedOn replyDays country { isoCode } summary fictional } } } }")
        .await;
    let edges = data["communications"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    for edge in edges {
        let node = &edge["node"];
        assert_eq!(node["joint"], true);
        assert!(node["mandates"].as_array().unwrap().len() >= 2);
        assert!(node["replyDays"].as_i64().unwrap() >= 10);
        assert!(node["replyReceivedOn"].as_str().unwrap() > node["sentOn"].as_str().unwrap());
        assert!(node["summary"].as_str().unwrap().starts_with("[FICTIONAL DEMO DATA]"));
    }
    let node = &edges[0]["node"];
    let year = &node["sentOn"].as_str().unwrap()[..4];
    let iso = node["country"]["isoCode"].as_str().unwrap();
    let mandate = node["mandates"][1]["key"].as_str().unwrap();
    assert!(
        count(&app, &format!(r#"{{ year: {year}, country: "{iso}", mandate: "{mandate}", joint: true }}"#)).await >= 1
    );
    let key = node["key"].as_str().unwrap();
    let data = app.query(&format!(r#"{{ communication(key: "{key}") {{ id }} }}"#)).await;
    let id = data["communication"]["id"].as_str().unwrap();
    let data = app.query(&format!(r#"{{ node(id: "{id}") {{ ... on Communication {{ key }} }} }}"#)).await;
    assert_eq!(data["node"]["key"], key);
}

async fn communication_filters_that_name_nothing_are_refused(app: TestApp) {
    for (filter, field) in [
        (r#"{ country: "ZZZ" }"#, "filter.country"),
        (r#"{ mandate: "no-such-mandate" }"#, "filter.mandate"),
        ("{ year: 1200 }", "filter.year"),
    ] {
        let (_, code, body) =
            app.query_error(&format!("{{ communications(filter: {filter}) {{ totalCount }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{filter}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

on_both_backends!(
    communications_are_filtered_by_mandate_country_kind_year_reply_and_jointness,
    communication_filters_that_name_nothing_are_refused,
);
