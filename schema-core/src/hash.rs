//! One stable hash of names, the same on every machine and release.

/// FNV-1a (64 bits) of a text: the stable identity of a table or column
/// stream; also the schema fingerprint and the runner's advisory-lock keys.
pub const fn stream_id(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    /// FNV-1a's published test vectors, which the derive's copy is held to too.
    #[test]
    fn stream_id_is_fnv1a() {
        assert_eq!(super::stream_id(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::stream_id("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::stream_id("foobar"), 0x8594_4171_f739_67e8);
    }
}
