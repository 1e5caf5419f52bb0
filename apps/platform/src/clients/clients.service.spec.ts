import type { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { DomainError } from '../common/domain-error';
import type { SipUserDirectory } from '../telephony/sip-user-directory.port';
import type { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { refusal } from '../../../../test/support/domain-refusal';

function clientsRepository(): Repository<ClientEntity> {
  const rows: ClientEntity[] = [];
  return {
    create: (fields: Partial<ClientEntity>) => fields as ClientEntity,
    existsBy: async ({ login }: { login: string }) => rows.some((row) => row.login === login),
    save: async (row: ClientEntity) => (rows.push(row), row),
  } as unknown as Repository<ClientEntity>;
}

/** Asterisk's side: `carrier` is a trunk of pjsip.conf, not for taking. */
const directory = {
  isAvailable: async (login: string) => login !== 'carrier',
  upsert: async () => undefined,
} as unknown as SipUserDirectory;

const account = (sid: string) => ({ sid }) as AccountEntity;
const request = (Login: string) =>
  ({ Login, Password: 'Secret-123456', VoiceMethod: 'POST', Status: 'active' }) as never;

describe('ClientsService: a Login taken is "not available", whoever holds it', () => {
  const holder = account('AC' + 'a'.repeat(32));
  const stranger = account('AC' + 'b'.repeat(32));

  it('answers the holder, another tenant and a name Asterisk reserves identically, naming no account or sid', async () => {
    const service = new ClientsService(clientsRepository(), directory, {} as TelephonyGateway);
    const held = await service.create(holder, request('alice'));

    const bySelf = await refusal(service.create(holder, request('alice')));
    const byOther = await refusal(service.create(stranger, request('alice')));
    const reserved = await refusal(service.create(stranger, request('carrier')));

    const shape = (error: DomainError, login: string) => ({
      code: error.code,
      message: error.message.replace(login, '<login>'),
    });
    expect(shape(byOther, 'alice')).toEqual(shape(bySelf, 'alice'));
    expect(shape(reserved, 'carrier')).toEqual(shape(bySelf, 'alice'));
    expect(byOther.message).toBe('The Login alice is not available');
    for (const secret of [holder.sid, held.sid]) expect(byOther.message).not.toContain(secret);
  });
});
