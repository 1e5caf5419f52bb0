import {
  mapAriEvent,
  toIncomingChannel,
  provisionalDialOf,
  provisionalFromCause,
  transferRequestOf,
  type AriEventJson,
} from './ari-event-mapper';

describe('mapAriEvent: PBX events', () => {
  it.each([
    ['ChannelEnteredBridge', 'entered-bridge'],
    ['ChannelLeftBridge', 'left-bridge'],
  ])('maps %s to %s of the channel, naming the bridge', (type, kind) => {
    expect(mapAriEvent({ type, channel: { id: 'chan-1' }, bridge: { id: 'bridge-9' } })).toEqual({
      channelId: 'chan-1',
      event: { kind, bridgeId: 'bridge-9' },
    });
  });

  it('ignores a bridge event without a bridge', () => {
    expect(mapAriEvent({ type: 'ChannelEnteredBridge', channel: { id: 'chan-1' } })).toBeNull();
  });

  it.each([
    ['ChannelHold', 'phone-held'],
    ['ChannelUnhold', 'phone-unheld'],
  ])('maps the phone putting the call on hold (%s) to %s', (type, kind) => {
    expect(mapAriEvent({ type, channel: { id: 'chan-1' } })).toEqual({
      channelId: 'chan-1',
      event: { kind },
    });
  });

  it('does not map a Dial or ChannelTransfer event by itself (they need Asterisk first)', () => {
    expect(
      mapAriEvent({ type: 'Dial', peer: { id: 'chan-1' }, dialstatus: 'RINGING', channel: { id: 'x' } }),
    ).toBeNull();
    expect(mapAriEvent({ type: 'ChannelTransfer', channel: { id: 'chan-1' } })).toBeNull();
  });
});

describe('transferRequestOf', () => {
  const blind: AriEventJson = {
    type: 'ChannelTransfer',
    refer_to: { requested_destination: { destination: 'carol' } },
    referred_by: { source_channel: { id: 'alice-leg', name: 'PJSIP/inbound-0000000d' } },
  };

  it('reads a blind REFER: the target user, on the channel the REFER arrived on', () => {
    expect(transferRequestOf(blind)).toEqual({
      channelId: 'alice-leg',
      transfer: { mode: 'blind', target: 'carol' },
    });
  });

  it.each(['channel_progress', 'channel_answered', 'channel_declined'])(
    'ignores the echo Asterisk sends for each transfer_progress (state %s)',
    (state) => {
      expect(transferRequestOf({ ...blind, state })).toBeNull();
    },
  );

  it('reads an attended REFER whose replaced channel Asterisk names', () => {
    expect(
      transferRequestOf({
        type: 'ChannelTransfer',
        refer_to: {
          requested_destination: { destination: 'carol', protocol_id: 'S3mr5S8f1I' },
          destination_channel: { id: 'dave-consult-leg' },
        },
        referred_by: { source_channel: { id: 'dave-first-leg' } },
      }),
    ).toEqual({
      channelId: 'dave-first-leg',
      transfer: { mode: 'attended', replacesChannelId: 'dave-consult-leg' },
    });
  });

  it('leaves the replaced channel of an attended REFER to be found by the Call-ID of its dialog', () => {
    expect(
      transferRequestOf({
        type: 'ChannelTransfer',
        refer_to: { requested_destination: { protocol_id: 'S3mr5S8f1I' } },
        referred_by: { source_channel: { id: 'dave-first-leg' } },
      }),
    ).toEqual({
      channelId: 'dave-first-leg',
      transfer: { mode: 'attended', replacesChannelId: null },
      replacesSipCallId: 'S3mr5S8f1I',
    });
  });

  it('ignores events that are not a REFER', () => {
    expect(transferRequestOf({ type: 'ChannelHold', channel: { id: 'x' } })).toBeNull();
    expect(transferRequestOf({ type: 'ChannelTransfer', refer_to: {} })).toBeNull();
  });
});

describe('provisional responses', () => {
  it.each(['RINGING', 'PROGRESS'])('takes Dial %s as a provisional response of the peer', (dialstatus) => {
    expect(
      provisionalDialOf({ type: 'Dial', dialstatus, peer: { id: 'leg-b', name: 'PJSIP/outbound-00000004' } }),
    ).toEqual({ channelId: 'leg-b', channelName: 'PJSIP/outbound-00000004', dialstatus });
  });

  it.each(['', 'ANSWER', 'BUSY', 'NOANSWER'])('ignores Dial %p', (dialstatus) => {
    expect(provisionalDialOf({ type: 'Dial', dialstatus, peer: { id: 'leg-b' } })).toBeNull();
  });

  it('turns the tech cause into the status line as the far end sent it', () => {
    expect(provisionalFromCause('SIP 183 Early Media Here', 'PROGRESS')).toEqual({
      kind: 'setup-response',
      sipCode: 183,
      statusLine: 'SIP/2.0 183 Early Media Here',
    });
    expect(provisionalFromCause('SIP 180', 'RINGING')).toEqual({
      kind: 'setup-response',
      sipCode: 180,
      statusLine: 'SIP/2.0 180',
    });
  });

  it('falls back to the standard status line when the tech cause holds no provisional response', () => {
    expect(provisionalFromCause('', 'RINGING')).toEqual({
      kind: 'setup-response',
      sipCode: 180,
      statusLine: 'SIP/2.0 180 Ringing',
    });
    expect(provisionalFromCause('SIP 200 OK', 'PROGRESS')).toEqual({
      kind: 'setup-response',
      sipCode: 183,
      statusLine: 'SIP/2.0 183 Session Progress',
    });
  });
});

describe('toIncomingChannel: the calling endpoint', () => {
  const incoming = (name: string) =>
    toIncomingChannel({
      type: 'StasisStart',
      channel: { id: 'c1', name, dialplan: { exten: '1002' } },
    } as never);

  it('is the endpoint part of a PJSIP channel name, a tenant domain included', () => {
    expect(incoming('PJSIP/1001@ac0123.callwright.local-0000000a').callingEndpoint).toBe(
      '1001@ac0123.callwright.local',
    );
    expect(incoming('PJSIP/inbound-00000001').callingEndpoint).toBe('inbound');
  });

  it('is absent for channels of other technologies', () => {
    expect(incoming('Local/1002@from-sip-00000001;1').callingEndpoint).toBeUndefined();
  });
});

describe('toIncomingChannel: what the dialplan hands over of the INVITE', () => {
  const withArgs = (args: string[]) =>
    toIncomingChannel({
      type: 'StasisStart',
      args,
      channel: { id: 'c1', name: 'PJSIP/inbound-00000001', dialplan: { exten: '1002' } },
    } as never);

  it('reads the source address and the URI-encoded From and To URIs', () => {
    const channel = withArgs([
      'inbound',
      '',
      '127.0.0.1:43790',
      encodeURIComponent('<sip:1004-0x1@127.0.0.1>'),
      encodeURIComponent('<sip:1002@ac1.callwright.local>'),
    ]);
    expect(channel).toMatchObject({
      sourceAddress: '127.0.0.1:43790',
      fromUri: '<sip:1004-0x1@127.0.0.1>',
      toUri: '<sip:1002@ac1.callwright.local>',
    });
  });

  it('leaves out empty, undecodable or control-character values', () => {
    const channel = withArgs(['inbound', '', '', '%E0%A4%A', encodeURIComponent('<sip:a@b>\r\nX: y')]);
    expect(channel.sourceAddress).toBeUndefined();
    expect(channel.fromUri).toBeUndefined();
    expect(channel.toUri).toBeUndefined();
    expect(withArgs(['inbound']).fromUri).toBeUndefined();
  });
});
