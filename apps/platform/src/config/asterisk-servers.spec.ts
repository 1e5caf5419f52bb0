import { InvalidConfigError, loadConfig } from './app-config';
import { asteriskServersOf, parseAsteriskServers } from './asterisk-servers';

const TWO = JSON.stringify([
  {
    name: 'ast1',
    ariUrl: 'http://127.0.0.1:8088',
    ariUsername: 'u',
    ariPassword: 'p1',
    sipAddress: '127.0.0.1:5060',
  },
  { name: 'ast2', ariUrl: 'http://127.0.0.1:8188', ariUsername: 'u', ariPassword: 'p2' },
]);

describe('ASTERISK_SERVERS', () => {
  it('unset: the ARI_* settings are the one server, named default', () => {
    const config = loadConfig({ ARI_URL: 'http://10.0.0.1:8088', ARI_PASSWORD: 'secret' });
    expect(asteriskServersOf(config)).toEqual([
      {
        name: 'default',
        ariUrl: 'http://10.0.0.1:8088',
        ariUsername: 'callwright',
        ariPassword: 'secret',
        sipAddress: null,
      },
    ]);
  });

  it('parses every server', () => {
    const config = loadConfig({ ASTERISK_SERVERS: TWO });
    expect(asteriskServersOf(config).map((s) => [s.name, s.ariUrl, s.sipAddress])).toEqual([
      ['ast1', 'http://127.0.0.1:8088', '127.0.0.1:5060'],
      ['ast2', 'http://127.0.0.1:8188', null],
    ]);
  });

  it.each([
    ['{', /not valid JSON/],
    ['[]', /non-empty JSON array/],
    ['[{"name":"a b","ariUrl":"http://x","ariUsername":"u","ariPassword":"p"}]', /entry 0: "name"/],
    [
      '[{"name":"a","ariUrl":"ftp://x","ariUsername":"u","ariPassword":"p"}]',
      /entry 0: "ariUrl" must be http/,
    ],
    ['[{"name":"a","ariUrl":"http://x","ariUsername":"u"}]', /entry 0: "ariPassword"/],
    [
      '[{"name":"a","ariUrl":"http://x","ariUsername":"u","ariPassword":"p"},{"name":"a","ariUrl":"http://y","ariUsername":"u","ariPassword":"p"}]',
      /entry 1: name "a" is used twice/,
    ],
  ])('refuses %s at boot, naming the entry and never the password', (value, message) => {
    expect(() => parseAsteriskServers(value)).toThrow(message);
    expect(() => loadConfig({ ASTERISK_SERVERS: value })).toThrow(InvalidConfigError);
    try {
      loadConfig({ ASTERISK_SERVERS: value });
    } catch (error) {
      expect(String(error)).toMatch(/ASTERISK_SERVERS: /);
      expect(String(error)).not.toMatch(/"p"/);
    }
  });
});
