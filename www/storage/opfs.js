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

/**
 * Opens (creating if needed) the file of one torrent of `totalLength` bytes in `pieceCount`
 * pieces. `store.fresh` is true when no data of this torrent was on disk; `store.resume` is
 * the last saved {snapshot, stored} (stored: bitfield of pieces on disk), or null.
 */
export async function open (infoHashHex, totalLength, pieceCount = 0) {
  const name = infoHashHex
  const { fresh, resume } = await call('open', { name, length: totalLength, pieceCount })
  return {
    name,
    fresh,
    resume,
    write: (offset, bytes) => call('write', { name, offset, bytes }, transferable(bytes)),
    /** Writes a verified piece and, in the same step, the resume record that counts it;
     * `snapshot` is needed once, then only when it changes. */
    writePiece: (piece, offset, bytes, snapshot) =>
      call('writePiece', { name, piece, offset, bytes, snapshot }, transferable(bytes)),
    saveResume: (snapshot, stored) => call('saveResume', { name, snapshot, stored }),
    /** Hashes the pieces already in the file (those set in `candidates`, or all) against
     * the torrent's `hashes` in the worker; resolves to the bitfield of those that match. */
    check: (pieceLength, hashes, candidates = null) => call('check', { name, pieceLength, hashes, candidates }),
    read: (offset, length) => call('read', { name, offset, length }),
    close: () => call('close', { name }),
    delete: () => call('delete', { name })
  }
}

export const kind = 'opfs'
/** Data outlives the page: a torrent added again checks what its file already holds. */
export const persistent = true
