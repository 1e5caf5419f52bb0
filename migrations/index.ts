import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { NumbersAndRecordings1763800000001 } from './1763800000001-numbers-and-recordings';
import { Clients1763800000002 } from './1763800000002-clients';
import { CallListIndexes1763800000003 } from './1763800000003-call-list-indexes';
import { SubaccountsAndKeys1764600000100 } from './1764600000100-subaccounts-and-keys';
import { AccountLimits1764600000300 } from './1764600000300-account-limits';
import { StatusCallbackEvent1764600000400 } from './1764600000400-status-callback-event';
import { CallHeartbeat1764600000600 } from './1764600000600-call-heartbeat';
import { NumberStatusCallbackEvent1764700000100 } from './1764700000100-number-status-callback-event';
import { AccessTokens1764700000200 } from './1764700000200-access-tokens';
import { SipDomainsAndExtensions1764800000500 } from './1764800000500-sip-domains-and-extensions';
import { CallUserData1764900000100 } from './1764900000100-call-user-data';
import { ExtensionTokens1764900000200 } from './1764900000200-extension-tokens';
import { RingcentralSubscriptions1765000000200 } from './1765000000200-ringcentral-subscriptions';
import { ExtensionCallcontrollerPin1765100000100 } from './1765100000100-extension-callcontroller-pin';
import { CallSubject1765200000100 } from './1765200000100-call-subject';
import { CallMachineDetection1765200000200 } from './1765200000200-call-machine-detection';
import { CallTwimlOptions1765300000100 } from './1765300000100-call-twiml-options';
import { Applications1765300000200 } from './1765300000200-applications';
import { AccountMediaAuth1765400000100 } from './1765400000100-account-media-auth';
import { Queues1765600000100 } from './1765600000100-queues';
import { CallAsteriskServer1766400000100 } from './1766400000100-call-asterisk-server';
import { Console1766500000100 } from './1766500000100-console';
import { AccountDispatchSlots1766800000100 } from './1766800000100-account-dispatch-slots';
import { CallQueuedBy1766800000200 } from './1766800000200-call-queued-by';
import { ClusterSecrets1766900000100 } from './1766900000100-cluster-secrets';

/** Every migration, in order. New migrations are added here as well as in their own file. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  NumbersAndRecordings1763800000001,
  Clients1763800000002,
  CallListIndexes1763800000003,
  SubaccountsAndKeys1764600000100,
  AccountLimits1764600000300,
  StatusCallbackEvent1764600000400,
  CallHeartbeat1764600000600,
  NumberStatusCallbackEvent1764700000100,
  AccessTokens1764700000200,
  SipDomainsAndExtensions1764800000500,
  CallUserData1764900000100,
  ExtensionTokens1764900000200,
  RingcentralSubscriptions1765000000200,
  ExtensionCallcontrollerPin1765100000100,
  CallSubject1765200000100,
  CallMachineDetection1765200000200,
  CallTwimlOptions1765300000100,
  Applications1765300000200,
  AccountMediaAuth1765400000100,
  Queues1765600000100,
  CallAsteriskServer1766400000100,
  Console1766500000100,
  AccountDispatchSlots1766800000100,
  CallQueuedBy1766800000200,
  ClusterSecrets1766900000100,
];
