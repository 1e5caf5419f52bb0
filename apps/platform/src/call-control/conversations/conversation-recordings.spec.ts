import { buildToneWav } from '../../../../../test/factories/wav.factory';
import { fakeCore } from '../../../../../test/support/fake-core';
import { ConversationRecordings } from './conversation-recordings';

async function recordedCall() {
  const core = fakeCore();
  const alice = core.legs.answered('alice');
  const bob = core.legs.answered('bob');
  const conversation = core.registry.create();
  await conversation.start([alice, bob]);
  await core.settle();
  const recordings = new ConversationRecordings(core.gateway);
  const started = await recordings.start(conversation, alice.callSid, 'AC-test');
  const ops = (name: string) =>
    core.gateway.commands
      .filter((command) => (command.args as { name?: string } | undefined)?.name === name)
      .map((command) => command.op);
  return { ...core, alice, bob, conversation, recordings, started, ops };
}

describe('ConversationRecordings (the whole conversation, pausable, until it ends)', () => {
  it('records the bridge under a new name and pauses and resumes it, each change once', async () => {
    const { conversation, recordings, started, gateway, ops } = await recordedCall();
    const { id } = started.view;
    expect(started.view).toMatchObject({ conversationId: conversation.id, active: true });
    expect(gateway.commands.find((command) => command.op === 'recordBridge')).toMatchObject({
      bridgeId: conversation.id,
      args: { name: id, maxDurationSeconds: 0, terminateOn: 'none' },
    });
    expect(await recordings.setActive(conversation, id, false)).toMatchObject({ id, active: false });
    expect(await recordings.setActive(conversation, id, false)).toMatchObject({ active: false });
    expect(await recordings.setActive(conversation, id, true)).toMatchObject({ active: true });
    expect(ops(id)).toEqual(['recordBridge', 'pauseRecording', 'resumeRecording']);
    expect(recordings.of(conversation.id)).toEqual([expect.objectContaining({ id, active: true })]);
  });

  it('ends with its bridge: the WAV is taken and timed from its header (pauses are not in it)', async () => {
    const { conversation, recordings, started, gateway, alice } = await recordedCall();
    const { id } = started.view;
    gateway.recordingFiles.set(id, buildToneWav(4));
    gateway.emitBridge(conversation.id, {
      kind: 'recording-finished',
      name: id,
      durationSeconds: 4,
      failed: false,
    });
    const finished = await started.finished;
    expect(finished).toMatchObject({ id, callSid: alice.callSid, accountSid: 'AC-test' });
    expect(finished!.durationSeconds).toBeCloseTo(4, 2);
    expect(recordings.find(id)).toBeUndefined();
    await expect(recordings.setActive(conversation, id, false)).rejects.toMatchObject({ code: 20404 });
  });

  it('a failed recording leaves nothing', async () => {
    const { conversation, started, gateway } = await recordedCall();
    gateway.emitBridge(conversation.id, {
      kind: 'recording-finished',
      name: started.view.id,
      durationSeconds: 0,
      failed: true,
    });
    expect(await started.finished).toBeNull();
  });

  it('stops with the conversation, and is taken even when its end is never reported', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const { conversation, started, gateway, ops } = await recordedCall();
      gateway.recordingFiles.set(started.view.id, buildToneWav(1));
      await conversation.end();
      expect(ops(started.view.id)).toContain('stopRecording');
      jest.advanceTimersByTime(3000);
      expect((await started.finished)?.durationSeconds).toBeCloseTo(1, 2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses an unknown recording, and one of another conversation', async () => {
    const { recordings, started, registry } = await recordedCall();
    const other = registry.create();
    await expect(recordings.setActive(other, started.view.id, false)).rejects.toMatchObject({ code: 20404 });
    await expect(recordings.setActive(undefined, started.view.id, false)).rejects.toMatchObject({
      code: 20404,
    });
  });
});
