// The wallet's own wasm module (www/pkg/wallet_bg.wasm: keys, the curve, BIP-39 word lists,
// PSBT), built apart from the torrent core so the torrent page never downloads it. It is
// fetched on first use: opening the Wallet tab, or the kiosk's tip address.

let loading = null

/**
 * Fetches and instantiates the wallet module once (its glue JS too: the kiosk imports this file
 * at start); resolves to the module's exports. Later calls share the first load.
 */
export function loadWalletCore () {
  if (!loading) {
    loading = import('../pkg/wallet.js').then(async core => {
      await core.default()
      return core
    }).catch(err => {
      loading = null // a failed fetch can be retried
      throw err
    })
  }
  return loading
}
