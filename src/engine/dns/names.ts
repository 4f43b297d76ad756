// The length limits of a DNS name, checked in one place before a name is queried or dialled.
// Pure: the target parser uses it without loading the DNS codec.

/** RFC 1035 §2.3.4: 255 octets on the wire are 253 as text without the root dot; labels of 1 to 63. */
export const MAX_NAME_OCTETS = 253;
export const MAX_LABEL_OCTETS = 63;

export type DnsNameProblem = { kind: 'empty' } | { kind: 'too-long'; octets: number } | { kind: 'empty-label' } | { kind: 'label-too-long'; label: string; octets: number };

/** Why `name` (text form, no root dot) cannot be a DNS name, or null: the whole length first, then each label in order. */
export function dnsNameProblem(name: string): DnsNameProblem | null {
  if (name === '') return { kind: 'empty' };
  const octets = Buffer.byteLength(name);
  if (octets > MAX_NAME_OCTETS) return { kind: 'too-long', octets };
  for (const label of name.split('.')) {
    if (label === '') return { kind: 'empty-label' };
    const labelOctets = Buffer.byteLength(label);
    if (labelOctets > MAX_LABEL_OCTETS) return { kind: 'label-too-long', label, octets: labelOctets };
  }
  return null;
}
