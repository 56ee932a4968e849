//! The command line: `serve` (the default), `migrate`, `seed`, `export-schema` and `token`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hrc_schema::auth::Role;

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
        Command::Token { sub, roles, country, ttl } => token(&sub, &roles, country.as_deref(), ttl),
    };
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
