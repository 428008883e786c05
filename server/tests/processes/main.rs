#![recursion_limit = "256"]
//! Roster as real processes: the command line; several `server serve` instances on one
//! PostgreSQL with requests spread over them; instances killed with `kill -9`; the database
//! restarted under load. Each instance is started as an operator would (flags and environment),
//! spoken to over HTTP, and its log kept for the failure message.

mod cli;
mod cluster;
mod crashes;
mod rest;
mod scim;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};

/// The one address people reach the instances at (a reverse proxy's, in production): every
/// instance is started with it, and the requests carry it as their Origin.
pub const PUBLIC_URL: &str = "http://roster.test";

/// Runs a one-off command of the server (migrate, init…): its exit code, stdout and stderr.
pub fn server(args: &[&str], database_url: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server")).args(args).env("DATABASE_URL", database_url).env("RUST_LOG", "off").output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into(), String::from_utf8_lossy(&output.stderr).into())
}

/// A program of the test tools (`scripts/setup.sh --test` installs them under ROSTER_TOOLS).
pub fn test_tool(path: &str) -> PathBuf {
    let tools = std::env::var("ROSTER_TOOLS").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").expect("HOME")).join(".local/share/roster-tools"));
    let program = tools.join(path);
    assert!(program.exists(), "{} is missing: run scripts/setup.sh --test", program.display());
    program
}

/// A demo platform on its own SQLite file, served by a real instance, and an API token of
/// `scope` made by its platform administrator, with the most calls a minute.
pub async fn demo_with_token(scope: &str) -> (tempfile::TempDir, Instance, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/roster.db", dir.path().display());
    let instance = Instance::start(&url, &[("ROSTER_DEMO", "true")]).await;
    let credentials = std::fs::read_to_string(dir.path().join("demo-credentials.txt")).expect("the demo's credentials");
    let password = credentials.lines().find_map(|l| l.strip_prefix("password: ")).expect("a password line").trim().to_string();
    let cookie = instance.log_in("admin@northwind.example", &password).await;
    let made = instance.call(Some(&cookie), "/api/tokens/create", &format!("form[name]=outside%20suite&form[scope]={scope}&form[per_minute]=600000")).await.unwrap();
    assert_eq!(made.status, 200, "{}", made.body);
    let token: serde_json::Value = serde_json::from_str(&made.body).unwrap();
    (dir, instance, token["secret"].as_str().unwrap().to_string())
}

/// A `server serve` process, killed when dropped.
pub struct Instance {
    child: Option<Child>,
    pub port: u16,
    database_url: String,
    env: Vec<(String, String)>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Instance {
    /// Starts an instance on this database (with these extra environment variables) and waits
    /// until its health check answers.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Instance {
        let mut instance = Instance::spawn(database_url, env);
        instance.wait_healthy().await;
        instance
    }

    /// Starts an instance without waiting for it.
    pub fn spawn(database_url: &str, env: &[(&str, &str)]) -> Instance {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut instance = Instance {
            child: None,
            port,
            database_url: database_url.to_string(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            log: dir.path().join("server.log"),
            _dir: dir,
        };
        instance.respawn();
        instance
    }

    /// Starts the process again, on the same port, appending to the same log.
    pub fn respawn(&mut self) {
        assert!(self.child.is_none(), "the instance is still running");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["serve", "--bind", &format!("127.0.0.1:{}", self.port)])
            .env("DATABASE_URL", &self.database_url)
            .env("PUBLIC_URL", PUBLIC_URL)
            .env("RUST_LOG", "info,sqlx=warn")
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// Waits until `GET /healthz` answers 200 (the process is listening and reaches the database).
    pub async fn wait_healthy(&mut self) {
        let started = Instant::now();
        loop {
            if let Ok(answer) = get(&format!("127.0.0.1:{}", self.port), "/healthz").await {
                if answer.status == 200 {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("the instance exited ({status}):\n{}", self.log());
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the instance never became healthy:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `kill -9`: no shutdown, no flush, connections cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// What the instance logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Logs `login` in on this instance; the session cookie's `name=value`.
    pub async fn log_in(&self, login: &str, password: &str) -> String {
        let body = format!("login={}&password={}", encode(login), encode(password));
        let answer = self.call(None, "/api/login", &body).await.unwrap();
        assert_eq!(answer.status, 200, "{login} logs in: {}", answer.body);
        answer.cookie().expect("a session cookie")
    }

    /// A same-origin call of a server function, as our pages make it.
    pub async fn call(&self, cookie: Option<&str>, path: &str, body: &str) -> Result<Answer, String> {
        call(self.port, cookie, path, body).await
    }
}

/// A same-origin call of a server function on the instance at this port.
pub async fn call(port: u16, cookie: Option<&str>, path: &str, body: &str) -> Result<Answer, String> {
    let mut headers = vec![
        ("content-type", "application/x-www-form-urlencoded"),
        ("accept", "application/json"),
        ("sec-fetch-site", "same-origin"),
        ("origin", PUBLIC_URL),
    ];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    request(&format!("127.0.0.1:{port}"), "POST", path, &headers, body.to_string()).await
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `name=value` of the cookie it sets, if any.
    pub fn cookie(&self) -> Option<String> {
        let set = self.headers.get(http::header::SET_COOKIE)?.to_str().ok()?;
        Some(set.split(';').next()?.to_string())
    }
}

/// One HTTP/1.1 request on a new connection to `address` (host:port).
pub async fn request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: String) -> Result<Answer, String> {
    let stream = tokio::net::TcpStream::connect(address).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let mut builder = http::Request::builder().method(method).uri(path).header("host", address);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
    let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok(Answer { status: parts.status.as_u16(), headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() })
}

pub async fn get(address: &str, path: &str) -> Result<Answer, String> {
    request(address, "GET", path, &[], String::new()).await
}

/// Form-encodes a value.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// How many emails MailDev received for each address that starts with `prefix`.
pub async fn maildev_received(prefix: &str) -> std::collections::HashMap<String, usize> {
    let api = std::env::var("ROSTER_TEST_MAILDEV_API").expect("ROSTER_TEST_MAILDEV_API is not set: run `eval \"$(scripts/services.sh)\"` first");
    let (address, base) = api.trim_start_matches("http://").split_once('/').unwrap();
    let answer = get(address, &format!("/{base}/email")).await.expect("MailDev answers");
    let emails: Vec<serde_json::Value> = serde_json::from_str(&answer.body).expect("MailDev's list of emails");
    let mut received = std::collections::HashMap::new();
    for email in &emails {
        for to in email["to"].as_array().into_iter().flatten() {
            if let Some(address) = to["address"].as_str().filter(|a| a.starts_with(prefix)) {
                *received.entry(address.to_string()).or_default() += 1;
            }
        }
    }
    received
}

pub fn smtp_url() -> String {
    std::env::var("ROSTER_TEST_SMTP_URL").expect("ROSTER_TEST_SMTP_URL is not set: run `eval \"$(scripts/services.sh)\"` first")
}

/// Polls `done` every 20 ms until it holds; fails after `limit`, saying `what`.
pub async fn until<F: std::future::Future<Output = bool>>(limit: Duration, what: &str, mut done: impl FnMut() -> F) -> Duration {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "{what}: not after {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// A one-number query.
pub async fn count(db: &app::backend::Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}
