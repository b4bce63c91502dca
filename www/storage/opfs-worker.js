// The OPFS side of opfs.js: synchronous access handles exist only in workers, and they are
// the fastest way to put pieces on disk without blocking the page. One worker serves every
// torrent; each torrent is one file under pieces/ named by its info hash, plus a resume file
// (<hash>.resume) rewritten right after each batch of pieces: the core's resume snapshot and
// the bitfield of pieces on disk. Writing both in one synchronous step here is what keeps a
// reload from losing a stored piece (an IndexedDB commit from the page would race it).

const handles = new Map() // name -> FileSystemSyncAccessHandle
const resumes = new Map() // name -> {handle, stored: Uint8Array | null}
const MAGIC = 0x50505231 // "PPR1"
let dir = null
let flushTimer = null
let wasm = null // the core's module, loaded on the first check only
const CHECK_SLICE = 32 << 20 // bytes hashed between turns for other messages

/** The wasm core's SHA-1 (hashing stays in wasm, here beside the bytes). */
function coreSha1 () {
  wasm ??= import('../pkg/peerpage.js').then(async m => {
    await m.default()
    return m.sha1
  })
  return wasm
}

async function piecesDir () {
  if (!dir) dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('pieces', { create: true })
  return dir
}

// Writes are visible to later reads at once; flushing (fsync) is batched because it costs a
// disk sync per call and a page reload does not need it.
function scheduleFlush () {
  if (flushTimer) return
  flushTimer = setTimeout(() => {
    flushTimer = null
    for (const h of handles.values()) h.flush()
    for (const r of resumes.values()) r.handle.flush()
  }, 1000)
}

function handleOf (name) {
  const h = handles.get(name)
  if (!h) throw Object.assign(new Error(`store ${name} is not open`), { code: 'storage.closed' })
  return h
}

// FNV-1a: enough to tell a record cut short by a reload from a whole one.
function checksum (bytes) {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return h >>> 0
}

// Record: magic, stored length, snapshot length, checksum of both, stored bits, snapshot.
// The record is the bitfield of pieces on disk plus the core's snapshot. The snapshot is
// kept here and only resent when it changes, so a piece costs the main thread nothing more.
function writeResume (name, snapshot) {
  const r = resumes.get(name)
  if (!r || !r.stored) return
  if (snapshot) r.snapshot = snapshot
  snapshot = r.snapshot
  if (!snapshot) return
  const body = new Uint8Array(r.stored.length + snapshot.length)
  body.set(r.stored)
  body.set(snapshot, r.stored.length)
  const head = new DataView(new ArrayBuffer(16))
  head.setUint32(0, MAGIC)
  head.setUint32(4, r.stored.length)
  head.setUint32(8, snapshot.length)
  head.setUint32(12, checksum(body))
  r.handle.write(new Uint8Array(head.buffer), { at: 0 })
  r.handle.write(body, { at: 16 })
  r.handle.truncate(16 + body.length)
}

function readResume (handle) {
  const size = handle.getSize()
  if (size < 16) return null
  const head = new Uint8Array(16)
  handle.read(head, { at: 0 })
  const v = new DataView(head.buffer)
  const storedLen = v.getUint32(4)
  const snapLen = v.getUint32(8)
  if (v.getUint32(0) !== MAGIC || 16 + storedLen + snapLen !== size) return null
  const body = new Uint8Array(storedLen + snapLen)
  handle.read(body, { at: 16 })
  if (checksum(body) !== v.getUint32(12)) return null
  return { stored: body.slice(0, storedLen), snapshot: body.slice(storedLen) }
}

const ops = {
  async open ({ name, length, pieceCount }) {
    if (handles.has(name)) {
      const r = resumes.get(name)
      return { fresh: false, resume: null, stored: r.stored }
    }
    const d = await piecesDir()
    let fresh = false
    try {
      await d.getFileHandle(name)
    } catch {
      fresh = true
    }
    const file = await d.getFileHandle(name, { create: true })
    const h = await file.createSyncAccessHandle()
    // A file of another length is not this torrent's data (or was cut short): start over.
    if (!fresh && h.getSize() !== length) fresh = true
    if (fresh) h.truncate(0)
    h.truncate(length)
    handles.set(name, h)
    const rh = await (await d.getFileHandle(`${name}.resume`, { create: true })).createSyncAccessHandle()
    const saved = fresh ? null : readResume(rh)
    const bits = Math.ceil(pieceCount / 8)
    const stored = saved && saved.stored.length === bits ? saved.stored : new Uint8Array(bits)
    resumes.set(name, { handle: rh, stored, snapshot: saved?.snapshot ?? null })
    return { fresh, resume: saved && saved.stored.length === bits ? saved : null }
  },
  /** Verified pieces: their bytes, then at once the resume record that counts them (with a
   * new snapshot, or the last one). */
  writePieces ({ name, pieces, snapshot }) {
    for (const { piece, offset, bytes } of pieces) {
      ops.write({ name, offset, bytes })
      const r = resumes.get(name)
      r.stored[piece >> 3] |= 0x80 >> (piece & 7)
    }
    writeResume(name, snapshot)
  },
  /** A new resume record; `stored` replaces the bitfield of pieces on disk when given. */
  saveResume ({ name, snapshot, stored }) {
    const r = resumes.get(name)
    if (!r) return
    if (stored) r.stored = stored
    writeResume(name, snapshot)
  },
  /**
   * Which pieces the file already holds: each candidate piece (set in the `candidates`
   * bitfield, or every piece when it is null) is read and its SHA-1 compared with the
   * torrent's (`hashes`, 20 bytes a piece). Returns the bitfield of pieces that match.
   */
  async check ({ name, pieceLength, hashes, candidates }) {
    const h = handleOf(name)
    const sha1 = await coreSha1()
    const size = h.getSize()
    const count = hashes.length / 20
    const found = new Uint8Array(Math.ceil(count / 8))
    const buf = new Uint8Array(pieceLength)
    let sinceYield = 0
    for (let p = 0; p < count; p++) {
      const bit = 0x80 >> (p & 7)
      if (candidates && !(candidates[p >> 3] & bit)) continue
      // Other torrents' reads and writes go on between slices of a long check.
      if ((sinceYield += pieceLength) >= CHECK_SLICE) {
        sinceYield = 0
        await new Promise(resolve => setTimeout(resolve, 0))
      }
      const offset = p * pieceLength
      const bytes = buf.subarray(0, Math.max(0, Math.min(pieceLength, size - offset)))
      if (!bytes.length || h.read(bytes, { at: offset }) !== bytes.length) continue
      const digest = sha1(bytes)
      let same = true
      for (let i = 0; i < 20 && same; i++) same = digest[i] === hashes[p * 20 + i]
      if (same) found[p >> 3] |= bit
    }
    return found
  },
  write ({ name, offset, bytes }) {
    const h = handleOf(name)
    let at = 0
    while (at < bytes.length) {
      const n = h.write(bytes.subarray(at), { at: offset + at })
      if (n <= 0) throw Object.assign(new Error('short write'), { code: 'storage.write' })
      at += n
    }
    scheduleFlush()
  },
  read ({ name, offset, length }) {
    const out = new Uint8Array(length)
    const n = handleOf(name).read(out, { at: offset })
    if (n !== length) throw Object.assign(new Error(`short read: ${n} of ${length}`), { code: 'storage.read' })
    return { result: out, transfer: [out.buffer] }
  },
  close ({ name }) {
    const h = handles.get(name)
    if (h) {
      h.flush()
      h.close()
      handles.delete(name)
    }
    const r = resumes.get(name)
    if (r) {
      r.handle.flush()
      r.handle.close()
      resumes.delete(name)
    }
  },
  async delete ({ name }) {
    ops.close({ name })
    const d = await piecesDir()
    await d.removeEntry(name).catch(() => {})
    await d.removeEntry(`${name}.resume`).catch(() => {})
  }
}

self.onmessage = async ({ data }) => {
  const { id, op } = data
  try {
    const out = await ops[op](data)
    if (out && out.transfer) self.postMessage({ id, ok: true, result: out.result }, out.transfer)
    else self.postMessage({ id, ok: true, result: out })
  } catch (err) {
    // A DOMException's `code` is a legacy number; its name says what happened.
    self.postMessage({ id, ok: false, message: err.message || String(err), code: err instanceof DOMException ? err.name : err.code || err.name })
  }
}
