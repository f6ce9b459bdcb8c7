package dev.vigil.store;

/** What an upsert did to the stored row. */
public enum Change {
    /** There was no row; one was inserted. */
    CREATED,
    /** The row existed and differed; it was replaced. */
    UPDATED,
    /** The row existed and was equal; nothing was written. */
    UNCHANGED
}
