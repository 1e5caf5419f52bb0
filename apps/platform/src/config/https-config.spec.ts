import { InvalidConfigError, loadConfig } from './app-config';

describe('HTTPS and callcontroller settings', () => {
  it('defaults to no HTTPS, no trusted network and 300 s nonces', () => {
    expect(loadConfig({})).toMatchObject({
      httpsPort: undefined,
      callcontrollerTrustedNetworks: '',
      callcontrollerNonceTtlSeconds: 300,
    });
  });

  it('reads the HTTPS listener and the trusted networks', () => {
    const config = loadConfig({
      HTTPS_PORT: '8443',
      HTTPS_CERT_PATH: '/etc/callwright/cert.pem',
      HTTPS_KEY_PATH: '/etc/callwright/key.pem',
      CALLCONTROLLER_TRUSTED_NETWORKS: '10.0.0.0/8, 192.168.1.7, fd00::/8',
      CALLCONTROLLER_NONCE_TTL_S: '60',
    });
    expect(config).toMatchObject({ httpsPort: 8443, callcontrollerNonceTtlSeconds: 60 });
  });

  it('fails boot on HTTPS without a certificate and key, and on a trusted network that is no CIDR', () => {
    expect(() => loadConfig({ HTTPS_PORT: '8443' })).toThrow(
      /HTTPS_PORT needs HTTPS_CERT_PATH and HTTPS_KEY_PATH/,
    );
    expect(() => loadConfig({ CALLCONTROLLER_TRUSTED_NETWORKS: 'pbx.example.com' })).toThrow(
      InvalidConfigError,
    );
    expect(() => loadConfig({ CALLCONTROLLER_TRUSTED_NETWORKS: '10.0.0.0/33' })).toThrow(
      /CALLCONTROLLER_TRUSTED_NETWORKS/,
    );
    expect(() => loadConfig({ CALLCONTROLLER_DIGEST_SECRET: 'short' })).toThrow(
      /CALLCONTROLLER_DIGEST_SECRET/,
    );
  });
});
