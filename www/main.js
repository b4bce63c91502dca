// Boot: load the wasm core, then wire the page's inputs to it. All parsing and hashing is
// done by the core; this file only moves bytes and renders results.

import init, { parseTorrent, parseMagnet, version } from './pkg/peerpage.js'
import { showTorrent } from './ui/torrent-view.js'
import { bytes, rate, describeError } from './ui/format.js'
import { createTorrent, hashWorkerCount } from './create.js'
import { wireTabs } from './ui/tabs.js'

const $ = id => document.getElementById(id)
/** The embedded tracker served on the same port as the page (www/serve.mjs). */
export const DEFAULT_TRACKER = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/announce`

function showError (text) {
  const box = $('error')
  box.textContent = text
  box.hidden = false
}

function clearError () {
  $('error').hidden = true
}

async function openTorrentFile (file) {
  clearError()
  try {
    const data = new Uint8Array(await file.arrayBuffer())
    showTorrent(parseTorrent(data), { torrentBytes: data, fileName: file.name })
  } catch (err) {
    $('torrent').hidden = true
    showError(describeError(err, `Could not read ${file.name}`))
  }
}

function openMagnet (text) {
  clearError()
  try {
    showTorrent(parseMagnet(text))
  } catch (err) {
    $('torrent').hidden = true
    showError(describeError(err, 'Could not read that magnet link'))
  }
}

/** Creates a torrent with parallel hashing; `files` is [{file, path: string[]}]. */
async function createFromFiles (files, name) {
  clearError()
  if (!files.length) return showError('There are no files to make a torrent of (empty folder?).')
  // A stable order that does not depend on how the browser listed the files.
  files.sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')))
  $('progress').hidden = false
  $('progress-title').textContent = `Hashing ${name}…`
  $('progress-bar').style.width = '0%'
  const started = performance.now()
  const options = {
    name,
    trackers: [[DEFAULT_TRACKER]],
    createdBy: `peerpage ${version()}`,
    creationDate: Math.floor(Date.now() / 1000)
  }
  try {
    const result = await createTorrent(files, options, (done, total) => {
      $('progress-bar').style.width = `${(100 * done / total).toFixed(1)}%`
      $('progress-text').textContent =
        `${bytes(done)} of ${bytes(total)} · ${rate(done / Math.max((performance.now() - started) / 1000, 1e-3))}`
    })
    $('progress-bar').style.width = '100%'
    $('progress-title').textContent = `Created ${name}`
    $('progress-text').textContent = `${bytes(result.total)} hashed in ${result.seconds.toFixed(2)} s · ` +
      `${rate(result.total / Math.max(result.seconds, 1e-3))} · ${hashWorkerCount()} workers`
    showTorrent(parseTorrent(result.torrent), { torrentBytes: result.torrent, fileName: `${name}.torrent` })
  } catch (err) {
    $('progress').hidden = true
    showError(describeError(err, `Could not create a torrent of ${name}`))
  }
}

/** Files from an <input type=file>; folder picks carry webkitRelativePath "folder/sub/f". */
function filesFromInput (list) {
  const files = [...list]
  const rel = files.map(f => (f.webkitRelativePath || f.name).split('/'))
  const inFolder = rel.length > 0 && rel.every(p => p.length > 1 && p[0] === rel[0][0])
  if (inFolder) return { name: rel[0][0], files: files.map((file, i) => ({ file, path: rel[i].slice(1) })) }
  if (files.length === 1) return { name: files[0].name, files: [{ file: files[0], path: [files[0].name] }] }
  return { name: 'files', files: files.map(file => ({ file, path: [file.name] })) }
}

/** Walks dropped entries (files and folders) into [{file, path}]. */
async function filesFromDrop (items) {
  const entries = [...items].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean)
  const out = []
  const walk = async (entry, path) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject))
      out.push({ file, path: [...path, entry.name] })
    } else if (entry.isDirectory) {
      const reader = entry.createReader()
      let batch
      do {
        batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))
        for (const child of batch) await walk(child, [...path, entry.name])
      } while (batch.length)
    }
  }
  for (const entry of entries) await walk(entry, [])
  if (entries.length === 1 && entries[0].isDirectory) {
    return { name: entries[0].name, files: out.map(f => ({ file: f.file, path: f.path.slice(1) })) }
  }
  if (out.length === 1) return { name: out[0].file.name, files: out }
  return { name: 'files', files: out }
}

function wireInputs () {
  $('magnet-form').addEventListener('submit', ev => {
    ev.preventDefault()
    const text = $('magnet-input').value.trim()
    if (text) openMagnet(text)
  })
  $('torrent-file').addEventListener('change', ev => {
    const file = ev.target.files[0]
    if (file) openTorrentFile(file)
    ev.target.value = ''
  })
  for (const id of ['create-files', 'create-folder']) {
    $(id).addEventListener('change', ev => {
      const { name, files } = filesFromInput(ev.target.files)
      createFromFiles(files, name)
      ev.target.value = ''
    })
  }
  $('t-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('t-magnet').value)
      $('t-copy').textContent = 'Copied'
    } catch {
      $('t-magnet').select()
      $('t-copy').textContent = 'Press Ctrl+C'
    }
    setTimeout(() => { $('t-copy').textContent = 'Copy magnet' }, 1500)
  })
  const zone = $('drop-zone')
  document.addEventListener('dragover', ev => { ev.preventDefault(); zone.classList.add('over') })
  document.addEventListener('dragleave', ev => { if (!ev.relatedTarget) zone.classList.remove('over') })
  document.addEventListener('drop', async ev => {
    ev.preventDefault()
    zone.classList.remove('over')
    const dropped = [...ev.dataTransfer.files]
    if (dropped.length === 1 && dropped[0].name.toLowerCase().endsWith('.torrent')) {
      return openTorrentFile(dropped[0])
    }
    const text = ev.dataTransfer.getData('text/plain')
    if (!dropped.length && text) return openMagnet(text)
    try {
      const { name, files } = await filesFromDrop(ev.dataTransfer.items)
      createFromFiles(files, name)
    } catch (err) {
      showError(describeError(err, 'Could not read the dropped files'))
    }
  })
}

async function boot () {
  $('tracker-url').textContent = DEFAULT_TRACKER
  wireTabs(document.querySelector('nav.tabs'))
  try {
    await init()
  } catch (err) {
    $('core-status').dataset.state = 'failed'
    $('core-status').textContent = 'core failed to load'
    showError(`The WebAssembly core did not load (${err.message}). Was the page built with build.sh?`)
    return
  }
  $('core-version').textContent = version()
  $('core-status').dataset.state = 'ready'
  $('core-status').textContent = 'core ready'
  wireInputs()
  // A link to the page can carry a magnet: http://127.0.0.1:8080/#magnet=<url-encoded link>.
  const openFromHash = () => {
    const magnet = new URLSearchParams(location.hash.slice(1)).get('magnet')
    if (magnet) openMagnet(magnet)
  }
  window.addEventListener('hashchange', openFromHash)
  openFromHash()
  document.body.dataset.ready = 'true'
}

boot()
