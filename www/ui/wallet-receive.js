// Receive: the next unused address of an account and script type (gap limit 20 over the
// addresses this browser has seen used), its BIP-21 link and QR code, the address lists of
// both chains, and the account's extended public key and descriptors.

import { paymentUri } from '../pkg/wallet.js'
import { h, setText } from './dom.js'
import { drawQr } from './qr.js'

const SCRIPT_TYPES = [
  ['p2wpkh', 'Native segwit (BIP-84, bc1q…)'],
  ['p2tr', 'Taproot (BIP-86, bc1p…)'],
  ['p2sh-p2wpkh', 'Nested segwit (BIP-49, 3…)'],
  ['p2pkh', 'Legacy (BIP-44, 1…)']
]

export function receiveCard (ctx) {
  const wallet = ctx.wallet
  const single = wallet.kind === 'single key'
  const scriptType = h('select', { id: 'w-script', 'aria-label': 'Address type' }, SCRIPT_TYPES.map(([v, l]) => h('option', { value: v }, l)))
  const account = h('input', { type: 'number', id: 'w-account', min: 0, step: 1, value: '0', 'aria-label': 'Account', className: 'narrow', hidden: single })
  const chain = h('select', { id: 'w-chain', 'aria-label': 'Chain', hidden: single }, h('option', { value: '0' }, 'Receive addresses'), h('option', { value: '1' }, 'Change addresses'))
  const address = h('code', { id: 'w-next-address', className: 'address' })
  const path = h('span', { id: 'w-next-path', className: 'muted' })
  const qr = h('canvas', { id: 'w-qr', width: 200, height: 200, className: 'qr', 'aria-label': 'QR code of the payment link' })
  const amount = h('input', { type: 'text', id: 'w-amount', inputmode: 'decimal', placeholder: 'amount in BTC (optional)', className: 'narrow-text' })
  const label = h('input', { type: 'text', id: 'w-label', placeholder: 'label (optional)', className: 'narrow-text' })
  const uri = h('code', { id: 'w-uri' })
  const copy = h('button', { type: 'button', className: 'small secondary', id: 'w-copy' }, 'Copy link')
  const used = h('button', { type: 'button', className: 'small secondary', id: 'w-mark-used', hidden: single }, 'Mark as used → next address')
  const error = h('p', { className: 'error-text', role: 'alert', hidden: true })
  const rows = h('tbody', { id: 'w-addresses' })
  const facts = h('dl', { className: 'facts', id: 'w-account-facts' })
  let current = null

  async function refresh () {
    error.hidden = true
    try {
      const st = scriptType.value
      const acc = Math.max(0, Math.floor(Number(account.value) || 0))
      const usedSet = await ctx.store.loadUsed(wallet.network)
      if (single) {
        const [only] = wallet.addresses(st, 0, 0, 0, 1)
        current = only.address
        setText(path, 'the imported key')
        rows.replaceChildren(h('tr', {}, h('td', {}, '—'), h('td', { className: 'mono' }, only.address), h('td', {}, usedSet.includes(only.address.toLowerCase()) ? 'used' : '')))
        facts.replaceChildren()
      } else {
        const receive = wallet.scanChain(st, acc, 0, usedSet, 0)
        current = receive.nextAddress
        setText(path, `${receive.nextPath} · index ${receive.nextUnused}`)
        const shown = Number(chain.value) === 0 ? receive : wallet.scanChain(st, acc, 1, usedSet, 0)
        rows.replaceChildren(...shown.addresses.map(a => h('tr', { dataset: { index: String(a.index) } },
          h('td', { className: 'num' }, String(a.index)), h('td', { className: 'mono' }, a.address),
          h('td', {}, shown.used.includes(a.index) ? 'used' : (a.index === shown.nextUnused ? 'next' : '')))))
        const info = wallet.account(st, acc)
        facts.replaceChildren(
          h('dt', {}, 'Key origin'), h('dd', { className: 'mono' }, `[${info.fingerprint}${info.path.slice(1)}]`),
          h('dt', {}, 'Extended public key'), h('dd', { className: 'mono', id: 'w-xpub' }, info.xpub),
          h('dt', {}, 'Receive descriptor'), h('dd', { className: 'mono', id: 'w-desc-receive' }, info.receiveDescriptor),
          h('dt', {}, 'Change descriptor'), h('dd', { className: 'mono', id: 'w-desc-change' }, info.changeDescriptor))
      }
      setText(address, current)
      drawLink()
    } catch (err) {
      ctx.error(error, err, 'No address')
    }
  }

  function drawLink () {
    if (!current) return
    try {
      const link = paymentUri(current, wallet.network, amount.value, label.value)
      setText(uri, link)
      drawQr(qr, link)
      amount.removeAttribute('aria-invalid')
      error.hidden = true
    } catch (err) {
      amount.setAttribute('aria-invalid', 'true')
      ctx.error(error, err, 'No payment link')
    }
  }

  scriptType.addEventListener('change', refresh)
  account.addEventListener('change', refresh)
  chain.addEventListener('change', refresh)
  amount.addEventListener('input', drawLink)
  label.addEventListener('input', drawLink)
  copy.addEventListener('click', () => navigator.clipboard.writeText(uri.textContent).catch(() => {}))
  used.addEventListener('click', async () => {
    await ctx.store.markUsed(wallet.network, current)
    refresh()
  })
  refresh()

  return h('section', { className: 'card', id: 'w-receive' },
    h('h3', {}, 'Receive'),
    h('div', { className: 'row' }, scriptType, single ? null : h('label', {}, 'Account ', account)),
    h('div', { className: 'receive' }, qr,
      h('div', { className: 'receive-text' },
        h('p', {}, address), h('p', {}, path),
        h('div', { className: 'row' }, amount, label),
        h('p', {}, uri), h('div', { className: 'row' }, copy, used), error)),
    h('details', {}, h('summary', {}, 'Addresses and account keys'),
      chain, h('table', { className: 'files' }, h('thead', {}, h('tr', {}, h('th', { className: 'num' }, '#'), h('th', {}, 'Address'), h('th', {}, ''))), rows),
      facts))
}
