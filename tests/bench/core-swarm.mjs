// Issue 3's benchmark: bytes moved per CPU-second by the swarm core, one seeding and one
// leeching engine joined back to back in memory (framing, requests, block assembly, upload
// serving; SHA-1 in the verifying mode). The wasm build runs in this Node process and is timed
// with process.cpuUsage(); the native build of the same code (examples/swarm_throughput.rs,
// same release profile) is the reference, timed by its thread's CPU clock.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { initSync, TransferBench } from '../../www/pkg/peerpage.js'

const MIB = 64
const ROUNDS = 5

function cpuSeconds () {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

function wasmRates (verify) {
  const bench = new TransferBench(MIB << 20, 256 * 1024)
  try {
    if (bench.run(verify) !== MIB << 20) throw new Error('the wasm transfer is incomplete')
    const rates = []
    for (let i = 0; i < ROUNDS; i++) {
      const t = cpuSeconds()
      const bytes = bench.run(verify)
      rates.push(bytes / (cpuSeconds() - t) / 1e6)
    }
    return rates.sort((a, b) => a - b)[rates.length >> 1]
  } finally {
    bench.free()
  }
}

function nativeRates (root) {
  const r = spawnSync('cargo', ['run', '--quiet', '--release', '--example', 'swarm_throughput', String(MIB), String(ROUNDS)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error('the native swarm benchmark failed')
  const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l))
  const pick = sha1 => lines.find(l => l.sha1 === sha1)
  if (pick(false).clock !== 'cpu') console.log('NOTE: native swarm benchmark timed by wall clock (no per-thread CPU clock here)')
  return { plain: pick(false).mb_per_s, sha1: pick(true).mb_per_s }
}

export async function coreSwarmBenchmarks (root) {
  initSync({ module: readFileSync(join(root, 'www/pkg/peerpage_bg.wasm')) })
  const native = nativeRates(root)
  return [
    { what: `swarm core, ${MIB} MiB seeder → leecher in memory, no SHA-1, per CPU-second (Node wasm)`, ours: wasmRates(false), ref: native.plain, refName: 'same core, native', unit: 'MB/s' },
    { what: `swarm core, ${MIB} MiB seeder → leecher in memory, with SHA-1, per CPU-second (Node wasm)`, ours: wasmRates(true), ref: native.sha1, refName: 'same core, native', unit: 'MB/s' }
  ]
}
