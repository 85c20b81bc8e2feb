//! Fingerprints: what a rebuild may reuse is decided by hashes of the inputs that went into it,
//! never by pointer identity, so that the same decision can be made by another process from a
//! stored manifest.
//!
//! A fingerprint is the first 128 bits of a BLAKE3 hash: plain data that can be serialized,
//! collision-free in practice, and fast enough that hashing what is already being read costs
//! little. Knows nothing of pages, templates or files.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A hash of the inputs something was made from: equal fingerprints, equal inputs.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The fingerprint of one run of bytes (a file as it was read).
    pub fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint::from_hash(&blake3::hash(bytes))
    }

    fn from_hash(hash: &blake3::Hash) -> Fingerprint {
        let mut bytes = [0; 16];
        bytes.copy_from_slice(&hash.as_bytes()[..16]);
        Fingerprint(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Whether two fingerprints are known and equal: an unknown one (of something read without a
/// fingerprint, in a one-off build) is never taken for "unchanged".
pub fn known_equal(a: Option<Fingerprint>, b: Option<Fingerprint>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

/// A fingerprint made of several inputs in order. Each one is framed by its length, so that
/// `("ab", "c")` and `("a", "bc")` differ.
#[derive(Default)]
pub struct Fingerprinter(blake3::Hasher);

impl Fingerprinter {
    pub fn new() -> Fingerprinter {
        Fingerprinter::default()
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.0.update(&[u8::from(value)]);
        self
    }

    pub fn fingerprint(&mut self, fingerprint: Fingerprint) -> &mut Self {
        self.0.update(&fingerprint.0);
        self
    }

    /// An input that may be absent: absent and present never collide.
    pub fn option_str(&mut self, text: Option<&str>) -> &mut Self {
        match text {
            Some(text) => self.bool(true).str(text),
            None => self.bool(false),
        }
    }

    pub fn finish(&self) -> Fingerprint {
        Fingerprint::from_hash(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_framed() {
        let ab_c = Fingerprinter::new().str("ab").str("c").finish();
        let a_bc = Fingerprinter::new().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
        let none = Fingerprinter::new().option_str(None).str("").finish();
        let empty = Fingerprinter::new().option_str(Some("")).finish();
        assert_ne!(none, empty);
    }

    #[test]
    fn a_fingerprint_is_plain_data() {
        let fingerprint = Fingerprint::of(b"text");
        let json = serde_json::to_string(&fingerprint).unwrap();
        assert_eq!(
            serde_json::from_str::<Fingerprint>(&json).unwrap(),
            fingerprint
        );
        assert_eq!(fingerprint, Fingerprint::of(b"text"));
        assert_ne!(fingerprint, Fingerprint::of(b"texT"));
    }
}
