//! Subscriptions: `fundRequestEvents`, the fund pipeline's changes, delivered across API nodes.
//!
//! On PostgreSQL an event is published with `pg_notify` on the channel [`CHANNEL`] once its change has committed,
//! and every node listens on the channel and hands what it hears to its own subscribers, so an event raised through
//! one `hrc-api` process reaches a subscriber of another. On SQLite (one process) events go straight to the
//! process's subscribers. Delivery is at most once, for dashboards: a node that is down when an event is raised does
//! not get it, and a client that reconnects reads the current state with a query.

use std::time::Duration;

use async_graphql::{Context, Enum, Subscription};
use chrono::NaiveDateTime;
use futures_util::stream::{Stream, StreamExt};
use hrc_db::{Backend, Database};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::access::guard_caller;
use crate::auth::Role;
use crate::error::ApiError;
use crate::loaders::CountryId;
use crate::scalars::DateTime;
use crate::types::loaders;
use crate::types::reference::Country;

/// The PostgreSQL channel of fund events.
pub const CHANNEL: &str = "hrc_fund_events";

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
pub enum FundChange {
    /// A draft was started.
    Created,
    /// It moved to another status.
    StatusChanged,
    /// Money was paid out on it.
    Disbursed,
}

/// One change in the fund pipeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FundEvent {
    pub key: String,
    pub fund_key: String,
    pub country_id: i64,
    pub status: String,
    /// Whether the request has been submitted (the committee and others see only those).
    pub submitted: bool,
    pub change: FundChange,
    pub occurred_at: NaiveDateTime,
}

/// The node's event hub: publishes events and hands them to this node's subscribers.
#[derive(Clone)]
pub struct FundEvents {
    sender: broadcast::Sender<FundEvent>,
    db: Database,
}

impl FundEvents {
    /// The hub over a database; on PostgreSQL it also starts listening on [`CHANNEL`] with a connection of its own
    /// to `url` (reconnecting if the connection drops).
    pub fn start(db: Database, url: &str) -> FundEvents {
        let (sender, _) = broadcast::channel(1_024);
        if db.backend() == Backend::Postgres {
            let (sender, url) = (sender.clone(), url.to_owned());
            std::thread::Builder::new()
                .name("fund-events".into())
                .spawn(move || listen(&url, &sender))
                .map(drop)
                .unwrap_or_else(|e| tracing::error!(error = %e, "could not start the fund event listener"));
        }
        FundEvents { sender, db }
    }

    /// Publishes an event after its change committed. A failure is logged, never the caller's: the change stands.
    pub async fn publish(&self, event: FundEvent) {
        if self.db.backend() == Backend::Postgres {
            let Ok(payload) = serde_json::to_string(&event) else { return };
            let sent = self
                .db
                .run(move |c| {
                    use diesel::RunQueryDsl;
                    diesel::sql_query("SELECT pg_notify($1, $2)")
                        .bind::<diesel::sql_types::Text, _>(CHANNEL)
                        .bind::<diesel::sql_types::Text, _>(payload)
                        .execute(c)
                        .map_err(Into::into)
                })
                .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "a fund event could not be published");
            }
        } else {
            let _ = self.sender.send(event);
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<FundEvent> {
        self.sender.subscribe()
    }
}

/// Listens on the channel until the process ends, handing each event to the node's subscribers.
fn listen(url: &str, sender: &broadcast::Sender<FundEvent>) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    loop {
        let mut conn = match diesel::PgConnection::establish(url) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "the fund event listener cannot connect; retrying");
                std::thread::sleep(Duration::from_secs(2));
                continue;
            }
        };
        if let Err(e) = conn.batch_execute(&format!("LISTEN {CHANNEL}")) {
            tracing::warn!(error = %e, "the fund event listener cannot listen; retrying");
            std::thread::sleep(Duration::from_secs(2));
            continue;
        }
        'connected: loop {
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => match serde_json::from_str::<FundEvent>(&n.payload) {
                        Ok(event) => {
                            let _ = sender.send(event);
                        }
                        Err(e) => tracing::warn!(error = %e, "an unreadable fund event was ignored"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "the fund event listener lost its connection; reconnecting");
                        break 'connected;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A change in the fund pipeline, as a subscriber sees it.
pub struct FundRequestChange(FundEvent);

/// A change in the fund pipeline.
#[async_graphql::Object]
impl FundRequestChange {
    /// The request's ID (read it with `fundRequest(id:)`).
    async fn request_id(&self) -> async_graphql::ID {
        crate::ids::encode("FundRequest", &self.0.key)
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

/// The subscriptions.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live events, over WebSocket (`graphql-transport-ws`).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Changes in the fund pipeline, as the caller may see them: the fund's secretariat every request; the
    /// committee, the OHCHR secretariat and the Council's Bureau those submitted; a State's focal point its own
    /// State's. Over WebSocket (`graphql-transport-ws`).
    async fn fund_request_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this fund's requests (its key).")] fund: Option<String>,
    ) -> Result<impl Stream<Item = FundRequestChange>, ApiError> {
        let viewer = guard_caller(ctx, "Subscription.fundRequestEvents")?.clone();
        let events = ctx.data::<FundEvents>().map_err(|_| ApiError::Internal)?;
        let all = viewer.has(Role::FundSecretariat);
        let submitted =
            viewer.has(Role::FundCommittee) || viewer.has(Role::Secretariat) || viewer.has(Role::CouncilBureau);
        let own = match (&viewer.country, viewer.has(Role::StateFocalPoint)) {
            (Some(code), true) => {
                let code = code.clone();
                crate::types::query(ctx, move |c| hrc_db::models::Country::by_iso3(c, &code)).await?.map(|c| c.id)
            }
            _ => None,
        };
        let receiver = events.subscribe();
        let stream = tokio_stream_of(receiver).filter_map(move |event| {
            let visible = all || (submitted && event.submitted) || own == Some(event.country_id);
            let wanted = fund.as_deref().is_none_or(|f| f == event.fund_key);
            async move { (visible && wanted).then_some(FundRequestChange(event)) }
        });
        Ok(stream)
    }
}

/// The events a broadcast receiver yields, skipping (and logging) what a slow subscriber missed.
fn tokio_stream_of(receiver: broadcast::Receiver<FundEvent>) -> impl Stream<Item = FundEvent> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, receiver)),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a slow subscriber missed fund events");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
