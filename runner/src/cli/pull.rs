//! `runner pull`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use schema_core::DbKind;

use super::{output, ConnArgs, Output};
use crate::RunnerError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DbArg {
    Master,
    Tenant,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Which database the declarations are for (`db = master|tenant`).
    #[arg(long, value_enum)]
    pub db: DbArg,
    /// Folder to write `<table>.rs` files and `mod.rs` into.
    #[arg(long)]
    pub out: PathBuf,
    /// Bring existing files up to date instead of refusing to overwrite them:
    /// enums, typed JSON, presets and comments stay.
    #[arg(long)]
    pub merge: bool,
    /// Read this tenant of the configured server; else the database the URL
    /// names; else, for `--db master` only, the configured master.
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

pub async fn run(args: PullArgs, out: &mut Output<impl std::io::Write>) -> Result<(), RunnerError> {
    let db = match args.db {
        DbArg::Master => DbKind::Master,
        DbArg::Tenant => DbKind::Tenant,
    };
    let named_in_url = args
        .conn
        .database_url
        .as_deref()
        .and_then(|u| crate::server::parse_url(u).ok())
        .and_then(|o| o.get_database().map(str::to_owned));
    let (mut conn, label) = match (&args.tenant, named_in_url, db) {
        (Some(tenant), ..) => {
            crate::target::check_name("tenant name", tenant)?;
            let target = args.conn.target()?;
            let conn = target.connect(tenant).await?;
            (conn, target.locate(tenant))
        }
        (None, Some(_), _) => {
            crate::server::connect_url(args.conn.database_url.as_deref().unwrap_or_default())
                .await?
        }
        (None, None, DbKind::Master) => {
            let target = args.conn.target()?;
            let conn = target.connect(&target.master_db).await?;
            (conn, target.locate(&target.master_db))
        }
        (None, None, DbKind::Tenant) => {
            return Err(RunnerError::InvalidInput(
                "which tenant? name it with --tenant NAME, or give a --database-url that names the database"
                    .into(),
            ))
        }
    };
    let report = crate::pull::pull(&mut conn, &label, db, &args.out, args.merge).await?;
    out.emit(&report, |w| {
        writeln!(
            w,
            "pulled {} tables of {} on {} into {}: {} written, {} merged, {} unchanged",
            report.tables,
            report.database,
            report.server,
            args.out.display(),
            report.written.len(),
            report.merged.len(),
            report.unchanged.len()
        )?;
        output::warn(&report.warnings);
        Ok(())
    })
}
