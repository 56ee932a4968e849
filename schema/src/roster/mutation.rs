//! The roster's writes, the secretariat's.

use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use async_graphql::{Context, Object, ID};
use hrc_db::models::roster::{self as store, Expert as Row};
use hrc_db::models::{self};

use super::{audit, expert_error, expert_fields, expert_key, RosterDeploymentInput, RosterExpert, RosterExpertInput};

/// The roster's writes: the secretariat's.
#[derive(Default)]
pub struct RosterMutation;

#[Object]
impl RosterMutation {
    /// Adds an expert to the roster (the secretariat).
    async fn add_roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] input: RosterExpertInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.addRosterExpert")?.clone();
        let row = query(ctx, move |c| {
            let fields = match expert_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Row::add(c, &fields, false, &audit(&viewer, "roster_expert.add", "")).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }

    /// Rewrites an expert's record (the secretariat).
    async fn update_roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The record, whole.")] input: RosterExpertInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateRosterExpert")?.clone();
        let key = expert_key("id", &id)?;
        let row = query(ctx, move |c| {
            let fields = match expert_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "roster_expert.update", &key);
            Ok(Row::update(c, &key, expected_version, &fields, &entry).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }

    /// Records a deployment of an expert (the secretariat); one overlapping another of the expert's is refused.
    async fn record_roster_deployment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] id: ID,
        #[graphql(desc = "The deployment.")] input: RosterDeploymentInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordRosterDeployment")?.clone();
        let key = expert_key("id", &id)?;
        let role = input.role.trim().to_owned();
        if role.is_empty() || role.chars().count() > 300 {
            return Err(ApiError::bad_input("input.role", "give 1 to 300 characters"));
        }
        if input.ends_on.is_some_and(|d| d.0 < input.starts_on.0) {
            return Err(ApiError::bad_input("input.endsOn", "it ends before it starts"));
        }
        let row = query(ctx, move |c| {
            let country_id = match input.country.as_deref() {
                None => None,
                Some(code) => match crate::lookup::country_id(c, "input.country", code)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let mechanism_id = match input.mechanism.as_deref() {
                None => None,
                Some(k) => match models::Mechanism::by_key(c, k.trim())? {
                    Some(m) => Some(m.id),
                    None => {
                        return Ok(Err(ApiError::bad_input(
                            "input.mechanism",
                            format!("no mechanism has the key {k:?}"),
                        )))
                    }
                },
            };
            let new = store::NewDeployment {
                country_id,
                mechanism_id,
                role,
                starts_on: input.starts_on.0,
                ends_on: input.ends_on.map(|d| d.0),
            };
            let entry = audit(&viewer, "roster_expert.deploy", &key);
            Ok(Row::deploy(c, &key, &new, &viewer.subject, &entry).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }
}
