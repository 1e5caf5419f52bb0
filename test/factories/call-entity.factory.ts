import { CallEntity } from '../../apps/platform/src/call-control/legs/call.entity';
import { CallDirection, CallStatus } from '../../apps/platform/src/call-control/legs/call-status';
import { newSid } from '../../apps/platform/src/common/sid';

export function buildCallEntity(overrides: Partial<CallEntity> = {}): CallEntity {
  return Object.assign(new CallEntity(), {
    sid: newSid('CA'),
    accountSid: newSid('AC'),
    parentCallSid: null,
    to: 'sip:answer@127.0.0.1:5070',
    from: '+15550001111',
    status: CallStatus.Queued,
    direction: CallDirection.OutboundApi,
    startTime: null,
    endTime: null,
    duration: null,
    price: null,
    answeredBy: null,
    apiVersion: '2012-04-24',
    callerName: null,
    userData: null,
    forwardedFrom: null,
    phoneNumberSid: null,
    url: 'http://127.0.0.1:9/app.xml',
    method: 'POST',
    fallbackUrl: null,
    fallbackMethod: 'POST',
    statusCallback: null,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: null,
    timeout: 60,
    channelId: null,
    sipCallId: null,
    sipResponseCode: null,
    hangupCause: null,
    answerTime: null,
    dateCreated: new Date(),
    dateUpdated: new Date(),
    ...overrides,
  });
}
