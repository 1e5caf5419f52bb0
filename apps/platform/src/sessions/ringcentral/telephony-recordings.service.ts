import { Injectable, Logger } from '@nestjs/common';
import type { TokenHolder } from '../../accounts/access-tokens.service';
import { CallControl } from '../../call-control/call-control.service';
import type { FinishedConversationRecording } from '../../call-control/conversations/conversation-recordings';
import { RecordingsService } from '../../recordings/recordings.service';
import type { RcRecording } from './dto/telephony-recording.dto';
import { TelephonySessionsService } from './telephony-sessions.service';

/** What the platform's Recordings show as the source of a recording started through this API. */
const RECORDING_SOURCE = 'StartCallRecordingAPI';

/**
 * RingCentral's call recordings of a party: the core records the party's conversation (its mix) until
 * it ends; then the audio becomes a platform Recording of the party's call.
 */
@Injectable()
export class TelephonyRecordingsService {
  private readonly logger = new Logger(TelephonyRecordingsService.name);

  constructor(
    private readonly sessions: TelephonySessionsService,
    private readonly control: CallControl,
    private readonly recordings: RecordingsService,
  ) {}

  async start(holder: TokenHolder, id: string, partyId: string): Promise<RcRecording> {
    const leg = this.sessions.connected(holder, id, partyId, 'be recorded');
    const started = await this.control.startConversationRecording(leg.record.sid);
    void started.finished
      .then((finished) => finished && this.store(finished))
      .catch((error: unknown) => this.logger.warn(`Storing recording ${started.view.id}: ${String(error)}`));
    return { id: started.view.id, active: started.view.active };
  }

  /** Pauses or resumes; asking for the state it is in already changes nothing (200 all the same). */
  async update(
    holder: TokenHolder,
    id: string,
    partyId: string,
    recordingId: string,
    active: boolean,
  ): Promise<RcRecording> {
    const leg = this.sessions.leg(holder, id, partyId);
    const view = await this.control.setConversationRecordingActive(leg.record.sid, recordingId, active);
    return { id: view.id, active: view.active };
  }

  /** A recording's state, as party views show it (`recordings` of a party). */
  of(sessionId: string): RcRecording[] {
    return this.control.conversationRecordingsOf(sessionId).map(({ id, active }) => ({ id, active }));
  }

  private async store(finished: FinishedConversationRecording): Promise<void> {
    await this.recordings.store({
      accountSid: finished.accountSid,
      callSid: finished.callSid,
      durationSeconds: finished.durationSeconds,
      audio: finished.audio,
      source: RECORDING_SOURCE,
    });
  }
}
