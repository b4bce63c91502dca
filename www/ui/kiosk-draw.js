// The kiosk's two live pictures: a piece map (what this screen holds) and a peer graph (the
// screen in the middle, each connected peer around it with its progress as a ring and the
// bytes flowing on the edge).

import { Bits } from '../bits.js'

const COLORS = { bg: '#141c24', empty: '#24313f', have: '#4fb3ff', done: '#7ee787', text: '#eef3f8', muted: '#8b98a5', node: '#0b1015' }

/** Sizes the canvas's backing store to its CSS box, so lines stay sharp on any screen. */
function fit (canvas) {
  const ratio = window.devicePixelRatio || 1
  const w = Math.max(1, Math.round(canvas.clientWidth * ratio))
  const h = Math.max(1, Math.round(canvas.clientHeight * ratio))
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w
    canvas.height = h
  }
  const ctx = canvas.getContext('2d')
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
  return { ctx, w: w / ratio, h: h / ratio }
}

/** Draws a BEP 3 bitfield of `count` pieces as a grid that fills the canvas. */
export function drawPieceMap (canvas, bitfield, count) {
  const { ctx, w, h } = fit(canvas)
  ctx.clearRect(0, 0, w, h)
  if (!count) return
  // The largest square cell that fits every piece in the box.
  let cell = Math.sqrt((w * h) / count)
  while (cell > 1 && Math.floor(w / cell) * Math.floor(h / cell) < count) cell -= 0.25
  const cols = Math.max(1, Math.floor(w / cell))
  const gap = cell > 5 ? 1 : 0
  const verified = new Bits(count, bitfield)
  const color = verified.cardinality() === count ? COLORS.done : COLORS.have
  for (let i = 0; i < count; i++) {
    ctx.fillStyle = verified.has(i) ? color : COLORS.empty
    ctx.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap)
  }
}

/** Centred text; with `boxed`, on a patch of the panel's colour so edges pass behind it. */
function label (ctx, text, x, y, size, color = COLORS.text, boxed = false) {
  ctx.font = `${size}px system-ui, sans-serif`
  if (boxed) {
    const w = ctx.measureText(text).width
    ctx.fillStyle = COLORS.bg
    ctx.fillRect(x - w / 2 - 3, y - size * 0.65, w + 6, size * 1.3)
  }
  ctx.fillStyle = color
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillText(text, x, y)
}

function ring (ctx, x, y, r, progress, color) {
  ctx.beginPath()
  ctx.arc(x, y, r, 0, Math.PI * 2)
  ctx.fillStyle = COLORS.node
  ctx.fill()
  ctx.lineWidth = Math.max(3, r * 0.22)
  ctx.strokeStyle = COLORS.empty
  ctx.stroke()
  if (progress > 0) {
    ctx.beginPath()
    ctx.arc(x, y, r, -Math.PI / 2, -Math.PI / 2 + Math.PI * 2 * Math.min(1, progress))
    ctx.strokeStyle = color
    ctx.stroke()
  }
}

/**
 * `peers` from pump.peers(id); `self` {progress}. Edge width grows with the bytes/s between
 * the screen and the peer (both directions); a web seed is drawn as a peer named by its host.
 */
export function drawPeerGraph (canvas, self, peers, format) {
  const { ctx, w, h } = fit(canvas)
  ctx.clearRect(0, 0, w, h)
  const cx = w / 2
  const cy = h / 2
  const unit = Math.min(w, h)
  // Room below each node for its name and speed.
  const R = unit * 0.32
  const nodeR = Math.max(10, Math.min(unit * 0.075, (Math.PI * R) / Math.max(peers.length, 1) * 0.6))
  const cy0 = cy - unit * 0.04
  const positions = peers.map((p, i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / peers.length
    return { p, x: cx + R * Math.cos(a) * (w / unit > 1.4 ? 1.5 : 1), y: cy0 + R * Math.sin(a) }
  })
  for (const { p, x, y } of positions) {
    const speed = (p.upSpeed || 0) + (p.downSpeed || 0)
    ctx.beginPath()
    ctx.moveTo(cx, cy0)
    ctx.lineTo(x, y)
    ctx.lineWidth = 1.5 + Math.min(12, Math.log2(1 + speed / 65536) * 2)
    ctx.strokeStyle = speed > 0 ? (p.source === 'webseed' ? COLORS.muted : COLORS.have) : COLORS.empty
    ctx.stroke()
  }
  ring(ctx, cx, cy0, unit * 0.1, self.progress, self.progress >= 1 ? COLORS.done : COLORS.have)
  label(ctx, 'this', cx, cy0 - unit * 0.02, Math.max(10, unit * 0.032))
  label(ctx, 'screen', cx, cy0 + unit * 0.022, Math.max(10, unit * 0.032))
  for (const { p, x, y } of positions) {
    ring(ctx, x, y, nodeR, p.progress, p.progress >= 1 ? COLORS.done : COLORS.have)
    const name = p.source === 'webseed' ? 'web seed' : (p.client || p.peerId?.slice(0, 8) || 'peer')
    label(ctx, `${Math.floor((p.progress || 0) * 100)}%`, x, y, Math.max(10, nodeR * 0.6))
    // Labels go on the side away from the screen, clear of the edge.
    const line1 = nodeR + Math.max(10, unit * 0.03)
    const line2 = nodeR + Math.max(22, unit * 0.065)
    const dir = y < cy0 - 1 && y - line2 > 8 ? -1 : 1
    label(ctx, name, x, y + dir * (dir < 0 ? line2 : line1), Math.max(10, unit * 0.028), COLORS.muted, true)
    if (p.upSpeed > 0) label(ctx, `↑ ${format(p.upSpeed)}`, x, y + dir * (dir < 0 ? line1 : line2), Math.max(10, unit * 0.026), COLORS.muted, true)
  }
  if (!peers.length) label(ctx, 'waiting for visitors…', cx, cy0 + unit * 0.22, Math.max(12, unit * 0.04), COLORS.muted)
}
