// Distinguished names as text. Pure and free of crypto, so the report summary can name a
// certificate without loading the certificate parsers.

/**
 * The common name (CN) of a distinguished name, as Node prints it (one attribute a line) or as a
 * report shows it (`CN=a, O=b`: RFC 4514 order, commas inside a value escaped as `\,`); null
 * when the name has none.
 */
export function commonName(name: string | undefined): string | null {
  for (const attribute of (name ?? '').split(/\n|(?<!\\),\s*/)) {
    if (attribute.startsWith('CN=')) return attribute.slice(3).trim();
  }
  return null;
}
