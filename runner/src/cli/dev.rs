//! `runner dev up | down | status`: the project's local cluster.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Output;
use crate::project::local_cluster;
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct DevArgs {
    #[command(subcommand)]
    pub command: DevCommand,
    /// Folder holding the local cluster (`.rsm/`); by default the nearest
    /// folder at or above the current one holding `.rsm/`, else the cargo
    /// workspace declaring `schema-defs`; `dev up` outside any makes it in
    /// the current folder.
    #[arg(long, env = "RSM_PROJECT_DIR", hide_env_values = true, global = true)]
    pub project_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Create the cluster if needed and start it.
    Up,
    /// Stop the cluster (its data is kept).
    Down,
    /// Whether the cluster exists and runs.
    Status,
}

#[derive(serde::Serialize)]
struct Status {
    data_dir: PathBuf,
    port: u16,
    initialized: bool,
    running: bool,
    /// How to reach it: a unix socket in the data folder.
    url: String,
}

pub fn run(args: DevArgs, out: &mut Output<impl std::io::Write>) -> Result<(), RunnerError> {
    let project = match args.command {
        DevCommand::Up => crate::project::resolve_or_here(args.project_dir.as_deref())?,
        _ => crate::project::resolve(args.project_dir.as_deref())?,
    };
    let cluster = local_cluster(&project)?;
    match args.command {
        DevCommand::Up => {
            cluster.init()?;
            cluster.start()?;
        }
        DevCommand::Down => cluster.stop()?,
        DevCommand::Status => {}
    }
    let status = Status {
        url: cluster.url("postgres"),
        data_dir: cluster.data_dir.clone(),
        port: cluster.port,
        initialized: cluster.is_initialized(),
        running: cluster.is_running(),
    };
    out.emit(&status, |w| {
        let state = match (status.initialized, status.running) {
            (_, true) => "running",
            (true, false) => "stopped",
            (false, false) => "not created",
        };
        writeln!(w, "local cluster {}: {state}", status.data_dir.display())?;
        if status.running {
            writeln!(w, "url: {}", status.url)?;
        }
        Ok(())
    })
}
