//! The secretariat's writes to the registry: create, update and retire mechanisms, mandates, holders, visits and
//! recommendations, with validation naming every bad field, stale-version conflicts and audit records.

use hrc_tests::{first_code, on_both_backends, TestApp};
use serde_json::{json, Value};

async fn run(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    app.post(&json!({ "query": query, "variables": variables }), token).await.1
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields in {body}"))
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_actions(app: &TestApp, entity: &'static str, key: &str) -> Vec<String> {
    let (url, key) = (app.database.url.clone(), key.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::audit::Record::of(&mut conn, entity, &key).unwrap().into_iter().map(|r| r.action).collect()
    })
    .await
    .unwrap()
}

const CREATE_MANDATE: &str = "mutation($input: CreateMandateInput!) { createMandate(input: $input) { key version status scope country { isoCode } establishedBy { symbol } } }";
const UPDATE_MANDATE: &str = "mutation($key: String!, $v: Int!, $input: UpdateMandateInput!) { updateMandate(key: $key, expectedVersion: $v, input: $input) { key version status termEndsOn } }";

fn country_mandate() -> Value {
    json!({ "key": "ie-test-country", "scope": "COUNTRY", "form": "INDEPENDENT_EXPERT", "country": "SSD",
            "nameEn": "FICTIONAL test mandate", "establishedBy": "A/HRC/RES/31/20", "source": "test fixture" })
}

async fn writes_need_the_secretariat(app: TestApp) {
    let partner = app.token("partner-1", &["partner"], None);
    let cases = [
        (CREATE_MANDATE, json!({ "input": country_mandate() })),
        (UPDATE_MANDATE, json!({ "key": "sr-racism", "v": 1, "input": { "status": "DISCONTINUED" } })),
        ("mutation { updateMechanism(key: \"upr\", expectedVersion: 1, input: { preventionDimension: true }) { key } }", json!({})),
        ("mutation { renewMandate(key: \"sr-racism\", expectedVersion: 1, resolution: \"A/HRC/RES/45/31\", renewedUntil: \"2030-01-01\") { key } }", json!({})),
        ("mutation { addMandateHolder(input: { mandate: \"sr-racism\", name: \"X\", role: SPECIAL_RAPPORTEUR, startsOn: \"2020-01-01\", source: \"s\" }) { key } }", json!({})),
        ("mutation { createVisit(input: { mandate: \"sr-racism\", country: \"NPL\", status: REQUESTED, requestedOn: \"2020-01-01\", source: \"s\" }) { key } }", json!({})),
        ("mutation { createRecommendation(input: { key: \"T:1\", sourceKind: REPORT, addressee: HUMAN_RIGHTS_COUNCIL, textEn: \"x\", source: \"s\" }) { key } }", json!({})),
    ];
    for (query, variables) in cases {
        assert_eq!(first_code(&run(&app, None, query, variables.clone()).await), "UNAUTHENTICATED", "{query}");
        assert_eq!(first_code(&run(&app, Some(&partner), query, variables).await), "FORBIDDEN", "{query}");
    }
    let data = app
        .query("{ mandates { totalCount } visits { totalCount } mandate(key: \"sr-racism\") { version status } }")
        .await;
    assert_eq!(data["mandates"]["totalCount"], 4, "nothing was written");
    assert_eq!(data["visits"]["totalCount"], 0);
    assert_eq!(data["mandate"], json!({ "version": 1, "status": "ACTIVE" }));
}

async fn a_mandate_is_created_renewed_and_retired_with_conflicts_on_stale_versions(app: TestApp) {
    let token = app.token("officer-1", &["secretariat"], None);
    let body = run(&app, Some(&token), CREATE_MANDATE, json!({ "input": country_mandate() })).await;
    let created = &body["data"]["createMandate"];
    assert_eq!(created["version"], 1, "{body}");
    assert_eq!(created["country"]["isoCode"], "SSD");
    assert_eq!(created["establishedBy"]["symbol"], "A/HRC/RES/31/20");
    let again = run(&app, Some(&token), CREATE_MANDATE, json!({ "input": country_mandate() })).await;
    assert_eq!(first_code(&again), "CONFLICT");

    let renew = "mutation($v: Int!, $r: String!) { renewMandate(key: \"ie-test-country\", expectedVersion: $v, resolution: $r, renewedUntil: \"2027-06-30\") { version termEndsOn renewals { resolution { symbol } renewedUntil } } }";
    let body = run(&app, Some(&token), renew, json!({ "v": 1, "r": "A/HRC/RES/45/31" })).await;
    assert_eq!(body["data"]["renewMandate"]["version"], 2, "{body}");
    assert_eq!(body["data"]["renewMandate"]["termEndsOn"], "2027-06-30");
    assert_eq!(
        body["data"]["renewMandate"]["renewals"],
        json!([{ "resolution": { "symbol": "A/HRC/RES/45/31" }, "renewedUntil": "2027-06-30" }])
    );
    let body = run(&app, Some(&token), renew, json!({ "v": 2, "r": "A/HRC/RES/99/99" })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "resolution", "{body}");

    let retire = json!({ "key": "ie-test-country", "v": 2, "input": { "status": "DISCONTINUED" } });
    let body = run(&app, Some(&token), UPDATE_MANDATE, retire.clone()).await;
    assert_eq!(body["data"]["updateMandate"]["status"], "DISCONTINUED", "{body}");
    assert_eq!(body["data"]["updateMandate"]["version"], 3);
    let stale = run(&app, Some(&token), UPDATE_MANDATE, retire).await;
    assert_eq!(first_code(&stale), "CONFLICT");
    assert!(stale["errors"][0]["message"].as_str().unwrap().contains("version 3"));
    let data = app.query("{ mandates(status: DISCONTINUED) { edges { node { key } } } }").await;
    assert_eq!(data["mandates"]["edges"], json!([{ "node": { "key": "ie-test-country" } }]));
    assert_eq!(
        audit_actions(&app, "Mandate", "ie-test-country").await,
        ["mandate.create", "mandate.renew", "mandate.update"]
    );

    // Every invalid field is named at once, and nothing is written.
    let bad = json!({ "key": "Bad Key!", "scope": "COUNTRY", "form": "WORKING_GROUP", "nameEn": " ", "source": "", "termEndsOn": "1900-01-01" });
    let body = run(&app, Some(&token), CREATE_MANDATE, json!({ "input": bad })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(fields(&body), ["input.key", "input.nameEn", "input.source", "input.termEndsOn", "input.country"]);
    let body = run(&app, Some(&token), CREATE_MANDATE, json!({ "input": { "key": "ie-x", "scope": "COUNTRY", "form": "WORKING_GROUP", "country": "ZZZ", "nameEn": "x", "source": "s" } })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.country", "{body}");
}

async fn holders_visits_and_mechanisms_are_written_and_checked(app: TestApp) {
    let token = app.token("officer-2", &["secretariat"], None);
    let add = "mutation($input: AddMandateHolderInput!) { addMandateHolder(input: $input) { key version name endsOn mandate { key } } }";
    let body = run(&app, Some(&token), add, json!({ "input": { "mandate": "wg-business", "name": "FICTIONAL Test Member", "role": "WORKING_GROUP_MEMBER", "startsOn": "2021-11-01", "source": "test" } })).await;
    let holder = &body["data"]["addMandateHolder"];
    assert_eq!(holder["key"], "wg-business:2021-11-01:fictional-test-member", "{body}");
    let update = "mutation($v: Int!, $end: Date) { updateMandateHolder(key: \"wg-business:2021-11-01:fictional-test-member\", expectedVersion: $v, input: { endsOn: $end }) { version endsOn } }";
    let body = run(&app, Some(&token), update, json!({ "v": 1, "end": "2020-01-01" })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.endsOn", "a term cannot end before it starts: {body}");
    let body = run(&app, Some(&token), update, json!({ "v": 1, "end": "2024-10-31" })).await;
    assert_eq!(body["data"]["updateMandateHolder"], json!({ "version": 2, "endsOn": "2024-10-31" }), "{body}");
    let data = app.query("{ mandate(key: \"wg-business\") { serving: holders(servingOn: \"2025-01-01\") { name } holders { name } } }").await;
    assert_eq!(data["mandate"]["serving"], json!([]));
    assert_eq!(data["mandate"]["holders"], json!([{ "name": "FICTIONAL Test Member" }]));

    let create = "mutation($input: CreateVisitInput!) { createVisit(input: $input) { key version status } }";
    let body = run(&app, Some(&token), create, json!({ "input": { "mandate": "sr-truth-justice", "country": "NPL", "status": "COMPLETED", "requestedOn": "2019-02-01", "source": "test" } })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "a completed visit has dates: {body}");
    let body = run(&app, Some(&token), create, json!({ "input": { "mandate": "sr-truth-justice", "country": "npl", "status": "REQUESTED", "requestedOn": "2019-02-01", "source": "test" } })).await;
    let key = body["data"]["createVisit"]["key"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    assert_eq!(key, "sr-truth-justice:NPL:2019-02-01");
    let move_on = "mutation($key: String!, $v: Int!, $input: UpdateVisitInput!) { updateVisit(key: $key, expectedVersion: $v, input: $input) { status version startsOn endsOn followUpDueOn } }";
    let body =
        run(&app, Some(&token), move_on, json!({ "key": key, "v": 1, "input": { "status": "COMPLETED" } })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "completed without dates: {body}");
    let body = run(&app, Some(&token), move_on, json!({ "key": key, "v": 1, "input": { "status": "COMPLETED", "startsOn": "2019-05-06", "endsOn": "2019-05-15" } })).await;
    assert_eq!(
        body["data"]["updateVisit"],
        json!({ "status": "COMPLETED", "version": 2, "startsOn": "2019-05-06", "endsOn": "2019-05-15", "followUpDueOn": "2022-05-15" }),
        "{body}"
    );
    assert_eq!(audit_actions(&app, "Visit", &key).await, ["visit.create", "visit.update"]);

    let end = "mutation($v: Int!) { updateMechanism(key: \"commission-of-inquiry-burundi\", expectedVersion: $v, input: { endedOn: \"2021-09-30\" }) { version endedOn } }";
    let body = run(&app, Some(&token), end, json!({ "v": 1 })).await;
    assert_eq!(body["data"]["updateMechanism"], json!({ "version": 2, "endedOn": "2021-09-30" }), "{body}");
    assert_eq!(first_code(&run(&app, Some(&token), end, json!({ "v": 1 })).await), "CONFLICT");
}

const CREATE_RECOMMENDATION: &str =
    "mutation($input: CreateRecommendationInput!) { createRecommendation(input: $input) {
    key version sourceKind country { isoCode } recommendingCountry { isoCode } mechanism { key } uprCycle response
    themes { key } affectedPersons { key } sdgTargets { code } text fictional } }";

async fn a_recommendation_is_created_with_its_index_and_found_by_it(app: TestApp) {
    let token = app.token("officer-3", &["secretariat"], None);
    let input = json!({
        "key": "FICTIONAL:A/HRC/99/1:1.1", "sourceKind": "UPR", "addressee": "STATE", "country": "NPL",
        "recommendingCountry": "FJI", "uprCycle": 4, "response": "SUPPORTED",
        "textEn": "FICTIONAL test: establish a national preventive mechanism against torture",
        "themes": ["torture", "prevention"], "affectedPersons": ["persons-deprived-of-liberty"], "sdgTargets": ["16.1"],
        "source": "test fixture"
    });
    let body = run(&app, Some(&token), CREATE_RECOMMENDATION, json!({ "input": input })).await;
    let r = &body["data"]["createRecommendation"];
    assert_eq!(r["mechanism"]["key"], "upr", "{body}");
    assert_eq!(r["themes"], json!([{ "key": "prevention" }, { "key": "torture" }]));
    assert_eq!(r["sdgTargets"], json!([{ "code": "16.1" }]));
    let data = app
        .query(r#"{ recommendations(filter: { country: "NPL", uprCycle: 4, response: SUPPORTED, theme: "torture", search: "preventive mechanisms" }) { edges { node { key } } } }"#)
        .await;
    assert_eq!(data["recommendations"]["edges"], json!([{ "node": { "key": "FICTIONAL:A/HRC/99/1:1.1" } }]));
    assert_eq!(
        first_code(&run(&app, Some(&token), CREATE_RECOMMENDATION, json!({ "input": input })).await),
        "CONFLICT"
    );
    assert_eq!(audit_actions(&app, "Recommendation", "FICTIONAL:A/HRC/99/1:1.1").await, ["recommendation.create"]);

    // Static checks, all reported together.
    let bad = json!({ "key": "", "sourceKind": "UPR", "addressee": "OHCHR", "uprCycle": 7, "source": "s" });
    let body = run(&app, Some(&token), CREATE_RECOMMENDATION, json!({ "input": bad })).await;
    assert_eq!(
        fields(&body),
        ["input.key", "input.textEn", "input.uprCycle", "input.recommendingCountry", "input.addressee"]
    );
    // Names that match nothing, all reported together; nothing written.
    let bad = json!({ "key": "T:2", "sourceKind": "UPR", "addressee": "STATE", "country": "ZZZ", "recommendingCountry": "FJI",
                      "uprCycle": 1, "textEn": "x", "themes": ["children"], "sdgTargets": ["16.99"], "source": "s" });
    let body = run(&app, Some(&token), CREATE_RECOMMENDATION, json!({ "input": bad })).await;
    assert_eq!(fields(&body), ["input.country", "input.themes", "input.sdgTargets"]);
    let data = app.query(r#"{ recommendation(key: "T:2") { key } }"#).await;
    assert!(data["recommendation"].is_null());
}

async fn standing_invitations_are_recorded_listed_and_withdrawn(app: TestApp) {
    let token = app.token("officer-4", &["secretariat"], None);
    let record = "mutation($c: String!, $on: Date) { recordStandingInvitation(country: $c, extendedOn: $on, source: \"test fixture\") { extendedOn fictional source } }";
    let partner = app.token("partner-2", &["partner"], None);
    assert_eq!(first_code(&run(&app, Some(&partner), record, json!({ "c": "NPL" })).await), "FORBIDDEN");
    let body = run(&app, Some(&token), record, json!({ "c": "npl", "on": "2011-05-01" })).await;
    assert_eq!(body["data"]["recordStandingInvitation"]["extendedOn"], "2011-05-01", "{body}");
    let body = run(&app, Some(&token), record, json!({ "c": "NPL", "on": "2011-06-01" })).await;
    assert_eq!(
        body["data"]["recordStandingInvitation"]["extendedOn"], "2011-06-01",
        "recording again replaces: {body}"
    );
    let body = run(&app, Some(&token), record, json!({ "c": "ZZZ" })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "country", "{body}");
    let data = app.query("{ invited: countries(standingInvitation: true) { isoCode standingInvitation { extendedOn } } all: countries { isoCode } not: countries(standingInvitation: false) { isoCode } }").await;
    assert_eq!(data["invited"], json!([{ "isoCode": "NPL", "standingInvitation": { "extendedOn": "2011-06-01" } }]));
    assert_eq!(data["not"].as_array().unwrap().len() + 1, data["all"].as_array().unwrap().len());
    let withdraw = "mutation { withdrawStandingInvitation(country: \"NPL\") }";
    assert_eq!(run(&app, Some(&token), withdraw, json!({})).await["data"]["withdrawStandingInvitation"], true);
    assert_eq!(first_code(&run(&app, Some(&token), withdraw, json!({})).await), "NOT_FOUND");
    assert_eq!(
        audit_actions(&app, "Country", "NPL").await,
        ["standing_invitation.record", "standing_invitation.record", "standing_invitation.withdraw"]
    );
}

on_both_backends!(
    standing_invitations_are_recorded_listed_and_withdrawn,
    writes_need_the_secretariat,
    a_mandate_is_created_renewed_and_retired_with_conflicts_on_stale_versions,
    holders_visits_and_mechanisms_are_written_and_checked,
    a_recommendation_is_created_with_its_index_and_found_by_it,
);
