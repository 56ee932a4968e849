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
