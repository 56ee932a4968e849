//! The complaint procedure's writes, each audited in the confidential store.

use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use async_graphql::{Context, Object, ID};
use hrc_db::confidential::{self as store};
use hrc_db::models::{self, WriteError};

use super::{
    for_complaint_secretariat, for_complaint_staff, iso, reference_of, run, ComplaintCommunication,
    ComplaintCommunicationStatus, ComplaintCouncilDecisionKind, ComplaintPublicExamination, ComplaintSituation,
    PublishComplaintExaminationInput, RegisterComplaintCommunicationInput,
};

/// The confidential writes (in the complaint schema only).
#[derive(Default)]
pub struct ComplaintMutation;

/// The confidential writes.
#[Object]
impl ComplaintMutation {
    /// Registers a received communication with its author: the complaint procedure's secretariat.
    #[graphql(visible = "for_complaint_secretariat")]
    async fn register_complaint_communication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The communication and its author.")] input: RegisterComplaintCommunicationInput,
    ) -> Result<ComplaintCommunication, ApiError> {
        guard_caller(ctx, "Mutation.registerComplaintCommunication")?;
        let mut errors = Vec::new();
        let mut text = |field: &str, value: &str, min: usize, max: usize| {
            let value = value.trim().to_owned();
            let n = value.chars().count();
            if n < min || n > max {
                errors.push((field.to_owned(), format!("give {min} to {max} characters")));
            }
            value
        };
        let author_name = text("input.authorName", &input.author_name, 1, 300);
        let author_contact = text("input.authorContact", &input.author_contact, 0, 300);
        let summary = text("input.summary", &input.summary, 1, 10_000);
        let mut rights = Vec::new();
        for right in &input.rights_alleged {
            rights.push(text("input.rightsAlleged", right, 1, 200));
        }
        if rights.is_empty() || rights.len() > 20 {
            errors.push(("input.rightsAlleged".into(), "give 1 to 20 rights".into()));
        }
        if rights.iter().any(|r| r.contains('\n')) {
            errors.push(("input.rightsAlleged".into(), "a right is one line".into()));
        }
        let today = chrono::Utc::now().date_naive();
        let first = chrono::NaiveDate::from_ymd_opt(2006, 1, 1).unwrap_or_default();
        if input.received_on.0 > today || input.received_on.0 < first {
            errors.push(("input.receivedOn".into(), "give a day from 2006 to today".into()));
        }
        let country = match iso("input.country", &input.country) {
            Ok(code) => Some(code),
            Err(ApiError::BadUserInput { field, message }) => {
                errors.push((field, message));
                None
            }
            Err(e) => return Err(e),
        };
        if let Some(code) = &country {
            let lookup = code.clone();
            let known = query(ctx, move |c| models::Country::by_iso3(c, &lookup)).await?.is_some();
            if !known {
                errors.push(("input.country".into(), format!("no country has the code {code:?}")));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let new = store::NewCommunication {
            received_on: input.received_on.0,
            author_kind: input.author_kind.into(),
            author_name,
            author_contact,
            country_iso3: country.unwrap_or_default(),
            rights_alleged: rights,
            summary,
            fictional: input.fictional,
        };
        let row = run(ctx, "Mutation.registerComplaintCommunication", "communication", None, move |c, audit, _| {
            store::register_communication(c, audit, &new)
        })
        .await?;
        Ok(ComplaintCommunication(row))
    }

    /// Moves a communication along the procedure. Referred to the Working Group on Situations, it joins its State's
    /// situation (opened if there is none); referred to the Council, its situation is referred too.
    #[graphql(visible = "for_complaint_staff")]
    async fn move_complaint_communication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The communication.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The status to move to.")] to: ComplaintCommunicationStatus,
        #[graphql(desc = "Why (up to 2,000 characters).", default)] note: String,
    ) -> Result<ComplaintCommunication, ApiError> {
        guard_caller(ctx, "Mutation.moveComplaintCommunication")?;
        let note = note.trim().to_owned();
        if note.chars().count() > 2_000 {
            return Err(ApiError::bad_input("note", "give at most 2,000 characters"));
        }
        let reference = reference_of("id", &id, "ComplaintCommunication")?.unwrap_or_default();
        let row = run(
            ctx,
            "Mutation.moveComplaintCommunication",
            "communication",
            Some(expected_version),
            move |c, audit, _| store::move_communication(c, audit, &reference, expected_version, to.into(), &note),
        )
        .await?;
        Ok(ComplaintCommunication(row))
    }

    /// Sets the Working Group on Situations' summary of a situation.
    #[graphql(visible = "for_complaint_staff")]
    async fn summarise_complaint_situation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The situation.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The summary (1 to 10,000 characters).")] summary: String,
    ) -> Result<ComplaintSituation, ApiError> {
        guard_caller(ctx, "Mutation.summariseComplaintSituation")?;
        let summary = summary.trim().to_owned();
        if summary.is_empty() || summary.chars().count() > 10_000 {
            return Err(ApiError::bad_input("summary", "give 1 to 10,000 characters"));
        }
        let reference = reference_of("id", &id, "ComplaintSituation")?.unwrap_or_default();
        let row = run(
            ctx,
            "Mutation.summariseComplaintSituation",
            "situation",
            Some(expected_version),
            move |c, audit, _| store::summarise_situation(c, audit, &reference, expected_version, &summary),
        )
        .await?;
        Ok(ComplaintSituation(row))
    }

    /// Records the Council's decision on a situation referred to it: the complaint procedure's secretariat.
    #[graphql(visible = "for_complaint_secretariat")]
    #[allow(clippy::too_many_arguments)]
    async fn record_complaint_council_decision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The situation.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "What the Council decided.")] decision: ComplaintCouncilDecisionKind,
        #[graphql(desc = "The day it decided.")] decided_on: Date,
        #[graphql(desc = "The Council session.")] session_number: Option<i32>,
        #[graphql(desc = "A note (up to 2,000 characters).", default)] note: String,
    ) -> Result<ComplaintSituation, ApiError> {
        guard_caller(ctx, "Mutation.recordComplaintCouncilDecision")?;
        let note = note.trim().to_owned();
        let mut errors = Vec::new();
        if note.chars().count() > 2_000 {
            errors.push(("note".to_owned(), "give at most 2,000 characters".to_owned()));
        }
        if session_number.is_some_and(|n| !(1..=200).contains(&n)) {
            errors.push(("sessionNumber".to_owned(), "give a session number from 1 to 200".to_owned()));
        }
        if decided_on.0 > chrono::Utc::now().date_naive() {
            errors.push(("decidedOn".to_owned(), "the decision cannot be in the future".to_owned()));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let reference = reference_of("id", &id, "ComplaintSituation")?.unwrap_or_default();
        let row = run(
            ctx,
            "Mutation.recordComplaintCouncilDecision",
            "situation",
            Some(expected_version),
            move |c, audit, _| {
                store::record_council_decision(
                    c,
                    audit,
                    &reference,
                    store::DecisionInput {
                        expected: expected_version,
                        decision: decision.into(),
                        decided_on: decided_on.0,
                        session_number,
                        note: &note,
                    },
                )
            },
        )
        .await?;
        Ok(ComplaintSituation(row))
    }

    /// Publishes that the Council examined a State's situation under the procedure, as its President announced in
    /// public: the complaint procedure's secretariat. It writes the public record only; nothing links it to the
    /// confidential store.
    #[graphql(visible = "for_complaint_secretariat")]
    async fn publish_complaint_examination(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The examination, as announced.")] input: PublishComplaintExaminationInput,
    ) -> Result<ComplaintPublicExamination, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.publishComplaintExamination")?;
        let mut errors = Vec::new();
        let code = match iso("input.country", &input.country) {
            Ok(code) => code,
            Err(ApiError::BadUserInput { field, message }) => {
                errors.push((field, message));
                String::new()
            }
            Err(e) => return Err(e),
        };
        if !(1..=200).contains(&input.session_number) {
            errors.push(("input.sessionNumber".into(), "give a session number from 1 to 200".into()));
        }
        let first = chrono::NaiveDate::from_ymd_opt(2007, 1, 1).unwrap_or_default();
        if input.announced_on.0 > chrono::Utc::now().date_naive() || input.announced_on.0 < first {
            errors.push(("input.announcedOn".into(), "give a day from 2007 to today".into()));
        }
        let source = input.source.trim().to_owned();
        if source.is_empty() || source.chars().count() > 2_000 {
            errors.push(("input.source".into(), "give 1 to 2,000 characters".into()));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidFields(errors));
        }
        let actor = viewer.subject.clone();
        let outcome = input.public_outcome.map(|o| o.as_str().to_owned());
        let (session_number, announced_on) = (input.session_number, input.announced_on.0);
        let written = query(ctx, move |c| {
            let Some(country) = models::Country::by_iso3(c, &code)? else {
                return Ok(Err(ApiError::bad_input("input.country", format!("no country has the code {code:?}"))));
            };
            let key = format!("{code}:{session_number}");
            let new = models::NewPublicExamination {
                key: key.clone(),
                country_id: country.id,
                session_number,
                announced_on,
                public_outcome: outcome,
                fictional: false,
                source,
            };
            let audit = hrc_db::audit::Entry {
                actor,
                action: "complaint_examination.publish",
                entity: "ComplaintPublicExamination",
                entity_key: key,
                detail: "{}".into(),
            };
            Ok(match models::PublicExamination::publish(c, &new, &audit) {
                Ok(row) => Ok(row),
                Err(WriteError::Duplicate) => {
                    Err(ApiError::Conflict("this State's examination at that session is already published".into()))
                }
                Err(WriteError::Database(e)) => return Err(e),
                Err(_) => Err(ApiError::Internal),
            })
        })
        .await??;
        Ok(ComplaintPublicExamination(written))
    }
}
