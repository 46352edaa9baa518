-- The library: documents as imported, the instruments they hold or propose to change,
-- the citations between them, and the full-text index. SQLite dialect; the PostgreSQL
-- tree (migrations/postgres/) must describe the same tables.

-- One imported file. Everything else hangs off a document and is written in the same
-- transaction, so a document is either entirely present or absent.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    format      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT,
    source      TEXT,
    meeting     TEXT,
    doc_number  TEXT,
    size        INTEGER NOT NULL,
    source_file BLOB NOT NULL,
    text        TEXT NOT NULL,
    parsed_json TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Set to 1 by the last statement of the import transaction; readers only look at
    -- complete rows (a second guard besides the transaction itself).
    complete    INTEGER NOT NULL DEFAULT 0
);

-- Instruments: body (empty when unknown), kind, number.
CREATE TABLE instruments (
    id     INTEGER PRIMARY KEY,
    body   TEXT NOT NULL DEFAULT '',
    kind   TEXT NOT NULL,
    number TEXT NOT NULL,
    title  TEXT,
    UNIQUE (body, kind, number)
);

-- A text of an instrument found in a document (a resolution, or one of a collection).
CREATE TABLE versions (
    id            INTEGER PRIMARY KEY,
    instrument_id INTEGER NOT NULL REFERENCES instruments (id),
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    revision      TEXT,
    place         TEXT,
    year          INTEGER,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    items         INTEGER NOT NULL,
    UNIQUE (document_id, position)
);
CREATE INDEX versions_instrument ON versions (instrument_id);

-- A contribution's envelope.
CREATE TABLE contributions (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    source      TEXT,
    meeting     TEXT,
    doc_number  TEXT,
    title       TEXT NOT NULL
);

-- One proposal of a contribution: an action on an instrument.
CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    instrument_id   INTEGER NOT NULL REFERENCES instruments (id),
    action          TEXT NOT NULL,
    action_inferred INTEGER NOT NULL,
    margin          TEXT,
    source          TEXT,
    text            TEXT NOT NULL,
    UNIQUE (document_id, position)
);
CREATE INDEX proposals_instrument ON proposals (instrument_id);

-- A citation of an instrument's revision in a document.
CREATE TABLE citations (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    from_instrument_id INTEGER REFERENCES instruments (id),
    body          TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    number        TEXT NOT NULL,
    revision      TEXT,
    place         TEXT,
    year          INTEGER,
    as_written    TEXT NOT NULL
);
CREATE INDEX citations_cited ON citations (kind, number);
CREATE INDEX citations_document ON citations (document_id);

-- Full text of versions, proposals and contribution envelopes. The filter columns are
-- stored, not indexed.
CREATE VIRTUAL TABLE search USING fts5 (
    title,
    text,
    document_id UNINDEXED,
    target UNINDEXED,
    target_id UNINDEXED,
    body UNINDEXED,
    meeting UNINDEXED,
    source UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE INDEX documents_complete ON documents (complete);
