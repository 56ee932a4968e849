//! The reference tables in memory (countries, mechanisms, thesaurus terms, SDG targets): a page's relations to them
//! cost no statement, the answers are those the database gives, a mutation's change is read back at once, a row
//! created behind the server's back is found, and on PostgreSQL a change announced by another node is heard.

use diesel::prelude::*;
use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use serde_json::{json, Value};

/// A page of recommendations with every relation to the reference tables, and the mechanism's description.
const PAGE: &str = "{ recommendations(first: 40, orderBy: { field: ID, direction: DESC }) { nodes {
    key
    mechanism { key name description version }
    country { isoCode name }
    recommendingCountry { isoCode }
    themes { key name description }
    affectedPersons { key }
    sdgTargets { code }
} } }";

fn nodes(data: &Value) -> &Vec<Value> {
    data["recommendations"]["nodes"].as_array().unwrap_or_else(|| panic!("no nodes in {data}"))
}

/// The same page from a server without the copy (`HRC_REFERENCE_CACHE_SECONDS=0`), over the same demo data.
async fn without_the_copy(app: &TestApp) -> (u64, Value) {
    let database = TestDatabase::create(app.backend).expect("the backend is configured");
    let mut settings = test_settings(&database);
    settings.limits.reference_cache = std::time::Duration::ZERO;
    let plain = TestApp::spawn_with(settings, database).await;
    hrc_tests::fixtures::load_demo(&plain, 200, 7).await;
    plain.statements_of(PAGE).await
}

async fn relations_to_the_reference_tables_come_from_memory_and_agree_with_the_database(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 200, 7).await;
    // The copy was read when the server started; the demo data's rows came after, and are found all the same.
    let (first, data) = app.statements_of(PAGE).await;
    let (warm, again) = app.statements_of(PAGE).await;
    assert_eq!(data, again, "the same answer twice");
    let (plain_statements, plain) = without_the_copy(&app).await;
    assert_eq!(data, plain, "the copy in memory gives the answer the database gives");
    let nodes = nodes(&data);
    assert_eq!(nodes.len(), 40);
    assert!(nodes.iter().all(|n| n["mechanism"]["key"].is_string() && n["country"]["isoCode"].is_string()), "{data}");
    assert!(nodes.iter().any(|n| !n["themes"].as_array().unwrap().is_empty()), "{data}");
    assert!(nodes.iter().any(|n| !n["sdgTargets"].as_array().unwrap().is_empty()), "{data}");
    eprintln!(
        "{}: {first} statements (new rows read), then {warm}; {plain_statements} without the copy",
        app.backend.name()
    );
    // The page, then its terms' and targets' links in one statement; the rest is in memory.
    assert_eq!(warm, 2, "the page and its links");
    // Without the copy: the page, its mechanisms, countries, terms and targets.
    assert_eq!(plain_statements, 5);
}

async fn a_mutation_s_change_to_a_reference_row_is_read_back_at_once(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 60, 3).await;
    let data = app.query(PAGE).await;
    let mechanism = nodes(&data)[0]["mechanism"].clone();
    let key = mechanism["key"].as_str().unwrap().to_owned();
    // The copy now holds the mechanism (served twice from it).
    assert_eq!(app.query(PAGE).await, data);
    let token = app.token("officer-9", &["secretariat"], None);
    let change = json!({
        "query": "mutation($key: String!, $v: Int!) { updateMechanism(key: $key, expectedVersion: $v, \
                  input: { descriptionEn: \"Described anew by the reference-cache test.\" }) { version } }",
        "variables": { "key": key, "v": mechanism["version"] },
    });
    let (_, body) = app.post(&change, Some(&token)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let version = body["data"]["updateMechanism"]["version"].clone();
    // Read back at once, by the anonymous public and by the caller who changed it.
    for token in [None, Some(token.as_str())] {
        let data = app.query_as(PAGE, token).await;
        let shown: Vec<&Value> = nodes(&data).iter().filter(|n| n["mechanism"]["key"] == key.as_str()).collect();
        assert!(!shown.is_empty());
        for node in shown {
            assert_eq!(node["mechanism"]["description"], "Described anew by the reference-cache test.", "{data}");
            assert_eq!(node["mechanism"]["version"], version, "{data}");
        }
    }
}

async fn a_term_created_behind_the_server_s_back_is_found(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 20, 4).await;
    let data = app.query(PAGE).await;
    let newest = nodes(&data)[0]["key"].as_str().unwrap().to_owned();
    app.db
        .run(move |c| {
            use hrc_db::schema::{recommendation_terms, recommendations, thesaurus_terms};
            let now = chrono::Utc::now().naive_utc();
            let term: i64 = diesel::insert_into(thesaurus_terms::table)
                .values((
                    thesaurus_terms::key.eq("reference-cache-test-term"),
                    thesaurus_terms::facet.eq("THEME"),
                    thesaurus_terms::name_en.eq("A theme made after the copy was read"),
                    thesaurus_terms::name_zh.eq("测试"),
                    thesaurus_terms::source.eq("test"),
                    thesaurus_terms::created_at.eq(now),
                    thesaurus_terms::updated_at.eq(now),
                ))
                .returning(thesaurus_terms::id)
                .get_result(c)?;
            let recommendation: i64 =
                recommendations::table.filter(recommendations::key.eq(newest)).select(recommendations::id).first(c)?;
            diesel::insert_into(recommendation_terms::table)
                .values((
                    recommendation_terms::recommendation_id.eq(recommendation),
                    recommendation_terms::term_id.eq(term),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let data = app.query(PAGE).await;
    let themes = &nodes(&data)[0]["themes"];
    assert!(themes.as_array().unwrap().iter().any(|t| t["name"] == "A theme made after the copy was read"), "{themes}");
}

const HOLDERS: &str = "{ mandates(first: 100) { nodes { key holders { key name role startsOn } } } }";

fn holders_of<'a>(data: &'a Value, key: &str) -> &'a Vec<Value> {
    let nodes = data["mandates"]["nodes"].as_array().unwrap_or_else(|| panic!("no mandates in {data}"));
    let mandate = nodes.iter().find(|n| n["key"] == key).unwrap_or_else(|| panic!("no {key} in {data}"));
    mandate["holders"].as_array().unwrap()
}

/// The mandates' holders come from the copy: one is added through the API and shown at once; a mandate created
/// behind the server's back, which the copy does not know, has its holders read from the database.
async fn a_mandate_s_holders_come_from_the_copy_and_a_new_one_is_shown_at_once(app: TestApp) {
    let data = app.query(HOLDERS).await;
    let key = data["mandates"]["nodes"][0]["key"].as_str().unwrap().to_owned();
    let before = holders_of(&data, &key).len();
    let token = app.token("officer-9", &["secretariat"], None);
    let add = json!({
        "query": "mutation($m: String!) { addMandateHolder(input: { mandate: $m, name: \"A Fictional Holder\", \
                  role: SPECIAL_RAPPORTEUR, startsOn: \"2024-08-01\", source: \"the reference-cache test\" }) { key } }",
        "variables": { "m": key },
    });
    let (_, body) = app.post(&add, Some(&token)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = app.query(HOLDERS).await;
    let holders = holders_of(&data, &key);
    assert_eq!(holders.len(), before + 1, "{data}");
    assert!(holders.iter().any(|h| h["name"] == "A Fictional Holder"), "{data}");
    // A mandate and its holder written behind the server's back, after the copy was read again.
    app.db
        .run(|c| {
            use hrc_db::schema::{mandate_holders, mandates, mechanisms};
            let now = chrono::Utc::now().naive_utc();
            let mechanism: i64 =
                mechanisms::table.filter(mechanisms::key.eq("special-procedures")).select(mechanisms::id).first(c)?;
            let mandate: i64 = diesel::insert_into(mandates::table)
                .values((
                    mandates::key.eq("cache-test-mandate"),
                    mandates::mechanism_id.eq(mechanism),
                    mandates::scope.eq("THEMATIC"),
                    mandates::form.eq("WORKING_GROUP"),
                    mandates::name_en.eq("A fictional mandate"),
                    mandates::status.eq("ACTIVE"),
                    mandates::source.eq("test"),
                    mandates::created_at.eq(now),
                    mandates::updated_at.eq(now),
                ))
                .returning(mandates::id)
                .get_result(c)?;
            diesel::insert_into(mandate_holders::table)
                .values((
                    mandate_holders::key.eq("cache-test-holder"),
                    mandate_holders::mandate_id.eq(mandate),
                    mandate_holders::name.eq("Another Fictional Holder"),
                    mandate_holders::role.eq("WORKING_GROUP_CHAIR"),
                    mandate_holders::starts_on.eq(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()),
                    mandate_holders::fictional.eq(true),
                    mandate_holders::source.eq("test"),
                    mandate_holders::created_at.eq(now),
                    mandate_holders::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    // The copy does not know the mandate: its lookup, and its holders, come from the database.
    let data = app.query("{ mandate(key: \"cache-test-mandate\") { holders { name } } }").await;
    assert_eq!(data["mandate"]["holders"], json!([{ "name": "Another Fictional Holder" }]), "{data}");
    // The list is paged from the copy, which learns of a mandate written behind the server's back (by no node, with
    // no event) when it is read anew: after its time to live, or at the next change heard of, here a mutation.
    let listed =
        |data: &Value| data["mandates"]["nodes"].as_array().unwrap().iter().any(|n| n["key"] == "cache-test-mandate");
    assert!(!listed(&app.query(HOLDERS).await), "served from the copy");
    let version =
        app.query("{ mechanism(key: \"special-procedures\") { version } }").await["mechanism"]["version"].clone();
    let change = json!({
        "query": "mutation($v: Int!) { updateMechanism(key: \"special-procedures\", expectedVersion: $v, \
                  input: { descriptionEn: \"Changed by the reference-cache test.\" }) { version } }",
        "variables": { "v": version },
    });
    let (_, body) = app.post(&change, Some(&token)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = app.query(HOLDERS).await;
    let names: Vec<&Value> = holders_of(&data, "cache-test-mandate").iter().map(|h| &h["name"]).collect();
    assert_eq!(names, [&json!("Another Fictional Holder")], "{data}");
}

/// Writes `n` fictional mandates behind the server's back, of every scope, status and prevention dimension, on three
/// countries, with last changes that tie in fours and do not follow creation order.
async fn write_mandates(app: &TestApp, n: usize) {
    app.db
        .run(move |c| {
            use hrc_db::schema::{countries, mandates, mechanisms};
            let mechanism: i64 =
                mechanisms::table.filter(mechanisms::key.eq("special-procedures")).select(mechanisms::id).first(c)?;
            let country_ids: Vec<i64> = countries::table
                .filter(countries::iso3.eq_any(["BDI", "PRK", "NPL"]))
                .order(countries::iso3)
                .select(countries::id)
                .load(c)?;
            let base =
                chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_micro_opt(12, 0, 0, 250_000).unwrap();
            for i in 0..n {
                let country = i % 2 == 1;
                let changed = base + chrono::Duration::hours(i64::try_from((i * 7) % 4).unwrap());
                diesel::insert_into(mandates::table)
                    .values((
                        mandates::key.eq(format!("order-test-mandate-{i:02}")),
                        mandates::mechanism_id.eq(mechanism),
                        mandates::scope.eq(if country { "COUNTRY" } else { "THEMATIC" }),
                        mandates::form.eq("INDEPENDENT_EXPERT"),
                        mandates::country_id.eq(country.then(|| country_ids[i % country_ids.len()])),
                        mandates::name_en.eq(format!("A fictional mandate for the order test, {i}")),
                        mandates::status.eq(if i % 3 == 0 { "DISCONTINUED" } else { "ACTIVE" }),
                        mandates::prevention_dimension.eq([None, Some(true), Some(false)][i % 3]),
                        mandates::source.eq("test"),
                        mandates::created_at.eq(base),
                        mandates::updated_at.eq(changed),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// Every page of a list of mandates, walked forwards from the start and backwards from the end in pages of three,
/// each answer whole (errors included), from the server at `url`.
async fn walk_mandates(app: &TestApp, url: &str, arguments: &str) -> Vec<Value> {
    const SELECTION: &str = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } \
                             edges { cursor node { key updatedAt scope status preventionDimension holders { name } } }";
    let mut answers = Vec::new();
    for forwards in [true, false] {
        let mut cursor: Option<String> = None;
        for _ in 0..20 {
            let page = match (&cursor, forwards) {
                (None, true) => "first: 3".to_owned(),
                (None, false) => "last: 3".to_owned(),
                (Some(c), true) => format!("first: 3, after: \"{c}\""),
                (Some(c), false) => format!("last: 3, before: \"{c}\""),
            };
            let query = format!("{{ mandates({page}{arguments}) {{ {SELECTION} }} }}");
            let response = app.client.post(url).json(&json!({ "query": query })).send().await.unwrap();
            let body: Value = response.json().await.unwrap();
            let info = body["data"]["mandates"]["pageInfo"].clone();
            answers.push(body);
            let (more, next) = if forwards {
                (info["hasNextPage"] == true, &info["endCursor"])
            } else {
                (info["hasPreviousPage"] == true, &info["startCursor"])
            };
            match (more, next.as_str()) {
                (true, Some(next)) => cursor = Some(next.to_owned()),
                _ => break,
            }
        }
    }
    answers
}

/// The list of mandates is paged from the copy in memory. A second server over the same database, without the copy,
/// pages it in SQL: under every filter, order and direction, forwards and backwards, page by page, the two answer
/// alike; with the copy warm, the page and its holders cost no statement, and the visits one.
async fn the_list_of_mandates_from_the_copy_agrees_with_the_database(app: TestApp) {
    write_mandates(&app, 14).await;
    // A mutation on the node: the copy is read anew, with the mandates written behind its back.
    let token = app.token("officer-9", &["secretariat"], None);
    let version = app.query("{ mechanism(key: \"upr\") { version } }").await["mechanism"]["version"].clone();
    let change = json!({
        "query": "mutation($v: Int!) { updateMechanism(key: \"upr\", expectedVersion: $v, \
                  input: { descriptionEn: \"Changed by the order test.\" }) { version } }",
        "variables": { "v": version },
    });
    let (_, body) = app.post(&change, Some(&token)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut settings = app.settings.clone();
    settings.limits.reference_cache = std::time::Duration::ZERO;
    let plain = hrc_api::Application::build(&settings).expect("the server without the copy starts");
    let plain_url = format!("http://127.0.0.1:{}/graphql", plain.port());
    tokio::spawn(plain.run_until_stopped());
    let url = app.url("/graphql");

    let filters = [
        "",
        ", scope: THEMATIC",
        ", scope: COUNTRY, status: ACTIVE",
        ", status: DISCONTINUED",
        ", country: \"BDI\"",
        ", country: \"NPL\", preventionDimension: false",
        ", preventionDimension: true",
        ", updatedSince: \"2025-03-01T13:00:00.25Z\"",
        ", updatedSince: \"2025-03-01T13:00:00.250001Z\"",
        ", country: \"ZZZ\"",
    ];
    let orders = [
        "",
        ", orderBy: { field: ID, direction: DESC }",
        ", orderBy: { field: UPDATED_AT }",
        ", orderBy: { field: UPDATED_AT, direction: DESC }",
    ];
    let mut pages = 0;
    for filter in filters {
        for order in orders {
            let arguments = format!("{filter}{order}");
            let (cached, plain) =
                (walk_mandates(&app, &url, &arguments).await, walk_mandates(&app, &plain_url, &arguments).await);
            assert_eq!(cached, plain, "mandates({arguments}): the copy and the database differ");
            pages += cached.len();
            if filter.contains("ZZZ") {
                assert_eq!(hrc_tests::first_code(&cached[0]), "BAD_USER_INPUT", "{}", cached[0]);
            } else {
                assert!(cached.iter().all(|a| a.get("errors").is_none()), "{cached:?}");
            }
        }
    }
    // The walks were not empty: all eighteen mandates (four of the seed) forwards in pages of three.
    let all = walk_mandates(&app, &url, "").await;
    assert_eq!(all[0]["data"]["mandates"]["totalCount"], 18, "{}", all[0]);
    assert!(pages > 100, "{pages} pages compared");

    let (statements, data) = app.statements_of("{ mandates(first: 100) { nodes { key holders { name } } } }").await;
    assert_eq!(statements, 0, "the page and its holders from memory: {data}");
    let (statements, data) = app
        .statements_of("{ mandates(first: 100) { nodes { key visits(first: 5) { key country { isoCode } } } } }")
        .await;
    assert_eq!(statements, 1, "the visits alone from the database: {data}");
}

on_both_backends!(
    the_list_of_mandates_from_the_copy_agrees_with_the_database,
    a_mandate_s_holders_come_from_the_copy_and_a_new_one_is_shown_at_once,
    relations_to_the_reference_tables_come_from_memory_and_agree_with_the_database,
    a_mutation_s_change_to_a_reference_row_is_read_back_at_once,
    a_term_created_behind_the_server_s_back_is_found,
);

/// On PostgreSQL a change announced on the events channel (by another node, or by `hrc-api import`) empties the copy:
/// a change made behind the server's back is served late until it is announced, and then at once.
#[tokio::test]
async fn an_announced_change_empties_the_copy() {
    let Some(app) = TestApp::spawn(hrc_db::Backend::Postgres).await else { return };
    const NAME: &str = "{ country(isoCode: \"NPL\") { name } }";
    assert_eq!(app.query(NAME).await["country"]["name"], "Nepal");
    app.db
        .run(|c| {
            use hrc_db::schema::countries;
            diesel::update(countries::table.filter(countries::iso3.eq("NPL")))
                .set(countries::name_en.eq("Nepal (renamed by the test)"))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    // Unannounced, the change waits for the copy's time to live: the copy is what is served.
    assert_eq!(app.query(NAME).await["country"]["name"], "Nepal", "the copy serves the country");
    app.announce_change().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let name = app.query(NAME).await["country"]["name"].clone();
        if name == "Nepal (renamed by the test)" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the announced change was not heard: {name}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
