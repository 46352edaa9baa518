//! Who sees what and who may write what, on every backend: a document restricted
//! to CWG-Internet is invisible to everyone outside it in every read; writes check the
//! stored role and are audited; sessions expire; failed logins are counted.

mod backends;

use std::sync::Arc;

use backends::{TestStore, each_backend};

use amend_store::*;

const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");

/// A restricted text that mentions Resolution 75 and a source of its own, so that
/// citations, facets and instrument counts could leak it.
const SECRET: &str = "RESOLUTION 75 (Rev. Hammamet, 2016)\n\
Secret revision of the WSIS resolution\n\
(Johannesburg, 2008; Dubai, 2012; Hammamet, 2016)\n\
The World Telecommunication Standardization Assembly (Hammamet, 2016),\n\
considering\n\
a)\tthat the zebrafish consultation is confidential, see Resolution 140 (Rev. Busan, 2014);\n\
resolves\n\
1\tto keep the zebrafish note among Member States.\n";

fn read(name: &str, text: &str) -> NewDocument {
    let doc = amend_text::read_plain(text, &Default::default());
    prepare(name, "text", text.as_bytes(), text, &doc)
}

struct World {
    store: Arc<TestStore>,
    secretariat: User,
    member: User,
    sector: User,
    observer: User,
    cwg: i64,
    public_doc: i64,
    secret_doc: i64,
}

async fn world(store: Arc<TestStore>) -> World {
    let system = Actor::system("test");
    let mut users = Vec::new();
    for (name, role) in [
        ("sec", Role::Secretariat),
        ("ms", Role::MemberState),
        ("sm", Role::SectorMember),
        ("obs", Role::Observer),
    ] {
        let id = store
            .create_user(
                &system,
                NewUser {
                    username: name.into(),
                    display_name: name.into(),
                    role,
                    password_hash: "$argon2id$placeholder".into(),
                },
            )
            .await
            .unwrap();
        users.push(store.user(id).await.unwrap().unwrap());
    }
    let groups = store.groups().await.unwrap();
    let cwg = groups.iter().find(|g| g.slug == "cwg-internet").unwrap();
    assert_eq!(cwg.eligible_roles, vec![Role::MemberState]);
    let wsis = groups.iter().find(|g| g.slug == "wg-wsis").unwrap();
    assert!(wsis.admits(Role::SectorMember) && wsis.admits(Role::MemberState));
    store
        .add_member(&system, cwg.id, users[1].id)
        .await
        .unwrap();
    store
        .add_member(&system, wsis.id, users[2].id)
        .await
        .unwrap();
    // The membership rule: a Sector Member delegate cannot join CWG-Internet.
    let refused = store.add_member(&system, cwg.id, users[2].id).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    let public_doc = store.import(read("res75.txt", BASE)).await.unwrap().id();
    let mut secret = read("secret.txt", SECRET);
    secret.restricted_to = Some(cwg.id);
    secret.actor = Actor::user(&users[1], Some("127.0.0.9".into()), now());
    let secret_doc = store.import(secret).await.unwrap().id();
    let [secretariat, member, sector, observer]: [User; 4] = users.try_into().unwrap();
    World {
        cwg: cwg.id,
        store,
        secretariat,
        member,
        sector,
        observer,
        public_doc,
        secret_doc,
    }
}

#[test]
fn a_restricted_document_reaches_nobody_outside_its_group() {
    each_backend("matrix", |store| async move {
        let w = world(store).await;
        let s = &w.store;
        let key = InstrumentKey::new("WTSA", "resolution", "75");
        let insiders = [
            Viewer::System,
            Viewer::User(w.secretariat.id),
            Viewer::User(w.member.id),
        ];
        let outsiders = [
            Viewer::Anonymous,
            Viewer::User(w.sector.id),
            Viewer::User(w.observer.id),
            Viewer::User(9999),
        ];
        for (viewer, inside) in insiders
            .iter()
            .map(|v| (*v, true))
            .chain(outsiders.iter().map(|v| (*v, false)))
        {
            let sees = |b: bool| if inside { b } else { !b };
            let docs = s.documents(viewer).await.unwrap();
            assert!(
                sees(docs.iter().any(|d| d.id == w.secret_doc)),
                "{viewer:?}"
            );
            assert!(docs.iter().any(|d| d.id == w.public_doc));
            assert!(sees(
                s.document(viewer, w.secret_doc).await.unwrap().is_some()
            ));
            assert!(sees(
                s.source_file(viewer, w.secret_doc).await.unwrap().is_some()
            ));
            assert!(sees(s.visible(viewer, w.secret_doc).await.unwrap()));
            let sha = sha256_hex(SECRET.as_bytes());
            assert!(sees(s.find_by_hash(viewer, &sha).await.unwrap().is_some()));
            assert_eq!(
                s.stats(viewer).await.unwrap().documents,
                if inside { 2 } else { 1 }
            );
            // Search: neither hit nor snippet; facets carry none of its values.
            let hits = s
                .search(viewer, &SearchQuery::new("zebrafish"))
                .await
                .unwrap();
            assert!(sees(!hits.is_empty()), "{viewer:?}: {hits:?}");
            let all = s
                .search(viewer, &SearchQuery::new("Resolution"))
                .await
                .unwrap();
            assert!(sees(all.iter().any(|h| h.document_id == w.secret_doc)));
            let meetings = s.facets(viewer).await.unwrap().meetings;
            assert!(
                sees(meetings.iter().any(|m| m.contains("Hammamet"))),
                "{meetings:?}"
            );
            // The instrument: its versions, counts, title and citations.
            let i = s.find_instrument(viewer, &key).await.unwrap().unwrap();
            assert_eq!(i.versions, if inside { 2 } else { 1 });
            let detail = s.instrument(viewer, i.id).await.unwrap().unwrap();
            assert!(sees(
                detail
                    .versions
                    .iter()
                    .any(|v| v.document_id == w.secret_doc)
            ));
            assert!(sees(
                detail
                    .summary
                    .title
                    .as_deref()
                    .unwrap_or("")
                    .contains("Secret")
            ));
            let versions = s.versions(viewer).await.unwrap();
            assert!(sees(versions.iter().any(|v| v.document_id == w.secret_doc)));
            let secret_version = s
                .versions(Viewer::System)
                .await
                .unwrap()
                .into_iter()
                .find(|v| v.document_id == w.secret_doc)
                .unwrap();
            assert!(sees(
                s.version(viewer, secret_version.id)
                    .await
                    .unwrap()
                    .is_some()
            ));
            // No citation record of the restricted document.
            assert!(
                inside
                    || detail
                        .cited_by
                        .iter()
                        .all(|c| c.document_id != w.secret_doc)
            );
        }
        assert_eq!(s.stats(Viewer::Anonymous).await.unwrap().versions, 1);
    });
}

#[test]
fn writes_need_the_role_and_are_audited() {
    each_backend("writes", |store| async move {
        let w = world(store).await;
        let s = &w.store;
        let at = now();
        let actor = |u: &User| Actor::user(u, Some("192.0.2.1".into()), at);
        let comment = |doc: i64, body: &str| NewComment {
            document_id: doc,
            item: String::new(),
            parent_id: None,
            body: body.into(),
        };

        // Comments: delegates and the secretariat; only on documents they see.
        let c1 = s
            .add_comment(&actor(&w.member), comment(w.secret_doc, "inside"))
            .await
            .unwrap();
        let refused = s
            .add_comment(&actor(&w.sector), comment(w.secret_doc, "outside"))
            .await;
        assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
        let refused = s
            .add_comment(&actor(&w.observer), comment(w.public_doc, "observer"))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Forbidden(_))),
            "{refused:?}"
        );
        let refused = s
            .add_comment(&Actor::anonymous(None, at), comment(w.public_doc, "anon"))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Forbidden(_))),
            "{refused:?}"
        );
        let mut reply = comment(w.secret_doc, "answer");
        reply.parent_id = Some(c1);
        s.add_comment(&actor(&w.secretariat), reply).await.unwrap();
        let mut wrong = comment(w.public_doc, "answer elsewhere");
        wrong.parent_id = Some(c1);
        assert!(s.add_comment(&actor(&w.member), wrong).await.is_err());
        assert_eq!(
            s.comments(Viewer::User(w.member.id), w.secret_doc)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            s.comments(Viewer::User(w.sector.id), w.secret_doc)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.comments(Viewer::Anonymous, w.secret_doc)
                .await
                .unwrap()
                .is_empty()
        );

        // Imports: observers may not; nobody restricts to a group they are outside of.
        let mut doc = read("obs.txt", "A note from an observer\nText.\n");
        doc.actor = actor(&w.observer);
        assert!(matches!(s.import(doc).await, Err(StoreError::Forbidden(_))));
        let mut doc = read("sm.txt", "A note from a Sector Member\nText.\n");
        doc.actor = actor(&w.sector);
        doc.restricted_to = Some(w.cwg);
        assert!(matches!(s.import(doc).await, Err(StoreError::Forbidden(_))));

        // Managing: the secretariat only.
        let new_user = NewUser {
            username: "x".into(),
            display_name: "X".into(),
            role: Role::Observer,
            password_hash: "h".into(),
        };
        assert!(matches!(
            s.create_user(&actor(&w.member), new_user.clone()).await,
            Err(StoreError::Forbidden(_))
        ));
        let x = s
            .create_user(&actor(&w.secretariat), new_user.clone())
            .await
            .unwrap();
        assert!(matches!(
            s.create_user(&actor(&w.secretariat), new_user).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            s.add_member(&actor(&w.member), w.cwg, w.member.id)
                .await
                .is_err()
        );

        // Consultations: the secretariat opens; anyone registered answers before the
        // deadline; answers are published after it.
        let k = NewConsultation {
            title: "Internet consultation".into(),
            question: "What next?".into(),
            deadline: at + 3600,
            restricted_to: None,
        };
        assert!(
            s.open_consultation(&actor(&w.member), k.clone())
                .await
                .is_err()
        );
        let kid = s
            .open_consultation(&actor(&w.secretariat), k)
            .await
            .unwrap();
        s.submit(&actor(&w.observer), kid, "observer view")
            .await
            .unwrap();
        s.submit(&actor(&w.sector), kid, "sector view")
            .await
            .unwrap();
        assert!(
            s.submit(&Actor::anonymous(None, at), kid, "anon")
                .await
                .is_err()
        );
        let mine = s
            .submissions(Viewer::User(w.sector.id), kid, at)
            .await
            .unwrap();
        assert_eq!(
            mine.len(),
            1,
            "before the deadline each sees only their own"
        );
        assert_eq!(mine[0].body, "sector view");
        assert!(
            s.submissions(Viewer::Anonymous, kid, at)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.submissions(Viewer::User(w.secretariat.id), kid, at)
                .await
                .unwrap()
                .len(),
            2
        );
        let later = at + 7200;
        assert_eq!(
            s.submissions(Viewer::Anonymous, kid, later)
                .await
                .unwrap()
                .len(),
            2
        );
        let mut late = actor(&w.member);
        late.at = later;
        assert!(matches!(
            s.submit(&late, kid, "late").await,
            Err(StoreError::Conflict(_))
        ));
        // A consultation restricted to CWG-Internet is invisible to others.
        let restricted = NewConsultation {
            title: "Members only".into(),
            question: "?".into(),
            deadline: at + 3600,
            restricted_to: Some(w.cwg),
        };
        let rid = s
            .open_consultation(&actor(&w.secretariat), restricted)
            .await
            .unwrap();
        assert!(
            s.consultation(Viewer::User(w.sector.id), rid)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            s.consultation(Viewer::User(w.member.id), rid)
                .await
                .unwrap()
                .is_some()
        );
        assert!(matches!(
            s.submit(&actor(&w.sector), rid, "no").await,
            Err(StoreError::NotFound)
        ));

        // The audit log: who did what.
        let log = s.audit_log(100).await.unwrap();
        let has = |who: &str, action: &str, target: &str| {
            log.iter()
                .any(|e| e.username == who && e.action == action && e.target == target)
        };
        assert!(
            has("ms", "import", &format!("document:{}", w.secret_doc)),
            "{log:#?}"
        );
        assert!(has("ms", "comment", &format!("document:{}", w.secret_doc)));
        assert!(has("sec", "user.create", &format!("user:{x}")));
        assert!(has(
            "sec",
            "consultation.open",
            &format!("consultation:{kid}")
        ));
        assert!(has(
            "sm",
            "consultation.submit",
            &format!("consultation:{kid}")
        ));
        assert!(has("system: test", "group.add", "group:cwg-internet"));
        assert!(log.iter().all(|e| e.at > 0));
        // Refused writes wrote nothing.
        assert!(
            !log.iter()
                .any(|e| e.username == "obs" && e.action == "comment")
        );
    });
}

#[test]
fn sessions_expire_and_failed_logins_are_counted() {
    each_backend("sessions", |store| async move {
        let w = world(store).await;
        let s = &w.store;
        let at = now();
        let actor = Actor::user(&w.member, Some("198.51.100.7".into()), at);
        s.create_session(
            &actor,
            NewSession {
                token_hash: "h1".into(),
                user_id: w.member.id,
                csrf_token: "c1".into(),
                expires_at: at + 60,
            },
        )
        .await
        .unwrap();
        let live = s.session("h1", at).await.unwrap().unwrap();
        assert_eq!(live.user.id, w.member.id);
        assert_eq!(live.csrf_token, "c1");
        assert!(s.session("h1", at + 61).await.unwrap().is_none(), "expired");
        assert!(s.session("other", at).await.unwrap().is_none());
        s.delete_session(&actor, "h1").await.unwrap();
        assert!(s.session("h1", at).await.unwrap().is_none());
        // A new password ends the user's sessions.
        s.create_session(
            &actor,
            NewSession {
                token_hash: "h2".into(),
                user_id: w.member.id,
                csrf_token: "c2".into(),
                expires_at: at + 60,
            },
        )
        .await
        .unwrap();
        s.set_password(&actor, w.member.id, "new").await.unwrap();
        assert!(s.session("h2", at).await.unwrap().is_none());
        assert_eq!(
            s.credentials("ms").await.unwrap().unwrap().password_hash,
            "new"
        );

        let anon = Actor::anonymous(Some("203.0.113.5".into()), at);
        for _ in 0..3 {
            s.record_login_failure(&anon, "ms").await.unwrap();
        }
        s.record_login_failure(&anon, "sm").await.unwrap();
        let f = s
            .login_failures("ms", "203.0.113.5", at - 10)
            .await
            .unwrap();
        assert_eq!((f.for_username, f.from_address), (3, 4));
        let f = s
            .login_failures("ms", "203.0.113.5", at + 10)
            .await
            .unwrap();
        assert_eq!(
            (f.for_username, f.from_address),
            (0, 0),
            "outside the window"
        );
        s.clear_login_failures("ms").await.unwrap();
        let f = s
            .login_failures("ms", "203.0.113.5", at - 10)
            .await
            .unwrap();
        assert_eq!((f.for_username, f.from_address), (0, 1));
        let log = s.audit_log(50).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "login" && e.username == "ms")
        );
        assert!(
            log.iter()
                .any(|e| e.action == "logout" && e.username == "ms")
        );
        assert!(log.iter().any(|e| e.action == "login.failed"
            && e.target == "username:ms"
            && e.address.as_deref() == Some("203.0.113.5")));
    });
}

/// The change counter moves with every write that changes what a page shows or who
/// sees it, whoever writes (another store on the same database stands for another
/// server), and stays put for sessions, comments and reads.
#[test]
fn the_change_counter_moves_with_every_write_that_changes_who_sees_what() {
    each_backend("changes", |store| async move {
        let w = world(store).await;
        let s = &w.store;
        let system = Actor::system("test");
        let other = s.reopen().await;
        let start = s.change_counter().await.unwrap();
        assert_eq!(other.change_counter().await.unwrap(), start);

        // Reads, sessions and comments leave it.
        s.visible(Viewer::User(w.member.id), w.secret_doc)
            .await
            .unwrap();
        s.create_session(
            &Actor::user(&w.member, None, now()),
            NewSession {
                token_hash: sha256_hex(b"counter-test"),
                user_id: w.member.id,
                csrf_token: "t".into(),
                expires_at: now() + 60,
            },
        )
        .await
        .unwrap();
        s.add_comment(
            &Actor::user(&w.member, None, now()),
            NewComment {
                document_id: w.public_doc,
                item: "x".into(),
                parent_id: None,
                body: "a comment".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(s.change_counter().await.unwrap(), start);

        // A membership removed through the other store: the writer sees the move at
        // once, the first store when it hears of it (on PostgreSQL, the write's
        // notification; every SQLite call reads the file).
        other
            .remove_member(&system, w.cwg, w.member.id)
            .await
            .unwrap();
        let after_removal = other.change_counter().await.unwrap();
        assert!(after_removal > start, "{start} -> {after_removal}");
        assert!(
            s.sees_counter(after_removal).await,
            "the other store's write is never seen"
        );
        assert_eq!(s.change_counter().await.unwrap(), after_removal);
        s.add_member(&system, w.cwg, w.member.id).await.unwrap();
        let after_adding = s.change_counter().await.unwrap();
        assert!(after_adding > after_removal);
        assert!(other.sees_counter(after_adding).await);

        // An import, a new user, a new password.
        s.import(read("another.txt", &BASE.replace("Dubai", "Geneva")))
            .await
            .unwrap();
        let after_import = s.change_counter().await.unwrap();
        assert!(after_import > after_adding);
        let id = s
            .create_user(
                &system,
                NewUser {
                    username: "new".into(),
                    display_name: "new".into(),
                    role: Role::Observer,
                    password_hash: "$argon2id$placeholder".into(),
                },
            )
            .await
            .unwrap();
        let after_user = s.change_counter().await.unwrap();
        assert!(after_user > after_import);
        s.set_password(&system, id, "$argon2id$other")
            .await
            .unwrap();
        assert!(s.change_counter().await.unwrap() > after_user);
        other.close().await;
    });
}
