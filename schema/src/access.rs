//! The access table of DESIGN.md as data: who may use each root field. Every root query and mutation field is in
//! it (a test fails otherwise), and a write's resolver asks [`guard`] with its own path, so the table, not the
//! resolver, says who may write. A path missing from the table is refused: deny by default.

use crate::auth::{Role, Viewer};
use crate::error::ApiError;

/// Who may use a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everyone, the anonymous public included.
    Public,
    /// Callers holding one of these roles.
    Roles(&'static [Role]),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `Query.<field>`, `Mutation.<field>` or `Subscription.<field>`, or `<Type>.<field>` for a field whose access differs from the paths
    /// that reach its type.
    pub path: &'static str,
    pub access: Access,
    /// For State-scoped roles, the resolver further restricts the rows to the caller's own State.
    pub row_scoped: bool,
}

const fn public(path: &'static str) -> Rule {
    Rule { path, access: Access::Public, row_scoped: false }
}

const fn roles(path: &'static str, roles: &'static [Role]) -> Rule {
    Rule { path, access: Access::Roles(roles), row_scoped: false }
}

const SECRETARIAT: &[Role] = &[Role::Secretariat];
const FUND_SECRETARIAT: &[Role] = &[Role::FundSecretariat];
const FUND_READERS: &[Role] =
    &[Role::StateFocalPoint, Role::FundCommittee, Role::FundSecretariat, Role::Secretariat, Role::CouncilBureau];
const COMPLAINT_STAFF: &[Role] = &[Role::ComplaintWg, Role::ComplaintSecretariat];
const COMPLAINT_SECRETARIAT: &[Role] = &[Role::ComplaintSecretariat];
const COMPLAINT_STAFF_AND_BUREAU: &[Role] = &[Role::ComplaintWg, Role::ComplaintSecretariat, Role::CouncilBureau];
const EARLY_WARNING_READERS: &[Role] = &[Role::Secretariat, Role::CouncilBureau];
const REPRISALS_OFFICER: &[Role] = &[Role::ReprisalsOfficer];
const REPRISAL_READERS: &[Role] = &[Role::ReprisalsOfficer, Role::Secretariat, Role::CouncilBureau];
const REPRISAL_STAFF: &[Role] = &[Role::ReprisalsOfficer, Role::Secretariat];

/// The table. Reads of the public graph (reference data, mechanisms, mandates, visits, resolutions, reports,
/// recommendations and published implementation) are public; writing it is the secretariat's, and a State's focal
/// point reports on its own State's implementation.
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
    // each path is the staff's, the Bureau seeing the situations referred to the Council (row-scoped).
    public("Query.complaintProcedureRecord"),
    roles("Query.complaintCommunications", COMPLAINT_STAFF),
    roles("Query.complaintCommunication", COMPLAINT_STAFF),
    roles("Query.complaintCommunicationCounts", COMPLAINT_STAFF),
    Rule { path: "Query.complaintSituations", access: Access::Roles(COMPLAINT_STAFF_AND_BUREAU), row_scoped: true },
    Rule { path: "Query.complaintSituation", access: Access::Roles(COMPLAINT_STAFF_AND_BUREAU), row_scoped: true },
    roles("Query.complaintAuditLog", COMPLAINT_SECRETARIAT),
    roles("ComplaintCommunication.author", COMPLAINT_SECRETARIAT),
    roles("ComplaintCommunication.situation", COMPLAINT_STAFF),
    roles("ComplaintCommunication.events", COMPLAINT_STAFF),
    roles("ComplaintSituation.councilDecisions", COMPLAINT_STAFF_AND_BUREAU),
    roles("ComplaintSituation.communications", COMPLAINT_STAFF),
    roles("ComplaintSituation.events", COMPLAINT_STAFF),
    roles("Mutation.registerComplaintCommunication", COMPLAINT_SECRETARIAT),
    roles("Mutation.moveComplaintCommunication", COMPLAINT_STAFF),
    roles("Mutation.summariseComplaintSituation", COMPLAINT_STAFF),
    roles("Mutation.recordComplaintCouncilDecision", COMPLAINT_SECRETARIAT),
    roles("Mutation.publishComplaintExamination", COMPLAINT_SECRETARIAT),
    // The Implementation Fund: funds and grants are public; requests are read as DESIGN.md's table says (a State's
    // focal point its own, row-scoped; the committee, the secretariat and the Bureau once submitted; the fund's
    // secretariat all), and individual reviews are the fund secretariat's and the committee's (blind).
    public("Query.funds"),
    public("Query.fund"),
    public("Query.fundGrants"),
    public("Query.fundGrantTotals"),
    Rule { path: "Query.fundRequests", access: Access::Roles(FUND_READERS), row_scoped: true },
    Rule { path: "Query.fundRequest", access: Access::Roles(FUND_READERS), row_scoped: true },
    roles("FundRequest.reviews", &[Role::FundCommittee, Role::FundSecretariat]),
    Rule { path: "Mutation.createFundRequest", access: Access::Roles(&[Role::StateFocalPoint]), row_scoped: true },
    Rule { path: "Mutation.updateFundRequest", access: Access::Roles(&[Role::StateFocalPoint]), row_scoped: true },
    Rule { path: "Mutation.submitFundRequest", access: Access::Roles(&[Role::StateFocalPoint]), row_scoped: true },
    Rule {
        path: "Mutation.answerFundInformationRequest",
        access: Access::Roles(&[Role::StateFocalPoint]),
        row_scoped: true,
    },
    Rule {
        path: "Mutation.withdrawFundRequest",
        access: Access::Roles(&[Role::StateFocalPoint, Role::FundSecretariat]),
        row_scoped: true,
    },
    roles("Mutation.moveFundRequest", FUND_SECRETARIAT),
    Rule { path: "Subscription.fundRequestEvents", access: Access::Roles(FUND_READERS), row_scoped: true },
    Rule { path: "Mutation.submitFundReview", access: Access::Roles(&[Role::FundCommittee]), row_scoped: true },
    roles("Mutation.decideFundRequest", FUND_SECRETARIAT),
    roles("Mutation.recordFundDisbursement", FUND_SECRETARIAT),
    roles("Mutation.appointFundCommitteeMember", FUND_SECRETARIAT),
    roles("Mutation.endFundCommitteeTerm", FUND_SECRETARIAT),
    roles("Mutation.adoptFundCriteria", FUND_SECRETARIAT),
    // Early warning: the secretariat's working tool; the Bureau reads verified signals (row-scoped) and the
    // analyses, never sources or the verification trail; delivered briefings are public (scheduled ones are the
    // secretariat's, row-scoped).
    Rule { path: "Query.earlyWarningSignals", access: Access::Roles(EARLY_WARNING_READERS), row_scoped: true },
    Rule { path: "Query.earlyWarningSignal", access: Access::Roles(EARLY_WARNING_READERS), row_scoped: true },
    roles("Query.earlyWarningAnalysis", EARLY_WARNING_READERS),
    roles("EarlyWarningSignal.source", SECRETARIAT),
    roles("EarlyWarningSignal.events", SECRETARIAT),
    roles("Mutation.reportEarlyWarningSignal", SECRETARIAT),
    roles("Mutation.updateEarlyWarningSignal", SECRETARIAT),
    roles("Mutation.moveEarlyWarningSignal", SECRETARIAT),
    Rule {
        path: "Subscription.earlyWarningSignalEvents",
        access: Access::Roles(EARLY_WARNING_READERS),
        row_scoped: true,
    },
    Rule { path: "Query.horizonBriefings", access: Access::Public, row_scoped: true },
    Rule { path: "Query.horizonBriefing", access: Access::Public, row_scoped: true },
    roles("Mutation.recordHorizonBriefing", SECRETARIAT),
    roles("Mutation.deliverHorizonBriefing", SECRETARIAT),
    // Reprisal cases: published ones, anonymised, and their counts are public (counts of every case for staff,
    // row-scoped); the staff's cases are the reprisals officer's, the secretariat's and the Bureau's, the identity
    // the officer's alone, the government's response and follow-ups not the Bureau's (they may identify).
    public("Query.publishedReprisalCases"),
    public("Query.publishedReprisalCase"),
    Rule { path: "Query.reprisalCaseCounts", access: Access::Public, row_scoped: true },
    roles("Query.reprisalCases", REPRISAL_READERS),
    roles("Query.reprisalCase", REPRISAL_READERS),
    roles("ReprisalCase.identity", REPRISALS_OFFICER),
    roles("ReprisalCase.governmentResponse", REPRISAL_STAFF),
    roles("ReprisalCase.followUps", REPRISAL_STAFF),
    roles("Mutation.recordReprisalCase", REPRISALS_OFFICER),
    roles("Mutation.updateReprisalCase", REPRISALS_OFFICER),
    roles("Mutation.recordReprisalConsent", REPRISALS_OFFICER),
    roles("Mutation.withdrawReprisalConsent", REPRISALS_OFFICER),
    roles("Mutation.publishReprisalCase", REPRISALS_OFFICER),
    roles("Mutation.unpublishReprisalCase", REPRISALS_OFFICER),
    roles("Mutation.addReprisalFollowUp", REPRISALS_OFFICER),
    // The roster of experts: personal data, the secretariat's alone.
    roles("Query.rosterExperts", SECRETARIAT),
    roles("Query.rosterExpert", SECRETARIAT),
    roles("Mutation.addRosterExpert", SECRETARIAT),
    roles("Mutation.updateRosterExpert", SECRETARIAT),
    roles("Mutation.recordRosterDeployment", SECRETARIAT),
    roles("Mutation.createRecommendation", SECRETARIAT),
    roles("Mutation.updateRecommendation", SECRETARIAT),
    Rule {
        path: "Mutation.addImplementationReport",
        access: Access::Roles(&[Role::Secretariat, Role::StateFocalPoint]),
        row_scoped: true,
    },
    roles("Mutation.updateMechanism", SECRETARIAT),
    roles("Mutation.createMandate", SECRETARIAT),
    roles("Mutation.updateMandate", SECRETARIAT),
    roles("Mutation.renewMandate", SECRETARIAT),
    roles("Mutation.addMandateHolder", SECRETARIAT),
    roles("Mutation.updateMandateHolder", SECRETARIAT),
    roles("Mutation.recordStandingInvitation", SECRETARIAT),
    roles("Mutation.withdrawStandingInvitation", SECRETARIAT),
    roles("Mutation.createVisit", SECRETARIAT),
    roles("Mutation.updateVisit", SECRETARIAT),
];

/// Who may see each type that `node(id:)` and `nodes(ids:)` reach. A type the caller may not see answers exactly as
/// an ID of a record that does not exist (null), so nobody can probe for existence; a type missing here is never
/// returned.
pub const NODE_TYPES: &[(&str, Access)] = &[
    ("RegionalGroup", Access::Public),
    ("Country", Access::Public),
    ("Session", Access::Public),
    ("SdgGoal", Access::Public),
    ("SdgTarget", Access::Public),
    ("Resolution", Access::Public),
    ("Report", Access::Public),
    ("Mechanism", Access::Public),
    ("Mandate", Access::Public),
    ("MandateHolder", Access::Public),
    ("Recommendation", Access::Public),
    ("Visit", Access::Public),
    ("ThesaurusTerm", Access::Public),
    ("Communication", Access::Public),
    ("CountrySituation", Access::Public),
    ("NationalMechanism", Access::Public),
    ("KnowledgeItem", Access::Public),
    // Row-scoped within: the Bureau gets verified signals only, the public delivered briefings only, published
    // cases only while consent stands.
    ("EarlyWarningSignal", Access::Roles(EARLY_WARNING_READERS)),
    ("HorizonBriefing", Access::Public),
    ("ReprisalCase", Access::Roles(REPRISAL_READERS)),
    ("PublishedReprisalCase", Access::Public),
    ("RosterExpert", Access::Roles(SECRETARIAT)),
];

/// Whether the caller may see records of `type_name` through `node(id:)`; false for a type the table does not list.
pub fn may_see_type(ctx: &async_graphql::Context<'_>, type_name: &str) -> bool {
    match NODE_TYPES.iter().find(|(name, _)| *name == type_name).map(|(_, access)| *access) {
        Some(Access::Public) => true,
        Some(Access::Roles(allowed)) => {
            crate::viewer(ctx).is_some_and(|viewer| allowed.iter().any(|role| viewer.has(*role)))
        }
        None => false,
    }
}

/// The rule of a path, if the table has one.
pub fn rule(path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.path == path)
}

/// The caller, if the table lets it use `path`: `UNAUTHENTICATED` for the anonymous public where a role is needed,
/// `FORBIDDEN` for a caller without one, and `FORBIDDEN` for a path the table does not list.
pub fn guard<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<Option<&'a Viewer>, ApiError> {
    match rule(path).map(|r| r.access) {
        Some(Access::Public) => Ok(crate::viewer(ctx)),
        Some(Access::Roles(allowed)) => crate::auth::require(ctx, allowed).map(Some),
        None => {
            tracing::error!(path, "a resolver asked for a path the access table does not list; refused");
            Err(ApiError::Forbidden)
        }
    }
}

/// Like [`guard`], for paths that need a caller (writes).
pub fn guard_caller<'a>(ctx: &async_graphql::Context<'a>, path: &str) -> Result<&'a Viewer, ApiError> {
    guard(ctx, path)?.ok_or_else(|| ApiError::Unauthenticated("sign in with a bearer token to do this".into()))
}
