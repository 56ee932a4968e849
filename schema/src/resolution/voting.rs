//! What a votes dashboard asks: a State's voting record, agreement between States, regional-group cohesion, the
//! most divided votes and the share of texts adopted without a vote, each computed in the database over the texts
//! one filter selects (see `hrc_db::resolution::voting` for the statements).

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use hrc_db::resolution::voting::{self as db, Pairs, RecordBy};

use crate::loaders::ResolutionId;
use crate::reference::RegionalGroupCode;
use crate::resolution::{Resolution, ResolutionKind};
use crate::support::database::{loaders, query};
use crate::support::error::ApiError;
use crate::support::scalars::Date;

/// The texts a voting figure counts: the Council's recorded votes (resolutions, decisions, drafts and amendments),
/// narrowed by every field given.
#[derive(Debug, Clone, Default, InputObject)]
pub struct VotingFilter {
    /// Voted on or after this day.
    pub from: Option<Date>,
    /// Voted on or before this day.
    pub to: Option<Date>,
    /// Of this regular session.
    pub session_number: Option<i32>,
    /// Under this item of the Council's agenda (1 to 10).
    pub agenda_item: Option<i32>,
    /// With this subject, as the library indexes it (compared without regard to case).
    pub subject: Option<String>,
    /// Of this kind.
    pub kind: Option<ResolutionKind>,
}

impl VotingFilter {
    fn parse(filter: Option<VotingFilter>) -> Result<db::VotingFilter, ApiError> {
        let f = filter.unwrap_or_default();
        if let (Some(from), Some(to)) = (f.from, f.to) {
            if from.0 > to.0 {
                return Err(ApiError::bad_input("filter.to", format!("{} is before filter.from {}", to.0, from.0)));
            }
        }
        if let Some(n) = f.session_number.filter(|n| *n <= 0) {
            return Err(ApiError::bad_input("filter.sessionNumber", format!("a session number is positive, not {n}")));
        }
        if let Some(n) = f.agenda_item.filter(|n| !(1..=10).contains(n)) {
            return Err(ApiError::bad_input("filter.agendaItem", format!("the agenda has items 1 to 10, not {n}")));
        }
        let subject = f.subject.map(|s| s.trim().to_owned());
        if let Some(s) = subject.as_deref().filter(|s| s.is_empty() || s.chars().count() > 200) {
            let message = format!("a subject is 1 to 200 characters, not {} long", s.chars().count());
            return Err(ApiError::bad_input("filter.subject", message));
        }
        Ok(db::VotingFilter {
            from: f.from.map(|d| d.0),
            to: f.to.map(|d| d.0),
            session: f.session_number,
            agenda_item: f.agenda_item,
            subject,
            kind: f.kind.map(Into::into),
        })
    }
}

/// The row id of the State with this ISO code, or an error naming `field`.
pub(crate) async fn country_id(ctx: &Context<'_>, field: &'static str, code: &str) -> Result<i64, ApiError> {
    let code = code.to_owned();
    query(ctx, move |c| crate::lookup::country_id(c, field, &code)).await?
}

/// ISO codes of row ids, read once.
async fn iso_codes(ctx: &Context<'_>, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>, ApiError> {
    let countries = loaders(ctx)?.load_many(ids.into_iter().map(crate::loaders::CountryId)).await?;
    Ok(countries.into_iter().map(|(k, c)| (k.0, c.iso3.clone())).collect())
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// How a voting record is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VotingRecordBy {
    /// By calendar year of the vote.
    Year,
    /// By the library's subject.
    Subject,
}

/// A State's votes over a year's or a subject's texts.
#[derive(Debug, Clone, SimpleObject)]
pub struct VotingRecordRow {
    /// The year, when grouped by year.
    pub year: Option<i32>,
    /// The subject, when grouped by subject (null for texts without one).
    pub subject: Option<String>,
    /// Its yes votes.
    pub yes: i32,
    /// Its no votes.
    pub no: i32,
    /// Its abstentions.
    pub abstain: i32,
    /// Present and not voting.
    pub non_voting: i32,
    /// Absent from the vote.
    pub absent: i32,
    /// Votes cast: yes, no and abstain.
    pub cast: i32,
    /// Yes or no votes on the side that carried in the roll call (yes where it had more yes than no votes, no where
    /// more no; neither on a tie). An abstention is never with the majority.
    pub with_majority: i32,
    /// `withMajority / cast`; null when the State cast no vote.
    pub with_majority_share: Option<f64>,
}

/// How often two States voted alike.
#[derive(Debug, Clone, SimpleObject)]
pub struct VotingAgreement {
    /// ISO code of the first State.
    pub a: String,
    /// ISO code of the second State.
    pub b: String,
    /// Texts on which both cast a vote (yes, no or abstain).
    pub texts: i32,
    /// Of those, the texts on which both cast the same vote.
    pub same: i32,
    /// `same / texts`: 1 when they always voted alike; null when they never both voted.
    pub agreement: Option<f64>,
}

/// Closest or furthest partners first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PartnerOrder {
    /// Highest agreement first.
    Closest,
    /// Lowest agreement first.
    Furthest,
}

/// A regional group's cohesion in a year.
#[derive(Debug, Clone, SimpleObject)]
pub struct GroupCohesion {
    /// The calendar year of the votes.
    pub year: i32,
    /// The regional group (of each State's current membership of a group).
    pub group: RegionalGroupCode,
    /// The mean, over the year's texts, of the group's Agreement Index (Hix, Noury and Roland 2005) on each:
    /// `(max(Y, N, A) − ½·(Y + N + A − max(Y, N, A))) / (Y + N + A)` over its members' yes (Y), no (N) and abstain
    /// (A) votes; 1 when all voted alike, 0 when evenly split three ways.
    pub agreement_index: f64,
    /// Texts on which at least one of its members cast a vote.
    pub texts: i32,
}

/// A divided vote.
pub struct DividedVote {
    row: db::DividedRow,
}

/// A recorded vote and its roll call's counts.
#[Object]
impl DividedVote {
    /// The text.
    async fn resolution(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        Ok(loaders(ctx)?.load_one(ResolutionId(self.row.id)).await?.map(Resolution))
    }

    /// Yes votes in the roll call.
    async fn yes(&self) -> i32 {
        self.row.yes as i32
    }

    /// No votes in the roll call.
    async fn no(&self) -> i32 {
        self.row.no as i32
    }

    /// Abstentions in the roll call.
    async fn abstain(&self) -> i32 {
        self.row.abstain as i32
    }

    /// `|yes − no|` in the roll call.
    async fn margin(&self) -> i32 {
        (self.row.yes - self.row.no).abs() as i32
    }
}

/// A session's texts, and how many were adopted without a vote.
#[derive(Debug, Clone, SimpleObject)]
pub struct SessionAdoption {
    /// The regular session's number (null for a special session).
    pub session_number: Option<i32>,
    /// The special session's number (null for a regular session).
    pub special_session: Option<i32>,
    /// The session's texts whose manner of adoption is known.
    pub texts: i32,
    /// Of those, the texts adopted without a vote.
    pub without_vote: i32,
    /// `withoutVote / texts`.
    pub share: f64,
}

/// Entry points to the dashboards of the Council's recorded votes.
#[derive(Default)]
pub struct VotingQuery;

/// Entry points to the dashboards of the Council's recorded votes.
#[Object]
impl VotingQuery {
    /// A State's voting record, by year (the default) or by subject, counted from the roll calls of the texts the
    /// filter selects.
    #[graphql(complexity = "crate::support::pagination::list_cost(100, child_complexity)")]
    async fn voting_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-3 code of the State.")] country: String,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
        #[graphql(desc = "Group by year (the default) or subject.")] by: Option<VotingRecordBy>,
    ) -> Result<Vec<VotingRecordRow>, ApiError> {
        let filter = VotingFilter::parse(filter)?;
        let id = country_id(ctx, "country", &country).await?;
        let by = by.unwrap_or(VotingRecordBy::Year);
        let grouping = if by == VotingRecordBy::Year { RecordBy::Year } else { RecordBy::Subject };
        let rows = query(ctx, move |c| db::record(c, id, &filter, grouping)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cast = r.yes + r.no + r.abstain;
                let (year, subject) = match by {
                    VotingRecordBy::Year => (r.bucket.as_deref().and_then(|y| y.parse().ok()), None),
                    VotingRecordBy::Subject => (None, r.bucket),
                };
                VotingRecordRow {
                    year,
                    subject,
                    yes: r.yes as i32,
                    no: r.no as i32,
                    abstain: r.abstain as i32,
                    non_voting: r.non_voting as i32,
                    absent: r.absent as i32,
                    cast: cast as i32,
                    with_majority: r.with_majority as i32,
                    with_majority_share: share(r.with_majority, cast),
                }
            })
            .collect())
    }

    /// How often two States voted alike over the filtered texts on which both cast a vote.
    async fn voting_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO code of one State.")] a: String,
        #[graphql(desc = "ISO code of the other.")] b: String,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
    ) -> Result<VotingAgreement, ApiError> {
        let filter = VotingFilter::parse(filter)?;
        let (ia, ib) = (country_id(ctx, "a", &a).await?, country_id(ctx, "b", &b).await?);
        if ia == ib {
            return Err(ApiError::bad_input("b", "agreement is between two different States"));
        }
        let rows = query(ctx, move |c| db::agreement(c, &filter, Pairs::Of(ia))).await?;
        let pair = rows.into_iter().find(|r| r.b == ib);
        let (texts, same) = pair.map(|p| (p.texts, p.same)).unwrap_or((0, 0));
        let codes = iso_codes(ctx, vec![ia, ib]).await?;
        Ok(VotingAgreement {
            a: codes.get(&ia).cloned().unwrap_or_default(),
            b: codes.get(&ib).cloned().unwrap_or_default(),
            texts: texts as i32,
            same: same as i32,
            agreement: share(same, texts),
        })
    }

    /// A State's closest (or furthest) partners: its agreement with every other State, over the texts on which
    /// both cast a vote, ties by ISO code; only partners with at least `minimumTexts` such texts.
    #[graphql(
        complexity = "crate::support::pagination::list_cost(first.unwrap_or(10).clamp(0, 200) as usize, child_complexity)"
    )]
    async fn voting_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO code of the State.")] country: String,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
        #[graphql(desc = "Closest first (the default) or furthest first.")] order: Option<PartnerOrder>,
        #[graphql(desc = "At most this many (default 10, most 200).")] first: Option<i32>,
        #[graphql(desc = "Only partners with at least this many texts both voted on (default 10).")]
        minimum_texts: Option<i32>,
    ) -> Result<Vec<VotingAgreement>, ApiError> {
        let first = first.unwrap_or(10);
        if !(0..=200).contains(&first) {
            return Err(ApiError::bad_input("first", format!("first must be between 0 and 200, not {first}")));
        }
        let minimum = minimum_texts.unwrap_or(10);
        if minimum < 1 {
            return Err(ApiError::bad_input("minimumTexts", format!("minimumTexts is at least 1, not {minimum}")));
        }
        let filter = VotingFilter::parse(filter)?;
        let id = country_id(ctx, "country", &country).await?;
        let rows = query(ctx, move |c| db::agreement(c, &filter, Pairs::Of(id))).await?;
        let rows: Vec<_> = rows.into_iter().filter(|r| r.texts >= minimum as i64).collect();
        let codes = iso_codes(ctx, rows.iter().map(|r| r.b).chain([id]).collect()).await?;
        let mut out: Vec<VotingAgreement> = rows
            .into_iter()
            .map(|r| VotingAgreement {
                a: codes.get(&r.a).cloned().unwrap_or_default(),
                b: codes.get(&r.b).cloned().unwrap_or_default(),
                texts: r.texts as i32,
                same: r.same as i32,
                agreement: share(r.same, r.texts),
            })
            .collect();
        let descending = order.unwrap_or(PartnerOrder::Closest) == PartnerOrder::Closest;
        out.sort_by(|x, y| {
            let (p, q) = (x.agreement.unwrap_or(0.0), y.agreement.unwrap_or(0.0));
            let by = if descending { q.total_cmp(&p) } else { p.total_cmp(&q) };
            by.then_with(|| x.b.cmp(&y.b))
        });
        out.truncate(first as usize);
        Ok(out)
    }

    /// Agreement between every pair of the given States (at most 60), or by default of the Council's members as
    /// the roll call of the latest filtered vote lists them; each pair once, by ISO code.
    #[graphql(complexity = "crate::support::pagination::list_cost(1770, child_complexity)")]
    async fn voting_agreement_matrix(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
        #[graphql(desc = "ISO codes of the States (2 to 60); default: the members at the end of the range.")]
        countries: Option<Vec<String>>,
    ) -> Result<Vec<VotingAgreement>, ApiError> {
        let filter = VotingFilter::parse(filter)?;
        let ids = match countries {
            Some(codes) => {
                if !(2..=60).contains(&codes.len()) {
                    let message = format!("give 2 to 60 States, not {}", codes.len());
                    return Err(ApiError::bad_input("countries", message));
                }
                let mut ids = Vec::with_capacity(codes.len());
                for code in &codes {
                    ids.push(country_id(ctx, "countries", code).await?);
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => {
                let filter = filter.clone();
                query(ctx, move |c| db::latest_members(c, &filter)).await?
            }
        };
        let among = ids.clone();
        let rows = query(ctx, move |c| db::agreement(c, &filter, Pairs::Among(&among))).await?;
        let codes = iso_codes(ctx, ids).await?;
        let mut out: Vec<VotingAgreement> = rows
            .into_iter()
            .map(|r| {
                let (a, b) =
                    (codes.get(&r.a).cloned().unwrap_or_default(), codes.get(&r.b).cloned().unwrap_or_default());
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                VotingAgreement { a, b, texts: r.texts as i32, same: r.same as i32, agreement: share(r.same, r.texts) }
            })
            .collect();
        out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        Ok(out)
    }

    /// Each regional group's cohesion by year: the mean Agreement Index of its members' votes.
    #[graphql(complexity = "crate::support::pagination::list_cost(200, child_complexity)")]
    async fn group_cohesion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
    ) -> Result<Vec<GroupCohesion>, ApiError> {
        let filter = VotingFilter::parse(filter)?;
        let rows = query(ctx, move |c| db::cohesion(c, &filter)).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let group = hrc_db::models::RegionalGroupCode::parse(&r.group_code)?.into();
                Some(GroupCohesion { year: r.year, group, agreement_index: r.agreement_index, texts: r.texts as i32 })
            })
            .collect())
    }

    /// The most divided recorded votes: the smallest margin between the roll call's yes and no votes first; among
    /// equal margins, more abstentions first, then the latest.
    #[graphql(complexity = "crate::support::pagination::page_cost(first, None, child_complexity)")]
    async fn most_divided_votes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
        #[graphql(desc = "At most this many (default 20, most 100).")] first: Option<i32>,
    ) -> Result<Vec<DividedVote>, ApiError> {
        let first = first.unwrap_or(20);
        if !(0..=100).contains(&first) {
            return Err(ApiError::bad_input("first", format!("first must be between 0 and 100, not {first}")));
        }
        let filter = VotingFilter::parse(filter)?;
        let rows = query(ctx, move |c| db::most_divided(c, &filter, first as i64)).await?;
        Ok(rows.into_iter().map(|row| DividedVote { row }).collect())
    }

    /// Per session, the share of the Council's texts adopted without a vote, over the texts whose manner of
    /// adoption is known (regular sessions by number, then special sessions).
    #[graphql(complexity = "crate::support::pagination::list_cost(100, child_complexity)")]
    async fn adoption_without_vote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which texts count (default: every recorded vote held).")] filter: Option<VotingFilter>,
    ) -> Result<Vec<SessionAdoption>, ApiError> {
        let filter = VotingFilter::parse(filter)?;
        let rows = query(ctx, move |c| db::without_vote(c, &filter)).await?;
        Ok(rows
            .into_iter()
            .map(|r| SessionAdoption {
                session_number: r.session,
                special_session: r.special_session,
                texts: r.texts as i32,
                without_vote: r.without_vote as i32,
                share: share(r.without_vote, r.texts).unwrap_or(0.0),
            })
            .collect())
    }
}
