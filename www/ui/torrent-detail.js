// The selected torrent of the pump, in the #torrent card: its facts, magnet and QR (through
// torrent-view.js), then the live parts: files with progress, priority, play and save; peers;
// trackers; the piece map; and why it is not moving, when we can tell.

import { parseTorrent, parseMagnet } from '../pkg/peerpage.js'
import { showTorrent } from './torrent-view.js'
import { FilesTable } from './files-table.js'
import { renderPeers } from './peers-table.js'
import { renderTrackers } from './trackers-table.js'
import { drawPieceMap } from './piece-map.js'
import { fileProgress } from './progress.js'
import { sourceWarning } from './health.js'
import { Player } from './player.js'
import { saveFile } from '../stream/save.js'
import { setText } from './dom.js'

const $ = id => document.getElementById(id)

export class TorrentDetail {
  /**
   * `known(infoHash)`: {view, torrentBytes, fileName} the add flow parsed, if any;
   * `addedAt(id)`; `streaming()`: whether the service worker controls the page.
   */
  constructor (pump, { known, addedAt, streaming, onError }) {
    this.pump = pump
    this.known = known
    this.addedAt = addedAt
    this.streaming = streaming
    this.onError = onError
    this.id = null
    this.shownWithMetadata = false
    this.player = new Player($('player'))
    this.files = new FilesTable($('t-files'), {
      onPriority: (file, p) => this.setPriority(file, p),
      onPlay: file => this.play(file),
      onSave: file => this.save(file)
    })
  }

  show (id) {
    if (this.id !== id) this.player.stop()
    this.id = id
    this.render()
  }

  hide () {
    this.player.stop()
    this.id = null
    $('torrent').hidden = true
    $('live').hidden = true
  }

  /** Facts, QR and the file rows: again only when the metadata arrives. */
  render () {
    const id = this.id
    let info
    try { info = this.pump.info(id) } catch { return this.hide() }
    const known = this.known(info.infoHash)
    // The core writes the .torrent of any torrent whose metadata it has (a magnet's too, once
    // it arrived): it can be saved and shared, and the parser's view comes from it.
    const bytes = known?.torrentBytes || (info.hasMetadata ? this.pump.torrentFile(id) : null)
    showTorrent(known?.view || (bytes ? parseTorrent(bytes) : parseMagnet(info.magnet)), {
      torrentBytes: bytes || null,
      fileName: (known && known.fileName) || `${info.name}.torrent`,
      filesTable: info.hasMetadata ? this.files : null
    })
    this.shownWithMetadata = info.hasMetadata
    $('torrent').dataset.id = String(id)
    $('live').hidden = false
    this.refresh()
  }

  /** The live parts, once a second and on progress events. */
  refresh () {
    if (this.id === null) return
    const id = this.id
    let info, stats, peers, trackers, map
    try {
      info = this.pump.info(id)
      if (info.hasMetadata !== this.shownWithMetadata) return this.render()
      stats = this.pump.stats(id)
      peers = this.pump.peers(id)
      trackers = this.pump.trackers(id)
      map = info.hasMetadata ? this.pump.pieceMap(id) : new Uint8Array(0)
    } catch {
      return this.hide()
    }
    if (info.hasMetadata) {
      this.files.update(fileProgress(info, map))
      drawPieceMap($('piece-map'), map, info.pieceCount)
      setText($('piece-count'), `${stats.verifiedPieces} of ${info.pieceCount} verified`)
    } else {
      setText($('piece-count'), 'The piece map appears once the metadata has arrived.')
    }
    renderPeers($('peers'), peers)
    renderTrackers($('trackers'), trackers)
    const warning = sourceWarning({ info, stats, trackers, addedAt: this.addedAt(id), now: performance.now() })
    $('t-warning').hidden = !warning
    setText($('t-warning'), warning)
  }

  setPriority (file, priority) {
    try {
      this.pump.setFilePriority(this.id, file.index, priority)
    } catch (err) {
      this.onError(err, `Could not set the priority of ${file.path}`)
    }
  }

  play (file) {
    if (!this.streaming()) {
      return this.onError(new Error('streaming needs a service worker, which this page could not start'), `Cannot play ${file.path}`)
    }
    this.player.play(this.pump.info(this.id).infoHash, file)
  }

  save (file) {
    const id = this.id
    const { infoHash } = this.pump.info(id)
    saveFile(this.pump, id, infoHash, file, { streaming: this.streaming() })
      .catch(err => this.onError(err, `Could not save ${file.path}`))
  }
}
