//! The root mutation type: writes for the secretariat (and, for implementation reports, a State's focal point), each
//! validated field by field, checked against the version the caller read, and audited in the same transaction.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use hrc_db::models::{self, NewImplementationReport, RecommendationChanges, UpdateError};
use serde_json::json;

use crate::auth::{require, Role};
use crate::error::ApiError;
use crate::scalars::Date;
use crate::types::query;
use crate::types::recommendation::{
    ImplementationReport, ImplementationSource, ImplementationStatus, Recommendation, Response,
};

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

/// Checks an optional text field, recording what is wrong with it.
fn check_text(
    errors: &mut Vec<(String, String)>,
    field: &str,
    value: &MaybeUndefined<String>,
    max: usize,
) -> MaybeUndefined<String> {
    match value {
        MaybeUndefined::Value(text) => {
            let trimmed = text.trim();
            let length = trimmed.chars().count();
            if length == 0 || length > max {
                errors.push((field.to_owned(), format!("give 1 to {max} characters, or null to clear it")));
            }
            MaybeUndefined::Value(trimmed.to_owned())
        }
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
    }
}

fn changed<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// Entry points for writing.
pub struct MutationRoot;

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Changes a recommendation (secretariat). `expectedVersion` is the `version` you read: if another change
    /// landed since, nothing is written and the error is `CONFLICT`.
    async fn update_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation's key, such as \"A/HRC/43/37:70\".")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateRecommendationInput,
    ) -> Result<Recommendation, ApiError> {
        let viewer = require(ctx, &[Role::Secretariat])?;
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

    /// Appends a report on a recommendation's implementation (secretariat, or the focal point of the State it is
    /// addressed to). Reports are never changed afterwards: a correction is a later report.
    async fn add_implementation_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation's key.")] recommendation_key: String,
        #[graphql(desc = "The report.")] input: ImplementationReportInput,
    ) -> Result<ImplementationReport, ApiError> {
        let viewer = require(ctx, &[Role::Secretariat, Role::StateFocalPoint])?.clone();
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
            // A focal point reports only on recommendations addressed to its own State.
            if !viewer.has(Role::Secretariat) {
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
