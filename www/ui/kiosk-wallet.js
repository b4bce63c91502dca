// An optional tip address on the kiosk screen, from the wallet vault this browser keeps (the
// Wallet tab makes it). The operator unlocks the vault once, here; the kiosk keeps only the
// public receive address (in localStorage, so a reload shows it again) and frees the wallet
// at once, so no key stays in an unattended page.

import { loadWalletCore } from './wallet-core.js'
import { loadVault, loadUsed } from './wallet-store.js'
import { drawQr } from './qr.js'
import { describeError } from './format.js'

const $ = id => document.getElementById(id)
const KEY = 'peerpage-kiosk-tip'

function show (tip) {
  if (!tip) {
    $('k-wallet').hidden = true
    return
  }
  drawQr($('k-wallet-qr'), tip.link)
  $('k-wallet-address').textContent = tip.address
  $('k-wallet-net').textContent = tip.network === 'mainnet' ? '' : `· ${tip.network}`
  $('k-wallet').hidden = false
}

/** The next unused receive address (native segwit, account 0) of the unlocked vault. */
async function receiveAddress (vault, passphrase) {
  const { Wallet } = await loadWalletCore()
  const wallet = Wallet.unlock(vault.blob, passphrase, vault.network)
  try {
    if (wallet.kind === 'single key') return wallet.addresses('p2wpkh', 0, 0, 0, 1)[0].address
    return wallet.scanChain('p2wpkh', 0, 0, await loadUsed(vault.network), 0).nextAddress
  } finally {
    wallet.free()
  }
}

/**
 * Wires the tip button and dialog; shows a saved tip address. Needs the torrent core
 * initialised (QR codes); the wallet module is fetched only when the operator unlocks.
 */
export async function startKioskWallet () {
  let saved = null
  try {
    saved = JSON.parse(localStorage.getItem(KEY))
  } catch {}
  show(saved)
  const vault = await loadVault().catch(() => undefined)
  if (!vault && !saved) return // no wallet in this browser: the kiosk shares files only
  const button = $('k-wallet-button')
  const dialog = $('k-wallet-dialog')
  const error = $('k-wallet-error')
  button.hidden = false
  $('k-wallet-unlock').hidden = !vault
  $('k-wallet-remove').hidden = !saved
  button.addEventListener('click', () => {
    error.hidden = true
    $('k-wallet-pass').value = ''
    dialog.showModal()
  })
  $('k-wallet-cancel').addEventListener('click', () => dialog.close())
  $('k-wallet-remove').addEventListener('click', () => {
    localStorage.removeItem(KEY)
    show(null)
    $('k-wallet-remove').hidden = true
    dialog.close()
  })
  $('k-wallet-form').addEventListener('submit', async ev => {
    ev.preventDefault()
    try {
      const address = await receiveAddress(vault, $('k-wallet-pass').value)
      const { paymentUri } = await loadWalletCore()
      const tip = { address, network: vault.network, link: paymentUri(address, vault.network, '', 'peerpage kiosk') }
      localStorage.setItem(KEY, JSON.stringify(tip))
      show(tip)
      $('k-wallet-remove').hidden = false
      dialog.close()
    } catch (err) {
      error.textContent = describeError(err, err.code === 'wallet.refused' ? 'Not unlocked' : 'No address')
      error.hidden = false
    } finally {
      $('k-wallet-pass').value = ''
    }
  })
}
