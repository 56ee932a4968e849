//! Bulk export: every record a filter selects, as NDJSON (one record per line, as the list endpoints give it) or CSV,
//! streamed a page of 100 at a time, so memory stays flat however many records there are. Over HTTP
//! (`GET /api/v1/export/{recommendations,mandates,visits}`) and on the command line (`hrc-api export`).
//!
//! Each page is the list's GraphQL query run as the public, following its cursor: the same filters, validation and
//! access as the lists. The first page is charged to the caller's rate limit and its errors are the response's
//! (`400`, `429`…); later pages are not charged. An error after the first page ends the stream without its final
//! chunk, so the client sees a truncated transfer, never a short file that looks whole.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use hrc_schema::{code, RequestContext};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map};
use tracing_actix_web::RequestId;

use super::model::*;
use super::{list_variables, parse, public_context, run, Refusal, MANDATE, RECOMMENDATION, VISIT};
use crate::startup::AppState;

/// Records fetched per page.
const PAGE: i32 = 100;

/// What an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Recommendations,
    Mandates,
    Visits,
}

impl Kind {
    /// The kind an export path or command names.
    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "recommendations" => Some(Kind::Recommendations),
            "mandates" => Some(Kind::Mandates),
            "visits" => Some(Kind::Visits),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Recommendations => "recommendations",
            Kind::Mandates => "mandates",
            Kind::Visits => "visits",
        }
    }

    fn document(self) -> String {
        // No `totalCount`: counting a million rows again on every page would cost more than the page.
        let page = "pageInfo { hasNextPage endCursor }";
        match self {
            Kind::Recommendations => format!(
                "query($first: Int, $after: String, $orderBy: ListOrder, $filter: RecommendationFilter) {{ \
                 recommendations(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {{ {page} \
                 nodes {{ ...R }} }} }} {RECOMMENDATION}"
            ),
            Kind::Mandates => format!(
                "query($first: Int, $after: String, $orderBy: ListOrder, $scope: MandateScope, \
                 $status: MandateStatus, $country: String, $preventionDimension: Boolean, $updatedSince: DateTime) \
                 {{ mandates(first: $first, after: $after, orderBy: $orderBy, scope: $scope, status: $status, \
                 country: $country, preventionDimension: $preventionDimension, updatedSince: $updatedSince) \
                 {{ {page} nodes {{ ...M }} }} }} {MANDATE}"
            ),
            Kind::Visits => format!(
                "query($first: Int, $after: String, $orderBy: ListOrder, $filter: VisitFilter) {{ visits(first: \
                 $first, after: $after, orderBy: $orderBy, filter: $filter) {{ {page} nodes {{ ...V }} }} }} {VISIT}"
            ),
        }
    }

    /// Reads the export's parameters from a query string: the format and the GraphQL variables but paging.
    fn variables(
        self,
        query: &str,
        request_id: &dyn std::fmt::Display,
    ) -> Result<(ExportFormat, serde_json::Value), Box<Refusal>> {
        // The list's variables, less the format: the same sort and filters as the list endpoints.
        fn split<T: Serialize>(
            params: &T,
            format: Option<ExportFormat>,
            nested: bool,
        ) -> (ExportFormat, serde_json::Value) {
            let mut value = serde_json::to_value(params).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.remove("format");
            }
            (format.unwrap_or_default(), list_variables(&value, nested.then(Map::new)))
        }
        Ok(match self {
            Kind::Recommendations => {
                let p: RecommendationExportParams = parse(query, request_id)?;
                split(&p, p.format, true)
            }
            Kind::Mandates => {
                let p: MandateExportParams = parse(query, request_id)?;
                only_recommendations_in_uhri(p.format, request_id)?;
                split(&p, p.format, false)
            }
            Kind::Visits => {
                let p: VisitExportParams = parse(query, request_id)?;
                only_recommendations_in_uhri(p.format, request_id)?;
                split(&p, p.format, true)
            }
        })
    }

    /// One page of records, encoded; and the cursor of the next page, if there is one.
    fn encode(
        self,
        data: &serde_json::Value,
        format: ExportFormat,
        header: bool,
    ) -> Result<(Vec<u8>, Option<String>), String> {
        let connection = &data[self.name()];
        let next = match connection["pageInfo"]["hasNextPage"] {
            serde_json::Value::Bool(true) => connection["pageInfo"]["endCursor"].as_str().map(str::to_owned),
            _ => None,
        };
        let nodes = &connection["nodes"];
        let bytes = match self {
            Kind::Recommendations => encode_rows::<Recommendation>(nodes, format, header),
            Kind::Mandates => encode_rows::<Mandate>(nodes, format, header),
            Kind::Visits => encode_rows::<Visit>(nodes, format, header),
        }?;
        Ok((bytes, next))
    }
}

fn only_recommendations_in_uhri(
    format: Option<ExportFormat>,
    request_id: &dyn std::fmt::Display,
) -> Result<(), Box<Refusal>> {
    if format == Some(ExportFormat::Uhri) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "the UHRI layout is for recommendations; export mandates and visits as ndjson or csv",
            Some("format".into()),
            request_id,
        ));
    }
    Ok(())
}

fn encode_rows<T: DeserializeOwned + Serialize + CsvRow>(
    nodes: &serde_json::Value,
    format: ExportFormat,
    header: bool,
) -> Result<Vec<u8>, String> {
    let rows: Vec<T> = serde_json::from_value(nodes.clone()).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(rows.len() * 512);
    match format {
        ExportFormat::Ndjson => {
            for row in &rows {
                serde_json::to_writer(&mut out, row).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
        }
        ExportFormat::Csv | ExportFormat::Uhri => {
            let uhri = format == ExportFormat::Uhri;
            let mut writer = csv::Writer::from_writer(&mut out);
            if header {
                let names = if uhri { T::UHRI_HEADER } else { T::HEADER };
                writer.write_record(names).map_err(|e| e.to_string())?;
            }
            for row in &rows {
                let cells = if uhri { row.uhri_cells() } else { row.cells() };
                writer.write_record(cells).map_err(|e| e.to_string())?;
            }
            writer.flush().map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

/// A record as a CSV row.
trait CsvRow {
    const HEADER: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
    /// The UHRI export's columns, for recommendations (others are refused before the first page).
    const UHRI_HEADER: &'static [&'static str] = &[];
    fn uhri_cells(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A UHRI list cell: each item on a line of its own after `- `.
fn bulleted<T>(items: &[T], part: impl Fn(&T) -> &str) -> String {
    items.iter().map(|i| format!("- {}", part(i))).collect::<Vec<_>>().join("\n")
}

fn text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

fn joined<T>(items: &[T], part: impl Fn(&T) -> &str) -> String {
    items.iter().map(part).collect::<Vec<_>>().join(";")
}

impl CsvRow for Recommendation {
    const HEADER: &'static [&'static str] = &[
        "id",
        "key",
        "sourceKind",
        "report",
        "paragraph",
        "addressee",
        "country",
        "recommendingCountry",
        "mechanism",
        "mandate",
        "uprCycle",
        "madeOn",
        "session",
        "response",
        "priority",
        "cluster",
        "themes",
        "sdgTargets",
        "affectedPersons",
        "currentImplementationStatus",
        "implementationReports",
        "text",
        "textLanguages",
        "fictional",
        "source",
        "updatedAt",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.key.clone(),
            text(&self.source_kind),
            self.report.as_ref().and_then(|r| r.symbol.clone()).unwrap_or_default(),
            self.paragraph.clone().unwrap_or_default(),
            text(&self.addressee),
            self.country.as_ref().map(|c| c.iso_code.clone()).unwrap_or_default(),
            self.recommending_country.as_ref().map(|c| c.iso_code.clone()).unwrap_or_default(),
            self.mechanism.as_ref().map(|m| m.key.clone()).unwrap_or_default(),
            self.mandate.as_ref().map(|m| m.key.clone()).unwrap_or_default(),
            text(&self.upr_cycle),
            text(&self.made_on),
            self.session.as_ref().map(|s| format!("{} {}", s.body, s.number)).unwrap_or_default(),
            text(&self.response),
            self.priority.to_string(),
            self.cluster.clone().unwrap_or_default(),
            joined(&self.themes, |t| &t.key),
            joined(&self.sdg_targets, |t| &t.code),
            joined(&self.affected_persons, |t| &t.key),
            text(&self.current_implementation_status),
            self.implementation_history.len().to_string(),
            self.text.clone().unwrap_or_default(),
            self.text_languages.join(";"),
            self.fictional.to_string(),
            self.source.clone(),
            self.updated_at.clone(),
        ]
    }

    const UHRI_HEADER: &'static [&'static str] = &[
        "OHCHR Annotation Id",
        "Text",
        "Countries Concerned",
        "Reccomending Body",
        "Document Symbol",
        "Paragraph",
        "Themes",
        "Affected Persons",
        "Sdgs",
        "Document Publication Date",
        "UPR Session",
        "UPR Cycle",
        "UPR Reccomending States",
        "UPR Position",
    ];

    fn uhri_cells(&self) -> Vec<String> {
        use hrc_schema::recommendation::{RecommendationSource as S, Response};
        let symbol = self.report.as_ref().and_then(|r| r.symbol.clone()).unwrap_or_default();
        let body = match self.source_kind {
            S::Upr => "UPR".to_owned(),
            S::SpecialProcedure => self.mandate.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
            // A treaty body's documents carry its abbreviation first: CEDAW/C/IRQ/CO/8.
            S::TreatyBody => symbol.split('/').next().unwrap_or_default().to_owned(),
            _ => self.mechanism.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        };
        // The identity an import gives back: UHRI's annotation id, else the record's own key.
        let id = self.key.strip_prefix("uhri:").unwrap_or(&self.key).to_owned();
        let position = match self.response {
            Some(Response::Supported) => "Supported",
            Some(Response::Noted) => "Noted",
            Some(Response::Pending) => "Pending",
            None => "",
        };
        vec![
            id,
            self.text.clone().unwrap_or_default(),
            self.country.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            body,
            symbol,
            self.paragraph.clone().unwrap_or_default(),
            bulleted(&self.themes, |t| &t.name),
            bulleted(&self.affected_persons, |t| &t.name),
            bulleted(&self.sdg_targets, |t| &t.code),
            text(&self.made_on),
            self.session.as_ref().filter(|s| s.body != "HRC").map(|s| s.number.to_string()).unwrap_or_default(),
            text(&self.upr_cycle),
            self.recommending_country.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            position.to_owned(),
        ]
    }
}

impl CsvRow for Mandate {
    const HEADER: &'static [&'static str] = &[
        "id",
        "key",
        "name",
        "scope",
        "form",
        "status",
        "country",
        "mechanism",
        "establishedBy",
        "termEndsOn",
        "preventionDimension",
        "holders",
        "source",
        "updatedAt",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.key.clone(),
            self.name.clone(),
            text(&self.scope),
            text(&self.form),
            text(&self.status),
            self.country.as_ref().map(|c| c.iso_code.clone()).unwrap_or_default(),
            self.mechanism.as_ref().map(|m| m.key.clone()).unwrap_or_default(),
            self.established_by.as_ref().and_then(|r| r.symbol.clone()).unwrap_or_default(),
            text(&self.term_ends_on),
            text(&self.prevention_dimension),
            joined(&self.holders, |h| &h.name),
            self.source.clone(),
            self.updated_at.clone(),
        ]
    }
}

impl CsvRow for Visit {
    const HEADER: &'static [&'static str] = &[
        "id",
        "key",
        "mandate",
        "country",
        "status",
        "requestedOn",
        "startsOn",
        "endsOn",
        "report",
        "followUpDueOn",
        "fictional",
        "source",
        "updatedAt",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.key.clone(),
            self.mandate.as_ref().map(|m| m.key.clone()).unwrap_or_default(),
            self.country.as_ref().map(|c| c.iso_code.clone()).unwrap_or_default(),
            text(&self.status),
            text(&self.requested_on),
            text(&self.starts_on),
            text(&self.ends_on),
            self.report.as_ref().and_then(|r| r.symbol.clone()).unwrap_or_default(),
            text(&self.follow_up_due_on),
            self.fictional.to_string(),
            self.source.clone(),
            self.updated_at.clone(),
        ]
    }
}

/// An export under way: what it runs, and where it stands.
pub struct Export {
    schema: hrc_schema::AppSchema,
    db: hrc_db::Database,
    kind: Kind,
    format: ExportFormat,
    variables: serde_json::Value,
    lang: hrc_schema::Lang,
    request_id: String,
    after: Option<String>,
    pages: usize,
}

impl Export {
    /// The export `query` asks for (`format=csv&country=NPL…`, as over HTTP), or the problem with it.
    pub fn new(
        schema: hrc_schema::AppSchema,
        db: hrc_db::Database,
        kind: Kind,
        query: &str,
        lang: hrc_schema::Lang,
        request_id: String,
    ) -> Result<Export, Box<Refusal>> {
        let (format, variables) = kind.variables(query, &request_id)?;
        Ok(Export { schema, db, kind, format, variables, lang, request_id, after: None, pages: 0 })
    }

    /// The next page's bytes; `None` after the last page. `context` charges the page to a caller (else nobody).
    pub async fn next_page(&mut self, rate_key: Option<String>) -> Option<Result<Vec<u8>, Box<Refusal>>> {
        if self.pages > 0 && self.after.is_none() {
            return None;
        }
        let mut variables = self.variables.clone();
        variables["first"] = json!(PAGE);
        variables["after"] = json!(self.after);
        let context = RequestContext {
            viewer: None,
            lang: self.lang,
            rate_key: rate_key.unwrap_or_default(),
            request_id: self.request_id.clone(),
            ..Default::default()
        };
        let data = match run(&self.schema, &self.db, context, self.kind.document(), variables, None).await {
            Ok(data) => data,
            Err(problem) => {
                self.after = None;
                self.pages += 1;
                return Some(Err(problem));
            }
        };
        let encoded = self.kind.encode(&data, self.format, self.pages == 0);
        self.pages += 1;
        match encoded {
            Ok((bytes, next)) => {
                self.after = next;
                Some(Ok(bytes))
            }
            Err(e) => {
                tracing::error!(error = %e, "a GraphQL page does not fit its export rows");
                self.after = None;
                Some(Err(Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code::INTERNAL,
                    "internal error",
                    None,
                    &self.request_id,
                )))
            }
        }
    }

    fn content_type(&self) -> &'static str {
        match self.format {
            ExportFormat::Ndjson => "application/x-ndjson; charset=utf-8",
            ExportFormat::Csv | ExportFormat::Uhri => "text/csv; charset=utf-8",
        }
    }

    fn file_name(&self) -> String {
        let extension = match self.format {
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Csv => "csv",
            ExportFormat::Uhri => "uhri.csv",
        };
        format!("{}.{extension}", self.kind.name())
    }
}

/// Declares the export endpoint of a kind, with its OpenAPI description.
macro_rules! export_endpoint {
    ($name:ident, $kind:expr, $path:literal, $params:ty, $what:literal) => {
        #[doc = concat!("Every ", $what, " the filters select, streamed as NDJSON (one record per line, as the list gives it) or CSV.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = "export",
            operation_id = stringify!($name),
            params($params),
            responses(
                (status = 200, description = "The records, streamed: NDJSON (`application/x-ndjson`) or CSV (`text/csv`, a header row first). A transfer that ends without its last chunk was interrupted.", content((String = "application/x-ndjson"), (String = "text/csv"))),
                (status = 400, description = "A parameter is invalid; `field` names it.", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
                (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn $name(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId) -> HttpResponse {
            http(req, state, request_id, $kind).await
        }
    };
}

export_endpoint!(
    export_recommendations,
    Kind::Recommendations,
    "/api/v1/export/recommendations",
    RecommendationExportParams,
    "recommendation"
);
export_endpoint!(export_mandates, Kind::Mandates, "/api/v1/export/mandates", MandateExportParams, "mandate");
export_endpoint!(export_visits, Kind::Visits, "/api/v1/export/visits", VisitExportParams, "visit");

/// An export over HTTP: the first page before the response starts, the rest streamed.
async fn http(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId, kind: Kind) -> HttpResponse {
    let context = match public_context(&req, &state, &request_id) {
        Ok(context) => context,
        Err(refusal) => return refusal.response(),
    };
    let mut export = match Export::new(
        state.schema.clone(),
        state.public_db().clone(),
        kind,
        req.query_string(),
        context.lang,
        request_id.to_string(),
    ) {
        Ok(export) => export,
        Err(refusal) => return refusal.response(),
    };
    // The first page is run before the response starts, so that its errors are the response's status.
    let first = match export.next_page(Some(context.rate_key.clone())).await {
        Some(Ok(bytes)) => bytes,
        Some(Err(refusal)) => return refusal.response(),
        None => Vec::new(),
    };
    let content_type = export.content_type();
    let disposition = format!("attachment; filename=\"{}\"", export.file_name());
    let rest = futures_util::stream::unfold(export, |mut export| async move {
        match export.next_page(None).await? {
            Ok(bytes) => Some((Ok::<Bytes, actix_web::Error>(Bytes::from(bytes)), export)),
            Err(refusal) => {
                tracing::warn!(code = %refusal.problem.code, "an export stopped after its first page");
                Some((Err(actix_web::error::ErrorServiceUnavailable("the export was interrupted")), export))
            }
        }
    });
    let stream =
        futures_util::StreamExt::chain(futures_util::stream::once(async move { Ok(Bytes::from(first)) }), rest);
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::VARY, "Accept-Language"))
        .insert_header(("x-request-id", request_id.to_string()))
        .streaming(stream)
}
