// Creates a torrent with one hashing worker per core. The core plans the shares (whole pieces
// and the file segments they cover); workers hash; the core writes the torrent.

import { TorrentCreator } from './pkg/peerpage.js'

/** Workers to use: one per core, at most 8 (memory: each reads 4 MiB at a time). */
export function hashWorkerCount () {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2))
}

/**
 * `files`: [{file: File, path: string[]}] in torrent order; `options`: TorrentCreator options.
 * `onProgress(bytesHashed, total)`. Resolves to {torrent, infoHash, magnet, total, seconds}.
 */
export async function createTorrent (files, options, onProgress = () => {}) {
  const creator = new TorrentCreator(options, files.map(f => ({ path: f.path, length: f.file.size })))
  const total = files.reduce((sum, f) => sum + f.file.size, 0)
  const started = performance.now()
  const workers = []
  try {
    const jobs = creator.plan(hashWorkerCount())
    const pieceLength = creator.pieceLength()
    let hashed = 0
    const shares = await Promise.all(jobs.map(job => new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./workers/hash-worker.js', import.meta.url), { type: 'module' })
      workers.push(worker)
      worker.onmessage = ({ data }) => {
        if (data.type === 'error') return reject(Object.assign(new Error(data.message), { code: data.code }))
        hashed += data.bytes
        onProgress(hashed, total)
        if (data.type === 'done') resolve(data.hashes)
      }
      worker.onerror = ev => reject(new Error(`hashing worker failed: ${ev.message || 'unknown error'}`))
      worker.postMessage({ files: files.map(f => f.file), job, pieceLength })
    })))
    const joined = new Uint8Array(shares.reduce((n, s) => n + s.length, 0))
    let at = 0
    for (const share of shares) {
      joined.set(share, at)
      at += share.length
    }
    const result = creator.finishWithPieceHashes(joined)
    return { ...result, total, seconds: (performance.now() - started) / 1000 }
  } finally {
    for (const w of workers) w.terminate()
    creator.free()
  }
}
