//! The one router: Leptos pages and server functions, static files, and the layers in front of
//! them; beside them, the machine APIs (SCIM, REST) behind their own door, the API token (R90).

use std::time::Duration;

use app::api::context::AppState;
use app::{shell, App};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use http::header::{self, HeaderValue};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{downloads, middleware};

/// Pages, server functions and files, behind the browser's security layers; SCIM and the REST
/// API behind the token door. Tests call this directly.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    // File names carry their content's hash (hash-files), so a year of caching is safe; brotli
    // and gzip variants written at build time are served to browsers that accept them.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")))
        .layer(SetResponseHeaderLayer::overriding(header::VARY, HeaderValue::from_static("accept-encoding")));
    let leptos_options = options.clone();
    // The machine APIs (R90): a token, no session, no browser guards; their own errors.
    let machine = Router::new()
        .nest("/scim/v2", crate::scim::router(&state))
        .nest(crate::rest::BASE, crate::rest::router(&state))
        .layer(axum::extract::DefaultBodyLimit::max(MACHINE_BODY_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")));
    let browser = Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route(app::wire::batch::TEMPLATE_PATH, axum::routing::get(downloads::import_template))
        .route("/import/{id}/rejected.csv", axum::routing::get(downloads::rejected_rows))
        .leptos_routes(&state, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .nest("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(move |_| shell(leptos_options.clone())))
        .layer(from_fn_with_state(state.clone(), middleware::error_status))
        .layer(from_fn(middleware::input_guard))
        .layer(from_fn_with_state(state.clone(), middleware::cross_site_guard))
        .layer(from_fn_with_state(state.clone(), middleware::request_context))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers));
    machine
        .merge(browser)
        .layer(json_compression())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .with_state(state)
}

/// The most a SCIM or REST request body may hold (a group's PATCH with many members).
const MACHINE_BODY_LIMIT: usize = 1024 * 1024;

/// The router of an instance that only runs the background jobs (`--role worker`).
pub fn health_only(state: AppState) -> Router {
    Router::new().route("/healthz", axum::routing::get(healthz)).with_state(state)
}

/// `GET /healthz` (R83): 200 `ok` when the database answers within 2 s, else 503 — what a load balancer
/// asks before sending an instance requests.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> (http::StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(2), sqlx::query("SELECT 1").execute(&state.db.pool)).await {
        Ok(Ok(_)) => (http::StatusCode::OK, "ok"),
        _ => (http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Compresses the server functions' JSON answers (brotli or gzip, as the browser accepts): the
/// group-selection modal's list of 10,000 groups is ~1 MB of JSON. Pages stream, so they stay
/// uncompressed here rather than wait in an encoder's buffer; /pkg files are precompressed.
fn json_compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, Predicate};
    let is_json = |_: http::StatusCode, _: http::Version, headers: &http::HeaderMap, _: &http::Extensions| {
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json") || v.starts_with(crate::scim::MEDIA_TYPE))
    };
    tower_http::compression::CompressionLayer::new().br(true).gzip(true).compress_when(DefaultPredicate::new().and(is_json))
}
