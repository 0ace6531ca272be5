//! `runner schema ...`: what the compiled schema is, without a server.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};
use schema_core::DbKind;

use super::Output;
use crate::schema::sql_script;
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(subcommand)]
    pub command: SchemaCommand,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the SQL script that creates the schema of one database.
    Sql(SqlArgs),
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Which database's schema to print.
    #[arg(long, value_enum)]
    pub db: DbArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DbArg {
    Master,
    Tenant,
}

impl From<DbArg> for DbKind {
    fn from(db: DbArg) -> DbKind {
        match db {
            DbArg::Master => DbKind::Master,
            DbArg::Tenant => DbKind::Tenant,
        }
    }
}

/// What `schema sql --json` prints.
#[derive(serde::Serialize)]
struct Script {
    db: DbKind,
    tables: usize,
    sql: String,
}

pub fn run(args: SchemaArgs, out: &mut Output<impl Write>) -> Result<(), RunnerError> {
    match args.command {
        SchemaCommand::Sql(sql) => {
            let db: DbKind = sql.db.into();
            let script = Script {
                db,
                tables: crate::app::schema(db).tables.len(),
                sql: sql_script(db),
            };
            out.emit(&script, |w| w.write_all(script.sql.as_bytes()))
        }
    }
}
