package dev.cakeday.greeting.message;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a broken greeting template as Spring Boot reports other misconfiguration. */
public class GreetingTemplateFailureAnalyzer
        extends AbstractFailureAnalyzer<GreetingTemplateException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, GreetingTemplateException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Fix the template (README, \"Greeting templates\"): templates are ICU MessageFormat"
                        + " with the arguments firstName, lastName, date and years.",
                cause);
    }
}
