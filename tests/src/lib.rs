//! Test support: a PostgreSQL server for the whole test run, a fresh database
//! per test, and the reference schema fixture.

pub mod harness;
pub mod reference;

pub use harness::{fresh_database, fresh_schema, TestDb};
