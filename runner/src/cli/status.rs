//! `runner status`.

use clap::Args;

use super::output::plural;
use super::{ConnArgs, Output};
use crate::error::exit;
use crate::migrate::status::{self, DbState, Group, StatusOptions, DEFAULT_CONCURRENCY};
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Databases read at once.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Count a different column order as a difference.
    #[arg(long)]
    pub strict_order: bool,
    /// Read every database's catalog, whatever its DDL journal says.
    #[arg(long)]
    pub deep: bool,
    /// Count databases named like tenants that no registry row points at
    /// (made by hand or by other tools) as not current.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// Names shown per group in text; `--json` lists them all.
const SHOWN: usize = 8;

pub async fn run(
    args: StatusArgs,
    out: &mut Output<impl std::io::Write>,
) -> Result<u8, RunnerError> {
    let target = args.conn.target()?;
    let options = StatusOptions {
        concurrency: args.concurrency as usize,
        strict_order: args.strict_order,
        deep: args.deep,
        strict: args.strict,
    };
    let status = status::status(&target, &options).await?;
    out.emit(&status, |w| {
        let vouched = status.databases - status.catalogs_read;
        writeln!(
            w,
            "{} on {}: {} read, {vouched} vouched for by {} DDL journal",
            plural(status.databases, "database"),
            target.server.label,
            plural(status.catalogs_read, "catalog"),
            if vouched == 1 { "its" } else { "their" },
        )?;
        writeln!(
            w,
            "declared schema: master {}, tenant {}",
            &status.master_fingerprint, &status.tenant_fingerprint
        )?;
        writeln!(
            w,
            "{:<6} {:<12} {:>5}  {:<16}  databases",
            "db", "state", "count", "fingerprint"
        )?;
        for g in &status.groups {
            write_group(w, g)?;
        }
        let others_not_current = status
            .groups
            .iter()
            .any(|g| !matches!(g.state, DbState::Current | DbState::Unregistered));
        if others_not_current {
            writeln!(w, "not every database is current: `runner diff --tenant T` shows a plan, `runner migrate --all` applies it")?;
        } else if status.all_current {
            writeln!(w, "every database is current")?;
        }
        if status.unregistered > 0 {
            writeln!(
                w,
                "{} named like {} no registry row points at ({}): made by hand or by other tools, never touched by the runner; register it in the master's `tenant_databases` and `runner migrate --adopt` takes it over, or rename or drop it yourself",
                plural(status.unregistered, "database"),
                if status.unregistered == 1 { "a tenant" } else { "tenants" },
                if options.strict { "counted: --strict" } else { "not counted; --strict counts them" },
            )?;
        }
        Ok(())
    })?;
    Ok(if status.all_current {
        exit::SUCCESS
    } else {
        exit::NOT_CURRENT
    })
}

fn write_group(w: &mut dyn std::io::Write, g: &Group) -> std::io::Result<()> {
    let mut names: Vec<&str> = g.databases.iter().take(SHOWN).map(String::as_str).collect();
    let more = g.count.saturating_sub(SHOWN);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    names.sort_unstable_by_key(|_| 0);
    writeln!(
        w,
        "{:<6} {:<12} {:>5}  {:<16}  {}{more}",
        g.db.as_str(),
        g.state.as_str(),
        g.count,
        g.fingerprint.as_deref().unwrap_or("-"),
        names.join(", ")
    )?;
    if let Some(note) = &g.note {
        writeln!(w, "{:27}{note}", "")?;
    }
    for d in &g.differences {
        writeln!(w, "{:27}- {d}", "")?;
    }
    for d in &g.extras {
        writeln!(w, "{:27}+ {d} (kept)", "")?;
    }
    for l in &g.listed {
        writeln!(w, "{:27}~ {l} (not managed)", "")?;
    }
    for b in &g.behaviour {
        writeln!(w, "{:27}! {b}", "")?;
    }
    if !g.pending.is_empty() {
        writeln!(w, "{:27}migrate would:", "")?;
        for step in &g.pending {
            writeln!(w, "{:29}{step}", "")?;
        }
    }
    Ok(())
}
