//! The JS-facing handles: the one place that knows wasm-bindgen. Each function is a thin
//! conversion over a core call; errors become JS `Error`s with a stable `code` and `fault`.

// One wasm module per feature (see Cargo.toml): `torrent` for the page, `wallet` loaded on use.
#[cfg(feature = "torrent")]
mod bench;
#[cfg(feature = "torrent")]
mod client;
#[cfg(feature = "wallet")]
mod curve_bench;
#[cfg(feature = "torrent")]
mod formats;
#[cfg(feature = "torrent")]
mod qr;
#[cfg(feature = "wallet")]
mod wallet;

use crate::error::CoreError;
use wasm_bindgen::prelude::*;

/// An argument JS got wrong (a length, a name, a field's type).
#[cfg(feature = "torrent")]
#[derive(Debug)]
pub(crate) struct BadArgument(pub &'static str);

#[cfg(feature = "torrent")]
impl core::fmt::Display for BadArgument {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(feature = "torrent")]
impl CoreError for BadArgument {
    fn code(&self) -> &'static str {
        "core.bad-argument"
    }
    fn fault(&self) -> crate::error::Fault {
        crate::error::Fault::ApiMisuse
    }
}

/// The core's version, so the page can show what it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Turns any core error into a JS `Error` with `code` and `fault` properties.
pub(crate) fn js_error(err: &dyn CoreError) -> JsValue {
    let error = js_sys::Error::new(&err.to_string());
    let _ = js_sys::Reflect::set(&error, &"code".into(), &err.code().into());
    let _ = js_sys::Reflect::set(&error, &"fault".into(), &err.fault().as_str().into());
    error.into()
}

/// Serialises a plain record for JS (objects, not Maps; u64 sizes as numbers, exact below 2^53).
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}
