package dev.cakeday.user.importing;

import dev.cakeday.user.FieldViolation;
import dev.cakeday.user.UserRequest;
import java.util.List;

/** One data row of an import as read: the request it holds, or why it could not be read as one. */
record ImportRow(long number, UserRequest request, List<FieldViolation> unreadable) {

    static ImportRow of(long number, UserRequest request) {
        return new ImportRow(number, request, List.of());
    }

    static ImportRow unreadable(long number, String field, String reason) {
        return new ImportRow(number, null, List.of(new FieldViolation(field, reason)));
    }
}
