// Hashes one share of a new torrent's pieces: reads the planned file segments in slices and
// feeds the wasm hasher, so no file is held whole. One such worker runs per core.

import init, { PieceRangeHasher } from '../pkg/peerpage.js'

const CHUNK = 4 << 20 // 4 MiB reads amortise the copy into wasm
const PROGRESS_EVERY_MS = 100

self.onmessage = async ({ data }) => {
  const { files, job, pieceLength } = data
  let hasher
  try {
    await init()
    hasher = new PieceRangeHasher(pieceLength, job.len)
    let done = 0
    let reported = 0
    let lastReport = 0
    for (const seg of job.segments) {
      const file = files[seg.file]
      for (let at = seg.offset; at < seg.offset + seg.length; at += CHUNK) {
        const end = Math.min(at + CHUNK, seg.offset + seg.length)
        hasher.feed(new Uint8Array(await file.slice(at, end).arrayBuffer()))
        done += end - at
        const now = performance.now()
        if (now - lastReport > PROGRESS_EVERY_MS) {
          self.postMessage({ type: 'progress', bytes: done - reported })
          reported = done
          lastReport = now
        }
      }
    }
    const hashes = hasher.finish()
    self.postMessage({ type: 'done', bytes: done - reported, hashes }, [hashes.buffer])
  } catch (err) {
    self.postMessage({ type: 'error', message: err.message || String(err), code: err.code })
  } finally {
    hasher?.free()
  }
}
