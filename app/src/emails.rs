//! The words of the emails Roster sends, in the recipient's language (R44), as plain text and
//! HTML. Everything that comes from people (names) is escaped in the HTML part.

use crate::i18n::Lang;

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
        let (subject, intro, action, expiry, ignore) = match lang {
            Lang::En => (
                format!("{inviter} invites you to {platform}"),
                format!("{inviter} invites you to join {platform}."),
                "Complete your account".to_string(),
                format!("This personal link works until {expires_on}."),
                "If you did not expect this invitation, you can ignore this email.".to_string(),
            ),
            Lang::Fr => (
                format!("{inviter} vous invite sur {platform}"),
                format!("{inviter} vous invite à rejoindre {platform}."),
                "Finaliser votre compte".to_string(),
                format!("Ce lien personnel est valable jusqu'au {expires_on}."),
                "Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.".to_string(),
            ),
        };
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
        let (subject, intro, action) = match lang {
            Lang::En => (format!("You are enrolled in {session} ({program})"), format!("On {platform}, you are enrolled in the session {session} of {program}."), "Open the session"),
            Lang::Fr => (format!("Vous êtes inscrit à {session} ({program})"), format!("Sur {platform}, vous êtes inscrit à la session {session} de {program}."), "Ouvrir la session"),
        };
        let dates_line = if dates.is_empty() { String::new() } else { format!("{dates}\n") };
        let text = format!("{intro}\n{dates_line}\n{action}: {link}\n");
        let body = format!("<p>{}</p><p>{}</p>{}", escape(&intro), escape(dates), button(link, action));
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
        let (subject, intro, login_label, password_label, action, once) = match lang {
            Lang::En => (
                format!("Your account on {platform}"),
                format!("{inviter} has created your account on {platform}."),
                "Login",
                "Password",
                "Log in",
                "This password works once: at your first login, you will choose your own.",
            ),
            Lang::Fr => (
                format!("Votre compte sur {platform}"),
                format!("{inviter} a créé votre compte sur {platform}."),
                "Identifiant",
                "Mot de passe",
                "Se connecter",
                "Ce mot de passe ne sert qu'une fois : à votre première connexion, vous choisirez le vôtre.",
            ),
        };
        let text = format!("{intro}\n\n{login_label}: {login}\n{password_label}: {password}\n\n{action}: {link}\n\n{once}\n");
        let body = format!(
            "<p>{}</p><p>{login_label}: <strong>{}</strong><br>{password_label}: <code style=\"font-size:1.1em\">{}</code></p>{}<p style=\"color:#5b6478\">{once}</p>",
            escape(&intro),
            escape(login),
            escape(password),
            button(link, action),
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
        let (subject, intro, consequence, mistake, action) = match lang {
            Lang::En => (
                format!("Your account on {platform} will be deleted on {date}"),
                format!("Your account on {platform} will be deleted on {date} at 00:00 ({time_zone})."),
                "From then on you can no longer log in, and your name, email address and group memberships are erased.",
                "If this is a mistake, contact your administrator before that date.",
                "Log in",
            ),
            Lang::Fr => (
                format!("Votre compte sur {platform} sera supprimé le {date}"),
                format!("Votre compte sur {platform} sera supprimé le {date} à 00:00 ({time_zone})."),
                "Vous ne pourrez alors plus vous connecter, et vos nom, adresse e-mail et appartenances aux groupes seront effacés.",
                "S'il s'agit d'une erreur, contactez votre administrateur avant cette date.",
                "Se connecter",
            ),
        };
        let text = format!("{intro}\n{consequence}\n\n{mistake}\n\n{action}: {link}\n");
        let body = format!("<p><strong>{}</strong><br>{consequence}</p><p>{mistake}</p>{}", escape(&intro), button(link, action));
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

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

    #[test]
    fn names_are_escaped_in_html() {
        let html = sample().render(Lang::En).html;
        assert!(html.contains("Northwind &lt;Academy&gt;") && html.contains("Olivia O&#39;Hara"));
        assert!(!html.contains("<Academy>"));
    }
}
