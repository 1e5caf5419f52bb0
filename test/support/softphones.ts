// Real SIP softphones for the e2e tests, registered to the platform's SIP port on loopback:
// baresip (scripted through ctrl_tcp) and linphonec (scripted through its stdin, for attended transfer).
export { Baresip, type BaresipEvent, type BaresipOptions, type SipTraceMessage } from './softphones-baresip';
export { Linphonec, type LinphonecOptions } from './softphones-linphonec';
