import type * as ari from 'ari-client';
import type { ChannelLabels, TelephonyInventory } from '../telephony-gateway.port';

/** Dialplan context (asterisk/platform/extensions.conf) run when a labelled channel is destroyed. */
const HANGUP_HANDLER = 'callwright-hangup,s,1';
/** The global variable that handler sets to the channel's end (Unix seconds). */
const ENDED_PREFIX = 'CALLWRIGHT_ENDED_';

const LABEL_VARIABLES: Record<keyof ChannelLabels, string> = {
  callSid: 'CALLWRIGHT_CALL_SID',
  parentCallSid: 'CALLWRIGHT_PARENT_CALL_SID',
  bridgeId: 'CALLWRIGHT_BRIDGE_ID',
};

/**
 * Channel variables for the labels; a channel that gets its CallSid also gets the hangup handler,
 * which notes in Asterisk when it ends even if no platform process is running then.
 */
export function labelVariables(labels: ChannelLabels): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, name] of Object.entries(LABEL_VARIABLES)) {
    const value = labels[key as keyof ChannelLabels];
    if (value) variables[name] = value;
  }
  if (labels.callSid) variables['CHANNEL(hangup_handler_push)'] = HANGUP_HANDLER;
  return variables;
}

export async function listInventory(client: ari.Client): Promise<TelephonyInventory> {
  const [channels, bridges] = await Promise.all([client.channels.list(), client.bridges.list()]);
  return {
    channelIds: new Set(channels.map((channel) => channel.id)),
    bridges: bridges.map((bridge) => ({ bridgeId: bridge.id, channelIds: [...bridge.channels] })),
  };
}

/** Reads, then clears, the end time the hangup handler noted. */
export async function takeHangupTime(client: ari.Client, channelId: string): Promise<Date | null> {
  const variable = `${ENDED_PREFIX}${channelId}`;
  const { value } = (await client.asterisk.getGlobalVar({ variable })) as { value?: string };
  const seconds = Number(value);
  if (!value || !Number.isFinite(seconds) || seconds <= 0) return null;
  await client.asterisk.setGlobalVar({ variable, value: '' }).catch(() => undefined);
  return new Date(seconds * 1000);
}
