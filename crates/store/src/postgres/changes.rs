//! The library's change counter kept in memory, from PostgreSQL notifications.
//!
//! Reading `library_changes` is one round trip, and a server asks for the counter on
//! every request. Migration 4 makes every move of the counter also send a notification
//! (`amend_library_changes`, delivered only once the write has committed), so the store
//! keeps the counter in memory ([`Changes::known`]) and reads it from the database only
//! while it cannot trust that copy:
//!
//! - **Not listening** (before the listener has connected, after its connection was
//!   lost, until it listens again and has read the counter once more, since
//!   notifications sent in between are gone): every call reads the database.
//! - **Its own writes**: every write transaction of this store reads the counter just
//!   before it commits and raises the copy before the write returns
//!   ([`commit`]), so a request that follows a write through this process never sees
//!   the counter from before it.
//! - **Writes by other processes** are seen when their notification arrives (the
//!   listener then reads the counter again), and at most [`RECHECK`] later even if a
//!   notification is lost without the connection failing visibly: the counter is read
//!   again on that period, and a failed read makes every call read the database until
//!   one succeeds.
//!
//! The copy only ever goes up, and only to a value the database held after it was
//! committed, so a page kept under the value it had before its reads is never kept
//! under a newer value than the data it was made from.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use sqlx::{Postgres, Transaction};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::Result;

/// The channel of migration 4's notifications.
pub(super) const CHANNEL: &str = "amend_library_changes";
/// How often the counter is read again whatever the notifications say: the longest a
/// write by another process can go unseen when its notification is lost.
pub(super) const RECHECK: Duration = Duration::from_secs(1);
/// How long the listener waits before connecting again after a failure.
const RETRY: Duration = Duration::from_millis(200);

const READ_COUNTER: &str = "SELECT counter FROM library_changes WHERE id = 1";

/// The counter as this process knows it, and whether that copy may be trusted.
#[derive(Default)]
pub(super) struct Changes {
    counter: AtomicI64,
    /// `listening && !doubt`, kept in one flag for the per-request read.
    trusted: AtomicBool,
    state: Mutex<State>,
    /// Woken whenever the copy goes up (for [`Changes::wait_for`]).
    raised: Notify,
}

#[derive(Default)]
struct State {
    /// The listener listens and has read the counter since it (re)connected.
    listening: bool,
    /// The last periodic read failed.
    doubt: bool,
}

impl Changes {
    /// The counter, when the copy in memory may be used; `None` means read the
    /// database.
    pub(super) fn known(&self) -> Option<i64> {
        // Acquire pairs with the Release of `set`: a copy trusted after a re-read
        // holds at least the value read.
        self.trusted
            .load(Ordering::Acquire)
            .then(|| self.counter.load(Ordering::Acquire))
    }

    /// Raises the copy to a value read from the database (never lowers it).
    pub(super) fn raise(&self, counter: i64) {
        let before = self.counter.fetch_max(counter, Ordering::AcqRel);
        if counter > before {
            self.raised.notify_waiters();
        }
    }

    /// The copy, whether trusted or not.
    pub(super) fn seen(&self) -> i64 {
        self.counter.load(Ordering::Acquire)
    }

    pub(super) fn is_listening(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .listening
    }

    fn set(&self, change: impl FnOnce(&mut State)) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut state);
        self.trusted
            .store(state.listening && !state.doubt, Ordering::Release);
    }

    /// Reads the counter from the database and raises the copy to it.
    async fn reread(&self, pool: &PgPool) -> Result<i64> {
        let counter: i64 = sqlx::query_scalar(READ_COUNTER).fetch_one(pool).await?;
        self.raise(counter);
        Ok(counter)
    }

    /// Waits until the copy reaches `at_least` or `within` has passed; whether it did.
    pub(super) async fn wait_for(&self, at_least: i64, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            // Registered before the check, so a raise between the two is not missed.
            let raised = self.raised.notified();
            if self.seen() >= at_least {
                return true;
            }
            if tokio::time::timeout_at(deadline, raised).await.is_err() {
                return self.seen() >= at_least;
            }
        }
    }
}

/// Commits a write transaction of the store, first reading the counter inside it (the
/// value this write's triggers left, or the newest committed one), and raises the copy
/// once the commit has succeeded.
pub(super) async fn commit(
    mut tx: Transaction<'static, Postgres>,
    changes: &Changes,
) -> Result<()> {
    let counter: i64 = sqlx::query_scalar(READ_COUNTER).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    changes.raise(counter);
    Ok(())
}

/// Starts the listener and the periodic re-read; both end when the pool is closed or
/// the handles are aborted.
pub(super) fn start(
    pool: &PgPool,
    changes: &std::sync::Arc<Changes>,
    recheck: Duration,
) -> [JoinHandle<()>; 2] {
    [
        tokio::spawn(listen(pool.clone(), changes.clone())),
        tokio::spawn(recheck_every(pool.clone(), changes.clone(), recheck)),
    ]
}

async fn listen(pool: PgPool, changes: std::sync::Arc<Changes>) {
    while !pool.is_closed() {
        if let Err(e) = listen_once(&pool, &changes).await {
            changes.set(|s| s.listening = false);
            if matches!(e, crate::StoreError::Database(sqlx::Error::PoolClosed)) {
                return;
            }
            tokio::time::sleep(RETRY).await;
        }
    }
}

/// Listens until the connection fails with an error (returned); a lost connection that
/// the listener re-establishes by itself is handled here.
async fn listen_once(pool: &PgPool, changes: &Changes) -> Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // LISTEN is in force: a write committed from now on is notified, one committed
    // before is in this read.
    changes.reread(pool).await?;
    changes.set(|s| s.listening = true);
    loop {
        match listener.try_recv().await? {
            Some(_) => {
                // Several notifications may be waiting: one read answers them all.
                while listener.next_buffered().is_some() {}
                changes.reread(pool).await?;
            }
            None => {
                // The connection was lost and is listening again (the listener
                // reconnects before it says so); what was sent in between is lost.
                changes.set(|s| s.listening = false);
                changes.reread(pool).await?;
                changes.set(|s| s.listening = true);
            }
        }
    }
}

async fn recheck_every(pool: PgPool, changes: std::sync::Arc<Changes>, period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if pool.is_closed() {
            return;
        }
        match changes.reread(&pool).await {
            Ok(_) => changes.set(|s| s.doubt = false),
            Err(_) => changes.set(|s| s.doubt = true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_is_used_only_while_listening_without_doubt() {
        let changes = Changes::default();
        changes.raise(5);
        assert_eq!(changes.known(), None, "before the listener has read it");
        changes.set(|s| s.listening = true);
        assert_eq!(changes.known(), Some(5));
        changes.set(|s| s.doubt = true);
        assert_eq!(changes.known(), None, "a failed re-read");
        changes.set(|s| s.doubt = false);
        assert_eq!(changes.known(), Some(5));
        changes.set(|s| s.listening = false);
        assert_eq!(changes.known(), None, "the connection lost");
    }

    #[test]
    fn the_copy_never_goes_down() {
        let changes = Changes::default();
        changes.set(|s| s.listening = true);
        changes.raise(7);
        changes.raise(3);
        assert_eq!(changes.known(), Some(7));
    }

    #[test]
    fn a_wait_ends_when_the_copy_is_raised_or_at_its_deadline() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let changes = std::sync::Arc::new(Changes::default());
            assert!(changes.wait_for(0, Duration::ZERO).await);
            assert!(!changes.wait_for(1, Duration::from_millis(1)).await);
            let raiser = changes.clone();
            let task = tokio::spawn(async move { raiser.raise(4) });
            assert!(changes.wait_for(4, Duration::from_secs(60)).await);
            task.await.unwrap();
        });
    }
}
