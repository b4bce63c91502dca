// The kiosk's swarm speed: each connected peer's growth in verified bytes over a few seconds,
// plus the kiosk's own download; web seeds and departed peers do not count.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SwarmSpeed } from '../../www/ui/kiosk-swarm.js'

const LENGTH = 10_000_000
const peer = (peerId, progress, source = 'webrtc') => ({ peerId, progress, source })

test('sums every peer\'s download rate from its progress, and the kiosk\'s own', () => {
  const s = new SwarmSpeed()
  assert.equal(s.update(0, LENGTH, [peer('a', 0), peer('b', 0.5)], 0), 0)
  // One second later: a got 1 MB, b got 0.5 MB, the kiosk downloads 0.25 MB/s itself.
  const speed = s.update(1000, LENGTH, [peer('a', 0.1), peer('b', 0.55)], 250_000)
  assert.equal(Math.round(speed), 1_000_000 + 500_000 + 250_000)
})

test('averages over a window of about five seconds, forgetting older samples', () => {
  const s = new SwarmSpeed()
  s.update(0, LENGTH, [peer('a', 0)])
  s.update(1000, LENGTH, [peer('a', 0.5)]) // a burst of 5 MB in the first second
  for (let t = 2000; t <= 12000; t += 1000) s.update(t, LENGTH, [peer('a', 0.5 + (t - 1000) / 1000 * 0.01)])
  // Now a steady 100 kB/s: the burst has left the window.
  assert.equal(Math.round(s.update(13000, LENGTH, [peer('a', 0.5 + 12 * 0.01)])), 100_000)
})

test('web seeds, finished peers and peers that left add nothing', () => {
  const s = new SwarmSpeed()
  s.update(0, LENGTH, [peer('a', 0.2), peer('w', 1, 'webseed'), peer('done', 1)])
  assert.equal(s.update(1000, LENGTH, [peer('w', 1, 'webseed'), peer('done', 1)]), 0)
  // A peer that comes back starts from a fresh sample, not its old one.
  assert.equal(s.update(2000, LENGTH, [peer('a', 0.9)]), 0)
  assert.ok(s.update(3000, LENGTH, [peer('a', 0.95)]) > 0)
})
