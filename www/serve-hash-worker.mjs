// Node worker thread: hashes one planned share of the kiosk torrent's pieces with the core's
// PieceRangeHasher, reading the file segments in slices so no file is held whole.

import { parentPort, workerData } from 'node:worker_threads'
import { open } from 'node:fs/promises'
import { loadCore } from './serve-core.mjs'

const CHUNK = 4 << 20

async function run () {
  const { PieceRangeHasher } = await loadCore()
  const { paths, job, pieceLength } = workerData
  const hasher = new PieceRangeHasher(pieceLength, job.len)
  const buf = Buffer.allocUnsafe(CHUNK)
  try {
    for (const seg of job.segments) {
      const fh = await open(paths[seg.file], 'r')
      try {
        for (let at = seg.offset; at < seg.offset + seg.length;) {
          const want = Math.min(CHUNK, seg.offset + seg.length - at)
          const { bytesRead } = await fh.read(buf, 0, want, at)
          if (bytesRead === 0) throw new Error(`${paths[seg.file]} shrank while it was being hashed`)
          hasher.feed(buf.subarray(0, bytesRead))
          at += bytesRead
          parentPort.postMessage({ type: 'progress', bytes: bytesRead })
        }
      } finally {
        await fh.close()
      }
    }
    const hashes = hasher.finish()
    parentPort.postMessage({ type: 'done', hashes }, [hashes.buffer])
  } finally {
    hasher.free()
  }
}

run().catch(err => parentPort.postMessage({ type: 'error', message: err.message, code: err.code }))
