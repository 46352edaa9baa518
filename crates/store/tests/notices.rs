//! PostgreSQL only: a store keeps the change counter in memory from the notifications
//! of migration 4. Writes by another store are seen when their notification arrives,
//! and after the listening connection is lost and made again (notifications sent in
//! between are gone, so the counter is read again). The periodic re-read is turned off
//! here (an hour), so nothing but the notifications and the reconnection can raise the
//! counter within a test.

mod backends;

use std::time::Duration;

use amend_store::{Actor, NewUser, PostgresStore, Role, Store};
use backends::{PgSchema, postgres_url, runtime};

const NO_RECHECK: Duration = Duration::from_secs(3600);
const PATIENCE: Duration = Duration::from_secs(10);

async fn add_user(store: &PostgresStore, name: &str) {
    store
        .create_user(
            &Actor::system("test"),
            NewUser {
                username: name.into(),
                display_name: name.into(),
                role: Role::Observer,
                password_hash: "$argon2id$placeholder".into(),
            },
        )
        .await
        .unwrap();
}

#[test]
fn writes_by_another_store_are_heard_also_across_a_lost_connection() {
    let Some(url) = postgres_url("notices") else {
        return;
    };
    let rt = runtime();
    let schema = rt.block_on(PgSchema::create(&url, "notices"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let name = format!("amend-notices-{}", std::process::id());
            let reader = PostgresStore::connect_with_recheck(
                schema.options().application_name(&name),
                NO_RECHECK,
            )
            .await
            .unwrap();
            let writer = PostgresStore::connect_with_recheck(schema.options(), NO_RECHECK)
                .await
                .unwrap();

            // The writer's own write: its counter has moved when the write returns.
            // (Nothing reads `reader`'s counter before it has heard: a read while it
            // does not listen would fetch the value from the database.)
            add_user(&writer, "first").await;
            let first = writer.change_counter().await.unwrap();
            assert_eq!(first, writer.stored_change_counter().await.unwrap());
            assert!(
                reader.changes_seen(first, PATIENCE).await,
                "no notification of another store's write"
            );
            assert_eq!(reader.change_counter().await.unwrap(), first);

            // The reader's listening connection is cut; a write follows at once, so
            // its notification may be sent before the reader listens again.
            let admin = sqlx::PgPool::connect(&url).await.unwrap();
            let listeners: Vec<i32> = sqlx::query_scalar(
                "SELECT pid FROM pg_stat_activity
                  WHERE application_name = $1 AND query LIKE 'LISTEN%'",
            )
            .bind(&name)
            .fetch_all(&admin)
            .await
            .unwrap();
            assert_eq!(
                listeners.len(),
                1,
                "one listening connection: {listeners:?}"
            );
            let cut: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
                .bind(listeners[0])
                .fetch_one(&admin)
                .await
                .unwrap();
            assert!(cut);
            add_user(&writer, "second").await;
            let second = writer.change_counter().await.unwrap();
            assert!(second > first);
            assert!(
                reader.changes_seen(second, PATIENCE).await,
                "a write made while the listener was cut off is never seen"
            );
            assert_eq!(reader.change_counter().await.unwrap(), second);
            admin.close().await;
            reader.close().await;
            writer.close().await;
        })
    }));
    rt.block_on(schema.drop());
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
