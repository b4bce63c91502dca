// Shows a parsed torrent or magnet: name, sizes, hashes, trackers, files, magnet and QR.

import { bytes } from './format.js'
import { drawQr } from './qr.js'

const $ = id => document.getElementById(id)

function list (items) {
  return items.length ? items.join('\n') : '—'
}

function setHidden (ids, hidden) {
  for (const id of ids) $(id).hidden = hidden
}

/** `info` is the core's torrent record or magnet record; `torrentBytes` enables "Save". */
export function showTorrent (info, { torrentBytes = null, fileName = null } = {}) {
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

  const rows = $('t-files')
  rows.replaceChildren()
  for (const f of info.files || []) {
    const tr = document.createElement('tr')
    const pieces = f.endPiece > f.firstPiece ? `${f.firstPiece}–${f.endPiece - 1}` : '—'
    for (const [text, cls] of [[f.path, ''], [bytes(f.length), 'num'], [pieces, 'num']]) {
      const td = document.createElement('td')
      td.textContent = text
      if (cls) td.className = cls
      tr.append(td)
    }
    rows.append(tr)
  }

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
