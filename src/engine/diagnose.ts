// The orchestrator: runs the probes for one target as early as their inputs exist and builds
// the Report. (Being written; the signature is the contract the views rely on.)
import type { DiagnoseOptions } from './options';
import type { Report } from './report';
import type { ParsedTarget } from './target';

export async function diagnose(parsed: ParsedTarget, options: DiagnoseOptions): Promise<Report> {
  void parsed;
  void options;
  throw new Error('not implemented yet');
}
