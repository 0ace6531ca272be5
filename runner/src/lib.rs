//! Fleet operations over the compiled schema, as a library (tests call it) with
//! a thin CLI (`src/main.rs`) on top. One module per subcommand: each owns its
//! clap arguments and turns them into plain calls of the functions here.

pub mod cli;
pub mod cluster;
pub mod docs;
pub mod error;
pub mod master;
pub mod schema;
pub mod target;
pub mod template;
pub mod tenant;
pub mod testing;

pub use error::RunnerError;
