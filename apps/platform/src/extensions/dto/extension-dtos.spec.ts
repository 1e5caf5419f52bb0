import { UpdateAccountDto } from '../../accounts/dto/account-fields';
import { DomainError } from '../../common/domain-error';
import { createValidationPipe } from '../../common/validation';
import { CreateExtensionDto } from './create-extension.dto';
import { UpdateExtensionDto } from './update-extension.dto';

const pipe = createValidationPipe();
const validate = (metatype: new () => object, body: Record<string, unknown>) =>
  pipe.transform(body, { type: 'body', metatype });
async function refusal(metatype: new () => object, body: Record<string, unknown>): Promise<string> {
  const error = await validate(metatype, body).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).message;
}

describe('Extension DTOs', () => {
  const valid = { ExtensionNumber: '1001', Password: 'long-enough' };

  it('accepts 2 to 10 digits, defaults Enabled to true and reads form booleans', async () => {
    expect(await validate(CreateExtensionDto, valid)).toMatchObject({
      ExtensionNumber: '1001',
      Enabled: true,
    });
    expect(
      await validate(CreateExtensionDto, { ...valid, ExtensionNumber: '12', Enabled: 'false' }),
    ).toMatchObject({
      Enabled: false,
    });
    expect(await validate(CreateExtensionDto, { ...valid, ExtensionNumber: '1234567890' })).toBeDefined();
  });

  it.each([
    [{ ExtensionNumber: '1' }, "The 'ExtensionNumber' parameter must be 2 to 10 digits"],
    [{ ExtensionNumber: '12345678901' }, "The 'ExtensionNumber' parameter must be 2 to 10 digits"],
    [{ ExtensionNumber: '10a1' }, "The 'ExtensionNumber' parameter must be 2 to 10 digits"],
    [{ ExtensionNumber: undefined }, "The 'ExtensionNumber' parameter is required"],
    [{ Password: 'short' }, "The 'Password' parameter must be 8 to 128 characters"],
    [{ Enabled: 'yes' }, "The 'Enabled' parameter must be true or false"],
    [
      { OutboundCallerId: 'sip:x@y' },
      "The 'OutboundCallerId' parameter must be a phone number (optional +, 2 to 20 digits)",
    ],
    [{ DisplayName: 'Say "hi"' }, "The 'DisplayName' parameter must not contain quotes or backslashes"],
    [{ Pin: '123' }, "The 'Pin' parameter must be 4 to 32 digits"],
    [{ Pin: '12a4' }, "The 'Pin' parameter must be 4 to 32 digits"],
    [{ Pin: '1'.repeat(33) }, "The 'Pin' parameter must be 4 to 32 digits"],
    [{ Pin: '' }, "The 'Pin' parameter must be 4 to 32 digits"],
    [{ CallControllerAgent: 'maybe' }, "The 'CallControllerAgent' parameter must be true or false"],
  ])('refuses %j', async (change, message) => {
    expect(await refusal(CreateExtensionDto, { ...valid, ...change })).toBe(message);
  });

  it('takes a callcontroller PIN of 4 to 32 digits and the agent permission, off by default', async () => {
    expect(await validate(CreateExtensionDto, valid)).toMatchObject({ CallControllerAgent: false });
    expect(
      await validate(CreateExtensionDto, { ...valid, Pin: '0042', CallControllerAgent: 'true' }),
    ).toMatchObject({ Pin: '0042', CallControllerAgent: true });
    // '' on update removes the PIN.
    expect(await validate(UpdateExtensionDto, { Pin: '' })).toEqual({ Pin: '' });
    expect(await validate(UpdateExtensionDto, { CallControllerAgent: 'false' })).toEqual({
      CallControllerAgent: false,
    });
  });

  it('updates only what is sent; the number cannot change', async () => {
    expect(await validate(UpdateExtensionDto, { OutboundCallerId: '' })).toEqual({ OutboundCallerId: '' });
    expect(await refusal(UpdateExtensionDto, { ExtensionNumber: '1002' })).toMatch(/ExtensionNumber/);
  });

  it("normalises an account's SipDomain to lower case and refuses what is no domain name", async () => {
    expect(await validate(UpdateAccountDto, { SipDomain: ' PBX.Example.com ' })).toMatchObject({
      SipDomain: 'pbx.example.com',
    });
    expect(await validate(UpdateAccountDto, { SipDomain: '' })).toMatchObject({ SipDomain: '' });
    for (const bad of ['localhost', 'a b.example', '-x.example', 'x.example.', '127.0.0.1'])
      expect(await refusal(UpdateAccountDto, { SipDomain: bad })).toBe(
        "The 'SipDomain' parameter must be a domain name such as pbx.example.com",
      );
  });
});
