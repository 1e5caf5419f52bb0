import {
  addressUri,
  answerSdp,
  buildBye,
  buildResponse,
  dialogOf,
  header,
  parseRequest,
  parseResponse,
  tagOf,
  uriUser,
} from './sip-message';

// An INVITE as Asterisk's chan_pjsip sends it (trimmed), with a folded header and compact forms.
const INVITE = [
  'INVITE sip:ans-p12@127.0.0.1:40000 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKPjabc, SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKold',
  'f: <sip:+15550001111@127.0.0.1>;tag=from-tag-1',
  'To: <sip:ans-p12@127.0.0.1:40000>',
  'm: <sip:asterisk@127.0.0.1:5060>',
  'i: call-id-1@host',
  'CSeq: 7 INVITE',
  'Record-Route: <sip:proxy.example;lr>',
  'Subject: a folded',
  '  header',
  'Content-Type: application/sdp',
  'l: 7',
  '',
  'v=0\r\nxxTRAILING',
].join('\r\n');

describe('live bench SIP messages', () => {
  it('parses a request: method, URI, compact and repeated headers, folding, body by Content-Length', () => {
    const request = parseRequest(INVITE)!;
    expect(request.method).toBe('INVITE');
    expect(request.uri).toBe('sip:ans-p12@127.0.0.1:40000');
    expect(request.headers.get('via')).toEqual([
      'SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKPjabc',
      'SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKold',
    ]);
    expect(header(request, 'From')).toBe('<sip:+15550001111@127.0.0.1>;tag=from-tag-1');
    expect(header(request, 'call-id')).toBe('call-id-1@host');
    expect(header(request, 'subject')).toBe('a folded header');
    expect(request.body).toBe('v=0\r\nxx');
    expect(parseRequest('SIP/2.0 200 OK\r\n\r\n')).toBeNull();
    expect(parseRequest('\r\n\r\n')).toBeNull();
  });

  it('parses a response', () => {
    const response = parseResponse(
      'SIP/2.0 200 OK\r\nCSeq: 2 BYE\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n',
    )!;
    expect(response.status).toBe(200);
    expect(header(response, 'cseq')).toBe('2 BYE');
    expect(parseResponse(INVITE)).toBeNull();
  });

  it('reads URI users, tags and addresses', () => {
    expect(uriUser('sip:busy-r7@127.0.0.1:5099')).toBe('busy-r7');
    expect(uriUser('<sip:a%2Db@host>')).toBe('a-b');
    expect(uriUser('sip:127.0.0.1')).toBe('');
    expect(tagOf('<sip:a@b>;tag=xyz;other=1')).toBe('xyz');
    expect(tagOf('<sip:a@b>')).toBeUndefined();
    expect(addressUri('"Bob" <sip:bob@host:5060;transport=udp>;expires=3')).toBe(
      'sip:bob@host:5060;transport=udp',
    );
    expect(addressUri('sip:bob@host;lr')).toBe('sip:bob@host');
  });

  it('builds a final response with every Via, the To tag added once, Contact and SDP length', () => {
    const request = parseRequest(INVITE)!;
    const sdp = answerSdp('127.0.0.1', 30000, 5);
    const text = buildResponse(request, 200, {
      toTag: 'our-tag',
      contact: 'sip:ans-p12@127.0.0.1:40000',
      sdp,
    });
    const response = parseResponse(text)!;
    expect(response.status).toBe(200);
    expect(response.reason).toBe('OK');
    expect(response.headers.get('via')).toEqual(request.headers.get('via'));
    expect(header(response, 'to')).toBe('<sip:ans-p12@127.0.0.1:40000>;tag=our-tag');
    expect(header(response, 'from')).toBe(header(request, 'from'));
    expect(header(response, 'cseq')).toBe('7 INVITE');
    expect(header(response, 'contact')).toBe('<sip:ans-p12@127.0.0.1:40000>');
    expect(Number(header(response, 'content-length'))).toBe(Buffer.byteLength(sdp));
    expect(response.body).toBe(sdp);
    expect(sdp).toContain('m=audio 30000 RTP/AVP 0 101\r\n');
    expect(sdp).toContain('c=IN IP4 127.0.0.1\r\n');

    const busy = parseResponse(buildResponse(request, 486, { toTag: 't' }))!;
    expect(busy.reason).toBe('Busy Here');
    expect(header(busy, 'content-length')).toBe('0');
    // A To that already has a tag (in-dialog) keeps it; 100 Trying never gets one.
    const tagged = parseRequest(
      INVITE.replace('To: <sip:ans-p12@127.0.0.1:40000>', 'To: <sip:x@y>;tag=old'),
    )!;
    expect(header(parseResponse(buildResponse(tagged, 200, { toTag: 'new' }))!, 'to')).toBe(
      '<sip:x@y>;tag=old',
    );
    expect(header(parseResponse(buildResponse(request, 100, { toTag: 'new' }))!, 'to')).toBe(
      '<sip:ans-p12@127.0.0.1:40000>',
    );
  });

  it('builds the in-dialog BYE of the UAS side: to the Contact, tags swapped, routes kept', () => {
    const dialog = dialogOf(parseRequest(INVITE)!, 'our-tag');
    dialog.cseq += 1;
    const bye = parseRequest(buildBye(dialog, '127.0.0.1:40000', 'b1'))!;
    expect(bye.method).toBe('BYE');
    expect(bye.uri).toBe('sip:asterisk@127.0.0.1:5060');
    expect(header(bye, 'from')).toBe('<sip:ans-p12@127.0.0.1:40000>;tag=our-tag');
    expect(header(bye, 'to')).toBe('<sip:+15550001111@127.0.0.1>;tag=from-tag-1');
    expect(header(bye, 'call-id')).toBe('call-id-1@host');
    expect(header(bye, 'cseq')).toBe('2 BYE');
    expect(header(bye, 'route')).toBe('<sip:proxy.example;lr>');
    expect(header(bye, 'via')).toBe('SIP/2.0/UDP 127.0.0.1:40000;rport;branch=z9hG4bKb1');
  });
});
