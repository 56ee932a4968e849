//! The command line: `serve` (the default), `migrate`, `seed`, `export`, `import`, `export-schema`,
//! `export-openapi` and `token`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hrc_schema::support::auth::Role;

mod votes;

use crate::config::Settings;
use crate::startup::{prepare_database, redact, Application};

/// The Council Mechanisms API: a GraphQL API over the mechanisms of the UN Human Rights Council.
///
/// Settings come from the environment (see the README): HRC_BIND, HRC_DATA_DIR, DATABASE_URL, HRC_ENV,
/// HRC_JWT_SECRET, HRC_JWT_ISSUER, HRC_JWT_AUDIENCE, and others.
#[derive(Debug, Parser)]
#[command(name = "hrc-api", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations, load the seed data and serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Apply pending migrations and load the reference and seed-document data (idempotent).
    Seed {
        /// Also generate fictional demonstration data (flagged fictional on every row, never mixed with the real).
        #[arg(long)]
        demo: bool,
        /// How many fictional recommendations to generate with --demo.
        #[arg(long, default_value_t = 5_000, requires = "demo")]
        scale: usize,
        /// Random seed of the demo data: the same seed gives the same data, and loading it twice adds nothing.
        #[arg(long, default_value_t = 1, requires = "demo")]
        demo_seed: u64,
    },
    /// Print the GraphQL schema (SDL): the public one, or with --complaint the one complaint-procedure staff and the
    /// Council's Bureau are served.
    ExportSchema {
        /// Print the complaint schema instead of the public one.
        #[arg(long)]
        complaint: bool,
    },
    /// Write every recommendation, mandate or visit a filter selects as NDJSON or CSV, a page at a time (the same as
    /// `GET /api/v1/export/…`).
    Export {
        /// What to export: recommendations, mandates or visits.
        kind: String,
        /// ndjson (the default), csv, or uhri (recommendations in the UHRI export's columns, which `import` reads).
        #[arg(long)]
        format: Option<String>,
        /// The filters, as the HTTP export takes them: `country=NPL&response=SUPPORTED&sort=-updatedAt`.
        #[arg(long = "where", default_value = "")]
        filters: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Import recommendations (UHRI or UPR Info export layout) or implementation reports from CSV, JSON or NDJSON;
    /// or the Council's recorded votes: `resolutions` (the texts, from the voting records' CSV or the OHCHR library's
    /// MARCXML, which holds the roll calls too) and `votes` (a roll-call CSV: symbol, iso3, vote). Every row is
    /// checked and every problem reported by row and column; nothing is written unless every row is valid (or, with
    /// --skip-invalid, the valid ones are). Importing the same file again changes nothing.
    Import {
        /// What the file holds: recommendations, implementation (reports), resolutions or votes.
        kind: String,
        /// The file.
        file: std::path::PathBuf,
        /// The column layout of recommendations: uhri (the default) or upr-info.
        #[arg(long)]
        layout: Option<String>,
        /// csv, json (an array of objects), ndjson, or (resolutions) xml for MARCXML; by default the file's extension
        /// says.
        #[arg(long)]
        format: Option<String>,
        /// Write the valid rows and report the invalid ones, instead of writing nothing.
        #[arg(long)]
        skip_invalid: bool,
        /// Check every row against the database, then write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Flag the imported recommendations fictional (test and demonstration files only).
        #[arg(long)]
        fictional: bool,
        /// The citation stored in each record's source (followed by the record's identity); by default the layout's
        /// source, such as "Universal Human Rights Index export (uhri.ohchr.org)".
        #[arg(long)]
        source: Option<String>,
        /// Also write the whole report (counts, every error and warning) as JSON to this file.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
    /// Register GraphQL documents for persisted queries and the allow-list, or list those registered.
    PersistedQueries {
        #[command(subcommand)]
        action: PersistedAction,
    },
    /// Print the OpenAPI 3.1 document of the REST endpoints (`/api/v1/…`), as committed in `openapi/openapi.json`.
    ExportOpenapi,
    /// Print a signed token that a server started with the same settings accepts.
    Token {
        /// The token's subject (a user or system name).
        #[arg(long)]
        sub: String,
        /// A role; repeat for several. One of: partner, state_focal_point, fund_committee, fund_secretariat,
        /// secretariat, reprisals_officer, complaint_wg, complaint_secretariat, council_bureau, admin.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// ISO 3166-1 alpha-3 code of the State the caller acts for (required by State-scoped roles).
        #[arg(long)]
        country: Option<String>,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: i64,
    },
}

#[derive(Debug, Subcommand)]
enum PersistedAction {
    /// Register `.graphql` files (each one document), or every `.graphql` file of a folder; idempotent. Running
    /// servers know them within a second.
    Add {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Print each registered document's SHA-256 (what clients send as `sha256Hash`) and the file it came from.
    List,
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Migrate => migrate(false),
        Command::Seed { demo, scale, demo_seed } => {
            migrate(true).and_then(|()| if demo { generate_demo(scale, demo_seed) } else { Ok(()) })
        }
        Command::ExportSchema { complaint } => {
            print!("{}", if complaint { hrc_schema::complaint_sdl() } else { hrc_schema::sdl() });
            Ok(())
        }
        Command::Export { kind, format, filters, output } => export(&kind, format.as_deref(), &filters, output),
        Command::Import { kind, file, layout, format, skip_invalid, dry_run, fictional, source, report } => {
            let options = ImportArgs { kind, file, layout, format, skip_invalid, dry_run, fictional, source, report };
            import(options)
        }
        Command::PersistedQueries { action } => persisted_queries(action),
        Command::ExportOpenapi => {
            print!("{}", crate::rest::openapi_json());
            Ok(())
        }
        Command::Token { sub, roles, country, ttl } => token(&sub, &roles, country.as_deref(), ttl),
    };
    crate::telemetry::shutdown();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings)?;
        let base = format!("http://{}", with_port(&settings.bind, app.port()));
        println!("Council Mechanisms API");
        println!("  database   {} ({})", redact(&settings.database_url), app.backend.name());
        if let Some(read) = &settings.database_read_url {
            println!("  replica    {} (public reads)", redact(read));
        }
        if !app.prepared_migrations.is_empty() {
            println!("  migrations applied: {}", app.prepared_migrations.join(", "));
        }
        let seed = app.seed;
        println!(
            "  seed data  {} inserted, {} updated, {} deleted, {} unchanged",
            seed.inserted, seed.updated, seed.deleted, seed.unchanged
        );
        println!("  tokens     {}", app.key_origin);
        println!("  GraphQL    {base}/graphql  (GraphiQL: open it in a browser)");
        println!("  health     {base}/health/live  {base}/health/ready");
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn export(kind: &str, format: Option<&str>, filters: &str, output: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    use std::io::Write;
    let Some(kind) = crate::rest::export::Kind::parse(kind) else {
        anyhow::bail!("export recommendations, mandates or visits, not {kind:?}");
    };
    let mut query = filters.trim_start_matches('?').to_owned();
    if let Some(format) = format {
        query = if query.is_empty() { format!("format={format}") } else { format!("format={format}&{query}") };
    }
    let settings = Settings::from_env()?;
    let db = crate::startup::connect_pool(&settings)?;
    let store = crate::startup::connect_store(&settings)?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    actix_web::rt::System::new().block_on(async move {
        let (schema, _) = crate::startup::build_schema(&settings, &db, &store);
        let mut export = crate::rest::export::Export::new(schema, db, kind, &query, Default::default(), "cli".into())
            .map_err(|refusal| anyhow::anyhow!("{refusal}"))?;
        while let Some(page) = export.next_page(None).await {
            let bytes = page.map_err(|refusal| anyhow::anyhow!("{refusal}"))?;
            out.write_all(&bytes)?;
        }
        out.flush()?;
        Ok(())
    })
}

pub(crate) struct ImportArgs {
    kind: String,
    file: std::path::PathBuf,
    layout: Option<String>,
    format: Option<String>,
    skip_invalid: bool,
    dry_run: bool,
    fictional: bool,
    source: Option<String>,
    report: Option<std::path::PathBuf>,
}

/// How many errors and warnings the terminal shows; `--report` has them all.
pub(crate) const SHOWN: usize = 50;

fn import(args: ImportArgs) -> anyhow::Result<()> {
    use hrc_db::import::{Format, Layout, Options, Rows};
    if matches!(args.kind.as_str(), "resolutions" | "votes") {
        return votes::import(args);
    }
    let layout = match (args.kind.as_str(), args.layout.as_deref()) {
        ("recommendations", None) => Layout::Uhri,
        ("recommendations", Some(name)) => match Layout::parse(name) {
            Some(layout @ (Layout::Uhri | Layout::UprInfo)) => layout,
            _ => anyhow::bail!("--layout is uhri or upr-info, not {name:?}"),
        },
        ("implementation", None | Some("implementation")) => Layout::Implementation,
        ("implementation", Some(name)) => anyhow::bail!("implementation reports have one layout, not {name:?}"),
        (other, _) => anyhow::bail!("import recommendations, implementation, resolutions or votes, not {other:?}"),
    };
    let format = match &args.format {
        Some(name) => Format::parse(name).ok_or_else(|| anyhow::anyhow!("--format is csv, json or ndjson"))?,
        None => Format::of_path(&args.file).ok_or_else(|| {
            anyhow::anyhow!("{} has no .csv, .json or .ndjson extension: give --format", args.file.display())
        })?,
    };
    let file = std::fs::File::open(&args.file).map_err(|e| anyhow::anyhow!("opening {}: {e}", args.file.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let rows = Rows::open(layout, format, Box::new(std::io::BufReader::new(file)), total)?;
    let settings = Settings::from_env()?;
    prepare_database(&settings, true)?;
    let mut conn = hrc_db::connection::establish(&settings.database_url)?;
    let options = Options {
        skip_invalid: args.skip_invalid,
        dry_run: args.dry_run,
        fictional: args.fictional,
        citation: args.source.unwrap_or_else(|| layout.default_citation().to_owned()),
        actor: format!("import:{}", std::env::var("USER").unwrap_or_else(|_| "cli".into())),
    };
    // A bar on a terminal; nothing when standard error is a file or a pipe.
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed} (about {eta} left)")
    {
        bar.set_style(style);
    }
    let started = std::time::Instant::now();
    let report = hrc_db::import::run(&mut conn, layout, rows, &options, &mut |position| bar.set_position(position))?;
    bar.finish_and_clear();
    if report.committed && (report.created + report.updated) > 0 {
        announce_change(&mut conn);
    }
    show_report(args.report.as_deref(), &report, &report.errors, &report.warnings)?;
    let verdict = if report.committed {
        "imported"
    } else if args.dry_run && report.invalid_rows == 0 {
        "dry run, nothing written: every row is valid"
    } else if args.dry_run {
        "dry run, nothing written"
    } else {
        "NOTHING WRITTEN (every row must be valid; --skip-invalid writes the valid ones)"
    };
    // Rolled back, the counts are what the valid rows would have done.
    let would = if report.committed { "" } else { "would have been " };
    println!(
        "{verdict}: {} rows in {:.1} s: {} {would}created, {} {would}updated, {} unchanged, {} invalid, {} warnings",
        report.rows,
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged,
        report.invalid_rows,
        report.warnings.len()
    );
    if report.invalid_rows > 0 && !report.committed && !args.dry_run {
        anyhow::bail!("{} invalid rows", report.invalid_rows);
    }
    if report.invalid_rows > 0 && args.dry_run {
        anyhow::bail!("{} invalid rows", report.invalid_rows);
    }
    Ok(())
}

/// Writes the whole report as JSON to `--report FILE` when asked, and shows the first errors and warnings, each with
/// its row and field, on standard error.
pub(crate) fn show_report(
    path: Option<&std::path::Path>,
    report: &impl serde::Serialize,
    errors: &[hrc_db::import::FieldError],
    warnings: &[hrc_db::import::FieldError],
) -> anyhow::Result<()> {
    if let Some(path) = path {
        let json = serde_json::to_string_pretty(report)?;
        std::fs::write(path, json).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    }
    for (label, list) in [("error", errors), ("warning", warnings)] {
        for e in list.iter().take(SHOWN) {
            eprintln!("{label}: row {}, {}: {}", e.row, e.field, e.message);
        }
        if list.len() > SHOWN {
            eprintln!("… and {} more {label}s (--report FILE writes them all)", list.len() - SHOWN);
        }
    }
    Ok(())
}

fn persisted_queries(action: PersistedAction) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    prepare_database(&settings, false)?;
    let db = crate::startup::connect_pool(&settings)?;
    match action {
        PersistedAction::Add { paths } => {
            for path in paths {
                let added = crate::caching::register_files(&db, &path)?;
                println!("{}: {added} new", path.display());
            }
            if let Ok(mut conn) = db.get() {
                announce_change(&mut conn);
            }
        }
        PersistedAction::List => {
            let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
            for (hash, _, source) in hrc_db::models::persisted::all(&mut conn)? {
                println!("{hash}  {source}");
            }
        }
    }
    Ok(())
}

/// Tells running servers that data changed, so that they empty their caches of public answers: on PostgreSQL by
/// the events channel. (On SQLite a server cannot hear another process; its cache expires within
/// `HRC_RESPONSE_CACHE_SECONDS`.)
pub(crate) fn announce_change(conn: &mut hrc_db::DbConnection) {
    use diesel::RunQueryDsl;
    if conn.backend() != hrc_db::Backend::Postgres {
        return;
    }
    let Ok(payload) = serde_json::to_string(&hrc_schema::events::Event::DataChanged { origin: 0 }) else { return };
    let sent = diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(hrc_schema::events::CHANNEL)
        .bind::<diesel::sql_types::Text, _>(payload)
        .execute(conn);
    if let Err(e) = sent {
        tracing::warn!(error = %e, "running servers could not be told of the change");
    }
}

/// The bind address with the port actually bound (port 0 binds a free one).
fn with_port(bind: &str, port: u16) -> String {
    match bind.rsplit_once(':') {
        Some((host, _)) => format!("{host}:{port}"),
        None => format!("{bind}:{port}"),
    }
}

fn migrate(seed: bool) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let prepared = prepare_database(&settings, seed)?;
    if prepared.migrations.is_empty() {
        println!("migrations: none pending");
    } else {
        println!("migrations applied: {}", prepared.migrations.join(", "));
    }
    if seed {
        if let Ok(mut conn) = hrc_db::connection::establish(&settings.database_url) {
            announce_change(&mut conn);
        }
        let s = prepared.seed;
        println!(
            "seed data: {} inserted, {} updated, {} deleted, {} unchanged",
            s.inserted, s.updated, s.deleted, s.unchanged
        );
    }
    Ok(())
}

fn generate_demo(scale: usize, seed: u64) -> anyhow::Result<()> {
    if scale == 0 || scale > 5_000_000 {
        anyhow::bail!("--scale must be between 1 and 5000000");
    }
    let settings = Settings::from_env()?;
    let mut conn = hrc_db::connection::establish(&settings.database_url)?;
    let started = std::time::Instant::now();
    let report = hrc_db::demo::load(&mut conn, hrc_db::demo::DemoSettings { recommendations: scale, seed })?;
    announce_change(&mut conn);
    if report.already_loaded {
        println!(
            "demo data for seed {seed} is already loaded ({} recommendations): nothing added",
            report.recommendations
        );
    } else {
        println!(
            "demo data (FICTIONAL, seed {seed}): {} recommendations, {} SDG links, {} thesaurus links, {} implementation reports, {} visits, {} communications, {} national mechanisms, {} knowledge-hub entries in {:.1} s",
            report.recommendations,
            report.sdg_links,
            report.term_links,
            report.implementation_reports,
            report.visits,
            report.communications,
            report.national_mechanisms,
            report.knowledge_items,
            started.elapsed().as_secs_f64()
        );
    }
    // A fictional pipeline of fund requests, for dashboard teams.
    let fund = hrc_db::models::fund::demo(&mut conn, seed)
        .map_err(|e| anyhow::anyhow!("generating the fictional fund pipeline: {e:?}"))?;
    if fund.already_loaded {
        println!("the fictional fund pipeline is already loaded: nothing added");
    } else {
        println!(
            "fund pipeline (FICTIONAL): {} requests in every status, {} reviews, {} disbursements",
            fund.requests, fund.reviews, fund.disbursements
        );
    }
    // Fictional early-warning signals and briefings, reprisal cases and roster experts, for staff dashboards.
    let signals = hrc_db::models::early_warning::demo(&mut conn, seed)
        .map_err(|e| anyhow::anyhow!("generating the fictional early-warning signals: {e:?}"))?;
    if signals.already_loaded {
        println!("fictional early-warning signals are already loaded: nothing added");
    } else {
        println!(
            "early warning (FICTIONAL): {} signals ({} verified), {} horizon-scanning briefings",
            signals.signals, signals.verified, signals.briefings
        );
    }
    let cases = hrc_db::models::reprisal::demo(&mut conn, seed)
        .map_err(|e| anyhow::anyhow!("generating the fictional reprisal cases: {e:?}"))?;
    if cases.already_loaded {
        println!("fictional reprisal cases are already loaded: nothing added");
    } else {
        println!("reprisal cases (FICTIONAL): {} cases, {} published with consent", cases.cases, cases.published);
    }
    let roster = hrc_db::models::roster::demo(&mut conn, seed)
        .map_err(|e| anyhow::anyhow!("generating the fictional roster of experts: {e:?}"))?;
    if roster.already_loaded {
        println!("fictional roster experts are already loaded: nothing added");
    } else {
        println!("roster of experts (FICTIONAL): {} experts, {} deployments", roster.experts, roster.deployments);
    }
    // Fictional complaint communications in the confidential store, so that its workflow can be tried.
    let countries = hrc_db::models::Country::iso_codes(&mut conn)?;
    let mut store = hrc_db::confidential::establish(&settings.confidential_database_url)?;
    let complaints = hrc_db::confidential::demo(&mut store, seed, &countries)
        .map_err(|e| anyhow::anyhow!("generating the fictional complaint communications: {e:?}"))?;
    if complaints.already_loaded {
        println!("fictional complaint communications are already in the confidential store: nothing added");
    } else {
        println!(
            "confidential store (FICTIONAL): {} complaint communications, {} situations",
            complaints.communications, complaints.situations
        );
    }
    Ok(())
}

fn token(subject: &str, roles: &[String], country: Option<&str>, ttl: i64) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    for role in roles {
        if Role::parse(role).is_none() {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            anyhow::bail!("unknown role {role:?}; known roles: {}", known.join(", "));
        }
    }
    if country.is_none() {
        if let Some(role) = roles.iter().filter_map(|r| Role::parse(r)).find(|r| r.is_state_scoped()) {
            anyhow::bail!("role {} acts for a State: give --country ISO3", role.as_str());
        }
    }
    if !(1..=31 * 24 * 3600).contains(&ttl) {
        anyhow::bail!("--ttl must be between 1 second and 31 days");
    }
    let (auth, _) = settings.authenticator()?;
    let token = auth
        .issue(subject, roles, country.map(str::to_ascii_uppercase).as_deref(), ttl)
        .ok_or_else(|| anyhow::anyhow!("the configured key cannot sign tokens"))??;
    println!("{token}");
    Ok(())
}
