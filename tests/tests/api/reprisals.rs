//! Reprisal cases: who sees what of a case, consent as the only door to publication, and its withdrawal hiding the
//! case (or the name) at once from every path: lists, `node`, `nodes`, the case by ID, the counts, and the response
//! cache with its ETags. (No export carries reprisal cases.)

use hrc_tests::fixtures::{reprisal_case, reprisals_officer, secretariat, REPRISAL_DETAILS, REPRISAL_PERSON};
use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

async fn post(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    app.post(&json!({ "query": query }), token).await.1
}

/// Every public path to published cases, for a case's public ID, in one document.
fn public_paths(public_id: &str) -> String {
    format!(
        r#"{{ list: publishedReprisalCases {{ totalCount edges {{ node {{ id reference name personKind acts year summary country {{ isoCode }} }} }} }}
             one: publishedReprisalCase(id: "{public_id}") {{ reference name }}
             node(id: "{public_id}") {{ id ... on PublishedReprisalCase {{ name }} }}
             nodes(ids: ["{public_id}"]) {{ id }}
             byCountry: reprisalCaseCounts(groupBy: COUNTRY) {{ group count }}
             byAct: reprisalCaseCounts(groupBy: ACT) {{ group count }}
             byYear: reprisalCaseCounts(groupBy: YEAR) {{ group count }}
             byMechanism: reprisalCaseCounts(groupBy: MECHANISM) {{ group count }}
             byReport: reprisalCaseCounts(groupBy: REPORT_YEAR) {{ group count }} }}"#
    )
}

/// A case's version as the officer reads it.
async fn version(app: &TestApp, officer: &str, id: &str) -> Value {
    let data = app.query_as(&format!(r#"{{ reprisalCase(id: "{id}") {{ version }} }}"#), Some(officer)).await;
    data["reprisalCase"]["version"].clone()
}

async fn each_role_sees_what_the_design_says_of_a_case(app: TestApp) {
    let case = reprisal_case(&app, "NPL").await;
    let id = case["id"].as_str().unwrap();
    assert!(case["key"].as_str().unwrap().starts_with("RC-"), "{case}");
    let read = |fields: &str| {
        format!(r#"{{ reprisalCase(id: "{id}") {{ key summary acts personKind governmentResponded {fields} }} }}"#)
    };
    // The officer: everything, the identity included.
    let all = "reportCycles { year } identity { name details } governmentResponse { text } followUps { action }";
    let data = app.query_as(&read(all), Some(&reprisals_officer(&app))).await;
    let c = &data["reprisalCase"];
    assert_eq!(c["identity"], json!({ "name": REPRISAL_PERSON, "details": REPRISAL_DETAILS }));
    assert_eq!(c["acts"], json!(["THREATS", "SURVEILLANCE"]));
    assert_eq!(c["reportCycles"], json!([{ "year": 2024 }, { "year": 2025 }]));
    // The secretariat: all but the identity. The Bureau: anonymised (no identity, no government response, no
    // follow-up notes, which may all name the person).
    let bureau = app.token("bureau", &["council_bureau"], None);
    for (token, allowed, refused) in [
        (secretariat(&app), vec!["governmentResponse { text }", "followUps { action }"], vec!["identity { name }"]),
        (bureau.clone(), vec![], vec!["identity { name }", "governmentResponse { text }", "followUps { action }"]),
    ] {
        let data = app.query_as(&read(&allowed.join(" ")), Some(&token)).await;
        assert_eq!(data["reprisalCase"]["summary"], "FICTIONAL: a defender was threatened after briefing the UPR");
        for field in refused {
            let body = post(&app, Some(&token), &read(field)).await;
            assert_eq!(first_code(&body), "FORBIDDEN", "{field}: {body}");
            let text = body.to_string();
            assert!(!text.contains(REPRISAL_PERSON) && !text.contains(REPRISAL_DETAILS), "{text}");
        }
        let text = post(&app, Some(&token), &read(&allowed.join(" "))).await.to_string();
        assert!(!text.contains(REPRISAL_DETAILS), "{text}");
    }
    // The public, a partner and a focal point of the State concerned: nothing, for nothing is published.
    let focal = app.token("focal-npl", &["state_focal_point"], Some("NPL"));
    let partner = app.token("p", &["partner"], None);
    for token in [None, Some(focal.as_str()), Some(partner.as_str())] {
        let data = app
            .query_as(
                "{ publishedReprisalCases { totalCount } reprisalCaseCounts(groupBy: COUNTRY) { group count } }",
                token,
            )
            .await;
        assert_eq!(data, json!({ "publishedReprisalCases": { "totalCount": 0 }, "reprisalCaseCounts": [] }));
        let body = post(&app, token, &format!(r#"{{ reprisalCase(id: "{id}") {{ key }} }}"#)).await;
        assert!(matches!(first_code(&body).as_str(), "FORBIDDEN" | "UNAUTHENTICATED"), "{body}");
        let data = app.query_as(&format!(r#"{{ node(id: "{id}") {{ id }} }}"#), token).await;
        assert!(data["node"].is_null());
    }
    // Staff counts count every case.
    let data = app.query_as("{ reprisalCaseCounts(groupBy: COUNTRY) { group count } }", Some(&secretariat(&app))).await;
    assert_eq!(data["reprisalCaseCounts"], json!([{ "group": "NPL", "count": 1 }]));
}

async fn consent_opens_publication_and_its_withdrawal_closes_every_path_at_once(app: TestApp) {
    let officer = reprisals_officer(&app);
    let case = reprisal_case(&app, "NPL").await;
    let other = reprisal_case(&app, "BDI").await;
    let id = case["id"].as_str().unwrap();
    let public_id = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("PublishedReprisalCase:{}", case["publicReference"].as_str().unwrap()))
    };
    let publish =
        |v: Value| format!(r#"mutation {{ publishReprisalCase(id: "{id}", expectedVersion: {v}) {{ publishedOn }} }}"#);
    let consent = |scope: &str| {
        format!(
            r#"mutation {{ recordReprisalConsent(id: "{id}", scope: {scope}, givenOn: "2024-08-01") {{ version }} }}"#
        )
    };
    let withdraw = |scope: &str| {
        format!(
            r#"mutation {{ withdrawReprisalConsent(id: "{id}", scope: {scope}, withdrawnOn: "2024-09-01") {{ version publishedOn consents {{ scope standing withdrawnOn }} }} }}"#
        )
    };

    // Without consent, no publication.
    let body = post(&app, Some(&officer), &publish(version(&app, &officer, id).await)).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let data = app.query(&public_paths(&public_id)).await;
    assert_eq!(data["list"]["totalCount"], 0);

    // Consent to publish the case, then publish it: public, anonymised, without the name.
    app.query_as(&consent("PUBLISH_CASE"), Some(&officer)).await;
    let body = post(&app, Some(&officer), &consent("PUBLISH_CASE")).await;
    assert_eq!(first_code(&body), "CONFLICT", "one standing consent per scope: {body}");
    app.query_as(&publish(version(&app, &officer, id).await), Some(&officer)).await;
    let body = post(&app, None, &public_paths(&public_id)).await;
    let data = &body["data"];
    assert_eq!(data["list"]["totalCount"], 1, "{body}");
    let node = &data["list"]["edges"][0]["node"];
    assert_eq!(node["id"], public_id.as_str());
    assert_eq!(node["name"], Value::Null);
    assert_eq!(node["country"]["isoCode"], "NPL");
    assert_eq!(node["acts"], json!(["THREATS", "SURVEILLANCE"]));
    assert_eq!(node["year"], 2024);
    assert_eq!(data["one"]["reference"], case["publicReference"]);
    assert_eq!(data["node"]["id"], public_id.as_str());
    assert_eq!(data["nodes"], json!([{ "id": public_id }]));
    assert_eq!(data["byCountry"], json!([{ "group": "NPL", "count": 1 }]));
    assert_eq!(data["byAct"], json!([{ "group": "SURVEILLANCE", "count": 1 }, { "group": "THREATS", "count": 1 }]));
    assert_eq!(data["byYear"], json!([{ "group": "2024", "count": 1 }]));
    assert_eq!(data["byMechanism"], json!([{ "group": "upr", "count": 1 }]));
    assert_eq!(data["byReport"], json!([{ "group": "2024", "count": 1 }, { "group": "2025", "count": 1 }]));
    // Nothing identifying, nor the staff's reference (it would tell how many cases are unpublished).
    let text = body.to_string();
    for secret in [REPRISAL_PERSON, REPRISAL_DETAILS, case["key"].as_str().unwrap(), other["key"].as_str().unwrap()] {
        assert!(!text.contains(secret), "{secret:?} is public: {text}");
    }
    // The focal point of the State concerned reads it as the public does; another State's sees it among all.
    let focal = app.token("focal-npl", &["state_focal_point"], Some("NPL"));
    let data =
        app.query_as(r#"{ publishedReprisalCases(filter: { country: "NPL" }) { totalCount } }"#, Some(&focal)).await;
    assert_eq!(data["publishedReprisalCases"]["totalCount"], 1);

    // Consent to the name: the name appears on every path.
    app.query_as(&consent("PUBLISH_NAME"), Some(&officer)).await;
    let data = app.query(&public_paths(&public_id)).await;
    assert_eq!(data["list"]["edges"][0]["node"]["name"], REPRISAL_PERSON);
    assert_eq!(data["one"]["name"], REPRISAL_PERSON);
    assert_eq!(data["node"]["name"], REPRISAL_PERSON);

    // Withdrawing it hides the name at once, everywhere; the case stays published.
    app.query_as(&withdraw("PUBLISH_NAME"), Some(&officer)).await;
    let body = post(&app, None, &public_paths(&public_id)).await;
    assert_eq!(body["data"]["list"]["totalCount"], 1);
    assert_eq!(body["data"]["list"]["edges"][0]["node"]["name"], Value::Null);
    assert_eq!(body["data"]["one"]["name"], Value::Null);
    assert_eq!(body["data"]["node"]["name"], Value::Null);
    assert!(!body.to_string().contains(REPRISAL_PERSON), "{body}");

    // Withdrawing consent to publish the case hides it at once from every path, counts included.
    let data = app.query_as(&withdraw("PUBLISH_CASE"), Some(&officer)).await;
    let withdrawn = &data["withdrawReprisalConsent"];
    assert_eq!(withdrawn["publishedOn"], Value::Null);
    assert_eq!(
        withdrawn["consents"],
        json!([
            { "scope": "PUBLISH_CASE", "standing": false, "withdrawnOn": "2024-09-01" },
            { "scope": "PUBLISH_NAME", "standing": false, "withdrawnOn": "2024-09-01" },
        ])
    );
    let data = app.query(&public_paths(&public_id)).await;
    assert_eq!(
        data,
        json!({ "list": { "totalCount": 0, "edges": [] }, "one": null, "node": null, "nodes": [null], "byCountry": [],
                "byAct": [], "byYear": [], "byMechanism": [], "byReport": [] })
    );
    let body = post(&app, Some(&officer), &withdraw("PUBLISH_CASE")).await;
    assert_eq!(first_code(&body), "CONFLICT", "nothing stands to withdraw: {body}");
    // A new consent does not republish by itself.
    app.query_as(&consent("PUBLISH_CASE"), Some(&officer)).await;
    let data = app.query(&public_paths(&public_id)).await;
    assert_eq!(data["list"]["totalCount"], 0);
    // Staff still count both cases, and can ask for the public figure.
    let data = app
        .query_as(
            "{ all: reprisalCaseCounts(groupBy: COUNTRY) { group count } public: reprisalCaseCounts(groupBy: COUNTRY, filter: { published: true }) { group count } }",
            Some(&secretariat(&app)),
        )
        .await;
    assert_eq!(data["all"], json!([{ "group": "BDI", "count": 1 }, { "group": "NPL", "count": 1 }]));
    assert_eq!(data["public"], json!([]));
}

async fn a_case_is_recorded_and_followed_with_its_input_checked(app: TestApp) {
    let officer = reprisals_officer(&app);
    // Every bad field at once: the occasion names its visit, dates in order, an act at least.
    let body = post(
        &app,
        Some(&officer),
        r#"mutation { recordReprisalCase(input: { country: "ZZZ", mechanism: "none", occasion: VISIT, session: 45,
            personKind: JOURNALIST, personName: " ", summary: "FICTIONAL", acts: [], firstActOn: "2024-05-02",
            lastActOn: "2024-01-01", reportCycles: [{ year: 1999 }] }) { key } }"#,
    )
    .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in [
        "input.country",
        "input.mechanism",
        "input.visit",
        "input.session",
        "input.personName",
        "input.acts",
        "input.lastActOn",
        "input.reportCycles",
    ] {
        assert!(fields.contains(&field), "{field} not named: {body}");
    }
    let data = app.query_as("{ reprisalCases { totalCount } }", Some(&officer)).await;
    assert_eq!(data["reprisalCases"]["totalCount"], 0, "nothing half-written");

    // Cooperation at a session, followed up, its version checked on update.
    let data = app
        .query_as(
            r#"mutation { recordReprisalCase(input: { country: "BDI", mechanism: "special-procedures", occasion: SESSION, session: 45,
                personKind: NGO_REPRESENTATIVE, personName: "FICTIONAL person", summary: "FICTIONAL: travel ban after a side event",
                acts: [TRAVEL_BAN], firstActOn: "2020-10-01" }) { id version status session { number } mechanism { key } } }"#,
            Some(&officer),
        )
        .await;
    let case = data["recordReprisalCase"].clone();
    assert_eq!(case["session"]["number"], 45);
    assert_eq!(case["status"], "OPEN");
    let id = case["id"].as_str().unwrap();
    let data = app
        .query_as(
            &format!(r#"mutation {{ addReprisalFollowUp(id: "{id}", takenOn: "2020-11-01", action: "FICTIONAL: raised with the mission") {{ version followUps {{ takenOn action actor }} }} }}"#),
            Some(&officer),
        )
        .await;
    let followed = &data["addReprisalFollowUp"];
    assert_eq!(
        followed["followUps"],
        json!([{ "takenOn": "2020-11-01", "action": "FICTIONAL: raised with the mission", "actor": "reprisals-officer" }])
    );
    let update = |version: &Value| {
        format!(
            r#"mutation {{ updateReprisalCase(id: "{id}", expectedVersion: {version}, input: {{ country: "BDI", mechanism: "special-procedures",
                occasion: SESSION, session: 45, personKind: NGO_REPRESENTATIVE, personName: "FICTIONAL person",
                summary: "FICTIONAL: travel ban after a side event", acts: [TRAVEL_BAN, THREATS], firstActOn: "2020-10-01",
                status: UNDER_FOLLOW_UP, reportCycles: [{{ year: 2021, symbol: "A/HRC/48/28" }}] }}) {{ status acts version reportCycles {{ year symbol }} }} }}"#
        )
    };
    let body = post(&app, Some(&officer), &update(&case["version"])).await;
    assert_eq!(first_code(&body), "CONFLICT", "the follow-up moved the version: {body}");
    let data = app.query_as(&update(&followed["version"]), Some(&officer)).await;
    let updated = &data["updateReprisalCase"];
    assert_eq!(updated["status"], "UNDER_FOLLOW_UP");
    assert_eq!(updated["acts"], json!(["TRAVEL_BAN", "THREATS"]));
    assert_eq!(updated["reportCycles"], json!([{ "year": 2021, "symbol": "A/HRC/48/28" }]));
    // Only the officer writes.
    let body = post(
        &app,
        Some(&secretariat(&app)),
        &format!(r#"mutation {{ addReprisalFollowUp(id: "{id}", takenOn: "2020-11-01", action: "x") {{ version }} }}"#),
    )
    .await;
    assert_eq!(first_code(&body), "FORBIDDEN");
}

/// The public list of cases, with acts, report cycles, country and mechanism, costs the same statements for 2 cases
/// as for 20: every relation is loaded in one batch.
async fn a_page_of_published_cases_costs_a_fixed_number_of_statements(app: TestApp) {
    let url = app.database.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::models::reprisal::demo(&mut conn, 5).unwrap()
    })
    .await
    .unwrap();
    assert!(report.published >= 20, "{report:?}");
    let page = |n: usize| {
        format!(
            "{{ publishedReprisalCases(first: {n}) {{ edges {{ node {{ reference acts year reportCycles {{ year symbol }}
                country {{ isoCode regionalGroup {{ code }} }} mechanism {{ key }} }} }} }} }}"
        )
    };
    let mut costs = Vec::new();
    for n in [2, 20] {
        let before = app.db.statements_executed();
        let data = app.query(&page(n)).await;
        costs.push(app.db.statements_executed() - before);
        let edges = data["publishedReprisalCases"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), n);
        assert!(edges
            .iter()
            .all(|e| !e["node"]["acts"].as_array().unwrap().is_empty() && e["node"]["mechanism"]["key"].is_string()));
    }
    eprintln!(
        "{}: {} statements for 2 published cases with relations, {} for 20",
        app.backend.name(),
        costs[0],
        costs[1]
    );
    assert_eq!(costs[0], costs[1]);
}

/// With the response cache on, as in production: a published case answered from the cache (and known to a browser
/// or CDN by its ETag) is gone from the very next answer once consent is withdrawn; the old ETag gets the new answer,
/// never `304`.
async fn withdrawn_consent_reaches_cached_answers_and_etags_at_once(app: TestApp) {
    let app = TestApp::spawn_cached(app.backend).await;
    let officer = reprisals_officer(&app);
    let case = reprisal_case(&app, "NPL").await;
    let id = case["id"].as_str().unwrap();
    for scope in ["PUBLISH_CASE", "PUBLISH_NAME"] {
        app.query_as(
            &format!(r#"mutation {{ recordReprisalConsent(id: "{id}", scope: {scope}, givenOn: "2024-08-01") {{ version }} }}"#),
            Some(&officer),
        )
        .await;
    }
    let v = version(&app, &officer, id).await;
    app.query_as(
        &format!(r#"mutation {{ publishReprisalCase(id: "{id}", expectedVersion: {v}) {{ publishedOn }} }}"#),
        Some(&officer),
    )
    .await;
    let query = "{ publishedReprisalCases { totalCount edges { node { name } } } reprisalCaseCounts(groupBy: COUNTRY) { group count } }";
    let get = |etag: Option<String>| {
        let mut request = app.client.get(app.url("/graphql")).query(&[("query", query)]);
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        async move {
            let response = request.send().await.unwrap();
            let (status, headers) = (response.status().as_u16(), response.headers().clone());
            let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            let (cache, etag) = (header("x-cache"), header("etag"));
            (status, cache, etag, response.text().await.unwrap())
        }
    };
    let (_, first, _, _) = get(None).await;
    assert_eq!(first.as_deref(), Some("miss"));
    // Straight after the mutations: on PostgreSQL their notifications come back to this node around now, and must
    // not empty the cache again (it was emptied when they were made).
    let (status, second, etag, body) = get(None).await;
    assert_eq!((status, second.as_deref()), (200, Some("hit")), "{body}");
    let published: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(published["data"]["publishedReprisalCases"]["edges"][0]["node"]["name"], REPRISAL_PERSON, "{body}");
    assert_eq!(published["data"]["reprisalCaseCounts"], json!([{ "group": "NPL", "count": 1 }]));

    app.query_as(
        &format!(r#"mutation {{ withdrawReprisalConsent(id: "{id}", scope: PUBLISH_CASE, withdrawnOn: "2024-09-01") {{ version }} }}"#),
        Some(&officer),
    )
    .await;
    let (status, cache, _, body) = get(etag).await;
    assert_eq!((status, cache.as_deref()), (200, Some("miss")), "the old ETag does not hold: {body}");
    let hidden: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        hidden["data"],
        json!({ "publishedReprisalCases": { "totalCount": 0, "edges": [] }, "reprisalCaseCounts": [] }),
        "{body}"
    );
    assert!(!body.contains(REPRISAL_PERSON), "{body}");
}

on_both_backends!(
    withdrawn_consent_reaches_cached_answers_and_etags_at_once,
    a_page_of_published_cases_costs_a_fixed_number_of_statements,
    each_role_sees_what_the_design_says_of_a_case,
    consent_opens_publication_and_its_withdrawal_closes_every_path_at_once,
    a_case_is_recorded_and_followed_with_its_input_checked,
);
