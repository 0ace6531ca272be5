//! The runner's own schema, `rsm`: every table, function and trigger in it
//! is written here, and one path brings a database's `rsm` to the version
//! this runner knows.
//!
//! Two ladders of numbered steps, recorded in `rsm.versions`:
//! - [`Ladder::Database`], in every database the runner manages (tenants,
//!   templates, the master): the stamp and the history;
//! - [`Ladder::Master`], in the master only: its identity, its records of
//!   what it made, the run ledger.
//!
//! Step 1 of each takes over what runners before versioning left (tables
//! made `IF NOT EXISTS`, columns added `IF NOT EXISTS`); every later step is
//! plain DDL that runs once. A database whose `rsm` is newer than this runner
//! knows is refused (SQLSTATE `RSM01`), never written with an older shape.
//!
//! The DDL journal is not a ladder: only a superuser may make its event
//! triggers, and it is repaired whenever it stops working; its DDL is here
//! ([`journal_ddl`]), its use in [`crate::bookkeeping::journal`].

use sqlx::{Executor, PgConnection};

/// A sequence of schema steps the runner keeps in a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ladder {
    Database,
    Master,
}

impl Ladder {
    fn name(self) -> &'static str {
        match self {
            Ladder::Database => "database",
            Ladder::Master => "master",
        }
    }

    /// Its steps; step `n` is at index `n - 1`.
    fn steps(self) -> &'static [&'static str] {
        match self {
            Ladder::Database => DATABASE_STEPS,
            Ladder::Master => MASTER_STEPS,
        }
    }

    /// The version this runner brings databases to.
    pub fn latest(self) -> i32 {
        self.steps().len() as i32
    }
}

const DATABASE_STEPS: &[&str] = &[
    // 1: the stamp (columns added by runners over time) and the history.
    "CREATE TABLE IF NOT EXISTS rsm.stamp (
    fingerprint text NOT NULL,
    stamped_at timestamptz NOT NULL DEFAULT now(),
    protected boolean NOT NULL DEFAULT false
);
ALTER TABLE rsm.stamp
    ADD COLUMN IF NOT EXISTS master_id text,
    ADD COLUMN IF NOT EXISTS seeded_rows bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS catalog text,
    ADD COLUMN IF NOT EXISTS journal_seen bigint,
    ADD COLUMN IF NOT EXISTS journal_token text;
CREATE TABLE IF NOT EXISTS rsm.history (
    id bigserial PRIMARY KEY,
    run_id text,
    applied_at timestamptz NOT NULL DEFAULT now(),
    fingerprint_before text NOT NULL,
    fingerprint_after text NOT NULL,
    statements text NOT NULL,
    data_migrations text[] NOT NULL DEFAULT '{}',
    duration_ms bigint NOT NULL,
    runner_version text NOT NULL
);",
];

const MASTER_STEPS: &[&str] = &[
    // 1: identity, records and the run ledger (`adopted` came later than the rest).
    "CREATE TABLE IF NOT EXISTS rsm.identity (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    master_id text NOT NULL CHECK (master_id ~ '^[0-9a-f]{32}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Made by other tools and adopted: its privileges are the application's.
ALTER TABLE rsm.identity ADD COLUMN IF NOT EXISTS adopted boolean NOT NULL DEFAULT false;
CREATE TABLE IF NOT EXISTS rsm.databases (
    name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('tenant', 'template')),
    state text NOT NULL CHECK (state IN ('creating', 'ready', 'dropping')),
    slug text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Made by other tools, taken over by `migrate`: owned by another role,
-- proven by this record and the master's id in its stamp.
ALTER TABLE rsm.databases ADD COLUMN IF NOT EXISTS adopted boolean NOT NULL DEFAULT false;
CREATE TABLE IF NOT EXISTS rsm.runs (
    id text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    master_fingerprint text NOT NULL,
    tenant_fingerprint text NOT NULL,
    options jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'finished', 'stopped'))
);
CREATE TABLE IF NOT EXISTS rsm.run_databases (
    run_id text NOT NULL REFERENCES rsm.runs (id) ON DELETE CASCADE,
    database text NOT NULL,
    outcome text NOT NULL,
    detail text,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, database)
);
-- Which data migrations ran in which database: kept here as well as in the
-- database's own history, so that a database restored without its `rsm`
-- schema never runs one again.
CREATE TABLE IF NOT EXISTS rsm.data_migrations (
    database text NOT NULL,
    name text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (database, name)
);",
    // 2: the servers tenants live on, and each database's server (NULL: the
    // master's own). URLs are kept without a password (see `crate::server`).
    "CREATE TABLE rsm.servers (
    -- Short: it ends the names of the templates made on it.
    name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,19}$'),
    -- NULL for `default`, the master's own server, reached as the runner is.
    url text CHECK (url IS NULL OR url !~ '^[^?]*://[^/?@]*:[^/?@]*@'),
    -- pg_control_system(), when readable: one server is never added twice.
    system_identifier text UNIQUE,
    capacity integer CHECK (capacity > 0),
    draining boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((name = 'default') = (url IS NULL))
);
ALTER TABLE rsm.databases ADD COLUMN server text REFERENCES rsm.servers (name);",
    // 3: spares (the warm pool: clones of the template with a login role,
    // waiting for a tenant's name), and the tenant a spare is being renamed to.
    "ALTER TABLE rsm.databases DROP CONSTRAINT databases_kind_check,
    ADD CONSTRAINT databases_kind_check CHECK (kind IN ('tenant', 'template', 'spare'));
ALTER TABLE rsm.databases DROP CONSTRAINT databases_state_check,
    ADD CONSTRAINT databases_state_check CHECK (state IN ('creating', 'ready', 'dropping', 'claimed'));
ALTER TABLE rsm.databases ADD COLUMN claimed_for text;",
    // 4: moves between servers. While a tenant moves (`moving`: `server` is
    // still the source) or after its switch (`moved`: `server` is the
    // target), `copy_on` names the server of its other copy (being made, or
    // left to drop; `default` is the master's), and `connection_limit_before`
    // the database's limit before it was kept out (restored on whichever copy
    // stays).
    "ALTER TABLE rsm.databases DROP CONSTRAINT databases_state_check,
    ADD CONSTRAINT databases_state_check
        CHECK (state IN ('creating', 'ready', 'dropping', 'claimed', 'moving', 'moved'));
ALTER TABLE rsm.databases ADD COLUMN copy_on text, ADD COLUMN connection_limit_before integer,
    ADD CHECK ((state IN ('moving', 'moved')) = (copy_on IS NOT NULL));",
    // 5: a template's mark (`oid:xmin` of its `pg_database` row, taken while
    // it refuses connections) when a clone of it was found faithful: while
    // the mark holds, its clones need no catalog hash (`crate::template`).
    "ALTER TABLE rsm.databases ADD COLUMN verified_mark text;",
    // 6: what every create reads without reading every record (each create
    // would cost more the larger the fleet): the highest tenant number
    // allocated for each prefix, where the next create starts looking
    // (`crate::tenant` allocation), and the unfinished records, which the
    // master is opened looking for.
    "CREATE TABLE rsm.allocation (
    prefix text PRIMARY KEY,
    highest bigint NOT NULL CHECK (highest >= 0)
);
CREATE INDEX databases_unfinished ON rsm.databases (created_at, name) WHERE state <> 'ready';",
];

/// SQL for the version of `ladder` in the connected database: 0 when `rsm`
/// was made before versions were recorded (or not at all). Needs
/// `rsm.versions` to exist: see [`VERSIONS_EXIST`].
pub(crate) fn version_sql(ladder: Ladder) -> String {
    format!(
        "(SELECT coalesce(max(version), 0) FROM rsm.versions WHERE ladder = '{}')",
        ladder.name()
    )
}

/// SQL: whether `rsm.versions` exists.
pub(crate) const VERSIONS_EXIST: &str = "(to_regclass('rsm.versions') IS NOT NULL)";

/// The version of `ladder` in the connected database (0: none recorded).
pub async fn version(conn: &mut PgConnection, ladder: Ladder) -> Result<i32, sqlx::Error> {
    let exists: bool = sqlx::query_scalar(&format!("SELECT {VERSIONS_EXIST}"))
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(0);
    }
    sqlx::query_scalar(&format!("SELECT {}", version_sql(ladder)))
        .fetch_one(conn)
        .await
}

/// Bring `ladder` to [`Ladder::latest`] in the connected database. Nothing
/// is run when it is there already (even a no-op `IF NOT EXISTS` is DDL, and
/// would leave a row in the database's journal).
pub async fn upgrade(conn: &mut PgConnection, ladder: Ladder) -> Result<(), sqlx::Error> {
    let at = version(conn, ladder).await?;
    upgrade_from(conn, ladder, at).await
}

/// [`upgrade`], knowing the version read (under no lock: the upgrade reads it
/// again under its own).
pub(crate) async fn upgrade_from(
    conn: &mut PgConnection,
    ladder: Ladder,
    at: i32,
) -> Result<(), sqlx::Error> {
    if at == ladder.latest() {
        return Ok(());
    }
    conn.execute(upgrade_sql(ladder).as_str()).await.map(|_| ())
}

/// One `DO` statement: atomic on its own, or part of the caller's
/// transaction, so that a schema change and the rows it was made for commit
/// together. Concurrent upgrades of one database wait on a transaction-level
/// advisory lock and read the version again after it.
fn upgrade_sql(ladder: Ladder) -> String {
    let latest = ladder.latest();
    let lock = crate::bookkeeping::lock::LockKey::rsm_upgrade(ladder.name());
    let mut steps = String::new();
    for (i, sql) in ladder.steps().iter().enumerate() {
        steps.push_str(&format!(
            "    IF at < {n} THEN\n{sql}\n    END IF;\n",
            n = i + 1
        ));
    }
    format!(
        "DO $rsm_upgrade$
DECLARE
    at integer;
BEGIN
    PERFORM pg_advisory_xact_lock({key});
    CREATE SCHEMA IF NOT EXISTS rsm;
    CREATE TABLE IF NOT EXISTS rsm.versions (
        ladder text PRIMARY KEY,
        version integer NOT NULL,
        upgraded_at timestamptz NOT NULL DEFAULT now()
    );
    SELECT coalesce(max(version), 0) INTO at FROM rsm.versions WHERE ladder = '{name}';
    IF at > {latest} THEN
        RAISE EXCEPTION USING ERRCODE = 'RSM01',
            MESSAGE = format('the runner''s schema (rsm, %s) here is at version %s, newer than this runner knows (%s)', '{name}', at, {latest}),
            HINT = 'use the runner that upgraded it (or a newer one)';
    END IF;
{steps}    INSERT INTO rsm.versions AS v (ladder, version) VALUES ('{name}', {latest})
        ON CONFLICT (ladder) DO UPDATE SET version = excluded.version, upgraded_at = now();
END $rsm_upgrade$",
        key = lock.value(),
        name = ladder.name(),
    )
}

/// The bodies of the DDL journal's three event-trigger functions: what
/// [`crate::bookkeeping::journal::working_sql`] compares `pg_proc.prosrc`
/// with, so that a function replaced by a no-op stops the journal from
/// vouching for anything.
pub(crate) const NOTE_DDL_BODY: &str = "
DECLARE
    tags text;
BEGIN
    IF tg_tag LIKE 'DROP %' THEN
        RETURN; -- drops are noted by rsm.note_drop, which sees what they drop
    END IF;
    SELECT string_agg(c.command_tag, ', ') INTO tags
      FROM pg_event_trigger_ddl_commands() c
     WHERE c.schema_name IS NULL OR c.schema_name NOT LIKE 'pg_temp%';
    IF tags IS NULL AND EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()) THEN
        RETURN; -- temporary objects only
    END IF;
    INSERT INTO rsm.ddl_journal (command) VALUES (coalesce(tags, tg_tag));
END ";
pub(crate) const NOTE_DROP_BODY: &str = "
BEGIN
    IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d WHERE NOT d.is_temporary) THEN
        INSERT INTO rsm.ddl_journal (command) VALUES (tg_tag);
    END IF;
END ";
/// Run before each command of [`NOTE_START_TAGS`], while the functions and
/// the journal are still as they were: a journal function replaced or
/// altered, or a trigger or rule put on the journal's table, leaves its row
/// even when what it installs notes nothing after (the functions' row
/// versions need not be read, see [`crate::bookkeeping::journal::TOKEN_SQL`]).
/// It cannot tell a temporary object's command from another's before it
/// runs: a temporary function costs one catalog read, no more.
pub(crate) const NOTE_START_BODY: &str = "
BEGIN
    INSERT INTO rsm.ddl_journal (command) VALUES (tg_tag || ' (before)');
END ";
/// The commands noted before they run ([`NOTE_START_BODY`]).
pub(crate) const NOTE_START_TAGS: &str =
    "'CREATE FUNCTION', 'ALTER FUNCTION', 'ALTER ROUTINE', 'CREATE TRIGGER', 'CREATE RULE'";

/// The DDL journal: its table, its functions (written again, which repairs
/// replaced ones; the start trigger notes that, and the verification that
/// installs the journal empties it after) and its event triggers (made when
/// missing, enabled). Superuser only.
pub(crate) fn journal_ddl() -> String {
    format!(
        "CREATE SCHEMA IF NOT EXISTS rsm;
CREATE TABLE IF NOT EXISTS rsm.ddl_journal (
    at timestamptz NOT NULL DEFAULT now(),
    command text,
    -- The transaction of the DDL: a migration clears its own rows only.
    txid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE OR REPLACE FUNCTION rsm.note_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $rsm${NOTE_DDL_BODY}$rsm$;
CREATE OR REPLACE FUNCTION rsm.note_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $rsm${NOTE_DROP_BODY}$rsm$;
CREATE OR REPLACE FUNCTION rsm.note_start() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $rsm${NOTE_START_BODY}$rsm$;
REVOKE ALL ON FUNCTION rsm.note_ddl() FROM PUBLIC;
REVOKE ALL ON FUNCTION rsm.note_drop() FROM PUBLIC;
REVOKE ALL ON FUNCTION rsm.note_start() FROM PUBLIC;
DO $rsm$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'rsm_note_ddl') THEN
        CREATE EVENT TRIGGER rsm_note_ddl ON ddl_command_end EXECUTE FUNCTION rsm.note_ddl();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'rsm_note_drop') THEN
        CREATE EVENT TRIGGER rsm_note_drop ON sql_drop EXECUTE FUNCTION rsm.note_drop();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'rsm_note_start') THEN
        CREATE EVENT TRIGGER rsm_note_start ON ddl_command_start WHEN TAG IN ({NOTE_START_TAGS})
            EXECUTE FUNCTION rsm.note_start();
    END IF;
END $rsm$;
ALTER EVENT TRIGGER rsm_note_ddl ENABLE;
ALTER EVENT TRIGGER rsm_note_drop ENABLE;
ALTER EVENT TRIGGER rsm_note_start ENABLE;"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step is SQL run inside the upgrade's `DO` block: it may not use the
    /// block's own quote, nor a `DO` of its own.
    #[test]
    fn steps_fit_in_the_upgrade_block() {
        for ladder in [Ladder::Database, Ladder::Master] {
            for step in ladder.steps() {
                assert!(!step.contains("$rsm_upgrade$"));
                assert!(!step.to_ascii_uppercase().contains("DO $"));
            }
        }
    }
}
