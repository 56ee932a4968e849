//! The confidential complaint procedure's store (Council resolution 5/1, part IV): communications, their authors,
//! situations, the working groups' and the Council's decisions, and the audit log of every read and write.
//!
//! It is kept apart at every layer. On PostgreSQL its tables live in the schema [`PG_SCHEMA`], owned by a database
//! role of its own that the API's ordinary role cannot use; on SQLite they live in a file of their own. It is reached
//! only through [`ConfidentialStore`], a pool of its own (`CONFIDENTIAL_DATABASE_URL`), which only the schema served
//! to complaint roles holds. Every function here that reads or writes confidential rows takes an [`Audit`] and writes
//! exactly one audit record in the same transaction: no read without its record.

pub mod schema;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use self::schema::{
    complaint_audit_log, complaint_authors, complaint_communications, complaint_council_decisions, complaint_events,
    complaint_situations,
};
use crate::connection::{Backend, MultiBackend};
use crate::models::page::keyset_page;
use crate::models::{text_enum, Page, PageRequest};
use crate::{Database, DbConnection, DbError, PoolSettings};

/// The PostgreSQL schema of the store.
pub const PG_SCHEMA: &str = "complaints";
/// What every PostgreSQL connection of the store runs first.
pub(crate) const PG_SEARCH_PATH: &str = "SET search_path TO complaints";

/// An arbitrary constant naming the advisory lock held while the store migrates.
const MIGRATION_LOCK: i64 = 0x4852_435f_434f_4e46;

const MIGRATIONS_POSTGRES: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../migrations/confidential/postgres");
const MIGRATIONS_SQLITE: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../migrations/confidential/sqlite");

text_enum!(
    /// Where a communication stands in the procedure.
    CommunicationStatus {
        Received = "RECEIVED",
        ScreenedOut = "SCREENED_OUT",
        TransmittedToState = "TRANSMITTED_TO_STATE",
        StateReplied = "STATE_REPLIED",
        AssessedByWgc = "ASSESSED_BY_WGC",
        ReferredToWgs = "REFERRED_TO_WGS",
        Discontinued = "DISCONTINUED",
        KeptUnderReview = "KEPT_UNDER_REVIEW",
        InformationRequested = "INFORMATION_REQUESTED",
        ReferredToCouncil = "REFERRED_TO_COUNCIL",
    }
);

impl CommunicationStatus {
    /// The statuses a communication may move to from this one (DESIGN.md's workflow).
    pub fn next(self) -> &'static [CommunicationStatus] {
        use CommunicationStatus::*;
        match self {
            Received => &[ScreenedOut, TransmittedToState],
            // The Working Group on Communications may assess a communication whose State has not replied in time.
            TransmittedToState => &[StateReplied, AssessedByWgc],
            StateReplied => &[AssessedByWgc],
            AssessedByWgc => &[ReferredToWgs, Discontinued],
            ReferredToWgs => &[Discontinued, KeptUnderReview, InformationRequested, ReferredToCouncil],
            KeptUnderReview => &[Discontinued, InformationRequested, ReferredToCouncil],
            InformationRequested => &[Discontinued, KeptUnderReview, ReferredToCouncil],
            ScreenedOut | Discontinued | ReferredToCouncil => &[],
        }
    }
}

text_enum!(
    /// Who submitted a communication.
    AuthorKind { Individual = "INDIVIDUAL", Group = "GROUP", Ngo = "NON_GOVERNMENTAL_ORGANIZATION" }
);

text_enum!(
    /// Where a situation stands: before the Working Group on Situations, then before the Council.
    SituationStatus {
        UnderWgsReview = "UNDER_WGS_REVIEW",
        ReferredToCouncil = "REFERRED_TO_COUNCIL",
        KeptUnderReviewByCouncil = "KEPT_UNDER_REVIEW_BY_COUNCIL",
        DiscontinuedByCouncil = "DISCONTINUED_BY_COUNCIL",
        IndependentExpertAppointed = "INDEPENDENT_EXPERT_APPOINTED",
        TakenUpPublicly = "TAKEN_UP_PUBLICLY",
    }
);

impl SituationStatus {
    /// Whether the Council may (still) decide on a situation in this status.
    pub fn awaits_council(self) -> bool {
        matches!(self, SituationStatus::ReferredToCouncil | SituationStatus::KeptUnderReviewByCouncil)
    }
}

text_enum!(
    /// The Council's decision on a situation referred to it (resolution 5/1 para 109).
    CouncilDecision {
        Discontinue = "DISCONTINUE",
        KeepUnderReview = "KEEP_UNDER_REVIEW",
        AppointIndependentExpert = "APPOINT_INDEPENDENT_EXPERT",
        TakeUpPublicly = "TAKE_UP_PUBLICLY",
    }
);

impl CouncilDecision {
    /// The status a situation takes with this decision.
    pub fn status(self) -> SituationStatus {
        match self {
            CouncilDecision::Discontinue => SituationStatus::DiscontinuedByCouncil,
            CouncilDecision::KeepUnderReview => SituationStatus::KeptUnderReviewByCouncil,
            CouncilDecision::AppointIndependentExpert => SituationStatus::IndependentExpertAppointed,
            CouncilDecision::TakeUpPublicly => SituationStatus::TakenUpPublicly,
        }
    }
}

/// A pool over the confidential store, apart from the public database's pool.
#[derive(Clone, Debug)]
pub struct ConfidentialStore {
    db: Database,
}

impl ConfidentialStore {
    /// The store's pool now: (open, idle, most it may open).
    pub fn pool_state(&self) -> (u32, u32, u32) {
        self.db.pool_state()
    }

    /// Builds the store's pool; on PostgreSQL each connection works in [`PG_SCHEMA`].
    pub fn connect(url: &str, settings: &PoolSettings) -> Result<ConfidentialStore, DbError> {
        Ok(ConfidentialStore { db: Database::connect_with(url, settings, Some(PG_SEARCH_PATH))? })
    }

    /// The pool, to run work on.
    pub fn database(&self) -> &Database {
        &self.db
    }
}

/// Opens one connection to the store (working in [`PG_SCHEMA`] on PostgreSQL).
pub fn establish(url: &str) -> Result<DbConnection, DbError> {
    let mut conn = crate::connection::establish(url).map_err(|e| DbError::Unavailable(e.to_string()))?;
    if let DbConnection::Pg(pg) = &mut conn {
        pg.batch_execute(PG_SEARCH_PATH)?;
    }
    Ok(conn)
}

/// Why the store cannot be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(
        "the confidential store's role cannot create the schema {PG_SCHEMA:?}: create it owned by that role \
         (CREATE SCHEMA {PG_SCHEMA} AUTHORIZATION <role>), see the README"
    )]
    NoSchema,
    #[error("migrating the confidential store: {0}")]
    Migration(String),
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Whether the connection's role may use the PostgreSQL schema of the store (false where it does not exist).
pub fn can_use_pg_schema(conn: &mut DbConnection) -> QueryResult<bool> {
    let DbConnection::Pg(_) = conn else { return Ok(false) };
    let row: Exists = diesel::sql_query(format!(
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{PG_SCHEMA}') \
         AND has_schema_privilege(current_user, '{PG_SCHEMA}', 'USAGE') AS exists"
    ))
    .get_result(conn)?;
    Ok(row.exists)
}

/// Makes the store ready: on PostgreSQL the schema (created if missing and the role may), then the pending
/// migrations. Returns the migrations applied.
pub fn prepare(url: &str) -> Result<Vec<String>, PrepareError> {
    use diesel_migrations::MigrationHarness;
    let mut conn = crate::connection::establish(url).map_err(|e| DbError::Unavailable(e.to_string()))?;
    let migration = |e: Box<dyn std::error::Error + Send + Sync>| PrepareError::Migration(e.to_string());
    match &mut conn {
        DbConnection::Pg(pg) => {
            let row: Exists = diesel::sql_query(format!(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{PG_SCHEMA}') AS exists"
            ))
            .get_result(pg)
            .map_err(DbError::from)?;
            if !row.exists {
                pg.batch_execute(&format!("CREATE SCHEMA {PG_SCHEMA}")).map_err(|_| PrepareError::NoSchema)?;
            }
            pg.batch_execute(PG_SEARCH_PATH).map_err(DbError::from)?;
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).map_err(DbError::from)?;
            let applied =
                pg.run_pending_migrations(MIGRATIONS_POSTGRES).map(|v| v.iter().map(ToString::to_string).collect());
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).map_err(DbError::from)?;
            applied.map_err(migration)
        }
        DbConnection::Sqlite(lite) => lite
            .run_pending_migrations(MIGRATIONS_SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect())
            .map_err(migration),
    }
}

/// Who is reading or writing, for the audit log.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The token subject.
    pub actor: String,
    /// The caller's roles, comma-separated.
    pub roles: String,
    /// The request id the application log also carries.
    pub request_id: String,
}

impl Audit {
    /// Writes one audit record: what was done to which records (by reference, never by content).
    fn record(&self, conn: &mut DbConnection, action: &str, entity: &str, keys: &[&str]) -> QueryResult<()> {
        diesel::insert_into(complaint_audit_log::table)
            .values((
                complaint_audit_log::occurred_at.eq(now()),
                complaint_audit_log::actor.eq(&self.actor),
                complaint_audit_log::roles.eq(&self.roles),
                complaint_audit_log::request_id.eq(&self.request_id),
                complaint_audit_log::action.eq(action),
                complaint_audit_log::entity.eq(entity),
                complaint_audit_log::entity_keys.eq(keys.join(",")),
            ))
            .execute(conn)
            .map(drop)
    }
}

fn now() -> NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

/// Runs `work` and its audit record in one transaction. On SQLite the transaction takes the write lock first (an
/// audited read writes), so that it queues behind another writer instead of failing.
fn audited<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, WorkflowError>,
) -> Result<T, WorkflowError> {
    conn.transaction(|conn| {
        if conn.backend() == Backend::Sqlite {
            diesel::sql_query("UPDATE complaint_audit_log SET id = id WHERE 1 = 0").execute(conn)?;
        }
        work(conn)
    })
}

/// Why a confidential read or write did not happen.
#[derive(Debug)]
pub enum WorkflowError {
    /// No record the caller may see has that reference.
    NotFound,
    /// Another update landed first.
    Stale {
        current: i32,
    },
    /// The transition is not allowed from the record's current status.
    Transition {
        from: &'static str,
        to: &'static str,
        allowed: Vec<&'static str>,
    },
    /// Input that contradicts the store (such as communications of different States).
    Invalid {
        field: &'static str,
        message: String,
    },
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for WorkflowError {
    fn from(e: diesel::result::Error) -> Self {
        WorkflowError::Database(e)
    }
}

/// A communication, without its author's identity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_communications)]
pub struct Communication {
    pub id: i64,
    pub reference: String,
    pub received_on: NaiveDate,
    pub author_kind: String,
    pub country_iso3: String,
    pub rights_alleged: String,
    pub summary: String,
    pub status: String,
    pub situation_id: Option<i64>,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Communication {
    pub fn status(&self) -> CommunicationStatus {
        CommunicationStatus::from_db(&self.status)
    }

    /// The rights alleged, one per stored line.
    pub fn rights(&self) -> Vec<String> {
        self.rights_alleged.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }
}

/// An author's identity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_authors)]
pub struct Author {
    pub communication_id: i64,
    pub name: String,
    pub contact: String,
}

/// A situation: communications concerning one State that reveal a consistent pattern.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_situations)]
pub struct Situation {
    pub id: i64,
    pub reference: String,
    pub country_iso3: String,
    pub status: String,
    pub summary: String,
    pub opened_on: NaiveDate,
    pub referred_on: Option<NaiveDate>,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Situation {
    pub fn status(&self) -> SituationStatus {
        SituationStatus::from_db(&self.status)
    }
}

/// A transition of a communication or a situation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_events)]
pub struct Event {
    pub id: i64,
    pub communication_id: Option<i64>,
    pub situation_id: Option<i64>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub occurred_at: NaiveDateTime,
    pub note: String,
}

/// A Council decision on a situation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_council_decisions)]
pub struct Decision {
    pub id: i64,
    pub situation_id: i64,
    pub decision: String,
    pub decided_on: NaiveDate,
    pub session_number: Option<i32>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// An audit record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_audit_log)]
pub struct AuditRecord {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub roles: String,
    pub request_id: String,
    pub action: String,
    pub entity: String,
    pub entity_keys: String,
}

/// Filters on the list of communications.
#[derive(Debug, Clone, Default)]
pub struct CommunicationFilter {
    pub status: Option<CommunicationStatus>,
    pub country_iso3: Option<String>,
    pub received_year: Option<i32>,
    /// Only those of the situation with this reference.
    pub situation_reference: Option<String>,
}

fn communications_filtered(
    filter: &CommunicationFilter,
) -> complaint_communications::BoxedQuery<'static, MultiBackend> {
    let mut query = complaint_communications::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(complaint_communications::status.eq(status.as_str()));
    }
    if let Some(iso) = &filter.country_iso3 {
        query = query.filter(complaint_communications::country_iso3.eq(iso.clone()));
    }
    if let Some(year) = filter.received_year {
        let (from, to) = year_bounds(year);
        query = query
            .filter(complaint_communications::received_on.ge(from))
            .filter(complaint_communications::received_on.lt(to));
    }
    if let Some(reference) = &filter.situation_reference {
        let situation = complaint_situations::table
            .filter(complaint_situations::reference.eq(reference.clone()))
            .select(complaint_situations::id.nullable());
        query = query.filter(complaint_communications::situation_id.eq_any(situation));
    }
    query
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let to = NaiveDate::from_ymd_opt(year.saturating_add(1), 1, 1).unwrap_or(NaiveDate::MAX);
    (from, to)
}

/// Filters on the list of situations.
#[derive(Debug, Clone, Default)]
pub struct SituationFilter {
    pub status: Option<SituationStatus>,
    pub country_iso3: Option<String>,
    /// Only situations referred to the Council (all the Council's Bureau may see).
    pub referred_only: bool,
}

fn situations_filtered(filter: &SituationFilter) -> complaint_situations::BoxedQuery<'static, MultiBackend> {
    let mut query = complaint_situations::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(complaint_situations::status.eq(status.as_str()));
    }
    if let Some(iso) = &filter.country_iso3 {
        query = query.filter(complaint_situations::country_iso3.eq(iso.clone()));
    }
    if filter.referred_only {
        query = query.filter(complaint_situations::referred_on.is_not_null());
    }
    query
}

fn references<T>(rows: &[T], reference: impl Fn(&T) -> &str) -> Vec<&str> {
    rows.iter().map(reference).collect()
}

/// One keyset page of a confidential table's filtered query, and its audit record naming the rows read, in one
/// transaction.
macro_rules! audited_page {
    ($conn:expr, $audit:expr, $query:expr, $table:ident, $row:ty, $entity:literal, $page:expr) => {
        audited($conn, |conn| {
            let page: Page<$row> =
                keyset_page!(conn, $query.select(<$row>::as_select()), $table::id, $table::updated_at, $page)
                    .map_err(WorkflowError::Database)?;
            $audit.record(conn, "read", $entity, &references(&page.rows, |r| &r.reference))?;
            Ok(page)
        })
    };
}

/// A page of communications; audited as one read.
pub fn communication_page(
    conn: &mut DbConnection,
    audit: &Audit,
    filter: &CommunicationFilter,
    page: &PageRequest,
) -> Result<Page<Communication>, WorkflowError> {
    let query = communications_filtered(filter);
    audited_page!(conn, audit, query, complaint_communications, Communication, "ComplaintCommunication", page)
}

/// Communications per status; audited.
pub fn communication_counts_by_status(
    conn: &mut DbConnection,
    audit: &Audit,
    filter: &CommunicationFilter,
) -> Result<Vec<(String, i64)>, WorkflowError> {
    audited(conn, |conn| {
        // The store holds thousands of communications, not millions: counting the statuses read is enough, and
        // keeps the filter in one place.
        let statuses: Vec<String> =
            communications_filtered(filter).select(complaint_communications::status).load(conn)?;
        let mut counts = std::collections::BTreeMap::<String, i64>::new();
        for status in statuses {
            *counts.entry(status).or_default() += 1;
        }
        let rows: Vec<(String, i64)> = counts.into_iter().collect();
        audit.record(conn, "count", "ComplaintCommunication", &[])?;
        Ok(rows)
    })
}

/// One communication by reference; audited whether or not it exists.
pub fn communication(
    conn: &mut DbConnection,
    audit: &Audit,
    reference: &str,
) -> Result<Option<Communication>, WorkflowError> {
    audited(conn, |conn| {
        let row = communication_by_reference(conn, reference)?;
        audit.record(conn, "read", "ComplaintCommunication", &[reference])?;
        Ok(row)
    })
}

fn communication_by_reference(conn: &mut DbConnection, reference: &str) -> QueryResult<Option<Communication>> {
    complaint_communications::table
        .filter(complaint_communications::reference.eq(reference))
        .select(Communication::as_select())
        .first(conn)
        .optional()
}

fn communication_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Communication> {
    complaint_communications::table.find(id).select(Communication::as_select()).first(conn)
}

/// The author of a communication; audited.
pub fn author(
    conn: &mut DbConnection,
    audit: &Audit,
    communication: &Communication,
) -> Result<Option<Author>, WorkflowError> {
    audited(conn, |conn| {
        let row = complaint_authors::table.find(communication.id).select(Author::as_select()).first(conn).optional()?;
        audit.record(conn, "read", "ComplaintAuthor", &[&communication.reference])?;
        Ok(row)
    })
}

/// The transitions of a communication or a situation, oldest first; audited.
pub fn events(
    conn: &mut DbConnection,
    audit: &Audit,
    communication: Option<&Communication>,
    situation: Option<&Situation>,
) -> Result<Vec<Event>, WorkflowError> {
    audited(conn, |conn| {
        let mut query = complaint_events::table.into_boxed();
        let reference = match (communication, situation) {
            (Some(c), _) => {
                query = query.filter(complaint_events::communication_id.eq(c.id));
                &c.reference
            }
            (None, Some(s)) => {
                query = query.filter(complaint_events::situation_id.eq(s.id));
                &s.reference
            }
            (None, None) => return Ok(Vec::new()),
        };
        let rows = query.order(complaint_events::id).select(Event::as_select()).load(conn)?;
        audit.record(conn, "read", "ComplaintEvent", &[reference])?;
        Ok(rows)
    })
}

/// A page of situations; audited as one read.
pub fn situation_page(
    conn: &mut DbConnection,
    audit: &Audit,
    filter: &SituationFilter,
    page: &PageRequest,
) -> Result<Page<Situation>, WorkflowError> {
    let query = situations_filtered(filter);
    audited_page!(conn, audit, query, complaint_situations, Situation, "ComplaintSituation", page)
}

/// One situation by reference, if the filter lets the caller see it; audited whether or not it exists.
pub fn situation(
    conn: &mut DbConnection,
    audit: &Audit,
    reference: &str,
    filter: &SituationFilter,
) -> Result<Option<Situation>, WorkflowError> {
    audited(conn, |conn| {
        let row = situations_filtered(filter)
            .filter(complaint_situations::reference.eq(reference.to_owned()))
            .select(Situation::as_select())
            .first(conn)
            .optional()?;
        audit.record(conn, "read", "ComplaintSituation", &[reference])?;
        Ok(row)
    })
}

/// The situation of a communication; audited.
pub fn situation_of(
    conn: &mut DbConnection,
    audit: &Audit,
    communication: &Communication,
) -> Result<Option<Situation>, WorkflowError> {
    let Some(id) = communication.situation_id else { return Ok(None) };
    audited(conn, |conn| {
        let row = complaint_situations::table.find(id).select(Situation::as_select()).first(conn).optional()?;
        audit.record(conn, "read", "ComplaintSituation", &[&communication.reference])?;
        Ok(row)
    })
}

/// The communications of a situation; audited.
pub fn communications_of(
    conn: &mut DbConnection,
    audit: &Audit,
    situation: &Situation,
) -> Result<Vec<Communication>, WorkflowError> {
    audited(conn, |conn| {
        let rows = complaint_communications::table
            .filter(complaint_communications::situation_id.eq(situation.id))
            .order(complaint_communications::id)
            .select(Communication::as_select())
            .load(conn)?;
        audit.record(conn, "read", "ComplaintCommunication", &references(&rows, |c| &c.reference))?;
        Ok(rows)
    })
}

/// The Council's decisions on a situation, oldest first; audited.
pub fn decisions(
    conn: &mut DbConnection,
    audit: &Audit,
    situation: &Situation,
) -> Result<Vec<Decision>, WorkflowError> {
    audited(conn, |conn| {
        let rows = complaint_council_decisions::table
            .filter(complaint_council_decisions::situation_id.eq(situation.id))
            .order(complaint_council_decisions::id)
            .select(Decision::as_select())
            .load(conn)?;
        audit.record(conn, "read", "ComplaintCouncilDecision", &[&situation.reference])?;
        Ok(rows)
    })
}

/// Filters on the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub request_id: Option<String>,
}

/// A page of the audit log, newest first unless the page says otherwise. Reading the log is itself recorded, before
/// the read, so the page shows it.
pub fn audit_page(
    conn: &mut DbConnection,
    audit: &Audit,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<AuditRecord>, WorkflowError> {
    audited(conn, |conn| {
        audit.record(conn, "read", "ComplaintAuditLog", &[])?;
        let mut query = complaint_audit_log::table.into_boxed();
        if let Some(actor) = &filter.actor {
            query = query.filter(complaint_audit_log::actor.eq(actor.clone()));
        }
        if let Some(id) = &filter.request_id {
            query = query.filter(complaint_audit_log::request_id.eq(id.clone()));
        }
        // The log has no `updated_at`: its records never change, so `occurred_at` serves.
        let page: Page<AuditRecord> = keyset_page!(
            conn,
            query.select(AuditRecord::as_select()),
            complaint_audit_log::id,
            complaint_audit_log::occurred_at,
            page
        )
        .map_err(WorkflowError::Database)?;
        Ok(page)
    })
}

/// A communication to register.
#[derive(Debug, Clone)]
pub struct NewCommunication {
    pub received_on: NaiveDate,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub author_contact: String,
    pub country_iso3: String,
    pub rights_alleged: Vec<String>,
    pub summary: String,
    pub fictional: bool,
}

/// A transition to record.
struct Transition<'a> {
    communication_id: Option<i64>,
    situation_id: Option<i64>,
    from: Option<&'a str>,
    to: &'a str,
    note: &'a str,
}

fn record_event(conn: &mut DbConnection, audit: &Audit, at: NaiveDateTime, t: Transition<'_>) -> QueryResult<()> {
    let Transition { communication_id, situation_id, from, to, note } = t;
    let actor = &audit.actor;
    diesel::insert_into(complaint_events::table)
        .values((
            complaint_events::communication_id.eq(communication_id),
            complaint_events::situation_id.eq(situation_id),
            complaint_events::from_status.eq(from),
            complaint_events::to_status.eq(to),
            complaint_events::actor.eq(actor),
            complaint_events::occurred_at.eq(at),
            complaint_events::note.eq(note),
        ))
        .execute(conn)
        .map(drop)
}

/// A reference unique until the row's id is known.
fn provisional_reference() -> String {
    format!("provisional:{:016x}", rand::random::<u64>())
}

/// Registers a received communication with its author; its reference is `CC/<year received>/<number>` (`DEMO-` in
/// front for demonstration data). Audited.
pub fn register_communication(
    conn: &mut DbConnection,
    audit: &Audit,
    new: &NewCommunication,
) -> Result<Communication, WorkflowError> {
    audited(conn, |conn| {
        let at = now();
        let provisional = provisional_reference();
        diesel::insert_into(complaint_communications::table)
            .values((
                complaint_communications::reference.eq(&provisional),
                complaint_communications::received_on.eq(new.received_on),
                complaint_communications::author_kind.eq(new.author_kind.as_str()),
                complaint_communications::country_iso3.eq(&new.country_iso3),
                complaint_communications::rights_alleged.eq(new.rights_alleged.join("\n")),
                complaint_communications::summary.eq(&new.summary),
                complaint_communications::status.eq(CommunicationStatus::Received.as_str()),
                complaint_communications::fictional.eq(new.fictional),
                complaint_communications::created_at.eq(at),
                complaint_communications::updated_at.eq(at),
            ))
            .execute(conn)?;
        let id: i64 = complaint_communications::table
            .filter(complaint_communications::reference.eq(&provisional))
            .select(complaint_communications::id)
            .first(conn)?;
        let prefix = if new.fictional { "DEMO-CC" } else { "CC" };
        let reference = format!("{prefix}/{}/{id:05}", new.received_on.year());
        diesel::update(complaint_communications::table.find(id))
            .set(complaint_communications::reference.eq(&reference))
            .execute(conn)?;
        diesel::insert_into(complaint_authors::table)
            .values((
                complaint_authors::communication_id.eq(id),
                complaint_authors::name.eq(&new.author_name),
                complaint_authors::contact.eq(&new.author_contact),
            ))
            .execute(conn)?;
        record_event(
            conn,
            audit,
            at,
            Transition {
                communication_id: Some(id),
                situation_id: None,
                from: None,
                to: CommunicationStatus::Received.as_str(),
                note: "",
            },
        )?;
        audit.record(conn, "register", "ComplaintCommunication", &[&reference])?;
        Ok(communication_by_id(conn, id)?)
    })
}

/// Moves a communication to `to` if the workflow allows it from its current status and its version is still
/// `expected`. Referred to the Working Group on Situations, it joins its State's situation under that group's review
/// (opened if there is none); referred to the Council, its situation is referred too. Audited.
pub fn move_communication(
    conn: &mut DbConnection,
    audit: &Audit,
    reference: &str,
    expected: i32,
    to: CommunicationStatus,
    note: &str,
) -> Result<Communication, WorkflowError> {
    audited(conn, |conn| {
        let at = now();
        let current = communication_by_reference(conn, reference)?.ok_or(WorkflowError::NotFound)?;
        if current.version != expected {
            return Err(WorkflowError::Stale { current: current.version });
        }
        let from = current.status();
        if !from.next().contains(&to) {
            return Err(WorkflowError::Transition {
                from: from.as_str(),
                to: to.as_str(),
                allowed: from.next().iter().map(|s| s.as_str()).collect(),
            });
        }
        let mut situation_id = current.situation_id;
        if to == CommunicationStatus::ReferredToWgs && situation_id.is_none() {
            situation_id = Some(open_situation(conn, audit, &current.country_iso3, current.fictional, at)?);
        }
        if to == CommunicationStatus::ReferredToCouncil {
            if let Some(id) = situation_id {
                refer_situation(conn, audit, id, at, note)?;
            }
        }
        let updated = diesel::update(
            complaint_communications::table
                .filter(complaint_communications::id.eq(current.id))
                .filter(complaint_communications::version.eq(expected)),
        )
        .set((
            complaint_communications::status.eq(to.as_str()),
            complaint_communications::situation_id.eq(situation_id),
            complaint_communications::version.eq(expected.saturating_add(1)),
            complaint_communications::updated_at.eq(at),
        ))
        .execute(conn)?;
        if updated == 0 {
            let now_version = communication_by_id(conn, current.id)?.version;
            return Err(WorkflowError::Stale { current: now_version });
        }
        record_event(
            conn,
            audit,
            at,
            Transition {
                communication_id: Some(current.id),
                situation_id: None,
                from: Some(from.as_str()),
                to: to.as_str(),
                note,
            },
        )?;
        audit.record(conn, "transition", "ComplaintCommunication", &[reference])?;
        Ok(communication_by_id(conn, current.id)?)
    })
}

/// The situation under the Working Group on Situations' review for a State, opened if there is none.
fn open_situation(
    conn: &mut DbConnection,
    audit: &Audit,
    country_iso3: &str,
    fictional: bool,
    at: NaiveDateTime,
) -> Result<i64, WorkflowError> {
    let existing: Option<i64> = complaint_situations::table
        .filter(complaint_situations::country_iso3.eq(country_iso3))
        .filter(complaint_situations::status.eq(SituationStatus::UnderWgsReview.as_str()))
        .filter(complaint_situations::fictional.eq(fictional))
        .select(complaint_situations::id)
        .order(complaint_situations::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let provisional = provisional_reference();
    diesel::insert_into(complaint_situations::table)
        .values((
            complaint_situations::reference.eq(&provisional),
            complaint_situations::country_iso3.eq(country_iso3),
            complaint_situations::status.eq(SituationStatus::UnderWgsReview.as_str()),
            complaint_situations::summary.eq(""),
            complaint_situations::opened_on.eq(at.date()),
            complaint_situations::fictional.eq(fictional),
            complaint_situations::created_at.eq(at),
            complaint_situations::updated_at.eq(at),
        ))
        .execute(conn)?;
    let id: i64 = complaint_situations::table
        .filter(complaint_situations::reference.eq(&provisional))
        .select(complaint_situations::id)
        .first(conn)?;
    let prefix = if fictional { "DEMO-CS" } else { "CS" };
    let reference = format!("{prefix}/{}/{id:05}", at.date().year());
    diesel::update(complaint_situations::table.find(id))
        .set(complaint_situations::reference.eq(&reference))
        .execute(conn)?;
    record_event(
        conn,
        audit,
        at,
        Transition {
            communication_id: None,
            situation_id: Some(id),
            from: None,
            to: SituationStatus::UnderWgsReview.as_str(),
            note: "",
        },
    )?;
    Ok(id)
}

/// Refers a situation under the Working Group on Situations' review to the Council (no change if it already is).
fn refer_situation(
    conn: &mut DbConnection,
    audit: &Audit,
    id: i64,
    at: NaiveDateTime,
    note: &str,
) -> Result<(), WorkflowError> {
    let changed = diesel::update(
        complaint_situations::table
            .filter(complaint_situations::id.eq(id))
            .filter(complaint_situations::status.eq(SituationStatus::UnderWgsReview.as_str())),
    )
    .set((
        complaint_situations::status.eq(SituationStatus::ReferredToCouncil.as_str()),
        complaint_situations::referred_on.eq(Some(at.date())),
        complaint_situations::version.eq(complaint_situations::version + 1),
        complaint_situations::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed > 0 {
        record_event(
            conn,
            audit,
            at,
            Transition {
                communication_id: None,
                situation_id: Some(id),
                from: Some(SituationStatus::UnderWgsReview.as_str()),
                to: SituationStatus::ReferredToCouncil.as_str(),
                note,
            },
        )?;
    }
    Ok(())
}

/// Sets the Working Group on Situations' summary of a situation; audited.
pub fn summarise_situation(
    conn: &mut DbConnection,
    audit: &Audit,
    reference: &str,
    expected: i32,
    summary: &str,
) -> Result<Situation, WorkflowError> {
    audited(conn, |conn| {
        let at = now();
        let current = situation_by_reference(conn, reference)?.ok_or(WorkflowError::NotFound)?;
        if current.version != expected {
            return Err(WorkflowError::Stale { current: current.version });
        }
        diesel::update(complaint_situations::table.find(current.id))
            .set((
                complaint_situations::summary.eq(summary),
                complaint_situations::version.eq(expected.saturating_add(1)),
                complaint_situations::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit.record(conn, "summarise", "ComplaintSituation", &[reference])?;
        Ok(complaint_situations::table.find(current.id).select(Situation::as_select()).first(conn)?)
    })
}

fn situation_by_reference(conn: &mut DbConnection, reference: &str) -> QueryResult<Option<Situation>> {
    complaint_situations::table
        .filter(complaint_situations::reference.eq(reference))
        .select(Situation::as_select())
        .first(conn)
        .optional()
}

/// A Council decision to record.
#[derive(Debug, Clone)]
pub struct DecisionInput<'a> {
    /// The situation's version the caller read.
    pub expected: i32,
    pub decision: CouncilDecision,
    pub decided_on: NaiveDate,
    pub session_number: Option<i32>,
    pub note: &'a str,
}

/// Records the Council's decision on a situation referred to it; audited.
pub fn record_council_decision(
    conn: &mut DbConnection,
    audit: &Audit,
    reference: &str,
    input: DecisionInput<'_>,
) -> Result<Situation, WorkflowError> {
    let DecisionInput { expected, decision, decided_on, session_number, note } = input;
    audited(conn, |conn| {
        let at = now();
        let current = situation_by_reference(conn, reference)?.ok_or(WorkflowError::NotFound)?;
        if current.version != expected {
            return Err(WorkflowError::Stale { current: current.version });
        }
        let from = current.status();
        if !from.awaits_council() {
            return Err(WorkflowError::Transition {
                from: from.as_str(),
                to: decision.status().as_str(),
                allowed: Vec::new(),
            });
        }
        if current.referred_on.is_some_and(|r| decided_on < r) {
            return Err(WorkflowError::Invalid {
                field: "decidedOn",
                message: "the Council cannot decide before the situation was referred to it".into(),
            });
        }
        diesel::insert_into(complaint_council_decisions::table)
            .values((
                complaint_council_decisions::situation_id.eq(current.id),
                complaint_council_decisions::decision.eq(decision.as_str()),
                complaint_council_decisions::decided_on.eq(decided_on),
                complaint_council_decisions::session_number.eq(session_number),
                complaint_council_decisions::recorded_by.eq(&audit.actor),
                complaint_council_decisions::recorded_at.eq(at),
            ))
            .execute(conn)?;
        let to = decision.status();
        diesel::update(complaint_situations::table.find(current.id))
            .set((
                complaint_situations::status.eq(to.as_str()),
                complaint_situations::version.eq(expected.saturating_add(1)),
                complaint_situations::updated_at.eq(at),
            ))
            .execute(conn)?;
        record_event(
            conn,
            audit,
            at,
            Transition {
                communication_id: None,
                situation_id: Some(current.id),
                from: Some(from.as_str()),
                to: to.as_str(),
                note,
            },
        )?;
        audit.record(conn, "decide", "ComplaintSituation", &[reference])?;
        Ok(complaint_situations::table.find(current.id).select(Situation::as_select()).first(conn)?)
    })
}

/// What [`demo`] added.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub communications: usize,
    pub situations: usize,
    /// True when fictional communications were already there and nothing was added.
    pub already_loaded: bool,
}

/// Fictional, flagged communications (`DEMO-CC/…`, `fictional: true`, "FICTIONAL" in every text) walked through the
/// workflow, so that it can be tried; none is real and no real person is named. The same seed gives the same data;
/// a store the demo was loaded into once gets nothing more.
pub fn demo(conn: &mut DbConnection, seed: u64, countries: &[String]) -> Result<DemoReport, WorkflowError> {
    use rand::prelude::IndexedRandom;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use CommunicationStatus::*;

    const LOADER: &str = "demo-loader";
    // Loaded before if the loader's own transitions are there (fictional communications entered by hand for
    // training do not count).
    let existing: i64 = complaint_events::table.filter(complaint_events::actor.eq(LOADER)).count().get_result(conn)?;
    if existing > 0 || countries.is_empty() {
        return Ok(DemoReport { already_loaded: existing > 0, ..DemoReport::default() });
    }
    let audit = Audit { actor: LOADER.into(), roles: "demo".into(), request_id: format!("demo-seed-{seed}") };
    let mut rng = StdRng::seed_from_u64(seed);
    let rights = ["liberty and security of person", "freedom of expression", "fair trial", "freedom of assembly"];
    // Where each demonstration communication stops in the workflow, along the path that leads there.
    let paths: &[&[CommunicationStatus]] = &[
        &[],
        &[ScreenedOut],
        &[TransmittedToState],
        &[TransmittedToState, StateReplied],
        &[TransmittedToState, StateReplied, AssessedByWgc],
        &[TransmittedToState, StateReplied, AssessedByWgc, Discontinued],
        &[TransmittedToState, StateReplied, AssessedByWgc, ReferredToWgs],
        &[TransmittedToState, AssessedByWgc, ReferredToWgs, KeptUnderReview],
        &[TransmittedToState, StateReplied, AssessedByWgc, ReferredToWgs, InformationRequested],
        &[TransmittedToState, StateReplied, AssessedByWgc, ReferredToWgs, ReferredToCouncil],
    ];
    let mut report = DemoReport::default();
    // A few States, so that situations gather several communications.
    let states: Vec<&String> = countries.choose_multiple(&mut rng, 6.min(countries.len())).collect();
    for n in 1..=40 {
        let received_on =
            NaiveDate::from_ymd_opt(2021 + rng.random_range(0..4), rng.random_range(1..=12), rng.random_range(1..=28))
                .unwrap_or(NaiveDate::MIN);
        let how_many = rng.random_range(1..=2);
        let new = NewCommunication {
            received_on,
            author_kind: *AuthorKind::ALL.choose(&mut rng).unwrap_or(&AuthorKind::Individual),
            author_name: format!("FICTIONAL author {n:03}"),
            author_contact: format!("fictional-author-{n:03}@example.invalid"),
            country_iso3: states.choose(&mut rng).map(|s| s.to_string()).unwrap_or_default(),
            rights_alleged: rights.choose_multiple(&mut rng, how_many).map(|r| r.to_string()).collect(),
            summary: format!("FICTIONAL demonstration communication {n}: no real person, State conduct or case."),
            fictional: true,
        };
        let mut communication = register_communication(conn, &audit, &new)?;
        report.communications += 1;
        let path = paths.choose(&mut rng).copied().unwrap_or(&[]);
        for to in path {
            communication =
                move_communication(conn, &audit, &communication.reference, communication.version, *to, "FICTIONAL")?;
        }
    }
    report.situations =
        complaint_situations::table.filter(complaint_situations::fictional.eq(true)).count().get_result::<i64>(conn)?
            as usize;
    Ok(report)
}
