//! Several `amend serve` processes on one PostgreSQL database hold no state of their
//! own: two real server processes on two ports share one schema; a session opened on
//! one is valid on the other (and a logout on the other ends it on both), a comment
//! posted through one is read through the other, and a document uploaded through one
//! is listed by the other.
//!
//! Needs the test database's URL in `AMEND_TEST_POSTGRES` (skipped with a notice when
//! unset, a failure under `CI=true`). Runs in a schema of its own, dropped at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const PASSWORD: &str = "two-servers-test-password";

/// A running `amend serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(db: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_amend"))
            .args(["serve", "--db", db, "--port", "0"])
            .env("AMEND_DEMO_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("amend serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        // `amend: serving the library at http://127.0.0.1:PORT/ (data: ...)`.
        let addr = loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait();
                panic!("amend serve stopped before listening: {status:?}");
            };
            if let Some(rest) = line.split("http://").nth(1) {
                let addr = rest.split('/').next().unwrap();
                break addr.parse().expect("a socket address");
            }
        };
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, String) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(cookie) = cookie {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        (status, head.to_string(), body)
    }

    fn json(
        &self,
        method: &str,
        path: &str,
        session: Option<&Session>,
        body: Value,
    ) -> (u16, Value) {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(s) = session {
            headers.push(("X-CSRF-Token", s.csrf.as_str()));
        }
        let (status, _, text) = self.send(
            method,
            path,
            session.map(|s| s.cookie.as_str()),
            &headers,
            body.to_string().as_bytes(),
        );
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    fn get(&self, path: &str, session: Option<&Session>) -> (u16, Value) {
        let (status, _, text) =
            self.send("GET", path, session.map(|s| s.cookie.as_str()), &[], b"");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    fn login(&self, username: &str) -> Session {
        let (status, head, body) = self.send(
            "POST",
            "/api/session",
            None,
            &[("Content-Type", "application/json")],
            json!({ "username": username, "password": PASSWORD })
                .to_string()
                .as_bytes(),
        );
        assert_eq!(status, 200, "login {username}: {body}");
        // The `name=value` pair of the `Set-Cookie` header, as sent.
        let cookie = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.split(';').next().unwrap().trim().to_string())
            .expect("a session cookie");
        let value: Value = serde_json::from_str(&body).unwrap();
        Session {
            cookie,
            csrf: value["csrf_token"].as_str().unwrap().to_string(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session {
    cookie: String,
    csrf: String,
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn two_servers_share_sessions_comments_and_documents() {
    let url = match std::env::var("AMEND_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "AMEND_TEST_POSTGRES is not set under CI: the two-server test must run"
            );
            eprintln!("notice: AMEND_TEST_POSTGRES not set; skipping the two-server test");
            return;
        }
    };
    let schema = format!("amend_test_two_servers_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = rt.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(&url).unwrap())
            .await
            .expect("the test database");
        // The extension is database-wide; install it once in `public`, under a lock
        // shared with the store's tests.
        let mut tx = admin.begin().await.unwrap();
        sqlx::query("SELECT pg_advisory_xact_lock(7165034)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        for sql in [
            format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            format!("CREATE SCHEMA {schema}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        admin
    });
    let separator = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{separator}options=-csearch_path%3D{schema}%2Cpublic");

    let outcome = std::panic::catch_unwind(|| {
        // One after the other: the first migrates the schema and loads the demo; the
        // second finds both done.
        let a = Server::start(&db);
        let b = Server::start(&db);
        assert_ne!(a.addr, b.addr);

        // A session opened on A is valid on B.
        let member = a.login("member-state");
        let (status, me) = b.get("/api/session", Some(&member));
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["username"], "member-state", "{me}");

        // A comment posted through A is read through B.
        let (status, docs) = b.get("/api/documents", None);
        assert_eq!(status, 200);
        let public = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["restricted_to"].is_null())
            .expect("a public demo document")["id"]
            .as_i64()
            .unwrap();
        let body = "Comment posted through the first server.";
        let path = format!("/api/documents/{public}/comments");
        let (status, posted) = a.json("POST", &path, Some(&member), json!({ "body": body }));
        assert_eq!(status, 201, "{posted}");
        let (status, comments) = b.get(&path, None);
        assert_eq!(status, 200);
        assert!(
            comments
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["body"] == body),
            "{comments}"
        );

        // A document uploaded through B is listed by A, and found by A's search.
        let text = "RESOLUTION 901 (Rev. Test, 2026)\nOn two servers\n(Test, 2026)\n\
                    The Assembly,\nresolves\n1\tto share one quokkaborough store.\n";
        let (status, _, reply) = b.send(
            "POST",
            "/api/documents?name=res901.txt",
            Some(&member.cookie),
            &[
                ("Content-Type", "text/plain"),
                ("X-CSRF-Token", &member.csrf),
            ],
            text.as_bytes(),
        );
        assert!(status == 200 || status == 201, "{status} {reply}");
        let (_, listed) = a.get("/api/documents", None);
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["file_name"] == "res901.txt"),
            "{listed}"
        );
        let (status, hits) = a.get("/api/search?q=quokkaborough", None);
        assert_eq!(status, 200);
        assert!(hits.to_string().contains("quokkaborough"), "{hits}");

        // Logging out through B ends the session on A too.
        let (status, _, _) = b.send(
            "DELETE",
            "/api/session",
            Some(&member.cookie),
            &[("X-CSRF-Token", &member.csrf)],
            b"",
        );
        assert!(status < 300, "logout: {status}");
        let (status, _) = a.get("/api/session", Some(&member));
        assert_eq!(status, 401);
    });
    rt.block_on(async {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&admin)
        .await
        .unwrap();
        admin.close().await;
    });
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
