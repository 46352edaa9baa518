//! The two backends' migrations are kept in step: after migrating a fresh SQLite file
//! and a fresh PostgreSQL schema, both have applied the same migrations (version and
//! name) and hold the same tables and views, with the same columns in the same order,
//! of the same kind of type and nullability, and the same explicit indexes. What only
//! one backend has is listed here, with the reason.

mod backends;

use std::collections::BTreeMap;

use amend_store::{SqliteStore, Store};
use backends::{PgSchema, TempDir, postgres_url, runtime};
use sqlx::Row;

/// Columns only PostgreSQL has: the search table's `tsvector` (FTS5 keeps its index
/// inside the virtual table).
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("search", "words")];
/// Indexes only PostgreSQL has: the GIN index of `search.words`, and the one that lets
/// a document's search rows be found (FTS5 finds them by rowid).
const POSTGRES_ONLY_INDEXES: &[&str] = &["search_words", "search_document"];
/// FTS5's own tables behind the virtual table `search`.
const FTS5_SHADOW_TABLES: &[&str] = &[
    "search_data",
    "search_idx",
    "search_content",
    "search_docsize",
    "search_config",
];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    /// `integer`, `text`, `bytes`, `real`, or `any` where the backend declares none
    /// (FTS5 columns, view columns).
    family: &'static str,
    not_null: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    migrations: Vec<(i64, String)>,
    /// Table or view name → (`table` or `view`, columns).
    relations: BTreeMap<String, (&'static str, Vec<Column>)>,
    indexes: Vec<String>,
}

fn sqlite_family(declared: &str) -> &'static str {
    // SQLite's affinity rules, in their order.
    let t = declared.to_ascii_uppercase();
    if t.is_empty() {
        "any"
    } else if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.contains("BLOB") {
        "bytes"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        "numeric"
    }
}

fn postgres_family(data_type: &str) -> &'static str {
    match data_type {
        // SQLite has no boolean type: flags are INTEGER 0/1 there.
        "bigint" | "integer" | "smallint" | "boolean" => "integer",
        "text" | "character varying" | "character" => "text",
        "bytea" => "bytes",
        "double precision" | "real" => "real",
        "numeric" => "numeric",
        "tsvector" => "tsvector",
        _ => "other",
    }
}

async fn sqlite_schema(path: &std::path::Path) -> Schema {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .read_only(true),
        )
        .await
        .unwrap();
    let mut schema = Schema::default();
    for r in sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        schema.migrations.push((r.get(0), r.get(1)));
    }
    let rows = sqlx::query(
        "SELECT name, type FROM sqlite_schema
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
           AND name <> '_sqlx_migrations'
         ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for r in rows {
        let name: String = r.get(0);
        let kind: String = r.get(1);
        if FTS5_SHADOW_TABLES.contains(&name.as_str()) {
            continue;
        }
        let kind = if kind == "view" { "view" } else { "table" };
        let columns = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|c| {
            let declared: String = c.get(1);
            let not_null: i64 = c.get(2);
            let pk: i64 = c.get(3);
            let family = if kind == "view" {
                "any"
            } else {
                sqlite_family(&declared)
            };
            Column {
                name: c.get(0),
                family,
                // A primary key is meant NOT NULL, as PostgreSQL makes it (an INTEGER
                // one is SQLite's rowid; SQLite lets others hold NULL only by a
                // legacy quirk).
                not_null: kind == "table" && (not_null == 1 || pk > 0),
            }
        })
        .collect();
        schema.relations.insert(name, (kind, columns));
    }
    // Explicit indexes (`sql` is NULL for the automatic ones behind UNIQUE and
    // PRIMARY KEY).
    for r in sqlx::query(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        schema.indexes.push(r.get(0));
    }
    pool.close().await;
    schema
}

async fn postgres_schema(schema_name: &PgSchema) -> Schema {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(schema_name.options())
        .await
        .unwrap();
    let mut schema = Schema::default();
    for r in sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        schema.migrations.push((r.get(0), r.get(1)));
    }
    let rows = sqlx::query(
        "SELECT table_name::TEXT, table_type::TEXT FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
         ORDER BY table_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for r in rows {
        let name: String = r.get(0);
        let kind = if r.get::<String, _>(1) == "VIEW" {
            "view"
        } else {
            "table"
        };
        let columns = sqlx::query(
            "SELECT column_name::TEXT, data_type::TEXT, is_nullable::TEXT
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
             ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .filter(|c| {
            let column: String = c.get(0);
            !POSTGRES_ONLY_COLUMNS.contains(&(name.as_str(), column.as_str()))
        })
        .map(|c| Column {
            name: c.get(0),
            family: if kind == "view" {
                "any"
            } else {
                postgres_family(&c.get::<String, _>(1))
            },
            not_null: kind == "table" && c.get::<String, _>(2) == "NO",
        })
        .collect();
        schema.relations.insert(name, (kind, columns));
    }
    // Indexes not made for a constraint (primary keys and UNIQUE).
    for r in sqlx::query(
        "SELECT i.relname::TEXT FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_namespace n ON n.oid = i.relnamespace
         WHERE n.nspname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
         ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let name: String = r.get(0);
        if !POSTGRES_ONLY_INDEXES.contains(&name.as_str()) {
            schema.indexes.push(name);
        }
    }
    pool.close().await;
    schema
}

/// Reconciles one family difference: FTS5 columns have no declared type, so there any
/// PostgreSQL type is accepted.
fn compatible(sqlite: &Column, postgres: &Column) -> bool {
    sqlite.name == postgres.name
        && sqlite.not_null == postgres.not_null
        && (sqlite.family == "any" || sqlite.family == postgres.family)
}

#[test]
fn migrations_of_both_backends_are_in_step() {
    let Some(url) = postgres_url("migrations_of_both_backends_are_in_step") else {
        return;
    };
    let rt = runtime();
    let dir = TempDir::new("in-step");
    rt.block_on(async {
        let store = SqliteStore::open_dir(&dir.0).await.unwrap();
        let lite = sqlite_schema(&dir.0.join("library.sqlite3")).await;
        store.close().await;

        let schema = PgSchema::create(&url, "in_step").await;
        let pg_store = schema.store().await;
        let pg = postgres_schema(&schema).await;
        pg_store.close().await;
        schema.drop().await;

        assert!(!lite.migrations.is_empty());
        assert_eq!(lite.migrations, pg.migrations, "applied migrations differ");
        assert_eq!(
            lite.relations.keys().collect::<Vec<_>>(),
            pg.relations.keys().collect::<Vec<_>>(),
            "tables and views differ"
        );
        let mut problems = Vec::new();
        for (name, (kind, columns)) in &lite.relations {
            let (pg_kind, pg_columns) = &pg.relations[name];
            if kind != pg_kind {
                problems.push(format!(
                    "{name}: a {kind} in SQLite, a {pg_kind} in PostgreSQL"
                ));
            }
            let same = columns.len() == pg_columns.len()
                && columns
                    .iter()
                    .zip(pg_columns)
                    .all(|(a, b)| compatible(a, b));
            if !same {
                problems.push(format!(
                    "{name}:\n  SQLite:     {columns:?}\n  PostgreSQL: {pg_columns:?}"
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(lite.indexes, pg.indexes, "explicit indexes differ");
    });
}

/// The column check itself tells apart another name, another kind of type and another
/// nullability, and accepts any type only where SQLite declares none.
#[test]
fn the_column_comparison_tells_columns_apart() {
    let a = Column {
        name: "year".into(),
        family: "integer",
        not_null: false,
    };
    assert!(compatible(&a, &a.clone()));
    let renamed = Column {
        name: "years".into(),
        ..a.clone()
    };
    assert!(!compatible(&a, &renamed));
    let text = Column {
        family: "text",
        ..a.clone()
    };
    assert!(!compatible(&a, &text));
    let required = Column {
        not_null: true,
        ..a.clone()
    };
    assert!(!compatible(&a, &required));
    let fts = Column {
        family: "any",
        ..a.clone()
    };
    assert!(compatible(&fts, &text));
    assert_eq!(sqlite_family("INTEGER"), postgres_family("boolean"));
    assert_eq!(sqlite_family("BLOB"), postgres_family("bytea"));
    assert_ne!(sqlite_family("TEXT"), postgres_family("bigint"));
}
