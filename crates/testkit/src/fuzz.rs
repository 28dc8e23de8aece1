//! The mutation fuzzing every reader's bounded fuzz test shares: a fixed-seed generator (a
//! failure reproduces exactly, and `cargo test` stays deterministic) and the edits it makes to a
//! small valid file.

/// xorshift64*: a fixed, dependency-free sequence.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Bytes the parsers care about (delimiters, quotes, digits, markup, NUL, ESC, DEL, a BOM,
/// invalid UTF-8), inserted more often than chance would.
pub const INTERESTING: &[u8] = b"\t,\n\r\"'-0123456789:.N/A[]*<>&;=\x00\x1b\x7f\xEF\xBB\xBF\xFF";

/// `seed` with one to four edits: a byte inserted or replaced, a few deleted, a line repeated
/// (an exact duplicate row, a second header) or dropped, or the file cut short.
pub fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let n = b.len();
        let byte = if rng.below(2) == 0 {
            INTERESTING[rng.below(INTERESTING.len())]
        } else {
            rng.next_u64() as u8
        };
        match rng.below(6) {
            0 => b.insert(rng.below(n + 1), byte),
            1 if n > 0 => b[rng.below(n)] = byte,
            2 if n > 0 => {
                let at = rng.below(n);
                let len = 1 + rng.below(8).min(n - at - 1);
                b.drain(at..(at + len).min(n));
            }
            3 => {
                // Repeat a line (an exact duplicate row, or a second header).
                let lines: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
                let pick = lines[rng.below(lines.len())].to_vec();
                let mut out = b.clone();
                out.extend_from_slice(b"\n");
                out.extend_from_slice(&pick);
                b = out;
            }
            4 => {
                // Drop a line.
                let lines: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
                let skip = rng.below(lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, l)| l.to_vec())
                    .collect::<Vec<_>>()
                    .join(&b'\n');
            }
            _ => b.truncate(rng.below(n + 1)),
        }
    }
    b
}
