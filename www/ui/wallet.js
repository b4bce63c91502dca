// The Wallet tab: a network choice, then create/import/unlock (wallet-setup.js); once a wallet
// is open, Receive (wallet-receive.js), Sign a PSBT (wallet-psbt.js) and Messages
// (wallet-message.js). Keys live only in the wasm `Wallet` handle; locking frees it (the core
// zeroizes the keys). JS holds the sealed vault blob and public facts, nothing secret.

import { h } from './dom.js'
import { describeError } from './format.js'
import { loadWalletCore } from './wallet-core.js'
import * as store from './wallet-store.js'
import { setupCard } from './wallet-setup.js'
import { receiveCard } from './wallet-receive.js'
import { messageCard } from './wallet-message.js'

const NETWORKS = [
  ['mainnet', 'Mainnet — real bitcoin'],
  ['testnet', 'Testnet'],
  ['signet', 'Signet'],
  ['regtest', 'Regtest']
]

/** Builds the wallet view inside `root` (an empty <main> panel). */
export async function startWallet (root) {
  try {
    await loadWalletCore()
  } catch (err) {
    root.append(h('section', { className: 'card' }, h('h2', {}, 'Wallet'),
      h('p', { id: 'w-load-error', className: 'error' }, describeError(err, 'The wallet module did not load'))))
    throw err
  }
  const select = h('select', { id: 'w-network', 'aria-label': 'Network' },
    NETWORKS.map(([value, label]) => h('option', { value }, label)))
  const badge = h('span', { id: 'w-network-badge', className: 'net-badge' })
  const status = h('span', { id: 'w-status', className: 'muted' })
  const lockButton = h('button', { id: 'w-lock', type: 'button', className: 'small secondary', hidden: true }, 'Lock')
  const head = h('section', { className: 'card wallet-head' },
    h('h2', {}, 'Wallet'),
    h('div', { className: 'row' }, h('label', {}, 'Network ', select), badge, status, lockButton),
    h('p', { className: 'muted' }, 'Keys stay inside the WebAssembly core; this page never sees them. ' +
      'The vault in this browser holds the recovery phrase encrypted under your passphrase.'))
  const body = h('div', { className: 'wallet-body' })
  root.append(head, body)

  const ctx = {
    network: 'testnet',
    wallet: null,
    vault: await store.loadVault().catch(() => undefined),
    store,
    /** An error in `box` (a <p>), in words with the core's stable code. */
    error (box, err, what) {
      box.textContent = describeError(err, what)
      box.hidden = false
    },
    open (wallet) {
      ctx.wallet = wallet
      render()
    },
    lock () {
      if (ctx.wallet) ctx.wallet.free()
      ctx.wallet = null
      render()
    },
    render: () => render()
  }
  if (ctx.vault) ctx.network = ctx.vault.network
  select.value = ctx.network
  select.addEventListener('change', () => {
    ctx.network = select.value
    render()
  })
  lockButton.addEventListener('click', () => ctx.lock())

  function render () {
    const net = ctx.wallet ? ctx.wallet.network : ctx.network
    select.value = net
    select.disabled = Boolean(ctx.wallet)
    badge.textContent = net === 'mainnet' ? 'MAINNET · real money' : `${net} · test coins`
    badge.dataset.net = net
    document.body.dataset.walletNetwork = net
    lockButton.hidden = !ctx.wallet
    status.textContent = ctx.wallet ? `unlocked (${ctx.wallet.kind})` : 'locked'
    body.replaceChildren()
    if (!ctx.wallet) {
      body.append(setupCard(ctx))
      return
    }
    body.append(receiveCard(ctx))
    const psbtSlot = h('div', { id: 'w-psbt-slot' })
    body.append(psbtSlot, messageCard(ctx))
    // The PSBT card needs the core's PSBT support; a build without it still has the rest.
    import('./wallet-psbt.js').then(m => psbtSlot.replaceWith(m.psbtCard(ctx))).catch(err => {
      console.warn('no PSBT signing in this build:', err.message)
    })
  }
  render()
  return ctx
}
