//! `runner demo`: the whole tour on the local cluster (or a given server).

use clap::Args;

use super::output::{table, Progress};
use super::{ConnArgs, Output};
use crate::tenant::{self, CreateOptions, Created, SeedSet};
use crate::RunnerError;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
}

#[derive(serde::Serialize)]
struct Demo {
    master: crate::master::InitReport,
    tenants: Vec<Created>,
    /// Demo tenants made by an earlier run, kept as they are (run again, the
    /// demo adds nothing).
    existing: Vec<crate::tenant::TenantInfo>,
}

pub async fn run(args: DemoArgs, out: &mut Output<impl std::io::Write>) -> Result<(), RunnerError> {
    tenant::check_available(SeedSet::Realistic)?;
    let target = args.conn.target()?;
    let master = crate::master::init(&target).await?;
    let plan = [
        ("Studio Aurore", SeedSet::Base, 1),
        ("Studio Nord", SeedSet::Realistic, 1),
        ("Studio Sud", SeedSet::Realistic, 2),
    ];
    // An organization of the demo already registered: made by an earlier run.
    let listed = tenant::list(&target).await?;
    let earlier = |name: &str| {
        listed
            .iter()
            .find(|t| t.organization.as_deref() == Some(name))
            .cloned()
    };
    let mut progress = Progress::new(plan.len(), out.json());
    let mut tenants = Vec::new();
    let mut existing = Vec::new();
    for (name, seed, scale) in plan {
        if let Some(info) = earlier(name) {
            progress.step(&info.tenant);
            existing.push(info);
            continue;
        }
        let options = CreateOptions {
            name: Some(name.to_owned()),
            seed,
            scale,
            ..CreateOptions::default()
        };
        let created = tenant::create(&target, &options).await?;
        progress.step(&created.tenant);
        tenants.push(created);
    }
    let demo = Demo {
        master,
        tenants,
        existing,
    };
    out.emit(&demo, |w| {
        writeln!(
            w,
            "server: {}; master: {}",
            target.server.label, target.master_db
        )?;
        let mut rows: Vec<Vec<String>> = demo
            .existing
            .iter()
            .map(|t| {
                vec![
                    t.tenant.clone(),
                    t.organization.clone().unwrap_or_default(),
                    "-".into(),
                    "-".into(),
                    t.state.as_str().to_owned(),
                    "(an earlier demo)".into(),
                ]
            })
            .collect();
        rows.extend(demo.tenants.iter().map(|t| {
            vec![
                t.tenant.clone(),
                t.organization.clone(),
                t.seed.as_str().to_owned(),
                t.rows.to_string(),
                t.method.as_str().to_owned(),
                format!("{} ms", t.millis),
            ]
        }));
        table(
            w,
            &[
                "tenant",
                "organization",
                "seed",
                "rows",
                "schema",
                "created in",
            ],
            &rows,
        )?;
        writeln!(
            w,
            "next: `runner tenant list`, `runner tenant drop <tenant>`, `runner dev down`"
        )
    })
}
