//! Early warning in the graph: signals and their verification, the analysis behind the High Commissioner's regional
//! horizon-scanning briefings, and the briefings themselves.
//!
//! Who sees what (DESIGN.md's table): the secretariat reads and writes every signal, its source and its
//! verification; the Council's Bureau reads verified signals and the analyses, never a source or the verification
//! trail; nobody else reads any of it, counts included. Briefings are public once delivered; scheduled ones are the
//! secretariat's.

pub mod subscription;

pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use hrc_db::models::early_warning::{self as store, Briefing as BriefingRow, Signal as Row, SignalScope, Threshold};
use hrc_db::models::{self, WorkflowError};

use crate::communication::Communication;
use crate::loaders::{
    CommunicationId, CountryId, EventsOfSignal, LinksOfSignal, MandateId, RecommendationId, RegionalGroupId, SessionId,
};
use crate::mechanism::Mandate;
use crate::recommendation::Recommendation;
use crate::reference::{Country, RegionalGroup, RegionalGroupCode, Session};
use crate::support::access::{guard_caller, Scope};
use crate::support::auth::Viewer;
use crate::support::database::{loaders, query};
use crate::support::error::{workflow_error, ApiError};
use crate::support::ids;
use crate::support::lang::{pick, Lang};
use crate::support::scalars::{Date, DateTime};

/// The threshold the server was started with (`HRC_EARLY_WARNING_*`); a query may name its own.
#[derive(Debug, Clone, Default)]
pub struct EarlyWarningPolicy(pub Threshold);

/// Who or what a signal came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::early_warning::SignalSource")]
pub enum SignalSource {
    /// A special-procedure mandate.
    SpecialProcedure,
    /// A national human rights institution.
    NationalHumanRightsInstitution,
    /// A civil-society organisation.
    CivilSociety,
    /// A human rights defender.
    HumanRightsDefender,
    /// A United Nations country team.
    UnCountryTeam,
    /// An OHCHR field presence.
    OhchrFieldPresence,
    /// A treaty body.
    TreatyBody,
}

/// What a signal warns of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::early_warning::SignalCategory")]
pub enum SignalCategory {
    /// Enforced disappearances.
    EnforcedDisappearances,
    /// Extrajudicial, summary or arbitrary executions.
    ExtrajudicialExecutions,
    /// A surge of torture or ill-treatment.
    TortureSurge,
    /// The targeting of human rights defenders, journalists or civil society.
    TargetingCivilSociety,
    /// Denial of access to humanitarian actors or the media.
    DenialOfAccess,
    /// Non-cooperation with the Council's mechanisms.
    NonCooperation,
    /// Anything else.
    Other,
}

/// How grave a signal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::early_warning::Severity")]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical: life or integrity at immediate risk.
    Critical,
}

/// Where a signal stands: `REPORTED → UNDER_VERIFICATION → VERIFIED | DISMISSED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::early_warning::SignalStatus")]
pub enum SignalStatus {
    /// Received, not yet looked into.
    Reported,
    /// Being verified.
    UnderVerification,
    /// Verified: it counts in analyses.
    Verified,
    /// Dismissed after verification.
    Dismissed,
}

/// Whether a briefing has been given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::early_warning::BriefingStatus")]
pub enum BriefingStatus {
    /// Planned (the secretariat's only).
    Scheduled,
    /// Given to the Council: public.
    Delivered,
}

/// How a count moved against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Trend {
    /// More than in the previous period.
    Rising,
    /// As many.
    Steady,
    /// Fewer.
    Falling,
}

fn trend(count: i64, previous: i64) -> Trend {
    match count.cmp(&previous) {
        std::cmp::Ordering::Greater => Trend::Rising,
        std::cmp::Ordering::Equal => Trend::Steady,
        std::cmp::Ordering::Less => Trend::Falling,
    }
}

/// The signals of a scope the access table gave, as the store's filter: every one, or the verified ones.
pub(crate) fn signal_scope(scope: Scope) -> SignalScope {
    if scope.is_all() {
        SignalScope::All
    } else {
        SignalScope::Verified
    }
}

fn signal_error(e: WorkflowError) -> ApiError {
    workflow_error("early-warning signal", e)
}

fn signal_key(field: &str, id: &ID) -> Result<String, ApiError> {
    match ids::decode(field, id)? {
        (kind, key) if kind == "EarlyWarningSignal" => Ok(key),
        _ => Err(ApiError::bad_input(field, "this is not the ID of an early-warning signal")),
    }
}

fn briefing_key(field: &str, id: &ID) -> Result<String, ApiError> {
    match ids::decode(field, id)? {
        (kind, key) if kind == "HorizonBriefing" => Ok(key),
        _ => Err(ApiError::bad_input(field, "this is not the ID of a horizon-scanning briefing")),
    }
}

fn audit(viewer: &Viewer, action: &'static str, entity: &'static str, key: &str, detail: &str) -> hrc_db::audit::Entry {
    hrc_db::audit::Entry {
        actor: viewer.subject.clone(),
        action,
        entity,
        entity_key: key.to_owned(),
        detail: detail.to_owned(),
    }
}

/// Tells the subscribers of `earlyWarningSignalEvents` of a committed change (no source, no description).
async fn publish(ctx: &Context<'_>, row: &Row, change: crate::events::SignalChange) {
    let Ok(events) = ctx.data::<crate::events::Events>() else { return };
    events.publish(crate::events::Event::EarlyWarning(crate::events::SignalEvent {
        key: row.key.clone(),
        country_id: row.country_id,
        status: row.status.clone(),
        category: row.category.clone(),
        severity: row.severity.clone(),
        change,
        occurred_at: row.updated_at,
    }));
}

/// An early-warning signal.
pub struct EarlyWarningSignal(pub Row);

/// An early-warning signal: what was observed where and when, how grave, and where its verification stands.
#[Object]
impl EarlyWarningSignal {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        ids::encode("EarlyWarningSignal", &self.0.key)
    }

    /// Its reference, such as `EWS-00012` (`DEMO-EWS-…` for fictional demonstration data).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The country it concerns.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// The day what it reports was observed.
    async fn observed_on(&self) -> Date {
        Date(self.0.observed_on)
    }

    /// The day it reached OHCHR.
    async fn reported_on(&self) -> Date {
        Date(self.0.reported_on)
    }

    /// What it warns of.
    async fn category(&self) -> SignalCategory {
        store::SignalCategory::from_db(&self.0.category).into()
    }

    /// How grave it is.
    async fn severity(&self) -> Severity {
        store::Severity::from_db(&self.0.severity).into()
    }

    /// What was observed.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where its verification stands.
    async fn status(&self) -> SignalStatus {
        self.0.status().into()
    }

    /// The statuses it may move to next.
    async fn next_statuses(&self) -> Vec<SignalStatus> {
        self.0.status().next().iter().map(|s| (*s).into()).collect()
    }

    /// Where it came from, protected: the secretariat only (for others the field is null, with a `FORBIDDEN` error).
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<SignalSourceRecord>, ApiError> {
        guard_caller(ctx, "EarlyWarningSignal.source")?;
        Ok(Some(SignalSourceRecord {
            kind: store::SignalSource::from_db(&self.0.source_kind).into(),
            reference: self.0.source_reference.clone(),
        }))
    }

    /// Every step of its verification, oldest first, with who, when and why: the secretariat only.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<SignalVerificationStep>, ApiError> {
        guard_caller(ctx, "EarlyWarningSignal.events")?;
        Ok(loaders(ctx)?
            .load_one(EventsOfSignal(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|e| SignalVerificationStep {
                from_status: e.from_status.map(|s| store::SignalStatus::from_db(&s).into()),
                to_status: store::SignalStatus::from_db(&e.to_status).into(),
                actor: e.actor,
                occurred_at: DateTime(e.occurred_at),
                reason: e.reason,
            })
            .collect())
    }

    /// The recommendations, mandates and special-procedure communications it relates to.
    async fn related(&self, ctx: &Context<'_>) -> Result<SignalRelations, ApiError> {
        let loaders = loaders(ctx)?;
        let links = loaders.load_one(LinksOfSignal(self.0.id)).await?.unwrap_or_default();
        let ids = |pick: fn(&store::SignalLink) -> Option<i64>| links.iter().filter_map(pick).collect::<Vec<i64>>();
        let (recommendations, mandates, communications) =
            (ids(|l| l.recommendation_id), ids(|l| l.mandate_id), ids(|l| l.communication_id));
        let (r, m, k) = futures_util::try_join!(
            loaders.load_many(recommendations.iter().map(|i| RecommendationId(*i))),
            loaders.load_many(mandates.iter().map(|i| MandateId(*i))),
            loaders.load_many(communications.iter().map(|i| CommunicationId(*i))),
        )?;
        Ok(SignalRelations {
            recommendations: recommendations
                .iter()
                .filter_map(|i| r.get(&RecommendationId(*i)).cloned())
                .map(Recommendation)
                .collect(),
            mandates: mandates.iter().filter_map(|i| m.get(&MandateId(*i)).cloned()).map(Mandate).collect(),
            communications: communications
                .iter()
                .filter_map(|i| k.get(&CommunicationId(*i)).cloned())
                .map(Communication)
                .collect(),
        })
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in an update or a move.
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

/// Where a signal came from.
#[derive(SimpleObject)]
pub struct SignalSourceRecord {
    /// The kind of source.
    pub kind: SignalSource,
    /// The protected reference under which the secretariat files the source.
    pub reference: String,
}

/// A step of a signal's verification.
#[derive(SimpleObject)]
pub struct SignalVerificationStep {
    /// The status before (none for the report itself).
    pub from_status: Option<SignalStatus>,
    /// The status after.
    pub to_status: SignalStatus,
    /// Who (the token subject).
    pub actor: String,
    /// When.
    pub occurred_at: DateTime,
    /// Why.
    pub reason: String,
}

/// What a signal relates to.
#[derive(SimpleObject)]
pub struct SignalRelations {
    /// Recommendations whose implementation it bears on.
    pub recommendations: Vec<Recommendation>,
    /// Special-procedure mandates concerned.
    pub mandates: Vec<Mandate>,
    /// Special-procedure communications on the same facts.
    pub communications: Vec<Communication>,
}

/// The analysis behind a regional horizon-scanning briefing: verified signals only.
#[derive(SimpleObject)]
pub struct EarlyWarningAnalysis {
    /// First day of the period analysed.
    pub from: Date,
    /// Last day of the period analysed.
    pub to: Date,
    /// First day of the previous period (as long, just before).
    pub previous_from: Date,
    /// Last day of the previous period.
    pub previous_to: Date,
    /// Verified signals observed in the period.
    pub total: i64,
    /// Verified signals observed in the previous period.
    pub previous_total: i64,
    /// How the total moved.
    pub trend: Trend,
    /// By category and severity (only those with a signal in either period).
    pub by_category_and_severity: Vec<SignalCell>,
    /// By country (only those with a signal in either period).
    pub by_country: Vec<CountrySignals>,
    /// The countries whose pattern crosses the threshold in the period.
    pub countries_over_threshold: Vec<ThresholdCrossing>,
    /// The threshold applied.
    pub threshold: SignalThreshold,
}

/// Verified signals of one category and severity.
#[derive(SimpleObject)]
pub struct SignalCell {
    /// The category.
    pub category: SignalCategory,
    /// The severity.
    pub severity: Severity,
    /// In the period.
    pub count: i64,
    /// In the previous period.
    pub previous_count: i64,
    /// How it moved.
    pub trend: Trend,
}

/// A country's verified signals.
#[derive(SimpleObject)]
pub struct CountrySignals {
    /// The country.
    pub country: Country,
    /// In the period.
    pub count: i64,
    /// In the previous period.
    pub previous_count: i64,
    /// How it moved.
    pub trend: Trend,
}

/// A country over the threshold: the first window in which it had the most grave verified signals.
#[derive(SimpleObject)]
pub struct ThresholdCrossing {
    /// The country.
    pub country: Country,
    /// Grave verified signals observed in the window.
    pub signals: i64,
    /// First day of the window.
    pub window_starts_on: Date,
    /// Last day of the window.
    pub window_ends_on: Date,
    /// The grave categories among them.
    pub categories: Vec<SignalCategory>,
}

/// When a country's pattern crosses the threshold.
#[derive(SimpleObject)]
pub struct SignalThreshold {
    /// At least this many grave verified signals…
    pub signals: i32,
    /// …observed within this many consecutive days.
    pub window_days: i32,
    /// The categories that count as grave.
    pub grave_categories: Vec<SignalCategory>,
}

/// A regional horizon-scanning briefing.
pub struct HorizonBriefing(pub BriefingRow);

/// A regional horizon-scanning briefing of the High Commissioner to the Council (A/HRC/43/37 paras 63 and 74):
/// public once delivered.
#[Object]
impl HorizonBriefing {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        ids::encode("HorizonBriefing", &self.0.key)
    }

    /// Its reference, such as `HSB-2026-0003` (`DEMO-HSB-…` for fictional demonstration data).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The day it was (or is to be) given.
    async fn briefing_on(&self) -> Date {
        Date(self.0.briefing_on)
    }

    /// Given, or only scheduled.
    async fn status(&self) -> BriefingStatus {
        self.0.status().into()
    }

    /// The Council session it was given at.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// The region it scans.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<RegionalGroup>, ApiError> {
        let Some(id) = self.0.regional_group_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(RegionalGroupId(id)).await?.map(RegionalGroup))
    }

    /// The countries it covers.
    #[graphql(complexity = "crate::support::pagination::list_cost(60, child_complexity)")]
    async fn countries(&self, ctx: &Context<'_>) -> Result<Vec<Country>, ApiError> {
        let id = self.0.id;
        let ids = query(ctx, move |c| BriefingRow::country_ids(c, id)).await?;
        let loaded = loaders(ctx)?.load_many(ids.iter().map(|i| CountryId(*i))).await?;
        Ok(ids.iter().filter_map(|i| loaded.get(&CountryId(*i)).cloned()).map(Country).collect())
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Its text.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> String {
        pick(Lang::resolve(ctx, lang), &self.0.text_en, self.0.text_zh.as_deref().unwrap_or_default()).to_owned()
    }

    /// Where it is recorded.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name when marking it delivered.
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

/// Which signals.
#[derive(Debug, Clone, Default, InputObject)]
pub struct EarlyWarningSignalFilter {
    /// Only those concerning this country (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those concerning a country of this regional group.
    pub region: Option<RegionalGroupCode>,
    /// Only of this category.
    pub category: Option<SignalCategory>,
    /// Only of this severity.
    pub severity: Option<Severity>,
    /// Only in this status (the Bureau sees verified signals alone).
    pub status: Option<SignalStatus>,
    /// Only those observed on or after this day.
    pub observed_from: Option<Date>,
    /// Only those observed on or before this day.
    pub observed_to: Option<Date>,
    /// Only those changed since this instant.
    pub updated_since: Option<DateTime>,
    /// Only generated demonstration data (true) or only real records (false).
    pub fictional: Option<bool>,
}

/// Which briefings.
#[derive(Debug, Clone, Default, InputObject)]
pub struct HorizonBriefingFilter {
    /// Only those scanning this region.
    pub region: Option<RegionalGroupCode>,
    /// Only those covering this country (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Only those given at this Council session (its number).
    pub session: Option<i32>,
    /// Only those of this year.
    pub year: Option<i32>,
}

/// A signal's content.
#[derive(Debug, InputObject)]
pub struct EarlyWarningSignalInput {
    /// The country it concerns (ISO 3166-1 alpha-3 code).
    pub country: String,
    /// The day what it reports was observed.
    pub observed_on: Date,
    /// The day it reached OHCHR (on or after the observation, not in the future).
    pub reported_on: Date,
    /// The kind of source.
    pub source_kind: SignalSource,
    /// The protected reference under which the secretariat files the source (1 to 500 characters). Never shown
    /// beyond the secretariat.
    pub source_reference: String,
    /// What it warns of.
    pub category: SignalCategory,
    /// How grave it is.
    pub severity: Severity,
    /// What was observed (1 to 10,000 characters).
    pub description: String,
    /// Keys of the recommendations it bears on (at most 50).
    #[graphql(default)]
    pub recommendations: Vec<String>,
    /// Keys of the special-procedure mandates concerned (at most 50).
    #[graphql(default)]
    pub mandates: Vec<String>,
    /// Keys of the special-procedure communications on the same facts (at most 50).
    #[graphql(default)]
    pub communications: Vec<String>,
}

/// Checks a signal's input against the records; every bad field is named.
fn signal_fields(
    c: &mut hrc_db::DbConnection,
    input: EarlyWarningSignalInput,
) -> hrc_db::QueryResult<Result<store::SignalFields, ApiError>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let today = chrono::Utc::now().date_naive();
    if input.reported_on.0 < input.observed_on.0 {
        errors.push(("input.reportedOn".into(), "it was reported before it was observed".into()));
    }
    if input.reported_on.0 > today || input.observed_on.0 > today {
        errors.push(("input.reportedOn".into(), "a date in the future".into()));
    }
    let source_reference = input.source_reference.trim().to_owned();
    if source_reference.is_empty() || source_reference.chars().count() > 500 {
        errors.push(("input.sourceReference".into(), "give 1 to 500 characters".into()));
    }
    let description = input.description.trim().to_owned();
    if description.is_empty() || description.chars().count() > 10_000 {
        errors.push(("input.description".into(), "give 1 to 10,000 characters".into()));
    }
    let country_id = match crate::lookup::country_id(c, "input.country", &input.country)? {
        Ok(id) => id,
        Err(ApiError::BadUserInput { field, message }) => {
            errors.push((field, message));
            0
        }
        Err(e) => return Ok(Err(e)),
    };
    let mut links = store::SignalLinks::default();
    for (field, keys) in [
        ("input.recommendations", &input.recommendations),
        ("input.mandates", &input.mandates),
        ("input.communications", &input.communications),
    ] {
        if keys.len() > 50 {
            errors.push((field.into(), "give at most 50".into()));
            continue;
        }
        for key in keys {
            let key = key.trim();
            let id = match field {
                "input.recommendations" => models::Recommendation::by_key(c, key)?.map(|r| r.id),
                "input.mandates" => models::Mandate::by_key(c, key)?.map(|m| m.id),
                _ => models::Communication::by_key(c, key)?.map(|m| m.id),
            };
            match (id, field) {
                (Some(id), "input.recommendations") => drop(links.recommendations.insert(id)),
                (Some(id), "input.mandates") => drop(links.mandates.insert(id)),
                (Some(id), _) => drop(links.communications.insert(id)),
                (None, _) => errors.push((field.into(), format!("nothing we hold has the key {key:?}"))),
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(ApiError::InvalidFields(errors)));
    }
    Ok(Ok(store::SignalFields {
        country_id,
        observed_on: input.observed_on.0,
        reported_on: input.reported_on.0,
        source_kind: input.source_kind.into(),
        source_reference,
        category: input.category.into(),
        severity: input.severity.into(),
        description,
        links,
    }))
}

/// A step's reason: 1 to 2,000 characters.
fn reason(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2_000 {
        return Err(ApiError::bad_input(field, "give the reason in 1 to 2,000 characters"));
    }
    Ok(text.to_owned())
}

/// A briefing to record.
#[derive(Debug, InputObject)]
pub struct HorizonBriefingInput {
    /// The day it is to be given.
    pub briefing_on: Date,
    /// The Council session (its number).
    pub session: Option<i32>,
    /// The region it scans.
    pub region: Option<RegionalGroupCode>,
    /// The countries it covers (ISO 3166-1 alpha-3 codes, at most 60).
    #[graphql(default)]
    pub countries: Vec<String>,
    /// Its title (1 to 300 characters).
    pub title: String,
    /// Its text in English (1 to 50,000 characters).
    pub text_en: String,
    /// Its text in Chinese, if any.
    pub text_zh: Option<String>,
    /// Where it is recorded (a document symbol or address).
    pub source: String,
}
