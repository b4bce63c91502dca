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

/** Finds the torrent id and file record for an info hash and file index, or null. */
function lookup (pump, infoHash, fileIndex) {
  for (const { id, info } of pump.list()) {
    if (info.infoHash !== infoHash || !info.hasMetadata) continue
    const file = info.files.find(f => f.index === fileIndex)
    return file ? { id, file } : null
  }
  return null
}

async function answer (pump, data, port) {
  try {
    const found = lookup(pump, data.infoHash, data.fileIndex)
    if (data.op === 'stat') {
      port.postMessage(found ? { found: true, length: found.file.length, name: found.file.path.split('/').pop() } : { found: false })
      return
    }
    if (data.op !== 'read') throw new Error(`unknown stream op ${data.op}`)
    if (!found) throw Object.assign(new Error('the torrent was removed'), { code: 'stream.gone' })
    const bytes = await pump.readRange(found.id, data.fileIndex, data.start, data.end)
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
