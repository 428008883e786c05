//! The layers in front of every route: who is asking (session → principal, language), the
//! cross-site guard of the server functions, the HTTP status of their errors, and the security
//! headers.

use std::net::SocketAddr;

use app::backend::audit::{self, Who};
use app::api::context::{AppState, RequestMeta};
use app::backend::{auth, Principal};
use app::error::AppError;
use app::ui::CspNonce;
use app::wire::directory::ZONE_COOKIE;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

/// Files and probes: served to anyone, without looking at the session.
fn is_static_path(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz"
}

/// Paths served without a session: the login page and the invitation links (R22).
fn is_public_path(path: &str) -> bool {
    path == "/login" || path.starts_with("/invitation/") || is_static_path(path)
}

/// The server functions open to anonymous callers; every other one is refused before its
/// arguments are even read (and checks the principal again as its first line).
pub const PUBLIC_SERVER_FNS: &[&str] = &["/api/login", "/api/invitations/open", "/api/invitations/register"];

fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The most a request body may hold. Every form of Roster sends far less: the set-up form with a
/// thousand groups ticked is ~25 KB.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The server function that takes an import file.
pub const UPLOAD_PATH: &str = "/api/import/upload";

/// An import file's limit, and room for the multipart form around it.
const UPLOAD_LIMIT: usize = app::backend::batch::file::MAX_BYTES + 64 * 1024;

/// Reads a request's body once, up to the limit, and refuses what no form of ours sends: a body
/// over the limit (413), or one that is not UTF-8 or holds a NUL byte, typed or escaped (400) —
/// nobody types one, and PostgreSQL refuses it in text.
pub async fn input_guard(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    // The one exception: an import file (R35), up to its own limit, as the file has it — the
    // import reads it and says what is wrong with it (not UTF-8, and where).
    let is_upload = parts.uri.path() == UPLOAD_PATH;
    let limit = if is_upload { UPLOAD_LIMIT } else { BODY_LIMIT };
    let Ok(bytes) = to_bytes(body, limit).await else {
        let max_mb = app::backend::batch::file::MAX_BYTES / (1024 * 1024);
        let error = if is_upload { AppError::field("file", app::i18n::Msg::FileTooLarge { max_mb }) } else { AppError::TooLarge { max_kb: limit / 1024 } };
        return app_error_response(&error);
    };
    if !is_upload && !is_clean_text(&bytes) {
        tracing::info!(path = %parts.uri.path(), "refused a body that is not clean UTF-8 text");
        return app_error_response(&AppError::BadRequest);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn is_clean_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    let lower = text.to_ascii_lowercase();
    !text.contains('\0') && !lower.contains("%00") && !lower.contains("\\u0000")
}

/// Resolves the session cookie into a `Principal`, records the request's address, agent and
/// language in `RequestMeta`, and sends pages that need a session to the login page.
pub async fn request_context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if is_static_path(request.uri().path()) {
        return next.run(request).await;
    }
    let is_api = request.uri().path().starts_with("/api/");
    let error_page = |error: AppError| if is_api { app_error_response(&error) } else { error_page(&error) };
    let token = cookie_value(&request, auth::cookie_name(&state.settings));
    let principal = match &token {
        Some(token) => match Principal::load(&state.db, &state.trees, token, cookie_value(&request, ZONE_COOKIE).as_deref()).await {
            Ok(principal) => principal,
            Err(error) => return error_page(error),
        },
        None => None,
    };
    // R44: the signed-in person's language; on an invitation's page, the one the invitation
    // chose (its email spoke it); else the platform's.
    let link_language = match request.uri().path().strip_prefix("/invitation/").filter(|_| principal.is_none()) {
        Some(token) => match app::backend::invitations::language_of_link(&state.db, token).await {
            Ok(lang) => lang,
            Err(error) => return error_page(error),
        },
        None => None,
    };
    let lang = match (&principal, link_language) {
        (Some(p), _) => p.lang,
        (None, Some(lang)) => lang,
        (None, None) => match app::backend::directory::platform_language(&state.db).await {
            Ok(lang) => lang,
            Err(error) => return error_page(error),
        },
    };
    let meta = RequestMeta {
        ip: client_ip(&request, state.settings.trusted_proxies),
        user_agent: request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
        session_token: token,
        device_token: cookie_value(&request, auth::device_cookie_name(&state.settings)),
        lang,
    };

    let path = request.uri().path().to_string();
    if principal.is_none() && is_server_fn(&path) && !PUBLIC_SERVER_FNS.contains(&path.as_str()) {
        return app_error_response(&AppError::NotSignedIn);
    }
    let is_page = request.method() == Method::GET && !is_server_fn(&path) && !is_public_path(&path);
    if is_page || path == "/login" {
        match &principal {
            None if is_page => return Redirect::to("/login").into_response(),
            Some(p) if p.must_change_password && path != "/change-password" => return Redirect::to("/change-password").into_response(),
            // Done (a form posted without JavaScript comes back here): on to the homepage.
            Some(p) if !p.must_change_password && path == "/change-password" => return Redirect::to("/").into_response(),
            Some(_) if path == "/login" => return Redirect::to("/").into_response(),
            _ => {}
        }
    }
    request.extensions_mut().insert(meta);
    if let Some(principal) = principal {
        request.extensions_mut().insert(principal);
    }
    next.run(request).await
}

fn cookie_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

pub(crate) fn client_ip(request: &Request, trusted_proxies: usize) -> Option<String> {
    let forwarded: Vec<&str> = request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
    if let Some(client) = forwarded_client(&forwarded, trusted_proxies) {
        return Some(client.to_string());
    }
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The client's address among X-Forwarded-For's entries: each of our `trusted_proxies` appended
/// the address it saw, so the client is that many places from the right. Entries further left
/// are the client's own writing, never believed. `None` without trusted proxies, or when the
/// header is shorter than the chain (then the peer's address stands).
fn forwarded_client<'a>(entries: &[&'a str], trusted_proxies: usize) -> Option<&'a str> {
    let index = entries.len().checked_sub(trusted_proxies.max(1))?;
    (trusted_proxies > 0).then(|| entries[index]).filter(|entry| !entry.is_empty())
}

/// Refuses a state-changing call of a server function that another site started (CSRF): the
/// browser says so in `Sec-Fetch-Site`, or, from older browsers, in `Origin`. Clients that send
/// neither are not browsers, so they carry no one else's cookies.
pub async fn cross_site_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_server_fn(request.uri().path()) && is_cross_site(&request, &state.settings.public_url) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site call");
        return app_error_response(&AppError::BadRequest);
    }
    next.run(request).await
}

fn is_cross_site(request: &Request, public_url: &str) -> bool {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site != "same-origin";
    }
    match header("origin") {
        Some(origin) => origin.trim_end_matches('/') != origin_of(public_url),
        None => false,
    }
}

/// `https://host:port/path` → `https://host:port`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Server functions answer every error with 500; this gives each `AppError` its own status (and
/// `Retry-After` for rate limits), in one place; and writes the refusals of signed-in callers to
/// the audit log (R46).
pub async fn error_status(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_server_fn(request.uri().path()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let who = request.extensions().get::<Principal>().map(|p| Who { actor: Some(p.user_id), token: None, ip: request.extensions().get::<RequestMeta>().and_then(|m| m.ip.clone()) });
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return app_error_response(&AppError::internal("unreadable server function error"));
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = error.retry_after_secs() {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let (AppError::NotAllowed, Some(who)) = (&error, &who) {
            if let Err(failure) = audit::record_refusal(&state.db, who, &path).await {
                tracing::warn!(%failure, "could not audit a refused call");
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// An `AppError` as a server function would answer it (for refusals made before one runs).
pub fn app_error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_default();
    let mut response = (status, [(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("serverfnerror"), "refused")], body).into_response();
    if let Some(secs) = error.retry_after_secs() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A page that could not be rendered (the database unavailable, say): its message, in the
/// default language (the platform's is in the database), with `Retry-After` where it applies.
fn error_page(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = error.render(Default::default()).replace('&', "&amp;").replace('<', "&lt;");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Roster</title></head><body><h1>Roster</h1><p>{message}</p></body></html>"
    );
    let mut response = (status, axum::response::Html(html)).into_response();
    if let Some(secs) = error.retry_after_secs() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// Security headers on every response; pages get a Content-Security-Policy whose nonce admits
/// only the scripts Leptos wrote into this page.
pub async fn security_headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = app::backend::auth::random_hex(16);
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_api = is_server_fn(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        // 'wasm-unsafe-eval' lets the page compile its WebAssembly; nothing else is evaluated.
        let reload = if state.leptos_options.env == leptos::config::Env::DEV {
            format!(" ws://127.0.0.1:{}", state.leptos_options.reload_port)
        } else {
            String::new()
        };
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'{reload}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Server functions answer with someone's data: never kept by a browser or a proxy.
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_entry_our_last_trusted_proxy_saw_never_what_the_client_wrote() {
        let header = ["1.1.1.1 (forged by the client)", "203.0.113.7", "10.0.0.2"];
        assert_eq!(forwarded_client(&header, 0), None, "not behind a proxy: the peer's address");
        assert_eq!(forwarded_client(&header, 1), Some("10.0.0.2"));
        assert_eq!(forwarded_client(&header, 2), Some("203.0.113.7"));
        assert_eq!(forwarded_client(&header[2..], 2), None, "shorter than the chain");
        assert_eq!(forwarded_client(&[], 1), None);
    }

    #[test]
    fn bodies_are_utf8_text_without_nul() {
        assert!(is_clean_text(b"login=eve%40example.com&password=caf%C3%A9"));
        assert!(is_clean_text(b""));
        assert!(!is_clean_text(b"login=\xff\xfe"), "not UTF-8");
        assert!(!is_clean_text(b"name=Eve%00Mallory"));
        assert!(!is_clean_text(b"{\"name\":\"Eve\\u0000\"}"));
        assert!(!is_clean_text(b"name=Eve\0"));
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(origin_of("https://learn.example.com/app"), "https://learn.example.com");
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }
}
