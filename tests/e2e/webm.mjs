// A minimal WebM (Matroska) muxer for one VP8 video track, so a browser test can make a real,
// seekable video with WebCodecs: Info with a Duration, Cues placed before the Clusters (a
// player can seek without reading the end of the file first), one Cluster per key frame.
// Element IDs and layout: the Matroska spec (RFC 9559) and the WebM container guidelines.

const ID = {
  EBML: 0x1A45DFA3, EBMLVersion: 0x4286, EBMLReadVersion: 0x42F7, EBMLMaxIDLength: 0x42F2,
  EBMLMaxSizeLength: 0x42F3, DocType: 0x4282, DocTypeVersion: 0x4287, DocTypeReadVersion: 0x4285,
  Segment: 0x18538067, Info: 0x1549A966, TimestampScale: 0x2AD7B1, Duration: 0x4489,
  MuxingApp: 0x4D80, WritingApp: 0x5741, Tracks: 0x1654AE6B, TrackEntry: 0xAE,
  TrackNumber: 0xD7, TrackUID: 0x73C5, TrackType: 0x83, FlagLacing: 0x9C, CodecID: 0x86,
  Video: 0xE0, PixelWidth: 0xB0, PixelHeight: 0xBA, Cues: 0x1C53BB6B, CuePoint: 0xBB,
  CueTime: 0xB3, CueTrackPositions: 0xB7, CueTrack: 0xF7, CueClusterPosition: 0xF1,
  Cluster: 0x1F43B675, Timestamp: 0xE7, SimpleBlock: 0xA3
}

function idBytes (id) {
  const out = []
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  return Buffer.from(out)
}

/** EBML variable-size integer for an element's data size, in 8 bytes when `wide`. */
function sizeBytes (n, wide = false) {
  let len = 1
  while (!wide && len < 8 && n >= 2 ** (7 * len) - 1) len++
  if (wide) len = 8
  const out = Buffer.alloc(len)
  let v = n
  for (let i = len - 1; i >= 0; i--) { out[i] = v & 0xff; v = Math.floor(v / 256) }
  out[0] |= 0x80 >> (len - 1)
  return out
}

function el (id, ...children) {
  const data = Buffer.concat(children)
  return Buffer.concat([idBytes(id), sizeBytes(data.length), data])
}

/** Unsigned integer data, minimal bytes, or exactly `width` bytes. */
function uint (id, n, width = 0) {
  const out = []
  for (let v = n; v > 0 || out.length === 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  while (out.length < width) out.unshift(0)
  return el(id, Buffer.from(out))
}

function float (id, x) {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(x)
  return el(id, b)
}

const str = (id, s) => el(id, Buffer.from(s, 'ascii'))

/**
 * `frames`: [{data: Uint8Array, timestampMs, key}] in decode order, the first a key frame;
 * `durationMs`: the length of the video. Returns {bytes, clusters: [{timeMs, offset}]}, each
 * cluster's start time and its byte offset in the file.
 */
export function muxWebm ({ width, height, frames, durationMs }) {
  const header = el(ID.EBML, uint(ID.EBMLVersion, 1), uint(ID.EBMLReadVersion, 1),
    uint(ID.EBMLMaxIDLength, 4), uint(ID.EBMLMaxSizeLength, 8), str(ID.DocType, 'webm'),
    uint(ID.DocTypeVersion, 2), uint(ID.DocTypeReadVersion, 2))
  const info = el(ID.Info, uint(ID.TimestampScale, 1000000), float(ID.Duration, durationMs),
    str(ID.MuxingApp, 'peerpage-test'), str(ID.WritingApp, 'peerpage-test'))
  const tracks = el(ID.Tracks, el(ID.TrackEntry, uint(ID.TrackNumber, 1), uint(ID.TrackUID, 1),
    uint(ID.TrackType, 1), uint(ID.FlagLacing, 0), str(ID.CodecID, 'V_VP8'),
    el(ID.Video, uint(ID.PixelWidth, width), uint(ID.PixelHeight, height))))

  // One cluster per key frame, holding it and the frames up to the next key frame.
  const groups = []
  for (const f of frames) {
    if (f.key || groups.length === 0) groups.push([])
    groups[groups.length - 1].push(f)
  }
  const clusters = groups.map(group => {
    const base = group[0].timestampMs
    const blocks = group.map(f => {
      const head = Buffer.alloc(4)
      head[0] = 0x81 // track 1 as a one-byte vint
      head.writeInt16BE(Math.round(f.timestampMs - base), 1)
      head[3] = f.key ? 0x80 : 0
      return el(ID.SimpleBlock, head, Buffer.from(f.data))
    })
    return { time: base, bytes: el(ID.Cluster, uint(ID.Timestamp, base), ...blocks) }
  })

  // Cue positions are fixed-width, so the Cues' size is known before the positions are.
  const cuesFor = positions => el(ID.Cues, ...clusters.map((c, i) => el(ID.CuePoint,
    uint(ID.CueTime, c.time), el(ID.CueTrackPositions, uint(ID.CueTrack, 1),
      uint(ID.CueClusterPosition, positions[i], 8)))))
  const before = info.length + tracks.length + cuesFor(clusters.map(() => 0)).length
  const positions = []
  let at = before // relative to the start of the Segment's data, as the spec says
  for (const c of clusters) { positions.push(at); at += c.bytes.length }
  const body = Buffer.concat([info, tracks, cuesFor(positions), ...clusters.map(c => c.bytes)])
  const segmentHead = Buffer.concat([idBytes(ID.Segment), sizeBytes(body.length, true)])
  const dataStart = header.length + segmentHead.length
  return {
    bytes: Buffer.concat([header, segmentHead, body]),
    clusters: clusters.map((c, i) => ({ timeMs: c.time, offset: dataStart + positions[i] }))
  }
}
