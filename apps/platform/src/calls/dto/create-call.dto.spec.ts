import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { createValidationPipe } from '../../common/validation';
import { CreateCallDto } from './create-call.dto';
import { ModifyCallDto } from './modify-call.dto';

const base = { From: '+15550001111', To: 'sip:answer@127.0.0.1:5070', Url: 'http://app.example/a.xml' };

function validate(body: Record<string, unknown>): Promise<CreateCallDto> {
  return createValidationPipe().transform(body, { type: 'body', metatype: CreateCallDto });
}

async function failure(body: Record<string, unknown>): Promise<DomainError> {
  try {
    await validate(body);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected validation to fail');
}

describe('CreateCallDto StatusCallbackEvent', () => {
  it('takes the parameter repeated (as the SDKs send it) or as one space- or comma-separated value', async () => {
    expect(
      (await validate({ ...base, StatusCallbackEvent: ['initiated', 'answered'] })).StatusCallbackEvent,
    ).toEqual(['initiated', 'answered']);
    expect(
      (await validate({ ...base, StatusCallbackEvent: 'ringing completed' })).StatusCallbackEvent,
    ).toEqual(['ringing', 'completed']);
    expect((await validate({ ...base, StatusCallbackEvent: 'ringing,ringing' })).StatusCallbackEvent).toEqual(
      ['ringing'],
    );
  });

  it('is absent when not given (the record then means completed only)', async () => {
    expect((await validate(base)).StatusCallbackEvent).toBeUndefined();
  });

  it("refuses an unknown or empty event list with Twilio's 21626", async () => {
    const unknown = await failure({ ...base, StatusCallbackEvent: ['initiated', 'hungup'] });
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown.code).toBe(DomainErrorCode.InvalidStatusCallbackEvent);
    expect(unknown.message).toContain('StatusCallbackEvent');
    expect((await failure({ ...base, StatusCallbackEvent: '' })).code).toBe(21626);
  });
});

describe('ModifyCallDto', () => {
  it('does not take StatusCallbackEvent: as on Twilio, only the create sets the events', async () => {
    const pipe = createValidationPipe();
    const refused = await pipe
      .transform(
        { StatusCallback: 'http://app.example/s', StatusCallbackEvent: 'ringing' },
        {
          type: 'body',
          metatype: ModifyCallDto,
        },
      )
      .catch((error: DomainError) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe(DomainErrorCode.InvalidParameter);
  });
});
