//! The words of the interface, in English and French. A fixed text is a `T` variant, its words in
//! `locales/<language>/ui.ftl` (`build.rs` fails the build on a key missing from a language, so a
//! missing translation does not compile); a text with values in it (counts, names, limits) is a
//! `Msg`, rendered here. The emails' words are in `locales/<language>/emails.ftl` (`emails.rs`).
//! The language is the user's, else the platform's (R44); the server decides it per request and
//! writes it in `<html lang>`, where the browser reads it back before hydrating.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// Accepts `en`, `fr` and regional forms such as `fr-CA`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $en:literal, $fr:literal;)*) => {
        /// A fixed text of the interface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum T { $($key),* }

        impl T {
            /// Every text, for the tests that check them all.
            #[cfg(test)]
            const ALL: &[T] = &[$(T::$key),*];

            pub fn in_lang(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

// The words themselves are in `locales/<language>/ui.ftl`; `build.rs` checks that every key is
// in every language and writes the `texts!` call.
include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// A message with parameters: validation and error messages, rendered in the reader's language.
/// Travels inside `AppError`, so the server never has to guess the browser's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    Required,
    WrongCredentials,
    WrongCurrentPassword,
    TooManyAttempts { retry_after_secs: u64 },
    NotSignedIn,
    NotAllowed,
    NotFound,
    BadRequest,
    Network,
    SomethingWentWrong { reference: String },
    InvalidEmail,
    InvalidUsername,
    PasswordTooShort { min: usize },
    PasswordTooLong { max: usize },
    PasswordLikeIdentity,
    PasswordTooCommon,
    PasswordRules { min: usize, max: usize },
    GroupNameTaken,
    NameTaken,
    PlatformGroupStaysPrivate,
    PlatformGroupStaysRoot,
    MoveUnderItself,
    NoSuchUser,
    NameTooLong { max: usize },
    /// A text longer than the field takes.
    TooLong { max: usize },
    /// More items in a list than any form sends.
    TooManyItems { max: usize },
    /// Control characters (NUL, escape…) where a person's text is expected.
    InvalidCharacters,
    /// A request body over the server's limit.
    RequestTooLarge { max_kb: usize },
    /// A number outside what a setting takes.
    NumberBetween { min: i64, max: i64 },
    /// The sender's invitation emails for this hour (or day) are used up.
    EmailLimitReached { max: i64, per_day: bool, minutes: u64 },
    /// The platform's invitation emails for this hour are used up.
    PlatformEmailLimitReached { max: i64, minutes: u64 },
    TooManyAddresses { max: usize, count: usize },
    InvitedToJoin { platform: String },
    InvalidDate,
    UnknownTimeZone,
    EndsBeforeStart,
    ChooseARole,
    ChooseAGroup,
    MayNotAddIn { groups: String },
    /// R28: the address belongs to an account already.
    ActiveAccountExists,
    /// R28: the address has a pending invitation (the form links to it).
    PendingInvitation { email: String },
    UsernameTaken,
    NoEmailForCredentials,
    DateNotInFuture,
    OwnerNeverDeleted,
    EmailNoLongerWorks,
    PageOf { page: u32, pages: u32 },
    UsersCount { count: u64 },
    BilledCount { active: i64, billed: i64 },
    FirstGroupsShown { shown: usize },
    GroupsTicked { count: usize },
    ChooseWhereToAdd { group: String },
    GrantsLapsed { lapsed: String },
    NotANumber,
    HeldBy { count: i64 },
    OneOf { options: String },
    NotAnOption { options: String },
    OptionTwice { option: String },
    ListNeedsOptions,
    TooManyOptions { max: usize },
    ValuesDoNotFit { count: i64 },
    ConfirmDeleteLabel { name: String, holders: i64 },
    NothingLeftToGrant { lapsed: String },
    UserSetUp { name: String },
    /// An email's delivery status (R41): queued, sending, sent, failed; retried when queued
    /// after attempts.
    Delivery { status: String, attempts: i64 },
    LogsInAs { login: String },
    MembersCount { count: u64 },
}

impl Msg {
    pub fn render(&self, lang: Lang) -> String {
        use Lang::{En, Fr};
        match (self, lang) {
            (Msg::Required, En) => "This field is required.".into(),
            (Msg::Required, Fr) => "Ce champ est obligatoire.".into(),
            (Msg::WrongCredentials, En) => "Wrong email, username or password.".into(),
            (Msg::WrongCurrentPassword, En) => "This is not your current password.".into(),
            (Msg::WrongCurrentPassword, Fr) => "Ce n'est pas votre mot de passe actuel.".into(),
            (Msg::WrongCredentials, Fr) => "E-mail, nom d'utilisateur ou mot de passe incorrect.".into(),
            (Msg::TooManyAttempts { retry_after_secs: s }, En) => format!("Too many attempts, try again in {s} s."),
            (Msg::TooManyAttempts { retry_after_secs: s }, Fr) => format!("Trop de tentatives, réessayez dans {s} s."),
            (Msg::NotSignedIn, En) => "Your session has ended: log in again.".into(),
            (Msg::NotSignedIn, Fr) => "Votre session a pris fin : reconnectez-vous.".into(),
            (Msg::NotAllowed, En) => "You are not allowed to do this.".into(),
            (Msg::NotAllowed, Fr) => "Vous n'avez pas le droit de faire cela.".into(),
            (Msg::NotFound, En) => "This no longer exists, or you may not see it.".into(),
            (Msg::NotFound, Fr) => "Cet élément n'existe plus, ou vous ne pouvez pas le voir.".into(),
            (Msg::BadRequest, En) => "This request is malformed.".into(),
            (Msg::BadRequest, Fr) => "Cette requête est mal formée.".into(),
            (Msg::Network, En) => "The server could not be reached: check your connection and try again.".into(),
            (Msg::Network, Fr) => "Le serveur est injoignable : vérifiez votre connexion et réessayez.".into(),
            (Msg::SomethingWentWrong { reference }, En) => format!("Something went wrong (reference {reference})."),
            (Msg::SomethingWentWrong { reference }, Fr) => format!("Une erreur s'est produite (référence {reference})."),
            (Msg::InvalidEmail, En) => "This is not a valid email address.".into(),
            (Msg::InvalidEmail, Fr) => "Cette adresse e-mail n'est pas valide.".into(),
            (Msg::InvalidUsername, En) => "A username has 3 to 64 letters, digits, dots, dashes or underscores.".into(),
            (Msg::InvalidUsername, Fr) => "Un nom d'utilisateur compte 3 à 64 lettres, chiffres, points, tirets ou soulignés.".into(),
            (Msg::PasswordTooShort { min }, En) => format!("The password needs at least {min} characters."),
            (Msg::PasswordTooShort { min }, Fr) => format!("Le mot de passe doit compter au moins {min} caractères."),
            (Msg::PasswordTooLong { max }, En) => format!("The password can have at most {max} characters."),
            (Msg::PasswordTooLong { max }, Fr) => format!("Le mot de passe compte au plus {max} caractères."),
            (Msg::PasswordLikeIdentity, En) => "The password must not contain your name, email or username.".into(),
            (Msg::PasswordLikeIdentity, Fr) => "Le mot de passe ne doit contenir ni votre nom, ni votre e-mail, ni votre nom d'utilisateur.".into(),
            (Msg::PasswordTooCommon, En) => "This password is too common: choose another.".into(),
            (Msg::PasswordTooCommon, Fr) => "Ce mot de passe est trop courant : choisissez-en un autre.".into(),
            (Msg::PasswordRules { min, max }, En) => format!("{min} to {max} characters; not your name, email or username; not a common password."),
            (Msg::PasswordRules { min, max }, Fr) => format!("{min} à {max} caractères ; ni votre nom, ni votre e-mail, ni votre nom d'utilisateur ; pas un mot de passe courant."),
            (Msg::NameTaken, En) => "This name is already used.".into(),
            (Msg::NameTaken, Fr) => "Ce nom est déjà utilisé.".into(),
            (Msg::GroupNameTaken, En) => "A group with this name already exists here.".into(),
            (Msg::GroupNameTaken, Fr) => "Un groupe de ce nom existe déjà ici.".into(),
            (Msg::PlatformGroupStaysPrivate, En) => "The platform group is always private.".into(),
            (Msg::PlatformGroupStaysPrivate, Fr) => "Le groupe de la plateforme est toujours privé.".into(),
            (Msg::PlatformGroupStaysRoot, En) => "The platform group is the root of the tree: it cannot move.".into(),
            (Msg::PlatformGroupStaysRoot, Fr) => "Le groupe de la plateforme est la racine de l'arborescence : il ne peut pas être déplacé.".into(),
            (Msg::MoveUnderItself, En) => "A group cannot move under itself or one of its subgroups.".into(),
            (Msg::MoveUnderItself, Fr) => "Un groupe ne peut pas être déplacé sous lui-même ni sous un de ses sous-groupes.".into(),
            (Msg::InvitedToJoin { platform }, En) => format!("You are invited to join {platform} with this address:"),
            (Msg::InvitedToJoin { platform }, Fr) => format!("Vous êtes invité à rejoindre {platform} avec cette adresse :"),
            (Msg::TooManyAddresses { max, count }, En) => format!("At most {max} addresses at a time ({count} given)."),
            (Msg::TooManyAddresses { max, count }, Fr) => format!("Au plus {max} adresses à la fois ({count} saisies)."),
            (Msg::TooLong { max }, En) => format!("At most {max} characters."),
            (Msg::TooLong { max }, Fr) => format!("Au plus {max} caractères."),
            (Msg::TooManyItems { max }, En) => format!("At most {max} at a time."),
            (Msg::TooManyItems { max }, Fr) => format!("Au plus {max} à la fois."),
            (Msg::InvalidCharacters, En) => "This text holds characters that cannot be typed (control characters).".into(),
            (Msg::InvalidCharacters, Fr) => "Ce texte contient des caractères qui ne se tapent pas (caractères de contrôle).".into(),
            (Msg::RequestTooLarge { max_kb }, En) => format!("This request is too large (at most {max_kb} KB)."),
            (Msg::RequestTooLarge { max_kb }, Fr) => format!("Cette requête est trop volumineuse (au plus {max_kb} Ko)."),
            (Msg::NumberBetween { min, max }, En) => format!("Enter a whole number from {min} to {max}."),
            (Msg::NumberBetween { min, max }, Fr) => format!("Saisissez un nombre entier de {min} à {max}."),
            (Msg::EmailLimitReached { max, per_day, minutes }, En) => format!(
                "Limit reached: you may send {max} invitation emails {}. Try again in {minutes} min, or ask a platform administrator to raise the limit.",
                if *per_day { "a day" } else { "an hour" }
            ),
            (Msg::EmailLimitReached { max, per_day, minutes }, Fr) => format!(
                "Limite atteinte : vous pouvez envoyer {max} e-mails d'invitation {}. Réessayez dans {minutes} min, ou demandez à un administrateur de la plateforme de relever la limite.",
                if *per_day { "par jour" } else { "par heure" }
            ),
            (Msg::PlatformEmailLimitReached { max, minutes }, En) => format!("Limit reached: the platform sends at most {max} invitation emails an hour. Try again in {minutes} min."),
            (Msg::PlatformEmailLimitReached { max, minutes }, Fr) => format!("Limite atteinte : la plateforme envoie au plus {max} e-mails d'invitation par heure. Réessayez dans {minutes} min."),
            (Msg::NameTooLong { max }, En) => format!("A name has at most {max} characters."),
            (Msg::NameTooLong { max }, Fr) => format!("Un nom compte au plus {max} caractères."),
            (Msg::InvalidDate, En) => "Enter a date as YYYY-MM-DD.".into(),
            (Msg::InvalidDate, Fr) => "Saisissez une date au format AAAA-MM-JJ.".into(),
            (Msg::UnknownTimeZone, En) => "Choose a time zone from the list, such as Europe/Paris or UTC.".into(),
            (Msg::UnknownTimeZone, Fr) => "Choisissez un fuseau horaire de la liste, par exemple Europe/Paris ou UTC.".into(),
            (Msg::EndsBeforeStart, En) => "The end date comes before the start date.".into(),
            (Msg::EndsBeforeStart, Fr) => "La date de fin précède la date de début.".into(),
            (Msg::NoSuchUser, En) => "No user has this email or username.".into(),
            (Msg::NoSuchUser, Fr) => "Aucun utilisateur n'a cet e-mail ou ce nom d'utilisateur.".into(),
            (Msg::ChooseARole, En) => "Choose at least one role.".into(),
            (Msg::ChooseARole, Fr) => "Choisissez au moins un rôle.".into(),
            (Msg::ChooseAGroup, En) => "Choose at least one group.".into(),
            (Msg::ChooseAGroup, Fr) => "Choisissez au moins un groupe.".into(),
            (Msg::MayNotAddIn { groups }, En) => format!("You may not add users with these roles in: {groups}."),
            (Msg::MayNotAddIn { groups }, Fr) => format!("Vous ne pouvez pas ajouter d'utilisateurs avec ces rôles dans : {groups}."),
            (Msg::ActiveAccountExists, En) => "The following user already has an active account.".into(),
            (Msg::ActiveAccountExists, Fr) => "L'utilisateur suivant a déjà un compte actif.".into(),
            (Msg::PendingInvitation { email }, En) => format!("{email} has a pending invitation."),
            (Msg::PendingInvitation { email }, Fr) => format!("{email} a une invitation en attente."),
            (Msg::UsernameTaken, En) => "This username is taken.".into(),
            (Msg::UsernameTaken, Fr) => "Ce nom d'utilisateur est déjà pris.".into(),
            (Msg::NoEmailForCredentials, En) => "A user without email cannot receive credentials: enter a password.".into(),
            (Msg::NoEmailForCredentials, Fr) => "Un utilisateur sans e-mail ne peut pas recevoir d'identifiants : saisissez un mot de passe.".into(),
            (Msg::DateNotInFuture, En) => "Choose a day after today.".into(),
            (Msg::DateNotInFuture, Fr) => "Choisissez un jour postérieur à aujourd'hui.".into(),
            (Msg::OwnerNeverDeleted, En) => "The platform's owner is never deleted.".into(),
            (Msg::OwnerNeverDeleted, Fr) => "Le propriétaire de la plateforme n'est jamais supprimé.".into(),
            (Msg::EmailNoLongerWorks, En) => "This email's link or password no longer works, so it is not sent again. Send new credentials or a new invitation instead.".into(),
            (Msg::EmailNoLongerWorks, Fr) => "Le lien ou le mot de passe de cet e-mail ne fonctionne plus : il n'est pas renvoyé. Envoyez plutôt de nouveaux identifiants ou une nouvelle invitation.".into(),
            (Msg::PageOf { page, pages }, En) => format!("Page {page} of {pages}"),
            (Msg::PageOf { page, pages }, Fr) => format!("Page {page} sur {pages}"),
            (Msg::UsersCount { count }, En) => plural(*count, "user", "users"),
            (Msg::UsersCount { count }, Fr) => plural_fr(*count, "utilisateur", "utilisateurs"),
            (Msg::BilledCount { active, billed }, En) => {
                let active = if *active == 1 { "1 account billed and active".to_string() } else { format!("{active} accounts billed and active") };
                format!("{active}; {billed} billed since the start, deleted accounts included.")
            }
            (Msg::BilledCount { active, billed }, Fr) => {
                let active = if *active <= 1 { format!("{active} compte facturé et actif") } else { format!("{active} comptes facturés et actifs") };
                format!("{active} ; {billed} facturés depuis le début, comptes supprimés compris.")
            }
            (Msg::FirstGroupsShown { shown }, En) => format!("Showing the first {shown} groups: type to narrow the list."),
            (Msg::FirstGroupsShown { shown }, Fr) => format!("Affichage des {shown} premiers groupes : tapez pour affiner la liste."),
            (Msg::GroupsTicked { count }, En) => plural(*count as u64, "group selected", "groups selected"),
            (Msg::GroupsTicked { count }, Fr) => plural_fr(*count as u64, "groupe choisi", "groupes choisis"),
            (Msg::HeldBy { count: 0 }, En) => "held by nobody".into(),
            (Msg::HeldBy { count: 0 }, Fr) => "attribué à personne".into(),
            (Msg::HeldBy { count }, En) => format!("held by {}", plural(*count as u64, "user or invitation", "users or invitations")),
            (Msg::HeldBy { count }, Fr) => format!("attribué à {}", plural_fr(*count as u64, "utilisateur ou invitation", "utilisateurs ou invitations")),
            (Msg::OneOf { options }, En) => format!("One of: {options}"),
            (Msg::OneOf { options }, Fr) => format!("Au choix : {options}"),
            (Msg::NotANumber, En) => "Enter a number, such as 42 or 3.5.".into(),
            (Msg::NotANumber, Fr) => "Saisissez un nombre, par exemple 42 ou 3,5.".into(),
            (Msg::NotAnOption { options }, En) => format!("Choose one of: {options}."),
            (Msg::NotAnOption { options }, Fr) => format!("Choisissez parmi : {options}."),
            (Msg::OptionTwice { option }, En) => format!("{option} is in the list twice."),
            (Msg::OptionTwice { option }, Fr) => format!("{option} figure deux fois dans la liste."),
            (Msg::ListNeedsOptions, En) => "Give the list its choices, one per line.".into(),
            (Msg::ListNeedsOptions, Fr) => "Donnez les choix de la liste, un par ligne.".into(),
            (Msg::TooManyOptions { max }, En) => format!("At most {max} choices."),
            (Msg::TooManyOptions { max }, Fr) => format!("{max} choix au plus."),
            (Msg::ValuesDoNotFit { count: 1 }, En) => "1 value held does not fit this type: change it on the user's page first, or keep the type.".into(),
            (Msg::ValuesDoNotFit { count: 1 }, Fr) => "1 valeur enregistrée ne correspond pas à ce type : modifiez-la d'abord sur la page de l'utilisateur, ou gardez le type.".into(),
            (Msg::ValuesDoNotFit { count }, En) => format!("{count} values held do not fit this type: change them on the users' pages first, or keep the type."),
            (Msg::ValuesDoNotFit { count }, Fr) => format!("{count} valeurs enregistrées ne correspondent pas à ce type : modifiez-les d'abord sur les pages des utilisateurs, ou gardez le type."),
            (Msg::ConfirmDeleteLabel { name, holders: 0 }, En) => format!("Delete {name}? Nobody holds it."),
            (Msg::ConfirmDeleteLabel { name, holders: 0 }, Fr) => format!("Supprimer {name} ? Personne ne l'a."),
            (Msg::ConfirmDeleteLabel { name, holders: 1 }, En) => format!("Delete {name}? 1 user or invitation holds it; it will be taken off. This cannot be undone."),
            (Msg::ConfirmDeleteLabel { name, holders: 1 }, Fr) => format!("Supprimer {name} ? 1 utilisateur ou invitation l'a ; il lui sera retiré. Cette action est définitive."),
            (Msg::ConfirmDeleteLabel { name, holders }, En) => format!("Delete {name}? {holders} users or invitations hold it; it will be taken off them. This cannot be undone."),
            (Msg::ConfirmDeleteLabel { name, holders }, Fr) => format!("Supprimer {name} ? {holders} utilisateurs ou invitations l'ont ; il leur sera retiré. Cette action est définitive."),
            (Msg::GrantsLapsed { lapsed }, En) => format!("Dropped at registration: {lapsed}. Whoever granted it may no longer."),
            (Msg::GrantsLapsed { lapsed }, Fr) => format!("Retiré à l'inscription : {lapsed}. La personne qui l'a accordé ne le peut plus."),
            (Msg::NothingLeftToGrant { lapsed }, En) => format!("Nothing left to grant ({lapsed}: whoever granted it may no longer): the link will not work. Cancel it, or invite again."),
            (Msg::NothingLeftToGrant { lapsed }, Fr) => format!("Plus rien à accorder ({lapsed} : la personne qui l'a accordé ne le peut plus) : le lien ne fonctionnera pas. Annulez-la, ou invitez à nouveau."),
            (Msg::ChooseWhereToAdd { group }, En) => format!("You may not add users to {group}. Choose the group to add them to:"),
            (Msg::ChooseWhereToAdd { group }, Fr) => format!("Vous ne pouvez pas ajouter d'utilisateurs dans {group}. Choisissez le groupe où les ajouter :"),
            (Msg::Delivery { status, attempts }, lang) => {
                let fr = lang == Lang::Fr;
                match (status.as_str(), attempts) {
                    ("queued", 0) => if fr { "En file d'attente" } else { "Queued" }.into(),
                    ("queued", n) => if fr { format!("Nouvel essai après {n} tentative(s)") } else { format!("Retrying after {n} attempt(s)") },
                    ("sending", _) => if fr { "Envoi en cours" } else { "Sending" }.into(),
                    ("sent", _) => if fr { "Envoyé" } else { "Sent" }.into(),
                    ("failed", _) => if fr { "Échec" } else { "Failed" }.into(),
                    (other, _) => other.to_string(),
                }
            }
            (Msg::UserSetUp { name }, En) => format!("{name} is set up"),
            (Msg::UserSetUp { name }, Fr) => format!("{name} est créé"),
            (Msg::LogsInAs { login }, En) => format!("The account is active: log in as {login}."),
            (Msg::LogsInAs { login }, Fr) => format!("Le compte est actif : connexion avec {login}."),
            (Msg::MembersCount { count }, En) => plural(*count, "member", "members"),
            (Msg::MembersCount { count }, Fr) => plural_fr(*count, "membre", "membres"),
        }
    }
}

/// `2026-01-05 → 2026-03-31`, or what of it is known (dates are `YYYY-MM-DD` in every language).
pub fn date_range(starts_on: Option<&str>, ends_on: Option<&str>) -> String {
    match (starts_on, ends_on) {
        (Some(s), Some(e)) => format!("{s} → {e}"),
        (Some(s), None) => format!("{s} →"),
        (None, Some(e)) => format!("→ {e}"),
        (None, None) => String::new(),
    }
}

/// "0 groupe choisi", "1 groupe choisi", "2 groupes choisis": French counts 0 as one.
fn plural_fr(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count <= 1 { one } else { many })
}

fn plural(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r44_language_codes_parse_with_regions() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn r44_every_text_exists_in_both_languages_and_differs_where_it_should() {
        assert_eq!(T::LogIn.in_lang(Lang::En), "Log in");
        assert_eq!(T::LogIn.in_lang(Lang::Fr), "Se connecter");
        // The words French shares with English; any other text the same in both is a translation
        // forgotten.
        let same_in_both = [T::AppName, T::Pagination, T::Invitations, T::RoleCoach, T::Direct, T::Actions, T::Session, T::Dates, T::NoValue, T::FieldType, T::FieldDate];
        for &text in T::ALL {
            let (en, fr) = (text.in_lang(Lang::En), text.in_lang(Lang::Fr));
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{text:?} is empty in a language");
            assert!(en.trim() == en && fr.trim() == fr, "{text:?} has stray spaces");
            assert_eq!(en == fr, same_in_both.contains(&text), "{text:?}: {en:?} / {fr:?}");
            // French puts a (narrow) space before ? ! : ; and never a straight apostrophe pair.
            for mark in ['?', '!', ';'] {
                if let Some(at) = fr.find(mark) {
                    assert!(fr[..at].ends_with([' ', '\u{a0}', '\u{202f}']), "{text:?}: no space before {mark:?} in {fr:?}");
                }
            }
        }
        assert_eq!(Msg::GroupsTicked { count: 0 }.render(Lang::Fr), "0 groupe choisi", "French counts 0 as one");
        assert_eq!(Msg::GroupsTicked { count: 0 }.render(Lang::En), "0 groups selected");
        assert_eq!(Msg::MembersCount { count: 2 }.render(Lang::Fr), "2 membres");
        let msg = Msg::TooManyAttempts { retry_after_secs: 42 };
        assert_eq!(msg.render(Lang::En), "Too many attempts, try again in 42 s.");
        assert!(msg.render(Lang::Fr).contains("42 s"));
    }
}
