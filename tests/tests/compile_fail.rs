//! The compile-fail suite: one defect per file, grouped by topic, each with a
//! reviewed `.stderr` (`TRYBUILD=overwrite cargo test -p tests --test compile_fail`
//! writes new snapshots; review them as diffs).

#[test]
fn attribute_errors() {
    trybuild::TestCases::new().compile_fail("ui/attr/*.rs");
}
