// Saving a torrent's file to disk without holding it in memory: with the File System Access
// API the pump's file stream is piped into the chosen file; elsewhere the service worker
// serves it as a streamed download (Content-Disposition: attachment) through a hidden iframe.

import { streamUrl } from './register.js'

/** True when this browser can write to a file the user picks. */
export function canPickSaveFile () {
  return typeof window.showSaveFilePicker === 'function'
}

/**
 * Saves file `file` ({index, path, length}) of torrent `id`. Call straight from a click handler:
 * the save picker needs the user's gesture. Resolves to 'picked' (written), 'download'
 * (handed to the browser's downloads), or 'cancelled'.
 */
export async function saveFile (pump, id, infoHash, file, { streaming, preferDownload = false } = {}) {
  const name = file.path.split('/').pop() || 'file'
  if (canPickSaveFile() && !preferDownload) {
    let handle
    try {
      handle = await window.showSaveFilePicker({ suggestedName: name })
    } catch (err) {
      if (err.name === 'AbortError') return 'cancelled'
      throw err
    }
    const writable = await handle.createWritable()
    // pipeTo closes the file when the stream ends and aborts it (no partial file) on error.
    await pump.fileStream(id, file.index).pipeTo(writable)
    return 'picked'
  }
  if (!streaming) throw Object.assign(new Error('saving needs File System Access or a service worker, and this page has neither'), { code: 'save.unavailable' })
  const frame = document.createElement('iframe')
  frame.hidden = true
  frame.src = streamUrl(infoHash, file.index, file.path, { download: true })
  document.body.append(frame)
  // The download keeps going after the frame is gone; remove it once the browser has it.
  setTimeout(() => frame.remove(), 60000)
  return 'download'
}
