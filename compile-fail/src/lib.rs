//! The compile-fail suite lives in `tests/compile_fail.rs` and `ui/`; this
//! crate holds no code.
