'use strict';
// Renders Kamailio's configuration for the local scale-out stack (kamailio/stack.sh calls it):
// kamailio.cfg from kamailio/kamailio.cfg.tmpl and the dispatcher list of the platform Asterisk servers.
// Usage: node scripts/kamailio-config.cjs <run dir> <host:port of each platform Asterisk>...
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

/** The dispatcher set every request to a platform Asterisk is drawn from. */
const SET_ID = 1;
const DEFAULTS = {
  listen: '127.0.0.1:5090',
  moduleDir: '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  // OPTIONS every second; two missed answers (each given up after 1.5 s) take a server out of rotation.
  pingIntervalSeconds: 1,
  probingThreshold: 2,
  requestTimeoutMs: 1500,
};

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[a-z0-9.-]+):(\d{1,5})$/i;

function parseAddress(address) {
  const match = ADDRESS.exec(address);
  if (!match) throw new Error(`not a host:port SIP address: ${JSON.stringify(address)}`);
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new Error(`port out of range in ${address}`);
  return { host: match[1], port };
}

/**
 * One line per server: set, destination (UDP, so a reply's source is the server's bound SIP port, which
 * is how the config tells requests from a platform Asterisk from requests of the outside), flags 0,
 * priority, attributes (the server's name for the logs).
 */
function renderDispatcherList(addresses) {
  if (addresses.length === 0) throw new Error('at least one platform Asterisk address is needed');
  const lines = addresses.map((address, index) => {
    const { host, port } = parseAddress(address);
    return `${SET_ID} sip:${host}:${port} 0 0 name=ast${index + 1}`;
  });
  return `# set destination flags priority attributes (rendered by scripts/kamailio-config.cjs)\n${lines.join('\n')}\n`;
}

function renderKamailioConfig(template, { runDir, ...options }) {
  const settings = { ...DEFAULTS, ...options };
  const { host, port } = parseAddress(settings.listen);
  const values = {
    RUN_DIR: runDir,
    LISTEN_HOST: host,
    LISTEN_PORT: String(port),
    MODULE_DIR: settings.moduleDir,
    SET_ID: String(SET_ID),
    PING_INTERVAL: String(settings.pingIntervalSeconds),
    PROBING_THRESHOLD: String(settings.probingThreshold),
    REQUEST_TIMEOUT_MS: String(settings.requestTimeoutMs),
  };
  const rendered = template.replace(/@([A-Z_]+)@/g, (whole, name) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${whole} in the Kamailio template`);
    return values[name];
  });
  return rendered;
}

function renderInto(runDir, addresses, options = {}) {
  const template = readFileSync(join(__dirname, '..', 'kamailio', 'kamailio.cfg.tmpl'), 'utf8');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'dispatcher.list'), renderDispatcherList(addresses));
  writeFileSync(join(runDir, 'kamailio.cfg'), renderKamailioConfig(template, { runDir, ...options }));
}

module.exports = { renderDispatcherList, renderKamailioConfig, renderInto, SET_ID, DEFAULTS };

if (require.main === module) {
  const [runDir, ...addresses] = process.argv.slice(2);
  if (!runDir || addresses.length === 0) {
    process.stderr.write('usage: node scripts/kamailio-config.cjs <run dir> <host:port>...\n');
    process.exit(64);
  }
  renderInto(
    runDir,
    addresses,
    process.env.CALLWRIGHT_KAMAILIO_LISTEN ? { listen: process.env.CALLWRIGHT_KAMAILIO_LISTEN } : {},
  );
}
