import { FakeSipUserDirectory } from '../telephony/testing/fake-sip-user-directory';
import { ExtensionsService } from './extensions.service';

describe('ExtensionsService.phoneTargets (what rings an extension)', () => {
  const extensions = new ExtensionsService(
    null as never,
    null as never,
    null as never,
    new FakeSipUserDirectory(),
    null as never,
  );

  it('dials the endpoint itself for one registered phone', () => {
    expect(extensions.phoneTargets('1002@acme.pbx', ['sip:1002@10.0.0.1:5060'])).toEqual([
      { kind: 'sip-user', dialString: 'PJSIP/1002@acme.pbx' },
    ]);
  });

  it('dials every contact of an extension with several phones, each through the endpoint', () => {
    expect(
      extensions.phoneTargets('1002@acme.pbx', [
        'sip:1002@10.0.0.1:5060',
        'sip:1002@10.0.0.2:5062;transport=udp',
      ]),
    ).toEqual([
      { kind: 'sip-user', dialString: 'PJSIP/1002@acme.pbx/sip:1002@10.0.0.1:5060' },
      { kind: 'sip-user', dialString: 'PJSIP/1002@acme.pbx/sip:1002@10.0.0.2:5062;transport=udp' },
    ]);
  });
});
