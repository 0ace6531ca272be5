//! Indexes: predicates, order, INCLUDE, method, expressions, partial and
//! full unique indexes.

use schema_model::plan::Class::{DataDependent, Safe};

use super::{run, Case};

const TABLE: &str = "CREATE TABLE t (id serial PRIMARY KEY, a text, b int);";

const CASES: &[Case] = &[
    Case {
        name: "a partial index's predicate changed",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b) WHERE b > 0;",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b) WHERE b > 10;",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "an index made descending",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b DESC);",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "an index with INCLUDE",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_b_idx ON t (b) INCLUDE (a);",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "an index's method",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_a_idx ON t (a);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_a_idx ON t USING hash (a);",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "an expression index added",
        old: TABLE,
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE INDEX t_lower_a_idx ON t (lower(a));",
        class: Some(Safe),
        after: "",
    },
    Case {
        name: "a partial unique index made full",
        old: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE UNIQUE INDEX t_a_idx ON t (a) WHERE b > 0;
              INSERT INTO t (a, b) VALUES ('x', 1), ('y', 0);",
        new: "CREATE TABLE t (id serial PRIMARY KEY, a text, b int); CREATE UNIQUE INDEX t_a_idx ON t (a);",
        class: Some(DataDependent),
        after: "SELECT count(*) = 2 FROM t",
    },
];

#[tokio::test]
async fn index_plans_apply_and_converge() {
    run(CASES).await;
}
