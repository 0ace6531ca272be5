//! Keys, foreign keys and checks: NULLS NOT DISTINCT, deferral, NOT VALID,
//! actions changed under the same name, a constraint and a same-named
//! index, circular foreign keys.

use schema_model::plan::Class::{DataDependent, Destructive, Safe};

use super::{run, Case};

const PARENT: &str = "CREATE TABLE p (id serial PRIMARY KEY); INSERT INTO p DEFAULT VALUES;";

const CASES: &[Case] = &[
    Case {
        name: "a unique key made NULLS NOT DISTINCT",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text UNIQUE); INSERT INTO t (a) VALUES ('x'), (NULL);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text UNIQUE NULLS NOT DISTINCT);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 2 FROM t",
    },
    Case {
        name: "a deferred unique key made immediate",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text UNIQUE DEFERRABLE INITIALLY DEFERRED); INSERT INTO t (a) VALUES ('x');",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text UNIQUE);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 1 FROM t",
    },
    Case {
        name: "a foreign key made deferrable",
        old: "CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p);",
        new: "CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p DEFERRABLE INITIALLY DEFERRED);",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "a foreign key added NOT VALID, validated",
        old: "CREATE TABLE p (id serial PRIMARY KEY); INSERT INTO p DEFAULT VALUES;
              CREATE TABLE c (id serial PRIMARY KEY, pid int); INSERT INTO c (pid) VALUES (1);
              ALTER TABLE c ADD CONSTRAINT c_pid_fkey FOREIGN KEY (pid) REFERENCES p NOT VALID;",
        new: "CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p);",
        class: Some(DataDependent),
        after: "SELECT convalidated FROM pg_constraint WHERE conname = 'c_pid_fkey'",
    },
    Case {
        name: "ON DELETE changed under the same name",
        old: "CREATE TABLE p (id serial PRIMARY KEY); INSERT INTO p DEFAULT VALUES;
              CREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE); INSERT INTO c (pid) VALUES (1);",
        new: "CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p ON DELETE RESTRICT);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 1 FROM c",
    },
    Case {
        name: "a unique index replaced by a same-named unique constraint",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text); CREATE UNIQUE INDEX t_a_key ON t (a); INSERT INTO t (a) VALUES ('x');",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text CONSTRAINT t_a_key UNIQUE);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 1 FROM t",
    },
    Case {
        name: "a unique constraint replaced by a same-named unique index",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text CONSTRAINT t_a_key UNIQUE); INSERT INTO t (a) VALUES ('x');",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text); CREATE UNIQUE INDEX t_a_key ON t (a);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 1 FROM t",
    },
    Case {
        name: "a check added NOT VALID, validated",
        old: "CREATE TABLE t (id serial PRIMARY KEY, b int); INSERT INTO t (b) VALUES (1);
              ALTER TABLE t ADD CONSTRAINT positive CHECK (b > 0) NOT VALID;",
        new: "CREATE TABLE t (id serial PRIMARY KEY, b int CONSTRAINT positive CHECK (b > 0));",
        class: Some(DataDependent),
        after: "SELECT convalidated FROM pg_constraint WHERE conname = 'positive'",
    },
    Case {
        name: "a check made NO INHERIT",
        old: "CREATE TABLE t (id serial PRIMARY KEY, b int CONSTRAINT positive CHECK (b > 0)); INSERT INTO t (b) VALUES (1);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, b int CONSTRAINT positive CHECK (b > 0) NO INHERIT);",
        class: Some(DataDependent),
        after: "SELECT connoinherit FROM pg_constraint WHERE conname = 'positive'",
    },
    Case {
        name: "tables with circular foreign keys dropped",
        old: "CREATE TABLE a (id serial PRIMARY KEY, b_id int);
              CREATE TABLE b (id serial PRIMARY KEY, a_id int REFERENCES a);
              ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b;
              CREATE TABLE keep (id serial PRIMARY KEY);",
        new: "CREATE TABLE keep (id serial PRIMARY KEY);",
        class: Some(Destructive),
        after: "SELECT to_regclass('a') IS NULL AND to_regclass('b') IS NULL",
    },
    Case {
        name: "a foreign key to a new parent",
        old: PARENT,
        new: "CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id serial PRIMARY KEY, pid int NOT NULL REFERENCES p ON DELETE CASCADE);",
        class: Some(Safe),
        after: "SELECT count(*) = 1 FROM p",
    },
];

#[tokio::test]
async fn key_plans_apply_and_converge() {
    run(CASES).await;
}
