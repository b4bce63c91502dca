// IndexedDB for the wallet: the sealed vault blob (the core encrypted it; no key or phrase is
// ever stored in the clear) and, per network, the addresses seen used (the gap-limit input).

const DB = 'peerpage-wallet'
const VERSION = 1

function open () {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION)
    req.onupgradeneeded = () => {
      const db = req.result
      if (!db.objectStoreNames.contains('vault')) db.createObjectStore('vault')
      if (!db.objectStoreNames.contains('used')) db.createObjectStore('used')
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

async function run (store, mode, fn) {
  const db = await open()
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode)
      const req = fn(tx.objectStore(store))
      tx.oncomplete = () => resolve(req && req.result)
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error)
    })
  } finally {
    db.close()
  }
}

/** The stored vault: {blob: Uint8Array, network, savedAt} or undefined. */
export const loadVault = () => run('vault', 'readonly', s => s.get('main'))
export const saveVault = record => run('vault', 'readwrite', s => s.put(record, 'main'))
export const deleteVault = () => run('vault', 'readwrite', s => s.delete('main'))

/** Addresses seen used on `network` (lower-case strings). */
export async function loadUsed (network) {
  return (await run('used', 'readonly', s => s.get(network))) || []
}

export async function markUsed (network, address) {
  const used = new Set(await loadUsed(network))
  used.add(address.toLowerCase())
  await run('used', 'readwrite', s => s.put([...used], network))
  return [...used]
}
