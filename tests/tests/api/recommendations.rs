use std::collections::HashSet;
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use hrc_tests::fixtures::{insert_recommendations, FakeRecommendation};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
struct Row {
    key: String,
    chapeau_zh: Option<String>,
    item_zh: String,
}

fn seeded_rows() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../db/seed/recommendations.csv");
    csv::Reader::from_path(path).unwrap().deserialize().map(Result::unwrap).collect()
}

/// A's text with white space removed and footnote markers (digits glued to a Chinese character) taken out.
fn normalised(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let after_han = i > 0 && ('\u{4e00}'..='\u{9fff}').contains(&chars[i - 1]);
        if c.is_ascii_digit() && after_han {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && chars[j].is_whitespace() {
                i = j;
                continue;
            }
        }
        if !c.is_whitespace() {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[test]
fn the_seeded_recommendations_quote_the_report_word_for_word() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
    let Some(entry) = std::fs::read_dir(&dir)
        .ok()
        .and_then(|d| d.flatten().find(|e| e.file_name().to_string_lossy().starts_with("001_")))
    else {
        eprintln!("seed document A/HRC/43/37 not found beside the repository: skipped");
        return;
    };
    let report = normalised(&std::fs::read_to_string(entry.path()).unwrap());
    for row in seeded_rows() {
        let mut pieces = vec![row.item_zh.clone()];
        if let Some(chapeau) = &row.chapeau_zh {
            // 71(b)'s chapeau carries the sub-chapeau "(b) …" of the items under it.
            pieces.extend(chapeau.split("：(b) ").map(str::to_owned));
        }
        for piece in pieces {
            assert!(report.contains(&normalised(&piece)), "{}: {piece:?} is not in the report", row.key);
        }
    }
}

async fn the_reports_recommendations_are_listed_in_its_own_words(app: TestApp) {
    let data = app
        .query(
            r#"{ recommendations(first: 100, filter: { report: "A/HRC/43/37" }) {
                totalCount
                edges { node { key paragraph addressee sourceKind fictional zh: text(lang: ZH) en: text(lang: EN) textLanguages report { symbol } currentImplementationStatus } }
            } }"#,
        )
        .await;
    let rows = seeded_rows();
    let edges = data["recommendations"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), rows.len());
    assert_eq!(data["recommendations"]["totalCount"].as_u64().unwrap() as usize, rows.len());
    for (edge, row) in edges.iter().zip(&rows) {
        let node = &edge["node"];
        assert_eq!(node["key"], row.key.as_str());
        let expected = format!("{}{}", row.chapeau_zh.clone().unwrap_or_default(), row.item_zh);
        assert_eq!(node["zh"], expected.as_str());
        // No English text was invented: English falls back to the Chinese, and the languages held say so.
        assert_eq!(node["en"], expected.as_str());
        assert_eq!(node["textLanguages"], json!(["ZH"]));
        assert_eq!(node["addressee"], "HUMAN_RIGHTS_COUNCIL");
        assert_eq!(node["sourceKind"], "REPORT");
        assert_eq!(node["fictional"], false);
        assert_eq!(node["report"]["symbol"], "A/HRC/43/37");
        assert!(node["currentImplementationStatus"].is_null());
    }
}

async fn a_report_lists_the_recommendations_it_contains(app: TestApp) {
    let before = app.db.statements_executed();
    let data = app.query("{ reports { symbol recommendations(first: 500) { key paragraph } } }").await;
    let statements = app.db.statements_executed() - before;
    let reports = data["reports"].as_array().unwrap();
    let report = reports.iter().find(|r| r["symbol"] == "A/HRC/43/37").unwrap();
    let keys: Vec<&str> =
        report["recommendations"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    let expected: Vec<String> = seeded_rows().into_iter().map(|r| r.key).collect();
    assert_eq!(keys, expected, "in document order");
    assert!(reports.iter().filter(|r| r["symbol"] != "A/HRC/43/37").all(|r| r["recommendations"] == json!([])));
    assert_eq!(statements, 2, "the reports, then every report's recommendations in one batch");
    let (_, code, _) =
        app.query_error(r#"{ report(symbol: "A/HRC/43/37") { recommendations(first: 501) { key } } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

async fn search_finds_words_in_the_text_and_takes_wildcards_literally(app: TestApp) {
    let data = app.query(r#"{ recommendations(first: 100, filter: { search: "执行基金" }) { edges { node { key text(lang: ZH) } } } }"#).await;
    let keys: Vec<&str> = data["recommendations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["A/HRC/43/37:70"]);
    let data = app.query(r#"{ recommendations(filter: { search: "%" }) { totalCount } }"#).await;
    assert_eq!(data["recommendations"]["totalCount"], 0, "% must match a literal percent sign only");
    insert_recommendations(&app.database.url, &[FakeRecommendation::numbered("NPL", 1)]);
    let count = |search: &'static str| {
        let app = &app;
        async move {
            let data = app
                .query(&format!(r#"{{ recommendations(filter: {{ search: {search:?} }}) {{ totalCount }} }}"#))
                .await;
            data["recommendations"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(count("NATIONAL Human").await, 1, "search ignores case");
    assert_eq!(count("strengthening institutions").await, 1, "English words are stemmed");
    assert_eq!(count("national nonexistentword").await, 0, "every word must match");
    assert_eq!(count("national 执行基金").await, 0, "every term must match, Chinese ones too");
    assert_eq!(count(r#"NEAR("national" OR *"#).await, 0, "query syntax is taken as words, never as syntax");
    assert_eq!(count("human-rights").await, 1, "punctuation separates words");
    // The index follows changes to the text.
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        conn.batch_execute(
            "UPDATE recommendations SET text_en = 'FICTIONAL: guarantee reparations to victims' WHERE fictional = TRUE",
        )
        .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(count("national").await, 0);
    assert_eq!(count("reparation").await, 1);
}

async fn filters_that_name_nothing_we_hold_are_refused(app: TestApp) {
    for (filter, field) in [
        (r#"{ country: "ZZZ" }"#, "filter.country"),
        (r#"{ country: "12" }"#, "filter.country"),
        (r#"{ recommendingCountry: "ZZZ" }"#, "filter.recommendingCountry"),
        (r#"{ mechanism: "no-such-mechanism" }"#, "filter.mechanism"),
        (r#"{ mandate: "no-such-mandate" }"#, "filter.mandate"),
        (r#"{ report: "A/HRC/99/99" }"#, "filter.report"),
        (r#"{ sessionNumber: 999 }"#, "filter.sessionNumber"),
        (r#"{ sdgTarget: "16.99" }"#, "filter.sdgTarget"),
        (r#"{ sdgGoal: 18 }"#, "filter.sdgGoal"),
        (r#"{ uprCycle: 5 }"#, "filter.uprCycle"),
        (r#"{ search: "" }"#, "filter.search"),
        (r#"{ theme: "no-such-theme" }"#, "filter.theme"),
        (r#"{ madeFrom: "2020-01-02", madeTo: "2020-01-01" }"#, "filter.madeTo"),
        (r#"{ theme: "children" }"#, "filter.theme"),
        (r#"{ affectedPersons: "prevention" }"#, "filter.affectedPersons"),
    ] {
        let (_, code, body) =
            app.query_error(&format!("{{ recommendations(filter: {filter}) {{ totalCount }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{filter}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{filter}");
    }
}

async fn typed_filters_narrow_recommendations_and_their_count(app: TestApp) {
    let items: Vec<FakeRecommendation> = (0..12).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&app.database.url, &items);
    let mut other = FakeRecommendation::numbered("BDI", 1);
    other.targets = vec!["5.1"];
    other.cycle = 2;
    other.history.clear();
    insert_recommendations(&app.database.url, &[other]);

    let count = |filter: &str| {
        let app = &app;
        let query = format!("{{ recommendations(filter: {filter}) {{ totalCount }} }}");
        async move { app.query(&query).await["recommendations"]["totalCount"].as_i64().unwrap() }
    };
    assert_eq!(count(r#"{ country: "npl" }"#).await, 12);
    assert_eq!(count(r#"{ country: "NPL", response: NOTED }"#).await, 4);
    assert_eq!(count(r#"{ country: "NPL", response: SUPPORTED, uprCycle: 3 }"#).await, 8);
    assert_eq!(count(r#"{ recommendingCountry: "FJI", mechanism: "upr" }"#).await, 13);
    assert_eq!(count(r#"{ sdgTarget: "16.10" }"#).await, 12);
    assert_eq!(count(r#"{ sdgGoal: 5 }"#).await, 1);
    assert_eq!(count(r#"{ uprCycle: 2 }"#).await, 1);
    // The current status is the latest report's: half ended fully implemented, half in progress; "not started",
    // superseded everywhere, matches none.
    assert_eq!(count(r#"{ implementationStatus: FULLY_IMPLEMENTED }"#).await, 6);
    assert_eq!(count(r#"{ implementationStatus: IN_PROGRESS }"#).await, 6);
    assert_eq!(count(r#"{ implementationStatus: NOT_STARTED }"#).await, 0);
    assert_eq!(count(r#"{ fictional: true }"#).await, 13);
    assert_eq!(count("{ regionalGroup: ASIA_PACIFIC }").await, 12);
    assert_eq!(count("{ regionalGroup: AFRICAN }").await, 1);
    assert_eq!(count("{ regionalGroup: EASTERN_EUROPEAN }").await, 0);
    // Made 30 days apart from 2019-01-01: fixtures 0 to 3 fall in the first 100 days (and the other, number 1).
    assert_eq!(count(r#"{ country: "NPL", madeFrom: "2019-01-01", madeTo: "2019-04-10" }"#).await, 4);
    assert_eq!(count(r#"{ madeFrom: "2019-11-27" }"#).await, 1, "fixture 11 only, made on day 330");
    assert_eq!(count(r#"{ madeTo: "2018-12-31" }"#).await, 0);
    assert_eq!(count(r#"{ theme: "national-human-rights-institutions", country: "NPL" }"#).await, 12);
    // Children: every fourth fixture (0, 4, 8) and the seed report's para 75 (b).
    assert_eq!(count(r#"{ affectedPersons: "children" }"#).await, 4);
    assert_eq!(count(r#"{ affectedPersons: "children", fictional: true }"#).await, 3);
    assert_eq!(count(r#"{ theme: "prevention", fictional: false }"#).await, seeded_rows().len() as i64);
    assert_eq!(count(r#"{ theme: "early-warning" }"#).await, 4);
    assert_eq!(count(r#"{ fictional: false }"#).await, seeded_rows().len() as i64);

    let data = app
        .query(r#"{ recommendations(first: 1, filter: { country: "NPL", implementationStatus: FULLY_IMPLEMENTED }) { edges { node { currentImplementationStatus implementationHistory { status reportedOn } } } } }"#)
        .await;
    let node = &data["recommendations"]["edges"][0]["node"];
    assert_eq!(node["currentImplementationStatus"], "FULLY_IMPLEMENTED");
    assert_eq!(
        node["implementationHistory"],
        json!([{ "status": "NOT_STARTED", "reportedOn": "2021-01-01" }, { "status": "FULLY_IMPLEMENTED", "reportedOn": "2023-06-01" }])
    );
}

async fn implementation_history_cannot_be_rewritten(app: TestApp) {
    insert_recommendations(&app.database.url, &[FakeRecommendation::numbered("NPL", 2)]);
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        let update = conn.batch_execute("UPDATE implementation_reports SET status = 'NOT_STARTED'");
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = conn.batch_execute("DELETE FROM implementation_reports");
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    })
    .await
    .unwrap();
}

const PAGE_WITH_RELATIONS: &str = "query($n: Int) { recommendations(first: $n, filter: { country: \"NPL\" }) {
    totalCount
    edges { node {
        key text response uprCycle
        country { isoCode name regionalGroup { code } }
        recommendingCountry { isoCode }
        mechanism { key name }
        sdgTargets { code }
        themes { key name }
        affectedPersons { key }
        currentImplementationStatus
        implementationHistory { status reportedOn }
    } }
} }";

/// Statements the server ran to answer one request.
async fn statements_for(app: &TestApp, n: i64) -> (u64, Value) {
    let before = app.db.statements_executed();
    let (_, body) = app.post(&json!({ "query": PAGE_WITH_RELATIONS, "variables": { "n": n } }), None).await;
    let after = app.db.statements_executed();
    assert!(body.get("errors").is_none(), "{body}");
    (after - before, body)
}

async fn a_page_of_100_recommendations_with_relations_costs_a_fixed_number_of_statements(app: TestApp) {
    // The count is read from the database each time, as the first time a page is asked for.
    let app = TestApp::spawn_without_count_cache(app.backend).await;
    let items: Vec<FakeRecommendation> = (0..110).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&app.database.url, &items);
    let (small, body) = statements_for(&app, 10).await;
    assert_eq!(body["data"]["recommendations"]["edges"].as_array().unwrap().len(), 10);
    let (large, body) = statements_for(&app, 100).await;
    let edges = body["data"]["recommendations"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 100);
    assert!(edges.iter().all(|e| e["node"]["sdgTargets"].as_array().unwrap().len() == 2));
    assert!(edges.iter().all(|e| e["node"]["mechanism"]["key"] == "upr"));
    assert!(edges.iter().all(|e| e["node"]["themes"][0]["key"] == "national-human-rights-institutions"));
    let with_children = edges.iter().filter(|e| e["node"]["affectedPersons"][0]["key"] == "children").count();
    assert_eq!(with_children, 25, "every fourth of the first 100");
    let codes: HashSet<&str> =
        edges.iter().map(|e| e["node"]["country"]["regionalGroup"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, HashSet::from(["ASIA_PACIFIC"]));
    eprintln!("{}: {small} statements for 10 recommendations with relations, {large} for 100", app.backend.name());
    // page + count + one query per relation (countries, groups, mechanism, targets, terms, history): never per row.
    assert!(large <= 10, "{large} statements for a page of 100");
    assert_eq!(small, large, "the statement count must not grow with the page size");
}

async fn a_country_named_in_several_fields_is_looked_up_once(app: TestApp) {
    let items: Vec<FakeRecommendation> = (0..3).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&app.database.url, &items);
    const LIST: &str = "recommendations(filter: { country: \"NPL\" }) { nodes { key } }";
    const COUNTS: &str = "recommendationCounts(groupBy: [RESPONSE], filter: { country: \"NPL\" }) { count }";
    let (list, data) = app.statements_of(&format!("{{ {LIST} }}")).await;
    assert_eq!(data["recommendations"]["nodes"].as_array().unwrap().len(), 3, "{data}");
    let (counts, data) = app.statements_of(&format!("{{ {COUNTS} }}")).await;
    let counted: i64 =
        data["recommendationCounts"].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
    assert_eq!(counted, 3, "{data}");
    // A country page: the country, its recommendations and their counts, each naming the country.
    let (page, data) = app.statements_of(&format!("{{ country(isoCode: \"npl\") {{ name }} {LIST} {COUNTS} }}")).await;
    assert_eq!(data["country"]["name"], "Nepal", "{data}");
    assert_eq!(data["recommendations"]["nodes"].as_array().unwrap().len(), 3, "{data}");
    eprintln!("{}: {list} statements for the list, {counts} for the counts, {page} for the page", app.backend.name());
    // The country comes from the copy of the reference tables (read when the server started): it costs no statement,
    // whichever fields name it. The counts, asked for just before, come from memory.
    assert_eq!((list, counts), (1, 1), "the page alone, the counts alone");
    assert_eq!(page, list, "the country costs nothing, whichever fields name it");
}

/// `countUpTo` counts exactly up to its limit and says when there are more, with the same filters as `totalCount`.
async fn count_up_to_stops_at_its_limit_and_says_whether_it_is_exact(app: TestApp) {
    let items: Vec<FakeRecommendation> = (0..12).map(|n| FakeRecommendation::numbered("NPL", n)).collect();
    insert_recommendations(&app.database.url, &items);
    // 8 of the 12 are supported, and all are of cycle 3 and speak of the institution.
    let filter = r#"{ search: "institution", response: SUPPORTED, uprCycle: 3, fictional: true }"#;
    let data = app
        .query(&format!(
            r#"{{ recommendations(first: 2, filter: {filter}) {{
                 totalCount default: countUpTo {{ count exact }} five: countUpTo(limit: 5) {{ count exact }}
                 eight: countUpTo(limit: 8) {{ count exact }} one: countUpTo(limit: 1) {{ count exact }}
                 nodes {{ key }} }} }}"#
        ))
        .await;
    let list = &data["recommendations"];
    assert_eq!(list["totalCount"], 8, "{data}");
    assert_eq!(list["default"], json!({ "count": 8, "exact": true }));
    assert_eq!(list["five"], json!({ "count": 5, "exact": false }), "more than five match");
    assert_eq!(list["eight"], json!({ "count": 8, "exact": true }), "exactly eight match");
    assert_eq!(list["one"], json!({ "count": 1, "exact": false }));
    assert_eq!(list["nodes"].as_array().unwrap().len(), 2, "the page is still the page asked for");

    let none = app.query(r#"{ recommendations(filter: { search: "no-such-word-anywhere" }) { countUpTo(limit: 3) { count exact } } }"#).await;
    assert_eq!(none["recommendations"]["countUpTo"], json!({ "count": 0, "exact": true }));

    for limit in ["0", "-1", "100001"] {
        let (_, code, body) =
            app.query_error(&format!("{{ recommendations {{ countUpTo(limit: {limit}) {{ count }} }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{limit}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "limit", "{limit}");
    }
}

const RELATIONS: &str = "fragment R on Recommendation {
    key mechanism { key name } country { isoCode } recommendingCountry { isoCode }
    themes { key } affectedPersons { key } sdgTargets { code } currentImplementationStatus
}";

/// A page reads the relations its query selects (through fragments too) on the one trip to the database that reads
/// the page, and they are what each recommendation's own lookup gives.
async fn a_page_reads_its_relations_on_its_own_trip_and_they_match_each_lookup(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 300, 5).await;
    let page = format!(
        "{{ recommendations(first: 100, orderBy: {{ field: ID, direction: DESC }}, filter: {{ fictional: true }}) {{
             nodes {{ ...R }} edges {{ node {{ key }} }} }} }} {RELATIONS}"
    );
    let before = app.db.trips();
    let data = app.query(&page).await;
    let trips = app.db.trips() - before;
    let nodes = data["recommendations"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 100);
    assert!(nodes.iter().any(|n| !n["themes"].as_array().unwrap().is_empty()), "{data}");
    assert!(nodes.iter().any(|n| !n["sdgTargets"].as_array().unwrap().is_empty()), "{data}");
    assert!(nodes.iter().all(|n| n["mechanism"]["key"].is_string()), "{data}");
    eprintln!("{}: {trips} trips for a page of 100 with its relations", app.backend.name());
    assert_eq!(trips, 1, "the page and its mechanisms, countries, terms and targets on one trip");
    for node in nodes.iter().step_by(7) {
        let key = node["key"].as_str().unwrap();
        let one = app.query(&format!("{{ recommendation(key: {key:?}) {{ ...R }} }} {RELATIONS}")).await;
        assert_eq!(&one["recommendation"], node, "{key}: the page's relations differ from its own lookup");
    }
    // Selected through `edges.node` only, and under an alias, the relations are read ahead all the same.
    let before = app.db.trips();
    let data = app
        .query(&format!(
            "{{ list: recommendations(first: 50, filter: {{ fictional: true }}) {{ edges {{ node {{ ...R }} }} }} }} {RELATIONS}"
        ))
        .await;
    assert_eq!(data["list"]["edges"].as_array().unwrap().len(), 50);
    assert_eq!(app.db.trips() - before, 1);
}

on_both_backends!(
    a_page_reads_its_relations_on_its_own_trip_and_they_match_each_lookup,
    a_country_named_in_several_fields_is_looked_up_once,
    count_up_to_stops_at_its_limit_and_says_whether_it_is_exact,
    the_reports_recommendations_are_listed_in_its_own_words,
    a_report_lists_the_recommendations_it_contains,
    search_finds_words_in_the_text_and_takes_wildcards_literally,
    filters_that_name_nothing_we_hold_are_refused,
    typed_filters_narrow_recommendations_and_their_count,
    implementation_history_cannot_be_rewritten,
    a_page_of_100_recommendations_with_relations_costs_a_fixed_number_of_statements,
);
