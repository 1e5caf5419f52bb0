import type { ChannelEvent } from '../../apps/platform/src/telephony/telephony-gateway.port';
import { FakeTelephonyGateway } from '../../apps/platform/src/telephony/testing/fake-telephony-gateway';
import { ConversationRegistry } from '../../apps/platform/src/call-control/conversations/conversation-registry';
import type { CallEvent } from '../../apps/platform/src/call-control/events/call-event';
import { CallEventBus } from '../../apps/platform/src/call-control/events/call-event-bus';
import { FakeLegs } from './fake-legs';

/**
 * The conversation core on the fake gateway, with every published event kept in `events`. Channel
 * events of the legs go to the registry unless a test points `routing.to` elsewhere (the transfers).
 */
export function fakeCore() {
  const gateway = new FakeTelephonyGateway();
  const bus = new CallEventBus();
  const events: CallEvent[] = [];
  bus.subscribe((event) => void events.push(event));
  const routing = {
    to: (callSid: string, event: ChannelEvent) => registry.channelEvent(callSid, event),
  };
  const legs = new FakeLegs(gateway, bus, (callSid, event) => routing.to(callSid, event));
  const registry = new ConversationRegistry(gateway, bus, legs);
  /** Lets the fake's queued bridge and hangup events, then the bus deliveries, run. */
  const settle = async () => {
    for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve));
    await bus.settled();
  };
  return { gateway, bus, events, legs, registry, routing, settle };
}
