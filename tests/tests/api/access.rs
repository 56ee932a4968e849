//! The access table, proved: every root field is classified, and every (role, path) pair is allowed or refused
//! exactly as DESIGN.md's table says. A new root field without a row here and in `schema/src/access.rs` fails.

use std::collections::BTreeSet;

use hrc_tests::{on_both_backends, TestApp};
use serde_json::json;

/// The callers: the anonymous public, and a token for each role (State-scoped ones for Nepal).
const CALLERS: &[Option<&str>] = &[
    None,
    Some("partner"),
    Some("state_focal_point"),
    Some("fund_committee"),
    Some("fund_secretariat"),
    Some("secretariat"),
    Some("reprisals_officer"),
    Some("complaint_wg"),
    Some("complaint_secretariat"),
    Some("council_bureau"),
    Some("admin"),
];

/// Who may use each path, as DESIGN.md's table says (written out here, apart from the code's table), with a probe
/// document: one that the guard lets through or refuses, and that writes nothing when let through (it names a
/// record that does not exist, gives invalid input, or asks only for reads). Where a probe's input is invalid, the
/// refused callers must still get UNAUTHENTICATED or FORBIDDEN: the guard comes before any check of input.
const EXPECTED: &[(&str, &[&str], &str)] = &[
    ("Query.node", PUBLIC, r#"{ node(id: "bm9uZQ") { id } }"#),
    ("Query.nodes", PUBLIC, "{ nodes(ids: []) { id } }"),
    ("Query.viewer", PUBLIC, "{ viewer { subject } }"),
    ("Query.regionalGroups", PUBLIC, "{ regionalGroups { code } }"),
    ("Query.countries", PUBLIC, "{ countries { isoCode } }"),
    ("Query.country", PUBLIC, r#"{ country(isoCode: "NPL") { isoCode } }"#),
    ("Query.sessions", PUBLIC, "{ sessions { number } }"),
    ("Query.sdgGoals", PUBLIC, "{ sdgGoals { number } }"),
    ("Query.resolutions", PUBLIC, "{ resolutions(first: 1) { totalCount } }"),
    ("Query.resolution", PUBLIC, r#"{ resolution(symbol: "A/HRC/RES/45/31") { symbol } }"#),
    ("Query.councilMembers", PUBLIC, r#"{ councilMembers(on: "2020-10-07") { derived } }"#),
    ("Query.councilTerms", PUBLIC, r#"{ councilTerms(country: "LBY") { derived } }"#),
    ("Query.votingRecord", PUBLIC, r#"{ votingRecord(country: "CHN") { year } }"#),
    ("Query.votingAgreement", PUBLIC, r#"{ votingAgreement(a: "CHN", b: "RUS") { texts } }"#),
    ("Query.votingPartners", PUBLIC, r#"{ votingPartners(country: "CHN") { b } }"#),
    ("Query.votingAgreementMatrix", PUBLIC, "{ votingAgreementMatrix { a } }"),
    ("Query.groupCohesion", PUBLIC, "{ groupCohesion { year } }"),
    ("Query.mostDividedVotes", PUBLIC, "{ mostDividedVotes { margin } }"),
    ("Query.adoptionWithoutVote", PUBLIC, "{ adoptionWithoutVote { texts } }"),
    ("Query.reports", PUBLIC, "{ reports { symbol } }"),
    ("Query.report", PUBLIC, r#"{ report(symbol: "A/HRC/43/37") { symbol } }"#),
    ("Query.mechanisms", PUBLIC, "{ mechanisms(first: 1) { totalCount } }"),
    ("Query.mechanism", PUBLIC, r#"{ mechanism(key: "upr") { key } }"#),
    ("Query.mandates", PUBLIC, "{ mandates(first: 1) { totalCount } }"),
    ("Query.mandate", PUBLIC, r#"{ mandate(key: "sr-racism") { key } }"#),
    ("Query.recommendations", PUBLIC, "{ recommendations(first: 1) { totalCount } }"),
    ("Query.recommendation", PUBLIC, r#"{ recommendation(key: "A/HRC/43/37:70") { key } }"#),
    ("Query.recommendationCounts", PUBLIC, "{ recommendationCounts(groupBy: [RESPONSE]) { count } }"),
    ("Query.visits", PUBLIC, "{ visits(first: 1) { totalCount } }"),
    ("Query.visitCounts", PUBLIC, "{ visitCounts(groupBy: [YEAR]) { count } }"),
    ("Query.thesaurusTerms", PUBLIC, "{ thesaurusTerms(first: 1) { totalCount } }"),
    ("Query.thesaurusTerm", PUBLIC, r#"{ thesaurusTerm(key: "prevention") { key } }"#),
    ("Query.communications", PUBLIC, "{ communications(first: 1) { totalCount } }"),
    ("Query.communication", PUBLIC, r#"{ communication(key: "none") { key } }"#),
    ("Query.countrySituations", PUBLIC, "{ countrySituations(first: 1) { totalCount } }"),
    ("Query.countrySituation", PUBLIC, r#"{ countrySituation(key: "BDI") { key } }"#),
    ("Query.nationalMechanisms", PUBLIC, "{ nationalMechanisms(first: 1) { totalCount } }"),
    ("Query.nationalMechanism", PUBLIC, r#"{ nationalMechanism(key: "none") { key } }"#),
    ("Query.knowledgeHub", PUBLIC, "{ knowledgeHub(first: 1) { totalCount } }"),
    ("Query.knowledgeItem", PUBLIC, r#"{ knowledgeItem(key: "none") { key } }"#),
    ("Query.rateLimit", PUBLIC, "{ rateLimit { remaining } }"),
    ("Query.funds", PUBLIC, "{ funds { key } }"),
    ("Query.fund", PUBLIC, r#"{ fund(key: "implementation-fund") { key } }"#),
    ("Query.fundGrants", PUBLIC, "{ fundGrants(first: 1) { totalCount } }"),
    ("Query.fundGrantTotals", PUBLIC, "{ fundGrantTotals(groupBy: FUND) { count } }"),
    ("Query.fundRequests", FUND_READERS, "{ fundRequests(first: 1) { totalCount } }"),
    ("Subscription.fundRequestEvents", FUND_READERS, "subscription { fundRequestEvents { key } }"),
    ("Query.fundRequest", FUND_READERS, r#"{ fundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ") { key } }"#),
    (
        "FundRequest.reviews",
        &["fund_committee", "fund_secretariat"],
        "{ fundRequests(first: 1) { edges { node { reviews { comment } } } } }",
    ),
    (
        "Mutation.createFundRequest",
        &["state_focal_point"],
        r#"mutation { createFundRequest(input: { fund: "none", title: "probe", needsAssessment: "probe", amount: "1.00", currency: "USD" }) { key } }"#,
    ),
    (
        "Mutation.updateFundRequest",
        &["state_focal_point"],
        r#"mutation { updateFundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1, input: { fund: "none", title: "probe", needsAssessment: "probe", amount: "1.00", currency: "USD" }) { key } }"#,
    ),
    (
        "Mutation.submitFundRequest",
        &["state_focal_point"],
        r#"mutation { submitFundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1) { key } }"#,
    ),
    (
        "Mutation.answerFundInformationRequest",
        &["state_focal_point"],
        r#"mutation { answerFundInformationRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1, answer: "") { key } }"#,
    ),
    (
        "Mutation.withdrawFundRequest",
        &["state_focal_point", "fund_secretariat"],
        r#"mutation { withdrawFundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1) { key } }"#,
    ),
    (
        "Mutation.moveFundRequest",
        &["fund_secretariat"],
        r#"mutation { moveFundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1, to: UNDER_REVIEW) { key } }"#,
    ),
    (
        "Mutation.submitFundReview",
        &["fund_committee"],
        r#"mutation { submitFundReview(request: "RnVuZFJlcXVlc3Q6bm9uZQ", recommendation: APPROVE, scores: []) { comment } }"#,
    ),
    (
        "Mutation.decideFundRequest",
        &["fund_secretariat"],
        r#"mutation { decideFundRequest(id: "RnVuZFJlcXVlc3Q6bm9uZQ", expectedVersion: 1, approve: false, reasons: "") { key } }"#,
    ),
    (
        "Mutation.recordFundDisbursement",
        &["fund_secretariat"],
        r#"mutation { recordFundDisbursement(request: "RnVuZFJlcXVlc3Q6bm9uZQ", amount: "1.00", disbursedOn: "2024-01-01", reference: "probe") { key } }"#,
    ),
    (
        "Mutation.appointFundCommitteeMember",
        &["fund_secretariat"],
        r#"mutation { appointFundCommitteeMember(input: { fund: "none", country: "NPL", termStartsOn: "2024-01-01", termEndsOn: "2026-01-01" }) { serving } }"#,
    ),
    (
        "Mutation.endFundCommitteeTerm",
        &["fund_secretariat"],
        r#"mutation { endFundCommitteeTerm(id: "RnVuZENvbW1pdHRlZU1lbWJlcjow", expectedVersion: 1) { serving } }"#,
    ),
    (
        "Mutation.adoptFundCriteria",
        &["fund_secretariat"],
        r#"mutation { adoptFundCriteria(fund: "none", adoptedOn: "2024-01-01", criteria: [{ key: "probe", description: "probe", maxScore: 5 }]) { number } }"#,
    ),
    ("Query.complaintProcedureRecord", PUBLIC, "{ complaintProcedureRecord { examinationCount } }"),
    (
        "Query.complaintCommunications",
        COMPLAINT_STAFF,
        "{ complaintCommunications(first: 1) { edges { node { reference } } } }",
    ),
    (
        "Query.complaintCommunication",
        COMPLAINT_STAFF,
        r#"{ complaintCommunication(id: "Q29tcGxhaW50Q29tbXVuaWNhdGlvbjpub25l") { reference } }"#,
    ),
    ("Query.complaintCommunicationCounts", COMPLAINT_STAFF, "{ complaintCommunicationCounts { count } }"),
    (
        "Query.complaintSituations",
        COMPLAINT_STAFF_AND_BUREAU,
        "{ complaintSituations(first: 1) { edges { node { reference } } } }",
    ),
    (
        "Query.complaintSituation",
        COMPLAINT_STAFF_AND_BUREAU,
        r#"{ complaintSituation(id: "Q29tcGxhaW50U2l0dWF0aW9uOm5vbmU") { reference } }"#,
    ),
    ("Query.complaintAuditLog", COMPLAINT_SECRETARIAT, "{ complaintAuditLog(first: 1) { edges { node { action } } } }"),
    (
        "ComplaintCommunication.author",
        COMPLAINT_SECRETARIAT,
        "{ complaintCommunications(first: 1) { edges { node { author { name } } } } }",
    ),
    (
        "ComplaintCommunication.situation",
        COMPLAINT_STAFF,
        "{ complaintCommunications(first: 1) { edges { node { situation { reference } } } } }",
    ),
    (
        "ComplaintCommunication.events",
        COMPLAINT_STAFF,
        "{ complaintCommunications(first: 1) { edges { node { events { toStatus } } } } }",
    ),
    (
        "ComplaintSituation.councilDecisions",
        COMPLAINT_STAFF_AND_BUREAU,
        "{ complaintSituations(first: 1) { edges { node { councilDecisions { decision } } } } }",
    ),
    (
        "ComplaintSituation.communications",
        COMPLAINT_STAFF,
        "{ complaintSituations(first: 1) { edges { node { communications { reference } } } } }",
    ),
    (
        "ComplaintSituation.events",
        COMPLAINT_STAFF,
        "{ complaintSituations(first: 1) { edges { node { events { toStatus } } } } }",
    ),
    (
        "Mutation.registerComplaintCommunication",
        COMPLAINT_SECRETARIAT,
        r#"mutation { registerComplaintCommunication(input: { receivedOn: "2020-01-01", authorKind: INDIVIDUAL, authorName: "probe", country: "ZZZ", rightsAlleged: ["probe"], summary: "probe" }) { reference } }"#,
    ),
    (
        "Mutation.moveComplaintCommunication",
        COMPLAINT_STAFF,
        r#"mutation { moveComplaintCommunication(id: "Q29tcGxhaW50Q29tbXVuaWNhdGlvbjpub25l", expectedVersion: 1, to: SCREENED_OUT) { reference } }"#,
    ),
    (
        "Mutation.summariseComplaintSituation",
        COMPLAINT_STAFF,
        r#"mutation { summariseComplaintSituation(id: "Q29tcGxhaW50U2l0dWF0aW9uOm5vbmU", expectedVersion: 1, summary: "probe") { reference } }"#,
    ),
    (
        "Mutation.recordComplaintCouncilDecision",
        COMPLAINT_SECRETARIAT,
        r#"mutation { recordComplaintCouncilDecision(id: "Q29tcGxhaW50U2l0dWF0aW9uOm5vbmU", expectedVersion: 1, decision: DISCONTINUE, decidedOn: "2020-01-01") { reference } }"#,
    ),
    (
        "Mutation.publishComplaintExamination",
        COMPLAINT_SECRETARIAT,
        r#"mutation { publishComplaintExamination(input: { country: "ZZZ", sessionNumber: 40, announcedOn: "2020-01-01", source: "probe" }) { key } }"#,
    ),
    (
        "Query.earlyWarningSignals",
        EARLY_WARNING_READERS,
        "{ earlyWarningSignals(first: 1) { edges { node { key } } } }",
    ),
    (
        "Query.earlyWarningSignal",
        EARLY_WARNING_READERS,
        r#"{ earlyWarningSignal(id: "RWFybHlXYXJuaW5nU2lnbmFsOm5vbmU") { key } }"#,
    ),
    (
        "Query.earlyWarningAnalysis",
        EARLY_WARNING_READERS,
        r#"{ earlyWarningAnalysis(from: "2025-01-01", to: "2025-03-31") { total } }"#,
    ),
    (
        "EarlyWarningSignal.source",
        SECRETARIAT,
        "{ earlyWarningSignals(first: 1) { edges { node { source { reference } } } } }",
    ),
    (
        "EarlyWarningSignal.events",
        SECRETARIAT,
        "{ earlyWarningSignals(first: 1) { edges { node { events { reason } } } } }",
    ),
    (
        "Mutation.reportEarlyWarningSignal",
        SECRETARIAT,
        r#"mutation { reportEarlyWarningSignal(input: { country: "ZZZ", observedOn: "2025-01-01", reportedOn: "2025-01-01", sourceKind: CIVIL_SOCIETY, sourceReference: "probe", category: OTHER, severity: LOW, description: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateEarlyWarningSignal",
        SECRETARIAT,
        r#"mutation { updateEarlyWarningSignal(id: "RWFybHlXYXJuaW5nU2lnbmFsOm5vbmU", expectedVersion: 1, input: { country: "ZZZ", observedOn: "2025-01-01", reportedOn: "2025-01-01", sourceKind: CIVIL_SOCIETY, sourceReference: "probe", category: OTHER, severity: LOW, description: "probe" }) { key } }"#,
    ),
    (
        "Mutation.moveEarlyWarningSignal",
        SECRETARIAT,
        r#"mutation { moveEarlyWarningSignal(id: "RWFybHlXYXJuaW5nU2lnbmFsOm5vbmU", expectedVersion: 1, to: UNDER_VERIFICATION, reason: "probe") { key } }"#,
    ),
    (
        "Subscription.earlyWarningSignalEvents",
        EARLY_WARNING_READERS,
        "subscription { earlyWarningSignalEvents { key } }",
    ),
    ("Query.horizonBriefings", PUBLIC, "{ horizonBriefings(first: 1) { totalCount } }"),
    ("Query.horizonBriefing", PUBLIC, r#"{ horizonBriefing(id: "SG9yaXpvbkJyaWVmaW5nOm5vbmU") { key } }"#),
    (
        "Mutation.recordHorizonBriefing",
        SECRETARIAT,
        r#"mutation { recordHorizonBriefing(input: { briefingOn: "2025-01-01", title: "", textEn: "probe", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.deliverHorizonBriefing",
        SECRETARIAT,
        r#"mutation { deliverHorizonBriefing(id: "SG9yaXpvbkJyaWVmaW5nOm5vbmU", expectedVersion: 1, deliveredOn: "2025-01-01") { key } }"#,
    ),
    ("Query.publishedReprisalCases", PUBLIC, "{ publishedReprisalCases(first: 1) { totalCount } }"),
    (
        "Query.publishedReprisalCase",
        PUBLIC,
        r#"{ publishedReprisalCase(id: "UHVibGlzaGVkUmVwcmlzYWxDYXNlOm5vbmU") { reference } }"#,
    ),
    ("Query.reprisalCaseCounts", PUBLIC, "{ reprisalCaseCounts(groupBy: COUNTRY) { count } }"),
    ("Query.reprisalCases", REPRISAL_READERS, "{ reprisalCases(first: 1) { edges { node { key } } } }"),
    ("Query.reprisalCase", REPRISAL_READERS, r#"{ reprisalCase(id: "UmVwcmlzYWxDYXNlOm5vbmU") { key } }"#),
    (
        "ReprisalCase.identity",
        &["reprisals_officer"],
        "{ reprisalCases(first: 1) { edges { node { identity { name } } } } }",
    ),
    (
        "ReprisalCase.governmentResponse",
        REPRISAL_STAFF,
        "{ reprisalCases(first: 1) { edges { node { governmentResponse { text } } } } }",
    ),
    (
        "ReprisalCase.followUps",
        REPRISAL_STAFF,
        "{ reprisalCases(first: 1) { edges { node { followUps { action } } } } }",
    ),
    (
        "Mutation.recordReprisalCase",
        &["reprisals_officer"],
        r#"mutation { recordReprisalCase(input: { country: "ZZZ", mechanism: "upr", occasion: UPR, personKind: OTHER, personName: "probe", summary: "probe", acts: [OTHER], firstActOn: "2024-01-01" }) { key } }"#,
    ),
    (
        "Mutation.updateReprisalCase",
        &["reprisals_officer"],
        r#"mutation { updateReprisalCase(id: "UmVwcmlzYWxDYXNlOm5vbmU", expectedVersion: 1, input: { country: "ZZZ", mechanism: "upr", occasion: UPR, personKind: OTHER, personName: "probe", summary: "probe", acts: [OTHER], firstActOn: "2024-01-01" }) { key } }"#,
    ),
    (
        "Mutation.recordReprisalConsent",
        &["reprisals_officer"],
        r#"mutation { recordReprisalConsent(id: "UmVwcmlzYWxDYXNlOm5vbmU", scope: PUBLISH_CASE, givenOn: "2024-01-01") { key } }"#,
    ),
    (
        "Mutation.withdrawReprisalConsent",
        &["reprisals_officer"],
        r#"mutation { withdrawReprisalConsent(id: "UmVwcmlzYWxDYXNlOm5vbmU", scope: PUBLISH_CASE, withdrawnOn: "2024-01-01") { key } }"#,
    ),
    (
        "Mutation.publishReprisalCase",
        &["reprisals_officer"],
        r#"mutation { publishReprisalCase(id: "UmVwcmlzYWxDYXNlOm5vbmU", expectedVersion: 1) { key } }"#,
    ),
    (
        "Mutation.unpublishReprisalCase",
        &["reprisals_officer"],
        r#"mutation { unpublishReprisalCase(id: "UmVwcmlzYWxDYXNlOm5vbmU", expectedVersion: 1) { key } }"#,
    ),
    (
        "Mutation.addReprisalFollowUp",
        &["reprisals_officer"],
        r#"mutation { addReprisalFollowUp(id: "UmVwcmlzYWxDYXNlOm5vbmU", takenOn: "2024-01-01", action: "probe") { key } }"#,
    ),
    ("Query.rosterExperts", SECRETARIAT, "{ rosterExperts(first: 1) { edges { node { name } } } }"),
    ("Query.rosterExpert", SECRETARIAT, r#"{ rosterExpert(id: "Um9zdGVyRXhwZXJ0Om5vbmU") { name } }"#),
    (
        "Mutation.addRosterExpert",
        SECRETARIAT,
        r#"mutation { addRosterExpert(input: { name: "probe", email: "not-an-address", expertise: ["torture"], languages: ["fr"] }) { key } }"#,
    ),
    (
        "Mutation.updateRosterExpert",
        SECRETARIAT,
        r#"mutation { updateRosterExpert(id: "Um9zdGVyRXhwZXJ0Om5vbmU", expectedVersion: 1, input: { name: "probe", email: "not-an-address", expertise: ["torture"], languages: ["fr"] }) { key } }"#,
    ),
    (
        "Mutation.recordRosterDeployment",
        SECRETARIAT,
        r#"mutation { recordRosterDeployment(id: "Um9zdGVyRXhwZXJ0Om5vbmU", input: { role: "probe", startsOn: "2025-01-01" }) { key } }"#,
    ),
    (
        "Mutation.createRecommendation",
        SECRETARIAT,
        r#"mutation { createRecommendation(input: { key: "P:1", sourceKind: REPORT, addressee: OTHER, mechanism: "none", textEn: "x", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateRecommendation",
        SECRETARIAT,
        r#"mutation { updateRecommendation(key: "none", expectedVersion: 1, input: { priority: true }) { key } }"#,
    ),
    (
        "Mutation.addImplementationReport",
        &["state_focal_point", "secretariat"],
        r#"mutation { addImplementationReport(recommendationKey: "none", input: { status: IN_PROGRESS, reportedOn: "2020-01-01", sourceKind: STATE }) { status } }"#,
    ),
    (
        "Mutation.updateMechanism",
        SECRETARIAT,
        r#"mutation { updateMechanism(key: "none", expectedVersion: 1, input: { preventionDimension: true }) { key } }"#,
    ),
    (
        "Mutation.createMandate",
        SECRETARIAT,
        r#"mutation { createMandate(input: { key: "probe", scope: COUNTRY, form: WORKING_GROUP, country: "ZZZ", nameEn: "x", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateMandate",
        SECRETARIAT,
        r#"mutation { updateMandate(key: "none", expectedVersion: 1, input: { status: DISCONTINUED }) { key } }"#,
    ),
    (
        "Mutation.renewMandate",
        SECRETARIAT,
        r#"mutation { renewMandate(key: "none", expectedVersion: 1, resolution: "none", renewedUntil: "2030-01-01") { key } }"#,
    ),
    (
        "Mutation.addMandateHolder",
        SECRETARIAT,
        r#"mutation { addMandateHolder(input: { mandate: "none", name: "x", role: SPECIAL_RAPPORTEUR, startsOn: "2020-01-01", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateMandateHolder",
        SECRETARIAT,
        r#"mutation { updateMandateHolder(key: "none", expectedVersion: 1, input: { name: "x" }) { key } }"#,
    ),
    (
        "Mutation.recordStandingInvitation",
        SECRETARIAT,
        r#"mutation { recordStandingInvitation(country: "ZZZ", source: "probe") { extendedOn } }"#,
    ),
    ("Mutation.withdrawStandingInvitation", SECRETARIAT, r#"mutation { withdrawStandingInvitation(country: "ZZZ") }"#),
    (
        "Mutation.createVisit",
        SECRETARIAT,
        r#"mutation { createVisit(input: { mandate: "none", country: "NPL", status: REQUESTED, requestedOn: "2020-01-01", source: "probe" }) { key } }"#,
    ),
    (
        "Mutation.updateVisit",
        SECRETARIAT,
        r#"mutation { updateVisit(key: "none", expectedVersion: 1, input: { status: DECLINED }) { key } }"#,
    ),
];

/// Marks a path everyone may use.
const PUBLIC: &[&str] = &["*"];
const SECRETARIAT: &[&str] = &["secretariat"];
const COMPLAINT_STAFF: &[&str] = &["complaint_wg", "complaint_secretariat"];
const FUND_READERS: &[&str] =
    &["state_focal_point", "fund_committee", "fund_secretariat", "secretariat", "council_bureau"];
const COMPLAINT_SECRETARIAT: &[&str] = &["complaint_secretariat"];
const COMPLAINT_STAFF_AND_BUREAU: &[&str] = &["complaint_wg", "complaint_secretariat", "council_bureau"];
const EARLY_WARNING_READERS: &[&str] = &["secretariat", "council_bureau"];
const REPRISAL_READERS: &[&str] = &["reprisals_officer", "secretariat", "council_bureau"];
const REPRISAL_STAFF: &[&str] = &["reprisals_officer", "secretariat"];

/// The roles served the complaint schema; everyone else gets the public one, where the confidential paths do not
/// exist (a document naming them is invalid, as one naming any unknown field).
const COMPLAINT_SCHEMA_ROLES: &[&str] = &["complaint_wg", "complaint_secretariat", "council_bureau"];

/// Every field of an SDL, as `Type.field`, for object types.
fn fields(sdl: &str) -> BTreeSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut paths = BTreeSet::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        let name = ty.node.name.node.as_str();
        if let TypeKind::Object(o) = &ty.node.kind {
            paths.extend(o.fields.iter().map(|f| format!("{name}.{}", f.node.name.node)));
        }
    }
    paths
}

/// Whether a path is a root field.
fn is_root(path: &str) -> bool {
    path.starts_with("Query.") || path.starts_with("Mutation.") || path.starts_with("Subscription.")
}

/// The root fields of both schemas, as `Type.field`.
fn schema_root_fields() -> BTreeSet<String> {
    let mut all = fields(&hrc_schema::sdl());
    all.extend(fields(&hrc_schema::complaint_sdl()));
    all.into_iter().filter(|p| is_root(p)).collect()
}

#[test]
fn every_root_field_is_in_the_access_table_and_in_this_test() {
    let schema = schema_root_fields();
    let table: BTreeSet<String> =
        hrc_schema::support::access::RULES.iter().map(|r| r.path.to_owned()).filter(|p| is_root(p)).collect();
    let tested: BTreeSet<String> = EXPECTED.iter().map(|(p, _, _)| (*p).to_owned()).collect();
    assert_eq!(
        schema.difference(&table).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "root fields missing from schema/src/access.rs"
    );
    assert_eq!(
        table.difference(&schema).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "access rules for fields that do not exist"
    );
    assert_eq!(
        schema.difference(&tested).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "root fields missing from this test's table"
    );
    assert_eq!(tested.len(), EXPECTED.len(), "a path is listed twice in this test");
}

/// The field rules (`Type.field`) name fields that exist, each has a row here, and none of the confidential types
/// leaks into the public schema.
#[test]
fn every_field_rule_names_a_confidential_field_and_is_in_this_test() {
    let public = fields(&hrc_schema::sdl());
    let complaint = fields(&hrc_schema::complaint_sdl());
    let tested: BTreeSet<&str> = EXPECTED.iter().map(|(p, _, _)| *p).collect();
    let mut field_rules = 0;
    for rule in hrc_schema::support::access::RULES {
        if is_root(rule.path) {
            continue;
        }
        field_rules += 1;
        assert!(complaint.contains(rule.path), "access rule {} names no field of the schema", rule.path);
        if rule.path.starts_with("Complaint") {
            assert!(!public.contains(rule.path), "{} is in the public schema", rule.path);
        }
        assert!(tested.contains(rule.path), "{} has no row in this test's table", rule.path);
    }
    assert!(field_rules >= 6);
    let leaked: Vec<&String> =
        public.iter().filter(|p| p.starts_with("Complaint") && !p.starts_with("ComplaintP")).collect();
    assert!(leaked.is_empty(), "confidential types in the public schema: {leaked:?}");
    for (path, _, _) in EXPECTED {
        assert!(public.contains(*path) || complaint.contains(*path), "{path} is in no schema");
    }
}

async fn every_role_is_allowed_or_refused_each_path_as_the_design_says(app: TestApp) {
    // A communication referred to the Council, so that the field rules of communications and situations (the
    // Bureau's included) have a record to be let through to or refused.
    let secretariat = app.token("probe-setup", &["complaint_secretariat"], None);
    hrc_tests::fixtures::referred_complaint(&app, &secretariat).await;
    // A submitted fund request from Nepal (the probes' State), so that its reviews have a record to be refused on.
    hrc_tests::fixtures::submitted_fund_request(&app, "NPL").await;
    // A verified early-warning signal and a reprisal case, so that their field rules have a record to refuse on
    // (the Bureau sees both, but not the signal's source nor the person's identity).
    hrc_tests::fixtures::verified_signal(&app, "NPL", "2025-02-01", "TORTURE_SURGE", "HIGH").await;
    hrc_tests::fixtures::reprisal_case(&app, "NPL").await;
    let public_paths = fields(&hrc_schema::sdl());
    let tokens: Vec<(Option<&str>, Option<String>)> =
        CALLERS.iter().map(|role| (*role, role.map(|r| app.token(&format!("probe-{r}"), &[r], Some("NPL"))))).collect();
    let mut pairs = 0;
    for (path, allowed, probe) in EXPECTED {
        for (role, token) in &tokens {
            // A subscription is probed over its WebSocket: an open stream with nothing yet is let through; a refusal
            // comes as an error message.
            let body = if path.starts_with("Subscription.") {
                let first =
                    hrc_tests::ws_first(&app, token.as_deref(), probe, std::time::Duration::from_millis(300)).await;
                match first {
                    None => json!({ "data": null }),
                    Some(message) if message["type"] == "next" => message["payload"].clone(),
                    Some(message) => json!({ "data": null, "errors": message["payload"] }),
                }
            } else {
                app.post(&json!({ "query": probe }), token.as_deref()).await.1
            };
            let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or("");
            let refused = matches!(code, "UNAUTHENTICATED" | "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED");
            let expected = allowed.contains(&"*") || role.is_some_and(|r| allowed.contains(&r));
            assert_eq!(!refused, expected, "{path} for {}: {body}", role.unwrap_or("anonymous"));
            if !expected {
                let hidden =
                    !public_paths.contains(*path) && !role.is_some_and(|r| COMPLAINT_SCHEMA_ROLES.contains(&r));
                let wanted = if hidden {
                    "GRAPHQL_VALIDATION_FAILED"
                } else if role.is_none() {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                assert_eq!(code, wanted, "{path} for {}", role.unwrap_or("anonymous"));
                // Nothing was let through: no value at all, or (for a refused field) only the shape around its null.
                assert!(no_values(&body["data"]), "{path} for {}: {body}", role.unwrap_or("anonymous"));
            }
            pairs += 1;
        }
    }
    assert_eq!(pairs, EXPECTED.len() * CALLERS.len());
    eprintln!("{}: {pairs} (role, path) pairs checked", app.backend.name());
    // The probes wrote nothing.
    let data = app.query("{ mandates { totalCount } visits { totalCount } recommendations(filter: { fictional: false }) { totalCount } }").await;
    assert_eq!(data["mandates"]["totalCount"], 4);
    assert_eq!(data["visits"]["totalCount"], 0);
    let data = app
        .query_as(
            "{ complaintCommunicationCounts { count } complaintProcedureRecord { examinationCount } }",
            Some(&secretariat),
        )
        .await;
    assert_eq!(data["complaintCommunicationCounts"], json!([{ "count": 1 }]), "only the setup's communication");
    assert_eq!(data["complaintProcedureRecord"]["examinationCount"], 0);
    let staff = app.token("probe-check", &["secretariat", "reprisals_officer"], None);
    let data = app
        .query_as(
            "{ earlyWarningSignals { totalCount } horizonBriefings { totalCount } reprisalCases { totalCount } rosterExperts { totalCount } }",
            Some(&staff),
        )
        .await;
    assert_eq!(
        data,
        json!({ "earlyWarningSignals": { "totalCount": 1 }, "horizonBriefings": { "totalCount": 0 },
                "reprisalCases": { "totalCount": 1 }, "rosterExperts": { "totalCount": 0 } }),
        "only the setup's signal and case"
    );
}

on_both_backends!(every_role_is_allowed_or_refused_each_path_as_the_design_says);

/// Whether a response's data holds no value: only nulls, inside objects and lists.
fn no_values(data: &serde_json::Value) -> bool {
    match data {
        serde_json::Value::Null => true,
        serde_json::Value::Object(o) => o.values().all(no_values),
        serde_json::Value::Array(a) => a.iter().all(no_values),
        _ => false,
    }
}

#[test]
fn every_node_type_is_in_the_access_table() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(hrc_schema::sdl()).expect("the SDL parses");
    let mut nodes = BTreeSet::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        if let TypeKind::Object(o) = &ty.node.kind {
            if o.implements.iter().any(|i| i.node.as_str() == "Node") {
                nodes.insert(ty.node.name.node.to_string());
            }
        }
    }
    let table: BTreeSet<String> =
        hrc_schema::support::access::NODE_TYPES.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(nodes, table, "every Node type needs a row in access::NODE_TYPES, and only those");
}
