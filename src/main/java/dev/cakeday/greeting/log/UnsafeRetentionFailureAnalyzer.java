package dev.cakeday.greeting.log;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an unsafe log retention as Spring Boot reports other misconfiguration. */
public class UnsafeRetentionFailureAnalyzer
        extends AbstractFailureAnalyzer<UnsafeRetentionException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeRetentionException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Set cakeday.log.retention to at least "
                        + UnsafeRetentionException.readable(cause.minimum())
                        + ", or to 0 to keep every month (README, \"Configuration\").",
                cause);
    }
}
