//! The PostgreSQL backend: one connection pool shared by several `amend serve`
//! processes, the same tables as SQLite (`migrations/postgres/`, kept in step by a
//! test), full text on `tsvector` with a GIN index and `ts_headline` snippets.
//!
//! Full text is indexed in chunks: PostgreSQL keeps at most 255 positions of a word
//! and 16,383 positions in a `tsvector`, so a long text in one vector would lose the
//! positions phrases need. Each search row holds a stretch of the text whose words stay
//! under both limits, overlapping the previous stretch so that phrases across the cut
//! still match; a search combines a target's chunks (every term in some chunk, no
//! excluded term in any) and shows the snippet of its best chunk.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use crate::access::*;
use crate::extract::{InstrumentKey, NewDocument};
use crate::query::{QueryTerm, parse_query};
use crate::types::*;
use crate::{BoxFuture, Permission, Result, Store, StoreError, Viewer};

mod accounts;
mod changes;

use changes::Changes;

/// Private-use characters that bracket matches in `ts_headline` snippets; they are
/// stripped from stored text on import, as in the SQLite backend.
const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';

/// At most this many words in one indexed chunk (below the 16,383 positions of a
/// `tsvector`, with room for the title).
const CHUNK_WORDS: usize = 8_000;
/// A chunk ends before any word (case-folded) occurs this often in it: PostgreSQL keeps
/// 255 positions per word, and accent folding may merge a few spellings more.
const CHUNK_REPEATS: u32 = 200;
/// Words shared by consecutive chunks: a phrase of up to this many words plus one
/// matches across a cut.
const CHUNK_OVERLAP: usize = 32;

/// The PostgreSQL migrations, embedded in the binary; the same versions and names as
/// the SQLite ones.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "library",
        include_str!("../migrations/postgres/0001_library.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        "changes",
        include_str!("../migrations/postgres/0003_changes.sql"),
    ),
    (
        4,
        "change_notices",
        include_str!("../migrations/postgres/0004_change_notices.sql"),
    ),
];

/// The one visibility rule of the PostgreSQL backend, as in SQLite's: whether the row
/// `alias` (a document, or anything with a `restricted_to` column) is seen by the
/// viewer whose [`Viewer::key`] is bound as `$1`. Public rows have no restriction; the
/// system (key 0) sees all; a user sees the groups the `viewer_groups` view gives them.
pub(crate) fn visible(alias: &str) -> String {
    format!(
        "({alias}.restricted_to IS NULL OR $1 = 0 OR {alias}.restricted_to IN \
         (SELECT vg.group_id FROM viewer_groups vg WHERE vg.user_id = $1))"
    )
}

/// The library in a PostgreSQL database.
pub struct PostgresStore {
    pool: PgPool,
    /// The change counter kept in memory from notifications (see `changes`).
    changes: std::sync::Arc<Changes>,
    /// The listener and the periodic re-read of the counter, stopped with the store.
    watchers: [tokio::task::JoinHandle<()>; 2],
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        for task in &self.watchers {
            task.abort();
        }
    }
}

impl PostgresStore {
    /// Connects to `postgres://...` and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with these options (e.g. another `search_path`) and brings the schema
    /// up to date. Several processes may do this at once: the migrator holds an
    /// advisory lock while it runs.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        Self::connect_with_recheck(options, changes::RECHECK).await
    }

    /// As [`PostgresStore::connect_with`], reading the change counter again every
    /// `recheck` whatever the notifications say (the longest a write by another
    /// process goes unseen if its notification is lost; one second by default).
    pub async fn connect_with_recheck(
        options: PgConnectOptions,
        recheck: Duration,
    ) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        let changes = std::sync::Arc::new(Changes::default());
        let watchers = changes::start(&pool, &changes, recheck);
        Ok(Self {
            pool,
            changes,
            watchers,
        })
    }

    /// Whether the store listens for the notifications of writes (and so answers
    /// [`Store::change_counter`] from memory).
    pub fn listening(&self) -> bool {
        self.changes.is_listening()
    }

    /// Waits until this store has seen the change counter reach `at_least` (by its own
    /// write, a notification or a re-read), at most `within`; whether it has.
    pub async fn changes_seen(&self, at_least: i64, within: Duration) -> bool {
        self.changes.wait_for(at_least, within).await
    }

    /// The change counter as the database holds it now (one read), whatever this
    /// store has seen.
    pub async fn stored_change_counter(&self) -> Result<i64> {
        let counter: i64 = sqlx::query_scalar("SELECT counter FROM library_changes WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        self.changes.raise(counter);
        Ok(counter)
    }

    /// Documents that lack a part written in their transaction: always empty unless
    /// the all-or-nothing rule was broken. Returns their ids.
    pub async fn incomplete_documents(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT id FROM documents d WHERE NOT complete
               OR NOT EXISTS (SELECT 1 FROM search s WHERE s.document_id = d.id)
               OR (kind = 'resolution' AND NOT EXISTS
                    (SELECT 1 FROM versions v WHERE v.document_id = d.id))
               OR (kind = 'contribution' AND NOT EXISTS
                    (SELECT 1 FROM contributions c WHERE c.document_id = d.id))
             ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>(0).map_err(Into::into))
            .collect()
    }

    async fn import_doc(&self, doc: NewDocument) -> Result<ImportOutcome> {
        let mut tx = self.pool.begin().await?;
        accounts::require(&mut tx, &doc.actor, Permission::Upload).await?;
        if let Some(group) = doc.restricted_to
            && !accounts::sees_group(&mut tx, doc.actor.viewer(), group).await?
        {
            return Err(StoreError::Forbidden(
                "only members of a group may restrict a document to it".into(),
            ));
        }
        let text = clean(&doc.text);
        // A concurrent import of the same bytes waits here for the other transaction
        // and then sees its row: the conflict decides, not an earlier SELECT.
        let inserted = sqlx::query(
            "INSERT INTO documents (sha256, file_name, format, kind, title, body, source,
                meeting, doc_number, size, source_file, text, parsed_json, complete,
                restricted_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, FALSE, $14)
             ON CONFLICT (sha256) DO NOTHING
             RETURNING id",
        )
        .bind(&doc.sha256)
        .bind(clean(&doc.file_name))
        .bind(&doc.format)
        .bind(&doc.kind)
        .bind(clean(&doc.title))
        .bind(doc.body.as_deref().map(clean))
        .bind(doc.source.as_deref().map(clean))
        .bind(doc.meeting.as_deref().map(clean))
        .bind(doc.doc_number.as_deref().map(clean))
        .bind(doc.bytes.len() as i64)
        .bind(&doc.bytes)
        .bind(&text)
        .bind(clean(&doc.parsed_json))
        .bind(doc.restricted_to)
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = match inserted {
            Some(row) => row.try_get(0)?,
            None => {
                let row = sqlx::query("SELECT id FROM documents WHERE sha256 = $1")
                    .bind(&doc.sha256)
                    .fetch_one(&mut *tx)
                    .await?;
                return Ok(ImportOutcome::Duplicate(row.try_get(0)?));
            }
        };

        for v in &doc.versions {
            let instrument = instrument_id(&mut tx, &v.instrument, Some(&v.title)).await?;
            let vid: i64 = sqlx::query(
                "INSERT INTO versions (instrument_id, document_id, position, revision, place,
                    year, title, text, items)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(instrument)
            .bind(id)
            .bind(v.position)
            .bind(v.revision.as_deref().map(clean))
            .bind(v.place.as_deref().map(clean))
            .bind(v.year)
            .bind(clean(&v.title))
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
                &Indexed {
                    document_id: id,
                    target: Target::Version,
                    target_id: vid,
                    title: &title,
                    text: &clean(&v.text),
                    body: non_empty(&v.instrument.body).or(doc.body.as_deref()),
                    meeting: meeting.as_deref(),
                    source: doc.source.as_deref(),
                },
            )
            .await?;
        }

        if doc.kind == "contribution" {
            sqlx::query(
                "INSERT INTO contributions (document_id, source, meeting, doc_number, title)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(doc.source.as_deref().map(clean))
            .bind(doc.meeting.as_deref().map(clean))
            .bind(doc.doc_number.as_deref().map(clean))
            .bind(clean(&doc.title))
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
                    t = t.replacen(&clean(&p.text), "", 1);
                }
                t
            } else {
                text.clone()
            };
            index(
                &mut tx,
                &Indexed {
                    document_id: id,
                    target,
                    target_id: id,
                    title: &doc.title,
                    text: &envelope,
                    body: doc.body.as_deref(),
                    meeting: doc.meeting.as_deref(),
                    source: doc.source.as_deref(),
                },
            )
            .await?;
        }

        for p in &doc.proposals {
            let instrument = instrument_id(&mut tx, &p.instrument, None).await?;
            let pid: i64 = sqlx::query(
                "INSERT INTO proposals (document_id, position, instrument_id, action,
                    action_inferred, margin, source, text)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(id)
            .bind(p.position)
            .bind(instrument)
            .bind(&p.action)
            .bind(p.action_inferred)
            .bind(p.margin.as_deref().map(clean))
            .bind(p.source.as_deref().map(clean))
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
                &Indexed {
                    document_id: id,
                    target: Target::Proposal,
                    target_id: pid,
                    title: &title,
                    text: &clean(&p.text),
                    body: non_empty(&p.instrument.body).or(doc.body.as_deref()),
                    meeting: doc.meeting.as_deref(),
                    source,
                },
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(from)
            .bind(clean(&c.cited.body))
            .bind(&c.cited.kind)
            .bind(clean(&c.cited.number))
            .bind(c.revision.as_deref().map(clean))
            .bind(c.place.as_deref().map(clean))
            .bind(c.year)
            .bind(clean(&c.as_written))
            .execute(&mut *tx)
            .await?;
        }

        sqlx::query("UPDATE documents SET complete = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = match doc.restricted_to {
            Some(group) => format!("{} (restricted to group {group})", doc.file_name),
            None => doc.file_name.clone(),
        };
        accounts::audit(
            &mut tx,
            &doc.actor,
            "import",
            &format!("document:{id}"),
            &detail,
        )
        .await?;
        changes::commit(tx, &self.changes).await?;
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
             WHERE d.complete AND {} AND {where_clause}
             ORDER BY d.title COLLATE \"C\", c.id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.pool)
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
                            WHERE v.instrument_id = i.id AND d.complete AND {vis})
                OR EXISTS (SELECT 1 FROM proposals p JOIN documents d ON d.id = p.document_id
                            WHERE p.instrument_id = i.id AND d.complete AND {vis})",
            vis = visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .fetch_all(&self.pool)
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
             WHERE d.complete AND year IS NOT NULL AND {} GROUP BY instrument_id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .fetch_all(&self.pool)
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
             WHERE d.complete AND {} AND {where_clause}
             ORDER BY v.year IS NULL, v.year, v.id",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.pool)
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
             WHERE d.complete AND {} AND {where_clause}
             ORDER BY p.document_id, p.position",
            visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.pool)
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
        // The number sorts by its leading digits first, as SQLite's CAST does.
        let sql = format!(
            "SELECT * FROM (SELECT i.id, i.body, i.kind, i.number,
                (SELECT v.title FROM versions v JOIN documents d ON d.id = v.document_id
                  WHERE v.instrument_id = i.id AND d.complete AND {vis}
                  ORDER BY v.year IS NULL, v.year DESC, v.id DESC LIMIT 1) AS title,
                (SELECT COUNT(*) FROM versions v JOIN documents d ON d.id = v.document_id
                  WHERE v.instrument_id = i.id AND d.complete AND {vis}) AS versions,
                (SELECT COUNT(*) FROM proposals p JOIN documents d ON d.id = p.document_id
                  WHERE p.instrument_id = i.id AND d.complete AND {vis}) AS proposals,
                (SELECT COUNT(*) FROM citations c JOIN documents d ON d.id = c.document_id
                  WHERE d.complete AND {vis} AND c.kind = i.kind AND c.number = i.number
                    AND (c.body = '' OR i.body = '' OR c.body = i.body)
                    AND c.from_instrument_id IS DISTINCT FROM i.id) AS cited_by
             FROM instruments i WHERE {where_clause}) AS counted
             WHERE versions + proposals > 0
             ORDER BY body = '', body COLLATE \"C\", kind COLLATE \"C\",
               COALESCE(substring(number FROM '^[0-9]{{1,18}}')::BIGINT, 0) = 0,
               COALESCE(substring(number FROM '^[0-9]{{1,18}}')::BIGINT, 0),
               number COLLATE \"C\"",
            vis = visible("d")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer.key())
            .bind(bind)
            .fetch_all(&self.pool)
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

fn migrator() -> Migrator {
    Migrator::with_migrations(
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
    )
}

/// Text as stored: without the snippet markers, and without NUL, which PostgreSQL text
/// cannot hold.
fn clean(s: &str) -> String {
    s.replace([HIT_START, HIT_END, '\0'], "")
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

/// One target's text for the full-text index.
struct Indexed<'a> {
    document_id: i64,
    target: Target,
    target_id: i64,
    title: &'a str,
    text: &'a str,
    body: Option<&'a str>,
    meeting: Option<&'a str>,
    source: Option<&'a str>,
}

/// The words of `text` with their byte ranges: runs of letters and digits, the same
/// words the query language and SQLite's tokenizer see.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Cuts the words of a text into chunks (ranges of word indices) that stay under
/// PostgreSQL's position limits, each overlapping the previous one.
fn chunks(text: &str, words: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut end = start;
        while end < words.len() && end - start < CHUNK_WORDS {
            let (a, b) = words[end];
            let count = counts.entry(text[a..b].to_lowercase()).or_insert(0);
            if *count >= CHUNK_REPEATS {
                break;
            }
            *count += 1;
            end += 1;
        }
        out.push((start, end));
        if end >= words.len() {
            break;
        }
        // Always advance, even if the overlap is longer than the chunk.
        start = (end.saturating_sub(CHUNK_OVERLAP)).max(start + 1);
    }
    out
}

/// Writes the search rows of one target: one per chunk of its text, each with the
/// title (weight A) and the chunk's words (weight B).
async fn index(tx: &mut Transaction<'static, Postgres>, row: &Indexed<'_>) -> Result<()> {
    let title = clean(row.title);
    let title_words = word_ranges(&title)
        .into_iter()
        .map(|(a, b)| &title[a..b])
        .collect::<Vec<_>>()
        .join(" ");
    let words = word_ranges(row.text);
    let mut pieces = chunks(row.text, &words);
    if pieces.is_empty() {
        // A target without words is still indexed (by its title).
        pieces.push((0, 0));
    }
    for (first, end) in pieces {
        let (text, chunk_words) = if first < end {
            let text = &row.text[words[first].0..words[end - 1].1];
            let joined = words[first..end]
                .iter()
                .map(|&(a, b)| &row.text[a..b])
                .collect::<Vec<_>>()
                .join(" ");
            (text, joined)
        } else {
            (row.text, String::new())
        };
        sqlx::query(
            "INSERT INTO search (title, text, document_id, target, target_id, body, meeting,
                source, words)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                setweight(to_tsvector('amend', $9), 'A')
                  || setweight(to_tsvector('amend', $10), 'B'))",
        )
        .bind(&title)
        .bind(text)
        .bind(row.document_id)
        .bind(row.target.as_str())
        .bind(row.target_id)
        .bind(row.body.map(clean))
        .bind(row.meeting.map(clean))
        .bind(row.source.map(clean))
        .bind(&title_words)
        .bind(&chunk_words)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A phrase as `to_tsquery` text: its words quoted as lexemes, in order. Words are runs
/// of letters and digits (see [`parse_query`]), so no operator or quote can be in one.
fn tsquery_phrase(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" <-> ")
}

/// The query's phrases (each must match some chunk of a target) and its exclusions
/// (one `to_tsquery` text that must match no chunk), or `None` when nothing is
/// searched for.
fn tsqueries(terms: &[QueryTerm]) -> Option<(Vec<String>, Option<String>)> {
    let mut phrases = Vec::new();
    let mut excluded = Vec::new();
    for term in terms {
        match term {
            QueryTerm::Phrase(words) => phrases.push(tsquery_phrase(words)),
            QueryTerm::Not(words) => excluded.push(format!("({})", tsquery_phrase(words))),
        }
    }
    if phrases.is_empty() {
        return None;
    }
    let excluded = (!excluded.is_empty()).then(|| excluded.join(" | "));
    Some((phrases, excluded))
}

/// The instrument with this key; an empty body matches the one instrument of that kind
/// and number, and a known body fills in an instrument first seen without one.
async fn find_instrument(conn: &mut PgConnection, key: &InstrumentKey) -> Result<Option<i64>> {
    let rows = sqlx::query(
        "SELECT id, body FROM instruments WHERE kind = $1 AND number = $2
           AND ($3 = '' OR body = $3 OR body = '')
         ORDER BY body = $3 DESC, id",
    )
    .bind(&key.kind)
    .bind(&key.number)
    .bind(&key.body)
    .fetch_all(&mut *conn)
    .await?;
    rows.first()
        .map(|r| r.try_get::<i64, _>(0).map_err(Into::into))
        .transpose()
}

async fn instrument_id(
    tx: &mut Transaction<'static, Postgres>,
    key: &InstrumentKey,
    title: Option<&str>,
) -> Result<i64> {
    let conn: &mut PgConnection = tx;
    let found = match find_instrument(conn, key).await? {
        Some(id) => Some(id),
        // Another server may insert the same instrument at the same moment: the
        // conflict waits for it, and the second lookup then finds its row.
        None => sqlx::query(
            "INSERT INTO instruments (body, kind, number) VALUES ($1, $2, $3)
             ON CONFLICT (body, kind, number) DO NOTHING RETURNING id",
        )
        .bind(clean(&key.body))
        .bind(&key.kind)
        .bind(clean(&key.number))
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?,
    };
    let id = match found {
        Some(id) => id,
        None => find_instrument(conn, key).await?.ok_or_else(|| {
            crate::StoreError::Corrupt(format!(
                "instrument {} {} {} neither inserted nor found",
                key.body, key.kind, key.number
            ))
        })?,
    };
    if !key.body.is_empty() {
        sqlx::query("UPDATE instruments SET body = $1 WHERE id = $2 AND body = ''")
            .bind(clean(&key.body))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        sqlx::query("UPDATE instruments SET title = $1 WHERE id = $2")
            .bind(clean(title))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

fn version_record(r: &PgRow) -> Result<VersionRecord> {
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

fn summary(r: &PgRow) -> Result<DocumentSummary> {
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

/// Splits a `ts_headline` snippet with [`HIT_START`]/[`HIT_END`] markers into
/// fragments.
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

/// `ts_headline` options: about as long as the SQLite snippet (24 words), matches
/// bracketed by the private-use markers.
fn headline_options() -> String {
    format!(
        "StartSel=\"{HIT_START}\", StopSel=\"{HIT_END}\", MaxWords=24, MinWords=12, \
         ShortWord=0, MaxFragments=1, FragmentDelimiter=\" … \""
    )
}

/// The search: targets whose chunks together hold every phrase (each phrase within one
/// chunk) and none of which holds an excluded phrase, best first by the rank of their
/// best chunk (title weighted 4 to 1 over text, as in SQLite's BM25 weights), with the
/// snippet of that chunk (of the title when only the title matched). Restricted
/// documents are filtered inside the query (`{vis}`), before ranking and snippets.
const SEARCH_SQL: &str = "
WITH terms AS (
    SELECT n, to_tsquery('amend', t) AS q
    FROM unnest($2::TEXT[]) WITH ORDINALITY AS u(t, n)
),
whole AS (SELECT to_tsquery('amend', array_to_string($2::TEXT[], ' & ')) AS q),
matched AS (
    SELECT s.target, s.target_id
    FROM search s JOIN terms ON s.words @@ terms.q
    WHERE s.document_id IN (SELECT d.id FROM documents d WHERE d.complete AND {vis})
      AND ($4::TEXT IS NULL OR s.body = $4)
      AND ($5::TEXT IS NULL OR s.meeting = $5)
      AND ($6::TEXT IS NULL OR s.source = $6)
    GROUP BY s.target, s.target_id
    HAVING COUNT(DISTINCT terms.n) = cardinality($2::TEXT[])
),
best AS (
    SELECT DISTINCT ON (s.target, s.target_id)
        s.document_id, s.target, s.target_id, s.title, s.text, s.body, s.meeting,
        s.source, s.words,
        ts_rank('{0.1, 0.2, 0.25, 1.0}', s.words, whole.q, 1) AS score
    FROM search s
    JOIN matched m ON m.target = s.target AND m.target_id = s.target_id
    CROSS JOIN whole
    WHERE NOT EXISTS (
        SELECT 1 FROM search x
        WHERE x.target = s.target AND x.target_id = s.target_id
          AND x.words @@ to_tsquery('amend', $3::TEXT))
    ORDER BY s.target, s.target_id, score DESC
),
top AS (SELECT * FROM best ORDER BY score DESC, document_id, target_id LIMIT $7)
SELECT top.document_id, top.target, top.target_id, top.title, top.body, top.meeting,
    top.source,
    CASE WHEN ts_filter(top.words, '{a}') @@ whole.q
              AND NOT ts_filter(top.words, '{b}') @@ whole.q
         THEN ts_headline('amend', top.title, whole.q, $8)
         ELSE ts_headline('amend', top.text, whole.q, $8) END AS snip,
    (-top.score)::FLOAT8 AS rank
FROM top CROSS JOIN whole
ORDER BY top.score DESC, top.document_id, top.target_id";

impl Store for PostgresStore {
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
                "SELECT id FROM documents d WHERE sha256 = $2 AND complete AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| r.try_get(0).map_err(Into::into)).transpose()
        })
    }

    fn visible(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT 1 FROM documents d WHERE id = $2 AND complete AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(document_id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.is_some())
        })
    }

    fn documents(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<DocumentSummary>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM documents d WHERE complete AND {}
                 ORDER BY id DESC",
                visible("d")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(summary).collect()
        })
    }

    fn document(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<DocumentRecord>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS}, text, parsed_json FROM documents d
                 WHERE id = $2 AND complete AND {}",
                visible("d")
            );
            let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
            else {
                return Ok(None);
            };
            Ok(Some(DocumentRecord {
                summary: summary(&row)?,
                text: row.try_get("text")?,
                parsed_json: row.try_get("parsed_json")?,
                versions: self
                    .version_records(viewer, "v.document_id = $2", id)
                    .await?,
                proposals: self
                    .proposal_records(viewer, "p.document_id = $2", id)
                    .await?,
                citations: self
                    .citation_records(viewer, "c.document_id = $2", id)
                    .await?,
            }))
        })
    }

    fn source_file(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<SourceFile>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT file_name, format, source_file FROM documents d
                 WHERE id = $2 AND complete AND {}",
                visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(id)
                .fetch_optional(&self.pool)
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
        Box::pin(self.instrument_summaries(viewer, "$2 = $2", 0))
    }

    fn instrument(
        &self,
        viewer: Viewer,
        id: i64,
    ) -> BoxFuture<'_, Result<Option<InstrumentDetail>>> {
        Box::pin(async move {
            let Some(summary) = self
                .instrument_summaries(viewer, "i.id = $2", id)
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let cited_by = self
                .citation_records(
                    viewer,
                    "c.from_instrument_id IS DISTINCT FROM $2 AND EXISTS (SELECT 1
                       FROM instruments i
                       WHERE i.id = $2 AND i.kind = c.kind AND i.number = c.number
                         AND (c.body = '' OR i.body = '' OR c.body = i.body))",
                    id,
                )
                .await?;
            Ok(Some(InstrumentDetail {
                summary,
                versions: self
                    .version_records(viewer, "v.instrument_id = $2", id)
                    .await?,
                proposals: self
                    .proposal_records(viewer, "p.instrument_id = $2", id)
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
            let mut conn = self.pool.acquire().await?;
            let Some(id) = find_instrument(&mut conn, key).await? else {
                return Ok(None);
            };
            drop(conn);
            Ok(self
                .instrument_summaries(viewer, "i.id = $2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn version(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<VersionRecord>>> {
        Box::pin(async move {
            Ok(self
                .version_records(viewer, "v.id = $2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn proposal(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<ProposalRecord>>> {
        Box::pin(async move {
            Ok(self
                .proposal_records(viewer, "p.id = $2", id)
                .await?
                .into_iter()
                .next())
        })
    }

    fn versions(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<VersionRecord>>> {
        Box::pin(self.version_records(viewer, "$2 = $2", 0))
    }

    fn search<'a>(
        &'a self,
        viewer: Viewer,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>>> {
        Box::pin(async move {
            let Some((phrases, excluded)) = tsqueries(&parse_query(&query.text)) else {
                return Ok(Vec::new());
            };
            let limit = if query.limit == 0 { 50 } else { query.limit };
            let sql = SEARCH_SQL.replace("{vis}", &visible("d"));
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .bind(&phrases)
                .bind(excluded)
                .bind(query.body.as_deref().filter(|s| !s.is_empty()))
                .bind(query.meeting.as_deref().filter(|s| !s.is_empty()))
                .bind(query.source.as_deref().filter(|s| !s.is_empty()))
                .bind(i64::from(limit))
                .bind(headline_options())
                .fetch_all(&self.pool)
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
                    "SELECT DISTINCT {column} COLLATE \"C\" AS value FROM search
                     WHERE {column} IS NOT NULL AND {column} <> ''
                       AND document_id IN (SELECT d.id FROM documents d
                                            WHERE d.complete AND {vis})
                     ORDER BY value",
                    vis = visible("d")
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(viewer.key())
                    .fetch_all(&self.pool)
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
            match self.changes.known() {
                Some(counter) => Ok(counter),
                None => self.stored_change_counter().await,
            }
        })
    }

    fn stats(&self, viewer: Viewer) -> BoxFuture<'_, Result<Stats>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT (SELECT COUNT(*) FROM documents d WHERE complete AND {vis}),
                        (SELECT COUNT(*) FROM instruments i WHERE
                           EXISTS (SELECT 1 FROM versions v JOIN documents d
                                     ON d.id = v.document_id
                                    WHERE v.instrument_id = i.id AND d.complete AND {vis})
                           OR EXISTS (SELECT 1 FROM proposals p JOIN documents d
                                        ON d.id = p.document_id
                                       WHERE p.instrument_id = i.id AND d.complete
                                         AND {vis})),
                        (SELECT COUNT(*) FROM versions v JOIN documents d
                           ON d.id = v.document_id WHERE d.complete AND {vis}),
                        (SELECT COUNT(*) FROM proposals p JOIN documents d
                           ON d.id = p.document_id WHERE d.complete AND {vis}),
                        (SELECT COUNT(*) FROM citations c JOIN documents d
                           ON d.id = c.document_id WHERE d.complete AND {vis})",
                vis = visible("d")
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(viewer.key())
                .fetch_one(&self.pool)
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
        Box::pin(accounts::create_user(
            &self.pool,
            &self.changes,
            actor,
            user,
        ))
    }

    fn set_password<'a>(
        &'a self,
        actor: &'a Actor,
        user_id: i64,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::set_password(
            &self.pool,
            &self.changes,
            actor,
            user_id,
            password_hash,
        ))
    }

    fn credentials<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<Credentials>>> {
        Box::pin(accounts::credentials(&self.pool, username))
    }

    fn user(&self, id: i64) -> BoxFuture<'_, Result<Option<User>>> {
        Box::pin(accounts::user(&self.pool, id))
    }

    fn users(&self) -> BoxFuture<'_, Result<Vec<User>>> {
        Box::pin(accounts::users(&self.pool))
    }

    fn groups(&self) -> BoxFuture<'_, Result<Vec<Group>>> {
        Box::pin(accounts::groups_where(&self.pool, "$1 = $1", 0))
    }

    fn user_groups(&self, user_id: i64) -> BoxFuture<'_, Result<Vec<Group>>> {
        Box::pin(accounts::groups_where(
            &self.pool,
            "g.id IN (SELECT vg.group_id FROM viewer_groups vg WHERE vg.user_id = $1)",
            user_id,
        ))
    }

    fn members(&self, group_id: i64) -> BoxFuture<'_, Result<Vec<User>>> {
        Box::pin(accounts::members(&self.pool, group_id))
    }

    fn add_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::change_member(
            &self.pool,
            &self.changes,
            actor,
            group_id,
            user_id,
            true,
        ))
    }

    fn remove_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::change_member(
            &self.pool,
            &self.changes,
            actor,
            group_id,
            user_id,
            false,
        ))
    }

    fn create_session<'a>(
        &'a self,
        actor: &'a Actor,
        session: NewSession,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::create_session(
            &self.pool,
            &self.changes,
            actor,
            session,
        ))
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>>> {
        Box::pin(accounts::session(&self.pool, token_hash, now))
    }

    fn delete_session<'a>(
        &'a self,
        actor: &'a Actor,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::delete_session(
            &self.pool,
            &self.changes,
            actor,
            token_hash,
        ))
    }

    fn record_login_failure<'a>(
        &'a self,
        actor: &'a Actor,
        username: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(accounts::record_login_failure(
            &self.pool,
            &self.changes,
            actor,
            username,
        ))
    }

    fn login_failures<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
        since: i64,
    ) -> BoxFuture<'a, Result<LoginFailures>> {
        Box::pin(accounts::login_failures(
            &self.pool, username, address, since,
        ))
    }

    fn clear_login_failures<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(username)
                .execute(&self.pool)
                .await?;
            Ok(())
        })
    }

    fn add_comment<'a>(
        &'a self,
        actor: &'a Actor,
        comment: NewComment,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(accounts::add_comment(
            &self.pool,
            &self.changes,
            actor,
            comment,
        ))
    }

    fn comments(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<Vec<Comment>>> {
        Box::pin(accounts::comments(&self.pool, viewer, document_id))
    }

    fn open_consultation<'a>(
        &'a self,
        actor: &'a Actor,
        consultation: NewConsultation,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(accounts::open_consultation(
            &self.pool,
            &self.changes,
            actor,
            consultation,
        ))
    }

    fn consultations(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<Consultation>>> {
        Box::pin(accounts::consultations_where(
            &self.pool, viewer, "$2 = $2", 0,
        ))
    }

    fn consultation(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<Consultation>>> {
        Box::pin(async move {
            Ok(
                accounts::consultations_where(&self.pool, viewer, "k.id = $2", id)
                    .await?
                    .into_iter()
                    .next(),
            )
        })
    }

    fn submit<'a>(
        &'a self,
        actor: &'a Actor,
        consultation_id: i64,
        body: &'a str,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(accounts::submit(
            &self.pool,
            &self.changes,
            actor,
            consultation_id,
            body,
        ))
    }

    fn submissions(
        &self,
        viewer: Viewer,
        consultation_id: i64,
        now: i64,
    ) -> BoxFuture<'_, Result<Vec<Submission>>> {
        Box::pin(accounts::submissions(
            &self.pool,
            viewer,
            consultation_id,
            now,
        ))
    }

    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>>> {
        Box::pin(accounts::audit_log(&self.pool, limit))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for task in &self.watchers {
                task.abort();
            }
            self.pool.close().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = "ITU-T’s Résolution 75 (Rev. Dubai, 2012)";
        let words: Vec<&str> = word_ranges(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(
            words,
            ["ITU", "T", "s", "Résolution", "75", "Rev", "Dubai", "2012"]
        );
    }

    #[test]
    fn chunks_overlap_and_respect_the_repeat_limit() {
        let text = "the cat ".repeat(500);
        let words = word_ranges(&text);
        let pieces = chunks(&text, &words);
        assert!(pieces.len() >= 3, "{pieces:?}");
        assert_eq!(pieces[0].0, 0);
        assert_eq!(pieces.last().unwrap().1, words.len());
        for pair in pieces.windows(2) {
            // Each chunk starts inside the previous one, CHUNK_OVERLAP words back.
            assert_eq!(pair[1].0, pair[0].1 - CHUNK_OVERLAP);
        }
        for (a, b) in &pieces {
            let the = words[*a..*b]
                .iter()
                .filter(|(x, y)| &text[*x..*y] == "the")
                .count();
            assert!(the <= CHUNK_REPEATS as usize);
        }
        assert!(chunks("", &[]).is_empty());
    }

    #[test]
    fn queries_quote_words_and_combine_exclusions() {
        let terms = parse_query(r#"WSIS "action line" -Internet -"ITU-T study""#);
        let (phrases, excluded) = tsqueries(&terms).unwrap();
        assert_eq!(phrases, ["'WSIS'", "'action' <-> 'line'"]);
        assert_eq!(
            excluded.as_deref(),
            Some("('Internet') | ('ITU' <-> 'T' <-> 'study')")
        );
        assert_eq!(tsqueries(&parse_query("-only")), None);
        // Operators of tsquery are separators of the query language.
        let (phrases, _) = tsqueries(&parse_query("a&b|!c:*")).unwrap();
        assert_eq!(phrases, ["'a' <-> 'b' <-> 'c'"]);
    }
}
