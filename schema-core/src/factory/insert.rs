//! The database side of the factories: binary `COPY` for bulk loads, one
//! `INSERT ... SELECT * FROM UNNEST($1, ...)` per batch when rows must come
//! back (one bind parameter per *column*, never near PostgreSQL's 65,535),
//! and the parents of required foreign keys.
//!
//! Values are reached through [`Columns::visit`] as `&dyn ColumnValue`: the
//! code here is compiled once per value type, not once per table.

use std::sync::Arc;

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Acquire, Decode, PgConnection, Postgres, Row, Type};

use super::column::{encode_field, ColumnArray, ColumnValue, Columns};
use super::{
    build_many, stream_id, Factory, FactoryState, HasFactory, Key, MakeParents, Parents, Seed,
    StreamRng, BATCH_ROWS,
};
use crate::__private::BoxFuture;
use crate::def::{Table, TableDef};
use crate::ident::quote;

/// Insert one row (and its missing parents) and return it as stored.
pub async fn create<'c, F: Factory, A>(factory: &F, db: A) -> Result<F::Row, sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let mut conn = db.acquire().await?;
    let mut rows = insert_built(factory, &mut conn, build_many(factory, 1)).await?;
    Ok(rows.pop().expect("RETURNING gives back the inserted row"))
}

/// Insert `n` rows in batches of [`BATCH_ROWS`]; memory stays bounded
/// whatever `n` is. Returns the number of rows inserted.
pub async fn create_many<'c, F: Factory, A>(factory: &F, db: A, n: u64) -> Result<u64, sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let mut conn = db.acquire().await?;
    copy_batches(factory, &mut conn, n).await
}

/// [`create_many`] on a connection. Not generic over the executor, so its
/// future is `Send` for any caller (a generic `Acquire` bound can defeat that
/// proof inside other async functions).
pub async fn create_many_on<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
) -> Result<u64, sqlx::Error> {
    copy_batches(factory, conn, n).await
}

/// [`create_many_with`] on a connection; see [`create_many_on`].
pub async fn create_many_with_on<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
    keep: impl FnMut(Vec<F::Row>) + Send,
) -> Result<u64, sqlx::Error> {
    insert_batches(factory, conn, n, keep).await
}

/// Insert `n` rows in batches and pass each batch, as stored, to `keep`, which
/// takes what it needs (ids, say) so that the rows themselves are dropped.
pub async fn create_many_with<'c, F: Factory, A>(
    factory: &F,
    db: A,
    n: u64,
    keep: impl FnMut(Vec<F::Row>) + Send,
) -> Result<u64, sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let mut conn = db.acquire().await?;
    insert_batches(factory, &mut conn, n, keep).await
}

/// `n` parents of type `P`: made by its factory on `seed` and inserted (with
/// their own parents), or picked among `P`'s rows ([`Parents::Existing`]);
/// returns their `key` column. What [`super::Parent::make`] calls. Only
/// building the rows is generic: the inserting is not, so that each parent
/// type costs the crate declaring it little code.
pub fn parent_keys<'a, P, K>(
    seed: &'a Seed,
    conn: &'a mut PgConnection,
    n: usize,
    parents: Parents,
    key: &'static str,
) -> BoxFuture<'a, Result<Vec<Key>, sqlx::Error>>
where
    P: HasFactory + Send + Sync,
    K: for<'r> Decode<'r, Postgres> + Type<Postgres> + Send + 'static,
{
    Box::pin(make_parents(
        seed,
        conn,
        ParentRequest {
            n,
            parents,
            table: P::NAME,
            key,
            build: build_parents::<P>,
            decode: decode_key::<K>,
        },
    ))
}

/// What [`make_parents`] is asked for, the typed steps as plain functions.
struct ParentRequest {
    n: usize,
    parents: Parents,
    table: &'static str,
    key: &'static str,
    build: fn(&Seed, Parents, usize) -> Box<dyn BuiltRows>,
    decode: fn(&PgRow) -> Result<Key, sqlx::Error>,
}

/// `n` rows of `P`, built by its factory on `seed`.
fn build_parents<P: HasFactory>(seed: &Seed, parents: Parents, n: usize) -> Box<dyn BuiltRows> {
    let mut factory = P::factory_with(seed);
    factory.state_mut().parents = parents;
    let rows = build_many(&factory, n);
    Box::new(Built { factory, rows })
}

/// [`parent_keys`] compiled once, not once per parent table: the rows are
/// built only when none are picked, so that picking uses no row numbers.
async fn make_parents(
    seed: &Seed,
    conn: &mut PgConnection,
    request: ParentRequest,
) -> Result<Vec<Key>, sqlx::Error> {
    let ParentRequest {
        n,
        parents,
        table,
        key,
        build,
        decode,
    } = request;
    if parents == Parents::Existing {
        if let Some(keys) = pick_existing(seed, conn, table, key, n, decode).await? {
            return Ok(keys);
        }
    }
    insert_parents(build(seed, parents, n), conn, key, decode).await
}

/// `n` keys picked, by the seed, among the rows of `table`; `None` when it has none.
async fn pick_existing(
    seed: &Seed,
    conn: &mut PgConnection,
    table: &'static str,
    key: &'static str,
    n: usize,
    decode: fn(&PgRow) -> Result<Key, sqlx::Error>,
) -> Result<Option<Vec<Key>>, sqlx::Error> {
    let sql = format!("SELECT {0} FROM {1} ORDER BY {0}", quote(key), quote(table));
    let existing = sqlx::query(&sql).fetch_all(conn).await?;
    if existing.is_empty() {
        return Ok(None);
    }
    let stream = stream_id(table) ^ stream_id("#existing");
    let first = seed.reserve_in(table, "existing parents", n as u64);
    let picks = (0..n as u64).map(|i| {
        let mut rng = StreamRng::new(seed.value(), stream, first + i);
        decode(&existing[rng.below(existing.len() as u64) as usize])
    });
    picks.collect::<Result<Vec<_>, _>>().map(Some)
}

fn decode_key<K>(row: &PgRow) -> Result<Key, sqlx::Error>
where
    K: for<'r> Decode<'r, Postgres> + Type<Postgres> + Send + 'static,
{
    Ok(Box::new(row.try_get::<K, _>(0)?))
}

/// Rows built by a factory, seen without their type.
trait BuiltRows: Send {
    fn seed(&self) -> &Seed;
    fn mode(&self) -> Parents;
    fn parents(&self) -> usize;
    /// Rows still missing parent `slot`.
    fn missing(&self, slot: usize) -> Vec<usize>;
    /// How parent `slot` is made, and its key column.
    fn make(&self, slot: usize) -> (MakeParents, &'static str);
    fn set(&mut self, slot: usize, row: usize, key: Key);
    /// `INSERT ... RETURNING returning` of the rows, with its arguments.
    fn insert(&self, returning: &str) -> Result<(String, PgArguments), sqlx::Error>;
}

struct Built<F: Factory> {
    factory: F,
    rows: Vec<F::Row>,
}

impl<F: Factory> BuiltRows for Built<F> {
    fn seed(&self) -> &Seed {
        &self.factory.state().seed
    }

    fn mode(&self) -> Parents {
        self.factory.state().parents()
    }

    fn parents(&self) -> usize {
        self.factory.parents().len()
    }

    fn missing(&self, slot: usize) -> Vec<usize> {
        let missing = self.factory.parents()[slot].missing;
        // A plain loop: compiled once per parent table, where iterator
        // adapters would bring their own instances along.
        let mut rows = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if missing(row) {
                rows.push(i);
            }
        }
        rows
    }

    fn make(&self, slot: usize) -> (MakeParents, &'static str) {
        let parent = &self.factory.parents()[slot];
        (parent.make, parent.key)
    }

    fn set(&mut self, slot: usize, row: usize, key: Key) {
        (self.factory.parents()[slot].set)(&mut self.rows[row], key)
    }

    fn insert(&self, returning: &str) -> Result<(String, PgArguments), sqlx::Error> {
        let shape = Shape::of(F::Row::DEF, self.factory.state());
        let sql = insert_sql(F::Row::NAME, &shape.names, returning);
        Ok((sql, unnest_args(&shape, &self.rows)?))
    }
}

async fn insert_parents(
    mut rows: Box<dyn BuiltRows>,
    conn: &mut PgConnection,
    key: &'static str,
    decode: fn(&PgRow) -> Result<Key, sqlx::Error>,
) -> Result<Vec<Key>, sqlx::Error> {
    for slot in 0..rows.parents() {
        let need = rows.missing(slot);
        if need.is_empty() {
            continue;
        }
        let (make, parent_key) = rows.make(slot);
        let keys = make(rows.seed(), &mut *conn, need.len(), rows.mode(), parent_key).await?;
        for (i, key) in need.into_iter().zip(keys) {
            rows.set(slot, i, key);
        }
    }
    let (sql, args) = rows.insert(&quote(key))?;
    let stored = sqlx::query_with(&sql, args).fetch_all(conn).await?;
    stored.iter().map(decode).collect()
}

/// Give each row whose required foreign key is still the placeholder a
/// parent made by the parent's factory, of the same seed.
async fn resolve_parents<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    rows: &mut [F::Row],
) -> Result<(), sqlx::Error> {
    for parent in factory.parents() {
        let need: Vec<usize> = (0..rows.len())
            .filter(|&i| (parent.missing)(&rows[i]))
            .collect();
        if need.is_empty() {
            continue;
        }
        let state = factory.state();
        let keys = (parent.make)(
            &state.seed,
            &mut *conn,
            need.len(),
            state.parents(),
            parent.key,
        )
        .await?;
        for (i, key) in need.into_iter().zip(keys) {
            (parent.set)(&mut rows[i], key);
        }
    }
    Ok(())
}

fn needs_parents<F: Factory>(factory: &F, rows: &[F::Row]) -> bool {
    let parents = factory.parents();
    !parents.is_empty() && rows.iter().any(|r| parents.iter().any(|p| (p.missing)(r)))
}

/// The columns a factory's rows give: all but serial ones not given a value.
struct Shape {
    /// Per column of the table, whether it is inserted.
    included: Vec<bool>,
    names: Vec<&'static str>,
}

impl Shape {
    fn of(def: &TableDef, state: &FactoryState) -> Shape {
        let included: Vec<bool> = def
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| !c.serial || state.is_given(i))
            .collect();
        let names = def
            .columns
            .iter()
            .zip(&included)
            .filter(|(_, inc)| **inc)
            .map(|(c, _)| c.name)
            .collect();
        Shape { included, names }
    }
}

/// A batch built off the async thread: encoded (`E`: UNNEST arguments or COPY
/// rows), or still rows when some need parents, made on the connection.
enum Prepared<R, E> {
    Ready(E),
    NeedParents(Vec<R>),
}

/// How a batch is encoded for the database.
type Encoder<R, E> = fn(&Shape, &[R]) -> Result<E, sqlx::Error>;

/// The batch being prepared on the blocking thread.
type Preparing<R, E> = tokio::task::JoinHandle<Result<Prepared<R, E>, sqlx::Error>>;

/// Batches prepared one ahead on a blocking thread: while the caller sends
/// batch k, batch k+1 is built and encoded, so generation and PostgreSQL run
/// on two cores at once. Row numbers stay deterministic: one batch is
/// prepared at a time, in order.
struct Pipeline<'f, F: Factory, E> {
    factory: &'f F,
    shape: Arc<Shape>,
    total: u64,
    queued: u64,
    encode: Encoder<F::Row, E>,
    next: Option<Preparing<F::Row, E>>,
}

impl<'f, F: Factory, E: Send + 'static> Pipeline<'f, F, E> {
    fn new(factory: &'f F, shape: Arc<Shape>, total: u64, encode: Encoder<F::Row, E>) -> Self {
        let mut pipeline = Pipeline {
            factory,
            shape,
            total,
            queued: 0,
            encode,
            next: None,
        };
        pipeline.queue();
        pipeline
    }

    fn queue(&mut self) {
        if self.queued < self.total {
            let size = (self.total - self.queued).min(BATCH_ROWS as u64) as usize;
            self.queued += size as u64;
            let (factory, shape, encode) = (self.factory.clone(), self.shape.clone(), self.encode);
            self.next = Some(tokio::task::spawn_blocking(move || {
                let rows = build_many(&factory, size);
                if needs_parents(&factory, &rows) {
                    Ok(Prepared::NeedParents(rows))
                } else {
                    encode(&shape, &rows).map(Prepared::Ready)
                }
            }));
        }
    }

    async fn next(&mut self) -> Result<Option<Prepared<F::Row, E>>, sqlx::Error> {
        let Some(handle) = self.next.take() else {
            return Ok(None);
        };
        let prepared = match handle.await {
            Ok(prepared) => prepared?,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        self.queue();
        Ok(Some(prepared))
    }
}

/// Through binary `COPY` (no `RETURNING`): the fastest way into PostgreSQL.
/// A batch whose rows need parents ends the `COPY`, gets them, and a new
/// `COPY` starts.
pub(super) async fn copy_batches<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
) -> Result<u64, sqlx::Error> {
    let shape = Arc::new(Shape::of(F::Row::DEF, factory.state()));
    let columns: Vec<String> = shape.names.iter().map(|c| quote(c).into_owned()).collect();
    let statement = format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        quote(F::Row::NAME),
        columns.join(", ")
    );
    let mut pipeline = Pipeline::new(factory, shape.clone(), n, copy_rows::<F::Row>);
    let mut pending = None;
    loop {
        let first = match pending.take() {
            Some(data) => data,
            None => match pipeline.next().await? {
                None => return Ok(n),
                Some(Prepared::Ready(data)) => data,
                Some(Prepared::NeedParents(mut rows)) => {
                    resolve_parents(factory, conn, &mut rows).await?;
                    copy_rows(&shape, &rows)?
                }
            },
        };
        let mut open = conn.copy_in_raw(&statement).await?;
        open.send(&COPY_HEADER[..]).await?;
        open.send(first.buf.as_slice()).await?;
        loop {
            match pipeline.next().await? {
                Some(Prepared::Ready(data)) => {
                    open.send(data.buf.as_slice()).await?;
                }
                Some(Prepared::NeedParents(mut rows)) => {
                    finish_copy(open).await?;
                    resolve_parents(factory, conn, &mut rows).await?;
                    pending = Some(copy_rows(&shape, &rows)?);
                    break;
                }
                None => {
                    finish_copy(open).await?;
                    return Ok(n);
                }
            }
        }
    }
}

const COPY_HEADER: [u8; 19] = *b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

async fn finish_copy(
    mut open: sqlx::postgres::PgCopyIn<&mut PgConnection>,
) -> Result<u64, sqlx::Error> {
    open.send(&(-1i16).to_be_bytes()[..]).await?;
    open.finish().await
}

fn copy_rows<R: Columns>(shape: &Shape, rows: &[R]) -> Result<CopyRows, sqlx::Error> {
    copy_rows_of(shape, &unsized_rows(rows))
}

/// [`copy_rows`] compiled once, not once per table.
fn copy_rows_of(shape: &Shape, rows: &[&dyn Columns]) -> Result<CopyRows, sqlx::Error> {
    let mut out = CopyRows::new();
    let fields = shape.names.len() as i16;
    for row in rows {
        out.buf.extend_from_slice(&fields.to_be_bytes());
        let mut written = Ok(());
        row.visit(&mut |values| {
            written = values
                .iter()
                .zip(&shape.included)
                .filter(|(_, included)| **included)
                .try_for_each(|(value, _)| out.field(*value));
        });
        written?;
    }
    Ok(out)
}

/// Rows in PostgreSQL's binary `COPY` format. Values are written by their
/// sqlx `Encode`, which is the binary format `COPY` reads.
struct CopyRows {
    buf: sqlx::postgres::PgArgumentBuffer,
}

impl CopyRows {
    fn new() -> CopyRows {
        CopyRows {
            buf: Default::default(),
        }
    }

    fn field(&mut self, value: &dyn ColumnValue) -> Result<(), sqlx::Error> {
        encode_field(&mut self.buf, value).map_err(sqlx::Error::Encode)
    }
}

/// One `INSERT ... RETURNING *` per batch, batches prepared by a [`Pipeline`].
async fn insert_batches<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
    mut keep: impl FnMut(Vec<F::Row>) + Send,
) -> Result<u64, sqlx::Error> {
    let shape = Arc::new(Shape::of(F::Row::DEF, factory.state()));
    let sql = insert_sql(F::Row::NAME, &shape.names, "*");
    let mut pipeline = Pipeline::new(factory, shape.clone(), n, unnest_args::<F::Row>);
    while let Some(prepared) = pipeline.next().await? {
        let args = match prepared {
            Prepared::Ready(args) => args,
            Prepared::NeedParents(mut rows) => {
                resolve_parents(factory, conn, &mut rows).await?;
                unnest_args(&shape, &rows)?
            }
        };
        keep(
            sqlx::query_as_with::<_, F::Row, _>(&sql, args)
                .fetch_all(&mut *conn)
                .await?,
        );
    }
    Ok(n)
}

/// Insert `rows` (their parents first) and return them as stored.
async fn insert_built<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    mut rows: Vec<F::Row>,
) -> Result<Vec<F::Row>, sqlx::Error> {
    resolve_parents(factory, conn, &mut rows).await?;
    let shape = Shape::of(F::Row::DEF, factory.state());
    let args = unnest_args(&shape, &rows)?;
    let sql = insert_sql(F::Row::NAME, &shape.names, "*");
    sqlx::query_as_with::<_, F::Row, _>(&sql, args)
        .fetch_all(conn)
        .await
}

/// `INSERT INTO t (cols) SELECT * FROM UNNEST($1, ...) RETURNING returning`.
fn insert_sql(table: &str, names: &[&str], returning: &str) -> String {
    let mut sql = format!("INSERT INTO {} (", quote(table));
    for (i, column) in names.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&quote(column));
    }
    sql.push_str(") SELECT * FROM UNNEST(");
    for i in 1..=names.len() {
        if i > 1 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${i}"));
    }
    sql.push(')');
    sql.push_str(" RETURNING ");
    sql.push_str(returning);
    sql
}

/// One array per inserted column of `rows`, bound in column order.
fn unnest_args<R: Columns>(shape: &Shape, rows: &[R]) -> Result<PgArguments, sqlx::Error> {
    unnest_args_of(shape, &unsized_rows(rows))
}

/// The rows seen without their type. A plain loop, so that the only code
/// compiled per table is the loop itself (`Vec<&dyn Columns>` is one type).
fn unsized_rows<R: Columns>(rows: &[R]) -> Vec<&dyn Columns> {
    let mut out: Vec<&dyn Columns> = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(row);
    }
    out
}

/// [`unnest_args`] compiled once, not once per table.
fn unnest_args_of(shape: &Shape, rows: &[&dyn Columns]) -> Result<PgArguments, sqlx::Error> {
    let mut arrays: Vec<Option<ColumnArray>> = shape.included.iter().map(|_| None).collect();
    for row in rows {
        let mut pushed = Ok(());
        row.visit(&mut |values| {
            for ((value, array), _) in values
                .iter()
                .zip(arrays.iter_mut())
                .zip(&shape.included)
                .filter(|(_, included)| **included)
            {
                let array = array.get_or_insert_with(|| ColumnArray::of(*value));
                if let Err(e) = array.push(*value) {
                    pushed = Err(e);
                    return;
                }
            }
        });
        pushed.map_err(sqlx::Error::Encode)?;
    }
    let mut args = PgArguments::default();
    for array in arrays.into_iter().flatten() {
        array.bind(&mut args).map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
}
