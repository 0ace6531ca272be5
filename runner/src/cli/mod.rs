//! The command line: parse, build a plain [`Target`] and options, call the
//! library, print. Each subcommand's arguments live in its own module.

pub mod argv;
mod demo;
mod dev;
mod diff;
pub mod env_file;
mod migrate;
mod output;
mod pool;
mod pull;
mod schema;
mod server;
mod status;
mod tenant;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use output::Output;

use crate::target::{Target, DEFAULT_MASTER_DB, DEFAULT_TENANT_PREFIX};
use crate::RunnerError;

/// Schema compiler and fleet runner for a multi-tenant PostgreSQL application.
#[derive(Debug, Parser)]
#[command(name = "runner", version, about)]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The compiled schema: SQL script.
    Schema(schema::SchemaArgs),
    /// The local cluster used when no database URL is given.
    Dev(dev::DevArgs),
    /// The master database.
    Master(MasterArgs),
    /// Tenant databases: create, list, drop, cleanup, protect, credentials, seed.
    Tenant(tenant::TenantArgs),
    /// The servers tenants live on: add, list, drain, remove.
    Server(server::ServerArgs),
    /// The warm pool: spare tenants ready on each server, so that `tenant
    /// create` makes no clone while you wait.
    Pool(pool::PoolArgs),
    /// The master and every tenant, read from what is in them, grouped by
    /// fingerprint; exits 86 unless every database is current.
    Status(status::StatusArgs),
    /// Bring the master and tenants to the declared schema, each in one
    /// transaction, recorded in its history and the master's run ledger.
    Migrate(migrate::MigrateArgs),
    /// The plan that brings a database to the declared schema (or one live
    /// database to another): SQL, class and reason per step. Changes nothing.
    Diff(diff::DiffArgs),
    /// Write declarations (`#[derive(Table)]` files and `mod.rs`) from a
    /// live database; `--merge` brings existing ones up to date.
    Pull(pull::PullArgs),
    /// Write a Markdown reference of both schemas, with an ER diagram.
    Docs(DocsArgs),
    /// Master init, three seeded tenants, and a summary: the whole tour.
    Demo(demo::DemoArgs),
    /// Print a completion script for a shell (`runner completions bash >
    /// ~/.local/share/bash-completion/completions/runner`).
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where to work: shared by every command that talks to a server.
#[derive(Debug, Clone, Args)]
pub struct ConnArgs {
    /// PostgreSQL server URL (`postgres://user@host:port/db`); without it, the
    /// project's local cluster (`<project>/.rsm`), started on demand.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Name of the master database.
    #[arg(long, env = "RSM_MASTER_DB", hide_env_values = true, default_value = DEFAULT_MASTER_DB)]
    pub master_db: String,
    /// Tenant databases are named `<prefix><n>`.
    #[arg(long, env = "RSM_TENANT_PREFIX", hide_env_values = true, default_value = DEFAULT_TENANT_PREFIX)]
    pub tenant_prefix: String,
    /// Folder holding the local cluster (`.rsm/`); by default the nearest
    /// folder at or above the current one holding `.rsm/`, else the cargo
    /// workspace declaring `schema-defs`.
    #[arg(long, env = "RSM_PROJECT_DIR", hide_env_values = true)]
    pub project_dir: Option<PathBuf>,
}

impl ConnArgs {
    /// The server and names; names and the URL are checked before any
    /// cluster is started or any connection made.
    pub fn target(&self) -> Result<Target, RunnerError> {
        match self.database_url.as_deref() {
            Some(url) if url.trim().is_empty() => Err(RunnerError::InvalidInput(
                "the database URL is empty (--database-url or DATABASE_URL): give a \
                 postgres:// URL, or unset it to use the project's local cluster"
                    .into(),
            )),
            Some(url) => Target::from_url(url, &self.master_db, &self.tenant_prefix),
            None => {
                crate::target::check_names(&self.master_db, &self.tenant_prefix)?;
                let project = crate::project::resolve(self.project_dir.as_deref())?;
                Target::local(&project, &self.master_db, &self.tenant_prefix)
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct MasterArgs {
    #[command(subcommand)]
    pub command: MasterCommand,
}

#[derive(Debug, Subcommand)]
pub enum MasterCommand {
    /// Create the master database and schema if missing, seed the plans. Idempotent.
    Init(ConnArgs),
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Folder to write `master.md` and `tenant.md` into (default: the
    /// project's `docs/schema`, wherever the command is run from).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Run a command; its exit code (0, or one that is not an error, such as
/// `status` saying a database is not current).
pub async fn run(cli: Cli) -> Result<u8, RunnerError> {
    let stdout = std::io::stdout();
    let mut out = Output::new(cli.json, stdout.lock());
    let out = &mut out;
    let done = match cli.command {
        Command::Status(args) => return status::run(args, out).await,
        Command::Migrate(args) => return migrate::run(args, out).await,
        Command::Schema(args) => schema::run(args, out),
        Command::Dev(args) => dev::run(args, out),
        Command::Master(MasterArgs {
            command: MasterCommand::Init(conn),
        }) => {
            let report = crate::master::init(&conn.target()?).await?;
            out.emit(&report, |w| {
                let mut said = Vec::new();
                if report.created_database {
                    said.push("created the database".to_owned());
                }
                if report.created_schema {
                    said.push("created the schema".to_owned());
                }
                if report.adopted {
                    said.push("adopted it (the master schema made by other tools)".to_owned());
                }
                if report.plans_inserted > 0 {
                    said.push(format!(
                        "inserted {} subscription plans",
                        report.plans_inserted
                    ));
                }
                if said.is_empty() {
                    writeln!(
                        w,
                        "master `{}` is up to date; nothing to do",
                        report.database
                    )?;
                } else {
                    writeln!(w, "master `{}`: {}", report.database, said.join(", "))?;
                }
                output::warn(&report.warnings);
                Ok(())
            })
        }
        Command::Tenant(args) => tenant::run(args, out).await,
        Command::Server(args) => server::run(args, out).await,
        Command::Pool(args) => pool::run(args, out).await,
        Command::Diff(args) => diff::run(args, out).await,
        Command::Pull(args) => pull::run(args, out).await,
        Command::Docs(args) => {
            let out_dir = match args.out {
                Some(dir) => dir,
                None => {
                    let here = std::env::current_dir()
                        .map_err(RunnerError::system("reading the current folder"))?;
                    crate::project::find_project_dir(&here)
                        .ok_or_else(|| {
                            RunnerError::InvalidInput(format!(
                                "{} is not inside a project (a folder holding `.rsm/`, or a cargo workspace declaring `schema-defs`): give the folder with --out DIR",
                                here.display()
                            ))
                        })?
                        .join("docs/schema")
                }
            };
            let written = crate::docs::write(&out_dir)?;
            out.emit(&written, |w| {
                for path in &written {
                    writeln!(w, "wrote {}", path.display())?;
                }
                Ok(())
            })
        }
        Command::Demo(args) => demo::run(args, out).await,
        Command::Completions(args) => {
            use clap::CommandFactory;
            clap_complete::generate(args.shell, &mut Cli::command(), "runner", out.raw());
            Ok(())
        }
    };
    done.map(|()| crate::error::exit::SUCCESS)
}
