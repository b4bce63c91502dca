// The add flow: a magnet (typed, dropped, or in the page's #magnet= hash), a .torrent file,
// or files and folders to seed. Each is parsed and shown first (a bad one is explained in
// words); with a pump it then joins the swarm, or starts seeding what was created.

import { parseTorrent, parseMagnet } from '../pkg/peerpage.js'
import { showTorrent } from './torrent-view.js'
import { bytes, rate, describeError } from './format.js'
import { createTorrent, creationOptions, fileEntries, hashWorkerCount, normaliseFiles } from '../create.js'

const $ = id => document.getElementById(id)

/** Shows the progress card titled `title`; returns onProgress(done, total) for hashing. */
function hashingProgress (title) {
  $('progress').hidden = false
  $('progress-title').textContent = title
  $('progress-bar').style.width = '0%'
  $('progress-text').textContent = ''
  const started = performance.now()
  return (done, total) => {
    $('progress-bar').style.width = `${(100 * done / total).toFixed(1)}%`
    $('progress-text').textContent =
      `${bytes(done)} of ${bytes(total)} · ${rate(done / Math.max((performance.now() - started) / 1000, 1e-3))}`
  }
}

const isTorrent = file => /\.torrent$/i.test(file.name)

/**
 * Picked or dropped items as {name, files} (see create.js normaliseFiles), and `torrent`: the
 * one .torrent picked or dropped beside other items, which are then its files to seed. A
 * .torrent inside a folder is only one of its files. `top`: the items themselves (files and
 * folders); `files`: every file, as [{file, path}].
 */
function picked (top, files) {
  const torrents = top.filter(isTorrent)
  if (torrents.length !== 1 || top.length < 2) return normaliseFiles(files)
  return { ...normaliseFiles(files.filter(f => f.file !== torrents[0])), torrent: torrents[0] }
}

/** Walks dropped entries (files and folders); returns what `picked` does. */
export async function filesFromDrop (items) {
  const entries = [...items].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean)
  const out = []
  const top = []
  const walk = async (entry, path) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject))
      out.push({ file, path: [...path, entry.name] })
      if (!path.length) top.push(file)
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
  // One dropped folder names the torrent even when it is empty (the error then says so).
  const folder = entries.length === 1 && entries[0].isDirectory ? entries[0].name : undefined
  if (!out.length) return { name: folder ?? 'files', files: [] }
  // A dropped folder counts as one item beside a dropped .torrent.
  return picked([...top, ...entries.filter(e => e.isDirectory)], out)
}

export class AddFlow {
  /**
   * `pump`: the Pump or null (then the page only inspects); `tracker`: the default tracker
   * URL for created torrents; `joined(id, {view, torrentBytes, fileName})`: a torrent was
   * added (or was already there); `showError(text)`, `clearError()`.
   */
  constructor ({ pump, tracker, joined, showError, clearError }) {
    Object.assign(this, { pump, tracker, joined, showError, clearError })
  }

  /** Runs `add()`; if the core refuses a torrent it already has, selects that one instead. */
  join (add, view, extra = {}) {
    if (!this.pump) return
    try {
      this.joined(add(), { view, ...extra })
    } catch (err) {
      const existing = this.pump.list().find(t => t.info.infoHash === view.infoHash)
      if (existing) this.joined(existing.id, { view, ...extra })
      else this.showError(describeError(err, `Could not add ${view.name || view.infoHash}`))
    }
  }

  async openTorrentFile (file) {
    this.clearError()
    let data, view
    try {
      data = new Uint8Array(await file.arrayBuffer())
      view = parseTorrent(data)
    } catch (err) {
      $('torrent').hidden = true
      return this.showError(describeError(err, `Could not read ${file.name}`))
    }
    showTorrent(view, { torrentBytes: data, fileName: file.name })
    this.join(() => this.pump.addTorrentFile(data), view, { torrentBytes: data, fileName: file.name })
  }

  openMagnet (text) {
    this.clearError()
    let view
    try {
      view = parseMagnet(text)
    } catch (err) {
      $('torrent').hidden = true
      return this.showError(describeError(err, 'Could not read that magnet link'))
    }
    showTorrent(view)
    this.join(() => this.pump.addMagnet(text), view)
  }

  /**
   * Creates a torrent with parallel hashing, shows it, and seeds it. `files`, `name`: from
   * create.js normaliseFiles.
   */
  async createFromFiles (files, name) {
    this.clearError()
    if (!files.length) return this.showError('There are no files to make a torrent of (empty folder?).')
    const started = performance.now()
    const onProgress = hashingProgress(`Hashing ${name}…`)
    let torrent, id
    try {
      if (this.pump) {
        // The pump hashes (the same parallel creator) and starts seeding at once.
        id = await this.pump.seedFiles(files, { name, onProgress })
        torrent = this.pump.torrentFile(id)
      } else {
        torrent = (await createTorrent(files, creationOptions({ name, trackers: [this.tracker] }), onProgress)).torrent
      }
    } catch (err) {
      $('progress').hidden = true
      return this.showError(describeError(err, `Could not create a torrent of ${name}`))
    }
    const seconds = (performance.now() - started) / 1000
    const total = files.reduce((sum, f) => sum + f.file.size, 0)
    $('progress-bar').style.width = '100%'
    $('progress-title').textContent = `Created ${name}`
    $('progress-text').textContent = `${bytes(total)} hashed in ${seconds.toFixed(2)} s · ` +
      `${rate(total / Math.max(seconds, 1e-3))} · ${hashWorkerCount()} workers${this.pump ? ' · seeding' : ''}`
    const view = parseTorrent(torrent)
    const fileName = `${name}.torrent`
    showTorrent(view, { torrentBytes: torrent, fileName })
    if (id !== undefined) this.joined(id, { view, torrentBytes: torrent, fileName })
  }

  /**
   * Seeds files the user already has under a .torrent made elsewhere (with BEP 47 pad files
   * or not): the pump places each file by path or name, checks its size and every piece's
   * hash, and seeds them, in place of the same torrent if it was downloading.
   */
  async seedWithTorrent (torrentFile, files) {
    this.clearError()
    let data, view
    try {
      data = new Uint8Array(await torrentFile.arrayBuffer())
      view = parseTorrent(data)
    } catch (err) {
      $('torrent').hidden = true
      return this.showError(describeError(err, `Could not read ${torrentFile.name}`))
    }
    showTorrent(view, { torrentBytes: data, fileName: torrentFile.name })
    if (!this.pump) return
    const name = view.name || torrentFile.name
    const onProgress = hashingProgress(`Checking your files against ${name}…`)
    try {
      const id = await this.pump.seedFiles(files, { torrent: data, onProgress })
      $('progress-title').textContent = `Your files are ${name}'s · seeding`
      this.joined(id, { view, torrentBytes: data, fileName: torrentFile.name })
    } catch (err) {
      $('progress').hidden = true
      this.showError(describeError(err, `Could not seed ${name} from these files`))
    }
  }

  /** Picked or dropped files (see `picked`): seeded under their .torrent, else made into one. */
  addFiles ({ name, files, torrent }) {
    if (torrent) return this.seedWithTorrent(torrent, files)
    return this.createFromFiles(files, name)
  }

  wire () {
    $('magnet-form').addEventListener('submit', ev => {
      ev.preventDefault()
      const text = $('magnet-input').value.trim()
      if (text) this.openMagnet(text)
    })
    $('torrent-file').addEventListener('change', ev => {
      const file = ev.target.files[0]
      if (file) this.openTorrentFile(file)
      ev.target.value = ''
    })
    // Files may include their .torrent; a folder pick is always a folder to make a torrent of.
    $('create-files').addEventListener('change', ev => {
      const list = [...ev.target.files]
      this.addFiles(picked(list, fileEntries(list)))
      ev.target.value = ''
    })
    $('create-folder').addEventListener('change', ev => {
      this.addFiles(normaliseFiles(ev.target.files))
      ev.target.value = ''
    })
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
        return this.openTorrentFile(dropped[0])
      }
      const text = ev.dataTransfer.getData('text/plain')
      if (!dropped.length && text) return this.openMagnet(text)
      try {
        this.addFiles(await filesFromDrop(ev.dataTransfer.items))
      } catch (err) {
        this.showError(describeError(err, 'Could not read the dropped files'))
      }
    })
    // A link to the page can carry a magnet: http://127.0.0.1:8080/#magnet=<url-encoded link>.
    const openFromHash = () => {
      const magnet = new URLSearchParams(location.hash.slice(1)).get('magnet')
      if (magnet) this.openMagnet(magnet)
    }
    window.addEventListener('hashchange', openFromHash)
    openFromHash()
  }
}
