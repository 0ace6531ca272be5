//! The command line: parse, then hand over to the subcommand's module.

use clap::{Parser, Subcommand};

use crate::{schema, RunnerError};

/// Schema compiler and fleet runner for a multi-tenant PostgreSQL application.
#[derive(Debug, Parser)]
#[command(name = "runner", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The compiled schema: SQL script.
    Schema(schema::SchemaArgs),
}

pub fn run(cli: Cli) -> Result<(), RunnerError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Schema(args) => schema::run(args, &mut out),
    }
}
