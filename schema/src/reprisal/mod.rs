//! Reprisal cases in the graph: intimidation and reprisals against those who cooperate with the United Nations.
//!
//! Two types. `ReprisalCase` is the staff's: the reprisals officer reads and writes everything, the person's
//! identity included; the secretariat reads all but the identity; the Council's Bureau reads cases anonymised (no
//! identity, no government response text, no follow-up notes). `PublishedReprisalCase` is the public's: it has no
//! field that could identify the person (the name only while consent to publish it stands), its ID is built from a
//! random public reference, and it exists only while the case is published and consent to publish it stands, which
//! the database decides at every read ([`hrc_db::models::reprisal::public_cases`]). A State's focal point reads the
//! published cases concerning its State as the public does.

pub mod mutation;
pub mod query;

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use hrc_db::models::reprisal::{self as store, Case as Row, CaseFilter as RowFilter, CaseScope, PublicCase};
use hrc_db::models::{self, WorkflowError};

use crate::communication::Communication;
use crate::loaders::{ActsOfCase, ConsentsOfCase, CountryId, CyclesOfCase, FollowUpsOfCase, MechanismId, SessionId};
use crate::mechanism::Mechanism;
use crate::reference::{Country, Session};
use crate::support::access::guard_caller;
use crate::support::auth::Viewer;
use crate::support::database::{loaders, query};
use crate::support::error::{workflow_error, ApiError};
use crate::support::ids;
use crate::support::scalars::{Date, DateTime};
use crate::visit::Visit;

/// On what occasion the person cooperated with the United Nations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::Occasion")]
pub enum CooperationOccasion {
    /// A session of the Council (name it).
    Session,
    /// A special-procedure country visit (name it).
    Visit,
    /// A special-procedure communication (name it).
    Communication,
    /// The Universal Periodic Review.
    Upr,
    /// Another occasion.
    Other,
}

/// Who the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::PersonKind")]
pub enum ReprisalPersonKind {
    /// A human rights defender.
    HumanRightsDefender,
    /// A journalist.
    Journalist,
    /// A lawyer.
    Lawyer,
    /// A representative of a non-governmental organisation.
    NgoRepresentative,
    /// A victim of violations, or a relative.
    VictimOrRelative,
    /// A witness.
    Witness,
    /// Someone else.
    Other,
}

/// What was done to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::ReprisalAct")]
pub enum ReprisalAct {
    /// Arrest or detention.
    ArrestOrDetention,
    /// A travel ban.
    TravelBan,
    /// Threats.
    Threats,
    /// Surveillance.
    Surveillance,
    /// A smear campaign.
    SmearCampaign,
    /// Loss of employment.
    LossOfEmployment,
    /// Violence.
    Violence,
    /// Another act.
    Other,
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::CaseStatus")]
pub enum ReprisalCaseStatus {
    /// Open.
    Open,
    /// Followed up with the State.
    UnderFollowUp,
    /// Closed.
    Closed,
}

/// What the person consented to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::ConsentScope")]
pub enum ConsentScope {
    /// Publishing the case, anonymised.
    PublishCase,
    /// Publishing the person's name with it.
    PublishName,
}

/// What case counts are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::reprisal::CaseDimension")]
pub enum ReprisalCaseDimension {
    /// The State concerned (ISO code).
    Country,
    /// The year of the first act.
    Year,
    /// Each act (a case counts once under each of its acts).
    Act,
    /// The mechanism cooperated with (its key).
    Mechanism,
    /// The year of each Secretary-General's report the case appears in (once under each).
    ReportYear,
}

fn case_error(e: WorkflowError) -> ApiError {
    workflow_error("reprisal case", e)
}

fn case_key(field: &str, id: &ID) -> Result<String, ApiError> {
    match ids::decode(field, id)? {
        (kind, key) if kind == "ReprisalCase" => Ok(key),
        _ => Err(ApiError::bad_input(field, "this is not the ID of a reprisal case")),
    }
}

/// The fields both case types share, from the row.
async fn country(ctx: &Context<'_>, row: &Row) -> Result<Option<Country>, ApiError> {
    Ok(loaders(ctx)?.load_one(CountryId(row.country_id)).await?.map(Country))
}

async fn mechanism(ctx: &Context<'_>, row: &Row) -> Result<Option<Mechanism>, ApiError> {
    Ok(loaders(ctx)?.load_one(MechanismId(row.mechanism_id)).await?.map(Mechanism))
}

async fn acts(ctx: &Context<'_>, row: &Row) -> Result<Vec<ReprisalAct>, ApiError> {
    let acts = loaders(ctx)?.load_one(ActsOfCase(row.id)).await?.unwrap_or_default();
    Ok(acts.into_iter().map(|a| a.act.into()).collect())
}

async fn cycles(ctx: &Context<'_>, row: &Row) -> Result<Vec<ReportCycle>, ApiError> {
    let cycles = loaders(ctx)?.load_one(CyclesOfCase(row.id)).await?.unwrap_or_default();
    Ok(cycles.into_iter().map(|c| ReportCycle { year: c.report_year, symbol: c.report_symbol }).collect())
}

/// A Secretary-General's annual report on reprisals (under resolution 12/2) in which a case appears.
#[derive(SimpleObject, Clone)]
pub struct ReportCycle {
    /// The report's year.
    pub year: i32,
    /// The report's symbol, where known.
    pub symbol: Option<String>,
}

/// A reprisal case, as staff read it.
pub struct ReprisalCase(pub Row);

/// A case of intimidation or reprisal against someone who cooperated with the United Nations, as staff read it.
#[Object]
impl ReprisalCase {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        ids::encode("ReprisalCase", &self.0.key)
    }

    /// The staff's reference, such as `RC-00012` (`DEMO-RC-…` for fictional demonstration data).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The reference the public knows it by once published (random, so that it tells nothing of other cases).
    async fn public_reference(&self) -> &str {
        &self.0.public_key
    }

    /// The State concerned.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, &self.0).await
    }

    /// The mechanism the person cooperated with.
    async fn mechanism(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        mechanism(ctx, &self.0).await
    }

    /// The occasion of cooperation.
    async fn occasion(&self) -> CooperationOccasion {
        store::Occasion::from_db(&self.0.occasion).into()
    }

    /// The session, for cooperation at a session.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// The visit, for cooperation with a country visit.
    async fn visit(&self, ctx: &Context<'_>) -> Result<Option<Visit>, ApiError> {
        let Some(id) = self.0.visit_id else { return Ok(None) };
        Ok(query(ctx, move |c| models::Visit::by_id(c, id)).await?.map(Visit))
    }

    /// The communication, for cooperation through a communication.
    async fn communication(&self, ctx: &Context<'_>) -> Result<Option<Communication>, ApiError> {
        let Some(id) = self.0.communication_id else { return Ok(None) };
        Ok(query(ctx, move |c| models::Communication::by_id(c, id)).await?.map(Communication))
    }

    /// Who the person is.
    async fn person_kind(&self) -> ReprisalPersonKind {
        store::PersonKind::from_db(&self.0.person_kind).into()
    }

    /// The person's identity: the reprisals officer only (for others the field is null, with a `FORBIDDEN` error).
    async fn identity(&self, ctx: &Context<'_>) -> Result<Option<ReprisalIdentity>, ApiError> {
        guard_caller(ctx, "ReprisalCase.identity")?;
        Ok(Some(ReprisalIdentity { name: self.0.person_name.clone(), details: self.0.person_details.clone() }))
    }

    /// What happened, written without anything identifying (what publication shows).
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// What was done to the person.
    async fn acts(&self, ctx: &Context<'_>) -> Result<Vec<ReprisalAct>, ApiError> {
        acts(ctx, &self.0).await
    }

    /// The day of the first act.
    async fn first_act_on(&self) -> Date {
        Date(self.0.first_act_on)
    }

    /// The day of the last act, where known.
    async fn last_act_on(&self) -> Option<Date> {
        self.0.last_act_on.map(Date)
    }

    /// The Secretary-General's annual reports it appears in.
    async fn report_cycles(&self, ctx: &Context<'_>) -> Result<Vec<ReportCycle>, ApiError> {
        cycles(ctx, &self.0).await
    }

    /// Whether the government has responded.
    async fn government_responded(&self) -> bool {
        self.0.government_response.is_some()
    }

    /// The government's response: the reprisals officer and the secretariat (it may name the person).
    async fn government_response(&self, ctx: &Context<'_>) -> Result<Option<GovernmentResponse>, ApiError> {
        guard_caller(ctx, "ReprisalCase.governmentResponse")?;
        Ok(self
            .0
            .government_response
            .clone()
            .map(|text| GovernmentResponse { text, responded_on: self.0.government_responded_on.map(Date) }))
    }

    /// The follow-up actions taken, oldest first: the reprisals officer and the secretariat.
    async fn follow_ups(&self, ctx: &Context<'_>) -> Result<Vec<ReprisalFollowUp>, ApiError> {
        guard_caller(ctx, "ReprisalCase.followUps")?;
        Ok(loaders(ctx)?
            .load_one(FollowUpsOfCase(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|f| ReprisalFollowUp { taken_on: Date(f.taken_on), action: f.action, actor: f.actor })
            .collect())
    }

    /// Where it stands.
    async fn status(&self) -> ReprisalCaseStatus {
        self.0.status().into()
    }

    /// The person's consents, as recorded (standing or withdrawn), oldest first.
    async fn consents(&self, ctx: &Context<'_>) -> Result<Vec<ReprisalConsent>, ApiError> {
        Ok(loaders(ctx)?
            .load_one(ConsentsOfCase(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|k| ReprisalConsent {
                scope: store::ConsentScope::from_db(&k.scope).into(),
                given_on: Date(k.given_on),
                withdrawn_on: k.withdrawn_on.map(Date),
                standing: k.withdrawn_on.is_none(),
            })
            .collect())
    }

    /// The day it was published, while it is (it is public only with standing consent to publish it).
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in an update.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Who the person is.
#[derive(SimpleObject)]
pub struct ReprisalIdentity {
    /// Their name.
    pub name: String,
    /// Their organisation, contacts and whatever else identifies them.
    pub details: String,
}

/// A government's response.
#[derive(SimpleObject)]
pub struct GovernmentResponse {
    /// What it said.
    pub text: String,
    /// When.
    pub responded_on: Option<Date>,
}

/// A follow-up action on a case.
#[derive(SimpleObject)]
pub struct ReprisalFollowUp {
    /// When it was taken.
    pub taken_on: Date,
    /// What was done.
    pub action: String,
    /// Who recorded it (the token subject).
    pub actor: String,
}

/// A consent, as recorded.
#[derive(SimpleObject)]
pub struct ReprisalConsent {
    /// What it covers.
    pub scope: ConsentScope,
    /// The day given.
    pub given_on: Date,
    /// The day withdrawn, once withdrawn.
    pub withdrawn_on: Option<Date>,
    /// Whether it stands (not withdrawn).
    pub standing: bool,
}

/// A published reprisal case.
pub struct PublishedReprisalCase(pub PublicCase);

/// A published case of intimidation or reprisal, anonymised: nothing that identifies the person, but for the name
/// where the person consented to its publication. It is here only while the person's consent to publish stands.
#[Object]
impl PublishedReprisalCase {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        ids::encode("PublishedReprisalCase", &self.0.case.public_key)
    }

    /// Its public reference.
    async fn reference(&self) -> &str {
        &self.0.case.public_key
    }

    /// The State concerned.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, &self.0.case).await
    }

    /// The mechanism the person cooperated with.
    async fn mechanism(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        mechanism(ctx, &self.0.case).await
    }

    /// The occasion of cooperation.
    async fn occasion(&self) -> CooperationOccasion {
        store::Occasion::from_db(&self.0.case.occasion).into()
    }

    /// Who the person is (a kind, never a name).
    async fn person_kind(&self) -> ReprisalPersonKind {
        store::PersonKind::from_db(&self.0.case.person_kind).into()
    }

    /// The person's name: only while the person's consent to publish it stands; null otherwise.
    async fn name(&self) -> Option<&str> {
        self.0.consented_name.as_deref()
    }

    /// What happened, anonymised.
    async fn summary(&self) -> &str {
        &self.0.case.summary
    }

    /// What was done to the person.
    async fn acts(&self, ctx: &Context<'_>) -> Result<Vec<ReprisalAct>, ApiError> {
        acts(ctx, &self.0.case).await
    }

    /// The year of the first act.
    async fn year(&self) -> i32 {
        use chrono::Datelike;
        self.0.case.first_act_on.year()
    }

    /// The Secretary-General's annual reports it appears in.
    async fn report_cycles(&self, ctx: &Context<'_>) -> Result<Vec<ReportCycle>, ApiError> {
        cycles(ctx, &self.0.case).await
    }

    /// Whether the government has responded.
    async fn government_responded(&self) -> bool {
        self.0.case.government_response.is_some()
    }

    /// Where it stands.
    async fn status(&self) -> ReprisalCaseStatus {
        self.0.case.status().into()
    }

    /// The day it was published.
    async fn published_on(&self) -> Option<Date> {
        self.0.case.published_on.map(Date)
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.case.fictional
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.case.updated_at)
    }
}

/// Which published cases.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PublishedReprisalCaseFilter {
    /// Only those concerning this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those of cooperation with this mechanism (its key).
    pub mechanism: Option<String>,
    /// Only those with this act.
    pub act: Option<ReprisalAct>,
    /// Only those of this kind of person.
    pub person_kind: Option<ReprisalPersonKind>,
    /// Only those in the Secretary-General's report of this year.
    pub report_year: Option<i32>,
    /// Only generated demonstration data (true) or only real records (false).
    pub fictional: Option<bool>,
}

/// Which cases (staff).
#[derive(Debug, Clone, Default, InputObject)]
pub struct ReprisalCaseFilter {
    /// Only those concerning this State (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those of cooperation with this mechanism (its key).
    pub mechanism: Option<String>,
    /// Only those with this act.
    pub act: Option<ReprisalAct>,
    /// Only those of this kind of person.
    pub person_kind: Option<ReprisalPersonKind>,
    /// Only those in this status.
    pub status: Option<ReprisalCaseStatus>,
    /// Only those in the Secretary-General's report of this year.
    pub report_year: Option<i32>,
    /// Only those public now (true: published with standing consent) or not (false). For callers who see only
    /// published cases, `false` selects nothing.
    pub published: Option<bool>,
    /// Only those changed since this instant.
    pub updated_since: Option<DateTime>,
    /// Only generated demonstration data (true) or only real records (false).
    pub fictional: Option<bool>,
}

impl From<PublishedReprisalCaseFilter> for ReprisalCaseFilter {
    fn from(f: PublishedReprisalCaseFilter) -> Self {
        ReprisalCaseFilter {
            country: f.country,
            mechanism: f.mechanism,
            act: f.act,
            person_kind: f.person_kind,
            report_year: f.report_year,
            fictional: f.fictional,
            ..Default::default()
        }
    }
}

/// The store's filter for `f` in `scope`; the inner error names a field that names nothing we hold.
fn row_filter(
    c: &mut hrc_db::DbConnection,
    scope: CaseScope,
    f: ReprisalCaseFilter,
) -> hrc_db::QueryResult<Result<RowFilter, ApiError>> {
    let country_id = match f.country.as_deref() {
        None => None,
        Some(code) => match crate::lookup::country_id(c, "filter.country", code)? {
            Ok(id) => Some(id),
            Err(e) => return Ok(Err(e)),
        },
    };
    let mechanism_id = match f.mechanism.as_deref() {
        None => None,
        Some(key) => match models::Mechanism::by_key(c, key.trim())? {
            Some(m) => Some(m.id),
            None => {
                return Ok(Err(ApiError::bad_input("filter.mechanism", format!("no mechanism has the key {key:?}"))))
            }
        },
    };
    if let Some(year) = f.report_year.filter(|y| !(2010..=2100).contains(y)) {
        return Ok(Err(ApiError::bad_input("filter.reportYear", format!("{year} is not a year of the reports"))));
    }
    Ok(Ok(RowFilter {
        scope,
        country_id,
        mechanism_id,
        act: f.act.map(Into::into),
        person_kind: f.person_kind.map(Into::into),
        status: f.status.map(Into::into),
        report_year: f.report_year,
        published: f.published,
        updated_since: f.updated_since.map(|t| t.0),
        fictional: f.fictional,
    }))
}

/// A group of cases.
#[derive(SimpleObject)]
pub struct ReprisalCaseCount {
    /// The group: an ISO code, a year, an act or a mechanism key.
    pub group: String,
    /// How many cases.
    pub count: i64,
}

/// A report cycle to record.
#[derive(Debug, InputObject)]
pub struct ReportCycleInput {
    /// The report's year.
    pub year: i32,
    /// The report's symbol, where known (such as `A/HRC/54/61`).
    pub symbol: Option<String>,
}

/// A case's content, as the reprisals officer records it.
#[derive(Debug, InputObject)]
pub struct ReprisalCaseInput {
    /// The State concerned (ISO 3166-1 alpha-3 code).
    pub country: String,
    /// The mechanism the person cooperated with (its key, such as `upr`).
    pub mechanism: String,
    /// The occasion of cooperation.
    pub occasion: CooperationOccasion,
    /// For `SESSION`: the Council session's number.
    pub session: Option<i32>,
    /// For `VISIT`: the visit's key.
    pub visit: Option<String>,
    /// For `COMMUNICATION`: the communication's key.
    pub communication: Option<String>,
    /// Who the person is.
    pub person_kind: ReprisalPersonKind,
    /// The person's name (1 to 300 characters): the reprisals officer's alone, published only with consent.
    pub person_name: String,
    /// Their organisation, contacts and whatever else identifies them (up to 5,000 characters); never published.
    #[graphql(default)]
    pub person_details: String,
    /// What happened, written without anything identifying (1 to 5,000 characters): what publication shows.
    pub summary: String,
    /// What was done (1 or more).
    pub acts: Vec<ReprisalAct>,
    /// The day of the first act.
    pub first_act_on: Date,
    /// The day of the last act, where known.
    pub last_act_on: Option<Date>,
    /// The government's response, once given (up to 10,000 characters).
    pub government_response: Option<String>,
    /// The day of the government's response.
    pub government_responded_on: Option<Date>,
    /// Where the case stands.
    #[graphql(default_with = "ReprisalCaseStatus::Open")]
    pub status: ReprisalCaseStatus,
    /// The Secretary-General's annual reports it appears in.
    #[graphql(default)]
    pub report_cycles: Vec<ReportCycleInput>,
}

/// Checks a case's input against the records; every bad field is named.
fn case_fields(
    c: &mut hrc_db::DbConnection,
    input: ReprisalCaseInput,
) -> hrc_db::QueryResult<Result<store::CaseFields, ApiError>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut text = |field: &str, value: &str, min: usize, max: usize| {
        let t = value.trim().to_owned();
        let n = t.chars().count();
        if n < min || n > max {
            errors.push((field.to_owned(), format!("give {min} to {max} characters")));
        }
        t
    };
    let person_name = text("input.personName", &input.person_name, 1, 300);
    let person_details = text("input.personDetails", &input.person_details, 0, 5_000);
    let summary = text("input.summary", &input.summary, 1, 5_000);
    let government_response =
        input.government_response.as_deref().map(|t| text("input.governmentResponse", t, 1, 10_000));
    if input.acts.is_empty() {
        errors.push(("input.acts".into(), "name at least one act".into()));
    }
    let today = chrono::Utc::now().date_naive();
    if input.first_act_on.0 > today {
        errors.push(("input.firstActOn".into(), "a date in the future".into()));
    }
    if input.last_act_on.is_some_and(|d| d.0 < input.first_act_on.0) {
        errors.push(("input.lastActOn".into(), "before the first act".into()));
    }
    if input.government_responded_on.is_some() && government_response.is_none() {
        errors.push(("input.governmentRespondedOn".into(), "a date without a response".into()));
    }
    let mut cycles = BTreeMap::new();
    for cycle in &input.report_cycles {
        let symbol = cycle.symbol.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if !(2010..=2100).contains(&cycle.year) || cycles.insert(cycle.year, symbol).is_some() {
            errors.push(("input.reportCycles".into(), "each year once, from 2010".into()));
        }
    }
    let country_id = match crate::lookup::country_id(c, "input.country", &input.country)? {
        Ok(id) => id,
        Err(ApiError::BadUserInput { field, message }) => {
            errors.push((field, message));
            0
        }
        Err(e) => return Ok(Err(e)),
    };
    let mechanism_id = match models::Mechanism::by_key(c, input.mechanism.trim())? {
        Some(m) => m.id,
        None => {
            errors.push(("input.mechanism".into(), format!("no mechanism has the key {:?}", input.mechanism)));
            0
        }
    };
    let occasion: store::Occasion = input.occasion.into();
    let mut wants = |field: &str, given: bool, needed: bool| {
        if given != needed {
            let message = if needed { "this occasion names it" } else { "only its occasion names it" };
            errors.push((field.to_owned(), message.to_owned()));
        }
    };
    wants("input.session", input.session.is_some(), occasion == store::Occasion::Session);
    wants("input.visit", input.visit.is_some(), occasion == store::Occasion::Visit);
    wants("input.communication", input.communication.is_some(), occasion == store::Occasion::Communication);
    let session_id = match crate::lookup::session_id(c, "input.session", input.session)? {
        Ok(id) => id,
        Err(ApiError::BadUserInput { field, message }) => {
            errors.push((field, message));
            None
        }
        Err(e) => return Ok(Err(e)),
    };
    let visit_id = match input.visit.as_deref() {
        None => None,
        Some(key) => match models::Visit::by_key(c, key.trim())? {
            Some(v) => Some(v.id),
            None => {
                errors.push(("input.visit".into(), format!("no visit has the key {key:?}")));
                None
            }
        },
    };
    let communication_id = match input.communication.as_deref() {
        None => None,
        Some(key) => match models::Communication::by_key(c, key.trim())? {
            Some(m) => Some(m.id),
            None => {
                errors.push(("input.communication".into(), format!("no communication has the key {key:?}")));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Ok(Err(ApiError::InvalidFields(errors)));
    }
    Ok(Ok(store::CaseFields {
        country_id,
        mechanism_id,
        occasion,
        session_id,
        visit_id,
        communication_id,
        person_kind: input.person_kind.into(),
        person_name,
        person_details,
        summary,
        acts: input.acts.into_iter().map(Into::into).collect::<BTreeSet<_>>(),
        first_act_on: input.first_act_on.0,
        last_act_on: input.last_act_on.map(|d| d.0),
        government_response,
        government_responded_on: input.government_responded_on.map(|d| d.0),
        status: input.status.into(),
        cycles,
    }))
}

fn audit(viewer: &Viewer, action: &'static str, key: &str, detail: serde_json::Value) -> hrc_db::audit::Entry {
    hrc_db::audit::Entry {
        actor: viewer.subject.clone(),
        action,
        entity: "ReprisalCase",
        entity_key: key.to_owned(),
        detail: detail.to_string(),
    }
}
