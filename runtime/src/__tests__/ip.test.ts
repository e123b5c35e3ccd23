import { describe, expect, it } from 'vitest';
import { createAddressMatcher, isDeniedAddress, parseIPv6 } from '../internal/request/ip.js';

describe('private address deny list', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '0.0.0.0',
    '0.1.2.3',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fec0::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '2001:db8::1',
    '[::1]',
    'fe80::1%eth0',
    'garbage',
    '1.2.3',
  ])('denies %s', (ip) => expect(isDeniedAddress(ip)).toBe(true));

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows %s', (ip) => expect(isDeniedAddress(ip)).toBe(false));

  it('parses IPv6 with compression and embedded IPv4', () => {
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(parseIPv6('1::2')).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
  });

  it('builds allow lists from IPs and CIDRs', () => {
    const m = createAddressMatcher(['127.0.0.2', '10.1.0.0/16', 'fd00::/8']);
    expect(m('127.0.0.2')).toBe(true);
    expect(m('127.0.0.1')).toBe(false);
    expect(m('10.1.200.3')).toBe(true);
    expect(m('10.2.0.1')).toBe(false);
    expect(m('fd12::1')).toBe(true);
    expect(() => createAddressMatcher(['10.0.0.0/40'])).toThrow();
  });
});
