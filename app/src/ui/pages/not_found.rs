use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::T;
use crate::ui::t;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(T::NotFoundTitle) />
        <main class="auth-page" id="content">
            <div class="auth-card">
                <h1>{t(T::NotFoundTitle)}</h1>
                <a class="button button-primary" href="/">{t(T::BackHome)}</a>
            </div>
        </main>
    }
}
