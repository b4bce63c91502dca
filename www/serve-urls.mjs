// The addresses the local server tells people to open. A wildcard bind (0.0.0.0, ::) is not an
// address a browser can open: it stands for loopback and each of this machine's interfaces.
// These are only printed (and put in the kiosk's join link); nothing here connects to them.

import { networkInterfaces } from 'node:os'

const WILDCARD = new Set(['0.0.0.0', '::', '[::]'])

const hostPart = address => address.includes(':') ? `[${address}]` : address

/**
 * This machine's addresses other devices may reach: every non-internal IPv4 address, then
 * (`ipv6`) every global IPv6 one (a link-local fe80:: address needs a zone no URL carries).
 */
export function lanAddresses ({ ipv6 = false, interfaces = networkInterfaces() } = {}) {
  const all = Object.values(interfaces).flat().filter(a => a && !a.internal)
  const v4 = all.filter(a => a.family === 'IPv4' || a.family === 4).map(a => a.address)
  const v6 = ipv6 ? all.filter(a => (a.family === 'IPv6' || a.family === 6) && !/^fe[89ab]/i.test(a.address)).map(a => a.address) : []
  return [...new Set([...v4, ...v6])]
}

/**
 * URLs of a server bound to `host`:`port` that a browser can open, best first: for a
 * wildcard bind, loopback (a secure context: OPFS and the streaming worker work there) and
 * then each LAN address (plain http: other devices, with pieces kept in memory); else the
 * bound host itself.
 */
export function usableUrls (host, port, interfaces = networkInterfaces()) {
  const url = address => `http://${hostPart(address)}:${port}/`
  if (!WILDCARD.has(host)) return [url(host)]
  // 0.0.0.0 takes IPv4 only; :: takes both on a dual-stack host (Linux's default).
  const loopback = host === '0.0.0.0' ? '127.0.0.1' : '::1'
  return [url(loopback), ...lanAddresses({ ipv6: host !== '0.0.0.0', interfaces }).map(url)]
}

/** A host visitors on other devices can reach: the bound one, or the first LAN address. */
export function reachableHost (host, interfaces = networkInterfaces()) {
  if (!WILDCARD.has(host)) return hostPart(host)
  return hostPart(lanAddresses({ interfaces })[0] ?? '127.0.0.1')
}
