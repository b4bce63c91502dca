// Messages: sign with one of our addresses (BIP-322 simple, full or proof of funds, or the
// legacy BIP-137 form), and verify anyone's signature. Verification needs no wallet, but
// lives here.

import { verifyMessage } from '../pkg/wallet.js'
import { h } from './dom.js'

export function messageCard (ctx) {
  const wallet = ctx.wallet
  const single = wallet.kind === 'single key'
  const scriptType = h('select', { id: 'w-msg-script', 'aria-label': 'Address type' },
    h('option', { value: 'p2wpkh' }, 'bc1q… (BIP-84)'), h('option', { value: 'p2tr' }, 'bc1p… (BIP-86)'),
    h('option', { value: 'p2sh-p2wpkh' }, '3… (BIP-49)'), h('option', { value: 'p2pkh' }, '1… (BIP-44)'))
  const index = h('input', { type: 'number', id: 'w-msg-index', min: 0, step: 1, value: '0', className: 'narrow', 'aria-label': 'Address index', hidden: single })
  const format = h('select', { id: 'w-msg-format', 'aria-label': 'Signature format' },
    h('option', { value: 'bip322-simple' }, 'BIP-322 simple'), h('option', { value: 'bip322-full' }, 'BIP-322 full'),
    h('option', { value: 'bip322-pof' }, 'BIP-322 proof of funds'), h('option', { value: 'bip137' }, 'BIP-137 (legacy)'))
  const text = h('textarea', { id: 'w-msg-text', rows: 3, placeholder: 'message to sign' })
  // A proof of funds also signs coins of ours; we have no chain access, so the user names
  // each one: its outpoint, amount and the address it is locked to.
  const coins = h('textarea', {
    id: 'w-msg-coins',
    rows: 3,
    spellcheck: false,
    hidden: true,
    'aria-label': 'Coins to prove',
    placeholder: 'coins to prove, one per line: txid:vout amount-in-BTC address'
  })
  format.addEventListener('change', () => { coins.hidden = format.value !== 'bip322-pof' })
  const signed = h('code', { id: 'w-msg-signature' })
  const signer = h('code', { id: 'w-msg-address' })
  const signError = h('p', { className: 'error-text', role: 'alert', hidden: true })
  const sign = h('button', { type: 'submit', id: 'w-msg-sign' }, 'Sign')
  const signForm = h('form', {}, h('div', { className: 'row' }, scriptType, single ? null : h('label', {}, 'Receive index ', index), format), text, coins, h('div', { className: 'row' }, sign), signError,
    h('dl', { className: 'facts' }, h('dt', {}, 'Address'), h('dd', {}, signer), h('dt', {}, 'Signature'), h('dd', {}, signed)))
  signForm.addEventListener('submit', event => {
    event.preventDefault()
    signError.hidden = true
    signed.textContent = ''
    signer.textContent = ''
    try {
      const aux = crypto.getRandomValues(new Uint8Array(32))
      const at = Math.max(0, Math.floor(Number(index.value) || 0))
      let out
      if (format.value === 'bip322-pof') {
        // Only the columns are split here; the core reads and checks each field.
        const rows = coins.value.split('\n').map(line => line.trim()).filter(Boolean).map(line => line.split(/\s+/))
        const bad = rows.findIndex(cols => cols.length !== 3)
        if (bad >= 0) throw Object.assign(new Error(`coin ${bad + 1}: write txid:vout, the amount in BTC and the address, separated by spaces`), { code: 'wallet.bad-coin' })
        out = wallet.signProofOfFunds(scriptType.value, 0, 0, at, text.value, rows.map(c => c[0]), rows.map(c => c[1]), rows.map(c => c[2]), aux)
      } else {
        out = wallet.signMessage(scriptType.value, 0, 0, at, text.value, format.value, aux)
      }
      signer.textContent = out.address
      signed.textContent = out.signature
    } catch (err) {
      ctx.error(signError, err, 'Not signed')
    }
  })

  const vAddress = h('input', { type: 'text', id: 'w-ver-address', placeholder: 'address', spellcheck: false })
  const vText = h('textarea', { id: 'w-ver-text', rows: 3, placeholder: 'message' })
  const vSig = h('textarea', { id: 'w-ver-signature', rows: 2, placeholder: 'signature (base64; BIP-322 or BIP-137)', spellcheck: false })
  const result = h('p', { id: 'w-ver-result', role: 'status' })
  const verifyForm = h('form', {}, vAddress, vText, vSig, h('div', { className: 'row' }, h('button', { type: 'submit', id: 'w-verify' }, 'Verify')), result)
  verifyForm.addEventListener('submit', event => {
    event.preventDefault()
    try {
      const v = verifyMessage(vAddress.value, vText.value, vSig.value, wallet.network)
      result.dataset.verdict = v.verdict
      const when = v.lockTime ? ` (time lock ${v.lockTime}, age ${v.sequence})` : ''
      result.textContent = v.verdict === 'valid'
        ? `✓ Valid ${v.format === 'bip137' ? 'BIP-137' : 'BIP-322'} signature by ${vAddress.value.trim()}${when}`
        : `${v.verdict === 'invalid' ? '✗ Invalid' : '? Inconclusive'}: ${v.reason}`
    } catch (err) {
      result.dataset.verdict = 'error'
      result.textContent = `✗ ${err.message}${err.code ? ` [${err.code}]` : ''}`
    }
  })

  return h('section', { className: 'card', id: 'w-message' },
    h('h3', {}, 'Sign a message'), signForm,
    h('h3', {}, 'Verify a message'), verifyForm)
}
