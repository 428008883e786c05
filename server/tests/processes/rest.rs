//! Issue 15 (R100–R102): schemathesis, the outside test suite of OpenAPI services (pinned in
//! scripts/schemathesis-requirements.txt, installed by `scripts/setup.sh --test`), generates
//! calls from `/api/v1/openapi.json` against a real `server serve` on the demo platform — valid
//! ones, invalid ones, and sequences that follow the answers' ids — and checks every answer: no
//! 5xx, the status, content type, headers and body the document promises, invalid input refused,
//! refused calls without a token. At least 1,000 calls.

use std::process::Command;

use super::{demo_with_token, test_tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r102_schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let (dir, instance, token) = demo_with_token("write").await;
    let base = format!("http://127.0.0.1:{}/api/v1", instance.port);
    // Every check but one: "a request the document allows is accepted" cannot hold for rules a
    // schema does not say (a name taken by a sibling group, a password with the user's name in
    // it, a user id nobody has): those are refused with a problem, as they must be.
    let run = Command::new(test_tool("schemathesis/bin/schemathesis"))
        .args(["run", &format!("{base}/openapi.json"), "--url", &base, "--checks", "all", "--exclude-checks", "positive_data_acceptance"])
        .args(["--max-examples", "60", "--seed", "15", "--no-color", "--suppress-health-check", "all"])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .current_dir(dir.path()) // where Hypothesis keeps its examples, not in the repository
        .output()
        .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "schemathesis:\n{report}\n\nserver log:\n{}", instance.log());
    let generated: usize = report
        .lines()
        .skip_while(|l| !l.trim().starts_with("Test cases:"))
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(generated >= 1000, "only {generated} calls:\n{report}");
    println!("schemathesis: {generated} calls, all passed");
}
