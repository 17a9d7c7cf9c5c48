// Operators' contract edits over the inventory's contracts, in the order they were made: a new contract,
// or the next version of one, which takes over from its validFrom (an open or later-ending version before
// it ends there, as a tariff version does). Pure; the model built from the result checks what the
// contracts refer to and that they do not overlap (resolve.ts).
import { Contract, type ContractEdit, type ContractVersion } from './schema.js';

export interface AppliedContractEdits {
  contracts: Contract[];
  /** The ids of the contracts the edits made or added versions to, so a problem can say it is theirs. */
  edited: ReadonlySet<string>;
  problems: string[];
}

const sameSites = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((s, i) => s === b[i]));

/** What the contract becomes, for the schema to check, or why it cannot. */
type Next = { input: unknown } | { problems: string[] };

/** A new contract of one version: its customer is needed. */
function newContract(e: ContractEdit): Next {
  if (e.customer === undefined) return { problems: ['customer: a new contract needs its customer'] };
  const input = {
    id: e.contract,
    customer: e.customer,
    ...(e.account !== undefined ? { account: e.account } : {}),
    ...(e.sites !== undefined ? { sites: e.sites } : {}),
    versions: [e.version],
  };
  return { input };
}

/** The contract with the edit's version appended, or why not. */
function nextVersion(c: Contract, e: ContractEdit): Next {
  const problems: string[] = [];
  const fixed = "is the same for all of a contract's versions; another one is another contract";
  if (e.customer !== undefined && e.customer !== c.customer) problems.push(`customer: is "${c.customer}", not "${e.customer}": ${fixed}`);
  if (e.account !== undefined && e.account !== c.account)
    problems.push(`account: is ${c.account === undefined ? "the customer's default" : `"${c.account}"`}, not "${e.account}": ${fixed}`);
  if (e.sites !== undefined && !sameSites(e.sites, c.sites))
    problems.push(`sites: are ${c.sites === undefined ? 'every site' : c.sites.join(', ')}, not ${e.sites.join(', ')}: ${fixed}`);
  const v = e.version;
  const last = c.versions[c.versions.length - 1]!;
  if (v.validFrom <= last.validFrom)
    problems.push(
      `version.validFrom: ${v.validFrom} must be after the latest version's (${last.version}: ${last.validFrom}); history is superseded, never rewritten`,
    );
  if (c.versions.some((x) => x.version === v.version)) problems.push(`version.version: "${v.version}" is a version of it already`);
  if (problems.length > 0) return { problems };
  const ended = (x: ContractVersion): ContractVersion =>
    x.validTo === undefined || x.validTo > v.validFrom ? { ...x, validTo: v.validFrom } : x;
  return { input: { ...c, versions: [...c.versions.map(ended), v] } };
}

export function applyContractEdits(base: readonly Contract[], edits: readonly ContractEdit[]): AppliedContractEdits {
  const contracts = [...base];
  const edited = new Set<string>();
  const problems: string[] = [];
  for (const e of edits) {
    const where = `contract "${e.contract}"`;
    const i = contracts.findIndex((c) => c.id === e.contract);
    const next = i < 0 ? newContract(e) : nextVersion(contracts[i]!, e);
    if ('problems' in next) {
      problems.push(...next.problems.map((p) => `${where}.${p}`));
      continue;
    }
    const parsed = Contract.safeParse(next.input);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((x) => `${where}.${x.path.join('.')}: ${x.message}`));
      continue;
    }
    if (i < 0) contracts.push(parsed.data);
    else contracts[i] = parsed.data;
    edited.add(e.contract);
  }
  return { contracts, edited, problems };
}
