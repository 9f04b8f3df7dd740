//! The digest that tells an object file changed: SHA-256 of its bytes, as
//! lowercase hex (what `sha256sum` prints and a manifest's `sha256` holds).
//! The hashing is the RustCrypto `sha2` crate's.

use sha2::{Digest, Sha256};

/// SHA-256 of `data` as 64 lowercase hex digits.
pub fn hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
