// Shows a parsed torrent or magnet: name, sizes, hashes, trackers, files, magnet and QR.
// The same card shows a torrent of the pump (ui/torrent-detail.js adds its live parts).

import { bytes } from './format.js'
import { drawQr } from './qr.js'
import { FilesTable } from './files-table.js'

const $ = id => document.getElementById(id)

function list (items) {
  return items.length ? items.join('\n') : '—'
}

function setHidden (ids, hidden) {
  for (const id of ids) $(id).hidden = hidden
}

let inspectTable = null
function inspectFiles () {
  inspectTable ||= new FilesTable($('t-files'))
  return inspectTable
}

/**
 * `info` is the parser's torrent record or magnet record; `torrentBytes` enables "Save
 * .torrent"; `filesTable` (a live FilesTable) adds progress, priority, play and save.
 */
export function showTorrent (info, { torrentBytes = null, fileName = null, filesTable = null } = {}) {
  const isMagnet = !('pieceCount' in info)
  $('t-name').textContent = info.name || '(name unknown until the metadata arrives)'
  $('t-summary').textContent = isMagnet
    ? 'Magnet link: files and sizes come from peers once the download starts.'
    : `${bytes(info.totalLength)} in ${info.files.length} file${info.files.length === 1 ? '' : 's'}` +
      `${info.private ? ' · private' : ''} · ${info.version}`
  $('t-hash').textContent = info.infoHash || '—'
  $('t-hash2').textContent = info.infoHashV2 || ''
  setHidden(['t-hash2', 't-hash2-label'], !info.infoHashV2)
  $('t-pieces').textContent = isMagnet
    ? '—'
    : `${info.pieceCount} × ${bytes(info.pieceLength)} (last ${bytes(info.lastPieceLength)})`
  const trackers = isMagnet ? info.trackers : info.trackers.flat()
  $('t-trackers').textContent = list(trackers)
  $('t-webseeds').textContent = list(info.webSeeds)
  const extra = []
  if (info.comment) extra.push(`comment: ${info.comment}`)
  if (info.createdBy) extra.push(`created by: ${info.createdBy}`)
  if (info.creationDate) extra.push(`created: ${new Date(info.creationDate * 1000).toISOString().slice(0, 10)}`)
  if (info.padFiles) extra.push(`${info.padFiles} padding files hidden`)
  if (isMagnet && info.selectOnly.length) extra.push(`selected files: ${info.selectOnly.join(', ')}`)
  $('t-extra').textContent = extra.join(' · ')
  setHidden(['t-extra', 't-extra-label'], extra.length === 0)
  $('t-magnet').value = info.magnet
  drawQr($('t-qr'), info.magnet)

  ;(filesTable || inspectFiles()).render(info.files || [], { pieceLength: info.pieceLength, live: Boolean(filesTable) })

  const download = $('t-download')
  if (download.href) URL.revokeObjectURL(download.href)
  if (torrentBytes) {
    download.href = URL.createObjectURL(new Blob([torrentBytes], { type: 'application/x-bittorrent' }))
    download.download = fileName || `${info.name}.torrent`
    download.hidden = false
  } else {
    download.removeAttribute('href')
    download.hidden = true
  }
  $('torrent').hidden = false
}
