// Debian packages outside npm: espeak-ng renders <Say> at call time; sox decodes <Play> media that is
// not plain WAV and encodes recordings to MP3 (libsox-fmt-mp3 adds MP3, both ways); sip-tester (SIPp), baresip and linphone-cli (linphonec) are
// test peers; kamailio fronts several Asterisk servers; chromium runs the web console's browser tests; postgresql is the private PostgreSQL of postgres/stack.sh.
import { spawnSync } from 'node:child_process';
import { log } from './stack.mjs';

const PACKAGES = [
  { name: 'espeak-ng', command: 'espeak-ng', probe: ['--version'], needs: '<Say>' },
  { name: 'sox', command: 'sox', probe: ['--version'], needs: '<Play> of GSM, AIFF, FLAC and ADPCM files' },
  // sox lists the formats it can read; mp3 is there only with this plugin.
  {
    name: 'libsox-fmt-mp3',
    command: 'sh',
    probe: ['-c', 'sox -h | grep -q "FORMATS:.* mp3"'],
    needs: '<Play> of MP3 files and recordings served as .mp3',
  },
  // sip-tester is SIPp, the exact SIP peer of the e2e tests (test/support/sipp.ts). Every sipp
  // option exits non-zero (-v exits 99), so probe for the binary on PATH instead.
  { name: 'sip-tester', command: 'sh', probe: ['-c', 'command -v sipp'], needs: 'the SIPp e2e tests' },
  // The softphones of the e2e tests (test/support/softphones.ts). Neither has a side-effect-free
  // option that exits 0 in every version (baresip -h exits non-zero), so probe for the binaries.
  { name: 'baresip', command: 'sh', probe: ['-c', 'command -v baresip'], needs: 'the softphone e2e tests' },
  {
    name: 'linphone-cli',
    command: 'sh',
    probe: ['-c', 'command -v linphonec'],
    needs: 'the attended-transfer softphone e2e test',
  },
  // Kamailio: the SIP proxy in front of several platform Asterisk servers (kamailio/stack.sh, started by
  // asterisk/stack.sh when CALLWRIGHT_PLATFORM_ASTERISKS > 1 or CALLWRIGHT_KAMAILIO=1). kamcmd comes with it.
  { name: 'kamailio', command: 'kamailio', probe: ['-v'], needs: 'the scale-out stack (Kamailio in front of the Asterisk servers)' },
  // PostgreSQL 15 (bookworm's `postgresql`): postgres/stack.sh runs a private server for the postgres
  // test projects and for `DATABASE_TYPE=postgres npm start`. Its binaries are not on PATH.
  {
    name: 'postgresql',
    command: 'sh',
    probe: ['-c', 'ls /usr/lib/postgresql/*/bin/pg_ctl'],
    needs: 'the PostgreSQL tests and DATABASE_TYPE=postgres',
  },
  // Debian's Chromium is the browser of the web console's tests (test/console*.e2e-spec.ts), driven by
  // playwright-core: Playwright's own browser downloads are never used.
  { name: 'chromium', command: 'sh', probe: ['-c', 'test -x /usr/bin/chromium'], needs: 'the web console browser tests' },
];

function isInstalled({ command, probe }) {
  const result = spawnSync(command, probe, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

function canUseApt() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return !spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error;
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** What stops working without these packages, for the warnings. */
function needsOf(names) {
  const needs = PACKAGES.filter((pkg) => names.includes(pkg.name)).map((pkg) => pkg.needs);
  return [...new Set(needs)].join(', ');
}

/** Installs missing packages when we are root on Debian; otherwise warns, naming what needs them. */
export function ensureSystemPackages() {
  const missing = PACKAGES.filter((pkg) => !isInstalled(pkg)).map((pkg) => pkg.name);
  if (missing.length === 0) return true;
  if (!canUseApt()) {
    log(
      `WARNING: missing ${missing.join(', ')} and cannot install it (needs root and apt-get); ` +
        `${needsOf(missing)} will fail until you run: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
    return false;
  }
  log(`Installing ${missing.join(', ')} (apt-get)`);
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  // A stale package index is the usual reason install fails on a fresh machine; refresh only then.
  const ok = apt(install) || (apt(['update']) && apt(install));
  const stillMissing = PACKAGES.filter((pkg) => missing.includes(pkg.name) && !isInstalled(pkg));
  if (!ok || stillMissing.length > 0) {
    log(`WARNING: installing ${missing.join(', ')} failed; ${needsOf(missing)} will fail`);
    return false;
  }
  return true;
}
