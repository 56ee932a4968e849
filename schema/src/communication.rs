//! Special-procedure communications: allegation letters, urgent appeals and other letters, with the State's reply.

use async_graphql::{Context, Enum, InputObject, Object, ID};
use hrc_db::models;

use crate::loaders::{CountryId, MandateId, MandatesOfCommunication};
use crate::lookup::{country_id, mandate_id};
use crate::mechanism::Mandate;
use crate::reference::Country;
use crate::support::database::loaders;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::{Date, DateTime};

/// The kinds of special-procedure communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::CommunicationKind")]
pub enum CommunicationKind {
    /// About violations that have already occurred.
    AllegationLetter,
    /// About violations that are ongoing or imminent and risk irreparable harm.
    UrgentAppeal,
    /// About legislation, policy or practice.
    OtherLetter,
}

/// A communication sent by one mandate, or jointly by several.
pub struct Communication(pub models::Communication);

/// A communication sent by one mandate, or jointly by several.
#[Object]
impl Communication {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Communication", &self.0.key)
    }

    /// The OHCHR reference, such as `AL BDI 1/2020`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Allegation letter, urgent appeal or other letter.
    async fn kind(&self) -> CommunicationKind {
        self.0.kind().into()
    }

    /// The State addressed; null for a communication to another actor (such as a company).
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        let Some(id) = self.0.country_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
    }

    /// The mandates that sent it: several for a joint communication.
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn mandates(&self, ctx: &Context<'_>) -> Result<Vec<Mandate>, ApiError> {
        let loaders = loaders(ctx)?;
        let ids = loaders.load_one(MandatesOfCommunication(self.0.id)).await?.unwrap_or_default();
        let mut found = loaders.load_many(ids.iter().map(|id| MandateId(*id))).await?;
        Ok(ids.iter().filter_map(|id| found.remove(&MandateId(*id))).map(Mandate).collect())
    }

    /// Whether several mandates sent it together.
    async fn joint(&self, ctx: &Context<'_>) -> Result<bool, ApiError> {
        Ok(loaders(ctx)?.load_one(MandatesOfCommunication(self.0.id)).await?.unwrap_or_default().len() > 1)
    }

    /// When it was sent.
    async fn sent_on(&self) -> Date {
        Date(self.0.sent_on)
    }

    /// A summary, in the requested language where held, else in the one held.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.summary_en.as_deref(), self.0.summary_zh.as_deref())
    }

    /// When the State's reply arrived; null while there is none.
    async fn reply_received_on(&self) -> Option<Date> {
        self.0.reply_received_on.map(Date)
    }

    /// Days from sending to the reply; null while there is none.
    async fn reply_days(&self) -> Option<i64> {
        self.0.reply_received_on.map(|r| (r - self.0.sent_on).num_days())
    }

    /// A summary of the reply.
    async fn reply_summary(&self) -> Option<&str> {
        self.0.reply_summary.as_deref()
    }

    /// True for generated demonstration data, which is never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// The version of this record, to send back as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Filters on communications; every one given must hold, and a value naming nothing we hold is an error.
#[derive(Debug, Clone, Default, InputObject)]
pub struct CommunicationFilter {
    /// Sent by this mandate (alone or jointly), by key.
    pub mandate: Option<String>,
    /// Addressed to this State: ISO 3166-1 alpha-3 code.
    pub country: Option<String>,
    /// Of this kind.
    pub kind: Option<CommunicationKind>,
    /// Sent in this year.
    pub year: Option<i32>,
    /// Only those the State has answered (true) or not (false).
    pub replied: Option<bool>,
    /// Only joint communications (true) or only those of a single mandate (false).
    pub joint: Option<bool>,
    /// Only generated demonstration data (true) or only real data (false).
    pub fictional: Option<bool>,
    /// Only records created or changed at or after this instant, for incremental sync.
    pub updated_since: Option<DateTime>,
}

fn resolve(
    c: &mut hrc_db::DbConnection,
    f: CommunicationFilter,
) -> hrc_db::QueryResult<Result<models::CommunicationFilter, ApiError>> {
    let mut out = models::CommunicationFilter {
        kind: f.kind.map(Into::into),
        year: f.year,
        replied: f.replied,
        joint: f.joint,
        fictional: f.fictional,
        updated_since: f.updated_since.map(|t| t.0),
        ..Default::default()
    };
    if let Some(code) = &f.country {
        match country_id(c, "filter.country", code)? {
            Ok(id) => out.country_id = Some(id),
            Err(e) => return Ok(Err(e)),
        }
    }
    if let Some(key) = &f.mandate {
        match mandate_id(c, "filter.mandate", key)? {
            Ok(id) => out.mandate_id = Some(id),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

/// Entry points to communications.
#[derive(Default)]
pub struct CommunicationQuery;

/// Entry points to communications.
#[Object]
impl CommunicationQuery {
    /// Special-procedure communications, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn communications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Which communications; all of them when absent.")] filter: Option<CommunicationFilter>,
    ) -> Result<ListConnection<Communication>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        if let Some(year) = f.year.filter(|y| !(1946..=2100).contains(y)) {
            return Err(ApiError::bad_input("filter.year", format!("{year} is not a year of the United Nations")));
        }
        let (filter, rows) = query(ctx, move |c| {
            let filter = match resolve(c, f)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            let rows = models::Communication::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::Communication::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Communication, count))
    }

    /// A communication by its reference; null if there is none.
    async fn communication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The OHCHR reference, such as \"AL BDI 1/2020\".")] key: String,
    ) -> Result<Option<Communication>, ApiError> {
        Ok(query(ctx, move |c| models::Communication::by_key(c, key.trim())).await?.map(Communication))
    }
}
