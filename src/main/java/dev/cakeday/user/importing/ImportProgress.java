package dev.cakeday.user.importing;

/**
 * Told how far an import has got: rows read and bytes read so far, then each later step by name.
 */
interface ImportProgress {

    ImportProgress NONE = new ImportProgress() {};

    default void rowsRead(long rows, long bytes) {}

    default void step(String description) {}
}
