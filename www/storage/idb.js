// The torrent list and resume records in IndexedDB, one record per torrent keyed by its info
// hash: {infoHash, snapshot (the core's resumeSnapshot), stored (bitfield of pieces whose
// bytes are on disk), magnet, paused, seeding, addedAt}. Pieces themselves live in opfs.js.

const DB = 'peerpage-torrents'
const STORE = 'torrents'

let opening = null

function db () {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'infoHash' })
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
  }
  return opening
}

async function run (mode, act) {
  const tx = (await db()).transaction(STORE, mode, { durability: 'relaxed' })
  const req = act(tx.objectStore(STORE))
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req?.result)
    tx.onerror = tx.onabort = () => reject(tx.error)
    // Commit now rather than when the task ends: shortens the window a reload can cut.
    tx.commit?.()
  })
}

/** Every saved torrent, oldest first. */
export async function list () {
  const all = await run('readonly', s => s.getAll())
  return all.sort((a, b) => (a.addedAt || 0) - (b.addedAt || 0))
}

export const get = infoHash => run('readonly', s => s.get(infoHash))
export const put = record => run('readwrite', s => s.put(record))
export const remove = infoHash => run('readwrite', s => s.delete(infoHash))
