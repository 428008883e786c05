//! The interface: the HTML shell, the routes, and the pages (one file per screen).

mod components;
mod group_picker;
mod invite_results;
mod kept;
mod navigation;
mod user_details;
pub mod layout;
mod pages;
mod rows_html;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use crate::i18n::{Lang, T};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(nonce) = crate::api::context::request_extension::<CspNonce>() {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    let lang = request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link id="roster-css" rel="stylesheet" href=site_file(&options, "css") />
                <AutoReload options=options.clone() />
                <Hydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// R89: the page's code (the main wasm and its JavaScript) is fetched once the page has loaded
/// and painted, so that on a slow connection it does not compete with what the reader sees
/// first; the screens split off (`--split`) load as hydration reaches them. In place of Leptos'
/// `HydrationScripts`, which preloads all of it in the `<head>`.
#[component]
fn Hydration(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = (site_file(&options, "js"), site_file(&options, "wasm"));
    let script = format!(
        "((js, wasm) => {{ \
           const hydrate = () => import(js).then((m) => m.default({{ module_or_path: wasm }}).then(() => m.hydrate())); \
           const afterPaint = () => document.hidden ? hydrate() : requestAnimationFrame(() => setTimeout(hydrate)); \
           if (document.readyState === 'complete') afterPaint(); else addEventListener('load', afterPaint, {{ once: true }}); \
         }})({js:?}, {wasm:?});"
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// Where the site's stylesheet and code are: `/pkg/<name>.<hash>.css`, `.js` and `.wasm`, the
/// hashes read once from the file `cargo xtask build` writes beside the server (`hash.txt`; Leptos'
/// `HashedStylesheet` read it again for every page).
fn site_file(options: &LeptosOptions, kind: &str) -> String {
    static HASHES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        let read = || std::fs::read_to_string(std::env::current_exe().ok()?.parent()?.join(options.hash_file.as_ref())).ok();
        if options.hash_files { read().unwrap_or_default() } else { String::new() }
    });
    let hash = hashes.lines().find_map(|line| line.split_once(':').filter(|(k, _)| k.trim() == kind).map(|(_, h)| format!(".{}", h.trim()))).unwrap_or_default();
    format!("/{}/{}{hash}.{kind}", options.site_pkg_dir, options.output_name)
}

/// The per-request nonce that the server's security headers allow scripts with.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    // In the browser only, once hydrated: the server renders the next pages in its time zone.
    Effect::new(|_| tell_time_zone());
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Roster".to_string() } else { format!("{page} · Roster") } />
        <Router>
            <Routes fallback=|| view! { <pages::NotFoundPage /> }>
                <Route path=path!("/login") view=pages::LoginPage />
                <Route path=path!("/change-password") view={Lazy::<lazy::ChangePasswordPage>::new()} />
                <Route path=path!("/invitation/:token") view={Lazy::<lazy::RegisterPage>::new()} />
                <ParentRoute path=path!("") view=layout::SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::HomePage />
                    <Route path=path!("/groups/:id") view=pages::GroupPage />
                    <Route path=path!("/dashboard/users") view={Lazy::<lazy::UsersPage>::new()} />
                    <Route path=path!("/users/:id") view={Lazy::<lazy::UserPage>::new()} />
                    <Route path=path!("/dashboard/labels") view={Lazy::<lazy::LabelsPage>::new()} />
                    <Route path=path!("/dashboard/billing") view={Lazy::<lazy::BillingPage>::new()} />
                    <Route path=path!("/dashboard/settings") view={Lazy::<lazy::SettingsPage>::new()} />
                    <Route path=path!("/dashboard/api-tokens") view={Lazy::<lazy::ApiTokensPage>::new()} />
                    <Route path=path!("/add-users") view=pages::AddUsersPage />
                    <Route path=path!("/set-up-user") view={Lazy::<lazy::SetUpUserPage>::new()} />
                    <Route path=path!("/import-users") view={Lazy::<lazy::ImportUsersPage>::new()} />
                    <Route path=path!("/invitations") view={Lazy::<lazy::InvitationsPage>::new()} />
                    <Route path=path!("/programs") view={Lazy::<lazy::ProgramsPage>::new()} />
                    <Route path=path!("/mailbox") view={Lazy::<lazy::MailboxPage>::new()} />
                    <Route path=path!("/sessions/:id") view={Lazy::<lazy::SessionPage>::new()} />
                    <Route path=path!("/account") view={Lazy::<lazy::AccountPage>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The language of this page: the server decides it (the user's, else the platform's) and writes
/// it in `<html lang>`; the browser reads it back, so both render the same words.
fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::meta().lang
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
}

/// R86: tells the server, in the zone cookie, which time zone this browser is in (when the cookie
/// does not say so already). Until then pages show the platform's time zone — and name it.
fn tell_time_zone() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
        let Some(zone) = js_sys::Reflect::get(&options, &"timeZone".into()).ok().and_then(|zone| zone.as_string()) else { return };
        let Ok(document) = leptos::prelude::document().dyn_into::<leptos::web_sys::HtmlDocument>() else { return };
        let cookie = format!("{}={zone}", crate::wire::directory::ZONE_COOKIE);
        if document.cookie().unwrap_or_default().split("; ").any(|c| c == cookie) {
            return;
        }
        let secure = if leptos::prelude::location().protocol().as_deref() == Ok("https:") { "; Secure" } else { "" };
        let _ = document.set_cookie(&format!("{cookie}; Path=/; Max-Age=31536000; SameSite=Lax{secure}"));
    }
}

/// The reader's language, inside the app.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// A fixed text in the reader's language.
pub fn t(text: T) -> &'static str {
    text.in_lang(use_lang())
}

/// Screens whose code the browser loads when first shown (split off by `cargo xtask build`), so the
/// first download holds only the sign-in page, the shell, the group pages and the add-user panel
/// (the screen opened most; split off, its 55 chunks made its start four times longer on a phone,
/// docs/accessibility.md).
mod lazy {
    use super::*;

    macro_rules! lazy_pages {
        ($($page:ident),*) => {$(
            pub struct $page;

            #[lazy_route]
            impl LazyRoute for $page {
                fn data() -> Self {
                    $page
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    view! { <pages::$page /> }.into_any()
                }
            }
        )*};
    }

    lazy_pages!(ChangePasswordPage, RegisterPage, UsersPage, UserPage, LabelsPage, SetUpUserPage, ImportUsersPage, InvitationsPage, ProgramsPage, MailboxPage, SessionPage, AccountPage, BillingPage, SettingsPage, ApiTokensPage);
}
