//! Early warning's writes: signals and their workflow, briefings.

use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::{workflow_error, ApiError};
use crate::support::scalars::Date;
use async_graphql::{Context, Object, ID};
use hrc_db::models::early_warning::{self as store, Briefing as BriefingRow, Signal as Row};

use super::{
    audit, briefing_key, publish, reason, signal_error, signal_fields, signal_key, EarlyWarningSignal,
    EarlyWarningSignalInput, HorizonBriefing, HorizonBriefingInput, SignalStatus,
};

/// Early warning's writes: the secretariat's.
#[derive(Default)]
pub struct EarlyWarningMutation;

#[Object]
impl EarlyWarningMutation {
    /// Records an early-warning signal as `REPORTED` (the secretariat).
    async fn report_early_warning_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signal.")] input: EarlyWarningSignalInput,
        #[graphql(desc = "A note for the first step of its history (up to 2,000 characters).", default)] note: String,
    ) -> Result<EarlyWarningSignal, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.reportEarlyWarningSignal")?.clone();
        if note.chars().count() > 2_000 {
            return Err(ApiError::bad_input("note", "give at most 2,000 characters"));
        }
        let row = query(ctx, move |c| {
            let fields = match signal_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "early_warning_signal.report", "EarlyWarningSignal", "", "{}");
            Ok(Row::report(c, &fields, false, &viewer.subject, note.trim(), &entry).map_err(signal_error))
        })
        .await??;
        publish(ctx, &row, crate::events::SignalChange::Reported).await;
        Ok(EarlyWarningSignal(row))
    }

    /// Corrects a signal's content (the secretariat); its verification stays where it is.
    async fn update_early_warning_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signal.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The signal's content, whole.")] input: EarlyWarningSignalInput,
    ) -> Result<EarlyWarningSignal, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateEarlyWarningSignal")?.clone();
        let key = signal_key("id", &id)?;
        let row = query(ctx, move |c| {
            let fields = match signal_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "early_warning_signal.update", "EarlyWarningSignal", &key, "{}");
            Ok(Row::update(c, &key, expected_version, &fields, &entry).map_err(signal_error))
        })
        .await??;
        publish(ctx, &row, crate::events::SignalChange::Updated).await;
        Ok(EarlyWarningSignal(row))
    }

    /// Moves a signal along its verification (the secretariat), with the reason: `REPORTED → UNDER_VERIFICATION →
    /// VERIFIED | DISMISSED`.
    async fn move_early_warning_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signal.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "Where to.")] to: SignalStatus,
        #[graphql(desc = "Why (1 to 2,000 characters).")] reason: String,
    ) -> Result<EarlyWarningSignal, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.moveEarlyWarningSignal")?.clone();
        let key = signal_key("id", &id)?;
        let why = self::reason("reason", &reason)?;
        let to: store::SignalStatus = to.into();
        let detail = serde_json::json!({ "to": to.as_str() }).to_string();
        let entry = audit(&viewer, "early_warning_signal.move", "EarlyWarningSignal", &key, &detail);
        let row = query(ctx, move |c| {
            Ok(Row::transition(c, &key, expected_version, to, &viewer.subject, &why, &entry).map_err(signal_error))
        })
        .await??;
        publish(ctx, &row, crate::events::SignalChange::StatusChanged).await;
        Ok(EarlyWarningSignal(row))
    }

    /// Records a scheduled regional horizon-scanning briefing (the secretariat); it is public once delivered.
    async fn record_horizon_briefing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The briefing.")] input: HorizonBriefingInput,
    ) -> Result<HorizonBriefing, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordHorizonBriefing")?.clone();
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut text = |field: &str, value: &str, max: usize| {
            let t = value.trim().to_owned();
            if t.is_empty() || t.chars().count() > max {
                errors.push((field.to_owned(), format!("give 1 to {max} characters")));
            }
            t
        };
        let title = text("input.title", &input.title, 300);
        let text_en = text("input.textEn", &input.text_en, 50_000);
        let source = text("input.source", &input.source, 500);
        let text_zh = input.text_zh.as_deref().map(|t| text("input.textZh", t, 50_000));
        if input.countries.len() > 60 {
            errors.push(("input.countries".into(), "give at most 60".into()));
        }
        let row = query(ctx, move |c| {
            let mut country_ids = std::collections::BTreeSet::new();
            for code in &input.countries {
                match crate::lookup::country_id(c, "input.countries", code)? {
                    Ok(id) => drop(country_ids.insert(id)),
                    Err(ApiError::BadUserInput { field, message }) => errors.push((field, message)),
                    Err(e) => return Ok(Err(e)),
                }
            }
            let session_id = match crate::lookup::session_id(c, "input.session", input.session)? {
                Ok(id) => id,
                Err(ApiError::BadUserInput { field, message }) => {
                    errors.push((field, message));
                    None
                }
                Err(e) => return Ok(Err(e)),
            };
            if !errors.is_empty() {
                return Ok(Err(ApiError::InvalidFields(errors)));
            }
            let new = store::NewBriefing {
                briefing_on: input.briefing_on.0,
                session_id,
                regional_group_id: crate::lookup::regional_group_id(c, input.region)?,
                country_ids,
                title,
                text_en,
                text_zh,
                source,
                fictional: false,
            };
            let entry = audit(&viewer, "horizon_briefing.record", "HorizonBriefing", "", "{}");
            Ok(BriefingRow::record(c, &new, &entry).map_err(|e| workflow_error("briefing", e)))
        })
        .await??;
        Ok(HorizonBriefing(row))
    }

    /// Marks a scheduled briefing delivered on a day (the secretariat): it becomes public.
    async fn deliver_horizon_briefing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The briefing.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The day it was given.")] delivered_on: Date,
    ) -> Result<HorizonBriefing, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.deliverHorizonBriefing")?.clone();
        let key = briefing_key("id", &id)?;
        let entry = audit(&viewer, "horizon_briefing.deliver", "HorizonBriefing", &key, "{}");
        let row = query(ctx, move |c| {
            Ok(BriefingRow::deliver(c, &key, expected_version, delivered_on.0, &entry)
                .map_err(|e| workflow_error("briefing", e)))
        })
        .await??;
        Ok(HorizonBriefing(row))
    }
}
