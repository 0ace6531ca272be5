//! `runner server add | list | drain | remove`: the servers a fleet's
//! tenants live on.

use clap::{Args, Subcommand};

use super::output::table;
use super::{ConnArgs, Output};
use crate::servers;
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct ServerArgs {
    #[command(subcommand)]
    pub command: ServerCommand,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Register a server for tenants. The URL is kept without a password:
    /// give it in RSM_PASSWORD_<NAME> or the passfile (~/.pgpass).
    Add(AddArgs),
    /// Every server: address, capacity, tenants, spares in its pool, size, reachable.
    List(ConnArgs),
    /// Place no new tenants on a server (its tenants stay); `--off` resumes.
    Drain(DrainArgs),
    /// Forget a server holding none of this fleet's tenants (its templates
    /// are dropped).
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Lowercase letters, digits and `_`, at most 20 bytes; not `default`.
    pub name: String,
    /// `postgres://user@host:port/db`, without a password.
    pub url: String,
    /// At most this many tenants (no limit by default).
    #[arg(long)]
    pub capacity: Option<i32>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct DrainArgs {
    /// The server (`default`: the master's).
    pub name: String,
    /// Take new tenants again.
    #[arg(long)]
    pub off: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The server (not `default`, the master's own).
    pub name: String,
    #[command(flatten)]
    pub conn: ConnArgs,
}

const HEADER: [&str; 9] = [
    "server",
    "address",
    "capacity",
    "draining",
    "tenants",
    "pool",
    "size",
    "reachable",
    "note",
];

fn rows(list: &[servers::ServerInfo]) -> Vec<Vec<String>> {
    list.iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.address.clone(),
                s.capacity.map_or("-".into(), |c| c.to_string()),
                if s.draining { "yes".into() } else { "".into() },
                s.tenants.to_string(),
                s.pool.to_string(),
                s.size_bytes
                    .map_or("-".into(), |b| format!("{} MB", b / 1_000_000)),
                if s.reachable {
                    "yes".into()
                } else {
                    "no".into()
                },
                s.detail.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

pub async fn run(
    args: ServerArgs,
    out: &mut Output<impl std::io::Write>,
) -> Result<(), RunnerError> {
    match args.command {
        ServerCommand::Add(a) => {
            let added = servers::add(&a.conn.target()?, &a.name, &a.url, a.capacity).await?;
            out.emit(&added, |w| {
                writeln!(w, "added server {} ({})", added.name, added.address)
            })
        }
        ServerCommand::List(conn) => {
            let listed = servers::list(&conn.target()?).await?;
            out.emit(&listed, |w| table(w, &HEADER, &rows(&listed)))
        }
        ServerCommand::Drain(a) => {
            let info = servers::drain(&a.conn.target()?, &a.name, !a.off).await?;
            out.emit(&info, |w| {
                if info.draining {
                    writeln!(
                        w,
                        "server {} takes no new tenants ({} stay on it)",
                        info.name, info.tenants
                    )
                } else {
                    writeln!(w, "server {} takes new tenants again", info.name)
                }
            })
        }
        ServerCommand::Remove(a) => {
            let removed = servers::remove(&a.conn.target()?, &a.name).await?;
            out.emit(&removed, |w| {
                for template in &removed.templates_dropped {
                    writeln!(w, "dropped template {template}")?;
                }
                writeln!(w, "removed server {}", removed.server)
            })
        }
    }
}
