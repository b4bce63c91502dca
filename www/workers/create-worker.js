// Creates a torrent off the main thread: reads each File in slices and feeds the wasm hasher,
// so no file is ever held whole and the page stays responsive.

import init, { TorrentCreator } from '../pkg/peerpage.js'

const CHUNK = 4 << 20 // 4 MiB reads: large enough to amortise the copy into wasm
const PROGRESS_EVERY_MS = 100

self.onmessage = async ({ data }) => {
  const { files, options } = data
  let creator
  try {
    await init()
    creator = new TorrentCreator(options, files.map(f => ({ path: f.path, length: f.file.size })))
    const total = files.reduce((sum, f) => sum + f.file.size, 0)
    const started = performance.now()
    let lastReport = 0
    for (const { file } of files) {
      for (let offset = 0; offset < file.size; offset += CHUNK) {
        const chunk = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer())
        creator.feed(chunk)
        const now = performance.now()
        if (now - lastReport > PROGRESS_EVERY_MS) {
          lastReport = now
          self.postMessage({ type: 'progress', fed: creator.fed(), total, seconds: (now - started) / 1000 })
        }
      }
    }
    const seconds = (performance.now() - started) / 1000
    const result = creator.finish()
    self.postMessage({ type: 'done', ...result, total, seconds }, [result.torrent.buffer])
  } catch (err) {
    self.postMessage({ type: 'error', message: err.message || String(err), code: err.code, fault: err.fault })
  } finally {
    creator?.free()
  }
}
