//! `hrc-api import` as a user runs it, on both backends: a UHRI-layout file imports, round-trips through the UHRI
//! export and back, re-imports as no change; invalid rows are named by row and column and nothing is written (or,
//! with --skip-invalid, only the valid rows); implementation reports import once.

use std::path::{Path, PathBuf};
use std::process::Output;

use hrc_tests::{Backend, TestDatabase};
use serde_json::Value;

mod support;
use support::hrc;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/import").join(name)
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    hrc(dir, url).args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The fictional recommendations, as the NDJSON export gives them, by key.
fn exported(dir: &Path, url: &str) -> Vec<Value> {
    let out = run(dir, url, &["export", "recommendations", "--where", "fictional=true"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON record")).collect()
}

fn by_key<'a>(records: &'a [Value], key: &str) -> &'a Value {
    records.iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("no record {key} in {records:?}"))
}

fn keys(terms: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = terms.as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    keys.sort_unstable();
    keys
}

/// A record without what differs between two databases holding the same data.
fn comparable(mut record: Value) -> Value {
    for field in ["id", "createdAt", "updatedAt"] {
        record.as_object_mut().unwrap().remove(field);
    }
    record
}

fn a_uhri_file_imports_round_trips_and_reimports_as_no_change(backend: Backend) {
    let Some(first) = TestDatabase::create(backend) else { return };
    let Some(second) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let sample = data("uhri-sample.csv");
    let sample = sample.to_str().unwrap();

    let out = run(dir.path(), &first.url, &["import", "recommendations", sample, "--fictional"]);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("5 rows") && stdout.contains("5 created, 0 updated, 0 unchanged, 0 invalid"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("warning: row 1, Sdgs: SDG 16 is a goal without a target"), "{stderr}");
    assert!(stderr.contains("warning: row 1, UPR Reccomending States: 2 States made it"), "{stderr}");

    // Each record as the file says, worked out by hand from the file.
    let records = exported(dir.path(), &first.url);
    assert_eq!(records.len(), 5, "{records:?}");
    let upr = by_key(&records, "uhri:T-1001");
    assert_eq!(upr["sourceKind"], "UPR");
    assert_eq!(upr["country"]["isoCode"], "NPL");
    assert_eq!(upr["recommendingCountry"]["isoCode"], "PRT", "the first of the States that made it");
    assert_eq!(upr["mechanism"]["key"], "upr");
    assert_eq!(upr["uprCycle"], 4, "session 41 is in the fourth cycle");
    assert_eq!(upr["session"]["number"], 41);
    assert_eq!(upr["response"], "SUPPORTED");
    assert_eq!(upr["paragraph"], "141.7", "read from the text's leading number");
    assert_eq!(upr["madeOn"], "2021-04-14", "spreadsheet day 44300");
    assert_eq!(upr["report"]["symbol"], "TEST/UPR/NPL/1");
    assert_eq!(keys(&upr["themes"]), ["civil-society", "national-human-rights-institutions"]);
    assert_eq!(keys(&upr["affectedPersons"]), ["human-rights-defenders"]);
    assert_eq!(upr["sdgTargets"], serde_json::json!([{ "code": "16.a" }]));
    assert_eq!(upr["fictional"], true);
    assert_eq!(upr["source"], "Universal Human Rights Index export (uhri.ohchr.org): uhri:T-1001");
    let treaty = by_key(&records, "uhri:T-1003");
    assert_eq!(treaty["sourceKind"], "TREATY_BODY");
    assert_eq!(treaty["country"]["isoCode"], "GHA");
    assert_eq!(keys(&treaty["themes"]), ["gender-equality", "right-to-health"]);
    assert_eq!(treaty["madeOn"], "2022-03-04");
    assert!(treaty["uprCycle"].is_null() && treaty["response"].is_null());
    let special = by_key(&records, "uhri:T-1004");
    assert_eq!(special["sourceKind"], "SPECIAL_PROCEDURE");
    assert_eq!(special["mandate"]["key"], "sr-truth-justice");
    assert_eq!(special["madeOn"], "2023-03-15");
    assert_eq!(by_key(&records, "uhri:T-1005")["uprCycle"], 3, "session 34 is in the third cycle");

    // The same file again changes nothing.
    let again = run(dir.path(), &first.url, &["import", "recommendations", sample, "--fictional"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("0 created, 0 updated, 5 unchanged"), "{}", text(&again.stdout));
    let unchanged = exported(dir.path(), &first.url);
    assert_eq!(unchanged, records, "not even updatedAt moves");

    // Round trip: the UHRI-layout export, imported into another database, gives the same records and the same file.
    let uhri_first = dir.path().join("first.uhri.csv");
    let mut export = hrc(dir.path(), &first.url);
    export.args(["export", "recommendations", "--format", "uhri", "--where", "fictional=true", "--output"]);
    let out = export.arg(&uhri_first).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(dir.path(), &second.url, &["import", "recommendations", uhri_first.to_str().unwrap(), "--fictional"]);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("5 created"), "{}", text(&out.stdout));
    let mut there: Vec<Value> = exported(dir.path(), &second.url).into_iter().map(comparable).collect();
    let mut here: Vec<Value> = records.iter().cloned().map(comparable).collect();
    there.sort_by_key(|r| r["key"].to_string());
    here.sort_by_key(|r| r["key"].to_string());
    assert_eq!(there, here, "the records survive the round trip field by field");
    let uhri_second = dir.path().join("second.uhri.csv");
    let mut export = hrc(dir.path(), &second.url);
    export.args(["export", "recommendations", "--format", "uhri", "--where", "fictional=true&sort=id", "--output"]);
    assert!(export.arg(&uhri_second).output().unwrap().status.success());
    let sorted = |path: &Path| {
        let mut lines: Vec<Vec<String>> = csv::Reader::from_path(path)
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&uhri_first), sorted(&uhri_second), "and the UHRI file comes back the same");

    // JSON: the same rows as an array of objects with lists, into a third import of the same records: no change.
    let mut reader = csv::Reader::from_path(data("uhri-sample.csv")).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<Value> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let object: serde_json::Map<String, Value> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| {
                    let value = if v.contains('\n') {
                        Value::from(v.lines().map(|l| l.trim_start_matches("- ").to_owned()).collect::<Vec<_>>())
                    } else {
                        Value::from(v)
                    };
                    (h.clone(), value)
                })
                .collect();
            Value::Object(object)
        })
        .collect();
    let json = dir.path().join("sample.json");
    std::fs::write(&json, serde_json::to_string(&rows).unwrap()).unwrap();
    let out = run(dir.path(), &first.url, &["import", "recommendations", json.to_str().unwrap(), "--fictional"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 created, 0 updated, 5 unchanged"), "{}", text(&out.stdout));

    // A corrected row updates that record only.
    let corrected = std::fs::read_to_string(data("uhri-sample.csv")).unwrap().replace(",Noted,", ",Supported,");
    let corrected_path = dir.path().join("corrected.csv");
    std::fs::write(&corrected_path, corrected).unwrap();
    let out =
        run(dir.path(), &first.url, &["import", "recommendations", corrected_path.to_str().unwrap(), "--fictional"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 created, 1 updated, 4 unchanged"), "{}", text(&out.stdout));
    let after = exported(dir.path(), &first.url);
    assert_eq!(by_key(&after, "uhri:T-1002")["response"], "SUPPORTED");
    assert_eq!(comparable(by_key(&after, "uhri:T-1001").clone()), comparable(upr.clone()));

    // Real and fictional never replace each other.
    let out = run(dir.path(), &first.url, &["import", "recommendations", sample]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("row 1, key: uhri:T-1001 names a fictional record"), "{}", text(&out.stderr));
}

#[test]
fn a_uhri_file_imports_round_trips_and_reimports_as_no_change_on_sqlite() {
    a_uhri_file_imports_round_trips_and_reimports_as_no_change(Backend::Sqlite);
}

#[test]
fn a_uhri_file_imports_round_trips_and_reimports_as_no_change_on_postgres() {
    a_uhri_file_imports_round_trips_and_reimports_as_no_change(Backend::Postgres);
}

fn invalid_rows_are_named_and_nothing_is_written(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let invalid = data("uhri-invalid.csv");
    let invalid = invalid.to_str().unwrap();
    let report = dir.path().join("report.json");

    let out = hrc(dir.path(), &database.url)
        .args(["import", "recommendations", invalid, "--fictional", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    for expected in [
        "error: row 1, Countries Concerned: there is no State named \"Atlantis\"",
        "error: row 2, Sdgs: \"99.1\" is not an SDG target",
        "error: row 3, Document Publication Date: \"yesterday\" is not a date",
        "error: row 3, UPR Position: \"Maybe\" is not Supported, Noted or Pending",
        "error: row 4, Text: give the recommendation's text",
    ] {
        assert!(stderr.contains(expected), "{expected} missing from:\n{stderr}");
    }
    assert!(text(&out.stdout).contains("NOTHING WRITTEN"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("1 would have been created"), "{}", text(&out.stdout));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["committed"], false);
    assert_eq!(written["invalidRows"], 4);
    assert_eq!(written["created"], 1, "the valid row was checked, then rolled back with the rest");
    assert!(exported(dir.path(), &database.url).is_empty(), "nothing of the file is in the database");

    // A theme the thesaurus lacks is named too, once the row parses.
    let fixed = std::fs::read_to_string(invalid).unwrap().replace("- 99.1", "- 10.2");
    let fixed_path = dir.path().join("fixed.csv");
    std::fs::write(&fixed_path, fixed).unwrap();
    let out =
        run(dir.path(), &database.url, &["import", "recommendations", fixed_path.to_str().unwrap(), "--fictional"]);
    assert!(text(&out.stderr).contains("row 2, Themes: there is no thesaurus term \"Underwater basket weaving\""));

    // A dry run of a valid file writes nothing either.
    let sample = data("uhri-sample.csv");
    let out = run(dir.path(), &database.url, &["import", "recommendations", sample.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("every row is valid"), "{}", text(&out.stdout));
    assert!(exported(dir.path(), &database.url).is_empty());

    // --skip-invalid writes the valid row and reports the others.
    let out = run(dir.path(), &database.url, &["import", "recommendations", invalid, "--fictional", "--skip-invalid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 created, 0 updated, 0 unchanged, 4 invalid"), "{}", text(&out.stdout));
    let records = exported(dir.path(), &database.url);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["key"], "uhri:T-2005");
    assert_eq!(records[0]["sourceKind"], "TREATY_BODY");

    // A file without a required column is refused before any row, naming it.
    let headless = dir.path().join("headless.csv");
    std::fs::write(&headless, "Text,Countries Concerned\nFICTIONAL,Nepal\n").unwrap();
    let out = run(dir.path(), &database.url, &["import", "recommendations", headless.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Reccomending Body"), "{}", text(&out.stderr));
    let out = run(dir.path(), &database.url, &["import", "recommendations", invalid, "--layout", "excel"]);
    assert!(text(&out.stderr).contains("--layout is uhri or upr-info"), "{}", text(&out.stderr));
}

#[test]
fn invalid_rows_are_named_and_nothing_is_written_on_sqlite() {
    invalid_rows_are_named_and_nothing_is_written(Backend::Sqlite);
}

#[test]
fn invalid_rows_are_named_and_nothing_is_written_on_postgres() {
    invalid_rows_are_named_and_nothing_is_written(Backend::Postgres);
}

fn implementation_reports_import_once(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let sample = data("uhri-sample.csv");
    let reports = data("implementation-sample.csv");
    let reports = reports.to_str().unwrap();
    let out = run(dir.path(), &database.url, &["import", "recommendations", sample.to_str().unwrap(), "--fictional"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(dir.path(), &database.url, &["import", "implementation", reports]);
    assert_eq!(out.status.code(), Some(1), "fictional recommendations take fictional reports only");
    assert!(text(&out.stderr).contains("is a fictional recommendation; import its reports with --fictional"));

    let out = run(dir.path(), &database.url, &["import", "implementation", reports, "--fictional"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 created"), "{}", text(&out.stdout));
    let records = exported(dir.path(), &database.url);
    let reported = by_key(&records, "uhri:T-1001");
    assert_eq!(reported["currentImplementationStatus"], "PARTIALLY_IMPLEMENTED");
    assert_eq!(reported["implementationHistory"].as_array().unwrap().len(), 2);
    assert_eq!(by_key(&records, "uhri:T-1003")["currentImplementationStatus"], "NOT_STARTED");

    let out = run(dir.path(), &database.url, &["import", "implementation", reports, "--fictional"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 created, 0 updated, 3 unchanged"), "{}", text(&out.stdout));
    assert_eq!(exported(dir.path(), &database.url), records);

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "Recommendation,Status,Reported On,Source\nuhri:nope,Done,2030-01-01,Rumour\n").unwrap();
    let out = run(dir.path(), &database.url, &["import", "implementation", bad.to_str().unwrap(), "--fictional"]);
    let stderr = text(&out.stderr);
    for field in ["row 1, Status:", "row 1, Reported On:", "row 1, Source:"] {
        assert!(stderr.contains(field), "{field} missing from {stderr}");
    }
}

#[test]
fn implementation_reports_import_once_on_sqlite() {
    implementation_reports_import_once(Backend::Sqlite);
}

#[test]
fn implementation_reports_import_once_on_postgres() {
    implementation_reports_import_once(Backend::Postgres);
}
