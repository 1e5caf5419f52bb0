import type { AppConfig } from '../../config/app-config';
import { RecordRequest, TelephonyError } from '../telephony-gateway.port';
import { extendedApi } from './ari-extended-api';
import type { AriRequests } from './ari-requests';

/** Recordings of channels and bridges: start, stop, pause, resume, and taking the file off Asterisk. */
export class AriRecordings {
  constructor(
    private readonly ari: AriRequests,
    private readonly config: AppConfig,
  ) {}

  async record(channelId: string, request: RecordRequest): Promise<void> {
    await this.ari.request('Record', (client) =>
      client.channels.record({ channelId, ...recordingOptions(request) }),
    );
  }

  async recordBridge(bridgeId: string, request: RecordRequest): Promise<void> {
    await this.ari.request('Record bridge', (client) =>
      client.bridges.record({ bridgeId, ...recordingOptions(request) }),
    );
  }

  async stop(name: string): Promise<void> {
    await this.ari.quietly('Stop recording', (client) => client.recordings.stop({ recordingName: name }));
  }

  async pause(name: string): Promise<void> {
    await this.ari.request('Pause recording', (client) =>
      extendedApi(client).recordings.pause({ recordingName: name }),
    );
  }

  async resume(name: string): Promise<void> {
    await this.ari.request('Resume recording', (client) =>
      extendedApi(client).recordings.unpause({ recordingName: name }),
    );
  }

  /** ari-client decodes every body as text, so the WAV is fetched with plain HTTP. */
  async take(name: string): Promise<Buffer> {
    const url = `${this.config.ariUrl.replace(/\/$/, '')}/ari/recordings/stored/${encodeURIComponent(name)}`;
    const auth =
      'Basic ' + Buffer.from(`${this.config.ariUsername}:${this.config.ariPassword}`).toString('base64');
    const response = await fetch(`${url}/file`, { headers: { Authorization: auth } });
    if (!response.ok) throw new TelephonyError(`Fetching recording ${name} failed: HTTP ${response.status}`);
    const audio = Buffer.from(await response.arrayBuffer());
    await fetch(url, { method: 'DELETE', headers: { Authorization: auth } }).catch(() => undefined);
    return audio;
  }
}

function recordingOptions(request: RecordRequest) {
  return {
    name: request.name,
    format: 'wav',
    maxDurationSeconds: request.maxDurationSeconds,
    maxSilenceSeconds: request.maxSilenceSeconds,
    beep: request.beep,
    terminateOn: request.terminateOn,
    ifExists: 'overwrite',
  };
}
