//! The access table's row scopes, proved: for every row-scoped path, each caller gets exactly the rows DESIGN.md's
//! table gives it, from fixtures holding a row of every scope (a State's own and another's, drafts, submitted and
//! withdrawn requests, verified and unverified signals, scheduled and delivered briefings, published and unpublished
//! reprisal cases, situations referred to the Council and not). The expected rows are written out here, apart from
//! `schema/src/access.rs`: change a rule's rows there and a case here fails.

use std::collections::BTreeSet;

use hrc_tests::fixtures::{self, move_complaint, referred_complaint, register_complaint};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

/// The callers, by their roles (State-scoped ones act for Nepal); `None` is the anonymous public.
const CALLERS: &[Option<&[&str]>] = &[
    None,
    Some(&["partner"]),
    Some(&["state_focal_point"]),
    Some(&["fund_committee"]),
    Some(&["fund_secretariat"]),
    Some(&["secretariat"]),
    Some(&["reprisals_officer"]),
    Some(&["complaint_wg"]),
    Some(&["complaint_secretariat"]),
    Some(&["council_bureau"]),
    Some(&["admin"]),
    // Two grants at once see the union of their rows.
    Some(&["state_focal_point", "fund_committee"]),
];

fn token(app: &TestApp, roles: Option<&[&str]>) -> Option<String> {
    roles.map(|roles| app.token(&format!("rows-{}", roles.join("+")), roles, Some("NPL")))
}

fn label(roles: Option<&[&str]>) -> String {
    roles.map_or("anonymous".to_owned(), |r| r.join("+"))
}

/// The keys a list answered, or `None` when the caller was refused.
async fn keys(app: &TestApp, token: Option<&str>, query: &str, list: &str, key: &str) -> Option<BTreeSet<String>> {
    let (_, body) = app.post(&json!({ "query": query }), token).await;
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
        assert!(matches!(code, "UNAUTHENTICATED" | "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED"), "{query}: {body}");
        return None;
    }
    let nodes = body["data"][list]["nodes"].as_array().unwrap_or_else(|| panic!("{query}: {body}"));
    Some(nodes.iter().map(|n| n[key].as_str().expect("a key").to_owned()).collect())
}

fn set(items: &[&Value]) -> Option<BTreeSet<String>> {
    Some(items.iter().map(|v| v.as_str().expect("a key").to_owned()).collect())
}

async fn fund_request(app: &TestApp, country: &str, steps: &[&str]) -> Value {
    let draft = fixtures::fund_draft(app, country, &[]).await;
    let focal = app.token(&format!("focal-{country}"), &["state_focal_point"], Some(country));
    let mut request = draft;
    for step in steps {
        let mutation = format!(
            r#"mutation {{ {step}(id: "{}", expectedVersion: {}) {{ id key version status }} }}"#,
            request["id"].as_str().unwrap(),
            request["version"]
        );
        let data = app.query_as(&mutation, Some(&focal)).await;
        request = data[*step].clone();
    }
    request
}

async fn fund_requests_are_seen_as_the_table_scopes_them(app: TestApp) {
    fixtures::fund_criteria(&app).await;
    let own_draft = fund_request(&app, "NPL", &[]).await;
    let own_submitted = fund_request(&app, "NPL", &["submitFundRequest"]).await;
    let other_draft = fund_request(&app, "FJI", &[]).await;
    let other_submitted = fund_request(&app, "FJI", &["submitFundRequest"]).await;
    // Withdrawn before it was ever submitted: a draft still, to everyone but its State and the fund's secretariat.
    let withdrawn_draft = fund_request(&app, "FJI", &["withdrawFundRequest"]).await;
    let withdrawn_submitted = fund_request(&app, "FJI", &["submitFundRequest", "withdrawFundRequest"]).await;
    assert_eq!(withdrawn_draft["status"], "WITHDRAWN", "{withdrawn_draft}");
    assert_eq!(withdrawn_submitted["status"], "WITHDRAWN", "{withdrawn_submitted}");
    let k = |v: &Value| v["key"].clone();
    let (od, os, xd, xs, wd, ws) = (
        k(&own_draft),
        k(&own_submitted),
        k(&other_draft),
        k(&other_submitted),
        k(&withdrawn_draft),
        k(&withdrawn_submitted),
    );
    let submitted = set(&[&os, &xs, &ws]);
    for roles in CALLERS {
        let expected = match roles.map(|r| r.to_vec()).as_deref() {
            Some(["state_focal_point"]) => set(&[&od, &os]),
            Some(["fund_committee"] | ["secretariat"] | ["council_bureau"]) => submitted.clone(),
            Some(["fund_secretariat"]) => set(&[&od, &os, &xd, &xs, &wd, &ws]),
            Some(["state_focal_point", "fund_committee"]) => set(&[&od, &os, &xs, &ws]),
            _ => None,
        };
        let token = token(&app, *roles);
        let got =
            keys(&app, token.as_deref(), "{ fundRequests(first: 100) { nodes { key } } }", "fundRequests", "key").await;
        assert_eq!(got, expected, "fundRequests for {}", label(*roles));
        // One by one as well: the withdrawn draft answers as missing to whoever may not see it.
        if expected.is_some() {
            let one = format!(r#"{{ fundRequest(id: "{}") {{ key }} }}"#, withdrawn_draft["id"].as_str().unwrap());
            let data = app.query_as(&one, token.as_deref()).await;
            let seen = !data["fundRequest"].is_null();
            assert_eq!(seen, expected.as_ref().is_some_and(|e| e.contains(wd.as_str().unwrap())), "{}", label(*roles));
        }
    }
}

async fn signals_briefings_and_reprisal_counts_are_seen_as_the_table_scopes_them(app: TestApp) {
    let verified = fixtures::verified_signal(&app, "NPL", "2025-02-01", "TORTURE_SURGE", "HIGH").await;
    let reported = fixtures::report_signal(&app, "NPL", "2025-02-02", "TORTURE_SURGE", "HIGH").await;
    let secretariat = fixtures::secretariat(&app);
    let briefing = |title: &str| {
        format!(
            r#"mutation {{ recordHorizonBriefing(input: {{ briefingOn: "2026-06-20", title: "{title}",
                textEn: "FICTIONAL briefing", source: "FICTIONAL test" }}) {{ id key version }} }}"#
        )
    };
    let scheduled =
        app.query_as(&briefing("FICTIONAL scheduled"), Some(&secretariat)).await["recordHorizonBriefing"].clone();
    let delivered =
        app.query_as(&briefing("FICTIONAL delivered"), Some(&secretariat)).await["recordHorizonBriefing"].clone();
    app.query_as(
        &format!(
            r#"mutation {{ deliverHorizonBriefing(id: "{}", expectedVersion: {}, deliveredOn: "2026-06-21") {{ status }} }}"#,
            delivered["id"].as_str().unwrap(),
            delivered["version"]
        ),
        Some(&secretariat),
    )
    .await;
    // Two reprisal cases; one published with consent.
    let officer = fixtures::reprisals_officer(&app);
    fixtures::reprisal_case(&app, "NPL").await;
    let published = fixtures::reprisal_case(&app, "NPL").await;
    let id = published["id"].as_str().unwrap();
    let data = app
        .query_as(
            &format!(r#"mutation {{ recordReprisalConsent(id: "{id}", scope: PUBLISH_CASE, givenOn: "2024-08-01") {{ version }} }}"#),
            Some(&officer),
        )
        .await;
    let version = &data["recordReprisalConsent"]["version"];
    app.query_as(
        &format!(r#"mutation {{ publishReprisalCase(id: "{id}", expectedVersion: {version}) {{ publishedOn }} }}"#),
        Some(&officer),
    )
    .await;

    let both_signals = set(&[&verified["key"], &reported["key"]]);
    let both_briefings = set(&[&scheduled["key"], &delivered["key"]]);
    for roles in CALLERS {
        let token = token(&app, *roles);
        let has = |role: &str| roles.is_some_and(|r| r.contains(&role));
        let signals = if has("secretariat") {
            both_signals.clone()
        } else if has("council_bureau") {
            set(&[&verified["key"]])
        } else {
            None
        };
        let query = "{ earlyWarningSignals(first: 100) { nodes { key } } }";
        let got = keys(&app, token.as_deref(), query, "earlyWarningSignals", "key").await;
        assert_eq!(got, signals, "earlyWarningSignals for {}", label(*roles));

        let briefings = if has("secretariat") { both_briefings.clone() } else { set(&[&delivered["key"]]) };
        let query = "{ horizonBriefings(first: 100) { nodes { key } } }";
        let got = keys(&app, token.as_deref(), query, "horizonBriefings", "key").await;
        assert_eq!(got, briefings, "horizonBriefings for {}", label(*roles));

        let staff = has("reprisals_officer") || has("secretariat") || has("council_bureau");
        let counted = app.query_as("{ reprisalCaseCounts(groupBy: COUNTRY) { count } }", token.as_deref()).await;
        let count: i64 =
            counted["reprisalCaseCounts"].as_array().unwrap().iter().map(|c| c["count"].as_i64().unwrap()).sum();
        assert_eq!(count, if staff { 2 } else { 1 }, "reprisalCaseCounts for {}", label(*roles));
    }
}

async fn complaint_situations_are_seen_as_the_table_scopes_them(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let referred = referred_complaint(&app, &secretariat).await;
    let mut pending = register_complaint(&app, &secretariat, "FJI").await;
    for to in ["TRANSMITTED_TO_STATE", "ASSESSED_BY_WGC", "REFERRED_TO_WGS"] {
        pending = move_complaint(&app, &secretariat, &pending, to).await;
    }
    let referred = &referred["situation"]["reference"];
    let pending = &pending["situation"]["reference"];
    for roles in CALLERS {
        let token = token(&app, *roles);
        let has = |role: &str| roles.is_some_and(|r| r.contains(&role));
        let expected = if has("complaint_wg") || has("complaint_secretariat") {
            set(&[referred, pending])
        } else if has("council_bureau") {
            set(&[referred])
        } else {
            None
        };
        let query = "{ complaintSituations(first: 100) { nodes { reference } } }";
        let got = keys(&app, token.as_deref(), query, "complaintSituations", "reference").await;
        assert_eq!(got, expected, "complaintSituations for {}", label(*roles));
    }
}

on_both_backends!(
    fund_requests_are_seen_as_the_table_scopes_them,
    signals_briefings_and_reprisal_counts_are_seen_as_the_table_scopes_them,
    complaint_situations_are_seen_as_the_table_scopes_them,
);
