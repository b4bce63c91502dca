// Inputs the benchmarks share, and the timing discipline: check the result first, then time
// the reference and peerpage interleaved, several rounds, and report medians.

/** A multi-file torrent with `files` entries, bencoded by npm bencode (what WebTorrent uses). */
export function bigTorrent (bencode, files = 20000) {
  const list = []
  for (let i = 0; i < files; i++) {
    list.push({ length: 1000 + (i * 7919) % 100000, path: [new TextEncoder().encode(`dir${i % 97}`), new TextEncoder().encode(`file-${i}.dat`)] })
  }
  const pieces = new Uint8Array(20 * 4000).map((_, i) => (i * 131) & 0xff)
  return bencode.encode({
    announce: 'wss://tracker.example/announce',
    info: { files: list, name: 'big', 'piece length': 262144, pieces }
  })
}

export function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/**
 * Runs each named function `rounds` times, interleaved, each run repeated until it took at
 * least `minMs`; returns median MB/s per name given `bytes` of work per call.
 */
export async function race (fns, bytes, { rounds = 7, minMs = 200, now = () => performance.now() } = {}) {
  const samples = Object.fromEntries(Object.keys(fns).map(k => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      let calls = 0
      const start = now()
      let elapsed = 0
      do {
        await fn()
        calls++
        elapsed = now() - start
      } while (elapsed < minMs)
      samples[name].push((bytes * calls) / (elapsed / 1000) / 1e6)
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}
