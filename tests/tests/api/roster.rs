//! The roster of experts: the secretariat searches it by expertise, language, region and availability (an
//! availability window covering the range, no deployment overlapping it); nobody else reads any of it.

use hrc_tests::fixtures::{roster_expert, secretariat};
use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

async fn names(app: &TestApp, filter: &str) -> Vec<String> {
    let data = app
        .query_as(
            &format!("{{ rosterExperts(filter: {{ {filter} }}) {{ totalCount edges {{ node {{ name }} }} }} }}"),
            Some(&secretariat(app)),
        )
        .await;
    let list: Vec<String> = data["rosterExperts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(data["rosterExperts"]["totalCount"], list.len(), "{filter}");
    list
}

async fn the_secretariat_finds_experts_by_expertise_language_region_and_availability(app: TestApp) {
    let token = secretariat(&app);
    let amina = roster_expert(
        &app,
        "FICTIONAL Amina",
        &["torture", "transitional-justice"],
        &["fr", "ar"],
        &["AFRICAN"],
        &[("2026-01-01", "2026-06-30")],
    )
    .await;
    roster_expert(
        &app,
        "FICTIONAL Bao",
        &["torture"],
        &["zh", "en"],
        &["ASIA_PACIFIC"],
        &[("2026-03-01", "2026-12-31")],
    )
    .await;
    roster_expert(
        &app,
        "FICTIONAL Carla",
        &["death-penalty"],
        &["es", "EN"],
        &["LATIN_AMERICAN_CARIBBEAN", "AFRICAN"],
        &[],
    )
    .await;

    assert_eq!(names(&app, r#"expertise: "torture""#).await, ["FICTIONAL Amina", "FICTIONAL Bao"]);
    assert_eq!(names(&app, r#"language: "en""#).await, ["FICTIONAL Bao", "FICTIONAL Carla"]);
    assert_eq!(names(&app, "region: AFRICAN").await, ["FICTIONAL Amina", "FICTIONAL Carla"]);
    assert_eq!(names(&app, r#"expertise: "torture", language: "fr""#).await, ["FICTIONAL Amina"]);
    // A window must cover the whole range.
    let available = |from: &str, to: &str| format!(r#"available: {{ startsOn: "{from}", endsOn: "{to}" }}"#);
    assert_eq!(names(&app, &available("2026-03-10", "2026-03-20")).await, ["FICTIONAL Amina", "FICTIONAL Bao"]);
    assert_eq!(names(&app, &available("2026-06-20", "2027-01-10")).await, Vec::<String>::new());
    assert_eq!(names(&app, &available("2026-07-01", "2026-07-10")).await, ["FICTIONAL Bao"]);

    // A deployment takes the expert out of the ranges it overlaps, and a second overlapping one is refused.
    let id = amina["id"].as_str().unwrap();
    let deploy = |from: &str, to: &str| {
        format!(
            r#"mutation {{ recordRosterDeployment(id: "{id}", input: {{ country: "BDI", mechanism: "commission-of-inquiry-burundi", role: "FICTIONAL investigator",
                startsOn: "{from}", endsOn: "{to}" }}) {{ version deployments {{ country {{ isoCode }} role startsOn endsOn }} }} }}"#
        )
    };
    let data = app.query_as(&deploy("2026-03-15", "2026-04-15"), Some(&token)).await;
    assert_eq!(
        data["recordRosterDeployment"]["deployments"],
        json!([{ "country": { "isoCode": "BDI" }, "role": "FICTIONAL investigator", "startsOn": "2026-03-15", "endsOn": "2026-04-15" }])
    );
    assert_eq!(names(&app, &available("2026-03-10", "2026-03-20")).await, ["FICTIONAL Bao"]);
    assert_eq!(names(&app, &available("2026-05-01", "2026-05-10")).await, ["FICTIONAL Amina", "FICTIONAL Bao"]);
    let body = app.post(&json!({ "query": deploy("2026-04-01", "2026-04-30") }), Some(&token)).await.1;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");

    // The whole record, and a versioned update.
    let data = app
        .query_as(
            &format!(r#"{{ rosterExpert(id: "{id}") {{ key email version expertise {{ key }} languages regions {{ code }} availability {{ startsOn endsOn }} }} }}"#),
            Some(&token),
        )
        .await;
    let expert = &data["rosterExpert"];
    assert_eq!(expert["languages"], json!(["ar", "fr"]));
    // In the thesaurus's order.
    assert_eq!(expert["expertise"], json!([{ "key": "transitional-justice" }, { "key": "torture" }]));
    let update = |version: &Value| {
        format!(
            r#"mutation {{ updateRosterExpert(id: "{id}", expectedVersion: {version}, input: {{ name: "FICTIONAL Amina", email: "amina@example.invalid",
                expertise: ["torture"], languages: ["fr"], regions: [AFRICAN], availability: [{{ startsOn: "2027-01-01", endsOn: "2027-03-31" }}] }})
                {{ version languages availability {{ startsOn }} }} }}"#
        )
    };
    let body = app.post(&json!({ "query": update(&json!(1)) }), Some(&token)).await.1;
    assert_eq!(first_code(&body), "CONFLICT", "the deployment moved the version: {body}");
    let data = app.query_as(&update(&expert["version"]), Some(&token)).await;
    assert_eq!(data["updateRosterExpert"]["languages"], json!(["fr"]));
    assert_eq!(names(&app, &available("2026-05-01", "2026-05-10")).await, ["FICTIONAL Bao"]);

    // Bad input is named.
    for (filter, field) in [
        (r#"language: "french""#, "filter.language"),
        (r#"expertise: "children""#, "filter.expertise"),
        (&available("2026-05-10", "2026-05-01") as &str, "filter.available"),
    ] {
        let body = app
            .post(
                &json!({ "query": format!("{{ rosterExperts(filter: {{ {filter} }}) {{ totalCount }} }}") }),
                Some(&token),
            )
            .await
            .1;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{filter}: {body}");
    }
    let body = app
        .post(
            &json!({ "query": r#"mutation { addRosterExpert(input: { name: "x", email: "not-an-address", expertise: ["none"], languages: ["xx1"] }) { key } }"# }),
            Some(&token),
        )
        .await
        .1;
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["input.email", "input.languages", "input.expertise"], "{body}");

    // Personal data: nobody but the secretariat reads any of it.
    for role in ["partner", "reprisals_officer", "council_bureau", "fund_secretariat", "admin"] {
        let other = app.token("other", &[role], None);
        let body = app.post(&json!({ "query": "{ rosterExperts { totalCount } }" }), Some(&other)).await.1;
        assert_eq!(first_code(&body), "FORBIDDEN", "{role}: {body}");
        let data = app.query_as(&format!(r#"{{ node(id: "{id}") {{ id }} }}"#), Some(&other)).await;
        assert!(data["node"].is_null(), "{role}");
    }
}

on_both_backends!(the_secretariat_finds_experts_by_expertise_language_region_and_availability);
