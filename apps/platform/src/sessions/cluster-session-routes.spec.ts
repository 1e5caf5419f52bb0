import { SessionRoutes } from '../cluster/session-routes';
import { ClusterSessionRoutes } from './cluster-session-routes';
import type { LiveSessions } from './live-sessions';
import { sipxPairOf } from './sipx/sipx-session-route';

describe('the PBX families’ session paths (node-to-node forwarding)', () => {
  const routes = new SessionRoutes();
  const held = new Set(['cw-bridge-1']);
  new ClusterSessionRoutes(routes, {
    holds: (id: string) => held.has(id),
  } as unknown as LiveSessions).onModuleInit();
  const sessionOf = (path: string) => routes.routeOf(path)?.sessionOf(path) ?? null;

  it('reads the RingCentral telephony session of a path, whatever follows it', () => {
    expect(sessionOf('/restapi/v1.0/account/~/telephony/sessions/cw-bridge-1')).toBe('cw-bridge-1');
    expect(sessionOf('/restapi/v1.0/account/AC1/telephony/sessions/cw-bridge-1/parties/p/hold')).toBe(
      'cw-bridge-1',
    );
    expect(sessionOf('/restapi/v1.0/account/~/telephony/call-out')).toBeNull();
    expect(routes.routeOf('/restapi/v1.0/account/~/telephony/call-out')).toBeDefined();
  });

  it('reads the PortSIP session of a path; `directly` and the list name none', () => {
    expect(sessionOf('/api/sessions/cw-bridge-1/attended_refer')).toBe('cw-bridge-1');
    expect(sessionOf('/api/sessions/directly')).toBeNull();
    expect(sessionOf('/api/sessions')).toBeNull();
    expect(sessionOf('/api/sessions/bad%zz')).toBeNull();
    expect(routes.routeOf('/2010-04-01/Accounts/AC1/Calls.json')).toBeUndefined();
  });

  it('asks LiveSessions whether the node holds the session', () => {
    const route = routes.routeOf('/api/sessions/x')!;
    expect(route.holds('cw-bridge-1')).toBe(true);
    expect(route.holds('cw-bridge-2')).toBe(false);
  });

  it('names a sipX call by its two users, the calling user without its domain', () => {
    expect(sipxPairOf('/callcontroller/1001@pbx.example.com/1002')).toBe('1001\u00001002');
    expect(sipxPairOf('/sipxconfig/rest/my/redirect/callcontroller/sip:1001/1002/')).toBe('1001\u00001002');
    expect(sipxPairOf('/callcontroller/1001')).toBeNull();
  });
});
