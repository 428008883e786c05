//! The page an invitation link opens (R22, R23): the invited address, then First name, Last
//! name, Password. Opening it does not use the link up; submitting does, and logs the new
//! account in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{open_invitation, Register};
use crate::domain::password;
use crate::error::AppError;
use crate::i18n::{Msg, T};
use crate::ui::components::{ErrorNotice, TextField};
use crate::ui::{t, use_lang};
use crate::wire::invitations::InvitationForm;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invitation = Resource::new(token, open_invitation);
    view! {
        <Title text=t(T::CompleteAccountTitle) />
        <main class="auth-page" id="content">
            <div class="auth-card">
                <p class="auth-brand">{t(T::AppName)}</p>
                <Suspense fallback=|| view! { <p class="muted">{t(T::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Ok(form) => view! { <RegisterForm form token=token() /> }.into_any(),
                            // R23: one page for expired, cancelled, used and unknown links.
                            Err(AppError::NotFound) => view! { <h1>{t(T::CompleteAccountTitle)}</h1><p class="notice notice-error" role="alert">{t(T::InvitationInvalid)}</p> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn RegisterForm(form: InvitationForm, token: String) -> impl IntoView {
    let lang = use_lang();
    let register = ServerAction::<Register>::new();
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = register.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    let invalid_now = move || matches!(error.get(), Some(AppError::NotFound));
    let general = move || error.get().filter(|e| e.general().is_some() && !matches!(e, AppError::NotFound)).map(|error| view! { <ErrorNotice error /> });
    view! {
        <h1>{T::CompleteAccountTitle.in_lang(lang)}</h1>
        <p class="muted">{Msg::InvitedToJoin { platform: form.platform_name }.render(lang)}<br /><strong>{form.email}</strong></p>
        <Show when=invalid_now>
            <p class="notice notice-error" role="alert">{T::InvitationInvalid.in_lang(lang)}</p>
        </Show>
        <ActionForm action=register attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=token />
            <TextField id="first_name" name="first_name" label=T::FirstName autocomplete="given-name" maxlength=100 error />
            <TextField id="last_name" name="last_name" label=T::LastName autocomplete="family-name" maxlength=100 error />
            <TextField id="password" name="password" kind="password" label=T::Password autocomplete="new-password" help=password::rules().render(lang) error />
            {general}
            <button type="submit" class="button button-primary" disabled=move || register.pending().get()>{T::CreateMyAccount.in_lang(lang)}</button>
        </ActionForm>
    }
}
