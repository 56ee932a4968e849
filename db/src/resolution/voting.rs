//! What a votes dashboard asks, computed in the database over the recorded votes a filter selects.
//!
//! Every figure counts the roll call's rows (not the official totals, which for some real texts disagree with it):
//! a State "cast" a vote when it voted yes, no or abstained; a member present and not voting, or absent, cast none.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};

use crate::models::sql::{BindValue, SqlWhere};
use crate::models::ResolutionKind;
use crate::{Backend, DbConnection};

/// The texts an aggregate counts: the Council's recorded votes, narrowed by these.
#[derive(Debug, Clone, Default)]
pub struct VotingFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A regular session's number.
    pub session: Option<i32>,
    pub agenda_item: Option<i32>,
    /// Compared without regard to case.
    pub subject: Option<String>,
    pub kind: Option<ResolutionKind>,
}

impl VotingFilter {
    /// `texts`, the filtered texts (`id`, `adopted_on`, `subject`), as a CTE, its placeholders first in `w`.
    fn texts(&self, w: &mut SqlWhere, recorded_only: bool) -> String {
        w.clauses.push("r.organ = 'HRC'".into());
        if recorded_only {
            w.clauses.push("r.adoption_method = 'RECORDED_VOTE'".into());
        }
        if let Some(from) = self.from {
            let p = w.placeholder(BindValue::Date(from));
            w.clauses.push(format!("r.adopted_on >= {p}"));
        }
        if let Some(to) = self.to {
            let p = w.placeholder(BindValue::Date(to));
            w.clauses.push(format!("r.adopted_on <= {p}"));
        }
        if let Some(n) = self.session {
            let p = w.placeholder(BindValue::Int(n));
            w.clauses.push(format!("s.number = {p}"));
        }
        if let Some(item) = self.agenda_item {
            let p = w.placeholder(BindValue::Int(item));
            w.clauses.push(format!("r.agenda_item = {p}"));
        }
        if let Some(subject) = &self.subject {
            let p = w.placeholder(BindValue::Text(subject.to_uppercase()));
            w.clauses.push(format!("UPPER(r.subject) = {p}"));
        }
        if let Some(kind) = self.kind {
            let p = w.placeholder(BindValue::Text(kind.as_str().into()));
            w.clauses.push(format!("r.kind = {p}"));
        }
        format!(
            "texts AS (SELECT r.id, r.adopted_on, r.subject, r.adoption_method, s.number AS session, \
             r.special_session FROM resolutions r LEFT JOIN sessions s ON s.id = r.session_id WHERE {})",
            w.condition()
        )
    }
}

/// The year of `texts.adopted_on`, as each backend writes it.
fn year(conn: &DbConnection) -> &'static str {
    match conn.backend() {
        Backend::Postgres => "CAST(EXTRACT(YEAR FROM t.adopted_on) AS INTEGER)",
        Backend::Sqlite => "CAST(strftime('%Y', t.adopted_on) AS INTEGER)",
    }
}

/// The roll call's yes and no counts of each filtered text.
const TALLIES: &str = "tallies AS (SELECT v.resolution_id AS id, \
     SUM(CASE WHEN v.vote = 'YES' THEN 1 ELSE 0 END) AS y, \
     SUM(CASE WHEN v.vote = 'NO' THEN 1 ELSE 0 END) AS n, \
     SUM(CASE WHEN v.vote = 'ABSTAIN' THEN 1 ELSE 0 END) AS a \
     FROM resolution_votes v JOIN texts t ON t.id = v.resolution_id GROUP BY v.resolution_id)";

/// A State's votes over a group of texts (a year, a subject).
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct RecordRow {
    /// The year, or the subject, as text.
    #[diesel(sql_type = Nullable<Text>)]
    pub bucket: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub yes: i64,
    #[diesel(sql_type = BigInt)]
    pub no: i64,
    #[diesel(sql_type = BigInt)]
    pub abstain: i64,
    #[diesel(sql_type = BigInt)]
    pub non_voting: i64,
    #[diesel(sql_type = BigInt)]
    pub absent: i64,
    /// Votes cast (yes or no) on the side that carried: yes where the roll call had more yes than no votes, no
    /// where it had more no; neither on a tie.
    #[diesel(sql_type = BigInt)]
    pub with_majority: i64,
}

/// How a State's voting record is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordBy {
    Year,
    Subject,
}

/// A State's votes by year or by subject, in that order.
pub fn record(
    conn: &mut DbConnection,
    country_id: i64,
    filter: &VotingFilter,
    by: RecordBy,
) -> QueryResult<Vec<RecordRow>> {
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, true);
    let bucket = match by {
        RecordBy::Year => format!("CAST({} AS TEXT)", year(conn)),
        RecordBy::Subject => "t.subject".to_owned(),
    };
    let country = w.placeholder(BindValue::BigInt(country_id));
    let count = |vote: &str| format!("CAST(SUM(CASE WHEN v.vote = '{vote}' THEN 1 ELSE 0 END) AS BIGINT)");
    let text = format!(
        "WITH {texts}, {TALLIES} SELECT {bucket} AS bucket, {} AS yes, {} AS no, {} AS abstain, {} AS non_voting, \
         {} AS absent, CAST(SUM(CASE WHEN (v.vote = 'YES' AND ta.y > ta.n) OR (v.vote = 'NO' AND ta.n > ta.y) \
         THEN 1 ELSE 0 END) AS BIGINT) AS with_majority \
         FROM resolution_votes v JOIN texts t ON t.id = v.resolution_id JOIN tallies ta ON ta.id = v.resolution_id \
         WHERE v.country_id = {country} GROUP BY {bucket} ORDER BY {bucket}",
        count("YES"),
        count("NO"),
        count("ABSTAIN"),
        count("NON_VOTING"),
        count("ABSENT"),
    );
    w.query(text).load(conn)
}

/// How often two States voted alike over the texts on which both cast a vote.
#[derive(Debug, Clone, Copy, PartialEq, QueryableByName)]
pub struct PairRow {
    #[diesel(sql_type = BigInt)]
    pub a: i64,
    #[diesel(sql_type = BigInt)]
    pub b: i64,
    /// Texts on which both cast a vote (yes, no or abstain).
    #[diesel(sql_type = BigInt)]
    pub texts: i64,
    /// Of those, the texts on which they cast the same vote.
    #[diesel(sql_type = BigInt)]
    pub same: i64,
}

/// Which pairs of States an agreement counts.
#[derive(Debug, Clone, Copy)]
pub enum Pairs<'a> {
    /// Every pair among these States, each once (`a < b`).
    Among(&'a [i64]),
    /// One State (`a`) with every other (`b`).
    Of(i64),
}

/// How often pairs of States voted alike, over the texts on which both cast a vote.
pub fn agreement(conn: &mut DbConnection, filter: &VotingFilter, pairs: Pairs<'_>) -> QueryResult<Vec<PairRow>> {
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, true);
    let pair = match pairs {
        Pairs::Among(ids) => {
            let marks: Vec<String> = ids.iter().map(|id| w.placeholder(BindValue::BigInt(*id))).collect();
            let list = if marks.is_empty() { "NULL".to_owned() } else { marks.join(", ") };
            // The list is bound once and read through a CTE, so that both sides test the same values.
            return among(conn, w, texts, list);
        }
        Pairs::Of(id) => {
            format!("a.country_id = {} AND b.country_id <> a.country_id", w.placeholder(BindValue::BigInt(id)))
        }
    };
    let text = format!(
        "WITH {texts} SELECT a.country_id AS a, b.country_id AS b, CAST(COUNT(*) AS BIGINT) AS texts, \
         CAST(SUM(CASE WHEN a.vote = b.vote THEN 1 ELSE 0 END) AS BIGINT) AS same \
         FROM texts t JOIN resolution_votes a ON a.resolution_id = t.id \
         JOIN resolution_votes b ON b.resolution_id = t.id AND {pair} \
         WHERE a.vote IN ('YES', 'NO', 'ABSTAIN') AND b.vote IN ('YES', 'NO', 'ABSTAIN') \
         GROUP BY a.country_id, b.country_id ORDER BY a.country_id, b.country_id"
    );
    w.query(text).load(conn)
}

/// Every pair among the listed States. The database selects the filtered texts' cast votes of those States (at
/// most 60, so about 300 texts × 60 rows a decade); the pairs are counted here, in one pass over each text's votes.
/// The same count as a self-join in SQL makes every pair a row (320,000 for the Council's 47 members over ten
/// years) and groups them: 65 ms on SQLite and, until PostgreSQL has statistics of a fresh import, seconds there;
/// this pass takes under a millisecond (BENCHMARKS.md, recorded votes).
fn among(conn: &mut DbConnection, mut w: SqlWhere, texts: String, list: String) -> QueryResult<Vec<PairRow>> {
    #[derive(QueryableByName)]
    struct Cast {
        #[diesel(sql_type = BigInt)]
        resolution_id: i64,
        #[diesel(sql_type = BigInt)]
        country_id: i64,
        #[diesel(sql_type = Text)]
        vote: String,
    }
    w.never_keep();
    let text = format!(
        "WITH {texts} SELECT v.resolution_id AS resolution_id, v.country_id AS country_id, v.vote AS vote \
         FROM resolution_votes v JOIN texts t ON t.id = v.resolution_id \
         WHERE v.vote IN ('YES', 'NO', 'ABSTAIN') AND v.country_id IN ({list}) ORDER BY v.resolution_id, v.country_id"
    );
    let rows: Vec<Cast> = w.query(text).load(conn)?;
    let mut states: Vec<i64> = rows.iter().map(|r| r.country_id).collect();
    states.sort_unstable();
    states.dedup();
    let n = states.len();
    let at = |id: i64| states.binary_search(&id).unwrap_or(0);
    let (mut both, mut same) = (vec![0i64; n * n], vec![0i64; n * n]);
    let mut start = 0;
    while start < rows.len() {
        let end = rows[start..]
            .iter()
            .position(|r| r.resolution_id != rows[start].resolution_id)
            .map_or(rows.len(), |p| start + p);
        let text = &rows[start..end];
        // Ordered by country: each pair (i, j) with i < j once.
        for (k, a) in text.iter().enumerate() {
            for b in &text[k + 1..] {
                let cell = at(a.country_id) * n + at(b.country_id);
                both[cell] += 1;
                same[cell] += i64::from(a.vote == b.vote);
            }
        }
        start = end;
    }
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if both[i * n + j] > 0 {
                out.push(PairRow { a: states[i], b: states[j], texts: both[i * n + j], same: same[i * n + j] });
            }
        }
    }
    Ok(out)
}

/// The States the roll call of the latest filtered recorded vote lists (a roll call lists every member): the
/// Council as it stood at the end of the range.
pub fn latest_members(conn: &mut DbConnection, filter: &VotingFilter) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Member {
        #[diesel(sql_type = BigInt)]
        country_id: i64,
    }
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, true);
    let text = format!(
        "WITH {texts}, latest AS (SELECT t.id FROM texts t WHERE EXISTS (SELECT 1 FROM resolution_votes v \
         WHERE v.resolution_id = t.id) ORDER BY t.adopted_on DESC, t.id DESC LIMIT 1) \
         SELECT v.country_id AS country_id FROM resolution_votes v JOIN latest l ON l.id = v.resolution_id \
         ORDER BY v.country_id"
    );
    Ok(w.query(text).load::<Member>(conn)?.into_iter().map(|m| m.country_id).collect())
}

/// A regional group's cohesion in one year.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CohesionRow {
    #[diesel(sql_type = Integer)]
    pub year: i32,
    #[diesel(sql_type = Text)]
    pub group_code: String,
    /// The mean over the year's texts of the group's Agreement Index on each.
    #[diesel(sql_type = Double)]
    pub agreement_index: f64,
    /// The texts on which at least one of the group's members cast a vote.
    #[diesel(sql_type = BigInt)]
    pub texts: i64,
}

/// The Agreement Index of Hix, Noury and Roland (2005) of each regional group, by year: on one text,
/// `AI = (max(Y, N, A) − ½·(Y + N + A − max(Y, N, A))) / (Y + N + A)`, counting the group's members' yes, no and
/// abstain votes; 1 when all voted alike, 0 when split evenly between the three; then the mean over the year's texts.
pub fn cohesion(conn: &mut DbConnection, filter: &VotingFilter) -> QueryResult<Vec<CohesionRow>> {
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, true);
    let year = year(conn);
    let text = format!(
        "WITH {texts}, per_text AS (SELECT {year} AS year, g.code AS group_code, \
         SUM(CASE WHEN v.vote = 'YES' THEN 1 ELSE 0 END) AS y, SUM(CASE WHEN v.vote = 'NO' THEN 1 ELSE 0 END) AS n, \
         SUM(CASE WHEN v.vote = 'ABSTAIN' THEN 1 ELSE 0 END) AS a \
         FROM texts t JOIN resolution_votes v ON v.resolution_id = t.id JOIN countries c ON c.id = v.country_id \
         JOIN regional_groups g ON g.id = c.regional_group_id \
         WHERE v.vote IN ('YES', 'NO', 'ABSTAIN') GROUP BY t.id, {year}, g.code), \
         indexed AS (SELECT year, group_code, y + n + a AS total, \
         CASE WHEN y >= n AND y >= a THEN y WHEN n >= a THEN n ELSE a END AS top FROM per_text) \
         SELECT year, group_code, \
         CAST(AVG((CAST(top AS DOUBLE PRECISION) - 0.5 * (total - top)) / total) AS DOUBLE PRECISION) \
         AS agreement_index, CAST(COUNT(*) AS BIGINT) AS texts \
         FROM indexed GROUP BY year, group_code ORDER BY year, group_code"
    );
    w.query(text).load(conn)
}

/// A text's roll-call counts, for the list of the most divided votes.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DividedRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub yes: i64,
    #[diesel(sql_type = BigInt)]
    pub no: i64,
    #[diesel(sql_type = BigInt)]
    pub abstain: i64,
}

/// The most divided votes: the smallest margin between the roll call's yes and no votes first; among equal
/// margins, more abstentions first, then the latest; at most `limit`.
pub fn most_divided(conn: &mut DbConnection, filter: &VotingFilter, limit: i64) -> QueryResult<Vec<DividedRow>> {
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, true);
    let limit = w.placeholder(BindValue::BigInt(limit));
    let text = format!(
        "WITH {texts}, {TALLIES} SELECT ta.id AS id, CAST(ta.y AS BIGINT) AS yes, CAST(ta.n AS BIGINT) AS no, \
         CAST(ta.a AS BIGINT) AS abstain FROM tallies ta JOIN texts t ON t.id = ta.id \
         ORDER BY ABS(ta.y - ta.n), ta.a DESC, t.adopted_on DESC, ta.id DESC LIMIT {limit}"
    );
    w.query(text).load(conn)
}

/// The texts of a session, and how many were adopted without a vote.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct WithoutVoteRow {
    #[diesel(sql_type = Nullable<Integer>)]
    pub session: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub special_session: Option<i32>,
    /// Texts whose manner of adoption is known.
    #[diesel(sql_type = BigInt)]
    pub texts: i64,
    #[diesel(sql_type = BigInt)]
    pub without_vote: i64,
}

/// Per session (regular or special), the Council's texts whose manner of adoption is known and how many of them
/// were adopted without a vote; regular sessions first, by number.
pub fn without_vote(conn: &mut DbConnection, filter: &VotingFilter) -> QueryResult<Vec<WithoutVoteRow>> {
    let mut w = SqlWhere::new();
    let texts = filter.texts(&mut w, false);
    let text = format!(
        "WITH {texts} SELECT t.session AS session, t.special_session AS special_session, \
         CAST(COUNT(*) AS BIGINT) AS texts, \
         CAST(SUM(CASE WHEN t.adoption_method = 'WITHOUT_VOTE' THEN 1 ELSE 0 END) AS BIGINT) AS without_vote \
         FROM texts t WHERE t.adoption_method IS NOT NULL AND (t.session IS NOT NULL OR t.special_session IS NOT NULL) \
         GROUP BY t.session, t.special_session \
         ORDER BY CASE WHEN t.session IS NULL THEN 1 ELSE 0 END, t.session, t.special_session"
    );
    w.query(text).load(conn)
}
