//! Importing users in batch (R36, R37, R71), on SQLite and PostgreSQL: a file uploaded, started,
//! and written by the background job as the person who started it; its counts, rejected rows,
//! emails and audit; re-importing; a part that never committed written again, once.

use std::sync::Arc;

use app::backend::audit::Who;
use app::backend::batch::job::{self, ImportWorker};
use app::backend::details::{self, Kind};
use app::backend::invitations::{self, Inviting};
use app::backend::settings;
use app::backend::testing::{self, TestDb};
use app::backend::Principal;
use app::domain::batch::{Defaults, Mode};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, AdministerPlatform};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::wire::batch::{ImportState, ImportStatus, RowOutcome};
use app::wire::settings::EmailLimits;

use crate::batch::FRENCH_EXPORT;
use crate::support::{acme, permit, Acme};

app::on_both_databases!(
    r36_r37_an_import_invites_the_valid_rows_reports_the_others_and_is_audited,
    r36_reimporting_the_same_file_adds_no_one_and_sends_nothing_twice,
    r37_a_part_that_never_committed_is_written_again_and_only_once,
    r71_r81_an_import_that_would_go_over_the_email_limits_is_refused_whole,
    r37_r81_an_import_is_seen_and_started_only_by_the_person_who_uploaded_it,
    r12_r28_r36_set_up_mode_creates_active_accounts_who_climb_and_are_billed,
    r12_r21_r81_existing_accounts_are_added_to_their_rows_groups_when_chosen,
);

fn worker(db: &TestDb, s: &Acme) -> ImportWorker {
    ImportWorker::new(db.db.clone(), Arc::new(s.settings.clone()), testing::hasher(), Default::default())
}

fn count(status: &ImportStatus, outcome: RowOutcome) -> u64 {
    status.counts.iter().find(|(o, _)| *o == outcome).map_or(0, |(_, n)| *n)
}

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

/// Uploads `file` as `by`, and starts it in `mode` with the defaults given.
async fn import(db: &TestDb, s: &Acme, by: &Principal, file: &str, mode: Mode, defaults: &Defaults, add_existing: bool) -> Result<i64, AppError> {
    let importing = permit(db, by, AddUsersSomewhere).await;
    let id = job::upload(db, &importing, &Who::default(), "export.csv", file.as_bytes()).await?;
    job::start(db, &importing, &s.who, id, mode, defaults, add_existing).await?;
    Ok(id)
}

async fn r36_r37_an_import_invites_the_valid_rows_reports_the_others_and_is_audited(db: TestDb) {
    let s = acme(&db, Lang::Fr).await;
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Prestataire", Default::default()).await.unwrap();
    let inviting = permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await;
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&inviting), &s.who, "deja.invite@exemple.fr", &Default::default()).await.unwrap();
    let emails_before = scalar(&db, "SELECT COUNT(*) FROM outbox_emails").await;

    let id = import(&db, &s, &s.owner, FRENCH_EXPORT, Mode::Invite, &Defaults::default(), false).await.unwrap();
    assert_eq!(job::status(&db, &s.owner, id).await.unwrap().state, ImportState::Queued, "nothing written before the worker runs");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations").await, 1);
    let worker = worker(&db, &s);
    assert!(worker.run_one().await.unwrap());
    assert!(!worker.run_one().await.unwrap(), "one job, run once");

    let status = job::status(&db, &s.owner, id).await.unwrap();
    assert_eq!((status.state, status.total, status.done), (ImportState::Done, 8, 8));
    let counts = [RowOutcome::New, RowOutcome::AlreadyInvited, RowOutcome::ActiveAccount, RowOutcome::Repeated, RowOutcome::Invalid].map(|o| count(&status, o));
    assert_eq!(counts, [2, 1, 1, 1, 3], "as the preview said");
    let invited: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT email, deletion_date FROM invitations WHERE email <> 'deja.invite@exemple.fr' ORDER BY email").fetch_all(&db.pool).await.unwrap();
    assert_eq!(invited, [("sean.obrien@exemple.fr".to_string(), None), ("zoe.martin@exemple.fr".to_string(), Some("2030-12-31".to_string()))]);
    let grants: Vec<(i64, String)> = sqlx::query_as("SELECT g.group_id, g.role FROM invitation_grants g JOIN invitations i ON i.id = g.invitation_id WHERE i.email = 'zoe.martin@exemple.fr'")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(grants, [(s.emea, "learner".to_string())]);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitation_labels l JOIN invitations i ON i.id = l.invitation_id WHERE i.email = 'zoe.martin@exemple.fr'").await, 1);
    let sent: Vec<String> = sqlx::query_scalar("SELECT to_address FROM outbox_emails WHERE kind = 'invitation' ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(sent[emails_before as usize..], ["zoe.martin@exemple.fr", "sean.obrien@exemple.fr"], "one invitation email per new row, in the file's order");

    let rejected = job::rejected_rows(&db, &s.owner, s.owner.lang, id).await.unwrap();
    let lines: Vec<&str> = rejected.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "the header and the four rejected rows: {rejected}");
    assert_eq!(lines[0], "E-mail;Prénom;Nom;Groupes;Rôles;Date de suppression;Libellés;Taille;Motif");
    assert!(lines[2].starts_with("\"'=HYPERLINK"), "the formula cell neutralised: {}", lines[2]);

    let audit: Vec<(String, String)> = sqlx::query_as("SELECT action, details FROM audit_log WHERE target_type = 'import' ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(audit.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["import_started", "import_done"]);
    let done: serde_json::Value = serde_json::from_str(&audit[1].1).unwrap();
    assert_eq!((done["rows"].as_u64(), done["done"].as_u64()), (Some(8), Some(8)), "{done}");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'invitation_created'").await, 3, "and the usual entry per invitation");
    assert_eq!(job::latest(&db, &s.owner).await.unwrap().map(|l| l.job), Some(id), "the panel finds it again");
}

async fn r36_reimporting_the_same_file_adds_no_one_and_sends_nothing_twice(db: TestDb) {
    let s = acme(&db, Lang::Fr).await;
    let file = "email;groupes;rôles\nann@example.com;EMEA;apprenant\nbob@example.com;EMEA;apprenant\n";
    let worker = worker(&db, &s);
    import(&db, &s, &s.owner, file, Mode::Invite, &Defaults::default(), false).await.unwrap();
    worker.run_one().await.unwrap();
    let before = (scalar(&db, "SELECT COUNT(*) FROM invitations").await, scalar(&db, "SELECT COUNT(*) FROM outbox_emails").await);
    let again = import(&db, &s, &s.owner, file, Mode::Invite, &Defaults::default(), false).await.unwrap();
    worker.run_one().await.unwrap();
    let status = job::status(&db, &s.owner, again).await.unwrap();
    assert_eq!((count(&status, RowOutcome::New), count(&status, RowOutcome::AlreadyInvited)), (0, 2));
    assert_eq!(before, (2, 2));
    assert_eq!((scalar(&db, "SELECT COUNT(*) FROM invitations").await, scalar(&db, "SELECT COUNT(*) FROM outbox_emails").await), before);
}

async fn r37_a_part_that_never_committed_is_written_again_and_only_once(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let mut file = String::from("email,groups,roles\n");
    for i in 0..1000 {
        file.push_str(&format!("learner{i}@example.com,Sales/EMEA,learner\n"));
    }
    let id = import(&db, &s, &s.owner, &file, Mode::Invite, &Defaults::default(), false).await.unwrap();
    // The second part's transaction fails at its very end (as when the process dies or the
    // database goes away before the commit): the first instance stops there.
    let (install, remove) = match db.backend {
        app::backend::db::Backend::Sqlite => (
            vec!["CREATE TRIGGER crash BEFORE UPDATE OF rows_done ON import_jobs WHEN NEW.rows_done > 250 BEGIN SELECT RAISE(ABORT, 'crash'); END"],
            vec!["DROP TRIGGER crash"],
        ),
        app::backend::db::Backend::Postgres => (
            vec![
                "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'crash'; END $$",
                "CREATE TRIGGER crash BEFORE UPDATE OF rows_done ON import_jobs FOR EACH ROW WHEN (NEW.rows_done > 250) EXECUTE FUNCTION crash()",
            ],
            vec!["DROP TRIGGER crash ON import_jobs", "DROP FUNCTION crash()"],
        ),
    };
    for sql in install {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    assert!(worker(&db, &s).run_one().await.is_err());
    let (status, done): (String, i64) = sqlx::query_as("SELECT status, rows_done FROM import_jobs WHERE id = $1").bind(id).fetch_one(&db.pool).await.unwrap();
    assert_eq!((status.as_str(), done), ("running", 250), "the first part stays, the second left nothing");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations").await, 250);
    assert!(!worker(&db, &s).run_one().await.unwrap(), "held until its lease lapses");
    for sql in remove {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    // The lease lapses; another instance takes the job over from the last part that committed.
    sqlx::query("UPDATE import_jobs SET lease_until = 0 WHERE id = $1").bind(id).execute(&db.pool).await.unwrap();
    assert!(worker(&db, &s).run_one().await.unwrap());

    let status = job::status(&db, &s.owner, id).await.unwrap();
    assert_eq!((status.state, status.done, count(&status, RowOutcome::New)), (ImportState::Done, 1000, 1000));
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations").await, 1000);
    assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT to_address) FROM outbox_emails").await, 1000);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox_emails").await, 1000, "no address emailed twice");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'invitation_created'").await, 1000);
}

async fn r71_r81_an_import_that_would_go_over_the_email_limits_is_refused_whole(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let admin = permit(&db, &s.owner, AdministerPlatform).await;
    settings::set_email_limits(&db, &admin, &s.who, EmailLimits { per_person_per_hour: 200, per_person_per_day: 1000, platform_per_hour: 3 }).await.unwrap();
    let four = "email,groups,roles
ann@example.com,EMEA,learner
bob@example.com,EMEA,learner
cid@example.com,EMEA,learner
dan@example.com,EMEA,learner
";
    let refused = import(&db, &s, &s.owner, four, Mode::Invite, &Defaults::default(), false).await.unwrap_err();
    assert!(matches!(refused.for_field("file"), Some(Msg::PlatformEmailLimitReached { max: 3, .. })), "{refused:?}");
    assert!(!worker(&db, &s).run_one().await.unwrap(), "nothing started");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations").await, 0);

    // An address already invited may be renewed, so it is counted at the start (3 of 3) and
    // given back when the import ends without sending to it (2 of 3)…
    let inviting = permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await;
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&inviting), &s.who, "cid@example.com", &Default::default()).await.unwrap();
    import(&db, &s, &s.owner, "email,groups,roles
ann@example.com,EMEA,learner
cid@example.com,EMEA,learner
", Mode::Invite, &Defaults::default(), false).await.unwrap();
    worker(&db, &s).run_one().await.unwrap();
    // …so one more email fits in the hour, and no more.
    import(&db, &s, &s.owner, "email,groups,roles
bob@example.com,EMEA,learner
", Mode::Invite, &Defaults::default(), false).await.expect("given back");
    assert!(import(&db, &s, &s.owner, "email,groups,roles
dan@example.com,EMEA,learner
", Mode::Invite, &Defaults::default(), false).await.is_err());
}

async fn r37_r81_an_import_is_seen_and_started_only_by_the_person_who_uploaded_it(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let hash = testing::hasher().hash("user admin password").await.unwrap();
    let ua = testing::insert_user(&db, "ua@acme.example", Some(&hash)).await;
    app::backend::groups::add_member(&db, &s.settings, &permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::UserAdmin])).await, &s.who, ua).await.unwrap();
    let user_admin = testing::principal_of(&db, "ua@acme.example", "user admin password").await;
    let owners = permit(&db, &s.owner, AddUsersSomewhere).await;
    let id = job::upload(&db, &owners, &Who::default(), "owner.csv", b"email\nann@example.com\n").await.unwrap();
    let theirs = permit(&db, &user_admin, AddUsersSomewhere).await;
    let defaults = Defaults { groups: vec![s.emea], roles: vec![Role::Learner], language: None };
    assert_eq!(job::preview(&db, &theirs, &Who::default(), id, Mode::Invite, &defaults).await.unwrap_err(), AppError::NotFound);
    assert_eq!(job::start(&db, &theirs, &s.who, id, Mode::Invite, &defaults, false).await.unwrap_err(), AppError::NotFound);
    assert_eq!(job::status(&db, &user_admin, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(job::rejected_rows(&db, &user_admin, user_admin.lang, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(job::latest(&db, &user_admin).await.unwrap(), None);
}

async fn r12_r28_r36_set_up_mode_creates_active_accounts_who_climb_and_are_billed(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let inviting = permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await;
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&inviting), &s.who, "pending@example.com", &Default::default()).await.unwrap();
    let file = "Email or username,First name,Last name,Groups,Roles,Password,Send credentials\n\
        grace@example.com,Grace,Hopper,Sales/EMEA,Learner,,yes\n\
        kiosk.paris,Kiosk,Paris,Sales/EMEA,Learner,correct horse battery 1843,no\n\
        pending@example.com,Pen,Ding,Sales/EMEA,Learner,,yes\n";
    let id = import(&db, &s, &s.owner, file, Mode::SetUp, &Defaults::default(), false).await.unwrap();
    worker(&db, &s).run_one().await.unwrap();
    let status = job::status(&db, &s.owner, id).await.unwrap();
    assert_eq!((status.state, count(&status, RowOutcome::New), count(&status, RowOutcome::AlreadyInvited)), (ImportState::Done, 2, 1));
    let users: Vec<(Option<String>, Option<String>, String)> =
        sqlx::query_as("SELECT email, username, status FROM users WHERE first_name IN ('Grace', 'Kiosk') ORDER BY first_name").fetch_all(&db.pool).await.unwrap();
    assert_eq!(users, [(Some("grace@example.com".into()), None, "active".into()), (None, Some("kiosk.paris".into()), "active".into())]);
    // R10: learners of the public EMEA climb to Sales; R26: the username account is billed at
    // once, the emailed one when its credentials leave.
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = 'kiosk.paris'").await, 2);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM billing_events b JOIN users u ON u.id = b.user_id WHERE u.first_name IN ('Grace', 'Kiosk')").await, 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox_emails WHERE kind = 'credentials' AND to_address = 'grace@example.com'").await, 1);
    let rejected = job::rejected_rows(&db, &s.owner, s.owner.lang, id).await.unwrap();
    assert!(rejected.contains("pending@example.com") && rejected.contains("pending invitation"), "R28: {rejected}");
}

async fn r12_r21_r81_existing_accounts_are_added_to_their_rows_groups_when_chosen(db: TestDb) {
    let s = acme(&db, Lang::En).await;
    let member = testing::insert_user(&db, "member@acme.example", None).await;
    let file = "email,groups,roles\nmember@acme.example,Sales/EMEA,learner\n";
    let id = import(&db, &s, &s.owner, file, Mode::Invite, &Defaults::default(), false).await.unwrap();
    worker(&db, &s).run_one().await.unwrap();
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM memberships WHERE user_id = {member}")).await, 0, "not chosen: reported only");
    assert_eq!(count(&job::status(&db, &s.owner, id).await.unwrap(), RowOutcome::ActiveAccount), 1);
    let id = import(&db, &s, &s.owner, file, Mode::Invite, &Defaults::default(), true).await.unwrap();
    worker(&db, &s).run_one().await.unwrap();
    assert_eq!(job::status(&db, &s.owner, id).await.unwrap().accounts_added, 1);
    let groups: Vec<i64> = sqlx::query_scalar(&format!("SELECT group_id FROM memberships WHERE user_id = {member} ORDER BY group_id")).fetch_all(&db.pool).await.unwrap();
    assert_eq!(groups, [s.sales, s.emea], "R10: the learner climbs to the first private group");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations").await, 0);
}
