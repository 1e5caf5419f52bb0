import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { newSid } from '../../common/sid';
import { CallEntity } from './call.entity';
import { CallSignal, nextStatus } from './call-state-machine';
import { CallDirection, CallStatus } from './call-status';

/** Any change of a record but its status, which only `transition` writes. */
export type RecordPatch = Omit<Partial<CallEntity>, 'status' | 'sid' | 'accountSid' | 'direction'>;

/** What a new record needs; the rest takes the entity's defaults. */
export type NewCallRecord = RecordPatch &
  Pick<CallEntity, 'accountSid' | 'to' | 'from' | 'direction' | 'apiVersion'>;

const LIVE_STATUSES = [CallStatus.Queued, CallStatus.Ringing, CallStatus.InProgress];

/** A new record's first status: an inbound call is ringing when it is stored, anything else is queued. */
const initialStatus = (direction: CallDirection) =>
  direction === CallDirection.Inbound ? CallStatus.Ringing : CallStatus.Queued;

/**
 * The one writer of call records: every record is created here, and its status changes only through
 * the call state machine (`transition`), which the types enforce: a patch cannot carry a status.
 */
@Injectable()
export class CallRecords {
  /** The entity's column defaults, so a new record holds in memory what the database stores. */
  private columnDefaults?: Partial<CallEntity>;

  constructor(@InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>) {}

  private get defaults(): Partial<CallEntity> {
    this.columnDefaults ??= Object.fromEntries(
      this.calls.metadata.columns
        .filter((column) => column.default !== undefined && typeof column.default !== 'function')
        .map((column) => [column.propertyName, column.default]),
    ) as Partial<CallEntity>;
    return this.columnDefaults;
  }

  /**
   * One INSERT, nothing else: `save` would first SELECT the new sid, wrap the INSERT in a transaction
   * and SELECT the defaulted columns back (four statements on SQLite), so every column is given here.
   */
  async create(fields: NewCallRecord): Promise<CallEntity> {
    // Millisecond precision keeps "newest first" meaningful; the column default has whole seconds.
    const now = new Date();
    const call = this.calls.create({
      ...this.defaults,
      sid: newSid('CA'),
      parentCallSid: null,
      dateCreated: now,
      dateUpdated: now,
      // An unset field takes the column's default, in memory as in the database.
      ...Object.fromEntries(Object.entries(fields).filter((entry) => entry[1] !== undefined)),
      status: initialStatus(fields.direction),
    });
    await this.calls.createQueryBuilder().insert().values(call).updateEntity(false).execute();
    return call;
  }

  /** Stores `patch` on the record and on the in-memory copy the caller holds. */
  async patch(call: CallEntity, patch: RecordPatch): Promise<void> {
    Object.assign(call, patch);
    await this.calls.update({ sid: call.sid }, patch);
  }

  /** Stores a change of a record nobody holds in memory (a queued call's new callbacks). */
  async patchBySid(sid: string, patch: RecordPatch): Promise<void> {
    await this.calls.update({ sid }, patch);
  }

  /**
   * Applies `signal` through the state machine; the new status and `patch` are stored together.
   * False (and nothing stored) when the signal does not apply to the current status.
   */
  async transition(call: CallEntity, signal: CallSignal, patch: RecordPatch = {}): Promise<boolean> {
    const status = nextStatus(call.status, signal);
    if (status === null) return false;
    Object.assign(call, patch, { status });
    await this.calls.update({ sid: call.sid }, { ...patch, status });
    return true;
  }

  /** Records not final yet: after a restart, the calls a previous process may have left live. */
  findLive(): Promise<CallEntity[]> {
    return this.calls.find({ where: { status: In(LIVE_STATUSES) } });
  }

  /** Marks live records as seen now, so a record left behind by a crash ends close to the truth. */
  async heartbeat(sids: string[]): Promise<void> {
    if (sids.length === 0) return;
    await this.calls
      .createQueryBuilder()
      .update()
      // A heartbeat is not a change of the call: DateUpdated keeps its value.
      .set({ lastSeen: new Date(), dateUpdated: () => 'date_updated' })
      .where('sid IN (:...sids)', { sids })
      .execute();
  }
}
