//! Deterministic random streams: one per (seed, table, column, row), so that a
//! value depends on nothing else, and adding a column changes no other value.

use std::convert::Infallible;

pub use crate::hash::stream_id;

/// splitmix64's finalizer: spreads every input bit over the output.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A small, fast generator (wyrand), seeded from the stream's coordinates.
/// Implements `rand`'s traits so that every `fake` generator accepts it.
#[derive(Debug, Clone)]
pub struct StreamRng {
    state: u64,
}

impl StreamRng {
    /// The stream of one value: `seed`, then the column's stream id, then the row.
    pub const fn new(seed: u64, stream: u64, row: u64) -> StreamRng {
        StreamRng {
            state: mix(mix(mix(seed) ^ stream) ^ row),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0xa076_1d64_78bd_642f);
        let t = (self.state as u128).wrapping_mul((self.state ^ 0xe703_7ed1_a0b4_28db) as u128);
        ((t >> 64) as u64) ^ (t as u64)
    }

    /// Uniform in `0..n` (`n > 0`), without modulo bias worth noticing.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high);
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

impl fake::rand::TryRng for StreamRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a = StreamRng::new(7, stream_id("clients.email"), 3).next_u64();
        assert_eq!(
            a,
            StreamRng::new(7, stream_id("clients.email"), 3).next_u64()
        );
        assert_ne!(
            a,
            StreamRng::new(8, stream_id("clients.email"), 3).next_u64()
        );
        assert_ne!(
            a,
            StreamRng::new(7, stream_id("clients.phone"), 3).next_u64()
        );
        assert_ne!(
            a,
            StreamRng::new(7, stream_id("clients.email"), 4).next_u64()
        );
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = StreamRng::new(1, 2, 3);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            seen[rng.below(5) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert!((0..1000).all(|_| (-3..=3).contains(&rng.between(-3, 3))));
    }
}
