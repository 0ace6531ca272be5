//! `runner pool fill | drain`: the warm pool of spare tenants on each server.

use clap::{Args, Subcommand};

use super::{ConnArgs, Output};
use crate::tenant::pool::{self, PoolReport};
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct PoolArgs {
    #[command(subcommand)]
    pub command: PoolCommand,
}

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Keep SIZE spares of the current schema on each server taking tenants
    /// (or on --server): spares of older schemas are dropped, missing ones made.
    Fill(FillArgs),
    /// Drop every spare (on --server only, when given).
    Drain(DrainArgs),
}

#[derive(Debug, Args)]
pub struct FillArgs {
    /// Spares to keep on each server.
    #[arg(long, default_value_t = 4)]
    pub size: usize,
    /// Only this server (`runner server list`).
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct DrainArgs {
    /// Only this server (`runner server list`).
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// The most spares `--size` accepts per server.
const MAX_SIZE: usize = 1_000;

fn print(w: &mut dyn std::io::Write, reports: &[PoolReport]) -> std::io::Result<()> {
    for r in reports {
        writeln!(
            w,
            "server {}: {} spares ({} made, {} dropped)",
            r.server,
            r.spares,
            r.made.len(),
            r.dropped.len()
        )?;
        for kept in &r.kept {
            writeln!(w, "  kept {kept}")?;
        }
    }
    Ok(())
}

pub async fn run(args: PoolArgs, out: &mut Output<impl std::io::Write>) -> Result<(), RunnerError> {
    let reports = match args.command {
        PoolCommand::Fill(a) => {
            if a.size > MAX_SIZE {
                return Err(RunnerError::InvalidInput(format!(
                    "invalid pool size {}: at most {MAX_SIZE} spares per server",
                    a.size
                )));
            }
            pool::fill(&a.conn.target()?, a.size, a.server.as_deref()).await?
        }
        PoolCommand::Drain(a) => pool::drain(&a.conn.target()?, a.server.as_deref()).await?,
    };
    out.emit(&reports, |w| print(w, &reports))
}
