import type { AppConfig } from '../../config/app-config';
import { withHopHeader } from '../hop-header';
import {
  CreateChannelRequest,
  DialTarget,
  OriginateRequest,
  TelephonyError,
} from '../telephony-gateway.port';
import { extendedApi } from './ari-extended-api';
import type { AriRequests } from './ari-requests';
import { labelVariables } from './ari-restart-support';
import { DialCredentials } from './dial-credentials';
import { assertSipSafe, assertSipSafeTarget } from './sip-safety';

/** Stasis argument of every leg the platform places itself, so its StasisStart is never taken for a call in. */
export const OUTBOUND_APP_ARG = 'outbound';

/**
 * Channel variable that makes Asterisk hand a phone's REFER to the app (ARI `ChannelTransfer`) instead of
 * transferring by itself; its value is the mode (`Set(PJSIP_TRANSFER_HANDLING()=ari-only)`).
 */
export const ARI_TRANSFER_HANDLING: Readonly<Record<string, string>> = {
  'PJSIP_TRANSFER_HANDLING()': 'ari-only',
};

/**
 * Dialplan context a phone's or carrier's 3xx would send the leg to (chan_pjsip's default
 * `redirect_method=user` hands the Contact's user to the core as `Local/<user>@FORWARD_CONTEXT`): it has no
 * extensions, so a redirect the caller did not allow ends the leg instead of calling into the platform's
 * own dialplan.
 */
export const NO_FORWARD_CONTEXT = 'callwright-no-forward';
/** pjsip.conf endpoint like `outbound` with `redirect_method=uri_pjsip`: a 3xx is followed on the same channel. */
export const FOLLOW_REDIRECTS_ENDPOINT = 'outbound-follow-redirects';

/** Whoever reads a leg's every setup response (the event router). */
export interface SetupTracer {
  traceSetup(channelId: string, channelName: string, maxSeconds: number): void;
}
/** A traced leg is read a little past Asterisk's own give-up time, never for ever. */
const TRACE_MARGIN_SECONDS = 5;

/**
 * How the platform's outbound legs are addressed and what they carry, for both ways of placing one:
 * originate (Asterisk dials at once) and create + dial (the leg can be bridged before it is dialled).
 */
export class AriOutboundLegs {
  private readonly credentials: DialCredentials;

  constructor(
    private readonly ari: AriRequests,
    private readonly config: AppConfig,
    private readonly tracer: SetupTracer,
  ) {
    this.credentials = new DialCredentials(config);
  }

  async originate(request: OriginateRequest): Promise<void> {
    return this.place(request, (endpoint, variables) =>
      this.ari.request('Originate', (client) =>
        client.channels.originate({
          channelId: request.channelId,
          endpoint,
          app: this.config.ariApp,
          appArgs: OUTBOUND_APP_ARG,
          callerId: request.callerId,
          timeout: request.timeoutSeconds,
          variables,
        }),
      ),
    );
  }

  /** The leg enters the app at once (state Down) and is dialled by `dial`. */
  async create(request: CreateChannelRequest): Promise<void> {
    return this.place(request, (endpoint, variables) =>
      this.ari.request('Create channel', (client) =>
        extendedApi(client).channels.create({
          channelId: request.channelId,
          endpoint,
          app: this.config.ariApp,
          appArgs: OUTBOUND_APP_ARG,
          // Create has no caller id of its own (originate has); the channel's is what its INVITE sends.
          variables: { ...variables, 'CALLERID(all)': request.callerId },
          ...(request.originatorChannelId ? { originator: request.originatorChannelId } : {}),
        }),
      ),
    );
  }

  async dial(channelId: string, timeoutSeconds: number): Promise<void> {
    await this.ari.request('Dial', (client) => client.channels.dial({ channelId, timeout: timeoutSeconds }));
  }

  /**
   * Runs `send` with the leg's endpoint and channel variables; a leg that needed credentials of its own
   * gives them back when Asterisk refuses it.
   */
  private async place(
    request: OriginateRequest,
    send: (endpoint: string, variables: Record<string, string>) => Promise<unknown>,
  ): Promise<void> {
    assertSipSafe(request);
    const variables: Record<string, string> = {
      ...labelVariables(request.labels ?? {}),
      ...ARI_TRANSFER_HANDLING,
      FORWARD_CONTEXT: NO_FORWARD_CONTEXT,
    };
    for (const [name, value] of Object.entries(withHopHeader(request.headers, request.hops)))
      variables[`PJSIP_HEADER(add,${name})`] = value;
    const endpoint = await this.dialString(request);
    let channel: { name?: string } | undefined;
    try {
      channel = (await send(endpoint, variables)) as { name?: string } | undefined;
    } catch (error) {
      await this.legEnded(request.channelId);
      throw error;
    }
    // A created leg is traced from its creation: until it is dialled, there is nothing to read.
    if (request.traceSetupResponses && channel?.name)
      this.tracer.traceSetup(request.channelId, channel.name, request.timeoutSeconds + TRACE_MARGIN_SECONDS);
  }

  /** Where a phone is sent by `redirect`: chan_pjsip takes a URI, or an endpoint whose contact it uses. */
  async redirectString(target: DialTarget, trunkContact: () => Promise<string | null>): Promise<string> {
    assertSipSafeTarget(target);
    switch (target.kind) {
      case 'sip':
        return `PJSIP/${target.uri}`;
      case 'number': {
        // The phone calls the number at the trunk itself, so it needs the trunk's address, not its name.
        const host = (await trunkContact())?.replace(/^sips?:(?:[^@]*@)?/, '');
        if (!host) throw new TelephonyError(`Trunk ${this.config.numberTrunkEndpoint} has no contact`);
        return `PJSIP/sip:${target.number}@${host}`;
      }
      case 'sip-user':
        return target.dialString;
    }
  }

  legEnded(channelId: string): Promise<void> {
    return this.credentials.release(channelId);
  }

  private async dialString(request: OriginateRequest): Promise<string> {
    const target = request.target;
    if (request.followRedirects) {
      const uri = target.kind === 'sip' && !target.auth ? target.uri : contactOf(target);
      if (uri) return `PJSIP/${FOLLOW_REDIRECTS_ENDPOINT}/${uri}`;
    }
    switch (target.kind) {
      case 'sip':
        if (!target.auth) return `PJSIP/${this.config.outboundEndpoint}/${target.uri}`;
        return `PJSIP/${await this.credentials.endpointFor(request.channelId, target.auth)}/${target.uri}`;
      case 'number':
        return `PJSIP/${target.number}@${this.config.numberTrunkEndpoint}`;
      case 'sip-user':
        return target.dialString;
    }
  }
}

/** The contact URI a SIP user's dial string names (`PJSIP/<endpoint>/<uri>`), if it names one. */
function contactOf(target: DialTarget): string | null {
  if (target.kind !== 'sip-user') return null;
  return /^PJSIP\/[^/]+\/(sips?:.+)$/.exec(target.dialString)?.[1] ?? null;
}
