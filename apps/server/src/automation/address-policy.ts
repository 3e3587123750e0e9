import net from 'node:net'

/**
 * Addresses a webhook may not reach unless allow-listed: loopback, private, link-local (cloud metadata
 * at 169.254.169.254), carrier-grade NAT, multicast, reserved, and every IPv6 form that can carry an
 * IPv4 address (mapped, NAT64, 6to4), so `[::ffff:127.0.0.1]` cannot smuggle loopback through.
 */
const blocked = new net.BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  blocked.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(address, prefix, 'ipv6')

export class AddressPolicy {
  private readonly allowed = new net.BlockList()

  /** `allow`: addresses or CIDRs (`127.0.0.1`, `10.1.0.0/16`) a deployment trusts, e.g. an internal CRM. */
  constructor(allow: readonly string[] = []) {
    for (const entry of allow) {
      const [address, prefix] = entry.split('/')
      const family = net.isIPv6(address!) ? 'ipv6' : 'ipv4'
      if (!net.isIP(address!)) throw new Error(`Webhook allow-list: ${entry} is not an address or CIDR`)
      if (prefix === undefined) this.allowed.addAddress(address!, family)
      else this.allowed.addSubnet(address!, Number(prefix), family)
    }
  }

  /** Why the address is refused, or undefined when it may be called. */
  refusal(address: string): string | undefined {
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4'
    if (this.allowed.check(address, family)) return undefined
    if (family === 'ipv6' && isV4Mapped(address)) return `${address} is an IPv4-mapped IPv6 address`
    if (blocked.check(address, family))
      return `${address} is a loopback, private, link-local or reserved address`
    return undefined
  }
}

// Checked by hand: a `::ffff:0:0/96` rule in net.BlockList also matches every plain IPv4 address.
function isV4Mapped(address: string): boolean {
  const expand = (part: string) =>
    (part ? part.split(':') : []).flatMap((g) => (g.includes('.') ? ['v4', 'v4'] : [g]))
  const [head = '', tail] = address.toLowerCase().split('::')
  const left = expand(head)
  const right = tail === undefined ? [] : expand(tail)
  const full =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return full.length === 8 && full.slice(0, 5).every((g) => /^0{1,4}$/.test(g)) && full[5] === 'ffff'
}
