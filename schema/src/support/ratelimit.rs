//! Rate limits per caller: each request costs its query's complexity in points (at least 1), charged against the
//! caller's budget for the current window; the token subject is the caller, else the client address. A request over
//! budget is refused with `RATE_LIMITED` before it runs. The budget after each request is in the response headers
//! and in `rateLimit { limit cost remaining resetAt }`.
//!
//! A fixed window per caller, in memory: governor (GCRA) does not report the points remaining, which the headers and
//! the query need, and a counter per caller is all this takes. Each API node counts its own callers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::{ServerError, SimpleObject};
use chrono::NaiveDateTime;

use crate::support::error::code;
use crate::support::scalars::DateTime;

/// A caller's budget after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Points per window.
    pub limit: u64,
    /// What the request cost.
    pub cost: u64,
    /// Points left in the window.
    pub remaining: u64,
    /// When the window ends and the budget is full again (UTC).
    pub reset_at: NaiveDateTime,
}

/// The caller a request is charged to.
#[derive(Debug, Clone)]
pub struct RateKey(pub String);

/// Where the extension leaves the request's budget, for the response headers and `rateLimit`.
#[derive(Debug, Clone, Default)]
pub struct BudgetSlot(pub Arc<Mutex<Option<Budget>>>);

impl BudgetSlot {
    pub fn get(&self) -> Option<Budget> {
        self.0.lock().ok().and_then(|b| *b)
    }
}

/// The budgets of this node's callers.
#[derive(Debug)]
pub struct RateLimiter {
    points: u64,
    window: Duration,
    /// Keyed by caller, hashed by foldhash under a random seed (SipHash cost more than the rest of a charge).
    windows: Mutex<foldhash::HashMap<String, Window>>,
}

/// A caller's current window: when it started (monotonic, and as wall time for `resetAt`) and the points spent.
type Window = (Instant, chrono::DateTime<chrono::Utc>, u64);

impl RateLimiter {
    pub fn new(points: u64, window: Duration) -> RateLimiter {
        RateLimiter { points, window, windows: Mutex::default() }
    }

    /// Charges `cost` to `key`: the budget after it, or (over budget, nothing charged) the budget as it stands.
    pub fn charge(&self, key: &str, cost: u64) -> Result<Budget, Budget> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock means a panic elsewhere; do not lock every caller out because of it.
            let wall = chrono::Utc::now();
            return Ok(Budget { limit: self.points, cost, remaining: self.points, reset_at: wall.naive_utc() });
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _, _)| now.duration_since(*start) < self.window);
        }
        // A caller seen before is found by the key as it is: only a new caller's key is copied, and the wall clock
        // is read only when a window starts.
        let (points, window) = (self.points, self.window);
        let spend = |entry: &mut Window| {
            if now.duration_since(entry.0) >= window {
                *entry = (now, chrono::Utc::now(), 0);
            }
            let reset_at = (entry.1 + window).naive_utc();
            if entry.2 + cost > points {
                return Err(Budget { limit: points, cost, remaining: points - entry.2, reset_at });
            }
            entry.2 += cost;
            Ok(Budget { limit: points, cost, remaining: points - entry.2, reset_at })
        };
        match windows.get_mut(key) {
            Some(entry) => spend(entry),
            None => spend(windows.entry(key.to_owned()).or_insert((now, chrono::Utc::now(), 0))),
        }
    }
}

impl RateLimiter {
    /// Charges a validated request its complexity (at least 1 point) to its caller, and leaves the budget in the
    /// request's slot; over budget, the request is refused with `RATE_LIMITED`.
    pub fn charge_request(&self, key: &str, slot: &BudgetSlot, complexity: usize) -> Result<(), Vec<ServerError>> {
        let charged = self.charge(key, (complexity as u64).max(1));
        let budget = match charged {
            Ok(budget) | Err(budget) => budget,
        };
        if let Ok(mut stored) = slot.0.lock() {
            *stored = Some(budget);
        }
        if charged.is_err() {
            let mut error = ServerError::new(
                format!(
                    "rate limit reached: this request costs {} points and {} of {} remain until {}",
                    budget.cost,
                    budget.remaining,
                    budget.limit,
                    budget.reset_at.format("%Y-%m-%dT%H:%M:%SZ")
                ),
                None,
            );
            error.extensions.get_or_insert_with(Default::default).set("code", code::RATE_LIMITED);
            return Err(vec![error]);
        }
        Ok(())
    }
}

/// The caller's rate-limit budget after this request.
#[derive(SimpleObject)]
pub struct RateLimitInfo {
    /// Points per window.
    pub limit: i64,
    /// What this request cost (its query's complexity).
    pub cost: i64,
    /// Points left in the window.
    pub remaining: i64,
    /// When the budget is full again.
    pub reset_at: DateTime,
}

impl From<Budget> for RateLimitInfo {
    fn from(b: Budget) -> Self {
        RateLimitInfo {
            limit: b.limit as i64,
            cost: b.cost as i64,
            remaining: b.remaining as i64,
            reset_at: DateTime(b.reset_at),
        }
    }
}

/// The entry point to the caller's rate-limit budget.
#[derive(Default)]
pub struct RateLimitQuery;

#[async_graphql::Object]
impl RateLimitQuery {
    /// The caller's rate-limit budget after this request (null where no limit is set).
    async fn rate_limit(&self, ctx: &async_graphql::Context<'_>) -> Result<Option<RateLimitInfo>, crate::ApiError> {
        crate::support::access::guard(ctx, "Query.rateLimit")?;
        Ok(crate::RequestData::of(ctx).and_then(|d| d.budget.get()).map(RateLimitInfo::from))
    }
}
