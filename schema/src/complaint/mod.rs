//! The confidential complaint procedure in the graph.
//!
//! Its types and root fields exist only in the schema served to callers with a complaint role or the Council's
//! Bureau ([`crate::ComplaintSchema`]): to everyone else they are not in introspection, and a document naming them is
//! invalid, exactly as one naming a field that does not exist. That schema alone holds the confidential store's pool
//! ([`Store`]). Within it, the access table still guards each root field and each field whose access differs from
//! its type's (an author's identity: `complaint_secretariat` only; a situation's communications and history: not
//! the Bureau), and the Bureau sees only situations referred to the Council. A record the caller may not see answers
//! exactly as one that does not exist. Every read and write leaves one record in the store's audit log.
//!
//! What is public of the procedure (published figures, the States whose situations the Council examined) is
//! [`ComplaintPublicQuery`], read from the public database only.

pub mod mutation;
pub mod query;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use hrc_db::confidential::{self as store, Audit, ConfidentialStore, WorkflowError};
use hrc_db::models::{self};
use hrc_db::DbConnection;

use crate::loaders::CountryByIso;
use crate::reference::Country;
use crate::support::access::guard_caller_scope;
use crate::support::auth::Viewer;
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::pagination::{page_flags, Cursor};
use crate::support::scalars::{Date, DateTime};

/// The confidential store's pool: data of the complaint schema only.
pub struct Store(pub ConfidentialStore);

/// Whether the caller may see what complaint-procedure staff see: the table's rule for the communications (for the
/// `visible` predicates of the staff's types and fields).
pub fn for_complaint_staff(ctx: &Context<'_>) -> bool {
    crate::support::access::allows(ctx, "Query.complaintCommunications")
}

/// Whether the caller may see what the complaint procedure's secretariat alone sees: the table's rule for authors'
/// identities (for the `visible` predicates of the secretariat's types and fields).
pub fn for_complaint_secretariat(ctx: &Context<'_>) -> bool {
    crate::support::access::allows(ctx, "ComplaintCommunication.author")
}

fn audit_of(ctx: &Context<'_>, viewer: &Viewer) -> Audit {
    Audit {
        actor: viewer.subject.clone(),
        roles: viewer.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
        request_id: crate::RequestData::of(ctx).map(|d| d.request_id.0.clone()).unwrap_or_default(),
    }
}

/// Turns a store error into the caller's error. Nothing of the record, and no database message, reaches the
/// response or the application log: the log gets the kind of failure and the request id only.
fn store_error(what: &str, expected_version: Option<i32>, e: WorkflowError) -> ApiError {
    match e {
        WorkflowError::NotFound => ApiError::NotFound(format!("there is no {what} with that ID")),
        WorkflowError::Stale { current } => ApiError::Conflict(format!(
            "the {what} changed since version {}: it is now at version {current}; read it again and reapply your change",
            expected_version.unwrap_or_default()
        )),
        WorkflowError::Transition { from, to, allowed } => ApiError::bad_input(
            "to",
            if allowed.is_empty() {
                format!("a {what} in status {from} cannot move to {to}: no transition is open from {from}")
            } else {
                format!("a {what} in status {from} cannot move to {to}; from {from} it may move to {}", allowed.join(", "))
            },
        ),
        WorkflowError::Invalid { field, message } => ApiError::bad_input(field, message),
        WorkflowError::Database(e) => {
            let unavailable = hrc_db::DbError::from(e);
            if unavailable.is_unavailable() {
                tracing::warn!("the confidential store is unavailable");
                ApiError::DatabaseUnavailable
            } else {
                tracing::error!("a query of the confidential store failed (details withheld from the log)");
                ApiError::Internal
            }
        }
    }
}

/// Runs audited work on the confidential store for the caller `path` lets through.
async fn run<T: Send + 'static>(
    ctx: &Context<'_>,
    path: &str,
    what: &'static str,
    expected_version: Option<i32>,
    work: impl FnOnce(&mut DbConnection, &Audit, bool) -> Result<T, WorkflowError> + Send + 'static,
) -> Result<T, ApiError> {
    let (viewer, scope) = guard_caller_scope(ctx, path)?;
    let Ok(Store(pool)) = ctx.data::<Store>() else {
        // Only the complaint schema holds the store; a resolver reached without it is refused (deny by default).
        tracing::error!(path, "a confidential resolver ran without the confidential store; refused");
        return Err(ApiError::Forbidden);
    };
    let audit = audit_of(ctx, viewer);
    // Rows the table does not give whole are the situations referred to the Council (the Bureau's).
    let referred = !scope.is_all();
    let outcome = pool.database().run(move |c| Ok(work(c, &audit, referred))).await;
    match outcome {
        Ok(result) => result.map_err(|e| store_error(what, expected_version, e)),
        Err(e) if e.is_unavailable() => {
            tracing::warn!("the confidential store is unavailable");
            Err(ApiError::DatabaseUnavailable)
        }
        Err(_) => {
            tracing::error!("the confidential store failed (details withheld from the log)");
            Err(ApiError::Internal)
        }
    }
}

/// The reference an ID names, if it is an ID of `type_name`; `None` for any other ID, so that a wrong ID answers as
/// a missing record.
fn reference_of(field: &str, id: &ID, type_name: &str) -> Result<Option<String>, ApiError> {
    let (kind, reference) = ids::decode(field, id)?;
    Ok((kind == type_name).then_some(reference))
}

/// Where a communication stands in the procedure (Council resolution 5/1, paras 94–109).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::confidential::CommunicationStatus", visible = "for_complaint_staff")]
pub enum ComplaintCommunicationStatus {
    /// Registered by the secretariat.
    Received,
    /// Screened out by the Chair of the Working Group on Communications with the secretariat (manifestly
    /// ill-founded or anonymous).
    ScreenedOut,
    /// Transmitted to the State concerned for its reply.
    TransmittedToState,
    /// The State replied.
    StateReplied,
    /// Assessed by the Working Group on Communications.
    AssessedByWgc,
    /// Referred to the Working Group on Situations.
    ReferredToWgs,
    /// Dismissed.
    Discontinued,
    /// Kept under review by the Working Group on Situations.
    KeptUnderReview,
    /// The Working Group on Situations asked the State for more information.
    InformationRequested,
    /// Referred, with its situation, to the Council.
    ReferredToCouncil,
}

/// Who submitted a communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::confidential::AuthorKind", visible = "for_complaint_staff")]
pub enum ComplaintAuthorKind {
    /// A person.
    Individual,
    /// A group of persons.
    Group,
    /// A non-governmental organization.
    Ngo,
}

/// Where a situation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::confidential::SituationStatus")]
pub enum ComplaintSituationStatus {
    /// Before the Working Group on Situations.
    UnderWgsReview,
    /// Referred to the Council, awaiting its decision.
    ReferredToCouncil,
    /// The Council keeps it under review.
    KeptUnderReviewByCouncil,
    /// The Council discontinued its consideration.
    DiscontinuedByCouncil,
    /// The Council appointed an independent expert.
    IndependentExpertAppointed,
    /// The Council took it up in public.
    TakenUpPublicly,
}

/// A decision of the Council on a situation referred to it (resolution 5/1 para 109).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::confidential::CouncilDecision")]
pub enum ComplaintCouncilDecisionKind {
    /// Discontinue consideration.
    Discontinue,
    /// Keep it under review and ask the State for more information.
    KeepUnderReview,
    /// Appoint an independent expert to monitor it.
    AppointIndependentExpert,
    /// Take it up in public (under the public procedure).
    TakeUpPublicly,
}

/// A communication of the confidential complaint procedure.
pub struct ComplaintCommunication(pub store::Communication);

/// A communication of the confidential complaint procedure.
#[Object(visible = "for_complaint_staff")]
impl ComplaintCommunication {
    /// Opaque ID.
    async fn id(&self) -> ID {
        ids::encode("ComplaintCommunication", &self.0.reference)
    }

    /// The secretariat's reference, such as `CC/2026/00012` (`DEMO-CC/…` for fictional demonstration data).
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The day it was received.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }

    /// Who submitted it (not who they are: see `author`).
    async fn author_kind(&self) -> ComplaintAuthorKind {
        store::AuthorKind::from_db(&self.0.author_kind).into()
    }

    /// ISO 3166-1 alpha-3 code of the State concerned.
    async fn country_iso_code(&self) -> &str {
        &self.0.country_iso3
    }

    /// The State concerned.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryByIso(self.0.country_iso3.clone())).await?.map(Country))
    }

    /// The rights alleged to be violated.
    async fn rights_alleged(&self) -> Vec<String> {
        self.0.rights()
    }

    /// The secretariat's summary of the facts alleged.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Where it stands.
    async fn status(&self) -> ComplaintCommunicationStatus {
        self.0.status().into()
    }

    /// The statuses it may move to next.
    async fn next_statuses(&self) -> Vec<ComplaintCommunicationStatus> {
        self.0.status().next().iter().map(|s| (*s).into()).collect()
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in a transition.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was recorded here.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The author's identity: the complaint procedure's secretariat only.
    #[graphql(visible = "for_complaint_secretariat")]
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<ComplaintAuthor>, ApiError> {
        let communication = self.0.clone();
        let author = run(ctx, "ComplaintCommunication.author", "communication", None, move |c, audit, _| {
            store::author(c, audit, &communication)
        })
        .await?;
        Ok(author.map(ComplaintAuthor))
    }

    /// The situation it belongs to, once referred to the Working Group on Situations.
    async fn situation(&self, ctx: &Context<'_>) -> Result<Option<ComplaintSituation>, ApiError> {
        let communication = self.0.clone();
        let situation = run(ctx, "ComplaintCommunication.situation", "situation", None, move |c, audit, _| {
            store::situation_of(c, audit, &communication)
        })
        .await?;
        Ok(situation.map(ComplaintSituation))
    }

    /// Every transition, oldest first, with its actor and time.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintEvent>, ApiError> {
        let communication = self.0.clone();
        let events = run(ctx, "ComplaintCommunication.events", "communication", None, move |c, audit, _| {
            store::events(c, audit, Some(&communication), None)
        })
        .await?;
        Ok(events.into_iter().map(ComplaintEvent).collect())
    }
}

/// Who submitted a communication.
pub struct ComplaintAuthor(store::Author);

/// Who submitted a communication: an identity that only the complaint procedure's secretariat sees.
#[Object(visible = "for_complaint_secretariat")]
impl ComplaintAuthor {
    /// The author's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// How to reach the author.
    async fn contact(&self) -> &str {
        &self.0.contact
    }
}

/// A situation: communications concerning one State that appear to reveal a consistent pattern of gross violations.
pub struct ComplaintSituation(pub store::Situation);

/// A situation of the confidential complaint procedure.
#[Object]
impl ComplaintSituation {
    /// Opaque ID.
    async fn id(&self) -> ID {
        ids::encode("ComplaintSituation", &self.0.reference)
    }

    /// The secretariat's reference, such as `CS/2026/00003`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// ISO 3166-1 alpha-3 code of the State concerned.
    async fn country_iso_code(&self) -> &str {
        &self.0.country_iso3
    }

    /// The State concerned.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryByIso(self.0.country_iso3.clone())).await?.map(Country))
    }

    /// Where it stands.
    async fn status(&self) -> ComplaintSituationStatus {
        self.0.status().into()
    }

    /// The Working Group on Situations' summary.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// The day the Working Group on Situations took it up.
    async fn opened_on(&self) -> Date {
        Date(self.0.opened_on)
    }

    /// The day it was referred to the Council.
    async fn referred_on(&self) -> Option<Date> {
        self.0.referred_on.map(Date)
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in an update.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was recorded here.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The Council's decisions on it, oldest first.
    async fn council_decisions(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintCouncilDecision>, ApiError> {
        let situation = self.0.clone();
        let rows = run(ctx, "ComplaintSituation.councilDecisions", "situation", None, move |c, audit, _| {
            store::decisions(c, audit, &situation)
        })
        .await?;
        Ok(rows.into_iter().map(ComplaintCouncilDecision).collect())
    }

    /// Its communications: complaint-procedure staff only.
    #[graphql(visible = "for_complaint_staff")]
    async fn communications(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintCommunication>, ApiError> {
        let situation = self.0.clone();
        let rows = run(ctx, "ComplaintSituation.communications", "situation", None, move |c, audit, _| {
            store::communications_of(c, audit, &situation)
        })
        .await?;
        Ok(rows.into_iter().map(ComplaintCommunication).collect())
    }

    /// Every transition, oldest first: complaint-procedure staff only.
    #[graphql(visible = "for_complaint_staff")]
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<ComplaintEvent>, ApiError> {
        let situation = self.0.clone();
        let rows = run(ctx, "ComplaintSituation.events", "situation", None, move |c, audit, _| {
            store::events(c, audit, None, Some(&situation))
        })
        .await?;
        Ok(rows.into_iter().map(ComplaintEvent).collect())
    }
}

/// A transition of a communication or a situation.
pub struct ComplaintEvent(store::Event);

/// A transition of a communication or a situation.
#[Object(visible = "for_complaint_staff")]
impl ComplaintEvent {
    /// The status before (none for the first).
    async fn from_status(&self) -> Option<&str> {
        self.0.from_status.as_deref()
    }

    /// The status after.
    async fn to_status(&self) -> &str {
        &self.0.to_status
    }

    /// Who made it (the token subject).
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// When.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }

    /// The note given with it.
    async fn note(&self) -> &str {
        &self.0.note
    }
}

/// A decision of the Council on a situation.
pub struct ComplaintCouncilDecision(store::Decision);

/// A decision of the Council on a situation.
#[Object]
impl ComplaintCouncilDecision {
    /// What the Council decided.
    async fn decision(&self) -> ComplaintCouncilDecisionKind {
        store::CouncilDecision::from_db(&self.0.decision).into()
    }

    /// The day it decided.
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }

    /// The Council session.
    async fn session_number(&self) -> Option<i32> {
        self.0.session_number
    }
}

/// A record of the confidential store's audit log.
#[derive(SimpleObject)]
#[graphql(visible = "for_complaint_secretariat")]
pub struct ComplaintAuditEntry {
    /// When.
    pub occurred_at: DateTime,
    /// Who (the token subject).
    pub actor: String,
    /// The caller's roles then.
    pub roles: Vec<String>,
    /// The request, as the application log names it.
    pub request_id: String,
    /// `read`, `count`, `register`, `transition`, `summarise` or `decide`.
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// The references read or written.
    pub references: Vec<String>,
}

impl From<store::AuditRecord> for ComplaintAuditEntry {
    fn from(r: store::AuditRecord) -> Self {
        let split = |s: &str| s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect();
        ComplaintAuditEntry {
            occurred_at: DateTime(r.occurred_at),
            actor: r.actor,
            roles: split(&r.roles),
            request_id: r.request_id,
            action: r.action,
            entity: r.entity,
            references: split(&r.entity_keys),
        }
    }
}

/// Communications per status.
#[derive(SimpleObject)]
#[graphql(visible = "for_complaint_staff")]
pub struct ComplaintStatusCount {
    /// The status.
    pub status: ComplaintCommunicationStatus,
    /// How many communications are in it.
    pub count: i64,
}

/// Which communications.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(visible = "for_complaint_staff")]
pub struct ComplaintCommunicationFilter {
    /// Only those in this status.
    pub status: Option<ComplaintCommunicationStatus>,
    /// Only those concerning this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those received in this year.
    pub received_year: Option<i32>,
    /// Only those of this situation.
    pub situation: Option<ID>,
}

/// Which situations.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ComplaintSituationFilter {
    /// Only those in this status.
    pub status: Option<ComplaintSituationStatus>,
    /// Only those concerning this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
}

/// Which audit records.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(visible = "for_complaint_secretariat")]
pub struct ComplaintAuditFilter {
    /// Only this caller's.
    pub actor: Option<String>,
    /// Only this request's.
    pub request_id: Option<String>,
}

fn iso(field: &str, code: &str) -> Result<String, ApiError> {
    let code = code.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(ApiError::bad_input(field, format!("{code:?} is not an ISO 3166-1 alpha-3 code")))
    }
}

/// A page of a confidential list, read in one audited call. It has no `totalCount`: each count would be another
/// read of the store (`complaintCommunicationCounts` gives the counts).
pub type ComplaintPage<N> = Connection<Cursor, N>;

fn page_of<T, N: async_graphql::OutputType>(
    request: &hrc_db::models::PageRequest,
    page: hrc_db::models::Page<T>,
    position: impl Fn(&T) -> (i64, chrono::NaiveDateTime),
    node: impl Fn(T) -> N,
) -> ComplaintPage<N> {
    let (has_previous_page, has_next_page) = page_flags(request, page.has_more);
    let by_update = request.order.field == hrc_db::models::OrderField::UpdatedAt;
    let mut connection = Connection::new(has_previous_page, has_next_page);
    connection.edges.extend(page.rows.into_iter().map(|row| {
        let (id, at) = position(&row);
        Edge::new(Cursor(hrc_db::models::Position { id, updated_at: by_update.then_some(at) }), node(row))
    }));
    connection
}

fn communication_filter(f: ComplaintCommunicationFilter) -> Result<store::CommunicationFilter, ApiError> {
    if let Some(year) = f.received_year.filter(|y| !(2006..=2100).contains(y)) {
        return Err(ApiError::bad_input(
            "filter.receivedYear",
            format!("{year} is outside the procedure's years (it began in 2006)"),
        ));
    }
    let situation_reference = match &f.situation {
        None => None,
        // An ID of anything but a situation names no situation: the list is empty, as for a situation not held.
        Some(id) => Some(reference_of("filter.situation", id, "ComplaintSituation")?.unwrap_or_default()),
    };
    Ok(store::CommunicationFilter {
        status: f.status.map(Into::into),
        country_iso3: f.country.as_deref().map(|c| iso("filter.country", c)).transpose()?,
        received_year: f.received_year,
        situation_reference,
    })
}

/// A communication to register.
#[derive(Debug, InputObject)]
#[graphql(visible = "for_complaint_secretariat")]
pub struct RegisterComplaintCommunicationInput {
    /// The day it was received.
    pub received_on: Date,
    /// Who submitted it.
    pub author_kind: ComplaintAuthorKind,
    /// The author's name (1 to 300 characters); seen by the complaint procedure's secretariat only.
    pub author_name: String,
    /// How to reach the author (up to 300 characters).
    #[graphql(default)]
    pub author_contact: String,
    /// The State concerned (ISO 3166-1 alpha-3 code).
    pub country: String,
    /// The rights alleged to be violated (1 to 20, each 1 to 200 characters).
    pub rights_alleged: Vec<String>,
    /// The facts alleged, summarised (1 to 10,000 characters).
    pub summary: String,
    /// A fictional communication, for training and trials (its reference starts `DEMO-`); default false.
    #[graphql(default)]
    pub fictional: bool,
}

/// What the Council made public of its decision on an examined situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ComplaintPublicOutcome {
    /// The Council discontinued its consideration.
    Discontinued,
    /// The Council keeps it under review.
    KeptUnderReview,
    /// The Council appointed an independent expert.
    IndependentExpertAppointed,
    /// The Council took it up in public.
    TakenUpPublicly,
}

impl ComplaintPublicOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ComplaintPublicOutcome::Discontinued => "DISCONTINUED",
            ComplaintPublicOutcome::KeptUnderReview => "KEPT_UNDER_REVIEW",
            ComplaintPublicOutcome::IndependentExpertAppointed => "INDEPENDENT_EXPERT_APPOINTED",
            ComplaintPublicOutcome::TakenUpPublicly => "TAKEN_UP_PUBLICLY",
        }
    }

    fn parse(text: &str) -> Option<ComplaintPublicOutcome> {
        [
            ComplaintPublicOutcome::Discontinued,
            ComplaintPublicOutcome::KeptUnderReview,
            ComplaintPublicOutcome::IndependentExpertAppointed,
            ComplaintPublicOutcome::TakenUpPublicly,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// An examination to publish.
#[derive(Debug, InputObject)]
#[graphql(visible = "for_complaint_secretariat")]
pub struct PublishComplaintExaminationInput {
    /// The State (ISO 3166-1 alpha-3 code).
    pub country: String,
    /// The Council session at which it was examined.
    pub session_number: i32,
    /// The day the President announced it.
    pub announced_on: Date,
    /// What the Council made public of its decision, if anything.
    pub public_outcome: Option<ComplaintPublicOutcome>,
    /// Where this is published (such as the session's report), 1 to 2,000 characters.
    pub source: String,
}

/// A State whose situation the Council examined under the complaint procedure, as announced in public.
pub struct ComplaintPublicExamination(models::PublicExamination);

/// A State whose situation the Council examined under the complaint procedure, as announced in public.
#[Object]
impl ComplaintPublicExamination {
    /// `<ISO3>:<session number>`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The State.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(crate::loaders::CountryId(self.0.country_id)).await?.map(Country))
    }

    /// The Council session.
    async fn session_number(&self) -> i32 {
        self.0.session_number
    }

    /// The day the Council's President announced it.
    async fn announced_on(&self) -> Date {
        Date(self.0.announced_on)
    }

    /// What the Council made public of its decision, if anything.
    async fn public_outcome(&self) -> Option<ComplaintPublicOutcome> {
        self.0.public_outcome.as_deref().and_then(ComplaintPublicOutcome::parse)
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Where this is published.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// How a published figure relates to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FigureQualifier {
    /// The figure is the value.
    Exactly,
    /// The figure is more than the value.
    MoreThan,
}

/// A figure published about the procedure, with its source.
#[derive(SimpleObject)]
pub struct ComplaintPublicFigure {
    /// Stable key, such as `SITUATIONS_REFERRED_TO_COUNCIL`.
    pub key: String,
    /// The figure.
    pub value: i32,
    /// Whether the figure is exact or a floor.
    pub qualifier: FigureQualifier,
    /// `SITUATIONS`, `COUNTRIES` or `PERCENT`.
    pub unit: String,
    /// The year the source describes.
    pub as_of_year: i32,
    /// What it counts, in the language served (English where it is not held).
    pub label: String,
    /// Where it is published.
    pub source: String,
}

/// Examinations in one year.
#[derive(SimpleObject)]
pub struct ComplaintPublicYearCount {
    /// The year of announcement.
    pub year: i32,
    /// How many examinations were announced in it.
    pub count: i64,
}

/// What is public of the confidential complaint procedure.
pub struct ComplaintProcedureRecord {
    figures: Vec<models::PublicFigure>,
    examinations: Vec<models::PublicExamination>,
}

/// What is public of the confidential complaint procedure: figures the Council's documents publish, and the States
/// whose situations the Council examined, as its President announced them. Nothing else of the procedure is public.
#[Object]
impl ComplaintProcedureRecord {
    /// Figures published about the procedure, each with its source.
    async fn figures(&self, ctx: &Context<'_>) -> Vec<ComplaintPublicFigure> {
        let zh = crate::RequestData::of(ctx).is_some_and(|d| d.lang.served() == crate::Lang::Zh);
        self.figures
            .iter()
            .map(|f| ComplaintPublicFigure {
                key: f.key.clone(),
                value: f.value,
                qualifier: if f.qualifier == "MORE_THAN" {
                    FigureQualifier::MoreThan
                } else {
                    FigureQualifier::Exactly
                },
                unit: f.unit.clone(),
                as_of_year: f.as_of_year,
                label: match (&f.label_zh, zh) {
                    (Some(label), true) => label.clone(),
                    _ => f.label_en.clone(),
                },
                source: f.source.clone(),
            })
            .collect()
    }

    /// The examinations published, in order of announcement.
    async fn examinations(&self) -> Vec<ComplaintPublicExamination> {
        self.examinations.iter().cloned().map(ComplaintPublicExamination).collect()
    }

    /// How many examinations are published.
    async fn examination_count(&self) -> i64 {
        self.examinations.len() as i64
    }

    /// How many States' situations are published as examined.
    async fn countries_examined(&self) -> i64 {
        let states: std::collections::BTreeSet<i64> = self.examinations.iter().map(|e| e.country_id).collect();
        states.len() as i64
    }

    /// Published examinations per year of announcement.
    async fn examinations_by_year(&self) -> Vec<ComplaintPublicYearCount> {
        use chrono::Datelike;
        let mut years = std::collections::BTreeMap::<i32, i64>::new();
        for e in &self.examinations {
            *years.entry(e.announced_on.year()).or_default() += 1;
        }
        years.into_iter().map(|(year, count)| ComplaintPublicYearCount { year, count }).collect()
    }
}
