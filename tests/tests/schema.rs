//! The compiled schema against the reference, without a server; and the DDL
//! of representative tables as reviewed snapshots.

use expect_test::expect_file;
use schema_core::{DbKind, SchemaDef, Table};
use schema_defs::{master, tenant};
use schema_model::compare::{compare, Difference};
use schema_model::ddl;
use schema_model::model::Schema;
use tests::reference;

#[test]
fn compiled_schemas_match_the_reference_model() {
    for db in [DbKind::Master, DbKind::Tenant] {
        let compiled = Schema::from_def(schema_defs::schema(db));
        let diffs = compare(&reference::load(db), &compiled);
        assert!(diffs.is_empty(), "{db}: {}", lines(&diffs));
    }
}

#[test]
fn constraint_names_follow_the_reference_convention() {
    // Names are not part of fidelity, but keeping the application's convention
    // means an existing database needs no renames.
    for db in [DbKind::Master, DbKind::Tenant] {
        let compiled = Schema::from_def(schema_defs::schema(db));
        for expected in reference::load(db).tables {
            let table = compiled.table(&expected.name).unwrap();
            let names = |t: &schema_model::model::Table| {
                let mut n: Vec<String> = t.unique.iter().map(|k| k.name.clone()).collect();
                n.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
                n.extend(t.primary_key.iter().map(|k| k.name.clone()));
                n.sort();
                n
            };
            assert_eq!(names(table), names(&expected), "{}", expected.name);
        }
    }
}

#[test]
fn comparison_reports_every_kind_of_drift() {
    let expected = reference::load(DbKind::Tenant);
    let mut actual = expected.clone();
    let clients = actual
        .tables
        .iter_mut()
        .find(|t| t.name == "clients")
        .unwrap();
    clients.columns.retain(|c| c.name != "first_name");
    let email = clients
        .columns
        .iter_mut()
        .find(|c| c.name == "email")
        .unwrap();
    email.nullable = false;
    email.data_type = schema_core::SqlType::Text;
    let kind = clients
        .columns
        .iter_mut()
        .find(|c| c.name == "type")
        .unwrap();
    kind.default = None;
    let notes = actual
        .tables
        .iter_mut()
        .find(|t| t.name == "client_notes")
        .unwrap();
    notes.foreign_keys[0].on_delete = schema_core::FkAction::NoAction;
    actual.tables.retain(|t| t.name != "rooms");

    let diffs: Vec<String> = compare(&expected, &actual)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        diffs,
        [
            "table client_notes: foreign key (client_id) -> clients (id) ON DELETE CASCADE ON UPDATE NO ACTION missing",
            "table client_notes: foreign key (client_id) -> clients (id) ON DELETE NO ACTION ON UPDATE NO ACTION not in the schema",
            "clients.email: type text, expected character varying(255)",
            "clients.email: NOT NULL, expected nullable",
            "clients.type: default none, expected 'individual'::character varying",
            "clients.first_name: missing",
            "table rooms: missing",
        ]
    );
}

#[test]
fn schemas_hold_every_reference_table_once() {
    assert_eq!(master::SCHEMA.tables.len(), 7);
    assert_eq!(tenant::SCHEMA.tables.len(), 31);
    let columns = |s: &SchemaDef| s.tables.iter().map(|t| t.columns.len()).sum::<usize>();
    assert_eq!(columns(&master::SCHEMA), 71);
    assert_eq!(columns(&tenant::SCHEMA), 501);
}

#[test]
fn tables_are_created_after_the_tables_they_reference() {
    for db in [DbKind::Master, DbKind::Tenant] {
        let script = ddl::create_script(&Schema::from_def(schema_defs::schema(db)));
        let position = |table: &str| {
            script
                .find(&format!("CREATE TABLE public.{table} ("))
                .unwrap()
        };
        for table in schema_defs::schema(db).tables {
            for fk in table.foreign_keys {
                assert!(
                    position(fk.ref_table) <= position(table.name),
                    "{} before {}",
                    fk.ref_table,
                    table.name
                );
            }
        }
        assert!(
            !script.contains("ALTER TABLE"),
            "no cycle in the reference schema"
        );
    }
}

#[test]
fn ddl_snapshots_of_representative_tables() {
    // clients: 54 columns, typed JSON, enum, date; invoices: numeric and a
    // unique key; track_comments: a self-reference with ON DELETE CASCADE;
    // organization_members: a composite unique key in master.
    let one = |def: &'static schema_core::TableDef| {
        let schema = SchemaDef {
            db: def.db,
            tables: Box::leak(Box::new([def])),
        };
        ddl::create_script(&Schema::from_def(&schema))
    };
    expect_file!["snapshots/clients.sql"].assert_eq(&one(tenant::Client::DEF));
    expect_file!["snapshots/invoices.sql"].assert_eq(&one(tenant::Invoice::DEF));
    expect_file!["snapshots/track_comments.sql"].assert_eq(&one(tenant::TrackComment::DEF));
    expect_file!["snapshots/organization_members.sql"]
        .assert_eq(&one(master::OrganizationMember::DEF));
}

fn lines(diffs: &[Difference]) -> String {
    diffs.iter().map(|d| format!("\n  {d}")).collect()
}

#[test]
fn committed_schema_docs_are_current() {
    // `cargo run -p runner -- docs` rewrites them.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema");
    for (name, text) in runner::docs::render_all() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == text,
            "docs/schema/{name} is stale: run `cargo run -p runner -- docs` and commit the result"
        );
    }
}

/// The fingerprint's canonical text of both declared schemas, pinned: a
/// change to it changes every stamp's fingerprint, so it shows in review.
#[test]
fn canonical_text_of_both_declared_schemas() {
    use schema_model::fingerprint::canonical;
    let text = |def: &SchemaDef| canonical(&Schema::from_def(def));
    expect_file!["snapshots/canonical_master.txt"]
        .assert_eq(&text(schema_defs::schema(DbKind::Master)));
    expect_file!["snapshots/canonical_tenant.txt"]
        .assert_eq(&text(schema_defs::schema(DbKind::Tenant)));
}

/// Every ER diagram of the schema reference renders in a real browser:
/// headless Chromium with Mermaid (`.ci/run` installs both; locally,
/// `RSM_CHROMIUM` and `RSM_MERMAID_JS` name them, else `chromium` on the
/// PATH and `target/mermaid/mermaid.min.js`). Without them the test says so
/// and passes, except under CI, where it fails.
#[test]
fn schema_diagrams_render_in_a_browser() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let chromium = std::env::var("RSM_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let mermaid = std::env::var("RSM_MERMAID_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target/mermaid/mermaid.min.js"));
    let have_chromium = std::process::Command::new(&chromium)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_chromium || !mermaid.exists() {
        let missing = format!(
            "needs {chromium} ({}) and {} ({}): `.ci/run` installs both",
            if have_chromium { "found" } else { "missing" },
            mermaid.display(),
            if mermaid.exists() { "found" } else { "missing" },
        );
        assert!(std::env::var_os("CI").is_none(), "{missing}");
        eprintln!("skipped: {missing}");
        return;
    }
    // Every diagram of the committed reference (another test keeps it current).
    let mut diagrams: Vec<(String, String)> = Vec::new();
    for (name, text) in runner::docs::render_all() {
        for (i, block) in text.split("```mermaid\n").skip(1).enumerate() {
            let diagram = block.split("```").next().unwrap_or_default();
            diagrams.push((format!("{name} diagram {}", i + 1), diagram.to_owned()));
        }
    }
    assert!(
        diagrams.len() >= 6,
        "one diagram per domain: {}",
        diagrams.len()
    );
    let dir = std::env::temp_dir().join(format!("rsm-diagrams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&mermaid, dir.join("mermaid.min.js")).unwrap();
    let texts: Vec<&str> = diagrams.iter().map(|(_, d)| d.as_str()).collect();
    let page = format!(
        r#"<!doctype html><html><body><pre id="out">pending</pre>
<script src="mermaid.min.js"></script>
<script>
const diagrams = {};
mermaid.initialize({{ startOnLoad: false }});
(async () => {{
  const results = [];
  for (let i = 0; i < diagrams.length; i++) {{
    try {{
      const {{ svg }} = await mermaid.render("d" + i, diagrams[i]);
      results.push(svg.includes("<svg") ? "ok" : "no svg");
    }} catch (e) {{
      results.push("error: " + String((e && e.message) || e));
    }}
  }}
  document.getElementById("out").textContent = JSON.stringify(results);
}})();
</script></body></html>"#,
        serde_json::to_string(&texts).unwrap()
    );
    let html = dir.join("diagrams.html");
    std::fs::write(&html, page).unwrap();
    let output = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let dom = String::from_utf8_lossy(&output.stdout);
    let results = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_default()
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let results: Vec<String> = serde_json::from_str(&results)
        .unwrap_or_else(|e| panic!("no result from the browser ({e}): {dom}"));
    assert_eq!(results.len(), diagrams.len());
    let failed: Vec<String> = diagrams
        .iter()
        .zip(&results)
        .filter(|(_, r)| *r != "ok")
        .map(|((name, _), r)| format!("{name}: {r}"))
        .collect();
    assert!(
        failed.is_empty(),
        "diagrams that do not render:\n{}",
        failed.join("\n")
    );
}
