-- Every move of the change counter is also announced with NOTIFY on the channel
-- `amend_library_changes`, so a server keeps the counter in memory instead of reading
-- it on every request. PostgreSQL delivers a notification only after its transaction
-- has committed and is visible to new snapshots, and sends identical ones of one
-- transaction once. The payload names the schema of the written table (several
-- libraries may share one database, one per schema); a listener reads its own counter
-- again on any notification, so the payload is only informative.
-- The SQLite migration of the same number changes nothing: an SQLite store reads the
-- counter, a one-row read in its own process, on every request.
CREATE OR REPLACE FUNCTION library_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_changes SET counter = counter + 1 WHERE id = 1;
    PERFORM pg_notify('amend_library_changes', TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;
