package dev.cakeday.user.importing;

/**
 * Why one row of an import was refused: its number (1 = the first data row), the field and the
 * reason.
 */
record ImportError(long row, String field, String reason) {}
