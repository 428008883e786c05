//! Choosing one's own password, required at first login after a given password (R27).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::ChangePassword;
use crate::i18n::T;
use crate::ui::components::{ErrorNotice, NewPasswordField};
use crate::ui::t;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let new = RwSignal::new(String::new());
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    view! {
        <Title text=t(T::ChangePasswordTitle) />
        <main class="auth-page" id="content">
            <div class="auth-card">
                <p class="auth-brand">{t(T::AppName)}</p>
                <h1>{t(T::ChangePasswordTitle)}</h1>
                <p class="muted">{t(T::ChangePasswordWhy)}</p>
                // A form that works before the page hydrates too (it opens by a full load right
                // after login): the browser posts the field itself, and the server sends the
                // person on once the password is changed.
                <ActionForm action=change attr:class="form" attr:novalidate=true>
                    <NewPasswordField value=new error field="new_password" />
                    {general}
                    <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                        {t(T::SavePassword)}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
