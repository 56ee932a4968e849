//! The events behind the subscriptions (the fund pipeline's changes, the early-warning signals'), and their bus
//! across API nodes; each area's `subscription.rs` serves its own.
//!
//! On PostgreSQL an event is published with `pg_notify` on the channel [`CHANNEL`] once its change has committed,
//! and every node listens on the channel and hands what it hears to its own subscribers, so an event raised through
//! one `hrc-api` process reaches a subscriber of another. On SQLite (one process) events go straight to the
//! process's subscribers. Delivery is at most once, for dashboards: a node that is down when an event is raised does
//! not get it, and a client that reconnects reads the current state with a query.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::Enum;
use chrono::NaiveDateTime;
use futures_util::stream::Stream;
use hrc_db::{Backend, Database};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel of events.
pub const CHANNEL: &str = "hrc_events";

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

/// What happened to an early-warning signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
pub enum SignalChange {
    /// It was reported.
    Reported,
    /// Its verification moved on.
    StatusChanged,
    /// Its content was corrected.
    Updated,
}

/// One change of an early-warning signal. It carries no source and no description: a subscriber reads those, as
/// its role allows, with `earlyWarningSignal(id:)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignalEvent {
    pub key: String,
    pub country_id: i64,
    pub status: String,
    pub category: String,
    pub severity: String,
    pub change: SignalChange,
    pub occurred_at: NaiveDateTime,
}

/// An event of any kind, as it crosses nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Event {
    Fund(FundEvent),
    EarlyWarning(SignalEvent),
    /// Some data changed (a mutation ran, registered queries were added): caches of public responses evict.
    /// `origin` names the node that made the change (0: none, such as `hrc-api seed`, or a listener that was away).
    /// A node empties its cache at the change itself, so it skips its own change when PostgreSQL sends it back:
    /// heard later, it would drop answers computed after the change.
    DataChanged {
        #[serde(default)]
        origin: u64,
    },
}

/// The node's event hub: publishes events and hands them to this node's subscribers.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
    db: Database,
    /// Publications under way, which a stopping node lets finish ([`Events::settle`]).
    tasks: tokio_util::task::TaskTracker,
    /// This node, in the changes it announces: random, never 0.
    origin: u64,
    /// The listening thread on PostgreSQL.
    listener: Option<Arc<Listener>>,
}

/// The thread that listens on [`CHANNEL`], and how to stop it.
///
/// It stops when told to ([`Events::stop_listening`]) or once every clone of the hub is gone, so that a server
/// which stops, or is dropped (as in tests), leaves no thread behind that polls its connection or reconnects to a
/// database that may be gone: such a thread, still inside libpq (and OpenSSL) when the process exits, races the
/// exit's clean-up.
struct Listener {
    stop: Arc<AtomicBool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Events {
    /// The hub over a database; on PostgreSQL it also starts listening on [`CHANNEL`] with a connection of its own
    /// to `url` (reconnecting if the connection drops).
    pub fn start(db: Database, url: &str) -> Events {
        let (sender, _) = broadcast::channel(1_024);
        let listener = (db.backend() == Backend::Postgres)
            .then(|| {
                let (weak, url) = (sender.downgrade(), url.to_owned());
                let stop = Arc::new(AtomicBool::new(false));
                let stopped = stop.clone();
                std::thread::Builder::new()
                    .name("events".into())
                    .spawn(move || listen(&url, &weak, &stopped))
                    .map(|thread| Arc::new(Listener { stop, thread: Mutex::new(Some(thread)) }))
                    .map_err(|e| tracing::error!(error = %e, "could not start the event listener"))
                    .ok()
            })
            .flatten();
        let origin = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.finish() | 1
        };
        Events { sender, db, tasks: tokio_util::task::TaskTracker::new(), origin, listener }
    }

    /// Stops listening on PostgreSQL and waits for the listening thread to close its connection (within a pause of
    /// 50 ms, unless it is connecting). A stopping node calls it last; on SQLite it does nothing.
    pub fn stop_listening(&self) {
        let Some(listener) = &self.listener else { return };
        listener.stop.store(true, Ordering::Relaxed);
        let thread = listener.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }

    /// The event announcing that this node changed data.
    pub fn changed(&self) -> Event {
        Event::DataChanged { origin: self.origin }
    }

    /// What tells whether an event announces a change made by this node. It holds no hub, so a task that keeps it
    /// does not keep the channel (and the listener) alive.
    pub fn own_change(&self) -> impl Fn(&Event) -> bool + Send + Sync + 'static {
        let own = self.origin;
        move |event| matches!(event, Event::DataChanged { origin } if *origin == own)
    }

    /// Publishes an event after its change committed, without making the caller wait: on PostgreSQL the
    /// notification is sent from a task of its own, so that an answer is never held up by it (while the server is
    /// away it would wait for a connection). A failure is logged, never the caller's: the change stands, subscribers
    /// read the current state with a query, and other nodes' cached answers expire with their time to live.
    pub fn publish(&self, event: Event) {
        if self.db.backend() == Backend::Postgres {
            let Ok(payload) = serde_json::to_string(&event) else { return };
            let db = self.db.clone();
            self.tasks.spawn(async move {
                let sent = db
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
                    tracing::warn!(error = %e, "an event could not be published");
                }
            });
        } else {
            let _ = self.sender.send(event);
        }
    }

    /// Runs `work` (the publication of a change that needs a lookup first) on a task of its own, which a stopping
    /// node lets finish.
    pub fn track(&self, work: impl std::future::Future<Output = ()> + Send + 'static) {
        self.tasks.spawn(work);
    }

    /// Waits, for `within` at most, until the publications under way are out: a stopping node calls it before it
    /// closes its sockets, so that an event raised by a change already acknowledged still reaches them.
    pub async fn settle(&self, within: Duration) {
        self.tasks.close();
        if tokio::time::timeout(within, self.tasks.wait()).await.is_err() {
            tracing::warn!(pending = self.tasks.len(), "events still being published at the stop were dropped");
        }
    }

    /// This node's events, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Calls `on_change` on `target` whenever data changed elsewhere (another node, `hrc-api`, or while the listener
    /// was away), or when events were missed, for as long as `target` lives: for a cache that this node's own changes
    /// empty when they are made (heard back from PostgreSQL a moment later, they would only drop what was kept since).
    pub fn on_changes_elsewhere<T: Send + Sync + 'static>(&self, target: &Arc<T>, on_change: fn(&T)) {
        use broadcast::error::RecvError;
        let mut receiver = self.subscribe();
        let own_change = self.own_change();
        let target = Arc::downgrade(target);
        tokio::spawn(async move {
            loop {
                match receiver.recv().await {
                    Ok(ref own) if own_change(own) => {}
                    Ok(Event::DataChanged { .. }) | Err(RecvError::Lagged(_)) => match target.upgrade() {
                        Some(target) => on_change(&target),
                        None => return,
                    },
                    Ok(_) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }
}

/// How often the listener looks for notifications, and for a request to stop.
const POLL: Duration = Duration::from_millis(50);

/// Listens on the channel, handing each event to the node's subscribers, until told to stop or until the hub is
/// gone (`weak` no longer upgrades).
fn listen(url: &str, weak: &broadcast::WeakSender<Event>, stop: &AtomicBool) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let stopped = || stop.load(Ordering::Relaxed) || weak.strong_count() == 0;
    // Sleeps `total` in steps of [`POLL`]; false when told to stop meanwhile.
    let pause = |total: Duration| {
        let mut slept = Duration::ZERO;
        while slept < total {
            if stopped() {
                return false;
            }
            std::thread::sleep(POLL);
            slept += POLL;
        }
        !stopped()
    };
    let send = |event: Event| {
        if let Some(sender) = weak.upgrade() {
            let _ = sender.send(event);
        }
    };
    let mut reconnected = false;
    while !stopped() {
        let mut conn = match diesel::PgConnection::establish(url) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "the event listener cannot connect; retrying");
                pause(Duration::from_secs(2));
                continue;
            }
        };
        if let Err(e) = conn.batch_execute(&format!("LISTEN {CHANNEL}")) {
            tracing::warn!(error = %e, "the event listener cannot listen; retrying");
            pause(Duration::from_secs(2));
            continue;
        }
        if reconnected {
            // Changes made elsewhere while this node was not listening went unheard: its cached answers go.
            send(Event::DataChanged { origin: 0 });
        }
        reconnected = true;
        'connected: while pause(POLL) {
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => match serde_json::from_str::<Event>(&n.payload) {
                        Ok(event) => send(event),
                        Err(e) => tracing::warn!(error = %e, "an unreadable event was ignored"),
                    },
                    Err(e) => {
                        if !stopped() {
                            tracing::warn!(error = %e, "the event listener lost its connection; reconnecting");
                        }
                        break 'connected;
                    }
                }
            }
        }
    }
}

/// The events a broadcast receiver yields, skipping (and logging) what a slow subscriber missed.
pub(crate) fn tokio_stream_of(receiver: broadcast::Receiver<Event>) -> impl Stream<Item = Event> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, receiver)),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a slow subscriber missed events");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
