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
pub trait Factory: Send + Sync + Sized {
    type Row: Table + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static;

    fn state(&self) -> &FactoryState<Self::Row>;

    /// Row number `row`: given values, faked values, placeholders for the
    /// serial key and for required foreign keys not given (`Default`).
    fn build_row(&self, row: u64) -> Self::Row;

    /// Give each row whose required foreign key is still the placeholder a
    /// parent made by the parent's factory, of the same seed.
    fn resolve_parents<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        rows: &'a mut [Self::Row],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>;

    /// The column arrays of `rows`, for one `INSERT ... UNNEST`.
    fn columns(&self, rows: Vec<Self::Row>) -> Result<Batch, sqlx::Error>;
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
    let mut done = 0;
    while done < n {
        let k = (n - done).min(BATCH_ROWS as u64) as usize;
        insert_built(factory, &mut conn, build_many(factory, k), false).await?;
        done += k as u64;
    }
    Ok(done)
}

/// Insert `n` rows in batches and pass each batch, as stored, to `keep`, which
/// takes what it needs (ids, say) so that the rows themselves are dropped.
pub async fn create_many_with<'c, F: Factory, A>(
    factory: &F,
    db: A,
    n: u64,
    mut keep: impl FnMut(Vec<F::Row>) + Send,
) -> Result<u64, sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let mut conn = db.acquire().await?;
    let mut done = 0;
    while done < n {
        let k = (n - done).min(BATCH_ROWS as u64) as usize;
        keep(insert_built(factory, &mut conn, build_many(factory, k), true).await?);
        done += k as u64;
    }
    Ok(done)
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
