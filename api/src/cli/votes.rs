//! `hrc-api import resolutions FILE` and `hrc-api import votes FILE`: the Council's recorded votes.

use hrc_db::resolution::import::{self, marc, read, Options};

use super::{announce_change, show_report, ImportArgs, SHOWN};
use crate::config::Settings;
use crate::startup::prepare_database;

pub(super) fn import(args: ImportArgs) -> anyhow::Result<()> {
    if args.layout.is_some() {
        anyhow::bail!("--layout is for recommendations; {} have one layout", args.kind);
    }
    if args.fictional {
        anyhow::bail!("--fictional is for test recommendations; the Council's votes are real records");
    }
    let extension = args.file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let format = args.format.clone().map(|f| f.to_ascii_lowercase()).or(extension).unwrap_or_default();
    let file = std::fs::File::open(&args.file).map_err(|e| anyhow::anyhow!("opening {}: {e}", args.file.display()))?;
    let input = Box::new(std::io::BufReader::new(file));
    let settings = Settings::from_env()?;
    prepare_database(&settings, true)?;
    let mut conn = hrc_db::connection::establish(&settings.database_url)?;
    let options = Options {
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        citation: args.source.clone(),
        actor: format!("import:{}", std::env::var("USER").unwrap_or_else(|_| "cli".into())),
    };
    let started = std::time::Instant::now();
    let unreadable = |e: String| anyhow::anyhow!("{}: {e}", args.file.display());
    let report = match (args.kind.as_str(), format.as_str()) {
        ("resolutions", "csv") => import::texts(&mut conn, read::texts_csv(input).map_err(unreadable)?, &options)?,
        ("resolutions", "xml" | "marcxml") => {
            import::texts(&mut conn, marc::texts(input).map_err(unreadable)?, &options)?
        }
        ("votes", "csv") => import::votes(&mut conn, read::votes_csv(input).map_err(unreadable)?, &options)?,
        ("resolutions", other) => anyhow::bail!("resolutions are read from csv or xml (MARCXML), not {other:?}"),
        (_, other) => anyhow::bail!("votes are read from csv (symbol, iso3, vote), not {other:?}"),
    };
    if report.committed && (report.created + report.updated) > 0 {
        announce_change(&mut conn);
    }
    show_report(args.report.as_deref(), &report, &report.errors, &report.warnings)?;
    for flagged in report.flagged_texts.iter().take(SHOWN) {
        let [y, n, a] = flagged.official;
        let [cy, cn, ca] = flagged.roll_call;
        eprintln!("flagged: {}: official totals {y}-{n}-{a}, roll call {cy}-{cn}-{ca} (both kept)", flagged.symbol);
    }
    for d in report.seed_disagreements.iter().take(SHOWN) {
        eprintln!("seed disagrees: {} {}: seed {}, import {} (the seed's kept)", d.symbol, d.field, d.seed, d.import);
    }
    let verdict = if report.committed {
        "imported"
    } else if args.dry_run {
        "dry run, nothing written"
    } else {
        "NOTHING WRITTEN (every row must be valid; --skip-invalid writes the valid ones)"
    };
    let would = if report.committed { "" } else { "would have been " };
    println!(
        "{verdict}: {} rows in {:.1} s: {} {would}created, {} {would}updated, {} unchanged, {} invalid, {} warnings, \
         {} texts whose totals and roll call disagree, {} seed disagreements; membership terms derived: {} new, {} \
         removed, {} unchanged",
        report.rows,
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged,
        report.invalid_rows,
        report.warnings.len(),
        report.flagged_texts.len(),
        report.seed_disagreements.len(),
        report.membership.created,
        report.membership.deleted,
        report.membership.unchanged,
    );
    if report.invalid_rows > 0 && (!report.committed || args.dry_run) {
        anyhow::bail!("{} invalid rows", report.invalid_rows);
    }
    Ok(())
}
