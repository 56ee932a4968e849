//! Writing checked texts and roll calls: the tables read once into a [`Context`], then one statement a changed
//! text, and the roll calls' new rows in batches.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Outcome, Report, SeedDisagreement};
use crate::audit::Entry;
use crate::models::{AdoptionMethod, ResolutionKind, ResolutionStatus, SessionBody, Vote};
use crate::resolution::{membership, Resolution};
use crate::schema::{countries, country_aliases, resolution_sponsors, resolution_votes, resolutions, sessions};
use crate::DbConnection;

/// A checked text, as it is to be held.
#[derive(Debug, Clone)]
pub(super) struct Text {
    /// The record's row in the file.
    pub row: usize,
    pub symbol: String,
    pub kind: ResolutionKind,
    pub status: ResolutionStatus,
    pub session: Option<i32>,
    pub special_session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub agenda_item: Option<i32>,
    pub agenda_title: Option<String>,
    pub subject: Option<String>,
    pub meeting: Option<String>,
    pub main_sponsors: Option<String>,
    pub adoption_method: Option<AdoptionMethod>,
    pub official: Option<[i32; 3]>,
    pub non_voting: Option<i32>,
    pub concerns: Option<String>,
    /// `(row, country id, vote)`.
    pub roll_call: Vec<(usize, i64, Vote)>,
}

/// The columns an import owns, every one written (a `None` clears it).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = resolutions, treat_none_as_null = true)]
struct Row {
    session_id: Option<i64>,
    special_session: Option<i32>,
    agenda_item: Option<i32>,
    agenda_title: Option<String>,
    title_en: Option<String>,
    status: String,
    kind: String,
    adopted_on: Option<NaiveDate>,
    meeting: Option<String>,
    adoption_method: Option<String>,
    subject: Option<String>,
    main_sponsors: Option<String>,
    official_yes: Option<i32>,
    official_no: Option<i32>,
    official_abstain: Option<i32>,
    official_non_voting: Option<i32>,
    concerns_id: Option<i64>,
}

impl Row {
    /// This row, with what it does not give taken from `held`: a file that lacks a field (the library's MARCXML has
    /// no main sponsors) leaves what another import gave.
    fn or(self, held: Row) -> Row {
        Row {
            session_id: self.session_id.or(held.session_id),
            special_session: self.special_session.or(held.special_session),
            agenda_item: self.agenda_item.or(held.agenda_item),
            agenda_title: self.agenda_title.or(held.agenda_title),
            title_en: self.title_en.or(held.title_en),
            status: self.status,
            kind: self.kind,
            adopted_on: self.adopted_on.or(held.adopted_on),
            meeting: self.meeting.or(held.meeting),
            adoption_method: self.adoption_method.or(held.adoption_method),
            subject: self.subject.or(held.subject),
            main_sponsors: self.main_sponsors.or(held.main_sponsors),
            official_yes: self.official_yes.or(held.official_yes),
            official_no: self.official_no.or(held.official_no),
            official_abstain: self.official_abstain.or(held.official_abstain),
            official_non_voting: self.official_non_voting.or(held.official_non_voting),
            concerns_id: self.concerns_id.or(held.concerns_id),
        }
    }

    fn of(r: &Resolution) -> Row {
        Row {
            session_id: r.session_id,
            special_session: r.special_session,
            agenda_item: r.agenda_item,
            agenda_title: r.agenda_title.clone(),
            title_en: r.title_en.clone(),
            status: r.status.clone(),
            kind: r.kind.clone(),
            adopted_on: r.adopted_on,
            meeting: r.meeting.clone(),
            adoption_method: r.adoption_method.clone(),
            subject: r.subject.clone(),
            main_sponsors: r.main_sponsors.clone(),
            official_yes: r.official_yes,
            official_no: r.official_no,
            official_abstain: r.official_abstain,
            official_non_voting: r.official_non_voting,
            concerns_id: r.concerns_id,
        }
    }
}

/// What the import knows of the database, read once.
pub(super) struct Context {
    citation: String,
    actor: String,
    stamp: NaiveDateTime,
    countries: HashMap<String, i64>,
    iso_codes: Vec<String>,
    names: HashMap<String, i64>,
    sessions: HashMap<i32, i64>,
    texts: HashMap<String, Resolution>,
    touched: HashSet<i64>,
}

/// Whether a record was seeded (its source cites a seed document): then the seed's values stay.
fn seeded(r: &Resolution) -> bool {
    r.source.contains("(seed ")
}

fn now() -> NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

impl Context {
    pub fn load(conn: &mut DbConnection, citation: String, actor: String) -> QueryResult<Context> {
        let rows: Vec<(i64, String, String)> =
            countries::table.select((countries::id, countries::iso3, countries::name_en)).load(conn)?;
        let aliases: Vec<(i64, String)> =
            country_aliases::table.select((country_aliases::country_id, country_aliases::name)).load(conn)?;
        let sessions = sessions::table
            .filter(sessions::body.eq(SessionBody::Hrc.as_str()))
            .select((sessions::number, sessions::id))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .collect();
        let texts = resolutions::table
            .filter(resolutions::symbol.is_not_null())
            .select(Resolution::as_select())
            .load(conn)?
            .into_iter()
            .filter_map(|r| Some((r.symbol.clone()?, r)))
            .collect();
        Ok(Context {
            citation,
            actor,
            stamp: now(),
            countries: rows.iter().map(|(id, iso, _)| (iso.clone(), *id)).collect(),
            iso_codes: rows.iter().map(|(_, iso, _)| iso.clone()).collect(),
            names: rows
                .iter()
                .map(|(id, _, name)| (name.to_uppercase(), *id))
                .chain(aliases.into_iter().map(|(id, name)| (name.to_uppercase(), id)))
                .collect(),
            sessions,
            texts,
            touched: HashSet::new(),
        })
    }

    pub fn country(&self, iso3: &str) -> Option<i64> {
        self.countries.get(&iso3.trim().to_ascii_uppercase()).copied()
    }

    /// The error for an unknown code, naming the codes closest to it.
    pub fn unknown_country(&self, iso3: &str) -> String {
        let wanted = iso3.trim().to_ascii_uppercase();
        let close: Vec<&str> = self
            .iso_codes
            .iter()
            .filter(|code| {
                code.len() == wanted.len() && code.chars().zip(wanted.chars()).filter(|(a, b)| a != b).count() == 1
            })
            .map(String::as_str)
            .take(5)
            .collect();
        if close.is_empty() {
            format!("no State has the ISO 3166 alpha-3 code {iso3:?}")
        } else {
            format!("no State has the ISO 3166 alpha-3 code {iso3:?} (closest: {})", close.join(", "))
        }
    }

    pub fn holds(&self, symbol: &str) -> bool {
        self.texts.contains_key(symbol)
    }

    fn source(&self, symbol: &str) -> String {
        format!("{}: {symbol}", self.citation)
    }

    /// The id of regular session `n`, adding the session when no record names it yet.
    fn session_id(&mut self, conn: &mut DbConnection, n: i32, report: &mut Report) -> QueryResult<i64> {
        if let Some(id) = self.sessions.get(&n) {
            return Ok(*id);
        }
        let id = diesel::insert_into(sessions::table)
            .values((
                sessions::body.eq(SessionBody::Hrc.as_str()),
                sessions::number.eq(n),
                sessions::source
                    .eq(format!("{}: session named by the symbols of its texts; dates not given", self.citation)),
                sessions::created_at.eq(self.stamp),
                sessions::updated_at.eq(self.stamp),
            ))
            .returning(sessions::id)
            .get_result(conn)?;
        report.sessions_created += 1;
        self.sessions.insert(n, id);
        Ok(id)
    }

    fn audit(&self, conn: &mut DbConnection, symbol: &str, action: &'static str, detail: String) -> QueryResult<()> {
        Entry { actor: self.actor.clone(), action, entity: "Resolution", entity_key: symbol.to_owned(), detail }
            .write(conn, self.stamp)
    }

    pub fn write_text(&mut self, conn: &mut DbConnection, text: &Text, report: &mut Report) -> QueryResult<Outcome> {
        let session_id = match text.session {
            Some(n) => Some(self.session_id(conn, n, report)?),
            None => None,
        };
        let row = Row {
            session_id,
            special_session: text.special_session,
            agenda_item: text.agenda_item,
            agenda_title: text.agenda_title.clone(),
            title_en: text.title.clone(),
            status: text.status.as_str().to_owned(),
            kind: text.kind.as_str().to_owned(),
            adopted_on: text.adopted_on,
            meeting: text.meeting.clone(),
            adoption_method: text.adoption_method.map(|m| m.as_str().to_owned()),
            subject: text.subject.clone(),
            main_sponsors: text.main_sponsors.clone(),
            official_yes: text.official.map(|t| t[0]),
            official_no: text.official.map(|t| t[1]),
            official_abstain: text.official.map(|t| t[2]),
            official_non_voting: text.non_voting,
            concerns_id: text.concerns.as_deref().and_then(|s| self.texts.get(s)).map(|r| r.id),
        };
        let mut outcome = match self.texts.get(&text.symbol) {
            None => {
                diesel::insert_into(resolutions::table)
                    .values((
                        &row,
                        resolutions::key.eq(&text.symbol),
                        resolutions::symbol.eq(&text.symbol),
                        resolutions::organ.eq("HRC"),
                        resolutions::source.eq(self.source(&text.symbol)),
                        resolutions::created_at.eq(self.stamp),
                        resolutions::updated_at.eq(self.stamp),
                    ))
                    .execute(conn)?;
                self.audit(conn, &text.symbol, "resolution.import", r#"{"outcome":"created"}"#.into())?;
                Outcome::Created
            }
            Some(existing) if seeded(existing) => {
                let existing = existing.clone();
                self.fill_seeded(conn, &existing, row, report)?
            }
            Some(existing) if Row::of(existing) == row.clone().or(Row::of(existing)) => Outcome::Unchanged,
            Some(existing) => {
                let row = row.or(Row::of(existing));
                let id = existing.id;
                diesel::update(resolutions::table.find(id))
                    .set((&row, resolutions::updated_at.eq(self.stamp)))
                    .execute(conn)?;
                self.audit(conn, &text.symbol, "resolution.import", r#"{"outcome":"updated"}"#.into())?;
                Outcome::Updated
            }
        };
        let reloaded = resolutions::table
            .filter(resolutions::symbol.eq(&text.symbol))
            .select(Resolution::as_select())
            .first(conn)?;
        let id = reloaded.id;
        let is_seeded = seeded(&reloaded);
        self.texts.insert(text.symbol.clone(), reloaded);
        self.touched.insert(id);
        let sponsors_given = text.main_sponsors.is_some();
        if !is_seeded
            && sponsors_given
            && self.write_main_sponsors(conn, id, text, report)?
            && outcome == Outcome::Unchanged
        {
            outcome = Outcome::Updated;
        }
        if !text.roll_call.is_empty() {
            let changed = self.write_roll_call(conn, &text.symbol, &text.roll_call, report)?;
            if changed.iter().any(|o| *o != Outcome::Unchanged) && outcome == Outcome::Unchanged {
                outcome = Outcome::Updated;
            }
        }
        Ok(outcome)
    }

    /// A seeded text: fills what the seed leaves empty, and reports (without changing) what the two disagree on.
    fn fill_seeded(
        &mut self,
        conn: &mut DbConnection,
        existing: &Resolution,
        want: Row,
        report: &mut Report,
    ) -> QueryResult<Outcome> {
        let symbol = existing.symbol.clone().unwrap_or_default();
        let mut have = Row::of(existing);
        let mut filled = Vec::new();
        macro_rules! field {
            ($name:ident, $label:literal) => {
                match (&have.$name, &want.$name) {
                    (None, Some(_)) => {
                        have.$name = want.$name.clone();
                        filled.push($label);
                    }
                    (Some(seed), Some(import)) if seed != import => report.seed_disagreements.push(SeedDisagreement {
                        symbol: symbol.clone(),
                        field: $label.into(),
                        seed: format!("{seed:?}"),
                        import: format!("{import:?}"),
                    }),
                    _ => {}
                }
            };
        }
        field!(session_id, "session");
        field!(special_session, "specialSession");
        field!(agenda_item, "agendaItem");
        field!(agenda_title, "agendaTitle");
        field!(title_en, "title");
        field!(adopted_on, "adoptedOn");
        field!(meeting, "meeting");
        field!(adoption_method, "adoptionMethod");
        field!(subject, "subject");
        field!(main_sponsors, "mainSponsors");
        field!(official_yes, "officialTally.yes");
        field!(official_no, "officialTally.no");
        field!(official_abstain, "officialTally.abstain");
        field!(official_non_voting, "officialTally.nonVoting");
        field!(concerns_id, "concerns");
        for (label, seed, import) in [("status", &have.status, &want.status), ("kind", &have.kind, &want.kind)] {
            if seed != import {
                report.seed_disagreements.push(SeedDisagreement {
                    symbol: symbol.clone(),
                    field: label.into(),
                    seed: seed.clone(),
                    import: import.clone(),
                });
            }
        }
        if filled.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        diesel::update(resolutions::table.find(existing.id))
            .set((&have, resolutions::updated_at.eq(self.stamp)))
            .execute(conn)?;
        let detail = serde_json::json!({ "outcome": "filled what the seed leaves empty", "fields": filled });
        self.audit(conn, &symbol, "resolution.import", detail.to_string())?;
        Ok(Outcome::Updated)
    }

    /// The main sponsors the record names, as sponsors of the text; a name that is no State's is reported and kept
    /// in `main_sponsors` as written. Returns whether anything changed.
    fn write_main_sponsors(
        &self,
        conn: &mut DbConnection,
        id: i64,
        text: &Text,
        report: &mut Report,
    ) -> QueryResult<bool> {
        let mut want = Vec::new();
        for name in text.main_sponsors.as_deref().map(super::read::sponsor_names).unwrap_or_default() {
            match self.names.get(&name.to_uppercase()) {
                Some(country) if !want.contains(country) => want.push(*country),
                Some(_) => {}
                None => {
                    report.warnings.push(super::error(text.row, "main_sponsors", format!(
                        "{}: {name:?} is neither the English name of a State nor a name in country_aliases; kept as written",
                        text.symbol
                    )));
                }
            }
        }
        let have: Vec<i64> = resolution_sponsors::table
            .filter(resolution_sponsors::resolution_id.eq(id).and(resolution_sponsors::main.eq(true)))
            .select(resolution_sponsors::country_id)
            .order(resolution_sponsors::country_id)
            .load(conn)?;
        let mut sorted = want.clone();
        sorted.sort_unstable();
        if sorted == have {
            return Ok(false);
        }
        diesel::delete(
            resolution_sponsors::table
                .filter(resolution_sponsors::resolution_id.eq(id).and(resolution_sponsors::main.eq(true))),
        )
        .execute(conn)?;
        let rows: Vec<_> = want
            .iter()
            .map(|country| {
                (
                    resolution_sponsors::resolution_id.eq(id),
                    resolution_sponsors::country_id.eq(*country),
                    resolution_sponsors::council_member.eq(false),
                    resolution_sponsors::main.eq(true),
                    resolution_sponsors::source.eq(self.source(&text.symbol)),
                )
            })
            .collect();
        on_backend!(conn, |c| diesel::insert_into(resolution_sponsors::table).values(&rows).execute(c))?;
        Ok(true)
    }

    /// A text's roll call: new votes added, changed ones updated; on a seeded text, a vote the seed gives otherwise
    /// is reported and kept. One outcome a vote.
    pub fn write_roll_call(
        &mut self,
        conn: &mut DbConnection,
        symbol: &str,
        votes: &[(usize, i64, Vote)],
        report: &mut Report,
    ) -> QueryResult<Vec<Outcome>> {
        let Some(text) = self.texts.get(symbol) else { return Ok(Vec::new()) };
        let (id, is_seeded) = (text.id, seeded(text));
        let source = self.source(symbol);
        let have: HashMap<i64, (String, String)> = resolution_votes::table
            .filter(resolution_votes::resolution_id.eq(id))
            .select((resolution_votes::country_id, resolution_votes::vote, resolution_votes::source))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(c, v, s)| (c, (v, s)))
            .collect();
        let mut outcomes = Vec::with_capacity(votes.len());
        let mut new = Vec::new();
        for (_, country, vote) in votes {
            match have.get(country) {
                None => {
                    new.push((
                        resolution_votes::resolution_id.eq(id),
                        resolution_votes::country_id.eq(*country),
                        resolution_votes::vote.eq(vote.as_str()),
                        resolution_votes::source.eq(source.clone()),
                    ));
                    outcomes.push(Outcome::Created);
                }
                Some((v, _)) if v == vote.as_str() => outcomes.push(Outcome::Unchanged),
                Some((v, s)) if is_seeded || s.contains("(seed ") => {
                    let iso = self.countries.iter().find(|(_, c)| *c == country).map(|(i, _)| i.clone());
                    report.seed_disagreements.push(SeedDisagreement {
                        symbol: symbol.to_owned(),
                        field: format!("votes.{}", iso.unwrap_or_default()),
                        seed: v.clone(),
                        import: vote.as_str().to_owned(),
                    });
                    outcomes.push(Outcome::Unchanged);
                }
                Some(_) => {
                    diesel::update(resolution_votes::table.find((id, *country)))
                        .set((resolution_votes::vote.eq(vote.as_str()), resolution_votes::source.eq(&source)))
                        .execute(conn)?;
                    outcomes.push(Outcome::Updated);
                }
            }
        }
        for chunk in new.chunks(400) {
            on_backend!(conn, |c| diesel::insert_into(resolution_votes::table).values(chunk).execute(c))?;
        }
        if outcomes.iter().any(|o| *o != Outcome::Unchanged) {
            diesel::update(resolutions::table.find(id)).set(resolutions::updated_at.eq(self.stamp)).execute(conn)?;
            if !is_seeded {
                diesel::update(resolutions::table.find(id).filter(resolutions::adoption_method.is_null()))
                    .set(resolutions::adoption_method.eq(AdoptionMethod::RecordedVote.as_str()))
                    .execute(conn)?;
            }
        }
        self.touched.insert(id);
        Ok(outcomes)
    }

    /// After every row: flags the texts whose totals and roll call disagree, marks which main sponsors sat on the
    /// Council (those its roll call lists), and derives the membership terms anew.
    pub fn finish(&mut self, conn: &mut DbConnection, report: &mut Report) -> QueryResult<()> {
        let ids: Vec<i64> = self.touched.iter().copied().collect();
        for chunk in ids.chunks(500) {
            let counts: Vec<(i64, String, i64)> = resolution_votes::table
                .filter(resolution_votes::resolution_id.eq_any(chunk))
                .group_by((resolution_votes::resolution_id, resolution_votes::vote))
                .select((resolution_votes::resolution_id, resolution_votes::vote, diesel::dsl::count_star()))
                .load(conn)?;
            let mut tallies: HashMap<i64, [i64; 3]> = HashMap::new();
            for (id, vote, n) in counts {
                let at = match Vote::from_db(&vote) {
                    Vote::Yes => 0,
                    Vote::No => 1,
                    Vote::Abstain => 2,
                    _ => continue,
                };
                tallies.entry(id).or_default()[at] = n;
            }
            let texts: Vec<Resolution> =
                resolutions::table.filter(resolutions::id.eq_any(chunk)).select(Resolution::as_select()).load(conn)?;
            for text in texts {
                let roll_call = tallies.get(&text.id).copied();
                let disagrees = match (text.official_tally(), roll_call) {
                    (Some((y, n, a)), Some(counted)) => [y as i64, n as i64, a as i64] != counted,
                    _ => false,
                };
                if disagrees != text.tally_disagrees {
                    diesel::update(resolutions::table.find(text.id))
                        .set(resolutions::tally_disagrees.eq(disagrees))
                        .execute(conn)?;
                }
                if let (true, Some((y, n, a)), Some(counted)) = (disagrees, text.official_tally(), roll_call) {
                    report.flagged_texts.push(super::FlaggedText {
                        symbol: text.symbol.clone().unwrap_or_default(),
                        official: [y, n, a],
                        roll_call: counted,
                    });
                }
            }
            let listed: HashSet<(i64, i64)> = resolution_votes::table
                .filter(resolution_votes::resolution_id.eq_any(chunk))
                .select((resolution_votes::resolution_id, resolution_votes::country_id))
                .load::<(i64, i64)>(conn)?
                .into_iter()
                .collect();
            let sponsors: Vec<(i64, i64, bool)> = resolution_sponsors::table
                .filter(resolution_sponsors::resolution_id.eq_any(chunk).and(resolution_sponsors::main.eq(true)))
                .select((
                    resolution_sponsors::resolution_id,
                    resolution_sponsors::country_id,
                    resolution_sponsors::council_member,
                ))
                .load(conn)?;
            for (text, country, member) in sponsors {
                let listed = listed.contains(&(text, country));
                if listed != member {
                    diesel::update(resolution_sponsors::table.find((text, country)))
                        .set(resolution_sponsors::council_member.eq(listed))
                        .execute(conn)?;
                }
            }
        }
        report.flagged_texts.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        self.odd_roll_calls(conn, &ids, report)?;
        report.membership = membership::derive(conn, self.stamp)?;
        // Statistics of what was just written, so that the planner knows the tables' new size at once: without them,
        // PostgreSQL planned the voting aggregates over a fresh import as if the tables were empty (an agreement
        // matrix took 0.4 s, not 0.03 s, until autovacuum came by).
        if conn.backend() == crate::Backend::Postgres {
            diesel::sql_query("ANALYZE resolutions, resolution_votes, council_memberships").execute(conn)?;
        }
        Ok(())
    }

    /// Warns of a State that a roll call lists but most roll calls of the same day do not (or the reverse): a real
    /// record may list a State by the wrong code (A/HRC/RES/16/31 lists SVN and SWZ where the day's six others list
    /// CHE and SVK). The votes are kept as the record gives them; the derived membership shows both.
    fn odd_roll_calls(&self, conn: &mut DbConnection, ids: &[i64], report: &mut Report) -> QueryResult<()> {
        let days: HashSet<NaiveDate> =
            self.texts.values().filter(|t| ids.contains(&t.id)).filter_map(|t| t.adopted_on).collect();
        let days: Vec<NaiveDate> = days.into_iter().collect();
        let mut listed: HashMap<NaiveDate, HashMap<String, HashSet<String>>> = HashMap::new();
        for chunk in days.chunks(200) {
            let rows: Vec<(NaiveDate, Option<String>, String)> = resolution_votes::table
                .inner_join(resolutions::table)
                .inner_join(countries::table)
                .filter(resolutions::adopted_on.eq_any(chunk))
                .select((resolutions::adopted_on.assume_not_null(), resolutions::symbol, countries::iso3))
                .load(conn)?;
            for (day, symbol, iso3) in rows {
                listed.entry(day).or_default().entry(symbol.unwrap_or_default()).or_default().insert(iso3);
            }
        }
        let mut days: Vec<_> = listed.into_iter().collect();
        days.sort_by_key(|(day, _)| *day);
        for (day, texts) in days {
            if texts.len() < 3 {
                continue;
            }
            let mut seen: HashMap<&String, usize> = HashMap::new();
            for states in texts.values() {
                for state in states {
                    *seen.entry(state).or_default() += 1;
                }
            }
            let mut symbols: Vec<&String> = texts.keys().collect();
            symbols.sort();
            for symbol in symbols {
                let states = &texts[symbol];
                let mut extra: Vec<&str> =
                    states.iter().filter(|s| seen[s] * 2 < texts.len()).map(String::as_str).collect();
                let mut missing: Vec<&str> = seen
                    .iter()
                    .filter(|(s, n)| **n * 2 > texts.len() && !states.contains(**s))
                    .map(|(s, _)| s.as_str())
                    .collect();
                if extra.is_empty() && missing.is_empty() {
                    continue;
                }
                extra.sort_unstable();
                missing.sort_unstable();
                // Row 0: the warning is of a text's roll call, not of one row of the file.
                report.warnings.push(super::error(0, "roll call", format!(
                    "{symbol} ({day}) lists {} and not {}, unlike most of the day's {} roll calls: kept as the record gives it",
                    if extra.is_empty() { "no other State".to_owned() } else { extra.join(", ") },
                    if missing.is_empty() { "none missing".to_owned() } else { missing.join(", ") },
                    texts.len()
                )));
            }
        }
        Ok(())
    }
}
