//! Early warning: a signal's verification step by step, what the Council's Bureau sees of it, the analysis behind
//! the horizon-scanning briefings against a fixture computed by hand, briefings public once delivered, and the
//! signal events over WebSocket.

use hrc_tests::fixtures::{move_signal, report_signal, secretariat, verified_signal};
use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

fn bureau(app: &TestApp) -> String {
    app.token("bureau-member", &["council_bureau"], None)
}

async fn post(app: &TestApp, token: &str, query: &str) -> Value {
    app.post(&json!({ "query": query }), Some(token)).await.1
}

async fn a_signal_is_verified_step_by_step_with_actor_time_and_reason(app: TestApp) {
    let token = secretariat(&app);
    // Every bad field is named at once, and nothing is written.
    let body = post(
        &app,
        &token,
        r#"mutation { reportEarlyWarningSignal(input: { country: "ZZZ", observedOn: "2025-03-02", reportedOn: "2025-03-01",
            sourceKind: CIVIL_SOCIETY, sourceReference: " ", category: ENFORCED_DISAPPEARANCES, severity: HIGH,
            description: "FICTIONAL", recommendations: ["none"] }) { key } }"#,
    )
    .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in ["input.reportedOn", "input.sourceReference", "input.country", "input.recommendations"] {
        assert!(fields.contains(&field), "{field} not named: {body}");
    }
    let data = app.query_as("{ earlyWarningSignals { totalCount } }", Some(&token)).await;
    assert_eq!(data["earlyWarningSignals"]["totalCount"], 0);

    // Reported with what it relates to.
    let data = app
        .query_as(
            r#"mutation { reportEarlyWarningSignal(input: { country: "BDI", observedOn: "2025-03-01", reportedOn: "2025-03-02",
                sourceKind: OHCHR_FIELD_PRESENCE, sourceReference: "FICTIONAL field office file 7", category: EXTRAJUDICIAL_EXECUTIONS,
                severity: CRITICAL, description: "FICTIONAL: bodies found near the border",
                recommendations: ["A/HRC/43/37:70"], mandates: ["sr-truth-justice"] }, note: "FICTIONAL: received by phone")
                { id key status nextStatuses version source { kind reference }
                  related { recommendations { key } mandates { key } communications { key } } } }"#,
            Some(&token),
        )
        .await;
    let signal = data["reportEarlyWarningSignal"].clone();
    assert_eq!(signal["status"], "REPORTED");
    assert_eq!(signal["nextStatuses"], json!(["UNDER_VERIFICATION"]));
    assert!(signal["key"].as_str().unwrap().starts_with("EWS-"), "{signal}");
    assert_eq!(
        signal["source"],
        json!({ "kind": "OHCHR_FIELD_PRESENCE", "reference": "FICTIONAL field office file 7" })
    );
    assert_eq!(
        signal["related"],
        json!({ "recommendations": [{ "key": "A/HRC/43/37:70" }], "mandates": [{ "key": "sr-truth-justice" }], "communications": [] })
    );

    // Verification cannot be skipped; the refusal names the status and what is open from it.
    let id = signal["id"].as_str().unwrap();
    let skip = format!(
        r#"mutation {{ moveEarlyWarningSignal(id: "{id}", expectedVersion: 1, to: VERIFIED, reason: "FICTIONAL") {{ status }} }}"#
    );
    let body = post(&app, &token, &skip).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("REPORTED") && message.contains("UNDER_VERIFICATION"), "{message}");
    // A step needs its reason.
    let body = post(
        &app,
        &token,
        &format!(r#"mutation {{ moveEarlyWarningSignal(id: "{id}", expectedVersion: 1, to: UNDER_VERIFICATION, reason: " ") {{ status }} }}"#),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "reason", "{body}");

    let signal = move_signal(&app, &signal, "UNDER_VERIFICATION").await;
    // A stale version is a conflict.
    let body = post(
        &app,
        &token,
        &format!(r#"mutation {{ moveEarlyWarningSignal(id: "{id}", expectedVersion: 1, to: VERIFIED, reason: "FICTIONAL") {{ status }} }}"#),
    )
    .await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");
    let signal = move_signal(&app, &signal, "VERIFIED").await;
    assert_eq!(signal["status"], "VERIFIED");
    let body = post(
        &app,
        &token,
        &format!(r#"mutation {{ moveEarlyWarningSignal(id: "{id}", expectedVersion: {}, to: DISMISSED, reason: "FICTIONAL") {{ status }} }}"#, signal["version"]),
    )
    .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "a verified signal is final: {body}");

    // Every step with its actor, time and reason.
    let data = app
        .query_as(
            &format!(
                r#"{{ earlyWarningSignal(id: "{id}") {{ events {{ fromStatus toStatus actor occurredAt reason }} }} }}"#
            ),
            Some(&token),
        )
        .await;
    let events = data["earlyWarningSignal"]["events"].as_array().unwrap();
    let steps: Vec<(Value, Value, Value)> =
        events.iter().map(|e| (e["fromStatus"].clone(), e["toStatus"].clone(), e["reason"].clone())).collect();
    assert_eq!(
        steps,
        vec![
            (Value::Null, json!("REPORTED"), json!("FICTIONAL: received by phone")),
            (json!("REPORTED"), json!("UNDER_VERIFICATION"), json!("FICTIONAL test step")),
            (json!("UNDER_VERIFICATION"), json!("VERIFIED"), json!("FICTIONAL test step")),
        ]
    );
    assert!(events.iter().all(|e| e["actor"] == "ohchr-analyst" && e["occurredAt"].as_str().is_some()));

    // A correction keeps the status and the history, and moves the version.
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ updateEarlyWarningSignal(id: "{id}", expectedVersion: {}, input: {{ country: "BDI",
                    observedOn: "2025-03-01", reportedOn: "2025-03-02", sourceKind: OHCHR_FIELD_PRESENCE,
                    sourceReference: "FICTIONAL field office file 7", category: EXTRAJUDICIAL_EXECUTIONS, severity: HIGH,
                    description: "FICTIONAL: corrected" }}) {{ status severity version related {{ recommendations {{ key }} }} events {{ toStatus }} }} }}"#,
                signal["version"]
            ),
            Some(&token),
        )
        .await;
    let updated = &data["updateEarlyWarningSignal"];
    assert_eq!((updated["status"].as_str(), updated["severity"].as_str()), (Some("VERIFIED"), Some("HIGH")));
    assert_eq!(updated["version"], signal["version"].as_i64().unwrap() + 1);
    assert_eq!(updated["related"]["recommendations"], json!([]));
    assert_eq!(updated["events"].as_array().unwrap().len(), 3);
}

async fn the_bureau_reads_verified_signals_without_their_sources(app: TestApp) {
    let reported = report_signal(&app, "NPL", "2025-02-01", "TORTURE_SURGE", "HIGH").await;
    let verified = verified_signal(&app, "NPL", "2025-02-03", "TORTURE_SURGE", "HIGH").await;
    let token = bureau(&app);
    let data = app
        .query_as(
            "{ earlyWarningSignals { totalCount edges { node { key status category description } } } }",
            Some(&token),
        )
        .await;
    assert_eq!(data["earlyWarningSignals"]["totalCount"], 1, "only the verified signal: {data}");
    assert_eq!(data["earlyWarningSignals"]["edges"][0]["node"]["key"], verified["key"]);
    // Asking for the unverified status selects nothing rather than widening the scope.
    let data = app.query_as("{ earlyWarningSignals(filter: { status: REPORTED }) { totalCount } }", Some(&token)).await;
    assert_eq!(data["earlyWarningSignals"]["totalCount"], 0);
    // The unverified signal answers as one that does not exist, by ID and through node.
    for query in [
        format!(r#"{{ earlyWarningSignal(id: "{}") {{ key }} }}"#, reported["id"].as_str().unwrap()),
        format!(r#"{{ node(id: "{}") {{ id }} }}"#, reported["id"].as_str().unwrap()),
    ] {
        let data = app.query_as(&query, Some(&token)).await;
        assert!(data.as_object().unwrap().values().all(Value::is_null), "{query}: {data}");
    }
    let data = app
        .query_as(&format!(r#"{{ node(id: "{}") {{ id }} }}"#, verified["id"].as_str().unwrap()), Some(&token))
        .await;
    assert_eq!(data["node"]["id"], verified["id"]);
    // Never the source, nor the verification trail (which names the steps' reasons).
    for field in ["source { reference }", "events { reason }"] {
        let body = post(
            &app,
            &token,
            &format!(r#"{{ earlyWarningSignal(id: "{}") {{ key {field} }} }}"#, verified["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{field}: {body}");
        assert!(!body.to_string().contains("FICTIONAL protected source"), "{body}");
    }
    // The analyses, over verified signals only.
    let data =
        app.query_as(r#"{ earlyWarningAnalysis(from: "2025-01-01", to: "2025-03-31") { total } }"#, Some(&token)).await;
    assert_eq!(data["earlyWarningAnalysis"]["total"], 1);
    // Nobody else sees any of it, counts included.
    for role in ["partner", "reprisals_officer", "fund_secretariat", "complaint_secretariat", "admin"] {
        let other = app.token("other", &[role], None);
        for query in [
            "{ earlyWarningSignals { totalCount } }",
            r#"{ earlyWarningAnalysis(from: "2025-01-01", to: "2025-03-31") { total } }"#,
        ] {
            let body = post(&app, &other, query).await;
            assert_eq!(first_code(&body), "FORBIDDEN", "{role}: {body}");
            assert!(body["data"].is_null(), "{role}: {body}");
        }
        let data = app
            .query_as(&format!(r#"{{ node(id: "{}") {{ id }} }}"#, verified["id"].as_str().unwrap()), Some(&other))
            .await;
        assert!(data["node"].is_null(), "{role}: {data}");
    }
}

/// The fixture of `hrc_db`'s unit test of the analysis, with Burundi as country 1 and Nepal as country 2, computed by
/// hand: period 2025-04-01..2025-06-30, so the previous period is 2024-12-31..2025-03-31; the test server's
/// threshold is the default, 3 grave verified signals within 30 days.
async fn the_analysis_answers_as_computed_by_hand(app: TestApp) {
    for (country, on, category, severity) in [
        ("BDI", "2025-04-01", "ENFORCED_DISAPPEARANCES", "HIGH"),
        ("BDI", "2025-04-20", "EXTRAJUDICIAL_EXECUTIONS", "CRITICAL"),
        ("BDI", "2025-04-30", "ENFORCED_DISAPPEARANCES", "HIGH"),
        ("BDI", "2025-06-15", "TORTURE_SURGE", "MEDIUM"),
        ("BDI", "2025-04-10", "NON_COOPERATION", "LOW"),
        ("NPL", "2025-05-01", "TARGETING_CIVIL_SOCIETY", "HIGH"),
        ("NPL", "2025-05-20", "TARGETING_CIVIL_SOCIETY", "HIGH"),
        ("NPL", "2025-06-05", "TORTURE_SURGE", "HIGH"),
        ("NPL", "2025-01-15", "TARGETING_CIVIL_SOCIETY", "HIGH"),
        ("NPL", "2025-03-31", "DENIAL_OF_ACCESS", "MEDIUM"),
        ("BDI", "2024-12-31", "ENFORCED_DISAPPEARANCES", "HIGH"),
    ] {
        verified_signal(&app, country, on, category, severity).await;
    }
    // Signals not verified count nowhere: Nepal would cross with these two.
    report_signal(&app, "NPL", "2025-05-10", "ENFORCED_DISAPPEARANCES", "HIGH").await;
    let dismissed = report_signal(&app, "NPL", "2025-05-11", "ENFORCED_DISAPPEARANCES", "HIGH").await;
    let dismissed = move_signal(&app, &dismissed, "UNDER_VERIFICATION").await;
    move_signal(&app, &dismissed, "DISMISSED").await;

    let analysis = r#"from to previousFrom previousTo total previousTotal trend
        byCategoryAndSeverity { category severity count previousCount trend }
        byCountry { country { isoCode } count previousCount trend }
        countriesOverThreshold { country { isoCode } signals windowStartsOn windowEndsOn categories }
        threshold { signals windowDays graveCategories }"#;
    let token = secretariat(&app);
    let data = app
        .query_as(
            &format!(r#"{{ earlyWarningAnalysis(from: "2025-04-01", to: "2025-06-30") {{ {analysis} }} }}"#),
            Some(&token),
        )
        .await;
    let a = &data["earlyWarningAnalysis"];
    assert_eq!((a["previousFrom"].as_str(), a["previousTo"].as_str()), (Some("2024-12-31"), Some("2025-03-31")));
    assert_eq!(
        (a["total"].as_i64(), a["previousTotal"].as_i64(), a["trend"].as_str()),
        (Some(8), Some(3), Some("RISING"))
    );
    // Countries come in row-id order; compare them by code.
    let mut by_country = a["byCountry"].as_array().unwrap().clone();
    by_country.sort_by_key(|c| c["country"]["isoCode"].as_str().unwrap().to_owned());
    assert_eq!(
        by_country,
        vec![
            json!({ "country": { "isoCode": "BDI" }, "count": 5, "previousCount": 1, "trend": "RISING" }),
            json!({ "country": { "isoCode": "NPL" }, "count": 3, "previousCount": 2, "trend": "RISING" }),
        ]
    );
    let cells = a["byCategoryAndSeverity"].as_array().unwrap();
    assert_eq!(cells.len(), 7, "{cells:?}");
    let cell = |category: &str, severity: &str| {
        cells.iter().find(|c| c["category"] == category && c["severity"] == severity).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(
        cell("ENFORCED_DISAPPEARANCES", "HIGH"),
        json!({ "category": "ENFORCED_DISAPPEARANCES", "severity": "HIGH", "count": 2, "previousCount": 1, "trend": "RISING" })
    );
    assert_eq!(cell("DENIAL_OF_ACCESS", "MEDIUM")["trend"], "FALLING");
    assert_eq!(cell("TARGETING_CIVIL_SOCIETY", "HIGH")["count"], 2);
    assert_eq!(
        a["countriesOverThreshold"],
        json!([{ "country": { "isoCode": "BDI" }, "signals": 3, "windowStartsOn": "2025-04-01", "windowEndsOn": "2025-04-30",
                 "categories": ["ENFORCED_DISAPPEARANCES", "EXTRAJUDICIAL_EXECUTIONS"] }])
    );
    assert_eq!(a["threshold"]["signals"], 3);
    assert_eq!(a["threshold"]["windowDays"], 30);

    // A 50-day window takes Nepal over too (its three from 05-01 to 06-19); a region keeps its own countries.
    let data = app
        .query_as(
            r#"{ wide: earlyWarningAnalysis(from: "2025-04-01", to: "2025-06-30", windowDays: 50) { countriesOverThreshold { country { isoCode } signals windowEndsOn } }
                 asia: earlyWarningAnalysis(from: "2025-04-01", to: "2025-06-30", region: ASIA_PACIFIC, windowDays: 50) { total countriesOverThreshold { country { isoCode } } }
                 strict: earlyWarningAnalysis(from: "2025-04-01", to: "2025-06-30", threshold: 4) { countriesOverThreshold { country { isoCode } } } }"#,
            Some(&token),
        )
        .await;
    let mut wide: Vec<&str> = data["wide"]["countriesOverThreshold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["country"]["isoCode"].as_str().unwrap())
        .collect();
    wide.sort();
    assert_eq!(wide, vec!["BDI", "NPL"]);
    assert_eq!(data["asia"]["total"], 3);
    assert_eq!(data["asia"]["countriesOverThreshold"], json!([{ "country": { "isoCode": "NPL" } }]));
    assert_eq!(data["strict"]["countriesOverThreshold"], json!([]));

    // Bad periods and thresholds are named.
    for (args, field) in [
        (r#"from: "2025-06-30", to: "2025-04-01""#, "to"),
        (r#"from: "2000-01-01", to: "2025-04-01""#, "to"),
        (r#"from: "2025-04-01", to: "2025-06-30", threshold: 0"#, "threshold"),
        (r#"from: "2025-04-01", to: "2025-06-30", windowDays: 400"#, "windowDays"),
        (r#"from: "2025-04-01", to: "2025-06-30", country: "ZZZ""#, "country"),
    ] {
        let body = post(&app, &token, &format!("{{ earlyWarningAnalysis({args}) {{ total }} }}")).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{args}: {body}");
        assert_eq!(first_code(&body), "BAD_USER_INPUT");
    }
}

async fn briefings_are_public_once_delivered(app: TestApp) {
    let token = secretariat(&app);
    let data = app
        .query_as(
            r#"mutation { recordHorizonBriefing(input: { briefingOn: "2026-06-20", session: 45, region: AFRICAN,
                countries: ["BDI", "SSD"], title: "FICTIONAL regional horizon scan", textEn: "FICTIONAL: risk factors in the region",
                source: "FICTIONAL test" }) { id key status version countries { isoCode } region { code } session { number } } }"#,
            Some(&token),
        )
        .await;
    let briefing = data["recordHorizonBriefing"].clone();
    assert_eq!(briefing["status"], "SCHEDULED");
    assert_eq!(briefing["countries"], json!([{ "isoCode": "BDI" }, { "isoCode": "SSD" }]));
    let id = briefing["id"].as_str().unwrap();
    let read = format!(
        r#"{{ horizonBriefings {{ totalCount }} horizonBriefing(id: "{id}") {{ key }} node(id: "{id}") {{ id }} }}"#
    );
    // Scheduled: the secretariat's only.
    let data = app.query(&read).await;
    assert_eq!(data, json!({ "horizonBriefings": { "totalCount": 0 }, "horizonBriefing": null, "node": null }));
    let data = app.query_as(&read, Some(&bureau(&app))).await;
    assert_eq!(data["horizonBriefings"]["totalCount"], 0);
    let data = app.query_as(&read, Some(&token)).await;
    assert_eq!(data["horizonBriefings"]["totalCount"], 1);

    let deliver = |version: &Value| {
        format!(
            r#"mutation {{ deliverHorizonBriefing(id: "{id}", expectedVersion: {version}, deliveredOn: "2026-06-21") {{ status briefingOn version }} }}"#
        )
    };
    let body = post(&app, &token, &deliver(&json!(7))).await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");
    let data = app.query_as(&deliver(&briefing["version"]), Some(&token)).await;
    assert_eq!(data["deliverHorizonBriefing"]["status"], "DELIVERED");
    assert_eq!(data["deliverHorizonBriefing"]["briefingOn"], "2026-06-21");
    let body = post(&app, &token, &deliver(&data["deliverHorizonBriefing"]["version"])).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "delivered once: {body}");
    // Delivered: public, and filtered as asked.
    let data = app.query(&read).await;
    assert_eq!(data["horizonBriefings"]["totalCount"], 1);
    assert_eq!(data["horizonBriefing"]["key"], briefing["key"]);
    assert_eq!(data["node"]["id"], id);
    let data = app
        .query(r#"{ a: horizonBriefings(filter: { country: "SSD", year: 2026 }) { totalCount } b: horizonBriefings(filter: { region: ASIA_PACIFIC }) { totalCount } }"#)
        .await;
    assert_eq!((data["a"]["totalCount"].as_i64(), data["b"]["totalCount"].as_i64()), (Some(1), Some(0)));
    let (_, code, body) = app.query_error(r#"{ horizonBriefings(filter: { session: 999 }) { totalCount } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT", "{body}");
}

async fn signal_events_reach_the_secretariat_and_only_verified_ones_the_bureau(app: TestApp) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let subscribe = |token: String| {
        let url = app.url("/graphql").replace("http://", "ws://");
        async move {
            let mut request = url.into_client_request().unwrap();
            request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
            socket.send(Message::Text(init.to_string().into())).await.unwrap();
            let ack = socket.next().await.unwrap().unwrap();
            assert!(ack.to_string().contains("connection_ack"), "{ack}");
            let query = "subscription { earlyWarningSignalEvents { key status category change country { isoCode } } }";
            let message = json!({ "type": "subscribe", "id": "1", "payload": { "query": query } });
            socket.send(Message::Text(message.to_string().into())).await.unwrap();
            socket
        }
    };
    let mut analyst = subscribe(secretariat(&app)).await;
    let mut bureau_socket = subscribe(bureau(&app)).await;
    // Give the subscriptions a moment to be registered before the first event.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let signal = report_signal(&app, "BDI", "2025-02-01", "ENFORCED_DISAPPEARANCES", "HIGH").await;
    let signal = move_signal(&app, &signal, "UNDER_VERIFICATION").await;
    move_signal(&app, &signal, "VERIFIED").await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let message =
            tokio::time::timeout(std::time::Duration::from_secs(10), analyst.next()).await.unwrap().unwrap().unwrap();
        let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        let event = &message["payload"]["data"]["earlyWarningSignalEvents"];
        assert_eq!(event["key"], signal["key"], "{message}");
        assert_eq!(event["country"]["isoCode"], "BDI");
        seen.push((event["status"].as_str().unwrap().to_owned(), event["change"].as_str().unwrap().to_owned()));
    }
    assert_eq!(
        seen,
        vec![
            ("REPORTED".to_owned(), "REPORTED".to_owned()),
            ("UNDER_VERIFICATION".to_owned(), "STATUS_CHANGED".to_owned()),
            ("VERIFIED".to_owned(), "STATUS_CHANGED".to_owned()),
        ]
    );
    // The Bureau's first event is the verification itself.
    let message =
        tokio::time::timeout(std::time::Duration::from_secs(10), bureau_socket.next()).await.unwrap().unwrap().unwrap();
    let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
    assert_eq!(message["payload"]["data"]["earlyWarningSignalEvents"]["status"], "VERIFIED", "{message}");
    // A role without business in early warning is refused.
    let refused = hrc_tests::ws_first(
        &app,
        Some(&app.token("p", &["partner"], None)),
        "subscription { earlyWarningSignalEvents { key } }",
        std::time::Duration::from_secs(5),
    )
    .await;
    assert_eq!(
        refused.as_ref().map(|m| m["payload"]["errors"][0]["extensions"]["code"].clone()),
        Some(json!("FORBIDDEN")),
        "{refused:?}"
    );
}

on_both_backends!(
    a_signal_is_verified_step_by_step_with_actor_time_and_reason,
    the_bureau_reads_verified_signals_without_their_sources,
    the_analysis_answers_as_computed_by_hand,
    briefings_are_public_once_delivered,
    signal_events_reach_the_secretariat_and_only_verified_ones_the_bureau,
);
