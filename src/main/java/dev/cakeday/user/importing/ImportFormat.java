package dev.cakeday.user.importing;

import java.util.Locale;
import java.util.Optional;
import org.springframework.http.MediaType;

/** The formats a bulk import reads: CSV with a header line, or one JSON object per line. */
enum ImportFormat {
    CSV("text/csv"),
    NDJSON("application/x-ndjson");

    private final MediaType mediaType;

    ImportFormat(String mediaType) {
        this.mediaType = MediaType.parseMediaType(mediaType);
    }

    static Optional<ImportFormat> of(MediaType contentType) {
        for (ImportFormat format : values()) {
            if (format.mediaType.isCompatibleWith(contentType)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** By the file's extension: .ndjson and .jsonl are NDJSON, anything else CSV. */
    static ImportFormat ofFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".ndjson") || lower.endsWith(".jsonl") ? NDJSON : CSV;
    }
}
