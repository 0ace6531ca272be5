//! Fleet operations over the compiled schema, as a library (tests call it) with
//! a thin CLI (`src/main.rs`) on top. One module per subcommand: each owns its
//! clap arguments and turns them into plain calls of the functions here.
//!
//! The runner acts only on what it can prove it made ([`ownership`]): every
//! database and login role it creates is recorded in its master first and
//! marked with the master's identity; nothing is dropped by name alone.

pub mod cli;
pub mod cluster;
pub mod declared;
pub mod docs;
pub mod error;
pub mod journal;
pub mod lock;
pub mod master;
pub mod migrate;
pub mod ownership;
pub mod project;
pub mod pull;
pub mod schema;
pub mod scram;
pub mod stamp;
pub mod target;
pub mod template;
pub mod tenant;
/// Test support for suites built on the runner (fresh databases and
/// tenants, a throwaway cluster): cargo feature `testing`.
#[cfg(feature = "testing")]
pub mod testing;

pub use error::RunnerError;
