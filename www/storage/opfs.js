// Pieces on disk in the origin private file system, one file per torrent, written by a worker
// through synchronous access handles (so neither the disk nor the copy blocks the page).
// Interface shared with memory.js: open(infoHashHex, totalLength) -> store.

let worker = null
let nextId = 1
const pending = new Map()

function call (op, args, transfer = []) {
  if (!worker) {
    worker = new Worker(new URL('./opfs-worker.js', import.meta.url), { type: 'module' })
    worker.onmessage = ({ data }) => {
      const p = pending.get(data.id)
      pending.delete(data.id)
      if (data.ok) p.resolve(data.result)
      else p.reject(Object.assign(new Error(data.message), { code: data.code }))
    }
    worker.onerror = ev => {
      const err = Object.assign(new Error(`storage worker failed: ${ev.message || 'unknown error'}`), { code: 'storage.worker' })
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
  }
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    worker.postMessage({ id, op, ...args }, transfer)
  })
}

/**
 * Whether this browser can keep pieces in OPFS (a secure context with the origin private
 * file system; sync access handles are checked by the worker, where they exist).
 */
export function available () {
  return typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory && typeof Worker !== 'undefined' &&
    globalThis.isSecureContext !== false
}

// The bytes are transferred to the worker when they own their whole buffer: no copy, and
// the caller must not use them afterwards.
const transferable = bytes => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : []

// Verified pieces go to the worker in batches of up to BATCH_BYTES, or whatever came within
// BATCH_MS: each message wakes the worker, and each write rewrites the resume record (the
// core's snapshot, ~20 bytes per piece of the torrent), so a batch of 64 KiB pieces costs one
// of each instead of one per piece.
const BATCH_BYTES = 1 << 20
const BATCH_MS = 50

/**
 * Opens (creating if needed) the file of one torrent of `totalLength` bytes in `pieceCount`
 * pieces. `store.fresh` is true when no data of this torrent was on disk; `store.resume` is
 * the last saved {snapshot, stored} (stored: bitfield of pieces on disk), or null.
 */
export async function open (infoHashHex, totalLength, pieceCount = 0) {
  const name = infoHashHex
  const { fresh, resume } = await call('open', { name, length: totalLength, pieceCount })
  let batch = null // {pieces: [{piece, offset, bytes}], snapshot, size, timer, done, resolve, reject}
  const flush = () => {
    const b = batch
    if (!b) return
    batch = null
    clearTimeout(b.timer)
    call('writePieces', { name, pieces: b.pieces, snapshot: b.snapshot }, b.pieces.flatMap(p => transferable(p.bytes)))
      .then(b.resolve, b.reject)
  }
  return {
    name,
    fresh,
    resume,
    write: (offset, bytes) => call('write', { name, offset, bytes }, transferable(bytes)),
    /** Writes a verified piece and, in the same step, the resume record that counts it;
     * `snapshot` is needed once, then only when it changes. Resolves once its batch is on
     * disk. */
    writePiece: (piece, offset, bytes, snapshot) => {
      if (!batch) {
        batch = { pieces: [], snapshot: undefined, size: 0, timer: setTimeout(flush, BATCH_MS) }
        batch.done = new Promise((resolve, reject) => Object.assign(batch, { resolve, reject }))
      }
      const b = batch
      b.pieces.push({ piece, offset, bytes })
      if (snapshot) b.snapshot = snapshot
      b.size += bytes.length
      if (b.size >= BATCH_BYTES) flush()
      return b.done
    },
    // The worker takes messages in order: pieces still batched go first.
    saveResume: (snapshot, stored) => { flush(); return call('saveResume', { name, snapshot, stored }) },
    /** Hashes the pieces already in the file (those set in `candidates`, or all) against
     * the torrent's `hashes` in the worker; resolves to the bitfield of those that match. */
    check: (pieceLength, hashes, candidates = null) => { flush(); return call('check', { name, pieceLength, hashes, candidates }) },
    read: (offset, length) => call('read', { name, offset, length }),
    close: () => { flush(); return call('close', { name }) },
    delete: () => { flush(); return call('delete', { name }) }
  }
}

export const kind = 'opfs'
/** Data outlives the page: a torrent added again checks what its file already holds. */
export const persistent = true
