//! `amend import` as a process: killed with SIGKILL in the middle of an import, the
//! library keeps every committed document whole and no half document; importing the
//! same files again stores only the missing ones.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use amend_store::{SearchQuery, SqliteStore, Store};

const AMEND: &str = env!("CARGO_BIN_EXE_amend");

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("amend-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A generated resolution with a marker word of its own (`marker17`), about 3 KB.
fn generated(i: usize) -> String {
    let mut text = format!(
        "RESOLUTION {n} (Rev. Hammamet, 2016)\n\
         Generated resolution number {i} on the work of study group marker{i}\n\
         (Dubai, 2012; Hammamet, 2016)\n\
         The World Telecommunication Standardization Assembly (Hammamet, 2016),\n\
         considering\n",
        n = 500 + i
    );
    for (k, letter) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
        text.push_str(&format!(
            "{letter})\tthat Resolution {} (Rev. Busan, 2014) of the Plenipotentiary Conference \
             asks for coordinated work on item {k} of marker{i}, and that the study groups \
             should report on their progress to the Council Working Group on WSIS;\n",
            100 + k
        ));
    }
    text.push_str("resolves\n");
    for k in 1..=8 {
        text.push_str(&format!(
            "{k}\tthat the Telecommunication Standardization Bureau shall publish report {k} \
             on the implementation of this resolution, with concrete objectives and deadlines;\n"
        ));
    }
    text
}

fn write_files(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let path = dir.join(format!("res-{i:04}.txt"));
            std::fs::write(&path, generated(i)).unwrap();
            path
        })
        .collect()
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn documents(data: &Path) -> i64 {
    block_on(async {
        let store = SqliteStore::open_dir(data).await.unwrap();
        let n = store
            .stats(amend_store::Viewer::System)
            .await
            .unwrap()
            .documents;
        store.close().await;
        n
    })
}

#[test]
fn an_import_killed_with_sigkill_leaves_whole_documents_only() {
    let tmp = TempDir::new("kill");
    let files = write_files(&tmp.0, 60);
    let data = tmp.0.join("data");
    // Open (and create) the library first so the poll below only reads.
    assert_eq!(documents(&data), 0);

    let mut child = Command::new(AMEND)
        .arg("import")
        .args(&files)
        .arg("--data")
        .arg(&data)
        // Hold each document's transaction open for 200 ms: the kill lands inside one.
        .env("AMEND_IMPORT_PAUSE_MS", "200")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while documents(&data) < 3 {
        assert!(Instant::now() < deadline, "the import made no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Half-way into the next document's pause.
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    let committed = block_on(async {
        let store = SqliteStore::open_dir(&data).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        assert_eq!(
            store.incomplete_documents().await.unwrap(),
            Vec::<i64>::new()
        );
        let docs = store.documents(amend_store::Viewer::System).await.unwrap();
        let stats = store.stats(amend_store::Viewer::System).await.unwrap();
        // One version per resolution, nothing more and nothing less.
        assert_eq!(stats.versions, docs.len() as i64);
        for d in &docs {
            let record = store
                .document(amend_store::Viewer::System, d.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(record.versions.len(), 1);
            assert_eq!(record.versions[0].items, 14);
            // Its own marker word finds it and only it.
            let i: usize = d.file_name[4..8].parse().unwrap();
            let hits = store
                .search(
                    amend_store::Viewer::System,
                    &SearchQuery::new(format!("marker{i}")),
                )
                .await
                .unwrap();
            assert_eq!(hits.len(), 1, "{}", d.file_name);
            assert_eq!(hits[0].document_id, d.id);
        }
        store.close().await;
        docs.len()
    });
    assert!(
        (3..60).contains(&committed),
        "{committed} documents committed"
    );

    // Importing everything again stores the missing ones and recognises the others.
    let out = Command::new(AMEND)
        .arg("import")
        .args(&files)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "imported {}, already in the library {committed}, failed 0",
            60 - committed
        )),
        "{stdout}"
    );
    assert_eq!(documents(&data), 60);
}

#[test]
fn import_recognises_instrument_source_and_action_and_reimport() {
    let tmp = TempDir::new("seed");
    let data = tmp.0.join("data");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data");
    let base = format!("{root}/res75-dubai-2012.reconstructed.txt");
    let seed = format!("{root}/seed-citel-res75.txt");
    let run = || {
        Command::new(AMEND)
            .args(["import", &base, &seed, "--data"])
            .arg(&data)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success());
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("imported 2, already in the library 0")
    );
    let again = run();
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("imported 0, already in the library 2"),
        "{stdout}"
    );

    block_on(async {
        let store = SqliteStore::open_dir(&data).await.unwrap();
        let key = amend_store::InstrumentKey::new("WTSA", "resolution", "75");
        let i = store
            .find_instrument(amend_store::Viewer::System, &key)
            .await
            .unwrap()
            .unwrap();
        let detail = store
            .instrument(amend_store::Viewer::System, i.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            detail.versions[0].revision.as_deref(),
            Some("Rev. Dubai, 2012")
        );
        assert_eq!(detail.proposals[0].action, "MOD");
        assert_eq!(detail.proposals[0].source.as_deref(), Some("CITEL"));
        store.close().await;
    });

    // A file that is not a document fails, the others are imported.
    let bad = tmp.0.join("binary.txt");
    std::fs::write(&bad, b"\0\x01\x02").unwrap();
    let out = Command::new(AMEND)
        .args(["import"])
        .arg(&bad)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("failed 1"));
}

/// The 1,000-document measurement of issue 9 (run by hand: `cargo test -p amend --test
/// import -- --ignored --nocapture`; a debug build is slower than a release build).
#[test]
#[ignore]
fn import_a_thousand_generated_documents() {
    let tmp = TempDir::new("thousand");
    let files = write_files(&tmp.0, 1000);
    let data = tmp.0.join("data");
    let started = Instant::now();
    let out = Command::new(AMEND)
        .arg("import")
        .args(&files)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(out.status.success());
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());
    println!("1000 documents imported in {:.2} s", elapsed.as_secs_f64());
    block_on(async {
        let store = SqliteStore::open_dir(&data).await.unwrap();
        assert_eq!(
            store
                .stats(amend_store::Viewer::System)
                .await
                .unwrap()
                .documents,
            1000
        );
        for i in [0, 499, 999] {
            let hits = store
                .search(
                    amend_store::Viewer::System,
                    &SearchQuery::new(format!("marker{i}")),
                )
                .await
                .unwrap();
            assert_eq!(hits.len(), 1);
        }
        store.close().await;
    });
}
