// The wallet's own wasm module (www/pkg/wallet_bg.wasm: keys, the curve, BIP-39 word lists,
// PSBT), built apart from the torrent core so the torrent page never downloads it. It is
// fetched on first use: opening the Wallet tab, or the kiosk's tip address.

import init from '../pkg/wallet.js'

let loading = null

/** Fetches and instantiates the wallet module once; later calls share the first load. */
export function loadWalletCore () {
  if (!loading) {
    loading = init().catch(err => {
      loading = null // a failed fetch can be retried
      throw err
    })
  }
  return loading
}
