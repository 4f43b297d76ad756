// The layer rules of docs/architecture.md hold in the linter: an import that crosses a boundary is
// an error in each layer, and the imports each layer is meant to make pass. (The compiler holds
// the same boundaries through one tsconfig per layer; `npm run typecheck` builds them all.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '../..');
let eslint: ESLint;

before(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The import rule's messages for `code` linted as if it were the file `file`. */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries in the linter', () => {
  const rejected: [string, string][] = [
    ['src/engine/probe.ts', "import { createLog } from '../vscode/log';\nexport const x = createLog;\n"],
    ['src/engine/dns/probe.ts', "import { terminal } from '../../cli/terminal';\nexport const x = terminal;\n"],
    ['src/engine/probe.ts', "import type { HostToWebview } from '../protocol/reportView';\nexport type X = HostToWebview;\n"],
    ['src/engine/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
    ['src/protocol/view.ts', "import { finding } from '../engine/findings';\nexport const x = finding;\n"],
    ['src/protocol/view.ts', "import { terminal } from '../cli/terminal';\nexport const x = terminal;\n"],
    ['src/cli/commands/x.ts', "import { loadEngine } from '../../vscode/loadEngine';\nexport const x = loadEngine;\n"],
    ['src/cli/x.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
    ['src/vscode/x.ts', "import { terminal } from '../cli/terminal';\nexport const x = terminal;\n"],
    ['webview/report/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['webview/report/x.ts', "import { exportReport } from '../../src/engine/export';\nexport const x = exportReport;\n"],
    ['webview/report/x.ts', "import { createLog } from '../../src/vscode/log';\nexport const x = createLog;\n"],
  ];
  for (const [file, code] of rejected) {
    it(`rejects in ${file}: ${code.split('\n')[0]}`, async () => {
      assert.equal((await importErrors(file, code)).length, 1);
    });
  }

  const allowed: [string, string][] = [
    ['src/engine/probe.ts', "import { finding } from './findings';\nexport const x = finding;\n"],
    ['src/protocol/view.ts', "import type { Report } from '../engine/report';\nexport type X = Report;\n"],
    ['src/cli/x.ts', "import { diagnose } from '../engine/diagnose';\nexport const x = diagnose;\n"],
    ['src/vscode/x.ts', "import * as vscode from 'vscode';\nimport { isWebviewToHost } from '../protocol/reportView';\nexport const x = [vscode, isWebviewToHost];\n"],
    ['webview/report/x.ts', "import type { Report } from '../../src/engine/report';\nimport { certificateRows } from '../../src/protocol/certificateView';\nexport const x: [Report | null, unknown] = [null, certificateRows];\n"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code.split('\n')[0]}`, async () => {
      assert.deepEqual(await importErrors(file, code), []);
    });
  }
});
