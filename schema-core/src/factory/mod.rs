//! The runtime of generated factories: `Client::factory().city("Lyon").create(&pool)`.
//!
//! Every column may be set; the others are faked from the column's annotation,
//! else its name and type ([`Hint`], [`FakeValue`]). A value depends only on
//! (seed, table, column, row): the [`Seed`] numbers the rows of each table in
//! the order they are built, so one seed value gives the same data set run after
//! run, and adding a column changes no other column's values.
//!
//! Rows go to the database by binary `COPY`, or by one `INSERT ... SELECT *
//! FROM UNNEST($1, $2, ...)` per batch when they must come back (`insert.rs`):
//! at most [`BATCH_ROWS`] rows in memory whatever the count asked for.
//!
//! What `#[derive(Table)]` generates per table is only what needs the
//! struct's fields by name: building a row ([`Factory::build_row`]), visiting
//! its fields ([`Columns`]) and its required parents ([`Parent`]). The rest is
//! here, compiled once rather than once per table or column.

mod column;
mod field;
mod insert;
pub mod load;
mod rng;
mod value;

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection};

pub use column::{ColumnValue, Columns};
pub use field::{Field, Hint};
pub use insert::{
    create, create_many, create_many_on, create_many_with, create_many_with_on, parent_keys,
};
pub use rng::{stream_id, StreamRng};
pub use value::{literal, FakeValue, Gen};

use crate::__private::BoxFuture;
use crate::def::Table;

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
    /// Next number per (table, sequence): `"rows"`, or another use's own.
    next_row: Mutex<HashMap<(&'static str, &'static str), u64>>,
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
        self.reserve_in(table, "rows", n)
    }

    /// Reserve `n` numbers of `table`'s sequence `sequence`, one apart from
    /// its rows' (picking existing parents, say); returns the first.
    pub fn reserve_in(&self, table: &'static str, sequence: &'static str, n: u64) -> u64 {
        let mut rows = self.inner.next_row.lock().expect("seed lock");
        let next = rows.entry((table, sequence)).or_insert(0);
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
pub trait HasFactory: Table + Columns + Sized {
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

/// A per-row hook, on a row of any table: not generic over the table, so
/// that the state is compiled once, not once per table.
type Hook = Arc<dyn Fn(&mut dyn Any, &mut Each) + Send + Sync>;

/// A value given to a factory for one column, shared by the factory's clones.
type Given = Arc<dyn Any + Send + Sync>;

/// All a generated factory holds: the seed, the hooks, and the values given
/// by column position. Erased rather than one typed field per column, so that
/// the derive generates no per-column field, clone or drop, and building a row
/// is one call per column into functions compiled once per column type
/// ([`FactoryState::fake`] and its siblings).
#[derive(Clone)]
pub struct FactoryState {
    pub seed: Seed,
    hooks: Vec<Hook>,
    /// By column position; a serial column is inserted only when given one,
    /// else left to its sequence.
    given: Vec<Option<Given>>,
    /// Where the parents of required foreign keys not given come from.
    parents: Parents,
}

/// Where a factory takes the parent of a required foreign key not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parents {
    /// A new parent per row, made by the parent's factory (the default).
    Make,
    /// A row already in the parent table, picked by the seed; a new parent
    /// only while that table is empty. For filling a database whose parent
    /// tables are already seeded.
    Existing,
}

impl FactoryState {
    pub fn new(seed: &Seed) -> Self {
        FactoryState {
            seed: seed.clone(),
            hooks: Vec::new(),
            given: Vec::new(),
            parents: Parents::Make,
        }
    }

    /// Run `hook` on every row built; `R` is the factory's row type.
    pub fn push_hook<R: 'static>(
        &mut self,
        hook: impl Fn(&mut R, &mut Each) + Send + Sync + 'static,
    ) {
        self.hooks
            .push(Arc::new(move |row: &mut dyn Any, at: &mut Each| {
                hook(
                    row.downcast_mut()
                        .expect("a hook runs on its factory's rows"),
                    at,
                )
            }));
    }

    /// Give column `column` the value `value` for every row built; given
    /// again, the last value wins. `T` is the column's field type, as the
    /// generated setters give it: building a row panics on another type.
    pub fn give<T: Send + Sync + 'static>(&mut self, column: usize, value: T) {
        if self.given.len() <= column {
            self.given.resize(column + 1, None);
        }
        self.given[column] = Some(Arc::new(value));
    }

    pub fn is_given(&self, column: usize) -> bool {
        self.given_any(column).is_some()
    }

    /// The value given to column `column`, if any. Written as plain
    /// `match`es, here and below: each is compiled once per column type, and
    /// `Option`'s helpers would bring their own instances along.
    pub fn given<T: Clone + 'static>(&self, column: usize) -> Option<T> {
        match self.given_any(column) {
            None => None,
            Some(value) => match value.downcast_ref::<T>() {
                Some(value) => Some(value.clone()),
                None => panic!("column {column} of a factory was given a value of another type"),
            },
        }
    }

    fn given_any(&self, column: usize) -> Option<&(dyn Any + Send + Sync)> {
        match self.given.get(column) {
            Some(Some(value)) => Some(&**value),
            _ => None,
        }
    }

    /// Column `column` of row `row`: given, else faked.
    pub fn fake<T: FakeValue + Clone + 'static>(
        &self,
        column: usize,
        field: &Field,
        row: u64,
    ) -> T {
        match self.given(column) {
            Some(value) => value,
            None => self.seed.fake(field, row),
        }
    }

    /// Column `column`: given, else its placeholder (a serial key, a
    /// required foreign key a parent will fill) or `None` (an optional
    /// foreign key).
    #[allow(clippy::manual_unwrap_or_default)] // see `given`
    pub fn or_default<T: Default + Clone + 'static>(&self, column: usize) -> T {
        match self.given(column) {
            Some(value) => value,
            None => T::default(),
        }
    }

    /// Column `column` of row `row`: given, else its literal default `text`
    /// (a number or flag default means a state: a counter, a version), else
    /// faked.
    pub fn literal_or_fake<T: FakeValue + Clone + 'static>(
        &self,
        column: usize,
        text: &str,
        field: &Field,
        row: u64,
    ) -> T {
        if let Some(value) = self.given(column) {
            return value;
        }
        match literal(text) {
            Some(value) => value,
            None => self.seed.fake(field, row),
        }
    }

    pub fn parents(&self) -> Parents {
        self.parents
    }

    /// The hooks on row `row`, `index`-th of its call; `stream` is the
    /// table's hook stream ([`hook_stream`]).
    fn run_hooks(&self, stream: u64, index: u64, row: u64, value: &mut dyn Any) {
        for hook in &self.hooks {
            let mut each = Each {
                index,
                row,
                rng: StreamRng::new(self.seed.value(), stream, row),
            };
            hook(value, &mut each);
        }
    }
}

/// `factory` with its required parents picked among existing rows
/// ([`Parents::Existing`]): `existing_parents(seed.factory::<Session>())`.
pub fn existing_parents<F: Factory>(mut factory: F) -> F {
    factory.state_mut().parents = Parents::Existing;
    factory
}

/// A parent key made for a row, handed to [`Parent::set`].
pub type Key = Box<dyn Any + Send>;

/// Gives `n` parents' keys (the column named last): made on the seed and
/// inserted, or picked among existing rows ([`Parents`]).
pub type MakeParents = for<'a> fn(
    &'a Seed,
    &'a mut PgConnection,
    usize,
    Parents,
    &'static str,
) -> BoxFuture<'a, Result<Vec<Key>, sqlx::Error>>;

/// A required foreign key of `R` that a row may still need a parent for.
pub struct Parent<R> {
    /// The row still holds the placeholder (`Default`) in this column.
    pub missing: fn(&R) -> bool,
    /// `n` parents' keys, from the parent's factory on this seed.
    pub make: MakeParents,
    /// The parent's key column the foreign key references.
    pub key: &'static str,
    /// Store a key made by `make` in the row.
    pub set: fn(&mut R, Key),
}

/// A key made by [`parent_keys`], as the foreign key column's type.
pub fn key<K: 'static>(key: Key) -> K {
    *key.downcast::<K>()
        .expect("a parent key has the type of the column referencing it")
}

/// Implemented by every generated `XFactory`; its methods call the functions
/// of this module, which users reach through the factory's own methods.
pub trait Factory: Clone + Send + Sync + Sized + 'static {
    type Row: Table + Columns + for<'r> FromRow<'r, PgRow> + Send + Sync + Unpin + 'static;

    fn state(&self) -> &FactoryState;

    fn state_mut(&mut self) -> &mut FactoryState;

    /// Row number `row`: given values, faked values, placeholders for the
    /// serial key and for required foreign keys not given (`Default`).
    fn build_row(&self, row: u64) -> Self::Row;

    /// The required foreign keys (self-references aside) whose placeholder a
    /// parent made by the parent's factory replaces.
    fn parents(&self) -> &'static [Parent<Self::Row>];
}

/// `n` rows, numbered from the seed's sequence, hooks applied; no database.
pub fn build_many<F: Factory>(factory: &F, n: usize) -> Vec<F::Row> {
    let first = factory.state().seed.reserve(F::Row::NAME, n as u64);
    let stream = hook_stream(F::Row::NAME);
    // A plain loop: this is compiled once per table, and iterator adapters
    // would bring their own instances along.
    let mut rows = Vec::with_capacity(n);
    for index in 0..n as u64 {
        rows.push(build_at(factory, stream, index, first + index));
    }
    rows
}

/// One row, the next of the seed's sequence; no database.
pub fn build_one<F: Factory>(factory: &F) -> F::Row {
    let row = factory.state().seed.reserve(F::Row::NAME, 1);
    build_at(factory, hook_stream(F::Row::NAME), 0, row)
}

/// Row number `row`, `index`-th of its call, hooks applied.
fn build_at<F: Factory>(factory: &F, stream: u64, index: u64, row: u64) -> F::Row {
    let mut value = factory.build_row(row);
    let state = factory.state();
    if !state.hooks.is_empty() {
        state.run_hooks(stream, index, row, &mut value);
    }
    value
}

/// The random stream of `table`'s hooks ([`Each::rng`]), apart from its columns'.
fn hook_stream(table: &str) -> u64 {
    stream_id(table) ^ stream_id("#each")
}
