// Draws a QR matrix from the core onto a canvas, with the quiet zone the spec requires.

import { qrMatrix } from '../pkg/peerpage.js'

/** Draws at the canvas's first size (kept in data-size), so redraws never shrink it. */
export function drawQr (canvas, text) {
  canvas.dataset.size ||= String(Math.min(canvas.width, canvas.height))
  const target = Number(canvas.dataset.size)
  const qr = qrMatrix(text)
  const width = qr.width
  const modules = qr.modules
  qr.free()
  const quiet = 4
  const cells = width + quiet * 2
  const scale = Math.max(1, Math.floor(target / cells))
  const size = cells * scale
  canvas.width = size
  canvas.height = size
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, size, size)
  ctx.fillStyle = '#000'
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      if (modules[y * width + x]) ctx.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale)
    }
  }
}
