//! The project's one content hash: SHA-256, as lowercase hex.
//!
//! Identities stored on disk (a claim's id in the ledger, an imported file's hash) must be
//! stable across platforms, Rust releases and builds, which `std`'s hasher is not; a well-kept
//! implementation of a standard hash is, and leaves nothing hand-written to get wrong. It lives
//! here, below the ledger, so that the store's own file hash can use the same function.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // FIPS 180-2 test vectors.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
