import { describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import {
  clusterOptions,
  createRedis,
  createRedisClient,
  isClusterUrl,
  isSentinelUrl,
  MAX_SENTINELS,
  RedisUrlError,
  sentinelOptions,
} from './redis-url.js';

describe('Redis URLs with Sentinel', () => {
  it('reads the sentinels, the primary name, the db and the primary’s credentials', () => {
    expect(
      sentinelOptions('redis+sentinel://app:s%40cret@10.0.0.1:26380,10.0.0.2,s3.local:5000/orders/2'),
    ).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26380 },
        { host: '10.0.0.2', port: 26379 },
        { host: 's3.local', port: 5000 },
      ],
      name: 'orders',
      db: 2,
      username: 'app',
      password: 's@cret',
      failoverDetector: true,
    });
  });

  it('a password alone, the sentinels’ own credentials, IPv6 sentinels', () => {
    expect(
      sentinelOptions(
        'redis+sentinel://:pw@[::1]:26379,[fd00::2]/mymaster?sentinelUsername=sen&sentinelPassword=x%2Fy',
      ),
    ).toEqual({
      sentinels: [
        { host: '::1', port: 26379 },
        { host: 'fd00::2', port: 26379 },
      ],
      name: 'mymaster',
      password: 'pw',
      sentinelUsername: 'sen',
      sentinelPassword: 'x/y',
      failoverDetector: true,
    });
  });

  it('rediss+sentinel: TLS to the sentinels and to the primary', () => {
    expect(sentinelOptions('rediss+sentinel://h1/m')).toMatchObject({
      tls: {},
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
    });
  });

  it('tells sentinel URLs from plain ones, whatever the case of the scheme', () => {
    expect(isSentinelUrl('REDIS+SENTINEL://h/m')).toBe(true);
    expect(isSentinelUrl('redis://h:6379')).toBe(false);
    expect(isSentinelUrl('redis+sentinel:h/m')).toBe(false);
  });

  it.each([
    ['redis+sentinel://h1,h2', 'the primary name is missing'],
    ['redis+sentinel://h1/', 'the primary name'],
    ['redis+sentinel://h1/na me', 'the primary name'],
    ['redis+sentinel://h1/m/x', 'the database'],
    ['redis+sentinel://h1/m/0/extra', 'the path'],
    ['redis+sentinel://h1:0/m', 'sentinel 1 of 1: the port is out of range'],
    ['redis+sentinel://h1:99999/m', 'the port is out of range'],
    ['redis+sentinel://h1:port/m', 'the host is not a host name'],
    ['redis+sentinel://h1,,h3/m', 'sentinel 2 of 3: the host is not a host name'],
    ['redis+sentinel://h1/m?timeout=5', 'unknown option timeout'],
    ['redis+sentinel://u:%E0%A4%A@h1/m', 'percent-encoding'],
    ['redis://h1/m', 'not a redis+sentinel: or rediss+sentinel: URL'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(() => sentinelOptions(url)).toThrow(RedisUrlError);
    expect(() => sentinelOptions(url)).toThrow(reason);
  });

  it('abuse: a flood of sentinels or an endless name is refused, and no message repeats the password', () => {
    const many = Array.from({ length: MAX_SENTINELS + 1 }, (_, i) => `h${i}`).join(',');
    expect(() => sentinelOptions(`redis+sentinel://${many}/m`)).toThrow(
      `more than ${MAX_SENTINELS} sentinels`,
    );
    expect(() => sentinelOptions(`redis+sentinel://h/${'m'.repeat(129)}`)).toThrow('the primary name');
    for (const url of [
      'redis+sentinel://u:hunter2@bad host/m',
      'redis+sentinel://u:hunter2@h/m?x=hunter2',
      'redis+sentinel://:hun/ter2@h/m', // a `/` left unencoded in the password
      'redis+sentinel://h/m?sentinelPassword=hun&ter2', // an `&` left unencoded
    ]) {
      expect(() => sentinelOptions(url)).toThrow(RedisUrlError);
      try {
        sentinelOptions(url);
      } catch (err) {
        expect((err as Error).message).not.toMatch(/hun|ter2/);
      }
    }
  });

  it('createRedis: a plain URL goes to ioredis as it is, a sentinel URL as options; nothing connects', () => {
    const plain = createRedis('redis://:pw@127.0.0.1:6390/3', { lazyConnect: true });
    expect(plain.options).toMatchObject({ host: '127.0.0.1', port: 6390, db: 3, password: 'pw' });
    const viaSentinel = createRedis('redis+sentinel://127.0.0.1:26390/orders', {
      lazyConnect: true,
      connectionName: 'n1',
    });
    expect(viaSentinel.options).toMatchObject({
      sentinels: [{ host: '127.0.0.1', port: 26390 }],
      name: 'orders',
      connectionName: 'n1',
    });
    expect(() => createRedis('redis+sentinel://h1/', { lazyConnect: true })).toThrow(RedisUrlError);
    plain.disconnect();
    viaSentinel.disconnect();
  });
});

describe('Redis URLs of a Redis Cluster', () => {
  it('reads the seed nodes (port 6379 when left out) and every node’s credentials; TLS with rediss', () => {
    const { nodes, options } = clusterOptions(
      'redis+cluster://app:s%40cret@10.0.0.1:7000,[fd00::2],c3.local',
    );
    expect(nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'fd00::2', port: 6379 },
      { host: 'c3.local', port: 6379 },
    ]);
    expect(options).toEqual({ redisOptions: { username: 'app', password: 's@cret' } });
    expect(clusterOptions('rediss+cluster://:pw@h1:7000/').options).toEqual({
      redisOptions: { password: 'pw', tls: {} },
    });
  });

  it('natMap and dnsLookup=passthrough, for clusters behind a translation or a cloud endpoint', () => {
    const { options } = clusterOptions(
      'redis+cluster://h1?natMap=10.0.0.1:6379>203.0.113.1:7001,10.0.0.2>203.0.113.2:7002&dnsLookup=passthrough',
    );
    expect(options.natMap).toEqual({
      '10.0.0.1:6379': { host: '203.0.113.1', port: 7001 },
      '10.0.0.2:6379': { host: '203.0.113.2', port: 7002 },
    });
    const looked: Array<[Error | null, string]> = [];
    options.dnsLookup!('clustercfg.example.cache.amazonaws.com', (err, address) =>
      looked.push([err ?? null, address]),
    );
    expect(looked).toEqual([[null, 'clustercfg.example.cache.amazonaws.com']]);
  });

  it('tells cluster URLs apart, whatever the case of the scheme', () => {
    expect(isClusterUrl('REDIS+CLUSTER://h1')).toBe(true);
    expect(isClusterUrl('rediss+cluster://h1')).toBe(true);
    expect(isClusterUrl('redis://h1')).toBe(false);
    expect(isClusterUrl('redis+sentinel://h1/m')).toBe(false);
  });

  it.each([
    ['redis+cluster://h1/0', 'a cluster has no database'],
    ['redis+cluster://h1:0', 'node 1 of 1: the port is out of range'],
    ['redis+cluster://h1,h_2', 'node 2 of 2: the host'],
    [`redis+cluster://${Array.from({ length: 17 }, (_, i) => `h${i}`).join(',')}`, 'more than 16 seed nodes'],
    ['redis+cluster://h1?natMap=10.0.0.1', 'natMap entry 1 of 1'],
    ['redis+cluster://h1?natMap=a:1>b:99999', 'natMap entry 1 of 1: the port'],
    ['redis+cluster://h1?dnsLookup=custom', 'dnsLookup: only passthrough'],
    ['redis+cluster://h1?scaleReads=all', 'unknown option scaleReads'],
    ['redis+cluster://h1?natMap=' + Array.from({ length: 257 }, () => 'a>b').join(','), 'more than 256'],
  ])('%s is refused: %s', (url, message) => {
    expect(() => clusterOptions(url)).toThrow(message);
  });

  it('never repeats a password in an error', () => {
    for (const url of [
      'redis+cluster://u:hunter2@h1/0',
      'redis+cluster://:hun/ter2@h1',
      'redis+cluster://h1?x=hunter2',
    ]) {
      expect(() => clusterOptions(url)).toThrow(RedisUrlError);
      try {
        clusterOptions(url);
      } catch (err) {
        expect((err as Error).message).not.toMatch(/hun|ter2/);
      }
    }
  });

  it('createRedisClient: a Cluster for a cluster URL, the caller’s options where they belong; createRedis refuses one', () => {
    const cluster = createRedisClient('redis+cluster://:pw@127.0.0.1:7390,127.0.0.1:7391', {
      lazyConnect: true,
      connectionName: 'n1',
      maxRetriesPerRequest: null,
      enableOfflineQueue: false,
    });
    expect(cluster).toBeInstanceOf(Cluster);
    const c = cluster as Cluster;
    expect(c.options.enableOfflineQueue).toBe(false);
    expect(c.options.redisOptions).toMatchObject({
      password: 'pw',
      connectionName: 'n1',
      maxRetriesPerRequest: null,
    });
    expect(createRedisClient('redis://127.0.0.1:6390', { lazyConnect: true })).not.toBeInstanceOf(Cluster);
    expect(() => createRedis('redis+cluster://127.0.0.1:7390')).toThrow(
      'a Redis Cluster URL cannot be used here',
    );
    c.disconnect();
  });
});
