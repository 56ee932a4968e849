//! Logging, set up once at start: `RUST_LOG` filters (default `info`), `HRC_LOG_FORMAT=json` for JSON lines; and,
//! when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, the same spans exported as
//! OpenTelemetry traces over OTLP/HTTP (protobuf), service name `hrc-api` unless `OTEL_SERVICE_NAME` says otherwise.
//! Spans carry what the log does: method, path, request id, status; never a query, its variables or a token.

use std::sync::OnceLock;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The trace pipeline, when there is one, to flush at exit.
static TRACES: OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber; a second call does nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("HRC_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let traces = trace_layer();
    let registry = tracing_subscriber::registry().with(filter).with(traces);
    let _ = if json {
        registry.with(tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr)).try_init()
    } else {
        registry.with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr)).try_init()
    };
}

/// The OpenTelemetry layer, if an OTLP endpoint is configured and its exporter builds.
fn trace_layer<S>() -> Option<tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::Tracer>>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    use opentelemetry::trace::TracerProvider;
    use opentelemetry_otlp::WithExportConfig;
    let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))?;
    // The general endpoint takes the signal's path; the traces endpoint is used as given.
    let url = if std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_ok_and(|v| !v.trim().is_empty()) {
        endpoint
    } else {
        format!("{}/v1/traces", endpoint.trim_end_matches('/'))
    };
    let exporter = match opentelemetry_otlp::SpanExporter::builder().with_http().with_endpoint(url).build() {
        Ok(exporter) => exporter,
        Err(e) => {
            eprintln!("OpenTelemetry export is off: {e}");
            return None;
        }
    };
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "hrc-api".to_owned());
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(opentelemetry_sdk::Resource::builder().with_service_name(service).build())
        .build();
    let tracer = provider.tracer("hrc-api");
    let _ = TRACES.set(provider);
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Sends the spans still buffered (at exit).
pub fn shutdown() {
    if let Some(provider) = TRACES.get() {
        if let Err(e) = provider.shutdown() {
            eprintln!("OpenTelemetry: the last spans could not be sent: {e}");
        }
    }
}

/// The request span: method, path (never the query string, which for `GET /graphql` carries the query and its
/// variables), request id and status. Request contents stay out of the log.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request.extensions().get::<tracing_actix_web::RequestId>().copied();
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = request_id.map(|id| id.to_string()).unwrap_or_default(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        let _entered = span.enter();
        tracing::info!(status, "request done");
    }
}
