/** Calls of one account: live (inbound, outbound, Dial legs) and waiting in the outbound queue. */
export interface AccountLoad {
  live: number;
  waiting: number;
}

export const NO_LOAD: Readonly<AccountLoad> = Object.freeze({ live: 0, waiting: 0 });

/** What the limits need from the other nodes on the same PostgreSQL (see the README's Scale-out section; used by calls/limits). */
export interface AccountLoadShare {
  /** The account's calls on the other live nodes, as they last told. */
  elsewhere(accountSid: string): AccountLoad;
  /** Takes the account's next dialing slot across all nodes; resolves with how long (ms) until it is ours. */
  claimSlot(accountSid: string, intervalMs: number): Promise<number>;
}

/** This node's side, which the share reads when it tells the others and calls when they change. */
export interface AccountLoadSource {
  loadOf(accountSid: string): AccountLoad;
  /** Accounts with live or waiting calls on this node. */
  busyAccounts(): Iterable<string>;
  /** Another node's calls of the account changed or went away: waiting calls may have room now. */
  changedElsewhere(accountSid: string): void;
  /** Another node changed the account's limits. */
  limitsChangedElsewhere(accountSid: string): void;
}

/** Nest token of the node's SharedAccountLoad: null with one node (SQLite). */
export const SHARED_ACCOUNT_LOAD = Symbol('SharedAccountLoad');

export interface SharedAccountLoad extends AccountLoadShare {
  /** This platform process, among all nodes (a new id at each start). */
  readonly node: string;
  /** Whether the platform process `node` is still connected to the database. */
  nodeAlive(node: string): Promise<boolean>;
  attach(source: AccountLoadSource): Promise<void>;
  /** This node's load of the account changed: the others are told (coalesced, soon after). */
  touched(accountSid: string): void;
  /** This node changed the account's limits. */
  announceLimits(accountSid: string): void;
  stop(): Promise<void>;
}
