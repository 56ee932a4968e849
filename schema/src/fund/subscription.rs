//! `fundRequestEvents`: the fund pipeline's changes, live, as the caller may see them.

use crate::events::{tokio_stream_of, Event, Events, FundChange, FundEvent};
use crate::loaders::CountryId;
use crate::reference::Country;
use crate::support::access::{guard_caller_scope, Rows};
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::scalars::DateTime;
use async_graphql::{Context, Subscription};
use futures_util::stream::{Stream, StreamExt};

/// A change in the fund pipeline, as a subscriber sees it.
pub struct FundRequestChange(FundEvent);

/// A change in the fund pipeline.
#[async_graphql::Object]
impl FundRequestChange {
    /// The request's ID (read it with `fundRequest(id:)`).
    async fn request_id(&self) -> async_graphql::ID {
        crate::support::ids::encode("FundRequest", &self.0.key)
    }

    /// The request's reference.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The fund (its key).
    async fn fund(&self) -> &str {
        &self.0.fund_key
    }

    /// The requesting State.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// Its status after the change.
    async fn status(&self) -> crate::fund::FundRequestStatus {
        hrc_db::models::fund::RequestStatus::from_db(&self.0.status).into()
    }

    /// What happened.
    async fn change(&self) -> FundChange {
        self.0.change
    }

    /// When.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
}

/// The fund's live events.
#[derive(Default)]
pub struct FundSubscription;

/// The fund's live events.
#[Subscription]
impl FundSubscription {
    /// Changes in the fund pipeline, as the caller may see them: the fund's secretariat every request; the
    /// committee, the OHCHR secretariat and the Council's Bureau those submitted; a State's focal point its own
    /// State's. Over WebSocket (`graphql-transport-ws`).
    async fn fund_request_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this fund's requests (its key).")] fund: Option<String>,
    ) -> Result<impl Stream<Item = FundRequestChange>, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Subscription.fundRequestEvents")?;
        let events = ctx.data::<Events>().map_err(|_| ApiError::Internal)?;
        let all = scope.is_all();
        let submitted = scope.includes(Rows::Submitted);
        let own = match (&viewer.country, !all && scope.includes(Rows::OwnState)) {
            (Some(code), true) => {
                let code = code.clone();
                crate::support::database::query(ctx, move |c| hrc_db::models::Country::by_iso3(c, &code))
                    .await?
                    .map(|c| c.id)
            }
            _ => None,
        };
        let receiver = events.subscribe();
        let stream = tokio_stream_of(receiver).filter_map(move |event| {
            let Event::Fund(event) = event else { return std::future::ready(None) };
            let visible = all || (submitted && event.submitted) || own == Some(event.country_id);
            let wanted = fund.as_deref().is_none_or(|f| f == event.fund_key);
            std::future::ready((visible && wanted).then_some(FundRequestChange(event)))
        });
        Ok(stream)
    }
}
