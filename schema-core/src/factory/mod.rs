//! The runtime of generated factories: `Client::factory().city("Lyon").create(&pool)`.
//!
//! Every column may be set; the others are faked from the column's annotation,
//! else its name and type ([`Hint`], [`FakeValue`]). A value depends only on
//! (seed, table, column, row): the [`Seed`] numbers the rows of each table in
//! the order they are built, so one seed value gives the same data set run after
//! run, and adding a column changes no other column's values.
//!
//! Rows are inserted with one `INSERT ... SELECT * FROM UNNEST($1, $2, ...)` per
//! batch: one bind parameter per *column*, never near PostgreSQL's 65,535, and
//! at most [`BATCH_ROWS`] rows in memory whatever the count asked for.

mod field;
mod rng;
mod value;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Acquire, Arguments, Encode, FromRow, PgConnection, Postgres, Type};

pub use field::{Field, Hint};
pub use rng::{stream_id, StreamRng};
pub use value::{FakeValue, Gen};

use crate::__private::BoxFuture;
use crate::def::Table;
use crate::ident::quote;

/// Rows built, inserted and dropped together by `create_many`.
pub const BATCH_ROWS: usize = 2_000;

/// The source of a reproducible data set: a seed value, the date that "near
/// today" means, and for each table the next row number. Clones share the row
/// numbers, so every factory of one seed continues the same sequence.
#[derive(Clone)]
pub struct Seed {
    inner: Arc<SeedInner>,
}

struct SeedInner {
    value: u64,
    anchor: NaiveDate,
    next_row: Mutex<HashMap<&'static str, u64>>,
}

impl Seed {
    /// Dates fall around today (UTC). For data identical on any day, pin the
    /// date with [`Seed::with_anchor`].
    pub fn new(value: u64) -> Seed {
        Seed::with_anchor(value, chrono::Utc::now().date_naive())
    }

    pub fn with_anchor(value: u64, anchor: NaiveDate) -> Seed {
        Seed {
            inner: Arc::new(SeedInner {
                value,
                anchor,
                next_row: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The process-wide seed behind `T::factory()`: seed 0, rows numbered
    /// across the whole process so that unique columns stay unique.
    pub fn shared() -> &'static Seed {
        static SHARED: OnceLock<Seed> = OnceLock::new();
        SHARED.get_or_init(|| Seed::new(0))
    }

    pub fn value(&self) -> u64 {
        self.inner.value
    }

    pub fn anchor(&self) -> NaiveDate {
        self.inner.anchor
    }

    /// A factory of `T` drawing from this seed.
    pub fn factory<T: HasFactory>(&self) -> T::Factory {
        T::factory_with(self)
    }

    /// Reserve `n` row numbers of `table`; returns the first.
    pub fn reserve(&self, table: &'static str, n: u64) -> u64 {
        let mut rows = self.inner.next_row.lock().expect("seed lock");
        let next = rows.entry(table).or_insert(0);
        let first = *next;
        *next += n;
        first
    }

    /// The value `T` fakes for `field` at `row`.
    pub fn fake<T: FakeValue>(&self, field: &Field, row: u64) -> T {
        T::fake(&mut self.gen(field, row))
    }

    /// What a custom `fake = "..."` generator draws from.
    pub fn gen<'f>(&self, field: &'f Field, row: u64) -> Gen<'f> {
        Gen {
            rng: StreamRng::new(self.inner.value, field.stream, row),
            row,
            field,
            anchor: self.inner.anchor,
        }
    }
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed")
            .field("value", &self.inner.value)
            .field("anchor", &self.inner.anchor)
            .finish()
    }
}

/// A table with a generated factory.
pub trait HasFactory: Table + Sized {
    type Factory: Factory<Row = Self>;
    fn factory_with(seed: &Seed) -> Self::Factory;
}

/// Where a per-row hook is: the row's position in this call, its number in
/// the seed's sequence, and a random stream of its own.
pub struct Each {
    pub index: u64,
    pub row: u64,
    pub rng: StreamRng,
}

impl Each {
    /// Fake text of a kind, drawn from this row's stream.
    pub fn text(&mut self, hint: Hint) -> String {
        static FIELD: Field = Field {
            table: "",
            column: "",
            stream: 0,
            hint: Hint::Plain,
            max_len: None,
            numeric: None,
            unique: false,
        };
        let mut gen = Gen {
            rng: self.rng.clone(),
            row: self.row,
            field: &FIELD,
            anchor: NaiveDate::MIN,
        };
        let text = gen.text(hint);
        self.rng = gen.rng;
        text
    }
}

type Hook<R> = Arc<dyn Fn(&mut R, &mut Each) + Send + Sync>;

/// What every generated factory holds besides its column values.
pub struct FactoryState<R> {
    pub seed: Seed,
    hooks: Vec<Hook<R>>,
}

impl<R> Clone for FactoryState<R> {
    fn clone(&self) -> Self {
        FactoryState {
            seed: self.seed.clone(),
            hooks: self.hooks.clone(),
        }
    }
}

impl<R> FactoryState<R> {
    pub fn new(seed: &Seed) -> Self {
        FactoryState {
            seed: seed.clone(),
            hooks: Vec::new(),
        }
    }

    pub fn push_hook(&mut self, hook: impl Fn(&mut R, &mut Each) + Send + Sync + 'static) {
        self.hooks.push(Arc::new(hook));
    }
}

/// Implemented by every generated `XFactory`; its methods call the functions
/// of this module, which users reach through the factory's own methods.
pub trait Factory: Clone + Send + Sync + Sized + 'static {
    type Row: Table + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static;

    fn state(&self) -> &FactoryState<Self::Row>;

    /// Row number `row`: given values, faked values, placeholders for the
    /// serial key and for required foreign keys not given (`Default`).
    fn build_row(&self, row: u64) -> Self::Row;

    /// Whether some row still has a required foreign key at its placeholder.
    fn needs_parents(&self, rows: &[Self::Row]) -> bool;

    /// Give each row whose required foreign key is still the placeholder a
    /// parent made by the parent's factory, of the same seed.
    fn resolve_parents<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        rows: &'a mut [Self::Row],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>;

    /// The column arrays of `rows`, for one `INSERT ... UNNEST`.
    fn columns(&self, rows: Vec<Self::Row>) -> Result<Batch, sqlx::Error>;

    /// The columns a row gives: all but serial ones not set.
    fn copy_columns(&self) -> Vec<&'static str>;

    /// `rows` in PostgreSQL's binary `COPY` format, columns as [`Factory::copy_columns`].
    fn encode_copy(&self, rows: Vec<Self::Row>, out: &mut CopyRows) -> Result<(), sqlx::Error>;
}

/// `n` rows, numbered from the seed's sequence, hooks applied; no database.
pub fn build_many<F: Factory>(factory: &F, n: usize) -> Vec<F::Row> {
    let state = factory.state();
    let first = state.seed.reserve(F::Row::NAME, n as u64);
    let hooks_stream = stream_id(F::Row::NAME) ^ stream_id("#each");
    (0..n as u64)
        .map(|index| {
            let row = first + index;
            let mut value = factory.build_row(row);
            for hook in &state.hooks {
                let mut each = Each {
                    index,
                    row,
                    rng: StreamRng::new(state.seed.value(), hooks_stream, row),
                };
                hook(&mut value, &mut each);
            }
            value
        })
        .collect()
}

/// Insert one row (and its missing parents) and return it as stored.
pub async fn create<'c, F: Factory, A>(factory: &F, db: A) -> Result<F::Row, sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let mut conn = db.acquire().await?;
    let mut rows = insert_built(factory, &mut conn, build_many(factory, 1), true).await?;
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
    insert_batches(factory, conn, n, true, keep).await
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
    insert_batches(factory, &mut conn, n, true, keep).await
}

/// A batch built off the async thread: encoded (`E`: UNNEST arrays or COPY
/// rows), or still rows when some need parents, made on the connection.
enum Prepared<R, E> {
    Ready(E),
    NeedParents(Vec<R>),
}

/// How a batch is encoded for the database.
type Encoder<F, E> = fn(&F, Vec<<F as Factory>::Row>) -> Result<E, sqlx::Error>;

/// The batch being prepared on the blocking thread.
type Preparing<F, E> =
    tokio::task::JoinHandle<Result<Prepared<<F as Factory>::Row, E>, sqlx::Error>>;

/// Batches prepared one ahead on a blocking thread: while the caller sends
/// batch k, batch k+1 is built and encoded, so generation and PostgreSQL run
/// on two cores at once. Row numbers stay deterministic: one batch is
/// prepared at a time, in order.
struct Pipeline<'f, F: Factory, E> {
    factory: &'f F,
    total: u64,
    queued: u64,
    encode: Encoder<F, E>,
    next: Option<Preparing<F, E>>,
}

impl<'f, F: Factory, E: Send + 'static> Pipeline<'f, F, E> {
    fn new(factory: &'f F, total: u64, encode: Encoder<F, E>) -> Self {
        let mut pipeline = Pipeline {
            factory,
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
            let (factory, encode) = (self.factory.clone(), self.encode);
            self.next = Some(tokio::task::spawn_blocking(move || {
                let rows = build_many(&factory, size);
                if factory.needs_parents(&rows) {
                    Ok(Prepared::NeedParents(rows))
                } else {
                    encode(&factory, rows).map(Prepared::Ready)
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

fn copy_rows<F: Factory>(factory: &F, rows: Vec<F::Row>) -> Result<CopyRows, sqlx::Error> {
    let mut out = CopyRows::new();
    factory.encode_copy(rows, &mut out)?;
    Ok(out)
}

/// Like [`insert_batches`], through binary `COPY` instead of one `INSERT` per
/// batch (no `RETURNING`): the fastest way into PostgreSQL. A batch whose rows
/// need parents ends the `COPY`, gets them, and a new `COPY` starts.
async fn copy_batches<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
) -> Result<u64, sqlx::Error> {
    let columns: Vec<String> = factory
        .copy_columns()
        .iter()
        .map(|c| quote(c).into_owned())
        .collect();
    let statement = format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        quote(F::Row::NAME),
        columns.join(", ")
    );
    let mut pipeline = Pipeline::new(factory, n, copy_rows::<F>);
    let mut pending = None;
    loop {
        let first = match pending.take() {
            Some(data) => data,
            None => match pipeline.next().await? {
                None => return Ok(n),
                Some(Prepared::Ready(data)) => data,
                Some(Prepared::NeedParents(mut rows)) => {
                    factory.resolve_parents(conn, &mut rows).await?;
                    copy_rows(factory, rows)?
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
                    factory.resolve_parents(conn, &mut rows).await?;
                    pending = Some(copy_rows(factory, rows)?);
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

/// Rows in PostgreSQL's binary `COPY` format. Values are written by their
/// sqlx `Encode`, which is the binary format `COPY` reads.
pub struct CopyRows {
    buf: sqlx::postgres::PgArgumentBuffer,
}

impl CopyRows {
    fn new() -> CopyRows {
        CopyRows {
            buf: Default::default(),
        }
    }

    pub fn begin_row(&mut self, fields: usize) {
        self.buf.extend_from_slice(&(fields as i16).to_be_bytes());
    }

    pub fn field<T>(&mut self, value: &T) -> Result<(), sqlx::Error>
    where
        T: for<'q> Encode<'q, Postgres>,
    {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        let len = match value
            .encode_by_ref(&mut self.buf)
            .map_err(sqlx::Error::Encode)?
        {
            sqlx::encode::IsNull::Yes => -1,
            sqlx::encode::IsNull::No => (self.buf.len() - at - 4) as i32,
        };
        self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

/// One `INSERT ... RETURNING` per batch, batches prepared by a [`Pipeline`].
async fn insert_batches<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    n: u64,
    returning: bool,
    mut keep: impl FnMut(Vec<F::Row>) + Send,
) -> Result<u64, sqlx::Error> {
    let mut pipeline = Pipeline::new(factory, n, F::columns);
    while let Some(prepared) = pipeline.next().await? {
        keep(match prepared {
            Prepared::Ready(batch) => run_insert::<F>(conn, batch, returning).await?,
            Prepared::NeedParents(rows) => insert_built(factory, conn, rows, returning).await?,
        });
    }
    Ok(n)
}

/// The parents a child factory needs: `n` rows of `F`, inserted and returned.
pub fn create_parents<'a, F: Factory>(
    factory: &'a F,
    conn: &'a mut PgConnection,
    n: usize,
) -> BoxFuture<'a, Result<Vec<F::Row>, sqlx::Error>> {
    Box::pin(async move { insert_built(factory, conn, build_many(factory, n), true).await })
}

async fn insert_built<F: Factory>(
    factory: &F,
    conn: &mut PgConnection,
    mut rows: Vec<F::Row>,
    returning: bool,
) -> Result<Vec<F::Row>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(rows);
    }
    factory.resolve_parents(conn, &mut rows).await?;
    let batch = factory.columns(rows)?;
    run_insert::<F>(conn, batch, returning).await
}

/// `INSERT INTO t (cols) SELECT * FROM UNNEST($1, ...)`, one array per column.
async fn run_insert<F: Factory>(
    conn: &mut PgConnection,
    batch: Batch,
    returning: bool,
) -> Result<Vec<F::Row>, sqlx::Error> {
    let mut sql = format!("INSERT INTO {} (", quote(F::Row::NAME));
    for (i, column) in batch.names.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&quote(column));
    }
    sql.push_str(") SELECT * FROM UNNEST(");
    for i in 1..=batch.names.len() {
        if i > 1 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${i}"));
    }
    sql.push(')');
    if returning {
        sql.push_str(" RETURNING *");
        sqlx::query_as_with::<_, F::Row, _>(&sql, batch.args)
            .fetch_all(conn)
            .await
    } else {
        sqlx::query_with(&sql, batch.args).execute(conn).await?;
        Ok(Vec::new())
    }
}

/// One array per inserted column, in insert order.
pub struct Batch {
    names: Vec<&'static str>,
    args: PgArguments,
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            names: Vec::new(),
            args: PgArguments::default(),
        }
    }

    pub fn push<T>(&mut self, column: &'static str, values: Vec<T>) -> Result<(), sqlx::Error>
    where
        Vec<T>: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send,
    {
        self.names.push(column);
        self.args.add(values).map_err(sqlx::Error::Encode)
    }
}

impl Default for Batch {
    fn default() -> Self {
        Batch::new()
    }
}
