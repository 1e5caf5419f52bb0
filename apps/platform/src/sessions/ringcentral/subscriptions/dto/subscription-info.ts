import type { SubscriptionEntity, SubscriptionStatus } from '../subscription.entity';

/** RingCentral's SubscriptionInfo, as every Subscription API call answers it. */
export interface SubscriptionInfo {
  uri: string;
  id: string;
  creationTime: string;
  status: SubscriptionStatus;
  eventFilters: string[];
  expirationTime: string;
  /** Seconds left until expiration. */
  expiresIn: number;
  deliveryMode: {
    transportType: 'WebHook';
    encryption: false;
    address: string;
    verificationToken?: string;
  };
  /** Why deliveries stopped, in the field RingCentral uses for it; only while Suspended. */
  blacklistedData?: { reason: string; blacklistedAt: string };
}

export interface SubscriptionList {
  uri: string;
  records: SubscriptionInfo[];
}

export function subscriptionInfo(
  entity: SubscriptionEntity,
  baseUri: string,
  now = Date.now(),
): SubscriptionInfo {
  const info: SubscriptionInfo = {
    uri: `${baseUri}/${entity.id}`,
    id: entity.id,
    creationTime: entity.creationTime.toISOString(),
    status: entity.status,
    eventFilters: entity.eventFilters,
    expirationTime: entity.expirationTime.toISOString(),
    expiresIn: Math.max(0, Math.floor((entity.expirationTime.getTime() - now) / 1000)),
    deliveryMode: { transportType: 'WebHook', encryption: false, address: entity.address },
  };
  if (entity.verificationToken) info.deliveryMode.verificationToken = entity.verificationToken;
  if (entity.status === 'Suspended')
    info.blacklistedData = {
      reason: entity.suspendedReason ?? 'deliveries failed',
      blacklistedAt: (entity.suspendedAt ?? entity.creationTime).toISOString(),
    };
  return info;
}
