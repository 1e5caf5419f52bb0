import { DomainError, DomainErrorCode } from '../common/domain-error';
import { parseCallListQuery, queryStringOf, splitQueryString } from './call-list-query';

const SID = 'CA' + 'a'.repeat(32);
const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

function rejects(raw: string, message: RegExp): void {
  let caught: unknown;
  try {
    parseCallListQuery(raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe(DomainErrorCode.InvalidParameter);
  expect((caught as DomainError).message).toMatch(message);
}

describe('parseCallListQuery', () => {
  it('defaults: page 0, PageSize 50, no filters', () => {
    expect(parseCallListQuery('')).toEqual({
      criteria: {},
      page: 0,
      pageGiven: false,
      pageSize: 50,
      afterSid: undefined,
      filterParams: [],
    });
  });

  it('reads To, From (form-decoded), Status, ParentCallSid, Page, PageSize, AfterSid', () => {
    const query = parseCallListQuery(
      `To=sip%3Aanswer%40127.0.0.1%3A5070&From=%2B15550001111&Status=no-answer&ParentCallSid=${SID}&Page=3&PageSize=1000&AfterSid=${SID}`,
    );
    expect(query.criteria).toEqual({
      to: 'sip:answer@127.0.0.1:5070',
      from: '+15550001111',
      status: 'no-answer',
      parentCallSid: SID,
    });
    expect(query).toMatchObject({ page: 3, pageGiven: true, pageSize: 1000, afterSid: SID });
    expect(query.filterParams).toEqual([
      ['To', 'sip:answer@127.0.0.1:5070'],
      ['From', '+15550001111'],
      ['Status', 'no-answer'],
      ['ParentCallSid', SID],
    ]);
  });

  it('turns a literal + into a space, as form encoding does', () => {
    expect(parseCallListQuery('From=alice+smith').criteria.from).toBe('alice smith');
  });

  it('StartTime=YYYY-MM-DD is that UTC day', () => {
    expect(parseCallListQuery('StartTime=2024-02-29').criteria.startTime).toEqual({
      from: day('2024-02-29'),
      before: day('2024-03-01'),
    });
  });

  it('StartTime=<timestamp> is that millisecond; offsets are applied; no offset means UTC', () => {
    expect(parseCallListQuery('StartTime=2024-01-01T10:00:00.123Z').criteria.startTime).toEqual({
      from: new Date('2024-01-01T10:00:00.123Z'),
      before: new Date('2024-01-01T10:00:00.124Z'),
    });
    expect(parseCallListQuery('EndTime=2024-01-01T10:00:00%2B02:00').criteria.endTime?.from).toEqual(
      new Date('2024-01-01T08:00:00.000Z'),
    );
    expect(parseCallListQuery('EndTime=2024-01-01T10:00').criteria.endTime?.from).toEqual(
      new Date('2024-01-01T10:00:00.000Z'),
    );
  });

  // Every spelling a client may send, and what URL parsing makes of it.
  const lower = { from: day('2024-01-10') };
  const upper = { before: day('2024-01-11') };
  it.each([
    ['StartTime>=2024-01-10', lower], // key "StartTime>", value "2024-01-10"
    ['StartTime%3E%3D=2024-01-10', lower], // key "StartTime>=" (fully encoded)
    ['StartTime%3E=2024-01-10', lower], // Twilio SDK's StartTime> ("on or after")
    ['StartTime>2024-01-10', lower], // no "=": the value rides in the key
    ['StartTime%3E%3D2024-01-10', lower],
    ['StartTime%3E==2024-01-10', lower],
    ['StartTime<=2024-01-10', upper],
    ['StartTime%3C%3D=2024-01-10', upper],
    ['StartTime%3C=2024-01-10', upper], // Twilio SDK's StartTime< ("on or before")
    ['StartTime<2024-01-10', upper],
    ['StartTime%3C%3D2024-01-10', upper],
  ])('%s', (raw, expected) => {
    const query = parseCallListQuery(raw);
    expect(query.criteria.startTime).toEqual(expected);
    expect(query.filterParams).toEqual([
      [raw.includes('>') || raw.includes('%3E') ? 'StartTime>=' : 'StartTime<=', '2024-01-10'],
    ]);
  });

  it('EndTime takes the same spellings', () => {
    expect(parseCallListQuery('EndTime>=2024-01-10&EndTime%3C=2024-01-12').criteria).toEqual({
      endTime: { from: day('2024-01-10'), before: day('2024-01-13') },
    });
  });

  it('bounds with timestamps are inclusive at the millisecond', () => {
    expect(parseCallListQuery('StartTime<=2024-01-10T12:00:00Z').criteria.startTime).toEqual({
      before: new Date('2024-01-10T12:00:00.001Z'),
    });
  });

  it('several bounds on one column intersect', () => {
    const query = parseCallListQuery(
      'StartTime>=2024-01-01&StartTime%3E=2024-01-05&StartTime<=2024-02-01&StartTime=2024-01-20',
    );
    expect(query.criteria.startTime).toEqual({ from: day('2024-01-20'), before: day('2024-01-21') });
    expect(query.filterParams).toHaveLength(4);
  });

  it.each([
    ['Status=done', /Status must be one of queued, ringing/],
    ['Status=', /Status must be one of/],
    ['StartTime=2024-13-01', /StartTime must be a date YYYY-MM-DD or an ISO 8601 timestamp/],
    ['StartTime=2023-02-29', /StartTime must be a date/],
    ['StartTime>=yesterday', /StartTime must be a date/],
    ['EndTime<=2024-01-01T25:00:00Z', /EndTime must be a date/],
    ['StartTime=', /StartTime must be a date/],
    ['Page=-1', /Page must be a whole number 0 or greater/],
    ['Page=1.5', /Page must be a whole number/],
    ['Page=abc', /Page must be a whole number/],
    ['PageSize=0', /PageSize must be between 1 and 1000/],
    ['PageSize=1001', /PageSize must be between 1 and 1000/],
    ['PageSize=x', /PageSize must be a whole number/],
    ['AfterSid=CA123', /AfterSid must be a Call sid/],
    ['ParentCallSid=nope', /ParentCallSid must be a Call sid/],
    ['To=', /To must not be empty/],
    ['From=', /From must not be empty/],
    ['To=a&To=b', /To may be given only once/],
    ['Page=1&Page=2', /Page may be given only once/],
    ['status=completed', /Unknown parameter status/],
    ['Foo=bar', /Unknown parameter Foo/],
    ['StartTime[gt]=2024-01-01', /Unknown parameter StartTime\[gt\]/],
    ['StartTimeX=2024-01-01', /Unknown parameter StartTimeX/],
    ['To=%E0%A4%A', /Malformed percent-encoding/],
  ])('rejects %s', (raw, message) => rejects(raw, message));
});

describe('query string helpers', () => {
  it('splitQueryString keeps order, empty values and bare keys', () => {
    expect(splitQueryString('a=1&&b=&c&d=x%3Dy')).toEqual([
      ['a', '1'],
      ['b', ''],
      ['c', ''],
      ['d', 'x=y'],
    ]);
  });

  it('queryStringOf', () => {
    expect(queryStringOf('/x/Calls.json?Page=1&To=a')).toBe('Page=1&To=a');
    expect(queryStringOf('/x/Calls')).toBe('');
  });
});
