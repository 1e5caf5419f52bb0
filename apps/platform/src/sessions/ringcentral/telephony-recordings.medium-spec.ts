import { buildToneWav } from '../../../../../test/factories/wav.factory';
import { RunningPlatform, waitUntil } from '../../../../../test/support/platform';
import {
  RingcentralMedium,
  startRingcentralMedium,
  TELEPHONY,
} from '../../../../../test/support/ringcentral-medium';

/**
 * RingCentral-style call recordings and forward of a ringing party on the whole application (real
 * SQLite, fake gateway, SIP users in memory).
 */
describe('RingCentral-style /restapi recordings and forward', () => {
  let platform: RunningPlatform;
  let gateway: RingcentralMedium['gateway'];
  let api: ReturnType<RingcentralMedium['api']>;
  let nextLeg: RingcentralMedium['nextLeg'];
  const base = TELEPHONY;

  beforeAll(async () => {
    const medium = await startRingcentralMedium(['1001', '1002', '1003'], {
      env: { PBX_HOLD_SIGNALLING: 'moh' },
    });
    ({ platform, gateway, nextLeg } = medium);
    api = medium.api();
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** A call-out from 1001 to `callee`: the agent answers; the callee's phone rings (and answers if told). */
  async function callOut(callee: string, answer: boolean) {
    const before = gateway.originated.length;
    const { body } = await api
      .post(`${base}/call-out`, { from: { extensionNumber: '1001' }, to: { extensionNumber: callee } })
      .expect(200);
    const agentLeg = await nextLeg(before);
    gateway.answerLeg(agentLeg.channelId);
    const calleeLeg = await nextLeg(before + 1);
    gateway.emit(calleeLeg.channelId, { kind: 'ringing' });
    if (answer) gateway.answerLeg(calleeLeg.channelId);
    const id = body.session.id as string;
    await waitUntil(
      async () =>
        (await api.get(`${base}/sessions/${id}`)).body.parties?.length === 2 &&
        (!answer ||
          (await api.get(`${base}/sessions/${id}`)).body.parties.every(
            (p: { status: { code: string } }) => p.status.code === 'Answered',
          )),
      5000,
      'the session',
    );
    return { id, agent: agentLeg.labels!.callSid!, callee: calleeLeg.labels!.callSid!, calleeLeg };
  }

  it('starts, pauses and resumes a recording of the call; it becomes a Recording of the party when the call ends', async () => {
    const { id, agent, callee, calleeLeg } = await callOut('1002', true);
    const path = `${base}/sessions/${id}/parties/${agent}/recordings`;
    const started = await api.post(path).expect(201);
    expect(started.body).toEqual({ id: expect.stringMatching(/^cw-rec-/), active: true });
    expect(gateway.commands.find((c) => c.op === 'recordBridge')).toMatchObject({ bridgeId: id });
    const recording = `${path}/${started.body.id}`;
    expect((await api.patch(recording, { active: false }).expect(200)).body).toEqual({
      id: started.body.id,
      active: false,
    });
    await api.patch(recording, { active: false }).expect(200);
    // Any party of the session reaches the recording of its conversation.
    await api
      .patch(`${base}/sessions/${id}/parties/${callee}/recordings/${started.body.id}`, { active: true })
      .expect(200);
    const ops = gateway.commands
      .filter((c) => (c.args as { name?: string } | undefined)?.name === started.body.id)
      .map((c) => c.op);
    expect(ops).toEqual(['recordBridge', 'pauseRecording', 'resumeRecording']);

    const unknown = await api.patch(`${path}/cw-rec-unknown`, { active: false }).expect(404);
    expect(unknown.body).toMatchObject({ errorCode: 'CMN-102' });
    const invalid = await api.patch(recording, { active: 'no' }).expect(400);
    expect(invalid.body.errors[0]).toMatchObject({ parameterName: 'active' });

    gateway.recordingFiles.set(started.body.id, buildToneWav(3));
    gateway.farEndHangsUp(calleeLeg.channelId);
    gateway.emitBridge(id, {
      kind: 'recording-finished',
      name: started.body.id,
      durationSeconds: 3,
      failed: false,
    });
    const listPath = `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${agent}/Recordings.json`;
    let listed: Array<{ duration: string; source?: string }> = [];
    await waitUntil(
      async () => {
        listed = (await platform.http().get(listPath).auth(platform.accountSid, platform.authToken)).body
          .recordings;
        return listed?.length === 1;
      },
      5000,
      'the Recording',
    );
    expect(Number(listed[0].duration)).toBe(3);
  });

  it('refuses to record a ringing party (409)', async () => {
    const { id, callee } = await callOut('1002', false);
    const refused = await api.post(`${base}/sessions/${id}/parties/${callee}/recordings`).expect(409);
    expect(refused.body.errorCode).toBe('TAS-103');
    await api.delete(`${base}/sessions/${id}`).expect(204);
  });

  it('forwards a ringing callee: its phone is canceled, the target rings for the agent and is bridged on answer', async () => {
    const { id, callee, calleeLeg } = await callOut('1002', false);
    const before = gateway.originated.length;
    const forwarded = await api
      .post(`${base}/sessions/${id}/parties/${callee}/forward`, { extensionNumber: '1003' })
      .expect(200);
    expect(forwarded.body.id).toBe(callee);
    const target = await nextLeg(before);
    expect(target.target).toMatchObject({ kind: 'sip-user' });
    expect(target.labels?.parentCallSid).toBeDefined();
    expect(gateway.commandsFor(calleeLeg.channelId)).toContain('hangup');
    gateway.answerLeg(target.channelId);
    await waitUntil(
      async () => {
        const parties: Array<{ id: string; status: { code: string } }> =
          (await api.get(`${base}/sessions/${id}`)).body.parties ?? [];
        return parties.some((p) => p.id === target.labels!.callSid && p.status.code === 'Answered');
      },
      5000,
      'the target answered in the session',
    );
    const again = await api
      .post(`${base}/sessions/${id}/parties/${target.labels!.callSid}/forward`, { extensionNumber: '1002' })
      .expect(409);
    expect(again.body.errorCode).toBe('TAS-103');
    await api.delete(`${base}/sessions/${id}`).expect(204);
  });
});
