//! The Council's recorded votes, imported from the real records (`tests/data/votes/`, copied from the samples in
//! `../shared/data/real/`) and served: every text's official totals and full roll call, the texts whose two
//! disagree, 45/31 as its seed gives it before and after an import that holds it, MARCXML and CSV agreeing, and
//! membership. Every expected figure is read from the fixture files here, not written down.

mod aggregates;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use hrc_db::resolution::import::{self, marc, read, Options, Report};
use hrc_tests::{on_both_backends, TestApp};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/votes").join(name)
}

fn open(name: &str) -> Box<dyn std::io::BufRead> {
    Box::new(std::io::BufReader::new(std::fs::File::open(fixture(name)).expect("the fixture is there")))
}

/// A text of the fixture, as its CSV row says.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub symbol: String,
    pub date: String,
    pub subject: String,
    pub official: [i64; 3],
}

/// The fixture's texts by symbol as the Council writes it (the record's `A/HRC/DEC22/117` is `A/HRC/DEC/22/117`).
pub(crate) fn texts() -> BTreeMap<String, Text> {
    let mut reader = csv::Reader::from_path(fixture("resolutions.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let symbol = r[0].replace("DEC22", "DEC/22");
            let n = |i: usize| r[i].parse::<i64>().unwrap();
            let text =
                Text { symbol: symbol.clone(), date: r[1].into(), subject: r[4].into(), official: [n(7), n(8), n(9)] };
            (symbol, text)
        })
        .collect()
}

/// The fixture's roll calls: symbol → ISO code → vote code.
pub(crate) fn roll_calls() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut reader = csv::Reader::from_path(fixture("rollcall.csv")).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        out.entry(r[0].replace("DEC22", "DEC/22")).or_default().insert(r[1].into(), r[2].into());
    }
    out
}

pub(crate) fn vote_name(code: &str) -> &'static str {
    match code {
        "Y" => "YES",
        "N" => "NO",
        "A" => "ABSTAIN",
        "." => "NON_VOTING",
        "-" => "ABSENT",
        other => panic!("code {other:?}"),
    }
}

fn options() -> Options {
    Options { actor: "test".into(), ..Options::default() }
}

/// Imports the fixture's texts, then its roll calls, through the importer the CLI runs; the two reports.
pub(crate) fn import_sample(app: &TestApp) -> (Report, Report) {
    let mut conn = hrc_db::connection::establish(&app.database.url).unwrap();
    let texts = import::texts(&mut conn, read::texts_csv(open("resolutions.csv")).unwrap(), &options()).unwrap();
    let votes = import::votes(&mut conn, read::votes_csv(open("rollcall.csv")).unwrap(), &options()).unwrap();
    (texts, votes)
}

fn counted(roll_call: &BTreeMap<String, String>) -> [i64; 3] {
    ["Y", "N", "A"].map(|c| roll_call.values().filter(|v| *v == c).count() as i64)
}

async fn the_sample_imports_whole_with_every_roll_call_and_again_as_no_change(app: TestApp) {
    let (texts_report, votes_report) = import_sample(&app);
    let texts = texts();
    let roll_calls = roll_calls();
    assert!(texts_report.committed && votes_report.committed);
    assert_eq!((texts_report.rows, texts_report.created, texts_report.invalid_rows), (texts.len(), texts.len(), 0));
    let rows: usize = roll_calls.values().map(BTreeMap::len).sum();
    assert_eq!((votes_report.rows, votes_report.created, votes_report.invalid_rows), (rows, rows, 0));
    assert!(
        texts_report.warnings.iter().any(|w| w.field == "symbol" && w.message.contains("A/HRC/DEC/22/117")),
        "{:?}",
        texts_report.warnings
    );
    // The texts whose totals and roll call disagree, worked out from the two files.
    let disagree: BTreeSet<String> =
        texts.values().filter(|t| t.official != counted(&roll_calls[&t.symbol])).map(|t| t.symbol.clone()).collect();
    assert!(disagree.contains("A/HRC/RES/16/14") && disagree.contains("A/HRC/24/L.44"), "{disagree:?}");
    let flagged: BTreeSet<String> = votes_report.flagged_texts.iter().map(|f| f.symbol.clone()).collect();
    assert_eq!(flagged, disagree);
    // A/HRC/RES/16/31 lists two States the day's other roll calls do not: reported, kept.
    assert!(
        votes_report.warnings.iter().any(|w| w.message.contains("A/HRC/RES/16/31") && w.message.contains("SVN, SWZ")),
        "{:?}",
        votes_report.warnings
    );
    assert!(votes_report.membership.created > 0);

    // Every text answers with its official totals and its full roll call.
    for text in texts.values() {
        let data = app
            .query(&format!(
                r#"{{ resolution(symbol: "{}") {{ symbol adoptedOn kind subject adoptionMethod tallyDisagrees
                    voteTally {{ yes no abstain }} rollCallTally {{ yes no abstain nonVoting absent }}
                    votes {{ country {{ isoCode }} vote recorded }} source }} }}"#,
                text.symbol
            ))
            .await;
        let r = &data["resolution"];
        assert_eq!(r["symbol"], text.symbol.as_str(), "{data}");
        assert_eq!(r["adoptedOn"], text.date.as_str());
        assert_eq!(r["subject"], text.subject.as_str());
        assert_eq!(r["adoptionMethod"], "RECORDED_VOTE");
        let tally = &r["voteTally"];
        assert_eq!([&tally["yes"], &tally["no"], &tally["abstain"]].map(|v| v.as_i64().unwrap()), text.official);
        let roll_call = &roll_calls[&text.symbol];
        let c = &r["rollCallTally"];
        assert_eq!([&c["yes"], &c["no"], &c["abstain"]].map(|v| v.as_i64().unwrap()), counted(roll_call));
        assert_eq!(r["tallyDisagrees"], disagree.contains(&text.symbol));
        let votes: BTreeMap<String, String> = r["votes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["country"]["isoCode"].as_str().unwrap().to_owned(), v["vote"].as_str().unwrap().to_owned()))
            .collect();
        let wanted: BTreeMap<String, String> =
            roll_call.iter().map(|(k, v)| (k.clone(), vote_name(v).into())).collect();
        assert_eq!(votes, wanted, "{}", text.symbol);
        let kind = if text.symbol.contains("/RES/") {
            "RESOLUTION"
        } else if text.symbol.contains("/DEC/") {
            "DECISION"
        } else {
            "AMENDMENT"
        };
        assert_eq!(r["kind"], kind, "{}", text.symbol);
        assert!(r["source"].as_str().unwrap().starts_with("OHCHR Search Library"), "{data}");
    }
    // The flagged texts are queryable.
    let data = app.query(r#"{ resolutions(first: 100, tallyDisagrees: true) { nodes { symbol } } }"#).await;
    let listed: BTreeSet<String> = data["resolutions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["symbol"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, disagree);

    // Again: nothing is created or changed.
    let (again_texts, again_votes) = import_sample(&app);
    assert_eq!((again_texts.created, again_texts.updated, again_texts.unchanged), (0, 0, texts.len()));
    assert_eq!((again_votes.created, again_votes.updated, again_votes.unchanged), (0, 0, rows));
    assert_eq!(again_votes.membership.created + again_votes.membership.deleted, 0);
}

async fn a_dry_run_and_an_invalid_file_write_nothing(app: TestApp) {
    let mut conn = hrc_db::connection::establish(&app.database.url).unwrap();
    let dry = Options { dry_run: true, ..options() };
    let report = import::texts(&mut conn, read::texts_csv(open("resolutions.csv")).unwrap(), &dry).unwrap();
    assert!(!report.committed && report.created == texts().len());
    let data = app.query(r#"{ resolution(symbol: "A/HRC/RES/7/4") { symbol } }"#).await;
    assert!(data["resolution"].is_null(), "{data}");
    // Votes on a text not held, an unknown code and an unknown vote: each error names its row and field.
    let bad = "symbol,iso3,vote\nA/HRC/RES/7/4,ARG,Y\nA/HRC/RES/99/1,ARG,Y\nA/HRC/RES/7/4,XXA,Y\nA/HRC/RES/7/4,BRA,Q\n";
    import::texts(&mut conn, read::texts_csv(open("resolutions.csv")).unwrap(), &options()).unwrap();
    let report = import::votes(&mut conn, read::votes_csv(Box::new(bad.as_bytes())).unwrap(), &options()).unwrap();
    assert!(!report.committed);
    assert_eq!(report.invalid_rows, 3);
    let errors: Vec<(usize, &str)> = report.errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(errors, [(2, "symbol"), (3, "iso3"), (4, "vote")]);
    assert!(report.errors[0].message.contains("A/HRC/RES/99/1"), "{:?}", report.errors);
    assert!(report.errors[1].message.contains("XXA"), "{:?}", report.errors);
    let data = app.query(r#"{ resolution(symbol: "A/HRC/RES/7/4") { votes { vote } } }"#).await;
    assert_eq!(data["resolution"]["votes"], serde_json::json!([]), "nothing was written: {data}");
}

/// 45/31's vote as its seed gives it, and as an import holding it leaves it: 32, 3, 11, with 47 members.
async fn resolution_45_31_answers_47_members_with_libya_not_voting_before_and_after_an_import(app: TestApp) {
    let query = r#"{ resolution(symbol: "A/HRC/RES/45/31") { voteTally { yes no abstain }
        votes { country { isoCode } vote recorded } } councilMembers(on: "2020-10-07") { country { isoCode } derived } }"#;
    let check = |data: &serde_json::Value, libya_recorded: bool| {
        let r = &data["resolution"];
        assert_eq!(r["voteTally"], serde_json::json!({ "yes": 32, "no": 3, "abstain": 11 }), "{data}");
        let votes = r["votes"].as_array().unwrap();
        assert_eq!(votes.len(), 47, "{data}");
        let libya: Vec<_> = votes.iter().filter(|v| v["country"]["isoCode"] == "LBY").collect();
        assert_eq!(libya.len(), 1);
        assert_eq!(libya[0]["vote"], "NON_VOTING");
        assert_eq!(libya[0]["recorded"], libya_recorded);
        let mut by_vote: HashMap<&str, usize> = HashMap::new();
        for v in votes {
            *by_vote.entry(v["vote"].as_str().unwrap()).or_default() += 1;
        }
        assert_eq!(by_vote, HashMap::from([("YES", 32), ("NO", 3), ("ABSTAIN", 11), ("NON_VOTING", 1)]));
        assert_eq!(data["councilMembers"].as_array().unwrap().len(), 47);
    };
    check(&app.query(query).await, false);

    let mut conn = hrc_db::connection::establish(&app.database.url).unwrap();
    let report = import::texts(&mut conn, marc::texts(open("res-45-31.marcxml")).unwrap(), &options()).unwrap();
    assert!(report.committed, "{report:?}");
    assert_eq!(report.seed_disagreements, [], "the seed and the record agree");
    assert_eq!((report.created, report.updated), (0, 1), "one record, filled where the seed is silent");
    check(&app.query(query).await, true);
    // A restart re-applies the seeds; the vote the import added stays.
    hrc_db::seed::load(&mut conn).unwrap();
    check(&app.query(query).await, true);
    let data = app.query(r#"{ resolution(symbol: "A/HRC/RES/45/31") { voteTally { nonVoting } } }"#).await;
    assert_eq!(data["resolution"]["voteTally"]["nonVoting"], 1, "the record's count: {data}");

    // An import that disagrees with the seed says so and changes nothing the seed gave.
    let changed = std::fs::read_to_string(fixture("res-45-31.marcxml"))
        .unwrap()
        .replace(
            "<subfield code=\"b\">AFG</subfield><subfield code=\"d\">Y</subfield>",
            "<subfield code=\"b\">AFG</subfield><subfield code=\"d\">N</subfield>",
        )
        .replace("38th meeting", "39th meeting");
    let report =
        import::texts(&mut conn, marc::texts(Box::new(std::io::Cursor::new(changed))).unwrap(), &options()).unwrap();
    let fields: BTreeSet<&str> = report.seed_disagreements.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, BTreeSet::from(["meeting", "votes.AFG"]), "{:?}", report.seed_disagreements);
    check(&app.query(query).await, true);
    let data = app.query(r#"{ resolution(symbol: "A/HRC/RES/45/31") { meeting } }"#).await;
    assert_eq!(data["resolution"]["meeting"], "38th meeting");
}

async fn marcxml_and_csv_give_the_same_records(app: TestApp) {
    import_sample(&app);
    let mut conn = hrc_db::connection::establish(&app.database.url).unwrap();
    let report = import::texts(&mut conn, marc::texts(open("three-texts.marcxml")).unwrap(), &options()).unwrap();
    assert_eq!((report.rows, report.created, report.updated, report.unchanged), (3, 0, 0, 3), "{report:?}");
    assert_eq!(report.invalid_rows, 0);
}

async fn membership_derived_from_the_roll_calls_holds_47_seats_on_each_voting_day(app: TestApp) {
    import_sample(&app);
    let texts = texts();
    let roll_calls = roll_calls();
    for day in texts.values().map(|t| t.date.clone()).collect::<BTreeSet<_>>() {
        let data = app
            .query(&format!(r#"{{ councilMembers(on: "{day}") {{ country {{ isoCode }} derived source }} }}"#))
            .await;
        let members: BTreeSet<String> = data["councilMembers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                assert_eq!(m["derived"], true, "{m}");
                m["country"]["isoCode"].as_str().unwrap().to_owned()
            })
            .collect();
        // The union of the day's roll calls (a roll call lists every member).
        let listed: BTreeSet<String> =
            texts.values().filter(|t| t.date == day).flat_map(|t| roll_calls[&t.symbol].keys().cloned()).collect();
        assert_eq!(members, listed, "{day}");
        if day != "2011-03-25" {
            assert_eq!(members.len(), 47, "{day}");
        }
    }
    let data = app.query(r#"{ councilTerms(country: "CHE") { startsOn endsOn derived } }"#).await;
    assert!(!data["councilTerms"].as_array().unwrap().is_empty(), "{data}");
}

on_both_backends!(
    the_sample_imports_whole_with_every_roll_call_and_again_as_no_change,
    a_dry_run_and_an_invalid_file_write_nothing,
    resolution_45_31_answers_47_members_with_libya_not_voting_before_and_after_an_import,
    marcxml_and_csv_give_the_same_records,
    membership_derived_from_the_roll_calls_holds_47_seats_on_each_voting_day,
);
