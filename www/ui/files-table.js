// The files of a torrent: path, size, pieces, and for a torrent in the pump also progress,
// priority (skip/low/normal/high), Play (streams through the service worker) and Save.

import { h, setText } from './dom.js'
import { bytes, percent } from './format.js'
import { mediaKind } from '../stream/media-types.js'

const PRIORITIES = ['skip', 'low', 'normal', 'high']

/** Pieces a file spans, as "first–last", from the parser's fields or from offset and length. */
function pieceSpan (file, pieceLength) {
  let first = file.firstPiece
  let end = file.endPiece
  if (first === undefined && pieceLength) {
    first = Math.floor(file.offset / pieceLength)
    end = file.length ? Math.floor((file.offset + file.length - 1) / pieceLength) + 1 : first
  }
  return end > first ? `${first}–${end - 1}` : '—'
}

export class FilesTable {
  /** `tbody`: #t-files; `actions`: {onPriority(file, p), onPlay(file), onSave(file)} or null. */
  constructor (tbody, actions = null) {
    this.tbody = tbody
    this.actions = actions
    this.rows = []
  }

  /** Rebuilds the rows for `files` (the parser's or the pump's records). */
  render (files, { pieceLength, live = false } = {}) {
    this.rows = files.map(file => this.makeRow(file, pieceLength, live))
    this.tbody.replaceChildren(...this.rows.map(r => r.tr))
    this.tbody.closest('table').classList.toggle('live', live)
  }

  makeRow (file, pieceLength, live) {
    const cells = {
      path: h('td', { className: 'path' }, file.path),
      size: h('td', { className: 'num' }, bytes(file.length)),
      pieces: h('td', { className: 'num' }, pieceSpan(file, pieceLength))
    }
    const tr = h('tr', { dataset: { index: String(file.index) } }, cells.path, cells.size, cells.pieces)
    if (!live || !this.actions) return { tr, file }
    cells.progress = h('td', { className: 'num f-progress' })
    cells.priority = h('select', { className: 'f-priority', 'aria-label': `Priority of ${file.path}` },
      PRIORITIES.map(p => h('option', { value: p }, p)))
    cells.priority.value = 'normal'
    cells.priority.addEventListener('change', () => this.actions.onPriority(file, cells.priority.value))
    const kind = mediaKind(file.path)
    const play = kind && h('button', { type: 'button', className: 'small secondary f-play', onclick: () => this.actions.onPlay(file) }, 'Play')
    const save = h('button', { type: 'button', className: 'small secondary f-save', onclick: () => this.actions.onSave(file) }, 'Save')
    tr.append(cells.progress, h('td', {}, cells.priority), h('td', {}, h('div', { className: 'f-actions' }, play, save)))
    return { tr, file, cells }
  }

  /** Live figures: `fractions[i]` is the verified share of the i-th file rendered. */
  update (fractions) {
    this.rows.forEach((row, i) => {
      if (!row.cells) return
      const fraction = fractions[i] ?? 0
      setText(row.cells.progress, row.cells.priority.value === 'skip' && fraction < 1 ? 'skipped' : percent(fraction))
      row.tr.dataset.complete = String(fraction >= 1)
    })
  }
}
