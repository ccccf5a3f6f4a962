package dev.cakeday.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * Basic credentials are ambient: once a browser holds them for this server it attaches them to
 * every request to it, also to a form or a script on another site that posts here. So an action
 * (any method but GET, HEAD and OPTIONS) sent with Basic credentials must show that this server's
 * own page sent it: the browser's {@code Sec-Fetch-Site: same-origin}, or an {@code Origin} naming
 * this server (scheme, host and port as the request reached it). A page elsewhere can forge
 * neither; it gets 403. A bearer token needs no such proof: no browser adds that header by itself.
 */
final class SameOrigin extends OncePerRequestFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final RequestMatcher basicPaths;
    private final ProblemResponses problems;

    /** {@code basicPaths}: where Basic credentials are taken; elsewhere they are refused anyway. */
    SameOrigin(RequestMatcher basicPaths, ProblemResponses problems) {
        this.basicPaths = basicPaths;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !basicPaths.matches(request);
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE.contains(request.getMethod())
                || !TokenConverter.isBasic(request)
                || fromThisServer(request)) {
            chain.doFilter(request, response);
            return;
        }
        problems.crossSite(response);
    }

    private static boolean fromThisServer(HttpServletRequest request) {
        if ("same-origin".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
            return true;
        }
        if (request.getHeader(HttpHeaders.ORIGIN) == null) {
            return false; // isSameOrigin takes a request without Origin for same-origin
        }
        try {
            return WebUtils.isSameOrigin(new ServletServerHttpRequest(request));
        } catch (IllegalArgumentException malformedOrigin) {
            return false;
        }
    }
}
