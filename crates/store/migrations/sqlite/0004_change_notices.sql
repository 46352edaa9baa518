-- The PostgreSQL migration of this number makes every move of the change counter also
-- send a notification, so a server keeps the counter in memory. SQLite has no
-- notifications and needs none: the database is a file of this machine, and a store
-- reads the counter (one row) on every request. Nothing changes here; the migration
-- exists so that both backends apply the same list (crates/store/tests/in_step.rs).
SELECT 1;
