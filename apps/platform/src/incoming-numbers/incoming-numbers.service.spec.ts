import type { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { IncomingNumberEntity } from './incoming-number.entity';
import { IncomingNumbersService } from './incoming-numbers.service';
import type { ApplicationsService } from '../applications/applications.service';
import { refusal } from '../../../../test/support/domain-refusal';

/** An in-memory repository with the platform-wide unique PhoneNumber of the real table. */
function numbersRepository(): Repository<IncomingNumberEntity> {
  const rows: IncomingNumberEntity[] = [];
  return {
    create: (fields: Partial<IncomingNumberEntity>) => fields as IncomingNumberEntity,
    existsBy: async ({ phoneNumber }: { phoneNumber: string }) =>
      rows.some((row) => row.phoneNumber === phoneNumber),
    save: async (row: IncomingNumberEntity) => (rows.push(row), row),
  } as unknown as Repository<IncomingNumberEntity>;
}

const account = (sid: string) => ({ sid }) as AccountEntity;
const request = (PhoneNumber: string) =>
  ({ PhoneNumber, VoiceMethod: 'POST', VoiceFallbackMethod: 'POST', StatusCallbackMethod: 'POST' }) as never;

describe('IncomingNumbersService: a number taken is "not available", whoever holds it', () => {
  const holder = account('AC' + 'a'.repeat(32));
  const stranger = account('AC' + 'b'.repeat(32));

  it('answers the holder and another tenant with the same code and message, naming no account or sid', async () => {
    const service = new IncomingNumbersService(numbersRepository(), {
      find: async () => null,
    } as unknown as ApplicationsService);
    const held = await service.create(holder, request('+15550100200'));

    const bySelf = await refusal(service.create(holder, request('+15550100200')));
    const byOther = await refusal(service.create(stranger, request('+15550100200')));

    expect({ code: byOther.code, message: byOther.message }).toEqual({
      code: bySelf.code,
      message: bySelf.message,
    });
    expect(byOther.code).toBe(21422);
    expect(byOther.message).toBe('The phone number +15550100200 is not available');
    for (const secret of [holder.sid, held.sid]) expect(byOther.message).not.toContain(secret);
  });
});
