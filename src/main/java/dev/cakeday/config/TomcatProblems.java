package dev.cakeday.config;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses before the application sees a request (a malformed request line, broken
 * percent-encoding) is answered as problem+json too, not as Tomcat's HTML page. An encoded slash
 * ({@code %2F}) is passed on still encoded, so that Spring Security's firewall, the one judge of
 * paths, refuses it with the same answer as every other suspicious spelling.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(
                connector -> connector.setEncodedSolidusHandling("passthrough"));
        factory.addContextCustomizers(
                context -> {
                    Host host = (Host) context.getParent();
                    if (host instanceof StandardHost standard) {
                        standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                    }
                });
    }

    /** Tomcat's own error report, as RFC 9457 problem+json that repeats nothing of the request. */
    public static class ProblemReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            String title = status < 500 ? "Bad request" : "Server error";
            String body =
                    "{\"type\":\"urn:cakeday:problem:"
                            + (status < 500 ? "malformed-request" : "internal")
                            + "\",\"title\":\""
                            + title
                            + "\",\"status\":"
                            + status
                            + ",\"detail\":\"the server could not read the request line or its path\"}";
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(body);
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client went away; nothing is left to tell it.
            }
        }
    }
}
