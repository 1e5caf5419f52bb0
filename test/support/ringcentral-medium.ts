import { ConversationRegistry } from '../../apps/platform/src/call-control/conversations/conversation-registry';
import type { OriginateRequest } from '../../apps/platform/src/telephony/telephony-gateway.port';
import { FakeSipUserDirectory } from '../../apps/platform/src/telephony/testing/fake-sip-user-directory';
import { FakeTelephonyGateway } from '../../apps/platform/src/telephony/testing/fake-telephony-gateway';
import { RunningPlatform, startPlatform, waitUntil } from './platform';

export const TELEPHONY = '/restapi/v1.0/account/~/telephony';
export const EXTENSION_PASSWORD = 'agent-secret-42';

export interface RingcentralMedium {
  platform: RunningPlatform;
  gateway: FakeTelephonyGateway;
  sipUsers: FakeSipUserDirectory;
  domain: string;
  extensionSids: Record<string, string>;
  /** An account token (client_credentials with Basic account credentials). */
  token: string;
  api(bearer?: string): {
    post(path: string, body?: object): ReturnType<ReturnType<RunningPlatform['http']>['post']>;
    patch(path: string, body: object): ReturnType<ReturnType<RunningPlatform['http']>['patch']>;
    get(path: string): ReturnType<ReturnType<RunningPlatform['http']>['get']>;
    delete(path: string): ReturnType<ReturnType<RunningPlatform['http']>['delete']>;
  };
  /** The leg placed after the `after`th, once it is. */
  nextLeg(after: number): Promise<OriginateRequest>;
  /** The party status codes of a session, comma-joined. */
  codes(id: string): Promise<string>;
  /** A call-out whose phones answer (`agentPhones`: how many ring for the agent). */
  connectedCallOut(
    agent: string,
    callee: string,
    agentPhones?: number,
  ): Promise<{
    id: string;
    agent: string;
    callee: string;
    agentLeg: OriginateRequest;
    calleeLeg: OriginateRequest;
  }>;
}

/**
 * The whole application on the fake gateway with SIP users in memory, for the RingCentral-style medium
 * tests: extensions made through the Extensions API, each with one phone "registered", and an account token.
 */
export async function startRingcentralMedium(
  numbers: string[],
  options: { env?: Record<string, string>; displayName?: (number: string) => string } = {},
): Promise<RingcentralMedium> {
  const gateway = new FakeTelephonyGateway();
  const sipUsers = new FakeSipUserDirectory();
  const platform = await startPlatform(
    { ARI_PASSWORD: 'medium-tests-use-no-ari', ...options.env },
    { gateway, sipUsers },
  );
  let domain = '';
  const extensionSids: Record<string, string> = {};
  for (const number of numbers) {
    const created = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Extensions.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        ExtensionNumber: number,
        Password: EXTENSION_PASSWORD,
        ...(options.displayName ? { DisplayName: options.displayName(number) } : {}),
      })
      .expect(201);
    domain = created.body.sip_domain;
    extensionSids[number] = created.body.sid;
    sipUsers.register(`${number}@${domain}`, `sip:${number}@127.0.0.1:5999`);
  }
  const token = (
    await platform
      .http()
      .post('/restapi/oauth/token')
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200)
  ).body.access_token as string;
  const api = (bearer = token) => ({
    post: (path: string, body: object = {}) =>
      platform.http().post(path).set('Authorization', `Bearer ${bearer}`).send(body),
    patch: (path: string, body: object) =>
      platform.http().patch(path).set('Authorization', `Bearer ${bearer}`).send(body),
    get: (path: string) => platform.http().get(path).set('Authorization', `Bearer ${bearer}`),
    delete: (path: string) => platform.http().delete(path).set('Authorization', `Bearer ${bearer}`),
  });
  const nextLeg = async (after: number) => {
    await waitUntil(() => gateway.originated.length > after, 5000, 'a leg to be placed');
    return gateway.originated[after];
  };
  const codes = async (id: string) =>
    (
      (await api().get(`${TELEPHONY}/sessions/${id}`).expect(200)).body.parties as Array<{
        status: { code: string };
      }>
    )
      .map((party) => party.status.code)
      .join();
  const connectedCallOut = async (agent: string, callee: string, agentPhones = 1) => {
    const before = gateway.originated.length;
    const { body } = await api()
      .post(`${TELEPHONY}/call-out`, { from: { extensionNumber: agent }, to: { extensionNumber: callee } })
      .expect(200);
    const agentLeg = await nextLeg(before);
    gateway.answerLeg(agentLeg.channelId);
    const calleeLeg = await nextLeg(before + agentPhones);
    gateway.answerLeg(calleeLeg.channelId);
    await waitUntil(
      async () => (await codes(body.session.id)) === 'Answered,Answered',
      5000,
      'both answered',
    );
    // "Answered" is also an answered call not yet in the bridge: connected means both are parties.
    const conversations = platform.app.get(ConversationRegistry);
    await waitUntil(
      () => {
        const parties = conversations.conversationOf(agentLeg.labels!.callSid!)?.partyList() ?? [];
        return parties.length === 2 && parties.every((party) => party.status === 'connected');
      },
      5000,
      'both connected in the conversation',
    );
    return {
      id: body.session.id as string,
      agent: agentLeg.labels!.callSid!,
      callee: calleeLeg.labels!.callSid!,
      agentLeg,
      calleeLeg,
    };
  };
  return { platform, gateway, sipUsers, domain, extensionSids, token, api, nextLeg, codes, connectedCallOut };
}
