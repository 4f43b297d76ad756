// What the Certificates view, its commands and the certificate viewer do with the engine: check a
// file (no network), check an endpoint, scan it, ask its OCSP responder or fetch a missing
// intermediate (network, only on a user's action, after a confirmation in an untrusted
// workspace), and take the chain of a Diagnose Endpoint report. Passwords are asked for each use
// and never stored or logged.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertCheck } from '../../engine/model/certCheck';
import type { Report } from '../../engine/model/report';
import { parseTlsEndpoint, TargetError } from '../../engine/target';
import type { CertCheckOptions } from '../../engine/tls/certCheck';
import type { CertificateViewState } from '../../protocol/certificateView';
import { errorMessage, proxyConfig, toSetupInput } from '../config';
import type { ConfigSource } from '../config';
import { loadEngine, optionsFor } from '../loadEngine';
import type { UntrustedGate } from '../untrustedGate';
import { loadClientCertificate } from './clientCertificate';
import type { CertificateEntries } from './entries';

export interface EndpointActions {
  scan?: boolean;
  checkRevocation?: boolean;
  fetchMissingIssuer?: boolean;
}

export class CertificateServices {
  constructor(
    readonly entries: CertificateEntries,
    private readonly config: ConfigSource,
    private readonly log: vscode.LogOutputChannel,
    private readonly gate: UntrustedGate,
  ) {}

  /** Checks a certificate file and lists it; never touches the network. */
  async inspectFile(uri: vscode.Uri): Promise<Omit<CertificateViewState, 'title'>> {
    const name = path.basename(uri.path);
    const engine = loadEngine();
    let bytes: Buffer;
    try {
      // The size first: a huge file is never read (certFileTooLarge says why).
      const tooLarge = engine.certFileTooLarge(name, (await vscode.workspace.fs.stat(uri)).size);
      if (tooLarge !== null) return { check: null, error: `${tooLarge}.` };
      bytes = Buffer.from(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      return { check: null, error: `${name} could not be read: ${errorMessage(err)}` };
    }
    let password: string | undefined;
    if (engine.isPkcs12(bytes)) {
      password = await vscode.window.showInputBox({ title: `Password of ${name}`, prompt: 'PKCS#12 files are encrypted. The password is used once and never stored.', password: true, ignoreFocusOut: true });
      if (password === undefined) return { check: null, error: `${name} is a PKCS#12 file; its password is needed to read it.` };
    }
    try {
      const base = await this.baseOptions();
      const check = await engine.checkFile(bytes, name, { ...base, ...(password !== undefined ? { password } : {}) });
      this.entries.add(check, uri);
      this.log.info(`Certificate file ${name}: ${check.verdict}`);
      return { check };
    } catch (err) {
      // CertParseError and CertPasswordError carry plain messages without the password.
      this.log.warn(`Certificate file ${name}: ${errorMessage(err)}`);
      return { check: null, error: `${name}: ${errorMessage(err)}` };
    }
  }

  /** Checks an endpoint (`host:port`, URL or host) under a progress notification and lists it. */
  async inspectEndpoint(input: string, actions: EndpointActions = {}): Promise<CertCheck | undefined> {
    let endpoint: { host: string; port: number; servername: string | null };
    try {
      endpoint = parseTlsEndpoint(input);
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      void vscode.window.showErrorMessage(`Netdiag: ${err.message}`);
      return undefined;
    }
    const { host, port, servername } = endpoint;
    const label = `${host}:${port}`;
    const extra = actions.checkRevocation ? " and ask the certificate authority's OCSP responder" : actions.fetchMissingIssuer ? ' and download the missing certificate from the address the certificate names' : '';
    if (!(await this.gate.allow({ question: `Connect to ${label}?`, detail: `Netdiag will connect to ${label} from this machine${extra}.`, confirm: 'Connect' }))) return undefined;
    const what = actions.scan ? 'scanning the TLS configuration of' : actions.checkRevocation ? 'checking revocation for' : 'checking the certificate of';
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Netdiag: ${what} ${label}`, cancellable: true }, async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const base = await this.baseOptions();
        const clientCertificate = await loadClientCertificate(this.config.current.clientCertificate);
        const options: CertCheckOptions = { ...base, ...actions, signal: controller.signal, ...(clientCertificate ? { clientCertificate } : {}) };
        const check = await loadEngine().checkEndpoint(host, port, servername, options);
        this.entries.add(check);
        this.log.info(`Certificate of ${label}: ${check.verdict}${check.scan ? ` (scan: grade ${check.scan.grade.grade}, ${check.scan.handshakes} handshakes in ${check.scan.durationMs} ms)` : ''}`);
        await vscode.commands.executeCommand('netdiag.certificates.focus');
        return check;
      } catch (err) {
        this.log.error(`Certificate of ${label} failed: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Netdiag: ${errorMessage(err)}`);
        return undefined;
      } finally {
        sub.dispose();
      }
    });
  }

  /** Lists the chain a finished Diagnose Endpoint report holds (no new connection). */
  async addReport(report: Report): Promise<void> {
    if (!report.complete || !report.tls || report.tls.chain.length === 0) return;
    try {
      const { options } = await loadEngine().prepareOptions(toSetupInput(this.config.current));
      const check = loadEngine().checkFromReport(report, options.trust);
      if (check) this.entries.add(check);
    } catch (err) {
      this.log.warn(`Certificates view: the chain of ${report.target.url} could not be listed: ${errorMessage(err)}`);
    }
  }

  private async baseOptions(): Promise<Omit<CertCheckOptions, 'signal'>> {
    const settings = this.config.current;
    const engine = loadEngine();
    const { options, warnings } = await optionsFor(toSetupInput(settings));
    for (const w of [...settings.warnings, ...warnings]) this.log.warn(w);
    // The proxy a diagnosis would use reaches the endpoint, the OCSP responder and the AIA URL too.
    return { ...engine.certCheckOptions(options), proxy: proxyConfig() };
  }
}
