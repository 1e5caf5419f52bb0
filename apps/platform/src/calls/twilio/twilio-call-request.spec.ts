import { ArgumentMetadata } from '@nestjs/common';
import { ControlCharacterPipe } from '../../common/control-character.pipe';
import { DomainError } from '../../common/domain-error';
import { createValidationPipe } from '../../common/validation';
import { TwilioCreateCallDto } from '../dto/twilio-create-call.dto';
import { twilioCallRequest } from './twilio-call-request';

const base = { From: '+15550001111', To: '+15557770001' };
const body: ArgumentMetadata = { type: 'body', metatype: TwilioCreateCallDto };

async function validate(input: Record<string, unknown>): Promise<TwilioCreateCallDto> {
  const checked = new ControlCharacterPipe().transform(input, body);
  return createValidationPipe().transform(checked, body);
}

describe('Twilio Calls.create parameters', () => {
  it('takes numbers, client: names and sip: URIs as To', async () => {
    for (const to of ['+15557770001', '5551234', 'client:alice', 'sip:bob@127.0.0.1:5070'])
      expect((await validate({ ...base, To: to, Twiml: '<Response/>' })).To).toBe(to);
    const refused = await validate({ ...base, To: 'client:', Twiml: '<Response/>' }).catch((e) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe(21211);
  });

  it('runs Url when both Url and Twiml are given (Twilio ignores Twiml then)', async () => {
    const request = twilioCallRequest(
      await validate({ ...base, Url: 'http://app.example/a.xml', Twiml: '<Response><Hangup/></Response>' }),
    );
    expect(request).toMatchObject({ url: 'http://app.example/a.xml', twiml: null, apiVersion: '2010-04-01' });
  });

  it('keeps a multi-line Twiml document, but no other control character in it', async () => {
    const twiml = '<Response>\n\t<Pause length="1"/>\r\n</Response>';
    expect(twilioCallRequest(await validate({ ...base, Twiml: twiml })).twiml).toBe(twiml);
    const refused = await validate({ ...base, Twiml: '<Response>\u0000</Response>' }).catch((e) => e);
    expect(refused).toBeInstanceOf(DomainError);
  });

  it('SendDigits turns MachineDetection off; SendDigits, TimeLimit and Record go to the call options', async () => {
    const request = twilioCallRequest(
      await validate({
        ...base,
        Twiml: '<Response/>',
        SendDigits: 'W12w#',
        MachineDetection: 'Enable',
        TimeLimit: '30',
        Record: 'true',
        RecordingStatusCallback: 'http://app.example/rec',
        RecordingStatusCallbackEvent: 'in-progress completed',
        CallerId: '+15559998888',
        SipAuthUsername: 'alice',
        SipAuthPassword: 's3cret',
      }),
    );
    expect(request.machineDetection).toBeNull();
    expect(request.options).toEqual({
      sendDigits: 'W12w#',
      timeLimitSeconds: 30,
      record: {
        track: 'both',
        channels: 'mono',
        trim: 'trim-silence',
        callback: { url: 'http://app.example/rec', method: 'POST', events: ['in-progress', 'completed'] },
      },
    });
    expect(request.dialing).toEqual({
      callerId: '+15559998888',
      sipAuth: { username: 'alice', password: 's3cret' },
    });
  });

  it('refuses SendDigits with other characters or over 32 of them, and a call with nothing to run', async () => {
    expect(
      await validate({ ...base, Twiml: '<Response/>', SendDigits: '12x' }).catch((e) => e),
    ).toBeInstanceOf(DomainError);
    expect(
      await validate({ ...base, Twiml: '<Response/>', SendDigits: '1'.repeat(33) }).catch((e) => e),
    ).toBeInstanceOf(DomainError);
    const nothing = await validate(base);
    expect(() => twilioCallRequest(nothing)).toThrow(/Url/);
  });
});
