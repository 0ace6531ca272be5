//! Test support: the harness (from `runner::testing`, which users' suites use
//! too) and the reference schema fixture.

pub mod reference;

pub use runner::testing as harness;
pub use runner::testing::{fresh_database, fresh_schema, fresh_tenant, TestDb, TestTenant};

/// What the benchmark binaries (`src/bin/bench-*.rs`) share.
pub mod bench {
    use runner::target::Target;

    /// Positional argument `n` (from 1), or `default` when not given.
    pub fn arg<T: std::str::FromStr>(n: usize, default: T, what: &str) -> T {
        std::env::args().nth(n).map_or(default, |s| {
            s.parse().unwrap_or_else(|_| panic!("{what} is a number"))
        })
    }

    /// A fleet of the benchmark's own on the harness's server: master
    /// `<kind>_master_<pid>`, tenants `<kind><pid>_<n>`; not yet initialised.
    pub fn target(kind: &str) -> Target {
        let pid = std::process::id();
        Target::from_url(
            &runner::testing::server_url(),
            &format!("{kind}_master_{pid}"),
            &format!("{kind}{pid}_"),
        )
        .expect("the bench's target")
    }
}

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
