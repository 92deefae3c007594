import { isIP, isIPv6 } from 'node:net';

/**
 * Returns the client address. Behind a trusted proxy it is the last X-Forwarded-For entry,
 * because a proxy appends the address it saw and anything before it came from the client.
 */
export function clientIpOf(socketAddress: string | undefined, forwardedFor: string | null, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const last = forwardedFor.split(',').at(-1)?.trim() ?? '';
    if (isIP(last)) return last;
  }
  return socketAddress ?? 'unknown';
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const compressed = address.includes('::');
  const tailGroups = compressed && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
}

/**
 * Returns the key one client is rate limited under: the IPv4 address, or the /64 network of an
 * IPv6 address, since one IPv6 host usually controls a whole /64.
 */
export function rateLimitKeyOfIp(address: string): string {
  const mappedIPv4 = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mappedIPv4) return mappedIPv4;
  if (!isIPv6(address)) return address;
  const groups = expandIPv6(address.split('%')[0] ?? address);
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
