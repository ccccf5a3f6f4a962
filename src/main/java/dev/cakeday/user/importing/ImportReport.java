package dev.cakeday.user.importing;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The answer to a bulk import. */
record ImportReport(
        @Schema(description = "Data rows read (the header line not counted)") long received,
        @Schema(description = "Users created") long imported,
        @Schema(
                        description =
                                "Rows refused: invalid fields, an email repeated in the file, or taken by an existing user")
                long rejected,
        @Schema(
                        description =
                                "Of the rejected rows, those whose email belongs to an existing user (not overwritten)")
                long conflicts,
        @Schema(description = "How many errors there are in all (a row can have several)")
                long errorCount,
        @Schema(description = "The first " + ImportReport.MAX_ERRORS + " errors, by row")
                List<ImportError> errors) {

    static final int MAX_ERRORS = 100;
}
