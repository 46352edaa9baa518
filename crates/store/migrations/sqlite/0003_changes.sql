-- The library's change counter: one row whose counter goes up in the same transaction
-- as any write to what pages show or to who may see it (documents and what is read
-- from them, users, groups and memberships). A server keeps rendered pages together
-- with the counter they were made at and uses one only while the counter is unchanged,
-- so a write through any server or process (a member removed, a document added)
-- retires every page made before it. Sessions, login failures, comments,
-- consultations and the audit log are left out: they change often and no cached page
-- shows them (a request's session is looked up on every request).
-- SQLite dialect; migrations/postgres/0003_changes.sql has the same table.
CREATE TABLE library_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter INTEGER NOT NULL
);
INSERT INTO library_changes (id, counter) VALUES (1, 0);

-- SQLite triggers fire per row; an import writes a handful of rows in these tables.
CREATE TRIGGER documents_insert_counted AFTER INSERT ON documents
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER documents_update_counted AFTER UPDATE ON documents
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER documents_delete_counted AFTER DELETE ON documents
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER instruments_insert_counted AFTER INSERT ON instruments
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER instruments_update_counted AFTER UPDATE ON instruments
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER instruments_delete_counted AFTER DELETE ON instruments
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER versions_insert_counted AFTER INSERT ON versions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER versions_update_counted AFTER UPDATE ON versions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER versions_delete_counted AFTER DELETE ON versions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER contributions_insert_counted AFTER INSERT ON contributions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER contributions_update_counted AFTER UPDATE ON contributions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER contributions_delete_counted AFTER DELETE ON contributions
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER proposals_insert_counted AFTER INSERT ON proposals
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER proposals_update_counted AFTER UPDATE ON proposals
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER proposals_delete_counted AFTER DELETE ON proposals
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER users_insert_counted AFTER INSERT ON users
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER users_update_counted AFTER UPDATE ON users
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER users_delete_counted AFTER DELETE ON users
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER groups_insert_counted AFTER INSERT ON groups
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER groups_update_counted AFTER UPDATE ON groups
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER groups_delete_counted AFTER DELETE ON groups
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER group_members_insert_counted AFTER INSERT ON group_members
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER group_members_update_counted AFTER UPDATE ON group_members
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER group_members_delete_counted AFTER DELETE ON group_members
    BEGIN UPDATE library_changes SET counter = counter + 1 WHERE id = 1; END;
