//! Creating users in batch through the real door (R35–R37): the file uploaded as the panel sends
//! it, previewed, imported by the background job, and the template and the rejected rows
//! downloaded by a link — as a user admin, within their rights. On SQLite and PostgreSQL.

use std::sync::Arc;

use app::backend::batch::job::ImportWorker;
use app::backend::testing::TestDb;
use app::i18n::Msg;
use app::wire::batch::{ImportPreview, ImportState, ImportStatus, RowOutcome, Uploaded};
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use axum::body::Body;

use super::{app_error, demo_on, multipart, with_cookie, Harness};

app::on_both_databases!(r35_r36_r37_a_user_admin_imports_a_file_through_the_panels_calls, r35_an_upload_over_50_mb_or_not_in_utf8_is_refused_saying_why,);

async fn json<T: serde::de::DeserializeOwned>(response: http::Response<Body>) -> T {
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)))
}

async fn get(h: &Harness, cookie: &str, path: &str) -> http::Response<Body> {
    h.send(with_cookie(Request::get(path).body(Body::empty()).unwrap(), cookie)).await
}

async fn text(response: http::Response<Body>) -> String {
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

async fn r35_r36_r37_a_user_admin_imports_a_file_through_the_panels_calls(db: TestDb) {
    let h = demo_on(db).await;
    let ulysse = h.log_in_as("emea.useradmin@northwind.example").await;

    // The template, by a link: in their language, with a group of theirs in the example row.
    let template = get(&h, &ulysse, "/import/template.csv").await;
    assert_eq!(template.status(), StatusCode::OK);
    assert_eq!(template.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(template.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("users-import-template.csv"));
    let template = text(template).await;
    assert!(template.starts_with("\u{feff}Email or username,First name,Last name,Groups,Role(s),"), "{template}");
    assert!(template.contains("Sales/Sales EMEA"), "{template}");

    let file = "Email,Groups,Roles\r\nnew.one@outside.example,Sales/Sales EMEA,Learner\r\nnew.two@outside.example,,\r\nboss@outside.example,Sales/Sales EMEA,Admin\r\n\"=HYPERLINK(\"\"http://x\"\")\",Sales/Sales EMEA,Learner\r\n";
    let uploaded: Uploaded = json(h.send(with_cookie(multipart("/api/import/upload", "people.csv", file.as_bytes()), &ulysse)).await).await;
    assert_eq!((uploaded.file_name.as_str(), uploaded.bytes), ("people.csv", file.len() as u64));
    let emea = h.group("Sales EMEA").await;
    let choices = format!("job={}&mode=Invite&defaults[groups][0]={emea}&defaults[roles][0]=learner", uploaded.job);
    let preview: ImportPreview = json(h.call(&ulysse, "/api/import/preview", &choices).await).await;
    assert_eq!(preview.rows, 4);
    assert_eq!(preview.counts, [(RowOutcome::New, 2), (RowOutcome::Invalid, 2)], "a user admin grants no admin role; the formula is no address");
    assert_eq!(preview.problems[0].msg, Msg::MayNotAddIn { groups: "Sales/Sales EMEA".into() });

    assert_eq!(h.call(&ulysse, "/api/import/start", &choices).await.status(), StatusCode::OK);
    let worker = ImportWorker::new(h.db.db.clone(), Arc::new(app::backend::Settings::new(super::PUBLIC_URL)), app::backend::testing::hasher(), Default::default());
    assert!(worker.run_one().await.unwrap());
    let status: ImportStatus = json(h.call(&ulysse, "/api/import/progress", &format!("job={}", uploaded.job)).await).await;
    assert_eq!((status.state, status.done, status.counts.clone()), (ImportState::Done, 4, vec![(RowOutcome::New, 2), (RowOutcome::Invalid, 2)]));
    let latest: Option<ImportStatus> = json(h.call(&ulysse, "/api/import/latest", "").await).await;
    assert_eq!(latest.map(|l| l.job), Some(uploaded.job));

    // The Invitations list shows the imported people at once.
    let listed = text(h.call(&ulysse, "/api/invitations/list", "search=").await).await;
    assert!(listed.contains("new.one@outside.example") && listed.contains("new.two@outside.example"), "{listed}");

    let rejected = get(&h, &ulysse, &app::wire::batch::rejected_rows_path(uploaded.job)).await;
    assert_eq!(rejected.status(), StatusCode::OK);
    let rejected = text(rejected).await;
    let lines: Vec<&str> = rejected.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Email,Groups,Roles,Reason");
    assert!(lines[2].starts_with("\"'=HYPERLINK"), "neutralised: {}", lines[2]);

    // Someone else's import is not there for them.
    let paula = h.log_in_as("admin@northwind.example").await;
    assert_eq!(get(&h, &paula, &app::wire::batch::rejected_rows_path(uploaded.job)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(h.call(&paula, "/api/import/progress", &format!("job={}", uploaded.job)).await.status(), StatusCode::NOT_FOUND);
    // A learner may not download the template (nor anything of an import).
    let learner = h.log_in_as("learner@northwind.example").await;
    assert_eq!(get(&h, &learner, "/import/template.csv").await.status(), StatusCode::FORBIDDEN);
}

async fn r35_an_upload_over_50_mb_or_not_in_utf8_is_refused_saying_why(db: TestDb) {
    let h = demo_on(db).await;
    let owner = h.log_in().await;
    let latin1 = b"email;pr\xe9nom\nzoe@exemple.fr;Zo\xe9\n";
    let refused = h.send(with_cookie(multipart("/api/import/upload", "excel.csv", latin1), &owner)).await;
    assert_eq!(app_error(refused).await.for_field("file"), Some(&Msg::FileNotUtf8 { line: 1 }));
    let mut huge = b"email\n".to_vec();
    huge.resize(50 * 1024 * 1024 + 1, b'a');
    let refused = h.send(with_cookie(multipart("/api/import/upload", "huge.csv", &huge), &owner)).await;
    assert_eq!(app_error(refused).await.for_field("file"), Some(&Msg::FileTooLarge { max_mb: 50 }));
    assert_eq!(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM import_jobs").fetch_one(&h.db.pool).await.unwrap(), 0);
}
