//! The Implementation Fund: a request through every transition, the refused ones, recusal, blind review, quorum,
//! concurrent reviews and disbursements, and the public record of grants.

use hrc_tests::fixtures::{fund_criteria, fund_draft, insert_recommendations, FakeRecommendation};
use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

/// The committee: one State per regional group. Nepal (Asia-Pacific) will be both a member and the requesting
/// State, so its member is recused.
const MEMBERS: [&str; 5] = ["DZA", "NPL", "POL", "BRA", "DEU"];

fn secretariat(app: &TestApp) -> String {
    app.token("fund-secretariat", &["fund_secretariat"], None)
}

fn focal(app: &TestApp, country: &str) -> String {
    app.token(&format!("focal-{country}"), &["state_focal_point"], Some(country))
}

fn member(app: &TestApp, country: &str) -> String {
    app.token(&format!("delegate-{country}"), &["fund_committee"], Some(country))
}

async fn appoint_committee(app: &TestApp) {
    let token = secretariat(app);
    for country in MEMBERS {
        app.query_as(
            &format!(
                r#"mutation {{ appointFundCommitteeMember(input: {{ fund: "implementation-fund", country: "{country}",
                    termStartsOn: "2024-01-01", termEndsOn: "2027-12-31", representatives: ["FICTIONAL delegate"] }}) {{ serving }} }}"#
            ),
            Some(&token),
        )
        .await;
    }
}

async fn post(app: &TestApp, token: &str, query: String) -> Value {
    app.post(&json!({ "query": query }), Some(token)).await.1
}

async fn ok(app: &TestApp, token: &str, query: String) -> Value {
    app.query_as(&query, Some(token)).await
}

fn review(request: &str, scores: (i32, i32), recommendation: &str) -> String {
    format!(
        r#"mutation {{ submitFundReview(request: "{request}", recommendation: {recommendation}, comment: "FICTIONAL",
            scores: [{{ criterion: "alignment", score: {} }}, {{ criterion: "feasibility", score: {} }}]) {{ version recommendation member {{ country {{ isoCode }} }} }} }}"#,
        scores.0, scores.1
    )
}

async fn nepal_recommendations(app: &TestApp) -> Vec<String> {
    insert_recommendations(
        &app.database.url,
        &[FakeRecommendation::numbered("NPL", 1), FakeRecommendation::numbered("FJI", 2)],
    );
    let data = app
        .query(r#"{ recommendations(filter: { fictional: true }) { edges { node { key country { isoCode } } } } }"#)
        .await;
    let mut keys = Vec::new();
    for edge in data["recommendations"]["edges"].as_array().unwrap() {
        keys.push(format!(
            "{}|{}",
            edge["node"]["country"]["isoCode"].as_str().unwrap(),
            edge["node"]["key"].as_str().unwrap()
        ));
    }
    keys
}

async fn a_request_goes_from_draft_to_completed_with_every_rule_applied(app: TestApp) {
    fund_criteria(&app).await;
    appoint_committee(&app).await;
    let fs = secretariat(&app);
    // One member per regional group: a second Asia-Pacific State is refused.
    let (_, body) = app
        .post(&json!({ "query": r#"mutation { appointFundCommitteeMember(input: { fund: "implementation-fund", country: "FJI", termStartsOn: "2024-01-01", termEndsOn: "2026-01-01" }) { serving } }"# }), Some(&fs))
        .await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");
    let data = app.query(r#"{ fund(key: "implementation-fund") { committee { country { isoCode } regionalGroup { code } } criteriaVersions { number criteria { key maxScore } } } }"#).await;
    assert_eq!(data["fund"]["committee"].as_array().unwrap().len(), 5);

    // Only recommendations addressed to the requesting State may be targeted.
    let recs = nepal_recommendations(&app).await;
    let nepal = recs.iter().find(|k| k.starts_with("NPL|")).unwrap().split('|').nth(1).unwrap().to_owned();
    let fiji = recs.iter().find(|k| k.starts_with("FJI|")).unwrap().split('|').nth(1).unwrap().to_owned();
    let npl = focal(&app, "NPL");
    let (_, body) = app
        .post(&json!({ "query": format!(r#"mutation {{ createFundRequest(input: {{ fund: "implementation-fund", title: "t", needsAssessment: "n", amount: "10.00", currency: "USD", recommendations: ["{fiji}"] }}) {{ key }} }}"#) }), Some(&npl))
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.recommendations");
    // Money is exact: a third decimal, a float-looking value or another currency is refused.
    for (amount, currency) in [("125000.005", "USD"), ("1e5", "USD"), ("-3.00", "USD"), ("10.00", "EUR")] {
        let (_, body) = app
            .post(&json!({ "query": format!(r#"mutation {{ createFundRequest(input: {{ fund: "implementation-fund", title: "t", needsAssessment: "n", amount: "{amount}", currency: "{currency}" }}) {{ key }} }}"#) }), Some(&npl))
            .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{amount} {currency}: {body}");
    }

    let draft = fund_draft(&app, "NPL", &[&nepal]).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(draft["status"], "DRAFT");
    // A draft is its State's alone.
    let ask = format!(r#"{{ fundRequest(id: "{id}") {{ key status amount {{ amount currency }} }} }}"#);
    assert_eq!(
        ok(&app, &npl, ask.clone()).await["fundRequest"]["amount"],
        json!({ "amount": "125000.00", "currency": "USD" })
    );
    for token in [focal(&app, "DZA"), member(&app, "DZA"), app.token("ohchr", &["secretariat"], None)] {
        assert_eq!(ok(&app, &token, ask.clone()).await["fundRequest"], Value::Null);
    }
    let body = post(
        &app,
        &focal(&app, "DZA"),
        format!(r#"mutation {{ submitFundRequest(id: "{id}", expectedVersion: 1) {{ key }} }}"#),
    )
    .await;
    assert_eq!(first_code(&body), "NOT_FOUND", "another State's focal point: {body}");

    let submit = format!(
        r#"mutation {{ submitFundRequest(id: "{id}", expectedVersion: 1) {{ status version criteriaVersion {{ number }} }} }}"#
    );
    let submitted = ok(&app, &npl, submit.clone()).await["submitFundRequest"].clone();
    assert_eq!(submitted["status"], "SUBMITTED");
    assert_eq!(submitted["criteriaVersion"]["number"], 1);
    // A transition not allowed from the current status names it; a stale version is a conflict.
    let body = post(&app, &npl, submit.replace("expectedVersion: 1", "expectedVersion: 2")).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("SUBMITTED"), "{body}");
    let body = post(&app, &npl, submit.clone()).await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");
    // Criteria adopted later do not apply to it.
    ok(&app, &fs, format!(r#"mutation {{ adoptFundCriteria(fund: "implementation-fund", adoptedOn: "{}", criteria: [{{ key: "impact", description: "FICTIONAL", maxScore: 10 }}]) {{ number }} }}"#, chrono::Utc::now().date_naive())).await;

    let moved = ok(
        &app,
        &fs,
        format!(
            r#"mutation {{ moveFundRequest(id: "{id}", expectedVersion: 2, to: UNDER_REVIEW) {{ status version }} }}"#
        ),
    )
    .await;
    assert_eq!(moved["moveFundRequest"]["status"], "UNDER_REVIEW");
    let body = post(
        &app,
        &fs,
        format!(r#"mutation {{ moveFundRequest(id: "{id}", expectedVersion: 3, to: APPROVED) {{ status }} }}"#),
    )
    .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "approval has its own mutation: {body}");

    // Recusal: Nepal's own member may not review, and the request shows it.
    let body = post(&app, &member(&app, "NPL"), review(&id, (5, 5), "APPROVE")).await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("recused"));
    let data =
        ok(&app, &fs, format!(r#"{{ fundRequest(id: "{id}") {{ recusedMembers {{ country {{ isoCode }} }} }} }}"#))
            .await;
    assert_eq!(data["fundRequest"]["recusedMembers"], json!([{ "country": { "isoCode": "NPL" } }]));
    // Scores follow the request's criteria version (1), each within its maximum.
    let body = post(&app, &member(&app, "DZA"), review(&id, (6, 1), "APPROVE")).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");

    // Blind review: a member sees the others' reviews only once it has submitted its own.
    let reviews = format!(
        r#"{{ fundRequest(id: "{id}") {{ reviewCount reviews {{ member {{ country {{ isoCode }} }} recommendation scores {{ criterion score }} }} }} }}"#
    );
    ok(&app, &member(&app, "DZA"), review(&id, (4, 3), "APPROVE")).await;
    let pol = member(&app, "POL");
    let before = ok(&app, &pol, reviews.clone()).await;
    assert_eq!(before["fundRequest"]["reviews"], json!([]), "blind until its own review");
    assert_eq!(before["fundRequest"]["reviewCount"], 1);
    ok(&app, &pol, review(&id, (3, 3), "REQUEST_INFORMATION")).await;
    let after = ok(&app, &pol, reviews.clone()).await;
    assert_eq!(after["fundRequest"]["reviews"].as_array().unwrap().len(), 2);
    assert_eq!(
        after["fundRequest"]["reviews"][0]["scores"],
        json!([{ "criterion": "alignment", "score": 4 }, { "criterion": "feasibility", "score": 3 }])
    );
    // The requesting State, the OHCHR secretariat and the Bureau never see individual reviews.
    for token in
        [npl.clone(), app.token("ohchr", &["secretariat"], None), app.token("bureau", &["council_bureau"], None)]
    {
        let body = post(&app, &token, reviews.clone()).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
        assert!(!body.to_string().contains("REQUEST_INFORMATION"));
    }

    // Two revisions of one review on the same version: one lands, the other is a conflict.
    let revise = |score: i32| {
        format!(
            r#"mutation {{ submitFundReview(request: "{id}", recommendation: APPROVE, expectedVersion: 1, scores: [{{ criterion: "alignment", score: {score} }}, {{ criterion: "feasibility", score: 4 }}]) {{ version }} }}"#
        )
    };
    let (a, b) = tokio::join!(post(&app, &pol, revise(4)), post(&app, &pol, revise(5)));
    let outcomes = [a.get("errors").is_none(), b.get("errors").is_none()];
    assert_eq!(outcomes.iter().filter(|x| **x).count(), 1, "{a} {b}");
    let loser = if outcomes[0] { &b } else { &a };
    assert_eq!(first_code(loser), "CONFLICT", "{loser}");

    // Quorum: three reviews by members not of Nepal.
    let decide = |version: i64, amount: &str| {
        format!(
            r#"mutation {{ decideFundRequest(id: "{id}", expectedVersion: {version}, approve: true, reasons: "FICTIONAL: aligned and feasible", approvedAmount: "{amount}") {{ status version decision {{ approved reasons approvedAmount {{ amount }} }} }} }}"#
        )
    };
    let body = post(&app, &fs, decide(3, "100000.00")).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("needs 3"), "{body}");
    ok(&app, &member(&app, "BRA"), review(&id, (5, 4), "APPROVE")).await;
    let body = post(&app, &fs, decide(3, "125000.01")).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "more than requested: {body}");
    let decided = ok(&app, &fs, decide(3, "100000.00")).await["decideFundRequest"].clone();
    assert_eq!(decided["status"], "APPROVED");
    // The State sees the decision and its reasons.
    let data = ok(&app, &npl, format!(r#"{{ fundRequest(id: "{id}") {{ decision {{ approved reasons approvedAmount {{ amount currency }} }} }} }}"#)).await;
    assert_eq!(
        data["fundRequest"]["decision"],
        json!({ "approved": true, "reasons": "FICTIONAL: aligned and feasible", "approvedAmount": { "amount": "100000.00", "currency": "USD" } })
    );
    // No withdrawal after a decision.
    let body =
        post(&app, &npl, format!(r#"mutation {{ withdrawFundRequest(id: "{id}", expectedVersion: 4) {{ status }} }}"#))
            .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");

    // Disbursements: two at once that together exceed the approval; one fails and the sum holds.
    let disburse = |amount: &str, reference: &str| {
        format!(
            r#"mutation {{ recordFundDisbursement(request: "{id}", amount: "{amount}", disbursedOn: "2025-02-01", reference: "{reference}") {{ status disbursements {{ amount {{ amount }} }} }} }}"#
        )
    };
    let (a, b) =
        tokio::join!(post(&app, &fs, disburse("60000.00", "PAY-1")), post(&app, &fs, disburse("60000.00", "PAY-2")));
    let landed = [a.get("errors").is_none(), b.get("errors").is_none()];
    assert_eq!(landed.iter().filter(|x| **x).count(), 1, "{a} {b}");
    let refused = if landed[0] { &b } else { &a };
    assert_eq!(first_code(refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "amount");
    let last = ok(&app, &fs, disburse("40000.00", "PAY-3")).await["recordFundDisbursement"].clone();
    assert_eq!(last["status"], "DISBURSED");
    assert_eq!(
        last["disbursements"],
        json!([{ "amount": { "amount": "60000.00" } }, { "amount": { "amount": "40000.00" } }])
    );
    let body = post(&app, &fs, disburse("0.01", "PAY-4")).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "beyond the approval: {body}");
    let version = ok(&app, &fs, format!(r#"{{ fundRequest(id: "{id}") {{ version }} }}"#)).await["fundRequest"]
        ["version"]
        .clone();
    let done = ok(&app, &fs, format!(r#"mutation {{ moveFundRequest(id: "{id}", expectedVersion: {version}, to: COMPLETED) {{ status nextStatuses events {{ toStatus actor }} }} }}"#)).await;
    let done = &done["moveFundRequest"];
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["nextStatuses"], json!([]));
    let steps: Vec<(&str, &str)> = done["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["toStatus"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("DRAFT", "focal-NPL"),
            ("SUBMITTED", "focal-NPL"),
            ("UNDER_REVIEW", "fund-secretariat"),
            ("APPROVED", "fund-secretariat"),
            ("DISBURSED", "fund-secretariat"),
            ("COMPLETED", "fund-secretariat")
        ]
    );

    // The public sees the grant, and totals; never the request itself.
    let data = app.query(r#"{ fundGrants { totalCount edges { node { key amount { amount currency } country { isoCode } targetedRecommendations { key } } } } byFund: fundGrantTotals(groupBy: FUND) { group count amount { amount } } byGroup: fundGrantTotals(groupBy: REGIONAL_GROUP) { group count } }"#).await;
    assert_eq!(data["fundGrants"]["totalCount"], 1);
    let grant = &data["fundGrants"]["edges"][0]["node"];
    assert_eq!(grant["amount"], json!({ "amount": "100000.00", "currency": "USD" }));
    assert_eq!(grant["targetedRecommendations"], json!([{ "key": nepal }]));
    assert_eq!(
        data["byFund"],
        json!([{ "group": "implementation-fund", "count": 1, "amount": { "amount": "100000.00" } }])
    );
    assert_eq!(data["byGroup"], json!([{ "group": "ASIA_PACIFIC", "count": 1 }]));
    let (_, body) = app.post(&json!({ "query": "{ fundRequests { totalCount } }" }), None).await;
    assert_eq!(first_code(&body), "UNAUTHENTICATED");
}

async fn information_requests_withdrawals_and_rejections_take_their_turns(app: TestApp) {
    fund_criteria(&app).await;
    appoint_committee(&app).await;
    let fs = secretariat(&app);
    let dza = focal(&app, "DZA");
    let draft = fund_draft(&app, "DZA", &[]).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    ok(&app, &dza, format!(r#"mutation {{ submitFundRequest(id: "{id}", expectedVersion: 1) {{ status }} }}"#)).await;
    ok(
        &app,
        &fs,
        format!(r#"mutation {{ moveFundRequest(id: "{id}", expectedVersion: 2, to: UNDER_REVIEW) {{ status }} }}"#),
    )
    .await;
    let asked = ok(&app, &fs, format!(r#"mutation {{ moveFundRequest(id: "{id}", expectedVersion: 3, to: INFORMATION_REQUESTED, comment: "FICTIONAL: which ministry leads?") {{ status }} }}"#)).await;
    assert_eq!(asked["moveFundRequest"]["status"], "INFORMATION_REQUESTED");
    // Deciding while information is awaited is refused, naming the status.
    let body = post(&app, &fs, format!(r#"mutation {{ decideFundRequest(id: "{id}", expectedVersion: 4, approve: false, reasons: "x") {{ status }} }}"#)).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("INFORMATION_REQUESTED"), "{body}");
    let answered = ok(&app, &dza, format!(r#"mutation {{ answerFundInformationRequest(id: "{id}", expectedVersion: 4, answer: "FICTIONAL: the ministry of justice") {{ status version }} }}"#)).await;
    assert_eq!(answered["answerFundInformationRequest"]["status"], "UNDER_REVIEW");
    // Rejection after a quorum; the State sees the reasons, not the reviews.
    for country in ["NPL", "POL", "BRA"] {
        ok(&app, &member(&app, country), review(&id, (1, 1), "REJECT")).await;
    }
    let rejected = ok(&app, &fs, format!(r#"mutation {{ decideFundRequest(id: "{id}", expectedVersion: 5, approve: false, reasons: "FICTIONAL: out of scope") {{ status nextStatuses decision {{ approved approvedAmount {{ amount }} }} }} }}"#)).await;
    assert_eq!(rejected["decideFundRequest"]["status"], "REJECTED");
    assert_eq!(rejected["decideFundRequest"]["decision"], json!({ "approved": false, "approvedAmount": null }));
    // A rejection is not public.
    let data = app.query("{ fundGrants { totalCount } }").await;
    assert_eq!(data["fundGrants"]["totalCount"], 0);

    // A State withdraws its own draft; the fund's secretariat may withdraw a submitted request.
    let second = fund_draft(&app, "DZA", &[]).await;
    let withdrawn = ok(
        &app,
        &dza,
        format!(
            r#"mutation {{ withdrawFundRequest(id: "{}", expectedVersion: 1, comment: "FICTIONAL") {{ status }} }}"#,
            second["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(withdrawn["withdrawFundRequest"]["status"], "WITHDRAWN");
    let third = fund_draft(&app, "DZA", &[]).await;
    let third_id = third["id"].as_str().unwrap();
    ok(&app, &dza, format!(r#"mutation {{ submitFundRequest(id: "{third_id}", expectedVersion: 1) {{ status }} }}"#))
        .await;
    let by_fund = ok(
        &app,
        &fs,
        format!(r#"mutation {{ withdrawFundRequest(id: "{third_id}", expectedVersion: 2) {{ status }} }}"#),
    )
    .await;
    assert_eq!(by_fund["withdrawFundRequest"]["status"], "WITHDRAWN");
    // Lists as each caller sees them.
    let mut counts = Vec::new();
    for token in [fs.clone(), focal(&app, "DZA"), focal(&app, "NPL"), member(&app, "POL")] {
        let data = ok(&app, &token, "{ fundRequests { totalCount } }".into()).await;
        counts.push(data["fundRequests"]["totalCount"].as_i64().unwrap());
    }
    // The fund's secretariat and the State see all three; another State none; the committee the two submitted (a
    // draft withdrawn as a draft was never submitted, so it stays the State's and the fund secretariat's alone).
    assert_eq!(counts, [3, 3, 0, 2]);
}

async fn a_request_cannot_be_submitted_before_the_fund_has_criteria(app: TestApp) {
    let draft = fund_draft(&app, "NPL", &[]).await;
    let body = post(
        &app,
        &focal(&app, "NPL"),
        format!(
            r#"mutation {{ submitFundRequest(id: "{}", expectedVersion: 1) {{ status }} }}"#,
            draft["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("no assistance criteria"));
    // The funds the seeds name are public, each with its source.
    let data = app.query("{ funds { key kind status currency hasCommittee source } }").await;
    let funds = data["funds"].as_array().unwrap();
    assert_eq!(funds.len(), 4);
    assert_eq!(funds[0]["key"], "implementation-fund");
    assert_eq!(funds[0]["status"], "PROPOSED");
    assert!(funds.iter().all(|f| !f["source"].as_str().unwrap().is_empty()));
}

async fn the_demo_pipeline_has_requests_in_every_status(app: TestApp) {
    let report = app.db.run(|c| Ok(hrc_db::models::fund::demo(c, 3))).await.unwrap().expect("the demo pipeline loads");
    assert_eq!(report.requests, 27);
    let fs = secretariat(&app);
    let data =
        ok(&app, &fs, "{ fundRequests(first: 100) { edges { node { key status fictional title } } } }".into()).await;
    let edges = data["fundRequests"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 27);
    let statuses: std::collections::BTreeSet<&str> =
        edges.iter().map(|e| e["node"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 9, "every status: {statuses:?}");
    assert!(edges
        .iter()
        .all(|e| e["node"]["fictional"] == true && e["node"]["key"].as_str().unwrap().starts_with("DEMO-FR-")));
    let data =
        app.query("{ fundGrants { totalCount } fund(key: \"implementation-fund\") { committee { fictional } } }").await;
    assert_eq!(data["fundGrants"]["totalCount"], 9, "approved, disbursed and completed");
    assert_eq!(data["fund"]["committee"].as_array().unwrap().len(), 5);
    let again = app.db.run(|c| Ok(hrc_db::models::fund::demo(c, 3))).await.unwrap().unwrap();
    assert!(again.already_loaded);
}

/// The database itself, not only the API, keeps a grant's disbursements within its approval: two transactions that
/// each insert 60,000 against an approval of 100,000, the second started while the first still holds its insert.
async fn the_database_refuses_concurrent_disbursements_beyond_the_approval(app: TestApp) {
    use diesel::connection::SimpleConnection;
    fund_criteria(&app).await;
    let url = app.database.url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut setup = hrc_db::connection::establish(&url).unwrap();
        setup
            .batch_execute(
                "INSERT INTO fund_requests (key, fund_id, country_id, title, needs_assessment, partners, attachments,
                    amount_minor, currency, status, criteria_version_id, approved_minor, fictional, version, created_at,
                    updated_at)
                 VALUES ('FICTIONAL-T-1', (SELECT id FROM funds WHERE key = 'implementation-fund'),
                    (SELECT id FROM countries WHERE iso3 = 'NPL'), 'FICTIONAL', 'FICTIONAL', '', '', 10000000, 'USD',
                    'APPROVED', (SELECT min(id) FROM fund_criteria_versions), 10000000, TRUE, 1, CURRENT_TIMESTAMP,
                    CURRENT_TIMESTAMP)",
            )
            .unwrap();
        let insert = "INSERT INTO fund_disbursements (request_id, amount_minor, disbursed_on, reference, recorded_by,
            created_at) VALUES ((SELECT id FROM fund_requests WHERE key = 'FICTIONAL-T-1'), 6000000, '2025-01-01', 'T',
            'test', CURRENT_TIMESTAMP)";
        let mut first = hrc_db::connection::establish(&url).unwrap();
        first.batch_execute("BEGIN").unwrap();
        first.batch_execute(insert).expect("the first disbursement fits");
        let second_url = url.clone();
        let second = std::thread::spawn(move || {
            let mut second = hrc_db::connection::establish(&second_url).unwrap();
            second.batch_execute("BEGIN").unwrap();
            let result = second.batch_execute(insert).map_err(|e| e.to_string());
            let _ = second.batch_execute(if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
            result
        });
        std::thread::sleep(std::time::Duration::from_millis(500));
        first.batch_execute("COMMIT").unwrap();
        let second = second.join().unwrap();
        #[derive(diesel::QueryableByName)]
        struct Sum {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            total: i64,
        }
        use diesel::RunQueryDsl;
        let sum: Sum =
            diesel::sql_query("SELECT CAST(coalesce(sum(amount_minor), 0) AS BIGINT) AS total FROM fund_disbursements")
                .get_result(&mut setup)
                .unwrap();
        (second, sum.total)
    })
    .await
    .unwrap();
    let (second, total) = outcome;
    let error = second.expect_err("the second disbursement must be refused");
    assert!(error.contains("fund_disbursements_exceed_approved"), "{error}");
    assert_eq!(total, 6_000_000, "the sum holds at the first disbursement");
}

on_both_backends!(
    the_database_refuses_concurrent_disbursements_beyond_the_approval,
    the_demo_pipeline_has_requests_in_every_status,
    a_request_goes_from_draft_to_completed_with_every_rule_applied,
    information_requests_withdrawals_and_rejections_take_their_turns,
    a_request_cannot_be_submitted_before_the_fund_has_criteria,
);
