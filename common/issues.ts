// One shape for every configuration problem, so a user sees `file: path: message` for all of them at once.
import type { z } from 'zod';

export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
}

/** `devices[2].profile` from zod's path segments. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

export function issuesFromZod(file: string, error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((i) => ({ file, path: formatPath([...prefix, ...i.path]), message: i.message }));
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.file}: ${i.path}: ${i.message}`).join('\n');
}

/** Thrown at the edge that read the files; carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(`${issues.length} configuration problem(s):\n${formatIssues(issues)}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
