// Where a seed's local files go in its torrent's bytes. The parser's view lists the torrent's
// files with their offsets and hides BEP 47 pad files; the bytes between (pads) are zeros,
// which no local file holds, so the pump writes them itself.

const mismatch = message => Object.assign(new Error(message), { code: 'pump.files-mismatch' })

/**
 * Places `entries` ([{file, path: string[]}], e.g. create.js fileEntries) at the offsets of
 * the torrent's files in `info` ({name, length, files: [{path, length, offset}]}, as
 * core.info or parseTorrent's view with its totalLength as length). An entry matches a file by its path below the
 * torrent's name, or with the name in front (a folder pick), or else as the one entry of
 * that file's name and size (files picked without their folders). Failing that, entries
 * given one per file in the torrent's order match by position. Every file must match one of
 * its exact size. Returns {files: [{file, offset}], gaps: [{offset, length}]}: the gaps are
 * the bytes no file covers (pad files), in order.
 */
export function placeFiles (info, entries) {
  const byPath = new Map(entries.map(e => [e.path.join('/'), e]))
  const byLeaf = f => {
    const leaf = f.path.split('/').pop()
    const same = entries.filter(e => e.path[e.path.length - 1] === leaf && e.file.size === f.length)
    return same.length === 1 ? same[0] : undefined
  }
  let matched = info.files.map(f => byPath.get(f.path) ?? byPath.get(`${info.name}/${f.path}`) ?? byLeaf(f))
  if (matched.some(e => !e) || new Set(matched).size < matched.length) {
    if (entries.length !== info.files.length) throw mismatch(`these are not the files of ${info.name}`)
    matched = entries
  }
  info.files.forEach((f, i) => {
    if (matched[i].file.size !== f.length) {
      throw mismatch(`${matched[i].path.join('/')} has ${matched[i].file.size} bytes; ${f.path} in the torrent has ${f.length}`)
    }
  })
  const files = info.files.map((f, i) => ({ file: matched[i].file, offset: f.offset }))
  const gaps = []
  let at = 0
  for (const f of [...info.files].sort((a, b) => a.offset - b.offset)) {
    if (f.offset > at) gaps.push({ offset: at, length: f.offset - at })
    at = Math.max(at, f.offset + f.length)
  }
  if (at < info.length) gaps.push({ offset: at, length: info.length - at })
  return { files, gaps }
}

/**
 * The whole torrent as [{file: Blob, path}] back to back: the placed files and a Blob of
 * zeros for each gap, in offset order (what its piece hashes were taken over).
 */
export function wholeTorrent ({ files, gaps }) {
  const parts = [
    ...files.map(({ file, offset }) => ({ file, offset })),
    ...gaps.map(({ offset, length }) => ({ file: new Blob([new Uint8Array(length)]), offset }))
  ].sort((a, b) => a.offset - b.offset)
  return parts.map(({ file }, i) => ({ file, path: [String(i)] }))
}

/** The first piece whose hash in `got` is not the one in `want` (joined SHA-1s), or -1. */
export function firstBadPiece (want, got) {
  for (let p = 0; p * 20 < want.length; p++) {
    for (let i = p * 20; i < (p + 1) * 20; i++) if (want[i] !== got[i]) return p
  }
  return -1
}

/** The files (of placeFiles' info, with `pieceLength`) that hold bytes of piece `p`. */
export function filesOfPiece (info, p) {
  const from = p * info.pieceLength
  const to = from + info.pieceLength
  return info.files.filter(f => f.length > 0 && f.offset < to && f.offset + f.length > from)
}
