import type {
  RcParty,
  TelephonySessionEvent,
} from '../../apps/platform/src/sessions/ringcentral/telephony-session-event';
import { TelephonySessionEvents } from '../../apps/platform/src/sessions/ringcentral/telephony-session-event';
import { DeliveryPolicy } from '../../apps/platform/src/sessions/ringcentral/subscriptions/delivery-policy';
import { SubscriptionsModule } from '../../apps/platform/src/sessions/ringcentral/subscriptions/subscriptions.module';
import { FakeTelephonySessionEvents } from '../../apps/platform/src/sessions/ringcentral/subscriptions/testing/fake-telephony-session-events';
import { FakeSipUserDirectory } from '../../apps/platform/src/telephony/testing/fake-sip-user-directory';
import { FakeTelephonyGateway } from '../../apps/platform/src/telephony/testing/fake-telephony-gateway';
import { HttpRecorder, RecordedRequest, ScriptedResponse } from './http-recorder';
import { RunningPlatform, startPlatform } from './platform';

export const ACCOUNT_SESSIONS = '/restapi/v1.0/account/~/telephony/sessions';
export const EXTENSION_SESSIONS = '/restapi/v1.0/account/~/extension/~/telephony/sessions';

/** A received notification: its headers and its parsed JSON envelope. */
export interface ReceivedNotification {
  headers: RecordedRequest['headers'];
  envelope: {
    uuid: string;
    event: string;
    timestamp: string;
    subscriptionId: string;
    ownerId: string;
    body: TelephonySessionEvent['body'];
  };
}

/**
 * One WebHook address on the loopback receiver: it answers RingCentral's handshake by echoing the
 * Validation-Token header, and keeps the notifications it accepted (2xx) apart from the ones it failed.
 */
export class HookEndpoint {
  /** `fail`: every request gets `failStatus`; `no-echo`: 200 without the Validation-Token header. */
  mode: 'ok' | 'fail' | 'no-echo' = 'ok';
  failStatus = 503;
  delayMs = 0;
  readonly handshakes: RecordedRequest[] = [];
  readonly accepted: ReceivedNotification[] = [];
  readonly failed: ReceivedNotification[] = [];
  readonly url: string;

  constructor(receiver: HttpRecorder, path: string) {
    this.url = receiver.on(path, (request) => this.answer(request));
  }

  /** Sequences accepted for one session, in arrival order. */
  sequences(telephonySessionId: string): number[] {
    return this.accepted
      .filter((n) => n.envelope.body.telephonySessionId === telephonySessionId)
      .map((n) => n.envelope.body.sequence);
  }

  private answer(request: RecordedRequest): ScriptedResponse {
    const handshake = request.rawBody === '';
    if (handshake) this.handshakes.push(request);
    const notification = handshake
      ? null
      : {
          headers: request.headers,
          envelope: JSON.parse(request.rawBody) as ReceivedNotification['envelope'],
        };
    if (this.mode === 'fail') {
      if (notification) this.failed.push(notification);
      return { status: this.failStatus, body: 'receiver down', delayMs: this.delayMs };
    }
    if (notification) this.accepted.push(notification);
    const token = request.headers['validation-token'];
    const echo = this.mode === 'ok' && typeof token === 'string' ? { 'Validation-Token': token } : undefined;
    return { status: 200, headers: echo, delayMs: this.delayMs };
  }
}

export interface SubscriptionsHarness {
  platform: RunningPlatform;
  events: FakeTelephonySessionEvents;
  policy: DeliveryPolicy;
  receiver: HttpRecorder;
  accountToken: string;
  agent: { sid: string; number: string; token: string };
  /** Another extension of the account, without a token. */
  otherExtensionSid: string;
  close(): Promise<void>;
}

/**
 * The whole application (real SQLite, fake gateway) with a session event stream the test pushes
 * into, a quick delivery policy, a receiver on loopback, an account token and an agent's token.
 */
export async function startSubscriptionsHarness(
  policy: Partial<DeliveryPolicy> = {},
): Promise<SubscriptionsHarness> {
  const events = new FakeTelephonySessionEvents();
  const deliveryPolicy = Object.assign(new DeliveryPolicy(), policy);
  const platform = await startPlatform(
    { ARI_PASSWORD: 'medium-tests-use-no-ari' },
    {
      gateway: new FakeTelephonyGateway(),
      sipUsers: new FakeSipUserDirectory(),
      // Until the RingCentral facade's module imports it (importing it twice is harmless).
      imports: [SubscriptionsModule],
      replace: [
        { provide: TelephonySessionEvents, useValue: events },
        { provide: DeliveryPolicy, useValue: deliveryPolicy },
      ],
    },
  );
  const receiver = await new HttpRecorder().start();
  const extension = async (number: string) =>
    (
      await platform
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions.json`)
        .auth(platform.accountSid, platform.authToken)
        .type('form')
        .send({ ExtensionNumber: number, Password: 'agent-secret-42' })
        .expect(201)
    ).body as { sid: string; sip_domain: string };
  const login = async (username: string, password: string) =>
    (
      await platform
        .http()
        .post('/api/login/oauth/token')
        .type('form')
        .send({ grant_type: 'password', username, password })
        .expect(200)
    ).body.access_token as string;
  const agent = await extension('1001');
  const other = await extension('1002');
  return {
    platform,
    events,
    policy: deliveryPolicy,
    receiver,
    accountToken: await login(platform.accountSid, platform.authToken),
    agent: {
      sid: agent.sid,
      number: '1001',
      token: await login(`1001@${agent.sip_domain}`, 'agent-secret-42'),
    },
    otherExtensionSid: other.sid,
    close: async () => {
      await receiver.stop();
      await platform.close();
    },
  };
}

/** Requests to the Subscription API with a Bearer token. */
export function subscriptionApi(platform: RunningPlatform, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  const base = '/restapi/v1.0/subscription';
  return {
    create: (body: object) => platform.http().post(base).set(auth).send(body),
    list: () => platform.http().get(base).set(auth),
    get: (id: string) => platform.http().get(`${base}/${id}`).set(auth),
    update: (id: string, body: object) => platform.http().put(`${base}/${id}`).set(auth).send(body),
    renew: (id: string) => platform.http().post(`${base}/${id}/renew`).set(auth),
    remove: (id: string) => platform.http().delete(`${base}/${id}`).set(auth),
  };
}

/** A session event of the account: one party per extension sid given, plus an outside callee. */
export function sessionEvent(
  accountSid: string,
  telephonySessionId: string,
  sequence: number,
  extensionSids: string[] = [],
  code: RcParty['status']['code'] = 'Proceeding',
): TelephonySessionEvent {
  const parties: RcParty[] = [
    ...extensionSids.map((extensionId, index): RcParty => ({
      id: `${telephonySessionId}-${index}`,
      accountId: accountSid,
      extensionId,
      direction: 'Outbound',
      to: { phoneNumber: '+15550001111' },
      from: { extensionId, extensionNumber: `100${index + 1}` },
      status: { code },
      missedCall: false,
      standAlone: false,
      muted: false,
    })),
    {
      id: `${telephonySessionId}-callee`,
      accountId: accountSid,
      direction: 'Inbound',
      to: { phoneNumber: '+15550001111' },
      from: { phoneNumber: '1001' },
      status: { code },
      missedCall: false,
      standAlone: false,
      muted: false,
    },
  ];
  return {
    accountSid,
    extensionSids,
    body: {
      sequence,
      sessionId: telephonySessionId,
      telephonySessionId,
      serverId: 'callwright',
      eventTime: new Date().toISOString(),
      accountId: accountSid,
      origin: { type: 'Call' },
      parties,
    },
  };
}
