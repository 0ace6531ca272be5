//! Test support: the harness (from `runner::testing`, which users' suites use
//! too) and the reference schema fixture.

pub mod reference;

pub use runner::testing as harness;
pub use runner::testing::{fresh_database, fresh_schema, fresh_tenant, TestDb, TestTenant};
