//! Redlines computed once per pair of texts, and the store's answer to "may this
//! viewer read this pair", kept in memory.
//!
//! Computing a redline (a diff, or recovering a flattened proposal against its base)
//! takes milliseconds; showing a computed one takes microseconds, and the same few
//! pairs are read by every delegate. The stored texts behind an id never change (the
//! store only adds documents), so a pair of references names one redline for the
//! life of the process: [`RedlineCache::view`].
//!
//! Who may read a pair is the store's decision, and it changes with writes (a member
//! removed from a group, a user disabled). A [`Grant`] records that the store resolved
//! both texts for one viewer, together with the store's change counter read *before*
//! those reads ([`amend_store::Store::change_counter`]); it is used only while the
//! counter still has that value, so a write retires it and the next request asks the
//! store again: at once on the server that wrote, and on the others once they have
//! heard of the write (on PostgreSQL the counter is kept in memory from notifications:
//! well under a millisecond on one machine, at most a second if one is lost; see
//! ARCHITECTURE.md). A grant for anonymous viewers also keeps the whole page, rendered
//! once, as the bytes every such request is sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use amend_store::Viewer;
use axum::body::Bytes;
use axum::http::HeaderValue;

use crate::texts::{RedlineView, TextRef};

/// How many redlines, and how many grants, are kept; past it the map starts again (a
/// few pages of HTML each, so a full cache holds tens of megabytes at most).
const CAPACITY: usize = 1024;

/// The store granted `view` to one viewer while its change counter was `counter`.
pub(crate) struct Grant {
    pub counter: i64,
    pub view: Arc<RedlineView>,
    /// The page as sent to this viewer, when it is the same for every request of the
    /// viewer (anonymous: no name, no CSRF token in it); made on first use.
    pub page: OnceLock<RenderedPage>,
}

/// A page's bytes and their entity tag (a hash of the bytes, so every server gives
/// the same page the same tag).
pub(crate) struct RenderedPage {
    pub body: Bytes,
    pub etag: HeaderValue,
}

impl RenderedPage {
    pub(crate) fn new(body: String) -> RenderedPage {
        let hash = amend_store::sha256_hex(body.as_bytes());
        let etag = HeaderValue::from_str(&format!("\"{}\"", &hash[..32]))
            .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
        RenderedPage {
            body: Bytes::from(body),
            etag,
        }
    }
}

type Pair = (TextRef, TextRef);

#[derive(Default)]
pub(crate) struct RedlineCache {
    views: Mutex<HashMap<Pair, Arc<RedlineView>>>,
    grants: Mutex<HashMap<(Pair, Viewer), Arc<Grant>>>,
}

impl RedlineCache {
    /// The computed redline of a pair, if any. Call only after the store has resolved
    /// both texts for the request's viewer.
    pub(crate) fn view(&self, from: TextRef, to: TextRef) -> Option<Arc<RedlineView>> {
        let views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        views.get(&(from, to)).cloned()
    }

    pub(crate) fn insert_view(&self, from: TextRef, to: TextRef, view: Arc<RedlineView>) {
        let mut views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        if views.len() >= CAPACITY {
            views.clear();
        }
        views.insert((from, to), view);
    }

    /// The grant of a pair to `viewer`, if the store made it at change counter
    /// `counter` (the value just read); a grant made at any other value is not used.
    pub(crate) fn grant(
        &self,
        viewer: Viewer,
        from: TextRef,
        to: TextRef,
        counter: i64,
    ) -> Option<Arc<Grant>> {
        let grants = self.grants.lock().unwrap_or_else(|e| e.into_inner());
        grants
            .get(&((from, to), viewer))
            .filter(|g| g.counter == counter)
            .cloned()
    }

    pub(crate) fn insert_grant(
        &self,
        viewer: Viewer,
        from: TextRef,
        to: TextRef,
        grant: Arc<Grant>,
    ) {
        let mut grants = self.grants.lock().unwrap_or_else(|e| e.into_inner());
        // Grants made before the newest counter can never be used again.
        let counter = grant.counter;
        grants.retain(|_, g| g.counter >= counter);
        if grants.len() >= CAPACITY {
            grants.clear();
        }
        grants.insert(((from, to), viewer), grant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Arc<RedlineView> {
        Arc::new(RedlineView {
            method: "diff",
            from: "version:1".into(),
            to: "proposal:2".into(),
            from_name: String::new(),
            to_name: String::new(),
            summary: Default::default(),
            html: String::new(),
            json: serde_json::Value::Null,
        })
    }

    fn grant(counter: i64) -> Arc<Grant> {
        Arc::new(Grant {
            counter,
            view: view(),
            page: OnceLock::new(),
        })
    }

    #[test]
    fn a_grant_is_used_only_at_its_counter_and_for_its_viewer() {
        let cache = RedlineCache::default();
        let (from, to) = (TextRef::Version(1), TextRef::Proposal(2));
        cache.insert_grant(Viewer::User(7), from, to, grant(5));
        assert!(cache.grant(Viewer::User(7), from, to, 5).is_some());
        // Another viewer, another pair, or any write since: asked again.
        assert!(cache.grant(Viewer::User(8), from, to, 5).is_none());
        assert!(cache.grant(Viewer::Anonymous, from, to, 5).is_none());
        assert!(cache.grant(Viewer::User(7), to, from, 5).is_none());
        assert!(cache.grant(Viewer::User(7), from, to, 6).is_none());
        // A grant at a newer counter retires the older ones.
        cache.insert_grant(Viewer::Anonymous, from, to, grant(6));
        assert!(cache.grant(Viewer::User(7), from, to, 5).is_none());
        assert!(cache.grant(Viewer::Anonymous, from, to, 6).is_some());
    }

    #[test]
    fn the_entity_tag_follows_the_bytes() {
        let a = RenderedPage::new("<p>a</p>".into());
        let b = RenderedPage::new("<p>b</p>".into());
        assert_eq!(a.etag, RenderedPage::new("<p>a</p>".into()).etag);
        assert_ne!(a.etag, b.etag);
        assert_eq!(a.etag.len(), 34);
        assert_eq!(&a.body[..], b"<p>a</p>");
    }
}
