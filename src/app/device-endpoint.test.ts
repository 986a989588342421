import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { deviceEndpointAddress } from './up.js';

describe('DescribeEndpoint address', () => {
  it('is the first broker certificate name, with the port unless it is 8883', () => {
    expect(deviceEndpointAddress(['iot.example.com', '10.0.0.5'], 'mqtts://0.0.0.0:8883')).toBe('iot.example.com');
    expect(deviceEndpointAddress(['iot.example.com'], 'mqtts://0.0.0.0:18883')).toBe('iot.example.com:18883');
  });

  it('without names: the listener host, or the machine name on a wildcard; IPv6 in brackets', () => {
    expect(deviceEndpointAddress([], 'mqtts://127.0.0.1:4567')).toBe('127.0.0.1:4567');
    expect(deviceEndpointAddress([], 'mqtts://0.0.0.0:8883')).toBe(hostname());
    expect(deviceEndpointAddress([], 'mqtts://[::]:8883')).toBe(hostname());
    expect(deviceEndpointAddress([], 'mqtts://[::1]:9000')).toBe('[::1]:9000');
  });
});
