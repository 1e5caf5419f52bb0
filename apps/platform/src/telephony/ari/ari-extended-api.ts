import type * as ari from 'ari-client';

/**
 * Operations Asterisk 22 offers and ari-client 2.2 exposes (it builds its methods from Asterisk's own
 * resources.json at connect time) that @types/ari-client 2.2.14 does not declare. Parameter names are
 * the swagger names.
 */
interface ExtendedAriApi {
  channels: {
    /** Answers a phone's REFER (ChannelTransfer) with a NOTIFY sipfrag: channel_answered = 200... */
    transfer_progress(params: { channelId: string; states: string }): Promise<void>;
    /** Declared without `variables` in @types, which Asterisk accepts in the body as originate does. */
    create(params: {
      endpoint: string;
      app: string;
      appArgs?: string;
      channelId?: string;
      originator?: string;
      variables?: Record<string, string>;
    }): Promise<unknown>;
  };
  recordings: {
    pause(params: { recordingName: string }): Promise<void>;
    unpause(params: { recordingName: string }): Promise<void>;
  };
}

export function extendedApi(client: ari.Client): ExtendedAriApi {
  return client as unknown as ExtendedAriApi;
}
