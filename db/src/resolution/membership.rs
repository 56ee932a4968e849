//! Council membership: each State's terms, given by a source or read off the roll calls.
//!
//! Where no source of the terms is given, a term is *derived*: a run of consecutive recorded votes (by date) in
//! whose roll call the State is listed, present or absent, since a roll call lists every member. Until 2013 the
//! membership year ran from June to June, so calendar years would mix two memberships; runs of roll calls do not.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::{council_memberships, resolution_votes, resolutions};
use crate::DbConnection;

/// One State's term on the Council.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = council_memberships)]
pub struct CouncilMembership {
    pub id: i64,
    pub country_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Read off the roll calls rather than given by a source of the terms.
    pub derived: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The source of derived terms.
pub const DERIVED_SOURCE: &str =
    "derived from the roll calls of recorded votes (a run of consecutive recorded votes listing the State)";

impl CouncilMembership {
    /// The terms running on a day, one a State: a given term is preferred to a derived one.
    pub fn on(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<CouncilMembership>> {
        let rows: Vec<CouncilMembership> = council_memberships::table
            .filter(council_memberships::starts_on.le(day).and(council_memberships::ends_on.ge(day)))
            .order((council_memberships::country_id, council_memberships::derived, council_memberships::id))
            .select(CouncilMembership::as_select())
            .load(conn)?;
        let mut out: Vec<CouncilMembership> = Vec::with_capacity(rows.len());
        for row in rows {
            if out.last().map(|last| last.country_id) != Some(row.country_id) {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// The members on each of several days (for a page of resolutions), by day, as the terms a source gives say:
    /// derived terms are read off the roll calls, so they add no member a roll call does not already list.
    pub fn given_on_days(conn: &mut DbConnection, days: &[NaiveDate]) -> QueryResult<HashMap<NaiveDate, Vec<i64>>> {
        let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
            return Ok(HashMap::new());
        };
        let rows: Vec<(i64, NaiveDate, NaiveDate)> = council_memberships::table
            .filter(council_memberships::derived.eq(false))
            .filter(council_memberships::starts_on.le(last).and(council_memberships::ends_on.ge(first)))
            .select((council_memberships::country_id, council_memberships::starts_on, council_memberships::ends_on))
            .load(conn)?;
        let mut out = HashMap::new();
        for day in days {
            let mut members: Vec<i64> =
                rows.iter().filter(|(_, s, e)| s <= day && day <= e).map(|(c, _, _)| *c).collect();
            members.sort_unstable();
            members.dedup();
            out.insert(*day, members);
        }
        Ok(out)
    }

    /// Every term of one State, oldest first.
    pub fn of_country(conn: &mut DbConnection, country_id: i64) -> QueryResult<Vec<CouncilMembership>> {
        council_memberships::table
            .filter(council_memberships::country_id.eq(country_id))
            .order((council_memberships::starts_on, council_memberships::derived))
            .select(CouncilMembership::as_select())
            .load(conn)
    }
}

/// Counts of a re-derivation of the terms.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Derived {
    pub created: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// Derives the terms anew from every Council roll call held, keeping the ones that did not change (so their
/// `created_at` stays); terms given by a source are never touched.
pub fn derive(conn: &mut DbConnection, stamp: NaiveDateTime) -> QueryResult<Derived> {
    let listed: Vec<(NaiveDate, i64)> = resolution_votes::table
        .inner_join(resolutions::table)
        .filter(resolutions::organ.eq("HRC"))
        .filter(resolutions::adopted_on.is_not_null())
        .select((resolutions::adopted_on.assume_not_null(), resolution_votes::country_id))
        .distinct()
        .load(conn)?;
    // A day some given term covers is left to the given terms: a seed's roll call may list only those who voted.
    let given: Vec<(NaiveDate, NaiveDate)> = council_memberships::table
        .filter(council_memberships::derived.eq(false))
        .select((council_memberships::starts_on, council_memberships::ends_on))
        .load(conn)?;
    let listed: Vec<(NaiveDate, i64)> =
        listed.into_iter().filter(|(day, _)| !given.iter().any(|(s, e)| s <= day && day <= e)).collect();
    let wanted = runs(&listed);
    let existing: Vec<(i64, i64, NaiveDate, NaiveDate)> = council_memberships::table
        .filter(council_memberships::derived.eq(true))
        .select((
            council_memberships::id,
            council_memberships::country_id,
            council_memberships::starts_on,
            council_memberships::ends_on,
        ))
        .load(conn)?;
    let mut counts = Derived::default();
    let mut keep = BTreeSet::new();
    for (id, country, starts, ends) in existing {
        if wanted.contains(&(country, starts, ends)) {
            keep.insert((country, starts, ends));
            counts.unchanged += 1;
        } else {
            diesel::delete(council_memberships::table.find(id)).execute(conn)?;
            counts.deleted += 1;
        }
    }
    let new: Vec<_> = wanted
        .iter()
        .filter(|term| !keep.contains(*term))
        .map(|(country, starts, ends)| {
            (
                council_memberships::country_id.eq(*country),
                council_memberships::starts_on.eq(*starts),
                council_memberships::ends_on.eq(*ends),
                council_memberships::derived.eq(true),
                council_memberships::source.eq(DERIVED_SOURCE),
                council_memberships::created_at.eq(stamp),
                council_memberships::updated_at.eq(stamp),
            )
        })
        .collect();
    for chunk in new.chunks(500) {
        counts.created +=
            on_backend!(conn, |c| diesel::insert_into(council_memberships::table).values(chunk).execute(c))?;
    }
    Ok(counts)
}

/// The runs of consecutive roll-call days in which each State is listed: `(country, first day, last day)`.
pub fn runs(listed: &[(NaiveDate, i64)]) -> BTreeSet<(i64, NaiveDate, NaiveDate)> {
    let days: Vec<NaiveDate> = listed.iter().map(|(d, _)| *d).collect::<BTreeSet<_>>().into_iter().collect();
    let index: HashMap<NaiveDate, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut by_country: HashMap<i64, BTreeSet<usize>> = HashMap::new();
    for (day, country) in listed {
        by_country.entry(*country).or_default().insert(index[day]);
    }
    let mut out = BTreeSet::new();
    for (country, present) in by_country {
        let mut start: Option<usize> = None;
        let mut previous = 0;
        for i in present {
            match start {
                Some(_) if i == previous + 1 => {}
                Some(s) => {
                    out.insert((country, days[s], days[previous]));
                    start = Some(i);
                }
                None => start = Some(i),
            }
            previous = i;
        }
        if let Some(s) = start {
            out.insert((country, days[s], days[previous]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2010, 1, d).unwrap()
    }

    #[test]
    fn a_run_breaks_where_a_roll_call_does_not_list_the_state() {
        // Roll calls on days 1, 2, 3, 4; State 7 is listed on 1, 2 and 4, State 8 on all four.
        let listed = [(day(1), 7), (day(2), 7), (day(4), 7), (day(1), 8), (day(2), 8), (day(3), 8), (day(4), 8)];
        let got: Vec<_> = runs(&listed).into_iter().collect();
        assert_eq!(got, vec![(7, day(1), day(2)), (7, day(4), day(4)), (8, day(1), day(4))]);
    }
}
