//! The votes dashboards' figures, each recomputed here by hand from the fixture's rows and compared with what the
//! API computes in the database.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hrc_tests::{on_both_backends, TestApp};

use super::{import_sample, roll_calls, texts};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Regional group of each State, from the seed's countries.
fn groups() -> HashMap<String, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../db/seed/countries.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_owned(), r[4].to_owned())).collect()
}

const CAST: [&str; 3] = ["Y", "N", "A"];

async fn a_states_voting_record_by_year_and_subject_is_its_roll_call_rows(app: TestApp) {
    import_sample(&app);
    let (texts, roll_calls) = (texts(), roll_calls());
    for state in ["CHN", "USA", "CHE"] {
        // By hand: per year, its votes, and how often it voted with the side that carried in the roll call.
        let mut by_year: BTreeMap<i64, [i64; 7]> = BTreeMap::new();
        for text in texts.values() {
            let rc = &roll_calls[&text.symbol];
            let Some(vote) = rc.get(state) else { continue };
            let year: i64 = text.date[..4].parse().unwrap();
            let (y, n) = (rc.values().filter(|v| *v == "Y").count(), rc.values().filter(|v| *v == "N").count());
            let row = by_year.entry(year).or_default();
            let at = ["Y", "N", "A", ".", "-"].iter().position(|c| c == vote).unwrap();
            row[at] += 1;
            if (vote == "Y" && y > n) || (vote == "N" && n > y) {
                row[5] += 1;
            }
            if CAST.contains(&vote.as_str()) {
                row[6] += 1;
            }
        }
        let data = app
            .query(&format!(
                r#"{{ votingRecord(country: "{state}") {{ year yes no abstain nonVoting absent withMajority cast withMajorityShare }} }}"#
            ))
            .await;
        let rows = data["votingRecord"].as_array().unwrap();
        let got: BTreeMap<i64, [i64; 7]> = rows
            .iter()
            .map(|r| {
                let f = |k: &str| r[k].as_i64().unwrap();
                (
                    f("year"),
                    [f("yes"), f("no"), f("abstain"), f("nonVoting"), f("absent"), f("withMajority"), f("cast")],
                )
            })
            .collect();
        assert_eq!(got, by_year, "{state}: {data}");
        for r in rows {
            let share = r["withMajorityShare"].as_f64().unwrap();
            assert!(close(share, r["withMajority"].as_f64().unwrap() / r["cast"].as_f64().unwrap()));
        }
    }
    // By subject, filtered to one year: the subjects of that year's texts where CHN was listed.
    let data = app
        .query(r#"{ votingRecord(country: "CHN", by: SUBJECT, filter: { from: "2011-01-01", to: "2011-12-31" }) { subject yes no abstain } }"#)
        .await;
    let mut by_subject: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for text in texts.values().filter(|t| t.date.starts_with("2011")) {
        if let Some(vote) = roll_calls[&text.symbol].get("CHN") {
            if let Some(at) = CAST.iter().position(|c| c == vote) {
                by_subject.entry(text.subject.clone()).or_default()[at] += 1;
            } else {
                by_subject.entry(text.subject.clone()).or_default();
            }
        }
    }
    let got: BTreeMap<String, [i64; 3]> = data["votingRecord"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["subject"].as_str().unwrap().to_owned(), ["yes", "no", "abstain"].map(|k| r[k].as_i64().unwrap())))
        .collect();
    assert_eq!(got, by_subject, "{data}");
}

/// Texts on which both cast a vote, and those on which they voted alike, by hand.
fn agreement_by_hand(a: &str, b: &str, filter: impl Fn(&super::Text) -> bool) -> (i64, i64) {
    let (texts, roll_calls) = (texts(), roll_calls());
    let (mut both, mut same) = (0, 0);
    for text in texts.values().filter(|t| filter(t)) {
        let rc = &roll_calls[&text.symbol];
        if let (Some(x), Some(y)) = (rc.get(a), rc.get(b)) {
            if CAST.contains(&x.as_str()) && CAST.contains(&y.as_str()) {
                both += 1;
                same += i64::from(x == y);
            }
        }
    }
    (both, same)
}

async fn agreement_between_states_and_their_closest_partners_are_counted_over_texts_both_voted_on(app: TestApp) {
    import_sample(&app);
    let data = app
        .query(
            r#"{ votingAgreement(a: "CHN", b: "RUS") { a b texts same agreement }
            amendments: votingAgreement(a: "USA", b: "CUB", filter: { kind: AMENDMENT }) { texts same } }"#,
        )
        .await;
    let (both, same) = agreement_by_hand("CHN", "RUS", |_| true);
    assert!(both > 10);
    assert_eq!(data["votingAgreement"]["texts"], both, "{data}");
    assert_eq!(data["votingAgreement"]["same"], same);
    assert!(close(data["votingAgreement"]["agreement"].as_f64().unwrap(), same as f64 / both as f64));
    let (both, same) = agreement_by_hand("USA", "CUB", |t| t.symbol.contains("/L."));
    assert_eq!(
        (data["amendments"]["texts"].as_i64().unwrap(), data["amendments"]["same"].as_i64().unwrap()),
        (both, same)
    );

    // USA's closest partners, by hand: every State listed with it, by agreement then code.
    let states: BTreeSet<String> = roll_calls().values().flat_map(|rc| rc.keys().cloned()).collect();
    let mut partners: Vec<(String, f64, i64)> = states
        .iter()
        .filter(|s| *s != "USA")
        .filter_map(|s| {
            let (both, same) = agreement_by_hand("USA", s, |_| true);
            (both >= 5).then(|| (s.clone(), same as f64 / both as f64, both))
        })
        .collect();
    partners.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    let data = app
        .query(
            r#"{ votingPartners(country: "USA", first: 5, minimumTexts: 5) { b texts agreement }
            furthest: votingPartners(country: "USA", first: 3, minimumTexts: 5, order: FURTHEST) { b } }"#,
        )
        .await;
    let got: Vec<(String, i64)> = data["votingPartners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["b"].as_str().unwrap().to_owned(), p["texts"].as_i64().unwrap()))
        .collect();
    let wanted: Vec<(String, i64)> = partners.iter().take(5).map(|p| (p.0.clone(), p.2)).collect();
    assert_eq!(got, wanted, "{data}");
    partners.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
    let furthest: Vec<&str> = data["furthest"].as_array().unwrap().iter().map(|p| p["b"].as_str().unwrap()).collect();
    assert_eq!(furthest, partners.iter().take(3).map(|p| p.0.as_str()).collect::<Vec<_>>());

    // The matrix of the members at the end of the range: each pair once, equal to the pair's own agreement.
    let data = app
        .query(r#"{ votingAgreementMatrix(filter: { from: "2011-01-01", to: "2011-12-31" }) { a b texts same } }"#)
        .await;
    let pairs = data["votingAgreementMatrix"].as_array().unwrap();
    // The States of the range's latest roll call (24 and 25 March 2011: at most 49 with the odd roll call), every
    // pair of them that both cast a vote on some text of the range.
    let states: BTreeSet<&str> =
        pairs.iter().flat_map(|p| [p["a"].as_str().unwrap(), p["b"].as_str().unwrap()]).collect();
    assert!((45..=49).contains(&states.len()), "{}", states.len());
    let mut expected = 0;
    for a in &states {
        for b in &states {
            if a < b && agreement_by_hand(a, b, |t| t.date.starts_with("2011")).0 > 0 {
                expected += 1;
            }
        }
    }
    assert_eq!(pairs.len(), expected);
    for p in pairs {
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        assert!(a < b);
        let (both, same) = agreement_by_hand(a, b, |t| t.date.starts_with("2011"));
        assert_eq!((p["texts"].as_i64().unwrap(), p["same"].as_i64().unwrap()), (both, same), "{a} {b}");
    }
}

async fn group_cohesion_is_the_mean_agreement_index_of_each_groups_votes(app: TestApp) {
    import_sample(&app);
    let (texts, roll_calls, groups) = (texts(), roll_calls(), groups());
    // By hand: per (year, group), the mean over texts of (max − ½(total − max)) / total.
    let mut sums: BTreeMap<(i64, String), (f64, i64)> = BTreeMap::new();
    for text in texts.values() {
        let mut counts: HashMap<&str, [i64; 3]> = HashMap::new();
        for (state, vote) in &roll_calls[&text.symbol] {
            if let Some(at) = CAST.iter().position(|c| c == vote) {
                counts.entry(groups[state].as_str()).or_default()[at] += 1;
            }
        }
        for (group, c) in counts {
            let total = (c[0] + c[1] + c[2]) as f64;
            let top = *c.iter().max().unwrap() as f64;
            let entry = sums.entry((text.date[..4].parse().unwrap(), group.to_owned())).or_default();
            entry.0 += (top - 0.5 * (total - top)) / total;
            entry.1 += 1;
        }
    }
    // The range of the fixture (the seeds add 45/31, of 2020).
    let data =
        app.query(r#"{ groupCohesion(filter: { to: "2015-12-31" }) { year group agreementIndex texts } }"#).await;
    let rows = data["groupCohesion"].as_array().unwrap();
    assert_eq!(rows.len(), sums.len(), "{data}");
    for r in rows {
        let key = (r["year"].as_i64().unwrap(), r["group"].as_str().unwrap().to_owned());
        let (sum, n) = sums[&key];
        assert_eq!(r["texts"], n, "{key:?}");
        assert!(
            close(r["agreementIndex"].as_f64().unwrap(), sum / n as f64),
            "{key:?}: {r} against {}",
            sum / n as f64
        );
    }
}

async fn the_most_divided_votes_and_the_share_adopted_without_a_vote(app: TestApp) {
    import_sample(&app);
    let (texts, roll_calls) = (texts(), roll_calls());
    let mut divided: Vec<(i64, i64, String, String)> = texts
        .values()
        .map(|t| {
            let c = |code: &str| roll_calls[&t.symbol].values().filter(|v| *v == code).count() as i64;
            ((c("Y") - c("N")).abs(), -c("A"), t.date.clone(), t.symbol.clone())
        })
        .collect();
    // Smallest margin, then most abstentions, then latest first.
    divided.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(y.2.cmp(&x.2)));
    let data = app.query(r#"{ mostDividedVotes(first: 4) { resolution { symbol adoptedOn } margin abstain } }"#).await;
    let got: Vec<(i64, i64)> = data["mostDividedVotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["margin"].as_i64().unwrap(), -d["abstain"].as_i64().unwrap()))
        .collect();
    let wanted: Vec<(i64, i64)> = divided.iter().take(4).map(|d| (d.0, d.1)).collect();
    assert_eq!(got, wanted, "{data}");

    // Per session, the texts with a known manner of adoption: the fixture's (all recorded) and the seeds'.
    let mut sessions: BTreeMap<(Option<i64>, Option<i64>), (i64, i64)> = BTreeMap::new();
    for t in texts.values() {
        let parts: Vec<&str> = t.symbol.split('/').collect();
        let part = if parts[2] == "RES" || parts[2] == "DEC" { parts[3] } else { parts[2] };
        let key = match part.strip_prefix("S-") {
            Some(n) => (None, Some(n.parse().unwrap())),
            None => (Some(part.parse().unwrap()), None),
        };
        sessions.entry(key).or_default().0 += 1;
    }
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../db/seed/resolutions.csv");
    let mut reader = csv::Reader::from_path(seed).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (organ, session, method) = (col("organ"), col("session"), col("adoption_method"));
    for r in reader.records().map(|r| r.unwrap()) {
        if &r[organ] == "HRC" && !r[method].is_empty() && !r[session].is_empty() {
            let entry = sessions.entry((Some(r[session].parse().unwrap()), None)).or_default();
            entry.0 += 1;
            entry.1 += i64::from(&r[method] == "WITHOUT_VOTE");
        }
    }
    let data = app.query(r#"{ adoptionWithoutVote { sessionNumber specialSession texts withoutVote share } }"#).await;
    let got: BTreeMap<(Option<i64>, Option<i64>), (i64, i64)> = data["adoptionWithoutVote"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let share = r["share"].as_f64().unwrap();
            let (n, w) = (r["texts"].as_i64().unwrap(), r["withoutVote"].as_i64().unwrap());
            assert!(close(share, w as f64 / n as f64));
            ((r["sessionNumber"].as_i64(), r["specialSession"].as_i64()), (n, w))
        })
        .collect();
    assert_eq!(got, sessions, "{data}");
    assert!(sessions.values().any(|(_, w)| *w > 0), "the seeds hold a text adopted without a vote");
}

async fn bad_filters_are_named(app: TestApp) {
    for (query, field) in [
        (r#"{ votingRecord(country: "XXA") { year } }"#, "country"),
        (r#"{ votingRecord(country: "CHN", filter: { agendaItem: 11 }) { year } }"#, "filter.agendaItem"),
        (r#"{ groupCohesion(filter: { from: "2012-01-01", to: "2011-01-01" }) { year } }"#, "filter.to"),
        (r#"{ votingAgreement(a: "CHN", b: "CHN") { texts } }"#, "b"),
        (r#"{ votingAgreementMatrix(countries: ["CHN"]) { a } }"#, "countries"),
        (r#"{ mostDividedVotes(first: 500) { margin } }"#, "first"),
    ] {
        let (status, code, body) = app.query_error(query).await;
        assert!(status.is_success(), "{status} {body}");
        assert_eq!(code, "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}: {body}");
    }
}

on_both_backends!(
    a_states_voting_record_by_year_and_subject_is_its_roll_call_rows,
    agreement_between_states_and_their_closest_partners_are_counted_over_texts_both_voted_on,
    group_cohesion_is_the_mean_agreement_index_of_each_groups_votes,
    the_most_divided_votes_and_the_share_adopted_without_a_vote,
    bad_filters_are_named,
);
