//! Creating users in batch (R35–R37), on SQLite and PostgreSQL: the preview of a file as a
//! French Excel export writes it, and its rejected rows.

use app::backend::batch::preview::{self, Request};
use app::backend::details::{self, Kind};
use app::backend::invitations::{self, Inviting};
use app::backend::testing::{self, TestDb};
use app::domain::batch::{Defaults, Mode};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, AdministerPlatform};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::wire::batch::{ImportPreview, RowOutcome};

use crate::support::{acme, permit};

app::on_both_databases!(
    r35_r36_a_french_excel_export_is_previewed_row_by_row_and_nothing_is_written,
    r1_r3_r35_each_row_is_checked_against_the_rights_of_the_person_importing,
    r35_a_file_without_an_address_column_or_not_in_utf8_is_refused_as_a_whole,
);

/// A French Excel export: byte-order mark, semicolons, CRLF, accents and apostrophes, a quoted
/// `;`, an address repeated in other case, a formula cell, an unknown group and role, a date that
/// is not one, an address already invited, an active account, a column Roster does not know.
pub const FRENCH_EXPORT: &str = "\u{feff}E-mail;Prénom;Nom;Groupes;Rôles;Date de suppression;Libellés;Taille\r\n\
    zoe.martin@exemple.fr;Zoé;Martin;Sales/EMEA;Apprenant;31/12/2030;Prestataire;M\r\n\
    sean.obrien@exemple.fr;Seán;\"O'Brien; Jr\";Sales / EMEA;apprenant;;;\r\n\
    ZOE.MARTIN@exemple.fr;Zoé;Martin;Sales/EMEA;Apprenant;;;\r\n\
    \"=HYPERLINK(\"\"http://x\"\")\";Evil;Cell;Sales;Apprenant;;;\r\n\
    lea@exemple.fr;Léa;Dupont;Marketing;Chef;;;\r\n\
    tom@exemple.fr;Tom;Durand;Sales;Apprenant;2030-31-12;;\r\n\
    deja.invite@exemple.fr;;;EMEA;Apprenant;;;\r\n\
    Owner@Acme.example;;;EMEA;Apprenant;;;\r\n\
    ;;;;;;;\r\n";

fn count(preview: &ImportPreview, outcome: RowOutcome) -> u64 {
    preview.counts.iter().find(|(o, _)| *o == outcome).map_or(0, |(_, n)| *n)
}

async fn table_sizes(db: &TestDb) -> (i64, i64, i64) {
    let count = |table: &'static str| async move { sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap() };
    (count("users").await, count("invitations").await, count("outbox_emails").await)
}

async fn r35_r36_a_french_excel_export_is_previewed_row_by_row_and_nothing_is_written(db: TestDb) {
    let s = acme(&db, Lang::Fr).await;
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Prestataire", Default::default()).await.unwrap();
    let inviting = permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await;
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&inviting), &s.who, "deja.invite@exemple.fr", &Default::default()).await.unwrap();
    let before = table_sizes(&db).await;

    let importing = permit(&db, &s.owner, AddUsersSomewhere).await;
    let request = Request { file: FRENCH_EXPORT.as_bytes(), mode: Mode::Invite, defaults: &Defaults::default() };
    let preview = preview::preview(&db, &importing, request).await.unwrap();

    assert_eq!(preview.rows, 8, "the header and the empty row are not rows");
    let counts = [RowOutcome::New, RowOutcome::AlreadyInvited, RowOutcome::ActiveAccount, RowOutcome::Repeated, RowOutcome::Invalid].map(|o| count(&preview, o));
    assert_eq!(counts, [2, 1, 1, 1, 3], "new, already invited, active account, repeated, invalid");
    let problems: Vec<(u64, &str, &Msg)> = preview.problems.iter().map(|p| (p.line, p.column.as_str(), &p.msg)).collect();
    assert_eq!(
        problems,
        [
            (4, "E-mail", &Msg::RepeatedRow { line: 2 }),
            (5, "E-mail", &Msg::InvalidEmail),
            (6, "Groupes", &Msg::UnknownGroup { name: "Marketing".into() }),
            (6, "Rôles", &Msg::UnknownRole { name: "Chef".into() }),
            (7, "Date de suppression", &Msg::InvalidDate),
        ],
        "each problem at its line and its column as the file names it"
    );
    assert_eq!(preview.unknown_columns, [(8, "Taille".to_string())]);

    // The rejected rows, as the file has them, with why; the formula cell neutralised.
    let request = Request { file: FRENCH_EXPORT.as_bytes(), mode: Mode::Invite, defaults: &Defaults::default() };
    let rejected = preview::rejected_rows(&db, &importing, request).await.unwrap();
    let lines: Vec<&str> = rejected.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "the header and the four rejected rows: {rejected}");
    assert_eq!(lines[0], "E-mail;Prénom;Nom;Groupes;Rôles;Date de suppression;Libellés;Taille;Motif");
    assert_eq!(lines[1], "ZOE.MARTIN@exemple.fr;Zoé;Martin;Sales/EMEA;Apprenant;;;;E-mail: Déjà à la ligne 2 du fichier.");
    assert!(lines[2].starts_with("\"'=HYPERLINK(\"\"http://x\"\")\";Evil;Cell;"), "a formula is neutralised: {}", lines[2]);
    assert!(lines[3].ends_with("Groupes: Aucun groupe ne s'appelle Marketing : écrivez son chemin depuis le groupe de la plateforme, par exemple Ventes/Ventes Europe.; Rôles: Chef n'est pas un rôle : Apprenant, Auteur, Coach, Gestionnaire d'utilisateurs ou Administrateur.\""), "{}", lines[3]);
    assert_eq!(table_sizes(&db).await, before, "a preview writes nothing");
}

async fn r1_r3_r35_each_row_is_checked_against_the_rights_of_the_person_importing(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    // A user admin of EMEA may add learners there, and nothing in Sales above it.
    let hash = testing::hasher().hash("user admin password").await.unwrap();
    let ua = testing::insert_user(&db, "ua@acme.example", Some(&hash)).await;
    app::backend::groups::add_member(&db, crate::support::settings(), &permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::UserAdmin])).await, &s.who, ua).await.unwrap();
    let user_admin = testing::principal_of(&db, "ua@acme.example", "user admin password").await;
    let file = "email,groups,roles\nann@example.com,Sales/EMEA,learner\nbob@example.com,Sales/EMEA,coach\ncid@example.com,Sales,learner\ndan@example.com,,\n";
    let defaults = Defaults { groups: vec![s.emea], roles: vec![Role::Learner], language: None };
    let importing = permit(&db, &user_admin, AddUsersSomewhere).await;
    let preview = preview::preview(&db, &importing, Request { file: file.as_bytes(), mode: Mode::Invite, defaults: &defaults }).await.unwrap();
    let problems: Vec<(u64, Msg)> = preview.problems.iter().map(|p| (p.line, p.msg.clone())).collect();
    assert_eq!(problems, [(3, Msg::MayNotAddIn { groups: "Sales/EMEA".into() }), (4, Msg::MayNotAddIn { groups: "Sales".into() })]);
    assert_eq!((count(&preview, RowOutcome::New), count(&preview, RowOutcome::Invalid)), (2, 2), "the defaults fill the empty cells of the last row");
}

async fn r35_a_file_without_an_address_column_or_not_in_utf8_is_refused_as_a_whole(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let importing = permit(&db, &s.owner, AddUsersSomewhere).await;
    let defaults = Defaults::default();
    let refused = |file: &'static [u8]| {
        let (db, importing, defaults) = (&db, &importing, &defaults);
        async move { preview::preview(db, importing, Request { file, mode: Mode::Invite, defaults }).await.err().unwrap() }
    };
    let field = |e: AppError| e.for_field("file").cloned();
    assert_eq!(field(refused(b"first name,last name\nAda,Lovelace\n").await), Some(Msg::MissingColumn { name: "Email or username".into() }));
    assert_eq!(field(refused(b"email;first name\nzoe@example.fr;Zo\xe9\n").await), Some(Msg::FileNotUtf8 { line: 2 }));
    assert_eq!(field(refused(b"\xef\xbb\xbf\r\n").await), Some(Msg::FileEmpty));
}
