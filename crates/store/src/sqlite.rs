//! The embedded SQLite backend: WAL, a busy timeout, one writer connection whose
//! transactions start with `BEGIN IMMEDIATE`, a pool of readers, FTS5 for search.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};

use crate::access::*;
use crate::extract::{InstrumentKey, NewDocument};
use crate::query::{fts5, parse_query};
use crate::types::*;
use crate::{BoxFuture, Permission, Result, Store, StoreError, Viewer};

/// The file name of the database inside a data folder.
pub const DATABASE_FILE: &str = "library.sqlite3";

/// Private-use characters that bracket matches in FTS5 snippets; they cannot occur in
/// stored text because the readers keep only the input's characters and these are
/// stripped on import.
const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';

/// The SQLite migrations, embedded in the binary.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "library",
        include_str!("../migrations/sqlite/0001_library.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/sqlite/0002_accounts.sql"),
    ),
    (
        3,
        "changes",
        include_str!("../migrations/sqlite/0003_changes.sql"),
    ),
    (
        4,
        "change_notices",
        include_str!("../migrations/sqlite/0004_change_notices.sql"),
    ),
];

/// The one visibility rule of the SQLite backend: whether the row `alias` (a document,
/// or anything with a `restricted_to` column) is seen by the viewer whose
/// [`crate::Viewer::key`] is bound as `?1`. Public rows have no restriction; the system
/// (key 0) sees all; a user sees the groups the `viewer_groups` view gives them.
pub(crate) fn visible(alias: &str) -> String {
    format!(
        "({alias}.restricted_to IS NULL OR ?1 = 0 OR {alias}.restricted_to IN \
         (SELECT vg.group_id FROM viewer_groups vg WHERE vg.user_id = ?1))"
    )
}

/// The library in one SQLite file.
pub struct SqliteStore {
    /// One connection: SQLite has one writer at a time, so writers queue here instead
    /// of failing with SQLITE_BUSY.
    pub(crate) write: SqlitePool,
    pub(crate) read: SqlitePool,
    /// Test hook: sleep this long inside each import transaction (before it commits),
    /// so a test can kill an import in the middle of a document.
    pause_in_transaction: Option<Duration>,
}

impl SqliteStore {
    /// Opens (creating if needed) `library.sqlite3` in the folder `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open_file(&dir.join(DATABASE_FILE)).await
    }

    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open_file(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL never corrupts the database and keeps every committed
            // transaction across a killed process; only a power cut may lose the last
            // ones.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let migrator = Migrator::with_migrations(
            MIGRATIONS
                .iter()
                .map(|(version, name, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*name),
                        MigrationType::Simple,
                        sqlx::SqlSafeStr::into_sql_str(*sql),
                        false,
                    )
                })
                .collect(),
        );
        migrator.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self {
            write,
            read,
            pause_in_transaction: None,
        })
    }

    /// Sleeps `pause` inside every import transaction (for crash tests only).
    pub fn with_pause_in_transaction(mut self, pause: Option<Duration>) -> Self {
        self.pause_in_transaction = pause;
        self
    }

    /// Runs SQLite's consistency check and the full-text index's own; `ok` when both
    /// find the file sound.
    pub async fn integrity_check(&self) -> Result<String> {
        let row = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&self.read)
            .await?;
        let result: String = row.try_get(0)?;
        if result != "ok" {
            return Ok(result);
        }
        // FTS5 compares its index with its content and fails on any difference.
        match sqlx::query("INSERT INTO search (search) VALUES ('integrity-check')")
            .execute(&self.write)
            .await
        {
            Ok(_) => Ok(result),
            Err(e) => Ok(format!("full-text index: {e}")),
        }
    }

    /// Documents that lack a part written in their transaction: always empty unless
    /// the all-or-nothing rule was broken. Returns their ids.
    pub async fn incomplete_documents(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT id FROM documents d WHERE complete = 0
               OR NOT EXISTS (SELECT 1 FROM search s WHERE s.document_id = d.id)
               OR (kind = 'resolution' AND NOT EXISTS
                    (SELECT 1 FROM versions v WHERE v.document_id = d.id))
               OR (kind = 'contribution' AND NOT EXISTS
                    (SELECT 1 FROM contributions c WHERE c.document_id = d.id))
             ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>(0).map_err(Into::into))
            .collect()
    }

    async fn import_doc(&self, doc: NewDocument) -> Result<ImportOutcome> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        crate::sqlite_accounts::require(&mut tx, &doc.actor, Permission::Upload).await?;
        if let Some(group) = doc.restricted_to
            && !crate::sqlite_accounts::sees_group(&mut tx, doc.actor.viewer(), group).await?
        {
            return Err(StoreError::Forbidden(
                "only members of a group may restrict a document to it".into(),
            ));
        }
        if let Some(id) = sqlx::query("SELECT id FROM documents WHERE sha256 = ?1")
            .bind(&doc.sha256)
            .fetch_optional(&mut *tx)
            .await?
        {
            return Ok(ImportOutcome::Duplicate(id.try_get(0)?));
        }
        let clean = |s: &str| s.replace([HIT_START, HIT_END], "");
        let text = clean(&doc.text);
        let id: i64 = sqlx::query(
            "INSERT INTO documents (sha256, file_name, format, kind, title, body, source,
                meeting, doc_number, size, source_file, text, parsed_json, complete,
                restricted_to)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14)
             RETURNING id",
        )
        .bind(&doc.sha256)
        .bind(&doc.file_name)
        .bind(&doc.format)
        .bind(&doc.kind)
        .bind(&doc.title)
        .bind(&doc.body)
        .bind(&doc.source)
        .bind(&doc.meeting)
        .bind(&doc.doc_number)
        .bind(doc.bytes.len() as i64)
        .bind(&doc.bytes)
        .bind(&text)
        .bind(&doc.parsed_json)
        .bind(doc.restricted_to)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;

        for v in &doc.versions {
            let instrument = instrument_id(&mut tx, &v.instrument, Some(&v.title)).await?;
            let vid: i64 = sqlx::query(
                "INSERT INTO versions (instrument_id, document_id, position, revision, place,
                    year, title, text, items)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            )
            .bind(instrument)
            .bind(id)
            .bind(v.position)
            .bind(&v.revision)
            .bind(&v.place)
            .bind(v.year)
            .bind(&v.title)
            .bind(clean(&v.text))
            .bind(v.items)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            let meeting = match (&v.place, v.year) {
                (Some(p), Some(y)) => Some(format!("{p}, {y}")),
                _ => doc.meeting.clone(),
            };
            let title = match &v.revision {
                Some(rev) => format!("{} ({rev}): {}", label_of(&v.instrument), v.title),
                None => format!("{}: {}", label_of(&v.instrument), v.title),
            };
            index(
                &mut tx,
                id,
                Target::Version,
                vid,
                &title,
                &clean(&v.text),
                non_empty(&v.instrument.body).or(doc.body.as_deref()),
                meeting.as_deref(),
                doc.source.as_deref(),
            )
            .await?;
        }

        if doc.kind == "contribution" {
            sqlx::query(
                "INSERT INTO contributions (document_id, source, meeting, doc_number, title)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(id)
            .bind(&doc.source)
            .bind(&doc.meeting)
            .bind(&doc.doc_number)
            .bind(&doc.title)
            .execute(&mut *tx)
            .await?;
        }
        if doc.versions.is_empty() {
            let target = if doc.kind == "contribution" {
                Target::Contribution
            } else {
                Target::Document
            };
            // The contribution's envelope, or a generic document's whole text.
            let envelope = if doc.kind == "contribution" {
                let mut t = text.clone();
                for p in &doc.proposals {
                    t = t.replacen(&p.text, "", 1);
                }
                t
            } else {
                text.clone()
            };
            index(
                &mut tx,
                id,
                target,
                id,
                &doc.title,
                &envelope,
                doc.body.as_deref(),
                doc.meeting.as_deref(),
                doc.source.as_deref(),
            )
            .await?;
        }

        for p in &doc.proposals {
            let instrument = instrument_id(&mut tx, &p.instrument, None).await?;
            let pid: i64 = sqlx::query(
                "INSERT INTO proposals (document_id, position, instrument_id, action,
                    action_inferred, margin, source, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            )
            .bind(id)
            .bind(p.position)
            .bind(instrument)
            .bind(&p.action)
            .bind(p.action_inferred)
            .bind(&p.margin)
            .bind(&p.source)
            .bind(clean(&p.text))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            let source = p.source.as_deref().or(doc.source.as_deref());
            let title = format!(
                "{} {} {}{}",
                source.unwrap_or("Proposal"),
                p.action,
                label_of(&p.instrument),
                if p.title.is_empty() {
                    String::new()
                } else {
                    format!(": {}", p.title)
                }
            );
            index(
                &mut tx,
                id,
                Target::Proposal,
                pid,
                &title,
                &clean(&p.text),
                non_empty(&p.instrument.body).or(doc.body.as_deref()),
                doc.meeting.as_deref(),
                source,
            )
            .await?;
        }

        for c in &doc.citations {
            let from = match &c.from {
                Some(key) => find_instrument(&mut tx, key).await?,
                None => None,
            };
            sqlx::query(
                "INSERT INTO citations (document_id, from_instrument_id, body, kind, number,
                    revision, place, year, as_written)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .bind(id)
            .bind(from)
            .bind(&c.cited.body)
            .bind(&c.cited.kind)
            .bind(&c.cited.number)
            .bind(&c.revision)
            .bind(&c.place)
            .bind(c.year)
            .bind(&c.as_written)
            .execute(&mut *tx)
            .await?;
        }

        if let Some(pause) = self.pause_in_transaction {
            tokio::time::sleep(pause).await;
        }
        sqlx::query("UPDATE documents SET complete = 1 WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = match doc.restricted_to {
            Some(group) => format!("{} (restricted to group {group})", doc.file_name),
            None => doc.file_name.clone(),
        };
        crate::sqlite_accounts::audit(
            &mut tx,
            &doc.actor,
            "import",
            &format!("document:{id}"),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(ImportOutcome::Imported(id))
    }

    async fn citation_records(
        &self,
        viewer: Viewer,
        where_clause: &str,
        bind: i64,
    ) -> Result<Vec<CitationRecord>> {
        // `where_clause` is one of the constant clauses below, never user text.
        let sql = format!(
            "SELECT c.id, c.document_id, d.title AS document_title, c.body, c.kind, c.number,
                c.revision, c.year, c.as_written
             FROM citations c JOIN documents d ON d.id = c.document_id
             WHERE d.complete = 1 AND {} AND {where_clause}
             ORDER BY d.title, c.id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.read)
            .await?;
        let newest = self.newest_years(viewer).await?;
        let instruments = self.instrument_keys(viewer).await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                let kind: String = r.try_get("kind")?;
                let number: String = r.try_get("number")?;
                let instrument_id = instruments
                    .iter()
                    .filter(|(_, key)| {
                        key.kind == kind
                            && key.number == number
                            && (body.is_empty() || key.body.is_empty() || key.body == body)
                    })
                    .max_by_key(|(id, key)| (key.body == body, -id))
                    .map(|(id, _)| *id);
                let year: Option<i64> = r.try_get("year")?;
                let newer_year = match (instrument_id.and_then(|i| newest.get(&i)), year) {
                    (Some(&newest), Some(year)) if newest > year => Some(newest),
                    _ => None,
                };
                Ok(CitationRecord {
                    id: r.try_get("id")?,
                    document_id: r.try_get("document_id")?,
                    document_title: r.try_get("document_title")?,
                    body,
                    kind,
                    number,
                    revision: r.try_get("revision")?,
                    year,
                    as_written: r.try_get("as_written")?,
                    instrument_id,
                    newer_year,
                })
            })
            .collect()
    }

    /// The instruments the viewer sees something of (a version or a proposal).
    async fn instrument_keys(&self, viewer: Viewer) -> Result<Vec<(i64, InstrumentKey)>> {
        let sql = format!(
            "SELECT i.id, i.body, i.kind, i.number FROM instruments i
             WHERE EXISTS (SELECT 1 FROM versions v JOIN documents d ON d.id = v.document_id
                            WHERE v.instrument_id = i.id AND d.complete = 1 AND {vis})
                OR EXISTS (SELECT 1 FROM proposals p JOIN documents d ON d.id = p.document_id
                            WHERE p.instrument_id = i.id AND d.complete = 1 AND {vis})",
            vis = visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    InstrumentKey {
                        body: r.try_get(1)?,
                        kind: r.try_get(2)?,
                        number: r.try_get(3)?,
                    },
                ))
            })
            .collect()
    }

    async fn newest_years(&self, viewer: Viewer) -> Result<HashMap<i64, i64>> {
        let sql = format!(
            "SELECT instrument_id, MAX(year) FROM versions v
               JOIN documents d ON d.id = v.document_id
             WHERE d.complete = 1 AND year IS NOT NULL AND {} GROUP BY instrument_id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn version_records(
        &self,
        viewer: Viewer,
        where_clause: &str,
        bind: i64,
    ) -> Result<Vec<VersionRecord>> {
        // `where_clause` is one of the constant clauses of this module, never user text.
        let sql = format!(
            "SELECT v.id, v.instrument_id, v.document_id, v.position, v.revision, v.place,
                v.year, v.title, v.items, i.body, i.kind, i.number
             FROM versions v JOIN instruments i ON i.id = v.instrument_id
               JOIN documents d ON d.id = v.document_id
             WHERE d.complete = 1 AND {} AND {where_clause}
             ORDER BY v.year IS NULL, v.year, v.id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(version_record).collect()
    }

    async fn proposal_records(
        &self,
        viewer: Viewer,
        where_clause: &str,
        bind: i64,
    ) -> Result<Vec<ProposalRecord>> {
        // `where_clause` is one of the constant clauses of this module, never user text.
        let sql = format!(
            "SELECT p.id, p.document_id, p.position, p.instrument_id, p.action,
                p.action_inferred, p.margin, p.source, d.title AS document_title, d.meeting
             FROM proposals p JOIN documents d ON d.id = p.document_id
             WHERE d.complete = 1 AND {} AND {where_clause}
             ORDER BY p.document_id, p.position",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ProposalRecord {
                    id: r.try_get("id")?,
                    document_id: r.try_get("document_id")?,
                    position: r.try_get("position")?,
                    instrument_id: r.try_get("instrument_id")?,
                    action: r.try_get("action")?,
                    action_inferred: r.try_get("action_inferred")?,
                    margin: r.try_get("margin")?,
                    source: r.try_get("source")?,
                    document_title: r.try_get("document_title")?,
                    meeting: r.try_get("meeting")?,
                })
            })
            .collect()
    }

    /// Instruments with the counts the viewer sees; those the viewer sees nothing of
    /// are left out. The title is the newest visible version's (the stored
    /// `instruments.title` may come from a restricted one).
    async fn instrument_summaries(
        &self,
        viewer: Viewer,
        where_clause: &str,
        bind: i64,
    ) -> Result<Vec<InstrumentSummary>> {
        // `where_clause` is one of the constant clauses of this module, never user text.
        let sql = format!(
            "SELECT * FROM (SELECT i.id, i.body, i.kind, i.number,
                (SELECT v.title FROM versions v JOIN documents d ON d.id = v.document_id
                  WHERE v.instrument_id = i.id AND d.complete = 1 AND {vis}
                  ORDER BY v.year IS NULL, v.year DESC, v.id DESC LIMIT 1) AS title,
                (SELECT COUNT(*) FROM versions v JOIN documents d ON d.id = v.document_id
                  WHERE v.instrument_id = i.id AND d.complete = 1 AND {vis}) AS versions,
                (SELECT COUNT(*) FROM proposals p JOIN documents d ON d.id = p.document_id
                  WHERE p.instrument_id = i.id AND d.complete = 1 AND {vis}) AS proposals,
                (SELECT COUNT(*) FROM citations c JOIN documents d ON d.id = c.document_id
                  WHERE d.complete = 1 AND {vis} AND c.kind = i.kind AND c.number = i.number
                    AND (c.body = '' OR i.body = '' OR c.body = i.body)
                    AND c.from_instrument_id IS NOT i.id) AS cited_by
             FROM instruments i WHERE {where_clause})
             WHERE versions + proposals > 0
             ORDER BY body = '', body, kind,
               CAST(number AS INTEGER) = 0, CAST(number AS INTEGER), number",
            vis = visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InstrumentSummary {
                    id: r.try_get("id")?,
                    body: r.try_get("body")?,
                    kind: r.try_get("kind")?,
                    number: r.try_get("number")?,
                    title: r.try_get("title")?,
                    versions: r.try_get("versions")?,
                    proposals: r.try_get("proposals")?,
                    cited_by: r.try_get("cited_by")?,
                })
            })
            .collect()
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn label_of(key: &InstrumentKey) -> String {
    let mut kind = key.kind.clone();
    if let Some(first) = kind.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if key.body.is_empty() {
        format!("{kind} {}", key.number)
    } else {
        format!("{} {kind} {}", key.body, key.number)
    }
}

#[allow(clippy::too_many_arguments)]
async fn index(
    tx: &mut Transaction<'static, Sqlite>,
    document_id: i64,
    target: Target,
    target_id: i64,
    title: &str,
    text: &str,
    body: Option<&str>,
    meeting: Option<&str>,
    source: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO search (title, text, document_id, target, target_id, body, meeting, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(title)
    .bind(text)
    .bind(document_id)
    .bind(target.as_str())
    .bind(target_id)
    .bind(body)
    .bind(meeting)
    .bind(source)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The instrument with this key; an empty body matches the one instrument of that kind
/// and number, and a known body fills in an instrument first seen without one.
async fn find_instrument(conn: &mut SqliteConnection, key: &InstrumentKey) -> Result<Option<i64>> {
    let rows = sqlx::query(
        "SELECT id, body FROM instruments WHERE kind = ?1 AND number = ?2
           AND (?3 = '' OR body = ?3 OR body = '')
         ORDER BY body = ?3 DESC, id",
    )
    .bind(&key.kind)
    .bind(&key.number)
    .bind(&key.body)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.first().map(|r| r.get::<i64, _>(0)))
}

async fn instrument_id(
    tx: &mut Transaction<'static, Sqlite>,
    key: &InstrumentKey,
    title: Option<&str>,
) -> Result<i64> {
    let conn: &mut SqliteConnection = tx;
    let id = match find_instrument(conn, key).await? {
        Some(id) => {
            if !key.body.is_empty() {
                sqlx::query("UPDATE instruments SET body = ?1 WHERE id = ?2 AND body = ''")
                    .bind(&key.body)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            id
        }
        None => sqlx::query(
            "INSERT INTO instruments (body, kind, number) VALUES (?1, ?2, ?3) RETURNING id",
        )
        .bind(&key.body)
        .bind(&key.kind)
        .bind(&key.number)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?,
    };
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        sqlx::query("UPDATE instruments SET title = ?1 WHERE id = ?2")
            .bind(title)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

fn version_record(r: &SqliteRow) -> Result<VersionRecord> {
    Ok(VersionRecord {
        id: r.try_get("id")?,
        instrument_id: r.try_get("instrument_id")?,
        document_id: r.try_get("document_id")?,
        position: r.try_get("position")?,
        revision: r.try_get("revision")?,
        place: r.try_get("place")?,
        year: r.try_get("year")?,
        title: r.try_get("title")?,
        items: r.try_get("items")?,
        body: r.try_get("body")?,
        kind: r.try_get("kind")?,
        number: r.try_get("number")?,
    })
}

const SUMMARY_COLUMNS: &str = "id, file_name, format, kind, title, body, source, meeting,
    doc_number, sha256, size, imported_at, restricted_to";

fn summary(r: &SqliteRow) -> Result<DocumentSummary> {
    Ok(DocumentSummary {
        id: r.try_get("id")?,
        file_name: r.try_get("file_name")?,
        format: r.try_get("format")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        source: r.try_get("source")?,
        meeting: r.try_get("meeting")?,
        doc_number: r.try_get("doc_number")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        imported_at: r.try_get("imported_at")?,
        restricted_to: r.try_get("restricted_to")?,
    })
}

/// Splits an FTS5 snippet with [`HIT_START`]/[`HIT_END`] markers into fragments.
fn fragments(snippet: &str) -> Vec<Fragment> {
    let mut out = Vec::new();
    let mut hit = false;
    let mut current = String::new();
    for c in snippet.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                out.push(Fragment {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(Fragment { text: current, hit });
    }
    out
}

impl Store for SqliteStore {
    fn import(&self, doc: NewDocument) -> BoxFuture<'_, Result<ImportOutcome>> {
        Box::pin(self.import_doc(doc))
    }

    fn find_by_hash<'a>(
        &'a self,
        viewer: Viewer,
        sha256: &'a str,
    ) -> BoxFuture<'a, Result<Option<i64>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT id FROM documents d WHERE sha256 = ?2 AND complete = 1 AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(sha256)
                .fetch_optional(&self.read)
                .await?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    fn visible(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT 1 FROM documents d WHERE id = ?2 AND complete = 1 AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(document_id)
                .fetch_optional(&self.read)
                .await?;
            Ok(row.is_some())
        })
    }

    fn documents(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<DocumentSummary>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM documents d WHERE complete = 1 AND {}
                 ORDER BY id DESC",
                visible("d")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .fetch_all(&self.read)
                .await?;
            rows.iter().map(summary).collect()
        })
    }

    fn document(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<DocumentRecord>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS}, text, parsed_json FROM documents d
                 WHERE id = ?2 AND complete = 1 AND {}",
                visible("d")
            );
            let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(id)
                .fetch_optional(&self.read)
                .await?
            else {
                return Ok(None);
            };
            Ok(Some(DocumentRecord {
                summary: summary(&row)?,
                text: row.try_get("text")?,
                parsed_json: row.try_get("parsed_json")?,
                versions: self
                    .version_records(viewer, "v.document_id = ?2", id)
                    .await?,
                proposals: self
                    .proposal_records(viewer, "p.document_id = ?2", id)
                    .await?,
                citations: self
                    .citation_records(viewer, "c.document_id = ?2", id)
                    .await?,
            }))
        })
    }

    fn source_file(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<SourceFile>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT file_name, format, source_file FROM documents d
                 WHERE id = ?2 AND complete = 1 AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
            row.map(|r| {
                Ok(SourceFile {
                    file_name: r.try_get("file_name")?,
                    format: r.try_get("format")?,
                    bytes: r.try_get("source_file")?,
                })
            })
            .transpose()
        })
    }

    fn instruments(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<InstrumentSummary>>> {
        Box::pin(self.instrument_summaries(viewer, "?2 = ?2", 0))
    }

    fn instrument(
        &self,
        viewer: Viewer,
        id: i64,
    ) -> BoxFuture<'_, Result<Option<InstrumentDetail>>> {
        Box::pin(async move {
            let Some(summary) = self
                .instrument_summaries(viewer, "i.id = ?2", id)
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let cited_by = self
                .citation_records(
                    viewer,
                    "c.from_instrument_id IS NOT ?2 AND EXISTS (SELECT 1 FROM instruments i
                       WHERE i.id = ?2 AND i.kind = c.kind AND i.number = c.number
                         AND (c.body = '' OR i.body = '' OR c.body = i.body))",
                    id,
                )
                .await?;
            Ok(Some(InstrumentDetail {
                summary,
                versions: self
                    .version_records(viewer, "v.instrument_id = ?2", id)
                    .await?,
                proposals: self
                    .proposal_records(viewer, "p.instrument_id = ?2", id)
                    .await?,
                cited_by,
            }))
        })
    }

    fn find_instrument<'a>(
        &'a self,
        viewer: Viewer,
        key: &'a InstrumentKey,
    ) -> BoxFuture<'a, Result<Option<InstrumentSummary>>> {
        Box::pin(async move {
            let mut conn = self.read.acquire().await?;
            let Some(id) = find_instrument(&mut conn, key).await? else {
                return Ok(None);
            };
            drop(conn);
            Ok(self
                .instrument_summaries(viewer, "i.id = ?2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn version(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<VersionRecord>>> {
        Box::pin(async move {
            Ok(self
                .version_records(viewer, "v.id = ?2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn proposal(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<ProposalRecord>>> {
        Box::pin(async move {
            Ok(self
                .proposal_records(viewer, "p.id = ?2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn versions(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<VersionRecord>>> {
        Box::pin(self.version_records(viewer, "?2 = ?2", 0))
    }

    fn search<'a>(
        &'a self,
        viewer: Viewer,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>>> {
        Box::pin(async move {
            let Some(expr) = fts5(&parse_query(&query.text)) else {
                return Ok(Vec::new());
            };
            let limit = if query.limit == 0 { 50 } else { query.limit };
            // Restricted rows are filtered inside the query, before ranking and
            // snippets, so neither a hit nor a snippet of them leaves the database.
            let sql = format!(
                "SELECT document_id, target, target_id, title, body, meeting, source,
                    snippet(search, -1, char(57344), char(57345), '…', 24) AS snip,
                    bm25(search, 4.0, 1.0) AS rank
                 FROM search
                 WHERE search MATCH ?2
                   AND document_id IN (SELECT d.id FROM documents d
                                        WHERE d.complete = 1 AND {})
                   AND (?3 IS NULL OR body = ?3)
                   AND (?4 IS NULL OR meeting = ?4)
                   AND (?5 IS NULL OR source = ?5)
                 ORDER BY rank LIMIT ?6",
                visible("d")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(expr)
                .bind(query.body.as_deref().filter(|s| !s.is_empty()))
                .bind(query.meeting.as_deref().filter(|s| !s.is_empty()))
                .bind(query.source.as_deref().filter(|s| !s.is_empty()))
                .bind(limit as i64)
                .fetch_all(&self.read)
                .await?;
            rows.iter()
                .map(|r| {
                    let target: String = r.try_get("target")?;
                    let snip: String = r.try_get("snip")?;
                    Ok(SearchHit {
                        document_id: r.try_get("document_id")?,
                        target: Target::parse(&target),
                        target_id: r.try_get("target_id")?,
                        title: r.try_get("title")?,
                        body: r.try_get("body")?,
                        meeting: r.try_get("meeting")?,
                        source: r.try_get("source")?,
                        snippet: fragments(&snip),
                        rank: r.try_get("rank")?,
                    })
                })
                .collect()
        })
    }

    fn facets(&self, viewer: Viewer) -> BoxFuture<'_, Result<Facets>> {
        Box::pin(async move {
            let mut facets = Facets::default();
            for (column, out) in [
                ("body", &mut facets.bodies),
                ("meeting", &mut facets.meetings),
                ("source", &mut facets.sources),
            ] {
                // `column` is one of three constants.
                let sql = format!(
                    "SELECT DISTINCT {column} FROM search WHERE {column} IS NOT NULL
                       AND {column} <> ''
                       AND document_id IN (SELECT d.id FROM documents d
                                            WHERE d.complete = 1 AND {vis})
                     ORDER BY {column}",
                    vis = visible("d")
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(viewer.key())
                    .fetch_all(&self.read)
                    .await?;
                for r in rows {
                    out.push(r.try_get(0)?);
                }
            }
            Ok(facets)
        })
    }

    fn change_counter(&self) -> BoxFuture<'_, Result<i64>> {
        Box::pin(async move {
            let counter: i64 =
                sqlx::query_scalar("SELECT counter FROM library_changes WHERE id = 1")
                    .fetch_one(&self.read)
                    .await?;
            Ok(counter)
        })
    }

    fn stats(&self, viewer: Viewer) -> BoxFuture<'_, Result<Stats>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT (SELECT COUNT(*) FROM documents d WHERE complete = 1 AND {vis}),
                        (SELECT COUNT(*) FROM instruments i WHERE
                           EXISTS (SELECT 1 FROM versions v JOIN documents d
                                     ON d.id = v.document_id
                                    WHERE v.instrument_id = i.id AND d.complete = 1
                                      AND {vis})
                           OR EXISTS (SELECT 1 FROM proposals p JOIN documents d
                                        ON d.id = p.document_id
                                       WHERE p.instrument_id = i.id AND d.complete = 1
                                         AND {vis})),
                        (SELECT COUNT(*) FROM versions v JOIN documents d
                           ON d.id = v.document_id WHERE d.complete = 1 AND {vis}),
                        (SELECT COUNT(*) FROM proposals p JOIN documents d
                           ON d.id = p.document_id WHERE d.complete = 1 AND {vis}),
                        (SELECT COUNT(*) FROM citations c JOIN documents d
                           ON d.id = c.document_id WHERE d.complete = 1 AND {vis})",
                vis = visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .fetch_one(&self.read)
                .await?;
            Ok(Stats {
                documents: row.try_get(0)?,
                instruments: row.try_get(1)?,
                versions: row.try_get(2)?,
                proposals: row.try_get(3)?,
                citations: row.try_get(4)?,
            })
        })
    }

    fn create_user<'a>(&'a self, actor: &'a Actor, user: NewUser) -> BoxFuture<'a, Result<i64>> {
        Box::pin(self.create_user_tx(actor, user))
    }

    fn set_password<'a>(
        &'a self,
        actor: &'a Actor,
        user_id: i64,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.set_password_tx(actor, user_id, password_hash))
    }

    fn credentials<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<Credentials>>> {
        Box::pin(self.credentials_of(username))
    }

    fn user(&self, id: i64) -> BoxFuture<'_, Result<Option<User>>> {
        Box::pin(self.user_by_id(id))
    }

    fn users(&self) -> BoxFuture<'_, Result<Vec<User>>> {
        Box::pin(self.all_users())
    }

    fn groups(&self) -> BoxFuture<'_, Result<Vec<Group>>> {
        Box::pin(self.groups_where("?1 = ?1", 0))
    }

    fn user_groups(&self, user_id: i64) -> BoxFuture<'_, Result<Vec<Group>>> {
        Box::pin(self.groups_where(
            "g.id IN (SELECT vg.group_id FROM viewer_groups vg WHERE vg.user_id = ?1)",
            user_id,
        ))
    }

    fn members(&self, group_id: i64) -> BoxFuture<'_, Result<Vec<User>>> {
        Box::pin(self.members_of(group_id))
    }

    fn add_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.change_member(actor, group_id, user_id, true))
    }

    fn remove_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.change_member(actor, group_id, user_id, false))
    }

    fn create_session<'a>(
        &'a self,
        actor: &'a Actor,
        session: NewSession,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.create_session_tx(actor, session))
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>>> {
        Box::pin(self.session_of(token_hash, now))
    }

    fn delete_session<'a>(
        &'a self,
        actor: &'a Actor,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.delete_session_tx(actor, token_hash))
    }

    fn record_login_failure<'a>(
        &'a self,
        actor: &'a Actor,
        username: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.record_login_failure_tx(actor, username))
    }

    fn login_failures<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
        since: i64,
    ) -> BoxFuture<'a, Result<LoginFailures>> {
        Box::pin(self.count_login_failures(username, address, since))
    }

    fn clear_login_failures<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_failures WHERE username = ?1")
                .bind(username)
                .execute(&self.write)
                .await?;
            Ok(())
        })
    }

    fn add_comment<'a>(
        &'a self,
        actor: &'a Actor,
        comment: NewComment,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(self.add_comment_tx(actor, comment))
    }

    fn comments(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<Vec<Comment>>> {
        Box::pin(self.comments_of(viewer, document_id))
    }

    fn open_consultation<'a>(
        &'a self,
        actor: &'a Actor,
        consultation: NewConsultation,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(self.open_consultation_tx(actor, consultation))
    }

    fn consultations(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<Consultation>>> {
        Box::pin(self.consultations_where(viewer, "?2 = ?2", 0))
    }

    fn consultation(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<Consultation>>> {
        Box::pin(async move {
            Ok(self
                .consultations_where(viewer, "k.id = ?2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn submit<'a>(
        &'a self,
        actor: &'a Actor,
        consultation_id: i64,
        body: &'a str,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(self.submit_tx(actor, consultation_id, body))
    }

    fn submissions(
        &self,
        viewer: Viewer,
        consultation_id: i64,
        now: i64,
    ) -> BoxFuture<'_, Result<Vec<Submission>>> {
        Box::pin(self.submissions_of(viewer, consultation_id, now))
    }

    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>>> {
        Box::pin(self.audit_entries(limit))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.read.close().await;
            self.write.close().await;
        })
    }
}
