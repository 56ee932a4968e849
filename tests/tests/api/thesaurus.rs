use std::path::PathBuf;

use hrc_tests::{on_both_backends, TestApp};

fn seeded_terms(facet: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../db/seed/thesaurus_terms.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(Result::unwrap).filter(|r| &r[1] == facet).map(|r| r[0].to_owned()).collect()
}

async fn the_thesaurus_lists_themes_and_affected_persons_in_both_languages(app: TestApp) {
    for (facet, enum_value) in [("THEME", "THEME"), ("AFFECTED_PERSONS", "AFFECTED_PERSONS")] {
        let data = app
            .query(&format!(
                "{{ thesaurusTerms(first: 100, facet: {enum_value}) {{ totalCount edges {{ node {{ key facet name zh: name(lang: ZH) source }} }} }} }}"
            ))
            .await;
        let edges = data["thesaurusTerms"]["edges"].as_array().unwrap();
        let keys: Vec<&str> = edges.iter().map(|e| e["node"]["key"].as_str().unwrap()).collect();
        assert_eq!(keys, seeded_terms(facet), "{facet}");
        assert_eq!(data["thesaurusTerms"]["totalCount"], edges.len());
        assert!(edges.iter().all(|e| e["node"]["facet"] == facet));
        assert!(edges
            .iter()
            .all(|e| e["node"]["zh"] != e["node"]["name"] && !e["node"]["source"].as_str().unwrap().is_empty()));
    }
    let data = app.query(r#"{ thesaurusTerm(key: "children") { id name zh: name(lang: ZH) } }"#).await;
    assert_eq!(data["thesaurusTerm"]["name"], "Children");
    assert_eq!(data["thesaurusTerm"]["zh"], "儿童");
    let id = data["thesaurusTerm"]["id"].as_str().unwrap();
    let data = app.query(&format!(r#"{{ node(id: "{id}") {{ ... on ThesaurusTerm {{ key facet }} }} }}"#)).await;
    assert_eq!(data["node"]["key"], "children");
    assert_eq!(data["node"]["facet"], "AFFECTED_PERSONS");
    let data = app.query(r#"{ thesaurusTerm(key: "nothing") { key } }"#).await;
    assert!(data["thesaurusTerm"].is_null());
}

async fn a_seeded_recommendation_carries_its_themes(app: TestApp) {
    let data = app
        .query(r#"{ recommendations(filter: { report: "A/HRC/43/37", theme: "preventive-diplomacy" }) { edges { node { key themes { key } affectedPersons { key } } } } }"#)
        .await;
    let edges = data["recommendations"]["edges"].as_array().unwrap();
    let keys: Vec<&str> = edges.iter().map(|e| e["node"]["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["A/HRC/43/37:72", "A/HRC/43/37:73"]);
    let themes: Vec<&str> =
        edges[0]["node"]["themes"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(themes, ["prevention", "early-warning", "preventive-diplomacy"]);
    assert_eq!(edges[0]["node"]["affectedPersons"], serde_json::json!([]));
}

on_both_backends!(
    the_thesaurus_lists_themes_and_affected_persons_in_both_languages,
    a_seeded_recommendation_carries_its_themes,
);
