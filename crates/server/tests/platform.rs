//! Users, roles, restricted groups, comments and consultations over HTTP: a real server
//! on a random port of 127.0.0.1 with a temporary data folder, the demo library and
//! the demo users, driven as each role through every page and API route.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

const PASSWORD: &str = "demo-password-for-tests";

struct Server {
    addr: SocketAddr,
    /// The server's store and runtime, for writes a test makes as another server would.
    store: std::sync::Arc<dyn amend_store::Store>,
    runtime: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
}

/// A response: status, head (lower-cased header lines) and body.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    fn set_cookie(&self) -> Option<String> {
        self.head
            .lines()
            .find(|l| l.starts_with("set-cookie:"))
            .map(|l| l["set-cookie:".len()..].trim().to_string())
    }
}

/// Who makes a request: no session, or a session's cookie and CSRF token.
#[derive(Clone, Default)]
struct Client {
    name: &'static str,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Server {
    fn start(name: &str) -> Server {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "amend-platform-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let data = dir.clone();
        let tag = name.to_string();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = common::open_store(&data, &tag).await;
                let store_handle = store.clone();
                let state = amend_server::AppState::new(store);
                amend_server::demo::load_if_empty(&state).await.unwrap();
                amend_server::demo::users(&state, PASSWORD).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx
                    .send((
                        listener.local_addr().unwrap(),
                        store_handle,
                        tokio::runtime::Handle::current(),
                    ))
                    .unwrap();
                let shutdown = async {
                    let _ = stop_rx.await;
                };
                amend_server::serve(listener, state.clone(), shutdown)
                    .await
                    .unwrap();
                state.store().close().await;
            });
        });
        let (addr, store, runtime) = addr_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("server started");
        Server {
            addr,
            store,
            runtime,
            stop: Some(stop_tx),
            thread: Some(thread),
            dir,
        }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        client: &Client,
        headers: &[(&str, String)],
        content_type: &str,
        body: &[u8],
    ) -> Reply {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(c) = &client.cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
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
        let (head, body) = raw.split_once("\r\n\r\n").expect("HTTP response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let head = head.to_ascii_lowercase();
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_string()
        };
        Reply { status, head, body }
    }

    fn get(&self, path: &str, client: &Client) -> Reply {
        self.send("GET", path, client, &[], "text/plain", b"")
    }

    /// An API write with JSON, with or without the client's CSRF header.
    fn api(&self, method: &str, path: &str, client: &Client, body: Value, csrf: bool) -> Reply {
        let headers: Vec<(&str, String)> = match (&client.csrf, csrf) {
            (Some(t), true) => vec![("X-CSRF-Token", t.clone())],
            _ => vec![],
        };
        self.send(
            method,
            path,
            client,
            &headers,
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    /// A form post, with or without the client's CSRF token.
    fn form(&self, path: &str, client: &Client, fields: &[(&str, &str)], csrf: bool) -> Reply {
        let mut pairs: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if csrf && let Some(t) = &client.csrf {
            pairs.push(format!("csrf_token={t}"));
        }
        self.send(
            "POST",
            path,
            client,
            &[],
            "application/x-www-form-urlencoded",
            pairs.join("&").as_bytes(),
        )
    }

    fn login(&self, name: &'static str) -> Client {
        let r = self.api(
            "POST",
            "/api/session",
            &Client::default(),
            json!({ "username": name, "password": PASSWORD }),
            false,
        );
        assert_eq!(r.status, 200, "login {name}: {}", r.body);
        let cookie = r.set_cookie().expect("session cookie");
        let pair = cookie.split(';').next().unwrap().trim().to_string();
        Client {
            name,
            cookie: Some(pair),
            csrf: Some(r.json()["csrf_token"].as_str().unwrap().to_string()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[(n + 2).min(rest.len())..];
    }
    out
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn multipart(fields: &[(&str, &str)], file: (&str, &str)) -> (String, Vec<u8>) {
    let boundary = "XamendPlatformBoundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
         Content-Type: text/plain\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// What must never reach anyone outside CWG-Internet.
const SECRETS: &[&str] = &[
    "CWG-Internet restricted demo note",
    "cwg-internet-demo-note.txt",
    "zebrafish",
    "Zebrafish",
    "confidential comment on the note",
    "Members-only consultation",
];

/// A restricted contribution proposing to change Resolution 75 (so that redlines,
/// synoptic tables and instrument pages could carry it).
fn restricted_proposal() -> String {
    let base = amend_server::demo::BASE;
    let changed = base.replacen(
        "considering",
        "considering\na)\tthat the {++zebrafish++} working method is preferred;",
        1,
    );
    format!(
        "Abstract:\nZebrafish proposal, for CWG-Internet only.\n\nProposal\n\nMOD ZZZ/75/1\n{changed}"
    )
}

/// The ids the matrix visits.
struct Ids {
    note: i64,
    proposal_doc: i64,
    proposal: i64,
    version: i64,
    res75: i64,
    public_doc: i64,
    consultation: i64,
    restricted_consultation: i64,
}

fn setup(server: &Server) -> Ids {
    let member = server.login("member-state");
    let secretariat = server.login("secretariat");
    // The demo note is there for members; find it as one.
    let docs = server.get("/api/documents", &member).json();
    let note = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "CWG-Internet restricted demo note")
        .unwrap_or_else(|| panic!("the note: {docs:#}"))["id"]
        .as_i64()
        .unwrap();
    let public_doc = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file_name"] == "res75-dubai-2012.txt")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // A restricted proposal on Resolution 75, uploaded by a Member State delegate.
    let r = server.send(
        "POST",
        "/api/documents?name=zebrafish.md&group=cwg-internet",
        &member,
        &[("X-CSRF-Token", member.csrf.clone().unwrap())],
        "text/markdown",
        restricted_proposal().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let proposal_doc = r.json()["id"].as_i64().unwrap();
    let d = server
        .get(&format!("/api/documents/{proposal_doc}"), &member)
        .json();
    let proposal = d["proposals"][0]["id"].as_i64().expect("a proposal");
    let res75 = d["proposals"][0]["instrument_id"].as_i64().unwrap();
    let version = server
        .get(&format!("/api/instruments/{res75}"), &member)
        .json()["versions"][0]["id"]
        .as_i64()
        .unwrap();
    // A comment on the note, by a member.
    let r = server.api(
        "POST",
        &format!("/api/documents/{note}/comments"),
        &member,
        json!({ "body": "A confidential comment on the note." }),
        true,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Two consultations: one for all stakeholders, one for CWG-Internet only.
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 86_400;
    let r = server.api(
        "POST",
        "/api/consultations",
        &secretariat,
        json!({ "title": "Open consultation on Internet access", "question": "How to connect the unconnected?", "deadline": deadline }),
        true,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let consultation = r.json()["id"].as_i64().unwrap();
    let r = server.api(
        "POST",
        "/api/consultations",
        &secretariat,
        json!({ "title": "Members-only consultation", "question": "Zebrafish?", "deadline": deadline, "group": "cwg-internet" }),
        true,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    Ids {
        note,
        proposal_doc,
        proposal,
        version,
        res75,
        public_doc,
        consultation,
        restricted_consultation: r.json()["id"].as_i64().unwrap(),
    }
}

/// Every GET route of the pages and the API, with the ids filled in.
fn get_routes(ids: &Ids) -> Vec<String> {
    let Ids {
        note,
        proposal_doc,
        proposal,
        version,
        res75,
        public_doc,
        consultation,
        restricted_consultation,
    } = ids;
    let mut routes = vec![
        "/".to_string(),
        "/upload".into(),
        "/login".into(),
        "/consultations".into(),
        format!("/consultations/{consultation}"),
        format!("/consultations/{restricted_consultation}"),
        format!("/instruments/{res75}"),
        format!("/instruments/{res75}/synoptic"),
        format!("/redline?from=version:{version}&to=proposal:{proposal}"),
        format!("/redline?from=document:{public_doc}&to=document:{note}"),
        "/api/documents".into(),
        "/api/instruments".into(),
        format!("/api/instruments/{res75}"),
        format!("/api/instruments/{res75}/synoptic"),
        format!("/api/redline?from=version:{version}&to=proposal:{proposal}"),
        format!("/api/redline?from=document:{note}&to=document:{public_doc}"),
        "/api/consultations".into(),
        format!("/api/consultations/{consultation}"),
        format!("/api/consultations/{restricted_consultation}"),
        "/api/groups".into(),
        "/api/session".into(),
        "/api/openapi.json".into(),
    ];
    for doc in [note, proposal_doc, public_doc] {
        routes.extend([
            format!("/documents/{doc}"),
            format!("/documents/{doc}/source"),
            format!("/documents/{doc}/check"),
            format!("/api/documents/{doc}"),
            format!("/api/documents/{doc}/check"),
            format!("/api/documents/{doc}/comments"),
        ]);
    }
    for q in [
        "restricted+demo+note",
        "zebrafish",
        "Resolution",
        "confidential",
    ] {
        routes.push(format!("/search?q={q}"));
        routes.push(format!("/api/search?q={q}"));
    }
    routes
}

#[test]
fn no_restricted_document_or_comment_reaches_anyone_outside_its_group() {
    let server = Server::start("matrix");
    let ids = setup(&server);
    let outsiders = [
        Client {
            name: "anonymous",
            ..Client::default()
        },
        server.login("observer"),
        server.login("sector-member"),
    ];
    let insiders = [server.login("member-state"), server.login("secretariat")];
    let routes = get_routes(&ids);
    let restricted_paths = [
        format!("/documents/{}", ids.note),
        format!("/documents/{}", ids.proposal_doc),
        format!("/api/documents/{}", ids.note),
        format!("/api/documents/{}", ids.proposal_doc),
        format!("proposal:{}", ids.proposal),
        format!("document:{}", ids.note),
        format!("/consultations/{}", ids.restricted_consultation),
    ];
    for client in &outsiders {
        for route in &routes {
            let r = server.get(route, client);
            assert!(
                r.status < 500,
                "{} {route}: {} {}",
                client.name,
                r.status,
                r.body
            );
            // A search page shows the query it was asked; that echo is not a leak.
            let mut body = r.body.clone();
            if let Some((_, q)) = route.split_once("q=") {
                let q = q.replace('+', " ");
                body = body
                    .replace(&format!("value=\"{q}\""), "")
                    .replace(&format!("\"query\":\"{q}\""), "");
                if route.starts_with("/api/") {
                    assert!(r.json()["results"].as_array().unwrap().iter().all(|h| {
                        h["document_id"] != ids.note && h["document_id"] != ids.proposal_doc
                    }));
                }
            }
            for secret in SECRETS {
                assert!(
                    !body.contains(secret),
                    "{} sees `{secret}` at {route}: {}",
                    client.name,
                    r.body
                );
            }
            if restricted_paths.iter().any(|p| route.contains(p.as_str())) {
                assert_eq!(r.status, 404, "{} {route}: {}", client.name, r.body);
            }
        }
        // The synoptic table and instrument list only the public proposals.
        let s = server.get(&format!("/api/instruments/{}/synoptic", ids.res75), client);
        assert_eq!(s.json()["columns"].as_array().unwrap().len(), 3);
        let i = server
            .get(&format!("/api/instruments/{}", ids.res75), client)
            .json();
        assert_eq!(
            i["proposals"].as_array().unwrap().len(),
            3,
            "{}",
            client.name
        );
        assert_eq!(
            server
                .get("/api/documents", client)
                .json()
                .as_array()
                .unwrap()
                .len(),
            4
        );
    }
    for client in &insiders {
        let note = server.get(&format!("/documents/{}", ids.note), client);
        assert_eq!(note.status, 200, "{}", client.name);
        assert!(note.body.contains("CWG-Internet restricted demo note"));
        assert!(note.body.contains("confidential comment on the note"));
        assert!(note.body.contains("Restricted to"));
        let r = server.get(
            &format!(
                "/redline?from=version:{}&to=proposal:{}",
                ids.version, ids.proposal
            ),
            client,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("zebrafish"));
        let s = server.get(&format!("/api/instruments/{}/synoptic", ids.res75), client);
        assert_eq!(s.json()["columns"].as_array().unwrap().len(), 4);
        let hits = server.get("/api/search?q=zebrafish", client).json();
        assert!(
            !hits["results"].as_array().unwrap().is_empty(),
            "{}",
            client.name
        );
        let source = server.get(&format!("/documents/{}/source", ids.note), client);
        assert_eq!(source.status, 200);
        let k = server.get(
            &format!("/api/consultations/{}", ids.restricted_consultation),
            client,
        );
        assert_eq!(k.status, 200);
        for route in &routes {
            let r = server.get(route, client);
            assert!(r.status < 500, "{} {route}: {}", client.name, r.body);
        }
    }
}

#[test]
fn the_demo_note_is_found_by_members_only() {
    let server = Server::start("demo-search");
    for (who, expected) in [
        ("sector-member", 0),
        ("observer", 0),
        ("member-state", 1),
        ("secretariat", 1),
    ] {
        let client = server.login(who);
        let results = server
            .get("/api/search?q=restricted+demo+note", &client)
            .json();
        let hits = results["results"].as_array().unwrap();
        assert_eq!(hits.len(), expected, "{who}: {results:#}");
        if expected == 1 {
            assert_eq!(hits[0]["title"], "CWG-Internet restricted demo note");
        }
        let page = server.get("/search?q=restricted+demo+note", &client);
        assert_eq!(
            page.body.contains("CWG-Internet restricted demo note"),
            expected == 1
        );
    }
    let anonymous = server.get("/api/search?q=restricted+demo+note", &Client::default());
    assert!(anonymous.json()["results"].as_array().unwrap().is_empty());
}

#[test]
fn every_write_needs_the_right_role_and_a_csrf_token() {
    let server = Server::start("writes");
    let ids = setup(&server);
    let anonymous = Client {
        name: "anonymous",
        ..Client::default()
    };
    let observer = server.login("observer");
    let sector = server.login("sector-member");
    let member = server.login("member-state");
    let secretariat = server.login("secretariat");
    let public = ids.public_doc;

    // Comments (API and form): delegates and the secretariat, with the token.
    let comment = json!({ "body": "A comment on item 1", "item": "" });
    let path = format!("/api/documents/{public}/comments");
    assert_eq!(
        server
            .api("POST", &path, &anonymous, comment.clone(), true)
            .status,
        401
    );
    assert_eq!(
        server
            .api("POST", &path, &observer, comment.clone(), true)
            .status,
        403
    );
    assert_eq!(
        server
            .api("POST", &path, &sector, comment.clone(), false)
            .status,
        403
    );
    assert_eq!(
        server
            .api("POST", &path, &sector, comment.clone(), true)
            .status,
        201
    );
    let restricted = format!("/api/documents/{}/comments", ids.note);
    assert_eq!(
        server
            .api("POST", &restricted, &sector, comment.clone(), true)
            .status,
        404
    );
    let form = format!("/documents/{public}/comments");
    let fields = [("body", "A form comment"), ("item", "")];
    assert_eq!(server.form(&form, &anonymous, &fields, true).status, 401);
    assert_eq!(server.form(&form, &observer, &fields, true).status, 403);
    assert_eq!(server.form(&form, &member, &fields, false).status, 403);
    assert_eq!(server.form(&form, &member, &fields, true).status, 303);
    // Threaded: an answer to a comment.
    let list = server
        .get(&format!("/api/documents/{public}/comments"), &anonymous)
        .json();
    let first = list[0]["id"].as_i64().unwrap();
    let answer = json!({ "body": "An answer", "parent_id": first });
    let r = server.api("POST", &path, &member, answer, true);
    assert_eq!(r.status, 201, "{}", r.body);
    let list = server
        .get(&format!("/api/documents/{public}/comments"), &anonymous)
        .json();
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["parent_id"] == first)
    );
    let page = server.get(&format!("/documents/{public}"), &anonymous).body;
    assert!(page.contains("An answer") && page.contains("sector-member"));

    // Upload (API and form): delegates and the secretariat, with the token.
    let text = "RESOLUTION 9 (Rev. Dubai, 2012)\nOn okapis\n(Dubai, 2012)\n\
        The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
        considering\na)\tthat okapis matter;\nresolves\n1\tto act.\n";
    let upload = |client: &Client, csrf: bool| {
        let headers: Vec<(&str, String)> = match (&client.csrf, csrf) {
            (Some(t), true) => vec![("X-CSRF-Token", t.clone())],
            _ => vec![],
        };
        server
            .send(
                "POST",
                "/api/documents?name=res9.txt",
                client,
                &headers,
                "text/plain",
                text.as_bytes(),
            )
            .status
    };
    assert_eq!(upload(&anonymous, true), 401);
    assert_eq!(upload(&observer, true), 403);
    assert_eq!(upload(&sector, false), 403);
    assert_eq!(upload(&sector, true), 201);
    let (ct, body) = multipart(
        &[("group", "public")],
        ("res10.txt", &text.replace("RESOLUTION 9", "RESOLUTION 10")),
    );
    let form_upload = |client: &Client, csrf: bool| {
        let (ct, mut body) = (ct.clone(), body.clone());
        if csrf && let Some(t) = &client.csrf {
            let field = format!(
                "--XamendPlatformBoundary\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{t}\r\n"
            );
            body.splice(0..0, field.into_bytes());
        }
        server
            .send("POST", "/upload", client, &[], &ct, &body)
            .status
    };
    assert_eq!(form_upload(&anonymous, true), 401);
    assert_eq!(form_upload(&observer, true), 403);
    assert_eq!(form_upload(&member, false), 403);
    assert_eq!(form_upload(&member, true), 303);
    // A Sector Member cannot restrict a document to CWG-Internet.
    let headers = vec![("X-CSRF-Token", sector.csrf.clone().unwrap())];
    let r = server.send(
        "POST",
        "/api/documents?name=res11.txt&group=cwg-internet",
        &sector,
        &headers,
        "text/plain",
        text.replace("RESOLUTION 9", "RESOLUTION 11").as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // Consultations: the secretariat opens them; anyone registered answers.
    let k = json!({ "title": "T", "question": "Q?", "deadline": 4_102_444_800i64 });
    assert_eq!(
        server
            .api("POST", "/api/consultations", &anonymous, k.clone(), true)
            .status,
        401
    );
    assert_eq!(
        server
            .api("POST", "/api/consultations", &member, k.clone(), true)
            .status,
        403
    );
    assert_eq!(
        server
            .api("POST", "/api/consultations", &secretariat, k.clone(), false)
            .status,
        403
    );
    assert_eq!(
        server
            .api("POST", "/api/consultations", &secretariat, k, true)
            .status,
        201
    );
    let fields = [
        ("title", "Form consultation"),
        ("question", "Q?"),
        ("deadline", "2099-12-31T12:00"),
        ("group", "public"),
    ];
    assert_eq!(
        server.form("/consultations", &member, &fields, true).status,
        403
    );
    assert_eq!(
        server
            .form("/consultations", &secretariat, &fields, false)
            .status,
        403
    );
    assert_eq!(
        server
            .form("/consultations", &secretariat, &fields, true)
            .status,
        303
    );
    let sub = format!("/api/consultations/{}/submissions", ids.consultation);
    let answer = json!({ "body": "Our view." });
    assert_eq!(
        server
            .api("POST", &sub, &anonymous, answer.clone(), true)
            .status,
        401
    );
    assert_eq!(
        server
            .api("POST", &sub, &observer, answer.clone(), false)
            .status,
        403
    );
    assert_eq!(
        server
            .api("POST", &sub, &observer, answer.clone(), true)
            .status,
        201
    );
    let restricted_sub = format!(
        "/api/consultations/{}/submissions",
        ids.restricted_consultation
    );
    assert_eq!(
        server
            .api("POST", &restricted_sub, &sector, answer.clone(), true)
            .status,
        404
    );
    let form_sub = format!("/consultations/{}/submissions", ids.consultation);
    assert_eq!(
        server
            .form(&form_sub, &sector, &[("body", "Form view")], false)
            .status,
        403
    );
    assert_eq!(
        server
            .form(&form_sub, &sector, &[("body", "Form view")], true)
            .status,
        303
    );
    // Before the deadline, submissions are not published: each sees their own.
    let k = server
        .get(&format!("/api/consultations/{}", ids.consultation), &sector)
        .json();
    let subs = k["submissions"].as_array().unwrap();
    assert_eq!(subs.len(), 1, "{k:#}");
    assert_eq!(subs[0]["author"], "sector-member");
    let k = server
        .get(
            &format!("/api/consultations/{}", ids.consultation),
            &anonymous,
        )
        .json();
    assert!(k["submissions"].as_array().unwrap().is_empty());

    // Administration: the secretariat only.
    let user = [
        ("username", "new-delegate"),
        ("role", "member_state"),
        ("password", "a long enough password"),
    ];
    assert_eq!(
        server.form("/admin/users", &anonymous, &user, true).status,
        401
    );
    assert_eq!(
        server.form("/admin/users", &member, &user, true).status,
        403
    );
    assert_eq!(
        server
            .form("/admin/users", &secretariat, &user, false)
            .status,
        403
    );
    assert_eq!(
        server
            .form("/admin/users", &secretariat, &user, true)
            .status,
        303
    );
    let add = [("group", "cwg-internet"), ("username", "new-delegate")];
    assert_eq!(
        server.form("/admin/members", &member, &add, true).status,
        403
    );
    assert_eq!(
        server
            .form("/admin/members", &secretariat, &add, false)
            .status,
        403
    );
    assert_eq!(
        server
            .form("/admin/members", &secretariat, &add, true)
            .status,
        303
    );
    let bad = [("group", "cwg-internet"), ("username", "sector-member")];
    assert_eq!(
        server
            .form("/admin/members", &secretariat, &bad, true)
            .status,
        409
    );
    assert_eq!(server.get("/admin", &anonymous).status, 401);
    assert_eq!(server.get("/admin", &member).status, 403);
    assert_eq!(server.get("/admin", &secretariat).status, 200);
    assert_eq!(server.get("/api/audit", &member).status, 403);

    // Logging out needs the token too.
    assert_eq!(
        server
            .api("DELETE", "/api/session", &member, json!({}), false)
            .status,
        403
    );
    assert_eq!(server.form("/logout", &member, &[], false).status, 403);
    assert_eq!(server.get("/api/session", &member).status, 200);
    assert_eq!(server.form("/logout", &member, &[], true).status, 303);
    assert_eq!(server.get("/api/session", &member).status, 401);
    assert_eq!(
        server
            .api("DELETE", "/api/session", &sector, json!({}), true)
            .status,
        204
    );
    assert_eq!(server.get("/api/session", &sector).status, 401);

    // The audit log records who did what.
    let log = server.get("/api/audit?limit=500", &secretariat).json();
    let has = |who: &str, action: &str, target: &str| {
        log.as_array().unwrap().iter().any(|e| {
            e["username"] == who
                && e["action"] == action
                && e["target"].as_str().unwrap().starts_with(target)
        })
    };
    assert!(
        has(
            "member-state",
            "import",
            &format!("document:{}", ids.proposal_doc)
        ),
        "{log:#}"
    );
    assert!(has("sector-member", "import", "document:"));
    assert!(has(
        "sector-member",
        "comment",
        &format!("document:{public}")
    ));
    assert!(has(
        "member-state",
        "comment",
        &format!("document:{}", ids.note)
    ));
    assert!(has("secretariat", "consultation.open", "consultation:"));
    assert!(has(
        "observer",
        "consultation.submit",
        &format!("consultation:{}", ids.consultation)
    ));
    assert!(has("secretariat", "user.create", "user:"));
    assert!(has("secretariat", "group.add", "group:cwg-internet"));
    assert!(has("member-state", "login", "user:"));
    assert!(has("member-state", "logout", "user:"));
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "comment")
        .unwrap();
    assert_eq!(entry["address"], "127.0.0.1");
    assert!(entry["at"].as_i64().unwrap() > 1_700_000_000);
    // The audit page shows it too.
    assert!(
        server
            .get("/admin", &secretariat)
            .body
            .contains("consultation.submit")
    );
}

#[test]
fn passwords_sessions_and_login_throttling() {
    let server = Server::start("sessions");
    let anonymous = Client::default();
    // Wrong password, unknown user: 401, no cookie.
    let r = server.api(
        "POST",
        "/api/session",
        &anonymous,
        json!({ "username": "observer", "password": "wrong" }),
        false,
    );
    assert_eq!(r.status, 401);
    assert!(r.set_cookie().is_none());
    let r = server.api(
        "POST",
        "/api/session",
        &anonymous,
        json!({ "username": "nobody", "password": PASSWORD }),
        false,
    );
    assert_eq!(r.status, 401);
    // A good login: an HttpOnly, SameSite=Lax cookie, Secure only behind HTTPS.
    let r = server.api(
        "POST",
        "/api/session",
        &anonymous,
        json!({ "username": "observer", "password": PASSWORD }),
        false,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r.set_cookie().unwrap();
    assert!(cookie.starts_with("amend_session="), "{cookie}");
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("secure"), "{cookie}");
    assert_eq!(r.json()["role"], "observer");
    let r = server.send(
        "POST",
        "/api/session",
        &anonymous,
        &[("X-Forwarded-Proto", "https".into())],
        "application/json",
        json!({ "username": "observer", "password": PASSWORD })
            .to_string()
            .as_bytes(),
    );
    assert!(r.set_cookie().unwrap().contains("secure"));
    // The form login sets the same cookie and goes back where asked (never off-site).
    let r = server.form(
        "/login",
        &anonymous,
        &[
            ("username", "observer"),
            ("password", PASSWORD),
            ("next", "/consultations"),
        ],
        false,
    );
    assert_eq!(r.status, 303);
    assert!(r.head.contains("location: /consultations"), "{}", r.head);
    let r = server.form(
        "/login",
        &anonymous,
        &[
            ("username", "observer"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ],
        false,
    );
    assert!(
        r.head.contains("location: /\r") || r.head.ends_with("location: /"),
        "{}",
        r.head
    );
    // Login from another site is refused (login CSRF).
    let r = server.send(
        "POST",
        "/login",
        &anonymous,
        &[("Origin", "https://evil.example".into())],
        "application/x-www-form-urlencoded",
        format!("username=observer&password={PASSWORD}").as_bytes(),
    );
    assert_eq!(r.status, 403);
    // A forged or stale cookie is nobody.
    let forged = Client {
        name: "forged",
        cookie: Some("amend_session=00ff".into()),
        csrf: Some("x".into()),
    };
    assert_eq!(server.get("/api/session", &forged).status, 401);
    assert!(!server.get("/", &forged).body.contains("Log out"));
    // The session is the same across requests, and the page shows who is signed in.
    let member = server.login("member-state");
    let page = server.get("/", &member).body;
    assert!(page.contains("member-state") && page.contains("Log out"));
    let me = server.get("/api/session", &member).json();
    let mut groups: Vec<&str> = me["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    groups.sort();
    assert_eq!(groups, ["cwg-internet", "wg-wsis"]);

    // Throttling per username: after 5 failures even the right password waits.
    for _ in 0..5 {
        let r = server.api(
            "POST",
            "/api/session",
            &anonymous,
            json!({ "username": "sector-member", "password": "guess" }),
            false,
        );
        assert_eq!(r.status, 401);
    }
    let r = server.api(
        "POST",
        "/api/session",
        &anonymous,
        json!({ "username": "sector-member", "password": PASSWORD }),
        false,
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.head.contains("retry-after:"), "{}", r.head);
    let r = server.form(
        "/login",
        &anonymous,
        &[("username", "sector-member"), ("password", PASSWORD)],
        false,
    );
    assert_eq!(r.status, 429);
    // Other usernames are not locked by it...
    assert_eq!(server.login("secretariat").name, "secretariat");
    // ...until the address itself has failed 20 times within the window.
    for i in 0..14 {
        let r = server.api(
            "POST",
            "/api/session",
            &anonymous,
            json!({ "username": format!("guess{i}"), "password": "x" }),
            false,
        );
        assert_eq!(r.status, 401);
    }
    let r = server.api(
        "POST",
        "/api/session",
        &anonymous,
        json!({ "username": "observer", "password": PASSWORD }),
        false,
    );
    assert_eq!(r.status, 429, "{}", r.body);
}

#[test]
fn every_documented_api_route_is_served() {
    let server = Server::start("openapi");
    let spec = server.get("/api/openapi.json", &Client::default()).json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/session") && paths.contains_key("/api/search"));
    assert!(paths["/api/session"].get("post").is_some());
    assert!(paths["/api/session"].get("delete").is_some());
    let docs = server.get("/api/documents", &Client::default()).json();
    let doc = docs[0]["id"].as_i64().unwrap();
    for (path, item) in paths {
        let concrete = path.replace("{id}", &doc.to_string());
        for method in item.as_object().unwrap().keys() {
            let method = method.to_ascii_uppercase();
            if !["GET", "POST", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            let r = server.send(
                &method,
                &concrete,
                &Client::default(),
                &[],
                "application/json",
                b"{}",
            );
            // A handler's 404 names its error; a path no route serves has no body.
            assert!(
                r.status != 405 && (r.status != 404 || r.body.contains("error")),
                "{method} {concrete}: {} {}",
                r.status,
                r.body
            );
        }
    }
}

/// The public redline page is kept as bytes and confirmed by its entity tag; a
/// restricted redline is kept for no one outside its group, and a member removed from
/// the group (by a write the server did not make) is refused on the next request.
#[test]
fn kept_redline_pages_reach_only_who_may_read_them() {
    let server = Server::start("page-cache");
    let ids = setup(&server);
    let anonymous = Client {
        name: "anonymous",
        ..Client::default()
    };
    let observer = server.login("observer");
    let member = server.login("member-state");
    let detail = server
        .get(&format!("/api/instruments/{}", ids.res75), &anonymous)
        .json();
    let citel = detail["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"] == "CITEL")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let public = format!("/redline?from=version:{}&to=proposal:{citel}", ids.version);
    let etag_of = |r: &Reply| {
        r.head
            .lines()
            .find_map(|l| l.strip_prefix("etag:"))
            .map(|v| v.trim().to_string())
    };

    // Made, then kept: the same bytes and tag; the observer's page differs only in
    // its header (name, role, CSRF token).
    let first = server.get(&public, &anonymous);
    let second = server.get(&public, &anonymous);
    assert_eq!((first.status, second.status), (200, 200), "{}", first.body);
    assert_eq!(first.body, second.body);
    let etag = etag_of(&first).expect("an entity tag");
    assert_eq!(etag_of(&second).as_deref(), Some(etag.as_str()));
    assert!(first.head.contains("vary: cookie"), "{}", first.head);
    let signed_in = server.get(&public, &observer);
    assert_eq!(signed_in.status, 200);
    let main = |body: &str| body.split_once("<main").unwrap().1.to_string();
    assert_eq!(main(&first.body), main(&signed_in.body));
    let confirmed = server.send(
        "GET",
        &public,
        &anonymous,
        &[("If-None-Match", etag.clone())],
        "text/plain",
        b"",
    );
    assert_eq!(confirmed.status, 304);
    assert!(confirmed.body.is_empty());

    // The restricted proposal's redline: members read it, kept for them; nobody else
    // gets it, not even with the members' tag.
    let restricted = format!(
        "/redline?from=version:{}&to=proposal:{}",
        ids.version, ids.proposal
    );
    let api = format!(
        "/api/redline?from=version:{}&to=proposal:{}",
        ids.version, ids.proposal
    );
    for _ in 0..2 {
        let r = server.get(&restricted, &member);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("zebrafish"));
        for client in [&anonymous, &observer] {
            let r = server.get(&restricted, client);
            assert_eq!(r.status, 404, "{}: {}", client.name, r.body);
            assert!(!r.body.contains("zebrafish"));
            let r = server.send(
                "GET",
                &restricted,
                client,
                &[("If-None-Match", "*".into())],
                "text/plain",
                b"",
            );
            assert_eq!(r.status, 404, "{}", client.name);
            assert_eq!(server.get(&api, client).status, 404, "{}", client.name);
        }
    }

    // The member leaves CWG-Internet by a write through the server's store but not
    // through a page: refused at once (the store counts its own writes before they
    // return), on the page and in the API; back in the group, read again.
    let (cwg, member_id) = server.runtime.block_on(async {
        let groups = server.store.groups().await.unwrap();
        let cwg = groups.iter().find(|g| g.slug == "cwg-internet").unwrap().id;
        let user = server
            .store
            .credentials("member-state")
            .await
            .unwrap()
            .unwrap()
            .user;
        (cwg, user.id)
    });
    let system = amend_store::Actor::system("test");
    server
        .runtime
        .block_on(server.store.remove_member(&system, cwg, member_id))
        .unwrap();
    let r = server.get(&restricted, &member);
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(!r.body.contains("zebrafish"));
    assert_eq!(server.get(&api, &member).status, 404);
    // The public page is made again after the write, the same.
    let after = server.get(&public, &anonymous);
    assert_eq!(after.body, first.body);
    server
        .runtime
        .block_on(server.store.add_member(&system, cwg, member_id))
        .unwrap();
    assert_eq!(server.get(&restricted, &member).status, 200);
}
