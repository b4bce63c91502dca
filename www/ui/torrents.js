// The Torrents view: joins the add flow, the torrent list, the selected torrent's details and
// the global rate limits to one pump, and keeps them current (pump events, plus a slow tick
// for speeds that decay when nothing happens).

import { TorrentList } from './torrent-list.js'
import { TorrentDetail } from './torrent-detail.js'
import { wireRateLimits } from './rate-limits.js'
import { describeError } from './format.js'

const $ = id => document.getElementById(id)
/** Speeds and ETAs refresh this often even without events. */
const TICK_MS = 1000
const REDRAW_MS = 100

export function startTorrentsUi ({ pump, addFlow, streaming, showError }) {
  const addedAt = new Map() // id -> performance.now() when the UI first saw it
  const known = new Map() // infoHash -> {view, torrentBytes, fileName} from the add flow
  const seenAt = id => {
    if (!addedAt.has(id)) addedAt.set(id, performance.now())
    return addedAt.get(id)
  }
  const onError = (err, what) => showError(describeError(err, what))
  const detail = new TorrentDetail(pump, {
    known: infoHash => known.get(infoHash),
    addedAt: seenAt,
    streaming: () => streaming,
    onError
  })
  const list = new TorrentList($('torrent-list'), pump, {
    onSelect: id => select(id),
    onError,
    addedAt: seenAt
  })
  const select = id => {
    list.select(id)
    detail.show(id)
  }

  addFlow.joined = (id, extra) => {
    seenAt(id)
    if (extra && extra.view && extra.view.infoHash && extra.view.pieceCount !== undefined) {
      known.set(extra.view.infoHash, extra)
    }
    list.refresh()
    select(id)
  }

  // Events come in bursts (several torrents, ≤ 4/s each): render at most once per REDRAW_MS.
  let queued = false
  const refresh = () => {
    if (queued) return
    queued = true
    setTimeout(() => {
      queued = false
      list.refresh()
      detail.refresh()
    }, REDRAW_MS)
  }
  pump.addEventListener('added', ({ detail: d }) => { seenAt(d.id); refresh() })
  pump.addEventListener('metadata', ({ detail: d }) => { if (d.id === detail.id) detail.render(); refresh() })
  pump.addEventListener('progress', refresh)
  pump.addEventListener('complete', refresh)
  pump.addEventListener('removed', ({ detail: d }) => {
    addedAt.delete(d.id)
    if (d.id === detail.id) detail.hide()
    refresh()
  })
  pump.addEventListener('error', ({ detail: d }) => showError(`${d.message || 'error'}${d.code ? ` [${d.code}]` : ''}`))
  setInterval(() => { list.refresh(); detail.refresh() }, TICK_MS)
  wireRateLimits($('rate-limits'), pump, onError)
  list.refresh()
  return { list, detail, select }
}
