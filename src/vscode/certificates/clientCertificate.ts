// The client certificate of netdiag.tls.clientCertificate, read for one connection: a PEM pair or
// PKCS#12. Passwords are asked in a hidden input box each time and never stored or logged.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClientCertificate } from '../../engine/tls/scan';
import type { ClientCertificateSetting } from '../config';

/** Undefined when none is set or it cannot be read (then a warning says so and the connection goes without). */
export async function loadClientCertificate(setting: ClientCertificateSetting | null): Promise<ClientCertificate | undefined> {
  if (!setting) return undefined;
  try {
    if (setting.pfxFile) {
      const pfx = await readFile(setting.pfxFile);
      const passphrase = await vscode.window.showInputBox({ title: `Password of the client certificate ${path.basename(setting.pfxFile)}`, prompt: 'Used for this connection only, never stored. Leave empty for none.', password: true, ignoreFocusOut: true });
      return passphrase ? { pfx, passphrase } : { pfx };
    }
    if (setting.certFile && setting.keyFile) {
      const [cert, key] = await Promise.all([readFile(setting.certFile, 'utf8'), readFile(setting.keyFile, 'utf8')]);
      if (!key.includes('ENCRYPTED')) return { cert, key };
      const passphrase = await vscode.window.showInputBox({ title: `Passphrase of ${path.basename(setting.keyFile)}`, prompt: 'Used for this connection only, never stored.', password: true, ignoreFocusOut: true });
      return passphrase ? { cert, key, passphrase } : { cert, key };
    }
  } catch (err) {
    void vscode.window.showWarningMessage(`Netdiag: the client certificate (netdiag.tls.clientCertificate) could not be read: ${err instanceof Error ? err.message : String(err)}. Connecting without one.`);
  }
  return undefined;
}
