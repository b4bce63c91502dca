// Pieces in the JS heap: only for browsers without OPFS (see opfs.js). Same interface as
// opfs.js; stores memory in 1 MiB chunks allocated on first write, so a partly downloaded
// torrent costs only what it holds.

const CHUNK = 1 << 20

/** Opens (creates) the in-memory store of one torrent. Nothing survives a reload. */
export async function open (infoHashHex, totalLength, pieceCount = 0) {
  const chunks = new Map()
  const span = (offset, length, visit) => {
    if (!(offset >= 0 && length >= 0 && offset + length <= totalLength)) {
      throw Object.assign(new RangeError(`range ${offset}+${length} outside 0..${totalLength}`), { code: 'storage.range' })
    }
    for (let at = offset; at < offset + length;) {
      const index = Math.floor(at / CHUNK)
      const within = at - index * CHUNK
      const n = Math.min(CHUNK - within, offset + length - at)
      visit(index, within, at - offset, n)
      at += n
    }
  }
  return {
    name: infoHashHex,
    fresh: true,
    resume: null,
    async writePiece (piece, offset, bytes) {
      return this.write(offset, bytes)
    },
    async saveResume () {},
    async write (offset, bytes) {
      span(offset, bytes.length, (index, within, from, n) => {
        let chunk = chunks.get(index)
        if (!chunk) chunks.set(index, chunk = new Uint8Array(Math.min(CHUNK, totalLength - index * CHUNK)))
        chunk.set(bytes.subarray(from, from + n), within)
      })
    },
    async read (offset, length) {
      const out = new Uint8Array(length)
      span(offset, length, (index, within, from, n) => {
        const chunk = chunks.get(index)
        if (chunk) out.set(chunk.subarray(within, within + n), from)
      })
      return out
    },
    async delete () {
      chunks.clear()
    },
    async close () {}
  }
}

export const kind = 'memory'
