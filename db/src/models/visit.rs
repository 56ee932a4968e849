//! Country visits of special-procedure mandates.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::sql::{BindValue, BucketRow, SqlWhere};
use super::Country;
use super::{Bucket, VisitStatus};
use crate::connection::MultiBackend;
use crate::schema::{countries, visits};
use crate::DbConnection;

/// A country visit: requested, then (perhaps) accepted, scheduled and completed, or postponed or declined.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visits)]
pub struct Visit {
    pub id: i64,
    pub key: String,
    pub mandate_id: i64,
    pub country_id: i64,
    pub status: String,
    pub requested_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub report_id: Option<i64>,
    pub fictional: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// [`Visit`]'s columns in its fields' order, from a subquery `v`, for the hand-written statements that read whole visits
/// by position.
const VISIT_COLUMNS: &str = "v.id, v.key, v.mandate_id, v.country_id, v.status, v.requested_on, v.starts_on, \
    v.ends_on, v.report_id, v.fictional, v.source, v.created_at, v.updated_at, v.version";

/// A mandate's visits latest first, as `Mandate.visits` lists them (by start date or, while unscheduled, request date;
/// undated last; then by id), over visits `v`: the order of the index `visits_mandate_latest_idx`.
const LATEST_FIRST: &str =
    "COALESCE(v.starts_on, v.requested_on) IS NULL, COALESCE(v.starts_on, v.requested_on) DESC, \
    v.id DESC";

/// A visit to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = visits)]
pub struct NewVisit {
    pub key: String,
    pub mandate_id: i64,
    pub country_id: i64,
    pub status: String,
    pub requested_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub report_id: Option<i64>,
    pub fictional: bool,
    pub source: String,
}

/// Fields a visit's update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = visits)]
pub struct VisitChanges {
    pub status: Option<String>,
    pub requested_on: Option<Option<NaiveDate>>,
    pub starts_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub report_id: Option<Option<i64>>,
}

/// Filters on the list of visits.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub mandate_id: Option<i64>,
    pub country_id: Option<i64>,
    pub status: Option<VisitStatus>,
    /// Visits that start in this year (or, not yet scheduled, were requested in it).
    pub year: Option<i32>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn filtered(filter: &VisitFilter) -> visits::BoxedQuery<'static, MultiBackend> {
    let mut query = visits::table.into_boxed();
    if let Some(id) = filter.mandate_id {
        query = query.filter(visits::mandate_id.eq(id));
    }
    if let Some(id) = filter.country_id {
        query = query.filter(visits::country_id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(visits::status.eq(status.as_str()));
    }
    if let Some(year) = filter.year {
        let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
        if let (Some(first), Some(last)) = (first, last) {
            query = query.filter(
                visits::starts_on
                    .between(first, last)
                    .or(visits::starts_on.is_null().and(visits::requested_on.between(first, last))),
            );
        }
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(visits::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(visits::updated_at.ge(since));
    }
    query
}

impl Visit {
    super::page::keyed_list!(Visit, visits, VisitFilter, filtered);
    pub fn status(&self) -> VisitStatus {
        VisitStatus::from_db(&self.status)
    }

    /// Records a visit, with its audit record.
    pub fn create(
        conn: &mut DbConnection,
        new: &NewVisit,
        audit: &crate::audit::Entry,
    ) -> Result<Visit, super::WriteError> {
        super::write::audited_insert!(conn, visits, Visit, &new.key, new, audit)
    }

    /// Applies changes if the row is still at `expected_version`, with its audit record.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected_version: i32,
        changes: &VisitChanges,
        audit: &crate::audit::Entry,
    ) -> Result<Visit, super::WriteError> {
        super::write::versioned_update!(conn, visits, Visit, key, expected_version, changes, audit)
    }

    /// The latest `n` visits of each of several mandates, in the order `Mandate.visits` lists them: by start date or,
    /// while unscheduled, request date, latest first, undated last, then by id, latest first. A page that shows five
    /// visits of each mandate reads those five, not every visit the mandate ever had. (The caller orders them: the
    /// rows come in no particular order.)
    pub fn first_of_mandates(conn: &mut DbConnection, mandate_ids: &[i64], n: usize) -> QueryResult<Vec<Visit>> {
        if mandate_ids.is_empty() || n == 0 {
            return Ok(Vec::new());
        }
        if conn.backend() == crate::Backend::Postgres {
            return Self::first_of_mandates_lateral(conn, mandate_ids, n);
        }
        visits::table.filter(LatestOfMandates::new(mandate_ids, n)).select(Visit::as_select()).load(conn)
    }

    /// [`Visit::first_of_mandates`] on PostgreSQL: for each mandate, its first `n` visits read from the index
    /// `visits_mandate_latest_idx` (a lateral join with a limit), where the window function sorted every visit of
    /// every mandate asked for. SQLite has no lateral join and keeps the window function.
    fn first_of_mandates_lateral(conn: &mut DbConnection, mandate_ids: &[i64], n: usize) -> QueryResult<Vec<Visit>> {
        let mut w = SqlWhere::new();
        let mandates: Vec<String> = mandate_ids
            .iter()
            .map(|id| format!("(CAST({} AS BIGINT))", w.placeholder(BindValue::BigInt(*id))))
            .collect();
        let limit = w.placeholder(BindValue::BigInt(i64::try_from(n).unwrap_or(i64::MAX)));
        let text = format!(
            "SELECT {VISIT_COLUMNS} FROM (VALUES {}) AS m(id) CROSS JOIN LATERAL (SELECT * FROM visits v \
             WHERE v.mandate_id = m.id ORDER BY {LATEST_FIRST} LIMIT {limit}) v",
            mandates.join(", ")
        );
        w.typed_query::<diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Visit, MultiBackend>>>(text).load(conn)
    }

    /// [`Visit::first_of_mandates`] with the visits' countries, read in the same statement (each country once).
    pub fn first_of_mandates_with_countries(
        conn: &mut DbConnection,
        mandate_ids: &[i64],
        n: usize,
    ) -> QueryResult<(Vec<Visit>, Vec<Country>)> {
        if mandate_ids.is_empty() || n == 0 {
            return Ok(Default::default());
        }
        let rows = visits::table
            .inner_join(countries::table.on(countries::id.eq(visits::country_id)))
            .filter(LatestOfMandates::new(mandate_ids, n))
            .select((Visit::as_select(), Country::as_select()))
            .load(conn)?;
        Ok(with_distinct_countries(rows))
    }

    /// The visits of several mandates at once, latest first within each (by start, then request date).
    pub fn of_mandates(conn: &mut DbConnection, mandate_ids: &[i64]) -> QueryResult<Vec<Visit>> {
        visits::table
            .filter(visits::mandate_id.eq_any(mandate_ids))
            .order((visits::mandate_id, visits::starts_on.desc(), visits::requested_on.desc(), visits::id.desc()))
            .select(Visit::as_select())
            .load(conn)
    }

    /// [`Visit::of_mandates`] with the visits' countries, read in the same statement (each country once).
    pub fn of_mandates_with_countries(
        conn: &mut DbConnection,
        mandate_ids: &[i64],
    ) -> QueryResult<(Vec<Visit>, Vec<Country>)> {
        let rows = visits::table
            .inner_join(countries::table.on(countries::id.eq(visits::country_id)))
            .filter(visits::mandate_id.eq_any(mandate_ids))
            .order((visits::mandate_id, visits::starts_on.desc(), visits::requested_on.desc(), visits::id.desc()))
            .select((Visit::as_select(), Country::as_select()))
            .load(conn)?;
        Ok(with_distinct_countries(rows))
    }
}

/// The condition that keeps the latest `n` visits of each mandate (see [`Visit::first_of_mandates`]). A window
/// function ranks each mandate's visits (both backends have them: PostgreSQL, and SQLite since 3.25).
///
/// The ids and `n` are bound, not written into the text, so that diesel keeps the statement prepared: one text for
/// every page of as many mandates, at most a hundred. Written into the text, each was a statement diesel would not
/// keep, which PostgreSQL parsed and planned on every run: 0.50 ms a run where the kept one takes 0.26 ms (pgbench).
struct LatestOfMandates {
    mandates: Vec<i64>,
    n: i64,
}

impl LatestOfMandates {
    fn new(mandate_ids: &[i64], n: usize) -> LatestOfMandates {
        LatestOfMandates { mandates: mandate_ids.to_vec(), n: i64::try_from(n).unwrap_or(i64::MAX) }
    }
}

impl diesel::Expression for LatestOfMandates {
    type SqlType = diesel::sql_types::Bool;
}

impl<GB> diesel::expression::ValidGrouping<GB> for LatestOfMandates {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for LatestOfMandates {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> diesel::AppearsOnTable<QS> for LatestOfMandates {}
impl<QS> diesel::SelectableExpression<QS> for LatestOfMandates {}

impl diesel::query_builder::QueryFragment<crate::connection::MultiBackend> for LatestOfMandates {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, crate::connection::MultiBackend>,
    ) -> QueryResult<()> {
        use diesel::sql_types::BigInt;
        out.push_sql(
            "visits.id IN (SELECT ranked.id FROM (SELECT v.id, ROW_NUMBER() OVER (PARTITION BY v.mandate_id ORDER BY ",
        );
        out.push_sql(LATEST_FIRST);
        out.push_sql(") AS place FROM visits v WHERE v.mandate_id IN (");
        for (i, id) in self.mandates.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_bind_param::<BigInt, _>(id)?;
        }
        out.push_sql(")) ranked WHERE ranked.place <= ");
        out.push_bind_param::<BigInt, _>(&self.n)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Joined rows split into the visits, in their order, and their countries, each once.
fn with_distinct_countries(rows: Vec<(Visit, Country)>) -> (Vec<Visit>, Vec<Country>) {
    let mut seen = std::collections::HashSet::new();
    let mut countries = Vec::new();
    let visits = rows
        .into_iter()
        .map(|(visit, country)| {
            if seen.insert(country.id) {
                countries.push(country);
            }
            visit
        })
        .collect();
    (visits, countries)
}

/// A dimension visits can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitDimension {
    Year,
    Status,
    Country,
    Mandate,
}

impl VisitDimension {
    /// One value per visit, as SQL over the `visits` row. The year is that of the start, or of the request while
    /// the visit is unscheduled, as the `year` filter reads it.
    fn expression(self, backend: crate::Backend) -> &'static str {
        match (self, backend) {
            (VisitDimension::Year, crate::Backend::Postgres) => {
                "CAST(EXTRACT(YEAR FROM COALESCE(visits.starts_on, visits.requested_on)) AS INTEGER)::TEXT"
            }
            (VisitDimension::Year, crate::Backend::Sqlite) => {
                "strftime('%Y', COALESCE(visits.starts_on, visits.requested_on))"
            }
            (VisitDimension::Status, _) => "visits.status",
            (VisitDimension::Country, _) => "(SELECT c.iso3 FROM countries c WHERE c.id = visits.country_id)",
            (VisitDimension::Mandate, _) => "(SELECT m.key FROM mandates m WHERE m.id = visits.mandate_id)",
        }
    }
}

impl VisitFilter {
    /// The filter as SQL on `visits`; it must select what [`filtered`] selects (a test compares the two).
    fn where_sql(&self, backend: crate::Backend) -> SqlWhere {
        let mut w = SqlWhere::new();
        for (column, value) in [("mandate_id", self.mandate_id), ("country_id", self.country_id)] {
            if let Some(id) = value {
                let p = w.placeholder(BindValue::BigInt(id));
                w.clauses.push(format!("visits.{column} = {p}"));
            }
        }
        if let Some(status) = self.status {
            let p = w.placeholder(BindValue::Text(status.as_str().to_owned()));
            w.clauses.push(format!("visits.status = {p}"));
        }
        if let Some(year) = self.year {
            let p = w.placeholder(BindValue::Text(year.to_string()));
            w.clauses.push(format!("{} = {p}", VisitDimension::Year.expression(backend)));
        }
        if let Some(fictional) = self.fictional {
            let p = w.placeholder(BindValue::Bool(fictional));
            w.clauses.push(format!("visits.fictional = {p}"));
        }
        if let Some(since) = self.updated_since {
            let p = w.placeholder(BindValue::Timestamp(since));
            w.clauses.push(format!("visits.updated_at >= {p}"));
        }
        w
    }
}

impl Visit {
    /// Counts the filtered visits by one or two dimensions, in the database, in dimension order.
    pub fn count_by(
        conn: &mut DbConnection,
        filter: &VisitFilter,
        dimensions: &[VisitDimension],
    ) -> QueryResult<Vec<Bucket>> {
        let backend = conn.backend();
        let first = dimensions.first().copied().unwrap_or(VisitDimension::Status);
        let second = dimensions.get(1).copied();
        let w = filter.where_sql(backend);
        let text = format!(
            "SELECT {} AS a, {} AS b, COUNT(*) AS n FROM visits WHERE {} GROUP BY 1, 2 ORDER BY 1, 2",
            first.expression(backend),
            second.map(|d| d.expression(backend)).unwrap_or("CAST(NULL AS TEXT)"),
            w.condition(),
        );
        let rows: Vec<BucketRow> = w.query(text).load(conn)?;
        Ok(rows
            .into_iter()
            .map(|r| Bucket { values: if second.is_some() { vec![r.a, r.b] } else { vec![r.a] }, count: r.n })
            .collect())
    }
}
