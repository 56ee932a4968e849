//! Intimidation and reprisals against those who cooperate with the United Nations in the field of human rights
//! (resolution 45/31, preamble; A/HRC/43/37 para 52; the Secretary-General's annual report under resolution 12/2).
//!
//! A case holds the person's identity, which only the reprisals officer reads. A case is public only while it is
//! published and the person's consent to publish it stands; the name only while consent to publish the name stands
//! too. Both are decided by [`public_cases`] and [`name_consented`], evaluated in SQL at every read, and every
//! public path (lists, `node`, counts) goes through them: withdrawing consent hides the case at once, everywhere.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::exists;
use diesel::prelude::*;

use super::page::keyset_page;
use super::write::{insert_keyed, lock_for_write, now, WorkflowError};
use super::{text_enum, Page, PageRequest};
use crate::connection::MultiBackend;
use crate::schema::{
    countries, mechanisms, reprisal_case_acts, reprisal_case_cycles, reprisal_cases, reprisal_consents,
    reprisal_follow_ups,
};
use crate::DbConnection;

text_enum!(
    /// On what occasion the person cooperated with the United Nations.
    Occasion { Session = "SESSION", Visit = "VISIT", Communication = "COMMUNICATION", Upr = "UPR", Other = "OTHER" }
);
text_enum!(
    /// Who the person is.
    PersonKind {
        HumanRightsDefender = "HUMAN_RIGHTS_DEFENDER",
        Journalist = "JOURNALIST",
        Lawyer = "LAWYER",
        NgoRepresentative = "NGO_REPRESENTATIVE",
        VictimOrRelative = "VICTIM_OR_RELATIVE",
        Witness = "WITNESS",
        Other = "OTHER",
    }
);
text_enum!(
    /// What was done to the person.
    ReprisalAct {
        ArrestOrDetention = "ARREST_OR_DETENTION",
        TravelBan = "TRAVEL_BAN",
        Threats = "THREATS",
        Surveillance = "SURVEILLANCE",
        SmearCampaign = "SMEAR_CAMPAIGN",
        LossOfEmployment = "LOSS_OF_EMPLOYMENT",
        Violence = "VIOLENCE",
        Other = "OTHER",
    }
);
text_enum!(
    /// Where a case stands.
    CaseStatus { Open = "OPEN", UnderFollowUp = "UNDER_FOLLOW_UP", Closed = "CLOSED" }
);
text_enum!(
    /// What the person consented to.
    ConsentScope { PublishCase = "PUBLISH_CASE", PublishName = "PUBLISH_NAME" }
);

/// A reprisal case, whole (identity included: the reprisals officer's).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reprisal_cases)]
pub struct Case {
    pub id: i64,
    pub key: String,
    pub public_key: String,
    pub country_id: i64,
    pub mechanism_id: i64,
    pub occasion: String,
    pub session_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub communication_id: Option<i64>,
    pub person_kind: String,
    pub person_name: String,
    pub person_details: String,
    pub summary: String,
    pub first_act_on: NaiveDate,
    pub last_act_on: Option<NaiveDate>,
    pub government_response: Option<String>,
    pub government_responded_on: Option<NaiveDate>,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A published case as the public may read it: nothing identifying, and the name only with consent to it.
#[derive(Debug, Clone)]
pub struct PublicCase {
    pub case: Case,
    /// The person's name, present only while consent to publish it stands.
    pub consented_name: Option<String>,
}

/// A case's content, as the reprisals officer records it.
#[derive(Debug, Clone)]
pub struct CaseFields {
    pub country_id: i64,
    pub mechanism_id: i64,
    pub occasion: Occasion,
    pub session_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub communication_id: Option<i64>,
    pub person_kind: PersonKind,
    pub person_name: String,
    pub person_details: String,
    pub summary: String,
    pub acts: BTreeSet<ReprisalAct>,
    pub first_act_on: NaiveDate,
    pub last_act_on: Option<NaiveDate>,
    pub government_response: Option<String>,
    pub government_responded_on: Option<NaiveDate>,
    pub status: CaseStatus,
    /// The Secretary-General's reports it appears in: year, and symbol where known.
    pub cycles: BTreeMap<i32, Option<String>>,
}

impl PartialOrd for ReprisalAct {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ReprisalAct {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let at = |a: &ReprisalAct| ReprisalAct::ALL.iter().position(|x| x == a);
        at(self).cmp(&at(other))
    }
}

/// An act done to a case's person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAct {
    pub case_id: i64,
    pub act: ReprisalAct,
}

/// A Secretary-General's report a case appears in.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reprisal_case_cycles)]
pub struct CaseCycle {
    pub case_id: i64,
    pub report_year: i32,
    pub report_symbol: Option<String>,
}

/// A recorded consent.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reprisal_consents)]
pub struct Consent {
    pub id: i64,
    pub case_id: i64,
    pub scope: String,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A follow-up action on a case.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reprisal_follow_ups)]
pub struct FollowUp {
    pub id: i64,
    pub case_id: i64,
    pub taken_on: NaiveDate,
    pub action: String,
    pub actor: String,
    pub created_at: NaiveDateTime,
}

/// Which cases a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case (the reprisals officer, the secretariat, the Council's Bureau).
    All,
    /// Published cases with standing consent (everyone).
    Public,
}

/// Filters on cases.
#[derive(Debug, Clone)]
pub struct CaseFilter {
    pub scope: CaseScope,
    pub country_id: Option<i64>,
    pub mechanism_id: Option<i64>,
    pub act: Option<ReprisalAct>,
    pub person_kind: Option<PersonKind>,
    pub status: Option<CaseStatus>,
    /// Appears in the Secretary-General's report of this year.
    pub report_year: Option<i32>,
    /// Published (true) or not; staff only, since the public sees published cases alone.
    pub published: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
    pub fictional: Option<bool>,
}

impl CaseFilter {
    pub fn scoped(scope: CaseScope) -> CaseFilter {
        CaseFilter {
            scope,
            country_id: None,
            mechanism_id: None,
            act: None,
            person_kind: None,
            status: None,
            report_year: None,
            published: None,
            updated_since: None,
            fictional: None,
        }
    }
}

/// Whether a standing (not withdrawn) consent of a scope exists for the case of the row (an `IN` over the standing
/// consents, evaluated by the database at the moment it reads).
macro_rules! consent_stands {
    ($scope:expr) => {
        reprisal_cases::id.eq_any(
            reprisal_consents::table
                .filter(reprisal_consents::scope.eq($scope.as_str()))
                .filter(reprisal_consents::withdrawn_on.is_null())
                .select(reprisal_consents::case_id),
        )
    };
}

/// The cases the public may read: published, with the person's consent to publish the case standing. Every public
/// path filters through this, in SQL, at the moment it reads.
pub fn public_cases() -> reprisal_cases::BoxedQuery<'static, MultiBackend> {
    reprisal_cases::table
        .into_boxed()
        .filter(reprisal_cases::published_on.is_not_null())
        .filter(consent_stands!(ConsentScope::PublishCase))
}

/// Of these cases, those whose person's consent to publish the name stands.
fn names_consented(conn: &mut DbConnection, case_ids: &[i64]) -> QueryResult<BTreeSet<i64>> {
    Ok(reprisal_consents::table
        .filter(reprisal_consents::case_id.eq_any(case_ids.to_vec()))
        .filter(reprisal_consents::scope.eq(ConsentScope::PublishName.as_str()))
        .filter(reprisal_consents::withdrawn_on.is_null())
        .select(reprisal_consents::case_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

fn filtered(filter: &CaseFilter) -> reprisal_cases::BoxedQuery<'static, MultiBackend> {
    let mut query = match filter.scope {
        CaseScope::All => reprisal_cases::table.into_boxed(),
        CaseScope::Public => public_cases(),
    };
    if let Some(id) = filter.country_id {
        query = query.filter(reprisal_cases::country_id.eq(id));
    }
    if let Some(id) = filter.mechanism_id {
        query = query.filter(reprisal_cases::mechanism_id.eq(id));
    }
    if let Some(act) = filter.act {
        query = query.filter(
            reprisal_cases::id.eq_any(
                reprisal_case_acts::table
                    .filter(reprisal_case_acts::act.eq(act.as_str()))
                    .select(reprisal_case_acts::case_id),
            ),
        );
    }
    if let Some(kind) = filter.person_kind {
        query = query.filter(reprisal_cases::person_kind.eq(kind.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(reprisal_cases::status.eq(status.as_str()));
    }
    if let Some(year) = filter.report_year {
        query = query.filter(
            reprisal_cases::id.eq_any(
                reprisal_case_cycles::table
                    .filter(reprisal_case_cycles::report_year.eq(year))
                    .select(reprisal_case_cycles::case_id),
            ),
        );
    }
    match filter.published {
        Some(true) => {
            query = query
                .filter(reprisal_cases::published_on.is_not_null())
                .filter(consent_stands!(ConsentScope::PublishCase))
        }
        Some(false) => {
            query = query.filter(
                reprisal_cases::published_on.is_null().or(diesel::dsl::not(consent_stands!(ConsentScope::PublishCase))),
            )
        }
        None => {}
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(reprisal_cases::updated_at.ge(since));
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(reprisal_cases::fictional.eq(fictional));
    }
    query
}

impl Case {
    pub fn status(&self) -> CaseStatus {
        CaseStatus::from_db(&self.status)
    }

    pub fn page(conn: &mut DbConnection, filter: &CaseFilter, page: &PageRequest) -> QueryResult<Page<Case>> {
        keyset_page!(
            conn,
            filtered(filter).select(Case::as_select()),
            reprisal_cases::id,
            reprisal_cases::updated_at,
            page
        )
    }

    pub fn count(conn: &mut DbConnection, filter: &CaseFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    /// A case by its staff reference (any case: staff only).
    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Case>> {
        reprisal_cases::table.filter(reprisal_cases::key.eq(key)).select(Case::as_select()).first(conn).optional()
    }

    fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Case> {
        reprisal_cases::table.find(id).select(Case::as_select()).first(conn)
    }

    /// A page of public cases, each with its name where consent to publish it stands.
    pub fn public_page(
        conn: &mut DbConnection,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> QueryResult<Page<PublicCase>> {
        let filter = CaseFilter { scope: CaseScope::Public, ..filter.clone() };
        let rows: QueryResult<Page<Case>> = keyset_page!(
            conn,
            filtered(&filter).select(Case::as_select()),
            reprisal_cases::id,
            reprisal_cases::updated_at,
            page
        );
        let rows = rows?;
        let ids: Vec<i64> = rows.rows.iter().map(|c| c.id).collect();
        let named = names_consented(conn, &ids)?;
        Ok(Page { rows: rows.rows.into_iter().map(|c| public(c, &named)).collect(), has_more: rows.has_more })
    }

    /// A public case by its public reference; `None` for one that is not (or no longer) public.
    pub fn public_by_key(conn: &mut DbConnection, public_key: &str) -> QueryResult<Option<PublicCase>> {
        let Some(case) = public_cases()
            .filter(reprisal_cases::public_key.eq(public_key.to_owned()))
            .select(Case::as_select())
            .first::<Case>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let named = names_consented(conn, &[case.id])?;
        Ok(Some(public(case, &named)))
    }

    /// The acts done to the persons of these cases, each case's in declaration order.
    pub fn acts_of(conn: &mut DbConnection, case_ids: &[i64]) -> QueryResult<Vec<CaseAct>> {
        let mut acts: Vec<CaseAct> = reprisal_case_acts::table
            .filter(reprisal_case_acts::case_id.eq_any(case_ids.to_vec()))
            .select((reprisal_case_acts::case_id, reprisal_case_acts::act))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .map(|(case_id, act)| CaseAct { case_id, act: ReprisalAct::from_db(&act) })
            .collect();
        acts.sort_by_key(|a| (a.case_id, a.act));
        Ok(acts)
    }

    /// The Secretary-General's reports these cases appear in, each case's by year.
    pub fn cycles_of(conn: &mut DbConnection, case_ids: &[i64]) -> QueryResult<Vec<CaseCycle>> {
        reprisal_case_cycles::table
            .filter(reprisal_case_cycles::case_id.eq_any(case_ids.to_vec()))
            .order((reprisal_case_cycles::case_id, reprisal_case_cycles::report_year))
            .select(CaseCycle::as_select())
            .load(conn)
    }

    /// The consents recorded for these cases, each case's oldest first.
    pub fn consents_of(conn: &mut DbConnection, case_ids: &[i64]) -> QueryResult<Vec<Consent>> {
        reprisal_consents::table
            .filter(reprisal_consents::case_id.eq_any(case_ids.to_vec()))
            .order((reprisal_consents::case_id, reprisal_consents::id))
            .select(Consent::as_select())
            .load(conn)
    }

    /// The follow-up actions on these cases, each case's oldest first.
    pub fn follow_ups_of(conn: &mut DbConnection, case_ids: &[i64]) -> QueryResult<Vec<FollowUp>> {
        reprisal_follow_ups::table
            .filter(reprisal_follow_ups::case_id.eq_any(case_ids.to_vec()))
            .order((reprisal_follow_ups::case_id, reprisal_follow_ups::id))
            .select(FollowUp::as_select())
            .load(conn)
    }

    fn set_lists(conn: &mut DbConnection, case_id: i64, fields: &CaseFields) -> QueryResult<()> {
        diesel::delete(reprisal_case_acts::table.filter(reprisal_case_acts::case_id.eq(case_id))).execute(conn)?;
        for act in &fields.acts {
            diesel::insert_into(reprisal_case_acts::table)
                .values((reprisal_case_acts::case_id.eq(case_id), reprisal_case_acts::act.eq(act.as_str())))
                .execute(conn)?;
        }
        diesel::delete(reprisal_case_cycles::table.filter(reprisal_case_cycles::case_id.eq(case_id))).execute(conn)?;
        for (year, symbol) in &fields.cycles {
            diesel::insert_into(reprisal_case_cycles::table)
                .values((
                    reprisal_case_cycles::case_id.eq(case_id),
                    reprisal_case_cycles::report_year.eq(year),
                    reprisal_case_cycles::report_symbol.eq(symbol),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Records a case, keyed `RC-nnnnn` (`DEMO-RC-…` when fictional) with a random public reference, audited.
    pub fn record(
        conn: &mut DbConnection,
        fields: &CaseFields,
        fictional: bool,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        use reprisal_cases as c;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let at = now();
            let public_key = format!("{}{:012x}", if fictional { "demo-" } else { "" }, rand::random::<u64>() >> 16);
            let values = (
                c::public_key.eq(&public_key),
                c::country_id.eq(fields.country_id),
                c::mechanism_id.eq(fields.mechanism_id),
                c::occasion.eq(fields.occasion.as_str()),
                c::session_id.eq(fields.session_id),
                c::visit_id.eq(fields.visit_id),
                c::communication_id.eq(fields.communication_id),
                c::person_kind.eq(fields.person_kind.as_str()),
                c::person_name.eq(&fields.person_name),
                c::person_details.eq(&fields.person_details),
                c::summary.eq(&fields.summary),
                c::first_act_on.eq(fields.first_act_on),
                c::last_act_on.eq(fields.last_act_on),
                c::government_response.eq(&fields.government_response),
                c::government_responded_on.eq(fields.government_responded_on),
                c::status.eq(fields.status.as_str()),
                c::fictional.eq(fictional),
                c::created_at.eq(at),
                c::updated_at.eq(at),
            );
            let (id, key) =
                insert_keyed!(conn, c, values, |id| format!("{}RC-{id:05}", if fictional { "DEMO-" } else { "" }));
            Self::set_lists(conn, id, fields)?;
            crate::audit::Entry { entity_key: key, ..audit.clone() }.write(conn, at)?;
            Ok(Self::by_id(conn, id)?)
        })
    }

    /// Rewrites a case's content at version `expected`, audited.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        fields: &CaseFields,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        use reprisal_cases as c;
        conn.transaction(|conn| {
            let at = now();
            let updated = diesel::update(c::table.filter(c::key.eq(key)).filter(c::version.eq(expected)))
                .set((
                    (
                        c::country_id.eq(fields.country_id),
                        c::mechanism_id.eq(fields.mechanism_id),
                        c::occasion.eq(fields.occasion.as_str()),
                        c::session_id.eq(fields.session_id),
                        c::visit_id.eq(fields.visit_id),
                        c::communication_id.eq(fields.communication_id),
                        c::person_kind.eq(fields.person_kind.as_str()),
                        c::person_name.eq(&fields.person_name),
                        c::person_details.eq(&fields.person_details),
                        c::summary.eq(&fields.summary),
                    ),
                    (
                        c::first_act_on.eq(fields.first_act_on),
                        c::last_act_on.eq(fields.last_act_on),
                        c::government_response.eq(&fields.government_response),
                        c::government_responded_on.eq(fields.government_responded_on),
                        c::status.eq(fields.status.as_str()),
                        c::version.eq(expected.saturating_add(1)),
                        c::updated_at.eq(at),
                    ),
                ))
                .execute(conn)?;
            let current = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            if updated == 0 {
                return Err(WorkflowError::Stale { current: current.version });
            }
            Self::set_lists(conn, current.id, fields)?;
            audit.write(conn, at)?;
            Ok(current)
        })
    }

    /// Bumps a case's version and `updated_at` (a consent or publication changed what it shows), checking
    /// `expected` when given.
    fn touch(
        conn: &mut DbConnection,
        case: &Case,
        expected: Option<i32>,
        at: NaiveDateTime,
    ) -> Result<(), WorkflowError> {
        use reprisal_cases as c;
        let version = expected.unwrap_or(case.version);
        let updated = diesel::update(c::table.find(case.id).filter(c::version.eq(version)))
            .set((c::version.eq(version.saturating_add(1)), c::updated_at.eq(at)))
            .execute(conn)?;
        if updated == 0 {
            return Err(WorkflowError::Stale { current: Self::by_id(conn, case.id)?.version });
        }
        Ok(())
    }

    /// Records the person's consent of `scope`, given on `given_on`; a consent of that scope must not stand already.
    pub fn record_consent(
        conn: &mut DbConnection,
        key: &str,
        scope: ConsentScope,
        given_on: NaiveDate,
        actor: &str,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let case = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            let at = now();
            let inserted = diesel::insert_into(reprisal_consents::table)
                .values((
                    reprisal_consents::case_id.eq(case.id),
                    reprisal_consents::scope.eq(scope.as_str()),
                    reprisal_consents::given_on.eq(given_on),
                    reprisal_consents::recorded_by.eq(actor),
                    reprisal_consents::created_at.eq(at),
                    reprisal_consents::updated_at.eq(at),
                ))
                .execute(conn);
            if let Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) =
                inserted
            {
                return Err(WorkflowError::Conflict(format!("a consent of scope {} already stands", scope.as_str())));
            }
            inserted?;
            Self::touch(conn, &case, None, at)?;
            audit.write(conn, at)?;
            Ok(Self::by_id(conn, case.id)?)
        })
    }

    /// Records that the person withdrew consent of `scope` on `withdrawn_on`. Withdrawing consent to publish the
    /// case also unpublishes it (so that a new consent needs a new decision to publish).
    pub fn withdraw_consent(
        conn: &mut DbConnection,
        key: &str,
        scope: ConsentScope,
        withdrawn_on: NaiveDate,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        use reprisal_consents as k;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let case = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            let at = now();
            let standing = k::table
                .filter(k::case_id.eq(case.id))
                .filter(k::scope.eq(scope.as_str()))
                .filter(k::withdrawn_on.is_null());
            let given: Option<NaiveDate> = standing.select(k::given_on).first(conn).optional()?;
            let Some(given) = given else {
                return Err(WorkflowError::Conflict(format!("no consent of scope {} stands", scope.as_str())));
            };
            if withdrawn_on < given {
                return Err(WorkflowError::Invalid {
                    field: "withdrawnOn",
                    message: format!("the consent was given on {given}: it cannot be withdrawn before"),
                });
            }
            diesel::update(standing).set((k::withdrawn_on.eq(withdrawn_on), k::updated_at.eq(at))).execute(conn)?;
            if scope == ConsentScope::PublishCase {
                diesel::update(reprisal_cases::table.find(case.id))
                    .set(reprisal_cases::published_on.eq(None::<NaiveDate>))
                    .execute(conn)?;
            }
            Self::touch(conn, &case, None, at)?;
            audit.write(conn, at)?;
            Ok(Self::by_id(conn, case.id)?)
        })
    }

    /// Publishes a case (anonymised, as the public reads it) at version `expected`: only with standing consent to
    /// publish it. `None` unpublishes it.
    pub fn set_published(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        published_on: Option<NaiveDate>,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let case = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            if case.version != expected {
                return Err(WorkflowError::Stale { current: case.version });
            }
            if published_on.is_some() {
                let consent: bool = diesel::select(exists(
                    reprisal_consents::table
                        .filter(reprisal_consents::case_id.eq(case.id))
                        .filter(reprisal_consents::scope.eq(ConsentScope::PublishCase.as_str()))
                        .filter(reprisal_consents::withdrawn_on.is_null()),
                ))
                .get_result(conn)?;
                if !consent {
                    return Err(WorkflowError::Invalid {
                        field: "id",
                        message: "the person has not consented to the case's publication (or withdrew consent)".into(),
                    });
                }
            }
            let at = now();
            diesel::update(reprisal_cases::table.find(case.id))
                .set(reprisal_cases::published_on.eq(published_on))
                .execute(conn)?;
            Self::touch(conn, &case, Some(expected), at)?;
            audit.write(conn, at)?;
            Ok(Self::by_id(conn, case.id)?)
        })
    }

    /// Appends a follow-up action.
    pub fn add_follow_up(
        conn: &mut DbConnection,
        key: &str,
        taken_on: NaiveDate,
        action: &str,
        actor: &str,
        audit: &crate::audit::Entry,
    ) -> Result<Case, WorkflowError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let case = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            let at = now();
            diesel::insert_into(reprisal_follow_ups::table)
                .values((
                    reprisal_follow_ups::case_id.eq(case.id),
                    reprisal_follow_ups::taken_on.eq(taken_on),
                    reprisal_follow_ups::action.eq(action),
                    reprisal_follow_ups::actor.eq(actor),
                    reprisal_follow_ups::created_at.eq(at),
                ))
                .execute(conn)?;
            Self::touch(conn, &case, None, at)?;
            audit.write(conn, at)?;
            Ok(Self::by_id(conn, case.id)?)
        })
    }
}

fn public(case: Case, named: &BTreeSet<i64>) -> PublicCase {
    let consented_name = named.contains(&case.id).then(|| case.person_name.clone());
    PublicCase { case, consented_name }
}

/// What case counts are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDimension {
    Country,
    /// The year of the first act.
    Year,
    /// Each act (a case counts once under each of its acts).
    Act,
    Mechanism,
    /// The year of each Secretary-General's report it appears in (once under each).
    ReportYear,
}

/// Counts of the cases a filter selects, by a dimension: (group key, count), by key. The group keys are ISO codes,
/// years, act names or mechanism keys.
pub fn counts(conn: &mut DbConnection, filter: &CaseFilter, by: CaseDimension) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<String> = match by {
        CaseDimension::Country => {
            let codes: BTreeMap<i64, String> =
                countries::table.select((countries::id, countries::iso3)).load(conn)?.into_iter().collect();
            let ids: Vec<i64> = filtered(filter).select(reprisal_cases::country_id).load(conn)?;
            ids.iter().filter_map(|id| codes.get(id).cloned()).collect()
        }
        CaseDimension::Mechanism => {
            let keys: BTreeMap<i64, String> =
                mechanisms::table.select((mechanisms::id, mechanisms::key)).load(conn)?.into_iter().collect();
            let ids: Vec<i64> = filtered(filter).select(reprisal_cases::mechanism_id).load(conn)?;
            ids.iter().filter_map(|id| keys.get(id).cloned()).collect()
        }
        CaseDimension::Year => filtered(filter)
            .select(reprisal_cases::first_act_on)
            .load::<NaiveDate>(conn)?
            .into_iter()
            .map(|d| d.year().to_string())
            .collect(),
        CaseDimension::Act | CaseDimension::ReportYear => {
            let ids: Vec<i64> = filtered(filter).select(reprisal_cases::id).load(conn)?;
            let mut rows = Vec::new();
            // In chunks, within SQLite's limit on bound parameters.
            for chunk in ids.chunks(10_000) {
                if by == CaseDimension::Act {
                    rows.extend(
                        reprisal_case_acts::table
                            .filter(reprisal_case_acts::case_id.eq_any(chunk.to_vec()))
                            .select(reprisal_case_acts::act)
                            .load::<String>(conn)?,
                    );
                } else {
                    rows.extend(
                        reprisal_case_cycles::table
                            .filter(reprisal_case_cycles::case_id.eq_any(chunk.to_vec()))
                            .select(reprisal_case_cycles::report_year)
                            .load::<i32>(conn)?
                            .into_iter()
                            .map(|y| y.to_string()),
                    );
                }
            }
            rows
        }
    };
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for key in rows {
        *counts.entry(key).or_default() += 1;
    }
    Ok(counts.into_iter().collect())
}

/// What [`demo`] added.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub cases: usize,
    pub published: usize,
    /// True when fictional cases were already there and nothing was added.
    pub already_loaded: bool,
}

/// Fictional, flagged reprisal cases: 40, each about a person named `FICTIONAL person nnn`, with acts, report
/// cycles, follow-ups and consents; about half published (some with the name), a few with consent withdrawn. No real
/// person, case or event is ever seeded. The same seed gives the same cases; a second load adds nothing.
pub fn demo(conn: &mut DbConnection, seed: u64) -> Result<DemoReport, WorkflowError> {
    use rand::prelude::IndexedRandom;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    const ACTOR: &str = "demo-loader";

    let loaded: i64 = reprisal_cases::table.filter(reprisal_cases::fictional.eq(true)).count().get_result(conn)?;
    if loaded > 0 {
        return Ok(DemoReport { already_loaded: true, ..DemoReport::default() });
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7265_7072);
    let states: Vec<i64> = countries::table
        .filter(countries::un_status.eq("MEMBER"))
        .order(countries::iso3)
        .select(countries::id)
        .load(conn)?;
    let mechanism_ids: Vec<i64> = mechanisms::table
        .filter(mechanisms::key.eq_any(["upr", "special-procedures", "advisory-committee"]))
        .order(mechanisms::id)
        .select(mechanisms::id)
        .load(conn)?;
    let audit = |action: &'static str, key: &str| crate::audit::Entry {
        actor: ACTOR.into(),
        action,
        entity: "ReprisalCase",
        entity_key: key.to_owned(),
        detail: r#"{"fictional":true}"#.into(),
    };
    let mut report = DemoReport::default();
    for n in 1..=40 {
        let first =
            NaiveDate::from_ymd_opt(rng.random_range(2020..=2025), rng.random_range(1..=12), rng.random_range(1..=28))
                .unwrap_or_default();
        let mut acts = BTreeSet::new();
        for _ in 0..rng.random_range(1..=3) {
            acts.insert(*ReprisalAct::ALL.choose(&mut rng).unwrap_or(&ReprisalAct::Threats));
        }
        let mut cycles = BTreeMap::new();
        cycles.insert(first.year() + 1, None);
        if rng.random_bool(0.4) {
            cycles.insert(first.year() + 2, None);
        }
        let occasion = if rng.random_bool(0.5) { Occasion::Upr } else { Occasion::Other };
        let responded = rng.random_bool(0.5);
        let fields = CaseFields {
            country_id: *states.choose(&mut rng).unwrap_or(&0),
            mechanism_id: *mechanism_ids.choose(&mut rng).unwrap_or(&0),
            occasion,
            session_id: None,
            visit_id: None,
            communication_id: None,
            person_kind: *PersonKind::ALL.choose(&mut rng).unwrap_or(&PersonKind::Other),
            person_name: format!("FICTIONAL person {n:03}"),
            person_details: format!("FICTIONAL contact person-{n:03}@example.invalid"),
            summary: format!("[FICTIONAL DEMO DATA] generated case {n}: no such acts took place."),
            acts,
            first_act_on: first,
            last_act_on: None,
            government_response: responded.then(|| "[FICTIONAL DEMO DATA] generated government response.".to_owned()),
            government_responded_on: None,
            status: *CaseStatus::ALL.choose(&mut rng).unwrap_or(&CaseStatus::Open),
            cycles,
        };
        let case = Case::record(conn, &fields, true, &audit("reprisal_case.record", ""))?;
        report.cases += 1;
        if rng.random_bool(0.3) {
            Case::add_follow_up(
                conn,
                &case.key,
                first,
                "FICTIONAL: raised with the State",
                ACTOR,
                &audit("reprisal_case.follow_up", &case.key),
            )?;
        }
        if rng.random_bool(0.55) {
            let given = first.checked_add_days(chrono::Days::new(30)).unwrap_or(first);
            Case::record_consent(
                conn,
                &case.key,
                ConsentScope::PublishCase,
                given,
                ACTOR,
                &audit("reprisal_case.consent", &case.key),
            )?;
            let case = Case::by_key(conn, &case.key)?.ok_or(WorkflowError::NotFound)?;
            Case::set_published(
                conn,
                &case.key,
                case.version,
                Some(given),
                &audit("reprisal_case.publish", &case.key),
            )?;
            if rng.random_bool(0.3) {
                Case::record_consent(
                    conn,
                    &case.key,
                    ConsentScope::PublishName,
                    given,
                    ACTOR,
                    &audit("reprisal_case.consent", &case.key),
                )?;
            }
            if rng.random_bool(0.1) {
                let withdrawn = given.checked_add_days(chrono::Days::new(60)).unwrap_or(given);
                Case::withdraw_consent(
                    conn,
                    &case.key,
                    ConsentScope::PublishCase,
                    withdrawn,
                    &audit("reprisal_case.withdraw_consent", &case.key),
                )?;
            } else {
                report.published += 1;
            }
        }
    }
    Ok(report)
}
