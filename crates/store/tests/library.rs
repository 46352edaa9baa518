//! The library on real inputs, on every backend: Resolution 75 (Rev. Dubai, 2012) and
//! CITEL's proposal on it (the seed).

mod backends;

use backends::each_backend;
use std::path::PathBuf;

use amend_store::{ImportOutcome, InstrumentKey, SearchQuery, Viewer, prepare};

const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");
const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");

/// A PP resolution newer than the revision Resolution 75 (Dubai, 2012) cites.
const RES140: &str = "RESOLUTION 140 (Rev. Dubai, 2018)\n\
ITU's role in implementing the outcomes of the World Summit on the Information Society\n\
(Antalya, 2006; Guadalajara, 2010; Busan, 2014; Dubai, 2018)\n\
The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),\n\
considering\n\
a)\tthat the Summit was held in two phases;\n\
resolves\n\
1\tto continue the work on the action lines.\n";

fn read(name: &str, text: &str) -> amend_store::NewDocument {
    let doc = amend_text::read_plain(text, &Default::default());
    prepare(name, "text", text.as_bytes(), text, &doc)
}

#[test]
fn base_and_proposal_meet_on_one_instrument() {
    each_backend("meet", |store| async move {
        let base = store.import(read("res75.txt", BASE)).await.unwrap();
        let seed = store.import(read("seed.txt", SEED)).await.unwrap();
        assert!(matches!(base, ImportOutcome::Imported(_)));
        assert!(matches!(seed, ImportOutcome::Imported(_)));

        let key = InstrumentKey::new("WTSA", "resolution", "75");
        let res75 = store
            .find_instrument(Viewer::System, &key)
            .await
            .unwrap()
            .expect("Resolution 75");
        assert_eq!(res75.label(), "WTSA Resolution 75");
        assert_eq!((res75.versions, res75.proposals), (1, 1));
        let detail = store
            .instrument(Viewer::System, res75.id)
            .await
            .unwrap()
            .unwrap();
        let version = &detail.versions[0];
        assert_eq!(version.revision.as_deref(), Some("Rev. Dubai, 2012"));
        assert_eq!(version.year, Some(2012));
        let proposal = &detail.proposals[0];
        assert_eq!(proposal.action, "MOD");
        assert_eq!(proposal.source.as_deref(), Some("CITEL"));
        assert_eq!(proposal.document_id, seed.id());

        let doc = store
            .document(Viewer::System, seed.id())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.summary.kind, "contribution");
        assert_eq!(doc.summary.source.as_deref(), Some("CITEL"));
        // The flattened stamp `Dubai, 2012Hammamet, 2016` names the meeting proposed for.
        assert_eq!(doc.summary.meeting.as_deref(), Some("Hammamet, 2016"));
        assert!(doc.parsed_json.contains("\"kind\":\"contribution\""));
        // CITEL's text cites PP Resolution 140 (Rev. Busan, 2014) among others.
        assert!(
            doc.citations
                .iter()
                .any(|c| c.body == "PP" && c.number == "140" && c.year == Some(2014)),
            "{:#?}",
            doc.citations
        );
        let file = store
            .source_file(Viewer::System, base.id())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(file.bytes, BASE.as_bytes());
        assert_eq!(
            store.incomplete_documents().await.unwrap(),
            Vec::<i64>::new()
        );
        store.close().await;
    });
}

#[test]
fn a_file_imported_twice_is_stored_once() {
    each_backend("twice", |store| async move {
        let first = store.import(read("res75.txt", BASE)).await.unwrap();
        // Another name, same bytes: the content hash decides.
        let again = store.import(read("copy-of-res75.txt", BASE)).await.unwrap();
        assert_eq!(again, ImportOutcome::Duplicate(first.id()));
        assert_eq!(store.stats(Viewer::System).await.unwrap().documents, 1);
        assert_eq!(store.stats(Viewer::System).await.unwrap().versions, 1);
        let sha = amend_store::sha256_hex(BASE.as_bytes());
        assert_eq!(
            store.find_by_hash(Viewer::System, &sha).await.unwrap(),
            Some(first.id())
        );
        store.close().await;
        // And across a reopening of the file.
        let store = store.reopen().await;
        let third = store.import(read("res75.txt", BASE)).await.unwrap();
        assert_eq!(third, ImportOutcome::Duplicate(first.id()));
        store.close().await;
    });
}

#[test]
fn citations_of_an_older_revision_are_stale() {
    each_backend("stale", |store| async move {
        store.import(read("res75.txt", BASE)).await.unwrap();
        let r140 = store.import(read("res140.txt", RES140)).await.unwrap();
        let doc = store
            .document(Viewer::System, r140.id())
            .await
            .unwrap()
            .unwrap();
        let i140 = doc.versions[0].instrument_id;
        let detail = store
            .instrument(Viewer::System, i140)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.summary.body, "PP");
        // Resolution 75 (Dubai, 2012) cites Resolution 140 (Rev. Guadalajara, 2010).
        let citation = detail
            .cited_by
            .iter()
            .find(|c| c.as_written.contains("140"))
            .expect("Resolution 75 cites Resolution 140");
        assert_eq!(citation.year, Some(2010));
        assert_eq!(citation.newer_year, Some(2018));
        assert!(citation.stale());
        store.close().await;
    });
}

#[test]
fn search_finds_phrases_with_snippets_and_filters() {
    each_backend("search", |store| async move {
        store.import(read("res75.txt", BASE)).await.unwrap();
        store.import(read("seed.txt", SEED)).await.unwrap();

        let hits = store
            .search(
                Viewer::System,
                &SearchQuery::new("\"comprehensive summary of ITU-T activities\""),
            )
            .await
            .unwrap();
        assert!(hits.len() >= 2, "{hits:#?}");
        for hit in &hits {
            let marked: String = hit
                .snippet
                .iter()
                .filter(|f| f.hit)
                .map(|f| f.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            assert!(marked.contains("comprehensive"), "{hit:#?}");
        }

        // The seed's own words: only CITEL's documents.
        let q = SearchQuery {
            text: "ten-year review".into(),
            source: Some("CITEL".into()),
            ..SearchQuery::default()
        };
        let citel = store.search(Viewer::System, &q).await.unwrap();
        assert!(!citel.is_empty());
        assert!(citel.iter().all(|h| h.source.as_deref() == Some("CITEL")));
        let q = SearchQuery {
            text: "ten-year review".into(),
            source: Some("CEPT".into()),
            ..SearchQuery::default()
        };
        assert!(store.search(Viewer::System, &q).await.unwrap().is_empty());

        // Diacritics are folded; FTS syntax in the query is harmless.
        assert!(
            !store
                .search(Viewer::System, &SearchQuery::new("Résolution"))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .search(Viewer::System, &SearchQuery::new("\" OR NEAR( *"))
                .await
                .unwrap()
                .is_empty()
        );

        let facets = store.facets(Viewer::System).await.unwrap();
        assert!(facets.sources.contains(&"CITEL".to_string()));
        assert!(facets.bodies.contains(&"WTSA".to_string()));
        store.close().await;
    });
}

/// The ITU fixtures of `../shared` (accepted texts of real ITU documents): each is
/// stored whole and found by a phrase of its own. Skips with a notice when `shared` is
/// absent, except under CI.
#[test]
fn itu_fixtures_are_stored_and_searchable() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/itu");
    let Ok(entries) = std::fs::read_dir(dir) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{dir} is missing under CI"
        );
        eprintln!("notice: {dir} not found; skipping the ITU fixture import");
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".accept.txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let files = &files;
    each_backend("itu", |store| async move {
        for path in files {
            let text = std::fs::read_to_string(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let id = store.import(read(&name, &text)).await.unwrap().id();
            // A line of eight or more words from the middle of the file, as a phrase.
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.split_whitespace().count() >= 8)
                .collect();
            let line = lines[lines.len() / 2];
            let phrase: Vec<&str> = line.split_whitespace().take(6).collect();
            let hits = store
                .search(
                    Viewer::System,
                    &SearchQuery::new(format!("\"{}\"", phrase.join(" "))),
                )
                .await
                .unwrap();
            assert!(
                hits.iter().any(|h| h.document_id == id),
                "{name}: `{}` not found",
                phrase.join(" ")
            );
            let stored = store
                .source_file(Viewer::System, id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.bytes, text.as_bytes());
        }
        assert_eq!(
            store.incomplete_documents().await.unwrap(),
            Vec::<i64>::new()
        );
        store.close().await;
    });
}
