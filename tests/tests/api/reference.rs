use std::collections::HashSet;

use hrc_tests::{on_both_backends, TestApp};
use serde_json::Value;

async fn the_five_regional_groups_hold_all_193_member_states_once(app: TestApp) {
    let data = app.query("{ regionalGroups { code name countries { isoCode unStatus } } }").await;
    let groups = data["regionalGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    let mut seen = HashSet::new();
    for group in groups {
        for country in group["countries"].as_array().unwrap() {
            assert_eq!(country["unStatus"], "MEMBER", "{country}");
            assert!(seen.insert(country["isoCode"].as_str().unwrap().to_owned()), "{country} in two groups");
        }
    }
    assert_eq!(seen.len(), 193);
    let members = app.query("{ countries(unStatus: MEMBER) { isoCode } }").await;
    assert_eq!(members["countries"].as_array().unwrap().len(), 193);
}

async fn observer_states_are_listed_without_a_regional_group(app: TestApp) {
    let data = app.query("{ countries(unStatus: OBSERVER) { isoCode name regionalGroup { code } } }").await;
    let observers = data["countries"].as_array().unwrap();
    let codes: Vec<&str> = observers.iter().map(|c| c["isoCode"].as_str().unwrap()).collect();
    assert_eq!(codes, ["PSE", "VAT"]);
    assert!(observers.iter().all(|c| c["regionalGroup"].is_null()));
}

async fn a_country_is_found_by_its_iso_code_in_any_case(app: TestApp) {
    let data = app.query(r#"{ country(isoCode: "fra") { isoCode name regionalGroup { code } } }"#).await;
    assert_eq!(data["country"]["isoCode"], "FRA");
    assert_eq!(data["country"]["name"], "France");
    assert_eq!(data["country"]["regionalGroup"]["code"], "WESTERN_EUROPEAN_OTHERS");
    let missing = app.query(r#"{ country(isoCode: "XXX") { isoCode } }"#).await;
    assert!(missing["country"].is_null());
}

async fn a_regional_group_filter_returns_only_that_group(app: TestApp) {
    let data = app.query("{ countries(regionalGroup: EASTERN_EUROPEAN) { isoCode regionalGroup { code } } }").await;
    let list = data["countries"].as_array().unwrap();
    assert_eq!(list.len(), 23);
    assert!(list.iter().all(|c| c["regionalGroup"]["code"] == "EASTERN_EUROPEAN"));
}

async fn names_follow_accept_language_and_the_lang_argument(app: TestApp) {
    let query = serde_json::json!({ "query": r#"{ country(isoCode: "KOR") { name en: name(lang: EN) } }"# });
    let zh: Value = app
        .client
        .post(app.url("/graphql"))
        .header("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")
        .json(&query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(zh["data"]["country"]["name"], "大韩民国", "{zh}");
    assert_eq!(zh["data"]["country"]["en"], "Republic of Korea");
    // French is an official language we hold no names in yet: English is the fallback.
    let fr: Value = app
        .client
        .post(app.url("/graphql"))
        .header("accept-language", "fr")
        .json(&query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fr["data"]["country"]["name"], "Republic of Korea", "{fr}");
}

async fn the_sdgs_have_17_goals_and_169_targets(app: TestApp) {
    let data = app.query("{ sdgGoals { number name targets { code } } }").await;
    let goals = data["sdgGoals"].as_array().unwrap();
    let numbers: Vec<i64> = goals.iter().map(|g| g["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, (1..=17).collect::<Vec<_>>());
    let codes: Vec<String> = goals
        .iter()
        .flat_map(|g| g["targets"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(codes.len(), 169);
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 169, "duplicate target codes");
    for goal in goals {
        let prefix = format!("{}.", goal["number"]);
        assert!(goal["targets"].as_array().unwrap().iter().all(|t| t["code"].as_str().unwrap().starts_with(&prefix)));
    }
    let goal16: Vec<&str> =
        goals[15]["targets"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(goal16.last(), Some(&"16.b"));
    assert!(goal16.contains(&"16.10"));
}

async fn sessions_named_in_the_seeds_carry_their_dates(app: TestApp) {
    let data = app.query("{ sessions(body: HRC) { number startsOn endsOn source } }").await;
    let sessions = data["sessions"].as_array().unwrap();
    let find = |n: i64| sessions.iter().find(|s| s["number"] == n).unwrap_or_else(|| panic!("session {n}"));
    for (number, start, end) in [
        (36, "2017-09-11", "2017-09-29"),
        (43, "2020-02-24", "2020-03-20"),
        (45, "2020-09-14", "2020-10-07"),
        (51, "2022-09-12", "2022-10-07"),
    ] {
        assert_eq!(find(number)["startsOn"], start);
        assert_eq!(find(number)["endsOn"], end);
    }
    // Sessions the seeds only mention keep unknown dates unknown rather than invented.
    assert!(find(49)["startsOn"].is_null());
    assert!(sessions.iter().all(|s| !s["source"].as_str().unwrap().is_empty()));
}

on_both_backends!(
    the_five_regional_groups_hold_all_193_member_states_once,
    observer_states_are_listed_without_a_regional_group,
    a_country_is_found_by_its_iso_code_in_any_case,
    a_regional_group_filter_returns_only_that_group,
    names_follow_accept_language_and_the_lang_argument,
    the_sdgs_have_17_goals_and_169_targets,
    sessions_named_in_the_seeds_carry_their_dates,
    reference_lists_sync_incrementally,
);

async fn reference_lists_sync_incrementally(app: TestApp) {
    let lists = "regionalGroups(updatedSince: $t) { code } countries(updatedSince: $t) { isoCode } sessions(updatedSince: $t) { number } sdgGoals(updatedSince: $t) { number }";
    let query = format!("query($t: DateTime) {{ {lists} }}");
    let (_, past) =
        app.post(&serde_json::json!({ "query": query, "variables": { "t": "2000-01-01T00:00:00Z" } }), None).await;
    let (_, future) =
        app.post(&serde_json::json!({ "query": query, "variables": { "t": "2999-01-01T00:00:00Z" } }), None).await;
    for list in ["regionalGroups", "countries", "sessions", "sdgGoals"] {
        assert!(!past["data"][list].as_array().unwrap().is_empty(), "{list}: {past}");
        assert_eq!(future["data"][list], serde_json::json!([]), "{list}");
    }
    assert_eq!(past["data"]["countries"].as_array().unwrap().len(), 195);
}
