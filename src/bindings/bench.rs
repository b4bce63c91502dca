//! The swarm benchmark hook for Node (issue 3): the same in-memory transfer as
//! `examples/swarm_throughput.rs`, run in wasm; JS measures its CPU time.

use crate::engine::bench;
use wasm_bindgen::prelude::*;

/// A file and its torrent, made once; `run` moves it from a seeding to a leeching engine.
#[wasm_bindgen]
pub struct TransferBench {
    inner: bench::TransferBench,
}

#[wasm_bindgen]
impl TransferBench {
    /// `bytes` of data in pieces of `pieceLength`.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: u32, piece_length: u32) -> Result<TransferBench, JsValue> {
        let inner = bench::TransferBench::new(bytes as usize, piece_length).map_err(|e| super::js_error(&e))?;
        Ok(TransferBench { inner })
    }

    /// One transfer, with or without SHA-1; returns the bytes verified and stored (every
    /// piece checked against the original). Throws if the transfer fails.
    pub fn run(&self, verify: bool) -> Result<f64, JsValue> {
        self.inner.run(verify).map(|b| b as f64).map_err(|e| JsValue::from(js_sys::Error::new(e)))
    }
}
