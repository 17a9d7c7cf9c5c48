// Which user made the state a client id holds in the broker's database: a persistent session (its
// subscriptions and queued messages) or a Last Will. aedes keys that state by client id alone, so without
// this any user could resume another's session, and a will restored after a restart would be published
// with no user to check it against. Kept in the broker's own level database (a sublevel apart from
// aedes-persistence-level's keys), written before the state it describes, read into memory at start.
import type { Level } from 'level';

/** The part of a level database used here (a sublevel of the broker's). */
interface OwnerDb {
  put(key: string, value: string): Promise<void>;
  del(key: string): Promise<void>;
  iterator(): AsyncIterable<[string, string]>;
}

export class ClientOwners {
  private readonly owners = new Map<string, string>();

  private constructor(private readonly db: OwnerDb) {}

  static async open(root: Level<string, unknown>): Promise<ClientOwners> {
    const db = root.sublevel<string, string>('joulebook-client-owners', { valueEncoding: 'utf8' }) as unknown as OwnerDb;
    const owners = new ClientOwners(db);
    for await (const [clientId, username] of db.iterator()) owners.owners.set(clientId, username);
    return owners;
  }

  ownerOf(clientId: string): string | undefined {
    return this.owners.get(clientId);
  }

  get size(): number {
    return this.owners.size;
  }

  async bind(clientId: string, username: string): Promise<void> {
    if (this.owners.get(clientId) === username) return;
    await this.db.put(clientId, username);
    this.owners.set(clientId, username);
  }

  /** Only the owner's clean session (no session, no will left) releases the client id. */
  async release(clientId: string, username: string): Promise<void> {
    if (this.owners.get(clientId) !== username) return;
    this.owners.delete(clientId);
    await this.db.del(clientId);
  }
}
