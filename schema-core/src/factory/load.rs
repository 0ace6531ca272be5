//! Loading many empty tables at once, the way `pg_restore` does: the rows
//! first, by binary `COPY` over several connections in parallel, then the
//! foreign keys, each checked by PostgreSQL in one set-based pass (a join)
//! instead of one `SELECT ... FOR KEY SHARE` per inserted row.
//!
//! PostgreSQL still checks every key: a row whose parent is missing fails
//! the load when its key is validated. What changes is when and how.

use std::sync::Mutex;

use sqlx::{Connection, Executor, PgConnection};

use super::insert::copy_batches;
use super::Factory;
use crate::__private::BoxFuture;
use crate::def::Table;
use crate::ident::quote;

/// The work of loading one table, run on whichever connection is free.
type Job =
    Box<dyn for<'a> FnOnce(&'a mut PgConnection) -> BoxFuture<'a, Result<u64, sqlx::Error>> + Send>;

/// One table's rows to load: made by a factory and sent by binary `COPY`.
pub struct TableLoad {
    table: &'static str,
    rows: u64,
    job: Job,
}

impl TableLoad {
    /// `n` rows of `factory`, by binary `COPY`, built in batches as
    /// [`super::create_many`] builds them (memory stays bounded).
    ///
    /// Loads run in parallel: for rows numbered the same whatever the order,
    /// give every required parent (a hook picking among known keys) rather
    /// than letting the factory make parents, which it numbers as it goes.
    pub fn copy<F: Factory>(factory: F, n: u64) -> TableLoad {
        fn job<F: Factory>(factory: F, n: u64) -> Job {
            Box::new(move |conn: &mut PgConnection| -> BoxFuture<'_, _> {
                Box::pin(async move { copy_batches(&factory, conn, n).await })
            })
        }
        TableLoad {
            table: F::Row::NAME,
            rows: n,
            job: job(factory, n),
        }
    }

    /// This load, then `next` on the same connection: parts of one table
    /// whose rows are numbered in that order.
    pub fn then(self, next: TableLoad) -> TableLoad {
        assert_eq!(self.table, next.table, "the parts of one table's load");
        let (first, then) = (self.job, next.job);
        TableLoad {
            table: self.table,
            rows: self.rows + next.rows,
            job: Box::new(move |conn: &mut PgConnection| -> BoxFuture<'_, _> {
                Box::pin(async move { Ok(first(&mut *conn).await? + then(conn).await?) })
            }),
        }
    }

    pub fn table(&self) -> &'static str {
        self.table
    }
}

/// Run `loads` over every connection of `conns` at once, each connection
/// taking the next table when it is done (largest first, so that the last
/// one to finish is small); `done` is told each table as it completes.
/// Returns the rows loaded. Each connection's tables are committed together
/// when it is done; with one connection inside the caller's transaction,
/// they are part of it.
pub async fn load_tables(
    conns: &mut [PgConnection],
    mut loads: Vec<TableLoad>,
    done: &mut (dyn FnMut(&'static str) + Send),
) -> Result<u64, sqlx::Error> {
    loads.sort_by_key(|load| std::cmp::Reverse(load.rows));
    let queue = Mutex::new(loads.into_iter());
    let done = Mutex::new(done);
    let workers = conns.iter_mut().map(|conn| {
        let (queue, done) = (&queue, &done);
        async move {
            // One commit per connection, not one per table (a WAL flush
            // each on a durable server); in the caller's transaction, a
            // savepoint.
            let mut tx = conn.begin().await?;
            let mut rows = 0;
            loop {
                let next = queue.lock().expect("load queue").next();
                let Some(load) = next else {
                    tx.commit().await?;
                    return Ok(rows);
                };
                match (load.job)(&mut tx).await {
                    Ok(n) => rows += n,
                    Err(e) => {
                        // The other connections stop after their table.
                        *queue.lock().expect("load queue") = Vec::new().into_iter();
                        return Err(e);
                    }
                }
                (done.lock().expect("load progress"))(load.table);
            }
        }
    });
    let counts = join_all(workers.collect()).await;
    counts.into_iter().sum()
}

/// Poll every future until all are done; their results in order. A failing
/// worker does not cut the others off mid-`COPY`: each connection is left
/// at a statement boundary.
async fn join_all<T, F: std::future::Future<Output = T>>(futures: Vec<F>) -> Vec<T> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, result) in futures.iter_mut().zip(results.iter_mut()) {
            if result.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *result = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results
        .into_iter()
        .map(|r| r.expect("every future finished"))
        .collect()
}

/// The `n` values `n` inserts leaving `table.column` (a serial key) to its
/// sequence would draw, drawn now in one step (the first by `nextval`, the
/// sequence then set past the last): the keys of rows loaded with their key
/// given, known before they are sent. Only for tables nobody else inserts
/// into meanwhile (a database being created; tables the caller's
/// transaction holds locked, as [`DeferredKeys::drop`] leaves them).
pub async fn reserve_keys(
    conn: &mut PgConnection,
    table: &str,
    column: &str,
    n: u64,
) -> Result<Vec<i64>, sqlx::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let (first, step): (i64, i64) = sqlx::query_as(
        "WITH s AS (SELECT pg_get_serial_sequence($1, $2)::regclass AS id),
              f AS (SELECT nextval(s.id) AS first, q.seqincrement AS step, s.id
                      FROM s JOIN pg_sequence q ON q.seqrelid = s.id)
         SELECT first, step FROM f WHERE $3 = 1 OR setval(f.id, first + step * ($3 - 1)) IS NOT NULL",
    )
    .bind(quote(table).as_ref())
    .bind(column)
    .bind(n as i64)
    .fetch_one(conn)
    .await?;
    Ok((0..n as i64).map(|i| first + step * i).collect())
}

/// The foreign keys of a schema's tables, dropped before a load and added
/// back after it exactly as they were (read with `pg_get_constraintdef`:
/// same name, columns, actions, deferral and validity).
#[derive(Debug)]
pub struct DeferredKeys {
    keys: Vec<DeferredKey>,
}

#[derive(Debug)]
struct DeferredKey {
    table: String,
    name: String,
    definition: String,
    validated: bool,
}

impl DeferredKeys {
    /// Read and drop, on `conn`, every foreign key declared on a table of
    /// `schema` (a partition's keys come with its parent's). The caller
    /// decides what makes this safe: a transaction that also adds them back
    /// ([`DeferredKeys::restore`] on the same connection), or a database
    /// nobody uses yet that is dropped if the load fails.
    pub async fn drop(conn: &mut PgConnection, schema: &str) -> Result<DeferredKeys, sqlx::Error> {
        let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
            "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid), k.convalidated
               FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
              WHERE k.contype = 'f' AND k.conparentid = 0 AND t.relnamespace = $1::regnamespace
              ORDER BY t.relname, k.conname",
        )
        .bind(schema)
        .fetch_all(&mut *conn)
        .await?;
        let keys: Vec<DeferredKey> = rows
            .into_iter()
            .map(|(table, name, definition, validated)| DeferredKey {
                table,
                name,
                definition,
                validated,
            })
            .collect();
        if !keys.is_empty() {
            let drops: Vec<String> = keys
                .iter()
                .map(|k| format!("ALTER TABLE {} DROP CONSTRAINT {}", k.table, quote(&k.name)))
                .collect();
            conn.execute(drops.join(";\n").as_str()).await?;
        }
        Ok(DeferredKeys { keys })
    }

    /// Add the keys back: all `NOT VALID` on the first connection (catalog
    /// only), then each validated — one scan of the table joined to its
    /// parent — spread over every connection, the keys of one table on one
    /// connection (validations of the same table would wait on each other).
    /// A key that was not valid before stays not valid. Fails, naming the
    /// key, when a row has no parent.
    pub async fn restore(self, conns: &mut [PgConnection]) -> Result<(), sqlx::Error> {
        let Some(first) = conns.first_mut() else {
            return Ok(());
        };
        if self.keys.is_empty() {
            return Ok(());
        }
        let adds: Vec<String> = self
            .keys
            .iter()
            .map(|k| {
                let not_valid = if k.validated { " NOT VALID" } else { "" };
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {}{not_valid}",
                    k.table,
                    quote(&k.name),
                    k.definition
                )
            })
            .collect();
        first.execute(adds.join(";\n").as_str()).await?;

        // One statement per table: its keys validated in a row.
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for key in self.keys.iter().filter(|k| k.validated) {
            let validate = format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                key.table,
                quote(&key.name)
            );
            match tables.last_mut() {
                Some((table, statements)) if *table == key.table => statements.push(validate),
                _ => tables.push((key.table.clone(), vec![validate])),
            }
        }
        let queue = Mutex::new(tables.into_iter());
        let workers = conns.iter_mut().map(|conn| {
            let queue = &queue;
            async move {
                loop {
                    let next = queue.lock().expect("validation queue").next();
                    let Some((_, statements)) = next else {
                        return Ok(());
                    };
                    // Tables just loaded have no statistics yet: the planner
                    // may check a key by nested loop (a row of the child at
                    // a time, 100x slower here) rather than by hash join.
                    let sql = format!(
                        "SET enable_nestloop = off; {}; RESET enable_nestloop",
                        statements.join(";\n")
                    );
                    conn.execute(sql.as_str()).await?;
                }
            }
        });
        join_all(workers.collect())
            .await
            .into_iter()
            .collect::<Result<(), sqlx::Error>>()
    }
}
