import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { TelephonyError } from '../telephony-gateway.port';

/**
 * Digest credentials for one outbound leg. PJSIP takes outbound credentials from the endpoint, so
 * each leg that needs its own gets a short-lived auth + endpoint pair through ARI dynamic
 * configuration, removed again when the leg's channel is gone.
 */
export class DialCredentials {
  private readonly logger = new Logger(DialCredentials.name);
  private readonly active = new Set<string>();

  constructor(private readonly config: AppConfig) {}

  async endpointFor(channelId: string, auth: { username: string; password: string }): Promise<string> {
    const id = this.objectId(channelId);
    await this.put('auth', id, { auth_type: 'userpass', username: auth.username, password: auth.password });
    await this.put('endpoint', id, {
      outbound_auth: id,
      context: 'from-sip',
      disallow: 'all',
      allow: 'ulaw,alaw',
      direct_media: 'no',
      dtmf_mode: 'rfc4733',
      rtp_symmetric: 'yes',
    });
    this.active.add(channelId);
    return id;
  }

  async release(channelId: string): Promise<void> {
    if (!this.active.delete(channelId)) return;
    const id = this.objectId(channelId);
    await this.remove('endpoint', id);
    await this.remove('auth', id);
  }

  private objectId(channelId: string): string {
    return `cw-dial-${channelId.replace(/[^A-Za-z0-9-]/g, '')}`;
  }

  private async put(type: string, id: string, fields: Record<string, string>): Promise<void> {
    const response = await fetch(this.url(type, id), {
      method: 'PUT',
      headers: { Authorization: this.authorization(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        fields: Object.entries(fields).map(([attribute, value]) => ({ attribute, value })),
      }),
    });
    if (!response.ok)
      throw new TelephonyError(
        `Creating ${type} ${id} failed: HTTP ${response.status} ${await response.text()}`,
      );
  }

  private async remove(type: string, id: string): Promise<void> {
    const response = await fetch(this.url(type, id), {
      method: 'DELETE',
      headers: { Authorization: this.authorization() },
    }).catch((error: Error) => error);
    if (response instanceof Error || !response.ok) this.logger.warn(`Removing ${type} ${id} failed`);
  }

  private url(type: string, id: string): string {
    return `${this.config.ariUrl.replace(/\/$/, '')}/ari/asterisk/config/dynamic/res_pjsip/${type}/${encodeURIComponent(id)}`;
  }

  private authorization(): string {
    return 'Basic ' + Buffer.from(`${this.config.ariUsername}:${this.config.ariPassword}`).toString('base64');
  }
}
