package dev.cakeday.local;

import dev.cakeday.local.DataSourceRequirement.MissingDataSourceException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a missing database as Spring Boot reports other misconfiguration: what, and what to do.
 */
public class MissingDataSourceFailureAnalyzer
        extends AbstractFailureAnalyzer<MissingDataSourceException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingDataSourceException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
