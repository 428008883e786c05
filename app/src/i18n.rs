//! Every word Roster shows, in English and French: the one i18n mechanism of the UI, the error
//! messages and (later) the emails. A text is a `T` variant, so a missing translation does not
//! compile. The language is the user's, else the platform's (R44); the server decides it per
//! request and writes it in `<html lang>`, where the browser reads it back before hydrating.

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

texts! {
    AppName => "Roster", "Roster";
    LogIn => "Log in", "Se connecter";
    LogInTitle => "Log in to your platform", "Connectez-vous à votre plateforme";
    LoginField => "Email or username", "E-mail ou nom d'utilisateur";
    Password => "Password", "Mot de passe";
    LogOut => "Log out", "Se déconnecter";
    Add => "Add", "Ajouter";
    User => "User", "Utilisateur";
    Dashboard => "Dashboard", "Tableau de bord";
    UsersTab => "USERS", "UTILISATEURS";
    Groups => "Groups", "Groupes";
    MainNavigation => "Main navigation", "Navigation principale";
    GroupTree => "Group tree", "Arborescence des groupes";
    PublicGroup => "Public group", "Groupe public";
    PrivateGroup => "Private group", "Groupe privé";
    PlatformGroupAlwaysPrivate => "The platform group is always private.", "Le groupe de la plateforme est toujours privé.";
    PlatformGroup => "Platform group", "Groupe de la plateforme";
    Subgroups => "Subgroups", "Sous-groupes";
    NoSubgroups => "This group has no subgroups.", "Ce groupe n'a pas de sous-groupe.";
    Members => "Members", "Membres";
    Search => "Search", "Rechercher";
    SearchUsers => "Search by name or email", "Rechercher par nom ou e-mail";
    Name => "Name", "Nom";
    EmailOrUsername => "Email or username", "E-mail ou nom d'utilisateur";
    Status => "Status", "Statut";
    CreatedOn => "Created", "Création";
    StatusActive => "Active", "Actif";
    NoUsersMatch => "No users match this search.", "Aucun utilisateur ne correspond à cette recherche.";
    Previous => "Previous", "Précédent";
    Next => "Next", "Suivant";
    Pagination => "Pagination", "Pagination";
    Loading => "Loading…", "Chargement…";
    AddUsers => "Add users", "Ajouter des utilisateurs";
    InviteUsers => "Invite users", "Inviter des utilisateurs";
    SetUpAUser => "Set up a user", "Créer un utilisateur";
    Invitations => "Invitations", "Invitations";
    Close => "Close", "Fermer";
    AddingTo => "Adding to", "Ajout dans";
    ChangePasswordTitle => "Choose a new password", "Choisissez un nouveau mot de passe";
    ChangePasswordWhy => "Your password was given to you by someone else: choose your own before you go on.", "Votre mot de passe vous a été transmis par quelqu'un d'autre : choisissez le vôtre avant de continuer.";
    NewPassword => "New password", "Nouveau mot de passe";
    SavePassword => "Save the new password", "Enregistrer le nouveau mot de passe";
    CurrentPassword => "Current password", "Mot de passe actuel";
    YourAccount => "Your account", "Votre compte";
    PasswordChanged => "Password changed. Your other sessions have ended.", "Mot de passe modifié. Vos autres sessions ont pris fin.";
    NotFoundTitle => "Page not found", "Page introuvable";
    BackHome => "Back to the homepage", "Retour à l'accueil";
    SkipToContent => "Skip to content", "Aller au contenu";
    Breadcrumb => "Breadcrumb", "Fil d'Ariane";
    RoleLearner => "Learner", "Apprenant";
    RoleAuthor => "Author", "Auteur";
    RoleCoach => "Coach", "Coach";
    RoleUserAdmin => "User admin", "Gestionnaire d'utilisateurs";
    RoleAdmin => "Admin", "Administrateur";
    Roles => "Role(s)", "Rôle(s)";
    AboutRoles => "About roles", "À propos des rôles";
    AboutGroups => "About groups", "À propos des groupes";
    RoleLearnerHelp => "Follows courses and program sessions. Added to a public group, also becomes a learner of each group above it, up to the first private group (included).", "Suit les cours et les sessions de programme. Ajouté à un groupe public, devient aussi apprenant de chaque groupe au-dessus, jusqu'au premier groupe privé (inclus).";
    RoleAuthorHelp => "Creates and edits courses.", "Crée et modifie les cours.";
    RoleCoachHelp => "Follows the learners of the group and its subgroups, and runs its program sessions; as a session's instructor, may invite learners from it.", "Suit les apprenants du groupe et de ses sous-groupes, et anime ses sessions de programme ; instructeur d'une session, peut y inviter des apprenants.";
    RoleUserAdminHelp => "Adds learners to the group and its subgroups (invites or sets them up), and manages them and their invitations.", "Ajoute des apprenants au groupe et à ses sous-groupes (les invite ou les crée), et gère ces apprenants et leurs invitations.";
    RoleAdminHelp => "Manages the group and everything below it: subgroups, members with any role, sessions. An admin of the platform group is a platform administrator.", "Gère le groupe et tout ce qui est en dessous : sous-groupes, membres de tous rôles, sessions. Un administrateur du groupe de la plateforme administre toute la plateforme.";
    GroupsHelp => "The roles chosen apply in every group chosen. A learner added to a public group also becomes a learner of each group above it, up to the first private group (included); other roles stay where they are given. Admin rights flow down: an admin of a group also manages its subgroups.", "Les rôles choisis s'appliquent dans chaque groupe choisi. Un apprenant ajouté à un groupe public devient aussi apprenant de chaque groupe au-dessus, jusqu'au premier groupe privé (inclus) ; les autres rôles restent là où ils sont donnés. Les droits d'administration descendent : l'administrateur d'un groupe gère aussi ses sous-groupes.";
    NotReceived => "Not received?", "Pas reçu ?";
    NotReceivedSpam => "Ask them to look in their spam or junk folder, and to search their mailbox for the platform's name.", "Demandez-lui de regarder dans ses courriers indésirables, et de chercher le nom de la plateforme dans sa messagerie.";
    NotReceivedAddress => "Check the address at the top of this page: a typo sends the email elsewhere.", "Vérifiez l'adresse en haut de cette page : une faute de frappe envoie l'e-mail ailleurs.";
    NotReceivedStatus => "Sent means the mail server accepted the email; delivery to the mailbox is then up to the recipient's provider. A failed email shows the mail server's answer under its status (550: no such mailbox; 552: mailbox full).", "Envoyé signifie que le serveur de messagerie a accepté l'e-mail ; sa remise dans la boîte dépend ensuite du fournisseur du destinataire. Un e-mail en échec affiche la réponse du serveur sous son statut (550 : boîte inexistante ; 552 : boîte pleine).";
    NotReceivedResend => "Resend a failed email with its button, or send new credentials. For an invitation, use Resend invitation in Invitations: a new link. If every email fails, ask whoever runs the platform to check its mail server (SMTP).", "Renvoyez un e-mail en échec avec son bouton, ou envoyez de nouveaux identifiants. Pour une invitation, utilisez Renvoyer l'invitation dans Invitations : un nouveau lien. Si tous les e-mails échouent, demandez à qui gère la plateforme de vérifier son serveur de messagerie (SMTP).";
    Direct => "direct", "direct";
    PropagatedFrom => "from", "depuis";
    Remove => "Remove", "Retirer";
    GroupSettings => "Group settings", "Paramètres du groupe";
    GroupName => "Group name", "Nom du groupe";
    Rename => "Rename", "Renommer";
    MakePublic => "Make public", "Rendre public";
    MakePrivate => "Make private", "Rendre privé";
    PublicExplained => "Learners added to a public group are also added to the groups above it, up to the first private group.", "Les apprenants ajoutés à un groupe public sont aussi ajoutés aux groupes au-dessus, jusqu'au premier groupe privé.";
    PrivateExplained => "Learners added to a private group stay in this group only.", "Les apprenants ajoutés à un groupe privé restent dans ce groupe uniquement.";
    MoveUnder => "Move under", "Déplacer sous";
    Move => "Move", "Déplacer";
    ChooseAGroup => "Choose a group…", "Choisissez un groupe…";
    NewSubgroup => "New subgroup", "Nouveau sous-groupe";
    SubgroupName => "Subgroup name", "Nom du sous-groupe";
    MakeItPublic => "Public (learners climb to the groups above)", "Public (les apprenants remontent aux groupes au-dessus)";
    CreateSubgroup => "Create subgroup", "Créer le sous-groupe";
    AddExistingUser => "Add an existing user", "Ajouter un utilisateur existant";
    AddToGroup => "Add to group", "Ajouter au groupe";
    NoMembers => "This group has no members yet.", "Ce groupe n'a pas encore de membres.";
    Emails => "Emails", "E-mails";
    EmailsHelp => "One or several addresses, separated by commas, semicolons, spaces or new lines (100 at most).", "Une ou plusieurs adresses, séparées par des virgules, des points-virgules, des espaces ou des retours à la ligne (100 au plus).";
    InviteButton => "INVITE", "INVITER";
    InviteResults => "Results", "Résultats";
    OutcomeInvited => "Invited: an invitation email is on its way.", "Invité : un e-mail d'invitation est en route.";
    OutcomeAlreadyInvited => "Already invited: the pending invitation now includes these groups and roles.", "Déjà invité : l'invitation en attente inclut maintenant ces groupes et rôles.";
    OutcomeActiveAccount => "the following user already has an active account", "l'utilisateur suivant a déjà un compte actif";
    OutcomeInvalid => "Not a valid email address.", "Adresse e-mail non valide.";
    OutcomeRepeated => "Repeated in the list.", "Répétée dans la liste.";
    AddToThisGroupInstead => "Add to this group instead", "L'ajouter plutôt à ce groupe";
    AddedToGroup => "Added to the group.", "Ajouté au groupe.";
    CompleteAccountTitle => "Complete your account", "Finalisez votre compte";
    FirstName => "First name", "Prénom";
    LastName => "Last name", "Nom";
    CreateMyAccount => "Create my account", "Créer mon compte";
    InvitationInvalid => "This invitation link is no longer valid — ask your administrator for a new one.", "Ce lien d'invitation n'est plus valide — demandez-en un nouveau à votre administrateur.";
    CancelInvitation => "Cancel invitation", "Annuler l'invitation";
    ResendInvitation => "Resend invitation", "Renvoyer l'invitation";
    ConfirmCancelInvitation => "Cancel this invitation? Its link will stop working.", "Annuler cette invitation ? Son lien ne fonctionnera plus.";
    InvitationCancelled => "Invitation cancelled.", "Invitation annulée.";
    InvitationResent => "Invitation sent again, with a new link.", "Invitation renvoyée, avec un nouveau lien.";
    SearchInvitations => "Search by email", "Rechercher par e-mail";
    NoInvitations => "No pending invitation.", "Aucune invitation en attente.";
    Email => "Email", "E-mail";
    GroupsAndRoles => "Groups and roles", "Groupes et rôles";
    InvitedBy => "Invited by", "Invité par";
    LastSent => "Last sent", "Dernier envoi";
    Expiry => "Expiry", "Expiration";
    Delivery => "Delivery", "Remise";
    Expired => "expired", "expirée";
    Actions => "Actions", "Actions";
    MoreInvitations => "More invitations", "Plus d'invitations";
    LearnersPlus => "Learners +", "Apprenants +";
    InviteLearners => "Invite learners to this session", "Inviter des apprenants à cette session";
    SessionInviteExplained => "They get the Learner role on the session's group only, and are enrolled in this session.", "Ils reçoivent le rôle Apprenant sur le seul groupe de la session, et sont inscrits à cette session.";
    Mailbox => "Mailbox", "Boîte mail";
    MailboxExplained => "Development mail: no SMTP server is configured, and the emails Roster would send are kept here, for the owner's eyes only.", "Messagerie de développement : aucun serveur SMTP n'est configuré, et les e-mails que Roster enverrait sont conservés ici, pour le seul propriétaire.";
    NotYoursToManage => "You see this person, but they hold roles you may not grant: an administrator above their groups manages their account.", "Vous voyez cette personne, mais elle a des rôles que vous ne pouvez pas attribuer : un administrateur au-dessus de ses groupes gère son compte.";
    EmailsHeld => "No mail server is configured: these emails wait in the outbox and leave once the server starts with one (SMTP_URL).", "Aucun serveur de messagerie n'est configuré : ces e-mails attendent et partiront quand le serveur démarrera avec un (SMTP_URL).";
    DeletionDateLocked => "Only an administrator above this person's groups may change it.", "Seul un administrateur au-dessus des groupes de cette personne peut la modifier.";
    DevelopmentMailBanner => "Development mail: no email leaves this server. For trying Roster out, not for real people.", "Messagerie de développement : aucun e-mail ne quitte ce serveur. Pour essayer Roster, pas pour de vraies personnes.";
    NoEmails => "No email yet.", "Aucun e-mail pour l'instant.";
    To => "To", "À";
    Programs => "Programs", "Programmes";
    NoPrograms => "No program yet.", "Aucun programme pour l'instant.";
    NewProgram => "New program", "Nouveau programme";
    ProgramName => "Program name", "Nom du programme";
    CreateProgram => "Create program", "Créer le programme";
    NewSession => "New session", "Nouvelle session";
    SessionName => "Session name", "Nom de la session";
    SessionGroup => "Group of the session", "Groupe de la session";
    StartsOn => "Starts on", "Début";
    EndsOn => "Ends on", "Fin";
    CreateSession => "Create session", "Créer la session";
    NoSessions => "No session yet.", "Aucune session pour l'instant.";
    Session => "Session", "Session";
    Instructors => "Instructors", "Formateurs";
    NoInstructors => "No instructor yet.", "Aucun formateur pour l'instant.";
    AddInstructor => "Add instructor", "Ajouter le formateur";
    AssignedGroups => "Assigned groups", "Groupes affectés";
    AssignedGroupsExplained => "Learners of these groups, now and later, are enrolled in the session.", "Les apprenants de ces groupes, actuels et futurs, sont inscrits à la session.";
    NoAssignedGroups => "Not assigned to any group yet.", "Affectée à aucun groupe pour l'instant.";
    AssignToGroup => "Assign to group", "Affecter au groupe";
    Learners => "Learners", "Apprenants";
    NoLearners => "No learner enrolled yet.", "Aucun apprenant inscrit pour l'instant.";
    Program => "Program", "Programme";
    Dates => "Dates", "Dates";
    DashboardSections => "Dashboard sections", "Rubriques du tableau de bord";
    AddUsersSections => "Ways to add users", "Façons d'ajouter des utilisateurs";
    GroupsSection => "Group(s)", "Groupe(s)";
    GroupSection => "Group", "Groupe";
    ChosenGroups => "Chosen groups", "Groupes choisis";
    SelectGroups => "Select groups", "Choisir des groupes";
    SelectGroupsTitle => "Select the group(s)", "Choisissez le(s) groupe(s)";
    SelectGroupTitle => "Select the group", "Choisissez le groupe";
    SearchGroups => "Search groups by name", "Rechercher un groupe par nom";
    NoGroupsMatch => "No group matches this search.", "Aucun groupe ne correspond à cette recherche.";
    Cancel => "Cancel", "Annuler";
    Confirm => "CONFIRM", "CONFIRMER";
    Username => "Username", "Nom d'utilisateur";
    UsernameHelp => "The user logs in with it and never receives emails. 3 to 64 letters, digits, dots, dashes or underscores.", "L'utilisateur se connecte avec lui et ne reçoit jamais d'e-mail. 3 à 64 lettres, chiffres, points, tirets ou soulignés.";
    NoEmailAddress => "This user has no email address (log in with a username)", "Cet utilisateur n'a pas d'adresse e-mail (connexion avec un nom d'utilisateur)";
    PasswordWillBeSent => "A password will be generated and sent with the login; the user chooses their own at first login.", "Un mot de passe sera généré et envoyé avec l'identifiant ; l'utilisateur choisira le sien à la première connexion.";
    ChooseGroupsFirst => "Choose the group(s) first: the roles apply to every chosen group.", "Choisissez d'abord le(s) groupe(s) : les rôles s'appliquent à chaque groupe choisi.";
    DefaultLanguage => "Default language", "Langue par défaut";
    PlatformLanguage => "The platform's language", "La langue de la plateforme";
    DeletionDate => "Deletion date", "Date de suppression";
    DeletionDateHelp => "Optional: the account is deleted at 00:00 that day, after warning emails a week and a day before.", "Facultatif : le compte est supprimé ce jour-là à 00:00, après des e-mails d'avertissement une semaine et un jour avant.";
    SendCredentials => "Send this new user credentials by email (login and password)", "Envoyer ses identifiants à ce nouvel utilisateur par e-mail (identifiant et mot de passe)";
    SetUpUserButton => "SET UP USER", "CRÉER L'UTILISATEUR";
    CredentialsSentNote => "The login and a one-time password are on their way by email.", "L'identifiant et un mot de passe à usage unique partent par e-mail.";
    PasswordGivenNote => "Give them the password you chose.", "Transmettez-lui le mot de passe choisi.";
    SetUpAnother => "Set up another user", "Créer un autre utilisateur";
    SeeTheInvitation => "See the invitation", "Voir l'invitation";
    LabelsSection => "Label(s)", "Libellé(s)";
    PickExistingUser => "Or pick an existing user", "Ou choisir un utilisateur existant";
    AddToSession => "Add to the session", "Ajouter à la session";
    LearnerAdded => "Added as a learner, enrolled in the session.", "Ajouté comme apprenant, inscrit à la session.";
    CustomFields => "Custom fields", "Champs personnalisés";
    LabelsTab => "LABELS", "LIBELLÉS";
    BillingTab => "BILLING", "FACTURATION";
    SettingsTab => "SETTINGS", "PARAMÈTRES";
    PlatformSettingsTitle => "Platform", "Plateforme";
    PlatformName => "Platform name", "Nom de la plateforme";
    PlatformNameHelp => "Shown in the top bar and in every email.", "Affiché dans la barre du haut et dans chaque e-mail.";
    PlatformLanguageField => "Default language", "Langue par défaut";
    PlatformLanguageHelp => "For users who chose none, and the emails sent to them.", "Pour les utilisateurs qui n'en ont choisi aucune, et les e-mails qui leur sont envoyés.";
    TimeZone => "Time zone", "Fuseau horaire";
    TimeZoneHelp => "When a day starts, for deletion dates.", "Le début d'une journée, pour les dates de suppression.";
    InvitationLifetime => "Invitation lifetime (days)", "Durée de validité des invitations (jours)";
    InvitationLifetimeHelp => "How long an invitation link works, from 1 to 30 days. Applies to invitations sent or resent from now on.", "Durée pendant laquelle un lien d'invitation fonctionne, de 1 à 30 jours. S'applique aux invitations envoyées ou renvoyées à partir de maintenant.";
    EmailLimitsTitle => "Invitation email limits", "Limites des e-mails d'invitation";
    EmailLimitsExplained => "How many invitation emails (emailed credentials included) may leave, so that nobody can invite any number of outside addresses. Platform administrators are limited by the platform's hourly ceiling only.", "Combien d'e-mails d'invitation (identifiants envoyés compris) peuvent partir, pour que personne ne puisse inviter un nombre illimité d'adresses extérieures. Les administrateurs de la plateforme ne sont limités que par le plafond horaire de la plateforme.";
    PerPersonPerHour => "Per person, an hour", "Par personne, par heure";
    PerPersonPerDay => "Per person, a day", "Par personne, par jour";
    PlatformPerHour => "Whole platform, an hour", "Toute la plateforme, par heure";
    SettingsSaved => "Settings saved.", "Paramètres enregistrés.";
    BillableSince => "Billable since (UTC)", "Facturable depuis (UTC)";
    BilledBecause => "Because", "Motif";
    BilledSetUp => "Set up", "Créé par un administrateur";
    BilledCredentialsSent => "Credentials emailed", "Identifiants envoyés";
    BilledInvitationAccepted => "Invitation accepted", "Invitation acceptée";
    DeletedAccount => "Deleted account", "Compte supprimé";
    NobodyBilled => "No account is billed yet: accounts become billable when they are activated.", "Aucun compte n'est encore facturé : un compte devient facturable à son activation.";
    LabelsExplained => "Labels and custom fields can be given to users when they are invited or set up.", "Les libellés et champs personnalisés peuvent être attribués aux utilisateurs invités ou créés.";
    AddLabel => "New label", "Nouveau libellé";
    AddCustomField => "New custom field", "Nouveau champ personnalisé";
    Edit => "Edit", "Modifier";
    Delete => "Delete", "Supprimer";
    FieldType => "Type", "Type";
    FieldText => "Text", "Texte";
    FieldNumber => "Number", "Nombre";
    FieldDate => "Date", "Date";
    FieldList => "One of a list", "Un choix dans une liste";
    ListChoices => "Choices, one per line", "Choix, un par ligne";
    NoneYet => "None yet.", "Aucun pour l'instant.";
    NoValue => "—", "—";
    Labels => "Labels", "Libellés";
    AnyLabel => "Any label", "Tous les libellés";
    Role => "Role", "Rôle";
    AnyRole => "Any role", "Tous les rôles";
    AnyStatus => "Any status", "Tous les statuts";
    StatusFirstLoginPending => "First login pending", "Première connexion en attente";
    ActivatedOn => "Activated", "Activation";
    NoMemberships => "No group yet.", "Aucun groupe pour l'instant.";
    Enrollments => "Session enrollments", "Inscriptions aux sessions";
    NoEnrollments => "Not enrolled in any session.", "Inscrit à aucune session.";
    EmailsSent => "Emails", "E-mails";
    NeverEmailed => "This user has no email address: Roster never emails them.", "Cet utilisateur n'a pas d'adresse e-mail : Roster ne lui écrit jamais.";
    Subject => "Subject", "Objet";
    Queued => "Queued", "Mis en file";
    ResendEmail => "Resend", "Renvoyer";
    ChangeDetailsTitle => "Language, deletion date, labels", "Langue, date de suppression, libellés";
    SaveDetails => "Save", "Enregistrer";
    DetailsSaved => "Saved.", "Enregistré.";
    SetPasswordTitle => "Password", "Mot de passe";
    SetPassword => "Set the password", "Définir le mot de passe";
    PasswordSet => "Password set. Their other sessions have ended.", "Mot de passe défini. Ses autres sessions ont pris fin.";
    NewCredentialsExplained => "Lost password, or the first email never arrived: send a new one-time password with the login. The current password stops working.", "Mot de passe perdu, ou premier e-mail jamais reçu : envoyez un nouveau mot de passe à usage unique avec l'identifiant. Le mot de passe actuel cesse de fonctionner.";
    SendNewCredentials => "Send new credentials", "Envoyer de nouveaux identifiants";
    NewCredentialsSent => "New credentials are on their way; the user's sessions have ended.", "Les nouveaux identifiants partent ; les sessions de l'utilisateur ont pris fin.";
}

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
