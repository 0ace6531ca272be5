//! `runner tenant ...`.

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::output::{confirm, parse_age, table, warn, Progress};
use super::{ConnArgs, Output};
use crate::tenant::{self, CreateOptions, SeedSet, Selection, TenantInfo};
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct TenantArgs {
    #[command(subcommand)]
    pub command: TenantCommand,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant: organization and owner in master, the next free database
    /// holding the current schema, its own login role, the seed if asked.
    Create(CreateArgs),
    /// Every tenant and where it stands, and every database named like one.
    List(ConnArgs),
    /// Drop one tenant this master made (database, role, registry rows); asks unless --yes.
    Drop(DropArgs),
    /// Drop old (or all) unprotected tenants this master made, and what interrupted
    /// runs left; asks unless --yes.
    Cleanup(CleanupArgs),
    /// Mark a tenant protected (production) so that it is never dropped.
    Protect(ProtectArgs),
    /// Set a new password for a tenant's role and print its credentials.
    Credentials(CredentialsArgs),
    /// Seed an empty tenant.
    Seed(SeedArgs),
    /// Move a tenant to another server of the fleet: kept out while it is
    /// copied (pg_dump, pg_restore), verified, switched, the old copy dropped;
    /// asks unless --yes.
    Move(MoveArgs),
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The tenant database to move, e.g. `tenant_3`.
    pub tenant: String,
    /// The server to move it to (`runner server list`).
    #[arg(long)]
    pub to: String,
    /// Parallel jobs of pg_dump and pg_restore (1: one stream, nothing
    /// written to disk; more: a directory dump in a private temporary folder).
    #[arg(long, default_value_t = 1)]
    pub jobs: u32,
    /// Do not ask.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CreateSeedArg {
    None,
    Base,
    Realistic,
}

impl From<CreateSeedArg> for SeedSet {
    fn from(s: CreateSeedArg) -> SeedSet {
        match s {
            CreateSeedArg::None => SeedSet::None,
            CreateSeedArg::Base => SeedSet::Base,
            CreateSeedArg::Realistic => SeedSet::Realistic,
        }
    }
}

/// `tenant seed` has no `none`: it would seed nothing.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeedSetArg {
    Base,
    Realistic,
}

impl From<SeedSetArg> for SeedSet {
    fn from(s: SeedSetArg) -> SeedSet {
        match s {
            SeedSetArg::Base => SeedSet::Base,
            SeedSetArg::Realistic => SeedSet::Realistic,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The organization's name (default `Studio <n>`); any script, apostrophes welcome.
    #[arg(long)]
    pub name: Option<String>,
    /// Data to put in the new tenant.
    #[arg(long, value_enum, default_value = "none")]
    pub seed: CreateSeedArg,
    /// Volume of `realistic` (about 12,800 rows per unit), 1 to 1000.
    #[arg(long, default_value_t = 1)]
    pub scale: u64,
    /// Connections the tenant's role may hold at once.
    #[arg(long, env = "RSM_TENANT_CONNECTION_LIMIT", hide_env_values = true, default_value_t = tenant::DEFAULT_CONNECTION_LIMIT)]
    pub connection_limit: u32,
    /// Print the tenant role's credentials (they are shown nowhere else).
    #[arg(long)]
    pub show_credentials: bool,
    /// The server to place it on (`runner server list`); by default the one
    /// with the fewest tenants among those with room and not draining.
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// The tenant database, e.g. `tenant_3`.
    pub tenant: String,
    /// Do not ask (a protected tenant's credentials are rotated only when confirmed).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    /// The tenant database to drop, e.g. `tenant_3`.
    pub tenant: String,
    /// Do not ask.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["older_than", "all", "orphans"])))]
pub struct CleanupArgs {
    /// Tenants created longer ago than this (30m, 12h, 7d, 2w).
    #[arg(long, value_parser = parse_age)]
    pub older_than: Option<chrono::Duration>,
    /// Every unprotected tenant this master made.
    #[arg(long)]
    pub all: bool,
    /// Only what interrupted runs left.
    #[arg(long)]
    pub orphans: bool,
    /// Do not ask.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

impl CleanupArgs {
    fn selection(&self) -> Selection {
        match (self.older_than, self.all) {
            (Some(age), _) => Selection::OlderThan(age),
            (None, true) => Selection::All,
            (None, false) => Selection::Orphans,
        }
    }
}

#[derive(Debug, Args)]
pub struct ProtectArgs {
    /// The tenant database, e.g. `tenant_3`.
    pub tenant: String,
    /// Remove the protection instead.
    #[arg(long)]
    pub off: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The tenant database to seed (it must hold no rows), e.g. `tenant_3`.
    pub tenant: String,
    /// The seed set: `base` (a small fixed studio) or `realistic` (faked
    /// data in every table, at --scale).
    #[arg(long = "set", value_enum)]
    pub set: SeedSetArg,
    /// Volume of `realistic` (about 12,800 rows per unit), 1 to 1000.
    #[arg(long, default_value_t = 1)]
    pub scale: u64,
    /// Seed value of the faked data.
    #[arg(long, default_value_t = 1)]
    pub seed_value: u64,
    #[command(flatten)]
    pub conn: ConnArgs,
}

const HEADER: [&str; 7] = [
    "tenant",
    "organization",
    "server",
    "state",
    "protected",
    "created",
    "note",
];

fn rows(tenants: &[TenantInfo]) -> Vec<Vec<String>> {
    tenants
        .iter()
        .map(|t| {
            vec![
                t.tenant.clone(),
                t.organization.clone().unwrap_or_else(|| "-".into()),
                t.server.clone(),
                t.state.as_str().to_owned(),
                if t.protected { "yes".into() } else { "".into() },
                t.created_at
                    .map_or("-".into(), |c| c.format("%Y-%m-%d %H:%M").to_string()),
                t.note.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

pub async fn run(
    args: TenantArgs,
    out: &mut Output<impl std::io::Write>,
) -> Result<(), RunnerError> {
    match args.command {
        TenantCommand::Create(a) => {
            let options = CreateOptions {
                name: a.name,
                seed: a.seed.into(),
                scale: a.scale,
                credentials: a.show_credentials,
                connection_limit: a.connection_limit,
                server: a.server,
                ..CreateOptions::default()
            };
            tenant::check_scale(options.scale)?;
            if let Some(name) = &options.name {
                tenant::check_organization_name(name)?;
            }
            let target = a.conn.target()?;
            let mut progress = Progress::new(tenant::progress_steps(options.seed), out.json());
            let created =
                tenant::create_reporting(&target, &options, &mut |step| progress.step(step))
                    .await?;
            out.emit(&created, |w| {
                writeln!(
                    w,
                    "created {} on {} for {:?} (owner {}) in {} ms: schema {} ({}), {} rows seeded",
                    created.tenant,
                    created.server,
                    created.organization,
                    created.owner_email,
                    created.millis,
                    &created.fingerprint[..12],
                    created.method.as_str(),
                    created.rows
                )?;
                if let Some(c) = &created.credentials {
                    writeln!(w, "role {} password {}\nurl {}", c.role, c.password, c.url)?;
                }
                warn(&created.warnings);
                Ok(())
            })
        }
        TenantCommand::List(conn) => {
            let tenants = tenant::list(&conn.target()?).await?;
            out.emit(&tenants, |w| {
                if tenants.is_empty() {
                    return writeln!(w, "no tenants; `runner tenant create` makes one");
                }
                table(w, &HEADER, &rows(&tenants))
            })?;
            if !out.json() {
                let open: Vec<String> = tenants
                    .iter()
                    // The fix grants the tenant's role: a database this
                    // runner did not make has its own access (JSON says it).
                    .filter(|t| t.open_to_every_role && t.owned)
                    .map(|t| {
                        format!(
                            "every role, other tenants' included, may connect to `{0}`; to close it: {1} \
                             (then GRANT CONNECT to any other role that needs it)",
                            t.tenant,
                            tenant::exposure_fix(&t.tenant)
                        )
                    })
                    .collect();
                warn(&open);
            }
            Ok(())
        }
        TenantCommand::Drop(a) => {
            let target = a.conn.target()?;
            let info = tenant::find(&target, &a.tenant).await?;
            if info.protected {
                return Err(RunnerError::Protected { tenant: a.tenant });
            }
            if !info.owned {
                return Err(RunnerError::NotOwned {
                    database: a.tenant,
                    master: target.master_db.clone(),
                    reason: info
                        .note
                        .unwrap_or_else(|| "this master has no record of making it".into()),
                });
            }
            if !out.json() {
                table(out.raw(), &HEADER, &rows(std::slice::from_ref(&info)))?;
            }
            confirm(
                &format!("drop tenant {} and all its data?", a.tenant),
                a.yes,
            )?;
            let dropped = tenant::drop(&target, &a.tenant).await?;
            out.emit(&dropped, |w| writeln!(w, "dropped {}", dropped.tenant))
        }
        TenantCommand::Cleanup(a) => {
            let target = a.conn.target()?;
            let plan = tenant::plan_cleanup(&target, a.selection()).await?;
            if !out.json() {
                let w = out.raw();
                for kept in &plan.kept {
                    writeln!(w, "keeping {}: {}", kept.tenant, kept.reason)?;
                }
                if plan.tenants.is_empty() && plan.orphans.is_empty() {
                    writeln!(w, "nothing to clean up")?;
                    return Ok(());
                }
                if !plan.tenants.is_empty() {
                    writeln!(w, "will drop:")?;
                    table(w, &HEADER, &rows(&plan.tenants))?;
                }
                if !plan.orphans.is_empty() {
                    writeln!(
                        w,
                        "left by interrupted runs (removed unless they hold data):"
                    )?;
                    table(w, &HEADER, &rows(&plan.orphans))?;
                }
            } else if plan.tenants.is_empty() && plan.orphans.is_empty() {
                return out.emit(
                    &tenant::CleanupReport {
                        kept: plan.kept.clone(),
                        ..tenant::CleanupReport::default()
                    },
                    |_| Ok(()),
                );
            }
            if !plan.tenants.is_empty() {
                confirm(
                    &format!("drop these {} tenants?", plan.tenants.len()),
                    a.yes,
                )?;
            }
            let mut progress = Progress::new(plan.tenants.len(), out.json());
            let report = tenant::cleanup(&target, &plan, |t| progress.step(t)).await?;
            out.emit(&report, |w| {
                for kept in &report.kept {
                    writeln!(w, "kept {}: {}", kept.tenant, kept.reason)?;
                }
                writeln!(
                    w,
                    "dropped {} tenants; removed {} leftovers of interrupted runs",
                    report.dropped.len(),
                    report.repaired.len()
                )
            })
        }
        TenantCommand::Protect(a) => {
            let info = tenant::protect(&a.conn.target()?, &a.tenant, !a.off).await?;
            out.emit(&info, |w| {
                let state = if info.protected {
                    "protected"
                } else {
                    "no longer protected"
                };
                writeln!(w, "{} is {state}", info.tenant)
            })
        }
        TenantCommand::Credentials(a) => {
            let target = a.conn.target()?;
            let info = tenant::find(&target, &a.tenant).await?;
            if info.protected {
                confirm(
                    &format!(
                        "{} is protected (production): replace its password? The old one stops working at once",
                        a.tenant
                    ),
                    a.yes,
                )?;
            }
            let credentials = tenant::rotate_credentials(&target, &a.tenant).await?;
            out.emit(&credentials, |w| {
                writeln!(
                    w,
                    "role {} password {}\nurl {}",
                    credentials.role, credentials.password, credentials.url
                )
            })
        }
        TenantCommand::Move(a) => {
            let target = a.conn.target()?;
            let options = tenant::MoveOptions::new(a.to, a.jobs);
            let info = tenant::find(&target, &a.tenant).await?;
            if !out.json() {
                table(out.raw(), &HEADER, &rows(std::slice::from_ref(&info)))?;
            }
            confirm(
                &format!(
                    "move {} from `{}` to `{}`? Its roles are kept out until the copy is verified",
                    a.tenant, info.server, options.to
                ),
                a.yes,
            )?;
            let mut progress = Progress::new(tenant::MoveStep::ALL.len(), out.json());
            let moved = tenant::move_reporting(&target, &a.tenant, &options, &mut |step| {
                progress.step(step.as_str())
            })
            .await?;
            out.emit(&moved, |w| {
                writeln!(
                    w,
                    "moved {} from `{}` to `{}` in {} ms: {} rows in {} tables and {} sequences verified, catalog {}",
                    moved.tenant,
                    moved.from,
                    moved.to,
                    moved.millis,
                    moved.rows,
                    moved.tables,
                    moved.sequences,
                    &moved.catalog[..moved.catalog.len().min(12)]
                )
            })
        }
        TenantCommand::Seed(a) => {
            tenant::check_scale(a.scale)?;
            let target = a.conn.target()?;
            let seeded =
                tenant::seed_existing(&target, &a.tenant, a.set.into(), a.scale, a.seed_value)
                    .await?;
            out.emit(&seeded, |w| {
                writeln!(
                    w,
                    "seeded {} with `{}`: {} rows inserted",
                    seeded.tenant,
                    seeded.set.as_str(),
                    seeded.inserted
                )
            })
        }
    }
}
