//! Test support: the harness (from `runner::testing`, which users' suites use
//! too) and the reference schema fixture.

pub mod reference;

pub use runner::testing as harness;
pub use runner::testing::{fresh_database, fresh_schema, fresh_tenant, TestDb, TestTenant};

/// The Rust examples of the README and `docs/`, compiled (and, where they
/// need no server, run) as doc tests, so that nothing keeps them true but
/// the compiler. Blocks that are not Rust are marked `text`, `sh` or `sql`.
#[cfg(doctest)]
pub mod documentation {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../docs/declaring.md")]
    pub struct Declaring;
    #[doc = include_str!("../../docs/cli.md")]
    pub struct Cli;
    #[doc = include_str!("../../docs/fleet.md")]
    pub struct Fleet;
    #[doc = include_str!("../../docs/safety.md")]
    pub struct Safety;
    #[doc = include_str!("../../docs/pull.md")]
    pub struct Pull;
    #[doc = include_str!("../../docs/testing.md")]
    pub struct Testing;
    #[doc = include_str!("../../docs/benchmarks.md")]
    pub struct Benchmarks;
    #[doc = include_str!("../../docs/ARCHITECTURE.md")]
    pub struct Architecture;
}
