//! The DDL journal: an event trigger in each database the runner manages
//! adds a row to `rsm.ddl_journal`, in the transaction of every DDL
//! statement (DDL on temporary objects aside). When the runner verifies a
//! database it records the catalog hash in the stamp and empties the journal
//! in the same transaction; while the journal stays empty, that hash is still
//! what the database holds, and `status` and `migrate` need one cheap query
//! instead of reading the catalogs on a cold backend.
//!
//! Any DDL since — by hand, by another tool — leaves a row, and the catalogs
//! are read again. The journal vouches only while its triggers are enabled
//! and run the runner's own functions, unchanged ([`working_sql`]), and
//! while neither they nor the journal's table were touched since the
//! runner verified the catalog ([`TOKEN_SQL`]: a trigger disabled and
//! enabled again around DDL, or the journal truncated, is seen). A third
//! trigger notes, before they run, the commands that could silence the
//! journal (a journal function replaced or altered, a trigger or rule put
//! on its table). Rows are counted, not numbered: DDL that commits after
//! the runner's read leaves a row the runner never deleted.
//!
//! What no trigger sees: DDL run under `session_replication_role = replica`
//! (which silences event triggers and leaves no other trace), and a
//! superuser writing the catalogs by hand (`UPDATE pg_proc ...`). Plain
//! `status` and a no-op `migrate` cannot see those; `status --deep` and
//! `migrate --deep` read every catalog whatever the journal says. Creating
//! an event trigger takes a superuser; without one the runner always reads
//! the catalogs.

use sqlx::{Executor, PgConnection};

use crate::bookkeeping::rsm::{NOTE_DDL_BODY, NOTE_DROP_BODY, NOTE_START_BODY, NOTE_START_TAGS};

/// The journal's generation, in the names of templates and spares: a clone
/// of a template made with an older journal would start without the
/// journal's vouching (every `status` reading its catalog until a `migrate`);
/// a new name has the template made again and old spares dropped instead.
pub(crate) const GENERATION: &str = "j2";

/// Whether the three triggers exist, are enabled and run the runner's own
/// functions, unchanged, the start trigger on the commands it must see
/// (SQL, for the checks below).
pub(crate) fn working_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "(SELECT count(*) FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid
     JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE e.evtenabled IN ('O', 'A') AND n.nspname = 'rsm'
       AND ((e.evtname = 'rsm_note_ddl' AND e.evtevent = 'ddl_command_end' AND p.proname = 'note_ddl' AND p.prosrc = $rsmbody${NOTE_DDL_BODY}$rsmbody$)
         OR (e.evtname = 'rsm_note_drop' AND e.evtevent = 'sql_drop' AND p.proname = 'note_drop' AND p.prosrc = $rsmbody${NOTE_DROP_BODY}$rsmbody$)
         OR (e.evtname = 'rsm_note_start' AND e.evtevent = 'ddl_command_start' AND e.evttags @> ARRAY[{NOTE_START_TAGS}]
             AND p.proname = 'note_start' AND p.prosrc = $rsmbody${NOTE_START_BODY}$rsmbody$))) = 3"
        )
    })
}

/// What changes when the journal is silenced and restored around DDL: the
/// event triggers' catalog rows (a `DISABLE` then `ENABLE` leaves new row
/// versions, `xmin`) and the journal table's file (a `TRUNCATE` gives it a
/// new one). Recorded with the verified catalog hash; the journal vouches
/// only while it is the same.
///
/// It is read in every database by `status` on a new backend, where each
/// catalog and each operator is planned cold, so it is as plain as it can
/// be (the read went from 2.6 to 1.9 ms, against 1.4 ms for the stamp and
/// the count alone):
/// - every event trigger's row version, in the order the rows are stored:
///   another tool's event trigger changed, or the rows rewritten, costs one
///   careful read, never a wrong answer;
/// - not the functions' rows (`pg_proc`): a function of the journal
///   replaced or altered by DDL is noted by `rsm_note_start` before the
///   change, by the function as it was (silencing that trigger changes its
///   row; replacing its function is noted by it);
/// - the file through `pg_relation_filenode`, a cache lookup, not a planned
///   read of `pg_class`.
pub(crate) const TOKEN_SQL: &str = "concat_ws('/',
    (SELECT array_agg(e.xmin)::text FROM pg_event_trigger e),
    pg_relation_filenode(to_regclass('rsm.ddl_journal'))::text)";

/// Install the journal (idempotent); `false` when the connected role may not
/// create event triggers (not a superuser): then there is none.
pub async fn install(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    let (installed, superuser): (bool, bool) = sqlx::query_as(&format!(
        "SELECT {} AND to_regclass('rsm.ddl_journal') IS NOT NULL,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
        working_sql()
    ))
    .fetch_one(&mut *conn)
    .await?;
    if installed {
        return Ok(true);
    }
    if !superuser {
        return Ok(false);
    }
    // Also repairs a journal whose function was replaced or whose trigger
    // was disabled: the functions are written again, the triggers enabled.
    conn.execute(crate::bookkeeping::rsm::journal_ddl().as_str())
        .await?;
    Ok(true)
}

/// Empty the journal; before the catalog hash is measured, so that DDL
/// committing in between leaves its row (and a later read checks again).
pub async fn clear(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    conn.execute("DELETE FROM rsm.ddl_journal")
        .await
        .map(|_| ())
}

/// Remove the rows of the caller's own transaction only: any other DDL,
/// committed meanwhile or later, keeps its row.
pub(crate) async fn clear_own(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    conn.execute("DELETE FROM rsm.ddl_journal WHERE txid = pg_current_xact_id()")
        .await
        .map(|_| ())
}
