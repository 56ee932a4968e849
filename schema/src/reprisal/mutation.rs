//! Reprisal cases' writes, the reprisals officer's: cases, consent, publication, follow-ups.

use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use async_graphql::{Context, Object, ID};
use hrc_db::models::reprisal::{self as store, Case as Row};

use super::{audit, case_error, case_fields, case_key, ConsentScope, ReprisalCase, ReprisalCaseInput};

/// Reprisal cases' writes: the reprisals officer's.
#[derive(Default)]
pub struct ReprisalMutation;

#[Object]
impl ReprisalMutation {
    /// Records a case (the reprisals officer). It is not public until the person consents and it is published.
    async fn record_reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] input: ReprisalCaseInput,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordReprisalCase")?.clone();
        let row = query(ctx, move |c| {
            let fields = match case_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "reprisal_case.record", "", serde_json::json!({}));
            Ok(Row::record(c, &fields, false, &entry).map_err(case_error))
        })
        .await??;
        Ok(ReprisalCase(row))
    }

    /// Rewrites a case's content (the reprisals officer).
    async fn update_reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The case's content, whole.")] input: ReprisalCaseInput,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateReprisalCase")?.clone();
        let key = case_key("id", &id)?;
        let row = query(ctx, move |c| {
            let fields = match case_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "reprisal_case.update", &key, serde_json::json!({}));
            Ok(Row::update(c, &key, expected_version, &fields, &entry).map_err(case_error))
        })
        .await??;
        Ok(ReprisalCase(row))
    }

    /// Records the person's consent (the reprisals officer): to publish the case, or the name with it.
    async fn record_reprisal_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "What the person consented to.")] scope: ConsentScope,
        #[graphql(desc = "The day consent was given.")] given_on: Date,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordReprisalConsent")?.clone();
        let key = case_key("id", &id)?;
        if given_on.0 > chrono::Utc::now().date_naive() {
            return Err(ApiError::bad_input("givenOn", "a date in the future"));
        }
        let scope: store::ConsentScope = scope.into();
        let entry = audit(&viewer, "reprisal_case.consent", &key, serde_json::json!({ "scope": scope.as_str() }));
        let row = query(ctx, move |c| {
            Ok(Row::record_consent(c, &key, scope, given_on.0, &viewer.subject, &entry).map_err(case_error))
        })
        .await??;
        Ok(ReprisalCase(row))
    }

    /// Records that the person withdrew consent (the reprisals officer). Withdrawing consent to publish the case
    /// unpublishes it at once, from every path; withdrawing consent to publish the name hides the name at once.
    async fn withdraw_reprisal_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "The consent withdrawn.")] scope: ConsentScope,
        #[graphql(desc = "The day it was withdrawn.")] withdrawn_on: Date,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.withdrawReprisalConsent")?.clone();
        let key = case_key("id", &id)?;
        let scope: store::ConsentScope = scope.into();
        let entry =
            audit(&viewer, "reprisal_case.withdraw_consent", &key, serde_json::json!({ "scope": scope.as_str() }));
        let row =
            query(ctx, move |c| Ok(Row::withdraw_consent(c, &key, scope, withdrawn_on.0, &entry).map_err(case_error)))
                .await??;
        Ok(ReprisalCase(row))
    }

    /// Publishes a case, anonymised (the reprisals officer): only with the person's standing consent.
    async fn publish_reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.publishReprisalCase")?.clone();
        let key = case_key("id", &id)?;
        let entry = audit(&viewer, "reprisal_case.publish", &key, serde_json::json!({}));
        let today = chrono::Utc::now().date_naive();
        let row = query(ctx, move |c| {
            Ok(Row::set_published(c, &key, expected_version, Some(today), &entry).map_err(case_error))
        })
        .await??;
        Ok(ReprisalCase(row))
    }

    /// Takes a case out of publication (the reprisals officer).
    async fn unpublish_reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.unpublishReprisalCase")?.clone();
        let key = case_key("id", &id)?;
        let entry = audit(&viewer, "reprisal_case.unpublish", &key, serde_json::json!({}));
        let row =
            query(ctx, move |c| Ok(Row::set_published(c, &key, expected_version, None, &entry).map_err(case_error)))
                .await??;
        Ok(ReprisalCase(row))
    }

    /// Appends a follow-up action to a case (the reprisals officer).
    async fn add_reprisal_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] id: ID,
        #[graphql(desc = "The day it was taken.")] taken_on: Date,
        #[graphql(desc = "What was done (1 to 5,000 characters).")] action: String,
    ) -> Result<ReprisalCase, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.addReprisalFollowUp")?.clone();
        let key = case_key("id", &id)?;
        let action = action.trim().to_owned();
        if action.is_empty() || action.chars().count() > 5_000 {
            return Err(ApiError::bad_input("action", "give 1 to 5,000 characters"));
        }
        let entry = audit(&viewer, "reprisal_case.follow_up", &key, serde_json::json!({}));
        let row = query(ctx, move |c| {
            Ok(Row::add_follow_up(c, &key, taken_on.0, &action, &viewer.subject, &entry).map_err(case_error))
        })
        .await??;
        Ok(ReprisalCase(row))
    }
}
