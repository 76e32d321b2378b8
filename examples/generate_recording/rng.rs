//! A seeded random number generator (SplitMix64), so that the same arguments give the same
//! bytes on every machine, with no dependency and no clock.

#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (multiply-shift: no modulo, and a bias far too small to matter here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `low..high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low)
    }

    /// An index into a collection of `len` items.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Picks an index with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut at = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if at < u64::from(w) {
                return i;
            }
            at -= u64::from(w);
        }
        unreachable!("`at` is below the sum of the weights")
    }

    /// A UUID version 7 for a moment, as posthog-js makes session and window ids.
    pub fn uuid_v7(&mut self, epoch_ms: u64) -> String {
        let random = self.next_u64();
        let more = self.next_u64();
        format!(
            "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
            epoch_ms >> 16,
            epoch_ms & 0xffff,
            random & 0xfff,
            0x8000 | ((random >> 12) & 0x3fff),
            more & 0xffff_ffff_ffff,
        )
    }

    /// A hex string like the content hashes in bundled asset names.
    pub fn hex(&mut self, digits: usize) -> String {
        let mut text = format!("{:016x}", self.next_u64());
        text.truncate(digits.min(16));
        text
    }
}
