//! The confidential complaint procedure: hidden from everyone without business in it, its workflow, the Bureau's
//! view, the existence oracle, authors' identities, the audit log, the store's separation, and the public record.

use diesel::prelude::*;
use hrc_db::confidential::schema::complaint_audit_log;
use hrc_tests::fixtures::{move_complaint, referred_complaint, register_complaint};
use hrc_tests::{first_code, on_both_backends, Backend, TestApp};
use serde_json::{json, Value};

const NONE_COMMUNICATION: &str = "Q29tcGxhaW50Q29tbXVuaWNhdGlvbjpub25l";
const NONE_SITUATION: &str = "Q29tcGxhaW50U2l0dWF0aW9uOm5vbmU";

/// The names of the types an introspection query shows, and the fields of `Query` and `Mutation`.
async fn introspect(app: &TestApp, token: Option<&str>) -> (Vec<String>, Vec<String>) {
    let data = app
        .query_as(
            "{ __schema { types { name } queryType { fields { name } } mutationType { fields { name } } } }",
            token,
        )
        .await;
    let names = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
    };
    let types = names(&data["__schema"]["types"]);
    let mut fields = names(&data["__schema"]["queryType"]["fields"]);
    fields.extend(names(&data["__schema"]["mutationType"]["fields"]));
    (types, fields)
}

async fn introspection_shows_the_procedure_only_to_its_staff_and_the_bureau(app: TestApp) {
    let confidential_type = |t: &String| t.starts_with("Complaint") && !t.starts_with("ComplaintP");
    for role in [
        None,
        Some("partner"),
        Some("secretariat"),
        Some("state_focal_point"),
        Some("reprisals_officer"),
        Some("admin"),
    ] {
        let token = role.map(|r| app.token("someone", &[r], Some("NPL")));
        let (types, fields) = introspect(&app, token.as_deref()).await;
        let who = role.unwrap_or("anonymous");
        assert!(types.iter().any(|t| t == "ComplaintProcedureRecord"), "{who}: the public record is public");
        let leaked: Vec<&String> = types.iter().filter(|t| confidential_type(t)).collect();
        assert!(leaked.is_empty(), "{who} sees confidential types: {leaked:?}");
        let leaked: Vec<&String> =
            fields.iter().filter(|f| f.contains("omplaint") && *f != "complaintProcedureRecord").collect();
        assert!(leaked.is_empty(), "{who} sees confidential fields: {leaked:?}");
        // Asking for a type by name answers as for a type that does not exist.
        let data = app
            .query_as(
                r#"{ a: __type(name: "ComplaintCommunication") { name } b: __type(name: "NoSuchType") { name } }"#,
                token.as_deref(),
            )
            .await;
        assert_eq!(data, json!({ "a": null, "b": null }), "{who}");
        // And asking for the field anyway is refused exactly as for a field that does not exist.
        let (_, real) =
            app.post(&json!({ "query": "{ complaintCommunications { edges { cursor } } }" }), token.as_deref()).await;
        let (_, unreal) =
            app.post(&json!({ "query": "{ complaintCommunicationz { edges { cursor } } }" }), token.as_deref()).await;
        assert_eq!(first_code(&real), "GRAPHQL_VALIDATION_FAILED", "{who}: {real}");
        assert_eq!(first_code(&unreal), "GRAPHQL_VALIDATION_FAILED", "{who}: {unreal}");
        let message = |b: &Value| {
            b["errors"][0]["message"].as_str().unwrap().replace("complaintCommunicationz", "complaintCommunications")
        };
        assert_eq!(message(&real), message(&unreal), "{who}: the two refusals differ");
        let suggestion = message(&real).split("Did you mean").nth(1).unwrap_or_default().to_owned();
        assert!(!suggestion.contains("omplaint"), "{who}: a suggestion names a hidden field: {real}");
        // A hidden field's near miss suggests nothing hidden either.
        let (_, near) = app.post(&json!({ "query": "{ complaintSituation { reference } }" }), token.as_deref()).await;
        let suggestion = message(&near).split("Did you mean").nth(1).unwrap_or_default().to_owned();
        assert!(!suggestion.contains("omplaint"), "{who}: a suggestion names a hidden field: {near}");
    }
    let wg = app.token("wg-member", &["complaint_wg"], None);
    let (types, fields) = introspect(&app, Some(&wg)).await;
    assert!(types.iter().any(|t| t == "ComplaintCommunication"));
    assert!(fields.iter().any(|f| f == "complaintCommunications"));
    assert!(fields.iter().any(|f| f == "moveComplaintCommunication"));
    assert!(!types.iter().any(|t| t == "ComplaintAuthor"), "authors' identities are the secretariat's");
    assert!(!fields.iter().any(|f| f == "complaintAuditLog" || f == "registerComplaintCommunication"));
    let data = app.query_as(r#"{ __type(name: "ComplaintCommunication") { fields { name } } }"#, Some(&wg)).await;
    assert!(!data.to_string().contains("\"author\""), "{data}");

    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let (types, fields) = introspect(&app, Some(&secretariat)).await;
    assert!(types.iter().any(|t| t == "ComplaintAuthor"));
    assert!(fields.iter().any(|f| f == "complaintAuditLog"));

    let bureau = app.token("bureau", &["council_bureau"], None);
    let (types, fields) = introspect(&app, Some(&bureau)).await;
    assert!(types.iter().any(|t| t == "ComplaintSituation"));
    assert!(!types.iter().any(|t| t == "ComplaintCommunication"), "the Bureau sees situations, not communications");
    assert!(fields.iter().any(|f| f == "complaintSituations"));
    assert!(!fields.iter().any(|f| f == "complaintCommunications"));
}

async fn a_communication_moves_through_the_workflow_with_every_step_recorded(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let wg = app.token("wg-member", &["complaint_wg"], None);
    let registered = register_complaint(&app, &secretariat, "NPL").await;
    assert_eq!(registered["status"], "RECEIVED");
    assert!(registered["reference"].as_str().unwrap().starts_with("DEMO-CC/2024/"), "{registered}");

    // A transition the workflow does not allow names the current status and what is open from it.
    let (_, body) = app
        .post(
            &json!({ "query": format!(r#"mutation {{ moveComplaintCommunication(id: "{}", expectedVersion: 1, to: REFERRED_TO_COUNCIL) {{ status }} }}"#, registered["id"].as_str().unwrap()) }),
            Some(&wg),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("RECEIVED") && message.contains("TRANSMITTED_TO_STATE"), "{message}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "to");

    let moved = move_complaint(&app, &wg, &registered, "TRANSMITTED_TO_STATE").await;
    assert_eq!(moved["version"], 2);
    // A stale version is a conflict, and changes nothing.
    let (_, body) = app
        .post(
            &json!({ "query": format!(r#"mutation {{ moveComplaintCommunication(id: "{}", expectedVersion: 1, to: STATE_REPLIED) {{ status }} }}"#, registered["id"].as_str().unwrap()) }),
            Some(&wg),
        )
        .await;
    assert_eq!(first_code(&body), "CONFLICT", "{body}");

    let mut communication = moved;
    for to in ["STATE_REPLIED", "ASSESSED_BY_WGC", "REFERRED_TO_WGS"] {
        communication = move_complaint(&app, &wg, &communication, to).await;
    }
    let situation = communication["situation"].clone();
    assert_eq!(situation["status"], "UNDER_WGS_REVIEW", "{communication}");
    // A second communication on the same State joins the same situation.
    let mut second = register_complaint(&app, &secretariat, "NPL").await;
    for to in ["TRANSMITTED_TO_STATE", "ASSESSED_BY_WGC", "REFERRED_TO_WGS"] {
        second = move_complaint(&app, &wg, &second, to).await;
    }
    assert_eq!(second["situation"]["id"], situation["id"]);
    // The Council cannot decide on a situation not referred to it.
    let decide = |id: &str, version: &Value| json!({ "query": format!(r#"mutation {{ recordComplaintCouncilDecision(id: "{id}", expectedVersion: {version}, decision: KEEP_UNDER_REVIEW, decidedOn: "{}", sessionNumber: 55) {{ status version councilDecisions {{ decision sessionNumber }} }} }}"#, chrono::Utc::now().date_naive()) });
    let situation_id = situation["id"].as_str().unwrap();
    let (_, body) = app.post(&decide(situation_id, &situation["version"]), Some(&secretariat)).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("UNDER_WGS_REVIEW"));

    communication = move_complaint(&app, &wg, &communication, "REFERRED_TO_COUNCIL").await;
    let situation = communication["situation"].clone();
    assert_eq!(situation["status"], "REFERRED_TO_COUNCIL");
    // Recording the Council's decision is the secretariat's, not a working group member's.
    let (_, body) = app.post(&decide(situation_id, &situation["version"]), Some(&wg)).await;
    assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
    let (_, body) = app.post(&decide(situation_id, &situation["version"]), Some(&secretariat)).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["recordComplaintCouncilDecision"]["status"], "KEPT_UNDER_REVIEW_BY_COUNCIL");
    assert_eq!(
        body["data"]["recordComplaintCouncilDecision"]["councilDecisions"],
        json!([{ "decision": "KEEP_UNDER_REVIEW", "sessionNumber": 55 }])
    );

    // Every transition is in the history, with its actor.
    let data = app
        .query_as(
            &format!(r#"{{ complaintCommunication(id: "{}") {{ status nextStatuses events {{ fromStatus toStatus actor note }} }} }}"#, registered["id"].as_str().unwrap()),
            Some(&wg),
        )
        .await;
    let events = data["complaintCommunication"]["events"].as_array().unwrap();
    let steps: Vec<&str> = events.iter().map(|e| e["toStatus"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        [
            "RECEIVED",
            "TRANSMITTED_TO_STATE",
            "STATE_REPLIED",
            "ASSESSED_BY_WGC",
            "REFERRED_TO_WGS",
            "REFERRED_TO_COUNCIL"
        ]
    );
    assert_eq!(events[0]["actor"], "cs-officer");
    assert!(events[1..].iter().all(|e| e["actor"] == "wg-member"));
    assert_eq!(data["complaintCommunication"]["nextStatuses"], json!([]));
    let data = app
        .query_as(&format!(r#"{{ complaintSituation(id: "{situation_id}") {{ events {{ toStatus }} communications {{ reference }} }} }}"#), Some(&wg))
        .await;
    let steps: Vec<&str> = data["complaintSituation"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["toStatus"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["UNDER_WGS_REVIEW", "REFERRED_TO_COUNCIL", "KEPT_UNDER_REVIEW_BY_COUNCIL"]);
    assert_eq!(data["complaintSituation"]["communications"].as_array().unwrap().len(), 2);

    // Counts and filters.
    let data = app
        .query_as(r#"{ complaintCommunicationCounts(filter: { country: "npl" }) { status count } complaintCommunications(filter: { status: REFERRED_TO_WGS }) { edges { node { reference } } } }"#, Some(&wg))
        .await;
    assert_eq!(
        data["complaintCommunicationCounts"],
        json!([{ "status": "REFERRED_TO_COUNCIL", "count": 1 }, { "status": "REFERRED_TO_WGS", "count": 1 }])
    );
    assert_eq!(data["complaintCommunications"]["edges"][0]["node"]["reference"], second["reference"]);
}

async fn bad_input_to_the_procedure_names_the_field(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let (_, body) = app
        .post(
            &json!({ "query": r#"mutation { registerComplaintCommunication(input: { receivedOn: "2999-01-01", authorKind: GROUP, authorName: " ", country: "ZZZ", rightsAlleged: [], summary: "x" }) { reference } }"# }),
            Some(&secretariat),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in ["input.authorName", "input.rightsAlleged", "input.receivedOn", "input.country"] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let (_, body) = app
        .post(
            &json!({ "query": "{ complaintCommunications(filter: { receivedYear: 1990 }) { edges { cursor } } }" }),
            Some(&secretariat),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.receivedYear");
    // Nothing was written.
    let data = app.query_as("{ complaintCommunicationCounts { count } }", Some(&secretariat)).await;
    assert_eq!(data["complaintCommunicationCounts"], json!([]));
}

async fn the_bureau_sees_only_situations_referred_to_the_council(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let referred = referred_complaint(&app, &secretariat).await;
    let mut pending = register_complaint(&app, &secretariat, "FJI").await;
    for to in ["TRANSMITTED_TO_STATE", "ASSESSED_BY_WGC", "REFERRED_TO_WGS"] {
        pending = move_complaint(&app, &secretariat, &pending, to).await;
    }
    let bureau = app.token("bureau", &["council_bureau"], None);
    let data = app
        .query_as("{ complaintSituations { edges { node { reference countryIsoCode status } } } }", Some(&bureau))
        .await;
    assert_eq!(
        data["complaintSituations"]["edges"],
        json!([{ "node": { "reference": referred["situation"]["reference"], "countryIsoCode": "NPL", "status": "REFERRED_TO_COUNCIL" } }])
    );
    // A situation the Bureau may not see answers exactly as one that does not exist.
    let ask = |id: &str| format!(r#"{{ complaintSituation(id: "{id}") {{ reference }} }}"#);
    let (_, hidden) =
        app.post(&json!({ "query": ask(pending["situation"]["id"].as_str().unwrap()) }), Some(&bureau)).await;
    let (_, missing) = app.post(&json!({ "query": ask(NONE_SITUATION) }), Some(&bureau)).await;
    assert_eq!(hidden, json!({ "data": { "complaintSituation": null } }));
    assert_eq!(hidden, missing);
    let (_, seen) =
        app.post(&json!({ "query": ask(referred["situation"]["id"].as_str().unwrap()) }), Some(&bureau)).await;
    assert_eq!(seen["data"]["complaintSituation"]["reference"], referred["situation"]["reference"]);
    // Staff see both; a communication's ID is no situation's.
    let wg = app.token("wg-member", &["complaint_wg"], None);
    let data = app.query_as("{ complaintSituations { edges { node { reference } } } }", Some(&wg)).await;
    assert_eq!(data["complaintSituations"]["edges"].as_array().unwrap().len(), 2);
    let data = app.query_as(&ask(referred["id"].as_str().unwrap()), Some(&wg)).await;
    assert_eq!(data["complaintSituation"], Value::Null);
    let data = app
        .query_as(&format!(r#"{{ complaintCommunication(id: "{NONE_COMMUNICATION}") {{ reference }} }}"#), Some(&wg))
        .await;
    assert_eq!(data["complaintCommunication"], Value::Null);
    // `node` and `nodes` never reach the confidential store, whoever asks: its records are not nodes, and an ID of one
    // gets the same refusal whether the record exists or not.
    let real = referred["id"].as_str().unwrap();
    for token in [None, Some(wg.as_str()), Some(secretariat.as_str()), Some(bureau.as_str())] {
        for id in [real, NONE_COMMUNICATION, referred["situation"]["id"].as_str().unwrap(), NONE_SITUATION] {
            let (_, body) = app.post(&json!({ "query": format!(r#"{{ node(id: "{id}") {{ id }} }}"#) }), token).await;
            assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
            assert_eq!(body["data"], Value::Null);
            assert!(body["errors"][0]["message"].as_str().unwrap().ends_with("is not the ID of a node"));
            let (_, body) =
                app.post(&json!({ "query": format!(r#"{{ nodes(ids: ["{id}"]) {{ id }} }}"#) }), token).await;
            assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
        }
    }
}

async fn authors_are_the_secretariats_alone(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let registered = register_complaint(&app, &secretariat, "NPL").await;
    let ask = format!(
        r#"{{ complaintCommunication(id: "{}") {{ reference authorKind author {{ name contact }} }} }}"#,
        registered["id"].as_str().unwrap()
    );
    let data = app.query_as(&ask, Some(&secretariat)).await;
    assert_eq!(
        data["complaintCommunication"]["author"],
        json!({ "name": "FICTIONAL test author", "contact": "fictional@example.invalid" })
    );
    for role in ["complaint_wg", "council_bureau", "admin", "secretariat"] {
        let token = app.token("someone", &[role], None);
        let (_, body) = app.post(&json!({ "query": ask }), Some(&token)).await;
        assert!(!body.to_string().contains("FICTIONAL test author"), "{role} read an author: {body}");
        assert!(body.get("errors").is_some(), "{role}: {body}");
    }
    // A working group member reads the communication but not its author.
    let wg = app.token("wg-member", &["complaint_wg"], None);
    let (_, body) = app.post(&json!({ "query": ask }), Some(&wg)).await;
    assert_eq!(first_code(&body), "FORBIDDEN");
    assert_eq!(body["data"]["complaintCommunication"]["authorKind"], "INDIVIDUAL");
    assert_eq!(body["data"]["complaintCommunication"]["author"], Value::Null);
}

/// The store's audit records, oldest first: (actor, action, entity, references, request id).
async fn audit_records(app: &TestApp) -> Vec<(String, String, String, String, String)> {
    app.store
        .database()
        .run(|c| {
            complaint_audit_log::table
                .order(complaint_audit_log::id)
                .select((
                    complaint_audit_log::actor,
                    complaint_audit_log::action,
                    complaint_audit_log::entity,
                    complaint_audit_log::entity_keys,
                    complaint_audit_log::request_id,
                ))
                .load(c)
                .map_err(Into::into)
        })
        .await
        .unwrap()
}

async fn every_confidential_read_and_write_leaves_exactly_one_audit_record(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let before = audit_records(&app).await.len();
    let registered = register_complaint(&app, &secretariat, "NPL").await;
    let reference = registered["reference"].as_str().unwrap().to_owned();
    let records = audit_records(&app).await;
    assert_eq!(records.len(), before + 1, "one record for the registration");
    assert_eq!(records.last().unwrap().1, "register");

    // Each read of the store leaves exactly one record, naming what it read and the request.
    let id = registered["id"].as_str().unwrap();
    let cases: &[(String, &[(&str, &str)])] = &[
        (format!(r#"{{ complaintCommunication(id: "{id}") {{ reference }} }}"#), &[("read", "ComplaintCommunication")]),
        (
            format!(r#"{{ complaintCommunication(id: "{id}") {{ reference author {{ name }} }} }}"#),
            &[("read", "ComplaintCommunication"), ("read", "ComplaintAuthor")],
        ),
        (
            "{ complaintCommunications(first: 5) { edges { node { reference } } } }".into(),
            &[("read", "ComplaintCommunication")],
        ),
        ("{ complaintCommunicationCounts { count } }".into(), &[("count", "ComplaintCommunication")]),
        ("{ complaintSituations { edges { cursor } } }".into(), &[("read", "ComplaintSituation")]),
        (
            format!(r#"{{ complaintCommunication(id: "{NONE_COMMUNICATION}") {{ reference }} }}"#),
            &[("read", "ComplaintCommunication")],
        ),
        ("{ complaintAuditLog(first: 1) { edges { cursor } } }".into(), &[("read", "ComplaintAuditLog")]),
        // The public record is not the store: no record.
        ("{ complaintProcedureRecord { examinationCount } }".into(), &[]),
    ];
    for (query, expected) in cases {
        let before = audit_records(&app).await.len();
        let response = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&secretariat)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        let request_id = response.headers().get("x-request-id").expect("a request id").to_str().unwrap().to_owned();
        let body: Value = response.json().await.unwrap();
        assert!(body.get("errors").is_none(), "{query}: {body}");
        let records = audit_records(&app).await;
        let new: Vec<(&str, &str)> = records[before..].iter().map(|r| (r.1.as_str(), r.2.as_str())).collect();
        let mut new_sorted = new.clone();
        new_sorted.sort();
        let mut wanted = expected.to_vec();
        wanted.sort();
        assert_eq!(new_sorted, wanted, "{query}");
        for record in &records[before..] {
            assert_eq!(record.0, "cs-officer");
            assert!(!record.4.is_empty(), "{query}: the record names its request");
            assert_eq!(record.4, request_id, "{query}: the record names the request the response does");
        }
        if query.contains(id) {
            assert!(records[before..].iter().all(|r| r.3 == reference), "{query}: the record names the communication");
        }
    }
    // A refused read reaches neither the store nor its log.
    let wg = app.token("wg-member", &["complaint_wg"], None);
    let before = audit_records(&app).await.len();
    let (_, body) = app.post(&json!({ "query": "{ complaintAuditLog { edges { cursor } } }" }), Some(&wg)).await;
    assert_eq!(first_code(&body), "FORBIDDEN");
    assert_eq!(audit_records(&app).await.len(), before);
    // The audit log cannot be rewritten or trimmed, even by the store's own role.
    let tampered = app
        .store
        .database()
        .run(|c| {
            let update = diesel::update(complaint_audit_log::table)
                .set(complaint_audit_log::actor.eq("someone else"))
                .execute(c);
            let delete = diesel::delete(complaint_audit_log::table).execute(c);
            Ok((update.is_err(), delete.is_err()))
        })
        .await
        .unwrap();
    assert_eq!(tampered, (true, true), "the audit log is append-only");
    assert_eq!(audit_records(&app).await.len(), before);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn the_ordinary_role_cannot_reach_the_confidential_store(app: TestApp) {
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    register_complaint(&app, &secretariat, "NPL").await;
    // The store's own role reads it.
    let held = app
        .store
        .database()
        .run(|c| {
            diesel::sql_query("SELECT count(*) AS n FROM complaint_communications")
                .get_result::<Count>(c)
                .map_err(Into::into)
        })
        .await
        .unwrap();
    assert_eq!(held.n, 1);
    // The API's ordinary connection cannot, by any name.
    let attempts: Vec<String> = match app.backend {
        Backend::Postgres => vec![
            "SELECT count(*) AS n FROM complaints.complaint_communications".into(),
            "SELECT count(*) AS n FROM complaints.complaint_authors".into(),
            "SELECT count(*) AS n FROM complaints.complaint_audit_log".into(),
        ],
        Backend::Sqlite => vec![
            "SELECT count(*) AS n FROM complaint_communications".into(),
            "SELECT count(*) AS n FROM complaint_authors".into(),
        ],
    };
    for sql in attempts {
        let statement = sql.clone();
        let outcome =
            app.db.run(move |c| Ok(diesel::sql_query(statement).get_result::<Count>(c).map(|r| r.n))).await.unwrap();
        let error = outcome.expect_err(&format!("the ordinary role read the store: {sql}")).to_string();
        match app.backend {
            Backend::Postgres => assert!(error.contains("permission denied"), "{sql}: {error}"),
            Backend::Sqlite => assert!(error.contains("no such table"), "{sql}: {error}"),
        }
    }
    if app.backend == Backend::Postgres {
        // Nor can it grant itself a way in, or find the schema usable.
        let usable = app.db.run(|c| hrc_db::confidential::can_use_pg_schema(c).map_err(Into::into)).await.unwrap();
        assert!(!usable);
    }
}

async fn the_public_record_is_public_and_apart(app: TestApp) {
    let data = app
        .query(r#"{ complaintProcedureRecord { figures { key value qualifier unit asOfYear source } examinationCount countriesExamined } }"#)
        .await;
    let record = &data["complaintProcedureRecord"];
    assert_eq!(
        record["figures"][0],
        json!({ "key": "SITUATIONS_REFERRED_TO_COUNCIL", "value": 11, "qualifier": "EXACTLY", "unit": "SITUATIONS", "asOfYear": 2020, "source": "A/HRC/43/37 (seed 001) para 20" })
    );
    assert_eq!(record["figures"][1]["value"], 8);
    assert_eq!(record["figures"][2]["qualifier"], "MORE_THAN");
    assert_eq!(record["examinationCount"], 0, "no real examination is seeded without its source");
    let zh = app
        .client
        .post(app.url("/graphql"))
        .header("Accept-Language", "zh")
        .json(&json!({ "query": "{ complaintProcedureRecord { figures { label } } }" }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        zh["data"]["complaintProcedureRecord"]["figures"][0]["label"],
        "自该程序设立以来向理事会提交供其进一步审议的情况"
    );

    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let publish = |country: &str, session: i32, day: &str| json!({ "query": format!(r#"mutation {{ publishComplaintExamination(input: {{ country: "{country}", sessionNumber: {session}, announcedOn: "{day}", publicOutcome: DISCONTINUED, source: "FICTIONAL test announcement" }}) {{ key country {{ isoCode }} publicOutcome }} }}"#) });
    let (_, body) = app.post(&publish("NPL", 50, "2022-06-30"), Some(&secretariat)).await;
    assert_eq!(
        body["data"]["publishComplaintExamination"],
        json!({ "key": "NPL:50", "country": { "isoCode": "NPL" }, "publicOutcome": "DISCONTINUED" }),
        "{body}"
    );
    app.post(&publish("FJI", 52, "2023-03-31"), Some(&secretariat)).await;
    app.post(&publish("NPL", 53, "2023-07-10"), Some(&secretariat)).await;
    let (_, body) = app.post(&publish("NPL", 50, "2022-06-30"), Some(&secretariat)).await;
    assert_eq!(first_code(&body), "CONFLICT", "published twice: {body}");
    let data = app
        .query(r#"{ complaintProcedureRecord { examinationCount countriesExamined examinationsByYear { year count } } one: complaintProcedureRecord(country: "FJI") { examinations { key } } }"#)
        .await;
    assert_eq!(data["complaintProcedureRecord"]["examinationCount"], 3);
    assert_eq!(data["complaintProcedureRecord"]["countriesExamined"], 2);
    assert_eq!(
        data["complaintProcedureRecord"]["examinationsByYear"],
        json!([{ "year": 2022, "count": 1 }, { "year": 2023, "count": 2 }])
    );
    assert_eq!(data["one"]["examinations"], json!([{ "key": "FJI:52" }]));
    let (_, body) = app
        .post(&json!({ "query": r#"{ complaintProcedureRecord(country: "ZZZ") { examinationCount } }"# }), None)
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    // Publishing is the complaint secretariat's only.
    let secretariat_staff = app.token("ohchr", &["secretariat"], None);
    let (_, body) = app.post(&publish("FJI", 54, "2024-01-01"), Some(&secretariat_staff)).await;
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
}

async fn fictional_demonstration_complaints_fill_the_workflow(app: TestApp) {
    let countries = app.db.run(|c| hrc_db::models::Country::iso_codes(c).map_err(Into::into)).await.unwrap();
    let report = app
        .store
        .database()
        .run(move |c| Ok(hrc_db::confidential::demo(c, 7, &countries)))
        .await
        .unwrap()
        .expect("the demo loads");
    assert_eq!(report.communications, 40);
    assert!(report.situations >= 1, "{report:?}");
    let secretariat = app.token("cs-officer", &["complaint_secretariat"], None);
    let data = app
        .query_as("{ complaintCommunications(first: 100) { edges { node { reference fictional summary author { name } } } } complaintCommunicationCounts { status count } }", Some(&secretariat))
        .await;
    let edges = data["complaintCommunications"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 40);
    for edge in edges {
        let node = &edge["node"];
        assert_eq!(node["fictional"], true);
        assert!(node["reference"].as_str().unwrap().starts_with("DEMO-CC/"));
        assert!(node["summary"].as_str().unwrap().contains("FICTIONAL"));
        assert!(node["author"]["name"].as_str().unwrap().starts_with("FICTIONAL"));
    }
    let statuses = data["complaintCommunicationCounts"].as_array().unwrap().len();
    assert!(statuses >= 5, "the demo spreads over the workflow: {data}");
    // Loading again adds nothing.
    let countries = app.db.run(|c| hrc_db::models::Country::iso_codes(c).map_err(Into::into)).await.unwrap();
    let again =
        app.store.database().run(move |c| Ok(hrc_db::confidential::demo(c, 7, &countries))).await.unwrap().unwrap();
    assert!(again.already_loaded);
    assert_eq!(again.communications, 0);
}

on_both_backends!(
    introspection_shows_the_procedure_only_to_its_staff_and_the_bureau,
    a_communication_moves_through_the_workflow_with_every_step_recorded,
    bad_input_to_the_procedure_names_the_field,
    the_bureau_sees_only_situations_referred_to_the_council,
    authors_are_the_secretariats_alone,
    every_confidential_read_and_write_leaves_exactly_one_audit_record,
    the_ordinary_role_cannot_reach_the_confidential_store,
    the_public_record_is_public_and_apart,
    fictional_demonstration_complaints_fill_the_workflow,
);
