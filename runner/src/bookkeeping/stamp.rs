//! The stamp a database carries: which schema fingerprint the runner last
//! brought it to, whether it is protected, which master made it and how many
//! rows its seed put there. It lives in a schema of its own (`rsm.stamp`), so
//! that `public` holds exactly the application's tables. Tenants and the
//! master are stamped alike.
//!
//! The stamp says what the runner last did; only introspection says what a
//! database is.

use sqlx::PgConnection;

use crate::bookkeeping::rsm::{self, Ladder};

/// What a database says of itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stamp {
    pub fingerprint: String,
    pub protected: bool,
    /// The master whose runner made it (absent in stamps of older runners).
    pub master_id: Option<String>,
    /// Rows the runner's seed put in it (what repair may remove with it).
    pub seeded_rows: i64,
    /// The catalog hash the runner last verified, and the journal's row count
    /// then (see [`crate::bookkeeping::journal`]): still true while the count is unchanged.
    pub catalog: Option<String>,
    pub journal_seen: Option<i64>,
    /// The journal's [token](crate::bookkeeping::journal::TOKEN_SQL) when the catalog was
    /// verified.
    pub journal_token: Option<String>,
}

impl Stamp {
    /// The verified catalog hash, if the journal says nothing changed since:
    /// as many rows as then, and its triggers and table untouched.
    pub(crate) fn catalog_if_unchanged(&self, journal: &Journal) -> Option<&str> {
        match (
            journal,
            self.journal_seen,
            &self.catalog,
            &self.journal_token,
        ) {
            (Journal::Working { rows, token }, Some(seen), Some(catalog), Some(then))
                if *rows == seen && token == then =>
            {
                Some(catalog)
            }
            _ => None,
        }
    }
}

/// The DDL journal of a database, as read with its stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Journal {
    /// None, or not working (disabled, its functions replaced).
    Absent,
    Working {
        rows: i64,
        token: String,
    },
}

/// Stamp the database `conn` is connected to with `fingerprint` (made when
/// missing; an existing stamp keeps its protection and seed count).
pub async fn write(
    conn: &mut PgConnection,
    fingerprint: &str,
    master_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    rsm::upgrade(conn, Ladder::Database).await?;
    if update_fingerprint(conn, fingerprint, master_id).await? == 0 {
        insert(conn, fingerprint, master_id).await?;
    }
    Ok(())
}

async fn insert(
    conn: &mut PgConnection,
    fingerprint: &str,
    master_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO rsm.stamp (fingerprint, master_id) VALUES ($1, $2)")
        .bind(fingerprint)
        .bind(master_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The existing stamp's fingerprint, dated; the rows it touched (0: none).
async fn update_fingerprint(
    conn: &mut PgConnection,
    fingerprint: &str,
    master_id: Option<&str>,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE rsm.stamp SET fingerprint = $1, stamped_at = now(), master_id = coalesce($2, master_id)",
    )
    .bind(fingerprint)
    .bind(master_id)
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// The stamp of the database `conn` is connected to; `None` when unstamped.
/// Read as JSON, so that stamps written by older runners (fewer columns) still read.
pub async fn read(conn: &mut PgConnection) -> Result<Option<Stamp>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let row: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT to_jsonb(s) FROM rsm.stamp s LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.and_then(|v| parse(&v)))
}

fn parse(v: &serde_json::Value) -> Option<Stamp> {
    Some(Stamp {
        fingerprint: v.get("fingerprint")?.as_str()?.to_owned(),
        protected: v.get("protected").and_then(|p| p.as_bool()) == Some(true),
        master_id: v
            .get("master_id")
            .and_then(|m| m.as_str())
            .map(str::to_owned),
        seeded_rows: v.get("seeded_rows").and_then(|n| n.as_i64()).unwrap_or(0),
        catalog: v.get("catalog").and_then(|c| c.as_str()).map(str::to_owned),
        journal_seen: v.get("journal_seen").and_then(|n| n.as_i64()),
        journal_token: v
            .get("journal_token")
            .and_then(|t| t.as_str())
            .map(str::to_owned),
    })
}

/// The stamp and the journal, read in one statement so that they come from
/// one snapshot.
pub(crate) async fn read_with_journal(
    conn: &mut PgConnection,
) -> Result<(Option<Stamp>, Journal), sqlx::Error> {
    let kept = Bookkeeping::read_parts(conn, false).await?;
    Ok((kept.stamp, kept.journal))
}

/// [`read_with_journal`] where it matters most that a database be read
/// cheaply (`status` over a fleet): see [`Bookkeeping::read_vouched`].
pub(crate) async fn read_vouched(
    conn: &mut PgConnection,
) -> Result<(Option<Stamp>, Journal), sqlx::Error> {
    let kept = Bookkeeping::read_vouched(conn, false).await?;
    Ok((kept.stamp, kept.journal))
}

/// SQLSTATE of a statement naming a missing schema or table (no `rsm`).
pub(crate) fn absent_table(code: Option<&str>) -> bool {
    matches!(code, Some("42P01" | "3F000"))
}

/// Date the stamp a new clone carries from its template (and record this
/// master), emptying its journal in the same statement (what it holds is the
/// runner's own grants since the clone, which change no schema); the
/// fingerprint of each stamp row. Without a journal (the runner's role may
/// not make event triggers), the stamp alone; without `rsm`, no row.
pub(crate) async fn date_clone(
    conn: &mut PgConnection,
    master_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    const STAMP: &str =
        "UPDATE rsm.stamp SET stamped_at = now(), master_id = $1 RETURNING fingerprint";
    let absent = |e: &sqlx::Error| {
        e.as_database_error()
            .is_some_and(|d| absent_table(d.code().as_deref()))
    };
    let dated = sqlx::query_scalar(&format!(
        "WITH stamped AS ({STAMP}), cleared AS (DELETE FROM rsm.ddl_journal)
         SELECT fingerprint FROM stamped"
    ))
    .bind(master_id)
    .fetch_all(&mut *conn)
    .await;
    match dated {
        Err(e) if absent(&e) => {
            sqlx::query_scalar(STAMP)
                .bind(master_id)
                .fetch_all(&mut *conn)
                .await
        }
        dated => dated,
    }
    .or_else(|e| if absent(&e) { Ok(Vec::new()) } else { Err(e) })
}

/// Record the catalog hash just verified, with the journal emptied (see
/// [`crate::bookkeeping::journal`]). The stamp exists (written before).
pub(crate) async fn set_catalog(conn: &mut PgConnection, catalog: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE rsm.stamp SET catalog = $1, journal_seen = 0, journal_token = {}",
        crate::bookkeeping::journal::TOKEN_SQL
    ))
    .bind(catalog)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Verify a database as it stands now, on the caller's transaction: the
/// journal installed (when the role may) and emptied, the catalog hash
/// measured after, and both recorded in the stamp. Returns the hash.
pub async fn verify(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    let journaled = crate::bookkeeping::journal::install(conn).await?;
    measure(conn, journaled).await
}

/// The catalog hash, measured after the journal is emptied and recorded with
/// it, when there is a journal.
async fn measure(conn: &mut PgConnection, journaled: bool) -> Result<String, sqlx::Error> {
    if journaled {
        crate::bookkeeping::journal::clear(conn).await?;
    }
    let catalog = schema_model::introspect::catalog_hash(conn, "public").await?;
    if journaled {
        set_catalog(conn, &catalog).await?;
    }
    Ok(catalog)
}

/// The stamp (as JSON), the journal's count and token, the recorded data
/// migrations and the `rsm` version: each NULL where absent.
type KeptRow = (
    Option<serde_json::Value>,
    Option<i64>,
    Option<String>,
    Option<Vec<String>>,
    Option<i32>,
);

/// What the runner keeps in a database (`rsm`: stamp, DDL journal, history),
/// read in two statements at the start of a migration, so that the writes
/// after it need not ask again what exists.
#[derive(Debug, Clone)]
pub(crate) struct Bookkeeping {
    pub stamp: Option<Stamp>,
    /// The journal, when it works.
    pub journal: Journal,
    /// Data migrations the history records.
    pub data_migrations: Vec<String>,
    /// The version of the runner's schema here ([`Ladder::Database`]).
    version: i32,
}

impl Bookkeeping {
    pub async fn read(conn: &mut PgConnection) -> Result<Bookkeeping, sqlx::Error> {
        Self::read_parts(conn, true).await
    }

    /// The stamp, the journal's count and, with `history`, the recorded data
    /// migrations: what exists first, then what is there, in one statement.
    async fn read_parts(
        conn: &mut PgConnection,
        history: bool,
    ) -> Result<Bookkeeping, sqlx::Error> {
        let (stamped, journaled, history, versioned): (bool, bool, bool, bool) =
            sqlx::query_as(&format!(
                "SELECT to_regclass('rsm.stamp') IS NOT NULL,
                    to_regclass('rsm.ddl_journal') IS NOT NULL AND {},
                    $1 AND to_regclass('rsm.history') IS NOT NULL,
                    {}",
                crate::bookkeeping::journal::working_sql(),
                rsm::VERSIONS_EXIST,
            ))
            .bind(history)
            .fetch_one(&mut *conn)
            .await?;
        if !(stamped || journaled || history || versioned) {
            return Ok(Bookkeeping {
                stamp: None,
                journal: Journal::Absent,
                data_migrations: Vec::new(),
                version: 0,
            });
        }
        let part = |present: bool, sql: &str| {
            if present {
                sql.to_owned()
            } else {
                "NULL".to_owned()
            }
        };
        let (row, rows, token, data_migrations, version): KeptRow = sqlx::query_as(&format!(
            "SELECT {}, {}, {}, {}, {}",
            part(stamped, "(SELECT to_jsonb(s) FROM rsm.stamp s LIMIT 1)"),
            part(journaled, "(SELECT count(*) FROM rsm.ddl_journal)"),
            part(journaled, crate::bookkeeping::journal::TOKEN_SQL),
            part(
                history,
                "ARRAY(SELECT DISTINCT unnest(data_migrations) FROM rsm.history)"
            ),
            part(versioned, &rsm::version_sql(Ladder::Database)),
        ))
        .fetch_one(&mut *conn)
        .await?;
        let journal = match (rows, token) {
            (Some(rows), Some(token)) => Journal::Working { rows, token },
            _ => Journal::Absent,
        };
        Ok(Bookkeeping {
            stamp: row.as_ref().and_then(parse),
            journal,
            data_migrations: data_migrations.unwrap_or_default(),
            version: version.unwrap_or(0),
        })
    }

    /// What [`Bookkeeping::read`] reads (with `full`; without it, the stamp
    /// and the journal only) in one statement, without first asking what
    /// exists nor whether the journal works: for reading many databases
    /// cheaply. A journal token equal to the one recorded when the runner
    /// last verified the catalog (the journal working then) means the same
    /// trigger and function rows, untouched since, hence still working; any
    /// other answer, or a database without all of the runner's tables, is
    /// read again the careful way.
    pub(crate) async fn read_vouched(
        conn: &mut PgConnection,
        full: bool,
    ) -> Result<Bookkeeping, sqlx::Error> {
        let (history, version) = if full {
            (
                "ARRAY(SELECT DISTINCT unnest(data_migrations) FROM rsm.history)".to_owned(),
                rsm::version_sql(Ladder::Database),
            )
        } else {
            ("NULL".to_owned(), "NULL".to_owned())
        };
        let quick: Result<KeptRow, sqlx::Error> = sqlx::query_as(&format!(
            "SELECT (SELECT to_jsonb(s) FROM rsm.stamp s LIMIT 1),
                    (SELECT count(*) FROM rsm.ddl_journal), {}, {history}, {version}",
            crate::bookkeeping::journal::TOKEN_SQL
        ))
        .fetch_one(&mut *conn)
        .await;
        match quick {
            Ok((row, Some(rows), Some(token), data_migrations, version)) => {
                let kept = Bookkeeping {
                    stamp: row.as_ref().and_then(parse),
                    journal: Journal::Working { rows, token },
                    data_migrations: data_migrations.unwrap_or_default(),
                    version: version.unwrap_or(0),
                };
                let vouched = kept
                    .stamp
                    .as_ref()
                    .and_then(|s| s.catalog_if_unchanged(&kept.journal));
                if vouched.is_some() {
                    return Ok(kept);
                }
            }
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if absent_table(e.code().as_deref()) => {}
            Err(e) => return Err(e),
        }
        Self::read_parts(conn, full).await
    }

    /// Whether the runner's schema here is at this runner's version.
    pub(crate) fn rsm_current(&self) -> bool {
        self.version == Ladder::Database.latest()
    }

    /// The runner's schema here brought to this runner's version, once.
    pub async fn upgrade(&mut self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        rsm::upgrade_from(conn, Ladder::Database, self.version).await?;
        self.version = Ladder::Database.latest();
        Ok(())
    }

    /// [`write`], without asking again what exists.
    pub(crate) async fn write_stamp(
        &mut self,
        conn: &mut PgConnection,
        fingerprint: &str,
        master_id: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        self.upgrade(conn).await?;
        if self.stamp.is_none() || update_fingerprint(conn, fingerprint, master_id).await? == 0 {
            insert(conn, fingerprint, master_id).await?;
        }
        Ok(())
    }

    /// [`crate::bookkeeping::history::record`], without asking again what exists.
    pub(crate) async fn record_history(
        &mut self,
        conn: &mut PgConnection,
        entry: &crate::bookkeeping::history::Entry<'_>,
    ) -> Result<(), sqlx::Error> {
        self.upgrade(conn).await?;
        crate::bookkeeping::history::insert(conn, entry).await
    }

    /// Measure the catalog after this transaction's statements: its own
    /// journal rows cleared, the hash measured and recorded; with whether no
    /// one else's DDL is in the journal (then the hash is the statements'
    /// alone, and may serve databases that started from the same catalog).
    pub(crate) async fn measure_own(
        &self,
        conn: &mut PgConnection,
    ) -> Result<(String, bool), sqlx::Error> {
        crate::bookkeeping::journal::clear_own(conn).await?;
        let catalog = schema_model::introspect::catalog_hash(conn, "public").await?;
        let others: i64 = sqlx::query_scalar("SELECT count(*) FROM rsm.ddl_journal")
            .fetch_one(&mut *conn)
            .await?;
        set_catalog(conn, &catalog).await?;
        Ok((catalog, others == 0))
    }

    /// [`verify`], without asking again whether the journal is installed.
    pub async fn verify(&self, conn: &mut PgConnection) -> Result<String, sqlx::Error> {
        match self.journal {
            Journal::Working { .. } => measure(conn, true).await,
            Journal::Absent => verify(conn).await,
        }
    }
}
