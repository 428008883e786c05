//! Choosing one's own password, required at first login after a given password (R27).

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
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
                <form class="form" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    // The field as it is: this page is opened by a full load right after login,
                    // and what is typed before the page hydrates never reaches the signal.
                    let typed = document()
                        .get_element_by_id("new_password")
                        .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .map(|input| input.value())
                        .unwrap_or_else(|| new.get_untracked());
                    new.set(typed.clone());
                    change.dispatch(ChangePassword { current_password: String::new(), new_password: typed });
                }>
                    <NewPasswordField value=new error field="new_password" />
                    {general}
                    <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                        {t(T::SavePassword)}
                    </button>
                </form>
            </div>
        </main>
    }
}
