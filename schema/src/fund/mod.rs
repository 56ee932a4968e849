//! The Implementation Fund in the graph: funds, the advisory committee and its criteria, requests from States and
//! their workflow, blind reviews with recusal and quorum, decisions, disbursements, and the public record of grants.
//!
//! Who sees which requests (DESIGN.md's table): a State's focal point its own State's, drafts included; the committee,
//! the OHCHR secretariat and the Council's Bureau every request once submitted; the fund's secretariat all; the
//! public only grants (`fundGrants`, `fundGrantTotals`), never drafts, rejections or reviews. Individual reviews are
//! the fund secretariat's, and a committee member's once it has submitted its own (blind review); the requesting
//! State never sees them.

pub mod subscription;

pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use hrc_db::models::fund::{
    self as store, CommitteeMember, CriteriaVersion, Disbursement, FundError, FundRequest as Row, RequestScope,
    RequestStatus, Review,
};
use hrc_db::models::{self};
use rust_decimal::Decimal;

use crate::loaders::{CountryId, RecommendationsOfFundRequest, RegionalGroupId};
use crate::recommendation::Recommendation;
use crate::reference::{Country, RegionalGroup};
use crate::support::access::{guard_caller_scope, Rows, Scope};
use crate::support::auth::Viewer;
use crate::support::database::{loaders, query};
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick, Lang};
use crate::support::scalars::{Date, DateTime};

/// The fund policy the server was started with.
#[derive(Debug, Clone, Copy)]
pub struct FundPolicy {
    /// Reviews (of members not of the requesting State) a decision needs.
    pub quorum: i64,
}

impl Default for FundPolicy {
    fn default() -> Self {
        FundPolicy { quorum: 3 }
    }
}

/// An amount of money, exact: a decimal string and its currency.
#[derive(SimpleObject, Clone)]
pub struct Money {
    /// The amount as an exact decimal string with two decimals, such as `"125000.00"`.
    pub amount: String,
    /// ISO 4217 currency code.
    pub currency: String,
}

fn money(minor: i64, currency: &str) -> Money {
    Money { amount: Decimal::new(minor, 2).to_string(), currency: currency.to_owned() }
}

/// Parses an exact decimal amount into minor units (cents): positive, at most two decimals, no floating point.
pub fn minor_units(field: &str, text: &str) -> Result<i64, ApiError> {
    let bad = |why: &str| ApiError::bad_input(field, format!("{text:?} {why}"));
    let text = text.trim();
    // Digits, then at most two decimals: no sign, exponent or separator, so nothing is guessed.
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || (text.contains('.') && fraction.is_empty()) {
        return Err(bad("is not a decimal amount such as \"125000.00\""));
    }
    if fraction.len() > 2 {
        return Err(bad("has more than two decimals"));
    }
    let value: Decimal = text.parse().map_err(|_| bad("is not a decimal amount such as \"125000.00\""))?;
    if value <= Decimal::ZERO {
        return Err(bad("is not positive"));
    }
    // Checked: a 29-digit amount parses, and a hundred times it overflows the decimal type (found by fuzzing).
    let cents = value.checked_mul(Decimal::new(100, 0)).ok_or_else(|| bad("is too large"))?;
    i64::try_from(cents.trunc()).ok().filter(|c| *c <= 100_000_000_000_000).ok_or_else(|| bad("is too large"))
}

#[cfg(test)]
mod tests {
    use super::minor_units;

    #[test]
    fn amounts_are_exact_cents_and_nothing_else() {
        assert_eq!(minor_units("amount", "125000.00").ok(), Some(12_500_000));
        assert_eq!(minor_units("amount", " 0.05 ").ok(), Some(5));
        for refused in ["0", "1e5", "-1.00", "1.005", "1.", ".5", "1,000", "", "1000000000000.01"] {
            assert!(minor_units("amount", refused).is_err(), "{refused:?}");
        }
        // Found by cargo-fuzz: 29 digits parse as a decimal, and multiplying them by 100 used to panic.
        assert!(minor_units("amount", "22222323222322223211132222146").is_err());
    }
}

/// The requests the table lets a caller see of `path`, as the store's filter; `None` for none at all (a State's
/// focal point whose token names no State we know).
fn request_scope(
    c: &mut hrc_db::DbConnection,
    viewer: &Viewer,
    scope: Scope,
) -> hrc_db::QueryResult<Option<RequestScope>> {
    if scope.is_all() {
        return Ok(Some(RequestScope::All));
    }
    let own = match (&viewer.country, scope.includes(Rows::OwnState)) {
        (Some(code), true) => models::Country::by_iso3(c, code)?.map(|country| country.id),
        _ => None,
    };
    Ok(match (scope.includes(Rows::Submitted), own) {
        (true, Some(id)) => Some(RequestScope::SubmittedOrCountry(id)),
        (true, None) => Some(RequestScope::Submitted),
        (false, Some(id)) => Some(RequestScope::Country(id)),
        (false, None) => None,
    })
}

fn fund_error(e: FundError) -> ApiError {
    crate::support::error::workflow_error("fund request", e)
}

/// Runs fund work on the database; its `Err` is the caller's error.
async fn run<T: Send + 'static>(
    ctx: &Context<'_>,
    work: impl FnOnce(&mut hrc_db::DbConnection) -> Result<T, FundError> + Send + 'static,
) -> Result<T, ApiError> {
    query(ctx, move |c| Ok(work(c))).await?.map_err(fund_error)
}

/// The fund a request was made to.
async fn fund_of(ctx: &Context<'_>, fund_id: i64) -> Result<Fund, ApiError> {
    Ok(Fund(query(ctx, move |c| store::Fund::by_id(c, fund_id)).await?))
}

/// The State that made a request.
async fn country_of(ctx: &Context<'_>, country_id: i64) -> Result<Option<Country>, ApiError> {
    Ok(loaders(ctx)?.load_one(CountryId(country_id)).await?.map(Country))
}

/// The recommendations a request targets.
async fn targets_of(ctx: &Context<'_>, request_id: i64) -> Result<Vec<Recommendation>, ApiError> {
    let rows = loaders(ctx)?.load_one(RecommendationsOfFundRequest(request_id)).await?.unwrap_or_default();
    Ok(rows.into_iter().map(Recommendation).collect())
}

/// What a fund is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::fund::FundKind")]
pub enum FundKind {
    /// The Human Rights Recommendations Implementation Fund A/HRC/43/37 proposes.
    ImplementationFund,
    /// A voluntary fund for technical or financial assistance.
    VoluntaryFund,
    /// A trust fund.
    TrustFund,
}

/// Whether a fund operates yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::fund::FundStatus")]
pub enum FundStatus {
    /// Proposed, not yet established.
    Proposed,
    /// Established and operating.
    Operating,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::fund::RequestStatus")]
pub enum FundRequestStatus {
    /// Being written by the State.
    Draft,
    /// Submitted to the fund.
    Submitted,
    /// Before the advisory committee.
    UnderReview,
    /// The fund asked the State for more information.
    InformationRequested,
    /// Approved: a grant.
    Approved,
    /// Rejected.
    Rejected,
    /// Money has been paid out.
    Disbursed,
    /// The funded work is done.
    Completed,
    /// Withdrawn by the State (or the fund) before a decision.
    Withdrawn,
}

/// A committee member's recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::fund::ReviewRecommendation")]
pub enum FundReviewRecommendation {
    /// Approve the request.
    Approve,
    /// Reject it.
    Reject,
    /// Ask the State for more information.
    RequestInformation,
}

/// A fund.
pub struct Fund(pub store::Fund);

/// A fund: the Implementation Fund A/HRC/43/37 proposes, or a voluntary fund resolution 36/29 names.
#[Object]
impl Fund {
    /// Stable key, such as `implementation-fund`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Its name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> String {
        pick(Lang::resolve(ctx, lang), &self.0.name_en, self.0.name_zh.as_deref().unwrap_or_default()).to_owned()
    }

    /// What it is.
    async fn kind(&self) -> FundKind {
        store::FundKind::from_db(&self.0.kind).into()
    }

    /// Whether it operates yet.
    async fn status(&self) -> FundStatus {
        store::FundStatus::from_db(&self.0.status).into()
    }

    /// The currency it accounts in (ISO 4217).
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// Whether an advisory committee of States reviews its requests.
    async fn has_committee(&self) -> bool {
        self.0.has_committee
    }

    /// Where this is recorded.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// The States serving on its advisory committee, one per regional group.
    async fn committee(&self, ctx: &Context<'_>) -> Result<Vec<FundCommitteeMember>, ApiError> {
        let id = self.0.id;
        Ok(query(ctx, move |c| CommitteeMember::serving(c, id)).await?.into_iter().map(FundCommitteeMember).collect())
    }

    /// Its assistance criteria, version by version.
    async fn criteria_versions(&self, ctx: &Context<'_>) -> Result<Vec<FundCriteriaVersion>, ApiError> {
        let id = self.0.id;
        Ok(query(ctx, move |c| CriteriaVersion::of_fund(c, id)).await?.into_iter().map(FundCriteriaVersion).collect())
    }
}

/// A State on a fund's advisory committee.
pub struct FundCommitteeMember(pub CommitteeMember);

/// A State on a fund's advisory committee.
#[Object]
impl FundCommitteeMember {
    /// Opaque ID.
    async fn id(&self) -> ID {
        ids::encode("FundCommitteeMember", &self.0.id.to_string())
    }

    /// The State.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country_of(ctx, self.0.country_id).await
    }

    /// The regional group it represents.
    async fn regional_group(&self, ctx: &Context<'_>) -> Result<Option<RegionalGroup>, ApiError> {
        Ok(loaders(ctx)?.load_one(RegionalGroupId(self.0.regional_group_id)).await?.map(RegionalGroup))
    }

    /// First day of its term.
    async fn term_starts_on(&self) -> Date {
        Date(self.0.term_starts_on)
    }

    /// Last day of its term.
    async fn term_ends_on(&self) -> Date {
        Date(self.0.term_ends_on)
    }

    /// Its representatives.
    async fn representatives(&self) -> Vec<String> {
        self.0.representatives.lines().map(str::to_owned).collect()
    }

    /// Whether it serves now.
    async fn serving(&self) -> bool {
        self.0.serving
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name when ending the term.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A version of a fund's assistance criteria.
pub struct FundCriteriaVersion(pub CriteriaVersion);

/// A version of a fund's assistance criteria: requests are reviewed against the version in force when submitted.
#[Object]
impl FundCriteriaVersion {
    /// Its number (1, 2, …).
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// The day the committee adopted it.
    async fn adopted_on(&self) -> Date {
        Date(self.0.adopted_on)
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its criteria.
    async fn criteria(&self, ctx: &Context<'_>) -> Result<Vec<FundCriterion>, ApiError> {
        let id = self.0.id;
        Ok(query(ctx, move |c| CriteriaVersion::criteria(c, id))
            .await?
            .into_iter()
            .map(|c| FundCriterion { key: c.key, description: c.description, max_score: c.max_score })
            .collect())
    }
}

/// An assistance criterion.
#[derive(SimpleObject, Clone)]
pub struct FundCriterion {
    /// Stable key within its version.
    pub key: String,
    /// What it weighs.
    pub description: String,
    /// The highest score.
    pub max_score: i32,
}

/// A request from a State.
pub struct FundRequest(pub Row);

/// A request from a State for the fund's assistance.
#[Object]
impl FundRequest {
    /// Opaque ID.
    async fn id(&self) -> ID {
        ids::encode("FundRequest", &self.0.key)
    }

    /// Its reference, such as `FR-00012` (`DEMO-FR-…` for fictional demonstration data).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The fund asked.
    async fn fund(&self, ctx: &Context<'_>) -> Result<Fund, ApiError> {
        fund_of(ctx, self.0.fund_id).await
    }

    /// The requesting State.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country_of(ctx, self.0.country_id).await
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The State's assessment of its needs.
    async fn needs_assessment(&self) -> &str {
        &self.0.needs_assessment
    }

    /// Its partners.
    async fn partners(&self) -> Vec<String> {
        self.0.partners.lines().map(str::to_owned).collect()
    }

    /// Its attachments, as references (symbols, addresses).
    async fn attachments(&self) -> Vec<String> {
        self.0.attachments.lines().map(str::to_owned).collect()
    }

    /// The amount requested.
    async fn amount(&self) -> Money {
        money(self.0.amount_minor, &self.0.currency)
    }

    /// Where it stands.
    async fn status(&self) -> FundRequestStatus {
        self.0.status().into()
    }

    /// The statuses it may move to next.
    async fn next_statuses(&self) -> Vec<FundRequestStatus> {
        self.0.status().next().iter().map(|s| (*s).into()).collect()
    }

    /// The day it was submitted.
    async fn submitted_on(&self) -> Option<Date> {
        self.0.submitted_on.map(Date)
    }

    /// The criteria version it is reviewed against (the one in force when it was submitted).
    async fn criteria_version(&self, ctx: &Context<'_>) -> Result<Option<FundCriteriaVersion>, ApiError> {
        let Some(id) = self.0.criteria_version_id else { return Ok(None) };
        Ok(Some(FundCriteriaVersion(query(ctx, move |c| CriteriaVersion::by_id(c, id)).await?)))
    }

    /// The decision, once taken: approved or rejected, when, why, and the amount approved.
    async fn decision(&self) -> Option<FundDecision> {
        let decided_on = self.0.decided_on?;
        Some(FundDecision {
            approved: self.0.approved_minor.is_some(),
            decided_on: Date(decided_on),
            reasons: self.0.decision_reasons.clone().unwrap_or_default(),
            approved_amount: self.0.approved_minor.map(|m| money(m, &self.0.currency)),
        })
    }

    /// The recommendations it targets (all addressed to the requesting State).
    async fn targeted_recommendations(&self, ctx: &Context<'_>) -> Result<Vec<Recommendation>, ApiError> {
        targets_of(ctx, self.0.id).await
    }

    /// The serving committee members recused from it: those of the requesting State.
    async fn recused_members(&self, ctx: &Context<'_>) -> Result<Vec<FundCommitteeMember>, ApiError> {
        let (fund, country) = (self.0.fund_id, self.0.country_id);
        let member = query(ctx, move |c| CommitteeMember::serving_for(c, fund, country)).await?;
        Ok(member.into_iter().map(FundCommitteeMember).collect())
    }

    /// How many reviews count towards the quorum so far.
    async fn review_count(&self, ctx: &Context<'_>) -> Result<i64, ApiError> {
        let row = self.0.clone();
        query(ctx, move |c| Review::quorum_count(c, &row)).await
    }

    /// The committee's reviews: the fund's secretariat sees them all; a committee member sees them once it has
    /// submitted its own (blind review), and nothing before; nobody else, the requesting State included.
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<FundReview>, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "FundRequest.reviews")?;
        let viewer = viewer.clone();
        let request = self.0.clone();
        let rows = query(ctx, move |c| {
            let reviews = Review::of_request(c, request.id)?;
            // Every row: the fund's secretariat. The committee's are blind: a member's own review opens the others.
            if scope.is_all() {
                return Ok(reviews);
            }
            let Some(code) = &viewer.country else { return Ok(Vec::new()) };
            let Some(country) = models::Country::by_iso3(c, code)? else { return Ok(Vec::new()) };
            let member = CommitteeMember::serving_for(c, request.fund_id, country.id)?;
            let reviewed = member.is_some_and(|m| reviews.iter().any(|(r, _)| r.member_id == m.id));
            Ok(if reviewed { reviews } else { Vec::new() })
        })
        .await?;
        Ok(rows.into_iter().map(|(review, scores)| FundReview { review, scores }).collect())
    }

    /// Its money paid out.
    async fn disbursements(&self, ctx: &Context<'_>) -> Result<Vec<FundDisbursement>, ApiError> {
        let id = self.0.id;
        let currency = self.0.currency.clone();
        Ok(query(ctx, move |c| Row::disbursements(c, id))
            .await?
            .into_iter()
            .map(|d| FundDisbursement(d, currency.clone()))
            .collect())
    }

    /// Every transition, oldest first, with its actor, time and comment.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<FundRequestEvent>, ApiError> {
        let id = self.0.id;
        Ok(query(ctx, move |c| Row::events(c, id))
            .await?
            .into_iter()
            .map(|e| FundRequestEvent {
                from_status: e.from_status,
                to_status: e.to_status,
                actor: e.actor,
                occurred_at: DateTime(e.occurred_at),
                comment: e.comment,
            })
            .collect())
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in an update.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A decision on a request.
#[derive(SimpleObject)]
pub struct FundDecision {
    /// Approved (true) or rejected.
    pub approved: bool,
    /// The day it was decided.
    pub decided_on: Date,
    /// Its reasons.
    pub reasons: String,
    /// The amount approved.
    pub approved_amount: Option<Money>,
}

/// A transition of a request.
#[derive(SimpleObject)]
pub struct FundRequestEvent {
    /// The status before (none for the first).
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: String,
    /// Who (the token subject).
    pub actor: String,
    /// When.
    pub occurred_at: DateTime,
    /// The comment given.
    pub comment: String,
}

/// A committee member's review.
pub struct FundReview {
    review: store::Review,
    scores: Vec<(String, i32)>,
}

/// A committee member's review of a request.
#[Object]
impl FundReview {
    /// The member (State) that reviewed.
    async fn member(&self, ctx: &Context<'_>) -> Result<Option<FundCommitteeMember>, ApiError> {
        let id = self.review.member_id;
        Ok(query(ctx, move |c| CommitteeMember::by_id(c, id)).await?.map(FundCommitteeMember))
    }

    /// The representative who submitted it (token subject).
    async fn reviewer(&self) -> &str {
        &self.review.reviewer
    }

    /// The member's recommendation.
    async fn recommendation(&self) -> FundReviewRecommendation {
        store::ReviewRecommendation::from_db(&self.review.recommendation).into()
    }

    /// Its comment.
    async fn comment(&self) -> &str {
        &self.review.comment
    }

    /// A score per criterion of the request's criteria version.
    async fn scores(&self) -> Vec<FundScore> {
        self.scores.iter().map(|(criterion, score)| FundScore { criterion: criterion.clone(), score: *score }).collect()
    }

    /// Its version, to name when revising it.
    async fn version(&self) -> i32 {
        self.review.version
    }

    /// When it was last submitted.
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.review.updated_at)
    }
}

/// A score on one criterion.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "FundScoreInput")]
pub struct FundScore {
    /// The criterion's key.
    pub criterion: String,
    /// The score, from 0 to the criterion's maximum.
    pub score: i32,
}

/// Money paid out on a grant.
pub struct FundDisbursement(Disbursement, String);

/// Money paid out on a grant.
#[Object]
impl FundDisbursement {
    /// How much.
    async fn amount(&self) -> Money {
        money(self.0.amount_minor, &self.1)
    }

    /// When.
    async fn disbursed_on(&self) -> Date {
        Date(self.0.disbursed_on)
    }

    /// The payment's reference.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
}

/// A grant: an approved request, as the public sees it.
pub struct FundGrant(pub Row);

/// A grant: an approved request, as the public sees it (State, fund, amount, targeted recommendations, dates).
#[Object]
impl FundGrant {
    /// The request's reference.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The fund.
    async fn fund(&self, ctx: &Context<'_>) -> Result<Fund, ApiError> {
        fund_of(ctx, self.0.fund_id).await
    }

    /// The State.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country_of(ctx, self.0.country_id).await
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The amount approved.
    async fn amount(&self) -> Money {
        money(self.0.approved_minor.unwrap_or_default(), &self.0.currency)
    }

    /// The day it was approved.
    async fn approved_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }

    /// The day it was submitted.
    async fn submitted_on(&self) -> Option<Date> {
        self.0.submitted_on.map(Date)
    }

    /// Approved, disbursed or completed.
    async fn status(&self) -> FundRequestStatus {
        self.0.status().into()
    }

    /// The recommendations it funds.
    async fn targeted_recommendations(&self, ctx: &Context<'_>) -> Result<Vec<Recommendation>, ApiError> {
        targets_of(ctx, self.0.id).await
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }
}

/// What grant totals are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FundGrantDimension {
    /// The fund.
    Fund,
    /// The year of approval.
    Year,
    /// The regional group of the State.
    RegionalGroup,
    /// The themes of the recommendations funded (a grant counts once under each).
    Theme,
    /// The SDGs of the recommendations funded (a grant counts once under each).
    SdgGoal,
}

/// Grants in one group.
#[derive(SimpleObject)]
pub struct FundGrantTotal {
    /// The group: a fund key, a year, a regional group code, a theme key or an SDG number.
    pub group: String,
    /// How many grants.
    pub count: i64,
    /// Their approved amounts, summed (per currency: funds account in one currency each).
    pub amount: Money,
}

/// Which requests.
#[derive(Debug, Clone, Default, InputObject)]
pub struct FundRequestFilter {
    /// Only those to this fund (its key).
    pub fund: Option<String>,
    /// Only those of this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those in this status.
    pub status: Option<FundRequestStatus>,
}

/// Which grants.
#[derive(Debug, Clone, Default, InputObject)]
pub struct FundGrantFilter {
    /// Only those of this fund (its key).
    pub fund: Option<String>,
    /// Only those to this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those approved in this year.
    pub year: Option<i32>,
}

/// The row ids a filter's fund key and country code name.
type FundAndCountry = (Option<i64>, Option<i64>);

fn resolve_ids(
    c: &mut hrc_db::DbConnection,
    fund: Option<&str>,
    country: Option<&str>,
) -> hrc_db::QueryResult<Result<FundAndCountry, ApiError>> {
    let fund_id = match fund {
        None => None,
        Some(key) => match store::Fund::by_key(c, key.trim())? {
            Some(f) => Some(f.id),
            None => return Ok(Err(ApiError::bad_input("filter.fund", format!("no fund has the key {key:?}")))),
        },
    };
    let country_id = match country {
        None => None,
        Some(code) => match crate::lookup::country_id(c, "filter.country", code)? {
            Ok(id) => Some(id),
            Err(e) => return Ok(Err(e)),
        },
    };
    Ok(Ok((fund_id, country_id)))
}

fn request_reference(field: &str, id: &ID) -> Result<String, ApiError> {
    match ids::decode(field, id)? {
        (kind, key) if kind == "FundRequest" => Ok(key),
        _ => Err(ApiError::bad_input(field, "this is not the ID of a fund request")),
    }
}

/// A request's content, as its State writes it.
#[derive(Debug, InputObject)]
pub struct FundRequestInput {
    /// The fund asked (its key).
    pub fund: String,
    /// Its title (1 to 300 characters).
    pub title: String,
    /// The State's assessment of its needs (1 to 20,000 characters).
    pub needs_assessment: String,
    /// Its partners (each 1 to 300 characters, at most 50).
    #[graphql(default)]
    pub partners: Vec<String>,
    /// References to attachments (symbols, addresses; each 1 to 500 characters, at most 50).
    #[graphql(default)]
    pub attachments: Vec<String>,
    /// The amount, an exact decimal string with at most two decimals, such as `"125000.00"`.
    pub amount: String,
    /// Its currency: the fund's (ISO 4217).
    pub currency: String,
    /// Keys of the recommendations it targets: each must be addressed to the requesting State (at most 100).
    #[graphql(default)]
    pub recommendations: Vec<String>,
}

fn lines(errors: &mut Vec<(String, String)>, field: &str, items: &[String], max_len: usize) -> Vec<String> {
    if items.len() > 50 {
        errors.push((field.to_owned(), "give at most 50".into()));
    }
    items
        .iter()
        .map(|i| {
            let t = i.trim().to_owned();
            if t.is_empty() || t.chars().count() > max_len || t.contains('\n') {
                errors.push((field.to_owned(), format!("each is one line of 1 to {max_len} characters")));
            }
            t
        })
        .collect()
}

/// Checks a request's input against the fund and the State; returns the fund id and the fields.
fn draft_fields(
    c: &mut hrc_db::DbConnection,
    input: FundRequestInput,
) -> hrc_db::QueryResult<Result<(i64, store::DraftFields), ApiError>> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, max: usize| {
        let t = value.trim().to_owned();
        if t.is_empty() || t.chars().count() > max {
            errors.push((field.to_owned(), format!("give 1 to {max} characters")));
        }
        t
    };
    let title = text("input.title", &input.title, 300);
    let needs_assessment = text("input.needsAssessment", &input.needs_assessment, 20_000);
    let partners = lines(&mut errors, "input.partners", &input.partners, 300);
    let attachments = lines(&mut errors, "input.attachments", &input.attachments, 500);
    let amount = match minor_units("input.amount", &input.amount) {
        Ok(a) => a,
        Err(ApiError::BadUserInput { field, message }) => {
            errors.push((field, message));
            0
        }
        Err(e) => return Ok(Err(e)),
    };
    let fund = store::Fund::by_key(c, input.fund.trim())?;
    match &fund {
        None => errors.push(("input.fund".into(), format!("no fund has the key {:?}", input.fund))),
        Some(f) if !f.currency.eq_ignore_ascii_case(input.currency.trim()) => {
            errors.push(("input.currency".into(), format!("{} accounts in {}", f.key, f.currency)))
        }
        Some(_) => {}
    }
    if input.recommendations.len() > 100 {
        errors.push(("input.recommendations".into(), "give at most 100".into()));
    }
    let mut recommendations = Vec::new();
    for key in &input.recommendations {
        match models::Recommendation::by_key(c, key.trim())? {
            Some(r) => recommendations.push(r.id),
            None => errors.push(("input.recommendations".into(), format!("no recommendation has the key {key:?}"))),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(ApiError::InvalidFields(errors)));
    }
    let fund = fund.expect("checked above");
    Ok(Ok((
        fund.id,
        store::DraftFields {
            title,
            needs_assessment,
            partners,
            attachments,
            amount_minor: amount,
            currency: fund.currency,
            recommendations,
        },
    )))
}

/// The State a focal point acts for, as a row id.
fn own_country(c: &mut hrc_db::DbConnection, viewer: &Viewer) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    let Some(code) = &viewer.country else { return Ok(Err(ApiError::Forbidden)) };
    Ok(models::Country::by_iso3(c, code)?.map(|c| c.id).ok_or(ApiError::Forbidden))
}

/// Tells the subscribers of `fundRequestEvents` of a committed change, from a task of its own: the answer does not
/// wait for the fund's key to be read or the event sent.
async fn publish(ctx: &Context<'_>, row: &Row, change: crate::events::FundChange) {
    let (Ok(events), Ok(db)) = (ctx.data::<crate::events::Events>(), crate::support::database::database(ctx)) else {
        return;
    };
    let (events, db) = (events.clone(), db.clone());
    let fund_id = row.fund_id;
    let (key, country_id, status) = (row.key.clone(), row.country_id, row.status.clone());
    let (submitted, occurred_at) = (row.submitted_on.is_some(), row.updated_at);
    events.clone().track(async move {
        let Ok(fund) = db.run(move |c| store::Fund::by_id(c, fund_id).map_err(Into::into)).await else { return };
        events.publish(crate::events::Event::Fund(crate::events::FundEvent {
            key,
            fund_key: fund.key,
            country_id,
            status,
            submitted,
            change,
            occurred_at,
        }));
    });
}

fn check_comment(comment: &str) -> Result<(), ApiError> {
    if comment.chars().count() > 2_000 {
        return Err(ApiError::bad_input("comment", "give at most 2,000 characters"));
    }
    Ok(())
}

/// A transition a State's focal point makes on its own State's request (the fund's secretariat may too, where the
/// table lets it).
async fn own_transition(
    ctx: &Context<'_>,
    path: &str,
    id: &ID,
    expected_version: i32,
    to: RequestStatus,
    fields: store::TransitionFields,
    comment: String,
) -> Result<FundRequest, ApiError> {
    let (viewer, scope) = guard_caller_scope(ctx, path)?;
    let viewer = viewer.clone();
    check_comment(&comment)?;
    let key = request_reference("id", id)?;
    let row = query(ctx, move |c| {
        let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(Err(ApiError::Forbidden)) };
        if Row::by_key(c, &key, scope)?.is_none() {
            return Ok(Err(fund_error(FundError::NotFound)));
        }
        Ok(Row::transition(c, &key, expected_version, to, fields, &viewer.subject, comment.trim()).map_err(fund_error))
    })
    .await??;
    publish(ctx, &row, crate::events::FundChange::StatusChanged).await;
    Ok(FundRequest(row))
}

/// A committee member to appoint.
#[derive(Debug, InputObject)]
pub struct FundCommitteeMemberInput {
    /// The fund (its key).
    pub fund: String,
    /// The State (ISO 3166-1 alpha-3 code); its regional group must have no serving member.
    pub country: String,
    /// First day of the term.
    pub term_starts_on: Date,
    /// Last day of the term.
    pub term_ends_on: Date,
    /// Its representatives.
    #[graphql(default)]
    pub representatives: Vec<String>,
}

/// A criterion to adopt.
#[derive(Debug, InputObject)]
pub struct FundCriterionInput {
    /// Stable key within the version, such as `alignment`.
    pub key: String,
    /// What it weighs.
    pub description: String,
    /// The highest score (1 to 100).
    pub max_score: i32,
}
