import { loadConfig } from '../config/app-config';
import { parseAllowList } from '../common/ip-address';
import { AddressPolicy } from './address-policy';

const LOCAL = new Set(['10.1.2.3', 'fe80::1']);

function policy(env: Record<string, string> = {}): AddressPolicy {
  const config = loadConfig({ ARI_URL: 'http://127.0.0.1:8088', PORT: '8080', ...env });
  return new AddressPolicy(config, LOCAL);
}

describe('AddressPolicy', () => {
  describe('internal services, whatever WEBHOOK_BLOCK_PRIVATE_ADDRESSES says', () => {
    it.each([
      ['127.0.0.1', 8088],
      ['127.0.0.2', 8088], // another loopback address reaches a listener on 0.0.0.0
      ['::1', 8088],
      ['::ffff:127.0.0.1', 8088],
      ['0.0.0.0', 8088],
      ['10.1.2.3', 8088], // an address of this machine's own interfaces
      ['127.0.0.1', 8080], // the platform's own API
      ['10.1.2.3', 8080],
    ])('refuses %s:%d with the guard off', (address, port) => {
      expect(policy().refusal(address, address, port)).toMatch(/internal service of the platform/);
    });

    it('refuses them even when the allow-list names them', () => {
      const allowAll = policy({ WEBHOOK_ALLOWED_ADDRESSES: '0.0.0.0/0,::/0,127.0.0.1,localhost' });
      expect(allowAll.refusal('localhost', '127.0.0.1', 8088)).toMatch(/internal service/);
      expect(allowAll.refusal('169.254.169.254', '169.254.169.254', 80)).toMatch(/metadata/);
    });

    it('allows other loopback ports when the guard is off', () => {
      expect(policy().refusal('127.0.0.1', '127.0.0.1', 8000)).toBeNull();
    });

    it('refuses the database host of a PostgreSQL configuration on its port', () => {
      const withDb = policy({
        DATABASE_TYPE: 'postgres',
        DATABASE_URL: 'postgres://cw:secret@192.168.5.5/callwright',
      });
      expect(withDb.refusal('192.168.5.5', '192.168.5.5', 5432)).toMatch(/internal service/);
      expect(withDb.refusal('192.168.5.5', '192.168.5.5', 80)).toBeNull();
    });

    it('refuses an ARI configured by host name once it is resolved', async () => {
      const named = policy({ ARI_URL: 'http://localhost:8099' });
      await named.resolveServiceHosts();
      expect(named.refusal('127.0.0.1', '127.0.0.1', 8099)).toMatch(/internal service/);
      expect(named.refusal('localhost', '::1', 8099)).toMatch(/localhost resolves to .*internal service/);
    });

    it('refuses the public URL host and port', () => {
      const pub = policy({ PUBLIC_URL: 'http://203.0.113.7:9000' });
      expect(pub.refusal('203.0.113.7', '203.0.113.7', 9000)).toMatch(/internal service/);
      expect(pub.refusal('203.0.113.7', '203.0.113.7', 9001)).toBeNull();
    });
  });

  describe('cloud metadata', () => {
    it.each(['169.254.169.254', 'fd00:ec2::254', 'fd00:ec2:0:0:0:0:0:254', '::ffff:169.254.169.254'])(
      'refuses %s on any port',
      (address) => {
        expect(policy().refusal('metadata.example', address, 80)).toMatch(/cloud metadata/);
        expect(policy().refusal(address, address, 8775)).toMatch(/cloud metadata/);
      },
    );
  });

  describe('the private-address guard and its allow-list', () => {
    const guarded = (allowed = '') =>
      policy({ WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true', WEBHOOK_ALLOWED_ADDRESSES: allowed });

    it('refuses private addresses when on', () => {
      expect(guarded().refusal('127.0.0.2', '127.0.0.2', 8000)).toMatch(/WEBHOOK_BLOCK_PRIVATE_ADDRESSES/);
      expect(guarded().refusal('app.internal', '10.9.9.9', 80)).toMatch(
        /app\.internal resolves to 10\.9\.9\.9, which is a private/,
      );
      expect(guarded().refusal('93.184.216.34', '93.184.216.34', 80)).toBeNull();
    });

    it('exempts allow-listed CIDR blocks, addresses and host names', () => {
      const list = guarded('127.0.0.2, 10.0.0.0/8, fd12::/16, apps.corp, *.lan');
      expect(list.refusal('127.0.0.2', '127.0.0.2', 8000)).toBeNull();
      expect(list.refusal('127.0.0.3', '127.0.0.3', 8000)).toMatch(/private/);
      expect(list.refusal('x', '10.200.1.1', 80)).toBeNull();
      expect(list.refusal('x', 'fd12:3::1', 80)).toBeNull();
      expect(list.refusal('x', 'fd13::1', 80)).toMatch(/private/);
      expect(list.refusal('apps.corp', '192.168.1.10', 80)).toBeNull();
      expect(list.refusal('box.lan', '192.168.1.11', 80)).toBeNull();
      expect(list.refusal('lan', '192.168.1.11', 80)).toMatch(/private/);
    });
  });

  describe('plainRefusal (checked when a URL is given)', () => {
    it('names URLs whose host is plainly an internal service', () => {
      const p = policy();
      expect(p.plainRefusal('http://callwright:pw@127.0.0.1:8088/ari/channels')).toMatch(/internal service/);
      expect(p.plainRefusal('http://localhost:8088/ari')).toMatch(/internal service/);
      expect(p.plainRefusal('http://[::1]:8080/2012-04-24/Accounts')).toMatch(/internal service/);
      expect(p.plainRefusal('http://169.254.169.254/latest/meta-data/')).toMatch(/metadata/);
    });

    it('leaves everything else to connect time', () => {
      const p = policy();
      expect(p.plainRefusal('http://127.0.0.1:8000/rcml')).toBeNull();
      expect(p.plainRefusal('http://ari.example.com:8088/')).toBeNull();
      expect(p.plainRefusal('not a url')).toBeNull();
    });
  });
});

describe('parseAllowList', () => {
  it('refuses entries that are neither CIDR, address nor host name', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseAllowList('http://x')).toThrow();
    expect(parseAllowList(' , ').cidrs).toHaveLength(0);
  });

  it('makes an invalid setting fail at boot', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_ADDRESSES: '300.1.1.1/8' })).toThrow(
      /WEBHOOK_ALLOWED_ADDRESSES/,
    );
  });
});
