import type { RcParty, TelephonySessionEvent } from '../telephony-session-event';
import {
  filterMatches,
  FilterSyntaxError,
  firstMatchingFilter,
  parseFilter,
  resolvedFilter,
  storedFilter,
} from './event-filter';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const OTHER_ACCOUNT = 'AC' + 'b'.repeat(32);
const AGENT = 'EX' + '1'.repeat(32);
const SUPERVISOR = 'EX' + '2'.repeat(32);

const ACCOUNT_FILTER = `/restapi/v1.0/account/${ACCOUNT}/telephony/sessions`;
const AGENT_FILTER = `/restapi/v1.0/account/${ACCOUNT}/extension/${AGENT}/telephony/sessions`;

function party(fields: Partial<RcParty> = {}): RcParty {
  return {
    id: 'CA' + '0'.repeat(32),
    accountId: ACCOUNT,
    direction: 'Outbound',
    to: { phoneNumber: '+15550001111' },
    from: { phoneNumber: '1001', extensionId: AGENT },
    status: { code: 'Proceeding' },
    missedCall: false,
    standAlone: false,
    muted: false,
    ...fields,
  };
}

function event(parties: RcParty[], fields: Partial<TelephonySessionEvent> = {}): TelephonySessionEvent {
  return {
    accountSid: ACCOUNT,
    extensionSids: parties.flatMap((p) => (p.extensionId ? [p.extensionId] : [])),
    body: {
      sequence: 1,
      sessionId: 's-1',
      telephonySessionId: 's-1',
      serverId: 'callwright',
      eventTime: '2026-12-02T10:00:00.000Z',
      accountId: ACCOUNT,
      origin: { type: 'Call' },
      parties,
    },
    ...fields,
  };
}

describe('event filters', () => {
  describe('parseFilter', () => {
    it('reads account- and extension-level filters with ~ or explicit ids', () => {
      expect(parseFilter('/restapi/v1.0/account/~/telephony/sessions')).toEqual({
        accountRef: '~',
        extensionRef: null,
        query: '',
        conditions: {},
      });
      expect(parseFilter('/restapi/v1.0/account/~/extension/~/telephony/sessions')).toMatchObject({
        accountRef: '~',
        extensionRef: '~',
      });
      expect(parseFilter(AGENT_FILTER)).toMatchObject({ accountRef: ACCOUNT, extensionRef: AGENT });
    });

    it('reads the query parameters RingCentral documents as conditions', () => {
      const parsed = parseFilter(
        '/restapi/v1.0/account/~/telephony/sessions?direction=Inbound&statusCode=Answered,Hold&missedCall=false&phoneNumber=%2B15550001111&sipData=true',
      );
      expect(parsed.conditions).toEqual({
        direction: 'Inbound',
        statusCodes: ['Answered', 'Hold'],
        missedCall: false,
        phoneNumber: '15550001111',
      });
    });

    it.each([
      ['another kind of event', '/restapi/v1.0/account/~/extension/~/presence'],
      ['no /restapi prefix', '/account/~/telephony/sessions'],
      ['a trailing segment', '/restapi/v1.0/account/~/telephony/sessions/abc'],
      ['an id with odd characters', '/restapi/v1.0/account/a$b/telephony/sessions'],
      ['an unknown parameter', '/restapi/v1.0/account/~/telephony/sessions?withRecordings=true'],
      ['a bad direction', '/restapi/v1.0/account/~/telephony/sessions?direction=Sideways'],
      ['a bad status', '/restapi/v1.0/account/~/telephony/sessions?statusCode=Ringing'],
      [
        'a repeated parameter',
        '/restapi/v1.0/account/~/telephony/sessions?direction=Inbound&direction=Outbound',
      ],
      ['a non-boolean', '/restapi/v1.0/account/~/telephony/sessions?missedCall=yes'],
    ])('refuses %s', (_what, filter) => {
      expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
    });
  });

  it('resolves ~ into the path stored and shown, query kept', () => {
    const written = parseFilter('/restapi/v1.0/account/~/extension/~/telephony/sessions?direction=Inbound');
    expect(resolvedFilter(written, ACCOUNT, AGENT)).toMatchObject({
      accountRef: ACCOUNT,
      extensionRef: AGENT,
      path: `${AGENT_FILTER}?direction=Inbound`,
    });
    expect(
      resolvedFilter(parseFilter('/restapi/v1.0/account/~/telephony/sessions'), ACCOUNT, null).path,
    ).toBe(ACCOUNT_FILTER);
    expect(storedFilter(AGENT_FILTER)).toMatchObject({ extensionRef: AGENT, path: AGENT_FILTER });
  });

  describe('filterMatches', () => {
    const agentCall = event([party(), party({ from: { phoneNumber: '1001' }, extensionId: undefined })]);

    it('an account-level filter takes every session event of its account, and only those', () => {
      expect(filterMatches(storedFilter(ACCOUNT_FILTER), agentCall)).toBe(true);
      expect(
        filterMatches(storedFilter(ACCOUNT_FILTER), event([party()], { accountSid: OTHER_ACCOUNT })),
      ).toBe(false);
      expect(filterMatches(storedFilter(ACCOUNT_FILTER), event([]))).toBe(true);
    });

    it('an extension-level filter takes the sessions its extension has a party in', () => {
      const withAgent = event([party({ extensionId: AGENT })]);
      expect(filterMatches(storedFilter(AGENT_FILTER), withAgent)).toBe(true);
      const withSupervisor = event([party({ extensionId: SUPERVISOR })]);
      expect(filterMatches(storedFilter(AGENT_FILTER), withSupervisor)).toBe(false);
      const elsewhere = event([party({ extensionId: AGENT })], { accountSid: OTHER_ACCOUNT });
      expect(filterMatches(storedFilter(AGENT_FILTER), elsewhere)).toBe(false);
    });

    it('conditions hold for one party: the extension’s own for an extension-level filter', () => {
      const call = event([
        party({ extensionId: AGENT, direction: 'Outbound', status: { code: 'Answered' } }),
        party({ extensionId: SUPERVISOR, direction: 'Inbound', status: { code: 'Proceeding' } }),
      ]);
      const inbound = (path: string) => storedFilter(`${path}?direction=Inbound`);
      expect(filterMatches(inbound(ACCOUNT_FILTER), call)).toBe(true);
      expect(filterMatches(inbound(AGENT_FILTER), call)).toBe(false);
      expect(filterMatches(storedFilter(`${AGENT_FILTER}?statusCode=Answered`), call)).toBe(true);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?statusCode=Gone`), call)).toBe(false);
      // Both conditions on the same party: no party is Inbound and Answered.
      expect(
        filterMatches(storedFilter(`${ACCOUNT_FILTER}?direction=Inbound&statusCode=Answered`), call),
      ).toBe(false);
    });

    it('phoneNumber matches either end, with or without +; missedCall the flag', () => {
      const call = event([party({ to: { phoneNumber: '+15550001111' }, missedCall: true })]);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?phoneNumber=15550001111`), call)).toBe(true);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?phoneNumber=%2B15550001111`), call)).toBe(true);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?phoneNumber=1001`), call)).toBe(true);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?phoneNumber=1002`), call)).toBe(false);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?missedCall=true`), call)).toBe(true);
      expect(filterMatches(storedFilter(`${ACCOUNT_FILTER}?missedCall=false`), call)).toBe(false);
    });
  });

  it('firstMatchingFilter names the first filter of the subscription that matches', () => {
    const call = event([party({ extensionId: AGENT })]);
    const filters = [storedFilter(`${ACCOUNT_FILTER}?direction=Inbound`), storedFilter(AGENT_FILTER)];
    expect(firstMatchingFilter(filters, call)?.path).toBe(AGENT_FILTER);
    expect(firstMatchingFilter(filters.slice(0, 1), call)).toBeUndefined();
  });
});
