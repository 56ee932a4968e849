//! `earlyWarningSignalEvents`: early-warning signals' changes, live, as the caller may see them.

use crate::events::{tokio_stream_of, Event, Events, SignalChange, SignalEvent};
use crate::loaders::CountryId;
use crate::reference::Country;
use crate::support::access::{guard_caller_scope, Rows};
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::scalars::DateTime;
use async_graphql::{Context, Subscription};
use futures_util::stream::{Stream, StreamExt};

/// A change of an early-warning signal, as a subscriber sees it.
pub struct EarlyWarningSignalChange(SignalEvent);

/// A change of an early-warning signal: which signal, where, its status, category and severity after the change.
#[async_graphql::Object]
impl EarlyWarningSignalChange {
    /// The signal's ID (read it with `earlyWarningSignal(id:)`).
    async fn signal_id(&self) -> async_graphql::ID {
        crate::support::ids::encode("EarlyWarningSignal", &self.0.key)
    }

    /// The signal's reference.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The country it concerns.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// Its status after the change.
    async fn status(&self) -> crate::early_warning::SignalStatus {
        hrc_db::models::early_warning::SignalStatus::from_db(&self.0.status).into()
    }

    /// Its category.
    async fn category(&self) -> crate::early_warning::SignalCategory {
        hrc_db::models::early_warning::SignalCategory::from_db(&self.0.category).into()
    }

    /// Its severity.
    async fn severity(&self) -> crate::early_warning::Severity {
        hrc_db::models::early_warning::Severity::from_db(&self.0.severity).into()
    }

    /// What happened.
    async fn change(&self) -> SignalChange {
        self.0.change
    }

    /// When.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
}

/// The early-warning signals' live events.
#[derive(Default)]
pub struct EarlyWarningSubscription;

/// The early-warning signals' live events.
#[Subscription]
impl EarlyWarningSubscription {
    /// Changes of early-warning signals, for analysts' dashboards: the secretariat every signal's; the Council's
    /// Bureau only those of verified signals. Each names the signal, its country, status, category and severity,
    /// never its source. Over WebSocket (`graphql-transport-ws`).
    async fn early_warning_signal_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this country's signals (ISO 3166-1 alpha-3 code).")] country: Option<String>,
    ) -> Result<impl Stream<Item = EarlyWarningSignalChange>, ApiError> {
        let scope = guard_caller_scope(ctx, "Subscription.earlyWarningSignalEvents")?.1;
        let events = ctx.data::<Events>().map_err(|_| ApiError::Internal)?;
        let (all, verified_ones) = (scope.is_all(), scope.includes(Rows::Verified));
        let country_id = match country {
            None => None,
            Some(code) => Some(
                crate::support::database::query(ctx, move |c| crate::lookup::country_id(c, "country", &code)).await??,
            ),
        };
        let receiver = events.subscribe();
        let verified = hrc_db::models::early_warning::SignalStatus::Verified.as_str();
        let stream = tokio_stream_of(receiver).filter_map(move |event| {
            let Event::EarlyWarning(event) = event else { return std::future::ready(None) };
            let visible = all || (verified_ones && event.status == verified);
            let wanted = country_id.is_none_or(|id| id == event.country_id);
            std::future::ready((visible && wanted).then_some(EarlyWarningSignalChange(event)))
        });
        Ok(stream)
    }
}
