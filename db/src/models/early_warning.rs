//! Early warning (resolution 45/31 para 5; A/HRC/43/37 paras 62–64 and 71–74): signals from every source, their
//! verification, the analysis behind the High Commissioner's regional horizon-scanning briefings, and the briefings.
//!
//! Signals are the secretariat's working tool. The Council's Bureau reads verified ones ([`SignalScope::Verified`]),
//! never their sources; nobody else reads any of it. Only verified signals count in an analysis.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::page::keyset_page;
use super::write::{insert_keyed, lock_for_write, now, WorkflowError};
use super::{text_enum, Page, PageRequest};
use crate::connection::MultiBackend;
use crate::schema::{
    countries, early_warning_signal_events, early_warning_signal_links, early_warning_signals,
    horizon_briefing_countries, horizon_briefings,
};
use crate::DbConnection;

text_enum!(
    /// Who or what a signal came from.
    SignalSource {
        SpecialProcedure = "SPECIAL_PROCEDURE",
        NationalHumanRightsInstitution = "NATIONAL_HUMAN_RIGHTS_INSTITUTION",
        CivilSociety = "CIVIL_SOCIETY",
        HumanRightsDefender = "HUMAN_RIGHTS_DEFENDER",
        UnCountryTeam = "UN_COUNTRY_TEAM",
        OhchrFieldPresence = "OHCHR_FIELD_PRESENCE",
        TreatyBody = "TREATY_BODY",
    }
);
text_enum!(
    /// What a signal warns of.
    SignalCategory {
        EnforcedDisappearances = "ENFORCED_DISAPPEARANCES",
        ExtrajudicialExecutions = "EXTRAJUDICIAL_EXECUTIONS",
        TortureSurge = "TORTURE_SURGE",
        TargetingCivilSociety = "TARGETING_CIVIL_SOCIETY",
        DenialOfAccess = "DENIAL_OF_ACCESS",
        NonCooperation = "NON_COOPERATION",
        Other = "OTHER",
    }
);
text_enum!(
    /// How grave a signal is.
    Severity { Low = "LOW", Medium = "MEDIUM", High = "HIGH", Critical = "CRITICAL" }
);
text_enum!(
    /// Where a signal stands in its verification.
    SignalStatus {
        Reported = "REPORTED",
        UnderVerification = "UNDER_VERIFICATION",
        Verified = "VERIFIED",
        Dismissed = "DISMISSED",
    }
);
text_enum!(
    /// Whether a briefing has been given.
    BriefingStatus { Scheduled = "SCHEDULED", Delivered = "DELIVERED" }
);

impl SignalStatus {
    /// The statuses a signal may move to from this one: `REPORTED → UNDER_VERIFICATION → VERIFIED | DISMISSED`.
    pub fn next(self) -> &'static [SignalStatus] {
        use SignalStatus::*;
        match self {
            Reported => &[UnderVerification],
            UnderVerification => &[Verified, Dismissed],
            Verified | Dismissed => &[],
        }
    }
}

impl SignalCategory {
    /// The categories that count towards the threshold unless the server is configured otherwise: violations of
    /// the right to life and integrity, and the targeting of those who report them.
    pub const GRAVE: &'static [SignalCategory] = &[
        SignalCategory::EnforcedDisappearances,
        SignalCategory::ExtrajudicialExecutions,
        SignalCategory::TortureSurge,
        SignalCategory::TargetingCivilSociety,
    ];
}

/// An early-warning signal.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = early_warning_signals)]
pub struct Signal {
    pub id: i64,
    pub key: String,
    pub country_id: i64,
    pub observed_on: NaiveDate,
    pub reported_on: NaiveDate,
    pub source_kind: String,
    pub source_reference: String,
    pub category: String,
    pub severity: String,
    pub description: String,
    pub status: String,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Signal {
    pub fn status(&self) -> SignalStatus {
        SignalStatus::from_db(&self.status)
    }
}

/// Which signals a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalScope {
    /// Every signal (the secretariat).
    All,
    /// Verified signals only (the Council's Bureau).
    Verified,
}

/// Filters on the list of signals.
#[derive(Debug, Clone)]
pub struct SignalFilter {
    pub scope: SignalScope,
    pub country_id: Option<i64>,
    pub regional_group_id: Option<i64>,
    pub category: Option<SignalCategory>,
    pub severity: Option<Severity>,
    pub status: Option<SignalStatus>,
    pub observed_from: Option<NaiveDate>,
    pub observed_to: Option<NaiveDate>,
    pub updated_since: Option<NaiveDateTime>,
    pub fictional: Option<bool>,
}

impl SignalFilter {
    /// Every signal the scope lets the caller see.
    pub fn scoped(scope: SignalScope) -> SignalFilter {
        SignalFilter {
            scope,
            country_id: None,
            regional_group_id: None,
            category: None,
            severity: None,
            status: None,
            observed_from: None,
            observed_to: None,
            updated_since: None,
            fictional: None,
        }
    }
}

fn filtered(filter: &SignalFilter) -> early_warning_signals::BoxedQuery<'static, MultiBackend> {
    let mut query = early_warning_signals::table.into_boxed();
    if filter.scope == SignalScope::Verified {
        query = query.filter(early_warning_signals::status.eq(SignalStatus::Verified.as_str()));
    }
    if let Some(id) = filter.country_id {
        query = query.filter(early_warning_signals::country_id.eq(id));
    }
    if let Some(group) = filter.regional_group_id {
        query = query.filter(
            early_warning_signals::country_id
                .eq_any(countries::table.filter(countries::regional_group_id.eq(group)).select(countries::id)),
        );
    }
    if let Some(category) = filter.category {
        query = query.filter(early_warning_signals::category.eq(category.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(early_warning_signals::severity.eq(severity.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(early_warning_signals::status.eq(status.as_str()));
    }
    if let Some(from) = filter.observed_from {
        query = query.filter(early_warning_signals::observed_on.ge(from));
    }
    if let Some(to) = filter.observed_to {
        query = query.filter(early_warning_signals::observed_on.le(to));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(early_warning_signals::updated_at.ge(since));
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(early_warning_signals::fictional.eq(fictional));
    }
    query
}

/// A recorded step of a signal's verification.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = early_warning_signal_events)]
pub struct SignalEvent {
    pub id: i64,
    pub signal_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub occurred_at: NaiveDateTime,
    pub reason: String,
}

/// What a signal relates to, as row ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignalLinks {
    pub recommendations: BTreeSet<i64>,
    pub mandates: BTreeSet<i64>,
    pub communications: BTreeSet<i64>,
}

/// A record a signal relates to: exactly one of the three ids is set.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = early_warning_signal_links)]
pub struct SignalLink {
    pub signal_id: i64,
    pub recommendation_id: Option<i64>,
    pub mandate_id: Option<i64>,
    pub communication_id: Option<i64>,
}

/// A signal's content, as the secretariat records it.
#[derive(Debug, Clone)]
pub struct SignalFields {
    pub country_id: i64,
    pub observed_on: NaiveDate,
    pub reported_on: NaiveDate,
    pub source_kind: SignalSource,
    pub source_reference: String,
    pub category: SignalCategory,
    pub severity: Severity,
    pub description: String,
    pub links: SignalLinks,
}

impl Signal {
    pub fn page(conn: &mut DbConnection, filter: &SignalFilter, page: &PageRequest) -> QueryResult<Page<Signal>> {
        keyset_page!(
            conn,
            filtered(filter).select(Signal::as_select()),
            early_warning_signals::id,
            early_warning_signals::updated_at,
            page
        )
    }

    pub fn count(conn: &mut DbConnection, filter: &SignalFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    /// A signal by key, if the scope lets the caller see it.
    pub fn by_key(conn: &mut DbConnection, key: &str, scope: SignalScope) -> QueryResult<Option<Signal>> {
        filtered(&SignalFilter::scoped(scope))
            .filter(early_warning_signals::key.eq(key.to_owned()))
            .select(Signal::as_select())
            .first(conn)
            .optional()
    }

    /// The verification steps of these signals, each signal's oldest first.
    pub fn events_of(conn: &mut DbConnection, signal_ids: &[i64]) -> QueryResult<Vec<SignalEvent>> {
        early_warning_signal_events::table
            .filter(early_warning_signal_events::signal_id.eq_any(signal_ids.to_vec()))
            .order((early_warning_signal_events::signal_id, early_warning_signal_events::id))
            .select(SignalEvent::as_select())
            .load(conn)
    }

    /// What these signals relate to, a row per related record.
    pub fn links_of(conn: &mut DbConnection, signal_ids: &[i64]) -> QueryResult<Vec<SignalLink>> {
        early_warning_signal_links::table
            .filter(early_warning_signal_links::signal_id.eq_any(signal_ids.to_vec()))
            .order(early_warning_signal_links::id)
            .select(SignalLink::as_select())
            .load(conn)
    }

    fn set_links(conn: &mut DbConnection, signal_id: i64, links: &SignalLinks) -> QueryResult<()> {
        use early_warning_signal_links as l;
        diesel::delete(l::table.filter(l::signal_id.eq(signal_id))).execute(conn)?;
        let rows = links
            .recommendations
            .iter()
            .map(|id| (Some(*id), None, None))
            .chain(links.mandates.iter().map(|id| (None, Some(*id), None)))
            .chain(links.communications.iter().map(|id| (None, None, Some(*id))));
        for (recommendation, mandate, communication) in rows {
            diesel::insert_into(l::table)
                .values((
                    l::signal_id.eq(signal_id),
                    l::recommendation_id.eq(recommendation),
                    l::mandate_id.eq(mandate),
                    l::communication_id.eq(communication),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    fn record_event(
        conn: &mut DbConnection,
        signal_id: i64,
        from: Option<SignalStatus>,
        to: SignalStatus,
        actor: &str,
        reason: &str,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(early_warning_signal_events::table)
            .values((
                early_warning_signal_events::signal_id.eq(signal_id),
                early_warning_signal_events::from_status.eq(from.map(SignalStatus::as_str)),
                early_warning_signal_events::to_status.eq(to.as_str()),
                early_warning_signal_events::actor.eq(actor),
                early_warning_signal_events::occurred_at.eq(at),
                early_warning_signal_events::reason.eq(reason),
            ))
            .execute(conn)
            .map(drop)
    }

    fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Signal> {
        early_warning_signals::table.find(id).select(Signal::as_select()).first(conn)
    }

    /// Records a signal as `REPORTED`, keyed `EWS-nnnnn` (`DEMO-EWS-…` when fictional), with its first step and the
    /// audit record, in one transaction.
    pub fn report(
        conn: &mut DbConnection,
        fields: &SignalFields,
        fictional: bool,
        actor: &str,
        reason: &str,
        audit: &crate::audit::Entry,
    ) -> Result<Signal, WorkflowError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let at = now();
            use early_warning_signals as s;
            let values = (
                s::country_id.eq(fields.country_id),
                s::observed_on.eq(fields.observed_on),
                s::reported_on.eq(fields.reported_on),
                s::source_kind.eq(fields.source_kind.as_str()),
                s::source_reference.eq(&fields.source_reference),
                s::category.eq(fields.category.as_str()),
                s::severity.eq(fields.severity.as_str()),
                s::description.eq(&fields.description),
                s::status.eq(SignalStatus::Reported.as_str()),
                s::fictional.eq(fictional),
                s::created_at.eq(at),
                s::updated_at.eq(at),
            );
            let (id, key) =
                insert_keyed!(conn, s, values, |id| format!("{}EWS-{id:05}", if fictional { "DEMO-" } else { "" }));
            Self::set_links(conn, id, &fields.links)?;
            Self::record_event(conn, id, None, SignalStatus::Reported, actor, reason, at)?;
            crate::audit::Entry { entity_key: key, ..audit.clone() }.write(conn, at)?;
            Ok(Self::by_id(conn, id)?)
        })
    }

    /// Rewrites a signal's content at version `expected` (a correction), audited.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        fields: &SignalFields,
        audit: &crate::audit::Entry,
    ) -> Result<Signal, WorkflowError> {
        use early_warning_signals as s;
        conn.transaction(|conn| {
            let at = now();
            let updated = diesel::update(s::table.filter(s::key.eq(key)).filter(s::version.eq(expected)))
                .set((
                    s::country_id.eq(fields.country_id),
                    s::observed_on.eq(fields.observed_on),
                    s::reported_on.eq(fields.reported_on),
                    s::source_kind.eq(fields.source_kind.as_str()),
                    s::source_reference.eq(&fields.source_reference),
                    s::category.eq(fields.category.as_str()),
                    s::severity.eq(fields.severity.as_str()),
                    s::description.eq(&fields.description),
                    s::version.eq(expected.saturating_add(1)),
                    s::updated_at.eq(at),
                ))
                .execute(conn)?;
            let current = Self::by_key(conn, key, SignalScope::All)?.ok_or(WorkflowError::NotFound)?;
            if updated == 0 {
                return Err(WorkflowError::Stale { current: current.version });
            }
            Self::set_links(conn, current.id, &fields.links)?;
            audit.write(conn, at)?;
            Ok(current)
        })
    }

    /// Moves a signal to `to` if its verification allows it and its version is still `expected`, recording the
    /// step with its actor, time and reason, and the audit record.
    pub fn transition(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        to: SignalStatus,
        actor: &str,
        reason: &str,
        audit: &crate::audit::Entry,
    ) -> Result<Signal, WorkflowError> {
        use early_warning_signals as s;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let current = Self::by_key(conn, key, SignalScope::All)?.ok_or(WorkflowError::NotFound)?;
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
            let at = now();
            let updated = diesel::update(s::table.find(current.id).filter(s::version.eq(expected)))
                .set((s::status.eq(to.as_str()), s::version.eq(expected.saturating_add(1)), s::updated_at.eq(at)))
                .execute(conn)?;
            if updated == 0 {
                return Err(WorkflowError::Stale { current: Self::by_id(conn, current.id)?.version });
            }
            Self::record_event(conn, current.id, Some(from), to, actor, reason, at)?;
            audit.write(conn, at)?;
            Ok(Self::by_id(conn, current.id)?)
        })
    }
}

/// One verified signal as an analysis counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub country_id: i64,
    pub observed_on: NaiveDate,
    pub category: SignalCategory,
    pub severity: Severity,
}

/// The verified signals observed from `from` to `to` (inclusive), in a country or a regional group (or everywhere).
pub fn verified_observations(
    conn: &mut DbConnection,
    country_id: Option<i64>,
    regional_group_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Observation>> {
    let filter = SignalFilter {
        country_id,
        regional_group_id,
        observed_from: Some(from),
        observed_to: Some(to),
        ..SignalFilter::scoped(SignalScope::Verified)
    };
    let rows: Vec<(i64, NaiveDate, String, String)> = filtered(&filter)
        .order((early_warning_signals::observed_on, early_warning_signals::id))
        .select((
            early_warning_signals::country_id,
            early_warning_signals::observed_on,
            early_warning_signals::category,
            early_warning_signals::severity,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(country_id, observed_on, category, severity)| Observation {
            country_id,
            observed_on,
            category: SignalCategory::from_db(&category),
            severity: Severity::from_db(&severity),
        })
        .collect())
}

/// When a country's pattern crosses the threshold: at least `signals` verified signals of the `grave` categories
/// observed within any `window_days` consecutive days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threshold {
    pub signals: usize,
    pub window_days: u32,
    pub grave: Vec<SignalCategory>,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold { signals: 3, window_days: 30, grave: SignalCategory::GRAVE.to_vec() }
    }
}

/// A period and the one of the same length just before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
}

impl Periods {
    /// `from`..=`to` and the period of as many days ending the day before `from`; `None` if `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Periods> {
        let days = (to - from).num_days();
        if days < 0 {
            return None;
        }
        let previous_to = from.pred_opt()?;
        let previous_from = previous_to.checked_sub_days(chrono::Days::new(days as u64))?;
        Some(Periods { from, to, previous_from, previous_to })
    }
}

/// Verified signals of one category and severity, in the period and the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub category: SignalCategory,
    pub severity: Severity,
    pub count: i64,
    pub previous_count: i64,
}

/// A country's verified signals in the period and the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCount {
    pub country_id: i64,
    pub count: i64,
    pub previous_count: i64,
}

/// A country whose pattern crossed the threshold: the first window in which it had the most grave signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub country_id: i64,
    /// Grave verified signals in the window.
    pub signals: i64,
    pub window_starts_on: NaiveDate,
    pub window_ends_on: NaiveDate,
    pub categories: Vec<SignalCategory>,
}

/// The analysis behind a horizon-scanning briefing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub periods: Periods,
    pub total: i64,
    pub previous_total: i64,
    /// By category and severity, in declaration order; only cells with a signal in either period.
    pub cells: Vec<Cell>,
    /// By country, by id; only countries with a signal in either period.
    pub countries: Vec<CountryCount>,
    /// The countries over the threshold in the period, by id.
    pub crossings: Vec<Crossing>,
}

/// Analyses verified observations (of the period and the one before, as [`verified_observations`] reads them).
pub fn analyse(observations: &[Observation], periods: Periods, threshold: &Threshold) -> Analysis {
    let in_period = |o: &&Observation| o.observed_on >= periods.from && o.observed_on <= periods.to;
    let in_previous = |o: &&Observation| o.observed_on >= periods.previous_from && o.observed_on <= periods.previous_to;
    let mut cells: BTreeMap<(usize, usize), (i64, i64)> = BTreeMap::new();
    let mut countries: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let (mut total, mut previous_total) = (0, 0);
    let position = |all: &[SignalCategory], c: SignalCategory| all.iter().position(|x| *x == c).unwrap_or(0);
    for o in observations {
        let current = in_period(&o);
        if !current && !in_previous(&o) {
            continue;
        }
        let cell = cells
            .entry((
                position(SignalCategory::ALL, o.category),
                Severity::ALL.iter().position(|s| *s == o.severity).unwrap_or(0),
            ))
            .or_default();
        let country = countries.entry(o.country_id).or_default();
        if current {
            cell.0 += 1;
            country.0 += 1;
            total += 1;
        } else {
            cell.1 += 1;
            country.1 += 1;
            previous_total += 1;
        }
    }
    // Grave signals of the period per country, by day; the window slides from each signal's day.
    let mut grave: BTreeMap<i64, Vec<&Observation>> = BTreeMap::new();
    for o in observations.iter().filter(in_period).filter(|o| threshold.grave.contains(&o.category)) {
        grave.entry(o.country_id).or_default().push(o);
    }
    let span = chrono::Days::new(u64::from(threshold.window_days.max(1)) - 1);
    let mut crossings = Vec::new();
    for (country_id, mut list) in grave {
        list.sort_by_key(|o| o.observed_on);
        let mut best: Option<(usize, usize)> = None;
        let mut end = 0;
        for start in 0..list.len() {
            let last_day = list[start].observed_on.checked_add_days(span).unwrap_or(NaiveDate::MAX);
            end = end.max(start);
            while end + 1 < list.len() && list[end + 1].observed_on <= last_day {
                end += 1;
            }
            let n = end - start + 1;
            if best.is_none_or(|(s, e)| n > e - s + 1) {
                best = Some((start, end));
            }
        }
        let Some((start, end)) = best else { continue };
        if end - start + 1 < threshold.signals.max(1) {
            continue;
        }
        let window_starts_on = list[start].observed_on;
        let categories: BTreeSet<usize> =
            list[start..=end].iter().map(|o| position(SignalCategory::ALL, o.category)).collect();
        crossings.push(Crossing {
            country_id,
            signals: (end - start + 1) as i64,
            window_starts_on,
            window_ends_on: window_starts_on.checked_add_days(span).unwrap_or(NaiveDate::MAX),
            categories: categories.into_iter().map(|i| SignalCategory::ALL[i]).collect(),
        });
    }
    Analysis {
        periods,
        total,
        previous_total,
        cells: cells
            .into_iter()
            .map(|((c, s), (count, previous_count))| Cell {
                category: SignalCategory::ALL[c],
                severity: Severity::ALL[s],
                count,
                previous_count,
            })
            .collect(),
        countries: countries
            .into_iter()
            .map(|(country_id, (count, previous_count))| CountryCount { country_id, count, previous_count })
            .collect(),
        crossings,
    }
}

/// A regional horizon-scanning briefing of the High Commissioner.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = horizon_briefings)]
pub struct Briefing {
    pub id: i64,
    pub key: String,
    pub briefing_on: NaiveDate,
    pub session_id: Option<i64>,
    pub regional_group_id: Option<i64>,
    pub title: String,
    pub text_en: String,
    pub text_zh: Option<String>,
    pub status: String,
    pub source: String,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A briefing to record.
#[derive(Debug, Clone)]
pub struct NewBriefing {
    pub briefing_on: NaiveDate,
    pub session_id: Option<i64>,
    pub regional_group_id: Option<i64>,
    pub country_ids: BTreeSet<i64>,
    pub title: String,
    pub text_en: String,
    pub text_zh: Option<String>,
    pub source: String,
    pub fictional: bool,
}

/// Filters on briefings.
#[derive(Debug, Clone, Default)]
pub struct BriefingFilter {
    /// Scheduled ones too (the secretariat); else delivered only.
    pub include_scheduled: bool,
    pub regional_group_id: Option<i64>,
    pub country_id: Option<i64>,
    pub session_id: Option<i64>,
    pub year: Option<i32>,
}

fn briefings_filtered(filter: &BriefingFilter) -> horizon_briefings::BoxedQuery<'static, MultiBackend> {
    let mut query = horizon_briefings::table.into_boxed();
    if !filter.include_scheduled {
        query = query.filter(horizon_briefings::status.eq(BriefingStatus::Delivered.as_str()));
    }
    if let Some(group) = filter.regional_group_id {
        query = query.filter(horizon_briefings::regional_group_id.eq(group));
    }
    if let Some(country) = filter.country_id {
        query = query.filter(
            horizon_briefings::id.eq_any(
                horizon_briefing_countries::table
                    .filter(horizon_briefing_countries::country_id.eq(country))
                    .select(horizon_briefing_countries::briefing_id),
            ),
        );
    }
    if let Some(session) = filter.session_id {
        query = query.filter(horizon_briefings::session_id.eq(session));
    }
    if let Some(year) = filter.year {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year.saturating_add(1), 1, 1).unwrap_or(NaiveDate::MAX);
        query = query.filter(horizon_briefings::briefing_on.ge(from)).filter(horizon_briefings::briefing_on.lt(to));
    }
    query
}

impl Briefing {
    pub fn status(&self) -> BriefingStatus {
        BriefingStatus::from_db(&self.status)
    }

    pub fn page(conn: &mut DbConnection, filter: &BriefingFilter, page: &PageRequest) -> QueryResult<Page<Briefing>> {
        keyset_page!(
            conn,
            briefings_filtered(filter).select(Briefing::as_select()),
            horizon_briefings::id,
            horizon_briefings::updated_at,
            page
        )
    }

    pub fn count(conn: &mut DbConnection, filter: &BriefingFilter) -> QueryResult<i64> {
        briefings_filtered(filter).count().get_result(conn)
    }

    /// A briefing by key: a delivered one for anyone, a scheduled one only with `include_scheduled`.
    pub fn by_key(conn: &mut DbConnection, key: &str, include_scheduled: bool) -> QueryResult<Option<Briefing>> {
        briefings_filtered(&BriefingFilter { include_scheduled, ..Default::default() })
            .filter(horizon_briefings::key.eq(key.to_owned()))
            .select(Briefing::as_select())
            .first(conn)
            .optional()
    }

    /// The countries a briefing covers.
    pub fn country_ids(conn: &mut DbConnection, briefing_id: i64) -> QueryResult<Vec<i64>> {
        horizon_briefing_countries::table
            .filter(horizon_briefing_countries::briefing_id.eq(briefing_id))
            .order(horizon_briefing_countries::country_id)
            .select(horizon_briefing_countries::country_id)
            .load(conn)
    }

    /// Records a scheduled briefing, keyed `HSB-<year>-nnnn` (`DEMO-HSB-…` when fictional), audited.
    pub fn record(
        conn: &mut DbConnection,
        new: &NewBriefing,
        audit: &crate::audit::Entry,
    ) -> Result<Briefing, WorkflowError> {
        use horizon_briefings as b;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let at = now();
            let values = (
                b::briefing_on.eq(new.briefing_on),
                b::session_id.eq(new.session_id),
                b::regional_group_id.eq(new.regional_group_id),
                b::title.eq(&new.title),
                b::text_en.eq(&new.text_en),
                b::text_zh.eq(&new.text_zh),
                b::status.eq(BriefingStatus::Scheduled.as_str()),
                b::source.eq(&new.source),
                b::fictional.eq(new.fictional),
                b::created_at.eq(at),
                b::updated_at.eq(at),
            );
            let (id, key) = insert_keyed!(conn, b, values, |id| format!(
                "{}HSB-{}-{id:04}",
                if new.fictional { "DEMO-" } else { "" },
                new.briefing_on.year()
            ));
            for country in &new.country_ids {
                diesel::insert_into(horizon_briefing_countries::table)
                    .values((
                        horizon_briefing_countries::briefing_id.eq(id),
                        horizon_briefing_countries::country_id.eq(country),
                    ))
                    .execute(conn)?;
            }
            crate::audit::Entry { entity_key: key, ..audit.clone() }.write(conn, at)?;
            Ok(b::table.find(id).select(Briefing::as_select()).first(conn)?)
        })
    }

    /// Marks a scheduled briefing delivered (it becomes public), at version `expected`, audited.
    pub fn deliver(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        delivered_on: NaiveDate,
        audit: &crate::audit::Entry,
    ) -> Result<Briefing, WorkflowError> {
        use horizon_briefings as b;
        conn.transaction(|conn| {
            let at = now();
            let updated = diesel::update(
                b::table
                    .filter(b::key.eq(key))
                    .filter(b::version.eq(expected))
                    .filter(b::status.eq(BriefingStatus::Scheduled.as_str())),
            )
            .set((
                b::status.eq(BriefingStatus::Delivered.as_str()),
                b::briefing_on.eq(delivered_on),
                b::version.eq(expected.saturating_add(1)),
                b::updated_at.eq(at),
            ))
            .execute(conn)?;
            let current = Self::by_key(conn, key, true)?.ok_or(WorkflowError::NotFound)?;
            if updated == 0 {
                return Err(if current.version != expected {
                    WorkflowError::Stale { current: current.version }
                } else {
                    WorkflowError::Transition {
                        from: BriefingStatus::Delivered.as_str(),
                        to: BriefingStatus::Delivered.as_str(),
                        allowed: Vec::new(),
                    }
                });
            }
            audit.write(conn, at)?;
            Ok(current)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn o(country_id: i64, on: &str, category: SignalCategory, severity: Severity) -> Observation {
        Observation { country_id, observed_on: day(on), category, severity }
    }

    /// The fixture of the API test, computed by hand: period 2025-04-01..2025-06-30 (91 days), so the previous
    /// period is 2024-12-31..2025-03-31; threshold 3 grave signals in 30 days.
    #[test]
    fn the_analysis_counts_trends_and_crossings_as_computed_by_hand() {
        use Severity::*;
        use SignalCategory::*;
        let observations = vec![
            // Country 1: grave on 04-01, 04-20, 04-30 (3 within 30 days: 04-01..04-30), and 06-15: crosses.
            o(1, "2025-04-01", EnforcedDisappearances, High),
            o(1, "2025-04-20", ExtrajudicialExecutions, Critical),
            o(1, "2025-04-30", EnforcedDisappearances, High),
            o(1, "2025-06-15", TortureSurge, Medium),
            // A non-grave signal in the period counts in totals, not towards the threshold.
            o(1, "2025-04-10", NonCooperation, Low),
            // Country 2: grave on 05-01, 05-20, 06-05: 05-01..05-30 holds two, 05-20..06-18 holds two: no crossing.
            o(2, "2025-05-01", TargetingCivilSociety, High),
            o(2, "2025-05-20", TargetingCivilSociety, High),
            o(2, "2025-06-05", TortureSurge, High),
            // Previous period: two for country 2, one for country 1.
            o(2, "2025-01-15", TargetingCivilSociety, High),
            o(2, "2025-03-31", DenialOfAccess, Medium),
            o(1, "2024-12-31", EnforcedDisappearances, High),
        ];
        let periods = Periods::new(day("2025-04-01"), day("2025-06-30")).unwrap();
        assert_eq!((periods.previous_from, periods.previous_to), (day("2024-12-31"), day("2025-03-31")));
        let analysis = analyse(&observations, periods, &Threshold::default());
        assert_eq!((analysis.total, analysis.previous_total), (8, 3));
        assert_eq!(
            analysis.countries,
            vec![
                CountryCount { country_id: 1, count: 5, previous_count: 1 },
                CountryCount { country_id: 2, count: 3, previous_count: 2 },
            ]
        );
        let cell = |c, s| analysis.cells.iter().find(|x| x.category == c && x.severity == s).cloned();
        assert_eq!(cell(EnforcedDisappearances, High).map(|c| (c.count, c.previous_count)), Some((2, 1)));
        assert_eq!(cell(TargetingCivilSociety, High).map(|c| (c.count, c.previous_count)), Some((2, 1)));
        assert_eq!(cell(DenialOfAccess, Medium).map(|c| (c.count, c.previous_count)), Some((0, 1)));
        assert_eq!(analysis.cells.len(), 7);
        assert_eq!(
            analysis.crossings,
            vec![Crossing {
                country_id: 1,
                signals: 3,
                window_starts_on: day("2025-04-01"),
                window_ends_on: day("2025-04-30"),
                categories: vec![EnforcedDisappearances, ExtrajudicialExecutions],
            }]
        );
        // A 50-day window takes country 2 over too (05-01..06-19 holds its three).
        let wide = Threshold { window_days: 50, ..Threshold::default() };
        let crossed: Vec<i64> = analyse(&observations, periods, &wide).crossings.iter().map(|c| c.country_id).collect();
        assert_eq!(crossed, vec![1, 2]);
    }
}

/// What [`demo`] added.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub signals: usize,
    pub verified: usize,
    pub briefings: usize,
    /// True when fictional signals were already there and nothing was added.
    pub already_loaded: bool,
}

/// Fictional, flagged early-warning data for analysts' dashboards: 150 signals over 2024–2025 in every status (with
/// their verification steps), two countries whose grave verified signals cluster enough to cross the default
/// threshold, and three briefings (two delivered). Every row is `fictional`, keyed `DEMO-…`, and says FICTIONAL; no
/// real source, person or event is named. The same seed gives the same data; a second load adds nothing.
pub fn demo(conn: &mut DbConnection, seed: u64) -> Result<DemoReport, WorkflowError> {
    use rand::prelude::IndexedRandom;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    const ACTOR: &str = "demo-loader";

    let loaded: i64 =
        early_warning_signals::table.filter(early_warning_signals::fictional.eq(true)).count().get_result(conn)?;
    if loaded > 0 {
        return Ok(DemoReport { already_loaded: true, ..DemoReport::default() });
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6577_7321);
    let states: Vec<(i64, Option<i64>)> = countries::table
        .filter(countries::un_status.eq("MEMBER"))
        .order(countries::iso3)
        .select((countries::id, countries::regional_group_id))
        .load(conn)?;
    let chosen: Vec<(i64, Option<i64>)> = states.choose_multiple(&mut rng, 24).copied().collect();
    let audit = crate::audit::Entry {
        actor: ACTOR.into(),
        action: "early_warning_signal.report",
        entity: "EarlyWarningSignal",
        entity_key: String::new(),
        detail: r#"{"fictional":true}"#.into(),
    };
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut report = DemoReport::default();
    let mut add = |conn: &mut DbConnection,
                   rng: &mut StdRng,
                   country_id: i64,
                   observed_on: NaiveDate,
                   category: SignalCategory,
                   severity: Severity,
                   target: SignalStatus|
     -> Result<(), WorkflowError> {
        let n = report.signals + 1;
        let fields = SignalFields {
            country_id,
            observed_on,
            reported_on: observed_on.checked_add_days(chrono::Days::new(rng.random_range(0..6))).unwrap_or(observed_on),
            source_kind: *SignalSource::ALL.choose(rng).unwrap_or(&SignalSource::CivilSociety),
            source_reference: format!("FICTIONAL source file {n:04}"),
            category,
            severity,
            description: format!("[FICTIONAL DEMO DATA] generated signal {n}: no such event was observed."),
            links: SignalLinks::default(),
        };
        let mut signal = Signal::report(conn, &fields, true, ACTOR, "FICTIONAL: generated", &audit)?;
        report.signals += 1;
        let path: &[SignalStatus] = match target {
            SignalStatus::Reported => &[],
            SignalStatus::UnderVerification => &[SignalStatus::UnderVerification],
            SignalStatus::Verified => &[SignalStatus::UnderVerification, SignalStatus::Verified],
            SignalStatus::Dismissed => &[SignalStatus::UnderVerification, SignalStatus::Dismissed],
        };
        for to in path {
            let step = crate::audit::Entry {
                action: "early_warning_signal.move",
                entity_key: signal.key.clone(),
                ..audit.clone()
            };
            signal =
                Signal::transition(conn, &signal.key, signal.version, *to, ACTOR, "FICTIONAL: generated step", &step)?;
        }
        if target == SignalStatus::Verified {
            report.verified += 1;
        }
        Ok(())
    };
    for _ in 0..130 {
        let (country, _) = *chosen.choose(&mut rng).unwrap_or(&(0, None));
        let day = start.checked_add_days(chrono::Days::new(rng.random_range(0..730))).unwrap_or(start);
        let status = match rng.random_range(0..20) {
            0..=11 => SignalStatus::Verified,
            12..=14 => SignalStatus::Dismissed,
            15..=17 => SignalStatus::UnderVerification,
            _ => SignalStatus::Reported,
        };
        let category = *SignalCategory::ALL.choose(&mut rng).unwrap_or(&SignalCategory::Other);
        let severity = *Severity::ALL.choose(&mut rng).unwrap_or(&Severity::Medium);
        add(conn, &mut rng, country, day, category, severity, status)?;
    }
    // Two countries whose grave verified signals cluster: ten each within three weeks of 2025.
    for (i, (country, _)) in chosen.iter().take(2).enumerate() {
        let first = NaiveDate::from_ymd_opt(2025, 3 + 4 * i as u32, 3).unwrap_or_default();
        for k in 0..10 {
            let day = first.checked_add_days(chrono::Days::new(2 * k)).unwrap_or(first);
            let category = *SignalCategory::GRAVE.choose(&mut rng).unwrap_or(&SignalCategory::TortureSurge);
            add(conn, &mut rng, *country, day, category, Severity::High, SignalStatus::Verified)?;
        }
    }
    // Briefings: one per region for three regions, the last only scheduled.
    let groups: Vec<i64> = chosen.iter().filter_map(|(_, g)| *g).collect::<BTreeSet<_>>().into_iter().take(3).collect();
    for (i, group) in groups.iter().enumerate() {
        let countries: BTreeSet<i64> = chosen.iter().filter(|(_, g)| *g == Some(*group)).map(|(c, _)| *c).collect();
        let day = NaiveDate::from_ymd_opt(2025, 3 + 3 * i as u32, 15).unwrap_or_default();
        let new = NewBriefing {
            briefing_on: day,
            session_id: None,
            regional_group_id: Some(*group),
            country_ids: countries,
            title: format!("[FICTIONAL DEMO DATA] regional horizon scan {}", i + 1),
            text_en: "[FICTIONAL DEMO DATA] generated briefing text: no such briefing was given.".into(),
            text_zh: None,
            source: "FICTIONAL demonstration data".into(),
            fictional: true,
        };
        let entry = crate::audit::Entry { action: "horizon_briefing.record", ..audit.clone() };
        let briefing = Briefing::record(conn, &new, &entry)?;
        if i < 2 {
            let entry = crate::audit::Entry {
                action: "horizon_briefing.deliver",
                entity_key: briefing.key.clone(),
                ..audit.clone()
            };
            Briefing::deliver(conn, &briefing.key, briefing.version, day, &entry)?;
        }
        report.briefings += 1;
    }
    Ok(report)
}
