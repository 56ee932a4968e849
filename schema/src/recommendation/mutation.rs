//! Writes to recommendations and their implementation: the secretariat's, and a State's focal point's reports on
//! its own State's; each validated field by field, checked against the version the caller read, and audited in the
//! same transaction.

use crate::recommendation::{
    Addressee, ImplementationReport, ImplementationSource, ImplementationStatus, Recommendation, RecommendationSource,
    Response,
};
use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use crate::support::write::{changed, check_text};
use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use hrc_db::models::{self, NewImplementationReport, RecommendationChanges, WriteError as UpdateError};
use serde_json::json;

/// Longest text accepted in a recommendation or its evidence.
const MAX_TEXT: usize = 10_000;

/// Longest cluster name.
const MAX_CLUSTER: usize = 200;

/// Changes to a recommendation. An absent field is left as it is; an explicit null clears it.
#[derive(Debug, Default, InputObject)]
pub struct UpdateRecommendationInput {
    /// The State's response.
    pub response: MaybeUndefined<Response>,
    /// Flagged a priority.
    pub priority: Option<bool>,
    /// The cluster it is grouped in (at most 200 characters).
    pub cluster: MaybeUndefined<String>,
    /// English text (1 to 10,000 characters).
    pub text_en: MaybeUndefined<String>,
    /// Chinese text (1 to 10,000 characters).
    pub text_zh: MaybeUndefined<String>,
}

/// A report on a recommendation's implementation.
#[derive(Debug, InputObject)]
pub struct ImplementationReportInput {
    /// The status reported.
    pub status: ImplementationStatus,
    /// The date of the report: not in the future, not before 2006 (the Council's first year).
    pub reported_on: Date,
    /// Who reports.
    pub source_kind: ImplementationSource,
    /// The evidence (at most 10,000 characters).
    pub evidence: Option<String>,
}

/// A recommendation to create.
#[derive(Debug, InputObject)]
pub struct CreateRecommendationInput {
    /// Stable source identity: document symbol and paragraph, such as `A/HRC/52/9:98.1` (1 to 200 characters).
    pub key: String,
    /// Where it comes from.
    pub source_kind: RecommendationSource,
    /// To whom it is addressed.
    pub addressee: Addressee,
    /// The State addressed (required when the addressee is a State): ISO 3166-1 alpha-3 code.
    pub country: Option<String>,
    /// The recommending State (required for the UPR): ISO 3166-1 alpha-3 code.
    pub recommending_country: Option<String>,
    /// The mechanism that made it, by key (default `upr` for UPR recommendations).
    pub mechanism: Option<String>,
    /// The mandate that made it (required for special procedures), by key.
    pub mandate: Option<String>,
    /// The document that contains it, by symbol.
    pub report: Option<String>,
    /// Paragraph of the document (at most 50 characters).
    pub paragraph: Option<String>,
    /// UPR cycle, 1 to 4 (required for the UPR).
    pub upr_cycle: Option<i32>,
    /// The Council session it was made at.
    pub session_number: Option<i32>,
    /// The day it was made.
    pub made_on: Option<Date>,
    /// The State's response.
    pub response: Option<Response>,
    /// English text (at most 10,000 characters); English or Chinese text is required.
    pub text_en: Option<String>,
    /// Chinese text (at most 10,000 characters).
    pub text_zh: Option<String>,
    /// Flagged a priority.
    #[graphql(default)]
    pub priority: bool,
    /// The cluster it is grouped in (at most 200 characters).
    pub cluster: Option<String>,
    /// Themes, by thesaurus key.
    #[graphql(default)]
    pub themes: Vec<String>,
    /// Groups of affected persons, by thesaurus key.
    #[graphql(default)]
    pub affected_persons: Vec<String>,
    /// SDG targets, by code (such as `16.10`).
    #[graphql(default)]
    pub sdg_targets: Vec<String>,
    /// Where it comes from, for the record (1 to 2,000 characters).
    pub source: String,
}

/// Writes to recommendations and their implementation.
#[derive(Default)]
pub struct RecommendationMutation;

/// Writes to recommendations and their implementation.
#[Object]
impl RecommendationMutation {
    /// Changes a recommendation (secretariat). `expectedVersion` is the `version` you read: if another change
    /// landed since, nothing is written and the error is `CONFLICT`.
    async fn update_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation's key, such as \"A/HRC/43/37:70\".")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateRecommendationInput,
    ) -> Result<Recommendation, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateRecommendation")?;
        let mut errors = Vec::new();
        let text_en = check_text(&mut errors, "input.textEn", &input.text_en, MAX_TEXT);
        let text_zh = check_text(&mut errors, "input.textZh", &input.text_zh, MAX_TEXT);
        let cluster = check_text(&mut errors, "input.cluster", &input.cluster, MAX_CLUSTER);
        if text_en.is_null() && text_zh.is_null() {
            errors.push(("input.textEn".into(), "a recommendation keeps its text in at least one language".into()));
        }
        if expected_version < 1 {
            errors.push(("expectedVersion".into(), "versions start at 1".into()));
        }
        let changes = RecommendationChanges {
            response: changed(input.response.map_value(|r| models::Response::from(r).as_str().to_owned())),
            priority: input.priority,
            cluster: changed(cluster),
            text_en: changed(text_en),
            text_zh: changed(text_zh),
        };
        if changes.response.is_none()
            && changes.priority.is_none()
            && changes.cluster.is_none()
            && changes.text_en.is_none()
            && changes.text_zh.is_none()
        {
            errors.push(("input".into(), "give at least one field to change".into()));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let audit = hrc_db::audit::Entry {
            actor: viewer.subject.clone(),
            action: "recommendation.update",
            entity: "Recommendation",
            entity_key: key.clone(),
            detail: json!({
                "expectedVersion": expected_version,
                "response": changes.response,
                "priority": changes.priority,
                "cluster": changes.cluster,
                "textEn": changes.text_en,
                "textZh": changes.text_zh,
            })
            .to_string(),
        };
        let result =
            query(ctx, move |c| Ok(models::Recommendation::update(c, &key, expected_version, &changes, &audit)))
                .await?;
        match result {
            Ok(row) => Ok(Recommendation(row)),
            Err(UpdateError::NotFound) => Err(ApiError::NotFound("there is no recommendation with that key".into())),
            Err(UpdateError::Duplicate) => Err(ApiError::Conflict("a recommendation with that key exists".into())),
            Err(UpdateError::Stale { current }) => Err(ApiError::Conflict(format!(
                "the recommendation changed since version {expected_version}: it is now at version {current}; read it again and reapply your change"
            ))),
            Err(UpdateError::Database(diesel_error)) => {
                if let diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::CheckViolation, _) = diesel_error {
                    Err(ApiError::bad_input("input.textEn", "a recommendation keeps its text in at least one language"))
                } else {
                    Err(hrc_db::DbError::from(diesel_error).into())
                }
            }
        }
    }

    /// Creates a recommendation (secretariat), with its themes, affected persons and SDG targets. Every invalid field
    /// is named in the error; nothing is written unless all are valid.
    async fn create_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation.")] input: CreateRecommendationInput,
    ) -> Result<Recommendation, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.createRecommendation")?;
        let mut errors: Vec<(String, String)> = Vec::new();
        let key = input.key.trim().to_owned();
        if key.is_empty() || key.chars().count() > 200 {
            errors.push(("input.key".into(), "give 1 to 200 characters".into()));
        }
        let mut text = |field: &str, value: &Option<String>, max: usize| {
            let value = value.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
            if value.as_ref().is_some_and(|t| t.chars().count() > max) {
                errors.push((field.to_owned(), format!("at most {max} characters")));
            }
            value
        };
        let text_en = text("input.textEn", &input.text_en, MAX_TEXT);
        let text_zh = text("input.textZh", &input.text_zh, MAX_TEXT);
        let cluster = text("input.cluster", &input.cluster, MAX_CLUSTER);
        let paragraph = text("input.paragraph", &input.paragraph, 50);
        let source = input.source.trim().to_owned();
        if source.is_empty() || source.chars().count() > 2_000 {
            errors.push(("input.source".into(), "give 1 to 2000 characters".into()));
        }
        if text_en.is_none() && text_zh.is_none() {
            errors.push(("input.textEn".into(), "give the text in English or Chinese".into()));
        }
        let to_state = input.addressee == Addressee::State;
        if to_state != input.country.is_some() {
            errors.push(("input.country".into(), "a recommendation to a State names the State, and only then".into()));
        }
        if let Some(cycle) = input.upr_cycle.filter(|c| !(1..=4).contains(c)) {
            errors.push(("input.uprCycle".into(), format!("UPR cycles are 1 to 4, not {cycle}")));
        }
        match input.source_kind {
            RecommendationSource::Upr => {
                if input.recommending_country.is_none() {
                    errors.push((
                        "input.recommendingCountry".into(),
                        "a UPR recommendation names the recommending State".into(),
                    ));
                }
                if input.upr_cycle.is_none() {
                    errors.push(("input.uprCycle".into(), "a UPR recommendation names its cycle".into()));
                }
                if !to_state {
                    errors.push((
                        "input.addressee".into(),
                        "a UPR recommendation is addressed to the State under review".into(),
                    ));
                }
            }
            RecommendationSource::SpecialProcedure if input.mandate.is_none() => {
                errors.push(("input.mandate".into(), "a special-procedure recommendation names its mandate".into()));
            }
            _ => {}
        }
        if input.themes.len() + input.affected_persons.len() + input.sdg_targets.len() > 100 {
            errors.push(("input".into(), "at most 100 themes, affected persons and SDG targets together".into()));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let source_kind = models::RecommendationSource::from(input.source_kind);
        let audit = hrc_db::audit::Entry {
            actor: viewer.subject.clone(),
            action: "recommendation.create",
            entity: "Recommendation",
            entity_key: key.clone(),
            detail: json!({ "sourceKind": source_kind.as_str(), "country": input.country, "report": input.report })
                .to_string(),
        };
        let result = query(ctx, move |c| {
            // Every name is looked up, and every one that names nothing is reported together.
            let mut errors: Vec<(String, String)> = Vec::new();
            let mut country = |field: &str,
                               code: &Option<String>,
                               errors: &mut Vec<(String, String)>|
             -> hrc_db::QueryResult<Option<i64>> {
                let Some(code) = code else { return Ok(None) };
                Ok(match crate::lookup::country_id(c, field, code)? {
                    Ok(id) => Some(id),
                    Err(e) => {
                        errors.push((field.to_owned(), e.message().to_owned()));
                        None
                    }
                })
            };
            let country_id = country("input.country", &input.country, &mut errors)?;
            let recommending = country("input.recommendingCountry", &input.recommending_country, &mut errors)?;
            let mechanism_key =
                input.mechanism.clone().or((input.source_kind == RecommendationSource::Upr).then(|| "upr".to_owned()));
            let mechanism = match &mechanism_key {
                Some(k) => {
                    let found = models::Mechanism::by_key(c, k.trim())?.map(|m| m.id);
                    if found.is_none() {
                        errors.push(("input.mechanism".into(), format!("there is no mechanism {k:?}")));
                    }
                    found
                }
                None => None,
            };
            let mandate = match &input.mandate {
                Some(k) => {
                    let found = models::Mandate::by_key(c, k.trim())?.map(|m| m.id);
                    if found.is_none() {
                        errors.push(("input.mandate".into(), format!("there is no mandate {k:?}")));
                    }
                    found
                }
                None => None,
            };
            let report = match &input.report {
                Some(symbol) => {
                    let found = models::Report::by_symbol(c, symbol.trim())?.map(|r| r.id);
                    if found.is_none() {
                        errors.push(("input.report".into(), format!("there is no report {symbol:?}")));
                    }
                    found
                }
                None => None,
            };
            let session = match input.session_number {
                Some(n) => {
                    let found = models::Session::by_number(c, models::SessionBody::Hrc, n)?.map(|s| s.id);
                    if found.is_none() {
                        errors.push(("input.sessionNumber".into(), format!("there is no Council session {n}")));
                    }
                    found
                }
                None => None,
            };
            let mut term_ids = Vec::new();
            for (field, keys, facet) in [
                ("input.themes", &input.themes, models::TermFacet::Theme),
                ("input.affectedPersons", &input.affected_persons, models::TermFacet::AffectedPersons),
            ] {
                for k in keys {
                    match models::ThesaurusTerm::by_key(c, k.trim())? {
                        Some(t) if t.facet() == facet => term_ids.push(t.id),
                        Some(_) => {
                            errors.push((field.into(), format!("{k:?} belongs to the other facet of the thesaurus")))
                        }
                        None => errors.push((field.into(), format!("there is no thesaurus term {k:?}"))),
                    }
                }
            }
            let mut target_ids = Vec::new();
            for code in &input.sdg_targets {
                match models::SdgTarget::by_code(c, code.trim())? {
                    Some(t) => target_ids.push(t.id),
                    None => errors.push(("input.sdgTargets".into(), format!("there is no SDG target {code:?}"))),
                }
            }
            term_ids.sort_unstable();
            term_ids.dedup();
            target_ids.sort_unstable();
            target_ids.dedup();
            if !errors.is_empty() {
                return Ok(Err(ApiError::InvalidFields(errors)));
            }
            let new = models::NewRecommendation {
                key,
                source_kind: source_kind.as_str().to_owned(),
                mechanism_id: mechanism,
                mandate_id: mandate,
                report_id: report,
                paragraph,
                addressee: models::Addressee::from(input.addressee).as_str().to_owned(),
                country_id,
                recommending_country_id: recommending,
                upr_cycle: input.upr_cycle,
                session_id: session,
                response: input.response.map(|r| models::Response::from(r).as_str().to_owned()),
                text_en,
                text_zh,
                priority: input.priority,
                cluster,
                fictional: false,
                source,
                made_on: input.made_on.map(|d| d.0),
            };
            Ok(Ok(models::Recommendation::create(c, &new, &term_ids, &target_ids, &audit)))
        })
        .await??;
        result.map(Recommendation).map_err(|e| match e {
            UpdateError::Duplicate => ApiError::Conflict("a recommendation with that key already exists".into()),
            UpdateError::NotFound => ApiError::Internal,
            UpdateError::Stale { .. } => ApiError::Internal,
            UpdateError::Database(e) => hrc_db::DbError::from(e).into(),
        })
    }

    /// Appends a report on a recommendation's implementation (secretariat, or the focal point of the State it is
    /// addressed to). Reports are never changed afterwards: a correction is a later report.
    async fn add_implementation_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation's key.")] recommendation_key: String,
        #[graphql(desc = "The report.")] input: ImplementationReportInput,
    ) -> Result<ImplementationReport, ApiError> {
        let (viewer, scope) = crate::support::access::guard_caller_scope(ctx, "Mutation.addImplementationReport")?;
        let viewer = viewer.clone();
        let today = chrono::Utc::now().date_naive();
        let mut errors = Vec::new();
        if input.reported_on.0 > today {
            errors.push(("input.reportedOn".to_owned(), "a report cannot be dated in the future".to_owned()));
        }
        if input.reported_on.0 < chrono::NaiveDate::from_ymd_opt(2006, 1, 1).unwrap_or_default() {
            errors.push(("input.reportedOn".to_owned(), "a report cannot be dated before 2006".to_owned()));
        }
        let evidence = input.evidence.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        if evidence.as_ref().is_some_and(|e| e.chars().count() > MAX_TEXT) {
            errors.push(("input.evidence".to_owned(), format!("at most {MAX_TEXT} characters")));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let status = models::ImplementationStatus::from(input.status);
        let source_kind = models::ImplementationSource::from(input.source_kind);
        let reported_on = input.reported_on.0;
        let outcome = query(ctx, move |c| {
            let Some(recommendation) = models::Recommendation::by_key(c, &recommendation_key)? else {
                return Ok(Err(ApiError::NotFound("there is no recommendation with that key".into())));
            };
            // Where the table gives less than every row, the caller reports on its own State's recommendations only.
            if !scope.is_all() {
                let own = match recommendation.country_id {
                    Some(id) => models::Country::by_ids(c, &[id])?.into_iter().next().map(|c| c.iso3),
                    None => None,
                };
                if own.is_none() || own != viewer.country {
                    return Ok(Err(ApiError::Forbidden));
                }
            }
            let now = chrono::Utc::now().naive_utc();
            let report = NewImplementationReport {
                recommendation_id: recommendation.id,
                status: status.as_str().to_owned(),
                reported_on,
                source_kind: source_kind.as_str().to_owned(),
                evidence: evidence.clone(),
                fictional: recommendation.fictional,
                created_at: now,
            };
            let audit = hrc_db::audit::Entry {
                actor: viewer.subject.clone(),
                action: "implementation_report.add",
                entity: "Recommendation",
                entity_key: recommendation.key.clone(),
                detail: json!({ "status": status.as_str(), "reportedOn": reported_on.to_string(), "sourceKind": source_kind.as_str() })
                    .to_string(),
            };
            Ok(Ok(models::ImplementationReport::append(c, &report, &audit)?))
        })
        .await??;
        Ok(ImplementationReport(outcome))
    }
}
