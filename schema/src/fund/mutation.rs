//! The fund's writes: a State's drafts and submissions, the committee's reviews, the fund secretariat's
//! workflow, decisions, disbursements, committee and criteria.

use crate::support::access::{guard_caller, guard_caller_scope};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::scalars::Date;
use async_graphql::{Context, Object, ID};
use hrc_db::models::fund::{
    self as store, CommitteeMember, CriteriaVersion, FundError, FundRequest as Row, RequestScope, RequestStatus, Review,
};

use super::{
    check_comment, draft_fields, fund_error, lines, minor_units, own_country, own_transition, publish,
    request_reference, request_scope, run, FundCommitteeMember, FundCommitteeMemberInput, FundCriteriaVersion,
    FundCriterionInput, FundPolicy, FundRequest, FundRequestInput, FundRequestStatus, FundReview,
    FundReviewRecommendation, FundScore,
};

/// The fund's writes.
#[derive(Default)]
pub struct FundMutation;

#[Object]
impl FundMutation {
    /// Starts a draft request for the caller's State: its focal point.
    async fn create_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] input: FundRequestInput,
    ) -> Result<FundRequest, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.createFundRequest")?.clone();
        let row = query(ctx, move |c| {
            let country = match own_country(c, &viewer)? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let (fund_id, fields) = match draft_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Row::create_draft(c, fund_id, country, &fields, false, &viewer.subject).map_err(fund_error))
        })
        .await??;
        publish(ctx, &row, crate::events::FundChange::Created).await;
        Ok(FundRequest(row))
    }

    /// Rewrites a draft of the caller's State: its focal point.
    async fn update_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The request, whole.")] input: FundRequestInput,
    ) -> Result<FundRequest, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Mutation.updateFundRequest")?;
        let viewer = viewer.clone();
        let key = request_reference("id", &id)?;
        let row = query(ctx, move |c| {
            let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(Err(ApiError::Forbidden)) };
            if Row::by_key(c, &key, scope)?.is_none() {
                return Ok(Err(fund_error(FundError::NotFound)));
            }
            let (_, fields) = match draft_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Row::update_draft(c, &key, expected_version, &fields).map_err(fund_error))
        })
        .await??;
        Ok(FundRequest(row))
    }

    /// Submits a draft (its focal point); the fund's criteria in force today will judge it.
    async fn submit_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "A comment (up to 2,000 characters).", default)] comment: String,
    ) -> Result<FundRequest, ApiError> {
        let today = chrono::Utc::now().date_naive();
        let fields = store::TransitionFields { submitted_on: Some(today), ..Default::default() };
        own_transition(
            ctx,
            "Mutation.submitFundRequest",
            &id,
            expected_version,
            RequestStatus::Submitted,
            fields,
            comment,
        )
        .await
    }

    /// Answers the fund's request for information (its focal point): the request goes back under review.
    async fn answer_fund_information_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The answer (1 to 20,000 characters).")] answer: String,
    ) -> Result<FundRequest, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Mutation.answerFundInformationRequest")?;
        let viewer = viewer.clone();
        if answer.trim().is_empty() || answer.chars().count() > 20_000 {
            return Err(ApiError::bad_input("answer", "give 1 to 20,000 characters"));
        }
        let id_key = request_reference("id", &id)?;
        // Only from INFORMATION_REQUESTED: UNDER_REVIEW is otherwise the secretariat's to set.
        let row = query(ctx, move |c| {
            let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(Err(ApiError::Forbidden)) };
            let Some(current) = Row::by_key(c, &id_key, scope)? else {
                return Ok(Err(fund_error(FundError::NotFound)));
            };
            if current.status() != RequestStatus::InformationRequested {
                return Ok(Err(ApiError::bad_input(
                    "id",
                    format!("a request in status {} has no open request for information", current.status),
                )));
            }
            let result = Row::transition(
                c,
                &id_key,
                expected_version,
                RequestStatus::UnderReview,
                store::TransitionFields::default(),
                &viewer.subject,
                answer.trim(),
            );
            Ok(result.map_err(fund_error))
        })
        .await??;
        publish(ctx, &row, crate::events::FundChange::StatusChanged).await;
        Ok(FundRequest(row))
    }

    /// Withdraws a request before a decision: its State's focal point, or the fund's secretariat.
    async fn withdraw_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "Why (up to 2,000 characters).", default)] comment: String,
    ) -> Result<FundRequest, ApiError> {
        own_transition(
            ctx,
            "Mutation.withdrawFundRequest",
            &id,
            expected_version,
            RequestStatus::Withdrawn,
            store::TransitionFields::default(),
            comment,
        )
        .await
    }

    /// Moves a request along the workflow (the fund's secretariat): to `UNDER_REVIEW`, `INFORMATION_REQUESTED` or
    /// `COMPLETED`. Decisions and disbursements have their own mutations.
    async fn move_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "UNDER_REVIEW, INFORMATION_REQUESTED or COMPLETED.")] to: FundRequestStatus,
        #[graphql(desc = "A comment (up to 2,000 characters): for INFORMATION_REQUESTED, what is asked.", default)]
        comment: String,
    ) -> Result<FundRequest, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.moveFundRequest")?.clone();
        let to: RequestStatus = to.into();
        if !matches!(to, RequestStatus::UnderReview | RequestStatus::InformationRequested | RequestStatus::Completed) {
            return Err(ApiError::bad_input(
                "to",
                format!("{} is reached by its own mutation (decide, disburse, withdraw or submit)", to.as_str()),
            ));
        }
        check_comment(&comment)?;
        let key = request_reference("id", &id)?;
        let row = run(ctx, move |c| {
            Row::transition(c, &key, expected_version, to, Default::default(), &viewer.subject, comment.trim())
        })
        .await?;
        publish(ctx, &row, crate::events::FundChange::StatusChanged).await;
        Ok(FundRequest(row))
    }

    /// Submits (or, with `expectedVersion`, revises) the caller's State's review of a request under review: a
    /// committee member. A member is recused from its own State's requests.
    async fn submit_fund_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] request: ID,
        #[graphql(desc = "The member's recommendation.")] recommendation: FundReviewRecommendation,
        #[graphql(desc = "A score for each criterion of the request's criteria version.")] scores: Vec<FundScore>,
        #[graphql(desc = "A comment (up to 5,000 characters).", default)] comment: String,
        #[graphql(desc = "To revise the review: the version read.")] expected_version: Option<i32>,
    ) -> Result<FundReview, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Mutation.submitFundReview")?;
        let viewer = viewer.clone();
        if comment.chars().count() > 5_000 {
            return Err(ApiError::bad_input("comment", "give at most 5,000 characters"));
        }
        let key = request_reference("request", &request)?;
        let input = store::ReviewInput {
            recommendation: recommendation.into(),
            comment: comment.trim().to_owned(),
            scores: scores.into_iter().map(|s| (s.criterion, s.score)).collect(),
            expected: expected_version,
        };
        let review = query(ctx, move |c| {
            let country = match own_country(c, &viewer)? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(Err(ApiError::Forbidden)) };
            let Some(request) = Row::by_key(c, &key, scope)? else {
                return Ok(Err(fund_error(FundError::NotFound)));
            };
            let Some(member) = CommitteeMember::serving_for(c, request.fund_id, country)? else {
                return Ok(Err(ApiError::Forbidden));
            };
            let review = match Review::submit(c, &key, &member, &viewer.subject, &input) {
                Ok(review) => review,
                Err(e) => return Ok(Err(fund_error(e))),
            };
            let scores = Review::of_request(c, request.id)?
                .into_iter()
                .find(|(r, _)| r.id == review.id)
                .map(|(_, s)| s)
                .unwrap_or_default();
            Ok(Ok(FundReview { review, scores }))
        })
        .await??;
        Ok(review)
    }

    /// Decides a request under review (the fund's secretariat), with its reasons; an approval names the amount
    /// (at most the amount requested). Needs the quorum of reviews by members not of the requesting State.
    #[allow(clippy::too_many_arguments)]
    async fn decide_fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "Approve (true) or reject.")] approve: bool,
        #[graphql(desc = "The reasons (1 to 5,000 characters), which the State sees.")] reasons: String,
        #[graphql(desc = "For an approval: the amount, an exact decimal string.")] approved_amount: Option<String>,
    ) -> Result<FundRequest, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.decideFundRequest")?.clone();
        let quorum = ctx.data_opt::<FundPolicy>().copied().unwrap_or_default().quorum;
        let reasons = reasons.trim().to_owned();
        if reasons.is_empty() || reasons.chars().count() > 5_000 {
            return Err(ApiError::bad_input("reasons", "give 1 to 5,000 characters"));
        }
        let approved_minor = match (approve, &approved_amount) {
            (true, Some(a)) => Some(minor_units("approvedAmount", a)?),
            (true, None) => return Err(ApiError::bad_input("approvedAmount", "an approval names the amount approved")),
            (false, Some(_)) => return Err(ApiError::bad_input("approvedAmount", "a rejection approves no amount")),
            (false, None) => None,
        };
        let key = request_reference("id", &id)?;
        let row = query(ctx, move |c| {
            let Some(current) = Row::by_key(c, &key, RequestScope::All)? else {
                return Ok(Err(fund_error(FundError::NotFound)));
            };
            if approved_minor.is_some_and(|a| a > current.amount_minor) {
                return Ok(Err(ApiError::bad_input("approvedAmount", "more than the amount requested")));
            }
            let reviews = Review::quorum_count(c, &current)?;
            if current.status() == RequestStatus::UnderReview && reviews < quorum {
                return Ok(Err(ApiError::bad_input(
                    "id",
                    format!(
                        "a decision needs {quorum} reviews by members not of the requesting State; it has {reviews}"
                    ),
                )));
            }
            let fields = store::TransitionFields {
                decided_on: Some(chrono::Utc::now().date_naive()),
                reasons: Some(reasons.clone()),
                approved_minor,
                ..Default::default()
            };
            let to = if approve { RequestStatus::Approved } else { RequestStatus::Rejected };
            Ok(Row::transition(c, &key, expected_version, to, fields, &viewer.subject, &reasons).map_err(fund_error))
        })
        .await??;
        publish(ctx, &row, crate::events::FundChange::StatusChanged).await;
        Ok(FundRequest(row))
    }

    /// Records money paid out on a grant (the fund's secretariat). The database refuses a disbursement that would
    /// take the total beyond the approved amount, also when two are recorded at once.
    async fn record_fund_disbursement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The grant.")] request: ID,
        #[graphql(desc = "How much, an exact decimal string.")] amount: String,
        #[graphql(desc = "The day paid.")] disbursed_on: Date,
        #[graphql(desc = "The payment's reference (1 to 200 characters).")] reference: String,
    ) -> Result<FundRequest, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordFundDisbursement")?.clone();
        let amount = minor_units("amount", &amount)?;
        let reference = reference.trim().to_owned();
        if reference.is_empty() || reference.chars().count() > 200 {
            return Err(ApiError::bad_input("reference", "give 1 to 200 characters"));
        }
        let key = request_reference("request", &request)?;
        let (row, _) =
            run(ctx, move |c| Row::disburse(c, &key, amount, disbursed_on.0, &reference, &viewer.subject)).await?;
        publish(ctx, &row, crate::events::FundChange::Disbursed).await;
        Ok(FundRequest(row))
    }

    /// Appoints a State to a fund's advisory committee (the fund's secretariat): one per regional group.
    async fn appoint_fund_committee_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member.")] input: FundCommitteeMemberInput,
    ) -> Result<FundCommitteeMember, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.appointFundCommitteeMember")?.clone();
        if input.term_ends_on.0 <= input.term_starts_on.0 {
            return Err(ApiError::bad_input("input.termEndsOn", "the term ends after it starts"));
        }
        let mut errors = Vec::new();
        let representatives = lines(&mut errors, "input.representatives", &input.representatives, 300);
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let member = query(ctx, move |c| {
            let Some(fund) = store::Fund::by_key(c, input.fund.trim())? else {
                return Ok(Err(ApiError::bad_input("input.fund", format!("no fund has the key {:?}", input.fund))));
            };
            let country_id = match crate::lookup::country_id(c, "input.country", &input.country)? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let new = store::NewMember {
                fund_id: fund.id,
                country_id,
                term_starts_on: input.term_starts_on.0,
                term_ends_on: input.term_ends_on.0,
                representatives,
                fictional: false,
            };
            let audit = hrc_db::audit::Entry {
                actor: viewer.subject.clone(),
                action: "fund_committee.appoint",
                entity: "FundCommitteeMember",
                entity_key: format!("{}:{}", fund.key, input.country.trim().to_ascii_uppercase()),
                detail: "{}".into(),
            };
            Ok(CommitteeMember::appoint(c, &new, &audit).map_err(fund_error))
        })
        .await??;
        Ok(FundCommitteeMember(member))
    }

    /// Ends a committee member's term (the fund's secretariat).
    async fn end_fund_committee_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
    ) -> Result<FundCommitteeMember, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.endFundCommitteeTerm")?.clone();
        let member_id = match ids::decode("id", &id)? {
            (kind, key) if kind == "FundCommitteeMember" => {
                key.parse::<i64>().map_err(|_| ApiError::bad_input("id", "not a member's ID"))?
            }
            _ => return Err(ApiError::bad_input("id", "this is not the ID of a committee member")),
        };
        let audit = hrc_db::audit::Entry {
            actor: viewer.subject.clone(),
            action: "fund_committee.end_term",
            entity: "FundCommitteeMember",
            entity_key: member_id.to_string(),
            detail: "{}".into(),
        };
        let member = run(ctx, move |c| CommitteeMember::end_term(c, member_id, expected_version, &audit)).await?;
        Ok(FundCommitteeMember(member))
    }

    /// Adopts a new version of a fund's assistance criteria (the fund's secretariat records what the committee
    /// adopted). Requests submitted from that day are reviewed against it.
    async fn adopt_fund_criteria(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fund (its key).")] fund: String,
        #[graphql(desc = "The day adopted.")] adopted_on: Date,
        #[graphql(desc = "The criteria (1 to 20).")] criteria: Vec<FundCriterionInput>,
    ) -> Result<FundCriteriaVersion, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.adoptFundCriteria")?.clone();
        let mut errors = Vec::new();
        if criteria.is_empty() || criteria.len() > 20 {
            errors.push(("criteria".to_owned(), "give 1 to 20 criteria".to_owned()));
        }
        let mut keys = std::collections::BTreeSet::new();
        for c in &criteria {
            let key = c.key.trim();
            if key.is_empty() || key.len() > 60 || !keys.insert(key.to_owned()) {
                errors.push(("criteria.key".to_owned(), "each key is 1 to 60 characters and unique".to_owned()));
            }
            if c.description.trim().is_empty() || c.description.chars().count() > 2_000 {
                errors.push(("criteria.description".to_owned(), "give 1 to 2,000 characters".to_owned()));
            }
            if !(1..=100).contains(&c.max_score) {
                errors.push(("criteria.maxScore".to_owned(), "from 1 to 100".to_owned()));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let list: Vec<(String, String, i32)> = criteria
            .into_iter()
            .map(|c| (c.key.trim().to_owned(), c.description.trim().to_owned(), c.max_score))
            .collect();
        let version = query(ctx, move |c| {
            let Some(fund) = store::Fund::by_key(c, fund.trim())? else {
                return Ok(Err(ApiError::bad_input("fund", format!("no fund has the key {fund:?}"))));
            };
            let audit = hrc_db::audit::Entry {
                actor: viewer.subject.clone(),
                action: "fund_criteria.adopt",
                entity: "FundCriteriaVersion",
                entity_key: fund.key.clone(),
                detail: "{}".into(),
            };
            Ok(CriteriaVersion::adopt(c, fund.id, adopted_on.0, &list, false, &audit).map_err(fund_error))
        })
        .await??;
        Ok(FundCriteriaVersion(version))
    }
}
