//! `runner pull`: declarations out of a live database.
//!
//! The round trip: databases built from the reference fixture (7 master and
//! 31 tenant tables) are pulled; the files are compiled in a scratch crate
//! (a trybuild `pass` case, sharing the suite's build) whose `main` renders
//! them: zero differences from the database it was pulled from, and the
//! same DDL as `schema-defs`. Beside it, a database using what declarations
//! cannot express (an enum type, arrays, json, a composite foreign key,
//! expression and partial indexes, lengthless varchar/numeric) pulls into
//! files that still compile, each left-out thing named in a comment and a
//! warning. And `--merge` brings an existing declaration up to date without
//! losing its enums, typed JSON, presets and comments: `schema-defs` itself,
//! merged with a database that moved on, changes in exactly those lines and
//! still compiles into the database's schema.

use std::path::{Path, PathBuf};

use schema_core::DbKind;
use schema_model::ddl;
use sqlx::Executor;
use tests::{fresh_database, reference};

/// The database a pull reads, as reports name it.
fn at(name: &str) -> runner::server::Located {
    runner::server::Located {
        database: name.to_owned(),
        server: "the test server".into(),
    }
}

const ODD_SQL: &str = r#"
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE orgs (id integer, code text, PRIMARY KEY (id, code));
CREATE TABLE people (
    id serial PRIMARY KEY,
    email text NOT NULL,
    mood mood,
    tags text[],
    settings json,
    score numeric,
    nick varchar,
    "type" text DEFAULT 'member' NOT NULL,
    age integer CHECK (age >= 0),
    org_id integer,
    org_code text,
    "Weird Name" text,
    "evil
}
fn injected() {}
//" mood,
    FOREIGN KEY (org_id, org_code) REFERENCES orgs (id, code)
);
CREATE TABLE "type" (id serial PRIMARY KEY, person_id integer REFERENCES people (id));
CREATE TABLE "LineItem" (
    "ID" serial PRIMARY KEY,
    "personId" integer NOT NULL REFERENCES people (id),
    "createdAt" timestamp DEFAULT now() NOT NULL,
    "Weird ""quoted"" name" text
);
CREATE INDEX people_lower_email ON people (lower(email));
CREATE INDEX people_adults ON people (email) WHERE age > 18;
CREATE UNIQUE INDEX people_email_type ON people (email, "type");
CREATE TABLE "mod" (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a integer,
                    doubled integer GENERATED ALWAYS AS (a * 2) STORED);
"#;

const MOVED_ON: &str = "
ALTER TABLE sessions ADD COLUMN sync_version integer DEFAULT 1 NOT NULL;
ALTER TABLE sessions ALTER COLUMN room_id DROP NOT NULL;
ALTER TABLE sessions ALTER COLUMN title TYPE varchar(300);
CREATE TABLE studio_notes (
    id serial PRIMARY KEY,
    session_id integer REFERENCES sessions (id) ON DELETE CASCADE,
    body text NOT NULL
);
";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// An empty folder of this test's own (the tests run at once: a shared one
/// was emptied by one under the other's feet).
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("pull")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Pull a database made by `sql` into `out`, leaving the database's model
/// beside it as `introspected.json`.
async fn pull_into(sql: &str, db: DbKind, out: &Path) -> runner::pull::PullReport {
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    conn.execute(sql).await.unwrap();
    let report = runner::pull::pull(&mut conn, &at(&test_db.name), db, out, false)
        .await
        .unwrap();
    let actual = schema_model::introspect::introspect(&mut conn, "public")
        .await
        .unwrap();
    std::fs::write(
        out.join("introspected.json"),
        serde_json::to_string(&actual).unwrap(),
    )
    .unwrap();
    report
}

#[tokio::test]
async fn pulled_declarations_compile_and_render_the_database_they_came_from() {
    let dir = scratch("compile");
    let mut introspected = Vec::new();
    for db in [DbKind::Master, DbKind::Tenant] {
        let fixture = reference::load(db);
        let out = dir.join(db.as_str());
        let test_db = fresh_database().await;
        let mut conn = test_db.connect().await;
        conn.execute(ddl::create_script(&fixture).as_str())
            .await
            .unwrap();
        let report = runner::pull::pull(&mut conn, &at(&test_db.name), db, &out, false)
            .await
            .unwrap();
        assert_eq!(report.tables, fixture.tables.len());
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!(report.written.len(), fixture.tables.len() + 1);
        let actual = schema_model::introspect::introspect(&mut conn, "public")
            .await
            .unwrap();
        let json = out.join("introspected.json");
        std::fs::write(&json, serde_json::to_string(&actual).unwrap()).unwrap();
        introspected.push(json);
    }

    // `schema-defs` itself, merged with a database that moved on: three
    // changes to `sessions` and a new table; nothing else is touched.
    let merged = dir.join("merged");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema-defs/src"),
        &merged,
    );
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    conn.execute(runner::schema::sql_script(DbKind::Tenant).as_str())
        .await
        .unwrap();
    conn.execute(MOVED_ON).await.unwrap();
    let report = runner::pull::pull(
        &mut conn,
        &at(&test_db.name),
        DbKind::Tenant,
        &merged.join("tenant"),
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            report.written.len(),
            report.merged.len(),
            report.unchanged.len()
        ),
        (1, 2, 30),
        "{report:?}"
    );
    assert_eq!(
        report.warnings,
        [
            "`sessions.room_id`: brought up to date: now nullable",
            "`sessions.title`: brought up to date: keys now (varchar(300))",
            "`sessions.sync_version`: added (the database has it, the declaration did not)",
            "mod.rs: added module `studio_notes`",
        ]
    );
    let sessions = std::fs::read_to_string(merged.join("tenant/sessions.rs")).unwrap();
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema-defs/src/tenant/sessions.rs"),
    )
    .unwrap();
    let expected = original
        .replacen("    pub room_id: i32,", "    pub room_id: Option<i32>,", 1)
        .replacen(
            "    #[column(varchar(255))]\n    pub title:",
            "    #[column(varchar(300))]\n    pub title:",
            1,
        )
        .replacen(
            "    pub updated_at: NaiveDateTime,\n}",
            "    pub updated_at: NaiveDateTime,\n    #[column(default = 1)]\n    pub sync_version: i32,\n}",
            1,
        );
    assert_ne!(expected, original);
    assert_eq!(sessions, expected);
    let actual = schema_model::introspect::introspect(&mut conn, "public")
        .await
        .unwrap();
    let merged_json = merged.join("introspected.json");
    std::fs::write(&merged_json, serde_json::to_string(&actual).unwrap()).unwrap();

    let odd = pull_into(ODD_SQL, DbKind::Tenant, &dir.join("odd")).await;
    let said = odd.warnings.join("\n");
    for expected in [
        "column `mood` (mood) left out: an enum type",
        "column `tags` (text[]) left out: an array type",
        "column `settings` (json) left out",
        "column `score` (numeric) left out: `numeric` without precision",
        "column `nick` (character varying) left out",
        "column `evil\\n}\\nfn injected() {}\\n//` (mood) left out: an enum type",
        "foreign key `people_org_id_org_code_fkey` is composite",
        "index `people_lower_email` is on an expression (`lower(email)`)",
        "index `people_adults` is partial",
        "`mod`: column `id` is GENERATED ALWAYS AS IDENTITY: pulled as a plain column",
        "`mod`: column `doubled` is GENERATED ALWAYS AS ((a * 2)) STORED: pulled as a plain column",
    ] {
        assert!(said.contains(expected), "{expected}\nnot in\n{said}");
    }
    let people = std::fs::read_to_string(dir.join("odd/people.rs")).unwrap();
    for expected in [
        "// `mood` mood: an enum type",
        "    // `evil\\n}\\nfn injected() {}\\n//` mood: an enum type",
        "#[column(name = \"Weird Name\")]\n    pub weird_name: Option<String>,",
        "// - foreign key `people_org_id_org_code_fkey` is composite",
        "#[column(default = \"member\")]\n    pub r#type: String,",
        "check(name = \"people_age_check\", sql = \"age >= 0\")",
        "unique_index(email, r#type)",
    ] {
        assert!(people.contains(expected), "{expected}\nnot in\n{people}");
    }
    let line_item = std::fs::read_to_string(dir.join("odd/line_item.rs")).unwrap();
    for expected in [
        "#[table(name = \"LineItem\", db = tenant)]\npub struct LineItem {",
        "#[column(name = \"ID\", primary_key, serial)]\n    pub id: i32,",
        "#[column(name = \"personId\", references = People::id)]\n    pub person_id: i32,",
        "#[column(name = \"createdAt\", default = now)]\n    pub created_at: NaiveDateTime,",
        "#[column(name = \"Weird \\\"quoted\\\" name\")]\n    pub weird_quoted_name: Option<String>,",
    ] {
        assert!(line_item.contains(expected), "{expected}\nnot in\n{line_item}");
    }
    let module = std::fs::read_to_string(dir.join("odd/mod.rs")).unwrap();
    assert!(
        module.contains("line_item = \"LineItem\" => LineItem,"),
        "{module}"
    );
    assert!(
        module.contains("mod r#type;") && module.contains("r#type => Type,"),
        "{module}"
    );
    // A table named `mod` does not write over the index.
    assert!(
        module.contains("mod mod_2;") && module.contains("mod_2 = \"mod\" => Mod,"),
        "{module}"
    );
    assert!(dir.join("odd/mod_2.rs").exists());
    let orgs = std::fs::read_to_string(dir.join("odd/orgs.rs")).unwrap();
    assert!(orgs.contains("primary_key(id, code)"), "{orgs}");

    let main = dir.join("round_trip.rs");
    std::fs::write(
        &main,
        format!(
            r#"// Generated by tests/tests/integration/pull.rs.
#[path = "{dir}/master/mod.rs"]
mod master;
#[path = "{dir}/tenant/mod.rs"]
mod tenant;
#[path = "{dir}/odd/mod.rs"]
mod odd;
#[path = "{dir}/merged/json.rs"]
mod json;
#[path = "{dir}/merged/tenant/mod.rs"]
mod merged;

use schema_model::model::Schema;

fn sorted(mut s: Schema) -> String {{
    s.tables.sort_by(|a, b| a.name.cmp(&b.name));
    schema_model::ddl::create_script(&s)
}}

fn main() {{
    for (pulled, declared, introspected) in [
        (&master::SCHEMA, schema_defs::schema(schema_core::DbKind::Master), "{master_json}"),
        (&tenant::SCHEMA, schema_defs::schema(schema_core::DbKind::Tenant), "{tenant_json}"),
    ] {{
        let pulled = Schema::from_def(pulled);
        let actual: Schema =
            serde_json::from_str(&std::fs::read_to_string(introspected).unwrap()).unwrap();
        let differences = schema_model::compare::compare(&actual, &pulled);
        assert!(differences.is_empty(), "{{differences:?}}");
        assert_eq!(sorted(pulled), sorted(Schema::from_def(declared)));
    }}
    assert_eq!(odd::SCHEMA.tables.len(), 5);
    assert_eq!(<odd::Type as schema_core::Table>::NAME, "type");
    assert_eq!(<odd::LineItem as schema_core::Table>::NAME, "LineItem");
    assert_eq!(odd::Volumes::TABLES, 5);
    assert_eq!(<odd::Mod as schema_core::Table>::NAME, "mod");
    let volumes = odd::Volumes {{ orgs: 1, people: 2, r#type: 3, line_item: 4, mod_2: 5 }};
    assert_eq!(volumes.by_name("type"), Some(3));
    assert_eq!(volumes.by_name("LineItem"), Some(4));
    // The tables with nothing left out render as their database has them.
    let actual: Schema =
        serde_json::from_str(&std::fs::read_to_string("{dir}/odd/introspected.json").unwrap()).unwrap();
    let pulled = Schema::from_def(&odd::SCHEMA);
    for table in ["LineItem", "type", "orgs"] {{
        let only = |s: &Schema| Schema {{ tables: s.tables.iter().filter(|t| t.name == table).cloned().collect() }};
        let differences = schema_model::compare::compare(&only(&actual), &only(&pulled));
        assert!(differences.is_empty(), "{{table}}: {{differences:?}}");
    }}
    let actual: Schema =
        serde_json::from_str(&std::fs::read_to_string("{merged_json}").unwrap()).unwrap();
    let differences = schema_model::compare::compare(&actual, &Schema::from_def(&merged::SCHEMA));
    assert!(differences.is_empty(), "{{differences:?}}");
}}
"#,
            dir = dir.display(),
            master_json = introspected[0].display(),
            tenant_json = introspected[1].display(),
            merged_json = merged_json.display(),
        ),
    )
    .unwrap();
    trybuild::TestCases::new().pass(&main);
}

const PRESET: &str = r#"
impl RoomFactory {
    /// A big room.
    pub fn big(self) -> Self {
        self.capacity(40)
    }
}
"#;

#[tokio::test]
async fn merge_brings_a_declaration_up_to_date_and_refuses_to_overwrite_without_it() {
    let dir = scratch("merge");
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    conn.execute(
        "CREATE TABLE rooms (id serial PRIMARY KEY, name varchar(80) NOT NULL, capacity integer)",
    )
    .await
    .unwrap();
    let name = test_db.name.clone();
    runner::pull::pull(&mut conn, &at(&name), DbKind::Tenant, &dir, false)
        .await
        .unwrap();
    let rooms = dir.join("rooms.rs");
    // The team's edits: a comment, a fake annotation, a preset.
    let edited = std::fs::read_to_string(&rooms)
        .unwrap()
        .replace(
            "    #[column(varchar(80))]\n",
            "    /// As shown to clients.\n    #[column(varchar(80), fake = \"company::CompanyName()\")]\n",
        )
        + PRESET;
    std::fs::write(&rooms, &edited).unwrap();

    // Without --merge, nothing is overwritten.
    let err = runner::pull::pull(&mut conn, &at(&name), DbKind::Tenant, &dir, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--merge"), "{err}");
    assert_eq!(std::fs::read_to_string(&rooms).unwrap(), edited);

    conn.execute(
        "ALTER TABLE rooms ADD COLUMN hourly_rate numeric(8, 2) DEFAULT 0 NOT NULL;
         ALTER TABLE rooms ALTER COLUMN capacity SET NOT NULL;
         CREATE TABLE gear (id serial PRIMARY KEY, room_id integer NOT NULL REFERENCES rooms (id))",
    )
    .await
    .unwrap();
    let report = runner::pull::pull(&mut conn, &at(&name), DbKind::Tenant, &dir, true)
        .await
        .unwrap();
    let merged = std::fs::read_to_string(&rooms).unwrap();
    for kept in [
        "/// As shown to clients.",
        "fake = \"company::CompanyName()\"",
        "pub fn big(self)",
    ] {
        assert!(merged.contains(kept), "{kept}\nnot in\n{merged}");
    }
    assert!(merged.contains("pub capacity: i32,"), "{merged}");
    assert!(
        merged.contains("#[column(numeric(8, 2), default = 0)]\n    pub hourly_rate: Decimal,"),
        "{merged}"
    );
    assert!(
        merged.contains("use schema_core::{Table, Decimal};"),
        "{merged}"
    );
    let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    assert!(
        module.contains("mod gear;") && module.contains("gear => Gear,"),
        "{module}"
    );
    assert!(report.written.iter().any(|p| p.ends_with("gear.rs")));
    assert_eq!(report.merged.len(), 2, "{report:?}");

    // Merging what is already up to date changes nothing.
    let again = runner::pull::pull(&mut conn, &at(&name), DbKind::Tenant, &dir, true)
        .await
        .unwrap();
    assert!(
        again.merged.is_empty() && again.written.is_empty(),
        "{again:?}"
    );
}
