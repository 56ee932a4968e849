//! Seed loaders of the recommendations and the thesaurus.

use std::collections::HashSet;

use crate::models::{Addressee, TermFacet};
use crate::schema::{recommendation_terms, recommendations, reports, thesaurus_terms};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::{
    id_map, invalid, lookup, plan, records, Change, SeedError, SeedReport, RECOMMENDATIONS, RECOMMENDATION_TERMS,
    THESAURUS_TERMS,
};

#[derive(Debug, Deserialize)]
pub(super) struct RecommendationRecord {
    key: String,
    report: String,
    paragraph: String,
    addressee: String,
    chapeau_zh: Option<String>,
    item_zh: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = recommendations, treat_none_as_null = true)]
pub(super) struct NewRecommendation {
    key: String,
    source_kind: String,
    report_id: Option<i64>,
    paragraph: Option<String>,
    addressee: String,
    text_en: Option<String>,
    text_zh: Option<String>,
    priority: bool,
    fictional: bool,
    source: String,
}

/// The recommendations of the seed report (A/HRC/43/37 paras 69-77, to the Council). Their text is the report's own
/// Chinese, the chapeau joined to the item so that each reads on its own; no English text is invented for them.
pub(super) fn load_recommendations(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "recommendations.csv";
    let reports_by_symbol = id_map(reports::table.select((reports::id, reports::symbol)).load::<(i64, String)>(conn)?);
    let mut desired = Vec::new();
    for (i, r) in records::<RecommendationRecord>(FILE, RECOMMENDATIONS)?.into_iter().enumerate() {
        Addressee::parse(&r.addressee).ok_or_else(|| invalid(FILE, i, format!("addressee {:?}", r.addressee)))?;
        let row = NewRecommendation {
            key: r.key,
            source_kind: "REPORT".to_owned(),
            report_id: lookup(FILE, i, "report", &reports_by_symbol, Some(&r.report))?,
            paragraph: Some(r.paragraph),
            addressee: r.addressee,
            text_en: None,
            text_zh: Some(format!("{}{}", r.chapeau_zh.unwrap_or_default(), r.item_zh)),
            priority: false,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    // Only the rows this file owns (real, from reports): demo data and imports are not the seed's to compare.
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = recommendations::table
        .filter(recommendations::key.eq_any(&keys))
        .select((
            recommendations::id,
            (
                recommendations::key,
                recommendations::source_kind,
                recommendations::report_id,
                recommendations::paragraph,
                recommendations::addressee,
                recommendations::text_en,
                recommendations::text_zh,
                recommendations::priority,
                recommendations::fictional,
                recommendations::source,
            ),
        ))
        .load::<(i64, NewRecommendation)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, recommendations, plan(existing, desired, report), stamp, report, versioned);
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct TermRecord {
    key: String,
    facet: String,
    name_en: String,
    name_zh: String,
    description_en: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = thesaurus_terms, treat_none_as_null = true)]
pub(super) struct NewTerm {
    key: String,
    facet: String,
    name_en: String,
    name_zh: String,
    description_en: Option<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct RecommendationTermsRecord {
    recommendation: String,
    /// Term keys separated by spaces.
    terms: String,
    #[allow(dead_code)]
    source: String,
}

/// The thesaurus, and the indexing of the seeded recommendations by it (links are added, never removed here: an
/// index entry made through the API stays).
pub(super) fn load_thesaurus(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "thesaurus_terms.csv";
    let mut desired = Vec::new();
    for (i, r) in records::<TermRecord>(FILE, THESAURUS_TERMS)?.into_iter().enumerate() {
        TermFacet::parse(&r.facet).ok_or_else(|| invalid(FILE, i, format!("facet {:?}", r.facet)))?;
        let row = NewTerm {
            key: r.key,
            facet: r.facet,
            name_en: r.name_en,
            name_zh: r.name_zh,
            description_en: r.description_en,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let existing = thesaurus_terms::table
        .select((
            thesaurus_terms::id,
            (
                thesaurus_terms::key,
                thesaurus_terms::facet,
                thesaurus_terms::name_en,
                thesaurus_terms::name_zh,
                thesaurus_terms::description_en,
                thesaurus_terms::source,
            ),
        ))
        .load::<(i64, NewTerm)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, thesaurus_terms, plan(existing, desired, report), stamp, report);

    const LINKS: &str = "recommendation_terms.csv";
    let term_ids = id_map(thesaurus_terms::table.select((thesaurus_terms::id, thesaurus_terms::key)).load(conn)?);
    // Only the recommendations this file names, and their links: not the whole table, which demo data and imports
    // make millions of rows (loading them all made every start-up on a 1M database peak at 278 MB).
    let records = records::<RecommendationTermsRecord>(LINKS, RECOMMENDATION_TERMS)?;
    let keys: Vec<&str> = records.iter().map(|r| r.recommendation.as_str()).collect();
    let recommendation_ids = id_map(
        recommendations::table
            .filter(recommendations::key.eq_any(&keys))
            .select((recommendations::id, recommendations::key))
            .load(conn)?,
    );
    let ids: Vec<i64> = recommendation_ids.values().copied().collect();
    let existing: HashSet<(i64, i64)> = recommendation_terms::table
        .filter(recommendation_terms::recommendation_id.eq_any(&ids))
        .select((recommendation_terms::recommendation_id, recommendation_terms::term_id))
        .load(conn)?
        .into_iter()
        .collect();
    let mut touched = HashSet::new();
    for (i, r) in records.into_iter().enumerate() {
        let rec = lookup(LINKS, i, "recommendation", &recommendation_ids, Some(&r.recommendation))?
            .ok_or_else(|| invalid(LINKS, i, "no recommendation"))?;
        for key in r.terms.split_whitespace() {
            let term = lookup(LINKS, i, "term", &term_ids, Some(key))?.ok_or_else(|| invalid(LINKS, i, "no term"))?;
            if existing.contains(&(rec, term)) {
                report.unchanged += 1;
                continue;
            }
            diesel::insert_into(recommendation_terms::table)
                .values((recommendation_terms::recommendation_id.eq(rec), recommendation_terms::term_id.eq(term)))
                .execute(conn)?;
            report.inserted += 1;
            touched.insert(rec);
        }
    }
    if !touched.is_empty() {
        diesel::update(recommendations::table.filter(recommendations::id.eq_any(touched)))
            .set(recommendations::updated_at.eq(stamp))
            .execute(conn)?;
    }
    Ok(())
}
