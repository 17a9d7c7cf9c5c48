// aedes-persistence-level 9.2.0 ships no types: a function from an abstract-level database (level 10) to an
// aedes persistence whose destroy() closes the database. Only the methods this project calls are declared.
declare module 'aedes-persistence-level' {
  namespace persistence {
    /** A Last Will as stored at CONNECT: the will packet plus the client id and broker instance that set it. */
    interface StoredWill {
      topic: string;
      payload: Buffer;
      qos: 0 | 1 | 2;
      retain: boolean;
      clientId: string;
      brokerId: string;
    }
    interface LevelPersistence {
      destroy(): Promise<void>;
      /** Every stored will (no argument), or those of broker instances not in `brokers`. */
      streamWill(brokers?: Record<string, number>): AsyncIterable<StoredWill>;
      delWill(client: { id: string }): Promise<StoredWill | undefined>;
      subscriptionsByClient(client: { id: string }): Promise<unknown[]>;
    }
  }
  function persistence(db: unknown): persistence.LevelPersistence;
  export = persistence;
}
