// Page side of streaming: registers the service worker (www/sw.js, scope: the site root) and
// answers its questions from the pump: 'stat' (does this page have that file, how long is it)
// and 'read' (bytes start..end of the file, through pump.readRange).

/** How long to wait for the worker to take control of this page. */
const CLAIM_WAIT_MS = 5000

/** The URL a <video> or a download uses for file `fileIndex` of torrent `infoHash`. */
export function streamUrl (infoHash, fileIndex, name, { download = false } = {}) {
  const leaf = encodeURIComponent(name.split('/').pop() || 'file')
  const url = new URL(`stream/${infoHash}/${fileIndex}/${leaf}`, new URL('../', import.meta.url))
  if (download) url.search = '?download'
  return url.href
}

/** The newest request's seq per "infoHash/fileIndex" (see sw.js nextSeq). */
const newest = new Map()

async function answer (pump, data, port) {
  try {
    const id = pump.idOf(data.infoHash)
    if (data.op === 'stat') {
      const info = id === undefined ? null : pump.info(id)
      const file = info?.hasMetadata ? info.files.find(f => f.index === data.fileIndex) : null
      port.postMessage(file ? { found: true, length: file.length, name: file.path.split('/').pop() } : { found: false })
      return
    }
    if (data.op !== 'read') throw new Error(`unknown stream op ${data.op}`)
    if (id === undefined) throw Object.assign(new Error('the torrent was removed'), { code: 'stream.gone' })
    const key = `${data.infoHash}/${data.fileIndex}`
    if (!(newest.get(key) > data.seq)) newest.set(key, data.seq)
    // Each read waits for one piece at most (the worker asks on from where it ends); an older
    // request of this file waits for its bytes without moving the stream window.
    const bytes = await pump.readRange(id, data.fileIndex, data.start, data.end, {
      partial: true, window: !(newest.get(key) > data.seq)
    })
    // Transfer the buffer when the view owns all of it; else copy just the view.
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer : bytes.slice().buffer
    port.postMessage({ bytes: buffer }, [buffer])
  } catch (err) {
    port.postMessage({ error: err.message || String(err), code: err.code })
  }
}

/**
 * Registers the worker and starts answering it. Resolves to true once a worker controls this
 * page (streaming works), false when service workers are unavailable (e.g. not a secure
 * context, or a private window that forbids them).
 */
export async function startStreaming (pump) {
  if (!('serviceWorker' in navigator)) return false
  navigator.serviceWorker.addEventListener('message', ev => {
    if (ev.data && ev.data.peerpageStream && ev.ports[0]) answer(pump, ev.data, ev.ports[0])
  })
  navigator.serviceWorker.startMessages()
  const container = navigator.serviceWorker
  const controlled = new Promise(resolve => {
    if (container.controller) resolve()
    else container.addEventListener('controllerchange', resolve, { once: true })
  })
  try {
    await container.register(new URL('../sw.js', import.meta.url), {
      type: 'module', scope: new URL('../', import.meta.url).pathname
    })
  } catch (err) {
    console.warn('streaming is off: the service worker did not register', err)
    return false
  }
  const registration = await container.ready
  // A first visit is claimed as the worker activates; after a hard reload the page starts
  // uncontrolled, so ask the active worker to claim it.
  if (!container.controller) registration.active?.postMessage({ peerpageClaim: true })
  await Promise.race([controlled, new Promise(resolve => setTimeout(resolve, CLAIM_WAIT_MS))])
  return Boolean(container.controller)
}
