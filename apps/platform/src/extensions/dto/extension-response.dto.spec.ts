import type { ExtensionEntity } from '../extension.entity';
import { toExtensionResponse } from './extension-response.dto';

const extension = {
  sid: 'EX' + 'e'.repeat(32),
  accountSid: 'AC' + 'a'.repeat(32),
  extensionNumber: '1001',
  displayName: 'Front desk',
  outboundCallerId: null,
  enabled: true,
  apiVersion: '2012-04-24',
  dateCreated: new Date('2026-12-01T10:00:00Z'),
  dateUpdated: new Date('2026-12-01T10:00:00Z'),
} as ExtensionEntity;

describe('toExtensionResponse', () => {
  it('shows each registered phone in snake_case, with its expiry as an ISO time', () => {
    const response = toExtensionResponse(
      {
        extension,
        domain: 'acme.pbx',
        registrations: [
          {
            contact: 'sip:1001@127.0.0.1:5301;transport=UDP',
            userAgent: 'Desk phone 1.0',
            expiresAt: new Date('2026-12-02T05:56:09Z'),
            viaAddress: '192.168.1.20',
            viaPort: 5301,
          },
          {
            contact: 'sip:1001@127.0.0.1:5302',
            userAgent: null,
            expiresAt: null,
            viaAddress: null,
            viaPort: null,
          },
        ],
      },
      '.json',
      'twilio',
    );
    expect(response.registrations).toEqual([
      {
        contact: 'sip:1001@127.0.0.1:5301;transport=UDP',
        user_agent: 'Desk phone 1.0',
        expires_at: '2026-12-02T05:56:09.000Z',
        via_address: '192.168.1.20',
        via_port: 5301,
      },
      {
        contact: 'sip:1001@127.0.0.1:5302',
        user_agent: null,
        expires_at: null,
        via_address: null,
        via_port: null,
      },
    ]);
    expect(response.uri).toBe(
      `/2010-04-01/Accounts/${extension.accountSid}/Extensions/${extension.sid}.json`,
    );
  });

  it('keeps null when Asterisk could not be asked', () => {
    expect(
      toExtensionResponse({ extension, domain: 'acme.pbx', registrations: null }).registrations,
    ).toBeNull();
  });
});
