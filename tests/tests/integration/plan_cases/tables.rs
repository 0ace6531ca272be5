//! Tables: created in dependency order, dropped, renamed by hand,
//! persistence.

use schema_model::plan::Class::{Destructive, Safe};

use super::{run, Case};

const CASES: &[Case] = &[
    Case {
        name: "nothing to do",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        class: None,
        after: "",
    },
    Case {
        name: "a table renamed by hand keeps its rows",
        old: "CREATE TABLE old_t (id serial PRIMARY KEY, a text); INSERT INTO old_t (a) VALUES ('x');",
        new: "CREATE TABLE new_t (id serial PRIMARY KEY, a text);",
        class: Some(Safe),
        after: "SELECT count(*) = 1 FROM new_t",
    },
    Case {
        name: "a table dropped",
        old: "CREATE TABLE t (id serial PRIMARY KEY); CREATE TABLE gone (id serial PRIMARY KEY, x int);",
        new: "CREATE TABLE t (id serial PRIMARY KEY);",
        class: Some(Destructive),
        after: "SELECT to_regclass('gone') IS NULL",
    },
    Case {
        name: "an unlogged table made logged",
        old: "CREATE UNLOGGED TABLE t (id serial PRIMARY KEY, a text); INSERT INTO t (a) VALUES ('x');",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        class: Some(Safe),
        after: "SELECT relpersistence = 'p' FROM pg_class WHERE relname = 't'",
    },
    Case {
        name: "a table made unlogged",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        new: "CREATE UNLOGGED TABLE t (id serial PRIMARY KEY, a text);",
        class: Some(Destructive),
        after: "",
    },
];

#[tokio::test]
async fn table_plans_apply_and_converge() {
    run(CASES).await;
}
