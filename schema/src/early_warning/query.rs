//! Early warning's root queries: signals as the caller may see them, the analysis, and briefings.

use crate::reference::{Country, RegionalGroupCode};
use crate::support::access::{guard_caller, guard_caller_scope, guard_scope};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, ListOrder, PageArgs, TotalCount};
use crate::support::scalars::Date;
use async_graphql::{Context, Object, ID};
use hrc_db::models::early_warning::{self as store, Briefing as BriefingRow, Signal as Row, SignalFilter as RowFilter};
use hrc_db::models::{self};

use super::{
    briefing_key, signal_key, signal_scope, trend, CountrySignals, EarlyWarningAnalysis, EarlyWarningPolicy,
    EarlyWarningSignal, EarlyWarningSignalFilter, HorizonBriefing, HorizonBriefingFilter, SignalCell, SignalThreshold,
    ThresholdCrossing,
};

/// Early warning's entry points.
#[derive(Default)]
pub struct EarlyWarningQuery;

#[Object]
impl EarlyWarningQuery {
    /// Early-warning signals, as the caller may see them: the secretariat all; the Council's Bureau verified ones.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn early_warning_signals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (the order recorded).")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which signals; all the caller may see when absent.")] filter: Option<
            EarlyWarningSignalFilter,
        >,
    ) -> Result<ListConnection<EarlyWarningSignal>, ApiError> {
        let scope = signal_scope(guard_caller_scope(ctx, "Query.earlyWarningSignals")?.1);
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        if let (Some(from), Some(to)) = (&f.observed_from, &f.observed_to) {
            if to.0 < from.0 {
                return Err(ApiError::bad_input("filter.observedTo", "the range ends before it starts"));
            }
        }
        let (filter, rows) = query(ctx, move |c| {
            let country_id = match f.country.as_deref() {
                None => None,
                Some(code) => match crate::lookup::country_id(c, "filter.country", code)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let filter = RowFilter {
                scope,
                country_id,
                regional_group_id: crate::lookup::regional_group_id(c, f.region)?,
                category: f.category.map(Into::into),
                severity: f.severity.map(Into::into),
                status: f.status.map(Into::into),
                observed_from: f.observed_from.map(|d| d.0),
                observed_to: f.observed_to.map(|d| d.0),
                updated_since: f.updated_since.map(|t| t.0),
                fictional: f.fictional,
            };
            let rows = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), EarlyWarningSignal, count))
    }

    /// An early-warning signal by ID; null if there is none, or if the caller may not see it.
    async fn early_warning_signal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<EarlyWarningSignal>, ApiError> {
        let scope = signal_scope(guard_caller_scope(ctx, "Query.earlyWarningSignal")?.1);
        let Ok(key) = signal_key("id", &id) else { return Ok(None) };
        Ok(query(ctx, move |c| Row::by_key(c, &key, scope)).await?.map(EarlyWarningSignal))
    }

    /// The analysis behind a regional horizon-scanning briefing, over verified signals only: per category and
    /// severity and per country, the period against the one of the same length just before it, and the countries
    /// whose pattern crosses the threshold (at least `threshold` grave verified signals within `windowDays`
    /// consecutive days; the server's settings unless given here).
    #[allow(clippy::too_many_arguments)]
    async fn early_warning_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the period.")] from: Date,
        #[graphql(desc = "Last day of the period (at most 5 years after the first).")] to: Date,
        #[graphql(desc = "Only the countries of this regional group.")] region: Option<RegionalGroupCode>,
        #[graphql(desc = "Only this country (ISO 3166-1 alpha-3 code).")] country: Option<String>,
        #[graphql(desc = "Grave verified signals that make a crossing (1 to 1,000).")] threshold: Option<i32>,
        #[graphql(desc = "Days of the sliding window (1 to 366).")] window_days: Option<i32>,
    ) -> Result<EarlyWarningAnalysis, ApiError> {
        guard_caller(ctx, "Query.earlyWarningAnalysis")?;
        let Some(periods) = store::Periods::new(from.0, to.0) else {
            return Err(ApiError::bad_input("to", "the period ends before it starts"));
        };
        if (to.0 - from.0).num_days() > 5 * 366 {
            return Err(ApiError::bad_input("to", "analyse at most five years at a time"));
        }
        let mut rule = ctx.data_opt::<EarlyWarningPolicy>().cloned().unwrap_or_default().0;
        if let Some(n) = threshold {
            rule.signals = usize::try_from(n)
                .ok()
                .filter(|n| (1..=1_000).contains(n))
                .ok_or_else(|| ApiError::bad_input("threshold", "from 1 to 1,000"))?;
        }
        if let Some(days) = window_days {
            rule.window_days = u32::try_from(days)
                .ok()
                .filter(|d| (1..=366).contains(d))
                .ok_or_else(|| ApiError::bad_input("windowDays", "from 1 to 366"))?;
        }
        let threshold_rule = rule.clone();
        let (analysis, countries) = query(ctx, move |c| {
            let country_id = match country.as_deref() {
                None => None,
                Some(code) => match crate::lookup::country_id(c, "country", code)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let group = crate::lookup::regional_group_id(c, region)?;
            let observations = store::verified_observations(c, country_id, group, periods.previous_from, periods.to)?;
            let analysis = store::analyse(&observations, periods, &threshold_rule);
            let ids: Vec<i64> = analysis.countries.iter().map(|c| c.country_id).collect();
            let countries: std::collections::HashMap<i64, models::Country> =
                models::Country::by_ids(c, &ids)?.into_iter().map(|c| (c.id, c)).collect();
            Ok(Ok((analysis, countries)))
        })
        .await??;
        let country = |id: i64| countries.get(&id).cloned().map(Country::from);
        Ok(EarlyWarningAnalysis {
            from: Date(periods.from),
            to: Date(periods.to),
            previous_from: Date(periods.previous_from),
            previous_to: Date(periods.previous_to),
            total: analysis.total,
            previous_total: analysis.previous_total,
            trend: trend(analysis.total, analysis.previous_total),
            by_category_and_severity: analysis
                .cells
                .iter()
                .map(|c| SignalCell {
                    category: c.category.into(),
                    severity: c.severity.into(),
                    count: c.count,
                    previous_count: c.previous_count,
                    trend: trend(c.count, c.previous_count),
                })
                .collect(),
            by_country: analysis
                .countries
                .iter()
                .filter_map(|c| {
                    Some(CountrySignals {
                        country: country(c.country_id)?,
                        count: c.count,
                        previous_count: c.previous_count,
                        trend: trend(c.count, c.previous_count),
                    })
                })
                .collect(),
            countries_over_threshold: analysis
                .crossings
                .iter()
                .filter_map(|x| {
                    Some(ThresholdCrossing {
                        country: country(x.country_id)?,
                        signals: x.signals,
                        window_starts_on: Date(x.window_starts_on),
                        window_ends_on: Date(x.window_ends_on),
                        categories: x.categories.iter().map(|c| (*c).into()).collect(),
                    })
                })
                .collect(),
            threshold: SignalThreshold {
                signals: i32::try_from(rule.signals).unwrap_or(i32::MAX),
                window_days: i32::try_from(rule.window_days).unwrap_or(i32::MAX),
                grave_categories: rule.grave.iter().map(|c| (*c).into()).collect(),
            },
        })
    }

    /// The High Commissioner's regional horizon-scanning briefings: the delivered ones (public); the secretariat
    /// also sees those scheduled.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn horizon_briefings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which briefings; all when absent.")] filter: Option<HorizonBriefingFilter>,
    ) -> Result<ListConnection<HorizonBriefing>, ApiError> {
        let include_scheduled = guard_scope(ctx, "Query.horizonBriefings")?.1.is_all();
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        if let Some(year) = f.year.filter(|y| !(2006..=2100).contains(y)) {
            return Err(ApiError::bad_input("filter.year", format!("{year} is not a year of the Council")));
        }
        let (filter, rows) = query(ctx, move |c| {
            let country_id = match f.country.as_deref() {
                None => None,
                Some(code) => match crate::lookup::country_id(c, "filter.country", code)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let session_id = match crate::lookup::session_id(c, "filter.session", f.session)? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let filter = store::BriefingFilter {
                include_scheduled,
                regional_group_id: crate::lookup::regional_group_id(c, f.region)?,
                country_id,
                session_id,
                year: f.year,
            };
            let rows = BriefingRow::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| BriefingRow::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), HorizonBriefing, count))
    }

    /// A briefing by ID; null if there is none (or, for all but the secretariat, if it is only scheduled).
    async fn horizon_briefing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<HorizonBriefing>, ApiError> {
        let include_scheduled = guard_scope(ctx, "Query.horizonBriefing")?.1.is_all();
        let Ok(key) = briefing_key("id", &id) else { return Ok(None) };
        Ok(query(ctx, move |c| BriefingRow::by_key(c, &key, include_scheduled)).await?.map(HorizonBriefing))
    }
}
