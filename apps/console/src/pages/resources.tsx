import { useEffect, useState } from 'preact/hooks';
import { Row, resources } from '../api';
import { isSecretField, text, time } from '../format';

interface Column {
  key: string;
  label: string;
  render?: (row: Row) => string;
}

const SECTIONS: Array<{ id: keyof typeof resources; title: string; list: string; columns: Column[] }> = [
  {
    id: 'extensions',
    title: 'Extensions',
    list: 'extensions',
    columns: [
      { key: 'extensionNumber', label: 'Extension' },
      { key: 'displayName', label: 'Name' },
      { key: 'registered', label: 'Registration', render: (r) => (r.registered ? 'registered' : 'not registered') },
      { key: 'contact', label: 'Contact', render: (r) => registrations(r, 'contact') },
      { key: 'userAgent', label: 'User agent', render: (r) => registrations(r, 'userAgent') },
      { key: 'expiresAt', label: 'Expires', render: (r) => registrations(r, 'expiresAt') },
    ],
  },
  {
    id: 'numbers',
    title: 'Numbers',
    list: 'numbers',
    columns: [
      { key: 'phoneNumber', label: 'Number' },
      { key: 'friendlyName', label: 'Name' },
      { key: 'voiceUrl', label: 'Voice URL', render: (r) => `${r.voiceMethod ?? ''} ${text(r.voiceUrl)}` },
      { key: 'voiceApplicationSid', label: 'Application' },
      { key: 'statusCallback', label: 'Status callback' },
    ],
  },
  {
    id: 'applications',
    title: 'Applications',
    list: 'applications',
    columns: [
      { key: 'sid', label: 'SID' },
      { key: 'friendlyName', label: 'Name' },
      { key: 'voiceUrl', label: 'Voice URL', render: (r) => `${r.voiceMethod ?? ''} ${text(r.voiceUrl)}` },
      { key: 'statusCallback', label: 'Status callback' },
    ],
  },
  {
    id: 'subscriptions',
    title: 'Subscriptions',
    list: 'subscriptions',
    columns: [
      { key: 'id', label: 'ID' },
      { key: 'address', label: 'Delivery address' },
      { key: 'eventFilters', label: 'Events', render: (r) => ((r.eventFilters as string[] | undefined) ?? []).join('\n') },
      { key: 'status', label: 'Status' },
      { key: 'health', label: 'Delivery health', render: (r) => health(r) },
      { key: 'expirationTime', label: 'Expires', render: (r) => time(r.expirationTime as string) },
    ],
  },
];

/** One line per registered contact of the extension (a phone may register from several devices). */
function registrations(row: Row, field: 'contact' | 'userAgent' | 'expiresAt'): string {
  const list = (row.registrations as Row[] | undefined) ?? [];
  if (list.length === 0) return '—';
  return list.map((r) => (field === 'expiresAt' ? time(r.expiresAt as string) : text(r[field]))).join('\n');
}

/** Deliveries of the last 24 h, the last answer and why the last one failed. */
function health(row: Row): string {
  const d = row.delivery as Row | undefined;
  if (!d) return '—';
  const failures = Number(d.failuresLast24h ?? 0);
  const deliveries = Number(d.deliveriesLast24h ?? 0);
  const state = failures === 0 ? (deliveries === 0 ? 'no deliveries yet' : 'healthy') : failures < deliveries ? 'degraded' : 'failing';
  const parts = [
    state,
    `${deliveries} delivered, ${failures} failed (24 h)`,
    d.lastHttpStatus ? `last HTTP ${d.lastHttpStatus} ${time(d.lastAt as string)}` : undefined,
    d.lastFailure ? `last failure: ${d.lastFailure}` : undefined,
    row.suspendedReason ? `suspended: ${row.suspendedReason}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}

function Section({ section }: { section: (typeof SECTIONS)[number] }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    resources[section.id]().then(
      (answer) => setRows(((answer as Record<string, Row[]>)[section.list] ?? []) as Row[]),
      (caught: Error) => setError(caught.message),
    );
  }, [section.id]);
  const heading = `res-${section.id}`;
  return (
    <section aria-labelledby={heading} class="resource">
      <h2 id={heading}>{section.title}</h2>
      {error && <p class="error">{error}</p>}
      {rows === null && !error && <p class="loading">Loading…</p>}
      {rows && rows.length === 0 && <p>None.</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={heading}>
          <table data-resource={section.id}>
            <thead>
              <tr>
                {section.columns.map((c) => (
                  <th scope="col">{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  {section.columns.map((c) => (
                    <td>{isSecretField(c.key) ? '••••' : c.render ? c.render(row) : text(row[c.key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function Resources() {
  return (
    <section>
      <h1 tabIndex={-1}>Extensions, numbers, applications and subscriptions</h1>
      {SECTIONS.map((section) => (
        <Section section={section} key={section.id} />
      ))}
    </section>
  );
}
