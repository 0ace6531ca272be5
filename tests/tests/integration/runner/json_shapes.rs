//! The JSON each command prints under `--json`, pinned by shape (keys and
//! value types, arrays by their first element) in
//! `tests/tests/snapshots/json_shapes.txt`, so that scripts can rely on it
//! and a change to it shows in review. `UPDATE_EXPECT=1` rewrites it.

use expect_test::expect_file;
use runner::migrate::apply::MigrateOptions;
use runner::migrate::diff::{self, Which};
use runner::migrate::run::{self, RunOptions, Tenants};
use runner::migrate::status::{self, StatusOptions};
use runner::tenant::{self, CreateOptions};
use schema_model::plan::PlanOptions;
use serde_json::Value;
use sqlx::Executor;

use super::fleet::TestFleet;

/// `path: type` lines, one per leaf, keys sorted; an array by the union of
/// its elements' shapes (`[]` when empty).
fn shape(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            // `warnings` is there only when the server gives something to
            // warn about (an open cluster; the harness's is closed), so it is
            // no part of the pinned shape (docs/cli.md says so).
            for k in keys.into_iter().filter(|k| *k != "warnings") {
                shape(&map[k], &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) if items.is_empty() => out.push(format!("{path}: []")),
        Value::Array(items) => {
            let mut union = Vec::new();
            for item in items {
                shape(item, &format!("{path}[]"), &mut union);
            }
            union.sort();
            union.dedup();
            out.extend(union);
        }
        Value::String(_) => out.push(format!("{path}: string")),
        Value::Number(_) => out.push(format!("{path}: number")),
        Value::Bool(_) => out.push(format!("{path}: bool")),
        Value::Null => out.push(format!("{path}: null")),
    }
}

fn shape_of(name: &str, value: &impl serde::Serialize) -> String {
    let mut lines = Vec::new();
    shape(&serde_json::to_value(value).unwrap(), name, &mut lines);
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn every_commands_json_keeps_its_shape() {
    let fleet = TestFleet::initialised().await;
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let name = created.tenant.clone();
    // One tenant behind the declared schema, so that plans have steps.
    fleet
        .target
        .connect(&name)
        .await
        .unwrap()
        .execute("ALTER TABLE clients DROP COLUMN notes")
        .await
        .unwrap();
    let mut text = String::new();
    text += &shape_of(
        "master init",
        &runner::master::init(&fleet.target).await.unwrap(),
    );
    text += &shape_of("tenant create", &created);
    text += &shape_of(
        "tenant protect",
        &tenant::protect(&fleet.target, &name, true).await.unwrap(),
    );
    tenant::protect(&fleet.target, &name, false).await.unwrap();
    text += &shape_of(
        "tenant cleanup (its plan)",
        &tenant::plan_cleanup(&fleet.target, tenant::Selection::All)
            .await
            .unwrap(),
    );
    text += &shape_of("tenant list", &tenant::list(&fleet.target).await.unwrap());
    text += &shape_of(
        "server drain",
        &runner::servers::drain(&fleet.target, "default", true)
            .await
            .unwrap(),
    );
    runner::servers::drain(&fleet.target, "default", false)
        .await
        .unwrap();
    text += &shape_of(
        "pool fill",
        &tenant::pool::fill(&fleet.target, 1, None).await.unwrap(),
    );
    text += &shape_of(
        "pool drain",
        &tenant::pool::drain(&fleet.target, None).await.unwrap(),
    );
    text += &shape_of(
        "server list",
        &runner::servers::list(&fleet.target).await.unwrap(),
    );
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    text += &shape_of("status", &st);
    let planned = diff::for_database(
        &fleet.target,
        &Which::Tenant(name.clone()),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    text += &shape_of("diff", &planned);
    let dry = RunOptions {
        tenants: Tenants::Named(vec![name.clone()]),
        migrate: MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        },
        ..RunOptions::default()
    };
    let report = run::migrate(&fleet.target, &dry, &mut |_, _| {})
        .await
        .unwrap();
    text += &shape_of("migrate --dry-run", &report);
    let second = runner::testing::other_server(0);
    runner::servers::add(&fleet.target, "second", &second, None)
        .await
        .unwrap();
    let moving = tenant::MoveOptions::new("second", 1);
    text += &shape_of(
        "tenant move",
        &tenant::move_tenant(&fleet.target, &name, &moving)
            .await
            .unwrap(),
    );
    let error = tenant::drop(&fleet.target, "tenant_999999")
        .await
        .unwrap_err();
    text += &shape_of("error", &error.to_json());
    expect_file!["../../snapshots/json_shapes.txt"].assert_eq(&text);
}
