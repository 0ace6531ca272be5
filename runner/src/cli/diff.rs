//! `runner diff`.

use clap::{ArgGroup, Args};
use schema_model::plan::PlanOptions;

use super::{ConnArgs, Output};
use crate::migrate::diff::{self, Which};
use crate::migrate::Assessed;
use crate::RunnerError;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["master", "tenant", "from"])))]
pub struct DiffArgs {
    /// The plan for the master database.
    #[arg(long)]
    pub master: bool,
    /// The plan for one tenant.
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// The plan that brings this live database to the one of --to (every
    /// difference, drops included), as a script for `psql -1`.
    #[arg(
        long,
        value_name = "URL",
        requires = "to",
        env = "RSM_DIFF_FROM",
        hide_env_values = true
    )]
    pub from: Option<String>,
    /// The live database whose schema --from is brought to.
    #[arg(
        long,
        value_name = "URL",
        requires = "from",
        env = "RSM_DIFF_TO",
        hide_env_values = true
    )]
    pub to: Option<String>,
    /// Include drops of undeclared columns and tables.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Include drops of undeclared indexes, checks and constraints.
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

pub async fn run(args: DiffArgs, out: &mut Output<impl std::io::Write>) -> Result<(), RunnerError> {
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let between = diff::between(from, to).await?;
        return out.emit(&between, |w| {
            writeln!(w, "-- plan from {} to {}", between.from, between.to)?;
            write_assessed(w, &between.assessed)
        });
    }
    let which = match &args.tenant {
        Some(t) => Which::Tenant(t.clone()),
        None => Which::Master,
    };
    if let Which::Tenant(t) = &which {
        crate::target::check_name("tenant name", t)?;
    }
    let options = PlanOptions {
        allow_destructive: args.allow_destructive,
        prune: args.prune,
        exact: false,
    };
    let target = args.conn.target()?;
    let planned = diff::for_database(&target, &which, &options).await?;
    out.emit(&planned, |w| {
        writeln!(
            w,
            "-- plan for {} (schema now {}, declared {})",
            planned.database,
            planned.fingerprint,
            target.declared.fingerprint(match which {
                Which::Master => schema_core::DbKind::Master,
                Which::Tenant(_) => schema_core::DbKind::Tenant,
            })
        )?;
        write_assessed(w, &planned.assessed)
    })
}

fn write_assessed(w: &mut dyn std::io::Write, assessed: &Assessed) -> std::io::Result<()> {
    if assessed.plan.is_empty() && assessed.plan.kept.is_empty() {
        return writeln!(w, "-- nothing to do: the database has the declared schema");
    }
    for line in assessed.blocked_lines() {
        writeln!(w, "-- blocked: {line}")?;
    }
    for s in &assessed.at_stake {
        writeln!(w, "-- at stake in step {}: {} {}", s.step, s.count, s.what)?;
    }
    write!(w, "{}", assessed.plan.sql_script())
}
