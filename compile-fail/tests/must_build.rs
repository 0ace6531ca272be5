//! Seed code that must keep building when the schema moves in a way that
//! breaks no caller. Compiling this file is the test.

/// `sessions.client_id` and `room_id` made nullable.
#[path = "../ui/must-build/m_column_made_nullable.rs"]
mod m_column_made_nullable;

#[test]
fn seed_code_builds_against_a_column_made_nullable() {
    // Named, so that the function is type-checked and not dead code.
    let seed = m_column_made_nullable::seed;
    let _ = seed;
}
