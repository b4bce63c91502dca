// The torrent list: one row per torrent with a progress bar, speeds, peers, time left, ratio,
// pause/resume and remove. Rows are kept by id and updated in place on every refresh.

import { h, setText } from './dom.js'
import { bytes, speed, duration, percent, ratio } from './format.js'
import { torrentProgress, eta } from './progress.js'
import { sourceWarning } from './health.js'

/** How long "Remove" waits for its confirming second click. */
const CONFIRM_MS = 4000

function stateWord (info, stats) {
  if (info.paused) return 'paused'
  if (!info.hasMetadata) return 'metadata'
  if (info.checking) return 'checking'
  if (stats.complete) return 'seeding'
  return 'downloading'
}

const STATE_TEXT = {
  paused: 'Paused',
  metadata: 'Getting the file list from peers…',
  checking: 'Checking the data on disk…',
  seeding: 'Seeding',
  downloading: 'Downloading'
}

export class TorrentList {
  /**
   * `root`: the <ol> to fill; `pump`: the Pump; `onSelect(id)`: a row's name was clicked;
   * `onError(err, what)`: an action failed; `addedAt(id)`: when the UI saw the torrent added.
   */
  constructor (root, pump, { onSelect, onError, addedAt }) {
    this.root = root
    this.pump = pump
    this.onSelect = onSelect
    this.onError = onError
    this.addedAt = addedAt
    this.rows = new Map()
    this.selected = null
  }

  select (id) {
    this.selected = id
    for (const [rowId, row] of this.rows) row.el.classList.toggle('selected', rowId === id)
  }

  refresh () {
    const now = performance.now()
    const seen = new Set()
    for (const { id, info, stats } of this.pump.list()) {
      seen.add(id)
      let row = this.rows.get(id)
      if (!row) {
        row = this.makeRow(id)
        this.rows.set(id, row)
        this.root.append(row.el)
      }
      let trackers = null
      try { trackers = this.pump.trackers(id) } catch { /* removed meanwhile */ }
      this.update(row, info, stats, sourceWarning({ info, stats, trackers, addedAt: this.addedAt(id), now }))
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.el.remove()
        this.rows.delete(id)
      }
    }
    this.root.closest('section').dataset.count = String(this.rows.size)
  }

  makeRow (id) {
    const f = {}
    const field = (name, cls = '') => (f[name] = h('span', { className: `t-${name} ${cls}`.trim() }))
    f.name = h('button', { type: 'button', className: 't-name link', onclick: () => this.onSelect(id) })
    f.fill = h('div', { className: 'bar-fill' })
    f.pause = h('button', { type: 'button', className: 'secondary small t-pause' })
    f.remove = h('button', { type: 'button', className: 'secondary small danger t-remove' }, 'Remove')
    f.warning = h('p', { className: 't-warning', hidden: true })
    const el = h('li', { className: 'torrent', dataset: { id: String(id) } },
      h('div', { className: 't-head' }, f.name, field('state', 'pill')),
      h('div', { className: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, f.fill),
      h('div', { className: 't-stats muted' },
        field('progress'), field('size'),
        h('span', { title: 'download speed' }, '↓ ', field('down')),
        h('span', { title: 'upload speed' }, '↑ ', field('up')),
        field('peers'), h('span', {}, 'ETA ', field('eta')), h('span', {}, 'ratio ', field('ratio'))),
      f.warning,
      h('div', { className: 't-actions' }, f.pause, f.remove))
    f.pause.addEventListener('click', () => this.togglePause(id, f.pause))
    f.remove.addEventListener('click', () => this.confirmRemove(id, f.remove))
    return { el, f }
  }

  update ({ el, f }, info, stats, warning) {
    const state = stateWord(info, stats)
    el.dataset.state = state
    el.dataset.infoHash = info.infoHash
    el.classList.toggle('selected', this.selected === Number(el.dataset.id))
    setText(f.name, info.name || info.infoHash)
    setText(f.state, STATE_TEXT[state])
    f.state.dataset.state = state
    const fraction = torrentProgress(info, stats)
    f.fill.style.width = `${(100 * fraction).toFixed(2)}%`
    f.fill.parentElement.setAttribute('aria-valuenow', (100 * fraction).toFixed(1))
    setText(f.progress, percent(fraction))
    setText(f.size, info.hasMetadata ? `${bytes(stats.haveBytes)} of ${bytes(stats.wantedBytes || info.length)}` : '')
    setText(f.down, speed(stats.downSpeed))
    setText(f.up, speed(stats.upSpeed))
    setText(f.peers, `${stats.peers} peer${stats.peers === 1 ? '' : 's'}${stats.seeds ? ` (${stats.seeds} seeding)` : ''}`)
    setText(f.eta, state === 'downloading' ? duration(eta(stats)) : '—')
    setText(f.ratio, ratio(stats.uploaded, stats.downloaded || (stats.complete ? info.length : 0)))
    setText(f.pause, info.paused ? 'Resume' : 'Pause')
    f.warning.hidden = !warning
    setText(f.warning, warning)
  }

  togglePause (id, button) {
    try {
      if (button.textContent === 'Resume') this.pump.resume(id)
      else this.pump.pause(id)
    } catch (err) {
      this.onError(err, 'Could not pause or resume')
    }
    this.refresh()
  }

  /** First click arms, second removes (with its downloaded data): there is no undo. */
  confirmRemove (id, button) {
    if (!button.dataset.armed) {
      button.dataset.armed = 'true'
      button.textContent = 'Remove and delete data?'
      setTimeout(() => {
        delete button.dataset.armed
        button.textContent = 'Remove'
      }, CONFIRM_MS)
      return
    }
    Promise.resolve()
      .then(() => this.pump.remove(id, { deleteData: true }))
      .catch(err => this.onError(err, 'Could not remove the torrent'))
      .finally(() => this.refresh())
  }
}
