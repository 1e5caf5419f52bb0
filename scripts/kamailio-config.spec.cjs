'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { renderDispatcherList, renderKamailioConfig } = require('./kamailio-config.cjs');

const TEMPLATE = readFileSync(join(__dirname, '..', 'kamailio', 'kamailio.cfg.tmpl'), 'utf8');

describe('Kamailio config renderer', () => {
  it('lists every platform Asterisk in dispatcher set 1, named ast1..astN in order', () => {
    expect(renderDispatcherList(['127.0.0.1:5060', '127.0.0.1:5160']).split('\n').slice(1)).toEqual([
      '1 sip:127.0.0.1:5060 0 0 name=ast1',
      '1 sip:127.0.0.1:5160 0 0 name=ast2',
      '',
    ]);
  });

  it('refuses an empty server list and addresses that are not host:port', () => {
    expect(() => renderDispatcherList([])).toThrow('at least one');
    expect(() => renderDispatcherList(['127.0.0.1'])).toThrow('host:port');
    expect(() => renderDispatcherList(['127.0.0.1:5060;transport=tcp'])).toThrow('host:port');
    expect(() => renderDispatcherList(['127.0.0.1:70000'])).toThrow('out of range');
  });

  it('fills every placeholder: listen address, run folder, probing', () => {
    const config = renderKamailioConfig(TEMPLATE, { runDir: '/run/x/kamailio' });
    expect(config).not.toMatch(/@[A-Z_]+@/);
    expect(config).toContain('listen=udp:127.0.0.1:5090');
    expect(config).toContain('listen=tcp:127.0.0.1:5090');
    expect(config).toContain('modparam("dispatcher", "list_file", "/run/x/kamailio/dispatcher.list")');
    expect(config).toContain('modparam("ctl", "binrpc", "unix:/run/x/kamailio/kamailio_ctl")');
    expect(config).toContain('modparam("dispatcher", "ds_ping_from", "sip:kamailio@127.0.0.1:5090")');
    expect(config).toContain('modparam("dispatcher", "ds_ping_interval", 1)');
    expect(config).toContain('modparam("tm", "fr_timer", 1500)');
    // A silent server's 408 must not count as an answer to the probe.
    expect(config).not.toMatch(/ds_ping_reply_codes", "[^"]*class=4/);
  });

  it('takes another listen address and probing settings', () => {
    const config = renderKamailioConfig(TEMPLATE, {
      runDir: '/tmp/k',
      listen: '127.0.0.2:5999',
      pingIntervalSeconds: 3,
      probingThreshold: 4,
    });
    expect(config).toContain('listen=udp:127.0.0.2:5999');
    expect(config).toContain('alias="127.0.0.2:5999"');
    expect(config).toContain('modparam("dispatcher", "ds_ping_interval", 3)');
    expect(config).toContain('modparam("dispatcher", "ds_probing_threshold", 4)');
  });

  it('fails on a placeholder it does not know', () => {
    expect(() => renderKamailioConfig('x=@NOPE@', { runDir: '/tmp/k' })).toThrow('@NOPE@');
  });
});
