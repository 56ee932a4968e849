//! `hrc-api import resolutions|votes` as a user runs it, on both backends, with the real rows of
//! `tests/data/votes/`: the counts it prints, the report it writes, a dry run that writes nothing, and a refusal
//! that names the row, the field and the value and fails the command.

use std::path::{Path, PathBuf};
use std::process::Output;

use hrc_tests::{Backend, TestDatabase};
use serde_json::Value;

mod support;
use support::hrc;

fn data(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/votes").join(name);
    path.to_str().unwrap().to_owned()
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    hrc(dir, url).args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(path: &str) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

fn the_commands_import_report_and_dry_run(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    let report = report_path.to_str().unwrap();
    let (texts, votes) = (data("resolutions.csv"), data("rollcall.csv"));

    let out = run(dir.path(), &db.url, &["import", "resolutions", &texts, "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("dry run, nothing written"), "{}", text(&out.stdout));

    let out = run(dir.path(), &db.url, &["import", "resolutions", &texts, "--report", report]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let n = lines(&texts);
    assert!(text(&out.stdout).contains(&format!("{n} rows")), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&format!("{n} created, 0 updated, 0 unchanged, 0 invalid")));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    for field in ["rows", "created", "updated", "unchanged", "invalidRows", "errors", "warnings", "flaggedTexts"] {
        assert!(json.get(field).is_some(), "{field} in {json}");
    }
    assert_eq!(json["rows"], n);

    let out = run(dir.path(), &db.url, &["import", "votes", &votes, "--report", report]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = lines(&votes);
    assert!(text(&out.stdout).contains(&format!("{rows} created")), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("flagged: A/HRC/24/L.44: official totals 15-27-3, roll call 17-27-3"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert!(json["flaggedTexts"].as_array().unwrap().iter().any(|f| f["symbol"] == "A/HRC/RES/16/14"), "{json}");

    let out = run(dir.path(), &db.url, &["import", "votes", &votes]);
    assert!(text(&out.stdout).contains(&format!("0 created, 0 updated, {rows} unchanged")), "{}", text(&out.stdout));

    // A bad row fails the command, names the row, field and value, and nothing is written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "symbol,iso3,vote\nA/HRC/RES/7/4,ARG,N\nA/HRC/RES/7/4,ARG,Z\n").unwrap();
    let out = run(dir.path(), &db.url, &["import", "votes", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("row 2, vote:") && stderr.contains("\"Z\""), "{stderr}");
    assert!(text(&out.stdout).starts_with("NOTHING WRITTEN"), "{}", text(&out.stdout));
    let out = run(dir.path(), &db.url, &["import", "votes", &votes]);
    assert!(text(&out.stdout).contains(&format!("0 created, 0 updated, {rows} unchanged")), "ARG's vote unchanged");

    let out = run(dir.path(), &db.url, &["import", "votes", &texts.replace(".csv", ".txt")]);
    assert!(!out.status.success());
}

#[test]
fn the_commands_import_report_and_dry_run_on_sqlite() {
    the_commands_import_report_and_dry_run(Backend::Sqlite);
}

#[test]
fn the_commands_import_report_and_dry_run_on_postgres() {
    the_commands_import_report_and_dry_run(Backend::Postgres);
}
