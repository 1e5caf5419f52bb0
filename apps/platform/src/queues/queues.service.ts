import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CallQueues, type QueueMemberView } from '../call-control/queues/call-queues';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import { isUniqueViolation } from '../common/unique-violation';
import { DEFAULT_MAX_SIZE } from './dto/queue-fields.dto';
import { QueueEntity } from './queue.entity';

const nameTaken = (name: string) =>
  new DomainError(DomainErrorCode.InvalidParameter, `A queue named '${name}' already exists`);

/**
 * The Queues resource: a queue's name and MaxSize are stored; who waits in it is the core's
 * (CallQueues, in memory on this node).
 */
@Injectable()
export class QueuesService {
  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    readonly members: CallQueues,
  ) {}

  async create(accountSid: string, friendlyName: string, maxSize = DEFAULT_MAX_SIZE): Promise<QueueEntity> {
    const now = new Date();
    try {
      return await this.queues.save(
        this.queues.create({
          sid: newSid('QU'),
          accountSid,
          friendlyName: friendlyName.trim(),
          maxSize,
          dateCreated: now,
          dateUpdated: now,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(friendlyName);
      throw error;
    }
  }

  /** `<Enqueue>`'s queue: found by name, or created on demand with the default MaxSize. */
  async byNameOrCreate(accountSid: string, friendlyName: string): Promise<QueueEntity> {
    const found = await this.byName(accountSid, friendlyName);
    if (found) return found;
    try {
      return await this.create(accountSid, friendlyName);
    } catch (error) {
      // Two calls enqueued at once into a new queue: the other one created it.
      const raced = await this.byName(accountSid, friendlyName);
      if (raced) return raced;
      throw error;
    }
  }

  byName(accountSid: string, friendlyName: string): Promise<QueueEntity | null> {
    return this.queues.findOneBy({ accountSid, friendlyName: friendlyName.trim() });
  }

  async get(accountSid: string, sid: string): Promise<QueueEntity> {
    const queue = sidPattern('QU').test(sid) ? await this.queues.findOneBy({ sid, accountSid }) : null;
    if (!queue)
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource Queue ${sid} was not found`);
    return queue;
  }

  async list(accountSid: string, page: number, pageSize: number): Promise<Page<QueueEntity>> {
    const [items, total] = await this.queues
      .createQueryBuilder('queue')
      .where('queue.accountSid = :accountSid', { accountSid })
      .orderBy('queue.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.queues, 'queue'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async update(
    accountSid: string,
    sid: string,
    changes: { friendlyName?: string; maxSize?: number },
  ): Promise<QueueEntity> {
    const queue = await this.get(accountSid, sid);
    if (changes.friendlyName !== undefined) queue.friendlyName = changes.friendlyName.trim();
    if (changes.maxSize !== undefined) queue.maxSize = changes.maxSize;
    queue.dateUpdated = new Date();
    try {
      return await this.queues.save(queue);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(queue.friendlyName);
      throw error;
    }
  }

  /** A queue with calls waiting in it cannot be deleted (400). */
  async remove(accountSid: string, sid: string): Promise<void> {
    const queue = await this.get(accountSid, sid);
    if (this.members.stats(queue.sid).currentSize > 0)
      throw new DomainError(DomainErrorCode.InvalidParameter, `Queue ${sid} has calls waiting in it`);
    await this.queues.delete({ sid: queue.sid });
  }

  async listMembers(accountSid: string, queueSid: string): Promise<QueueMemberView[]> {
    const queue = await this.get(accountSid, queueSid);
    return this.members.members(queue.sid);
  }

  /** `callSid` may be `Front`. */
  async member(accountSid: string, queueSid: string, callSid: string): Promise<QueueMemberView> {
    const queue = await this.get(accountSid, queueSid);
    const member = this.members.member(queue.sid, callSid);
    if (!member) throw this.memberNotFound(queue.sid, callSid);
    return member;
  }

  /** Takes the member out of the queue; its call goes on with the document at `url`. */
  async dequeue(
    accountSid: string,
    queueSid: string,
    callSid: string,
    target: { url: string; method: 'GET' | 'POST' },
  ): Promise<QueueMemberView> {
    const queue = await this.get(accountSid, queueSid);
    const member = this.members.redirect(queue.sid, callSid, target.url, target.method);
    if (!member) throw this.memberNotFound(queue.sid, callSid);
    return member;
  }

  private memberNotFound(queueSid: string, callSid: string): DomainError {
    return new DomainError(
      DomainErrorCode.NotFound,
      `The requested resource Member ${callSid} was not found in Queue ${queueSid}`,
    );
  }
}
