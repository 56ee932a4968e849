//! The Implementation Fund and the voluntary funds: the advisory committee, its versioned assistance criteria,
//! requests from States with their workflow, reviews, decisions and disbursements. Amounts are integer minor units
//! (cents) with an ISO 4217 currency; nothing here uses floating point.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::page::keyset_page;
use super::write::{insert_keyed, lock_for_write, now, WorkflowError};
use super::{text_enum, Page, PageRequest};
use crate::connection::MultiBackend;
use crate::schema::{
    countries, fund_committee_members, fund_criteria, fund_criteria_versions, fund_disbursements, fund_request_events,
    fund_request_recommendations, fund_requests, fund_review_scores, fund_reviews, funds, recommendation_sdg_targets,
    recommendation_terms, recommendations, sdg_targets, thesaurus_terms,
};
use crate::DbConnection;

text_enum!(
    /// What a fund is.
    FundKind { ImplementationFund = "IMPLEMENTATION_FUND", VoluntaryFund = "VOLUNTARY_FUND", TrustFund = "TRUST_FUND" }
);
text_enum!(
    /// Whether a fund operates yet.
    FundStatus { Proposed = "PROPOSED", Operating = "OPERATING" }
);
text_enum!(
    /// Where a request stands.
    RequestStatus {
        Draft = "DRAFT",
        Submitted = "SUBMITTED",
        UnderReview = "UNDER_REVIEW",
        InformationRequested = "INFORMATION_REQUESTED",
        Approved = "APPROVED",
        Rejected = "REJECTED",
        Disbursed = "DISBURSED",
        Completed = "COMPLETED",
        Withdrawn = "WITHDRAWN",
    }
);
text_enum!(
    /// A committee member's recommendation on a request.
    ReviewRecommendation { Approve = "APPROVE", Reject = "REJECT", RequestInformation = "REQUEST_INFORMATION" }
);

impl RequestStatus {
    /// The statuses a request may move to from this one.
    pub fn next(self) -> &'static [RequestStatus] {
        use RequestStatus::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[UnderReview, Withdrawn],
            UnderReview => &[InformationRequested, Approved, Rejected, Withdrawn],
            InformationRequested => &[UnderReview, Withdrawn],
            Approved => &[Disbursed],
            Disbursed => &[Completed],
            Rejected | Completed | Withdrawn => &[],
        }
    }

    /// Whether the request is a grant (approved, and perhaps disbursed or completed): public.
    pub fn is_grant(self) -> bool {
        matches!(self, RequestStatus::Approved | RequestStatus::Disbursed | RequestStatus::Completed)
    }

    /// Whether the committee reviews the request in this status.
    pub fn in_review(self) -> bool {
        matches!(self, RequestStatus::UnderReview | RequestStatus::InformationRequested)
    }
}

/// Why a fund write did not happen.
pub type FundError = WorkflowError;

/// A fund.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = funds)]
pub struct Fund {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub status: String,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub currency: String,
    pub has_committee: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Fund {
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Fund>> {
        funds::table.order(funds::id).select(Fund::as_select()).load(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Fund>> {
        funds::table.filter(funds::key.eq(key)).select(Fund::as_select()).first(conn).optional()
    }

    pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Fund> {
        funds::table.find(id).select(Fund::as_select()).first(conn)
    }
}

/// A State on a fund's advisory committee.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_committee_members)]
pub struct CommitteeMember {
    pub id: i64,
    pub fund_id: i64,
    pub country_id: i64,
    pub regional_group_id: i64,
    pub term_starts_on: NaiveDate,
    pub term_ends_on: NaiveDate,
    pub representatives: String,
    pub serving: bool,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A member to appoint.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub fund_id: i64,
    pub country_id: i64,
    pub term_starts_on: NaiveDate,
    pub term_ends_on: NaiveDate,
    pub representatives: Vec<String>,
    pub fictional: bool,
}

impl CommitteeMember {
    /// The serving members of a fund's committee.
    pub fn serving(conn: &mut DbConnection, fund_id: i64) -> QueryResult<Vec<CommitteeMember>> {
        fund_committee_members::table
            .filter(fund_committee_members::fund_id.eq(fund_id))
            .filter(fund_committee_members::serving.eq(true))
            .order(fund_committee_members::regional_group_id)
            .select(CommitteeMember::as_select())
            .load(conn)
    }

    /// The serving member for a State, if it sits on the fund's committee.
    pub fn serving_for(conn: &mut DbConnection, fund_id: i64, country_id: i64) -> QueryResult<Option<CommitteeMember>> {
        fund_committee_members::table
            .filter(fund_committee_members::fund_id.eq(fund_id))
            .filter(fund_committee_members::country_id.eq(country_id))
            .filter(fund_committee_members::serving.eq(true))
            .select(CommitteeMember::as_select())
            .first(conn)
            .optional()
    }

    pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CommitteeMember>> {
        fund_committee_members::table.find(id).select(CommitteeMember::as_select()).first(conn).optional()
    }

    /// Appoints a State to a fund's committee: one serving member per regional group (the database enforces it),
    /// the group being the State's own.
    pub fn appoint(
        conn: &mut DbConnection,
        new: &NewMember,
        audit: &crate::audit::Entry,
    ) -> Result<CommitteeMember, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let fund = Fund::by_id(conn, new.fund_id)?;
            if !fund.has_committee {
                return Err(FundError::Invalid { field: "input.fund", message: format!("{} has no advisory committee", fund.key) });
            }
            let group: Option<i64> =
                countries::table.find(new.country_id).select(countries::regional_group_id).first(conn)?;
            let Some(group) = group else {
                return Err(FundError::Invalid {
                    field: "input.country",
                    message: "only a member State of a regional group can sit on the committee".into(),
                });
            };
            let at = now();
            let inserted = diesel::insert_into(fund_committee_members::table)
                .values((
                    fund_committee_members::fund_id.eq(new.fund_id),
                    fund_committee_members::country_id.eq(new.country_id),
                    fund_committee_members::regional_group_id.eq(group),
                    fund_committee_members::term_starts_on.eq(new.term_starts_on),
                    fund_committee_members::term_ends_on.eq(new.term_ends_on),
                    fund_committee_members::representatives.eq(new.representatives.join("\n")),
                    fund_committee_members::serving.eq(true),
                    fund_committee_members::fictional.eq(new.fictional),
                    fund_committee_members::created_at.eq(at),
                    fund_committee_members::updated_at.eq(at),
                ))
                .execute(conn);
            match inserted {
                Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                    return Err(FundError::Conflict(
                        "that State, or another of its regional group, already sits on the committee: end that term first".into(),
                    ))
                }
                other => other?,
            };
            audit.write(conn, at)?;
            Ok(fund_committee_members::table
                .filter(fund_committee_members::fund_id.eq(new.fund_id))
                .filter(fund_committee_members::country_id.eq(new.country_id))
                .filter(fund_committee_members::serving.eq(true))
                .select(CommitteeMember::as_select())
                .first(conn)?)
        })
    }

    /// Ends a member's term (it stops serving).
    pub fn end_term(
        conn: &mut DbConnection,
        id: i64,
        expected: i32,
        audit: &crate::audit::Entry,
    ) -> Result<CommitteeMember, FundError> {
        conn.transaction(|conn| {
            let at = now();
            let updated = diesel::update(
                fund_committee_members::table
                    .filter(fund_committee_members::id.eq(id))
                    .filter(fund_committee_members::version.eq(expected))
                    .filter(fund_committee_members::serving.eq(true)),
            )
            .set((
                fund_committee_members::serving.eq(false),
                fund_committee_members::version.eq(expected.saturating_add(1)),
                fund_committee_members::updated_at.eq(at),
            ))
            .execute(conn)?;
            let current = CommitteeMember::by_id(conn, id)?.ok_or(FundError::NotFound)?;
            if updated == 0 {
                return Err(if current.version != expected {
                    FundError::Stale { current: current.version }
                } else {
                    FundError::Conflict("that member no longer serves".into())
                });
            }
            audit.write(conn, at)?;
            Ok(current)
        })
    }
}

/// A version of a fund's assistance criteria.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_criteria_versions)]
pub struct CriteriaVersion {
    pub id: i64,
    pub fund_id: i64,
    pub number: i32,
    pub adopted_on: NaiveDate,
    pub fictional: bool,
    pub created_at: NaiveDateTime,
}

/// One criterion.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_criteria)]
pub struct Criterion {
    pub id: i64,
    pub criteria_version_id: i64,
    pub key: String,
    pub description: String,
    pub max_score: i32,
}

impl CriteriaVersion {
    pub fn of_fund(conn: &mut DbConnection, fund_id: i64) -> QueryResult<Vec<CriteriaVersion>> {
        fund_criteria_versions::table
            .filter(fund_criteria_versions::fund_id.eq(fund_id))
            .order(fund_criteria_versions::number)
            .select(CriteriaVersion::as_select())
            .load(conn)
    }

    pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<CriteriaVersion> {
        fund_criteria_versions::table.find(id).select(CriteriaVersion::as_select()).first(conn)
    }

    /// The version in force on a day: the latest adopted on or before it.
    pub fn in_force(conn: &mut DbConnection, fund_id: i64, on: NaiveDate) -> QueryResult<Option<CriteriaVersion>> {
        fund_criteria_versions::table
            .filter(fund_criteria_versions::fund_id.eq(fund_id))
            .filter(fund_criteria_versions::adopted_on.le(on))
            .order((fund_criteria_versions::adopted_on.desc(), fund_criteria_versions::number.desc()))
            .select(CriteriaVersion::as_select())
            .first(conn)
            .optional()
    }

    pub fn criteria(conn: &mut DbConnection, version_id: i64) -> QueryResult<Vec<Criterion>> {
        fund_criteria::table
            .filter(fund_criteria::criteria_version_id.eq(version_id))
            .order(fund_criteria::id)
            .select(Criterion::as_select())
            .load(conn)
    }

    /// Adopts a new version of a fund's criteria, numbered after the last.
    pub fn adopt(
        conn: &mut DbConnection,
        fund_id: i64,
        adopted_on: NaiveDate,
        criteria: &[(String, String, i32)],
        fictional: bool,
        audit: &crate::audit::Entry,
    ) -> Result<CriteriaVersion, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let at = now();
            let last: Option<i32> = fund_criteria_versions::table
                .filter(fund_criteria_versions::fund_id.eq(fund_id))
                .select(diesel::dsl::max(fund_criteria_versions::number))
                .first(conn)?;
            let number = last.unwrap_or(0) + 1;
            diesel::insert_into(fund_criteria_versions::table)
                .values((
                    fund_criteria_versions::fund_id.eq(fund_id),
                    fund_criteria_versions::number.eq(number),
                    fund_criteria_versions::adopted_on.eq(adopted_on),
                    fund_criteria_versions::fictional.eq(fictional),
                    fund_criteria_versions::created_at.eq(at),
                ))
                .execute(conn)?;
            let version: CriteriaVersion = fund_criteria_versions::table
                .filter(fund_criteria_versions::fund_id.eq(fund_id))
                .filter(fund_criteria_versions::number.eq(number))
                .select(CriteriaVersion::as_select())
                .first(conn)?;
            for (key, description, max_score) in criteria {
                diesel::insert_into(fund_criteria::table)
                    .values((
                        fund_criteria::criteria_version_id.eq(version.id),
                        fund_criteria::key.eq(key),
                        fund_criteria::description.eq(description),
                        fund_criteria::max_score.eq(max_score),
                    ))
                    .execute(conn)?;
            }
            audit.write(conn, at)?;
            Ok(version)
        })
    }
}

/// A request from a State.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_requests)]
pub struct FundRequest {
    pub id: i64,
    pub key: String,
    pub fund_id: i64,
    pub country_id: i64,
    pub title: String,
    pub needs_assessment: String,
    pub partners: String,
    pub attachments: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub criteria_version_id: Option<i64>,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reasons: Option<String>,
    pub approved_minor: Option<i64>,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl FundRequest {
    pub fn status(&self) -> RequestStatus {
        RequestStatus::from_db(&self.status)
    }
}

/// What of a request a draft sets.
#[derive(Debug, Clone)]
pub struct DraftFields {
    pub title: String,
    pub needs_assessment: String,
    pub partners: Vec<String>,
    pub attachments: Vec<String>,
    pub amount_minor: i64,
    pub currency: String,
    /// Recommendation ids; each must be addressed to the requesting State.
    pub recommendations: Vec<i64>,
}

/// Which requests a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestScope {
    /// Every request (the fund's secretariat).
    All,
    /// Every request its State has submitted (it has a submission date), whatever its status since: a draft
    /// withdrawn before it was submitted is not one (the committee, the secretariat, the Bureau).
    Submitted,
    /// One State's requests, drafts included (its focal point).
    Country(i64),
    /// One State's requests and every submitted one (a caller with both grants).
    SubmittedOrCountry(i64),
    /// Grants only (the public).
    Grants,
}

/// Filters on the list of requests.
#[derive(Debug, Clone)]
pub struct RequestFilter {
    pub scope: RequestScope,
    pub fund_id: Option<i64>,
    pub country_id: Option<i64>,
    pub status: Option<RequestStatus>,
    /// Decided in this year.
    pub decided_year: Option<i32>,
}

const GRANT_STATUSES: [&str; 3] = ["APPROVED", "DISBURSED", "COMPLETED"];

fn filtered(filter: &RequestFilter) -> fund_requests::BoxedQuery<'static, MultiBackend> {
    let mut query = fund_requests::table.into_boxed();
    query = match filter.scope {
        RequestScope::All => query,
        RequestScope::Submitted => query.filter(fund_requests::submitted_on.is_not_null()),
        RequestScope::Country(id) => query.filter(fund_requests::country_id.eq(id)),
        RequestScope::SubmittedOrCountry(id) => {
            query.filter(fund_requests::submitted_on.is_not_null().or(fund_requests::country_id.eq(id)))
        }
        RequestScope::Grants => query.filter(fund_requests::status.eq_any(GRANT_STATUSES)),
    };
    if let Some(id) = filter.fund_id {
        query = query.filter(fund_requests::fund_id.eq(id));
    }
    if let Some(id) = filter.country_id {
        query = query.filter(fund_requests::country_id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(fund_requests::status.eq(status.as_str()));
    }
    if let Some(year) = filter.decided_year {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year.saturating_add(1), 1, 1).unwrap_or(NaiveDate::MAX);
        query = query.filter(fund_requests::decided_on.ge(from)).filter(fund_requests::decided_on.lt(to));
    }
    query
}

/// A recorded transition.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_request_events)]
pub struct RequestEvent {
    pub id: i64,
    pub request_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub occurred_at: NaiveDateTime,
    pub comment: String,
}

/// A decision to record with a transition.
#[derive(Debug, Clone, Default)]
pub struct TransitionFields {
    /// Submitting: the day (the criteria in force then apply).
    pub submitted_on: Option<NaiveDate>,
    /// Deciding: the day, the reasons, and for an approval the amount.
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub approved_minor: Option<i64>,
}

impl FundRequest {
    pub fn page(conn: &mut DbConnection, filter: &RequestFilter, page: &PageRequest) -> QueryResult<Page<FundRequest>> {
        keyset_page!(
            conn,
            filtered(filter).select(FundRequest::as_select()),
            fund_requests::id,
            fund_requests::updated_at,
            page
        )
    }

    pub fn count(conn: &mut DbConnection, filter: &RequestFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    /// A request by key, if the scope lets the caller see it.
    pub fn by_key(conn: &mut DbConnection, key: &str, scope: RequestScope) -> QueryResult<Option<FundRequest>> {
        let filter = RequestFilter { scope, fund_id: None, country_id: None, status: None, decided_year: None };
        filtered(&filter)
            .filter(fund_requests::key.eq(key.to_owned()))
            .select(FundRequest::as_select())
            .first(conn)
            .optional()
    }

    fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<FundRequest> {
        fund_requests::table.find(id).select(FundRequest::as_select()).first(conn)
    }

    /// The recommendations a request targets.
    pub fn recommendation_ids(conn: &mut DbConnection, request_id: i64) -> QueryResult<Vec<i64>> {
        fund_request_recommendations::table
            .filter(fund_request_recommendations::request_id.eq(request_id))
            .order(fund_request_recommendations::recommendation_id)
            .select(fund_request_recommendations::recommendation_id)
            .load(conn)
    }

    pub fn events(conn: &mut DbConnection, request_id: i64) -> QueryResult<Vec<RequestEvent>> {
        fund_request_events::table
            .filter(fund_request_events::request_id.eq(request_id))
            .order(fund_request_events::id)
            .select(RequestEvent::as_select())
            .load(conn)
    }

    fn check_recommendations(conn: &mut DbConnection, country_id: i64, ids: &[i64]) -> Result<(), FundError> {
        let wanted: BTreeSet<i64> = ids.iter().copied().collect();
        let addressed: BTreeSet<i64> = recommendations::table
            .filter(recommendations::id.eq_any(wanted.iter().copied().collect::<Vec<_>>()))
            .filter(recommendations::country_id.eq(country_id))
            .select(recommendations::id)
            .load::<i64>(conn)?
            .into_iter()
            .collect();
        if addressed != wanted {
            return Err(FundError::Invalid {
                field: "input.recommendations",
                message: "a request may target only recommendations addressed to the requesting State".into(),
            });
        }
        Ok(())
    }

    fn link_recommendations(conn: &mut DbConnection, request_id: i64, ids: &[i64]) -> QueryResult<()> {
        diesel::delete(
            fund_request_recommendations::table.filter(fund_request_recommendations::request_id.eq(request_id)),
        )
        .execute(conn)?;
        for id in ids.iter().copied().collect::<BTreeSet<i64>>() {
            diesel::insert_into(fund_request_recommendations::table)
                .values((
                    fund_request_recommendations::request_id.eq(request_id),
                    fund_request_recommendations::recommendation_id.eq(id),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    fn record_event(
        conn: &mut DbConnection,
        request_id: i64,
        from: Option<&str>,
        to: &str,
        actor: &str,
        comment: &str,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(fund_request_events::table)
            .values((
                fund_request_events::request_id.eq(request_id),
                fund_request_events::from_status.eq(from),
                fund_request_events::to_status.eq(to),
                fund_request_events::actor.eq(actor),
                fund_request_events::occurred_at.eq(at),
                fund_request_events::comment.eq(comment),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Creates a draft for a State.
    pub fn create_draft(
        conn: &mut DbConnection,
        fund_id: i64,
        country_id: i64,
        fields: &DraftFields,
        fictional: bool,
        actor: &str,
    ) -> Result<FundRequest, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            Self::check_recommendations(conn, country_id, &fields.recommendations)?;
            let at = now();
            let values = (
                fund_requests::fund_id.eq(fund_id),
                fund_requests::country_id.eq(country_id),
                fund_requests::title.eq(&fields.title),
                fund_requests::needs_assessment.eq(&fields.needs_assessment),
                fund_requests::partners.eq(fields.partners.join("\n")),
                fund_requests::attachments.eq(fields.attachments.join("\n")),
                fund_requests::amount_minor.eq(fields.amount_minor),
                fund_requests::currency.eq(&fields.currency),
                fund_requests::status.eq(RequestStatus::Draft.as_str()),
                fund_requests::fictional.eq(fictional),
                fund_requests::created_at.eq(at),
                fund_requests::updated_at.eq(at),
            );
            let (id, _) = insert_keyed!(conn, fund_requests, values, |id| format!(
                "{}FR-{id:05}",
                if fictional { "DEMO-" } else { "" }
            ));
            Self::link_recommendations(conn, id, &fields.recommendations)?;
            Self::record_event(conn, id, None, RequestStatus::Draft.as_str(), actor, "", at)?;
            Ok(Self::by_id(conn, id)?)
        })
    }

    /// Rewrites a draft at version `expected`.
    pub fn update_draft(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        fields: &DraftFields,
    ) -> Result<FundRequest, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let current = Self::by_key(conn, key, RequestScope::All)?.ok_or(FundError::NotFound)?;
            if current.version != expected {
                return Err(FundError::Stale { current: current.version });
            }
            if current.status() != RequestStatus::Draft {
                return Err(FundError::Invalid {
                    field: "id",
                    message: format!("a request in status {} is no longer a draft", current.status),
                });
            }
            Self::check_recommendations(conn, current.country_id, &fields.recommendations)?;
            diesel::update(fund_requests::table.find(current.id).filter(fund_requests::version.eq(expected)))
                .set((
                    fund_requests::title.eq(&fields.title),
                    fund_requests::needs_assessment.eq(&fields.needs_assessment),
                    fund_requests::partners.eq(fields.partners.join("\n")),
                    fund_requests::attachments.eq(fields.attachments.join("\n")),
                    fund_requests::amount_minor.eq(fields.amount_minor),
                    fund_requests::currency.eq(&fields.currency),
                    fund_requests::version.eq(expected.saturating_add(1)),
                    fund_requests::updated_at.eq(now()),
                ))
                .execute(conn)?;
            Self::link_recommendations(conn, current.id, &fields.recommendations)?;
            Ok(Self::by_id(conn, current.id)?)
        })
    }

    /// Moves a request to `to` if the workflow allows it and its version is still `expected`, with what the
    /// transition records; submitting fixes the criteria version in force that day.
    pub fn transition(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        to: RequestStatus,
        fields: TransitionFields,
        actor: &str,
        comment: &str,
    ) -> Result<FundRequest, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let current = Self::by_key(conn, key, RequestScope::All)?.ok_or(FundError::NotFound)?;
            Self::apply(conn, &current, expected, to, fields, actor, comment)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        conn: &mut DbConnection,
        current: &FundRequest,
        expected: i32,
        to: RequestStatus,
        fields: TransitionFields,
        actor: &str,
        comment: &str,
    ) -> Result<FundRequest, FundError> {
        if current.version != expected {
            return Err(FundError::Stale { current: current.version });
        }
        let from = current.status();
        if !from.next().contains(&to) {
            return Err(FundError::Transition {
                from: from.as_str(),
                to: to.as_str(),
                allowed: from.next().iter().map(|s| s.as_str()).collect(),
            });
        }
        let at = now();
        let mut criteria_version_id = current.criteria_version_id;
        if to == RequestStatus::Submitted {
            let on = fields.submitted_on.unwrap_or(at.date());
            let Some(version) = CriteriaVersion::in_force(conn, current.fund_id, on)? else {
                return Err(FundError::Invalid {
                    field: "id",
                    message: "the fund has adopted no assistance criteria yet: requests cannot be submitted".into(),
                });
            };
            criteria_version_id = Some(version.id);
        }
        let updated = diesel::update(fund_requests::table.find(current.id).filter(fund_requests::version.eq(expected)))
            .set((
                fund_requests::status.eq(to.as_str()),
                fund_requests::criteria_version_id.eq(criteria_version_id),
                fund_requests::submitted_on.eq(fields.submitted_on.or(current.submitted_on)),
                fund_requests::decided_on.eq(fields.decided_on.or(current.decided_on)),
                fund_requests::decision_reasons.eq(fields.reasons.or(current.decision_reasons.clone())),
                fund_requests::approved_minor.eq(fields.approved_minor.or(current.approved_minor)),
                fund_requests::version.eq(expected.saturating_add(1)),
                fund_requests::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(FundError::Stale { current: Self::by_id(conn, current.id)?.version });
        }
        Self::record_event(conn, current.id, Some(from.as_str()), to.as_str(), actor, comment, at)?;
        Ok(Self::by_id(conn, current.id)?)
    }

    /// Records a disbursement on an approved (or partly disbursed) request; the database refuses one that would
    /// take the total beyond the approved amount. The first moves the request to `DISBURSED`.
    pub fn disburse(
        conn: &mut DbConnection,
        key: &str,
        amount_minor: i64,
        disbursed_on: NaiveDate,
        reference: &str,
        actor: &str,
    ) -> Result<(FundRequest, Disbursement), FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let current = Self::by_key(conn, key, RequestScope::All)?.ok_or(FundError::NotFound)?;
            let status = current.status();
            if !matches!(status, RequestStatus::Approved | RequestStatus::Disbursed) {
                return Err(FundError::Transition { from: status.as_str(), to: "DISBURSED", allowed: Vec::new() });
            }
            let at = now();
            let inserted = diesel::insert_into(fund_disbursements::table)
                .values((
                    fund_disbursements::request_id.eq(current.id),
                    fund_disbursements::amount_minor.eq(amount_minor),
                    fund_disbursements::disbursed_on.eq(disbursed_on),
                    fund_disbursements::reference.eq(reference),
                    fund_disbursements::recorded_by.eq(actor),
                    fund_disbursements::created_at.eq(at),
                ))
                .execute(conn);
            if let Err(diesel::result::Error::DatabaseError(_, info)) = &inserted {
                if info.message().contains("fund_disbursements_exceed_approved") {
                    return Err(FundError::Invalid {
                        field: "amount",
                        message: "the disbursements would exceed the approved amount".into(),
                    });
                }
            }
            inserted?;
            let disbursement: Disbursement = fund_disbursements::table
                .filter(fund_disbursements::request_id.eq(current.id))
                .order(fund_disbursements::id.desc())
                .select(Disbursement::as_select())
                .first(conn)?;
            // Read again after the insert: on PostgreSQL the trigger waited for any concurrent disbursement, which
            // may have moved the request already.
            let fresh = Self::by_id(conn, current.id)?;
            let request = if fresh.status() == RequestStatus::Approved {
                Self::apply(
                    conn,
                    &fresh,
                    fresh.version,
                    RequestStatus::Disbursed,
                    TransitionFields::default(),
                    actor,
                    reference,
                )?
            } else {
                fresh
            };
            Ok((request, disbursement))
        })
    }

    pub fn disbursements(conn: &mut DbConnection, request_id: i64) -> QueryResult<Vec<Disbursement>> {
        fund_disbursements::table
            .filter(fund_disbursements::request_id.eq(request_id))
            .order(fund_disbursements::id)
            .select(Disbursement::as_select())
            .load(conn)
    }
}

/// Money paid out on a grant.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_disbursements)]
pub struct Disbursement {
    pub id: i64,
    pub request_id: i64,
    pub amount_minor: i64,
    pub disbursed_on: NaiveDate,
    pub reference: String,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// A committee member's review of a request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fund_reviews)]
pub struct Review {
    pub id: i64,
    pub request_id: i64,
    pub member_id: i64,
    pub reviewer: String,
    pub recommendation: String,
    pub comment: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A review with its scores (criterion key, score).
pub type ScoredReview = (Review, Vec<(String, i32)>);

/// A grant's row as [`grant_facts`] reads it: request id, fund key, decided on, regional group, approved, currency.
type GrantRow = (i64, String, Option<NaiveDate>, Option<i64>, Option<i64>, String);

/// A review to submit or revise.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub recommendation: ReviewRecommendation,
    pub comment: String,
    /// Criterion key and score; every criterion of the request's version, each within its maximum.
    pub scores: Vec<(String, i32)>,
    /// To revise one's review: the version read.
    pub expected: Option<i32>,
}

impl Review {
    /// The reviews of a request with their scores (criterion key, score).
    pub fn of_request(conn: &mut DbConnection, request_id: i64) -> QueryResult<Vec<ScoredReview>> {
        let reviews: Vec<Review> = fund_reviews::table
            .filter(fund_reviews::request_id.eq(request_id))
            .order(fund_reviews::id)
            .select(Review::as_select())
            .load(conn)?;
        let ids: Vec<i64> = reviews.iter().map(|r| r.id).collect();
        let scores: Vec<(i64, String, i32)> = fund_review_scores::table
            .inner_join(fund_criteria::table)
            .filter(fund_review_scores::review_id.eq_any(ids))
            .order(fund_criteria::id)
            .select((fund_review_scores::review_id, fund_criteria::key, fund_review_scores::score))
            .load(conn)?;
        let mut by_review: HashMap<i64, Vec<(String, i32)>> = HashMap::new();
        for (id, key, score) in scores {
            by_review.entry(id).or_default().push((key, score));
        }
        Ok(reviews
            .into_iter()
            .map(|r| {
                let scores = by_review.remove(&r.id).unwrap_or_default();
                (r, scores)
            })
            .collect())
    }

    /// Submits (or, with the version read, revises) a member's review of a request under review. A member of the
    /// requesting State is recused; scores must cover the request's criteria version, each within its maximum.
    pub fn submit(
        conn: &mut DbConnection,
        request_key: &str,
        member: &CommitteeMember,
        reviewer: &str,
        input: &ReviewInput,
    ) -> Result<Review, FundError> {
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let request =
                FundRequest::by_key(conn, request_key, RequestScope::Submitted)?.ok_or(FundError::NotFound)?;
            if request.fund_id != member.fund_id {
                return Err(FundError::NotFound);
            }
            if member.country_id == request.country_id {
                return Err(FundError::Conflict("recused: a member does not review its own State's request".into()));
            }
            if !request.status().in_review() {
                return Err(FundError::Transition {
                    from: RequestStatus::from_db(&request.status).as_str(),
                    to: "REVIEWED",
                    allowed: Vec::new(),
                });
            }
            let criteria = CriteriaVersion::criteria(conn, request.criteria_version_id.unwrap_or_default())?;
            let given: BTreeMap<&str, i32> = input.scores.iter().map(|(k, s)| (k.as_str(), *s)).collect();
            let keys: BTreeSet<&str> = criteria.iter().map(|c| c.key.as_str()).collect();
            if given.len() != input.scores.len() || given.keys().copied().collect::<BTreeSet<_>>() != keys {
                return Err(FundError::Invalid {
                    field: "input.scores",
                    message: format!(
                        "score each criterion of the request's version once: {}",
                        keys.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                });
            }
            if let Some(c) = criteria.iter().find(|c| !(0..=c.max_score).contains(&given[c.key.as_str()])) {
                return Err(FundError::Invalid {
                    field: "input.scores",
                    message: format!("{} is scored 0 to {}", c.key, c.max_score),
                });
            }
            let at = now();
            let existing: Option<Review> = fund_reviews::table
                .filter(fund_reviews::request_id.eq(request.id))
                .filter(fund_reviews::member_id.eq(member.id))
                .select(Review::as_select())
                .first(conn)
                .optional()?;
            let review_id = match (existing, input.expected) {
                (None, None) => {
                    let inserted = diesel::insert_into(fund_reviews::table)
                        .values((
                            fund_reviews::request_id.eq(request.id),
                            fund_reviews::member_id.eq(member.id),
                            fund_reviews::reviewer.eq(reviewer),
                            fund_reviews::recommendation.eq(input.recommendation.as_str()),
                            fund_reviews::comment.eq(&input.comment),
                            fund_reviews::created_at.eq(at),
                            fund_reviews::updated_at.eq(at),
                        ))
                        .execute(conn);
                    if let Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) = inserted
                    {
                        return Err(FundError::Stale { current: 1 });
                    }
                    inserted?;
                    fund_reviews::table
                        .filter(fund_reviews::request_id.eq(request.id))
                        .filter(fund_reviews::member_id.eq(member.id))
                        .select(fund_reviews::id)
                        .first(conn)?
                }
                (Some(review), None) => return Err(FundError::Stale { current: review.version }),
                (None, Some(_)) => return Err(FundError::NotFound),
                (Some(review), Some(expected)) => {
                    let updated =
                        diesel::update(fund_reviews::table.find(review.id).filter(fund_reviews::version.eq(expected)))
                            .set((
                                fund_reviews::reviewer.eq(reviewer),
                                fund_reviews::recommendation.eq(input.recommendation.as_str()),
                                fund_reviews::comment.eq(&input.comment),
                                fund_reviews::version.eq(expected.saturating_add(1)),
                                fund_reviews::updated_at.eq(at),
                            ))
                            .execute(conn)?;
                    if updated == 0 {
                        return Err(FundError::Stale { current: review.version });
                    }
                    diesel::delete(fund_review_scores::table.filter(fund_review_scores::review_id.eq(review.id)))
                        .execute(conn)?;
                    review.id
                }
            };
            for c in &criteria {
                diesel::insert_into(fund_review_scores::table)
                    .values((
                        fund_review_scores::review_id.eq(review_id),
                        fund_review_scores::criterion_id.eq(c.id),
                        fund_review_scores::score.eq(given[c.key.as_str()]),
                    ))
                    .execute(conn)?;
            }
            Ok(fund_reviews::table.find(review_id).select(Review::as_select()).first(conn)?)
        })
    }

    /// How many reviews of a request count towards the quorum: those of serving members not of the requesting State.
    pub fn quorum_count(conn: &mut DbConnection, request: &FundRequest) -> QueryResult<i64> {
        fund_reviews::table
            .inner_join(fund_committee_members::table)
            .filter(fund_reviews::request_id.eq(request.id))
            .filter(fund_committee_members::country_id.ne(request.country_id))
            .count()
            .get_result(conn)
    }
}

/// One approved grant with what totals group it by.
#[derive(Debug, Clone)]
pub struct GrantFacts {
    pub fund_key: String,
    pub year: Option<i32>,
    pub regional_group_id: Option<i64>,
    pub approved_minor: i64,
    pub currency: String,
    pub themes: BTreeSet<String>,
    pub sdg_goals: BTreeSet<i32>,
}

/// Every grant with its fund, year, regional group, themes and SDG goals (of the recommendations it targets). There
/// are hundreds of grants, not millions: totals are summed from these in the caller.
pub fn grant_facts(conn: &mut DbConnection) -> QueryResult<Vec<GrantFacts>> {
    let grants: Vec<GrantRow> = fund_requests::table
        .inner_join(funds::table.on(funds::id.eq(fund_requests::fund_id)))
        .inner_join(countries::table)
        .filter(fund_requests::status.eq_any(GRANT_STATUSES))
        .order(fund_requests::id)
        .select((
            fund_requests::id,
            funds::key,
            fund_requests::decided_on,
            countries::regional_group_id,
            fund_requests::approved_minor,
            fund_requests::currency,
        ))
        .load(conn)?;
    let ids: Vec<i64> = grants.iter().map(|g| g.0).collect();
    let themes: Vec<(i64, String)> = fund_request_recommendations::table
        .inner_join(
            recommendation_terms::table
                .on(recommendation_terms::recommendation_id.eq(fund_request_recommendations::recommendation_id)),
        )
        .inner_join(thesaurus_terms::table.on(thesaurus_terms::id.eq(recommendation_terms::term_id)))
        .filter(fund_request_recommendations::request_id.eq_any(ids.clone()))
        .filter(thesaurus_terms::facet.eq("THEME"))
        .select((fund_request_recommendations::request_id, thesaurus_terms::key))
        .load(conn)?;
    let goals: Vec<(i64, i64)> = fund_request_recommendations::table
        .inner_join(
            recommendation_sdg_targets::table
                .on(recommendation_sdg_targets::recommendation_id.eq(fund_request_recommendations::recommendation_id)),
        )
        .inner_join(sdg_targets::table.on(sdg_targets::id.eq(recommendation_sdg_targets::sdg_target_id)))
        .filter(fund_request_recommendations::request_id.eq_any(ids))
        .select((fund_request_recommendations::request_id, sdg_targets::goal_id))
        .load(conn)?;
    let goal_numbers: HashMap<i64, i32> = crate::schema::sdg_goals::table
        .select((crate::schema::sdg_goals::id, crate::schema::sdg_goals::number))
        .load::<(i64, i32)>(conn)?
        .into_iter()
        .collect();
    let mut theme_map: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for (id, key) in themes {
        theme_map.entry(id).or_default().insert(key);
    }
    let mut goal_map: HashMap<i64, BTreeSet<i32>> = HashMap::new();
    for (id, goal) in goals {
        if let Some(n) = goal_numbers.get(&goal) {
            goal_map.entry(id).or_default().insert(*n);
        }
    }
    Ok(grants
        .into_iter()
        .map(|(id, fund_key, decided_on, group, approved, currency)| {
            use chrono::Datelike;
            GrantFacts {
                fund_key,
                year: decided_on.map(|d| d.year()),
                regional_group_id: group,
                approved_minor: approved.unwrap_or_default(),
                currency,
                themes: theme_map.remove(&id).unwrap_or_default(),
                sdg_goals: goal_map.remove(&id).unwrap_or_default(),
            }
        })
        .collect())
}

/// What [`demo`] added.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub requests: usize,
    pub reviews: usize,
    pub disbursements: usize,
    /// True when the fictional pipeline was already there and nothing was added.
    pub already_loaded: bool,
}

/// A fictional, flagged pipeline for dashboard teams: a committee of five States (one per regional group), a
/// criteria version, and three requests in every status, with reviews, decisions and disbursements. Every row is
/// `fictional`, keyed `DEMO-…`, and says FICTIONAL; the same seed gives the same pipeline, and a second load adds
/// nothing.
pub fn demo(conn: &mut DbConnection, seed: u64) -> Result<DemoReport, FundError> {
    use rand::prelude::IndexedRandom;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use RequestStatus::*;
    const ACTOR: &str = "demo-loader";

    let loaded: i64 =
        fund_committee_members::table.filter(fund_committee_members::fictional.eq(true)).count().get_result(conn)?;
    if loaded > 0 {
        return Ok(DemoReport { already_loaded: true, ..DemoReport::default() });
    }
    let Some(fund) = Fund::by_key(conn, "implementation-fund")? else { return Ok(DemoReport::default()) };
    let audit = |action: &'static str| crate::audit::Entry {
        actor: ACTOR.into(),
        action,
        entity: "Fund",
        entity_key: fund.key.clone(),
        detail: r#"{"fictional":true}"#.into(),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    // A committee of five: one member State per regional group, unless one already serves for that group.
    let states: Vec<(i64, i64)> = countries::table
        .filter(countries::un_status.eq("MEMBER"))
        .filter(countries::regional_group_id.is_not_null())
        .order(countries::iso3)
        .select((countries::id, countries::regional_group_id.assume_not_null()))
        .load(conn)?;
    let mut groups: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (country, group) in &states {
        groups.entry(*group).or_default().push(*country);
    }
    let serving: BTreeSet<i64> =
        CommitteeMember::serving(conn, fund.id)?.into_iter().map(|m| m.regional_group_id).collect();
    for (group, members) in &groups {
        if serving.contains(group) {
            continue;
        }
        let Some(country) = members.choose(&mut rng) else { continue };
        let new = NewMember {
            fund_id: fund.id,
            country_id: *country,
            term_starts_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            term_ends_on: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap_or_default(),
            representatives: vec!["FICTIONAL demonstration delegate".into()],
            fictional: true,
        };
        CommitteeMember::appoint(conn, &new, &audit("fund_committee.appoint"))?;
    }
    let members = CommitteeMember::serving(conn, fund.id)?;
    let criteria = [
        ("alignment".to_owned(), "FICTIONAL: targets recommendations the State supported".to_owned(), 5),
        ("feasibility".to_owned(), "FICTIONAL: can be done with the amount and partners named".to_owned(), 5),
        ("impact".to_owned(), "FICTIONAL: prevents violations the recommendations name".to_owned(), 10),
    ];
    let adopted = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let version = CriteriaVersion::adopt(conn, fund.id, adopted, &criteria, true, &audit("fund_criteria.adopt"))?;
    let keys: Vec<String> = CriteriaVersion::criteria(conn, version.id)?.into_iter().map(|c| c.key).collect();

    let mut report = DemoReport::default();
    let targets =
        [Draft, Submitted, UnderReview, InformationRequested, Approved, Rejected, Disbursed, Completed, Withdrawn];
    for (n, target) in targets.iter().flat_map(|t| std::iter::repeat_n(*t, 3)).enumerate() {
        let (country, _) = *states.choose(&mut rng).unwrap_or(&(0, 0));
        let recommendations: Vec<i64> = recommendations::table
            .filter(recommendations::country_id.eq(country))
            .filter(recommendations::fictional.eq(true))
            .order(recommendations::id)
            .limit(3)
            .select(recommendations::id)
            .load(conn)?;
        let amount = rng.random_range(20_000..400_000) * 100;
        let fields = DraftFields {
            title: format!("FICTIONAL demonstration request {}", n + 1),
            needs_assessment: "FICTIONAL: generated for dashboard teams; no State asked for this.".into(),
            partners: vec!["FICTIONAL partner".into()],
            attachments: Vec::new(),
            amount_minor: amount,
            currency: fund.currency.clone(),
            recommendations,
        };
        let mut request = FundRequest::create_draft(conn, fund.id, country, &fields, true, ACTOR)?;
        report.requests += 1;
        let step = |conn: &mut DbConnection, request: &FundRequest, to: RequestStatus, fields: TransitionFields| {
            FundRequest::transition(conn, &request.key, request.version, to, fields, ACTOR, "FICTIONAL")
        };
        let path: &[RequestStatus] = match target {
            Draft => &[],
            Submitted => &[Submitted],
            UnderReview => &[Submitted, UnderReview],
            InformationRequested => &[Submitted, UnderReview, InformationRequested],
            Withdrawn => &[Submitted, Withdrawn],
            Approved | Rejected | Disbursed | Completed => &[Submitted, UnderReview],
        };
        for to in path {
            let fields = if *to == Submitted {
                TransitionFields {
                    submitted_on: Some(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default()),
                    ..Default::default()
                }
            } else {
                TransitionFields::default()
            };
            request = step(conn, &request, *to, fields)?;
        }
        if matches!(target, UnderReview | Approved | Rejected | Disbursed | Completed) {
            let approve = !matches!(target, Rejected);
            let reviewers: Vec<&CommitteeMember> = members.iter().filter(|m| m.country_id != country).take(3).collect();
            for member in reviewers {
                let input = ReviewInput {
                    recommendation: if approve { ReviewRecommendation::Approve } else { ReviewRecommendation::Reject },
                    comment: "FICTIONAL demonstration review".into(),
                    scores: keys.iter().map(|k| (k.clone(), rng.random_range(1..=5))).collect(),
                    expected: None,
                };
                Review::submit(conn, &request.key, member, "FICTIONAL delegate", &input)?;
                report.reviews += 1;
            }
        }
        if matches!(target, Approved | Rejected | Disbursed | Completed) {
            let approved = (target != Rejected).then_some(request.amount_minor / 100 * 80);
            let fields = TransitionFields {
                decided_on: Some(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default()),
                reasons: Some("FICTIONAL demonstration decision".into()),
                approved_minor: approved,
                ..Default::default()
            };
            request = step(conn, &request, if approved.is_some() { Approved } else { Rejected }, fields)?;
        }
        if let (Disbursed | Completed, Some(approved)) = (target, request.approved_minor) {
            let day = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
            let (disbursed, _) =
                FundRequest::disburse(conn, &request.key, approved / 2, day, "FICTIONAL-PAY-1", ACTOR)?;
            request = disbursed;
            report.disbursements += 1;
            if target == Completed {
                FundRequest::disburse(conn, &request.key, approved - approved / 2, day, "FICTIONAL-PAY-2", ACTOR)?;
                report.disbursements += 1;
                let fresh = FundRequest::by_key(conn, &request.key, RequestScope::All)?.ok_or(FundError::NotFound)?;
                step(conn, &fresh, Completed, TransitionFields::default())?;
            }
        }
    }
    Ok(report)
}
