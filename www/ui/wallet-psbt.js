// Sign a PSBT: paste it (base64 or hex) or load a file → the core's review (inputs and their
// owners, outputs with our change marked, fee, fee rate, warnings) → sign → the signed PSBT
// (base64, a file, a QR code when it fits) and, once every input is final, the raw
// transaction. Nothing is signed before the user has seen the review.

import { finalizePsbt } from '../pkg/wallet.js'
import { h } from './dom.js'
import { drawQr } from './qr.js'

const btc = sat => sat === null || sat === undefined ? '?' : `${(sat / 1e8).toFixed(8)} BTC`

export function psbtCard (ctx) {
  const wallet = ctx.wallet
  const text = h('textarea', { id: 'w-psbt-text', rows: 4, spellcheck: false, placeholder: 'PSBT in base64 or hex' })
  const file = h('input', { type: 'file', id: 'w-psbt-file', accept: '.psbt,application/octet-stream,text/plain', hidden: true })
  const reviewButton = h('button', { type: 'submit', id: 'w-psbt-review' }, 'Review')
  const error = h('p', { className: 'error-text', id: 'w-psbt-error', role: 'alert', hidden: true })
  const review = h('div', { id: 'w-psbt-review-box', hidden: true })
  const result = h('div', { id: 'w-psbt-result', hidden: true })
  let bytes = null

  const fail = (err, what) => ctx.error(error, err, what)
  const form = h('form', {}, text, h('div', { className: 'row' }, reviewButton,
    h('label', { className: 'button secondary' }, 'Load a .psbt file…', file)))

  function show (input) {
    error.hidden = true
    result.hidden = true
    review.hidden = true
    bytes = input
    let r
    try {
      r = wallet.reviewPsbt(bytes)
    } catch (err) {
      bytes = null
      fail(err, 'Not a PSBT this wallet can read')
      return
    }
    renderReview(r)
  }

  function renderReview (r) {
    const inputs = h('tbody', { id: 'w-psbt-inputs' }, r.inputs.map((i, n) => h('tr', { className: i.ours ? 'ours' : '' },
      h('td', { className: 'num' }, String(n)), h('td', { className: 'mono' }, i.address || i.outpoint), h('td', {}, i.scriptType),
      h('td', { className: 'num' }, btc(i.value)), h('td', {}, i.ours ? `ours ${i.path || ''}` : 'not ours'),
      h('td', {}, i.finalized ? 'final' : `${i.signatures} sig`))))
    const outputs = h('tbody', { id: 'w-psbt-outputs' }, r.outputs.map((o, n) => h('tr', { dataset: { change: String(o.change) } },
      h('td', { className: 'num' }, String(n)), h('td', { className: 'mono' }, o.address || o.scriptType),
      h('td', { className: 'num' }, btc(o.value)),
      h('td', { className: o.change ? 'change' : '' }, o.change ? `change (${o.path})` : o.ours ? `ours (${o.path})` : 'payment'))))
    const warnings = h('ul', { className: 'warnings', id: 'w-psbt-warnings' }, r.warnings.map(w => h('li', { dataset: { code: w.code } }, `${w.message} [${w.code}]`)))
    const ours = r.inputs.some(i => i.ours && !i.finalized)
    const grind = h('input', { type: 'checkbox', id: 'w-psbt-grind', checked: true })
    // Off unless the user ticks it: the core refuses sighash types other than ALL/DEFAULT.
    const anySighash = h('input', { type: 'checkbox', id: 'w-psbt-any-sighash' })
    const sign = h('button', { type: 'button', id: 'w-psbt-sign', disabled: !ours }, ours ? 'Sign' : 'Nothing of ours to sign')
    const finalizeOnly = h('button', { type: 'button', className: 'secondary', id: 'w-psbt-finalize' }, 'Finalize only')
    sign.addEventListener('click', () => doSign(grind.checked, anySighash.checked))
    finalizeOnly.addEventListener('click', () => finish(bytes, null))
    review.replaceChildren(
      h('h4', {}, `Review (PSBT v${r.version}, ${r.network})`),
      h('dl', { className: 'facts' },
        h('dt', {}, 'Sent (not ours)'), h('dd', { id: 'w-psbt-sent' }, btc(r.sent)),
        h('dt', {}, 'Fee'), h('dd', { id: 'w-psbt-fee' }, btc(r.fee)),
        h('dt', {}, 'Fee rate'), h('dd', { id: 'w-psbt-feerate' }, r.feeRate === null || r.feeRate === undefined ? '?' : `${r.feeRate.toFixed(1)} sat/vB (≈ ${r.estimatedVsize} vB)`),
        h('dt', {}, 'Transaction id'), h('dd', { className: 'mono' }, r.txid || '?')),
      warnings,
      h('table', { className: 'files review' }, h('thead', {}, h('tr', {}, h('th', { className: 'num' }, 'In'), h('th', {}, 'Spends'), h('th', {}, 'Type'), h('th', { className: 'num' }, 'Value'), h('th', {}, 'Owner'), h('th', {}, ''))), inputs),
      h('table', { className: 'files review' }, h('thead', {}, h('tr', {}, h('th', { className: 'num' }, 'Out'), h('th', {}, 'Pays'), h('th', { className: 'num' }, 'Value'), h('th', {}, ''))), outputs),
      h('div', { className: 'row' }, sign, finalizeOnly, h('label', {}, grind, ' low-R signatures (as Bitcoin Core)'),
        h('label', {}, anySighash, ' sign non-default sighash types (others may then change the transaction)')))
    review.hidden = false
  }

  function doSign (grind, anySighash) {
    error.hidden = true
    try {
      const signed = wallet.signPsbt(bytes, crypto.getRandomValues(new Uint8Array(32)), grind, anySighash)
      finish(signed.psbt, signed.report)
    } catch (err) {
      fail(err, 'Not signed')
    }
  }

  function finish (psbt, report) {
    let done
    try {
      done = finalizePsbt(psbt)
    } catch (err) {
      fail(err, 'Not finalized')
      return
    }
    // A complete transaction is handed on finalized; otherwise the signed PSBT as it is.
    const out = done.complete ? done : { base64: btoaBytes(psbt), psbt }
    const qr = h('canvas', { id: 'w-psbt-qr', width: 320, height: 320, className: 'qr' })
    const download = h('a', { className: 'button secondary small', id: 'w-psbt-download', download: 'signed.psbt', href: URL.createObjectURL(new Blob([out.psbt], { type: 'application/octet-stream' })) }, 'Download .psbt')
    result.replaceChildren(
      h('h4', {}, report ? `Signed ${report.signatures} signature(s) on ${report.signed.length} input(s)` : 'Finalized'),
      report && report.refused.length ? h('ul', { className: 'warnings', id: 'w-psbt-refused' }, report.refused.map(([i, why]) => h('li', {}, `input ${i} not signed: ${why}`))) : null,
      h('textarea', { id: 'w-psbt-signed', rows: 4, readOnly: true, value: out.base64 }),
      h('div', { className: 'row' }, download),
      done.complete
        ? h('div', {}, h('p', {}, 'Complete: the transaction can be broadcast.'),
          h('dl', { className: 'facts' }, h('dt', {}, 'txid'), h('dd', { className: 'mono', id: 'w-psbt-txid' }, done.txid),
            h('dt', {}, 'Raw transaction'), h('dd', { className: 'mono', id: 'w-psbt-txhex' }, done.txHex)))
        : h('p', { className: 'muted', id: 'w-psbt-pending' }, `Not complete yet: ${done.pending.map(([i, why]) => `input ${i}: ${why}`).join('; ')}`),
      qr)
    try {
      drawQr(qr, out.base64)
    } catch {
      qr.replaceWith(h('p', { className: 'muted', id: 'w-psbt-qr-note' }, 'Too large for one QR code: use the file or the text.'))
    }
    result.hidden = false
  }

  form.addEventListener('submit', event => {
    event.preventDefault()
    show(new TextEncoder().encode(text.value.trim()))
  })
  file.addEventListener('change', async () => {
    const f = file.files[0]
    if (f) show(new Uint8Array(await f.arrayBuffer()))
    file.value = ''
  })

  return h('section', { className: 'card', id: 'w-psbt' }, h('h3', {}, 'Sign a transaction (PSBT)'), form, error, review, result)
}

function btoaBytes (bytes) {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}
