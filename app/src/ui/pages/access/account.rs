//! Your account (the name in the top bar): changing one's own password at will, with the
//! current one. Other sessions end (R54's rule for password changes).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::ChangePassword;
use crate::i18n::T;
use crate::ui::components::{Card, ErrorNotice, NewPasswordField, TextField};
use crate::ui::{t, use_lang};

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let change = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let general = move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> });
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            current.set(String::new());
            new.set(String::new());
        }
    });
    view! {
        <Title text=t(T::YourAccount) />
        <header class="page-header"><h1>{T::YourAccount.in_lang(lang)}</h1></header>
        <Card id="password" title=T::SetPasswordTitle.in_lang(lang)>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                change.dispatch(ChangePassword { current_password: current.get_untracked(), new_password: new.get_untracked() });
            }>
                <TextField id="current_password" kind="password" label=T::CurrentPassword autocomplete="current-password" value=current error />
                <NewPasswordField value=new error field="new_password" />
                {general}
                {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{T::PasswordChanged.in_lang(lang)}</p> })}
                <div><button type="submit" class="button button-primary" disabled=move || change.pending().get()>{T::SavePassword.in_lang(lang)}</button></div>
            </form>
        </Card>
    }
}
