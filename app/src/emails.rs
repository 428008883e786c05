//! The emails Roster sends, in the recipient's language (R44), as plain text and HTML. Their
//! words are in `locales/<language>/emails.ftl` (Fluent); this lays them out. Everything that
//! comes from people (names) is escaped in the HTML part.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use crate::i18n::Lang;
use crate::html::escape;

/// The emails' words in one language, read once.
struct Words(FluentBundle<FluentResource>);

impl Words {
    fn load(lang: Lang, ftl: &'static str) -> Words {
        let resource = FluentResource::try_new(ftl.to_string()).unwrap_or_else(|(_, errors)| panic!("emails.ftl ({lang:?}): {errors:?}"));
        let mut bundle = FluentBundle::new_concurrent(vec![lang.code().parse().expect("a language tag")]);
        // No Unicode isolation marks around the values: they would show in plain-text emails.
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).unwrap_or_else(|errors| panic!("emails.ftl ({lang:?}): {errors:?}"));
        Words(bundle)
    }

    /// The text `id` with these values. A missing text or value shows as its name (and fails
    /// the tests, which render every email in every language).
    fn say(&self, id: &str, values: &[(&str, &str)]) -> String {
        let Some(pattern) = self.0.get_message(id).and_then(|m| m.value()) else {
            debug_assert!(false, "no text {id} in emails.ftl");
            return id.to_string();
        };
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set(*name, *value);
        }
        let mut errors = Vec::new();
        let text = self.0.format_pattern(pattern, Some(&args), &mut errors).into_owned();
        debug_assert!(errors.is_empty(), "{id}: {errors:?}");
        text
    }
}

fn words(lang: Lang) -> &'static Words {
    static EN: LazyLock<Words> = LazyLock::new(|| Words::load(Lang::En, include_str!("../locales/en/emails.ftl")));
    static FR: LazyLock<Words> = LazyLock::new(|| Words::load(Lang::Fr, include_str!("../locales/fr/emails.ftl")));
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation email (R22): who invites, to which platform, the personal link, until when.
pub struct Invitation<'a> {
    pub platform: &'a str,
    pub inviter: &'a str,
    pub link: &'a str,
    /// `YYYY-MM-DD`.
    pub expires_on: &'a str,
}

impl Invitation<'_> {
    pub fn render(&self, lang: Lang) -> Rendered {
        let Invitation { platform, inviter, link, expires_on } = *self;
        let (words, values) = (words(lang), [("inviter", inviter), ("platform", platform), ("expires_on", expires_on)]);
        let say = |id| words.say(id, &values);
        let (subject, intro, action, expiry, ignore) =
            (say("invitation-subject"), say("invitation-intro"), say("invitation-action"), say("invitation-expiry"), say("invitation-ignore"));
        let text = format!("{intro}\n\n{action}: {link}\n\n{expiry}\n{ignore}\n");
        let body = format!("<p>{}</p>{}<p style=\"color:#5b6478\">{}<br>{}</p>", escape(&intro), button(link, &action), escape(&expiry), escape(&ignore));
        Rendered { subject, text, html: page(lang, &body) }
    }
}

/// The invitation to a program session (R31), one per session a user is enrolled in.
pub struct SessionInvitation<'a> {
    pub platform: &'a str,
    pub program: &'a str,
    pub session: &'a str,
    /// e.g. `2026-03-02 → 2026-04-24`, possibly empty.
    pub dates: &'a str,
    pub link: &'a str,
}

impl SessionInvitation<'_> {
    pub fn render(&self, lang: Lang) -> Rendered {
        let SessionInvitation { platform, program, session, dates, link } = *self;
        let (words, values) = (words(lang), [("platform", platform), ("program", program), ("session", session)]);
        let say = |id| words.say(id, &values);
        let (subject, intro, action) = (say("session-subject"), say("session-intro"), say("session-action"));
        let dates_line = if dates.is_empty() { String::new() } else { format!("{dates}\n") };
        let text = format!("{intro}\n{dates_line}\n{action}: {link}\n");
        let body = format!("<p>{}</p><p>{}</p>{}", escape(&intro), escape(dates), button(link, &action));
        Rendered { subject, text, html: page(lang, &body) }
    }
}

/// The credentials email of a set-up user (R27): the login and a generated password that works
/// once, for a first login that asks for a new password.
pub struct Credentials<'a> {
    pub platform: &'a str,
    pub inviter: &'a str,
    pub login: &'a str,
    pub password: &'a str,
    /// The login page.
    pub link: &'a str,
}

impl Credentials<'_> {
    pub fn render(&self, lang: Lang) -> Rendered {
        let Credentials { platform, inviter, login, password, link } = *self;
        let (words, values) = (words(lang), [("inviter", inviter), ("platform", platform)]);
        let say = |id| words.say(id, &values);
        let (subject, intro, login_label, password_label, action, once) = (
            say("credentials-subject"),
            say("credentials-intro"),
            say("credentials-login"),
            say("credentials-password"),
            say("credentials-action"),
            say("credentials-once"),
        );
        let text = format!("{intro}\n\n{login_label}: {login}\n{password_label}: {password}\n\n{action}: {link}\n\n{once}\n");
        let body = format!(
            "<p>{}</p><p>{}: <strong>{}</strong><br>{}: <code style=\"font-size:1.1em\">{}</code></p>{}<p style=\"color:#5b6478\">{}</p>",
            escape(&intro),
            escape(&login_label),
            escape(login),
            escape(&password_label),
            escape(password),
            button(link, &action),
            escape(&once),
        );
        Rendered { subject, text, html: page(lang, &body) }
    }
}

/// A warning that an account will be deleted (R42), a week and a day before its deletion date.
pub struct DeletionWarning<'a> {
    pub platform: &'a str,
    /// `YYYY-MM-DD`: the account goes at 00:00 that day, in `time_zone`.
    pub date: &'a str,
    pub time_zone: &'a str,
    /// The login page.
    pub link: &'a str,
}

impl DeletionWarning<'_> {
    pub fn render(&self, lang: Lang) -> Rendered {
        let DeletionWarning { platform, date, time_zone, link } = *self;
        let (words, values) = (words(lang), [("platform", platform), ("date", date), ("time_zone", time_zone)]);
        let say = |id| words.say(id, &values);
        let (subject, intro, consequence, mistake, action) =
            (say("deletion-subject"), say("deletion-intro"), say("deletion-consequence"), say("deletion-mistake"), say("deletion-action"));
        let text = format!("{intro}\n{consequence}\n\n{mistake}\n\n{action}: {link}\n");
        let body = format!("<p><strong>{}</strong><br>{}</p><p>{}</p>{}", escape(&intro), escape(&consequence), escape(&mistake), button(link, &action));
        Rendered { subject, text, html: page(lang, &body) }
    }
}

/// The HTML document around an email's body.
fn page(lang: Lang, body: &str) -> String {
    format!("<!doctype html><html lang=\"{}\"><body style=\"font-family:system-ui,sans-serif;color:#1d2433\">{body}</body></html>", lang.code())
}

/// The email's one call to action, as a button-looking link.
fn button(link: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;background:#3451b2;color:#fff;border-radius:8px;text-decoration:none\">{}</a></p>",
        escape(link),
        escape(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Invitation<'static> {
        Invitation { platform: "Northwind <Academy>", inviter: "Olivia O'Hara", link: "https://learn.example.com/invitation/abc", expires_on: "2026-12-04" }
    }

    #[test]
    fn r22_r44_the_invitation_names_the_inviter_the_platform_and_the_link_in_both_languages() {
        let en = sample().render(Lang::En);
        assert_eq!(en.subject, "Olivia O'Hara invites you to Northwind <Academy>");
        assert!(en.text.contains("https://learn.example.com/invitation/abc") && en.text.contains("2026-12-04"));
        let fr = sample().render(Lang::Fr);
        assert!(fr.subject.starts_with("Olivia O'Hara vous invite"));
        assert!(fr.html.contains("lang=\"fr\"") && fr.html.contains("Finaliser votre compte"));
    }

    #[test]
    fn r27_the_credentials_email_carries_the_login_the_password_and_the_login_page() {
        let email = Credentials { platform: "Acme", inviter: "Olga Owner", login: "Grace@Example.com", password: "p<w>d", link: "https://x.example/login" };
        let en = email.render(Lang::En);
        assert_eq!(en.subject, "Your account on Acme");
        assert!(en.text.contains("Login: Grace@Example.com\nPassword: p<w>d\n") && en.text.contains("https://x.example/login"));
        assert!(en.html.contains("p&lt;w&gt;d"));
        assert!(email.render(Lang::Fr).text.contains("Identifiant: Grace@Example.com\nMot de passe: p<w>d\n"));
    }

    /// Every email in every language: a text missing from a language, or a value a text names
    /// and the email does not give, fails here (`Words::say` asserts in tests).
    #[test]
    fn r44_every_email_speaks_every_language_with_all_its_words() {
        for lang in Lang::ALL {
            let rendered = [
                sample().render(lang),
                SessionInvitation { platform: "P", program: "Onboarding", session: "Spring", dates: "2026-03-02 → 2026-04-24", link: "https://x/s/1" }.render(lang),
                Credentials { platform: "P", inviter: "I", login: "l", password: "p", link: "https://x/login" }.render(lang),
                DeletionWarning { platform: "P", date: "2026-12-31", time_zone: "Europe/Paris", link: "https://x/login" }.render(lang),
            ];
            for email in rendered {
                assert!(!email.subject.is_empty() && !email.text.contains('{') && !email.text.contains('\u{2068}'), "{lang:?}: {}", email.text);
            }
        }
        let ids = |ftl: &str| ftl.lines().filter_map(|l| l.split_once(" = ").map(|(id, _)| id.to_string())).filter(|id| !id.starts_with('#')).collect::<Vec<_>>();
        assert_eq!(ids(include_str!("../locales/en/emails.ftl")), ids(include_str!("../locales/fr/emails.ftl")), "the same texts, in the same order");
    }

    #[test]
    fn names_are_escaped_in_html() {
        let html = sample().render(Lang::En).html;
        assert!(html.contains("Northwind &lt;Academy&gt;") && html.contains("Olivia O&#39;Hara"));
        assert!(!html.contains("<Academy>"));
    }
}
