//! Choosing one's own password, required at first login after a given password (R27).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::ChangePassword;
use crate::domain::password;
use crate::i18n::T;
use crate::ui::components::{ErrorNotice, FieldMessage};
use crate::ui::{t, use_lang};

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let lang = use_lang();
    let change = ServerAction::<ChangePassword>::new();
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
                <ActionForm action=change attr:class="form" attr:novalidate=true>
                    <div class="field">
                        <label for="new_password">{t(T::NewPassword)}</label>
                        <input id="new_password" name="new_password" type="password" autocomplete="new-password" required
                            aria-describedby="new_password-rules new_password-error" />
                        <p class="field-help" id="new_password-rules">{password::rules().render(lang)}</p>
                        <FieldMessage error field="new_password" />
                    </div>
                    {general}
                    <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                        {t(T::SavePassword)}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
