package dev.cakeday.mail;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a channel's missing or wrong setting as Spring Boot reports other misconfiguration. */
public class ChannelSettingFailureAnalyzer
        extends AbstractFailureAnalyzer<ChannelSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ChannelSettingException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Set "
                        + cause.property()
                        + " (README, \"Channels\"), or choose another cakeday.mail.provider.",
                cause);
    }
}
