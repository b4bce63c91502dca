// Makes a real, seekable WebM video in a browser page: frames drawn on a canvas (a counter and
// a moving bar, so every frame differs), encoded to VP8 with WebCodecs, muxed by webm.mjs.

import { muxWebm } from './webm.mjs'

/** Returns {bytes, durationMs, clusters: [{timeMs, offset}]}. `page` is any page of the harness's Chromium. */
export async function makeVideo (page, { seconds = 20, fps = 10, width = 320, height = 240, bitrate = 120000 } = {}) {
  const frames = await page.evaluate(async ({ seconds, fps, width, height, bitrate }) => {
    const canvas = new OffscreenCanvas(width, height)
    const ctx = canvas.getContext('2d')
    const out = []
    let failure = null
    const encoder = new VideoEncoder({
      output: chunk => {
        const data = new Uint8Array(chunk.byteLength)
        chunk.copyTo(data)
        out.push({ data: Array.from(data), timestampMs: chunk.timestamp / 1000, key: chunk.type === 'key' })
      },
      error: err => { failure = err }
    })
    encoder.configure({ codec: 'vp8', width, height, bitrate, framerate: fps })
    const total = seconds * fps
    for (let i = 0; i < total; i++) {
      ctx.fillStyle = `hsl(${(i * 7) % 360} 60% 35%)`
      ctx.fillRect(0, 0, width, height)
      ctx.fillStyle = '#fff'
      ctx.fillRect((i * 5) % width, height - 30, 20, 20)
      ctx.font = 'bold 48px sans-serif'
      ctx.fillText(`${(i / fps).toFixed(1)} s`, 20, 100)
      const frame = new VideoFrame(canvas, { timestamp: Math.round(i * 1e6 / fps), duration: Math.round(1e6 / fps) })
      encoder.encode(frame, { keyFrame: i % fps === 0 })
      frame.close()
    }
    await encoder.flush()
    encoder.close()
    if (failure) throw failure
    return out
  }, { seconds, fps, width, height, bitrate })
  const durationMs = seconds * 1000
  return { ...muxWebm({ width, height, frames, durationMs }), durationMs }
}
