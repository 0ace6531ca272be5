//! What a table does beyond its columns and keys: triggers, rules, row level
//! security and policies, exclusion constraints.

use schema_model::plan::Class::{DataDependent, Safe};

use super::{run, Case};

const FUNCTION: &str =
    "CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;";

const CASES: &[Case] = &[
    Case {
        name: "a trigger removed",
        old: "CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
              CREATE TABLE t (id serial PRIMARY KEY, a text);
              CREATE TRIGGER swallow BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION swallow();",
        new: "CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
              CREATE TABLE t (id serial PRIMARY KEY, a text);",
        class: Some(Safe),
        after: "WITH x AS (INSERT INTO t (a) VALUES ('x') RETURNING id) SELECT count(*) = 1 FROM x",
    },
    Case {
        name: "a trigger added",
        old: FUNCTION,
        new: "CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
              CREATE TABLE t (id serial PRIMARY KEY, a text);
              CREATE TRIGGER swallow BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION swallow();",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "a rule removed",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text); CREATE RULE swallow AS ON INSERT TO t DO INSTEAD NOTHING;",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        class: Some(Safe),
        after: "WITH x AS (INSERT INTO t (a) VALUES ('x') RETURNING id) SELECT count(*) = 1 FROM x",
    },
    Case {
        name: "row level security and a policy added",
        old: "CREATE TABLE t (id serial PRIMARY KEY, b int);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, b int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;
              CREATE POLICY positive ON t USING (b > 0);",
        class: Some(Safe),
        after: "SELECT relrowsecurity FROM pg_class WHERE relname = 't'",
    },
    Case {
        name: "row level security and its policy removed",
        old: "CREATE TABLE t (id serial PRIMARY KEY, b int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;
              ALTER TABLE t FORCE ROW LEVEL SECURITY; CREATE POLICY positive ON t USING (b > 0);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, b int);",
        class: Some(Safe),
        after: "SELECT NOT relrowsecurity AND NOT relforcerowsecurity FROM pg_class WHERE relname = 't'",
    },
    Case {
        name: "an exclusion constraint added over rows",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text); INSERT INTO t (a) VALUES ('x'), ('y');",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, CONSTRAINT one_a EXCLUDE USING btree (a WITH =));",
        class: Some(DataDependent),
        after: "SELECT count(*) = 2 FROM t",
    },
];

#[tokio::test]
async fn behaviour_plans_apply_and_converge() {
    run(CASES).await;
}
