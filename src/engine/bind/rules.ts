// The bind rules as a table: one function per finding code. Each compares what a server binds with
// how clients reach it and says, in plain words, why the two differ. A rule fires only on a
// concrete contradiction in the configs (or between the configs and this machine); a right config
// gives no finding. The rules read the model and never each other's results.
import type { FindingCode } from '../findings';
import type { BindFinding, BindModel } from '../model/bind';
import { ruleInput, type BindRule, type RuleContext } from './ruleInput';
import { addressNotLocal, hostnameBind, liveMismatch, loopbackInContainer, nameMeansAllInterfaces, privilegedPort } from './rules/binds';
import { localhostFamilyMismatch, localhostInContainer, unknownTarget } from './rules/clients';
import { allInterfacesExposed, portConflict, portMismatch } from './rules/ports';

export const BIND_RULES = {
  BIND_LOOPBACK_IN_CONTAINER: loopbackInContainer,
  BIND_HOSTNAME: hostnameBind,
  BIND_NAME_ALL_INTERFACES: nameMeansAllInterfaces,
  BIND_ADDRESS_NOT_LOCAL: addressNotLocal,
  BIND_PRIVILEGED_PORT: privilegedPort,
  BIND_ALL_INTERFACES_EXPOSED: allInterfacesExposed,
  BIND_PORT_MISMATCH: portMismatch,
  BIND_PORT_CONFLICT: portConflict,
  CLIENT_LOCALHOST_IN_CONTAINER: localhostInContainer,
  BIND_LOCALHOST_FAMILY_MISMATCH: localhostFamilyMismatch,
  CLIENT_UNKNOWN_TARGET: unknownTarget,
  BIND_LIVE_MISMATCH: liveMismatch,
} as const satisfies Partial<Record<FindingCode, BindRule>>;

export function runRules(model: Omit<BindModel, 'findings'>, ctx: RuleContext): BindFinding[] {
  const input = ruleInput(model, ctx);
  return Object.values(BIND_RULES).flatMap((rule) => rule(input));
}
