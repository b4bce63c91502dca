// Creates a torrent with one hashing worker per core. The core plans the shares (whole pieces
// and the file segments they cover); workers hash; the core writes the torrent. The same
// hashing checks files the user already has against a torrent made elsewhere.

import { TorrentCreator, version } from './pkg/peerpage.js'

/** Workers to use: one per core, at most 8 (memory: each reads 4 MiB at a time). */
export function hashWorkerCount () {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2))
}

const declared = files => files.map(f => ({ path: f.path, length: f.file.size }))

/**
 * `files`: [{file: File, path: string[]}] in torrent order; `options`: TorrentCreator options.
 * `onProgress(bytesHashed, total)`. Resolves to {torrent, infoHash, magnet, total, seconds}.
 */
export async function createTorrent (files, options, onProgress = () => {}) {
  const creator = new TorrentCreator(options, declared(files))
  const started = performance.now()
  try {
    const { hashes, total } = await hashPieces(creator, files, onProgress)
    const result = creator.finishWithPieceHashes(hashes)
    return { ...result, total, seconds: (performance.now() - started) / 1000 }
  } finally {
    creator.free()
  }
}

/**
 * The SHA-1 of every piece of `files` ([{file: Blob, path}], their bytes back to back) in
 * pieces of `pieceLength`, joined: what a torrent's piece hashes must equal.
 */
export async function pieceHashesOf (files, pieceLength, onProgress = () => {}) {
  const creator = new TorrentCreator({ name: 'check', pieceLength }, declared(files))
  try {
    return (await hashPieces(creator, files, onProgress)).hashes
  } finally {
    creator.free()
  }
}

/** Hashes the creator's shares in workers; resolves to {hashes (joined), total}. */
async function hashPieces (creator, files, onProgress) {
  const total = files.reduce((sum, f) => sum + f.file.size, 0)
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
    return { hashes: joined, total }
  } finally {
    for (const w of workers) w.terminate()
  }
}

/**
 * [{file, path: string[]}] in the given order from a FileList or File[] (a folder pick keeps
 * webkitRelativePath "folder/sub/f") or [{file, path}] (path "a/b" or its components).
 */
export const fileEntries = files => [...files].map(f => f instanceof File
  ? { file: f, path: (f.webkitRelativePath || f.name).split('/') }
  : { file: f.file, path: Array.isArray(f.path) ? f.path : String(f.path).split('/') })

/**
 * Files to make a torrent of, as the creator takes them: [{file, path}] sorted by path (an
 * order that does not depend on how the browser listed them), and the torrent's name. Unless
 * `name` is given, files that all lie in one folder make a torrent named after it (paths below
 * it); a lone file, one named after the file (a single-file torrent); else 'files'.
 */
export function normaliseFiles (files, name) {
  let list = fileEntries(files)
  const top = list[0]?.path[0]
  if (name === undefined && list.length && list.every(f => f.path.length > 1 && f.path[0] === top)) {
    list = list.map(f => ({ file: f.file, path: f.path.slice(1) }))
    name = top
  }
  name ??= list.length === 1 ? list[0].path[list[0].path.length - 1] : 'files'
  list.sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')))
  return { name, files: list }
}

/**
 * TorrentCreator options for a torrent made now by this page: each tracker its own tier
 * (BEP 12), optional `webSeeds` (BEP 19) and `comment`.
 */
export function creationOptions ({ name, trackers = [], webSeeds = [], comment }) {
  return {
    name,
    trackers: trackers.map(url => [url]),
    webSeeds,
    createdBy: `peerpage ${version()}`,
    creationDate: Math.floor(Date.now() / 1000),
    ...(comment ? { comment } : {})
  }
}
