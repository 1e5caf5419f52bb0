import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { Controller, Get, Module, Post, Req, UseGuards } from '@nestjs/common';
import {
  challengeFor,
  digestAuthorization,
  readChallenges,
} from '../../../../../../test/support/http-digest';
import { freePort, RunningPlatform, startPlatform } from '../../../../../../test/support/platform';
import { selfSignedPair, SelfSignedPair } from '../../../../../../test/support/self-signed';
import { FakeSipUserDirectory } from '../../../telephony/testing/fake-sip-user-directory';
import { FakeTelephonyGateway } from '../../../telephony/testing/fake-telephony-gateway';
import type { SipxRequest } from './sipx-caller';
import { SipxAuthModule } from './sipx-auth.module';
import { SipxDigestGuard } from './sipx-digest.guard';

/** A route shaped as the callcontroller's (`:callingUser/:calledUser`) that only shows whom the guard let in. */
@Controller('sipx-auth-probe')
@UseGuards(SipxDigestGuard)
class ProbeController {
  @Post(':callingUser/:calledUser')
  place(@Req() req: SipxRequest) {
    return req.sipxCaller;
  }

  @Get(':callingUser/:calledUser')
  query(@Req() req: SipxRequest) {
    return req.sipxCaller;
  }
}

@Module({ imports: [SipxAuthModule], controllers: [ProbeController] })
class ProbeModule {}

/** Each `WWW-Authenticate` header as sent (node would join repeated ones into one string). */
function wwwAuthenticateOf(rawHeaders: string[]): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 1 && rawHeaders[i - 1].toLowerCase() === 'www-authenticate');
}

/** supertest's response keeps node's message, whose raw headers its types do not show. */
const rawHeaders = (res: object): string[] => (res as { res: IncomingMessage }).res.rawHeaders;

interface Answer {
  status: number;
  text: string;
  wwwAuthenticate: string[];
}

/**
 * The Digest guard of the sipX-style callcontroller on the whole application (real SQLite, fake gateway):
 * extensions with PINs made through the Extensions API, a Digest client written apart from the verifier,
 * and the HTTPS listener with a self-signed pair, trusting 127.0.0.1 only.
 */
describe('sipX callcontroller authentication (Digest, agents, trusted HTTPS)', () => {
  let platform: RunningPlatform;
  let tls: SelfSignedPair;
  let httpsPort: number;
  let domain: string;
  let accountSid: string;

  beforeAll(async () => {
    tls = selfSignedPair();
    httpsPort = await freePort();
    platform = await startPlatform(
      {
        ARI_PASSWORD: 'medium-tests-use-no-ari',
        HOST: '127.0.0.1',
        HTTPS_PORT: String(httpsPort),
        HTTPS_CERT_PATH: tls.certPath,
        HTTPS_KEY_PATH: tls.keyPath,
        CALLCONTROLLER_TRUSTED_NETWORKS: '127.0.0.1/32',
      },
      { gateway: new FakeTelephonyGateway(), sipUsers: new FakeSipUserDirectory(), imports: [ProbeModule] },
    );
    accountSid = platform.accountSid;
    for (const [number, pin, agent] of [
      ['1001', '4321', 'false'],
      ['1002', '5678', 'false'],
      ['1003', '9999', 'true'],
    ]) {
      const created = await platform
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${accountSid}/Extensions.json`)
        .auth(accountSid, platform.authToken)
        .type('form')
        .send({ ExtensionNumber: number, Password: 'sip-password-1', Pin: pin, CallControllerAgent: agent })
        .expect(201);
      domain = created.body.sip_domain;
      expect(created.body).toMatchObject({ has_pin: true, call_controller_agent: agent === 'true' });
      expect(JSON.stringify(created.body)).not.toMatch(/pin_ha1|4321|5678|9999/);
    }
  });

  afterAll(async () => {
    await platform?.close();
    tls?.remove();
  });

  const path = (calling = `1001@${domain}`, called = '1002', query = '') =>
    `/sipx-auth-probe/${calling}/${called}${query}`;

  async function send(
    method: 'post' | 'get',
    uri: string,
    authorization?: string,
    host?: string,
  ): Promise<Answer> {
    let call = platform.http()[method](uri);
    if (authorization) call = call.set('Authorization', authorization);
    if (host) call = call.set('Host', host);
    const res = await call;
    return { status: res.status, text: res.text, wwwAuthenticate: wwwAuthenticateOf(rawHeaders(res)) };
  }

  /** Asks without credentials, then answers the challenge of `algorithm` as a client would. */
  async function withDigest(
    uri: string,
    user: string,
    pin: string,
    algorithm: 'MD5' | 'SHA-256' = 'SHA-256',
    method: 'post' | 'get' = 'post',
  ): Promise<Answer & { authorization: string }> {
    const first = await send(method, uri);
    expect(first.status).toBe(401);
    const authorization = digestAuthorization(challengeFor(first.wwwAuthenticate, algorithm), {
      method,
      uri,
      username: user,
      password: pin,
    });
    return { ...(await send(method, uri, authorization)), authorization };
  }

  it('challenges a request without credentials with SHA-256 and MD5, qop=auth, in plain text', async () => {
    const res = await platform.http().post(path());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('authentication required');
    const raw = wwwAuthenticateOf(rawHeaders(res));
    expect(raw).toHaveLength(2);
    expect(readChallenges(raw).map((c) => [c.algorithm, c.qop, c.realm, c.stale])).toEqual([
      ['SHA-256', 'auth', 'callwright-callcontroller', false],
      ['MD5', 'auth', 'callwright-callcontroller', false],
    ]);
  });

  it.each(['SHA-256', 'MD5'] as const)('lets the calling user in with its PIN over %s', async (algorithm) => {
    const answer = await withDigest(
      path(undefined, undefined, '?sipMethod=INVITE&timeout=20'),
      '1001',
      '4321',
      algorithm,
    );
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.text)).toEqual({ accountSid, extensionNumber: '1001', agent: false });
  });

  it('works with curl --digest (a client written by others)', async () => {
    const address = platform.app.getHttpServer().address() as { port: number };
    const url = `http://127.0.0.1:${address.port}${path(undefined, undefined, '?timeout=30')}`;
    const curl = (pin: string) =>
      promisify(execFile)('curl', [
        '-s',
        '-w',
        '\n%{http_code}',
        '--digest',
        '-u',
        `1001:${pin}`,
        '-X',
        'POST',
        url,
      ]);
    const right = (await curl('4321')).stdout.split('\n');
    expect(right[1]).toBe('201');
    expect(JSON.parse(right[0])).toMatchObject({ extensionNumber: '1001' });
    expect((await curl('1111')).stdout).toBe('not valid user pin\n401');
  });

  it('takes the tenant from the Host when the calling user has no domain, on GET as well', async () => {
    const uri = path('1001', '1002');
    const first = await send('get', uri, undefined, domain);
    const authorization = digestAuthorization(challengeFor(first.wwwAuthenticate, 'MD5'), {
      method: 'GET',
      uri,
      username: '1001',
      password: '4321',
    });
    const answer = await send('get', uri, authorization, domain);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ extensionNumber: '1001' });
    // Without a Host naming a tenant there is no user to check the PIN of.
    expect((await send('get', uri, authorization.replace(/nc=00000001/, 'nc=00000002'))).status).toBe(401);
  });

  it('refuses a wrong PIN, the SIP password, another uri and a replay with 401 and fresh challenges', async () => {
    const wrong = await withDigest(path(), '1001', '0000');
    expect([wrong.status, wrong.text]).toEqual([401, 'not valid user pin']);
    expect(wrong.wwwAuthenticate).toHaveLength(2);
    expect((await withDigest(path(), '1001', 'sip-password-1')).text).toBe('not valid user pin');

    const first = await send('post', path());
    const signedForOther = digestAuthorization(challengeFor(first.wwwAuthenticate, 'MD5'), {
      method: 'POST',
      uri: path(undefined, '1003'),
      username: '1001',
      password: '4321',
    });
    expect(await send('post', path(), signedForOther)).toMatchObject({ status: 401 });

    const accepted = await withDigest(path(), '1001', '4321');
    expect(accepted.status).toBe(201);
    const replay = await send('post', path(), accepted.authorization);
    expect([replay.status, replay.text]).toEqual([401, 'nonce count already used']);
  });

  it('lets an extension act for another calling user only with the agent permission (403 otherwise)', async () => {
    const refused = await withDigest(path(undefined, undefined, '?agent=1002'), '1002', '5678');
    expect([refused.status, refused.text]).toEqual([403, 'user is not allowed to act as agent']);
    const noAgentParam = await withDigest(path(), '1002', '5678');
    expect(noAgentParam.status).toBe(403);

    const agent = await withDigest(path(undefined, undefined, '?agent=1003'), '1003', '9999', 'MD5');
    expect(agent.status).toBe(201);
    expect(JSON.parse(agent.text)).toEqual({ accountSid, extensionNumber: '1003', agent: true });

    const claimsOther = await withDigest(path(undefined, undefined, '?agent=1003'), '1001', '4321');
    expect([claimsOther.status, claimsOther.text]).toEqual([403, 'agent is not the authenticated user']);
  });

  it('refuses an extension whose PIN was removed, and shows has_pin false', async () => {
    const listed = await platform
      .http()
      .get(`/2010-04-01/Accounts/${accountSid}/Extensions.json?ExtensionNumber=1002`)
      .auth(accountSid, platform.authToken)
      .expect(200);
    const sid = listed.body.extensions[0].sid;
    const updated = await platform
      .http()
      .post(`/2010-04-01/Accounts/${accountSid}/Extensions/${sid}.json`)
      .auth(accountSid, platform.authToken)
      .type('form')
      .send({ Pin: '' })
      .expect(200);
    expect(updated.body).toMatchObject({ has_pin: false, call_controller_agent: false });
    expect((await withDigest(path(`1002@${domain}`), '1002', '5678')).status).toBe(401);
  });

  function overHttps(uri: string, localAddress: string, authorization?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path: uri,
          method: 'POST',
          localAddress,
          ca: tls.cert,
          headers: authorization ? { Authorization: authorization } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const wwwAuthenticate = wwwAuthenticateOf(res.rawHeaders);
            resolve({ status: res.statusCode ?? 0, text, wwwAuthenticate });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('needs no PIN over HTTPS from a trusted network, acting for the agent or the calling user', async () => {
    const asCaller = await overHttps(path(), '127.0.0.1');
    expect(asCaller.status).toBe(201);
    expect(JSON.parse(asCaller.text)).toEqual({ accountSid, extensionNumber: '1001', agent: true });
    const asAgent = await overHttps(path(undefined, undefined, '?agent=1003'), '127.0.0.1');
    expect(JSON.parse(asAgent.text)).toMatchObject({ extensionNumber: '1003' });
    expect(await overHttps(path(`1099@${domain}`), '127.0.0.1')).toMatchObject({
      status: 404,
      text: 'not valid user',
    });
  });

  it('still needs Digest over HTTPS from elsewhere, and over plain HTTP from the trusted address', async () => {
    const untrusted = await overHttps(path(), '127.0.0.2');
    expect([untrusted.status, untrusted.text]).toEqual([401, 'authentication required']);
    const authorization = digestAuthorization(challengeFor(untrusted.wwwAuthenticate, 'SHA-256'), {
      method: 'POST',
      uri: path(),
      username: '1001',
      password: '4321',
    });
    expect((await overHttps(path(), '127.0.0.2', authorization)).status).toBe(201);
    expect((await send('post', path())).status).toBe(401);
  });
});
