//! Resolutions, their recorded votes and sponsors, and reports.

pub mod links;
pub mod members;
pub mod query;
pub mod voting;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use hrc_db::models::{self, AdoptionMethod as DbAdoption};

use crate::loaders::{CountryId, SessionId, SponsorsOf, VotesOf};
use crate::reference::{Country, Session};
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::scalars::{Date, DateTime};

/// The organ that adopted a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::Organ")]
pub enum Organ {
    /// The Human Rights Council.
    Hrc,
    /// The General Assembly.
    Ga,
    /// The Security Council.
    Sc,
    /// The Commission on Human Rights, the Council's predecessor.
    Chr,
}

/// Where a resolution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::ResolutionStatus")]
pub enum ResolutionStatus {
    /// Tabled but not (or not yet) adopted; for a draft or an amendment put to the vote, one that did not carry.
    Draft,
    /// Adopted.
    Adopted,
}

/// How a resolution was adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::AdoptionMethod")]
pub enum AdoptionMethod {
    /// By a recorded vote, each member's vote listed.
    RecordedVote,
    /// Without a vote.
    WithoutVote,
}

/// A member's vote in a recorded vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::Vote")]
pub enum Vote {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Abstention.
    Abstain,
    /// A member present that did not vote; also a member the roll call does not list (see `ResolutionVote.recorded`).
    NonVoting,
    /// A member absent from the vote.
    Absent,
}

/// What kind of text was put to the Council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::ResolutionKind")]
pub enum ResolutionKind {
    /// A resolution (`A/HRC/RES/…`).
    Resolution,
    /// A decision (`A/HRC/DEC/…`).
    Decision,
    /// A draft put to the vote as a whole (`A/HRC/…/L.…`).
    Draft,
    /// An amendment to a draft (`A/HRC/…/L.…`, titled as an amendment).
    Amendment,
}

/// The counts of a recorded vote.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct VoteTally {
    /// Votes in favour.
    pub yes: i32,
    /// Votes against.
    pub no: i32,
    /// Abstentions.
    pub abstain: i32,
    /// Members present and not voting, where the record counts them.
    pub non_voting: Option<i32>,
}

/// The rows of a roll call, counted.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct RollCallCount {
    /// Listed as voting yes.
    pub yes: i32,
    /// Listed as voting no.
    pub no: i32,
    /// Listed as abstaining.
    pub abstain: i32,
    /// Listed as present and not voting.
    pub non_voting: i32,
    /// Listed as absent.
    pub absent: i32,
}

/// A resolution of the Council (or of another organ, where the Council's texts cite it), or a draft.
pub struct Resolution(pub models::Resolution);

/// A resolution of the Council (or of another organ, where the Council's texts cite it), or a draft.
#[Object]
impl Resolution {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Resolution", &self.0.key)
    }

    /// Document symbol, such as `A/HRC/RES/45/31`; null for a draft whose final symbol is not known.
    async fn symbol(&self) -> Option<&str> {
        self.0.symbol.as_deref()
    }

    /// The adopting organ.
    async fn organ(&self) -> Organ {
        self.0.organ().into()
    }

    /// The Council session, for Council resolutions.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// Agenda item of the Council session, when known.
    async fn agenda_item(&self) -> Option<i32> {
        self.0.agenda_item
    }

    /// Title in the requested language, falling back to English, then to whichever language we hold.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.title_en.as_deref(), self.0.title_zh.as_deref())
    }

    /// Draft or adopted.
    async fn status(&self) -> ResolutionStatus {
        self.0.status().into()
    }

    /// Date of adoption, when known.
    async fn adopted_on(&self) -> Option<Date> {
        self.0.adopted_on.map(Date)
    }

    /// The meeting at which it was adopted, as the text gives it ("38th meeting").
    async fn meeting(&self) -> Option<&str> {
        self.0.meeting.as_deref()
    }

    /// How it was adopted, when known.
    async fn adoption_method(&self) -> Option<AdoptionMethod> {
        self.0.adoption_method().map(Into::into)
    }

    /// True if adopted without a vote, false if by recorded vote, null when not known.
    async fn adopted_without_vote(&self) -> Option<bool> {
        self.0.adoption_method().map(|m| m == DbAdoption::WithoutVote)
    }

    /// The official totals of the recorded vote, as the record states them; where the record gives none, the
    /// roll call's counts. Null unless adopted by recorded vote.
    async fn vote_tally(&self, ctx: &Context<'_>) -> Result<Option<VoteTally>, ApiError> {
        if self.0.adoption_method() != Some(DbAdoption::RecordedVote) {
            return Ok(None);
        }
        if let Some((yes, no, abstain)) = self.0.official_tally() {
            return Ok(Some(VoteTally { yes, no, abstain, non_voting: self.0.official_non_voting }));
        }
        let c = self.roll_call_count(ctx).await?;
        Ok(Some(VoteTally { yes: c.yes, no: c.no, abstain: c.abstain, non_voting: None }))
    }

    /// The roll call's rows counted (which for some real texts differ from the official totals; see
    /// `tallyDisagrees`).
    async fn roll_call_tally(&self, ctx: &Context<'_>) -> Result<RollCallCount, ApiError> {
        self.roll_call_count(ctx).await
    }

    /// True when the record's official totals and its roll call disagree; both are kept as the record gives them.
    async fn tally_disagrees(&self) -> bool {
        self.0.tally_disagrees
    }

    /// What kind of text: resolution, decision, draft or amendment.
    async fn kind(&self) -> ResolutionKind {
        self.0.kind().into()
    }

    /// The special session, for a text of one (`A/HRC/RES/S-28/1`).
    async fn special_session(&self) -> Option<i32> {
        self.0.special_session
    }

    /// The agenda item's title as the record gives it (the first sessions' agenda had no numbers).
    async fn agenda_title(&self) -> Option<&str> {
        self.0.agenda_title.as_deref()
    }

    /// The subject, as the library indexes it ("SYRIAN ARAB REPUBLIC", "CAPITAL PUNISHMENT").
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The main sponsors as the record writes them, with whom they spoke for ("Pakistan (on behalf of the
    /// Organization of the Islamic Conference)"); `sponsors` lists the States among them.
    async fn main_sponsors(&self) -> Option<&str> {
        self.0.main_sponsors.as_deref()
    }

    /// The draft this amendment or revision concerns, where its symbol says so.
    async fn concerns(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        let Some(id) = self.0.concerns_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(crate::loaders::ResolutionId(id)).await?.map(Resolution))
    }

    /// Every member of the Council on the day of the vote, by ISO code, with its vote: the roll call's entries, and
    /// a member whose term a source gives but whom the roll call does not list as `NON_VOTING` with
    /// `recorded: false` (a seed's text lists only those who voted). Empty unless adopted by recorded vote.
    #[graphql(complexity = "crate::support::pagination::list_cost(47, child_complexity)")]
    async fn votes(&self, ctx: &Context<'_>) -> Result<Vec<ResolutionVote>, ApiError> {
        if self.0.adoption_method() != Some(DbAdoption::RecordedVote) {
            return Ok(Vec::new());
        }
        let loaders = loaders(ctx)?;
        let votes = loaders.load_one(VotesOf(self.0.id)).await?.unwrap_or_default();
        let members = match self.0.adopted_on {
            Some(day) => loaders.load_one(members::MembersOn(day)).await?.unwrap_or_default(),
            None => Vec::new(),
        };
        let listed: std::collections::HashSet<i64> = votes.iter().map(|v| v.country_id).collect();
        let unlisted: Vec<i64> = members.into_iter().filter(|m| !listed.contains(m)).collect();
        let ids = votes.iter().map(|v| v.country_id).chain(unlisted.iter().copied()).map(CountryId);
        let countries = loaders.load_many(ids).await?;
        let recorded = votes.into_iter().map(|v| (v.country_id, v.vote().into(), true));
        let inferred = unlisted.into_iter().map(|c| (c, Vote::NonVoting, false));
        let mut out: Vec<ResolutionVote> = recorded
            .chain(inferred)
            .filter_map(|(country, vote, recorded)| {
                let country = Country(countries.get(&CountryId(country))?.clone());
                Some(ResolutionVote { vote, country, recorded })
            })
            .collect();
        out.sort_by(|a, b| a.country.0.iso3.cmp(&b.country.0.iso3));
        Ok(out)
    }

    /// The mechanisms this resolution established (their `establishedBy`).
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn established_mechanisms(&self, ctx: &Context<'_>) -> Result<Vec<crate::mechanism::Mechanism>, ApiError> {
        let rows = loaders(ctx)?.load_one(links::MechanismsEstablishedBy(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(|m| crate::mechanism::Mechanism(std::sync::Arc::new(m))).collect())
    }

    /// The special-procedure mandates this resolution established (their `establishedBy`).
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn established_mandates(&self, ctx: &Context<'_>) -> Result<Vec<crate::mechanism::Mandate>, ApiError> {
        let rows = loaders(ctx)?.load_one(links::MandatesEstablishedBy(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(crate::mechanism::Mandate).collect())
    }

    /// The mandates this resolution renewed (their `renewals`).
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn renewed_mandates(&self, ctx: &Context<'_>) -> Result<Vec<crate::mechanism::Mandate>, ApiError> {
        let rows = loaders(ctx)?.load_one(links::MandatesRenewedBy(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(crate::mechanism::Mandate).collect())
    }

    /// The reports this resolution requested (their `requestedBy`), where a source says.
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn requested_reports(&self, ctx: &Context<'_>) -> Result<Vec<Report>, ApiError> {
        let rows = loaders(ctx)?.load_one(links::ReportsRequestedBy(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Report).collect())
    }

    /// The States that sponsored the text, by ISO code.
    #[graphql(complexity = "crate::support::pagination::list_cost(60, child_complexity)")]
    async fn sponsors(&self, ctx: &Context<'_>) -> Result<Vec<Sponsor>, ApiError> {
        let loaders = loaders(ctx)?;
        let sponsors = loaders.load_one(SponsorsOf(self.0.id)).await?.unwrap_or_default();
        let countries = loaders.load_many(sponsors.iter().map(|s| CountryId(s.country_id))).await?;
        let mut out: Vec<Sponsor> = sponsors
            .into_iter()
            .filter_map(|s| {
                Some(Sponsor {
                    main: s.main,
                    council_member: s.council_member,
                    country: Country(countries.get(&CountryId(s.country_id))?.clone()),
                })
            })
            .collect();
        out.sort_by(|a, b| a.country.0.iso3.cmp(&b.country.0.iso3));
        Ok(out)
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

impl Resolution {
    async fn roll_call_count(&self, ctx: &Context<'_>) -> Result<RollCallCount, ApiError> {
        let votes = loaders(ctx)?.load_one(VotesOf(self.0.id)).await?.unwrap_or_default();
        let count = |v: models::Vote| votes.iter().filter(|r| r.vote() == v).count() as i32;
        Ok(RollCallCount {
            yes: count(models::Vote::Yes),
            no: count(models::Vote::No),
            abstain: count(models::Vote::Abstain),
            non_voting: count(models::Vote::NonVoting),
            absent: count(models::Vote::Absent),
        })
    }
}

/// One member's vote.
pub struct ResolutionVote {
    country: Country,
    vote: Vote,
    recorded: bool,
}

/// One member's vote.
#[Object]
impl ResolutionVote {
    /// The voting member.
    async fn country(&self) -> &Country {
        &self.country
    }

    /// Its vote.
    async fn vote(&self) -> Vote {
        self.vote
    }

    /// Whether the roll call lists this member; false for a member of the Council on that day that the record of
    /// the vote does not name (shown as `NON_VOTING`).
    async fn recorded(&self) -> bool {
        self.recorded
    }
}

/// A sponsor of a resolution or draft.
pub struct Sponsor {
    country: Country,
    council_member: bool,
    main: bool,
}

/// A sponsor of a resolution or draft.
#[Object]
impl Sponsor {
    /// The sponsoring State.
    async fn country(&self) -> &Country {
        &self.country
    }

    /// Whether it was a member of the Council when it sponsored the text.
    async fn council_member(&self) -> bool {
        self.council_member
    }

    /// Whether the record names it among the main sponsors (the others co-sponsored).
    async fn main(&self) -> bool {
        self.main
    }
}

/// A report to the Council or another organ.
pub struct Report(pub models::Report);

/// A report to the Council or another organ.
#[Object]
impl Report {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Report", &self.0.symbol)
    }

    /// Document symbol, such as `A/HRC/43/37`.
    async fn symbol(&self) -> &str {
        &self.0.symbol
    }

    /// Title in the requested language, falling back to English, then to whichever language we hold.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.title_en.as_deref(), self.0.title_zh.as_deref())
    }

    /// The resolution that requested it, where a source says (A/HRC/43/37 was submitted under resolution 38/18).
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        let Some(id) = self.0.requested_by_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(crate::loaders::ResolutionId(id)).await?.map(Resolution))
    }

    /// Author: a mechanism, a mandate, the High Commissioner, the Secretary-General.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }

    /// The Council session it was submitted to, for Council documents.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// The recommendations it contains, in document order (at most `first`, default 100, most 500), loaded in one
    /// batch for all the reports of a page.
    #[graphql(complexity = "crate::support::pagination::page_cost(first, None, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (default 100, most 500).")] first: Option<i32>,
    ) -> Result<Vec<crate::recommendation::Recommendation>, ApiError> {
        let limit = first.unwrap_or(100);
        if !(0..=500).contains(&limit) {
            return Err(ApiError::bad_input("first", format!("first must be between 0 and 500, not {limit}")));
        }
        let rows =
            loaders(ctx)?.load_one(crate::loaders::RecommendationsOfReport(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().take(limit as usize).map(crate::recommendation::Recommendation).collect())
    }

    /// Agenda item, when known.
    async fn agenda_item(&self) -> Option<i32> {
        self.0.agenda_item
    }

    /// Date of issue, when known.
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
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
