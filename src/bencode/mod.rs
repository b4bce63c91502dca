//! Bencode (BEP 3). Filled in by the format core.
