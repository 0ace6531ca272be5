//! What the engine does not plan is refused by name, before any script is
//! printed, with its own exit code: never a script that leaves a difference.

use runner::error::exit;
use runner::migrate::diff::between;
use sqlx::Executor;
use tests::fresh_database;

/// (what, old, new, a word the refusal must name)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "an enum type the target adds",
        "CREATE TABLE t (id serial PRIMARY KEY);",
        "CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE TABLE t (id serial PRIMARY KEY, m mood);",
        "type `mood`",
    ),
    (
        "an enum value added",
        "CREATE TYPE mood AS ENUM ('happy'); CREATE TABLE t (id serial PRIMARY KEY, m mood);",
        "CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE TABLE t (id serial PRIMARY KEY, m mood);",
        "'sad'",
    ),
    (
        "a domain",
        "CREATE TABLE t (id serial PRIMARY KEY, p int);",
        "CREATE DOMAIN positive AS int CHECK (VALUE > 0); CREATE TABLE t (id serial PRIMARY KEY, p positive);",
        "type `positive`",
    ),
    (
        "a partitioned table",
        "CREATE TABLE t (id int, at date);",
        "CREATE TABLE t (id int, at date) PARTITION BY RANGE (at);",
        "partitioned",
    ),
    (
        "a view only the target has",
        "CREATE TABLE t (id serial PRIMARY KEY, a int);",
        "CREATE TABLE t (id serial PRIMARY KEY, a int); CREATE VIEW v AS SELECT a FROM t;",
        "view `v`",
    ),
    (
        "a trigger running a function only the target has",
        "CREATE TABLE t (id serial PRIMARY KEY);",
        "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TABLE t (id serial PRIMARY KEY);
         CREATE TRIGGER stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp();",
        "function stamp()",
    ),
    (
        "a foreign key to a table of another schema",
        "CREATE TABLE t (id serial PRIMARY KEY, o int);",
        "CREATE SCHEMA other; CREATE TABLE other.o (id int PRIMARY KEY);
         CREATE TABLE t (id serial PRIMARY KEY, o int REFERENCES other.o);",
        "other schemas are not managed",
    ),
    (
        "an enum of another schema",
        "CREATE TABLE t (id serial PRIMARY KEY);",
        "CREATE SCHEMA other; CREATE TYPE other.mood AS ENUM ('happy');
         CREATE TABLE t (id serial PRIMARY KEY, m other.mood);",
        "type `other.mood`",
    ),
    (
        "a default drawing from a sequence the source lacks",
        "CREATE TABLE t (id int PRIMARY KEY);",
        "CREATE SEQUENCE shared_ids; CREATE TABLE t (id int PRIMARY KEY DEFAULT nextval('shared_ids'));",
        "sequence `shared_ids`",
    ),
];

#[tokio::test]
async fn what_is_not_planned_is_refused_by_name() {
    for (what, old, new, named) in CASES {
        let from = fresh_database().await;
        let to = fresh_database().await;
        from.pool.execute(*old).await.unwrap();
        to.pool.execute(*new).await.unwrap();
        let err = between(&from.url, &to.url)
            .await
            .err()
            .unwrap_or_else(|| panic!("{what}: a plan was printed"));
        assert_eq!(err.code(), exit::CANNOT_PLAN, "{what}: {err}");
        assert!(
            err.to_string().contains(named),
            "{what}: `{named}` in {err}"
        );
    }
}

#[tokio::test]
async fn a_step_under_a_view_is_blocked_naming_the_view() {
    let from = fresh_database().await;
    let to = fresh_database().await;
    from.pool
        .execute("CREATE TABLE t (id serial PRIMARY KEY, a int, b int); CREATE VIEW v AS SELECT a FROM t;")
        .await
        .unwrap();
    to.pool
        .execute("CREATE TABLE t (id serial PRIMARY KEY, a bigint, b bigint); CREATE VIEW v AS SELECT a FROM t;")
        .await
        .unwrap();
    let planned = between(&from.url, &to.url).await.unwrap();
    let blocked = &planned.assessed.blocked;
    assert_eq!(
        blocked.len(),
        1,
        "only `a` is read by the view: {blocked:?}"
    );
    assert_eq!(blocked[0].what, "views reading t.a");
    assert_eq!(blocked[0].example.as_deref(), Some("v"));
}
