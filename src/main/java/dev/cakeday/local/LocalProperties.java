package dev.cakeday.local;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local mode ({@code local} profile) under {@code cakeday.local.*}.
 *
 * @param dataDir where the embedded PostgreSQL keeps its data, relative to the working directory;
 *     it survives restarts (delete it to start afresh)
 */
@ConfigurationProperties("cakeday.local")
public record LocalProperties(@DefaultValue(".cakeday-local/postgres") Path dataDir) {}
