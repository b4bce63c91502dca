// Create, import and unlock. A new phrase is shown once, confirmed by asking for some of its
// words (the core checks them, so the page need not keep the phrase), then sealed into the
// vault under a passphrase.

import { Wallet } from '../pkg/wallet.js'
import { h } from './dom.js'

const random = n => crypto.getRandomValues(new Uint8Array(n))

/** The card shown while no wallet is open. */
export function setupCard (ctx) {
  const card = h('section', { className: 'card', id: 'w-setup' })
  const error = h('p', { className: 'error-text', id: 'w-setup-error', role: 'alert', hidden: true })
  const fail = (err, what) => ctx.error(error, err, what)
  const clear = () => { error.hidden = true }

  if (ctx.vault && ctx.vault.network === ctx.network) {
    const pass = h('input', { type: 'password', id: 'w-unlock-pass', autocomplete: 'current-password', 'aria-label': 'Vault passphrase' })
    const unlock = h('form', { className: 'row', id: 'w-unlock-form' }, pass, h('button', { type: 'submit', id: 'w-unlock' }, 'Unlock'))
    unlock.addEventListener('submit', event => {
      event.preventDefault()
      clear()
      try {
        ctx.open(Wallet.unlock(ctx.vault.blob, pass.value, ctx.network))
      } catch (err) {
        fail(err, err.code === 'wallet.refused' ? 'Not unlocked' : 'The vault could not be opened')
      }
      pass.value = ''
    })
    const forget = h('button', { type: 'button', className: 'small secondary danger', id: 'w-forget' }, 'Forget this vault…')
    forget.addEventListener('click', async () => {
      if (!confirm('Delete the vault from this browser? Without your recovery phrase the coins are lost.')) return
      await ctx.store.deleteVault()
      ctx.vault = undefined
      ctx.render()
    })
    card.append(h('h3', {}, 'Unlock'), h('p', { className: 'muted' }, `A ${ctx.network} vault is stored in this browser.`), unlock, forget, error)
    return card
  }

  // Create
  const words = h('select', { id: 'w-words', 'aria-label': 'Words' }, h('option', { value: '16' }, '12 words'), h('option', { value: '32' }, '24 words'))
  const createPass = h('input', { type: 'password', id: 'w-create-pass', placeholder: 'optional BIP-39 passphrase', autocomplete: 'new-password' })
  const create = h('form', { className: 'row', id: 'w-create-form' }, words, createPass, h('button', { type: 'submit', id: 'w-create' }, 'Create a wallet'))
  create.addEventListener('submit', event => {
    event.preventDefault()
    clear()
    try {
      const wallet = Wallet.create(random(Number(words.value)), ctx.network, createPass.value)
      createPass.value = ''
      card.replaceWith(backupCard(ctx, wallet))
    } catch (err) {
      fail(err, 'No wallet was created')
    }
  })

  // Import
  const text = h('textarea', { id: 'w-import-text', rows: 3, spellcheck: false, autocomplete: 'off', placeholder: 'recovery phrase, xprv… or a WIF private key' })
  const importPass = h('input', { type: 'password', id: 'w-import-pass', placeholder: 'BIP-39 passphrase (if the phrase has one)', autocomplete: 'off' })
  const importForm = h('form', { id: 'w-import-form' }, text, h('div', { className: 'row' }, importPass, h('button', { type: 'submit', id: 'w-import' }, 'Import')))
  importForm.addEventListener('submit', event => {
    event.preventDefault()
    clear()
    const value = text.value.trim()
    try {
      let wallet
      if (/^[xyztuv]prv/.test(value)) wallet = Wallet.fromXprv(value, ctx.network)
      else if (!/\s/.test(value) && /^[1-9A-HJ-NP-Za-km-z]{50,52}$/.test(value)) wallet = Wallet.fromWif(value, ctx.network)
      else wallet = Wallet.fromMnemonic(value, importPass.value, ctx.network)
      text.value = ''
      importPass.value = ''
      if (wallet.kind === 'phrase') card.replaceWith(sealCard(ctx, wallet))
      else ctx.open(wallet)
    } catch (err) {
      fail(err, 'Not imported')
    }
  })

  card.append(
    ...(ctx.vault ? [h('p', { className: 'warning', id: 'w-other-vault' }, `This browser keeps a ${ctx.vault.network} vault: choose ${ctx.vault.network} above to unlock it. Saving a new wallet replaces it.`)] : []),
    h('h3', {}, 'Create'), h('p', { className: 'muted' }, 'A new recovery phrase from this browser\'s random numbers (crypto.getRandomValues).'), create,
    h('h3', {}, 'Import'), h('p', { className: 'muted' }, 'A BIP-39 recovery phrase (any language), an extended private key (xprv, zprv, tprv…) or one WIF key. Only phrases can be saved in the vault.'), importForm,
    error)
  return card
}

/** Shows the new phrase once, then asks for three of its words. */
function backupCard (ctx, wallet) {
  const card = h('section', { className: 'card', id: 'w-backup' })
  let phrase = wallet.takeBackupPhrase()
  const list = h('ol', { className: 'mnemonic', id: 'w-mnemonic' }, phrase.split(' ').map(w => h('li', {}, w)))
  phrase = null
  const done = h('button', { type: 'button', id: 'w-backup-done' }, 'I have written them down')
  const cancel = h('button', { type: 'button', className: 'secondary', id: 'w-backup-cancel' }, 'Cancel')
  cancel.addEventListener('click', () => { wallet.free(); ctx.render() })
  done.addEventListener('click', () => {
    list.remove()
    card.replaceWith(confirmCard(ctx, wallet))
  })
  card.append(h('h3', {}, 'Your recovery phrase'),
    h('p', { className: 'warning' }, 'Write these words down, in order, on paper. They are shown only now. Anyone with them can spend your coins.'),
    list, h('div', { className: 'row' }, done, cancel))
  return card
}

function confirmCard (ctx, wallet) {
  const count = wallet.wordCount()
  const positions = []
  while (positions.length < 3) {
    const p = 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % count)
    if (!positions.includes(p)) positions.push(p)
  }
  positions.sort((a, b) => a - b)
  const inputs = positions.map(p => h('input', { type: 'text', autocomplete: 'off', spellcheck: false, dataset: { position: String(p) }, 'aria-label': `Word ${p}` }))
  const error = h('p', { className: 'error-text', role: 'alert', hidden: true })
  const form = h('form', { id: 'w-confirm-form' },
    positions.map((p, i) => h('label', { className: 'row' }, `Word ${p} `, inputs[i])),
    h('div', { className: 'row' }, h('button', { type: 'submit', id: 'w-confirm' }, 'Check'),
      h('button', { type: 'button', className: 'secondary', onclick: () => { wallet.free(); ctx.render() } }, 'Start over')), error)
  form.addEventListener('submit', event => {
    event.preventDefault()
    if (wallet.checkBackupWords(Uint32Array.from(positions), inputs.map(i => i.value))) {
      form.closest('section').replaceWith(sealCard(ctx, wallet))
    } else {
      error.textContent = 'Those words do not match the phrase. Check your copy.'
      error.hidden = false
    }
  })
  return h('section', { className: 'card', id: 'w-confirm-card' }, h('h3', {}, 'Check your copy'), form)
}

/** Seals a phrase wallet into the vault under a passphrase (or opens it unsaved). */
function sealCard (ctx, wallet) {
  const pass = h('input', { type: 'password', id: 'w-vault-pass', autocomplete: 'new-password', 'aria-label': 'Vault passphrase', placeholder: 'vault passphrase' })
  const again = h('input', { type: 'password', id: 'w-vault-pass2', autocomplete: 'new-password', 'aria-label': 'Vault passphrase again', placeholder: 'again' })
  const error = h('p', { className: 'error-text', role: 'alert', hidden: true })
  const form = h('form', { id: 'w-seal-form' }, h('div', { className: 'row' }, pass, again),
    h('div', { className: 'row' }, h('button', { type: 'submit', id: 'w-save' }, 'Save in this browser'),
      h('button', { type: 'button', className: 'secondary', id: 'w-skip-save', onclick: () => ctx.open(wallet) }, 'Use without saving')), error)
  form.addEventListener('submit', async event => {
    event.preventDefault()
    error.hidden = true
    if (pass.value.length < 8 || pass.value !== again.value) {
      error.textContent = pass.value !== again.value ? 'The two passphrases differ.' : 'Use at least 8 characters.'
      error.hidden = false
      return
    }
    try {
      const blob = wallet.seal(pass.value, random(16), random(24))
      const record = { blob, network: wallet.network, savedAt: Date.now() }
      await ctx.store.saveVault(record)
      ctx.vault = record
      ctx.open(wallet)
    } catch (err) {
      ctx.error(error, err, 'Not saved')
    }
  })
  return h('section', { className: 'card', id: 'w-seal' }, h('h3', {}, 'Save the wallet'),
    h('p', { className: 'muted' }, 'The phrase is encrypted in the core (scrypt and XChaCha20-Poly1305) and kept in this browser\'s IndexedDB.'), form)
}
