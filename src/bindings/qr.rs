//! QR matrices for magnets and addresses; the page draws them on a canvas.

use qrcode::{EcLevel, QrCode};
use wasm_bindgen::prelude::*;

/// A square QR matrix: `width` × `width` modules, one byte each (1 = dark), row by row.
#[wasm_bindgen]
pub struct QrMatrix {
    width: u32,
    modules: Vec<u8>,
}

#[wasm_bindgen]
impl QrMatrix {
    /// Modules per side.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.width
    }
    /// The modules, row by row.
    #[wasm_bindgen(getter)]
    pub fn modules(&self) -> Vec<u8> {
        self.modules.clone()
    }
}

/// Encodes `text` as a QR code (error correction M, or L when the text is too long for M).
#[wasm_bindgen(js_name = qrMatrix)]
pub fn qr_matrix(text: &str) -> Result<QrMatrix, JsValue> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("cannot make a QR code: {e}"))))?;
    let width = code.width() as u32;
    let modules = code.to_colors().into_iter().map(|c| u8::from(c == qrcode::Color::Dark)).collect();
    Ok(QrMatrix { width, modules })
}
