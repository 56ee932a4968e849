//! What the REST endpoints take and give: the query parameters and the bodies, typed, and described for the OpenAPI
//! document. Bodies are read from the GraphQL response of the same request, so their fields have GraphQL's names and
//! values (IDs, enum values, dates), and a partner can move between the two APIs without translating anything.

use chrono::{DateTime, NaiveDate, Utc};
use hrc_schema::mechanism::{HolderRole, MandateForm, MandateScope, MandateStatus};
use hrc_schema::recommendation::{Addressee, ImplementationStatus, RecommendationSource, Response};
use hrc_schema::reference::RegionalGroupCode;
use hrc_schema::visit::VisitStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Sort {
    /// Creation order (document order for seeded data): the default.
    #[default]
    #[serde(rename = "id")]
    Id,
    /// Newest first.
    #[serde(rename = "-id")]
    IdDesc,
    /// Last change first to last, for incremental sync.
    #[serde(rename = "updatedAt")]
    UpdatedAt,
    /// Last change, latest first.
    #[serde(rename = "-updatedAt")]
    UpdatedAtDesc,
}

impl Sort {
    /// The GraphQL `orderBy` argument.
    pub fn order_by(self) -> serde_json::Value {
        let (field, direction) = match self {
            Sort::Id => ("ID", "ASC"),
            Sort::IdDesc => ("ID", "DESC"),
            Sort::UpdatedAt => ("UPDATED_AT", "ASC"),
            Sort::UpdatedAtDesc => ("UPDATED_AT", "DESC"),
        };
        serde_json::json!({ "field": field, "direction": direction })
    }
}

/// The format of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Newline-delimited JSON: one record per line, as the list endpoints give it (`application/x-ndjson`).
    #[default]
    Ndjson,
    /// Comma-separated values with a header row; lists are joined with `;` (`text/csv`).
    Csv,
    /// Recommendations only: CSV in the column layout of the Universal Human Rights Index's export (its headers,
    /// its `- ` list items one per line, names rather than codes), which `hrc-api import recommendations` reads
    /// back (`text/csv`).
    Uhri,
}

/// Declares the query parameters of a list (paging, order, then the filters) and of its export (format, order, the
/// same filters, and any the export adds), so that the two take the same filters, described once.
macro_rules! list_and_export_params {
    (
        $(#[doc = $list_doc:literal])* list $list:ident;
        $(#[doc = $export_doc:literal])* export $export:ident { $($(#[$em:meta])* $efield:ident: $ety:ty,)* }
        filters { $($(#[$fm:meta])* $field:ident: $ty:ty,)* }
    ) => {
        $(#[doc = $list_doc])*
        #[derive(Debug, Default, Serialize, Deserialize, IntoParams)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $list {
            /// How many per page: 1 to 100 (default 20).
            #[param(minimum = 1, maximum = 100)]
            pub first: Option<i32>,
            /// The `page.nextCursor` of the previous page.
            pub after: Option<String>,
            /// The order of the list (default `id`).
            pub sort: Option<Sort>,
            $($(#[$fm])* pub $field: $ty,)*
        }

        $(#[doc = $export_doc])*
        #[derive(Debug, Default, Serialize, Deserialize, IntoParams)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $export {
            /// `ndjson` (the default), `csv`, or (recommendations only) `uhri`.
            pub format: Option<ExportFormat>,
            /// The order of the records (default `id`).
            pub sort: Option<Sort>,
            $($(#[$em])* pub $efield: $ety,)*
            $($(#[$fm])* pub $field: $ty,)*
        }
    };
}

list_and_export_params! {
    /// Query parameters of `GET /api/v1/mandates`.
    list MandateParams;
    /// Query parameters of `GET /api/v1/export/mandates`.
    export MandateExportParams {}
    filters {
        /// Only thematic, or only country, mandates.
        scope: Option<MandateScope>,
        /// Only running, or only discontinued, mandates.
        status: Option<MandateStatus>,
        /// Only the mandates on this country (ISO 3166-1 alpha-3 code, such as `BDI`); an unknown code is refused.
        country: Option<String>,
        /// Only mandates whose terms of reference do (true) or do not (false) carry a prevention dimension.
        prevention_dimension: Option<bool>,
        /// Only records created or changed at or after this instant (RFC 3339), for incremental sync.
        updated_since: Option<DateTime<Utc>>,
    }
}

list_and_export_params! {
    /// Query parameters of `GET /api/v1/countries/{isoCode}/recommendations`.
    list RecommendationParams;
    /// Query parameters of `GET /api/v1/export/recommendations`.
    export RecommendationExportParams {
        /// The State addressed (the State under review, for the UPR): ISO 3166-1 alpha-3 code.
        country: Option<String>,
        /// Addressed to a State of this regional group.
        regional_group: Option<RegionalGroupCode>,
    }
    filters {
        /// The recommending State (UPR): ISO 3166-1 alpha-3 code.
        recommending_country: Option<String>,
        /// Made on or after this day.
        made_from: Option<NaiveDate>,
        /// Made on or before this day.
        made_to: Option<NaiveDate>,
        /// The mechanism that made it, by key (such as `upr`).
        mechanism: Option<String>,
        /// The mandate that made it, by key (such as `sr-truth-justice`).
        mandate: Option<String>,
        /// The document that contains it, by symbol (such as `A/HRC/43/37`).
        report: Option<String>,
        /// UPR cycle, 1 to 4.
        upr_cycle: Option<i32>,
        /// The Council session it was made at.
        session_number: Option<i32>,
        /// The State's response.
        response: Option<Response>,
        /// Related to this Sustainable Development Goal (1 to 17).
        sdg_goal: Option<i32>,
        /// Related to this SDG target (such as `16.10`).
        sdg_target: Option<String>,
        /// Indexed by this theme, by thesaurus key (such as `prevention`).
        theme: Option<String>,
        /// Concerning this group of affected persons, by thesaurus key (such as `children`).
        affected_persons: Option<String>,
        /// Its current implementation status (that of its latest report).
        implementation_status: Option<ImplementationStatus>,
        /// Words its text contains, in any language held (case-insensitive; 1 to 200 characters).
        search: Option<String>,
        /// Only generated demonstration data (true) or only real data (false).
        fictional: Option<bool>,
        /// Only records created or changed at or after this instant (RFC 3339), for incremental sync.
        updated_since: Option<DateTime<Utc>>,
    }
}

list_and_export_params! {
    /// Query parameters of `GET /api/v1/visits`.
    list VisitParams;
    /// Query parameters of `GET /api/v1/export/visits`.
    export VisitExportParams {}
    filters {
        /// The visiting mandate, by key.
        mandate: Option<String>,
        /// The country visited: ISO 3166-1 alpha-3 code.
        country: Option<String>,
        /// Where the visit stands.
        status: Option<VisitStatus>,
        /// Visits starting in this year (or, while unscheduled, requested in it).
        year: Option<i32>,
        /// Only generated demonstration data (true) or only real data (false).
        fictional: Option<bool>,
        /// Only records created or changed at or after this instant (RFC 3339), for incremental sync.
        updated_since: Option<DateTime<Utc>>,
    }
}

/// Where a page stands in its list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// How many records match the filters, across all pages.
    pub total_count: i64,
    /// Whether another page follows.
    pub has_next_page: bool,
    /// Give it as `after` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A page of mandates.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MandatePage {
    /// The mandates of this page.
    pub data: Vec<Mandate>,
    /// Where the page stands.
    pub page: PageInfo,
}

/// A page of recommendations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecommendationPage {
    /// The recommendations of this page.
    pub data: Vec<Recommendation>,
    /// Where the page stands.
    pub page: PageInfo,
}

/// A page of visits.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VisitPage {
    /// The visits of this page.
    pub data: Vec<Visit>,
    /// Where the page stands.
    pub page: PageInfo,
}

/// A State, as other records name it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountryRef {
    /// ISO 3166-1 alpha-3 code, such as `NPL`.
    pub iso_code: String,
    /// Its name in the language asked for (`Accept-Language`), else English.
    pub name: String,
}

/// A mechanism or a mandate, as other records name it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KeyedRef {
    /// Its stable key, such as `upr` or `sr-truth-justice`.
    pub key: String,
    /// Its name in the language asked for, else English.
    pub name: String,
}

/// A document, as other records name it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DocumentRef {
    /// Its UN document symbol, such as `A/HRC/RES/45/31`; null for a document without one.
    pub symbol: Option<String>,
}

/// A term of the thesaurus (a theme or a group of affected persons).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Term {
    /// Its stable key, such as `prevention`.
    pub key: String,
    /// Its name in the language asked for, else English.
    pub name: String,
}

/// An SDG target.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SdgTarget {
    /// Its code, such as `16.10`.
    pub code: String,
}

/// A session of the Council or of the UPR Working Group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionRef {
    /// `HRC` (the Council) or `UPR_WORKING_GROUP`.
    pub body: String,
    /// Its number.
    pub number: i32,
}

/// A person who holds or held a mandate.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    /// Their name as the Council's documents give it.
    pub name: String,
    /// Their role in the mandate.
    pub role: HolderRole,
    /// First day of their term.
    pub starts_on: NaiveDate,
    /// Last day of their term; null while it runs.
    pub ends_on: Option<NaiveDate>,
}

/// A special-procedure mandate.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Mandate {
    /// Global ID, the same as GraphQL's.
    pub id: String,
    /// Stable short key, such as `sr-truth-justice`.
    pub key: String,
    /// Title of the mandate in the language asked for, else English.
    pub name: String,
    /// Thematic or country.
    pub scope: MandateScope,
    /// Special rapporteur, independent expert or working group.
    pub form: MandateForm,
    /// Running or discontinued.
    pub status: MandateStatus,
    /// The country, for a country mandate.
    pub country: Option<CountryRef>,
    /// The mechanism it belongs to.
    pub mechanism: Option<KeyedRef>,
    /// The resolution that established it, when recorded.
    pub established_by: Option<DocumentRef>,
    /// When the current term ends, when recorded.
    pub term_ends_on: Option<NaiveDate>,
    /// Whether its terms of reference carry an explicit prevention dimension; null where no source says.
    pub prevention_dimension: Option<bool>,
    /// The people who hold or held it, earliest term first.
    pub holders: Vec<Holder>,
    /// Where this record comes from.
    pub source: String,
    /// When this record was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: String,
    /// When this record last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
}

/// One implementation report of a recommendation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImplementationReport {
    /// The status it reports.
    pub status: ImplementationStatus,
    /// The day it was reported.
    pub reported_on: NaiveDate,
    /// Who reported it: `STATE`, `NATIONAL_MECHANISM`, `MID_TERM_REPORT`, `MANDATE_FOLLOW_UP` or `OTHER`.
    pub source_kind: String,
    /// True for generated demonstration data.
    pub fictional: bool,
}

/// A recommendation of a Council mechanism.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Global ID, the same as GraphQL's.
    pub id: String,
    /// Stable source identity: document symbol and paragraph, such as `A/HRC/43/37:69(a)`.
    pub key: String,
    /// Where it comes from.
    pub source_kind: RecommendationSource,
    /// Its text in the language asked for, falling back to English, then to the language it was made in.
    pub text: Option<String>,
    /// The languages its text is held in (`EN`, `ZH`…).
    pub text_languages: Vec<String>,
    /// The document that contains it.
    pub report: Option<DocumentRef>,
    /// Paragraph of the document, such as `69(a)`.
    pub paragraph: Option<String>,
    /// To whom it is addressed.
    pub addressee: Addressee,
    /// The State it is addressed to (the State under review, for the UPR).
    pub country: Option<CountryRef>,
    /// The recommending State (UPR).
    pub recommending_country: Option<CountryRef>,
    /// The mechanism that made it.
    pub mechanism: Option<KeyedRef>,
    /// The mandate that made it (special procedures).
    pub mandate: Option<KeyedRef>,
    /// UPR cycle, 1 to 4.
    pub upr_cycle: Option<i32>,
    /// The day it was made, where known.
    pub made_on: Option<NaiveDate>,
    /// The session it was made at.
    pub session: Option<SessionRef>,
    /// The State's response (UPR).
    pub response: Option<Response>,
    /// Flagged a priority.
    pub priority: bool,
    /// The cluster it was grouped in.
    pub cluster: Option<String>,
    /// SDG targets it relates to.
    pub sdg_targets: Vec<SdgTarget>,
    /// The themes it is indexed by.
    pub themes: Vec<Term>,
    /// The groups of persons it concerns.
    pub affected_persons: Vec<Term>,
    /// The status of the latest implementation report; null while there is none.
    pub current_implementation_status: Option<ImplementationStatus>,
    /// Every implementation report, oldest first.
    pub implementation_history: Vec<ImplementationReport>,
    /// True for generated demonstration data, which is never real.
    pub fictional: bool,
    /// Where this record comes from.
    pub source: String,
    /// When this record was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: String,
    /// When this record last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
}

/// A country visit of a special procedure.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    /// Global ID, the same as GraphQL's.
    pub id: String,
    /// Stable key.
    pub key: String,
    /// The visiting mandate.
    pub mandate: Option<KeyedRef>,
    /// The country visited.
    pub country: Option<CountryRef>,
    /// Where it stands.
    pub status: VisitStatus,
    /// When it was requested.
    pub requested_on: Option<NaiveDate>,
    /// First day of the visit.
    pub starts_on: Option<NaiveDate>,
    /// Last day of the visit.
    pub ends_on: Option<NaiveDate>,
    /// The report on the visit.
    pub report: Option<DocumentRef>,
    /// When the follow-up falls due: three years after a completed visit.
    pub follow_up_due_on: Option<NaiveDate>,
    /// True for generated demonstration data, which is never real.
    pub fictional: bool,
    /// Where this record comes from.
    pub source: String,
    /// When this record was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: String,
    /// When this record last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
}

/// An error, as RFC 9457 problem details, with the API's stable code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Always `about:blank`: the status and `code` say what happened.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What is wrong, for a person.
    pub detail: String,
    /// What is wrong, for a program: the same codes as GraphQL's `extensions.code` (`BAD_USER_INPUT`, `NOT_FOUND`,
    /// `RATE_LIMITED`, `UNAUTHENTICATED`, `DATABASE_UNAVAILABLE`, `INTERNAL`…).
    pub code: String,
    /// The parameter at fault, where one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The request's id in the server's log.
    pub request_id: String,
}
