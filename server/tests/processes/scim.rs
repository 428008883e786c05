//! Issue 15 (R92, R94): scim2-tester, SCIM's outside test suite (pinned in
//! scripts/scim-requirements.txt, installed by `scripts/setup.sh --test`), runs its discovery,
//! CRUD, PATCH and attribute checks against a real `server serve` on the demo platform: nothing
//! fails but what docs/scim.md explains (scripts/scim-conformance.py keeps that list).

use std::process::Command;

use super::Instance;

/// The Python of scim2-tester's virtual environment.
fn tester_python() -> std::path::PathBuf {
    let tools = std::env::var("ROSTER_TOOLS").map(std::path::PathBuf::from).unwrap_or_else(|_| {
        std::path::PathBuf::from(std::env::var("HOME").expect("HOME")).join(".local/share/roster-tools")
    });
    let python = tools.join("scim-tester/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup.sh --test", python.display());
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r92_r94_scim2_tester_finds_nothing_that_docs_scim_md_does_not_explain() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/roster.db", dir.path().display());
    let instance = Instance::start(&url, &[("ROSTER_DEMO", "true")]).await;
    let credentials = std::fs::read_to_string(dir.path().join("demo-credentials.txt")).expect("the demo's credentials");
    let password = credentials.lines().find_map(|l| l.strip_prefix("password: ")).expect("a password line").trim().to_string();
    let cookie = instance.log_in("admin@northwind.example", &password).await;
    let made = instance.call(Some(&cookie), "/api/tokens/create", "form[name]=scim2-tester&form[scope]=scim&form[per_minute]=600000").await.unwrap();
    assert_eq!(made.status, 200, "{}", made.body);
    let token: serde_json::Value = serde_json::from_str(&made.body).unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/scim-conformance.py");
    let run = Command::new(tester_python())
        .arg(script)
        .env("SCIM_URL", format!("http://127.0.0.1:{}/scim/v2", instance.port))
        .env("SCIM_TOKEN", token["secret"].as_str().unwrap())
        .output()
        .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "scim2-tester:\n{report}\n\nserver log:\n{}", instance.log());
    // It did run its checks, not stop at the door.
    let summary = report.lines().rev().find(|l| l.contains(" passed, ")).unwrap_or_default().to_string();
    let passed: usize = summary.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(passed >= 60, "{summary}\n{report}");
    println!("{summary}");
}
