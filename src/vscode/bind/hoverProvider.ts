// Hovers over URLs, host:port, bind values and port mappings in config files: what the value is,
// what its address means, the findings at that spot, a short DNS answer for names (cached; 300 ms,
// then "resolving…"; never in an untrusted workspace or with netdiag.bind.hoverDnsLookups off),
// and links to Diagnose Endpoint and the Bind Map.
import { promises as dns } from 'node:dns';
import * as vscode from 'vscode';
import type { HoverSpot } from '../../engine/bind/hover';
import { createHoverResolver } from '../../engine/bind/hoverDns';
import type { ConfigSource } from '../config';
import { loadBind } from './loadBind';
import type { WorkspaceBindAnalysis } from './workspaceAnalysis';

export const SHOW_IN_BIND_MAP = 'netdiag.showInBindMap';
const DNS_BUDGET_MS = 300;
const DNS_TTL_MS = 60_000;

/** Config languages (and file patterns for the ones without a language of their own). */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  ...['json', 'jsonc', 'yaml', 'dockercompose', 'toml', 'ini', 'properties', 'dotenv', 'dockerfile', 'nginx', 'xml', 'java-properties', 'spring-boot-properties', 'spring-boot-properties-yaml'].map((language) => ({ language })),
  { pattern: '**/*.{conf,cnf,env,nginx}' },
  { pattern: '**/{.env,.env.*,Procfile,Procfile.*,Dockerfile,Dockerfile.*}' },
];

export function registerBindHover(analysis: WorkspaceBindAnalysis, config: ConfigSource): vscode.Disposable {
  const resolve = createHoverResolver(
    async (name) => (await dns.lookup(name, { all: true, verbatim: true })).map((a) => a.address),
    { budgetMs: DNS_BUDGET_MS, ttlMs: DNS_TTL_MS },
  );

  return vscode.languages.registerHoverProvider(CONFIG_SELECTOR, {
    async provideHover(document, position, token) {
      analysis.flush(document);
      const found = analysis.modelFor(document.uri);
      let model = found?.model ?? null;
      const file = found?.file ?? analysis.fileOf(document.uri);
      if (!found) {
        // Outside a folder (or before the first scan): analyse this one file on its own.
        const { BindAnalysis } = loadBind();
        const single = new BindAnalysis();
        single.update(file, document.getText());
        model = single.model({ interfaces: null, live: null });
      }
      const spot = loadBind().hoverAt(model, file, document.getText(), document.offsetAt(position));
      if (!spot || token.isCancellationRequested) return undefined;
      let dnsLine: string | null = null;
      if (spot.name !== null) {
        if (!vscode.workspace.isTrusted) dnsLine = 'DNS: not looked up in an untrusted workspace';
        else if (!config.current.bindHoverDnsLookups) dnsLine = 'DNS: lookups in hovers are off (netdiag.bind.hoverDnsLookups)';
        else {
          const answer = await resolve(spot.name);
          dnsLine = `DNS: ${spot.name} → ${answer ?? 'resolving…'}`;
        }
      }
      return new vscode.Hover(render(spot, dnsLine), new vscode.Range(document.positionAt(spot.start), document.positionAt(spot.end)));
    },
  });
}

/** Config text is data: every piece of it goes through appendText (escaped), never appendMarkdown. */
function render(spot: HoverSpot, dnsLine: string | null): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: ['netdiag.diagnoseEndpoint', SHOW_IN_BIND_MAP] };
  md.appendMarkdown('**Netdiag** · ');
  md.appendText(spot.title);
  md.appendMarkdown('\n\n');
  md.appendMarkdown(spot.findings.length === 0 ? '$(pass) ' : spot.findings.some((f) => f.severity === 'error') ? '$(error) ' : '$(warning) ');
  md.appendText(spot.verdict);
  md.appendMarkdown('\n\n');
  md.appendText(spot.meaning);
  for (const f of spot.findings) {
    md.appendMarkdown('\n\n---\n\n');
    md.appendMarkdown(`**${f.code}** · `);
    md.appendText(f.message);
  }
  if (dnsLine !== null) {
    md.appendMarkdown('\n\n');
    md.appendText(dnsLine);
  }
  const links: string[] = [];
  if (spot.target !== null) links.push(`[$(pulse) Diagnose Endpoint](command:netdiag.diagnoseEndpoint?${encodeURIComponent(JSON.stringify([spot.target]))} "Diagnose this endpoint")`);
  links.push(`[$(type-hierarchy) Show in Bind Map](command:${SHOW_IN_BIND_MAP}?${encodeURIComponent(JSON.stringify([spot.service?.id ?? null]))} "Show in Bind Map")`);
  md.appendMarkdown(`\n\n${links.join(' · ')}`);
  return md;
}
