//! Redlines computed once per pair of texts and kept in memory.
//!
//! Computing a redline (a diff, or recovering a flattened proposal against its base)
//! takes milliseconds; showing a computed one takes microseconds, and the same few
//! pairs are read by every delegate. The stored texts behind an id never change (the
//! store only adds documents), so a pair of references names one redline for the
//! life of the process. The cache is consulted only after the store has resolved both
//! texts for the request's viewer: it saves the computing, never the access check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::texts::{RedlineView, TextRef};

/// How many redlines are kept; past it the cache starts again (a few pages of HTML
/// each, so a full cache holds tens of megabytes at most).
const CAPACITY: usize = 1024;

#[derive(Default)]
pub(crate) struct RedlineCache {
    entries: Mutex<HashMap<(TextRef, TextRef), Arc<RedlineView>>>,
}

impl RedlineCache {
    pub(crate) fn get(&self, from: TextRef, to: TextRef) -> Option<Arc<RedlineView>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(&(from, to)).cloned()
    }

    pub(crate) fn insert(&self, from: TextRef, to: TextRef, view: Arc<RedlineView>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert((from, to), view);
    }
}
