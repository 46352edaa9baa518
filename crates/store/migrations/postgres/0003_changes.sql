-- The library's change counter: one row whose counter goes up in the same transaction
-- as any write to what pages show or to who may see it (documents and what is read
-- from them, users, groups and memberships). A server keeps rendered pages together
-- with the counter they were made at and uses one only while the counter is unchanged,
-- so a write through any server or process (a member removed, a document added)
-- retires every page made before it. Sessions, login failures, comments,
-- consultations and the audit log are left out: they change often and no cached page
-- shows them (a request's session is looked up on every request).
-- PostgreSQL dialect of migrations/sqlite/0003_changes.sql: the same table. The row is
-- updated, not a sequence advanced: a sequence moves before the write commits, so a
-- page could be made from the old data and kept under the new counter.
CREATE TABLE library_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO library_changes (id, counter) VALUES (1, 0);

CREATE FUNCTION library_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_changes SET counter = counter + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_counted AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER instruments_counted AFTER INSERT OR UPDATE OR DELETE ON instruments
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER versions_counted AFTER INSERT OR UPDATE OR DELETE ON versions
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER contributions_counted AFTER INSERT OR UPDATE OR DELETE ON contributions
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER proposals_counted AFTER INSERT OR UPDATE OR DELETE ON proposals
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER users_counted AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER groups_counted AFTER INSERT OR UPDATE OR DELETE ON groups
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
CREATE TRIGGER group_members_counted AFTER INSERT OR UPDATE OR DELETE ON group_members
    FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
