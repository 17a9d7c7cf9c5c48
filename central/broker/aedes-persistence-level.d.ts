// aedes-persistence-level 9.2.0 ships no types: a function from an abstract-level database (level 10) to an
// aedes persistence whose destroy() closes the database.
declare module 'aedes-persistence-level' {
  interface LevelPersistence {
    destroy(): Promise<void>;
  }
  function persistence(db: unknown): LevelPersistence;
  export = persistence;
}
