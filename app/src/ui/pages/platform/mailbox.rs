//! The development mailbox: with no SMTP server, the emails Roster would send, newest first, so
//! that an invitation link can be followed without a mail server (the Quick start uses it).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::directory::get_mailbox;
use crate::i18n::T;
use crate::ui::components::Loaded;
use crate::ui::{t, use_lang};
use crate::wire::directory::MailboxEmail;

#[component]
pub fn MailboxPage() -> impl IntoView {
    let lang = use_lang();
    let emails = Resource::new(|| (), |_| get_mailbox());
    view! {
        <Title text=T::Mailbox.in_lang(lang) />
        <header class="page-header"><h1>{T::Mailbox.in_lang(lang)}</h1></header>
        <p class="muted">{T::MailboxExplained.in_lang(lang)}</p>
        <Loaded resource=emails ready={|list: Vec<MailboxEmail>| if list.is_empty() {
            view! { <p class="notice">{t(T::NoEmails)}</p> }.into_any()
        } else {
            list.into_iter().map(|email| view! { <MailboxItem email /> }).collect_view().into_any()
        }} />
    }
}

#[component]
fn MailboxItem(email: MailboxEmail) -> impl IntoView {
    let lang = use_lang();
    // Links in the text become links, so that an invitation can be followed from here.
    let body = email
        .text
        .lines()
        .map(|line| {
            let words = line.split(' ').map(|word| {
                if word.starts_with("http://") || word.starts_with("https://") {
                    view! { <a href=word.to_string()>{word.to_string()}</a>" " }.into_any()
                } else {
                    view! { {format!("{word} ")} }.into_any()
                }
            });
            view! { <p>{words.collect_view()}</p> }
        })
        .collect_view();
    view! {
        <article class="card mail">
            <h2>{email.subject}</h2>
            <p class="muted small">{T::To.in_lang(lang)}" "{email.to}" · "{email.queued_at}" · "{email.status}</p>
            <div class="mail-body">{body}</div>
        </article>
    }
}
