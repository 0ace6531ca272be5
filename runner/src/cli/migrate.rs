//! `runner migrate`.

use std::time::Instant;

use clap::{ArgGroup, Args};

use super::output::{parse_timeout, plural, table, Progress};
use super::{ConnArgs, Output};
use crate::migrate::apply::{DbReport, MigrateOptions, Outcome};
use crate::migrate::run::{self, RunOptions, RunReport, Tenants};
use crate::RunnerError;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["all", "tenant", "master_only"])))]
pub struct MigrateArgs {
    /// The master, then every registered tenant.
    #[arg(long)]
    pub all: bool,
    /// The master, then these tenants (may repeat).
    #[arg(long, value_name = "TENANT")]
    pub tenant: Vec<String>,
    /// The master alone.
    #[arg(long = "master")]
    pub master_only: bool,
    /// Plan and check the data; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply destructive steps (drops, lossy type changes), undeclared columns and tables included.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Drop undeclared indexes, checks, constraints, triggers, rules and row level security.
    #[arg(long)]
    pub prune: bool,
    /// Adopt registered tenants made by other tools (checked first: never a
    /// system database, a master, a template, another master's database or
    /// one without the declared tenant tables).
    #[arg(long)]
    pub adopt: bool,
    /// Measure every database's catalog before calling it unchanged, whatever
    /// its DDL journal says.
    #[arg(long)]
    pub deep: bool,
    /// Tenants migrated at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Migrate this many tenants first, one by one, and stop on any failure.
    #[arg(long, value_name = "K")]
    pub canary: Option<usize>,
    /// Stop starting tenants once more than F have failed.
    #[arg(long, value_name = "F")]
    pub max_failures: Option<usize>,
    /// Go on with the last unfinished run (killed, or stopped) instead of starting one.
    #[arg(long)]
    pub resume: bool,
    /// How long a statement waits for a table lock before the attempt is retried (2s, 30s...).
    #[arg(long, default_value = "5s", value_parser = parse_timeout)]
    pub lock_timeout: chrono::Duration,
    #[command(flatten)]
    pub conn: ConnArgs,
}

pub async fn run(
    args: MigrateArgs,
    out: &mut Output<impl std::io::Write>,
) -> Result<u8, RunnerError> {
    let tenants = if args.all {
        Tenants::All
    } else if !args.tenant.is_empty() {
        Tenants::Named(args.tenant.clone())
    } else {
        Tenants::None
    };
    if let Tenants::Named(names) = &tenants {
        for name in names {
            crate::target::check_name("tenant name", name)?;
        }
    }
    let lock_timeout = args
        .lock_timeout
        .to_std()
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| RunnerError::InvalidInput("--lock-timeout must be longer than 0".into()))?;
    let options = RunOptions {
        migrate: MigrateOptions {
            allow_destructive: args.allow_destructive,
            prune: args.prune,
            dry_run: args.dry_run,
            lock_timeout,
            deep: args.deep,
            ..MigrateOptions::default()
        },
        tenants,
        concurrency: args.concurrency as usize,
        canary: args.canary,
        max_failures: args.max_failures,
        resume: args.resume,
        adopt: args.adopt,
    };
    let target = args.conn.target()?;
    let started = Instant::now();
    let mut progress = Progress::new(1, out.json());
    let report = run::migrate(&target, &options, &mut |r: &DbReport, total| {
        progress.set_total(total);
        progress.step(&r.database)
    })
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    out.emit(&report, |w| write_report(w, &report, seconds))?;
    Ok(report.exit_code())
}

fn write_report(
    w: &mut dyn std::io::Write,
    report: &RunReport,
    seconds: f64,
) -> std::io::Result<()> {
    if report.dry_run {
        writeln!(
            w,
            "dry run: each plan checked against its database's data; nothing was changed"
        )?;
    }
    if let Some(id) = &report.run_id {
        writeln!(
            w,
            "run {id}{}",
            if report.resumed { " (resumed)" } else { "" }
        )?;
    }
    // The master, then the tenants that did not end where they should, one
    // line per group with the same outcome and reason (a thousand tenants
    // blocked by the same rows read as one line, not a thousand).
    let mut groups: Vec<(Vec<&DbReport>, Outcome, Option<&str>)> = Vec::new();
    for t in report.tenants.iter().filter(|t| !t.outcome.is_ok()) {
        let reason = t.detail.as_deref();
        let same = |(_, outcome, detail): &&mut (Vec<&DbReport>, Outcome, Option<&str>)| {
            *outcome == t.outcome && *detail == reason
        };
        match groups.iter_mut().find(same) {
            Some((members, ..)) => members.push(t),
            None => groups.push((vec![t], t.outcome, reason)),
        }
    }
    let first_line = |d: Option<&str>| {
        d.map(|d| d.lines().next().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let named = |members: &[&DbReport]| {
        const SHOWN: usize = 3;
        let mut names: Vec<&str> = members
            .iter()
            .take(SHOWN)
            .map(|r| r.database.as_str())
            .collect();
        let more = members.len().saturating_sub(SHOWN);
        if more > 0 {
            names.push("…");
        }
        let names = names.join(", ");
        if members.len() == 1 {
            names
        } else {
            format!("{} ({names})", plural(members.len(), "tenant"))
        }
    };
    let m = &report.master;
    let mut rows = vec![vec![
        m.database.clone(),
        m.outcome.as_str().to_owned(),
        m.steps.to_string(),
        m.data_migrations.join(", "),
        format!("{} ms", m.millis),
        first_line(m.detail.as_deref()),
    ]];
    for (members, outcome, detail) in &groups {
        let steps = members[0].steps;
        rows.push(vec![
            named(members),
            outcome.as_str().to_owned(),
            steps.to_string(),
            members[0].data_migrations.join(", "),
            format!("{} ms", members.iter().map(|r| r.millis).max().unwrap_or(0)),
            first_line(*detail),
        ]);
    }
    table(
        w,
        &[
            "database",
            "outcome",
            "steps",
            "data migrations",
            "time",
            "detail",
        ],
        &rows,
    )?;
    if let Some(detail) = multi_line(m.detail.as_deref()) {
        writeln!(w, "{}:", m.database)?;
        for l in detail.lines() {
            writeln!(w, "  {l}")?;
        }
    }
    for (members, _, detail) in &groups {
        if let Some(detail) = multi_line(*detail) {
            writeln!(w, "{}:", named(members))?;
            for l in detail.lines() {
                writeln!(w, "  {l}")?;
            }
        }
    }
    let adopted: Vec<&str> = report
        .tenants
        .iter()
        .filter(|t| t.adopted)
        .map(|t| t.database.as_str())
        .collect();
    if !adopted.is_empty() {
        writeln!(
            w,
            "{} (registered by other tools; each recorded in the master as its tenant, stamped, and given the runner's journal): {}",
            if report.dry_run { "would adopt" } else { "adopted" },
            adopted.join(", ")
        )?;
    }
    if report.dry_run {
        // Each distinct plan once, with the databases it is for.
        let mut shown: Vec<&str> = Vec::new();
        for r in std::iter::once(&report.master).chain(&report.tenants) {
            let (Some(assessed), Some(before)) = (&r.plan, &r.fingerprint_before) else {
                continue;
            };
            if shown.contains(&before.as_str()) || assessed.plan.is_empty() {
                continue;
            }
            shown.push(before);
            let alike: Vec<&str> = std::iter::once(&report.master)
                .chain(&report.tenants)
                .filter(|o| o.fingerprint_before.as_deref() == Some(before.as_str()))
                .map(|o| o.database.as_str())
                .collect();
            writeln!(
                w,
                "\n-- plan for {} ({})",
                alike.join(", "),
                plural(alike.len(), "database")
            )?;
            write!(w, "{}", assessed.plan.sql_script())?;
        }
    }
    let s = &report.summary;
    let counted: Vec<String> = [
        (s.migrated, "migrated"),
        (s.unchanged, "unchanged"),
        (s.stamped, "stamped"),
        (s.planned, "planned"),
        (s.blocked, "blocked"),
        (s.needs_destructive, "need --allow-destructive"),
        (s.needs_prune, "need --prune"),
        (s.busy, "busy"),
        (s.not_adopted, "not adopted"),
        (s.failed, "failed"),
        (s.skipped, "skipped"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let tenants = report.tenants.len();
    writeln!(
        w,
        "{}{}; {}; {seconds:.1} s",
        plural(tenants, "tenant"),
        if counted.is_empty() {
            String::new()
        } else {
            format!(": {}", counted.join(", "))
        },
        plural(report.plans, "plan"),
    )?;
    if let Some(why) = &report.stopped {
        writeln!(w, "stopped: {why}")?;
    }
    Ok(())
}

/// A detail worth printing in full under the table: one of several lines.
fn multi_line(detail: Option<&str>) -> Option<&str> {
    detail.filter(|d| d.lines().count() > 1)
}
