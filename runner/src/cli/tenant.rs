//! `runner tenant ...`.

use clap::{Args, Subcommand, ValueEnum};

use super::output::{confirm, parse_duration, table, Progress};
use super::{ConnArgs, Output};
use crate::tenant::{self, CreateOptions, SeedSet, TenantInfo};
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
    /// Every tenant, where it stands, and orphans.
    List(ConnArgs),
    /// Drop one tenant (database, role, registry rows); asks unless --yes.
    Drop(DropArgs),
    /// Drop old, unprotected tenants, orphans and dangling registry rows; asks unless --yes.
    Cleanup(CleanupArgs),
    /// Mark a tenant protected (production) so that it is never dropped.
    Protect(ProtectArgs),
    /// Set a new password for a tenant's role and print its credentials.
    Credentials(NameArgs),
    /// Seed an existing tenant.
    Seed(SeedArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeedArg {
    None,
    Base,
    Realistic,
}

impl From<SeedArg> for SeedSet {
    fn from(s: SeedArg) -> SeedSet {
        match s {
            SeedArg::None => SeedSet::None,
            SeedArg::Base => SeedSet::Base,
            SeedArg::Realistic => SeedSet::Realistic,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The organization's name (default `Studio <n>`).
    #[arg(long)]
    pub name: Option<String>,
    /// Data to put in the new tenant.
    #[arg(long, value_enum, default_value = "none")]
    pub seed: SeedArg,
    /// Volume of `realistic` (about 12,800 rows per unit).
    #[arg(long, default_value_t = 1)]
    pub scale: u64,
    /// Print the tenant role's credentials (they are shown nowhere else).
    #[arg(long)]
    pub show_credentials: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// The tenant database, e.g. `tenant_3`.
    pub tenant: String,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    pub tenant: String,
    /// Do not ask.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Only tenants created longer ago than this (30m, 12h, 7d, 2w).
    #[arg(long, value_parser = parse_duration)]
    pub older_than: Option<chrono::Duration>,
    /// Do not ask.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct ProtectArgs {
    pub tenant: String,
    /// Remove the protection instead.
    #[arg(long)]
    pub off: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    pub tenant: String,
    #[arg(long = "set", value_enum)]
    pub set: SeedArg,
    #[arg(long, default_value_t = 1)]
    pub scale: u64,
    /// Seed value of the faked data.
    #[arg(long, default_value_t = 1)]
    pub seed_value: u64,
    #[command(flatten)]
    pub conn: ConnArgs,
}

fn rows(tenants: &[TenantInfo]) -> Vec<Vec<String>> {
    tenants
        .iter()
        .map(|t| {
            vec![
                t.tenant.clone(),
                t.organization.clone().unwrap_or_else(|| "-".into()),
                format!("{:?}", t.state).to_lowercase(),
                if t.protected { "yes".into() } else { "".into() },
                t.created_at
                    .map_or("-".into(), |c| c.format("%Y-%m-%d %H:%M").to_string()),
            ]
        })
        .collect()
}

const HEADER: [&str; 5] = ["tenant", "organization", "state", "protected", "created"];

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
                ..CreateOptions::default()
            };
            let mut progress = Progress::new(tenant::progress_steps(options.seed), out.json());
            let created = tenant::create_reporting(&a.conn.target()?, &options, &mut |step| {
                progress.step(step)
            })
            .await?;
            out.emit(&created, |w| {
                writeln!(
                    w,
                    "created {} for {:?} (owner {}) in {} ms: schema {} ({:?}), {} rows seeded",
                    created.tenant,
                    created.organization,
                    created.owner_email,
                    created.millis,
                    &created.fingerprint[..12],
                    created.method,
                    created.rows
                )?;
                if let Some(c) = &created.credentials {
                    writeln!(w, "role {} password {}\nurl {}", c.role, c.password, c.url)?;
                }
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
            })
        }
        TenantCommand::Drop(a) => {
            let target = a.conn.target()?;
            let info = tenant::find(&target, &a.tenant).await?;
            if info.protected {
                return Err(RunnerError::Protected { tenant: a.tenant });
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
            let plan = tenant::plan_cleanup(&target, a.older_than).await?;
            if !out.json() {
                let w = out.raw();
                for kept in &plan.kept_protected {
                    writeln!(w, "keeping {kept}: protected")?;
                }
                if plan.tenants.is_empty() {
                    writeln!(w, "nothing to clean up")?;
                    return Ok(());
                }
                writeln!(w, "will drop:")?;
                table(w, &HEADER, &rows(&plan.tenants))?;
            }
            if !plan.tenants.is_empty() {
                confirm(
                    &format!("drop these {} tenants?", plan.tenants.len()),
                    a.yes,
                )?;
            }
            let mut progress = Progress::new(plan.tenants.len(), out.json());
            let dropped = tenant::cleanup(&target, &plan, |t| progress.step(t)).await?;
            out.emit(&dropped, |w| {
                writeln!(w, "dropped {} tenants", dropped.len())
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
            let credentials = tenant::rotate_credentials(&a.conn.target()?, &a.tenant).await?;
            out.emit(&credentials, |w| {
                writeln!(
                    w,
                    "role {} password {}\nurl {}",
                    credentials.role, credentials.password, credentials.url
                )
            })
        }
        TenantCommand::Seed(a) => {
            let target = a.conn.target()?;
            let rows =
                tenant::seed_existing(&target, &a.tenant, a.set.into(), a.scale, a.seed_value)
                    .await?;
            out.emit(
                &serde_json::json!({ "tenant": a.tenant, "rows": rows }),
                |w| writeln!(w, "{} now holds {rows} rows", a.tenant),
            )
        }
    }
}
