//! The login page: email or username, and password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Login;
use crate::i18n::T;
use crate::ui::components::{ErrorNotice, TextField};
use crate::ui::t;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = login.value().get() {
            // A full load: the new session's language and rights apply to everything.
            let next = if outcome.must_change_password { "/change-password" } else { "/" };
            let _ = window().location().set_href(next);
        }
    });
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <Title text=t(T::LogIn) />
        <main class="auth-page" id="content">
            <div class="auth-card">
                <p class="auth-brand">{t(T::AppName)}</p>
                <h1>{t(T::LogInTitle)}</h1>
                <ActionForm action=login attr:class="form" attr:novalidate=true>
                    <TextField id="login" name="login" label=T::LoginField autocomplete="username" required=true autofocus=true error />
                    <TextField id="password" name="password" kind="password" label=T::Password autocomplete="current-password" required=true error />
                    {general}
                    <button type="submit" class="button button-primary" disabled=move || login.pending().get()>
                        {t(T::LogIn)}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
