//! The platform over HTTP: a real server on a random port of 127.0.0.1 with a temporary
//! data folder and the demo library, driven through its pages and JSON API.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
    /// The session cookie and CSRF token requests carry, once logged in.
    session: Option<(String, String)>,
}

/// The demo users' password in these tests.
const PASSWORD: &str = "http-test-password";

impl Server {
    fn start(name: &str) -> Server {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "amend-server-{name}-{}-{}",
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
                let state = amend_server::AppState::new(store);
                let loaded = amend_server::demo::load_if_empty(&state).await.unwrap();
                // The four public documents and the note restricted to CWG-Internet.
                assert_eq!(loaded, 5);
                amend_server::demo::users(&state, PASSWORD).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async {
                    let _ = stop_rx.await;
                };
                amend_server::serve(listener, state.clone(), shutdown)
                    .await
                    .unwrap();
                state.store().close().await;
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("server started");
        Server {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
            dir,
            session: None,
        }
    }

    /// Logs in through the API; later requests carry the session and its CSRF token.
    fn login(&mut self, username: &str) {
        let body = format!("{{\"username\": \"{username}\", \"password\": \"{PASSWORD}\"}}");
        let (status, head, body) =
            self.exchange("POST", "/api/session", "application/json", body.as_bytes());
        assert_eq!(status, 200, "{body}");
        let cookie = head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_string();
        let info: Value = serde_json::from_str(&body).unwrap();
        self.session = Some((cookie, info["csrf_token"].as_str().unwrap().to_string()));
    }

    fn csrf(&self) -> &str {
        self.session.as_ref().map(|s| s.1.as_str()).unwrap_or("")
    }

    fn request(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let (status, _, body) = self.exchange(method, path, content_type, body);
        (status, body)
    }

    /// A request; the response's status, head (lower case) and body.
    fn exchange(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, String) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let session = match &self.session {
            Some((cookie, csrf)) => format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"),
            None => String::new(),
        };
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n{session}\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("HTTP response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        (status, head.to_ascii_lowercase(), body)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, "text/plain", b"")
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
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
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn id_of(list: &Value, pred: impl Fn(&Value) -> bool) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| pred(v))
        .unwrap_or_else(|| panic!("not found in {list:#}"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn pages_and_api_of_the_demo_library() {
    let server = Server::start("demo");

    // The library.
    let (status, index) = server.get("/");
    assert_eq!(status, 200);
    assert!(index.contains("WTSA Resolution 75"), "{index}");
    assert!(index.contains("4 documents"));

    let instruments = server.json("/api/instruments");
    let res75 = id_of(&instruments, |i| i["number"] == "75" && i["body"] == "WTSA");
    let detail = server.json(&format!("/api/instruments/{res75}"));
    assert_eq!(detail["versions"].as_array().unwrap().len(), 1);
    let proposals = detail["proposals"].as_array().unwrap();
    let mut sources: Vec<&str> = proposals
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    sources.sort();
    assert_eq!(sources, ["APT", "CEPT", "CITEL"]);

    // The instrument page links the redlines, the synoptic table and the checks.
    let (status, page) = server.get(&format!("/instruments/{res75}"));
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/instruments/{res75}/synoptic")));
    assert!(page.contains("/redline?from=version:"));

    // The redline of CITEL's proposal against the base.
    let version = detail["versions"][0]["id"].as_i64().unwrap();
    let citel = proposals.iter().find(|p| p["source"] == "CITEL").unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, redline) = server.get(&format!(
        "/redline?from=version:{version}&to=proposal:{citel}"
    ));
    assert_eq!(status, 200, "{redline}");
    assert!(redline.contains("<ins"), "no insertion in the redline");
    // CITEL's text is flattened: the changes are recovered against the base, so the
    // old revision stamp shows as deleted and the new one as inserted.
    assert!(redline.contains("recovered by aligning"), "{redline}");
    assert!(redline.contains("<del"), "no deletion in the redline");
    assert!(redline.contains("Hammamet"));
    assert!(redline.contains("2030 Agenda"));
    let api = server.json(&format!(
        "/api/redline?from=version:{version}&to=proposal:{citel}"
    ));
    assert!(api["summary"]["insertions"].as_u64().unwrap() > 0);

    // The demo CEPT proposal (CriticMarkup): its changes, as marked.
    let cept = proposals.iter().find(|p| p["source"] == "CEPT").unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, redline) = server.get(&format!(
        "/redline?from=version:{version}&to=proposal:{cept}"
    ));
    assert!(redline.contains(">successfully "), "{redline}");
    // The demo APT proposal arrives as a Word document with revisions.
    let apt = proposals.iter().find(|p| p["source"] == "APT").unwrap();
    let apt_doc = server.json(&format!("/api/documents/{}", apt["document_id"]));
    assert_eq!(apt_doc["file_name"], "demo-apt-res75.docx", "{apt_doc:#}");
    let (_, redline) = server.get(&format!(
        "/redline?from=version:{version}&to=proposal:{}",
        apt["id"]
    ));
    assert!(redline.contains("A/70/125"), "{redline}");

    // The synoptic table: the base and one column per proposal.
    let (status, synoptic) = server.get(&format!("/instruments/{res75}/synoptic"));
    assert_eq!(status, 200, "{synoptic}");
    let s = server.json(&format!("/api/instruments/{res75}/synoptic"));
    assert_eq!(s["columns"].as_array().unwrap().len(), 3);
    assert!(s["rows"].as_array().unwrap().len() > 30);
    assert!(synoptic.contains("A/70/125"));
    assert!(synoptic.contains("Busan, 2014"));

    // The check report of CITEL's flattened proposal finds the run-together stamps.
    let citel_doc = proposals.iter().find(|p| p["source"] == "CITEL").unwrap()["document_id"]
        .as_i64()
        .unwrap();
    let (status, check) = server.get(&format!("/documents/{citel_doc}/check"));
    assert_eq!(status, 200);
    assert!(check.contains("flatten/"), "{check}");
    let report = server.json(&format!("/api/documents/{citel_doc}/check"));
    assert!(report["errors"].as_u64().unwrap() + report["warnings"].as_u64().unwrap() > 0);

    // A document page: structure with items, and the original file.
    let (status, doc) = server.get(&format!("/documents/{citel_doc}"));
    assert_eq!(status, 200);
    assert!(doc.contains("class=\"item"));
    assert!(doc.contains("<h2><span class=\"action\">MOD</span>"));
    let (status, source) = server.get(&format!("/documents/{citel_doc}/source"));
    assert_eq!(status, 200);
    assert!(source.contains("CITEL is pleased"));
    let api_doc = server.json(&format!("/api/documents/{citel_doc}"));
    assert_eq!(api_doc["document"]["kind"], "contribution");

    // Errors.
    assert_eq!(server.get("/documents/999").0, 404);
    assert_eq!(server.get("/api/documents/999").0, 404);
    assert_eq!(server.get("/redline?from=x&to=y").0, 400);

    // OpenAPI.
    let openapi = server.json("/api/openapi.json");
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/api/search"].is_object());
}

#[test]
fn search_finds_a_phrase_of_each_demo_document() {
    let server = Server::start("search");
    let documents = server.json("/api/documents");
    assert_eq!(documents.as_array().unwrap().len(), 4);
    let phrases = [
        (
            "res75-dubai-2012.txt",
            "\"to provide information on emerging trends\"",
        ),
        (
            "citel-res75-proposal.txt",
            "\"ten-year review of the WSIS\"",
        ),
        ("demo-cept-res75.md", "\"has successfully fostered\""),
        (
            "demo-apt-res75.docx",
            "\"activities related to the Sustainable Development Goals\"",
        ),
    ];
    for (file, phrase) in phrases {
        let id = id_of(&documents, |d| d["file_name"] == file);
        let q = phrase.replace(' ', "+").replace('"', "%22");
        let results = server.json(&format!("/api/search?q={q}"));
        let hits = results["results"].as_array().unwrap();
        assert!(
            hits.iter().any(|h| h["document_id"] == id),
            "{phrase} not found in {file}: {results:#}"
        );
        let hit = hits.iter().find(|h| h["document_id"] == id).unwrap();
        assert!(
            hit["snippet"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["hit"] == true)
        );
        let (status, page) = server.get(&format!("/search?q={q}"));
        assert_eq!(status, 200);
        assert!(page.contains("<mark>"), "{page}");
    }
    // Filters.
    let cept = server.json("/api/search?q=Resolution&source=CEPT");
    let hits = cept["results"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["source"] == "CEPT"));
}

#[test]
fn upload_and_reupload() {
    let mut server = Server::start("upload");
    // Uploading needs a delegate or the secretariat, signed in.
    server.login("secretariat");
    let text = "RESOLUTION 7 (Rev. Hammamet, 2016)\nOn standards\n(Dubai, 2012; Hammamet, 2016)\n\
        The World Telecommunication Standardization Assembly (Hammamet, 2016),\n\
        considering\na)\tthat interoperability of quokka networks matters;\nresolves\n1\tto act.\n";
    let boundary = "XamendBoundary";
    let csrf = server.csrf();
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"res7.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let ct = format!("multipart/form-data; boundary={boundary}");
    let (status, _) = server.request("POST", "/upload", &ct, body.as_bytes());
    assert_eq!(status, 303);
    let hits = server.json("/api/search?q=quokka");
    assert_eq!(hits["results"].as_array().unwrap().len(), 1);
    // The same file again: recognised, not stored twice.
    let (status, _) = server.request("POST", "/upload", &ct, body.as_bytes());
    assert_eq!(status, 303);
    // The secretariat sees the demo's four public documents, its restricted note and
    // this one.
    assert_eq!(server.json("/api/documents").as_array().unwrap().len(), 6);
    // Through the API.
    let (status, body) = server.request(
        "POST",
        "/api/documents?name=res7.txt",
        "text/plain",
        text.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"duplicate\""));
    // An unreadable file.
    let (status, _) = server.request(
        "POST",
        "/api/documents?name=x.bin",
        "application/octet-stream",
        b"\0\0\0 binary",
    );
    assert_eq!(status, 400);
}

#[test]
fn document_page_snapshot() {
    let server = Server::start("snapshot");
    let documents = server.json("/api/documents");
    let id = id_of(&documents, |d| d["file_name"] == "demo-cept-res75.md");
    let (status, page) = server.get(&format!("/documents/{id}"));
    assert_eq!(status, 200);
    let page = page.replace(&format!("/documents/{id}"), "/documents/ID");
    insta::assert_snapshot!(page);
}
