// PostgreSQL plumbing shared by the migrator, writer and reader: schema names, advisory lock keys, and
// int8 parsed as a JavaScript number (timestamps and sequences stay far below 2^53).
import { createHash } from 'node:crypto';
import pg from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class BadSchemaNameError extends Error {
  constructor(readonly schema: string) {
    super(`schema name "${schema}" is not allowed: lower-case letters, digits and "_", starting with a letter or "_", up to 63`);
    this.name = 'BadSchemaNameError';
  }
}

/** The quoted schema name; only plain lower-case identifiers are accepted, so nothing needs escaping. */
export function schemaIdent(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new BadSchemaNameError(schema);
  return `"${schema}"`;
}

/**
 * A 64-bit advisory lock key for a name within a schema. Advisory locks are database-wide, so the schema
 * is part of the key: deployments sharing a database do not wait for each other.
 */
export function lockKey(schema: string, name: string): string {
  return createHash('sha256').update(`joulebook\u0000${schema}\u0000${name}`).digest().readBigInt64BE(0).toString();
}

const INT8_OID = 20;

export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};
