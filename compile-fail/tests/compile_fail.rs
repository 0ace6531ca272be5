//! The compile-fail suite: one defect per file, grouped by topic, each with a
//! reviewed `.stderr` (`TRYBUILD=overwrite cargo test -p compile-fail` writes
//! new snapshots; review them as diffs). What must keep building is in
//! `must_build.rs`, compiled by cargo itself rather than by trybuild (a
//! trybuild `pass` case would build every dependency a second time).

#[test]
fn attribute_errors() {
    trybuild::TestCases::new().compile_fail("ui/attr/*.rs");
}

#[test]
fn insert_builder_errors() {
    trybuild::TestCases::new().compile_fail("ui/builder/*.rs");
}

/// Seeds written against the previous shape of a table stop compiling, and the
/// message names the table and the column.
#[test]
fn stale_seeds_fail_to_build() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/stale/*.rs");
}
