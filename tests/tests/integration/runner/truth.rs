//! Hand changes outside the columns and keys the engine used to read, each
//! made as a superuser on a tenant the runner made: `status` (plain and
//! `--deep`) no longer calls it current and says why, `migrate` (with
//! `--prune` and `--allow-destructive`, as the class of each step asks)
//! repairs it with every row kept, and `status` is current again. Also:
//! a database setting cannot redirect a step, a silenced journal vouches
//! for nothing, and a registry row alone adopts nothing.

use runner::migrate::apply::{DbReport, MigrateOptions, Outcome};
use runner::migrate::run::{self, RunOptions, RunReport, Tenants};
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::tenant::{self, CreateOptions};
use schema_model::introspect::catalog_hash;
use sqlx::{Connection, Executor, PgConnection};

use super::fleet::TestFleet;

async fn state_of(fleet: &TestFleet, tenant: &str, deep: bool) -> (DbState, String) {
    let options = StatusOptions {
        deep,
        ..StatusOptions::default()
    };
    let st = status::status(&fleet.target, &options).await.unwrap();
    let g = st
        .groups
        .iter()
        .find(|g| g.databases.iter().any(|d| d == tenant))
        .unwrap();
    (g.state, format!("{g:#?}"))
}

/// A tenant seeded with `realistic` at scale 1, and a superuser connection.
async fn realistic_tenant(fleet: &TestFleet) -> (String, PgConnection) {
    let options = CreateOptions {
        seed: tenant::SeedSet::Realistic,
        scale: 1,
        ..CreateOptions::default()
    };
    let name = tenant::create(&fleet.target, &options)
        .await
        .unwrap()
        .tenant;
    let conn = fleet.target.connect(&name).await.unwrap();
    (name, conn)
}

async fn migrate(fleet: &TestFleet, options: &RunOptions) -> RunReport {
    run::migrate(&fleet.target, options, &mut |_, _| {})
        .await
        .unwrap()
}

/// The report of `tenant` in a run.
fn of<'r>(report: &'r RunReport, tenant: &str) -> &'r DbReport {
    report
        .tenants
        .iter()
        .find(|t| t.database == tenant)
        .unwrap_or_else(|| panic!("{tenant} in {report:#?}"))
}

async fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

/// (what, the hand change, a word the status must give as its reason)
const CASES: &[(&str, &str, &str)] = &[
    (
        "a foreign key re-added NOT VALID over an orphan",
        "ALTER TABLE client_notes DROP CONSTRAINT client_notes_client_id_clients_id_fk;
         INSERT INTO client_notes (client_id, note) VALUES (999999, 'orphan');
         DELETE FROM client_notes WHERE client_id = 999999;
         ALTER TABLE client_notes ADD CONSTRAINT client_notes_client_id_clients_id_fk
           FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE NOT VALID;",
        "validate foreign key",
    ),
    (
        "foreign key triggers disabled",
        "ALTER TABLE client_notes DISABLE TRIGGER ALL;",
        "client_notes",
    ),
    (
        "a unique key made NULLS NOT DISTINCT",
        "ALTER TABLE invoices DROP CONSTRAINT invoices_invoice_number_unique;
         ALTER TABLE invoices ADD CONSTRAINT invoices_invoice_number_unique UNIQUE NULLS NOT DISTINCT (invoice_number);",
        "invoice_number",
    ),
    (
        "a unique key made deferrable",
        "ALTER TABLE invoices DROP CONSTRAINT invoices_invoice_number_unique;
         ALTER TABLE invoices ADD CONSTRAINT invoices_invoice_number_unique UNIQUE (invoice_number) DEFERRABLE INITIALLY DEFERRED;",
        "invoice_number",
    ),
    (
        "a deferred foreign key",
        "ALTER TABLE client_notes ALTER CONSTRAINT client_notes_client_id_clients_id_fk DEFERRABLE INITIALLY DEFERRED;",
        "DEFERRABLE",
    ),
    (
        "an exclusion constraint",
        "ALTER TABLE clients ADD CONSTRAINT one_name EXCLUDE USING btree (name WITH =);",
        "exclusion constraint one_name",
    ),
    (
        "the serial default drawing from another sequence",
        "CREATE SEQUENCE public.other_seq; ALTER TABLE clients ALTER COLUMN id SET DEFAULT nextval('other_seq');",
        "clients.id",
    ),
    (
        "the serial's sequence owned by nothing",
        "ALTER SEQUENCE clients_id_seq OWNED BY NONE;",
        "clients.id",
    ),
    (
        "a trigger that discards inserts",
        "CREATE FUNCTION public.swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
         CREATE TRIGGER swallow BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION public.swallow();",
        "trigger swallow",
    ),
    (
        "a rule that discards inserts",
        "CREATE RULE swallow AS ON INSERT TO clients DO INSTEAD NOTHING;",
        "rule swallow",
    ),
    (
        "row level security",
        "ALTER TABLE clients ENABLE ROW LEVEL SECURITY;",
        "row level security",
    ),
    (
        "a collation",
        "ALTER TABLE clients ALTER COLUMN email TYPE varchar(255) COLLATE \"C\";",
        "collation",
    ),
    (
        "an unlogged table",
        "ALTER TABLE client_notes SET UNLOGGED;",
        "logged",
    ),
    (
        "a restrictive second foreign key beside the declared cascade",
        "ALTER TABLE client_notes ADD CONSTRAINT notes_restrict FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE RESTRICT;",
        "notes_restrict",
    ),
    (
        "a column renamed by hand",
        "ALTER TABLE clients RENAME COLUMN notes TO remarks;",
        "rename column clients.remarks to notes",
    ),
];

#[tokio::test]
async fn every_hand_change_reads_drifted_and_migrate_repairs_it_with_every_row() {
    let fleet = TestFleet::initialised().await;
    for (what, sql, reason) in CASES {
        let (name, mut conn) = fleet.fresh_tenant().await;
        conn.execute(
            "INSERT INTO clients (name, email, notes) VALUES ('A', 'a@x', 'kept'), ('B', NULL, 'kept'), ('C', 'c@x', NULL);
             INSERT INTO client_notes (client_id, note) SELECT id, 'n' FROM clients;",
        )
        .await
        .unwrap();
        assert_eq!(
            state_of(&fleet, &name, false).await.0,
            DbState::Current,
            "{what}: before"
        );
        let before = catalog_hash(&mut conn, "public").await.unwrap();
        conn.execute(*sql)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        // The catalog hash covers what changed: a journal that missed the
        // change would still not make it look current to a catalog read.
        assert_ne!(
            catalog_hash(&mut conn, "public").await.unwrap(),
            before,
            "{what}: the catalog hash moves"
        );
        for deep in [false, true] {
            let (state, said) = state_of(&fleet, &name, deep).await;
            assert_ne!(state, DbState::Current, "{what} (deep {deep}): {said}");
            assert!(said.contains(reason), "{what}: `{reason}` in {said}");
        }
        let repair = RunOptions {
            tenants: Tenants::Named(vec![name.clone()]),
            migrate: MigrateOptions {
                prune: true,
                allow_destructive: true,
                ..MigrateOptions::default()
            },
            ..RunOptions::default()
        };
        let report = migrate(&fleet, &repair).await;
        assert_eq!(
            of(&report, &name).outcome,
            Outcome::Migrated,
            "{what}: {report:#?}"
        );
        let (state, said) = state_of(&fleet, &name, true).await;
        assert_eq!(state, DbState::Current, "{what}: after {said}");
        assert_eq!(
            count(&mut conn, "SELECT count(*) FROM clients").await,
            3,
            "{what}"
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT count(*) FROM clients WHERE notes = 'kept'"
            )
            .await,
            2,
            "{what}: values kept"
        );
        assert_eq!(
            count(&mut conn, "SELECT count(*) FROM client_notes").await,
            3,
            "{what}"
        );
    }
}

#[tokio::test]
async fn a_trigger_kept_without_prune_is_never_called_unchanged() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    conn.execute("CREATE RULE swallow AS ON INSERT TO clients DO INSTEAD NOTHING;")
        .await
        .unwrap();
    let report = migrate(&fleet, &RunOptions::default()).await;
    let r = of(&report, &name);
    assert_eq!(r.outcome, Outcome::NeedsPrune, "{report:#?}");
    assert!(r.detail.as_deref().unwrap_or("").contains("--prune"));
    assert_eq!(report.exit_code(), runner::error::exit::NEEDS_PRUNE);
}

#[tokio::test]
async fn a_database_search_path_cannot_redirect_a_step() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    conn.execute(
        format!(
            "CREATE SCHEMA shadow; CREATE TABLE shadow.clients (id int, name varchar(255));
             ALTER TABLE public.clients ALTER COLUMN name DROP NOT NULL;
             ALTER DATABASE {name} SET search_path = shadow, public;"
        )
        .as_str(),
    )
    .await
    .unwrap();
    let report = migrate(&fleet, &RunOptions::default()).await;
    let r = of(&report, &name);
    assert_eq!(r.outcome, Outcome::Migrated, "{report:#?}");
    let mut fresh = fleet.target.connect(&name).await.unwrap();
    let not_null: bool = sqlx::query_scalar(
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.clients'::regclass AND attname = 'name'",
    )
    .fetch_one(&mut fresh)
    .await
    .unwrap();
    assert!(not_null, "the step went to public.clients");
    assert_eq!(state_of(&fleet, &name, true).await.0, DbState::Current);
}

#[tokio::test]
async fn a_silenced_journal_vouches_for_nothing() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    // The trigger disabled around DDL, then enabled again: no journal row.
    conn.execute(
        "ALTER EVENT TRIGGER rsm_note_ddl DISABLE;
         ALTER TABLE clients DROP COLUMN artist_name;
         ALTER EVENT TRIGGER rsm_note_ddl ENABLE;",
    )
    .await
    .unwrap();
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Drifted);
    let report = migrate(&fleet, &RunOptions::default()).await;
    assert_eq!(report.exit_code(), 0, "{report:#?}");
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Current);

    // The journal's function replaced by a no-op: it vouches for nothing.
    conn.execute(
        "CREATE OR REPLACE FUNCTION rsm.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
         ALTER TABLE clients DROP COLUMN middle_name;",
    )
    .await
    .unwrap();
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Drifted);
    migrate(&fleet, &RunOptions::default()).await;
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Current);
    // ... and migrate put the runner's function back.
    conn.execute("ALTER TABLE clients DROP COLUMN prefix")
        .await
        .unwrap();
    assert!(count(&mut conn, "SELECT count(*) FROM rsm.ddl_journal").await > 0);
}

/// A trigger put on the journal's table that discards its rows silences
/// it from the command that makes it on: noted before that command runs.
#[tokio::test]
async fn a_trigger_on_the_journal_is_noted_before_it_can_discard_anything() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    conn.execute(
        "CREATE SCHEMA hand;
         CREATE FUNCTION hand.discard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;",
    )
    .await
    .unwrap();
    // Verified again with the function in place (outside `public`: not the
    // tenant's schema), so that only what follows is news.
    let report = migrate(&fleet, &RunOptions::default()).await;
    assert_eq!(report.exit_code(), 0, "{report:#?}");
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Current);
    conn.execute(
        "CREATE TRIGGER discard BEFORE INSERT ON rsm.ddl_journal FOR EACH ROW EXECUTE FUNCTION hand.discard();
         ALTER TABLE clients DROP COLUMN artist_name;",
    )
    .await
    .unwrap();
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Drifted);
}

#[tokio::test]
async fn a_registry_row_alone_adopts_nothing() {
    let fleet = TestFleet::initialised().await;
    let mut admin = fleet.admin().await;
    // An application's own database, with rows, registered by anyone.
    let app = format!("{}app", fleet.target.tenant_prefix);
    admin
        .execute(format!("CREATE DATABASE {app}").as_str())
        .await
        .unwrap();
    let mut app_conn = fleet.target.connect(&app).await.unwrap();
    app_conn
        .execute("CREATE TABLE things (id int PRIMARY KEY); INSERT INTO things SELECT generate_series(1, 100)")
        .await
        .unwrap();
    let mut master = fleet.master().await;
    sqlx::query(
        "WITH u AS (INSERT INTO users (email) VALUES ('app@app.example') RETURNING id),
              o AS (INSERT INTO organizations (name, slug, subdomain, owner_id)
                    SELECT 'App', 'app', 'app', id FROM u RETURNING id)
         INSERT INTO tenant_databases (organization_id, database_name) SELECT id, $1 FROM o",
    )
    .bind(&app)
    .execute(&mut master)
    .await
    .unwrap();
    for adopt in [false, true] {
        let report = migrate(
            &fleet,
            &RunOptions {
                adopt,
                ..RunOptions::default()
            },
        )
        .await;
        let r = of(&report, &app);
        assert_eq!(r.outcome, Outcome::NotAdopted, "adopt {adopt}: {report:#?}");
        if adopt {
            let why = r.detail.as_deref().unwrap_or("");
            assert!(why.contains("declared tenant tables"), "{why}");
        }
    }
    // Whatever the registry says: untouched, and never dropped.
    let tables = count(
        &mut app_conn,
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
    )
    .await;
    assert_eq!(tables, 1);
    assert_eq!(
        count(
            &mut app_conn,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'rsm'"
        )
        .await,
        0
    );
    drop(app_conn);
    if let Ok(plan) = tenant::plan_cleanup(&fleet.target, tenant::Selection::All).await {
        tenant::cleanup(&fleet.target, &plan, |_| {}).await.ok();
    }
    assert!(fleet.database_exists(&app).await, "never dropped");
    admin
        .execute(format!("DROP DATABASE {app} WITH (FORCE)").as_str())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_database_left_invalid_by_an_interrupted_drop_is_finished_without_connecting() {
    let fleet = TestFleet::initialised().await;
    let mut admin = fleet.admin().await;
    // What a server crash inside DROP DATABASE leaves (PostgreSQL 15.4+).
    let invalidate =
        |name: &str| format!("UPDATE pg_database SET datconnlimit = -2 WHERE datname = '{name}'");

    // Its record still says ready (as an older runner's cleanup left it).
    let (ready, conn) = fleet.fresh_tenant().await;
    drop(conn);
    admin.execute(invalidate(&ready).as_str()).await.unwrap();
    let listed = tenant::find(&fleet.target, &ready).await.unwrap();
    assert_eq!(listed.state, tenant::State::Orphan, "{listed:?}");
    assert!(
        listed.note.as_deref().unwrap_or("").contains("invalid"),
        "{listed:?}"
    );
    let dropped = tenant::drop(&fleet.target, &ready).await.unwrap();
    assert!(dropped.database, "{dropped:?}");
    assert!(!fleet.database_exists(&ready).await);

    // Its record says dropping: repair (run by cleanup and create) finishes it.
    let (dropping, conn) = fleet.fresh_tenant().await;
    drop(conn);
    fleet
        .master()
        .await
        .execute(
            format!("UPDATE rsm.databases SET state = 'dropping' WHERE name = '{dropping}'")
                .as_str(),
        )
        .await
        .unwrap();
    admin.execute(invalidate(&dropping).as_str()).await.unwrap();
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert_eq!(
        repaired.removed,
        std::slice::from_ref(&dropping),
        "{repaired:?}"
    );
    assert!(!fleet.database_exists(&dropping).await);
    assert!(
        tenant::find(&fleet.target, &dropping).await.is_err(),
        "forgotten"
    );
}

/// The name of the fleet's template, built and ready.
async fn ready_template(fleet: &TestFleet) -> String {
    sqlx::query_scalar("SELECT name FROM rsm.databases WHERE kind = 'template' AND state = 'ready'")
        .fetch_one(&mut fleet.master().await)
        .await
        .unwrap()
}

/// Change the template as an operator would: let sessions in (which changes
/// its `pg_database` row), then run `sql` in it.
async fn change_template(fleet: &TestFleet, template: &str, sql: &str) {
    fleet.allow_connections(template, true).await;
    let mut inside = fleet.target.connect(template).await.unwrap();
    inside.execute(sql).await.unwrap();
    inside.close().await.unwrap();
}

/// The template's recorded mark, and its `pg_database` row's `oid:xmin`.
async fn template_marks(fleet: &TestFleet, template: &str) -> (Option<String>, String) {
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT verified_mark FROM rsm.databases WHERE name = $1")
            .bind(template)
            .fetch_one(&mut fleet.master().await)
            .await
            .unwrap();
    let row: String = sqlx::query_scalar(
        "SELECT oid::text || ':' || xmin::text FROM pg_database WHERE datname = $1 AND NOT datallowconn",
    )
    .bind(template)
    .fetch_one(&mut fleet.admin().await)
    .await
    .unwrap();
    (recorded, row)
}

#[tokio::test]
async fn a_template_changed_by_hand_is_rebuilt_not_trusted() {
    let fleet = TestFleet::initialised().await;
    // The first clone of a new template is hashed; the second records the
    // template's mark; the third is made under it, without a hash.
    for _ in 0..3 {
        let (_, conn) = fleet.fresh_tenant().await;
        drop(conn);
    }
    let template = ready_template(&fleet).await;
    let (recorded, row) = template_marks(&fleet, &template).await;
    assert_eq!(
        recorded,
        Some(row),
        "the mark a faithful clone was made under"
    );
    // Changing a template takes a session in it, so first letting them in,
    // which changes its mark.
    change_template(
        &fleet,
        &template,
        "ALTER TABLE invoices DROP CONSTRAINT invoices_invoice_number_unique",
    )
    .await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM pg_constraint WHERE conname = 'invoices_invoice_number_unique'"
        )
        .await,
        1,
        "the new tenant has what the template was verified with"
    );
    assert_eq!(state_of(&fleet, &name, false).await.0, DbState::Current);
    assert_eq!(state_of(&fleet, &name, true).await.0, DbState::Current);
    // The clone made again is closed to other roles, as any tenant.
    let public_may: bool =
        sqlx::query_scalar("SELECT has_database_privilege('public', $1, 'CONNECT')")
            .bind(&name)
            .fetch_one(&mut fleet.admin().await)
            .await
            .unwrap();
    assert!(!public_may, "every role may connect to {name}");
    // The template itself was set aside and built again.
    fleet.allow_connections(&template, true).await;
    let mut rebuilt = fleet.target.connect(&template).await.unwrap();
    assert_eq!(
        count(
            &mut rebuilt,
            "SELECT count(*) FROM pg_constraint WHERE conname = 'invoices_invoice_number_unique'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_tenant_that_lost_its_rsm_schema_reads_unstamped_and_runs_no_data_migration_again() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = realistic_tenant(&fleet).await;
    let clients = count(&mut conn, "SELECT count(*) FROM clients").await;
    let members = count(&mut conn, "SELECT count(*) FROM company_members").await;
    assert!(
        count(&mut conn, "SELECT count(*) FROM client_contacts").await > 0,
        "the seed has contacts for the data migration to convert"
    );
    // A restore from a dump of `public` alone.
    conn.execute("DROP SCHEMA rsm CASCADE").await.unwrap();
    for deep in [false, true] {
        let (state, said) = state_of(&fleet, &name, deep).await;
        assert_eq!(state, DbState::Unstamped, "{said}");
    }
    let report = migrate(&fleet, &RunOptions::default()).await;
    let r = of(&report, &name);
    assert!(r.outcome.is_ok(), "{report:#?}");
    assert!(r.data_migrations.is_empty(), "{report:#?}");
    assert_eq!(
        count(&mut conn, "SELECT count(*) FROM clients").await,
        clients
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) FROM company_members").await,
        members
    );
    assert_eq!(state_of(&fleet, &name, true).await.0, DbState::Current);
}

#[tokio::test]
async fn a_step_under_a_view_is_blocked_before_anything_runs() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    conn.execute(
        "ALTER TABLE clients ALTER COLUMN email TYPE text;
         CREATE VIEW mailing AS SELECT name, email FROM clients;",
    )
    .await
    .unwrap();
    let report = migrate(&fleet, &RunOptions::default()).await;
    let r = of(&report, &name);
    assert_eq!(r.outcome, Outcome::Blocked, "{report:#?}");
    let detail = r.detail.as_deref().unwrap_or("");
    assert!(
        detail.contains("views reading clients.email") && detail.contains("mailing"),
        "{detail}"
    );
    // Nothing ran: the column keeps the type it was given by hand.
    let ty: String = sqlx::query_scalar(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'clients'::regclass AND attname = 'email'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(ty, "text");
}

#[tokio::test]
async fn a_constraint_renamed_by_hand_is_drifted_not_behind() {
    let fleet = TestFleet::initialised().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    conn.execute("ALTER TABLE client_notes RENAME CONSTRAINT client_notes_pkey TO notes_pk")
        .await
        .unwrap();
    for deep in [false, true] {
        let (state, said) = state_of(&fleet, &name, deep).await;
        assert_eq!(state, DbState::Drifted, "{said}");
        assert!(said.contains("rename constraint notes_pk"), "{said}");
    }
}

#[tokio::test]
async fn the_data_migration_run_twice_changes_nothing_the_second_time() {
    let fleet = TestFleet::initialised().await;
    let (_, mut conn) = realistic_tenant(&fleet).await;
    for migration in runner::app::data::all() {
        let first = (migration.run)(&mut conn).await.unwrap();
        let clients = count(&mut conn, "SELECT count(*) FROM clients").await;
        let members = count(&mut conn, "SELECT count(*) FROM company_members").await;
        assert!(first > 0, "{}: the seed gives it work", migration.name);
        let second = (migration.run)(&mut conn).await.unwrap();
        assert_eq!(second, 0, "{}: {first} rows the first time", migration.name);
        assert_eq!(
            count(&mut conn, "SELECT count(*) FROM clients").await,
            clients
        );
        assert_eq!(
            count(&mut conn, "SELECT count(*) FROM company_members").await,
            members
        );
    }
}

#[tokio::test]
async fn cosmetic_extras_are_listed_and_change_no_state() {
    let fleet = TestFleet::initialised().await;
    let (_, _plain) = fleet.fresh_tenant().await;
    let (name, mut conn) = fleet.fresh_tenant().await;
    let reader = format!("{name}_reader");
    conn.execute(
        format!(
            "CREATE VIEW mailing AS SELECT email FROM clients; CREATE SEQUENCE loose;
             COMMENT ON TABLE clients IS 'who pays';
             COMMENT ON COLUMN clients.email IS 'billing address';
             CREATE ROLE {reader}; GRANT SELECT ON clients TO {reader};"
        )
        .as_str(),
    )
    .await
    .unwrap();
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    let g = st
        .groups
        .iter()
        .find(|g| g.databases.contains(&name))
        .unwrap();
    assert_eq!(g.state, DbState::Current, "{g:#?}");
    assert!(g.listed.contains(&"view mailing".to_owned()), "{g:#?}");
    assert!(
        g.listed
            .contains(&"sequence loose (no column owns it)".to_owned()),
        "{g:#?}"
    );
    for line in [
        "comment on table clients: 'who pays'".to_owned(),
        "comment on column email of table clients: 'billing address'".to_owned(),
        format!("grant SELECT on clients to {reader}"),
    ] {
        assert!(g.listed.contains(&line), "{line}: {g:#?}");
    }
    assert_eq!(g.count, 1, "read apart from the plain tenant: {st:#?}");
    assert!(st.all_current);
    // The tenant's own role, which the runner grants, is not listed.
    assert!(!g.listed.iter().any(|l| l.ends_with(&format!("to {name}"))));
    // A comment alone, added later, moves the catalog hash: read apart again.
    let before = catalog_hash(&mut conn, "public").await.unwrap();
    conn.execute("COMMENT ON INDEX clients_pkey IS 'the key'")
        .await
        .unwrap();
    assert_ne!(before, catalog_hash(&mut conn, "public").await.unwrap());
    conn.execute(format!("REVOKE ALL ON clients FROM {reader}").as_str())
        .await
        .unwrap();
    drop(conn);
    fleet
        .admin()
        .await
        .execute(format!("DROP ROLE {reader}").as_str())
        .await
        .unwrap();
}

/// A trigger `probe` on `clients` before `$event`, running a function whose
/// body is `$body`.
macro_rules! probe_trigger {
    ($body:literal, $event:literal) => {
        concat!(
            "CREATE FUNCTION public.probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ",
            $body,
            "; END $$; CREATE TRIGGER probe BEFORE ",
            $event,
            " ON clients FOR EACH ROW EXECUTE FUNCTION public.probe()"
        )
    };
}

/// (what, the reference DDL, a variant that differs from it in that one
/// property): each run on a fresh tenant inside a transaction rolled back.
const PROPERTIES: &[(&str, &str, &str)] = &[
    ("index method", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients USING hash (name)"),
    ("index order", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients (name DESC)"),
    ("index nulls order", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients (name NULLS FIRST)"),
    ("index INCLUDE", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients (name) INCLUDE (email)"),
    ("index predicate", "CREATE INDEX probe ON clients (name) WHERE is_active", "CREATE INDEX probe ON clients (name) WHERE NOT is_active"),
    ("index expression", "CREATE INDEX probe ON clients (lower(name))", "CREATE INDEX probe ON clients (upper(name))"),
    ("index operator class", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients (name text_pattern_ops)"),
    ("index collation", "CREATE INDEX probe ON clients (name)", "CREATE INDEX probe ON clients (name COLLATE \"C\")"),
    ("index column order", "CREATE INDEX probe ON clients (name, email)", "CREATE INDEX probe ON clients (email, name)"),
    ("unique index", "CREATE INDEX probe ON clients (name)", "CREATE UNIQUE INDEX probe ON clients (name)"),
    ("unique index NULLS NOT DISTINCT", "CREATE UNIQUE INDEX probe ON clients (name)", "CREATE UNIQUE INDEX probe ON clients (name) NULLS NOT DISTINCT"),
    ("column length", "", "ALTER TABLE clients ALTER name TYPE varchar(300)"),
    ("column NOT NULL", "", "ALTER TABLE clients ALTER city SET NOT NULL"),
    ("column default", "", "ALTER TABLE clients ALTER city SET DEFAULT 'x'"),
    ("column collation", "", "ALTER TABLE clients ALTER city TYPE varchar(100) COLLATE \"C\""),
    ("generated column", "ALTER TABLE clients ADD COLUMN g int", "ALTER TABLE clients ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED"),
    ("generated expression", "ALTER TABLE clients ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED", "ALTER TABLE clients ADD COLUMN g int GENERATED ALWAYS AS (id * 3) STORED"),
    ("identity", "ALTER TABLE clients ADD COLUMN n int NOT NULL", "ALTER TABLE clients ADD COLUMN n int GENERATED ALWAYS AS IDENTITY"),
    ("identity kind", "ALTER TABLE clients ADD COLUMN n int GENERATED ALWAYS AS IDENTITY", "ALTER TABLE clients ADD COLUMN n int GENERATED BY DEFAULT AS IDENTITY"),
    ("check expression", "ALTER TABLE clients ADD CONSTRAINT probe CHECK (id > 0)", "ALTER TABLE clients ADD CONSTRAINT probe CHECK (id > 1)"),
    ("check NOT VALID", "ALTER TABLE clients ADD CONSTRAINT probe CHECK (id > 0)", "ALTER TABLE clients ADD CONSTRAINT probe CHECK (id > 0) NOT VALID"),
    ("foreign key action", "", "ALTER TABLE client_notes DROP CONSTRAINT client_notes_client_id_clients_id_fk;
        ALTER TABLE client_notes ADD CONSTRAINT client_notes_client_id_clients_id_fk FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE RESTRICT"),
    ("foreign key on update", "", "ALTER TABLE client_notes DROP CONSTRAINT client_notes_client_id_clients_id_fk;
        ALTER TABLE client_notes ADD CONSTRAINT client_notes_client_id_clients_id_fk FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE ON UPDATE CASCADE"),
    ("foreign key deferrable", "", "ALTER TABLE client_notes ALTER CONSTRAINT client_notes_client_id_clients_id_fk DEFERRABLE"),
    ("foreign key initially deferred", "ALTER TABLE client_notes ALTER CONSTRAINT client_notes_client_id_clients_id_fk DEFERRABLE",
        "ALTER TABLE client_notes ALTER CONSTRAINT client_notes_client_id_clients_id_fk DEFERRABLE INITIALLY DEFERRED"),
    ("foreign key triggers disabled", "", "ALTER TABLE client_notes DISABLE TRIGGER ALL"),
    ("row level security forced", "ALTER TABLE clients ENABLE ROW LEVEL SECURITY", "ALTER TABLE clients ENABLE ROW LEVEL SECURITY; ALTER TABLE clients FORCE ROW LEVEL SECURITY"),
    ("policy expression", "CREATE POLICY probe ON clients USING (true)", "CREATE POLICY probe ON clients USING (is_active)"),
    ("policy kind", "CREATE POLICY probe ON clients USING (true)", "CREATE POLICY probe ON clients AS RESTRICTIVE USING (true)"),
    ("trigger function body", probe_trigger!("RETURN NEW", "INSERT"), probe_trigger!("RETURN NULL", "INSERT")),
    ("trigger disabled", probe_trigger!("RETURN NEW", "INSERT"),
        concat!(probe_trigger!("RETURN NEW", "INSERT"), "; ALTER TABLE clients DISABLE TRIGGER probe")),
    ("trigger event", probe_trigger!("RETURN NEW", "INSERT"), probe_trigger!("RETURN NEW", "UPDATE")),
    ("rule action", "CREATE RULE probe AS ON INSERT TO clients DO ALSO NOTHING", "CREATE RULE probe AS ON INSERT TO clients DO INSTEAD NOTHING"),
    ("persistence", "", "ALTER TABLE client_notes SET UNLOGGED"),
    ("sequence ownership", "", "ALTER SEQUENCE clients_id_seq OWNED BY NONE"),
    ("comment", "COMMENT ON TABLE clients IS 'a'", "COMMENT ON TABLE clients IS 'b'"),
    ("column comment", "", "COMMENT ON COLUMN clients.name IS 'a'"),
    ("grant to another role", "", "GRANT SELECT ON clients TO PUBLIC"),
];

/// What a catalog read gives: the hash, the model, and what is read beside
/// it (what status lists, and the source of the functions triggers run).
async fn read_all(
    conn: &mut PgConnection,
) -> (
    String,
    schema_model::model::Schema,
    schema_model::introspect::Unmodeled,
) {
    let hash = catalog_hash(&mut *conn, "public").await.unwrap();
    let model = schema_model::introspect::introspect(&mut *conn, "public")
        .await
        .unwrap();
    let unmodeled = schema_model::introspect::unmodeled(&mut *conn, "public")
        .await
        .unwrap();
    (hash, model, unmodeled)
}

/// Each property the model reads, changed alone, moves the catalog hash, and
/// the model or what status lists tells the two apart: equal hashes mean
/// equal models, so a database is never read as its neighbour.
#[tokio::test]
async fn the_catalog_hash_moves_with_each_property_the_model_reads() {
    let fleet = TestFleet::initialised().await;
    let (_, mut conn) = fleet.fresh_tenant().await;
    let mut unseen = Vec::new();
    for (what, reference, variant) in PROPERTIES {
        let mut reads = Vec::new();
        for sql in [reference, variant] {
            let mut tx = conn.begin().await.unwrap();
            tx.execute(*sql)
                .await
                .unwrap_or_else(|e| panic!("{what}: {sql}: {e}"));
            reads.push(read_all(&mut tx).await);
            tx.rollback().await.unwrap();
        }
        let (a, b) = (&reads[0], &reads[1]);
        if a.0 == b.0 {
            unseen.push(format!("{what}: the catalog hash"));
        }
        if (&a.1, &a.2) == (&b.1, &b.2) {
            unseen.push(format!("{what}: the model and what is read beside it"));
        }
    }
    assert!(unseen.is_empty(), "not told apart:\n{}", unseen.join("\n"));
}

/// The internal triggers of a foreign key are named after their OID, which
/// the cluster hands out: two equal databases can hold a key whose pair of
/// triggers straddles a power of ten in one (`..._c_99999`, `..._c_100000`)
/// and not in the other. Their order, hence the catalog hash, must not
/// follow the names: here every such name is renamed so that the pairs sort
/// the other way round, and the hash stays.
#[tokio::test]
async fn internal_trigger_names_do_not_move_the_catalog_hash() {
    let fleet = TestFleet::initialised().await;
    let (_, mut conn) = fleet.fresh_tenant().await;
    let before = catalog_hash(&mut conn, "public").await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let internal: Vec<(String, String)> = sqlx::query_as(
        "SELECT tg.tgname::text, t.relname::text FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
          WHERE tg.tgisinternal AND t.relnamespace = 'public'::regnamespace
            AND tg.tgname ~ '^RI_ConstraintTrigger_[ac]_[0-9]+$'",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert!(internal.len() > 100, "{internal:?}");
    for (name, table) in &internal {
        let (prefix, oid) = name.rsplit_once('_').unwrap();
        let reversed = 1_000_000_000 - oid.parse::<u64>().unwrap();
        tx.execute(
            format!("ALTER TRIGGER \"{name}\" ON \"{table}\" RENAME TO \"{prefix}_{reversed}\"")
                .as_str(),
        )
        .await
        .unwrap();
    }
    assert_eq!(catalog_hash(&mut tx, "public").await.unwrap(), before);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_template_whose_stamp_was_changed_by_hand_gives_no_tenant_and_is_rebuilt() {
    let fleet = TestFleet::initialised().await;
    let (first, conn) = fleet.fresh_tenant().await;
    drop(conn);
    let template = ready_template(&fleet).await;
    // The catalog check reads `public`; the stamp lives in `rsm`.
    change_template(
        &fleet,
        &template,
        "UPDATE rsm.stamp SET fingerprint = '0000000000000000'",
    )
    .await;
    fleet.allow_connections(&template, false).await;

    let err = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap_err();
    let said = err.to_string();
    assert!(said.contains("0000000000000000"), "{said}");
    assert!(said.contains("set aside"), "{said}");
    assert!(said.contains("nothing was left"), "{said}");
    let only_first = vec![first.clone()];
    assert_eq!(fleet.leftovers().await, (only_first.clone(), only_first));
    // The next create builds the template again and is current.
    let (name, conn) = fleet.fresh_tenant().await;
    drop(conn);
    assert_eq!(state_of(&fleet, &name, true).await.0, DbState::Current);
}
