//! The access table of DESIGN.md as data: who may use each path and which of its rows each caller sees.
//!
//! Every root query, mutation and subscription field is in it (a test fails otherwise), with a rule for each field
//! whose access differs from the paths that reach its type. A resolver, a subscription's filter, a field's
//! `visible` predicate and `node(id:)` all ask [`scope`] (through [`guard`], [`guard_scope`] or [`allows`]) with
//! their own path; no role is tested anywhere else. A path missing from the table is refused: deny by default.

use crate::support::auth::{Role, Viewer};
use crate::support::error::ApiError;

/// Which rows of a path a grant shows. Each names a property of the row, not of the caller, except [`Rows::OwnState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Rows {
    /// Every row.
    All = 1,
    /// The rows of the caller's own State (the token's `country` claim); none without one.
    OwnState = 2,
    /// Fund requests their State has submitted (they have a submission date), whatever their status since: a
    /// draft withdrawn before it was submitted never is.
    Submitted = 4,
    /// Early-warning signals the secretariat has verified.
    Verified = 8,
    /// Horizon-scanning briefings already delivered.
    Delivered = 16,
    /// Reprisal cases published, anonymised, while the person's consent stands.
    Published = 32,
    /// Complaint situations the working groups referred to the Council.
    Referred = 64,
}

/// Who a grant is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Everyone, the anonymous public included.
    Anyone,
    /// Callers holding this role.
    Role(Role),
}

/// One cell of the table: a caller, and the rows it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub who: Who,
    pub rows: Rows,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `Query.<field>`, `Mutation.<field>` or `Subscription.<field>`, or `<Type>.<field>` for a field whose access
    /// differs from the paths that reach its type.
    pub path: &'static str,
    /// Who may use it, and which rows each sees; a caller matching several grants sees the union of their rows.
    pub grants: &'static [Grant],
}

/// The rows a caller sees of a path: the union of the rows of every grant it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope(u8);

impl Scope {
    /// Every row.
    pub const ALL: Scope = Scope(Rows::All as u8);

    /// Whether the caller sees every row.
    pub fn is_all(self) -> bool {
        self.0 & Rows::All as u8 != 0
    }

    /// Whether the caller sees the rows of `rows` (every row includes them).
    pub fn includes(self, rows: Rows) -> bool {
        self.is_all() || self.0 & rows as u8 != 0
    }

    fn with(self, rows: Rows) -> Scope {
        Scope(self.0 | rows as u8)
    }
}

const fn grant(role: Role, rows: Rows) -> Grant {
    Grant { who: Who::Role(role), rows }
}

const fn all(role: Role) -> Grant {
    grant(role, Rows::All)
}

const ANYONE: &[Grant] = &[Grant { who: Who::Anyone, rows: Rows::All }];
const SECRETARIAT: &[Grant] = &[all(Role::Secretariat)];
const FUND_SECRETARIAT: &[Grant] = &[all(Role::FundSecretariat)];
const FOCAL_POINT: &[Grant] = &[grant(Role::StateFocalPoint, Rows::OwnState)];
const FUND_READERS: &[Grant] = &[
    grant(Role::StateFocalPoint, Rows::OwnState),
    grant(Role::FundCommittee, Rows::Submitted),
    all(Role::FundSecretariat),
    grant(Role::Secretariat, Rows::Submitted),
    grant(Role::CouncilBureau, Rows::Submitted),
];
const FUND_REVIEWERS: &[Grant] = &[grant(Role::FundCommittee, Rows::Submitted), all(Role::FundSecretariat)];
const COMPLAINT_STAFF: &[Grant] = &[all(Role::ComplaintWg), all(Role::ComplaintSecretariat)];
const COMPLAINT_SECRETARIAT: &[Grant] = &[all(Role::ComplaintSecretariat)];
const COMPLAINT_STAFF_AND_BUREAU: &[Grant] =
    &[all(Role::ComplaintWg), all(Role::ComplaintSecretariat), grant(Role::CouncilBureau, Rows::Referred)];
const COMPLAINT_DECISIONS: &[Grant] =
    &[all(Role::ComplaintWg), all(Role::ComplaintSecretariat), all(Role::CouncilBureau)];
const SIGNAL_READERS: &[Grant] = &[all(Role::Secretariat), grant(Role::CouncilBureau, Rows::Verified)];
const ANALYSIS_READERS: &[Grant] = &[all(Role::Secretariat), all(Role::CouncilBureau)];
const BRIEFING_READERS: &[Grant] = &[Grant { who: Who::Anyone, rows: Rows::Delivered }, all(Role::Secretariat)];
const REPRISALS_OFFICER: &[Grant] = &[all(Role::ReprisalsOfficer)];
const REPRISAL_READERS: &[Grant] = &[all(Role::ReprisalsOfficer), all(Role::Secretariat), all(Role::CouncilBureau)];
const REPRISAL_STAFF: &[Grant] = &[all(Role::ReprisalsOfficer), all(Role::Secretariat)];
const PUBLISHED_CASES: &[Grant] = &[Grant { who: Who::Anyone, rows: Rows::Published }];
const REPRISAL_COUNTS: &[Grant] = &[
    Grant { who: Who::Anyone, rows: Rows::Published },
    all(Role::ReprisalsOfficer),
    all(Role::Secretariat),
    all(Role::CouncilBureau),
];
const IMPLEMENTATION_REPORTERS: &[Grant] = &[all(Role::Secretariat), grant(Role::StateFocalPoint, Rows::OwnState)];
const FUND_WITHDRAWERS: &[Grant] = &[grant(Role::StateFocalPoint, Rows::OwnState), all(Role::FundSecretariat)];

const fn rule(path: &'static str, grants: &'static [Grant]) -> Rule {
    Rule { path, grants }
}

const fn public(path: &'static str) -> Rule {
    rule(path, ANYONE)
}

/// The table. Reads of the public graph (reference data, mechanisms, mandates, visits, resolutions, reports,
/// recommendations and published implementation) are everyone's, every row; writing it is the secretariat's, and a
/// State's focal point reports on its own State's implementation.
pub const RULES: &[Rule] = &[
    public("Query.node"),
    public("Query.nodes"),
    public("Query.viewer"),
    public("Query.regionalGroups"),
    public("Query.countries"),
    public("Query.country"),
    public("Query.sessions"),
    public("Query.sdgGoals"),
    public("Query.resolutions"),
    public("Query.resolution"),
    public("Query.councilMembers"),
    public("Query.councilTerms"),
    public("Query.votingRecord"),
    public("Query.votingAgreement"),
    public("Query.votingPartners"),
    public("Query.votingAgreementMatrix"),
    public("Query.groupCohesion"),
    public("Query.mostDividedVotes"),
    public("Query.adoptionWithoutVote"),
    public("Query.reports"),
    public("Query.report"),
    public("Query.mechanisms"),
    public("Query.mechanism"),
    public("Query.mandates"),
    public("Query.mandate"),
    public("Query.recommendations"),
    public("Query.recommendation"),
    public("Query.recommendationCounts"),
    public("Query.visits"),
    public("Query.visitCounts"),
    public("Query.thesaurusTerms"),
    public("Query.thesaurusTerm"),
    public("Query.communications"),
    public("Query.communication"),
    public("Query.countrySituations"),
    public("Query.countrySituation"),
    public("Query.nationalMechanisms"),
    public("Query.nationalMechanism"),
    public("Query.knowledgeHub"),
    public("Query.knowledgeItem"),
    public("Query.rateLimit"),
    // The complaint procedure: its public record is public; the rest is in the complaint schema only, and within it
    // each path is the staff's, the Bureau seeing the situations referred to the Council.
    public("Query.complaintProcedureRecord"),
    rule("Query.complaintCommunications", COMPLAINT_STAFF),
    rule("Query.complaintCommunication", COMPLAINT_STAFF),
    rule("Query.complaintCommunicationCounts", COMPLAINT_STAFF),
    rule("Query.complaintSituations", COMPLAINT_STAFF_AND_BUREAU),
    rule("Query.complaintSituation", COMPLAINT_STAFF_AND_BUREAU),
    rule("Query.complaintAuditLog", COMPLAINT_SECRETARIAT),
    rule("ComplaintCommunication.author", COMPLAINT_SECRETARIAT),
    rule("ComplaintCommunication.situation", COMPLAINT_STAFF),
    rule("ComplaintCommunication.events", COMPLAINT_STAFF),
    rule("ComplaintSituation.councilDecisions", COMPLAINT_DECISIONS),
    rule("ComplaintSituation.communications", COMPLAINT_STAFF),
    rule("ComplaintSituation.events", COMPLAINT_STAFF),
    rule("Mutation.registerComplaintCommunication", COMPLAINT_SECRETARIAT),
    rule("Mutation.moveComplaintCommunication", COMPLAINT_STAFF),
    rule("Mutation.summariseComplaintSituation", COMPLAINT_STAFF),
    rule("Mutation.recordComplaintCouncilDecision", COMPLAINT_SECRETARIAT),
    rule("Mutation.publishComplaintExamination", COMPLAINT_SECRETARIAT),
    // The Implementation Fund: funds and grants are public; requests are read as DESIGN.md's table says (a State's
    // focal point its own; the committee, the secretariat and the Bureau once submitted; the fund's secretariat
    // all), and individual reviews are the fund secretariat's and the committee's (blind).
    public("Query.funds"),
    public("Query.fund"),
    public("Query.fundGrants"),
    public("Query.fundGrantTotals"),
    rule("Query.fundRequests", FUND_READERS),
    rule("Query.fundRequest", FUND_READERS),
    rule("Subscription.fundRequestEvents", FUND_READERS),
    rule("FundRequest.reviews", FUND_REVIEWERS),
    rule("Mutation.createFundRequest", FOCAL_POINT),
    rule("Mutation.updateFundRequest", FOCAL_POINT),
    rule("Mutation.submitFundRequest", FOCAL_POINT),
    rule("Mutation.answerFundInformationRequest", FOCAL_POINT),
    rule("Mutation.withdrawFundRequest", FUND_WITHDRAWERS),
    rule("Mutation.moveFundRequest", FUND_SECRETARIAT),
    rule("Mutation.submitFundReview", &[grant(Role::FundCommittee, Rows::Submitted)]),
    rule("Mutation.decideFundRequest", FUND_SECRETARIAT),
    rule("Mutation.recordFundDisbursement", FUND_SECRETARIAT),
    rule("Mutation.appointFundCommitteeMember", FUND_SECRETARIAT),
    rule("Mutation.endFundCommitteeTerm", FUND_SECRETARIAT),
    rule("Mutation.adoptFundCriteria", FUND_SECRETARIAT),
    // Early warning: the secretariat's working tool; the Bureau reads verified signals and the analyses, never
    // sources or the verification trail; delivered briefings are public, scheduled ones the secretariat's.
    rule("Query.earlyWarningSignals", SIGNAL_READERS),
    rule("Query.earlyWarningSignal", SIGNAL_READERS),
    rule("Subscription.earlyWarningSignalEvents", SIGNAL_READERS),
    rule("Query.earlyWarningAnalysis", ANALYSIS_READERS),
    rule("EarlyWarningSignal.source", SECRETARIAT),
    rule("EarlyWarningSignal.events", SECRETARIAT),
    rule("Mutation.reportEarlyWarningSignal", SECRETARIAT),
    rule("Mutation.updateEarlyWarningSignal", SECRETARIAT),
    rule("Mutation.moveEarlyWarningSignal", SECRETARIAT),
    rule("Query.horizonBriefings", BRIEFING_READERS),
    rule("Query.horizonBriefing", BRIEFING_READERS),
    rule("Mutation.recordHorizonBriefing", SECRETARIAT),
    rule("Mutation.deliverHorizonBriefing", SECRETARIAT),
    // Reprisal cases: published ones, anonymised, are public, and so are their counts (of every case for staff);
    // the staff's cases are the reprisals officer's, the secretariat's and the Bureau's, the identity the officer's
    // alone, the government's response and follow-ups not the Bureau's (they may identify).
    rule("Query.publishedReprisalCases", PUBLISHED_CASES),
    rule("Query.publishedReprisalCase", PUBLISHED_CASES),
    rule("Query.reprisalCaseCounts", REPRISAL_COUNTS),
    rule("Query.reprisalCases", REPRISAL_READERS),
    rule("Query.reprisalCase", REPRISAL_READERS),
    rule("ReprisalCase.identity", REPRISALS_OFFICER),
    rule("ReprisalCase.governmentResponse", REPRISAL_STAFF),
    rule("ReprisalCase.followUps", REPRISAL_STAFF),
    rule("Mutation.recordReprisalCase", REPRISALS_OFFICER),
    rule("Mutation.updateReprisalCase", REPRISALS_OFFICER),
    rule("Mutation.recordReprisalConsent", REPRISALS_OFFICER),
    rule("Mutation.withdrawReprisalConsent", REPRISALS_OFFICER),
    rule("Mutation.publishReprisalCase", REPRISALS_OFFICER),
    rule("Mutation.unpublishReprisalCase", REPRISALS_OFFICER),
    rule("Mutation.addReprisalFollowUp", REPRISALS_OFFICER),
    // The roster of experts: personal data, the secretariat's alone.
    rule("Query.rosterExperts", SECRETARIAT),
    rule("Query.rosterExpert", SECRETARIAT),
    rule("Mutation.addRosterExpert", SECRETARIAT),
    rule("Mutation.updateRosterExpert", SECRETARIAT),
    rule("Mutation.recordRosterDeployment", SECRETARIAT),
    // The public graph's writes.
    rule("Mutation.createRecommendation", SECRETARIAT),
    rule("Mutation.updateRecommendation", SECRETARIAT),
    rule("Mutation.addImplementationReport", IMPLEMENTATION_REPORTERS),
    rule("Mutation.updateMechanism", SECRETARIAT),
    rule("Mutation.createMandate", SECRETARIAT),
    rule("Mutation.updateMandate", SECRETARIAT),
    rule("Mutation.renewMandate", SECRETARIAT),
    rule("Mutation.addMandateHolder", SECRETARIAT),
    rule("Mutation.updateMandateHolder", SECRETARIAT),
    rule("Mutation.recordStandingInvitation", SECRETARIAT),
    rule("Mutation.withdrawStandingInvitation", SECRETARIAT),
    rule("Mutation.createVisit", SECRETARIAT),
    rule("Mutation.updateVisit", SECRETARIAT),
];

/// The types that `node(id:)` and `nodes(ids:)` reach, each with the path whose rule decides who sees which of its
/// records. A record the caller may not see answers exactly as an ID of a record that does not exist (null), so
/// nobody can probe for existence; a type missing here is never returned.
pub const NODE_TYPES: &[(&str, &str)] = &[
    ("RegionalGroup", "Query.regionalGroups"),
    ("Country", "Query.country"),
    ("Session", "Query.sessions"),
    ("SdgGoal", "Query.sdgGoals"),
    ("SdgTarget", "Query.sdgGoals"),
    ("Resolution", "Query.resolution"),
    ("Report", "Query.report"),
    ("Mechanism", "Query.mechanism"),
    ("Mandate", "Query.mandate"),
    ("MandateHolder", "Query.mandate"),
    ("Recommendation", "Query.recommendation"),
    ("Visit", "Query.visits"),
    ("ThesaurusTerm", "Query.thesaurusTerm"),
    ("Communication", "Query.communication"),
    ("CountrySituation", "Query.countrySituation"),
    ("NationalMechanism", "Query.nationalMechanism"),
    ("KnowledgeItem", "Query.knowledgeItem"),
    ("EarlyWarningSignal", "Query.earlyWarningSignal"),
    ("HorizonBriefing", "Query.horizonBriefing"),
    ("ReprisalCase", "Query.reprisalCase"),
    ("PublishedReprisalCase", "Query.publishedReprisalCase"),
    ("RosterExpert", "Query.rosterExpert"),
];

/// The rule of a path, if the table has one.
pub fn rule_of(path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.path == path)
}

/// The rows `viewer` (`None`: the anonymous public) sees of `path`; `None` where the table gives it nothing, or does
/// not list the path.
pub fn scope(viewer: Option<&Viewer>, path: &str) -> Option<Scope> {
    let rule = rule_of(path)?;
    let matches = |who: Who| match who {
        Who::Anyone => true,
        Who::Role(role) => viewer.is_some_and(|v| v.has(role)),
    };
    rule.grants
        .iter()
        .filter(|g| matches(g.who))
        .fold(None, |scope: Option<Scope>, g| Some(scope.unwrap_or(Scope(0)).with(g.rows)))
}

/// Whether the caller of `ctx` may use `path` at all (for `visible` predicates and field rules).
pub fn allows(ctx: &async_graphql::Context<'_>, path: &str) -> bool {
    scope(crate::viewer(ctx), path).is_some()
}

/// The rows the caller of `ctx` sees of the records of `type_name` through `node(id:)`; `None` for a type it may
/// not see at all, or one the table does not list.
pub fn node_scope(ctx: &async_graphql::Context<'_>, type_name: &str) -> Option<Scope> {
    let (_, path) = NODE_TYPES.iter().find(|(name, _)| *name == type_name)?;
    scope(crate::viewer(ctx), path)
}

/// Whether a caller is served the complaint schema: whoever the table lets read any of the complaint procedure's
/// confidential paths.
pub fn sees_complaint_schema(viewer: Option<&Viewer>) -> bool {
    viewer.is_some()
        && RULES
            .iter()
            .filter(|r| r.path.starts_with("Query.complaint") && r.path != "Query.complaintProcedureRecord")
            .any(|r| scope(viewer, r.path).is_some())
}

/// The caller and the rows it sees, if the table lets it use `path`: `UNAUTHENTICATED` for the anonymous public
/// where a role is needed, `FORBIDDEN` for a caller without one, and `FORBIDDEN` for a path the table does not list.
pub fn guard_scope<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<(Option<&'a Viewer>, Scope), ApiError> {
    let viewer = crate::viewer(ctx);
    match scope(viewer, path) {
        Some(scope) => Ok((viewer, scope)),
        None => Err(refusal(viewer, path)),
    }
}

/// The error for a caller the table gives nothing of `path`: `UNAUTHENTICATED` for the anonymous public where a
/// role would do, `FORBIDDEN` for a caller without one, and `FORBIDDEN` for a path the table does not list.
pub fn refusal(viewer: Option<&Viewer>, path: &str) -> ApiError {
    if rule_of(path).is_none() {
        tracing::error!(path, "a path the access table does not list was asked for; refused");
        return ApiError::Forbidden;
    }
    match viewer {
        None => ApiError::Unauthenticated("sign in with a bearer token to do this".into()),
        Some(_) => ApiError::Forbidden,
    }
}

/// Like [`guard_scope`], for a path whose every caller sees the same rows.
pub fn guard<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<Option<&'a Viewer>, ApiError> {
    guard_scope(ctx, path).map(|(viewer, _)| viewer)
}

/// Like [`guard_scope`], for paths that need a caller (writes, and the staff's reads).
pub fn guard_caller_scope<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<(&'a Viewer, Scope), ApiError> {
    match guard_scope(ctx, path)? {
        (Some(viewer), scope) => Ok((viewer, scope)),
        (None, _) => Err(ApiError::Unauthenticated("sign in with a bearer token to do this".into())),
    }
}

/// Like [`guard`], for paths that need a caller (writes).
pub fn guard_caller<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<&'a Viewer, ApiError> {
    guard_caller_scope(ctx, path).map(|(viewer, _)| viewer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(roles: &[Role]) -> Viewer {
        Viewer { subject: "t".into(), roles: roles.iter().copied().collect(), country: Some("NPL".into()) }
    }

    #[test]
    fn a_caller_with_two_grants_sees_the_union_of_their_rows() {
        let both = viewer(&[Role::StateFocalPoint, Role::FundCommittee]);
        let scope = scope(Some(&both), "Query.fundRequests").expect("both roles read requests");
        assert!(scope.includes(Rows::OwnState) && scope.includes(Rows::Submitted) && !scope.is_all());
    }

    #[test]
    fn every_row_includes_each_kind_and_nothing_is_granted_off_the_table() {
        assert!(Scope::ALL.includes(Rows::Verified));
        assert_eq!(scope(Some(&viewer(&[Role::Admin])), "Query.fundRequests"), None);
        assert_eq!(scope(None, "Query.noSuchPath"), None);
        assert_eq!(scope(None, "Query.horizonBriefings").map(|s| s.includes(Rows::Delivered)), Some(true));
        assert_eq!(scope(None, "Query.horizonBriefings").map(Scope::is_all), Some(false));
    }
}
