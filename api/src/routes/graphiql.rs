//! The GraphiQL page (async-graphql's), and, when `HRC_GRAPHIQL_ASSETS` names a folder of the npm packages it needs,
//! those packages served from here instead of the public CDN the page loads them from otherwise.

use std::path::PathBuf;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use async_graphql::http::GraphiQLSource;

use crate::startup::AppState;

/// Where the page loads its packages from when nothing else is said.
const CDN: &str = "https://unpkg.com/";
/// The packages the page loads; nothing else is served from the folder.
const PACKAGES: &[&str] = &["react", "react-dom", "graphiql"];
/// The route that serves them.
const ASSETS: &str = "/graphiql/assets/";

/// The page, made once at start.
#[derive(Clone)]
pub struct Page {
    pub html: String,
    assets: Option<PathBuf>,
}

impl Page {
    pub fn new(assets: Option<PathBuf>) -> Page {
        let html = GraphiQLSource::build().endpoint("/graphql").title("Council Mechanisms API").finish();
        let html = match &assets {
            None => html,
            // `https://unpkg.com/react@18/umd/react.development.js` becomes `/graphiql/assets/react/umd/…`; the
            // folder's package is whatever version was installed there.
            Some(_) => {
                let mut local = html;
                for package in PACKAGES {
                    let marker = format!("{CDN}{package}@");
                    while let Some(at) = local.find(&marker) {
                        let rest = &local[at + marker.len()..];
                        let version_end = rest.find('/').unwrap_or(0);
                        let replaced = format!("{ASSETS}{package}/");
                        local.replace_range(at..at + marker.len() + version_end + 1, &replaced);
                    }
                }
                local.replace("<link rel=\"icon\" href=\"https://graphql.org/favicon.ico\">", "")
            }
        };
        Page { html, assets }
    }
}

/// `GET /graphiql/assets/{package}/{file}`: a file of one of the page's packages, when a folder is configured.
pub async fn asset(path: web::Path<(String, String)>, state: web::Data<AppState>) -> HttpResponse {
    let (package, file) = path.into_inner();
    let Some(folder) = &state.graphiql.assets else { return HttpResponse::NotFound().finish() };
    let content_type = if file.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if file.ends_with(".css") {
        "text/css; charset=utf-8"
    } else {
        return HttpResponse::NotFound().finish();
    };
    // Only the page's packages, and only plain names below them: no `..`, no absolute paths.
    let plain = file.split('/').all(|part| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    });
    if !PACKAGES.contains(&package.as_str()) || !plain {
        return HttpResponse::NotFound().finish();
    }
    let path = folder.join(&package).join(&file);
    match web::block(move || std::fs::read(path)).await {
        Ok(Ok(bytes)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(bytes),
        _ => HttpResponse::NotFound().finish(),
    }
}
