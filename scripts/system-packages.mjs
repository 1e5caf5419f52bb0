// Debian packages outside npm: espeak-ng renders <Say> at call time; sip-tester (SIPp) is a test peer.
import { spawnSync } from 'node:child_process';
import { log } from './stack.mjs';

const PACKAGES = [
  { name: 'espeak-ng', command: 'espeak-ng', probe: ['--version'] },
  // sip-tester is SIPp, the exact SIP peer of the e2e tests (test/support/sipp.ts). Every sipp
  // option exits non-zero (-v exits 99), so probe for the binary on PATH instead.
  { name: 'sip-tester', command: 'sh', probe: ['-c', 'command -v sipp'] },
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

/** Installs missing packages when we are root on Debian; otherwise warns: <Say> and the SIPp tests need them. */
export function ensureSystemPackages() {
  const missing = PACKAGES.filter((pkg) => !isInstalled(pkg)).map((pkg) => pkg.name);
  if (missing.length === 0) return true;
  if (!canUseApt()) {
    log(
      `WARNING: missing ${missing.join(', ')} and cannot install it (needs root and apt-get); ` +
        `<Say> and the SIPp e2e tests will fail until you run: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
    return false;
  }
  log(`Installing ${missing.join(', ')} (apt-get)`);
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  // A stale package index is the usual reason install fails on a fresh machine; refresh only then.
  const ok = apt(install) || (apt(['update']) && apt(install));
  const stillMissing = PACKAGES.filter((pkg) => missing.includes(pkg.name) && !isInstalled(pkg));
  if (!ok || stillMissing.length > 0) {
    log(`WARNING: installing ${missing.join(', ')} failed; <Say> and the SIPp e2e tests will fail`);
    return false;
  }
  return true;
}
