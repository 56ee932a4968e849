use hrc_db::demo::{self, DemoSettings};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::Value;

fn generate(url: &str, recommendations: usize, seed: u64) -> demo::DemoReport {
    let mut conn = hrc_db::connection::establish(url).unwrap();
    demo::load(&mut conn, DemoSettings { recommendations, seed }).unwrap()
}

async fn demo_data_is_flagged_fictional_and_kept_apart_from_the_real(app: TestApp) {
    let url = app.database.url.clone();
    let report = tokio::task::spawn_blocking(move || generate(&url, 300, 7)).await.unwrap();
    assert_eq!(report.recommendations, 300);
    assert!(report.implementation_reports > 0 && report.sdg_links >= 300, "{report:?}");
    let url = app.database.url.clone();
    let again = tokio::task::spawn_blocking(move || generate(&url, 300, 7)).await.unwrap();
    assert!(again.already_loaded, "loading the same seed twice adds nothing");

    let data = app
        .query(
            "{ fake: recommendations(first: 100, filter: { fictional: true }) { totalCount edges { node { key fictional text source implementationHistory { fictional } } } }
               real: recommendations(filter: { fictional: false }) { totalCount } }",
        )
        .await;
    assert_eq!(data["fake"]["totalCount"], 300);
    for edge in data["fake"]["edges"].as_array().unwrap() {
        let node = &edge["node"];
        assert_eq!(node["fictional"], true);
        assert!(node["key"].as_str().unwrap().starts_with("DEMO:7:"));
        assert!(node["text"].as_str().unwrap().starts_with("[FICTIONAL DEMO DATA]"), "{node}");
        assert!(node["source"].as_str().unwrap().contains("FICTIONAL"));
        assert!(node["implementationHistory"].as_array().unwrap().iter().all(|r| r["fictional"] == true));
    }
    // The real data is untouched: the seeded report's recommendations only.
    let real = data["real"]["totalCount"].as_i64().unwrap();
    let seeded = app.query(r#"{ recommendations(filter: { report: "A/HRC/43/37" }) { totalCount } }"#).await;
    assert_eq!(real, seeded["recommendations"]["totalCount"].as_i64().unwrap());
}

on_both_backends!(demo_data_is_flagged_fictional_and_kept_apart_from_the_real);

#[tokio::test]
async fn the_same_demo_seed_gives_the_same_data() {
    let texts = |app: TestApp| async move {
        let url = app.database.url.clone();
        tokio::task::spawn_blocking(move || generate(&url, 50, 42)).await.unwrap();
        let data = app.query("{ recommendations(first: 50, filter: { fictional: true }) { edges { node { key text uprCycle response country { isoCode } sdgTargets { code } } } } }").await;
        data["recommendations"]["edges"].clone()
    };
    let a: Value = texts(TestApp::spawn(hrc_tests::Backend::Sqlite).await.unwrap()).await;
    let b: Value = texts(TestApp::spawn(hrc_tests::Backend::Sqlite).await.unwrap()).await;
    assert_eq!(a.as_array().unwrap().len(), 50);
    assert_eq!(a, b);
}

/// `seed --demo`'s restricted domains: signals, briefings, reprisal cases and experts, every one flagged fictional
/// and saying so, none naming a real person; a second load adds nothing.
async fn restricted_demo_data_is_fictional_flagged_and_loaded_once(app: TestApp) {
    let url = app.database.url.clone();
    let (first, second) = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        let load = |conn: &mut hrc_db::DbConnection| {
            (
                hrc_db::models::early_warning::demo(conn, 3).unwrap(),
                hrc_db::models::reprisal::demo(conn, 3).unwrap(),
                hrc_db::models::roster::demo(conn, 3).unwrap(),
            )
        };
        (load(&mut conn), load(&mut conn))
    })
    .await
    .unwrap();
    assert_eq!((first.0.signals, first.1.cases, first.2.experts), (150, 40, 30));
    assert!(second.0.already_loaded && second.1.already_loaded && second.2.already_loaded);

    let staff = app.token("demo-check", &["secretariat", "reprisals_officer"], None);
    let data = app
        .query_as(
            r#"{ signals: earlyWarningSignals(first: 100) { totalCount edges { node { key fictional description source { reference } } } }
                 real: earlyWarningSignals(filter: { fictional: false }) { totalCount }
                 analysis: earlyWarningAnalysis(from: "2025-01-01", to: "2025-12-31") { total countriesOverThreshold { signals } }
                 briefings: horizonBriefings { totalCount edges { node { key fictional title } } }
                 cases: reprisalCases(first: 40) { totalCount edges { node { key fictional summary identity { name details } } } }
                 experts: rosterExperts(first: 30) { totalCount edges { node { key fictional name email biography } } } }"#,
            Some(&staff),
        )
        .await;
    assert_eq!(data["signals"]["totalCount"], 150);
    assert_eq!(data["real"]["totalCount"], 0);
    for edge in data["signals"]["edges"].as_array().unwrap() {
        let n = &edge["node"];
        assert_eq!(n["fictional"], true);
        assert!(n["key"].as_str().unwrap().starts_with("DEMO-EWS-"), "{n}");
        assert!(n["description"].as_str().unwrap().starts_with("[FICTIONAL DEMO DATA]"), "{n}");
        assert!(n["source"]["reference"].as_str().unwrap().starts_with("FICTIONAL"), "{n}");
    }
    let crossings = data["analysis"]["countriesOverThreshold"].as_array().unwrap();
    assert!(crossings.len() >= 2 && crossings.iter().all(|c| c["signals"].as_i64().unwrap() >= 3), "{crossings:?}");
    assert_eq!(data["briefings"]["totalCount"], 3, "the scheduled one too, for the secretariat");
    for edge in data["briefings"]["edges"].as_array().unwrap() {
        assert!(edge["node"]["title"].as_str().unwrap().starts_with("[FICTIONAL DEMO DATA]"));
    }
    assert_eq!(data["cases"]["totalCount"], 40);
    for edge in data["cases"]["edges"].as_array().unwrap() {
        let n = &edge["node"];
        assert_eq!(n["fictional"], true);
        assert!(n["key"].as_str().unwrap().starts_with("DEMO-RC-"), "{n}");
        assert!(n["identity"]["name"].as_str().unwrap().starts_with("FICTIONAL person "), "{n}");
        assert!(n["identity"]["details"].as_str().unwrap().ends_with("@example.invalid"), "{n}");
    }
    assert_eq!(data["experts"]["totalCount"], 30);
    for edge in data["experts"]["edges"].as_array().unwrap() {
        let n = &edge["node"];
        assert!(
            n["name"].as_str().unwrap().starts_with("FICTIONAL expert ")
                && n["email"].as_str().unwrap().ends_with("@example.invalid"),
            "{n}"
        );
    }
    // The public sees the published cases, every one fictional, and two delivered briefings.
    let data = app
        .query("{ publishedReprisalCases(first: 40) { totalCount edges { node { fictional summary } } } horizonBriefings { totalCount } }")
        .await;
    let published = data["publishedReprisalCases"]["totalCount"].as_i64().unwrap();
    assert_eq!(published, first.1.published as i64);
    assert!(published > 0);
    assert!(data["publishedReprisalCases"]["edges"].as_array().unwrap().iter().all(|e| e["node"]["fictional"] == true));
    assert_eq!(data["horizonBriefings"]["totalCount"], 2);
}

on_both_backends!(restricted_demo_data_is_fictional_flagged_and_loaded_once);

/// The staff's lists of the restricted domains load every relation in one batch per page: as many statements for 2
/// items as for 20.
async fn staff_lists_cost_a_fixed_number_of_statements(app: TestApp) {
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::models::early_warning::demo(&mut conn, 4).unwrap();
        hrc_db::models::reprisal::demo(&mut conn, 4).unwrap();
        hrc_db::models::roster::demo(&mut conn, 4).unwrap();
    })
    .await
    .unwrap();
    let staff = app.token("statements", &["secretariat", "reprisals_officer"], None);
    let lists = [
        ("earlyWarningSignals", "key country { isoCode } events { toStatus actor } related { recommendations { key } mandates { key } communications { key } }"),
        ("reprisalCases", "key acts reportCycles { year } consents { scope standing } followUps { action } mechanism { key }"),
        ("rosterExperts", "key expertise { key } languages regions { code } availability { startsOn } deployments { role country { isoCode } }"),
    ];
    for (list, fields) in lists {
        let mut costs = Vec::new();
        for n in [2, 20] {
            let before = app.db.statements_executed();
            let data = app
                .query_as(&format!("{{ {list}(first: {n}) {{ edges {{ node {{ {fields} }} }} }} }}"), Some(&staff))
                .await;
            costs.push(app.db.statements_executed() - before);
            assert_eq!(data[list]["edges"].as_array().unwrap().len(), n, "{list}");
        }
        eprintln!("{}: {list}: {} statements for 2, {} for 20", app.backend.name(), costs[0], costs[1]);
        assert_eq!(costs[0], costs[1], "{list}");
    }
}

on_both_backends!(staff_lists_cost_a_fixed_number_of_statements);
